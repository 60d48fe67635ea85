//! Text a build makes while it renders each post and needs again only once every post
//! is rendered (each post's search index entry and summary), kept in a file beside the
//! output until then rather than in memory: held for every post of a big site, the
//! search entries were a tenth of its build's peak and the summaries a sixteenth.

use std::borrow::Cow;
use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::{Arc, Mutex};

use crate::error::Error;

/// A file without a name (it goes when the build does, however it ends), written at
/// its end and read anywhere. Texts are gathered in memory and written a block at a
/// time: a write and a seek for each post's few hundred bytes were a sixth of a small
/// site's calls to the system.
#[derive(Debug)]
pub(crate) struct Spill {
    file: File,
    blocks: Mutex<Blocks>,
}

#[derive(Debug, Default)]
struct Blocks {
    /// How much of the spill is in the file.
    written: u64,
    /// The rest, after it. Held whole once a write failed: the spill then only costs
    /// memory.
    pending: Vec<u8>,
    failed: bool,
}

/// Gathered texts are written a block of at most this size at a time.
const BLOCK: usize = 1 << 18;

/// The first block may grow to this size: a small site's texts (a few hundred bytes a
/// post) then never reach the file, whose reads back, one for each list that shows a
/// summary, were 7,000 calls to the system at 1,000 posts.
const FIRST_BLOCK: usize = 1 << 22;

impl Spill {
    /// A spill in the folder `dir`: the output's, on the disk the site is written to.
    pub(crate) fn in_folder(dir: &Path) -> io::Result<Arc<Spill>> {
        Ok(Arc::new(Spill {
            file: tempfile::tempfile_in(dir)?,
            blocks: Mutex::default(),
        }))
    }

    fn blocks(&self) -> std::sync::MutexGuard<'_, Blocks> {
        self.blocks.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn push(&self, text: &str) -> io::Result<(u64, u32)> {
        let len = u32::try_from(text.len()).map_err(|_| io::ErrorKind::InvalidInput)?;
        let mut blocks = self.blocks();
        let blocks = &mut *blocks;
        // Written before it would grow past a block: grown by doubling, it was held at
        // up to twice that.
        let limit = if blocks.written == 0 {
            FIRST_BLOCK
        } else {
            BLOCK
        };
        let full = blocks.pending.len() + text.len() > limit;
        if full && !blocks.pending.is_empty() && !blocks.failed {
            match self.file.write_all_at(&blocks.pending, blocks.written) {
                Ok(()) => {
                    blocks.written += blocks.pending.len() as u64;
                    blocks.pending.clear();
                    // After a text longer than a block.
                    blocks.pending.shrink_to(BLOCK);
                }
                Err(_) => blocks.failed = true,
            }
        }
        if blocks.pending.capacity() == 0 {
            blocks.pending.reserve_exact(limit.max(text.len()));
        }
        let at = blocks.written + blocks.pending.len() as u64;
        blocks.pending.extend_from_slice(text.as_bytes());
        Ok((at, len))
    }

    fn read(&self, at: u64, len: u32) -> io::Result<String> {
        let bytes = match self.gathered(at, len)? {
            Some(bytes) => bytes,
            None => {
                // In the file, where it no longer changes: read without the lock.
                let mut bytes = vec![0; len as usize];
                self.file.read_exact_at(&mut bytes, at)?;
                bytes
            }
        };
        String::from_utf8(bytes).map_err(|_| io::ErrorKind::InvalidData.into())
    }

    /// The text at `at` if it is still in memory; a text is written whole, with the
    /// block it was gathered in.
    fn gathered(&self, at: u64, len: u32) -> io::Result<Option<Vec<u8>>> {
        let blocks = self.blocks();
        let Some(from) = at.checked_sub(blocks.written) else {
            return Ok(None);
        };
        let from = usize::try_from(from).map_err(|_| io::ErrorKind::InvalidInput)?;
        let text =
            (blocks.pending.get(from..from + len as usize)).ok_or(io::ErrorKind::UnexpectedEof)?;
        Ok(Some(text.to_vec()))
    }
}

