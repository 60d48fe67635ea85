//! rapport: a static site generator for blogs where the conversation is the content.
//! Data flows config + content + threads → site (validated model) → render → output.
//! The library never prints; the command line (`cli`) reports what it returns.

#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod check;
pub mod cli;
pub mod config;
pub mod content;
pub mod dates;
pub mod error;
mod explain;
pub mod fetch;
pub mod import;
pub mod init;
pub(crate) mod limits;
pub mod moderation;
pub mod new_post;
pub mod render;
pub mod replies;
pub mod serve;
pub mod site;
pub mod term;
pub mod threads;
mod yaml;

pub use error::{Diagnostic, Error, Location, Result};
pub use site::build::{build, BuildReport};
pub use site::BuildOptions;
