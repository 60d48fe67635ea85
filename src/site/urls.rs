//! The URL scheme, in one place: where posts, the lists of a taxonomy's terms, pages
//! of a list and the site-wide pages live, as paths relative to the base path (`posts/<slug>/`), and
//! their forms under the base path and as absolute URLs. Nothing else spells a site
//! path.

use crate::config::{DeployHost, SiteConfig};
use crate::content::Taxonomy;
use crate::render::feeds::FeedFormat;

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

/// The page of the post whose slug is `slug`, when the site sets no permalink pattern.
pub fn post(slug: &str) -> String {
    format!("posts/{slug}/")
}

/// What a permalink pattern may name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placeholder {
    Year,
    Month,
    Day,
    Slug,
    Id,
    Section,
}

impl Placeholder {
    const ALL: [(&'static str, Placeholder); 6] = [
        ("year", Placeholder::Year),
        ("month", Placeholder::Month),
        ("day", Placeholder::Day),
        ("slug", Placeholder::Slug),
        ("id", Placeholder::Id),
        ("section", Placeholder::Section),
    ];

    fn named(name: &str) -> Option<Placeholder> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Value(Placeholder),
}

/// Where posts are published: `site.toml`'s `[permalinks] posts`, such as
/// `/:year/:month/:slug/`, read once and checked, so that every post's address is
/// one path on the site (`2015/03/hello/`) or one `.html` file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPattern {
    parts: Vec<Part>,
    /// As written, for messages.
    written: String,
    /// Its line in site.toml, when it is written there.
    line: Option<usize>,
}

impl Default for PostPattern {
    fn default() -> Self {
        PostPattern::parse("/posts/:slug/").expect("the default pattern is valid")
    }
}

/// What a post's address is made of.
#[derive(Debug, Clone, Copy)]
pub struct PostFacts<'a> {
    pub slug: &'a str,
    pub date: Option<&'a crate::dates::Date>,
    /// Its `id`, a single URL segment, when it has one.
    pub id: Option<&'a str>,
    /// The folder of its file below `content/`: `posts`, `posts/travel`.
    pub section: &'a str,
}

/// A pattern that cannot give every post an address of its own: (what is wrong, what
/// to write).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub message: String,
    pub help: String,
}

const PATTERN_HELP: &str =
    "write a path on this site made of :year, :month, :day, :slug, :id and :section, e.g. posts = \"/:year/:month/:slug/\"";

