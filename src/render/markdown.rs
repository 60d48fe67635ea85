//! Markdown to HTML with the site's pulldown-cmark options: tables, footnotes,
//! strikethrough, task lists, smart punctuation, heading anchors, and fenced code
//! highlighted at build time into `hl-` classes (no JavaScript). Root-relative links
//! get the base path so a site published under a prefix keeps working.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use crate::content::slugify;
use crate::render::escape::drop_forbidden;
/// The one escaper, also reachable here where its callers first found it.
pub use crate::render::escape::escape_html;
use crate::render::plain_comment;
use crate::render::sanitize::READER_LINK_REL;

/// Renders markdown; owns the syntax definitions, loaded on first use because most
/// comment bodies and many posts have no code.
pub struct Markdown {
    base_path: String,
    syntaxes: OnceLock<SyntaxSet>,
    /// The checkbox of a done and of an open task, with the names screen readers say
    /// in the site's language.
    task_markers: [String; 2],
    /// What opens the box a table scrolls in when it is wider than the page.
    table_open: String,
}

/// What a table of contents and a reading time need of a document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outline {
    /// Every heading, in order.
    pub headings: Vec<Heading>,
    /// Words of the text outside code blocks; each Chinese or Japanese character counts
    /// as one, as those scripts do not separate words.
    pub words: usize,
    /// Whole minutes to read it (at least 1 for any text, 0 for none).
    pub reading_minutes: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Heading {
    /// 1 for `#`, 2 for `##`, …
    pub level: u8,
    /// Its element id, the target of a link to it.
    pub id: String,
    /// Its text, without markup.
    pub title: String,
}

/// Reading speeds: words a minute, and characters a minute for scripts written
/// without spaces.
const WORDS_PER_MINUTE: usize = 200;
const CJK_CHARACTERS_PER_MINUTE: usize = 500;

impl Outline {
    fn of(events: &[Event<'_>]) -> Outline {
        let mut outline = Outline::default();
        // The text outside code blocks, a space between blocks: a word split by
        // markup (`in*side*`, a smart quote) is still one word.
        let mut text = WordCount::default();
        let mut heading: Option<Heading> = None;
        let mut in_code = false;
        for event in events {
            match event {
                Event::Start(Tag::Heading { level, id, .. }) => {
                    heading = Some(Heading {
                        level: *level as u8,
                        id: id.as_deref().unwrap_or_default().to_string(),
                        title: String::new(),
                    });
                }
                Event::End(TagEnd::Heading(_)) => {
                    if let Some(mut h) = heading.take() {
                        h.title = h.title.split_whitespace().collect::<Vec<_>>().join(" ");
                        outline.headings.push(h);
                    }
                    text.push(" ");
                }
                Event::Start(Tag::CodeBlock(_)) => in_code = true,
                Event::End(TagEnd::CodeBlock) => in_code = false,
                Event::Text(t) | Event::Code(t) if !in_code => {
                    text.push(t);
                    if let Some(h) = &mut heading {
                        h.title.push_str(t);
                    }
                }
                Event::SoftBreak | Event::HardBreak => {
                    text.push(" ");
                    if let Some(h) = &mut heading {
                        h.title.push(' ');
                    }
                }
                Event::End(
                    TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link,
                ) => {}
                Event::End(_) => text.push(" "),
                _ => {}
            }
        }
        let (words, characters) = text.finish();
        outline.words = words + characters;
        // In thousandths of a minute, so that no part of a minute is lost.
        let time = words * 1000 / WORDS_PER_MINUTE + characters * 1000 / CJK_CHARACTERS_PER_MINUTE;
        outline.reading_minutes = match outline.words {
            0 => 0,
            _ => time.div_ceil(1000).max(1),
        };
        outline
    }
}

/// Words, and characters of scripts written without spaces, in text given in pieces
/// read as one (a word may run from one piece into the next). A word is a run
/// without spaces holding a letter or digit of a script written with them (`—`
/// alone is none).
#[derive(Default)]
struct WordCount {
    words: usize,
    characters: usize,
    /// Whether the run without spaces read last holds a letter or digit of a script
    /// written with spaces.
    in_word: bool,
}

impl WordCount {
    fn push(&mut self, text: &str) {
        if text.is_ascii() {
            return self.push_ascii(text.as_bytes());
        }
        for c in text.chars() {
            match u8::try_from(c) {
                Ok(b) if b.is_ascii() => self.push_ascii(&[b]),
                _ => self.push_char(c),
            }
        }
    }

