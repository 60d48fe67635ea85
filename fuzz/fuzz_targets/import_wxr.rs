//! `rapport import wordpress` on an arbitrary export, into a small site that already
//! has a post with a hand-edited thread file (so the merge path runs too).
//!
//! Asserted: never a panic; nothing is written outside `site/content/` and nothing
//! outside it changes; an error about the export is located on one of its lines; an
//! import that succeeds leaves a site that loads without a single problem, and running
//! it again changes no byte.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_fuzz::import::{run, Site};

const SITE: &[(&str, &str)] = &[
    (
        "site.toml",
        "title = \"Fuzz\"\nbase_url = \"https://example.org/\"\n\n[author]\nwordpress_user_id = 2\n",
    ),
    (
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2015-03-02\naliases: [\"/2015/03/hello/\"]\n---\nHi.\n",
    ),
    (
        "content/posts/hello.comments.yaml",
        "# kept by hand\ncomments:\n  - id: \"1\"\n    author: Fiona\n    body: |\n      First!\n",
    ),
    ("content/about.md", "---\ntitle: About\n---\nMe.\n"),
];

fuzz_target!(|data: &[u8]| {
    run(Site::new(SITE), rapport::import::Format::WordPress, data);
});
