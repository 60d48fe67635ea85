//! What a blogger coming from Hugo or Zola expects: feeds in RSS 2.0 and JSON Feed
//! beside Atom.

use crate::harness::{select, SiteTest};

const HOSTILE_COMMENTS: &str = "comments:
- id: \"1\"
  author: \"Eve <script>alert(1)</script> & \\\"Co\\\"\\x01\"
  date: 2020-01-02T10:00:00Z
  body: \"Hello `</channel>` ]]> <script>x()</script> world\\x02\"
- id: \"2\"
  parent: \"1\"
  role: author
  date: 2020-01-03T10:00:00Z
  body: \"Thanks & welcome\"
";

/// A site under a base path whose feeds are published in `formats` (a TOML list, or
/// `None` for no `formats` key), with two posts and a comment written to break feeds.
fn feed_site(formats: Option<&str>) -> SiteTest {
    let site = SiteTest::with_files(&[
        (
            "content/posts/first.md",
            "---\ntitle: \"First & <best>\"\ndate: 2020-01-01T08:00:00Z\ntags: [notes]\n---\nThe *first* post.\n",
        ),
        (
            "content/posts/first.comments.yaml",
            HOSTILE_COMMENTS,
        ),
        (
            "content/posts/second.md",
            "---\ntitle: Second\ndate: 2020-02-01\nupdated: 2020-02-03\n---\nThe second post.\n",
        ),
    ]);
    let formats = formats.map_or(String::new(), |f| format!("\n[feeds]\nformats = {f}\n"));
    site.write(
        "site.toml",
        &format!(
            "title = \"Margins & Notes\"\ndescription = \"About <small> things\"\nbase_url = \"https://example.org/blog/\"\nlanguage = \"fr\"\n\n[author]\nname = \"Pauline\"\n{formats}"
        ),
    );
    site.build();
    site
}

/// The `(type, title, href)` of each `<link rel="alternate">` of a page.
fn alternates(site: &SiteTest, rel: &str) -> Vec<(String, String, String)> {
    let html = site.html(rel);
    select(&html, "head link[rel=alternate]")
        .iter()
        .map(|e| {
            let attr = |name| e.value().attr(name).unwrap_or_default().to_string();
            (attr("type"), attr("title"), attr("href"))
        })
        .collect()
}

/// The texts of the elements named `name` (without namespace) below `node`.
fn texts(node: roxmltree::Node<'_, '_>, name: &str) -> Vec<String> {
    node.descendants()
        .filter(|n| n.tag_name().name() == name)
        .map(|n| n.text().unwrap_or_default().to_string())
        .collect()
}

#[track_caller]
fn json(site: &SiteTest, rel: &str) -> serde_json::Value {
    let text = site.read(rel);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{rel} is not JSON: {e}\n{text}"))
}

#[test]
fn a_site_without_feed_formats_keeps_its_atom_feeds_only() {
    let site = feed_site(None);
    assert!(site.exists("atom.xml") && site.exists("comments.xml"));
    for other in ["rss.xml", "feed.json", "comments.rss.xml", "comments.json"] {
        assert!(!site.exists(other), "{other} was written");
    }
    assert_eq!(
        alternates(&site, "index.html"),
        [
            (
                "application/atom+xml".into(),
                "Margins & Notes".into(),
                "/blog/atom.xml".into()
            ),
            (
                "application/atom+xml".into(),
                "Commentaires sur Margins & Notes".into(),
                "/blog/comments.xml".into()
            ),
        ]
    );
}

