//! `rapport serve`: builds the site, serves it over HTTP on loopback, and with
//! `--watch` rebuilds on every save and reloads the browser.

use std::net::IpAddr;

use crate::error::Result;
use crate::site::BuildOptions;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub build: BuildOptions,
    pub bind: IpAddr,
    pub port: u16,
    pub watch: bool,
    pub open: bool,
}

/// Serves until interrupted.
pub fn run(options: &ServeOptions) -> Result<()> {
    let _ = options;
    Err(crate::Error::Other("serve is not available yet".into()))
}
