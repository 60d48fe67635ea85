//! `rapport fetch` from a folder of form-submitted comments (Staticman's layout: one
//! YAML or JSON file per comment, a folder per post). No server: the files are the
//! source, and each is moved into `taken/` once its thread has it.

use crate::fetch::{shape, thread_file};
use crate::harness::{real_fixtures, select, SiteTest};

const FIRST: &str = "_id: c8dc0340-570f-11eb-a528-c3ba3c204256
_parent: 'http://0.0.0.0:4000/posts/hello/'
replying_to_uid: ''
message: \"Great post!\\r\\n\\r\\nI tried **this** <script>alert(1)</script>\"
name: Rita Reader
email: c6937532928911c0dae3c9c89b658c09
url: 'https://rita.example'
hp: ''
date: 1610701087
";

const ANSWER: &str = r#"{
  "_id": "40dba220-555c-11eb-bfb5-01430c7bddbd",
  "_parent": "https://blog.example/posts/hello/",
  "replying_to_uid": "c8dc0340-570f-11eb-a528-c3ba3c204256",
  "message": "I agree with Rita.",
  "name": "Sam",
  "email": "sam@reader.example",
  "url": "javascript:alert(2)",
  "date": "2021-01-16T10:00:00Z"
}
"#;

const IMPOSTOR: &str = "_id: 5f0e2b10-5710-11eb-a528-c3ba3c204256
message: Thanks, Rita. (Signed, the author.)
name: Pauline
email: 1ce71bc10b86565464b612093d89707e
url: https://blog.example/
date: '2021-01-17T09:00:00+01:00'
";

fn site() -> SiteTest {
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n\n[author]\nname = \"Pauline\"\nlinks = [\"https://blog.example/\"]\n\n[fetch]\nstaticman = { folder = \"data/comments\" }\n",
    );
    site.write(
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2021-01-01\n---\nHello, world.\n",
    );
    site.write("data/comments/hello/entry1610701087.yml", FIRST);
    site.write("data/comments/hello/entry1610791200.json", ANSWER);
    site.write("data/comments/hello/entry1610870400.yaml", IMPOSTOR);
    site.write("data/comments/hello/.gitkeep", "");
    site
}

fn comments_left(site: &SiteTest, dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.root.join(dir))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn form_comments_are_threaded_into_the_post_and_taken_once() {
    let site = site();
    site.run(&["fetch", "--dry-run"]).success();
    assert!(!site.root.join("data/comments/hello/taken").exists());
    let run = site.run(&["fetch"]).success();
    assert_eq!(run.stdout, "content/posts/hello.md: 3 new\n");
    let rita = "staticman-c8dc0340-570f-11eb-a528-c3ba3c204256";
    let sam = "staticman-40dba220-555c-11eb-bfb5-01430c7bddbd";
    let impostor = "staticman-5f0e2b10-5710-11eb-a528-c3ba3c204256";
    assert_eq!(
        shape(&site),
        [
            format!("{rita} parent= author=Rita Reader role= state="),
            format!("{sam} parent={rita} author=Sam role= state="),
            // A form takes any name: never the author's.
            format!("{impostor} parent= author=Pauline role= state="),
        ]
    );
    let file = thread_file(&site);
    assert!(
        file.contains(&format!("  - id: \"{rita}\"\n    author: \"Rita Reader\"\n    url: \"https://rita.example\"\n    date: 2021-01-15T08:58:07Z\n")),
        "{file}"
    );
    for never in [
        "c6937532928911c0dae3c9c89b658c09",
        "1ce71bc10b86565464b612093d89707e",
        "sam@reader.example",
        "email",
        "javascript:",
        "0.0.0.0",
        "via:",
    ] {
        assert!(!file.contains(never), "{never} in\n{file}");
    }
    // Taken: moved out of the way, the placeholder left alone.
    assert_eq!(
        comments_left(&site, "data/comments/hello"),
        [".gitkeep", "taken"]
    );
    assert_eq!(
        comments_left(&site, "data/comments/hello/taken"),
        [
            "entry1610701087.yml",
            "entry1610791200.json",
            "entry1610870400.yaml"
        ]
    );

    // A second fetch changes nothing; a file put back does not arrive twice.
    assert_eq!(site.run(&["fetch"]).success().stdout, "Nothing new.\n");
    assert_eq!(thread_file(&site), file);
    site.write("data/comments/hello/entry1610701087.yml", FIRST);
    assert_eq!(site.run(&["fetch"]).success().stdout, "Nothing new.\n");
    assert_eq!(thread_file(&site), file);
    assert_eq!(
        comments_left(&site, "data/comments/hello"),
        [".gitkeep", "taken"]
    );

    site.build();
    let html = site.html("posts/hello/index.html");
    let depth = |id: &str| {
        select(&html, &format!("#comment-{id}"))[0]
            .value()
            .attr("data-depth")
            .unwrap()
            .to_string()
    };
    assert_eq!(depth(rita), "1");
    assert_eq!(depth(sam), "2");
    assert!(select(&html, ".by-author").is_empty());
    let page = site.read("posts/hello/index.html");
    assert!(
        page.contains("<strong>this</strong>"),
        "Markdown is rendered"
    );
    assert!(!page.contains("<script>alert"), "raw HTML is sanitised");
}

