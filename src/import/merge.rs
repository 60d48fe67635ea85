//! The only code that writes during an import, and only under the site's `content/`:
//! every path is checked (relative, no `..`, no symlink leading out) before anything
//! is created. Merging is idempotent: an existing post is left as it is; an existing
//! thread file gets only the comments it lacks (by id, author and date; another
//! comment's id is never taken), appended as text so what a person wrote in it stays
//! byte for byte. The one change to an entry already there: a reply an import attached
//! to its nearest ancestor (`replied_to:`) moves back under its parent once that is
//! published. Every file is written to a temporary file and renamed, and a thread file
//! is read back and validated before it replaces one.

use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use crate::content::THREAD_SUFFIX;
use crate::error::{read_text, Diagnostic, Error, Location, Result};
use crate::import::model::{order, NewComment, Provenance};
use crate::import::text;
use crate::site::guard::Inside;
use crate::threads::{parse_thread, Comment, Reactions, Thread};
use crate::yaml;

/// What merging one thread did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct MergeOutcome {
    /// Comments written now.
    pub(crate) added: usize,
    /// Comments the file already had (by id), left as they were.
    pub(crate) present: usize,
    /// The file did not exist before.
    pub(crate) created: bool,
    /// Replies moved back under the comment they answered.
    pub(crate) restored: usize,
    /// (id in the export, id written) of comments whose id another comment had.
    pub(crate) renamed: Vec<(String, String)>,
    /// The thread file, as the report shows it.
    pub(crate) file: PathBuf,
}

/// Writes under `ROOT/content/` (or another folder of the site) and nowhere else.
#[derive(Debug)]
pub(crate) struct ContentWriter {
    /// The folder, with symlinks resolved, to compare real paths against.
    real_content: PathBuf,
    /// The folder as reached from the site's.
    folder: PathBuf,
    /// The site's folder, which no file written or read may lead out of.
    site: Inside,
    /// The folder as the user knows it (`content`).
    shown: &'static str,
}

impl ContentWriter {
    /// Opens (and creates, if needed) the `content/` folder of the site at `root`.
    pub(crate) fn new(root: &Path) -> Result<Self> {
        Self::under(root, "content")
    }

    /// Opens (and creates, if needed) the folder `dir` of the site at `root`.
    pub(crate) fn under(root: &Path, dir: &'static str) -> Result<Self> {
        let content = root.join(dir);
        // Paths below are checked against the folder itself: it must first be the
        // site's, or every file would go where its link leads.
        if let Some(problem) = Inside::new(root).refuse_on_the_way(&content) {
            return Err(problem.into());
        }
        fs::create_dir_all(&content).map_err(|e| Error::io(&content, "cannot create", e))?;
        let real_content = content
            .canonicalize()
            .map_err(|e| Error::io(&content, "cannot resolve", e))?;
        Ok(ContentWriter {
            real_content,
            folder: content,
            site: Inside::new(root),
            shown: dir,
        })
    }

    /// The path for `rel` (relative to `content/`), after checking that it stays
    /// inside `content/`. Creates its parent folders.
    fn place(&self, rel: &str) -> Result<PathBuf> {
        let rel_path = Path::new(rel);
        let shown = self.shown;
        let refuse = |why: &str| {
            Error::Other(format!(
                "refusing to write {shown}/{rel}: {why}; an import only writes inside {shown}/"
            ))
        };
        if rel.is_empty()
            || !rel_path
                .components()
                .all(|c| matches!(c, Component::Normal(_)))
        {
            return Err(refuse(&format!("it is not a plain path below {shown}/")));
        }
        // The file too: a thread file linked from outside would be read, and its
        // text written back into the site.
        if let Some(problem) = self.site.refuse_on_the_way(&self.folder.join(rel_path)) {
            return Err(problem.into());
        }
        let path = self.real_content.join(rel_path);
        let parent = path.parent().unwrap_or(&self.real_content);
        // Check the deepest folder that exists before creating anything below it, so
        // a symlinked folder cannot make us create folders elsewhere.
        let existing = parent
            .ancestors()
            .find(|p| p.exists())
            .unwrap_or(&self.real_content);
        let inside = |p: &Path| {
            p.canonicalize()
                .map(|real| real.starts_with(&self.real_content))
                .unwrap_or(false)
        };
        if !inside(existing) {
            return Err(refuse(&format!(
                "a folder on the way leads outside {shown}/"
            )));
        }
        fs::create_dir_all(parent).map_err(|e| Error::io(parent, "cannot create", e))?;
        if !inside(parent) {
            return Err(refuse(&format!(
                "a folder on the way leads outside {shown}/"
            )));
        }
        if path.is_dir() {
            return Err(refuse("a folder of that name is in the way"));
        }
        Ok(path)
    }

