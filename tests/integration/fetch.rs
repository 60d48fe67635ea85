//! `rapport fetch`: a loopback HTTP server stands in for webmention.io and a Mastodon
//! server, serving JSON from tests/fixtures/fetch/ (and, when RAPPORT_REAL_FIXTURES is
//! set, the recorded real payloads). The fetch code runs as a user runs it; the
//! webmention.io address comes from RAPPORT_WEBMENTION_IO_URL, the Mastodon one from
//! the post's `syndication:` address. No test reaches the network.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::harness::{fixtures_dir, real_fixtures, select, text, Run, SiteTest};

/// One canned answer.
#[derive(Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(body: &str) -> Reply {
        Reply {
            status: 200,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }
}

/// A loopback server answering by path (the part before `?`), or by path and page
/// (`/api/mentions.jf2&page=1`); it records every request's target, followed by
/// ` (Authorization: …)` when one was sent.
pub struct Server {
    pub base: String,
    routes: Arc<Mutex<HashMap<String, Reply>>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl Server {
    pub fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<HashMap<String, Reply>>> = Arc::default();
        let requests: Arc<Mutex<Vec<String>>> = Arc::default();
        let (r, q) = (routes.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut first = String::new();
                if reader.read_line(&mut first).is_err() {
                    continue;
                }
                let mut authorization = String::new();
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    let lower = line.to_ascii_lowercase();
                    if let Some(value) = lower.strip_prefix("authorization:") {
                        let value = &line[line.len() - value.len()..];
                        authorization = format!(" (Authorization: {})", value.trim());
                    }
                }
                let target = first.split(' ').nth(1).unwrap_or("/").to_string();
                q.lock().unwrap().push(format!("{target}{authorization}"));
                let path = target.split('?').next().unwrap_or("/");
                // A route for `PATH&page=N` answers that page of a listing.
                let page = target
                    .split(['?', '&'])
                    .find_map(|kv| kv.strip_prefix("page="))
                    .map(|n| format!("{path}&page={n}"));
                let routes = r.lock().unwrap();
                let reply = page
                    .and_then(|p| routes.get(&p))
                    .or_else(|| routes.get(path));
                let reply = reply.cloned().unwrap_or(Reply {
                    status: 404,
                    headers: Vec::new(),
                    body: "{\"error\":\"not found\"}".into(),
                });
                let mut head = format!(
                    "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                    reply.status,
                    reply.body.len()
                );
                for (k, v) in &reply.headers {
                    head.push_str(&format!("{k}: {v}\r\n"));
                }
                head.push_str("\r\n");
                let _ = stream.write_all(head.as_bytes());
                let _ = stream.write_all(reply.body.as_bytes());
                let _ = stream.flush();
                let _ = reader.read(&mut [0; 0]);
            }
        });
        Server {
            base,
            routes,
            requests,
        }
    }

    pub fn route(&self, path: &str, reply: Reply) {
        self.routes.lock().unwrap().insert(path.to_string(), reply);
    }

    /// Serves a file of tests/fixtures/fetch/ with `{{BASE}}` made this server's address.
    pub fn serve_fixture(&self, path: &str, file: &str) {
        self.route(path, Reply::json(&self.fixture(file)));
    }

    pub fn fixture(&self, file: &str) -> String {
        std::fs::read_to_string(fixtures_dir().join("fetch").join(file))
            .unwrap()
            .replace("{{BASE}}", &self.base)
    }

    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }
}

pub const WEBMENTIONS: &str = "/api/mentions.jf2";
pub const CONTEXT: &str = "/api/v1/statuses/100/context";

