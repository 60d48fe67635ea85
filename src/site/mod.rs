//! The site as one value: configuration, published posts and pages with their
//! conversations and figures. `load` reads and validates everything, reporting every
//! problem found; `plan.rs` lists every file it makes; `build.rs` renders them;
//! `output.rs` writes a full build, `publish_update.rs` an incremental one.

pub mod build;
pub mod engagement;
pub mod guard;
pub mod incremental;
mod lists;
pub mod output;
mod pages;
pub mod plan;
mod publish_update;
mod related;
mod site_pages;
mod spill;
pub(crate) mod state;
mod static_files;
pub mod urls;

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;

use crate::config::{self, SiteConfig};
use crate::content::{self, Document, Kind, Source, Taxonomy};
use crate::dates::Date;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::site::pages::EntryRef;
use crate::threads::digest::Digest;
use crate::threads::metrics::{self, Engagement};
use crate::threads::{self, Thread, Tree};

/// How to load and build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    /// Defaults to `<root>/public`.
    pub output: Option<PathBuf>,
    pub base_url: Option<String>,
    /// Include drafts and future-dated posts.
    pub drafts: bool,
    /// What "future" means.
    pub now: Date,
    /// Told when the build waits for another one writing the same output.
    pub on_wait: output::OnWait,
    /// Build everything, ignoring the state the last build saved beside the output.
    pub fresh: bool,
    /// The most text a build keeps from its first reading of the posts and pages to
    /// the rendering of their pages (`build::KEPT_TEXT`); past it, none is kept and
    /// each file is read again.
    pub kept_text: usize,
}

impl BuildOptions {
    pub fn new(root: &Path) -> Self {
        BuildOptions {
            root: root.to_path_buf(),
            output: None,
            base_url: None,
            drafts: false,
            now: chrono::Utc::now(),
            on_wait: |_, _| {},
            fresh: false,
            kept_text: build::KEPT_TEXT,
        }
    }

    pub fn output_dir(&self) -> PathBuf {
        self.output
            .clone()
            .unwrap_or_else(|| self.root.join("public"))
    }
}

/// A post or page with its conversation.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct Entry {
    pub doc: Document,
    pub thread: Thread,
    /// Whether a thread file lies beside its markdown file (`thread_file`).
    threaded: bool,
    /// The thread's shape; `None` when it has no comments (an entry read in outline
    /// holds none): held for every post to the end of a build, an empty tree was an
    /// eighth of each entry.
    tree: Option<Box<Tree>>,
    /// Its figures and what the site-wide pages use of its thread; `None` for a
    /// thread without comments (an entry read in outline holds none). Boxed: a build
    /// hands each rendered post's conversation to its entry, and the list of them
    /// on the way, beside the entries' own, was a tenth of a big site's peak.
    conversation: Option<Box<Conversation>>,
    /// Which reading of the files this is, for telling what an edit changed.
    pub revision: Revision,
    /// The fingerprints of its files when a build read them, and whether the state
    /// it read held the entry: what the state it saves records. Kept with the entry,
    /// not in a map by source: the map and its copies of every path were a twentieth
    /// of a big site's build.
    #[serde(skip)]
    pub(crate) prints: Option<state::SourcePrints>,
    /// What lists, feeds and the search index show of a post, once its page was
    /// rendered (`None` for a page). Held here, not in a map by source beside the
    /// entries: the map and its keys were a twelfth of a big site's build.
    #[serde(skip)]
    pub(crate) body: Option<build::Body>,
}

/// What an update compares to tell which outputs an edit changed. `doc` and
/// `thread` change when an entry is read again: the document's on every reading, the
/// thread's only when the thread differs from the one read before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct Revision {
    pub doc: u64,
    pub thread: u64,
    /// A digest of what other pages show of the entry (`plan::shown`), taken once
    /// when it is read rather than for every entry on every update.
    pub shown: u64,
    /// A digest of its summary (`plan::summary_digest`): what tells a second reading's
    /// summary from the first's, which an outline does not hold.
    pub summary: u64,
}

impl Revision {
    fn fresh(doc: &Document) -> Revision {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Revision {
            doc: NEXT.fetch_add(1, Ordering::Relaxed),
            thread: NEXT.fetch_add(1, Ordering::Relaxed),
            shown: plan::shown(doc),
            summary: plan::summary_digest(doc.summary()),
        }
    }
}

/// An entry's figures and the digest of its thread.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Conversation {
    pub engagement: Engagement,
    pub digest: Digest,
}

