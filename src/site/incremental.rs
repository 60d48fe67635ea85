//! Incremental updates for the serve loop. After a full build, an edit under
//! `content/` re-reads the changed posts, pages, threads and files alone, makes the
//! site's plan again and renders the outputs whose inputs differ from the last plan's,
//! in memory; only when all of them rendered does it publish them (each file renamed
//! over the old one) and remove what the new plan no longer has. Templates, site.toml
//! and static files ask for a full build. The result is the tree a full build would
//! write; a test holds it to that.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use foldhash::{HashMap, HashSet};
use rayon::prelude::*;

use crate::content::{self, Kind, Source, THREAD_SUFFIX};
use crate::error::{Diagnostic, Error, Location, Result};
use crate::render::Renderer;
use crate::site::build::{self, build_keeping, render_plan, Body, BuildReport, Built, Rendered};
use crate::site::output::OutputLock;
use crate::site::pages::{EntryRef, Pass};
use crate::site::plan::{self, Entries, Job, Output, Plan, Written};
use crate::site::publish_update::Staged;
use crate::site::related::KeptRelated;
use crate::site::spill::Lost;
use crate::site::static_files::StaticSource;
use crate::site::urls::SitePage;
use crate::site::{self, engagement, state, BuildOptions, Entry, Site};
use crate::threads::conversations::Totals;

/// The site as last built, kept between updates.
pub struct Incremental {
    options: BuildOptions,
    site: Site,
    renderer: Renderer,
    statics: BTreeMap<String, StaticSource>,
    /// The files and digests of the plan last published.
    outputs: Vec<Written>,
    related: KeptRelated,
    /// The site-wide conversation figures of `site`.
    totals: Totals,
    /// Publishing failed midway: the output may be partly updated, so the next
    /// update is a full build.
    dirty: bool,
    /// The posts and pages held as outlines, without their body and comments (after
    /// a build with the saved state): each is read whole once an update renders its
    /// page, shows one of its comments or puts it in the posts feed.
    outlines: HashSet<PathBuf>,
    /// Of the outlines, the comments whose text the build read for the site-wide
    /// pages (`Built::quoted`): showing these needs no outline read whole.
    quoted: HashMap<PathBuf, Vec<usize>>,
    /// When the build the outlines come from started: a thread file modified near
    /// then cannot be told unchanged by its fingerprint (`state::same_thread_file`).
    started: SystemTime,
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// Only what depended on the changed files was rendered: `entries` posts and pages
    /// and `files` files in all (written or removed).
    Partial { entries: usize, files: usize },
    /// The change needs a full build (templates, config, static files).
    NeedsFullBuild,
}

/// The files an update is about, relative to the site root.
struct Change {
    /// Markdown files whose document or thread changed.
    sources: BTreeSet<PathBuf>,
    /// Those of `sources` that changed themselves, not only their thread.
    documents: BTreeSet<PathBuf>,
    /// Other files under `content/`, changed, added or deleted.
    assets: BTreeSet<PathBuf>,
}

impl Change {
    /// Whether `entry` was read from a changed source. Compared by their bytes: an
    /// update looks for a few files among every post, and comparing ten thousand
    /// paths component by component was a good part of a one-post update.
    fn has(&self, entry: &Entry) -> bool {
        let source = entry.doc.source.as_os_str();
        self.sources.iter().any(|p| p.as_os_str() == source)
    }
}

/// What `apply` replaced, for putting it back.
struct Undo {
    entries: Vec<Entry>,
    assets: Vec<PathBuf>,
    /// The bundle folders of the changed sources, each with whether it was one.
    bundles: Vec<(PathBuf, bool)>,
}

impl Incremental {
    /// A full, atomic build into `options.output`, kept for later updates.
    pub fn build(options: &BuildOptions) -> Result<(Incremental, BuildReport)> {
        let started = SystemTime::now();
        let (report, built) = build_keeping(options)?;
        let incremental = Incremental::of(options, built, HashSet::default(), started)?;
        Ok((incremental, report))
    }

