//! Posts, standalone pages and their aliases, and what every rendering pass over a
//! site shares (`Pass`): the URL scheme, the site-wide view and the tag index.

use std::sync::Arc;

use crate::content::{Kind, Taxonomy};
use crate::error::{Diagnostic, Location, Result};
use crate::render::context::*;
use crate::render::feeds::FeedFormat;
use crate::render::sanitize::safe_website;
use crate::render::thread::thread_view;
use crate::render::Renderer;
use crate::site::engagement::SiteTotals;
use crate::site::lists::{collect_taxonomies, term_links, Taxonomies};
use crate::site::related::{KeptRelated, RelatedPosts};
use crate::site::urls::{SitePage, Urls};
use crate::site::{Entry, Site};
use crate::threads::conversations::excerpt;

/// What rendering a post or page made besides its page, which lists, feeds and the
/// search index reuse.
pub(crate) struct Made {
    /// Its body as HTML.
    pub(crate) content: String,
    /// What lists show of it: its summary, or the first paragraph of its body.
    pub(crate) summary: String,
    /// `summary` as plain text, shortened: its `<meta name="description">`.
    pub(crate) description: String,
}

/// Everything one rendering pass over a loaded site shares. The full build renders
/// every output of its plan with it; an incremental update only those that changed.
pub(crate) struct Pass<'a> {
    pub(crate) site: &'a Site,
    pub(crate) renderer: &'a Renderer,
    pub(crate) urls: Urls,
    pub(crate) site_view: SiteView,
    /// The terms of each taxonomy the site uses.
    pub(crate) taxonomies: Taxonomies,
    /// `0..site.posts.len()`: the members of the index.
    pub(crate) all_posts: Vec<usize>,
    /// The related posts of each post (`related::related_posts`).
    pub(crate) related: Arc<Vec<RelatedPosts>>,
    /// The site-wide conversation figures.
    pub(crate) totals: SiteTotals<'a>,
    /// How the sitemap's addresses are shared between files, once counted
    /// (`sitemap_split`): the plan and each file of the sitemap ask.
    pub(crate) sitemap_split: std::sync::OnceLock<crate::site::site_pages::SitemapSplit>,
}

/// A post or page as a plan names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EntryRef {
    /// At this position in `site.posts`, newest first.
    Post(usize),
    /// At this position in `site.pages`.
    Page(usize),
}

impl<'a> Pass<'a> {
    pub(crate) fn new(site: &'a Site, renderer: &'a Renderer) -> Self {
        Self::keeping(site, renderer, &mut KeptRelated::default())
    }

    /// `new`, with the related posts `kept` holds when they still hold.
    pub(crate) fn keeping(site: &'a Site, renderer: &'a Renderer, kept: &mut KeptRelated) -> Self {
        let urls = Urls::new(&site.config.base_url, &site.config.base_path);
        let config = &site.config;
        let taxonomies =
            collect_taxonomies(&site.posts, &urls, &config.feed_formats, &config.taxonomies);
        let mut pass = Pass {
            site_view: site_view(site, &urls),
            related: Default::default(),
            taxonomies,
            all_posts: (0..site.posts.len()).collect(),
            totals: SiteTotals::default(),
            sitemap_split: Default::default(),
            site,
            renderer,
            urls,
        };
        pass.related = kept.of(&site.posts, pass.terms(Taxonomy::Tags));
        pass
    }