    /// Whether `rel` (relative to `content/`) exists.
    pub(crate) fn exists(&self, rel: &str) -> bool {
        self.real_content.join(rel).exists()
    }

    /// Writes a new post or page; leaves an existing file alone. Returns whether it
    /// wrote.
    pub(crate) fn create_document(&self, rel: &str, text: &str) -> Result<bool> {
        let path = self.place(rel)?;
        if path.exists() {
            return Ok(false);
        }
        write_atomically(&path, text)?;
        Ok(true)
    }

    /// Copies the file `from` to `rel`; leaves a file already there alone. Returns
    /// whether it copied.
    pub(crate) fn copy_file(&self, from: &Path, rel: &str) -> Result<bool> {
        let path = self.place(rel)?;
        if path.exists() {
            return Ok(false);
        }
        let tmp = temporary(&path);
        fs::copy(from, &tmp)
            .and_then(|_| fs::rename(&tmp, &path))
            .map_err(|e| {
                let _ = fs::remove_file(&tmp);
                Error::io(from, "cannot copy", e)
            })?;
        Ok(true)
    }

    /// Merges `comments` into the thread file of the document `doc_rel`.
    pub(crate) fn merge_thread(
        &self,
        doc_rel: &str,
        mut comments: Vec<NewComment>,
    ) -> Result<MergeOutcome> {
        let rel = thread_rel(doc_rel);
        let path = self.place(&rel)?;
        let shown = Path::new("content").join(&rel);
        comments.sort_by(order);
        if !path.exists() {
            if comments.is_empty() {
                return Ok(MergeOutcome::default());
            }
            let new_text = text::thread(&comments);
            verify(&new_text, &shown, &[], &comments)?;
            write_atomically(&path, &new_text)?;
            return Ok(MergeOutcome {
                added: comments.len(),
                created: true,
                ..MergeOutcome::default()
            });
        }
        let old_text = read_text(&path)?;
        let old = parse_existing(&old_text, &shown, "the import", "run the import")?;
        let placed = place_ids(&old.comments, comments);
        let mut outcome = MergeOutcome {
            added: placed.new.len(),
            present: placed.present.len(),
            created: false,
            restored: 0,
            renamed: placed.renamed,
            file: shown.clone(),
        };
        let (rewritten_text, expected_old) = restore_nesting(&old_text, &old, &placed.present);
        if placed.new.is_empty() && rewritten_text == old_text {
            return Ok(outcome);
        }
        let new_text = if placed.new.is_empty() {
            rewritten_text
        } else {
            append(&rewritten_text, &old, &placed.new, &shown)?
        };
        verify(&new_text, &shown, &expected_old, &placed.new)?;
        write_atomically(&path, &new_text)?;
        outcome.restored = expected_old
            .iter()
            .zip(&old.comments)
            .filter(|(a, b)| a.parent != b.parent)
            .count();
        Ok(outcome)
    }
}

/// What a fetch changes in one thread file: comments to add at its end, entries to
/// write anew (an edit at the source, a withdrawal), and the reactions, when known.
#[derive(Debug, Default, Clone)]
pub(crate) struct FetchedChanges {
    pub(crate) new: Vec<(NewComment, Provenance)>,
    pub(crate) replaced: Vec<(NewComment, Provenance)>,
    pub(crate) reactions: Option<Reactions>,
}

