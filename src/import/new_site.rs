//! A site made from a WordPress export, for `rapport import wordpress FILE --root DIR`
//! on a folder without `site.toml`: the blog's title, description, address and
//! language, and its author when one person wrote the published posts. The starter
//! content of `rapport init` is left out (the export is the content); the rest of the
//! site's skeleton is `init`'s own.

use std::collections::BTreeMap;
use std::path::Path;

use crate::config::{self, CONFIG_FILE};
use crate::content::Taxonomy;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::import::html;
use crate::import::wxr::Channel;

/// What the export says about the blog, gathered while it is first read.
#[derive(Debug, Default)]
pub(crate) struct Blog {
    title: String,
    description: String,
    language: String,
    link: String,
    /// The channel's `wp:author`s, in file order.
    authors: Vec<Author>,
    /// Login → how many published posts name it as `dc:creator`.
    published_by: BTreeMap<String, usize>,
    /// Every address the export gives the blog (`link`, `wp:base_blog_url`).
    addresses: Vec<String>,
    /// A post or page is filed under a category of its own (not "Uncategorized").
    categories: bool,
}

#[derive(Debug, Clone)]
struct Author {
    login: String,
    id: Option<u64>,
    name: String,
}

impl Blog {
    pub(crate) fn note_channel(&mut self, fact: Channel) {
        match fact {
            Channel::Title(t) => self.title = t,
            Channel::Description(d) => self.description = d,
            Channel::Language(l) => self.language = l,
            Channel::Link(l) => {
                self.note_address(&l);
                self.link = l;
            }
        }
    }

    pub(crate) fn note_address(&mut self, url: &str) {
        if !self.addresses.iter().any(|a| a == url) {
            self.addresses.push(url.to_string());
        }
    }

    /// Every address the export gives the blog, the `link` first.
    pub(crate) fn addresses(&self) -> &[String] {
        &self.addresses
    }

    pub(crate) fn note_author(&mut self, login: &str, id: Option<u64>, name: &str) {
        self.authors.push(Author {
            login: login.to_string(),
            id,
            name: name.to_string(),
        });
    }

    /// A post or page of the export is filed under a real category.
    pub(crate) fn note_categories(&mut self) {
        self.categories = true;
    }

    /// Whether the export files anything under a real category.
    pub(crate) fn uses_categories(&self) -> bool {
        self.categories
    }

    pub(crate) fn note_published_post(&mut self, creator: &str) {
        if creator.is_empty() {
            return;
        }
        *self.published_by.entry(creator.to_string()).or_default() += 1;
    }
}

/// The site to create: its `site.toml` and what the import needs from it.
#[derive(Debug)]
pub(crate) struct NewSite {
    toml: String,
    /// The author's WordPress user id, to recognise their replies.
    pub(crate) author_id: Option<u64>,
    /// It files posts under categories, as the export does.
    pub(crate) categories: bool,
    /// The path part of its `base_url` (`/`, `/blog/`).
    pub(crate) base_path: String,
    /// Said in the report when the export gave no usable address.
    pub(crate) warning: Option<String>,
}

impl NewSite {
    /// Adds `table` at the end of its site.toml; returns the line it starts on.
    pub(crate) fn append(&mut self, table: &str) -> usize {
        let line = self.toml.lines().count() + 1;
        self.toml.push_str(table);
        line
    }
}

/// Whether the import should make a site at `root`: it has no `site.toml`, and it is
/// a new folder or one that is not inside a site (where the import belongs to that
/// site, as every command says).
pub(crate) fn wanted(root: &Path) -> bool {
    !root.join(CONFIG_FILE).exists() && (!root.exists() || config::site_above(root).is_none())
}

/// The site `blog` describes, with the author `chosen` (`--author LOGIN`) or the one
/// who wrote every published post. `export` is the file, for messages.
pub(crate) fn describe(blog: &Blog, chosen: Option<&str>, export: &Path) -> Result<NewSite> {
    let author = match chosen {
        Some(login) => Some(named_author(blog, login, export)?),
        None => sole_author(blog, export)?,
    };
    let (base_url, base_path, warning) = match config::resolve_base_url(&blog.link) {
        Ok((url, path)) => (url, path, None),
        Err(_) => (
            "https://example.org/".to_string(),
            "/".to_string(),
            Some(format!(
                "the export gives no usable address for the blog ({:?}), so base_url is https://example.org/: set it in site.toml to where the site will be published",
                blog.link
            )),
        ),
    };
    let mut toml = String::new();
    let mut line = |key: &str, value: &str| toml.push_str(&format!("{key} = {}\n", quoted(value)));
    let title = html::plain_text(&blog.title);
    line("title", if title.is_empty() { "My blog" } else { &title });
    line("base_url", &base_url);
    let description = html::plain_text(&blog.description);
    if !description.is_empty() {
        line("description", &description);
    }
    if is_language_tag(&blog.language) {
        line("language", &blog.language);
    }
    if blog.categories {
        let both = [Taxonomy::Tags, Taxonomy::Categories];
        toml.push_str(&format!("{}\n", crate::content::config_line(&both)));
    }
    if let Some(author) = &author {
        toml.push_str(&author_table(author));
    }
    Ok(NewSite {
        toml,
        author_id: author.and_then(|a| a.id),
        categories: blog.categories,
        base_path,
        warning,
    })
}

