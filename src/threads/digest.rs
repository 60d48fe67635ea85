//! What the site-wide pages use of one thread (the conversations page, the comments
//! feeds, the search index), in a handful of allocations. A build keeps this of each
//! post once its page is written instead of the thread: a million comments held as
//! `Comment` values and trees were most of a big site's memory.

use crate::dates::Date;
use crate::threads::metrics::reader_key;
use crate::threads::{Role, Thread, Tree};

/// The digest of one thread. Comments are named by their index in `thread.comments`.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Digest {
    /// How many comments the thread has, of every kind.
    pub comments: usize,
    /// The deepest comment, the first one in reading order at that depth.
    pub deepest: Option<u32>,
    /// Named readers' comments in reading order: which comment, and the end in `text`
    /// of its reader key (`metrics::reader_key`) and of its author's name, which
    /// follow each other there.
    readers: Box<[(u32, u32, u32)]>,
    /// The comments a comments feed may show (no mention, none withdrawn, dated by
    /// themselves or by their post), newest first, then in file order.
    newest: Box<[(Date, u32)]>,
    /// The end in `text` of each distinct author name (trimmed) of a comment that is
    /// not a mention, in file order, after the readers' keys and names.
    authors: Box<[u32]>,
    text: Box<str>,
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
        let mut text = String::new();
        let mut readers = Vec::new();
        for &c in &tree.order {
            let comment = &comments[c];
            if !comment.is_reader() {
                continue;
            }
            let Some(key) = reader_key(comment) else {
                continue;
            };
            text.push_str(&key);
            let key_end = text.len();
            text.push_str(comment.author.as_deref().unwrap_or_default());
            readers.push((c as u32, key_end as u32, text.len() as u32));
        }
        let mut authors: Vec<u32> = Vec::new();
        let names_from = text.len();
        for c in comments.iter().filter(|c| c.role != Role::Mention) {
            let Some(name) = c.author.as_deref().map(str::trim) else {
                continue;
            };
            let mut start = names_from;
            let seen = authors.iter().any(|&end| {
                let known = &text[start..end as usize];
                start = end as usize;
                known == name
            });
            if !seen {
                text.push_str(name);
                authors.push(text.len() as u32);
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
        Digest {
            comments: comments.len(),
            deepest,
            readers: readers.into(),
            newest: newest.into(),
            authors: authors.into(),
            text: text.into(),
        }
    }

    /// Named readers' comments, in reading order.
    pub fn readers(&self) -> impl Iterator<Item = ReaderComment<'_>> {
        let mut start = 0;
        self.readers.iter().map(move |&(c, key_end, name_end)| {
            let (key_end, name_end) = (key_end as usize, name_end as usize);
            let reader = ReaderComment {
                comment: c as usize,
                key: &self.text[start..key_end],
                name: &self.text[key_end..name_end],
            };
            start = name_end;
            reader
        })
    }

    /// The comments a comments feed may show, newest first, as (date, comment).
    pub fn newest(&self) -> impl Iterator<Item = (Date, usize)> + '_ {
        self.newest.iter().map(|&(d, c)| (d, c as usize))
    }

    /// The distinct names (trimmed) of the comments' authors, mentions left out, in
    /// the order they first comment.
    pub fn authors(&self) -> impl Iterator<Item = &str> {
        let mut start = self.readers.last().map_or(0, |r| r.2 as usize);
        self.authors.iter().map(move |&end| {
            let name = &self.text[start..end as usize];
            start = end as usize;
            name
        })
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
    fn an_empty_thread_has_an_empty_digest() {
        let d = Digest::of(&Thread::default(), &Tree::build(&Thread::default()), None);
        assert_eq!(d, Digest::default());
        assert_eq!(
            d.readers().count() + d.authors().count() + d.newest().count(),
            0
        );
    }
}
