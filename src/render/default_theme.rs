//! The default theme's pages of posts and lists of posts, written in Rust: the bytes
//! `post.html`, `index.html`, `tag.html` and `category.html` (with `base.html` and
//! what they include) draw, without tera. Tera looks every variable up by its dotted
//! path and is handed the page as a tree of values; together that was a fifth of a
//! build. `Renderer` writes a page here only while every template its template
//! reaches is the default theme's (`templates::default_tree`); a theme or site
//! changing any of them gets its own markup through tera, and a test checks both
//! give the same pages.

use crate::render::context::{
    DateView, FeedLinkView, LinkView, PageView, TagLinkView, TemplateContext,
};
use crate::render::escape::{escape_html, escape_html_into, print_alike, prints};
use crate::render::i18n::Strings;

/// The templates this module can draw.
pub const TEMPLATES: [&str; 4] = ["post.html", "index.html", "tag.html", "category.html"];

/// The page `template` (one of `TEMPLATES`) draws with `ctx`; `None` when `ctx` is
/// not what that template is given.
pub fn page(template: &str, ctx: &TemplateContext<'_>, strings: &Strings) -> Option<String> {
    match template {
        "post.html" => Some(post_page(ctx, ctx.page?, strings)),
        "index.html" | "tag.html" | "category.html" => list_page(template, ctx, strings),
        _ => None,
    }
}

/// A post's page, as `post.html` draws `ctx` (whose `page` is the post).
fn post_page(ctx: &TemplateContext<'_>, page: &PageView, strings: &Strings) -> String {
    let mut out = String::with_capacity(page.content.len() + page.thread.html.len() + 8192);
    let w = Writer {
        out: &mut out,
        strings,
    };
    w.layout(
        ctx,
        Some(page),
        "article",
        &mut |w| w.post_head(page),
        &mut |w| w.post_content(page, ctx),
    );
    out
}

/// A page of a list of posts: the index's (`index.html`), a tag's (`tag.html`) or a
/// category's (`category.html`).
fn list_page(template: &str, ctx: &TemplateContext<'_>, strings: &Strings) -> Option<String> {
    let (posts, pagination) = (ctx.posts_html.as_deref()?, ctx.pagination.as_ref()?);
    let (title, feeds): (String, &[FeedLinkView]) = match template {
        "tag.html" => {
            let tag = ctx.tag?;
            (strings.fill("tagged", &[("tag", &tag.name)]), &tag.feeds)
        }
        "category.html" => {
            let term = ctx.term?;
            let title = strings.fill("in_category", &[("category", &term.name)]);
            (title, &term.feeds)
        }
        _ if pagination.current > 1 => {
            let title = strings.count("posts_page", pagination.current as u64, &[]);
            (title, &[])
        }
        _ => (strings.fill("latest_posts", &[]), &[]),
    };
    let mut out = String::with_capacity(posts.len() + 8192);
    let w = Writer {
        out: &mut out,
        strings,
    };
    w.layout(
        ctx,
        None,
        "website",
        &mut |w| w.feed_links(feeds, &title),
        &mut |w| {
            w.raw("\n<h1 class=\"page-title\">");
            w.text(&title);
            w.raw("</h1>\n");
            w.raw(posts);
            w.raw("\n");
            if pagination.total > 1 {
                w.raw("<nav class=\"pagination\" aria-label=\"");
                w.t("pagination");
                w.raw("\">\n");
                if let Some(prev) = pagination.prev.as_deref().filter(|p| prints(p)) {
                    w.raw("<a rel=\"prev\" href=\"");
                    w.text(prev);
                    w.raw("\">");
                    w.t("newer_posts");
                    w.raw("</a>");
                }
                w.raw("\n<span class=\"page-number\">");
                let total = pagination.total.to_string();
                w.count("page_of", pagination.current, &[("total", &total)]);
                w.raw("</span>\n");
                if let Some(next) = pagination.next.as_deref().filter(|n| prints(n)) {
                    w.raw("<a rel=\"next\" href=\"");
                    w.text(next);
                    w.raw("\">");
                    w.t("older_posts");
                    w.raw("</a>");
                }
                w.raw("\n</nav>");
            }
            w.raw("\n");
        },
    );
    Some(out)
}