/// A text held in memory, in a spill, or not made.
#[derive(Debug, Clone, Default)]
pub(crate) enum Kept {
    #[default]
    None,
    /// Boxed, not a `String`: the enum then takes the room of `Spilled` alone.
    Held(Box<str>),
    Spilled(Arc<Spill>, u64, u32),
}

impl Kept {
    /// `text` in `spill`, or held when there is none or it cannot be written.
    pub(crate) fn new(text: String, spill: Option<&Arc<Spill>>) -> Kept {
        match spill.map(|s| (s, s.push(&text))) {
            Some((spill, Ok((at, len)))) => Kept::Spilled(Arc::clone(spill), at, len),
            _ => Kept::Held(text.into()),
        }
    }

    /// The text; `None` when it was not made or its spill cannot be read (the caller
    /// makes it again).
    pub(crate) fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Kept::None => None,
            _ => self.read().ok(),
        }
    }

    /// The text, empty when it was not made; an error when its spill cannot be read,
    /// for a text that cannot be made again.
    pub(crate) fn read(&self) -> Result<Cow<'_, str>, Lost> {
        match self {
            Kept::None => Ok(Cow::Borrowed("")),
            Kept::Held(text) => Ok(Cow::Borrowed(text)),
            Kept::Spilled(spill, at, len) => spill.read(*at, *len).map(Cow::Owned).map_err(Lost),
        }
    }

    /// Held in memory from now on.
    pub(crate) fn hold(&mut self) -> Result<(), Lost> {
        if let Kept::Spilled(..) = self {
            *self = Kept::Held(self.read()?.into());
        }
        Ok(())
    }

    /// Whether the text is held in memory.
    pub(crate) fn is_held(&self) -> bool {
        matches!(self, Kept::Held(_))
    }
}

/// Saved (in the build state) as the text itself.
impl serde::Serialize for Kept {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Kept::Spilled(..) => match self.text() {
                Some(text) => serializer.serialize_some(&*text),
                None => Err(serde::ser::Error::custom("the spill cannot be read")),
            },
            Kept::Held(text) => serializer.serialize_some(text),
            Kept::None => serializer.serialize_none(),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Kept {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text: Option<String> = serde::Deserialize::deserialize(deserializer)?;
        Ok(text.map_or(Kept::None, |text: String| Kept::Held(text.into())))
    }
}

