//! What `rapport build` writes: pages, lists, feeds, aliases, static files, base URL
//! prefixes, drafts, and the atomic output swap.

use crate::harness::{select, text, texts, SiteTest};

#[test]
fn builds_posts_pages_lists_and_feeds() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    for file in [
        "index.html",
        "page/2/index.html",
        "posts/first/index.html",
        "posts/second/index.html",
        "posts/custom-slug/index.html",
        "posts/trip/index.html",
        "posts/trip/map.txt",
        "about/index.html",
        "tags/index.html",
        "tags/writing/index.html",
        "tags/life/index.html",
        "atom.xml",
        "sitemap.xml",
        "robots.txt",
        "404.html",
        "style.css",
        "extra.css",
        "2021/01/first-post/index.html",
    ] {
        assert!(site.exists(file), "{file} missing");
    }
    assert!(
        !site.exists("posts/draft/index.html"),
        "drafts are left out"
    );
    assert!(
        !site.exists("posts/future/index.html"),
        "future posts are left out"
    );
    assert!(!site.read("atom.xml").contains("Unfinished"));
}

#[test]
fn index_is_paginated_newest_first() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    let page1 = site.html("index.html");
    let titles: Vec<String> = select(&page1, ".post-summary-title a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(titles, ["Third post", "Second post"]);
    assert_eq!(
        select(&page1, "a[rel=next]")[0].attr("href"),
        Some("/page/2/")
    );
    let page2 = site.html("page/2/index.html");
    let titles: Vec<String> = select(&page2, ".post-summary-title a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(titles, ["First post", "A trip"]);
    assert_eq!(select(&page2, "a[rel=prev]")[0].attr("href"), Some("/"));
}

#[test]
fn summaries_come_from_more_marker_or_front_matter() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    let page = site.html("page/2/index.html");
    let summary = text(&select(&page, ".summary")[0]);
    assert_eq!(summary, "The summary paragraph.");
    let page = site.html("index.html");
    let summaries: Vec<String> = select(&page, ".summary")
        .iter()
        .map(|e| e.inner_html())
        .collect();
    assert!(
        summaries
            .iter()
            .any(|s| s.contains("A <em>hand-written</em> summary.")),
        "{summaries:?}"
    );
}

#[test]
fn tags_are_case_insensitive_and_listed() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    let writing = site.html("tags/writing/index.html");
    let titles: Vec<String> = select(&writing, ".post-summary-title a")
        .iter()
        .map(text)
        .collect();
    assert_eq!(titles, ["Second post", "First post"]);
    let tags = site.html("tags/index.html");
    let names: Vec<String> = select(&tags, ".tag-cloud a").iter().map(text).collect();
    // A tag is shown as first written on the newest post that has it.
    assert_eq!(names, ["Life", "writing"]);
}

#[test]
fn markdown_features_render() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    let first = site.read("posts/first/index.html");
    assert!(
        first.contains("<h2 id=\"a-section\">A section</h2>"),
        "{first}"
    );
    assert!(first.contains("href=\"/posts/second/\""));
    let second = site.read("posts/second/index.html");
    assert!(
        second.contains("<pre class=\"code\" data-lang=\"rust\"><code><span class=\"hl-"),
        "{second}"
    );
    assert!(
        !second.contains("<script"),
        "no JavaScript for highlighting"
    );
}

#[test]
fn aliases_redirect_to_the_post() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    let alias = site.read("2021/01/first-post/index.html");
    assert!(
        alias.contains(
            "<meta http-equiv=\"refresh\" content=\"0; url=https://example.org/posts/first/\">"
        ),
        "{alias}"
    );
    assert!(alias.contains("<link rel=\"canonical\" href=\"https://example.org/posts/first/\">"));
}

#[test]
fn drafts_flag_includes_drafts_and_future_posts() {
    let site = SiteTest::fixture("site/basic");
    site.write(
        "content/posts/plan/index.md",
        "---\ntitle: Plan\ndraft: true\n---\n![map](map.png)\n",
    );
    site.write("content/posts/plan/map.png", "the map");
    site.run(&["build", "--drafts"]).success();
    assert!(site.exists("posts/draft/index.html"));
    assert!(site.exists("posts/future/index.html"));
    // A draft's bundle is published whole, the files beside its index.md too.
    assert_eq!(site.read("posts/plan/map.png"), "the map");
}