    /// A build that starts from the state the last build of `options.output` saved
    /// beside it, rendering only what changed since (`build::build_warm`), under the
    /// output's lock `held`; kept for later updates, its posts and pages as outlines.
    pub(crate) fn build_warm(
        options: &BuildOptions,
        held: &OutputLock,
    ) -> Result<(Incremental, BuildReport)> {
        let started = SystemTime::now();
        let (report, built) = build::build_warm(options, Some(held))?;
        let outlines = (built.site.posts.iter().chain(&built.site.pages))
            .map(|e| e.doc.source.to_path_buf())
            .collect();
        Ok((Incremental::of(options, built, outlines, started)?, report))
    }

    fn of(
        options: &BuildOptions,
        built: Built,
        outlines: HashSet<PathBuf>,
        started: SystemTime,
    ) -> Result<Incremental> {
        let Built {
            site,
            renderer,
            statics,
            outputs,
            related,
            quoted,
        } = built;
        let outputs = (outputs.iter())
            .map(|o| o.written(site.entries()))
            .collect();
        let mut incremental = Incremental {
            options: options.clone(),
            totals: engagement::totals_of(&site),
            site,
            renderer,
            statics,
            outputs,
            related,
            dirty: false,
            outlines,
            quoted: quoted.into_iter().collect(),
            started,
        };
        (incremental.hold_bodies()).map_err(|lost| lost.of(&options.output_dir()))?;
        Ok(incremental)
    }

    /// Holds the summary and search index entry of every post in memory: a build
    /// keeps them in a spill, and an update that touches a post writes lists and the
    /// index again.
    fn hold_bodies(&mut self) -> std::result::Result<(), Lost> {
        // Taken out while a pass reads the site, then handed back.
        let mut bodies: Vec<(usize, Body)> = (self.site.posts.iter_mut().enumerate())
            .filter_map(|(p, e)| Some((p, e.body.take()?)))
            .collect();
        let pass = Pass::keeping(&self.site, &self.renderer, &mut self.related);
        let held = (bodies.par_iter_mut())
            .try_for_each(|(p, body)| body.hold(&pass, &pass.site.posts[*p]));
        drop(pass);
        for (p, body) in bodies {
            self.site.posts[p].body = Some(body);
        }
        held
    }

    /// Before an update publishes its plan: reads whole the outlines `due` and renders
    /// the bodies of the posts feed's posts `feed_due` (`outlines_due`). `false` when
    /// one of them changed since it was read (the update is then a full build).
    fn read_due(&mut self, due: Vec<EntryRef>, feed_due: Vec<usize>) -> Result<bool> {
        let site = &self.site;
        let mut seen = HashSet::default();
        let due: Vec<EntryRef> = (due.into_iter())
            .filter(|&at| seen.insert(site.entry(at).doc.source.as_os_str()))
            .collect();
        // Read in parallel: after a start, the first update may read the threads of
        // every comment the site-wide pages quote.
        let read: Vec<Option<Entry>> = due
            .par_iter()
            .map(|&at| {
                let entry = site.entry(at);
                let source = entry.source();
                let whole = site::load_entry(&self.options.root, &source, &site.config).ok()?;
                let same =
                    build::same_front_matter(entry, &whole) && whole.digest() == entry.digest();
                same.then_some(whole)
            })
            .collect();
        for (at, whole) in due.into_iter().zip(read) {
            let Some(mut whole) = whole else {
                return Ok(false);
            };
            let entry = self.site.entry_mut(at);
            self.outlines.remove(&*entry.doc.source);
            whole.revision = entry.revision;
            whole.body = entry.body.take();
            *entry = whole;
        }
        if !feed_due.is_empty() {
            let pass = Pass::keeping(&self.site, &self.renderer, &mut self.related);
            let mut bodies = Vec::with_capacity(feed_due.len());
            for p in feed_due {
                let (_, made) = pass.render_entry(EntryRef::Post(p))?;
                bodies.push((p, Body::of(&pass, &pass.site.posts[p], made, true, None)));
            }
            drop(pass);
            for (p, body) in bodies {
                self.site.posts[p].body = Some(body);
            }
        }
        Ok(true)
    }

