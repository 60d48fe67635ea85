//! `rapport new`: the file it writes builds as a draft, passes `check`, and is never
//! written over.

use crate::harness::{select, text, SiteTest};

#[test]
fn a_new_post_is_a_draft_that_builds_with_drafts() {
    let site = SiteTest::with_files(&[]);
    let title = "Rust: \"why\" #1";
    let run = site.run(&["new", title]).success();
    assert_eq!(run.stdout, "content/posts/rust-why-1.md\n");
    let written = std::fs::read_to_string(site.root.join("content/posts/rust-why-1.md")).unwrap();
    assert!(
        written.starts_with("---\ntitle: \"Rust: \\\"why\\\" #1\"\ndate: "),
        "{written}"
    );
    assert!(written.contains("\ndraft: true\n---\n"), "{written}");

    site.run(&["check"]).success();
    site.run(&["build"]).success();
    assert!(
        !site.exists("posts/rust-why-1/index.html"),
        "a draft stays out of the build"
    );
    site.run(&["build", "--drafts"]).success();
    let page = site.html("posts/rust-why-1/index.html");
    let h1 = select(&page, "h1");
    assert_eq!(text(&h1[0]), title);
    // Dated now, in RFC 3339 UTC: the page's <time> carries today's date.
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let times = select(&page, "time[datetime]");
    assert!(
        times
            .iter()
            .any(|t| t.value().attr("datetime").unwrap().starts_with(&today)),
        "no <time> of {today}"
    );
}

#[test]
fn new_twice_refuses_to_write_over_the_first() {
    let site = SiteTest::with_files(&[]);
    site.run(&["new", "Hello"]).success();
    site.write("content/posts/hello.md", "---\ntitle: Mine\n---\nKept.\n");
    let run = site.run(&["new", "Hello"]).failure(1);
    assert_eq!(
        run.stderr,
        "error: content/posts/hello.md already exists\n  help: edit that file, or choose another title\n"
    );
    assert_eq!(
        std::fs::read_to_string(site.root.join("content/posts/hello.md")).unwrap(),
        "---\ntitle: Mine\n---\nKept.\n"
    );
}

#[test]
fn a_title_without_letters_or_digits_is_refused() {
    let site = SiteTest::with_files(&[]);
    let run = site.run(&["new", "!!!"]).failure(1);
    assert_eq!(
        run.stderr,
        "error: the title \"!!!\" has no letters or digits to name the file by\n  help: give a title with at least one letter or digit, e.g. rapport new \"My first post\"\n"
    );
    assert!(!site.root.join("content").exists());
}

#[test]
fn new_page_with_root_writes_a_page_without_date_or_draft() {
    let site = SiteTest::empty();
    site.write(
        "blog/site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n",
    );
    let run = site
        .run(&["new", "--page", "About me", "--root", "blog"])
        .success();
    assert_eq!(run.stdout, "blog/content/about-me.md\n");
    assert_eq!(
        std::fs::read_to_string(site.root.join("blog/content/about-me.md")).unwrap(),
        "---\ntitle: \"About me\"\n---\n\n"
    );
    site.run(&["build", "--root", "blog"]).success();
    assert!(site.root.join("blog/public/about-me/index.html").exists());
}

#[test]
fn new_outside_a_site_says_so() {
    let site = SiteTest::empty();
    let run = site.run(&["new", "Hello"]).failure(1);
    assert!(run.stderr.contains("no site.toml here"), "{}", run.stderr);
    assert!(!site.root.join("content").exists());
}
