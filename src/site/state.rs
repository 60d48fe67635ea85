//! The build state: what a build saves beside its output (`.public.rapport-state`
//! beside `public/`, never inside it) so that the next build of the same output reads
//! again only the sources that changed and renders only the outputs whose inputs
//! changed. It holds each source's fingerprint and what lists, feeds and the
//! conversation pages need of it, and each output's digest from the plan.
//!
//! A state counts only for the very folder it was saved with, by the same rapport,
//! with the same site.toml, templates, themes and translations and the same build
//! options; anything else about it (missing, cut short, damaged, another version)
//! makes the build a full one, and a damaged record costs its post read again. It is
//! removed before a build publishes and written again after, under the output's lock.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasher, Hash};
use std::io::{BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::SiteConfig;
use crate::content::{self, Source};
use crate::site::build::Body;
use crate::site::plan::{Entries, Output};
use crate::site::related::{KeptRelated, RelatedPosts};
use crate::site::{BuildOptions, Entry};
use crate::threads::digest::{self, Renumbering};

/// The first bytes of a state file; the last one is the format's version.
const MAGIC: &[u8; 16] = b"rapport state\0\0\x16";

/// A file's size, modification time, inode and change time: a file whose fingerprint
/// is the one saved is taken to be the file read then. The modification time alone
/// can be set back (`touch -d`, an archive, a copy keeping times); the change time
/// cannot, and a file saved under another name has another inode.
/// Times are nanoseconds since 1970 as `i64` (1677 to 2262, times beyond held at
/// the end of that range): `i128`, aligned on 16 bytes, made a source's fingerprints
/// 128 bytes where these are 80, and a build holds one for every post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Print {
    len: u64,
    /// Nanoseconds since 1970.
    modified: i64,
    inode: u64,
    /// Nanoseconds since 1970; 0 where it is not known or not kept.
    changed: i64,
}

impl Print {
    /// What a fingerprint not taken is held as (`SourcePrints`).
    const NONE: Print = Print {
        len: 0,
        modified: 0,
        inode: 0,
        changed: 0,
    };

    /// The fingerprint of the file at `path`, `None` when it cannot be read.
    pub(crate) fn of(path: &Path) -> Option<Print> {
        Print::of_meta(&std::fs::metadata(path).ok()?)
    }

    #[cfg(unix)]
    fn of_meta(meta: &std::fs::Metadata) -> Option<Print> {
        use std::os::unix::fs::MetadataExt;
        Some(Print::new(
            meta.len(),
            (meta.mtime(), meta.mtime_nsec()),
            meta.ino(),
            (meta.ctime(), meta.ctime_nsec()),
        ))
    }

    #[cfg(not(unix))]
    fn of_meta(meta: &std::fs::Metadata) -> Option<Print> {
        let (seconds, nanos) = match meta.modified().ok()?.duration_since(UNIX_EPOCH) {
            Ok(d) => (d.as_secs() as i64, i64::from(d.subsec_nanos())),
            Err(e) => (
                -(e.duration().as_secs() as i64),
                -i64::from(e.duration().subsec_nanos()),
            ),
        };
        Some(Print::new(meta.len(), (seconds, nanos), 0, (0, 0)))
    }

    /// Times as seconds and nanoseconds since 1970.
    fn new(len: u64, modified: (i64, i64), inode: u64, changed: (i64, i64)) -> Print {
        let nanos = |(seconds, nanos): (i64, i64)| {
            (seconds.saturating_mul(1_000_000_000)).saturating_add(nanos)
        };
        Print {
            len,
            modified: nanos(modified),
            inode,
            changed: nanos(changed),
        }
    }

    /// The fingerprint of a published file: without its change time, which moves when
    /// the next build links the file into its own folder.
    fn published(self) -> Print {
        Print { changed: 0, ..self }
    }

    /// The fingerprint to save for a file read by a build started at `started`. A
    /// file modified that recently may be modified again within the same tick of its
    /// clock without its time changing (FAT and HFS+ count whole seconds): it is
    /// saved as a fingerprint no file has, so the next build reads it again.
    fn to_save(self, started: SystemTime) -> Print {
        const TICK: Duration = Duration::from_secs(2);
        let settled = started
            .checked_sub(TICK)
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, nanos);
        if self.modified < settled {
            self
        } else {
            Print {
                len: u64::MAX,
                modified: 0,
                inode: 0,
                changed: 0,
            }
        }
    }
}

fn nanos(d: Duration) -> i64 {
    i64::try_from(d.as_nanos()).unwrap_or(i64::MAX)
}

/// A folder whose files are fingerprinted by their paths inside it, looked up from
/// the folder opened once: a path looked up whole goes through every folder above
/// it again, and a build after an edit of a big site fingerprints every source and
/// every published file (the lookups were a third of that time at 50,000 posts).
pub(crate) struct Folder {
    path: PathBuf,
    #[cfg(target_os = "linux")]
    opened: Option<rustix::fd::OwnedFd>,
}

