//! `rapport approve ID…` and `rapport reject ID…`: the author's decision on fetched
//! responses, written through the thread writer (atomic, read back before it
//! replaces the file). Every id is found and checked before any file is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config;
use crate::content;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::import::merge::{ContentWriter, FetchedChanges};
use crate::import::model::{NewComment, Provenance};
use crate::threads::{self, Comment, State};

/// What the author decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Publish a pending response.
    Approve,
    /// Turn a response down: its name and text go, its id and address stay so that
    /// no fetch brings it back.
    Reject,
}

/// What a decision did, one line per id.
#[derive(Debug, Default)]
pub struct Verdict {
    pub lines: Vec<String>,
}

/// One thread file and its comments as written.
struct ThreadFile {
    /// The post's markdown file, relative to `content/`.
    doc_rel: String,
    thread: threads::Thread,
    source: content::Source,
}

impl ThreadFile {
    /// The thread file, relative to the site root.
    fn path(&self) -> &Path {
        self.source.thread.as_deref().unwrap_or(Path::new(""))
    }
}

/// Applies `decision` to the comments with `ids` (as `rapport replies` prints them,
/// with or without `#`), of the post with slug `post` when given.
pub fn decide(
    root: &Path,
    decision: Decision,
    ids: &[String],
    post: Option<&str>,
) -> Result<Verdict> {
    let config = config::load(root)?;
    let inventory = content::discover(root, None)?;
    let slug_of = |source: &content::Source| {
        content::load_document(root, source, &config.permalinks)
            .ok()
            .map(|d| d.slug().into_owned())
    };
    let mut files = Vec::new();
    let mut unreadable: Vec<PathBuf> = Vec::new();
    for source in &inventory.sources {
        let Some(path) = &source.thread else { continue };
        if post.is_some() && slug_of(source).as_deref() != post {
            continue;
        }
        match threads::load_thread(root, path) {
            Ok(thread) => {
                let rel = source.path.strip_prefix("content").unwrap_or(&source.path);
                files.push(ThreadFile {
                    doc_rel: rel.to_string_lossy().replace('\\', "/"),
                    thread,
                    source: source.clone(),
                });
            }
            Err(_) => unreadable.push(path.clone()),
        }
    }

    let mut changes: BTreeMap<usize, FetchedChanges> = BTreeMap::new();
    let mut verdict = Verdict::default();
    for asked in ids {
        let id = asked.trim().trim_start_matches('#');
        let found: Vec<(usize, &Comment)> = files
            .iter()
            .enumerate()
            .flat_map(|(f, file)| {
                file.thread
                    .comments
                    .iter()
                    .filter(move |c| c.id == id)
                    .map(move |c| (f, c))
            })
            .collect();
        let (f, comment) = match found.as_slice() {
            [one] => *one,
            [] => return Err(not_found(id, post, &unreadable)),
            many => {
                let places: Vec<String> = many
                    .iter()
                    .map(|(f, c)| {
                        format!(
                            "{}:{} (--post {})",
                            files[*f].path().display(),
                            c.line,
                            slug_of(&files[*f].source).as_deref().unwrap_or("SLUG")
                        )
                    })
                    .collect();
                return Err(Error::Other(format!(
                    "the id {id:?} is in more than one thread file: {}; add --post SLUG to say which post's comment you mean",
                    places.join(", ")
                )));
            }
        };
        let at = format!("{}:{}", files[f].path().display(), comment.line);
        let change = match (decision, comment.state) {
            (Decision::Approve, State::Pending) => Some(published(comment)),
            (Decision::Approve, State::Published) => {
                verdict.lines.push(format!("{at}: #{id} is already published"));
                None
            }
            (Decision::Approve, State::Rejected) => {
                return Err(Diagnostic::new(
                    Location::new(files[f].path(), Some(comment.line)),
                    format!("comment {id:?} was rejected: its name and text are no longer in the file"),
                    "to review it again, delete its entry from the thread file and run rapport fetch: it comes back pending",
                )
                .into())
            }
            (Decision::Approve, State::Withdrawn) => {
                return Err(Diagnostic::new(
                    Location::new(files[f].path(), Some(comment.line)),
                    format!("comment {id:?} was withdrawn at its source: there is nothing left to publish"),
                    "leave it: it keeps the thread's shape while replies hang under it",
                )
                .into())
            }
            (Decision::Reject, State::Pending | State::Published) => Some(rejected(comment)),
            (Decision::Reject, State::Rejected | State::Withdrawn) => {
                let state = if comment.is_withdrawn() {
                    "withdrawn"
                } else {
                    "rejected"
                };
                verdict.lines.push(format!("{at}: #{id} is already {state}"));
                None
            }
        };
        if let Some(change) = change {
            let done = match decision {
                Decision::Approve => "approved: it shows on the next build",
                Decision::Reject => {
                    "rejected: its name and text are removed, and no fetch brings it back"
                }
            };
            let replaced = &mut changes.entry(f).or_default().replaced;
            if !replaced.iter().any(|(c, _)| c.id == comment.id) {
                replaced.push(change);
            }
            verdict.lines.push(format!("{at}: #{id} {done}"));
        }
    }

    let writer = ContentWriter::new(root)?;
    for (f, change) in &changes {
        writer.merge_fetched(&files[*f].doc_rel, change)?;
    }
    Ok(verdict)
}

fn not_found(id: &str, post: Option<&str>, unreadable: &[PathBuf]) -> Error {
    let mut message = match post {
        Some(slug) => format!("no comment of the post {slug:?} has the id {id:?}"),
        None => format!("no comment has the id {id:?}"),
    };
    if !unreadable.is_empty() {
        let names: Vec<String> = unreadable.iter().map(|p| p.display().to_string()).collect();
        message.push_str(&format!(
            " (these thread files have problems and were not read: {}; rapport check lists them)",
            names.join(", ")
        ));
    }
    Diagnostic::new(
        Location::new(Path::new(id), None),
        message,
        "give the id as rapport replies prints it, e.g. rapport approve toot-0123abcd",
    )
    .into()
}

/// The entry of `c` as the file holds it, in `state`.
fn entry(c: &Comment, state: State) -> (NewComment, Provenance) {
    (
        NewComment {
            id: c.id.clone(),
            parent: c.parent.clone(),
            replied_to: c.replied_to.clone(),
            author: c.author.clone(),
            url: c.url.clone(),
            date: c.date,
            role: c.role,
            body: c.body.clone(),
        },
        Provenance {
            source: c.source.clone(),
            via: c.via.clone(),
            state,
            warning: c.warning.clone(),
            edited: c.edited,
        },
    )
}

fn published(c: &Comment) -> (NewComment, Provenance) {
    entry(c, State::Published)
}

/// Only what keeps it from coming back (its id and address) and the thread's shape
/// (its parent, date and role) stay.
fn rejected(c: &Comment) -> (NewComment, Provenance) {
    let (mut new, mut provenance) = entry(c, State::Rejected);
    new.author = None;
    new.url = None;
    new.body = String::new();
    provenance.warning = None;
    provenance.edited = None;
    (new, provenance)
}
