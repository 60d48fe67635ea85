//! A post or page parsed from its markdown file: front matter resolved into typed,
//! validated fields (dates, slug, aliases), the body kept as markdown. No HTML here.

use std::num::NonZeroU32;
use std::path::Path;

use crate::content::front_matter::{self, FrontMatter, Split};
use crate::content::{Source, Taxonomy, Term};
use crate::dates::{self, Date};
use crate::error::{text_of, Diagnostic, Error, Location};
use crate::limits::long_address;
use crate::site::urls::{PostFacts, PostPattern};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Kind {
    Post,
    Page,
}

/// A parsed post or page. Held for every post to the end of a build, it keeps inline
/// only what most posts have: what few set (`More`) is held apart, and the lines of
/// its keys as numbers rather than a list each.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Document {
    pub kind: Kind,
    /// The markdown file, relative to the site root.
    pub source: Box<Path>,
    /// The `slug:` key; `None` for the slug of the file's name (`slug`), which only
    /// the address was made of and is not held for every post.
    slug: Option<Box<str>>,
    /// Where it is published, relative to the site's base path: `posts/hello/`.
    pub path: Box<str>,
    pub title: Box<str>,
    #[serde(with = "crate::site::state::date_option")]
    pub date: Option<Date>,
    pub tags: Box<[Term]>,
    pub categories: Box<[Term]>,
    pub draft: bool,
    /// `toc: true`: the page shows a table of contents.
    pub toc: bool,
    /// Markdown: its summary (`summary`) followed by its body (`body`), in one string:
    /// two were 16 bytes more of each post held to the end of a build.
    text: Box<str>,
    /// Where the body begins in `text`, plus one; `None` without a summary.
    summary_end: Option<NonZeroU32>,
    /// Where its keys and body are in the file, for errors about them.
    pub lines: Lines,
    /// What few posts set; `None` when nothing of it is.
    more: Option<Box<More>>,
}

/// The lines of a markdown file that errors about its document point at: 1-based,
/// so that a line that is not there takes no room.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Lines {
    /// The line of the `tags:` key, when it names a term.
    pub tags: Option<NonZeroU32>,
    /// The line of the `categories:` key, when it names a term.
    pub categories: Option<NonZeroU32>,
    /// The line of the `summary:` key, when the summary is written there.
    pub summary: Option<NonZeroU32>,
    /// The line of the `template:` key, for errors about the template it names.
    pub template: Option<NonZeroU32>,
    /// The line the body starts on, to locate what is in it.
    pub body: u32,
}

/// What a document's front matter sets that most posts leave out.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct More {
    #[serde(with = "crate::site::state::date_option")]
    pub updated: Option<Date>,
    /// Extra paths that redirect here, relative to the base path (`2015/03/hello/`).
    pub aliases: Vec<String>,
    pub template: Option<String>,
    /// Addresses where the post was announced (`syndication:`), as written.
    pub syndication: Vec<String>,
    #[serde(with = "crate::site::state::json_text")]
    pub extra: tera::Value,
}

impl Default for More {
    fn default() -> Self {
        More {
            updated: None,
            aliases: Vec::new(),
            template: None,
            syndication: Vec::new(),
            // Templates read `page.extra` as a map, empty when nothing is set.
            extra: tera::Value::Object(Default::default()),
        }
    }
}

impl Lines {
    /// The line of the key that files it under `taxonomy`.
    pub fn taxonomy(&self, taxonomy: Taxonomy) -> Option<u32> {
        match taxonomy {
            Taxonomy::Tags => self.tags,
            Taxonomy::Categories => self.categories,
        }
        .map(NonZeroU32::get)
    }
}

const MORE_MARKER: &str = "<!-- more -->";

