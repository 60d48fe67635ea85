//! Where a build's files go. `OutputDir` renders into a fresh sibling folder and swaps
//! it in only when the whole build succeeded, so a failed build leaves the previous
//! site exactly as it was; every path is checked so nothing is written outside it.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// Receives the files of a build. Implemented by the output folder and by the
/// in-memory collector `check` uses.
pub trait Sink: Sync {
    /// Writes `contents` at `rel` (a `/`-separated path inside the output).
    fn write(&self, rel: &str, contents: &[u8]) -> Result<()>;
    /// Copies the file at `from` to `rel`.
    fn copy(&self, rel: &str, from: &Path) -> Result<()>;
}

/// Turns a `/`-separated relative path into a path under `root`, refusing anything that
/// could leave it.
pub fn contained(root: &Path, rel: &str) -> Result<PathBuf> {
    let path = Path::new(rel);
    let safe = !rel.is_empty()
        && !rel.contains(['\\', '\0'])
        && path.components().all(|c| matches!(c, Component::Normal(_)));
    if !safe {
        return Err(Error::Other(format!(
            "refusing to write {rel:?}: it is not a plain path inside the output folder"
        )));
    }
    Ok(root.join(path))
}

/// The build's output folder, staged beside the final one.
pub struct OutputDir {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl OutputDir {
    /// Prepares a fresh staging folder next to `target`.
    pub fn create(target: &Path) -> Result<Self> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".into());
        let parent = target.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "cannot create", e))?;
        let staging = parent.join(format!(".{name}.rapport-new"));
        if staging.exists() {
            std::fs::remove_dir_all(&staging)
                .map_err(|e| Error::io(&staging, "cannot clear a previous build's leftovers", e))?;
        }
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, "cannot create", e))?;
        Ok(OutputDir {
            staging,
            target: target.to_path_buf(),
            committed: false,
        })
    }

    /// Replaces the target with the staged build.
    pub fn commit(mut self) -> Result<()> {
        let old = self.staging.with_extension("rapport-old");
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, "cannot remove", e))?;
        }
        let had_previous = self.target.exists();
        if had_previous {
            std::fs::rename(&self.target, &old)
                .map_err(|e| Error::io(&self.target, "cannot move aside", e))?;
        }
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            if had_previous {
                // Put the previous site back: a failed swap must not lose it.
                let _ = std::fs::rename(&old, &self.target);
            }
            return Err(Error::io(
                &self.target,
                "cannot move the new build into place",
                e,
            ));
        }
        self.committed = true;
        if had_previous {
            std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, "cannot remove", e))?;
        }
        Ok(())
    }
}

impl Drop for OutputDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_dir_all(&self.staging);
        }
    }
}

impl Sink for OutputDir {
    fn write(&self, rel: &str, contents: &[u8]) -> Result<()> {
        let path = contained(&self.staging, rel)?;
        create_parent(&path)?;
        std::fs::write(&path, contents).map_err(|e| Error::io(&path, "cannot write", e))
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<()> {
        let path = contained(&self.staging, rel)?;
        create_parent(&path)?;
        std::fs::copy(from, &path)
            .map(|_| ())
            .map_err(|e| Error::io(from, "cannot copy", e))
    }
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) => std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "cannot create", e)),
        None => Ok(()),
    }
}

/// Writes straight into an existing folder: the serve loop's incremental rebuilds,
/// which update the folder they serve (a full build still swaps atomically).
pub struct InPlace {
    pub root: PathBuf,
}

impl Sink for InPlace {
    fn write(&self, rel: &str, contents: &[u8]) -> Result<()> {
        let path = contained(&self.root, rel)?;
        create_parent(&path)?;
        std::fs::write(&path, contents).map_err(|e| Error::io(&path, "cannot write", e))
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<()> {
        let path = contained(&self.root, rel)?;
        create_parent(&path)?;
        std::fs::copy(from, &path)
            .map(|_| ())
            .map_err(|e| Error::io(from, "cannot copy", e))
    }
}

impl InPlace {
    /// Removes the file or folder at `rel`, then any folders it leaves empty, so the
    /// tree matches what a full build would write.
    pub fn remove(&self, rel: &str) -> Result<()> {
        let path = contained(&self.root, rel.trim_end_matches('/'))?;
        let removed = if path.is_dir() {
            std::fs::remove_dir_all(&path)
        } else {
            std::fs::remove_file(&path)
        };
        match removed {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
            Err(e) => return Err(Error::io(&path, "cannot remove", e)),
        }
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != self.root && d.starts_with(&self.root)) {
            if std::fs::remove_dir(d).is_err() {
                break; // not empty
            }
            dir = d.parent();
        }
        Ok(())
    }
}

/// Keeps the files of a build in memory (for `check`, which writes nothing).
#[derive(Default)]
pub struct MemorySink {
    pub files: Mutex<HashMap<String, Vec<u8>>>,
}

impl Sink for MemorySink {
    fn write(&self, rel: &str, contents: &[u8]) -> Result<()> {
        contained(Path::new("/"), rel)?;
        self.files
            .lock()
            .expect("no thread panics while holding this lock")
            .insert(rel.to_string(), contents.to_vec());
        Ok(())
    }

    fn copy(&self, rel: &str, _from: &Path) -> Result<()> {
        self.write(rel, &[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_escaping_paths() {
        let root = Path::new("/out");
        for bad in ["../x", "a/../../x", "/etc/passwd", "a\\..\\x", "", "./a"] {
            assert!(contained(root, bad).is_err(), "{bad}");
        }
        assert_eq!(
            contained(root, "posts/a/index.html").unwrap(),
            PathBuf::from("/out/posts/a/index.html")
        );
    }

    #[test]
    fn failed_build_leaves_previous_output() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old.html"), "old").unwrap();
        {
            let out = OutputDir::create(&target).unwrap();
            out.write("new.html", b"new").unwrap();
            // dropped without commit
        }
        assert!(target.join("old.html").exists());
        assert!(!target.join("new.html").exists());
        let out = OutputDir::create(&target).unwrap();
        out.write("new.html", b"new").unwrap();
        out.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert!(target.join("new.html").exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
