//! Reading a thread file and validating it: unknown keys, bad dates, duplicate ids,
//! unknown parents and reply cycles are all reported, each at the line of the comment
//! it is about, so `check` can list every problem at once.

use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::dates;
use crate::error::{text_of, Diagnostic, Error, Location};
use crate::limits;
use crate::render::escape;
use crate::threads::{simple, Comment, Reactions, Role, State, Thread};
use crate::yaml;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawThread {
    #[serde(default)]
    pub(super) reactions: Reactions,
    #[serde(default)]
    pub(super) comments: Vec<RawComment>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawComment {
    #[serde(deserialize_with = "id_text")]
    pub(super) id: String,
    #[serde(default, deserialize_with = "optional_id_text")]
    pub(super) parent: Option<String>,
    #[serde(default, deserialize_with = "optional_id_text")]
    pub(super) replied_to: Option<String>,
    pub(super) author: Option<String>,
    pub(super) url: Option<String>,
    pub(super) date: Option<String>,
    #[serde(default)]
    pub(super) role: Role,
    #[serde(default)]
    pub(super) body: String,
    pub(super) source: Option<String>,
    pub(super) via: Option<String>,
    #[serde(default)]
    pub(super) state: State,
    pub(super) warning: Option<String>,
    pub(super) edited: Option<String>,
}

/// Ids are text, but `id: 3` (unquoted) is what people write.
#[derive(Deserialize)]
#[serde(untagged)]
enum IdValue {
    Text(String),
    Number(u64),
}

fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match IdValue::deserialize(d)? {
        IdValue::Text(s) => s,
        IdValue::Number(n) => n.to_string(),
    })
}

fn optional_id_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Option::<IdValue>::deserialize(d)?.map(|v| match v {
        IdValue::Text(s) => s,
        IdValue::Number(n) => n.to_string(),
    }))
}

/// Reads and validates the thread file at `root/path`.
pub fn load_thread(root: &Path, path: &Path) -> Result<Thread, Vec<Diagnostic>> {
    let full = root.join(path);
    let bytes = limits::read_thread_file(&full).map_err(|e| vec![e.diagnostic(path, &full)])?;
    let text = text_of(path, bytes).map_err(|e| match e {
        Error::Content(ds) => ds,
        other => vec![Diagnostic::new(
            Location::new(path, None),
            other.to_string(),
            "check the file's permissions",
        )],
    })?;
    parse_thread(&text, path)
}

