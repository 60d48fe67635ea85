//! `rapport fetch` from Bluesky: the loopback server of `fetch` stands in for the
//! public AppView (RAPPORT_BLUESKY_URL), serving a hand-made `getPostThread` answer
//! (tests/fixtures/fetch/bluesky-thread.json, shaped as the app.bsky.feed lexicon
//! says) and variants of it.

use crate::fetch::{shape, thread_file, Reply, Server};
use crate::harness::{select, text, Run, SiteTest};

const THREAD: &str = "/xrpc/app.bsky.feed.getPostThread";
const RESOLVE: &str = "/xrpc/com.atproto.identity.resolveHandle";
const ROOT: &str = "at://did:plc:pauline/app.bsky.feed.post/3kroot";

fn setup() -> (Server, SiteTest) {
    let server = Server::start();
    server.serve_fixture(THREAD, "bluesky-thread.json");
    server.serve_fixture(RESOLVE, "bluesky-resolve-handle.json");
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n\n[author]\nname = \"Pauline\"\naccounts = [\"https://bsky.app/profile/pauline.example\"]\n\n[fetch]\nbluesky = true\n",
    );
    site.write(
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2024-01-01\nsyndication:\n  - \"https://bsky.app/profile/pauline.example/post/3kroot\"\n---\nHello, world.\n",
    );
    (server, site)
}

fn fetch(site: &SiteTest, server: &Server, args: &[&str]) -> Run {
    let args: Vec<&str> = std::iter::once("fetch")
        .chain(args.iter().copied())
        .collect();
    let api = format!("{}/xrpc", server.base);
    site.run_with_env(&args, &[("RAPPORT_BLUESKY_URL", &api)], &[])
}

/// The id the Bluesky source gives the post with this `at://` URI.
fn bsky(uri: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in uri.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("bsky-{hash:016x}")
}

fn post(did: &str, rkey: &str) -> String {
    bsky(&format!("at://did:plc:{did}/app.bsky.feed.post/{rkey}"))
}

/// The fixture with the reply `rkey` (anywhere in the tree) replaced by `node`.
fn with_reply_replaced(server: &Server, rkey: &str, node: serde_json::Value) -> Reply {
    fn visit(v: &mut serde_json::Value, rkey: &str, node: &serde_json::Value) {
        let Some(replies) = v.get_mut("replies").and_then(|r| r.as_array_mut()) else {
            return;
        };
        for r in replies {
            let uri = r.pointer("/post/uri").and_then(|u| u.as_str());
            if uri.is_some_and(|u| u.ends_with(&format!("/{rkey}"))) {
                *r = node.clone();
            } else {
                visit(r, rkey, node);
            }
        }
    }
    let mut value: serde_json::Value =
        serde_json::from_str(&server.fixture("bluesky-thread.json")).unwrap();
    visit(&mut value["thread"], rkey, &node);
    Reply::json(&value.to_string())
}

