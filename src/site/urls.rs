//! The URL scheme: pretty URLs (`posts/<slug>/`), pagination and tag paths, all
//! relative to the base path, and their absolute forms.

/// Joins site-relative paths to the configured base.
#[derive(Debug, Clone)]
pub struct Urls {
    base_url: String,
    base_path: String,
}

impl Urls {
    pub fn new(base_url: &str, base_path: &str) -> Self {
        Urls {
            base_url: base_url.to_string(),
            base_path: base_path.to_string(),
        }
    }

    /// `posts/x/` → `/blog/posts/x/`: what links inside the site use.
    pub fn path(&self, rel: &str) -> String {
        format!("{}{}", self.base_path, rel)
    }

    /// `posts/x/` → `https://example.org/blog/posts/x/`: feeds, sitemap, canonical.
    pub fn permalink(&self, rel: &str) -> String {
        format!("{}{}", self.base_url, rel)
    }
}

/// The folder of page `n` (1-based) of a paginated list at `prefix` (`""` or
/// `tags/x/`).
pub fn paginated(prefix: &str, n: usize) -> String {
    if n <= 1 {
        prefix.to_string()
    } else {
        format!("{prefix}page/{n}/")
    }
}

/// The file a folder URL is written to.
pub fn index_file(rel: &str) -> String {
    if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_with_prefix() {
        let u = Urls::new("https://e.github.io/blog/", "/blog/");
        assert_eq!(u.path("posts/x/"), "/blog/posts/x/");
        assert_eq!(u.permalink("atom.xml"), "https://e.github.io/blog/atom.xml");
        assert_eq!(paginated("tags/a/", 2), "tags/a/page/2/");
        assert_eq!(index_file(""), "index.html");
        assert_eq!(index_file("old.html"), "old.html");
    }
}
