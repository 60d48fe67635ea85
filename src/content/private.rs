//! What may not be published as a file under `content/`: a file that looks like a
//! thread file under another spelling or a copy of one (it would go out raw, e-mail
//! addresses included), and any data file with a key that holds an e-mail or IP
//! address.

use std::path::Path;
use std::sync::LazyLock;

use regex::Regex;

use super::THREAD_SUFFIX;
use crate::error::{Diagnostic, Location};
use crate::limits::{self, ReadError};

/// Extensions of the data files whose keys are checked, in lower case; the first
/// four could be a misnamed thread file.
const DATA: [&str; 5] = ["yaml", "yml", "json", "toml", "xml"];

/// Every key of a YAML or TOML line: at its start (after any `- `), after `{` or `,`.
/// For a file its parser refuses, where the keys cannot be read otherwise.
static LINE_KEYS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:^\s*(?:-\s+)*|[{,]\s*)["']?([\w.$@-]+)["']?\s*[:=]"#)
        .expect("the pattern is valid")
});

/// The names of an XML line's elements and attributes (without their prefix): an
/// export left in `content/` (`<wp:comment_author_email>`).
static XML_NAMES: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?:<\s*/?\s*|\s)(?:[\w.-]+:)?([\w.-]+)(?:\s*=\s*["']|[\s/>])"#)
        .expect("the pattern is valid")
});

/// A copy of a thread file as editors and merge tools leave them beside it
/// (`a.comments.yaml.orig`, `a.comments.yaml~`, `.a.comments.yaml.swp`).
static THREAD_COPY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)comments?\.(?:ya?ml|json|toml)(?:[^a-z0-9]|$)").expect("the pattern is valid")
});

/// Why the file at `rel` (relative to the site root, under `content/`) may not be
/// published, if it may not.
pub(super) fn refuse(root: &Path, rel: &Path) -> Option<Diagnostic> {
    let name = rel.file_name()?.to_string_lossy();
    let (stem, extension) = name.rsplit_once('.').unwrap_or((&name, ""));
    let extension = extension.to_ascii_lowercase();
    let data = DATA.contains(&extension.as_str());
    if data && extension != "xml" {
        if let Some(expected) = thread_name(stem, &root.join(rel)) {
            return Some(Diagnostic::new(
                Location::new(rel, None),
                format!("this looks like a thread file, but thread files end in {THREAD_SUFFIX}"),
                expected,
            ));
        }
    }
    if THREAD_COPY.is_match(&name) {
        return Some(Diagnostic::new(
            Location::new(rel, None),
            "this looks like a copy of a thread file; it would be published as is, with every comment it holds (pending ones and e-mail addresses included)",
            "remove it, or move it out of content/",
        ));
    }
    if !data {
        return None;
    }
    let full = root.join(rel);
    let text = match limits::read_data_file(&full) {
        Ok(text) => text,
        Err(e @ ReadError::TooLarge(_)) => return Some(e.diagnostic(rel, &full)),
        // Reported when the file is copied.
        Err(ReadError::Io(_)) => return None,
    };
    let text = String::from_utf8_lossy(&text);
    let (line, key) = private_key(&text, &extension, rel)?;
    Some(Diagnostic::new(
        Location::new(rel, line),
        format!("this file would be published as is, and it has an {key:?} key"),
        "rapport never publishes e-mail or IP addresses: remove that key, or move the file out of content/",
    ))
}

/// The first key of `text` (a data file with `extension`) that names an e-mail or IP
/// address, and its line when it can be told. The keys are read as the file's own
/// parser reads them (`"e\u006dail"` is `email`), or line by line when it does not
/// parse.
fn private_key(text: &str, extension: &str, rel: &Path) -> Option<(Option<usize>, String)> {
    let parsed: Option<serde_json::Value> = match extension {
        "json" => serde_json::from_str(text).ok(),
        "yaml" | "yml" => crate::yaml::from_str_at(text, rel, 1).ok(),
        "toml" => toml::from_str(text).ok(),
        _ => None,
    };
    let names = if extension == "xml" {
        &XML_NAMES
    } else {
        &LINE_KEYS
    };
    let by_line = text.lines().enumerate().find_map(|(i, line)| {
        (names.captures_iter(line))
            .filter_map(|c| Some(c.get(1)?.as_str()))
            .find(|key| is_private_key(key))
            .map(|key| (Some(i + 1), key.to_string()))
    });
    let Some(parsed) = parsed else {
        return by_line;
    };
    let key = first_private_key(&parsed)?;
    // Spelled plainly, the line says where it is; written otherwise, the file does.
    match by_line {
        Some((line, written)) if written.eq_ignore_ascii_case(&key) => Some((line, written)),
        _ => Some((None, key)),
    }
}

