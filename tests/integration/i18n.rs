//! Sites in other languages: every word the default theme and rapport write is in the
//! site's language, dates and counts included; site.toml and a theme word things
//! their own way; a language or string rapport does not know is an error at its line.

use crate::harness::{default_template, select, text, SiteTest};

/// Words and phrases of the English catalogue that no French or Chinese page may
/// show. The fixture's own text is French, so any of these was written by rapport.
const ENGLISH: &[&str] = &[
    "Read more",
    "Posts",
    "Tags",
    "Author",
    "Anonymous",
    "comment",
    "comments",
    "reader",
    "readers",
    "Skip to content",
    "Permalink",
    "Replying to",
    "reply to",
    "level",
    "answered",
    "Regulars",
    "Reply rate",
    "Period",
    "Latest",
    "latest",
    "Newer",
    "Older",
    "not found",
    "feed",
    "the author",
    "joined",
    "chain",
    "updated",
    "draft",
    "of",
    "the",
    "and",
    "from",
    "with",
    "yet",
    "January",
    "February",
    "March",
    "April",
    "November",
    "hour",
    "hours",
    "day",
    "days",
    "min read",
    "Contents",
    "Related posts",
    "Search",
    "Browse by tag",
    "post",
    "posts",
    "match",
    "matches",
    "available",
    "Done",
    "Not done",
];

/// The French fixture with `language` set to `language`.
fn site_in(language: &str) -> SiteTest {
    let site = SiteTest::fixture("french");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &toml.replace("language = \"fr\"", &format!("language = \"{language}\"")),
    );
    site
}

/// Every HTML page of the built site, as (path under public/, HTML).
fn pages(site: &SiteTest) -> Vec<(String, String)> {
    let public = site.root.join("public");
    let mut found = Vec::new();
    let mut dirs = vec![public.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "html") {
                let rel = path.strip_prefix(&public).unwrap();
                found.push((
                    rel.to_string_lossy().replace('\\', "/"),
                    std::fs::read_to_string(&path).unwrap(),
                ));
            }
        }
    }
    found.sort();
    found
}

/// What a reader sees or hears of `html`: its text, and the labels and titles of its
/// elements.
fn readable(html: &str) -> String {
    let doc = scraper::Html::parse_document(html);
    let mut out = Vec::new();
    for node in doc.tree.nodes() {
        match node.value() {
            scraper::Node::Text(t) => {
                let in_code = node.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| matches!(e.name(), "script" | "style"))
                });
                if !in_code {
                    out.push(t.to_string());
                }
            }
            scraper::Node::Element(e) => {
                for (name, value) in e.attrs() {
                    // `data-` attributes hold the words scripts show (the search
                    // page's status lines).
                    if ["aria-label", "title", "alt", "placeholder"].contains(&name)
                        || name.starts_with("data-")
                    {
                        out.push(value.to_string());
                    }
                }
            }
            _ => {}
        }
    }
    out.join(" ")
}

/// The English words of `ENGLISH` in `text`, as whole words.
fn english_words(text: &str) -> Vec<&'static str> {
    ENGLISH
        .iter()
        .copied()
        .filter(|word| {
            text.match_indices(word).any(|(at, _)| {
                let before = text[..at].chars().next_back();
                let after = text[at + word.len()..].chars().next();
                !before.is_some_and(char::is_alphanumeric)
                    && !after.is_some_and(char::is_alphanumeric)
            })
        })
        .collect()
}

#[track_caller]
fn assert_no_english(site: &SiteTest) {
    let pages = pages(site);
    for expected in [
        "index.html",
        "page/2/index.html",
        "posts/longue-conversation/index.html",
        "tags/index.html",
        "tags/conversations/index.html",
        "404.html",
        "engagement/index.html",
        "a-propos/index.html",
        "search/index.html",
        "posts/tableaux/index.html",
    ] {
        assert!(
            pages.iter().any(|(p, _)| p == expected),
            "{expected} was not built"
        );
    }
    for (page, html) in &pages {
        let found = english_words(&readable(html));
        assert!(found.is_empty(), "{page} shows English: {found:?}");
    }
    // The search script shows the page's words, none of its own.
    let script = site.read("search.js");
    let code: Vec<&str> = script
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect();
    for literal in code.join("\n").split('"').skip(1).step_by(2) {
        let found = english_words(literal);
        assert!(found.is_empty(), "search.js says {literal:?}");
    }
}

