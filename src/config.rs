//! `site.toml`: the raw schema as the user writes it (`RawConfig`, unknown keys
//! rejected) and the resolved configuration the rest of the program uses
//! (`SiteConfig`: paths, base URL split into origin and path prefix, defaults).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::content::Taxonomy;
use crate::error::{read_text, Diagnostic, Error, Location, Result};
use crate::explain::{self, Syntax};
use crate::render::feeds::FeedFormat;
use crate::render::i18n::Strings;
use crate::site::urls::PostPattern;

pub const CONFIG_FILE: &str = "site.toml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    // Spanned: the values checked in `resolve` are located by where the parser found
    // them, however the key is written (`"base_url"`, `comments.max_depth`, inline).
    base_url: Spanned<String>,
    #[serde(default)]
    description: String,
    language: Option<Spanned<String>>,
    theme: Option<Spanned<String>>,
    posts_per_page: Option<Spanned<usize>>,
    #[serde(default)]
    author: RawAuthor,
    #[serde(default)]
    comments: RawComments,
    #[serde(default)]
    feeds: RawFeeds,
    #[serde(default)]
    deploy: RawDeploy,
    favicon: Option<Spanned<String>>,
    #[serde(default)]
    menu: Vec<RawMenuEntry>,
    #[serde(default)]
    permalinks: RawPermalinks,
    taxonomies: Option<Spanned<Vec<Spanned<String>>>>,
    strings: Option<crate::render::i18n::RawStrings>,
    #[serde(default)]
    fetch: RawFetch,
    #[serde(default)]
    engagement: RawEngagement,
    #[serde(default)]
    highlight: RawHighlight,
    #[serde(default)]
    extra: toml::Table,
}

/// Code colours: syntect theme names for light and dark screens.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHighlight {
    light: Option<Spanned<String>>,
    dark: Option<Spanned<String>>,
}

