//! The only module that names the YAML crate. It turns YAML text into typed values and
//! YAML errors into diagnostics in the user's words, located in the user's file (offset
//! by where the YAML block starts), so the crate can be swapped here alone.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{Diagnostic, Location};
use crate::explain::{self, Explained, Syntax};

/// Parses `text`, which starts at line `first_line` (1-based) of `path`.
pub(crate) fn from_str_at<T: DeserializeOwned>(
    text: &str,
    path: &Path,
    first_line: usize,
) -> Result<T, Diagnostic> {
    crate::limits::check_yaml(text, path, first_line)?;
    serde_yaml::from_str(text).map_err(|e| diagnose(&e, text, path, first_line))
}

/// A YAML error as the user should read it: where (the line of `path`, and the column
/// when the parser knows it), what is wrong in their terms, and what to write.
fn diagnose(e: &serde_yaml::Error, source: &str, path: &Path, first_line: usize) -> Diagnostic {
    let text = e.to_string();
    // When a construct is left open (a quote), the line it started on is where the
    // user should look; some errors come without a position (several documents in one
    // file): those point at the second document's start, or else at the first line.
    let left_open = [
        "while scanning a quoted scalar",
        "while scanning a simple key",
        "while parsing a flow sequence",
        "while parsing a flow mapping",
    ]
    .iter()
    .any(|c| text.contains(c));
    let (yaml_line, column) = match context_position(&text).filter(|_| left_open) {
        Some(at) => (Some(at.0), Some(at.1)),
        None => match e.location() {
            Some(l) => (Some(l.line()), Some(l.column())),
            None => (None, None),
        },
    };
    let mut line = yaml_line
        .map(|l| newline_line(source, l))
        .or_else(|| second_document_line(source))
        .unwrap_or(1)
        .max(1);
    let message = clean_message(&text);
    let said = match explain::explain(&message, None, Syntax::Yaml) {
        Some(said) => {
            if let Some(key) = message.strip_prefix("duplicate field `") {
                let key = key.trim_end_matches('`');
                line = second_key_line(source, key).unwrap_or(line);
                return Diagnostic::new(
                    Location::new(path, Some(line + first_line - 1)),
                    said.message,
                    said.help,
                );
            }
            said
        }
        None => syntax_error(
            &message,
            source.lines().nth(line - 1).unwrap_or_default(),
            column,
        ),
    };
    let line = line + first_line - 1;
    let location = match column {
        Some(column) if column > 0 => Location::at(path, line, column),
        _ => Location::new(path, Some(line)),
    };
    Diagnostic::new(location, said.message, said.help)
}

