//! webmention.io: the mentions its JF2 API has received for the site. Replies become
//! comments, mentions comments with role mention, likes, reposts and bookmarks only
//! counts. Read a page at a time (`per-page`, `page`), from the newest mention the
//! threads already hold (`since_id`) unless `--full`; `wm-private` ones are dropped.

use std::collections::HashMap;
use std::path::Path;

use serde_json::Value;

use crate::fetch::http::{encode, hide_token};
use crate::fetch::posts::{normalise, Post};
use crate::fetch::source::{
    flag_set, parse_date, text_field, web_address, Context, Harvest, Kind, Response, Source,
};
use crate::import::html;
use crate::limits;
use crate::render::escape::escape_html;
use crate::threads::Role;

/// The environment variable the API token is read from.
pub(crate) const TOKEN_VAR: &str = "WEBMENTION_IO_TOKEN";
/// The environment variable that points the source at another server (a test's, or
/// a self-hosted webmention.io); default `https://webmention.io`.
pub(crate) const URL_VAR: &str = "RAPPORT_WEBMENTION_IO_URL";

/// The environment variable that may name a file holding the token instead.
pub(crate) const TOKEN_FILE_VAR: &str = "WEBMENTION_IO_TOKEN_FILE";

const PER_PAGE: usize = 100;
const ID_PREFIX: &str = "wm-";

pub(crate) struct Webmention {
    pub(crate) domain: String,
    pub(crate) token: Option<String>,
    pub(crate) api: String,
}

impl Webmention {
    /// The source for `domain`, its token and server from the environment. A token
    /// file must lie outside the site at `root`, whose files may be published.
    pub(crate) fn from_env(domain: &str, root: &Path) -> Result<Self, String> {
        let api = std::env::var(URL_VAR)
            .ok()
            .filter(|u| !u.trim().is_empty())
            .unwrap_or_else(|| "https://webmention.io".into());
        let token = match std::env::var(TOKEN_VAR)
            .ok()
            .filter(|t| !t.trim().is_empty())
        {
            Some(token) => Some(token.trim().to_string()),
            None => match std::env::var_os(TOKEN_FILE_VAR).filter(|f| !f.is_empty()) {
                Some(file) => Some(token_from_file(Path::new(&file), root)?),
                None => None,
            },
        };
        Ok(Webmention {
            domain: domain.to_string(),
            token,
            api: api.trim_end_matches('/').to_string(),
        })
    }

    /// The listing's first URL without its page: all mentions of the domain (token
    /// needed), or those of the posts asked for (`target[]`, no token needed).
    fn listing(&self, posts: &[Post], context: &Context) -> Result<String, String> {
        let mut url = format!(
            "{}/api/mentions.jf2?sort-by=created&sort-dir=up&per-page={PER_PAGE}",
            self.api
        );
        if context.some_posts {
            for address in posts.iter().flat_map(|p| &p.addresses) {
                url.push_str(&format!("&target[]={}", encode(address)));
            }
            return Ok(url);
        }
        let Some(token) = &self.token else {
            return Err(format!(
                "webmention.io: no token; set the environment variable {TOKEN_VAR} to the API token of {} (webmention.io, Settings), or fetch one post with --post",
                self.domain
            ));
        };
        url.push_str(&format!(
            "&domain={}&token={}",
            encode(&self.domain),
            encode(token)
        ));
        if !context.full {
            if let Some(since) = newest_id(posts) {
                url.push_str(&format!("&since_id={since}"));
            }
        }
        Ok(url)
    }
}

impl Source for Webmention {
    fn name(&self) -> &'static str {
        "webmention"
    }

    fn id_prefix(&self) -> &'static str {
        ID_PREFIX
    }

    fn fetch(&self, posts: &[Post], context: &Context) -> Harvest {
        let mut harvest = Harvest::default();
        let first = match self.listing(posts, context) {
            Ok(url) => url,
            Err(why) => {
                harvest.failures.push(why);
                return harvest;
            }
        };
        let by_status = announcing_statuses(posts);
        let by_target: HashMap<&str, usize> = posts
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.targets.iter().map(move |t| (t.as_str(), i)))
            .collect();
        for page in 0..limits::MAX_FETCH_PAGES {
            let url = format!("{first}&page={page}");
            let body = match context.client.get_json(&url) {
                Ok(body) => body,
                Err(failure) => {
                    harvest.failures.push(format!(
                        "webmention.io: {failure} for {}; nothing was withdrawn, run rapport fetch again later",
                        hide_token(&url)
                    ));
                    return harvest;
                }
            };
            let Some(children) = body.get("children").and_then(Value::as_array) else {
                harvest.failures.push(format!(
                    "webmention.io: the answer for {} has no list of mentions (`children`); is {URL_VAR} the address of a webmention.io server?",
                    hide_token(&url)
                ));
                return harvest;
            };
            for entry in children {
                if let Some(r) = response(entry, &by_target, &by_status, context) {
                    harvest.responses.push(r);
                }
            }
            if children.len() < PER_PAGE {
                harvest.complete = (0..posts.len()).collect();
                return harvest;
            }
        }
        harvest.warnings.push(format!(
            "webmention.io: stopped after {} pages; the rest comes with the next fetch",
            limits::MAX_FETCH_PAGES
        ));
        harvest
    }
}

