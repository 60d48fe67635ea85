//! Site-wide conversation figures, from every post's thread (pure, no I/O): posts
//! ranked by conversation, the regulars who keep coming back, reply rate over time,
//! and the reader comments still waiting for an author reply. Definitions are in the
//! README; these functions are the reference.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use chrono::Duration;
use foldhash::{HashMap, HashSet};

use crate::dates::Date;
use crate::threads::digest::{self, Digest};
use crate::threads::metrics::{median, BySource, Engagement};
use crate::threads::{Comment, Thread, Tree};

/// One post's conversation, as the site-wide functions see it.
#[derive(Clone, Copy)]
pub struct PostThread<'a> {
    pub thread: &'a Thread,
    pub tree: &'a Tree,
    pub engagement: &'a Engagement,
}

/// The site-wide figures of the conversations page and the comments feed, kept as
/// running totals: each post adds its thread's share (its figures and digest), and
/// an update takes a changed thread's old share out and puts its new one in, instead
/// of going over every comment of the site again. Posts are named by their index
/// among the site's posts then pages (`site::engagement::conversations`): when posts
/// are added, removed or reordered, the totals are made again.
#[derive(Debug, Clone, Default)]
pub struct Totals {
    /// Posts with comments, best conversation first (`rank_key`).
    ranking: BTreeSet<RankKey>,
    /// Each named reader (`metrics::reader_key`) and what they wrote.
    readers: HashMap<Box<str>, Reader>,
    /// How many posts (and pages) the totals are of.
    shares: usize,
    /// Readers on more than one post, in the order the page lists them.
    regulars: BTreeSet<RegularKey>,
    /// Dated reader comments and how many the author answered, by month
    /// (`metrics::month_of`); months without any are left out.
    months: BTreeMap<i32, (usize, usize)>,
    /// The times to a first author reply, sorted, in nanoseconds (`reply_nanos`):
    /// half the room of a `Duration`, and one for every answered comment of the site.
    reply_times: Vec<i64>,
    /// Posts whose thread has a comment a comments feed may show, by the date of the
    /// newest one: the feed's comments come from the first few.
    by_newest: BTreeSet<(Reverse<Date>, u32)>,
    pub reader_comments: usize,
    pub answered: usize,
    pub by_source: BySource<usize>,
}

/// One post's share of the totals.
#[derive(Clone, Copy)]
pub struct Share<'a> {
    pub engagement: &'a Engagement,
    pub digest: &'a Digest,
}

/// Back-and-forth threads, then a deeper thread, then more participants, then more
/// recent activity, each best first, then the post's order.
type RankKey = (
    Reverse<u32>,
    Reverse<u32>,
    Reverse<u32>,
    Reverse<Option<Date>>,
    u32,
);

/// A count or a post's index as the totals' sets hold it: in 4 bytes rather than 8,
/// as these sets hold a key for every post with comments (at 50,000 posts, 32 bytes
/// a key where they were 48). A count past `u32::MAX` ranks as `u32::MAX`; no site
/// held in memory has that many posts.
fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// A reply time as the totals hold it: nanoseconds, exact up to 292 years either way
/// (a reply dated before its comment is a negative time); a longer one, of dates far
/// apart on purpose, counts as that.
fn reply_nanos(time: Duration) -> i64 {
    match time.num_nanoseconds() {
        Some(nanos) => nanos,
        None if time < Duration::zero() => i64::MIN,
        None => i64::MAX,
    }
}

/// Most posts joined first, then most comments, then by name (ignoring case), then
/// by key: (posts, comments, lowercase name, reader key).
type RegularKey = (Reverse<usize>, Reverse<usize>, Box<str>, Box<str>);

/// A reader's counts. Which comments they wrote is read from the posts' digests when
/// a page links to them (`regulars`): a list of every reader comment of a big site,
/// held to the end of its build, was a twentieth of its memory.
#[derive(Debug, Clone, Default)]
struct Reader {
    comments: usize,
    posts: usize,
    /// The first of their posts (posts are newest first).
    first: Option<usize>,
    /// The name as written on their first comment on that post.
    name: Box<str>,
}

impl Reader {
    fn regular_key(&self, key: &str) -> Option<RegularKey> {
        (self.posts > 1).then(|| {
            (
                Reverse(self.posts),
                Reverse(self.comments),
                self.name.to_lowercase().into(),
                key.into(),
            )
        })
    }
}

/// A reader who commented on more than one post.
#[derive(Debug, Clone, PartialEq)]
pub struct Regular<'a> {
    /// Display name as written on the newest post they joined (posts are newest first).
    pub name: &'a str,
    /// How many comments they wrote.
    pub comments: usize,
    /// Number of distinct posts.
    pub posts: usize,
    /// (post index, comment index) of their first comments in post order, each
    /// post's in reading order: as many as were asked for, or all of them.
    pub first_comments: Vec<(usize, usize)>,
}

/// Reader comments and how many got a direct author reply, in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `2015-03` for a month, `2015 Q1` for a quarter.
    pub label: String,
    pub reader_comments: usize,
    pub answered: usize,
}

