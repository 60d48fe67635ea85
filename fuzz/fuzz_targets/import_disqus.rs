//! `rapport import disqus` on an arbitrary export, into a small site whose posts the
//! seed exports' threads can match (by link, alias, identifier, WordPress id or last
//! segment), one of them with a hand-edited thread file (so the merge path runs too).
//!
//! Asserted: as for `import_wxr` — never a panic; nothing written outside
//! `site/content/`; errors located in the export; a successful import leaves a site
//! that loads without problems, and running it again changes no byte.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rapport_fuzz::import::{run, Site};

const SITE: &[(&str, &str)] = &[
    (
        "site.toml",
        "title = \"Fuzz\"\nbase_url = \"https://example.org/\"\n",
    ),
    (
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2015-03-02\naliases: [\"/2015/03/hello/\", \"/2011/03/229_8880.html\", \"/p/2011/03/05/podcast-229/\"]\nextra:\n  wordpress_id: 7\n---\nHi.\n",
    ),
    (
        "content/posts/hello.comments.yaml",
        "# kept by hand\ncomments:\n  - id: \"1\"\n    author: Fiona\n    body: |\n      First!\n",
    ),
    (
        "content/posts/frege-and-clojure.md",
        "---\ntitle: Frege\ndate: 2015-02-13\naliases: [/blog/2015/02/13/frege-and-clojure/, /example]\n---\nx\n",
    ),
    (
        "content/posts/datafy-nav/index.md",
        "---\ntitle: Datafy\ndate: 2018-12-03\n---\nx\n",
    ),
    ("content/yorumlar.md", "---\ntitle: Yorumlar\n---\nGuestbook.\n"),
    (
        "content/posts/some-id.md",
        "---\ntitle: Some\ndate: 2013-02-12\naliases: [/blog/2013/02/12/redacted/]\n---\nx\n",
    ),
];

fuzz_target!(|data: &[u8]| {
    run(Site::new(SITE), rapport::import::Format::Disqus, data);
});
