//! `rapport import`: WordPress (WXR) and Disqus exports into posts and thread files.
//! Only approved comments, nothing private (emails, IPs), merged idempotently into
//! what is already there; nothing is written outside `content/`, except the
//! `site.toml` and skeleton of a site made from a WordPress export (`new_site`) and
//! the old blog's media copied to `static/wp-content/uploads/` (`media`).
//!
//! Reading is streaming (`xml`, then `wxr` / `dsq`), deciding is per format
//! (`wordpress`, `disqus`, into the `model`), and writing is `merge` alone.

mod disqus;
mod dsq;
mod entities;
pub(crate) mod existing;
pub(crate) mod html;
mod links;
mod media;
pub(crate) mod merge;
pub(crate) mod model;
mod new_site;
mod permalinks;
mod report;
mod shortcodes;
mod text;
mod wordpress;
mod wxr;
mod xml;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::config::{self, SiteConfig};
use crate::content::Taxonomy;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::site::urls::PostPattern;
use existing::Existing;
use media::Media;
use merge::ContentWriter;
use report::Tally;
use wxr::Stop;

/// Which export format a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    WordPress,
    Disqus,
}

/// What to import, and into which site.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub format: Format,
    pub file: PathBuf,
    pub root: PathBuf,
    /// WordPress user id of the blog's author, for exports without `wp:author_id`
    /// (`--author-id`; falls back to `[author] wordpress_user_id` in site.toml).
    pub author_id: Option<u64>,
    /// A copy of the old blog's `wp-content/uploads` (`--uploads`, WordPress only):
    /// the media new posts and pages use are copied from it into the site.
    pub uploads: Option<PathBuf>,
    /// The blog's author (`--author`): for Disqus their username; for WordPress
    /// their login, which chooses the author of a site made from the export.
    pub author: Option<String>,
}

/// What an import did, one line per fact, for the command line to print.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub lines: Vec<String>,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// How far an import has read its export, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub pass: Pass,
    /// How much is done, of `total`: bytes of the export read, or, while a Disqus
    /// import writes, posts whose thread is written.
    pub read: u64,
    pub total: u64,
}

/// The two stages of an import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Reading the whole file before anything is written.
    Checking,
    /// Converting and writing what it holds.
    Importing,
}

/// Where progress goes, and the export's size.
struct Watch<'a> {
    on: &'a dyn Fn(Progress),
    total: u64,
}

impl Watch<'_> {
    /// Tells the caller that `done` of `total` is done in `pass`.
    fn report(&self, pass: Pass, done: u64, total: u64) {
        (self.on)(Progress {
            pass,
            read: done.min(total),
            total,
        })
    }

    /// A function telling the caller the offset reached in `pass`.
    fn at(&self, pass: Pass) -> impl Fn(u64) + '_ {
        move |read| self.report(pass, read, self.total)
    }
}

/// Runs an import into the site at `options.root`. A WordPress export makes the site
/// first when the folder has no `site.toml`; a Disqus export needs one.
pub fn run(options: &ImportOptions) -> Result<ImportReport> {
    run_with_progress(options, &|_| {})
}

/// `run`, telling `progress` how far the export has been read and imported.
pub fn run_with_progress(
    options: &ImportOptions,
    progress: &dyn Fn(Progress),
) -> Result<ImportReport> {
    let root = options.root.as_path();
    let file = options.file.as_path();
    let config = match new_site::wanted(root) {
        true if options.format == Format::Disqus => return Err(no_site_for_disqus(root)),
        true => None,
        false => Some(config::load(root)?),
    };
    if let Some(dir) = &options.uploads {
        media::open_uploads(dir)?;
    }
    let watch = Watch {
        on: progress,
        total: std::fs::metadata(file).map(|m| m.len()).unwrap_or(0),
    };
    let mut tally = Tally::default();
    match config {
        Some(config) => import_into(options, &config, &watch, &mut tally)?,
        None => import_new_site(options, &watch, &mut tally)?,
    }
    Ok(ImportReport {
        lines: tally.lines(&file.display().to_string()),
    })
}

