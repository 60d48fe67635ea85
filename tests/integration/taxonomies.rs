//! Taxonomies as readers follow them: each term of tags and of categories has its
//! own list and feeds, linked from its page; a site names the taxonomies it uses.

use crate::harness::{select, text, SiteTest};

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

/// The titles of the posts a list page shows, in order.
fn listed(site: &SiteTest, page: &str) -> Vec<String> {
    let html = site.html(page);
    select(&html, ".post-summary-title a")
        .iter()
        .map(text)
        .collect()
}

#[test]
fn each_category_has_its_pages_and_feeds_listing_its_posts() {
    let site = SiteTest::fixture("taxonomies/blog");
    site.build();
    // The category index, with each category's count.
    let index = site.html("categories/index.html");
    let terms: Vec<String> = select(&index, ".tag-cloud li").iter().map(text).collect();
    assert_eq!(terms, ["C++ 1 post", "Travel 3 posts"]);
    // A category's list, newest first, paginated like a tag's.
    assert_eq!(
        listed(&site, "categories/travel/index.html"),
        ["Seville at noon", "Porto in the rain"]
    );
    assert_eq!(
        listed(&site, "categories/travel/page/2/index.html"),
        ["Lisbon by tram"]
    );
    assert_eq!(
        listed(&site, "categories/c-plus-plus/index.html"),
        ["Lisbon by tram"]
    );
    let page = site.html("categories/travel/index.html");
    assert_eq!(
        select(&page, "h1").iter().map(text).collect::<Vec<_>>(),
        ["Posts in the category “Travel”"]
    );
    // Tags keep theirs.
    assert_eq!(
        listed(&site, "tags/food/index.html"),
        ["Bread at home", "Lisbon by tram"]
    );
    // A feed per category in each format, listing its posts.
    assert_eq!(
        atom_entries(&site.read("categories/travel/atom.xml"))
            .into_iter()
            .map(|(title, _)| title)
            .collect::<Vec<_>>(),
        ["Seville at noon", "Porto in the rain", "Lisbon by tram"]
    );
    let atom = site.read("categories/travel/atom.xml");
    assert!(
        atom.contains("<title>Filed: posts in the category “Travel”</title>"),
        "{atom}"
    );
    let rss = site.read("categories/c-plus-plus/rss.xml");
    roxmltree::Document::parse(&rss).unwrap();
    assert!(
        rss.contains("<link>https://example.org/posts/lisbon/</link>"),
        "{rss}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&site.read("categories/travel/feed.json")).unwrap();
    assert_eq!(json["items"].as_array().unwrap().len(), 3);
    assert_eq!(
        json["feed_url"],
        "https://example.org/categories/travel/feed.json"
    );
    let feeds: Vec<String> = select(&page, "head link[rel=alternate]")
        .iter()
        .filter_map(|l| l.value().attr("href").map(String::from))
        .collect();
    for feed in ["atom.xml", "rss.xml", "feed.json"] {
        assert!(
            feeds.contains(&format!("/categories/travel/{feed}")),
            "{feeds:?}"
        );
    }
}

#[test]
fn a_post_links_its_categories_and_the_site_lists_them() {
    let site = SiteTest::fixture("taxonomies/blog");
    site.build();
    let post = site.html("posts/lisbon/index.html");
    let links: Vec<(String, String)> = select(&post, ".category-list a")
        .iter()
        .map(|a| (text(a), a.value().attr("href").unwrap().to_string()))
        .collect();
    assert_eq!(
        links,
        [
            ("Travel".to_string(), "/categories/travel/".to_string()),
            ("C++".to_string(), "/categories/c-plus-plus/".to_string()),
        ]
    );
    let section: Vec<&str> = select(&post, "meta[property='article:section']")
        .iter()
        .filter_map(|m| m.value().attr("content"))
        .collect();
    assert_eq!(section, ["Travel"]);
    // Every page's navigation leads to the categories, after the tags.
    let nav: Vec<String> = select(&post, ".site-nav a").iter().map(text).collect();
    assert_eq!(nav[..3], ["Posts", "Tags", "Categories"]);
    let sitemap = site.read("sitemap.xml");
    for url in [
        "https://example.org/categories/",
        "https://example.org/categories/travel/",
        "https://example.org/categories/c-plus-plus/",
    ] {
        assert!(sitemap.contains(&format!("<loc>{url}</loc>")), "{url}");
    }
    // The search index carries each post's categories.
    let index: serde_json::Value = serde_json::from_str(&site.read("search/index.json")).unwrap();
    let lisbon = index
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["title"] == "Lisbon by tram")
        .unwrap();
    assert_eq!(lisbon["categories"], serde_json::json!(["Travel", "C++"]));
    // check follows the links to category pages: the fixture's are all there.
    site.run(&["check"]).success();
    site.write(
        "content/posts/bread.md",
        "---\ntitle: Bread at home\ndate: 2015-04-10\n---\nSee [baking](/categories/baking/).\n",
    );
    let run = site.run(&["check"]).failure(1);
    assert!(
        run.stderr.contains(
            "content/posts/bread.md:5:5: links to /categories/baking/, which the site does not have"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_post_in_a_taxonomy_the_site_does_not_use_is_an_error_at_its_line() {
    let site = SiteTest::fixture("taxonomies/blog");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &toml.replace("taxonomies = [\"tags\", \"categories\"]\n", ""),
    );
    let run = site.run(&["build"]).failure(1);
    assert!(
        run.stderr.contains("content/posts/lisbon.md:4:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("content/posts/porto.md:4:"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("write taxonomies = [\"tags\", \"categories\"] at the top of site.toml"),
        "{}",
        run.stderr
    );
    assert!(!site.exists("index.html"), "a half-written site");
    // A taxonomy rapport does not know, at its line of site.toml.
    site.write(
        "site.toml",
        &toml.replace("\"categories\"]", "\"category\"]"),
    );
    let run = site.run(&["build"]).failure(1);
    assert!(
        run.stderr.contains("site.toml:4:")
            && run.stderr.contains(
                "\"category\" is not a taxonomy rapport knows (did you mean \"categories\"?)"
            ),
        "{}",
        run.stderr
    );
}

#[test]
fn a_site_without_categories_writes_no_category_page() {
    let site = SiteTest::fixture("permalinks/dated");
    site.build();
    assert!(!site.exists("categories/index.html"));
    let home = site.read("index.html");
    assert!(!home.contains("categories/"), "{home}");
}

/// `tests/fixtures/import/wordpress/NAME`.
fn wordpress_export(name: &str) -> String {
    crate::harness::fixtures_dir()
        .join("import/wordpress")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Every file of `root/content` and its `site.toml`, with its bytes.
fn sources(root: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walk(&root.join("content"))
        .into_iter()
        .map(|path| {
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(&path).unwrap())
        })
        .collect();
    files.push((
        "site.toml".into(),
        std::fs::read(root.join("site.toml")).unwrap(),
    ));
    files.sort();
    files
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn a_site_made_from_an_export_with_categories_files_posts_under_them() {
    let dir = SiteTest::empty();
    let export = wordpress_export("categories.xml");
    dir.run(&["import", "wordpress", &export, "--root", "blog"])
        .success();
    let blog = dir.root.join("blog");
    let read = |rel: &str| std::fs::read_to_string(blog.join(rel)).unwrap();
    assert!(
        read("site.toml").contains("\ntaxonomies = [\"tags\", \"categories\"]\n"),
        "{}",
        read("site.toml")
    );
    let lisbon = read("content/posts/lisbon.md");
    assert!(
        lisbon.contains("tags:\n  - \"Food\"\ncategories:\n  - \"Travel\"\n  - \"C++\"\n"),
        "{lisbon}"
    );
    // "Uncategorized" is WordPress's placeholder, not a category.
    let bread = read("content/posts/bread.md");
    assert!(!bread.contains("categories"), "{bread}");
    dir.run(&["build", "--root", "blog"]).success();
    dir.run(&["check", "--root", "blog"]).success();
    let travel = std::fs::read_to_string(blog.join("public/categories/travel/index.html")).unwrap();
    assert!(travel.contains("Lisbon by tram") && travel.contains("Porto in the rain"));
    assert!(blog
        .join("public/categories/c-plus-plus/atom.xml")
        .is_file());
    assert!(!blog.join("public/categories/uncategorized").exists());
    assert!(!blog.join("public/tags/travel").exists());
    // Importing the same export again changes no byte.
    let before = sources(&blog);
    let again = dir
        .run(&["import", "wordpress", &export, "--root", "blog"])
        .success();
    assert_eq!(sources(&blog), before, "{}", again.stdout);
}

#[test]
fn an_export_in_the_placeholder_category_only_makes_a_site_of_tags() {
    let dir = SiteTest::empty();
    let export = wordpress_export("categories.xml");
    let text = std::fs::read_to_string(&export).unwrap();
    // Every post in "Uncategorized": no category of the blog's own.
    let only_placeholder = text
        .replace(
            "nicename=\"travel\"><![CDATA[Travel]]>",
            "nicename=\"uncategorized\"><![CDATA[Uncategorized]]>",
        )
        .replace(
            "<category domain=\"category\" nicename=\"c\"><![CDATA[C++]]></category>",
            "",
        );
    dir.write("export.xml", &only_placeholder);
    dir.run(&["import", "wordpress", "export.xml", "--root", "blog"])
        .success();
    let toml = std::fs::read_to_string(dir.root.join("blog/site.toml")).unwrap();
    assert!(!toml.contains("taxonomies"), "{toml}");
}

#[test]
fn categories_imported_into_a_site_without_them_join_the_tags_and_the_report_says_how_to_keep_them()
{
    let dir = SiteTest::empty();
    dir.run(&["init", "blog"]).success();
    let export = wordpress_export("categories.xml");
    let run = dir
        .run(&["import", "wordpress", &export, "--root", "blog"])
        .success();
    assert!(
        run.stdout.contains("categories were imported as tags")
            && run
                .stdout
                .contains("write taxonomies = [\"tags\", \"categories\"] at the top of site.toml"),
        "{}",
        run.stdout
    );
    let lisbon = std::fs::read_to_string(dir.root.join("blog/content/posts/lisbon.md")).unwrap();
    assert!(
        lisbon.contains("tags:\n  - \"Travel\"\n  - \"C++\"\n  - \"Food\"\n"),
        "{lisbon}"
    );
    assert!(!lisbon.contains("categories"), "{lisbon}");
    dir.run(&["build", "--root", "blog"]).success();

    // With the line written, a site gets them apart.
    let dir = SiteTest::empty();
    dir.run(&["init", "blog"]).success();
    let toml = std::fs::read_to_string(dir.root.join("blog/site.toml")).unwrap();
    dir.write(
        "blog/site.toml",
        &format!("taxonomies = [\"tags\", \"categories\"]\n{toml}"),
    );
    let run = dir
        .run(&["import", "wordpress", &export, "--root", "blog"])
        .success();
    assert!(!run.stdout.contains("imported as tags"), "{}", run.stdout);
    let porto = std::fs::read_to_string(dir.root.join("blog/content/posts/porto.md")).unwrap();
    assert!(porto.contains("categories:\n  - \"Travel\"\n"), "{porto}");
    dir.run(&["build", "--root", "blog"]).success();
}

#[test]
fn a_site_of_categories_alone_has_no_tag_pages_and_no_link_to_them() {
    let site = SiteTest::fixture("taxonomies/blog");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &toml.replace("[\"tags\", \"categories\"]", "[\"categories\"]"),
    );
    for post in ["lisbon", "bread"] {
        let rel = format!("content/posts/{post}.md");
        let text = std::fs::read_to_string(site.root.join(&rel)).unwrap();
        site.write(&rel, &text.replace("tags: [food]\n", ""));
    }
    site.build();
    assert!(!site.exists("tags/index.html"));
    assert!(site.exists("categories/travel/index.html"));
    for page in ["index.html", "404.html", "posts/lisbon/index.html"] {
        let html = site.read(page);
        assert!(!html.contains("/tags/"), "{page}: {html}");
    }
    site.run(&["check"]).success();
}

#[test]
fn a_french_sites_category_pages_speak_french() {
    let site = SiteTest::fixture("taxonomies/blog");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &toml.replace(
            "posts_per_page = 2\n",
            "posts_per_page = 2\nlanguage = \"fr\"\n",
        ),
    );
    site.build();
    let page = site.html("categories/travel/page/2/index.html");
    let title: Vec<String> = select(&page, "title").iter().map(text).collect();
    assert!(
        title[0].starts_with("Articles de la catégorie « Travel », page 2"),
        "{title:?}"
    );
    let index = site.html("categories/index.html");
    assert_eq!(
        select(&index, "h1").iter().map(text).collect::<Vec<_>>(),
        ["Catégories"]
    );
    let nav: Vec<String> = select(&index, ".site-nav a").iter().map(text).collect();
    assert_eq!(nav[..3], ["Articles", "Étiquettes", "Catégories"]);
    let post = site.html("posts/lisbon/index.html");
    let label: Vec<&str> = select(&post, ".category-list")
        .iter()
        .filter_map(|l| l.value().attr("aria-label"))
        .collect();
    assert_eq!(label, ["Catégories"]);
    let feed = site.read("categories/travel/atom.xml");
    assert!(
        feed.contains("<title>Filed : articles de la catégorie « Travel »</title>"),
        "{feed}"
    );
}

#[test]
fn a_tags_page_did_not_show_where_it_sits_in_the_navigation() {
    let site = SiteTest::fixture("permalinks/dated");
    site.build();
    let current = |page: &str| -> Vec<(String, String)> {
        select(&site.html(page), ".site-nav a[aria-current]")
            .iter()
            .map(|a| {
                let attr = |name| a.value().attr(name).unwrap_or_default().to_string();
                (attr("href"), attr("aria-current"))
            })
            .collect()
    };
    assert_eq!(
        current("tags/index.html"),
        [("/blog/tags/".to_string(), "page".to_string())]
    );
    // A tag's own list sits under the tags: marked, but not as the page itself.
    assert_eq!(
        current("tags/travel/index.html"),
        [("/blog/tags/".to_string(), "true".to_string())]
    );
}
