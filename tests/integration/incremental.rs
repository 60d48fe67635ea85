//! The serve loop's incremental rebuild must write exactly what a full build writes.
//! Each step edits the site the way a writer would, updates incrementally, and
//! compares the whole output tree with a fresh full build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rapport::site::incremental::{Incremental, Update};
use rapport::BuildOptions;

use crate::harness::SiteTest;

fn options(site: &SiteTest, output: &str) -> BuildOptions {
    let mut o = BuildOptions::new(&site.root);
    o.output = Some(site.root.join(output));
    o.base_url = Some("http://127.0.0.1:1111/".into());
    o.drafts = true;
    o.now = chrono::DateTime::parse_from_rfc3339("2030-01-01T00:00:00Z")
        .unwrap()
        .into();
    o
}

/// Every file under `dir` with its bytes; an update must leave no empty folder.
fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    assert_no_empty_folder(dir);
    crate::harness::tree(dir)
}

#[track_caller]
fn assert_no_empty_folder(dir: &Path) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                assert!(
                    std::fs::read_dir(&path).unwrap().next().is_some(),
                    "empty folder {}",
                    path.display()
                );
                stack.push(path);
            }
        }
    }
}

struct Session {
    site: SiteTest,
    state: Incremental,
    /// Whether drafts and future posts are built (`serve --drafts`).
    drafts: bool,
}

impl Session {
    fn start(fixture: &str) -> Session {
        Session::start_with(fixture, true)
    }

    fn start_with(fixture: &str, drafts: bool) -> Session {
        let site = SiteTest::fixture(fixture);
        let served = BuildOptions {
            drafts,
            ..options(&site, "served")
        };
        let (state, _) = Incremental::build(&served).unwrap();
        Session {
            site,
            state,
            drafts,
        }
    }

    fn options(&self, output: &str) -> BuildOptions {
        BuildOptions {
            drafts: self.drafts,
            ..options(&self.site, output)
        }
    }

    /// Applies an edit, updates, and compares with a full build.
    #[track_caller]
    fn step(&mut self, what: &str, edit: impl FnOnce(&Path), changed: &[&str]) -> Update {
        edit(&self.site.root);
        let paths: Vec<PathBuf> = changed.iter().map(PathBuf::from).collect();
        let update = self
            .state
            .update(&paths)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        if update == Update::NeedsFullBuild {
            let (state, _) = Incremental::build(&self.options("served")).unwrap();
            self.state = state;
        }
        assert_served_as_built(
            &self.site.root.join("served"),
            self.options("fresh"),
            &format!("{what}: the served folder and a full build"),
        );
        update
    }
}

/// Builds `fresh` (its output, ignoring any state) and compares it with `served`.
#[track_caller]
fn assert_served_as_built(served: &Path, fresh: BuildOptions, what: &str) {
    let fresh = BuildOptions {
        fresh: true,
        ..fresh
    };
    rapport::build(&fresh).unwrap();
    assert_no_empty_folder(served);
    crate::harness::assert_same_tree(served, &fresh.output_dir(), what);
}

fn write(root: &Path, rel: &str, text: &str) {
    std::fs::write(root.join(rel), text).unwrap();
}

fn edit(root: &Path, rel: &str, from: &str, to: &str) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap();
    assert!(text.contains(from), "{rel} has no {from:?}");
    write(root, rel, &text.replacen(from, to, 1));
}

fn partial(update: Update) -> bool {
    matches!(update, Update::Partial { .. })
}

