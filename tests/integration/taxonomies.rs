//! Tags as readers follow them: each tag's list has its own feed, linked from the
//! list's page.

use crate::harness::{select, SiteTest};

/// The `(title, link)` of each entry of an Atom feed.
fn atom_entries(xml: &str) -> Vec<(String, String)> {
    let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    doc.descendants()
        .filter(|n| n.has_tag_name("entry"))
        .map(|entry| {
            let child = |name: &str| entry.children().find(|c| c.has_tag_name(name)).unwrap();
            let title = child("title").text().unwrap_or_default().to_string();
            let link = child("link").attribute("href").unwrap().to_string();
            (title, link)
        })
        .collect()
}

#[test]
fn each_tag_has_its_own_feed_linked_from_its_page() {
    let site = SiteTest::fixture("permalinks/dated");
    site.build();
    assert_eq!(
        atom_entries(&site.read("tags/travel/atom.xml")),
        [
            (
                "In April".to_string(),
                "https://example.org/blog/2015/04/april/".to_string()
            ),
            (
                "In March".to_string(),
                "https://example.org/blog/2015/03/march/".to_string()
            ),
        ]
    );
    assert_eq!(
        atom_entries(&site.read("tags/food/atom.xml")),
        [(
            "In April".to_string(),
            "https://example.org/blog/2015/04/april/".to_string()
        )]
    );
    let feed = site.read("tags/food/atom.xml");
    assert!(
        feed.contains("<link rel=\"self\" href=\"https://example.org/blog/tags/food/atom.xml\"/>"),
        "{feed}"
    );
    assert!(
        feed.contains("<title>Dated: posts tagged “Food”</title>"),
        "{feed}"
    );
    let page = site.html("tags/food/index.html");
    let links: Vec<(String, String)> = select(&page, "head link[rel=alternate]")
        .iter()
        .map(|l| {
            let attr = |a: &str| l.value().attr(a).unwrap().to_string();
            (attr("title"), attr("href"))
        })
        .collect();
    assert!(
        links.contains(&(
            "Posts tagged “Food”".to_string(),
            "/blog/tags/food/atom.xml".to_string()
        )),
        "{links:?}"
    );
    // Only a tag's page links its feed.
    let home = site.read("index.html");
    assert!(!home.contains("tags/food/atom.xml"), "{home}");
}

#[test]
fn a_tags_feed_comes_in_each_format_the_site_publishes() {
    let site = SiteTest::fixture("permalinks/dated");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &toml.replace(
            "[author]",
            "[feeds]\nformats = [\"atom\", \"rss\", \"json\"]\n\n[author]",
        ),
    );
    site.build();
    let rss = site.read("tags/travel/rss.xml");
    roxmltree::Document::parse(&rss).unwrap();
    assert!(
        rss.contains("<link>https://example.org/blog/2015/03/march/</link>"),
        "{rss}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("tags/travel/feed.json")).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 2);
    assert_eq!(
        json["feed_url"],
        "https://example.org/blog/tags/travel/feed.json"
    );
}