impl Conversation {
    /// `self` as an entry holds it: nothing for a thread without comments.
    fn held(self) -> Option<Box<Conversation>> {
        (self != Conversation::default()).then(|| Box::new(self))
    }
}

impl Entry {
    /// A new reading of the post `old` keeps its body until its page is rendered
    /// again: an edit that leaves the page as it was (a file saved unchanged) does not
    /// render it, and lists still show it.
    pub(crate) fn keep_body_of(&mut self, old: &Entry) {
        if self.doc.kind == Kind::Post {
            self.body.clone_from(&old.body);
        }
    }

    /// Its conversation's figures.
    pub fn engagement(&self) -> &Engagement {
        &self.conversation().engagement
    }

    /// What the site-wide pages use of its thread.
    pub fn digest(&self) -> &Digest {
        &self.conversation().digest
    }

    fn conversation(&self) -> &Conversation {
        static EMPTY: std::sync::LazyLock<Conversation> =
            std::sync::LazyLock::new(Default::default);
        self.conversation.as_deref().unwrap_or(&EMPTY)
    }

    /// Takes its figures and digest out, leaving those of a thread without comments.
    pub(crate) fn take_conversation(&mut self) -> Option<Box<Conversation>> {
        self.conversation.take()
    }

    /// Gives it the figures and digest `take_conversation` took from an entry.
    pub(crate) fn set_conversation(&mut self, conversation: Option<Box<Conversation>>) {
        self.conversation = conversation;
    }

    /// The shape of its thread.
    pub fn tree(&self) -> &Tree {
        static EMPTY: Tree = Tree::EMPTY;
        self.tree.as_deref().unwrap_or(&EMPTY)
    }

    /// Gives it the shape of its thread.
    pub(crate) fn set_tree(&mut self, tree: Tree) {
        self.tree = held_tree(tree);
    }

    /// Its thread file, relative to the site root: made from its markdown file's path
    /// when asked for, not held.
    pub fn thread_file(&self) -> Option<PathBuf> {
        self.threaded
            .then(|| content::thread_path_for(&self.doc.source))
    }

    /// Whether it has a thread file (`thread_file`), without making its path.
    pub(crate) fn has_thread_file(&self) -> bool {
        self.threaded
    }

    /// The files it is read from.
    pub(crate) fn source(&self) -> content::Source {
        content::Source {
            kind: self.doc.kind,
            path: self.doc.source.to_path_buf(),
            thread: self.thread_file(),
        }
    }

    /// Whether this build read it from the saved state.
    pub(crate) fn read_from_state(&self) -> bool {
        self.prints.is_some_and(|prints| prints.was_held())
    }

    /// The slug of each of its terms in `taxonomy`, in the order written.
    pub fn slugs(&self, taxonomy: Taxonomy) -> impl Iterator<Item = &str> {
        self.doc.terms(taxonomy).iter().map(|t| t.slug())
    }

    /// (slug, name as written) of each of its terms in `taxonomy`.
    pub fn terms(&self, taxonomy: Taxonomy) -> impl Iterator<Item = (&str, &str)> {
        (self.doc.terms(taxonomy).iter()).map(|t| (t.slug(), t.name()))
    }
}

/// A loaded, validated site.
#[derive(Debug)]
pub struct Site {
    pub config: SiteConfig,
    /// Published posts, newest first.
    pub posts: Vec<Entry>,
    pub pages: Vec<Entry>,
    /// Other files under `content/` (relative to the root), published beside their
    /// page (`place_assets`).
    pub assets: Vec<PathBuf>,
    /// The folder of every bundle's `index.md` (relative to the root), its post or
    /// page published or not: the files beside one the build leaves out are left
    /// out with it (`place_assets`).
    pub bundles: BTreeSet<PathBuf>,
}

impl Site {
    /// Hands each post of `bodies` (rendered by a pass over this site) its body.
    pub(crate) fn hold_bodies(&mut self, mut bodies: build::BodyStore) {
        for post in &mut self.posts {
            if bodies.is_empty() {
                return;
            }
            if let Some(body) = bodies.remove(post.doc.source.as_os_str()) {
                post.body = Some(body);
            }
        }
    }

    /// The post or page numbered `p` among the posts then the pages: the numbering
    /// of the site-wide totals.
    pub(crate) fn entry_ref(&self, p: usize) -> EntryRef {
        match p.checked_sub(self.posts.len()) {
            None => EntryRef::Post(p),
            Some(i) => EntryRef::Page(i),
        }
    }

    pub(crate) fn entry(&self, at: EntryRef) -> &Entry {
        match at {
            EntryRef::Post(i) => &self.posts[i],
            EntryRef::Page(i) => &self.pages[i],
        }
    }