#[test]
fn a_french_site_showed_english_words_on_its_pages() {
    let site = SiteTest::fixture("french");
    site.build();
    assert_no_english(&site);

    let post = site.html("posts/longue-conversation/index.html");
    let h2 = select(&post, "#conversation-title");
    assert_eq!(text(&h2[0]), "Conversation");
    assert_eq!(
        text(&select(&post, ".engagement-summary")[0]),
        "6 commentaires de 3 lecteurs · Pauline Stockhausen a répondu à 5"
    );
    assert_eq!(text(&select(&post, ".author-badge")[0]), "Auteur");
    let anonymous = select(&post, "#comment-10-author");
    assert_eq!(text(&anonymous[0]), "Anonyme");
    let deep = select(&post, "#comment-7 .in-reply-to");
    assert_eq!(text(&deep[0]), "En réponse à Pauline Stockhausen");

    let index = site.html("index.html");
    assert_eq!(text(&select(&index, "h1")[0]), "Derniers articles");
    assert_eq!(
        text(&select(&index, ".read-more")[0]),
        "Lire la suite de « Une conversation profonde »"
    );
    assert_eq!(text(&select(&index, ".page-number")[0]), "Page 1 sur 2");
    let not_found = site.html("404.html");
    assert_eq!(text(&select(&not_found, "h1")[0]), "Page introuvable");
    assert!(text(&select(&not_found, ".not-found p")[0]).starts_with("Il n’y a rien"));

    let tables = site.html("posts/tableaux/index.html");
    assert_eq!(text(&select(&tables, ".toc-title")[0]), "Sommaire");
    assert_eq!(
        text(&select(&tables, "#related-posts-title")[0]),
        "Articles liés"
    );
    let tasks: Vec<&str> = select(&tables, ".post-body input[type=checkbox]")
        .iter()
        .filter_map(|i| i.value().attr("aria-label"))
        .collect();
    assert_eq!(tasks, ["Fait", "À faire"]);
    let meta = text(&select(&tables, ".post-header .post-meta")[0]);
    assert!(meta.ends_with("· 1 min de lecture"), "{meta}");

    let search = site.html("search/index.html");
    assert_eq!(text(&select(&search, "h1")[0]), "Rechercher");
    let form = select(&search, "form.search-form")[0].value().clone();
    assert_eq!(
        form.attr("data-no-match"),
        Some("Aucun article ne correspond.")
    );
    assert_eq!(form.attr("data-one-match"), Some("1 article correspond."));
    assert_eq!(
        form.attr("data-matches"),
        Some("{n} articles correspondent.")
    );
    assert_eq!(
        text(&select(&search, "#search-tags-title")[0]),
        "Parcourir par étiquette"
    );

    let engagement = site.html("engagement/index.html");
    assert_eq!(text(&select(&engagement, "h1")[0]), "Conversations");
    assert_eq!(
        text(&select(&engagement, "#regulars-title")[0]),
        "Les habitués"
    );
    assert!(site
        .read("comments.xml")
        .contains("<title>Commentaires sur Carnet de Pauline</title>"));
}

#[test]
fn french_dates_and_counts_read_as_in_french() {
    let site = SiteTest::fixture("french");
    site.build();
    let post = site.html("posts/longue-conversation/index.html");
    let meta = text(&select(&post, ".post-header .post-meta")[0]);
    assert_eq!(
        meta,
        "2 mars 2015 · 1 min de lecture (mis à jour le 1 avril 2015)"
    );
    let first = select(&post, "#comment-1 .comment-permalink time");
    assert_eq!(text(&first[0]), "2 mars 2015 à 11:00");

    let page2 = site.html("page/2/index.html");
    let counts: Vec<String> = select(&page2, ".comment-count").iter().map(text).collect();
    assert_eq!(counts, ["1 commentaire", "2 commentaires"]);
    let tags = site.html("tags/index.html");
    let counts: Vec<String> = select(&tags, ".tag-count").iter().map(text).collect();
    assert_eq!(counts, ["2 articles", "2 articles"]);
    let engagement = site.html("engagement/index.html");
    let rate = text(&select(&engagement, "#rate-title + p")[0]);
    assert!(
        rate.contains("Délai médian avant une première réponse : 2 heures."),
        "{rate}"
    );
}

#[test]
fn a_chinese_site_reads_chinese() {
    let site = site_in("zh");
    site.build();
    assert_no_english(&site);
    let post = site.html("posts/longue-conversation/index.html");
    let meta = text(&select(&post, ".post-header .post-meta")[0]);
    assert_eq!(meta, "2015年3月2日 · 阅读约 1 分钟 (更新于 2015年4月1日)");
    assert_eq!(text(&select(&post, ".author-badge")[0]), "作者");
    let index = site.html("index.html");
    assert_eq!(
        text(&select(&index, ".read-more")[0]),
        "阅读全文：《Une conversation profonde》"
    );
    let counts: Vec<String> = select(&site.html("page/2/index.html"), ".comment-count")
        .iter()
        .map(text)
        .collect();
    assert_eq!(counts, ["1 条评论", "2 条评论"]);
    let html = site.read("index.html");
    assert!(html.contains("<html lang=\"zh\">"));
}

