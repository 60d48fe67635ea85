//! `rapport serve`: builds the site into a folder of its own (kept for the next server
//! of the same site, `output`), serves it over HTTP on loopback, and with `--watch` rebuilds on every save and reloads the browser. A
//! failed rebuild keeps the last good build online, with the error over every page.
//! The parts: `watch` (what changed), `rebuild` (the one way to build), `state` (what
//! is live), `resolve` + `http` (answering requests), `reload` (script, overlay,
//! event stream), `output` (where builds go) and `notice` (what the caller prints:
//! the server itself never prints).

mod http;
mod notice;
mod output;
mod rebuild;
mod reload;
mod resolve;
mod state;
mod watch;

pub use notice::Notice;
pub use rebuild::{Rebuilder, Rebuilt, Rerendered};
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
pub use watch::{Change, ChangeKind, Writing};

use crate::error::{Error, Result};
use crate::site::output::OutputLock;
use crate::site::BuildOptions;
use http::Handler;
use output::ServedOutput;
use state::State;
use watch::Watch;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// `output` is where to build (default: the site's folder in the user's cache);
    /// `base_url` is always replaced by the server's own address.
    pub build: BuildOptions,
    pub bind: IpAddr,
    /// 0 lets the system pick a free port (the notice says which).
    pub port: u16,
    pub watch: bool,
    pub open: bool,
}

/// Builds and serves until the process is stopped; returns early only when it cannot
/// start (port taken, first build failed without `--watch`, ...).
pub fn run(options: &ServeOptions, notice: &(dyn Fn(Notice) + Sync)) -> Result<()> {
    let output = ServedOutput::prepare(options.build.output.as_deref(), &options.build.root)?;
    output.remove_when_stopped()?;
    let listener = bind(options.bind, options.port)?;
    let address = listener
        .local_addr()
        .map_err(|e| Error::Other(format!("cannot read the server's address: {e}")))?;
    // Watch before the first build, so a save made while it runs is not missed.
    let watch = match options.watch {
        true => Some(Watch::start(
            &site_root(&options.build.root)?,
            output.path(),
        )?),
        false => None,
    };
    let mut build = options.build.clone();
    build.output = Some(output.path().to_path_buf());
    let mut rebuilder = Rebuilder::new(build, address);
    let state = {
        let _busy = output.busy();
        first_build(&mut rebuilder, output.lock(), options.watch, notice)?
    };

    // Accepted connections inherit TCP_NODELAY from the listener. Without it a reused
    // connection waits for the browser's delayed ACK (~40 ms) on every response that
    // is written in more than one piece.
    socket2::SockRef::from(&listener)
        .set_tcp_nodelay(true)
        .map_err(|e| {
            Error::Other(format!(
                "cannot configure the server socket on {address}: {e}"
            ))
        })?;
    let url = rebuild::local_base_url(address, &state.snapshot().base_path);
    notice(Notice::Serving {
        url: url.clone(),
        output: output.path().to_path_buf(),
        watching: options.watch,
        exposed: !address.ip().is_loopback(),
    });
    if options.open {
        if let Err(e) = open_browser(&url) {
            notice(Notice::OpenFailed(e.to_string()));
        }
    }
    let handler = Handler {
        root: output.path().to_path_buf(),
        state: &state,
        watch: options.watch,
    };
    std::thread::scope(|scope| {
        if let Some(watch) = watch {
            scope.spawn(|| rebuild_on_changes(watch, rebuilder, &output, &state, notice));
        }
        http::serve(&listener, &handler, scope);
    });
    Ok(())
}

fn site_root(root: &Path) -> Result<PathBuf> {
    root.canonicalize()
        .map_err(|e| Error::io(root, "cannot open the site's folder", e))
}

/// Listens on `ip:port`, saying what to do when that is not possible.
fn bind(ip: IpAddr, port: u16) -> Result<TcpListener> {
    let address = SocketAddr::new(ip, port);
    TcpListener::bind(address).map_err(|e| {
        let (what, help) = match e.kind() {
            std::io::ErrorKind::AddrInUse => (
                "the port is already in use (another rapport serve?)".to_string(),
                format!(
                    "stop the other server, or pass another port, e.g. --port {}",
                    port.checked_add(1).unwrap_or(1111)
                ),
            ),
            std::io::ErrorKind::AddrNotAvailable => (
                "this machine has no such address".to_string(),
                "bind to one of this machine's addresses, e.g. --bind 127.0.0.1".to_string(),
            ),
            std::io::ErrorKind::PermissionDenied => (
                "permission denied".to_string(),
                "ports below 1024 need privileges: pick another, e.g. --port 1111".to_string(),
            ),
            _ => (e.to_string(), "pass another --bind or --port".to_string()),
        };
        Error::problem(format!("cannot listen on {address}: {what}"), help)
    })
}

/// The first build. Without `--watch` a failure stops the server; with it, the
/// server starts anyway and shows the error until a save fixes it.
fn first_build(
    rebuilder: &mut Rebuilder,
    held: &OutputLock,
    watch: bool,
    notice: &(dyn Fn(Notice) + Sync),
) -> Result<State> {
    match rebuilder.rebuild(&[], held) {
        Ok(built) => {
            notice(Notice::Built {
                changes: Vec::new(),
                rerendered: built.rerendered,
                elapsed: built.elapsed,
            });
            Ok(State::new(built.base_path, None))
        }
        Err(e) if watch => {
            let error = e.to_string();
            notice(Notice::Failed {
                changes: Vec::new(),
                error: error.clone(),
            });
            Ok(State::new(rebuilder.base_path_or_root(), Some(error)))
        }
        Err(e) => Err(e),
    }
}

/// The watch loop: one rebuild per debounced batch of changes, its outcome published
/// to the state (which wakes the open pages) and reported.
fn rebuild_on_changes(
    mut watch: Watch,
    mut rebuilder: Rebuilder,
    output: &ServedOutput,
    state: &State,
    notice: &(dyn Fn(Notice) + Sync),
) {
    while let Some(batch) = watch.next_batch() {
        for error in batch.errors {
            notice(Notice::WatchError(error));
        }
        if batch.changes.is_empty() {
            continue;
        }
        let changes: Vec<PathBuf> = batch.changes.iter().map(|c| c.path.clone()).collect();
        let rebuilt = {
            let _busy = output.busy();
            rebuilder.rebuild(&batch.changes, output.lock())
        };
        match rebuilt {
            Ok(built) => {
                state.succeeded(built.base_path, watch::reload_for(&batch.changes));
                notice(Notice::Built {
                    changes,
                    rerendered: built.rerendered,
                    elapsed: built.elapsed,
                });
            }
            Err(e) => {
                let error = e.to_string();
                state.failed(error.clone());
                notice(Notice::Failed { changes, error });
            }
        }
    }
}

/// Starts the system's browser on `url`, without waiting for it.
fn open_browser(url: &str) -> std::io::Result<()> {
    let mut command = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let mut child = command
        .arg(url)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()?;
    // Reap it when it exits, so it does not linger as a zombie.
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_port_says_what_to_do() {
        let taken = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = taken.local_addr().unwrap().port();
        let e = bind(IpAddr::from([127, 0, 0, 1]), port).unwrap_err();
        assert_eq!(
            e.to_string(),
            format!(
                "cannot listen on 127.0.0.1:{port}: the port is already in use (another rapport serve?)\n  help: stop the other server, or pass another port, e.g. --port {}",
                port.checked_add(1).unwrap_or(1111)
            )
        );
    }
}