impl Document {
    /// Its slug: the `slug:` key, or made from its file's name.
    pub fn slug(&self) -> std::borrow::Cow<'_, str> {
        match &self.slug {
            Some(slug) => std::borrow::Cow::Borrowed(slug),
            None => std::borrow::Cow::Owned(slug_from_path(&self.source)),
        }
    }

    /// Markdown: the `summary:` key, or the body up to `<!-- more -->`.
    pub fn summary(&self) -> Option<&str> {
        let end = self.summary_end?.get() - 1;
        self.text.get(..end as usize)
    }

    /// Its markdown after the front matter.
    pub fn body(&self) -> &str {
        let start = self.summary_end.map_or(0, |end| end.get() - 1);
        self.text.get(start as usize..).unwrap_or_default()
    }

    /// Holds `summary` and `body` as its text. A markdown file is read only up to
    /// `limits::MAX_MARKDOWN_BYTES`, far below what 32 bits tell.
    pub fn set_text(&mut self, summary: Option<&str>, body: &str) {
        let mut text = String::with_capacity(summary.map_or(0, str::len) + body.len());
        text.push_str(summary.unwrap_or_default());
        text.push_str(body);
        self.summary_end =
            summary.and_then(|s| NonZeroU32::new(u32::try_from(s.len()).ok()?.checked_add(1)?));
        self.text = text.into();
    }

    /// Whether it holds any text: not an outline's let go of (nor an empty file's).
    pub fn has_text(&self) -> bool {
        !self.text.is_empty()
    }

    /// The bytes of its text.
    pub fn text_len(&self) -> usize {
        self.text.len()
    }

    /// Its text let go of: an outline's, whose page renders it read again.
    pub fn drop_text(&mut self) {
        self.text = Box::default();
        self.summary_end = None;
    }

    /// What its front matter sets that most posts leave out.
    pub fn more(&self) -> &More {
        static NONE: std::sync::OnceLock<More> = std::sync::OnceLock::new();
        self.more
            .as_deref()
            .unwrap_or_else(|| NONE.get_or_init(More::default))
    }

    /// The terms it is filed under in `taxonomy`, as written.
    pub fn terms(&self, taxonomy: Taxonomy) -> &[Term] {
        match taxonomy {
            Taxonomy::Tags => &self.tags,
            Taxonomy::Categories => &self.categories,
        }
    }

    /// A problem at each taxonomy it uses that the site does not (`configured`): its
    /// terms would have no pages.
    pub fn unconfigured_taxonomies(&self, configured: &[Taxonomy]) -> Vec<Diagnostic> {
        [Taxonomy::Tags, Taxonomy::Categories]
            .into_iter()
            .filter(|taxonomy| !configured.contains(taxonomy))
            .filter_map(|taxonomy| Some((taxonomy, self.lines.taxonomy(taxonomy)? as usize)))
            .map(|(taxonomy, line)| {
                let mut wanted = configured.to_vec();
                wanted.push(taxonomy);
                wanted.sort();
                Diagnostic::new(
                    Location::new(&self.source, Some(line)),
                    format!(
                        "this site has no {}: its taxonomies in site.toml do not name {:?}",
                        taxonomy.name(),
                        taxonomy.name()
                    ),
                    format!(
                        "write {} at the top of site.toml (before any [section]), or remove {}: from this file",
                        crate::content::config_line(&wanted),
                        taxonomy.name()
                    ),
                )
            })
            .collect()
    }
}

/// Reads and parses one markdown file, a post getting its address from `permalinks`;
/// every problem found in it is returned.
pub fn load_document(
    root: &Path,
    source: &Source,
    permalinks: &PostPattern,
) -> Result<Document, Vec<Diagnostic>> {
    document_of(read_document(root, source)?, source, permalinks)
}

/// The bytes of the markdown file of `source`.
pub fn read_document(root: &Path, source: &Source) -> Result<Vec<u8>, Vec<Diagnostic>> {
    let full = root.join(&source.path);
    crate::limits::read_markdown(&full).map_err(|e| vec![e.diagnostic(&source.path, &full)])
}

