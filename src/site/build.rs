//! The build orchestrator: a list of named, timed steps from a loaded site to files in
//! a sink. Rendering of posts runs in parallel; every file goes through the sink, which
//! refuses paths outside the output.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::content::Kind;
use crate::dates::Date;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::render::context::*;
use crate::render::feeds::{self, FeedEntry};
use crate::render::templates::DEFAULT_STATIC;
use crate::render::thread::thread_view;
use crate::render::Renderer;
use crate::site::output::{OutputDir, Sink};
use crate::site::urls::{self, index_file, paginated, SitePage, Urls};
use crate::site::{self, engagement, BuildOptions, Entry, Site};

/// What a build did, for the command line to print.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub output: PathBuf,
    pub posts: usize,
    pub pages: usize,
    pub comments: usize,
    pub files: usize,
    pub steps: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    fn step<T>(&mut self, name: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let start = Instant::now();
        let out = f()?;
        self.steps.push((name, start.elapsed()));
        Ok(out)
    }
}

/// Loads, renders and writes the site, swapping the output in only on success.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    build_with(options, false).map(|(report, _)| report)
}

/// What a build leaves for an incremental rebuild to start from.
pub(crate) struct Built {
    pub(crate) site: Site,
    pub(crate) renderer: Renderer,
    /// The rendered body of each post, indexed like `site.posts`.
    pub(crate) contents: Vec<String>,
}

/// A full build that also returns the loaded site and what rendering produced.
pub(crate) fn build_keeping(options: &BuildOptions) -> Result<(BuildReport, Built)> {
    build_with(options, true)
}

/// A full build; `keep_contents` keeps every post's rendered body (for incremental
/// rebuilds) instead of only those the posts feed needs.
fn build_with(options: &BuildOptions, keep_contents: bool) -> Result<(BuildReport, Built)> {
    let mut report = BuildReport {
        output: options.output_dir(),
        ..Default::default()
    };
    let site = report.step("load", || site::load(options))?;
    check_output_location(&site, &report.output)?;
    let renderer = report.step("templates", || Renderer::new(&site.config))?;
    let target = report.output.clone();
    let out = report.step("prepare output", || OutputDir::create(&target))?;
    let (files, contents) = report.step("render", || {
        render_all(&site, &renderer, &out, keep_contents)
    })?;
    report.step("swap", || out.commit())?;
    report.posts = site.posts.len();
    report.pages = site.pages.len();
    report.comments = site
        .posts
        .iter()
        .chain(&site.pages)
        .map(|e| e.thread.comments.len())
        .sum();
    report.files = files;
    Ok((
        report,
        Built {
            site,
            renderer,
            contents,
        },
    ))
}

/// The output is swapped wholesale: it must not hold the site's own sources.
fn check_output_location(site: &Site, output: &Path) -> Result<()> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out = abs(output);
    let root = abs(&site.config.root);
    let sources = ["content", "static", "templates", "themes"].map(|d| root.join(d));
    if root.starts_with(&out) || sources.iter().any(|s| out.starts_with(s)) {
        return Err(Error::Other(format!(
            "refusing to build into {}: it holds the site's own files, and a build replaces the whole folder\n  help: pass an --output folder of its own, e.g. --output public",
            output.display()
        )));
    }
    Ok(())
}

/// Renders every file of `site` into `sink`; returns how many files were written.
pub fn render_site(site: &Site, renderer: &Renderer, sink: &dyn Sink) -> Result<usize> {
    render_all(site, renderer, sink, false).map(|(count, _)| count)
}

