//! The bounds rapport puts on what it reads, so that a hostile or broken file ends in
//! a clear error at its line instead of minutes of CPU or an allocation abort. Real
//! content never comes near them; README.md ("Limits") lists them.
//!
//! YAML is checked before it is parsed: the parser is quadratic in the nesting of
//! flow collections (`[[[…]]]`), and aliases (`*name`) let a small file expand to
//! gigabytes. A light scan of the YAML's tokens finds both without building anything.

use std::path::Path;
use std::time::Duration;

use crate::error::{Diagnostic, Location};
use crate::render::sanitize;

/// How deep `[` and `{` may nest in YAML. Front matter and thread files need two or three.
pub(crate) const MAX_FLOW_DEPTH: usize = 64;

/// The longest comment body, in bytes. WordPress itself stores at most 65,525.
pub(crate) const MAX_COMMENT_BYTES: usize = 64 * 1024;

/// The most comments one thread file may hold: a build keeps about 6 KB per comment
/// of a page while it renders it (README.md, "Limits"), and the largest real threads
/// hold a few thousand.
pub(crate) const MAX_COMMENTS: usize = 100_000;

/// The largest markdown file (a post or page), in bytes: a long post with its front
/// matter is well under 1 MB.
pub(crate) const MAX_MARKDOWN_BYTES: u64 = 16 * 1024 * 1024;

