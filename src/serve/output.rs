//! The folder `serve` builds into, never the site's `public/` (which holds what the
//! author uploads, with the real base URL): `--output` when given, otherwise a folder
//! of the site's own in the user's cache folder
//! (`$XDG_CACHE_HOME/rapport/serve/<site>-<digest of its path>/site`). The build and
//! the state saved beside it outlive the server, so the next `serve` of the same site
//! starts from them. A server holds the folder's lock for as long as it runs: a second
//! server of the same site builds into a temporary folder of its own instead, removed
//! when it stops (by Ctrl+C or a signal too), as does a server without a cache folder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::error::{Error, Result};
use crate::site::guard::resolve;
use crate::site::output::OutputLock;

const TEMP_PREFIX: &str = "rapport-serve-";

/// The output folder of this server, removed on drop when it is a temporary one.
#[derive(Debug)]
pub(super) struct ServedOutput {
    /// Where builds land (canonical).
    path: PathBuf,
    /// The temporary folder holding `path` and the build's staging folders.
    temp: Option<PathBuf>,
    /// The output's lock, held while the server runs.
    lock: OutputLock,
    /// Held while a build writes, so that the folder is not removed under it.
    busy: Arc<Mutex<()>>,
}

impl ServedOutput {
    /// Creates the folder (`output`, the site's folder in the cache, or a temporary
    /// one) and takes its lock, so that it can be served, and its path made canonical,
    /// before the first build succeeds.
    pub(super) fn prepare(output: Option<&Path>, root: &Path) -> Result<ServedOutput> {
        if let Some(dir) = output {
            refuse_published(dir, root)?;
            create_private(dir)?;
            let path = canonical(dir)?;
            let Some(lock) = OutputLock::try_take(&path)? else {
                return Err(Error::problem(
                    format!(
                        "cannot serve from {}: another rapport serve or build is writing it",
                        dir.display()
                    ),
                    "stop the other one, or pass another --output",
                ));
            };
            return Ok(ServedOutput::new(path, None, lock));
        }
        if let Some(folder) = cache_folder(root) {
            let site = folder.join("site");
            if create_private(&folder)
                .and_then(|()| create_private(&site))
                .is_ok()
            {
                let path = canonical(&site)?;
                if let Some(lock) = OutputLock::try_take(&path)? {
                    return Ok(ServedOutput::new(path, None, lock));
                }
            }
        }
        remove_abandoned(&std::env::temp_dir());
        let temp = create_temp(&std::env::temp_dir())?;
        // The build swaps `site` in and out beside its staging folders, all inside
        // `temp`.
        let site = temp.join("site");
        let locked = canonical(&site).and_then(|path| {
            let lock = OutputLock::try_take(&path)?
                .ok_or_else(|| Error::Other(format!("{} is locked", path.display())))?;
            Ok((path, lock))
        });
        match locked {
            Ok((path, lock)) => Ok(ServedOutput::new(path, Some(temp), lock)),
            Err(e) => {
                let _ = std::fs::remove_dir_all(&temp);
                Err(e)
            }
        }
    }

    fn new(path: PathBuf, temp: Option<PathBuf>, lock: OutputLock) -> ServedOutput {
        ServedOutput {
            path,
            temp,
            lock,
            busy: Arc::default(),
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The output's lock, which builds of this server run under.
    pub(super) fn lock(&self) -> &OutputLock {
        &self.lock
    }

    /// Held by a build while it writes into the folder.
    pub(super) fn busy(&self) -> MutexGuard<'_, ()> {
        // A build that panicked wrote nothing worth guarding.
        self.busy.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// On Ctrl+C, SIGTERM or SIGHUP: waits for a build writing to finish, removes the
    /// temporary folder (if it is one) and ends the process (status 128 + the
    /// signal's number).
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

fn canonical(path: &Path) -> Result<PathBuf> {
    path.canonicalize()
        .map_err(|e| Error::io(path, "cannot resolve", e))
}

/// Where the builds of the site at `root` are kept between servers: a folder named
/// after the site and a digest of its canonical path, in the user's cache folder
/// (`$XDG_CACHE_HOME`, else `~/.cache`; `%LOCALAPPDATA%` on Windows). `None` when
/// there is none.
fn cache_folder(root: &Path) -> Option<PathBuf> {
    let absolute = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
    };
    let cache = if cfg!(windows) {
        absolute("LOCALAPPDATA")?
    } else {
        absolute("XDG_CACHE_HOME").or_else(|| Some(absolute("HOME")?.join(".cache")))?
    };
    let root = root.canonicalize().ok()?;
    Some(cache.join("rapport").join("serve").join(folder_name(&root)))
}

/// `my-blog-0123456789abcdef`: readable, and one folder per site however named.
fn folder_name(root: &Path) -> String {
    use std::hash::BuildHasher;
    let digest = foldhash::quality::FixedState::with_seed(0).hash_one(root.as_os_str());
    let name: String = (root
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default())
    .chars()
    .map(|c| match c {
        'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' => c,
        _ => '_',
    })
    .take(40)
    .collect();
    format!("{}-{digest:016x}", name.trim_start_matches('.'))
}

/// Creates `dir` (and its parents) if need be; a folder made here is readable by its
/// owner only, since a served build includes drafts.
fn create_private(dir: &Path) -> Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| Error::io(dir, "cannot create", e))
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
        "leave out --output (serve then builds into a folder of its own), or pass another folder",
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

    #[test]
    fn each_site_has_a_folder_named_after_it() {
        let a = folder_name(Path::new("/home/ann/my blog"));
        assert!(
            a.starts_with("my_blog-") && a.len() == "my_blog-".len() + 16,
            "{a}"
        );
        assert_ne!(a, folder_name(Path::new("/home/bob/my blog")));
        assert!(folder_name(Path::new("/")).starts_with('-'));
    }
}