/// A site whose post `hello` was announced by status 100 of the test server, with
/// webmention.io (also the test server) set up, and the author's account on it.
pub fn site(server: &Server) -> SiteTest {
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        &format!(
            "title = \"Test\"\nbase_url = \"https://blog.example/\"\n\n[author]\nname = \"Pauline\"\naccounts = [\"{}/@pauline\"]\n\n[fetch]\nwebmention_io = {{ domain = \"blog.example\" }}\nmastodon = true\n",
            server.base
        ),
    );
    site.write(
        "content/posts/hello.md",
        &format!(
            "---\ntitle: Hello\ndate: 2024-01-01\naliases: [\"/2019/05/hello/\"]\nsyndication:\n  - \"{}/@pauline/100\"\n---\nHello, world.\n",
            server.base
        ),
    );
    site.write(
        "content/posts/other.md",
        "---\ntitle: Other\ndate: 2024-01-02\n---\nAnother post.\n",
    );
    site
}

/// The server and site of most tests, both sources serving their fixtures.
pub fn setup() -> (Server, SiteTest) {
    let server = Server::start();
    server.serve_fixture(WEBMENTIONS, "webmention-page.json");
    server.serve_fixture(CONTEXT, "mastodon-context.json");
    let site = site(&server);
    (server, site)
}

/// Runs `rapport fetch ARGS` in the site with the test server as webmention.io.
pub fn fetch(site: &SiteTest, server: &Server, args: &[&str]) -> Run {
    let args: Vec<&str> = std::iter::once("fetch")
        .chain(args.iter().copied())
        .collect();
    site.run_with_env(
        &args,
        &[
            ("RAPPORT_WEBMENTION_IO_URL", &server.base),
            ("WEBMENTION_IO_TOKEN", "test-token"),
        ],
        &[],
    )
}

/// The same without a webmention.io token.
fn fetch_without_token(site: &SiteTest, server: &Server, args: &[&str]) -> Run {
    let args: Vec<&str> = std::iter::once("fetch")
        .chain(args.iter().copied())
        .collect();
    site.run_with_env(
        &args,
        &[("RAPPORT_WEBMENTION_IO_URL", &server.base)],
        &["WEBMENTION_IO_TOKEN"],
    )
}

pub fn thread_file(site: &SiteTest) -> String {
    std::fs::read_to_string(site.root.join("content/posts/hello.comments.yaml")).unwrap()
}

/// The thread file's comments as (id, parent, author, role, state) lines.
pub fn shape(site: &SiteTest) -> Vec<String> {
    let text = thread_file(site);
    let mut out = Vec::new();
    for entry in text.split("\n  - id: ").skip(1) {
        let id = entry.lines().next().unwrap().trim_matches('"').to_string();
        let key = |k: &str| {
            entry
                .lines()
                .find_map(|l| l.trim().strip_prefix(&format!("{k}: ")))
                .map(|v| v.trim_matches('"').to_string())
                .unwrap_or_default()
        };
        out.push(format!(
            "{id} parent={} author={} role={} state={}",
            key("parent"),
            key("author"),
            key("role"),
            key("state")
        ));
    }
    out
}

/// The id the Mastodon source gives the status with this `uri`.
pub fn toot(uri: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in uri.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("toot-{hash:016x}")
}