#[test]
fn a_sequence_of_edits_matches_a_full_build() {
    let mut s = Session::start("engagement/ranking");
    let thread = "content/posts/two.comments.yaml";
    let u = s.step(
        "edit a body",
        |r| edit(r, "content/posts/many.md", "Body of", "New body of"),
        &["content/posts/many.md"],
    );
    assert!(partial(u));
    // The engagement page and the comments feed show post titles.
    let u = s.step(
        "retitle a post with comments",
        |r| edit(r, "content/posts/many.md", "title: ", "title: Retitled "),
        &["content/posts/many.md"],
    );
    assert!(partial(u));
    let u = s.step(
        "add a comment",
        |r| {
            let text = std::fs::read_to_string(r.join(thread)).unwrap();
            write(r, thread, &format!("{text}  - id: \"new\"\n    parent: \"j\"\n    author: \"Pauline\"\n    role: author\n    date: 2016-03-04T09:00:00Z\n    body: \"Welcome back.\"\n"));
        },
        &[thread],
    );
    assert!(partial(u));
    // The comments feed shows a comment's text, the conversations page its author.
    let u = s.step(
        "edit a comment",
        |r| {
            edit(r, thread, "Welcome back.", "Welcome back, *again*.");
            edit(r, thread, "author: \"Pauline\"", "author: \"Pauline R.\"");
        },
        &[thread],
    );
    assert!(partial(u));
    let u = s.step(
        "remove a comment",
        |r| {
            let text = std::fs::read_to_string(r.join(thread)).unwrap();
            let at = text.find("  - id: \"new\"").unwrap();
            write(r, thread, &text[..at]);
        },
        &[thread],
    );
    assert!(partial(u));
    let u = s.step(
        "move a post in time",
        |r| edit(r, "content/posts/many.md", "2016-01-01", "2016-02-20"),
        &["content/posts/many.md"],
    );
    assert!(partial(u));
    s.step(
        "tag a post",
        |r| {
            edit(
                r,
                "content/posts/deep.md",
                "date:",
                "tags: [Fresh, talk]\ndate:",
            )
        },
        &["content/posts/deep.md"],
    );
    s.step(
        "tag another",
        |r| edit(r, "content/posts/none.md", "date:", "tags: [talk]\ndate:"),
        &["content/posts/none.md"],
    );
    s.step(
        "untag",
        |r| edit(r, "content/posts/deep.md", "tags: [Fresh, talk]\n", ""),
        &["content/posts/deep.md"],
    );
    s.step("new post", |r| write(r, "content/posts/later.md", "---\ntitle: Later\ndate: 2017-01-01\ntags: [talk]\naliases: [/old/later/]\n---\nLater.\n"), &["content/posts/later.md"]);
    s.step("new thread", |r| write(r, "content/posts/later.comments.yaml", "comments:\n  - id: \"1\"\n    author: Joel\n    date: 2017-01-02T00:00:00Z\n    body: First!\n"), &["content/posts/later.comments.yaml"]);
    s.step(
        "new slug",
        |r| {
            edit(
                r,
                "content/posts/later.md",
                "title: Later",
                "title: Later\nslug: much-later",
            )
        },
        &["content/posts/later.md"],
    );
    s.step(
        "delete a thread",
        |r| std::fs::remove_file(r.join("content/posts/later.comments.yaml")).unwrap(),
        &["content/posts/later.comments.yaml"],
    );
    s.step(
        "rename a post",
        |r| {
            std::fs::rename(
                r.join("content/posts/later.md"),
                r.join("content/posts/renamed.md"),
            )
            .unwrap()
        },
        &["content/posts/later.md", "content/posts/renamed.md"],
    );
    s.step(
        "delete a post",
        |r| std::fs::remove_file(r.join("content/posts/renamed.md")).unwrap(),
        &["content/posts/renamed.md"],
    );
    s.step(
        "draft",
        |r| edit(r, "content/posts/two.md", "date:", "draft: true\ndate:"),
        &["content/posts/two.md"],
    );
    for i in 0..12 {
        s.step(
            "many new posts",
            |r| {
                write(
                    r,
                    &format!("content/posts/p{i}.md"),
                    &format!(
                        "---\ntitle: Post {i}\ndate: 2015-0{}-01\ntags: [talk]\n---\nx\n",
                        i % 9 + 1
                    ),
                )
            },
            &[&format!("content/posts/p{i}.md")],
        );
    }
    s.step(
        "page",
        |r| write(r, "content/about.md", "---\ntitle: About\n---\nHi.\n"),
        &["content/about.md"],
    );
    let u = s.step(
        "edit a page",
        |r| edit(r, "content/about.md", "Hi.", "Hello."),
        &["content/about.md"],
    );
    assert!(partial(u));
}