    /// The posts and pages this update renders a page of or shows a comment of, and
    /// the posts the posts feed shows whose body was not kept.
    fn outlines_due(&self, outputs: &[Output], changed: &[bool]) -> (Vec<EntryRef>, Vec<usize>) {
        let mut due = Vec::new();
        let site = &self.site;
        // The posts of the feed whose body holds no content (taken from the state), the
        // changed ones too: a changed post whose page is not rendered again keeps its
        // body as it was.
        let mut feed_due: Vec<usize> = (0..build::feed_window(site))
            .filter(|&p| (site.posts[p].body.as_ref()).is_none_or(|b| b.content.is_none()))
            .collect();
        if self.outlines.is_empty() && feed_due.is_empty() {
            return (due, feed_due);
        }
        let mut shows_comments = false;
        for (output, &changed) in outputs.iter().zip(changed) {
            match output.job {
                Job::Entry(at) if changed => {
                    if let EntryRef::Post(p) = at {
                        feed_due.retain(|&q| q != p);
                    }
                    due.push(at)
                }
                Job::Site(SitePage::Engagement | SitePage::CommentsFeed(_)) => {
                    shows_comments |= changed;
                }
                _ => {}
            }
        }
        if shows_comments {
            let at = |p: usize| site.entry_ref(p);
            let shown = engagement::shown_comments(site, &self.totals);
            due.extend(shown.comments.into_iter().filter_map(|(p, c)| {
                let quoted = self.quoted.get(&*site.entry(at(p)).doc.source);
                quoted.is_none_or(|q| !q.contains(&c)).then_some(at(p))
            }));
            // A post the comments feed shows needs its thread whole, with the text of
            // the comments of it the feed could show: a quoted outline holds its
            // thread whole, without the text of the comments not quoted.
            due.extend(shown.feed_posts.into_iter().filter_map(|p| {
                let entry = site.entry(at(p));
                let quoted = self.quoted.get(&*entry.doc.source);
                let held = quoted.is_some_and(|q| {
                    let candidates =
                        engagement::feed_candidates(site, &entry.thread, entry.doc.date);
                    candidates.iter().all(|c| q.contains(c))
                });
                (!held).then_some(at(p))
            }));
        }
        due.extend(feed_due.iter().map(|&p| EntryRef::Post(p)));
        due.retain(|&at| self.outlines.contains(&*site.entry(at).doc.source));
        (due, feed_due)
    }

