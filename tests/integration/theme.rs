//! The default theme as a reader meets it: the quiet line above a conversation, the
//! conversations page in the site's own words, comment links, tag addresses, code
//! colours.

use crate::harness::{default_template, select, text, texts, SiteTest};

const SITE_TOML: &str =
    "title = \"Test\"\nbase_url = \"https://example.org/\"\n\n[author]\nname = \"Pauline Stockhausen\"\n";
const POST: &str = "---\ntitle: Hello\ndate: 2015-03-01\n---\nHi.\n";

fn site_with_thread(thread: &str) -> SiteTest {
    let site = SiteTest::with_files(&[
        ("site.toml", SITE_TOML),
        ("content/posts/hello.md", POST),
        ("content/posts/hello.comments.yaml", thread),
    ]);
    site.build();
    site
}

fn comment(id: &str, parent: Option<&str>, author: &str, role: &str) -> String {
    let parent = parent.map_or(String::new(), |p| format!("    parent: \"{p}\"\n"));
    format!(
        "  - id: \"{id}\"\n{parent}    author: \"{author}\"\n    role: {role}\n    date: 2015-03-0{id}T10:00:00Z\n    body: \"Comment {id}\"\n"
    )
}

/// The one line shown above the thread, and whether the figures hide behind it.
fn quiet_line(site: &SiteTest) -> String {
    let html = site.html("posts/hello/index.html");
    let summary = select(&html, "details.engagement-details > summary");
    assert_eq!(summary.len(), 1, "the figures are one click away");
    assert!(
        select(&html, "details.engagement-details[open]").is_empty(),
        "closed by default"
    );
    text(&summary[0])
}

#[test]
fn an_eight_card_figures_grid_sat_above_every_conversation() {
    let mut thread = String::from("comments:\n");
    thread += &comment("1", None, "Fiona", "reader");
    thread += &comment("2", Some("1"), "Pauline Stockhausen", "author");
    thread += &comment("3", None, "Joel", "reader");
    thread += &comment("4", None, "Fiona", "reader");
    thread += &comment("5", Some("4"), "Pauline Stockhausen", "author");
    thread += &comment("6", Some("5"), "Linda", "reader");
    let site = site_with_thread(&thread);
    assert_eq!(
        quiet_line(&site),
        "4 comments from 3 readers · Pauline Stockhausen answered 2"
    );
    let html = site.html("posts/hello/index.html");
    let labels: Vec<String> = select(&html, ".engagement-figures dt")
        .iter()
        .map(text)
        .collect();
    for jargon in ["back-and-forth", "deepest exchange", "in conversation"] {
        assert!(
            labels.iter().all(|l| !l.to_lowercase().contains(jargon)),
            "{labels:?}"
        );
    }
    assert!(
        labels.contains(&"Reader comments answered".to_string()),
        "{labels:?}"
    );
}

#[test]
fn the_quiet_line_counts_one_reader_comment() {
    let thread = format!("comments:\n{}", comment("1", None, "Fiona", "reader"));
    assert_eq!(
        quiet_line(&site_with_thread(&thread)),
        "1 comment from 1 reader"
    );
}

#[test]
fn the_quiet_line_names_a_thread_of_author_comments_only() {
    let one = format!(
        "comments:\n{}",
        comment("1", None, "Pauline Stockhausen", "author")
    );
    assert_eq!(
        quiet_line(&site_with_thread(&one)),
        "1 comment, from Pauline Stockhausen"
    );
    let two = format!(
        "{one}{}",
        comment("2", None, "Pauline Stockhausen", "author")
    );
    assert_eq!(
        quiet_line(&site_with_thread(&two)),
        "2 comments, all from Pauline Stockhausen"
    );
}

#[test]
fn the_quiet_line_says_when_the_author_joined_without_answering() {
    let thread = format!(
        "comments:\n{}{}",
        comment("1", None, "Fiona", "reader"),
        comment("2", None, "Pauline Stockhausen", "author")
    );
    assert_eq!(
        quiet_line(&site_with_thread(&thread)),
        "1 comment from 1 reader · Pauline Stockhausen joined in"
    );
}

