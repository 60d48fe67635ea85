//! A thread's view for templates: comments in reading order with their bodies
//! rendered and sanitised, and the open/close hints that let a template draw nested
//! lists without recursion. Past `max_depth` drawing stops nesting and each reply
//! names the comment it answers.

use std::fmt::Write;

use crate::dates::{self, Date};
use crate::render::context::{CommentView, DateView, ReactionsView, ReplyToView, ThreadView};
use crate::render::escape::{escape_html, escape_html_into, prints};
use crate::render::i18n::Strings;
use crate::render::markdown::Markdown;
use crate::render::sanitize::{
    comment_body, push_comment_body, safe_website, Sanitizer, READER_LINK_REL,
};
use crate::threads::{Role, Thread, Tree};

/// The name of a commenter who gave none, in the terminal's messages; pages use the
/// site's language (`anonymous` of `render::i18n`).
pub const ANONYMOUS: &str = "Anonymous";

/// Builds the view of `thread`, its labels in the words of `strings`; its list of
/// comments only `with_list` (for a template that reads `page.thread.comments`),
/// its markup always.
pub fn thread_view(
    thread: &Thread,
    tree: &Tree,
    max_depth: usize,
    (markdown, sanitizer): (&Markdown, &Sanitizer),
    strings: &Strings,
    with_list: bool,
) -> ThreadView {
    let comments = &thread.comments;
    let level = |i: usize| tree.depth[i].min(max_depth);
    let anonymous = strings.text("anonymous");
    let display_name = |i: usize| comments[i].author.as_deref().unwrap_or(anonymous);
    let labels = Labels::new(strings);
    let mut html = String::new();
    if !tree.order.is_empty() {
        // Most of the markup is the bodies, a little longer as HTML than as text.
        html.reserve(comments.iter().map(|c| c.body.len() * 5 / 4 + 900).sum());
        html.push_str("<ol class=\"thread\">\n");
    }
    let mut views = Vec::with_capacity(if with_list { tree.order.len() } else { 0 });
    let mut scratch = Scratch::default();
    for (k, &i) in tree.order.iter().enumerate() {
        let c = &comments[i];
        // A placeholder shows nothing of what was refused or withdrawn: not whose it
        // was, when it came nor from where (its date still orders it among its
        // siblings).
        let shown = c.is_published();
        let current = level(i);
        let next = tree.order.get(k + 1).map_or(1, |&j| level(j));
        let comment = Shown {
            id: &c.id,
            author: display_name(i),
            website: c.url.as_deref().and_then(safe_website),
            role: if shown { c.role } else { Role::Reader },
            by_author: c.is_author(),
            date: c.date.as_ref().filter(|_| shown),
            depth: tree.depth[i],
            level: current,
            text: &c.body,
            body: with_list.then(|| comment_body(markdown, sanitizer, &c.body)),
            parent: tree.parent[i].map(|p| (comments[p].id.as_str(), display_name(p))),
            past_max_depth: tree.depth[i] > max_depth,
            opens_replies: next > current,
            closes: current.saturating_sub(next),
            via: (c.via.as_deref()).filter(|_| shown).map(via_name),
            source: c.source.as_deref().and_then(safe_website),
            warning: c.warning.as_deref(),
            withdrawn: !shown,
            removed: !shown && !c.is_withdrawn(),
        };
        write_comment(
            &mut html,
            &comment,
            (markdown, sanitizer),
            &labels,
            &mut scratch,
        )
        .expect("writing to a String cannot fail");
        if with_list {
            views.push(comment.view(strings));
        }
    }
    if !tree.order.is_empty() {
        html.push_str("</ol>\n");
    }
    let r = thread.reactions();
    let (likes, reposts, bookmarks) = (r.likes.len(), r.reposts.len(), r.bookmarks.len());
    ThreadView {
        html,
        count: tree.order.len(),
        comments: views,
        max_depth,
        reactions: ReactionsView {
            likes,
            reposts,
            bookmarks,
            total: likes + reposts + bookmarks,
        },
    }
}

/// What a comment's markup and its view show of it, borrowed from its thread. The
/// default theme's markup of a whole thread is written once here instead of by a
/// template loop (tera's lookups of a comment's fields were a quarter of a build),
/// and without a view of each comment when no template reads the list (its copies of
/// each name and address, made and freed, were 8 % of showing a thread). The
/// theme's `partials/thread.html` prints the markup; `partials/thread-loop.html`
/// draws the same bytes with a loop over the views, for themes to copy and change.
struct Shown<'a> {
    id: &'a str,
    author: &'a str,
    website: Option<&'a str>,
    role: Role,
    by_author: bool,
    date: Option<&'a Date>,
    depth: usize,
    level: usize,
    /// The comment as written.
    text: &'a str,
    /// Its markup, made for its view (written straight into the thread's otherwise).
    body: Option<String>,
    /// The id and name of the comment this one answers.
    parent: Option<(&'a str, &'a str)>,
    /// Deeper than `max_depth`, so drawn at a shallower level: it says whom it
    /// answers.
    past_max_depth: bool,
    opens_replies: bool,
    closes: usize,
    via: Option<&'a str>,
    source: Option<&'a str>,
    warning: Option<&'a str>,
    withdrawn: bool,
    removed: bool,
}

