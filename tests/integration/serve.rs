//! `rapport serve`: the real binary on a loopback port the system picks (`--port 0`,
//! the address is read from what it prints, so parallel tests never race for a port),
//! in a temporary copy of `fixtures/serve/blog`, driven over HTTP by a tiny client.
//! Every wait is bounded and polls; the server is killed by its own PID on drop.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::harness::SiteTest;

/// How long anything may take to show up; generous, since tests share two cores.
const PATIENCE: Duration = Duration::from_secs(30);
const POLL: Duration = Duration::from_millis(50);

/// A running `rapport serve`.
struct Server {
    child: Child,
    /// The address it printed, e.g. `http://127.0.0.1:41234/blog/`.
    url: String,
    addr: SocketAddr,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

/// One HTTP response.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Server {
    /// `rapport serve --port 0 ARGS` in the site's folder, once it says it is serving.
    #[track_caller]
    fn start(site: &SiteTest, args: &[&str]) -> Server {
        Server::start_on(site, 0, args)
    }

    /// `rapport serve --port PORT ARGS`, its builds kept in the site's own cache.
    #[track_caller]
    fn start_on(site: &SiteTest, port: u16, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["serve", "--port", &port.to_string()])
            .args(args)
            .current_dir(&site.root)
            .env("XDG_CACHE_HOME", site.cache_home())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start rapport serve");
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        let mut server = Server {
            child,
            url: String::new(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stdout,
            stderr,
        };
        let line = server.wait_for_output("Serving http://");
        server.url = line
            .split_whitespace()
            .nth(1)
            .expect("an address after Serving")
            .to_string();
        let host = server.url["http://".len()..].split('/').next().unwrap();
        server.addr = host.parse().expect("a numeric address");
        server
    }

    /// Waits for a line of stdout containing `needle` and returns it.
    #[track_caller]
    fn wait_for_output(&mut self, needle: &str) -> String {
        let out = self.wait_for_text(&Arc::clone(&self.stdout), needle);
        let line = out.lines().find(|l| l.contains(needle)).unwrap();
        line.to_string()
    }

    /// Waits until stderr contains `needle` (across lines) and returns all of it.
    #[track_caller]
    fn wait_for_stderr(&mut self, needle: &str) -> String {
        self.wait_for_text(&Arc::clone(&self.stderr), needle)
    }

    #[track_caller]
    fn wait_for_text(&mut self, stream: &Mutex<String>, needle: &str) -> String {
        let start = Instant::now();
        loop {
            let text = stream.lock().unwrap().clone();
            if text.contains(needle) {
                return text;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!(
                    "rapport serve exited ({status}) before printing {needle:?}\n{}",
                    self.output()
                );
            }
            assert!(
                start.elapsed() < PATIENCE,
                "no {needle:?} printed\n{}",
                self.output()
            );
            std::thread::sleep(POLL);
        }
    }

