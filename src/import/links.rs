//! Old addresses: the path of a URL, the post id of a `?p=N` link, an export's
//! `<link>` turned into an alias that stays inside the site, and the key two
//! addresses are compared by when a Disqus thread is matched to a post.

use crate::import::html;

/// What an item's `<link>` gives as an old address.
#[derive(Debug, PartialEq)]
pub(crate) enum Alias {
    /// `/2015/03/its-not-about-the-numbers/`.
    Path(String),
    /// `?p=N` and friends: a static host cannot redirect those.
    Query,
    None,
}

pub(crate) fn alias_of(link: &str, blog_path: &str) -> Alias {
    let without_fragment = link.split('#').next().unwrap_or_default();
    let (path, query) = match without_fragment.split_once('?') {
        Some((path, query)) => (url_path(path), query),
        None => (url_path(without_fragment), ""),
    };
    let path = match path.strip_prefix(blog_path) {
        Some(rest) if !blog_path.is_empty() && (rest.is_empty() || rest.starts_with('/')) => rest,
        _ => path,
    };
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(html::percent_decode)
        .collect();
    if segments.is_empty() {
        return if query.is_empty() {
            Alias::None
        } else {
            Alias::Query
        };
    }
    let unsafe_segment = |s: &String| {
        s == "." || s == ".." || s.contains(['/', '\\']) || s.chars().any(char::is_control)
    };
    if segments.iter().any(unsafe_segment) {
        return Alias::None;
    }
    let joined = segments.join("/");
    if joined.ends_with(".html") || joined.ends_with(".htm") {
        Alias::Path(format!("/{joined}"))
    } else {
        Alias::Path(format!("/{joined}/"))
    }
}

/// The path of a URL (`https://host/a/b` → `/a/b`); a bare path stays as it is.
pub(crate) fn url_path(url: &str) -> &str {
    match url.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("", |i| &rest[i..]),
        None => url,
    }
}

/// `4` from `http://example.tld/?p=4` (or `page_id=4`).
pub(crate) fn query_id(link: &str) -> Option<u64> {
    let query = link.split_once('?')?.1;
    query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=')?;
        matches!(key, "p" | "page_id")
            .then(|| value.parse().ok())
            .flatten()
    })
}

/// The path of a link (`https://www.e.org/a/b/?x#y` → `/a/b/`); `None` when it is not
/// a URL or an absolute path.
pub(crate) fn link_path(link: &str) -> Option<&str> {
    let link = link.trim();
    let path = match link.split_once("://") {
        Some((_, rest)) => rest.find('/').map_or("/", |i| &rest[i..]),
        None if link.starts_with('/') => link,
        None => return None,
    };
    Some(path.split(['?', '#']).next().unwrap_or_default())
}

/// A path as compared: decoded, lower-case, without `index.html` or slashes at the ends.
pub(crate) fn address_key(path: &str) -> String {
    let decoded = html::percent_decode(path).to_lowercase();
    let mut segments: Vec<&str> = decoded.split('/').filter(|s| !s.is_empty()).collect();
    if segments
        .last()
        .is_some_and(|s| matches!(*s, "index.html" | "index.htm" | "index.php"))
    {
        segments.pop();
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_links_become_aliases() {
        assert_eq!(
            alias_of("https://e.org/2015/03/x/", ""),
            Alias::Path("/2015/03/x/".into())
        );
        assert_eq!(
            alias_of("https://e.org/blog/2015/x", "/blog"),
            Alias::Path("/2015/x/".into())
        );
        assert_eq!(
            alias_of("https://e.org/blogroll/x/", "/blog"),
            Alias::Path("/blogroll/x/".into())
        );
        assert_eq!(alias_of("http://e.org/?p=4", ""), Alias::Query);
        assert_eq!(
            alias_of("https://e.org//greek/%ce%b5-2/", ""),
            Alias::Path("/greek/ε-2/".into())
        );
        assert_eq!(alias_of("https://e.org/a/%2e%2e/b/", ""), Alias::None);
        assert_eq!(
            alias_of("https://e.org/old.html?x=1#c", ""),
            Alias::Path("/old.html".into())
        );
        assert_eq!(alias_of("", ""), Alias::None);
    }

    #[test]
    fn addresses_compare_without_their_decorations() {
        assert_eq!(link_path("https://www.e.org/a/b/?x=1#c"), Some("/a/b/"));
        assert_eq!(link_path("not a url"), None);
        assert_eq!(address_key("/A/%ce%b5/index.html"), "a/ε");
        assert_eq!(query_id("http://e.org/?page_id=4&x=1"), Some(4));
    }
}
