//! Site-wide conversation figures, from every post's thread (pure, no I/O): posts
//! ranked by conversation, the regulars who keep coming back, reply rate over time,
//! and the reader comments still waiting for an author reply. Definitions are in the
//! README; these functions are the reference.

use std::cmp::Reverse;

use chrono::{Datelike, Duration};

use crate::dates::Date;
use crate::threads::digest::Digest;
use crate::threads::metrics::{median, Engagement};
use crate::threads::{Comment, Thread, Tree};

/// One post's conversation, as the site-wide functions see it.
#[derive(Clone, Copy)]
pub struct PostThread<'a> {
    pub thread: &'a Thread,
    pub tree: &'a Tree,
    pub engagement: &'a Engagement,
}

/// Indices of posts with comments, best conversation first: more back-and-forth
/// threads, then a deeper thread, then more participants, then more recent activity,
/// then the original order.
pub fn rank_posts(posts: &[PostThread<'_>]) -> Vec<usize> {
    let mut ranked: Vec<usize> = (0..posts.len())
        .filter(|&i| posts[i].engagement.comments > 0)
        .collect();
    ranked.sort_by_key(|&i| {
        let e = posts[i].engagement;
        (
            Reverse(e.back_and_forth),
            Reverse(e.deepest),
            Reverse(e.participants),
            Reverse(e.last_activity),
        )
    });
    ranked
}

/// A reader who commented on more than one post.
#[derive(Debug, Clone, PartialEq)]
pub struct Regular {
    /// Display name as written on the newest post they joined (posts are newest first).
    pub name: String,
    /// (post index, comment index) of each of their comments, in post order.
    pub comments: Vec<(usize, usize)>,
    /// Number of distinct posts.
    pub posts: usize,
}

/// Readers (same name ignoring case and spacing, same website host) with comments on
/// more than one post; most posts joined first, then most comments, then by name.
/// `digests[p]` is the digest of post `p`'s thread, which holds each named reader's
/// comment with its key (`metrics::reader_key`), computed once when it was loaded.
pub fn regulars(digests: &[&Digest]) -> Vec<Regular> {
    // Every comment of the site is looked up here: foldhash is several times faster
    // than the default hasher on short keys, and still seeded per run, so names
    // chosen by readers cannot be made to collide.
    let mut by_reader: foldhash::HashMap<&str, Regular> = foldhash::HashMap::default();
    for (p, digest) in digests.iter().enumerate() {
        for reader in digest.readers() {
            let entry = by_reader.entry(reader.key).or_insert_with(|| Regular {
                name: reader.name.to_string(),
                comments: Vec::new(),
                posts: 0,
            });
            if entry.comments.last().is_none_or(|&(last, _)| last != p) {
                entry.posts += 1;
            }
            entry.comments.push((p, reader.comment));
        }
    }
    let mut regulars: Vec<Regular> = by_reader.into_values().filter(|r| r.posts > 1).collect();
    regulars.sort_by(|a, b| {
        b.posts
            .cmp(&a.posts)
            .then(b.comments.len().cmp(&a.comments.len()))
            .then_with(|| a.name.to_lowercase().cmp(&b.name.to_lowercase()))
    });
    regulars
}

/// Reader comments and how many got a direct author reply, in one period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `2015-03` for a month, `2015 Q1` for a quarter.
    pub label: String,
    pub reader_comments: usize,
    pub answered: usize,
}

