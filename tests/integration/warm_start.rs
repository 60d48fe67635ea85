//! A build with the state the last build saved beside its output must write exactly
//! what a full build writes, after every kind of edit, and a missing or damaged state
//! costs only a full build. Each step edits the site, builds `public/` with its
//! state, builds `fresh/` ignoring any state, and compares the two trees.

use std::path::{Path, PathBuf};

use rapport::{BuildOptions, BuildReport};

use crate::harness::{assert_same_tree, files_under as walk, settle, tree, SiteTest};

fn options(site: &SiteTest, output: &str) -> BuildOptions {
    let mut o = BuildOptions::new(&site.root);
    o.output = Some(site.root.join(output));
    o.now = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
        .unwrap()
        .into();
    o
}

fn state_file(site: &SiteTest) -> PathBuf {
    site.root.join(".public.rapport-state")
}

/// A site built into `public/` with its state, and compared with full builds.
struct Session {
    site: SiteTest,
}

impl Session {
    fn start(site: SiteTest) -> Session {
        settle(&site.root);
        let s = Session { site };
        let report = s.warm_build("first build");
        assert_eq!(report.reused, 0);
        assert!(
            state_file(&s.site).is_file(),
            "the state is saved beside public/"
        );
        s
    }

    #[track_caller]
    fn warm_build(&self, what: &str) -> BuildReport {
        rapport::build(&options(&self.site, "public")).unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    /// Applies an edit (its files then settled, as if saved a while ago), builds with
    /// the state, and compares with a full build.
    #[track_caller]
    fn step(&self, what: &str, edit: impl FnOnce(&Path)) -> BuildReport {
        edit(&self.site.root);
        for dir in ["content", "static", "templates", "themes"] {
            if self.site.root.join(dir).is_dir() {
                settle(&self.site.root.join(dir));
            }
        }
        let report = self.warm_build(what);
        self.matches_a_full_build(what);
        report
    }

    #[track_caller]
    fn matches_a_full_build(&self, what: &str) {
        let mut full = options(&self.site, "fresh");
        full.fresh = true;
        rapport::build(&full).unwrap();
        assert_same_tree(
            &self.site.root.join("public"),
            &self.site.root.join("fresh"),
            &format!("{what}: the warm build and a full one"),
        );
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[track_caller]
fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    write(root, rel, &text.replacen(from, to, 1));
}

#[test]
fn a_build_with_state_after_each_kind_of_edit_matches_a_full_build() {
    let s = Session::start(SiteTest::example());
    let r = s.step("nothing changed", |_| {});
    let entries = r.posts + r.pages;
    assert_eq!((r.reused, r.rendered), (entries, 0), "{r:?}");
    let r = s.step("edit a body", |r| {
        edit(
            r,
            "content/posts/slow-blogging.md",
            "\n\n",
            "\n\nA new first line.\n\n",
        )
    });
    assert_eq!(
        r.reused,
        entries - 1,
        "only the edited post is read again: {r:?}"
    );
    assert!(r.rendered < r.files / 2, "{r:?}");
    s.step("retitle a post", |r| {
        edit(
            r,
            "content/posts/slow-blogging.md",
            "title: ",
            "title: Retitled ",
        )
    });
    s.step("move a post in time", |r| {
        edit(
            r,
            "content/posts/answer-every-comment.md",
            "date: 20",
            "date: 19",
        )
    });
    let thread = "content/posts/slow-blogging.comments.yaml";
    let r = s.step("add a comment", |r| {
        let text = std::fs::read_to_string(r.join(thread)).unwrap();
        write(r, thread, &format!("{text}  - id: \"warm-1\"\n    author: \"Joel\"\n    date: 2024-03-04T09:00:00Z\n    body: \"A late word.\"\n"));
    });
    assert_eq!(r.reused, entries - 1, "{r:?}");
    s.step("tag a post", |r| {
        edit(
            r,
            "content/posts/slow-blogging.md",
            "tags: [blogging,",
            "tags: [Warm, blogging,",
        )
    });
    s.step("new post", |r| {
        write(r, "content/posts/later.md", "---\ntitle: Later\ndate: 2025-01-01\ntags: [Warm]\naliases: [/old/later/]\n---\nLater.\n\nMore.\n")
    });
    s.step("new thread", |r| {
        write(r, "content/posts/later.comments.yaml", "comments:\n  - id: \"1\"\n    author: Joel\n    date: 2025-01-02T00:00:00Z\n    body: First!\n")
    });
    s.step("delete a thread", |r| {
        std::fs::remove_file(r.join("content/posts/later.comments.yaml")).unwrap()
    });
    s.step("delete a post", |r| {
        std::fs::remove_file(r.join("content/posts/later.md")).unwrap()
    });
    s.step("publish a draft", |r| {
        edit(
            r,
            "content/posts/a-draft-in-progress.md",
            "draft: true",
            "draft: false",
        )
    });
    s.step("edit a page", |r| {
        edit(r, "content/about.md", "\n\n", "\n\nHello.\n\n")
    });
    s.step("edit a static file", |r| {
        edit(r, "static/favicon.svg", "<svg", "<svg data-warm=\"1\"")
    });
    s.step("add a static file", |r| {
        write(r, "static/extra.txt", "extra\n")
    });
    s.step("delete a static file", |r| {
        std::fs::remove_file(r.join("static/extra.txt")).unwrap()
    });
    s.step("add a file beside a post", |r| {
        write(r, "content/posts/notes.txt", "notes\n")
    });
    let r = s.step("edit a template", |r| {
        edit(
            r,
            "themes/default/templates/post.html",
            "</article>",
            "</article><!-- warm -->",
        )
    });
    assert_eq!(
        r.reused, 0,
        "a template change reads everything again: {r:?}"
    );
    let r = s.step("edit site.toml", |r| {
        edit(r, "site.toml", "posts_per_page = 2", "posts_per_page = 3")
    });
    assert_eq!(
        r.reused, 0,
        "a site.toml change reads everything again: {r:?}"
    );
    let r = s.step("nothing changed again", |_| {});
    assert_eq!(r.rendered, 0, "{r:?}");
}

#[test]
fn comments_and_tags_edited_on_a_ranked_site_match_a_full_build() {
    let s = Session::start(SiteTest::fixture("engagement/ranking"));
    let thread = "content/posts/two.comments.yaml";
    s.step("add a reply", |r| {
        let text = std::fs::read_to_string(r.join(thread)).unwrap();
        write(r, thread, &format!("{text}  - id: \"new\"\n    parent: \"j\"\n    author: \"Pauline\"\n    role: author\n    date: 2016-03-04T09:00:00Z\n    body: \"Welcome back.\"\n"));
    });
    s.step("retitle a post with comments", |r| {
        edit(r, "content/posts/many.md", "title: ", "title: Retitled ")
    });
    s.step("tag two posts", |r| {
        edit(
            r,
            "content/posts/deep.md",
            "date:",
            "tags: [Fresh, talk]\ndate:",
        );
        edit(r, "content/posts/none.md", "date:", "tags: [talk]\ndate:");
    });
    s.step("untag", |r| {
        edit(r, "content/posts/deep.md", "tags: [Fresh, talk]\n", "")
    });
    s.step("delete a commented post", |r| {
        std::fs::remove_file(r.join("content/posts/two.md")).unwrap();
        std::fs::remove_file(r.join(thread)).unwrap();
    });
}

/// Makes a state file unusable.
type Damage = fn(&Path);

/// Each way a state can be unusable, then the build that finds it.
#[test]
fn a_missing_or_damaged_state_costs_only_a_full_build() {
    let s = Session::start(SiteTest::example());
    let state = state_file(&s.site);
    let post = "content/posts/slow-blogging.md";
    let damages: Vec<(&str, Damage)> = vec![
        ("missing", |p| std::fs::remove_file(p).unwrap()),
        ("empty", |p| std::fs::write(p, "").unwrap()),
        ("cut in half", |p| {
            let bytes = std::fs::read(p).unwrap();
            std::fs::write(p, &bytes[..bytes.len() / 2]).unwrap();
        }),
        ("cut by one byte", |p| {
            let bytes = std::fs::read(p).unwrap();
            std::fs::write(p, &bytes[..bytes.len() - 1]).unwrap();
        }),
        ("a byte of its header changed", |p| {
            let mut bytes = std::fs::read(p).unwrap();
            bytes[20] ^= 0x20;
            std::fs::write(p, bytes).unwrap();
        }),
        ("a byte of its index changed", |p| {
            let mut bytes = std::fs::read(p).unwrap();
            let last = bytes.len() - 2;
            bytes[last] ^= 0x20;
            std::fs::write(p, bytes).unwrap();
        }),
        ("a byte added", |p| {
            let mut bytes = std::fs::read(p).unwrap();
            bytes.push(0);
            std::fs::write(p, bytes).unwrap();
        }),
        ("another file", |p| {
            std::fs::write(p, "rapport state, not really\n").unwrap()
        }),
        ("a folder", |p| {
            std::fs::remove_file(p).unwrap();
            std::fs::create_dir(p).unwrap();
        }),
    ];
    for (n, (what, damage)) in damages.iter().enumerate() {
        edit(&s.site.root, post, "\n\n", &format!("\n\nEdit {n}.\n\n"));
        settle(&s.site.root.join("content"));
        damage(&state);
        let report = s.warm_build(what);
        assert_eq!(report.reused, 0, "{what}: {report:?}");
        s.matches_a_full_build(what);
        if state.is_dir() {
            std::fs::remove_dir(&state).unwrap();
            s.warm_build("after a folder");
        }
        assert!(state.is_file(), "{what}: a new state is saved");
    }
}

/// Each post's record in the state is checked when read: a damaged one costs that
/// post read again, not the whole site.
#[test]
fn a_damaged_record_costs_its_post_read_again() {
    let s = Session::start(SiteTest::example());
    let state = state_file(&s.site);
    let mut bytes = std::fs::read(&state).unwrap();
    let title = "Answer every comment".as_bytes();
    let at = (bytes.windows(title.len()))
        .position(|w| w == title)
        .expect("the post's record holds its title");
    bytes[at] ^= 0x20;
    std::fs::write(&state, bytes).unwrap();
    let report = s.step("a damaged record and an edit", |r| {
        edit(r, "content/about.md", "\n\n", "\n\nDamaged.\n\n")
    });
    // Four posts and pages: the edited one and the one of the damaged record read.
    assert_eq!(report.reused, 2, "{report:?}");
    let report = s.step("nothing changed", |_| {});
    assert_eq!(report.reused, 4, "the record is saved again: {report:?}");
}

#[test]
fn a_state_is_not_used_for_another_output_or_one_changed_by_hand() {
    let s = Session::start(SiteTest::example());
    let public = s.site.root.join("public");
    // Another build (an older rapport, a restored copy) replaced the folder.
    let copy = s.site.root.join("copy");
    std::fs::rename(&public, &copy).unwrap();
    crate::harness::copy_dir(&copy, &public);
    let report = s.step("a copied output", |r| {
        edit(r, "content/about.md", "\n\n", "\n\nCopied.\n\n")
    });
    assert_eq!(report.reused, 0, "{report:?}");
    // A published file removed by hand is written again.
    std::fs::remove_file(public.join("tags/index.html")).unwrap();
    s.step("a removed file", |r| {
        edit(r, "content/about.md", "Copied.", "Removed.")
    });
    assert!(public.join("tags/index.html").is_file());
}

#[test]
fn the_state_lies_beside_the_output_and_nothing_else_is_published() {
    let site = SiteTest::example();
    site.build();
    let beside: Vec<String> = std::fs::read_dir(&site.root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    assert_eq!(beside.len(), 2, "{beside:?}");
    assert!(
        beside.contains(&".public.rapport-state".to_string()),
        "{beside:?}"
    );
    assert!(!walk(&site.root.join("public"))
        .iter()
        .any(|p| p.to_string_lossy().contains("rapport")));
    site.run(&["check"]).success();
    // A second build through the binary reuses it, and writes the same site.
    let before = tree(&site.root.join("public"));
    let run = site.run(&["build"]).success();
    assert!(run.stdout.contains(" rendered again)"), "{}", run.stdout);
    assert!(tree(&site.root.join("public")) == before);
}

/// `--full` builds everything, and saves the state the next build reuses.
#[test]
fn a_full_build_ignores_the_state_and_saves_one_the_next_build_reuses() {
    let site = SiteTest::example();
    site.build();
    let full = site.run(&["build", "--full"]).success();
    assert!(!full.stdout.contains("rendered again"), "{}", full.stdout);
    assert!(state_file(&site).is_file());
    let post = walk(&site.root.join("content/posts"))
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "md"))
        .unwrap();
    let text = std::fs::read_to_string(&post).unwrap();
    std::fs::write(&post, format!("{text}\nOne more line.\n")).unwrap();
    settle(&site.root.join("content"));
    let next = site.run(&["build"]).success();
    assert!(next.stdout.contains(" rendered again)"), "{}", next.stdout);
    assert!(
        !next.stdout.contains(" 0 rendered again)"),
        "{}",
        next.stdout
    );
}

/// What a one-post edit renders does not grow with the site (both sizes beyond the
/// posts feed's twenty).
#[test]
fn a_one_post_edit_renders_as_much_at_twice_the_posts() {
    let rendered = |n: usize| {
        let site = SiteTest::with_files(&[]);
        for i in 0..n {
            site.write(
                &format!("content/posts/p{i:03}.md"),
                &format!("---\ntitle: Post {i}\ndate: 2020-01-01T00:{:02}:{:02}Z\ntags: [t{}]\n---\nBody {i}.\n", i / 60, i % 60, i % 3),
            );
        }
        let s = Session::start(site);
        let r = s.step("edit the oldest post", |r| {
            edit(r, "content/posts/p000.md", "Body 0.", "Body zero.")
        });
        assert_eq!(r.reused, n - 1, "{r:?}");
        r.rendered
    };
    let (n, twice) = (rendered(30), rendered(60));
    assert_eq!(n, twice, "files rendered after one edit at 30 and 60 posts");
}

/// A build without a state does not read the thread files for their digests; the
/// first edit of a post's text after it renders no more than the next one: its
/// thread, unchanged, is not taken for changed.
#[test]
fn the_first_edit_after_a_full_build_renders_no_more_than_the_next() {
    let s = Session::start(SiteTest::example());
    let body = |n: usize| {
        move |r: &Path| {
            let to = format!("\n\nEdit {n}.\n\n");
            edit(r, "content/posts/slow-blogging.md", "\n\n", &to)
        }
    };
    let first = s.step("first edit", body(1));
    let second = s.step("second edit", body(2));
    assert_eq!(first.rendered, second.rendered, "{first:?}\n{second:?}");
    assert!(first.rendered < first.files / 2, "{first:?}");
}

/// A thread file saved again unchanged (an editor's save, a checkout, `touch`) is
/// read again, and only its post's page is rendered again: the conversations page,
/// the comments feeds and the lists showing it are not.
#[test]
fn a_thread_file_saved_again_unchanged_renders_only_its_post_again() {
    let s = Session::start(SiteTest::example());
    let thread = "content/posts/slow-blogging.comments.yaml";
    let save_again = |r: &Path| {
        let text = std::fs::read_to_string(r.join(thread)).unwrap();
        write(r, thread, &text);
    };
    // The first build had no state to compare with.
    s.step("saved again once", save_again);
    let r = s.step("saved again twice", save_again);
    let entries = r.posts + r.pages;
    assert_eq!((r.reused, r.rendered), (entries - 1, 1), "{r:?}");
}

#[test]
fn an_edit_that_kept_the_size_and_time_of_a_post_was_not_read_again() {
    let s = Session::start(SiteTest::example());
    s.step("one letter changed, its time set back", |r| {
        let path = r.join("content/posts/slow-blogging.md");
        let before = std::fs::metadata(&path).unwrap().modified().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let at = text.rfind('e').unwrap();
        let mut text = text.into_bytes();
        text[at] = b'a';
        std::fs::write(&path, text).unwrap();
        let file = std::fs::File::options().write(true).open(&path).unwrap();
        file.set_modified(before).unwrap();
    });
}

#[test]
fn a_published_file_edited_by_hand_was_kept_by_the_next_build() {
    let s = Session::start(SiteTest::example());
    let page = s.site.root.join("public/tags/index.html");
    let text = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, format!("{text}<!-- edited by hand -->")).unwrap();
    s.step("nothing changed in the sources", |_| {});
}

