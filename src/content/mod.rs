//! Content discovery: walks `content/`, classifies each file as a post, a page, a
//! thread file or an asset, and pairs every `X.md` with its `X.comments.yaml`. Parsing
//! a document is `document.rs`; thread files are read by `threads`.

mod document;
pub mod front_matter;
mod private;
mod simple;
mod taxonomy;
mod term;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

pub use document::{
    body_and_summary_of, document_of, load_document, parse_document, read_document, slugify,
    tag_slug, Document, Kind,
};
pub use taxonomy::{config_line, Taxonomy, TaxonomyStrings};
pub use term::Term;

use crate::error::{Diagnostic, Error, Location, Result};
use crate::site::guard::Inside;

pub const THREAD_SUFFIX: &str = ".comments.yaml";

/// A markdown file found under `content/`, not yet parsed.
#[derive(Debug, Clone)]
pub struct Source {
    pub kind: Kind,
    /// Relative to the site root, e.g. `content/posts/hello.md`.
    pub path: PathBuf,
    /// The thread file beside it, if there is one (relative to the site root).
    pub thread: Option<PathBuf>,
}

/// Everything under `content/`, classified.
#[derive(Debug, Default)]
pub struct Inventory {
    pub sources: Vec<Source>,
    /// Thread files with no markdown file beside them.
    pub orphan_threads: Vec<PathBuf>,
    /// Other files (images in a post bundle, ...), copied beside their page.
    pub assets: Vec<PathBuf>,
    /// Files and folders that may not be published: links leading outside the site,
    /// thread files misnamed, data files with private keys. None of them is listed
    /// above.
    pub problems: Vec<Diagnostic>,
}

/// Lists the content of the site at `root`, sorted by path so builds are reproducible.
/// A build passes its `output`, which no link under `content/` may lead into (each
/// build would publish the last one inside itself).
pub fn discover(root: &Path, output: Option<&Path>) -> Result<Inventory> {
    let content = root.join("content");
    let mut inventory = Inventory::default();
    if !content.is_dir() {
        return Ok(inventory);
    }
    let mut markdown = Vec::new();
    let mut threads = Vec::new();
    let inside = match output {
        Some(output) => Inside::new(root).excluding_output(output),
        None => Inside::new(root),
    };
    // Links are followed only where they stay inside the site.
    // Sorted by name: siblings' paths differ only in it, and comparing them whole
    // spares taking each name out of its path again at every comparison (a tenth of
    // a build after a one-post edit, at 100,000 files in one folder).
    let mut walker = WalkDir::new(&content)
        .follow_links(true)
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let path = e.path().unwrap_or(&content).to_path_buf();
                let name = path.file_name().map(OsStr::to_string_lossy);
                // An editor's lock (Emacs' `.#post.md`) is a link that leads nowhere.
                if e.depth() > 0 && name.is_some_and(|n| is_ignored(&n)) {
                    continue;
                }
                if e.depth() > 0 && path.is_symlink() {
                    // A link to an output not made yet leads nowhere so far.
                    let refused = inside.refuse(&path);
                    inventory
                        .problems
                        .push(refused.unwrap_or_else(|| broken_link(root, &path)));
                    continue;
                }
                return Err(Error::io(&path, "cannot list", e.into()));
            }
        };
        let name = entry.file_name().to_string_lossy();
        let ignored = entry.depth() > 0 && is_ignored(&name);
        let refused = match ignored || (entry.depth() > 0 && !entry.path_is_symlink()) {
            true => None,
            false => inside.refuse(entry.path()),
        };
        if ignored || refused.is_some() {
            inventory.problems.extend(refused);
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(root)
            .expect("walkdir yields paths under its root");
        let kind = entry.file_type();
        if !kind.is_file() {
            // Reading one would wait for ever (a pipe) or never end (a device); left
            // out without a word, a post or a thread would be lost unseen.
            let source = name.ends_with(".md") || name.ends_with(THREAD_SUFFIX);
            if source && !kind.is_dir() {
                inventory.problems.push(Diagnostic::new(
                    Location::new(rel, None),
                    crate::limits::NOT_A_FILE,
                    "replace it with a file, or move it out of content/",
                ));
            }
            continue;
        }
        let rel = rel.to_path_buf();
        if name.ends_with(THREAD_SUFFIX) {
            threads.push(rel);
        } else if name.ends_with(".md") {
            markdown.push(rel);
        } else if let Some(problem) = private::refuse(root, &rel) {
            inventory.problems.push(problem);
        } else {
            inventory.assets.push(rel);
        }
    }
    // Paired by their paths' bytes: hashing a path goes component by component, and
    // a big site has a hundred thousand of them.
    let at: foldhash::HashMap<&OsStr, usize> = (threads.iter().enumerate())
        .map(|(i, t)| (t.as_os_str(), i))
        .collect();
    let mut paired = vec![false; threads.len()];
    for path in markdown {
        let thread = thread_path_for(&path);
        let thread = match at.get(thread.as_os_str()) {
            Some(&i) if !paired[i] => {
                paired[i] = true;
                Some(thread)
            }
            _ => None,
        };
        let under_posts = path.strip_prefix("content/posts").is_ok();
        inventory.sources.push(Source {
            kind: if under_posts { Kind::Post } else { Kind::Page },
            path,
            thread,
        });
    }
    drop(at);
    inventory.orphan_threads = (threads.into_iter().zip(paired))
        .filter(|(_, paired)| !paired)
        .map(|(thread, _)| thread)
        .collect();
    inventory.orphan_threads.sort();
    Ok(inventory)
}