/// The first key at any depth of `value` that names an e-mail or IP address.
fn first_private_key(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Object(fields) => fields.iter().find_map(|(key, value)| {
            is_private_key(key)
                .then(|| key.clone())
                .or_else(|| first_private_key(value))
        }),
        serde_json::Value::Array(items) => items.iter().find_map(first_private_key),
        _ => None,
    }
}

/// Whether a key names an e-mail or IP address, however it is written: its words
/// (split at punctuation and at case changes: `comment_author_IP`, `ipAddress`,
/// `author.email`, `E-Mail`, `remote_addr`) hold `email`, `mail`, `ip`, or `remote`
/// followed by `addr`. `emails_sent`, `zip` and `tooltip` are other words.
pub(crate) fn is_private_key(key: &str) -> bool {
    let words = words(key);
    words.iter().enumerate().any(|(i, word)| {
        let next = words.get(i + 1).map(String::as_str);
        match word.as_str() {
            "email" | "mail" | "ip" | "ipaddress" | "ipaddr" | "remoteaddr" => true,
            "e" => next == Some("mail"),
            "remote" => matches!(next, Some("addr" | "address")),
            _ => false,
        }
    })
}

/// The words of a key, in lower case: split at anything but a letter or digit, and
/// where a lower-case letter or digit meets an upper-case one (`ipAddress`) or an
/// acronym ends (`IPAddress`).
fn words(key: &str) -> Vec<String> {
    let chars: Vec<char> = key.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let starts = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_numeric()
                    || (p.is_uppercase() && next.is_some_and(|n| n.is_lowercase()))
            });
        if starts && !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
        word.extend(c.to_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
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
        let keys = |line: &str| -> Vec<String> {
            (LINE_KEYS.captures_iter(line))
                .map(|c| c[1].to_string())
                .filter(|k| is_private_key(k))
                .collect()
        };
        for line in [
            "email: a@b.c",
            "  - ip: 1.2.3.4",
            "{\"name\": \"x\", \"author_email\": \"a@b.c\"}",
            "author.email = \"a@b.c\"",
            "IP_Address = \"1.2.3.4\"",
            "{name: x, email: y}",
            "comment_author_IP: 1.2.3.4",
            "\"ipAddress\": \"1.2.3.4\"",
            "remote_addr: 1.2.3.4",
            "E-Mail: a@b.c",
        ] {
            assert!(!keys(line).is_empty(), "{line}");
        }
        for line in [
            "note: write me an email: soon",
            "tip: 3",
            "zip: 12345",
            "\"emails_sent\": 3",
            "tooltip: x",
            "shipping: y",
        ] {
            assert!(keys(line).is_empty(), "{line}");
        }
    }

    #[test]
    fn reads_keys_as_their_parser_does() {
        let rel = Path::new("content/a.json");
        let escaped = "[{\"name\": \"A\", \"e\\u006dail\": \"x@y\"}]";
        assert_eq!(
            private_key(escaped, "json", rel),
            Some((None, "email".into()))
        );
        let tagged = "- name: B\n  !!str email: x@y\n";
        assert_eq!(
            private_key(tagged, "yaml", rel),
            Some((None, "email".into()))
        );
        let plain = "title: x\nitems:\n  - email: x@y\n";
        assert_eq!(
            private_key(plain, "yaml", rel),
            Some((Some(3), "email".into()))
        );
        let export = "<item>\n<wp:comment_author_email>x@y</wp:comment_author_email>\n";
        assert_eq!(
            private_key(export, "xml", rel),
            Some((Some(2), "comment_author_email".into()))
        );
        assert_eq!(private_key("{\"tags\": [\"ip\"]}", "json", rel), None);
    }

    #[test]
    fn copies_of_thread_files_are_refused() {
        for name in [
            "a.comments.yaml.orig",
            "a.comments.yaml~",
            ".a.comments.yaml.swp",
            "#a.comments.yaml#",
            "a.Comments.YML.bak",
        ] {
            assert!(THREAD_COPY.is_match(name), "{name}");
        }
        for name in ["comments-policy.txt", "a.comments.yamlish", "photo.png"] {
            assert!(!THREAD_COPY.is_match(name), "{name}");
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