impl PostPattern {
    /// Reads a pattern; it must be a path on the site naming `:slug` or `:id`, so that
    /// two posts never share an address.
    pub fn parse(pattern: &str) -> Result<PostPattern, PatternError> {
        let fail = |message: String, help: &str| PatternError {
            message,
            help: help.to_string(),
        };
        let lower = pattern.trim().to_ascii_lowercase();
        let scheme = lower.split_once(':').is_some_and(|(s, _)| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
        });
        if scheme || pattern.trim().starts_with("//") {
            return Err(fail(
                format!("permalink pattern {pattern:?} is a URL, not a path on this site"),
                "write the path below base_url, starting with /, e.g. posts = \"/:year/:month/:slug/\"",
            ));
        }
        if !pattern.starts_with('/') {
            return Err(fail(
                format!("permalink pattern {pattern:?} must start with /"),
                PATTERN_HELP,
            ));
        }
        if pattern.contains('%') {
            return Err(fail(
                format!("permalink pattern {pattern:?} is written the WordPress way"),
                "write placeholders with a colon: %year% is :year, %monthnum% :month, %day% :day, %postname% :slug, %post_id% :id",
            ));
        }
        let body = &pattern[1..];
        let segments: Vec<&str> = body.split('/').collect();
        let last = segments.len() - 1;
        for (i, segment) in segments.iter().enumerate() {
            let bad = (segment.is_empty() && i != last)
                || *segment == "."
                || *segment == ".."
                || segment
                    .chars()
                    .any(|c| !(c.is_alphanumeric() || "-_.~:".contains(c)));
            if bad {
                return Err(fail(
                    format!("permalink pattern {pattern:?} has a segment {segment:?} that is not a plain folder name"),
                    "use letters, digits, dashes and placeholders between single slashes, e.g. /blog/:year/:slug/",
                ));
            }
        }
        let mut parts = Vec::new();
        let mut text = String::new();
        let mut rest = body;
        while let Some(at) = rest.find(':') {
            text.push_str(&rest[..at]);
            let after = &rest[at + 1..];
            let len = after
                .find(|c: char| !c.is_ascii_alphabetic())
                .unwrap_or(after.len());
            let name = &after[..len];
            let Some(placeholder) = Placeholder::named(name) else {
                let hint = match name {
                    "title" | "slugorfilename" | "filename" | "postname" => {
                        " (the post's address name is :slug)".to_string()
                    }
                    "" => String::new(),
                    _ => crate::explain::did_you_mean(name, &Placeholder::ALL.map(|(n, _)| n))
                        .map(|n| format!(" (did you mean :{n}?)"))
                        .unwrap_or_default(),
                };
                return Err(fail(
                    format!("permalink pattern {pattern:?} names :{name}, which is not a placeholder{hint}"),
                    PATTERN_HELP,
                ));
            };
            if !text.is_empty() {
                parts.push(Part::Text(std::mem::take(&mut text)));
            }
            parts.push(Part::Value(placeholder));
            rest = &after[len..];
        }
        text.push_str(rest);
        let file = [".html", ".htm"].iter().any(|e| text.ends_with(e));
        if !file && !text.ends_with('/') {
            text.push('/');
        }
        if !text.is_empty() {
            parts.push(Part::Text(text));
        }
        let unique = parts
            .iter()
            .any(|p| matches!(p, Part::Value(Placeholder::Slug | Placeholder::Id)));
        if !unique {
            return Err(fail(
                format!("permalink pattern {pattern:?} names neither :slug nor :id, so posts would share an address"),
                "add :slug (or :id), e.g. posts = \"/:year/:month/:slug/\"",
            ));
        }
        Ok(PostPattern {
            parts,
            written: pattern.to_string(),
            line: None,
        })
    }

    /// The pattern as written on `line` of site.toml.
    pub fn at_line(self, line: usize) -> PostPattern {
        PostPattern {
            line: Some(line),
            ..self
        }
    }

    /// `/:year/:slug/ (site.toml:7)`: the pattern in messages about a post.
    pub fn describe(&self) -> String {
        match self.line {
            Some(line) => format!("{:?} (site.toml:{line})", self.written),
            None => format!("{:?}", self.written),
        }
    }

    /// Whether site.toml sets it.
    pub fn is_written(&self) -> bool {
        self.line.is_some()
    }

    /// Whether posts need an `id` for their address.
    pub fn needs_id(&self) -> bool {
        self.parts.contains(&Part::Value(Placeholder::Id))
    }

    /// The address of a post, relative to the base path; `None` when it has no id and
    /// the pattern names one. A post without a date (a draft) is published at
    /// `posts/<slug>/` when the pattern names a part of the date.
    pub fn address(&self, facts: &PostFacts<'_>) -> Option<String> {
        use chrono::Datelike;
        let mut out = String::new();
        for part in &self.parts {
            let date = facts.date;
            match part {
                Part::Text(t) => out.push_str(t),
                Part::Value(Placeholder::Slug) => out.push_str(facts.slug),
                Part::Value(Placeholder::Id) => out.push_str(facts.id?),
                Part::Value(Placeholder::Section) => out.push_str(facts.section),
                Part::Value(Placeholder::Year) => match date {
                    Some(d) => out.push_str(&format!("{:04}", d.year())),
                    None => return Some(post(facts.slug)),
                },
                Part::Value(Placeholder::Month) => match date {
                    Some(d) => out.push_str(&format!("{:02}", d.month())),
                    None => return Some(post(facts.slug)),
                },
                Part::Value(Placeholder::Day) => match date {
                    Some(d) => out.push_str(&format!("{:02}", d.day())),
                    None => return Some(post(facts.slug)),
                },
            }
        }
        Some(out)
    }
}