#[test]
fn every_page_links_each_feed_format_the_site_chose() {
    let site = feed_site(Some("[\"atom\", \"rss\", \"json\"]"));
    let expected: Vec<(String, String, String)> = [
        ("application/atom+xml", "Margins & Notes (Atom)", "atom.xml"),
        ("application/rss+xml", "Margins & Notes (RSS)", "rss.xml"),
        (
            "application/feed+json",
            "Margins & Notes (JSON Feed)",
            "feed.json",
        ),
        (
            "application/atom+xml",
            "Commentaires sur Margins & Notes (Atom)",
            "comments.xml",
        ),
        (
            "application/rss+xml",
            "Commentaires sur Margins & Notes (RSS)",
            "comments.rss.xml",
        ),
        (
            "application/feed+json",
            "Commentaires sur Margins & Notes (JSON Feed)",
            "comments.json",
        ),
    ]
    .iter()
    .map(|(t, title, file)| (t.to_string(), title.to_string(), format!("/blog/{file}")))
    .collect();
    for page in ["index.html", "posts/first/index.html"] {
        assert_eq!(alternates(&site, page), expected, "{page}");
    }
    // A tag's page links its own feeds too.
    let mut tag = expected;
    for (t, format, file) in [
        ("application/atom+xml", "Atom", "atom.xml"),
        ("application/rss+xml", "RSS", "rss.xml"),
        ("application/feed+json", "JSON Feed", "feed.json"),
    ] {
        tag.push((
            t.to_string(),
            format!("Articles avec l’étiquette « notes » ({format})"),
            format!("/blog/tags/notes/{file}"),
        ));
    }
    assert_eq!(alternates(&site, "tags/notes/index.html"), tag);
}

