//! The pages made of the whole site, once each: the tag index, the 404 page, the
//! conversations page, the feeds, the sitemap and robots.txt.

use crate::config::DeployHost;
use crate::dates::Date;
use crate::error::Result;
use crate::render::context::TemplateContext;
use crate::render::feeds::{self, Feed, FeedEntry, FeedFormat};
use crate::site::build::Bodies;
use crate::site::engagement;
use crate::site::pages::Pass;
use crate::site::urls::{self, SitePage};

impl Pass<'_> {
    /// Renders `page`; `bodies` holds the rendered body of every post the posts feed
    /// shows.
    pub(crate) fn render_site_page(&self, page: SitePage, bodies: &Bodies<'_>) -> Result<String> {
        let (site, renderer, urls) = (self.site, self.renderer, &self.urls);
        Ok(match page {
            SitePage::TagIndex => self.render_tag_index()?,
            SitePage::NotFound => {
                let rel = page.rel();
                let mut ctx =
                    TemplateContext::new(&self.site_view, urls.path(rel), urls.permalink(rel));
                ctx.page_title = "Page not found".into();
                renderer.render("404.html", &ctx)?
            }
            SitePage::Engagement => {
                engagement::render_engagement_page(site, renderer, urls, &self.site_view)?
            }
            SitePage::CommentsFeed(format) => {
                engagement::comments_feed(site, renderer, urls, format)
            }
            SitePage::PostsFeed(format) => self.posts_feed(format, bodies),
            SitePage::Sitemap => self.sitemap(),
            SitePage::Robots => feeds::robots(&urls.permalink(SitePage::Sitemap.rel())),
            SitePage::Redirects => self.redirects(),
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
            .filter_map(|e| {
                let published = e.doc.date?;
                Some(FeedEntry {
                    title: &e.doc.title,
                    permalink: urls.permalink(&e.doc.path),
                    published,
                    updated: e.doc.updated.unwrap_or(published).max(published),
                    content: bodies.content(e),
                    author,
                })
            })
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

    /// Every alias of a post or page, as a redirect to its address.
    fn redirects(&self) -> String {
        let (site, urls) = (self.site, &self.urls);
        let pairs: Vec<(String, String)> = (site.posts.iter().chain(&site.pages))
            .flat_map(|e| {
                let to = urls.path(&e.doc.path);
                e.doc
                    .aliases
                    .iter()
                    .map(move |a| (urls.path(a), to.clone()))
            })
            .collect();
        let force = site.config.deploy_host == Some(DeployHost::Netlify);
        feeds::redirects(&pairs, force)
    }

    fn sitemap(&self) -> String {
        let (site, urls) = (self.site, &self.urls);
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
            self.tags
                .keys()
                .map(|slug| (urls.permalink(&urls::tag(slug)), None)),
        );
        feeds::sitemap(&pages)
    }
}