fn rank_key(p: usize, e: &Engagement) -> Option<RankKey> {
    (e.comments > 0).then_some((
        Reverse(e.back_and_forth),
        Reverse(e.deepest),
        Reverse(e.participants),
        Reverse(e.last_activity),
        narrow(p),
    ))
}

impl Totals {
    /// The totals of `shares`, post `p` being the `p`-th.
    pub fn of<'a>(shares: impl IntoIterator<Item = Share<'a>>) -> Totals {
        let mut totals = Totals::default();
        let shares: Vec<Share<'a>> = shares.into_iter().collect();
        totals.shares = shares.len();
        // Made to its length: grown by doubling, a big site's list was a third larger.
        let replies = shares.iter().map(|s| s.engagement.reply_times().count());
        totals.reply_times.reserve_exact(replies.sum());
        let mut on_post: HashSet<&str> = HashSet::default();
        for (p, share) in shares.iter().enumerate() {
            totals.count(p, *share, true);
            // Sorted once below: kept sorted one by one, a site's reply times were
            // moved about for every post (a quarter of a second at 50,000 posts).
            (totals.reply_times).extend(share.engagement.reply_times().map(reply_nanos));
            on_post.clear();
            for reader in share.digest.readers() {
                let entry = totals.readers.entry(reader.key.into()).or_default();
                if entry.first.is_none() {
                    entry.first = Some(p);
                    entry.name = reader.name.into();
                }
                entry.posts += usize::from(on_post.insert(reader.key));
                entry.comments += 1;
            }
        }
        totals.reply_times.sort_unstable();
        totals.regulars = (totals.readers.iter())
            .filter_map(|(key, r)| r.regular_key(key))
            .collect();
        totals
    }

    /// Replaces the shares of posts whose thread changed: each (post, old share, new
    /// share), the posts staying where they were. `digest_of(p)` is post `p`'s digest
    /// once they are replaced.
    pub fn replace<'a>(
        &mut self,
        changed: &[(usize, Share<'_>, Share<'_>)],
        digest_of: &dyn Fn(usize) -> &'a Digest,
    ) {
        let mut touched: BTreeSet<Box<str>> = BTreeSet::new();
        for &(p, old, new) in changed {
            self.count(p, old, false);
            self.count(p, new, true);
            self.replace_reply_times(old.engagement, new.engagement);
            // Only the readers whose comments on this post changed: a new comment
            // leaves the others alone.
            for key in changed_readers(old.digest, new.digest) {
                if !touched.contains(key) {
                    if let Some(reader) = self.readers.get(key) {
                        if let Some(k) = reader.regular_key(key) {
                            self.regulars.remove(&k);
                        }
                    }
                    touched.insert(key.into());
                }
                let written = |d: &Digest| d.readers().filter(|r| r.key == key).count();
                let (before, now) = (written(old.digest), written(new.digest));
                let reader = self.readers.entry(key.into()).or_default();
                reader.comments = reader.comments + now - before;
                reader.posts = reader.posts + usize::from(now > 0) - usize::from(before > 0);
                let first = if now > 0 && reader.first.is_none_or(|f| p <= f) {
                    Some(p)
                } else if now == 0 && reader.first == Some(p) {
                    // Their first post is the next one they wrote on, if any.
                    (p + 1..self.shares).find(|&q| digest_of(q).readers().any(|r| r.key == key))
                } else {
                    reader.first
                };
                reader.first = first;
                if let Some(f) = first {
                    let digest = if f == p { new.digest } else { digest_of(f) };
                    if let Some(r) = digest.readers().find(|r| r.key == key) {
                        reader.name = r.name.into();
                    }
                }
            }
        }
        for key in touched {
            let Some(reader) = self.readers.get(&key) else {
                continue;
            };
            if reader.comments == 0 {
                self.readers.remove(&key);
            } else if let Some(k) = reader.regular_key(&key) {
                self.regulars.insert(k);
            }
        }
    }

    /// Adds (or with `add` false, takes out) what post `p`'s share counts, but for
    /// its readers.
    fn count(&mut self, p: usize, share: Share<'_>, add: bool) {
        let e = share.engagement;
        let step = |total: &mut usize, n: usize| {
            if add {
                *total += n
            } else {
                *total -= n
            }
        };
        if let Some(key) = rank_key(p, e) {
            if add {
                self.ranking.insert(key);
            } else {
                self.ranking.remove(&key);
            }
        }
        for (month, readers, answered) in e.reader_months() {
            let slot = self.months.entry(month).or_default();
            step(&mut slot.0, readers as usize);
            step(&mut slot.1, answered as usize);
            if *slot == (0, 0) {
                self.months.remove(&month);
            }
        }
        if let Some(date) = share.digest.newest() {
            if add {
                self.by_newest.insert((Reverse(date), narrow(p)));
            } else {
                self.by_newest.remove(&(Reverse(date), narrow(p)));
            }
        }
        step(&mut self.reader_comments, e.reader_comments as usize);
        step(&mut self.answered, e.answered as usize);
        if add {
            self.by_source.add(&e.by_source);
        } else {
            self.by_source.sub(&e.by_source);
        }
    }

    /// Takes `old`'s reply times out of the sorted list and puts `new`'s in: those
    /// of both are left where they are (the list holds every reply time of the site).
    fn replace_reply_times(&mut self, old: &Engagement, new: &Engagement) {
        let mut gone: Vec<i64> = old.reply_times().map(reply_nanos).collect();
        let mut added: Vec<i64> = new.reply_times().map(reply_nanos).collect();
        gone.sort_unstable();
        added.sort_unstable();
        let (mut i, mut j) = (0, 0);
        while i < gone.len() && j < added.len() {
            match gone[i].cmp(&added[j]) {
                std::cmp::Ordering::Equal => {
                    gone.remove(i);
                    added.remove(j);
                }
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
            }
        }
        for time in &gone {
            let at = self.reply_times.partition_point(|t| t < time);
            if self.reply_times.get(at) == Some(time) {
                self.reply_times.remove(at);
            }
        }
        for time in &added {
            let at = self.reply_times.partition_point(|t| t < time);
            self.reply_times.insert(at, *time);
        }
    }

    /// Indices of posts with comments, best conversation first: more back-and-forth
    /// threads, then a deeper thread, then more participants, then more recent
    /// activity, then the original order.
    pub fn ranked(&self) -> impl Iterator<Item = usize> + '_ {
        self.ranking.iter().map(|k| k.4 as usize)
    }

    /// How many readers commented on more than one post (`regulars`).
    pub fn regular_count(&self) -> usize {
        self.regulars.len()
    }

    /// The first `shown` readers (same name ignoring case and spacing, same website
    /// host) with comments on more than one post: most posts joined first, then most
    /// comments, then by name. Each with their first `links` comments, read from the
    /// digests of the posts in order (`digest_of(p)` is post `p`'s) until each has
    /// them.
    pub fn regulars<'a>(
        &self,
        shown: usize,
        links: usize,
        digest_of: &dyn Fn(usize) -> &'a Digest,
    ) -> Vec<Regular<'_>> {
        let mut regulars: Vec<Regular<'_>> = Vec::new();
        let mut wanted: HashMap<&str, usize> = HashMap::default();
        for (_, _, _, key) in self.regulars.iter().take(shown) {
            let reader = &self.readers[key];
            wanted.insert(key, regulars.len());
            regulars.push(Regular {
                name: &reader.name,
                comments: reader.comments,
                posts: reader.posts,
                first_comments: Vec::new(),
            });
        }
        let mut missing: usize = regulars.iter().map(|r| r.comments.min(links)).sum();
        for p in 0..self.shares {
            if missing == 0 {
                break;
            }
            for r in digest_of(p).readers() {
                let Some(&i) = wanted.get(r.key) else {
                    continue;
                };
                let first = &mut regulars[i].first_comments;
                if first.len() < links {
                    first.push((p, r.comment));
                    missing -= 1;
                }
            }
        }
        regulars
    }

    /// Reply rate per month of the reader comments' dates; per quarter when the
    /// history spans two years or more, per year from twelve years. Empty periods
    /// inside the range are kept (as zero) so the chart's time axis is honest.
    /// Undated comments are left out.
    pub fn reply_rate_series(&self) -> Vec<Period> {
        let (Some((&first, _)), Some((&last, _))) =
            (self.months.first_key_value(), self.months.last_key_value())
        else {
            return Vec::new();
        };
        // Months while they fit a chart, then quarters, then years: a span from a
        // mistyped date (year 1015) must not produce thousands of bars.
        let months_per_period = match last - first {
            0..24 => 1,
            24..144 => 3,
            _ => 12,
        };
        let period_of = |m: i32| m.div_euclid(months_per_period);
        let start = period_of(first);
        let mut counts = vec![(0, 0); (period_of(last) - start) as usize + 1];
        for (&m, &(readers, answered)) in &self.months {
            let slot = &mut counts[(period_of(m) - start) as usize];
            slot.0 += readers;
            slot.1 += answered;
        }
        let per_year = 12 / months_per_period;
        (start..)
            .zip(counts)
            .map(|(p, (reader_comments, answered))| Period {
                label: match months_per_period {
                    1 => format!("{}-{:02}", p.div_euclid(12), p.rem_euclid(12) + 1),
                    3 => format!("{} Q{}", p.div_euclid(4), p.rem_euclid(4) + 1),
                    _ => format!("{}", p.div_euclid(per_year)),
                },
                reader_comments,
                answered,
            })
            .collect()
    }

    /// Median, over the whole site, of the time from a reader comment to its first
    /// direct author reply (dated pairs only).
    pub fn median_reply_time(&self) -> Option<Duration> {
        // The middle one or two, whose median is the median of them all.
        let (times, mid) = (&self.reply_times, self.reply_times.len() / 2);
        let middle = match times.len() % 2 {
            _ if times.is_empty() => return None,
            1 => &times[mid..=mid],
            _ => &times[mid - 1..=mid],
        };
        let middle = middle.iter().map(|&n| Duration::nanoseconds(n));
        median(&middle.collect::<Vec<_>>())
    }

    /// The posts the `keep` newest comments a comments feed may show are on: the
    /// `keep` posts whose such comment is newest. Each of them has a comment at least
    /// as new as the last one's newest, which comes before the comments of every
    /// post after them (older, or as old and on a later post).
    pub fn feed_posts(&self, keep: usize) -> impl Iterator<Item = usize> + '_ {
        self.by_newest.iter().take(keep).map(|&(_, p)| p as usize)
    }
}