/// Parses and validates the text of a thread file at `path`.
pub fn parse_thread(text: &str, path: &Path) -> Result<Thread, Vec<Diagnostic>> {
    let too_many = |count: usize, line: usize| {
        limits::too_many_comments(count).map(|problem| {
            vec![Diagnostic::new(
                Location::new(path, Some(line)),
                problem.message,
                problem.help,
            )]
        })
    };
    let first_too_many = |items: &[usize]| items.get(limits::MAX_COMMENTS).copied();
    let (raw, item_lines): (RawThread, Vec<usize>) = if text.trim().is_empty() {
        let empty = RawThread {
            reactions: Reactions::default(),
            comments: Vec::new(),
        };
        (empty, Vec::new())
    } else if let Some(read) = simple::parse(text) {
        read
    } else {
        // Counted before parsing, so a huge file is refused before the YAML parser
        // takes memory for it.
        let items = yaml::sequence_item_lines(text, "comments");
        if let Some(problems) = too_many(items.len(), first_too_many(&items).unwrap_or(1)) {
            return Err(problems);
        }
        let raw = yaml::from_str_at(text, path, 1)
            .map_err(|d| vec![bare_list(text, path).unwrap_or(d)])?;
        (raw, items)
    };
    let line = first_too_many(&item_lines).unwrap_or(1);
    if let Some(problems) = too_many(raw.comments.len(), line) {
        return Err(problems);
    }
    // Split only to point at a key, on a problem.
    let lines: std::cell::OnceCell<Vec<&str>> = std::cell::OnceCell::new();
    let line_of = |i: usize| item_lines.get(i).copied().unwrap_or(1);
    let end_of = |i: usize| item_lines.get(i + 1).copied().unwrap_or(usize::MAX);
    let key_at = |i: usize, key: &str| {
        let lines = lines.get_or_init(|| text.lines().collect());
        yaml::key_line_within(lines, line_of(i), end_of(i), key).unwrap_or(line_of(i))
    };

    let mut problems = Vec::new();
    let mut comments = Vec::with_capacity(raw.comments.len());
    for (i, c) in raw.comments.into_iter().enumerate() {
        let mut date_at = |key: &str, value: Option<&str>| match value.map(dates::parse) {
            Some(Err(msg)) => {
                problems.push(Diagnostic::new(
                    Location::new(path, Some(key_at(i, key))),
                    format!("comment {:?}: {msg}", c.id),
                    "write the date as RFC 3339, e.g. 2015-03-02T10:15:00Z, or remove it",
                ));
                None
            }
            Some(Ok(d)) => Some(d),
            None => None,
        };
        let date = date_at("date", c.date.as_deref());
        let edited = date_at("edited", c.edited.as_deref());
        if c.id.trim().is_empty() {
            problems.push(Diagnostic::new(
                Location::new(path, Some(key_at(i, "id"))),
                "a comment has an empty id",
                "give every comment an id that is unique in this file, e.g. id: \"7\"",
            ));
        } else if let Some(ch) = c
            .id
            .chars()
            .find(|&ch| ch.is_whitespace() || ch.is_control() || !escape::allowed_in_documents(ch))
        {
            // The id becomes the comment's anchor (#comment-<id>), which cannot hold
            // spaces, nor characters pages drop (two ids would print alike).
            let what = if ch.is_whitespace() {
                "a space".to_string()
            } else {
                format!("the character {ch:?}, which no page can show")
            };
            problems.push(Diagnostic::new(
                Location::new(path, Some(key_at(i, "id"))),
                format!("comment id {:?} contains {what}", c.id),
                "use letters, digits, dashes or dots in ids, e.g. id: \"7\"",
            ));
        }
        if let Some(problem) = limits::comment_body_problem(&c.body) {
            problems.push(Diagnostic::new(
                Location::new(path, Some(key_at(i, "body"))),
                format!("comment {:?}: {}", c.id, problem.message),
                problem.help,
            ));
        }
        comments.push(Comment {
            id: c.id,
            parent: c.parent,
            replied_to: c.replied_to,
            author: c.author.filter(|a| !a.trim().is_empty()),
            url: c.url.filter(|u| !u.trim().is_empty()),
            date,
            role: c.role,
            body: c.body,
            source: c.source.filter(|s| !s.trim().is_empty()),
            via: c.via.filter(|v| !v.trim().is_empty()),
            state: c.state,
            warning: c.warning.filter(|w| !w.trim().is_empty()),
            edited,
            line: line_of(i),
        });
    }
    problems.extend(check_structure(&comments, path, |i, key| key_at(i, key)));
    if problems.is_empty() {
        Ok(Thread::new(comments, raw.reactions))
    } else {
        Err(problems)
    }
}

/// A thread written as a bare list of comments, without the `comments:` key over it:
/// the one shape of thread file whose YAML error would not say what to do.
fn bare_list(text: &str, path: &Path) -> Option<Diagnostic> {
    let (i, _) = text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'))?;
    let first = text.lines().nth(i)?;
    (first == "-" || first.starts_with("- ")).then(|| {
        Diagnostic::new(
            Location::new(path, Some(i + 1)),
            "the comments are written as a bare list; they go under a `comments:` key",
            "add a line comments: above the list, and indent the list under it by two spaces",
        )
    })
}

/// Duplicate ids, unknown parents and cycles.
fn check_structure(
    comments: &[Comment],
    path: &Path,
    key_at: impl Fn(usize, &str) -> usize,
) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let mut index: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
    index.reserve(comments.len());
    for (i, c) in comments.iter().enumerate() {
        if let Some(&first) = index.get(c.id.as_str()) {
            problems.push(Diagnostic::new(
                Location::new(path, Some(key_at(i, "id"))),
                format!(
                    "duplicate comment id {:?} (first used on line {})",
                    c.id, comments[first].line
                ),
                "give each comment its own id; replies point at ids with parent:",
            ));
        } else {
            index.insert(&c.id, i);
        }
    }
    let mut parent_of = vec![None; comments.len()];
    for (i, c) in comments.iter().enumerate() {
        let Some(parent) = &c.parent else { continue };
        match index.get(parent.as_str()) {
            Some(&p) if p == i => problems.push(Diagnostic::new(
                Location::new(path, Some(key_at(i, "parent"))),
                format!("comment {:?} replies to itself", c.id),
                "set parent: to the id of the comment it answers, or remove it",
            )),
            Some(&p) => parent_of[i] = Some(p),
            None => problems.push(Diagnostic::new(
                Location::new(path, Some(key_at(i, "parent"))),
                format!(
                    "comment {:?} replies to {:?}, which is not in this file",
                    c.id, parent
                ),
                "set parent: to the id of a comment in this file, or remove it to make a top-level comment",
            )),
        }
    }
    for cycle in find_cycles(&parent_of) {
        let first = *cycle.iter().min().expect("a cycle has members");
        let ids: Vec<String> = cycle
            .iter()
            .map(|&i| format!("{:?}", comments[i].id))
            .collect();
        problems.push(Diagnostic::new(
            Location::new(path, Some(key_at(first, "parent"))),
            format!(
                "comments {} reply to each other in a cycle",
                ids.join(" → ")
            ),
            "one of them must be the first: remove or change its parent:",
        ));
    }
    problems
}

