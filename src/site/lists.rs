//! Lists of posts and terms: the paginated index, one paginated list per term of
//! each taxonomy (a tag's, a category's), and each taxonomy's list of terms.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::content::Taxonomy;
use crate::dates;
use crate::error::Result;
use crate::render::context::*;
use crate::render::escape::escape_html;
use crate::render::feeds::{Feed, FeedEntry, FeedFormat};
use crate::render::i18n::Strings;
use crate::site::build::Bodies;
use crate::site::pages::{feed_links, Pass};
use crate::site::site_pages::feed_entry;
use crate::site::spill::Lost;
use crate::site::urls::{self, paginated, SitePage, Urls};
use crate::site::Entry;

/// Term slug → (link, indices of its posts in `site.posts`), sorted by slug: the
/// terms of one taxonomy.
pub(crate) type TermIndex = BTreeMap<String, (TagLinkView, Vec<usize>)>;

/// The terms of each taxonomy the site uses, in the order site.toml names them.
pub(crate) type Taxonomies = Vec<(Taxonomy, TermIndex)>;

/// The terms of every taxonomy in `taxonomies`.
pub(crate) fn collect_taxonomies(
    posts: &[Entry],
    urls: &Urls,
    formats: &[FeedFormat],
    taxonomies: &[Taxonomy],
) -> Taxonomies {
    (taxonomies.iter())
        .map(|&t| (t, collect_terms(t, posts, urls, formats)))
        .collect()
}

fn collect_terms(
    taxonomy: Taxonomy,
    posts: &[Entry],
    urls: &Urls,
    formats: &[FeedFormat],
) -> TermIndex {
    // Gathered by hash, sorted once at the end: a tree lookup per post and tag
    // compared slugs a dozen times each, on every incremental update too.
    let mut found: foldhash::HashMap<&str, (TagLinkView, Vec<usize>)> = Default::default();
    for (i, post) in posts.iter().enumerate() {
        for (slug, name) in post.terms(taxonomy) {
            let (link, members) = found.entry(slug).or_insert_with(|| {
                let link = TagLinkView {
                    name: name.to_string(),
                    url: urls.path(&urls::term(taxonomy, slug)),
                    slug: slug.to_string(),
                    count: 0,
                    feeds: feed_links(urls, formats, |f| urls::term_feed(taxonomy, slug, f)),
                };
                (link, Vec::new())
            });
            if members.last() != Some(&i) {
                members.push(i);
                link.count += 1;
            }
        }
    }
    found
        .into_iter()
        .map(|(slug, tag)| (slug.to_string(), tag))
        .collect()
}

/// The links to an entry's terms in `taxonomy`, each once.
pub(crate) fn term_links(entry: &Entry, taxonomy: Taxonomy, terms: &TermIndex) -> Vec<TagLinkView> {
    let mut links: Vec<TagLinkView> = Vec::new();
    for slug in entry.slugs(taxonomy) {
        if let Some((link, _)) = terms.get(slug) {
            if !links.iter().any(|l| l.slug == link.slug) {
                links.push(link.clone());
            }
        }
    }
    links
}

/// A term of a taxonomy, as its list shows it.
#[derive(Clone, Copy)]
pub(crate) struct Term<'a> {
    pub(crate) taxonomy: Taxonomy,
    pub(crate) link: &'a TagLinkView,
}

/// A paginated list of posts: the index, or a term's page.
pub(crate) struct PostList<'a> {
    /// Where page 1 lives: `urls::HOME` or a `urls::term`.
    pub(crate) first: String,
    template: &'static str,
    pub(crate) term: Option<Term<'a>>,
    /// Indices into `site.posts`, newest first.
    pub(crate) members: &'a [usize],
}

impl PostList<'_> {
    pub(crate) fn page_count(&self, per_page: usize) -> usize {
        self.members.len().div_ceil(per_page).max(1)
    }

    /// The posts on page `n` (1-based).
    pub(crate) fn page(&self, n: usize, per_page: usize) -> &[usize] {
        let start = ((n - 1) * per_page).min(self.members.len());
        let end = (start + per_page).min(self.members.len());
        &self.members[start..end]
    }

    /// How a writer would name its feed, for messages.
    pub(crate) fn describe_feed(&self, format: FeedFormat) -> String {
        format!("the {} feed of {}", format.label(), self.describe_posts())
    }

    /// How a writer would name page `n`, for messages.
    pub(crate) fn describe(&self, n: usize) -> String {
        format!("page {n} of {}", self.describe_posts())
    }

    /// `the posts tagged Rust`, `the posts in the category Travel`.
    fn describe_posts(&self) -> String {
        match self.term {
            Some(Term {
                taxonomy: Taxonomy::Tags,
                link,
            }) => format!("the posts tagged {}", link.name),
            Some(Term { taxonomy, link }) => {
                format!("the posts in the {} {}", taxonomy.singular(), link.name)
            }
            None => "the list of posts".to_string(),
        }
    }
}

