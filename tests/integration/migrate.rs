//! Migrating a blog the way a blogger does it: `rapport init blog`, then
//! `rapport import wordpress export.xml --root blog` (and Disqus), then a newer export
//! later. Hand-written exports from `tests/fixtures/import/`; asserts on the files the
//! import wrote, its report and the built pages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::harness::{fixtures_dir, select, Run, SiteTest};

/// An empty folder in which `rapport init blog` has made the site `blog/`.
fn initialised() -> (SiteTest, PathBuf) {
    let dir = SiteTest::empty();
    dir.run(&["init", "blog"]).success();
    let blog = dir.root.join("blog");
    (dir, blog)
}

fn export(rel: &str) -> String {
    fixtures_dir()
        .join("import")
        .join(rel)
        .to_string_lossy()
        .into_owned()
}

/// `rapport import FORMAT FILE --root ROOT`, expecting success; returns stdout.
#[track_caller]
fn import(dir: &SiteTest, root: &Path, format: &str, rel: &str) -> String {
    let root = root.to_string_lossy();
    dir.run(&["import", format, &export(rel), "--root", &root])
        .success()
        .stdout
}

#[track_caller]
fn build(dir: &SiteTest, root: &Path) {
    dir.run(&["build", "--root", &root.to_string_lossy()])
        .success();
}

