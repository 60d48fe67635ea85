//! The machine-read files: `atom.xml`, `sitemap.xml`, `robots.txt`. Plain strings,
//! no I/O; every value goes through `escape_xml`, which also drops the characters
//! XML 1.0 forbids (a reader's U+0001 would otherwise make the whole feed unreadable).

use crate::dates::{self, Date};
use crate::render::escape::escape_html as escape_xml;

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

/// A sitemap of `(absolute URL, last modification)` pairs.
pub fn sitemap(urls: &[(String, Option<Date>)]) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for (url, lastmod) in urls {
        xml.push_str(&format!("  <url><loc>{}</loc>", escape_xml(url)));
        if let Some(d) = lastmod {
            xml.push_str(&format!("<lastmod>{}</lastmod>", dates::rfc3339(d)));
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
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
