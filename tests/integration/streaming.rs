//! A build reads each post whole only while it renders its page, and keeps of it
//! what lists, feeds and the conversations page need: what they show, and what is
//! reported when something is wrong, must be what a build holding everything did.

use crate::harness::SiteTest;

const POST: &str = "---\ntitle: {title}\ndate: {date}\n---\nText of {title}.\n";

fn post(title: &str, date: &str) -> String {
    POST.replace("{title}", title).replace("{date}", date)
}

fn comment(id: &str, parent: Option<&str>, date: &str, body: &str) -> String {
    let parent = parent.map_or(String::new(), |p| format!("    parent: \"{p}\"\n"));
    format!("  - id: \"{id}\"\n{parent}    author: \"Reader {id}\"\n    date: {date}\n    body: \"{body}\"\n")
}

#[test]
fn the_conversations_page_and_comments_feed_show_text_read_again_after_posts_are_written() {
    let mut files = Vec::new();
    for n in 0..20 {
        let date = format!("2020-01-{:02}T10:00:00Z", n % 28 + 1);
        files.push((
            format!("content/posts/p{n}.md"),
            post(&format!("P{n}"), &date),
        ));
        let mut thread = String::from("comments:\n");
        thread.push_str(&comment("a", None, &date, &format!("Top of p{n}")));
        thread.push_str(&comment("b", Some("a"), &date, &format!("Deepest of p{n}")));
        files.push((format!("content/posts/p{n}.comments.yaml"), thread));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let site = SiteTest::with_files(&refs);
    site.build();
    let feed = site.read("comments.xml");
    for n in 0..20 {
        assert!(
            feed.contains(&format!("Top of p{n}")),
            "p{n} in the comments feed"
        );
    }
    let engagement = site.read("engagement/index.html");
    assert!(engagement.contains("Deepest of p"), "{engagement}");
    // The post pages themselves still have their whole threads.
    assert!(site.read("posts/p7/index.html").contains("Deepest of p7"));
}

#[test]
fn every_broken_thread_is_reported_at_once() {
    let site = SiteTest::with_files(&[
        ("content/posts/a.md", &post("A", "2020-01-01")),
        (
            "content/posts/a.comments.yaml",
            "comments:\n  - id: 1\n    parent: 9\n",
        ),
        ("content/posts/b.md", &post("B", "2020-01-02")),
        (
            "content/posts/b.comments.yaml",
            "comments:\n  - id: 1\n    athor: x\n",
        ),
    ]);
    let err = site.build_error();
    assert!(err.contains("a.comments.yaml:3"), "{err}");
    assert!(err.contains("b.comments.yaml:3"), "{err}");
    assert!(!site.exists("index.html"));
}

#[test]
fn a_broken_thread_of_a_draft_still_stops_the_build() {
    let site = SiteTest::with_files(&[
        ("content/posts/a.md", &post("A", "2020-01-01")),
        (
            "content/posts/d.md",
            "---\ntitle: D\ndate: 2020-01-02\ndraft: true\n---\nDraft.\n",
        ),
        (
            "content/posts/d.comments.yaml",
            "comments:\n  - id: 1\n    parent: 9\n",
        ),
    ]);
    let err = site.build_error();
    assert!(err.contains("d.comments.yaml:3"), "{err}");
}

#[test]
fn a_broken_post_and_a_broken_thread_are_reported_together() {
    let site = SiteTest::with_files(&[
        ("content/posts/a.md", "---\ntitle: [A\n---\nText.\n"),
        ("content/posts/b.md", &post("B", "2020-01-02")),
        (
            "content/posts/b.comments.yaml",
            "comments:\n  - id: 1\n    parent: 9\n",
        ),
    ]);
    let err = site.build_error();
    assert!(err.contains("a.md:2"), "{err}");
    assert!(err.contains("b.comments.yaml:3"), "{err}");
}
