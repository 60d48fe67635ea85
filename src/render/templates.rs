//! Loading templates: the default theme is compiled into the binary; `theme = "NAME"`
//! reads `themes/NAME/templates/` over it; the site's own `templates/` overrides same-named
//! theme templates. Every theme template is also registered as `theme/<name>` so an
//! override can `{% extends "theme/post.html" %}`.

use std::collections::BTreeMap;
use std::path::Path;

use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::error::{read_text, Error, Result};

/// The default theme's templates, compiled in so a site needs no theme folder.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../themes/default/templates/base.html"),
    ),
    (
        "index.html",
        include_str!("../../themes/default/templates/index.html"),
    ),
    (
        "post.html",
        include_str!("../../themes/default/templates/post.html"),
    ),
    (
        "page.html",
        include_str!("../../themes/default/templates/page.html"),
    ),
    (
        "tag.html",
        include_str!("../../themes/default/templates/tag.html"),
    ),
    (
        "tags.html",
        include_str!("../../themes/default/templates/tags.html"),
    ),
    (
        "engagement.html",
        include_str!("../../themes/default/templates/engagement.html"),
    ),
    (
        "404.html",
        include_str!("../../themes/default/templates/404.html"),
    ),
    (
        "alias.html",
        include_str!("../../themes/default/templates/alias.html"),
    ),
    (
        "macros.html",
        include_str!("../../themes/default/templates/macros.html"),
    ),
    (
        "thread.html",
        include_str!("../../themes/default/templates/thread.html"),
    ),
];

/// The default theme's static files.
pub const DEFAULT_STATIC: &[(&str, &str)] = &[(
    "style.css",
    include_str!("../../themes/default/static/style.css"),
)];

/// Compiles the templates of the site configured by `config`.
pub fn load(config: &SiteConfig) -> Result<tera::Tera> {
    // A theme inherits every template it does not define from the default theme, so
    // a theme may be as small as one file and still gets pages added later.
    let mut theme: BTreeMap<String, String> = DEFAULT_TEMPLATES
        .iter()
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    if let Some(dir) = config.theme_dir() {
        theme.extend(read_dir_templates(&dir.join("templates"))?);
    }
    let site: BTreeMap<String, String> = read_dir_templates(&config.templates_dir())?
        .into_iter()
        .collect();
    let aliases: Vec<(String, String)> = theme
        .iter()
        .map(|(n, t)| (format!("theme/{n}"), t.clone()))
        .collect();
    theme.extend(site);
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".htm"]);
    // Tera's own escaper also escapes `/`, which makes every URL unreadable in the
    // output; ours escapes exactly what HTML text and quoted attributes need.
    tera.set_escape_fn(crate::render::markdown::escape_html);
    tera.add_raw_templates(aliases.into_iter().chain(theme))
        .map_err(|e| template_error("", &e))?;
    Ok(tera)
}

fn read_dir_templates(dir: &Path) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    if !dir.is_dir() {
        return Ok(out);
    }
    for entry in WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(dir, "cannot list", e.into()))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::content::is_ignored(&name) {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths under its root");
        let name = rel.to_string_lossy().replace('\\', "/");
        out.push((name, read_text(entry.path())?));
    }
    Ok(out)
}

/// A tera error with its whole cause chain (tera puts the useful part, with the
/// line, in the sources).
pub fn template_error(name: &str, e: &tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str("\n  caused by: ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    Error::Template {
        name: name.to_string(),
        message,
        help: "fix the template (the line above is in the template file)".into(),
    }
}
