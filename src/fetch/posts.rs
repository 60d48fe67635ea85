//! The posts `rapport fetch` gathers responses for: each with the addresses a
//! response may name it by (permalink, aliases, old addresses), the statuses that
//! announced it (`syndication:`), and its thread file as it is now.

use std::path::Path;

use crate::config::SiteConfig;
use crate::content;
use crate::error::{Error, Result};
use crate::explain;
use crate::site::guard::Inside;
use crate::threads::{self, Thread};

/// One post (or page) and what a response may call it.
#[derive(Debug, Clone)]
pub(crate) struct Post {
    pub(crate) slug: String,
    /// Its markdown file, relative to `content/`.
    pub(crate) rel: String,
    /// Every address it has been published at: the permalink, aliases and
    /// `extra: old_addresses`, in full.
    pub(crate) addresses: Vec<String>,
    /// The same `normalise`d, to compare.
    pub(crate) targets: Vec<String>,
    /// The addresses of `syndication:`, as written.
    pub(crate) syndication: Vec<String>,
    /// Its thread as the file holds it now (empty when there is none).
    pub(crate) thread: Thread,
    /// Why its thread file cannot take anything now, when it cannot.
    pub(crate) broken: Option<String>,
}

/// The site's posts and pages, or only the one whose slug is `only`.
pub(crate) fn load(root: &Path, config: &SiteConfig, only: Option<&str>) -> Result<Vec<Post>> {
    let inventory = content::discover(root, None)?;
    let origin = origin(&config.base_url);
    let mut posts = Vec::new();
    let mut slugs = Vec::new();
    for source in &inventory.sources {
        let Ok(doc) = content::load_document(root, source, &config.permalinks) else {
            continue;
        };
        slugs.push(doc.slug().into_owned());
        if only.is_some_and(|slug| slug != doc.slug()) {
            continue;
        }
        let url = format!("{}{}", config.base_url, doc.path);
        let mut addresses = vec![url];
        for alias in &doc.more().aliases {
            addresses.push(format!("{}{alias}", config.base_url));
        }
        if let Some(old) = doc
            .more()
            .extra
            .get("old_addresses")
            .and_then(|v| v.as_array())
        {
            for address in old.iter().filter_map(|v| v.as_str()) {
                addresses.push(if address.starts_with('/') {
                    format!("{origin}{address}")
                } else {
                    address.to_string()
                });
            }
        }
        let targets = addresses.iter().map(|a| normalise(a)).collect();
        let (thread, broken) = match &source.thread {
            // Discovery leaves out a thread file that leads outside the site: it is
            // neither read nor replaced.
            None => {
                let file = root.join(content::thread_path_for(&source.path));
                let refused = file
                    .symlink_metadata()
                    .ok()
                    .and_then(|_| Inside::new(root).refuse(&file));
                (
                    Thread::default(),
                    refused.map(|p| Error::from(p).to_string()),
                )
            }
            Some(path) => match threads::load_thread(root, path) {
                Ok(thread) => (thread, None),
                Err(problems) => (
                    Thread::default(),
                    Some(Error::Content(problems).to_string()),
                ),
            },
        };
        let rel = doc.source.strip_prefix("content").unwrap_or(&doc.source);
        posts.push(Post {
            slug: doc.slug().into_owned(),
            rel: rel.to_string_lossy().replace('\\', "/"),
            addresses,
            targets,
            syndication: doc.more().syndication.clone(),
            thread,
            broken,
        });
    }
    if let Some(slug) = only.filter(|_| posts.is_empty()) {
        let candidates: Vec<&str> = slugs.iter().map(String::as_str).collect();
        let help = match explain::did_you_mean(slug, &candidates) {
            Some(close) => format!("did you mean --post {close}?"),
            None => {
                "name a post by its slug, the last part of its address, e.g. --post my-first-post"
                    .to_string()
            }
        };
        return Err(Error::Other(format!(
            "--post {slug}: no post or page has this slug\n  help: {help}"
        )));
    }
    Ok(posts)
}

/// `https://example.org` from `https://example.org/blog/`.
fn origin(base_url: &str) -> &str {
    let after_scheme = base_url.find("://").map_or(0, |i| i + 3);
    match base_url[after_scheme..].find('/') {
        Some(i) => &base_url[..after_scheme + i],
        None => base_url,
    }
}

/// An address as compared with a post's: scheme, `www.`, the host's case, a
/// fragment, a trailing `/` or `index.html` do not make another page.
pub(crate) fn normalise(url: &str) -> String {
    let url = url.trim();
    let url = url.split('#').next().unwrap_or_default();
    let rest = url.find("://").map_or(url, |i| &url[i + 3..]);
    let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let host = rest[..host_end].to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    let path = &rest[host_end..];
    let path = path.strip_suffix("index.html").unwrap_or(path);
    let path = path.trim_end_matches('/');
    format!("{host}{path}")
}

/// A response's address as a key: like `normalise`, but the fragment stays (Bridgy
/// tells likes and reposts of one status apart by it).
pub(crate) fn address_key(url: &str) -> String {
    // A Bluesky post's page names its author by handle (Bridgy) or by DID (the
    // Bluesky source): its record key tells it.
    if let Some(rkey) = bluesky_post_key(url) {
        return format!("bsky.app/post/{rkey}");
    }
    match url.trim().split_once('#') {
        Some((page, fragment)) => format!("{}#{fragment}", normalise(page)),
        None => normalise(url),
    }
}

/// The record key of a `https://bsky.app/profile/ACTOR/post/RKEY` address.
fn bluesky_post_key(url: &str) -> Option<&str> {
    let rest = url.trim().split_once("://")?.1;
    let rest = rest.strip_prefix("bsky.app/profile/")?;
    let (_, rkey) = rest.split_once("/post/")?;
    let rkey = rkey.split(['/', '?', '#']).next()?;
    (!rkey.is_empty()).then_some(rkey)
}

/// The comment id an address names with `#comment-<id>`, if any.
pub(crate) fn comment_fragment(url: &str) -> Option<&str> {
    url.split_once("#comment-").map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_of_one_page_compare_equal() {
        let want = "example.org/posts/hello";
        for url in [
            "https://example.org/posts/hello/",
            "http://www.example.org/posts/hello",
            "https://EXAMPLE.org/posts/hello/index.html",
            "https://example.org/posts/hello/#comment-3",
        ] {
            assert_eq!(normalise(url), want, "{url}");
        }
        assert_ne!(normalise("https://example.org/posts/hello2/"), want);
        assert_eq!(origin("https://e.org/blog/"), "https://e.org");
        assert_eq!(
            address_key("https://bsky.app/profile/fiona.example/post/3kf1"),
            address_key("https://bsky.app/profile/did:plc:fiona/post/3kf1/")
        );
        assert_ne!(
            address_key("https://bsky.app/profile/fiona.example/post/3kf1"),
            address_key("https://bsky.app/profile/fiona.example/post/3kf2")
        );
        assert_eq!(
            comment_fragment("https://e.org/p/#comment-wm-3"),
            Some("wm-3")
        );
    }
}
