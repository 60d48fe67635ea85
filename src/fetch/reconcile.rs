//! What a fetch changes in one post's thread, decided before anything is written:
//! responses the file lacks become new comments (threaded under the response they
//! answer), an edit at the source rewrites its entry, and with `--full` a response a
//! complete listing no longer has is withdrawn. What the file already holds is
//! otherwise left as it is, hand edits included. Responses the deny list covers are
//! never stored; with `[comments] review` new ones arrive pending.

use std::collections::{HashMap, HashSet};

use crate::fetch::posts::{address_key, comment_fragment, normalise, Post};
use crate::fetch::source::{Kind, Response};
use crate::import::merge::FetchedChanges;
use crate::import::model::{order, NewComment, Provenance};
use crate::limits;
use crate::moderation::Moderation;
use crate::threads::{Comment, Reactions, Role, State};

/// What the changes to one post amount to, for the report.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Tally {
    pub(crate) new: usize,
    pub(crate) updated: usize,
    pub(crate) withdrawn: usize,
    /// Responses left out because their body is too large to publish.
    pub(crate) refused: usize,
    /// New responses that wait for the author's review (`state: pending`).
    pub(crate) pending: usize,
    /// Responses from a domain or account of `[comments] deny`, not stored.
    pub(crate) denied: usize,
}

/// The changes the `responses` to `post` make to its thread. `owned` are the id
/// prefixes of the sources whose listing of this post was complete and `full`: only
/// their comments may be withdrawn. `seen` holds every id and address any source
/// gave for this post.
pub(crate) fn changes(
    post: &Post,
    responses: &[&Response],
    withdrawable: &[&str],
    moderation: &Moderation,
) -> (FetchedChanges, Tally) {
    let thread = &post.thread;
    let by_id: HashMap<&str, &Comment> =
        thread.comments.iter().map(|c| (c.id.as_str(), c)).collect();
    let by_address: HashMap<String, &Comment> = thread
        .comments
        .iter()
        .filter_map(|c| Some((address_key(c.source.as_deref()?), c)))
        .collect();
    let mut changes = FetchedChanges::default();
    let mut tally = Tally::default();
    // A denied response counts as listed, so that a `--full` fetch does not withdraw
    // one the file had before its domain or account was denied.
    let listed_responses = responses;
    let responses: Vec<&Response> = responses
        .iter()
        .copied()
        .filter(|r| {
            let addresses = r.url.iter().chain(&r.author_url).map(String::as_str);
            !moderation.denies(addresses)
        })
        .collect();
    tally.denied = listed_responses.len() - responses.len();

    let mut replies: Vec<&Response> = responses
        .iter()
        .copied()
        .filter(|r| matches!(r.kind, Kind::Reply | Kind::Mention))
        .collect();
    replies.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id)));

    // Ids of every response, those in the file and those to add, by address.
    let mut id_of: HashMap<String, String> = by_address
        .iter()
        .map(|(address, c)| (address.clone(), c.id.clone()))
        .collect();
    let mut fresh = Vec::new();
    for r in &replies {
        let known = by_id.get(r.id.as_str()).or_else(|| {
            r.url
                .as_deref()
                .and_then(|u| by_address.get(&address_key(u)))
        });
        match known {
            Some(c) => {
                if let Some(update) = update(c, r) {
                    changes.replaced.push(update);
                    tally.updated += 1;
                }
            }
            None if limits::comment_body_problem(&r.body).is_some() => tally.refused += 1,
            None => {
                if let Some(u) = &r.url {
                    id_of.insert(address_key(u), r.id.clone());
                }
                fresh.push(*r);
            }
        }
    }
    let ids: HashSet<&str> = by_id
        .keys()
        .copied()
        .chain(fresh.iter().map(|r| r.id.as_str()))
        .collect();
    let parent_of = |r: &Response| {
        r.in_reply_to.iter().find_map(|address| {
            if let Some(id) = id_of.get(&address_key(address)).filter(|id| **id != r.id) {
                return Some(id.clone());
            }
            let id = comment_fragment(address)?;
            let on_post = post.targets.contains(&normalise(address));
            (on_post && id != r.id && ids.contains(id)).then(|| id.to_string())
        })
    };
    let mut new: Vec<(NewComment, Provenance)> = fresh
        .iter()
        .map(|r| {
            let (mut c, p) = entry(r);
            c.parent = parent_of(r);
            (c, p)
        })
        .collect();
    new.sort_by(|a, b| order(&a.0, &b.0));
    if moderation.review {
        hold_for_review(&mut new, &by_id);
    }
    tally.pending = new
        .iter()
        .filter(|(_, p)| p.state == State::Pending)
        .count();
    tally.new = new.len() - tally.pending;
    changes.new = new;

    let seen: HashSet<String> = listed_responses
        .iter()
        .flat_map(|r| [Some(r.id.clone()), r.url.as_deref().map(address_key)])
        .flatten()
        .collect();
    for c in &thread.comments {
        let owned = withdrawable.iter().any(|p| c.id.starts_with(p));
        let listed = seen.contains(&c.id)
            || c.source
                .as_deref()
                .is_some_and(|s| seen.contains(&address_key(s)));
        let gone = matches!(c.state, State::Published | State::Pending);
        if owned && !listed && gone {
            changes.replaced.push(withdrawn(c));
            tally.withdrawn += 1;
        }
    }

    changes.reactions = reactions(thread.reactions(), &responses, withdrawable);
    (changes, tally)
}

