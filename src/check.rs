//! `rapport check`: every problem at once. Loads the site collecting all content
//! diagnostics, then renders it in memory and verifies that every internal link
//! points at a file the build produces. A broken link is reported where it is
//! written (markdown file and line, or template), once, however many pages show it.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use crate::error::{Diagnostic, Location, Result};
use crate::render::markdown;
use crate::render::Renderer;
use crate::site::build::render_site;
use crate::site::output::MemorySink;
use crate::site::urls::index_file;
use crate::site::{self, BuildOptions, Site};

/// Every problem found in the site at `options.root`; empty means all is well.
pub fn check(options: &BuildOptions) -> Result<Vec<Diagnostic>> {
    let loaded = site::load_all(options)?;
    let mut problems = loaded.problems;
    let Some(site) = loaded.site else {
        return Ok(problems);
    };
    // A template that does not parse or render is one more problem to list, after
    // those of the content.
    let renderer = match Renderer::new(&site.config) {
        Ok(renderer) => renderer,
        Err(crate::Error::Content(ds)) => {
            problems.extend(ds);
            return Ok(problems);
        }
        Err(other) => return Err(other),
    };
    let sink = MemorySink::default();
    match render_site(&site, &renderer, &options.output_dir(), &sink) {
        Ok(_) => {}
        Err(crate::Error::Content(ds)) => {
            problems.extend(ds);
            return Ok(problems);
        }
        Err(other) => return Err(other),
    }
    let files = sink.files.into_inner().expect("rendering has finished");
    problems.extend(broken_links(&files, &site));
    Ok(problems)
}

/// Links and sources in the rendered HTML that start with the base path but match no
/// output file, each reported once where it is written: the markdown file and line of
/// a post, page, summary or comment, or the template. A link found in none of them
/// (one a template builds from a variable) is reported once, at the first page that
/// has it.
fn broken_links(
    files: &std::collections::HashMap<String, Vec<u8>>,
    site: &Site,
) -> Vec<Diagnostic> {
    let base_path = site.config.base_path.as_str();
    let broken = broken_targets(files, base_path);
    if broken.is_empty() {
        return Vec::new();
    }
    let mut problems = BTreeSet::new();
    let mut placed = HashSet::new();
    for written in written_links(site) {
        if broken.contains_key(written.target.as_str()) {
            placed.insert(written.target.clone());
            let help = match written.kind {
                Written::Content => {
                    "fix the address (one starting with / is read from the site's root, e.g. /posts/hello/), or create what it points at"
                }
                Written::Template => {
                    "fix the link in this template (it is on every page the template makes)"
                }
            };
            problems.insert(Diagnostic::new(
                written.location,
                format!(
                    "links to {base_path}{}, which the site does not have",
                    written.target
                ),
                help,
            ));
        }
    }
    for (target, pages) in broken {
        if !placed.contains(&target) {
            let also = match pages.len() - 1 {
                0 => String::new(),
                1 => " (and 1 other page)".to_string(),
                n => format!(" (and {n} other pages)"),
            };
            problems.insert(Diagnostic::new(
                Location::new(Path::new(pages[0]), None),
                format!("links to {base_path}{target}, which the site does not have{also}"),
                "fix the link where it is written (a template that builds it from a variable, or site.toml's [extra])",
            ));
        }
    }
    problems.into_iter().collect()
}

/// Each internal target that matches no output file, with the pages that link to it
/// (sorted).
fn broken_targets<'a>(
    files: &'a std::collections::HashMap<String, Vec<u8>>,
    base_path: &str,
) -> BTreeMap<String, Vec<&'a str>> {
    let mut pages: Vec<&String> = files.keys().filter(|k| k.ends_with(".html")).collect();
    pages.sort();
    let mut broken: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for page in pages {
        let html = String::from_utf8_lossy(&files[page]);
        let mut seen = HashSet::new();
        for target in internal_links(&html, base_path) {
            let path = target.split(['#', '?']).next().unwrap_or_default();
            // `planting%20notes.pdf` is the file `planting notes.pdf`.
            let file = index_file(&crate::import::html::percent_decode(path));
            if !files.contains_key(&file) && seen.insert(target.clone()) {
                broken.entry(target).or_default().push(page.as_str());
            }
        }
    }
    broken
}

enum Written {
    Content,
    Template,
}

/// An internal link as the user wrote it: its target relative to the base path, and
/// where.
struct WrittenTarget {
    target: String,
    location: Location,
    kind: Written,
}