/// A text set aside that cannot be read back: the disk that holds the output failed
/// under the build. The output that needs it fails, rather than show it empty.
#[derive(Debug, thiserror::Error)]
#[error("cannot read back what the build set aside beside the output folder: {0}")]
pub(crate) struct Lost(#[source] io::Error);

impl Lost {
    /// The error of `what` (an output file, or the output folder), which needs the
    /// text: with what to do.
    pub(crate) fn of(&self, what: &Path) -> Error {
        Error::Problem {
            message: format!("{}: {self}", what.display()),
            help: "check the disk that holds the output folder (is it full or failing?), then build again".into(),
        }
    }

    /// `error`, from writing the output file `rel`, as `Lost::of` the file when a text
    /// read back for it (as an `io::Error` wrapping a `Lost`) caused it.
    pub(crate) fn within(error: Error, rel: &str) -> Error {
        match error {
            Error::Io {
                path,
                action,
                source,
            } => match source.downcast::<Lost>() {
                Ok(lost) => lost.of(Path::new(rel)),
                Err(source) => Error::Io {
                    path,
                    action,
                    source,
                },
            },
            other => other,
        }
    }
}

/// A text that is always made (a summary), saved as the text itself, empty when it was
/// not: `#[serde(with = "spill::text")]`.
pub(crate) mod text {
    use super::Kept;

    pub(crate) fn serialize<S: serde::Serializer>(kept: &Kept, s: S) -> Result<S::Ok, S::Error> {
        match kept.read() {
            Ok(text) => s.serialize_str(&text),
            Err(_) => Err(serde::ser::Error::custom("the spill cannot be read")),
        }
    }

    pub(crate) fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Kept, D::Error> {
        let text: String = serde::Deserialize::deserialize(d)?;
        Ok(Kept::Held(text.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spilled_texts_read_back_as_written_and_save_as_held_ones() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::in_folder(dir.path()).unwrap();
        let texts = ["{\"title\":\"Ça\"}", "", "second"];
        let kept: Vec<Kept> = (texts.iter())
            .map(|t| Kept::new(t.to_string(), Some(&spill)))
            .collect();
        for (k, t) in kept.iter().zip(texts) {
            assert!(matches!(k, Kept::Spilled(..)), "{k:?}");
            assert_eq!(k.text().as_deref(), Some(t));
        }
        // Nothing is left in the folder: the file has no name.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let held = Kept::new("second".into(), None);
        assert!(held.is_held());
        let saved = |k: &Kept| serde_json::to_string(k).unwrap();
        assert_eq!(saved(&kept[2]), saved(&held));
        let back: Kept = serde_json::from_str(&saved(&kept[0])).unwrap();
        assert_eq!(back.text().as_deref(), Some(texts[0]));
        assert!(back.is_held());
        assert!(Kept::None.text().is_none());
    }

    #[test]
    fn texts_past_a_block_are_read_back_from_the_file_and_the_rest_from_memory() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::in_folder(dir.path()).unwrap();
        let texts: Vec<String> = (0..12000)
            .map(|i| format!("{i}:{}", "é".repeat(i % 700)))
            .collect();
        let kept: Vec<Kept> = (texts.iter())
            .map(|t| Kept::new(t.clone(), Some(&spill)))
            .collect();
        let written = spill.blocks().written;
        assert!(written >= (FIRST_BLOCK + BLOCK) as u64, "{written}");
        assert!(!spill.blocks().pending.is_empty());
        assert_eq!(spill.blocks().pending.capacity(), BLOCK);
        for (k, t) in kept.iter().zip(&texts) {
            assert_eq!(k.text().as_deref(), Some(t.as_str()));
        }
        // A text longer than a block is a block of its own.
        let long = "x".repeat(BLOCK + 7);
        let kept_long = Kept::new(long.clone(), Some(&spill));
        let after = Kept::new("after".into(), Some(&spill));
        assert_eq!(kept_long.text().as_deref(), Some(long.as_str()));
        assert_eq!(after.text().as_deref(), Some("after"));
        assert_eq!(spill.blocks().pending.capacity(), BLOCK);
        assert_eq!(kept[0].text().as_deref(), Some(texts[0].as_str()));
    }

    #[test]
    fn a_small_sites_texts_stay_in_memory() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::in_folder(dir.path()).unwrap();
        let text = "x".repeat(1000);
        let kept: Vec<Kept> = (0..FIRST_BLOCK / 1000)
            .map(|_| Kept::new(text.clone(), Some(&spill)))
            .collect();
        assert_eq!(spill.blocks().written, 0);
        assert_eq!(kept.last().unwrap().text().as_deref(), Some(text.as_str()));
        let next = Kept::new(text.clone(), Some(&spill));
        assert_eq!(spill.blocks().written, (FIRST_BLOCK / 1000 * 1000) as u64);
        assert_eq!(kept[0].text().as_deref(), Some(text.as_str()));
        assert_eq!(next.text().as_deref(), Some(text.as_str()));
    }

    #[test]
    fn a_summary_is_held_or_saved_as_its_text_and_a_lost_one_is_an_error_not_a_blank() {
        let dir = tempfile::tempdir().unwrap();
        let spill = Spill::in_folder(dir.path()).unwrap();
        let mut kept = Kept::new("<p>Hi</p>".into(), Some(&spill));
        #[derive(serde::Serialize, serde::Deserialize)]
        struct Saved(#[serde(with = "text")] Kept);
        let saved = serde_json::to_string(&Saved(kept.clone())).unwrap();
        assert_eq!(saved, "\"<p>Hi</p>\"");
        let back: Saved = serde_json::from_str(&saved).unwrap();
        assert!(back.0.is_held());
        assert_eq!(back.0.read().unwrap(), "<p>Hi</p>");
        kept.hold().unwrap();
        assert!(kept.is_held());
        assert_eq!(Kept::None.read().unwrap(), "");
        // Past the end of what the spill holds: never read as an empty summary.
        let mut lost = Kept::Spilled(Arc::clone(&spill), 1 << 20, 4);
        assert!(lost.read().is_err());
        assert!(lost.hold().is_err());
        assert!(serde_json::to_string(&Saved(lost)).is_err());
    }
}
