//! Related posts: for each post, the few others that share the most tags with it.
//! Candidates come from the tag index, and within each tag only the posts nearest in
//! date are looked at: a site where every post carries the tag `blog` would otherwise
//! compare every pair of its posts.

use std::hash::{BuildHasher, Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rayon::prelude::*;

use crate::content::Term;
use crate::site::lists::TermIndex;
use crate::site::Entry;

/// How many related posts a post shows.
pub(crate) const RELATED_POSTS: usize = 3;

/// How many posts on each side of a post, within one of its tags, are candidates.
const NEAREST_IN_TAG: usize = 25;

/// A post's related posts, by their indices: in 4 bytes each and no spare room, as
/// a list for every post is held to the end of a build (48 bytes a post as a list
/// of `usize`s, 32 so).
pub(crate) type RelatedPosts = Box<[u32]>;

/// For each post of `posts` (newest first), the indices of its related posts: most
/// shared tags first, then nearest in date, then newer.
pub(crate) fn related_posts(posts: &[Entry], tags: &TermIndex) -> Vec<RelatedPosts> {
    let members = |slug: &str| tags.get(slug).map_or(&[][..], |(_, m)| m.as_slice());
    related_by_tags(posts.len(), &|i| &posts[i].doc.tags, &members).0
}

/// Related posts kept from one update to the next, with a fingerprint of what they
/// were computed from (the posts in order and their tags): an edit that leaves those
/// alone (a comment, a paragraph) reuses them instead of weighing every post again.
#[derive(Default)]
pub(crate) struct KeptRelated {
    fingerprint: u64,
    related: Option<Arc<Vec<RelatedPosts>>>,
}

impl KeptRelated {
    /// Related posts weighed before (by the build that saved the state), for posts
    /// whose fingerprint is `fingerprint`.
    pub(crate) fn saved(fingerprint: u64, related: Vec<RelatedPosts>) -> KeptRelated {
        KeptRelated {
            fingerprint,
            related: Some(Arc::new(related)),
        }
    }

    /// The related posts last weighed and the fingerprint of their posts.
    pub(crate) fn kept(&self) -> Option<(u64, &[RelatedPosts])> {
        (self.related.as_ref()).map(|related| (self.fingerprint, related.as_slice()))
    }

    /// The related posts of `posts`, computed again only if their tags or order
    /// changed since the last call.
    pub(crate) fn of(&mut self, posts: &[Entry], tags: &TermIndex) -> Arc<Vec<RelatedPosts>> {
        let fingerprint = fingerprint(posts);
        match &self.related {
            Some(related) if self.fingerprint == fingerprint => related.clone(),
            _ => {
                let related = Arc::new(related_posts(posts, tags));
                self.fingerprint = fingerprint;
                self.related = Some(related.clone());
                related
            }
        }
    }
}

fn fingerprint(posts: &[Entry]) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0).build_hasher();
    for post in posts {
        // The path's bytes: hashing a path goes component by component, which over
        // every post was a good part of a one-comment update.
        let source = post.doc.source.as_os_str().as_encoded_bytes();
        source.hash(&mut h);
        // The count first, so that the slugs of two posts cannot run together.
        post.doc.tags.len().hash(&mut h);
        for tag in &post.doc.tags {
            tag.slug().hash(&mut h);
        }
    }
    h.finish()
}

