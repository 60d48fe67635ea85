//! Where a build's files go. `OutputDir` takes the output's lock, renders into a fresh
//! sibling folder and swaps it in only when the whole build succeeded, in one step
//! where the system allows, so a failed or interrupted build leaves the previous site
//! exactly as it was; every path is checked so nothing is written outside it.

use std::collections::HashMap;
use std::fs::{File, TryLockError};
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// Receives the files of a build. Implemented by the output folder and by the
/// in-memory collector `check` uses.
pub trait Sink: Sync {
    /// Writes `contents` at `rel` (a `/`-separated path inside the output).
    fn write(&self, rel: &str, contents: &[u8]) -> Result<()>;
    /// Writes at `rel` what `fill` writes: a file as large as a part of every post
    /// (the search index, the sitemap) without holding it whole in memory first.
    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        self.write(rel, &filled(rel, fill)?)
    }
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

/// Called with the output folder and its lock file when a build must wait for another
/// one holding the lock.
pub type OnWait = fn(output: &Path, lock: &Path);

/// The build's output folder, staged beside the final one. Holding it holds the
/// output's lock, so builds of one output never interleave.
pub struct OutputDir {
    staging: PathBuf,
    target: PathBuf,
    committed: bool,
    _lock: File,
}

impl OutputDir {
    /// Takes the output's lock, waiting for another build holding it (after calling
    /// `on_wait` with the output and the lock file), then prepares a fresh staging
    /// folder next to `target`.
    pub fn create(target: &Path, on_wait: OnWait) -> Result<Self> {
        let (target, lock_path) = lock_path(target)?;
        let lock = lock(&lock_path, &target, on_wait)?;
        OutputDir::staged(target, lock)
    }

    /// `create` for the holder of the output's lock (a server, for its whole run).
    pub(crate) fn create_holding(held: &OutputLock) -> Result<Self> {
        let lock = (held.file.try_clone())
            .map_err(|e| Error::io(&held.target, "cannot lock the output", e))?;
        OutputDir::staged(held.target.clone(), lock)
    }

    fn staged(target: PathBuf, lock: File) -> Result<Self> {
        let [staging, old] = staging_folders(&target);
        remove_leftover(&staging)?;
        remove_leftover(&old)?;
        std::fs::create_dir(&staging).map_err(|e| Error::io(&staging, "cannot create", e))?;
        Ok(OutputDir {
            staging,
            target,
            committed: false,
            _lock: lock,
        })
    }

    /// The output folder, its links resolved.
    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Replaces the target with the staged build in one step where the system can
    /// (Linux), so that the output is at every moment the old build or the new one.
    pub fn commit(self) -> Result<()> {
        self.commit_then(|_| {})
    }

    /// `commit`, then `then` with the output folder, still holding the output's lock.
    pub(crate) fn commit_then(mut self, then: impl FnOnce(&Path)) -> Result<()> {
        if self.target.symlink_metadata().is_err() {
            std::fs::rename(&self.staging, &self.target)
                .map_err(|e| Error::io(&self.target, "cannot move the new build into place", e))?;
            self.committed = true;
            then(&self.target);
            return Ok(());
        }
        let old = match exchange(&self.staging, &self.target) {
            // The previous build is now where the staged one was.
            Ok(()) => self.staging.clone(),
            Err(_) => self.swap_in_two_steps()?,
        };
        self.committed = true;
        then(&self.target);
        remove(&old)
    }

