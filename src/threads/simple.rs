//! A reader for thread files in the plain shape that imports write and most people
//! copy: `comments:`, then one `- key: value` item per comment, each value quoted,
//! plain or a `|` block on its own lines. The YAML parser reads such files a
//! character at a time and was a third of a big site's build; this reads them a line
//! at a time. Whatever it is not certain to read exactly as YAML does (flow
//! collections, anchors, YAML comments after items, unusual escapes, a plain value
//! YAML could take for a number, a boolean or null, an unknown or repeated key) makes
//! it give up, and the file goes to the YAML parser, which reads it or says what is
//! wrong.

use crate::threads::load::{RawComment, RawThread};
use crate::threads::{Role, State};
use crate::yaml::{plain_comment, read_quoted, unusual};

/// The thread in `text` and the line of each of its comments (as
/// `yaml::sequence_item_lines` finds them), or `None` when the file is not in the
/// plain shape.
pub(super) fn parse(text: &str) -> Option<(RawThread, Vec<usize>)> {
    if memchr::memchr(b'\r', text.as_bytes()).is_some() || text.starts_with('\u{feff}') {
        return None;
    }
    let mut lines = Lines::new(text);
    // YAML comments and blank lines may precede the key.
    while let Some(line) = lines.peek() {
        if line.trim().is_empty() || plain_comment(line) {
            lines.next();
        } else {
            break;
        }
    }
    match lines.next()?.trim_end_matches(' ') {
        "comments:" => {}
        "comments: []" => {
            let empty = RawThread {
                reactions: Default::default(),
                comments: vec![],
            };
            return lines.all_blank().then_some((empty, vec![]));
        }
        _ => return None,
    }
    let (mut comments, mut at) = (Vec::new(), Vec::new());
    let mut indent = None;
    loop {
        lines.skip_blank();
        let Some(line) = lines.next() else { break };
        let dash = line.len() - line.trim_start_matches(' ').len();
        if *indent.get_or_insert(dash) != dash || !line[dash..].starts_with("- ") {
            return None;
        }
        at.push(lines.taken);
        comments.push(item(&mut lines, &line[dash + 2..], dash + 2)?);
    }
    // `comments:` with nothing under it is null to YAML, which the YAML parser reports.
    let thread = RawThread {
        reactions: Default::default(),
        comments,
    };
    (!thread.comments.is_empty()).then_some((thread, at))
}

/// One comment: its first key is on the item's line (`first`), the others on the
/// lines below at column `column`.
fn item(lines: &mut Lines<'_>, first: &str, column: usize) -> Option<RawComment> {
    let mut fields = Fields::default();
    fields.set(lines, first, column)?;
    while let Some(line) = lines.peek_content() {
        let at = line.len() - line.trim_start_matches(' ').len();
        if at != column {
            // The next item, or a shape this reader does not know.
            if at + 2 == column && line[at..].starts_with("- ") {
                break;
            }
            return None;
        }
        lines.skip_blank();
        let line = lines.next()?;
        fields.set(lines, &line[column..], column)?;
    }
    fields.into_comment()
}

/// The keys of one comment as they are read.
#[derive(Default)]
struct Fields {
    id: Option<String>,
    parent: Option<String>,
    replied_to: Option<String>,
    author: Option<String>,
    url: Option<String>,
    date: Option<String>,
    role: Option<Role>,
    body: Option<String>,
    source: Option<String>,
    via: Option<String>,
    state: Option<State>,
    warning: Option<String>,
    edited: Option<String>,
}

