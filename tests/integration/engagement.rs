//! Site-wide conversation features: `/engagement/`, `/comments.xml`, `rapport
//! replies`. The fixture `engagement/ranking` has its expected figures worked out by
//! hand in the tests below.

use proptest::prelude::*;

use rapport::threads::conversations::{awaiting_reply, has_author_reply, PostThread};
use rapport::threads::{metrics, parse_thread, Tree};

use crate::harness::{default_template, select, text, SiteTest};

#[test]
fn ranking_puts_exchanges_before_counts() {
    let site = SiteTest::fixture("engagement/ranking");
    site.build();
    let html = site.html("engagement/index.html");
    let ranked: Vec<String> = select(&html, ".ranked-post h3 a")
        .iter()
        .map(text)
        .collect();
    // deep: one back-and-forth; two: depth 2; many: 12 readers but depth 1; none: no comments.
    assert_eq!(
        ranked,
        ["A deep exchange", "Two readers", "Many one-liners"]
    );
    let excerpt = select(&html, ".ranked-post .exchange-excerpt")[0];
    assert_eq!(text(&select_in(&excerpt, "p")[0]), "Exchange step 8.");
    assert_eq!(
        select_in(&excerpt, "a")[0].attr("href"),
        Some("/posts/deep/#comment-8")
    );
}

#[test]
fn regulars_are_readers_on_several_posts() {
    let site = SiteTest::fixture("engagement/ranking");
    site.build();
    let html = site.html("engagement/index.html");
    let regulars: Vec<String> = select(&html, ".regulars > li > strong")
        .iter()
        .map(text)
        .collect();
    // ' JOEL ' (newest post) and 'Joel' are one reader, shown as written most recently.
    assert_eq!(regulars, ["JOEL"]);
    let links: Vec<&str> = select(&html, ".regulars > li a")
        .iter()
        .map(|a| a.attr("href").unwrap())
        .collect();
    assert_eq!(links, ["/posts/two/#comment-j", "/posts/many/#comment-6"]);
}

#[test]
fn reply_rate_series_per_month() {
    let site = SiteTest::fixture("engagement/ranking");
    site.build();
    let html = site.html("engagement/index.html");
    let rows: Vec<String> = select(&html, ".data-table tbody tr")
        .iter()
        .map(|r| {
            r.text()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "January 2016 0 of 12 0%",
            "February 2016 5 of 5 100%",
            "March 2016 0 of 1 0%"
        ]
    );
    let bars: Vec<&str> = select(&html, ".data-table .rate-bar > span")
        .iter()
        .map(|b| b.attr("style").unwrap())
        .collect();
    assert_eq!(bars, ["width: 0%", "width: 100%", "width: 0%"]);
    assert!(!site.read("engagement/index.html").contains("<script"));
    let summary = text(&select(&html, "#rate-title + p")[0]);
    assert_eq!(
        summary,
        "Pauline answered 5 of 18 reader comments (28%). Median time to a first reply: 1 day."
    );
}

#[test]
fn engagement_page_is_in_the_navigation() {
    let site = SiteTest::fixture("engagement/ranking");
    site.build();
    let html = site.html("index.html");
    let nav: Vec<&str> = select(&html, ".site-nav a")
        .iter()
        .map(|a| a.attr("href").unwrap())
        .collect();
    assert!(nav.contains(&"/engagement/"), "{nav:?}");
}

#[test]
fn lists_show_comment_counts_and_conversation_markers() {
    let site = SiteTest::fixture("engagement/ranking");
    site.build();
    let html = site.html("index.html");
    let metas: Vec<String> = select(&html, ".post-summary .post-meta")
        .iter()
        .map(text)
        .collect();
    assert_eq!(
        metas,
        [
            "1 March 2016",
            "10 February 2016 · 3 comments with author replies",
            "1 February 2016 · 8 comments with author replies",
            "1 January 2016 · 12 comments",
        ]
    );
}

#[test]
fn comments_feed_is_newest_first_without_mentions() {
    let site = SiteTest::fixture("engagement/ranking");
    site.build();
    let feed = site.read("comments.xml");
    let titles: Vec<&str> = feed
        .split("<entry>")
        .skip(1)
        .map(|e| &e[e.find("<title>").unwrap() + 7..e.find("</title>").unwrap()])
        .collect();
    assert_eq!(titles.len(), 23, "every comment but the mention");
    assert_eq!(titles[0], " JOEL  on “Two readers”");
    assert!(feed.contains("<link href=\"https://example.org/posts/two/#comment-j\"/>"));
    assert!(!feed.contains("Linked here"));
}