#[test]
fn fetch_brings_replies_mentions_and_reactions_into_one_nested_thread() {
    let (server, site) = setup();
    let run = fetch(&site, &server, &[]).success();
    assert_eq!(
        run.stdout,
        "content/posts/hello.md: 10 new; reactions now 1 like, 2 reposts, 1 bookmark\n"
    );
    let fiona = toot("https://other.example/users/fiona/statuses/9001");
    let pauline = toot(&format!("{}/users/pauline/statuses/102", server.base));
    let cake = toot("https://other.example/users/fiona/statuses/9002");
    let gary = toot("https://third.example/users/gary/statuses/5");
    let impostor = toot("https://impostor.example/users/pauline/statuses/66");
    let mallory = toot("https://bad.example/users/mallory/statuses/1");
    assert_eq!(
        shape(&site),
        [
            format!("{fiona} parent= author=Fiona role= state="),
            format!("{pauline} parent={fiona} author=Pauline role=author state="),
            format!("{cake} parent={pauline} author=Fiona role= state="),
            format!("{gary} parent= author=gary role= state="),
            format!("{impostor} parent={fiona} author=Pauline role= state="),
            format!("{mallory} parent= author=Mallory role= state="),
            "wm-1 parent= author=Rita role= state=".to_string(),
            "wm-7 parent= author=Sam role=mention state=".to_string(),
            "wm-9 parent=wm-1 author=Tom role= state=".to_string(),
            // Sent to both posts, it answers the status that announced this one.
            "wm-12 parent= author=Vera role= state=".to_string(),
        ]
    );
    let text = thread_file(&site);
    assert!(
        text.starts_with("reactions:\n  likes: [\"wm-3\"]\n  reposts: [\"wm-4\", \"wm-5\"]\n  bookmarks: [\"wm-6\"]\ncomments:\n"),
        "{text}"
    );
    assert!(text.contains("    warning: \"cake spoilers\"\n"), "{text}");
    assert!(text.contains("    via: \"mastodon\"\n"), "{text}");
    // Nothing private, no avatar, no reply the source did not make public.
    for private in [
        "FOLLOWERS-ONLY",
        "DIRECT-MESSAGE",
        "WM-PRIVATE",
        "ABOUT-NO-POST",
        "avatar",
        ".png",
        ".jpg",
        "Liker",
        "Booster",
        "rita@reader.example",
    ] {
        assert!(!text.contains(private), "{private} in\n{text}");
    }
    assert!(!site.root.join("content/posts/other.comments.yaml").exists());

    site.build();
    let html = site.html("posts/hello/index.html");
    let depth = |id: &str| {
        select(&html, &format!("#comment-{id}"))[0]
            .value()
            .attr("data-depth")
            .unwrap()
            .to_string()
    };
    assert_eq!(depth(&fiona), "1");
    assert_eq!(depth(&pauline), "2");
    assert_eq!(depth(&cake), "3");
    assert_eq!(depth("wm-9"), "2");
    let by_author: Vec<String> = select(&html, ".by-author")
        .iter()
        .map(|e| e.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(by_author, [format!("comment-{pauline}")]);
    let via = select(&html, &format!("#comment-{fiona} .comment-via"));
    assert_eq!(text_of(&via[0]), "via Mastodon");
    assert_eq!(
        via[0].value().attr("href"),
        Some("https://other.example/@fiona/9001")
    );
    let warning = select(
        &html,
        &format!("#comment-{cake} details.content-warning summary"),
    );
    assert_eq!(text_of(&warning[0]), "cake spoilers");
    assert_eq!(
        text_of(&select(&html, ".reactions")[0]),
        "1 like · 2 reposts · 1 bookmark"
    );
    // The page invites the conversation where it happens.
    let reply = select(&html, ".reply-elsewhere a");
    assert_eq!(text_of(&reply[0]), "Reply on Mastodon");
    assert_eq!(
        reply[0].value().attr("href"),
        Some(format!("{}/@pauline/100", server.base).as_str())
    );
    let endpoint = select(&html, "link[rel=webmention]");
    assert_eq!(
        endpoint[0].value().attr("href"),
        Some("https://webmention.io/blog.example/webmention")
    );
    assert!(select(&site.html("posts/other/index.html"), ".reply-elsewhere").is_empty());
    let page = site.read("posts/hello/index.html");
    for bad in [
        "<script>alert",
        "onerror",
        "javascript:",
        "FOLLOWERS-ONLY",
        "WM-PRIVATE",
    ] {
        assert!(!page.contains(bad), "{bad} reached the page");
    }
    assert!(page.contains("Sam wrote about &lt;this&gt; post."));
}

fn text_of(e: &scraper::ElementRef<'_>) -> String {
    text(e)
}

#[test]
fn a_second_fetch_changes_no_byte_and_asks_only_for_what_is_newer() {
    let (server, site) = setup();
    fetch(&site, &server, &[]).success();
    let first = thread_file(&site);
    let run = fetch(&site, &server, &["--verbose"]).success();
    assert_eq!(run.stdout, "Nothing new.\n");
    assert_eq!(thread_file(&site), first);
    assert!(
        run.stderr
            .contains(&format!("GET {}/api/mentions.jf2?", server.base)),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("&token=…&"), "{}", run.stderr);
    assert!(!run.stderr.contains("test-token"), "{}", run.stderr);
    let asked: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.starts_with(WEBMENTIONS))
        .collect();
    assert_eq!(asked.len(), 2, "{asked:?}");
    assert!(!asked[0].contains("since_id"), "{}", asked[0]);
    assert!(asked[1].contains("&since_id=12&"), "{}", asked[1]);
}