    /// ASCII (most of the text, in most posts), 64 bytes at a time, a rest of
    /// `SHORT` bytes or more as one shorter block, and a shorter rest by a table
    /// without a branch: decoding every character was a twentieth of a build, the
    /// table alone 87 M instructions at 1,000 posts, blocks of 64 bytes 55 M.
    fn push_ascii(&mut self, bytes: &[u8]) {
        /// Below it, the table costs less than the block's eight-byte words.
        const SHORT: usize = 16;
        let mut blocks = bytes.chunks_exact(64);
        for block in &mut blocks {
            self.push_block(block);
        }
        let rest = blocks.remainder();
        if rest.len() >= SHORT {
            return self.push_block(rest);
        }
        let (mut words, mut in_word) = (self.words, self.in_word);
        for &b in rest {
            let class = ASCII_CLASS[usize::from(b)];
            let space = class == SPACE;
            words += usize::from(space & in_word);
            in_word = (in_word | (class == LETTER)) & !space;
        }
        (self.words, self.in_word) = (words, in_word);
    }

    /// Up to 64 ASCII bytes. A word ends at a space after a letter or digit with no
    /// space between them: with letters as carries that marks other than spaces pass
    /// on and spaces stop, the carries of one addition are the words' ends, and its
    /// carry out whether a word runs on past the block. The bits past a short block's
    /// end are neither, and pass a carry on to the carry out.
    fn push_block(&mut self, block: &[u8]) {
        let (mut space, mut letter) = (0u64, 0u64);
        let mut words = block.chunks_exact(8);
        for (i, word) in (&mut words).enumerate() {
            let (s, l) = ascii_classes(u64::from_le_bytes(word.try_into().unwrap_or_default()));
            space |= s << (8 * i);
            letter |= l << (8 * i);
        }
        let tail = words.remainder();
        if !tail.is_empty() {
            // NUL, which pads the last word, is another mark.
            let mut last = [0u8; 8];
            last[..tail.len()].copy_from_slice(tail);
            let (s, l) = ascii_classes(u64::from_le_bytes(last));
            let at = 8 * (block.len() / 8);
            space |= s << at;
            letter |= l << at;
        }
        let passing = !space;
        let (sum, over) = passing.overflowing_add(letter);
        let (sum, carried) = sum.overflowing_add(u64::from(self.in_word));
        let carries = sum ^ passing ^ letter;
        self.words += (carries & space).count_ones() as usize;
        self.in_word = over | carried;
    }

    /// A character beyond ASCII.
    fn push_char(&mut self, c: char) {
        if c.is_whitespace() {
            self.end_run();
        } else if without_spaces(c) {
            self.characters += 1;
        } else if c.is_alphanumeric() {
            self.in_word = true;
        }
    }

    fn end_run(&mut self) {
        self.words += usize::from(std::mem::take(&mut self.in_word));
    }

    fn finish(mut self) -> (usize, usize) {
        self.end_run();
        (self.words, self.characters)
    }
}

/// What an ASCII byte is to `WordCount`: white space (as `char::is_whitespace` has
/// it, U+000B included), a letter or digit, or another mark.
const SPACE: u8 = 0;
const LETTER: u8 = 1;
const OTHER: u8 = 2;
// 256 entries, of which only ASCII is read: a byte indexes it without a bounds check.
const ASCII_CLASS: [u8; 256] = {
    let mut table = [OTHER; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = match b as u8 {
            b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r' => SPACE,
            b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            _ => OTHER,
        };
        b += 1;
    }
    table
};

/// Which of 8 ASCII bytes (bit `i` for byte `i`) are white space, and which letters
/// or digits, as `ASCII_CLASS` has them: compared all at once, each byte below 0x80
/// so that no sum carries into the next.
fn ascii_classes(bytes: u64) -> (u64, u64) {
    const fn splat(b: u8) -> u64 {
        0x0101_0101_0101_0101 * b as u64
    }
    const HIGH: u64 = splat(0x80);
    // The high bit of each byte that is at least `k`, or below it.
    let at_least = |w: u64, k: u8| w.wrapping_add(splat(0x80 - k)) & HIGH;
    let below = |w: u64, k: u8| !at_least(w, k) & HIGH;
    let within = |w: u64, low: u8, high: u8| at_least(w, low) & below(w, high + 1);
    let space = within(bytes, b'\t', b'\r') | within(bytes, b' ', b' ');
    let lower = bytes | splat(0x20);
    let letter = within(bytes, b'0', b'9') | within(lower, b'a', b'z');
    // Each byte's high bit to bit `i` of the result.
    let gather = |m: u64| ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56;
    (gather(space), gather(letter))
}

/// A character of a script written without spaces between words, counted alone.
fn without_spaces(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}')
}