    fn output(&self) -> String {
        format!(
            "stdout:\n{}\nstderr:\n{}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        )
    }

    /// `GET target` (sent as is, so tests can send what browsers would not).
    #[track_caller]
    fn get(&self, target: &str) -> Reply {
        let mut stream = self.connect(target);
        let mut raw = Vec::new();
        stream
            .read_to_end(&mut raw)
            .unwrap_or_else(|e| panic!("reading the reply to {target}: {e}"));
        parse_reply(&raw).unwrap_or_else(|| {
            panic!(
                "not an HTTP reply to {target}: {:?}",
                String::from_utf8_lossy(&raw)
            )
        })
    }

    fn connect(&self, target: &str) -> TcpStream {
        self.connect_as(&self.addr.to_string(), target)
    }

    /// `GET target` with `Host: host`, as a browser sends it for a page at that name.
    #[track_caller]
    fn get_as(&self, host: &str, target: &str) -> Reply {
        let mut raw = Vec::new();
        (self.connect_as(host, target).read_to_end(&mut raw))
            .unwrap_or_else(|e| panic!("reading the reply to {target} for {host}: {e}"));
        parse_reply(&raw).unwrap_or_else(|| panic!("not an HTTP reply to {target} for {host}"))
    }

    fn connect_as(&self, host: &str, target: &str) -> TcpStream {
        let mut stream = TcpStream::connect(self.addr).expect("connect to the server");
        stream.set_read_timeout(Some(PATIENCE)).unwrap();
        write!(
            stream,
            "GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        stream
    }

    /// Polls `target` until `ready` holds for the reply.
    #[track_caller]
    fn wait_for(&self, target: &str, what: &str, ready: impl Fn(&Reply) -> bool) -> Reply {
        let start = Instant::now();
        loop {
            let reply = self.get(target);
            if ready(&reply) {
                return reply;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "{target} never {what}; last reply: {reply:?}\n{}",
                self.output()
            );
            std::thread::sleep(POLL);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Child::kill signals this child's own PID, nothing else.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(stream: impl Read + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = Arc::clone(&text);
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            let mut text = sink.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
    text
}

fn parse_reply(raw: &[u8]) -> Option<Reply> {
    let text = String::from_utf8_lossy(raw);
    let (head, body) = text.split_once("\r\n\r\n")?;
    let mut lines = head.lines();
    let status = lines.next()?.split_whitespace().nth(1)?.parse().ok()?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Reply {
        status,
        headers,
        body: body.to_string(),
    })
}

fn blog() -> SiteTest {
    SiteTest::fixture("serve/blog")
}

const HELLO_THREAD: &str = "content/posts/hello.comments.yaml";

#[test]
fn serves_pages_and_files_with_their_content_types() {
    let site = blog();
    let server = Server::start(&site, &[]);
    let home = server.get("/");
    assert_eq!(home.status, 200);
    assert_eq!(
        home.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    let hello = server.get("/posts/hello/");
    assert_eq!(hello.status, 200);
    assert!(hello.body.contains("The first version of hello."));
    assert!(hello.body.contains("id=\"comment-1\""));
    for (target, kind) in [
        ("/extra.css", "text/css; charset=utf-8"),
        ("/atom.xml", "application/atom+xml; charset=utf-8"),
        ("/sitemap.xml", "application/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
    ] {
        let reply = server.get(target);
        assert_eq!(
            (reply.status, reply.header("Content-Type")),
            (200, Some(kind)),
            "{target}"
        );
    }
    // Feeds point at this server, not at the real host.
    assert!(server.get("/atom.xml").body.contains(&server.url));
    // Without --watch nothing is added to pages.
    assert!(!hello.body.contains("__rapport"));
    // Serve builds into a folder of its own, never the site's public/.
    assert!(!site.root.join("public").exists());
    // Drafts are shown while serving, unless turned off.
    assert_eq!(server.get("/posts/draft/").status, 200);
    drop(server);
    let server = Server::start(&site, &["--drafts", "false"]);
    assert_eq!(server.get("/posts/draft/").status, 404);
}

/// The files beside a draft's `index.md` are served with the draft, and hidden with it.
#[test]
fn a_drafts_bundle_files_are_served_only_with_drafts() {
    let site = blog();
    site.write(
        "content/posts/plan/index.md",
        "---\ntitle: Plan\ndate: 2024-01-05\ndraft: true\n---\n![map](map.png)\n",
    );
    site.write("content/posts/plan/map.png", "the map");
    let server = Server::start(&site, &[]);
    let map = server.get("/posts/plan/map.png");
    assert_eq!((map.status, map.body.as_str()), (200, "the map"));
    drop(server);
    let server = Server::start(&site, &["--drafts", "false"]);
    assert_eq!(server.get("/posts/plan/map.png").status, 404);
}

/// A web page can point a name of its own at this machine (DNS rebinding) and then
/// read the server as if it were its own site, drafts included: only a request
/// addressed to localhost or to an address in numbers is answered.
#[test]
fn a_request_addressed_to_another_name_is_refused() {
    let site = blog();
    let server = Server::start(&site, &["--watch"]);
    let port = server.addr.port();
    for host in [
        format!("attacker.example:{port}"),
        "attacker.example".to_string(),
        format!("127.0.0.1.attacker.example:{port}"),
        format!("localhost.attacker.example:{port}"),
    ] {
        for target in ["/posts/draft/", "/__rapport/events", "/nowhere"] {
            let reply = server.get_as(&host, target);
            assert_eq!(reply.status, 403, "{host} {target}: {reply:?}");
            assert!(!reply.body.contains("A draft"), "{host} {target}");
            assert!(reply.body.contains("localhost"), "{host}: {}", reply.body);
        }
    }
    for host in [
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        format!("blog.localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let reply = server.get_as(&host, "/posts/draft/");
        assert_eq!(reply.status, 200, "{host}");
        assert!(
            reply.body.contains("A draft, shown while serving."),
            "{host}"
        );
    }
}

#[test]
fn binds_to_loopback_by_default() {
    let site = blog();
    let server = Server::start(&site, &[]);
    assert!(
        server.url.starts_with("http://127.0.0.1:"),
        "printed {}",
        server.url
    );
    assert!(server.addr.ip().is_loopback());
    // What the kernel says the listening socket is bound to (Linux): 127.0.0.1,
    // not 0.0.0.0.
    if let Ok(table) = std::fs::read_to_string("/proc/net/tcp") {
        let local = format!("0100007F:{:04X}", server.addr.port());
        let any = format!("00000000:{:04X}", server.addr.port());
        let listening: Vec<&str> = table
            .lines()
            .filter(|l| l.split_whitespace().nth(3) == Some("0A"))
            .filter_map(|l| l.split_whitespace().nth(1))
            .collect();
        assert!(listening.contains(&local.as_str()), "{listening:?}");
        assert!(!listening.contains(&any.as_str()), "{listening:?}");
    }
}

#[test]
fn a_taken_port_is_a_clear_error() {
    let site = blog();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let run = site.run(&["serve", "--port", &port.to_string()]).failure(1);
    assert_eq!(
        run.stderr,
        format!(
            "error: cannot listen on 127.0.0.1:{port}: the port is already in use (another rapport serve?)\n  help: stop the other server, or pass another port, e.g. --port {}\n",
            port.checked_add(1).unwrap_or(1111)
        )
    );
}

#[test]
fn a_missing_page_gets_the_sites_404_page_and_status() {
    let site = blog();
    let server = Server::start(&site, &[]);
    let reply = server.get("/no/such/page/");
    assert_eq!(reply.status, 404);
    assert_eq!(
        reply.header("Content-Type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(
        reply.body,
        std::fs::read_to_string(output_file(&server, "404.html")).unwrap()
    );
    assert_eq!(server.get("/posts/nope").status, 404);
}

#[test]
fn a_folder_without_its_slash_redirects() {
    let site = blog();
    let server = Server::start(&site, &[]);
    let reply = server.get("/posts/hello");
    assert_eq!(reply.status, 308);
    assert_eq!(reply.header("Location"), Some("/posts/hello/"));
    let reply = server.get("/posts/hello?x=1");
    assert_eq!(reply.header("Location"), Some("/posts/hello/?x=1"));
}

#[test]
fn nothing_outside_the_output_is_served() {
    let site = blog();
    let output = site.root.parent().unwrap().join("out");
    let server = Server::start(&site, &["--output", output.to_str().unwrap()]);
    // A symlink inside the output pointing out of it is refused too.
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.root.join("site.toml"), output.join("link.toml")).unwrap();
    let absolute = format!("/{}", site.root.join("site.toml").display());
    for target in [
        "/../site/site.toml",
        "/%2e%2e/site/site.toml",
        "/%2E%2E/site/site.toml",
        "/..%2fsite%2fsite.toml",
        "/%2e%2e%2fsite%2fsite.toml",
        "/..\\site\\site.toml",
        "/posts/..%5c..%5csite%5csite.toml",
        "/posts/../../site/site.toml",
        "/../site.toml",
        "/%2e%2e/site.toml",
        "/..%2fsite.toml",
        absolute.as_str(),
        "/link.toml",
    ] {
        let reply = server.get(target);
        assert!(
            !reply.body.contains("serve-fixture-marker"),
            "{target} served site.toml"
        );
        assert_eq!(reply.status, 404, "{target}");
    }
}

#[test]
fn an_edited_post_shows_without_a_restart() {
    let site = blog();
    let mut server = Server::start(&site, &["--watch"]);
    site.write(
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2024-01-01\n---\nThe second version of hello.\n",
    );
    let reply = server.wait_for("/posts/hello/", "showed the edit", |r| {
        r.body.contains("The second version of hello.")
    });
    assert_eq!(reply.status, 200);
    // Only what shows the post is rendered again, not the whole site: its neighbours
    // show its title and address, which did not change.
    let line = server.wait_for_output(
        "Changed content/posts/hello.md: 1 page and the lists, feeds and aggregates showing them, ",
    );
    assert!(line.ends_with(" ms"), "{line}");
}

#[test]
fn a_new_comment_shows() {
    let site = blog();
    let server = Server::start(&site, &["--watch"]);
    let thread = std::fs::read_to_string(site.root.join(HELLO_THREAD)).unwrap();
    site.write(
        HELLO_THREAD,
        &format!("{thread}  - id: \"3\"\n    parent: \"2\"\n    author: Fiona\n    body: A reply from the reader.\n"),
    );
    let reply = server.wait_for("/posts/hello/", "showed the comment", |r| {
        r.body.contains("id=\"comment-3\"")
    });
    assert!(reply.body.contains("A reply from the reader."));
}

/// A post and a thread whose file names are not UTF-8 were built, but their edits were
/// not seen while serving: the watcher left such names out.
#[cfg(unix)]
#[test]
fn a_post_whose_file_name_is_not_utf8_is_watched() {
    use std::os::unix::ffi::OsStrExt;
    let site = blog();
    let file = |suffix: &str| {
        let name = [&b"caf\xe9"[..], suffix.as_bytes()].concat();
        site.root
            .join("content/posts")
            .join(std::ffi::OsStr::from_bytes(&name))
    };
    let post =
        |text: &str| format!("---\ntitle: Cafe\ndate: 2024-01-03\nslug: cafe\n---\n{text}\n");
    std::fs::write(file(".md"), post("The first version.")).unwrap();
    let server = Server::start(&site, &["--watch"]);
    assert!(server
        .get("/posts/cafe/")
        .body
        .contains("The first version."));
    std::fs::write(file(".md"), post("The second version.")).unwrap();
    server.wait_for("/posts/cafe/", "showed the edit", |r| {
        r.body.contains("The second version.")
    });
    let thread = "comments:\n  - id: \"1\"\n    author: Ana\n    date: 2024-01-04T10:00:00Z\n    body: A comment on the cafe.\n";
    std::fs::write(file(".comments.yaml"), thread).unwrap();
    server.wait_for("/posts/cafe/", "showed the comment", |r| {
        r.body.contains("A comment on the cafe.")
    });
}

#[test]
fn a_deleted_post_is_gone() {
    let site = blog();
    let server = Server::start(&site, &["--watch"]);
    assert_eq!(server.get("/posts/other/").status, 200);
    std::fs::remove_file(site.root.join("content/posts/other.md")).unwrap();
    server.wait_for("/posts/other/", "went away", |r| r.status == 404);
    // The update removes the page, then rewrites the lists: wait for the last step.
    server.wait_for("/", "stopped listing it", |r| {
        r.status == 200 && !r.body.contains("/posts/other/")
    });
}

#[test]
fn a_renamed_post_moves() {
    let site = blog();
    let server = Server::start(&site, &["--watch"]);
    std::fs::rename(
        site.root.join("content/posts/other.md"),
        site.root.join("content/posts/moved.md"),
    )
    .unwrap();
    server.wait_for("/posts/moved/", "appeared", |r| r.status == 200);
    assert_eq!(server.get("/posts/other/").status, 404);
}

#[test]
fn a_failed_rebuild_keeps_the_last_good_page_and_shows_the_error_until_fixed() {
    let site = blog();
    let mut server = Server::start(&site, &["--watch"]);
    let good = std::fs::read_to_string(site.root.join(HELLO_THREAD)).unwrap();
    site.write(
        HELLO_THREAD,
        &format!("{good}  - id: \"1\"\n    author: Marco\n    body: Said twice.\n"),
    );

    let reply = server.wait_for("/posts/hello/", "showed the error", |r| {
        r.body.contains("class=\"build-error\"")
    });
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("The first version of hello."));
    assert!(reply.body.contains("The author answers."));
    let error = "content/posts/hello.comments.yaml:12: duplicate comment id &quot;1&quot; (first used on line 2)";
    assert!(
        reply.body.contains(&format!(
            "<div class=\"build-error\" role=\"alert\"><strong>The last rebuild failed; this page is from the last good build.</strong>\nerror: {error}"
        )),
        "{}",
        reply.body
    );
    // Every page carries it, the 404 page too.
    assert!(server.get("/nope/").body.contains("class=\"build-error\""));
    server.wait_for_stderr(
        "Changed content/posts/hello.comments.yaml: the rebuild failed; still serving the last good build\nerror: content/posts/hello.comments.yaml:12: duplicate comment id \"1\" (first used on line 2)\n",
    );

    site.write(HELLO_THREAD, &good.replace("The author answers.", "Fixed."));
    // The new files land a moment before the server clears the error, so wait for
    // both rather than assert one after the other.
    server.wait_for("/posts/hello/", "healed", |r| {
        r.body.contains("Fixed.") && !r.body.contains("build-error")
    });
    server.wait_for_output("Changed content/posts/hello.comments.yaml: 1 page and the lists");
}

#[test]
fn a_broken_site_served_with_watch_shows_the_error_and_heals() {
    let site = blog();
    let good = std::fs::read_to_string(site.root.join(HELLO_THREAD)).unwrap();
    site.write(HELLO_THREAD, "comments: [");
    // Without --watch there is nothing to wait for: it stops with the error.
    let run = site.run(&["serve", "--port", "0"]).failure(1);
    assert!(
        run.stderr
            .starts_with("error: content/posts/hello.comments.yaml:"),
        "{}",
        run.stderr
    );

    let server = Server::start(&site, &["--watch"]);
    let reply = server.get("/");
    assert_eq!(reply.status, 404);
    assert!(reply.body.contains("class=\"build-error\""));
    site.write(HELLO_THREAD, &good);
    server.wait_for("/posts/hello/", "was built", |r| r.status == 200);
}

#[test]
fn live_reload_is_added_to_served_pages_only() {
    let site = blog();
    let output = site.root.parent().unwrap().join("out");
    let server = Server::start(&site, &["--watch", "--output", output.to_str().unwrap()]);
    let served = server.get("/posts/hello/").body;
    assert!(served.contains("new EventSource(\"/__rapport/events\")"));
    assert!(served.contains("</script></body>"));
    let on_disk = std::fs::read_to_string(output.join("posts/hello/index.html")).unwrap();
    assert!(!on_disk.contains("__rapport"));
    assert!(!on_disk.contains("<script"));
}

#[test]
fn the_event_stream_announces_rebuilds() {
    let site = blog();
    let server = Server::start(&site, &["--watch"]);
    let mut events = BufReader::new(server.connect("/__rapport/events"));
    let head = read_until(&mut events, "event: hello");
    assert!(head.contains("Content-Type: text/event-stream"), "{head}");

    site.write("static/extra.css", "body { color: #333 }\n");
    read_until(&mut events, "event: css");
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\nAbout, edited.\n",
    );
    read_until(&mut events, "event: reload");
    // The stream does not hold up other requests.
    assert_eq!(server.get("/about/").status, 200);
}

#[test]
fn a_base_url_path_is_served_under_that_prefix() {
    let site = blog();
    site.write(
        "site.toml",
        "title = \"Serving\"\nbase_url = \"https://example.github.io/blog/\"\n",
    );
    let server = Server::start(&site, &[]);
    assert!(server.url.ends_with("/blog/"), "printed {}", server.url);
    let home = server.get("/blog/");
    assert_eq!(home.status, 200);
    assert!(home.body.contains("href=\"/blog/posts/hello/\""));
    assert_eq!(server.get("/blog/posts/hello/").status, 200);
    assert_eq!(server.get("/blog/extra.css").status, 200);
    assert_eq!(server.get("/posts/hello/").status, 404);
    assert_eq!(server.get("/blog").header("Location"), Some("/blog/"));
    assert_eq!(
        server.get("/blog/posts/hello").header("Location"),
        Some("/blog/posts/hello/")
    );
    assert!(server
        .get("/blog/atom.xml")
        .body
        .contains(&format!("{}posts/hello/", server.url)));
}

/// Reads lines until one equals `wanted`; returns everything read.
#[track_caller]
fn read_until(stream: &mut BufReader<TcpStream>, wanted: &str) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let n = stream
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("no {wanted:?} in time ({e}); got:\n{seen}"));
        assert!(n > 0, "stream closed before {wanted:?}; got:\n{seen}");
        seen.push_str(&line);
        if line.trim_end() == wanted {
            return seen;
        }
    }
}

/// A file of the build the server serves, found from its printed output folder.
fn output_file(server: &Server, rel: &str) -> std::path::PathBuf {
    let out = server.stdout.lock().unwrap().clone();
    let line = out.lines().find(|l| l.starts_with("Serving ")).unwrap();
    let folder = line
        .split_once("(built into ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(folder, _)| folder)
        .unwrap();
    Path::new(folder).join(rel)
}

/// Whether a reply is a whole page or feed: a reader must never see a file the
/// update is still writing.
fn is_whole(target: &str, reply: &Reply) -> bool {
    let end = if target.ends_with(".xml") {
        "</feed>"
    } else {
        "</html>"
    };
    reply.status == 200 && reply.body.trim_end().ends_with(end)
}

#[test]
fn rapid_saves_served_empty_pages_and_feeds() {
    const SAVES: usize = 300;
    let site = blog();
    let server = Server::start(&site, &["--watch"]);
    let done = std::sync::atomic::AtomicBool::new(false);
    let targets = [
        "/posts/hello/",
        "/",
        "/atom.xml",
        "/posts/other/",
        "/tags/notes/",
    ];
    let (fetched, cut) = std::thread::scope(|scope| {
        let readers: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let (mut fetched, mut cut) = (0, Vec::new());
                    while !done.load(std::sync::atomic::Ordering::Relaxed) {
                        for target in targets {
                            let reply = server.get(target);
                            fetched += 1;
                            if !is_whole(target, &reply) {
                                cut.push(format!("{target}: {} {:?}", reply.status, reply.body));
                            }
                        }
                    }
                    (fetched, cut)
                })
            })
            .collect();
        for i in 0..SAVES {
            // Saved the way many editors save: truncated and rewritten in place.
            site.write(
                "content/posts/hello.md",
                &format!("---\ntitle: Hello\ndate: 2024-01-01\ntags: [notes]\n---\nVersion {i} of hello.\n"),
            );
            // Long enough for the watcher to end the batch, so most saves rebuild.
            std::thread::sleep(Duration::from_millis(25));
        }
        server.wait_for("/posts/hello/", "showed the last save", |r| {
            r.body.contains(&format!("Version {} of hello.", SAVES - 1))
        });
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        readers.into_iter().map(|r| r.join().unwrap()).fold(
            (0, Vec::new()),
            |(n, mut cut), (m, c)| {
                cut.extend(c);
                (n + m, cut)
            },
        )
    });
    assert!(
        fetched >= targets.len(),
        "the readers fetched {fetched} replies"
    );
    assert!(
        cut.is_empty(),
        "{} of {fetched} replies were empty or cut, e.g. {:?}",
        cut.len(),
        &cut[..cut.len().min(3)]
    );
}

