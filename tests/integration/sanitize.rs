//! Reader comments are hostile input: none of the vectors in
//! `tests/fixtures/sanitize/xss` may stay active in the built page.

use crate::harness::{select, SiteTest};

#[test]
fn no_xss_vector_survives() {
    let site = SiteTest::fixture("sanitize/xss");
    site.build();
    let page = site.read("posts/hello/index.html");
    let html = scraper::Html::parse_document(&page);
    let comments = select(&html, "li.comment");
    assert!(
        comments.len() >= 40,
        "every vector is rendered ({})",
        comments.len()
    );
    for bad in [
        "script",
        "iframe",
        "object",
        "embed",
        "style",
        "form",
        "input",
        "button",
        "base",
        "meta[http-equiv]",
        "link[rel=stylesheet]",
        "svg",
        "math",
        "video",
        "source",
        "template",
        "noscript",
        "marquee",
    ] {
        let found = select(&html, &format!(".thread {bad}"));
        assert!(
            found.is_empty(),
            "<{bad}> survived: {:?}",
            found.iter().map(|e| e.html()).collect::<Vec<_>>()
        );
    }
    for element in select(&html, ".thread *") {
        for (name, value) in element.value().attrs() {
            assert!(
                !name.starts_with("on"),
                "event handler {name} on {}",
                element.html()
            );
            assert!(
                name != "style" && name != "srcdoc" && name != "formaction",
                "{name} on {}",
                element.html()
            );
            if matches!(
                name,
                "href" | "src" | "srcset" | "action" | "background" | "poster"
            ) {
                let v = value.trim().to_ascii_lowercase();
                let v: String = v
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_control())
                    .collect();
                assert!(
                    v.starts_with("http://")
                        || v.starts_with("https://")
                        || v.starts_with('#')
                        || v.starts_with("mailto:")
                        || v.starts_with('/')
                        || !v.contains(':'),
                    "unsafe URL {value:?} in {}",
                    element.html()
                );
            }
        }
    }
    // Outside the page's own markup, the marker only appears as inert text.
    for element in select(&html, ".comment-body a[href]") {
        assert!(
            !element.attr("href").unwrap().contains("alert("),
            "{}",
            element.html()
        );
        assert_eq!(
            element.attr("rel"),
            Some("nofollow ugc noopener"),
            "{}",
            element.html()
        );
    }
}

#[test]
fn benign_content_survives() {
    let site = SiteTest::fixture("sanitize/xss");
    site.build();
    let html = scraper::Html::parse_document(&site.read("posts/hello/index.html"));
    let link = select(&html, "#comment-ok .comment-body a")[0];
    assert_eq!(link.attr("href"), Some("https://fine.example"));
    assert_eq!(select(&html, "#comment-ok .comment-body strong").len(), 1);
    let author = select(&html, "#comment-ok a.comment-author")[0];
    assert_eq!(author.attr("href"), Some("https://benign.example"));
}

#[test]
fn hostile_names_and_websites_are_inert() {
    let site = SiteTest::fixture("sanitize/xss");
    site.build();
    let page = site.read("posts/hello/index.html");
    assert!(
        page.contains("&lt;script&gt;alert(&quot;name&quot;)&lt;/script&gt;"),
        "names are escaped text"
    );
    let html = scraper::Html::parse_document(&page);
    for id in ["41", "42", "43"] {
        let author = select(&html, &format!("#comment-{id} .comment-author"))[0];
        assert_eq!(
            author.value().name(),
            "span",
            "comment {id}: a non-http website is not linked"
        );
    }
}
