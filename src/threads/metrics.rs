//! Engagement figures of one post, computed from its thread alone (pure functions, no
//! I/O). The README defines each figure; these definitions are the reference.

use chrono::Duration;

use crate::dates::Date;
use crate::site::state::durations;
use crate::threads::packed::Packed;
use crate::threads::{Comment, Role, Thread, Tree};

/// The conversation figures of one post.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Engagement {
    /// Reader and author comments (mentions excluded).
    pub comments: u32,
    /// Reader comments.
    pub reader_comments: u32,
    /// Distinct readers: same name (ignoring case and spacing) and same website host
    /// are one reader; each unnamed comment counts as its own reader.
    pub participants: u32,
    /// Comments by the author.
    pub author_replies: u32,
    /// Reader comments with at least one direct reply by the author.
    pub answered: u32,
    /// Depth of the deepest comment (top level is 1; 0 without comments).
    pub deepest: u32,
    /// Top-level threads in which the author answered a reader and a reader answered
    /// the author.
    pub back_and_forth: u32,
    /// Date of the newest comment.
    #[serde(with = "crate::site::state::date_option")]
    pub last_activity: Option<Date>,
    /// Dated reader comments by month, and the times to a first author reply
    /// (`Lists`).
    lists: Lists,
    /// `comments` by where they came from.
    #[serde(default)]
    pub by_source: BySource,
}

impl Engagement {
    /// `answered / reader_comments`; `None` without reader comments. Made when asked
    /// for, as `median_reply_time` is: held, the two were a fifth of the figures every
    /// post with comments holds to the end of a build.
    pub fn reply_rate(&self) -> Option<f64> {
        (self.reader_comments > 0).then(|| self.answered as f64 / self.reader_comments as f64)
    }

    /// Median, over answered reader comments with dates, of the time to the first
    /// direct author reply.
    pub fn median_reply_time(&self) -> Option<Duration> {
        median(&self.reply_times().collect::<Vec<_>>())
    }

    /// Dated reader comments by month (`month_of`), with how many of them the author
    /// answered, in order of month: this post's share of the site's reply rate over
    /// time. Counted by month, not kept one date each: a big site's million comments'
    /// dates held to the end of its build were a tenth of its memory.
    pub fn reader_months(&self) -> impl Iterator<Item = (i32, u32, u32)> + '_ {
        self.lists.months()
    }

    /// The times to a first author reply behind `median_reply_time`, sorted: this
    /// post's share of the site-wide median.
    pub fn reply_times(&self) -> impl Iterator<Item = Duration> + '_ {
        self.lists.reply_times()
    }
}

/// A post's reader comments by month and its reply times, packed (`Packed`): how
/// many months, then (month, reader comments, answered) of each, then each reply
/// time as whole seconds and nanoseconds. Held for every post to the end of a build,
/// as two lists they were two allocations a post (packed, 4.7 MiB less at the peak
/// of 50,000 posts).
/// Saved in the build state as the two lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Lists(Packed);

/// A reply time as whole seconds and nanoseconds (`state::durations`).
type Parts = (i64, i32);

impl Lists {
    fn of(months: &[(i32, u32, u32)], reply_times: &[Duration]) -> Lists {
        let months: Vec<[i64; 3]> = (months.iter())
            .map(|&(month, readers, answered)| [month.into(), readers.into(), answered.into()])
            .collect();
        let times = (reply_times.iter().map(durations::parts))
            .flat_map(|(secs, nanos)| [secs, nanos.into()]);
        Lists(Packed::of(&months, times))
    }

    /// The months, read as they are asked for; packed from those types, the numbers
    /// fit them.
    fn months(&self) -> impl Iterator<Item = (i32, u32, u32)> + '_ {
        (self.0.triples::<i64>())
            .map(|[month, readers, answered]| (month as i32, readers as u32, answered as u32))
    }

    /// The reply times, past the months. Each pair was taken from a duration (`of`),
    /// and is one again.
    fn reply_times(&self) -> impl Iterator<Item = Duration> + '_ {
        let mut parts = self.0.rest::<i64>();
        std::iter::from_fn(move || {
            let (secs, nanos) = (parts.next()?, parts.next()? as i32);
            durations::from_parts::<serde::de::value::Error>((secs, nanos)).ok()
        })
    }

    #[cfg(test)]
    fn unpacked(&self) -> (Vec<(i32, u32, u32)>, Vec<Duration>) {
        (self.months().collect(), self.reply_times().collect())
    }
}