    /// Puts the published files at `files` (relative paths) into the staged build as
    /// they are: hard links where the file system has them, copies elsewhere. Returns
    /// false, having done nothing worth keeping, when one of them is missing.
    pub(crate) fn link_published(&self, files: &[&str]) -> Result<bool> {
        use rayon::prelude::*;
        let mut folders = std::collections::BTreeSet::new();
        for file in files {
            folders.extend(file.match_indices('/').map(|(slash, _)| &file[..slash]));
        }
        // A folder sorts before what is in it.
        for folder in folders {
            let path = contained(&self.staging, folder)?;
            match std::fs::create_dir(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
                Err(e) => return Err(Error::io(&path, "cannot create", e)),
            }
        }
        // `Ok(false)`: a published file is missing.
        files
            .par_iter()
            .try_fold(
                || true,
                |found, file| {
                    let (from, to) = (
                        contained(&self.target, file)?,
                        contained(&self.staging, file)?,
                    );
                    if !found || std::fs::hard_link(&from, &to).is_ok() {
                        return Ok(found);
                    }
                    match std::fs::copy(&from, &to) {
                        Ok(_) => Ok(true),
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
                        Err(e) => Err(Error::io(&from, "cannot copy", e)),
                    }
                },
            )
            .try_reduce(|| true, |a, b| Ok(a && b))
    }

    /// Where an exchange in one step is not available: the previous build is moved
    /// aside, then the new one into place. Returns where the previous build went.
    fn swap_in_two_steps(&self) -> Result<PathBuf> {
        let [_, old] = staging_folders(&self.target);
        std::fs::rename(&self.target, &old)
            .map_err(|e| Error::io(&self.target, "cannot move aside", e))?;
        if let Err(e) = std::fs::rename(&self.staging, &self.target) {
            // Put the previous site back: a failed swap must not lose it.
            let _ = std::fs::rename(&old, &self.target);
            return Err(Error::io(
                &self.target,
                "cannot move the new build into place",
                e,
            ));
        }
        Ok(old)
    }
}

/// The output's lock held for longer than one build: by a server, so that no other
/// server or build writes the folder it serves and keeps a state of.
#[derive(Debug)]
pub(crate) struct OutputLock {
    /// The output folder, its links resolved.
    target: PathBuf,
    file: File,
}

impl OutputLock {
    /// The lock of the output `target`, or `None` when another process holds it.
    pub(crate) fn try_take(target: &Path) -> Result<Option<OutputLock>> {
        let (target, path) = lock_path(target)?;
        let file = open_lock(&path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(OutputLock { target, file })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) => Err(Error::io(&path, "cannot lock", e)),
        }
    }
}

/// The output `target` with its links resolved (the folder checked is the folder
/// written), and the path of its lock beside it, whose folder is created.
/// The folders beside the output `target` a build writes: the new build while it is
/// made, and the previous one while the new one is moved into place.
pub(crate) fn staging_folders(target: &Path) -> [PathBuf; 2] {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = target.parent().unwrap_or(Path::new("."));
    let staging = parent.join(format!(".{name}.rapport-new"));
    let old = staging.with_extension("rapport-old");
    [staging, old]
}

fn lock_path(target: &Path) -> Result<(PathBuf, PathBuf)> {
    let target = crate::site::guard::resolve(target);
    let parent = target.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, "cannot create", e))?;
    let lock = lock_file(&target);
    Ok((target, lock))
}

fn lock_file(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let parent = target.parent().unwrap_or(Path::new("."));
    parent.join(format!(".{name}.rapport-lock"))
}

/// The files a build keeps beside the output `target` to itself: its lock, and its
/// state under its name and the one it is written under (`state::files_for`).
pub(crate) fn kept_beside(target: &Path) -> [PathBuf; 3] {
    let [state, written] = crate::site::state::files_for(target);
    [lock_file(target), state, written]
}

/// Created if need be, and left in place: removing a lock file while another process
/// waits on it would let a third one in.
fn open_lock(path: &Path) -> Result<File> {
    File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| Error::io(path, "cannot create the build's lock", e))
}

/// Takes the lock at `path`, waiting for another build holding it.
fn lock(path: &Path, target: &Path, on_wait: OnWait) -> Result<File> {
    let file = open_lock(path)?;
    match file.try_lock() {
        Ok(()) => return Ok(file),
        Err(TryLockError::WouldBlock) => on_wait(target, path),
        Err(TryLockError::Error(e)) => return Err(Error::io(path, "cannot lock", e)),
    }
    file.lock().map_err(|e| Error::io(path, "cannot lock", e))?;
    Ok(file)
}

