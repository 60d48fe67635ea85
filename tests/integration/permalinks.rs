//! `[permalinks]` in site.toml: posts published at the pattern's addresses on every
//! page that links them, in the feeds and the sitemap; bad patterns and posts the
//! pattern cannot place are errors at their line.

use crate::harness::{select, SiteTest};

const SITE: &str = "title = \"T\"\nbase_url = \"https://example.org/\"\n";

fn hrefs(site: &SiteTest, rel: &str) -> Vec<String> {
    let html = site.html(rel);
    select(&html, "a[href]")
        .iter()
        .map(|a| a.value().attr("href").unwrap().to_string())
        .collect()
}

#[test]
fn posts_are_published_at_the_patterns_address_everywhere() {
    let site = SiteTest::fixture("permalinks/dated");
    site.build();
    for rel in [
        "2015/03/march/index.html",
        "2015/04/april/index.html",
        "2015/03/trip/index.html",
        "2015/03/trip/map.txt",
        "about/index.html",
    ] {
        assert!(site.exists(rel), "{rel} was not written");
    }
    assert!(!site.exists("posts"), "posts/ was written");
    let home = hrefs(&site, "index.html");
    for post in ["march", "trip"] {
        assert!(home.contains(&format!("/blog/2015/03/{post}/")), "{home:?}");
    }
    assert!(
        home.contains(&"/blog/2015/04/april/".to_string()),
        "{home:?}"
    );
    let tag = hrefs(&site, "tags/travel/index.html");
    assert!(tag.contains(&"/blog/2015/03/march/".to_string()), "{tag:?}");
    // Newer and older links between posts.
    let march = hrefs(&site, "2015/03/march/index.html");
    assert!(
        march.contains(&"/blog/2015/03/trip/".to_string()),
        "{march:?}"
    );
    let canonical = site.read("2015/04/april/index.html");
    assert!(
        canonical
            .contains("<link rel=\"canonical\" href=\"https://example.org/blog/2015/04/april/\""),
        "{canonical}"
    );
    let atom = site.read("atom.xml");
    assert!(
        atom.contains("https://example.org/blog/2015/04/april/"),
        "{atom}"
    );
    assert!(!atom.contains("/posts/"), "{atom}");
    let comments = site.read("comments.xml");
    assert!(
        comments.contains("https://example.org/blog/2015/04/april/#comment-1"),
        "{comments}"
    );
    let sitemap = site.read("sitemap.xml");
    assert!(
        sitemap.contains("<loc>https://example.org/blog/2015/03/trip/</loc>"),
        "{sitemap}"
    );
    assert!(!sitemap.contains("/posts/"), "{sitemap}");
    let engagement = hrefs(&site, "engagement/index.html");
    assert!(
        engagement
            .iter()
            .any(|h| h.starts_with("/blog/2015/04/april/")),
        "{engagement:?}"
    );
    // A link written to the new address is a link `check` finds.
    site.run(&["check"]).success();
}

#[test]
fn id_comes_from_the_front_matter_or_the_imported_wordpress_id() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/a.md",
            "---\ntitle: A\ndate: 2015-03-02\nid: 12\n---\nA.\n",
        ),
        (
            "content/posts/b.md",
            "---\ntitle: B\ndate: 2015-03-03\nextra:\n  wordpress_id: 34\n---\nB.\n",
        ),
    ]);
    site.write(
        "site.toml",
        &format!("{SITE}\n[permalinks]\nposts = \"/archives/:id/\"\n"),
    );
    site.build();
    assert!(site.exists("archives/12/index.html"));
    assert!(site.exists("archives/34/index.html"));
}

#[test]
fn a_post_without_the_id_its_pattern_names_is_an_error() {
    let site = SiteTest::with_files(&[(
        "content/posts/a.md",
        "---\ntitle: A\ndate: 2015-03-02\n---\nA.\n",
    )]);
    site.write(
        "site.toml",
        &format!("{SITE}\n[permalinks]\nposts = \"/archives/:id/\"\n"),
    );
    assert_eq!(
        site.build_error(),
        "error: content/posts/a.md:1: this post has no id, which the permalink pattern \"/archives/:id/\" (site.toml:5) needs\n  help: add its id to the front matter, e.g. id: 1234, or use :slug in the pattern\n"
    );
}

