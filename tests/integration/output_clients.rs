//! What the site and the command line write must be readable by every client: feeds
//! and sitemap well-formed for a strict XML parser whatever readers typed, HTML free of
//! control characters, a terminal never driven by reader text, and a closed pipe
//! ending the program quietly.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::{select, text, SiteTest};

/// A post whose title, comment author and comment body carry characters XML 1.0
/// forbids (written with YAML escapes; the post body has them raw).
fn hostile_site() -> SiteTest {
    SiteTest::with_files(&[
        (
            "content/posts/table.md",
            "---\ntitle: \"Ta\\x01ble \\vtalk\\f\\uFFFE\\uFFFF\"\ndate: 2020-01-01\n---\nA body with a raw \u{1} control and a \u{b} vertical tab.\n",
        ),
        (
            "content/posts/table.comments.yaml",
            "comments:\n- id: \"1\"\n  author: \"Eve\\x01 \\vMallory\"\n  date: 2020-01-02T10:00:00Z\n  body: \"Hello\\x01 world\\f, \\uFFFEfine\"\n- id: \"2\"\n  parent: \"1\"\n  role: author\n  date: 2020-01-03T10:00:00Z\n  body: \"Thanks\\x02!\"\n- id: \"3\"\n  author: Ann\n  date: 2020-01-04T10:00:00Z\n  body: \"<b>Raw&#1;HTML</b> and mark&#1;down\"\n- id: \"4\"\n  author: Ann\n  date: 2020-01-05T10:00:00Z\n  body: \"<div>An HTML&#1; block</div>\"\n",
        ),
    ])
}

/// Every file of the built site whose name ends in `extension`, by path.
fn outputs(site: &SiteTest, extension: &str) -> Vec<(String, String)> {
    let public = site.root.join("public");
    let mut found = Vec::new();
    let mut stack = vec![public.clone()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.to_string_lossy().ends_with(extension) {
                let rel = path.strip_prefix(&public).unwrap().to_string_lossy();
                found.push((rel.into_owned(), std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    found.sort();
    found
}

/// Parses every XML output with a strict parser; returns them by path.
#[track_caller]
fn assert_xml_well_formed(site: &SiteTest) -> Vec<(String, String)> {
    let xml = outputs(site, ".xml");
    assert!(xml.len() >= 3, "expected feeds and sitemap: {xml:?}");
    for (rel, text) in &xml {
        if let Err(e) = roxmltree::Document::parse(text) {
            panic!("{rel} is not well-formed XML: {e}\n{text}");
        }
    }
    xml
}

/// The texts of the elements named `name` in `xml`.
fn texts_of(xml: &str, name: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name(name))
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

fn feed<'a>(xml: &'a [(String, String)], name: &str) -> &'a str {
    &xml.iter().find(|(rel, _)| rel == name).unwrap().1
}

/// C0 controls other than tab, newline and carriage return, and the two
/// noncharacters XML 1.0 forbids.
fn forbidden(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{FFFE}' | '\u{FFFF}')
}

#[track_caller]
fn assert_html_clean(site: &SiteTest) {
    for (rel, text) in outputs(site, ".html") {
        if let Some(c) = text.chars().find(|&c| forbidden(c)) {
            panic!("{rel} holds the control character {c:?}");
        }
    }
}

#[test]
fn control_character_in_a_title_made_the_feed_invalid() {
    let site = hostile_site();
    site.build();
    let xml = assert_xml_well_formed(&site);
    let atom = feed(&xml, "atom.xml");
    assert!(texts_of(atom, "title").contains(&"Table talk".to_string()));
    let content = texts_of(atom, "content").concat();
    assert!(
        content.contains("A body with a raw  control and a  vertical tab."),
        "{content}"
    );
    let comments = feed(&xml, "comments.xml");
    let names = texts_of(comments, "name");
    assert!(names.contains(&"Eve Mallory".to_string()), "{names:?}");
    let bodies = texts_of(comments, "content").concat();
    assert!(bodies.contains("Hello world, fine"), "{bodies}");
    assert!(bodies.contains("Thanks!"), "{bodies}");
    assert!(bodies.contains("<b>RawHTML</b> and markdown"), "{bodies}");
    assert!(bodies.contains("<div>An HTML block</div>"), "{bodies}");

    assert_html_clean(&site);
    let page = site.html("posts/table/index.html");
    assert_eq!(text(&select(&page, "h1.post-title")[0]), "Table talk");
    assert_eq!(
        text(&select(&page, "#comment-1 .comment-author")[0]),
        "Eve Mallory"
    );
    assert_eq!(
        text(&select(&page, "#comment-1 .comment-body")[0]),
        "Hello world, fine"
    );
}

#[test]
fn control_character_imported_as_a_character_reference_made_the_feed_invalid() {
    let site = SiteTest::with_files(&[("content/.keep", "")]);
    site.write(
        "export.xml",
        "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item><title>Ta&#1;ble talk</title><wp:post_name>table</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type><wp:post_date_gmt>2015-01-01 00:00:00</wp:post_date_gmt><content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">Body&#1; text</content:encoded><wp:comment><wp:comment_id>7</wp:comment_id><wp:comment_parent>0</wp:comment_parent><wp:comment_approved>1</wp:comment_approved><wp:comment_author>Eve&#1; Mallory</wp:comment_author><wp:comment_date_gmt>2015-01-02 10:00:00</wp:comment_date_gmt><wp:comment_content>Hello&#1; world</wp:comment_content></wp:comment></item></channel></rss>",
    );
    site.run(&["import", "wordpress", "export.xml"]).success();
    site.build();
    let xml = assert_xml_well_formed(&site);
    assert!(texts_of(feed(&xml, "atom.xml"), "title").contains(&"Table talk".to_string()));
    let comments = feed(&xml, "comments.xml");
    assert!(texts_of(comments, "name").contains(&"Eve Mallory".to_string()));
    assert!(texts_of(comments, "content")
        .concat()
        .contains("Hello world"));
    assert_html_clean(&site);
}

/// An author name that renames the terminal window (OSC 0 … BEL) and erases the line.
const HOSTILE_NAME: &str = "Eve\\e]0;PWNED\\a\\e[2K";

#[track_caller]
fn assert_no_terminal_controls(output: &str, what: &str) {
    for c in ['\u{1b}', '\u{7}', '\u{9b}', '\r'] {
        assert!(
            !output.contains(c),
            "{what} holds the control character {c:?}:\n{output}"
        );
    }
}

#[test]
fn an_author_named_with_escape_sequences_reached_the_terminal_raw() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/hi.md",
            "---\ntitle: \"Hi\\e[2K\\r there\"\ndate: 2020-01-01\n---\nHi.\n",
        ),
        (
            "content/posts/hi.comments.yaml",
            &format!("comments:\n- id: \"1\"\n  author: \"{HOSTILE_NAME}\"\n  date: 2020-01-02T10:00:00Z\n  body: \"Hello \\e[2K\\u009b2K there\"\n"),
        ),
    ]);
    let replies = site.run(&["replies"]).success().stdout;
    assert_no_terminal_controls(&replies, "replies");
    assert!(
        replies.contains("Eve\\u{1b}]0;PWNED\\u{7}\\u{1b}[2K"),
        "{replies}"
    );
    assert!(replies.contains("Hi\\u{1b}[2K\\r there"), "{replies}");
    let json = site.run(&["replies", "--json"]).success().stdout;
    assert_no_terminal_controls(&json, "replies --json");
    let waiting: serde_json::Value = serde_json::from_str(&json).unwrap();
    let excerpt = waiting[0]["excerpt"].as_str().unwrap();
    assert!(excerpt.ends_with("\u{9b}2K there"), "{excerpt:?}");
}

