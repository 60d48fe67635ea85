//! The typed values templates receive. These structs ARE the contract with theme
//! authors (the README documents every field); templates never see raw models.

use serde::Serialize;

use crate::dates::{self, Date};
use crate::render::i18n::Strings;
use crate::threads::metrics::Engagement;
use crate::threads::Role;

/// Site-wide values, `site` in every template.
#[derive(Debug, Clone, Serialize)]
pub struct SiteView {
    pub title: String,
    pub description: String,
    pub language: String,
    /// Ends in `/`: `https://example.github.io/blog/`.
    pub base_url: String,
    /// Ends in `/`: `/blog/`. Prefix of every internal link.
    pub base_path: String,
    pub author: Option<String>,
    /// Standalone pages, for navigation.
    pub pages: Vec<LinkView>,
    /// The taxonomies the site uses, each linking to its list of terms.
    pub taxonomies: Vec<TaxonomyLinkView>,
    /// `[[menu]]` entries of site.toml, shown after the built-in navigation.
    pub menu: Vec<LinkView>,
    /// `[author] links`: the author's profiles, linked with `rel="me"`.
    pub author_links: Vec<String>,
    /// Path of the favicon (`/blog/favicon.svg`), when the site has one.
    pub favicon: Option<String>,
    /// Absolute URL of `[extra] image`, the default sharing image.
    pub image: Option<String>,
    /// The posts and comments feeds, in the formats of `[feeds] formats`.
    pub feeds: FeedsView,
    /// Path of `highlight.css`, the code colours of `[highlight]`, when the site
    /// chose any.
    pub highlight_css: Option<String>,
    /// Where other sites send webmentions (`<link rel="webmention">`), when
    /// `[fetch] webmention_io` names the site's domain.
    pub webmention_endpoint: Option<String>,
    /// `[extra]` of site.toml.
    pub extra: tera::Value,
}

/// The site's feeds, each list in the order site.toml names the formats (at least one).
#[derive(Debug, Clone, Serialize)]
pub struct FeedsView {
    pub posts: Vec<FeedLinkView>,
    pub comments: Vec<FeedLinkView>,
}

/// One feed, for `<link rel="alternate">` and links to it.
#[derive(Debug, Clone, Serialize)]
pub struct FeedLinkView {
    /// Path with the base path: `/blog/atom.xml`.
    pub url: String,
    /// `application/atom+xml`, `application/rss+xml` or `application/feed+json`.
    pub media_type: String,
    /// `Atom`, `RSS` or `JSON Feed`.
    pub format: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub title: String,
    /// Path with the base path: `/blog/about/`.
    pub url: String,
}

/// The absolute URL of an `image` value of `extra`: an http(s) URL as written, a path
/// under the site's base URL; anything else (a `javascript:` address) is no image.
pub fn image_url(extra: &tera::Value, base_url: &str) -> Option<String> {
    let image = extra.get("image")?.as_str()?.trim();
    let lower = image.to_ascii_lowercase();
    if lower.starts_with("https://") || lower.starts_with("http://") {
        Some(image.to_string())
    } else if image.is_empty() || image.contains(':') || image.starts_with("//") {
        None
    } else {
        Some(format!("{base_url}{}", image.trim_start_matches('/')))
    }
}

/// A date in the forms templates need.
#[derive(Debug, Clone, Serialize)]
pub struct DateView {
    /// `2015-03-02T10:15:00Z`, for `datetime` attributes.
    pub iso: String,
    /// `2 March 2015`.
    pub human: String,
    /// `2 March 2015, 10:15`.
    pub human_time: String,
}

impl DateView {
    /// `d` in the words of `strings`.
    pub fn new(d: &Date, strings: &Strings) -> Self {
        let human = strings.date(d);
        DateView {
            iso: dates::rfc3339(d),
            human_time: strings.date_time_of(d, &human),
            human,
        }
    }
}

/// A taxonomy the site uses: `name` as in site.toml (`categories`), `title` in the
/// site's language, `url` of its list of terms.
#[derive(Debug, Clone, Serialize)]
pub struct TaxonomyLinkView {
    pub name: String,
    pub title: String,
    pub url: String,
}

/// A term of a taxonomy (a tag, a category), linking to its list.
#[derive(Debug, Clone, Serialize)]
pub struct TagLinkView {
    pub name: String,
    pub slug: String,
    pub url: String,
    /// Number of posts with this tag.
    pub count: usize,
    /// The feeds of its posts, one per format of the site's feeds.
    pub feeds: Vec<FeedLinkView>,
}

