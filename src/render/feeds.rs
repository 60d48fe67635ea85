//! The machine-read files: the feeds (Atom, RSS 2.0, JSON Feed 1.1), `sitemap.xml`,
//! `robots.txt`. Plain strings, no I/O; every value of an XML file goes through
//! `escape_xml`, which also drops the characters XML 1.0 forbids (a reader's U+0001
//! would otherwise make the whole feed unreadable); JSON is written by serde_json.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::dates::{self, Date};
use crate::render::escape::{drop_forbidden, escape_html as escape_xml};

/// A format the site's feeds are published in (`[feeds] formats` of site.toml).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeedFormat {
    Atom,
    Rss,
    Json,
}

impl FeedFormat {
    pub const ALL: [FeedFormat; 3] = [FeedFormat::Atom, FeedFormat::Rss, FeedFormat::Json];

    /// The format a site.toml value names: `atom`, `rss` or `json`.
    pub fn from_name(name: &str) -> Option<FeedFormat> {
        FeedFormat::ALL.into_iter().find(|f| f.name() == name)
    }

    /// As site.toml names it.
    pub fn name(self) -> &'static str {
        match self {
            FeedFormat::Atom => "atom",
            FeedFormat::Rss => "rss",
            FeedFormat::Json => "json",
        }
    }

    /// As readers know it.
    pub fn label(self) -> &'static str {
        match self {
            FeedFormat::Atom => "Atom",
            FeedFormat::Rss => "RSS",
            FeedFormat::Json => "JSON Feed",
        }
    }

    /// The `type` of its `<link rel="alternate">`.
    pub fn media_type(self) -> &'static str {
        match self {
            FeedFormat::Atom => "application/atom+xml",
            FeedFormat::Rss => "application/rss+xml",
            FeedFormat::Json => "application/feed+json",
        }
    }
}

/// A feed, whatever its format.
pub struct Feed<'a> {
    pub title: &'a str,
    /// The site's description; RSS requires one (the title stands in when empty).
    pub description: &'a str,
    pub language: &'a str,
    /// Where the feed itself is published.
    pub feed_url: String,
    pub site_url: &'a str,
    /// The feed's author, and the author of entries.
    pub author: &'a str,
    /// Newest first.
    pub entries: Vec<FeedEntry<'a>>,
}

impl Feed<'_> {
    /// The feed in `format`.
    pub fn render(&self, format: FeedFormat) -> String {
        match format {
            FeedFormat::Atom => atom(
                self.title,
                &self.feed_url,
                self.site_url,
                self.author,
                &self.entries,
            ),
            FeedFormat::Rss => rss(self),
            FeedFormat::Json => json_feed(self),
        }
    }
}

/// One entry of a feed.
pub struct FeedEntry<'a> {
    pub title: &'a str,
    pub permalink: String,
    pub published: Date,
    pub updated: Date,
    /// HTML; escaped into the feed as `type="html"`.
    pub content: &'a str,
    pub author: &'a str,
}

/// An Atom feed of `entries` (already newest first).
pub fn atom(
    title: &str,
    feed_url: &str,
    site_url: &str,
    author: &str,
    entries: &[FeedEntry<'_>],
) -> String {
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .max()
        .map(|d| dates::rfc3339(&d))
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".into());
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n  <title>{}</title>\n  <link href=\"{}\"/>\n  <link rel=\"self\" href=\"{}\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n  <author><name>{}</name></author>\n",
        escape_xml(title),
        escape_xml(site_url),
        escape_xml(feed_url),
        escape_xml(feed_url),
        updated,
        escape_xml(author),
    );
    for e in entries {
        xml.push_str(&format!(
            "  <entry>\n    <title>{}</title>\n    <link href=\"{}\"/>\n    <id>{}</id>\n    <published>{}</published>\n    <updated>{}</updated>\n    <author><name>{}</name></author>\n    <content type=\"html\">{}</content>\n  </entry>\n",
            escape_xml(e.title),
            escape_xml(&e.permalink),
            escape_xml(&e.permalink),
            dates::rfc3339(&e.published),
            dates::rfc3339(&e.updated),
            escape_xml(e.author),
            escape_xml(e.content),
        ));
    }
    xml.push_str("</feed>\n");
    xml
}

/// An RSS 2.0 feed. RSS's `<author>` is an e-mail address, so authors are written as
/// `dc:creator`; the `atom:link` to itself is what validators ask of every RSS feed.
fn rss(feed: &Feed<'_>) -> String {
    let description = if feed.description.is_empty() {
        feed.title
    } else {
        feed.description
    };
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" xmlns:atom=\"http://www.w3.org/2005/Atom\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n<channel>\n  <title>{}</title>\n  <link>{}</link>\n  <description>{}</description>\n  <language>{}</language>\n  <atom:link href=\"{}\" rel=\"self\" type=\"application/rss+xml\"/>\n",
        escape_xml(feed.title),
        escape_xml(feed.site_url),
        escape_xml(description),
        escape_xml(feed.language),
        escape_xml(&feed.feed_url),
    );
    if let Some(latest) = feed.entries.iter().map(|e| e.updated).max() {
        xml.push_str(&format!(
            "  <lastBuildDate>{}</lastBuildDate>\n",
            latest.to_rfc2822()
        ));
    }
    for e in &feed.entries {
        xml.push_str(&format!(
            "  <item>\n    <title>{}</title>\n    <link>{}</link>\n    <guid isPermaLink=\"true\">{}</guid>\n    <pubDate>{}</pubDate>\n    <dc:creator>{}</dc:creator>\n    <description>{}</description>\n  </item>\n",
            escape_xml(e.title),
            escape_xml(&e.permalink),
            escape_xml(&e.permalink),
            e.published.to_rfc2822(),
            escape_xml(e.author),
            escape_xml(e.content),
        ));
    }
    xml.push_str("</channel>\n</rss>\n");
    xml
}