/// Parses `bytes`, read from the markdown file of `source` (`read_document`).
pub fn document_of(
    bytes: Vec<u8>,
    source: &Source,
    permalinks: &PostPattern,
) -> Result<Document, Vec<Diagnostic>> {
    let text = text_of(&source.path, bytes).map_err(|e| match e {
        Error::Content(d) => d,
        other => vec![Diagnostic::new(
            Location::new(&source.path, None),
            other.to_string(),
            "check the file's permissions",
        )],
    })?;
    parse_document_with(&text, source, permalinks)
}

/// The body and the summary of the markdown file read as `bytes`, as `document_of`
/// takes them, without parsing its front matter: the summary from the lines of the
/// `summary:` key at `summary_line` alone (`front_matter::summary_at`), or from the
/// body. `None` for a file `document_of` refuses, or whose key's lines do not parse
/// alone.
pub fn body_and_summary_of(
    bytes: &[u8],
    path: &Path,
    summary_line: Option<NonZeroU32>,
) -> Option<(String, Option<String>)> {
    let text = std::str::from_utf8(bytes).ok()?;
    let split = front_matter::split(text, path).ok()?;
    let summary = match summary_line {
        Some(line) => Some(front_matter::summary_at(&split, path, line.get() as usize)?),
        None => summary_before_more(split.body),
    };
    Some((split.body.to_string(), summary))
}

/// The body up to `<!-- more -->`, the summary of a document whose front matter sets
/// none.
fn summary_before_more(body: &str) -> Option<String> {
    body.find(MORE_MARKER).map(|i| body[..i].to_string())
}

/// Parses a markdown file of a site that sets no permalink pattern.
pub fn parse_document(text: &str, source: &Source) -> Result<Document, Vec<Diagnostic>> {
    parse_document_with(text, source, &PostPattern::default())
}

