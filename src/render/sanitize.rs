//! The policy for reader-written HTML: what ammonia keeps of a comment body. No
//! scripts, event handlers, styles, frames, forms, landmarks or images; only http(s) and
//! mailto URLs; every link gets `rel="nofollow ugc noopener"`.

use std::collections::HashSet;

use crate::render::escape::drop_forbidden_owned;
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

impl Default for Sanitizer {
    fn default() -> Self {
        let mut policy = ammonia::Builder::default();
        policy
            .url_schemes(HashSet::from(["http", "https", "mailto"]))
            .link_rel(Some("nofollow ugc noopener"))
            .strip_comments(true)
            .rm_tags(REMOVED_TAGS.iter().copied());
        Sanitizer { policy }
    }
}

impl Sanitizer {
    /// Sanitises reader HTML.
    pub fn clean(&self, html: &str) -> String {
        drop_forbidden_owned(self.policy.clean(html).to_string())
    }
}

/// A reader comment's body as safe HTML: markdown rendered, then sanitised unless it
/// is plain markup that cannot carry anything to remove (most comments are; ammonia's
/// parse and re-serialise was an eighth of a build).
pub fn comment_body(markdown: &Markdown, sanitizer: &Sanitizer, text: &str) -> String {
    match markdown.render_comment_checked(text) {
        (html, true) => html,
        (html, false) => sanitizer.clean(&html),
    }
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
            "<p>hi<a rel=\"nofollow ugc noopener\">a</a><a href=\"https://ok\" rel=\"nofollow ugc noopener\">b</a></p>"
        );
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