#[test]
fn a_bad_comment_file_is_named_with_its_line_and_nothing_is_taken() {
    let site = site();
    site.write(
        "data/comments/hello/entry1610900000.yml",
        "_id: 77\nname: Broken\nmessage: \"never closed\ndate: 1610900000\n",
    );
    site.write(
        "data/comments/hello/entry1610900001.json",
        "{\"_id\": \"x1\", \"name\": \"Empty\",\n \"message\": \"\"}\n",
    );
    site.write(
        "data/comments/hello/entry1610900002.yml",
        "_id: x2\nmessage: hi\ndate: next tuesday\n",
    );
    let run = site.run(&["fetch"]).failure(1);
    assert_eq!(run.stdout, "Nothing new.\n");
    assert!(
        run.stderr
            .contains("error: staticman: data/comments/hello/entry1610900000.yml:3"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "error: staticman: data/comments/hello/entry1610900001.json:2: this comment has no message\n  help: write its text as message: …, or remove the file if it is empty"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            "error: staticman: data/comments/hello/entry1610900002.yml:3: the date \"next tuesday\" is not a date\n  help: write it as 2024-02-01T10:00:00Z, or as seconds since 1970 (1706781600)"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("no comment of the folder was taken"),
        "{}",
        run.stderr
    );
    assert!(!site.root.join("content/posts/hello.comments.yaml").exists());
    assert!(!site.root.join("data/comments/hello/taken").exists());
}

#[test]
fn a_folder_for_no_post_and_a_positional_parent_are_named() {
    let site = site();
    site.write("data/comments/helo/entry1.yml", FIRST);
    site.write(
        "data/comments/hello/entry1610900003.yml",
        "_id: mm1\nname: Made\nmessage: By position.\nreplying_to: '2'\n",
    );
    let run = site.run(&["fetch"]).success();
    assert!(
        run.stdout.contains(
            "warning: staticman: data/comments/hello/entry1610900003.yml: replying_to: 2 names a comment by its position"
        ),
        "{}",
        run.stdout
    );
    assert!(shape(&site).contains(&"staticman-mm1 parent= author=Made role= state=".to_string()));
    assert!(
        run.stdout.contains(
            "warning: staticman: data/comments/helo/ is no post's folder: no post has the slug helo"
        ),
        "{}",
        run.stdout
    );
    assert!(site.root.join("data/comments/helo/entry1.yml").exists());
}

#[cfg(unix)]
#[test]
fn comments_reached_through_a_link_outside_the_site_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("entry1.yml"), FIRST).unwrap();

    // A comment file that is a link to a file elsewhere.
    let site = site();
    std::os::unix::fs::symlink(
        outside.path().join("entry1.yml"),
        site.root.join("data/comments/hello/entry2.yml"),
    )
    .unwrap();
    let run = site.run(&["fetch"]).failure(1);
    assert!(
        run.stderr
            .contains("error: staticman: data/comments/hello/entry2.yml: this file is a link to "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("outside the site's folder"),
        "{}",
        run.stderr
    );
    assert!(!site.root.join("content/posts/hello.comments.yaml").exists());

    // The whole folder a link to a folder elsewhere.
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n[fetch]\nstaticman = { folder = \"data/comments\" }\n",
    );
    site.write(
        "content/posts/hello.md",
        "---\ntitle: Hello\ndate: 2021-01-01\n---\nx\n",
    );
    std::fs::create_dir_all(outside.path().join("hello")).unwrap();
    std::fs::write(outside.path().join("hello/entry1.yml"), FIRST).unwrap();
    std::fs::create_dir_all(site.root.join("data")).unwrap();
    std::os::unix::fs::symlink(outside.path(), site.root.join("data/comments")).unwrap();
    let run = site.run(&["fetch"]).failure(1);
    assert!(
        run.stderr
            .contains("error: staticman: data/comments: this folder is a link to "),
        "{}",
        run.stderr
    );
    assert!(outside.path().join("hello/entry1.yml").exists());
    assert!(!site.root.join("content/posts/hello.comments.yaml").exists());
}