#[test]
fn a_post_without_comments_has_no_figures() {
    let site = site_with_thread("comments: []\n");
    let html = site.html("posts/hello/index.html");
    assert!(select(&html, ".engagement-details").is_empty());
    assert_eq!(text(&select(&html, ".no-comments")[0]), "No comments yet.");
}

fn engagement_intro(site: &SiteTest) -> String {
    let html = site.html("engagement/index.html");
    text(&select(&html, ".engagement-intro")[0])
}

#[test]
fn the_conversations_page_said_it_isnt_about_the_numbers_on_every_site() {
    let site = site_with_thread("comments: []\n");
    assert_eq!(
        engagement_intro(&site),
        "The posts readers talked about most, the readers who keep coming back, and how often Pauline Stockhausen answered."
    );
    site.write(
        "site.toml",
        &format!("{SITE_TOML}\n[strings]\nconversations_intro = \"Where we talked <a lot>.\"\n"),
    );
    site.build();
    assert_eq!(engagement_intro(&site), "Where we talked <a lot>.");
    assert!(site
        .read("engagement/index.html")
        .contains("Where we talked &lt;a lot&gt;."));
}

/// `[strings] conversations_intro` words the introduction; `[engagement] intro` did
/// too, and which won was not written anywhere.
#[test]
fn the_conversations_page_intro_had_two_owners() {
    let site = site_with_thread("comments: []\n");
    site.write(
        "site.toml",
        &format!("{SITE_TOML}\n[strings]\nconversations_intro = \"Ours.\"\n\n[engagement]\nintro = \"Where we talked.\"\n"),
    );
    assert_eq!(
        site.build_error(),
        "error: site.toml:11: the Conversations page's introduction is written under [strings], as conversations_intro, like every word of the pages\n  help: remove `intro` from [engagement] and write under [strings]: conversations_intro = \"Where we talked.\"\n"
    );
}

#[test]
fn the_reply_rate_chart_had_tiny_labels_no_values_and_empty_months() {
    // Comments in January and April: February and March had none.
    let thread = "comments:\n  - id: \"1\"\n    author: Fiona\n    date: 2015-01-05T10:00:00Z\n    body: Hi\n  - id: \"2\"\n    parent: \"1\"\n    role: author\n    date: 2015-01-06T10:00:00Z\n    body: Hello\n  - id: \"3\"\n    author: Joel\n    date: 2015-04-05T10:00:00Z\n    body: Late\n  - id: \"4\"\n    author: Linda\n    date: 2015-04-06T10:00:00Z\n    body: Later\n";
    let site = site_with_thread(thread);
    let html = site.html("engagement/index.html");
    let rows: Vec<(String, String, String)> = select(&html, ".reply-rate-table tbody tr")
        .iter()
        .map(|row| {
            let cell = |s: &str| {
                let selector = scraper::Selector::parse(s).unwrap();
                text(&row.select(&selector).next().unwrap())
            };
            (cell("th"), cell("td"), cell(".rate-value"))
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("January 2015".into(), "1 of 1".into(), "100%".into()),
            ("April 2015".into(), "0 of 2".into(), "0%".into()),
        ]
    );
    // Labels and values are text of the page, not of a picture scaled to the screen.
    assert!(select(&html, "svg text").is_empty());
    // A month's name ("November 2015") may wrap on a phone, so that the bars keep room.
    let css = site.read("style.css");
    assert!(css.contains(".reply-rate-table th[scope=\"row\"] { white-space: normal; }"));
}

#[test]
fn a_regulars_dates_wrapped_inside_their_brackets() {
    let site = SiteTest::with_files(&[
        ("site.toml", SITE_TOML),
        ("content/posts/a.md", POST),
        ("content/posts/b.md", POST),
        (
            "content/posts/a.comments.yaml",
            "comments:\n  - id: \"1\"\n    author: Joel\n    date: 2015-11-05T10:00:00Z\n    body: Hi\n",
        ),
        (
            "content/posts/b.comments.yaml",
            "comments:\n  - id: \"1\"\n    author: Joel\n    date: 2015-11-06T10:00:00Z\n    body: Hi\n",
        ),
    ]);
    site.build();
    let html = site.html("engagement/index.html");
    let mut dates: Vec<String> = select(&html, ".regulars .comment-dates")
        .iter()
        .map(text)
        .collect();
    dates.sort();
    assert_eq!(dates, ["(5 November 2015)", "(6 November 2015)"]);
    assert_eq!(select(&html, ".regulars .comment-dates time").len(), 2);
    let css = site.read("style.css");
    assert!(css.contains(".regulars .comment-dates time { white-space: nowrap; }"));
}

