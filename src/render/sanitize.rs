//! The policy for reader-written HTML: what ammonia keeps of a comment body. No
//! scripts, event handlers, styles, frames, forms, landmarks or images; only http(s) and
//! mailto URLs; every link gets `rel="nofollow ugc noopener"`; an attribute holding a
//! character pages drop (`escape::allowed_in_documents`) is removed whole.

use std::collections::HashSet;

use crate::render::escape::{allowed_in_documents, drop_forbidden_owned};
use crate::render::markdown::Markdown;

/// A configured sanitiser, built once per build.
pub struct Sanitizer {
    policy: ammonia::Builder<'static>,
}

/// Elements ammonia allows by default that a comment has no business using: page
/// landmarks confuse screen-reader navigation, image maps carry links around the
/// URL filter's intent.
/// Images are removed too: a reader's `<img>` would make every visitor's browser
/// fetch from a server the reader chose, and the site promises no external requests.
const REMOVED_TAGS: &[&str] = &[
    "article", "aside", "nav", "header", "footer", "hgroup", "map", "area", "center", "img",
];

/// The `rel` of every link a reader gave (in a comment, as a website or a source):
/// the sanitiser's, and the markup written without it (a plain comment's links, the
/// thread's author and source links).
pub const READER_LINK_REL: &str = "nofollow ugc noopener";

impl Default for Sanitizer {
    fn default() -> Self {
        let mut policy = ammonia::Builder::default();
        policy
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some(READER_LINK_REL))
            .strip_comments(true)
            .rm_tags(REMOVED_TAGS.iter().copied())
            .attribute_filter(|_, _, value| {
                // Pages drop such characters after the sanitiser (`drop_forbidden`):
                // `java\u{1}script:` is a harmless relative address to it, and would
                // become `javascript:` once dropped. The attribute goes instead.
                value
                    .chars()
                    .all(allowed_in_documents)
                    .then_some(value.into())
            });
        Sanitizer { policy }
    }
}

impl Sanitizer {
    /// Sanitises reader HTML.
    pub fn clean(&self, html: &str) -> String {
        let clean = self.policy.clean(html).to_string();
        drop_forbidden_owned(unwrap_links_without_address(clean))
    }
}