#[test]
fn a_staticman_folder_outside_the_site_or_in_a_published_one_is_refused() {
    let site = site();
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n[fetch]\nstaticman = { folder = \"../comments\" }\n",
    );
    let run = site.run(&["fetch"]).failure(1);
    assert!(run.stderr.contains("site.toml:4"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("staticman folder \"../comments\" is not a folder inside the site"),
        "{}",
        run.stderr
    );
    site.write(
        "site.toml",
        "title = \"Test\"\nbase_url = \"https://blog.example/\"\n[fetch]\nstaticman = { folder = \"static/comments\" }\n",
    );
    let run = site.run(&["fetch"]).failure(1);
    assert!(
        run.stderr.contains("site.toml:4: staticman folder \"static/comments\" is inside static/, whose files are built or published"),
        "{}",
        run.stderr
    );
}

// ---- Real files (when RAPPORT_REAL_FIXTURES is set) ----

#[test]
fn real_staticman_thread_of_11_comments_nests_by_replying_to_uid_and_publishes_no_hash() {
    let Some(real) = real_fixtures() else {
        return;
    };
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://travisdowns.github.io/\"\n[author]\nname = \"Travis Downs\"\n[fetch]\nstaticman = { folder = \"_data/comments\" }\n",
    );
    let mut hashes = Vec::new();
    for (slug, folder) in [
        ("speed-limits", "travisdowns-speed-limits"),
        ("avxfreq1", "travisdowns-avxfreq1"),
    ] {
        site.write(
            &format!("content/posts/{slug}.md"),
            "---\ntitle: A post\ndate: 2019-06-11\n---\nx\n",
        );
        let from = real
            .file("intake/staticman/travisdowns-staticman.yml")
            .with_file_name(folder);
        let to = site.root.join(format!("_data/comments/{slug}"));
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(from).unwrap().flatten() {
            let text = std::fs::read_to_string(entry.path()).unwrap();
            hashes.extend(
                text.lines()
                    .filter_map(|l| l.strip_prefix("email: "))
                    .map(|h| h.trim().to_string())
                    .filter(|h| h.len() == 32),
            );
            std::fs::write(to.join(entry.file_name()), text).unwrap();
        }
    }
    assert!(!hashes.is_empty());
    let run = site.run(&["fetch"]).success();
    assert_eq!(
        run.stdout,
        "content/posts/avxfreq1.md: 1 new\ncontent/posts/speed-limits.md: 11 new\n"
    );
    let file = std::fs::read_to_string(site.root.join("content/posts/speed-limits.comments.yaml"))
        .unwrap();
    assert_eq!(file.matches("\n  - id: ").count(), 11);
    assert_eq!(file.matches("\n    parent: \"staticman-").count(), 5);
    assert!(!file.contains("role: author"), "a typed name is no proof");
    for hash in &hashes {
        assert!(!file.contains(hash.as_str()), "{hash} was written");
    }
    assert!(!file.contains("0.0.0.0"));
    assert_eq!(
        comments_left(&site, "_data/comments/speed-limits"),
        ["taken"]
    );
    assert_eq!(site.run(&["fetch"]).success().stdout, "Nothing new.\n");

    site.build();
    let html = site.html("posts/speed-limits/index.html");
    let depths: Vec<usize> = select(&html, ".comment")
        .iter()
        .map(|e| e.value().attr("data-depth").unwrap().parse().unwrap())
        .collect();
    assert_eq!(depths.len(), 11);
    assert_eq!(depths.iter().filter(|d| **d == 1).count(), 6);
    let spam = site.read("posts/avxfreq1/index.html");
    assert!(
        !spam.contains("data-href"),
        "the spam's raw HTML is sanitised"
    );
}

#[test]
#[cfg(unix)]
fn a_link_left_at_the_writing_marker_made_fetch_write_through_it() {
    let site = site();
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("profile");
    std::fs::write(&target, "keep me\n").unwrap();
    std::os::unix::fs::symlink(&target, site.root.join(".rapport-writing")).unwrap();
    site.run(&["fetch"]).success();
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep me\n");
    assert!(!site.root.join(".rapport-writing").exists());
}
