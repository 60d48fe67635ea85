//! Front matter in TOML (`+++`), as Hugo and Zola write it, reads as the same post
//! as in YAML (its mistakes are in the catalogue of errors.rs).

use crate::harness::SiteTest;

const YAML: &str = "---
title: \"Rust: \\\"why\\\" #1\"
date: 2015-03-01T09:00:00Z
updated: 2015-03-04
tags: [social media, engagement]
summary: \"Why a *small* engaged audience wins.\"
slug: not-about-numbers
aliases: [\"/2015/03/old/\"]
extra:
  mood: calm
---
The body, in *markdown*.
";

const TOML: &str = "+++
title = 'Rust: \"why\" #1'
date = 2015-03-01T09:00:00Z
updated = \"2015-03-04\"
tags = [\"social media\", \"engagement\"]
summary = \"Why a *small* engaged audience wins.\"
slug = \"not-about-numbers\"
aliases = [\"/2015/03/old/\"]

[extra]
mood = \"calm\"
+++
The body, in *markdown*.
";

#[test]
fn a_post_in_toml_builds_the_same_pages_as_in_yaml() {
    let yaml = SiteTest::with_files(&[("content/posts/numbers.md", YAML)]);
    let toml = SiteTest::with_files(&[("content/posts/numbers.md", TOML)]);
    yaml.build();
    toml.build();
    for page in [
        "posts/not-about-numbers/index.html",
        "index.html",
        "tags/social-media/index.html",
        "2015/03/old/index.html",
        "atom.xml",
    ] {
        assert_eq!(yaml.read(page), toml.read(page), "{page} differs");
    }
    let post = toml.read("posts/not-about-numbers/index.html");
    assert!(post.contains("Rust: &quot;why&quot; #1"), "{post}");
    assert!(post.contains("2015-03-04"), "the updated date is shown");
}

#[test]
fn a_toml_date_with_a_time_and_offset_is_read() {
    let site = SiteTest::with_files(&[(
        "content/posts/a.md",
        "+++\ntitle = \"A\"\ndate = 2015-03-02T12:15:00+02:00\n+++\nHi.\n",
    )]);
    site.build();
    assert!(site
        .read("posts/a/index.html")
        .contains("2015-03-02T10:15:00Z"));
}

#[test]
fn deeply_nested_toml_brackets_said_recursion_limit_exceeded() {
    let depth = 100_000;
    let text = format!(
        "+++\ntitle = \"A\"\ntags = {}{}\n+++\nHi.\n",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let site = SiteTest::with_files(&[("content/posts/a.md", &text)]);
    let stderr = site.build_error();
    assert!(
        stderr.starts_with("error: content/posts/a.md:3:")
            && stderr.contains(
                ": lists or tables in [ ] or { } nest too deep here\n  help: close the brackets"
            ),
        "{stderr}"
    );
    assert!(!site.exists("index.html"));
}
