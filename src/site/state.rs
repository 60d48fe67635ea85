//! The build state: what a build saves beside its output (`.public.rapport-state`
//! beside `public/`, never inside it) so that the next build of the same output reads
//! again only the sources that changed and renders only the outputs whose inputs
//! changed. It holds each source's fingerprint and what lists, feeds and the
//! conversation pages need of it, and each output's digest from the plan.
//!
//! A state counts only for the very folder it was saved with, by the same rapport,
//! with the same site.toml, templates, themes and translations and the same build
//! options; anything else about it (missing, cut short, damaged, another version)
//! makes the build a full one. It is removed before a build publishes and written
//! again after, under the output's lock.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::hash::{BuildHasher, Hash};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::config::SiteConfig;
use crate::content::Source;
use crate::site::build::Body;
use crate::site::plan::Output;
use crate::site::{BuildOptions, Entry};

/// The first bytes of a state file; the last one is the format's version.
const MAGIC: &[u8; 16] = b"rapport state\0\0\x04";

/// A file's size, modification time, inode and change time: a file whose fingerprint
/// is the one saved is taken to be the file read then. The modification time alone
/// can be set back (`touch -d`, an archive, a copy keeping times); the change time
/// cannot, and a file saved under another name has another inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub(crate) struct Print {
    len: u64,
    /// Nanoseconds since 1970.
    modified: i128,
    inode: u64,
    /// Nanoseconds since 1970; 0 where it is not known or not kept.
    changed: i128,
}

impl Print {
    /// The fingerprint of the file at `path`, `None` when it cannot be read.
    pub(crate) fn of(path: &Path) -> Option<Print> {
        let meta = std::fs::metadata(path).ok()?;
        let modified = match meta.modified().ok()?.duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_nanos() as i128,
            Err(e) => -(e.duration().as_nanos() as i128),
        };
        let (inode, changed) = inode_and_change(&meta);
        Some(Print {
            len: meta.len(),
            modified,
            inode,
            changed,
        })
    }

    /// The fingerprint of a published file: without its change time, which moves when
    /// the next build links the file into its own folder.
    fn of_published(path: &Path) -> Option<Print> {
        Print::of(path).map(|p| Print { changed: 0, ..p })
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
            .map_or(0, |d| d.as_nanos() as i128);
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

#[cfg(unix)]
fn inode_and_change(meta: &std::fs::Metadata) -> (u64, i128) {
    use std::os::unix::fs::MetadataExt;
    let changed = i128::from(meta.ctime()) * 1_000_000_000 + i128::from(meta.ctime_nsec());
    (meta.ino(), changed)
}

#[cfg(not(unix))]
fn inode_and_change(_: &std::fs::Metadata) -> (u64, i128) {
    (0, 0)
}

/// The fingerprints of a source as a build read it: its markdown file and its thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SourcePrints {
    md: Option<Print>,
    thread: Option<Print>,
}

