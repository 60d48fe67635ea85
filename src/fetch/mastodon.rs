//! Mastodon: the replies to the statuses a post names in `syndication:`, from
//! `GET /api/v1/statuses/:id/context` on the status's own server, without an account.
//! Threaded by `in_reply_to_id` (ids are that server's own, so they are mapped within
//! one answer only) and kept by `uri`, which is the same everywhere. Only public and
//! unlisted replies are kept; content warnings and edits come along.

use std::collections::HashMap;

use serde_json::Value;

use crate::fetch::posts::Post;
use crate::fetch::source::{
    parse_date, short_hash, text_field, web_address, Context, Harvest, Kind, Response, Source,
};
use crate::import::html;

/// How many replies a server gives a caller without an account (Mastodon 4): an
/// answer that long may be cut, so it never withdraws anything.
const ANONYMOUS_CAP: usize = 60;
/// The same for a caller with an account.
const SIGNED_IN_CAP: usize = 4096;
const ID_PREFIX: &str = "toot-";

/// The environment variable an access token of the author's own account is read
/// from; it is sent only to the author's own server.
pub(crate) const TOKEN_VAR: &str = "MASTODON_TOKEN";

pub(crate) struct Mastodon {
    token: Option<String>,
    /// `https://host` of each of the author's accounts: the only servers the token
    /// is sent to.
    own_servers: Vec<String>,
}

impl Mastodon {
    /// The source, with the token from the environment for the servers of
    /// `accounts` (the author's profile addresses).
    pub(crate) fn from_env<'a>(accounts: impl IntoIterator<Item = &'a String>) -> Self {
        let own_servers = accounts
            .into_iter()
            .filter_map(|a| {
                let rest = a
                    .strip_prefix("https://")
                    .or_else(|| a.strip_prefix("http://"))?;
                let host = rest.split('/').next()?;
                Some(format!("{}{host}", &a[..a.len() - rest.len()]).to_ascii_lowercase())
            })
            .collect();
        Mastodon {
            token: std::env::var(TOKEN_VAR)
                .ok()
                .map(|t| t.trim().to_string())
                .filter(|t| !t.is_empty()),
            own_servers,
        }
    }

    /// The token for `origin`: only the author's own server gets it.
    fn token_for(&self, origin: &str) -> Option<&str> {
        let own = self
            .own_servers
            .iter()
            .any(|s| s.eq_ignore_ascii_case(origin));
        self.token.as_deref().filter(|_| own)
    }
}

/// A status address: `https://host/@user/123` or `https://host/users/user/statuses/123`.
#[derive(Debug, PartialEq, Eq)]
struct Status {
    /// `https://host` (or `http://` for a local test server).
    origin: String,
    id: String,
}

fn parse_status(url: &str) -> Option<Status> {
    let url = url.trim().split(['#', '?']).next()?;
    let scheme_end = url.find("://")? + 3;
    let scheme = &url[..scheme_end];
    if scheme != "https://" && scheme != "http://" {
        return None;
    }
    let rest = &url[scheme_end..];
    let (host, path) = rest.split_once('/')?;
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let id = *segments.last()?;
    let shaped = match segments.as_slice() {
        [user, _] => user.starts_with('@'),
        ["users", _, "statuses", _] => true,
        _ => false,
    };
    (shaped && !host.is_empty() && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then(
        || Status {
            origin: format!("{scheme}{host}"),
            id: id.to_string(),
        },
    )
}

impl Source for Mastodon {
    fn name(&self) -> &'static str {
        "mastodon"
    }

    fn id_prefix(&self) -> &'static str {
        ID_PREFIX
    }

    fn fetch(&self, posts: &[Post], context: &Context) -> Harvest {
        let mut harvest = Harvest::default();
        for (index, post) in posts.iter().enumerate() {
            let statuses: Vec<Status> = post
                .syndication
                .iter()
                .filter_map(|u| parse_status(u))
                .collect();
            if statuses.is_empty() {
                continue;
            }
            let mut complete = true;
            for status in &statuses {
                let url = format!("{}/api/v1/statuses/{}/context", status.origin, status.id);
                let token = self.token_for(&status.origin);
                let cap = if token.is_some() {
                    SIGNED_IN_CAP
                } else {
                    ANONYMOUS_CAP
                };
                let answer = match context.client.get_json_as(&url, token) {
                    Ok(answer) => answer,
                    Err(failure) => {
                        harvest.failures.push(format!(
                            "mastodon: {failure} for {url} (post {}); nothing was withdrawn, run rapport fetch again later",
                            post.slug
                        ));
                        complete = false;
                        continue;
                    }
                };
                let Some(descendants) = answer.get("descendants").and_then(Value::as_array) else {
                    harvest.failures.push(format!(
                        "mastodon: the answer of {url} has no replies list (`descendants`); is {} a Mastodon server?",
                        status.origin
                    ));
                    complete = false;
                    continue;
                };
                if descendants.len() >= cap {
                    let why = if token.is_some() {
                        "as many as a server gives"
                    } else {
                        "as many as a server gives without an account (set MASTODON_TOKEN to read more from your own server)"
                    };
                    harvest.warnings.push(format!(
                        "mastodon: {url} gave {} replies, {why}; there may be more, and none was withdrawn",
                        descendants.len()
                    ));
                    complete = false;
                }
                harvest
                    .responses
                    .extend(responses(index, &status.id, descendants, context));
            }
            if complete {
                harvest.complete.insert(index);
            }
        }
        harvest
    }
}