/// The `keep` newest comments a comments feed may show, newest first (then by post
/// and in file order), as (date, post, comment), of `posts`: (post, its thread, its
/// date), the threads of `Totals::feed_posts` read whole.
pub fn newest_comments<'a>(
    keep: usize,
    posts: impl IntoIterator<Item = (usize, &'a Thread, Option<Date>)>,
) -> Vec<(Date, usize, usize)> {
    let mut latest: Vec<(Date, usize, usize)> = (posts.into_iter())
        .flat_map(|(p, thread, date)| {
            digest::feed_comments(thread, date).map(move |(d, c)| (d, p, c))
        })
        .collect();
    latest.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    latest.truncate(keep);
    latest
}

/// The keys of the readers whose comments (which, and the name written on each)
/// differ between two digests of one thread.
fn changed_readers<'a>(old: &'a Digest, new: &'a Digest) -> BTreeSet<&'a str> {
    let by_reader = |d: &'a Digest| {
        let mut readers: BTreeMap<&'a str, Vec<(usize, &'a str)>> = BTreeMap::new();
        for r in d.readers() {
            readers.entry(r.key).or_default().push((r.comment, r.name));
        }
        readers
    };
    let (old, new) = (by_reader(old), by_reader(new));
    (old.keys().chain(new.keys()))
        .filter(|&key| old.get(key) != new.get(key))
        .copied()
        .collect()
}