/// Every root-relative link written in a post's or page's body or in a comment, and
/// every line of the site's and theme's templates, as candidates for where a broken
/// target comes from.
fn written_links(site: &Site) -> Vec<WrittenTarget> {
    let mut out = Vec::new();
    for entry in site.posts.iter().chain(&site.pages) {
        let doc = &entry.doc;
        for link in markdown::written_links(doc.body()) {
            out.extend(root_relative(&link.target).map(|target| WrittenTarget {
                target,
                location: Location::at(
                    &doc.source,
                    doc.lines.body as usize + link.line - 1,
                    link.column,
                ),
                kind: Written::Content,
            }));
        }
        if let (Some(summary), Some(line)) =
            (doc.summary(), doc.lines.summary.map(|l| l.get() as usize))
        {
            for link in markdown::written_links(summary) {
                out.extend(root_relative(&link.target).map(|target| WrittenTarget {
                    target,
                    location: Location::new(&doc.source, Some(line)),
                    kind: Written::Content,
                }));
            }
        }
        let thread_file = entry.thread_file().unwrap_or_default();
        for comment in &entry.thread.comments {
            for link in markdown::written_links(&comment.body) {
                out.extend(root_relative(&link.target).map(|target| WrittenTarget {
                    target,
                    location: Location::new(&thread_file, Some(comment.line)),
                    kind: Written::Content,
                }));
            }
        }
    }
    let root = &site.config.root;
    let template_dirs = site
        .config
        .theme_dir()
        .map(|d| d.join("templates"))
        .into_iter()
        .chain([site.config.templates_dir()]);
    for dir in template_dirs {
        for file in walkdir::WalkDir::new(&dir).sort_by_file_name() {
            let Ok(file) = file else { continue };
            if !file.file_type().is_file() {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(file.path()) else {
                continue;
            };
            let path = file.path().strip_prefix(root).unwrap_or(file.path());
            out.extend(template_targets(&text, path));
        }
    }
    out
}

/// `/posts/x/` → `posts/x/`, as `internal_links` reports it once the base path is
/// removed; other addresses (external, relative, protocol-relative) are not checked.
fn root_relative(url: &str) -> Option<String> {
    url.strip_prefix('/')
        .filter(|rest| !rest.starts_with('/'))
        .map(str::to_string)
}

/// Root-relative addresses in a template's attributes (`href="/x/"`, or after an
/// expression: `href="{{ config.base_url }}x/"`), one per address and line.
fn template_targets(text: &str, path: &Path) -> Vec<WrittenTarget> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for (start, value) in attribute_values(line) {
            let target = match value.strip_prefix('/') {
                Some(rest) if !rest.starts_with('/') => rest,
                Some(_) => continue,
                None => match value.rfind("}}") {
                    Some(end) => value[end + 2..].trim_start_matches('/'),
                    None => continue,
                },
            };
            if target.is_empty() || target.contains("{{") || target.contains("{%") {
                continue;
            }
            out.push(WrittenTarget {
                target: target.to_string(),
                location: Location::at(path, i + 1, line[..start].chars().count() + 1),
                kind: Written::Template,
            });
        }
    }
    out
}

/// The quoted values of `href=` and `src=` on one line, with their byte offsets.
fn attribute_values(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    for attr in ["href=", "src="] {
        let mut from = 0;
        while let Some(i) = line[from..].find(attr) {
            let start = from + i;
            let rest = &line[start + attr.len()..];
            from = start + attr.len();
            let Some(quote) = rest.chars().next().filter(|c| matches!(c, '"' | '\'')) else {
                continue;
            };
            if let Some(len) = rest[1..].find(quote) {
                out.push((start, &rest[1..1 + len]));
                from += len + 2;
            }
        }
    }
    out.sort();
    out
}

/// `href`/`src` values under the base path, without the base path.
fn internal_links(html: &str, base_path: &str) -> Vec<String> {
    let mut links = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            let Some(end) = rest.find('"') else { break };
            let value = rest[..end].replace("&amp;", "&");
            if let Some(target) = value.strip_prefix(base_path) {
                links.push(target.to_string());
            }
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_internal_links() {
        let html =
            r#"<a href="/blog/posts/x/#c">x</a><img src="/blog/a.png"><a href="https://e.org/">"#;
        assert_eq!(internal_links(html, "/blog/"), vec!["posts/x/#c", "a.png"]);
    }

    #[test]
    fn finds_addresses_written_in_templates() {
        let text = "<a href=\"/nope/\">x</a>\n<link href='{{ site.base_path }}gone.css'><a href=\"https://e.org/\"><a href=\"{{ page.url }}\">\n";
        let found: Vec<(String, String)> = template_targets(text, Path::new("templates/base.html"))
            .into_iter()
            .map(|w| (w.target, w.location.to_string()))
            .collect();
        assert_eq!(
            found,
            [
                ("nope/".to_string(), "templates/base.html:1:4".to_string()),
                (
                    "gone.css".to_string(),
                    "templates/base.html:2:7".to_string()
                ),
            ]
        );
    }
}