impl Folder {
    /// Where it cannot be opened, its files are looked up by their whole paths.
    pub(crate) fn open(path: &Path) -> Folder {
        Folder {
            path: path.to_path_buf(),
            #[cfg(target_os = "linux")]
            opened: {
                use rustix::fs::{Mode, OFlags};
                let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
                rustix::fs::open(path, flags, Mode::empty()).ok()
            },
        }
    }

    /// The fingerprint of the file at `rel` inside it, `None` when it cannot be read.
    pub(crate) fn print(&self, rel: &Path) -> Option<Print> {
        #[cfg(target_os = "linux")]
        if let Some(folder) = &self.opened {
            use rustix::fs::{statx, AtFlags, StatxFlags};
            let time = |t: rustix::fs::StatxTimestamp| (t.tv_sec, i64::from(t.tv_nsec));
            return match statx(folder, rel, AtFlags::empty(), StatxFlags::BASIC_STATS) {
                Ok(s) => Some(Print::new(
                    s.stx_size,
                    time(s.stx_mtime),
                    s.stx_ino,
                    time(s.stx_ctime),
                )),
                // A kernel older than `statx` (Linux 4.11).
                Err(rustix::io::Errno::NOSYS) => Print::of(&self.path.join(rel)),
                Err(_) => None,
            };
        }
        Print::of(&self.path.join(rel))
    }

    /// `print` of a published file (`Print::published`).
    fn published(&self, rel: &str) -> Option<Print> {
        self.print(Path::new(rel)).map(Print::published)
    }
}

/// What a saved state holds of a source (`Saved::take`).
pub(crate) struct Taken {
    /// Its fingerprints now.
    pub(crate) prints: SourcePrints,
    /// Its saved entry and what lists show of it, if neither its file nor its thread
    /// changed since.
    pub(crate) held: Option<(Entry, Option<Body>)>,
    /// The saved revision of its thread, if only its markdown file changed since: the
    /// thread file need not be read for it.
    pub(crate) thread: Option<u64>,
}

impl Taken {
    /// What a build without a state takes of `source`: its fingerprints, and the
    /// revision of its thread (`SourcePrints::unread_thread`).
    pub(crate) fn without_state(root: &Folder, source: &Source) -> Taken {
        let prints = SourcePrints::of(root, source);
        let thread = (source.thread.as_deref()).and_then(|t| prints.unread_thread(t));
        Taken {
            thread,
            ..Taken::nothing(prints)
        }
    }

    /// Fingerprints alone: nothing saved to take.
    fn nothing(prints: SourcePrints) -> Taken {
        Taken {
            prints,
            held: None,
            thread: None,
        }
    }
}

/// The fingerprints of a source as a build read it: its markdown file and its thread,
/// and whether the entry was read from the state (`held`). Each fingerprint is held
/// beside a flag telling whether it was taken, not as an `Option`, and the flags
/// beside it, not in a tuple: a `Print` has no spare value for `None` to take, and
/// the tags and the tuple made every entry of a build 24 bytes larger. One not taken
/// is `Print::NONE`, so that equal options give equal fingerprints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SourcePrints {
    md: Print,
    thread: Print,
    /// Whether `md` and `thread` were taken.
    taken: [bool; 2],
    held: bool,
}

impl SourcePrints {
    fn new(md: Option<Print>, thread: Option<Print>) -> SourcePrints {
        SourcePrints {
            md: md.unwrap_or(Print::NONE),
            thread: thread.unwrap_or(Print::NONE),
            taken: [md.is_some(), thread.is_some()],
            held: false,
        }
    }

    /// These prints, of an entry the state held if `held`.
    pub(crate) fn held(self, held: bool) -> SourcePrints {
        SourcePrints { held, ..self }
    }

    /// Whether the entry read with them was read from the state.
    pub(crate) fn was_held(&self) -> bool {
        self.held
    }

    fn md(&self) -> Option<Print> {
        self.taken[0].then_some(self.md)
    }

    /// The bytes of the entry's files when they were fingerprinted (0 for a file not
    /// taken): about what reading and rendering the entry costs.
    pub(crate) fn bytes(&self) -> u64 {
        self.md.len + self.thread.len
    }

    fn thread(&self) -> Option<Print> {
        self.taken[1].then_some(self.thread)
    }

    /// Taken before the files are read: a file changed meanwhile is read again next
    /// time. `root` is the site's folder.
    pub(crate) fn of(root: &Folder, source: &Source) -> SourcePrints {
        SourcePrints::of_files(root, &source.path, source.thread.as_deref())
    }

    /// The revision of the thread file at `path` in a build without a state: a digest
    /// of its fingerprint, not of its bytes, which the build then reads whole to render
    /// them. A later build keeps it while the thread file is unchanged
    /// (`Taken::thread`), and reads a changed one whole for the digest of its bytes
    /// (`content_digest`), which differs; an update of `serve` compares it with the
    /// file's fingerprint then (`same_thread_file`). Reading every thread file once
    /// more for its digest alone was a sixth of a full build's calls to the system.
    fn unread_thread(&self, path: &Path) -> Option<u64> {
        Some(print_revision(path, self.thread()?))
    }