#[test]
fn german_and_spanish_sites_word_dates_their_way() {
    for (language, date, read_more) in [
        ("de", "2. März 2015", "Weiterlesen"),
        ("es", "2 de marzo de 2015", "Seguir leyendo"),
        ("fr-CA", "2 mars 2015", "Lire la suite"),
    ] {
        let site = site_in(language);
        site.build();
        let index = site.html("index.html");
        assert_eq!(
            text(&select(&index, ".post-meta time")[0]),
            date,
            "{language}"
        );
        let more = text(&select(&index, ".read-more")[0]);
        assert!(more.starts_with(read_more), "{language}: {more}");
        assert!(site
            .read("index.html")
            .contains(&format!("<html lang=\"{language}\">")));
    }
}

#[test]
fn a_string_of_site_toml_wins_over_the_language() {
    let site = SiteTest::fixture("french");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write(
        "site.toml",
        &format!(
            "{toml}\n[strings]\nread_more = \"Continuer la lecture\"\ncomment_count = {{ one = \"{{n}} réaction\", other = \"{{n}} réactions\" }}\nmonths = [\"janv.\", \"févr.\", \"mars\", \"avr.\", \"mai\", \"juin\", \"juil.\", \"août\", \"sept.\", \"oct.\", \"nov.\", \"déc.\"]\ndate = \"{{day}} {{month}} {{year}}\"\n"
        ),
    );
    site.build();
    let page2 = site.html("page/2/index.html");
    let counts: Vec<String> = select(&page2, ".comment-count").iter().map(text).collect();
    assert_eq!(counts, ["1 réaction", "2 réactions"]);
    let more = text(&select(&page2, ".read-more")[0]);
    assert!(more.starts_with("Continuer la lecture"), "{more}");
    let dates: Vec<String> = select(&page2, ".post-meta time").iter().map(text).collect();
    assert_eq!(dates, ["5 janv. 2015", "20 nov. 2014"]);
}

#[test]
fn a_theme_and_a_site_bring_their_own_words() {
    let site = SiteTest::fixture("french");
    let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
    site.write("site.toml", &format!("theme = \"carnet\"\n{toml}"));
    site.write(
        "themes/carnet/i18n/fr.toml",
        "read_more = \"La suite\"\nposts = \"Billets\"\n",
    );
    site.write("i18n/fr.toml", "posts = \"Le carnet\"\n");
    site.build();
    let index = site.html("index.html");
    assert!(text(&select(&index, ".read-more")[0]).starts_with("La suite"));
    let nav: Vec<String> = select(&index, ".site-nav a").iter().map(text).collect();
    assert_eq!(nav[0], "Le carnet");
}

#[test]
fn a_misspelt_string_key_is_an_error_at_its_line() {
    let site = SiteTest::with_files(&[(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n\n[strings]\nreed_more = \"Plus\"\n",
    )]);
    let stderr = site.build_error();
    assert_eq!(
        stderr,
        "error: site.toml:5: unknown string `reed_more`\n  help: did you mean `read_more`?\n"
    );
    assert!(!site.exists("index.html"));
}