#[cfg(unix)]
#[test]
fn a_link_where_the_state_is_written_was_written_through() {
    let site = SiteTest::example();
    let victim = site.root.join("victim.txt");
    std::fs::write(&victim, "not a state\n").unwrap();
    for name in [".public.rapport-state", ".public.rapport-state-new"] {
        std::os::unix::fs::symlink(&victim, site.root.join(name)).unwrap();
        site.run(&["build"]).success();
        assert_eq!(
            std::fs::read_to_string(&victim).unwrap(),
            "not a state\n",
            "{name}"
        );
        let _ = std::fs::remove_file(site.root.join(".public.rapport-state-new"));
    }
    let state = std::fs::symlink_metadata(site.root.join(".public.rapport-state")).unwrap();
    assert!(state.is_file());
}

#[cfg(unix)]
#[test]
fn a_pipe_where_the_state_is_kept_made_the_build_wait_forever() {
    let site = SiteTest::example();
    let state = site.root.join(".public.rapport-state");
    let made = std::process::Command::new("mkfifo")
        .arg(&state)
        .status()
        .unwrap();
    assert!(made.success());
    site.run(&["build"]).success();
    assert!(std::fs::symlink_metadata(&state).unwrap().is_file());
}

/// A site of `n` posts, the oldest first, in three tags when `tagged` (a post's
/// related posts are those of its tags).
fn site_of_posts(n: usize, tagged: bool) -> SiteTest {
    let site = SiteTest::with_files(&[]);
    for i in 0..n {
        let tags = if tagged {
            format!("tags: [t{}]\n", i % 3)
        } else {
            String::new()
        };
        site.write(
            &format!("content/posts/p{i:03}.md"),
            &format!(
                "---\ntitle: Post {i}\ndate: 2020-01-01T{:02}:{:02}:00Z\n{tags}---\nBody {i}.\n",
                i / 60,
                i % 60,
            ),
        );
    }
    site
}

