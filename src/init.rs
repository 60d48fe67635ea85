//! `rapport init`: a new site that builds at once, with one post and a short
//! conversation showing the thread format.

use std::path::Path;

use crate::error::{Diagnostic, Error, Location, Result};

const FILES: &[(&str, &str)] = &[
    (
        "site.toml",
        "title = \"My blog\"\nbase_url = \"https://example.org/\"\ndescription = \"Notes and the conversations they start\"\n\n[author]\nname = \"Me\"\n",
    ),
    (
        "content/posts/hello-world.md",
        "---\ntitle: Hello, world\ndate: 2024-01-31\ntags: [meta]\n---\nThis is the first post. Its conversation lives beside it, in\n`hello-world.comments.yaml`.\n",
    ),
    (
        "content/posts/hello-world.comments.yaml",
        "comments:\n  - id: \"1\"\n    author: \"A reader\"\n    date: 2024-02-01T09:00:00Z\n    body: \"Welcome! Looking forward to reading more.\"\n  - id: \"2\"\n    parent: \"1\"\n    author: \"Me\"\n    role: author\n    date: 2024-02-01T10:30:00Z\n    body: \"Thank you for being the first to write.\"\n",
    ),
    ("content/about.md", "---\ntitle: About\n---\nWho writes here, and why.\n"),
];

/// What every new site has besides its configuration and content (a site made from
/// an export gets these too).
const SKELETON: &[(&str, &str)] = &[("static/.gitkeep", "")];

/// Scaffolds a site in `dir` (created if missing); refuses to touch an existing site.
pub fn init(dir: &Path) -> Result<()> {
    if dir.join("site.toml").exists() {
        return Err(Error::from(Diagnostic::new(
            Location::new(dir, None),
            "this folder already holds a site (it has a site.toml)",
            "choose an empty folder, e.g. rapport init my-blog",
        )));
    }
    write_files(dir, FILES)?;
    write_skeleton(dir)
}

/// Writes the files every new site has besides its configuration and content.
pub(crate) fn write_skeleton(dir: &Path) -> Result<()> {
    write_files(dir, SKELETON)
}

fn write_files(dir: &Path, files: &[(&str, &str)]) -> Result<()> {
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "cannot create", e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io(&path, "cannot write", e))?;
    }
    Ok(())
}