/// A free port on loopback, for a server that must come back on the same one.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The folder `server` serves holds what `rapport build` writes for its address.
#[track_caller]
fn serves_a_full_build(site: &SiteTest, server: &Server, what: &str) {
    let full = site.root.parent().unwrap().join("full");
    let out = full.to_str().unwrap();
    let args = ["build", "--full", "--drafts", "--base-url", &server.url];
    site.run(&[&args[..], &["--output", out]].concat())
        .success();
    crate::harness::assert_same_tree(&output_file(server, ""), &full, what);
}

/// A comment appended to hello's thread, answering comment 2.
fn reply_to_hello(site: &SiteTest, id: usize, body: &str) {
    let thread = std::fs::read_to_string(site.root.join(HELLO_THREAD)).unwrap();
    site.write(
        HELLO_THREAD,
        &format!(
            "{thread}  - id: \"{id}\"\n    parent: \"2\"\n    author: Fiona\n    body: {body}\n"
        ),
    );
}

#[test]
fn a_second_start_reuses_the_last_build_and_updates_as_after_a_full_one() {
    let site = blog();
    // Posts enough to push one out of a posts feed of three.
    for n in 1..=3 {
        site.write(
            &format!("content/posts/more-{n}.md"),
            &format!("---\ntitle: More {n}\ndate: 2023-0{n}-01\n---\nMore, the {n}th.\n"),
        );
    }
    let config = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("{config}\n[feeds]\nposts = 3\n"));
    crate::harness::settle(&site.root);
    let port = free_port();
    let mut server = Server::start_on(&site, port, &["--watch"]);
    server.wait_for_output("Built the site: full rebuild");
    let folder = output_file(&server, "");
    assert!(folder.starts_with(site.cache_home()), "{folder:?}");
    drop(server);

    let mut server = Server::start_on(&site, port, &["--watch"]);
    let line = server.wait_for_output("Built the site: ");
    assert!(
        line.contains("reused the saved build, 0 of "),
        "{line}\n{}",
        server.output()
    );
    assert_eq!(output_file(&server, ""), folder);
    serves_a_full_build(&site, &server, "a warm start");

    // Live updates start from the reused build: a post, a comment (the conversation
    // pages and the comments feed show it), a post gone from the posts feed (the one
    // it shows instead was never rendered by this server).
    site.write(
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2024-01-01\ntags: [notes]\n---\nThe second version of hello.\n",
    );
    server.wait_for("/posts/hello/", "showed the edit", |r| {
        r.body.contains("The second version of hello.")
    });
    server.wait_for_output("Changed content/posts/hello.md: 1 page");
    serves_a_full_build(&site, &server, "a post edited after a warm start");
    reply_to_hello(&site, 3, "A reply after the warm start.");
    server.wait_for_output("Changed content/posts/hello.comments.yaml");
    serves_a_full_build(&site, &server, "a comment after a warm start");
    std::fs::remove_file(site.root.join("content/posts/other.md")).unwrap();
    server.wait_for_output("Changed content/posts/other.md");
    serves_a_full_build(&site, &server, "a post removed after a warm start");
    drop(server);

    // Another port is another address in every link: a full build.
    let mut server = Server::start_on(&site, free_port(), &[]);
    server.wait_for_output("Built the site: full rebuild");
    serves_a_full_build(&site, &server, "another port");
}