/// Writes the site's skeleton (as `rapport init` has it) and, last, its `site.toml`:
/// called once the content is in, so a failed import leaves no site behind it.
pub(crate) fn write(root: &Path, site: &NewSite) -> Result<()> {
    crate::init::write_skeleton(root)?;
    let path = root.join(CONFIG_FILE);
    std::fs::write(&path, &site.toml).map_err(|e| Error::io(&path, "cannot write", e))
}

fn author_table(author: &Author) -> String {
    let name = html::plain_text(&author.name);
    let name = if name.is_empty() {
        &author.login
    } else {
        &name
    };
    let mut table = format!("\n[author]\nname = {}\n", quoted(name));
    if let Some(id) = author.id {
        table.push_str(&format!("wordpress_user_id = {id}\n"));
    }
    table
}

/// A TOML string.
fn quoted(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// `en`, `fr-FR`, `zh-Hans`: what `<html lang>` takes.
fn is_language_tag(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 35
        && text.split('-').all(|part| {
            !part.is_empty() && part.len() <= 8 && part.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

fn named_author(blog: &Blog, login: &str, export: &Path) -> Result<Author> {
    let found = blog.authors.iter().find(|a| a.login == login).cloned();
    let wrote = blog.published_by.contains_key(login);
    match found {
        Some(author) => Ok(author),
        None if wrote => Ok(Author {
            login: login.to_string(),
            id: None,
            name: String::new(),
        }),
        None => Err(Error::from(Diagnostic::new(
            Location::new(export, None),
            format!("the export has no author with the login {login:?}"),
            format!(
                "pass one of its authors' logins to --author: {}",
                logins(blog)
            ),
        ))),
    }
}

/// The author of every published post; with no published post, the export's only
/// author. `None` when the export names no one.
fn sole_author(blog: &Blog, export: &Path) -> Result<Option<Author>> {
    let login = match blog.published_by.len() {
        0 if blog.authors.len() == 1 => blog.authors[0].login.clone(),
        0 => return Ok(None),
        1 => blog.published_by.keys().next().cloned().unwrap_or_default(),
        n => {
            let counts: Vec<String> = blog
                .published_by
                .iter()
                .map(|(login, posts)| {
                    format!(
                        "{login} ({})",
                        crate::import::report::plural(*posts, "post")
                    )
                })
                .collect();
            // The one with most posts; of equals, the first by login.
            let most = blog
                .published_by
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)));
            let first = most.map(|(login, _)| login.clone()).unwrap_or_default();
            return Err(Error::from(Diagnostic::new(
                Location::new(export, None),
                format!(
                    "the published posts have {n} authors, and a new site has one: {}",
                    counts.join(", ")
                ),
                format!(
                    "choose the site's author with --author LOGIN, e.g. --author {first}; the posts of every author are imported"
                ),
            )));
        }
    };
    named_author(blog, &login, export).map(Some)
}

fn logins(blog: &Blog) -> String {
    let mut all: Vec<&str> = blog.authors.iter().map(|a| a.login.as_str()).collect();
    all.extend(blog.published_by.keys().map(String::as_str));
    all.sort_unstable();
    all.dedup();
    if all.is_empty() {
        "it names none, so leave --author out".to_string()
    } else {
        all.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blog() -> Blog {
        let mut blog = Blog::default();
        blog.note_channel(Channel::Title("Ann &amp; \"her\" garden".into()));
        blog.note_channel(Channel::Link("https://old.example/blog".into()));
        blog.note_channel(Channel::Language("fr-FR".into()));
        blog.note_author("ann", Some(3), "Ann B.");
        blog.note_author("bob", None, "");
        blog
    }

    #[test]
    fn the_site_toml_says_what_the_export_says() {
        let mut blog = blog();
        blog.note_published_post("ann");
        let site = describe(&blog, None, Path::new("x.xml")).unwrap();
        assert_eq!(
            site.toml,
            "title = 'Ann & \"her\" garden'\nbase_url = \"https://old.example/blog/\"\nlanguage = \"fr-FR\"\n\n[author]\nname = \"Ann B.\"\nwordpress_user_id = 3\n"
        );
        assert_eq!(site.author_id, Some(3));
        assert!(site.warning.is_none());
        let parsed = config::parse(&site.toml, Path::new("site.toml"), Path::new("."));
        assert!(parsed.is_ok(), "{parsed:?}");
    }

    #[test]
    fn several_authors_must_be_chosen_from() {
        let mut blog = blog();
        blog.note_published_post("ann");
        blog.note_published_post("bob");
        blog.note_published_post("bob");
        let err = describe(&blog, None, Path::new("x.xml")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.xml: the published posts have 2 authors, and a new site has one: ann (1 post), bob (2 posts)\n  help: choose the site's author with --author LOGIN, e.g. --author bob; the posts of every author are imported"
        );
        let site = describe(&blog, Some("bob"), Path::new("x.xml")).unwrap();
        assert!(
            site.toml.ends_with("[author]\nname = \"bob\"\n"),
            "{}",
            site.toml
        );
        let err = describe(&blog, Some("carl"), Path::new("x.xml")).unwrap_err();
        assert!(err.to_string().contains("ann, bob"), "{err}");
    }

    #[test]
    fn languages_are_tags_or_left_out() {
        assert!(is_language_tag("zh-Hans-CN"));
        assert!(!is_language_tag("en US"));
        assert!(!is_language_tag("\"><script>"));
        assert!(!is_language_tag(""));
    }
}