/// The largest data file under `content/` (`.json`, `.yaml`, `.toml`, `.xml`), in
/// bytes: each is parsed whole, on every build, to find keys that hold e-mail or IP
/// addresses, and its parsed value takes several times its size.
pub(crate) const MAX_DATA_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// The largest thread file, in bytes: room for `MAX_COMMENTS` comments of 600 bytes
/// of YAML each, where a usual one takes 130.
pub(crate) const MAX_THREAD_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The longest segment of an address (a slug, a tag's slug, a folder of an alias),
/// in bytes. Each becomes a file name, which file systems keep to 255 bytes, and the
/// build writes beside the output and under names longer than the address's own.
pub(crate) const MAX_SEGMENT_BYTES: usize = 200;

/// The longest address (below the site's base path), in bytes. Object stores many
/// hosts publish from take keys of up to 1,024 bytes, and a longer address, written
/// under the output folder and the build's longer names, may outgrow the longest
/// path the system can open (4,096 bytes on Linux).
pub(crate) const MAX_ADDRESS_BYTES: usize = 1024;

/// How deep HTML elements may nest in a comment body.
pub(crate) const MAX_TAG_DEPTH: usize = 100;

/// The largest request head (request line and headers) `serve` reads, in bytes.
/// Browsers send 1–2 KB; most servers stop at 8–16 KB.
pub(crate) const MAX_REQUEST_HEAD_BYTES: usize = 16 * 1024;

/// How long `serve` waits for a request head in all, from the connection's start or
/// the end of the previous answer on a kept-alive one: a client trickling its head a
/// line at a time holds its connection (and thread) no longer than this.
pub(crate) const REQUEST_HEAD_TIMEOUT: Duration = Duration::from_secs(15);

/// The largest HTML page `serve --watch` reads whole to add the live-reload script
/// before its `</body>`; a larger one is sent from its file in pieces, with the script
/// after it. Pages are a few hundred KB at most; each client sent one holds a copy.
pub(crate) const MAX_INJECTED_HTML_BYTES: u64 = 1024 * 1024;

/// Connections `serve` answers at once (each holds a thread).
pub(crate) const MAX_CONNECTIONS: usize = 256;

/// Live-reload event streams `serve --watch` keeps open at once: one per open page.
pub(crate) const MAX_EVENT_STREAMS: usize = 32;

/// The largest HTTP response `rapport fetch` reads, in bytes: a page of 100
/// webmentions or a Mastodon context of 4,096 replies is a few MB.
pub(crate) const MAX_FETCH_BYTES: u64 = 16 * 1024 * 1024;

/// The most pages `rapport fetch` reads from one paginated listing.
pub(crate) const MAX_FETCH_PAGES: usize = 1_000;

/// How long one HTTP request of `rapport fetch` may take in all, in seconds.
pub(crate) const FETCH_TIMEOUT_SECS: u64 = 30;

/// How many times `rapport fetch` tries one request (a network error, a 5xx or a 429).
pub(crate) const FETCH_ATTEMPTS: u32 = 3;

/// The longest `Retry-After` `rapport fetch` waits, in seconds; beyond it the source
/// counts as failed for this run.
pub(crate) const MAX_RETRY_AFTER_SECS: u64 = 60;

/// The first bound `text` (YAML starting at line `first_line` of `path`) breaks.
pub(crate) fn check_yaml(text: &str, path: &Path, first_line: usize) -> Result<(), Diagnostic> {
    let Some(found) = scan_yaml(text) else {
        return Ok(());
    };
    let location = Location::at(path, found.line + first_line - 1, found.column);
    Err(match found.what {
        Found::Alias(name) => Diagnostic::new(
            location,
            format!("`*{name}` is a YAML alias (it repeats the value marked &{name}), and rapport does not accept aliases"),
            "write the value out in full where it is needed: aliases are refused because a few of them can expand a small file to gigabytes",
        ),
        Found::Deep => Diagnostic::new(
            location,
            format!("lists or maps in [ ] or {{ }} nest more than {MAX_FLOW_DEPTH} deep here"),
            "close the brackets that are left open; rapport's files never need more than a few levels",
        ),
    })
}

/// What is wrong with a comment body too large or too deeply nested to render safely
/// (parsing nested HTML takes time in the square of its depth).
pub(crate) struct Problem {
    pub(crate) message: String,
    pub(crate) help: &'static str,
}

/// The bound a thread of `count` comments breaks, if any.
pub(crate) fn too_many_comments(count: usize) -> Option<Problem> {
    (count > MAX_COMMENTS).then(|| Problem {
        message: format!(
            "this thread holds {count} comments; rapport renders threads of up to {MAX_COMMENTS} on one page"
        ),
        help: "split the conversation, or remove comments that are not real ones (spam)",
    })
}

/// What is too long in the address `path` (below the base path), if anything: the
/// whole of it, past `MAX_ADDRESS_BYTES`, or its first segment longer than
/// `MAX_SEGMENT_BYTES` (`"aaaa"… is 300 bytes long; …`).
pub(crate) fn long_address(path: &str) -> Option<String> {
    if path.len() > MAX_ADDRESS_BYTES {
        return Some(format!(
            "the address is {} bytes long, and an address may have at most {MAX_ADDRESS_BYTES}",
            path.len()
        ));
    }
    let segment = path.split('/').find(|s| s.len() > MAX_SEGMENT_BYTES)?;
    let start: String = segment.chars().take(20).collect();
    Some(format!(
        "{start:?}… is {} bytes long, and a part of an address between slashes may have at most {MAX_SEGMENT_BYTES} (it becomes the name of a folder)",
        segment.len()
    ))
}

/// Why a file was not read.
pub(crate) enum ReadError {
    Io(std::io::Error),
    /// It holds more than the limit: `Problem` says so.
    TooLarge(Problem),
}

impl ReadError {
    /// The problem at the file `shown` (as the user knows it; `full` is where it
    /// was read).
    pub(crate) fn diagnostic(self, shown: &Path, full: &Path) -> Diagnostic {
        let location = Location::new(shown, None);
        match self {
            ReadError::Io(e) => Diagnostic::new(
                location,
                crate::error::Error::io(full, "cannot read", e).to_string(),
                "check the file's permissions",
            ),
            ReadError::TooLarge(problem) => {
                Diagnostic::new(location, problem.message, problem.help)
            }
        }
    }
}

/// The bytes of the markdown file at `path`, refused unread beyond `MAX_MARKDOWN_BYTES`.
pub(crate) fn read_markdown(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_at_most(path, MAX_MARKDOWN_BYTES).map_err(|e| {
        e.too_large("markdown files", "split it into several posts, or keep what is not text (data, images) in files beside it")
    })
}

/// The bytes of the thread file at `path`, refused unread beyond
/// `MAX_THREAD_FILE_BYTES`.
pub(crate) fn read_thread_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_at_most(path, MAX_THREAD_FILE_BYTES).map_err(|e| {
        e.too_large(
            "thread files",
            "split the conversation, or remove comments that are not real ones (spam)",
        )
    })
}

