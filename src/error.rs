//! Errors and diagnostics. A `Diagnostic` is one problem in one user file, located by
//! path and line; an `Error` is why a command stopped. Both render as text that says
//! where the problem is, what is wrong, and what to do, because that text is product
//! surface (tests assert it verbatim).

use std::fmt;
use std::path::{Path, PathBuf};

/// Where a problem is: a file, and the 1-based line and column when they are known.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub path: PathBuf,
    pub line: Option<usize>,
    /// In characters, counted from 1; only with a line.
    pub column: Option<usize>,
}

impl Location {
    pub fn new(path: &Path, line: Option<usize>) -> Self {
        Location {
            path: path.to_path_buf(),
            line,
            column: None,
        }
    }

    /// A line and column of `path`.
    pub fn at(path: &Path, line: usize, column: usize) -> Self {
        Location {
            path: path.to_path_buf(),
            line: Some(line),
            column: Some(column),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = self.path.to_string_lossy();
        write!(f, "{}", crate::term::one_line(&path))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        Ok(())
    }
}

/// One problem in one user-written file; ordered by where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    pub location: Location,
    /// What is wrong.
    pub message: String,
    /// What to do about it.
    pub help: String,
}

impl Diagnostic {
    pub fn new(location: Location, message: impl Into<String>, help: impl Into<String>) -> Self {
        Diagnostic {
            location,
            message: message.into(),
            help: help.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)?;
        if !self.help.is_empty() {
            write!(f, "\n  help: {}", self.help)?;
        }
        Ok(())
    }
}

/// Why a command stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Problems in the site's own files; all of them, not just the first.
    #[error("{}", render_diagnostics(.0))]
    Content(Vec<Diagnostic>),
    /// A file or directory could not be read or written.
    #[error("{}: {action}: {source}", crate::term::one_line(&path.to_string_lossy()))]
    Io {
        path: PathBuf,
        action: &'static str,
        #[source]
        source: std::io::Error,
    },
    /// A template failed to parse or render, where no file and line could be named
    /// (those are `Content` diagnostics at the template's file).
    #[error("template {name}: {message}\n  help: {help}")]
    Template {
        name: String,
        message: String,
        help: String,
    },
    /// A problem outside any one file (the output folder, a port, a watch), with what
    /// to do about it.
    #[error("{message}\n  help: {help}")]
    Problem { message: String, help: String },
    /// Anything else the user must act on (a bad argument value).
    #[error("{0}")]
    Other(String),
}

impl Error {
    pub fn io(path: &Path, action: &'static str, source: std::io::Error) -> Self {
        Error::Io {
            path: path.to_path_buf(),
            action,
            source,
        }
    }

    pub fn problem(message: impl Into<String>, help: impl Into<String>) -> Self {
        Error::Problem {
            message: message.into(),
            help: help.into(),
        }
    }

    /// The exit status the command line reports: every error here is the user's
    /// input or environment (1); usage errors (2) are clap's.
    pub fn exit_code(&self) -> i32 {
        1
    }
}

impl From<Diagnostic> for Error {
    fn from(d: Diagnostic) -> Self {
        Error::Content(vec![d])
    }
}

fn render_diagnostics(diagnostics: &[Diagnostic]) -> String {
    let mut text = String::new();
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            text.push_str("\nerror: ");
        }
        text.push_str(&d.to_string());
    }
    if diagnostics.len() > 1 {
        text.push_str(&format!("\n{} problems found", diagnostics.len()));
    }
    text
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Reads a user file as UTF-8, with errors that name the file and what to do.
pub fn read_text(path: &Path) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, "cannot read", e))?;
    text_of(path, bytes)
}

/// The bytes read from the user file `path` as UTF-8, with `read_text`'s error.
pub fn text_of(path: &Path, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = valid.iter().filter(|&&b| b == b'\n').count() + 1;
        Error::from(Diagnostic::new(
            Location::new(path, Some(line)),
            "this file is not valid UTF-8",
            "save the file as UTF-8 (most editors offer this under \"Save with encoding\")",
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_files_name_stays_on_its_line_in_every_error() {
        let name = Path::new("posts/x\nNo problems found.md");
        let io = Error::io(name, "cannot read", std::io::ErrorKind::NotFound.into());
        let diagnostic = Diagnostic::new(Location::new(name, Some(2)), "wrong", "mend it");
        for shown in [io.to_string(), diagnostic.to_string()] {
            assert!(
                shown.starts_with("posts/x\\nNo problems found.md"),
                "{shown}"
            );
        }
    }
}
