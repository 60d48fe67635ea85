//! `rapport import`: WordPress (WXR) and Disqus exports into posts and thread files.
//! Only approved comments, nothing private (emails, IPs), merged idempotently into
//! what is already there; nothing is written outside `content/`.
//!
//! Reading is streaming (`xml`, then `wxr` / `dsq`), deciding is per format
//! (`wordpress`, `disqus`, into the `model`), and writing is `merge` alone.

mod disqus;
mod dsq;
mod entities;
mod existing;
mod html;
mod links;
mod merge;
mod model;
mod report;
mod shortcodes;
mod text;
mod wordpress;
mod wxr;
mod xml;

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use crate::config;
use crate::error::{Diagnostic, Error, Location, Result};
use existing::Existing;
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
    /// Disqus username of the blog's author (`--author`).
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

/// Runs an import into the site at `options.root` (it must have a `site.toml`).
pub fn run(options: &ImportOptions) -> Result<ImportReport> {
    let config = config::load(&options.root)?;
    let existing = Existing::load(&options.root, &config.permalinks)?;
    let writer = ContentWriter::new(&options.root)?;
    let file = options.file.as_path();
    let open = || open_export(file);
    let mut tally = Tally::default();
    match options.format {
        Format::WordPress => {
            let settings = wordpress::Settings {
                author_id: options.author_id.or(config.wordpress_user_id),
            };
            let (plan, replaced) = wordpress::plan(open()?).map_err(|s| located(file, s))?;
            if replaced > 0 {
                tally.warnings.push(format!(
                    "{replaced} invalid UTF-8 sequences in the export were replaced by \u{fffd}"
                ));
            }
            wordpress::import(open()?, &plan, settings, &existing, &writer, &mut tally)
                .map_err(|s| located(file, s))?;
        }
        Format::Disqus => {
            let settings = disqus::Settings {
                author: options.author.clone(),
                base_path: config.base_path.clone(),
            };
            disqus::import(&open, &settings, &existing, &writer, &mut tally)
                .map_err(|s| located(file, s))?;
        }
    }
    if existing.unreadable > 0 {
        tally.warnings.push(format!(
            "{} under content/ could not be read and were not considered (rapport check says why)",
            report::plural(existing.unreadable, "file")
        ));
    }
    Ok(ImportReport {
        lines: tally.lines(&file.display().to_string()),
    })
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