/// Renders every file; returns how many, and the rendered bodies of the newest posts:
/// all of them with `keep_all`, otherwise as many as the posts feed needs (a body is
/// as large as its page, and a big blog's bodies held to the end were a third of its
/// build's memory).
fn render_all(
    site: &Site,
    renderer: &Renderer,
    sink: &dyn Sink,
    keep_all: bool,
) -> Result<(usize, Vec<String>)> {
    let pass = Pass::new(site, renderer);
    let mut count = copy_static(site, sink)?;
    let kept = if keep_all {
        site.posts.len()
    } else {
        feed_window(site)
    };
    let rendered: Vec<(PostSummaryView, Option<String>)> = site
        .posts
        .par_iter()
        .enumerate()
        .map(|(i, entry)| {
            let content = pass.render_entry(entry, i, sink)?;
            let summary = pass.summary_view(entry, &content);
            Ok((summary, (i < kept).then_some(content)))
        })
        .collect::<Result<_>>()?;
    let (summaries, contents): (Vec<PostSummaryView>, Vec<Option<String>>) =
        rendered.into_iter().unzip();
    let contents: Vec<String> = contents.into_iter().flatten().collect();
    site.pages
        .par_iter()
        .try_for_each(|entry| pass.render_entry(entry, 0, sink).map(drop))?;
    count += site.posts.len() + site.pages.len();
    count += site
        .posts
        .iter()
        .chain(&site.pages)
        .map(|e| e.doc.aliases.len())
        .sum::<usize>();
    count += pass.render_lists(&pass.lists(), &|i| summaries[i].clone(), sink, |_, _| true)?;
    pass.render_site_pages(&contents, sink, true)?;
    Ok((count + 8, contents))
}

/// How many of the newest posts the posts feed can show: up to the `feed_posts`-th
/// dated one (undated posts are left out of it).
fn feed_window(site: &Site) -> usize {
    let mut dated = 0;
    for (i, post) in site.posts.iter().enumerate() {
        if dated == site.config.feed_posts {
            return i;
        }
        dated += usize::from(post.doc.date.is_some());
    }
    site.posts.len()
}

/// Everything one rendering pass over a loaded site shares: the URL scheme, the
/// site-wide view and the tag index. The full build uses every method; the serve
/// loop's incremental rebuild calls only those a change affects.
pub(crate) struct Pass<'a> {
    pub(crate) site: &'a Site,
    pub(crate) renderer: &'a Renderer,
    pub(crate) urls: Urls,
    pub(crate) site_view: SiteView,
    pub(crate) tags: TagIndex,
}

impl<'a> Pass<'a> {
    pub(crate) fn new(site: &'a Site, renderer: &'a Renderer) -> Self {
        let urls = Urls::new(&site.config.base_url, &site.config.base_path);
        Pass {
            site_view: site_view(site, &urls),
            tags: collect_tags(&site.posts, &urls),
            site,
            renderer,
            urls,
        }
    }

    /// Renders a post (at `position` in `site.posts`) or page and its alias pages;
    /// returns the body's HTML, which lists and feeds reuse.
    pub(crate) fn render_entry(
        &self,
        entry: &Entry,
        position: usize,
        sink: &dyn Sink,
    ) -> Result<String> {
        let (site, renderer, urls) = (self.site, self.renderer, &self.urls);
        let doc = &entry.doc;
        let link = |e: &Entry| LinkView {
            title: e.doc.title.clone(),
            url: urls.path(&e.doc.path),
        };
        let is_post = doc.kind == Kind::Post;
        let page = PageView {
            title: doc.title.clone(),
            url: urls.path(&doc.path),
            permalink: urls.permalink(&doc.path),
            date: doc.date.as_ref().map(DateView::new),
            updated: doc.updated.as_ref().map(DateView::new),
            tags: tag_links(entry, &self.tags),
            draft: doc.draft,
            content: renderer.markdown.render_document(&doc.body),
            summary: doc
                .summary
                .as_deref()
                .map(|s| renderer.markdown.render_document(s)),
            extra: doc.extra.clone(),
            thread: thread_view(
                &entry.thread,
                &entry.tree,
                site.config.max_depth,
                &renderer.markdown,
                &renderer.sanitizer,
            ),
            engagement: EngagementView::from(&entry.engagement),
            newer: (is_post && position > 0).then(|| link(&site.posts[position - 1])),
            older: is_post
                .then(|| site.posts.get(position + 1).map(link))
                .flatten(),
        };
        let default_template = if is_post { "post.html" } else { "page.html" };
        let template = doc.template.as_deref().unwrap_or(default_template);
        if !renderer.has_template(template) {
            return Err(Diagnostic::new(
                Location::new(&doc.source, None),
                format!("template {template:?} does not exist"),
                "create it in templates/, or remove the template: key",
            )
            .into());
        }
        let mut ctx =
            TemplateContext::new(&self.site_view, page.url.clone(), page.permalink.clone());
        ctx.page_title = doc.title.clone();
        ctx.page = Some(&page);
        let html = renderer.render(template, &ctx)?;
        sink.write(&index_file(&doc.path), html.as_bytes())?;

        for alias in &doc.aliases {
            let mut ctx =
                TemplateContext::new(&self.site_view, urls.path(alias), page.permalink.clone());
            ctx.page_title = doc.title.clone();
            ctx.redirect_to = Some(page.permalink.clone());
            sink.write(
                &index_file(alias),
                renderer.render("alias.html", &ctx)?.as_bytes(),
            )?;
        }
        Ok(page.content)
    }

