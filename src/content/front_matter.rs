//! Splits a markdown file into its front matter (YAML between `---` lines, or TOML
//! between `+++` lines as Hugo and Zola write it) and body, and parses the front matter
//! into `FrontMatter` with errors located in the file (the block starts on line 2, so
//! its line numbers are offset).

use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::error::{Diagnostic, Location};
use crate::yaml;

/// The keys a post or page may set; anything else is an error.
#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: Option<String>,
    #[serde(default, deserialize_with = "date_text")]
    pub date: Option<String>,
    #[serde(default, deserialize_with = "date_text")]
    pub updated: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    pub summary: Option<String>,
    pub slug: Option<String>,
    #[serde(default, deserialize_with = "id_text")]
    pub id: Option<String>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub template: Option<String>,
    /// Where the post was announced elsewhere (a Mastodon status, ...): `rapport
    /// fetch` brings the replies there into its thread.
    #[serde(default)]
    pub syndication: Vec<String>,
    /// Show a table of contents of the headings.
    #[serde(default)]
    pub toc: bool,
    pub extra: Option<tera::Value>,
}

/// A date as written: YAML gives text; TOML gives text or a datetime
/// (`date = 2015-03-02`), written back as text so that both are checked alike.
fn date_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<DateText>::deserialize(deserializer)?.map(|d| d.0))
}

/// An id as written: a number (`id: 1234`) or text (`id: "a7"`).
fn id_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Number(u64),
        Text(String),
    }
    Ok(Option::<Id>::deserialize(deserializer)?.map(|id| match id {
        Id::Number(n) => n.to_string(),
        Id::Text(t) => t,
    }))
}

struct DateText(String);

impl<'de> Deserialize<'de> for DateText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(DateTextVisitor).map(DateText)
    }
}

struct DateTextVisitor;

impl<'de> serde::de::Visitor<'de> for DateTextVisitor {
    type Value = String;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<String, E> {
        Ok(v.to_string())
    }

    /// The toml crate hands a datetime over as a map; any other map is not a date.
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<String, A::Error> {
        toml::value::Datetime::deserialize(serde::de::value::MapAccessDeserializer::new(map))
            .map(|d| d.to_string())
            .map_err(|_| serde::de::Error::invalid_type(serde::de::Unexpected::Map, &self))
    }
}

/// How the front matter is written, decided by the file's first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// Between `---` lines.
    Yaml,
    /// Between `+++` lines.
    Toml,
}

impl Syntax {
    fn fence(self) -> &'static str {
        match self {
            Syntax::Yaml => "---",
            Syntax::Toml => "+++",
        }
    }
}

/// A file split at its front matter.
pub struct Split<'a> {
    pub syntax: Syntax,
    pub front_matter: &'a str,
    /// The line the front matter's first line is on.
    pub front_matter_line: usize,
    pub body: &'a str,
    /// The line the body's first line is on.
    pub body_line: usize,
}

/// Splits `text` at a leading `---` (or `+++`) block. A file without one is an error:
/// every post needs at least a title.
pub fn split<'a>(text: &'a str, path: &Path) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = if text.starts_with("+++") {
        Syntax::Toml
    } else {
        Syntax::Yaml
    };
    let fence = syntax.fence();
    let rest = text
        .strip_prefix(fence)
        .and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
        .ok_or_else(|| missing(text, path))?;
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == fence {
            return Ok(Split {
                syntax,
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
        format!("end the front matter with a line that holds only {fence}"),
    ))
}