/// The first page of the list of the posts filed under the term `slug` of
/// `taxonomy`: `tags/rust/`, `categories/travel/`.
pub fn term(taxonomy: Taxonomy, slug: &str) -> String {
    format!("{}{slug}/", SitePage::TermIndex(taxonomy).rel())
}

/// The `n`-th (1-based) file of a sitemap too large for one, which `sitemap.xml`
/// then lists: `sitemap2.xml`.
pub fn sitemap_part(n: usize) -> String {
    format!("sitemap{n}.xml")
}

/// The feed of the posts of a term, in `format`, beside its list:
/// `tags/rust/atom.xml`.
pub fn term_feed(taxonomy: Taxonomy, slug: &str, format: FeedFormat) -> String {
    format!(
        "{}{}",
        term(taxonomy, slug),
        SitePage::PostsFeed(format).rel()
    )
}

/// The pages the site generates once, whatever its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SitePage {
    /// The list of every term of a taxonomy the site uses.
    TermIndex(Taxonomy),
    NotFound,
    Engagement,
    /// The newest posts, in one format.
    PostsFeed(FeedFormat),
    /// The latest comments, in one format.
    CommentsFeed(FeedFormat),
    Sitemap,
    Robots,
    /// The search page, which works without a server.
    Search,
    /// What the search page searches: every post's title, tags, summary and commenters.
    SearchIndex,
    /// `_redirects`: aliases as HTTP redirects, for Netlify and Cloudflare Pages.
    Redirects,
    /// `.nojekyll`: GitHub Pages publishes files whose names start with `_` as they are.
    NoJekyll,
}

impl SitePage {
    /// Every page of a site configured by `config`.
    pub fn all(config: &SiteConfig) -> Vec<SitePage> {
        let formats = &config.feed_formats;
        let mut pages: Vec<SitePage> = (config.taxonomies.iter())
            .map(|&t| SitePage::TermIndex(t))
            .collect();
        pages.extend([
            SitePage::NotFound,
            SitePage::Engagement,
            SitePage::Search,
            SitePage::SearchIndex,
        ]);
        pages.extend(formats.iter().map(|&f| SitePage::PostsFeed(f)));
        pages.extend(formats.iter().map(|&f| SitePage::CommentsFeed(f)));
        pages.extend([SitePage::Sitemap, SitePage::Robots]);
        pages.extend(match config.deploy_host {
            Some(host) if host.reads_redirects() => Some(SitePage::Redirects),
            Some(DeployHost::GithubPages) => Some(SitePage::NoJekyll),
            _ => None,
        });
        pages
    }

    /// Its address relative to the base path.
    pub fn rel(self) -> &'static str {
        match self {
            SitePage::TermIndex(Taxonomy::Tags) => "tags/",
            SitePage::TermIndex(Taxonomy::Categories) => "categories/",
            SitePage::NotFound => "404.html",
            SitePage::Engagement => "engagement/",
            SitePage::PostsFeed(FeedFormat::Atom) => "atom.xml",
            SitePage::PostsFeed(FeedFormat::Rss) => "rss.xml",
            SitePage::PostsFeed(FeedFormat::Json) => "feed.json",
            SitePage::CommentsFeed(FeedFormat::Atom) => "comments.xml",
            SitePage::CommentsFeed(FeedFormat::Rss) => "comments.rss.xml",
            SitePage::CommentsFeed(FeedFormat::Json) => "comments.json",
            SitePage::Sitemap => "sitemap.xml",
            SitePage::Robots => "robots.txt",
            SitePage::Search => "search/",
            SitePage::SearchIndex => "search/index.json",
            SitePage::Redirects => "_redirects",
            SitePage::NoJekyll => ".nojekyll",
        }
    }

    /// What a writer calls it, for messages.
    pub fn name(self) -> &'static str {
        match self {
            SitePage::TermIndex(Taxonomy::Tags) => "the tag index",
            SitePage::TermIndex(Taxonomy::Categories) => "the category index",
            SitePage::NotFound => "the 404 page",
            SitePage::Engagement => "the conversations page",
            SitePage::PostsFeed(FeedFormat::Atom) => "the posts feed",
            SitePage::PostsFeed(FeedFormat::Rss) => "the posts feed (RSS)",
            SitePage::PostsFeed(FeedFormat::Json) => "the posts feed (JSON Feed)",
            SitePage::CommentsFeed(FeedFormat::Atom) => "the comments feed",
            SitePage::CommentsFeed(FeedFormat::Rss) => "the comments feed (RSS)",
            SitePage::CommentsFeed(FeedFormat::Json) => "the comments feed (JSON Feed)",
            SitePage::Sitemap => "the sitemap",
            SitePage::Robots => "the generated robots.txt",
            SitePage::Search => "the search page",
            SitePage::SearchIndex => "the search index",
            SitePage::Redirects => "the generated _redirects",
            SitePage::NoJekyll => "the generated .nojekyll",
        }
    }
}