/// Replaces each `<a>` that kept no `href` (ammonia removes a `javascript:` or other
/// refused address but keeps the element) by its content: underlined text that goes
/// nowhere would look like a broken link. Reads ammonia's own serialisation, where
/// attribute values are in double quotes with `"` escaped and links never nest.
fn unwrap_links_without_address(html: String) -> String {
    if !html.contains("<a ") && !html.contains("<a>") {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    let mut unwrapping = false;
    loop {
        let next = if unwrapping {
            rest.find("</a>")
        } else {
            rest.find("<a ").into_iter().chain(rest.find("<a>")).min()
        };
        let Some(at) = next else {
            out.push_str(rest);
            return out;
        };
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if unwrapping {
            rest = &rest["</a>".len()..];
            unwrapping = false;
            continue;
        }
        let end = tag_end(rest);
        let tag = &rest[..end];
        if has_attribute(tag, "href") {
            out.push_str(tag);
        } else {
            unwrapping = true;
        }
        rest = &rest[end..];
    }
}

/// The length of the start tag at the beginning of `html`, up to and including its
/// `>` outside quoted values.
fn tag_end(html: &str) -> usize {
    let mut quoted = false;
    for (i, b) in html.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'>' if !quoted => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// Whether the start tag `tag` has the attribute `name` (outside quoted values).
fn has_attribute(tag: &str, name: &str) -> bool {
    let mut quoted = false;
    let bytes = tag.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b' ' if !quoted => {
                let after = &tag[i + 1..];
                if after.starts_with(name) && after[name.len()..].starts_with('=') {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A reader comment's body as safe HTML: markdown rendered, then sanitised unless it
/// is plain markup that cannot carry anything to remove (most comments are; ammonia's
/// parse and re-serialise was an eighth of a build).
pub fn comment_body(markdown: &Markdown, sanitizer: &Sanitizer, text: &str) -> String {
    let mut html = String::new();
    push_comment_body(&mut html, markdown, sanitizer, text);
    html
}

/// `comment_body` written at the end of `out`: a thread's markup takes its bodies
/// where they show, without a string of its own for each.
pub fn push_comment_body(out: &mut String, markdown: &Markdown, sanitizer: &Sanitizer, text: &str) {
    let start = out.len();
    if !markdown.push_comment(out, text) {
        let unchecked = out.split_off(start);
        out.push_str(&sanitizer.clean(&unchecked));
    }
}

/// Elements that have no content and no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "keygen", "link", "meta", "param",
    "source", "track", "wbr",
];

/// Elements that a new one of the same name ends (`<p>a<p>b` are siblings).
const ENDED_BY_A_SIBLING: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "rt", "rp",
];

/// Whether `html` nests elements more than `limit` deep, as an HTML parser would
/// open them: every start tag opens one except void elements and a sibling of the one
/// just opened; an end tag closes its element and all opened inside it; end tags of
/// nothing open are ignored. It never counts fewer than a parser keeps open, so a body
/// it accepts parses in time linear in its length. Linear itself: the stack it keeps
/// stops at `limit`.
pub(crate) fn html_nests_deeper_than(html: &str, limit: usize) -> bool {
    let bytes = html.as_bytes();
    let mut open: Vec<&str> = Vec::new();
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'<', &bytes[i..]) {
        i += at + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = i + usize::from(closing);
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-')
            .count();
        if len == 0 || !bytes[start].is_ascii_alphabetic() {
            continue;
        }
        let name = &html[start..start + len];
        i = start + len;
        let named = |n: &&str| n.eq_ignore_ascii_case(name);
        if closing {
            if let Some(k) = open.iter().rposition(named) {
                open.truncate(k);
            }
        } else if !VOID.iter().any(|v| v.eq_ignore_ascii_case(name)) {
            let sibling = ENDED_BY_A_SIBLING
                .iter()
                .any(|s| s.eq_ignore_ascii_case(name))
                && open.last().is_some_and(named);
            if !sibling {
                open.push(name);
                if open.len() > limit {
                    return true;
                }
            }
        }
    }
    false
}

/// A commenter's website, if it is safe to link: http(s) only, no spaces or controls.
pub fn safe_website(url: &str) -> Option<&str> {
    let url = url.trim();
    let lower = url
        .get(..8)
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let http = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (http && clean && url.len() > "https://".len()).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_active_content() {
        let s = Sanitizer::default();
        let out = s.clean("<p onclick=x>hi<script>alert(1)</script><a href=\"javascript:alert(1)\">a</a><a href=\"https://ok\">b</a></p>");
        assert_eq!(
            out,
            "<p>hia<a href=\"https://ok\" rel=\"nofollow ugc noopener\">b</a></p>"
        );
    }

    #[test]
    fn a_character_dropped_after_the_sanitiser_cannot_make_an_address_active() {
        // The sanitiser reads `java\u{1}script:` as a harmless relative address; the
        // control character, dropped from the page afterwards, must not turn it into
        // `javascript:`.
        let md = Markdown::new("/");
        let s = Sanitizer::default();
        for text in [
            "<a href=\"java&#1;script:alert(1)\">x</a>",
            "<a href=\"java&#x1F;script:alert(1)\">x</a>",
            "<a href=\"java&#xFFFE;script:alert(1)\">x</a>",
            "<a href=\"vbscr\u{1}ipt:alert(1)\">x</a>",
            "<blockquote cite=\"java&#1;script:alert(1)\">q</blockquote>",
        ] {
            for html in [comment_body(&md, &s, text), s.clean(text)] {
                assert!(!html.contains("script:"), "{text:?} gave {html}");
                assert!(html.chars().all(allowed_in_documents), "{html:?}");
            }
        }
        // An attribute that holds no such character is left as it was.
        assert_eq!(
            s.clean("<a href=\"https://ok/\" title=\"fine\">x</a>"),
            "<a href=\"https://ok/\" title=\"fine\" rel=\"nofollow ugc noopener\">x</a>"
        );
    }

    #[test]
    fn a_link_without_an_address_is_its_text() {
        let s = Sanitizer::default();
        assert_eq!(
            s.clean("<a title=\"x > y\" href=\"javascript:alert(1)\">a <b>b</b></a> <a href=\"https://ok/?a=>\">c</a> <a>d</a>"),
            "a <b>b</b> <a href=\"https://ok/?a=&gt;\" rel=\"nofollow ugc noopener\">c</a> d"
        );
    }

    #[test]
    fn nesting_is_counted_as_a_parser_opens_elements() {
        let nested = |n: usize, open: &str, close: &str| open.repeat(n) + &close.repeat(n);
        assert!(!html_nests_deeper_than(
            &nested(100, "<div>", "</div>"),
            100
        ));
        assert!(html_nests_deeper_than(
            &nested(101, "<DIV class=x>", "</div>"),
            100
        ));
        // Closed, void, sibling and unknown end tags do not add up.
        assert!(!html_nests_deeper_than(
            &"<div><b>x</b></div>".repeat(500),
            100
        ));
        assert!(!html_nests_deeper_than(
            &"<br><hr><img src=x>".repeat(500),
            100
        ));
        assert!(!html_nests_deeper_than(&"<p>para".repeat(500), 100));
        assert!(!html_nests_deeper_than(
            &"<ul><li>a<li>b</ul>".repeat(500),
            100
        ));
        assert!(!html_nests_deeper_than(
            &"<div><span></div>".repeat(500),
            100
        ));
        assert!(!html_nests_deeper_than("a < b and 1<2 </ > <>", 100));
        // An end tag of something never opened closes nothing.
        assert!(html_nests_deeper_than(&"<div>x</dvi>".repeat(101), 100));
    }

    #[test]
    fn websites_must_be_http() {
        assert_eq!(
            safe_website(" https://f.example "),
            Some("https://f.example")
        );
        assert_eq!(safe_website("javascript:alert(1)"), None);
        assert_eq!(safe_website("data:text/html,x"), None);
        assert_eq!(safe_website("https://a b"), None);
    }
}