/// Whether reader comment `i` has a direct reply by the author.
pub fn has_author_reply(post: &PostThread<'_>, i: usize) -> bool {
    post.tree.children[i]
        .iter()
        .any(|&j| post.thread.comments[j].is_author())
}

/// Reader comments without a direct author reply, as (post index, comment index):
/// grouped by post, the post with the longest-waiting comment first, each group
/// oldest first; undated comments after dated ones, in file order.
pub fn awaiting_reply(posts: &[PostThread<'_>]) -> Vec<(usize, usize)> {
    let mut groups: Vec<Vec<usize>> = posts
        .iter()
        .map(|post| {
            let mut waiting: Vec<usize> = (0..post.thread.comments.len())
                .filter(|&i| post.thread.comments[i].is_reader() && !has_author_reply(post, i))
                .collect();
            waiting.sort_by_key(|&i| undated_last(&post.thread.comments[i]));
            waiting
        })
        .collect();
    let mut order: Vec<usize> = (0..posts.len())
        .filter(|&p| !groups[p].is_empty())
        .collect();
    order.sort_by_key(|&p| undated_last(&posts[p].thread.comments[groups[p][0]]));
    order
        .into_iter()
        .flat_map(|p| {
            std::mem::take(&mut groups[p])
                .into_iter()
                .map(move |c| (p, c))
        })
        .collect()
}

fn undated_last(c: &Comment) -> (bool, Option<Date>) {
    (c.date.is_none(), c.date)
}

/// A one-line plain-text excerpt of a comment body (markdown or HTML): tags
/// removed, whitespace collapsed, cut at a word boundary near `max` characters.
pub fn excerpt(body: &str, max: usize) -> String {
    // A long body is tried by its start first, cut after a space: an excerpt cut short
    // there ("…") is the excerpt of the whole. The start's words are the body's first
    // words, whole, but for its last one, which may end sooner (at a tag cut in two)
    // and is then no longer than in the body: the word that does not fit and stops
    // the excerpt does not fit in the body either. (A start cut anywhere could end
    // inside an entity: `&am` is longer than the `&` it would be.)
    if let Some(start) = start_of(body, max.saturating_mul(8)) {
        let of_start = excerpt_of(start, max);
        if of_start.ends_with('…') {
            return of_start;
        }
    }
    excerpt_of(body, max)
}

/// The start of `body` up to a space within its first `bytes` bytes; `None` if that
/// is all of it, or it has no such space.
fn start_of(body: &str, bytes: usize) -> Option<&str> {
    let within = body.as_bytes().get(..bytes)?;
    let space = within.iter().rposition(u8::is_ascii_whitespace)?;
    // An ASCII byte is a character of its own: the cut after it is a boundary.
    Some(&body[..=space])
}

fn excerpt_of(body: &str, max: usize) -> String {
    // Where a tag was: a space, unless punctuation follows it (`<b>there</b>,`).
    // Punctuation after a space the text had keeps it: French writes `mot : bravo`.
    const TAG_BOUNDARY: char = '\u{1}';
    const ENTITIES: [(&str, char); 6] = [
        ("&nbsp;", ' '),
        ("&lt;", '<'),
        ("&gt;", '>'),
        ("&quot;", '"'),
        ("&#39;", '\''),
        ("&amp;", '&'),
    ];
    let mut text = String::with_capacity(body.len().min(max * 2));
    // Runs of text between tags and entities are copied whole.
    let (bytes, mut at) = (body.as_bytes(), 0);
    while at < bytes.len() {
        let Some(next) = memchr::memchr2(b'<', b'&', &bytes[at..]) else {
            text.push_str(&body[at..]);
            break;
        };
        text.push_str(&body[at..at + next]);
        at += next;
        if bytes[at] == b'<' {
            match memchr::memchr(b'>', &bytes[at..]) {
                Some(end) => {
                    at += end + 1;
                    text.push(TAG_BOUNDARY);
                }
                None => break,
            }
            continue;
        }
        let rest = &body[at..];
        match ENTITIES.iter().find(|(e, _)| rest.starts_with(e)) {
            Some(&(entity, decoded)) => {
                text.push(decoded);
                at += entity.len();
            }
            None => {
                text.push('&');
                at += 1;
            }
        }
    }
    // The runs between tags copied whole, and the words taken until one does not fit:
    // a character at a time, and every word split first, this was most of the work.
    let mut joined = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = memchr::memchr(TAG_BOUNDARY as u8, rest.as_bytes()) {
        joined.push_str(&rest[..at]);
        rest = &rest[at + 1..];
        if !rest.starts_with([',', '.', ';', ':', '!', '?']) {
            joined.push(' ');
        }
    }
    joined.push_str(rest);
    let words = joined
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '*' || c == '_' || c == '#'))
        .filter(|w| !w.is_empty());
    let mut out = String::new();
    // Characters in `out`, counted as they are added.
    let mut length = 0;
    for word in words {
        let word_length = word.chars().count();
        if length + word_length + 1 > max && !out.is_empty() {
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
            length += 1;
        }
        out.push_str(word);
        length += word_length;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::{metrics, parse_thread};
    use std::path::Path;

    struct Owned {
        thread: Thread,
        tree: Tree,
        engagement: Engagement,
        digest: Digest,
    }

    fn owned(text: &str) -> Owned {
        let thread = parse_thread(text, Path::new("t")).unwrap();
        let tree = Tree::build(&thread);
        let engagement = metrics::engagement(&thread, &tree);
        Owned {
            digest: Digest::of(&thread, &tree, None),
            thread,
            tree,
            engagement,
        }
    }

    fn share(o: &Owned) -> Share<'_> {
        Share {
            engagement: &o.engagement,
            digest: &o.digest,
        }
    }

    fn totals(posts: &[Owned]) -> Totals {
        Totals::of(posts.iter().map(share))
    }

    /// What the pages show of `totals`, to compare two ways of making them.
    fn shown(totals: &Totals, posts: &[Owned]) -> String {
        let regulars = totals.regulars(usize::MAX, 2, &|p| &posts[p].digest);
        let feed = totals.feed_posts(3).map(|p| (p, &posts[p].thread, None));
        let newest = newest_comments(3, feed);
        format!(
            "{:?}\n{regulars:?}\n{:?}\n{:?}\n{newest:?}\n{} {} {:?}",
            totals.ranked().collect::<Vec<_>>(),
            totals.reply_rate_series(),
            totals.median_reply_time(),
            totals.reader_comments,
            totals.answered,
            totals.by_source,
        )
    }

    fn views(posts: &[Owned]) -> Vec<PostThread<'_>> {
        posts
            .iter()
            .map(|o| PostThread {
                thread: &o.thread,
                tree: &o.tree,
                engagement: &o.engagement,
            })
            .collect()
    }

    #[test]
    fn a_real_exchange_outranks_many_one_liners() {
        let mut many = String::from("comments:\n");
        for i in 0..12 {
            many.push_str(&format!(
                "- {{id: '{i}', author: 'Reader {i}', body: nice}}\n"
            ));
        }
        let mut deep = String::from("comments:\n- {id: '0', author: Marco}\n");
        for i in 1..8 {
            let role = if i % 2 == 1 { "author" } else { "reader" };
            deep.push_str(&format!(
                "- {{id: '{i}', parent: '{}', author: X, role: {role}}}\n",
                i - 1
            ));
        }
        let posts = [owned(&many), owned(&deep), owned("comments: []\n")];
        assert_eq!(totals(&posts).ranked().collect::<Vec<_>>(), vec![1, 0]);
        let deep = &posts[1];
        assert_eq!(Digest::of(&deep.thread, &deep.tree, None).deepest, Some(7));
    }

    #[test]
    fn regulars_join_several_posts() {
        let posts = [
            owned("comments:\n- {id: a, author: Joel}\n- {id: b, author: Linda}\n- {id: c, author: Joel}\n"),
            owned("comments:\n- {id: a, author: ' joel '}\n- {id: b, author: Fiona}\n- {id: c, author: Linda, url: 'https://linda.example'}\n"),
            owned("comments:\n- {id: a, author: LINDA}\n"),
        ];
        let totals = totals(&posts);
        let regulars = totals.regulars(usize::MAX, 2, &|p| &posts[p].digest);
        let summary: Vec<String> = (regulars.iter())
            .map(|r| {
                format!(
                    "{} {} {} {:?}",
                    r.name, r.posts, r.comments, r.first_comments
                )
            })
            .collect();
        assert_eq!(
            summary,
            ["Joel 2 3 [(0, 0), (0, 2)]", "Linda 2 2 [(0, 1), (2, 0)]"]
        );
        assert_eq!(
            totals.regulars(1, 1, &|p| &posts[p].digest)[0].first_comments,
            [(0, 0)]
        );
    }

    #[test]
    fn series_by_month_keeps_empty_months() {
        let posts = [owned(
            "comments:
- {id: a, date: 2015-01-10}
- {id: b, parent: a, role: author, date: 2015-01-11}
- {id: c, date: 2015-03-01}
- {id: d, role: author, date: 2015-03-02}
",
        )];
        let series = totals(&posts).reply_rate_series();
        let rows: Vec<(&str, usize, usize)> = series
            .iter()
            .map(|p| (p.label.as_str(), p.reader_comments, p.answered))
            .collect();
        assert_eq!(
            rows,
            [("2015-01", 1, 1), ("2015-02", 0, 0), ("2015-03", 1, 0)]
        );
        assert_eq!(totals(&posts).median_reply_time(), Some(Duration::days(1)));
    }

    #[test]
    fn the_site_median_of_reply_times_kept_in_nanoseconds_is_that_of_the_durations() {
        let seconds: [&[i64]; 5] = [&[], &[7], &[-3, 5], &[1, 2, 4, 9], &[-9, -1, 0, 3, 3]];
        for list in seconds {
            let durations: Vec<Duration> = (list.iter())
                .map(|&s| Duration::seconds(s) + Duration::nanoseconds(1))
                .collect();
            let totals = Totals {
                reply_times: durations.iter().map(|&d| reply_nanos(d)).collect(),
                ..Totals::default()
            };
            assert_eq!(totals.median_reply_time(), median(&durations), "{list:?}");
        }
        assert_eq!(reply_nanos(Duration::MAX), i64::MAX);
        assert_eq!(reply_nanos(Duration::MIN), i64::MIN);
    }

    #[test]
    fn replacing_a_threads_share_is_counting_anew() {
        let threads = [
            "comments:\n- {id: a, author: Joel, date: 2015-01-10}\n- {id: b, parent: a, role: author, date: 2015-01-11}\n",
            "comments:\n- {id: a, author: Linda, date: 2015-02-01}\n- {id: m, role: mention, date: 2015-05-01}\n",
            "comments:\n- {id: a, author: Fiona, via: mastodon, date: 2015-03-01}\n",
            "comments: []\n",
        ];
        // Each edit of thread 1: a comment added, a reader becoming a regular, a
        // month's reply rate changing, a newest comment, comments removed.
        let edits = [
            "comments:\n- {id: a, author: Linda, date: 2015-02-01}\n- {id: b, author: ' JOEL ', date: 2015-06-01}\n",
            "comments:\n- {id: a, author: Linda, date: 2015-02-01}\n- {id: b, parent: a, role: author, date: 2015-02-03}\n- {id: c, author: Fiona, date: 2016-01-01}\n",
            // Only the name a regular wrote changes: the page shows the new one.
            "comments:\n- {id: a, author: Linda, date: 2015-02-01}\n- {id: b, parent: a, role: author, date: 2015-02-03}\n- {id: c, author: FIONA, date: 2016-01-01}\n",
            // A comment added, the other readers' left as they were.
            "comments:\n- {id: a, author: Linda, date: 2015-02-01}\n- {id: b, parent: a, role: author, date: 2015-02-03}\n- {id: c, author: FIONA, date: 2016-01-01}\n- {id: d, author: Ann, date: 2016-01-02}\n",
            "comments:\n- {id: x, author: Joel, date: 2014-12-01, via: bluesky}\n- {id: y, parent: x, author: Linda, date: 2014-12-02}\n",
            "comments: []\n",
            threads[1],
        ];
        let mut posts: Vec<Owned> = threads.iter().map(|t| owned(t)).collect();
        let mut kept = totals(&posts);
        for edit in edits {
            let old = std::mem::replace(&mut posts[1], owned(edit));
            kept.replace(&[(1, share(&old), share(&posts[1]))], &|p| &posts[p].digest);
            assert_eq!(
                shown(&kept, &posts),
                shown(&totals(&posts), &posts),
                "{edit}"
            );
        }
    }

    #[test]
    fn a_regular_gone_from_their_first_post_is_named_as_on_the_next() {
        let threads = [
            "comments: []\n",
            "comments:\n- {id: a, author: ANN}\n",
            "comments:\n- {id: a, author: Joel}\n- {id: b, author: Ann}\n",
            "comments:\n- {id: a, author: ann}\n",
        ];
        let mut posts: Vec<Owned> = threads.iter().map(|t| owned(t)).collect();
        let mut kept = totals(&posts);
        for (p, edit) in [(1, "comments: []\n"), (0, threads[1]), (0, threads[0])] {
            let old = std::mem::replace(&mut posts[p], owned(edit));
            kept.replace(&[(p, share(&old), share(&posts[p]))], &|p| &posts[p].digest);
            assert_eq!(shown(&kept, &posts), shown(&totals(&posts), &posts), "{p}");
        }
        let regulars = kept.regulars(1, 5, &|p| &posts[p].digest);
        assert_eq!(
            (regulars[0].name, &regulars[0].first_comments[..]),
            ("Ann", &[(2, 1), (3, 0)][..])
        );
    }

    /// (comments, posts, first, name) of every reader, to compare kept totals with
    /// totals made anew beyond what the pages show.
    fn readers_dump(totals: &Totals) -> Vec<(String, usize, usize, Option<usize>, String)> {
        let mut v: Vec<_> = (totals.readers.iter())
            .map(|(k, r)| {
                (
                    k.to_string(),
                    r.comments,
                    r.posts,
                    r.first,
                    r.name.to_string(),
                )
            })
            .collect();
        v.sort();
        v
    }

    fn thread_text(comments: &[(usize, Option<usize>, usize, usize, usize)]) -> String {
        const NAMES: [&str; 7] = ["Ann", "ANN", "ann", "Joel", "' joel '", "Bo", "Ann"];
        const URLS: [&str; 3] = [
            "",
            ", url: 'https://a.example'",
            ", url: 'https://A.example/x'",
        ];
        const ROLES: [&str; 4] = ["reader", "reader", "author", "mention"];
        const STATES: [&str; 3] = ["published", "published", "pending"];
        if comments.is_empty() {
            return "comments: []\n".into();
        }
        let mut text = String::from("comments:\n");
        for (i, &(name, parent, url, role, state)) in comments.iter().enumerate() {
            let parent = match parent {
                Some(q) if i > 0 => format!(", parent: c{}", q % i),
                _ => String::new(),
            };
            text.push_str(&format!(
                "- {{id: c{i}, author: {}{}{parent}, role: {}, state: {}, date: 2015-0{}-01}}\n",
                NAMES[name % NAMES.len()],
                URLS[url % URLS.len()],
                ROLES[role % ROLES.len()],
                STATES[state % STATES.len()],
                1 + (i % 9),
            ));
        }
        text
    }

    use proptest::prelude::*;

    fn comment_strategy() -> impl Strategy<Value = (usize, Option<usize>, usize, usize, usize)> {
        (
            0..7usize,
            proptest::option::of(0..5usize),
            0..3usize,
            0..4usize,
            0..3usize,
        )
    }

    fn thread_strategy() -> impl Strategy<Value = String> {
        proptest::collection::vec(comment_strategy(), 0..5).prop_map(|c| thread_text(&c))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]
        /// Any sequence of `replace` calls, each of a batch of changed posts as serve
        /// makes them, leaves the totals `of` the same posts makes.
        #[test]
        fn kept_totals_are_totals_made_anew(
            start in proptest::collection::vec(thread_strategy(), 1..6),
            // Each step: a batch of (post, new thread).
            steps in proptest::collection::vec(
                proptest::collection::vec((0..6usize, thread_strategy()), 1..4), 1..6),
        ) {
            let mut posts: Vec<Owned> = start.iter().map(|t| owned(t)).collect();
            let mut kept = totals(&posts);
            for batch in steps {
                let mut olds: Vec<(usize, Owned)> = Vec::new();
                for (p, text) in batch {
                    let p = p % posts.len();
                    if olds.iter().any(|(q, _)| *q == p) {
                        continue;
                    }
                    let old = std::mem::replace(&mut posts[p], owned(&text));
                    olds.push((p, old));
                }
                let changed: Vec<_> = (olds.iter())
                    .map(|(p, old)| (*p, share(old), share(&posts[*p])))
                    .collect();
                kept.replace(&changed, &|p| &posts[p].digest);
                let anew = totals(&posts);
                prop_assert_eq!(shown(&kept, &posts), shown(&anew, &posts));
                prop_assert_eq!(readers_dump(&kept), readers_dump(&anew));
                prop_assert_eq!(&kept.regulars, &anew.regulars);
                prop_assert_eq!(kept.regular_count(), anew.regular_count());
                let k = kept.regulars(2, 1, &|p| &posts[p].digest);
                let a = anew.regulars(2, 1, &|p| &posts[p].digest);
                prop_assert_eq!(format!("{k:?}"), format!("{a:?}"));
            }
        }

        /// The comments a feed shows, read from the threads of `feed_posts` alone,
        /// are those it shows of every post's thread: dates tie across posts and
        /// comments, some are undated, mentions and unpublished ones are left out.
        #[test]
        fn the_feed_posts_hold_the_feeds_comments(
            threads in proptest::collection::vec(thread_strategy(), 1..8),
            keep in 1..5usize,
        ) {
            let posts: Vec<Owned> = threads.iter().map(|t| owned(t)).collect();
            let totals = totals(&posts);
            let every = posts.iter().enumerate().map(|(p, o)| (p, &o.thread, None));
            let feed = totals.feed_posts(keep).map(|p| (p, &posts[p].thread, None));
            prop_assert_eq!(newest_comments(keep, feed), newest_comments(keep, every));
        }
    }

    #[test]
    fn very_long_histories_go_yearly() {
        let posts = [owned(
            "comments:\n- {id: a, date: 1015-01-10}\n- {id: b, date: 2017-02-01}\n",
        )];
        let series = totals(&posts).reply_rate_series();
        assert_eq!(series.first().unwrap().label, "1015");
        assert_eq!(series.len(), 1003);
    }

    #[test]
    fn long_histories_go_quarterly() {
        let posts = [owned(
            "comments:\n- {id: a, date: 2015-01-10}\n- {id: b, date: 2017-02-01}\n",
        )];
        let series = totals(&posts).reply_rate_series();
        assert_eq!(series.first().unwrap().label, "2015 Q1");
        assert_eq!(series.last().unwrap().label, "2017 Q1");
        assert_eq!(series.len(), 9);
    }

    #[test]
    fn awaiting_reply_is_grouped_and_oldest_first() {
        let posts = [
            owned("comments:\n- {id: a, date: 2016-01-01}\n- {id: b, date: 2015-06-01}\n- {id: c, parent: b, role: author}\n- {id: d}\n"),
            owned("comments:\n- {id: x, date: 2015-12-01}\n- {id: m, role: mention, date: 2014-01-01}\n"),
        ];
        assert_eq!(awaiting_reply(&views(&posts)), vec![(1, 0), (0, 0), (0, 3)]);
    }

    #[test]
    fn excerpts_are_plain_and_short() {
        assert_eq!(
            excerpt("<p>Hello <b>there</b>, &amp; welcome</p>", 80),
            "Hello there, & welcome"
        );
        assert_eq!(
            excerpt("<p>Un seul mot : <em>bravo</em> !</p>", 80),
            "Un seul mot : bravo !"
        );
        assert_eq!(excerpt("one two three four", 9), "one two…");
        assert_eq!(excerpt("x > y, a <b>c</b> d", 80), "x > y, a c d");
        assert_eq!(excerpt("before <p unclosed", 80), "before");
        assert_eq!(excerpt("<a title=\"x > y\">link</a>", 80), "y\">link");
        assert_eq!(
            excerpt(
                "&amp;lt; a&nbsp;b &quot;q&quot; &#39;s&#39; &am<b>p; &lt;i&gt; &x",
                80
            ),
            "&lt; a b \"q\" 's' &am p; <i> &x"
        );
        assert_eq!(excerpt("<a title=\"&amp;\">x</a>&", 80), "x &");
        // A long body's start cut inside `&amp;` would read a longer word (`&amp`)
        // that does not fit where `&x` does.
        let long = format!("{}ab &amp;x zzz", "<p>".repeat(11));
        assert_eq!(excerpt(&long, 5), "ab &x…");
    }

    /// How `excerpt_of` made its words from the text it took out of the tags: a
    /// character at a time, every word split first.
    fn words_by_chars(text: &str) -> Vec<String> {
        let mut joined = String::new();
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\u{1}' if chars.peek().is_some_and(|n| ",.;:!?".contains(*n)) => {}
                '\u{1}' => joined.push(' '),
                c => joined.push(c),
            }
        }
        (joined.split_whitespace())
            .map(|w| w.trim_matches(|c| c == '*' || c == '_' || c == '#'))
            .filter(|w| !w.is_empty())
            .map(str::to_string)
            .collect()
    }

    proptest::proptest! {
        /// An excerpt holds the first words as they were made a character at a time.
        #[test]
        fn an_excerpt_holds_the_words_made_by_characters(
            pieces in proptest::collection::vec(0..12usize, 0..60),
        ) {
            const PIECES: [&str; 12] = [
                "word ", "<b>", "</b>", ",", ".", "\u{1}", " ", "\u{a0}", "*x*", "#", "été", "?",
            ];
            let body: String = pieces.iter().map(|&p| PIECES[p]).collect();
            let text = body.replace("<b>", "\u{1}").replace("</b>", "\u{1}");
            let all = words_by_chars(&text).join(" ");
            proptest::prop_assert_eq!(excerpt_of(&body, 1 << 20), all);
        }
    }

    proptest::proptest! {
        /// Bodies of pieces whose cut can fall inside a tag with spaces, an entity,
        /// a word or a run without spaces, before punctuation after a tag.
        #[test]
        fn an_excerpt_tried_by_its_start_is_the_excerpt_of_the_whole(
            pieces in proptest::collection::vec(0..14usize, 0..400),
            max in 1..120usize,
        ) {
            const PIECES: [&str; 14] = [
                "word ", "<a title=\"x > y\" href=\"/a b\">", "</a>", ",", "&amp;",
                "&lt;", "longerword", "**", " ", "\n\n", "été", "字字字字", "<p>", "#",
            ];
            let body: String = pieces.iter().map(|&p| PIECES[p]).collect();
            proptest::prop_assert_eq!(excerpt(&body, max), excerpt_of(&body, max));
        }
    }

    #[test]
    fn an_excerpt_of_a_long_body_is_the_excerpt_of_all_of_it() {
        let pieces = [
            "<p>",
            "word ",
            "<b>bold</b>",
            ", ",
            "&amp;",
            "&lt;tag&gt; ",
            "été ",
            "**x** ",
            "<a href=\"https://example.com/a/long/address\">link</a>",
            " : ",
            "\n\n",
            "mot",
        ];
        // Bodies that differ in where their pieces fall, so that the start a long
        // body is tried by ends inside a tag, an entity, a word or a space.
        for shift in 0..60 {
            let mut body = "a".repeat(shift % 9);
            for i in 0..300 {
                body.push_str(pieces[(i * 7 + i / 3 + shift) % pieces.len()]);
            }
            for max in [1, 5, 13, 40, 80, 300] {
                assert_eq!(
                    excerpt(&body, max),
                    excerpt_of(&body, max),
                    "{max} {body:?}"
                );
            }
        }
    }
}
