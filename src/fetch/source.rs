//! What every source gives `rapport fetch`: responses in one shape (`Response`),
//! and for which posts its listing was complete (`Harvest`), so that only a complete
//! listing can withdraw anything. Adding a source is one module implementing `Source`.

use std::collections::HashSet;

use crate::dates::Date;
use crate::fetch::http::Client;
use crate::fetch::posts::Post;
use crate::threads::Role;

/// What a response is to the post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A reply: a comment.
    Reply,
    /// A post elsewhere that links to this one: a comment with role mention.
    Mention,
    Like,
    Repost,
    Bookmark,
}

/// One response found at a source, already filtered to what may be published: no
/// e-mail, no IP, no avatar, nothing private.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Response {
    /// Index of the post (in the list the source was given) it answers.
    pub(crate) post: usize,
    /// The id it gets in the thread file, stable across fetches (`wm-123`, `toot-…`).
    pub(crate) id: String,
    /// Its address at its origin: the key that keeps one response from being
    /// written twice when two sources bring it.
    pub(crate) url: Option<String>,
    /// Addresses of what it answers, in order of preference: another response's
    /// `url`, or the post's own address with `#comment-<id>`.
    pub(crate) in_reply_to: Vec<String>,
    pub(crate) kind: Kind,
    pub(crate) author: Option<String>,
    /// The author's website or profile, linked from their name.
    pub(crate) author_url: Option<String>,
    pub(crate) date: Option<Date>,
    pub(crate) edited: Option<Date>,
    /// HTML or text from elsewhere: untrusted, sanitised when the site is built.
    pub(crate) body: String,
    pub(crate) warning: Option<String>,
    /// Author, reader or mention: author only on an exact account match.
    pub(crate) role: Role,
    /// The source's name for "via" (`mastodon`, `webmention`); empty for the site's
    /// own comment form.
    pub(crate) via: &'static str,
    /// The source marks it as not to be published yet (a form's `hidden` or
    /// `draft`): written as pending, for the author to approve or reject.
    pub(crate) held: bool,
}

/// Whether a flag of a source's JSON or YAML is set, however it is written: `true`,
/// a number but 0, or a word but `false`/`no`/`off`/`0`. A flag that keeps something
/// private must not fail open on the spelling of a listing written by hand or by
/// another server.
pub(crate) fn flag_set(value: Option<&serde_json::Value>) -> bool {
    use serde_json::Value;
    match value {
        None | Some(Value::Null) => false,
        Some(Value::Bool(set)) => *set,
        Some(Value::Number(n)) => n.as_f64() != Some(0.0),
        Some(Value::String(s)) => !matches!(
            s.trim().to_ascii_lowercase().as_str(),
            "" | "false" | "no" | "off" | "0"
        ),
        Some(Value::Array(items)) => !items.is_empty(),
        Some(Value::Object(fields)) => !fields.is_empty(),
    }
}

/// A date a source gives, to the second: thread files hold no fractions, and a
/// date must read back as it was written.
pub(crate) fn parse_date(text: &str) -> Option<Date> {
    use chrono::Timelike;
    crate::dates::parse(text).ok()?.with_nanosecond(0)
}

/// The text of `key` in a JSON object, trimmed; `None` when missing or empty.
pub(crate) fn text_field(v: &serde_json::Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// `url` when it is a web address: the only kind a page links to.
pub(crate) fn web_address(url: String) -> Option<String> {
    (url.starts_with("https://") || url.starts_with("http://")).then_some(url)
}

/// A short id that stays the same for one response wherever it is read from (FNV-1a
/// of its global address, 64 bits in hex).
pub(crate) fn short_hash(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// What one source found.
#[derive(Debug, Default)]
pub(crate) struct Harvest {
    pub(crate) responses: Vec<Response>,
    /// Posts whose listing was read to its end: only there may a response that is
    /// no longer listed be withdrawn (with `--full`).
    pub(crate) complete: HashSet<usize>,
    /// What went wrong, one line each, naming the source and what to do.
    pub(crate) failures: Vec<String>,
    /// What the user should know but is not an error (a capped listing).
    pub(crate) warnings: Vec<String>,
}

/// What a source is given.
pub(crate) struct Context<'a> {
    pub(crate) client: &'a Client<'a>,
    /// Read every listing from the start (`--full`), not only what is new.
    pub(crate) full: bool,
    /// Only some posts were asked for (`--post`).
    pub(crate) some_posts: bool,
    pub(crate) identities: &'a Identities,
}

/// A place responses come from.
pub(crate) trait Source {
    /// The name `--source` takes and reports show.
    fn name(&self) -> &'static str;
    /// The thread-file id prefix of the responses it writes, to know which comments
    /// it owns (and may withdraw).
    fn id_prefix(&self) -> &'static str;
    /// The responses to `posts` it has now.
    fn fetch(&self, posts: &[Post], context: &Context) -> Harvest;
    /// After the thread files are written: `kept(post, id)` says whether the thread of
    /// `post` now holds the comment `id`. A source that must mark what was taken
    /// does it here; it returns what went wrong, one line each.
    fn settle(&self, _kept: &dyn Fn(usize, &str) -> bool) -> Vec<String> {
        Vec::new()
    }
}

/// The author's own accounts (`[author] links` and `accounts` in site.toml).
#[derive(Debug, Default)]
pub(crate) struct Identities {
    accounts: HashSet<String>,
}

impl Identities {
    pub(crate) fn new<'a>(accounts: impl IntoIterator<Item = &'a String>) -> Self {
        Identities {
            accounts: accounts.into_iter().map(|a| same_account(a)).collect(),
        }
    }

    /// Whether one of `account` (a profile URL, an ActivityPub id, a DID) is the
    /// author's: the whole address must match, never a display name or a username.
    pub(crate) fn role_of<'a>(&self, accounts: impl IntoIterator<Item = &'a str>) -> Role {
        if accounts
            .into_iter()
            .any(|a| self.accounts.contains(&same_account(a)))
        {
            Role::Author
        } else {
            Role::Reader
        }
    }
}

/// An account address as compared: a trailing `/` and the case of the scheme and
/// host do not make another account; everything else does.
pub(crate) fn same_account(address: &str) -> String {
    let address = address.trim().trim_end_matches('/');
    match address.find("://") {
        Some(i) => {
            let rest = &address[i + 3..];
            let host_end = rest.find('/').unwrap_or(rest.len());
            format!(
                "{}://{}{}",
                address[..i].to_ascii_lowercase(),
                rest[..host_end].to_ascii_lowercase(),
                &rest[host_end..]
            )
        }
        None => address.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_the_very_account_is_the_author() {
        let mine = vec!["https://social.example/@pauline".to_string()];
        let ids = Identities::new(&mine);
        assert_eq!(
            ids.role_of(["https://Social.Example/@pauline/"]),
            Role::Author
        );
        for other in [
            "https://other.example/@pauline",
            "https://social.example/@pauline2",
            "https://social.example/@Pauline",
            "pauline",
        ] {
            assert_eq!(ids.role_of([other]), Role::Reader, "{other}");
        }
    }

    #[test]
    fn a_flag_is_set_however_it_is_spelled() {
        for set in [
            json!(true),
            json!(1),
            json!("true"),
            json!("yes"),
            json!(" True "),
        ] {
            assert!(flag_set(Some(&set)), "{set}");
        }
        for unset in [
            json!(false),
            json!(0),
            json!("false"),
            json!("No"),
            json!(""),
            json!(null),
        ] {
            assert!(!flag_set(Some(&unset)), "{unset}");
        }
        assert!(!flag_set(None));
    }
}