    pub(crate) fn entry(&self, at: EntryRef) -> &'a Entry {
        self.site.entry(at)
    }

    /// The newer and older posts of the post at `at`; none for a page.
    pub(crate) fn neighbours(&self, at: EntryRef) -> (Option<&'a Entry>, Option<&'a Entry>) {
        match at {
            EntryRef::Post(i) => (
                i.checked_sub(1).map(|n| &self.site.posts[n]),
                self.site.posts.get(i + 1),
            ),
            EntryRef::Page(_) => (None, None),
        }
    }

    /// Renders a post or page; returns its HTML and what lists, feeds and the search
    /// index reuse.
    pub(crate) fn render_entry(&self, at: EntryRef) -> Result<(String, Made)> {
        self.render_entry_as(at, self.entry(at))
    }

    /// Renders the post or page at `at` as `entry`, a reading of it with its body
    /// and thread (the site a streaming build holds has neither).
    pub(crate) fn render_entry_as(&self, at: EntryRef, entry: &Entry) -> Result<(String, Made)> {
        let (site, renderer, urls) = (self.site, self.renderer, &self.urls);
        let strings = &*site.config.strings;
        let doc = &entry.doc;
        let link = |e: &Entry| LinkView {
            title: e.doc.title.to_string(),
            url: urls.path(&e.doc.path),
        };
        let (newer, older) = self.neighbours(at);
        let default_template = if doc.kind == Kind::Post {
            "post.html"
        } else {
            "page.html"
        };
        let template = doc.more().template.as_deref().unwrap_or(default_template);
        if !renderer.has_template(template) {
            return Err(Diagnostic::new(
                Location::new(&doc.source, doc.lines.template.map(|l| l.get() as usize)),
                format!("template {template:?} does not exist"),
                "create it in templates/, or remove the template: key",
            )
            .into());
        }
        let (content, outline) = renderer.markdown.render_document_outlined(doc.body());
        let related = match at {
            EntryRef::Post(i) => &self.related[i][..],
            EntryRef::Page(_) => &[],
        };
        let summary = doc.summary().map(|s| renderer.markdown.render_document(s));
        let page = PageView {
            title: doc.title.to_string(),
            url: urls.path(&doc.path),
            permalink: urls.permalink(&doc.path),
            date: doc.date.as_ref().map(|d| DateView::new(d, strings)),
            updated: doc
                .more()
                .updated
                .as_ref()
                .map(|d| DateView::new(d, strings)),
            tags: term_links(entry, Taxonomy::Tags, self.terms(Taxonomy::Tags)),
            categories: term_links(
                entry,
                Taxonomy::Categories,
                self.terms(Taxonomy::Categories),
            ),
            draft: doc.draft,
            description: excerpt(summary.as_deref().unwrap_or(first_paragraph(&content)), 300),
            image: image_url(&doc.more().extra, &site.config.base_url)
                .or_else(|| image_url(&site.config.extra, &site.config.base_url)),
            content,
            summary,
            extra: doc.more().extra.clone(),
            thread: thread_view(
                &entry.thread,
                entry.tree(),
                site.config.max_depth,
                (&renderer.markdown, &renderer.sanitizer),
                strings,
                renderer.reads_comment_list(template),
            ),
            engagement: EngagementView::new(entry.engagement(), strings),
            reply_elsewhere: doc
                .more()
                .syndication
                .iter()
                .filter_map(|u| reply_elsewhere(u))
                .collect(),
            reply_email: site
                .config
                .reply_email
                .as_deref()
                .map(|address| reply_email(address, &doc.title)),
            newer: newer.map(link),
            older: older.map(link),
            toc: TocEntry::nest(&outline.headings),
            show_toc: doc.toc,
            word_count: outline.words,
            reading_time: outline.reading_minutes,
            related: related
                .iter()
                .map(|&j| {
                    let other = &site.posts[j as usize].doc;
                    RelatedPostView {
                        title: other.title.to_string(),
                        url: urls.path(&other.path),
                        date: other.date.as_ref().map(|d| DateView::new(d, strings)),
                    }
                })
                .collect(),
        };
        let mut ctx =
            TemplateContext::new(&self.site_view, page.url.clone(), page.permalink.clone());
        ctx.page_title = doc.title.to_string();
        ctx.page = Some(&page);
        let html = renderer.render(template, &ctx)?;
        let summary = match page.summary {
            Some(summary) => summary,
            None => first_paragraph(&page.content).to_string(),
        };
        let made = Made {
            content: page.content,
            summary,
            description: page.description,
        };
        Ok((html, made))
    }

    /// The page at an entry's `alias`, which sends the reader to the entry.
    pub(crate) fn render_alias(&self, at: EntryRef, alias: usize) -> Result<String> {
        let doc = &self.entry(at).doc;
        let permalink = self.urls.permalink(&doc.path);
        let mut ctx = TemplateContext::new(
            &self.site_view,
            self.urls.path(&doc.more().aliases[alias]),
            permalink.clone(),
        );
        ctx.page_title = doc.title.to_string();
        ctx.redirect_to = Some(permalink);
        self.renderer.render("alias.html", &ctx)
    }

    /// A post as lists show it; `summary` is its `summary_html`.
    pub(crate) fn summary_view(&self, entry: &Entry, summary: &str) -> PostSummaryView {
        let doc = &entry.doc;
        let strings = &*self.site.config.strings;
        PostSummaryView {
            title: doc.title.to_string(),
            url: self.urls.path(&doc.path),
            permalink: self.urls.permalink(&doc.path),
            date: doc.date.as_ref().map(|d| DateView::new(d, strings)),
            tags: term_links(entry, Taxonomy::Tags, self.terms(Taxonomy::Tags)),
            categories: term_links(
                entry,
                Taxonomy::Categories,
                self.terms(Taxonomy::Categories),
            ),
            summary: summary.to_string(),
            draft: doc.draft,
            engagement: EngagementView::new(entry.engagement(), strings),
        }
    }
}