/// The token in `file`, which must not be inside the site at `root`.
fn token_from_file(file: &Path, root: &Path) -> Result<String, String> {
    let unreadable = |e: std::io::Error| {
        format!(
            "{TOKEN_FILE_VAR} names {}, which cannot be read ({e}); name the file that holds the webmention.io token",
            file.display()
        )
    };
    let real = file.canonicalize().map_err(unreadable)?;
    if root.canonicalize().is_ok_and(|site| real.starts_with(site)) {
        return Err(format!(
            "{TOKEN_FILE_VAR} names {}, which is inside the site: its files travel with the site's sources; keep the token in a file outside the site's folder",
            file.display()
        ));
    }
    let text = std::fs::read_to_string(&real).map_err(unreadable)?;
    Ok(text.trim().to_string())
}

/// The highest webmention.io id the threads hold, comments and reactions alike.
fn newest_id(posts: &[Post]) -> Option<u64> {
    let number = |id: &str| id.strip_prefix(ID_PREFIX)?.parse::<u64>().ok();
    posts
        .iter()
        .flat_map(|p| {
            let r = p.thread.reactions();
            p.thread
                .comments
                .iter()
                .map(|c| c.id.as_str())
                .chain(r.likes.iter().map(String::as_str))
                .chain(r.reposts.iter().map(String::as_str))
                .chain(r.bookmarks.iter().map(String::as_str))
        })
        .filter_map(number)
        .max()
}

/// The posts by the last segment of each address in their `syndication:` (a
/// Mastodon status id), to find the post a Bridgy webmention's status answers.
fn announcing_statuses(posts: &[Post]) -> HashMap<&str, usize> {
    posts
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            p.syndication
                .iter()
                .filter_map(|u| u.trim().trim_end_matches('/').rsplit('/').next())
                .map(move |id| (id, i))
        })
        .collect()
}

/// The post a Bridgy webmention belongs to: the one that announced the status it
/// answers (`https://brid.gy/comment/<network>/<owner>/<status>/<reply>`). A reply
/// that links two posts is sent to both; it belongs under the announcing one.
fn bridgy_post(source: &str, by_status: &HashMap<&str, usize>) -> Option<usize> {
    let rest = source.strip_prefix("https://brid.gy/comment/")?;
    let status = rest.split('/').nth(2)?;
    by_status.get(status).copied()
}

/// One JF2 entry as a response to one of the posts; `None` for a private one, one
/// about no post of the site, or one without an id.
fn response(
    entry: &Value,
    by_target: &HashMap<&str, usize>,
    by_status: &HashMap<&str, usize>,
    context: &Context,
) -> Option<Response> {
    let text = text_field;
    if flag_set(entry.get("wm-private")) {
        return None;
    }
    let wm_id = entry.get("wm-id").and_then(Value::as_u64)?;
    let target = text(entry, "wm-target")?;
    let post = *by_target.get(normalise(&target).as_str())?;
    let post = text(entry, "wm-source")
        .and_then(|s| bridgy_post(&s, by_status))
        .unwrap_or(post);
    let kind = match entry.get("wm-property").and_then(Value::as_str) {
        Some("in-reply-to") => Kind::Reply,
        Some("like-of") => Kind::Like,
        Some("repost-of") => Kind::Repost,
        Some("bookmark-of") => Kind::Bookmark,
        Some("mention-of") | None => Kind::Mention,
        Some(_) => return None,
    };
    let url = text(entry, "url").or_else(|| text(entry, "wm-source"));
    let author = entry.get("author");
    let author_name = author.and_then(|a| text(a, "name"));
    let author_url = author.and_then(|a| text(a, "url")).and_then(web_address);
    // `published` is the source's own time, zone-less when the source gave none;
    // `wm-received` is always UTC.
    let date = text(entry, "published")
        .filter(|p| p.ends_with('Z') || p.rfind(['+', '-']).is_some_and(|i| i > 10))
        .and_then(|p| parse_date(&p))
        .or_else(|| text(entry, "wm-received").and_then(|r| parse_date(&r)));
    let content = entry.get("content");
    let body = content
        .and_then(|c| text(c, "html"))
        .map(|h| html::formatted_body(&h))
        .or_else(|| content.and_then(|c| text(c, "text")).map(|t| paragraph(&t)))
        .or_else(|| text(entry, "summary").map(|t| paragraph(&t)))
        .or_else(|| text(entry, "name").map(|t| paragraph(&t)))
        .unwrap_or_default();
    let mut in_reply_to = Vec::new();
    match entry.get("in-reply-to") {
        Some(Value::String(s)) => in_reply_to.push(s.clone()),
        Some(Value::Array(a)) => {
            in_reply_to.extend(a.iter().filter_map(|v| v.as_str().map(str::to_string)))
        }
        _ => {}
    }
    in_reply_to.push(target);
    let role = match kind {
        Kind::Mention => Role::Mention,
        _ => context.identities.role_of(author_url.as_deref()),
    };
    Some(Response {
        post,
        id: format!("{ID_PREFIX}{wm_id}"),
        url,
        in_reply_to,
        kind,
        author: author_name,
        author_url,
        date,
        edited: None,
        body,
        warning: None,
        role,
        via: "webmention",
        held: false,
    })
}

/// Plain text as one HTML paragraph.
fn paragraph(text: &str) -> String {
    format!("<p>{}</p>", escape_html(text))
}
