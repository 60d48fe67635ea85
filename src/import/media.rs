//! The old blog's media in imported posts and pages: every address of a file in its
//! `wp-content/uploads` (an `src`, each `srcset` variant, a link, the featured image).
//! With `--uploads DIR`, a copy of that folder, each file found there is copied to
//! `static/wp-content/uploads/` (so the old paths keep working) and its addresses
//! point there; without it they are counted, to say what still depends on the old host.
//!
//! The addresses come from the export, so they are untrusted: a path with `..`, an
//! empty or odd segment, or a file whose real path (symlinks followed) is outside DIR
//! is never read, and nothing is written outside `static/wp-content/uploads/`.

use std::collections::BTreeSet;
use std::path::{Component, Path, PathBuf};
use std::sync::LazyLock;

use regex::{Captures, Regex};

use crate::error::{Diagnostic, Error, Location, Result};
use crate::import::html;
use crate::import::merge::ContentWriter;
use crate::import::report::plural;

/// Where copied media go, relative to the site; the path after it is the one the file
/// had under `wp-content/uploads`.
pub(crate) const SITE_UPLOADS: &str = "static/wp-content/uploads";

/// A run of characters that can be an address and holds an upload's path, or a file of
/// a WordPress.com blog (`https://name.files.wordpress.com/2019/05/a.jpg`).
static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:https?:)?//[a-z0-9-]+\.files\.wordpress\.com/[^\s"'<>()\[\]{}\\]+|[^\s"'<>()\[\]{}\\]*wp-content/uploads/[^\s"'<>()\[\]{}\\]+"#,
    )
    .expect("valid pattern")
});

/// What an import does with media addresses.
#[derive(Debug)]
pub(crate) struct Media {
    /// The old blog's hosts, lowercase, without `www.`.
    hosts: Vec<String>,
    /// `--uploads DIR` (resolved) and where its files go.
    uploads: Option<(PathBuf, ContentWriter)>,
    /// The site's path prefix (`/` or `/blog/`), for addresses in bodies.
    base_path: String,
}

/// What happened to media addresses, for the report.
#[derive(Debug, Default)]
pub(crate) struct MediaTally {
    /// Addresses of the old blog's media that still point at it (no `--uploads`).
    pub(crate) remote: usize,
    pub(crate) rewritten: usize,
    pub(crate) copied: usize,
    /// Addresses whose file is not in `--uploads DIR`, left as they were.
    pub(crate) missing: BTreeSet<String>,
    /// `--uploads DIR` as given, when it was.
    pub(crate) uploads: Option<String>,
    /// The old blog's host, to name it.
    pub(crate) host: String,
}

impl MediaTally {
    /// The report's lines about media.
    pub(crate) fn lines(&self, lines: &mut Vec<String>) {
        if self.remote > 0 {
            lines.push(format!(
                "  {} in the new posts and pages still {} at the old site ({}): pass --uploads DIR, a copy of its wp-content/uploads, to copy the files into the site",
                plural(self.remote, "media address"),
                if self.remote == 1 { "points" } else { "point" },
                self.host
            ));
        }
        let Some(dir) = &self.uploads else { return };
        if self.rewritten == 0 && self.missing.is_empty() {
            return;
        }
        lines.push(format!(
            "  media: {} now {} at the site's copy in {SITE_UPLOADS}/ ({} copied from {dir} now)",
            plural(self.rewritten, "address"),
            if self.rewritten == 1 {
                "points"
            } else {
                "point"
            },
            plural(self.copied, "file"),
        ));
        if !self.missing.is_empty() {
            lines.push(format!(
                "  {} not found in {dir}, left pointing at the old site:",
                plural(self.missing.len(), "media file")
            ));
            lines.extend(self.missing.iter().map(|m| format!("    {m}")));
        }
    }
}

/// An address in a post that names a file of the old blog's uploads.
struct Upload<'a> {
    /// The path under `wp-content/uploads`, as written in the address.
    written: &'a str,
    /// The same, decoded: the file's path relative to the uploads folder.
    file: String,
}

