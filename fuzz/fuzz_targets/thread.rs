//! Thread files: loading, validation, tree building, engagement figures and the
//! template view. Inputs starting with `#!structured` (the seeds in
//! `seeds/thread/structured-*`) are read as a compact description of comments and
//! turned into a well-formed thread file, so that the fuzzer spends its time on the
//! shapes of threads (duplicate ids, unknown parents, cycles, deep chains) rather than
//! on YAML syntax; any other input is a thread file as it is.
//!
//! Asserted: never a panic; every error is located on a line of the file; for
//! generated threads, the file is accepted exactly when ids are unique, parents exist
//! and there is no cycle; the tree lists every comment exactly once, parents before
//! children, with consistent depths; the figures and the view agree with the tree.

#![no_main]

use std::collections::HashSet;
use std::path::Path;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use rapport::render::i18n::Strings;
use rapport::render::markdown::Markdown;
use rapport::render::sanitize::Sanitizer;
use rapport::render::thread::thread_view;
use rapport::threads::metrics::engagement;
use rapport::threads::{parse_thread, Thread, Tree};
use rapport_fuzz::assert_located;

const IDS: &[&str] = &[
    "1", "2", "3", "4", "5", "6", "7", "8", "a", "b", "c", "x y", "é", "1.5", "-1", "00",
];
const DATES: &[&str] = &[
    "2020-01-01",
    "2020-01-02T10:00:00Z",
    "2019-12-31T23:59:59+01:00",
    "2020-01-01T00:00:00Z",
];
const BODIES: &[&str] = &["Hi", "", "<p>html</p>", "[a](/x/)", "a\n\nb"];
const ROLES: &[&str] = &["reader", "author", "mention"];

/// One generated comment: indices into the tables above.
struct Spec {
    id: usize,
    parent: Option<usize>,
    role: Option<usize>,
    date: Option<usize>,
    body: usize,
    /// `id: 3` instead of `id: "3"` (numeric ids only).
    bare_id: bool,
}

fn specs(data: &[u8]) -> Vec<Spec> {
    data.chunks_exact(3)
        .map(|c| Spec {
            id: (c[0] & 0x0f) as usize,
            parent: (c[1] & 0x10 != 0).then_some((c[1] & 0x0f) as usize),
            role: (c[2] & 0x03 != 0).then(|| (c[2] & 0x03) as usize - 1),
            date: (c[2] & 0x04 != 0).then_some(((c[2] >> 3) & 0x03) as usize),
            body: ((c[2] >> 5) as usize) % BODIES.len(),
            bare_id: c[0] & 0x10 != 0,
        })
        .collect()
}

fn render(specs: &[Spec], indent: bool) -> String {
    let (item, field) = if indent {
        ("  - ", "    ")
    } else {
        ("- ", "  ")
    };
    let mut text = String::from("# generated\ncomments:\n");
    for s in specs {
        let id = IDS[s.id];
        if s.bare_id && id.bytes().all(|b| b.is_ascii_digit()) && !id.starts_with('0') {
            text.push_str(&format!("{item}id: {id}\n"));
        } else {
            text.push_str(&format!("{item}id: \"{id}\"\n"));
        }
        if let Some(p) = s.parent {
            text.push_str(&format!("{field}parent: \"{}\"\n", IDS[p]));
        }
        if let Some(r) = s.role {
            text.push_str(&format!("{field}role: {}\n", ROLES[r]));
        }
        if let Some(d) = s.date {
            text.push_str(&format!("{field}date: \"{}\"\n", DATES[d]));
        }
        text.push_str(&format!("{field}body: {:?}\n", BODIES[s.body]));
    }
    text
}

/// Whether the generated thread is valid: ids unique and without spaces (an id is
/// an anchor), known parents, no cycles.
fn expected_valid(specs: &[Spec]) -> bool {
    if specs.iter().any(|s| IDS[s.id].contains(' ')) {
        return false;
    }
    let mut seen = HashSet::new();
    if !specs.iter().all(|s| seen.insert(s.id)) {
        return false;
    }
    let parent_of = |id: usize| specs.iter().find(|s| s.id == id).map(|s| s.parent);
    for s in specs {
        let mut node = s.parent;
        let mut steps = 0;
        while let Some(p) = node {
            match parent_of(p) {
                None => return false,
                Some(next) => node = next,
            }
            steps += 1;
            if steps > specs.len() {
                return false;
            }
        }
    }
    true
}