impl ContentWriter {
    /// Applies what a fetch found to the thread file of `doc_rel`: entries it replaces
    /// are rewritten in place, new ones appended, the `reactions:` block set; every
    /// other byte stays as it was. Returns whether the file changed.
    pub(crate) fn merge_fetched(&self, doc_rel: &str, changes: &FetchedChanges) -> Result<bool> {
        let rel = thread_rel(doc_rel);
        let path = self.place(&rel)?;
        let shown = Path::new("content").join(&rel);
        let old_text = if path.exists() {
            read_text(&path)?
        } else {
            String::new()
        };
        let old = parse_existing(&old_text, &shown, "the fetch", "fetch")?;
        let mut text = replace_entries(&old_text, &old, &changes.replaced);
        if let Some(reactions) = &changes.reactions {
            text = set_reactions(&text, reactions);
        }
        if !changes.new.is_empty() {
            text = append_fetched(&text, &old, &changes.new, &shown)?;
        }
        if text == old_text {
            return Ok(false);
        }
        verify_fetched(&text, &shown, &old, changes)?;
        write_atomically(&path, &text)?;
        Ok(true)
    }
}

/// The thread file as it is, or its problems and that `who` (an import, a fetch)
/// left it alone, with what to `redo` once they are fixed.
fn parse_existing(text: &str, shown: &Path, who: &str, redo: &str) -> Result<Thread> {
    parse_thread(text, shown).map_err(|mut problems| {
        problems.push(Diagnostic::new(
            Location::new(shown, None),
            format!("this thread file has problems, so {who} did not add to it"),
            format!("fix them (rapport check lists them all), then {redo} again"),
        ));
        Error::Content(problems)
    })
}

/// The lines (0-based, end exclusive) of each comment entry of `text`.
fn entry_ranges(text: &str) -> Vec<(usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let starts = yaml::sequence_item_lines(text, "comments");
    let indent_of = |l: &str| l.len() - l.trim_start().len();
    starts
        .iter()
        .enumerate()
        .map(|(k, &start)| {
            let from = start - 1;
            let to = match starts.get(k + 1) {
                Some(&next) => next - 1,
                None => {
                    let indent = indent_of(lines[from]);
                    (from + 1..lines.len())
                        .find(|&i| {
                            let t = lines[i].trim_start();
                            !t.is_empty() && !t.starts_with('#') && indent_of(lines[i]) <= indent
                        })
                        .unwrap_or(lines.len())
                }
            };
            (from, to)
        })
        .collect()
}

/// `text` with the entries of the comments in `replaced` (by id) written anew at
/// their own indentation.
fn replace_entries(text: &str, old: &Thread, replaced: &[(NewComment, Provenance)]) -> String {
    if replaced.is_empty() {
        return text.to_string();
    }
    let by_id: HashMap<&str, &(NewComment, Provenance)> =
        replaced.iter().map(|r| (r.0.id.as_str(), r)).collect();
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (comment, (from, to)) in old.comments.iter().zip(entry_ranges(text)) {
        let Some((c, p)) = by_id.get(comment.id.as_str()) else {
            continue;
        };
        let indent = lines[from].len() - lines[from].trim_start().len();
        out.extend(lines[copied..from].iter().copied());
        out.push_str(&text::entry_with(c, p, indent));
        copied = to;
    }
    out.extend(lines[copied..].iter().copied());
    out
}