/// The Conversations page.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEngagement {
    /// Once the page's introduction, now `conversations_intro` of `[strings]`: an
    /// error that says so.
    intro: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPermalinks {
    posts: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFetch {
    webmention_io: Option<RawWebmentionIo>,
    #[serde(default)]
    mastodon: bool,
    #[serde(default)]
    bluesky: bool,
    staticman: Option<RawStaticman>,
    /// Only here to say where a token goes instead.
    token: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWebmentionIo {
    domain: Spanned<String>,
    /// Only here to say where the token goes instead.
    token: Option<Spanned<toml::Value>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStaticman {
    folder: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMenuEntry {
    name: String,
    url: Spanned<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAuthor {
    name: Option<String>,
    wordpress_user_id: Option<u64>,
    #[serde(default)]
    links: Vec<Spanned<String>>,
    #[serde(default)]
    accounts: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComments {
    max_depth: Option<Spanned<usize>>,
    #[serde(default)]
    review: bool,
    #[serde(default)]
    deny: Vec<Spanned<String>>,
    reply_email: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeeds {
    posts: Option<usize>,
    comments: Option<usize>,
    formats: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDeploy {
    host: Option<Spanned<String>>,
}

/// Where the site is published (`[deploy] host`), for the files that host reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeployHost {
    /// Gets `.nojekyll`.
    GithubPages,
    /// Gets `_redirects` with forced 301s: Netlify serves an existing file before a
    /// redirect that is not forced, and the alias pages stay as a fallback.
    Netlify,
    /// Gets `_redirects`; its redirects always come before files.
    CloudflarePages,
}

impl DeployHost {
    /// Whether the build writes `_redirects` for this host.
    pub fn reads_redirects(self) -> bool {
        matches!(self, DeployHost::Netlify | DeployHost::CloudflarePages)
    }

    const NAMES: [(&'static str, DeployHost); 3] = [
        ("github-pages", DeployHost::GithubPages),
        ("netlify", DeployHost::Netlify),
        ("cloudflare-pages", DeployHost::CloudflarePages),
    ];
}

/// The resolved site configuration.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    pub root: PathBuf,
    pub title: String,
    pub description: String,
    pub language: String,
    /// Full base URL, always ending in `/` (e.g. `https://example.github.io/blog/`).
    pub base_url: String,
    /// The path part of `base_url`, always starting and ending in `/` (e.g. `/blog/`).
    pub base_path: String,
    /// `None` is the embedded default theme.
    pub theme: Option<String>,
    pub posts_per_page: usize,
    pub author_name: Option<String>,
    pub wordpress_user_id: Option<u64>,
    /// The author's profiles elsewhere (http(s) URLs), linked with `rel="me"`.
    pub author_links: Vec<String>,
    /// `[[menu]]` entries as (name, URL) as written: a site-relative URL gets the base
    /// path when pages are rendered, after any `--base-url`.
    pub menu: Vec<(String, String)>,
    /// The favicon's file name in `static/`, when the site has one.
    pub favicon: Option<String>,
    /// Where posts are published (`[permalinks] posts`).
    pub permalinks: PostPattern,
    /// The taxonomies posts are filed under (`taxonomies`), in the order site.toml
    /// names them; tags alone by default.
    pub taxonomies: Vec<Taxonomy>,
    /// `[highlight]`: the code colour themes (light, dark), when the site chose any.
    pub highlight: Option<crate::render::highlight::CodeThemes>,
    pub max_depth: usize,
    pub feed_posts: usize,
    pub feed_comments: usize,
    /// `[deploy] host`: where the site is published, when site.toml says.
    pub deploy_host: Option<DeployHost>,
    /// The formats of the posts and comments feeds, at least one, in the order
    /// site.toml names them; Atom alone by default.
    pub feed_formats: Vec<FeedFormat>,
    /// The author's accounts elsewhere (profile URLs, `did:` identifiers): a fetched
    /// response is the author's only when its account is one of these or of
    /// `author_links`, exactly.
    pub author_accounts: Vec<String>,
    /// What `rapport fetch` asks, from `[fetch]`.
    pub fetch: FetchConfig,
    /// `[comments] review` and `deny`: what `rapport fetch` holds back.
    pub moderation: crate::moderation::Moderation,
    /// `[comments] reply_email`: where a post's "Reply by email" link writes to.
    pub reply_email: Option<String>,
    pub extra: tera::Value,
    /// The words pages show, in `language`.
    pub strings: Arc<Strings>,
}

/// The sources `rapport fetch` asks. Tokens are never here: they come from the
/// environment (`WEBMENTION_IO_TOKEN`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FetchConfig {
    /// The domain webmention.io receives mentions for (`[fetch] webmention_io`).
    pub webmention_io: Option<String>,
    /// Replies to the Mastodon statuses each post names in `syndication:`.
    pub mastodon: bool,
    /// Replies to the Bluesky posts each post names in `syndication:`.
    pub bluesky: bool,
    /// The folder of form-submitted comments (`[fetch] staticman = { folder }`),
    /// relative to the site's folder and inside it.
    pub staticman: Option<PathBuf>,
}

impl SiteConfig {
    pub fn content_dir(&self) -> PathBuf {
        self.root.join("content")
    }
    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }
    pub fn theme_dir(&self) -> Option<PathBuf> {
        self.theme
            .as_ref()
            .map(|t| self.root.join("themes").join(t))
    }

    /// Replaces the base URL (the `--base-url` flag).
    pub fn set_base_url(&mut self, url: &str, origin: &Path) -> Result<()> {
        let (base_url, base_path) = resolve_base_url(url)
            .map_err(|msg| Diagnostic::new(Location::new(origin, None), msg, BASE_URL_HELP))?;
        self.base_url = base_url;
        self.base_path = base_path;
        Ok(())
    }
}

const BASE_URL_HELP: &str =
    "write the address the site is published at, e.g. base_url = \"https://example.github.io/blog/\"";

/// Loads `site.toml` from `root`.
pub fn load(root: &Path) -> Result<SiteConfig> {
    let path = root.join(CONFIG_FILE);
    // `./site.toml` is just `site.toml` to the user.
    let shown = path.strip_prefix(".").unwrap_or(&path);
    if !root.is_dir() {
        return Err(Error::from(Diagnostic::new(
            Location::new(root, None),
            "this folder does not exist",
            format!(
                "pass the site's folder with --root, or create a site here with `rapport init {}`",
                root.display()
            ),
        )));
    }
    if let Some(what) = std::fs::metadata(&path).ok().filter(|m| !m.is_file()) {
        let problem = match what.is_dir() {
            true => "this is a folder, not a file",
            false => crate::limits::NOT_A_FILE,
        };
        return Err(Error::from(Diagnostic::new(
            Location::new(shown, None),
            problem,
            "replace it with a file holding the site's settings (`rapport init DIR` writes one)",
        )));
    }
    if !path.is_file() {
        let help = match site_above(root) {
            Some(site) => format!(
                "this folder is inside the site at {}: run rapport there, or pass --root {}",
                site.display(),
                site.display()
            ),
            None => "run rapport in a site's folder, pass --root DIR, or create a site with `rapport init DIR`".to_string(),
        };
        return Err(Error::from(Diagnostic::new(
            Location::new(shown, None),
            "no site.toml here",
            help,
        )));
    }
    let text = read_text(&path)?;
    parse(&text, shown, root)
}

/// The nearest folder above `root` (as written) that holds a site.toml.
pub(crate) fn site_above(root: &Path) -> Option<PathBuf> {
    root.ancestors()
        .skip(1)
        .map(|p| {
            if p.as_os_str().is_empty() {
                Path::new(".")
            } else {
                p
            }
        })
        .find(|p| p.join(CONFIG_FILE).is_file())
        .map(Path::to_path_buf)
}

/// Parses the text of `site.toml` (at `path`) into a resolved configuration.
pub fn parse(text: &str, path: &Path, root: &Path) -> Result<SiteConfig> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(&e, text, path))?;
    resolve(raw, text, path, root)
}

/// A TOML error as the user should read it: the line and column, what is wrong in
/// their terms, and what to write.
pub(crate) fn toml_error(e: &toml::de::Error, text: &str, path: &Path) -> Diagnostic {
    let start = e.span().map(|s| s.start.min(text.len()));
    let line_text = start.map_or("", |at| {
        let from = text[..at].rfind('\n').map_or(0, |i| i + 1);
        text[from..].lines().next().unwrap_or_default()
    });
    let key = line_text
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"'))
        .filter(|k| !k.is_empty());
    let message = e.message().trim();
    let said = explain::explain(message, key, Syntax::Toml).unwrap_or_else(|| {
        let key = key.unwrap_or("title");
        let value = line_text.split_once('=').map_or("", |(_, v)| v.trim());
        let (message, help) = if message.starts_with("invalid basic string") {
            (
                "a quote opened on this line is never closed".to_string(),
                "end the text with \" on the same line (write \\\" for a quote inside it)"
                    .to_string(),
            )
        } else if message.starts_with("invalid string") && value.is_empty() {
            (
                format!("`{key}` has no value"),
                format!(
                    "write the value after the equals sign, e.g. {key} = {}",
                    explain::example(key)
                ),
            )
        } else if message.starts_with("invalid string") {
            (
                format!("the value of `{key}` must be in double quotes"),
                format!("write {key} = \"{}\"", value.trim_matches(['"', '\''])),
            )
        } else if let Some(rest) = message.strip_prefix("duplicate key `") {
            let key = rest.split('`').next().unwrap_or_default();
            let said = explain::duplicate(key);
            (said.message, said.help)
        } else if message.starts_with("expected `.`, `=`") {
            (
                "this line is not of the form `key = value`".to_string(),
                "write the key, an equals sign and the value, e.g. title = \"My blog\"".to_string(),
            )
        } else if message.is_empty() && value.is_empty() {
            (
                format!("`{key}` has no value"),
                format!(
                    "write the value after the equals sign, e.g. {key} = {}",
                    explain::example(key)
                ),
            )
        } else {
            (
                match message {
                    "" => "this is not valid TOML".to_string(),
                    m => m.replace('\n', " "),
                },
                "fix the TOML here (text needs double quotes; tables are written [name])"
                    .to_string(),
            )
        };
        explain::Explained { message, help }
    });
    // A missing key is about the whole file, not the line the parser stopped on.
    let location = match start {
        Some(_) if message.starts_with("missing field") => Location::new(path, None),
        Some(at) => {
            let before = &text[..at];
            let from = before.rfind('\n').map_or(0, |i| i + 1);
            Location::at(
                path,
                line_of_offset(text, at),
                before[from..].chars().count() + 1,
            )
        }
        None => Location::new(path, None),
    };
    Diagnostic::new(location, said.message, said.help)
}

fn resolve(raw: RawConfig, text: &str, path: &Path, root: &Path) -> Result<SiteConfig> {
    let RawConfig {
        title,
        base_url,
        description,
        language,
        theme,
        posts_per_page,
        author,
        comments,
        feeds,
        deploy,
        favicon,
        menu,
        permalinks,
        taxonomies,
        engagement,
        fetch,
        highlight,
        strings,
        extra,
    } = raw;
    let at =
        |span: std::ops::Range<usize>| Location::new(path, Some(line_of_offset(text, span.start)));
    let (base_url, base_path) = resolve_base_url(base_url.get_ref())
        .map_err(|msg| Diagnostic::new(at(base_url.span()), msg, BASE_URL_HELP))?;
    if let Some(n) = posts_per_page.as_ref().filter(|n| *n.get_ref() == 0) {
        return Err(Diagnostic::new(
            at(n.span()),
            "posts_per_page must be at least 1",
            "set posts_per_page = 10, or remove the key for the default",
        )
        .into());
    }
    let posts_per_page = posts_per_page.map_or(10, Spanned::into_inner);
    if let Some(n) = comments.max_depth.as_ref().filter(|n| *n.get_ref() == 0) {
        return Err(Diagnostic::new(
            at(n.span()),
            "comments.max_depth must be at least 1",
            "set max_depth = 5, or remove the key for the default",
        )
        .into());
    }
    let max_depth = comments.max_depth.map_or(5, Spanned::into_inner);
    if let Some(intro) = &engagement.intro {
        return Err(Diagnostic::new(
            at(intro.span()),
            "the Conversations page's introduction is written under [strings], as conversations_intro, like every word of the pages",
            format!(
                "remove `intro` from [engagement] and write under [strings]: conversations_intro = {:?}",
                intro.get_ref().trim()
            ),
        )
        .into());
    }
    let deny = comments
        .deny
        .iter()
        .map(|entry| {
            crate::moderation::Deny::parse(entry.get_ref())
                .map_err(|(message, help)| Diagnostic::new(at(entry.span()), message, help).into())
        })
        .collect::<Result<Vec<_>>>()?;
    let moderation = crate::moderation::Moderation {
        review: comments.review,
        deny,
    };
    let reply_email = comments
        .reply_email
        .map(|address| {
            let text = address.get_ref().trim();
            let plausible = text.split_once('@').is_some_and(|(user, host)| {
                !user.is_empty() && host.contains('.') && !text.contains(char::is_whitespace)
            }) && !text.contains(['<', '>', '"', '?', '&', ':']);
            match plausible {
                true => Ok(text.to_string()),
                false => Err(Diagnostic::new(
                    at(address.span()),
                    format!("reply_email {text:?} is not an e-mail address"),
                    "write the address alone, e.g. reply_email = \"pauline@example.org\"",
                )),
            }
        })
        .transpose()?;
    if let Some(name) = &theme {
        let span = name.span();
        let name = name.get_ref();
        if name.is_empty() || name.contains(['/', '\\']) || name.starts_with('.') {
            return Err(Diagnostic::new(
                at(span),
                format!("theme {name:?} is not a folder name"),
                "name a folder of themes/, e.g. theme = \"mytheme\" for themes/mytheme/",
            )
            .into());
        }
        if name != "default" && !root.join("themes").join(name).is_dir() {
            return Err(Diagnostic::new(
                at(span),
                format!("theme {name:?} has no folder themes/{name}/"),
                "create the theme's folder, or remove the theme key to use the built-in theme",
            )
            .into());
        }
    }
    let theme = theme
        .map(Spanned::into_inner)
        .filter(|t| t != "default" || root.join("themes/default").is_dir());
    let author_links = author
        .links
        .into_iter()
        .map(|link| {
            check_link(link.get_ref(), false).map_err(|msg| {
                Diagnostic::new(
                    at(link.span()),
                    format!("author link {msg}"),
                    "write the full address of a profile, e.g. links = [\"https://social.example/@me\"]",
                )
            })?;
            Ok(link.into_inner().trim().to_string())
        })
        .collect::<Result<Vec<_>>>()?;
    let menu = menu
        .into_iter()
        .map(|entry| {
            check_link(entry.url.get_ref(), true).map_err(|msg| {
                Diagnostic::new(
                    at(entry.url.span()),
                    format!("menu url {msg}"),
                    "write an http(s) address or a path on this site, e.g. url = \"/about/\"",
                )
            })?;
            Ok((entry.name, entry.url.into_inner().trim().to_string()))
        })
        .collect::<Result<Vec<_>>>()?;
    let feed_formats = resolve_feed_formats(feeds.formats)
        .map_err(|(span, msg)| Diagnostic::new(at(span), msg, FEED_FORMATS_HELP))?;
    let taxonomies = resolve_taxonomies(taxonomies)
        .map_err(|(span, msg)| Diagnostic::new(at(span), msg, TAXONOMIES_HELP))?;
    let deploy_host = match deploy.host {
        None => None,
        Some(host) => Some(
            DeployHost::NAMES
                .into_iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(host.get_ref().trim()))
                .map(|(_, host)| host)
                .ok_or_else(|| {
                    Diagnostic::new(
                        at(host.span()),
                        format!("deploy.host: {:?} is not a host rapport knows", host.get_ref()),
                        "write host = \"github-pages\", \"netlify\" or \"cloudflare-pages\", or remove the key (any other host serves the site as it is)",
                    )
                })?,
        ),
    };
    let author_accounts = author
        .accounts
        .into_iter()
        .map(|account| {
            let text = account.get_ref().trim();
            if text.starts_with("did:") && text.len() > 4 && !text.contains(char::is_whitespace) {
                return Ok(text.to_string());
            }
            check_link(text, false).map_err(|msg| {
                Diagnostic::new(
                    at(account.span()),
                    format!("author account {msg}"),
                    "write the full address of a profile, e.g. accounts = [\"https://social.example/@me\"], or a Bluesky DID (did:plc:...)",
                )
            })?;
            Ok(text.to_string())
        })
        .collect::<Result<Vec<_>>>()?;
    let fetch = resolve_fetch(fetch, &at)?;
    let favicon = resolve_favicon(favicon, root).map_err(|(span, msg)| {
        Diagnostic::new(
            at(span),
            msg,
            "put the icon in static/ and name it, e.g. favicon = \"favicon.svg\"",
        )
    })?;
    let permalinks = match permalinks.posts {
        Some(pattern) => {
            let line = line_of_offset(text, pattern.span().start);
            PostPattern::parse(pattern.get_ref())
                .map_err(|e| Diagnostic::new(at(pattern.span()), e.message, e.help))?
                .at_line(line)
        }
        None => PostPattern::default(),
    };
    let check_theme = |name: Option<Spanned<String>>| {
        name.map(|n| {
            crate::render::highlight::check_theme(n.get_ref())
                .map(|()| n.get_ref().clone())
                .map_err(|(message, help)| Diagnostic::new(at(n.span()), message, help))
        })
        .transpose()
    };
    let (light, dark) = (check_theme(highlight.light)?, check_theme(highlight.dark)?);
    let highlight = (light.is_some() || dark.is_some())
        .then_some(crate::render::highlight::CodeThemes { light, dark });
    let language_at = language
        .as_ref()
        .map_or(Location::new(path, None), |l| at(l.span()));
    let language = language.map_or_else(|| "en".to_string(), Spanned::into_inner);
    let theme_dir = theme.as_ref().map(|t| root.join("themes").join(t));
    let strings = Strings::load(
        &language,
        language_at,
        theme_dir.as_deref(),
        root,
        strings.as_ref(),
        (path, text),
    )?;
    let extra = tera::Value::Object(
        extra
            .into_iter()
            .map(|(k, v)| (k, toml_to_value(v)))
            .collect(),
    );
    Ok(SiteConfig {
        root: root.to_path_buf(),
        title,
        description,
        language,
        base_url,
        base_path,
        theme,
        posts_per_page,
        author_name: author.name,
        wordpress_user_id: author.wordpress_user_id,
        author_links,
        menu,
        favicon,
        permalinks,
        taxonomies,
        highlight,
        max_depth,
        feed_posts: feeds.posts.unwrap_or(20),
        feed_comments: feeds.comments.unwrap_or(50),
        feed_formats,
        deploy_host,
        author_accounts,
        fetch,
        moderation,
        reply_email,
        extra,
        strings: Arc::new(strings),
    })
}

/// `[fetch]`, refusing a token: site.toml is published with the site's sources.
fn resolve_fetch(
    raw: RawFetch,
    at: &dyn Fn(std::ops::Range<usize>) -> Location,
) -> Result<FetchConfig> {
    let token = raw
        .token
        .as_ref()
        .or(raw.webmention_io.as_ref().and_then(|w| w.token.as_ref()));
    if let Some(token) = token {
        return Err(Diagnostic::new(
            at(token.span()),
            "a token does not belong in site.toml: the file travels with the site's sources, and the token would be as public as they are",
            "remove the token from site.toml and set the environment variable WEBMENTION_IO_TOKEN instead (e.g. export WEBMENTION_IO_TOKEN=... before rapport fetch)",
        )
        .into());
    }
    let webmention_io = match raw.webmention_io {
        None => None,
        Some(w) => {
            let domain = w.domain.get_ref().trim();
            let plain =
                !domain.is_empty() && !domain.contains(['/', ':', ' ']) && domain.contains('.');
            if !plain {
                return Err(Diagnostic::new(
                    at(w.domain.span()),
                    format!("webmention_io domain {domain:?} is not a domain name"),
                    "write the site's domain as webmention.io knows it, e.g. webmention_io = { domain = \"example.org\" }",
                )
                .into());
            }
            Some(domain.to_string())
        }
    };
    let staticman = match raw.staticman {
        None => None,
        Some(s) => {
            let folder = Path::new(s.folder.get_ref().trim());
            let inside = !folder.as_os_str().is_empty()
                && folder
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
            if !inside {
                return Err(Diagnostic::new(
                    at(s.folder.span()),
                    format!(
                        "staticman folder {:?} is not a folder inside the site",
                        s.folder.get_ref()
                    ),
                    "name the comments' folder relative to the site's folder, e.g. staticman = { folder = \"data/comments\" }",
                )
                .into());
            }
            // Its files hold what the form sent, e-mail hashes included.
            let published = ["content", "static", "templates", "themes", "public"];
            let top = folder.components().next().map(|c| c.as_os_str());
            if let Some(top) = top.filter(|t| published.iter().any(|p| t == p)) {
                return Err(Diagnostic::new(
                    at(s.folder.span()),
                    format!(
                        "staticman folder {:?} is inside {}/, whose files are built or published; the comment files hold what the form sent, e-mails included",
                        s.folder.get_ref(),
                        top.to_string_lossy()
                    ),
                    "keep the comment files in a folder of their own, e.g. staticman = { folder = \"data/comments\" }",
                )
                .into());
            }
            Some(folder.to_path_buf())
        }
    };
    Ok(FetchConfig {
        staticman,
        webmention_io,
        mastodon: raw.mastodon,
        bluesky: raw.bluesky,
    })
}

/// Accepts an http(s) URL, or with `relative` a path on the site (`/about/`): a
/// `javascript:` or `data:` address in a link would run or inject in the reader's browser.
fn check_link(url: &str, relative: bool) -> std::result::Result<(), String> {
    let url = url.trim();
    let lower = url.to_ascii_lowercase();
    let web = lower.starts_with("https://") || lower.starts_with("http://");
    let site_path = relative && url.starts_with('/') && !url.starts_with("//");
    if (web && url.len() > "https://".len()) || site_path {
        Ok(())
    } else if relative {
        Err(format!(
            "{url:?} must start with http://, https:// or / (a path on this site)"
        ))
    } else {
        Err(format!("{url:?} must start with http:// or https://"))
    }
}

const FEED_FORMATS_HELP: &str =
    "name one or more of \"atom\", \"rss\" and \"json\", e.g. formats = [\"atom\", \"rss\", \"json\"]";

/// `[feeds] formats`, each named once; Atom alone when the key is absent, so a site
/// that never asked for other formats keeps the feeds it had.
fn resolve_feed_formats(
    formats: Option<Spanned<Vec<Spanned<String>>>>,
) -> std::result::Result<Vec<FeedFormat>, (std::ops::Range<usize>, String)> {
    let Some(formats) = formats else {
        return Ok(vec![FeedFormat::Atom]);
    };
    if formats.get_ref().is_empty() {
        return Err((formats.span(), "feeds.formats names no format".into()));
    }
    let mut chosen = Vec::new();
    for name in formats.into_inner() {
        let format = FeedFormat::from_name(&name.get_ref().trim().to_ascii_lowercase())
            .ok_or_else(|| {
                let msg = format!("feeds.formats: {:?} is not a feed format", name.get_ref());
                (name.span(), msg)
            })?;
        if !chosen.contains(&format) {
            chosen.push(format);
        }
    }
    Ok(chosen)
}

const TAXONOMIES_HELP: &str =
    "name \"tags\", \"categories\" or both, e.g. taxonomies = [\"tags\", \"categories\"]";

/// `taxonomies`, each named once; tags alone when the key is absent.
fn resolve_taxonomies(
    names: Option<Spanned<Vec<Spanned<String>>>>,
) -> std::result::Result<Vec<Taxonomy>, (std::ops::Range<usize>, String)> {
    let Some(names) = names else {
        return Ok(vec![Taxonomy::Tags]);
    };
    let mut chosen = Vec::new();
    for name in names.into_inner() {
        let written = name.get_ref().trim().to_ascii_lowercase();
        let taxonomy = Taxonomy::named(&written).ok_or_else(|| {
            let names = Taxonomy::ALL.map(Taxonomy::name);
            let hint = Taxonomy::ALL
                .into_iter()
                .find(|t| t.singular() == written)
                .map(Taxonomy::name)
                .or_else(|| explain::did_you_mean(&written, &names))
                .map(|n| format!(" (did you mean {n:?}?)"))
                .unwrap_or_default();
            let msg = format!(
                "taxonomies: {:?} is not a taxonomy rapport knows{hint}",
                name.get_ref()
            );
            (name.span(), msg)
        })?;
        if !chosen.contains(&taxonomy) {
            chosen.push(taxonomy);
        }
    }
    Ok(chosen)
}

/// The favicon named in site.toml (which must exist in static/), or
/// `static/favicon.svg` / `static/favicon.ico` when the site ships one.
fn resolve_favicon(
    favicon: Option<Spanned<String>>,
    root: &Path,
) -> std::result::Result<Option<String>, (std::ops::Range<usize>, String)> {
    let static_dir = root.join("static");
    match favicon {
        Some(name) => {
            let span = name.span();
            let name = name.into_inner().trim().trim_start_matches('/').to_string();
            let plain = !name.is_empty() && !name.split(['/', '\\']).any(|s| s == "..");
            if !plain || !static_dir.join(&name).is_file() {
                return Err((span, format!("favicon {name:?} is not a file in static/")));
            }
            Ok(Some(name))
        }
        None => Ok(["favicon.svg", "favicon.ico"]
            .into_iter()
            .find(|name| static_dir.join(name).is_file())
            .map(str::to_string)),
    }
}

pub(crate) fn toml_to_value(v: toml::Value) -> tera::Value {
    match v {
        toml::Value::String(s) => tera::Value::String(s),
        toml::Value::Integer(i) => tera::Value::from(i),
        toml::Value::Float(f) => tera::Value::from(f),
        toml::Value::Boolean(b) => tera::Value::Bool(b),
        toml::Value::Datetime(d) => tera::Value::String(d.to_string()),
        toml::Value::Array(a) => tera::Value::Array(a.into_iter().map(toml_to_value).collect()),
        toml::Value::Table(t) => {
            tera::Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_value(v))).collect())
        }
    }
}