impl Shown<'_> {
    fn view(self, strings: &Strings) -> CommentView {
        let reply_to = |(id, author): (&str, &str)| ReplyToView {
            id: id.to_string(),
            anchor: format!("comment-{id}"),
            author: author.to_string(),
        };
        CommentView {
            id: self.id.to_string(),
            anchor: format!("comment-{}", self.id),
            author: self.author.to_string(),
            website: self.website.map(str::to_string),
            role: self.role,
            by_author: self.by_author,
            date: self.date.map(|d| DateView::new(d, strings)),
            depth: self.depth,
            level: self.level,
            body: self.body.unwrap_or_default(),
            parent: self.parent.map(reply_to),
            in_reply_to: self.parent.filter(|_| self.past_max_depth).map(reply_to),
            opens_replies: self.opens_replies,
            closes: self.closes,
            via: self.via.map(str::to_string),
            source: self.source.map(str::to_string),
            warning: self.warning.map(str::to_string),
            withdrawn: self.withdrawn,
            removed: self.removed,
        }
    }
}

/// `comment-<id>`, escaped: the element id and permalink fragment.
fn anchor_of(id: &str) -> String {
    let mut anchor = String::with_capacity(id.len() + 8);
    push_anchor(&mut anchor, id);
    anchor
}

/// `anchor_of` written at the end of `out`.
fn push_anchor(out: &mut String, id: &str) {
    out.push_str("comment-");
    escape_html_into(out, id);
}

/// The pieces of a comment's markup made before they are written, kept from one
/// comment to the next: made and freed for each, they and a date's texts were a
/// ninth of the allocations of a build.
#[derive(Default)]
struct Scratch {
    anchor: String,
    author: String,
    depth: String,
    text: String,
}

/// The words of the thread's markup, escaped once for the whole thread.
struct Labels<'a> {
    strings: &'a Strings,
    author: String,
    mention: String,
    permalink: String,
    replying_to: String,
    withdrawn: String,
    removed: String,
}

impl<'a> Labels<'a> {
    fn new(strings: &'a Strings) -> Self {
        let label = |key| escape_html(strings.text(key));
        Labels {
            strings,
            author: label("author_badge"),
            mention: label("mention_badge"),
            permalink: label("permalink"),
            replying_to: label("replying_to"),
            withdrawn: label("withdrawn"),
            removed: label("removed"),
        }
    }
}

