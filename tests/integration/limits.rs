//! Every input bounded: hostile or broken files end in a clear error at their line,
//! never in minutes of CPU or an allocation abort. The inputs are the shapes that
//! did; the limits they meet are in README.md ("Limits").

use crate::harness::SiteTest;

/// A site with one post and, if given, its thread file.
fn site(front_matter_extra: &str, thread: Option<&str>) -> SiteTest {
    let post = format!("---\ntitle: P\ndate: 2024-01-02\n{front_matter_extra}---\nBody\n");
    let site = SiteTest::with_files(&[("content/posts/p.md", &post)]);
    if let Some(thread) = thread {
        site.write("content/posts/p.comments.yaml", thread);
    }
    site
}

/// Builds and checks, expecting both to stop with exit 1; returns build's stderr.
#[track_caller]
fn refused(site: &SiteTest) -> String {
    let check = site.run(&["check"]).failure(1);
    let check = check.stdout + &check.stderr;
    let build = site.build_error();
    let first = build.lines().next().unwrap_or_default();
    assert!(
        check.contains(first),
        "check said:\n{check}\nbuild said:\n{build}"
    );
    assert!(!site.exists("index.html"), "a refused build wrote the site");
    build
}

/// A large string marked once and repeated by aliases: a 115 KB front matter
/// expanded to 1.95 GB.
#[test]
fn yaml_aliases_expanded_a_small_front_matter_to_gigabytes() {
    let text = "x".repeat(100_000);
    let aliases = vec!["*big"; 4_000].join(", ");
    let site = site(
        &format!("extra:\n  a: &big \"{text}\"\n  b: [{aliases}]\n"),
        None,
    );
    let err = refused(&site);
    assert!(
        err.starts_with("error: content/posts/p.md:6:7: `*big` is a YAML alias (it repeats the value marked &big), and rapport does not accept aliases\n  help: write the value out in full where it is needed"),
        "{err}"
    );
}

/// A thread file whose comments all repeat one large body by alias: a 2.9 MB file
/// aborted at 7.7 GB.
#[test]
fn yaml_aliases_in_a_thread_file_aborted_the_build() {
    let mut thread = format!(
        "comments:\n  - id: \"0\"\n    body: &b \"{}\"\n",
        "y".repeat(100_000)
    );
    for i in 1..5_000 {
        thread.push_str(&format!("  - id: \"{i}\"\n    body: *b\n"));
    }
    let err = refused(&site("", Some(&thread)));
    assert!(
        err.starts_with("error: content/posts/p.comments.yaml:5:11: `*b` is a YAML alias"),
        "{err}"
    );
}

/// `[[[…]]]` 100,000 deep took 98 s: the parser's work grows with the square of the
/// depth. The limit is met at the 65th bracket, before parsing.
#[test]
fn deeply_nested_flow_collections_took_minutes() {
    let depth = 100_000;
    let deep = format!("extra: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    let err = refused(&site(&deep, None));
    assert!(
        err.starts_with("error: content/posts/p.md:4:72: lists or maps in [ ] or { } nest more than 64 deep here"),
        "{err}"
    );
    let thread = format!(
        "comments: {}{}\n",
        "{a: [".repeat(depth),
        "]}".repeat(depth)
    );
    let err = refused(&site("", Some(&thread)));
    assert!(
        err.starts_with("error: content/posts/p.comments.yaml:1:"),
        "{err}"
    );
    // Nesting that real files use is fine.
    site(
        "extra: {a: [1, {b: [2, 3]}]}\n",
        Some("comments: [{id: 1, body: \"[[x]]\"}]\n"),
    )
    .build();
}

/// A comment of deeply nested tags was quadratic in the HTML parser (130 KB took
/// 7.9 s, 1.1 MB over two minutes).
#[test]
fn a_comment_of_deeply_nested_tags_was_quadratic() {
    let body = "<div>".repeat(5_000) + "x" + &"</div>".repeat(5_000);
    let thread = format!(
        "comments:\n  - id: \"1\"\n    body: ok\n  - id: \"2\"\n    author: Eve\n    body: \"{body}\"\n"
    );
    let err = refused(&site("", Some(&thread)));
    assert!(
        err.starts_with("error: content/posts/p.comments.yaml:6: comment \"2\": its HTML nests elements more than 100 deep\n  help: close the tags that are left open"),
        "{err}"
    );
    // A hundred levels is accepted and rendered.
    let body = "<blockquote>".repeat(100) + "deep" + &"</blockquote>".repeat(100);
    let site = site(
        "",
        Some(&format!("comments:\n  - id: \"1\"\n    body: \"{body}\"\n")),
    );
    site.build();
    assert!(site.read("posts/p/index.html").contains("deep"));
}

/// A 50 MB body of small tags aborted allocating 2.7 GB. Bodies are limited to 64 KB
/// (WordPress itself stores at most 65,525 bytes).
#[test]
fn a_huge_comment_body_aborted_allocating() {
    let body = "<b>x</b> ".repeat(200_000);
    let thread = format!("comments:\n  - id: big\n    body: \"{body}\"\n");
    let err = refused(&site("", Some(&thread)));
    assert!(
        err.starts_with("error: content/posts/p.comments.yaml:3: comment \"big\": its body is 1758 KB; rapport accepts comments of up to 64 KB\n"),
        "{err}"
    );
    let body = "a".repeat(64 * 1024);
    let thread = format!("comments:\n  - id: long\n    body: {body}\n");
    site("", Some(&thread)).build();
}