#[test]
fn init_without_a_folder_said_created_a_new_site_in_dot_dot() {
    let site = SiteTest::empty();
    let out = site.run(&["init"]).success().stdout;
    let here = site.root.canonicalize().unwrap();
    assert_eq!(
        out,
        format!(
            "Created a new site in this folder ({}). Build it with: rapport build\n",
            here.display()
        )
    );
    let named = SiteTest::empty();
    let out = named.run(&["init", "my-blog"]).success().stdout;
    assert_eq!(
        out,
        "Created a new site in my-blog. Build it with: rapport build --root my-blog\n"
    );
}

#[test]
fn a_draft_marker_was_plain_text_beside_a_pill() {
    let site = SiteTest::with_files(&[
        ("site.toml", SITE_TOML),
        (
            "content/posts/hello.md",
            "---\ntitle: Hello\ndate: 2015-03-01\ndraft: true\n---\nHi.\n",
        ),
    ]);
    site.run(&["build", "--drafts"]).success();
    let html = site.html("posts/hello/index.html");
    assert_eq!(text(&select(&html, ".post-meta .draft-marker")[0]), "draft");
    let css = site.read("style.css");
    let pills = css
        .split('}')
        .find(|rule| rule.contains("border-radius: 999px"))
        .unwrap();
    assert!(pills.contains(".draft-marker"), "{pills}");
}

/// The body of comment 1 of a post whose only comment says `body`.
fn comment_body_of(body: &str) -> (SiteTest, String) {
    let thread = format!(
        "comments:\n  - id: \"1\"\n    author: Fiona\n    body: {}\n",
        serde_json::to_string(body).unwrap()
    );
    let site = site_with_thread(&thread);
    let html = site.read("posts/hello/index.html");
    let start = html.find("<div class=\"comment-body\">").unwrap();
    let end = start + html[start..].find("</div>").unwrap();
    let body = html[start..end].to_string();
    (site, body)
}

#[test]
fn a_neutralised_javascript_link_still_looked_like_a_link() {
    let (site, body) = comment_body_of(
        "Try [this](javascript:alert(1)) or <a href=\"JavaScript:x\" title=\"t\">that</a>.",
    );
    let html = site.html("posts/hello/index.html");
    assert!(select(&html, ".comment-body a").is_empty(), "{body}");
    assert_eq!(
        text(&select(&html, ".comment-body")[0]),
        "Try this or that."
    );
}

#[test]
fn bare_addresses_in_comments_were_not_linked() {
    let (site, body) = comment_body_of(
        "See https://example.org/a_b?x=1&y=2. Or http://e.org, not `https://code.example/`, \
         ftp://files.example/, javascript:alert(1) or www.example.com; [named](https://n.example/) stays.",
    );
    let html = site.html("posts/hello/index.html");
    let links: Vec<(String, String, String)> = select(&html, ".comment-body a")
        .iter()
        .map(|a| {
            (
                a.attr("href").unwrap().to_string(),
                a.attr("rel").unwrap_or_default().to_string(),
                text(a),
            )
        })
        .collect();
    let rel = "nofollow ugc noopener".to_string();
    assert_eq!(
        links,
        [
            (
                "https://example.org/a_b?x=1&y=2".into(),
                rel.clone(),
                "https://example.org/a_b?x=1&y=2".into()
            ),
            ("http://e.org".into(), rel.clone(), "http://e.org".into()),
            ("https://n.example/".into(), rel, "named".into()),
        ],
        "{body}"
    );
    assert!(
        body.contains("<code>https://code.example/</code>"),
        "{body}"
    );
}