#[test]
fn hand_edits_are_kept_when_new_responses_arrive() {
    let (server, site) = setup();
    fetch(&site, &server, &[]).success();
    let path = site.root.join("content/posts/hello.comments.yaml");
    let edited = thread_file(&site)
        .replace("A reply from my own blog.", "A reply, edited by hand.")
        + "  - id: mine\n    parent: wm-1\n    role: author\n    body: Thanks, Rita!\n";
    std::fs::write(&path, &edited).unwrap();
    let page = server
        .fixture("webmention-page.json")
        .replace("\"children\": [", "\"children\": [{\"type\": \"entry\", \"wm-id\": 11, \"wm-property\": \"in-reply-to\", \"wm-target\": \"https://blog.example/posts/hello/\", \"wm-received\": \"2024-03-01T10:00:00Z\", \"url\": \"https://late.example/1\", \"author\": {\"name\": \"Late\"}, \"content\": {\"text\": \"Late to the party.\"}},");
    server.route(WEBMENTIONS, Reply::json(&page));
    let run = fetch(&site, &server, &[]).success();
    assert_eq!(run.stdout, "content/posts/hello.md: 1 new\n");
    let text = thread_file(&site);
    assert!(text.starts_with(&edited), "{text}");
    assert!(text.ends_with("  - id: \"wm-11\"\n    author: \"Late\"\n    date: 2024-03-01T10:00:00Z\n    source: \"https://late.example/1\"\n    via: \"webmention\"\n    body: |\n      <p>Late to the party.</p>\n"), "{text}");
    site.build();
}

#[test]
fn full_fetch_withdraws_what_is_gone_and_keeps_the_threads_shape() {
    let (server, site) = setup();
    fetch(&site, &server, &[]).success();
    // Fiona deleted her first reply (which has answers) and Mallory hers (which has none);
    // a like was taken back.
    let context = server.fixture("mastodon-context.json");
    let mut value: serde_json::Value = serde_json::from_str(&context).unwrap();
    value["descendants"]
        .as_array_mut()
        .unwrap()
        .retain(|s| !matches!(s["id"].as_str(), Some("101" | "108")));
    server.route(CONTEXT, Reply::json(&value.to_string()));
    let page = server.fixture("webmention-page.json");
    let mut value: serde_json::Value = serde_json::from_str(&page).unwrap();
    value["children"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["wm-id"] != 3 && e["wm-id"] != 2);
    server.route(WEBMENTIONS, Reply::json(&value.to_string()));

    // Without --full nothing is withdrawn.
    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "Nothing new.\n"
    );
    let run = fetch(&site, &server, &["--full"]).success();
    assert_eq!(
        run.stdout,
        "content/posts/hello.md: 2 withdrawn; reactions now 2 reposts, 1 bookmark\n"
    );
    let fiona = toot("https://other.example/users/fiona/statuses/9001");
    let mallory = toot("https://bad.example/users/mallory/statuses/1");
    let text = thread_file(&site);
    assert!(!text.contains("Lovely post"), "{text}");
    assert!(!text.contains("Mallory"), "{text}");
    assert!(!text.contains("fiona/9001"), "{text}");
    let lines = shape(&site);
    assert_eq!(
        lines[0],
        format!("{fiona} parent= author= role= state=withdrawn")
    );
    assert!(lines.contains(&format!("{mallory} parent= author= role= state=withdrawn")));

    site.build();
    let html = site.html("posts/hello/index.html");
    let placeholder = select(&html, &format!("#comment-{fiona} .withdrawn"));
    assert_eq!(
        text_of(&placeholder[0]),
        "This response was withdrawn at its source."
    );
    let pauline = toot(&format!("{}/users/pauline/statuses/102", server.base));
    assert_eq!(
        select(&html, &format!("#comment-{pauline}"))[0]
            .value()
            .attr("data-depth"),
        Some("2")
    );
    assert!(select(&html, &format!("#comment-{mallory}")).is_empty());
    let feed = site.read("comments.xml");
    assert!(!feed.contains(&format!("comment-{fiona}")), "{feed}");
    assert!(feed.contains(&format!("comment-{pauline}")), "{feed}");
    // Withdrawn stays withdrawn.
    let again = thread_file(&site);
    fetch(&site, &server, &["--full"]).success();
    assert_eq!(thread_file(&site), again);
}