/// Splits a base URL into (normalised URL ending in `/`, path prefix).
pub fn resolve_base_url(url: &str) -> std::result::Result<(String, String), String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url {url:?} must start with http:// or https://"))?;
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    if host.is_empty() {
        return Err(format!("base_url {url:?} has no host"));
    }
    if path.contains(['?', '#']) || path.split('/').any(|s| s == "..") {
        return Err(format!(
            "base_url {url:?} must be a plain address (no query, fragment or ..)"
        ));
    }
    let mut base_path = path.to_string();
    if !base_path.ends_with('/') {
        base_path.push('/');
    }
    let scheme_len = url.len() - rest.len();
    Ok((
        format!("{}{}{}", &url[..scheme_len], host, base_path),
        base_path,
    ))
}

fn line_of_offset(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_path_prefix() {
        assert_eq!(
            resolve_base_url("https://example.github.io/blog").unwrap(),
            (
                "https://example.github.io/blog/".to_string(),
                "/blog/".to_string()
            )
        );
        assert_eq!(
            resolve_base_url("http://localhost:1111").unwrap().1,
            "/".to_string()
        );
        assert!(resolve_base_url("example.org").is_err());
    }

    #[test]
    fn unknown_key_names_its_line() {
        let err = parse(
            "title = \"t\"\nbase_url = \"https://e.org/\"\ntitel = \"x\"\n",
            Path::new("site.toml"),
            Path::new("."),
        )
        .unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("site.toml:3:1: unknown key `titel`\n  help: did you mean `title`?"),
            "{text}"
        );
    }
}
