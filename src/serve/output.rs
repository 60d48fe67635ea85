//! The folder `serve` builds into: `--output` when given, otherwise a folder of its own
//! under the system's temporary folder, never the site's `public/` (which holds what
//! the author uploads, with the real base URL). A temporary folder is removed when the
//! server stops, by Ctrl+C or a signal too.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::site::guard::resolve;

const TEMP_PREFIX: &str = "rapport-serve-";

/// The output folder of this server, removed on drop when it is a temporary one.
#[derive(Debug)]
pub(super) struct ServedOutput {
    /// Where builds land (canonical).
    path: PathBuf,
    /// The temporary folder holding `path` and the build's staging folders.
    temp: Option<PathBuf>,
    /// Held while a build writes, so that the folder is not removed under it.
    busy: Arc<Mutex<()>>,
}

impl ServedOutput {
    /// Creates the folder (`output`, or a temporary one) so that it can be served,
    /// and its path made canonical, before the first build succeeds.
    pub(super) fn prepare(output: Option<&Path>, root: &Path) -> Result<ServedOutput> {
        let (path, temp) = match output {
            Some(dir) => {
                refuse_published(dir, root)?;
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "cannot create", e))?;
                (dir.to_path_buf(), None)
            }
            None => {
                remove_abandoned(&std::env::temp_dir());
                let temp = create_temp(&std::env::temp_dir())?;
                // The build swaps `site` in and out beside its staging folders, all
                // inside `temp`.
                (temp.join("site"), Some(temp))
            }
        };
        // Owned before anything else can fail, so a temporary folder is removed then.
        let mut served = ServedOutput {
            path,
            temp,
            busy: Arc::default(),
        };
        served.path = served
            .path
            .canonicalize()
            .map_err(|e| Error::io(&served.path, "cannot resolve", e))?;
        Ok(served)
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Held by a build while it writes into the folder.
    pub(super) fn busy(&self) -> MutexGuard<'_, ()> {
        // A build that panicked wrote nothing worth guarding.
        self.busy.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// On Ctrl+C, SIGTERM or SIGHUP: waits for a build writing to finish, removes the
    /// temporary folder and ends the process (status 128 + the signal's number).
    #[cfg(unix)]
    pub(super) fn remove_when_stopped(&self) -> Result<()> {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
            .map_err(|e| Error::Other(format!("cannot handle Ctrl+C: {e}")))?;
        let (temp, busy) = (self.temp.clone(), Arc::clone(&self.busy));
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let _busy = busy.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(temp) = temp {
                    let _ = std::fs::remove_dir_all(temp);
                }
                std::process::exit(128 + signal);
            }
        });
        Ok(())
    }

    /// Elsewhere the next server removes what this one leaves (where it can tell).
    #[cfg(not(unix))]
    pub(super) fn remove_when_stopped(&self) -> Result<()> {
        Ok(())
    }
}

/// `public/` holds what `build` made for publishing: a served build (drafts, links to
/// this machine) must never land there, however the folder is named.
fn refuse_published(output: &Path, root: &Path) -> Result<()> {
    if resolve(output) != resolve(&root.join("public")) {
        return Ok(());
    }
    Err(Error::problem(
        format!(
            "refusing to serve from {}: it is the folder `rapport build` publishes, and a served build has drafts and local links",
            output.display()
        ),
        "leave out --output (serve then builds into a temporary folder of its own), or pass another folder",
    ))
}

/// A fresh folder of this process's own: created exclusively (an existing folder or
/// link of that name is an error, not something to build into) and, on Unix, readable
/// by its owner only, since a served build includes drafts.
fn create_temp(temp_dir: &Path) -> Result<PathBuf> {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let temp = temp_dir.join(format!("{TEMP_PREFIX}{}-{nanos}", std::process::id()));
    let mut builder = std::fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(&temp)
        .map_err(|e| Error::io(&temp, "cannot create", e))?;
    std::fs::create_dir(temp.join("site")).map_err(|e| Error::io(&temp, "cannot create", e))?;
    Ok(temp)
}

impl Drop for ServedOutput {
    fn drop(&mut self) {
        if let Some(temp) = &self.temp {
            let _ = std::fs::remove_dir_all(temp);
        }
    }
}

/// A server stopped with Ctrl+C has no chance to remove its folder; the next one
/// removes the folders of servers that are no longer running (where the system says
/// which processes run: /proc on Linux).
fn remove_abandoned(temp_dir: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(temp_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix(TEMP_PREFIX))
            .and_then(|rest| rest.split_once('-'))
            .map(|(pid, _)| pid)
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_only_folders_of_stopped_servers() {
        if !Path::new("/proc/self").exists() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let mine = create_temp(dir.path()).unwrap();
        assert!(mine.join("site").is_dir());
        // Process ids stay far below this on Linux (pid_max is at most 2^22).
        let gone = dir.path().join(format!("{TEMP_PREFIX}99999999-1"));
        let other = dir.path().join(format!("{TEMP_PREFIX}notes"));
        let no_pid = dir.path().join(format!("{TEMP_PREFIX}99999999"));
        for d in [&gone, &other, &no_pid] {
            std::fs::create_dir(d).unwrap();
        }
        remove_abandoned(dir.path());
        assert!(mine.exists());
        assert!(!gone.exists());
        assert!(other.exists());
        assert!(no_pid.exists());
    }
}
