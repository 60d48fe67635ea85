//! Bluesky: the replies to the posts a post names in `syndication:` (a bsky.app
//! address or an `at://` URI), from `app.bsky.feed.getPostThread` on the public
//! AppView, without an account. The reply tree nests as it does there; each reply is
//! kept by its `at://` URI and links to its bsky.app page.
//!
//! The AppView returns more than a signed-out reader may see, so the filters are
//! here: accounts and posts labelled `!no-unauthenticated` are left out, so are the
//! replies the thread's owner hid (`hiddenReplies` of its threadgate, with their
//! answers), and `notFoundPost` / `blockedPost` nodes, which have nothing to publish.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::dates::Date;
use crate::fetch::http::encode;
use crate::fetch::posts::Post;
use crate::fetch::source::{
    parse_date, short_hash, text_field, Context, Harvest, Kind, Response, Source,
};
use crate::render::escape::escape_html;
use crate::threads::Role;

/// The environment variable that points the source at another AppView (a test's);
/// default `https://public.api.bsky.app/xrpc`.
pub(crate) const URL_VAR: &str = "RAPPORT_BLUESKY_URL";
const DEFAULT_API: &str = "https://public.api.bsky.app/xrpc";
const ID_PREFIX: &str = "bsky-";
/// How many levels of replies are asked for. Each level nests the JSON twice and a
/// JSON reader stops at 128 levels; a deeper thread is read as cut.
const DEPTH: usize = 40;
/// The label of accounts and posts that asked to be shown to signed-in users only; a
/// published page is a signed-out view.
const SIGNED_IN_ONLY: &str = "!no-unauthenticated";

pub(crate) struct Bluesky {
    /// The XRPC address, without a trailing `/`.
    api: String,
    /// The author's accounts as written: DIDs and handles (`[author] accounts`,
    /// `did:…` or `https://bsky.app/profile/…`).
    accounts: Vec<String>,
}

impl Bluesky {
    /// The source, its AppView from the environment; `accounts` are the author's.
    pub(crate) fn from_env<'a>(accounts: impl IntoIterator<Item = &'a String>) -> Self {
        let api = std::env::var(URL_VAR)
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| DEFAULT_API.into());
        Bluesky {
            api: api.trim().trim_end_matches('/').to_string(),
            accounts: accounts
                .into_iter()
                .filter_map(|a| account_actor(a))
                .collect(),
        }
    }

    /// The DID of `actor` (a DID already, or a handle the AppView resolves), asked
    /// once per fetch.
    fn did(
        &self,
        actor: &str,
        context: &Context,
        known: &mut HashMap<String, String>,
    ) -> Result<String, String> {
        if actor.starts_with("did:") {
            return Ok(actor.to_string());
        }
        if let Some(did) = known.get(actor) {
            return Ok(did.clone());
        }
        let url = format!(
            "{}/com.atproto.identity.resolveHandle?handle={}",
            self.api,
            encode(actor)
        );
        let answer = context
            .client
            .get_json(&url)
            .map_err(|f| format!("{f} for {url}"))?;
        let did = text_field(&answer, "did")
            .filter(|d| is_did(d))
            .ok_or_else(|| format!("the answer of {url} names no DID"))?;
        known.insert(actor.to_string(), did.clone());
        Ok(did)
    }
}

/// A post's address: who posted it (a DID or a handle) and its record key.
#[derive(Debug, PartialEq, Eq)]
struct PostAddress {
    actor: String,
    rkey: String,
}

/// `https://bsky.app/profile/ACTOR/post/RKEY` or `at://ACTOR/app.bsky.feed.post/RKEY`.
fn parse_post(address: &str) -> Option<PostAddress> {
    let address = address.trim().split(['#', '?']).next()?;
    let address = address.trim_end_matches('/');
    let (actor, rkey) = if let Some(rest) = address.strip_prefix("at://") {
        let (actor, rest) = rest.split_once('/')?;
        (actor, rest.strip_prefix("app.bsky.feed.post/")?)
    } else {
        let rest = address
            .strip_prefix("https://bsky.app/profile/")
            .or_else(|| address.strip_prefix("http://bsky.app/profile/"))?;
        let (actor, rest) = rest.split_once('/')?;
        (actor, rest.strip_prefix("post/")?)
    };
    (is_rkey(rkey) && is_actor(actor)).then(|| PostAddress {
        actor: actor.to_string(),
        rkey: rkey.to_string(),
    })
}