#[test]
fn a_bad_edit_changes_nothing_and_a_fix_recovers() {
    let mut s = Session::start("engagement/ranking");
    let before = tree(&s.site.root.join("served"));
    let thread = "content/posts/two.comments.yaml";
    edit(&s.site.root, thread, "id: \"j\"", "id: \"f\"");
    let err = s
        .state
        .update(&[PathBuf::from(thread)])
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("content/posts/two.comments.yaml:12: duplicate comment id \"f\""),
        "{err}"
    );
    assert!(
        tree(&s.site.root.join("served")) == before,
        "the last good build is untouched"
    );
    s.step(
        "fix",
        |r| {
            edit(
                r,
                thread,
                "id: \"f\"\n    author: \" JOEL \"",
                "id: \"j\"\n    author: \" JOEL \"",
            )
        },
        &[thread],
    );
}

#[test]
fn templates_and_config_ask_for_a_full_build() {
    let mut s = Session::start("engagement/ranking");
    let u = s.step(
        "config",
        |r| edit(r, "site.toml", "Ranking", "Ranked"),
        &["site.toml"],
    );
    assert_eq!(u, Update::NeedsFullBuild);
}

/// The step adding the bundle `content/posts/trip/` (`index`, and the file `map`).
fn new_trip_bundle(s: &mut Session, index: &str, map: &str) {
    s.step(
        "new bundle",
        |r| {
            std::fs::create_dir(r.join("content/posts/trip")).unwrap();
            write(
                r,
                index,
                "---\ntitle: Trip\ndate: 2016-02-05\n---\nSee map.txt.\n",
            );
            write(r, map, "the map\n");
        },
        &[index, map],
    );
}

#[test]
fn a_bundles_files_follow_it_when_its_slug_changes() {
    let mut s = Session::start("engagement/ranking");
    let index = "content/posts/trip/index.md";
    let map = "content/posts/trip/map.txt";
    new_trip_bundle(&mut s, index, map);
    let u = s.step(
        "new slug for the bundle",
        |r| edit(r, index, "title: Trip", "title: Trip\nslug: far-trip"),
        &[index],
    );
    assert!(partial(u));
    let served = s.site.root.join("served");
    assert!(served.join("posts/far-trip/map.txt").is_file());
    assert!(!served.join("posts/trip").exists());
    s.step(
        "edit a bundle's file",
        |r| write(r, map, "a new map\n"),
        &[map],
    );
    s.step(
        "add a file to the bundle",
        |r| write(r, "content/posts/trip/photo.txt", "a photo\n"),
        &["content/posts/trip/photo.txt"],
    );
    s.step(
        "delete a bundle's file",
        |r| std::fs::remove_file(r.join(map)).unwrap(),
        &[map],
    );
    s.step(
        "delete the bundle's page",
        |r| std::fs::remove_file(r.join(index)).unwrap(),
        &[index],
    );
}

/// Served without drafts (`serve --drafts false`), a bundle's files go when its post
/// becomes a draft or is dated later, and come back with it; once its page is gone,
/// they are published as other content files.
#[test]
fn a_bundles_files_go_and_come_back_with_its_post() {
    let mut s = Session::start_with("engagement/ranking", false);
    let index = "content/posts/trip/index.md";
    let map = "content/posts/trip/map.txt";
    let served = s.site.root.join("served/posts/trip/map.txt");
    new_trip_bundle(&mut s, index, map);
    assert!(served.is_file());
    let u = s.step(
        "made a draft",
        |r| edit(r, index, "title: Trip", "title: Trip\ndraft: true"),
        &[index],
    );
    assert!(partial(u));
    assert!(!served.exists());
    s.step(
        "a draft's file edited",
        |r| write(r, map, "a new map\n"),
        &[map],
    );
    s.step(
        "a file added to the draft",
        |r| write(r, "content/posts/trip/photo.txt", "a photo\n"),
        &["content/posts/trip/photo.txt"],
    );
    assert!(!s.site.root.join("served/posts/trip").exists());
    let u = s.step(
        "public again",
        |r| edit(r, index, "\ndraft: true", ""),
        &[index],
    );
    assert!(partial(u));
    assert_eq!(std::fs::read_to_string(&served).unwrap(), "a new map\n");
    let u = s.step(
        "dated later",
        |r| edit(r, index, "2016-02-05", "2999-01-01"),
        &[index],
    );
    assert!(partial(u));
    assert!(!served.exists());
    s.step(
        "the later post's page deleted",
        |r| std::fs::remove_file(r.join(index)).unwrap(),
        &[index],
    );
    assert!(served.is_file());
}