/// Each cycle of the parent relation once, as the list of its members. Iterative, so
/// a long reply chain cannot exhaust the stack.
fn find_cycles(parent_of: &[Option<usize>]) -> Vec<Vec<usize>> {
    // 0 = unseen, 1 = on the current walk, 2 = done.
    let mut state = vec![0u8; parent_of.len()];
    let mut cycles = Vec::new();
    for start in 0..parent_of.len() {
        let mut walk = Vec::new();
        let mut node = Some(start);
        while let Some(n) = node {
            match state[n] {
                0 => {
                    state[n] = 1;
                    walk.push(n);
                    node = parent_of[n];
                }
                1 => {
                    let from = walk.iter().position(|&w| w == n).expect("n is on the walk");
                    cycles.push(walk[from..].to_vec());
                    break;
                }
                _ => break,
            }
        }
        for w in walk {
            state[w] = 2;
        }
    }
    cycles
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        parse_thread(text, Path::new("t.comments.yaml"))
            .unwrap_err()
            .into_iter()
            .map(|d| d.to_string().lines().next().unwrap().to_string())
            .collect()
    }

    #[test]
    fn parses_a_thread() {
        let text = "comments:\n  - id: 1\n    author: Fiona\n    body: Hi\n  - id: \"2\"\n    parent: 1\n    role: author\n    body: Thanks\n";
        let t = parse_thread(text, Path::new("t.comments.yaml")).unwrap();
        assert_eq!(t.comments.len(), 2);
        assert_eq!(t.comments[1].parent.as_deref(), Some("1"));
        assert_eq!(t.comments[1].line, 5);
        assert!(t.comments[1].is_author());
    }

    #[test]
    fn reports_every_structural_problem() {
        let text = "comments:\n- id: a\n  parent: c\n- id: b\n  parent: nope\n- id: a\n- id: c\n  parent: a\n";
        assert_eq!(
            errors(text),
            vec![
                "t.comments.yaml:6: duplicate comment id \"a\" (first used on line 2)",
                "t.comments.yaml:5: comment \"b\" replies to \"nope\", which is not in this file",
                "t.comments.yaml:3: comments \"a\" → \"c\" reply to each other in a cycle",
            ]
        );
    }

    #[test]
    fn unknown_key_is_located() {
        assert_eq!(
            errors("comments:\n  - id: 1\n    athor: x\n"),
            vec!["t.comments.yaml:3:5: unknown key `athor` in a comment"]
        );
    }

    #[test]
    fn ids_are_anchors() {
        assert_eq!(
            errors("comments:\n  - id: \"a b\"\n"),
            vec!["t.comments.yaml:2: comment id \"a b\" contains a space"]
        );
        // Pages drop U+FFFE: "1\u{fffe}" would print as "1", another comment's anchor.
        assert_eq!(
            errors("comments:\n  - id: \"1\\uFFFE\"\n"),
            vec!["t.comments.yaml:2: comment id \"1\\u{fffe}\" contains the character '\\u{fffe}', which no page can show"]
        );
    }

    #[test]
    fn a_long_chain_is_no_problem() {
        let mut text = String::from("comments:\n- id: 0\n");
        for i in 1..5000 {
            text.push_str(&format!("- id: {i}\n  parent: {}\n", i - 1));
        }
        assert_eq!(
            parse_thread(&text, Path::new("t")).unwrap().comments.len(),
            5000
        );
    }
}
