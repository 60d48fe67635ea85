//! Conversations on the page: the markup contract (`id="comment-<id>"`,
//! `data-depth`, `by-author`), nesting and its cap, names, websites, figures.

use crate::harness::{default_template, select, text, SiteTest};

fn comment_rows(site: &SiteTest) -> Vec<(String, String, bool)> {
    let html = site.html("posts/hello/index.html");
    select(&html, "li.comment")
        .iter()
        .map(|c| {
            (
                c.attr("id").unwrap().to_string(),
                c.attr("data-depth").unwrap().to_string(),
                c.value().classes().any(|k| k == "by-author"),
            )
        })
        .collect()
}

#[test]
fn markup_contract_on_a_nested_thread() {
    let site = SiteTest::fixture("threads/nested");
    site.build();
    let rows = comment_rows(&site);
    let expected: Vec<(String, String, bool)> = (1..=8)
        .map(|i| (format!("comment-{i}"), i.to_string(), i % 2 == 0))
        .chain([
            ("comment-anon".to_string(), "1".to_string(), false),
            ("comment-site".to_string(), "1".to_string(), false),
            ("comment-early".to_string(), "1".to_string(), false),
        ])
        .collect();
    assert_eq!(rows, expected);
}

#[test]
fn author_replies_carry_a_visible_badge() {
    let site = SiteTest::fixture("threads/nested");
    site.build();
    let html = site.html("posts/hello/index.html");
    for c in select(&html, "li.by-author") {
        let badge = c
            .select(&scraper::Selector::parse(":scope > article .author-badge").unwrap())
            .next();
        assert_eq!(
            badge.map(|b| text(&b)),
            Some("Author".to_string()),
            "{}",
            c.attr("id").unwrap()
        );
    }
    assert!(select(&html, "li.comment:not(.by-author) > article .author-badge").is_empty());
}

#[test]
fn nesting_stops_at_max_depth_and_deeper_replies_say_whom_they_answer() {
    let site = SiteTest::fixture("threads/nested");
    site.build();
    let html = site.html("posts/hello/index.html");
    // max_depth = 3: comments 3..8 are drawn in the third-level list.
    let third_level = select(&html, "ol.thread > li > ol.replies > li > ol.replies > li");
    let ids: Vec<&str> = third_level.iter().map(|c| c.attr("id").unwrap()).collect();
    assert_eq!(
        ids,
        [
            "comment-3",
            "comment-4",
            "comment-5",
            "comment-6",
            "comment-7",
            "comment-8"
        ]
    );
    assert!(select(&html, "ol.replies ol.replies ol.replies").is_empty());
    let replying: Vec<String> = select(&html, "p.in-reply-to").iter().map(text).collect();
    assert_eq!(
        replying,
        [
            "Replying to Marco",
            "Replying to Pauline",
            "Replying to Marco",
            "Replying to Pauline",
            "Replying to Marco"
        ]
    );
    let target = select(&html, "#comment-5 p.in-reply-to a")[0].attr("href");
    assert_eq!(target, Some("#comment-4"));
}

#[test]
fn every_comment_has_a_permalink_anchor() {
    let site = SiteTest::fixture("threads/nested");
    site.build();
    let html = site.html("posts/hello/index.html");
    for c in select(&html, "li.comment") {
        let id = c.attr("id").unwrap();
        let link = c
            .select(&scraper::Selector::parse("a.comment-permalink").unwrap())
            .next()
            .unwrap();
        assert_eq!(link.attr("href").unwrap(), format!("#{id}"));
    }
}

#[test]
fn unnamed_readers_are_anonymous_and_only_http_websites_are_linked() {
    let site = SiteTest::fixture("threads/nested");
    site.build();
    let html = site.html("posts/hello/index.html");
    assert_eq!(
        text(&select(&html, "#comment-anon .comment-author")[0]),
        "Anonymous"
    );
    let ruth = select(&html, "#comment-site .comment-author")[0];
    assert_eq!(
        ruth.value().name(),
        "span",
        "javascript: website is not linked"
    );
    let marco = select(&html, "#comment-1 .comment-author")[0];
    assert_eq!(marco.attr("href"), Some("https://marco.example/"));
    assert_eq!(marco.attr("rel"), Some("nofollow ugc noopener"));
}

#[test]
fn engagement_figures_are_shown_above_the_thread() {
    let site = SiteTest::fixture("threads/nested");
    site.build();
    let html = site.html("posts/hello/index.html");
    assert_eq!(
        text(&select(&html, ".engagement-summary")[0]),
        "7 comments from 4 readers · the author answered 4"
    );
    let figures: Vec<String> = select(&html, ".engagement-figures div")
        .iter()
        .map(|d| {
            format!(
                "{} {}",
                text(&select_in(d, "dt")[0]),
                text(&select_in(d, "dd")[0])
            )
        })
        .collect();
    assert_eq!(
        figures,
        [
            "Comments 11",
            "Readers who took part 4",
            "Replies from the author 4",
            "Reader comments answered 4 of 7 (57%)",
            "Longest chain of replies 8 comments",
            "Threads where the author and a reader answered each other 1",
            "Usual wait for an answer 1 hour",
            "Latest comment 2 January 2020"
        ]
    );
}