#[test]
fn bluesky_replies_nest_as_there_with_only_the_authors_did_marked_as_hers() {
    let (server, site) = setup();
    let run = fetch(&site, &server, &[]).success();
    assert_eq!(run.stdout, "content/posts/hello.md: 6 new\n");
    // The author's handle and the post's are resolved once; the thread asked for by
    // its at:// URI, without the posts above it.
    let asked = server.requests();
    assert_eq!(
        asked,
        [
            format!("{RESOLVE}?handle=pauline.example"),
            format!("{THREAD}?uri=at%3A%2F%2Fdid%3Aplc%3Apauline%2Fapp.bsky.feed.post%2F3kroot&depth=40&parentHeight=0"),
        ]
    );
    let fiona = post("fiona", "3kfiona");
    let thanks = post("pauline", "3kthank");
    let cake = post("fiona", "3kcake");
    let impostor = post("impostor", "3kimpo");
    let gary = post("gary", "3kgary");
    let mallory = post("mallory", "3kmal");
    assert_eq!(
        shape(&site),
        [
            format!("{fiona} parent= author=Fiona role= state="),
            format!("{thanks} parent={fiona} author=Pauline role=author state="),
            format!("{impostor} parent={fiona} author=Pauline role= state="),
            format!("{cake} parent={thanks} author=Fiona role= state="),
            // Its parent asked to be seen by signed-in readers only: it is left out,
            // and the answer hangs at the top.
            format!("{gary} parent= author=gary.example role= state="),
            format!("{mallory} parent= author=Mallory role= state="),
        ]
    );
    let file = thread_file(&site);
    assert!(
        file.contains(&format!("  - id: \"{fiona}\"\n    author: \"Fiona\"\n    url: \"https://bsky.app/profile/did:plc:fiona\"\n    date: 2024-02-01T10:00:00Z\n    source: \"https://bsky.app/profile/did:plc:fiona/post/3kfiona\"\n    via: \"bluesky\"\n")),
        "{file}"
    );
    assert!(
        file.contains("<p>Lovely post! More at <a href=\"https://example.org/more\">example.org/more</a> and ping <a href=\"https://bsky.app/profile/did:plc:gary\">@gary.example</a></p>\n      <p>Cheers</p>"),
        "{file}"
    );
    for never in [
        "SIGNED-IN-ONLY",
        "POST-LABELLED",
        "HIDDEN-BY-OWNER",
        "HIDDEN-SUBTREE",
        "3kgone",
        "blocker",
        "avatar",
        "cdn.bsky.app",
        "javascript:",
    ] {
        assert!(!file.contains(never), "{never} in\n{file}");
    }

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
    assert_eq!(depth(&thanks), "2");
    assert_eq!(depth(&cake), "3");
    assert_eq!(depth(&gary), "1");
    let by_author: Vec<String> = select(&html, ".by-author")
        .iter()
        .map(|e| e.value().attr("id").unwrap().to_string())
        .collect();
    assert_eq!(by_author, [format!("comment-{thanks}")]);
    let via = select(&html, &format!("#comment-{fiona} .comment-via"));
    assert_eq!(text(&via[0]), "via Bluesky");
    assert_eq!(
        via[0].value().attr("href"),
        Some("https://bsky.app/profile/did:plc:fiona/post/3kfiona")
    );
    let reply = select(&html, ".reply-elsewhere a");
    assert_eq!(text(&reply[0]), "Reply on Bluesky");
    let page = site.read("posts/hello/index.html");
    for bad in ["<script>alert", "<img src=x", "javascript:", "cdn.bsky.app"] {
        assert!(!page.contains(bad), "{bad} reached the page");
    }
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "Mallory's text is shown as text"
    );
}

#[test]
fn a_second_bluesky_fetch_changes_no_byte() {
    let (server, site) = setup();
    fetch(&site, &server, &[]).success();
    let first = thread_file(&site);
    let run = fetch(&site, &server, &["--full"]).success();
    assert_eq!(run.stdout, "Nothing new.\n");
    assert_eq!(thread_file(&site), first);
}

#[test]
fn full_bluesky_fetch_withdraws_a_deleted_or_hidden_reply_and_keeps_the_rest() {
    let (server, site) = setup();
    fetch(&site, &server, &[]).success();
    // Fiona deleted her first reply, which has answers: the AppView drops it with its
    // answers, or shows a notFoundPost in its place. The owner hid Mallory's.
    let gone = serde_json::json!({
        "$type": "app.bsky.feed.defs#notFoundPost",
        "uri": "at://did:plc:fiona/app.bsky.feed.post/3kfiona",
        "notFound": true
    });
    let reply = with_reply_replaced(&server, "3kfiona", gone);
    let hidden = reply.body.replace(
        "\"hiddenReplies\":[",
        "\"hiddenReplies\":[\"at://did:plc:mallory/app.bsky.feed.post/3kmal\",",
    );
    assert_ne!(hidden, reply.body);
    server.route(THREAD, Reply::json(&hidden));

    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "Nothing new.\n"
    );
    let run = fetch(&site, &server, &["--full"]).success();
    assert_eq!(run.stdout, "content/posts/hello.md: 5 withdrawn\n");
    let fiona = post("fiona", "3kfiona");
    let gary = post("gary", "3kgary");
    let lines = shape(&site);
    assert_eq!(
        lines[0],
        format!("{fiona} parent= author= role= state=withdrawn")
    );
    assert!(lines.contains(&format!("{gary} parent= author=gary.example role= state=")));
    let file = thread_file(&site);
    for gone in ["Lovely post", "cake was a lie", "Mallory", "trust me"] {
        assert!(!file.contains(gone), "{gone} in\n{file}");
    }
    // Its answers went with it: nothing of that branch is left to show.
    site.build();
    let html = site.html("posts/hello/index.html");
    assert!(select(&html, &format!("#comment-{fiona}")).is_empty());
    assert_eq!(
        select(&html, &format!("#comment-{gary}"))[0]
            .value()
            .attr("data-depth"),
        Some("1")
    );
    // Withdrawn stays withdrawn.
    fetch(&site, &server, &["--full"]).success();
    assert_eq!(thread_file(&site), file);
}

