//! Checks shared by the fuzz targets: where a diagnostic may point, what a safe path
//! segment is, what active content is in re-parsed HTML, and a throwaway site for the
//! importers. Each check panics with the offending value, which libFuzzer reports as
//! a crash with the input saved under `artifacts/`.

use std::path::{Component, Path, PathBuf};

use rapport::Diagnostic;

/// Lines of `text` as an editor counts them: a file ending in a newline has an empty
/// last line an error may point at (e.g. "end of stream").
pub fn line_count(text: &str) -> usize {
    text.matches('\n').count() + 1
}

/// Every diagnostic about `text` carries a line, and it is a line of `text`.
#[track_caller]
pub fn assert_located(diagnostics: &[Diagnostic], text: &str) {
    assert!(!diagnostics.is_empty(), "an error without a diagnostic");
    let lines = line_count(text);
    for d in diagnostics {
        let line = d
            .location
            .line
            .unwrap_or_else(|| panic!("diagnostic without a line: {d}"));
        assert!(
            (1..=lines).contains(&line),
            "diagnostic at line {line} of a {lines}-line input: {d}"
        );
        assert!(!d.message.is_empty(), "diagnostic without a message: {d:?}");
    }
}

/// `segment` is one safe URL/file segment: not empty, not `.` or `..`, no separators
/// or control characters.
#[track_caller]
pub fn assert_segment(segment: &str, what: &str) {
    assert!(!segment.is_empty(), "{what}: empty segment");
    assert!(
        segment != "." && segment != "..",
        "{what}: segment {segment:?}"
    );
    assert!(
        !segment.contains(['/', '\\', '\0']) && !segment.chars().any(char::is_control),
        "{what}: separator or control in {segment:?}"
    );
}

/// A site-relative output path like `posts/x/` or `2015/old.html`: relative, every
/// segment safe, so joining it to the output folder stays inside it.
#[track_caller]
pub fn assert_relative_path(path: &str, what: &str) {
    assert!(!path.is_empty(), "{what}: empty path");
    assert!(!path.starts_with('/'), "{what}: absolute path {path:?}");
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    for segment in trimmed.split('/') {
        assert_segment(segment, &format!("{what} {path:?}"));
    }
    assert!(
        Path::new(path)
            .components()
            .all(|c| matches!(c, Component::Normal(_))),
        "{what}: {path:?} is not a plain relative path"
    );
}

/// Elements that run code, load other documents, submit data or restyle the page.
const ACTIVE_ELEMENTS: &[&str] = &[
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "style",
    "link",
    "meta",
    "base",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "svg",
    "math",
    "template",
    "noscript",
    "xmp",
    "plaintext",
    "noembed",
    "noframes",
];

/// Attributes whose value is a URL the browser may follow or load.
const URL_ATTRIBUTES: &[&str] = &[
    "href",
    "src",
    "cite",
    "action",
    "formaction",
    "data",
    "poster",
    "background",
    "longdesc",
    "srcset",
    "codebase",
    "dynsrc",
    "lowsrc",
    "ping",
    "xlink:href",
];

/// The scheme of `url` as a browser's URL parser (WHATWG URL) sees it: control
/// characters and spaces trimmed from both ends, tab, CR and LF removed anywhere,
/// lower-cased; `None` for a relative URL. Only a syntactically valid scheme counts
/// (`ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")` before a colon): `v!script:x` is a
/// relative path to a browser, not a script.
pub fn url_scheme(url: &str) -> Option<String> {
    let cleaned: String = url
        .trim_matches(|c: char| c <= ' ')
        .chars()
        .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
        .collect::<String>()
        .to_ascii_lowercase();
    let end =
        cleaned.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))?;
    let scheme = &cleaned[..end];
    let valid =
        cleaned[end..].starts_with(':') && scheme.starts_with(|c: char| c.is_ascii_alphabetic());
    valid.then(|| scheme.to_string())
}

/// Re-parses sanitised `html` as a browser would (html5ever, body context) and
/// panics on any active content: a forbidden element, an event handler, a style
/// attribute, a URL with a scheme other than http, https or mailto, or a link
/// without `rel="nofollow ugc noopener"`.
#[track_caller]
pub fn assert_inert(html: &str, input: &str) {
    assert_markup(html, input, true);
}