impl serde::Serialize for Lists {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let months: Vec<(i32, u32, u32)> = self.months().collect();
        let times: Vec<Parts> = self.reply_times().map(|d| durations::parts(&d)).collect();
        (months, times).serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Lists {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Lists, D::Error> {
        let (months, parts) = <(Vec<(i32, u32, u32)>, Vec<Parts>)>::deserialize(d)?;
        // Made durations again, and packed as `of` packs them: two lists equal as
        // durations are equal packed.
        let times = (parts.into_iter())
            .map(durations::from_parts::<D::Error>)
            .collect::<Result<Vec<Duration>, D::Error>>()?;
        Ok(Lists::of(&months, &times))
    }
}

/// Comments (mentions excluded) by the network they came through (`via:`): a post's
/// in 4-byte numbers (its thread is bounded far below them), the site's in `usize`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BySource<N = u32> {
    pub mastodon: N,
    pub bluesky: N,
    pub webmention: N,
    /// Written on this site: imported, sent through a form, or by hand.
    pub site: N,
}

impl BySource {
    fn of<'a>(comments: impl Iterator<Item = &'a Comment>) -> BySource {
        let mut counts = BySource::<usize>::default();
        for c in comments {
            match c.via.as_deref() {
                Some("mastodon") => counts.mastodon += 1,
                Some("bluesky") => counts.bluesky += 1,
                Some("webmention") => counts.webmention += 1,
                _ => counts.site += 1,
            }
        }
        BySource {
            mastodon: count(counts.mastodon),
            bluesky: count(counts.bluesky),
            webmention: count(counts.webmention),
            site: count(counts.site),
        }
    }
}

impl BySource<usize> {
    pub fn add(&mut self, post: &BySource) {
        self.mastodon += post.mastodon as usize;
        self.bluesky += post.bluesky as usize;
        self.webmention += post.webmention as usize;
        self.site += post.site as usize;
    }

    /// Takes out what `add` put in.
    pub fn sub(&mut self, post: &BySource) {
        self.mastodon -= post.mastodon as usize;
        self.bluesky -= post.bluesky as usize;
        self.webmention -= post.webmention as usize;
        self.site -= post.site as usize;
    }

    /// Whether any came from elsewhere than this site.
    pub fn any_fetched(&self) -> bool {
        self.mastodon + self.bluesky + self.webmention > 0
    }
}

/// A month as `year * 12 + month0`: what the reply rate over time counts by.
pub fn month_of(d: &Date) -> i32 {
    use chrono::Datelike;
    d.year() * 12 + d.month0() as i32
}

/// `(month, answered)` of each dated reader comment, counted by month.
fn by_month(mut comments: Vec<(i32, bool)>) -> Vec<(i32, u32, u32)> {
    comments.sort_unstable();
    let mut months: Vec<(i32, u32, u32)> = Vec::new();
    for (month, answered) in comments {
        match months.last_mut() {
            Some(last) if last.0 == month => {
                last.1 += 1;
                last.2 += u32::from(answered);
            }
            _ => months.push((month, 1, u32::from(answered))),
        }
    }
    // Kept for every post of a site until its site-wide pages render.
    months.shrink_to_fit();
    months
}

/// A count of a thread's comments as its figures hold it: in 4 bytes, as the figures
/// of every post with comments are held to the end of a build. A thread file's size
/// is bounded far below `u32::MAX` comments; a count past it would show as
/// `u32::MAX`.
fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Computes the figures of `thread`, whose tree is `tree`.
pub fn engagement(thread: &Thread, tree: &Tree) -> Engagement {
    engagement_with_keys(thread, tree, &reader_keys(thread))
}

