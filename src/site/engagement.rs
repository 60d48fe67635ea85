//! The site-wide conversation outputs: the `/engagement/` page and the
//! comments feeds (`/comments.xml` and its other formats), built from the running
//! totals of `threads::conversations`.

use std::fmt::Write;
use std::sync::OnceLock;

use crate::dates::Date;
use crate::error::Result;
use crate::render::context::*;
use crate::render::escape::{escape_html, print_alike, prints};
use crate::render::feeds::{Feed, FeedEntry, FeedFormat};
use crate::render::i18n::Strings;
use crate::render::sanitize::comment_body;
use crate::render::Renderer;
use crate::site::urls::{SitePage, Urls};
use crate::site::{Entry, Site};
use crate::threads::conversations::{self, Period, PostThread, Regular, Share, Totals};
use crate::threads::metrics::BySource;
use crate::threads::Thread;

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
        engagement: entry.engagement(),
        digest: entry.digest(),
    }
}

pub fn post_threads<'a>(entries: &[&'a Entry]) -> Vec<PostThread<'a>> {
    entries
        .iter()
        .map(|e| PostThread {
            thread: &e.thread,
            tree: e.tree(),
            engagement: e.engagement(),
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
    let mut view = engagement_view(site, renderer, urls, totals);
    view.html = sections_html(&view, site_view, &site.config.strings);
    if !renderer.reads_engagement_lists("engagement.html") {
        // Copied into tera's context, the lists were a quarter of the page's work.
        view.ranking.clear();
        view.regulars.clear();
        view.periods.clear();
        view.chart.bars.clear();
        view.sources.clear();
    }
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
            post_title: entry.doc.title.to_string(),
            url: format!("{}#comment-{}", urls.path(&entry.doc.path), comment.id),
            date: comment.date.as_ref().map(|d| DateView::new(d, strings)),
            depth: entry.tree().depth[c],
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
            title: entries[p].doc.title.to_string(),
            url: urls.path(&entries[p].doc.path),
            engagement: EngagementView::new(entries[p].engagement(), strings),
            deepest: entries[p]
                .digest()
                .deepest
                .map(|c| comment_link(p, c as usize, true)),
        })
        .collect();
    let more_regulars = totals.regular_count().saturating_sub(REGULARS_SHOWN);
    let regulars = shown_regulars(&entries, totals)
        .into_iter()
        .map(|r| RegularView {
            name: r.name.to_string(),
            posts: r.posts,
            comments: (r.first_comments.iter())
                .map(|&(p, c)| comment_link(p, c, false))
                .collect(),
            more_comments: r.comments.saturating_sub(LINKS_PER_REGULAR),
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
        html: String::new(),
    }
}