/// The DID or handle an `[author] accounts` entry names on Bluesky, if it is one:
/// `did:…`, `https://bsky.app/profile/ACTOR` or `at://ACTOR`.
fn account_actor(account: &str) -> Option<String> {
    let account = account.trim().trim_end_matches('/');
    let actor = account
        .strip_prefix("https://bsky.app/profile/")
        .or_else(|| account.strip_prefix("at://"))
        .unwrap_or(account);
    let bluesky = actor.starts_with("did:") || actor.len() < account.len();
    (bluesky && is_actor(actor)).then(|| actor.to_ascii_lowercase())
}

/// A record key: letters, digits and `._:~-`.
fn is_rkey(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:~-".contains(&b))
}

fn is_did(text: &str) -> bool {
    text.starts_with("did:")
        && text.len() > 4
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._:%-".contains(&b))
}

/// A DID, or a handle (a domain name).
fn is_actor(text: &str) -> bool {
    is_did(text)
        || (text.contains('.')
            && !text.starts_with('.')
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b".-".contains(&b)))
}

impl Source for Bluesky {
    fn name(&self) -> &'static str {
        "bluesky"
    }

    fn id_prefix(&self) -> &'static str {
        ID_PREFIX
    }

    fn fetch(&self, posts: &[Post], context: &Context) -> Harvest {
        let mut harvest = Harvest::default();
        let announced: Vec<(usize, &Post, Vec<PostAddress>)> = posts
            .iter()
            .enumerate()
            .map(|(i, p)| {
                (
                    i,
                    p,
                    p.syndication.iter().filter_map(|u| parse_post(u)).collect(),
                )
            })
            .filter(|(_, _, a): &(usize, &Post, Vec<PostAddress>)| !a.is_empty())
            .collect();
        if announced.is_empty() {
            return harvest;
        }
        let mut known = HashMap::new();
        // A reply is the author's only on an exact DID: a handle that cannot be
        // resolved now would write her replies as a reader's, so nothing is fetched.
        let mut own = HashSet::new();
        for actor in &self.accounts {
            match self.did(actor, context, &mut known) {
                Ok(did) => {
                    own.insert(did);
                }
                Err(why) => {
                    harvest.failures.push(format!(
                        "bluesky: cannot find the account {actor} of [author] accounts: {why}; check the handle, or write its DID (did:plc:…) instead"
                    ));
                    return harvest;
                }
            }
        }
        for (index, post, addresses) in announced {
            let mut complete = true;
            for address in addresses {
                let fail = |why: String| {
                    format!(
                        "bluesky: {why} (post {}); nothing was withdrawn, run rapport fetch again later",
                        post.slug
                    )
                };
                let did = match self.did(&address.actor, context, &mut known) {
                    Ok(did) => did,
                    Err(why) => {
                        harvest.failures.push(fail(why));
                        complete = false;
                        continue;
                    }
                };
                let uri = format!("at://{did}/app.bsky.feed.post/{}", address.rkey);
                let url = format!(
                    "{}/app.bsky.feed.getPostThread?uri={}&depth={DEPTH}&parentHeight=0",
                    self.api,
                    encode(&uri)
                );
                let answer = match context.client.get_json(&url) {
                    Ok(answer) => answer,
                    Err(failure) => {
                        harvest.failures.push(fail(format!("{failure} for {url}")));
                        complete = false;
                        continue;
                    }
                };
                let Some(root) = answer.get("thread").filter(|t| t.get("post").is_some()) else {
                    let why = match answer.get("thread") {
                        Some(t) if t.get("blocked").is_some() => "is blocked",
                        Some(t) if t.get("notFound").is_some() => "was not found",
                        _ => "has no thread in the answer",
                    };
                    harvest.failures.push(format!(
                        "bluesky: the post {uri} that post {} names in syndication: {why}; check the address, or remove it",
                        post.slug
                    ));
                    complete = false;
                    continue;
                };
                let walk = walk(index, root, &hidden_replies(&answer), &own);
                if walk.cut {
                    harvest.warnings.push(format!(
                        "bluesky: the thread of {uri} is deeper than {DEPTH} replies; the deeper ones are left for later, and none was withdrawn"
                    ));
                    complete = false;
                }
                harvest.responses.extend(walk.responses);
            }
            if complete {
                harvest.complete.insert(index);
            }
        }
        harvest
    }
}

