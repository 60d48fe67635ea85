//! The HTML of a comment written as plain paragraphs, made without the markdown
//! parser: most comments are sentences, and parsing them was a sixth of a build.
//!
//! `push` takes only what it is sure of, and writes exactly what pulldown-cmark
//! writes for it (a property test compares the two): paragraphs of lines (ended by
//! LF or CR LF) that start with neither a space nor a list's marker and end with at
//! most one space; words, digits and punctuation that markdown leaves as they are; an
//! apostrophe between two letters and an ellipsis (written `’` and `…`, as smart
//! punctuation would); a hyphen between two letters; emphasis (`*a*`) and strong
//! emphasis (`**a**`) opened after a space and closed before one or a sentence's
//! punctuation, within a line, not nested; code spans (`` `a()` ``) and links to
//! `http(s)` addresses (`[a](https://…)`) within a line; quoted paragraphs (`> a`)
//! ended by a blank line. Anything else, an address outside a link, a list, a `"`,
//! `&` or `<`, leaves the comment to the parser.

use crate::render::markdown::{is_plain_http_url, push_plain_link_open};

/// Writes the HTML of `text` at the end of `out` and returns true, if `text` is
/// plain paragraphs as the module describes; otherwise writes nothing.
pub(crate) fn push(out: &mut String, text: &str) -> bool {
    let start = out.len();
    if push_paragraphs(out, text).is_none() {
        out.truncate(start);
        return false;
    }
    true
}

/// `push`'s work; `None` as soon as `text` is not plain.
fn push_paragraphs(out: &mut String, text: &str) -> Option<()> {
    let mut in_paragraph = false;
    let mut in_quote = false;
    for line in text.split('\n') {
        // A line ended by CR LF, as a browser's form sends it.
        let line = line.strip_suffix('\r').unwrap_or(line);
        // One space at a line's end is dropped; two would break the line.
        let line = (line.strip_suffix(' '))
            .filter(|rest| !rest.ends_with(' '))
            .unwrap_or(line);
        // A quoted line (`> a`); a line after a quote's, unless blank, would continue
        // its paragraph (a lazy line).
        let (quoted, line) = match line.strip_prefix('>') {
            Some(rest) => (true, rest.strip_prefix(' ').unwrap_or(rest)),
            None => (false, line),
        };
        if quoted != in_quote {
            if !quoted && !line.is_empty() {
                return None;
            }
            if in_paragraph {
                out.push_str("</p>\n");
                in_paragraph = false;
            }
            out.push_str(if quoted {
                "<blockquote>\n"
            } else {
                "</blockquote>\n"
            });
            in_quote = quoted;
        }
        if line.is_empty() {
            if in_paragraph {
                out.push_str("</p>\n");
                in_paragraph = false;
            }
            continue;
        }
        check_line_ends(line)?;
        if in_paragraph {
            out.push('\n');
        } else {
            out.push_str("<p>");
            in_paragraph = true;
        }
        push_line(out, line)?;
    }
    if in_paragraph {
        out.push_str("</p>\n");
    }
    if in_quote {
        out.push_str("</blockquote>\n");
    }
    Some(())
}

/// A line that starts or ends with a space (an indented code block, a hard break,
/// trimmed spaces) or starts an ordered list's item does not stay a paragraph's. The
/// other markers of a line's start (`-`, `+`, `*` and a space, `#`, `=`, `|`, fences)
/// are refused where `push_line` meets them.
fn check_line_ends(line: &str) -> Option<()> {
    let bytes = line.as_bytes();
    if bytes[0] == b' ' || bytes[bytes.len() - 1] == b' ' {
        return None;
    }
    // `1.` or `1)` starts an ordered list.
    let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && matches!(bytes.get(digits), Some(b'.' | b')')) {
        return None;
    }
    Some(())
}

