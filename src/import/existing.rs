//! The posts and pages already under `content/`, read through `content` as a build
//! would: their addresses (so new aliases do not take one) and, for Disqus, what a
//! thread's link can match (path, aliases, slug, WordPress id).

use std::collections::HashSet;
use std::path::Path;

use crate::content::{self, Document};
use crate::error::Result;

/// The site's documents as they are before the import.
#[derive(Debug, Default)]
pub(crate) struct Existing {
    pub(crate) documents: Vec<Document>,
    /// Every address in use: each document's path and aliases (`posts/x/`, `2015/x/`).
    pub(crate) addresses: HashSet<String>,
    /// Documents that did not parse, for a warning: they cannot be matched.
    pub(crate) unreadable: usize,
}

impl Existing {
    /// Reads every post and page of the site at `root`.
    pub(crate) fn load(root: &Path) -> Result<Self> {
        let inventory = content::discover(root)?;
        let mut existing = Existing::default();
        for source in &inventory.sources {
            match content::load_document(root, source) {
                Ok(doc) => {
                    existing.addresses.insert(doc.path.clone());
                    existing.addresses.extend(doc.aliases.iter().cloned());
                    existing.documents.push(doc);
                }
                Err(_) => existing.unreadable += 1,
            }
        }
        Ok(existing)
    }

    /// The document whose markdown file is `content/<rel>`.
    pub(crate) fn by_file(&self, rel: &str) -> Option<&Document> {
        let path = Path::new("content").join(rel);
        self.documents.iter().find(|d| d.source == path)
    }
}
