//! Slug and URL normalisation: `slugify`, the front matter `slug:` and `aliases:`
//! checks, page paths from folder names, and the base URL. Whatever the text, a slug
//! is one safe segment and every path a document publishes at stays relative and
//! free of `.`/`..` segments, so it cannot climb out of the output folder.

#![no_main]

use std::path::PathBuf;

use libfuzzer_sys::fuzz_target;
use rapport::config::resolve_base_url;
use rapport::content::{parse_document, slugify, Kind, Source};
use rapport_fuzz::{assert_located, assert_relative_path, assert_segment, yaml_quoted};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };

    let slug = slugify(text);
    if !slug.is_empty() {
        assert_segment(&slug, "slugify");
        assert!(
            !slug.starts_with('.'),
            "slugify gave a hidden name {slug:?}"
        );
        assert!(!slug.chars().any(char::is_whitespace), "{slug:?}");
        // A slug becomes a file name that is slugified again (importers write
        // `posts/<slug>.md`): it must come back unchanged.
        assert_eq!(slugify(&slug), slug, "slugify is not idempotent");
    }

    // The text as a front matter slug and alias of a post.
    let doc = format!(
        "---\ntitle: t\nslug: {}\naliases: [{}]\n---\nbody\n",
        yaml_quoted(text),
        yaml_quoted(text)
    );
    let post = Source {
        kind: Kind::Post,
        path: PathBuf::from("content/posts/a.md"),
        thread: None,
    };
    match parse_document(&doc, &post) {
        Err(ds) => assert_located(&ds, &doc),
        Ok(d) => {
            assert_segment(&d.slug(), "front matter slug");
            assert_relative_path(&d.path, "post path");
            for alias in &d.more().aliases {
                assert_relative_path(alias, "alias");
            }
        }
    }

    // The text as the folders of a page (what content discovery can find: plain,
    // not hidden names), without a slug of its own.
    let folders: Vec<&str> = text
        .split(['/', '\\'])
        .filter(|s| !s.is_empty() && !s.starts_with('.') && !s.contains('\0'))
        .take(8)
        .collect();
    if !folders.is_empty() {
        for file in ["index.md", "page.md"] {
            let mut path = PathBuf::from("content");
            path.extend(&folders);
            path.push(file);
            let page = Source {
                kind: Kind::Page,
                path,
                thread: None,
            };
            match parse_document("---\ntitle: t\n---\n", &page) {
                Ok(d) => {
                    assert_segment(&d.slug(), "page slug");
                    assert_relative_path(&d.path, "page path");
                }
                // An address too long (a folder, or all of it) is the one problem
                // such a page may have.
                Err(ds) => assert!(
                    ds.iter().all(|d| [
                        "a part of an address between slashes may have at most",
                        "an address may have at most",
                    ]
                    .iter()
                    .any(|m| d.message.contains(m))),
                    "a page without front matter problems: {ds:?}"
                ),
            }
        }
    }

    // The text as the site's base URL.
    if let Ok((url, path)) = resolve_base_url(text) {
        assert!(path.starts_with('/') && path.ends_with('/'), "{path:?}");
        assert!(url.ends_with(&path), "{url:?} {path:?}");
        assert!(!path.split('/').any(|s| s == ".."), "{path:?}");
    }
});
