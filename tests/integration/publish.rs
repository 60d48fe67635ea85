//! Publishing safety: one build at a time, an atomic swap, outputs and sources compared
//! as resolved paths, nothing from outside the site or private published, and `serve`
//! kept out of `public/`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::harness::{wait_for, SiteTest};

fn rapport(site: &SiteTest, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_rapport"));
    command
        .args(args)
        .current_dir(&site.root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

/// A site of `n` dated posts, `post-1` to `post-n`.
fn site_with_posts(n: usize) -> SiteTest {
    let site = SiteTest::with_files(&[]);
    for i in 1..=n {
        site.write(
            &format!("content/posts/post-{i}.md"),
            &format!(
                "---\ntitle: Post {i}\ndate: 2024-01-{:02}\ntags: [t{}]\n---\nBody of post {i}.\n",
                i % 28 + 1,
                i % 7
            ),
        );
    }
    site
}

/// What a complete build of `site_with_posts(n)` holds, each looked up in one step so
/// that a folder swapped meanwhile is seen whole, old or new.
fn missing_from_build(public: &Path, n: usize) -> Vec<String> {
    let first = "posts/post-1/index.html".to_string();
    let last = format!("posts/post-{n}/index.html");
    [
        "index.html",
        "style.css",
        "atom.xml",
        "sitemap.xml",
        "404.html",
    ]
    .into_iter()
    .map(String::from)
    .chain([first, last])
    .filter(|rel| !public.join(rel).is_file())
    .collect()
}

fn post_folders(public: &Path) -> usize {
    std::fs::read_dir(public.join("posts")).map_or(0, |d| d.count())
}

/// Lines a child writes to a pipe, gathered by a thread.
fn collect(stream: impl std::io::Read + Send + 'static) -> Arc<Mutex<String>> {
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

#[test]
fn two_builds_at_once_published_an_incomplete_site() {
    const POSTS: usize = 300;
    let site = site_with_posts(POSTS);
    site.build();
    let public = site.root.join("public");
    // Watches `public/` while the builds run: it must always be a complete build.
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (done, public) = (Arc::clone(&done), public.clone());
        std::thread::spawn(move || {
            let mut seen = Vec::new();
            while !done.load(Ordering::Relaxed) {
                let missing = missing_from_build(&public, POSTS);
                if !missing.is_empty() {
                    seen.push(missing);
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            seen
        })
    };
    let builds: Vec<Child> = (0..2)
        .map(|_| rapport(&site, &["build"]).spawn().unwrap())
        .collect();
    let outputs: Vec<_> = builds
        .into_iter()
        .map(|b| b.wait_with_output().unwrap())
        .collect();
    done.store(true, Ordering::Relaxed);
    let incomplete = watcher.join().unwrap();
    for out in &outputs {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        incomplete,
        Vec::<Vec<String>>::new(),
        "public/ was incomplete"
    );
    assert_eq!(missing_from_build(&public, POSTS), Vec::<String>::new());
    assert_eq!(post_folders(&public), POSTS);
    // Nothing is left beside the output but the lock and the build state.
    let mut beside: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rapport"))
        .collect();
    beside.sort();
    assert_eq!(beside, [".public.rapport-lock", ".public.rapport-state"]);
}

#[test]
fn a_second_build_waits_for_the_first_and_says_so() {
    let site = site_with_posts(3);
    site.build();
    let before = site.read("index.html");
    site.write(
        "content/posts/post-1.md",
        "---\ntitle: Renamed\ndate: 2024-01-02\n---\nNew.\n",
    );
    // Another build holds the lock.
    let lock = std::fs::File::open(site.root.join(".public.rapport-lock")).unwrap();
    lock.lock().unwrap();
    let mut waiting = rapport(&site, &["build"]).spawn().unwrap();
    let stderr = collect(waiting.stderr.take().unwrap());
    wait_for("the build says it waits", || {
        stderr.lock().unwrap().contains("waiting")
    });
    assert_eq!(
        stderr.lock().unwrap().trim_end(),
        format!(
            "waiting for another build of {} to finish ({} is locked)",
            site.root.join("public").display(),
            site.root.join(".public.rapport-lock").display()
        )
    );
    assert_eq!(
        site.read("index.html"),
        before,
        "public/ changed while locked"
    );
    assert!(waiting.try_wait().unwrap().is_none());
    lock.unlock().unwrap();
    assert!(waiting.wait().unwrap().success());
    assert!(site.read("index.html").contains("Renamed"));
}

#[test]
fn public_never_goes_missing_while_a_build_swaps_it_in() {
    let site = site_with_posts(20);
    site.build();
    let public = site.root.join("public");
    let done = Arc::new(AtomicBool::new(false));
    let watcher = {
        let (done, index) = (Arc::clone(&done), public.join("index.html"));
        std::thread::spawn(move || {
            let mut gone = 0;
            while !done.load(Ordering::Relaxed) {
                gone += usize::from(!index.exists());
            }
            gone
        })
    };
    for _ in 0..10 {
        site.build();
    }
    done.store(true, Ordering::Relaxed);
    assert_eq!(watcher.join().unwrap(), 0, "public/ was missing");
}

#[test]
fn a_build_killed_at_any_moment_leaves_a_complete_site() {
    const POSTS: usize = 200;
    let site = site_with_posts(POSTS);
    site.build();
    let public = site.root.join("public");
    for i in 0..12 {
        let mut build = rapport(&site, &["build"]).spawn().unwrap();
        std::thread::sleep(Duration::from_millis(40 * i));
        // Kills this child by its own process id.
        let _ = build.kill();
        let _ = build.wait();
        assert_eq!(
            missing_from_build(&public, POSTS),
            Vec::<String>::new(),
            "kill {i}"
        );
        assert_eq!(post_folders(&public), POSTS, "kill {i}");
    }
    site.build();
    assert_eq!(missing_from_build(&public, POSTS), Vec::<String>::new());
    assert!(!site.root.join(".public.rapport-new").exists());
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) {
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// A folder beside the site with something nobody should publish.
#[cfg(unix)]
fn outside(site: &SiteTest) -> PathBuf {
    let dir = site.root.parent().unwrap().join("outside");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("shadow"), "root:secret-hash:19000::::::\n").unwrap();
    dir
}

#[cfg(unix)]
#[track_caller]
fn assert_site_intact(site: &SiteTest) {
    assert!(site.root.join("site.toml").is_file(), "site.toml is gone");
    assert!(
        site.root.join("content/posts/first.md").is_file(),
        "content/ is gone"
    );
}

#[cfg(unix)]
#[test]
fn an_output_reached_through_a_symlink_deleted_the_site() {
    let site = SiteTest::fixture("site/basic");
    let link = site.root.parent().unwrap().join("link");
    symlink(&site.root, &link);
    let (root, link_str) = (site.root.to_str().unwrap(), link.to_str().unwrap());
    let content_link = format!("{link_str}/content");
    let static_link = site.root.parent().unwrap().join("to-static");
    symlink(&site.root.join("static"), &static_link);
    for args in [
        vec!["build", "--root", link_str, "--output", root],
        vec!["build", "--output", link_str],
        vec!["build", "--output", &content_link],
        vec!["build", "--output", static_link.to_str().unwrap()],
        vec!["build", "--root", link_str, "--output", "content/posts"],
    ] {
        let run = site.run(&args).failure(1);
        assert!(
            run.stderr.contains("it holds the site's own files"),
            "{args:?}: {}",
            run.stderr
        );
        assert_site_intact(&site);
        assert!(site.root.join("static").is_dir());
    }
    // An output that is a link to a folder of its own is built into.
    let elsewhere = site.root.parent().unwrap().join("www");
    std::fs::create_dir(&elsewhere).unwrap();
    symlink(&elsewhere, &site.root.join("public"));
    site.build();
    assert!(elsewhere.join("index.html").is_file());
}

#[cfg(unix)]
#[test]
fn a_source_folder_linked_outside_the_site_published_its_files() {
    for linked in [
        "static",
        "content",
        "templates",
        "themes/plain/static",
        "themes/plain/templates",
        "themes/plain",
    ] {
        let site = SiteTest::fixture("site/basic");
        let outside = outside(&site);
        if linked != "content" {
            site.write(
                "site.toml",
                &format!(
                    "{}theme = \"plain\"\n",
                    std::fs::read_to_string(site.root.join("site.toml")).unwrap()
                ),
            );
            std::fs::create_dir_all(site.root.join("themes/plain")).unwrap();
        }
        let path = site.root.join(linked);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        }
        symlink(&outside, &path);
        let run = site.run(&["build"]).failure(1);
        assert_eq!(
            run.stderr.trim_end(),
            format!(
                "error: {linked}: this folder is a link to {}, outside the site's folder\n  help: rapport publishes nothing from outside the site: copy what you need into the site, or make the link point inside it",
                outside.display()
            ),
            "{linked}"
        );
        assert!(!site.exists(""), "{linked}: public/ was written");
        let check = site.run(&["check"]).failure(1);
        assert!(
            check.stderr.contains("outside the site's folder"),
            "{linked}"
        );
    }
}

#[cfg(unix)]
#[test]
fn a_file_linked_outside_the_site_was_published() {
    for linked in [
        "content/posts/leak.txt",
        "static/leak",
        "content/posts/leak",
    ] {
        let site = SiteTest::fixture("site/basic");
        let outside = outside(&site);
        let target = if linked.ends_with("txt") {
            outside.join("shadow")
        } else {
            outside.clone()
        };
        symlink(&target, &site.root.join(linked));
        let run = site.run(&["build"]).failure(1);
        let what = if target.is_dir() { "folder" } else { "file" };
        assert_eq!(
            run.stderr.trim_end(),
            format!(
                "error: {linked}: this {what} is a link to {}, outside the site's folder\n  help: rapport publishes nothing from outside the site: copy what you need into the site, or make the link point inside it",
                target.display()
            ),
        );
        assert!(!site.exists(""), "{linked}: public/ was written");
        site.run(&["check"]).failure(1);
    }
}

#[cfg(unix)]
#[test]
fn links_that_stay_inside_the_site_are_followed() {
    let site = SiteTest::fixture("site/basic");
    site.write("media/logo.svg", "<svg/>");
    site.write("media/notes.txt", "notes");
    symlink(Path::new("../media"), &site.root.join("static/media"));
    symlink(
        Path::new("../../media/notes.txt"),
        &site.root.join("content/posts/notes.txt"),
    );
    site.build();
    assert_eq!(site.read("media/logo.svg"), "<svg/>");
    assert_eq!(site.read("posts/notes.txt"), "notes");
}

/// `content/state.bin` → `../.public.rapport-state` published the build's own state
/// beside the output as an asset, a link to its lock file likewise; in `static/` too.
#[cfg(unix)]
#[test]
fn a_content_link_to_the_builds_state_was_published_as_an_asset() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    for (link, file) in [
        ("content/state.bin", "../.public.rapport-state"),
        ("content/posts/lock.txt", "../../.public.rapport-lock"),
        ("static/state.bin", "../.public.rapport-state"),
    ] {
        std::fs::create_dir_all(site.root.join(link).parent().unwrap()).unwrap();
        assert!(site.root.join(link).parent().unwrap().join(file).exists());
        symlink(Path::new(file), &site.root.join(link));
        let run = site.run(&["build"]).failure(1);
        let name = file.trim_start_matches("../");
        assert_eq!(
            run.stderr,
            format!("error: {link}: this link leads to {name}, which a build keeps beside its output to itself\n  help: remove the link; rapport does not publish it\n"),
        );
        let published = link.trim_start_matches("content/");
        assert!(!site.exists(published.trim_start_matches("static/")));
        std::fs::remove_file(site.root.join(link)).unwrap();
    }
    site.build();
}

/// `content/mirror` → `../public` copied the last build into the new one: 16, 32,
/// 48, 64 files, growing by a site with every build.
#[cfg(unix)]
#[test]
fn a_content_link_into_the_output_grew_the_site_with_every_build() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    let files = || {
        walkdir::WalkDir::new(site.root.join("public"))
            .into_iter()
            .count()
    };
    let before = files();
    symlink(Path::new("../public"), &site.root.join("content/mirror"));
    for _ in 0..2 {
        let run = site.run(&["build"]).failure(1);
        assert!(
            run.stderr.starts_with(
                "error: content/mirror: this link leads into the build's output (public)"
            ),
            "{}",
            run.stderr
        );
        assert_eq!(files(), before, "the output changed");
    }
    assert!(!site.exists("mirror"));
    let run = site.run(&["check"]).failure(1);
    assert!(
        run.stderr.contains("content/mirror: this link leads into"),
        "check: {}",
        run.stderr
    );
}

/// Emacs marks a file with unsaved edits by a link that leads nowhere, `.#first.md`
/// beside it: the build stopped at it ("cannot list: No such file or directory")
/// although a name starting with `.` or `#` is never published.
#[cfg(unix)]
#[test]
fn an_editors_lock_link_beside_a_post_stopped_the_build() {
    let site = SiteTest::fixture("site/basic");
    symlink(
        Path::new("user@host.4242:1700000000"),
        &site.root.join("content/posts/.#first.md"),
    );
    symlink(Path::new("../public"), &site.root.join("content/.hidden"));
    site.build();
    site.build();
    assert!(site.exists("posts/first/index.html"));
    site.run(&["check"]).success();
}

const THREAD: &str = "comments:\n  - id: c1\n    author: Ann\n    email: ann@example.org\n    date: 2024-01-02\n    body: Hi\n";

#[track_caller]
fn assert_refused(site: &SiteTest, expected: &str) {
    let run = site.run(&["build"]).failure(1);
    assert_eq!(run.stderr.trim_end(), format!("error: {expected}"));
    assert!(!site.exists(""), "public/ was written");
    let run = site.run(&["check"]).failure(1);
    assert!(run.stderr.contains(expected), "check: {}", run.stderr);
    assert!(!site.exists(""), "public/ was written");
}

const POST: &str = "---\ntitle: A\ndate: 2024-01-01\n---\nHello.\n";

#[test]
fn a_thread_file_named_comments_yml_was_published_raw() {
    let site = SiteTest::with_files(&[
        ("content/posts/a.md", POST),
        ("content/posts/a.comments.yml", THREAD),
    ]);
    assert_refused(
        &site,
        "content/posts/a.comments.yml: this looks like a thread file, but thread files end in .comments.yaml\n  help: rename it to a.comments.yaml",
    );
}

#[test]
fn a_bundles_comments_yaml_was_published_raw() {
    let site = SiteTest::with_files(&[
        ("content/posts/trip/index.md", POST),
        ("content/posts/trip/comments.yaml", THREAD),
    ]);
    assert_refused(
        &site,
        "content/posts/trip/comments.yaml: this looks like a thread file, but thread files end in .comments.yaml\n  help: rename it to index.comments.yaml",
    );
}

#[test]
fn a_data_file_with_email_addresses_is_not_published() {
    let site = SiteTest::with_files(&[
        ("content/posts/a.md", POST),
        (
            "content/posts/people.json",
            "[\n  {\"name\": \"Ann\",\n   \"author_email\": \"ann@example.org\"}\n]\n",
        ),
    ]);
    assert_refused(
        &site,
        "content/posts/people.json:3: this file would be published as is, and it has an \"author_email\" key\n  help: rapport never publishes e-mail or IP addresses: remove that key, or move the file out of content/",
    );
    let site = SiteTest::with_files(&[("content/visits.toml", "[[visit]]\nip = \"10.0.0.1\"\n")]);
    assert_refused(
        &site,
        "content/visits.toml:2: this file would be published as is, and it has an \"ip\" key\n  help: rapport never publishes e-mail or IP addresses: remove that key, or move the file out of content/",
    );
    // Other data files are published.
    let site = SiteTest::with_files(&[("content/data/points.yaml", "- x: 1\n  tip: 2\n")]);
    site.build();
    assert_eq!(site.read("data/points.yaml"), "- x: 1\n  tip: 2\n");
}

/// A running `rapport serve --port 0 ARGS` with its own temporary folder.
#[cfg(unix)]
struct Serving {
    child: Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

#[cfg(unix)]
impl Serving {
    #[track_caller]
    fn start(site: &SiteTest, tmp: &Path, args: &[&str]) -> Serving {
        let mut child = rapport(site, &["serve", "--port", "0"])
            .args(args)
            .env("TMPDIR", tmp)
            .env("XDG_CACHE_HOME", site.cache_home())
            .spawn()
            .unwrap();
        let stdout = collect(child.stdout.take().unwrap());
        let stderr = collect(child.stderr.take().unwrap());
        wait_for("serve says it is serving", || {
            stdout.lock().unwrap().contains("Serving")
        });
        Serving {
            child,
            stdout,
            stderr,
        }
    }

    /// The folder it serves, as it printed it.
    fn folder(&self) -> PathBuf {
        let out = self.stdout.lock().unwrap().clone();
        let (_, rest) = out.split_once("(built into ").unwrap();
        PathBuf::from(rest.split_once(')').unwrap().0)
    }

    /// Sends `signal` to this child's own process id.
    fn signal(&mut self, signal: &str) {
        let pid = self.child.id().to_string();
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &pid])
            .status()
            .unwrap();
        assert!(status.success());
    }
}