    fn of_files(root: &Folder, md: &Path, thread: Option<&Path>) -> SourcePrints {
        SourcePrints::new(root.print(md), thread.and_then(|t| root.print(t)))
    }
}

fn print_revision(path: &Path, print: Print) -> u64 {
    foldhash::quality::FixedState::with_seed(1).hash_one((path, print))
}

/// The revision of an outline's thread read from its file at `path`: a digest of its
/// bytes; 0 without one.
pub(crate) fn thread_revision(root: &Path, path: Option<&Path>) -> u64 {
    let digest = |path: &Path| {
        (crate::limits::read_thread_file(&root.join(path)).ok())
            .map_or(0, |bytes| content_digest(path, &bytes))
    };
    path.map_or(0, digest)
}

/// Whether the thread file at `path` (`None`: there is none) is the one an outline's
/// thread `revision` was taken of, by a build started at `started` or a build before
/// it: its bytes (`thread_revision`), or its fingerprint when the build that took the
/// revision did not read it (`unread_thread`), unless the file was modified too near
/// that start to be told apart by its times (`Print::to_save`).
pub(crate) fn same_thread_file(
    root: &Path,
    path: Option<&Path>,
    revision: u64,
    started: SystemTime,
) -> bool {
    let print = |p: &Path| Some(Print::of(&root.join(p))?.to_save(started));
    let unread = path.and_then(|p| Some(print_revision(p, print(p)?)));
    unread == Some(revision) || thread_revision(root, path) == revision
}

/// A digest of a file's path and bytes: the revision of a post read from it, the same
/// in every build (`Revision`), so that the digests of a plan can be compared with
/// those of the plan a build saved.
pub(crate) fn content_digest(path: &Path, bytes: &[u8]) -> u64 {
    foldhash::quality::FixedState::with_seed(0).hash_one((path, bytes))
}

/// What a post or page was when saved.
#[derive(Serialize, Deserialize)]
struct Record {
    md: Print,
    thread: Option<Print>,
    /// Without its body and its comments' text (`build::slim`).
    entry: Entry,
    /// What lists and feeds show of a post.
    body: Option<Body>,
}

#[derive(Serialize)]
struct RecordRef<'a> {
    md: Print,
    thread: Option<Print>,
    entry: &'a Entry,
    body: Option<&'a Body>,
}

/// The state file: its header (`Header`), each record's bytes (decoded only when the
/// build asks for that record), then `Head`, which says where each record lies. A
/// build that changed a few records writes them after the others and a new `Head`
/// after them, leaving the records it replaced where they were, until they are half
/// of the file (`save`).
#[derive(Deserialize)]
struct Head {
    output: Identity,
    /// Each output's file, digest and fingerprint as published; `None` for a file
    /// not found.
    outputs: Vec<Option<(String, u64, Print)>>,
    copied: Vec<(PathBuf, Print)>,
    /// Each record's markdown file, whether it has a thread file
    /// (`content::thread_path_for`), where its bytes lie in the file and their sum.
    records: Vec<(PathBuf, bool, Place)>,
    /// The related posts of each post and the fingerprint of the posts they were
    /// weighed from (`KeptRelated`).
    related: Option<(u64, Vec<RelatedPosts>)>,
    /// The names the records' digests number (`digest::names_table`): every name
    /// the saving process numbered, those of the state it read included, so a
    /// reader's name stays in it after their comments are gone, until a build
    /// without the state (`--full`, another version) saves a new one.
    names: Vec<String>,
}

#[derive(Serialize)]
struct HeadRef<'a> {
    output: Identity,
    outputs: Published<'a>,
    copied: Vec<(&'a Path, Print)>,
    records: Vec<(&'a Path, bool, Place)>,
    related: Option<(u64, &'a [RelatedPosts])>,
    names: Vec<&'static str>,
}

/// Each output's file, digest and fingerprint as published, `None` for a file not
/// found (`Head::outputs`): looked at a chunk at a time as the head is written, since
/// all of a big site's held at once were the peak of its build.
struct Published<'a> {
    outputs: &'a [Output],
    entries: Entries<'a>,
    /// Which of `outputs` are as the state read describes them (`ToSave::unchanged`).
    unchanged: &'a [bool],
    saved: Option<&'a Saved>,
    folder: Folder,
}

/// How many outputs' fingerprints `Published` holds at once.
const PUBLISHED_AT_ONCE: usize = 4096;

impl<'a> Published<'a> {
    /// The fingerprint of output `i`: as saved when it is unchanged, else taken now.
    fn of(&self, i: usize, output: &'a Output) -> Option<(Cow<'a, str>, u64, Print)> {
        let file = output.file(self.entries);
        let kept = (self.unchanged.get(i) == Some(&true))
            .then(|| self.saved.and_then(|s| s.published(&file)));
        let print = kept.flatten().or_else(|| self.folder.published(&file))?;
        Some((file, output.inputs, print))
    }
}

impl Serialize for Published<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = serializer.serialize_seq(Some(self.outputs.len()))?;
        for (c, chunk) in self.outputs.chunks(PUBLISHED_AT_ONCE).enumerate() {
            // Each file is looked at: in parallel.
            let prints: Vec<_> = (chunk.par_iter().enumerate())
                .map(|(j, output)| self.of(c * PUBLISHED_AT_ONCE + j, output))
                .collect();
            for print in &prints {
                seq.serialize_element(print)?;
            }
        }
        seq.end()
    }
}

