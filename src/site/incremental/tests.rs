//! `serve`'s updates against the oracle: random small sites, edited at random in
//! batches as a watcher reports them, must be served exactly as a full build writes
//! them, after a start from the saved state (every post an outline) or from a full
//! build. Dates tie across posts, pages go undated, and threads hold mentions, the
//! author's replies, withdrawn and pending comments: what the site-wide pages and
//! feeds choose among.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::{Incremental, Update};
use crate::site::output::OutputLock;
use crate::site::BuildOptions;

/// Seven posts then three pages.
const ENTRIES: [&str; 10] = [
    "content/posts/p0",
    "content/posts/p1",
    "content/posts/p2",
    "content/posts/p3",
    "content/posts/p4",
    "content/posts/p5",
    "content/posts/p6",
    "content/pg0",
    "content/pg1",
    "content/pg2",
];
const POSTS: usize = 7;

const POST_DATES: [&str; 3] = [
    "2021-03-02T10:00:00Z",
    "2021-02-01T10:00:00Z",
    "2021-03-05T10:00:00Z",
];
const COMMENT_DATES: [&str; 3] = [
    "2021-03-01T10:00:00Z",
    "2021-03-02T10:00:00Z",
    "2021-03-03T10:00:00Z",
];
const AUTHORS: [&str; 4] = ["Ann", "Bob", "Cy", "Pauline"];

#[derive(Debug, Clone)]
struct Comment {
    parent: Option<prop::sample::Index>,
    author: usize,
    date: Option<usize>,
    /// 0: a mention, 1: the author's reply, else a reader's comment.
    role: u8,
    /// 0: withdrawn, 1: pending, else published.
    state: u8,
}

/// What an entry's markdown file says.
#[derive(Debug, Clone)]
struct Doc {
    /// A post's date (a page's, or none).
    date: Option<usize>,
    draft: bool,
    tag: Option<usize>,
    /// Its summary marked with `<!-- more -->`.
    more: bool,
}

#[derive(Debug, Clone)]
enum Edit {
    /// The entry's markdown file written.
    Document { entry: usize, doc: Doc },
    /// The entry's thread file written or (`None`) deleted; a deleted post's markdown
    /// file written again first.
    Thread {
        entry: usize,
        comments: Option<Vec<Comment>>,
    },
    /// The entry's markdown file and thread file deleted.
    Delete { entry: usize },
    /// The entry's thread file (and with `md` its markdown file) reported changed,
    /// written again as it was, or not there at all.
    Unchanged { entry: usize, md: bool },
}

impl Edit {
    /// The entry's markdown file written, dated, with nothing else set.
    fn dated(entry: usize, date: usize) -> Edit {
        let doc = Doc {
            date: Some(date),
            draft: false,
            tag: None,
            more: false,
        };
        Edit::Document { entry, doc }
    }
}

fn comment() -> impl Strategy<Value = Comment> {
    (
        prop::option::of(any::<prop::sample::Index>()),
        0..AUTHORS.len(),
        prop::option::weighted(0.8, 0..COMMENT_DATES.len()),
        0..6u8,
        0..6u8,
    )
        .prop_map(|(parent, author, date, role, state)| Comment {
            parent,
            author,
            date,
            role,
            state,
        })
}

fn thread() -> impl Strategy<Value = Option<Vec<Comment>>> {
    prop::option::weighted(0.85, prop::collection::vec(comment(), 0..5))
}

fn doc(drafts: f64) -> impl Strategy<Value = Doc> {
    (
        prop::option::weighted(0.8, 0..POST_DATES.len()),
        prop::bool::weighted(drafts),
        prop::option::of(0..2usize),
        any::<bool>(),
    )
        .prop_map(|(date, draft, tag, more)| Doc {
            date,
            draft,
            tag,
            more,
        })
}

fn edit() -> impl Strategy<Value = Edit> {
    let entry = || 0..ENTRIES.len();
    prop_oneof![
        2 => (entry(), doc(0.15)).prop_map(|(entry, doc)| Edit::Document { entry, doc }),
        4 => (entry(), thread()).prop_map(|(entry, comments)| Edit::Thread { entry, comments }),
        1 => entry().prop_map(|entry| Edit::Delete { entry }),
        1 => (entry(), any::<bool>()).prop_map(|(entry, md)| Edit::Unchanged { entry, md }),
    ]
}