#[test]
fn a_placeholder_a_string_cannot_show_is_an_error() {
    let site = SiteTest::with_files(&[(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n[strings]\ntagged = \"Tag {name}\"\ncomment_count = \"many\"\n",
    )]);
    let stderr = site.build_error();
    assert_eq!(
        stderr,
        "error: site.toml:4: `{name}` is not a value `tagged` can show\n  help: use {tag}\n"
    );
    let site = SiteTest::with_files(&[(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\n[strings]\nread_more = { one = \"a\", other = \"b\" }\n",
    )]);
    let stderr = site.build_error();
    assert!(
        stderr.starts_with("error: site.toml:4: `read_more` must be a text\n"),
        "{stderr}"
    );
}

#[test]
fn a_language_without_words_is_an_error_unless_the_site_brings_them() {
    let site = SiteTest::with_files(&[(
        "site.toml",
        "title = \"T\"\nbase_url = \"https://example.org/\"\nlanguage = \"pt\"\n",
    )]);
    let stderr = site.build_error();
    assert!(
        stderr.starts_with(
            "error: site.toml:3: rapport has no words for the language \"pt\"\n  help: use one of \"en\", \"de\", \"es\", \"fr\", \"zh\""
        ),
        "{stderr}"
    );
    site.write("i18n/pt.toml", "read_more = \"Ler mais\"\n");
    site.write(
        "content/posts/ola.md",
        "---\ntitle: Olá\ndate: 2015-03-02\n---\nOlá.\n",
    );
    site.build();
    let index = site.html("index.html");
    assert_eq!(text(&select(&index, ".read-more")[0]), "Ler mais of “Olá”");
}

#[test]
fn a_template_asking_for_a_string_that_does_not_exist_is_an_error_at_its_line() {
    let site = SiteTest::with_files(&[(
        "templates/404.html",
        "{% extends \"base.html\" %}\n{% block content %}\n{{ t(key=\"not_foundd\") }}\n{% endblock content %}\n",
    )]);
    let stderr = site.build_error();
    assert!(stderr.contains("not_foundd"), "{stderr}");
    assert!(stderr.contains("did you mean `not_found`?"), "{stderr}");
}

/// The thread markup written in Rust and the loop themes copy give the same French.
#[test]
fn the_ready_made_thread_markup_equals_the_template_loop_in_french() {
    let shipped_loop = default_template("partials/thread-loop.html");
    let ready_made = SiteTest::fixture("french");
    ready_made.build();
    let with_loop = SiteTest::fixture("french");
    with_loop.write("templates/partials/thread.html", &shipped_loop);
    with_loop.build();
    let page = "posts/longue-conversation/index.html";
    let html = ready_made.read(page);
    assert!(html.contains("réponse à Marco Rossi, niveau 2."));
    assert_eq!(html, with_loop.read(page));
}

#[test]
fn the_conversations_page_said_the_author_answered_when_the_author_has_a_name() {
    for (language, rate, caption) in [
        (
            "en",
            "Pauline Stockhausen answered 7 of 10 reader comments (70%).",
            "Reader comments Pauline Stockhausen answered",
        ),
        (
            "fr",
            "Pauline Stockhausen a répondu à 7 commentaires de lecteurs sur 10 (70 %).",
            "Commentaires de lecteurs auxquels Pauline Stockhausen a répondu",
        ),
        (
            "de",
            "Pauline Stockhausen hat 7 von 10 Leserkommentaren beantwortet (70 %).",
            "Leserkommentare, die Pauline Stockhausen beantwortet hat",
        ),
        (
            "es",
            "Pauline Stockhausen respondió a 7 de 10 comentarios de lectores (70 %).",
            "Comentarios de lectores que respondió Pauline Stockhausen",
        ),
        (
            "zh",
            "Pauline Stockhausen回复了 10 条读者评论中的 7 条（70%）。",
            "各时期（有评论的）Pauline Stockhausen回复的读者评论",
        ),
    ] {
        let site = site_in(language);
        site.build();
        let page = site.html("engagement/index.html");
        let said = text(&select(&page, "#rate-title + p")[0]);
        assert!(said.starts_with(rate), "{language}: {said}");
        // A percentage does not break from its sign at the end of a line.
        if language != "en" && language != "zh" {
            let html = site.read("engagement/index.html");
            assert!(html.contains("70\u{202f}%") || html.contains("70\u{a0}%"));
        }
        let table = text(&select(&page, ".reply-rate-table caption")[0]);
        assert!(table.starts_with(caption), "{language}: {table}");
    }
    for (language, rate) in [
        ("en", "The author answered 7 of 10"),
        ("fr", "L’auteur a répondu à 7"),
        ("de", "Der Autor hat 7 von 10"),
    ] {
        let site = site_in(language);
        let toml = std::fs::read_to_string(site.root.join("site.toml")).unwrap();
        site.write(
            "site.toml",
            &toml.replace("name = \"Pauline Stockhausen\"", ""),
        );
        site.build();
        let page = site.html("engagement/index.html");
        let said = text(&select(&page, "#rate-title + p")[0]);
        assert!(said.starts_with(rate), "{language}: {said}");
    }
}

#[test]
fn excerpts_dropped_the_space_french_puts_before_a_colon() {
    let site = SiteTest::fixture("french");
    site.build();
    let engagement = site.html("engagement/index.html");
    let quotes: Vec<String> = select(&engagement, ".exchange-excerpt p")
        .iter()
        .map(text)
        .collect();
    assert!(
        quotes.iter().any(|q| q == "Un seul mot : bravo."),
        "{quotes:?}"
    );
    assert!(site
        .read("search/index.json")
        .contains("une liste de tâches : chaque mot"));
}