#[test]
fn a_rate_limited_or_cut_bluesky_fetch_withdraws_nothing() {
    let (server, site) = setup();
    fetch(&site, &server, &[]).success();
    let before = thread_file(&site);
    server.route(
        THREAD,
        Reply {
            status: 429,
            headers: vec![("Retry-After".into(), "0".into())],
            body: "{\"error\":\"RateLimitExceeded\"}".into(),
        },
    );
    let run = fetch(&site, &server, &["--full"]).failure(1);
    assert_eq!(thread_file(&site), before);
    assert!(
        run.stderr.contains(
            "error: bluesky: the server asked to slow down (HTTP 429) and kept refusing for "
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("nothing was withdrawn"),
        "{}",
        run.stderr
    );
    let tries = server
        .requests()
        .iter()
        .filter(|r| r.starts_with(THREAD))
        .count();
    assert_eq!(tries, 1 + 3, "the 429 was tried three times");

    let body = server.fixture("bluesky-thread.json");
    server.route(THREAD, Reply::json(&body[..body.len() / 2]));
    let run = fetch(&site, &server, &["--full"]).failure(1);
    assert!(
        run.stderr
            .contains("error: bluesky: the answer is not complete JSON"),
        "{}",
        run.stderr
    );
    assert_eq!(thread_file(&site), before);
}

#[test]
fn a_thread_deeper_than_asked_withdraws_nothing() {
    let (server, site) = setup();
    fetch(&site, &server, &[]).success();
    let before = thread_file(&site);
    // Fiona's reply came without its answers (beyond the depth asked), yet counts 2.
    let mut value: serde_json::Value =
        serde_json::from_str(&server.fixture("bluesky-thread.json")).unwrap();
    let fiona = &mut value["thread"]["replies"][0];
    fiona.as_object_mut().unwrap().remove("replies");
    server.route(THREAD, Reply::json(&value.to_string()));
    let run = fetch(&site, &server, &["--full"]).success();
    assert!(run.stdout.starts_with("Nothing new.\n"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("warning: bluesky: the thread of at://did:plc:pauline/app.bsky.feed.post/3kroot is deeper than 40 replies"),
        "{}",
        run.stdout
    );
    assert_eq!(thread_file(&site), before);
}

#[test]
fn a_retry_after_given_as_a_date_is_honoured() {
    let (server, site) = setup();
    // A date an hour away is longer than a fetch waits: it gives up at once.
    let later = (chrono::Utc::now() + chrono::Duration::hours(1))
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    server.route(
        THREAD,
        Reply {
            status: 429,
            headers: vec![("Retry-After".into(), later)],
            body: "{}".into(),
        },
    );
    let run = fetch(&site, &server, &[]).failure(1);
    assert!(run.stderr.contains("(HTTP 429)"), "{}", run.stderr);
    let tries = |server: &Server| {
        server
            .requests()
            .iter()
            .filter(|r| r.starts_with(THREAD))
            .count()
    };
    assert_eq!(tries(&server), 1, "{:?}", server.requests());
    // A date already past: try again at once, as often as the client tries.
    let (server, site) = setup();
    server.route(
        THREAD,
        Reply {
            status: 429,
            headers: vec![("Retry-After".into(), "Wed, 21 Oct 2015 07:28:00 GMT".into())],
            body: "{}".into(),
        },
    );
    fetch(&site, &server, &[]).failure(1);
    assert_eq!(tries(&server), 3, "{:?}", server.requests());
    assert!(!site.root.join("content/posts/hello.comments.yaml").exists());
}

#[test]
fn an_authors_handle_that_cannot_be_found_writes_nothing() {
    let (server, site) = setup();
    server.route(
        RESOLVE,
        Reply {
            status: 400,
            headers: Vec::new(),
            body: "{\"error\":\"InvalidRequest\",\"message\":\"Unable to resolve handle\"}".into(),
        },
    );
    let run = fetch(&site, &server, &[]).failure(1);
    assert!(
        run.stderr.contains("error: bluesky: cannot find the account pauline.example of [author] accounts: the server answered HTTP 400 for "),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("write its DID (did:plc:…) instead"));
    assert!(!site.root.join("content/posts/hello.comments.yaml").exists());
    // With the DID written, and the post named by its at:// URI, no handle is asked.
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n[author]\naccounts = [\"did:plc:pauline\"]\n[fetch]\nbluesky = true\n",
    );
    site.write(
        "content/posts/hello.md",
        &format!("---\ntitle: Hello\ndate: 2024-01-01\nsyndication: [\"{ROOT}\"]\n---\nx\n"),
    );
    let asked = server.requests().len();
    fetch(&site, &server, &[]).success();
    assert!(server.requests()[asked..]
        .iter()
        .all(|r| r.starts_with(THREAD)));
    assert!(thread_file(&site).contains("role: author"));
}

#[test]
fn a_post_announced_on_mastodon_and_bluesky_gets_one_conversation() {
    let (server, site) = setup();
    server.serve_fixture("/api/v1/statuses/100/context", "mastodon-context.json");
    site.write(
        "site.toml",
        &format!(
            "title = \"Test\"\nbase_url = \"https://blog.example/\"\n[author]\nname = \"Pauline\"\naccounts = [\"{}/@pauline\", \"did:plc:pauline\"]\n[fetch]\nmastodon = true\nbluesky = true\n",
            server.base
        ),
    );
    site.write(
        "content/posts/hello.md",
        &format!(
            "---\ntitle: Hello\ndate: 2024-01-01\nsyndication:\n  - \"{}/@pauline/100\"\n  - \"https://bsky.app/profile/did:plc:pauline/post/3kroot\"\n---\nHello.\n",
            server.base
        ),
    );
    let run = fetch(&site, &server, &[]).success();
    assert_eq!(run.stdout, "content/posts/hello.md: 12 new\n");
    site.build();
    let html = site.html("posts/hello/index.html");
    let replies: Vec<String> = select(&html, ".reply-elsewhere a")
        .iter()
        .map(|a| text(a))
        .collect();
    assert_eq!(replies, ["Reply on Mastodon", "Reply on Bluesky"]);
    assert_eq!(select(&html, ".by-author").len(), 2);
    let via: Vec<String> = select(&html, ".comment-via")
        .iter()
        .map(|a| text(a))
        .collect();
    assert_eq!(via.iter().filter(|v| *v == "via Bluesky").count(), 6);
    assert_eq!(via.iter().filter(|v| *v == "via Mastodon").count(), 6);
    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "Nothing new.\n"
    );
}

#[test]
fn a_bluesky_reply_that_also_comes_through_bridgy_is_written_once() {
    let (server, site) = setup();
    // Bridgy names the reply's page by its author's handle; the AppView gives a DID.
    server.route(
        "/api/mentions.jf2",
        Reply::json(
            "{\"children\": [{\"type\": \"entry\", \"wm-id\": 50, \"wm-property\": \"in-reply-to\", \"wm-target\": \"https://blog.example/posts/hello/\", \"wm-received\": \"2024-02-01T10:05:00Z\", \"wm-source\": \"https://brid.gy/comment/bluesky/did:plc:pauline/3kroot/3kfiona\", \"url\": \"https://bsky.app/profile/fiona.example/post/3kfiona\", \"author\": {\"name\": \"Fiona\", \"url\": \"https://bsky.app/profile/fiona.example\"}, \"content\": {\"text\": \"Lovely post! More at example.org/more\"}}]}",
        ),
    );
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n[author]\naccounts = [\"did:plc:pauline\"]\n[fetch]\nbluesky = true\nwebmention_io = { domain = \"blog.example\" }\n",
    );
    let env = |args: &[&str]| {
        let api = format!("{}/xrpc", server.base);
        let args: Vec<&str> = std::iter::once("fetch")
            .chain(args.iter().copied())
            .collect();
        site.run_with_env(
            &args,
            &[
                ("RAPPORT_BLUESKY_URL", &api),
                ("RAPPORT_WEBMENTION_IO_URL", &server.base),
                ("WEBMENTION_IO_TOKEN", "t"),
            ],
            &[],
        )
    };
    let run = env(&["--source", "webmention"]).success();
    assert_eq!(run.stdout, "content/posts/hello.md: 1 new\n");
    let run = env(&[]).success();
    assert_eq!(run.stdout, "content/posts/hello.md: 5 new\n");
    let file = thread_file(&site);
    assert_eq!(file.matches("Lovely post!").count(), 1, "{file}");
    // Fiona's answers hang under the copy the file already had.
    let thanks = post("pauline", "3kthank");
    assert!(
        file.contains(&format!("  - id: \"{thanks}\"\n    parent: \"wm-50\"\n")),
        "{file}"
    );
    assert_eq!(env(&[]).success().stdout, "Nothing new.\n");
}
