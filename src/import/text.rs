//! The text of the files an import writes: a new post or page (front matter + body)
//! and thread-file entries in the format of DESIGN.md (quoted string ids, RFC 3339 UTC
//! dates, `body: |` blocks). Written by hand rather than by a YAML serialiser so that
//! entries can be appended to a file a person has edited, at its own indentation;
//! scalars are quoted by `yaml.rs`, and `merge` reads every result back.

use crate::content::Kind;
use crate::dates;
use crate::import::model::{NewComment, NewDocument, Provenance};
use crate::threads::{Role, State};
use crate::yaml;

/// Where a new document goes, relative to `content/`.
pub(crate) fn document_path(doc: &NewDocument) -> String {
    match doc.kind {
        Kind::Post => format!("posts/{}.md", doc.slug),
        Kind::Page => format!("{}.md", doc.slug),
    }
}

/// A new post or page file.
pub(crate) fn document(doc: &NewDocument) -> String {
    let mut out = String::from("---\n");
    if !doc.title.is_empty() {
        out.push_str(&format!("title: {}\n", yaml::quoted(&doc.title)));
    }
    if let Some(date) = &doc.date {
        out.push_str(&format!("date: {}\n", dates::rfc3339(date)));
    }
    if doc.draft {
        out.push_str("draft: true\n");
    }
    list(&mut out, "tags", &doc.tags);
    list(&mut out, "categories", &doc.categories);
    list(&mut out, "aliases", &doc.aliases);
    if let Some(summary) = &doc.summary {
        out.push_str(&format!("summary: {}\n", yaml::quoted(summary)));
    }
    if doc.wordpress_id.is_some() || doc.image.is_some() || !doc.old_addresses.is_empty() {
        out.push_str("extra:\n");
    }
    if let Some(id) = doc.wordpress_id {
        out.push_str(&format!("  wordpress_id: {id}\n"));
    }
    if let Some(image) = &doc.image {
        out.push_str(&format!("  image: {}\n", yaml::quoted(image)));
    }
    if !doc.old_addresses.is_empty() {
        out.push_str("  old_addresses:\n");
        for address in &doc.old_addresses {
            out.push_str(&format!("    - {}\n", yaml::quoted(address)));
        }
    }
    out.push_str("---\n");
    out.push_str(&doc.body);
    if !doc.body.is_empty() {
        out.push('\n');
    }
    out
}

fn list(out: &mut String, key: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    out.push_str(key);
    out.push_str(":\n");
    for item in items {
        out.push_str(&format!("  - {}\n", yaml::quoted(item)));
    }
}

/// A whole new thread file.
pub(crate) fn thread(comments: &[NewComment]) -> String {
    let mut out = String::from("comments:\n");
    for c in comments {
        out.push_str(&entry(c, 2));
    }
    out
}

/// One comment as a sequence item whose dash is `indent` spaces in.
pub(crate) fn entry(c: &NewComment, indent: usize) -> String {
    entry_with(c, &Provenance::default(), indent)
}

/// One fetched comment, with where it came from and its state, as a sequence item.
pub(crate) fn entry_with(c: &NewComment, p: &Provenance, indent: usize) -> String {
    let dash = " ".repeat(indent);
    let pad = " ".repeat(indent + 2);
    let mut out = format!("{dash}- id: {}\n", yaml::quoted(&c.id));
    let mut field = |key: &str, value: String| out.push_str(&format!("{pad}{key}: {value}\n"));
    if let Some(parent) = &c.parent {
        field("parent", yaml::quoted(parent));
    }
    if let Some(replied_to) = &c.replied_to {
        field("replied_to", yaml::quoted(replied_to));
    }
    if let Some(author) = &c.author {
        field("author", yaml::quoted(author));
    }
    if let Some(url) = &c.url {
        field("url", yaml::quoted(url));
    }
    if let Some(date) = &c.date {
        field("date", dates::rfc3339(date));
    }
    match c.role {
        Role::Reader => {}
        Role::Author => field("role", "author".into()),
        Role::Mention => field("role", "mention".into()),
    }
    if let Some(source) = &p.source {
        field("source", yaml::quoted(source));
    }
    if let Some(via) = &p.via {
        field("via", yaml::quoted(via));
    }
    match p.state {
        State::Published => {}
        State::Withdrawn => field("state", "withdrawn".into()),
        State::Pending => field("state", "pending".into()),
        State::Rejected => field("state", "rejected".into()),
    }
    if let Some(warning) = &p.warning {
        field("warning", yaml::quoted(warning));
    }
    if let Some(edited) = &p.edited {
        field("edited", dates::rfc3339(edited));
    }
    let body = stored_body(&c.body);
    if body.is_empty() {
        out.push_str(&format!("{pad}body: \"\"\n"));
    } else {
        let value = yaml::literal_block(&body, indent + 4)
            .unwrap_or_else(|| format!("{}\n", yaml::quoted(&body)));
        out.push_str(&format!("{pad}body: {value}"));
    }
    out
}

