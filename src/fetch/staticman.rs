//! A folder of form-submitted comments, as Staticman writes them: one YAML or JSON
//! file per comment in a folder per post (`FOLDER/SLUG/entry1610701087.yml`), fields
//! `_id`, `name`, `url`, `message`, `date` and a parent field. Each file is merged
//! into its post's thread, then moved into `FOLDER/SLUG/taken/`, so that it is taken
//! once: its id stays in the thread file, and a file put back is recognised by it.
//!
//! The e-mail field (an address or its hash) is never read. A comment from a form is
//! anyone's: it is never marked as the author's, whatever name it gives.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::error::{Diagnostic, Location};
use crate::fetch::posts::Post;
use crate::fetch::source::{
    flag_set, parse_date, web_address, Context, Harvest, Kind, Response, Source,
};
use crate::site::guard::Inside;
use crate::threads::Role;

const ID_PREFIX: &str = "staticman-";
/// Where a comment's file goes once its thread has it, inside the post's folder.
const TAKEN: &str = "taken";
/// A comment file larger than this is no comment.
const MAX_FILE_BYTES: u64 = 256 * 1024;
/// Fields that name the comment answered, by its `_id`, as themes write them.
const PARENT_FIELDS: &[&str] = &["replying_to_uid", "reply_to", "parent_id", "replying_to"];
/// Fields with which sites keep a submission unpublished: such a comment is taken
/// as pending.
const HELD_FIELDS: &[&str] = &["hidden", "draft"];

pub(crate) struct Staticman {
    /// The site's folder.
    root: PathBuf,
    /// The comments' folder, relative to the site's folder, as site.toml names it.
    folder: PathBuf,
    /// The files read by `fetch`: (post, comment id, file), to move once taken.
    read: RefCell<Vec<(usize, String, PathBuf)>>,
}

impl Staticman {
    pub(crate) fn new(root: &Path, folder: &Path) -> Self {
        Staticman {
            root: root.to_path_buf(),
            folder: folder.to_path_buf(),
            read: RefCell::default(),
        }
    }

    /// `path` as the user knows it: relative to the site's folder.
    fn shown(&self, path: &Path) -> PathBuf {
        path.strip_prefix(&self.root).unwrap_or(path).to_path_buf()
    }

