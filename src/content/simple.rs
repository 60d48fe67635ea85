//! A reader for YAML front matter in the plain shape that the importer writes and most
//! people copy: one `key: value` a line, text quoted, a date quoted or plain, a list
//! as `["a", "b"]` or as `- "a"` items on the lines below, `true` or `false`. The YAML
//! parser reads front matter a character at a time, 57,000 instructions a post (3 %
//! of a 1,000-post build); this reads it a line at a time. Whatever it is not certain
//! to read exactly as YAML does (plain text, flow items with escapes, anchors, YAML
//! comments after a value or holding what YAML reads as a line break, `id`, `extra`,
//! a repeated or unknown key) makes it give up, and the YAML parser reads the front
//! matter or says what is wrong.

use super::front_matter::FrontMatter;
use crate::yaml::{plain_comment, read_quoted};

/// The keys this reader takes, each once.
const KEYS: [&str; 12] = [
    "title",
    "date",
    "updated",
    "tags",
    "categories",
    "draft",
    "summary",
    "slug",
    "aliases",
    "template",
    "syndication",
    "toc",
];

/// The front matter in `text` (between the fences), or `None` when it is not in the
/// plain shape.
pub(super) fn parse(text: &str) -> Option<FrontMatter> {
    if memchr::memchr(b'\r', text.as_bytes()).is_some() || text.starts_with('\u{feff}') {
        return None;
    }
    let mut fm = FrontMatter::default();
    let mut seen = [false; KEYS.len()];
    let mut lines = text.split('\n').peekable();
    while let Some(line) = lines.next() {
        if line.trim_start_matches(' ').is_empty() || plain_comment(line) {
            continue;
        }
        let colon = memchr::memchr(b':', line.as_bytes())?;
        let (key, rest) = (&line[..colon], &line[colon + 1..]);
        if !rest.is_empty() && !rest.starts_with(' ') {
            return None;
        }
        let value = rest.trim_matches(' ');
        let at = KEYS.iter().position(|k| *k == key)?;
        if std::mem::replace(&mut seen[at], true) {
            return None;
        }
        match key {
            "title" => fm.title = Some(read_quoted(value)?),
            "summary" => fm.summary = Some(read_quoted(value)?),
            "slug" => fm.slug = Some(read_quoted(value)?),
            "template" => fm.template = Some(read_quoted(value)?),
            "date" => fm.date = Some(date(value)?),
            "updated" => fm.updated = Some(date(value)?),
            "draft" => fm.draft = boolean(value)?,
            "toc" => fm.toc = boolean(value)?,
            "tags" => fm.tags = list(value, &mut lines)?,
            "categories" => fm.categories = list(value, &mut lines)?,
            "aliases" => fm.aliases = list(value, &mut lines)?,
            "syndication" => fm.syndication = list(value, &mut lines)?,
            _ => return None,
        }
    }
    Some(fm)
}

/// A date quoted, or plain as dates are written (`2015-03-02T10:15:00Z`): what YAML
/// reads as that text, never as a number.
fn date(value: &str) -> Option<String> {
    if value.starts_with(['"', '\'']) {
        return read_quoted(value);
    }
    let bytes = value.as_bytes();
    let date_like = bytes.len() >= 10
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && (bytes.iter()).all(|b| b.is_ascii_digit() || b"-:.+TZtz".contains(b))
        // A plain value ending in `:` is a key to YAML.
        && bytes.last().is_some_and(|b| b.is_ascii_digit() || b"Zz".contains(b));
    date_like.then(|| value.to_string())
}

