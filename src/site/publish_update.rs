//! Publishing an incremental update. Every file is rendered in memory first
//! (`Staged`); only when all of them are, each is written under a temporary name in
//! its folder and renamed over the old one, so a reader gets the old file or the new
//! one, never a cut one, and a failed update changes nothing.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};
use crate::site::output::{contained, filled, Sink};

/// The files of an update, held in memory until published.
#[derive(Default)]
pub(crate) struct Staged {
    files: Mutex<Vec<(String, Vec<u8>)>>,
}

impl Sink for Staged {
    fn write(&self, rel: &str, contents: &[u8]) -> Result<()> {
        self.hold(rel, contents.to_vec())
    }

    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn std::io::Write) -> std::io::Result<()>,
    ) -> Result<()> {
        // Written once, into the copy held: not written, then copied.
        self.hold(rel, filled(rel, fill)?)
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<()> {
        // Read now: a source that went away fails the update before it writes.
        let bytes = std::fs::read(from).map_err(|e| Error::io(from, "cannot copy", e))?;
        self.write(rel, &bytes)
    }
}

impl Staged {
    fn hold(&self, rel: &str, contents: Vec<u8>) -> Result<()> {
        // Refused now, before anything is written.
        contained(Path::new("/"), rel)?;
        self.files
            .lock()
            .expect("no thread panics while holding this lock")
            .push((rel.to_string(), contents));
        Ok(())
    }

    /// Removes the files at `gone` and the folders they leave empty, then writes every
    /// staged file into `root`: once a moved page shows at its new address, the old
    /// one is gone.
    pub(crate) fn publish(self, root: &Path, gone: &[&str]) -> Result<()> {
        let files = self
            .files
            .into_inner()
            .expect("no thread panics while holding this lock");
        for rel in gone {
            remove(root, &contained(root, rel)?)?;
        }
        for (rel, contents) in files {
            replace(&contained(root, &rel)?, &contents)?;
        }
        Ok(())
    }
}

/// Writes `contents` beside `path`, then renames it over `path`: a rename within a
/// folder replaces the file in one step.
fn replace(path: &Path, contents: &[u8]) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "cannot create", e))?;
    let temporary = temporary_name(path);
    std::fs::write(&temporary, contents).map_err(|e| Error::io(&temporary, "cannot write", e))?;
    std::fs::rename(&temporary, path).map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        Error::io(path, "cannot replace", e)
    })
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

    #[test]
    fn publishes_replacing_and_removing() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("old/deep")).unwrap();
        std::fs::write(root.join("old/deep/index.html"), "old").unwrap();
        std::fs::write(root.join("kept.html"), "before").unwrap();
        let staged = Staged::default();
        staged.write("kept.html", b"after").unwrap();
        staged.write("new/index.html", b"new").unwrap();
        let mut json = |out: &mut dyn std::io::Write| out.write_all(b"[1]");
        staged.write_with("new/index.json", &mut json).unwrap();
        assert!(staged.write("../x", b"no").is_err());
        assert!(staged.write_with("../x", &mut json).is_err());
        staged.publish(root, &["old/deep/index.html"]).unwrap();
        assert_eq!(std::fs::read(root.join("kept.html")).unwrap(), b"after");
        assert_eq!(std::fs::read(root.join("new/index.html")).unwrap(), b"new");
        assert_eq!(std::fs::read(root.join("new/index.json")).unwrap(), b"[1]");
        assert!(!root.join("old").exists());
        let names: Vec<_> = std::fs::read_dir(root).unwrap().collect();
        assert_eq!(names.len(), 2, "no temporary file is left");
    }
}
