//! The site-wide conversation outputs: the `/engagement/` page and the
//! comments feeds (`/comments.xml` and its other formats), built from the running
//! totals of `threads::conversations`.

use std::sync::OnceLock;

use crate::dates::Date;
use crate::error::Result;
use crate::render::context::*;
use crate::render::feeds::{Feed, FeedEntry, FeedFormat};
use crate::render::i18n::Strings;
use crate::render::sanitize::comment_body;
use crate::render::Renderer;
use crate::site::urls::{SitePage, Urls};
use crate::site::{Entry, Site};
use crate::threads::conversations::{self, Period, PostThread, Share, Totals};
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

/// The site-wide figures a rendering pass uses: those an incremental update keeps
/// up to date, or else made from every post's share on first use.
#[derive(Default)]
pub(crate) struct SiteTotals<'a> {
    kept: Option<&'a Totals>,
    made: OnceLock<Totals>,
}

impl<'a> SiteTotals<'a> {
    pub(crate) fn kept(totals: &'a Totals) -> Self {
        SiteTotals {
            kept: Some(totals),
            made: OnceLock::new(),
        }
    }

    pub(crate) fn get(&self, site: &Site) -> &Totals {
        match self.kept {
            Some(totals) => totals,
            None => self.made.get_or_init(|| totals_of(site)),
        }
    }
}

/// The totals of every post's and page's thread.
pub(crate) fn totals_of(site: &Site) -> Totals {
    Totals::of(conversations(site).into_iter().map(share))
}

/// What `entry`'s thread adds to the site-wide totals.
pub(crate) fn share(entry: &Entry) -> Share<'_> {
    Share {
        engagement: &entry.engagement,
        digest: &entry.digest,
    }
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
    totals: &Totals,
) -> Result<String> {
    let view = engagement_view(site, renderer, urls, totals);
    let rel = SitePage::Engagement.rel();
    let mut ctx = TemplateContext::new(site_view, urls.path(rel), urls.permalink(rel));
    ctx.page_title = site.config.strings.text("conversations").into();
    ctx.engagement = Some(&view);
    renderer.render("engagement.html", &ctx)
}

fn engagement_view(
    site: &Site,
    renderer: &Renderer,
    urls: &Urls,
    totals: &Totals,
) -> EngagementPageView {
    let strings = &*site.config.strings;
    let entries = conversations(site);
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
    let ranking = totals
        .ranked()
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
    let more_regulars = totals.regulars().len().saturating_sub(REGULARS_SHOWN);
    let regulars = totals
        .regulars()
        .take(REGULARS_SHOWN)
        .map(|r| RegularView {
            name: r.name.to_string(),
            posts: r.posts,
            comments: r
                .comments
                .iter()
                .take(LINKS_PER_REGULAR)
                .map(|&(p, c)| comment_link(p as usize, c as usize, false))
                .collect(),
            more_comments: r.comments.len().saturating_sub(LINKS_PER_REGULAR),
        })
        .collect();
    // A period without reader comments has no rate to show: a row of dashes for each
    // quiet month pushed the months that had conversations off the screen.
    let series: Vec<Period> = totals
        .reply_rate_series()
        .into_iter()
        .filter(|p| p.reader_comments > 0)
        .map(|p| Period {
            label: strings.period(&p.label),
            ..p
        })
        .collect();
    let (answered, all_readers) = (totals.answered, totals.reader_comments);
    EngagementPageView {
        ranking,
        regulars,
        more_regulars,
        chart: chart(&series),
        periods: series.iter().map(period_view).collect(),
        reader_comments: all_readers,
        answered,
        reply_rate: percent(answered, all_readers),
        median_reply_time: totals.median_reply_time().map(|d| strings.duration(d)),
        sources: source_counts(&totals.by_source, strings),
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
pub fn comments_feed(
    site: &Site,
    renderer: &Renderer,
    urls: &Urls,
    format: FeedFormat,
    totals: &Totals,
) -> String {
    let strings = &*site.config.strings;
    let entries = conversations(site);
    let latest = newest_comments(site, &entries, totals);
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

/// The (post, comment) of each comment the site-wide pages show: the deepest comment
/// of each ranked post, the links of the regulars shown and the comments of the
/// comments feed. Posts are numbered as in `conversations`. Only these need more of
/// their thread than its digest.
pub(crate) fn shown_comments(site: &Site, totals: &Totals) -> Vec<(usize, usize)> {
    let entries = conversations(site);
    let deepest = totals
        .ranked()
        .take(RANKED_POSTS)
        .filter_map(|p| Some((p, entries[p].digest.deepest? as usize)));
    let regulars = totals.regulars().take(REGULARS_SHOWN).flat_map(|r| {
        (r.comments.iter().take(LINKS_PER_REGULAR)).map(|&(p, c)| (p as usize, c as usize))
    });
    let feed = newest_comments(site, &entries, totals)
        .into_iter()
        .map(|(_, p, c)| (p, c));
    deepest.chain(regulars).chain(feed).collect()
}

/// The comments of the comments feed, newest first, as (date, post, comment).
fn newest_comments(site: &Site, entries: &[&Entry], totals: &Totals) -> Vec<(Date, usize, usize)> {
    totals.newest(site.config.feed_comments, &|p| &entries[p].digest)
}

/// The site's comments by where they came from, for the Conversations page: none
/// when every one was written on this site, where the split says nothing.
fn source_counts(total: &BySource, strings: &Strings) -> Vec<SourceCountView> {
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
