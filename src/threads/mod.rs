//! The conversation model: a thread is the flat list of comments of one post, as in
//! its `.comments.yaml` file, threaded by `parent`. Loading and validating is
//! `load.rs`; the nested shape is `tree.rs`; engagement figures are `metrics.rs`.
//! Nothing here knows about HTML or templates.

pub mod conversations;
mod load;
pub mod metrics;
pub mod tree;

use std::path::PathBuf;

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

/// One comment, validated.
#[derive(Debug, Clone, PartialEq)]
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
    /// The line of the file the comment starts on.
    pub line: usize,
}

impl Comment {
    pub fn is_reader(&self) -> bool {
        self.role == Role::Reader
    }
    pub fn is_author(&self) -> bool {
        self.role == Role::Author
    }
}

/// The validated conversation of one post: ids are unique, every parent exists and
/// there are no cycles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thread {
    /// The thread file, relative to the site root.
    pub path: PathBuf,
    pub comments: Vec<Comment>,
}