fn steps(report: &BuildReport) -> Vec<&str> {
    report.steps.iter().map(|(name, _)| *name).collect()
}

#[test]
fn a_small_edit_is_published_in_place_as_a_full_build_writes_it() {
    let s = Session::start(site_of_posts(300, false));
    let public = s.site.root.join("public");
    let untouched = public.join("posts/p150/index.html");
    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let before = inode(&untouched);
    let r = s.step("a post edited", |r| {
        edit(r, "content/posts/p000.md", "Body 0.", "Body zero.")
    });
    assert!(steps(&r).contains(&"publish"), "{r:?}");
    assert!(r.rendered * 32 <= r.files, "{r:?}");
    // The folder stayed; files that did not change are the very files published.
    assert_eq!(inode(&untouched), before);
    let r = s.step("a post removed", |r| {
        std::fs::remove_file(r.join("content/posts/p001.md")).unwrap()
    });
    assert!(steps(&r).contains(&"publish"), "{r:?}");
    assert!(!public.join("posts/p001").exists());
    // The newest post moves every list page: more than a few files.
    s.step("a post added", |r| {
        write(
            r,
            "content/posts/new.md",
            "---\ntitle: New\ndate: 2021-01-01\n---\nNew.\n",
        )
    });
    // Many files changed: the build swaps in a new folder.
    let r = s.step("every post tagged", |r| {
        for i in 0..300 {
            let rel = format!("content/posts/p{i:03}.md");
            if r.join(&rel).exists() {
                edit(r, &rel, "title:", "tags: [t]\ntitle:");
            }
        }
    });
    assert!(steps(&r).contains(&"swap"), "{r:?}");
}