    /// A post as lists show it; `content` is its rendered body.
    pub(crate) fn summary_view(&self, entry: &Entry, content: &str) -> PostSummaryView {
        let doc = &entry.doc;
        let summary = match &doc.summary {
            Some(s) => self.renderer.markdown.render_document(s),
            None => first_paragraph(content).to_string(),
        };
        PostSummaryView {
            title: doc.title.clone(),
            url: self.urls.path(&doc.path),
            permalink: self.urls.permalink(&doc.path),
            date: doc.date.as_ref().map(DateView::new),
            tags: tag_links(entry, &self.tags),
            summary,
            draft: doc.draft,
            engagement: EngagementView::from(&entry.engagement),
        }
    }

    /// The index and one list per tag.
    pub(crate) fn lists(&self) -> Vec<PostList<'_>> {
        let mut lists = vec![PostList {
            prefix: urls::HOME.to_string(),
            template: "index.html",
            tag: None,
            members: (0..self.site.posts.len()).collect(),
        }];
        lists.extend(self.tags.iter().map(|(slug, (tag, members))| PostList {
            prefix: urls::tag(slug),
            template: "tag.html",
            tag: Some(tag),
            members: members.clone(),
        }));
        lists
    }

    /// Renders the pages of `lists` that `wanted(list, page number)` selects, in
    /// parallel; returns how many it rendered. `summary(i)` is the summary of
    /// `site.posts[i]`, asked only for posts on rendered pages.
    pub(crate) fn render_lists(
        &self,
        lists: &[PostList<'_>],
        summary: &(dyn Fn(usize) -> PostSummaryView + Sync),
        sink: &dyn Sink,
        wanted: impl Fn(&PostList<'_>, usize) -> bool + Sync,
    ) -> Result<usize> {
        let per_page = self.site.config.posts_per_page;
        let pages: Vec<(&PostList<'_>, usize, usize)> = lists
            .iter()
            .flat_map(|list| {
                let total = list.page_count(per_page);
                (1..=total).map(move |n| (list, n, total))
            })
            .filter(|&(list, n, _)| wanted(list, n))
            .collect();
        pages.par_iter().try_for_each(|&(list, n, total)| {
            let urls = &self.urls;
            let rel = paginated(&list.prefix, n);
            let posts: Vec<PostSummaryView> = list
                .members
                .iter()
                .skip((n - 1) * per_page)
                .take(per_page)
                .map(|&i| summary(i))
                .collect();
            let mut ctx =
                TemplateContext::new(&self.site_view, urls.path(&rel), urls.permalink(&rel));
            ctx.page_title = match (list.tag, n) {
                (Some(t), 1) => format!("Posts tagged “{}”", t.name),
                (Some(t), n) => format!("Posts tagged “{}”, page {n}", t.name),
                (None, 1) => String::new(),
                (None, n) => format!("Posts, page {n}"),
            };
            ctx.posts = Some(&posts);
            ctx.tag = list.tag;
            ctx.pagination = Some(PaginationView {
                current: n,
                total,
                prev: (n > 1).then(|| urls.path(&paginated(&list.prefix, n - 1))),
                next: (n < total).then(|| urls.path(&paginated(&list.prefix, n + 1))),
            });
            sink.write(
                &index_file(&rel),
                self.renderer.render(list.template, &ctx)?.as_bytes(),
            )
        })?;
        Ok(pages.len())
    }

    /// The pages that depend on every post: tags index, 404, feeds, sitemap,
    /// robots.txt, and with `conversations` the engagement page and the comments
    /// feed. `contents` holds the rendered bodies of the newest posts, at least as
    /// many as the feed shows.
    pub(crate) fn render_site_pages(
        &self,
        contents: &[String],
        sink: &dyn Sink,
        conversations: bool,
    ) -> Result<()> {
        let (site, renderer, urls) = (self.site, self.renderer, &self.urls);
        let tag_list: Vec<TagLinkView> = self.tags.values().map(|(t, _)| t.clone()).collect();
        let rel = SitePage::TagIndex.rel();
        let mut ctx = TemplateContext::new(&self.site_view, urls.path(rel), urls.permalink(rel));
        ctx.page_title = "Tags".into();
        ctx.tags = Some(&tag_list);
        sink.write(
            &index_file(rel),
            renderer.render("tags.html", &ctx)?.as_bytes(),
        )?;

        let rel = SitePage::NotFound.rel();
        let mut ctx = TemplateContext::new(&self.site_view, urls.path(rel), urls.permalink(rel));
        ctx.page_title = "Page not found".into();
        sink.write(rel, renderer.render("404.html", &ctx)?.as_bytes())?;

        if !conversations {
            return self.write_feeds(contents, sink);
        }
        // The two walks over every comment of the site run side by side.
        let (page, feeds) = rayon::join(
            || engagement::render_engagement_page(site, renderer, urls, &self.site_view, sink),
            || {
                self.write_feeds(contents, sink)?;
                sink.write(
                    SitePage::Comments.rel(),
                    engagement::comments_feed(site, renderer, urls).as_bytes(),
                )
            },
        );
        page.and(feeds)
    }

    fn write_feeds(&self, contents: &[String], sink: &dyn Sink) -> Result<()> {
        let (site, urls, tags) = (self.site, &self.urls, &self.tags);
        let config = &site.config;
        let author = config.author_name.as_deref().unwrap_or(&config.title);
        let entries: Vec<FeedEntry<'_>> = site
            .posts
            .iter()
            .zip(contents)
            .filter_map(|(e, content)| {
                let published = e.doc.date?;
                Some(FeedEntry {
                    title: &e.doc.title,
                    permalink: urls.permalink(&e.doc.path),
                    published,
                    updated: e.doc.updated.unwrap_or(published).max(published),
                    content,
                    author,
                })
            })
            .take(config.feed_posts)
            .collect();
        let atom = feeds::atom(
            &config.title,
            &urls.permalink(SitePage::Atom.rel()),
            &config.base_url,
            author,
            &entries,
        );
        sink.write(SitePage::Atom.rel(), atom.as_bytes())?;

        let mut pages: Vec<(String, Option<Date>)> = vec![(
            urls.permalink(urls::HOME),
            site.posts.first().and_then(|p| p.doc.date),
        )];
        for e in site.posts.iter().chain(&site.pages) {
            pages.push((urls.permalink(&e.doc.path), e.doc.updated.or(e.doc.date)));
        }
        pages.push((urls.permalink(SitePage::TagIndex.rel()), None));
        pages.push((urls.permalink(SitePage::Engagement.rel()), None));
        pages.extend(
            tags.keys()
                .map(|slug| (urls.permalink(&urls::tag(slug)), None)),
        );
        sink.write(SitePage::Sitemap.rel(), feeds::sitemap(&pages).as_bytes())?;
        sink.write(
            SitePage::Robots.rel(),
            feeds::robots(&urls.permalink(SitePage::Sitemap.rel())).as_bytes(),
        )
    }
}

fn site_view(site: &Site, urls: &Urls) -> SiteView {
    let c = &site.config;
    let mut pages: Vec<LinkView> = site
        .pages
        .iter()
        .filter(|p| !p.doc.path.trim_end_matches('/').contains('/'))
        .map(|p| LinkView {
            title: p.doc.title.clone(),
            url: urls.path(&p.doc.path),
        })
        .collect();
    pages.sort_by(|a, b| a.title.cmp(&b.title));
    SiteView {
        title: c.title.clone(),
        description: c.description.clone(),
        language: c.language.clone(),
        base_url: c.base_url.clone(),
        base_path: c.base_path.clone(),
        author: c.author_name.clone(),
        pages,
        extra: c.extra.clone(),
    }
}

/// Tag slug → (link, indices of its posts in `site.posts`), sorted by slug.
pub(crate) type TagIndex = BTreeMap<String, (TagLinkView, Vec<usize>)>;

fn collect_tags(posts: &[Entry], urls: &Urls) -> TagIndex {
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

fn tag_links(entry: &Entry, tags: &TagIndex) -> Vec<TagLinkView> {
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

fn first_paragraph(html: &str) -> &str {
    match (html.find("<p>"), html.find("</p>")) {
        (Some(start), Some(end)) if start < end => &html[start..end + 4],
        _ => "",
    }
}

/// A paginated list of posts: the index, or a tag's page.
pub(crate) struct PostList<'a> {
    /// Where page 1 lives: `""` or `tags/<slug>/`.
    pub(crate) prefix: String,
    template: &'static str,
    tag: Option<&'a TagLinkView>,
    /// Indices into `site.posts`, newest first.
    pub(crate) members: Vec<usize>,
}

impl PostList<'_> {
    pub(crate) fn page_count(&self, per_page: usize) -> usize {
        self.members.len().div_ceil(per_page).max(1)
    }
}

/// The default theme's files, then the theme's, then the site's `static/`, then
/// content assets; later ones win. Hidden and editor files are not published.
fn copy_static(site: &Site, sink: &dyn Sink) -> Result<usize> {
    let config = &site.config;
    let mut files: BTreeMap<String, StaticSource> = BTreeMap::new();
    // Like templates, a theme inherits the default theme's files it does not replace.
    for (name, text) in DEFAULT_STATIC {
        files.insert(name.to_string(), StaticSource::Embedded(text));
    }
    if let Some(theme) = config.theme_dir() {
        list_files(&theme.join("static"), &mut files)?;
    }
    list_files(&config.static_dir(), &mut files)?;
    for (from, to) in &site.assets {
        files.insert(to.clone(), StaticSource::File(config.root.join(from)));
    }
    files
        .par_iter()
        .try_for_each(|(rel, source)| match source {
            StaticSource::Embedded(text) => sink.write(rel, text.as_bytes()),
            StaticSource::File(path) => sink.copy(rel, path),
        })?;
    Ok(files.len())
}

enum StaticSource {
    Embedded(&'static str),
    File(PathBuf),
}

fn list_files(dir: &Path, files: &mut BTreeMap<String, StaticSource>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(dir, "cannot list", e.into()))?;
        let hidden = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths under its root")
            .iter()
            .any(|part| crate::content::is_ignored(&part.to_string_lossy()));
        if !entry.file_type().is_file() || hidden {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths under its root")
            .to_string_lossy()
            .replace('\\', "/");
        files.insert(rel, StaticSource::File(entry.path().to_path_buf()));
    }
    Ok(())
}