/// Parses a markdown file, a post getting its address from `permalinks`.
pub(super) fn parse_document_with(
    text: &str,
    source: &Source,
    permalinks: &PostPattern,
) -> Result<Document, Vec<Diagnostic>> {
    let path = source.path.as_path();
    let split = front_matter::split(text, path).map_err(|d| vec![d])?;
    let fm = front_matter::parse(&split, path).map_err(|d| vec![d])?;
    let mut problems = Vec::new();
    let at = |key: &str| Location::new(path, Some(front_matter::key_line(&split, key)));

    let date = parse_date_key(&fm.date, "date", &split, path, &mut problems);
    let updated = parse_date_key(&fm.updated, "updated", &split, path, &mut problems);
    let slug = match &fm.slug {
        Some(s) => check_slug(s).unwrap_or_else(|msg| {
            problems.push(Diagnostic::new(
                at("slug"),
                msg,
                "use letters, digits and dashes only, e.g. slug: my-first-post",
            ));
            String::new()
        }),
        None => slug_from_path(path),
    };
    let set_slug = fm.slug.is_some();
    if let Some(msg) = long_address(&slug) {
        let (location, what) = match fm.slug {
            Some(_) => (at("slug"), "slug"),
            None => (
                Location::new(path, Some(1)),
                "the slug taken from the file's name,",
            ),
        };
        problems.push(Diagnostic::new(
            location,
            format!("{what} {msg}"),
            "set a shorter slug in the front matter, e.g. slug: my-first-post",
        ));
    }
    let mut aliases = Vec::new();
    for alias in &fm.aliases {
        match normalise_alias(alias) {
            Ok(a) => match long_address(&a) {
                Some(msg) => problems.push(Diagnostic::new(
                    at("aliases"),
                    format!("in an alias, {msg}"),
                    "shorten the alias, or remove it",
                )),
                None => aliases.push(a),
            },
            Err(msg) => problems.push(Diagnostic::new(
                at("aliases"),
                msg,
                "write an alias as a path on this site, e.g. /2015/03/old-address/",
            )),
        }
    }
    if let Some(t) = &fm.template {
        if t.contains("..") || t.starts_with('/') {
            problems.push(Diagnostic::new(
                at("template"),
                format!("template {t:?} is not a template name"),
                "name a file of templates/ or of the theme, e.g. template: wide.html",
            ));
        }
    }
    let mut lines = Lines {
        body: line_number(split.body_line),
        ..Lines::default()
    };
    let terms_of = |names: &[String]| names.iter().map(|n| Term::new(n)).collect::<Vec<_>>();
    let (tags, categories) = (terms_of(&fm.tags), terms_of(&fm.categories));
    for (taxonomy, terms) in [(Taxonomy::Tags, &tags), (Taxonomy::Categories, &categories)] {
        let name = taxonomy.singular();
        if terms.iter().any(|t| t.slug().is_empty()) {
            problems.push(Diagnostic::new(
                at(taxonomy.name()),
                format!("a {name} has no letters or digits"),
                format!("give every {name} at least one letter or digit"),
            ));
        }
        if let Some(msg) = terms.iter().find_map(|t| long_address(t.slug())) {
            problems.push(Diagnostic::new(
                at(taxonomy.name()),
                format!("the address of a {name}, {msg}"),
                format!("give the {name} a shorter name"),
            ));
        }
        if !terms.is_empty() {
            let line = key_line_number(&split, taxonomy.name());
            match taxonomy {
                Taxonomy::Tags => lines.tags = line,
                Taxonomy::Categories => lines.categories = line,
            }
        }
    }
    let id = match &fm.id {
        Some(id) => match long_address(id) {
            Some(msg) => {
                problems.push(Diagnostic::new(
                    at("id"),
                    format!("id {msg}"),
                    "use a shorter id",
                ));
                None
            }
            None => check_slug(id)
                .map_err(|_| {
                    problems.push(Diagnostic::new(
                        at("id"),
                        format!("id {id:?} is not a single URL segment"),
                        "use letters, digits and dashes only, e.g. id: 1234",
                    ))
                })
                .ok(),
        },
        None => fm
            .extra
            .as_ref()
            .and_then(|e| e.get("wordpress_id"))
            .and_then(|v| v.as_u64())
            .map(|n| n.to_string()),
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let title = fm.title.clone().unwrap_or_else(|| slug.replace('-', " "));
    let facts = PostFacts {
        slug: &slug,
        date: date.as_ref(),
        id: id.as_deref(),
        section: &section_of(&source.path),
    };
    let path_out = match source.kind {
        Kind::Post => permalinks.address(&facts).ok_or_else(|| {
            vec![Diagnostic::new(
                Location::new(path, Some(1)),
                format!(
                    "this post has no id, which the permalink pattern {} needs",
                    permalinks.describe()
                ),
                "add its id to the front matter, e.g. id: 1234, or use :slug in the pattern",
            )]
        })?,
        Kind::Page => page_path(source, &slug),
    };
    // The rest of an address comes from the names of the file's folders.
    if let Some(msg) = long_address(&path_out) {
        return Err(vec![Diagnostic::new(
            Location::new(path, Some(1)),
            format!("in this file's address, {msg}"),
            "give its folder a shorter name",
        )]);
    }
    lines.summary = (fm.summary.as_ref()).and_then(|_| key_line_number(&split, "summary"));
    lines.template = (fm.template.as_ref()).and_then(|_| key_line_number(&split, "template"));
    let FrontMatter {
        draft,
        summary,
        template,
        syndication,
        toc,
        extra,
        ..
    } = fm;
    let summary = summary.or_else(|| summary_before_more(split.body));
    let mut doc = Document {
        kind: source.kind,
        source: source.path.as_path().into(),
        slug: set_slug.then(|| slug.into()),
        path: path_out.into(),
        title: title.into(),
        date,
        tags: tags.into(),
        categories: categories.into(),
        draft,
        toc,
        text: Box::default(),
        summary_end: None,
        lines,
        more: held_apart(More {
            updated,
            aliases,
            template,
            syndication,
            extra: extra.unwrap_or(tera::Value::Object(Default::default())),
        }),
    };
    doc.set_text(summary.as_deref(), split.body);
    Ok(doc)
}

/// `None` for what most posts have: nothing of `more` set.
fn held_apart(more: More) -> Option<Box<More>> {
    (more != More::default()).then(|| Box::new(more))
}

/// A line of a markdown file, whose size `limits` bounds far below `u32::MAX` lines.
fn line_number(line: usize) -> u32 {
    u32::try_from(line).unwrap_or(u32::MAX)
}

/// The line of the front matter's `key` (1-based; the first line, where none is
/// found).
fn key_line_number(split: &Split<'_>, key: &str) -> Option<NonZeroU32> {
    NonZeroU32::new(line_number(front_matter::key_line(split, key))).or(Some(NonZeroU32::MIN))
}

fn parse_date_key(
    value: &Option<String>,
    key: &str,
    split: &Split<'_>,
    path: &Path,
    problems: &mut Vec<Diagnostic>,
) -> Option<Date> {
    let value = value.as_ref()?;
    match dates::parse(value) {
        Ok(d) => Some(d),
        Err(msg) => {
            let line = front_matter::key_line(split, key);
            problems.push(Diagnostic::new(
                Location::new(path, Some(line)),
                format!("{key}: {msg}"),
                "write the date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ",
            ));
            None
        }
    }
}

/// A page lives at its folder path plus slug.
fn page_path(source: &Source, slug: &str) -> String {
    let (mut parts, is_bundle_index) = folders(&source.path);
    if !is_bundle_index || parts.is_empty() {
        parts.push(slug.to_string());
    } else if let Some(last) = parts.last_mut() {
        *last = slug.to_string();
    }
    format!("{}/", parts.join("/"))
}

/// The folders of a markdown file below `content/`, as slugs, and whether it is the
/// `index.md` of a bundle (whose last folder names the page, not a section).
fn folders(source: &Path) -> (Vec<String>, bool) {
    let rel = source.strip_prefix("content").unwrap_or(source);
    let mut parts: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(|p| p.iter())
        .map(|s| slugify(&s.to_string_lossy()))
        .collect();
    // A folder named without letters or digits (`!!!`) adds no segment: an empty one
    // would make the path absolute (`/page/`) or `a//page/`.
    parts.retain(|p| !p.is_empty());
    let is_bundle_index = rel.file_stem().is_some_and(|s| s == "index");
    (parts, is_bundle_index)
}

/// A post's `:section`: the folders of its file below `content/`, a bundle's own
/// folder left out (`posts`, `posts/travel`).
fn section_of(source: &Path) -> String {
    let (mut parts, is_bundle_index) = folders(source);
    if is_bundle_index {
        parts.pop();
    }
    parts.join("/")
}

/// The slug from a file name; a bundle `foo/index.md` is named by its folder.
fn slug_from_path(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy())
        .unwrap_or_default();
    let name = if stem == "index" {
        path.parent()
            .and_then(|p| p.file_name())
            .map(|s| s.to_string_lossy())
            .unwrap_or(stem)
    } else {
        stem
    };
    let slug = slugify(&name);
    if slug.is_empty() {
        "untitled".into()
    } else {
        slug
    }
}