#[test]
fn rss_feeds_parse_and_carry_posts_and_escaped_comments() {
    let site = feed_site(Some("[\"rss\"]"));
    let text = site.read("rss.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let rss = doc.root_element();
    assert_eq!(
        (rss.tag_name().name(), rss.attribute("version")),
        ("rss", Some("2.0"))
    );
    let channel = rss.first_element_child().unwrap();
    let own = |name| {
        channel
            .children()
            .find(|n| n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(str::to_string)
    };
    assert_eq!(own("title").as_deref(), Some("Margins & Notes"));
    assert_eq!(own("link").as_deref(), Some("https://example.org/blog/"));
    assert_eq!(own("description").as_deref(), Some("About <small> things"));
    assert_eq!(own("language").as_deref(), Some("fr"));
    let items: Vec<_> = channel
        .children()
        .filter(|n| n.has_tag_name("item"))
        .collect();
    assert_eq!(items.len(), 2);
    assert_eq!(texts(items[0], "title"), ["Second"]);
    assert_eq!(texts(items[1], "title"), ["First & <best>"]);
    assert_eq!(
        texts(items[1], "link"),
        ["https://example.org/blog/posts/first/"]
    );
    assert_eq!(
        texts(items[1], "pubDate"),
        ["Wed, 1 Jan 2020 08:00:00 +0000"]
    );
    assert_eq!(texts(items[1], "creator"), ["Pauline"]);
    assert!(texts(items[1], "description")[0].contains("<em>first</em>"));

    let text = site.read("comments.rss.xml");
    let doc = roxmltree::Document::parse(&text).unwrap();
    let titles = texts(doc.root_element(), "title");
    assert_eq!(
        titles,
        [
            "Commentaires sur Margins & Notes",
            "Pauline sur « First & <best> »",
            "Eve <script>alert(1)</script> & \"Co\" sur « First & <best> »",
        ]
    );
    let bodies = texts(doc.root_element(), "description").concat();
    assert!(
        bodies.contains("Hello <code>&lt;/channel&gt;</code> ]]&gt;"),
        "the comment's markup is text in its HTML: {bodies}"
    );
    assert!(!bodies.contains("<script>"), "{bodies}");
    assert!(!text.contains('\u{1}') && !text.contains('\u{2}'));
}

#[test]
fn json_feeds_follow_json_feed_1_1_and_carry_escaped_comments() {
    let site = feed_site(Some("[\"json\", \"atom\"]"));
    let feed = json(&site, "feed.json");
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["title"], "Margins & Notes");
    assert_eq!(feed["home_page_url"], "https://example.org/blog/");
    assert_eq!(feed["feed_url"], "https://example.org/blog/feed.json");
    assert_eq!(feed["language"], "fr");
    assert_eq!(feed["authors"][0]["name"], "Pauline");
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["title"], "Second");
    assert_eq!(items[0]["id"], "https://example.org/blog/posts/second/");
    assert_eq!(items[0]["url"], "https://example.org/blog/posts/second/");
    assert_eq!(items[0]["date_published"], "2020-02-01T00:00:00Z");
    assert_eq!(items[0]["date_modified"], "2020-02-03T00:00:00Z");
    assert_eq!(items[1]["title"], "First & <best>");
    assert!(items[1]["content_html"]
        .as_str()
        .unwrap()
        .contains("<em>first</em>"));

    let comments = json(&site, "comments.json");
    assert_eq!(
        comments["feed_url"],
        "https://example.org/blog/comments.json"
    );
    let items = comments["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    let eve = &items[1];
    assert_eq!(
        eve["url"],
        "https://example.org/blog/posts/first/#comment-1"
    );
    assert_eq!(
        eve["authors"][0]["name"],
        "Eve <script>alert(1)</script> & \"Co\""
    );
    let body = eve["content_html"].as_str().unwrap();
    assert!(
        body.contains("Hello <code>&lt;/channel&gt;</code> ]]&gt;"),
        "{body}"
    );
    assert!(
        !body.contains("<script>"),
        "sanitised like the page: {body}"
    );
    // The first format named is the one the footer links.
    let home = site.html("index.html");
    let footer: Vec<_> = select(&home, "footer a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .map(str::to_string)
        .collect();
    assert!(
        footer.contains(&"/blog/feed.json".to_string()),
        "{footer:?}"
    );
    assert!(
        footer.contains(&"/blog/comments.json".to_string()),
        "{footer:?}"
    );
    assert!(site.exists("atom.xml") && !site.exists("rss.xml"));
}

#[test]
fn an_unknown_feed_format_is_named_at_its_line() {
    let site = SiteTest::with_files(&[]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[feeds]\nposts = 5\nformats = [\n  \"atom\",\n  \"rss2\",\n]\n",
    );
    assert_eq!(
        site.build_error(),
        "error: site.toml:8: feeds.formats: \"rss2\" is not a feed format\n  help: name one or more of \"atom\", \"rss\" and \"json\", e.g. formats = [\"atom\", \"rss\", \"json\"]\n"
    );
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[feeds]\nformats = []\n",
    );
    assert_eq!(
        site.build_error(),
        "error: site.toml:5: feeds.formats names no format\n  help: name one or more of \"atom\", \"rss\" and \"json\", e.g. formats = [\"atom\", \"rss\", \"json\"]\n"
    );
    assert!(!site.exists("index.html"), "nothing was built");
}

/// A site under a base path with aliases on a post and a page, published on `host`
/// (a `[deploy] host` value, or `None` for no `[deploy]`).
fn deploy_site(host: Option<&str>) -> SiteTest {
    let site = SiteTest::with_files(&[
        (
            "content/posts/moved.md",
            "---\ntitle: Moved\ndate: 2015-03-02\naliases: [\"/2015/03/moved/\", \"/old.html\", \"https://old.example/café/?p=7\"]\n---\nHere now.\n",
        ),
        (
            "content/about.md",
            "---\ntitle: About\naliases: [/about-me/]\n---\nMe.\n",
        ),
    ]);
    let deploy = host.map_or(String::new(), |h| format!("\n[deploy]\nhost = \"{h}\"\n"));
    site.write(
        "site.toml",
        &format!("title = \"T\"\nbase_url = \"https://example.org/blog/\"\n{deploy}"),
    );
    site.build();
    site
}

#[test]
fn netlify_gets_the_aliases_as_forced_permanent_redirects() {
    let site = deploy_site(Some("netlify"));
    assert_eq!(
        site.read("_redirects"),
        "# Old addresses and aliases, as permanent redirects (written by rapport build)
/blog/2015/03/moved/ /blog/posts/moved/ 301!
/blog/old.html /blog/posts/moved/ 301!
/blog/caf%C3%A9/ /blog/posts/moved/ 301!
/blog/about-me/ /blog/about/ 301!
"
    );
    // The redirect pages stay, for a host that does not read _redirects.
    assert!(site
        .read("2015/03/moved/index.html")
        .contains("https://example.org/blog/posts/moved/"));
    assert!(!site.exists(".nojekyll"));
}

#[test]
fn cloudflare_pages_gets_the_aliases_as_permanent_redirects() {
    let site = deploy_site(Some("cloudflare-pages"));
    let redirects = site.read("_redirects");
    assert!(redirects.contains("\n/blog/2015/03/moved/ /blog/posts/moved/ 301\n"));
    assert!(redirects.contains("\n/blog/about-me/ /blog/about/ 301\n"));
    assert!(!redirects.contains("301!"), "{redirects}");
}

#[test]
fn github_pages_gets_nojekyll_and_redirect_pages() {
    let site = deploy_site(Some("github-pages"));
    assert_eq!(site.read(".nojekyll"), "");
    assert!(!site.exists("_redirects"));
    assert!(site.exists("old.html"));
}

#[test]
fn any_other_host_gets_redirect_pages_only() {
    let site = deploy_site(None);
    assert!(!site.exists("_redirects") && !site.exists(".nojekyll"));
    assert!(site.exists("2015/03/moved/index.html") && site.exists("about-me/index.html"));
}

#[test]
fn an_unknown_deploy_host_is_named_at_its_line() {
    let site = SiteTest::with_files(&[]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[deploy]\nhost = \"vercel\"\n",
    );
    assert_eq!(
        site.build_error(),
        "error: site.toml:5: deploy.host: \"vercel\" is not a host rapport knows\n  help: write host = \"github-pages\", \"netlify\" or \"cloudflare-pages\", or remove the key (any other host serves the site as it is)\n"
    );
}

#[test]
fn a_scheduled_post_stays_out_of_every_output_until_its_date() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/now.md",
            "---\ntitle: Published\ndate: 2020-01-01\ntags: [notes]\n---\nHere.\n",
        ),
        (
            "content/posts/later.md",
            "---\ntitle: Scheduled for 2999\ndate: 2999-01-01\ntags: [notes, someday]\n---\nNot yet.\n",
        ),
        (
            "content/posts/later.comments.yaml",
            "comments:\n- id: \"1\"\n  author: Early bird\n  date: 2020-01-02T10:00:00Z\n  body: First!\n",
        ),
    ]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[feeds]\nformats = [\"atom\", \"rss\", \"json\"]\n",
    );
    site.build();
    assert!(!site.exists("posts/later/index.html"));
    assert!(!site.exists("tags/someday/index.html"));
    for file in [
        "index.html",
        "tags/index.html",
        "tags/notes/index.html",
        "engagement/index.html",
        "atom.xml",
        "rss.xml",
        "feed.json",
        "comments.xml",
        "comments.rss.xml",
        "comments.json",
        "sitemap.xml",
    ] {
        let text = site.read(file);
        assert!(
            !text.contains("Scheduled") && !text.contains("later") && !text.contains("Early bird"),
            "{file} shows the scheduled post"
        );
    }
    site.run(&["build", "--drafts"]).success();
    assert!(site.read("atom.xml").contains("Scheduled for 2999"));
}