#[test]
fn replies_lists_unanswered_reader_comments_oldest_first() {
    let site = SiteTest::fixture("engagement/ranking");
    let run = site.run(&["replies", "--json"]).success();
    let list: Vec<serde_json::Value> = serde_json::from_str(&run.stdout).unwrap();
    let got: Vec<(String, String)> = list
        .iter()
        .map(|w| {
            (
                w["post"].as_str().unwrap().to_string(),
                w["id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let mut expected: Vec<(String, String)> = (1..=12)
        .map(|i| ("many".to_string(), i.to_string()))
        .collect();
    expected.push(("two".into(), "j".into()));
    assert_eq!(got, expected);
    assert_eq!(list[0]["author"], "Reader 0");
    assert_eq!(list[0]["date"], "2016-01-02T10:00:00Z");
    assert_eq!(list[0]["excerpt"], "Nice post number 1.");
    assert_eq!(list[0]["file"], "content/posts/many.comments.yaml");
}

#[test]
fn replies_text_and_post_filter() {
    let site = SiteTest::fixture("engagement/ranking");
    let run = site.run(&["replies", "--post", "two"]).success();
    assert!(run.stdout.starts_with("Two readers (content/posts/two.comments.yaml)\n  content/posts/two.comments.yaml:12  #j   JOEL , 2016-03-02: Me again, on another post.\n"), "{}", run.stdout);
    let run = site.run(&["replies", "--post", "deep"]).success();
    assert_eq!(run.stdout, "Every reader comment has an answer.\n");
    site.run(&["replies", "--post", "nope"]).failure(1);
}

fn select_in<'a>(e: &scraper::ElementRef<'a>, selector: &str) -> Vec<scraper::ElementRef<'a>> {
    e.select(&scraper::Selector::parse(selector).unwrap())
        .collect()
}

/// A random forest: each comment replies to an earlier one or starts a thread.
fn forest() -> impl Strategy<Value = Vec<(Option<usize>, u8, u8, Option<u32>)>> {
    prop::collection::vec(
        (
            any::<Option<usize>>(),
            0u8..3,
            0u8..5,
            prop::option::of(0u32..100_000),
        ),
        0..40,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .enumerate()
            .map(|(i, (p, role, name, minutes))| {
                (
                    p.filter(|_| i > 0).map(|p| p % i.max(1)),
                    role,
                    name,
                    minutes,
                )
            })
            .collect()
    })
}

fn thread_text(comments: &[(Option<usize>, u8, u8, Option<u32>)], order: &[usize]) -> String {
    let mut text = String::from("comments:\n");
    for &i in order {
        let (parent, role, name, minutes) = comments[i];
        text.push_str(&format!(
            "  - id: \"{i}\"\n    author: \"Reader {name}\"\n    role: {}\n",
            ["reader", "author", "mention"][role as usize]
        ));
        if let Some(p) = parent {
            text.push_str(&format!("    parent: \"{p}\"\n"));
        }
        if let Some(m) = minutes {
            let date =
                chrono::DateTime::from_timestamp(1_400_000_000 + i64::from(m) * 60, 0).unwrap();
            text.push_str(&format!("    date: {}\n", date.to_rfc3339()));
        }
        text.push_str("    body: \"x\"\n");
    }
    text
}

proptest! {
    #[test]
    fn every_reader_comment_is_answered_or_waiting_never_both(comments in forest()) {
        let order: Vec<usize> = (0..comments.len()).collect();
        let thread = parse_thread(&thread_text(&comments, &order), std::path::Path::new("t")).unwrap();
        let tree = Tree::build(&thread);
        let engagement = metrics::engagement(&thread, &tree);
        let post = PostThread { thread: &thread, tree: &tree, engagement: &engagement };
        let waiting: Vec<usize> = awaiting_reply(&[post]).into_iter().map(|(_, c)| c).collect();
        for (i, c) in thread.comments.iter().enumerate() {
            let answered = has_author_reply(&post, i);
            let listed = waiting.contains(&i);
            if c.is_reader() {
                prop_assert!(answered != listed, "comment {i}: answered {answered}, listed {listed}");
            } else {
                prop_assert!(!listed);
            }
        }
        prop_assert_eq!(engagement.answered as usize + waiting.len(), engagement.reader_comments as usize);
    }

    #[test]
    fn figures_do_not_depend_on_file_order(comments in forest(), seed in any::<u64>()) {
        let order: Vec<usize> = (0..comments.len()).collect();
        let mut shuffled = order.clone();
        // A deterministic shuffle from the seed (Fisher–Yates with an LCG).
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let figures = |order: &[usize]| {
            let thread = parse_thread(&thread_text(&comments, order), std::path::Path::new("t")).unwrap();
            metrics::engagement(&thread, &Tree::build(&thread))
        };
        prop_assert_eq!(figures(&order), figures(&shuffled));
    }
}

#[test]
fn conversations_on_pages_count_too() {
    let site = SiteTest::fixture("engagement/ranking");
    site.write(
        "content/about.md",
        "---\ntitle: About\n---\nWho writes here.\n",
    );
    site.write(
        "content/about.comments.yaml",
        "comments:\n  - id: \"q\"\n    author: \"Ada\"\n    date: 2016-04-01T00:00:00Z\n    body: \"Who are you?\"\n",
    );
    site.build();
    let html = site.html("engagement/index.html");
    let ranked: Vec<String> = select(&html, ".ranked-post h3 a")
        .iter()
        .map(text)
        .collect();
    assert!(ranked.contains(&"About".to_string()), "{ranked:?}");
    assert!(site.read("comments.xml").contains("/about/#comment-q"));
    let run = site.run(&["replies", "--post", "about"]).success();
    assert!(
        run.stdout.contains("#q  Ada, 2016-04-01: Who are you?"),
        "{}",
        run.stdout
    );
}

#[test]
fn engagement_excerpt_quoted_the_text_of_a_removed_script() {
    let site = SiteTest::fixture("engagement/ranking");
    site.write(
        "content/posts/deep.comments.yaml",
        &std::fs::read_to_string(site.root.join("content/posts/deep.comments.yaml"))
            .unwrap()
            .replace(
                "body: \"Exchange step 8.\"",
                "body: \"<script>steal()</script><style>p{}</style>Exchange step 8.\"",
            ),
    );
    site.build();
    let html = site.html("engagement/index.html");
    let excerpt = select(&html, ".ranked-post .exchange-excerpt")[0];
    assert_eq!(text(&select_in(&excerpt, "p")[0]), "Exchange step 8.");
}

/// The default theme writes the conversations page's sections in Rust
/// (`engagement.html`, printed by `partials/engagement.html`), for speed; the loops it
/// ships for themes to copy (`partials/engagement-loop.html`), copied over a site's
/// `templates/partials/engagement.html`, must give the very same page: in English and
/// French, with and without the author's name, with replies fetched from elsewhere, a
/// regular's several comments on one post, and more regulars than the page shows.
#[test]
fn the_ready_made_conversations_markup_equals_the_template_loops() {
    let shipped_loop = default_template("partials/engagement-loop.html");
    assert!(shipped_loop.contains("{% for r in g.regulars %}"));
    let extra_thread = "comments:\n  - id: \"m\"\n    author: \"Joel\"\n    via: mastodon\n    source: \"https://mastodon.example/@joel/1\"\n    date: 2016-04-01T10:00:00Z\n    body: \"From <b>elsewhere</b> & beyond.\"\n  - id: \"n\"\n    author: \"Joel\"\n    date: 2016-04-02T10:00:00Z\n    body: \"Again.\"\n  - id: \"o\"\n    author: \"Joel\"\n    body: \"Undated.\"\n  - id: \"q\"\n    author: \"Fiona\"\n    date: 2016-04-03T10:00:00Z\n    body: \"Me too.\"\n";
    // The second: no author's name, and a thread of replies fetched from elsewhere.
    // The fifth: an author's name and the words of durations that print nothing (only
    // characters no page may hold), which the loops take for none.
    let variants = [
        ("engagement/ranking", 0),
        ("engagement/ranking", 1),
        ("french", 0),
        ("a11y", 0),
        ("engagement/ranking", 2),
    ];
    let change = |site: &SiteTest, variant: u8| match variant {
        1 => {
            site.write(
                "site.toml",
                "title = \"Ranking\"\nbase_url = \"https://example.org/\"\n",
            );
            site.write("content/posts/none.comments.yaml", extra_thread);
        }
        2 => {
            site.write(
                "site.toml",
                "title = \"Ranking\"\nbase_url = \"https://example.org/\"\n\n[author]\nname = \"\\u0002\"\n\n[strings]\nseconds = \"\\u0001\"\nminutes = \"\\u0001\"\nhours = \"\\u0001\"\ndays = \"\\u0001\"\n",
            );
        }
        _ => {}
    };
    for (fixture, variant) in variants {
        let changed = variant == 1;
        let ready_made = SiteTest::fixture(fixture);
        change(&ready_made, variant);
        ready_made.build();
        let with_loop = SiteTest::fixture(fixture);
        change(&with_loop, variant);
        with_loop.write("templates/partials/engagement.html", &shipped_loop);
        with_loop.build();
        let page = "engagement/index.html";
        let html = ready_made.read(page);
        assert!(html.contains("<ol class=\"ranking\">"), "{fixture}");
        assert!(!changed || html.contains("replies-by-source"), "{fixture}");
        assert_eq!(html, with_loop.read(page), "{fixture}");
    }
}
