//! `rapport import disqus`: brings the live posts of a Disqus export into the thread
//! files of posts that already exist. Each thread is matched to a post by its link (or
//! its identifier); several threads of one post merge into one conversation; threads
//! that match no post are listed, not written. Deleted and spam posts stay behind.
//!
//! Memory stays small on big exports: the first pass keeps only where each post sits
//! (ids, thread, parent, flags); later passes read the posts of a batch of documents
//! at a time, so at most one batch of message text is held.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::BufRead;

use crate::content::Document;
use crate::dates;
use crate::error::{Error, Result};
use crate::import::dsq::{self, Post, Record, Thread};
use crate::import::existing::{wordpress_id, Existing};
use crate::import::html;
use crate::import::links::{address_key, link_path, query_id};
use crate::import::merge::ContentWriter;
use crate::import::model::{reattach, usable_id, NewComment};
use crate::import::report::{plural, Tally};
use crate::import::wxr::Stop;
use crate::threads::Role;

/// Message text read per pass, at most (a post larger than this gets a pass alone).
const BATCH_BYTES: usize = 16 * 1024 * 1024;

/// What a Disqus import is told beyond the file.
#[derive(Debug, Clone, Default)]
pub(crate) struct Settings {
    /// The blog author's Disqus username.
    pub(crate) author: Option<String>,
    /// The site's base path without slashes (`blog` for `https://e.org/blog/`).
    pub(crate) base_path: String,
}

/// A Disqus id as kept between passes: nearly all are decimal numbers, which then
/// need no allocation of their own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Number(u64),
    Text(Box<str>),
}

impl Key {
    fn new(text: &str) -> Key {
        match text.parse::<u64>() {
            Ok(n) if n.to_string() == text => Key::Number(n),
            _ => Key::Text(text.into()),
        }
    }

    /// Whether a thread file can hold it as a comment id.
    fn is_usable(&self) -> bool {
        match self {
            Key::Number(_) => true,
            Key::Text(t) => usable_id(t),
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Key::Number(n) => write!(f, "{n}"),
            Key::Text(t) => f.write_str(t),
        }
    }
}

/// What the first pass keeps of a post: where it sits, not what it says.
#[derive(Debug)]
struct Indexed {
    key: Key,
    thread: Key,
    parent: Option<Key>,
    deleted: bool,
    spam: bool,
    /// Length of the message, to size the batches of later passes.
    len: usize,
}

/// How far an import has got: `reading` is told the offset of each post of the first
/// pass, `writing` how many of how many posts' threads are written.
pub(crate) struct Steps<'a> {
    pub(crate) reading: &'a dyn Fn(u64),
    pub(crate) writing: &'a dyn Fn(u64, u64),
}