impl Pass<'_> {
    /// The index and one list per term of each taxonomy.
    pub(crate) fn lists(&self) -> Vec<PostList<'_>> {
        let mut lists = vec![PostList {
            first: urls::HOME.to_string(),
            template: "index.html",
            term: None,
            members: &self.all_posts,
        }];
        for (taxonomy, terms) in &self.taxonomies {
            let taxonomy = *taxonomy;
            lists.extend(terms.iter().map(|(slug, (link, members))| PostList {
                first: urls::term(taxonomy, slug),
                template: taxonomy.templates().1,
                term: Some(Term { taxonomy, link }),
                members,
            }));
        }
        lists
    }

    /// The page at `file`, a former address of `list`, which sends the reader to it.
    pub(crate) fn render_list_alias(&self, list: &PostList<'_>, file: &str) -> Result<String> {
        let permalink = self.urls.permalink(&list.first);
        let at = file.strip_suffix("index.html").unwrap_or(file);
        let mut ctx = TemplateContext::new(&self.site_view, self.urls.path(at), permalink.clone());
        ctx.page_title = list.term.map_or_else(String::new, |t| t.link.name.clone());
        ctx.redirect_to = Some(permalink);
        self.renderer.render("alias.html", &ctx)
    }

    /// Renders page `n` of `list`; `summary(i)` is what lists show of `site.posts[i]`.
    pub(crate) fn render_list_page<'s>(
        &self,
        list: &PostList<'_>,
        n: usize,
        summary: &dyn Fn(usize) -> Result<Cow<'s, str>>,
    ) -> Result<String> {
        let urls = &self.urls;
        let per_page = self.site.config.posts_per_page;
        let total = list.page_count(per_page);
        let rel = paginated(&list.first, n);
        let members = list.page(n, per_page);
        let summaries: Vec<Cow<'s, str>> =
            members.iter().map(|&i| summary(i)).collect::<Result<_>>()?;
        let posts: Vec<PostSummaryView> = if self.renderer.draws_natively(list.template) {
            Vec::new()
        } else {
            let view = |(&i, summary): (&usize, &Cow<'_, str>)| {
                self.summary_view(&self.site.posts[i], summary)
            };
            members.iter().zip(&summaries).map(view).collect()
        };
        let mut ctx = TemplateContext::new(&self.site_view, urls.path(&rel), urls.permalink(&rel));
        let strings = &self.site.config.strings;
        let page = n.to_string();
        ctx.page_title = match (list.term, n) {
            (Some(t), 1) => {
                let name = (t.taxonomy.singular(), t.link.name.as_str());
                strings.fill(t.taxonomy.strings().list, &[name])
            }
            (Some(t), _) => {
                let name = (t.taxonomy.singular(), t.link.name.as_str());
                strings.fill(t.taxonomy.strings().list_page, &[name, ("n", &page)])
            }
            (None, 1) => String::new(),
            (None, _) => strings.fill("posts_page", &[("n", &page)]),
        };
        if self.renderer.draws_default_post_list() {
            ctx.posts_html = Some(self.post_list_html(members, &summaries));
        }
        ctx.posts = Some(&posts);
        if let Some(t) = list.term {
            ctx.term = Some(t.link);
            ctx.taxonomy = Some(t.taxonomy.name());
            // What tag pages have always been given.
            ctx.tag = (t.taxonomy == Taxonomy::Tags).then_some(t.link);
        }
        ctx.pagination = Some(PaginationView {
            current: n,
            total,
            prev: (n > 1).then(|| urls.path(&paginated(&list.first, n - 1))),
            next: (n < total).then(|| urls.path(&paginated(&list.first, n + 1))),
        });
        self.renderer.render(list.template, &ctx)
    }

    /// The posts of a term's list its feed shows: its newest dated ones.
    pub(crate) fn list_feed_posts(&self, list: &PostList<'_>) -> Vec<usize> {
        let posts = &self.site.posts;
        (list.members.iter().copied())
            .filter(|&i| posts[i].doc.date.is_some())
            .take(self.site.config.feed_posts)
            .collect()
    }

    /// The feed of the posts of a term's list, in `format`. Its entries carry each
    /// post's summary: the bodies of posts past the site's own feed are not kept.
    pub(crate) fn render_list_feed(
        &self,
        list: &PostList<'_>,
        format: FeedFormat,
        bodies: &Bodies<'_>,
    ) -> std::result::Result<String, Lost> {
        let (config, urls) = (&self.site.config, &self.urls);
        let author = config.author_name.as_deref().unwrap_or(&config.title);
        let posts = self.list_feed_posts(list);
        let summaries: Vec<Cow<'_, str>> = (posts.iter())
            .map(|&i| bodies.summary(&self.site.posts[i]))
            .collect::<std::result::Result<_, Lost>>()?;
        let entries: Vec<FeedEntry<'_>> = (posts.iter().zip(&summaries))
            .filter_map(|(&i, summary)| feed_entry(urls, &self.site.posts[i], summary, author))
            .collect();
        // The index's list has the site's posts feed.
        let (title, feed) = match list.term {
            Some(Term { taxonomy, link }) => (
                config.strings.fill(
                    taxonomy.strings().feed_title,
                    &[("site", &config.title), (taxonomy.singular(), &link.name)],
                ),
                urls::term_feed(taxonomy, &link.slug, format),
            ),
            None => (
                config.title.clone(),
                SitePage::PostsFeed(format).rel().to_string(),
            ),
        };
        Ok(Feed {
            title: &title,
            description: &config.description,
            language: &config.language,
            feed_url: urls.permalink(&feed),
            site_url: &urls.permalink(&list.first),
            author,
            entries,
        }
        .render(format))
    }

    /// The page listing every term of `taxonomy`.
    pub(crate) fn render_term_index(&self, taxonomy: Taxonomy) -> Result<String> {
        let strings = &self.site.config.strings;
        self.render_with_terms(
            SitePage::TermIndex(taxonomy),
            strings.text(taxonomy.strings().index),
            taxonomy.templates().0,
            None,
        )
    }

    /// The terms of `taxonomy`; none when the site does not use it.
    pub(crate) fn terms(&self, taxonomy: Taxonomy) -> &TermIndex {
        static NONE: TermIndex = BTreeMap::new();
        (self.taxonomies.iter())
            .find(|(t, _)| *t == taxonomy)
            .map_or(&NONE, |(_, terms)| terms)
    }
}