/// `assert_inert` without its rule for links: for markup that also holds the page's
/// own links (a thread's permalinks), where only readers' links carry `rel`.
#[track_caller]
pub fn assert_no_active_content(html: &str, input: &str) {
    assert_markup(html, input, false);
}

#[track_caller]
fn assert_markup(html: &str, input: &str, links_need_rel: bool) {
    let fragment = scraper::Html::parse_fragment(html);
    for node in fragment.tree.nodes() {
        let scraper::Node::Element(element) = node.value() else {
            continue;
        };
        let name = element.name().to_ascii_lowercase();
        assert!(
            !ACTIVE_ELEMENTS.contains(&name.as_str()),
            "<{name}> survived sanitising\ninput: {input:?}\noutput: {html:?}"
        );
        for (attribute, value) in element.attrs() {
            let attribute = attribute.to_ascii_lowercase();
            assert!(
                !attribute.starts_with("on"),
                "event handler {attribute} survived\ninput: {input:?}\noutput: {html:?}"
            );
            assert!(
                attribute != "style",
                "style attribute survived\ninput: {input:?}\noutput: {html:?}"
            );
            if URL_ATTRIBUTES.contains(&attribute.as_str()) {
                if let Some(scheme) = url_scheme(value) {
                    assert!(
                        matches!(scheme.as_str(), "http" | "https" | "mailto"),
                        "{attribute}={value:?} (scheme {scheme:?}) survived\ninput: {input:?}\noutput: {html:?}"
                    );
                }
            }
        }
        if links_need_rel && name == "a" && element.attr("href").is_some() {
            assert_eq!(
                element.attr("rel"),
                Some("nofollow ugc noopener"),
                "link without rel\ninput: {input:?}\noutput: {html:?}"
            );
        }
    }
}

/// A throwaway folder (in memory when `/dev/shm` exists) holding `site/` and the
/// export beside it, so that anything written outside `site/content/` can be seen.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    /// A sandbox with `site/` holding `files` (path relative to `site/`, text).
    pub fn new(files: &[(&str, &str)]) -> Sandbox {
        let shm = Path::new("/dev/shm");
        let builder = tempfile::Builder::new().prefix("rapport-fuzz-").to_owned();
        let dir = if shm.is_dir() {
            builder.tempdir_in(shm)
        } else {
            builder.tempdir()
        }
        .expect("temp dir");
        let sandbox = Sandbox { dir };
        for (rel, text) in files {
            sandbox.write(rel, text);
        }
        sandbox
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("site")
    }

    pub fn export(&self) -> PathBuf {
        self.dir.path().join("export.xml")
    }

    /// Writes `site/<rel>`.
    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root().join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("create dir");
        std::fs::write(path, text).expect("write");
    }

    /// Every file and folder of the sandbox, relative to it, sorted, with contents.
    pub fn snapshot(&self) -> Vec<(PathBuf, Option<Vec<u8>>)> {
        let mut out = Vec::new();
        let mut pending = vec![self.dir.path().to_path_buf()];
        while let Some(dir) = pending.pop() {
            for entry in std::fs::read_dir(&dir).expect("read dir") {
                let entry = entry.expect("dir entry");
                let path = entry.path();
                let rel = path
                    .strip_prefix(self.dir.path())
                    .expect("under the sandbox")
                    .to_path_buf();
                let kind = entry.file_type().expect("file type");
                assert!(
                    !kind.is_symlink(),
                    "a symlink was created: {}",
                    rel.display()
                );
                if kind.is_dir() {
                    pending.push(path);
                    out.push((rel, None));
                } else {
                    out.push((rel, Some(std::fs::read(&path).expect("read"))));
                }
            }
        }
        out.sort();
        out
    }

    /// Panics if anything but `export.xml`, `site/site.toml` and `site/content/**`
    /// exists: an import may write inside `content/` only.
    #[track_caller]
    pub fn assert_only_content_written(&self, before: &[(PathBuf, Option<Vec<u8>>)]) {
        self.assert_only_written_in(before, &["site/content"]);
    }

    /// Panics if anything outside `writable` (folders relative to the sandbox) was
    /// created or changed.
    #[track_caller]
    pub fn assert_only_written_in(&self, before: &[(PathBuf, Option<Vec<u8>>)], writable: &[&str]) {
        let after = self.snapshot();
        let inside = |rel: &Path| writable.iter().any(|w| rel.starts_with(w));
        for (rel, data) in &after {
            let allowed = rel == Path::new("export.xml")
                || rel == Path::new("site")
                || rel == Path::new("site/site.toml")
                || inside(rel)
                || writable.iter().any(|w| Path::new(w).starts_with(rel));
            assert!(allowed, "written outside {writable:?}: {}", rel.display());
            if !inside(rel) {
                let old = before.iter().find(|(r, _)| r == rel).map(|(_, d)| d);
                assert_eq!(old, Some(data), "changed: {}", rel.display());
            }
        }
    }
}

