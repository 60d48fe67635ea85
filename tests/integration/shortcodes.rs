//! WordPress shortcodes in imported posts: `rapport init blog`, then `rapport import
//! wordpress shortcodes.xml --root blog`, then `rapport build`; asserts on the built
//! post and on the import's report.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::harness::{fixtures_dir, select, text, SiteTest};

const EXPORT: &str = "import/wordpress/shortcodes.xml";

/// `rapport init blog` in an empty folder, then the import; returns its stdout.
fn imported() -> (SiteTest, PathBuf, String) {
    let dir = SiteTest::empty();
    dir.run(&["init", "blog"]).success();
    let blog = dir.root.join("blog");
    let report = import(&dir, &blog);
    (dir, blog, report)
}

#[track_caller]
fn import(dir: &SiteTest, blog: &Path) -> String {
    let export = fixtures_dir().join(EXPORT);
    dir.run(&[
        "import",
        "wordpress",
        &export.to_string_lossy(),
        "--root",
        &blog.to_string_lossy(),
    ])
    .success()
    .stdout
}

fn built_post(dir: &SiteTest, blog: &Path) -> scraper::Html {
    dir.run(&["build", "--root", &blog.to_string_lossy()])
        .success();
    let page = std::fs::read_to_string(blog.join("public/posts/shortcodes-tour/index.html"))
        .expect("the imported post is built");
    scraper::Html::parse_document(&page)
}

#[test]
fn shortcodes_become_figures_galleries_links_media_and_highlighted_code() {
    let (dir, blog, _) = imported();
    let html = built_post(&dir, &blog);

    let captions: Vec<String> = select(&html, "figure.wp-caption figcaption")
        .iter()
        .map(text)
        .collect();
    assert_eq!(captions, ["Minou & the sun", "Click to enlarge"]);
    assert_eq!(select(&html, "figure.wp-caption > img[alt=Cat]").len(), 1);
    assert_eq!(
        select(&html, "figure.wp-caption > a > img[alt='Linked cat']").len(),
        1
    );

    let galleries = select(&html, "figure.gallery");
    assert_eq!(galleries.len(), 2);
    let gallery: Vec<(String, String)> = galleries[0]
        .select(&scraper::Selector::parse("img").unwrap())
        .map(|img| {
            let attr = |name| img.value().attr(name).unwrap_or_default().to_string();
            (attr("src"), attr("alt"))
        })
        .collect();
    assert_eq!(
        gallery,
        [
            (
                "https://old.example/wp-content/uploads/2016/05/cat.jpg".to_string(),
                "Minou, May 2016".to_string()
            ),
            (
                "https://old.example/wp-content/uploads/2016/05/beach.jpg".to_string(),
                "Beach \"at noon\"".to_string()
            ),
        ]
    );

    let attached: Vec<&str> = galleries[1]
        .select(&scraper::Selector::parse("img").unwrap())
        .filter_map(|img| img.value().attr("src"))
        .collect();
    assert_eq!(
        attached,
        [
            "https://old.example/wp-content/uploads/2016/05/beach.jpg",
            "https://old.example/wp-content/uploads/2016/05/cat.jpg"
        ],
        "[gallery] without ids: the post's attachments in menu order"
    );

    for url in [
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "https://vimeo.com/76979871",
    ] {
        let links = select(&html, &format!("a[href='{url}']"));
        assert_eq!(links.len(), 1, "{url}");
        assert_eq!(text(&links[0]), url);
    }
    assert!(select(&html, "iframe").is_empty());

    let audio = select(&html, "audio[controls]");
    assert_eq!(
        audio[0].value().attr("src"),
        Some("https://old.example/wp-content/uploads/2016/05/song.mp3")
    );
    let video = select(&html, "video[controls]");
    assert_eq!(video.len(), 1, "the javascript: video is not an element");
    assert_eq!(
        video[0].value().attr("src"),
        Some("https://old.example/wp-content/uploads/2016/05/clip.mp4")
    );

    let python = select(&html, "pre.code[data-lang=python] code");
    assert_eq!(python.len(), 1);
    assert!(!select(&html, "pre[data-lang=python] span[class^=hl-]").is_empty());
    assert_eq!(
        python[0].text().collect::<String>(),
        "def greet(name):\n    if name < \"m\":\n\n        print(\"[caption]not a caption[/caption]\")\n"
    );
    assert_eq!(select(&html, "pre.code[data-lang=rust]").len(), 1);

    let body: String = select(&html, "article").iter().map(text).collect();
    assert!(body.contains("[contact-form subject=\"Hello\"]"), "{body}");
    assert!(body.contains("Written as text: [gallery]."), "{body}");
    assert_eq!(
        body.matches("[caption]").count(),
        1,
        "only the one in the code"
    );
}

#[test]
fn attribute_values_from_the_export_are_escaped_and_scripts_never_linked() {
    let (dir, blog, _) = imported();
    built_post(&dir, &blog);
    let page =
        std::fs::read_to_string(blog.join("public/posts/shortcodes-tour/index.html")).unwrap();
    let html = scraper::Html::parse_document(&page);
    for element in select(&html, "[src], [href]") {
        for attr in ["src", "href"] {
            let url = element.value().attr(attr).unwrap_or_default();
            assert!(!url.contains("javascript:"), "{url}");
        }
    }
    assert!(
        page.contains("[video src=\"javascript:alert(1)\"]"),
        "left as text: {page}"
    );
    assert!(!page.contains("\"onmouseover"), "{page}");
    assert!(
        page.contains("aligncenter&quot;onmouseover=&quot;x"),
        "{page}"
    );
}

#[test]
fn unknown_shortcodes_and_missing_gallery_images_are_in_the_report() {
    let (_dir, _blog, report) = imported();
    assert!(
        report.contains(
            "shortcodes left as text (rapport does not know them): [contact-field] ×1, [contact-form] ×2"
        ),
        "{report}"
    );
    assert!(
        report.contains("1 gallery image not in the export"),
        "{report}"
    );
}

#[test]
fn reimporting_the_same_export_changes_no_byte() {
    let (dir, blog, _) = imported();
    let before = files(&blog.join("content"));
    import(&dir, &blog);
    assert_eq!(files(&blog.join("content")), before);
}

fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files(&path));
        } else {
            let bytes = std::fs::read(&path).unwrap();
            out.insert(path, bytes);
        }
    }
    out
}
