//! Watching the site's sources with `notify`: turns raw file-system events into a
//! debounced batch of [`Change`]s under content/, static/, templates/, themes/ and
//! site.toml. Editor temp and swap files and the output folder are left out; what to
//! rebuild is `rebuild.rs`'s business.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

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
/// A batch ends after this long even if events keep coming (a large copy, a
/// `git checkout`), so the browser does not wait for the end of the storm.
const MAX_BATCH: Duration = Duration::from_secs(1);

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
    let names: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(name) => name.to_str(),
            _ => None,
        })
        .collect::<Option<_>>()?;
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
            let deadline = Instant::now() + MAX_BATCH;
            loop {
                let wait = QUIET.min(deadline.saturating_duration_since(Instant::now()));
                match self.events.recv_timeout(wait) {
                    Ok(event) => self.add(&mut batch, event),
                    Err(RecvTimeoutError::Timeout) => break,
                    Err(RecvTimeoutError::Disconnected) => break,
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
    errors: Vec<String>,
}

/// The relevant changes one event reports; reads (`Access`) change nothing.
fn changes_in(event: &notify::Event, root: &Path, output: &Path) -> Vec<Change> {
    if matches!(event.kind, EventKind::Access(_)) {
        return Vec::new();
    }
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