/// The room the HTML of a markdown text `len` bytes long is first given.
fn html_len(len: usize) -> usize {
    len * 3 / 2
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
}

impl Markdown {
    /// `base_path` is the site's path prefix, e.g. `/blog/`.
    pub fn new(base_path: &str) -> Self {
        Markdown {
            base_path: base_path.trim_end_matches('/').to_string(),
            syntaxes: OnceLock::new(),
            task_markers: ["Done", "Not done"].map(|label| task_marker(label, label == "Done")),
            table_open: table_open("Table"),
        }
    }

    /// The names a screen reader says for a task list's checkboxes (`done` and
    /// `not_done`) and for the box of a table, in the site's language.
    pub fn with_labels(mut self, done: &str, not_done: &str, table: &str) -> Self {
        self.task_markers = [task_marker(done, true), task_marker(not_done, false)];
        self.table_open = table_open(table);
        self
    }

    /// A post or page body (trusted): heading anchors and highlighted code.
    pub fn render_document(&self, text: &str) -> String {
        let events = events_of(Parser::new_ext(text, options()), text);
        let events = self.add_heading_ids(events);
        self.document_html(events, text.len())
    }

    /// `render_document`, and the outline of the body: its headings and length.
    pub fn render_document_outlined(&self, text: &str) -> (String, Outline) {
        let events = events_of(Parser::new_ext(text, options()), text);
        let events = self.add_heading_ids(events);
        let outline = Outline::of(&events);
        (self.document_html(events, text.len()), outline)
    }

    fn document_html(&self, events: Vec<Event<'_>>, len: usize) -> String {
        self.to_html(self.document_events(events), len)
    }

    /// A reader comment (untrusted: the caller sanitises the result).
    pub fn render_comment(&self, text: &str) -> String {
        self.render_comment_checked(text).0
    }

    /// A reader comment, and whether pulldown-cmark made it from text and formatting
    /// alone: no raw HTML, images, footnotes, task lists or table alignment styles,
    /// and links only to plain `http(s)` addresses. Such HTML holds only the tags of
    /// `is_plain_markup`, all text escaped, links written here with the `rel` the
    /// sanitiser would add and code blocks without the language class it would remove,
    /// so there is nothing in it for a sanitiser to remove.
    pub fn render_comment_checked(&self, text: &str) -> (String, bool) {
        let mut html = String::with_capacity(html_len(text.len()));
        let plain = self.push_comment(&mut html, text);
        (html, plain)
    }

    /// `render_comment_checked` written at the end of `out`; whether it is plain.
    pub fn push_comment(&self, out: &mut String, text: &str) -> bool {
        plain_comment::push(out, text) || self.push_comment_parsed(out, text)
    }

    /// `render_comment_checked` by pulldown-cmark whatever the text, which the
    /// comments written as plain paragraphs skip: the same HTML (the fuzz target
    /// `sanitize` compares them).
    pub fn render_comment_parsed(&self, text: &str) -> (String, bool) {
        let mut html = String::with_capacity(html_len(text.len()));
        let plain = self.push_comment_parsed(&mut html, text);
        (html, plain)
    }

    /// `push_comment` by pulldown-cmark, whatever the text.
    pub(crate) fn push_comment_parsed(&self, out: &mut String, text: &str) -> bool {
        let events = events_of(
            Parser::new_ext(text, options() - Options::ENABLE_HEADING_ATTRIBUTES),
            text,
        );
        // The text of a comment without `://` holds no address to link unless an
        // entity or an escape writes one (most comments: their text gathered to be
        // looked through was a seventh of their rendering).
        let bytes = text.as_bytes();
        let mut events = if memchr::memmem::find(bytes, b"://").is_some()
            || memchr::memchr2(b'&', b'\\', bytes).is_some()
        {
            link_bare_addresses(events)
        } else {
            events
        };
        let plain = (events.iter()).all(|e| is_plain_markup(e) || is_plain_link(e));
        if plain {
            events.iter_mut().for_each(as_sanitised);
        }
        self.push_html(out, events);
        plain
    }