/// The folder of page `n` (1-based) of a paginated list whose first page is at
/// `first` (`HOME` or a `term`).
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
        // Not `format!`: a plan names every file of the site on each update.
        let mut file = String::with_capacity(rel.len() + "index.html".len());
        file.push_str(rel);
        file.push_str("index.html");
        file
    } else {
        rel.to_string()
    }
}

/// Whether `file` is the file the folder URL `rel` is written to (`index_file`), told
/// without making it: a server's update compares every post's.
pub fn is_index_file(file: &str, rel: &str) -> bool {
    if rel.is_empty() || rel.ends_with('/') {
        file.strip_suffix("index.html") == Some(rel)
    } else {
        file == rel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_index_file_is_told_as_it_is_made() {
        for rel in ["", "posts/x/", "2019/05/x.html", "a/index.html", "x"] {
            let file = index_file(rel);
            assert!(is_index_file(&file, rel), "{rel}");
            for other in ["", "posts/x/", "posts/x", "2019/05/x.html", "a/", "y/"] {
                assert_eq!(is_index_file(&file, other), index_file(other) == file);
            }
        }
    }

    #[test]
    fn joins_with_prefix() {
        let u = Urls::new("https://e.github.io/blog/", "/blog/");
        assert_eq!(u.path(&post("x")), "/blog/posts/x/");
        assert_eq!(
            u.permalink(SitePage::PostsFeed(FeedFormat::Atom).rel()),
            "https://e.github.io/blog/atom.xml"
        );
        assert_eq!(paginated(&term(Taxonomy::Tags, "a"), 2), "tags/a/page/2/");
        assert_eq!(
            term_feed(Taxonomy::Categories, "a", FeedFormat::Rss),
            "categories/a/rss.xml"
        );
        assert_eq!(paginated(HOME, 3), "page/3/");
        assert_eq!(index_file(HOME), "index.html");
        assert_eq!(
            index_file(SitePage::TermIndex(Taxonomy::Tags).rel()),
            "tags/index.html"
        );
        assert_eq!(index_file("old.html"), "old.html");
    }

    #[test]
    fn patterns_place_posts() {
        let date = crate::dates::parse("2015-03-02T10:00:00Z").unwrap();
        let facts = PostFacts {
            slug: "hello",
            date: Some(&date),
            id: None,
            section: "posts/travel",
        };
        let at = |pattern: &str| PostPattern::parse(pattern).unwrap().address(&facts);
        assert_eq!(
            at("/:year/:month/:day/:slug/").unwrap(),
            "2015/03/02/hello/"
        );
        assert_eq!(at("/:year/:slug").unwrap(), "2015/hello/");
        assert_eq!(
            at("/:section/:slug.html").unwrap(),
            "posts/travel/hello.html"
        );
        assert_eq!(at("/archives/:id/"), None);
        assert_eq!(
            PostPattern::default().address(&facts).unwrap(),
            post("hello")
        );
        let undated = PostFacts {
            date: None,
            ..facts
        };
        let pattern = PostPattern::parse("/:year/:slug/").unwrap();
        assert_eq!(pattern.address(&undated).unwrap(), post("hello"));
    }
}