/// Updates after `edit` must fail with `expected` and leave the served tree as it was.
#[track_caller]
fn refused_update(s: &mut Session, edit: impl FnOnce(&Path), changed: &[&str], expected: &str) {
    let before = tree(&s.site.root.join("served"));
    edit(&s.site.root);
    let paths: Vec<PathBuf> = changed.iter().map(PathBuf::from).collect();
    let err = s.state.update(&paths).unwrap_err().to_string();
    assert!(err.contains(expected), "{err}");
    assert!(
        tree(&s.site.root.join("served")) == before,
        "a failed update changed the served tree"
    );
}

#[test]
fn a_failed_update_had_already_rewritten_a_neighbour_page() {
    let mut s = Session::start("engagement/ranking");
    let deep = "content/posts/deep.md";
    // The newer post shows this one's title, and is rendered before it.
    refused_update(
        &mut s,
        |r| {
            edit(
                r,
                deep,
                "title: ",
                "template: missing.html\ntitle: Retitled ",
            )
        },
        &[deep],
        "template \"missing.html\" does not exist",
    );
    s.step(
        "fix",
        |r| edit(r, deep, "template: missing.html\n", ""),
        &[deep],
    );
}

#[test]
fn an_update_at_a_generated_address_is_refused() {
    let mut s = Session::start("engagement/ranking");
    refused_update(
        &mut s,
        |r| write(r, "content/tags.md", "---\ntitle: Tags\n---\nMine.\n"),
        &["content/tags.md"],
        "content/tags.md:1: this page is published at /tags/, which the tag index also uses",
    );
    std::fs::remove_file(s.site.root.join("content/tags.md")).unwrap();
    refused_update(
        &mut s,
        |r| {
            edit(
                r,
                "content/posts/none.md",
                "date:",
                "aliases: [/atom.xml]\ndate:",
            )
        },
        &["content/posts/none.md"],
        "content/posts/none.md:3: this post has an alias /atom.xml/, which the posts feed also uses",
    );
}

/// A copy of a post, same date and title, took its place after the original when
/// `serve` read it, but a full build put the two in the order the folder listed them:
/// their newer and older links, the lists and the sitemap differed.
#[test]
fn posts_of_one_date_and_title_are_in_one_order_however_they_are_read() {
    let mut s = Session::start("engagement/ranking");
    let two = std::fs::read_to_string(s.site.root.join("content/posts/two.md")).unwrap();
    for copy in ["content/posts/a-copy.md", "content/posts/zz-copy.md"] {
        s.step(
            &format!("a copy of a post at {copy}"),
            |r| write(r, copy, &two.replace("Body of", "A copy of")),
            &[copy],
        );
    }
    s.step(
        "the original edited",
        |r| edit(r, "content/posts/two.md", "Body of", "Edited body of"),
        &["content/posts/two.md"],
    );
}

#[test]
fn a_date_edit_moves_a_post_to_its_new_month_under_a_permalink_pattern() {
    let mut s = Session::start("permalinks/dated");
    let u = s.step(
        "move a post to May",
        |r| edit(r, "content/posts/april.md", "2015-04-10", "2015-05-01"),
        &["content/posts/april.md"],
    );
    assert!(partial(u));
    let served = s.site.root.join("served");
    assert!(served.join("2015/05/april/index.html").is_file());
    assert!(
        !served.join("2015/04").exists(),
        "the old address is still served"
    );
    s.step(
        "move the bundle to April",
        |r| edit(r, "content/posts/trip/index.md", "2015-03-20", "2015-04-01"),
        &["content/posts/trip/index.md"],
    );
    assert!(served.join("2015/04/trip/map.txt").is_file());
    s.step(
        "a new post in March",
        |r| {
            write(
                r,
                "content/posts/new.md",
                "---\ntitle: New\ndate: 2015-03-30\ntags: [Travel]\n---\nNew.\n",
            )
        },
        &["content/posts/new.md"],
    );
    s.step(
        "a comment",
        |r| {
            edit(
                r,
                "content/posts/april.comments.yaml",
                "A question",
                "Another question",
            )
        },
        &["content/posts/april.comments.yaml"],
    );
}