    /// The comment files of every post folder, by post, or the problems met.
    fn files(
        &self,
        posts: &[Post],
        context: &Context,
        harvest: &mut Harvest,
    ) -> Result<Vec<(usize, PathBuf)>, Vec<Diagnostic>> {
        let inside = Inside::new(&self.root);
        let folder = self.root.join(&self.folder);
        if let Some(problem) = inside.refuse(&folder) {
            return Err(vec![problem]);
        }
        let by_slug: HashMap<&str, usize> = posts
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.as_str(), i))
            .collect();
        let listing = |dir: &Path| -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
            let entries = match std::fs::read_dir(dir) {
                // No comment has come yet.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
                other => other,
            };
            let mut entries: Vec<PathBuf> = entries
                .map_err(|e| {
                    vec![Diagnostic::new(
                        Location::new(&self.shown(dir), None),
                        format!("the comments folder cannot be read ({e})"),
                        "create it, or correct [fetch] staticman = { folder = \"…\" } in site.toml",
                    )]
                })?
                .flatten()
                .map(|e| e.path())
                .collect();
            entries.sort();
            Ok(entries)
        };
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for dir in listing(&folder)? {
            if !dir.is_dir() {
                continue;
            }
            if let Some(problem) = inside.refuse(&dir) {
                problems.push(problem);
                continue;
            }
            let slug = dir.file_name().unwrap_or_default().to_string_lossy();
            let Some(&post) = by_slug.get(slug.as_ref()) else {
                if !context.some_posts {
                    harvest.warnings.push(format!(
                        "staticman: {}/ is no post's folder: no post has the slug {slug}; rename it to the slug of the post its comments answer",
                        self.shown(&dir).display()
                    ));
                }
                continue;
            };
            // Where taken files go is checked now, before any is taken: a comment
            // must not land in its thread and then fail to move.
            let taken = dir.join(TAKEN);
            let taken_outside = inside.refuse(&taken);
            let leads_out = taken_outside.is_some();
            problems.extend(taken_outside);
            for file in listing(&dir)? {
                let comment = matches!(
                    file.extension().and_then(|e| e.to_str()),
                    Some("yml" | "yaml" | "json")
                );
                if !comment || file.is_dir() || leads_out {
                    continue;
                }
                let moved_to = taken.join(file.file_name().unwrap_or_default());
                match inside.refuse(&file).or_else(|| inside.refuse(&moved_to)) {
                    Some(problem) => problems.push(problem),
                    None => files.push((post, file)),
                }
            }
        }
        match problems.is_empty() {
            true => Ok(files),
            false => Err(problems),
        }
    }

    /// One file as a response to `posts[post]`; what the user should know about it
    /// goes to `warnings`.
    fn read_file(
        &self,
        post: usize,
        posts: &[Post],
        file: &Path,
        warnings: &mut Vec<String>,
    ) -> Result<Response, Diagnostic> {
        let shown = self.shown(file);
        let problem = |line: Option<usize>, message: String, help: &str| {
            Diagnostic::new(Location::new(&shown, line), message, help)
        };
        let size = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
        if size > MAX_FILE_BYTES {
            return Err(problem(
                None,
                format!(
                    "this comment file is {} KB, more than a comment ({} KB at most)",
                    size.div_ceil(1024),
                    MAX_FILE_BYTES / 1024
                ),
                "remove the file if it is not a real comment",
            ));
        }
        let text = std::fs::read_to_string(file).map_err(|e| {
            problem(
                None,
                format!("this comment file cannot be read ({e})"),
                "save it as UTF-8 text, or remove it",
            )
        })?;
        let json = file.extension().is_some_and(|e| e == "json");
        let entry: Value = if json {
            serde_json::from_str(&text).map_err(|e| {
                problem(
                    Some(e.line().max(1)),
                    format!("this comment file is not valid JSON: {e}"),
                    "correct the file (one JSON object per comment), or remove it",
                )
            })?
        } else {
            crate::yaml::from_str_at(&text, &shown, 1)?
        };
        let line_of = |key: &str| {
            let lines: Vec<&str> = text.lines().collect();
            let needle = [format!("{key}:"), format!("\"{key}\"")];
            lines
                .iter()
                .position(|l| needle.iter().any(|n| l.trim_start().starts_with(n)))
                .map(|i| i + 1)
        };
        let Some(fields) = entry.as_object() else {
            return Err(problem(
                Some(1),
                "this comment file holds no fields (name, message, …)".into(),
                "write one comment per file, as `key: value` lines, or remove the file",
            ));
        };
        let field = |key: &str| match fields.get(key) {
            Some(Value::String(s)) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let stem = file
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let id = field("_id").unwrap_or(stem);
        if !is_id(&id) {
            return Err(problem(
                line_of("_id"),
                format!("the comment id {id:?} has characters an id cannot have"),
                "write an _id of letters, digits, '-', '_' and '.', e.g. _id: c8dc0340-570f-11eb-a528-c3ba3c204256",
            ));
        }
        let Some(message) = field("message").or_else(|| field("comment")) else {
            return Err(problem(
                line_of("message").or(Some(1)),
                "this comment has no message".into(),
                "write its text as message: …, or remove the file if it is empty",
            ));
        };
        let date = match fields.get("date") {
            None | Some(Value::Null) => None,
            Some(value) => Some(comment_date(value).ok_or_else(|| {
                problem(
                    line_of("date"),
                    format!("the date {value} is not a date"),
                    "write it as 2024-02-01T10:00:00Z, or as seconds since 1970 (1706781600)",
                )
            })?),
        };
        // An _id names the parent; a number is a position among the comments.
        let (by_id, by_position): (Vec<_>, Vec<_>) = PARENT_FIELDS
            .iter()
            .filter_map(|key| Some((*key, field(key)?)))
            .partition(|(_, v)| !v.bytes().all(|b| b.is_ascii_digit()));
        let parent = by_id.into_iter().next().map(|(_, v)| v);
        if let (None, Some((key, index))) = (&parent, by_position.first()) {
            warnings.push(format!(
                "staticman: {}: {key}: {index} names a comment by its position among the others, which changes as comments arrive; the comment is kept at the top level (move it under its parent in the thread file with parent: ID)",
                shown.display()
            ));
        }
        let on_post = posts[post].addresses.first().cloned().unwrap_or_default();
        Ok(Response {
            post,
            id: format!("{ID_PREFIX}{id}"),
            url: None,
            in_reply_to: parent
                .filter(|p| is_id(p))
                .map(|p| format!("{on_post}#comment-{ID_PREFIX}{p}"))
                .into_iter()
                .collect(),
            kind: Kind::Reply,
            author: field("name"),
            author_url: field("url")
                .or_else(|| field("website"))
                .and_then(web_address),
            date,
            edited: None,
            body: message.replace("\r\n", "\n"),
            warning: None,
            role: Role::Reader,
            // The site's own form: no "via".
            via: "",
            held: HELD_FIELDS.iter().any(|key| flag_set(fields.get(*key))),
        })
    }
}

