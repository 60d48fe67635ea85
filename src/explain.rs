//! The deserialiser's wording ("invalid type: string \"ten\", expected usize",
//! "unknown variant `Author`") turned into the user's: what is wrong with which key,
//! and what to write instead, with a did-you-mean for misspelt keys and values. YAML
//! and TOML share it: serde words their errors the same way.

/// Which syntax the user writes, for the examples in the advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Syntax {
    Yaml,
    Toml,
}

/// A problem said in the user's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Explained {
    pub message: String,
    pub help: String,
}

/// Explains a deserialiser message (positions already removed). YAML messages start
/// with the path of the value (`comments[0].role: `); for TOML, whose messages do
/// not, `key` is the key written on the line the error points at. `None` for
/// messages that are not about a value (syntax errors).
pub(crate) fn explain(message: &str, key: Option<&str>, syntax: Syntax) -> Option<Explained> {
    let (path, rest) = split_path(message);
    let key = path.map(last_key).or(key);
    let in_comment = path.is_some_and(|p| p.starts_with("comments["));
    if let Some(rest) = rest.strip_prefix("unknown field ") {
        let (field, expected) = quoted_and_expected(rest)?;
        let place = if in_comment { " in a comment" } else { "" };
        return Some(Explained {
            message: format!("unknown key `{field}`{place}"),
            help: match (
                other_generators_key(field, &expected),
                did_you_mean(field, &expected),
            ) {
                (Some(ours), _) => format!("rapport's key for this is `{ours}`"),
                (None, Some(near)) => format!("did you mean `{near}`? (keys are case-sensitive)"),
                (None, None) if expected.contains(&"extra") => format!(
                    "remove it, use one of {}, or keep a value of your own under extra, e.g. {}",
                    list(&expected),
                    match syntax {
                        Syntax::Yaml => format!("extra: {{{field}: …}}"),
                        Syntax::Toml =>
                            format!("{field} = … below a line [extra] at the end of the file"),
                    }
                ),
                (None, None) => format!("remove it, or use one of {}", list(&expected)),
            },
        });
    }
    if let Some(rest) = rest.strip_prefix("unknown variant ") {
        let (value, expected) = quoted_and_expected(rest)?;
        let key = key.unwrap_or("value");
        return Some(Explained {
            message: format!("{key} `{value}` is not one of {}", list(&expected)),
            help: match did_you_mean(value, &expected) {
                Some(near) => format!("did you mean `{near}`? ({})", assign(syntax, key, near)),
                None => format!(
                    "write one of them, e.g. {}",
                    assign(syntax, key, expected[0])
                ),
            },
        });
    }
    if let Some(rest) = rest.strip_prefix("missing field ") {
        let field = rest.trim_matches('`');
        let owner = if in_comment {
            "this comment"
        } else {
            "this file"
        };
        return Some(Explained {
            message: format!("{owner} has no `{field}`, which is required"),
            help: format!("add it, e.g. {}", assign(syntax, field, example(field))),
        });
    }
    if rest == "recursion limit exceeded" {
        return Some(Explained {
            message: "lists or tables in [ ] or { } nest too deep here".into(),
            help: "close the brackets that are left open; rapport's files never need more than a few levels".into(),
        });
    }
    if rest.starts_with("invalid date-time") {
        return Some(bad_toml_date(key.unwrap_or("date"), rest));
    }
    if let Some(rest) = rest.strip_prefix("duplicate field ") {
        let field = rest.trim_matches('`');
        return Some(duplicate(field));
    }
    let rest = rest
        .strip_prefix("invalid type: ")
        .or_else(|| rest.strip_prefix("invalid value: "))?;
    let (found, expected) = rest.rsplit_once(", expected ")?;
    Some(wrong_type(key, found, expected, syntax))
}

/// A TOML date the parser refuses: a month or day that does not exist
/// (`2015-02-30`), or digits missing (`2015-3-2`).
fn bad_toml_date(key: &str, message: &str) -> Explained {
    let (why, what) = if message.contains("out of range") {
        ("its month or day does not exist", "a day of the calendar")
    } else {
        ("it is not written YYYY-MM-DD", "two-digit months and days")
    };
    Explained {
        message: format!("{key} is not a valid date: {why}"),
        help: format!("write {what}, e.g. {key} = 2015-03-02 or {key} = 2015-03-02T10:15:00Z"),
    }
}