#[test]
fn a_damaged_serve_state_costs_a_full_build() {
    let site = blog();
    crate::harness::settle(&site.root);
    let port = free_port();
    let server = Server::start_on(&site, port, &[]);
    let folder = output_file(&server, "");
    drop(server);
    let state = folder.parent().unwrap().join(".site.rapport-state");
    // Its index, at its end: a damaged record costs only its post (warm_start).
    let mut bytes = std::fs::read(&state).unwrap();
    let last = bytes.len() - 2;
    bytes[last] ^= 0x20;
    std::fs::write(&state, bytes).unwrap();
    let mut server = Server::start_on(&site, port, &[]);
    server.wait_for_output("Built the site: full rebuild");
    serves_a_full_build(&site, &server, "a damaged state");
}

#[test]
fn two_servers_of_one_site_never_write_the_same_folder() {
    let site = blog();
    let first = Server::start(&site, &["--watch"]);
    let second = Server::start(&site, &["--watch"]);
    let (a, b) = (output_file(&first, ""), output_file(&second, ""));
    assert!(a.starts_with(site.cache_home()), "{a:?}");
    assert!(!b.starts_with(site.cache_home()), "{b:?}");
    // Given the same --output, the second one says who holds it.
    let out = site.root.parent().unwrap().join("served");
    let out = out.to_str().unwrap();
    let _third = Server::start(&site, &["--output", out]);
    let run = site
        .run(&["serve", "--port", "0", "--output", out])
        .failure(1);
    assert_eq!(
        run.stderr.trim_end(),
        format!("error: cannot serve from {out}: another rapport serve or build is writing it\n  help: stop the other one, or pass another --output")
    );
}