/// Imports into the site that `config` describes.
fn import_into(
    options: &ImportOptions,
    config: &SiteConfig,
    watch: &Watch<'_>,
    tally: &mut Tally,
) -> Result<()> {
    let file = options.file.as_path();
    match options.format {
        Format::WordPress => {
            let mut plan = plan_wordpress(file, watch, tally)?;
            let links = plan.published_links();
            plan.set_permalinks(permalinks::choose(config, &links, tally));
            let facts = site_facts(config);
            if plan.blog.uses_categories() && !facts.categories {
                let mut wanted = config.taxonomies.clone();
                wanted.push(Taxonomy::Categories);
                tally.notes.push(format!(
                    "The export's categories were imported as tags, as this site has no categories. To keep them apart, write {} at the top of site.toml before importing (posts imported already keep theirs among their tags).",
                    crate::content::config_line(&wanted)
                ));
            }
            import_wordpress(options, &plan, &facts, watch, tally)
        }
        Format::Disqus => {
            let existing = Existing::load(&options.root, &config.permalinks)?;
            let writer = ContentWriter::new(&options.root)?;
            let settings = disqus::Settings {
                author: options.author.clone(),
                base_path: config.base_path.clone(),
            };
            let open = || open_export(file);
            let steps = disqus::Steps {
                reading: &watch.at(Pass::Checking),
                writing: &|done, total| watch.report(Pass::Importing, done, total),
            };
            disqus::import(&open, &settings, &existing, &writer, tally, &steps)
                .map_err(|s| located(file, s))?;
            warn_unreadable(&existing, tally);
            Ok(())
        }
    }
}

/// Makes a site from a WordPress export: its content first, its `site.toml` last.
fn import_new_site(options: &ImportOptions, watch: &Watch<'_>, tally: &mut Tally) -> Result<()> {
    let mut plan = plan_wordpress(&options.file, watch, tally)?;
    let mut site = new_site::describe(&plan.blog, options.author.as_deref(), &options.file)?;
    let permalinks = permalinks::for_new_site(&plan.published_links(), &mut site, tally);
    plan.set_permalinks(permalinks.clone());
    let facts = SiteFacts {
        author_id: site.author_id,
        categories: site.categories,
        permalinks,
        base_path: site.base_path.clone(),
    };
    import_wordpress(options, &plan, &facts, watch, tally)?;
    new_site::write(&options.root, &site)?;
    tally.warnings.extend(site.warning.clone());
    tally.notes.push(format!(
        "Created the site in {} from the export (site.toml: its title, address, language and author). Build it with: rapport build --root {}",
        options.root.display(),
        options.root.display()
    ));
    Ok(())
}

fn plan_wordpress(file: &Path, watch: &Watch<'_>, tally: &mut Tally) -> Result<wordpress::Plan> {
    let at = watch.at(Pass::Checking);
    let (plan, replaced) =
        wordpress::plan(open_export(file)?, &at).map_err(|s| located(file, s))?;
    at(watch.total);
    if replaced > 0 {
        tally.warnings.push(format!(
            "{replaced} invalid UTF-8 sequences in the export were replaced by \u{fffd}"
        ));
    }
    Ok(plan)
}

/// What a WordPress import needs to know of the site, made or found.
struct SiteFacts {
    /// `[author] wordpress_user_id`.
    author_id: Option<u64>,
    /// The site files posts under categories.
    categories: bool,
    permalinks: PostPattern,
    base_path: String,
}

fn site_facts(config: &SiteConfig) -> SiteFacts {
    SiteFacts {
        author_id: config.wordpress_user_id,
        categories: config.taxonomies.contains(&Taxonomy::Categories),
        permalinks: config.permalinks.clone(),
        base_path: config.base_path.clone(),
    }
}

