//! The server's HTTP/1.1: reads each request's head within a bound (a larger one is
//! answered 431) and parses it with httparse, and answers from the last good build: a file with its content type,
//! a redirect to a folder's slash form, the site's own 404 page, or (in watch mode) the
//! live-reload event stream. HTML gets the reload script and the error overlay here,
//! on the way out; the files on disk are never changed. Only GET and HEAD are served,
//! so no request body is ever read.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread::Scope;
use std::time::Duration;

use crate::limits::MAX_REQUEST_HEAD_BYTES;
use crate::serve::reload::{self, EVENTS_PATH};
use crate::serve::resolve::{content_type, resolve, Resolved};
use crate::serve::state::{Snapshot, State};

/// A build swaps its folder in with two renames; a request landing between them
/// waits for the folder to come back rather than answering 404.
const SWAP_WAIT: Duration = Duration::from_millis(5);
const SWAP_TRIES: usize = 200;

/// How long a client may take to send a request head, leave a kept-alive connection
/// idle, or leave what is sent to it unread, before its thread is given back.
const READ_TIMEOUT: Duration = Duration::from_secs(15);

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

/// Accepts connections until the listener fails, each on a thread of its own within
/// `scope` (the event streams stay open for as long as a page does, and must not hold
/// up the requests behind them). Past the limit of connections, one is answered 503.
pub(super) fn serve<'scope>(
    listener: &TcpListener,
    handler: &'scope Handler<'scope>,
    scope: &'scope Scope<'scope, '_>,
) {
    for stream in listener.incoming() {
        let Ok(stream) = stream else {
            // Out of file descriptors, most likely: let connections end.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        match handler.state.take_connection() {
            Some(slot) => {
                scope.spawn(move || {
                    handler.connection(&stream);
                    drop(slot);
                });
            }
            None => refuse(&stream, &busy()),
        }
    }
}

/// A request's head, as far as answering it needs.
struct Head {
    method: String,
    target: String,
    /// The client wants the connection kept for another request.
    keep_alive: bool,
}

/// Why no request could be read.
enum Unread {
    /// The client closed the connection, or went quiet.
    Gone,
    TooLarge,
    Malformed,
}

/// A response with its whole body.
struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

impl Response {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Response {
            status,
            headers: vec![
                ("Content-Type", content_type.to_string()),
                ("Cache-Control", "no-store".to_string()),
            ],
            body,
        }
    }

    fn text(status: u16, text: &str) -> Self {
        Response::new(
            status,
            "text/plain; charset=utf-8",
            text.as_bytes().to_vec(),
        )
    }

    fn with_header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }

    /// The status line, headers and (unless for HEAD) body, in one buffer so the
    /// response leaves in one write.
    fn bytes(&self, with_body: bool, keep_alive: bool) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            out.push_str(&format!("{name}: {value}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        if !keep_alive {
            out.push_str("Connection: close\r\n");
        }
        out.push_str("\r\n");
        let mut bytes = out.into_bytes();
        if with_body {
            bytes.extend_from_slice(&self.body);
        }
        bytes
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "",
    }
}

fn busy() -> Response {
    Response::text(503, "the server is busy; try again in a moment\n")
        .with_header("Retry-After", "1")
}

/// Answers `response` and closes, first reading what the client still sends (up to
/// a bound) so that closing does not reset the connection before it reads the answer.
fn refuse(stream: &TcpStream, response: &Response) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = (&*stream).write_all(&response.bytes(true, false));
    let _ = stream.shutdown(Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
    let _ = io::copy(&mut stream.take(1 << 20), &mut io::sink());
}

/// Headers a request may carry; browsers send about twenty.
const MAX_HEADERS: usize = 100;

