//! The pages made of the whole site, once each: the term indexes, the 404 page, the
//! conversations page, the feeds, the sitemap and robots.txt.

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;

use crate::config::DeployHost;
use crate::content::{Taxonomy, Term};
use crate::dates::Date;
use crate::error::{read_text, Result};
use crate::render::context::TemplateContext;
use crate::render::escape::drop_forbidden;
use crate::render::feeds::{self, Feed, FeedEntry, FeedFormat};
use crate::site::build::Bodies;
use crate::site::engagement;
use crate::site::pages::Pass;
use crate::site::urls::{self, SitePage};
use crate::site::Entry;
use crate::threads::conversations::excerpt;

/// One post in the search index.
#[derive(Serialize)]
struct SearchEntry<'a> {
    title: Cow<'a, str>,
    url: String,
    /// As the page shows it: `2 March 2015`.
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    tags: &'a [Term],
    #[serde(skip_serializing_if = "<[Term]>::is_empty")]
    categories: &'a [Term],
    /// Plain text.
    summary: String,
    /// The names of those who commented, each once.
    authors: Vec<Cow<'a, str>>,
}

impl Pass<'_> {
    /// Renders `page`; `bodies` holds the rendered body of every post the posts feed
    /// shows.
    pub(crate) fn render_site_page(&self, page: SitePage, bodies: &Bodies<'_>) -> Result<String> {
        let (site, renderer, urls) = (self.site, self.renderer, &self.urls);
        Ok(match page {
            SitePage::TermIndex(taxonomy) => self.render_term_index(taxonomy)?,
            SitePage::NotFound => {
                let rel = page.rel();
                let mut ctx =
                    TemplateContext::new(&self.site_view, urls.path(rel), urls.permalink(rel));
                ctx.page_title = site.config.strings.text("not_found").into();
                renderer.render("404.html", &ctx)?
            }
            SitePage::Engagement => {
                let totals = self.totals.get(site);
                engagement::render_engagement_page(site, renderer, urls, &self.site_view, totals)?
            }
            SitePage::CommentsFeed(format) => {
                engagement::comments_feed(site, renderer, urls, format, self.totals.get(site))
            }
            SitePage::PostsFeed(format) => self.posts_feed(format, bodies),
            SitePage::Sitemap => feeds::written(|out| self.write_sitemap(out)),
            SitePage::Robots => feeds::robots(&urls.permalink(SitePage::Sitemap.rel())),
            SitePage::Search => self.render_search_page()?,
            SitePage::SearchIndex => feeds::written(|out| self.write_search_index(out, bodies)),
            SitePage::Redirects => self.redirects()?,
            SitePage::NoJekyll => String::new(),
        })
    }

    /// The dated posts the posts feed shows, newest first.
    pub(crate) fn feed_posts(&self) -> impl Iterator<Item = &crate::site::Entry> {
        self.site
            .posts
            .iter()
            .filter(|e| e.doc.date.is_some())
            .take(self.site.config.feed_posts)
    }

    fn posts_feed(&self, format: FeedFormat, bodies: &Bodies<'_>) -> String {
        let (config, urls) = (&self.site.config, &self.urls);
        let author = config.author_name.as_deref().unwrap_or(&config.title);
        let entries: Vec<FeedEntry<'_>> = self
            .feed_posts()
            .filter_map(|e| feed_entry(urls, e, bodies.content(e), author))
            .collect();
        Feed {
            title: &config.title,
            description: &config.description,
            language: &config.language,
            feed_url: urls.permalink(SitePage::PostsFeed(format).rel()),
            site_url: &config.base_url,
            author,
            entries,
        }
        .render(format)
    }

    /// The search page: the search form for the script, and the tags for a reader
    /// without it.
    fn render_search_page(&self) -> Result<String> {
        let index = self.urls.path(SitePage::SearchIndex.rel());
        self.render_with_terms(
            SitePage::Search,
            self.site.config.strings.text("search"),
            "search.html",
            Some(index),
        )
    }

    /// A page of the whole site showing every term of a taxonomy: a term index (a
    /// taxonomy's), the search page (the tags).
    pub(crate) fn render_with_terms(
        &self,
        page: SitePage,
        title: &str,
        template: &str,
        search_index: Option<String>,
    ) -> Result<String> {
        let urls = &self.urls;
        let taxonomy = match page {
            SitePage::TermIndex(taxonomy) => taxonomy,
            _ => Taxonomy::Tags,
        };
        let terms: Vec<_> = (self.terms(taxonomy).values())
            .map(|(t, _)| t.clone())
            .collect();
        let rel = page.rel();
        let mut ctx = TemplateContext::new(&self.site_view, urls.path(rel), urls.permalink(rel));
        ctx.page_title = title.into();
        ctx.terms = Some(&terms);
        ctx.taxonomy = Some(taxonomy.name());
        // What the tag index and the search page have always been given.
        ctx.tags = (taxonomy == Taxonomy::Tags).then_some(&terms[..]);
        ctx.search_index = search_index;
        self.renderer.render(template, &ctx)
    }

    /// `search/index.json`: what the search page's script searches, one entry per
    /// post, newest first. Text from readers (their names) is data in JSON, which the
    /// script writes into the page as text, never as markup.
    pub(crate) fn write_search_index(
        &self,
        out: &mut dyn Write,
        bodies: &Bodies<'_>,
    ) -> io::Result<()> {
        out.write_all(b"[")?;
        for (i, e) in self.site.posts.iter().enumerate() {
            if i > 0 {
                out.write_all(b",")?;
            }
            match bodies.search(e) {
                Some(entry) => out.write_all(entry.as_bytes())?,
                None => {
                    let summary = bodies.summary(e).map_err(io::Error::other)?;
                    out.write_all(self.search_entry(e, &summary).as_bytes())?
                }
            }
        }
        out.write_all(b"]\n")
    }

    /// A post's entry in `search/index.json`; `summary` is its `summary_html`.
    pub(crate) fn search_entry(&self, e: &Entry, summary: &str) -> String {
        self.search_entry_of(e, excerpt(summary, 300))
    }

    /// `search_entry`, given `summary` made plain and short (`Made::description`).
    pub(crate) fn search_entry_of(&self, e: &Entry, summary: String) -> String {
        let mut authors: Vec<Cow<'_, str>> = e
            .digest()
            .authors()
            .map(drop_forbidden)
            .filter(|a| !a.is_empty())
            .collect();
        authors.sort_unstable();
        authors.dedup();
        let entry = SearchEntry {
            title: drop_forbidden(&e.doc.title),
            url: self.urls.path(&e.doc.path),
            date: e
                .doc
                .date
                .as_ref()
                .map(|d| self.site.config.strings.date(d)),
            tags: &e.doc.tags,
            categories: &e.doc.categories,
            summary,
            authors,
        };
        let mut json = serde_json::to_string(&entry).expect("a search entry serialises");
        // Kept until the index is written: without the room its writing left.
        json.shrink_to_fit();
        json
    }

    /// The rules of the site's own `static/_redirects`, then every alias of a post or
    /// page as a redirect to its address (a host applies the first rule that matches).
    fn redirects(&self) -> Result<String> {
        let (site, urls) = (self.site, &self.urls);
        let pairs: Vec<(String, String)> = (site.posts.iter().chain(&site.pages))
            .flat_map(|e| {
                let to = urls.path(&e.doc.path);
                e.doc
                    .more()
                    .aliases
                    .iter()
                    .map(move |a| (urls.path(a), to.clone()))
            })
            .collect();
        let force = site.config.deploy_host == Some(DeployHost::Netlify);
        let own = site.config.static_dir().join(SitePage::Redirects.rel());
        let mut text = match own.is_file() {
            true => read_text(&own)?,
            false => String::new(),
        };
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&feeds::redirects(&pairs, force));
        Ok(text)
    }

    /// Every address the sitemap lists, relative to the base path, with its last
    /// modification, in order.
    fn sitemap_pages(&self) -> impl Iterator<Item = (Cow<'_, str>, Option<Date>)> + '_ {
        let site = self.site;
        let taxonomies = || self.taxonomies.iter();
        let home = (
            urls::HOME.into(),
            site.posts.first().and_then(|p| p.doc.date),
        );
        let entries = (site.posts.iter().chain(&site.pages))
            .map(|e| ((*e.doc.path).into(), e.doc.more().updated.or(e.doc.date)));
        let indexes = taxonomies().map(|(t, _)| (SitePage::TermIndex(*t).rel().into(), None));
        let engagement = (SitePage::Engagement.rel().into(), None);
        let terms = taxonomies().flat_map(|(taxonomy, terms)| {
            (terms.keys()).map(|slug| (urls::term(*taxonomy, slug).into(), None))
        });
        std::iter::once(home)
            .chain(entries)
            .chain(indexes)
            .chain(std::iter::once(engagement))
            .chain(terms)
    }

    /// How the sitemap's addresses are shared between files.
    pub(crate) fn sitemap_split(&self) -> SitemapSplit {
        *self.sitemap_split.get_or_init(|| {
            let (mut addresses, mut longest) = (0, 0);
            for (rel, _) in self.sitemap_pages() {
                addresses += 1;
                longest = longest.max(rel.len());
            }
            SitemapSplit::of(addresses, self.urls.permalink("").len() + longest)
        })
    }

    /// `sitemap.xml`: every address, or the list of the files that share them.
    pub(crate) fn write_sitemap(&self, out: &mut dyn Write) -> io::Result<()> {
        self.sitemap_as(self.sitemap_split(), out)
    }

    fn sitemap_as(&self, split: SitemapSplit, out: &mut dyn Write) -> io::Result<()> {
        if split.files == 1 {
            return self.sitemap_part(1, split, out);
        }
        let files = (1..=split.files).map(|n| self.urls.permalink(&urls::sitemap_part(n)));
        feeds::write_sitemap_index(out, files)
    }

    /// The addresses of the `n`-th (1-based) file of the sitemap.
    fn sitemap_part(&self, n: usize, split: SitemapSplit, out: &mut dyn Write) -> io::Result<()> {
        let pages = self.sitemap_pages().skip((n - 1) * split.per_file);
        feeds::write_sitemap(
            out,
            (pages.take(split.per_file)).map(|(rel, date)| (self.urls.permalink(&rel), date)),
        )
    }

    /// `urls::sitemap_part(n)`, a file of a sitemap shared between files.
    pub(crate) fn write_sitemap_part(&self, n: usize, out: &mut dyn Write) -> io::Result<()> {
        self.sitemap_part(n, self.sitemap_split(), out)
    }
}

