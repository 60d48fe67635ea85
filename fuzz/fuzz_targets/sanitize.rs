//! The comment sanitiser, alone and after the comment markdown renderer: whatever a
//! reader writes, the HTML that comes out, re-parsed as a browser would, holds no
//! active content (see `rapport_fuzz::assert_inert`); a comment written as plain
//! paragraphs, which skips the markdown parser, comes out as the parser writes it.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rapport::render::markdown::Markdown;
use rapport::render::sanitize::{comment_body, safe_website, Sanitizer};
use rapport_fuzz::{assert_inert, url_scheme};

struct Tools {
    sanitizer: Sanitizer,
    root: Markdown,
    prefixed: Markdown,
}

fn tools() -> &'static Tools {
    static TOOLS: OnceLock<Tools> = OnceLock::new();
    TOOLS.get_or_init(|| Tools {
        sanitizer: Sanitizer::default(),
        root: Markdown::new("/"),
        prefixed: Markdown::new("/blog/"),
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let t = tools();
    // Markdown, then the sanitiser.
    let markdown = if text.len() % 2 == 0 {
        &t.root
    } else {
        &t.prefixed
    };
    let html = t.sanitizer.clean(&markdown.render_comment(text));
    assert_inert(&html, text);
    // A comment written as plain paragraphs skips the parser, with the same HTML.
    assert_eq!(
        markdown.render_comment_checked(text),
        markdown.render_comment_parsed(text),
        "{text:?}"
    );
    // As the build does it: plain markup (and plain links) skip the sanitiser.
    let html = comment_body(markdown, &t.sanitizer, text);
    assert_inert(&html, text);
    // Raw HTML straight into the sanitiser.
    let html = t.sanitizer.clean(text);
    assert_inert(&html, text);
    // A commenter's website is linked only when it is plainly http(s).
    if let Some(url) = safe_website(text) {
        let scheme = url_scheme(url);
        assert!(
            matches!(scheme.as_deref(), Some("http" | "https")),
            "website {url:?} accepted"
        );
        assert!(!url.chars().any(|c| c.is_whitespace() || c.is_control()));
    }
});
