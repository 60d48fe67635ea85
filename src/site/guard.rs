//! Paths compared resolved: the output may not be, hold or lie inside the site or its
//! source folders however it is reached, and nothing from outside the site's folder is
//! published, whatever link leads there.

use std::path::{Component, Path, PathBuf};

use crate::config::SiteConfig;
use crate::error::{Diagnostic, Error, Location, Result};

/// `path` with every link resolved: the part that exists is made canonical and the
/// rest appended, so that a folder not created yet compares as the one it will be.
/// A link to nothing resolves as what it names: writing through it creates that.
pub fn resolve(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = absolute.clone();
    let mut rest: Vec<std::ffi::OsString> = Vec::new();
    // As the system's own limit on links followed in one path, so a loop ends.
    let mut hops = 40;
    loop {
        if let Ok(canonical) = existing.canonicalize() {
            return rest
                .iter()
                .rev()
                .fold(canonical, |path, part| join(path, part.as_os_str()));
        }
        if let Some(target) = existing.read_link().ok().filter(|_| hops > 0) {
            hops -= 1;
            existing.pop();
            existing = std::path::absolute(existing.join(target)).unwrap_or(absolute.clone());
            continue;
        }
        match existing.components().next_back() {
            Some(part @ (Component::Normal(_) | Component::ParentDir | Component::CurDir)) => {
                rest.push(part.as_os_str().to_os_string());
                existing.pop();
            }
            _ => return absolute,
        }
    }
}

fn join(path: PathBuf, part: &std::ffi::OsStr) -> PathBuf {
    match Path::new(part).components().next() {
        Some(Component::ParentDir) => path.parent().map(Path::to_path_buf).unwrap_or(path),
        Some(Component::CurDir) => path,
        _ => path.join(part),
    }
}

/// The folders a build reads from.
fn source_folders(config: &SiteConfig) -> Vec<PathBuf> {
    let mut folders = vec![
        config.content_dir(),
        config.static_dir(),
        config.templates_dir(),
    ];
    if let Some(theme) = config.theme_dir() {
        folders.extend([theme.clone(), theme.join("static"), theme.join("templates")]);
    }
    folders
}

/// A source folder that is the site's folder or holds it (`content -> .`): the site
/// would be read as its own content, its output and settings with it.
fn source_holding_the_site(config: &SiteConfig) -> Option<Diagnostic> {
    let root = resolve(&config.root);
    let folder = (source_folders(config).into_iter()).find(|f| root.starts_with(resolve(f)))?;
    let shown = folder.strip_prefix(&config.root).unwrap_or(&folder);
    Some(Diagnostic::new(
        Location::new(shown, None),
        "this leads to the site's own folder, or to a folder holding it, so the site would be read as its own content",
        format!(
            "make {} a folder of its own inside the site",
            crate::term::one_line(&shown.to_string_lossy())
        ),
    ))
}

/// The output is swapped wholesale: it must not be or hold the site, nor be, hold or
/// lie in one of its source folders, however either is reached.
pub fn check_output_location(config: &SiteConfig, output: &Path) -> Result<()> {
    if let Some(problem) = source_holding_the_site(config) {
        return Err(Error::from(problem));
    }
    let out = resolve(output);
    let mut sources = source_folders(config);
    sources.push(config.root.join("themes"));
    let overlaps = |dir: &PathBuf| {
        let dir = resolve(dir);
        out.starts_with(&dir) || dir.starts_with(&out)
    };
    if resolve(&config.root).starts_with(&out) || sources.iter().any(overlaps) {
        return Err(Error::problem(
            format!(
                "refusing to build into {}: it holds the site's own files, and a build replaces the whole folder",
                output.display()
            ),
            "pass an --output folder of its own, e.g. --output public",
        ));
    }
    Ok(())
}

/// Every source folder, and every link in the site's static and template folders, must
/// resolve inside the site's folder; links in a theme, inside the theme's folder (a
/// theme comes from elsewhere: a link to `../../.env` must not publish the site's
/// secrets). Links under `content/` are checked as content is discovered.
pub fn check_sources(config: &SiteConfig) -> Result<()> {
    if let Some(problem) = source_holding_the_site(config) {
        return Err(Error::from(problem));
    }
    let site = Inside::new(&config.root);
    let mut refused: Vec<PathBuf> = Vec::new();
    let mut problems: Vec<Diagnostic> = Vec::new();
    for folder in source_folders(config) {
        // A theme's static/ is not named again when the theme itself leads outside.
        if folder.symlink_metadata().is_err() || refused.iter().any(|r| folder.starts_with(r)) {
            continue;
        }
        if let Some(problem) = site.refuse(&folder) {
            problems.push(problem);
            refused.push(folder);
        }
    }
    if problems.is_empty() {
        let mut walked = vec![
            (config.static_dir(), site.clone()),
            (config.templates_dir(), site.clone()),
        ];
        if let Some(theme) = config.theme_dir() {
            let bounds = Inside::within(&config.root, &theme, "the theme's folder");
            walked.push((theme, bounds));
        }
        for (dir, bounds) in walked {
            let links = walkdir::WalkDir::new(dir)
                .into_iter()
                .flatten()
                .filter(|e| e.path_is_symlink());
            problems.extend(links.filter_map(|e| bounds.refuse(e.path())));
        }
    }
    match problems.is_empty() {
        true => Ok(()),
        false => Err(Error::Content(problems)),
    }
}