impl Fields {
    /// Reads `key: value` (and a block value's lines below it); `None` for an
    /// unknown or repeated key or a value this reader does not take.
    fn set(&mut self, lines: &mut Lines<'_>, text: &str, column: usize) -> Option<()> {
        let colon = memchr::memchr(b':', text.as_bytes())?;
        let (key, rest) = (&text[..colon], &text[colon + 1..]);
        if !rest.is_empty() && !rest.starts_with(' ') {
            return None;
        }
        let value = value(lines, rest.trim_matches(' '), column)?;
        let slot = match key {
            "id" => &mut self.id,
            "parent" => &mut self.parent,
            "replied_to" => &mut self.replied_to,
            "author" => &mut self.author,
            "url" => &mut self.url,
            "date" => &mut self.date,
            "body" => &mut self.body,
            "source" => &mut self.source,
            "via" => &mut self.via,
            "warning" => &mut self.warning,
            "edited" => &mut self.edited,
            "state" => {
                let state = match value.text.as_str() {
                    "published" => State::Published,
                    "withdrawn" => State::Withdrawn,
                    "pending" => State::Pending,
                    "rejected" => State::Rejected,
                    _ => return None,
                };
                return self.state.replace(state).is_none().then_some(());
            }
            "role" => {
                let role = match value.text.as_str() {
                    "reader" => Role::Reader,
                    "author" => Role::Author,
                    "mention" => Role::Mention,
                    _ => return None,
                };
                return self.role.replace(role).is_none().then_some(());
            }
            _ => return None,
        };
        let is_id = matches!(key, "id" | "parent" | "replied_to");
        if value.plain && !plain_reads_as_text(&value.text, is_id) {
            return None;
        }
        slot.replace(value.text).is_none().then_some(())
    }

    fn into_comment(self) -> Option<RawComment> {
        Some(RawComment {
            id: self.id?,
            parent: self.parent,
            replied_to: self.replied_to,
            author: self.author,
            url: self.url,
            date: self.date,
            role: self.role.unwrap_or_default(),
            body: self.body.unwrap_or_default(),
            source: self.source,
            via: self.via,
            state: self.state.unwrap_or_default(),
            warning: self.warning,
            edited: self.edited,
        })
    }
}

/// A scalar as read, and whether it was written plain (unquoted).
struct Value {
    text: String,
    plain: bool,
}

/// The value after `key:`; a `|` block takes the lines below, indented past `column`.
fn value(lines: &mut Lines<'_>, raw: &str, column: usize) -> Option<Value> {
    let quoted = |text| Some(Value { text, plain: false });
    match raw.as_bytes().first()? {
        b'"' | b'\'' => quoted(read_quoted(raw)?),
        b'|' => quoted(literal_block(lines, &raw[1..], column)?),
        _ => Some(Value {
            text: plain(raw)?.to_string(),
            plain: true,
        }),
    }
}

/// A plain scalar written with letters, digits, spaces and a few marks only, not
/// starting with a YAML indicator and holding no `: ` or ` #`.
fn plain(raw: &str) -> Option<&str> {
    let allowed = |c: char| {
        c.is_alphanumeric()
            || matches!(
                c,
                ' ' | '-'
                    | '_'
                    | '.'
                    | ':'
                    | '+'
                    | '/'
                    | '@'
                    | ','
                    | '('
                    | ')'
                    | '!'
                    | '?'
                    | '\''
                    | '='
                    | '&'
                    | '%'
                    | '~'
                    | ';'
            )
    };
    let starts_well = raw.starts_with(|c: char| c.is_alphanumeric());
    let holds = |pair: &[u8]| raw.as_bytes().windows(2).any(|w| w == pair);
    (starts_well
        && raw.chars().all(allowed)
        && !holds(b": ")
        && !raw.ends_with(':')
        && !holds(b" #"))
    .then_some(raw)
}

/// Whether YAML reads the plain scalar `text` as the same text: not null, a boolean
/// or a number. An id may be a whole number, which reads as its digits.
fn plain_reads_as_text(text: &str, is_id: bool) -> bool {
    let special = [
        "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf",
    ];
    if special.iter().any(|s| s.eq_ignore_ascii_case(text)) {
        return false;
    }
    if text.starts_with(|c: char| c.is_ascii_digit()) {
        let canonical_number =
            text == "0" || (!text.starts_with('0') && text.bytes().all(|b| b.is_ascii_digit()));
        if is_id && canonical_number && text.len() < 20 {
            return true;
        }
        // Dates (`2015-03-02T10:15:00Z`) read as text; other numbers do not.
        let date_like = text.len() >= 10
            && text.as_bytes()[..4].iter().all(u8::is_ascii_digit)
            && text.as_bytes()[4] == b'-';
        return date_like;
    }
    true
}

