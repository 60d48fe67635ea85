//! Bad input: every problem named with `path:line` and what to do, exit status 1,
//! and `check` listing all of them at once (the catalogue of single mistakes and
//! their exact messages is in errors.rs).

use crate::harness::SiteTest;

const POST: &str = "---\ntitle: Hello\ndate: 2020-01-01\n---\nHello.\n";

#[track_caller]
fn build_error_with(files: &[(&str, &str)]) -> String {
    let mut all = vec![("content/posts/hello.md", POST)];
    all.extend_from_slice(files);
    let site = SiteTest::with_files(&all);
    let stderr = site.build_error();
    assert!(!site.exists("index.html"), "nothing is published on error");
    stderr
}

#[test]
fn duplicate_comment_id() {
    let stderr = build_error_with(&[(
        "content/posts/hello.comments.yaml",
        "comments:\n  - id: \"1\"\n    body: a\n  - id: \"1\"\n    body: b\n",
    )]);
    assert_eq!(
        stderr,
        "error: content/posts/hello.comments.yaml:4: duplicate comment id \"1\" (first used on line 2)\n  help: give each comment its own id; replies point at ids with parent:\n"
    );
}

#[test]
fn unknown_parent() {
    let stderr = build_error_with(&[(
        "content/posts/hello.comments.yaml",
        "comments:\n  - id: \"1\"\n    body: a\n  - id: \"2\"\n    body: b\n    parent: \"9\"\n",
    )]);
    assert_eq!(
        stderr,
        "error: content/posts/hello.comments.yaml:6: comment \"2\" replies to \"9\", which is not in this file\n  help: set parent: to the id of a comment in this file, or remove it to make a top-level comment\n"
    );
}

#[test]
fn reply_cycle() {
    let stderr = build_error_with(&[(
        "content/posts/hello.comments.yaml",
        "comments:\n  - id: a\n    parent: b\n  - id: b\n    parent: a\n",
    )]);
    assert_eq!(
        stderr,
        "error: content/posts/hello.comments.yaml:3: comments \"a\" → \"b\" reply to each other in a cycle\n  help: one of them must be the first: remove or change its parent:\n"
    );
}

#[test]
fn impossible_date() {
    let stderr = build_error_with(&[(
        "content/posts/bad.md",
        "---\ntitle: Bad\ndate: 2021-02-30\n---\n",
    )]);
    assert_eq!(
        stderr,
        "error: content/posts/bad.md:3: date: \"2021-02-30\" is not a valid date (expected e.g. 2015-03-02 or 2015-03-02T10:15:00Z)\n  help: write the date as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ\n"
    );
}

#[test]
fn file_that_is_not_utf8() {
    let site = SiteTest::with_files(&[("content/posts/hello.md", POST)]);
    std::fs::write(
        site.root.join("content/posts/latin1.md"),
        b"---\ntitle: caf\xe9\n---\n",
    )
    .unwrap();
    assert_eq!(
        site.build_error(),
        "error: content/posts/latin1.md:2: this file is not valid UTF-8\n  help: save the file as UTF-8 (most editors offer this under \"Save with encoding\")\n"
    );
}

#[test]
fn escaping_slug_is_refused() {
    let stderr = build_error_with(&[(
        "content/posts/evil.md",
        "---\ntitle: Evil\ndate: 2020-01-01\nslug: \"../../x\"\n---\n",
    )]);
    assert_eq!(
        stderr,
        "error: content/posts/evil.md:4: slug \"../../x\" is not a single URL segment (it may not contain '/', '..' or spaces)\n  help: use letters, digits and dashes only, e.g. slug: my-first-post\n"
    );
}

#[test]
fn escaping_alias_is_refused() {
    let stderr = build_error_with(&[(
        "content/posts/evil.md",
        "---\ntitle: Evil\ndate: 2020-01-01\naliases: [\"/../../../tmp/x/\"]\n---\n",
    )]);
    assert!(stderr.starts_with("error: content/posts/evil.md:4: alias \"/../../../tmp/x/\" may not contain '.' or '..' segments"), "{stderr}");
}

#[test]
fn two_posts_at_one_address() {
    let stderr = build_error_with(&[(
        "content/posts/other.md",
        "---\ntitle: Other\ndate: 2020-01-01\nslug: hello\n---\n",
    )]);
    assert!(
        stderr.contains(
            "content/posts/other.md:1: this post is published at /posts/hello/, which content/posts/hello.md:1 also uses"
        ),
        "{stderr}"
    );
}

#[test]
fn check_reports_every_problem_at_once() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/hello.md",
            "---\ntitle: Hello\ndate: 2020-01-01\n---\n[dead](/posts/nowhere/)\n",
        ),
        (
            "content/posts/hello.comments.yaml",
            "comments:\n  - id: \"1\"\n  - id: \"1\"\n  - id: \"2\"\n    parent: \"7\"\n",
        ),
        (
            "content/posts/bad.md",
            "---\ntitle: Bad\ndate: 2020-13-01\n---\n",
        ),
        ("content/posts/lonely.comments.yaml", "comments: []\n"),
    ]);
    let run = site.run(&["check"]).failure(1);
    let firsts: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("  help"))
        .collect();
    assert_eq!(
        firsts,
        [
            "error: content/posts/bad.md:3: date: \"2020-13-01\" is not a valid date (expected e.g. 2015-03-02 or 2015-03-02T10:15:00Z)",
            "error: content/posts/hello.comments.yaml:3: duplicate comment id \"1\" (first used on line 2)",
            "error: content/posts/hello.comments.yaml:5: comment \"2\" replies to \"7\", which is not in this file",
            "error: content/posts/lonely.comments.yaml: this thread file has no post beside it",
            "4 problems found",
        ]
    );
    assert!(!site.root.join("public").exists(), "check writes nothing");
}