/// A key set twice in one block.
pub(crate) fn duplicate(key: &str) -> Explained {
    Explained {
        message: format!("`{key}` is set twice"),
        help: "keep one of the two lines".into(),
    }
}

/// The closest of `candidates` to `word`, if it is close enough to be a slip: the
/// same word in another case, or at most a third of its letters off.
pub(crate) fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let word = word.to_lowercase();
    let (distance, best) = candidates
        .iter()
        .map(|c| (strsim::damerau_levenshtein(&word, &c.to_lowercase()), *c))
        .min_by_key(|(d, _)| *d)?;
    (distance <= (word.chars().count() / 3).max(1)).then_some(best)
}

/// The key rapport uses for one that Jekyll, Hugo or Zola front matter has, when it
/// is one of the `expected` keys here.
fn other_generators_key<'a>(key: &str, expected: &[&'a str]) -> Option<&'a str> {
    let ours = match key {
        "layout" => "template",
        "keywords" => "tags",
        "category" => "categories",
        "description" | "excerpt" => "summary",
        "permalink" | "url" => "slug",
        "published" | "publishDate" | "pubDate" => "date",
        "lastmod" | "last_modified" | "modified" => "updated",
        _ => return None,
    };
    expected.iter().copied().find(|e| *e == ours)
}

/// `comments[0].role: unknown…` → (`comments[0].role`, `unknown…`).
fn split_path(message: &str) -> (Option<&str>, &str) {
    if let Some((path, rest)) = message.split_once(": ") {
        let is_path = !path.is_empty()
            && path
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '[' | ']'));
        if is_path {
            return (Some(path), rest);
        }
    }
    (None, message)
}

/// `comments[0].role` → `role`; `comments[0]` → `comments`.
fn last_key(path: &str) -> &str {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last)
}

/// "`Author`, expected one of `reader`, `author`" → ("Author", ["reader", "author"]).
fn quoted_and_expected(rest: &str) -> Option<(&str, Vec<&str>)> {
    let rest = rest.strip_prefix('`')?;
    let (word, rest) = rest.split_once('`')?;
    let expected = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|w| !w.is_empty())
        .collect();
    Some((word, expected))
}

/// `a`, `b` and `c`.
fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    match quoted.split_last() {
        None => "nothing".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// `key: value` or `key = value`.
fn assign(syntax: Syntax, key: &str, value: &str) -> String {
    match syntax {
        Syntax::Yaml => format!("{key}: {value}"),
        Syntax::Toml => format!("{key} = {value}"),
    }
}

/// A value to show in advice about a required key.
pub(crate) fn example(key: &str) -> &'static str {
    match key {
        "title" => "\"My blog\"",
        "base_url" => "\"https://example.org/\"",
        "id" => "\"7\"",
        _ => "\"…\"",
    }
}

/// A value of the wrong kind: `tags: rust, web`, `posts_per_page = "ten"`.
fn wrong_type(key: Option<&str>, found: &str, expected: &str, syntax: Syntax) -> Explained {
    let found_words = describe_found(found);
    let scalar = found_scalar(found);
    let Some(key) = key else {
        return Explained {
            message: format!("expected lines of `key: value` here, not {found_words}"),
            help: format!(
                "write each setting on its own line, e.g. {}",
                assign(syntax, "title", "My post")
            ),
        };
    };
    let (wanted, help) = match expected {
        "a sequence" => (
            "a list",
            match (syntax, scalar) {
                (Syntax::Yaml, Some(s)) => format!("write the items in brackets: {key}: [{s}]"),
                (Syntax::Toml, Some(s)) => {
                    format!("write the items in brackets: {key} = [{}]", quote_items(s))
                }
                (_, None) => format!(
                    "write the items in brackets, e.g. {}",
                    assign(syntax, key, "[a, b]")
                ),
            },
        ),
        "a boolean" => (
            "true or false",
            format!(
                "write {} or {}",
                assign(syntax, key, "true"),
                assign(syntax, key, "false")
            ),
        ),
        "a string" => (
            "text",
            format!(
                "put the value in double quotes, e.g. {}",
                assign(syntax, key, &format!("\"{}\"", scalar.unwrap_or("…")))
            ),
        ),
        e if is_integer(e) => {
            let number = scalar
                .filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()))
                .unwrap_or("10");
            (
                "a whole number",
                format!(
                    "write a number without quotes, e.g. {}",
                    assign(syntax, key, number)
                ),
            )
        }
        e if e.starts_with("struct ") || e == "a map" => (
            match syntax {
                Syntax::Yaml => "a block of `key: value` lines",
                Syntax::Toml => "a table",
            },
            match syntax {
                Syntax::Yaml => format!("write the keys on lines indented under {key}:"),
                Syntax::Toml => format!("write the keys under a line [{key}]"),
            },
        ),
        other => (other, format!("write {key} as {other}")),
    };
    Explained {
        message: format!("{key} must be {wanted}, not {found_words}"),
        help,
    }
}