/// A post as listed on index and tag pages.
#[derive(Debug, Clone, Serialize)]
pub struct PostSummaryView {
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub date: Option<DateView>,
    pub tags: Vec<TagLinkView>,
    pub categories: Vec<TagLinkView>,
    /// HTML of the summary (or of the first paragraph when there is none).
    pub summary: String,
    pub draft: bool,
    pub engagement: EngagementView,
}

/// One post or page, `page` in `post.html` and `page.html`.
#[derive(Debug, Clone, Serialize)]
pub struct PageView {
    pub title: String,
    pub url: String,
    pub permalink: String,
    pub date: Option<DateView>,
    pub updated: Option<DateView>,
    pub tags: Vec<TagLinkView>,
    pub categories: Vec<TagLinkView>,
    pub draft: bool,
    /// The body as HTML.
    pub content: String,
    pub summary: Option<String>,
    /// Plain text of the summary (or of the first paragraph), for
    /// `<meta name="description">` and sharing cards.
    pub description: String,
    /// Absolute URL of front matter `extra.image`, else of the site's `[extra] image`.
    pub image: Option<String>,
    /// Front matter `extra:`.
    pub extra: tera::Value,
    pub thread: ThreadView,
    pub engagement: EngagementView,
    /// The posts that announced this one elsewhere (front matter `syndication:`),
    /// where a reader can answer: "Reply on Mastodon".
    pub reply_elsewhere: Vec<ReplyElsewhereView>,
    /// `mailto:` address of `[comments] reply_email`, the post's title as subject.
    pub reply_email: Option<String>,
    /// The next newer and older posts (posts only).
    pub newer: Option<LinkView>,
    pub older: Option<LinkView>,
    /// The headings of the body, nested: `##` sections hold their `###` subsections.
    pub toc: Vec<TocEntry>,
    /// `toc: true` in the front matter: the page shows `toc`.
    pub show_toc: bool,
    /// Words of the body outside code blocks.
    pub word_count: usize,
    /// Whole minutes to read the body (0 for an empty one).
    pub reading_time: usize,
    /// A few posts sharing the most tags with this one (posts only).
    pub related: Vec<RelatedPostView>,
}

/// A heading of a page's table of contents.
#[derive(Debug, Clone, Serialize)]
pub struct TocEntry {
    /// 2 for `##`, 3 for `###`, …
    pub level: u8,
    /// The heading's id: link to it with `#{{ h.id }}`.
    pub id: String,
    /// Its text, without markup.
    pub title: String,
    /// The deeper headings up to the next heading of this level or above.
    pub children: Vec<TocEntry>,
}

impl TocEntry {
    /// Nests `headings` (in document order) by level.
    pub fn nest(headings: &[crate::render::markdown::Heading]) -> Vec<TocEntry> {
        let mut entries = Vec::new();
        let mut i = 0;
        while i < headings.len() {
            let h = &headings[i];
            let end = headings[i + 1..]
                .iter()
                .position(|d| d.level <= h.level)
                .map_or(headings.len(), |p| i + 1 + p);
            entries.push(TocEntry {
                level: h.level,
                id: h.id.clone(),
                title: h.title.clone(),
                children: TocEntry::nest(&headings[i + 1..end]),
            });
            i = end;
        }
        entries
    }
}

/// A related post, at the end of a post.
#[derive(Debug, Clone, Serialize)]
pub struct RelatedPostView {
    pub title: String,
    pub url: String,
    pub date: Option<DateView>,
}

/// One place a post was announced: `name` is the network (`Mastodon`, `Bluesky`) or
/// the site's host, `url` an http(s) address.
#[derive(Debug, Clone, Serialize)]
pub struct ReplyElsewhereView {
    pub name: String,
    pub url: String,
}

/// The conversation of a post, flattened in reading order so templates need no
/// recursion (a 3,000-deep chain renders with constant template depth).
#[derive(Debug, Clone, Default, Serialize)]
pub struct ThreadView {
    pub comments: Vec<CommentView>,
    /// How many comments `comments` holds.
    pub count: usize,
    /// The `comments.max_depth` setting: nesting stops at this level.
    pub max_depth: usize,
    /// The default theme's markup of the whole thread (`<ol class="thread">…</ol>`),
    /// rendered once in Rust; empty without comments.
    pub html: String,
    /// Likes, reposts and bookmarks received elsewhere, as counts.
    pub reactions: ReactionsView,
}