/// Where a record's bytes lie in the state file, and their sum: each record is
/// checked when read, not the whole file at each start (108 MB at 50,000 posts).
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
struct Place {
    start: u64,
    end: u64,
    sum: u32,
}

impl Place {
    fn of(at: u64, bytes: &[u8]) -> Place {
        Place {
            start: at,
            end: at + bytes.len() as u64,
            sum: crc32fast::hash(bytes),
        }
    }

    fn len(self) -> usize {
        (self.end - self.start) as usize
    }
}

/// The first bytes of a state file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Header {
    key: u64,
    /// Where `Head` starts: the records lie between the header and it.
    head_at: u64,
    head_len: u64,
    /// The sum of `Head`'s bytes.
    head_sum: u32,
}

impl Header {
    const LEN: usize = 16 + 8 + 8 + 8 + 4;

    fn to_bytes(self) -> [u8; Header::LEN] {
        let mut bytes = [0; Header::LEN];
        bytes[..16].copy_from_slice(MAGIC);
        bytes[16..24].copy_from_slice(&self.key.to_le_bytes());
        bytes[24..32].copy_from_slice(&self.head_at.to_le_bytes());
        bytes[32..40].copy_from_slice(&self.head_len.to_le_bytes());
        bytes[40..44].copy_from_slice(&self.head_sum.to_le_bytes());
        bytes
    }

    fn of(bytes: &[u8]) -> Option<Header> {
        let bytes = bytes.get(..Header::LEN)?;
        let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("8 bytes"));
        let half = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        (&bytes[..16] == MAGIC).then(|| Header {
            key: word(16),
            head_at: word(24),
            head_len: word(32),
            head_sum: half(40),
        })
    }
}

/// Which folder a state was saved with: its device, inode and change time. Another
/// build (an older rapport, a copy, a restore) leaves another folder there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Identity(u64, u64, i64, i64);

impl Identity {
    #[cfg(unix)]
    fn of(dir: &Path) -> Option<Identity> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::symlink_metadata(dir).ok()?;
        m.is_dir()
            .then(|| Identity(m.dev(), m.ino(), m.ctime(), m.ctime_nsec()))
    }

    /// Without a way to tell one folder from another, no state is trusted.
    #[cfg(not(unix))]
    fn of(_: &Path) -> Option<Identity> {
        None
    }
}

/// A saved state that holds for this build.
pub(crate) struct Saved {
    /// The output folder.
    target: PathBuf,
    /// The output folder, its files fingerprinted from it.
    folder: Folder,
    /// The state file, open for the build to write its changes into (`set_aside`).
    file: File,
    header: Header,
    /// The digest of each output file and its fingerprint as published: a file edited
    /// by hand since is written again.
    outputs: foldhash::HashMap<String, (u64, Print)>,
    /// The fingerprint of each file copied as it is, by its path.
    copied: HashMap<PathBuf, Print>,
    /// Each post's and page's record, by its markdown file. Records are read when
    /// asked for: a big site's state read whole was a quarter of the peak memory of a
    /// build after an edit.
    records: foldhash::HashMap<PathBuf, Held>,
    /// The related posts the build that saved it weighed.
    related: Option<(u64, Vec<RelatedPosts>)>,
    /// The numbers of the names its records' digests number, in this process.
    names: Renumbering,
}

/// A post's or page's record in the state read.
struct Held {
    /// Where its bytes lie in the file.
    at: Place,
    /// Whether it had a thread file when saved.
    threaded: bool,
    /// Whether the build took it already.
    taken: AtomicBool,
    /// Its files' fingerprints, taken while the content folder is listed (`fingerprint`).
    prints: OnceLock<SourcePrints>,
}

impl Saved {
    /// Fingerprints the files of every record, from the site's folder `root`: on one
    /// core while the other lists the content folder, which takes a big site's build
    /// a fifth of its time on one core alone.
    pub(crate) fn fingerprint(&self, root: &Folder) {
        self.records.par_iter().for_each(|(md, held)| {
            let thread = held.threaded.then(|| content::thread_path_for(md));
            let _ = (held.prints).set(SourcePrints::of_files(root, md, thread.as_deref()));
        });
    }

