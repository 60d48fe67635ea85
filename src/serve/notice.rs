//! What `serve` tells the person running it: one notice per build, failure or
//! problem, as text the command line prints (the library itself never prints).

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use crate::serve::Rerendered;

/// What the server has to tell the person running it, one line or block each.
#[derive(Debug, Clone)]
pub enum Notice {
    /// A build succeeded: the first one (no changes) or a rebuild after changes.
    Built {
        changes: Vec<PathBuf>,
        rerendered: Rerendered,
        elapsed: Duration,
    },
    /// A build failed; the last good one (if any) is still served.
    Failed {
        changes: Vec<PathBuf>,
        error: String,
    },
    /// The site is online.
    Serving {
        url: String,
        output: PathBuf,
        watching: bool,
        /// Bound to something other than loopback: others on the network can read it.
        exposed: bool,
    },
    /// The file watcher reported a problem; changes may go unnoticed.
    WatchError(String),
    /// `--open` could not start a browser.
    OpenFailed(String),
}

impl Notice {
    /// Errors and warnings go to stderr, the rest to stdout.
    pub fn is_error(&self) -> bool {
        matches!(
            self,
            Notice::Failed { .. } | Notice::WatchError(_) | Notice::OpenFailed(_)
        )
    }
}

impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Notice::Built {
                changes,
                rerendered,
                elapsed,
            } => {
                if changes.is_empty() {
                    write!(f, "Built the site")?;
                } else {
                    write!(f, "Changed {}", list(changes))?;
                }
                write!(f, ": {rerendered} in {} ms", elapsed.as_millis())
            }
            Notice::Failed { changes, error } if changes.is_empty() => write!(
                f,
                "The build failed; pages show the error until it is fixed\nerror: {error}"
            ),
            Notice::Failed { changes, error } => write!(
                f,
                "Changed {}: the rebuild failed; still serving the last good build\nerror: {error}",
                list(changes)
            ),
            Notice::Serving {
                url,
                output,
                watching,
                exposed,
            } => {
                write!(f, "Serving {url} (built into {})", output.display())?;
                if *watching {
                    write!(f, ", watching for changes")?;
                }
                write!(f, "; press Ctrl+C to stop")?;
                if *exposed {
                    write!(
                        f,
                        "\nwarning: listening beyond this machine: anyone on the network can read the site, drafts included"
                    )?;
                }
                Ok(())
            }
            Notice::WatchError(e) => write!(f, "warning: watching for changes: {e}"),
            Notice::OpenFailed(e) => write!(f, "warning: cannot open a browser: {e}"),
        }
    }
}

/// `a, b, c and 4 more`.
fn list(paths: &[PathBuf]) -> String {
    const SHOWN: usize = 3;
    let mut text = paths
        .iter()
        .take(SHOWN)
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    if paths.len() > SHOWN {
        text.push_str(&format!(" and {} more", paths.len() - SHOWN));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rebuild_lines_say_what_changed_what_was_rendered_and_how_long() {
        let built = Notice::Built {
            changes: vec!["content/posts/a.md".into()],
            rerendered: Rerendered::Full { files: 23 },
            elapsed: Duration::from_millis(41),
        };
        assert_eq!(
            built.to_string(),
            "Changed content/posts/a.md: full rebuild, 23 files in 41 ms"
        );
        let many: Vec<PathBuf> = (1..=5).map(|i| format!("static/{i}.css").into()).collect();
        assert_eq!(
            list(&many),
            "static/1.css, static/2.css, static/3.css and 2 more"
        );
        let failed = Notice::Failed {
            changes: vec!["content/posts/a.comments.yaml".into()],
            error: "content/posts/a.comments.yaml:7: duplicate comment id \"1\"".into(),
        };
        assert!(failed.is_error());
        assert_eq!(
            failed.to_string(),
            "Changed content/posts/a.comments.yaml: the rebuild failed; still serving the last good build\nerror: content/posts/a.comments.yaml:7: duplicate comment id \"1\""
        );
    }
}