/// `text` with its top-level `reactions:` block replaced by `reactions` (removed when
/// there are none), or put above `comments:` when it had none.
fn set_reactions(text: &str, reactions: &Reactions) -> String {
    let mut block = String::new();
    if !reactions.is_empty() {
        block.push_str("reactions:\n");
        for (key, ids) in [
            ("likes", &reactions.likes),
            ("reposts", &reactions.reposts),
            ("bookmarks", &reactions.bookmarks),
        ] {
            if !ids.is_empty() {
                let quoted: Vec<String> = ids.iter().map(|id| yaml::quoted(id)).collect();
                block.push_str(&format!("  {key}: [{}]\n", quoted.join(", ")));
            }
        }
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let top_level = |l: &str| !l.starts_with([' ', '\t', '#', '\n', '\r']) && !l.is_empty();
    let found = lines.iter().position(|l| l.trim_end() == "reactions:");
    let (at, end) = match found {
        Some(at) => {
            let end = (at + 1..lines.len())
                .find(|&i| top_level(lines[i]))
                .unwrap_or(lines.len());
            (at, end)
        }
        None => {
            let at = lines
                .iter()
                .position(|l| l.starts_with("comments:"))
                .unwrap_or(lines.len());
            (at, at)
        }
    };
    let mut out: String = lines[..at].concat();
    if at > 0 && !out.ends_with('\n') {
        out.push('\n');
    }
    out.push_str(&block);
    out.push_str(&lines[end..].concat());
    out
}

/// `text` with entries for `new` at its end. A file without comment items (new,
/// empty, or `comments: []`) gets a `comments:` list of its own at the end.
fn append_fetched(
    text: &str,
    old: &Thread,
    new: &[(NewComment, Provenance)],
    shown: &Path,
) -> Result<String> {
    let starts = yaml::sequence_item_lines(text, "comments");
    let mut out: String;
    let indent;
    match starts.first() {
        Some(&first) => {
            let line = text.lines().nth(first - 1).unwrap_or_default();
            indent = line.len() - line.trim_start().len();
            out = text.to_string();
        }
        None if !old.comments.is_empty() => {
            return Err(Error::from(Diagnostic::new(
                Location::new(shown, Some(1)),
                "the fetch cannot add comments to a thread written as a flow list ([...])",
                "write `comments:` as a block list (one `- id: ...` item per comment), then fetch again",
            )))
        }
        None => {
            indent = 2;
            out = text
                .split_inclusive('\n')
                .filter(|l| !l.starts_with("comments:"))
                .collect();
            if !out.is_empty() && !out.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("comments:\n");
        }
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    for (c, p) in new {
        out.push_str(&text::entry_with(c, p, indent));
    }
    Ok(out)
}

/// Reads a fetch's text back: the old comments, those replaced now holding the new
/// data, then exactly the new ones, and the reactions asked for. Anything else is a
/// bug here, and nothing is written.
fn verify_fetched(text: &str, shown: &Path, old: &Thread, changes: &FetchedChanges) -> Result<()> {
    let parsed = parse_thread(text, shown).map_err(Error::Content)?;
    let replaced: HashMap<&str, &(NewComment, Provenance)> = changes
        .replaced
        .iter()
        .map(|r| (r.0.id.as_str(), r))
        .collect();
    let expected_old = old
        .comments
        .iter()
        .map(|o| match replaced.get(o.id.as_str()) {
            Some((c, p)) => Expected::New(c, p),
            None => Expected::Old(o),
        });
    let expected_new = changes.new.iter().map(|(c, p)| Expected::New(c, p));
    let expected: Vec<Expected> = expected_old.chain(expected_new).collect();
    let same = parsed.comments.len() == expected.len()
        && parsed
            .comments
            .iter()
            .zip(&expected)
            .all(|(got, want)| match want {
                Expected::Old(o) => same_data(got, o),
                Expected::New(c, p) => same_fetched(got, c, p),
            })
        && changes
            .reactions
            .as_ref()
            .is_none_or(|r| r == parsed.reactions());
    if same {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "{}: the fetch produced text that does not read back as intended; nothing was written (please report this)",
            shown.display()
        )))
    }
}

enum Expected<'a> {
    Old(&'a Comment),
    New(&'a NewComment, &'a Provenance),
}

/// Whether `p`, read back, is `c` with `prov` (an imported comment has none).
fn same_fetched(p: &Comment, c: &NewComment, prov: &Provenance) -> bool {
    p.id == c.id
        && p.parent == c.parent
        && p.replied_to == c.replied_to
        && p.author == c.author
        && p.url == c.url
        && p.date == c.date
        && p.role == c.role
        && p.body == text::stored_body(&c.body)
        && p.source == prov.source
        && p.via == prov.via
        && p.state == prov.state
        && p.warning == prov.warning
        && p.edited == prov.edited
}