    /// What it holds of `source`, its fingerprints taken now from the site's folder
    /// `root`.
    pub(crate) fn take(&self, root: &Folder, source: &Source) -> Taken {
        let taken = Taken::nothing;
        let Some(held) = self.records.get(&source.path) else {
            return taken(SourcePrints::of(root, source));
        };
        let now = match held.prints.get() {
            Some(&prints) if held.threaded == source.thread.is_some() => prints,
            _ => SourcePrints::of(root, source),
        };
        if now.md().is_none() || held.taken.swap(true, Ordering::Relaxed) {
            return taken(now);
        }
        let decoded = self.read_at(held.at).and_then(|bytes| {
            let mut record: Record = bincode::DefaultOptions::new().deserialize(&bytes).ok()?;
            if let Some(conversation) = record.entry.conversation.as_mut() {
                let digest = std::mem::take(&mut conversation.digest);
                conversation.digest = digest.renumbered(&self.names)?;
            }
            Some(record)
        });
        let Some(record) = decoded.filter(|record| {
            now.thread() == record.thread
                && source.thread == record.entry.thread_file()
                && *record.entry.doc.source == *source.path
        }) else {
            return taken(now);
        };
        if now.md() == Some(record.md) {
            Taken {
                held: Some((record.entry, record.body)),
                ..taken(now)
            }
        } else {
            Taken {
                thread: Some(record.entry.revision.thread),
                ..taken(now)
            }
        }
    }

    /// The bytes at `at` of the state file, if their sum is the one saved.
    fn read_at(&self, at: Place) -> Option<Vec<u8>> {
        let mut bytes = vec![0; at.len()];
        read_exact_at(&self.file, &mut bytes, at.start).ok()?;
        (crc32fast::hash(&bytes) == at.sum).then_some(bytes)
    }

    /// The related posts the build that saved it weighed, to be weighed again only
    /// if the posts or their tags changed.
    pub(crate) fn take_related(&mut self) -> KeptRelated {
        self.related
            .take()
            .map(|(fingerprint, related)| KeptRelated::saved(fingerprint, related))
            .unwrap_or_default()
    }

    /// How many files the build that saved it wrote.
    pub(crate) fn outputs(&self) -> usize {
        self.outputs.len()
    }

    /// Where the record of `source` lies in the file.
    fn record(&self, source: &Path) -> Option<Place> {
        self.records.get(source).map(|held| held.at)
    }

    /// The fingerprint of the file published at `file`, as saved.
    fn published(&self, file: &str) -> Option<Print> {
        self.outputs.get(file).map(|&(_, print)| print)
    }

    /// Makes the state file unusable until `save` has written this build's changes
    /// into it: a build stopped while it publishes leaves a folder no state
    /// describes. `false` if it could not: it is then removed.
    pub(crate) fn set_aside(&self) -> bool {
        let mut file = &self.file;
        let written = (file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(&[0; 16]))
            .is_ok();
        if !written {
            remove(&self.target);
        }
        written
    }

    /// The files the build that saved it wrote.
    pub(crate) fn files(&self) -> impl Iterator<Item = &str> {
        self.outputs.keys().map(String::as_str)
    }

    /// Whether the output at `output.file` is the one this state's build wrote there;
    /// `entries` are those of the site `output` was planned for.
    pub(crate) fn has(&self, output: &Output, entries: Entries<'_>) -> bool {
        let file = output.file(entries);
        let same_inputs = self.outputs.get(&*file).is_some_and(|&(inputs, print)| {
            inputs == output.inputs && self.folder.published(&file) == Some(print)
        });
        same_inputs
            && output.job.source_file().is_none_or(|path| {
                self.copied
                    .get(path)
                    .is_some_and(|p| Print::of(path) == Some(*p))
            })
    }
}

/// The key a state is saved under: everything that changes every output without the
/// plan's digests seeing it. `None` when a file of it cannot be read.
pub(crate) fn key(options: &BuildOptions, config: &SiteConfig) -> Option<u64> {
    let mut h = foldhash::quality::FixedState::with_seed(0).build_hasher();
    (MAGIC, env!("CARGO_PKG_VERSION")).hash(&mut h);
    // A rebuilt rapport of the same version may render otherwise.
    let exe = std::env::current_exe().ok()?;
    Print::of(&exe)?.hash(&mut h);
    (&options.base_url, options.drafts).hash(&mut h);
    let root = &config.root;
    std::fs::read(root.join("site.toml")).ok()?.hash(&mut h);
    for dir in ["templates", "themes", "i18n"] {
        let walk = walkdir::WalkDir::new(root.join(dir))
            .follow_links(true)
            .sort_by_file_name();
        for entry in walk {
            let entry = match entry {
                Ok(e) => e,
                Err(e)
                    if e.depth() == 0
                        && e.io_error()
                            .is_some_and(|e| e.kind() == std::io::ErrorKind::NotFound) =>
                {
                    break
                }
                Err(_) => return None,
            };
            if entry.file_type().is_file() {
                (entry.path(), std::fs::read(entry.path()).ok()?).hash(&mut h);
            }
        }
    }
    Some(std::hash::Hasher::finish(&h))
}

/// Where the state of the output folder `target` is kept: beside it.
pub(crate) fn path_for(target: &Path) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    target
        .parent()
        .unwrap_or(Path::new("."))
        .join(format!(".{name}.rapport-state"))
}

/// The state of `target` (`path_for`) and the name a whole one is written under
/// before it is renamed into place.
pub(crate) fn files_for(target: &Path) -> [PathBuf; 2] {
    let path = path_for(target);
    let written = path.with_extension("rapport-state-new");
    [path, written]
}