/// The bytes of the data file at `path` (under `content/`: `content::private` reads
/// it for private keys), refused unread beyond `MAX_DATA_FILE_BYTES`.
pub(crate) fn read_data_file(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_at_most(path, MAX_DATA_FILE_BYTES).map_err(|e| {
        e.too_large(
            "data files under content/, which it checks for e-mail and IP address keys,",
            "move it to static/, where files are published as they are, or out of content/",
        )
    })
}

/// What `read_at_most` found: an error, or the size of a file over its limit.
enum Unread {
    Io(std::io::Error),
    Size { size: u64, limit: u64 },
}

impl Unread {
    fn too_large(self, what: &str, help: &'static str) -> ReadError {
        match self {
            Unread::Io(e) => ReadError::Io(e),
            Unread::Size { size, limit } => ReadError::TooLarge(Problem {
                message: format!(
                    "this file is {} MB; rapport reads {what} of up to {} MB",
                    size.div_ceil(1024 * 1024),
                    limit / (1024 * 1024)
                ),
                help,
            }),
        }
    }
}

/// The bytes of `path` when it holds at most `limit`. Its size is known before
/// anything is read, and the file is read as it was then: no further than that size
/// (a file growing meanwhile is not read past it), without a read to find its end
/// (a tenth of a full build's calls to the system). A file of size 0 may have bytes
/// all the same (a file system making them as they are read, as `/proc` does): it is
/// read to its end, no further than the limit.
fn read_at_most(path: &Path, limit: u64) -> Result<Vec<u8>, Unread> {
    use std::io::Read;
    let file = open_without_waiting(path).map_err(Unread::Io)?;
    let meta = file.metadata().map_err(Unread::Io)?;
    if !meta.is_file() {
        return Err(Unread::Io(not_a_file()));
    }
    let size = meta.len();
    if size > limit {
        return Err(Unread::Size { size, limit });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    let most = if size == 0 { limit + 1 } else { size };
    file.take(most)
        .read_to_end(&mut bytes)
        .map_err(Unread::Io)?;
    match bytes.len() as u64 {
        read if read > limit => Err(Unread::Size { size: read, limit }),
        _ => Ok(bytes),
    }
}

/// Opens `path` to read it without waiting: opening a named pipe waits for a writer,
/// for ever if none comes (`read_at_most` then refuses what is not a file).
#[cfg(target_os = "linux")]
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    let flags = rustix::fs::OFlags::NONBLOCK.bits() as i32;
    std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
}

/// Where opening without waiting is not at hand, a pipe is told before it is opened.
#[cfg(not(target_os = "linux"))]
fn open_without_waiting(path: &Path) -> std::io::Result<std::fs::File> {
    if !std::fs::metadata(path)?.is_file() {
        return Err(not_a_file());
    }
    std::fs::File::open(path)
}

/// What is said of a source that is not a regular file (the listing's and
/// site.toml's problem).
pub(crate) const NOT_A_FILE: &str =
    "this is not a file but a named pipe, a socket or a device, which rapport does not read";

fn not_a_file() -> std::io::Error {
    std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        "it is not a file but a named pipe, a socket or a device",
    )
}

/// The bound a comment body breaks, if any.
pub(crate) fn comment_body_problem(body: &str) -> Option<Problem> {
    if body.len() > MAX_COMMENT_BYTES {
        return Some(Problem {
            message: format!(
                "its body is {} KB; rapport accepts comments of up to {} KB",
                body.len().div_ceil(1024),
                MAX_COMMENT_BYTES / 1024
            ),
            help: "shorten the comment, or remove it if it is not a real one",
        });
    }
    if sanitize::html_nests_deeper_than(body, MAX_TAG_DEPTH) {
        return Some(Problem {
            message: format!("its HTML nests elements more than {MAX_TAG_DEPTH} deep"),
            help: "close the tags that are left open (</div>, </blockquote> …), or remove the comment if it is not a real one",
        });
    }
    None
}

#[derive(Debug, PartialEq)]
enum Found {
    Alias(String),
    Deep,
}

#[derive(Debug, PartialEq)]
struct Finding {
    /// 1-based, by `\n`.
    line: usize,
    /// 1-based, in characters.
    column: usize,
    what: Found,
}

