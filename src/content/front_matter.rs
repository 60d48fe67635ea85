//! Splits a markdown file into its YAML front matter and body, and parses the front
//! matter into `FrontMatter` with errors located in the file (the YAML block starts on
//! line 2, so its line numbers are offset).

use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, Location};
use crate::yaml;

/// The keys a post or page may set; anything else is an error.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub date: Option<String>,
    pub updated: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    pub summary: Option<String>,
    pub slug: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub template: Option<String>,
    pub extra: Option<tera::Value>,
}

/// A file split at its front matter.
pub struct Split<'a> {
    pub front_matter: &'a str,
    /// The line the front matter's first line is on.
    pub front_matter_line: usize,
    pub body: &'a str,
    /// The line the body's first line is on.
    pub body_line: usize,
}

/// Splits `text` at a leading `---` block. A file without one is an error: every post
/// needs at least a title.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or_else(|| missing(text, path))?;
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            return Ok(Split {
                front_matter: &rest[..offset],
                front_matter_line: 2,
                body: &rest[offset + line.len()..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(Diagnostic::new(
        Location::new(path, Some(1)),
        "the front matter that starts here is never closed",
        "end the front matter with a line that holds only ---",
    ))
}

/// Why a file does not start with a `---` line, and what to write instead.
fn missing(text: &str, path: &Path) -> Diagnostic {
    if text.starts_with("+++") {
        return Diagnostic::new(
            Location::new(path, Some(1)),
            "this file starts with TOML front matter (+++), which rapport does not read yet",
            "write the front matter as YAML between two lines of ---, e.g. title: \"My post\" instead of title = \"My post\"",
        );
    }
    let leading = text.len() - text.trim_start().len();
    if text.trim_start().starts_with("---") {
        let line = text[..leading].matches('\n').count() + 1;
        return Diagnostic::new(
            Location::new(path, Some(line)),
            "the front matter must start on the file's first line",
            "remove the blank lines (or spaces) before the first ---",
        );
    }
    Diagnostic::new(
        Location::new(path, Some(1)),
        "this file has no front matter",
        "start the file with a line ---, then lines such as title: My post and date: 2024-01-31, then a line ---",
    )
}

/// Parses the front matter part of a split file.
pub fn parse(split: &Split<'_>, path: &Path) -> Result<FrontMatter, Diagnostic> {
    if split.front_matter.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    yaml::from_str_at(split.front_matter, path, split.front_matter_line)
}

/// The line in the file of a top-level front matter key, for errors about its value.
pub fn key_line(split: &Split<'_>, key: &str) -> usize {
    let prefix = format!("{key}:");
    split
        .front_matter
        .lines()
        .position(|l| l.starts_with(&prefix))
        .map_or(1, |i| i + split.front_matter_line)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_offsets_lines() {
        let text = "---\ntitle: Hi\ntags: [a]\n---\nBody\n";
        let s = split(text, Path::new("p.md")).unwrap();
        assert_eq!(s.body, "Body\n");
        assert_eq!(s.body_line, 5);
        assert_eq!(key_line(&s, "tags"), 3);
        let fm = parse(&s, Path::new("p.md")).unwrap();
        assert_eq!(fm.title.as_deref(), Some("Hi"));
    }

    #[test]
    fn unknown_key_is_located() {
        let text = "---\ntitle: Hi\ntagz: [a]\n---\n";
        let s = split(text, Path::new("p.md")).unwrap();
        let err = parse(&s, Path::new("p.md")).unwrap_err();
        assert_eq!(err.location.line, Some(3));
    }

    #[test]
    fn unclosed_block_is_an_error() {
        assert!(split("---\ntitle: x\n", Path::new("p.md")).is_err());
        assert!(split("no front matter", Path::new("p.md")).is_err());
    }
}