#[track_caller]
fn read(root: &Path, rel: &str) -> String {
    let path = root.join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every file under `root/content`, with its bytes.
fn content(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.join("content")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.insert(
                    path.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    files
}

/// A thread file as (id, parent) pairs, by id.
#[track_caller]
fn nesting(root: &Path, rel: &str) -> BTreeMap<String, Option<String>> {
    let text = read(root, rel);
    let thread = rapport::threads::parse_thread(&text, Path::new(rel))
        .unwrap_or_else(|p| panic!("{rel} is not a valid thread: {p:?}"));
    thread
        .comments
        .into_iter()
        .map(|c| (c.id, c.parent))
        .collect()
}

/// The comments of a built page as a reader sees them: (id, depth), in order.
#[track_caller]
fn shown(root: &Path, page: &str) -> Vec<(String, usize)> {
    let html = scraper::Html::parse_document(&read(&root.join("public"), page));
    select(&html, "li[id^=comment-]")
        .iter()
        .map(|e| {
            let id = e.value().id().unwrap_or_default();
            let depth = e.value().attr("data-depth").unwrap_or_default();
            (
                id.trim_start_matches("comment-").to_string(),
                depth.parse().unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_real_hello_world_post_was_dropped_for_the_starter_one() {
    let (dir, blog) = initialised();
    let starter_post = read(&blog, "content/posts/hello-world.md");
    let starter_thread = read(&blog, "content/posts/hello-world.comments.yaml");
    let starter_page = read(&blog, "content/about.md");
    let out = import(&dir, &blog, "wordpress", "wordpress/starter-collision.xml");

    // The starter files are left exactly as they were.
    assert_eq!(read(&blog, "content/posts/hello-world.md"), starter_post);
    assert_eq!(
        read(&blog, "content/posts/hello-world.comments.yaml"),
        starter_thread
    );
    assert_eq!(read(&blog, "content/about.md"), starter_page);

    // The real post is kept whole at a free address, knowing where it came from.
    let post = read(&blog, "content/posts/hello-world-2.md");
    assert!(post.contains("title: \"Hello world!\""), "{post}");
    assert!(post.contains("date: 2019-05-01T08:00:00Z"), "{post}");
    assert!(post.contains("first post I wrote"), "{post}");
    assert!(post.contains("  - \"/2019/05/01/hello-world/\""), "{post}");
    assert!(post.contains("extra:\n  wordpress_id: 1\n"), "{post}");
    let page = read(&blog, "content/about-2.md");
    assert!(page.contains("I am Ann"), "{page}");
    assert!(page.contains("extra:\n  wordpress_id: 2\n"), "{page}");

    // Its comments are in its own thread, none grafted onto the starter's.
    let thread = nesting(&blog, "content/posts/hello-world-2.comments.yaml");
    assert_eq!(
        thread,
        BTreeMap::from([("1".into(), None), ("2".into(), Some("1".into()))])
    );
    assert_eq!(
        nesting(&blog, "content/about-2.comments.yaml")
            .keys()
            .collect::<Vec<_>>(),
        ["3"]
    );

    // The report names both files of each conflict, and the old address the starter
    // page keeps.
    assert!(
        out.contains("content/posts/hello-world.md is not from this export, so the post imported from https://old.example/2019/05/01/hello-world/ was written to content/posts/hello-world-2.md"),
        "{out}"
    );
    assert!(
        out.contains("content/about.md is not from this export, so the page imported from https://old.example/about/ was written to content/about-2.md"),
        "{out}"
    );
    assert!(out.contains("/about/"), "{out}");
    assert!(!out.contains("left as they were"), "{out}");

    // A second import of the same export changes no byte and writes no third copy.
    let before = content(&blog);
    let again = import(&dir, &blog, "wordpress", "wordpress/starter-collision.xml");
    assert_eq!(content(&blog), before, "{again}");
    assert!(again.contains("posts: 0 new, 2 already there"), "{again}");

    // The site builds, the old address leads to the real post, and nothing private
    // was published.
    build(&dir, &blog);
    let redirect = read(&blog, "public/2019/05/01/hello-world/index.html");
    assert!(redirect.contains("posts/hello-world-2/"), "{redirect}");
    for (path, bytes) in content(&blog) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("@mail.example") && !text.contains("203.0.113."),
            "{}",
            path.display()
        );
    }
}

#[test]
fn disqus_comments_of_the_old_about_page_went_to_the_starter_page() {
    let (dir, blog) = initialised();
    import(&dir, &blog, "wordpress", "wordpress/starter-collision.xml");
    let page = read(&blog, "content/about-2.md");
    assert!(
        page.contains("  old_addresses:\n    - \"/about/\"\n"),
        "{page}"
    );
    let starter_thread = read(&blog, "content/posts/hello-world.comments.yaml");
    let out = import(&dir, &blog, "disqus", "disqus/starter-collision.xml");
    assert!(out.contains("2 added"), "{out}");
    assert!(!blog.join("content/about.comments.yaml").exists(), "{out}");
    assert_eq!(
        read(&blog, "content/posts/hello-world.comments.yaml"),
        starter_thread
    );
    let about = nesting(&blog, "content/about-2.comments.yaml");
    assert_eq!(about.keys().collect::<Vec<_>>(), ["3", "7001"]);
    let hello = nesting(&blog, "content/posts/hello-world-2.comments.yaml");
    assert_eq!(hello.keys().collect::<Vec<_>>(), ["1", "2", "7002"]);
    build(&dir, &blog);
}

#[test]
fn a_post_broken_by_hand_is_not_copied_beside_itself() {
    let (dir, blog) = initialised();
    import(&dir, &blog, "wordpress", "wordpress/starter-collision.xml");
    let post = blog.join("content/posts/hello-world-2.md");
    let broken = read(&blog, "content/posts/hello-world-2.md").replacen("---\n", "", 1);
    std::fs::write(&post, &broken).unwrap();
    let out = import(&dir, &blog, "wordpress", "wordpress/starter-collision.xml");
    assert!(
        out.contains("1 file under content/ could not be read"),
        "{out}"
    );
    assert!(
        !blog.join("content/posts/hello-world-3.md").exists(),
        "{out}"
    );
    assert!(
        !blog.join("content/posts/hello-world-2-2.md").exists(),
        "{out}"
    );
    assert_eq!(read(&blog, "content/posts/hello-world-2.md"), broken);
}

#[test]
fn a_comment_id_taken_by_another_comment_was_dropped() {
    let (dir, blog) = initialised();
    // The starter's post is the imported one (same source id), so the export's
    // comments "1" and "2" meet the starter's own "1" and "2", which are different
    // comments.
    let starter = read(&blog, "content/posts/hello-world.md");
    std::fs::write(
        blog.join("content/posts/hello-world.md"),
        starter.replace("---\nThis", "extra:\n  wordpress_id: 1\n---\nThis"),
    )
    .unwrap();
    let starter_thread = read(&blog, "content/posts/hello-world.comments.yaml");
    let out = import(&dir, &blog, "wordpress", "wordpress/starter-collision.xml");
    let text = read(&blog, "content/posts/hello-world.comments.yaml");
    assert!(text.starts_with(&starter_thread), "{text}");
    let thread = nesting(&blog, "content/posts/hello-world.comments.yaml");
    assert_eq!(thread.len(), 4, "{text}");
    assert_eq!(thread.get("2-2"), Some(&Some("1-2".to_string())), "{text}");
    assert!(
        text.contains("Hi, this is a comment on the real post."),
        "{text}"
    );
    assert!(
        out.contains("content/posts/hello-world.comments.yaml: 2 comments whose id another comment of the thread has, written under a new id: 1 → 1-2, 2 → 2-2"),

        "{out}"
    );
    let before = content(&blog);
    import(&dir, &blog, "wordpress", "wordpress/starter-collision.xml");
    assert_eq!(content(&blog), before);
}

#[test]
fn a_reply_kept_its_nearest_ancestor_after_its_parent_was_approved() {
    let site = SiteTest::with_files(&[("content/.keep", "")]);
    let root = site.root.clone();
    import(&site, &root, "wordpress", "wordpress/pending-parent-v1.xml");
    let first = nesting(&root, "content/posts/threads.comments.yaml");
    assert_eq!(first.get("12"), Some(&Some("10".to_string())));
    let out = import(&site, &root, "wordpress", "wordpress/pending-parent-v2.xml");
    assert!(out.contains("2 added"), "{out}");
    assert!(
        out.contains("2 replies moved back under the comment they answered, now imported"),
        "{out}"
    );

    let fresh = SiteTest::with_files(&[("content/.keep", "")]);
    let fresh_root = fresh.root.clone();
    import(
        &fresh,
        &fresh_root,
        "wordpress",
        "wordpress/pending-parent-v2.xml",
    );
    let expected = nesting(&fresh_root, "content/posts/threads.comments.yaml");
    assert_eq!(expected.get("12"), Some(&Some("11".to_string())));
    assert_eq!(expected.get("16"), Some(&Some("15".to_string())));
    assert_eq!(
        nesting(&root, "content/posts/threads.comments.yaml"),
        expected
    );

    build(&site, &root);
    build(&fresh, &fresh_root);
    let page = "posts/threads/index.html";
    assert_eq!(shown(&root, page), shown(&fresh_root, page));

    // And once converged, importing the same export again changes nothing.
    let before = content(&root);
    import(&site, &root, "wordpress", "wordpress/pending-parent-v2.xml");
    assert_eq!(content(&root), before);
}

#[test]
fn a_disqus_reply_kept_the_wrong_parent_after_a_partial_then_full_import() {
    let post =
        "---\ntitle: Threads\ndate: 2020-03-01\naliases: [/2020/03/threads/]\n---\nA post.\n";
    let site = SiteTest::with_files(&[("content/posts/threads.md", post)]);
    let root = site.root.clone();
    import(&site, &root, "disqus", "disqus/pending-parent-v1.xml");
    let first = nesting(&root, "content/posts/threads.comments.yaml");
    assert_eq!(first.get("4003"), Some(&Some("4001".to_string())));
    import(&site, &root, "disqus", "disqus/pending-parent-v2.xml");

    let fresh = SiteTest::with_files(&[("content/posts/threads.md", post)]);
    let fresh_root = fresh.root.clone();
    import(
        &fresh,
        &fresh_root,
        "disqus",
        "disqus/pending-parent-v2.xml",
    );
    let expected = nesting(&fresh_root, "content/posts/threads.comments.yaml");
    assert_eq!(expected.get("4003"), Some(&Some("4002".to_string())));
    assert_eq!(
        nesting(&root, "content/posts/threads.comments.yaml"),
        expected
    );

    build(&site, &root);
    build(&fresh, &fresh_root);
    let page = "posts/threads/index.html";
    assert_eq!(shown(&root, page), shown(&fresh_root, page));
}

/// Every thread file under `content/`, as (id, parent, replied_to) by file and id.
type Threads = BTreeMap<PathBuf, BTreeMap<String, (Option<String>, Option<String>)>>;

fn threads(root: &Path) -> Threads {
    content(root)
        .into_iter()
        .filter(|(path, _)| path.to_string_lossy().ends_with(".comments.yaml"))
        .map(|(path, bytes)| {
            let text = String::from_utf8(bytes).unwrap();
            let thread = rapport::threads::parse_thread(&text, &path).unwrap();
            let comments = thread
                .comments
                .into_iter()
                .map(|c| (c.id, (c.parent, c.replied_to)))
                .collect();
            (path, comments)
        })
        .collect()
}

/// `text` with every other occurrence of `from` replaced by `to`: an export in which
/// half the published comments were still held back.
fn every_other(text: &str, from: &str, to: &str) -> String {
    let mut out = String::new();
    for (i, part) in text.split(from).enumerate() {
        if i > 0 {
            out.push_str(if i % 2 == 1 { to } else { from });
        }
        out.push_str(part);
    }
    out
}

/// Imports `older` then `newer` into one site built from `files`, and `newer` alone
/// into another: their threads must be the same.
#[track_caller]
fn assert_converges(format: &str, files: &[(&str, &str)], older: &str, newer: &Path) {
    let site = SiteTest::with_files(files);
    site.write("older.xml", older);
    let root = site.root.clone();
    let run = |file: &Path| {
        site.run(&[
            "import",
            format,
            &file.to_string_lossy(),
            "--root",
            &root.to_string_lossy(),
        ])
        .success()
        .stdout
    };
    let first = run(&root.join("older.xml"));
    let second = run(newer);
    let fresh = SiteTest::with_files(files);
    fresh
        .run(&["import", format, &newer.to_string_lossy()])
        .success();
    assert!(second.contains("moved back under"), "{first}\n{second}");
    assert_eq!(threads(&root), threads(&fresh.root), "{first}\n{second}");
}

#[test]
fn real_threads_converge_after_held_comments_are_published() {
    let Some(real) = crate::harness::real_fixtures() else {
        return;
    };
    let empty = [("content/.keep", "")];
    for rel in ["wxr/wp-theme-unit-test.xml", "wxr/isso-tests.xml"] {
        let newer = real.file(rel);
        let text = std::fs::read_to_string(&newer).unwrap();
        let older = every_other(&text, "<wp:comment_approved>1<", "<wp:comment_approved>0<");
        assert_ne!(older, text);
        assert_converges("wordpress", &empty, &older, &newer);
    }
    let posts = [
        (
            "content/posts/frege-and-clojure.md",
            "---\ntitle: Frege\ndate: 2015-02-13\naliases: [/blog/2015/02/13/frege-and-clojure/]\n---\nx\n",
        ),
        (
            "content/posts/datafy-nav.md",
            "---\ntitle: Datafy\ndate: 2018-12-03\n---\nx\n",
        ),
    ];
    let newer = real.file("disqus/seancorfield-excerpt.xml");
    let text = std::fs::read_to_string(&newer).unwrap();
    let older = every_other(&text, "<isSpam>false<", "<isSpam>true<");
    assert_ne!(older, text);
    assert_converges("disqus", &posts, &older, &newer);
}

/// Every file of the site except its build, with its bytes.
fn site_files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path == root.join("public") {
                continue;
            } else if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).unwrap();
                files.insert(path.strip_prefix(root).unwrap().to_path_buf(), bytes);
            }
        }
    }
    files
}

