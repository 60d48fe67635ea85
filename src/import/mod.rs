//! `rapport import`: WordPress (WXR) and Disqus exports into posts and thread files.
//! Only approved comments, nothing private (emails, IPs), merged idempotently into
//! what is already there; nothing is written outside `content/`.

use std::path::PathBuf;

use crate::error::Result;

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

/// Runs an import.
pub fn run(options: &ImportOptions) -> Result<ImportReport> {
    let _ = options;
    Err(crate::Error::Other("import is not available yet".into()))
}
