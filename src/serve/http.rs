//! The server's HTTP/1.1: reads each request's head within a bound of size (a larger
//! one is answered 431) and of time (a later one 408) and parses it with httparse, and answers from the last good build: a file with its content type,
//! a redirect to a folder's slash form, the site's own 404 page, or (in watch mode) the
//! live-reload event stream. HTML gets the reload script and the error overlay here,
//! on the way out; the files on disk are never changed. Only GET and HEAD are served,
//! so no request body is ever read.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread::Scope;
use std::time::{Duration, Instant};

use crate::limits::{MAX_INJECTED_HTML_BYTES, MAX_REQUEST_HEAD_BYTES, REQUEST_HEAD_TIMEOUT};
use crate::serve::reload::{self, EVENTS_PATH};
use crate::serve::resolve::{content_type, resolve, Resolved};
use crate::serve::state::{Snapshot, State};

/// A build swaps its folder in with two renames; a request landing between them
/// waits for the folder to come back rather than answering 404.
const SWAP_WAIT: Duration = Duration::from_millis(5);
const SWAP_TRIES: usize = 200;

/// How long a client may leave what is sent to it unread before its thread is given
/// back (the head has `REQUEST_HEAD_TIMEOUT`).
const WRITE_TIMEOUT: Duration = Duration::from_secs(15);

/// How long a refused client's leftovers are read, in all, before closing: enough for
/// a request already on its way; a 503 is refused on the accepting thread itself,
/// which a trickle must not hold.
const DRAIN_TIMEOUT: Duration = Duration::from_millis(200);

/// The buffer each response is written through: a small response leaves in one
/// write, a file in pieces of this size, so a client that does not read holds this
/// much of it and no more, however large the file.
const SEND_BUFFER_BYTES: usize = 64 * 1024;

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
            None => refuse(&stream, busy()),
        }
    }
}

/// A request's head, as far as answering it needs.
struct Head {
    method: String,
    target: String,
    /// The `Host` header, as sent.
    host: Option<String>,
    /// The client wants the connection kept for another request.
    keep_alive: bool,
}

/// Why no request could be read.
enum Unread {
    /// The client closed the connection, or sent nothing before the deadline.
    Gone,
    /// Part of a head came, not all of it before the deadline.
    TooSlow,
    TooLarge,
    Malformed,
}

/// A response's body.
enum Body {
    Bytes(Vec<u8>),
    /// The first `len` bytes of an open file (its length once opened: a rebuild may
    /// replace or rewrite the file meanwhile, and Content-Length must hold), then `tail`.
    File {
        file: File,
        len: u64,
        tail: Vec<u8>,
    },
}

struct Response {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

impl Response {
    fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Response::with_body(status, content_type, Body::Bytes(body))
    }

    fn with_body(status: u16, content_type: &str, body: Body) -> Self {
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

    fn len(&self) -> u64 {
        match &self.body {
            Body::Bytes(bytes) => bytes.len() as u64,
            Body::File { len, tail, .. } => len + tail.len() as u64,
        }
    }

    /// The status line, headers and (unless for HEAD) body, through one buffer of
    /// `SEND_BUFFER_BYTES`. An error too when the file ended before its length (cut
    /// short by a rebuild): the answer is then shorter than it said, and the
    /// connection must end for the client to see it.
    fn send(self, out: impl Write, with_body: bool, keep_alive: bool) -> io::Result<()> {
        let mut head = format!("HTTP/1.1 {} {}\r\n", self.status, reason(self.status));
        for (name, value) in &self.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.len()));
        if !keep_alive {
            head.push_str("Connection: close\r\n");
        }
        head.push_str("\r\n");
        let mut out = BufWriter::with_capacity(SEND_BUFFER_BYTES, out);
        out.write_all(head.as_bytes())?;
        match self.body {
            _ if !with_body => {}
            Body::Bytes(bytes) => out.write_all(&bytes)?,
            Body::File { file, len, tail } => {
                if io::copy(&mut file.take(len), &mut out)? < len {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                out.write_all(&tail)?;
            }
        }
        out.flush()
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
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
fn refuse(stream: &TcpStream, response: Response) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
    let _ = response.send(stream, true, false);
    let _ = stream.shutdown(Shutdown::Write);
    let mut rest = Deadline::new(stream, DRAIN_TIMEOUT);
    let _ = io::copy(&mut (&mut rest).take(1 << 20), &mut io::sink());
}

/// Reads `stream` until a deadline for all reads together: a timeout on each read
/// alone lets a client that sends a byte now and then keep the connection for ever.
struct Deadline<'a> {
    stream: &'a TcpStream,
    until: Instant,
}

