//! The URL scheme, in one place: where posts, tag lists, pages of a list and the
//! site-wide pages live, as paths relative to the base path (`posts/<slug>/`), and
//! their forms under the base path and as absolute URLs. Nothing else spells a site
//! path.

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

/// The home page, and the first page of the list of every post.
pub const HOME: &str = "";

/// The page of the post whose slug is `slug`.
pub fn post(slug: &str) -> String {
    format!("posts/{slug}/")
}

/// The first page of the list of posts tagged `slug`.
pub fn tag(slug: &str) -> String {
    format!("tags/{slug}/")
}

/// The pages the site generates once, whatever its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SitePage {
    TagIndex,
    NotFound,
    Engagement,
    Atom,
    Comments,
    Sitemap,
    Robots,
}

impl SitePage {
    pub const ALL: [SitePage; 7] = [
        SitePage::TagIndex,
        SitePage::NotFound,
        SitePage::Engagement,
        SitePage::Atom,
        SitePage::Comments,
        SitePage::Sitemap,
        SitePage::Robots,
    ];

    /// Its address relative to the base path.
    pub fn rel(self) -> &'static str {
        match self {
            SitePage::TagIndex => "tags/",
            SitePage::NotFound => "404.html",
            SitePage::Engagement => "engagement/",
            SitePage::Atom => "atom.xml",
            SitePage::Comments => "comments.xml",
            SitePage::Sitemap => "sitemap.xml",
            SitePage::Robots => "robots.txt",
        }
    }

    /// What a writer calls it, for messages.
    pub fn name(self) -> &'static str {
        match self {
            SitePage::TagIndex => "the tag index",
            SitePage::NotFound => "the 404 page",
            SitePage::Engagement => "the conversations page",
            SitePage::Atom => "the posts feed",
            SitePage::Comments => "the comments feed",
            SitePage::Sitemap => "the sitemap",
            SitePage::Robots => "the generated robots.txt",
        }
    }
}

/// The folder of page `n` (1-based) of a paginated list whose first page is at
/// `first` (`HOME` or a `tag`).
pub fn paginated(first: &str, n: usize) -> String {
    if n <= 1 {
        first.to_string()
    } else {
        format!("{first}page/{n}/")
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
        assert_eq!(u.path(&post("x")), "/blog/posts/x/");
        assert_eq!(
            u.permalink(SitePage::Atom.rel()),
            "https://e.github.io/blog/atom.xml"
        );
        assert_eq!(paginated(&tag("a"), 2), "tags/a/page/2/");
        assert_eq!(paginated(HOME, 3), "page/3/");
        assert_eq!(index_file(HOME), "index.html");
        assert_eq!(index_file(SitePage::TagIndex.rel()), "tags/index.html");
        assert_eq!(index_file("old.html"), "old.html");
    }
}