    fn to_html(&self, events: Vec<Event<'_>>, len: usize) -> String {
        let mut html = String::with_capacity(html_len(len));
        self.push_html(&mut html, events);
        html
    }

    /// The HTML of `events` written at the end of `out`. Reserved by the caller: a
    /// thread's markup, reserved for all its comments, is not grown for each one.
    fn push_html(&self, out: &mut String, mut events: Vec<Event<'_>>) {
        if !self.base_path.is_empty() {
            events.iter_mut().for_each(|e| self.prefix_link(e));
        }
        let start = out.len();
        pulldown_cmark::html::push_html(out, events.into_iter());
        if let Cow::Owned(clean) = drop_forbidden(&out[start..]) {
            out.truncate(start);
            out.push_str(&clean);
        }
    }

    /// A link or image to an address from the site's root (`/posts/x/`) made to
    /// start with the site's path prefix.
    fn prefix_link(&self, event: &mut Event<'_>) {
        if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = event {
            if dest_url.starts_with('/') && !dest_url.starts_with("//") {
                *dest_url = format!("{}{}", self.base_path, dest_url).into();
            }
        }
    }

    /// Gives every heading without an explicit `{#id}` an id from its text, unique in
    /// the document, so sections can be linked.
    fn add_heading_ids<'a>(&self, mut events: Vec<Event<'a>>) -> Vec<Event<'a>> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        let mut i = 0;
        while i < events.len() {
            if let Event::Start(Tag::Heading { id: None, .. }) = &events[i] {
                let mut text = String::new();
                for e in &events[i + 1..] {
                    match e {
                        Event::End(TagEnd::Heading(_)) => break,
                        Event::Text(t) | Event::Code(t) => text.push_str(t),
                        _ => {}
                    }
                }
                let base = match slugify(&text) {
                    s if s.is_empty() => "section".to_string(),
                    s => s,
                };
                let n = seen.entry(base.clone()).or_insert(0);
                *n += 1;
                let anchor = if *n == 1 { base } else { format!("{base}-{n}") };
                if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                    *id = Some(anchor.into());
                }
            }
            i += 1;
        }
        events
    }

    /// A document's events as its page shows them: code blocks highlighted, tables in
    /// a box that scrolls on a narrow screen (instead of squeezing their columns until
    /// words break letter by letter), task list checkboxes named.
    fn document_events<'a>(&'a self, events: Vec<Event<'a>>) -> Vec<Event<'a>> {
        let mut out = Vec::with_capacity(events.len());
        let mut code: Option<(String, String)> = None;
        for event in events {
            match event {
                Event::Start(Tag::CodeBlock(kind)) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => {
                            info.split([' ', ',', '{']).next().unwrap_or("").to_string()
                        }
                        CodeBlockKind::Indented => String::new(),
                    };
                    code = Some((lang, String::new()));
                }
                Event::Text(t) if code.is_some() => {
                    if let Some((_, text)) = &mut code {
                        text.push_str(&t);
                    }
                }
                Event::End(TagEnd::CodeBlock) => {
                    if let Some((lang, text)) = code.take() {
                        out.push(Event::Html(self.code_block(&lang, &text).into()));
                    }
                }
                Event::TaskListMarker(done) => out.push(Event::InlineHtml(
                    self.task_markers[usize::from(!done)].as_str().into(),
                )),
                Event::Start(Tag::Table(alignments)) => {
                    out.push(Event::Html(self.table_open.as_str().into()));
                    out.push(Event::Start(Tag::Table(alignments)));
                }
                Event::End(TagEnd::Table) => {
                    out.push(Event::End(TagEnd::Table));
                    out.push(Event::Html("</div>\n".into()));
                }
                other => out.push(other),
            }
        }
        out
    }

    fn code_block(&self, lang: &str, code: &str) -> String {
        let lang_attr = if lang.is_empty() {
            String::new()
        } else {
            format!(" data-lang=\"{}\"", escape_html(lang))
        };
        let highlighted = (!lang.is_empty())
            .then(|| self.highlight(lang, code))
            .flatten()
            .unwrap_or_else(|| escape_html(code));
        format!("<pre class=\"code\"{lang_attr}><code>{highlighted}</code></pre>\n")
    }

    fn highlight(&self, lang: &str, code: &str) -> Option<String> {
        let syntaxes = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let syntax = syntaxes
            .find_syntax_by_token(lang)
            .or_else(|| syntaxes.find_syntax_by_extension(lang))?;
        let mut generator = ClassedHTMLGenerator::new_with_class_style(
            syntax,
            syntaxes,
            ClassStyle::SpacedPrefixed { prefix: "hl-" },
        );
        for line in LinesWithEndings::from(code) {
            generator
                .parse_html_for_line_which_includes_newline(line)
                .ok()?;
        }
        Some(generator.finalize())
    }
}

