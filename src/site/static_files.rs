//! Static files: the default theme's, then the theme's, then the site's `static/`;
//! later ones win, so a theme replaces only what it has. Hidden and editor files are
//! not published. Content assets join them in the plan, beside their page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::error::{Error, Result};
use crate::render::templates::DEFAULT_STATIC;
use crate::site::output::Sink;

/// Where a static file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StaticSource {
    /// A file of the default theme, built into the binary, by its name.
    Embedded(&'static str, &'static str),
    /// A file on disk.
    File(PathBuf),
    /// A file the build writes from the configuration, by its name.
    Generated(&'static str, String),
}

impl StaticSource {
    pub(crate) fn write(&self, rel: &str, sink: &dyn Sink) -> Result<()> {
        match self {
            StaticSource::Embedded(_, text) => sink.write(rel, text.as_bytes()),
            StaticSource::File(path) => sink.copy(rel, path),
            StaticSource::Generated(_, text) => sink.write(rel, text.as_bytes()),
        }
    }
}

/// The theme's and the site's static files, by output path.
pub(crate) fn static_layers(config: &SiteConfig) -> Result<BTreeMap<String, StaticSource>> {
    let mut files = BTreeMap::new();
    // Like templates, a theme inherits the default theme's files it does not replace.
    for (name, text) in DEFAULT_STATIC {
        files.insert(name.to_string(), StaticSource::Embedded(name, text));
    }
    if let Some(theme) = config.theme_dir() {
        list_files(&theme.join("static"), &mut files)?;
    }
    list_files(&config.static_dir(), &mut files)?;
    if let Some(themes) = &config.highlight {
        let css = crate::render::highlight::css(themes);
        let name = crate::render::highlight::CSS_FILE;
        files.insert(name.to_string(), StaticSource::Generated(name, css));
    }
    Ok(files)
}

fn list_files(dir: &Path, files: &mut BTreeMap<String, StaticSource>) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    for entry in WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = entry.map_err(|e| Error::io(dir, "cannot list", e.into()))?;
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths under its root");
        let hidden = rel
            .iter()
            .any(|part| crate::content::is_ignored(&part.to_string_lossy()));
        if !entry.file_type().is_file() || hidden {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        files.insert(rel, StaticSource::File(entry.path().to_path_buf()));
    }
    Ok(())
}