/// Lowercase letters and digits (any script), single dashes between words.
/// A tag's slug: as `slugify`, with `+` and a `#` ending a word spelled out, so `C`,
/// `C++` and `C#` get three addresses (`c`, `c-plus-plus`, `c-sharp`) instead of one.
pub fn tag_slug(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut spelled = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        let ends_a_word = i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_none_or(|n| !n.is_alphanumeric());
        match c {
            '+' => spelled.push_str(" plus "),
            '#' if ends_a_word => spelled.push_str(" sharp "),
            _ => spelled.push(c),
        }
    }
    slugify(&spelled)
}

pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            // Most headings and file names: lowered without Unicode's tables.
            slug.push(c.to_ascii_lowercase());
        } else if c.is_alphanumeric() {
            // Only letters and digits of the lower case: `İ` lowers to `i` and a
            // combining dot, which a second slugify (of the file name the slug becomes)
            // would turn into a dash — so two posts got one address.
            slug.extend(c.to_lowercase().filter(|l| l.is_alphanumeric()));
        } else if c == '_' || c == '.' {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches(['-', '.']).to_string();
    if slug.chars().all(|c| c == '.') {
        String::new()
    } else {
        slug
    }
}

/// A front matter slug must be one safe path segment: it becomes a folder name.
fn check_slug(slug: &str) -> Result<String, String> {
    let ok = !slug.is_empty()
        && !slug.starts_with('.')
        && slug
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(slug.to_string())
    } else {
        Err(format!(
            "slug {slug:?} is not a single URL segment (it may not contain '/', '..' or spaces)"
        ))
    }
}

