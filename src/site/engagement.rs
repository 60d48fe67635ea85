//! The site-wide conversation outputs: the `/engagement/` page and the
//! comments feeds (`/comments.xml` and its other formats), built from the figures of `threads::conversations`.

use crate::dates::Date;
use crate::error::Result;
use crate::render::context::*;
use crate::render::feeds::{Feed, FeedEntry, FeedFormat};
use crate::render::i18n::Strings;
use crate::render::sanitize::comment_body;
use crate::render::Renderer;
use crate::site::urls::{SitePage, Urls};
use crate::site::{Entry, Site};
use crate::threads::conversations::{self, Period, PostThread};
use crate::threads::digest::Digest;
use crate::threads::metrics::BySource;

const EXCERPT_LENGTH: usize = 140;
/// The page is read by people: the best conversations, not every post that has a
/// comment, and a regular's latest comments rather than all of them.
const RANKED_POSTS: usize = 50;
const LINKS_PER_REGULAR: usize = 10;
const REGULARS_SHOWN: usize = 100;

/// Posts then standalone pages: a page's conversation counts like a post's.
pub fn conversations(site: &Site) -> Vec<&Entry> {
    site.posts.iter().chain(&site.pages).collect()
}

pub fn post_threads<'a>(entries: &[&'a Entry]) -> Vec<PostThread<'a>> {
    entries
        .iter()
        .map(|e| PostThread {
            thread: &e.thread,
            tree: &e.tree,
            engagement: &e.engagement,
        })
        .collect()
}

/// Renders the conversations page.
pub fn render_engagement_page(
    site: &Site,
    renderer: &Renderer,
    urls: &Urls,
    site_view: &SiteView,
) -> Result<String> {
    let view = engagement_view(site, renderer, urls);
    let rel = SitePage::Engagement.rel();
    let mut ctx = TemplateContext::new(site_view, urls.path(rel), urls.permalink(rel));
    ctx.page_title = site.config.strings.text("conversations").into();
    ctx.engagement = Some(&view);
    renderer.render("engagement.html", &ctx)
}

fn engagement_view(site: &Site, renderer: &Renderer, urls: &Urls) -> EngagementPageView {
    let strings = &*site.config.strings;
    let entries = conversations(site);
    let posts = post_threads(&entries);
    // Excerpts are for the ranking; a regular's links show post titles only, and at ten
    // links per regular, excerpts of them all would be most of the page's cost.
    let comment_link = |p: usize, c: usize, with_excerpt: bool| {
        let entry = entries[p];
        let comment = &entry.thread.comments[c];
        CommentLinkView {
            author: comment
                .author
                .clone()
                .unwrap_or_else(|| strings.text("anonymous").into()),
            by_author: comment.is_author(),
            post_title: entry.doc.title.clone(),
            url: format!("{}#comment-{}", urls.path(&entry.doc.path), comment.id),
            date: comment.date.as_ref().map(|d| DateView::new(d, strings)),
            depth: entry.tree.depth[c],
            excerpt: if with_excerpt {
                // Of what the post page shows: scripts and styles removed, markdown rendered.
                let shown = comment_body(&renderer.markdown, &renderer.sanitizer, &comment.body);
                conversations::excerpt(&shown, EXCERPT_LENGTH)
            } else {
                String::new()
            },
        }
    };
    let ranking = conversations::rank_posts(&posts)
        .into_iter()
        .take(RANKED_POSTS)
        .enumerate()
        .map(|(rank, p)| RankedPostView {
            rank: rank + 1,
            title: entries[p].doc.title.clone(),
            url: urls.path(&entries[p].doc.path),
            engagement: EngagementView::new(&entries[p].engagement, strings),
            deepest: entries[p]
                .digest
                .deepest
                .map(|c| comment_link(p, c as usize, true)),
        })
        .collect();
    let all_regulars = conversations::regulars(&digests(&entries));
    let more_regulars = all_regulars.len().saturating_sub(REGULARS_SHOWN);
    let regulars = all_regulars
        .into_iter()
        .take(REGULARS_SHOWN)
        .map(|r| RegularView {
            name: r.name,
            posts: r.posts,
            comments: r
                .comments
                .iter()
                .take(LINKS_PER_REGULAR)
                .map(|&(p, c)| comment_link(p, c, false))
                .collect(),
            more_comments: r.comments.len().saturating_sub(LINKS_PER_REGULAR),
        })
        .collect();
    // A period without reader comments has no rate to show: a row of dashes for each
    // quiet month pushed the months that had conversations off the screen.
    let series: Vec<Period> = conversations::reply_rate_series(&posts)
        .into_iter()
        .filter(|p| p.reader_comments > 0)
        .map(|p| Period {
            label: strings.period(&p.label),
            ..p
        })
        .collect();
    let answered: usize = entries.iter().map(|e| e.engagement.answered).sum();
    let all_readers: usize = entries.iter().map(|e| e.engagement.reader_comments).sum();
    EngagementPageView {
        ranking,
        regulars,
        more_regulars,
        chart: chart(&series),
        periods: series.iter().map(period_view).collect(),
        reader_comments: all_readers,
        answered,
        reply_rate: percent(answered, all_readers),
        median_reply_time: conversations::median_reply_time(&posts).map(|d| strings.duration(d)),
        sources: source_counts(entries.iter().map(|e| &e.engagement.by_source), strings),
    }
}

fn percent(part: usize, whole: usize) -> Option<u32> {
    (whole > 0).then(|| (part as f64 * 100.0 / whole as f64).round() as u32)
}

fn period_view(p: &Period) -> PeriodView {
    PeriodView {
        label: p.label.clone(),
        reader_comments: p.reader_comments,
        answered: p.answered,
        reply_rate: percent(p.answered, p.reader_comments),
    }
}