/// Imports the export that `open` reads (once per pass).
pub(crate) fn import<R: BufRead>(
    open: &dyn Fn() -> Result<R>,
    settings: &Settings,
    existing: &Existing,
    writer: &ContentWriter,
    tally: &mut Tally,
    steps: &Steps<'_>,
) -> Result<(), Stop> {
    let (threads, posts) = index(open()?, steps.reading)?;
    let matcher = Matcher::new(&existing.documents, &settings.base_path);
    let matches: Vec<Option<Match>> = threads.iter().map(|t| matcher.find(t)).collect();
    let thread_doc: HashMap<Key, Option<usize>> = threads
        .iter()
        .zip(&matches)
        .map(|(t, m)| (Key::new(&t.key), m.map(|m| m.doc)))
        .collect();
    let deleted: HashSet<Key> = threads
        .iter()
        .filter(|t| t.deleted)
        .map(|t| Key::new(&t.key))
        .collect();
    // The first post with a key is the one that counts; later ones are duplicates.
    let mut position: HashMap<&Key, usize> = HashMap::with_capacity(posts.len());
    for (i, post) in posts.iter().enumerate() {
        position.entry(&post.key).or_insert(i);
    }
    let mut per_doc: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    let mut unmatched: HashMap<&Key, usize> = HashMap::new();
    let mut kept: HashMap<&Key, usize> = HashMap::new();
    for (i, post) in posts.iter().enumerate() {
        if !post.key.is_usable() || position.get(&post.key) != Some(&i) {
            tally.withhold("without a usable id");
        } else if let Some(reason) = withheld(post, &deleted, &thread_doc) {
            tally.withhold(reason);
        } else if let Some(Some(doc)) = thread_doc.get(&post.thread) {
            per_doc.entry(*doc).or_default().push(i);
            *kept.entry(&post.thread).or_default() += 1;
        } else {
            *unmatched.entry(&post.thread).or_default() += 1;
            tally.on_skipped += 1;
        }
    }
    let parent_of = |id: &str| {
        let i = *position.get(&Key::new(id))?;
        posts[i].parent.as_ref().map(Key::to_string)
    };
    if let Some(name) = &settings.author {
        tally.author_rule = format!("the Disqus username {name:?}");
    }
    let batches = Batches {
        open,
        posts: &posts,
        parent_of: &parent_of,
        author: settings.author.as_deref(),
    };
    let bad_dates = batches.write(&per_doc, (existing, writer), tally, steps.writing)?;
    let loose: Vec<String> = threads
        .iter()
        .zip(&matches)
        .filter_map(|(t, m)| {
            let m = m.filter(|m| m.loose)?;
            let n = *kept.get(&Key::new(&t.key))?;
            let file = existing.documents[m.doc].source.display();
            Some(format!("  {} → {file} ({})", t.link, plural(n, "comment")))
        })
        .collect();
    if !loose.is_empty() {
        tally.notes.push(format!(
            "{} matched only by the last segment of {} link; check that {} belong there:",
            plural(loose.len(), "thread"),
            if loose.len() == 1 { "its" } else { "their" },
            if loose.len() == 1 {
                "its comments"
            } else {
                "their comments"
            }
        ));
        tally.notes.extend(loose);
    }
    let unmatched: HashMap<Key, usize> =
        unmatched.into_iter().map(|(k, n)| (k.clone(), n)).collect();
    report(&threads, &unmatched, bad_dates, settings, tally);
    if tally.added + tally.present == 0 && !unmatched.is_empty() {
        return Err(Stop::Other(Error::Other(format!(
            "no Disqus thread matched a post of this site, so nothing was imported\n{}\n  help: import or write the posts first (e.g. rapport import wordpress), or give them the old address as an alias",
            tally.notes.join("\n")
        ))));
    }
    Ok(())
}

/// Pass one: every thread, and where every post sits (no message, no author).
fn index(input: impl BufRead, at: &dyn Fn(u64)) -> Result<(Vec<Thread>, Vec<Indexed>), Stop> {
    let mut threads = Vec::new();
    let mut posts = Vec::new();
    dsq::read(input, &|_| false, |record| {
        match record {
            Record::Thread(t) => threads.push(t),
            Record::Post(post) => posts.push({
                at(post.offset);
                Indexed {
                    key: Key::new(&post.key),
                    thread: Key::new(&post.thread),
                    parent: post.parent.as_deref().map(Key::new),
                    deleted: post.deleted,
                    spam: post.spam,
                    len: post.message_len,
                }
            }),
        }
        Ok(())
    })?;
    Ok((threads, posts))
}

/// Why a post may not be published, if it may not.
fn withheld(
    post: &Indexed,
    deleted_threads: &HashSet<Key>,
    thread_doc: &HashMap<Key, Option<usize>>,
) -> Option<&'static str> {
    if post.deleted {
        Some("deleted")
    } else if post.spam {
        Some("spam")
    } else if !thread_doc.contains_key(&post.thread) {
        Some("on a thread missing from the export")
    } else if deleted_threads.contains(&post.thread) {
        Some("on a deleted thread")
    } else {
        None
    }
}