#[test]
fn a_site_is_made_from_an_export_in_one_command() {
    let dir = SiteTest::empty();
    let blog = dir.root.join("blog");
    let out = import(&dir, &blog, "wordpress", "wordpress/blog.xml");
    assert!(out.contains("Created the site in"), "{out}");
    assert_eq!(
        read(&blog, "site.toml"),
        "title = \"Ann's Garden\"\nbase_url = \"https://old.example/\"\ndescription = \"Notes from a small garden & its visitors\"\nlanguage = \"fr-FR\"\ntaxonomies = [\"tags\", \"categories\"]\n\n[author]\nname = \"Ann Gardener\"\nwordpress_user_id = 1\n\n[permalinks]\nposts = \"/:year/:month/:day/:slug/\"\n"
    );
    // The export is the content: no starter post, page or thread beside it.
    let files: Vec<String> = site_files(&blog)
        .keys()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        files,
        [
            "content/about.md",
            "content/posts/hello-world.comments.yaml",
            "content/posts/hello-world.md",
            "content/posts/roses.md",
            "content/posts/tulips-maybe.md",
            "site.toml",
            "static/.gitkeep",
        ]
    );
    assert!(read(&blog, "content/posts/hello-world.md").contains("first post I wrote"));
    // The author's reply is recognised by the user id the new site.toml records.
    assert!(read(&blog, "content/posts/hello-world.comments.yaml").contains("role: author"));

    build(&dir, &blog);
    dir.run(&["check", "--root", &blog.to_string_lossy()])
        .success();
    let index = read(&blog, "public/index.html");
    assert!(index.contains("lang=\"fr-FR\""), "{index}");
    assert!(index.contains("<title>Ann&#39;s Garden</title>"), "{index}");

    // Importing the same export again finds the site and changes no byte.
    let before = site_files(&blog);
    let again = import(&dir, &blog, "wordpress", "wordpress/blog.xml");
    assert_eq!(site_files(&blog), before, "{again}");
    assert!(!again.contains("Created the site"), "{again}");
}

