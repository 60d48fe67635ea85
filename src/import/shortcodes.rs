//! WordPress shortcodes in post bodies, turned into what they showed on the old site:
//! `[caption]` a figure, `[gallery]` the export's attachments (named, or the post's), `[embed]` and bare video
//! URLs a plain link (nothing loads from a third party), `[audio]`/`[video]` HTML5
//! elements, `[code]`/`[sourcecode]` fenced code the build highlights. Unknown
//! shortcodes stay as text and are counted. Attribute values come from the export
//! file, so they are escaped, and only http(s) or relative URLs are written.
//!
//! Code is set aside before `wpautop` (it must not be touched by it) and put back
//! after as fenced blocks; shortcodes inside code or `<pre>` are left as written.

use std::collections::HashMap;
use std::sync::LazyLock;

use quick_xml::escape::escape;
use regex::{Captures, Regex};

use crate::import::html::{self, decode_entities};
use crate::import::report::Tally;

/// An attachment of the export (`wp:post_type` `attachment`), for galleries.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Attachment {
    pub(crate) url: String,
    pub(crate) title: String,
    pub(crate) caption: String,
}

/// The export's attachments, by WordPress post id and by the post they belong to.
#[derive(Debug, Default)]
pub(crate) struct Attachments {
    by_id: HashMap<u64, Attachment>,
    /// Post id → `(menu_order, id)` of its attachments.
    children: HashMap<u64, Vec<(i64, u64)>>,
}

impl Attachments {
    pub(crate) fn insert(&mut self, id: u64, parent: Option<u64>, order: i64, a: Attachment) {
        if let Some(parent) = parent {
            self.children.entry(parent).or_default().push((order, id));
        }
        self.by_id.insert(id, a);
    }

    fn get(&self, id: u64) -> Option<&Attachment> {
        self.by_id.get(&id)
    }

    /// The file of attachment `id`, when the export has it and its address is one a
    /// page may link to.
    pub(crate) fn url_of(&self, id: u64) -> Option<String> {
        self.get(id).and_then(|a| safe_url(&a.url))
    }

    /// The images attached to a post, in WordPress's gallery order (menu order, id).
    fn images_of(&self, post: u64) -> Vec<u64> {
        let mut children = self.children.get(&post).cloned().unwrap_or_default();
        children.sort_unstable();
        children
            .into_iter()
            .map(|(_, id)| id)
            .filter(|id| self.get(*id).is_some_and(|a| is_image(&a.url)))
            .collect()
    }
}

fn is_image(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let extension = path.rsplit_once('.').map_or("", |(_, e)| e);
    ["jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp"]
        .iter()
        .any(|e| extension.eq_ignore_ascii_case(e))
}

static OPEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\[(\[?)([A-Za-z][A-Za-z0-9_-]*)((?:\s[^\[\]]*?)?)(/?)\](\]?)")
        .expect("the shortcode pattern is valid")
});
static CODE_OPEN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\[(code|sourcecode)((?:\s[^\[\]]*?)?)\]").expect("the code pattern is valid")
});
static ATTR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#)
        .expect("the attribute pattern is valid")
});
static CODE_REGION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)<pre[\s>].*?</pre>|<code[\s>].*?</code>")
        .expect("the region pattern is valid")
});
static CAPTION_MEDIA: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?is)^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$")
        .expect("the caption pattern is valid")
});
static VIDEO_URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^https?://(?:www\.|m\.)?(?:youtube\.com/watch\?\S+|youtu\.be/\S+|vimeo\.com/\d+\S*)$",
    )
    .expect("the video URL pattern is valid")
});

/// The shortcodes this module converts; `[code]` and `[sourcecode]` only with their
/// closing tag.
const KNOWN: [&str; 8] = [
    "caption",
    "wp_caption",
    "gallery",
    "embed",
    "audio",
    "video",
    "code",
    "sourcecode",
];

const CODE_MARK: &str = "<pre data-rapport-code=\"";

