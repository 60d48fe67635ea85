//! Static files: the default theme's, then the theme's, then the site's `static/`;
//! later ones win, so a theme replaces only what it has. Hidden and editor files are
//! not published. Content assets join them in the plan, beside their page.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::config::SiteConfig;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::render::templates::DEFAULT_STATIC;
use crate::site::guard::Inside;
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

/// The theme's and the site's static files, by output path, for a build into
/// `output`.
pub(crate) fn static_layers(
    config: &SiteConfig,
    output: &Path,
) -> Result<BTreeMap<String, StaticSource>> {
    let mut files = BTreeMap::new();
    // Like templates, a theme inherits the default theme's files it does not replace.
    for (name, text) in DEFAULT_STATIC {
        files.insert(name.to_string(), StaticSource::Embedded(name, text));
    }
    let mut problems = Vec::new();
    if let Some(theme) = config.theme_dir() {
        let bounds = Inside::within(&config.root, &theme, "the theme's folder");
        let bounds = bounds.excluding_output(output);
        list_files(
            &config.root,
            &theme.join("static"),
            &bounds,
            &mut files,
            &mut problems,
        )?;
    }
    let bounds = Inside::new(&config.root).excluding_output(output);
    list_files(
        &config.root,
        &config.static_dir(),
        &bounds,
        &mut files,
        &mut problems,
    )?;
    if !problems.is_empty() {
        return Err(Error::Content(problems));
    }
    if let Some(themes) = &config.highlight {
        let css = crate::render::highlight::css(themes);
        let name = crate::render::highlight::CSS_FILE;
        files.insert(name.to_string(), StaticSource::Generated(name, css));
    }
    Ok(files)
}

/// The files under `dir`, links followed where they stay within `bounds` (links
/// found only by following another one included).
fn list_files(
    root: &Path,
    dir: &Path,
    bounds: &Inside,
    files: &mut BTreeMap<String, StaticSource>,
    problems: &mut Vec<Diagnostic>,
) -> Result<()> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => match (e.path(), e.loop_ancestor()) {
                // Nothing under a hidden link is published: it is not followed.
                (Some(path), _) if is_hidden(path.strip_prefix(dir).unwrap_or(path)) => continue,
                // A link to an output not made yet leads nowhere so far.
                (Some(path), _) if path.is_symlink() && bounds.refuse(path).is_some() => {
                    problems.extend(bounds.refuse(path));
                    continue;
                }
                (Some(path), Some(ancestor)) => {
                    problems.push(Diagnostic::new(
                        Location::new(path.strip_prefix(root).unwrap_or(path), None),
                        format!(
                            "this link leads to {}, which holds it, so the files under it never end",
                            folder_name(root, ancestor)
                        ),
                        "remove the link, or point it at a folder that does not hold it",
                    ));
                    continue;
                }
                _ => return Err(Error::io(dir, "cannot list", e.into())),
            },
        };
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir yields paths under its root");
        let hidden = is_hidden(rel);
        let refused = match entry.path_is_symlink() && !hidden {
            true => bounds.refuse(entry.path()),
            false => None,
        };
        if let Some(problem) = refused {
            problems.push(problem);
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if hidden && entry.file_type().is_dir() {
            // Nothing under it is published.
            walker.skip_current_dir();
        }
        if !entry.file_type().is_file() || hidden {
            continue;
        }
        let rel = rel.to_string_lossy().replace('\\', "/");
        files.insert(rel, StaticSource::File(entry.path().to_path_buf()));
    }
    Ok(())
}

/// Whether a path under a static folder is one that is not published.
fn is_hidden(rel: &Path) -> bool {
    rel.iter()
        .any(|part| crate::content::is_ignored(&part.to_string_lossy()))
}

/// `folder` as the site's messages name it: relative to the site at `root`.
fn folder_name(root: &Path, folder: &Path) -> String {
    let folder = crate::site::guard::resolve(folder);
    match folder.strip_prefix(crate::site::guard::resolve(root)) {
        Ok(rel) if rel.as_os_str().is_empty() => "the site's folder".to_string(),
        Ok(rel) => rel.display().to_string(),
        Err(_) => folder.display().to_string(),
    }
}
