//! The conversation model: a thread is the flat list of comments of one post, as in
//! its `.comments.yaml` file, threaded by `parent`. Loading and validating is
//! `load.rs`; the nested shape is `tree.rs`; engagement figures are `metrics.rs`.
//! Nothing here knows about HTML or templates.

pub mod conversations;
pub mod digest;
mod load;
pub mod metrics;
mod packed;
mod simple;
pub mod tree;

use serde::{Deserialize, Serialize};

use crate::dates::Date;

pub use load::{load_thread, parse_thread};
pub use tree::Tree;

/// Who wrote a comment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A reader (the default).
    #[default]
    Reader,
    /// The blog's author. Importers set it only on verified identity.
    Author,
    /// A pingback, trackback or webmention: shown, but not a reader's comment.
    Mention,
}

/// Whether a comment is shown.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Shown (the default).
    #[default]
    Published,
    /// Gone at its source (`rapport fetch --full` found it deleted): its text and name
    /// are removed, and it is shown as a placeholder only while replies hang under it.
    Withdrawn,
    /// Fetched while `[comments] review` is on, and not approved yet: not shown.
    Pending,
    /// Turned down by the author: kept (id and source, without text or name) only so
    /// that the next fetch does not bring it back; shown as a withdrawn one is.
    Rejected,
}

/// One comment, validated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    pub id: String,
    pub parent: Option<String>,
    /// The comment it answered, when an import had to attach it elsewhere because
    /// that one was not published yet (a later import restores the nesting).
    pub replied_to: Option<String>,
    /// Display name; `None` renders as "Anonymous".
    pub author: Option<String>,
    /// The commenter's website, as written (rendered only if http(s)).
    pub url: Option<String>,
    pub date: Option<Date>,
    pub role: Role,
    /// Markdown or HTML. Sanitised at render time whoever wrote it: an imported
    /// author comment is no more trustworthy than the export it came from.
    pub body: String,
    /// Where a fetched response lives at its origin (a Mastodon status, a blog post):
    /// linked as "via", and the key that keeps one response from arriving twice.
    pub source: Option<String>,
    /// The network or service it came through (`mastodon`, `webmention`, ...).
    pub via: Option<String>,
    pub state: State,
    /// A content warning: the body is shown folded behind it.
    pub warning: Option<String>,
    /// When the response was last edited at its source.
    pub edited: Option<Date>,
    /// The line of the file the comment starts on.
    pub line: usize,
}

impl Comment {
    /// A reader's comment that is shown (a withdrawn one has no author left).
    pub fn is_reader(&self) -> bool {
        self.role == Role::Reader && self.is_published()
    }
    pub fn is_withdrawn(&self) -> bool {
        self.state == State::Withdrawn
    }
    /// Shown with its text: not withdrawn, pending or rejected.
    pub fn is_published(&self) -> bool {
        self.state == State::Published
    }
    /// The author's comment that is shown: a withdrawn, pending or rejected one is
    /// neither counted as an answer nor dated by one, badged or signed.
    pub fn is_author(&self) -> bool {
        self.role == Role::Author && self.is_published()
    }
}

/// The validated conversation of one post: ids are unique, every parent exists and
/// there are no cycles. Its file is the post's (`content::thread_path_for`), not held
/// here: a copy of every thread file's path held to the end of a build was a
/// fifteenth of a big site's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    pub comments: Vec<Comment>,
    /// Likes, reposts and bookmarks received elsewhere (`reactions`); `None` when
    /// there are none, as for most posts: three empty lists held for every post to
    /// the end of a build were a sixth of its thread.
    reactions: Option<Box<Reactions>>,
}

/// Reactions to a post, each kind a list of the ids its source gave them (so that a
/// fetch counts each once); only the counts are published, never who reacted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reactions {
    #[serde(default)]
    pub likes: Vec<String>,
    #[serde(default)]
    pub reposts: Vec<String>,
    #[serde(default)]
    pub bookmarks: Vec<String>,
}

impl Reactions {
    pub fn is_empty(&self) -> bool {
        self.likes.is_empty() && self.reposts.is_empty() && self.bookmarks.is_empty()
    }
}

impl Thread {
    pub fn new(comments: Vec<Comment>, reactions: Reactions) -> Thread {
        Thread {
            comments,
            reactions: (!reactions.is_empty()).then(|| Box::new(reactions)),
        }
    }

    /// Likes, reposts and bookmarks received elsewhere: counted, never comments.
    pub fn reactions(&self) -> &Reactions {
        static NONE: Reactions = Reactions {
            likes: Vec::new(),
            reposts: Vec::new(),
            bookmarks: Vec::new(),
        };
        self.reactions.as_deref().unwrap_or(&NONE)
    }

    /// The thread as a page shows it: a response that is not published (withdrawn,
    /// pending, rejected) stays as a placeholder, without name or text, only while
    /// some reply hangs under it.
    pub fn published_view(mut self) -> Thread {
        for c in self.comments.iter_mut().filter(|c| !c.is_published()) {
            c.author = None;
            c.url = None;
            c.body.clear();
            c.source = None;
            c.warning = None;
        }
        loop {
            let parents: std::collections::HashSet<&str> = self
                .comments
                .iter()
                .filter_map(|c| c.parent.as_deref())
                .collect();
            let keep: Vec<bool> = self
                .comments
                .iter()
                .map(|c| c.is_published() || parents.contains(c.id.as_str()))
                .collect();
            if keep.iter().all(|k| *k) {
                return self;
            }
            let mut keep = keep.into_iter();
            self.comments.retain(|_| keep.next().unwrap_or(true));
        }
    }
}