    /// Brings the output up to date with `changed` (paths relative to the site root).
    /// On error nothing was changed: the output still holds the last good build.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update> {
        let root = self.options.root.clone();
        let change = match self.classify(&root, changed) {
            Some(change) if !self.dirty => change,
            _ => return Ok(Update::NeedsFullBuild),
        };
        let reloaded = self.reload(&root, &change)?;
        let before = self.places(&change);
        let undo = self.apply(&change, reloaded);
        self.recount(&change, &before, &undo);
        match self.publish(&change) {
            Ok(update) => Ok(update),
            Err(e) => {
                self.undo(&change, undo);
                self.totals = engagement::totals_of(&self.site);
                Err(e)
            }
        }
    }

    /// Where the entry read from each of `change`'s sources is among the site's posts
    /// then pages (the numbering of the site-wide totals), in the order of the sources:
    /// two changed posts that swap places are told apart from posts that stay.
    fn places(&self, change: &Change) -> Vec<Option<usize>> {
        let site = &self.site;
        let mut places = vec![None; change.sources.len()];
        for (p, e) in site.posts.iter().chain(&site.pages).enumerate() {
            let source = e.doc.source.as_os_str();
            if let Some(s) = change.sources.iter().position(|s| s.as_os_str() == source) {
                places[s] = Some(p);
            }
        }
        places
    }

    /// Brings the site-wide totals up to date with the entries `apply` replaced (in
    /// `undo`, which were at `before`): by each changed thread's old and new share
    /// when every entry stayed where it was, which a new comment or a paragraph
    /// leaves alone; made anew when posts came, went or moved.
    fn recount(&mut self, change: &Change, before: &[Option<usize>], undo: &Undo) {
        let after = self.places(change);
        let site = &self.site;
        let entries: Vec<&Entry> = site.posts.iter().chain(&site.pages).collect();
        let old = |e: &Entry| {
            let source = e.doc.source.as_os_str();
            (undo.entries.iter()).find(|u| u.doc.source.as_os_str() == source)
        };
        let stayed = before == after && undo.entries.len() == after.iter().flatten().count();
        let replaced: Option<Vec<_>> = stayed
            .then(|| {
                (after.iter().flatten())
                    .map(|&p| {
                        let old = old(entries[p])?;
                        Some((p, engagement::share(old), engagement::share(entries[p])))
                    })
                    .collect()
            })
            .flatten();
        match replaced {
            Some(replaced) => {
                let changed: Vec<_> = (replaced.into_iter())
                    .filter(|(_, old, new)| {
                        old.digest != new.digest || old.engagement != new.engagement
                    })
                    .collect();
                self.totals.replace(&changed, &|p| entries[p].digest())
            }
            None => self.totals = engagement::totals_of(site),
        }
    }

    /// What `changed` is about, or `None` when it needs a full build.
    fn classify(&self, root: &Path, changed: &[PathBuf]) -> Option<Change> {
        let mut change = Change {
            sources: BTreeSet::new(),
            documents: BTreeSet::new(),
            assets: BTreeSet::new(),
        };
        for path in changed {
            if !path.starts_with("content") {
                return None;
            }
            let name = path.file_name()?.to_string_lossy();
            if path
                .iter()
                .any(|part| content::is_ignored(&part.to_string_lossy()))
            {
                continue;
            }
            if name.ends_with(THREAD_SUFFIX) {
                change.sources.extend(content::markdown_path_for(path));
            } else if name.ends_with(".md") {
                change.sources.insert(path.clone());
                change.documents.insert(path.clone());
            } else if content::refused_asset(root, path).is_some() {
                return None; // the full build says why
            } else if root.join(path).is_file() || self.site.assets.contains(path) {
                change.assets.insert(path.clone());
            } else {
                // A folder, or something never published: list everything again.
                return None;
            }
        }
        Some(change)
    }

    /// Reads the changed sources; every problem is reported before anything changes.
    fn reload(&self, root: &Path, change: &Change) -> Result<Vec<Entry>> {
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        let old: HashMap<&Path, &Entry> = self
            .site
            .posts
            .iter()
            .chain(&self.site.pages)
            .filter(|e| change.has(e))
            .map(|e| (&*e.doc.source, e))
            .collect();
        for md in &change.sources {
            let thread = content::thread_path_for(md);
            let thread_exists = root.join(&thread).is_file();
            if !root.join(md).is_file() {
                if thread_exists {
                    problems.push(orphan(&thread));
                }
                continue;
            }
            let source = Source {
                kind: if md.starts_with("content/posts") {
                    Kind::Post
                } else {
                    Kind::Page
                },
                path: md.clone(),
                thread: thread_exists.then_some(thread),
            };
            match site::load_entry(root, &source, &self.site.config) {
                Ok(mut e) => {
                    // The conversation pages follow threads, not the text of posts;
                    // the feeds of posts their text, not their threads.
                    if let Some(before) = old.get(md.as_path()) {
                        // An outline holds no comments: its thread is known by its
                        // file alone.
                        let same_thread = if self.outlines.contains(md) {
                            let (thread, revision) =
                                (source.thread.as_deref(), before.revision.thread);
                            state::same_thread_file(root, thread, revision, self.started)
                        } else {
                            before.thread == e.thread
                        };
                        if same_thread {
                            e.revision.thread = before.revision.thread;
                        }
                        if !change.documents.contains(md) {
                            e.revision.doc = before.revision.doc;
                        }
                    }
                    if self.options.drafts || site::is_published(&e.doc, &self.options.now) {
                        entries.push(e);
                    }
                }
                Err(ds) => problems.extend(ds),
            }
        }
        problems.extend(site::undated_posts(&entries));
        if problems.is_empty() {
            Ok(entries)
        } else {
            problems.sort_by(|a, b| a.location.cmp(&b.location));
            Err(Error::Content(problems))
        }
    }

    /// Puts the reloaded entries and the changed assets in the site.
    fn apply(&mut self, change: &Change, reloaded: Vec<Entry>) -> Undo {
        let assets = self.site.assets.clone();
        let site = &mut self.site;
        // In place, and without sorting again: ten thousand entries moved to new
        // vectors, or sorted with a scratch copy, were most of a one-post update. An
        // entry that stays where it was (a new comment, a paragraph) takes its old
        // one's place; the others are taken out and put where they now go.
        let mut removed = Vec::new();
        let mut moved = Vec::new();
        for entry in reloaded {
            let list = match entry.doc.kind {
                Kind::Post => &mut site.posts,
                Kind::Page => &mut site.pages,
            };
            let source = entry.doc.source.as_os_str();
            let at = list.iter().position(|e| e.doc.source.as_os_str() == source);
            match at.filter(|&i| stays_at(list, i, &entry, change)) {
                Some(i) => {
                    let mut entry = entry;
                    entry.keep_body_of(&list[i]);
                    removed.push(std::mem::replace(&mut list[i], entry))
                }
                None => moved.push(entry),
            }
        }
        let replaced: Vec<std::ffi::OsString> = (removed.iter())
            .map(|e| e.doc.source.as_os_str().to_owned())
            .collect();
        for list in [&mut site.posts, &mut site.pages] {
            let taken_out = |e: &Entry| {
                change.has(e)
                    && !replaced
                        .iter()
                        .any(|r| r.as_os_str() == e.doc.source.as_os_str())
            };
            while let Some(i) = list.iter().rposition(taken_out) {
                removed.push(list.remove(i));
            }
        }
        for entry in &mut moved {
            let source = entry.doc.source.as_os_str();
            if let Some(old) = removed.iter().find(|e| e.doc.source.as_os_str() == source) {
                entry.keep_body_of(old);
            }
        }
        self.insert(moved);
        let root = &self.options.root;
        let site = &mut self.site;
        site.assets.retain(|a| !change.assets.contains(a));
        site.assets.extend(
            change
                .assets
                .iter()
                .filter(|a| root.join(a).is_file())
                .cloned(),
        );
        site.assets.sort();
        let mut bundles = Vec::new();
        for md in &change.sources {
            let Some(dir) = site::bundle_folder(md) else {
                continue;
            };
            let was = match root.join(md).is_file() {
                true => !site.bundles.insert(dir.to_path_buf()),
                false => site.bundles.remove(dir),
            };
            bundles.push((dir.to_path_buf(), was));
        }
        Undo {
            entries: removed,
            assets,
            bundles,
        }
    }

    /// Puts each entry where a full build's sort would.
    fn insert(&mut self, entries: Vec<Entry>) {
        for entry in entries {
            let (list, at) = match entry.doc.kind {
                Kind::Post => {
                    let posts = &mut self.site.posts;
                    let at = posts.partition_point(|p| site::post_order(p, &entry).is_le());
                    (posts, at)
                }
                Kind::Page => {
                    let pages = &mut self.site.pages;
                    let at = pages.partition_point(|p| p.doc.source <= entry.doc.source);
                    (pages, at)
                }
            };
            list.insert(at, entry);
        }
    }

    fn undo(&mut self, change: &Change, undo: Undo) {
        self.site.posts.retain(|e| !change.has(e));
        self.site.pages.retain(|e| !change.has(e));
        self.insert(undo.entries);
        self.site.assets = undo.assets;
        for (dir, was) in undo.bundles {
            match was {
                true => self.site.bundles.insert(dir),
                false => self.site.bundles.remove(&dir),
            };
        }
    }

    /// Plans the site again, renders what differs from the last plan and publishes it.
    /// One pass serves both unless outlines have to be read whole first.
    fn publish(&mut self, change: &Change) -> Result<Update> {
        // The state saved beside the output no longer describes it.
        state::remove(&self.options.output_dir());
        for source in &change.sources {
            self.outlines.remove(source);
        }
        let mut pass = Pass::keeping(&self.site, &self.renderer, &mut self.related);
        pass.totals = engagement::SiteTotals::kept(&self.totals);
        let plan = plan::plan(&pass, &self.statics, &self.outputs)?;
        let (mut changed, gone) = compare(&self.outputs, &plan.outputs, self.site.entries());
        let gone: Vec<String> = gone.into_iter().map(String::from).collect();
        let root = &self.options.root;
        let copied: HashSet<PathBuf> = change.assets.iter().map(|a| root.join(a)).collect();
        if !copied.is_empty() {
            for (i, output) in plan.outputs.iter().enumerate() {
                changed[i] |= output.job.source_file().is_some_and(|p| copied.contains(p));
            }
        }
        let (due, feed_due) = self.outlines_due(&plan.outputs, &changed);
        let (rendered, outputs) = if due.is_empty() && feed_due.is_empty() {
            let rendered = self.render_changed(&pass, &plan, &changed, &gone)?;
            (rendered, plan.outputs)
        } else {
            let Plan { outputs, lists } = plan;
            drop(lists);
            drop(pass);
            if !self.read_due(due, feed_due)? {
                return Ok(Update::NeedsFullBuild);
            }
            let mut pass = Pass::keeping(&self.site, &self.renderer, &mut self.related);
            pass.totals = engagement::SiteTotals::kept(&self.totals);
            // Reading outlines whole changed none of the plan's inputs: it holds, with
            // the lists of this pass.
            let plan = Plan {
                outputs,
                lists: pass.lists(),
            };
            let rendered = self.render_changed(&pass, &plan, &changed, &gone)?;
            (rendered, plan.outputs)
        };
        let (rendered, update) = match rendered {
            Ok(done) => done,
            Err(e) => {
                self.dirty = true;
                return Err(e);
            }
        };
        self.remember(&outputs);
        self.site.hold_bodies(rendered.bodies);
        Ok(update)
    }

    /// Holds the files and digests of `outputs`, the plan just published: when its
    /// files are those of the last, only their digests change.
    fn remember(&mut self, outputs: &[Output]) {
        let entries = self.site.entries();
        if plan::same_files(&self.outputs, outputs, entries) {
            for (written, output) in self.outputs.iter_mut().zip(outputs) {
                written.inputs = output.inputs;
            }
        } else {
            self.outputs = outputs.iter().map(|o| o.written(entries)).collect();
        }
    }

    /// Renders the outputs of `plan` that `changed` selects, in memory, then publishes
    /// them and removes the files `gone`: an error rendering leaves the output as it
    /// was (`Err`); one publishing may leave it partly updated (`Ok(Err)`).
    fn render_changed(
        &self,
        pass: &Pass<'_>,
        plan: &Plan<'_>,
        changed: &[bool],
        gone: &[String],
    ) -> Result<Result<(Rendered, Update)>> {
        let staged = Staged::new(&self.options.output_dir());
        let rendered = render_plan(pass, plan, &|i| changed[i], true, &staged)?;
        let update = Update::Partial {
            entries: rendered.entries,
            files: rendered.files + gone.len(),
        };
        let gone: Vec<&str> = gone.iter().map(String::as_str).collect();
        Ok(staged.publish(&gone).map(|()| (rendered, update)))
    }
}