/// What the scan is inside of when a line starts.
#[derive(Clone, Copy, PartialEq)]
enum Open {
    Nothing,
    /// A quoted scalar that goes on to the next line.
    Quote(u8),
    /// A block scalar (`|`, `>`): its lines are those indented more than the column.
    Block(Option<usize>),
    /// A plain scalar in block context: it goes on while lines are indented more.
    Plain(Option<usize>),
}

/// Finds the first alias or too deep flow nesting. Linear; it follows YAML's token
/// rules closely enough to step over quoted, plain and block scalars (where `*` and
/// `[` are only text), and where it is unsure it keeps scanning rather than skipping.
fn scan_yaml(text: &str) -> Option<Finding> {
    let mut depth = 0usize;
    let mut open = Open::Nothing;
    // The column of the innermost block collection (the last key or `-` seen outside
    // brackets): block scalars and plain scalars continue on lines indented more.
    let mut block_column: Option<usize> = None;
    for (index, line) in text.split('\n').enumerate() {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        let blank = bytes[indent..].iter().all(|b| b.is_ascii_whitespace());
        let deeper = |column: Option<usize>| column.is_none_or(|c| indent > c);
        let mut i = indent;
        match open {
            Open::Block(column) if blank || deeper(column) => continue,
            Open::Quote(quote) => match skip_quoted(bytes, 0, quote) {
                Some(end) => i = end,
                None => continue,
            },
            Open::Plain(_) if blank => continue,
            // A comment ends a plain scalar.
            Open::Plain(_) if bytes[indent] == b'#' => {
                open = Open::Nothing;
                continue;
            }
            Open::Plain(column) if depth > 0 || deeper(column) => {
                i = skip_plain(bytes, indent, depth > 0);
                if i == bytes.len() {
                    continue;
                }
            }
            _ => {}
        }
        open = Open::Nothing;
        if is_document_marker(bytes) {
            (depth, block_column, i) = (0, None, 3);
        }
        let at = |i: usize, what: Found| Finding {
            line: index + 1,
            column: line[..i].chars().count() + 1,
            what,
        };
        let mut token_start = true;
        // Whether a key or `-` of this line set `block_column`.
        let mut keyed = false;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_whitespace() {
                (token_start, i) = (true, i + 1);
                continue;
            }
            if !token_start {
                // The rest of a token the arms below do not consume (`:` after a key).
                i += 1;
                continue;
            }
            let next_blank = bytes.get(i + 1).is_none_or(|n| n.is_ascii_whitespace());
            match b {
                b'#' => break,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH {
                        return Some(at(i, Found::Deep));
                    }
                    i += 1;
                }
                b']' | b'}' => {
                    depth = depth.saturating_sub(1);
                    i += 1;
                }
                b',' => i += 1,
                // In brackets a `:` at a token's start is an indicator, blank or not.
                b'-' | b'?' | b':' if next_blank || (depth > 0 && b == b':') => {
                    if depth == 0 && b != b':' {
                        (block_column, keyed) = (Some(i), true);
                    } else if depth == 0 && !keyed {
                        // The key was no scalar of its own (a tag, an anchor, nothing):
                        // it starts where the line does.
                        (block_column, keyed) = (Some(indent), true);
                    }
                    i += 1;
                }
                b'\'' | b'"' => match skip_quoted(bytes, i + 1, b) {
                    Some(end) => {
                        if depth == 0 && key_follows(bytes, end) {
                            (block_column, keyed) = (Some(i), true);
                        }
                        i = end;
                    }
                    None => {
                        open = Open::Quote(b);
                        break;
                    }
                },
                b'*' => {
                    let end = token_end(bytes, i + 1, depth > 0);
                    return Some(at(i, Found::Alias(line[i + 1..end].to_string())));
                }
                b'&' | b'!' => i = token_end(bytes, i + 1, depth > 0),
                b'|' | b'>' if depth == 0 => {
                    open = Open::Block(block_column);
                    break;
                }
                b'%' if i == 0 => break,
                _ => {
                    // A plain scalar: up to the `:` of a key, ` #`, or in brackets a
                    // flow indicator; at the end of the line it may go on below.
                    let end = skip_plain(bytes, i, depth > 0);
                    if depth == 0 && end < bytes.len() && bytes[end] == b':' {
                        (block_column, keyed) = (Some(i), true);
                    }
                    if end == bytes.len() {
                        open = Open::Plain(block_column);
                    }
                    i = end;
                }
            }
            token_start = depth > 0 || bytes[i - 1].is_ascii_whitespace();
        }
    }
    None
}