/// A WordPress post body as markdown text, its shortcodes converted (see `html::post_body`).
pub(crate) fn post_body(
    content: &str,
    post_id: Option<u64>,
    attachments: &Attachments,
    tally: &mut Tally,
) -> String {
    let mut code = Vec::new();
    let text = outside_code(content, |part| set_code_aside(part, &mut code));
    let text = outside_code(&text, |part| {
        bare_video_links(&convert(part, post_id, attachments, tally))
    });
    put_code_back(&html::post_body(&text), &code)
}

/// Applies `f` to the text outside `<pre>` and `<code>` elements.
fn outside_code(text: &str, mut f: impl FnMut(&str) -> String) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for m in CODE_REGION.find_iter(text) {
        out.push_str(&f(&text[last..m.start()]));
        out.push_str(m.as_str());
        last = m.end();
    }
    out.push_str(&f(&text[last..]));
    out
}

/// One code block: its language and its text, entities decoded once.
struct Code {
    lang: String,
    text: String,
}

/// `[code]…[/code]` and `[sourcecode]…[/sourcecode]` become placeholders that `wpautop`
/// keeps whole (it sets `<pre>` aside).
fn set_code_aside(text: &str, code: &mut Vec<Code>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closings = Closings::new(text);
    let mut pos = 0;
    while let Some(c) = CODE_OPEN.captures_at(text, pos) {
        let open = c.get(0).expect("a match");
        let closing = format!("[/{}]", c[1].to_ascii_lowercase());
        let Some(len) = closings.after(open.end(), &closing) else {
            out.push_str(&text[pos..open.end()]);
            pos = open.end();
            continue;
        };
        out.push_str(&text[pos..open.start()]);
        let attrs = attributes(&c[2]);
        let lang = attrs
            .get("language")
            .or_else(|| attrs.get("lang"))
            .map(|l| language(l))
            .unwrap_or_default();
        let body = &text[open.end()..open.end() + len];
        code.push(Code {
            lang,
            text: decode_entities(body.trim_matches(['\r', '\n'])),
        });
        out.push_str(&format!("\n{CODE_MARK}{}\"></pre>\n", code.len() - 1));
        pos = open.end() + len + closing.len();
    }
    out.push_str(&text[pos..]);
    out
}

/// Where closing tags are in a text, found once per name: looking through the rest
/// of the text at each opening tag was quadratic in the number of tags.
struct Closings {
    lower: String,
    by_name: HashMap<String, Vec<usize>>,
}

impl Closings {
    fn new(text: &str) -> Self {
        Closings {
            lower: text.to_ascii_lowercase(),
            by_name: HashMap::new(),
        }
    }

    /// How far after `from` the first `closing` tag (lower-case) starts.
    fn after(&mut self, from: usize, closing: &str) -> Option<usize> {
        let lower = &self.lower;
        let at = self
            .by_name
            .entry(closing.to_string())
            .or_insert_with(|| lower.match_indices(closing).map(|(i, _)| i).collect());
        let next = at.partition_point(|&i| i < from);
        at.get(next).map(|&i| i - from)
    }
}

/// A language name safe in a fence's info string.
fn language(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '+' | '#' | '-' | '.'))
        .collect::<String>()
        .to_ascii_lowercase()
}