#[test]
fn a_3000_deep_chain_builds() {
    let mut thread = String::from("comments:\n- id: \"0\"\n  body: start\n");
    for i in 1..3000 {
        thread.push_str(&format!(
            "- id: \"{i}\"\n  parent: \"{}\"\n  body: reply {i}\n",
            i - 1
        ));
    }
    let site = SiteTest::with_files(&[
        (
            "content/posts/hello.md",
            "---\ntitle: Deep\ndate: 2020-01-01\n---\nx\n",
        ),
        ("content/posts/hello.comments.yaml", &thread),
    ]);
    site.build();
    let html = site.html("posts/hello/index.html");
    assert_eq!(select(&html, "li.comment").len(), 3000);
    assert_eq!(
        select(&html, "#comment-2999")[0].attr("data-depth"),
        Some("3000")
    );
    assert!(select(
        &html,
        "ol.replies ol.replies ol.replies ol.replies ol.replies ol.replies"
    )
    .is_empty());
}

#[test]
fn posts_without_a_thread_say_so() {
    let site = SiteTest::fixture("site/basic");
    site.build();
    let html = site.html("posts/first/index.html");
    assert_eq!(text(&select(&html, ".no-comments")[0]), "No comments yet.");
}

fn select_in<'a>(e: &scraper::ElementRef<'a>, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    e.select(&scraper::Selector::parse(selector).unwrap())
        .collect()
}

/// The default theme writes a thread's markup in Rust (`page.thread.html`, printed
/// by `partials/thread.html`), for speed; the loop it ships for themes to copy
/// (`partials/thread-loop.html`), copied over a site's `templates/partials/thread.html`
/// as the README says, must give the very same page.
#[test]
fn the_ready_made_thread_markup_equals_the_template_loop() {
    let shipped_loop = default_template("partials/thread-loop.html");
    assert!(shipped_loop.contains("{% for c in page.thread.comments %}"));
    // A "via" and a content warning made only of characters no page may hold are none,
    // as a template tests them.
    let unprintable = "comments:\n  - id: \"1\"\n    author: \"R\"\n    via: \"\\x01\"\n    source: \"https://social.example/1\"\n    warning: \"\\x02\\uFFFF\"\n    body: \"Hi\"\n  - id: \"2\"\n    parent: \"1\"\n    role: author\n    body: \"Thanks\"\n";
    for (fixture, page) in [
        ("threads/nested", "posts/hello/index.html"),
        ("a11y", "posts/deep-conversation/index.html"),
        ("site/basic", "posts/second/index.html"),
    ] {
        let site = |loop_template: bool| {
            let site = SiteTest::fixture(fixture);
            if fixture == "site/basic" {
                site.write("content/posts/second.comments.yaml", unprintable);
            }
            if loop_template {
                site.write("templates/partials/thread.html", &shipped_loop);
            }
            site.build();
            site
        };
        let (ready_made, with_loop) = (site(false), site(true));
        let page_html = ready_made.read(page);
        assert!(page_html.contains("<ol class=\"replies\">"), "{fixture}");
        assert_eq!(page_html, with_loop.read(page), "{fixture}");
        if fixture == "site/basic" {
            assert!(!page_html.contains("comment-via") && !page_html.contains("content-warning"));
        }
    }
}

/// Posts whose templates do not read `page.thread.comments` are rendered without the
/// list; a template that reaches it another way (a variable holding the thread, a
/// macro given the page) still gets every comment.
#[test]
fn a_template_reaching_the_comments_through_a_variable_or_a_macro_gets_them_all() {
    for (template, text) in [
        (
            "templates/partials/thread.html",
            "{% set t = page.thread %}<ul class=\"talk\">{% for c in t.comments %}<li>{{ c.author }}</li>{% endfor %}</ul>",
        ),
        (
            "templates/post.html",
            "{% import \"talk.html\" as talk %}<html><body>{{ talk::list(p=page) }}</body></html>",
        ),
    ] {
        let site = SiteTest::fixture("threads/nested");
        site.write(template, text);
        site.write(
            "templates/talk.html",
            "{% macro list(p) %}<ul class=\"talk\">{% for c in p.thread.comments %}<li>{{ c.author }}</li>{% endfor %}</ul>{% endmacro list %}",
        );
        site.build();
        let html = site.html("posts/hello/index.html");
        assert_eq!(select(&html, "ul.talk li").len(), 11, "{template}");
    }
}

/// A theme changes the thread's markup with its own `partials/thread.html`, keeping
/// the default theme's conversation section around it.
#[test]
fn a_theme_draws_the_thread_with_its_own_markup() {
    let site = SiteTest::fixture("threads/nested");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("theme = \"talk\"\n{toml}"));
    site.write(
        "themes/talk/templates/partials/thread.html",
        "<ul class=\"talk\">{% for c in page.thread.comments %}<li data-role=\"{{ c.role }}\">{{ c.author }}</li>{% endfor %}</ul>",
    );
    site.build();
    let html = site.html("posts/hello/index.html");
    assert!(select(&html, "ol.thread").is_empty());
    let items = select(&html, "section.conversation ul.talk li");
    assert_eq!(items.len(), 11);
    assert_eq!(items[0].value().attr("data-role"), Some("reader"));
    assert!(items
        .iter()
        .any(|li| li.value().attr("data-role") == Some("author")));
}
