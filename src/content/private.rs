//! What may not be published as a file under `content/`: a file that looks like a
//! thread file under another spelling (it would go out raw, e-mail addresses
//! included), and any data file with a key that holds an e-mail or IP address.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::THREAD_SUFFIX;
use crate::error::{Diagnostic, Location};

/// Extensions of the data files checked, in lower case.
const DATA: [&str; 4] = ["yaml", "yml", "json", "toml"];

/// A key at the start of a YAML or TOML line (after any `- `), after `{` or `,`, or
/// the last part of a dotted TOML key: never a word inside a value.
static PRIVATE_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:^\s*(?:-\s+)*|[{,]\s*|^\s*[\w"'.-]+\.)["']?(email|e-mail|author_email|ip|ip_address|author_ip)["']?\s*[:=]"#,
    )
    .expect("the pattern is valid")
});

/// Why the file at `rel` (relative to the site root, under `content/`) may not be
/// published, if it may not.
pub(super) fn refuse(root: &Path, rel: &Path) -> Option<Diagnostic> {
    let name = rel.file_name()?.to_string_lossy();
    let (stem, extension) = name.rsplit_once('.')?;
    if !DATA.contains(&extension.to_ascii_lowercase().as_str()) {
        return None;
    }
    if let Some(expected) = thread_name(stem, &root.join(rel)) {
        return Some(Diagnostic::new(
            Location::new(rel, None),
            format!("this looks like a thread file, but thread files end in {THREAD_SUFFIX}"),
            expected,
        ));
    }
    let text = std::fs::read(root.join(rel)).ok()?;
    let text = String::from_utf8_lossy(&text);
    let (line, key) = text.lines().enumerate().find_map(|(i, line)| {
        let key = PRIVATE_KEY.captures(line)?.get(1)?.as_str().to_string();
        Some((i + 1, key))
    })?;
    Some(Diagnostic::new(
        Location::new(rel, Some(line)),
        format!("this file would be published as is, and it has an {key:?} key"),
        "rapport never publishes e-mail or IP addresses: remove that key, or move the file out of content/",
    ))
}

/// What to do with a data file named like a thread file (`a.comments.yml`,
/// `comments.yaml`, ...), or `None` when its name is not one.
fn thread_name(stem: &str, path: &Path) -> Option<String> {
    let lower = stem.to_ascii_lowercase();
    let post = ["comments", "comment"]
        .iter()
        .find_map(|word| lower.strip_suffix(word))?
        .trim_end_matches(['.', '-', '_']);
    if !post.is_empty() {
        return Some(format!(
            "rename it to {}{THREAD_SUFFIX}",
            &stem[..post.len()]
        ));
    }
    let bundle = path
        .parent()
        .is_some_and(|dir| dir.join("index.md").is_file());
    Some(match bundle {
        true => format!("rename it to index{THREAD_SUFFIX}"),
        false => format!(
            "name it after its post: the conversation of X.md is X{THREAD_SUFFIX} beside it"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_private_keys_not_words() {
        for line in [
            "email: a@b.c",
            "  - ip: 1.2.3.4",
            "{\"name\": \"x\", \"author_email\": \"a@b.c\"}",
            "author.email = \"a@b.c\"",
            "IP_Address = \"1.2.3.4\"",
            "{name: x, email: y}",
        ] {
            assert!(PRIVATE_KEY.is_match(line), "{line}");
        }
        for line in [
            "note: write me an email: soon",
            "tip: 3",
            "zip: 12345",
            "\"emails_sent\": 3",
        ] {
            assert!(!PRIVATE_KEY.is_match(line), "{line}");
        }
    }

    #[test]
    fn names_the_thread_file_a_lookalike_should_be() {
        let nowhere = Path::new("/nonexistent/x");
        for (stem, expected) in [
            ("a.comments", "rename it to a.comments.yaml"),
            ("Trip.Comments", "rename it to Trip.comments.yaml"),
            ("a-comment", "rename it to a.comments.yaml"),
        ] {
            assert_eq!(thread_name(stem, nowhere).as_deref(), Some(expected));
        }
        assert!(thread_name("comments", nowhere).is_some());
        assert_eq!(thread_name("points", nowhere), None);
    }
}