/// The passes after the first: each reads the comments of a batch of documents in
/// full, then merges them, so only one batch of message text is ever in memory.
struct Batches<'a, R> {
    open: &'a dyn Fn() -> Result<R>,
    posts: &'a [Indexed],
    parent_of: &'a dyn Fn(&str) -> Option<String>,
    author: Option<&'a str>,
}

impl<R: BufRead> Batches<'_, R> {
    /// Writes every document's thread; returns how many comments had no readable date.
    /// `done` is told how many of the documents are written after each batch.
    fn write(
        &self,
        per_doc: &BTreeMap<usize, Vec<usize>>,
        (existing, writer): (&Existing, &ContentWriter),
        tally: &mut Tally,
        done: &dyn Fn(u64, u64),
    ) -> Result<usize, Stop> {
        let docs: Vec<(&usize, &Vec<usize>)> = per_doc.iter().collect();
        let total = docs.len() as u64;
        done(0, total);
        let mut bad_dates = 0;
        let mut rest = docs.as_slice();
        while !rest.is_empty() {
            let mut budget = 0;
            let take = rest
                .iter()
                .position(|(_, posts)| {
                    budget += posts.iter().map(|&i| self.posts[i].len).sum::<usize>();
                    budget > BATCH_BYTES
                })
                .unwrap_or(rest.len())
                .max(1);
            let (batch, later) = rest.split_at(take);
            let comments = self.read(batch, tally, &mut bad_dates)?;
            for ((doc, _), mut comments) in batch.iter().zip(comments) {
                tally.reattached += reattach(&mut comments, self.parent_of);
                let rel = relative_source(&existing.documents[**doc]);
                tally.count_merge(writer.merge_thread(&rel, comments)?);
            }
            rest = later;
            done(total - rest.len() as u64, total);
        }
        Ok(bad_dates)
    }

    /// Reads the comments of `batch` from the export, per document.
    fn read(
        &self,
        batch: &[(&usize, &Vec<usize>)],
        tally: &mut Tally,
        bad_dates: &mut usize,
    ) -> Result<Vec<Vec<NewComment>>, Stop> {
        let mut wanted: HashMap<&Key, (usize, usize)> = HashMap::new();
        let mut slots: Vec<Vec<Option<NewComment>>> = Vec::with_capacity(batch.len());
        for (d, (_, posts)) in batch.iter().enumerate() {
            for (c, &i) in posts.iter().enumerate() {
                wanted.insert(&self.posts[i].key, (d, c));
            }
            slots.push(vec![None; posts.len()]);
        }
        let want = |key: &str| wanted.contains_key(&Key::new(key));
        dsq::read((self.open)()?, &want, |record| {
            let Record::Post(post) = record else {
                return Ok(());
            };
            if let Some(&(d, c)) = wanted.get(&Key::new(&post.key)) {
                // Only the first post with a key was indexed; a duplicate is not it.
                if slots[d][c].is_none() {
                    slots[d][c] = Some(self.comment(post, tally, bad_dates));
                }
            }
            Ok(())
        })?;
        Ok(slots
            .into_iter()
            .map(|s| s.into_iter().flatten().collect())
            .collect())
    }

    /// A live post as a comment; the author's only by the configured username.
    fn comment(&self, post: Post, tally: &mut Tally, bad_dates: &mut usize) -> NewComment {
        let is_author = !post.anonymous
            && !post.username.is_empty()
            && Some(post.username.as_str()) == self.author;
        let role = if is_author {
            tally.authors += 1;
            Role::Author
        } else {
            tally.readers += 1;
            Role::Reader
        };
        let date = dates::parse(&post.created).ok();
        if date.is_none() {
            *bad_dates += 1;
        }
        NewComment {
            id: post.key,
            parent: post.parent,
            replied_to: None,
            author: Some(post.name).filter(|n| !n.is_empty()),
            url: Some(post.url).filter(|u| !u.is_empty()),
            date,
            role,
            body: html::formatted_body(&post.message),
        }
    }
}

