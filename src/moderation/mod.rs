//! Moderation of fetched responses: the review queue (`[comments] review`: new
//! responses arrive as `state: pending`), the deny list (`[comments] deny`: responses
//! from those domains and accounts are never stored), and `rapport approve` /
//! `rapport reject`, which change a comment's state through the thread writer.

mod decide;

pub use decide::{decide, Decision, Verdict};

/// `[comments] review` and `deny` of site.toml.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Moderation {
    /// New responses wait as `state: pending` until approved.
    pub review: bool,
    pub deny: Vec<Deny>,
}

/// One entry of the deny list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deny {
    /// A domain and its subdomains (`spam.example`), lower case.
    Domain(String),
    /// An account or site by its address (`https://social.example/@troll`), as
    /// `same_account` writes it: that address and every address under it.
    Account(String),
    /// A Bluesky (or other) DID: `did:plc:…`.
    Did(String),
}

const DENY_HELP: &str = "write a domain (\"spam.example\", which covers its subdomains), an account's address (\"https://social.example/@someone\") or a DID (\"did:plc:…\"); names are not identities";

impl Deny {
    /// Reads an entry of `[comments] deny`; the error says what is wrong with it.
    pub fn parse(text: &str) -> Result<Deny, (String, &'static str)> {
        let entry = text.trim();
        let bad = |why: String| Err((format!("deny entry {text:?} {why}"), DENY_HELP));
        if entry.is_empty() {
            return bad("is empty".into());
        }
        if entry.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return bad(
                "has a space in it: a display name is not an identity, anyone can take it".into(),
            );
        }
        if let Some(id) = entry.strip_prefix("did:") {
            let well_formed = id.split_once(':').is_some_and(|(method, rest)| {
                !method.is_empty()
                    && method
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                    && !rest.is_empty()
            });
            return match well_formed {
                true => Ok(Deny::Did(entry.to_string())),
                false => bad("is not a DID (did:METHOD:ID)".into()),
            };
        }
        let lower = entry.to_ascii_lowercase();
        if lower.starts_with("https://") || lower.starts_with("http://") {
            let host = host_of(entry).unwrap_or_default();
            if !host.contains('.') && !host.starts_with("localhost") && !host.starts_with("127.") {
                return bad("has no host name after the scheme".into());
            }
            return Ok(Deny::Account(crate::fetch::same_account(entry)));
        }
        if entry.starts_with('@') || entry.contains('@') {
            return bad("is a handle; handles can be spoofed by display and differ by server, write the account's address, e.g. \"https://social.example/@someone\"".into());
        }
        if entry.contains("://") || entry.contains('/') || entry.contains(':') {
            return bad("is neither a domain nor an http(s) address".into());
        }
        let domain = lower.trim_end_matches('.');
        let labels_ok = domain.split('.').all(|label| {
            !label.is_empty() && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
        if !domain.contains('.') || !labels_ok {
            let why = if domain.starts_with("*.") {
                "has a wildcard: a domain already covers its subdomains".into()
            } else {
                "is not a domain name".into()
            };
            return bad(why);
        }
        Ok(Deny::Domain(domain.to_string()))
    }

    /// Whether `address` (a response's or its author's address, an `at://` URI, a
    /// DID) falls under this entry.
    fn covers(&self, address: &str) -> bool {
        match self {
            Deny::Domain(domain) => host_of(address).is_some_and(|host| {
                host == *domain
                    || host
                        .strip_suffix(domain.as_str())
                        .is_some_and(|sub| sub.ends_with('.'))
            }),
            Deny::Account(account) => {
                let address = crate::fetch::same_account(address);
                address == *account
                    || address
                        .strip_prefix(account.as_str())
                        .is_some_and(|rest| rest.starts_with(['/', '?', '#']))
            }
            Deny::Did(did) => did_of(address) == Some(did.as_str()),
        }
    }
}

impl Moderation {
    /// Whether a response with these addresses (its own, its author's) is denied.
    pub fn denies<'a>(&self, addresses: impl IntoIterator<Item = &'a str>) -> bool {
        let addresses: Vec<&str> = addresses.into_iter().collect();
        self.deny
            .iter()
            .any(|d| addresses.iter().any(|a| d.covers(a)))
    }
}

/// The host of an http(s) or at:// address, lower case, without port or user.
fn host_of(address: &str) -> Option<String> {
    let (_, rest) = address.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = authority.rsplit('@').next()?;
    let host = host.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The DID an address names: itself, the authority of an `at://did:…/…` URI, or the
/// last segment of a profile address (`https://bsky.app/profile/did:plc:…`).
fn did_of(address: &str) -> Option<&str> {
    if address.starts_with("did:") {
        return Some(address);
    }
    if let Some(rest) = address.strip_prefix("at://") {
        return rest.split('/').next().filter(|a| a.starts_with("did:"));
    }
    let (_, after) = address.split_once("/profile/")?;
    after
        .split(['/', '?', '#'])
        .next()
        .filter(|a| a.starts_with("did:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied(entries: &[&str], addresses: &[&str]) -> bool {
        let moderation = Moderation {
            review: false,
            deny: entries.iter().map(|e| Deny::parse(e).unwrap()).collect(),
        };
        moderation.denies(addresses.iter().copied())
    }

    #[test]
    fn a_domain_covers_its_subdomains_only() {
        for address in [
            "https://spam.example/post",
            "https://www.Spam.Example:8080/",
            "http://a.b.spam.example",
        ] {
            assert!(denied(&["spam.example"], &[address]), "{address}");
        }
        for address in [
            "https://notspam.example/",
            "https://spam.example.org/",
            "spam.example",
        ] {
            assert!(!denied(&["spam.example"], &[address]), "{address}");
        }
    }

    #[test]
    fn an_account_covers_its_address_and_what_is_under_it() {
        let troll = ["https://social.example/@troll"];
        assert!(denied(&troll, &["https://Social.Example/@troll/"]));
        assert!(denied(&troll, &["https://social.example/@troll/1234"]));
        for other in [
            "https://social.example/@troll2",
            "https://social.example/@Troll",
            "https://other.example/@troll",
            "https://social.example/@pauline",
        ] {
            assert!(!denied(&troll, &[other]), "{other}");
        }
    }

    #[test]
    fn a_did_covers_its_posts_and_profile() {
        let did = ["did:plc:abc"];
        assert!(denied(&did, &["at://did:plc:abc/app.bsky.feed.post/1"]));
        assert!(denied(&did, &["https://bsky.app/profile/did:plc:abc"]));
        assert!(!denied(&did, &["at://did:plc:abcd/app.bsky.feed.post/1"]));
        assert!(!denied(&did, &["https://bsky.app/profile/did:plc:abcd"]));
    }

    #[test]
    fn bad_entries_say_why() {
        for (entry, why) in [
            ("", "is empty"),
            ("Pauline Stockhausen", "has a space"),
            ("@troll@social.example", "is a handle"),
            ("*.spam.example", "has a wildcard"),
            ("spam", "is not a domain name"),
            ("did:plc", "is not a DID"),
            ("https://", "has no host name"),
            ("ftp://spam.example", "neither a domain"),
        ] {
            let (message, _) = Deny::parse(entry).unwrap_err();
            assert!(message.contains(why), "{entry}: {message}");
        }
    }
}
