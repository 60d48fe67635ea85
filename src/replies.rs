//! `rapport replies`: the author's to-do list. Every reader comment with no direct
//! author reply, grouped by post, longest-waiting first, with the thread file to
//! answer in. The selection is `threads::conversations::awaiting_reply`.

use serde::Serialize;

use crate::dates;
use crate::error::{Diagnostic, Location, Result};
use crate::render::markdown::Markdown;
use crate::render::sanitize::{comment_body, Sanitizer};
use crate::render::thread::ANONYMOUS;
use crate::site::engagement::{conversations, post_threads};
use crate::site::{self, BuildOptions};
use crate::threads::conversations::{awaiting_reply, excerpt};

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
        entries.retain(|e| e.doc.slug == slug);
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
    let comments = awaiting_reply(&threads)
        .into_iter()
        .map(|(p, c)| {
            let entry = entries[p];
            let comment = &entry.thread.comments[c];
            Waiting {
                post: entry.doc.slug.clone(),
                title: entry.doc.title.clone(),
                id: comment.id.clone(),
                author: comment.author.clone().unwrap_or_else(|| ANONYMOUS.into()),
                date: comment.date.as_ref().map(dates::rfc3339),
                excerpt: excerpt(&comment_body(&markdown, &sanitizer, &comment.body), 72),
                file: entry.thread.path.display().to_string(),
                line: comment.line,
            }
        })
        .collect();
    Ok(Awaiting {
        comments,
        author: site.config.author_name.clone(),
        now: options.now,
    })
}

/// The list as text, one block per post, then a reply ready to paste.
pub fn render_text(awaiting: &Awaiting) -> String {
    let waiting = &awaiting.comments;
    if waiting.is_empty() {
        return "Every reader comment has an answer.\n".into();
    }
    let mut text = String::new();
    let mut current: Option<&str> = None;
    for w in waiting {
        if current != Some(w.file.as_str()) {
            if current.is_some() {
                text.push('\n');
            }
            text.push_str(&format!("{} ({})\n", w.title, w.file));
            current = Some(&w.file);
        }
        let date = w.date.as_deref().map_or("undated", |d| &d[..10]);
        text.push_str(&format!(
            "  {}:{}  #{}  {}, {}: {}\n",
            w.file, w.line, w.id, w.author, date, w.excerpt
        ));
    }
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