/// `engagement`, given `keys` = `reader_keys(thread)` (a thread's digest uses them too).
pub fn engagement_with_keys(thread: &Thread, tree: &Tree, keys: &[Option<String>]) -> Engagement {
    let comments = &thread.comments;
    let counted = |c: &&Comment| c.role != Role::Mention && c.is_published();
    let reader_comments = comments.iter().filter(|c| c.is_reader()).count();
    let author_replies = comments.iter().filter(|c| c.is_author()).count();

    let mut answered = 0;
    let mut reply_times = Vec::new();
    let mut reader_months: Vec<(i32, bool)> = Vec::new();
    for (i, c) in comments.iter().enumerate() {
        if !c.is_reader() {
            continue;
        }
        let author_replies = tree.children[i]
            .iter()
            .map(|&j| &comments[j])
            .filter(|r| r.is_author());
        let first = author_replies.clone().filter_map(|r| r.date).min();
        let is_answered = author_replies.count() > 0;
        if let Some(date) = c.date {
            reader_months.push((month_of(&date), is_answered));
        }
        if is_answered {
            answered += 1;
            if let (Some(asked), Some(replied)) = (c.date, first) {
                reply_times.push(replied - asked);
            }
        }
    }
    reply_times.sort_unstable();

    Engagement {
        comments: count(comments.iter().filter(counted).count()),
        reader_comments: count(reader_comments),
        participants: count(participants(comments, keys)),
        author_replies: count(author_replies),
        answered: count(answered),
        deepest: count(tree.depth.iter().copied().max().unwrap_or(0)),
        back_and_forth: count(back_and_forth(thread, tree)),
        last_activity: comments.iter().filter(counted).filter_map(|c| c.date).max(),
        lists: Lists::of(&by_month(reader_months), &reply_times),
        by_source: BySource::of(comments.iter().filter(counted)),
    }
}

fn participants(comments: &[Comment], keys: &[Option<String>]) -> usize {
    let mut named = foldhash::HashSet::default();
    let mut unnamed = 0;
    for (_, key) in (comments.iter().zip(keys)).filter(|(c, _)| c.is_reader()) {
        match key {
            Some(key) => {
                named.insert(key.as_str());
            }
            None => unnamed += 1,
        }
    }
    named.len() + unnamed
}

/// The `reader_key` of each comment of `thread` that is a reader's, `None` for the
/// others: made once for a thread's figures and its digest.
pub fn reader_keys(thread: &Thread) -> Vec<Option<String>> {
    (thread.comments.iter())
        .map(|c| c.is_reader().then(|| reader_key(c)).flatten())
        .collect()
}

/// How a reader is recognised across comments and posts: display name (case and
/// spacing ignored) plus website host. `None` for unnamed comments.
pub fn reader_key(c: &Comment) -> Option<String> {
    let name = c.author.as_deref()?;
    // Written into one string: a key is made for every reader comment of a site.
    let mut key = String::with_capacity(name.len() + 24);
    if name.is_ascii() {
        push_ascii_words(&mut key, name);
    } else {
        for word in name.split_whitespace() {
            if !key.is_empty() {
                key.push(' ');
            }
            push_lowercase(&mut key, word);
        }
    }
    if key.is_empty() {
        return None;
    }
    key.push('|');
    if let Some(url) = c.url.as_deref() {
        push_lowercase(&mut key, url_host(url));
    }
    Some(key)
}

/// The words of the ASCII `name` lowercased, one space between them: what
/// `split_whitespace` and `push_lowercase` make of it, a byte at a time rather than
/// a character at a time (half the cost of a reader's key was decoding its name).
fn push_ascii_words(out: &mut String, name: &str) {
    // ASCII's white space to `char::is_whitespace`: tab to carriage return, space.
    let space = |b: u8| matches!(b, b'\t'..=b'\r' | b' ');
    let mut apart = false;
    for &b in name.as_bytes() {
        if space(b) {
            apart = !out.is_empty();
        } else {
            if apart {
                out.push(' ');
                apart = false;
            }
            out.push(char::from(b.to_ascii_lowercase()));
        }
    }
}

fn push_lowercase(out: &mut String, text: &str) {
    if text.is_ascii() {
        let from = out.len();
        out.push_str(text);
        out[from..].make_ascii_lowercase();
    } else {
        out.push_str(&text.to_lowercase());
    }
}