#[cfg(unix)]
impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(unix)]
fn entries(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[cfg(unix)]
#[test]
fn serve_left_its_temp_folder_behind_on_ctrl_c_and_sigterm() {
    for signal in ["INT", "TERM", "HUP"] {
        let site = SiteTest::fixture("serve/blog");
        // The first server of a site builds into its folder in the cache, which it
        // keeps; a second one at the same time, into a temporary folder.
        let elsewhere = tempfile::tempdir().unwrap();
        let first = Serving::start(&site, elsewhere.path(), &["--watch"]);
        assert!(first.folder().starts_with(site.cache_home()), "{signal}");
        let tmp = tempfile::tempdir().unwrap();
        let mut server = Serving::start(&site, tmp.path(), &["--watch"]);
        assert_eq!(entries(tmp.path()).len(), 1, "{signal}");
        assert!(server
            .stdout
            .lock()
            .unwrap()
            .contains(&*tmp.path().to_string_lossy()));
        server.signal(signal);
        wait_for(&format!("serve stopped on {signal}"), || {
            server.child.try_wait().unwrap().is_some()
        });
        assert_eq!(entries(tmp.path()), Vec::<String>::new(), "{signal}");
        drop(first);
        assert!(site.cache_home().join("rapport/serve").is_dir(), "{signal}");
    }
}

#[cfg(unix)]
#[test]
fn serve_output_public_mixed_development_pages_into_the_published_site() {
    let site = SiteTest::fixture("serve/blog");
    site.build();
    let published = site.read("index.html");
    let absolute = site.root.join("public");
    let link = site.root.parent().unwrap().join("pub-link");
    symlink(&absolute, &link);
    for output in ["public", absolute.to_str().unwrap(), link.to_str().unwrap()] {
        let mut serve = rapport(&site, &["serve", "--port", "0", "--output", output])
            .spawn()
            .unwrap();
        wait_for("serve refuses", || serve.try_wait().unwrap().is_some());
        let run = serve.wait_with_output().unwrap();
        assert_eq!(run.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&run.stderr).trim_end(),
            format!("error: refusing to serve from {output}: it is the folder `rapport build` publishes, and a served build has drafts and local links\n  help: leave out --output (serve then builds into a folder of its own), or pass another folder"),
        );
        assert_eq!(site.read("index.html"), published);
    }
    // The quick start's command serves from a folder of its own.
    let tmp = tempfile::tempdir().unwrap();
    let server = Serving::start(&site, tmp.path(), &["--watch"]);
    assert!(!server.stdout.lock().unwrap().contains("public"));
    assert_eq!(site.read("index.html"), published);
}