    /// Its posts and pages, as a plan's outputs refer to them.
    pub(crate) fn entries(&self) -> plan::Entries<'_> {
        plan::Entries([&self.posts, &self.pages])
    }

    pub(crate) fn entry_mut(&mut self, at: EntryRef) -> &mut Entry {
        match at {
            EntryRef::Post(i) => &mut self.posts[i],
            EntryRef::Page(i) => &mut self.pages[i],
        }
    }
}

/// Everything `load` found wrong, plus the site if it could still be assembled (for
/// `check`, which goes on to look for broken links).
pub struct Loaded {
    pub site: Option<Site>,
    pub problems: Vec<Diagnostic>,
}

/// Loads the site for `options`; any problem is an error listing all of them.
pub fn load(options: &BuildOptions) -> Result<Site> {
    load_with(options, config_of(options)?, &load_entry, &|| {})
}

/// Reads each source with `read` (a post or page and its thread, or less of them).
type ReadEntry<'a> =
    &'a (dyn Fn(&Path, &Source, &SiteConfig) -> Result<Entry, Vec<Diagnostic>> + Sync);

/// `load` with `config`, the configuration a build with `options` sees (`config_of`),
/// reading each source with `read`, after `ahead`, which runs while the content
/// folder is listed.
pub(crate) fn load_with(
    options: &BuildOptions,
    config: SiteConfig,
    read: ReadEntry<'_>,
    ahead: &(dyn Fn() + Sync),
) -> Result<Site> {
    let loaded = load_all_with(options, config, read, ahead)?;
    match loaded.site {
        Some(site) if loaded.problems.is_empty() => Ok(site),
        _ => Err(Error::Content(loaded.problems)),
    }
}

/// Loads the site, collecting every content problem instead of stopping at the first.
/// Only configuration and I/O failures stop it early.
pub fn load_all(options: &BuildOptions) -> Result<Loaded> {
    load_all_with(options, config_of(options)?, &load_entry, &|| {})
}

/// The site's configuration as a build with `options` sees it.
pub(crate) fn config_of(options: &BuildOptions) -> Result<SiteConfig> {
    let mut config = config::load(&options.root)?;
    if let Some(url) = &options.base_url {
        config.set_base_url(url, Path::new("--base-url"))?;
    }
    Ok(config)
}

fn load_all_with(
    options: &BuildOptions,
    config: SiteConfig,
    read: ReadEntry<'_>,
    ahead: &(dyn Fn() + Sync),
) -> Result<Loaded> {
    let root = &options.root;
    guard::check_sources(&config)?;
    let (inventory, ()) = rayon::join(
        || content::discover(root, Some(&options.output_dir())),
        ahead,
    );
    let inventory = inventory?;
    let results: Vec<Result<Entry, Vec<Diagnostic>>> = inventory
        .sources
        .par_iter()
        .map(|source| read(root, source, &config))
        .collect();

    let mut problems: Vec<Diagnostic> = inventory.problems.clone();
    // Collected in place of the results, a kilobyte each and held to the end of the
    // build: not into a second list grown beside them.
    let mut entries: Vec<Entry> = (results.into_iter())
        .filter_map(|r| r.map_err(|ds| problems.extend(ds)).ok())
        .collect();
    for orphan in &inventory.orphan_threads {
        problems.push(Diagnostic::new(
            Location::new(orphan, None),
            "this thread file has no post beside it",
            format!(
                "rename it to match its post ({}), or delete it",
                orphan
                    .display()
                    .to_string()
                    .replace(content::THREAD_SUFFIX, ".md")
            ),
        ));
    }
    entries.retain(|e| options.drafts || is_published(&e.doc, &options.now));
    problems.extend(undated_posts(&entries));

    let bundles = (inventory.sources.iter())
        .filter_map(|s| bundle_folder(&s.path))
        .map(Path::to_path_buf)
        .collect();
    let pages: Vec<Entry> = (entries.extract_if(.., |e| e.doc.kind != Kind::Post)).collect();
    let mut posts = entries;
    sort_posts(&mut posts);
    problems.sort_by(|a, b| a.location.cmp(&b.location));
    Ok(Loaded {
        site: Some(Site {
            config,
            posts,
            pages,
            assets: inventory.assets,
            bundles,
        }),
        problems,
    })
}