/// Placeholders become fenced code blocks, with blank lines around them so that
/// markdown reads them as code and not as part of an HTML block.
fn put_code_back(body: &str, code: &[Code]) -> String {
    if code.is_empty() {
        return body.to_string();
    }
    let mut out = String::with_capacity(body.len());
    let mut rest = body;
    while let Some(at) = rest.find(CODE_MARK) {
        let after = &rest[at + CODE_MARK.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let block = after[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|i| code.get(i));
        match (block, after[digits..].strip_prefix("\"></pre>")) {
            (Some(block), Some(tail)) => {
                out.push_str(&rest[..at]);
                out.truncate(out.trim_end().len());
                out.push_str(&fenced(block));
                rest = tail.trim_start_matches(['\r', '\n']);
            }
            _ => {
                out.push_str(&rest[..at + CODE_MARK.len()]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out.trim().to_string()
}

fn fenced(code: &Code) -> String {
    let longest_run = code
        .text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat((longest_run + 1).max(3));
    format!("\n\n{fence}{}\n{}\n{fence}\n\n", code.lang, code.text)
}

/// Converts the known shortcodes of `text`; counts the unknown ones.
fn convert(
    text: &str,
    post_id: Option<u64>,
    attachments: &Attachments,
    tally: &mut Tally,
) -> String {
    let mut out = String::with_capacity(text.len());
    let mut closings = Closings::new(text);
    let mut pos = 0;
    while let Some(c) = OPEN.captures_at(text, pos) {
        let whole = c.get(0).expect("a match");
        out.push_str(&text[pos..whole.start()]);
        pos = whole.end();
        let escaped = !c[1].is_empty() && !c[5].is_empty();
        if escaped {
            // `[[gallery]]` is how WordPress writes a shortcode as text.
            out.push_str(&whole.as_str()[1..whole.as_str().len() - 1]);
            continue;
        }
        if !c[1].is_empty() {
            // `[[x]`: the first bracket is text.
            out.push('[');
        }
        let name = c[2].to_ascii_lowercase();
        let attrs = attributes(&c[3]);
        let rest = &text[pos..];
        let closing = format!("[/{name}]");
        let inner = closings
            .after(pos, &closing)
            .map(|len| (&rest[..len], len + closing.len()));
        let converted = match name.as_str() {
            "caption" | "wp_caption" => inner.map(|(inner, used)| (caption(&attrs, inner), used)),
            "embed" => inner.and_then(|(inner, used)| Some((link(inner.trim())?, used))),
            "gallery" => gallery(&attrs, post_id, attachments, tally).map(|html| (html, 0)),
            "audio" | "video" => media(&name, &attrs).map(|html| {
                // WordPress writes `[video …][/video]`.
                let used = if starts_with_ignoring_case(rest, &closing) {
                    closing.len()
                } else {
                    0
                };
                (html, used)
            }),
            _ => None,
        };
        match converted {
            Some((html, used)) => {
                out.push_str(&html);
                pos += used;
            }
            None => {
                if looks_like_shortcode(&c, inner.is_some()) && !KNOWN.contains(&name.as_str()) {
                    *tally.shortcodes_unknown.entry(name).or_default() += 1;
                }
                out.push_str(&whole.as_str()[c[1].len()..]);
            }
        }
    }
    out.push_str(&text[pos..]);
    out
}

fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    text.get(..prefix.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(prefix))
}

/// `[sic]` and `[1]` are text; a shortcode has attributes, a closing tag, `/]` or a
/// name with `-` or `_` (`[contact-form]`).
fn looks_like_shortcode(c: &Captures<'_>, closed: bool) -> bool {
    closed || !c[4].is_empty() || c[3].contains('=') || c[2].contains(['-', '_'])
}

/// Named attributes, keys lower-case, values with entities decoded (not yet escaped).
fn attributes(text: &str) -> HashMap<String, String> {
    ATTR.captures_iter(text)
        .map(|c| {
            let value = c
                .get(2)
                .or(c.get(3))
                .or(c.get(4))
                .map_or("", |m| m.as_str());
            (c[1].to_ascii_lowercase(), decode_entities(value))
        })
        .collect()
}

/// `[caption]<img/> Text[/caption]` (the image maybe in a link): a figure.
fn caption(attrs: &HashMap<String, String>, inner: &str) -> String {
    let (media, text) = match CAPTION_MEDIA.captures(inner) {
        Some(c) => (c[1].to_string(), c[2].trim().to_string()),
        None => (String::new(), inner.trim().to_string()),
    };
    // Old exports keep the text in an attribute; it is text there, not markup.
    let text = match attrs.get("caption") {
        Some(attr) if text.is_empty() => escape(attr.as_str()).into_owned(),
        _ => text,
    };
    let class = match attrs.get("align") {
        Some(align) => format!(" class=\"wp-caption {}\"", escape(align.as_str())),
        None => " class=\"wp-caption\"".to_string(),
    };
    let figcaption = if text.is_empty() {
        String::new()
    } else {
        format!("<figcaption>{text}</figcaption>")
    };
    format!("<figure{class}>{media}{figcaption}</figure>")
}

/// `[gallery ids="1,2"]`: the attachments of the export with those ids (ids not in
/// the export are counted); `[gallery]`: the images attached to the post. `None`
/// (left as text) when no image is found.
fn gallery(
    attrs: &HashMap<String, String>,
    post_id: Option<u64>,
    attachments: &Attachments,
    tally: &mut Tally,
) -> Option<String> {
    let ids: Vec<Option<u64>> = match attrs.get("ids").or_else(|| attrs.get("include")) {
        Some(ids) => ids
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(|id| id.parse().ok())
            .collect(),
        None => attachments
            .images_of(attrs.get("id").and_then(|id| id.parse().ok()).or(post_id)?)
            .into_iter()
            .map(Some)
            .collect(),
    };
    let mut images = String::new();
    for id in ids {
        let found = id.and_then(|id| attachments.get(id));
        match found.and_then(|a| Some((a, safe_url(&a.url)?))) {
            Some((a, url)) => images.push_str(&gallery_image(a, &url)),
            None => tally.gallery_missing += 1,
        }
    }
    (!images.is_empty()).then(|| format!("<figure class=\"gallery\">{images}</figure>"))
}

/// An image of a gallery: its caption (the attachment's excerpt) or title is its text.
fn gallery_image(a: &Attachment, url: &str) -> String {
    let caption = html::plain_text(&a.caption);
    let alt = if caption.is_empty() {
        html::plain_text(&a.title)
    } else {
        caption
    };
    format!(
        "<img src=\"{}\" alt=\"{}\" loading=\"lazy\" />",
        escape(url),
        escape(alt.as_str())
    )
}

/// `[audio src=…]`, `[audio mp3=…]`, `[video mp4=…]` …: an HTML5 element with a link
/// to the file inside for browsers that cannot play it.
fn media(name: &str, attrs: &HashMap<String, String>) -> Option<String> {
    let sources: &[&str] = if name == "audio" {
        &["src", "mp3", "m4a", "ogg", "oga", "wav", "flac", "wma"]
    } else {
        &["src", "mp4", "m4v", "webm", "ogv", "mov", "wmv", "flv"]
    };
    let url = sources
        .iter()
        .find_map(|key| attrs.get(*key).and_then(|u| safe_url(u)))?;
    let url = escape(url.as_str());
    let poster = attrs
        .get("poster")
        .filter(|_| name == "video")
        .and_then(|p| safe_url(p))
        .map(|p| format!(" poster=\"{}\"", escape(p.as_str())))
        .unwrap_or_default();
    Some(format!(
        "<{name} controls src=\"{url}\"{poster}><a href=\"{url}\">{url}</a></{name}>"
    ))
}

/// A plain link to `url`, or `None` when it is not a URL we may write.
fn link(url: &str) -> Option<String> {
    let url = safe_url(url)?;
    let url = escape(url.as_str());
    Some(format!("<a href=\"{url}\">{url}</a>"))
}

/// A YouTube or Vimeo URL alone on its line (WordPress embedded it): a link.
fn bare_video_links(text: &str) -> String {
    if !text.contains("http") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let url = line.trim();
        match VIDEO_URL.is_match(url).then(|| link(url)).flatten() {
            Some(a) => {
                out.push_str(&a);
                if line.ends_with('\n') {
                    out.push('\n');
                }
            }
            None => out.push_str(line),
        }
    }
    out
}

/// The URL, entities decoded, when it is http(s) or relative: never `javascript:`,
/// `data:` or any other scheme.
fn safe_url(raw: &str) -> Option<String> {
    let url = decode_entities(raw.trim());
    // Browsers ignore tabs, newlines and controls inside a scheme.
    let compact: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    if compact.is_empty() {
        return None;
    }
    let scheme_end = compact.find(':');
    let path_start = compact.find(['/', '?', '#']);
    match (scheme_end, path_start) {
        (Some(colon), Some(slash)) if slash < colon => Some(url),
        (Some(colon), _) => {
            let scheme = compact[..colon].to_ascii_lowercase();
            matches!(scheme.as_str(), "http" | "https").then_some(url)
        }
        (None, _) => Some(url),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(content: &str) -> (String, Tally) {
        let mut attachments = Attachments::default();
        attachments.insert(
            11,
            Some(5),
            0,
            Attachment {
                url: "https://old.example/a.jpg".into(),
                title: "A &amp; B".into(),
                caption: String::new(),
            },
        );
        let mut tally = Tally::default();
        (post_body(content, Some(5), &attachments, &mut tally), tally)
    }

    #[test]
    fn captions_become_figures() {
        let (html, _) = body(
            "[caption id=\"attachment_5\" align=\"alignright\" width=\"300\"]<a href=\"/x\"><img src=\"/a.jpg\" /></a> The <em>cat</em>[/caption]",
        );
        assert_eq!(
            html,
            "<figure class=\"wp-caption alignright\"><a href=\"/x\"><img src=\"/a.jpg\" /></a><figcaption>The <em>cat</em></figcaption></figure>"
        );
    }

    #[test]
    fn code_is_fenced_untouched_and_its_shortcodes_kept() {
        let (html, _) = body(
            "Before\n\n[sourcecode language=\"python\"]\nif a &lt; b:\n\n    print(\"[gallery ids='11']\")\n[/sourcecode]\n\nAfter",
        );
        assert_eq!(
            html,
            "<p>Before</p>\n\n```python\nif a < b:\n\n    print(\"[gallery ids='11']\")\n```\n\n<p>After</p>"
        );
    }

    #[test]
    fn galleries_count_missing_ids() {
        let (html, tally) = body("[gallery ids=\"11,12\"]");
        assert_eq!(
            html,
            "<figure class=\"gallery\"><img src=\"https://old.example/a.jpg\" alt=\"A &amp; B\" loading=\"lazy\" /></figure>"
        );
        assert_eq!(tally.gallery_missing, 1);
        let (html, _) = body("[gallery columns=\"2\"]");
        assert!(
            html.contains("<img src=\"https://old.example/a.jpg\""),
            "{html}"
        );
    }

    #[test]
    fn unsafe_urls_are_never_written() {
        let (html, _) =
            body("[audio src=\"java\tscript:alert(1)\"]\n\n[embed]javascript:alert(1)[/embed]");
        assert!(!html.contains("<audio"), "{html}");
        assert!(!html.contains("href"), "{html}");
        let (html, _) = body("[video mp4=\"/v.mp4?a=1&amp;b=&quot;2\"][/video]");
        assert_eq!(
            html,
            "<p><video controls src=\"/v.mp4?a=1&amp;b=&quot;2\"><a href=\"/v.mp4?a=1&amp;b=&quot;2\">/v.mp4?a=1&amp;b=&quot;2</a></video></p>"
        );
    }

    #[test]
    fn unknown_shortcodes_are_counted_and_kept() {
        let (html, tally) =
            body("[contact-form]\n\nSee [sic] and [[gallery]] and [poll id=\"3\"].");
        assert!(html.contains("[contact-form]"), "{html}");
        assert!(
            html.contains("See [sic] and [gallery] and [poll id=\"3\"]."),
            "{html}"
        );
        let counted: Vec<_> = tally.shortcodes_unknown.iter().collect();
        assert_eq!(
            counted,
            vec![(&"contact-form".to_string(), &1), (&"poll".to_string(), &1)]
        );
    }

    #[test]
    fn bare_video_urls_become_links() {
        let (html, _) = body("Watch:\n\nhttps://www.youtube.com/watch?v=abc&amp;t=3\n\nhttps://vimeo.com/123 is good");
        assert!(
            html.contains("<a href=\"https://www.youtube.com/watch?v=abc&amp;t=3\">"),
            "{html}"
        );
        assert!(!html.contains("<iframe"), "{html}");
        assert!(
            html.contains("<p>https://vimeo.com/123 is good</p>"),
            "{html}"
        );
    }

    /// At this size a pass over the rest of the body per tag would hold the test
    /// suite up for minutes; its speed is left to benchmarks.
    #[test]
    fn many_unclosed_shortcodes_were_a_pass_over_the_body_each() {
        let text = "[code] [caption] [embed] [poll id=1] ".repeat(20_000);
        let (html, tally) = body(&text);
        assert_eq!(tally.shortcodes_unknown.get("poll"), Some(&20_000));
        assert_eq!(html.matches("[caption]").count(), 20_000);
    }
}