/// The replies the thread's owner hid: the threadgate's `hiddenReplies`, given beside
/// the thread or on its root post.
fn hidden_replies(answer: &Value) -> HashSet<String> {
    let gates = [
        answer.get("threadgate"),
        answer.pointer("/thread/post/threadgate"),
    ];
    gates
        .into_iter()
        .flatten()
        .filter_map(|g| g.pointer("/record/hiddenReplies")?.as_array())
        .flatten()
        .filter_map(|u| u.as_str().map(str::to_string))
        .collect()
}

/// What walking one thread found.
struct Walk {
    responses: Vec<Response>,
    /// Some replies were not given (deeper than asked).
    cut: bool,
}

/// The publishable replies under `root`, each naming the nearest published reply
/// above it (nothing for an answer to the root).
fn walk(post: usize, root: &Value, hidden: &HashSet<String>, own: &HashSet<String>) -> Walk {
    let mut found = Walk {
        responses: Vec::new(),
        cut: false,
    };
    let mut pending: Vec<(&Value, Option<String>)> =
        replies(root).iter().map(|r| (r, None)).collect();
    while let Some((node, above)) = pending.pop() {
        // `notFoundPost` and `blockedPost` have no `post`: nothing to publish.
        let Some(view) = node.get("post") else {
            continue;
        };
        let Some(uri) = text_field(view, "uri") else {
            continue;
        };
        if hidden.contains(&uri) {
            continue;
        }
        let response = response(post, view, above.clone(), own);
        let above = response.as_ref().map_or(above, |r| r.url.clone());
        match node.get("replies").and_then(Value::as_array) {
            Some(children) => pending.extend(children.iter().map(|c| (c, above.clone()))),
            None => {
                found.cut |= view
                    .get("replyCount")
                    .and_then(Value::as_u64)
                    .is_some_and(|n| n > 0)
            }
        }
        found.responses.extend(response);
    }
    found
}

fn replies(node: &Value) -> &[Value] {
    node.get("replies")
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// One reply (a `postView`) as a response, or `None` when it may not be published.
fn response(
    post: usize,
    view: &Value,
    in_reply_to: Option<String>,
    own: &HashSet<String>,
) -> Option<Response> {
    let author = view.get("author")?;
    if signed_in_only(view) || signed_in_only(author) {
        return None;
    }
    let uri = text_field(view, "uri")?;
    let did = text_field(author, "did").filter(|d| is_did(d))?;
    let rkey = uri.rsplit('/').next().filter(|k| is_rkey(k))?;
    let record = view.get("record")?;
    let handle = text_field(author, "handle").filter(|h| h != "handle.invalid");
    let name = text_field(author, "displayName").or(handle);
    Some(Response {
        post,
        id: format!("{ID_PREFIX}{}", short_hash(&uri)),
        url: Some(format!("https://bsky.app/profile/{did}/post/{rkey}")),
        in_reply_to: in_reply_to.into_iter().collect(),
        kind: Kind::Reply,
        author: name,
        author_url: Some(format!("https://bsky.app/profile/{did}")),
        date: date(view, record),
        edited: None,
        body: rich_text(
            record
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or_default(),
            record.get("facets"),
        ),
        warning: None,
        role: if own.contains(&did) {
            Role::Author
        } else {
            Role::Reader
        },
        via: "bluesky",
        held: false,
    })
}

/// Whether a post or an account carries the signed-in-only label.
fn signed_in_only(v: &Value) -> bool {
    v.get("labels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|l| {
            l.get("val").and_then(Value::as_str) == Some(SIGNED_IN_ONLY)
                && l.get("neg").and_then(Value::as_bool) != Some(true)
        })
}

/// When it was written: `createdAt` comes from the author's app and may be anything,
/// so no later than when the AppView saw it (`indexedAt`).
fn date(view: &Value, record: &Value) -> Option<Date> {
    let created = text_field(record, "createdAt").and_then(|d| parse_date(&d));
    let indexed = text_field(view, "indexedAt").and_then(|d| parse_date(&d));
    match (created, indexed) {
        (Some(c), Some(i)) => Some(c.min(i)),
        (c, i) => c.or(i),
    }
}