/// `https://www.Fiona.example/blog` → `Fiona.example`; lowercased by the caller.
fn url_host(url: &str) -> &str {
    // Found with memchr: the standard library's searchers cost more to set up than
    // the search of a short address.
    let rest = memchr::memmem::find(url.as_bytes(), b"://").map_or(url, |at| &url[at + 3..]);
    let host = memchr::memchr3(b'/', b'?', b'#', rest.as_bytes()).map_or(rest, |end| &rest[..end]);
    let host = memchr::memrchr(b'@', host.as_bytes()).map_or(host, |at| &host[at + 1..]);
    match host.get(..4) {
        Some(www) if www.eq_ignore_ascii_case("www.") => &host[4..],
        _ => host,
    }
}

fn back_and_forth(thread: &Thread, tree: &Tree) -> usize {
    let comments = &thread.comments;
    let root_of = tree.root_of();
    let mut author_answered = foldhash::HashSet::default();
    let mut reader_answered = foldhash::HashSet::default();
    for (i, c) in comments.iter().enumerate() {
        let Some(p) = tree.parent[i] else { continue };
        let parent = &comments[p];
        if c.is_author() && parent.is_reader() {
            author_answered.insert(root_of[i]);
        } else if c.is_reader() && parent.is_author() {
            reader_answered.insert(root_of[i]);
        }
    }
    author_answered.intersection(&reader_answered).count()
}