/// Whether `entry`, a new reading of `list[i]`, goes where `list[i]` is: where
/// `Incremental::insert` would put it once the old one is taken out, its neighbours
/// being unchanged.
fn stays_at(list: &[Entry], i: usize, entry: &Entry, change: &Change) -> bool {
    let before = i.checked_sub(1).map(|j| &list[j]);
    let after = list.get(i + 1);
    if before.is_some_and(|e| change.has(e)) || after.is_some_and(|e| change.has(e)) {
        return false;
    }
    match entry.doc.kind {
        Kind::Post => {
            before.is_none_or(|b| site::post_order(b, entry).is_le())
                && after.is_none_or(|a| site::post_order(a, entry).is_gt())
        }
        Kind::Page => true,
    }
}

/// Which outputs of `new` differ from those of `old` (by index in `new`), and the
/// files of `old` that `new` no longer has.
fn compare<'a>(
    old: &'a [Written],
    new: &[Output],
    entries: Entries<'_>,
) -> (Vec<bool>, Vec<&'a str>) {
    if plan::same_files(old, new, entries) {
        let changed = old.iter().zip(new).map(|(a, b)| a.inputs != b.inputs);
        return (changed.collect(), Vec::new());
    }
    let before: HashMap<&str, u64> = old.iter().map(|o| (&*o.file, o.inputs)).collect();
    let files: Vec<Cow<'_, str>> = new.iter().map(|o| o.file(entries)).collect();
    let changed = (new.iter().zip(&files))
        .map(|(o, file)| before.get(&**file) != Some(&o.inputs))
        .collect();
    let now: HashSet<&str> = files.iter().map(|f| &**f).collect();
    let gone = old
        .iter()
        .map(|o| &*o.file)
        .filter(|f| !now.contains(f))
        .collect();
    (changed, gone)
}

fn orphan(thread: &Path) -> Diagnostic {
    Diagnostic::new(
        Location::new(thread, None),
        "this thread file has no post beside it",
        format!(
            "rename it to match its post ({}), or delete it",
            thread.display().to_string().replace(THREAD_SUFFIX, ".md")
        ),
    )
}

#[cfg(test)]
mod tests;
