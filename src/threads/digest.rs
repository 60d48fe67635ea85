//! What the site-wide pages use of one thread (the conversations page, the comments
//! feeds, the search index), in a handful of allocations. A build keeps this of each
//! post once its page is written instead of the thread: a million comments held as
//! `Comment` values and trees were most of a big site's memory.

use std::sync::{Mutex, OnceLock};

use crate::dates::Date;
use crate::threads::metrics::reader_keys;
use crate::threads::packed::Packed;
use crate::threads::{Role, Thread, Tree};

/// The digest of one thread. Comments are named by their index in `thread.comments`;
/// readers' keys and names by their number in `Names`. Saved (in the build state)
/// with those numbers, beside the table of names they number (`names_table`): a
/// digest read back is renumbered (`renumbered`) to this process's numbers.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "Saved", into = "Saved")]
pub struct Digest {
    /// How many comments the thread has, of every kind (bounded far below `u32`).
    pub comments: u32,
    /// The deepest comment, the first one in reading order at that depth.
    pub deepest: Option<u32>,
    /// Its named readers' comments and its authors' names (`Numbers`).
    numbers: Numbers,
    /// The date of the newest comment a comments feed may show (`feed_comments`):
    /// which posts the feed's comments come from. Not every comment's: a big site's
    /// million dates held to the end of its build were a tenth of what it kept of
    /// each post, and the feed shows fifty.
    newest: Option<Date>,
}

/// A digest as the build state saves it: its numbers one by one.
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    comments: u32,
    deepest: Option<u32>,
    /// Named readers' comments in reading order: which comment, its reader key
    /// (`metrics::reader_key`) and its author's name.
    readers: Vec<(u32, Name, Name)>,
    #[serde(with = "crate::site::state::date_option")]
    newest: Option<Date>,
    /// Each distinct author name (trimmed) of a comment that is not a mention, in
    /// file order.
    authors: Vec<Name>,
}

impl From<Saved> for Digest {
    fn from(saved: Saved) -> Digest {
        Digest {
            comments: saved.comments,
            deepest: saved.deepest,
            numbers: Numbers::of(&saved.readers, &saved.authors),
            newest: saved.newest,
        }
    }
}

impl From<Digest> for Saved {
    fn from(digest: Digest) -> Saved {
        let (readers, authors) = digest.numbers.unpacked();
        Saved {
            comments: digest.comments,
            deepest: digest.deepest,
            readers,
            newest: digest.newest,
            authors,
        }
    }
}

/// A digest's readers' comments (which comment, reader key, name as written) and
/// authors' names, packed: how many readers' comments, their three numbers each,
/// then the authors' to the end. Held as `u32`s in two lists, they were half of what
/// a big site's build kept of each post's conversation once its page was written
/// (packed, 13 MiB less at the peak of 50,000 posts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Numbers(Packed);

impl Numbers {
    fn of(readers: &[(u32, Name, Name)], authors: &[Name]) -> Numbers {
        let triples: Vec<[u32; 3]> = readers
            .iter()
            .map(|&(c, key, name)| [c, key, name])
            .collect();
        Numbers(Packed::of(&triples, authors.iter().copied()))
    }