#[test]
fn a_bare_address_cannot_break_out_of_its_attribute() {
    let (site, body) = comment_body_of(
        "https://e.org/\"onmouseover=\"alert(1) and https://e.org/<script>x</script>",
    );
    assert!(!body.contains("onmouseover=\""), "{body}");
    assert!(!body.contains("<script"), "{body}");
    let html = site.html("posts/hello/index.html");
    for a in select(&html, ".comment-body a") {
        assert!(a.attr("href").unwrap().starts_with("https://e.org/"));
        assert_eq!(a.attr("rel"), Some("nofollow ugc noopener"));
        assert_eq!(a.value().attrs().count(), 2, "{body}");
    }
}

fn tagged(tags: &[(&str, &str)]) -> SiteTest {
    let mut files = vec![("site.toml".to_string(), SITE_TOML.to_string())];
    for (slug, tag) in tags {
        files.push((
            format!("content/posts/{slug}.md"),
            format!("---\ntitle: On {tag}\ndate: 2015-03-01\ntags: [\"{tag}\"]\n---\nHi.\n"),
        ));
    }
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let site = SiteTest::with_files(&files);
    site.build();
    site
}

#[test]
fn the_tag_c_plus_plus_got_the_slug_c() {
    let site = tagged(&[("c", "C"), ("cpp", "C++"), ("cs", "C#"), ("fs", "F#")]);
    for (file, name) in [
        ("tags/c/index.html", "C"),
        ("tags/c-plus-plus/index.html", "C++"),
        ("tags/c-sharp/index.html", "C#"),
        ("tags/f-sharp/index.html", "F#"),
    ] {
        let html = site.html(file);
        let titles: Vec<String> = select(&html, ".post-summary-title")
            .iter()
            .map(text)
            .collect();
        assert_eq!(titles, [format!("On {name}")], "{file}");
    }
    let html = site.html("posts/cpp/index.html");
    assert_eq!(
        select(&html, ".tag-list a")[0].attr("href"),
        Some("/tags/c-plus-plus/")
    );
}

#[test]
fn a_tags_former_address_sends_readers_to_its_new_one() {
    // Without a tag C, C++'s former address /tags/c/ redirects to its list.
    let site = tagged(&[("cpp", "C++")]);
    let html = site.html("tags/c/index.html");
    let refresh = select(&html, "meta[http-equiv=refresh]");
    assert_eq!(
        refresh[0].attr("content"),
        Some("0; url=https://example.org/tags/c-plus-plus/")
    );
    // With one, the address is the tag C's own.
    let site = tagged(&[("c", "C"), ("cpp", "C++")]);
    assert!(select(&site.html("tags/c/index.html"), "meta[http-equiv=refresh]").is_empty());
}

#[test]
fn code_colours_are_chosen_for_light_and_dark_in_site_toml() {
    let site = SiteTest::with_files(&[
        (
            "site.toml",
            &format!("{SITE_TOML}\n[highlight]\nlight = \"InspiredGitHub\"\ndark = \"Solarized (dark)\"\n"),
        ),
        (
            "content/posts/hello.md",
            "---\ntitle: Hello\ndate: 2015-03-01\n---\n```rust\nfn main() {}\n```\n",
        ),
    ]);
    site.build();
    let html = site.html("posts/hello/index.html");
    let sheets: Vec<&str> = select(&html, "link[rel=stylesheet]")
        .iter()
        .map(|l| l.attr("href").unwrap())
        .collect();
    assert_eq!(sheets, ["/style.css", "/highlight.css"]);
    assert!(!select(&html, "pre.code span[class^=hl-]").is_empty());
    let css = site.read("highlight.css");
    let dark = css.find("@media (prefers-color-scheme: dark)").unwrap();
    let light = css
        .find("@media not all and (prefers-color-scheme: dark)")
        .unwrap();
    assert!(css[light..dark].contains("InspiredGitHub"), "{css}");
    assert!(css[dark..].contains("Solarized"), "{css}");

    // Without [highlight], the theme's own colours and no extra file.
    let plain = site_with_thread("comments: []\n");
    assert!(!plain.exists("highlight.css"));
    assert_eq!(
        select(
            &plain.html("posts/hello/index.html"),
            "link[rel=stylesheet]"
        )
        .len(),
        1
    );
}

