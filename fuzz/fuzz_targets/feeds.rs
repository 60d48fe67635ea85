//! The Atom feeds and the sitemap: whatever readers and authors type into a title, a
//! name or a comment, the XML that comes out is well-formed for a strict parser
//! (roxmltree, which refuses the characters XML 1.0 forbids), and the text a reader
//! of the feed gets back is the input without exactly those characters.
//!
//! The input is up to four fields separated by 0xFF (never part of UTF-8): a post
//! title, a commenter's name, a comment's text (markdown, as in a thread file) and a
//! path for the sitemap.

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rapport::dates;
use rapport::render::escape::allowed_in_documents;
use rapport::render::feeds::{atom, sitemap, FeedEntry};
use rapport::render::markdown::Markdown;
use rapport::render::sanitize::{comment_body, Sanitizer};

fn tools() -> &'static (Markdown, Sanitizer) {
    static TOOLS: OnceLock<(Markdown, Sanitizer)> = OnceLock::new();
    TOOLS.get_or_init(|| (Markdown::new("/"), Sanitizer::default()))
}

/// What a strict reader of the XML gets for `text`: the characters XML forbids
/// dropped, line ends normalised to `\n` as XML parsers do.
fn as_read(text: &str) -> String {
    let kept: String = text.chars().filter(|&c| allowed_in_documents(c)).collect();
    line_ends(&kept)
}

/// `\r\n` and `\r` as `\n`: parsers differ on a lone `\r` (roxmltree keeps one
/// before a character reference), and a reader never sees the difference.
fn line_ends(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Parses `xml` strictly; panics with the document when it is not well-formed.
fn parse(xml: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("not well-formed: {e}\n{xml}"))
}

/// The texts of the elements named `name`, in document order.
fn texts(doc: &roxmltree::Document<'_>, name: &str) -> Vec<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name(name))
        .map(|n| line_ends(n.text().unwrap_or_default()))
        .collect()
}

fuzz_target!(|data: &[u8]| {
    let mut fields = data.split(|&b| b == 0xff).map(String::from_utf8_lossy);
    let title = fields.next().unwrap_or_default();
    let author = fields.next().unwrap_or_default();
    let comment = fields.next().unwrap_or_default();
    let path = fields.next().unwrap_or_default();

    let (markdown, sanitizer) = tools();
    let post_html = markdown.render_document(&comment);
    let comment_html = comment_body(markdown, sanitizer, &comment);
    assert!(
        post_html.chars().all(allowed_in_documents),
        "markdown kept a forbidden character"
    );
    assert!(
        comment_html.chars().all(allowed_in_documents),
        "a comment kept a forbidden character"
    );

    let date = dates::parse("2020-01-02T03:04:05Z").expect("a valid date");
    let entries = [
        FeedEntry {
            title: &title,
            permalink: format!("https://example.org/{path}"),
            published: date,
            updated: date,
            content: &post_html,
            author: &author,
        },
        FeedEntry {
            title: &format!("{author} on “{title}”"),
            permalink: format!("https://example.org/{path}#comment-1"),
            published: date,
            updated: date,
            content: &comment_html,
            author: &author,
        },
    ];
    let xml = atom(
        &title,
        "https://example.org/atom.xml",
        "https://example.org/",
        &author,
        &entries,
    );
    let doc = parse(&xml);
    let titles = texts(&doc, "title");
    assert_eq!(titles[0], as_read(&title), "the feed's title");
    assert_eq!(titles[1], as_read(&title), "the post's title");
    assert_eq!(
        titles[2],
        as_read(&format!("{author} on “{title}”")),
        "the comment's title"
    );
    for name in texts(&doc, "name") {
        assert_eq!(name, as_read(&author), "an author's name");
    }
    let contents = texts(&doc, "content");
    assert_eq!(contents[0], as_read(&post_html), "the post's content");
    assert_eq!(contents[1], as_read(&comment_html), "the comment's content");

    let map = sitemap([(format!("https://example.org/{path}"), Some(date))]);
    let doc = parse(&map);
    assert_eq!(
        texts(&doc, "loc")[0],
        as_read(&format!("https://example.org/{path}"))
    );
});