impl<'a> Deadline<'a> {
    fn new(stream: &'a TcpStream, within: Duration) -> Self {
        Deadline {
            stream,
            until: Instant::now() + within,
        }
    }
}

impl Read for Deadline<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        self.stream.set_read_timeout(Some(left))?;
        (&*self.stream).read(buf)
    }
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
            Err(e) => {
                let timed_out = matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                );
                let started = raw.iter().any(|b| !b"\r\n".contains(b));
                return Err(if timed_out && started {
                    Unread::TooSlow
                } else {
                    Unread::Gone
                });
            }
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
    let host = header("host");
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
        host,
        keep_alive,
    })
}

/// Whether a request addressed to `host` (its `Host` header) is answered: one for
/// localhost (`localhost`, `*.localhost`) or for an address in numbers, with or
/// without a port. A page elsewhere can point a name of its own at this machine
/// (DNS rebinding) and so read the server as its own site, drafts included; neither
/// kind of name can be pointed anywhere by someone else. A request without the
/// header comes from no browser.
fn host_allowed(host: Option<&str>) -> bool {
    let Some(host) = host else {
        return true;
    };
    if let Some(rest) = host.strip_prefix('[') {
        let Some((address, port)) = rest.split_once(']') else {
            return false;
        };
        let port_ok = port.is_empty()
            || port
                .strip_prefix(':')
                .is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()));
        return port_ok && address.parse::<std::net::Ipv6Addr>().is_ok();
    }
    let name = match host.rsplit_once(':') {
        Some((name, port)) if port.bytes().all(|b| b.is_ascii_digit()) => name,
        Some(_) => return false,
        None => host,
    };
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    name.parse::<std::net::Ipv4Addr>().is_ok()
        || name == "localhost"
        || name.ends_with(".localhost")
}