/// A link or image address as written in markdown, and where: 1-based line and
/// column (in characters) within the text it was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenLink {
    pub target: String,
    pub line: usize,
    pub column: usize,
}

/// Every link and image address written in `text` (markdown links, and `href`/`src`
/// of raw HTML), with its position, so a broken one can be reported where it is
/// written rather than on each page it reaches.
pub fn written_links(text: &str) -> Vec<WrittenLink> {
    let mut found = Vec::new();
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                found.push((dest_url.to_string(), range.start));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for (offset, target) in html_addresses(&html) {
                    found.push((target, range.start + offset));
                }
            }
            _ => {}
        }
    }
    found
        .into_iter()
        .map(|(target, offset)| {
            let before = &text[..offset.min(text.len())];
            let line_start = before.rfind('\n').map_or(0, |i| i + 1);
            WrittenLink {
                target,
                line: before.matches('\n').count() + 1,
                column: before[line_start..].chars().count() + 1,
            }
        })
        .collect()
}

/// `href="…"` and `src="…"` values of raw HTML, with their byte offsets.
fn html_addresses(html: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for attr in ["href=\"", "src=\""] {
        let mut from = 0;
        while let Some(i) = html[from..].find(attr) {
            let start = from + i;
            let value_start = start + attr.len();
            let Some(len) = html[value_start..].find('"') else {
                break;
            };
            out.push((
                start,
                html[value_start..value_start + len].replace("&amp;", "&"),
            ));
            from = value_start + len;
        }
    }
    out.sort();
    out
}

/// Links the bare `http(s)://` addresses of a comment's text, as readers expect of a
/// comment box (pulldown-cmark links only `<https://…>`). Not inside links, images,
/// code or a raw `<a>`; other schemes stay text. The links are ordinary markdown
/// links, so the sanitiser's rules (and `rel`) apply to them as to any other.
/// The events of `parser`, reading `text`, in a list made about the size they need
/// (about one event for every 24 bytes of text): grown by doubling from nothing, it
/// was copied over and over.
fn events_of<'a>(parser: Parser<'a>, text: &str) -> Vec<Event<'a>> {
    let mut events = Vec::with_capacity(text.len() / 24 + 4);
    events.extend(parser);
    events
}

fn link_bare_addresses(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut finder = linkify::LinkFinder::new();
    finder.kinds(&[linkify::LinkKind::Url]);
    let mut out = Vec::with_capacity(events.len());
    let mut inside = 0usize;
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut Vec<Event<'_>>| {
        if text.is_empty() {
            return;
        }
        // The finder looks for addresses with a scheme only (`https://`).
        if !text.contains("://") {
            out.push(Event::Text(std::mem::take(text).into()));
            return;
        }
        for span in finder.spans(text) {
            let piece = span.as_str().to_string();
            let web = span.kind().is_some() && {
                let lower = piece.get(..8).unwrap_or(&piece).to_ascii_lowercase();
                lower.starts_with("http://") || lower.starts_with("https://")
            };
            if web {
                out.push(Event::Start(Tag::Link {
                    link_type: pulldown_cmark::LinkType::Autolink,
                    dest_url: piece.clone().into(),
                    title: "".into(),
                    id: "".into(),
                }));
                out.push(Event::Text(piece.into()));
                out.push(Event::End(TagEnd::Link));
            } else {
                out.push(Event::Text(piece.into()));
            }
        }
        text.clear();
    };
    for event in events {
        match event {
            Event::Text(t) if inside == 0 => text.push_str(&t),
            other => {
                flush(&mut text, &mut out);
                match &other {
                    Event::Start(Tag::Link { .. } | Tag::Image { .. } | Tag::CodeBlock(_)) => {
                        inside += 1
                    }
                    Event::End(TagEnd::Link | TagEnd::Image | TagEnd::CodeBlock) => {
                        inside = inside.saturating_sub(1)
                    }
                    Event::InlineHtml(html) | Event::Html(html) => {
                        let lower = html.trim_start().to_ascii_lowercase();
                        if lower.starts_with("<a ") || lower.starts_with("<a>") {
                            inside += 1;
                        } else if lower.starts_with("</a") {
                            inside = inside.saturating_sub(1);
                        }
                    }
                    _ => {}
                }
                out.push(other);
            }
        }
    }
    flush(&mut text, &mut out);
    out
}