/// A YAML syntax error said in the user's terms, from the parser's message and the
/// line it points at.
fn syntax_error(message: &str, line: &str, column: Option<usize>) -> Explained {
    let at = column.and_then(|c| line.chars().nth(c.saturating_sub(1)));
    let said = |message: String, help: &str| Explained {
        message,
        help: help.to_string(),
    };
    let indent = &line[..line.len() - line.trim_start().len()];
    if indent.contains('\t') || at == Some('\t') || message.contains("tab character") {
        return said(
            "a tab is used for indentation here; YAML allows only spaces".into(),
            "replace the tab with spaces (two per level)",
        );
    }
    let (key, value) = line
        .trim_start()
        .trim_start_matches("- ")
        .split_once(':')
        .map_or(("title", ""), |(k, v)| (k.trim(), v.trim()));
    if message.contains("more than one document") {
        return said(
            "a line holding only --- (or ...) starts a second YAML document here".into(),
            "remove it, or indent it if it belongs to a block of text",
        );
    }
    if message.contains("while scanning a quoted scalar") {
        return said(
            "a quote opened here is never closed".into(),
            "end the value with the same quote on this line (write \\\" for a quote inside double quotes)",
        );
    }
    if message.contains("while parsing a flow sequence") {
        return said(
            "a list opened with [ here is never closed".into(),
            "end the list with ] on the same line, its items separated by commas",
        );
    }
    if message.contains("while parsing a flow mapping") {
        return said(
            "a block opened with { here is never closed".into(),
            "end it with } on the same line, its keys separated by commas",
        );
    }
    if message.contains("cannot start any token") {
        let c = at.unwrap_or('?');
        return Explained {
            message: format!("a value cannot start with `{c}` unless it is quoted"),
            help: format!(
                "put the value in double quotes: {key}: \"{}\"",
                value.replace('"', "\\\"")
            ),
        };
    }
    if message.contains("unknown escape character") {
        return said(
            "a backslash inside double quotes starts an escape sequence, and this one is not valid"
                .into(),
            "use single quotes instead ('C:\\path'), or write each backslash twice",
        );
    }
    if message.contains("mapping values are not allowed") {
        if value.contains(": ") {
            return Explained {
                message: format!("the value of `{key}` contains \": \", which YAML reads as the start of another key"),
                help: format!("put the value in double quotes: {key}: \"{}\"", value.replace('"', "\\\"")),
            };
        }
        return said(
            "this line is indented more than the keys above it".into(),
            "start every key of a block at the same column",
        );
    }
    if message.contains("did not find expected key") && line.contains(['"', '\'']) {
        return said(
            "a quoted value ends before the end of the line".into(),
            "quote a value holding \" with single quotes (title: 'Say \"hi\"'), and write ' inside single quotes as '' (title: 'It''s')",
        );
    }
    if message.contains("could not find expected ':'") {
        return said(
            "this line is not of the form `key: value`".into(),
            "add a colon and a space after the key, or indent the line if it continues the value above",
        );
    }
    if message.contains("did not find expected") || message.contains("not allowed in this context")
    {
        return said(
            "this line is not indented like the lines around it".into(),
            "indent the keys of one block by the same number of spaces; list items start with \"- \"",
        );
    }
    said(
        message.to_string(),
        "fix the YAML here (check indentation, and quote values that contain \": \" or start with a special character)",
    )
}

/// The line (relative to the text) of the second top-level `key:`, for a key set twice.
fn second_key_line(text: &str, key: &str) -> Option<usize> {
    let prefix = format!("{key}:");
    text.lines()
        .enumerate()
        .filter(|(_, l)| l.starts_with(&prefix))
        .nth(1)
        .map(|(i, _)| i + 1)
}

/// The line as the rest of rapport (and an editor) counts it, by `\n`, of the YAML
/// parser's line `yaml_line`: the parser also counts a lone `\r`, NEL, LS and PS as
/// line breaks, which put errors past the end of a file with stray carriage returns.
fn newline_line(text: &str, yaml_line: usize) -> usize {
    let (mut yaml, mut line) = (1, 1);
    let mut chars = text.chars().peekable();
    while yaml < yaml_line {
        let Some(c) = chars.next() else { break };
        match c {
            '\r' => {
                yaml += 1;
                if chars.next_if_eq(&'\n').is_some() {
                    line += 1;
                }
            }
            '\n' => {
                yaml += 1;
                line += 1;
            }
            '\u{85}' | '\u{2028}' | '\u{2029}' => yaml += 1,
            _ => {}
        }
    }
    line
}

/// The 1-based line of the `---` or `...` marker after which a second YAML document
/// starts: the first marker that follows some content.
fn second_document_line(text: &str) -> Option<usize> {
    let mut content_seen = false;
    for (i, line) in text.lines().enumerate() {
        let is_marker = ["---", "..."].iter().any(|m| {
            line.strip_prefix(m)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        });
        if is_marker && content_seen {
            return Some(i + 1);
        }
        let trimmed = line.trim();
        if !is_marker && !trimmed.is_empty() && !trimmed.starts_with(['#', '%']) {
            content_seen = true;
        }
    }
    None
}

/// serde_yaml writes positions into its messages (" at line X column Y"); the
/// location already says where, so they are removed.
fn clean_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(i) = rest.find(" at line ") {
        out.push_str(&rest[..i]);
        let after = skip_digits(&rest[i + " at line ".len()..]);
        rest = after.strip_prefix(" column ").map_or(after, skip_digits);
    }
    out.push_str(rest);
    out
}