/// Turns arbitrary text into a YAML double-quoted scalar that reads back as exactly
/// that text (everything not printable ASCII is escaped).
pub fn yaml_quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            ' '..='~' => out.push(c),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push_str(&format!("\\U{:08X}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Running an importer in a sandbox and checking what it did.
pub mod import {
    use rapport::import::{Format, ImportOptions};
    use rapport::site::{load_all, BuildOptions};
    use rapport::Error;

    use super::Sandbox;

    /// A site in a sandbox, ready for an import.
    pub struct Site {
        sandbox: Sandbox,
    }

    impl Site {
        pub fn new(files: &[(&str, &str)]) -> Site {
            Site {
                sandbox: Sandbox::new(files),
            }
        }
    }

    fn content(sandbox: &Sandbox) -> Vec<(std::path::PathBuf, Option<Vec<u8>>)> {
        sandbox
            .snapshot()
            .into_iter()
            .filter(|(rel, _)| rel.starts_with("site/content"))
            .collect()
    }

    fn listing(sandbox: &Sandbox) -> String {
        content(sandbox)
            .into_iter()
            .map(|(rel, data)| match data {
                Some(d) => format!("== {}\n{}\n", rel.display(), String::from_utf8_lossy(&d)),
                None => String::new(),
            })
            .collect()
    }

    /// Imports `export` into `site` and checks the properties every import must
    /// have; see the targets `import_wxr` and `import_disqus`.
    pub fn run(site: Site, format: Format, export: &[u8]) {
        let sandbox = site.sandbox;
        std::fs::write(sandbox.export(), export).expect("write the export");
        let before = sandbox.snapshot();
        let options = ImportOptions {
            format,
            file: sandbox.export(),
            root: sandbox.root(),
            author_id: None,
            uploads: None,
            author: (format == Format::Disqus).then(|| "pauline".to_string()),
        };
        let result = rapport::import::run(&options);
        sandbox.assert_only_content_written(&before);
        match result {
            Ok(_) => {
                let loaded = load_all(&BuildOptions::new(&sandbox.root())).expect("the site loads");
                assert!(
                    loaded.problems.is_empty(),
                    "the import left a site with problems:\n{}\n{}",
                    loaded
                        .problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n"),
                    listing(&sandbox)
                );
                let first = content(&sandbox);
                let again = rapport::import::run(&options);
                assert!(again.is_ok(), "the second import failed: {again:?}");
                assert!(
                    first == content(&sandbox),
                    "the second import changed content/:\n{}",
                    listing(&sandbox)
                );
            }
            Err(Error::Content(ds)) => {
                let lines = export.iter().filter(|&&b| b == b'\n').count() + 1;
                for d in &ds {
                    assert!(
                        d.location.path == options.file,
                        "an import error about another file than the export: {d}\n{}",
                        listing(&sandbox)
                    );
                    let line = d.location.line.unwrap_or_else(|| panic!("no line: {d}"));
                    assert!((1..=lines).contains(&line), "line {line} of {lines}: {d}");
                }
                // A file that is not well-formed is refused before anything is written.
                let unchanged: Vec<_> = before
                    .into_iter()
                    .filter(|(rel, _)| rel.starts_with("site/content"))
                    .collect();
                assert!(
                    unchanged == content(&sandbox),
                    "a refused export changed content/: {ds:?}"
                );
            }
            Err(Error::Other(message) | Error::Problem { message, .. }) => {
                assert!(
                    !message.contains("refusing to write"),
                    "the import planned an unsafe path: {message}"
                );
            }
            Err(e @ (Error::Io { .. } | Error::Template { .. })) => {
                panic!("the import failed: {e}")
            }
        }
    }
}