/// Events whose HTML is a fixed tag without attributes, or escaped text.
fn is_plain_markup(event: &Event<'_>) -> bool {
    match event {
        Event::Text(_) | Event::Code(_) | Event::SoftBreak | Event::HardBreak | Event::Rule => true,
        Event::Start(tag) => match tag {
            Tag::Paragraph
            | Tag::Emphasis
            | Tag::Strong
            | Tag::Strikethrough
            | Tag::Item
            | Tag::BlockQuote(None)
            | Tag::List(None)
            | Tag::CodeBlock(_) => true,
            Tag::Heading {
                id, classes, attrs, ..
            } => id.is_none() && classes.is_empty() && attrs.is_empty(),
            _ => false,
        },
        Event::End(_) => true,
        _ => false,
    }
}

/// The box of a table: a region keyboard users can reach and scroll, named `label`
/// (axe's scrollable-region-focusable).
fn table_open(label: &str) -> String {
    format!(
        "<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n",
        escape_html(label)
    )
}

/// A task list's checkbox with a name screen readers can say (pulldown-cmark's has
/// none, which accessibility checkers flag).
fn task_marker(label: &str, done: bool) -> String {
    let checked = if done { " checked=\"\"" } else { "" };
    format!(
        "<input disabled=\"\" type=\"checkbox\"{checked} aria-label=\"{}\"/>\n",
        escape_html(label)
    )
}

/// A link without a title to an absolute `http(s)` address made only of characters
/// that need no escaping in an attribute (no quotes, `&`, `<`, spaces or controls).
fn is_plain_link(event: &Event<'_>) -> bool {
    match event {
        Event::Start(Tag::Link {
            dest_url, title, ..
        }) => title.is_empty() && is_plain_http_url(dest_url),
        _ => false,
    }
}

pub(crate) fn is_plain_http_url(url: &str) -> bool {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"));
    rest.is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$()*+,;=%".contains(&b))
    })
}

/// The start tag of a link to a plain address (`is_plain_http_url`: nothing in it to
/// escape) as the sanitiser leaves it in a comment.
pub(crate) fn push_plain_link_open(out: &mut String, address: &str) {
    out.push_str("<a href=\"");
    out.push_str(address);
    out.push_str("\" rel=\"");
    out.push_str(READER_LINK_REL);
    out.push_str("\">");
}