/// The state saved for `target` under `key`, if there is one that holds.
pub(crate) fn read(target: &Path, key: u64) -> Option<Saved> {
    let path = path_for(target);
    // Opening a pipe or a device put there would wait for a writer; a link is not
    // written through.
    let before = std::fs::symlink_metadata(&path).ok()?;
    if !before.is_file() {
        return None;
    }
    let mut file = File::options().read(true).write(true).open(&path).ok()?;
    if !same_file(&before, &file.metadata().ok()?) {
        return None;
    }
    let mut header = [0; Header::LEN];
    file.read_exact(&mut header).ok()?;
    let header = Header::of(&header)?;
    let head_at = usize::try_from(header.head_at).ok()?;
    let head_len = usize::try_from(header.head_len).ok()?;
    if header.key != key
        || head_at < Header::LEN
        || header.head_at.checked_add(header.head_len) != Some(before.len())
    {
        return None;
    }
    let mut head = vec![0; head_len];
    file.seek(SeekFrom::Start(header.head_at)).ok()?;
    file.read_exact(&mut head).ok()?;
    if crc32fast::hash(&head) != header.head_sum {
        return None;
    }
    let head: Head = bincode::DefaultOptions::new()
        .with_limit(header.head_len)
        .deserialize(&head)
        .ok()?;
    if Identity::of(target) != Some(head.output) {
        return None;
    }
    let mut records = foldhash::HashMap::default();
    records.reserve(head.records.len());
    for (path, threaded, at) in head.records {
        if at.start < Header::LEN as u64 || at.end < at.start || at.end > header.head_at {
            return None;
        }
        let held = Held {
            at,
            threaded,
            taken: AtomicBool::new(false),
            prints: OnceLock::new(),
        };
        records.insert(path, held);
    }
    Some(Saved {
        target: target.to_path_buf(),
        folder: Folder::open(target),
        file,
        header,
        outputs: (head.outputs.into_iter().flatten())
            .map(|(file, inputs, print)| (file, (inputs, print)))
            .collect(),
        copied: head.copied.into_iter().collect(),
        records,
        related: head.related,
        names: Renumbering::of(&head.names),
    })
}

#[cfg(unix)]
fn read_exact_at(file: &File, bytes: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, bytes, at)
}

/// Never called: a state is read only where folders are told apart (`Identity`).
#[cfg(not(unix))]
fn read_exact_at(_: &File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::Error::other("no state on this system"))
}

/// Whether two fingerprints are of the same file.
#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    (a.dev(), a.ino()) == (b.dev(), b.ino())
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::Metadata, _: &std::fs::Metadata) -> bool {
    false
}

/// Removes the state of `target`: its folder is about to change.
pub(crate) fn remove(target: &Path) {
    let _ = std::fs::remove_file(path_for(target));
}

/// What a build saves.
pub(crate) struct ToSave<'a> {
    pub(crate) key: u64,
    pub(crate) started: SystemTime,
    pub(crate) outputs: &'a [Output],
    /// Which of `outputs` are the files the state read described, as they were then:
    /// their fingerprints are not taken again.
    pub(crate) unchanged: &'a [bool],
    /// The site's posts and pages, each with the body it holds (`Entry::body`).
    pub(crate) entries: [&'a [Entry]; 2],
    /// The posts and pages held by the state read whose record changed since.
    pub(crate) touched: &'a foldhash::HashSet<PathBuf>,
    /// The state this build read: the records of it that hold as they are are kept,
    /// not encoded again.
    pub(crate) saved: Option<&'a Saved>,
    /// Whether the state read was set aside (`Saved::set_aside`) to be written into.
    pub(crate) set_aside: bool,
    pub(crate) related: &'a KeptRelated,
}

/// A record to save: where it lies in the state read, or its bytes.
enum RecordBytes {
    Kept(Place),
    New(Vec<u8>),
}