#[test]
fn an_unknown_code_theme_is_named_at_its_line() {
    let site = SiteTest::with_files(&[(
        "site.toml",
        &format!("{SITE_TOML}\n[highlight]\ndark = \"Dracula\"\n"),
    )]);
    let err = site.build_error();
    assert!(
        err.starts_with(
            "error: site.toml:8: there is no code theme called \"Dracula\"\n  help: use one of \""
        ),
        "{err}"
    );
}

#[test]
fn the_deepest_exchange_was_quoted_at_depth_n() {
    let mut thread = String::from("comments:\n");
    thread += &comment("1", None, "Fiona", "reader");
    thread += &comment("2", Some("1"), "Pauline Stockhausen", "author");
    let site = site_with_thread(&thread);
    let html = site.html("engagement/index.html");
    assert_eq!(
        text(&select(&html, ".exchange-excerpt footer a")[0]),
        "Pauline Stockhausen (author), at the end of a chain of 2 comments"
    );
}

#[test]
fn a_regular_s_comments_on_one_post_read_as_several_posts() {
    let joel = |id: &str, day: u32| {
        format!("  - id: \"{id}\"\n    author: Joel\n    date: 2015-11-{day:02}T10:00:00Z\n    body: Hi\n")
    };
    let site = SiteTest::with_files(&[
        ("site.toml", SITE_TOML),
        ("content/posts/a.md", POST),
        ("content/posts/b.md", POST),
        (
            "content/posts/a.comments.yaml",
            &format!("comments:\n{}{}", joel("1", 5), joel("2", 6)),
        ),
        (
            "content/posts/b.comments.yaml",
            &format!("comments:\n{}", joel("1", 7)),
        ),
    ]);
    site.build();
    let html = site.html("engagement/index.html");
    let items: Vec<String> = select(&html, ".regulars > li > ul > li")
        .iter()
        .map(text)
        .collect();
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(items.contains(&"Hello (5 November 2015, 6 November 2015)".to_string()));
    // The title links to the first comment, each later date to its own.
    let links: Vec<&str> = select(&html, ".regulars > li > ul > li a")
        .iter()
        .map(|a| a.attr("href").unwrap())
        .collect();
    assert!(links.contains(&"/posts/a/#comment-2"), "{links:?}");
}

#[test]
fn the_conversations_page_quoted_a_chain_of_1_comments() {
    let site = site_with_thread(
        "comments:\n  - id: \"1\"\n    author: Joel\n    date: 2015-03-02T10:00:00Z\n    body: Bravo\n",
    );
    let html = site.html("engagement/index.html");
    assert_eq!(
        text(&select(&html, ".exchange-excerpt footer")[0]),
        "— Joel"
    );
}

#[test]
fn the_page_not_found_offered_no_search() {
    let site = site_with_thread("comments: []\n");
    let html = site.html("404.html");
    let links: Vec<&str> = select(&html, ".not-found a")
        .iter()
        .map(|a| a.attr("href").unwrap())
        .collect();
    assert_eq!(links, ["/", "/tags/", "/search/"]);
}

#[test]
fn a_post_s_reading_time_began_a_line_with_a_dot_on_a_phone() {
    let site = SiteTest::with_files(&[
        ("site.toml", SITE_TOML),
        (
            "content/posts/hello.md",
            "---\ntitle: Hello\ndate: 2015-03-01\nupdated: 2015-04-01\n---\nHi.\n",
        ),
        (
            "content/posts/undated.md",
            "---\ntitle: Undated\ndraft: true\n---\nHi.\n",
        ),
    ]);
    site.run(&["build", "--drafts"]).success();
    let meta = |rel: &str| text(&select(&site.html(rel), ".post-header .post-meta")[0]);
    // The separator stays with the date: the parts that may wrap are the whole
    // "(updated …)" and the draft marker.
    assert_eq!(
        meta("posts/hello/index.html"),
        "1 March 2015 · 1 min read (updated 1 April 2015)"
    );
    assert_eq!(meta("posts/undated/index.html"), "1 min read draft");
}