/// Reads a request head (request line and headers) of at most the limit's bytes.
fn read_head(reader: &mut impl BufRead) -> Result<Head, Unread> {
    let mut limited = reader.take(MAX_REQUEST_HEAD_BYTES as u64);
    let mut raw = Vec::new();
    loop {
        let start = raw.len();
        match limited.read_until(b'\n', &mut raw) {
            Ok(0) => return Err(Unread::Gone),
            Ok(_) if !raw.ends_with(b"\n") => {
                return Err(match limited.limit() {
                    0 => Unread::TooLarge,
                    _ => Unread::Gone,
                })
            }
            Ok(_) => {}
            Err(_) => return Err(Unread::Gone),
        }
        let blank = matches!(&raw[start..], b"\n" | b"\r\n");
        // Blank lines before a request are allowed; one after it ends the head.
        if blank && raw[..start].iter().any(|b| !b"\r\n".contains(b)) {
            return parse_head(&raw);
        }
    }
}

/// The parts of a complete request head that answering needs.
fn parse_head(raw: &[u8]) -> Result<Head, Unread> {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    match request.parse(raw) {
        Ok(httparse::Status::Complete(_)) => {}
        Err(httparse::Error::TooManyHeaders) => return Err(Unread::TooLarge),
        _ => return Err(Unread::Malformed),
    }
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_ascii_lowercase())
    };
    let connection = header("connection").unwrap_or_default();
    // A body is never read (only GET and HEAD are served): a request with one ends
    // the connection rather than leave it to be read as the next request.
    let has_body =
        header("transfer-encoding").is_some() || header("content-length").is_some_and(|n| n != "0");
    let keep_alive = !has_body
        && match request.version {
            Some(1) => !connection.contains("close"),
            _ => connection.contains("keep-alive"),
        };
    let (Some(method), Some(target)) = (request.method, request.path) else {
        return Err(Unread::Malformed);
    };
    Ok(Head {
        method: method.to_string(),
        target: target.to_string(),
        keep_alive,
    })
}

/// Whether the client at the other end of `stream` has closed it.
fn client_gone(stream: &TcpStream) -> bool {
    if stream.set_nonblocking(true).is_err() {
        return true;
    }
    let peeked = stream.peek(&mut [0u8; 1]);
    let _ = stream.set_nonblocking(false);
    match peeked {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) => e.kind() != io::ErrorKind::WouldBlock,
    }
}

