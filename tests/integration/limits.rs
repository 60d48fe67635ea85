//! Every input bounded: hostile or broken files end in a clear error at their line,
//! never in minutes of CPU or an allocation abort. The inputs are the shapes that
//! did; the limits they meet are in README.md ("Limits").

use crate::harness::{wait_for, Serving, SiteTest};

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

/// One 400 MB header line grew the server to 705 MB: it read the whole line before
/// answering. Request heads are limited to 16 KB; past that the answer is 431.
#[test]
fn a_huge_request_header_grew_the_server_without_bound() {
    let site = SiteTest::fixture("serve/blog");
    let server = Serving::start(&site, &["--watch"]);
    let mut request = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: ".to_vec();
    request.extend(std::iter::repeat_n(b'a', 64 * 1024));
    request.extend(b"\r\n\r\n");
    let (_, status) = server.status_line(&request);
    assert_eq!(status, "HTTP/1.1 431 Request Header Fields Too Large");
    // Below the limit, headers are fine; the server is still there.
    let mut request = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Big: ".to_vec();
    request.extend(std::iter::repeat_n(b'a', 8 * 1024));
    request.extend(b"\r\n\r\n");
    assert_eq!(server.status_line(&request).1, "HTTP/1.1 200 OK");
}

/// 2,000 open live-reload streams held 4,000 threads and 409 MB. At most 32 are open
/// at once (one per open page); the next is answered 503, and a closed page's
/// stream is released within seconds, not at the next keep-alive.
#[test]
fn open_live_reload_streams_were_not_capped() {
    let site = SiteTest::fixture("serve/blog");
    let server = Serving::start(&site, &["--watch"]);
    let streams: Vec<_> = (0..32)
        .map(|i| {
            let (stream, status) = server.events();
            assert_eq!(status, "HTTP/1.1 200 OK", "stream {i}");
            stream
        })
        .collect();
    assert_eq!(server.events().1, "HTTP/1.1 503 Service Unavailable");
    // Pages still load.
    let page = b"GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    assert_eq!(server.status_line(page).1, "HTTP/1.1 200 OK");
    drop(streams);
    wait_for("closed streams released", || {
        server.events().1 == "HTTP/1.1 200 OK"
    });
}

/// A thread of 1,000,000 comments (140 MB) aborted at 6 GB; 250,000 took 1.8 GB: a
/// build keeps about 6 KB per comment of the page it renders. A thread holds at most
/// 100,000 comments, counted before the file is parsed.
#[test]
fn a_thread_of_a_million_comments_aborted_the_build() {
    let mut thread = String::from("comments:\n");
    for i in 0..100_001 {
        thread.push_str(&format!("- id: {i}\n"));
    }
    let err = refused(&site("", Some(&thread)));
    assert!(
        err.starts_with("error: content/posts/p.comments.yaml:100002: this thread holds 100001 comments; rapport renders threads of up to 100000 on one page\n"),
        "{err}"
    );
}

/// A thread of more comments than one page renders is refused at the first comment
/// past the limit, whether the file is in the plain shape imports write or needs the
/// YAML parser (a flow map on one comment sends it there).
#[test]
fn a_thread_past_the_comment_limit_names_the_first_comment_too_many() {
    for yaml_only in [false, true] {
        let mut thread = String::from("comments:\n");
        for i in 0..=100_000 {
            thread.push_str(&format!("  - id: \"{i}\"\n    body: x\n"));
        }
        if yaml_only {
            thread.push_str("  - {id: last, body: y}\n");
        }
        let err = refused(&site("", Some(&thread)));
        let count = if yaml_only { 100_002 } else { 100_001 };
        assert!(
            err.starts_with(&format!("error: content/posts/p.comments.yaml:200002: this thread holds {count} comments; rapport renders threads of up to 100000 on one page")),
            "{err}"
        );
    }
}

/// A post or thread file padded past its limit (sparse: no disk is used) is refused
/// by its size, unread, in both `check` and `build`.
#[test]
fn markdown_and_thread_files_past_their_size_are_refused_unread() {
    let site = site("", Some("comments: []\n"));
    let pad = |rel: &str, len: u64| {
        let file = std::fs::OpenOptions::new()
            .append(true)
            .open(site.root.join(rel))
            .unwrap();
        file.set_len(len).unwrap();
    };
    pad("content/posts/p.md", (16 << 20) + 1);
    pad("content/posts/p.comments.yaml", 2 << 30);
    // Each message comes from the size alone: neither file is read.
    let err = refused(&site);
    assert!(
        err.contains(
            "content/posts/p.md: this file is 17 MB; rapport reads markdown files of up to 16 MB"
        ),
        "{err}"
    );
    assert!(
        err.contains("content/posts/p.comments.yaml: this file is 2048 MB; rapport reads thread files of up to 64 MB"),
        "{err}"
    );
}

/// A data file under `content/` is read whole and parsed for private keys: one of
/// 2 GB was read into memory on every build. Refused by its size, unread.
#[test]
fn a_data_file_past_its_size_was_read_whole_to_be_checked() {
    let site = site("", None);
    site.write("content/posts/data.json", "{}");
    let file = std::fs::OpenOptions::new()
        .append(true)
        .open(site.root.join("content/posts/data.json"))
        .unwrap();
    file.set_len((16 << 20) + 1).unwrap();
    let err = refused(&site);
    assert!(
        err.contains("content/posts/data.json: this file is 17 MB; rapport reads data files under content/, which it checks for e-mail and IP address keys, of up to 16 MB\n  help: move it to static/, where files are published as they are, or out of content/"),
        "{err}"
    );
}

/// An alias of 25 folders, each under the limit of one, made a path the system
/// could not create: the build stopped on a 5,000-character OS error naming no file.
#[test]
fn an_address_too_long_for_a_path_stopped_the_build_with_an_os_error() {
    let alias = vec!["a".repeat(190); 25].join("/");
    let err = refused(&site(&format!("aliases: [\"/{alias}/\"]\n"), None));
    assert!(
        err.starts_with("error: content/posts/p.md:4: in an alias, the address is 4775 bytes long, and an address may have at most 1024\n  help: shorten the alias, or remove it\n"),
        "{err}"
    );
    // At the limit, the alias is published.
    let alias = format!("{}/{}", vec!["b".repeat(200); 5].join("/"), "c".repeat(18));
    assert_eq!(alias.len() + 1, 1024);
    let site = site(&format!("aliases: [\"/{alias}/\"]\n"), None);
    site.build();
    assert!(site.exists(&format!("{alias}/index.html")));
}
