//! Watching the site's sources with `notify`: turns raw file-system events into a
//! debounced batch of [`Change`]s under content/, static/, templates/, themes/ and
//! site.toml. Editor temp and swap files and the output folder are left out; what to
//! rebuild is `rebuild.rs`'s business.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::content::{is_ignored, THREAD_SUFFIX};
use crate::error::{Error, Result};
use crate::serve::state::Reload;

/// The folders below the root whose every change matters.
const WATCHED_DIRS: [&str; 4] = ["content", "static", "templates", "themes"];
const CONFIG_FILE: &str = "site.toml";

/// Quiet time that ends a batch: editors save in several steps (write a temp file,
/// rename it over, touch metadata), and one save must cause one rebuild.
const QUIET: Duration = Duration::from_millis(20);
/// Quiet time that ends a batch once every changed file was closed after writing or
/// renamed into place: what is left of a save then follows within microseconds
/// (its metadata), and the page should not wait for the whole `QUIET`.
const SETTLED: Duration = Duration::from_millis(3);
/// A batch ends after this long even if events keep coming (a large copy, a
/// `git checkout`), so the browser does not wait for the end of the storm.
const MAX_BATCH: Duration = Duration::from_secs(1);
/// How long a batch waits for a command that holds `WRITING` (`rapport fetch`), and
/// after how long a marker that was left behind (the command was killed) is ignored.
const MAX_WRITING: Duration = Duration::from_secs(60);

/// The file in the site's root that a command writing many sources at once holds
/// while it writes them (`Writing`): the watcher makes one batch of all of them,
/// however long each takes to reach the disk.
const WRITING: &str = ".rapport-writing";

/// Held by a command while it writes several sources of the site at `root`, so that
/// `serve --watch` rebuilds once for all of them; the marker goes when it is dropped.
pub struct Writing {
    marker: PathBuf,
}

impl Writing {
    /// Best effort: without the marker (a read-only root), a watcher may only
    /// rebuild more than once.
    pub fn start(root: &Path) -> Writing {
        use std::io::Write;
        let marker = root.join(WRITING);
        // A new file only: whatever is at the name (a marker a killed command left, a
        // link planted in the site) goes, and is never written through.
        let _ = std::fs::remove_file(&marker);
        let created = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&marker);
        if let Ok(mut file) = created {
            let _ = write!(file, "{}", std::process::id());
        }
        Writing { marker }
    }
}

impl Drop for Writing {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.marker);
    }
}

/// Whether a command is writing sources of the site at `root` now (`Writing`).
fn writer_at_work(root: &Path) -> bool {
    let modified = std::fs::metadata(root.join(WRITING)).and_then(|m| m.modified());
    modified.is_ok_and(|t| t.elapsed().is_ok_and(|age| age < MAX_WRITING))
}

/// What kind of source a changed file is; decides how much has to be rebuilt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    /// A post, page or asset under content/.
    Content,
    /// A thread file (`X.comments.yaml`).
    Thread,
    /// A template, site-local or a theme's.
    Template,
    /// A file under static/ or a theme's static/.
    Static,
    /// site.toml.
    Config,
}

/// One changed (created, modified, deleted or renamed) path.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Relative to the site root, e.g. `content/posts/hello.md`.
    pub path: PathBuf,
    pub kind: ChangeKind,
}

/// What a page should do after a rebuild for `changes`.
pub(super) fn reload_for(changes: &[Change]) -> Reload {
    let css_only = !changes.is_empty()
        && changes.iter().all(|c| {
            c.kind == ChangeKind::Static && c.path.extension().is_some_and(|e| e == "css")
        });
    if css_only {
        Reload::Css
    } else {
        Reload::Page
    }
}

/// Classifies a path relative to the site root; `None` for anything serve ignores.
pub(super) fn classify(rel: &Path) -> Option<ChangeKind> {
    // Told by their names made readable: a name that is not UTF-8 is content too,
    // and what tells a file's kind (`content`, `.md`, `.comments.yaml`) is ASCII.
    let names: Vec<std::borrow::Cow<'_, str>> = rel
        .components()
        .map(|c| match c {
            Component::Normal(name) => Some(name.to_string_lossy()),
            _ => None,
        })
        .collect::<Option<_>>()?;
    let names: Vec<&str> = names.iter().map(|n| &**n).collect();
    if names.iter().any(|n| is_ignored(n)) {
        return None;
    }
    match names.as_slice() {
        [CONFIG_FILE] => Some(ChangeKind::Config),
        ["content", .., last] if last.ends_with(THREAD_SUFFIX) => Some(ChangeKind::Thread),
        ["content", ..] => Some(ChangeKind::Content),
        ["static", ..] => Some(ChangeKind::Static),
        ["templates", ..] => Some(ChangeKind::Template),
        ["themes", _, "static", ..] => Some(ChangeKind::Static),
        // A theme's templates, or anything else about a theme: rebuild all of it.
        ["themes", ..] => Some(ChangeKind::Template),
        _ => None,
    }
}