/// `content/posts/x.md` → `posts/x.md`.
fn relative_source(doc: &Document) -> String {
    let rel = doc.source.strip_prefix("content").unwrap_or(&doc.source);
    rel.to_string_lossy().replace('\\', "/")
}

fn report(
    threads: &[Thread],
    unmatched: &HashMap<Key, usize>,
    bad_dates: usize,
    settings: &Settings,
    tally: &mut Tally,
) {
    if !unmatched.is_empty() {
        tally.notes.push(format!(
            "{} that {} no post of this site (not imported):",
            plural(unmatched.len(), "thread"),
            if unmatched.len() == 1 {
                "matches"
            } else {
                "match"
            }
        ));
        for t in threads {
            if let Some(&n) = unmatched.get(&Key::new(&t.key)) {
                let link = if t.link.is_empty() {
                    &t.identifier
                } else {
                    &t.link
                };
                let title = html::plain_text(&t.title);
                tally
                    .notes
                    .push(format!("  {link} \"{title}\" ({})", plural(n, "comment")));
            }
        }
    }
    if bad_dates > 0 {
        tally.warnings.push(format!(
            "{} had no readable createdAt and were imported without a date",
            plural(bad_dates, "comment")
        ));
    }
    if settings.author.is_none() && tally.readers > 0 {
        tally.warnings.push(
            "author replies were not marked: pass --author USERNAME (your Disqus username) when importing; a display name alone is never trusted. An import never changes comments a thread file already has, so for threads imported already, delete their .comments.yaml files first".into(),
        );
    }
}

/// The document a thread belongs to, and whether only the loose rule found it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Match {
    doc: usize,
    loose: bool,
}

/// Finds the post a thread belongs to.
struct Matcher {
    by_address: HashMap<String, usize>,
    /// Slug → document; `None` when two documents share the slug (no guessing).
    by_slug: HashMap<String, Option<usize>>,
    by_wordpress_id: HashMap<u64, usize>,
    wordpress_id_of: HashMap<usize, u64>,
    /// Old addresses an import could not make aliases (`extra: old_addresses`): the
    /// document imported from there, before the page that has the address now.
    by_old_address: HashMap<String, usize>,
    base_path: String,
}

impl Matcher {
    fn new(documents: &[Document], base_path: &str) -> Self {
        let mut m = Matcher {
            by_address: HashMap::new(),
            by_slug: HashMap::new(),
            by_wordpress_id: HashMap::new(),
            wordpress_id_of: HashMap::new(),
            by_old_address: HashMap::new(),
            base_path: address_key(base_path),
        };
        for (i, doc) in documents.iter().enumerate() {
            for address in
                std::iter::once(&*doc.path).chain(doc.more().aliases.iter().map(String::as_str))
            {
                m.by_address.entry(address_key(address)).or_insert(i);
            }
            // A post's slug, and the last segment of its old addresses: an imported
            // post moved to `x-2` still claims `x`, so a thread of `/x/` is not guessed
            // to be another post's whose slug is `x`.
            let old_names = doc.more().aliases.iter().filter_map(|a| last_segment(a));
            let mut names: HashSet<String> = old_names.collect();
            names.insert(doc.slug().into_owned());
            for name in names {
                m.by_slug
                    .entry(name)
                    .and_modify(|d| *d = d.filter(|&d| d == i))
                    .or_insert(Some(i));
            }
            let old_addresses = doc
                .more()
                .extra
                .get("old_addresses")
                .and_then(|v| v.as_array());
            for address in old_addresses
                .into_iter()
                .flatten()
                .filter_map(|v| v.as_str())
            {
                m.by_old_address.entry(address_key(address)).or_insert(i);
            }
            if let Some(id) = wordpress_id(doc) {
                m.by_wordpress_id.entry(id).or_insert(i);
                m.wordpress_id_of.insert(i, id);
            }
        }
        m
    }