/// The default theme's list of `posts` (its `post_list` macro), written in Rust: a
/// list page's posts drawn by the macro were most of the work of rendering the
/// paginated lists. `partials/post-list-loop.html` draws the same bytes with the macro
/// (a test holds the two equal).
impl Pass<'_> {
    fn post_list_html(&self, posts: &[usize], summaries: &[Cow<'_, str>]) -> String {
        let listed = posts.iter().zip(summaries).map(|(&i, summary)| {
            let (entry, strings) = (&self.site.posts[i], &*self.site.config.strings);
            Listed {
                title: &entry.doc.title,
                url: self.urls.path(&entry.doc.path),
                date: (entry.doc.date.as_ref()).map(|d| (dates::rfc3339(d), strings.date(d))),
                draft: entry.doc.draft,
                comments: entry.engagement().comments as usize,
                in_conversation: entry.engagement().author_replies > 0,
                summary,
            }
        });
        post_list_html(listed, &self.site.config.strings)
    }
}

/// What a list shows of a post.
struct Listed<'a> {
    title: &'a str,
    url: String,
    /// As RFC 3339 and in words.
    date: Option<(String, String)>,
    draft: bool,
    comments: usize,
    in_conversation: bool,
    summary: &'a str,
}

fn post_list_html<'a>(
    posts: impl ExactSizeIterator<Item = Listed<'a>>,
    strings: &Strings,
) -> String {
    let text = |key| escape_html(strings.text(key));
    let count = posts.len();
    if count == 0 {
        return format!("<p class=\"no-posts\">{}</p>", text("no_posts"));
    }
    let mut out = String::with_capacity(count * 1024);
    out.push_str("<ol class=\"post-list\">\n");
    for p in posts {
        let (url, title) = (escape_html(&p.url), escape_html(p.title));
        let _ = write!(
            out,
            "<li class=\"post-summary\">\n<h2 class=\"post-summary-title\"><a href=\"{url}\">{title}</a></h2>\n<p class=\"post-meta\">"
        );
        if let Some((iso, human)) = &p.date {
            let _ = write!(
                out,
                "<time datetime=\"{}\">{}</time>",
                escape_html(iso),
                escape_html(human)
            );
        }
        if p.draft {
            let _ = write!(
                out,
                " <span class=\"draft-marker\">{}</span>",
                text("draft")
            );
        }
        if p.comments > 0 {
            let count = strings.count("comment_count", p.comments as u64, &[]);
            let _ = write!(
                out,
                " · <a class=\"comment-count\" href=\"{url}#conversation\">{}</a>",
                escape_html(&count)
            );
            if p.in_conversation {
                let _ = write!(
                    out,
                    " <span class=\"conversation-marker\">{}</span>",
                    text("in_conversation")
                );
            }
        }
        out.push_str("</p>\n");
        if !p.summary.is_empty() {
            let _ = write!(out, "<div class=\"summary\">{}</div>", p.summary);
        }
        let read_more_of = strings.fill("read_more_of", &[("title", p.title)]);
        let _ = write!(
            out,
            "\n<a class=\"read-more\" href=\"{url}\">{}<span class=\"visually-hidden\">{}</span></a>\n</li>\n",
            text("read_more"),
            escape_html(&read_more_of)
        );
    }
    out.push_str("</ol>");
    out
}