/// Every entry's document and thread, in one edit each.
fn site_edits() -> impl Strategy<Value = Vec<Edit>> {
    let entries: Vec<_> = (0..ENTRIES.len())
        .map(|entry| {
            (doc(0.0), thread()).prop_map(move |(doc, comments)| {
                [
                    Edit::Document { entry, doc },
                    Edit::Thread { entry, comments },
                ]
            })
        })
        .collect();
    entries.prop_map(|pairs| pairs.into_iter().flatten().collect())
}

/// Writes `edit`, its text marked with `version` so that no two writes agree by
/// chance; the paths it changed, relative to `root`.
fn apply(root: &Path, edit: &Edit, version: usize) -> Vec<PathBuf> {
    let markdown = |entry: usize| PathBuf::from(format!("{}.md", ENTRIES[entry]));
    let thread = |entry: usize| PathBuf::from(format!("{}.comments.yaml", ENTRIES[entry]));
    match edit {
        Edit::Document { entry, doc } => vec![write_document(root, *entry, doc, version)],
        Edit::Thread { entry, comments } => {
            let mut paths = Vec::new();
            if !root.join(markdown(*entry)).is_file() {
                paths.extend(apply(root, &Edit::dated(*entry, 0), version));
            }
            let rel = thread(*entry);
            match comments {
                Some(comments) => {
                    let text = thread_file(*entry, comments, version);
                    paths.push(write(root, &rel.to_string_lossy(), &text));
                }
                None => {
                    let _ = std::fs::remove_file(root.join(&rel));
                    paths.push(rel);
                }
            }
            paths
        }
        Edit::Delete { entry } => [markdown(*entry), thread(*entry)]
            .into_iter()
            .inspect(|rel| {
                let _ = std::fs::remove_file(root.join(rel));
            })
            .collect(),
        Edit::Unchanged { entry, md } => {
            let mut paths = vec![thread(*entry)];
            paths.extend(md.then(|| markdown(*entry)));
            for rel in &paths {
                if let Ok(bytes) = std::fs::read(root.join(rel)) {
                    std::fs::write(root.join(rel), bytes).unwrap();
                }
            }
            paths
        }
    }
}

fn write_document(root: &Path, entry: usize, doc: &Doc, version: usize) -> PathBuf {
    let date = match doc.date {
        // A post has a date, or it is not published.
        None if entry < POSTS && !doc.draft => Some(0),
        date => date,
    };
    let mut front = date.map_or(String::new(), |d| format!("date: {}\n", POST_DATES[d]));
    if doc.draft {
        front += "draft: true\n";
    }
    if let Some(tag) = doc.tag {
        front += &format!("tags: [t{tag}]\n");
    }
    let body = match doc.more {
        true => format!("Lead {entry} v{version}.\n\n<!-- more -->\n\nText {entry}.\n"),
        false => format!("Text {entry} v{version}.\n"),
    };
    let text = format!("---\ntitle: Entry {entry}\n{front}---\n{body}");
    write(root, &format!("{}.md", ENTRIES[entry]), &text)
}

fn thread_file(entry: usize, comments: &[Comment], version: usize) -> String {
    let mut text = String::from("comments:\n");
    if comments.is_empty() {
        return "comments: []\n".into();
    }
    for (i, c) in comments.iter().enumerate() {
        text += &format!("  - id: \"c{i}\"\n");
        if let Some(parent) = c.parent.filter(|_| i > 0) {
            text += &format!("    parent: \"c{}\"\n", parent.index(i));
        }
        text += &format!("    author: \"{}\"\n", AUTHORS[c.author]);
        if let Some(d) = c.date {
            text += &format!("    date: {}\n", COMMENT_DATES[d]);
        }
        match c.role {
            0 => text += "    role: mention\n",
            1 => text += "    role: author\n",
            _ => {}
        }
        match c.state {
            0 => text += "    state: withdrawn\n",
            1 => text += "    state: pending\n",
            _ => {}
        }
        text += &format!("    body: \"Comment {i} on {entry}, v{version}.\"\n");
    }
    text
}