/// Writes markup into `out`, text escaped, words from `strings`.
struct Writer<'a> {
    out: &'a mut String,
    strings: &'a Strings,
}

impl Writer<'_> {
    fn raw(&mut self, markup: &str) {
        self.out.push_str(markup);
    }

    fn text(&mut self, text: &str) {
        escape_html_into(self.out, text);
    }

    /// `{{ t(key=key) }}`.
    fn t(&mut self, key: &str) {
        let text = self.strings.fill(key, &[]);
        self.text(&text);
    }

    /// `{{ t(key=key, n=n, …) }}`.
    fn count(&mut self, key: &str, n: usize, args: &[(&str, &str)]) {
        let text = self.strings.count(key, n as u64, args);
        self.text(&text);
    }

    /// `base.html`, its blocks `og_type`, `head` and `content` given.
    fn layout(
        mut self,
        ctx: &TemplateContext<'_>,
        page: Option<&PageView>,
        og_type: &str,
        head: &mut dyn FnMut(&mut Self),
        content: &mut dyn FnMut(&mut Self),
    ) {
        let site = ctx.site;
        // Values are tested as a template tests them with `if` and `==`: as they print
        // (`escape::prints`); its `is` tests take them as they are.
        fn shown(s: &Option<String>) -> Option<&str> {
            s.as_deref().filter(|s| prints(s))
        }
        self.raw("<!DOCTYPE html>\n<html lang=\"");
        self.text(&site.language);
        self.raw("\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<title>");
        if prints(&ctx.page_title) {
            self.text(&ctx.page_title);
            self.raw(" · ");
        }
        self.text(&site.title);
        self.raw("</title>\n");
        let mut description = site.description.clone();
        let mut image = shown(&site.image);
        if let Some(page) = page {
            if prints(&page.description) {
                description.clone_from(&page.description);
            }
            if let Some(own) = shown(&page.image) {
                image = Some(own);
            }
        }
        if prints(&description) {
            self.raw("<meta name=\"description\" content=\"");
            self.text(&description);
            self.raw("\">\n");
        }
        self.raw("<link rel=\"canonical\" href=\"");
        self.text(&ctx.canonical);
        self.raw("\">\n<meta property=\"og:site_name\" content=\"");
        self.text(&site.title);
        self.raw("\">\n<meta property=\"og:title\" content=\"");
        if !prints(&ctx.page_title) {
            self.text(&site.title);
        } else {
            self.text(&ctx.page_title);
        }
        self.raw("\">\n<meta property=\"og:type\" content=\"");
        self.raw(og_type);
        self.raw("\">\n<meta property=\"og:url\" content=\"");
        self.text(&ctx.canonical);
        self.raw("\">\n");
        if prints(&description) {
            self.raw("<meta property=\"og:description\" content=\"");
            self.text(&description);
            self.raw("\">\n");
        }
        match &image {
            Some(image) => {
                self.raw("<meta property=\"og:image\" content=\"");
                self.text(image);
                self.raw("\">\n<meta name=\"twitter:card\" content=\"summary_large_image\">\n");
            }
            None => self.raw("<meta name=\"twitter:card\" content=\"summary\">\n"),
        }
        if let Some(favicon) = shown(&site.favicon) {
            self.raw("<link rel=\"icon\" href=\"");
            self.text(favicon);
            self.raw("\"");
            // `is ending_with` tests the value as it is, not as it prints.
            if favicon.ends_with(".svg") {
                self.raw(" type=\"image/svg+xml\"");
            }
            self.raw(">\n");
        }
        for link in &site.author_links {
            self.raw("<link rel=\"me\" href=\"");
            self.text(link);
            self.raw("\">\n");
        }
        if let Some(endpoint) = shown(&site.webmention_endpoint) {
            self.raw("<link rel=\"webmention\" href=\"");
            self.text(endpoint);
            self.raw("\">\n");
        }
        self.raw("<link rel=\"stylesheet\" href=\"");
        self.text(&site.base_path);
        self.raw("style.css\">\n");
        if let Some(css) = shown(&site.highlight_css) {
            self.raw("<link rel=\"stylesheet\" href=\"");
            self.text(css);
            self.raw("\">\n");
        }
        self.feed_links(&site.feeds.posts, &site.title);
        let comments_title = (self.strings).fill("comments_feed_title", &[("site", &site.title)]);
        self.feed_links(&site.feeds.comments, &comments_title);
        head(&mut self);
        self.raw("\n</head>\n<body>\n<a class=\"skip-link\" href=\"#main\">");
        self.t("skip_to_content");
        self.raw("</a>\n<header class=\"site-header\">\n<a class=\"site-title\" href=\"");
        self.text(&site.base_path);
        self.raw("\">");
        self.text(&site.title);
        self.raw("</a>\n");
        if prints(&site.description) {
            self.raw("<p class=\"site-description\">");
            self.text(&site.description);
            self.raw("</p>");
        }
        self.raw("\n<nav class=\"site-nav\" aria-label=\"");
        self.t("site_navigation");
        self.raw("\">\n<ul>\n");
        let current = ctx.current_path.as_str();
        self.nav_link(
            &site.base_path,
            "posts",
            print_alike(current, &site.base_path),
        );
        for x in &site.taxonomies {
            self.raw("<li><a href=\"");
            self.text(&x.url);
            self.raw("\"");
            if print_alike(current, &x.url) {
                self.raw(" aria-current=\"page\"");
            } else if current.starts_with(&x.url) {
                self.raw(" aria-current=\"true\"");
            }
            self.raw(">");
            self.text(&x.title);
            self.raw("</a></li>\n");
        }
        for (page, key) in [("engagement/", "conversations"), ("search/", "search")] {
            let url = format!("{}{page}", site.base_path);
            self.nav_link(&url, key, print_alike(current, &url));
        }
        for link in site.pages.iter().chain(&site.menu) {
            self.link_item(link, current);
        }
        self.raw("</ul>\n</nav>\n</header>\n<main id=\"main\" class=\"content\">\n");
        content(&mut self);
        self.raw("\n</main>\n<footer class=\"site-footer\">\n<p>");
        self.text(&site.title);
        if let Some(author) = shown(&site.author) {
            self.raw(" · ");
            self.text(author);
        }
        self.raw("</p>\n");
        if !site.author_links.is_empty() {
            self.raw("<ul class=\"author-links\" aria-label=\"");
            self.t("elsewhere");
            self.raw("\">\n");
            for link in &site.author_links {
                self.raw("<li><a rel=\"me\" href=\"");
                self.text(link);
                self.raw("\">");
                let shown = link.replace("https://", "").replace("http://", "");
                self.text(shown.trim_end_matches('/'));
                self.raw("</a></li>\n");
            }
            self.raw("</ul>\n");
        }
        self.raw("<p><a href=\"");
        self.text(site.feeds.posts.first().map_or("", |f| f.url.as_str()));
        self.raw("\">");
        self.t("posts_feed");
        self.raw("</a> · <a href=\"");
        self.text(site.feeds.comments.first().map_or("", |f| f.url.as_str()));
        self.raw("\">");
        self.t("comments_feed");
        self.raw("</a></p>\n</footer>\n</body>\n</html>\n");
    }

    /// `<link rel="alternate">` to each of `feeds`, titled `title` (and the feed's
    /// format when there are several).
    fn feed_links(&mut self, feeds: &[FeedLinkView], title: &str) {
        for feed in feeds {
            self.raw("<link rel=\"alternate\" type=\"");
            self.text(&feed.media_type);
            self.raw("\" title=\"");
            self.text(title);
            if feeds.len() > 1 {
                self.raw(" (");
                self.text(&feed.format);
                self.raw(")");
            }
            self.raw("\" href=\"");
            self.text(&feed.url);
            self.raw("\">\n");
        }
    }

    /// An item of the site's navigation, its words the string `key`.
    fn nav_link(&mut self, url: &str, key: &str, is_current: bool) {
        self.raw("<li><a href=\"");
        self.text(url);
        self.raw("\"");
        if is_current {
            self.raw(" aria-current=\"page\"");
        }
        self.raw(">");
        self.t(key);
        self.raw("</a></li>\n");
    }

    /// A page or menu entry of the site's navigation.
    fn link_item(&mut self, link: &LinkView, current: &str) {
        self.raw("<li><a href=\"");
        self.text(&link.url);
        self.raw("\"");
        if print_alike(current, &link.url) {
            self.raw(" aria-current=\"page\"");
        }
        self.raw(">");
        self.text(&link.title);
        self.raw("</a></li>\n");
    }

    /// `post.html`'s `head` block.
    fn post_head(&mut self, page: &PageView) {
        let meta = |w: &mut Self, property: &str, content: &str| {
            w.raw("<meta property=\"");
            w.raw(property);
            w.raw("\" content=\"");
            w.text(content);
            w.raw("\">\n");
        };
        if let Some(date) = &page.date {
            meta(self, "article:published_time", &date.iso);
        }
        if let Some(updated) = &page.updated {
            meta(self, "article:modified_time", &updated.iso);
        }
        if let Some(category) = page.categories.first() {
            meta(self, "article:section", &category.name);
        }
        for tag in &page.tags {
            meta(self, "article:tag", &tag.name);
        }
    }

    /// `post.html`'s `content` block.
    fn post_content(&mut self, page: &PageView, ctx: &TemplateContext<'_>) {
        self.raw(
            "\n<article class=\"post\">\n<header class=\"post-header\">\n<h1 class=\"post-title\">",
        );
        self.text(&page.title);
        self.raw("</h1>\n<p class=\"post-meta\">");
        if let Some(date) = &page.date {
            self.time(date, &date.human);
        }
        if page.reading_time > 0 {
            if page.date.is_some() {
                self.raw(" · ");
            }
            self.raw("<span class=\"reading-time\">");
            self.count("reading_time", page.reading_time, &[]);
            self.raw("</span>");
        }
        if let Some(updated) = &page.updated {
            self.raw(" <span class=\"updated\">(");
            self.t("updated");
            self.raw(" ");
            self.time(updated, &updated.human);
            self.raw(")</span>");
        }
        if page.draft {
            self.raw(" <span class=\"draft-marker\">");
            self.t("draft");
            self.raw("</span>");
        }
        self.raw("</p>\n");
        if !page.categories.is_empty() {
            self.terms(
                &page.categories,
                (" category-list", " category"),
                "categories",
            );
            self.raw("\n");
        }
        if !page.tags.is_empty() {
            self.terms(&page.tags, ("", ""), "tags");
        }
        self.raw("\n</header>\n");
        self.toc(page);
        self.raw("\n<div class=\"post-body\">\n");
        self.raw(&page.content);
        self.raw("\n</div>\n</article>\n");
        self.related(page);
        self.raw("\n");
        self.conversation(page, ctx);
        self.raw("\n");
        if page.newer.is_some() || page.older.is_some() {
            self.raw("<nav class=\"post-nav\" aria-label=\"");
            self.t("more_posts");
            self.raw("\">\n");
            if let Some(older) = &page.older {
                self.raw("<a rel=\"prev\" href=\"");
                self.text(&older.url);
                self.raw("\">← ");
                self.text(&older.title);
                self.raw("</a>");
            }
            self.raw("\n");
            if let Some(newer) = &page.newer {
                self.raw("<a rel=\"next\" href=\"");
                self.text(&newer.url);
                self.raw("\">");
                self.text(&newer.title);
                self.raw(" →</a>");
            }
            self.raw("\n</nav>");
        }
        self.raw("\n");
    }

    /// A post's tags or categories: the list's and each link's extra class, and the
    /// string naming the list.
    fn terms(&mut self, terms: &[TagLinkView], (list, link): (&str, &str), label: &str) {
        self.raw("<ul class=\"tag-list");
        self.raw(list);
        self.raw("\" aria-label=\"");
        self.t(label);
        self.raw("\">\n");
        for term in terms {
            self.raw("<li><a class=\"tag");
            self.raw(link);
            self.raw("\" href=\"");
            self.text(&term.url);
            self.raw("\">");
            self.text(&term.name);
            self.raw("</a></li>\n");
        }
        self.raw("</ul>");
    }

    /// `<time datetime="…">shown</time>`.
    fn time(&mut self, date: &DateView, shown: &str) {
        self.raw("<time datetime=\"");
        self.text(&date.iso);
        self.raw("\">");
        self.text(shown);
        self.raw("</time>");
    }

    /// `partials/toc.html`.
    fn toc(&mut self, page: &PageView) {
        if page.show_toc && !page.toc.is_empty() {
            self.raw("<nav class=\"toc\" aria-label=\"");
            self.t("contents");
            self.raw("\">\n<p class=\"toc-title\">");
            self.t("contents");
            self.raw("</p>\n<ol>\n");
            for h in &page.toc {
                self.toc_link(&h.id, &h.title);
                if !h.children.is_empty() {
                    self.raw("\n<ol>\n");
                    for c in &h.children {
                        self.toc_link(&c.id, &c.title);
                        self.raw("</li>\n");
                    }
                    self.raw("</ol>");
                }
                self.raw("</li>\n");
            }
            self.raw("</ol>\n</nav>\n");
        }
        self.raw("\n");
    }

    fn toc_link(&mut self, id: &str, title: &str) {
        self.raw("<li><a href=\"#");
        self.text(id);
        self.raw("\">");
        self.text(title);
        self.raw("</a>");
    }

    /// `partials/related.html`.
    fn related(&mut self, page: &PageView) {
        if !page.related.is_empty() {
            self.raw("<nav class=\"related-posts\" aria-labelledby=\"related-posts-title\">\n<h2 id=\"related-posts-title\">");
            self.t("related_posts");
            self.raw("</h2>\n<ul>\n");
            for r in &page.related {
                self.raw("<li><a href=\"");
                self.text(&r.url);
                self.raw("\">");
                self.text(&r.title);
                self.raw("</a>");
                if let Some(date) = &r.date {
                    self.raw(" ");
                    self.time(date, &date.human);
                }
                self.raw("</li>\n");
            }
            self.raw("</ul>\n</nav>\n");
        }
        self.raw("\n");
    }

    /// `thread.html`: the conversation's section, its figures, and the comments'
    /// markup made by `render::thread`.
    fn conversation(&mut self, page: &PageView, ctx: &TemplateContext<'_>) {
        let e = &page.engagement;
        let who = match ctx.site.author.as_deref().filter(|a| prints(a)) {
            Some(author) => author.to_string(),
            None => self.strings.fill("the_author", &[]),
        };
        let who = who.as_str();
        self.raw("<section class=\"conversation\" id=\"conversation\" aria-labelledby=\"conversation-title\">\n<h2 id=\"conversation-title\">");
        self.t("conversation");
        self.raw("</h2>\n");
        let reply_email = page.reply_email.as_deref().filter(|a| prints(a));
        if !page.reply_elsewhere.is_empty() || reply_email.is_some() {
            self.raw("<p class=\"reply-elsewhere\">");
            for (i, r) in page.reply_elsewhere.iter().enumerate() {
                if i > 0 {
                    self.raw(" · ");
                }
                self.raw("<a href=\"");
                self.text(&r.url);
                self.raw("\" rel=\"nofollow noopener\">");
                let text = self.strings.fill("reply_on", &[("name", &r.name)]);
                self.text(&text);
                self.raw("</a>");
            }
            if let Some(address) = reply_email {
                if !page.reply_elsewhere.is_empty() {
                    self.raw(" · ");
                }
                self.raw("<a href=\"");
                self.text(address);
                self.raw("\">");
                self.t("reply_by_email");
                self.raw("</a>");
            }
            self.raw("</p>\n");
        }
        let r = &page.thread.reactions;
        if r.total > 0 {
            self.raw("<p class=\"reactions\">");
            if r.likes > 0 {
                self.count("likes", r.likes, &[]);
            }
            if r.likes > 0 && r.reposts + r.bookmarks > 0 {
                self.raw(" · ");
            }
            if r.reposts > 0 {
                self.count("reposts", r.reposts, &[]);
            }
            if r.reposts > 0 && r.bookmarks > 0 {
                self.raw(" · ");
            }
            if r.bookmarks > 0 {
                self.count("bookmarks", r.bookmarks, &[]);
            }
            self.raw("</p>\n");
        }
        if page.thread.count == 0 {
            self.raw("<p class=\"no-comments\">");
            self.t("no_comments");
            self.raw("</p>\n</section>\n");
            return;
        }
        self.raw("<details class=\"engagement-details\">\n<summary class=\"engagement-summary\">");
        if e.reader_comments > 0 {
            self.count("comment_count", e.reader_comments, &[]);
            self.count("from_readers", e.participants, &[]);
            if e.answered > 0 {
                self.raw(" · ");
                self.count("who_answered", e.answered, &[("who", who)]);
            } else if e.author_replies > 0 {
                self.raw(" · ");
                let text = self.strings.fill("who_joined_in", &[("who", who)]);
                self.text(&text);
            }
        } else if e.author_replies > 0 {
            self.count("author_only_comments", e.author_replies, &[("who", who)]);
        } else {
            self.t("only_mentions");
        }
        self.raw("</summary>\n<dl class=\"engagement-figures\">\n");
        self.figure_number("figure_comments", &[], e.comments);
        self.figure_number("figure_participants", &[], e.participants);
        self.figure_number("figure_author_replies", &[("who", who)], e.author_replies);
        if let Some(rate) = e.reply_rate {
            let (answered, total, rate) = (
                e.answered.to_string(),
                e.reader_comments.to_string(),
                rate.to_string(),
            );
            let share = self.strings.fill(
                "answered_share",
                &[("answered", &answered), ("total", &total), ("rate", &rate)],
            );
            self.figure("figure_answered", &[], &escape_html(&share));
        }
        let deepest = escape_html(&self.strings.count("comment_count", e.deepest as u64, &[]));
        self.figure("figure_deepest", &[], &deepest);
        if e.back_and_forth > 0 {
            self.figure_number("figure_back_and_forth", &[("who", who)], e.back_and_forth);
        }
        if let Some(median) = e.median_reply_time.as_deref().filter(|m| prints(m)) {
            self.figure("figure_median_reply", &[], &escape_html(median));
        }
        if let Some(last) = &e.last_activity {
            let time = format!(
                "<time datetime=\"{}\">{}</time>",
                escape_html(&last.iso),
                escape_html(&last.human)
            );
            self.figure("figure_last_activity", &[], &time);
        }
        self.raw("</dl>\n</details>\n");
        self.raw(&page.thread.html);
        self.raw("</section>\n");
    }

    /// `<div><dt>label</dt><dd>value</dd></div>`, the label the string `key` filled
    /// with `args`, `value` markup.
    fn figure(&mut self, key: &str, args: &[(&str, &str)], value: &str) {
        self.raw("<div><dt>");
        let label = self.strings.fill(key, args);
        self.text(&label);
        self.raw("</dt><dd>");
        self.raw(value);
        self.raw("</dd></div>\n");
    }

    fn figure_number(&mut self, key: &str, args: &[(&str, &str)], n: usize) {
        self.figure(key, args, &n.to_string());
    }
}