/// The watcher and the events it has sent but that were not yet batched.
pub(super) struct Watch {
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    output: PathBuf,
}

/// One debounced batch.
#[derive(Debug, Default)]
pub(super) struct Batch {
    /// Sorted and without duplicates.
    pub(super) changes: Vec<Change>,
    /// What the watcher itself reported (e.g. too many files to watch).
    pub(super) errors: Vec<String>,
}

impl Watch {
    /// Starts watching the site at `root` (both paths canonical), whose build goes to
    /// `output`.
    pub(super) fn start(root: &Path, output: &Path) -> Result<Watch> {
        let (tx, events) = mpsc::channel();
        let watcher = notify::recommended_watcher(tx).map_err(|e| watch_error(root, e))?;
        let mut watch = Watch {
            watcher,
            events,
            root: root.to_path_buf(),
            output: output.to_path_buf(),
        };
        // The root itself only for site.toml and for source folders appearing later;
        // watching it recursively would also see the output and editor clutter.
        watch
            .watcher
            .watch(root, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(root, e))?;
        for dir in WATCHED_DIRS {
            watch.watch_dir(dir)?;
        }
        Ok(watch)
    }

    /// Blocks until some relevant change happened and the events have settled.
    /// `None` when the watcher has stopped.
    pub(super) fn next_batch(&mut self) -> Option<Batch> {
        loop {
            let first = self.events.recv().ok()?;
            let mut batch = BatchBuilder::default();
            self.add(&mut batch, first);
            let started = Instant::now();
            let mut writing = false;
            loop {
                let quiet = match batch.unsettled.is_empty() {
                    true => SETTLED,
                    false => QUIET,
                };
                let left = MAX_BATCH.saturating_sub(started.elapsed());
                let wait = if writing { quiet } else { quiet.min(left) };
                let ended = match self.events.recv_timeout(wait) {
                    Ok(event) => {
                        self.add(&mut batch, event);
                        !writing && left.is_zero()
                    }
                    Err(RecvTimeoutError::Timeout) => true,
                    Err(RecvTimeoutError::Disconnected) => break,
                };
                // A command writing many sources holds the marker until it has
                // written them all: they are one change.
                writing = ended && writer_at_work(&self.root) && started.elapsed() < MAX_WRITING;
                if ended && !writing {
                    break;
                }
            }
            let batch = self.finish(batch);
            if !batch.changes.is_empty() || !batch.errors.is_empty() {
                return Some(batch);
            }
        }
    }

    fn add(&self, batch: &mut BatchBuilder, event: notify::Result<notify::Event>) {
        match event {
            Ok(event) => {
                let complete = completes(&event.kind);
                for change in sources_in(&event, &self.root, &self.output) {
                    match complete {
                        Some(true) => batch.unsettled.remove(&change.path),
                        Some(false) => batch.unsettled.insert(change.path.clone()),
                        None => false,
                    };
                }
                for change in changes_in(&event, &self.root, &self.output) {
                    batch.changes.insert(change.path.clone(), change);
                }
            }
            Err(e) => batch.errors.push(e.to_string()),
        }
    }

    fn finish(&mut self, mut batch: BatchBuilder) -> Batch {
        // A source folder that was (re)created needs a watch of its own: inotify drops
        // a watch with its folder, e.g. when a `git checkout` replaces it.
        for change in batch.changes.values() {
            if let Some(dir) = change.path.to_str().filter(|p| WATCHED_DIRS.contains(p)) {
                if let Err(e) = self.watch_dir(dir) {
                    batch.errors.push(e.to_string());
                }
            }
        }
        Batch {
            changes: batch.changes.into_values().collect(),
            errors: batch.errors,
        }
    }

    fn watch_dir(&mut self, dir: &str) -> Result<()> {
        let path = self.root.join(dir);
        if !path.is_dir() {
            return Ok(());
        }
        self.watcher
            .watch(&path, RecursiveMode::Recursive)
            .map_err(|e| watch_error(&path, e))
    }
}

#[derive(Default)]
struct BatchBuilder {
    changes: BTreeMap<PathBuf, Change>,
    /// Changed files that may still be being written: not closed since, nor renamed
    /// into place, or gone.
    unsettled: BTreeSet<PathBuf>,
    errors: Vec<String>,
}

/// Whether an event leaves its files whole (`Some(true)`: closed after writing, or
/// renamed into place), perhaps not (`Some(false)`: created, written, removed or
/// renamed away), or says nothing of it (`None`).
fn completes(kind: &EventKind) -> Option<bool> {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write))
        | EventKind::Modify(ModifyKind::Name(RenameMode::To)) => Some(true),
        EventKind::Access(_)
        | EventKind::Modify(ModifyKind::Metadata(_))
        | EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => None,
        _ => Some(false),
    }
}

/// The relevant changes one event reports; reads (`Access`) change nothing.
fn changes_in(event: &notify::Event, root: &Path, output: &Path) -> Vec<Change> {
    if matches!(event.kind, EventKind::Access(_)) {
        return Vec::new();
    }
    sources_in(event, root, output)
}

