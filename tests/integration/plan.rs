//! The plan of a build: every file the site writes is known before anything is
//! written, so two things at one address are an error naming both, and the report
//! counts what was written.

use crate::harness::SiteTest;

const SITE: &str = "title = \"Test\"\nbase_url = \"https://example.org/\"\nposts_per_page = 1\n";

/// A site with two posts tagged `x` (so `/page/2/` and `/tags/x/` exist), plus `files`.
fn site_with(files: &[(&str, &str)]) -> SiteTest {
    let site = SiteTest::empty();
    site.write("site.toml", SITE)
        .write(
            "content/posts/one.md",
            "---\ntitle: One\ndate: 2024-01-01\ntags: [x]\n---\nOne.\n",
        )
        .write(
            "content/posts/two.md",
            "---\ntitle: Two\ndate: 2024-01-02\ntags: [x]\n---\nTwo.\n",
        );
    for (rel, text) in files {
        site.write(rel, text);
    }
    site
}

/// Builds and checks the site; both must fail with `expected` and leave no output.
#[track_caller]
fn refused(site: &SiteTest, expected: &str) {
    let err = site.build_error();
    assert!(err.contains(expected), "build: {err}");
    assert!(!site.root.join("public").exists(), "nothing was published");
    assert!(
        !err.contains(".rapport-new"),
        "no staging folder named: {err}"
    );
    let check = site.run(&["check"]).failure(1);
    assert!(check.stderr.contains(expected), "check: {}", check.stderr);
}

#[test]
fn a_page_at_a_generated_address_overwrote_the_generated_page() {
    refused(
        &site_with(&[("content/tags.md", "---\ntitle: Tags\n---\nMine.\n")]),
        "content/tags.md:1: this page is published at /tags/, which the tag index also uses",
    );
    refused(
        &site_with(&[("content/engagement.md", "---\ntitle: E\n---\nMine.\n")]),
        "content/engagement.md:1: this page is published at /engagement/, which the conversations page also uses",
    );
}

#[test]
fn an_alias_at_a_generated_address_overwrote_the_generated_page() {
    // The address as published: `/atom.xml` becomes a folder, `/atom.xml/`.
    for (alias, shown, owner) in [
        ("/404.html", "/404.html", "the 404 page"),
        ("/index.html", "/index.html", "page 1 of the list of posts"),
        ("/tags/x/", "/tags/x/", "page 1 of the posts tagged x"),
        ("/page/2/", "/page/2/", "page 2 of the list of posts"),
        ("/engagement/", "/engagement/", "the conversations page"),
        ("/atom.xml", "/atom.xml/", "the posts feed"),
        (
            "/style.css/",
            "/style.css/",
            "the default theme's style.css",
        ),
    ] {
        let page = format!("---\ntitle: About\naliases:\n  - /old/\n  - {alias}\n---\nHi.\n");
        let site = site_with(&[("content/about.md", &page)]);
        refused(
            &site,
            &format!("content/about.md:5: this page has an alias {shown}, which {owner} also uses"),
        );
    }
}

#[test]
fn two_pages_at_one_address_name_both_files() {
    let site = site_with(&[
        ("content/a.md", "---\ntitle: A\nslug: same\n---\nA.\n"),
        ("content/b.md", "---\ntitle: B\nslug: same\n---\nB.\n"),
    ]);
    refused(
        &site,
        "content/b.md:1: this page is published at /same/, which content/a.md:1 also uses",
    );
}

#[test]
fn a_static_file_at_a_generated_address_is_refused() {
    let site = site_with(&[("static/robots.txt", "User-agent: *\n")]);
    refused(
        &site,
        "static/robots.txt: this file is published at /robots.txt, which the generated robots.txt also uses",
    );
}

#[test]
fn the_report_counts_every_file_written() {
    let site = SiteTest::fixture("site/basic");
    let run = site.run(&["build"]).success();
    let written = walk(&site.root.join("public"));
    assert!(
        run.stdout.contains(&format!("({written} files)")),
        "{written} files written: {}",
        run.stdout
    );
}

fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { walk(&p) } else { 1 })
        .sum()
}
