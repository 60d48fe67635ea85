//! `rapport replies`: the author's to-do list. First the fetched responses waiting
//! for review (`state: pending`), then every reader comment with no direct author
//! reply, grouped by post, longest-waiting first, with the thread file to answer in.
//! The selection is `threads::conversations::awaiting_reply`.

use serde::Serialize;

use crate::dates;
use crate::error::{Diagnostic, Location, Result};
use crate::render::markdown::Markdown;
use crate::render::sanitize::{comment_body, Sanitizer};
use crate::render::thread::ANONYMOUS;
use crate::site::engagement::{conversations, post_threads};
use crate::site::{self, BuildOptions, Entry};
use crate::threads::conversations::{awaiting_reply, excerpt};
use crate::threads::{self, Comment, State};

/// One reader comment waiting for an answer.
#[derive(Debug, Clone, Serialize)]
pub struct Waiting {
    /// The post's slug.
    pub post: String,
    pub title: String,
    pub id: String,
    pub author: String,
    /// RFC 3339, when the comment has a date.
    pub date: Option<String>,
    pub excerpt: String,
    /// The thread file to add the reply to, relative to the site root.
    pub file: String,
    /// The line the comment starts on.
    pub line: usize,
    /// `pending` for a response waiting for review; absent for one awaiting a reply.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<&'static str>,
    /// Where a pending response came from: the network (`mastodon`), its address
    /// there, and its author's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub via: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_url: Option<String>,
}

impl Waiting {
    pub fn is_pending(&self) -> bool {
        self.state.is_some()
    }
}

/// The comments waiting, and what the author's answer to one looks like. Serialises
/// as the list alone.
#[derive(Debug, Clone, Serialize)]
#[serde(transparent)]
pub struct Awaiting {
    pub comments: Vec<Waiting>,
    /// `[author] name` in site.toml, which signs the suggested reply.
    #[serde(skip)]
    pub author: Option<String>,
    /// When the list was made: the suggested reply's date.
    #[serde(skip)]
    pub now: dates::Date,
}

/// Reader comments awaiting a reply on posts and pages, drafts included (the author
/// answers those too); only the post or page with slug `post` when given.
pub fn awaiting(root: &std::path::Path, post: Option<&str>) -> Result<Awaiting> {
    let mut options = BuildOptions::new(root);
    options.drafts = true;
    let site = site::load(&options)?;
    let mut entries = conversations(&site);
    if let Some(slug) = post {
        entries.retain(|e| e.doc.slug() == slug);
        if entries.is_empty() {
            return Err(Diagnostic::new(
                Location::new(std::path::Path::new("--post"), None),
                format!("no post has the slug {slug:?}"),
                "give the slug as in the post's address, /posts/<slug>/",
            )
            .into());
        }
    }
    let threads = post_threads(&entries);
    // Excerpts of what the page shows: markdown rendered, scripts and styles removed.
    let markdown = Markdown::new(&site.config.base_path);
    let sanitizer = Sanitizer::default();
    let waiting = |entry: &Entry, comment: &Comment| Waiting {
        post: entry.doc.slug().into_owned(),
        title: entry.doc.title.to_string(),
        id: comment.id.clone(),
        author: comment.author.clone().unwrap_or_else(|| ANONYMOUS.into()),
        date: comment.date.as_ref().map(dates::rfc3339),
        excerpt: excerpt(&comment_body(&markdown, &sanitizer, &comment.body), 72),
        file: (entry.thread_file().unwrap_or_default())
            .display()
            .to_string(),
        line: comment.line,
        state: None,
        via: None,
        source: None,
        author_url: None,
    };
    // Pages hold no pending response: they are read from the thread files as written.
    let mut comments = Vec::new();
    for entry in &entries {
        let Some(path) = entry.thread_file() else {
            continue;
        };
        let Ok(thread) = threads::load_thread(root, &path) else {
            continue;
        };
        for comment in thread.comments.iter().filter(|c| c.state == State::Pending) {
            comments.push(Waiting {
                state: Some("pending"),
                via: comment.via.clone(),
                source: comment.source.clone(),
                author_url: comment.url.clone(),
                ..waiting(entry, comment)
            });
        }
    }
    comments.extend(
        awaiting_reply(&threads)
            .into_iter()
            .map(|(p, c)| waiting(entries[p], &entries[p].thread.comments[c])),
    );
    Ok(Awaiting {
        comments,
        author: site.config.author_name.clone(),
        now: options.now,
    })
}