/// The sitemap protocol's limits on one file: 50,000 addresses, 50 MiB.
const SITEMAP_URLS: usize = 50_000;
const SITEMAP_BYTES: usize = 50 * 1024 * 1024;

/// How the sitemap's addresses are shared between files: all in `sitemap.xml`, or,
/// past a limit of the protocol (which search engines hold to: they refuse the whole
/// file), `files` files of `per_file` addresses each, `sitemap1.xml`, `sitemap2.xml`…,
/// that `sitemap.xml` lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct SitemapSplit {
    pub(crate) per_file: usize,
    pub(crate) files: usize,
}

impl SitemapSplit {
    /// For `addresses` addresses, the longest `longest` bytes as written (base URL
    /// included).
    fn of(addresses: usize, longest: usize) -> SitemapSplit {
        // An address escaped (`&quot;`: 6 bytes for one), its markup and its date.
        let entry = 6 * longest + 96;
        let per_file = ((SITEMAP_BYTES - 512) / entry).clamp(1, SITEMAP_URLS);
        SitemapSplit {
            per_file,
            files: addresses.div_ceil(per_file).max(1),
        }
    }
}

/// A dated post as an entry of a feed, with `content` as its text.
/// The parts of a JSON array of `items` (each one a JSON value), to be written one
/// after the other: the search index is as large as every entry together (24 MB at
/// 50,000 posts), and a copy of it joined in memory was a tenth of a build's peak.
pub(crate) fn feed_entry<'e>(
    urls: &crate::site::urls::Urls,
    e: &'e crate::site::Entry,
    content: &'e str,
    author: &'e str,
) -> Option<FeedEntry<'e>> {
    let published = e.doc.date?;
    Some(FeedEntry {
        title: &e.doc.title,
        permalink: urls.permalink(&e.doc.path),
        published,
        updated: e.doc.more().updated.unwrap_or(published).max(published),
        content,
        author,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::Renderer;
    use crate::site::BuildOptions;

    #[test]
    fn a_sitemap_is_one_file_up_to_the_protocols_limit_of_addresses() {
        let short = SitemapSplit::of(50_000, 60);
        assert_eq!((short.per_file, short.files), (50_000, 1));
        let more = SitemapSplit::of(50_001, 60);
        assert_eq!((more.per_file, more.files), (50_000, 2));
        assert_eq!(SitemapSplit::of(0, 60).files, 1);
    }

    #[test]
    fn long_addresses_share_the_sitemap_between_more_files_under_50_mib_each() {
        // A post's address may be 1,024 bytes: 50,000 of them, escaped, would pass
        // the 50 MiB a file may hold.
        let longest = "https://example.org/".len() + 1024;
        let split = SitemapSplit::of(20_000, longest);
        assert!(split.files > 1, "{split:?}");
        assert_eq!(split.files, 20_000usize.div_ceil(split.per_file));
        let worst_entry = 6 * longest
            + "  <url><loc></loc><lastmod>2015-03-02T10:15:00+01:00</lastmod></url>\n".len();
        assert!(
            split.per_file * worst_entry + 200 <= SITEMAP_BYTES,
            "{split:?}"
        );
    }

    #[test]
    fn a_shared_sitemap_lists_its_files_which_hold_every_address_once_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("site.toml"),
            "title = \"T\"\nbase_url = \"https://example.org/\"\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("content/posts")).unwrap();
        for n in 1..=4 {
            let post =
                format!("---\ntitle: Post {n}\ndate: 2021-01-0{n}\ntags: [t{n}]\n---\nText.\n");
            std::fs::write(root.join(format!("content/posts/p{n}.md")), post).unwrap();
        }
        let site = crate::site::load(&BuildOptions::new(root)).unwrap();
        let renderer = Renderer::new(&site.config).unwrap();
        let pass = Pass::new(&site, &renderer);
        let whole = feeds::written(|out| pass.write_sitemap(out));
        assert_eq!(pass.sitemap_split().files, 1);
        let locs = |xml: &str| -> Vec<String> {
            (xml.split("<loc>").skip(1))
                .map(|s| s[..s.find("</loc>").unwrap()].to_string())
                .collect()
        };
        let every = locs(&whole);
        // Home, 4 posts, the tag index, the conversations page, 4 tags.
        assert_eq!(every.len(), 11, "{whole}");

        let split = SitemapSplit {
            per_file: 3,
            files: 4,
        };
        let index = feeds::written(|out| pass.sitemap_as(split, out));
        assert!(index.contains("<sitemapindex "), "{index}");
        let files: Vec<String> = (1..=4)
            .map(|n| format!("https://example.org/sitemap{n}.xml"))
            .collect();
        assert_eq!(locs(&index), files);
        let parts: Vec<String> = (1..=4)
            .map(|n| feeds::written(|out| pass.sitemap_part(n, split, out)))
            .collect();
        for part in &parts {
            assert!(
                part.starts_with("<?xml") && part.contains("<urlset "),
                "{part}"
            );
            assert!(locs(part).len() <= 3, "{part}");
        }
        assert_eq!(
            parts.iter().flat_map(|p| locs(p)).collect::<Vec<_>>(),
            every
        );
        // Dates go with their address into its file.
        assert!(parts[0].contains("<lastmod>"), "{}", parts[0]);
    }
}
