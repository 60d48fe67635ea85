//! Text into markup. One rule says which characters no page or feed may hold, and one
//! escaper writes text into HTML and XML (both read `&amp;`, `&lt;`, `&gt;`,
//! `&quot;` and `&#39;` the same way), dropping those characters on the way.

use std::borrow::Cow;

/// Whether XML 1.0 allows `c` in a document (its `Char` production; surrogates cannot
/// occur in a `str`): not the C0 controls other than tab, newline and carriage return,
/// nor U+FFFE and U+FFFF. One such character makes a feed unreadable to a strict
/// parser, and HTML counts the same characters as parse errors, so pages drop them
/// too.
pub fn allowed_in_documents(c: char) -> bool {
    !matches!(
        c,
        '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}'
    )
}

/// Escapes text for HTML or XML content and quoted attribute values, dropping what
/// `allowed_in_documents` refuses. Every value a template prints goes through it:
/// runs of ordinary bytes are copied whole.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    escape_html_into(&mut out, text);
    out
}

/// `escape_html`, written at the end of `out`: the pages' many short values (names,
/// dates, labels), each escaped into a string of its own and copied, cost a
/// 1,000-post build 1 % of its instructions.
pub fn escape_html_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    // `text[copied..at]` is ordinary and not yet written.
    let (mut copied, mut at) = (0, 0);
    while at < bytes.len() {
        if !NOT_ORDINARY[usize::from(bytes[at])] {
            at += 1;
            continue;
        }
        let (replacement, len) = match bytes[at] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' => ("&#39;", 1),
            0xEF if bytes[at + 1..].starts_with(&[0xBF, 0xBE])
                || bytes[at + 1..].starts_with(&[0xBF, 0xBF]) =>
            {
                ("", 3)
            }
            0xEF => {
                at += 1;
                continue;
            }
            _ => ("", 1),
        };
        out.push_str(&text[copied..at]);
        out.push_str(replacement);
        at += len;
        copied = at;
    }
    out.push_str(&text[copied..]);
}

/// The bytes `escape_html` looks at: what it escapes, the C0 controls it drops, and
/// 0xEF, which starts U+FFFE and U+FFFF (and other characters it keeps).
const NOT_ORDINARY: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = !matches!(b as u8, b'\t' | b'\n' | b'\r');
        b += 1;
    }
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table[0xEF] = true;
    table
};

/// Whether `text` prints anything: a template tests a value as it prints it, escaped,
/// so a value made only of what `allowed_in_documents` refuses is no value to it.
pub fn prints(text: &str) -> bool {
    text.chars().any(allowed_in_documents)
}

/// Whether `a` and `b` print the same: a template compares values as it prints them.
pub fn print_alike(a: &str, b: &str) -> bool {
    a == b || drop_forbidden(a) == drop_forbidden(b)
}

/// Markup made elsewhere (markdown, the sanitiser) without what
/// `allowed_in_documents` refuses; borrowed when there is nothing to drop.
pub fn drop_forbidden(markup: &str) -> Cow<'_, str> {
    if !may_hold_forbidden(markup) || markup.chars().all(allowed_in_documents) {
        Cow::Borrowed(markup)
    } else {
        Cow::Owned(
            markup
                .chars()
                .filter(|&c| allowed_in_documents(c))
                .collect(),
        )
    }
}

/// A quick look at the bytes, run on every page: what `allowed_in_documents` refuses
/// is a C0 control (one byte) or starts with the byte 0xEF (U+FFFE, U+FFFF). Blocks
/// are folded without stopping early so that the loop runs on vector instructions.
fn may_hold_forbidden(text: &str) -> bool {
    let suspect = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0xEF;
    text.as_bytes()
        .chunks(64)
        .any(|block| block.iter().fold(false, |found, &b| found | suspect(b)))
}

/// `drop_forbidden` for an owned string, which it returns as it is when clean.
pub fn drop_forbidden_owned(markup: String) -> String {
    match drop_forbidden(&markup) {
        Cow::Borrowed(_) => markup,
        Cow::Owned(clean) => clean,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `escape_html` a character at a time, as it was first written.
    fn escape_by_chars(text: &str) -> String {
        let mut out = String::new();
        for c in text.chars() {
            match c {
                '&' => out.push_str("&amp;"),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '"' => out.push_str("&quot;"),
                '\'' => out.push_str("&#39;"),
                c if allowed_in_documents(c) => out.push(c),
                _ => {}
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escaping_by_runs_equals_escaping_by_characters(text in "(\\PC|[\\x00-\\x1f&<>\"'\u{fffd}-\u{ffff}\u{f000}])*") {
            proptest::prop_assert_eq!(escape_html(&text), escape_by_chars(&text));
        }
    }

    #[test]
    fn drops_the_two_noncharacters_and_keeps_their_neighbours() {
        for text in [
            "\u{fffe}",
            "a\u{ffff}b",
            "\u{fffd}\u{fffc}\u{f000}\u{efff}",
            "x\u{1}\t\n\r",
        ] {
            assert_eq!(escape_html(text), escape_by_chars(text), "{text:?}");
        }
    }

    #[test]
    fn escapes_markup_and_drops_what_xml_forbids() {
        assert_eq!(
            escape_html("<a href=\"x\">Tom & 'Jerry'</a>"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(
            escape_html("a\u{1}b\u{b}c\u{c}d\u{1f}e\u{fffe}\u{ffff}f"),
            "abcdef"
        );
        assert_eq!(
            escape_html("tab\tnew\nline\r\u{7f}\u{85}é"),
            "tab\tnew\nline\r\u{7f}\u{85}é"
        );
    }

    #[test]
    fn dropping_borrows_clean_markup() {
        assert!(matches!(drop_forbidden("<p>ok</p>"), Cow::Borrowed(_)));
        assert!(matches!(
            drop_forbidden("<p>\u{fffd} é\t\r\n</p>"),
            Cow::Borrowed(_)
        ));
        assert_eq!(drop_forbidden("a\u{ffff}b\u{fffe}c\u{b}"), "abc");
        assert_eq!(drop_forbidden("<p>o\u{1}k</p>"), "<p>ok</p>");
        assert_eq!(drop_forbidden_owned("x\u{0}y".into()), "xy");
    }
}