/// Reply rate per month of the reader comments' dates; per quarter when the history
/// spans two years or more, per year from twelve years. Empty periods inside the range are kept (as zero) so
/// the chart's time axis is honest. Undated comments are left out.
pub fn reply_rate_series(posts: &[PostThread<'_>]) -> Vec<Period> {
    // Each post's dated reader comments were gathered when its figures were computed.
    let dated = || posts.iter().flat_map(|p| &p.engagement.reader_dates);
    let (Some(first), Some(last)) = (dated().map(|d| d.0).min(), dated().map(|d| d.0).max()) else {
        return Vec::new();
    };
    let months = |d: &Date| d.year() * 12 + d.month0() as i32;
    // Months while they fit a chart, then quarters, then years: a span from a
    // mistyped date (year 1015) must not produce thousands of bars.
    let span = months(&last) - months(&first);
    let months_per_period = match span {
        0..24 => 1,
        24..144 => 3,
        _ => 12,
    };
    let period_of = |d: &Date| months(d).div_euclid(months_per_period);
    let start = period_of(&first);
    let mut counts = vec![(0, 0); (period_of(&last) - start) as usize + 1];
    for (date, answered) in dated() {
        let slot = &mut counts[(period_of(date) - start) as usize];
        slot.0 += 1;
        slot.1 += usize::from(*answered);
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

/// Median, over the whole site, of the time from a reader comment to its first direct
/// author reply (dated pairs only).
pub fn median_reply_time(posts: &[PostThread<'_>]) -> Option<Duration> {
    let mut times: Vec<Duration> = posts
        .iter()
        .flat_map(|p| p.engagement.reply_times.iter().copied())
        .collect();
    times.sort_unstable();
    median(&times)
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
    // Where a tag was: a space, unless punctuation follows it (`<b>there</b>,`).
    // Punctuation after a space the text had keeps it: French writes `mot : bravo`.
    const TAG_BOUNDARY: char = '\u{1}';
    let mut text = String::with_capacity(body.len().min(max * 2));
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(TAG_BOUNDARY);
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    let mut joined = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            TAG_BOUNDARY if chars.peek().is_some_and(|n| ",.;:!?".contains(*n)) => {}
            TAG_BOUNDARY => joined.push(' '),
            c => joined.push(c),
        }
    }
    let words: Vec<&str> = joined
        .split_whitespace()
        .map(|w| w.trim_matches(|c| c == '*' || c == '_' || c == '#'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut out = String::new();
    for word in words {
        if out.chars().count() + word.chars().count() + 1 > max && !out.is_empty() {
            out.push('…');
            return out;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
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
    }

    fn owned(text: &str) -> Owned {
        let thread = parse_thread(text, Path::new("t")).unwrap();
        let tree = Tree::build(&thread);
        let engagement = metrics::engagement(&thread, &tree);
        Owned {
            thread,
            tree,
            engagement,
        }
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
        assert_eq!(rank_posts(&views(&posts)), vec![1, 0]);
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
        let digests: Vec<Digest> = posts
            .iter()
            .map(|o| Digest::of(&o.thread, &o.tree, None))
            .collect();
        let regulars = regulars(&digests.iter().collect::<Vec<_>>());
        let summary: Vec<(&str, usize, usize)> = regulars
            .iter()
            .map(|r| (r.name.as_str(), r.posts, r.comments.len()))
            .collect();
        assert_eq!(summary, [("Joel", 2, 3), ("Linda", 2, 2)]);
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
        let series = reply_rate_series(&views(&posts));
        let rows: Vec<(&str, usize, usize)> = series
            .iter()
            .map(|p| (p.label.as_str(), p.reader_comments, p.answered))
            .collect();
        assert_eq!(
            rows,
            [("2015-01", 1, 1), ("2015-02", 0, 0), ("2015-03", 1, 0)]
        );
        assert_eq!(median_reply_time(&views(&posts)), Some(Duration::days(1)));
    }

    #[test]
    fn very_long_histories_go_yearly() {
        let posts = [owned(
            "comments:\n- {id: a, date: 1015-01-10}\n- {id: b, date: 2017-02-01}\n",
        )];
        let series = reply_rate_series(&views(&posts));
        assert_eq!(series.first().unwrap().label, "1015");
        assert_eq!(series.len(), 1003);
    }

    #[test]
    fn long_histories_go_quarterly() {
        let posts = [owned(
            "comments:\n- {id: a, date: 2015-01-10}\n- {id: b, date: 2017-02-01}\n",
        )];
        let series = reply_rate_series(&views(&posts));
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
    }
}