/// A `|` (keep one final line break) or `|-` (none) block whose lines are indented
/// past `column`, at the indentation of its first line.
fn literal_block(lines: &mut Lines<'_>, header: &str, column: usize) -> Option<String> {
    let strip = match header.trim_end_matches(' ') {
        "" => false,
        "-" => true,
        _ => return None,
    };
    let mut indent = None;
    let mut body: Vec<&str> = Vec::new();
    while let Some(line) = lines.peek() {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        if line[spaces..].starts_with('\t') && indent.is_none_or(|n| spaces < n) {
            return None;
        }
        if spaces == line.len() {
            // A blank line with spaces past the block's indentation is text to YAML,
            // or an error before the first line: left to the YAML parser.
            if spaces > indent.unwrap_or(0) {
                return None;
            }
            body.push("");
            lines.next();
            continue;
        }
        let n = *indent.get_or_insert(spaces);
        if spaces <= column || spaces < n {
            break;
        }
        body.push(&line[n..]);
        lines.next();
    }
    indent?;
    while body.last() == Some(&"") {
        body.pop();
    }
    let mut text = body.join("\n");
    if text.chars().any(|c| c != '\t' && c != '\n' && unusual(c)) {
        return None;
    }
    if !strip && !text.is_empty() {
        text.push('\n');
    }
    Some(text)
}

/// The lines of a file, with a look at the next one.
struct Lines<'a> {
    rest: std::iter::Peekable<LineSplit<'a>>,
    /// How many lines were taken: the 1-based line of the last one.
    taken: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Lines {
            rest: LineSplit(Some(text.strip_suffix('\n').unwrap_or(text))).peekable(),
            taken: 0,
        }
    }

    fn peek(&mut self) -> Option<&'a str> {
        self.rest.peek().copied()
    }

    fn next(&mut self) -> Option<&'a str> {
        let line = self.rest.next()?;
        self.taken += 1;
        Some(line)
    }

    fn skip_blank(&mut self) {
        while self
            .peek()
            .is_some_and(|l| l.trim_start_matches(' ').is_empty())
        {
            self.next();
        }
    }

    /// The next line that is not blank, without taking anything. Looked at through
    /// `peek` first, which keeps the line for the `next` that takes it: a copy of the
    /// lines alone would find every line's end a second time.
    fn peek_content(&mut self) -> Option<&'a str> {
        let blank = |l: &str| l.trim_start_matches(' ').is_empty();
        match self.peek() {
            Some(line) if blank(line) => self.rest.clone().find(|l| !blank(l)),
            next => next,
        }
    }

    fn all_blank(&mut self) -> bool {
        self.rest.all(|l| l.trim().is_empty())
    }
}

/// `text.split('\n')`, each line's end found by `memchr`: the standard library's
/// search for a character was a sixth of reading a thread.
#[derive(Clone)]
struct LineSplit<'a>(Option<&'a str>);