    /// The readers' comments, in order, read as they are asked for.
    fn readers(&self) -> impl Iterator<Item = (u32, Name, Name)> + '_ {
        self.0.triples().map(|[c, key, name]| (c, key, name))
    }

    /// The authors' names, past the readers' comments.
    fn authors(&self) -> impl Iterator<Item = Name> + '_ {
        self.0.rest()
    }

    fn unpacked(&self) -> (Vec<(u32, Name, Name)>, Vec<Name>) {
        (self.readers().collect(), self.authors().collect())
    }
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
        Self::of_with_keys(thread, tree, post_date, &reader_keys(thread))
    }

    /// `of`, given `keys` = `metrics::reader_keys(thread)`.
    pub fn of_with_keys(
        thread: &Thread,
        tree: &Tree,
        post_date: Option<Date>,
        keys: &[Option<String>],
    ) -> Digest {
        let comments = &thread.comments;
        let mut readers = Vec::new();
        for &c in &tree.order {
            let comment = &comments[c];
            let Some(key) = keys[c].as_deref().filter(|_| comment.is_reader()) else {
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
        let newest = feed_comments(thread, post_date).map(|(date, _)| date).max();
        let deepest = tree.depth.iter().copied().max().and_then(|deepest| {
            let first = tree.order.iter().find(|&&i| tree.depth[i] == deepest);
            first.map(|&i| i as u32)
        });
        let mut names = names();
        let readers: Vec<(u32, Name, Name)> = (readers.iter())
            .map(|(c, key, name)| (*c, names.number(key), names.number(name)))
            .collect();
        let authors: Vec<Name> = authors.iter().map(|a| names.number(a)).collect();
        Digest {
            comments: u32::try_from(comments.len()).unwrap_or(u32::MAX),
            deepest,
            numbers: Numbers::of(&readers, &authors),
            newest,
        }
    }

    /// Named readers' comments, in reading order.
    pub fn readers(&self) -> impl Iterator<Item = ReaderComment<'static>> {
        let names = names();
        let readers: Vec<ReaderComment<'static>> = (self.numbers.readers())
            .map(|(c, key, name)| ReaderComment {
                comment: c as usize,
                key: names.text(key),
                name: names.text(name),
            })
            .collect();
        readers.into_iter()
    }

    /// The date of the newest comment a comments feed may show.
    pub fn newest(&self) -> Option<Date> {
        self.newest
    }

    /// The distinct names (trimmed) of the comments' authors, mentions left out, in
    /// the order they first comment.
    pub fn authors(&self) -> impl Iterator<Item = &'static str> {
        let names = names();
        let authors: Vec<&'static str> = self.numbers.authors().map(|a| names.text(a)).collect();
        authors.into_iter()
    }
}

/// The comments of `thread` a comments feed may show, as (date, comment) in file
/// order: no mention, none unpublished, each dated by itself or else by its post
/// (`post_date`).
pub fn feed_comments(
    thread: &Thread,
    post_date: Option<Date>,
) -> impl Iterator<Item = (Date, usize)> + '_ {
    (thread.comments.iter().enumerate())
        .filter(|(_, c)| c.role != Role::Mention && c.is_published())
        .filter_map(move |(i, c)| Some((c.date.or(post_date)?, i)))
}

/// Every name numbered so far, by its number: the table the digests a build saves
/// number their names in.
pub(crate) fn names_table() -> Vec<&'static str> {
    names().texts.clone()
}

/// The numbers this process gives the names of a saved table (`names_table`), which
/// were its numbers in the process that saved it: a saved digest's names were
/// written out with each of them, and filing them again was a tenth of a build
/// after a one-post edit at 50,000 posts.
#[derive(Debug, Default)]
pub(crate) struct Renumbering {
    numbers: Box<[Name]>,
    /// Whether each name has the number it was saved with (a process that read no
    /// other table before).
    same: bool,
}

impl Renumbering {
    pub(crate) fn of(table: &[String]) -> Renumbering {
        let mut names = names();
        let numbers: Box<[Name]> = table.iter().map(|t| names.number(t)).collect();
        let same = (numbers.iter().enumerate()).all(|(i, &n)| n as usize == i);
        Renumbering { numbers, same }
    }

    /// Whether the digests saved with the table still hold in this process as saved.
    pub(crate) fn is_same(&self) -> bool {
        self.same
    }

    fn number(&self, saved: Name) -> Option<Name> {
        self.numbers.get(saved as usize).copied()
    }
}