/// The public replies of one context answer, each naming the reply it answers by
/// its address (the nearest public one above it), or nothing for a top-level reply.
fn responses(post: usize, root: &str, descendants: &[Value], context: &Context) -> Vec<Response> {
    let text = text_field;
    let public = |s: &Value| {
        matches!(
            s.get("visibility").and_then(Value::as_str),
            Some("public" | "unlisted")
        )
    };
    let by_id: HashMap<&str, &Value> = descendants
        .iter()
        .filter_map(|s| Some((s.get("id")?.as_str()?, s)))
        .collect();
    let address = |s: &Value| text(s, "url").or_else(|| text(s, "uri"));
    // The nearest public status above `s` in this answer, walking past private ones.
    let parent_address = |s: &Value| {
        let mut current = s;
        for _ in 0..descendants.len() {
            let parent_id = current.get("in_reply_to_id").and_then(Value::as_str)?;
            if parent_id == root {
                return None;
            }
            let parent = by_id.get(parent_id)?;
            if public(parent) {
                return address(parent);
            }
            current = parent;
        }
        None
    };
    descendants
        .iter()
        .filter(|s| public(s))
        .filter_map(|s| {
            let uri = text(s, "uri")?;
            let account = s.get("account");
            let account_url = account.and_then(|a| text(a, "url"));
            let account_uri = account.and_then(|a| text(a, "uri"));
            let name =
                account.and_then(|a| text(a, "display_name").or_else(|| text(a, "username")));
            let role = context.identities.role_of(
                account_url
                    .iter()
                    .chain(account_uri.iter())
                    .map(String::as_str),
            );
            Some(Response {
                post,
                id: format!("{ID_PREFIX}{}", short_hash(&uri)),
                url: address(s),
                in_reply_to: parent_address(s).into_iter().collect(),
                kind: Kind::Reply,
                author: name,
                author_url: account_url.and_then(web_address),
                date: text(s, "created_at").and_then(|d| parse_date(&d)),
                edited: text(s, "edited_at").and_then(|d| parse_date(&d)),
                body: text(s, "content")
                    .map(|h| html::formatted_body(&h))
                    .unwrap_or_default(),
                warning: text(s, "spoiler_text"),
                role,
                via: "mastodon",
                held: false,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_addresses_are_recognised() {
        let want = Some(Status {
            origin: "https://mastodon.social".into(),
            id: "109294719267373593".into(),
        });
        assert_eq!(
            parse_status("https://mastodon.social/@me/109294719267373593"),
            want
        );
        assert_eq!(
            parse_status("https://mastodon.social/users/me/statuses/109294719267373593/"),
            want
        );
        for other in [
            "https://bsky.app/profile/me.example/post/3l2",
            "https://example.org/posts/hello/",
            "https://mastodon.social/@me",
            "ftp://mastodon.social/@me/1",
        ] {
            assert_eq!(parse_status(other), None, "{other}");
        }
    }

    #[test]
    fn ids_are_stable_and_short() {
        assert_eq!(short_hash("a"), short_hash("a"));
        assert_ne!(short_hash("a"), short_hash("b"));
        assert_eq!(short_hash("x").len(), 16);
    }
}