/// The default theme writes its lists of posts in Rust (`posts_html`, printed by
/// `partials/post-list.html`), for speed; the loop it ships for themes to copy
/// (`partials/post-list-loop.html`, the `post_list` macro), copied over a site's
/// `templates/partials/post-list.html`, must give the very same pages: the index and
/// its pages, tag and category pages, in English and French, with drafts shown, with
/// comment counts and the mark of a conversation, and a post whose title needs
/// escaping.
#[test]
fn the_ready_made_post_lists_equal_the_template_loop() {
    let shipped_loop = default_template("partials/post-list-loop.html");
    assert!(shipped_loop.contains("m::post_list(posts=posts)"));
    let odd_post = "---\ntitle: \"Tom & Jerry's <b>\\\"best\\\"</b> / worst\"\ndate: 2024-05-01\ntags: [\"C++ & co\"]\n---\nA body with **bold**.\n";
    let variants = [
        ("site/basic", true),
        ("a11y", false),
        ("french", false),
        ("taxonomies/blog", false),
        ("engagement/ranking", false),
    ];
    let (mut counted, mut in_conversation) = (false, false);
    for (fixture, drafts) in variants {
        let build = |with_loop: bool| {
            let site = SiteTest::fixture(fixture);
            site.write("content/posts/odd-title.md", odd_post);
            if with_loop {
                site.write("templates/partials/post-list.html", &shipped_loop);
            }
            let args: &[&str] = if drafts {
                &["build", "--drafts"]
            } else {
                &["build"]
            };
            site.run(args).success();
            site
        };
        let (ready_made, with_loop) = (build(false), build(true));
        let lists: Vec<String> = walkdir::WalkDir::new(ready_made.root.join("public"))
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.file_name() == "index.html")
            .map(|e| {
                let rel = e.path().strip_prefix(ready_made.root.join("public"));
                rel.unwrap().to_string_lossy().into_owned()
            })
            .filter(|rel| {
                let html = ready_made.read(rel);
                html.contains("<ol class=\"post-list\">") || html.contains("class=\"no-posts\"")
            })
            .collect();
        assert!(lists.len() >= 2, "{fixture}: {lists:?}");
        for rel in &lists {
            assert_eq!(ready_made.read(rel), with_loop.read(rel), "{fixture} {rel}");
        }
        let marked = |mark: &str| lists.iter().any(|rel| ready_made.read(rel).contains(mark));
        assert!(!drafts || marked("draft-marker"), "{fixture}");
        assert!(marked("Tom &amp; Jerry"), "{fixture}");
        counted |= marked("comment-count");
        in_conversation |= marked("conversation-marker");
    }
    assert!(counted && in_conversation);
}

/// A site that changes the `post_list` macro in a `macros.html` of its own sees its
/// markup on every list page, as before the default theme drew its lists in Rust.
#[test]
fn a_site_changing_the_post_list_macro_sees_it_on_list_pages() {
    changed_template_shows(
        "macros.html",
        &["templates/macros.html"],
        (
            "<li class=\"post-summary\">",
            "<li class=\"post-summary mine\">",
        ),
        &["index.html"],
    );
}

/// Builds `site/basic` with the default theme's template `name` changed (`from`
/// replaced by `to`) written at each of `paths`, and asserts that each of `pages`
/// shows the change, and shows `from` on the site as it is.
#[track_caller]
fn changed_template_shows(name: &str, paths: &[&str], (from, to): (&str, &str), pages: &[&str]) {
    let default = default_template(name);
    let mine = default.replace(from, to);
    assert_ne!(mine, default);
    let site = SiteTest::fixture("site/basic");
    for path in paths {
        site.write(path, &mine);
    }
    site.build();
    let plain = SiteTest::fixture("site/basic");
    plain.build();
    for page in pages {
        assert!(site.read(page).contains(to), "{page}");
        assert!(plain.read(page).contains(from), "{page}");
    }
}