#[test]
fn section_and_day_and_file_addresses() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/a.md",
            "---\ntitle: A\ndate: 2015-03-02\n---\nA.\n",
        ),
        (
            "content/posts/Travel Notes/b.md",
            "---\ntitle: B\ndate: 2016-11-09T23:00:00Z\n---\nB.\n",
        ),
    ]);
    site.write(
        "site.toml",
        &format!("{SITE}\n[permalinks]\nposts = \"/:section/:year-:month-:day-:slug.html\"\n"),
    );
    site.build();
    assert!(site.exists("posts/2015-03-02-a.html"));
    assert!(site.exists("posts/travel-notes/2016-11-09-b.html"));
    let home = hrefs(&site, "index.html");
    assert!(
        home.contains(&"/posts/travel-notes/2016-11-09-b.html".to_string()),
        "{home:?}"
    );
}

#[test]
fn two_posts_at_one_address_are_both_named() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/hello.md",
            "---\ntitle: A\ndate: 2015-03-02\n---\nA.\n",
        ),
        (
            "content/posts/2016/hello.md",
            "---\ntitle: B\ndate: 2016-03-02\n---\nB.\n",
        ),
    ]);
    site.write(
        "site.toml",
        &format!("{SITE}\n[permalinks]\nposts = \"/:slug/\"\n"),
    );
    assert_eq!(
        site.build_error(),
        "error: content/posts/hello.md:1: this post is published at /hello/, which content/posts/2016/hello.md:1 also uses\n  help: give it another address with slug: in its front matter, or rename the file\n"
    );
}

/// (pattern, message, help) of each pattern site.toml may not have.
const BAD_PATTERNS: &[(&str, &str, &str)] = &[
    (
        "/:year/:title/",
        "permalink pattern \"/:year/:title/\" names :title, which is not a placeholder (the post's address name is :slug)",
        "write a path on this site made of :year, :month, :day, :slug, :id and :section, e.g. posts = \"/:year/:month/:slug/\"",
    ),
    (
        "/:yaer/:slug/",
        "permalink pattern \"/:yaer/:slug/\" names :yaer, which is not a placeholder (did you mean :year?)",
        "write a path on this site made of :year, :month, :day, :slug, :id and :section, e.g. posts = \"/:year/:month/:slug/\"",
    ),
    (
        "/:year/:month/",
        "permalink pattern \"/:year/:month/\" names neither :slug nor :id, so posts would share an address",
        "add :slug (or :id), e.g. posts = \"/:year/:month/:slug/\"",
    ),
    (
        "javascript:alert(1)//:slug",
        "permalink pattern \"javascript:alert(1)//:slug\" is a URL, not a path on this site",
        "write the path below base_url, starting with /, e.g. posts = \"/:year/:month/:slug/\"",
    ),
    (
        "https://old.example/:slug/",
        "permalink pattern \"https://old.example/:slug/\" is a URL, not a path on this site",
        "write the path below base_url, starting with /, e.g. posts = \"/:year/:month/:slug/\"",
    ),
    (
        ":year/:slug/",
        "permalink pattern \":year/:slug/\" must start with /",
        "write a path on this site made of :year, :month, :day, :slug, :id and :section, e.g. posts = \"/:year/:month/:slug/\"",
    ),
    (
        "/%year%/%postname%/",
        "permalink pattern \"/%year%/%postname%/\" is written the WordPress way",
        "write placeholders with a colon: %year% is :year, %monthnum% :month, %day% :day, %postname% :slug, %post_id% :id",
    ),
    (
        "/../:slug/",
        "permalink pattern \"/../:slug/\" has a segment \"..\" that is not a plain folder name",
        "use letters, digits, dashes and placeholders between single slashes, e.g. /blog/:year/:slug/",
    ),
];

#[test]
fn a_bad_pattern_is_an_error_at_its_line() {
    for (pattern, message, help) in BAD_PATTERNS {
        let site = SiteTest::with_files(&[(
            "content/posts/a.md",
            "---\ntitle: A\ndate: 2015-03-02\n---\nA.\n",
        )]);
        site.write(
            "site.toml",
            &format!("{SITE}\n[permalinks]\nposts = \"{pattern}\"\n"),
        );
        assert_eq!(
            site.build_error(),
            format!("error: site.toml:5: {message}\n  help: {help}\n"),
            "{pattern}"
        );
    }
}

