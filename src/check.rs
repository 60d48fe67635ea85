//! `rapport check`: every problem at once. Loads the site collecting all content
//! diagnostics, then renders it in memory and verifies that every internal link
//! points at a file the build produces.

use std::collections::HashSet;
use std::path::Path;

use crate::error::{Diagnostic, Location, Result};
use crate::render::Renderer;
use crate::site::build::render_site;
use crate::site::output::MemorySink;
use crate::site::{self, BuildOptions};

/// Every problem found in the site at `options.root`; empty means all is well.
pub fn check(options: &BuildOptions) -> Result<Vec<Diagnostic>> {
    let loaded = site::load_all(options)?;
    let mut problems = loaded.problems;
    let Some(site) = loaded.site else {
        return Ok(problems);
    };
    let renderer = Renderer::new(&site.config)?;
    let sink = MemorySink::default();
    if let Err(e) = render_site(&site, &renderer, &sink) {
        match e {
            crate::Error::Content(ds) => problems.extend(ds),
            other => problems.push(Diagnostic::new(
                Location::new(Path::new("templates"), None),
                other.to_string(),
                "",
            )),
        }
        return Ok(problems);
    }
    let files = sink.files.into_inner().expect("rendering has finished");
    problems.extend(broken_links(&files, &site.config.base_path));
    Ok(problems)
}

/// Links and sources in the rendered HTML that start with the base path but match no
/// output file.
fn broken_links(
    files: &std::collections::HashMap<String, Vec<u8>>,
    base_path: &str,
) -> Vec<Diagnostic> {
    let existing: HashSet<&str> = files.keys().map(String::as_str).collect();
    let mut problems = Vec::new();
    let mut pages: Vec<&String> = files.keys().filter(|k| k.ends_with(".html")).collect();
    pages.sort();
    for page in pages {
        let html = String::from_utf8_lossy(&files[page]);
        let mut reported = HashSet::new();
        for target in internal_links(&html, base_path) {
            let file = target.split(['#', '?']).next().unwrap_or_default();
            let file = if file.is_empty() || file.ends_with('/') {
                format!("{file}index.html")
            } else {
                file.to_string()
            };
            if !existing.contains(file.as_str()) && reported.insert(target.clone()) {
                problems.push(Diagnostic::new(
                    Location::new(Path::new(page), None),
                    format!("links to {base_path}{target}, which the site does not have"),
                    "fix the link in the post or template it comes from",
                ));
            }
        }
    }
    problems
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
}