/// The posts in `post_order`: sorted by keys taken out of the posts, then each post
/// moved into its place once.
pub(crate) fn sort_posts(posts: &mut [Entry]) {
    // Entries are a kilobyte each: compared in place, each comparison went out to
    // memory, and copied into a second list to be put in order, they faulted in
    // 50 MB more; 50-76 ms of a 50,000-post build after an edit, now about 20.
    let mut order: Vec<(Option<Date>, usize)> = (posts.iter().enumerate())
        .map(|(i, p)| (p.doc.date, i))
        .collect();
    order.sort_by(|&(a_date, a), &(b_date, b)| {
        (b_date.cmp(&a_date)).then_with(|| post_order(&posts[a], &posts[b]))
    });
    let order: Vec<usize> = order.into_iter().map(|(_, i)| i).collect();
    permute(posts, &order);
}

/// Puts into each place `i` of `items` the item at `order[i]`, in place: the entries
/// of a big site, a kilobyte each, are not copied into a second list.
fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut placed = vec![false; items.len()];
    for start in 0..items.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

/// Newest first, then by title, then by file: the order of the index and of
/// newer/older links, the same whichever way the posts were read (a full build lists
/// them as the folder does; `serve` puts a new reading in its place).
pub(crate) fn post_order(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    (b.doc.date.cmp(&a.doc.date))
        .then_with(|| a.doc.title.cmp(&b.doc.title))
        .then_with(|| a.doc.source.cmp(&b.doc.source))
}

/// Loads one post or page and its thread; a post gets its address from the site's
/// permalink pattern, and the author's comments that give no name take
/// `[author] name` of site.toml.
pub(crate) fn load_entry(
    root: &Path,
    source: &Source,
    config: &SiteConfig,
) -> Result<Entry, Vec<Diagnostic>> {
    entry_with(root, source, config, load_document(root, source, config))
}

/// `load_entry` of a post or page read before as `known` (without its comments, and
/// its body unless it kept it): the front matter `known` holds is taken again while the
/// file is the one it was read from (its digest is `known.revision.doc`), not parsed a
/// second time; a text `known` kept is not read again.
pub(crate) fn load_entry_again(
    root: &Path,
    source: &Source,
    known: &Entry,
    config: &SiteConfig,
) -> Result<Entry, Vec<Diagnostic>> {
    if known.doc.has_text() {
        // Its text was kept from the first reading (`build::KEPT_TEXT`).
        return entry_with(root, source, config, Ok(known.doc.clone()));
    }
    let doc = content::read_document(root, source).and_then(|bytes| {
        let same = known.revision.doc == state::content_digest(&source.path, &bytes);
        let summary_line = known.doc.lines.summary;
        match same.then(|| content::body_and_summary_of(&bytes, &source.path, summary_line)) {
            // The summary read alone is the one the front matter gave, or the file
            // is read whole.
            Some(Some((body, summary)))
                if plan::summary_digest(summary.as_deref()) == known.revision.summary =>
            {
                let mut doc = known.doc.clone();
                doc.set_text(summary.as_deref(), &body);
                Ok(doc)
            }
            _ => document_of(bytes, source, config),
        }
    });
    entry_with(root, source, config, doc)
}

fn entry_with(
    root: &Path,
    source: &Source,
    config: &SiteConfig,
    doc: Result<Document, Vec<Diagnostic>>,
) -> Result<Entry, Vec<Diagnostic>> {
    let thread = match &source.thread {
        Some(path) => load_entry_thread(root, path, config),
        None => Ok(Thread::default()),
    };
    match (doc, thread) {
        (Ok(doc), Ok(thread)) => Ok(entry_of(doc, thread, source.thread.is_some())),
        (doc, thread) => Err(doc
            .err()
            .into_iter()
            .flatten()
            .chain(thread.err().into_iter().flatten())
            .collect()),
    }
}

/// Reads one post or page as this site publishes it: at the address of its
/// permalink pattern, filed only under the taxonomies site.toml names.
pub(crate) fn load_document(
    root: &Path,
    source: &Source,
    config: &SiteConfig,
) -> Result<Document, Vec<Diagnostic>> {
    document_of(content::read_document(root, source)?, source, config)
}

/// `load_document` of the bytes read from the file of `source`.
pub(crate) fn document_of(
    bytes: Vec<u8>,
    source: &Source,
    config: &SiteConfig,
) -> Result<Document, Vec<Diagnostic>> {
    let doc = content::document_of(bytes, source, &config.permalinks)?;
    let problems = doc.unconfigured_taxonomies(&config.taxonomies);
    if problems.is_empty() {
        Ok(doc)
    } else {
        Err(problems)
    }
}

