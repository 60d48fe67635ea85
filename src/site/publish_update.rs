//! Publishing an incremental update. Every file is made first (`Staged`); only when
//! all of them are, each is renamed over the old one from a temporary name in its
//! folder, so a reader gets the old file or the new one, never a cut one, and a
//! failed update changes nothing.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use tempfile::TempPath;

use crate::error::{Error, Result};
use crate::site::output::{contained, Sink};

/// The files of an update of the folder `root`, held until published.
pub(crate) struct Staged {
    root: PathBuf,
    files: Mutex<Vec<(String, Held)>>,
}

/// A file of an update.
enum Held {
    Bytes(Vec<u8>),
    /// Written whole under a temporary name beside its place, removed if the update
    /// is not published: the search index and the sitemap, as large as a part of
    /// every post together (24 MB at 50,000 posts), which an update held in memory
    /// and then wrote.
    Written(TempPath),
}

impl Sink for Staged {
    fn write(&self, rel: &str, contents: &[u8]) -> Result<()> {
        self.hold(rel, Held::Bytes(contents.to_vec()))
    }

    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
    ) -> Result<()> {
        let path = contained(&self.root, rel)?;
        let temporary = temporary_path(&path)?;
        let mut out = BufWriter::with_capacity(1 << 16, create(&temporary)?);
        (fill(&mut out))
            .and_then(|()| out.into_inner().map(drop).map_err(|e| e.into_error()))
            .map_err(|e| Error::io(&temporary, "cannot write", e))?;
        self.hold(rel, Held::Written(temporary))
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<()> {
        // Read now: a source that went away fails the update before it writes.
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, "cannot copy", e))?;
        self.write(rel, &bytes)
    }
}

impl Staged {
    pub(crate) fn new(root: &Path) -> Staged {
        Staged {
            root: root.to_path_buf(),
            files: Mutex::default(),
        }
    }

    fn hold(&self, rel: &str, file: Held) -> Result<()> {
        // Refused now, before anything is published.
        contained(&self.root, rel)?;
        self.files
            .lock()
            .expect("no thread panics while holding this lock")
            .push((rel.to_string(), file));
        Ok(())
    }

    /// Removes the files at `gone` and the folders they leave empty, then puts every
    /// staged file in place: once a moved page shows at its new address, the old
    /// one is gone.
    pub(crate) fn publish(self, gone: &[&str]) -> Result<()> {
        let root = &self.root;
        let files = self
            .files
            .into_inner()
            .expect("no thread panics while holding this lock");
        for rel in gone {
            remove(root, &contained(root, rel)?)?;
        }
        for (rel, file) in files {
            let path = contained(root, &rel)?;
            match file {
                Held::Bytes(contents) => replace(&path, &contents)?,
                Held::Written(temporary) => (temporary.persist(&path))
                    .map_err(|e| Error::io(&path, "cannot replace", e.error))?,
            }
        }
        Ok(())
    }
}

/// A new file at `path`, its folder made if need be; a file or link left at that
/// name (by an update stopped short) is replaced, never written through.
fn create(path: &Path) -> Result<File> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "cannot create", e))?;
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(Error::io(path, "cannot replace", e))
        }
        _ => {}
    }
    (File::options().write(true).create_new(true).open(path))
        .map_err(|e| Error::io(path, "cannot write", e))
}

/// Writes `contents` beside `path`, then renames it over `path`: a rename within a
/// folder replaces the file in one step.
fn replace(path: &Path, contents: &[u8]) -> Result<()> {
    let temporary = temporary_path(path)?;
    (create(&temporary)?.write_all(contents))
        .map_err(|e| Error::io(&temporary, "cannot write", e))?;
    (temporary.persist(path)).map_err(|e| Error::io(path, "cannot replace", e.error))
}

/// Where the file at `path` is made before it is renamed there; removed when
/// dropped unless it was.
fn temporary_path(path: &Path) -> Result<TempPath> {
    TempPath::try_from_path(temporary_name(path)).map_err(|e| Error::io(path, "cannot write", e))
}

fn temporary_name(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.rapport-update"))
}

/// Removes the file at `path`, then the folders it leaves empty up to `root`.
fn remove(root: &Path, path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(path, "cannot remove", e)),
    }
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != root && d.starts_with(root)) {
        if std::fs::remove_dir(d).is_err() {
            break; // not empty
        }
        dir = d.parent();
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = walkdir::WalkDir::new(dir)
            .min_depth(1)
            .into_iter()
            .map(|e| {
                e.unwrap()
                    .path()
                    .strip_prefix(dir)
                    .unwrap()
                    .display()
                    .to_string()
            })
            .collect();
        names.sort();
        names
    }

    #[test]
    fn publishes_replacing_and_removing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("old/deep")).unwrap();
        std::fs::write(root.join("old/deep/index.html"), "old").unwrap();
        std::fs::write(root.join("kept.html"), "before").unwrap();
        std::fs::write(root.join("index.json"), "[0]").unwrap();
        let staged = Staged::new(root);
        staged.write("kept.html", b"after").unwrap();
        staged.write("new/index.html", b"new").unwrap();
        let mut json = |out: &mut dyn std::io::Write| out.write_all(b"[1]");
        staged.write_with("index.json", &mut json).unwrap();
        staged.write_with("new/index.json", &mut json).unwrap();
        assert!(staged.write("../x", b"no").is_err());
        assert!(staged.write_with("../x", &mut json).is_err());
        // Nothing shows before the update is published.
        assert_eq!(std::fs::read(root.join("index.json")).unwrap(), b"[0]");
        assert!(!root.join("new/index.json").exists());
        staged.publish(&["old/deep/index.html"]).unwrap();
        assert_eq!(std::fs::read(root.join("kept.html")).unwrap(), b"after");
        assert_eq!(std::fs::read(root.join("new/index.html")).unwrap(), b"new");
        assert_eq!(std::fs::read(root.join("index.json")).unwrap(), b"[1]");
        assert_eq!(std::fs::read(root.join("new/index.json")).unwrap(), b"[1]");
        assert!(!root.join("old").exists());
        assert_eq!(
            files_in(root),
            [
                "index.json",
                "kept.html",
                "new",
                "new/index.html",
                "new/index.json"
            ],
            "no temporary file is left"
        );
    }

    #[test]
    fn an_update_not_published_leaves_nothing_and_writes_through_no_link() {
        let dir = tempfile::tempdir().unwrap();
        let (root, elsewhere) = (dir.path().join("public"), dir.path().join("elsewhere"));
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(&elsewhere, "mine").unwrap();
        std::fs::write(root.join("index.json"), "[0]").unwrap();
        // Left by an update stopped short, or put there.
        #[cfg(unix)]
        std::os::unix::fs::symlink(&elsewhere, root.join(".index.json.rapport-update")).unwrap();
        let staged = Staged::new(&root);
        let mut json = |out: &mut dyn std::io::Write| out.write_all(b"[1]");
        staged.write_with("index.json", &mut json).unwrap();
        staged.write("page.html", b"new").unwrap();
        drop(staged);
        assert_eq!(files_in(&root), ["index.json"]);
        assert_eq!(std::fs::read(root.join("index.json")).unwrap(), b"[0]");
        assert_eq!(std::fs::read(&elsewhere).unwrap(), b"mine");
    }
}
