//! Text a build makes while it renders each post and needs again only once every post
//! is rendered (each post's search index entry), kept in a file beside the output
//! until then rather than in memory: held for every post of a big site, it was a tenth
//! of its build's peak.

use std::borrow::Cow;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// A file without a name (it goes when the build does, however it ends), written at
/// its end and read anywhere.
#[derive(Debug)]
pub(crate) struct Spill {
    /// The file and its length.
    file: Mutex<(File, u64)>,
}

impl Spill {
    /// A spill in the folder `dir`: the output's, on the disk the site is written to.
    pub(crate) fn in_folder(dir: &Path) -> io::Result<Arc<Spill>> {
        let file = tempfile::tempfile_in(dir)?;
        Ok(Arc::new(Spill {
            file: Mutex::new((file, 0)),
        }))
    }

    fn push(&self, text: &str) -> io::Result<(u64, u32)> {
        let len = u32::try_from(text.len()).map_err(|_| io::ErrorKind::InvalidInput)?;
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let (file, end) = &mut *file;
        let at = *end;
        file.seek(SeekFrom::Start(at))?;
        file.write_all(text.as_bytes())?;
        *end += u64::from(len);
        Ok((at, len))
    }

    fn read(&self, at: u64, len: u32) -> io::Result<String> {
        let mut bytes = vec![0; len as usize];
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        file.0.seek(SeekFrom::Start(at))?;
        file.0.read_exact(&mut bytes)?;
        String::from_utf8(bytes).map_err(|_| io::ErrorKind::InvalidData.into())
    }
}

/// A text held in memory, in a spill, or not made.
#[derive(Debug, Clone, Default)]
pub(crate) enum Kept {
    #[default]
    None,
    Held(String),
    Spilled(Arc<Spill>, u64, u32),
}

impl Kept {
    /// `text` in `spill`, or held when there is none or it cannot be written.
    pub(crate) fn new(text: String, spill: Option<&Arc<Spill>>) -> Kept {
        match spill.map(|s| (s, s.push(&text))) {
            Some((spill, Ok((at, len)))) => Kept::Spilled(Arc::clone(spill), at, len),
            _ => Kept::Held(text),
        }
    }

    /// The text; `None` when it was not made or its spill cannot be read (the caller
    /// makes it again).
    pub(crate) fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Kept::None => None,
            Kept::Held(text) => Some(Cow::Borrowed(text)),
            Kept::Spilled(spill, at, len) => spill.read(*at, *len).ok().map(Cow::Owned),
        }
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
        Ok(text.map_or(Kept::None, Kept::Held))
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
}