/// What is wrong with the link at `path`, which the listing could not follow: it
/// leads nowhere, or round in a circle of links.
fn broken_link(root: &Path, path: &Path) -> Diagnostic {
    let location = Location::new(path.strip_prefix(root).unwrap_or(path), None);
    let target = std::fs::read_link(path).unwrap_or_default();
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Diagnostic::new(
            location,
            format!(
                "this link leads to {}, which does not exist",
                crate::term::one_line(&target.to_string_lossy())
            ),
            "remove the link, or point it at a file that exists",
        ),
        _ => Diagnostic::new(
            location,
            format!(
                "this link leads to {}, which leads back to it or to a folder holding it, so it never ends",
                crate::term::one_line(&target.to_string_lossy())
            ),
            "remove the link, or point it at a file or folder that does not lead back to it",
        ),
    }
}

/// Why the file at `rel` (relative to the site's folder `root`, under `content/`) may
/// not be published as an asset, if it may not: it leads outside the site, or it
/// would publish something private.
pub fn refused_asset(root: &Path, rel: &Path) -> Option<Diagnostic> {
    Inside::new(root)
        .refuse(&root.join(rel))
        .or_else(|| private::refuse(root, rel))
}

/// `posts/x.md` → `posts/x.comments.yaml`.
pub fn thread_path_for(markdown: &Path) -> PathBuf {
    // The stem of `x.md`, a name no dot starts, without taking the path apart.
    if let Some(stem) = (markdown.to_str())
        .and_then(|p| p.strip_suffix(".md"))
        .filter(|stem| !stem.ends_with('/') && !stem.contains("/.") && !stem.starts_with('.'))
    {
        return PathBuf::from(format!("{stem}{THREAD_SUFFIX}"));
    }
    // Its bytes as they are: a name that is not UTF-8 made readable would name
    // another file, and its thread would be left unpaired.
    let mut name = markdown.file_stem().unwrap_or_default().to_os_string();
    name.push(THREAD_SUFFIX);
    markdown.with_file_name(name)
}

/// The markdown file whose thread is at `thread` (`thread_path_for` the other way),
/// its name's bytes kept as they are; `None` for a path that names no thread file.
pub fn markdown_path_for(thread: &Path) -> Option<PathBuf> {
    let name = thread.file_name()?.to_string_lossy();
    if !name.ends_with(THREAD_SUFFIX) || name.len() == THREAD_SUFFIX.len() {
        return None;
    }
    // `x.comments.yaml`: the stem of its stem is `x`, whatever its bytes.
    let stem = Path::new(thread.file_stem()?).file_stem()?;
    let mut name = stem.to_os_string();
    name.push(".md");
    Some(thread.with_file_name(name))
}

/// Hidden files and editor droppings are not content.
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_posts_with_threads() {
        assert_eq!(
            thread_path_for(Path::new("content/posts/foo/index.md")),
            PathBuf::from("content/posts/foo/index.comments.yaml")
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_post_whose_name_is_not_utf8_is_paired_with_its_thread() {
        use std::os::unix::ffi::OsStrExt;
        let dir = tempfile::tempdir().unwrap();
        let posts = dir.path().join("content/posts");
        std::fs::create_dir_all(&posts).unwrap();
        let name =
            |suffix: &str| OsStr::from_bytes(&[b"caf\xe9", suffix.as_bytes()].concat()).to_owned();
        std::fs::write(posts.join(name(".md")), "---\ntitle: Café\n---\nText.\n").unwrap();
        std::fs::write(posts.join(name(THREAD_SUFFIX)), "comments: []\n").unwrap();
        let inventory = discover(dir.path(), None).unwrap();
        let [source] = inventory.sources.as_slice() else {
            panic!("{:?}", inventory.sources)
        };
        let thread = Path::new("content/posts").join(name(THREAD_SUFFIX));
        assert_eq!(source.thread.as_deref(), Some(thread.as_path()));
        assert_eq!(thread_path_for(&source.path), thread);
        assert_eq!(markdown_path_for(&thread).as_ref(), Some(&source.path));
        assert!(inventory.problems.is_empty(), "{:?}", inventory.problems);
    }

    #[test]
    fn a_thread_names_its_post_as_its_post_names_it() {
        for md in [
            "content/posts/foo/index.md",
            "content/posts/a.b.md",
            "content/x.md",
        ] {
            let md = Path::new(md);
            assert_eq!(markdown_path_for(&thread_path_for(md)).as_deref(), Some(md));
        }
        for not_a_thread in [
            "content/posts/a.md",
            "content/posts/a.yaml",
            "content/.comments.yaml",
        ] {
            assert_eq!(markdown_path_for(Path::new(not_a_thread)), None);
        }
    }

    #[test]
    fn ignores_editor_files() {
        for name in [".hello.md.swp", "hello.md~", "#hello.md#", ".DS_Store"] {
            assert!(is_ignored(name), "{name}");
        }
        assert!(!is_ignored("hello.md"));
    }
}