impl Media {
    /// Media of the blog at `addresses` (its `<link>`, `wp:base_blog_url` …), copied
    /// from `uploads` into the site at `root` when given.
    pub(crate) fn new(
        addresses: &[String],
        uploads: Option<&Path>,
        root: &Path,
        base_path: &str,
    ) -> Result<Self> {
        let mut hosts: Vec<String> = addresses.iter().filter_map(|a| host_of(a)).collect();
        hosts.dedup();
        let uploads = match uploads {
            Some(dir) => Some((
                open_uploads(dir)?,
                ContentWriter::under(root, SITE_UPLOADS)?,
            )),
            None => None,
        };
        Ok(Media {
            hosts,
            uploads,
            base_path: base_path.to_string(),
        })
    }

    /// Starts the tally for the report.
    pub(crate) fn tally(&self, uploads: Option<&Path>) -> MediaTally {
        MediaTally {
            uploads: uploads.map(|d| d.display().to_string()),
            host: self.hosts.first().cloned().unwrap_or_default(),
            ..MediaTally::default()
        }
    }

    /// `body` with each address of an upload found in DIR pointing at the site's copy.
    pub(crate) fn localise_body(&self, body: &str, tally: &mut MediaTally) -> Result<String> {
        let mut failed = None;
        let out = ADDRESS.replace_all(body, |c: &Captures<'_>| {
            let token = &c[0];
            match self.localise(token, &self.base_path, tally) {
                Ok(local) => local.unwrap_or_else(|| token.to_string()),
                Err(e) => {
                    failed.get_or_insert(e);
                    token.to_string()
                }
            }
        });
        match failed {
            Some(e) => Err(e),
            None => Ok(out.into_owned()),
        }
    }

    /// The featured image's address, pointing at the site's copy when there is one.
    /// `extra: image` is read from the site's root, so it has no base path.
    pub(crate) fn localise_image(&self, url: &str, tally: &mut MediaTally) -> Result<String> {
        Ok(self
            .localise(url, "/", tally)?
            .unwrap_or_else(|| url.to_string()))
    }

    /// The token with its upload's address replaced by the site's copy, or `None` to
    /// leave it as it is.
    fn localise(&self, token: &str, base: &str, tally: &mut MediaTally) -> Result<Option<String>> {
        let Some(start) = address_start(token) else {
            return Ok(None);
        };
        let (before, address) = token.split_at(start);
        let (address, after) = split_trailing_punctuation(address);
        let Some(upload) = self.upload_of(address) else {
            return Ok(None);
        };
        let Some((dir, writer)) = &self.uploads else {
            tally.remote += 1;
            return Ok(None);
        };
        let Some(source) = source_file(dir, &upload.file) else {
            tally.missing.insert(address.to_string());
            return Ok(None);
        };
        if writer.copy_file(&source, &upload.file)? {
            tally.copied += 1;
        }
        tally.rewritten += 1;
        Ok(Some(format!(
            "{before}{base}wp-content/uploads/{}{after}",
            upload.written
        )))
    }

    /// The upload an address names, when it is one of the old blog's.
    fn upload_of<'a>(&self, address: &'a str) -> Option<Upload<'a>> {
        let address = address.split(['?', '#']).next().unwrap_or_default();
        let written = match address.split_once("//") {
            Some((scheme, rest))
                if matches!(
                    scheme.to_ascii_lowercase().as_str(),
                    "" | "http:" | "https:"
                ) =>
            {
                let (host, path) = rest.split_at(rest.find('/')?);
                let host = normal_host(host);
                if host.ends_with(".files.wordpress.com") {
                    path.trim_start_matches('/')
                } else if self.hosts.contains(&host) {
                    after_uploads(path)?
                } else {
                    return None;
                }
            }
            Some(_) => return None,
            None if address.starts_with('/') => after_uploads(address)?,
            None => return None,
        };
        let file = html::percent_decode(&html::decode_entities(written));
        Some(Upload { written, file })
    }
}

/// Where the address begins in a token (after `srcset`'s `300w,`, say).
fn address_start(token: &str) -> Option<usize> {
    ["https://", "http://", "//", "/"]
        .iter()
        .filter_map(|p| token.to_ascii_lowercase().find(p))
        .min()
}

