//! `rapport fetch` on an input its first byte chooses the source of. For webmention.io,
//! Mastodon and Bluesky the rest is what a loopback server answers every request
//! with, `{{BASE}}` in it made the server's address (so the recorded answers of
//! tests/fixtures/fetch/ are seeds as they are); a body that is not JSON is skipped,
//! the client only waits and asks again (a cut answer). For Staticman the rest is up
//! to three comment files (split at byte 0xFF), YAML or JSON by the first byte, in the
//! post's folder of form comments. The site has a
//! post announced on both networks, with a hand-written thread file to merge into.
//!
//! Asserted: never a panic; nothing written outside `site/content/` (and the form
//! comments' folder, whose files are moved once taken); after a fetch
//! that wrote, the site loads without a problem, a second fetch of the same answers
//! changes no byte, and the site builds; in the built post's conversation nothing is
//! active (`assert_no_active_content`) and every comment body is inert
//! (`assert_inert`: readers' links carry `rel`).

#![no_main]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Mutex, OnceLock};

use libfuzzer_sys::fuzz_target;
use rapport::fetch::{run, FetchOptions};
use rapport::site::build::build;
use rapport::site::{load_all, BuildOptions};
use rapport_fuzz::{assert_inert, assert_no_active_content, Sandbox};

/// The source each value of the first byte (modulo 5) chooses; Staticman's files are
/// YAML for one value, JSON for the other.
const SOURCES: [&str; 5] = [
    "webmention",
    "mastodon",
    "bluesky",
    "staticman",
    "staticman",
];

/// Staticman's folder in the site.
const FORM_COMMENTS: &str = "data/comments";

/// The body every request is answered with.
static ANSWER: Mutex<Vec<u8>> = Mutex::new(Vec::new());

/// The loopback server's address (`http://127.0.0.1:PORT`), started once.
fn server() -> &'static str {
    static BASE: OnceLock<String> = OnceLock::new();
    BASE.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
        let base = format!("http://{}", listener.local_addr().expect("its address"));
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("a stream"));
                let mut line = String::new();
                while reader.read_line(&mut line).unwrap_or(0) > 0 && line != "\r\n" {
                    line.clear();
                }
                let body = ANSWER.lock().unwrap_or_else(|e| e.into_inner()).clone();
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(&body);
            }
        });
        // Read by the sources; the same for every input.
        std::env::set_var("RAPPORT_WEBMENTION_IO_URL", &base);
        std::env::set_var("WEBMENTION_IO_TOKEN", "fuzz-token");
        std::env::set_var("RAPPORT_BLUESKY_URL", &base);
        base
    })
}

fn site(base: &str) -> Sandbox {
    Sandbox::new(&[
        (
            "site.toml",
            &format!(
                "title = \"Fuzz\"\nbase_url = \"https://blog.example/\"\n\n[author]\nname = \"Pauline\"\naccounts = [\"{base}/@pauline\", \"did:plc:pauline\"]\n\n[fetch]\nwebmention_io = {{ domain = \"blog.example\" }}\nmastodon = true\nbluesky = true\nstaticman = {{ folder = \"{FORM_COMMENTS}\" }}\n"
            ),
        ),
        (
            "content/posts/hello.md",
            &format!(
                "---\ntitle: Hello\ndate: 2024-01-01\naliases: [\"/2019/05/hello/\"]\nsyndication:\n  - \"{base}/@pauline/100\"\n  - \"https://bsky.app/profile/did:plc:pauline/post/3kroot\"\n---\nHello, world.\n"
            ),
        ),
        (
            "content/posts/hello.comments.yaml",
            "# kept by hand\ncomments:\n  - id: \"1\"\n    author: Fiona\n    date: 2024-01-02\n    body: |\n      First!\n",
        ),
        (
            "content/posts/other.md",
            "---\ntitle: Other\ndate: 2024-01-02\n---\nAnother post.\n",
        ),
    ])
}

fn content(sandbox: &Sandbox) -> Vec<(std::path::PathBuf, Option<Vec<u8>>)> {
    (sandbox.snapshot().into_iter())
        .filter(|(rel, _)| rel.starts_with("site/content"))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let Some((&choice, body)) = data.split_first() else {
        return;
    };
    let base = server();
    let choice = usize::from(choice) % SOURCES.len();
    let sandbox = site(base);
    let body = if SOURCES[choice] == "staticman" {
        let extension = if choice == 3 { "yml" } else { "json" };
        for (n, file) in body.split(|&b| b == 0xFF).take(3).enumerate() {
            let name = format!("{FORM_COMMENTS}/hello/entry{n}.{extension}");
            sandbox.write(&name, &String::from_utf8_lossy(file));
        }
        String::from_utf8_lossy(body).into_owned()
    } else {
        let body = String::from_utf8_lossy(body).replace("{{BASE}}", base);
        // An answer that is not JSON is only tried again, after a wait.
        if serde_json::from_str::<serde_json::Value>(&body).is_err() {
            return;
        }
        *ANSWER.lock().unwrap_or_else(|e| e.into_inner()) = body.clone().into_bytes();
        body
    };
    let options = FetchOptions {
        root: sandbox.root(),
        source: Some(SOURCES[choice].to_string()),
        ..FetchOptions::default()
    };
    let before = sandbox.snapshot();
    let result = run(&options, &|_| {});
    sandbox.assert_only_written_in(&before, &["site/content", &format!("site/{FORM_COMMENTS}")]);
    if result.is_err() {
        return;
    }
    let loaded = load_all(&BuildOptions::new(&sandbox.root())).expect("the site loads");
    assert!(
        loaded.problems.is_empty(),
        "the fetch left a site with problems:\n{}\nanswer: {body:?}",
        (loaded.problems.iter())
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    );
    let first = content(&sandbox);
    let again = run(&options, &|_| {}).expect("the same fetch again");
    assert!(
        first == content(&sandbox),
        "a second fetch of the same answers changed content/: {:?}\nanswer: {body:?}",
        again.lines
    );
    let output = sandbox.root().join("public");
    let mut build_options = BuildOptions::new(&sandbox.root());
    build_options.output = Some(output.clone());
    build(&build_options).unwrap_or_else(|e| panic!("the build failed: {e}\nanswer: {body:?}"));
    let page = std::fs::read_to_string(output.join("posts/hello/index.html")).expect("the post");
    let page = scraper::Html::parse_document(&page);
    let conversation = scraper::Selector::parse("section.conversation").expect("a selector");
    let comment_body = scraper::Selector::parse(".comment-body").expect("a selector");
    for section in page.select(&conversation) {
        assert_no_active_content(&section.html(), &body);
        for comment in section.select(&comment_body) {
            assert_inert(&comment.inner_html(), &body);
        }
    }
});