#[test]
fn a_category_edit_updates_its_pages_and_feeds_as_a_full_build() {
    let mut s = Session::start("taxonomies/blog");
    let u = s.step(
        "move a post to another category",
        |r| edit(r, "content/posts/porto.md", "[\"Travel\"]", "[\"Rain\"]"),
        &["content/posts/porto.md"],
    );
    assert!(partial(u));
    assert!(s
        .site
        .root
        .join("served/categories/rain/atom.xml")
        .is_file());
    s.step(
        "rename a category on one post",
        |r| edit(r, "content/posts/lisbon.md", "C++", "C#"),
        &["content/posts/lisbon.md"],
    );
    s.step(
        "a new post in a category",
        |r| {
            write(
                r,
                "content/posts/new.md",
                "---\ntitle: New\ndate: 2015-05-01\ncategories: [Travel]\n---\nNew.\n",
            )
        },
        &["content/posts/new.md"],
    );
}

/// Appends a comment to the thread file `rel`.
fn add_comment(root: &Path, rel: &str, comment: &str) {
    let text = std::fs::read_to_string(root.join(rel)).unwrap_or_else(|_| "comments:\n".into());
    write(root, rel, &format!("{text}{comment}"));
}

#[track_caller]
fn one_post(update: Update) {
    assert!(
        matches!(update, Update::Partial { entries: 1, .. }),
        "{update:?}"
    );
}

#[test]
fn new_comments_update_the_site_wide_pages_as_a_full_build_makes_them() {
    let mut s = Session::start("engagement/ranking");
    let many = "content/posts/many.comments.yaml";
    let fiona = "  - id: \"fi\"\n    author: \"fiona\"\n    date: 2016-01-20T10:00:00Z\n    body: \"Back again.\"\n";
    let u = s.step(
        "a reader becomes a regular",
        |r| add_comment(r, many, fiona),
        &[many],
    );
    one_post(u);
    let u = s.step(
        "a month's reply rate changes",
        |r| add_comment(r, many, "  - id: \"re\"\n    parent: \"1\"\n    role: author\n    date: 2016-01-03T10:00:00Z\n    body: \"Thanks.\"\n"),
        &[many],
    );
    one_post(u);
    let deep = "content/posts/deep.comments.yaml";
    let u = s.step(
        "a comment becomes the newest in the feed",
        |r| add_comment(r, deep, "  - id: \"late\"\n    author: \"Ruth\"\n    date: 2020-05-01T10:00:00Z\n    body: \"Years later.\"\n"),
        &[deep],
    );
    one_post(u);
    let u = s.step(
        "a comment removed: no longer a regular",
        |r| edit(r, many, fiona, ""),
        &[many],
    );
    one_post(u);
    let none = "content/posts/none.comments.yaml";
    let u = s.step(
        "a first comment on a post",
        |r| add_comment(r, none, "  - id: \"1\"\n    author: \"Joel\"\n    date: 2016-03-05T10:00:00Z\n    body: \"First.\"\n"),
        &[none],
    );
    one_post(u);
    s.step(
        "comments on two posts at once",
        |r| {
            add_comment(r, none, "  - id: \"2\"\n    parent: \"1\"\n    role: author\n    date: 2016-03-06T10:00:00Z\n    body: \"Hello Joel.\"\n");
            edit(r, deep, "Years later.", "Years *later*.");
        },
        &[none, deep],
    );
    s.step(
        "a thread deleted",
        |r| std::fs::remove_file(r.join(none)).unwrap(),
        &[none],
    );
}

#[cfg(unix)]
#[test]
fn a_comment_rewrote_the_posts_feed() {
    use std::os::unix::fs::MetadataExt;
    let mut s = Session::start("engagement/ranking");
    let feed = s.site.root.join("served/atom.xml");
    let written = || std::fs::metadata(&feed).unwrap().ino();
    let before = written();
    let two = "content/posts/two.comments.yaml";
    s.step(
        "a comment",
        |r| add_comment(r, two, "  - id: \"n\"\n    author: \"Ann\"\n    date: 2016-03-09T10:00:00Z\n    body: \"Hi.\"\n"),
        &[two],
    );
    assert_eq!(written(), before, "the posts feed was written again");
    s.step(
        "an edit",
        |r| edit(r, "content/posts/two.md", "Body of", "New body of"),
        &["content/posts/two.md"],
    );
    assert_ne!(written(), before, "the posts feed shows the post's text");
}