#[test]
fn a_hostile_value_in_an_error_message_reached_the_terminal_raw() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/hi.md",
            "---\ntitle: Hi\ndate: 2020-01-01\n---\nHi.\n",
        ),
        (
            "content/posts/hi.comments.yaml",
            "comments:\n- id: \"1\"\n  parent: \"\\e]0;PWNED\\a\"\n  body: Hi\n",
        ),
    ]);
    let stderr = site.build_error();
    assert_no_terminal_controls(&stderr, "build's error");
    assert!(stderr.contains("\\u{1b}]0;PWNED\\u{7}"), "{stderr}");
    let check = site.run(&["check"]).failure(1).stderr;
    assert_no_terminal_controls(&check, "check's report");
}

#[test]
fn a_hostile_title_in_the_import_report_reached_the_terminal_raw() {
    let site = SiteTest::with_files(&[("content/.keep", "")]);
    site.write(
        "export.xml",
        "<rss xmlns:wp=\"http://wordpress.org/export/1.2/\"><channel><item><title>Secret&#27;]0;PWNED&#7;</title><wp:post_name>secret</wp:post_name><wp:status>private</wp:status><wp:post_type>post</wp:post_type></item></channel></rss>",
    );
    let report = site
        .run(&["import", "wordpress", "export.xml"])
        .success()
        .stdout;
    assert_no_terminal_controls(&report, "the import report");
    assert!(report.contains("PWNED"), "{report}");
}

/// Runs `rapport ARGS` in `root` with its standard output (or error) a pipe whose
/// read end is closed before the program writes.
fn run_into_a_closed_pipe(root: &Path, args: &[&str], close_stdout: bool) -> (Option<i32>, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
    command
        .args(args)
        .current_dir(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().unwrap();
    let mut other = String::new();
    if close_stdout {
        drop(child.stdout.take());
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut other)
            .unwrap();
    } else {
        drop(child.stderr.take());
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut other)
            .unwrap();
    }
    (child.wait().unwrap().code(), other)
}

#[test]
fn a_closed_pipe_made_the_build_panic() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/hi.md",
            "---\ntitle: Hi\ndate: 2020-01-01\n---\nHi.\n",
        ),
        (
            "content/posts/hi.comments.yaml",
            "comments:\n- id: \"1\"\n  author: Ann\n  body: Hi\n",
        ),
    ]);
    for args in [
        &["build"][..],
        &["replies"],
        &["replies", "--json"],
        &["check"],
    ] {
        let (code, stderr) = run_into_a_closed_pipe(&site.root, args, true);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(code, Some(0), "{args:?}: {stderr}");
    }
    assert!(site.exists("index.html"));

    site.write(
        "content/posts/hi.comments.yaml",
        "comments:\n- id: \"1\"\n  parent: nobody\n  body: Hi\n",
    );
    for args in [&["build"][..], &["check"]] {
        let (code, stdout) = run_into_a_closed_pipe(&site.root, args, false);
        assert_eq!(code, Some(1), "{args:?}: {stdout}");
    }
}