#[test]
fn an_export_by_several_authors_asks_whose_site_it_is() {
    let dir = SiteTest::empty();
    let file = export("wordpress/two-authors.xml");
    let import_as = |author: &[&str]| {
        let mut args = vec!["import", "wordpress", &file, "--root", "blog"];
        args.extend_from_slice(author);
        dir.run(&args)
    };
    let run = import_as(&[]).failure(1);
    assert_eq!(
        run.stderr,
        format!("error: {file}: the published posts have 2 authors, and a new site has one: ann (1 post), bob (1 post)\n  help: choose the site's author with --author LOGIN, e.g. --author ann; the posts of every author are imported\n")
    );
    assert!(!dir.root.join("blog").exists(), "nothing is written");

    assert_eq!(
        import_as(&["--author", "carl"]).failure(1).stderr,
        format!("error: {file}: the export has no author with the login \"carl\"\n  help: pass one of its authors' logins to --author: ann, bob\n")
    );

    import_as(&["--author", "bob"]).success();
    let blog = dir.root.join("blog");
    assert!(
        read(&blog, "site.toml").contains("[author]\nname = \"Bob & Co\"\nwordpress_user_id = 2\n"),
        "{}",
        read(&blog, "site.toml")
    );
    assert!(read(&blog, "site.toml").contains("base_url = \"https://two.example/blog/\"\n"));
    assert!(read(&blog, "content/posts/by-ann.md").contains("Ann's post."));
    assert!(read(&blog, "content/posts/by-bob.comments.yaml").contains("role: author"));
    build(&dir, &blog);
}

