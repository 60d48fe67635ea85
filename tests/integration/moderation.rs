//! Moderation as the author uses it: with `[comments] review = true` fetched responses
//! wait, `rapport replies` lists them, `rapport approve` / `rapport reject` (or an
//! edit of the file) decide; `[comments] deny` keeps domains and accounts out. The
//! fetch runs against the loopback server of the fetch tests.

use crate::fetch::{fetch, setup, shape, thread_file, toot, Reply, Server, CONTEXT};
use crate::harness::{select, text, SiteTest};

/// The fetch tests' site with `[comments]` holding `settings`.
fn moderated(settings: &str) -> (Server, SiteTest) {
    let (server, site) = setup();
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("{toml}\n[comments]\n{settings}\n"));
    (server, site)
}

fn ids_on_page(site: &SiteTest) -> Vec<String> {
    let html = site.html("posts/hello/index.html");
    select(&html, "li.comment")
        .iter()
        .map(|e| {
            e.value()
                .attr("id")
                .unwrap()
                .trim_start_matches("comment-")
                .to_string()
        })
        .collect()
}

/// The entry of comment `id` in the thread file, from its `  - id:` line to the next.
fn entry(site: &SiteTest, id: &str) -> String {
    let text = thread_file(site);
    let start = text
        .find(&format!("\n  - id: \"{id}\"\n"))
        .unwrap_or_else(|| panic!("no {id} in\n{text}"))
        + 1;
    let end = text[start + 1..]
        .find("\n  - id: ")
        .map_or(text.len(), |e| start + 1 + e + 1);
    text[start..end].to_string()
}

fn set_state(site: &SiteTest, id: &str, from: &str, to: &str) {
    let text = thread_file(site);
    let old = entry(site, id);
    assert!(old.contains(from), "{old}");
    let new = old.replace(from, to);
    site.write(
        "content/posts/hello.comments.yaml",
        &text.replace(&old, &new),
    );
}

#[test]
fn with_review_on_fetched_responses_wait_and_nothing_is_published() {
    let (server, site) = moderated("review = true");
    let run = fetch(&site, &server, &[]).success();
    assert_eq!(
        run.stdout,
        "content/posts/hello.md: 10 pending review; reactions now 1 like, 2 reposts, 1 bookmark\n"
    );
    let lines = shape(&site);
    assert_eq!(lines.len(), 10);
    // Even the author's own reply: it answers Fiona's, which is not shown yet.
    for line in &lines {
        assert!(line.ends_with("state=pending"), "{line}");
    }

    site.run(&["check"]).success();
    site.build();
    assert!(ids_on_page(&site).is_empty());
    let html = site.html("posts/hello/index.html");
    assert!(
        select(&html, ".engagement-figures").is_empty() || {
            let figures = text(&select(&html, ".engagement-figures")[0]);
            !figures.contains("Comments")
        }
    );
    let page = site.read("posts/hello/index.html");
    let feed = site.read("comments.xml");
    let search = site.read("search/index.json");
    let conversations = site.read("engagement/index.html");
    for text in [&page, &feed, &search, &conversations] {
        for secret in ["Lovely post", "Fiona", "Mallory", "Rita"] {
            assert!(!text.contains(secret), "{secret} published");
        }
    }
    assert!(!feed.contains("<entry>"), "{feed}");

    // A second fetch changes nothing: pending responses are known.
    let before = thread_file(&site);
    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "Nothing new.\n"
    );
    assert_eq!(thread_file(&site), before);
}