/// The default theme's markup of the conversations page's sections, written once
/// here instead of by template loops: tera's lookups of the ranking's and the
/// regulars' fields were most of an update after a new comment. The theme's
/// `partials/engagement.html` prints it; `partials/engagement-loop.html` draws the
/// same bytes with loops, for themes to copy and change.
fn sections_html(view: &EngagementPageView, site: &SiteView, strings: &Strings) -> String {
    // Tested as the template loops test them: as they print (`escape::prints`).
    let author = site.author.as_deref().filter(|a| prints(a));
    let who = author.unwrap_or_else(|| strings.text("the_author"));
    let who_start = author.unwrap_or_else(|| strings.text("the_author_start"));
    let text = |key| escape_html(strings.text(key));
    let count =
        |key, n: usize, args: &[(&str, &str)]| escape_html(&strings.count(key, n as u64, args));
    let fill = |key, args: &[(&str, &str)]| escape_html(&strings.fill(key, args));
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<section class=\"engagement-section\" aria-labelledby=\"ranking-title\">\n");
    let _ = writeln!(
        out,
        "<h2 id=\"ranking-title\">{}</h2>",
        text("ranking_title")
    );
    if view.ranking.is_empty() {
        let _ = write!(out, "<p>{}</p>", text("no_conversations"));
    } else {
        out.push_str("<ol class=\"ranking\">\n");
        for r in &view.ranking {
            let e = &r.engagement;
            let _ = write!(
                out,
                "<li class=\"ranked-post\">\n<h3><a href=\"{}\">{}</a></h3>\n<p class=\"post-meta\">{}{}",
                escape_html(&r.url),
                escape_html(&r.title),
                count("comment_count", e.reader_comments, &[]),
                count("from_readers", e.participants, &[]),
            );
            if e.answered > 0 {
                let _ = write!(
                    out,
                    " · {}",
                    count("who_answered", e.answered, &[("who", who)])
                );
            }
            if e.deepest > 1 {
                let _ = write!(out, " · {}", count("chain_of", e.deepest, &[]));
            }
            if let Some(d) = &e.last_activity {
                let _ = write!(
                    out,
                    " · {} <time datetime=\"{}\">{}</time>",
                    text("latest"),
                    escape_html(&d.iso),
                    escape_html(&d.human)
                );
            }
            out.push_str("</p>\n");
            if let Some(c) = &r.deepest {
                let _ = write!(
                    out,
                    "<blockquote class=\"exchange-excerpt\"><p>{}</p>\n<footer>— <a href=\"{}\">{}",
                    escape_html(&c.excerpt),
                    escape_html(&c.url),
                    escape_html(&c.author)
                );
                if c.by_author {
                    let _ = write!(out, " {}", text("by_author"));
                }
                if c.depth > 1 {
                    out.push_str(&count("at_depth", c.depth, &[]));
                }
                out.push_str("</a></footer></blockquote>");
            }
            out.push_str("\n</li>\n");
        }
        out.push_str("</ol>");
    }
    out.push_str("\n</section>\n\n<section class=\"engagement-section\" aria-labelledby=\"regulars-title\">\n");
    let _ = writeln!(out, "<h2 id=\"regulars-title\">{}</h2>", text("regulars"));
    if view.regulars.is_empty() {
        let _ = write!(out, "<p>{}</p>", text("no_regulars"));
    } else {
        out.push_str("<ul class=\"regulars\">\n");
        for r in &view.regulars {
            let _ = write!(
                out,
                "<li><strong>{}</strong> {}\n\n<ul>",
                escape_html(&r.name),
                count("joined_posts", r.posts, &[])
            );
            write_regular_links(&mut out, &r.comments);
            if r.more_comments > 0 {
                let _ = write!(
                    out,
                    "<li>{}</li>",
                    count("more_comments", r.more_comments, &[])
                );
            }
            out.push_str("</ul>\n</li>\n");
        }
        out.push_str("</ul>");
        if view.more_regulars > 0 {
            let _ = write!(
                out,
                "<p>{}</p>",
                count("more_regulars", view.more_regulars, &[])
            );
        }
    }
    out.push_str(
        "\n</section>\n\n<section class=\"engagement-section\" aria-labelledby=\"rate-title\">\n",
    );
    let _ = write!(
        out,
        "<h2 id=\"rate-title\">{}</h2>\n<p>",
        text("rate_title")
    );
    let answered = view.answered.to_string();
    out.push_str(&count(
        "answered_of",
        view.reader_comments,
        &[("answered", &answered), ("who", who_start)],
    ));
    if let Some(rate) = view.reply_rate {
        let share = strings.fill("percent", &[("rate", &rate.to_string())]);
        out.push_str(&fill("in_parentheses", &[("text", &share)]));
    }
    out.push_str(&text("full_stop"));
    if let Some(time) = view.median_reply_time.as_ref().filter(|t| prints(t)) {
        let _ = write!(out, " {}", fill("median_first_reply", &[("time", time)]));
    }
    out.push_str("</p>\n");
    if !view.periods.is_empty() {
        let _ = write!(
            out,
            "<table class=\"data-table reply-rate-table\">\n<caption>{}</caption>\n<thead><tr><th scope=\"col\">{}</th><th scope=\"col\">{}</th><th scope=\"col\">{}</th></tr></thead>\n<tbody>\n",
            fill("rate_table", &[("who", who)]),
            text("period"),
            text("answered"),
            text("reply_rate"),
        );
        for p in &view.periods {
            let rate = p.reply_rate.unwrap_or(0).to_string();
            let (answered, total) = (p.answered.to_string(), p.reader_comments.to_string());
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"rate\"><span class=\"rate-bar\" aria-hidden=\"true\"><span style=\"width: {rate}%\"></span></span><span class=\"rate-value\">{}</span></td></tr>",
                escape_html(&p.label),
                fill("answered_count", &[("answered", &answered), ("total", &total)]),
                fill("percent", &[("rate", &rate)]),
            );
        }
        out.push_str("</tbody>\n</table>");
    }
    out.push('\n');
    if !view.sources.is_empty() {
        let _ = write!(
            out,
            "<h3 id=\"sources-title\">{}</h3>\n<dl class=\"engagement-figures replies-by-source\" aria-labelledby=\"sources-title\">\n",
            text("replies_by_source")
        );
        for s in &view.sources {
            let _ = writeln!(
                out,
                "<div><dt>{}</dt><dd>{}</dd></div>",
                escape_html(&s.name),
                s.count
            );
        }
        out.push_str("</dl>\n");
    }
    out.push_str("</section>\n");
    out
}