/// `---` or `...` alone at the start of a line: a document starts or ends.
fn is_document_marker(bytes: &[u8]) -> bool {
    (bytes.starts_with(b"---") || bytes.starts_with(b"..."))
        && bytes.get(3).is_none_or(|b| b.is_ascii_whitespace())
}

/// The end of a plain scalar starting at `from`: the `:` of a key, the space before a
/// `#`, a flow indicator inside brackets, or the end of the line.
fn skip_plain(bytes: &[u8], from: usize, in_flow: bool) -> usize {
    let mut i = from;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        let ends_key = b == b':'
            && next.is_none_or(|n| n.is_ascii_whitespace() || (in_flow && b",[]{}".contains(&n)));
        if ends_key
            || (in_flow && b",[]{}".contains(&b))
            || (b == b'#' && i > from && bytes[i - 1].is_ascii_whitespace())
        {
            return i;
        }
        i += 1;
    }
    i
}

/// The index after the closing quote of a scalar whose text starts at `from`, or
/// `None` when it goes on past this line.
fn skip_quoted(bytes: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 2,
            b if b == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// Whether a `:` that makes the scalar before `at` a key follows it.
fn key_follows(bytes: &[u8], at: usize) -> bool {
    let rest = &bytes[at..];
    let spaces = rest.iter().take_while(|&&b| b == b' ').count();
    rest.get(spaces) == Some(&b':')
}

/// The end of an anchor, alias or tag name.
fn token_end(bytes: &[u8], from: usize, in_flow: bool) -> usize {
    let mut i = from;
    while i < bytes.len()
        && !bytes[i].is_ascii_whitespace()
        && !(in_flow && b",[]{}".contains(&bytes[i]))
    {
        i += 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread file replaced by a named pipe while `serve --watch` ran was opened by
    /// the update, which then waited for a writer for ever.
    #[cfg(unix)]
    #[test]
    fn a_named_pipe_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let pipe = dir.path().join("hello.comments.yaml");
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        assert!(made.unwrap().success());
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(read_thread_file(&pipe).is_err()));
        let refused = rx.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(refused, Ok(true), "still waiting, or read");
        let file = dir.path().join("a.md");
        std::fs::write(&file, "hello").unwrap();
        assert_eq!(read_thread_file(&file).ok(), Some(b"hello".to_vec()));
    }

    fn found(text: &str) -> Option<(usize, usize, Found)> {
        scan_yaml(text).map(|f| (f.line, f.column, f.what))
    }

    /// Reading no further than a file's size read nothing of one whose size is 0
    /// while it has bytes: a thread on such a file system lost its comments.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_of_size_zero_with_bytes_is_read_to_its_end() {
        let path = Path::new("/proc/self/status");
        assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
        let bytes = read_thread_file(path).ok().unwrap();
        assert!(bytes.starts_with(b"Name:"), "{bytes:?}");
        assert!(matches!(
            read_at_most(path, 10),
            Err(Unread::Size {
                size: 11,
                limit: 10
            })
        ));
    }

    #[test]
    fn finds_aliases_where_yaml_reads_them() {
        let alias = |name: &str| Found::Alias(name.to_string());
        assert_eq!(found("a: &x 1\nb: *x\n"), Some((2, 4, alias("x"))));
        assert_eq!(found("a: [1, *x]\n"), Some((1, 8, alias("x"))));
        assert_eq!(found("- *big\n"), Some((1, 3, alias("big"))));
        assert_eq!(found("<<: *base\n"), Some((1, 5, alias("base"))));
        assert_eq!(found("a: {k: *v}\n"), Some((1, 8, alias("v"))));
    }

    #[test]
    fn asterisks_in_text_are_not_aliases() {
        for text in [
            "body: some *emphasis* here\n",
            "body: \"*quoted*\"\n",
            "body: '*single* it''s'\n",
            "body: |\n  *emphasis* and * list\n  - *x\nnext: 1\n",
            "- id: 1\n  body: >-\n    *folded*\n  author: x\n",
            "body: \"line one\n  *still quoted*\"\n",
            "body: plain text\n  *continued* plain\n",
            "a: 1 # *comment\n",
            "title: 3*4\n",
            "a: [x*y, 'z*']\n",
            "a: it's *fine*\n",
        ] {
            assert_eq!(found(text), None, "{text}");
        }
    }

    #[test]
    fn text_after_a_block_scalar_is_scanned_again() {
        let text = "comments:\n  - body: |\n      text\n    role: *r\n";
        assert_eq!(found(text), Some((4, 11, Found::Alias("r".into()))));
        // A plain scalar's continuation cannot hide what follows it.
        assert_eq!(
            found("title: a\n  'b\nextra: *x\n"),
            Some((3, 8, Found::Alias("x".into())))
        );
        // A key that is only a tag (or an anchor) still starts where its line does.
        assert_eq!(
            found("!t : |\na: *x"),
            Some((2, 4, Found::Alias("x".into())))
        );
    }

    #[test]
    fn deep_brackets_are_found_at_the_first_one_too_many() {
        let deep = format!("extra: {}{}\n", "[".repeat(65), "]".repeat(65));
        assert_eq!(found(&deep), Some((1, 72, Found::Deep)));
        let ok = format!("extra: {}{}\n", "[{a: ".repeat(32), "}]".repeat(32));
        assert_eq!(found(&ok), None);
        let across = format!("extra:\n{}", "  [\n".repeat(70));
        assert_eq!(found(&across).map(|f| f.0), Some(66));
        let quoted = format!("title: \"{}\"\n", "[".repeat(100));
        assert_eq!(found(&quoted), None);
    }

    /// Pieces of YAML that change how `*x` is read: in a quoted, plain or block
    /// scalar it is text, at the start of a value it is an alias.
    const PIECES: &[&str] = &[
        "a: ", "- ", "*x", "*x ", " ", "\n", "  ", "    ", "'", "\"", "[", "]", "{", "}", ", ",
        " #", "|\n", ">-\n", "b", ":", "? ", "\\", "---\n", "''", "!t ",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]
        /// No anchor is defined, so the parser fails with "unknown anchor" exactly when
        /// it reads an alias: the scan must find one then.
        #[test]
        fn no_alias_the_parser_reads_escapes_the_scan(
            picks in proptest::collection::vec(0..PIECES.len(), 0..24)
        ) {
            let text: String = picks.iter().map(|&i| PIECES[i]).collect();
            if let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(&text) {
                if e.to_string().contains("unknown anchor") {
                    proptest::prop_assert!(
                        matches!(scan_yaml(&text), Some(Finding { what: Found::Alias(_), .. })),
                        "{text:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn a_whole_address_is_measured_too() {
        let at_limit = format!(
            "{}/{}/{}/",
            vec!["a".repeat(200); 4].join("/"),
            "b".repeat(200),
            "c".repeat(18)
        );
        assert_eq!(at_limit.len(), MAX_ADDRESS_BYTES);
        assert_eq!(long_address(&at_limit), None);
        let long = long_address(&format!("{at_limit}c/")).unwrap();
        assert!(long.starts_with("the address is 1026 bytes long"), "{long}");
    }

    #[test]
    fn address_segments_are_measured_in_bytes() {
        assert_eq!(long_address(&format!("posts/{}/", "é".repeat(100))), None);
        let long = long_address(&format!("posts/{}/", "é".repeat(101))).unwrap();
        assert!(
            long.starts_with(&format!("{:?}… is 202 bytes", "é".repeat(20))),
            "{long}"
        );
    }

    #[test]
    fn every_finding_is_what_the_parser_sees() {
        // Whatever the scan refuses as an alias, the parser also reads as one.
        for text in [
            "a: &x 1\nb: *x\n",
            "a: [&x 1, *x]\n",
            "a: &x\n  b: 1\nc: *x\n",
        ] {
            assert!(found(text).is_some(), "{text}");
            let value: serde_yaml::Value = serde_yaml::from_str(text).unwrap();
            assert!(!value.is_null());
        }
    }
}
