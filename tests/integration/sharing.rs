//! Sharing and identity: Open Graph and Twitter card tags, the favicon link,
//! `rel="me"` profile links and `[[menu]]` entries from site.toml.

use crate::harness::{select, text, SiteTest};
use scraper::Html;

const SITE_TOML: &str = r#"title = "Margins & Notes"
description = "A blog about <small> things"
base_url = "https://example.org/blog/"

[author]
name = "Pauline"
links = ["https://social.example/@pauline", "https://code.example/pauline"]

[[menu]]
name = "Now"
url = "/now/"

[[menu]]
name = "Elsewhere"
url = "https://elsewhere.example/"

[extra]
image = "/img/default.png"
"#;

const POST: &str = "---
title: \"Tom & Jerry <3\"
date: 2015-03-02T10:15:00Z
tags: [cats]
extra:
  image: https://cdn.example/jerry.png
---

The *first* paragraph, with a \"quote\" & more.

The second paragraph.
";

fn sharing_site() -> SiteTest {
    let site = SiteTest::with_files(&[
        ("content/posts/tom.md", POST),
        (
            "content/posts/plain.md",
            "---\ntitle: Plain\ndate: 2015-03-01\n---\n\nNo image here.\n",
        ),
        (
            "static/favicon.svg",
            "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
        ),
    ]);
    site.write("site.toml", SITE_TOML);
    site.build();
    site
}

/// The `content` of `<meta property=NAME>` (or `name=NAME`).
fn meta(html: &Html, name: &str) -> Option<String> {
    select(
        html,
        &format!("meta[property=\"{name}\"], meta[name=\"{name}\"]"),
    )
    .first()
    .and_then(|e| e.value().attr("content"))
    .map(str::to_string)
}

fn hrefs(html: &Html, selector: &str) -> Vec<String> {
    select(html, selector)
        .iter()
        .filter_map(|e| e.value().attr("href"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_post_has_open_graph_and_twitter_card_tags() {
    let site = sharing_site();
    let html = site.html("posts/tom/index.html");
    let m = |name| meta(&html, name);
    assert_eq!(m("og:title").as_deref(), Some("Tom & Jerry <3"));
    assert_eq!(m("og:site_name").as_deref(), Some("Margins & Notes"));
    assert_eq!(m("og:type").as_deref(), Some("article"));
    assert_eq!(
        m("og:url").as_deref(),
        Some("https://example.org/blog/posts/tom/")
    );
    assert_eq!(
        m("og:description").as_deref(),
        Some("The first paragraph, with a “quote” & more."),
        "the first paragraph as plain text"
    );
    assert_eq!(m("description"), m("og:description"));
    assert_eq!(
        m("article:published_time").as_deref(),
        Some("2015-03-02T10:15:00Z")
    );
    assert_eq!(
        m("og:image").as_deref(),
        Some("https://cdn.example/jerry.png"),
        "the post's own image wins"
    );
    assert_eq!(m("twitter:card").as_deref(), Some("summary_large_image"));
    // Escaped, not injected: one <title>, no stray element from the title.
    assert!(!site.read("posts/tom/index.html").contains("<3\""));
}

#[test]
fn pages_without_their_own_image_share_the_site_defaults() {
    let site = sharing_site();
    let post = site.html("posts/plain/index.html");
    assert_eq!(
        meta(&post, "og:image").as_deref(),
        Some("https://example.org/blog/img/default.png")
    );
    let home = site.html("index.html");
    assert_eq!(meta(&home, "og:type").as_deref(), Some("website"));
    assert_eq!(meta(&home, "og:title").as_deref(), Some("Margins & Notes"));
    assert_eq!(
        meta(&home, "og:description").as_deref(),
        Some("A blog about <small> things")
    );
    assert_eq!(meta(&home, "article:published_time"), None);
}

#[test]
fn the_favicon_profiles_and_menu_are_linked_on_every_page() {
    let site = sharing_site();
    for page in ["index.html", "posts/tom/index.html", "tags/index.html"] {
        let html = site.html(page);
        assert_eq!(
            hrefs(&html, "link[rel=icon]"),
            ["/blog/favicon.svg"],
            "{page}"
        );
        let profiles = [
            "https://social.example/@pauline",
            "https://code.example/pauline",
        ];
        assert_eq!(hrefs(&html, "head link[rel=me]"), profiles, "{page}");
        assert_eq!(hrefs(&html, "footer a[rel=me]"), profiles, "{page}");
        let nav: Vec<(String, String)> = select(&html, ".site-nav a")
            .iter()
            .map(|a| (text(a), a.value().attr("href").unwrap_or("").to_string()))
            .collect();
        let tail = &nav[nav.len() - 2..];
        assert_eq!(
            tail,
            [
                ("Now".to_string(), "/blog/now/".to_string()),
                (
                    "Elsewhere".to_string(),
                    "https://elsewhere.example/".to_string()
                )
            ],
            "menu entries come after the built-in ones on {page}"
        );
    }
}

#[test]
fn without_a_favicon_file_no_icon_is_linked() {
    let site = SiteTest::with_files(&[(
        "content/posts/a.md",
        "---\ntitle: A\ndate: 2015-03-01\n---\n\nText.\n",
    )]);
    site.build();
    assert!(hrefs(&site.html("index.html"), "link[rel=icon]").is_empty());
}

#[test]
fn a_javascript_menu_url_is_an_error_at_its_line() {
    let site = SiteTest::with_files(&[]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[[menu]]\nname = \"Bad\"\nurl = \"javascript:alert(1)\"\n",
    );
    let err = site.build_error();
    assert!(err.contains("site.toml:6"), "{err}");
    assert!(err.contains("menu url \"javascript:alert(1)\""), "{err}");
    assert!(!site.exists("index.html"), "nothing is written");
}

#[test]
fn an_author_link_must_be_a_web_address() {
    let site = SiteTest::with_files(&[]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n[author]\nlinks = [\n  \"https://ok.example/\",\n  \"data:text/html,x\",\n]\n",
    );
    let err = site.build_error();
    assert!(err.contains("site.toml:6"), "{err}");
    assert!(err.contains("must start with http:// or https://"), "{err}");
}

#[test]
fn a_favicon_missing_from_static_is_an_error() {
    let site = SiteTest::with_files(&[]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\nfavicon = \"icon.png\"\n",
    );
    let err = site.build_error();
    assert!(err.contains("site.toml:3"), "{err}");
    assert!(err.contains("not a file in static/"), "{err}");
}

#[test]
fn a_menu_path_missed_the_base_path_given_with_base_url() {
    let site = sharing_site();
    site.run(&[
        "build",
        "--base-url",
        "https://example.github.io/elsewhere/",
    ])
    .success();
    let html = site.html("index.html");
    assert!(
        hrefs(&html, ".site-nav a").contains(&"/elsewhere/now/".to_string()),
        "{:?}",
        hrefs(&html, ".site-nav a")
    );
}