#[test]
fn a_disqus_export_into_a_folder_without_a_site_says_to_make_the_site_first() {
    let dir = SiteTest::empty();
    let file = export("disqus/owner.xml");
    let run = dir.run(&["import", "disqus", &file, "--root", "blog"]);
    assert_eq!(
        run.failure(1).stderr,
        "error: blog: no site here to add the Disqus comments to (there is no site.toml)\n  help: a Disqus export has comments but no posts: make the site first, from your WordPress export with `rapport import wordpress export.xml --root blog` or with `rapport init blog`, then import the Disqus export into it\n"
    );
    assert!(!dir.root.join("blog").exists());
}

#[test]
fn real_exports_make_sites_that_build_and_pass_check() {
    let Some(real) = crate::harness::real_fixtures() else {
        return;
    };
    for (rel, author) in [
        ("wxr/isso-tests.xml", None),
        ("wxr/wp-importer-commentmeta.xml", None),
        ("wxr/wp-theme-unit-test.xml", Some("themedemos")),
        ("wxr/wp2hugo-tuxproject.xml", None),
    ] {
        let dir = SiteTest::empty();
        let file = real.file(rel).to_string_lossy().into_owned();
        let mut args = vec!["import", "wordpress", &file, "--root", "blog"];
        args.extend(author.iter().flat_map(|a| ["--author", *a]));
        dir.run(&args).success();
        let blog = dir.root.join("blog");
        build(&dir, &blog);
        dir.run(&["check", "--root", "blog"]).success();
        let before = site_files(&blog);
        dir.run(&args).success();
        assert_eq!(site_files(&blog), before, "{rel}");
    }
}