/// A folder that sources must resolve inside: the site's, or a theme's.
#[derive(Clone, Debug)]
pub struct Inside {
    /// The site's folder as given, to name paths relative to it.
    site: PathBuf,
    /// The folder paths must resolve inside, resolved.
    bounds: PathBuf,
    /// What to call that folder.
    name: &'static str,
    /// The output and its staging folders, resolved, which sources may not lead into
    /// (nor hold): each build would publish the last one inside itself.
    output: Vec<PathBuf>,
    /// The files a build keeps beside the output (`output::kept_beside`), resolved:
    /// its own, never published.
    beside: Vec<PathBuf>,
}

impl Inside {
    /// The site's folder.
    pub fn new(site: &Path) -> Inside {
        Inside::within(site, site, "the site's folder")
    }

    /// `folder`, called `name`, in the site at `site`.
    pub fn within(site: &Path, folder: &Path, name: &'static str) -> Inside {
        Inside {
            site: site.to_path_buf(),
            bounds: resolve(folder),
            name,
            output: Vec::new(),
            beside: Vec::new(),
        }
    }

    /// A problem naming the first of `path` and the folders that lead to it (below
    /// the site's folder) that resolves outside: where something is about to be
    /// written, the link to name is the one on the way, not the file beyond it.
    pub fn refuse_on_the_way(&self, path: &Path) -> Option<Diagnostic> {
        let mut way: Vec<&Path> = path
            .ancestors()
            .take_while(|p| {
                p.strip_prefix(&self.site)
                    .is_ok_and(|rel| !rel.as_os_str().is_empty())
            })
            .collect();
        if way.is_empty() {
            return self.refuse(path);
        }
        way.reverse();
        way.into_iter().find_map(|p| self.refuse(p))
    }

    /// These bounds, and not the output folder `output` nor its staging folders.
    pub fn excluding_output(mut self, output: &Path) -> Inside {
        let output = resolve(output);
        self.output = crate::site::output::staging_folders(&output).into();
        self.beside = crate::site::output::kept_beside(&output).into();
        self.output.push(output);
        self
    }

    /// A problem naming `path` (under the site's folder) when it resolves outside.
    pub fn refuse(&self, path: &Path) -> Option<Diagnostic> {
        let target = resolve(path);
        if target.starts_with(&self.bounds) {
            return self.refuse_output(path, &target);
        }
        let what = if target.is_dir() { "folder" } else { "file" };
        let link = if path.is_symlink() {
            "a link"
        } else {
            "reached through a link"
        };
        Some(Diagnostic::new(
            Location::new(path.strip_prefix(&self.site).unwrap_or(path), None),
            format!(
                "this {what} is {link} to {}, outside {}",
                target.display(),
                self.name
            ),
            "rapport publishes nothing from outside the site: copy what you need into the site, or make the link point inside it",
        ))
    }

    fn refuse_output(&self, path: &Path, target: &Path) -> Option<Diagnostic> {
        // Resolved only for a problem: every link under the sources is looked at.
        let shown = |p: &Path| {
            let site = resolve(&self.site);
            p.strip_prefix(&site).unwrap_or(p).to_path_buf()
        };
        let location = || Location::new(path.strip_prefix(&self.site).unwrap_or(path), None);
        if let Some(file) = self.beside.iter().find(|b| *b == target) {
            return Some(Diagnostic::new(
                location(),
                format!(
                    "this link leads to {}, which a build keeps beside its output to itself",
                    shown(file).display()
                ),
                "remove the link; rapport does not publish it",
            ));
        }
        let output = self.output.last()?;
        let (inside, holding) = (
            self.output.iter().any(|o| target.starts_with(o)),
            self.output.iter().any(|o| o.starts_with(target)),
        );
        let what = match (inside, holding) {
            (false, false) => return None,
            (true, _) => "into the build's output",
            (false, true) => "to a folder that holds the build's output",
        };
        Some(Diagnostic::new(
            location(),
            format!(
                "this link leads {what} ({}): each build would publish the previous one inside itself",
                shown(output).display()
            ),
            "remove the link, or point it at a folder that is not, and does not hold, the output",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_the_part_that_exists() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().canonicalize().unwrap();
        assert_eq!(
            resolve(&dir.path().join("a/../b/./c")),
            real.join("b").join("c")
        );
        #[cfg(unix)]
        {
            std::fs::create_dir(real.join("site")).unwrap();
            std::os::unix::fs::symlink(real.join("site"), real.join("link")).unwrap();
            assert_eq!(
                resolve(&real.join("link/content/new")),
                real.join("site/content/new")
            );
            std::os::unix::fs::symlink(real.join("elsewhere/x"), real.join("dangling")).unwrap();
            assert_eq!(
                resolve(&real.join("dangling/new")),
                real.join("elsewhere/x/new")
            );
            std::os::unix::fs::symlink("site/public", real.join("out")).unwrap();
            assert_eq!(resolve(&real.join("out/x")), real.join("site/public/x"));
        }
    }
}