/// How many times a post was liked, reposted and bookmarked elsewhere (`rapport
/// fetch`); who did it is never kept.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReactionsView {
    pub likes: usize,
    pub reposts: usize,
    pub bookmarks: usize,
    /// The three together: a template shows the line only when it is not 0.
    pub total: usize,
}

/// One comment. The default theme renders it as
/// `<li class="comment[ by-author]" id="comment-{{id}}" data-depth="{{depth}}">`.
#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    pub id: String,
    /// `comment-<id>`: the element id and permalink fragment.
    pub anchor: String,
    /// Display name; "Anonymous" when the file has none.
    pub author: String,
    /// The commenter's website, only when it is an http(s) URL.
    pub website: Option<String>,
    /// Who wrote it; templates see `reader`, `author` or `mention`.
    pub role: Role,
    pub by_author: bool,
    pub date: Option<DateView>,
    /// True depth in the thread; top level is 1.
    pub depth: usize,
    /// Nesting level to draw: `depth` capped at `max_depth`.
    pub level: usize,
    /// Sanitised HTML body (author comments are trusted but rendered the same way).
    pub body: String,
    /// The comment this one answers (every reply has one), for screen-reader text.
    pub parent: Option<ReplyToView>,
    /// Set on replies drawn below their true depth, so they say whom they answer.
    pub in_reply_to: Option<ReplyToView>,
    /// The next comment is drawn one level deeper: open a replies list after this one.
    pub opens_replies: bool,
    /// How many replies lists close after this comment's element closes.
    pub closes: usize,
    /// Where a fetched response came from, as "via" names it (`Mastodon`,
    /// `webmention`, ...), and its address there when that is an http(s) URL.
    pub via: Option<String>,
    pub source: Option<String>,
    /// A content warning the body is folded behind.
    pub warning: Option<String>,
    /// Gone at its source, or not published (pending, rejected): shown as a
    /// placeholder, without name or text.
    pub withdrawn: bool,
    /// Of those, pending or rejected rather than gone at its source.
    pub removed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyToView {
    pub id: String,
    pub anchor: String,
    pub author: String,
}

/// Engagement figures for templates; definitions in `threads::metrics`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EngagementView {
    pub comments: usize,
    pub reader_comments: usize,
    pub participants: usize,
    pub author_replies: usize,
    pub answered: usize,
    /// Whole percent, `None` without reader comments.
    pub reply_rate: Option<u32>,
    pub deepest: usize,
    pub back_and_forth: usize,
    /// "3 hours", "2 days"...
    pub median_reply_time: Option<String>,
    pub median_reply_seconds: Option<i64>,
    pub last_activity: Option<DateView>,
    /// The author took part in the conversation (wrote at least one comment).
    pub in_conversation: bool,
}