/// A post's plain text as HTML: every character escaped, paragraphs and line breaks
/// kept, and its facets (byte ranges) made links: web links (http and https only),
/// mentions to the account's page, tags to the tag's page.
fn rich_text(text: &str, facets: Option<&Value>) -> String {
    let mut links: Vec<(usize, usize, String)> = facets
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|f| {
            let start = usize::try_from(f.pointer("/index/byteStart")?.as_u64()?).ok()?;
            let end = usize::try_from(f.pointer("/index/byteEnd")?.as_u64()?).ok()?;
            let fits = start < end && text.is_char_boundary(start) && text.is_char_boundary(end);
            let features = f.get("features")?.as_array()?;
            let href = features.iter().find_map(facet_link)?;
            fits.then_some((start, end, href))
        })
        .collect();
    links.sort();
    let mut html = String::new();
    let mut at = 0;
    for (start, end, href) in links {
        if start < at {
            continue; // overlaps the previous one
        }
        html.push_str(&escape_html(&text[at..start]));
        html.push_str(&format!(
            "<a href=\"{}\">{}</a>",
            escape_html(&href),
            escape_html(&text[start..end].replace('\n', " "))
        ));
        at = end;
    }
    html.push_str(&escape_html(&text[at..]));
    html.replace("\r\n", "\n")
        .split("\n\n")
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| format!("<p>{}</p>", p.replace('\n', "<br>\n")))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where a facet feature links to, if anywhere a page may link.
fn facet_link(feature: &Value) -> Option<String> {
    match feature.get("$type")?.as_str()? {
        "app.bsky.richtext.facet#link" => {
            let uri = text_field(feature, "uri")?;
            let lower = uri.to_ascii_lowercase();
            (lower.starts_with("https://") || lower.starts_with("http://")).then_some(uri)
        }
        "app.bsky.richtext.facet#mention" => {
            let did = text_field(feature, "did").filter(|d| is_did(d))?;
            Some(format!("https://bsky.app/profile/{did}"))
        }
        "app.bsky.richtext.facet#tag" => {
            let tag = text_field(feature, "tag")?;
            Some(format!("https://bsky.app/hashtag/{}", encode(&tag)))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_addresses_are_recognised() {
        let want = Some(PostAddress {
            actor: "pauline.example".into(),
            rkey: "3l2abc".into(),
        });
        assert_eq!(
            parse_post("https://bsky.app/profile/pauline.example/post/3l2abc/"),
            want
        );
        assert_eq!(
            parse_post("at://did:plc:abc123/app.bsky.feed.post/3l2abc").map(|p| p.actor),
            Some("did:plc:abc123".into())
        );
        for other in [
            "https://social.example/@me/123",
            "https://bsky.app/profile/pauline.example",
            "https://bsky.app/profile/pauline.example/post/",
            "at://did:plc:abc/app.bsky.feed.like/3l2",
            "https://bsky.app/profile/<x>/post/3l2",
        ] {
            assert_eq!(parse_post(other), None, "{other}");
        }
        assert_eq!(
            account_actor("https://bsky.app/profile/Pauline.Example/"),
            Some("pauline.example".into())
        );
        assert_eq!(account_actor("did:plc:abc"), Some("did:plc:abc".into()));
        assert_eq!(account_actor("https://social.example/@pauline"), None);
    }

    #[test]
    fn text_is_escaped_and_facets_become_links() {
        let text = "Hi @fiona.example, see <b>example.org</b> & javascript:x é #rust\n\nbye";
        let at = |s: &str| text.find(s).unwrap();
        let facets = serde_json::json!([
            {"index": {"byteStart": at("@fiona"), "byteEnd": at(", see")},
             "features": [{"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:fiona"}]},
            {"index": {"byteStart": at("example.org"), "byteEnd": at("</b> &")},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://example.org/\"x"}]},
            {"index": {"byteStart": at("javascript"), "byteEnd": at(" é")},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "javascript:alert(1)"}]},
            {"index": {"byteStart": at("#rust"), "byteEnd": at("#rust") + 5},
             "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": "rust"}]},
            {"index": {"byteStart": at("é") + 1, "byteEnd": at("é") + 2},
             "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://split.example/"}]},
        ]);
        assert_eq!(
            rich_text(text, Some(&facets)),
            "<p>Hi <a href=\"https://bsky.app/profile/did:plc:fiona\">@fiona.example</a>, see &lt;b&gt;<a href=\"https://example.org/&quot;x\">example.org</a>&lt;/b&gt; &amp; javascript:x é <a href=\"https://bsky.app/hashtag/rust\">#rust</a></p>\n<p>bye</p>"
        );
    }
}