/// A plain comment's event as the sanitiser would leave it: a link's `href` kept and
/// `rel` added, a code block without the language it names.
fn as_sanitised(event: &mut Event<'_>) {
    match event {
        Event::Start(Tag::Link { dest_url, .. }) => {
            let mut open = String::new();
            push_plain_link_open(&mut open, dest_url);
            *event = Event::InlineHtml(open.into());
        }
        Event::End(TagEnd::Link) => *event = Event::InlineHtml("</a>".into()),
        // The sanitiser removes the `class` that would carry it.
        Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) => *info = "".into(),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words and characters as counted token by token, whole: what `WordCount` must
    /// agree with, however the text is cut into pieces.
    fn count_by_tokens(text: &str) -> (usize, usize) {
        let (mut words, mut characters) = (0, 0);
        for token in text.split_whitespace() {
            characters += token.chars().filter(|&c| without_spaces(c)).count();
            words += usize::from(
                token
                    .chars()
                    .any(|c| c.is_alphanumeric() && !without_spaces(c)),
            );
        }
        (words, characters)
    }

    proptest::proptest! {
        #[test]
        fn counting_words_in_pieces_equals_counting_them_whole(
            // Any text, or ASCII long enough to be counted by blocks of 64 bytes.
            text in proptest::prop_oneof![
                "([a-z0-9 .,—“”’\t\n\u{0b}\u{0c}\u{85}\u{a0}\u{3000}漢字かなé]|\\PC)*",
                "[a-zA-Z0-9 .,*@`{}\t\n\r\u{0b}\u{0c}\u{1c}\u{7f}-]{0,400}",
            ],
            cut in 0usize..200,
        ) {
            let mut count = WordCount::default();
            let at = (0..=cut.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            count.push(&text[..at]);
            count.push(&text[at..]);
            proptest::prop_assert_eq!(count.finish(), count_by_tokens(&text));
        }
    }

    #[test]
    fn ascii_classes_are_the_tables() {
        for b in 0..128u8 {
            let (space, letter) = ascii_classes(u64::from(b) << 40);
            let expected = ASCII_CLASS[usize::from(b)];
            assert_eq!(space == 1 << 5, expected == SPACE, "{b:#x}");
            assert_eq!(letter == 1 << 5, expected == LETTER, "{b:#x}");
            assert_eq!(space | letter, space ^ letter, "{b:#x}");
        }
    }

    #[test]
    fn an_outline_has_the_headings_and_counts_words_outside_code() {
        let md = Markdown::new("/");
        let (_, outline) = md.render_document_outlined(
            "Intro with *em*phasis, don't — stop.\n\n## First `part`\n\nTwo words.\n\n```\nnot counted at all\n```\n\n### Deeper {#own}\n\n漢字かな and more\n",
        );
        let headings: Vec<(u8, &str, &str)> = outline
            .headings
            .iter()
            .map(|h| (h.level, h.id.as_str(), h.title.as_str()))
            .collect();
        assert_eq!(
            headings,
            [(2, "first-part", "First part"), (3, "own", "Deeper")]
        );
        // intro 5 (`em`+`phasis` one word, `—` none) + 2 + 2 + 1 + 4 characters + 2
        assert_eq!(outline.words, 16);
        assert_eq!(outline.reading_minutes, 1);
        let long = "word ".repeat(1001);
        assert_eq!(md.render_document_outlined(&long).1.reading_minutes, 6);
        assert_eq!(md.render_document_outlined("").1.reading_minutes, 0);
    }

    #[test]
    fn links_are_found_where_they_are_written() {
        let text =
            "Intro.\n\nSee [there](/posts/x/) and ![a](/a.png).\n\n<p><a href=\"/b/\">b</a></p>\n";
        let links = written_links(text);
        let at: Vec<(&str, usize, usize)> = links
            .iter()
            .map(|l| (l.target.as_str(), l.line, l.column))
            .collect();
        assert_eq!(at, [("/posts/x/", 3, 5), ("/a.png", 3, 28), ("/b/", 5, 7)]);
    }

    #[test]
    fn headings_get_unique_ids() {
        let html = Markdown::new("/")
            .render_document("# Hello world\n\n## Hello world\n\n## Own {#mine}\n");
        assert!(html.contains("<h1 id=\"hello-world\">"), "{html}");
        assert!(html.contains("<h2 id=\"hello-world-2\">"), "{html}");
        assert!(html.contains("<h2 id=\"mine\">"), "{html}");
    }

    #[test]
    fn code_is_highlighted_with_classes() {
        let html = Markdown::new("/").render_document("```rust\nfn main() {}\n```\n");
        assert!(
            html.contains("<pre class=\"code\" data-lang=\"rust\"><code>"),
            "{html}"
        );
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn extensions_are_on() {
        let html = Markdown::new("/").render_document(
            "a ~~b~~ \"c\"\n\n| x |\n|---|\n| y |\n\n- [x] done\n\nnote[^1]\n\n[^1]: foot\n",
        );
        for needle in [
            "<del>b</del>",
            "“c”",
            "<table>",
            "checkbox",
            "footnote-definition",
        ] {
            assert!(html.contains(needle), "{needle} missing in {html}");
        }
    }

    #[test]
    fn plain_markup_is_only_fixed_tags() {
        let md = Markdown::new("/");
        for text in [
            "Hi *there*",
            "> quote\n\n- a\n- b",
            "# Title\n\n    code <b>",
            "`<script>`",
        ] {
            let (html, plain) = md.render_comment_checked(text);
            assert!(plain, "{text}");
            assert!(
                !html.contains(" href") && !html.contains("<script") && !html.contains("<b>"),
                "{html}"
            );
        }
        for text in [
            "<b>x</b>",
            "[a](javascript:x)",
            "![i](x.png)",
            "[a](https://x?a=1&b=2)",
            "[a](https://x \"t\")",
            "[a](https://x\"onclick=y)",
            "[a](HTTPS://x)",
            "[a](/posts/x/)",
            "<mailto:a@b>",
            "a[^1]\n\n[^1]: n",
            "- [ ] t",
            "|a|\n|:-|\n|b|",
            "3. three",
        ] {
            assert!(!md.render_comment_checked(text).1, "{text}");
        }
    }

    #[test]
    fn plain_comments_skip_the_sanitiser_with_what_it_would_leave() {
        let md = Markdown::new("/");
        let sanitizer = crate::render::sanitize::Sanitizer::default();
        let rel = "\" rel=\"nofollow ugc noopener\">";
        for (text, needle) in [
            ("see [this](https://example.com/a/b?x=1#top) *now*", rel),
            ("<https://example.com/>", rel),
            ("[x](http://e.org/%7Ea)", rel),
            (
                "Try:\n\n```sh\nfor f in *.md; do echo \"$f\" && x < y; done\n```",
                "<pre><code>",
            ),
            (
                "```js x=\"1\"\nalert('<b>')\n```\n\nafter *it*",
                "<pre><code>",
            ),
            ("~~~rust\nfn main() {}\n~~~", "<pre><code>"),
        ] {
            let (html, plain) = md.render_comment_checked(text);
            assert!(plain, "{text}");
            assert!(html.contains(needle), "{html}");
            let unchecked = md.to_html(
                link_bare_addresses(events_of(
                    Parser::new_ext(text, options() - Options::ENABLE_HEADING_ATTRIBUTES),
                    text,
                )),
                text.len(),
            );
            assert_eq!(html, sanitizer.clean(&unchecked), "{text}");
        }
    }

    #[test]
    fn an_address_written_through_an_entity_or_an_escape_is_linked_as_if_plain() {
        let md = Markdown::new("/");
        for text in [
            "see https&#58;//example.com/a",
            "see https:\\/\\/example.com/a",
        ] {
            let (html, _) = md.render_comment_checked(text);
            assert!(
                html.contains("href=\"https://example.com/a\""),
                "{text}: {html}"
            );
        }
    }

    #[test]
    fn task_list_checkboxes_are_labelled() {
        let html = Markdown::new("/").render_document("- [x] shipped\n- [ ] tested\n");
        assert!(
            html.contains("checked=\"\" aria-label=\"Done\"/>\nshipped"),
            "{html}"
        );
        assert!(html.contains("aria-label=\"Not done\"/>\ntested"), "{html}");
        let html = Markdown::new("/")
            .with_labels("Fait", "À \"faire\"", "Tableau")
            .render_document("- [x] a\n- [ ] b\n");
        assert!(
            html.contains("checked=\"\" aria-label=\"Fait\"/>\na"),
            "{html}"
        );
        assert!(
            html.contains("aria-label=\"À &quot;faire&quot;\"/>\nb"),
            "{html}"
        );
    }

    #[test]
    fn a_wide_table_scrolled_the_page_or_broke_its_words_letter_by_letter() {
        let html = Markdown::new("/")
            .with_labels("Fait", "À faire", "Tableau")
            .render_document("| a | b |\n|---|---|\n| 1 | 2 |\n\nafter\n");
        assert!(
            html.starts_with("<div class=\"table-wrapper\" tabindex=\"0\" role=\"region\" aria-label=\"Tableau\">\n<table>"),
            "{html}"
        );
        assert!(html.contains("</table>\n</div>\n<p>after</p>"), "{html}");
        let comment = Markdown::new("/").render_comment("| a |\n|---|\n| 1 |\n");
        assert!(!comment.contains("table-wrapper"), "{comment}");
    }

    #[test]
    fn root_links_get_the_base_path() {
        let html = Markdown::new("/blog/")
            .render_document("[a](/posts/x/) [b](https://e.org/) [c](//cdn)");
        assert!(html.contains("href=\"/blog/posts/x/\""), "{html}");
        assert!(html.contains("href=\"https://e.org/\""), "{html}");
        assert!(html.contains("href=\"//cdn\""), "{html}");
    }
}