fn skip_digits(text: &str) -> &str {
    text.trim_start_matches(|c: char| c.is_ascii_digit())
}

/// When a construct is left open ("while scanning a quoted scalar at line 3 column
/// 8"), the line and column it started at.
fn context_position(message: &str) -> Option<(usize, usize)> {
    let (_, context) = message.split_once(", while ")?;
    let (_, at) = context.split_once(" at line ")?;
    let mut words = at.split(' ');
    let line = words.next()?.parse().ok()?;
    let column = match (words.next(), words.next()) {
        (Some("column"), Some(c)) => c.trim_end_matches(',').parse().ok()?,
        _ => 0,
    };
    Some((line, column))
}

/// The 1-based line (relative to `text`) of each item of the top-level block sequence
/// under `key:`. YAML parsers give no positions for values, and thread validation must
/// point at the comment it is about; items of a block sequence are the lines whose
/// first non-blank character is `-` at the sequence's indentation, and anything nested
/// (including block scalars) is indented further.
pub(crate) fn sequence_item_lines(text: &str, key: &str) -> Vec<usize> {
    let header = format!("{key}:");
    let mut lines = text.lines().enumerate();
    if !lines.any(|(_, l)| l.trim_end() == header) {
        return Vec::new();
    }
    let mut indent = None;
    let mut items = Vec::new();
    for (i, line) in lines {
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let this_indent = line.len() - trimmed.len();
        let is_item = trimmed == "-" || trimmed.starts_with("- ");
        match indent {
            None if is_item => indent = Some(this_indent),
            None => break,
            Some(n) if this_indent < n || (this_indent == n && !is_item) => break,
            Some(_) => {}
        }
        if is_item && Some(this_indent) == indent {
            items.push(i + 1);
        }
    }
    items
}

/// The 1-based line of `key:` within the item that starts at `start` and ends before
/// `end` (both 1-based indices into `lines`, the text's lines), to point an error at
/// the exact field. Taking the lines split once keeps a file with a problem in every
/// comment linear: searching from the top of the text each time was quadratic.
pub(crate) fn key_line_within(
    lines: &[&str],
    start: usize,
    end: usize,
    key: &str,
) -> Option<usize> {
    let with_colon = format!("{key}:");
    let from = start.saturating_sub(1).min(lines.len());
    let to = end.saturating_sub(1).clamp(from, lines.len());
    lines[from..to]
        .iter()
        .position(|l| {
            let t = l.trim_start().trim_start_matches("- ");
            t.starts_with(&with_colon)
        })
        .map(|i| from + i + 1)
}

/// `text` as a YAML double-quoted scalar that reads back as exactly `text`. Everything
/// YAML could take for a line break or that is not printable is escaped.
pub(crate) fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\u{2028}' => out.push_str("\\L"),
            '\u{2029}' => out.push_str("\\P"),
            '\u{feff}' => out.push_str("\\uFEFF"),
            c if (c as u32) < 0x20 || (0x7f..=0x9f).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02X}", c as u32));
            }
            c if !is_printable(c) => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `text` as a literal block scalar (`|` and its lines indented by `indent` spaces),
/// or `None` when a block cannot hold it exactly: it must end in exactly one newline,
/// not start with a blank, and hold only characters YAML prints as they are.
pub(crate) fn literal_block(text: &str, indent: usize) -> Option<String> {
    let fits = text.ends_with('\n')
        && !text.ends_with("\n\n")
        && !text.starts_with([' ', '\t', '\n'])
        && text.chars().all(is_block_safe);
    if !fits {
        return None;
    }
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len() + text.len() / 8 + 2);
    out.push_str("|\n");
    for line in text.lines() {
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
        out.push('\n');
    }
    Some(out)
}

/// Characters a literal block keeps as written: printable ones, tab and newline; not
/// the ones YAML 1.1 reads as line breaks (NEL, LS, PS) or a byte order mark.
fn is_block_safe(c: char) -> bool {
    match c {
        '\t' | '\n' => true,
        '\u{85}' | '\u{2028}' | '\u{2029}' | '\u{feff}' => false,
        c => !c.is_control() && is_printable(c),
    }
}