fn is_integer(expected: &str) -> bool {
    matches!(
        expected,
        "usize" | "u64" | "u32" | "u16" | "u8" | "isize" | "i64" | "i32" | "an integer"
    ) || expected.starts_with("u64 ")
}

/// `string "ten"` → `"ten"`, `sequence` → `a list`.
fn describe_found(found: &str) -> String {
    match found {
        "sequence" => "a list".into(),
        "map" => "a block of keys".into(),
        "unit value" | "unit" => "nothing".into(),
        f => match found_scalar(f) {
            Some(s) if f.starts_with("string ") => format!("\"{s}\""),
            Some(s) => s.to_string(),
            None => f.to_string(),
        },
    }
}

/// The value of a scalar as serde quotes it: `string "ten"` → `ten`,
/// `integer `3`` → `3`.
fn found_scalar(found: &str) -> Option<&str> {
    if let Some(s) = found.strip_prefix("string \"") {
        return s.strip_suffix('"');
    }
    let (_, quoted) = found.split_once('`')?;
    quoted.strip_suffix('`')
}

/// `rust, web` → `"rust", "web"` (TOML strings need quotes).
fn quote_items(text: &str) -> String {
    text.split(',')
        .map(|s| format!("\"{}\"", s.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(message: &str, key: Option<&str>, syntax: Syntax) -> (String, String) {
        let e = explain(message, key, syntax).expect("explained");
        (e.message, e.help)
    }

    #[test]
    fn misspelt_keys_and_values_get_a_suggestion() {
        assert_eq!(
            said(
                "unknown field `titel`, expected one of `title`, `date`",
                None,
                Syntax::Yaml
            ),
            (
                "unknown key `titel`".into(),
                "did you mean `title`? (keys are case-sensitive)".into()
            )
        );
        assert_eq!(
            said(
                "comments[0].role: unknown variant `Author`, expected one of `reader`, `author`, `mention`",
                None,
                Syntax::Yaml
            ),
            (
                "role `Author` is not one of `reader`, `author` or `mention`".into(),
                "did you mean `author`? (role: author)".into()
            )
        );
        assert_eq!(did_you_mean("xyz", &["title", "date"]), None);
        assert_eq!(
            did_you_mean("comment", &["title", "comments"]),
            Some("comments")
        );
    }

    #[test]
    fn wrong_kinds_of_value_say_what_to_write() {
        assert_eq!(
            said(
                "tags: invalid type: string \"rust, web\", expected a sequence",
                None,
                Syntax::Yaml
            ),
            (
                "tags must be a list, not \"rust, web\"".into(),
                "write the items in brackets: tags: [rust, web]".into()
            )
        );
        assert_eq!(
            said(
                "invalid type: string \"ten\", expected usize",
                Some("posts_per_page"),
                Syntax::Toml
            ),
            (
                "posts_per_page must be a whole number, not \"ten\"".into(),
                "write a number without quotes, e.g. posts_per_page = 10".into()
            )
        );
        assert_eq!(
            explain(
                "mapping values are not allowed in this context",
                None,
                Syntax::Yaml
            ),
            None
        );
    }
}