/// Writes one line of a paragraph: its text, emphasis, code spans and links.
fn push_line(out: &mut String, line: &str) -> Option<()> {
    let bytes = line.as_bytes();
    // The emphasis open, by the length of its delimiter (1 or 2).
    let mut open: Option<usize> = None;
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        let b = bytes[at];
        if !SPECIAL[usize::from(b)] || (b == 0xEF && !is_noncharacter(&bytes[at..])) {
            at += 1;
            continue;
        }
        out.push_str(&line[copied..at]);
        let before = at.checked_sub(1).map(|i| bytes[i]);
        match b {
            // Between two letters: an apostrophe, which smart punctuation curls, or a
            // hyphen.
            b'\'' | b'-' => {
                let letter = |c: Option<u8>| c.is_some_and(|c| c.is_ascii_alphanumeric());
                if !(letter(before) && letter(bytes.get(at + 1).copied())) {
                    return None;
                }
                out.push(if b == b'-' { '-' } else { '’' });
                at += 1;
            }
            b'.' => {
                // `...` is an ellipsis to smart punctuation.
                let run = bytes[at..].iter().take_while(|&&c| c == b'.').count();
                match run {
                    1 => out.push('.'),
                    3 => out.push('…'),
                    _ => return None,
                }
                at += run;
            }
            // An address outside a link's is linked (`link_bare_addresses`).
            b':' if bytes[at + 1..].starts_with(b"//") => return None,
            b':' => {
                out.push(':');
                at += 1;
            }
            b'`' => at = push_code_span(out, line, at)?,
            // `![` is an image.
            b'[' if before != Some(b'!') => at = push_link(out, line, at)?,
            b'*' => {
                let run = bytes[at..].iter().take_while(|&&c| c == b'*').count();
                let after = bytes.get(at + run).copied();
                let opens = run <= 2
                    && before.is_none_or(|c| c == b' ')
                    && after.is_some_and(|c| c.is_ascii_alphanumeric());
                let closes = run <= 2
                    && before.is_some_and(|c| c.is_ascii_alphanumeric())
                    && after.is_none_or(|c| b" .,!?;:".contains(&c));
                match (opens, closes, open) {
                    (true, _, None) => {
                        out.push_str(if run == 1 { "<em>" } else { "<strong>" });
                        open = Some(run);
                    }
                    (_, true, Some(n)) if n == run => {
                        out.push_str(if run == 1 { "</em>" } else { "</strong>" });
                        open = None;
                    }
                    _ => return None,
                }
                at += run;
            }
            _ => return None,
        }
        copied = at;
    }
    if open.is_some() {
        return None;
    }
    out.push_str(&line[copied..]);
    Some(())
}

/// Whether `bytes` starts with U+FFFE or U+FFFF, which documents refuse
/// (`allowed_in_documents`); 0xEF starts other characters too (U+FE0F, which makes
/// an emoji of a heart).
fn is_noncharacter(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xEF, 0xBF, 0xBE]) || bytes.starts_with(&[0xEF, 0xBF, 0xBF])
}

/// Writes the code span whose backtick is at `at`, returning where it ends: one
/// backtick each side, within the line, not starting or ending with a space (which
/// markdown would trim) and holding nothing to escape.
fn push_code_span(out: &mut String, line: &str, at: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    let len = memchr::memchr(b'`', &bytes[at + 1..])?;
    let code = &line[at + 1..at + 1 + len];
    let end = at + 1 + len + 1;
    let code_bytes = code.as_bytes();
    if code.is_empty()
        || code_bytes[0] == b' '
        || code_bytes[len - 1] == b' '
        || bytes.get(end) == Some(&b'`')
        || code_bytes.iter().any(|&c| ESCAPED_IN_CODE[usize::from(c)])
    {
        return None;
    }
    out.push_str("<code>");
    out.push_str(code);
    out.push_str("</code>");
    Some(end)
}