/// Marks the new responses pending, except the author's own when what they answer
/// is shown: an answer to a response still waiting would answer nothing on the page.
fn hold_for_review(new: &mut [(NewComment, Provenance)], old: &HashMap<&str, &Comment>) {
    let mut published: HashMap<String, bool> = old
        .iter()
        .map(|(id, c)| (id.to_string(), c.is_published()))
        .collect();
    // `new` is in date order, parents first; a parent found later counts as not
    // shown, which errs on the side of review.
    for (c, p) in new.iter_mut() {
        let answers_shown = c
            .parent
            .as_ref()
            .is_none_or(|parent| published.get(parent).copied().unwrap_or(false));
        if c.role != Role::Author || !answers_shown {
            p.state = State::Pending;
        }
        published.insert(c.id.clone(), p.state == State::Published);
    }
}

/// The entry a response is written as (top level; the caller threads it).
fn entry(r: &Response) -> (NewComment, Provenance) {
    (
        NewComment {
            id: r.id.clone(),
            parent: None,
            replied_to: None,
            author: r.author.clone(),
            url: r.author_url.clone(),
            date: r.date,
            role: r.role,
            body: r.body.clone(),
        },
        Provenance {
            source: r.url.clone(),
            via: Some(r.via.to_string()).filter(|v| !v.is_empty()),
            state: if r.held {
                State::Pending
            } else {
                State::Published
            },
            warning: r.warning.clone(),
            edited: r.edited,
        },
    )
}

/// The entry anew when the response was edited at its source since the file took
/// it; where it hangs in the thread and its state (published or pending) stay as the
/// file has them. A withdrawn or rejected one has no text to update.
fn update(c: &Comment, r: &Response) -> Option<(NewComment, Provenance)> {
    let has_text = matches!(c.state, State::Published | State::Pending);
    if !has_text || r.edited.is_none() || r.edited == c.edited || c.id != r.id {
        return None;
    }
    if limits::comment_body_problem(&r.body).is_some() {
        return None;
    }
    let (mut new, mut p) = entry(r);
    new.parent = c.parent.clone();
    new.replied_to = c.replied_to.clone();
    p.state = c.state;
    Some((new, p))
}

/// A comment gone at its source: its place in the thread, without name or text.
fn withdrawn(c: &Comment) -> (NewComment, Provenance) {
    (
        NewComment {
            id: c.id.clone(),
            parent: c.parent.clone(),
            replied_to: c.replied_to.clone(),
            author: None,
            url: None,
            date: c.date,
            role: c.role,
            body: String::new(),
        },
        Provenance {
            source: None,
            via: c.via.clone(),
            state: State::Withdrawn,
            warning: None,
            edited: None,
        },
    )
}

/// The reactions after this fetch, when they change: those the file has plus the
/// new ones, or with a complete `--full` listing exactly those listed.
fn reactions(old: &Reactions, responses: &[&Response], withdrawable: &[&str]) -> Option<Reactions> {
    let merge = |old: &[String], kind: Kind| {
        let mut ids: Vec<String> = old
            .iter()
            .filter(|id| !withdrawable.iter().any(|p| id.starts_with(p)))
            .cloned()
            .collect();
        let listed: HashSet<&str> = responses
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.id.as_str())
            .collect();
        // Kept in the file's order, new ones after, so a fetch that finds nothing new
        // writes nothing.
        for id in old {
            if listed.contains(id.as_str()) && !ids.contains(id) {
                ids.push(id.clone());
            }
        }
        let mut fresh: Vec<&str> = listed
            .into_iter()
            .filter(|id| !ids.iter().any(|i| i == id))
            .collect();
        fresh.sort_by_key(|id| (id.len(), *id));
        ids.extend(fresh.into_iter().map(str::to_string));
        ids
    };
    let new = Reactions {
        likes: merge(&old.likes, Kind::Like),
        reposts: merge(&old.reposts, Kind::Repost),
        bookmarks: merge(&old.bookmarks, Kind::Bookmark),
    };
    (new != *old).then_some(new)
}