/// The GitHub Pages workflow of the README.
fn readme_workflow() -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let start = readme
        .find("```yaml\nname: Publish\n")
        .expect("the README has the workflow")
        + 8;
    let len = readme[start..].find("```").unwrap();
    readme[start..start + len].to_string()
}

#[test]
fn the_readme_github_pages_workflow_builds_the_site_at_its_project_address() {
    let workflow: serde_yaml::Value = serde_yaml::from_str(&readme_workflow()).unwrap();
    let steps = workflow["jobs"]["build"]["steps"].as_sequence().unwrap();
    let run = |needle: &str| {
        steps
            .iter()
            .filter_map(|s| s["run"].as_str())
            .find(|r| r.contains(needle))
            .unwrap_or_else(|| panic!("no step runs {needle}"))
            .to_string()
    };
    assert!(run("cargo install").contains("--locked"));
    let build = run("rapport build");
    assert_eq!(
        build,
        "rapport build --base-url \"${{ steps.pages.outputs.base_url }}/\""
    );
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact"))
        })
        .unwrap();
    assert_eq!(upload["with"]["path"], "public");
    // What the step runs, with the address configure-pages gives a project site.
    let site = deploy_site(Some("github-pages"));
    site.run(&["build", "--base-url", "https://someone.github.io/notes/"])
        .success();
    assert_eq!(site.read(".nojekyll"), "");
    let home = site.html("index.html");
    let hrefs: Vec<_> = select(&home, "a[href]")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .filter(|h| h.starts_with('/'))
        .map(str::to_string)
        .collect();
    assert!(
        !hrefs.is_empty() && hrefs.iter().all(|h| h.starts_with("/notes/")),
        "{hrefs:?}"
    );
}

