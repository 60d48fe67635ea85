//! Lists of posts and tags: the paginated index, one paginated list per tag, and the
//! tag index.

use std::collections::BTreeMap;

use crate::error::Result;
use crate::render::context::*;
use crate::render::feeds::{Feed, FeedEntry, FeedFormat};
use crate::site::build::Bodies;
use crate::site::pages::{feed_links, Pass};
use crate::site::site_pages::feed_entry;
use crate::site::urls::{self, paginated, SitePage, Urls};
use crate::site::Entry;

/// Tag slug → (link, indices of its posts in `site.posts`), sorted by slug.
pub(crate) type TagIndex = BTreeMap<String, (TagLinkView, Vec<usize>)>;

pub(crate) fn collect_tags(posts: &[Entry], urls: &Urls, formats: &[FeedFormat]) -> TagIndex {
    // Gathered by hash, sorted once at the end: a tree lookup per post and tag
    // compared slugs a dozen times each, on every incremental update too.
    let mut found: foldhash::HashMap<&str, (TagLinkView, Vec<usize>)> = Default::default();
    for (i, post) in posts.iter().enumerate() {
        for (slug, name) in post.tags() {
            let (link, members) = found.entry(slug).or_insert_with(|| {
                let link = TagLinkView {
                    name: name.to_string(),
                    url: urls.path(&urls::tag(slug)),
                    slug: slug.to_string(),
                    count: 0,
                    feeds: feed_links(urls, formats, |f| urls::tag_feed(slug, f)),
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

/// The links to an entry's tags, each once.
pub(crate) fn tag_links(entry: &Entry, tags: &TagIndex) -> Vec<TagLinkView> {
    let mut links: Vec<TagLinkView> = Vec::new();
    for slug in &entry.tag_slugs {
        if let Some((link, _)) = tags.get(slug) {
            if !links.iter().any(|l| l.slug == link.slug) {
                links.push(link.clone());
            }
        }
    }
    links
}

/// A paginated list of posts: the index, or a tag's page.
pub(crate) struct PostList<'a> {
    /// Where page 1 lives: `urls::HOME` or a `urls::tag`.
    pub(crate) first: String,
    template: &'static str,
    pub(crate) tag: Option<&'a TagLinkView>,
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
        let name = self.tag.map_or("", |t| t.name.as_str());
        format!("the {} feed of the posts tagged {name}", format.label())
    }

    /// How a writer would name page `n`, for messages.
    pub(crate) fn describe(&self, n: usize) -> String {
        match self.tag {
            Some(tag) => format!("page {n} of the posts tagged {}", tag.name),
            None => format!("page {n} of the list of posts"),
        }
    }
}

impl Pass<'_> {
    /// The index and one list per tag.
    pub(crate) fn lists(&self) -> Vec<PostList<'_>> {
        let mut lists = vec![PostList {
            first: urls::HOME.to_string(),
            template: "index.html",
            tag: None,
            members: &self.all_posts,
        }];
        lists.extend(self.tags.iter().map(|(slug, (tag, members))| PostList {
            first: urls::tag(slug),
            template: "tag.html",
            tag: Some(tag),
            members,
        }));
        lists
    }

    /// The page at `file`, a former address of `list`, which sends the reader to it.
    pub(crate) fn render_list_alias(&self, list: &PostList<'_>, file: &str) -> Result<String> {
        let permalink = self.urls.permalink(&list.first);
        let at = file.strip_suffix("index.html").unwrap_or(file);
        let mut ctx = TemplateContext::new(&self.site_view, self.urls.path(at), permalink.clone());
        ctx.page_title = list.tag.map_or_else(String::new, |t| t.name.clone());
        ctx.redirect_to = Some(permalink);
        self.renderer.render("alias.html", &ctx)
    }

    /// Renders page `n` of `list`; `summary(i)` is the summary of `site.posts[i]`.
    pub(crate) fn render_list_page(
        &self,
        list: &PostList<'_>,
        n: usize,
        summary: &dyn Fn(usize) -> PostSummaryView,
    ) -> Result<String> {
        let urls = &self.urls;
        let per_page = self.site.config.posts_per_page;
        let total = list.page_count(per_page);
        let rel = paginated(&list.first, n);
        let posts: Vec<PostSummaryView> =
            list.page(n, per_page).iter().map(|&i| summary(i)).collect();
        let mut ctx = TemplateContext::new(&self.site_view, urls.path(&rel), urls.permalink(&rel));
        let strings = &self.site.config.strings;
        let page = n.to_string();
        ctx.page_title = match (list.tag, n) {
            (Some(t), 1) => strings.fill("tagged", &[("tag", &t.name)]),
            (Some(t), _) => strings.fill("tagged_page", &[("tag", &t.name), ("n", &page)]),
            (None, 1) => String::new(),
            (None, _) => strings.fill("posts_page", &[("n", &page)]),
        };
        ctx.posts = Some(&posts);
        ctx.tag = list.tag;
        ctx.pagination = Some(PaginationView {
            current: n,
            total,
            prev: (n > 1).then(|| urls.path(&paginated(&list.first, n - 1))),
            next: (n < total).then(|| urls.path(&paginated(&list.first, n + 1))),
        });
        self.renderer.render(list.template, &ctx)
    }

    /// The posts of a tag's list its feed shows: its newest dated ones.
    pub(crate) fn list_feed_posts(&self, list: &PostList<'_>) -> Vec<usize> {
        let posts = &self.site.posts;
        (list.members.iter().copied())
            .filter(|&i| posts[i].doc.date.is_some())
            .take(self.site.config.feed_posts)
            .collect()
    }

    /// The feed of the posts of a tag's list, in `format`. Its entries carry each
    /// post's summary: the bodies of posts past the site's own feed are not kept.
    pub(crate) fn render_list_feed(
        &self,
        list: &PostList<'_>,
        format: FeedFormat,
        bodies: &Bodies<'_>,
    ) -> String {
        let (config, urls) = (&self.site.config, &self.urls);
        let author = config.author_name.as_deref().unwrap_or(&config.title);
        let entries: Vec<FeedEntry<'_>> = self
            .list_feed_posts(list)
            .into_iter()
            .filter_map(|i| {
                let e = &self.site.posts[i];
                feed_entry(urls, e, bodies.summary(e), author)
            })
            .collect();
        let (name, slug) = list
            .tag
            .map_or(("", ""), |t| (t.name.as_str(), t.slug.as_str()));
        let title = config
            .strings
            .fill("tag_feed_title", &[("site", &config.title), ("tag", name)]);
        Feed {
            title: &title,
            description: &config.description,
            language: &config.language,
            feed_url: urls.permalink(&urls::tag_feed(slug, format)),
            site_url: &urls.permalink(&list.first),
            author,
            entries,
        }
        .render(format)
    }

    /// The page listing every tag.
    pub(crate) fn render_tag_index(&self) -> Result<String> {
        self.render_with_tags(
            SitePage::TagIndex,
            self.site.config.strings.text("tags"),
            "tags.html",
            None,
        )
    }
}