#[test]
fn replies_lists_pending_responses_first_with_where_they_came_from() {
    let (server, site) = moderated("review = true");
    fetch(&site, &server, &[]).success();
    let fiona = toot("https://other.example/users/fiona/statuses/9001");
    let out = site.run(&["replies"]).success().stdout;
    let line = entry(&site, &fiona);
    assert!(line.contains("state: pending"));
    let text = thread_file(&site);
    let at = text[..text.find(&format!("\"{fiona}\"")).unwrap()]
        .lines()
        .count();
    assert!(
        out.starts_with(&format!(
            "Hello (content/posts/hello.comments.yaml)\n  content/posts/hello.comments.yaml:{at}  #{fiona}  Fiona <https://other.example/@fiona>, 2024-02-01: Lovely post!\n"
        )),
        "{out}"
    );
    assert!(
        out.contains("      from via mastodon, https://other.example/@fiona/9001\n"),
        "{out}"
    );
    assert!(
        out.contains("10 responses are waiting for review: rapport approve ID publishes one, rapport reject ID turns it down.\n"),
        "{out}"
    );
    // Pending ones are not yet reader comments awaiting a reply.
    assert!(
        out.ends_with("Every reader comment has an answer.\n"),
        "{out}"
    );
    let json = site.run(&["replies", "--json"]).success().stdout;
    let value: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(value[0]["state"], "pending");
    assert_eq!(value[0]["id"], fiona.as_str());
    assert_eq!(value[0]["via"], "mastodon");
}

#[test]
fn approve_publishes_and_reject_removes_for_good() {
    let (server, site) = moderated("review = true");
    fetch(&site, &server, &[]).success();
    let fiona = toot("https://other.example/users/fiona/statuses/9001");
    let pauline = toot(&format!("{}/users/pauline/statuses/102", server.base));
    let mallory = toot("https://bad.example/users/mallory/statuses/1");

    let run = site
        .run(&["approve", &format!("#{fiona}"), &pauline])
        .success();
    assert!(
        run.stdout
            .contains(&format!("#{fiona} approved: it shows on the next build\n")),
        "{}",
        run.stdout
    );
    assert!(!entry(&site, &fiona).contains("state:"));
    assert!(entry(&site, &fiona).contains("Lovely post"));
    site.build();
    assert_eq!(ids_on_page(&site), [fiona.clone(), pauline.clone()]);
    let html = site.html("posts/hello/index.html");
    assert_eq!(
        text(&select(&html, &format!("#comment-{fiona} .comment-author"))[0]),
        "Fiona"
    );
    assert!(site.read("comments.xml").contains("Lovely post"));

    let run = site.run(&["reject", &mallory]).success();
    assert!(
        run.stdout
            .contains("rejected: its name and text are removed, and no fetch brings it back"),
        "{}",
        run.stdout
    );
    let rejected = entry(&site, &mallory);
    assert!(rejected.contains("state: rejected"), "{rejected}");
    assert!(
        rejected.contains("source: \"https://bad.example/@mallory/1\""),
        "{rejected}"
    );
    assert!(!thread_file(&site).contains("Mallory"));
    assert!(rejected.contains("body: \"\""), "{rejected}");

    // Neither a fetch nor a full one brings it back.
    let before = thread_file(&site);
    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "Nothing new.\n"
    );
    fetch(&site, &server, &["--full"]).success();
    assert_eq!(thread_file(&site), before);
    site.build();
    assert!(!ids_on_page(&site).contains(&mallory));

    // A rejected response with published replies keeps the thread's shape.
    site.run(&["reject", &fiona]).success();
    site.build();
    let html = site.html("posts/hello/index.html");
    let placeholder = select(&html, &format!("#comment-{fiona} .withdrawn"));
    assert_eq!(text(&placeholder[0]), "This response is not shown.");
    // Nothing of what was refused shows: neither when it came nor from where.
    for shown in ["time", ".comment-via"] {
        assert!(
            select(&html, &format!("#comment-{fiona} > article {shown}")).is_empty(),
            "{shown}"
        );
    }
    assert_eq!(
        select(&html, &format!("#comment-{pauline}"))[0]
            .value()
            .attr("data-depth"),
        Some("2")
    );
    assert!(!site.read("posts/hello/index.html").contains("Lovely post"));
    assert!(!site.read("comments.xml").contains("Lovely post"));
}