const LONG_POST: &str = "---
title: A long read
date: 2020-03-01
toc: true
tags: [rust, web]
---
Some words to start.

## Setting *up*

Text.

### The `tools`

More text.

## Going further {#further}

```
code is not counted
```
";

#[test]
fn a_post_asking_for_a_toc_shows_its_headings_nested_and_linked() {
    let site = SiteTest::with_files(&[
        ("content/posts/long.md", LONG_POST),
        (
            "content/posts/short.md",
            "---\ntitle: Short\ndate: 2020-02-01\n---\n## Only heading\n\nNo toc asked.\n",
        ),
    ]);
    site.build();
    let html = site.html("posts/long/index.html");
    let links: Vec<(String, String)> = select(&html, "nav.toc a")
        .iter()
        .map(|a| {
            (
                a.value().attr("href").unwrap().to_string(),
                crate::harness::text(a),
            )
        })
        .collect();
    assert_eq!(
        links,
        [
            ("#setting-up".to_string(), "Setting up".to_string()),
            ("#the-tools".to_string(), "The tools".to_string()),
            ("#further".to_string(), "Going further".to_string()),
        ]
    );
    assert_eq!(
        select(&html, "nav.toc > ol > li > ol > li").len(),
        1,
        "### nests under ##"
    );
    for id in ["setting-up", "the-tools", "further"] {
        assert_eq!(
            select(&html, &format!("#{id}")).len(),
            1,
            "a heading has id {id}"
        );
    }
    assert!(select(&site.html("posts/short/index.html"), "nav.toc").is_empty());
}

#[test]
fn a_post_says_how_long_it_takes_to_read() {
    let words = "word ".repeat(1_150);
    let site = SiteTest::with_files(&[
        (
            "content/posts/long.md",
            &format!(
                "---\ntitle: Long\ndate: 2020-01-01\n---\n{words}\n\n```\n{}\n```\n",
                "code ".repeat(5_000)
            ),
        ),
        (
            "content/posts/tiny.md",
            "---\ntitle: Tiny\ndate: 2020-01-02\n---\nThree words here.\n",
        ),
    ]);
    site.build();
    let reading = |rel: &str| {
        let html = site.html(rel);
        crate::harness::text(&select(&html, ".post-meta .reading-time")[0])
    };
    assert_eq!(reading("posts/long/index.html"), "6 min read");
    assert_eq!(reading("posts/tiny/index.html"), "1 min read");
}

/// Posts of a blog, newest first in the list: (slug, date, tags).
const TAGGED: &[(&str, &str, &str)] = &[
    ("a", "2020-01-06", "rust, web"),
    ("b", "2020-01-05", "cooking"),
    ("c", "2020-01-04", "rust"),
    ("d", "2020-01-03", "rust, web, css"),
    ("e", "2020-01-02", "web"),
    ("f", "2020-01-01", "rust, web"),
];

fn tagged_site() -> SiteTest {
    let site = SiteTest::with_files(&[]);
    for (slug, date, tags) in TAGGED {
        site.write(
            &format!("content/posts/{slug}.md"),
            &format!("---\ntitle: Post {slug}\ndate: {date}\ntags: [{tags}]\n---\nBody.\n"),
        );
    }
    site.build();
    site
}

fn related_of(site: &SiteTest, slug: &str) -> Vec<String> {
    let html = site.html(&format!("posts/{slug}/index.html"));
    select(&html, ".related-posts li a")
        .iter()
        .map(crate::harness::text)
        .collect()
}

#[test]
fn a_post_ends_with_the_posts_sharing_most_tags_nearest_in_date() {
    let site = tagged_site();
    assert_eq!(related_of(&site, "a"), ["Post d", "Post f", "Post c"]);
    assert_eq!(related_of(&site, "d"), ["Post f", "Post a", "Post c"]);
    assert_eq!(related_of(&site, "e"), ["Post d", "Post f", "Post a"]);
    assert!(related_of(&site, "b").is_empty());
    let html = site.html("posts/b/index.html");
    assert!(
        select(&html, ".related-posts").is_empty(),
        "no section without related posts"
    );
}