#[test]
fn base_url_path_prefix_reaches_every_link() {
    let site = SiteTest::fixture("site/basic");
    site.run(&["build", "--base-url", "https://example.github.io/blog"])
        .success();
    for page in [
        "index.html",
        "posts/first/index.html",
        "tags/writing/index.html",
        "404.html",
        "about/index.html",
    ] {
        let html = site.html(page);
        for a in select(&html, "a[href], link[href]") {
            let href = a.attr("href").unwrap();
            let ok = href.starts_with("/blog/")
                || href.starts_with("https://example.github.io/blog/")
                || href.starts_with('#')
                || href.starts_with("https://") && !href.contains("example");
            assert!(ok, "{page}: link {href} ignores the base path");
        }
    }
    let first = site.read("posts/first/index.html");
    assert!(
        first.contains("href=\"/blog/posts/second/\""),
        "links inside posts get the prefix"
    );
    let atom = site.read("atom.xml");
    assert!(
        atom.contains("<link href=\"https://example.github.io/blog/posts/first/\"/>"),
        "{atom}"
    );
    let sitemap = site.read("sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.github.io/blog/posts/first/</loc>"));
    assert!(site
        .read("robots.txt")
        .contains("Sitemap: https://example.github.io/blog/sitemap.xml"));
}

#[test]
fn atom_feed_has_posts_newest_first() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    let atom = site.read("atom.xml");
    let third = atom.find("Third post").unwrap();
    let first = atom.find("First post").unwrap();
    assert!(third < first);
    assert!(atom.contains("<title>Basic &amp; Co</title>"));
    assert!(atom.contains("<updated>2021-03-01T00:00:00Z</updated>"));
}

#[test]
fn failed_build_leaves_previous_output_untouched() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    let before = site.read("posts/first/index.html");
    site.write("content/posts/broken.md", "---\ntitle: [unclosed\n---\n");
    site.build_error();
    assert_eq!(site.read("posts/first/index.html"), before);
    assert!(site.exists("tags/life/index.html"));
    let leftovers: Vec<_> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rapport"))
        .filter(|n| n != ".public.rapport-lock" && n != ".public.rapport-state")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_rebuild_removes_deleted_posts() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    std::fs::remove_file(site.root.join("content/posts/third.md")).unwrap();
    site.build();
    assert!(!site.exists("posts/custom-slug/index.html"));
}

#[test]
fn output_flag_writes_elsewhere_and_refuses_the_site_itself() {
    let site = SiteTest::fixture("site/basic");
    site.run(&["build", "--output", "elsewhere"]).success();
    assert!(site.root.join("elsewhere/index.html").exists());
    let run = site.run(&["build", "--output", "."]).failure(1);
    assert!(
        run.stderr.contains("refusing to build into ."),
        "{}",
        run.stderr
    );
    let run = site.run(&["build", "--output", "content/x"]).failure(1);
    assert!(
        run.stderr.contains("holds the site's own files"),
        "{}",
        run.stderr
    );
    assert!(site.root.join("content/posts/first.md").exists());
}

#[test]
fn init_scaffolds_a_site_that_builds() {
    let site = SiteTest::empty();
    site.run(&["init", "blog"]).success();
    let run = site.run(&["build", "--root", "blog"]).success();
    assert!(
        run.stdout
            .starts_with("Built 1 post, 1 page and 2 comments into blog/public ("),
        "{}",
        run.stdout
    );
    let post = std::fs::read_to_string(site.root.join("blog/public/posts/hello-world/index.html"))
        .unwrap();
    assert!(post.contains("class=\"comment by-author\" id=\"comment-2\" data-depth=\"2\""));
    let again = site.run(&["init", "blog"]).failure(1);
    assert!(again.stderr.contains("already holds a site"));
}

#[test]
fn site_templates_override_and_extend_the_theme() {
    let site = SiteTest::fixture("site/basic");
    site.write(
        "templates/post.html",
        "{% extends \"theme/post.html\" %}{% block content %}<p class=\"mine\">{{ page.extra.mood | default(value=\"none\") }}</p>{{ super() }}{% endblock content %}",
    );
    site.build();
    let html = site.html("posts/second/index.html");
    assert_eq!(text(&select(&html, "p.mine")[0]), "calm");
    assert_eq!(
        select(&html, "h1.post-title").len(),
        1,
        "the theme's block is kept"
    );
}

#[test]
fn a_named_theme_is_read_from_themes_folder() {
    let site = SiteTest::fixture("site/basic");
    let mut toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    toml.push_str("theme = \"plain\"\n");
    site.write("site.toml", &toml);
    for name in [
        "index.html",
        "tag.html",
        "tags.html",
        "post.html",
        "page.html",
        "404.html",
        "alias.html",
    ] {
        site.write(
            &format!("themes/plain/templates/{name}"),
            "<p>plain {{ site.title }}</p>",
        );
    }
    site.write("themes/plain/static/plain.css", "p{}");
    site.write("themes/plain/static/style.css", "/* plain */");
    site.write("static/.hidden", "x");
    site.write("static/notes.txt~", "x");
    site.build();
    assert_eq!(
        site.read("posts/first/index.html"),
        "<p>plain Basic &amp; Co</p>"
    );
    assert!(site.exists("plain.css"));
    assert_eq!(
        site.read("style.css"),
        "/* plain */",
        "the theme's file wins"
    );
    assert!(
        site.read("engagement/index.html")
            .contains("class=\"page-title\">Conversations"),
        "a template the theme lacks comes from the default theme"
    );
    assert!(
        !site.exists(".hidden") && !site.exists("notes.txt~"),
        "hidden and editor files are not published"
    );
}