/// The comments of an import sorted against those a thread file has.
struct Placed {
    /// Comments the file has, with the id they have there.
    present: Vec<NewComment>,
    /// Comments to add, with the id they get.
    new: Vec<NewComment>,
    /// (id in the export, id written) of comments whose id the file gives another.
    renamed: Vec<(String, String)>,
}

/// A comment of the file is the imported one when it has its id, author and date
/// (its text may have been edited by hand). Another comment under the same id keeps
/// it; the imported one is written as `<id>-2` (or `-3` …), and a later import finds
/// it there by the same rule. Replies follow their parent's new id.
fn place_ids(old: &[Comment], comments: Vec<NewComment>) -> Placed {
    let have: HashMap<&str, &Comment> = old.iter().map(|c| (c.id.as_str(), c)).collect();
    let incoming: HashSet<String> = comments.iter().map(|c| c.id.clone()).collect();
    let same = |o: &Comment, c: &NewComment| o.author == c.author && o.date == c.date;
    let mut placed = Placed {
        present: Vec::new(),
        new: Vec::new(),
        renamed: Vec::new(),
    };
    let mut id_in_file: HashMap<String, String> = HashMap::new();
    let mut is_present = Vec::with_capacity(comments.len());
    for c in &comments {
        let (id, present) = match have.get(c.id.as_str()) {
            None => (c.id.clone(), false),
            Some(o) if same(o, c) => (c.id.clone(), true),
            Some(_) => (2..)
                .map(|n| format!("{}-{n}", c.id))
                .find_map(|id| match have.get(id.as_str()) {
                    Some(o) if same(o, c) => Some((id, true)),
                    Some(_) => None,
                    None if incoming.contains(&id) => None,
                    None => Some((id, false)),
                })
                .expect("an unbounded range has a free id"),
        };
        if id != c.id && !present {
            placed.renamed.push((c.id.clone(), id.clone()));
        }
        if id != c.id {
            id_in_file.insert(c.id.clone(), id);
        }
        is_present.push(present);
    }
    let in_file = |id: Option<String>| id.map(|i| id_in_file.get(&i).cloned().unwrap_or(i));
    for (mut c, present) in comments.into_iter().zip(is_present) {
        c.id = in_file(Some(c.id)).unwrap_or_default();
        c.parent = in_file(c.parent);
        c.replied_to = in_file(c.replied_to);
        if present {
            placed.present.push(c);
        } else {
            placed.new.push(c);
        }
    }
    placed
}

/// A reply an import attached to its nearest ancestor (it has `replied_to:`) moves to
/// where this import puts it, once the comment it answered, or one nearer, is
/// published: a thread then reads as a fresh import of the newer export would. A
/// reply without `replied_to:` is never moved (take that line out to keep a reply
/// where you put it). Returns the text and the comments as they now are.
fn restore_nesting(text: &str, old: &Thread, present: &[NewComment]) -> (String, Vec<Comment>) {
    let mut comments = old.comments.clone();
    let incoming: HashMap<&str, &NewComment> = present.iter().map(|c| (c.id.as_str(), c)).collect();
    let items = yaml::sequence_item_lines(text, "comments");
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut out = String::with_capacity(text.len());
    // Lines before `copied` are in `out` already: one pass, however many move.
    let mut copied = 0;
    for (i, comment) in comments.iter_mut().enumerate() {
        let Some(c) = incoming.get(comment.id.as_str()) else {
            continue;
        };
        if comment.replied_to.is_none()
            || (&comment.parent, &comment.replied_to) == (&c.parent, &c.replied_to)
        {
            continue;
        }
        let Some(&start) = items.get(i) else { continue };
        let end = items.get(i + 1).copied().unwrap_or(lines.len() + 1);
        let (from, to) = (start - 1, (end - 1).min(lines.len()));
        if from < copied || from >= to {
            continue;
        }
        if let Some(entry) = renest(&lines[from..to], c) {
            out.extend(lines[copied..from].iter().copied());
            out.extend(entry);
            copied = to;
            comment.parent = c.parent.clone();
            comment.replied_to = c.replied_to.clone();
        }
    }
    out.extend(lines[copied..].iter().copied());
    (out, comments)
}