#[test]
fn a_fetch_of_replies_to_a_hundred_posts_is_one_update_equal_to_a_full_build() {
    const POSTS: usize = 120;
    const REPLIED: usize = 100;
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n\n[author]\nname = \"Pauline\"\n\n[fetch]\nstaticman = { folder = \"data/comments\" }\n",
    );
    for i in 0..POSTS {
        site.write(
            &format!("content/posts/p{i:03}.md"),
            &format!(
                "---\ntitle: Post {i}\ndate: 2021-01-{:02}T10:{:02}:00Z\ntags: [t{}]\n---\nPost {i}.\n",
                i % 28 + 1,
                i % 60,
                i % 7
            ),
        );
        // A reader on several posts (a regular), the others once.
        let name = if i % 10 == 0 {
            "Rita".to_string()
        } else {
            format!("Reader {i}")
        };
        if i < REPLIED {
            site.write(
                &format!("data/comments/p{i:03}/entry{i}.yml"),
                &format!(
                    "_id: id-{i}\nmessage: Reply number {i}.\nname: {name}\nemail: e{i}\ndate: 2021-02-{:02}T09:{:02}:00Z\n",
                    i % 28 + 1,
                    i % 60
                ),
            );
        }
    }
    let mut server = Server::start(&site, &["--watch"]);
    let run = site.run(&["fetch"]).success();
    assert_eq!(run.stdout.lines().count(), REPLIED, "{}", run.stdout);
    let line = server.wait_for_output("Changed ");
    assert!(
        line.contains(&format!(
            ": {REPLIED} pages and the lists, feeds and aggregates"
        )),
        "{line}"
    );
    let reply = server.wait_for("/posts/p042/", "showed the reply", |r| {
        r.body.contains("Reply number 42.")
    });
    assert_eq!(reply.status, 200);
    // Another update would come within the watcher's quiet time: wait well beyond it.
    std::thread::sleep(Duration::from_millis(500));
    let updates = server.stdout.lock().unwrap().matches("Changed ").count();
    assert_eq!(updates, 1, "{}", server.output());
    serves_a_full_build(&site, &server, "after the fetch");
}

