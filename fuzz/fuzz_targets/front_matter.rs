//! Front matter splitting and parsing, and the whole document parse built on them:
//! never a panic; every error is located on a line of the file; a document that
//! parses publishes at a safe relative path.

#![no_main]

use std::path::{Path, PathBuf};

use libfuzzer_sys::fuzz_target;
use rapport::content::front_matter::{parse, split};
use rapport::content::{parse_document, Kind, Source};
use rapport_fuzz::{assert_located, assert_relative_path, assert_segment};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new("content/posts/fuzz.md");
    match split(text, path) {
        Err(d) => assert_located(&[d], text),
        Ok(s) => {
            // The parts are pieces of the text, in order.
            let fm_start = s.front_matter.as_ptr() as usize - text.as_ptr() as usize;
            let body_start = s.body.as_ptr() as usize - text.as_ptr() as usize;
            assert!(fm_start + s.front_matter.len() <= body_start);
            assert!(body_start + s.body.len() == text.len());
            assert!(
                s.front_matter_line >= 1 && s.front_matter_line <= rapport_fuzz::line_count(text)
            );
            if let Err(d) = parse(&s, path) {
                assert_located(&[d], text);
            }
        }
    }
    for (kind, path) in [
        (Kind::Post, "content/posts/fuzz.md"),
        (Kind::Page, "content/about/team/index.md"),
    ] {
        let source = Source {
            kind,
            path: PathBuf::from(path),
            thread: None,
        };
        match parse_document(text, &source) {
            Err(ds) => assert_located(&ds, text),
            Ok(doc) => {
                assert_segment(&doc.slug(), "slug");
                assert_relative_path(&doc.path, "document path");
                for alias in &doc.more().aliases {
                    assert_relative_path(alias, "alias");
                }
            }
        }
    }
});