#[test]
fn retitling_a_related_post_updates_the_posts_that_show_it_while_serving() {
    use rapport::site::incremental::{Incremental, Update};
    let site = tagged_site();
    let options = |output: &str| {
        let mut o = rapport::BuildOptions::new(&site.root);
        o.output = Some(site.root.join(output));
        o
    };
    let (mut state, _) = Incremental::build(&options("served")).unwrap();
    let post = site.root.join("content/posts/f.md");
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(
        &post,
        text.replace("title: Post f", "title: Post f, retitled"),
    )
    .unwrap();
    let update = state
        .update(&[post.strip_prefix(&site.root).unwrap().to_path_buf()])
        .unwrap();
    assert!(matches!(update, Update::Partial { .. }), "{update:?}");
    rapport::build(&options("fresh")).unwrap();
    for slug in ["a", "d"] {
        let rel = format!("posts/{slug}/index.html");
        let served = std::fs::read_to_string(site.root.join("served").join(&rel)).unwrap();
        assert!(
            served.contains("Post f, retitled"),
            "{rel} shows the old title"
        );
        let fresh = std::fs::read_to_string(site.root.join("fresh").join(&rel)).unwrap();
        assert_eq!(served, fresh, "{rel}");
    }
}

#[test]
fn the_search_index_holds_titles_tags_summaries_and_commenters() {
    let site = feed_site(None);
    let index = json(&site, "search/index.json");
    let entries = index.as_array().unwrap();
    assert_eq!(entries.len(), 2, "one entry per post");
    assert_eq!(entries[0]["title"], "Second");
    assert_eq!(entries[0]["url"], "/blog/posts/second/");
    assert_eq!(entries[0]["date"], "1 février 2020");
    assert_eq!(entries[0]["authors"], serde_json::json!([]));
    let first = &entries[1];
    assert_eq!(first["title"], "First & <best>");
    assert_eq!(first["tags"], serde_json::json!(["notes"]));
    assert_eq!(first["summary"], "The first post.");
    assert_eq!(
        first["authors"],
        serde_json::json!(["Eve <script>alert(1)</script> & \"Co\"", "Pauline"]),
        "each named commenter once, as data"
    );
}

#[test]
fn the_search_page_works_on_a_static_host_and_offers_tags_without_script() {
    let site = feed_site(None);
    let html = site.html("search/index.html");
    let form = &select(&html, "form.search-form[role=search]")[0];
    assert_eq!(
        form.value().attr("data-index"),
        Some("/blog/search/index.json")
    );
    assert!(
        form.value().attr("hidden").is_some(),
        "the script shows the form"
    );
    assert_eq!(
        select(&html, "script")
            .iter()
            .filter_map(|s| s.value().attr("src"))
            .collect::<Vec<_>>(),
        ["/blog/search.js"]
    );
    let tags: Vec<_> = select(&html, ".search-tags a")
        .iter()
        .filter_map(|a| a.value().attr("href"))
        .collect();
    assert_eq!(tags, ["/blog/tags/notes/"]);
    let script = site.read("search.js");
    assert!(script.contains("textContent") && !script.contains("innerHTML"));
    assert!(
        !script.contains("http"),
        "the script asks nothing of another site"
    );
    let home = site.html("index.html");
    assert!(select(&home, "nav.site-nav a[href=\"/blog/search/\"]").len() == 1);
}

#[test]
fn a_sites_own_redirects_come_first_in_the_generated_file() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/moved.md",
            "---\ntitle: Moved\ndate: 2015-03-02\naliases: [/old/]\n---\nHere now.\n",
        ),
        ("static/_redirects", "# My own rules\n/feed /atom.xml 301"),
    ]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[deploy]\nhost = \"cloudflare-pages\"\n",
    );
    site.build();
    assert_eq!(
        site.read("_redirects"),
        "# My own rules\n/feed /atom.xml 301\n# Old addresses and aliases, as permanent redirects (written by rapport build)\n/old/ /posts/moved/ 301\n"
    );
    // Published as it is for any other host.
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
    );
    site.build();
    assert_eq!(
        site.read("_redirects"),
        "# My own rules\n/feed /atom.xml 301"
    );
}