impl SourcePrints {
    /// Taken before the files are read: a file changed meanwhile is read again next time.
    pub(crate) fn of(root: &Path, source: &Source) -> SourcePrints {
        SourcePrints {
            md: Print::of(&root.join(&source.path)),
            thread: source
                .thread
                .as_ref()
                .and_then(|t| Print::of(&root.join(t))),
        }
    }
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
    /// Without its body and its comments' text (`build::Conversation`).
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

/// The state file after its header: `Head`'s length (8 bytes), `Head`, then each
/// record's bytes, decoded only when the build asks for that record. Decoding every
/// record at once, one after the other, was most of reading the state.
#[derive(Deserialize)]
struct Head {
    output: Identity,
    /// Each output's file, digest and fingerprint as published.
    outputs: Vec<(String, u64, Print)>,
    copied: Vec<(PathBuf, Print)>,
    /// Each record's markdown file and where its bytes end, after the previous one's.
    records: Vec<(PathBuf, u64)>,
}

#[derive(Serialize)]
struct HeadRef<'a> {
    output: Identity,
    outputs: Vec<(&'a str, u64, Print)>,
    copied: Vec<(&'a Path, Print)>,
    records: Vec<(&'a Path, u64)>,
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
    /// The digest of each output file and its fingerprint as published: a file edited
    /// by hand since is written again.
    outputs: foldhash::HashMap<String, (u64, Print)>,
    /// The fingerprint of each file copied as it is, by its path.
    copied: HashMap<PathBuf, Print>,
    /// The records' bytes.
    bytes: Vec<u8>,
    /// Where each post's and page's record lies in `bytes`, by its markdown file, and
    /// whether the build took it already.
    records: foldhash::HashMap<PathBuf, (std::ops::Range<usize>, AtomicBool)>,
}

impl Saved {
    /// The saved entry of `source` and what lists show of it, if neither its file nor
    /// its thread changed since.
    pub(crate) fn take(
        &self,
        source: &Source,
        now: &SourcePrints,
    ) -> Option<(Entry, Option<Body>)> {
        let (at, taken) = self.records.get(&source.path)?;
        if now.md.is_none() || taken.swap(true, Ordering::Relaxed) {
            return None;
        }
        let record: Record = bincode::DefaultOptions::new()
            .deserialize(self.bytes.get(at.clone())?)
            .ok()?;
        let same = now.md == Some(record.md)
            && now.thread == record.thread
            && source.thread == record.entry.doc.thread_file
            && record.entry.doc.source == source.path;
        same.then_some((record.entry, record.body))
    }

    /// How many files the build that saved it wrote.
    pub(crate) fn outputs(&self) -> usize {
        self.outputs.len()
    }

    /// The bytes of the record of `source`, as saved.
    fn record(&self, source: &Path) -> Option<&[u8]> {
        let (at, _) = self.records.get(source)?;
        self.bytes.get(at.clone())
    }

    /// The files the build that saved it wrote.
    pub(crate) fn files(&self) -> impl Iterator<Item = &str> {
        self.outputs.keys().map(String::as_str)
    }

    /// Whether the output at `output.file` is the one this state's build wrote there.
    pub(crate) fn has(&self, output: &Output) -> bool {
        let same_inputs = self
            .outputs
            .get(&output.file)
            .is_some_and(|&(inputs, print)| {
                inputs == output.inputs
                    && Print::of_published(&self.target.join(&output.file)) == Some(print)
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

/// The state saved for `target` under `key`, if there is one that holds.
pub(crate) fn read(target: &Path, key: u64) -> Option<Saved> {
    let path = path_for(target);
    // Opening a pipe or a device put there would wait for a writer.
    if !std::fs::metadata(&path).ok()?.is_file() {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    const HEADER: usize = 16 + 8 + 8 + 4;
    let (header, payload) = bytes.split_at_checked(HEADER)?;
    let (magic, rest) = header.split_at(16);
    let word = |at: usize| u64::from_le_bytes(rest[at..at + 8].try_into().expect("8 bytes"));
    if magic != MAGIC || word(0) != key || word(8) != payload.len() as u64 {
        return None;
    }
    let sum = u32::from_le_bytes(rest[16..20].try_into().expect("4 bytes"));
    if crc32fast::hash(payload) != sum {
        return None;
    }
    let (len, payload) = payload.split_at_checked(8)?;
    let len = usize::try_from(u64::from_le_bytes(len.try_into().ok()?)).ok()?;
    let (head, _) = payload.split_at_checked(len)?;
    let head: Head = bincode::DefaultOptions::new()
        .with_limit(len as u64)
        .deserialize(head)
        .ok()?;
    if Identity::of(target) != Some(head.output) {
        return None;
    }
    let mut start = HEADER + 8 + len;
    let mut records = foldhash::HashMap::default();
    records.reserve(head.records.len());
    for (path, end) in head.records {
        let end = usize::try_from(end).ok()?.checked_add(HEADER + 8 + len)?;
        if end < start || end > bytes.len() {
            return None;
        }
        records.insert(path, (start..end, AtomicBool::new(false)));
        start = end;
    }
    Some(Saved {
        target: target.to_path_buf(),
        outputs: (head.outputs.into_iter())
            .map(|(file, inputs, print)| (file, (inputs, print)))
            .collect(),
        copied: head.copied.into_iter().collect(),
        bytes,
        records,
    })
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
    pub(crate) entries: Vec<(&'a Entry, Option<&'a Body>)>,
    /// The fingerprints of each source, taken when it was read.
    pub(crate) prints: &'a foldhash::HashMap<PathBuf, SourcePrints>,
    /// The state this build read, and the posts and pages whose record in it holds
    /// as it is: their bytes are copied, not encoded again.
    pub(crate) as_read: Option<(&'a Saved, foldhash::HashSet<&'a Path>)>,
}

/// Saves the state of the folder `target` has just become. Written under another name
/// and renamed into place: a state is whole or absent.
pub(crate) fn save(target: &Path, what: &ToSave<'_>) -> std::io::Result<()> {
    let Some(output) = Identity::of(target) else {
        return Ok(());
    };
    let copied = what
        .outputs
        .iter()
        .filter_map(|o| o.job.source_file())
        .filter_map(|path| Some((path, Print::of(path)?.to_save(what.started))))
        .collect();
    let records: Vec<(&Path, Cow<'_, [u8]>)> = what
        .entries
        .par_iter()
        .filter_map(|&(entry, body)| {
            let source = entry.doc.source.as_path();
            if let Some((saved, as_read)) = &what.as_read {
                let kept = as_read.contains(source).then(|| saved.record(source));
                if let Some(bytes) = kept.flatten() {
                    return Some((source, Cow::Borrowed(bytes)));
                }
            }
            let prints = what.prints.get(&entry.doc.source)?;
            let record = RecordRef {
                md: prints.md?.to_save(what.started),
                thread: prints.thread.map(|p| p.to_save(what.started)),
                entry,
                body,
            };
            let bytes = bincode::DefaultOptions::new().serialize(&record).ok()?;
            Some((source, Cow::Owned(bytes)))
        })
        .collect();
    let mut end = 0;
    let head = HeadRef {
        output,
        outputs: what
            .outputs
            .par_iter()
            .filter_map(|o| {
                let print = Print::of_published(&target.join(&o.file))?;
                Some((o.file.as_str(), o.inputs, print))
            })
            .collect(),
        copied,
        records: (records.iter())
            .map(|(path, bytes)| {
                end += bytes.len() as u64;
                (*path, end)
            })
            .collect(),
    };
    let path = path_for(target);
    let temporary = path.with_extension("rapport-state-new");
    let written = write(&temporary, what.key, &head, &records)
        .and_then(|()| std::fs::rename(&temporary, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

fn write(
    path: &Path,
    key: u64,
    head: &HeadRef<'_>,
    records: &[(&Path, Cow<'_, [u8]>)],
) -> std::io::Result<()> {
    // A link left at this name is replaced, never written through.
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let file = File::options().write(true).create_new(true).open(path)?;
    let mut file = BufWriter::with_capacity(1 << 16, file);
    file.write_all(MAGIC)?;
    file.write_all(&key.to_le_bytes())?;
    // The length and sum, once known.
    file.write_all(&[0u8; 12])?;
    let head = bincode::DefaultOptions::new()
        .serialize(head)
        .map_err(std::io::Error::other)?;
    let mut writer = Summing::new(&mut file);
    writer.write_all(&(head.len() as u64).to_le_bytes())?;
    writer.write_all(&head)?;
    for (_, bytes) in records {
        writer.write_all(bytes)?;
    }
    let (len, sum) = (writer.count, writer.sum());
    let mut file = file.into_inner().map_err(|e| e.into_error())?;
    file.seek(SeekFrom::Start(16 + 8))?;
    file.write_all(&len.to_le_bytes())?;
    file.write_all(&sum.to_le_bytes())?;
    Ok(())
}

/// Counts and sums the bytes going through it.
struct Summing<T> {
    inner: T,
    crc: crc32fast::Hasher,
    count: u64,
}

impl<T> Summing<T> {
    fn new(inner: T) -> Self {
        Summing {
            inner,
            crc: crc32fast::Hasher::new(),
            count: 0,
        }
    }

    fn sum(&self) -> u32 {
        self.crc.clone().finalize()
    }
}

impl<W: Write> Write for Summing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.crc.update(&buf[..n]);
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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

/// Durations as whole seconds and nanoseconds.
pub(crate) mod durations {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub(super) fn parts(d: &Duration) -> (i64, i32) {
        (d.num_seconds(), d.subsec_nanos())
    }

    pub(super) fn from_parts<E: serde::de::Error>(
        (secs, nanos): (i64, i32),
    ) -> Result<Duration, E> {
        let nanos = Duration::nanoseconds(nanos.into());
        Duration::try_seconds(secs)
            .and_then(|d| d.checked_add(&nanos))
            .ok_or_else(|| E::custom("duration out of range"))
    }

    pub(crate) fn serialize<S: Serializer>(list: &[Duration], s: S) -> Result<S::Ok, S::Error> {
        let parts: Vec<(i64, i32)> = list.iter().map(parts).collect();
        parts.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Duration>, D::Error> {
        Vec::<(i64, i32)>::deserialize(d)?
            .into_iter()
            .map(from_parts)
            .collect()
    }
}

/// An optional duration as whole seconds and nanoseconds.
pub(crate) mod duration_option {
    use chrono::Duration;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::durations::{from_parts, parts};

    pub(crate) fn serialize<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        d.as_ref().map(parts).serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Duration>, D::Error> {
        Option::<(i64, i32)>::deserialize(d)?
            .map(from_parts)
            .transpose()
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

/// Lists of dates with something each (`date_option`).
pub(crate) mod dated {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::date_option::{from_parts, parts};
    use crate::dates::Date;

    pub(crate) fn serialize<S: Serializer, T: Serialize>(
        list: &[(Date, T)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(list.iter().map(|(d, t)| (parts(d), t)))
    }

    pub(crate) fn deserialize<'de, D, T, C>(d: D) -> Result<C, D::Error>
    where
        D: Deserializer<'de>,
        T: Deserialize<'de>,
        C: FromIterator<(Date, T)>,
    {
        Vec::<((i64, u32), T)>::deserialize(d)?
            .into_iter()
            .map(|(d, t)| Ok((from_parts(d)?, t)))
            .collect()
    }
}
