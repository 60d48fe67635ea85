//! Loading templates: the default theme is compiled into the binary; `theme = "NAME"`
//! reads `themes/NAME/templates/` over it; the site's own `templates/` overrides same-named
//! theme templates. Every theme template is also registered as `theme/<name>` so a
//! site override can `{% extends "theme/post.html" %}`, and every default template
//! as `default/<name>` so a theme can extend those.

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
    (
        "partials/thread.html",
        include_str!("../../themes/default/templates/partials/thread.html"),
    ),
    (
        "partials/thread-loop.html",
        include_str!("../../themes/default/templates/partials/thread-loop.html"),
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
        .chain(
            DEFAULT_TEMPLATES
                .iter()
                .map(|(n, t)| (format!("default/{n}"), t.to_string())),
        )
        .collect();
    theme.extend(site);
    let all: BTreeMap<&str, &str> = aliases
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .chain(theme.iter().map(|(n, t)| (n.as_str(), t.as_str())))
        .collect();
    check_extends(&all)?;
    let mut tera = tera::Tera::default();
    tera.autoescape_on(vec![".html", ".htm"]);
    // Tera's own escaper also escapes `/`, which makes every URL unreadable in the
    // output; ours escapes exactly what HTML text and quoted attributes need.
    tera.set_escape_fn(crate::render::escape::escape_html);
    tera.add_raw_templates(aliases.into_iter().chain(theme))
        .map_err(|e| template_error("(loading)", &e))?;
    Ok(tera)
}

/// Follows every `{% extends %}` chain: tera overflows its stack on a template that
/// extends itself, directly or through others, instead of reporting it.
fn check_extends(templates: &BTreeMap<&str, &str>) -> Result<()> {
    for start in templates.keys() {
        let mut chain = vec![*start];
        let mut current = *start;
        while let Some(parent) = templates.get(current).and_then(|t| extended(t)) {
            if chain.contains(&parent) {
                chain.push(parent);
                return Err(Error::Template {
                    name: start.to_string(),
                    message: format!("templates extend each other in a circle: {}", chain.join(" → ")),
                    help: "a theme's template extends the default theme's with {% extends \"default/NAME\" %}; a site template extends the theme's with {% extends \"theme/NAME\" %}".into(),
                });
            }
            chain.push(parent);
            current = parent;
        }
    }
    Ok(())
}

/// The template named by a `{% extends "NAME" %}` tag, if `text` has one.
fn extended(text: &str) -> Option<&str> {
    let rest = &text[text.find("{%")?..];
    let rest = rest[2..].trim_start_matches(['-', ' ', '\t', '\n', '\r']);
    let rest = rest.strip_prefix("extends")?.trim_start();
    let quote = rest
        .chars()
        .next()
        .filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let name = &rest[1..];
    name.find(quote).map(|end| &name[..end])
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_extends_and_cycles() {
        assert_eq!(extended("{% extends \"base.html\" %}x"), Some("base.html"));
        assert_eq!(extended("{%- extends 'a' -%}"), Some("a"));
        assert_eq!(extended("{% block x %}{% endblock %}"), None);
        let ok = BTreeMap::from([("a", "{% extends \"b\" %}"), ("b", "")]);
        assert!(check_extends(&ok).is_ok());
        let circle = BTreeMap::from([("a", "{% extends \"b\" %}"), ("b", "{% extends \"a\" %}")]);
        assert!(check_extends(&circle)
            .unwrap_err()
            .to_string()
            .contains("a → b → a"));
    }
}