#[cfg(unix)]
#[test]
fn a_failed_publish_in_place_costs_the_next_build_a_full_one() {
    let s = Session::start(site_of_posts(300, true));
    // A folder where the edited page goes: no rename can replace it, not even root's.
    let page = s.site.root.join("public/posts/p000/index.html");
    std::fs::remove_file(&page).unwrap();
    std::fs::create_dir(&page).unwrap();
    std::fs::write(page.join("in-the-way"), "").unwrap();
    edit(
        &s.site.root,
        "content/posts/p000.md",
        "Body 0.",
        "Body zero.",
    );
    settle(&s.site.root.join("content"));
    let failed = rapport::build(&options(&s.site, "public"));
    std::fs::remove_dir_all(&page).unwrap();
    let error = failed
        .expect_err("the page could not be published")
        .to_string();
    assert!(error.contains("index.html"), "{error}");
    // Removed, or kept unusable until a build writes into it again.
    let state = std::fs::read(state_file(&s.site)).unwrap_or_default();
    assert!(
        !state.starts_with(b"rapport state"),
        "no state describes the folder now"
    );
    let r = s.step("after the failure", |_| {});
    assert_eq!(r.reused, 0, "{r:?}");
}

/// A small edit writes its records into the state read, after the others; the
/// records they replace are dropped once they would be half of it. Each build
/// still reuses the state and writes what a full build writes.
#[cfg(unix)]
#[test]
fn a_state_written_into_edit_after_edit_holds_and_stays_small() {
    let s = Session::start(site_of_posts(30, true));
    let state = state_file(&s.site);
    let inode = |p: &Path| std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(p).unwrap());
    let (first, size) = (inode(&state), std::fs::metadata(&state).unwrap().len());
    let mut inodes = Vec::new();
    for n in 0..40 {
        let r = s.step(&format!("edit {n}"), |r| {
            let from = if n == 0 {
                "Body 7.".to_string()
            } else {
                format!("Body 7 ({}).", n - 1)
            };
            edit(r, "content/posts/p007.md", &from, &format!("Body 7 ({n})."))
        });
        assert_eq!(r.reused, 29, "edit {n}: {r:?}");
        inodes.push(inode(&state));
        let now = std::fs::metadata(&state).unwrap().len();
        assert!(
            now < size * 5 / 2,
            "edit {n}: the state grew from {size} to {now} bytes"
        );
    }
    assert_eq!(
        inodes[0], first,
        "the first edit was written into the state read"
    );
    assert!(
        inodes.iter().any(|&i| i != first),
        "the state was written whole again"
    );
}