impl Handler<'_> {
    /// Answers the requests of one connection until it closes; a client that went
    /// away is no error worth reporting.
    fn connection(&self, stream: &TcpStream) {
        // A client that stops reading cannot hold its thread for ever either.
        let timeouts = stream
            .set_read_timeout(Some(READ_TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(READ_TIMEOUT)));
        if timeouts.is_err() {
            return;
        }
        let mut reader = BufReader::new(stream);
        loop {
            let head = match read_head(&mut reader) {
                Ok(head) => head,
                Err(Unread::Gone) => return,
                Err(Unread::TooLarge) => {
                    let text = format!(
                        "the request's headers are larger than {} KB\n",
                        MAX_REQUEST_HEAD_BYTES / 1024
                    );
                    return refuse(stream, &Response::text(431, &text));
                }
                Err(Unread::Malformed) => {
                    return refuse(stream, &Response::text(400, "not an HTTP/1 request\n"))
                }
            };
            if !self.handle(&head, stream) || !head.keep_alive {
                return;
            }
        }
    }

    /// Answers one request; false when the connection must end.
    fn handle(&self, head: &Head, stream: &TcpStream) -> bool {
        let get = head.method == "GET";
        if !get && head.method != "HEAD" {
            let response = Response::text(405, "only GET and HEAD are served\n")
                .with_header("Allow", "GET, HEAD");
            refuse(stream, &response);
            return false;
        }
        let is_events = head.target.split('?').next() == Some(EVENTS_PATH);
        if self.watch && is_events && get {
            match self.state.take_stream() {
                Some(slot) => {
                    let _ =
                        reload::stream_events(&mut &*stream, self.state, &|| client_gone(stream));
                    drop(slot);
                }
                None => refuse(stream, &busy()),
            }
            return false;
        }
        let response = self.answer(&head.target);
        (&*stream)
            .write_all(&response.bytes(get, head.keep_alive))
            .is_ok()
    }

    fn answer(&self, target: &str) -> Response {
        let snapshot = self.state.snapshot();
        match self.resolve_waiting(&snapshot.base_path, target) {
            Resolved::File(path) => self
                .file_response(&path, &snapshot, 200)
                .unwrap_or_else(|| self.not_found(&snapshot)),
            Resolved::Redirect(location) => Response::text(308, &format!("moved to {location}\n"))
                .with_header("Location", &location),
            Resolved::NotFound => self.not_found(&snapshot),
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

    fn not_found(&self, snapshot: &Snapshot) -> Response {
        let page = self.root.join("404.html");
        self.file_response(&page, snapshot, 404)
            .unwrap_or_else(|| self.html_response(FALLBACK_404.as_bytes().to_vec(), snapshot, 404))
    }

    /// `None` when the file cannot be read (e.g. removed by a rebuild since it was
    /// resolved).
    fn file_response(&self, path: &Path, snapshot: &Snapshot, status: u16) -> Option<Response> {
        let bytes = std::fs::read(path).ok()?;
        let kind = content_type(path);
        if kind.starts_with("text/html") {
            return Some(self.html_response(bytes, snapshot, status));
        }
        Some(Response::new(status, kind, bytes))
    }

    fn html_response(&self, bytes: Vec<u8>, snapshot: &Snapshot, status: u16) -> Response {
        let body = match (self.watch, String::from_utf8(bytes)) {
            (true, Ok(html)) => {
                reload::inject(&html, snapshot, &self.state.token(snapshot.generation)).into_bytes()
            }
            (_, Ok(html)) => html.into_bytes(),
            // Not UTF-8: serve it as written rather than mangle it.
            (_, Err(e)) => e.into_bytes(),
        };
        Response::new(status, "text/html; charset=utf-8", body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(text: &str) -> Result<Head, Unread> {
        read_head(&mut text.as_bytes())
    }

    #[test]
    fn reads_a_request_head() {
        let h = head("\r\nGET /a?b HTTP/1.1\r\nHost: x\r\n\r\nrest")
            .ok()
            .unwrap();
        assert_eq!(
            (h.method.as_str(), h.target.as_str(), h.keep_alive),
            ("GET", "/a?b", true)
        );
        let h = head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n")
            .ok()
            .unwrap();
        assert!(!h.keep_alive);
        let h = head("GET / HTTP/1.0\r\n\r\n").ok().unwrap();
        assert!(!h.keep_alive);
        let h = head("GET / HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc")
            .ok()
            .unwrap();
        assert!(!h.keep_alive);
        assert!(matches!(head(""), Err(Unread::Gone)));
        assert!(matches!(head("GET / HTTP/1.1\r\nHost"), Err(Unread::Gone)));
        assert!(matches!(head("GET /\r\n\r\n"), Err(Unread::Malformed)));
        let big = format!(
            "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
            "a".repeat(MAX_REQUEST_HEAD_BYTES)
        );
        assert!(matches!(head(&big), Err(Unread::TooLarge)));
        let many = format!(
            "GET / HTTP/1.1\r\n{}\r\n",
            "a: b\r\n".repeat(MAX_HEADERS + 1)
        );
        assert!(matches!(head(&many), Err(Unread::TooLarge)));
    }

    #[test]
    fn a_response_is_one_buffer() {
        let r = Response::text(404, "no\n").with_header("Location", "/x/");
        let text = String::from_utf8(r.bytes(true, false)).unwrap();
        assert_eq!(
            text,
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\nLocation: /x/\r\nContent-Length: 3\r\nConnection: close\r\n\r\nno\n"
        );
        assert!(String::from_utf8(r.bytes(false, true))
            .unwrap()
            .ends_with("Content-Length: 3\r\n\r\n"));
    }
}