#[test]
fn an_edit_of_the_file_decides_as_the_commands_do() {
    let (server, site) = moderated("review = true");
    fetch(&site, &server, &[]).success();
    let gary = toot("https://third.example/users/gary/statuses/5");
    set_state(&site, &gary, "state: pending", "state: published");
    set_state(&site, "wm-1", "state: pending", "state: rejected");
    site.run(&["check"]).success();
    site.build();
    assert_eq!(ids_on_page(&site), [gary]);
    assert!(!site.read("posts/hello/index.html").contains("Rita"));

    let before = thread_file(&site);
    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "Nothing new.\n"
    );
    assert_eq!(thread_file(&site), before);
    // `approve` knows a rejected one has nothing left to publish.
    let run = site.run(&["approve", "wm-1"]).failure(1);
    assert!(
        run.stderr.contains("comment \"wm-1\" was rejected"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("delete its entry from the thread file and run rapport fetch"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_reply_deleted_by_hand_comes_back_pending_and_a_rejected_one_does_not() {
    let (server, site) = moderated("review = true");
    fetch(&site, &server, &[]).success();
    let text = thread_file(&site);
    let rita = entry(&site, "wm-1");
    let tom = entry(&site, "wm-9");
    // Tom answers Rita: deleting Rita's entry would leave Tom's parent missing.
    site.write(
        "content/posts/hello.comments.yaml",
        &text.replace(&rita, "").replace(&tom, ""),
    );
    assert!(!thread_file(&site).contains("Rita"));
    // Deleting is forgetting: the next fetch brings it back, for review again.
    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "content/posts/hello.md: 2 pending review\n"
    );
    assert!(entry(&site, "wm-1").contains("state: pending"));
    site.build();
    assert!(ids_on_page(&site).is_empty());

    site.run(&["reject", "wm-1", "wm-9"]).success();
    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "Nothing new.\n"
    );
    assert!(!thread_file(&site).contains("Rita"));
}

#[test]
fn unknown_or_ambiguous_ids_change_nothing() {
    let (server, site) = moderated("review = true");
    fetch(&site, &server, &[]).success();
    let before = thread_file(&site);
    let run = site.run(&["approve", "wm-1", "nope"]).failure(1);
    assert!(
        run.stderr.contains("no comment has the id \"nope\""),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: give the id as rapport replies prints it"),
        "{}",
        run.stderr
    );
    assert_eq!(thread_file(&site), before);

    site.write(
        "content/posts/other.comments.yaml",
        "comments:\n  - id: \"wm-1\"\n    author: \"Una\"\n    state: pending\n    body: \"Hi\"\n",
    );
    let run = site.run(&["approve", "wm-1"]).failure(1);
    assert!(
        run.stderr.contains("is in more than one thread file"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--post hello"), "{}", run.stderr);
    site.run(&["approve", "wm-1", "--post", "other"]).success();
    assert!(
        !std::fs::read_to_string(site.root.join("content/posts/other.comments.yaml"))
            .unwrap()
            .contains("state:")
    );
    assert_eq!(thread_file(&site), before);
}

#[test]
fn denied_domains_and_accounts_are_never_stored() {
    let (server, site) = moderated("deny = [\"bad.example\", \"https://other.example/@fiona\"]");
    let run = fetch(&site, &server, &[]).success();
    // Fiona's two toots (the Bridgy copy of one is the same reply), and Mallory's.
    assert_eq!(
        run.stdout,
        "content/posts/hello.md: 7 new, 3 denied; reactions now 1 like, 2 reposts, 1 bookmark\n"
    );
    let text = thread_file(&site);
    for denied in ["Mallory", "bad.example", "@fiona", "Lovely post", "cake"] {
        assert!(!text.contains(denied), "{denied} in\n{text}");
    }
    // Another account on the same server is not Fiona.
    assert!(text.contains("author: \"Vera\""), "{text}");
    // Denied responses are counted again at each fetch, and still not stored.
    assert_eq!(
        fetch(&site, &server, &[]).success().stdout,
        "content/posts/hello.md: 3 denied\n"
    );
    assert_eq!(thread_file(&site), text);
}

#[test]
fn a_display_name_neither_denies_nor_escapes_the_deny_list() {
    let (server, site) = moderated("deny = [\"https://bad.example/@mallory\"]");
    // Someone elsewhere calling themselves Mallory, and Mallory calling herself Pauline.
    let context = server.fixture("mastodon-context.json");
    let mut value: serde_json::Value = serde_json::from_str(&context).unwrap();
    let statuses = value["descendants"].as_array_mut().unwrap();
    let mallory = statuses.iter().find(|s| s["id"] == "108").unwrap().clone();
    let mut namesake = mallory.clone();
    namesake["id"] = "109".into();
    namesake["uri"] = "https://good.example/users/someone/statuses/1".into();
    namesake["url"] = "https://good.example/@someone/1".into();
    namesake["account"]["url"] = "https://good.example/@someone".into();
    namesake["account"]["uri"] = "https://good.example/users/someone".into();
    namesake["account"]["acct"] = "someone@good.example".into();
    statuses.push(namesake);
    for s in statuses.iter_mut().filter(|s| s["id"] == "108") {
        s["account"]["display_name"] = "Pauline".into();
        s["account"]["username"] = "pauline".into();
    }
    server.route(CONTEXT, Reply::json(&value.to_string()));

    fetch(&site, &server, &[]).success();
    let lines = shape(&site);
    let namesake = toot("https://good.example/users/someone/statuses/1");
    assert!(
        lines.contains(&format!("{namesake} parent= author=Mallory role= state=")),
        "{lines:#?}"
    );
    let denied = toot("https://bad.example/users/mallory/statuses/1");
    assert!(!lines.iter().any(|l| l.starts_with(&denied)), "{lines:#?}");
}

#[test]
fn a_bad_deny_entry_is_an_error_at_its_line() {
    let site = SiteTest::with_files(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[comments]\nreview = true\ndeny = [\n  \"spam.example\",\n  \"Mallory\",\n]\n",
        ),
        ("content/posts/a.md", "---\ntitle: A\ndate: 2024-01-01\n---\nHi.\n"),
    ]);
    let run = site.run(&["check"]).failure(1);
    assert!(
        run.stderr
            .contains("site.toml:8: deny entry \"Mallory\" is not a domain name"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("help: write a domain (\"spam.example\""),
        "{}",
        run.stderr
    );
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[comments]\ndeny = [\"Mallory the Troll\"]\n",
    );
    let run = site.run(&["build"]).failure(1);
    assert!(
        run.stderr.contains("site.toml:5: deny entry \"Mallory the Troll\" has a space in it: a display name is not an identity"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_post_offers_reply_by_email_with_its_title_as_subject() {
    let site = SiteTest::with_files(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[comments]\nreply_email = \"pauline@example.org\"\n",
        ),
        (
            "content/posts/a.md",
            "---\ntitle: \"Cakes & ale? 100% \\\"true\\\" #1\"\ndate: 2024-01-01\nsyndication: [\"https://social.example/@pauline/100\"]\n---\nHi.\n",
        ),
    ]);
    site.build();
    let html = site.html("posts/a/index.html");
    let links = select(&html, ".reply-elsewhere a");
    assert_eq!(text(&links[0]), "Reply on Mastodon");
    assert_eq!(text(&links[1]), "Reply by email");
    assert_eq!(
        links[1].value().attr("href"),
        Some(
            "mailto:pauline@example.org?subject=Cakes%20%26%20ale%3F%20100%25%20%22true%22%20%231"
        )
    );

    // In the site's language; a bad address is an error at its line.
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"fr\"\n\n[comments]\nreply_email = \"pauline@example.org\"\n",
    );
    site.build();
    let html = site.html("posts/a/index.html");
    assert_eq!(
        text(&select(&html, ".reply-elsewhere a")[1]),
        "Répondre par e-mail"
    );
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[comments]\nreply_email = \"Pauline <pauline@example.org>\"\n",
    );
    let run = site.run(&["build"]).failure(1);
    assert!(
        run.stderr.contains(
            "site.toml:5: reply_email \"Pauline <pauline@example.org>\" is not an e-mail address"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_conversations_page_counts_replies_by_source() {
    let (server, site) = setup();
    site.write(
        "content/posts/other.comments.yaml",
        "comments:\n  - id: \"1\"\n    author: \"Una\"\n    body: \"Written here\"\n",
    );
    fetch(&site, &server, &[]).success();
    site.build();
    let html = site.html("engagement/index.html");
    let names: Vec<String> = select(&html, ".replies-by-source dt")
        .iter()
        .map(text)
        .collect();
    let counts: Vec<String> = select(&html, ".replies-by-source dd")
        .iter()
        .map(text)
        .collect();
    // Six toots (the impostor's too), three webmention replies (the mention is not
    // one), one comment written here.
    assert_eq!(names, ["Mastodon", "Webmentions", "On this site"]);
    assert_eq!(counts, ["6", "3", "1"]);

    // A site whose comments were all written on it shows no split.
    let plain = SiteTest::with_files(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/\"\n",
        ),
        (
            "content/posts/a.md",
            "---\ntitle: A\ndate: 2024-01-01\n---\nHi.\n",
        ),
        (
            "content/posts/a.comments.yaml",
            "comments:\n  - id: \"1\"\n    author: \"Una\"\n    body: \"Hi\"\n",
        ),
    ]);
    plain.build();
    assert!(select(&plain.html("engagement/index.html"), ".replies-by-source").is_empty());
}

/// A withdrawn author reply kept as a placeholder (a reader answered it) shows nothing
/// of when it came: not on its card, nor through the figures of the post page and of
/// the conversations page (7 days after Ann's comment is when it was written).
#[test]
fn a_withdrawn_reply_is_not_dated_by_the_reply_figures() {
    let site = SiteTest::with_files(&[
        (
            "site.toml",
            "title = \"Test\"\nbase_url = \"https://example.org/\"\n\n[author]\nname = \"Pauline\"\n",
        ),
        (
            "content/posts/hello.md",
            "---\ntitle: Hello\ndate: 2015-03-01\n---\nHi.\n",
        ),
        (
            "content/posts/hello.comments.yaml",
            "comments:
  - id: \"1\"
    author: Ann
    date: 2015-03-02T10:00:00Z
    body: A question?
  - id: \"2\"
    parent: \"1\"
    role: author
    date: 2015-03-09T10:00:00Z
    via: mastodon
    state: withdrawn
    body: \"\"
  - id: \"3\"
    parent: \"2\"
    author: Bo
    date: 2015-03-10T10:00:00Z
    body: Agreed.
",
        ),
    ]);
    site.build();
    let html = site.html("posts/hello/index.html");
    assert!(select(&html, "#comment-2 > article time").is_empty());
    // Nor whose it was: no badge, no name.
    let placeholder = &select(&html, "#comment-2")[0];
    assert!(!placeholder.value().classes().any(|c| c == "by-author"));
    assert!(select(&html, "#comment-2 > article .author-badge").is_empty());
    assert!(!text(&select(&html, "#comment-2 > article")[0]).contains("Pauline"));
    let figures = text(&select(&html, ".engagement-figures")[0]);
    assert!(!figures.contains("7 days"), "{figures}");
    let conversations = site.read("engagement/index.html");
    assert!(!conversations.contains("7 days"), "{conversations}");
}