fn boolean(value: &str) -> Option<bool> {
    match value {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// A list: `[...]` on the key's line, or (nothing after the key) one `- ` item a line
/// below it, all at one indentation. Its items are quoted.
fn list<'a>(
    value: &str,
    lines: &mut std::iter::Peekable<impl Iterator<Item = &'a str>>,
) -> Option<Vec<String>> {
    if let Some(inner) = value.strip_prefix('[') {
        return flow_items(inner.strip_suffix(']')?);
    }
    if !value.is_empty() {
        return None;
    }
    let mut items = Vec::new();
    let mut indent = None;
    while let Some(line) = lines.peek() {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let Some(item) = line[spaces..].strip_prefix("- ") else {
            break;
        };
        if *indent.get_or_insert(spaces) != spaces {
            return None;
        }
        items.push(read_quoted(item.trim_matches(' '))?);
        lines.next();
    }
    // `tags:` alone is null to YAML, not an empty list.
    (!items.is_empty()).then_some(items)
}

/// The items of `["a", 'b']` between the brackets, each quoted without escapes.
fn flow_items(mut rest: &str) -> Option<Vec<String>> {
    let mut items = Vec::new();
    loop {
        rest = rest.trim_start_matches(' ');
        if rest.is_empty() && items.is_empty() {
            return Some(items);
        }
        let quote = *rest.as_bytes().first()?;
        if quote != b'"' && quote != b'\'' {
            return None;
        }
        let end = 1 + memchr::memchr2(quote, b'\\', &rest.as_bytes()[1..])?;
        if rest.as_bytes()[end] != quote || rest.as_bytes().get(end + 1) == Some(&quote) {
            return None;
        }
        items.push(read_quoted(&rest[..=end])?);
        rest = rest[end + 1..].trim_start_matches(' ');
        match rest.strip_prefix(',') {
            Some(after) if !after.trim_start_matches(' ').is_empty() => rest = after,
            Some(_) => return None,
            None if rest.is_empty() => return Some(items),
            None => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::yaml;

    /// What this reader makes of `text`, which the YAML parser must read the same.
    fn read(text: &str) -> Option<FrontMatter> {
        let quick = parse(text)?;
        let by_yaml: Option<FrontMatter> = yaml::from_str_at(text, Path::new("p.md"), 2).ok();
        assert_eq!(Some(&quick), by_yaml.as_ref(), "{text:?}");
        Some(quick)
    }

    #[test]
    fn reads_what_an_import_writes() {
        let fm = read(
            "title: \"Fiona \\\"F\\\" O'Neil — été\"\ndate: 2015-03-02T10:15:00Z\ndraft: true\ntags:\n  - \"a b\"\n  - \"c\"\ncategories:\n- 'x'\naliases:\n  - \"/2012/01/03/hello/\"\nsummary: \"Short.\"\n",
        )
        .unwrap();
        assert_eq!(fm.title.as_deref(), Some("Fiona \"F\" O'Neil — été"));
        assert_eq!(fm.tags, ["a b", "c"]);
        assert_eq!(fm.categories, ["x"]);
        assert!(fm.draft);
    }

    #[test]
    fn reads_flow_lists_and_quoted_dates() {
        let fm = read(
            "# a comment\ntitle: 'It''s'\n\ndate: \"2010-01-06\"\nupdated: 2010-01-07 \ntags: [\"cooking\", 'physics',\"markdown\" ]\naliases: []\nsyndication: [\"https://m.example/@a/1\"]\ntoc: false\nslug: \"s\"\ntemplate: \"t.html\"\n",
        )
        .unwrap();
        assert_eq!(fm.tags, ["cooking", "physics", "markdown"]);
        assert_eq!(fm.title.as_deref(), Some("It's"));
        assert_eq!(fm.updated.as_deref(), Some("2010-01-07"));
    }

    #[test]
    fn leaves_what_it_is_not_sure_of_to_the_yaml_parser() {
        for text in [
            "title: plain words\n",
            "title: \"a\" # comment\n",
            "title: \"a\"\ntitle: \"b\"\n",
            "id: \"7\"\n",
            "extra:\n  a: 1\n",
            "colour: \"red\"\n",
            "date: 2015\n",
            "date: 2015-03-02 10:15\n",
            "date: 2015-03-02T10:\n",
            "draft: yes\n",
            "tags:\n",
            "tags: [a, b]\n",
            "tags: [\"a\",]\n",
            "tags: [\"a\\\"b\"]\n",
            "tags: [\"a\" \"b\"]\n",
            "tags:\n  - \"a\"\n    - \"b\"\n",
            "tags:\n  - a\n",
            "tags: \"a\"\n",
            "title: &x \"a\"\n",
            "title:\t\"a\"\n",
            "title: \"a\"\r\n",
            "title: \"a\n  b\"\n",
            " title: \"a\"\n",
            "title: \"\u{1}\"\n",
            // Line breaks to YAML, and characters it refuses, in a comment.
            "title: \"T\"\n# note\u{85}draft: true\n",
            "# a\u{2028}slug: \"other\"\ntitle: \"T\"\n",
            "# a\u{2029}tags: [\"x\"]\n",
            "# c \u{1}\ntitle: \"T\"\n",
            "title: \"T\"\n# c \u{7f}\n",
        ] {
            assert!(parse(text).is_none(), "{text:?}");
        }
    }

    proptest::proptest! {
        // Most texts drawn are not in the plain shape: enough cases that many are.
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(1024))]
        #[test]
        fn what_it_reads_the_yaml_parser_reads_the_same(
            keys in proptest::sample::subsequence(KEYS.to_vec(), 0..=KEYS.len()),
            texts in proptest::collection::vec(
                "\"[a-zé '#:,\\[\\]-]{0,8}\"|\"[a-z]{0,3}\\\\[\"nt\\\\x]\"|'[a-z '\"#:-]{0,6}'|[a-z ]{1,5}",
                KEYS.len(),
            ),
            dates in proptest::collection::vec("[0-9]{4}-[0-9T:Z+.-]{0,12}|\"2015-03-02\"|2015", KEYS.len()),
            flags in proptest::collection::vec("true|false|yes|null", KEYS.len()),
            lists in proptest::collection::vec(
                "\\[( ?\"[a-z ,]{0,4}\" ?,){0,2}( ?'[a-z]{0,4}')?\\]|\n(  - \"[a-z ]{0,4}\"\n){1,3}|\n(- '[a-z]{0,3}'\n){0,2}|\\[a\\]",
                KEYS.len(),
            ),
        ) {
            let mut text = String::new();
            for (i, key) in keys.iter().enumerate() {
                let value = match *key {
                    "date" | "updated" => &dates[i],
                    "draft" | "toc" => &flags[i],
                    "tags" | "categories" | "aliases" | "syndication" => &lists[i],
                    _ => &texts[i],
                };
                let gap = if value.starts_with('\n') { "" } else { " " };
                text.push_str(&format!("{key}:{gap}{value}\n"));
            }
            read(&text);
        }
    }
}