/// Whether YAML allows `c` as it is in a document: not U+FFFE nor U+FFFF (controls
/// are told apart by their callers), which a reader refuses as control characters.
fn is_printable(c: char) -> bool {
    !matches!(c, '\u{fffe}' | '\u{ffff}')
}

// Scalars written on one line, read without the YAML parser by the readers of the
// plain shapes (`threads::simple`, `content::simple`); anything they are not sure to
// read as the parser does gives `None`.

/// Characters YAML does not allow written as they are in a scalar, or that this
/// reader leaves to the YAML parser.
pub(crate) fn unusual(c: char) -> bool {
    let c = c as u32;
    // U+2028 and U+2029 are line breaks to the YAML parser.
    c < 0x20
        || (0x7f..=0x9f).contains(&c)
        || matches!(c, 0x2028 | 0x2029 | 0xfeff | 0xfffe | 0xffff)
}

/// Whether `line` is a YAML comment (`#` first) that the parser skips whole: one
/// holding a character it refuses, or one it reads as a line break (U+0085, U+2028,
/// U+2029) with a key after it, is left to the parser.
pub(crate) fn plain_comment(line: &str) -> bool {
    line.starts_with('#') && !line.chars().any(unusual)
}

/// A scalar quoted with `"` or `'`, closed on its line with nothing after it.
pub(crate) fn read_quoted(raw: &str) -> Option<String> {
    match raw.as_bytes().first()? {
        b'"' => double_quoted(raw),
        b'\'' => single_quoted(raw),
        _ => None,
    }
}

/// `"..."` closed on its line, with nothing after it.
fn double_quoted(raw: &str) -> Option<String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = &raw[1..];
    loop {
        // Runs of ordinary text are copied whole.
        let special = memchr::memchr2(b'"', b'\\', rest.as_bytes())?;
        let run = &rest[..special];
        if !printable_ascii(run.as_bytes()) && run.chars().any(unusual) {
            return None;
        }
        out.push_str(run);
        let mut chars = rest[special..].chars();
        if chars.next() == Some('"') {
            return chars.as_str().trim_matches(' ').is_empty().then_some(out);
        }
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| {
            let digits = chars.as_str().get(..n)?;
            let code = u32::from_str_radix(digits, 16).ok()?;
            *chars = chars.as_str()[n..].chars();
            // `from_str_radix` takes a sign, which YAML does not.
            digits
                .bytes()
                .all(|b| b.is_ascii_hexdigit())
                .then_some(())?;
            char::from_u32(code)
        };
        out.push(match chars.next()? {
            '"' => '"',
            '\\' => '\\',
            '/' => '/',
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(&mut chars, 2)?,
            'u' => hex(&mut chars, 4)?,
            'U' => hex(&mut chars, 8)?,
            _ => return None,
        });
        rest = chars.as_str();
    }
}

/// Whether every byte of `bytes` is printable ASCII (space to `~`). Folded without
/// stopping early, so that it is checked many bytes at a time.
fn printable_ascii(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .fold(true, |ok, &b| ok & (b.wrapping_sub(0x20) < 0x5f))
}