/// The lines of one entry with its `parent:` and `replied_to:` lines replaced by
/// those of `c`, just below its first line; `None` when the entry is not laid out
/// as an import writes it (`- id: …` first, one key a line).
fn renest(entry: &[&str], c: &NewComment) -> Option<Vec<String>> {
    let first = entry.first()?;
    let dash = first.len() - first.trim_start().len();
    if !first[dash..].starts_with("- id:") {
        return None;
    }
    let pad = " ".repeat(dash + 2);
    let is_key = |line: &str, key: &str| {
        line.strip_prefix(&pad)
            .is_some_and(|rest| rest.starts_with(&format!("{key}:")))
    };
    let mut out = vec![first.to_string()];
    if let Some(parent) = &c.parent {
        out.push(format!("{pad}parent: {}\n", yaml::quoted(parent)));
    }
    if let Some(replied_to) = &c.replied_to {
        out.push(format!("{pad}replied_to: {}\n", yaml::quoted(replied_to)));
    }
    out.extend(
        entry[1..]
            .iter()
            .filter(|l| !is_key(l, "parent") && !is_key(l, "replied_to"))
            .map(|l| l.to_string()),
    );
    Some(out)
}

/// `posts/x.md` → `posts/x.comments.yaml`.
pub(crate) fn thread_rel(doc_rel: &str) -> String {
    let stem = doc_rel.strip_suffix(".md").unwrap_or(doc_rel);
    format!("{stem}{THREAD_SUFFIX}")
}