fn export(name: &str) -> String {
    crate::harness::fixtures_dir()
        .join("import/wordpress")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn an_import_whose_posts_share_one_pattern_says_which_line_keeps_their_addresses() {
    let site = SiteTest::with_files(&[]);
    let out = site
        .run(&["import", "wordpress", &export("permalinks.xml")])
        .success()
        .stdout;
    assert!(
        out.contains("Every published post of the export was at an address of the pattern /:year/:month/:slug/: to publish each post at its old address rather than redirect from there, add [permalinks] with posts = \"/:year/:month/:slug/\" to site.toml"),
        "{out}"
    );
    // site.toml is the writer's: the import leaves it as it was.
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    assert!(!toml.contains("permalinks"), "{toml}");
    let post = std::fs::read_to_string(site.root.join("content/posts/tomatoes.md")).unwrap();
    assert!(
        post.contains("aliases:\n  - \"/2015/03/tomatoes/\""),
        "{post}"
    );
    site.build();
    assert!(site.exists("posts/tomatoes/index.html"));
    assert!(site
        .read("2015/03/tomatoes/index.html")
        .contains("http-equiv=\"refresh\""));

    // With the line the report gives, every old address is the post itself, not a
    // redirect page over it.
    site.write(
        "site.toml",
        &format!("{toml}\n[permalinks]\nposts = \"/:year/:month/:slug/\"\n"),
    );
    site.run(&["build", "--drafts"]).success();
    let tomatoes = site.read("2015/03/tomatoes/index.html");
    assert!(tomatoes.contains("id=\"comment-7\""), "{tomatoes}");
    assert!(!tomatoes.contains("http-equiv=\"refresh\""), "{tomatoes}");
    assert!(site.exists("2016/11/beans/index.html"));
    assert!(site.exists("about/index.html"));
    // The draft had no old address; it has one from its date.
    assert!(site.exists("2017/01/not-yet/index.html"));
    assert!(!site.exists("posts"));

    // A later import writes no alias for a new post at its own address.
    std::fs::remove_file(site.root.join("content/posts/beans.md")).unwrap();
    let out = site
        .run(&["import", "wordpress", &export("permalinks.xml")])
        .success()
        .stdout;
    assert!(!out.contains("add [permalinks]"), "{out}");
    let beans = std::fs::read_to_string(site.root.join("content/posts/beans.md")).unwrap();
    assert!(!beans.contains("aliases"), "{beans}");
}

#[test]
fn links_of_no_one_pattern_keep_their_aliases_and_no_line_is_suggested() {
    let site = SiteTest::fixture("site/basic");
    let out = site
        .run(&["import", "wordpress", &export("starter-collision.xml")])
        .success()
        .stdout;
    // /about/ is a page's; the posts are at /:year/:month/:day/:slug/.
    assert!(
        out.contains("posts = \"/:year/:month/:day/:slug/\""),
        "{out}"
    );
    let out = site
        .run(&["import", "wordpress", &export("edge-cases.xml")])
        .success()
        .stdout;
    assert!(!out.contains("[permalinks]"), "{out}");
}

#[test]
fn a_site_made_from_an_export_publishes_every_post_at_its_old_address() {
    let dir = SiteTest::empty();
    let out = dir
        .run(&[
            "import",
            "wordpress",
            &export("permalinks.xml"),
            "--root",
            "blog",
        ])
        .success()
        .stdout;
    assert!(
        out.contains("Every published post of the export was at an address of the pattern /:year/:month/:slug/: site.toml publishes posts there ([permalinks]), so each keeps its old address"),
        "{out}"
    );
    let blog = dir.root.join("blog");
    let toml = std::fs::read_to_string(blog.join("site.toml")).unwrap();
    assert!(
        toml.ends_with("\n\n[permalinks]\nposts = \"/:year/:month/:slug/\"\n"),
        "{toml}"
    );
    let post = std::fs::read_to_string(blog.join("content/posts/tomatoes.md")).unwrap();
    assert!(!post.contains("aliases"), "{post}");
    dir.run(&["build", "--root", "blog"]).success();
    let public = blog.join("public");
    let tomatoes = std::fs::read_to_string(public.join("2015/03/tomatoes/index.html")).unwrap();
    assert!(tomatoes.contains("id=\"comment-7\""), "{tomatoes}");
    assert!(public.join("2016/11/beans/index.html").is_file());
    assert!(public.join("about/index.html").is_file());
    assert!(!public.join("posts").exists());
    // A second import changes no byte.
    dir.run(&[
        "import",
        "wordpress",
        &export("permalinks.xml"),
        "--root",
        "blog",
    ])
    .success();
    assert_eq!(
        std::fs::read_to_string(blog.join("site.toml")).unwrap(),
        toml
    );
    assert_eq!(
        std::fs::read_to_string(blog.join("content/posts/tomatoes.md")).unwrap(),
        post
    );
}