/// Why a file does not start with a `---` (or `+++`) line, and what to write instead.
fn missing(text: &str, path: &Path) -> Diagnostic {
    let leading = text.len() - text.trim_start().len();
    let fence = ["---", "+++"]
        .into_iter()
        .find(|f| text.trim_start().starts_with(f));
    if let Some(fence) = fence {
        let line = text[..leading].matches('\n').count() + 1;
        return Diagnostic::new(
            Location::new(path, Some(line)),
            "the front matter must start on the file's first line",
            format!("remove the blank lines (or spaces) before the first {fence}"),
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
    match split.syntax {
        Syntax::Yaml => match super::simple::parse(split.front_matter) {
            Some(fm) => Ok(fm),
            None => yaml::from_str_at(split.front_matter, path, split.front_matter_line),
        },
        Syntax::Toml => {
            let mut fm: FrontMatter = toml::from_str(split.front_matter).map_err(|e| {
                let mut d = crate::config::toml_error(&e, split.front_matter, path);
                d.location.line = d.location.line.map(|l| l + split.front_matter_line - 1);
                d
            })?;
            if fm.extra.is_some() {
                fm.extra = toml_extra(split.front_matter);
            }
            Ok(fm)
        }
    }
}

/// `extra` read again as TOML values, so that a TOML date in it reaches templates as
/// text (as site.toml's extra does), not as the toml crate's private map.
fn toml_extra(text: &str) -> Option<tera::Value> {
    let mut table: toml::Table = toml::from_str(text).ok()?;
    table.remove("extra").map(crate::config::toml_to_value)
}

/// The `summary:` key's value, parsed from its own lines: the key's (`line`, of the
/// file) and those after it up to the next that starts a key. `None` when they do not
/// parse alone (a TOML string over several lines).
pub fn summary_at(split: &Split<'_>, path: &Path, line: usize) -> Option<String> {
    let skip = line.checked_sub(split.front_matter_line)?;
    let mut lines = split.front_matter.split_inclusive('\n');
    let start: usize = lines.by_ref().take(skip).map(str::len).sum();
    let first = lines.next()?;
    let rest: usize = (lines.take_while(|l| l.starts_with([' ', '\t', '\r', '\n'])))
        .map(str::len)
        .sum();
    if rest == 0 {
        if let Some(value) = quoted_value(first, split.syntax) {
            return Some(value.to_string());
        }
    }
    let text = &split.front_matter[start..start + first.len() + rest];
    let fm: FrontMatter = match split.syntax {
        Syntax::Yaml => yaml::from_str_at(text, path, line).ok()?,
        Syntax::Toml => toml::from_str(text).ok()?,
    };
    fm.summary
}

/// The value of a key's `line` when it is a quoted string without escapes, as most
/// are: what a parser gives for it, without the 31,000 instructions of parsing the
/// line as YAML.
fn quoted_value(line: &str, syntax: Syntax) -> Option<&str> {
    let separator = match syntax {
        Syntax::Yaml => ':',
        Syntax::Toml => '=',
    };
    let value = line.split_once(separator)?.1.trim();
    ['"', '\''].into_iter().find_map(|quote| {
        let inner = value.strip_prefix(quote)?.strip_suffix(quote)?;
        (!inner.contains([quote, '\\'])).then_some(inner)
    })
}

/// The line in the file of a top-level front matter key, for errors about its value.
pub fn key_line(split: &Split<'_>, key: &str) -> usize {
    let sets_key = |line: &str| match split.syntax {
        Syntax::Yaml => line.strip_prefix(key).is_some_and(|r| r.starts_with(':')),
        Syntax::Toml => line
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with('=')),
    };
    split
        .front_matter
        .lines()
        .position(sets_key)
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
    fn toml_is_split_by_its_first_line_and_keys_are_located() {
        let text = "+++\ntitle = \"Hi\"\ndate = 2015-03-02\ntags=[\"a\"]\n+++\nBody\n";
        let s = split(text, Path::new("p.md")).unwrap();
        assert_eq!(s.syntax, Syntax::Toml);
        assert_eq!(s.body, "Body\n");
        assert_eq!(key_line(&s, "tags"), 4);
        let fm = parse(&s, Path::new("p.md")).unwrap();
        assert_eq!(fm.date.as_deref(), Some("2015-03-02"));
        assert_eq!(fm.tags, ["a"]);
    }

    #[test]
    fn a_toml_date_in_extra_is_text() {
        let text = "+++\ntitle = \"Hi\"\n[extra]\nwhen = 2015-03-02\nn = 3\n+++\n";
        let s = split(text, Path::new("p.md")).unwrap();
        let extra = parse(&s, Path::new("p.md")).unwrap().extra.unwrap();
        assert_eq!(extra["when"], "2015-03-02");
        assert_eq!(extra["n"], 3);
    }

    #[test]
    fn a_map_is_not_a_date_in_yaml() {
        let s = split("---\ndate: {a: 1}\n---\n", Path::new("p.md")).unwrap();
        let err = parse(&s, Path::new("p.md")).unwrap_err();
        assert_eq!(err.message, "date must be text, not a block of keys");
    }

    #[test]
    fn unclosed_block_is_an_error() {
        assert!(split("---\ntitle: x\n", Path::new("p.md")).is_err());
        assert!(split("no front matter", Path::new("p.md")).is_err());
    }
}
