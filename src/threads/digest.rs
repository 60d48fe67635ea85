//! What the site-wide pages use of one thread (the conversations page, the comments
//! feeds, the search index), in a handful of allocations. A build keeps this of each
//! post once its page is written instead of the thread: a million comments held as
//! `Comment` values and trees were most of a big site's memory.

use std::sync::{Mutex, OnceLock};

use crate::dates::Date;
use crate::threads::metrics::reader_key;
use crate::threads::{Role, Thread, Tree};

/// The digest of one thread. Comments are named by their index in `thread.comments`;
/// readers' keys and names by their number in `Names`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "Stored", into = "Stored")]
pub struct Digest {
    /// How many comments the thread has, of every kind.
    pub comments: usize,
    /// The deepest comment, the first one in reading order at that depth.
    pub deepest: Option<u32>,
    /// Named readers' comments in reading order: which comment, its reader key
    /// (`metrics::reader_key`) and its author's name.
    readers: Box<[(u32, Name, Name)]>,
    /// The comments a comments feed may show (no mention, none withdrawn, dated by
    /// themselves or by their post), newest first, then in file order.
    newest: Box<[(Date, u32)]>,
    /// Each distinct author name (trimmed) of a comment that is not a mention, in
    /// file order.
    authors: Box<[Name]>,
}

/// A reader's key or name, by its number in `Names`.
type Name = u32;

/// Readers' keys and names, each held once however many comments carry it: a big
/// site's million comments come from a few thousand readers, and their keys and names
/// held with every comment were a fifth of what a build kept of each post. They stay
/// for the life of the process: a server's grow only with the names it reads.
#[derive(Default)]
struct Names {
    numbers: foldhash::HashMap<&'static str, Name>,
    texts: Vec<&'static str>,
}

fn names() -> std::sync::MutexGuard<'static, Names> {
    static NAMES: OnceLock<Mutex<Names>> = OnceLock::new();
    let names = NAMES.get_or_init(Mutex::default);
    names.lock().unwrap_or_else(|e| e.into_inner())
}

impl Names {
    fn number(&mut self, text: &str) -> Name {
        if let Some(&n) = self.numbers.get(text) {
            return n;
        }
        let text: &'static str = Box::leak(text.into());
        let n = self.texts.len() as Name;
        self.texts.push(text);
        self.numbers.insert(text, n);
        n
    }

    fn text(&self, n: Name) -> &'static str {
        self.texts[n as usize]
    }
}

/// A named reader's comment as the digest keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReaderComment<'a> {
    pub comment: usize,
    /// How the reader is recognised across posts (`metrics::reader_key`).
    pub key: &'a str,
    /// The name as written on this comment.
    pub name: &'a str,
}

impl Digest {
    /// The digest of `thread`, whose tree is `tree`; `post_date` dates its undated
    /// comments in the comments feed.
    pub fn of(thread: &Thread, tree: &Tree, post_date: Option<Date>) -> Digest {
        let comments = &thread.comments;
        let mut readers = Vec::new();
        for &c in &tree.order {
            let comment = &comments[c];
            if !comment.is_reader() {
                continue;
            }
            let Some(key) = reader_key(comment) else {
                continue;
            };
            readers.push((c as u32, key, comment.author.as_deref().unwrap_or_default()));
        }
        let mut authors: Vec<&str> = Vec::new();
        for c in comments.iter().filter(|c| c.role != Role::Mention) {
            let Some(name) = c.author.as_deref().map(str::trim) else {
                continue;
            };
            if !authors.contains(&name) {
                authors.push(name);
            }
        }
        let mut newest: Vec<(Date, u32)> = comments
            .iter()
            .enumerate()
            .filter(|(_, c)| c.role != Role::Mention && c.is_published())
            .filter_map(|(i, c)| Some((c.date.or(post_date)?, i as u32)))
            .collect();
        newest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let deepest = tree.depth.iter().copied().max().and_then(|deepest| {
            let first = tree.order.iter().find(|&&i| tree.depth[i] == deepest);
            first.map(|&i| i as u32)
        });
        let mut names = names();
        Digest {
            comments: comments.len(),
            deepest,
            readers: (readers.iter())
                .map(|(c, key, name)| (*c, names.number(key), names.number(name)))
                .collect(),
            newest: newest.into(),
            authors: authors.iter().map(|a| names.number(a)).collect(),
        }
    }

    /// Named readers' comments, in reading order.
    pub fn readers(&self) -> impl Iterator<Item = ReaderComment<'static>> {
        let names = names();
        let readers: Vec<ReaderComment<'static>> = (self.readers.iter())
            .map(|&(c, key, name)| ReaderComment {
                comment: c as usize,
                key: names.text(key),
                name: names.text(name),
            })
            .collect();
        readers.into_iter()
    }

    /// The comments a comments feed may show, newest first, as (date, comment).
    pub fn newest(&self) -> impl Iterator<Item = (Date, usize)> + '_ {
        self.newest.iter().map(|&(d, c)| (d, c as usize))
    }

    /// The distinct names (trimmed) of the comments' authors, mentions left out, in
    /// the order they first comment.
    pub fn authors(&self) -> impl Iterator<Item = &'static str> {
        let names = names();
        let authors: Vec<&'static str> = self.authors.iter().map(|&a| names.text(a)).collect();
        authors.into_iter()
    }
}