/// Pass two of a WordPress import.
fn import_wordpress(
    options: &ImportOptions,
    plan: &wordpress::Plan,
    site: &SiteFacts,
    watch: &Watch<'_>,
    tally: &mut Tally,
) -> Result<()> {
    let file = options.file.as_path();
    let root = options.root.as_path();
    let uploads = options.uploads.as_deref();
    let media = Media::new(plan.blog.addresses(), uploads, root, &site.base_path)?;
    tally.media = media.tally(uploads);
    let existing = Existing::load(root, &site.permalinks)?;
    let writer = ContentWriter::new(root)?;
    let settings = wordpress::Settings {
        author_id: options.author_id.or(site.author_id),
        categories: site.categories,
    };
    let target = wordpress::Target {
        existing: &existing,
        writer: &writer,
        media: &media,
    };
    let at = watch.at(Pass::Importing);
    wordpress::import(open_export(file)?, plan, settings, &target, tally, &at)
        .map_err(|s| located(file, s))?;
    at(watch.total);
    warn_unreadable(&existing, tally);
    Ok(())
}

fn warn_unreadable(existing: &Existing, tally: &mut Tally) {
    if existing.unreadable > 0 {
        tally.warnings.push(format!(
            "{} under content/ could not be read and were not considered (rapport check says why)",
            report::plural(existing.unreadable, "file")
        ));
    }
}

fn no_site_for_disqus(root: &Path) -> Error {
    Error::from(Diagnostic::new(
        Location::new(root, None),
        "no site here to add the Disqus comments to (there is no site.toml)",
        format!(
            "a Disqus export has comments but no posts: make the site first, from your WordPress export with `rapport import wordpress export.xml --root {0}` or with `rapport init {0}`, then import the Disqus export into it",
            root.display()
        ),
    ))
}

fn open_export(path: &Path) -> Result<BufReader<File>> {
    let file = File::open(path).map_err(|e| Error::io(path, "cannot open the export", e))?;
    Ok(BufReader::with_capacity(256 * 1024, file))
}

/// An error while reading, located: XML problems get the export's file and line.
fn located(path: &Path, stop: Stop) -> Error {
    match stop {
        Stop::Other(e) => e,
        Stop::Xml(e) => {
            let line = File::open(path)
                .map(|f| xml::line_at(BufReader::new(f), e.offset))
                .ok();
            Error::from(Diagnostic::new(
                Location::new(path, line),
                e.message,
                "nothing was imported; export the file again, or repair it at this line",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn progress_follows_each_item_of_both_passes_to_the_end() {
        let dir = tempfile::tempdir().unwrap();
        let file =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/wordpress/blog.xml");
        let options = ImportOptions {
            format: Format::WordPress,
            file: file.clone(),
            root: dir.path().join("blog"),
            author_id: None,
            uploads: None,
            author: None,
        };
        let seen = RefCell::new(Vec::new());
        run_with_progress(&options, &|p| seen.borrow_mut().push(p)).unwrap();
        let seen = seen.into_inner();
        let total = std::fs::metadata(&file).unwrap().len();
        for pass in [Pass::Checking, Pass::Importing] {
            let reads: Vec<u64> = seen
                .iter()
                .filter(|p| p.pass == pass && p.total == total)
                .map(|p| p.read)
                .collect();
            // One report per item (five in the file), then the end.
            assert_eq!(reads.len(), 6, "{pass:?}: {reads:?}");
            assert!(reads.windows(2).all(|w| w[0] <= w[1]), "{reads:?}");
            assert_eq!(reads.last(), Some(&total));
        }
        assert_eq!(seen.len(), 12);
    }

    #[test]
    fn a_disqus_import_reports_its_reading_and_its_writing() {
        let dir = tempfile::tempdir().unwrap();
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import");
        let mut options = ImportOptions {
            format: Format::WordPress,
            file: fixtures.join("wordpress/starter-collision.xml"),
            root: dir.path().join("blog"),
            author_id: None,
            uploads: None,
            author: None,
        };
        run(&options).unwrap();
        options.format = Format::Disqus;
        options.file = fixtures.join("disqus/starter-collision.xml");
        let seen = RefCell::new(Vec::new());
        run_with_progress(&options, &|p| seen.borrow_mut().push(p)).unwrap();
        let seen = seen.into_inner();
        let last = |pass| seen.iter().rfind(|p| p.pass == pass).copied().unwrap();
        let size = std::fs::metadata(&options.file).unwrap().len();
        let read = last(Pass::Checking);
        assert!(read.read > 0 && read.total == size, "{seen:?}");
        let written = last(Pass::Importing);
        assert!(
            written.total > 0 && written.read == written.total,
            "{seen:?}"
        );
    }
}
