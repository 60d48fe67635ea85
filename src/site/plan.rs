//! The plan of a build: every file the site writes, each with the job that makes it
//! and a digest of what it is made from, known before anything is rendered. The full
//! build renders every output of the plan; an incremental update renders the outputs
//! whose digest changed between two plans. Two outputs at one address, generated ones
//! included and addresses that differ only in case too, are an error naming both.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::path::Path;

use crate::content::{Document, Kind, Taxonomy};
use crate::error::{Diagnostic, Error, Location, Result};
use crate::render::feeds::FeedFormat;
use crate::site::lists::{PostList, Term};
use crate::site::pages::{EntryRef, Pass};
use crate::site::static_files::StaticSource;
use crate::site::urls::{self, index_file, paginated, SitePage};
use crate::site::{place_assets, Entry};

/// Every file of a build.
pub(crate) struct Plan<'p> {
    pub(crate) outputs: Vec<Output>,
    /// The lists `Job::List` refers to.
    pub(crate) lists: Vec<PostList<'p>>,
}

/// One file of a build.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    /// Where it is written (`Output::file`); empty (held without a byte) for an
    /// entry's page, whose file its address gives: a name of its own for each post,
    /// held to the end of a build, was a twentieth of a big site's peak.
    file: Box<str>,
    pub(crate) job: Job,
    /// A digest of everything the file is made from but source files: two plans of
    /// one site whose outputs at a path have the same digest write the same bytes
    /// there, unless `job.source_file()` changed.
    pub(crate) inputs: u64,
}

/// What makes a file.
#[derive(Debug, Clone)]
pub(crate) enum Job {
    Entry(EntryRef),
    /// The page at an entry's `doc.aliases[n]`.
    Alias(EntryRef, usize),
    /// The address the tag of `plan.lists[list]` had before `+` and `#` were spelled
    /// out in tag slugs (`tags/c/` for `C++`), sending readers to its list.
    TagAlias {
        list: usize,
    },
    /// Page `page` (1-based) of `plan.lists[list]`.
    List {
        list: usize,
        page: usize,
    },
    /// The feed of the posts of `plan.lists[list]`, a term's, in `format`.
    ListFeed {
        list: usize,
        format: FeedFormat,
    },
    Site(SitePage),
    /// The `n`-th (1-based) file of a sitemap too large for one.
    SitemapPart(usize),
    /// Boxed: the largest of the jobs, and the fewest.
    Static(Box<StaticSource>),
}

/// The posts and pages of the site a plan was made for, in `EntryRef` order: what
/// tells an entry's output its file.
#[derive(Clone, Copy)]
pub(crate) struct Entries<'a>(pub(crate) [&'a [Entry]; 2]);

impl<'a> Entries<'a> {
    fn at(self, at: EntryRef) -> &'a Entry {
        match at {
            EntryRef::Post(i) => &self.0[0][i],
            EntryRef::Page(i) => &self.0[1][i],
        }
    }
}

impl Output {
    /// Where it is written, relative to the output folder: `posts/x/index.html`.
    /// `entries` are those of the site it was planned for.
    pub(crate) fn file<'a>(&'a self, entries: Entries<'a>) -> Cow<'a, str> {
        match &self.job {
            Job::Entry(at) => Cow::Owned(index_file(&entries.at(*at).doc.path)),
            _ => Cow::Borrowed(&self.file),
        }
    }

    /// Whether it is written at `file` (`Output::file`), told without making its name.
    pub(crate) fn is_at(&self, file: &str, entries: Entries<'_>) -> bool {
        match &self.job {
            Job::Entry(at) => urls::is_index_file(file, &entries.at(*at).doc.path),
            _ => *self.file == *file,
        }
    }

    /// An output at `file` that is not an entry's page, for tests.
    #[cfg(test)]
    pub(crate) fn at(file: &str, job: Job, inputs: u64) -> Output {
        assert!(
            !matches!(job, Job::Entry(_)),
            "an entry's file is its address"
        );
        Output {
            file: file.into(),
            job,
            inputs,
        }
    }