/// The sources one event is about, whatever happened to them.
fn sources_in(event: &notify::Event, root: &Path, output: &Path) -> Vec<Change> {
    event
        .paths
        .iter()
        .filter(|p| !p.starts_with(output))
        .filter_map(|p| {
            let rel = p.strip_prefix(root).ok()?;
            let kind = classify(rel)?;
            Some(Change {
                path: rel.to_path_buf(),
                kind,
            })
        })
        .collect()
}

fn watch_error(path: &Path, e: notify::Error) -> Error {
    let help = match e.kind {
        notify::ErrorKind::MaxFilesWatch => {
            "raise the limit, e.g. sysctl fs.inotify.max_user_watches=524288, or serve without --watch"
        }
        _ => "serve without --watch, or check that the folder is readable",
    };
    Error::problem(
        format!("{}: cannot watch for changes: {e}", path.display()),
        help,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use notify::event::{CreateKind, ModifyKind, RenameMode};

    #[test]
    fn classifies_sources_and_ignores_the_rest() {
        let kind = |p: &str| classify(Path::new(p));
        assert_eq!(kind("site.toml"), Some(ChangeKind::Config));
        assert_eq!(kind("content/posts/a.md"), Some(ChangeKind::Content));
        assert_eq!(
            kind("content/posts/trip/map.png"),
            Some(ChangeKind::Content)
        );
        assert_eq!(
            kind("content/posts/a.comments.yaml"),
            Some(ChangeKind::Thread)
        );
        assert_eq!(kind("static/extra.css"), Some(ChangeKind::Static));
        assert_eq!(kind("themes/t/static/style.css"), Some(ChangeKind::Static));
        assert_eq!(
            kind("themes/t/templates/post.html"),
            Some(ChangeKind::Template)
        );
        assert_eq!(kind("templates/post.html"), Some(ChangeKind::Template));
        assert_eq!(kind("content"), Some(ChangeKind::Content));
        for ignored in [
            "public/index.html",
            ".public.rapport-new/x",
            "content/posts/.a.md.swp",
            "content/posts/a.md~",
            "content/posts/#a.md#",
            "content/.git/HEAD",
            "README.md",
            "site.toml~",
        ] {
            assert_eq!(kind(ignored), None, "{ignored}");
        }
    }

    #[test]
    fn css_alone_refreshes_styles() {
        let change = |p: &str| Change {
            path: p.into(),
            kind: classify(Path::new(p)).unwrap(),
        };
        assert_eq!(reload_for(&[change("static/a.css")]), Reload::Css);
        assert_eq!(
            reload_for(&[change("static/a.css"), change("static/a.js")]),
            Reload::Page
        );
        assert_eq!(reload_for(&[change("content/a.css")]), Reload::Page);
    }

    #[test]
    fn a_file_is_whole_once_closed_after_writing_or_renamed_into_place() {
        use notify::event::{DataChange, MetadataKind, RemoveKind};
        let whole = [
            EventKind::Access(AccessKind::Close(AccessMode::Write)),
            EventKind::Modify(ModifyKind::Name(RenameMode::To)),
        ];
        let maybe_not = [
            EventKind::Create(CreateKind::File),
            EventKind::Modify(ModifyKind::Data(DataChange::Any)),
            EventKind::Modify(ModifyKind::Name(RenameMode::From)),
            EventKind::Remove(RemoveKind::File),
        ];
        let silent = [
            EventKind::Access(AccessKind::Close(AccessMode::Read)),
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::Any)),
        ];
        assert!(whole.iter().all(|k| completes(k) == Some(true)));
        assert!(maybe_not.iter().all(|k| completes(k) == Some(false)));
        assert!(silent.iter().all(|k| completes(k).is_none()));
    }

    #[test]
    fn a_writer_at_work_is_seen_until_it_is_done() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!writer_at_work(dir.path()));
        let writing = Writing::start(dir.path());
        assert!(writer_at_work(dir.path()));
        drop(writing);
        assert!(!writer_at_work(dir.path()));
    }

    #[test]
    fn events_become_changes_relative_to_the_root() {
        let root = Path::new("/site");
        let output = Path::new("/site/public");
        let rename = notify::Event::new(EventKind::Modify(ModifyKind::Name(RenameMode::Both)))
            .add_path("/site/content/posts/old.md".into())
            .add_path("/site/content/posts/new.md".into());
        let paths: Vec<PathBuf> = changes_in(&rename, root, output)
            .into_iter()
            .map(|c| c.path)
            .collect();
        assert_eq!(
            paths,
            [
                PathBuf::from("content/posts/old.md"),
                "content/posts/new.md".into()
            ]
        );
        let into_output = notify::Event::new(EventKind::Create(CreateKind::File))
            .add_path("/site/public/content/x.md".into());
        assert!(changes_in(&into_output, root, output).is_empty());
        let read = notify::Event::new(EventKind::Access(notify::event::AccessKind::Any))
            .add_path("/site/content/posts/a.md".into());
        assert!(changes_in(&read, root, output).is_empty());
    }
}