/// Swaps two folders in one step.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{renameat_with, RenameFlags, CWD};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Removes what a build stopped by force left behind (the lock says none is running).
fn remove_leftover(path: &Path) -> Result<()> {
    match path.symlink_metadata() {
        Ok(_) => remove(path),
        Err(_) => Ok(()),
    }
}

fn remove(path: &Path) -> Result<()> {
    std::fs::remove_dir_all(path).map_err(|e| Error::io(path, "cannot remove", e))
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

    fn write_with(
        &self,
        rel: &str,
        fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
    ) -> Result<()> {
        let path = contained(&self.staging, rel)?;
        create_parent(&path)?;
        let written = File::create(&path).and_then(|file| {
            let mut out = io::BufWriter::with_capacity(1 << 16, file);
            fill(&mut out)?;
            out.into_inner().map(drop).map_err(|e| e.into_error())
        });
        written.map_err(|e| Error::io(&path, "cannot write", e))
    }

    fn copy(&self, rel: &str, from: &Path) -> Result<()> {
        let path = contained(&self.staging, rel)?;
        create_parent(&path)?;
        std::fs::copy(from, &path)
            .map(|_| ())
            .map_err(|e| Error::io(from, "cannot copy", e))
    }
}

/// What `fill` writes for the file at `rel`, in memory.
pub(crate) fn filled(
    rel: &str,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<Vec<u8>> {
    let mut contents = Vec::new();
    fill(&mut contents).map_err(|e| Error::io(Path::new(rel), "cannot write", e))?;
    Ok(contents)
}

fn create_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) => std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "cannot create", e)),
        None => Ok(()),
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
            let out = OutputDir::create(&target, |_, _| {}).unwrap();
            out.write("new.html", b"new").unwrap();
            // dropped without commit
        }
        assert!(target.join("old.html").exists());
        assert!(!target.join("new.html").exists());
        let out = OutputDir::create(&target, |_, _| {}).unwrap();
        out.write("new.html", b"new").unwrap();
        out.commit().unwrap();
        assert!(!target.join("old.html").exists());
        assert!(target.join("new.html").exists());
        let mut beside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        beside.sort();
        assert_eq!(beside, [".public.rapport-lock", "public"]);
    }

    #[test]
    fn what_is_written_as_it_is_made_lands_whole_and_only_inside() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let big = "x".repeat(100_000);
        let parts = ["[", big.as_str(), ",", "\"é\"", "]\n"];
        let out = OutputDir::create(&target, |_, _| {}).unwrap();
        let mut each =
            |out: &mut dyn Write| parts.iter().try_for_each(|p| out.write_all(p.as_bytes()));
        out.write_with("search/index.json", &mut each).unwrap();
        out.write_with("empty.json", &mut |_| Ok(())).unwrap();
        assert!(out.write_with("../x.json", &mut each).is_err());
        let failing = out.write_with("failed.json", &mut |_| Err(io::ErrorKind::Other.into()));
        assert!(failing.is_err());
        out.commit().unwrap();
        let written = std::fs::read(target.join("search/index.json")).unwrap();
        assert_eq!(written, parts.concat().as_bytes());
        assert_eq!(std::fs::read(target.join("empty.json")).unwrap(), b"");
        assert!(!dir.path().join("x.json").exists());
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn exchanges_two_folders_in_one_step() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        for (d, name) in [(&a, "a.html"), (&b, "b.html")] {
            std::fs::create_dir(d).unwrap();
            std::fs::write(d.join(name), "").unwrap();
        }
        exchange(&a, &b).unwrap();
        assert!(a.join("b.html").exists() && b.join("a.html").exists());
    }
}