/// A digest as the build state saves it, its keys and names written out (they are
/// not the same numbers in the next process): each reader's comment with the end in
/// `text` of its key and of its name, which follow each other there, then the end of
/// each author's name.
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    comments: usize,
    deepest: Option<u32>,
    readers: Box<[(u32, u32, u32)]>,
    #[serde(with = "crate::site::state::dated")]
    newest: Box<[(Date, u32)]>,
    authors: Box<[u32]>,
    text: Box<str>,
}

impl From<Digest> for Stored {
    fn from(d: Digest) -> Stored {
        let mut text = String::new();
        let end = |text: &mut String, part: &str| {
            text.push_str(part);
            text.len() as u32
        };
        let readers = (d.readers())
            .map(|r| {
                let key_end = end(&mut text, r.key);
                (r.comment as u32, key_end, end(&mut text, r.name))
            })
            .collect();
        let authors = d.authors().map(|a| end(&mut text, a)).collect();
        Stored {
            comments: d.comments,
            deepest: d.deepest,
            readers,
            newest: d.newest,
            authors,
            text: text.into(),
        }
    }
}

impl From<Stored> for Digest {
    fn from(s: Stored) -> Digest {
        let mut names = names();
        let mut start = 0;
        let mut next = |end: u32| {
            let part = s.text.get(start..end as usize).unwrap_or_default();
            start = (end as usize).max(start);
            names.number(part)
        };
        let readers = (s.readers.iter())
            .map(|&(c, key_end, name_end)| (c, next(key_end), next(name_end)))
            .collect();
        let authors = s.authors.iter().map(|&end| next(end)).collect();
        Digest {
            comments: s.comments,
            deepest: s.deepest,
            readers,
            newest: s.newest,
            authors,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::parse_thread;
    use std::path::Path;

    fn digest(yaml: &str) -> Digest {
        let thread = parse_thread(yaml, Path::new("t.comments.yaml")).unwrap();
        Digest::of(&thread, &Tree::build(&thread), None)
    }

    #[test]
    fn readers_come_in_reading_order_with_their_keys_and_names() {
        let d = digest(
            "comments:\n\
             - id: a\n  author: Joel  Q\n  date: 2024-01-01\n  body: x\n\
             - id: b\n  author: Ann\n  role: author\n  date: 2024-01-03\n  parent: a\n  body: y\n\
             - id: c\n  author: ' Mia '\n  url: https://www.mia.example/x\n  date: 2024-01-02\n  body: z\n\
             - id: d\n  date: 2024-01-04\n  parent: a\n  body: w\n",
        );
        let readers: Vec<(usize, &str, &str)> =
            d.readers().map(|r| (r.comment, r.key, r.name)).collect();
        assert_eq!(
            readers,
            [(0, "joel q|", "Joel  Q"), (2, "mia|mia.example", " Mia ")]
        );
        let authors: Vec<&str> = d.authors().collect();
        assert_eq!(authors, ["Joel  Q", "Ann", "Mia"]);
        let newest: Vec<usize> = d.newest().map(|(_, c)| c).collect();
        assert_eq!(newest, [3, 1, 2, 0]);
        assert_eq!((d.comments, d.deepest), (4, Some(1)));
    }

    #[test]
    fn a_digest_holds_each_readers_key_and_name_once_and_saves_them_written_out() {
        let yaml = "comments:\n\
             - id: a\n  author: Joel  Q\n  date: 2024-01-01\n  body: x\n\
             - id: b\n  author: Joel  Q\n  date: 2024-01-02\n  body: y\n";
        let (one, two) = (digest(yaml), digest(yaml));
        assert_eq!(one, two);
        assert_eq!(one.readers[0].1, one.readers[1].1);
        let saved = bincode::serialize(&one).unwrap();
        let text = String::from_utf8_lossy(&saved);
        assert!(text.contains("joel q|Joel  QJoel  Q"), "{text}");
        let read: Digest = bincode::deserialize(&saved).unwrap();
        assert_eq!(read, one);
        let readers: Vec<(usize, &str, &str)> =
            read.readers().map(|r| (r.comment, r.key, r.name)).collect();
        assert_eq!(
            readers,
            [(0, "joel q|", "Joel  Q"), (1, "joel q|", "Joel  Q")]
        );
    }

    #[test]
    fn an_empty_thread_has_an_empty_digest() {
        let d = Digest::of(&Thread::default(), &Tree::build(&Thread::default()), None);
        assert_eq!(d, Digest::default());
        assert_eq!(
            d.readers().count() + d.authors().count() + d.newest().count(),
            0
        );
    }
}