fn tools() -> &'static (Markdown, Sanitizer, Strings) {
    static TOOLS: OnceLock<(Markdown, Sanitizer, Strings)> = OnceLock::new();
    TOOLS.get_or_init(|| (Markdown::new("/"), Sanitizer::default(), Strings::english()))
}

fn check_tree(thread: &Thread, max_depth: usize) {
    let n = thread.comments.len();
    let tree = Tree::build(thread);
    assert_eq!(
        tree.order.len(),
        n,
        "order does not list every comment once"
    );
    let mut seen = vec![false; n];
    let mut position = vec![0; n];
    for (k, &i) in tree.order.iter().enumerate() {
        assert!(!seen[i], "comment {i} listed twice");
        seen[i] = true;
        position[i] = k;
    }
    for i in 0..n {
        match tree.parent[i] {
            None => {
                assert_eq!(tree.depth[i], 1);
                assert!(thread.comments[i].parent.is_none());
                assert!(tree.roots.contains(&i));
            }
            Some(p) => {
                assert_eq!(
                    thread.comments[i].parent.as_deref(),
                    Some(thread.comments[p].id.as_str())
                );
                assert_eq!(tree.depth[i], tree.depth[p] + 1);
                assert!(position[p] < position[i], "a reply before its parent");
                assert!(tree.children[p].contains(&i));
            }
        }
    }
    let roots = tree.root_of();
    for i in 0..n {
        assert!(tree.parent[roots[i]].is_none());
    }
    let e = engagement(thread, &tree);
    let deepest = tree.depth.iter().copied().max().unwrap_or(0);
    assert_eq!(e.deepest as usize, deepest);
    assert!(e.comments as usize <= n && e.reader_comments <= e.comments);
    assert!(e.answered <= e.reader_comments);
    if let Some(rate) = e.reply_rate() {
        assert!((0.0..=1.0).contains(&rate));
    }
    assert!(e.participants as usize <= (e.reader_comments as usize).max(n));
    let (markdown, sanitizer, strings) = tools();
    let view = thread_view(
        thread,
        &tree,
        max_depth,
        (markdown, sanitizer),
        strings,
        true,
    );
    assert_eq!(view.comments.len(), n);
    // Without the list, a page gets the very same markup.
    let bare = thread_view(
        thread,
        &tree,
        max_depth,
        (markdown, sanitizer),
        strings,
        false,
    );
    assert!(bare.comments.is_empty());
    assert_eq!(
        (bare.html.as_str(), bare.count),
        (view.html.as_str(), view.count)
    );
    let opened = view.comments.iter().filter(|c| c.opens_replies).count();
    let closed: usize = view.comments.iter().map(|c| c.closes).sum();
    assert_eq!(opened, closed, "the view's nesting does not balance");
    assert!(view
        .comments
        .iter()
        .all(|c| c.level >= 1 && c.level <= max_depth));
}

fuzz_target!(|data: &[u8]| {
    let path = Path::new("content/posts/a.comments.yaml");
    if let Some(rest) = data.strip_prefix(b"#!structured") {
        let Some((&flags, rest)) = rest.split_first() else {
            return;
        };
        let specs = specs(rest);
        let text = render(&specs, flags & 1 != 0);
        let max_depth = 1 + (flags >> 1) as usize % 8;
        match parse_thread(&text, path) {
            Ok(thread) => {
                assert!(
                    expected_valid(&specs),
                    "an invalid thread was accepted:\n{text}"
                );
                check_tree(&thread, max_depth);
            }
            Err(ds) => {
                assert_located(&ds, &text);
                assert!(
                    !expected_valid(&specs),
                    "a valid thread was refused: {ds:?}\n{text}"
                );
            }
        }
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_thread(text, path) {
        Ok(thread) => check_tree(&thread, 3),
        Err(ds) => assert_located(&ds, text),
    }
});