    /// Its file and digest, to be held beyond the site it was planned for.
    pub(crate) fn written(&self, entries: Entries<'_>) -> Written {
        Written {
            file: self.file(entries).into(),
            inputs: self.inputs,
        }
    }
}

/// The file and digest of an output of a plan whose site is gone (`Output::written`):
/// what the next plan is compared with.
#[derive(Debug, Clone)]
pub(crate) struct Written {
    pub(crate) file: Box<str>,
    pub(crate) inputs: u64,
}

impl Job {
    /// The file copied as it is, whose changes no digest sees.
    pub(crate) fn source_file(&self) -> Option<&Path> {
        match self {
            Job::Static(source) => match &**source {
                StaticSource::File(path) => Some(path),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The plan of the site `pass` renders, with `statics` (the theme's and the site's
/// static files) and the site's content assets. `previous` holds the outputs of the
/// last plan of this site, which had no collisions: a plan of the very same files
/// has none either, and is not checked again.
pub(crate) fn plan<'p>(
    pass: &'p Pass<'_>,
    statics: &BTreeMap<String, StaticSource>,
    previous: &[Written],
) -> Result<Plan<'p>> {
    let site = pass.site;
    let digests = Digests::of(pass);
    let lists = pass.lists();
    let site_pages = SitePage::all(&site.config);
    let per_page = site.config.posts_per_page;
    let count = statics.len()
        + site.assets.len()
        + site.posts.len()
        + site.pages.len()
        + (site.posts.iter().chain(&site.pages))
            .map(|e| e.doc.more().aliases.len())
            .sum::<usize>()
        + lists.iter().map(|l| l.page_count(per_page)).sum::<usize>()
        // Its feeds and, at most, a tag's former address.
        + lists.len() * (site.config.feed_formats.len() + 1)
        + site_pages.len()
        + sitemap_parts(pass);
    let mut plan = Plan {
        outputs: Vec::with_capacity(count),
        lists,
    };
    plan.add_static_files(pass, statics);
    plan.add_entries(pass, &digests);
    plan.add_lists(pass, &digests);
    plan.outputs
        .extend(site_pages.into_iter().map(|page| Output {
            file: index_file(page.rel()).into(),
            job: Job::Site(page),
            inputs: digests.site_page(pass, page),
        }));
    plan.add_sitemap_parts(pass, &digests);
    if same_files(previous, &plan.outputs, site.entries()) {
        return Ok(plan);
    }
    let problems = plan.collisions(pass);
    if problems.is_empty() {
        Ok(plan)
    } else {
        Err(Error::Content(problems))
    }
}

/// How many files the sitemap is split into, when it is: sized for them too, the
/// list of a big site's outputs was not grown to twice its length for the last few.
fn sitemap_parts(pass: &Pass<'_>) -> usize {
    match pass.sitemap_split().files {
        1 => 0,
        files => files,
    }
}

impl Plan<'_> {
    /// The static layers, then content assets beside their page; later ones win.
    fn add_static_files(&mut self, pass: &Pass<'_>, statics: &BTreeMap<String, StaticSource>) {
        let site = pass.site;
        let mut files = statics.clone();
        for (from, to) in place_assets(site) {
            files.insert(to, StaticSource::File(site.config.root.join(from)));
        }
        // The site's own `_redirects` goes into the generated one, first.
        if site.config.deploy_host.is_some_and(|h| h.reads_redirects()) {
            let own = site.config.static_dir().join(SitePage::Redirects.rel());
            let rel = SitePage::Redirects.rel();
            if matches!(files.get(rel), Some(StaticSource::File(path)) if *path == own) {
                files.remove(rel);
            }
        }
        self.outputs.extend(files.into_iter().map(|(file, source)| {
            let inputs = digest(|h| match &source {
                StaticSource::Embedded(name, _) => (&file, name).hash(h),
                StaticSource::Generated(name, text) => (&file, name, text).hash(h),
                StaticSource::File(path) => (&file, path).hash(h),
            });
            Output {
                file: file.into(),
                job: Job::Static(Box::new(source)),
                inputs,
            }
        }));
    }

    /// Each post and page, and its aliases.
    fn add_entries(&mut self, pass: &Pass<'_>, digests: &Digests) {
        let site = pass.site;
        let entries = (0..site.posts.len())
            .map(EntryRef::Post)
            .chain((0..site.pages.len()).map(EntryRef::Page));
        for at in entries {
            let doc = &pass.entry(at).doc;
            self.outputs.push(Output {
                file: Box::default(),
                job: Job::Entry(at),
                inputs: digests.entry(pass, at),
            });
            for (n, alias) in doc.more().aliases.iter().enumerate() {
                // An old address a permalink pattern gave back to the post itself.
                if **alias == *doc.path {
                    continue;
                }
                self.outputs.push(Output {
                    file: index_file(alias).into(),
                    job: Job::Alias(at, n),
                    inputs: digest(|h| (&doc.title, &doc.path, digests.navigation).hash(h)),
                });
            }
        }
    }

    /// The files of a sitemap too large for one (`SitemapSplit`).
    fn add_sitemap_parts(&mut self, pass: &Pass<'_>, digests: &Digests) {
        let parts = sitemap_parts(pass);
        if parts == 0 {
            return;
        }
        let inputs = digests.site_page(pass, SitePage::Sitemap);
        self.outputs.extend((1..=parts).map(|n| Output {
            file: urls::sitemap_part(n).into(),
            job: Job::SitemapPart(n),
            inputs: digest(|h| (inputs, n).hash(h)),
        }));
    }

    /// Every page of the index and of each term's list, and a tag's former address
    /// when no tag has it now.
    fn add_lists(&mut self, pass: &Pass<'_>, digests: &Digests) {
        let per_page = pass.site.config.posts_per_page;
        let tags = pass.terms(Taxonomy::Tags);
        let mut former: BTreeSet<String> = BTreeSet::new();
        for (l, list) in self.lists.iter().enumerate() {
            let Some(Term {
                taxonomy: Taxonomy::Tags,
                link: tag,
            }) = list.term
            else {
                continue;
            };
            let old = crate::content::slugify(&tag.name);
            if old != tag.slug && !tags.contains_key(&old) && former.insert(old.clone()) {
                self.outputs.push(Output {
                    file: index_file(&urls::term(Taxonomy::Tags, &old)).into(),
                    job: Job::TagAlias { list: l },
                    inputs: digest(|h| (&list.first, &tag.name, digests.navigation).hash(h)),
                });
            }
        }
        for (l, list) in self.lists.iter().enumerate() {
            let total = list.page_count(per_page);
            for n in 1..=total {
                self.outputs.push(Output {
                    file: index_file(&paginated(&list.first, n)).into(),
                    job: Job::List { list: l, page: n },
                    inputs: digest(|h| {
                        (&list.first, n, total, digests.navigation).hash(h);
                        list.term.map(|t| (&t.link.name, t.link.count)).hash(h);
                        for &i in list.page(n, per_page) {
                            digests.posts[i].hash(h);
                        }
                    }),
                });
            }
            let Some(Term { taxonomy, link }) = list.term else {
                continue;
            };
            for &format in &pass.site.config.feed_formats {
                self.outputs.push(Output {
                    file: urls::term_feed(taxonomy, &link.slug, format).into(),
                    job: Job::ListFeed { list: l, format },
                    inputs: digest(|h| {
                        (&link.name, format).hash(h);
                        for i in pass.list_feed_posts(list) {
                            pass.site.posts[i].revision.doc.hash(h);
                        }
                    }),
                });
            }
        }
    }
}

/// The key under which two addresses are one file wherever the site is written.
fn folded(file: &str) -> Cow<'_, str> {
    if file.chars().any(char::is_uppercase) {
        Cow::Owned(file.to_lowercase())
    } else {
        Cow::Borrowed(file)
    }
}

/// A digest of what `f` hashes. Digests are compared within one process only, so a
/// fixed seed will do; foldhash, because an update digests every output of the site.
/// A digest of what other pages show of a post or page besides its text: its title
/// and address (its neighbours' links, the conversation pages), its dates and whether
/// it is a draft (the sitemap, the conversation pages).
pub(crate) fn shown(doc: &Document) -> u64 {
    digest(|h| {
        (
            &doc.title,
            &doc.path,
            doc.date,
            doc.more().updated,
            doc.draft,
        )
            .hash(h)
    })
}

/// A digest of a document's summary (`Revision::summary`).
pub(crate) fn summary_digest(summary: Option<&str>) -> u64 {
    digest(|h| summary.hash(h))
}

/// Whether two lists of outputs write the same files, in the same order: a change
/// to a post's text or thread moves nothing.
pub(crate) fn same_files(a: &[Written], b: &[Output], entries: Entries<'_>) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| b.is_at(&a.file, entries))
}

fn digest(f: impl FnOnce(&mut Digester)) -> u64 {
    let mut h = foldhash::fast::FixedState::with_seed(0).build_hasher();
    f(&mut h);
    h.finish()
}

type Digester = foldhash::fast::FoldHasher<'static>;

/// The digests many outputs share.
struct Digests<'p> {
    /// The navigation every page shows.
    navigation: u64,
    /// What lists show of each post: the post and its terms' names and counts.
    posts: Vec<u64>,
    /// The name and post count of each term, by taxonomy and slug.
    terms: foldhash::HashMap<(Taxonomy, &'p str), u64>,
}

impl<'p> Digests<'p> {
    fn of(pass: &'p Pass<'_>) -> Digests<'p> {
        let navigation = digest(|h| {
            for link in &pass.site_view.pages {
                (&link.title, &link.url).hash(h);
            }
        });
        let terms = (pass.taxonomies.iter())
            .flat_map(|(taxonomy, terms)| {
                terms.iter().map(|(slug, (link, _))| {
                    let term = digest(|h| (&link.name, link.count).hash(h));
                    ((*taxonomy, slug.as_str()), term)
                })
            })
            .collect();
        let mut digests = Digests {
            navigation,
            posts: Vec::new(),
            terms,
        };
        digests.posts = pass
            .site
            .posts
            .iter()
            .map(|e| digest(|h| digests.entry_with_tags(e, h)))
            .collect();
        digests
    }