impl Digest {
    /// A digest read back from a state saved with the table `renumbering` was made
    /// from; `None` if it names a name the table does not hold.
    pub(crate) fn renumbered(mut self, renumbering: &Renumbering) -> Option<Digest> {
        let (mut readers, mut authors) = self.numbers.unpacked();
        for (_, key, name) in readers.iter_mut() {
            *key = renumbering.number(*key)?;
            *name = renumbering.number(*name)?;
        }
        for author in authors.iter_mut() {
            *author = renumbering.number(*author)?;
        }
        self.numbers = Numbers::of(&readers, &authors);
        Some(self)
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
        assert_eq!(d.newest(), Some(crate::dates::parse("2024-01-04").unwrap()));
        assert_eq!((d.comments, d.deepest), (4, Some(1)));
    }

    #[test]
    fn a_digest_holds_each_readers_key_and_name_once_and_reads_back_with_its_table() {
        let yaml = "comments:\n\
             - id: a\n  author: Joel  Q\n  date: 2024-01-01\n  body: x\n\
             - id: b\n  author: Joel  Q\n  date: 2024-01-02\n  body: y\n";
        let (one, two) = (digest(yaml), digest(yaml));
        assert_eq!(one, two);
        let (readers, _) = one.numbers.unpacked();
        assert_eq!(readers[0].1, readers[1].1);
        let table: Vec<String> = names_table().into_iter().map(String::from).collect();
        let read: Digest = bincode::deserialize(&bincode::serialize(&one).unwrap()).unwrap();
        let renumbering = Renumbering::of(&table);
        assert!(renumbering.is_same());
        assert_eq!(read.renumbered(&renumbering), Some(one.clone()));

        // Saved by another process, which numbered the names otherwise.
        let (key, name) = (readers[0].1 as usize, readers[0].2 as usize);
        let table = ["someone else|", &table[name], &table[key]].map(String::from);
        let saved = Digest {
            numbers: Numbers::of(&[(0, 2, 1), (1, 2, 1)], &[1]),
            ..one.clone()
        };
        let renumbering = Renumbering::of(&table);
        assert!(!renumbering.is_same());
        let read = saved.clone().renumbered(&renumbering).unwrap();
        assert_eq!(read, one);
        let readers: Vec<(usize, &str, &str)> =
            read.readers().map(|r| (r.comment, r.key, r.name)).collect();
        assert_eq!(
            readers,
            [(0, "joel q|", "Joel  Q"), (1, "joel q|", "Joel  Q")]
        );
        // A number the table does not hold: a record from another state.
        let beyond = Digest {
            numbers: Numbers::of(&[(0, 2, 1), (1, 2, 1)], &[3]),
            ..saved
        };
        assert_eq!(beyond.renumbered(&renumbering), None);
    }

    #[test]
    fn numbers_come_back_as_they_went_in_whatever_their_size_in_a_byte_or_two_when_small() {
        let readers = [
            (0, 5, 6),
            (127, 128, 16_383),
            (16_384, u32::MAX, 1),
            (3, 5, 6),
        ];
        let authors = [6, 1, u32::MAX];
        let numbers = Numbers::of(&readers, &authors);
        assert_eq!(numbers.unpacked(), (readers.to_vec(), authors.to_vec()));
        // Authors alone, and nothing at all, which is the empty digest's.
        assert_eq!(Numbers::of(&[], &[9]).unpacked(), (vec![], vec![9]));
        assert_eq!(Numbers::of(&[], &[]), Numbers::default());
        assert_eq!(Numbers::default().unpacked(), (vec![], vec![]));

        // A post's twenty comments by a site's first hundred readers: one byte a
        // number, against four for a `u32`.
        let readers: Vec<(u32, Name, Name)> = (0..20).map(|c| (c, c * 5, c * 5 + 1)).collect();
        let authors: Vec<Name> = (0..20).map(|c| c * 5 + 1).collect();
        assert_eq!(Numbers::of(&readers, &authors).0.len(), 1 + 20 * 3 + 20);
    }

    #[test]
    fn an_empty_thread_has_an_empty_digest() {
        let d = Digest::of(&Thread::default(), &Tree::build(&Thread::default()), None);
        assert_eq!(d, Digest::default());
        assert_eq!(
            (d.readers().count() + d.authors().count(), d.newest()),
            (0, None)
        );
    }
}