/// After a start, the site-wide pages quote comments whose threads the build read
/// again; an update that makes them quote another one (a comment moving into the
/// comments feed when a newer one is deleted) still publishes what a full build
/// writes.
#[test]
fn a_comment_quoted_after_a_start_that_the_build_did_not_quote_shows() {
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n\n[author]\nname = \"Pauline\"\n\n[feeds]\ncomments = 1\n",
    );
    let comment = |id: &str, parent: &str, date: &str, body: &str| {
        let parent = match parent {
            "" => String::new(),
            p => format!("    parent: \"{p}\"\n"),
        };
        format!("  - id: \"{id}\"\n{parent}    author: \"Reader {id}\"\n    date: {date}\n    body: \"{body}\"\n")
    };
    for (i, slug) in ["a", "c"].iter().enumerate() {
        site.write(
            &format!("content/posts/{slug}.md"),
            &format!(
                "---\ntitle: Post {slug}\ndate: 2021-01-0{}\n---\nPost {slug}.\n",
                i + 1
            ),
        );
    }
    // The comments feed shows a1; the ranking quotes the deepest comment of each
    // post, a3 and c2: c3, second newest, is quoted by neither.
    let a_thread = |with_a1: bool| {
        let a1 = comment("a1", "", "2021-02-05T10:00:00Z", "The newest.");
        format!(
            "comments:\n{}{}{}",
            if with_a1 { a1.as_str() } else { "" },
            comment("a2", "", "2021-02-01T10:00:00Z", "Old."),
            comment("a3", "a2", "2021-02-02T10:00:00Z", "A reply."),
        )
    };
    site.write("content/posts/a.comments.yaml", &a_thread(true));
    site.write(
        "content/posts/c.comments.yaml",
        &format!(
            "comments:\n{}{}{}",
            comment("c1", "", "2021-01-10T10:00:00Z", "Older."),
            comment("c2", "c1", "2021-01-11T10:00:00Z", "Its reply."),
            comment(
                "c3",
                "",
                "2021-02-03T10:00:00Z",
                "Second newest, quoted later."
            ),
        ),
    );
    let mut server = Server::start(&site, &["--watch"]);
    server.wait_for_output("Built the site: full rebuild");
    site.write("content/posts/a.comments.yaml", &a_thread(false));
    server.wait_for_output("Changed content/posts/a.comments.yaml");
    let feed = std::fs::read_to_string(output_file(&server, "comments.xml")).unwrap();
    assert!(feed.contains("Second newest, quoted later."), "{feed}");
    serves_a_full_build(&site, &server, "a comment quoted after a start");
}