fn write(root: &Path, rel: &str, text: &str) -> PathBuf {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
    PathBuf::from(rel)
}

/// Dates every file under `content/` an hour back, as if saved a while ago: the
/// saved state trusts a file's fingerprint only once it is that old.
fn settle(root: &Path) {
    let then = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for path in paths_under(&root.join("content")) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(then).unwrap();
    }
}

fn paths_under(dir: &Path) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            match path.is_dir() {
                true => stack.push(path),
                false => paths.push(path),
            }
        }
    }
    paths
}

/// Every file under `dir`, by its path inside it, with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let read = |path: PathBuf| {
        let bytes = std::fs::read(&path).unwrap();
        (path.strip_prefix(dir).unwrap().to_path_buf(), bytes)
    };
    paths_under(dir).into_iter().map(read).collect()
}

fn options(root: &Path, output: &str) -> BuildOptions {
    let mut options = BuildOptions::new(root);
    options.output = Some(root.join(output));
    options.base_url = Some("http://127.0.0.1:1111/".into());
    options.now = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
        .unwrap()
        .into();
    options
}

/// The first file of `served` that differs from a full build's, with both texts.
fn differs_from_a_full_build(root: &Path) -> Option<String> {
    let fresh = BuildOptions {
        fresh: true,
        ..options(root, "fresh")
    };
    crate::build(&fresh).unwrap();
    let (served, full) = (files(&root.join("public")), files(&root.join("fresh")));
    if served.keys().ne(full.keys()) {
        return Some(format!(
            "files {:?}, a full build's {:?}",
            served.keys(),
            full.keys()
        ));
    }
    let (file, bytes) = served.iter().find(|(file, bytes)| full[*file] != **bytes)?;
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    Some(format!(
        "{}:\n{}\n--- a full build's:\n{}",
        file.display(),
        text(bytes),
        text(&full[file])
    ))
}

/// How a case's site is configured and served.
#[derive(Debug)]
struct Setup {
    /// The comments and posts its feeds show.
    feeds: (usize, usize),
    /// Started from the state a full build saved, every post an outline.
    warm: bool,
    /// Each batch's files dated back as if saved a while ago, so that their
    /// fingerprints are trusted (`state::same_thread_file`).
    settled: bool,
}