/// A comment id: letters, digits, `-`, `_`, `.`.
fn is_id(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 100
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// `date` as Staticman writes it: ISO 8601, or seconds (or milliseconds) since 1970.
fn comment_date(value: &Value) -> Option<crate::dates::Date> {
    let epoch = match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s)
            if !s.trim().is_empty() && s.trim().bytes().all(|b| b.is_ascii_digit()) =>
        {
            s.trim().parse().ok()
        }
        Value::String(s) => return parse_date(s),
        _ => return None,
    }?;
    let seconds = if epoch > 100_000_000_000 {
        epoch / 1000
    } else {
        epoch
    };
    let utc = chrono::DateTime::from_timestamp(seconds, 0)?;
    parse_date(&utc.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

impl Source for Staticman {
    fn name(&self) -> &'static str {
        "staticman"
    }

    fn id_prefix(&self) -> &'static str {
        ID_PREFIX
    }

    /// Every comment file, or none at all when one is bad: a file is taken whole or
    /// not, and the report names each bad file.
    fn fetch(&self, posts: &[Post], context: &Context) -> Harvest {
        let mut harvest = Harvest::default();
        let files = match self.files(posts, context, &mut harvest) {
            Ok(files) => files,
            Err(problems) => {
                harvest
                    .failures
                    .extend(problems.iter().map(|p| format!("staticman: {p}")));
                return harvest;
            }
        };
        let mut read = Vec::new();
        let mut problems = Vec::new();
        let mut seen: HashMap<String, PathBuf> = HashMap::new();
        for (post, file) in files {
            match self.read_file(post, posts, &file, &mut harvest.warnings) {
                Ok(response) => {
                    if let Some(first) = seen.insert(response.id.clone(), file.clone()) {
                        problems.push(Diagnostic::new(
                            Location::new(&self.shown(&file), None),
                            format!(
                                "this comment has the id of {} ({})",
                                self.shown(&first).display(),
                                response.id
                            ),
                            "give it an _id of its own, or remove it if it is the same comment",
                        ));
                        continue;
                    }
                    read.push((post, response.id.clone(), file));
                    harvest.responses.push(response);
                }
                Err(problem) => problems.push(problem),
            }
        }
        if !problems.is_empty() {
            harvest.responses.clear();
            problems.sort();
            harvest
                .failures
                .extend(problems.iter().map(|p| format!("staticman: {p}")));
            harvest.failures.push(
                "staticman: no comment of the folder was taken; correct or remove the files named above, then run rapport fetch again".into(),
            );
            return harvest;
        }
        *self.read.borrow_mut() = read;
        harvest
    }

    fn settle(&self, kept: &dyn Fn(usize, &str) -> bool) -> Vec<String> {
        let mut failures = Vec::new();
        let mut made: HashSet<PathBuf> = HashSet::new();
        for (post, id, file) in self.read.borrow().iter() {
            if !kept(*post, id) {
                continue;
            }
            let (Some(dir), Some(name)) = (file.parent(), file.file_name()) else {
                continue;
            };
            let taken = dir.join(TAKEN);
            let target = taken.join(name);
            let moved = (|| {
                if made.insert(taken.clone()) {
                    std::fs::create_dir_all(&taken)?;
                }
                if target.exists() {
                    // The same file put back: the copy in taken/ stands for it.
                    if std::fs::read(&target)? == std::fs::read(file)? {
                        return std::fs::remove_file(file);
                    }
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::AlreadyExists,
                        format!("{} exists", self.shown(&target).display()),
                    ));
                }
                std::fs::rename(file, &target)
            })();
            if let Err(e) = moved {
                failures.push(format!(
                    "staticman: {} is in its thread now but could not be moved into {}/ ({e}); move or remove it by hand (it will not be added twice)",
                    self.shown(file).display(),
                    self.shown(&taken).display()
                ));
            }
        }
        failures
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_or_epoch_seconds_or_milliseconds() {
        let want = parse_date("2021-01-15T08:58:07Z");
        assert_eq!(comment_date(&Value::from(1610701087)), want);
        assert_eq!(comment_date(&Value::from("1610701087")), want);
        assert_eq!(comment_date(&Value::from(1610701087000_i64)), want);
        assert_eq!(comment_date(&Value::from("2021-01-15T08:58:07Z")), want);
        assert_eq!(comment_date(&Value::from("yesterday")), None);
    }
}