/// A page too large to hold per client (over 1 MB) is sent from its file, with the
/// reload script after it; a smaller one has it before its `</body>`. Either way the
/// length said is the length sent.
#[test]
fn a_large_page_gets_the_reload_script_after_it() {
    let site = blog();
    let page = |text: &str| format!("<html><body><p>{text}</p></body></html>\n");
    let big = page(&"x".repeat(1536 * 1024));
    site.write("static/big.html", &big);
    site.write("static/small.html", &page("small"));
    let server = Server::start(&site, &["--watch"]);
    let small = server.get("/small.html");
    assert!(small.body.starts_with("<html><body><p>small</p><script>"));
    assert!(small.body.ends_with("</script></body></html>\n"));
    let large = server.get("/big.html");
    assert_eq!(large.status, 200);
    assert!(large.body.starts_with(&big), "the page is sent as it is");
    assert!(large.body.ends_with("</script>"));
    for reply in [&small, &large] {
        assert_eq!(
            reply.header("Content-Length"),
            Some(reply.body.len().to_string().as_str())
        );
    }
}

/// After a start from the saved state every post is an outline, its comments not
/// held: a thread edited down to no shown comment must not look like that outline's
/// empty thread, or the post's page keeps the comment removed.
#[test]
fn a_thread_emptied_after_a_start_empties_its_posts_page() {
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n\n[author]\nname = \"Pauline\"\n",
    );
    site.write(
        "content/posts/a.md",
        "---\ntitle: Post a\ndate: 2021-01-01\n---\nPost a.\n",
    );
    // Only a mention: neither ranked nor in the comments feed, so never quoted.
    site.write(
        "content/posts/a.comments.yaml",
        "comments:\n  - id: \"m1\"\n    author: \"Elsewhere\"\n    role: mention\n    date: 2021-02-01T10:00:00Z\n    body: \"A mention to delete.\"\n",
    );
    let mut server = Server::start(&site, &["--watch"]);
    server.wait_for_output("Built the site");
    site.write("content/posts/a.comments.yaml", "comments: []\n");
    server.wait_for_output("Changed content/posts/a.comments.yaml");
    let page = std::fs::read_to_string(output_file(&server, "posts/a/index.html")).unwrap();
    assert!(!page.contains("A mention to delete."), "{page}");
    serves_a_full_build(&site, &server, "a thread emptied after a start");
}