/// `/2015/03/hello/` → `2015/03/hello/`; an alias may never climb out of the site.
fn normalise_alias(alias: &str) -> Result<String, String> {
    let trimmed = alias.trim();
    let path = trimmed.split_once("://").map_or(trimmed, |(_, rest)| {
        rest.find('/').map_or("", |i| &rest[i..])
    });
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Err(format!("alias {alias:?} points at the site's home page"));
    }
    if segments
        .iter()
        .any(|s| *s == "." || *s == ".." || s.contains('\\') || s.contains('\0'))
    {
        return Err(format!(
            "alias {alias:?} may not contain '.' or '..' segments"
        ));
    }
    // An alias becomes a folder of the output: a line break or tab in it (an
    // unclosed quote in the front matter) would name a folder no URL can reach.
    if path.chars().any(char::is_control) {
        return Err(format!(
            "alias {alias:?} contains a control character (a line break or tab)"
        ));
    }
    let joined = segments.join("/");
    let is_file = segments
        .last()
        .is_some_and(|s| s.ends_with(".html") || s.ends_with(".htm"));
    Ok(if is_file {
        joined
    } else {
        format!("{joined}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_and_body_are_told_apart_in_one_text() {
        let mut doc = parse_document_with(
            "---\ntitle: x\n---\nBody.\n",
            &post("posts/x.md"),
            &PostPattern::default(),
        )
        .unwrap();
        for (summary, body) in [
            (Some("Sum."), "Body."),
            (Some(""), "B"),
            (None, "Body."),
            (Some("é"), ""),
            (None, ""),
        ] {
            doc.set_text(summary, body);
            assert_eq!((doc.summary(), doc.body()), (summary, body));
        }
        doc.drop_text();
        assert_eq!((doc.summary(), doc.body()), (None, ""));
    }

    fn post(path: &str) -> Source {
        Source {
            kind: Kind::Post,
            path: std::path::PathBuf::from(path),
            thread: None,
        }
    }

    #[test]
    fn slugs_from_file_names_and_bundles() {
        let doc = parse_document(
            "---\ntitle: x\n---\n",
            &post("content/posts/Hello World.md"),
        )
        .unwrap();
        assert_eq!(&*doc.path, "posts/hello-world/");
        let doc =
            parse_document("---\ntitle: x\n---\n", &post("content/posts/trip/index.md")).unwrap();
        assert_eq!(doc.slug(), "trip");
    }

    #[test]
    fn what_few_posts_set_is_held_apart_only_when_set() {
        let plain = "---\ntitle: x\ntags: [a]\nsummary: s\n---\nbody\n";
        let doc = parse_document(plain, &post("content/posts/a.md")).unwrap();
        assert!(doc.more.is_none());
        assert_eq!(doc.more().extra, tera::Value::Object(Default::default()));
        let lines = (doc.lines.tags, doc.lines.summary, doc.lines.body);
        assert_eq!(lines, (NonZeroU32::new(3), NonZeroU32::new(4), 6));
        for key in [
            "updated: 2020-01-02",
            "aliases: [old/]",
            "template: wide.html",
            "syndication: [\"https://example.com/1\"]",
            "extra: {mood: fine}",
        ] {
            let text = format!("---\ntitle: x\n{key}\n---\n");
            let doc = parse_document(&text, &post("content/posts/a.md")).unwrap();
            assert!(doc.more.is_some(), "{key}");
        }
    }

    #[test]
    fn climbing_slugs_and_aliases_are_refused() {
        let errs = parse_document(
            "---\ntitle: x\nslug: \"../../x\"\naliases: [\"/a/../../b\"]\n---\n",
            &post("content/posts/a.md"),
        )
        .unwrap_err();
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].location.line, Some(3));
        assert_eq!(errs[1].location.line, Some(4));
    }

    #[test]
    fn slugify_is_idempotent() {
        for text in [
            "İstanbul",
            "Hello, World…",
            "ǅemal",
            "a.-b",
            "._-x",
            "ΣΊΣΥΦΟΣ",
        ] {
            let slug = slugify(text);
            assert_eq!(slugify(&slug), slug, "{text:?}");
        }
        assert_eq!(slugify("İstanbul"), "istanbul");
    }

    #[test]
    fn aliases_are_normalised() {
        assert_eq!(normalise_alias("/2015/03/x").unwrap(), "2015/03/x/");
        assert_eq!(
            normalise_alias("https://old.example/2015/x/?p=1").unwrap(),
            "2015/x/"
        );
        assert_eq!(normalise_alias("/old.html").unwrap(), "old.html");
    }

    /// A second reading of an unchanged file takes its summary from the key's lines
    /// alone: the summary of a whole parse, or `None` to fall back on one.
    #[test]
    fn a_summary_read_alone_is_the_one_parsed_whole() {
        let read_alone = |text: &str| {
            let doc = parse_document(text, &post("content/posts/a.md")).unwrap();
            let alone = body_and_summary_of(text.as_bytes(), Path::new("a.md"), doc.lines.summary);
            (doc, alone)
        };
        for text in [
            "---\ntitle: x\nsummary: \"One line.\"\ntags: [a]\n---\nBody.\n",
            "---\ntitle: x\nsummary: |\n  Two\n\n  paragraphs.\n# a comment\ndate: 2020-01-02\n---\nB\n",
            "---\nsummary: >-\n    Folded\n    lines\ntitle: x\n---\nB\n",
            "---\ntitle: x\nsummary: plain words\n  going on\n---\n",
            "---\r\ntitle: x\r\nsummary: 'crlf'\r\n---\r\nB\r\n",
            "---\ntitle: x\n---\nIntro.\n<!-- more -->\nRest.\n",
            "---\ntitle: x\n---\nNo marker.\n",
            "+++\ntitle = \"x\"\nsummary = \"In TOML.\"\n+++\nB\n",
            "---\ntitle: x\nsummary: \"An \\\"escaped\\\" \\u00e9\"\n---\n",
            "---\ntitle: x\nsummary: 'It''s' # and a comment\n---\n",
            "+++\ntitle = \"x\"\nsummary = \"\"\"One\"\"\"\n+++\n",
        ] {
            let (doc, alone) = read_alone(text);
            let (body, summary) = alone.expect(text);
            assert_eq!((&*body, summary.as_deref()), (doc.body(), doc.summary()), "{text:?}");
        }
        // What its lines alone cannot give is read whole.
        let (doc, alone) =
            read_alone("+++\ntitle = \"x\"\nsummary = \"\"\"\nTwo\nlines.\"\"\"\n+++\n");
        assert_eq!(doc.summary(), Some("Two\nlines."));
        assert_eq!(alone, None);
    }

    #[test]
    fn summary_ends_at_more_marker() {
        let doc = parse_document(
            "---\ntitle: x\n---\nIntro.\n<!-- more -->\nRest.\n",
            &post("content/posts/a.md"),
        )
        .unwrap();
        assert_eq!(doc.summary(), Some("Intro.\n"));
    }

    #[test]
    fn impossible_date_is_located() {
        let errs = parse_document(
            "---\ntitle: x\ndate: 2015-02-30\n---\n",
            &post("content/posts/a.md"),
        )
        .unwrap_err();
        assert_eq!(errs[0].to_string().lines().next().unwrap(),
            "content/posts/a.md:3: date: \"2015-02-30\" is not a valid date (expected e.g. 2015-03-02 or 2015-03-02T10:15:00Z)");
    }
}