/// `related_posts` over `n` posts whose tags `tags_of` gives and whose tags'
/// members (ascending post indices) `members_of` gives; also returns how many
/// candidates it weighed, the work it did.
fn related_by_tags<'a>(
    n: usize,
    tags_of: &(dyn Fn(usize) -> &'a [Term] + Sync),
    members_of: &(dyn Fn(&str) -> &'a [usize] + Sync),
) -> (Vec<RelatedPosts>, usize) {
    let work = AtomicUsize::new(0);
    // Weighed in parallel: at 50,000 posts, on one core, it was a fifth of a build
    // after a one-post edit.
    let related = (0..n)
        .into_par_iter()
        .map_init(Vec::new, |candidates, i| {
            let mine = tags_of(i);
            candidates.clear();
            for tag in mine {
                let members = members_of(tag.slug());
                let at = members.partition_point(|&m| m < i);
                let from = at.saturating_sub(NEAREST_IN_TAG);
                let to = (at + 1 + NEAREST_IN_TAG).min(members.len());
                candidates.extend(members[from..to].iter().copied().filter(|&j| j != i));
            }
            candidates.sort_unstable();
            candidates.dedup();
            work.fetch_add(candidates.len(), Ordering::Relaxed);
            let mut scored: Vec<(usize, usize, usize)> = candidates
                .iter()
                .map(|&j| {
                    let theirs = tags_of(j);
                    let shared = mine
                        .iter()
                        .enumerate()
                        .filter(|&(k, s)| {
                            let same = |t: &Term| t.slug() == s.slug();
                            !mine[..k].iter().any(same) && theirs.iter().any(same)
                        })
                        .count();
                    (shared, i.abs_diff(j), j)
                })
                .collect();
            let best_first = |a: &(usize, usize, usize), b: &(usize, usize, usize)| {
                b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2))
            };
            // Only the first few are shown: pick them before sorting.
            if scored.len() > RELATED_POSTS {
                scored.select_nth_unstable_by(RELATED_POSTS - 1, best_first);
                scored.truncate(RELATED_POSTS);
            }
            scored.sort_unstable_by(best_first);
            // Collected from a borrow: from `into_iter` the list would reuse the
            // allocation of every candidate weighed, kept for each post to the end.
            (scored.iter())
                .filter_map(|&(_, _, j)| u32::try_from(j).ok())
                .collect()
        })
        .collect();
    (related, work.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Related posts of posts whose tags are `tags[i]`.
    fn related(tags: &[Vec<Term>]) -> (Vec<RelatedPosts>, usize) {
        let mut index: std::collections::HashMap<&str, Vec<usize>> = Default::default();
        for (i, post) in tags.iter().enumerate() {
            for tag in post {
                let members = index.entry(tag.slug()).or_default();
                if members.last() != Some(&i) {
                    members.push(i);
                }
            }
        }
        let members = |slug: &str| index.get(slug).map_or(&[][..], |m| m.as_slice());
        related_by_tags(tags.len(), &|i| &tags[i], &members)
    }

    fn tags(list: &[&str]) -> Vec<Term> {
        list.iter().map(|s| Term::new(s)).collect()
    }

    #[test]
    fn most_shared_tags_first_then_nearest_in_date() {
        let posts = [
            tags(&["rust", "web"]),
            tags(&["cooking"]),
            tags(&["rust"]),
            tags(&["rust", "web", "css"]),
            tags(&["web"]),
            tags(&["rust", "web"]),
        ];
        let (related, _) = related(&posts);
        assert_eq!(*related[0], [3, 5, 2]);
        assert!(related[1].is_empty());
        assert_eq!(*related[3], [5, 0, 2]);
        assert_eq!(*related[4], [3, 5, 0]);
    }

    #[test]
    fn each_post_shows_as_many_related_posts_as_asked_however_many_were_weighed() {
        let posts: Vec<Vec<Term>> = (0..200).map(|_| tags(&["rust", "web"])).collect();
        let (related, work) = related(&posts);
        assert!(work > related.len() * RELATED_POSTS);
        for list in &related {
            assert_eq!(list.len(), RELATED_POSTS);
        }
    }

    #[test]
    fn a_tag_on_every_post_costs_work_in_proportion_to_the_posts() {
        let site = |n: usize| -> Vec<Vec<Term>> {
            (0..n)
                .map(|i| tags(&["blog", ["a", "b", "c", "d"][i % 4]]))
                .collect()
        };
        let (_, at_n) = related(&site(2_000));
        let (_, at_2n) = related(&site(4_000));
        assert!(
            at_2n <= at_n * 2 + at_n / 10,
            "twice the posts took {at_2n} steps against {at_n}"
        );
    }
}