/// The list as text: the responses waiting for review, then one block per post, then
/// a reply ready to paste.
pub fn render_text(awaiting: &Awaiting) -> String {
    let (pending, waiting): (Vec<&Waiting>, Vec<&Waiting>) =
        awaiting.comments.iter().partition(|w| w.is_pending());
    let mut text = review_text(&pending);
    if waiting.is_empty() {
        text.push_str("Every reader comment has an answer.\n");
        return text;
    }
    push_by_post(&mut text, waiting.iter().copied(), |text, w| {
        text.push_str(&format!(
            "  {}:{}  #{}  {}, {}: {}\n",
            w.file,
            w.line,
            w.id,
            w.author,
            day(w),
            w.excerpt
        ));
    });
    text.push_str(&format!(
        "\n{} comment{} waiting.{} To answer one, add to its thread file:\n{}",
        waiting.len(),
        if waiting.len() == 1 { " is" } else { "s are" },
        if awaiting.author.is_none() {
            " Set name under [author] in site.toml to sign your replies."
        } else {
            ""
        },
        reply_snippet(awaiting.author.as_deref(), &awaiting.now)
    ));
    text
}

/// The responses waiting for review, one block per post, each with where it came
/// from; empty when there is none.
fn review_text(pending: &[&Waiting]) -> String {
    if pending.is_empty() {
        return String::new();
    }
    let mut text = String::new();
    push_by_post(&mut text, pending.iter().copied(), |text, w| {
        let date = day(w);
        let who = match &w.author_url {
            Some(url) => format!("{} <{url}>", w.author),
            None => w.author.clone(),
        };
        text.push_str(&format!(
            "  {}:{}  #{}  {who}, {date}: {}\n",
            w.file, w.line, w.id, w.excerpt
        ));
        let from = match (&w.via, &w.source) {
            (Some(via), Some(source)) => format!("via {via}, {source}"),
            (Some(via), None) => format!("via {via}"),
            (None, Some(source)) => source.clone(),
            (None, None) => "written in the file".into(),
        };
        text.push_str(&format!("      from {from}\n"));
    });
    text.push_str(&format!(
        "\n{} response{} waiting for review: rapport approve ID publishes one, rapport reject ID turns it down.\n\n",
        pending.len(),
        if pending.len() == 1 { " is" } else { "s are" },
    ));
    text
}

/// Each comment's lines under its post's heading (title and thread file), a blank
/// line between posts; the comments come grouped by file.
fn push_by_post<'a>(
    text: &mut String,
    comments: impl Iterator<Item = &'a Waiting>,
    mut push_comment: impl FnMut(&mut String, &Waiting),
) {
    let mut current: Option<&str> = None;
    for w in comments {
        if current != Some(w.file.as_str()) {
            if current.is_some() {
                text.push('\n');
            }
            text.push_str(&format!("{} ({})\n", w.title, w.file));
            current = Some(&w.file);
        }
        push_comment(text, w);
    }
}

/// The comment's day as `YYYY-MM-DD`, or "undated".
fn day(w: &Waiting) -> &str {
    w.date.as_deref().map_or("undated", |d| &d[..10])
}

/// A thread-file item answering a comment, complete as it is once the two ids are
/// filled in: signed with the author's name and dated now, so that it shows who
/// answered and when, and counts in the time-to-reply figures.
fn reply_snippet(author: Option<&str>, now: &dates::Date) -> String {
    let author = author
        // A JSON string is a YAML double-quoted scalar.
        .map(|name| format!("    author: {}\n", serde_json::Value::from(name)))
        .unwrap_or_default();
    format!(
        "  - id: \"<new id>\"\n    parent: \"<id of the comment>\"\n{author}    role: author\n    date: {}\n    body: \"Your reply\"\n",
        dates::rfc3339(now)
    )
}