/// An entry of `doc` and `thread` (`threaded`: read from a file), with the figures
/// computed from them.
pub(crate) fn entry_of(doc: Document, thread: Thread, threaded: bool) -> Entry {
    let tree = Tree::build(&thread);
    let keys = metrics::reader_keys(&thread);
    let engagement = metrics::engagement_with_keys(&thread, &tree, &keys);
    let digest = Digest::of_with_keys(&thread, &tree, doc.date, &keys);
    Entry {
        conversation: Conversation { engagement, digest }.held(),
        revision: Revision::fresh(&doc),
        prints: None,
        body: None,
        doc,
        thread,
        threaded,
        tree: held_tree(tree),
    }
}

/// `tree` as an entry holds it: nothing for a thread without comments.
fn held_tree(tree: Tree) -> Option<Box<Tree>> {
    (!tree.order.is_empty()).then(|| Box::new(tree))
}

/// The thread file at `path` as an entry holds it.
pub(crate) fn load_entry_thread(
    root: &Path,
    path: &Path,
    config: &SiteConfig,
) -> Result<Thread, Vec<Diagnostic>> {
    threads::load_thread(root, path)
        .map(|t| sign_author_comments(t.published_view(), config.author_name.as_deref()))
}

/// A reply pasted with `role: author` and no `author:` is the site author's: it shows
/// and counts under their name, not as "Anonymous".
fn sign_author_comments(mut thread: Thread, author_name: Option<&str>) -> Thread {
    if let Some(name) = author_name {
        for c in thread.comments.iter_mut() {
            if c.is_author() && c.author.is_none() {
                c.author = Some(name.to_string());
            }
        }
    }
    thread
}

pub(crate) fn is_published(doc: &Document, now: &Date) -> bool {
    !doc.draft && doc.date.is_none_or(|d| d <= *now)
}

pub(crate) fn undated_posts<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Vec<Diagnostic> {
    entries
        .into_iter()
        .filter(|e| e.doc.kind == Kind::Post && e.doc.date.is_none() && !e.doc.draft)
        .map(|e| {
            Diagnostic::new(
                Location::new(&e.doc.source, Some(1)),
                "this post has no date",
                "add a date to its front matter, e.g. date: 2024-01-31 (drafts may go without)",
            )
        })
        .collect()
}

/// The folder of `source` when it is a bundle's `index.md`.
pub(crate) fn bundle_folder(source: &Path) -> Option<&Path> {
    source
        .file_stem()
        .is_some_and(|s| s == "index")
        .then(|| source.parent())
        .flatten()
}

/// Files in a bundle folder (`posts/trip/index.md` + `posts/trip/map.png`) go beside
/// their page, and nowhere when the build leaves the page out (a draft, a post dated
/// later): what it shows is not published before it is. Other content files keep
/// their path below `content/`.
/// Returns (source relative to the root, path in the output) of each.
pub(crate) fn place_assets(site: &Site) -> Vec<(PathBuf, String)> {
    if site.assets.is_empty() {
        // Planned on every update of a site of ten thousand posts.
        return Vec::new();
    }
    let published: HashMap<&Path, &str> = site
        .posts
        .iter()
        .chain(&site.pages)
        .filter_map(|e| Some((bundle_folder(&e.doc.source)?, &*e.doc.path)))
        .collect();
    site.assets
        .iter()
        .filter_map(|asset| {
            let name = asset.file_name()?.to_string_lossy();
            let dir = asset.parent()?;
            let out = match published.get(dir) {
                Some(page) => format!("{page}{name}"),
                // Beside a bundle left out, or in a folder of one: left out with it.
                None if dir
                    .ancestors()
                    .any(|d| site.bundles.contains(d) && !published.contains_key(d)) =>
                {
                    return None
                }
                None => asset
                    .strip_prefix("content")
                    .ok()?
                    .to_string_lossy()
                    .replace('\\', "/"),
            };
            Some((asset.clone(), out))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn permute_puts_each_item_where_the_order_says() {
        // Cycles of several lengths, fixed points and one long cycle.
        let orders: [&[usize]; 4] = [
            &[0, 1, 2, 3, 4, 5],
            &[5, 4, 3, 2, 1, 0],
            &[1, 2, 0, 3, 5, 4],
            &[3, 0, 5, 1, 2, 4],
        ];
        for order in orders {
            let mut items: Vec<String> = (0..order.len()).map(|i| format!("item {i}")).collect();
            let wanted: Vec<String> = order.iter().map(|&i| items[i].clone()).collect();
            permute(&mut items, order);
            assert_eq!(items, wanted, "{order:?}");
        }
    }
}