    fn entry_with_tags(&self, entry: &Entry, h: &mut Digester) {
        entry.revision.hash(h);
        for taxonomy in Taxonomy::ALL {
            for slug in entry.slugs(taxonomy) {
                self.terms.get(&(taxonomy, slug)).hash(h);
            }
        }
    }

    /// A post or page: itself, its terms, its neighbours' and related posts' titles and
    /// addresses.
    fn entry(&self, pass: &Pass<'_>, at: EntryRef) -> u64 {
        let (newer, older) = pass.neighbours(at);
        let link = |e: Option<&Entry>| e.map(|e| e.revision.shown);
        digest(|h| {
            match at {
                EntryRef::Post(i) => {
                    self.posts[i].hash(h);
                    for &j in pass.related[i].iter() {
                        pass.site.posts[j as usize].revision.shown.hash(h);
                    }
                }
                EntryRef::Page(_) => self.entry_with_tags(pass.entry(at), h),
            }
            (link(newer), link(older), self.navigation).hash(h);
        })
    }

    fn site_page(&self, pass: &Pass<'_>, page: SitePage) -> u64 {
        let site = pass.site;
        let entries = || site.posts.iter().chain(&site.pages);
        digest(|h| match page {
            SitePage::TermIndex(taxonomy) => {
                self.navigation.hash(h);
                for (slug, (link, _)) in pass.terms(taxonomy) {
                    (slug, &link.name, link.count).hash(h);
                }
            }
            SitePage::NotFound => self.navigation.hash(h),
            SitePage::Search => {
                self.navigation.hash(h);
                for (slug, (link, _)) in pass.terms(Taxonomy::Tags) {
                    (slug, &link.name, link.count).hash(h);
                }
            }
            // Each post's text, tags and thread (its commenters).
            SitePage::SearchIndex => self.posts.hash(h),
            // What the conversation pages show of an entry: its thread, title,
            // address and date, not its text (the usual edit while writing).
            SitePage::Engagement | SitePage::CommentsFeed(_) => {
                (page == SitePage::Engagement)
                    .then_some(self.navigation)
                    .hash(h);
                for e in entries() {
                    (e.revision.thread, e.revision.shown).hash(h);
                }
            }
            SitePage::PostsFeed(_) => {
                for e in pass.feed_posts() {
                    e.revision.doc.hash(h);
                }
            }
            SitePage::Sitemap => {
                pass.sitemap_split().hash(h);
                for e in entries() {
                    e.revision.shown.hash(h);
                }
                site.posts.first().map(|p| p.doc.date).hash(h);
                for (taxonomy, terms) in &pass.taxonomies {
                    (taxonomy, terms.keys().collect::<Vec<_>>()).hash(h);
                }
            }
            SitePage::Redirects => {
                for e in entries() {
                    (&e.doc.path, &e.doc.more().aliases).hash(h);
                }
            }
            SitePage::Robots | SitePage::NoJekyll => {}
        })
    }
}

