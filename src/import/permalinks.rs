//! The permalink pattern of an old blog, read from its posts' links: when every
//! published post's old address is one pattern (`/2015/03/slug/` for
//! `/:year/:month/:slug/`) applied to the post as it is imported, the site can publish
//! each post at its old address instead of redirecting from it.

use crate::config::SiteConfig;
use crate::dates::Date;
use crate::import::new_site::NewSite;
use crate::import::report::Tally;
use crate::site::urls::{PostFacts, PostPattern};

/// What a post's old address is compared with.
#[derive(Debug, Clone)]
pub(crate) struct OldLink {
    /// Its old address below the blog's path, as an alias: `/2015/03/slug/`.
    pub(crate) path: String,
    pub(crate) slug: String,
    pub(crate) date: Option<Date>,
    pub(crate) id: Option<u64>,
}

impl OldLink {
    /// Where `permalinks` publishes the post imported to `content/posts/`.
    pub(crate) fn address(&self, permalinks: &PostPattern) -> Option<String> {
        let id = self.id.map(|id| id.to_string());
        permalinks.address(&PostFacts {
            slug: &self.slug,
            date: self.date.as_ref(),
            id: id.as_deref(),
            section: "posts",
        })
    }
}

/// Where an import into an existing site publishes posts: at the site's pattern.
/// A site.toml the writer has is theirs: when it sets no pattern and every published
/// post's old link follows one, the report gives the line that would publish each
/// post at its old address, and the old addresses stay aliases.
pub(crate) fn choose(config: &SiteConfig, links: &[OldLink], tally: &mut Tally) -> PostPattern {
    if !config.permalinks.is_written() {
        if let Some(pattern) = infer_permalink_pattern(links) {
            tally.notes.push(format!(
                "Every published post of the export was at an address of the pattern {pattern}: to publish each post at its old address rather than redirect from there, add [permalinks] with posts = \"{pattern}\" to site.toml"
            ));
        }
    }
    config.permalinks.clone()
}

/// Where a site made from the export publishes posts: at the pattern every published
/// post's old link follows, which its site.toml then sets, so that no post needs an
/// alias; else at the default.
pub(crate) fn for_new_site(
    links: &[OldLink],
    site: &mut NewSite,
    tally: &mut Tally,
) -> PostPattern {
    let Some(pattern) = infer_permalink_pattern(links) else {
        return PostPattern::default();
    };
    let quoted = toml::Value::String(pattern.clone()).to_string();
    let table = site.append(&format!("\n[permalinks]\nposts = {quoted}\n"));
    tally.notes.push(format!(
        "Every published post of the export was at an address of the pattern {pattern}: site.toml publishes posts there ([permalinks]), so each keeps its old address"
    ));
    let parsed = PostPattern::parse(&pattern).expect("an inferred pattern is one");
    parsed.at_line(table + 2)
}

/// The pattern every link follows, or `None` when there is no link, a link has no
/// path (`?p=12`), or two links follow different patterns. The one imported posts have
/// without a pattern (`/posts/:slug/`) is no news, and `None` too.
pub(crate) fn infer_permalink_pattern(links: &[OldLink]) -> Option<String> {
    let first = links.first()?;
    let pattern = pattern_of(first)?;
    let parsed = PostPattern::parse(&pattern).ok()?;
    let follows = |link: &OldLink| {
        link.date.is_some()
            && link.address(&parsed).as_deref() == Some(link.path.trim_start_matches('/'))
    };
    let is_default = parsed == PostPattern::default();
    (links.iter().all(follows) && !is_default).then_some(pattern)
}

/// A link's path with its post's slug, id and date parts written as placeholders.
fn pattern_of(link: &OldLink) -> Option<String> {
    use chrono::Datelike;
    let date = link.date?;
    let (year, month, day) = (
        format!("{:04}", date.year()),
        format!("{:02}", date.month()),
        format!("{:02}", date.day()),
    );
    let id = link.id.map(|id| id.to_string());
    let path = link.path.strip_prefix('/')?;
    // `2015/hello/` or `2015/hello.html`: the folders, and what ends the address.
    let (folders, end) = match path.strip_suffix('/') {
        Some(folders) => (folders, "/"),
        None => path.split_at(path.rfind('.')?),
    };
    let mut parts = Vec::new();
    for segment in folders.split('/') {
        let part = if segment == link.slug {
            ":slug"
        } else if Some(segment) == id.as_deref() {
            ":id"
        } else if segment == year {
            ":year"
        } else if segment == month {
            ":month"
        } else if segment == day {
            ":day"
        } else {
            segment
        };
        parts.push(part);
    }
    Some(format!("/{}{end}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(path: &str, slug: &str, date: &str, id: u64) -> OldLink {
        OldLink {
            path: path.into(),
            slug: slug.into(),
            date: Some(crate::dates::parse(date).unwrap()),
            id: Some(id),
        }
    }

    #[test]
    fn one_pattern_for_every_link_is_found() {
        let links = [
            link("/2015/03/hello/", "hello", "2015-03-02T10:00:00Z", 4),
            link("/2016/11/again/", "again", "2016-11-30T10:00:00Z", 9),
        ];
        assert_eq!(
            infer_permalink_pattern(&links).as_deref(),
            Some("/:year/:month/:slug/")
        );
        let links = [
            link("/archives/4", "hello", "2015-03-02", 4),
            link("/archives/9", "again", "2016-11-30", 9),
        ];
        assert_eq!(infer_permalink_pattern(&links), None, "not a folder");
        let links = [
            link("/archives/4/", "hello", "2015-03-02", 4),
            link("/archives/9/", "again", "2016-11-30", 9),
        ];
        assert_eq!(
            infer_permalink_pattern(&links).as_deref(),
            Some("/archives/:id/")
        );
        let links = [link(
            "/blog/2015/03/02/hello.html",
            "hello",
            "2015-03-02",
            4,
        )];
        assert_eq!(
            infer_permalink_pattern(&links).as_deref(),
            Some("/blog/:year/:month/:day/:slug.html")
        );
    }

    #[test]
    fn links_of_two_patterns_or_none_give_none() {
        let links = [
            link("/2015/03/hello/", "hello", "2015-03-02", 4),
            link("/again/", "again", "2016-11-30", 9),
        ];
        assert_eq!(infer_permalink_pattern(&links), None);
        // Its month in UTC is not the month of its old address (the blog's time zone).
        let links = [
            link("/2015/03/hello/", "hello", "2015-03-02", 4),
            link("/2016/12/again/", "again", "2016-11-30T23:30:00Z", 9),
        ];
        assert_eq!(infer_permalink_pattern(&links), None);
        assert_eq!(infer_permalink_pattern(&[]), None);
        let links = [link("/posts/hello/", "hello", "2015-03-02", 4)];
        assert_eq!(infer_permalink_pattern(&links), None);
    }
}