    /// The document of `thread`: the post imported from the WordPress post its
    /// identifier (`123 http://…?p=123`) or link (`?p=123`) names; else, trying in
    /// turn, its link as an address, its identifier (a URL or a slug), and — a looser
    /// match the report lists for review — the last segment of its link as a slug,
    /// never a post imported from another WordPress post. Deleted threads match nothing.
    fn find(&self, thread: &Thread) -> Option<Match> {
        if thread.deleted {
            return None;
        }
        let identifier = html::decode_entities(&thread.identifier);
        let wordpress_id = identifier
            .split_once(' ')
            .and_then(|(id, _)| id.parse().ok())
            .or_else(|| query_id(&thread.link));
        let id_url = identifier.rsplit(' ').next().unwrap_or_default();
        if let Some(&doc) = wordpress_id.and_then(|id| self.by_wordpress_id.get(&id)) {
            return Some(Match { doc, loose: false });
        }
        // A post imported from another WordPress post is not this thread's, whatever
        // its address says.
        let named = |doc: &usize| match (wordpress_id, self.wordpress_id_of.get(doc)) {
            (Some(thread), Some(own)) => thread == *own,
            _ => true,
        };
        let exact = self
            .by_link(&thread.link)
            .or_else(|| self.by_link(id_url))
            .or_else(|| self.by_slug.get(&identifier).copied().flatten())
            .filter(named);
        if let Some(doc) = exact {
            return Some(Match { doc, loose: false });
        }
        self.by_last_segment(&thread.link)
            .or_else(|| self.by_last_segment(id_url))
            .filter(named)
            .map(|doc| Match { doc, loose: true })
    }

    fn by_link(&self, link: &str) -> Option<usize> {
        let key = address_key(link_path(link)?);
        if key.is_empty() {
            return None;
        }
        let without_base = key
            .strip_prefix(&self.base_path)
            .filter(|_| !self.base_path.is_empty())
            .map(|rest| rest.trim_start_matches('/'));
        let at = |map: &HashMap<String, usize>| {
            map.get(&key)
                .or_else(|| without_base.and_then(|k| map.get(k)))
                .copied()
        };
        at(&self.by_old_address).or_else(|| at(&self.by_address))
    }

    fn by_last_segment(&self, link: &str) -> Option<usize> {
        let last = last_segment(link_path(link)?)?;
        self.by_slug.get(&last).copied().flatten()
    }
}