/// A JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>).
fn json_feed(feed: &Feed<'_>) -> String {
    // Text goes through `drop_forbidden` as in the other formats: JSON could carry a
    // U+0001 escaped, but a reader would show it or choke on it in the HTML.
    type Text<'a> = Cow<'a, str>;
    #[derive(Serialize)]
    struct JsonFeed<'a> {
        version: &'static str,
        title: Text<'a>,
        home_page_url: &'a str,
        feed_url: &'a str,
        #[serde(skip_serializing_if = "str::is_empty")]
        description: Text<'a>,
        language: &'a str,
        authors: [Author<'a>; 1],
        items: Vec<Item<'a>>,
    }
    #[derive(Serialize)]
    struct Author<'a> {
        name: Text<'a>,
    }
    #[derive(Serialize)]
    struct Item<'a> {
        id: &'a str,
        url: &'a str,
        title: Text<'a>,
        content_html: Text<'a>,
        date_published: String,
        date_modified: String,
        authors: [Author<'a>; 1],
    }
    let json = JsonFeed {
        version: "https://jsonfeed.org/version/1.1",
        title: drop_forbidden(feed.title),
        home_page_url: feed.site_url,
        feed_url: &feed.feed_url,
        description: drop_forbidden(feed.description),
        language: feed.language,
        authors: [Author {
            name: drop_forbidden(feed.author),
        }],
        items: feed
            .entries
            .iter()
            .map(|e| Item {
                id: &e.permalink,
                url: &e.permalink,
                title: drop_forbidden(e.title),
                content_html: drop_forbidden(e.content),
                date_published: dates::rfc3339(&e.published),
                date_modified: dates::rfc3339(&e.updated),
                authors: [Author {
                    name: drop_forbidden(e.author),
                }],
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&json).expect("a feed serialises");
    text.push('\n');
    text
}

/// The namespace of a sitemap and of a sitemap index.
const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// A sitemap of `(absolute URL, last modification)` pairs.
pub fn sitemap(urls: impl IntoIterator<Item = (String, Option<Date>)>) -> String {
    written(|out| write_sitemap(out, urls))
}

/// `sitemap`, written to `out` as it is made: one line for every post of a big site.
pub fn write_sitemap(
    out: &mut dyn Write,
    urls: impl IntoIterator<Item = (String, Option<Date>)>,
) -> io::Result<()> {
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"{SITEMAP_NS}\">\n"
    )?;
    for (url, lastmod) in urls {
        write!(out, "  <url><loc>{}</loc>", escape_xml(&url))?;
        if let Some(d) = lastmod {
            write!(out, "<lastmod>{}</lastmod>", dates::rfc3339(&d))?;
        }
        out.write_all(b"</url>\n")?;
    }
    out.write_all(b"</urlset>\n")
}

/// A sitemap index, written to `out`: the sitemaps at `urls`, each an absolute URL.
pub fn write_sitemap_index(
    out: &mut dyn Write,
    urls: impl IntoIterator<Item = String>,
) -> io::Result<()> {
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<sitemapindex xmlns=\"{SITEMAP_NS}\">\n"
    )?;
    for url in urls {
        writeln!(out, "  <sitemap><loc>{}</loc></sitemap>", escape_xml(&url))?;
    }
    out.write_all(b"</sitemapindex>\n")
}

/// The text `write` writes to memory.
pub(crate) fn written(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> String {
    let mut bytes = Vec::new();
    write(&mut bytes).expect("writing to memory does not fail");
    String::from_utf8(bytes).expect("only text is written")
}

/// A `_redirects` file, as Netlify and Cloudflare Pages read it: each `(from, to)`
/// pair of site paths as a permanent redirect, `301!` with `force` (Netlify then
/// redirects even where a file exists).
pub fn redirects(pairs: &[(String, String)], force: bool) -> String {
    let status = if force { "301!" } else { "301" };
    let mut text = String::from(
        "# Old addresses and aliases, as permanent redirects (written by rapport build)\n",
    );
    for (from, to) in pairs {
        text.push_str(&format!("{} {} {status}\n", url_path(from), url_path(to)));
    }
    text
}

/// A path as a `_redirects` line needs it: a space would end it, and the hosts want
/// anything beyond ASCII percent-encoded; `%` is left, as an alias may be encoded.
fn url_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@%".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn robots(sitemap_url: &str) -> String {
    format!("User-agent: *\nAllow: /\nSitemap: {sitemap_url}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_escapes_everything() {
        let d = dates::parse("2020-01-01").unwrap();
        let xml = atom(
            "A & B",
            "https://e.org/atom.xml",
            "https://e.org/",
            "Me",
            &[FeedEntry {
                title: "<T>",
                permalink: "https://e.org/posts/t/".into(),
                published: d,
                updated: d,
                content: "<p>x</p>",
                author: "Me",
            }],
        );
        assert!(xml.contains("<title>A &amp; B</title>"));
        assert!(xml.contains("<title>&lt;T&gt;</title>"));
        assert!(xml.contains("&lt;p&gt;x&lt;/p&gt;"));
    }
}
