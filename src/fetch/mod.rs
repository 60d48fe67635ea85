//! `rapport fetch`: asks the sources configured in site.toml (`[fetch]`) for new
//! responses to the posts and merges them into the thread files, through the same
//! writer as `import` (only under `content/`, atomic, idempotent, hand edits kept).
//! This is the only command that goes online.
//!
//! Each source (`Source`: `webmention`, `mastodon`, `bluesky`, `staticman`) lists
//! what it has; `reconcile` decides per post what is new, edited or withdrawn;
//! `import::merge` writes it; then each source may mark what the threads now hold
//! (`settle`: the comment form's files move into `taken/`).
//!
//! A new source is one module: a type implementing `source::Source` (its name, the
//! id prefix of the comments it writes, and `fetch`, which returns `Response`s and
//! the posts whose listing was complete), named in `SOURCES` and built in
//! `configured` from its `[fetch]` settings.

mod bluesky;
mod http;
mod mastodon;
mod posts;
mod reconcile;
mod source;
mod staticman;
mod webmention;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use crate::config;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::import::merge::ContentWriter;
use posts::address_key;
use reconcile::Tally;
pub(crate) use source::same_account;
use source::{Context, Harvest, Identities, Kind, Response, Source};

/// What to fetch, for which site.
#[derive(Debug, Clone, Default)]
pub struct FetchOptions {
    pub root: PathBuf,
    /// Only this source (`webmention`, `mastodon`, `bluesky`, `staticman`).
    pub source: Option<String>,
    /// Only the post (or page) with this slug.
    pub post: Option<String>,
    /// Read every listing from the start, and withdraw what is gone.
    pub full: bool,
    /// Say what would change, write nothing.
    pub dry_run: bool,
}

/// What a fetch did: one line per post that changed, then warnings. `failed` lines
/// name what could not be fetched; the command then ends with status 1.
#[derive(Debug, Default)]
pub struct FetchReport {
    pub lines: Vec<String>,
    pub failed: Vec<String>,
}

