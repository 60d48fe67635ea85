//! The one place `serve` builds the site: a build first, starting from the state the
//! last build of the served folder saved beside it (a server before this one), then
//! for edits to posts, pages and threads an incremental update of the served folder
//! (`site::incremental`), falling back to such a build for everything else.

use std::fmt;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::error::Result;
use crate::serve::watch::{Change, ChangeKind};
use crate::site::build::BuildReport;
use crate::site::incremental::{Incremental, Update};
use crate::site::output::OutputLock;
use crate::site::BuildOptions;

/// What a rebuild re-rendered, for the terminal line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rerendered {
    /// The whole site was built again.
    Full { files: usize },
    /// The build saved beside the folder was reused: only `rendered` of its `files`
    /// files were rendered again.
    Reused { files: usize, rendered: usize },
    /// Only what the change affects: `entries` posts and pages, `files` files.
    Partial { entries: usize, files: usize },
}

impl fmt::Display for Rerendered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rerendered::Full { files } => write!(f, "full rebuild, {files} files"),
            Rerendered::Reused { files, rendered } => write!(
                f,
                "reused the saved build, {rendered} of {files} files rendered again"
            ),
            Rerendered::Partial { entries, files } => {
                let s = if *entries == 1 { "" } else { "s" };
                write!(f, "{entries} page{s} and the lists, feeds and aggregates showing them, {files} files")
            }
        }
    }
}

/// A successful rebuild.
#[derive(Debug, Clone)]
pub struct Rebuilt {
    /// The base path the new build is mounted at (site.toml may have changed it).
    pub base_path: String,
    pub rerendered: Rerendered,
    pub elapsed: Duration,
}

/// Builds the served site and keeps the last good build for incremental updates.
pub struct Rebuilder {
    options: BuildOptions,
    /// Where the server listens: links and feeds point there, not at the real host.
    host: SocketAddr,
    /// The last good build, when there is one to update.
    last: Option<Incremental>,
}

impl fmt::Debug for Rebuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rebuilder")
            .field("options", &self.options)
            .field("host", &self.host)
            .field("incremental", &self.last.is_some())
            .finish()
    }
}

impl Rebuilder {
    /// `options.output` must be set: serve never builds into the site's `public/`.
    pub(crate) fn new(options: BuildOptions, host: SocketAddr) -> Self {
        debug_assert!(options.output.is_some(), "serve builds into its own folder");
        Rebuilder {
            options,
            host,
            last: None,
        }
    }

    /// Brings the output up to date with `changes` (empty for the first build), under
    /// the output's lock `held`. The previous output stays in place when this fails.
    pub(crate) fn rebuild(&mut self, changes: &[Change], held: &OutputLock) -> Result<Rebuilt> {
        let start = Instant::now();
        // Read base_url anew each time: site.toml may have moved the site to another
        // path prefix, and the served links must follow.
        let config = crate::config::load(&self.options.root)?;
        let content_only = !changes.is_empty()
            && changes
                .iter()
                .all(|c| matches!(c.kind, ChangeKind::Content | ChangeKind::Thread));
        if let (true, Some(last)) = (content_only, self.last.as_mut()) {
            let paths: Vec<_> = changes.iter().map(|c| c.path.clone()).collect();
            if let Update::Partial { entries, files } = last.update(&paths)? {
                return Ok(Rebuilt {
                    base_path: config.base_path,
                    rerendered: Rerendered::Partial { entries, files },
                    elapsed: start.elapsed(),
                });
            }
        }
        self.last = None;
        let mut options = self.options.clone();
        options.base_url = Some(local_base_url(self.host, &config.base_path));
        let (last, report) = Incremental::build_warm(&options, held)?;
        self.last = Some(last);
        Ok(Rebuilt {
            base_path: config.base_path,
            rerendered: rerendered(&report),
            elapsed: start.elapsed(),
        })
    }
}

/// What a build that may have reused the saved one rendered.
fn rerendered(report: &BuildReport) -> Rerendered {
    match report.rendered_again() {
        Some(rendered) => Rerendered::Reused {
            files: report.files,
            rendered,
        },
        None => Rerendered::Full {
            files: report.files,
        },
    }
}

impl Rebuilder {
    /// Where the site is mounted, for a server whose first build failed: site.toml's
    /// base path when it can be read, the host's root otherwise.
    pub fn base_path_or_root(&self) -> String {
        crate::config::load(&self.options.root)
            .map(|c| c.base_path)
            .unwrap_or_else(|_| "/".into())
    }
}

/// `http://127.0.0.1:1111/blog/`: the site as this server shows it. A server listening
/// on every interface is reached locally through loopback.
pub(super) fn local_base_url(host: SocketAddr, base_path: &str) -> String {
    let mut host = host;
    if host.ip().is_unspecified() {
        host.set_ip(match host.ip() {
            std::net::IpAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            std::net::IpAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    format!("http://{host}{base_path}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_url_uses_loopback_for_any_address() {
        let at = |s: &str| s.parse::<SocketAddr>().unwrap();
        assert_eq!(
            local_base_url(at("127.0.0.1:1111"), "/blog/"),
            "http://127.0.0.1:1111/blog/"
        );
        assert_eq!(
            local_base_url(at("0.0.0.0:80"), "/"),
            "http://127.0.0.1:80/"
        );
        assert_eq!(local_base_url(at("[::]:8080"), "/"), "http://[::1]:8080/");
    }
}