impl<'a> Iterator for LineSplit<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let rest = self.0?;
        match memchr::memchr(b'\n', rest.as_bytes()) {
            Some(end) => {
                self.0 = Some(&rest[end + 1..]);
                Some(&rest[..end])
            }
            None => self.0.take(),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::yaml;

    fn by_yaml(text: &str) -> Option<Vec<RawComment>> {
        yaml::from_str_at::<RawThread>(text, Path::new("t.comments.yaml"), 1)
            .ok()
            .map(|t| t.comments)
    }

    /// What this reader makes of `text`, which the YAML parser must read the same.
    fn read(text: &str) -> Option<Vec<RawComment>> {
        let (quick, at) = parse(text)?;
        assert_eq!(Some(&quick.comments), by_yaml(text).as_ref(), "{text:?}");
        assert_eq!(at, yaml::sequence_item_lines(text, "comments"), "{text:?}");
        Some(quick.comments)
    }

    #[test]
    fn lines_are_split_as_split_splits_them() {
        for text in ["", "a", "a\n", "\n", "\n\n", "a\nb", "a\n\nbé\n\n"] {
            let split: Vec<&str> = text.split('\n').collect();
            assert_eq!(LineSplit(Some(text)).collect::<Vec<_>>(), split, "{text:?}");
        }
    }

    #[test]
    fn reads_what_an_import_writes() {
        let body =
            "Hi *there*,\n\n    code\n\tTabbed \"quotes\" and 'apostrophes': # not a comment\n";
        let text = format!(
            "# kept\ncomments:\n  - id: {}\n    author: {}\n    url: https://x.example/a?b=1\n    date: 2015-03-02T10:15:00Z\n    role: author\n    body: {}\n  - id: 7\n    parent: \"c1\"\n    body: {}\n",
            yaml::quoted("c1"),
            yaml::quoted("Fiona \"F\" O'Neil"),
            yaml::literal_block(body, 6).unwrap().trim_end(),
            yaml::quoted("line\u{2028}sep\u{1}\\ done \u{feff}"),
        );
        let comments = read(&text).expect("the plain shape");
        assert_eq!(comments[0].body, body);
        assert_eq!(comments[0].role, Role::Author);
        assert_eq!(comments[1].id, "7");
    }

    #[test]
    fn leaves_other_shapes_to_the_yaml_parser() {
        for text in [
            "comments:\n  - id: 1\n    author: yes\n",
            "comments:\n  - id: 01\n",
            "comments:\n  - id: 1.0\n",
            "comments:\n  - id: 1\n    body: >\n      folded\n",
            "comments:\n  - id: 1\n    body: \"two\n      lines\"\n",
            "comments:\n  - id: 1\n    author: Sven\n      Zimmermann\n",
            "comments:\n  - id: 1\n    body: hi # a comment\n",
            "comments:\n  - id: 1\n    body: \"a\\ b\"\n",
            "comments:\n  - {id: 1}\n",
            "comments:\n  - id: &a 1\n",
            "comments:\n  - id: 1\n    id: 2\n",
            "comments:\n  - id: 1\n    athor: x\n",
            "comments:\n  - id: 1\n    role: admin\n",
            "comments:\n  - id: 1\n    parent:\n",
            "comments:\n  - id: 1\n  # between\n  - id: 2\n",
            "comments:\r\n  - id: 1\r\n",
            "comments:\n",
            "---\ncomments: []\n",
            "- id: 1\n",
            "comments:\n  - id: 1\nreactions:\n  likes: [a]\n",
            "# a\u{85}reactions: {}\ncomments:\n  - id: 1\n",
            "# c \u{1}\ncomments:\n  - id: 1\n",
        ] {
            assert!(parse(text).is_none(), "{text:?}");
        }
    }

    /// Pieces of values that YAML reads in different ways.
    const VALUES: &[&str] = &[
        "c1",
        "1",
        "0",
        "01",
        "1.5",
        "0x1F",
        "true",
        "No",
        "null",
        "~",
        "Sven Zimmermann",
        "2019-09-20T17:46:00Z",
        "2019",
        "http://x.example/a",
        "a: b",
        "a #b",
        "a:",
        "author",
        "mention",
        "withdrawn",
        "published",
        "\"q\"",
        "a=b&c%d~e;f",
        "\"a\\\"b\\\\c\\n\\t\\x41\\u00e9\\U0001F600\\L\\/\"",
        "\"\\e\"",
        "\"open",
        "'it''s'",
        "'a' b",
        "|",
        "|-",
        "|+",
        ">",
        "[1]",
        "{}",
        "&a x",
        "*a",
        "é",
        "\u{2028}",
        "\"\u{85}\"",
        "\"tab\there\"",
        " ",
        "\n",
        "\n      text",
        "\n        more",
        "\n    ",
        "\n\n",
        "\n  x: 1",
        "\n      # hash",
        " # c",
        "!t x",
        "'",
        "\"",
    ];
    const KEYS: &[&str] = &[
        "id",
        "id",
        "parent",
        "replied_to",
        "author",
        "url",
        "date",
        "role",
        "body",
        "body",
        "source",
        "via",
        "state",
        "warning",
        "edited",
        "bogus",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]
        /// Whatever this reader takes, it reads as the YAML parser does.
        #[test]
        fn reads_as_the_yaml_parser_does(
            indent in 0..3usize,
            items in proptest::collection::vec(
                proptest::collection::vec(
                    (0..KEYS.len(), proptest::collection::vec(0..VALUES.len(), 1..4)),
                    1..5,
                ),
                1..4,
            )
        ) {
            let pad = " ".repeat(indent * 2);
            let mut text = String::from("comments:\n");
            for keys in &items {
                for (n, (key, values)) in keys.iter().enumerate() {
                    let lead = if n == 0 { format!("{pad}- ") } else { format!("{pad}  ") };
                    let value: String = values.iter().map(|&v| VALUES[v]).collect();
                    text.push_str(&format!("{lead}{}: {value}\n", KEYS[*key]));
                }
            }
            read(&text);
        }
    }
}
