//! Answers one HTTP request from the last good build: a file with its content type, a
//! redirect to a folder's slash form, the site's own 404 page, or (in watch mode) the
//! live-reload event stream. HTML gets the reload script and the error overlay here,
//! on the way out; the files on disk are never changed.

use std::path::{Path, PathBuf};
use std::time::Duration;

use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::serve::reload::{self, EVENTS_PATH};
use crate::serve::resolve::{content_type, resolve, Resolved};
use crate::serve::state::{Snapshot, State};

/// A build swaps its folder in with two renames; a request landing between them
/// waits for the folder to come back rather than answering 404.
const SWAP_WAIT: Duration = Duration::from_millis(5);
const SWAP_TRIES: usize = 200;

/// Shown when the build has no `404.html` (or no build succeeded yet).
const FALLBACK_404: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<title>Not found</title></head><body><h1>Not found</h1>\
<p>Nothing is published at this address.</p></body></html>\n";

/// What every request needs to be answered.
pub(super) struct Handler<'a> {
    /// The output folder, canonical.
    pub(super) root: PathBuf,
    pub(super) state: &'a State,
    /// Watch mode: inject live reload and the overlay, serve the event stream.
    pub(super) watch: bool,
}

impl Handler<'_> {
    /// Answers `request`; a client that went away is no error worth reporting.
    pub(super) fn handle(&self, request: Request) {
        if !matches!(request.method(), Method::Get | Method::Head) {
            let _ = request.respond(
                Response::from_string("only GET and HEAD are served\n")
                    .with_status_code(405)
                    .with_header(header("Allow", "GET, HEAD")),
            );
            return;
        }
        let is_events = request.url().split('?').next() == Some(EVENTS_PATH);
        if self.watch && is_events && *request.method() == Method::Get {
            let mut out = request.into_writer();
            let _ = reload::stream_events(&mut out, self.state);
            return;
        }
        let _ = self.answer(request);
    }

    fn answer(&self, request: Request) -> std::io::Result<()> {
        let snapshot = self.state.snapshot();
        match self.resolve_waiting(&snapshot.base_path, request.url()) {
            Resolved::File(path) => match self.file_response(&path, &snapshot, 200) {
                Some(response) => request.respond(response),
                None => request.respond(self.not_found(&snapshot)),
            },
            Resolved::Redirect(location) => request.respond(
                Response::from_string(format!("moved to {location}\n"))
                    .with_status_code(308)
                    .with_header(header("Location", &location))
                    .with_header(header("Cache-Control", "no-store")),
            ),
            Resolved::NotFound => request.respond(self.not_found(&snapshot)),
        }
    }

    fn resolve_waiting(&self, base_path: &str, url: &str) -> Resolved {
        let mut tries = 0;
        loop {
            let resolved = resolve(&self.root, base_path, url);
            if resolved != Resolved::NotFound || self.root.exists() || tries == SWAP_TRIES {
                return resolved;
            }
            tries += 1;
            std::thread::sleep(SWAP_WAIT);
        }
    }

    fn not_found(&self, snapshot: &Snapshot) -> Response<std::io::Cursor<Vec<u8>>> {
        let page = self.root.join("404.html");
        self.file_response(&page, snapshot, 404)
            .unwrap_or_else(|| self.html_response(FALLBACK_404.as_bytes().to_vec(), snapshot, 404))
    }

    /// `None` when the file cannot be read (e.g. removed by a rebuild since it was
    /// resolved).
    fn file_response(
        &self,
        path: &Path,
        snapshot: &Snapshot,
        status: u16,
    ) -> Option<Response<std::io::Cursor<Vec<u8>>>> {
        let bytes = std::fs::read(path).ok()?;
        let kind = content_type(path);
        if kind.starts_with("text/html") {
            return Some(self.html_response(bytes, snapshot, status));
        }
        Some(
            Response::from_data(bytes)
                .with_status_code(StatusCode(status))
                .with_header(header("Content-Type", kind))
                .with_header(header("Cache-Control", "no-store")),
        )
    }

    fn html_response(
        &self,
        bytes: Vec<u8>,
        snapshot: &Snapshot,
        status: u16,
    ) -> Response<std::io::Cursor<Vec<u8>>> {
        let body = match (self.watch, String::from_utf8(bytes)) {
            (true, Ok(html)) => {
                reload::inject(&html, snapshot, &self.state.token(snapshot.generation)).into_bytes()
            }
            (_, Ok(html)) => html.into_bytes(),
            // Not UTF-8: serve it as written rather than mangle it.
            (_, Err(e)) => e.into_bytes(),
        };
        Response::from_data(body)
            .with_status_code(StatusCode(status))
            .with_header(header("Content-Type", "text/html; charset=utf-8"))
            .with_header(header("Cache-Control", "no-store"))
    }
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes())
        .expect("header names are fixed and values are checked paths or types")
}
