//! Live reload and the error overlay: what `serve --watch` adds to every HTML page it
//! sends (the files on disk stay as `build` wrote them), and the server-sent-events
//! stream that tells open pages a rebuild finished.

use crate::render::markdown::escape_html;
use std::io::{self, Write};
use std::time::Duration;

use crate::serve::state::{Reload, Snapshot, State};

/// The reserved path of the event stream, outside any base path so no site file can
/// shadow it.
pub(super) const EVENTS_PATH: &str = "/__rapport/events";

/// How often an idle stream sends a comment, so that proxies and browsers keep it.
const KEEPALIVE: Duration = Duration::from_secs(15);

/// How often a waiting stream checks that its page is still open.
const CLIENT_CHECK: Duration = Duration::from_secs(1);

/// `html` with the overlay (when the last rebuild failed) and the reload script added
/// before `</body>`, or at the end of a page without one.
pub(super) fn inject(html: &str, snapshot: &Snapshot, token: &str) -> String {
    let tail = addition(snapshot, token);
    let at = html
        .to_ascii_lowercase()
        .rfind("</body>")
        .unwrap_or(html.len());
    let mut page = String::with_capacity(html.len() + tail.len());
    page.push_str(&html[..at]);
    page.push_str(&tail);
    page.push_str(&html[at..]);
    page
}

/// What `inject` adds to a page: the overlay, when the last rebuild failed, and the
/// reload script.
pub(super) fn addition(snapshot: &Snapshot, token: &str) -> String {
    let mut tail = String::new();
    if let Some(error) = &snapshot.error {
        tail.push_str(&overlay(error));
    }
    tail.push_str(&script(token));
    tail
}

/// The error of the failed rebuild, over the last good page. Themes style
/// `.build-error` (the default theme does); the `:where` rule only gives themes that
/// do not a readable fallback, and loses to any rule of theirs.
fn overlay(error: &str) -> String {
    format!(
        "<style>:where(.build-error){{position:fixed;inset:0 0 auto 0;z-index:2147483647;\
         max-height:60vh;overflow:auto;margin:0;padding:1rem;background:#5c0a0a;color:#fff;\
         font:0.9rem/1.5 monospace;white-space:pre-wrap}}</style>\
         <div class=\"build-error\" role=\"alert\"><strong>The last rebuild failed; \
         this page is from the last good build.</strong>\nerror: {}</div>",
        escape_html(error)
    )
}

/// Reloads on "reload", re-fetches stylesheets on "css", and reloads on connecting
/// when the server's build is newer than the page (a rebuild that finished before the
/// stream opened, or a restarted server).
fn script(token: &str) -> String {
    format!(
        r#"<script>(() => {{
  let shown = "{token}";
  const events = new EventSource("{EVENTS_PATH}");
  events.addEventListener("hello", (e) => {{ if (e.data !== shown) location.reload(); }});
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("css", (e) => {{
    shown = e.data;
    for (const link of document.querySelectorAll('link[rel~="stylesheet"]')) {{
      const url = new URL(link.href);
      url.searchParams.set("rapport-reload", Date.now());
      link.href = url.href;
    }}
  }});
}})();</script>"#
    )
}

/// Writes the event stream (response head included) to `out` until the client goes
/// away: a "hello" with the current build's token, then one event per rebuild.
/// `gone` tells whether the client closed the connection: it is asked every
/// `CLIENT_CHECK`, so a closed page gives its stream back within a second or so.
pub(super) fn stream_events(
    out: &mut dyn Write,
    state: &State,
    gone: &dyn Fn() -> bool,
) -> io::Result<()> {
    let mut seen = state.snapshot().generation;
    write!(
        out,
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\n\
         Connection: close\r\n\r\nretry: 1000\nevent: hello\ndata: {}\n\n",
        state.token(seen)
    )?;
    out.flush()?;
    loop {
        match wait_for_rebuild(state, seen, gone) {
            Wait::Rebuilt(now) => {
                // A stream that missed a rebuild cannot know what it changed.
                let event = match now.reload {
                    Reload::Css if now.generation == seen + 1 => "css",
                    _ => "reload",
                };
                write!(
                    out,
                    "event: {event}\ndata: {}\n\n",
                    state.token(now.generation)
                )?;
                seen = now.generation;
            }
            Wait::Quiet => out.write_all(b": keep-alive\n\n")?,
            Wait::Gone => return Ok(()),
        }
        out.flush()?;
    }
}

enum Wait {
    Rebuilt(Snapshot),
    /// Nothing for `KEEPALIVE`.
    Quiet,
    Gone,
}

fn wait_for_rebuild(state: &State, seen: u64, gone: &dyn Fn() -> bool) -> Wait {
    let mut waited = Duration::ZERO;
    while waited < KEEPALIVE {
        if let Some(now) = state.wait_past(seen, CLIENT_CHECK) {
            return Wait::Rebuilt(now);
        }
        if gone() {
            return Wait::Gone;
        }
        waited += CLIENT_CHECK;
    }
    Wait::Quiet
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snapshot(error: Option<&str>) -> Snapshot {
        Snapshot {
            generation: 3,
            reload: Reload::Page,
            error: error.map(String::from),
            base_path: "/".into(),
        }
    }

    #[test]
    fn injects_before_the_closing_body() {
        let page = inject(
            "<html><body><p>hi</p></BODY></html>",
            &snapshot(None),
            "t-3",
        );
        assert!(page.starts_with("<html><body><p>hi</p><script>"), "{page}");
        assert!(page.ends_with("</script></BODY></html>"), "{page}");
        assert!(page.contains(r#"let shown = "t-3";"#));
        assert!(page.contains(EVENTS_PATH));
        assert!(!page.contains("build-error"));
        let bare = inject("<p>no body</p>", &snapshot(None), "t");
        assert!(bare.starts_with("<p>no body</p><script>"));
    }

    #[test]
    fn overlay_escapes_the_error() {
        let page = inject(
            "<body></body>",
            &snapshot(Some("a.yaml:3: bad <script>\"x\" & 'y'")),
            "t",
        );
        assert!(page.contains(
            "<div class=\"build-error\" role=\"alert\"><strong>The last rebuild failed; this page is from the last good build.</strong>\nerror: a.yaml:3: bad &lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;</div>"
        ), "{page}");
    }

    #[test]
    fn streams_hello_then_one_event_per_rebuild() {
        // Each flush ends one event; the writer plays the rebuilds in between, and
        // hangs up after the third event.
        struct Client<'a> {
            text: Vec<u8>,
            flushes: usize,
            state: &'a State,
        }
        impl Write for Client<'_> {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.text.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                self.flushes += 1;
                match self.flushes {
                    1 => self.state.succeeded("/".into(), Reload::Css),
                    2 => self.state.failed("boom".into()),
                    _ => return Err(io::ErrorKind::BrokenPipe.into()),
                }
                Ok(())
            }
        }
        let state = State::new("/".into(), None);
        let mut client = Client {
            text: Vec::new(),
            flushes: 0,
            state: &state,
        };
        assert!(stream_events(&mut client, &state, &|| false).is_err());
        let text = String::from_utf8(client.text).unwrap();
        assert!(text.starts_with("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"));
        let events: Vec<&str> = text
            .lines()
            .filter_map(|l| l.strip_prefix("event: "))
            .collect();
        assert_eq!(events, ["hello", "css", "reload"], "{text}");
        assert!(text.contains(&format!("data: {}\n", state.token(2))));
    }
}
