//! Drives the real `rapport` binary on a copy of a fixture site in a temporary folder
//! and reads what it wrote. Every helper is `#[track_caller]` so a failure points at
//! the test line.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use scraper::{Html, Selector};

/// A site in a temporary folder.
pub struct SiteTest {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

/// The result of one run of the binary.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code,
            Some(0),
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    #[track_caller]
    pub fn failure(self, code: i32) -> Run {
        assert_eq!(
            self.code,
            Some(code),
            "expected exit {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The text of the default theme's template `name` (`partials/thread-loop.html`), as
/// the repository ships it for themes to copy.
#[track_caller]
pub fn default_template(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("themes/default/templates")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The environment variable naming the folder of real export files (relative to the
/// repository root, or absolute). They are not part of the repository: some carry no
/// licence or a non-commercial one. CI sets it; a fresh clone runs without them.
pub const REAL_FIXTURES_VAR: &str = "RAPPORT_REAL_FIXTURES";

/// The real export files, read in place where they lie.
#[allow(dead_code)] // used by the import tests
pub struct RealFixtures(PathBuf);

#[allow(dead_code)] // used by the import tests
impl RealFixtures {
    /// `<folder>/<rel>`.
    #[track_caller]
    pub fn file(&self, rel: &str) -> PathBuf {
        let path = self.0.join(rel);
        assert!(
            path.is_file(),
            "{REAL_FIXTURES_VAR} names {}, which has no {rel}",
            self.0.display()
        );
        path
    }
}

/// The folder named by `RAPPORT_REAL_FIXTURES`, or `None` after saying on stderr that
/// the calling test is skipped. Start a test that reads real exports with
/// `let Some(real) = real_fixtures() else { return };`.
#[allow(dead_code)] // used by the import tests
#[track_caller]
pub fn real_fixtures() -> Option<RealFixtures> {
    let Some(dir) = std::env::var_os(REAL_FIXTURES_VAR).filter(|dir| !dir.is_empty()) else {
        let current = std::thread::current();
        let test = current.name().unwrap_or("a test");
        // Written to stderr itself: the test harness would swallow `eprintln!`.
        let _ = writeln!(
            std::io::stderr(),
            "skipped {test}: it reads real exports; set {REAL_FIXTURES_VAR} to their folder (e.g. {REAL_FIXTURES_VAR}=../shared/fixtures/real) to run it"
        );
        return None;
    };
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    assert!(
        dir.is_dir(),
        "{REAL_FIXTURES_VAR} names {}, which is not a folder",
        dir.display()
    );
    Some(RealFixtures(dir))
}

impl SiteTest {
    /// A copy of `tests/fixtures/<name>`.
    #[track_caller]
    pub fn fixture(name: &str) -> SiteTest {
        let site = SiteTest::empty();
        copy_dir(&fixtures_dir().join(name), &site.root);
        site
    }

    /// A copy of the repository's own example site.
    #[track_caller]
    pub fn example() -> SiteTest {
        let site = SiteTest::empty();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        std::fs::copy(repo.join("site.toml"), site.root.join("site.toml")).unwrap();
        for dir in ["content", "static", "themes"] {
            copy_dir(&repo.join(dir), &site.root.join(dir));
        }
        site
    }

    /// An empty folder.
    pub fn empty() -> SiteTest {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("site");
        std::fs::create_dir(&root).expect("create site dir");
        SiteTest { _dir: dir, root }
    }

    /// A minimal site: site.toml plus the given files.
    pub fn with_files(files: &[(&str, &str)]) -> SiteTest {
        let site = SiteTest::empty();
        site.write(
            "site.toml",
            "title = \"Test\"\nbase_url = \"https://example.org/\"\n",
        );
        for (rel, text) in files {
            site.write(rel, text);
        }
        site
    }

    pub fn write(&self, rel: &str, text: &str) -> &Self {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    /// The user's cache folder for the binary run on this site (`XDG_CACHE_HOME`),
    /// beside the site and removed with it: where `serve` keeps its builds.
    pub fn cache_home(&self) -> PathBuf {
        self.root.parent().unwrap().join("cache")
    }

    /// Runs `rapport ARGS` in the site's folder.
    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_env(args, &[], &[])
    }

    /// Runs `rapport ARGS` with the variables `set` set and `unset` removed.
    pub fn run_with_env(&self, args: &[&str], set: &[(&str, &str)], unset: &[&str]) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
        command
            .args(args)
            .current_dir(&self.root)
            .env("XDG_CACHE_HOME", self.cache_home());
        for (key, value) in set {
            command.env(key, value);
        }
        for key in unset {
            command.env_remove(key);
        }
        let out: Output = command.output().expect("run rapport");
        Run {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }

    #[track_caller]
    pub fn build(&self) -> &Self {
        self.run(&["build"]).success();
        self
    }

    /// Builds, expecting exit status 1; returns stderr.
    #[track_caller]
    pub fn build_error(&self) -> String {
        self.run(&["build"]).failure(1).stderr
    }

    /// A file of the built site (`public/<rel>`).
    #[track_caller]
    pub fn read(&self, rel: &str) -> String {
        let path = self.root.join("public").join(rel);
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
    }

    pub fn exists(&self, rel: &str) -> bool {
        self.root.join("public").join(rel).exists()
    }

    #[track_caller]
    pub fn html(&self, rel: &str) -> Html {
        Html::parse_document(&self.read(rel))
    }
}

/// Elements of `html` matching `selector`.
#[track_caller]
pub fn select<'a>(html: &'a Html, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    let s = Selector::parse(selector).unwrap_or_else(|e| panic!("bad selector {selector}: {e:?}"));
    html.select(&s).collect()
}

/// The text of each element of `html` matching `selector`, whitespace collapsed.
#[track_caller]
pub fn texts(html: &Html, selector: &str) -> Vec<String> {
    select(html, selector).iter().map(text).collect()
}

/// The text of an element, whitespace collapsed.
pub fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[track_caller]
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir(from) {
        let rel = entry.strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::copy(&entry, &target).unwrap();
        }
    }
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    let mut i = 0;
    while i < out.len() {
        if out[i].is_dir() {
            let mut children: Vec<PathBuf> = std::fs::read_dir(&out[i])
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            children.sort();
            out.extend(children);
        }
        i += 1;
    }
    out
}

/// How long a test waits for something another process does (a server releasing a
/// stream, a signal handled): a bound so a hang fails the test, not a speed claim.
pub const PATIENCE: std::time::Duration = std::time::Duration::from_secs(60);

/// Polls `ready` until it holds; fails naming `what` once [`PATIENCE`] has passed.
#[track_caller]
pub fn wait_for(what: &str, mut ready: impl FnMut() -> bool) {
    let give_up = std::time::Instant::now() + PATIENCE;
    while !ready() {
        assert!(
            std::time::Instant::now() < give_up,
            "never happened: {what}"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

/// Every file under `dir` by its path inside it, with its bytes.
pub fn tree(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    files_under(dir)
        .into_iter()
        .map(|path| {
            let rel = path
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path).unwrap();
            (rel, bytes)
        })
        .collect()
}

/// Fails naming the files that differ between the trees at `a` and `b`.
#[track_caller]
pub fn assert_same_tree(a: &Path, b: &Path, what: &str) {
    let (a, b) = (tree(a), tree(b));
    let only_a: Vec<&String> = a.keys().filter(|k| !b.contains_key(*k)).collect();
    let only_b: Vec<&String> = b.keys().filter(|k| !a.contains_key(*k)).collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "{what}: only in the first {only_a:?}, only in the second {only_b:?}"
    );
    for (name, bytes) in &b {
        assert!(a[name] == *bytes, "{what}: {name} differs");
    }
}

/// Sets the modification time of the files under `dir` written in the last minute an
/// hour back: files written within the last seconds are read again by every build
/// (their time may not change on the next save), which would hide what a build reuses.
pub fn settle(dir: &Path) {
    let now = std::time::SystemTime::now();
    let minute = std::time::Duration::from_secs(60);
    for entry in files_under(dir) {
        let modified = std::fs::metadata(&entry).unwrap().modified().unwrap();
        if modified + minute > now {
            let file = std::fs::File::options().write(true).open(&entry).unwrap();
            file.set_modified(now - 60 * minute).unwrap();
        }
    }
}

/// The files under `dir`, in no particular order.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// A running `rapport serve --port 0 ARGS`, killed by its own PID on drop.
pub struct Serving {
    child: std::process::Child,
    pub addr: std::net::SocketAddr,
}

impl Serving {
    #[track_caller]
    pub fn start(site: &SiteTest, args: &[&str]) -> Serving {
        use std::io::BufRead;
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(&site.root)
            .env("XDG_CACHE_HOME", site.cache_home())
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("start rapport serve");
        let stdout = child.stdout.take().unwrap();
        let line = std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
            .find(|l| l.starts_with("Serving http://"))
            .expect("rapport serve says where it serves");
        let host = line["Serving http://".len()..].split('/').next().unwrap();
        Serving {
            child,
            addr: host.parse().expect("a numeric address"),
        }
    }

    /// Sends `request` and returns the reply's status line (empty if none came).
    pub fn status_line(&self, request: &[u8]) -> (std::net::TcpStream, String) {
        use std::io::{BufRead, Write};
        let mut stream = std::net::TcpStream::connect(self.addr).unwrap();
        stream
            .set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        let _ = stream.write_all(request);
        let mut line = String::new();
        let _ = std::io::BufReader::new(&stream).read_line(&mut line);
        (stream, line.trim_end().to_string())
    }

    pub fn events(&self) -> (std::net::TcpStream, String) {
        self.status_line(b"GET /__rapport/events HTTP/1.1\r\nHost: localhost\r\n\r\n")
    }

    /// The status of a plain `GET target` (0 if no answer came within 5 s).
    pub fn status(&self, target: &str) -> u16 {
        use std::io::{Read, Write};
        let Ok(mut s) =
            std::net::TcpStream::connect_timeout(&self.addr, std::time::Duration::from_secs(5))
        else {
            return 0;
        };
        let _ = s.set_read_timeout(Some(std::time::Duration::from_secs(5)));
        let _ = write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        );
        let mut head = [0u8; 12];
        match s.read_exact(&mut head) {
            Ok(()) => std::str::from_utf8(&head[9..12])
                .ok()
                .and_then(|t| t.parse().ok())
                .unwrap_or(0),
            Err(_) => 0,
        }
    }

    /// The server's resident memory, in KB.
    pub fn rss_kb(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