/// Saves the state of the folder `target` has just become: into the state read, set
/// aside, when most of its records still hold (only the changed ones and `Head` are
/// written, after the others); otherwise whole, under another name and renamed into
/// place. Either way a state is whole or unusable.
pub(crate) fn save<'a>(target: &Path, what: &ToSave<'a>) -> std::io::Result<()> {
    let Some(output) = Identity::of(target) else {
        return Ok(());
    };
    let saved = what.saved;
    let copied = what
        .outputs
        .iter()
        .filter_map(|o| o.job.source_file())
        .filter_map(|path| Some((path, Print::of(path)?.to_save(what.started))))
        .collect();
    let encode = |entry: &'a Entry| {
        let body = entry.body.as_ref();
        let source = &*entry.doc.source;
        let files = (source, entry.has_thread_file());
        let prints = entry.prints?;
        let held = prints.was_held();
        // A record's digest numbers names as the table of the state it was read from.
        let kept = (held && !what.touched.contains(source))
            .then(|| saved.filter(|s| s.names.is_same())?.record(source));
        if let Some(at) = kept.flatten() {
            return Some((files, RecordBytes::Kept(at)));
        }
        let record = RecordRef {
            md: prints.md()?.to_save(what.started),
            thread: prints.thread().map(|p| p.to_save(what.started)),
            entry,
            body,
        };
        let bytes = bincode::DefaultOptions::new().serialize(&record).ok()?;
        Some((files, RecordBytes::New(bytes)))
    };
    let mut head = HeadRef {
        output,
        outputs: Published {
            outputs: what.outputs,
            entries: Entries(what.entries),
            unchanged: what.unchanged,
            saved,
            folder: Folder::open(target),
        },
        copied,
        records: Vec::with_capacity(what.entries.iter().map(|e| e.len()).sum()),
        related: what.related.kept(),
        names: digest::names_table(),
    };
    let [path, temporary] = files_for(target);
    let write_whole = |head: &mut HeadRef<'a>, chunks: &mut dyn Iterator<Item = Records<'a>>| {
        let written = write_new(&temporary, what.key, saved, head, chunks)
            .and_then(|()| std::fs::rename(&temporary, &path));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
        }
        written
    };
    let Some(saved) = saved else {
        // Nothing to keep: encoded a chunk at a time and written as they come, since
        // all of a big site's records held at once were a third of its build's peak.
        let mut chunks = (what.entries.iter().flat_map(|e| e.chunks(RECORDS_AT_ONCE)))
            .map(|chunk| chunk.par_iter().filter_map(encode).collect());
        return write_whole(&mut head, &mut chunks);
    };
    let [posts, pages] = what.entries;
    let records: Records<'a> = (posts.par_iter().chain(pages)).filter_map(encode).collect();
    // Written into the state read when the records it holds in vain (replaced or gone)
    // stay under half of it.
    let into = Some(saved).filter(|s| {
        let live: usize = (records.iter())
            .map(|(_, r)| match r {
                RecordBytes::Kept(at) => at.len(),
                RecordBytes::New(bytes) => bytes.len(),
            })
            .sum();
        let new: usize = (records.iter())
            .map(|(_, r)| match r {
                RecordBytes::Kept(_) => 0,
                RecordBytes::New(bytes) => bytes.len(),
            })
            .sum();
        what.set_aside && live * 2 >= s.header.head_at as usize - Header::LEN + new
    });
    if let Some(saved) = into {
        return write_into(saved, what.key, &mut head, &records);
    }
    write_whole(&mut head, &mut std::iter::once(records))
}

/// Records to write, by their markdown files and whether each has a thread file.
type Records<'a> = Vec<((&'a Path, bool), RecordBytes)>;

/// How many records a state written whole encodes before writing them.
const RECORDS_AT_ONCE: usize = 1024;

/// Writes a whole state at `path`, its records as `chunks` gives them.
fn write_new<'a>(
    path: &Path,
    key: u64,
    saved: Option<&Saved>,
    head: &mut HeadRef<'a>,
    chunks: &mut dyn Iterator<Item = Records<'a>>,
) -> std::io::Result<()> {
    // A link left at this name is replaced, never written through.
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let file = File::options().write(true).create_new(true).open(path)?;
    let mut file = BufWriter::with_capacity(1 << 16, file);
    file.write_all(&[0; Header::LEN])?;
    let mut at = Header::LEN as u64;
    for ((md, threaded), record) in chunks.flatten() {
        let bytes = match record {
            RecordBytes::Kept(place) => saved
                .and_then(|s| s.read_at(place))
                .ok_or_else(|| std::io::Error::other("a record kept is not in the state"))?,
            RecordBytes::New(bytes) => bytes,
        };
        file.write_all(&bytes)?;
        let place = Place::of(at, &bytes);
        head.records.push((md, threaded, place));
        at = place.end;
    }
    let (head_len, head_sum) = write_head(&mut file, head)?;
    let mut file = file.into_inner().map_err(|e| e.into_error())?;
    let header = Header {
        key,
        head_at: at,
        head_len,
        head_sum,
    };
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&header.to_bytes())
}

/// Writes `head` to `file`; returns its length and sum. Encoded as it is written: the
/// head of a big site (every output and record) held whole was the peak of its build.
fn write_head(file: &mut impl Write, head: &HeadRef<'_>) -> std::io::Result<(u64, u32)> {
    let mut summed = Summed {
        file,
        len: 0,
        sum: crc32fast::Hasher::new(),
    };
    (bincode::DefaultOptions::new())
        .serialize_into(&mut summed, head)
        .map_err(std::io::Error::other)?;
    Ok((summed.len, summed.sum.finalize()))
}

/// A writer that counts and sums what goes through it.
struct Summed<W> {
    file: W,
    len: u64,
    sum: crc32fast::Hasher,
}

impl<W: Write> Write for Summed<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(bytes)?;
        self.sum.update(&bytes[..n]);
        self.len += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

