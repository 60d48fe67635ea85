//! Turning the site model into text: templates (tera), markdown, sanitising of reader
//! comments, template views and feeds. Nothing here touches the filesystem except
//! loading templates.

pub mod context;
pub mod default_theme;
pub mod escape;
pub mod feeds;
pub mod highlight;
pub mod i18n;
pub mod markdown;
mod plain_comment;
pub mod sanitize;
pub mod templates;
pub mod thread;

use crate::config::SiteConfig;
use crate::error::Result;
use context::TemplateContext;
use markdown::Markdown;
use sanitize::Sanitizer;

/// Everything needed to render pages, built once per build.
pub struct Renderer {
    tera: tera::Tera,
    sources: templates::Sources,
    /// The templates that may read `page.thread.comments`
    /// (`templates::reading_comment_lists`).
    comment_lists: std::collections::BTreeSet<String>,
    /// Whether lists of posts may be drawn in Rust (`templates::default_post_list`).
    default_post_list: bool,
    /// The templates that may read the conversations page's lists
    /// (`templates::ENGAGEMENT_LISTS`).
    engagement_lists: std::collections::BTreeSet<String>,
    /// Those of `default_theme::TEMPLATES` that, with all they reach, are the default
    /// theme's: their pages are written by `default_theme::page`.
    default_pages: Vec<&'static str>,
    strings: std::sync::Arc<i18n::Strings>,
    pub markdown: Markdown,
    pub sanitizer: Sanitizer,
}

impl Renderer {
    pub fn new(config: &SiteConfig) -> Result<Self> {
        let (mut tera, sources) = templates::load(config)?;
        tera.register_function("t", i18n::Translate(config.strings.clone()));
        Ok(Renderer {
            comment_lists: templates::reading_comment_lists(&tera),
            default_post_list: templates::default_post_list(&tera, &sources),
            engagement_lists: templates::reading(&tera, &templates::ENGAGEMENT_LISTS),
            default_pages: (default_theme::TEMPLATES.into_iter())
                .filter(|name| templates::default_tree(&tera, &sources, name))
                .collect(),
            strings: config.strings.clone(),
            tera,
            sources,
            markdown: Markdown::new(&config.base_path).with_labels(
                config.strings.text("task_done"),
                config.strings.text("task_not_done"),
                config.strings.text("table"),
            ),
            sanitizer: Sanitizer::default(),
        })
    }

    /// Whether a template of this name exists (theme or site).
    pub fn has_template(&self, name: &str) -> bool {
        self.tera.get_template_names().any(|n| n == name)
    }

    /// Whether rendering `template` may read `page.thread.comments`; without it, a
    /// page needs only the thread's count and markup.
    pub fn reads_comment_list(&self, template: &str) -> bool {
        self.comment_lists.contains(template)
    }

    /// Whether the default theme's markup of a list of posts, written in Rust, is the
    /// one the site's macros would draw.
    pub fn draws_default_post_list(&self) -> bool {
        self.default_post_list
    }

    /// Whether pages of `template` are written in Rust (`default_theme`), so that no
    /// value of their context is read by a template.
    pub fn draws_natively(&self, template: &str) -> bool {
        self.default_pages.contains(&template)
    }

    /// Whether rendering `template` may read the conversations page's lists; without
    /// them, it needs the page's figures and markup.
    pub fn reads_engagement_lists(&self, template: &str) -> bool {
        self.engagement_lists.contains(template)
    }

    /// Renders `template` with `context`.
    pub fn render(&self, template: &str, context: &TemplateContext<'_>) -> Result<String> {
        if self.draws_natively(template) {
            if let Some(html) = default_theme::page(template, context, &self.strings) {
                return Ok(html);
            }
        }
        let ctx = tera::Context::from_serialize(context)
            .map_err(|e| self.sources.error(template, &e, None))?;
        self.tera
            .render(template, &ctx)
            .map_err(|e| self.sources.error(template, &e, Some(&ctx)))
    }
}