/// Bars of equal width across a fixed-size canvas; labels thinned to about twelve.
fn chart(series: &[Period]) -> ChartView {
    const WIDTH: u32 = 640;
    const TOP: u32 = 16;
    const BASELINE: u32 = 176;
    const LEFT: u32 = 40;
    let n = series.len().max(1) as u32;
    let slot = (WIDTH - LEFT) / n;
    let bar_width = (slot * 7 / 10).max(1);
    let every = (series.len() / 12).max(1);
    let bars = series
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let rate = percent(p.answered, p.reader_comments);
            let height = rate.map_or(0, |r| (BASELINE - TOP) * r / 100);
            let x = LEFT + i as u32 * slot + slot.saturating_sub(bar_width) / 2;
            BarView {
                x,
                y: BASELINE - height,
                width: bar_width,
                height,
                center: x + bar_width / 2,
                label: p.label.clone(),
                value: rate.map_or("–".into(), |r| format!("{r}%")),
                show_label: i % every == 0,
            }
        })
        .collect();
    ChartView {
        width: WIDTH,
        height: BASELINE + 40,
        baseline: BASELINE,
        top: TOP,
        bars,
    }
}

/// The comments feed in `format` (`comments.xml` in Atom): the latest comments across
/// the site, newest first.
pub fn comments_feed(site: &Site, renderer: &Renderer, urls: &Urls, format: FeedFormat) -> String {
    let strings = &*site.config.strings;
    let entries = conversations(site);
    let latest = newest_comments(site, &entries);
    let owned: Vec<(String, String, String, Date, String)> = latest
        .iter()
        .map(|&(date, p, c)| {
            let entry = entries[p];
            let comment = &entry.thread.comments[c];
            let author = comment
                .author
                .clone()
                .unwrap_or_else(|| strings.text("anonymous").into());
            let title = strings.fill(
                "comment_on",
                &[("author", &author), ("title", &entry.doc.title)],
            );
            let link = format!("{}#comment-{}", urls.permalink(&entry.doc.path), comment.id);
            let html = comment_body(&renderer.markdown, &renderer.sanitizer, &comment.body);
            (title, link, author, date, html)
        })
        .collect();
    let entries: Vec<FeedEntry<'_>> = owned
        .iter()
        .map(|(title, link, author, date, html)| FeedEntry {
            title,
            permalink: link.clone(),
            published: *date,
            updated: *date,
            content: html,
            author,
        })
        .collect();
    let config = &site.config;
    Feed {
        title: &strings.fill("comments_feed_title", &[("site", &config.title)]),
        description: &config.description,
        language: &config.language,
        feed_url: urls.permalink(SitePage::CommentsFeed(format).rel()),
        site_url: &config.base_url,
        author: config.author_name.as_deref().unwrap_or(&config.title),
        entries,
    }
    .render(format)
}

fn digests<'a>(entries: &[&'a Entry]) -> Vec<&'a Digest> {
    entries.iter().map(|e| &e.digest).collect()
}

/// The (post, comment) of each comment the site-wide pages show: the deepest comment
/// of each ranked post, the links of the regulars shown and the comments of the
/// comments feed. Posts are numbered as in `conversations`. Only these need more of
/// their thread than its digest.
pub(crate) fn shown_comments(site: &Site) -> Vec<(usize, usize)> {
    let entries = conversations(site);
    let posts = post_threads(&entries);
    let deepest = conversations::rank_posts(&posts)
        .into_iter()
        .take(RANKED_POSTS)
        .filter_map(|p| Some((p, entries[p].digest.deepest? as usize)));
    let regulars = conversations::regulars(&digests(&entries))
        .into_iter()
        .take(REGULARS_SHOWN)
        .flat_map(|r| r.comments.into_iter().take(LINKS_PER_REGULAR));
    let feed = newest_comments(site, &entries)
        .into_iter()
        .map(|(_, p, c)| (p, c));
    deepest.chain(regulars).chain(feed).collect()
}

/// The comments of the comments feed, newest first, as (date, post, comment).
fn newest_comments(site: &Site, entries: &[&Entry]) -> Vec<(Date, usize, usize)> {
    let mut latest: Vec<(Date, usize, usize)> = Vec::new();
    for (p, entry) in entries.iter().enumerate() {
        let keep = site.config.feed_comments;
        latest.extend(
            entry
                .digest
                .newest()
                .take(keep)
                .map(|(date, c)| (date, p, c)),
        );
    }
    // Newest first; only the first `feed_comments` of all the site's comments are
    // needed (each post's digest lists its own newest first), so select them before
    // sorting.
    let newest_first = |a: &(Date, usize, usize), b: &(Date, usize, usize)| {
        b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
    };
    let keep = site.config.feed_comments;
    if latest.len() > keep && keep > 0 {
        latest.select_nth_unstable_by(keep - 1, newest_first);
    }
    latest.truncate(keep);
    latest.sort_by(newest_first);
    latest
}

/// The site's comments by where they came from, for the Conversations page: none
/// when every one was written on this site, where the split says nothing.
fn source_counts<'a>(
    per_post: impl Iterator<Item = &'a BySource>,
    strings: &Strings,
) -> Vec<SourceCountView> {
    let mut total = BySource::default();
    per_post.for_each(|b| total.add(b));
    if !total.any_fetched() {
        return Vec::new();
    }
    [
        ("Mastodon".to_string(), total.mastodon),
        ("Bluesky".to_string(), total.bluesky),
        (
            strings.text("source_webmentions").to_string(),
            total.webmention,
        ),
        (strings.text("source_site").to_string(), total.site),
    ]
    .into_iter()
    .filter(|(_, count)| *count > 0)
    .map(|(name, count)| SourceCountView { name, count })
    .collect()
}