fn served_as_built(
    setup: &Setup,
    site: &[Edit],
    before_start: &[Edit],
    batches: &[Vec<Edit>],
) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let (comments, posts) = setup.feeds;
    let config = format!("title = \"Test\"\nbase_url = \"https://blog.example/\"\n\n[author]\nname = \"Pauline\"\n\n[feeds]\ncomments = {comments}\nposts = {posts}\n");
    write(root, "site.toml", &config);
    for edit in site {
        apply(root, edit, 0);
    }
    settle(root);
    crate::build(&options(root, "public")).unwrap();
    for edit in before_start {
        apply(root, edit, 1);
    }
    settle(root);
    // A full build takes the output's lock itself.
    let lock = (setup.warm).then(|| OutputLock::try_take(&root.join("public")).unwrap().unwrap());
    let start = || match &lock {
        Some(lock) => Incremental::build_warm(&options(root, "public"), lock),
        None => Incremental::build(&options(root, "public")),
    };
    let mut served = start().unwrap().0;
    if let Some(diff) = differs_from_a_full_build(root) {
        return Err(TestCaseError::fail(format!("at the start, {diff}")));
    }
    for (step, batch) in batches.iter().enumerate() {
        let mut paths: Vec<PathBuf> = (batch.iter())
            .flat_map(|e| apply(root, e, 2 + step))
            .collect();
        if setup.settled {
            settle(root);
        }
        paths.sort();
        paths.dedup();
        match served.update(&paths) {
            Ok(Update::NeedsFullBuild) => served = start().unwrap().0,
            Ok(Update::Partial { .. }) => {}
            Err(e) => return Err(TestCaseError::fail(format!("after {paths:?}: {e}"))),
        }
        if let Some(diff) = differs_from_a_full_build(root) {
            return Err(TestCaseError::fail(format!("after {paths:?}, {diff}")));
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn updates_serve_what_a_full_build_writes(
        feeds in (0..5usize, 1..5usize),
        warm in any::<bool>(),
        settled in any::<bool>(),
        site in site_edits(),
        before_start in prop::collection::vec(edit(), 0..3),
        batches in prop::collection::vec(prop::collection::vec(edit(), 1..4), 1..8),
    ) {
        let setup = Setup { feeds, warm, settled };
        served_as_built(&setup, &site, &before_start, &batches)?;
    }
}

/// After a start from the state of a full build, which took each thread's revision
/// from its file's fingerprint without reading it, a post's text edited leaves its
/// thread as it was: the conversations page is not rendered again.
#[cfg(unix)]
#[test]
fn a_post_edited_after_a_start_leaves_the_conversations_page() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n",
    );
    let comment = Comment {
        parent: None,
        author: 0,
        date: Some(1),
        role: 5,
        state: 5,
    };
    for entry in 0..2 {
        apply(root, &Edit::dated(entry, entry), 0);
        let comments = Some(vec![comment.clone(), comment.clone()]);
        apply(root, &Edit::Thread { entry, comments }, 0);
    }
    settle(root);
    crate::build(&options(root, "public")).unwrap();
    let lock = OutputLock::try_take(&root.join("public")).unwrap().unwrap();
    let mut served = Incremental::build_warm(&options(root, "public"), &lock)
        .unwrap()
        .0;
    let page = root.join("public/engagement/index.html");
    let written = || std::fs::metadata(&page).unwrap().ino();
    let before = written();
    let edited = apply(root, &Edit::dated(0, 0), 1);
    assert!(matches!(
        served.update(&edited).unwrap(),
        Update::Partial { .. }
    ));
    assert_eq!(
        written(),
        before,
        "the conversations page was written again"
    );
    assert_eq!(differs_from_a_full_build(root), None);
    // Its thread then edited: the page shows it.
    let comments = Some(vec![comment.clone()]);
    let edited = apply(root, &Edit::Thread { entry: 0, comments }, 2);
    assert!(matches!(
        served.update(&edited).unwrap(),
        Update::Partial { .. }
    ));
    assert_ne!(written(), before, "the conversations page shows the thread");
    assert_eq!(differs_from_a_full_build(root), None);
}

/// A site of three dated posts whose posts feed shows two, built, then started from
/// its state: every post an outline, the body of the oldest kept without its text.
fn started_with_a_feed_of_two(root: &Path) -> (OutputLock, Incremental) {
    let config = "title = \"Test\"\nbase_url = \"https://blog.example/\"\n\n[feeds]\nposts = 2\n";
    write(root, "site.toml", config);
    // `POST_DATES` newest first.
    for (entry, date) in [2, 0, 1].into_iter().enumerate() {
        apply(root, &Edit::dated(entry, date), 0);
    }
    settle(root);
    crate::build(&options(root, "public")).unwrap();
    let lock = OutputLock::try_take(&root.join("public")).unwrap().unwrap();
    let served = Incremental::build_warm(&options(root, "public"), &lock)
        .unwrap()
        .0;
    (lock, served)
}

/// The oldest post enters the posts feed (the newest deleted) in the same update as a
/// change reported for its thread, which changes nothing of its page: the feed shows
/// its text, which the state did not keep. Also when that update leaves no post an
/// outline (the other post's thread reported too).
#[test]
fn a_post_entering_the_feed_with_its_page_unchanged_shows_its_text() {
    let threads: [&[&str]; 2] = [&["p2"], &["p1", "p2"]];
    for threads in threads {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let (_lock, mut served) = started_with_a_feed_of_two(root);
        std::fs::remove_file(root.join("content/posts/p0.md")).unwrap();
        let mut changed = vec![PathBuf::from("content/posts/p0.md")];
        changed.extend(
            threads
                .iter()
                .map(|p| format!("content/posts/{p}.comments.yaml").into()),
        );
        assert!(matches!(
            served.update(&changed).unwrap(),
            Update::Partial { .. }
        ));
        let feed = std::fs::read_to_string(root.join("public/atom.xml")).unwrap();
        assert!(feed.contains("Text 2 v0."), "{threads:?}: {feed}");
        assert_eq!(differs_from_a_full_build(root), None, "{threads:?}");
    }
}