/// A bare address at the end of a sentence does not end in its full stop.
fn split_trailing_punctuation(address: &str) -> (&str, &str) {
    let kept = address.trim_end_matches(['.', ',', ';', ':', '!', '?']);
    address.split_at(kept.len())
}

fn after_uploads(path: &str) -> Option<&str> {
    let (_, rest) = path.split_once("/wp-content/uploads/")?;
    (!rest.is_empty()).then_some(rest)
}

fn host_of(address: &str) -> Option<String> {
    let (_, rest) = address.split_once("//")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| normal_host(host))
}

fn normal_host(host: &str) -> String {
    let host = host.to_ascii_lowercase();
    host.strip_prefix("www.")
        .map(str::to_string)
        .unwrap_or(host)
}

/// `--uploads DIR`, resolved, or an error saying what to pass.
pub(crate) fn open_uploads(dir: &Path) -> Result<PathBuf> {
    match dir.canonicalize() {
        Ok(real) if real.is_dir() => Ok(real),
        _ => Err(Error::from(Diagnostic::new(
            Location::new(dir, None),
            "--uploads names no folder here",
            "pass the copy of the old site's wp-content/uploads (the folder that holds the year folders, 2019/ …), or leave --uploads out to keep the media on the old site",
        ))),
    }
}

/// The file at `rel` inside `dir` (a resolved folder), when `rel` is a plain relative
/// path and the file, symlinks followed, is inside `dir`.
fn source_file(dir: &Path, rel: &str) -> Option<PathBuf> {
    let plain = Path::new(rel)
        .components()
        .all(|c| matches!(c, Component::Normal(_)));
    let odd = rel.is_empty() || rel.contains(['\\', '\0']) || rel.split('/').any(str::is_empty);
    if !plain || odd {
        return None;
    }
    let real = dir.join(rel).canonicalize().ok()?;
    (real.starts_with(dir) && real.is_file()).then_some(real)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn remote_media() -> Media {
        Media {
            hosts: vec!["old.example".into()],
            uploads: None,
            base_path: "/".into(),
        }
    }

    fn written(media: &Media, address: &str) -> Option<String> {
        media.upload_of(address).map(|u| u.file)
    }

    #[test]
    fn uploads_of_the_old_blog_are_recognised() {
        let media = remote_media();
        let ours = |a: &str| written(&media, a);
        assert_eq!(
            ours("https://www.old.example/wp-content/uploads/2019/05/a%20b.jpg?w=300"),
            Some("2019/05/a b.jpg".into())
        );
        assert_eq!(
            ours("//old.example/blog/wp-content/uploads/x.png"),
            Some("x.png".into())
        );
        assert_eq!(ours("/wp-content/uploads/y.png"), Some("y.png".into()));
        assert_eq!(
            ours("https://ann.files.wordpress.com/2019/05/z.jpg"),
            Some("2019/05/z.jpg".into())
        );
        assert_eq!(ours("https://other.example/wp-content/uploads/a.jpg"), None);
        assert_eq!(ours("javascript://old.example/wp-content/uploads/a"), None);
        assert_eq!(ours("/wp-content/uploads/"), None);
    }

    #[test]
    fn only_plain_paths_inside_the_folder_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        std::fs::create_dir_all(real.join("2019")).unwrap();
        std::fs::write(real.join("2019/a.jpg"), "a").unwrap();
        assert!(source_file(&real, "2019/a.jpg").is_some());
        for bad in [
            "../a.jpg",
            "2019/../2019/a.jpg",
            "/etc/passwd",
            "2019//a.jpg",
            "",
            "2019",
        ] {
            assert_eq!(source_file(&real, bad), None, "{bad}");
        }
    }

    #[test]
    fn a_srcset_and_a_sentence_keep_their_punctuation() {
        let mut tally = MediaTally::default();
        let media = remote_media();
        let body = "<img srcset=\"https://old.example/wp-content/uploads/a-300.jpg 300w,https://old.example/wp-content/uploads/a.jpg 1024w\"> See https://old.example/wp-content/uploads/b.pdf.";
        assert_eq!(media.localise_body(body, &mut tally).unwrap(), body);
        assert_eq!(tally.remote, 3);
    }
}