impl Plan<'_> {
    /// Outputs at one file, or one at a folder of another's file. Addresses that
    /// differ only in case are one file on case-insensitive file systems (macOS,
    /// Windows, the checkouts and hosts many sites are published from), where one
    /// output would silently overwrite the other.
    fn collisions(&self, pass: &Pass<'_>) -> Vec<Diagnostic> {
        // Looked up once per folder of every file, on every update: foldhash is
        // several times faster than the default hasher on short keys.
        let mut at: foldhash::HashMap<Cow<'_, str>, usize> = Default::default();
        at.reserve(self.outputs.len());
        let entries = pass.site.entries();
        let keys: Vec<Cow<'_, str>> = (self.outputs.iter())
            .map(|o| match o.file(entries) {
                Cow::Borrowed(file) => folded(file),
                Cow::Owned(file) => Cow::Owned(folded(&file).into_owned()),
            })
            .collect();
        let mut clashes = Vec::new();
        for (i, key) in keys.iter().enumerate() {
            if let Some(&first) = at.get(key) {
                clashes.push((first, i));
            } else {
                at.insert(key.clone(), i);
            }
        }
        for (i, key) in keys.iter().enumerate() {
            for (slash, _) in key.match_indices('/') {
                if let Some(&file) = at.get(&key[..slash]) {
                    clashes.push((file, i));
                }
            }
        }
        let mut problems: Vec<Diagnostic> = clashes
            .into_iter()
            .map(|(a, b)| self.collision(pass, a, b))
            .collect();
        problems.sort_by(|a, b| a.location.cmp(&b.location));
        problems.dedup();
        problems
    }

    /// The problem reported at the later of two outputs a writer made (or at the one
    /// a writer made, when the other is generated).
    fn collision(&self, pass: &Pass<'_>, a: usize, b: usize) -> Diagnostic {
        let file = |i: usize| self.outputs[i].file(pass.site.entries());
        let in_case_only = !file(b).starts_with(&*file(a));
        let (a, b) = (self.origin(pass, a), self.origin(pass, b));
        let (other, mine) = if b.location.is_some() { (a, b) } else { (b, a) };
        let case = if in_case_only {
            " in other capitals, one address on case-insensitive file systems (macOS, Windows)"
        } else {
            ""
        };
        Diagnostic::new(
            mine.location
                .clone()
                .unwrap_or_else(|| Location::new(Path::new("templates"), None)),
            format!("{}, which {} also uses{case}", mine.what, other.name),
            mine.help,
        )
    }

    fn origin(&self, pass: &Pass<'_>, i: usize) -> Origin {
        let output = &self.outputs[i];
        let root = &pass.site.config.root;
        let described = |e: &Entry, line: usize| {
            let location = Location::new(&e.doc.source, Some(line));
            let kind = if e.doc.kind == Kind::Post {
                "post"
            } else {
                "page"
            };
            (location, kind)
        };
        match &output.job {
            Job::Entry(at) => {
                let (location, kind) = described(pass.entry(*at), 1);
                let path = &pass.entry(*at).doc.path;
                Origin::written(
                    location,
                    format!("this {kind} is published at /{path}"),
                    "give it another address with slug: in its front matter, or rename the file",
                )
            }
            Job::Alias(at, n) => {
                let entry = pass.entry(*at);
                let alias = &entry.doc.more().aliases[*n];
                let line = alias_line(root, &entry.doc.source, alias).unwrap_or(1);
                let (location, kind) = described(entry, line);
                Origin::written(
                    location,
                    format!("this {kind} has an alias /{alias}"),
                    "remove that alias or change it to an address nothing else uses",
                )
            }
            Job::Static(source) => match &**source {
                StaticSource::File(path) => {
                    let shown = path.strip_prefix(root).unwrap_or(path);
                    Origin::written(
                        Location::new(shown, None),
                        format!(
                            "this file is published at /{}",
                            output.file(pass.site.entries())
                        ),
                        "rename or remove the file: the build makes that address itself",
                    )
                }
                StaticSource::Embedded(name, _) => {
                    Origin::generated(format!("the default theme's {name}"))
                }
                StaticSource::Generated(name, _) => Origin::generated(format!(
                    "{name}, the code colours of [highlight] in site.toml"
                )),
            },
            Job::List { list, page } => Origin::generated(self.lists[*list].describe(*page)),
            Job::TagAlias { list } => Origin::generated(format!(
                "the former address of {}",
                self.lists[*list].describe(1)
            )),
            Job::ListFeed { list, format } => {
                Origin::generated(self.lists[*list].describe_feed(*format))
            }
            Job::Site(page) => Origin::generated(page.name().to_string()),
            Job::SitemapPart(n) => Origin::generated(format!("file {n} of the sitemap")),
        }
    }
}

/// Who made an output, for messages.
struct Origin {
    /// Where a writer made it; `None` for what the site generates.
    location: Option<Location>,
    /// `this page is published at /x/`.
    what: String,
    /// `content/x.md:1`, `the tag index`.
    name: String,
    /// What the writer can do about a clash.
    help: &'static str,
}

impl Origin {
    fn written(location: Location, what: String, help: &'static str) -> Origin {
        Origin {
            name: location.to_string(),
            location: Some(location),
            what,
            help,
        }
    }

    fn generated(name: String) -> Origin {
        Origin {
            location: None,
            what: format!("{name} is published here"),
            name,
            help: "give one of them another address",
        }
    }
}

/// The line of the front matter of `source` that names `alias`, read again only when
/// a message needs it.
fn alias_line(root: &Path, source: &Path, alias: &str) -> Option<usize> {
    let text = std::fs::read_to_string(root.join(source)).ok()?;
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_start().starts_with("aliases"))?;
    let needle = alias.trim_matches('/');
    let offset = lines[start..]
        .iter()
        .position(|l| l.contains(needle))
        .unwrap_or(0);
    Some(start + offset + 1)
}