/// The old text with entries for `new` added at its end, at the indentation its own
/// items use. A file without items (`comments: []`, or only YAML comments) is written
/// afresh, keeping its leading comment lines.
fn append(old_text: &str, old: &Thread, new: &[NewComment], shown: &Path) -> Result<String> {
    let items = yaml::sequence_item_lines(old_text, "comments");
    let Some(&first) = items.first() else {
        if !old.comments.is_empty() {
            return Err(Error::from(Diagnostic::new(
                Location::new(shown, Some(1)),
                "the import cannot add comments to a thread written as a flow list ([...])",
                "write `comments:` as a block list (one `- id: ...` item per comment), then import again",
            )));
        }
        let notes: String = old_text
            .lines()
            .take_while(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
            .map(|l| format!("{l}\n"))
            .collect();
        return Ok(format!("{notes}{}", text::thread(new)));
    };
    let line = old_text.lines().nth(first - 1).unwrap_or_default();
    let indent = line.len() - line.trim_start().len();
    let mut out = old_text.to_string();
    if !out.ends_with('\n') {
        out.push('\n');
    }
    for c in new {
        out.push_str(&text::entry(c, indent));
    }
    Ok(out)
}

/// Reads `new_text` back: it must be a valid thread holding `old` unchanged followed
/// by exactly `new`. Anything else is a bug here, and nothing is written.
fn verify(new_text: &str, shown: &Path, old: &[Comment], new: &[NewComment]) -> Result<()> {
    let parsed = parse_thread(new_text, shown).map_err(Error::Content)?;
    let same_old = parsed.comments.len() == old.len() + new.len()
        && parsed
            .comments
            .iter()
            .zip(old)
            .all(|(a, b)| same_data(a, b));
    let same_new = parsed.comments[old.len().min(parsed.comments.len())..]
        .iter()
        .zip(new)
        .all(|(p, c)| same_fetched(p, c, &Provenance::default()));
    if same_old && same_new {
        Ok(())
    } else {
        Err(Error::Other(format!(
            "{}: the import produced text that does not read back as intended; nothing was written (please report this)",
            shown.display()
        )))
    }
}

/// Equal comments, ignoring the line they start on (appending keeps old lines, but a
/// rewritten empty file may move them).
fn same_data(a: &Comment, b: &Comment) -> bool {
    a.id == b.id
        && a.parent == b.parent
        && a.replied_to == b.replied_to
        && a.author == b.author
        && a.url == b.url
        && a.date == b.date
        && a.role == b.role
        && a.body == b.body
        && a.source == b.source
        && a.via == b.via
        && a.state == b.state
        && a.warning == b.warning
        && a.edited == b.edited
}

/// Writes `text` to a temporary file beside `path` and renames it over `path`, so a
/// crash leaves either the old file or the new one, never half of one. The temporary
/// name starts with a dot and ends in `.tmp`, which content discovery ignores.
/// A temporary file beside `path`, renamed to it once complete.
fn temporary(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let tmp = temporary(path);
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        fs::rename(&tmp, path)
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::io(path, "cannot write", e)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::Role;

    fn comment(id: &str, parent: Option<&str>) -> NewComment {
        NewComment {
            id: id.into(),
            parent: parent.map(Into::into),
            replied_to: None,
            author: Some(format!("Reader {id}")),
            url: None,
            date: None,
            role: Role::Reader,
            body: format!("<p>Comment {id}</p>"),
        }
    }

    fn site() -> (tempfile::TempDir, ContentWriter) {
        let dir = tempfile::tempdir().unwrap();
        let writer = ContentWriter::new(dir.path()).unwrap();
        (dir, writer)
    }

    #[test]
    fn merging_twice_changes_nothing_and_keeps_hand_edits() {
        let (dir, writer) = site();
        let first = writer
            .merge_thread(
                "posts/a.md",
                vec![comment("1", None), comment("2", Some("1"))],
            )
            .unwrap();
        assert_eq!((first.added, first.created), (2, true));
        let path = dir.path().join("content/posts/a.comments.yaml");
        let mut edited = fs::read_to_string(&path).unwrap();
        edited = edited.replace("Comment 1", "Comment one, edited");
        edited.push_str(
            "  # my reply:\n  - id: mine\n    parent: \"1\"\n    role: author\n    body: Thanks!\n",
        );
        fs::write(&path, &edited).unwrap();

        let again = writer
            .merge_thread(
                "posts/a.md",
                vec![comment("1", None), comment("2", Some("1"))],
            )
            .unwrap();
        assert_eq!((again.added, again.present), (0, 2));
        assert_eq!(fs::read_to_string(&path).unwrap(), edited);

        let newer = writer
            .merge_thread(
                "posts/a.md",
                vec![comment("1", None), comment("3", Some("mine"))],
            )
            .unwrap();
        assert_eq!(newer.added, 1);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(&edited));
        let thread = parse_thread(&text, Path::new("t")).unwrap();
        assert_eq!(thread.comments.len(), 4);
    }

    #[test]
    fn a_reattached_reply_moves_back_unless_its_record_was_taken_out() {
        let (dir, writer) = site();
        let reattached = |id: &str| NewComment {
            replied_to: Some("2".into()),
            ..comment(id, Some("1"))
        };
        writer
            .merge_thread(
                "posts/a.md",
                vec![comment("1", None), reattached("3"), reattached("4")],
            )
            .unwrap();
        let path = dir.path().join("content/posts/a.comments.yaml");
        // Reply 4 was placed by hand: without `replied_to:` it stays where it is.
        let mut edited = fs::read_to_string(&path).unwrap();
        let last = edited.rfind("    replied_to: \"2\"\n").unwrap();
        edited.replace_range(last..last + "    replied_to: \"2\"\n".len(), "");
        fs::write(&path, &edited).unwrap();
        let outcome = writer
            .merge_thread(
                "posts/a.md",
                vec![
                    comment("1", None),
                    comment("2", Some("1")),
                    comment("3", Some("2")),
                    comment("4", Some("2")),
                ],
            )
            .unwrap();
        assert_eq!((outcome.added, outcome.restored), (1, 1));
        let thread = parse_thread(&fs::read_to_string(&path).unwrap(), Path::new("t")).unwrap();
        let nesting: Vec<_> = thread
            .comments
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.replied_to.as_deref()))
            .collect();
        assert_eq!(
            nesting,
            vec![
                ("1", None, None),
                ("3", Some("2"), None),
                ("4", Some("1"), None),
                ("2", Some("1"), None)
            ]
        );
    }

    #[test]
    fn another_comment_under_the_same_id_is_kept_and_the_imported_one_renamed() {
        let (dir, writer) = site();
        let path = dir.path().join("content/about.comments.yaml");
        let mine = "comments:\n  - id: \"1\"\n    author: \"Me\"\n    body: Mine\n";
        fs::write(&path, mine).unwrap();
        let import = || vec![comment("1", None), comment("2", Some("1"))];
        let outcome = writer.merge_thread("about.md", import()).unwrap();
        assert_eq!(outcome.renamed, vec![("1".to_string(), "1-2".to_string())]);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.starts_with(mine), "{text}");
        let thread = parse_thread(&text, Path::new("t")).unwrap();
        assert_eq!(thread.comments[2].parent.as_deref(), Some("1-2"));
        let again = writer.merge_thread("about.md", import()).unwrap();
        assert_eq!((again.added, again.present), (0, 2));
        assert_eq!(fs::read_to_string(&path).unwrap(), text);
    }

    #[test]
    fn appends_at_the_files_own_indentation() {
        let (dir, writer) = site();
        let path = dir.path().join("content/about.comments.yaml");
        fs::write(&path, "comments:\n- id: \"1\"\n  body: hi").unwrap();
        writer
            .merge_thread("about.md", vec![comment("2", Some("1"))])
            .unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("comments:\n- id: \"1\"\n  body: hi\n- id: \"2\"\n  parent: \"1\"\n"),
            "{text}"
        );
    }

    #[test]
    fn an_empty_thread_file_is_filled() {
        let (dir, writer) = site();
        let path = dir.path().join("content/about.comments.yaml");
        fs::write(&path, "# keep me\ncomments: []\n").unwrap();
        writer
            .merge_thread("about.md", vec![comment("1", None)])
            .unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# keep me\ncomments:\n  - id: \"1\"\n"),
            "{text}"
        );
    }

    #[test]
    fn a_broken_thread_file_is_not_touched() {
        let (dir, writer) = site();
        let path = dir.path().join("content/about.comments.yaml");
        fs::write(&path, "comments:\n  - id: 1\n    parent: 7\n").unwrap();
        let err = writer
            .merge_thread("about.md", vec![comment("2", None)])
            .unwrap_err();
        assert!(
            err.to_string().contains("content/about.comments.yaml:3"),
            "{err}"
        );
        assert_eq!(
            fs::read_to_string(&path).unwrap(),
            "comments:\n  - id: 1\n    parent: 7\n"
        );
    }

    #[test]
    fn paths_outside_content_are_refused() {
        let (dir, writer) = site();
        for bad in ["../x.md", "/etc/x.md", "posts/../../x.md", ""] {
            assert!(writer.create_document(bad, "x").is_err(), "{bad}");
        }
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            std::os::unix::fs::symlink(outside.path(), dir.path().join("content/link")).unwrap();
            assert!(writer.create_document("link/x.md", "x").is_err());
            assert!(writer.create_document("link/deeper/x.md", "x").is_err());
            assert_eq!(fs::read_dir(outside.path()).unwrap().count(), 0);
            // A thread file linked from outside is neither read nor replaced.
            let secret = outside.path().join("a.comments.yaml");
            fs::write(&secret, "comments:\n  - id: \"s\"\n    body: secret\n").unwrap();
            let thread = dir.path().join("content/a.comments.yaml");
            std::os::unix::fs::symlink(&secret, &thread).unwrap();
            let err = writer
                .merge_thread("a.md", vec![comment("2", None)])
                .unwrap_err();
            assert!(err.to_string().contains("this file is a link to"), "{err}");
            assert!(thread.is_symlink());
        }
        assert!(writer.create_document("posts/ok.md", "x").unwrap());
        assert!(!writer.create_document("posts/ok.md", "y").unwrap());
        assert_eq!(
            fs::read_to_string(dir.path().join("content/posts/ok.md")).unwrap(),
            "x"
        );
    }
}