/// A regular's links: one item per post, its comments' dates after its title; the
/// title links to the first comment, each later date to its own.
fn write_regular_links(out: &mut String, comments: &[CommentLinkView]) {
    let mut open: Option<(&str, &str)> = None;
    let mut dated = false;
    let close = |out: &mut String, dated: bool| {
        if dated {
            out.push_str(")</span>");
        }
        out.push_str("</li>");
    };
    for c in comments {
        let post = c.url.split('#').next().unwrap_or_default();
        let first_url = match open {
            // Compared as the loop compares them: as they print.
            Some((open_post, first_url)) if print_alike(open_post, post) => first_url,
            _ => {
                if open.is_some() {
                    close(out, dated);
                }
                open = Some((post, &c.url));
                dated = false;
                let _ = write!(
                    out,
                    "<li><a href=\"{}\">{}</a>",
                    escape_html(&c.url),
                    escape_html(&c.post_title)
                );
                &c.url
            }
        };
        if let Some(d) = &c.date {
            out.push_str(if dated {
                ", "
            } else {
                " <span class=\"comment-dates\">("
            });
            dated = true;
            let time = format!(
                "<time datetime=\"{}\">{}</time>",
                escape_html(&d.iso),
                escape_html(&d.human)
            );
            if print_alike(&c.url, first_url) {
                out.push_str(&time);
            } else {
                let _ = write!(out, "<a href=\"{}\">{time}</a>", escape_html(&c.url));
            }
        }
    }
    if open.is_some() {
        close(out, dated);
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

/// What the site-wide pages show of the posts' threads, posts numbered as in
/// `conversations`: only these need more of their thread than its digest.
pub(crate) struct Shown {
    /// (post, comment) of the deepest comment of each ranked post and of the
    /// regulars' links.
    pub comments: Vec<(usize, usize)>,
    /// The posts the comments feed's comments are on (`Totals::feed_posts`): which
    /// of their comments it shows is told by their threads.
    pub feed_posts: Vec<usize>,
}

/// What the site-wide pages show of the posts' threads.
pub(crate) fn shown_comments(site: &Site, totals: &Totals) -> Shown {
    let entries = conversations(site);
    let deepest = totals
        .ranked()
        .take(RANKED_POSTS)
        .filter_map(|p| Some((p, entries[p].digest().deepest? as usize)));
    let regulars = shown_regulars(&entries, totals)
        .into_iter()
        .flat_map(|r| r.first_comments);
    Shown {
        comments: deepest.chain(regulars).collect(),
        feed_posts: totals.feed_posts(site.config.feed_comments).collect(),
    }
}

/// The comments of a post's thread (`thread`, dated `post_date`) that the comments
/// feed could show, whichever other posts it shows: its own newest ones, as many as
/// the feed shows.
pub(crate) fn feed_candidates(site: &Site, thread: &Thread, post_date: Option<Date>) -> Vec<usize> {
    let newest =
        conversations::newest_comments(site.config.feed_comments, [(0, thread, post_date)]);
    newest.into_iter().map(|(_, _, c)| c).collect()
}

/// The regulars the page shows, each with the comments it links to.
fn shown_regulars<'a>(entries: &[&Entry], totals: &'a Totals) -> Vec<Regular<'a>> {
    totals.regulars(REGULARS_SHOWN, LINKS_PER_REGULAR, &|p| entries[p].digest())
}

/// The comments of the comments feed, newest first, as (date, post, comment): from
/// the threads of `Totals::feed_posts`, which are read whole.
fn newest_comments(site: &Site, entries: &[&Entry], totals: &Totals) -> Vec<(Date, usize, usize)> {
    let keep = site.config.feed_comments;
    let posts = totals.feed_posts(keep).map(|p| {
        let entry = entries[p];
        debug_assert_eq!(
            entry.thread.comments.len(),
            entry.digest().comments as usize
        );
        (p, &entry.thread, entry.doc.date)
    });
    conversations::newest_comments(keep, posts)
}

/// The site's comments by where they came from, for the Conversations page: none
/// when every one was written on this site, where the split says nothing.
fn source_counts(total: &BySource<usize>, strings: &Strings) -> Vec<SourceCountView> {
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