/// The pages of posts and of lists of posts of a site whose templates are all the
/// default theme's are written in Rust (`render::default_theme`), for speed; drawn by
/// tera from the very same templates (here, a `base.html` with an inert
/// `{% if false %}` tag added, which sends every page through tera), every page must
/// be the same bytes: in English and French, with drafts, categories, figures,
/// related posts and neighbours, pagination, and on a site using every part of the
/// layout (description, favicon, author links, three feed formats, a menu, code
/// colours, a sharing image, a webmention endpoint, "Reply by email") with a post
/// showing its contents, an update date, "Reply on Mastodon", reactions and an
/// escaped title.
#[test]
fn the_ready_made_pages_equal_the_templates() {
    let through_tera = default_template("base.html") + "{% if false %}never{% endif %}";
    let variants = [
        ("site/basic", true),
        ("a11y", false),
        ("french", false),
        ("taxonomies/blog", false),
        ("engagement/ranking", false),
        ("site/basic", false),
        ("site/basic", true),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (n, (fixture, drafts)) in variants.into_iter().enumerate() {
        let build = |with_tera: bool| {
            let site = SiteTest::fixture(fixture);
            if n == 5 {
                dress_up(&site);
            }
            if n == 6 {
                print_nothing(&site);
            }
            if with_tera {
                site.write("templates/base.html", &through_tera);
            }
            let args: &[&str] = if drafts {
                &["build", "--drafts"]
            } else {
                &["build"]
            };
            site.run(args).success();
            site
        };
        let (ready_made, with_tera) = (build(false), build(true));
        let public = ready_made.root.join("public");
        let pages: Vec<String> = walkdir::WalkDir::new(&public)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
            .map(|e| {
                let rel = e.path().strip_prefix(&public).unwrap();
                rel.to_string_lossy().into_owned()
            })
            .collect();
        let drawn = |mark: &str| pages.iter().any(|rel| ready_made.read(rel).contains(mark));
        assert!(drawn("<article class=\"post\">"), "{fixture}");
        assert!(drawn("<ol class=\"post-list\">"), "{fixture}");
        for rel in &pages {
            let html = ready_made.read(rel);
            assert_eq!(html, with_tera.read(rel), "{fixture} {rel}");
            for mark in [
                "draft-marker",
                "category-list",
                "related-posts",
                "rel=\"prev\"",
                "lang=\"fr\"",
                "class=\"toc\"",
                "class=\"updated\"",
                "class=\"reactions\"",
                "class=\"reply-elsewhere\"",
                "image/svg+xml",
                "rel=\"webmention\"",
                "og:image",
                "(RSS)",
                "class=\"author-links\"",
                "engagement-figures",
                "class=\"no-comments\"",
                "Tom &amp; Jerry",
                "class=\"pagination\"",
                "aria-current=\"true\"",
            ] {
                if html.contains(mark) {
                    seen.insert(mark);
                }
            }
        }
    }
    assert_eq!(
        seen.len(),
        19,
        "parts of the pages never drawn: only {seen:?}"
    );
}

/// Values made only of characters no page may hold (C0 controls, U+FFFE, U+FFFF) on
/// `site` (a copy of `site/basic`): a template tests and compares a value as it prints
/// it, without them, so such a title, description, author, menu address or word is
/// no title, description, author, address or word at all.
fn print_nothing(site: &SiteTest) {
    // `is ending_with` takes the address as it is: this icon is no SVG to it.
    site.write(
        "static/a.svg\u{fffe}",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write(
        "site.toml",
        "title = \"Basic\"\nbase_url = \"https://example.org/\"\nfavicon = \"a.svg\\uFFFE\"\ndescription = \"\\u0001\\uFFFF\"\nposts_per_page = 1\n\n[author]\nname = \"\\u0002\"\n\n[[menu]]\nname = \"Home\"\nurl = \"/\\u0001\"\n\n[[menu]]\nname = \"Second\"\nurl = \"/posts/sec\\uFFFFond/\"\n\n[strings]\nposts_page = \"\\u0007\"\ntagged = \"\\uFFFE\"\nhours = \"\\u0001\"\n",
    );
    site.write(
        "content/posts/blank.md",
        "---\ntitle: \"\\x01\"\ndate: 2021-01-05\ntags: [Life]\n---\nHi.\n",
    );
    site.write(
        "content/posts/blank.comments.yaml",
        "comments:\n  - id: \"1\"\n    author: \"R\"\n    date: 2021-01-05T10:00:00Z\n    via: \"\\x01\"\n    warning: \"\\x02\"\n    body: \"Hi\"\n  - id: \"2\"\n    parent: \"1\"\n    role: author\n    date: 2021-01-05T13:00:00Z\n    body: \"Thanks\"\n",
    );
}

/// Every part of the default layout and post page in use on `site` (a copy of
/// `site/basic`).
fn dress_up(site: &SiteTest) {
    site.write(
        "site.toml",
        "title = \"Basic & Co\"\nbase_url = \"https://example.org/\"\ndescription = \"Notes & <asides>\"\nposts_per_page = 2\ntaxonomies = [\"tags\", \"categories\"]\nfavicon = \"favicon.svg\"\n\n[author]\nname = \"Pauline Stockhausen\"\nlinks = [\"https://social.example/@pauline/\"]\n\n[comments]\nreply_email = \"pauline@example.org\"\n\n[feeds]\nformats = [\"atom\", \"rss\", \"json\"]\n\n[[menu]]\nname = \"Now\"\nurl = \"/now/\"\n\n[highlight]\nlight = \"InspiredGitHub\"\n\n[fetch]\nwebmention_io = { domain = \"example.org\" }\n\n[extra]\nimage = \"/images/card.png\"\n",
    );
    site.write(
        "static/favicon.svg",
        "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
    );
    site.write(
        "content/posts/odd.md",
        "---\ntitle: \"Tom & Jerry's <b>\\\"best\\\"</b>\"\ndate: 2021-02-01\nupdated: 2021-03-01T10:00:00Z\ntoc: true\ntags: [Life]\ncategories: [Notes]\nsyndication: [\"https://mastodon.example/@pauline/1\"]\n---\n## One\n\nText.\n\n### One & a half\n\n## Two\n\nMore.\n",
    );
    site.write(
        "content/posts/odd.comments.yaml",
        "reactions:\n  likes: [\"a\", \"b\"]\n  reposts: [\"c\"]\ncomments:\n  - id: \"1\"\n    author: \"Joel\"\n    date: 2021-02-02T10:00:00Z\n    body: \"Bravo\"\n  - id: \"2\"\n    parent: \"1\"\n    author: \"Pauline Stockhausen\"\n    role: author\n    date: 2021-02-02T12:00:00Z\n    body: \"Thanks\"\n  - id: \"3\"\n    parent: \"2\"\n    author: \"Joel\"\n    date: 2021-02-03T12:00:00Z\n    body: \"More\"\n",
    );
}

/// A site's own `templates/default/base.html` (which takes the built-in one's name) is
/// not taken for the default theme's: a site changing `base.html` sees its change on
/// posts and lists whatever it keeps under `default/`.
#[test]
fn a_site_copy_under_default_does_not_pass_for_the_default_theme() {
    changed_template_shows(
        "base.html",
        &["templates/base.html", "templates/default/base.html"],
        (
            "<main id=\"main\" class=\"content\">",
            "<main id=\"main\" class=\"content mine\">",
        ),
        &[
            "index.html",
            "posts/first/index.html",
            "tags/life/index.html",
            "404.html",
        ],
    );
}

/// A site changing a template the post page reaches sees its change on every post,
/// as before the default theme wrote its posts in Rust.
#[test]
fn a_site_changing_the_conversation_template_sees_it_on_posts() {
    changed_template_shows(
        "thread.html",
        &["templates/thread.html"],
        (
            "<section class=\"conversation\"",
            "<section class=\"conversation mine\"",
        ),
        &["posts/first/index.html"],
    );
}

/// The navigation marks the page a reader is on, whatever the site's address holds:
/// on a base URL with `&` and `'`, the Conversations and Search links were never
/// marked (the template compared the page's path, escaped, with an address that was
/// not).
#[test]
fn the_conversations_and_search_links_are_marked_on_a_base_path_with_ampersands() {
    let site = SiteTest::with_files(&[
        (
            "site.toml",
            "title = \"T\"\nbase_url = \"https://example.org/a&b'c/\"\n",
        ),
        ("content/posts/hello.md", POST),
    ]);
    site.build();
    for (page, label) in [
        ("engagement/index.html", "Conversations"),
        ("search/index.html", "Search"),
    ] {
        let current = texts(&site.html(page), ".site-nav a[aria-current=\"page\"]");
        assert_eq!(current, [label], "{page}");
    }
    let current = texts(
        &site.html("index.html"),
        ".site-nav a[aria-current=\"page\"]",
    );
    assert_eq!(current, ["Posts"]);
}