/// The median of `values`, which are sorted.
pub(crate) fn median(values: &[Duration]) -> Option<Duration> {
    if values.is_empty() {
        return None;
    }
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::parse_thread;
    use std::path::Path;

    /// `reader_key` as first written: a character at a time, with the standard
    /// library's searches.
    fn reader_key_by_chars(c: &Comment) -> Option<String> {
        let words: Vec<String> = (c.author.as_deref()?.split_whitespace())
            .map(str::to_lowercase)
            .collect();
        if words.is_empty() {
            return None;
        }
        let host = c.url.as_deref().map_or(String::new(), |url| {
            let rest = url.split_once("://").map_or(url, |(_, r)| r);
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            let host = host.rsplit('@').next().unwrap_or_default();
            match host.get(..4) {
                Some(www) if www.eq_ignore_ascii_case("www.") => host[4..].to_lowercase(),
                _ => host.to_lowercase(),
            }
        });
        Some(format!("{}|{host}", words.join(" ")))
    }

    proptest::proptest! {
        #[test]
        fn a_readers_key_is_made_as_by_characters(
            author in proptest::option::of("[ \t\n\x0b\x0c\raAzZ.\u{a0}\u{2003}\u{85}É]{0,12}"),
            url in proptest::option::of("(https?://)?(www\\.|WwW\\.)?[a-zA-Z@.:/?#]{0,14}(://)?[a-z/]{0,4}"),
        ) {
            let comment = Comment {
                id: "1".into(),
                parent: None,
                replied_to: None,
                author,
                url,
                date: None,
                role: Role::Reader,
                body: String::new(),
                source: None,
                via: None,
                state: crate::threads::State::Published,
                warning: None,
                edited: None,
                line: 1,
            };
            proptest::prop_assert_eq!(reader_key(&comment), reader_key_by_chars(&comment));
        }
    }

    #[test]
    fn a_posts_months_and_reply_times_are_packed_and_saved_as_two_lists() {
        let months = [(24_300, 3, 1), (24_301, 1, 0), (-5, 1, 1)];
        let times = [
            Duration::seconds(-5),
            Duration::milliseconds(-1_500),
            Duration::milliseconds(1_500),
            Duration::days(3_000),
        ];
        let lists = Lists::of(&months, &times);
        assert_eq!(lists.unpacked(), (months.to_vec(), times.to_vec()));
        // Saved as the two lists were before they were packed.
        let parts: Vec<Parts> = times.iter().map(durations::parts).collect();
        let bytes = bincode::serialize(&lists).unwrap();
        assert_eq!(
            bytes,
            bincode::serialize(&(months.to_vec(), parts)).unwrap()
        );
        assert_eq!(bincode::deserialize::<Lists>(&bytes).unwrap(), lists);
        // Reply times alone, and nothing at all.
        assert_eq!(
            Lists::of(&[], &times[..1]).unpacked(),
            (vec![], times[..1].to_vec())
        );
        assert_eq!(Lists::of(&[], &[]), Lists::default());
        // A pair saved otherwise than `of` packs it reads back as the duration it is.
        let other: Vec<Parts> = vec![(0, 1_500_000_000), (1, 500_000_000), (2, -500_000_000)];
        let bytes = bincode::serialize(&(Vec::<(i32, u32, u32)>::new(), other)).unwrap();
        let read: Lists = bincode::deserialize(&bytes).unwrap();
        let same = Duration::milliseconds(1_500);
        assert_eq!(read, Lists::of(&[], &[same, same, same]));
        // Durations at their limits come back whole.
        let limits = [Duration::MIN, Duration::MAX, Duration::nanoseconds(-1)];
        assert_eq!(Lists::of(&[], &limits).unpacked().1, limits);
        // A saved time that is no duration is an error, not a time dropped.
        let far =
            bincode::serialize(&(Vec::<(i32, u32, u32)>::new(), vec![(i64::MAX, 0)])).unwrap();
        assert!(bincode::deserialize::<Lists>(&far).is_err());
    }

    fn figures(text: &str) -> Engagement {
        let thread = parse_thread(text, Path::new("t")).unwrap();
        engagement(&thread, &Tree::build(&thread))
    }

    #[test]
    fn seed_like_thread() {
        let e = figures(
            "comments:
- {id: '1', author: Fiona, date: 2015-03-01T10:00:00Z}
- {id: '2', date: 2015-03-01T11:00:00Z}
- {id: '3', parent: '2', author: Pauline, role: author, date: 2015-03-01T13:00:00Z}
- {id: '4', author: Joel, date: 2015-03-02T10:00:00Z}
- {id: '5', author: ' fiona ', date: 2015-03-03T10:00:00Z}
",
        );
        assert_eq!(e.comments, 5);
        assert_eq!(e.reader_comments, 4);
        assert_eq!(e.participants, 3);
        assert_eq!(e.author_replies, 1);
        assert_eq!(e.reply_rate(), Some(0.25));
        assert_eq!(e.deepest, 2);
        assert_eq!(e.back_and_forth, 0);
        assert_eq!(e.median_reply_time(), Some(Duration::hours(2)));
        assert_eq!(
            e.last_activity.unwrap().to_rfc3339(),
            "2015-03-03T10:00:00+00:00"
        );
    }

    #[test]
    fn a_reader_is_known_by_name_and_website_host_in_any_case() {
        let thread = parse_thread(
            "comments:
- {id: a, author: '  Zoë   Van  Dyke ', url: 'https://WWW.Zoe.Example/blog?x=1'}
- {id: b, author: ÉLODIE, url: 'http://user@www.élodie.example'}
- {id: c, author: Wwwilma, url: 'wwwilma.example/'}
- {id: d, author: '   '}
",
            Path::new("t"),
        )
        .unwrap();
        let keys: Vec<Option<String>> = thread.comments.iter().map(reader_key).collect();
        assert_eq!(
            keys,
            [
                Some("zoë van dyke|zoe.example".to_string()),
                Some("élodie|élodie.example".to_string()),
                Some("wwwilma|wwwilma.example".to_string()),
                None,
            ]
        );
    }

    #[test]
    fn back_and_forth_needs_both_directions() {
        let e = figures(
            "comments:
- {id: a, author: Marco}
- {id: b, parent: a, role: author}
- {id: c, parent: b, author: Marco}
- {id: d, author: Ruth}
- {id: e, parent: d, role: author}
- {id: f, role: mention, author: Ping}
",
        );
        assert_eq!(e.back_and_forth, 1);
        assert_eq!(e.comments, 5);
        assert_eq!(e.answered, 2);
        assert_eq!(e.reply_rate(), Some(2.0 / 3.0));
        assert_eq!(e.median_reply_time(), None);
    }

    #[test]
    fn empty_thread() {
        let e = figures("comments: []\n");
        assert_eq!(e, Engagement::default());
    }
}