fn write_comment(
    out: &mut String,
    c: &Shown<'_>,
    (markdown, sanitizer): (&Markdown, &Sanitizer),
    labels: &Labels,
    scratch: &mut Scratch,
) -> std::fmt::Result {
    let Scratch {
        anchor,
        author,
        depth,
        text,
    } = scratch;
    anchor.clear();
    push_anchor(anchor, c.id);
    author.clear();
    escape_html_into(author, c.author);
    let mention = c.role == Role::Mention;
    let (classes, badge) = match (c.by_author, mention) {
        (true, _) => (" by-author", Some(("author-badge", labels.author.as_str()))),
        (false, true) => (" mention", Some(("mention-badge", labels.mention.as_str()))),
        (false, false) => ("", None),
    };
    // Pushed piece by piece: the formatting machinery of `write!` was a tenth of the
    // work of showing a thread.
    depth.clear();
    dates::push_digits(depth, u32::try_from(c.depth).unwrap_or(u32::MAX), 1);
    let (anchor, author, depth) = (anchor.as_str(), author.as_str(), depth.as_str());
    for piece in [
        "<li class=\"comment",
        classes,
        "\" id=\"",
        anchor,
        "\" data-depth=\"",
        depth,
        "\">\n<article class=\"comment-card\" aria-labelledby=\"",
        anchor,
        "-author ",
    ] {
        out.push_str(piece);
    }
    if badge.is_some() {
        out.push_str(anchor);
        out.push_str("-badge ");
    }
    for piece in [anchor, "-context\">\n<header class=\"comment-meta\">\n"] {
        out.push_str(piece);
    }
    match c.website {
        Some(url) => {
            text.clear();
            escape_html_into(text, url);
            for piece in [
                "<a class=\"comment-author\" id=\"",
                anchor,
                "-author\" href=\"",
                text,
                "\" rel=\"",
                READER_LINK_REL,
                "\">",
                author,
                "</a>\n",
            ] {
                out.push_str(piece);
            }
        }
        None => {
            for piece in [
                "<span class=\"comment-author\" id=\"",
                anchor,
                "-author\">",
                author,
                "</span>\n",
            ] {
                out.push_str(piece);
            }
        }
    }
    if let Some((class, text)) = badge {
        for piece in [
            "<span class=\"",
            class,
            "\" id=\"",
            anchor,
            "-badge\">",
            text,
            "</span>",
        ] {
            out.push_str(piece);
        }
    }
    for piece in [
        "\n<span class=\"visually-hidden\" id=\"",
        anchor,
        "-context\">",
    ] {
        out.push_str(piece);
    }
    text.clear();
    match c.parent {
        Some((_, parent)) => {
            (labels.strings).fill_into(text, "reply_to", &[("author", parent), ("level", depth)])
        }
        None => (labels.strings).fill_into(text, "top_level", &[("level", depth)]),
    }
    escape_html_into(out, text);
    for piece in [
        "</span>\n<a class=\"comment-permalink\" href=\"#",
        anchor,
        "\">",
    ] {
        out.push_str(piece);
    }
    match c.date {
        Some(d) => {
            out.push_str("<time datetime=\"");
            dates::push_rfc3339(out, d);
            out.push_str("\">");
            text.clear();
            labels.strings.push_date_time(text, d);
            escape_html_into(out, text);
            out.push_str("</time>");
        }
        None => out.push_str(&labels.permalink),
    }
    out.push_str("</a>");
    // Tested as the template loop tests them: as they print (`escape::prints`).
    if let Some(via) = c.via.filter(|v| prints(v)) {
        let via = escape_html(&labels.strings.fill("via", &[("source", via)]));
        match c.source {
            Some(url) => write!(
                out,
                " <a class=\"comment-via\" href=\"{}\" rel=\"{READER_LINK_REL}\">{via}</a>",
                escape_html(url)
            )?,
            None => write!(out, " <span class=\"comment-via\">{via}</span>")?,
        }
    }
    out.push_str("\n</header>\n");
    if let Some((id, parent)) = c.parent.filter(|_| c.past_max_depth) {
        writeln!(
            out,
            "<p class=\"in-reply-to\">{} <a href=\"#{}\">{}</a></p>",
            labels.replying_to,
            anchor_of(id),
            escape_html(parent)
        )?;
    }
    let push_body = |out: &mut String| match &c.body {
        Some(body) => out.push_str(body),
        None => push_comment_body(out, markdown, sanitizer, c.text),
    };
    match (c.warning, c.withdrawn) {
        (_, true) => write!(
            out,
            "<div class=\"comment-body withdrawn\"><p>{}</p></div>\n</article>\n",
            if c.removed {
                &labels.removed
            } else {
                &labels.withdrawn
            }
        )?,
        (Some(warning), false) if prints(warning) => {
            out.push_str("<details class=\"comment-body content-warning\"><summary>");
            escape_html_into(out, warning);
            out.push_str("</summary>");
            push_body(out);
            out.push_str("</details>\n</article>\n");
        }
        (_, false) => {
            out.push_str("<div class=\"comment-body\">");
            push_body(out);
            out.push_str("</div>\n</article>\n");
        }
    }
    if c.opens_replies {
        out.push_str("<ol class=\"replies\">\n");
    } else {
        out.push_str("</li>\n");
        for _ in 0..c.closes {
            out.push_str("</ol></li>\n");
        }
    }
    Ok(())
}

/// How a source is named after "via".
fn via_name(via: &str) -> &str {
    match via {
        "mastodon" => "Mastodon",
        "bluesky" => "Bluesky",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::parse_thread;
    use std::path::Path;

    #[test]
    fn nesting_hints_balance_and_clamp() {
        let mut text = String::from("comments:\n- id: 0\n");
        for i in 1..8 {
            text.push_str(&format!("- id: {i}\n  parent: {}\n", i - 1));
        }
        text.push_str("- id: top\n");
        let thread = parse_thread(&text, Path::new("t")).unwrap();
        let view = thread_view(
            &thread,
            &Tree::build(&thread),
            3,
            (&Markdown::new("/"), &Sanitizer::default()),
            &Strings::english(),
            true,
        );
        let opened = view.comments.iter().filter(|c| c.opens_replies).count();
        let closed: usize = view.comments.iter().map(|c| c.closes).sum();
        assert_eq!(opened, closed);
        assert_eq!(opened, 2);
        let deep = &view.comments[7];
        assert_eq!((deep.depth, deep.level), (8, 3));
        assert_eq!(deep.in_reply_to.as_ref().unwrap().id, "6");
        assert!(view.comments[2].in_reply_to.is_none());
        assert_eq!(view.comments[2].parent.as_ref().unwrap().id, "1");
        assert!(view.comments[0].parent.is_none());
        assert_eq!(view.comments[8].author, ANONYMOUS);
    }
}