#[cfg(unix)]
#[test]
fn a_thread_file_misnamed_while_serving_is_not_served() {
    let site = SiteTest::fixture("serve/blog");
    let tmp = tempfile::tempdir().unwrap();
    let server = Serving::start(&site, tmp.path(), &["--watch"]);
    site.write("content/posts/hello.comments.yml", THREAD);
    wait_for("serve reports the misnamed thread file", || {
        server
            .stderr
            .lock()
            .unwrap()
            .contains("content/posts/hello.comments.yml: this looks like a thread file")
    });
    assert!(!server.folder().join("posts/hello.comments.yml").exists());
    site.write("content/posts/data.json", "{\"ip\": \"10.0.0.1\"}\n");
    wait_for("serve reports the private key", || {
        server
            .stderr
            .lock()
            .unwrap()
            .contains("content/posts/data.json:1: this file would be published as is")
    });
    assert!(!server.folder().join("posts/data.json").exists());
}

#[cfg(unix)]
#[test]
fn a_theme_linking_to_the_sites_secrets_published_them() {
    let site = SiteTest::fixture("site/basic");
    site.write(".env", "TOKEN=secret\n");
    site.write(
        "site.toml",
        &format!(
            "{}theme = \"plain\"\n",
            std::fs::read_to_string(site.root.join("site.toml")).unwrap()
        ),
    );
    std::fs::create_dir_all(site.root.join("themes/plain/static")).unwrap();
    symlink(
        Path::new("../../../.env"),
        &site.root.join("themes/plain/static/env.txt"),
    );
    let run = site.run(&["build"]).failure(1);
    assert_eq!(
        run.stderr.trim_end(),
        format!(
            "error: themes/plain/static/env.txt: this file is a link to {}, outside the theme's folder\n  help: rapport publishes nothing from outside the site: copy what you need into the site, or make the link point inside it",
            site.root.join(".env").display()
        )
    );
    assert!(!site.exists(""));
}