/// Writes the link whose `[` is at `at`, returning where it ends: `[text](address)`
/// within the line, its text plain and without brackets, its address a plain
/// `http(s)` one (`is_plain_http_url`) without parentheses or brackets, written as the
/// sanitiser leaves a plain comment's link (`push_plain_link_open`).
fn push_link(out: &mut String, line: &str, at: usize) -> Option<usize> {
    let bytes = line.as_bytes();
    let close = at + 1 + memchr::memchr(b']', &bytes[at + 1..])?;
    let text = &line[at + 1..close];
    // `[^1]` is a footnote's mark.
    if text.is_empty() || text.starts_with('^') || bytes.get(close + 1) != Some(&b'(') {
        return None;
    }
    let address_at = close + 2;
    let len = memchr::memchr(b')', &bytes[address_at..])?;
    let address = &line[address_at..address_at + len];
    if !is_plain_http_url(address) || address.contains(['(', '[', ']']) {
        return None;
    }
    push_plain_link_open(out, address);
    push_line(out, text)?;
    out.push_str("</a>");
    Some(address_at + len + 1)
}

/// The bytes `push_line` stops at: those markdown, smart punctuation or HTML give a
/// meaning to, the C0 controls (dropped or refused), and 0xEF, which may start U+FFFE
/// or U+FFFF (`is_noncharacter`). Letters, digits, spaces, other characters and the
/// punctuation markdown leaves as it is are copied.
const SPECIAL: [bool; 256] = controls_and(b"\"#&'*+-.:<=>[\\]_`{|}~");

/// What a code span may not hold here: what HTML escapes, backslashes, controls
/// and 0xEF.
const ESCAPED_IN_CODE: [bool; 256] = controls_and(b"\"&<>\\");