/// The body as the thread file holds it: trimmed, ending in one newline (what a
/// `|` block reads back as).
pub(crate) fn stored_body(body: &str) -> String {
    let trimmed = body.trim();
    if trimmed.is_empty() {
        String::new()
    } else {
        format!("{trimmed}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::threads::parse_thread;
    use std::path::Path;

    fn sample() -> Vec<NewComment> {
        let date = dates::parse("2013-03-14 15:01:21").ok();
        vec![
            NewComment {
                id: "904".into(),
                parent: None,
                replied_to: None,
                author: Some("John \"Κώστας\" Doe: #1".into()),
                url: Some("https://example.org/?a=1&b=2".into()),
                date,
                role: Role::Reader,
                body: "<p>Line one<br />\nline two</p>\n<pre>x&#10;y</pre>".into(),
            },
            NewComment {
                id: "905".into(),
                parent: Some("904".into()),
                replied_to: Some("903".into()),
                author: None,
                url: None,
                date: None,
                role: Role::Author,
                body: "weird\u{2028}separator\r".into(),
            },
            NewComment {
                id: "906".into(),
                parent: Some("905".into()),
                replied_to: None,
                author: Some("Ping".into()),
                url: None,
                date: None,
                role: Role::Mention,
                body: String::new(),
            },
        ]
    }

    #[test]
    fn thread_text_reads_back_exactly() {
        let comments = sample();
        let text = thread(&comments);
        assert!(
            text.contains("  - id: \"904\"\n    author: \"John \\\"Κώστας\\\" Doe: #1\"\n"),
            "{text}"
        );
        assert!(text.contains("    date: 2013-03-14T15:01:21Z\n"), "{text}");
        assert!(
            text.contains("    body: |\n      <p>Line one<br />\n"),
            "{text}"
        );
        let parsed = parse_thread(&text, Path::new("t.comments.yaml")).unwrap();
        for (c, p) in comments.iter().zip(&parsed.comments) {
            assert_eq!(p.id, c.id);
            assert_eq!(p.parent, c.parent);
            assert_eq!(p.replied_to, c.replied_to);
            assert_eq!(p.author, c.author);
            assert_eq!(p.url, c.url);
            assert_eq!(p.date, c.date);
            assert_eq!(p.role, c.role);
            assert_eq!(p.body, stored_body(&c.body));
        }
    }

    #[test]
    fn entries_follow_the_given_indentation() {
        let text = format!("comments:\n{}", entry(&sample()[0], 0));
        assert!(
            text.starts_with("comments:\n- id: \"904\"\n  author:"),
            "{text}"
        );
        assert!(parse_thread(&text, Path::new("t")).is_ok());
    }

    #[test]
    fn documents_have_front_matter() {
        let doc = NewDocument {
            kind: Kind::Post,
            slug: "hello".into(),
            title: "It's \"here\"".into(),
            date: dates::parse("2012-01-03T17:11:37Z").ok(),
            tags: vec!["Rust".into()],
            categories: Vec::new(),
            aliases: vec!["/2012/01/03/hello/".into()],
            draft: true,
            summary: None,
            image: Some("/wp-content/uploads/a \"b\".jpg".into()),
            wordpress_id: Some(7),
            old_addresses: Vec::new(),
            body: "<p>Hi</p>".into(),
        };
        assert_eq!(document_path(&doc), "posts/hello.md");
        assert_eq!(
            document(&doc),
            "---\ntitle: \"It's \\\"here\\\"\"\ndate: 2012-01-03T17:11:37Z\ndraft: true\ntags:\n  - \"Rust\"\naliases:\n  - \"/2012/01/03/hello/\"\nextra:\n  wordpress_id: 7\n  image: \"/wp-content/uploads/a \\\"b\\\".jpg\"\n---\n<p>Hi</p>\n"
        );
    }
}
