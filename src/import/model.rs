//! What both importers produce before anything is written: new documents (posts and
//! pages) and the comments of one thread, already filtered to what may be published.
//! Also the one threading rule both share: a kept reply whose parent was not kept
//! moves up to its nearest kept ancestor, or to the top level — never dropped.

use std::collections::{HashMap, HashSet};

use crate::content::Kind;
use crate::dates::Date;
use crate::threads::Role;

/// One comment as it will be written to a thread file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewComment {
    pub(crate) id: String,
    pub(crate) parent: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) url: Option<String>,
    pub(crate) date: Option<Date>,
    pub(crate) role: Role,
    /// HTML shaped for the markdown renderer (see `html::for_markdown`).
    pub(crate) body: String,
}

/// A post or page to create when it does not exist yet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct NewDocument {
    pub(crate) kind: Kind,
    /// A safe file name (`content::slugify`), never a path.
    pub(crate) slug: String,
    pub(crate) title: String,
    pub(crate) date: Option<Date>,
    pub(crate) tags: Vec<String>,
    /// Old addresses, each `/a/b/`, checked to stay inside the site.
    pub(crate) aliases: Vec<String>,
    pub(crate) draft: bool,
    pub(crate) summary: Option<String>,
    /// Kept in `extra` so later imports (Disqus threads keyed by `?p=N`) can find it.
    pub(crate) wordpress_id: Option<u64>,
    pub(crate) body: String,
}

/// Points every kept comment at its nearest kept ancestor. `parent_of` knows the
/// parent of every comment of the source, kept or not. Returns how many comments got
/// another parent than the one the export gave them.
pub(crate) fn reattach(
    kept: &mut [NewComment],
    parent_of: &dyn Fn(&str) -> Option<String>,
) -> usize {
    let kept_ids: HashSet<String> = kept.iter().map(|c| c.id.clone()).collect();
    let mut moved = 0;
    for comment in kept.iter_mut() {
        let original = comment.parent.clone();
        let mut seen = HashSet::new();
        let mut candidate = original.clone();
        while let Some(id) = candidate {
            if id != comment.id && kept_ids.contains(&id) {
                candidate = Some(id);
                break;
            }
            if !seen.insert(id.clone()) {
                candidate = None;
                break;
            }
            candidate = parent_of(&id);
        }
        if candidate != original {
            moved += 1;
        }
        comment.parent = candidate;
    }
    moved + break_cycles(kept)
}

/// Replies that answer each other in a loop (only damaged exports have them) would
/// make the thread file invalid; the earliest of each loop becomes top level.
fn break_cycles(comments: &mut [NewComment]) -> usize {
    let index: HashMap<String, usize> = comments
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let parent = |comments: &[NewComment], i: usize| {
        comments[i]
            .parent
            .as_ref()
            .and_then(|p| index.get(p))
            .copied()
    };
    // 0 = unseen, 1 = on the current walk, 2 = done.
    let mut state = vec![0u8; comments.len()];
    let mut broken = 0;
    for start in 0..comments.len() {
        let mut walk = Vec::new();
        let mut node = Some(start);
        while let Some(n) = node {
            match state[n] {
                0 => {
                    state[n] = 1;
                    walk.push(n);
                    node = parent(comments, n);
                }
                1 => {
                    let from = walk.iter().position(|&w| w == n).unwrap_or(0);
                    let first = walk[from..]
                        .iter()
                        .copied()
                        .min_by(|&a, &b| order(&comments[a], &comments[b]))
                        .unwrap_or(n);
                    comments[first].parent = None;
                    broken += 1;
                    break;
                }
                _ => break,
            }
        }
        for w in walk {
            state[w] = 2;
        }
    }
    broken
}

/// Reading order for new thread files: by date, then by id (numerically when both
/// are numbers, so `9` comes before `10`).
pub(crate) fn order(a: &NewComment, b: &NewComment) -> std::cmp::Ordering {
    a.date.cmp(&b.date).then_with(|| compare_ids(&a.id, &b.id))
}

fn compare_ids(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u128>(), b.parse::<u128>()) {
        (Ok(x), Ok(y)) => x.cmp(&y),
        _ => a.cmp(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comment(id: &str, parent: Option<&str>) -> NewComment {
        NewComment {
            id: id.into(),
            parent: parent.map(Into::into),
            author: None,
            url: None,
            date: None,
            role: Role::Reader,
            body: String::new(),
        }
    }

    fn parents(pairs: &[(&str, Option<&str>)]) -> HashMap<String, Option<String>> {
        pairs
            .iter()
            .map(|(id, p)| (id.to_string(), p.map(Into::into)))
            .collect()
    }

    #[test]
    fn replies_to_dropped_comments_move_up_not_out() {
        // 1 ← 2 (spam) ← 3 (kept) ; 4 (trash) ← 5 (kept) ; 6 → unknown parent
        let all = parents(&[
            ("1", None),
            ("2", Some("1")),
            ("3", Some("2")),
            ("4", None),
            ("5", Some("4")),
            ("6", Some("99")),
        ]);
        let mut kept = vec![
            comment("1", None),
            comment("3", Some("2")),
            comment("5", Some("4")),
            comment("6", Some("99")),
        ];
        assert_eq!(reattach(&mut kept, &|id| all.get(id).cloned().flatten()), 3);
        let got: Vec<_> = kept.iter().map(|c| c.parent.as_deref()).collect();
        assert_eq!(got, vec![None, Some("1"), None, None]);
    }

    #[test]
    fn loops_are_broken() {
        let all = parents(&[("1", Some("2")), ("2", Some("1")), ("3", Some("3"))]);
        let mut kept = vec![
            comment("1", Some("2")),
            comment("2", Some("1")),
            comment("3", Some("3")),
        ];
        reattach(&mut kept, &|id| all.get(id).cloned().flatten());
        assert_eq!(kept[0].parent, None);
        assert_eq!(kept[1].parent.as_deref(), Some("1"));
        assert_eq!(kept[2].parent, None);
    }

    #[test]
    fn numeric_ids_sort_as_numbers() {
        let mut v = [comment("10", None), comment("9", None), comment("a", None)];
        v.sort_by(order);
        let ids: Vec<_> = v.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["9", "10", "a"]);
    }
}