/// `x` of `/2015/02/x/` or `/2015/02/x.html`.
fn last_segment(path: &str) -> Option<String> {
    let key = address_key(path);
    let last = key.rsplit('/').next().filter(|s| !s.is_empty())?;
    Some(last.strip_suffix(".html").unwrap_or(last).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::{parse_document, Kind, Source};
    use std::path::PathBuf;

    fn doc(path: &str, front: &str) -> Document {
        let source = Source {
            kind: if path.starts_with("content/posts/") {
                Kind::Post
            } else {
                Kind::Page
            },
            path: PathBuf::from(path),
            thread: None,
        };
        parse_document(&format!("---\ntitle: t\n{front}---\n"), &source).unwrap()
    }

    fn thread(identifier: &str, link: &str) -> Thread {
        Thread {
            key: "1".into(),
            identifier: identifier.into(),
            link: link.into(),
            ..Thread::default()
        }
    }

    #[test]
    fn threads_match_by_link_identifier_or_slug() {
        let docs = vec![
            doc(
                "content/posts/frege-and-clojure.md",
                "aliases: [/blog/2015/02/13/frege-and-clojure/]\n",
            ),
            doc(
                "content/posts/datafy-nav.md",
                "extra:\n  wordpress_id: 42\n",
            ),
            doc("content/yorumlar.md", ""),
        ];
        let m = Matcher::new(&docs, "");
        let find = |id: &str, link: &str| m.find(&thread(id, link)).map(|m| m.doc);
        // Scheme, www., host, query, fragment, index.html and trailing slash do not matter.
        assert_eq!(
            find(
                "",
                "http://www.seancorfield.github.io/blog/2015/02/13/frege-and-clojure"
            ),
            Some(0)
        );
        assert_eq!(
            find(
                "",
                "https://corfield.org/blog/2015/02/13/frege-and-clojure/index.html?x=1#c"
            ),
            Some(0)
        );
        assert_eq!(
            find("", "https://corfield.org/posts/frege-and-clojure/"),
            Some(0)
        );
        // The link's date changed: the last segment is the slug.
        assert_eq!(
            find(
                "Frege (and Clojure)",
                "https://corfield.org/blog/2015/02/08/frege-and-clojure/"
            ),
            Some(0)
        );
        assert_eq!(
            find("42 http://old.example/?p=42", "http://old.example/?p=42"),
            Some(1)
        );
        assert_eq!(find("yorumlar", "https://yesilmavihayat.com/"), Some(2));
        assert_eq!(find("", "https://online.pubhtml5.com/ginq/sywt/"), None);
        let mut deleted = thread("", "https://corfield.org/posts/frege-and-clojure/");
        deleted.deleted = true;
        assert_eq!(m.find(&deleted), None);
        let loose = m.find(&thread(
            "",
            "https://corfield.org/2015/02/08/frege-and-clojure/",
        ));
        assert_eq!(
            loose,
            Some(Match {
                doc: 0,
                loose: true
            })
        );
    }

    #[test]
    fn a_thread_is_never_grafted_onto_another_wordpress_post() {
        let docs = vec![
            doc(
                "content/posts/hello-world.md",
                "extra:\n  wordpress_id: 9\n",
            ),
            doc(
                "content/posts/hello-world-2.md",
                "aliases: [/2019/05/01/hello-world/]\nextra:\n  wordpress_id: 1\n",
            ),
            doc("content/posts/other.md", ""),
        ];
        let m = Matcher::new(&docs, "");
        let find = |id: &str, link: &str| m.find(&thread(id, link)).map(|m| m.doc);
        // The WordPress id wins over an address that another post has.
        assert_eq!(
            find(
                "1 https://old.example/?p=1",
                "https://old.example/posts/hello-world/"
            ),
            Some(1)
        );
        // A thread of WordPress post 5 is not grafted onto post 9 by its slug.
        assert_eq!(
            find(
                "5 https://old.example/?p=5",
                "https://old.example/hello-world/"
            ),
            None
        );
        // The real post moved to hello-world-2 still claims its old slug: a thread
        // of /hello-world/ is not guessed to be the other one's.
        assert_eq!(find("", "https://old.example/hello-world/"), None);
        // A post without a WordPress id can still be found by its address.
        assert_eq!(
            find(
                "5 https://old.example/?p=5",
                "https://old.example/posts/other/"
            ),
            Some(2)
        );
    }

    #[test]
    fn the_site_base_path_is_optional_in_links() {
        let docs = vec![doc("content/posts/x.md", "")];
        let m = Matcher::new(&docs, "/blog/");
        assert_eq!(
            m.find(&thread("", "https://e.org/blog/posts/x/"))
                .map(|m| m.doc),
            Some(0)
        );
    }

    #[test]
    fn a_shared_slug_is_not_guessed() {
        let docs = vec![doc("content/posts/x.md", ""), doc("content/x.md", "")];
        let m = Matcher::new(&docs, "");
        assert_eq!(m.find(&thread("", "https://e.org/2015/x/")), None);
        assert_eq!(
            m.find(&thread("", "https://e.org/x/")).map(|m| m.doc),
            Some(1)
        );
    }
}