/// The built roses post names the rose as its sharing image, at the site's address.
#[track_caller]
fn assert_shares_the_rose(blog: &Path) {
    let page = read(blog, "public/2019/05/21/roses/index.html");
    let meta = "<meta property=\"og:image\" content=\"https://old.example/wp-content/uploads/2019/05/rose.jpg\">";
    assert!(page.contains(meta), "{page}");
}

#[test]
fn a_featured_image_and_an_excerpt_were_left_behind() {
    let dir = SiteTest::empty();
    let blog = dir.root.join("blog");
    let out = import(&dir, &blog, "wordpress", "wordpress/blog.xml");
    let post = read(&blog, "content/posts/roses.md");
    assert!(
        post.contains("summary: \"<p>The first <em>roses</em> of the year.</p>\"\n"),
        "{post}"
    );
    assert!(
        post.contains(
            "extra:\n  wordpress_id: 21\n  image: \"https://old.example/wp-content/uploads/2019/05/rose.jpg\"\n"
        ),
        "{post}"
    );
    // A post without a featured image gets no image key.
    assert!(!read(&blog, "content/posts/hello-world.md").contains("image:"));
    assert!(!out.contains("featured image"), "{out}");

    build(&dir, &blog);
    assert_shares_the_rose(&blog);
    let index = read(&blog, "public/index.html");
    assert!(
        index.contains("The first <em>roses</em> of the year."),
        "{index}"
    );
}

#[test]
fn a_featured_image_missing_from_the_export_is_reported() {
    let site = SiteTest::empty();
    let text = std::fs::read_to_string(export("wordpress/blog.xml")).unwrap();
    site.write(
        "export.xml",
        &text.replace(
            "<wp:meta_value><![CDATA[20]]>",
            "<wp:meta_value><![CDATA[99]]>",
        ),
    );
    let out = site
        .run(&["import", "wordpress", "export.xml", "--root", "blog"])
        .success()
        .stdout;
    assert!(
        out.contains(
            "  1 featured image not in the export (attachment id not found): its post has no image\n"
        ),
        "{out}"
    );
    assert!(!read(&site.root.join("blog"), "content/posts/roses.md").contains("image:"));
}

/// `rapport import wordpress blog.xml --root blog ARGS` in `dir`.
fn import_blog(dir: &SiteTest, args: &[&str]) -> Run {
    let file = export("wordpress/blog.xml");
    let mut all = vec!["import", "wordpress", &file, "--root", "blog"];
    all.extend_from_slice(args);
    dir.run(&all)
}

/// A copy of the old blog's `wp-content/uploads` beside the site, with the files the
/// `blog.xml` export uses (each holding its own path) except `2019/06/gone.jpg`, and a
/// link that leads out of the folder.
fn uploads(dir: &SiteTest) -> PathBuf {
    let uploads = dir.root.join("old-uploads");
    for rel in [
        "2019/05/rose.jpg",
        "2019/05/rose-300x200.jpg",
        "2019/05/planting notes.pdf",
        "2018/06/bed.jpg",
        "2019/05/unused.jpg",
    ] {
        dir.write(&format!("old-uploads/{rel}"), rel);
    }
    dir.write("wp-config.php", "secret");
    dir.write("secret.txt", "secret");
    #[cfg(unix)]
    std::os::unix::fs::symlink(
        dir.root.join("secret.txt"),
        uploads.join("2019/05/outside.jpg"),
    )
    .unwrap();
    uploads
}