#[test]
fn a_rate_limited_or_cut_fetch_withdraws_nothing() {
    let (server, site) = setup();
    fetch(&site, &server, &[]).success();
    let before = thread_file(&site);
    server.route(
        CONTEXT,
        Reply {
            status: 429,
            headers: vec![("Retry-After".into(), "0".into())],
            body: "{\"error\":\"Too many requests\"}".into(),
        },
    );
    let page = server.fixture("webmention-page.json");
    server.route(WEBMENTIONS, Reply::json(&page[..page.len() / 2]));
    let run = fetch(&site, &server, &["--full"]).failure(1);
    assert_eq!(thread_file(&site), before);
    assert!(
        run.stderr.contains(
            "error: mastodon: the server asked to slow down (HTTP 429) and kept refusing for "
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("error: webmention.io: the answer is not complete JSON"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nothing was withdrawn"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("test-token"), "{}", run.stderr);
    let tries = server
        .requests()
        .iter()
        .filter(|r| r.starts_with(CONTEXT))
        .count();
    assert_eq!(tries, 1 + 3, "the 429 was tried three times");
}

#[test]
fn a_capped_mastodon_answer_withdraws_nothing() {
    let (server, site) = setup();
    fetch(&site, &server, &["--source", "mastodon"]).success();
    let before = thread_file(&site);
    let many: Vec<String> = (0..60)
        .map(|i| format!("{{\"id\": \"{}\", \"in_reply_to_id\": \"100\", \"visibility\": \"public\", \"created_at\": \"2024-03-01T10:00:00Z\", \"uri\": \"https://many.example/s/{i}\", \"url\": \"https://many.example/@m/{i}\", \"content\": \"<p>n{i}</p>\", \"account\": {{\"username\": \"m\", \"url\": \"https://many.example/@m\"}}}}", 1000 + i))
        .collect();
    server.route(
        CONTEXT,
        Reply::json(&format!(
            "{{\"ancestors\": [], \"descendants\": [{}]}}",
            many.join(",")
        )),
    );
    let run = fetch(&site, &server, &["--full", "--source", "mastodon"]).success();
    assert!(
        run.stdout.starts_with("content/posts/hello.md: 60 new\n"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("warning: mastodon: "), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("gave 60 replies, as many as a server gives without an account"),
        "{}",
        run.stdout
    );
    assert!(thread_file(&site).starts_with(&before));
    assert!(!thread_file(&site).contains("withdrawn"));
}

#[test]
fn an_edit_at_the_source_updates_the_comment() {
    let (server, site) = setup();
    fetch(&site, &server, &["--source", "mastodon"]).success();
    let context = server
        .fixture("mastodon-context.json")
        .replace("<p>Lovely post!</p>", "<p>Lovely post, edited!</p>")
        .replacen(
            "\"edited_at\": null",
            "\"edited_at\": \"2024-02-02T08:00:00.000Z\"",
            1,
        );
    server.route(CONTEXT, Reply::json(&context));
    let run = fetch(&site, &server, &["--source", "mastodon"]).success();
    assert_eq!(run.stdout, "content/posts/hello.md: 1 updated\n");
    let text = thread_file(&site);
    assert!(text.contains("<p>Lovely post, edited!</p>"), "{text}");
    assert!(
        text.contains("    edited: 2024-02-02T08:00:00Z\n"),
        "{text}"
    );
    assert!(!text.contains("<p>Lovely post!</p>"), "{text}");
    assert_eq!(
        fetch(&site, &server, &["--source", "mastodon"])
            .success()
            .stdout,
        "Nothing new.\n"
    );
}

#[test]
fn one_reply_from_two_sources_is_written_once() {
    let (server, site) = setup();
    fetch(&site, &server, &["--source", "webmention"]).success();
    assert!(thread_file(&site).contains("  - id: \"wm-2\"\n"));
    let run = fetch(&site, &server, &["--source", "mastodon"]).success();
    // Five: Fiona's first reply is the webmention the file has.
    assert_eq!(run.stdout, "content/posts/hello.md: 5 new\n");
    let text = thread_file(&site);
    assert_eq!(text.matches("Lovely post!").count(), 1, "{text}");
    // Fiona's answers hang under the copy the file already had.
    let pauline = toot(&format!("{}/users/pauline/statuses/102", server.base));
    assert!(
        text.contains(&format!("  - id: \"{pauline}\"\n    parent: \"wm-2\"\n")),
        "{text}"
    );
}

#[test]
fn dry_run_writes_nothing_and_build_never_goes_online() {
    let (server, site) = setup();
    let run = fetch(&site, &server, &["--dry-run"]).success();
    assert!(
        run.stdout.ends_with("(dry run: nothing was written)\n"),
        "{}",
        run.stdout
    );
    assert!(!site.root.join("content/posts/hello.comments.yaml").exists());
    fetch(&site, &server, &[]).success();
    let asked = server.requests().len();
    site.build();
    assert_eq!(server.requests().len(), asked);
}

#[test]
fn one_post_is_fetched_by_its_addresses_without_a_token() {
    let (server, site) = setup();
    fetch_without_token(
        &site,
        &server,
        &["--post", "hello", "--source", "webmention"],
    )
    .success();
    let asked = server.requests();
    assert!(
        asked[0].contains("&target[]=https%3A%2F%2Fblog.example%2Fposts%2Fhello%2F&target[]=https%3A%2F%2Fblog.example%2F2019%2F05%2Fhello%2F&"),
        "{asked:?}"
    );
    assert!(!asked[0].contains("token"), "{asked:?}");
    assert!(thread_file(&site).contains("wm-1"));
}

#[test]
fn fetch_errors_say_what_to_do() {
    let server = Server::start();
    let site = site(&server);
    let run = fetch_without_token(&site, &server, &["--source", "webmention"]).failure(1);
    assert_eq!(
        run.stderr,
        "error: webmention.io: no token; set the environment variable WEBMENTION_IO_TOKEN to the API token of blog.example (webmention.io, Settings), or fetch one post with --post\n"
    );
    assert!(server.requests().is_empty());
    let run = fetch(&site, &server, &["--post", "nope"]).failure(1);
    assert!(
        run.stderr.contains(
            "error: --post nope: no post or page has this slug\n  help: name a post by its slug"
        ),
        "{}",
        run.stderr
    );
    let run = fetch(&site, &server, &["--source", "myspace"]).failure(1);
    assert!(
        run.stderr
            .contains("there is no source \"myspace\"; the sources are webmention, mastodon"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_token_may_come_from_a_file_outside_the_site_only() {
    let (server, site) = setup();
    let outside = tempfile::tempdir().unwrap();
    let file = outside.path().join("token");
    std::fs::write(&file, "file-token\n").unwrap();
    let file = file.to_string_lossy().into_owned();
    site.run_with_env(
        &["fetch", "--source", "webmention"],
        &[
            ("RAPPORT_WEBMENTION_IO_URL", &server.base),
            ("WEBMENTION_IO_TOKEN_FILE", &file),
        ],
        &["WEBMENTION_IO_TOKEN"],
    )
    .success();
    assert!(
        server.requests()[0].contains("&token=file-token&"),
        "{:?}",
        server.requests()
    );

    site.write("token.txt", "s3cret\n");
    let run = site
        .run_with_env(
            &["fetch"],
            &[("WEBMENTION_IO_TOKEN_FILE", "token.txt")],
            &["WEBMENTION_IO_TOKEN"],
        )
        .failure(1);
    assert_eq!(
        run.stderr,
        "error: WEBMENTION_IO_TOKEN_FILE names token.txt, which is inside the site: its files travel with the site's sources; keep the token in a file outside the site's folder\n"
    );
}

#[test]
fn a_listing_of_many_pages_is_read_to_its_end() {
    let server = Server::start();
    let like = |id: usize| {
        format!("{{\"type\": \"entry\", \"wm-id\": {id}, \"wm-property\": \"like-of\", \"wm-target\": \"https://blog.example/posts/hello/\", \"url\": \"https://likes.example/{id}\"}}")
    };
    let page = |ids: std::ops::Range<usize>| {
        let entries: Vec<String> = ids.map(like).collect();
        Reply::json(&format!("{{\"children\": [{}]}}", entries.join(",")))
    };
    server.route(&format!("{WEBMENTIONS}&page=0"), page(1..101));
    server.route(&format!("{WEBMENTIONS}&page=1"), page(101..151));
    let site = site(&server);
    let run = fetch(&site, &server, &["--source", "webmention", "--full"]).success();
    assert_eq!(
        run.stdout,
        "content/posts/hello.md: reactions now 150 likes\n"
    );
    assert_eq!(server.requests().len(), 2, "{:?}", server.requests());
    // The first page again, cut short: the second page's likes are not withdrawn.
    server.route(
        &format!("{WEBMENTIONS}&page=1"),
        Reply::json("{\"children\": ["),
    );
    let run = fetch(&site, &server, &["--source", "webmention", "--full"]).failure(1);
    assert_eq!(run.stdout, "Nothing new.\n");
}

#[test]
fn a_retry_after_too_long_to_wait_gives_up_at_once() {
    let (server, site) = setup();
    server.route(
        CONTEXT,
        Reply {
            status: 429,
            headers: vec![("Retry-After".into(), "3600".into())],
            body: "{}".into(),
        },
    );
    let run = fetch(&site, &server, &["--source", "mastodon"]).failure(1);
    assert!(run.stderr.contains("(HTTP 429)"), "{}", run.stderr);
    assert_eq!(server.requests().len(), 1, "{:?}", server.requests());
    assert!(!site.root.join("content/posts/hello.comments.yaml").exists());
}

#[test]
fn a_mastodon_token_goes_to_the_authors_own_server_only() {
    let (server, site) = setup();
    let elsewhere = Server::start();
    elsewhere.serve_fixture("/api/v1/statuses/200/context", "mastodon-context.json");
    site.write(
        "content/posts/other.md",
        &format!(
            "---\ntitle: Other\ndate: 2024-01-02\nsyndication: [\"{}/@pauline/200\"]\n---\nx\n",
            elsewhere.base
        ),
    );
    site.run_with_env(
        &["fetch", "--source", "mastodon"],
        &[("MASTODON_TOKEN", "my-own-token")],
        &[],
    )
    .success();
    assert_eq!(
        server.requests(),
        [format!("{CONTEXT} (Authorization: Bearer my-own-token)")]
    );
    assert_eq!(
        elsewhere.requests(),
        ["/api/v1/statuses/200/context".to_string()]
    );
    // Followers-only replies stay out, whoever asks.
    assert!(!thread_file(&site).contains("FOLLOWERS-ONLY"));
}

// ---- Real payloads (when RAPPORT_REAL_FIXTURES is set) ----

#[test]
fn real_mastodon_thread_of_59_replies_nests_seven_deep_with_the_authors_replies_marked() {
    let Some(real) = real_fixtures() else {
        return;
    };
    let server = Server::start();
    let body = std::fs::read_to_string(
        real.file("intake/mastodon/mastodon-social-109294719267373593-context-anonymous.json"),
    )
    .unwrap();
    server.route(
        "/api/v1/statuses/109294719267373593/context",
        Reply::json(&body),
    );
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://blog.example/\"\n[author]\naccounts = [\"https://mastodon.social/@austinkocher\"]\n[fetch]\nmastodon = true\n",
    );
    site.write(
        "content/posts/p.md",
        &format!("---\ntitle: P\ndate: 2022-11-05\nsyndication: [\"{}/@austinkocher/109294719267373593\"]\n---\nx\n", server.base),
    );
    let run = site.run(&["fetch"]).success();
    assert_eq!(run.stdout, "content/posts/p.md: 59 new\n");
    site.build();
    let html = site.html("posts/p/index.html");
    let depths: Vec<usize> = select(&html, ".comment")
        .iter()
        .map(|e| e.value().attr("data-depth").unwrap().parse().unwrap())
        .collect();
    assert_eq!(depths.len(), 59);
    assert_eq!(depths.iter().max(), Some(&7));
    assert_eq!(depths.iter().filter(|d| **d == 1).count(), 43);
    assert_eq!(select(&html, ".by-author").len(), 3);
    assert_eq!(site.run(&["fetch"]).success().stdout, "Nothing new.\n");
}

#[test]
fn real_bridgy_webmentions_become_replies_and_counts() {
    let Some(real) = real_fixtures() else {
        return;
    };
    let server = Server::start();
    let body =
        std::fs::read_to_string(real.file("webmention/cassey-dev-webmentions-cache.json")).unwrap();
    server.route(WEBMENTIONS, Reply::json(&body));
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://www.cassey.dev/\"\n[author]\naccounts = [\"https://urbanists.social/@cassey\"]\n[fetch]\nwebmention_io = { domain = \"www.cassey.dev\" }\n",
    );
    let value: serde_json::Value = serde_json::from_str(&body).unwrap();
    let mut slugs: Vec<String> = value["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["wm-target"].as_str())
        .filter_map(|t| t.strip_prefix("https://www.cassey.dev/posts/"))
        .map(|s| s.trim_end_matches('/').to_string())
        .collect();
    slugs.sort();
    slugs.dedup();
    for slug in &slugs {
        site.write(
            &format!("content/posts/{slug}.md"),
            "---\ntitle: A post\ndate: 2023-01-01\n---\nx\n",
        );
    }
    let run = fetch(&site, &server, &[]).success();
    let files: Vec<String> = slugs
        .iter()
        .filter_map(|s| {
            std::fs::read_to_string(site.root.join(format!("content/posts/{s}.comments.yaml"))).ok()
        })
        .collect();
    let all = files.concat();
    // Replies to the posts (not to the site's other pages), each once: one reply
    // linked two pages and comes twice.
    let on_posts = |kind: &str| {
        value["children"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["wm-property"] == kind)
            .filter(|e| {
                e["wm-target"]
                    .as_str()
                    .unwrap()
                    .starts_with("https://www.cassey.dev/posts/")
            })
            .map(|e| e["url"].as_str().unwrap().to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    assert_eq!(
        all.matches("\n  - id: ").count(),
        on_posts("in-reply-to"),
        "{}",
        run.stdout
    );
    assert_eq!(
        all.matches("role: author").count(),
        all.matches("    url: \"https://urbanists.social/@cassey\"\n")
            .count()
    );
    assert!(all.contains("role: author"));
    assert!(!all.contains("webmention.io/avatar"));
    let likes: usize = files
        .iter()
        .map(|f| {
            f.lines()
                .find(|l| l.starts_with("  likes:"))
                .map_or(0, |l| l.matches("wm-").count())
        })
        .sum();
    assert_eq!(likes, on_posts("like-of"));
    site.build();
    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "Nothing new.\n"
    );
}
