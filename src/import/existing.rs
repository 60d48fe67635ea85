//! The posts and pages already under `content/`, read through `content` as a build
//! would: their addresses (so new aliases do not take one) and, for Disqus, what a
//! thread's link can match (path, aliases, slug, WordPress id), and which file an
//! earlier import wrote for each WordPress id (`extra: wordpress_id`), the one file a
//! later import of that post may add to.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use crate::content::{self, Document};
use crate::error::Result;
use crate::site::urls::PostPattern;

/// The site's documents as they are before the import.
#[derive(Debug, Default)]
pub(crate) struct Existing {
    pub(crate) documents: Vec<Document>,
    /// Every address in use: each document's path and aliases (`posts/x/`, `2015/x/`).
    pub(crate) addresses: HashSet<String>,
    /// WordPress id → the file (relative to `content/`) of the first document with
    /// that `extra: wordpress_id`.
    pub(crate) by_wordpress_id: HashMap<u64, String>,
    /// Documents that did not parse, for a warning: they cannot be matched.
    pub(crate) unreadable: usize,
}

impl Existing {
    /// Reads every post and page of the site at `root`, posts at the addresses
    /// `permalinks` gives them.
    pub(crate) fn load(root: &Path, permalinks: &PostPattern) -> Result<Self> {
        let inventory = content::discover(root, None)?;
        let mut existing = Existing::default();
        for source in &inventory.sources {
            match content::load_document(root, source, permalinks) {
                Ok(doc) => {
                    existing.addresses.insert(doc.path.to_string());
                    existing
                        .addresses
                        .extend(doc.more().aliases.iter().cloned());
                    if let Some(id) = wordpress_id(&doc) {
                        let rel = doc.source.strip_prefix("content").unwrap_or(&doc.source);
                        let rel = rel.to_string_lossy().replace('\\', "/");
                        existing.by_wordpress_id.entry(id).or_insert(rel);
                    }
                    existing.documents.push(doc);
                }
                Err(_) => {
                    existing.unreadable += 1;
                    // A post broken by hand is still the one an import wrote: found by
                    // its id line, it is neither copied nor written over.
                    if let Some(id) = recorded_id(&root.join(&source.path)) {
                        let rel = source.path.strip_prefix("content").unwrap_or(&source.path);
                        let rel = rel.to_string_lossy().replace('\\', "/");
                        existing.by_wordpress_id.entry(id).or_insert(rel);
                    }
                }
            }
        }
        Ok(existing)
    }

    /// The document whose markdown file is `content/<rel>`.
    pub(crate) fn by_file(&self, rel: &str) -> Option<&Document> {
        let path = Path::new("content").join(rel);
        self.documents.iter().find(|d| *d.source == *path)
    }
}

/// The WordPress id an import recorded in a document's `extra`.
pub(crate) fn wordpress_id(doc: &Document) -> Option<u64> {
    doc.more().extra.get("wordpress_id")?.as_u64()
}

/// The `wordpress_id: N` line of a file whose front matter does not read.
fn recorded_id(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    text.lines()
        .find_map(|line| line.trim().strip_prefix("wordpress_id:"))
        .and_then(|id| id.trim().parse().ok())
}