/// A table of the bytes `marked`, the C0 controls, DEL and 0xEF.
const fn controls_and(marked: &[u8]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    let mut i = 0;
    while i < marked.len() {
        table[marked[i] as usize] = true;
        i += 1;
    }
    table[0x7F] = true;
    table[0xEF] = true;
    table
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::markdown::Markdown;

    /// The HTML of `text` by the parser, and whether it is plain.
    fn parsed(text: &str) -> (String, bool) {
        let mut html = String::new();
        let plain = Markdown::new("/blog/").push_comment_parsed(&mut html, text);
        (html, plain)
    }

    fn check_alike(text: &str) -> Option<String> {
        let mut html = String::from("before");
        if !push(&mut html, text) {
            assert_eq!(html, "before", "{text:?}: nothing written when not taken");
            return None;
        }
        let html = html["before".len()..].to_string();
        assert_eq!((html.clone(), true), parsed(text), "{text:?}");
        Some(html)
    }

    #[test]
    fn sentences_emphasis_and_code_are_taken_and_written_as_the_parser_writes_them() {
        for text in [
            "",
            "\n\n",
            "Thanks, Sven! Great post.",
            "First line\nsecond line\n\n\nA new paragraph (with brackets), 50% sure; ok?\n",
            "It's what we'd all done, isn't it: well-known 3.5 times.",
            "A *word* and **two words** at the end of a **sentence**.",
            "*Starts* with emphasis, ends with **it**",
            "Call `kitchen()` or `a*b` or `it's...` now.",
            "Ünïcödé ẃörds — and an em dash, 日本語 too.",
            "Thanks ❤\u{fe0f}！",
            "2020 was a year. 1 thing",
            "See [the post](https://example.com/a/1?x=2#y), and [*this* one](http://e.org/).",
            "Time: 10:30 (local)",
            "Well... maybe. \nA space at the end ",
            "Windows\r\nline ends\r\n\r\nand paragraphs\r\n",
            "> You wrote *this*\n> and that.\n>\n>second\n\nMy reply.\n> Quoted again",
        ] {
            assert!(check_alike(text).is_some(), "{text:?} not taken");
        }
        assert_eq!(
            check_alike("It's *a* `b()` [c](https://e.org/)").unwrap(),
            "<p>It’s <em>a</em> <code>b()</code> \
             <a href=\"https://e.org/\" rel=\"nofollow ugc noopener\">c</a></p>\n"
        );
    }

    #[test]
    fn what_markdown_gives_a_meaning_is_left_to_the_parser() {
        for text in [
            "a https://example.org/ link",
            "\"quoted\"",
            "'quoted'",
            "dogs' toys",
            "wait..",
            "wait....",
            "en--dash",
            "- item",
            "* item",
            "1. item",
            "2) item",
            "# heading",
            "    indented code",
            " one space",
            "hard  \nbreak",
            "under_score",
            "a < b & c",
            "[link](x)",
            "*open",
            "**a*",
            "*a **b** c*",
            "a*b*c",
            "***",
            "``code``",
            "` spaced `",
            "```\nfence\n```",
            "tab\there",
            "lone\rcarriage return",
            "two spaces  \r\nbefore CR LF",
            "setext\n===",
            "x = y",
            "~~gone~~",
            "a | b",
            "C#",
            "a\u{fffe}b",
            "a\u{ffff}",
            "![image](https://example.com/a.png)",
            "[local](/posts/a/)",
            "[titled](https://example.com/ \"t\")",
            "[a] [b]",
            "[^1](https://example.com/)",
            "[nested](https://example.com/a(b))",
            "[a [b]](https://example.com/)",
            "[https://example.com/](https://example.com/)",
            "> lazy\ncontinuation",
            "> > nested",
            ">  two spaces",
        ] {
            assert!(check_alike(text).is_none(), "{text:?} taken");
        }
    }

    /// Real comments, sent through Staticman's form to a blog's repository (when
    /// `RAPPORT_REAL_FIXTURES` names their folder): most are plain, and all come out
    /// as the parser writes them.
    #[test]
    fn real_comments_are_written_as_the_parser_writes_them() {
        let Some(real) = std::env::var_os("RAPPORT_REAL_FIXTURES").filter(|d| !d.is_empty()) else {
            return;
        };
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join(real)
            .join("staticman/made-mistakes");
        let mut files = vec![folder];
        let (mut taken, mut all) = (0, 0);
        while let Some(path) = files.pop() {
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let fields: serde_yaml::Mapping = serde_yaml::from_str(&text).unwrap();
            let Some(message) = fields.get("message").and_then(|m| m.as_str()) else {
                continue;
            };
            all += 1;
            taken += usize::from(check_alike(message).is_some());
        }
        assert_eq!(all, 79, "the fixtures' comments");
        assert!(taken * 3 >= all * 2, "{taken} of {all} taken");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// Texts made mostly of what `push` takes, with the characters and shapes at
        /// its edges mixed in: whatever it takes, it writes as the parser does.
        #[test]
        fn what_is_taken_is_written_as_the_parser_writes_it(
            pieces in proptest::collection::vec(proptest::prop_oneof![
                8 => "[a-zA-Z0-9]{1,6}",
                6 => proptest::strategy::Just(" ".to_string()),
                2 => proptest::strategy::Just("\n".to_string()),
                1 => proptest::strategy::Just("\r\n".to_string()),
                1 => "[.]{1,4}",
                1 => "\n>[ >]?",
                1 => proptest::strategy::Just("\n\n".to_string()),
                1 => "[*]{1,3}",
                1 => "`[a-z'*. ]{0,4}`{1,2}",
                1 => "[-'.,!?;:()/%$@^=+#~_|\\[\\]<>&\"\\\\\t\r{}]",
                1 => "[0-9]{1,2}[.)]",
                1 => "[é日—\u{a0}\u{85}\u{2028}\u{fe0f}\u{ff01}\u{fffd}\u{fffe}\u{ffff}\u{0}\u{7f}\u{1}]",
                1 => proptest::strategy::Just("://".to_string()),
                2 => "\\[[a-z]{1,3}( [*]{1,2}[a-z]{1,3}[*]{1,2})?[a-z' ]{0,3}\\]\\(https?://[a-z./]{1,6}\\)",
                1 => "!?\\[[a-z *'^`\\[]{0,5}\\]\\((https?://[a-z./()\\[]{0,6}|/x)?\\)",
            ], 0..24)
        ) {
            let text: String = pieces.concat();
            check_alike(&text);
        }
    }
}