fn unknown_host(host: &str) -> Response {
    Response::text(
        403,
        &format!(
            "this server answers requests addressed to localhost or to an IP address, not to {host:?}: a page elsewhere could otherwise read the site, drafts included, through a name of its own; open the address rapport serve printed\n"
        ),
    )
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
        if stream.set_write_timeout(Some(WRITE_TIMEOUT)).is_err() {
            return;
        }
        let mut reader = BufReader::new(Deadline::new(stream, REQUEST_HEAD_TIMEOUT));
        loop {
            let head = match read_head(&mut reader) {
                Ok(head) => head,
                Err(Unread::Gone) => return,
                Err(Unread::TooSlow) => {
                    let text = format!(
                        "the request's head did not come within {} s\n",
                        REQUEST_HEAD_TIMEOUT.as_secs()
                    );
                    return refuse(stream, Response::text(408, &text));
                }
                Err(Unread::TooLarge) => {
                    let text = format!(
                        "the request's headers are larger than {} KB\n",
                        MAX_REQUEST_HEAD_BYTES / 1024
                    );
                    return refuse(stream, Response::text(431, &text));
                }
                Err(Unread::Malformed) => {
                    return refuse(stream, Response::text(400, "not an HTTP/1 request\n"))
                }
            };
            if !self.handle(&head, stream) || !head.keep_alive {
                return;
            }
            reader.get_mut().until = Instant::now() + REQUEST_HEAD_TIMEOUT;
        }
    }

    /// Answers one request; false when the connection must end.
    fn handle(&self, head: &Head, stream: &TcpStream) -> bool {
        if !host_allowed(head.host.as_deref()) {
            refuse(
                stream,
                unknown_host(head.host.as_deref().unwrap_or_default()),
            );
            return false;
        }
        let get = head.method == "GET";
        if !get && head.method != "HEAD" {
            let response = Response::text(405, "only GET and HEAD are served\n")
                .with_header("Allow", "GET, HEAD");
            refuse(stream, response);
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
                None => refuse(stream, busy()),
            }
            return false;
        }
        let response = self.answer(&head.target);
        response.send(stream, get, head.keep_alive).is_ok()
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
    /// resolved). Only an HTML page that gets the reload script is read here, and only
    /// up to `MAX_INJECTED_HTML_BYTES`; every other file is sent from the open file.
    fn file_response(&self, path: &Path, snapshot: &Snapshot, status: u16) -> Option<Response> {
        let file = File::open(path).ok()?;
        let metadata = file.metadata().ok()?;
        if !metadata.is_file() {
            return None;
        }
        let len = metadata.len();
        let kind = content_type(path);
        if !(self.watch && kind.starts_with("text/html")) {
            let body = Body::File {
                file,
                len,
                tail: Vec::new(),
            };
            return Some(Response::with_body(status, kind, body));
        }
        if len > MAX_INJECTED_HTML_BYTES {
            // Rather than find its `</body>` in pieces, the script goes after the page:
            // a browser puts what follows `</html>` in the body and runs it all the same.
            let token = self.state.token(snapshot.generation);
            let tail = reload::addition(snapshot, &token).into_bytes();
            let body = Body::File { file, len, tail };
            return Some(Response::with_body(status, kind, body));
        }
        let mut bytes = Vec::with_capacity(len as usize);
        file.take(len).read_to_end(&mut bytes).ok()?;
        Some(self.html_response(bytes, snapshot, status))
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
    fn a_head_cut_by_the_deadline_is_too_slow_unless_none_came() {
        struct Late;
        impl Read for Late {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::ErrorKind::TimedOut.into())
            }
        }
        let cut = |text: &'static str| read_head(&mut BufReader::new(text.as_bytes().chain(Late)));
        assert!(matches!(
            cut("GET / HTTP/1.1\r\nHost: x\r\n"),
            Err(Unread::TooSlow)
        ));
        assert!(matches!(cut("GET / HT"), Err(Unread::TooSlow)));
        assert!(matches!(cut(""), Err(Unread::Gone)));
        assert!(matches!(cut("\r\n"), Err(Unread::Gone)));
    }

    fn sent(response: Response, with_body: bool, keep_alive: bool) -> io::Result<String> {
        let mut out = Vec::new();
        response.send(&mut out, with_body, keep_alive)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_response_is_one_buffer() {
        let text = |with_body, keep_alive| {
            let r = Response::text(404, "no\n").with_header("Location", "/x/");
            sent(r, with_body, keep_alive).unwrap()
        };
        assert_eq!(
            text(true, false),
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nCache-Control: no-store\r\nLocation: /x/\r\nContent-Length: 3\r\nConnection: close\r\n\r\nno\n"
        );
        assert!(text(false, true).ends_with("Content-Length: 3\r\n\r\n"));
    }

    #[test]
    fn a_file_is_sent_to_the_length_it_had_when_opened() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.bin");
        let big = vec![7u8; 3 * SEND_BUFFER_BYTES + 5];
        std::fs::write(&path, &big).unwrap();
        let response = |len: u64, tail: &[u8]| {
            let file = File::open(&path).unwrap();
            let tail = tail.to_vec();
            Response::with_body(200, "x/y", Body::File { file, len, tail })
        };
        let len = big.len() as u64;
        let whole = sent(response(len, b"<end>"), true, true).unwrap();
        let (head, body) = whole.split_once("\r\n\r\n").unwrap();
        assert!(
            head.ends_with(&format!("Content-Length: {}", len + 5)),
            "{head}"
        );
        assert_eq!(body.len() as u64, len + 5);
        assert!(body.ends_with("\u{7}<end>"));
        // HEAD: the same length, no body.
        let head = sent(response(len, b"<end>"), false, true).unwrap();
        assert!(head.ends_with(&format!("Content-Length: {}\r\n\r\n", len + 5)));
        // A file grown since it was opened is sent to its length then; one cut short
        // is an error, for the connection to end.
        let grown = sent(response(10, b""), true, true).unwrap();
        assert!(grown.ends_with(
            "Content-Length: 10\r\n\r\n\u{7}\u{7}\u{7}\u{7}\u{7}\u{7}\u{7}\u{7}\u{7}\u{7}"
        ));
        let cut = response(len, b"");
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(10)
            .unwrap();
        assert!(sent(cut, true, true).is_err());
    }

    #[test]
    fn only_localhost_and_addresses_in_numbers_are_answered() {
        for host in [
            "localhost",
            "localhost:1111",
            "localhost.:1111",
            "LOCALHOST:1111",
            "blog.localhost:1111",
            "127.0.0.1:1111",
            "192.168.1.20",
            "[::1]:1111",
            "[::1]",
        ] {
            assert!(host_allowed(Some(host)), "{host}");
        }
        for host in [
            "attacker.example:1111",
            "localhost.attacker.example",
            "127.0.0.1.nip.io:1111",
            "localhost:http",
            "[::1]x",
            "[::1",
            "[evil]:1111",
            "",
        ] {
            assert!(!host_allowed(Some(host)), "{host}");
        }
        assert!(host_allowed(None));
    }
}