/// A bundle's files leave the output when its post becomes a draft or is dated later,
/// and come back with it, on a site small enough to be swapped in whole and on one
/// big enough to be published in place.
#[test]
fn a_bundles_files_go_and_come_back_with_its_post() {
    let index = "content/posts/plan/index.md";
    let map = "content/posts/plan/secret-map.png";
    for site in [site_of_posts(3, false), site_of_posts(300, false)] {
        write(
            &site.root,
            index,
            "---\ntitle: Plan\ndate: 2019-06-01\n---\n![map](secret-map.png)\n",
        );
        write(&site.root, map, "the map\n");
        let s = Session::start(site);
        let published = s.site.root.join("public/posts/plan/secret-map.png");
        assert!(published.is_file());
        s.step("made a draft", |r| {
            edit(r, index, "title: Plan", "title: Plan\ndraft: true")
        });
        assert!(!published.exists());
        s.step("its file edited", |r| write(r, map, "a new map\n"));
        assert!(!published.exists());
        s.step("public again", |r| edit(r, index, "\ndraft: true", ""));
        assert_eq!(std::fs::read_to_string(&published).unwrap(), "a new map\n");
        s.step("dated later", |r| {
            edit(r, index, "2019-06-01", "2999-01-01")
        });
        assert!(!published.exists());
        s.step("dated back", |r| edit(r, index, "2999-01-01", "2019-06-01"));
        assert!(published.is_file());
    }
}