/// Writes the records of `records` the state `saved` (set aside) does not hold after
/// its own, then `head`, then its header, which makes it usable again.
fn write_into<'a>(
    saved: &Saved,
    key: u64,
    head: &mut HeadRef<'a>,
    records: &Records<'a>,
) -> std::io::Result<()> {
    let mut file = BufWriter::with_capacity(1 << 16, &saved.file);
    let mut at = saved.header.head_at;
    file.seek(SeekFrom::Start(at))?;
    for &((md, threaded), ref record) in records {
        match record {
            RecordBytes::Kept(place) => head.records.push((md, threaded, *place)),
            RecordBytes::New(bytes) => {
                file.write_all(bytes)?;
                let place = Place::of(at, bytes);
                head.records.push((md, threaded, place));
                at = place.end;
            }
        }
    }
    let (head_len, head_sum) = write_head(&mut file, head)?;
    let mut file = file.into_inner().map_err(|e| e.into_error())?;
    file.set_len(at + head_len)?;
    let header = Header {
        key,
        head_at: at,
        head_len,
        head_sum,
    };
    file.seek(SeekFrom::Start(0))?;
    file.write_all(&header.to_bytes())
}

use bincode::Options as _;

/// The extra front matter of a post (any shape) as JSON text: the state's format
/// writes no self-describing values.
pub(crate) mod json_text {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(crate) fn serialize<S: Serializer>(value: &tera::Value, s: S) -> Result<S::Ok, S::Error> {
        serde_json::to_string(value)
            .map_err(serde::ser::Error::custom)?
            .serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<tera::Value, D::Error> {
        let text = String::deserialize(d)?;
        serde_json::from_str(&text).map_err(serde::de::Error::custom)
    }
}

/// Durations as whole seconds and nanoseconds (a post's reply times are saved so).
pub(crate) mod durations {
    use chrono::Duration;

    pub(crate) fn parts(d: &Duration) -> (i64, i32) {
        (d.num_seconds(), d.subsec_nanos())
    }

    pub(crate) fn from_parts<E: serde::de::Error>(
        (secs, nanos): (i64, i32),
    ) -> Result<Duration, E> {
        let nanos = Duration::nanoseconds(nanos.into());
        Duration::try_seconds(secs)
            .and_then(|d| d.checked_add(&nanos))
            .ok_or_else(|| E::custom("duration out of range"))
    }
}

/// Dates as seconds and nanoseconds since 1970: written as text, reading them back
/// was a quarter of a build after a one-post edit.
pub(crate) mod date_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::dates::Date;

    pub(super) fn parts(d: &Date) -> (i64, u32) {
        (d.timestamp(), d.timestamp_subsec_nanos())
    }

    pub(super) fn from_parts<E: serde::de::Error>((secs, nanos): (i64, u32)) -> Result<Date, E> {
        Date::from_timestamp(secs, nanos).ok_or_else(|| E::custom("date out of range"))
    }

    pub(crate) fn serialize<S: Serializer>(d: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        d.as_ref().map(parts).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<(i64, u32)>::deserialize(d)?
            .map(from_parts)
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_fingerprinted_alike_from_its_folder_and_by_its_whole_path() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("posts")).unwrap();
        let file = dir.path().join("posts/a.md");
        std::fs::write(&file, "hello").unwrap();
        let folder = Folder::open(dir.path());
        let print = folder.print(Path::new("posts/a.md"));
        assert_eq!(print.map(|p| p.len), Some(5));
        assert_eq!(print, Print::of(&file));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&file, dir.path().join("b.md")).unwrap();
            assert_eq!(folder.print(Path::new("b.md")), print, "a link is followed");
        }
        assert_eq!(folder.print(Path::new("posts/gone.md")), None);
        std::fs::write(&file, "hello again").unwrap();
        let edited = folder.print(Path::new("posts/a.md"));
        assert_ne!(edited, print);
        assert_eq!(edited, Print::of(&file));
    }

    #[test]
    fn every_output_is_saved_in_order_found_or_not_over_many_chunks() {
        let dir = tempfile::tempdir().unwrap();
        let count = PUBLISHED_AT_ONCE + 3;
        let outputs: Vec<Output> = (0..count)
            .map(|i| {
                let job = crate::site::plan::Job::SitemapPart(i);
                Output::at(&format!("{i}.html"), job, i as u64)
            })
            .collect();
        let entries = Entries([&[], &[]]);
        let found = |i: usize| i % 3 != 1;
        for i in (0..count).filter(|&i| found(i)) {
            let file = outputs[i].file(entries);
            std::fs::write(dir.path().join(&*file), "x".repeat(i % 7)).unwrap();
        }
        let published = Published {
            outputs: &outputs,
            entries,
            unchanged: &[],
            saved: None,
            folder: Folder::open(dir.path()),
        };
        let options = bincode::DefaultOptions::new();
        let read: Vec<Option<(String, u64, Print)>> = options
            .deserialize(&options.serialize(&published).unwrap())
            .unwrap();
        assert_eq!(read.len(), count);
        for (i, saved) in read.iter().enumerate() {
            let name = outputs[i].file(entries);
            let file = dir.path().join(&*name);
            let expected = found(i).then(|| {
                let print = Print::of(&file).unwrap().published();
                (name.to_string(), i as u64, print)
            });
            assert_eq!(saved, &expected, "output {i}");
        }
    }
}