/// The `mailto:` link of "Reply by email": the post's title as the subject, every
/// character but letters and digits percent-encoded so no title can end the address.
fn reply_email(address: &str, title: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    format!(
        "mailto:{address}?subject={}",
        utf8_percent_encode(title, NON_ALPHANUMERIC)
    )
}

/// A `syndication:` address as a "Reply on …" link: named by its network when the
/// address says (`bsky.app/profile/…/post/…`, `…/@user/123`), else by its host.
fn reply_elsewhere(url: &str) -> Option<ReplyElsewhereView> {
    let url = safe_website(url)?;
    let rest = &url[url.find("://")? + 3..];
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let name = match segments.as_slice() {
        _ if host.eq_ignore_ascii_case("bsky.app") => "Bluesky".to_string(),
        [user, id] if user.starts_with('@') && id.bytes().all(|b| b.is_ascii_digit()) => {
            "Mastodon".to_string()
        }
        _ => host.to_string(),
    };
    Some(ReplyElsewhereView {
        name,
        url: url.to_string(),
    })
}

fn site_view(site: &Site, urls: &Urls) -> SiteView {
    let c = &site.config;
    let mut pages: Vec<LinkView> = site
        .pages
        .iter()
        .filter(|p| !p.doc.path.trim_end_matches('/').contains('/'))
        .map(|p| LinkView {
            title: p.doc.title.to_string(),
            url: urls.path(&p.doc.path),
        })
        .collect();
    pages.sort_by(|a, b| a.title.cmp(&b.title));
    SiteView {
        title: c.title.clone(),
        description: c.description.clone(),
        language: c.language.clone(),
        base_url: c.base_url.clone(),
        base_path: c.base_path.clone(),
        author: c.author_name.clone(),
        pages,
        taxonomies: (c.taxonomies.iter())
            .map(|&t| TaxonomyLinkView {
                name: t.name().into(),
                title: c.strings.text(t.strings().index).into(),
                url: urls.path(SitePage::TermIndex(t).rel()),
            })
            .collect(),
        menu: c
            .menu
            .iter()
            .map(|(name, url)| LinkView {
                title: name.clone(),
                url: match url.strip_prefix('/') {
                    Some(path) => format!("{}{path}", c.base_path),
                    None => url.clone(),
                },
            })
            .collect(),
        author_links: c.author_links.clone(),
        favicon: c.favicon.as_ref().map(|f| format!("{}{f}", c.base_path)),
        image: image_url(&c.extra, &c.base_url),
        feeds: FeedsView {
            posts: feed_links(urls, &c.feed_formats, |f| {
                SitePage::PostsFeed(f).rel().into()
            }),
            comments: feed_links(urls, &c.feed_formats, |f| {
                SitePage::CommentsFeed(f).rel().into()
            }),
        },
        highlight_css: c
            .highlight
            .as_ref()
            .map(|_| format!("{}{}", c.base_path, crate::render::highlight::CSS_FILE)),
        webmention_endpoint: c
            .fetch
            .webmention_io
            .as_ref()
            .map(|domain| format!("https://webmention.io/{domain}/webmention")),
        extra: c.extra.clone(),
    }
}

/// A feed in each of `formats`, at `rel(format)`.
pub(crate) fn feed_links(
    urls: &Urls,
    formats: &[FeedFormat],
    rel: impl Fn(FeedFormat) -> String,
) -> Vec<FeedLinkView> {
    formats
        .iter()
        .map(|&format| FeedLinkView {
            url: urls.path(&rel(format)),
            media_type: format.media_type().into(),
            format: format.label().into(),
        })
        .collect()
}

fn first_paragraph(html: &str) -> &str {
    match (html.find("<p>"), html.find("</p>")) {
        (Some(start), Some(end)) if start < end => &html[start..end + 4],
        _ => "",
    }
}