impl std::fmt::Display for FetchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for line in &self.lines {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// The names `--source` takes.
const SOURCES: &[&str] = &["webmention", "mastodon", "bluesky", "staticman"];

/// Runs a fetch for the site at `options.root`; `log` gets a line per request.
pub fn run(options: &FetchOptions, log: &dyn Fn(&str)) -> Result<FetchReport> {
    let config = config::load(&options.root)?;
    if let Some(name) = options.source.as_deref().filter(|n| !SOURCES.contains(n)) {
        return Err(Error::Other(format!(
            "there is no source {name:?}; the sources are {}",
            SOURCES.join(", ")
        )));
    }
    let sources = configured(&config, options.source.as_deref())?;
    if sources.is_empty() {
        let shown = options.root.join(config::CONFIG_FILE);
        let shown = shown.strip_prefix(".").unwrap_or(&shown);
        let message = match options.source.as_deref() {
            Some(name) => format!("the source {name} is not set up in [fetch]"),
            None => "there is no source to fetch from: no [fetch] table names one".to_string(),
        };
        return Err(Diagnostic::new(
            Location::new(shown, None),
            message,
            "add a [fetch] table naming one or more of: mastodon = true, bluesky = true, webmention_io = { domain = \"example.org\" }, staticman = { folder = \"data/comments\" } (README: Fetching replies)",
        )
        .into());
    }
    let posts = posts::load(&options.root, &config, options.post.as_deref())?;
    let identities = Identities::new(config.author_links.iter().chain(&config.author_accounts));
    let client = http::Client::new(log);
    let context = Context {
        client: &client,
        full: options.full,
        some_posts: options.post.is_some(),
        identities: &identities,
    };
    let harvests: Vec<(&dyn Source, Harvest)> = sources
        .iter()
        .map(|s| (s.as_ref(), s.fetch(&posts, &context)))
        .collect();

    let mut report = FetchReport::default();
    let per_post = assign(&posts, &harvests);
    let writer = ContentWriter::new(&options.root)?;
    // A watching `serve` takes every thread written here as one change.
    let _writing = (!options.dry_run).then(|| crate::serve::Writing::start(&options.root));
    // The comment ids each thread holds once this fetch is written.
    let mut kept: HashMap<usize, HashSet<String>> = HashMap::new();
    for (index, post) in posts.iter().enumerate() {
        let responses = per_post.get(&index).map(Vec::as_slice).unwrap_or_default();
        let withdrawable: Vec<&str> = harvests
            .iter()
            .filter(|(_, h)| options.full && h.complete.contains(&index))
            .map(|(s, _)| s.id_prefix())
            .collect();
        let (changes, tally) =
            reconcile::changes(post, responses, &withdrawable, &config.moderation);
        let nothing =
            changes.new.is_empty() && changes.replaced.is_empty() && changes.reactions.is_none();
        let held = post.thread.comments.iter().map(|c| c.id.clone());
        let held: HashSet<String> = held
            .chain(changes.new.iter().map(|(c, _)| c.id.clone()))
            .collect();
        if nothing {
            kept.insert(index, held);
            if tally.denied > 0 {
                report.lines.push(describe(post, &tally, &changes));
            }
            continue;
        }
        if let Some(why) = &post.broken {
            report.failed.push(format!(
                "{}: not updated, its thread file has problems:\n{why}",
                post.rel
            ));
            continue;
        }
        if !options.dry_run {
            // One thread file that cannot take the changes leaves the others to be
            // written; the command still ends in an error.
            if let Err(e) = writer.merge_fetched(&post.rel, &changes) {
                report.failed.push(e.to_string());
                continue;
            }
            kept.insert(index, held);
        }
        report.lines.push(describe(post, &tally, &changes));
    }
    if report.lines.is_empty() {
        report.lines.push("Nothing new.".into());
    } else if options.dry_run {
        report.lines.push("(dry run: nothing was written)".into());
    }
    if !options.dry_run {
        let kept = |post: usize, id: &str| kept.get(&post).is_some_and(|ids| ids.contains(id));
        for (source, _) in &harvests {
            report.failed.extend(source.settle(&kept));
        }
    }
    for (_, harvest) in &harvests {
        report
            .lines
            .extend(harvest.warnings.iter().map(|w| format!("warning: {w}")));
        report.failed.extend(harvest.failures.iter().cloned());
    }
    Ok(report)
}

/// The sources set up in site.toml, or only `only`.
fn configured(config: &config::SiteConfig, only: Option<&str>) -> Result<Vec<Box<dyn Source>>> {
    let mut sources: Vec<Box<dyn Source>> = Vec::new();
    // Mastodon first: when the same reply also comes as a webmention (Bridgy), the
    // Mastodon one knows what it answers.
    if config.fetch.mastodon {
        let accounts = config.author_links.iter().chain(&config.author_accounts);
        sources.push(Box::new(mastodon::Mastodon::from_env(accounts)));
    }
    if config.fetch.bluesky {
        sources.push(Box::new(bluesky::Bluesky::from_env(
            &config.author_accounts,
        )));
    }
    if let Some(folder) = &config.fetch.staticman {
        sources.push(Box::new(staticman::Staticman::new(&config.root, folder)));
    }
    if let Some(domain) = config
        .fetch
        .webmention_io
        .as_ref()
        .filter(|_| only.is_none_or(|o| o == "webmention"))
    {
        let source =
            webmention::Webmention::from_env(domain, &config.root).map_err(Error::Other)?;
        sources.push(Box::new(source));
    }
    sources.retain(|s| only.is_none_or(|o| o == s.name()));
    Ok(sources)
}

/// Each response under the one post it belongs to, once: a reply that comes from
/// two sources, or that links two posts, is kept where it came first (a post that
/// announced it on Mastodon before a webmention naming another), and where a thread
/// file already holds it.
fn assign<'a>(
    posts: &[posts::Post],
    harvests: &'a [(&dyn Source, Harvest)],
) -> HashMap<usize, Vec<&'a Response>> {
    let mut owner: HashMap<String, usize> = HashMap::new();
    for (index, post) in posts.iter().enumerate() {
        for c in &post.thread.comments {
            owner.entry(c.id.clone()).or_insert(index);
            if let Some(source) = &c.source {
                owner.entry(address_key(source)).or_insert(index);
            }
        }
    }
    let mut per_post: HashMap<usize, Vec<&Response>> = HashMap::new();
    let mut taken: HashMap<(usize, String), ()> = HashMap::new();
    for (_, harvest) in harvests {
        for r in &harvest.responses {
            // Reactions are told apart by id only: a count, not a conversation.
            let address = r
                .url
                .as_deref()
                .filter(|_| matches!(r.kind, Kind::Reply | Kind::Mention))
                .map(address_key);
            let post = address
                .as_ref()
                .and_then(|a| owner.get(a))
                .or_else(|| owner.get(&r.id))
                .copied()
                .unwrap_or(r.post);
            if let Some(a) = &address {
                owner.entry(a.clone()).or_insert(post);
                if taken.insert((post, a.clone()), ()).is_some() {
                    continue;
                }
            }
            owner.entry(r.id.clone()).or_insert(post);
            per_post.entry(post).or_default().push(r);
        }
    }
    per_post
}

/// `posts/x.md: 2 new, 1 updated, 1 withdrawn; 3 likes, 1 repost`.
fn describe(
    post: &posts::Post,
    tally: &Tally,
    changes: &crate::import::merge::FetchedChanges,
) -> String {
    let mut parts = Vec::new();
    for (n, what) in [
        (tally.new, "new"),
        (tally.pending, "pending review"),
        (tally.updated, "updated"),
        (tally.withdrawn, "withdrawn"),
        (tally.denied, "denied"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if tally.refused > 0 {
        parts.push(format!("{} too large to publish, left out", tally.refused));
    }
    let mut line = format!("content/{}: {}", post.rel, parts.join(", "));
    if let Some(r) = &changes.reactions {
        let counts = [
            (r.likes.len(), "like"),
            (r.reposts.len(), "repost"),
            (r.bookmarks.len(), "bookmark"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| {
            if *n == 1 {
                format!("1 {what}")
            } else {
                format!("{n} {what}s")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
        let counts = if counts.is_empty() {
            "no reactions".to_string()
        } else {
            counts
        };
        if parts.is_empty() {
            line = format!("content/{}: reactions now {counts}", post.rel);
        } else {
            line.push_str(&format!("; reactions now {counts}"));
        }
    }
    line
}