#[test]
fn the_example_site_shows_the_seed_conversation() {
    let site = SiteTest::example();
    site.build();
    let html = site.html("posts/its-not-about-the-numbers/index.html");
    let comments = select(&html, "li.comment");
    let summary: Vec<(String, String, String)> = comments
        .iter()
        .map(|c| {
            let author = text(&select_in(c, ".comment-author")[0]);
            (
                c.attr("id").unwrap().to_string(),
                c.attr("data-depth").unwrap().to_string(),
                author,
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("comment-1".into(), "1".into(), "Fiona".into()),
            ("comment-2".into(), "1".into(), "Anonymous".into()),
            ("comment-3".into(), "2".into(), "Pauline Stockhausen".into()),
            ("comment-4".into(), "1".into(), "Joel".into()),
            ("comment-5".into(), "1".into(), "Linda".into()),
        ]
    );
    let by_author: Vec<&str> = select(&html, "li.by-author")
        .iter()
        .map(|c| c.attr("id").unwrap())
        .collect();
    assert_eq!(by_author, ["comment-3"]);
    assert!(
        html.html().contains("peesonal connective level"),
        "the seed's words are kept as written"
    );
}

fn select_in<'a>(e: &scraper::ElementRef<'a>, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    e.select(&scraper::Selector::parse(selector).unwrap())
        .collect()
}

#[test]
fn a_template_extending_itself_is_an_error_not_a_crash() {
    let site = SiteTest::fixture("site/basic");
    let mut toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    toml.push_str("theme = \"plain\"\n");
    site.write("site.toml", &toml);
    site.write(
        "themes/plain/templates/post.html",
        "{% extends \"theme/post.html\" %}",
    );
    for command in ["build", "check"] {
        let run = site.run(&[command]).failure(1);
        assert!(
            run.stderr.starts_with("error: themes/plain/templates/post.html:1: templates extend each other in a circle: post.html → theme/post.html → theme/post.html\n"),
            "{command}: {}",
            run.stderr
        );
    }
    site.write(
        "themes/plain/templates/post.html",
        "{% extends \"default/post.html\" %}{% block content %}<p class=\"mine\">mine</p>{{ super() }}{% endblock content %}",
    );
    site.build();
    assert!(site
        .read("posts/first/index.html")
        .contains("<p class=\"mine\">mine</p>"));
}

#[test]
fn every_list_page_and_tag_feed_shows_each_posts_summary_however_many_posts_were_set_aside() {
    // Summaries of posts outside the posts feed are set aside beside the output while
    // the posts render; these are long enough to fill several blocks of it.
    let site = SiteTest::with_files(&[]);
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://example.org/\"\nposts_per_page = 7\n\n[feeds]\nposts = 3\n",
    );
    let filler = "Words of a long first paragraph, ".repeat(100);
    for n in 0..120 {
        let tag = ["even", "odd"][n % 2];
        let post = format!(
            "---\ntitle: Post {n}\ndate: 2021-01-01T00:{:02}:{:02}Z\ntags: [{tag}]\n---\nMarker{n}x. {filler}\n\nSecond paragraph {n}.\n",
            n / 60,
            n % 60
        );
        site.write(&format!("content/posts/p{n}.md"), &post);
    }
    site.build();
    let shown = |list: &str, pages: usize| -> Vec<String> {
        (1..=pages)
            .flat_map(|p| {
                let file = match p {
                    1 => format!("{list}index.html"),
                    _ => format!("{list}page/{p}/index.html"),
                };
                texts(&site.html(&file), ".summary")
            })
            .map(|s| s.split_whitespace().next().unwrap().to_string())
            .collect()
    };
    let newest_first = |of: &mut dyn Iterator<Item = usize>| -> Vec<String> {
        of.map(|n| format!("Marker{n}x.")).collect()
    };
    assert_eq!(shown("", 18), newest_first(&mut (0..120).rev()));
    assert_eq!(
        shown("tags/odd/", 9),
        newest_first(&mut (0..120).rev().filter(|n| n % 2 == 1))
    );
    assert_eq!(
        shown("tags/even/", 9),
        newest_first(&mut (0..120).rev().filter(|n| n % 2 == 0))
    );
    let feed = site.read("tags/even/atom.xml");
    for n in (0..120).rev().filter(|n| n % 2 == 0).take(3) {
        assert!(feed.contains(&format!("Marker{n}x.")), "{n}: {feed}");
    }
    let index = site.read("search/index.json");
    assert!((0..120).all(|n| index.contains(&format!("Marker{n}x."))));
}