impl EngagementView {
    /// The figures of `e`, durations and dates in the words of `strings`.
    pub fn new(e: &Engagement, strings: &Strings) -> Self {
        let median = e.median_reply_time();
        EngagementView {
            comments: e.comments as usize,
            reader_comments: e.reader_comments as usize,
            participants: e.participants as usize,
            author_replies: e.author_replies as usize,
            answered: e.answered as usize,
            reply_rate: e.reply_rate().map(|r| (r * 100.0).round() as u32),
            deepest: e.deepest as usize,
            back_and_forth: e.back_and_forth as usize,
            median_reply_time: median.map(|d| strings.duration(d)),
            median_reply_seconds: median.map(|d| d.num_seconds()),
            last_activity: e.last_activity.as_ref().map(|d| DateView::new(d, strings)),
            in_conversation: e.author_replies > 0,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PaginationView {
    /// 1-based.
    pub current: usize,
    pub total: usize,
    /// Link to the page of newer posts.
    pub prev: Option<String>,
    /// Link to the page of older posts.
    pub next: Option<String>,
}

/// `/engagement/`: `engagement` in `engagement.html`.
#[derive(Debug, Clone, Serialize)]
pub struct EngagementPageView {
    /// The fifty posts with the best conversations, best first.
    pub ranking: Vec<RankedPostView>,
    /// Readers who commented on more than one post, the hundred most faithful.
    pub regulars: Vec<RegularView>,
    /// How many more regulars there are.
    pub more_regulars: usize,
    /// Reply rate per month (or quarter for histories over two years).
    pub periods: Vec<PeriodView>,
    pub chart: ChartView,
    pub reader_comments: usize,
    pub answered: usize,
    /// Whole percent over the whole site.
    pub reply_rate: Option<u32>,
    /// Site-wide median time to the first author reply, e.g. "5 hours".
    pub median_reply_time: Option<String>,
    /// Comments by where they came from, those with any, when some came from
    /// elsewhere (Mastodon, Bluesky, webmentions) than this site.
    pub sources: Vec<SourceCountView>,
    /// The default theme's markup of the page's sections (the ranking, the regulars,
    /// the reply rate), rendered once in Rust from the fields above.
    pub html: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SourceCountView {
    /// `Mastodon`, `Bluesky`, or the site's words for webmentions and this site.
    pub name: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RankedPostView {
    /// 1-based.
    pub rank: usize,
    pub title: String,
    pub url: String,
    pub engagement: EngagementView,
    /// The deepest comment of the post's thread.
    pub deepest: Option<CommentLinkView>,
}

/// A link to one comment, with a plain-text excerpt.
#[derive(Debug, Clone, Serialize)]
pub struct CommentLinkView {
    pub author: String,
    pub by_author: bool,
    pub post_title: String,
    /// The post's URL with `#comment-<id>`.
    pub url: String,
    pub date: Option<DateView>,
    pub depth: usize,
    /// Plain-text excerpt of the comment; filled in the ranking only (empty in a
    /// regular's links, which show post titles).
    pub excerpt: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RegularView {
    pub name: String,
    /// Number of posts they commented on.
    pub posts: usize,
    /// Their latest comments (up to ten), newest post first.
    pub comments: Vec<CommentLinkView>,
    /// How many more comments they wrote.
    pub more_comments: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PeriodView {
    /// `2015-03` or `2015 Q1`.
    pub label: String,
    pub reader_comments: usize,
    pub answered: usize,
    /// Whole percent; `None` when the period has no reader comments.
    pub reply_rate: Option<u32>,
}

/// Geometry of the reply-rate bar chart, computed so a template draws plain SVG.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChartView {
    pub width: u32,
    pub height: u32,
    /// y of the 0% line; the 100% line is at `top`.
    pub baseline: u32,
    pub top: u32,
    pub bars: Vec<BarView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BarView {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    /// Centre of the bar, for its labels.
    pub center: u32,
    pub label: String,
    /// `75%`, or `–` without reader comments.
    pub value: String,
    /// Whether to print the period label under this bar (long series thin them out).
    pub show_label: bool,
}

/// Everything a template gets: `site`, `current_path`, and what the page is about.
#[derive(Debug, Serialize)]
pub struct TemplateContext<'a> {
    pub site: &'a SiteView,
    /// The page's own path (with base path), for `aria-current` in navigation.
    pub current_path: String,
    /// For `<title>`; empty on the home page.
    pub page_title: String,
    /// Absolute URL of this page, for `<link rel="canonical">`.
    pub canonical: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<&'a PageView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts: Option<&'a [PostSummaryView]>,
    /// The default theme's markup of `posts` (`partials/post-list.html`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub posts_html: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pagination: Option<PaginationView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<&'a TagLinkView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<&'a [TagLinkView]>,
    /// A term's list (`tag` too on a tag's), a taxonomy's list of terms (`tags` too
    /// for tags): the term or terms, and the taxonomy's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<&'a TagLinkView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terms: Option<&'a [TagLinkView]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub taxonomy: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub engagement: Option<&'a EngagementPageView>,
    /// Alias pages: where they redirect to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redirect_to: Option<String>,
    /// The search page: the path of the search index.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_index: Option<String>,
}

impl<'a> TemplateContext<'a> {
    pub fn new(site: &'a SiteView, current_path: String, canonical: String) -> Self {
        TemplateContext {
            site,
            current_path,
            page_title: String::new(),
            canonical,
            page: None,
            posts: None,
            posts_html: None,
            pagination: None,
            tag: None,
            tags: None,
            term: None,
            terms: None,
            taxonomy: None,
            engagement: None,
            redirect_to: None,
            search_index: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_are_absolute_and_web_only() {
        let base = "https://e.org/blog/";
        let image = |v: &str| image_url(&serde_json::json!({ "image": v }), base);
        assert_eq!(
            image("/img/a.png").as_deref(),
            Some("https://e.org/blog/img/a.png")
        );
        assert_eq!(
            image("https://cdn.org/a.png").as_deref(),
            Some("https://cdn.org/a.png")
        );
        assert_eq!(image("javascript:alert(1)"), None);
        assert_eq!(image_url(&serde_json::json!({}), base), None);
    }
}