/// A post's slug, date and comments (`write_thread`).
type DatedPost<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// A small site of dated posts, each with a thread of its comments (none: no file),
/// its comments feed showing the `keep` newest comments.
fn dated_site(keep: usize, posts: &[DatedPost<'_>]) -> SiteTest {
    let site = SiteTest::empty();
    site.write(
        "site.toml",
        &format!("title = \"Test\"\nbase_url = \"https://blog.example/\"\n\n[author]\nname = \"Pauline\"\n\n[feeds]\ncomments = {keep}\n"),
    );
    for (slug, date, comments) in posts {
        write_post(&site, slug, date);
        if !comments.is_empty() {
            write_thread(&site, slug, comments);
        }
    }
    site
}

fn write_post(site: &SiteTest, slug: &str, date: &str) {
    site.write(
        &format!("content/posts/{slug}.md"),
        &format!("---\ntitle: Post {slug}\ndate: {date}\n---\nThe text of {slug}.\n"),
    );
}

/// `comments` as (id, date) pairs, each body naming its id.
fn write_thread(site: &SiteTest, slug: &str, comments: &[(&str, &str)]) {
    let mut thread = String::from("comments:\n");
    for (id, date) in comments {
        thread += &format!(
            "  - id: \"{id}\"\n    author: \"Reader {id}\"\n    date: {date}\n    body: \"Comment {id}.\"\n"
        );
    }
    site.write(&format!("content/posts/{slug}.comments.yaml"), &thread);
}

/// One update moves post a past post b (a's date edited) and gives b a newer comment:
/// both changed posts swap places, and each one's new share of the site-wide figures
/// must replace its own old one, not the other's.
#[test]
fn a_post_moving_past_another_changed_post_keeps_the_comments_feed() {
    let site = dated_site(
        2,
        &[
            ("a", "2021-03-05", &[("a1", "2021-03-10T10:00:00Z")]),
            ("b", "2021-03-04", &[("b1", "2021-03-09T10:00:00Z")]),
            ("c", "2021-03-01", &[]),
        ],
    );
    let (mut state, _) = Incremental::build(&options(&site, "served")).unwrap();
    write_post(&site, "a", "2021-03-02");
    let b = [
        ("b1", "2021-03-09T10:00:00Z"),
        ("b2", "2021-03-11T10:00:00Z"),
    ];
    write_thread(&site, "b", &b);
    let paths = ["content/posts/a.md", "content/posts/b.comments.yaml"].map(PathBuf::from);
    assert!(partial(state.update(&paths).unwrap()));
    let feed = std::fs::read_to_string(site.root.join("served/comments.xml")).unwrap();
    assert!(feed.contains("Comment a1."), "{feed}");
    assert_eq!(feed.matches("Comment b2.").count(), 1, "{feed}");
    assert_served_as_built(
        &site.root.join("served"),
        options(&site, "fresh"),
        "a post moved past another changed post",
    );
}

/// A change reported for a thread file that is not there (an editor's rename, a
/// thread deleted twice) leaves the post as it was: its summary stays on the lists.
#[test]
fn a_change_to_a_missing_thread_keeps_the_posts_summary() {
    let site = dated_site(
        2,
        &[
            ("a", "2021-03-05", &[]),
            ("b", "2021-03-04", &[("b1", "2021-03-09T10:00:00Z")]),
        ],
    );
    let (mut state, _) = Incremental::build(&options(&site, "served")).unwrap();
    let missing = [PathBuf::from("content/posts/a.comments.yaml")];
    assert!(partial(state.update(&missing).unwrap()));
    // Touched, its bytes unchanged.
    write_thread(&site, "b", &[("b1", "2021-03-09T10:00:00Z")]);
    assert!(partial(
        state
            .update(&[PathBuf::from("content/posts/b.comments.yaml")])
            .unwrap()
    ));
    // A new post: the home page lists the others again.
    write_post(&site, "c", "2021-03-06");
    assert!(partial(
        state
            .update(&[PathBuf::from("content/posts/c.md")])
            .unwrap()
    ));
    let home = std::fs::read_to_string(site.root.join("served/index.html")).unwrap();
    assert!(home.contains("The text of a."), "{home}");
    assert!(home.contains("The text of b."), "{home}");
    assert_served_as_built(
        &site.root.join("served"),
        options(&site, "fresh"),
        "a change to a missing thread",
    );
}