#[test]
fn images_stayed_on_the_old_host() {
    let dir = SiteTest::empty();
    let uploads = uploads(&dir);
    let import_with_uploads = || {
        import_blog(&dir, &["--uploads", "old-uploads"])
            .success()
            .stdout
    };
    let out = import_with_uploads();
    let blog = dir.root.join("blog");

    // Each file a post uses is copied where its old path keeps working, and no other.
    let copied: BTreeMap<String, String> = site_files(&blog)
        .into_iter()
        .filter_map(|(path, bytes)| {
            let rel = path.strip_prefix("static/wp-content/uploads").ok()?;
            Some((
                rel.to_string_lossy().into_owned(),
                String::from_utf8(bytes).unwrap(),
            ))
        })
        .collect();
    let expected: BTreeMap<String, String> = [
        "2018/06/bed.jpg",
        "2019/05/planting notes.pdf",
        "2019/05/rose-300x200.jpg",
        "2019/05/rose.jpg",
    ]
    .into_iter()
    .map(|rel| (rel.to_string(), rel.to_string()))
    .collect();
    assert_eq!(copied, expected, "{out}");

    // Their addresses point at the site: src, every srcset variant, links, the
    // featured image; another site's image and what was not found stay as they were.
    let post = read(&blog, "content/posts/roses.md");
    for local in [
        "src=\"/wp-content/uploads/2019/05/rose-300x200.jpg\"",
        "srcset=\"/wp-content/uploads/2019/05/rose-300x200.jpg 300w, /wp-content/uploads/2019/05/rose.jpg 1024w\"",
        "href=\"/wp-content/uploads/2019/05/planting%20notes.pdf\"",
        "src=\"/wp-content/uploads/2018/06/bed.jpg\"",
        "  image: \"/wp-content/uploads/2019/05/rose.jpg\"\n",
        "src=\"https://old.example/wp-content/uploads/2019/06/gone.jpg\"",
        "src=\"https://other.example/wp-content/uploads/2019/05/theirs.jpg\"",
    ] {
        assert!(post.contains(local), "{local}\n{post}");
    }
    assert!(
        out.contains("  media: 6 addresses now point at the site's copy in static/wp-content/uploads/ (4 files copied from old-uploads now)\n"),
        "{out}"
    );
    assert!(
        out.contains(
            "  4 media files not found in old-uploads, left pointing at the old site:
    https://old.example/wp-content/uploads/../../wp-config.php
    https://old.example/wp-content/uploads/2019/%2e%2e/%2e%2e/secret.txt
    https://old.example/wp-content/uploads/2019/05/outside.jpg
    https://old.example/wp-content/uploads/2019/06/gone.jpg
"
        ),
        "{out}"
    );
    assert!(!out.contains("still point"), "{out}");

    // The site builds, serves the files at their old paths, and check finds every one.
    build(&dir, &blog);
    dir.run(&["check", "--root", "blog"]).success();
    assert_eq!(
        read(
            &blog,
            "public/wp-content/uploads/2019/05/planting notes.pdf"
        ),
        "2019/05/planting notes.pdf"
    );
    assert_shares_the_rose(&blog);

    // A second import changes no byte, and the folder it read is as it was.
    let before = site_files(&blog);
    let again = import_with_uploads();
    assert_eq!(site_files(&blog), before, "{again}");
    assert_eq!(site_files(&uploads).len(), 6);
}

#[test]
fn without_uploads_the_report_counts_the_media_left_on_the_old_host() {
    let dir = SiteTest::empty();
    let blog = dir.root.join("blog");
    let out = import(&dir, &blog, "wordpress", "wordpress/blog.xml");
    assert!(
        out.contains("  10 media addresses in the new posts and pages still point at the old site (old.example): pass --uploads DIR, a copy of its wp-content/uploads, to copy the files into the site\n"),
        "{out}"
    );
    assert!(!blog.join("static/wp-content").exists());
}

#[test]
fn an_uploads_folder_that_is_not_there_is_refused_before_anything_is_written() {
    let dir = SiteTest::empty();
    let run = import_blog(&dir, &["--uploads", "wp-content/uploads"]).failure(1);
    assert_eq!(
        run.stderr,
        "error: wp-content/uploads: --uploads names no folder here\n  help: pass the copy of the old site's wp-content/uploads (the folder that holds the year folders, 2019/ …), or leave --uploads out to keep the media on the old site\n"
    );
    assert!(!dir.root.join("blog").exists());
}

#[test]
fn an_import_draws_no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = SiteTest::empty();
    let run = import_blog(&dir, &[]).success();
    assert_eq!(run.stderr, "");
    assert!(run.stdout.starts_with("Imported "), "{}", run.stdout);
}