#[test]
fn check_reported_a_broken_link_on_every_page_instead_of_where_it_is_written() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/hello.md",
            "---\ntitle: Hello\ndate: 2020-01-01\n---\nIntro.\n\nSee [dead](/posts/nowhere/) and [fine](/tags/).\n",
        ),
        (
            "content/about.md",
            "---\ntitle: About\n---\n<p>Old <a href=\"/old/about.html\">page</a></p>\n",
        ),
        (
            "templates/base.html",
            "{% extends \"theme/base.html\" %}\n{% block head %}\n<link rel=\"author\" href=\"{{ site.base_path }}humans.txt\">\n{% endblock head %}\n",
        ),
    ]);
    let run = site.run(&["check"]).failure(1);
    assert_eq!(
        run.stderr,
        "error: content/about.md:4:11: links to /old/about.html, which the site does not have\n  \
         help: fix the address (one starting with / is read from the site's root, e.g. /posts/hello/), or create what it points at\n\
         error: content/posts/hello.md:7:5: links to /posts/nowhere/, which the site does not have\n  \
         help: fix the address (one starting with / is read from the site's root, e.g. /posts/hello/), or create what it points at\n\
         error: templates/base.html:3:20: links to /humans.txt, which the site does not have\n  \
         help: fix the link in this template (it is on every page the template makes)\n\
         3 problems found\n"
    );
}

#[test]
fn a_broken_link_under_a_base_path_is_found_in_its_post() {
    let site = SiteTest::with_files(&[(
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2020-01-01\n---\n[dead](/posts/nowhere/)\n",
    )]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/blog/\"\n",
    );
    let run = site.run(&["check"]).failure(1);
    assert!(
        run.stderr.starts_with(
            "error: content/posts/hello.md:5:1: links to /blog/posts/nowhere/, which the site does not have\n"
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn check_passes_on_the_example_site() {
    let site = SiteTest::example();
    let run = site.run(&["check"]).success();
    assert_eq!(run.stdout, "No problems found.\n");
}

#[test]
fn check_stopped_at_a_template_error_and_hid_the_other_problems() {
    let site = SiteTest::with_files(&[
        ("content/posts/hello.md", POST),
        (
            "content/posts/bad.md",
            "---\ntitle: Bad\ndate: 2020-13-01\n---\n",
        ),
        ("templates/post.html", "{% extends \"base.html\" %}\n{% block content %}{{ page.title }{% endblock content %}\n"),
    ]);
    let run = site.run(&["check"]).failure(1);
    let firsts: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("  help"))
        .collect();
    assert_eq!(
        firsts,
        [
            "error: content/posts/bad.md:3: date: \"2020-13-01\" is not a valid date (expected e.g. 2015-03-02 or 2015-03-02T10:15:00Z)",
            "error: templates/post.html:2:34: this template cannot be read here: expected `or`, `and`, `not`, `<=`, `>=`, `<`, `>`, `==`, `!=`, `+`, `-`, `*`, `/`, `%`, a filter, or a variable end (`}}`)",
            "2 problems found",
        ]
    );
}

#[test]
fn a_broken_link_in_a_comment_or_a_summary_is_reported_once() {
    let site = SiteTest::with_files(&[
        (
            "content/posts/hello.md",
            "---\ntitle: Hello\ndate: 2020-01-01\nsummary: \"See [old](/old/)\"\n---\nHi.\n",
        ),
        (
            "content/posts/hello.comments.yaml",
            "comments:\n  - id: \"1\"\n    body: Hi\n  - id: \"2\"\n    body: \"Also [here](/posts/gone/)\"\n",
        ),
    ]);
    let run = site.run(&["check"]).failure(1);
    let firsts: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| !l.starts_with("  help"))
        .collect();
    assert_eq!(
        firsts,
        [
            "error: content/posts/hello.comments.yaml:4: links to /posts/gone/, which the site does not have",
            "error: content/posts/hello.md:4: links to /old/, which the site does not have",
            "2 problems found",
        ]
    );
}

#[test]
fn a_broken_link_built_from_a_variable_is_reported_at_its_first_page() {
    let site = SiteTest::with_files(&[
        ("content/posts/hello.md", POST),
        ("content/about.md", "---\ntitle: About\n---\nMe.\n"),
        (
            "templates/base.html",
            "{% extends \"theme/base.html\" %}\n{% block head %}<link rel=\"me\" href=\"{{ site.extra.me }}\">{% endblock head %}\n",
        ),
    ]);
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n[extra]\nme = \"/me/\"\n",
    );
    let run = site.run(&["check"]).failure(1);
    let first = run.stderr.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("error: 404.html: links to /me/, which the site does not have (and ")
            && first.ends_with(" other pages)"),
        "{}",
        run.stderr
    );
    assert_eq!(run.stderr.matches("error:").count(), 1, "{}", run.stderr);
}
