//! Text for the terminal. Titles, names and comments come from readers and imported
//! exports; printed raw, an escape sequence among them (`ESC ] 0 ; … BEL` renames the
//! window, `ESC [ 2 K` erases the line) would drive the terminal of whoever runs
//! rapport. Everything the command line prints goes through `printable`.

use std::borrow::Cow;

/// Whether `c` is shown as an escape rather than sent: every control character (C0,
/// DEL, C1) except the newline and tab that lay out the output.
fn escaped_on_terminal(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// `text` with each control character written visibly as Rust writes it (`\u{1b}`,
/// `\r`); borrowed when there is none.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(escaped_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if escaped_on_terminal(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `text` as one item of a line (a file's name): `printable`, and its newlines and
/// tabs written as `\n` and `\t`, which would otherwise fake a line of output.
pub fn one_line(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\t']) {
        return printable(text);
    }
    Cow::Owned(printable(&text.replace('\n', "\\n").replace('\t', "\\t")).into_owned())
}

/// JSON for the terminal: serde_json escapes C0 controls but writes DEL and C1
/// controls raw, and `printable`'s `\u{9b}` is no JSON escape, so those become
/// `\u009b`, which keeps the document valid. They occur only inside strings.
pub fn printable_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(escaped_on_terminal) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if escaped_on_terminal(c) {
            out.push_str(&format!("\\u{:04x}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_become_visible() {
        assert_eq!(
            printable("Eve\u{1b}]0;PWNED\u{7}\u{1b}[2K\r\u{7f}\u{9b}"),
            "Eve\\u{1b}]0;PWNED\\u{7}\\u{1b}[2K\\r\\u{7f}\\u{9b}"
        );
        assert!(matches!(printable("a\tb\nc é"), Cow::Borrowed("a\tb\nc é")));
    }

    #[test]
    fn a_name_stays_on_its_line() {
        assert_eq!(
            one_line("x\n    No problems found\t\u{1b}.md"),
            "x\\n    No problems found\\t\\u{1b}.md"
        );
        assert!(matches!(one_line("café.md"), Cow::Borrowed("café.md")));
    }

    #[test]
    fn json_keeps_valid_escapes() {
        assert_eq!(
            printable_json("[\"a\u{7f}\u{9b}b\"]"),
            "[\"a\\u007f\\u009bb\"]"
        );
    }
}
