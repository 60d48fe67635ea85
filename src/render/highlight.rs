//! Code colours chosen in site.toml (`[highlight] light`, `dark`): syntect's themes
//! written as CSS for the `hl-` classes markdown gives code, the dark one for
//! readers whose system asks for dark (`prefers-color-scheme`). Without a choice the
//! default theme's own colours in style.css apply.

use syntect::highlighting::ThemeSet;
use syntect::html::{css_for_theme_with_class_style, ClassStyle};

/// The code themes of a site; either may be unset (the theme's colours then apply
/// in that scheme).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeThemes {
    pub light: Option<String>,
    pub dark: Option<String>,
}

/// The file the CSS is published as.
pub const CSS_FILE: &str = "highlight.css";

/// Whether syntect has a theme called `name`: the message and help when not.
pub fn check_theme(name: &str) -> Result<(), (String, String)> {
    let themes = ThemeSet::load_defaults();
    if themes.themes.contains_key(name) {
        return Ok(());
    }
    let known: Vec<String> = themes.themes.keys().map(|k| format!("\"{k}\"")).collect();
    Err((
        format!("there is no code theme called {name:?}"),
        format!("use one of {}", known.join(", ")),
    ))
}

/// The CSS of `themes`: the light one for every reader, the dark one inside
/// `@media (prefers-color-scheme: dark)`. Code blocks (`pre.code`) take each
/// theme's background and text colour.
pub fn css(themes: &CodeThemes) -> String {
    let set = ThemeSet::load_defaults();
    let one = |name: &Option<String>| {
        let theme = set.themes.get(name.as_deref()?)?;
        let css =
            css_for_theme_with_class_style(theme, ClassStyle::SpacedPrefixed { prefix: "hl-" })
                .ok()?;
        // syntect names the block `.hl-code`; the markup's block is `pre.code`.
        Some(css.replace(".hl-code {", "pre.code {"))
    };
    let mut out = String::from("/* Code colours from [highlight] of site.toml. */\n");
    let schemes = [
        ("light", "not all and", &themes.light),
        ("dark", "", &themes.dark),
    ];
    for (scheme, negation, name) in schemes {
        if let Some(css) = one(name) {
            let media = format!("{negation} (prefers-color-scheme: dark)");
            out.push_str(&format!("@media {} {{\n", media.trim_start()));
            out.push_str(&format!(
                "/* {scheme}: {} */\n",
                name.as_deref().unwrap_or("")
            ));
            out.push_str(&css);
            out.push_str("}\n");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scheme_gets_its_theme() {
        let css = css(&CodeThemes {
            light: Some("InspiredGitHub".into()),
            dark: Some("base16-ocean.dark".into()),
        });
        let dark_at = css.find("@media (prefers-color-scheme: dark)").unwrap();
        assert!(
            css.find("@media not all and (prefers-color-scheme: dark)")
                .unwrap()
                < dark_at
        );
        assert!(css.contains("pre.code {"), "{css}");
        assert!(css.contains(".hl-"), "{css}");
        assert!(check_theme("Nope")
            .unwrap_err()
            .1
            .contains("\"InspiredGitHub\""));
    }
}
