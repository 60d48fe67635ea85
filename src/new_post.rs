//! `rapport new "Title"`: starts a post (a draft dated now) or a page, named by its
//! title's slug, with front matter that reads back exactly as typed.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::content::slugify;
use crate::error::{Error, Result};
use crate::site::guard::Inside;

/// What `rapport new` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NewKind {
    /// `content/posts/<slug>.md`, a draft dated now.
    Post,
    /// `content/<slug>.md`, no date and no draft flag.
    Page,
}

/// Writes the new file under the site at `root` and returns its path (as `root`
/// joined with the file's path in the site). An existing file is never overwritten.
pub fn create(root: &Path, title: &str, kind: NewKind) -> Result<PathBuf> {
    let config = crate::config::load(root)?;
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(Error::problem(
            format!("the title {title:?} has no letters or digits to name the file by"),
            "give a title with at least one letter or digit, e.g. rapport new \"My first post\"",
        ));
    }
    if let Some(msg) = crate::limits::long_address(&slug) {
        return Err(Error::problem(
            format!("the file name the title makes, {msg}"),
            "give a shorter title; the title: in the new file's front matter can be lengthened afterwards",
        ));
    }
    let folder = match kind {
        NewKind::Post => config.content_dir().join("posts"),
        NewKind::Page => config.content_dir(),
    };
    // A post written through a link out of the site is one build refuses, in a
    // folder that is not the site's.
    let way = Inside::new(&config.root).refuse_on_the_way(&folder.join(format!("{slug}.md")));
    if let Some(problem) = way {
        return Err(problem.into());
    }
    // `./content/posts/x.md` is just `content/posts/x.md` to the user.
    let folder = folder.strip_prefix(".").unwrap_or(&folder).to_path_buf();
    let path = folder.join(format!("{slug}.md"));
    std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, "create folder", e))?;
    let text = front_matter(title, kind, chrono::Utc::now());
    // create_new: a post written meanwhile (or twice by mistake) is never replaced.
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::problem(
                format!("{} already exists", path.display()),
                "edit that file, or choose another title",
            ))
        }
        Err(e) => return Err(Error::io(&path, "create", e)),
    };
    file.write_all(text.as_bytes())
        .map_err(|e| Error::io(&path, "write", e))?;
    Ok(path)
}

/// The new file's text: YAML front matter and an empty body.
fn front_matter(title: &str, kind: NewKind, now: chrono::DateTime<chrono::Utc>) -> String {
    let title = crate::yaml::quoted(title);
    match kind {
        NewKind::Post => format!(
            "---\ntitle: {title}\ndate: {}\ndraft: true\n---\n\n",
            now.format("%Y-%m-%dT%H:%M:%SZ")
        ),
        NewKind::Page => format!("---\ntitle: {title}\n---\n\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{parse_document, Kind, Source};

    #[test]
    fn awkward_titles_read_back_exactly() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-02T10:15:00Z")
            .unwrap()
            .to_utc();
        for title in [
            "Say \"hi\"",
            "Rust: a review",
            "#1 in a series",
            "@home",
            "- a dash",
            "It's [not] {yaml}",
            "back\\slash",
        ] {
            let text = front_matter(title, NewKind::Post, now);
            let source = Source {
                kind: Kind::Post,
                path: PathBuf::from("content/posts/a.md"),
                thread: None,
            };
            let doc = parse_document(&text, &source).expect(title);
            assert_eq!(&*doc.title, title);
            assert!(doc.draft);
            assert_eq!(
                crate::dates::rfc3339(&doc.date.unwrap()),
                "2026-03-02T10:15:00Z"
            );
        }
    }
}