/// `'...'` closed on its line, with nothing after it; `''` is a quote.
fn single_quoted(raw: &str) -> Option<String> {
    let inner = &raw[1..];
    let mut out = String::with_capacity(inner.len());
    let mut rest = inner;
    loop {
        let end = rest.find('\'')?;
        out.push_str(&rest[..end]);
        rest = &rest[end + 1..];
        if let Some(after) = rest.strip_prefix('\'') {
            out.push('\'');
            rest = after;
        } else if rest.trim_matches(' ').is_empty() {
            return (!out.chars().any(unusual)).then_some(out);
        } else {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_ascii_is_space_to_tilde() {
        assert!(printable_ascii(b" az~09\"\\") && printable_ascii(b""));
        for b in [0x1f, 0x7f, 0x80, 0xff, b'\n'] {
            assert!(!printable_ascii(&[b'a', b]), "{b:#x}");
        }
    }

    #[test]
    fn finds_items_of_a_block_sequence() {
        let text = "comments:\n  - id: a\n    body: |\n      - not an item\n  - id: b\nother: 1\n";
        assert_eq!(sequence_item_lines(text, "comments"), vec![2, 5]);
    }

    #[test]
    fn finds_items_at_column_zero() {
        let text = "# c\ncomments:\n- id: a\n  parent: b\n- id: b\n";
        assert_eq!(sequence_item_lines(text, "comments"), vec![3, 5]);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(key_line_within(&lines, 3, 5, "parent"), Some(4));
        assert_eq!(key_line_within(&lines, 3, 5, "id"), Some(3));
        assert_eq!(key_line_within(&lines, 5, usize::MAX, "id"), Some(5));
        assert_eq!(key_line_within(&lines, 5, usize::MAX, "parent"), None);
    }

    #[test]
    fn error_lines_are_offset() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            a: u32,
        }
        let err = from_str_at::<T>("a: 1\nb: 2\n", Path::new("f.md"), 2).unwrap_err();
        assert_eq!(err.location.line, Some(3));
        assert_eq!(err.message, "unknown key `b`");
    }

    #[test]
    fn carriage_returns_do_not_push_lines_past_the_end() {
        // libyaml sees 5 lines here; the file has 2.
        let text = "a: 1\r\r\r\nb: [\r\r";
        let err = from_str_at::<serde_yaml::Value>(text, Path::new("f"), 1).unwrap_err();
        assert_eq!(err.location.line, Some(2));
        assert_eq!(newline_line("a\r\nb\rc\u{2028}d\ne", 5), 3);
    }

    #[test]
    fn a_second_document_points_at_its_marker() {
        let err =
            from_str_at::<serde_yaml::Value>("# c\n---\na: 1\n---\nb: 2\n", Path::new("f"), 2)
                .unwrap_err();
        assert_eq!(err.location.line, Some(5));
        assert_eq!(
            err.message,
            "a line holding only --- (or ...) starts a second YAML document here"
        );
    }

    #[test]
    fn unclosed_quote_points_at_its_start() {
        let err = from_str_at::<serde_yaml::Value>(
            "a:
  b: \"open\n",
            Path::new("f"),
            1,
        )
        .unwrap_err();
        assert_eq!(err.location.to_string(), "f:2:6");
        assert_eq!(err.message, "a quote opened here is never closed");
    }
    #[test]
    fn a_quote_closed_too_early_was_reported_one_line_early() {
        // libyaml adds "while parsing a block mapping at line 2": the mapping's start,
        // the line above the quote.
        let text = "comments:\n  - id: 1\n    author: 'O'Brien'\n";
        let err = from_str_at::<serde_yaml::Value>(text, Path::new("f"), 1).unwrap_err();
        assert_eq!(err.location.line, Some(3));
        assert_eq!(
            err.message,
            "a quoted value ends before the end of the line"
        );
    }

    #[test]
    fn quoted_and_block_scalars_read_back_exactly() {
        #[derive(serde::Deserialize)]
        struct T {
            a: String,
            b: String,
        }
        for text in [
            "plain",
            "\"quotes\" and \\ and: colons # hash",
            "tab\there\r\u{85}\u{2028}\u{1}\u{feff}",
            "not printed: \u{fffe} \u{ffff}\n",
            "<p>Γιάννης</p>\n\n  <pre>\n\tcode\n</pre>\n",
        ] {
            let block = literal_block(text, 2).unwrap_or_else(|| quoted(text));
            let doc = format!("a: {}\nb: {}", quoted(text), block);
            let t: T = from_str_at(&doc, Path::new("t"), 1).unwrap();
            assert_eq!(t.a, text);
            assert_eq!(t.b, text);
        }
        assert!(literal_block("a\n\nb\n", 4).is_some());
        assert!(literal_block(" lead\n", 4).is_none());
        assert!(literal_block("no newline", 4).is_none());
    }
}
