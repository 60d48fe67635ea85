//! The full build: a list of named, timed steps from a loaded site to its plan, and
//! from the plan to files in a sink. Posts render in parallel; every file goes through
//! the sink, which refuses paths outside the output.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use rayon::prelude::*;

use crate::config::SiteConfig;
use crate::content::{self, Source};
use crate::error::{Diagnostic, Error, Location, Result};
use crate::render::Renderer;
use crate::site::engagement::SiteTotals;
use crate::site::output::{OutputDir, OutputLock, Sink};
use crate::site::pages::{EntryRef, Made, Pass};
use crate::site::plan::{self, Job, Output, Plan};
use crate::site::publish_update::Staged;
use crate::site::related::KeptRelated;
use crate::site::spill::{self, Kept, Lost, Spill};
use crate::site::state::{self, Taken};
use crate::site::static_files::{static_layers, StaticSource};
use crate::site::urls::SitePage;
use crate::site::{self, engagement, guard, BuildOptions, Entry, Site};
use crate::threads::conversations::Totals;
use crate::threads::digest::Digest;
use crate::threads::{Thread, Tree};

/// What a build did, for the command line to print.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub output: PathBuf,
    pub posts: usize,
    pub pages: usize,
    pub comments: usize,
    pub files: usize,
    /// Files rendered or copied; the others were the published ones, unchanged.
    pub rendered: usize,
    /// Posts and pages the build did not read again: the state saved beside the
    /// output held them.
    pub reused: usize,
    pub steps: Vec<(&'static str, Duration)>,
}

impl BuildReport {
    /// How many files it rendered again, when it reused the build saved beside the
    /// output (`None`: it built everything).
    pub fn rendered_again(&self) -> Option<usize> {
        (self.reused > 0 || self.rendered < self.files).then_some(self.rendered)
    }

    fn step<T>(&mut self, name: &'static str, f: impl FnOnce() -> Result<T>) -> Result<T> {
        let start = Instant::now();
        let out = f()?;
        self.steps.push((name, start.elapsed()));
        Ok(out)
    }
}

/// Loads, renders and writes the site, swapping the output in only on success.
///
/// What a build holds does not grow with the text of the site: it first reads every
/// post and page without its body and thread (what the plan, lists and feeds need),
/// then reads each one whole, renders and writes its page, and keeps of it only what
/// the site-wide pages use; the few comments whose text they show are read again. A
/// small site's text is kept from the first reading instead (`KEPT_TEXT`).
///
/// With the state the last build of this output saved (`state.rs`), it reads again
/// only the posts and pages whose files changed, renders only the outputs whose inputs
/// changed, and links the others from the published folder into the staged one.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let (report, built) = build_warm(options, None)?;
    // Given back on another thread: a big site's posts are a few hundred thousand
    // allocations, and the caller (the command line, about to exit) need not wait.
    std::thread::spawn(move || drop(built));
    Ok(report)
}

/// `build`, returning what an incremental update starts from: the site as outlines
/// (`outline`: no post or page holds its markdown body or its comments), each post
/// holding what lists and feeds show of it (`Entry::body`). With `held`, the build
/// runs under the output's lock its caller holds (a server, for as long as it runs).
pub(crate) fn build_warm(
    options: &BuildOptions,
    held: Option<&OutputLock>,
) -> Result<(BuildReport, Built)> {
    let started = SystemTime::now();
    let mut report = BuildReport {
        output: options.output_dir(),
        ..Default::default()
    };
    let config = site::config_of(options)?;
    guard::check_output_location(&config, &report.output)?;
    let target = report.output.clone();
    let open = || match held {
        Some(lock) => OutputDir::create_holding(lock),
        None => OutputDir::create(&target, options.on_wait),
    };
    let mut out = report.step("prepare output", open)?;
    let key = state::key(options, &config);
    let mut saved = match key {
        Some(key) if !options.fresh => {
            report.step("read state", || Ok(state::read(out.target(), key)))?
        }
        _ => None,
    };
    loop {
        match build_into(
            options,
            &config,
            &mut report,
            out,
            saved.take(),
            key,
            started,
        )? {
            Outcome::Done(built) => return Ok((report, *built)),
            // The published folder lacks a file the state says it has: build it all
            // (without a state, a build never comes back here).
            Outcome::Retry(back) => {
                drop(back);
                out = open()?;
            }
        }
    }
}

/// How `build_into` ended.
enum Outcome {
    Done(Box<Built>),
    /// The state did not hold after all (found before anything was rendered): the
    /// output folder, given back to build again without it.
    Retry(OutputDir),
}

/// What the first pass of `build_into` did.
enum FirstPass {
    /// The state did not hold.
    Retry,
    /// Nothing changed: the published folder is this very build, of these outputs.
    Unchanged(Vec<Output>),
    /// The posts and pages read whole were rendered.
    Rendered(FirstRender),
}

/// What the first pass of `build_into` rendered, and what is left to do.
struct FirstRender {
    outputs: Vec<Output>,
    fresh: Vec<bool>,
    /// The outputs neither rendered now nor due: the published files.
    unchanged: Vec<bool>,
    rendered: usize,
    left: Vec<(EntryRef, EntryLeft)>,
    /// Held in memory, to be published in place (`IN_PLACE_SHARE`).
    in_place: bool,
}

/// A build that renders at most one file in this many publishes them in place, each
/// renamed over the old one as an update of `serve` does, instead of linking every
/// unchanged file into a new folder and swapping it in (most of the time of a build
/// after a small edit). The files are held in memory until all of them rendered.
const IN_PLACE_SHARE: usize = 32;

/// The build of `build`, reusing `saved` if there is one; `config` is the site's
/// configuration as the build sees it (`site::config_of`).
fn build_into(
    options: &BuildOptions,
    config: &SiteConfig,
    report: &mut BuildReport,
    out: OutputDir,
    mut saved: Option<state::Saved>,
    key: Option<u64>,
    started: SystemTime,
) -> Result<Outcome> {
    let staged = Staged::new(out.target());
    let reading = Reading {
        options,
        root: state::Folder::open(&options.root),
        saved: saved.as_ref(),
        text_left: AtomicUsize::new(options.kept_text),
        text_dropped: AtomicBool::new(false),
    };
    let read_outline =
        |root: &Path, source: &Source, config: &SiteConfig| reading.entry(root, source, config);
    let fingerprint = || {
        if let Some(state) = reading.saved {
            state.fingerprint(&reading.root);
        }
    };
    // The templates are read beside the load: in a full build, nothing else runs
    // while the content folder is listed.
    let (loaded, renderer) = report.step("load", || {
        Ok(rayon::join(
            || {
                // The configuration `build_warm` read, not site.toml read again.
                let config = config.clone();
                site::load_with(options, config, &read_outline, &fingerprint).or_else(|_| {
                    // Every problem at once, the threads' included. Its entries carry
                    // no fingerprints, so none is saved: should it succeed (a file
                    // changed between the readings), the next build is a full one.
                    site::load(options)
                })
            },
            || Renderer::new(config),
        ))
    })?;
    let mut site = loaded?;
    let renderer = renderer?;
    let text_kept = !reading.text_dropped.load(Ordering::Relaxed);
    if !text_kept {
        (site.posts.par_iter_mut().chain(&mut site.pages)).for_each(|e| e.doc.drop_text());
    }
    let output = options.output_dir();
    let statics = report.step("plan", || static_layers(&site.config, &output))?;
    // Weighed once, here (unless the state holds them), and kept for the updates of
    // a server.
    let mut related = saved
        .as_mut()
        .map_or_else(KeptRelated::default, state::Saved::take_related);
    let first = report.step("render posts", || {
        let pass = Pass::keeping(&site, &renderer, &mut related);
        let plan = plan::plan(&pass, &statics, &[])?;
        // Each published file is looked at: in parallel.
        let fresh: Vec<bool> = (plan.outputs.par_iter())
            .map(|o| {
                saved
                    .as_ref()
                    .is_none_or(|s| !s.has(o, pass.site.entries()))
            })
            .collect();
        let in_feed = feed_window(pass.site);
        // Read again: a post or page the state did not hold, or whose page or what
        // lists show of it is due.
        let read_whole: Vec<bool> = (plan.outputs.iter().zip(&fresh))
            .map(|(output, &fresh)| {
                let Job::Entry(at) = output.job else {
                    return false;
                };
                let body_due = match at {
                    EntryRef::Post(p) => (pass.entry(at).body.as_ref())
                        .is_none_or(|b| p < in_feed && b.content.is_none()),
                    EntryRef::Page(_) => false,
                };
                fresh || body_due || !pass.entry(at).read_from_state()
            })
            .collect();
        let published = saved
            .as_ref()
            .is_some_and(|s| s.outputs() == plan.outputs.len());
        if published && !fresh.iter().chain(&read_whole).any(|changed| *changed) {
            return Ok(FirstPass::Unchanged(plan.outputs));
        }
        let changed = (fresh.iter().zip(&read_whole))
            .filter(|&(a, b)| *a || *b)
            .count();
        let in_place = saved.is_some() && changed * IN_PLACE_SHARE <= plan.outputs.len();
        if saved.is_some() && !in_place {
            let unchanged: Vec<Cow<'_, str>> = (plan.outputs.iter().enumerate())
                .filter(|&(i, _)| !fresh[i] && !read_whole[i])
                .map(|(_, o)| o.file(pass.site.entries()))
                .collect();
            let unchanged: Vec<&str> = unchanged.iter().map(|file| &**file).collect();
            if !out.link_published(&unchanged)? {
                return Ok(FirstPass::Retry);
            }
        }
        let sink: &dyn Sink = if in_place { &staged } else { &out };
        // Beside the output (without a name): a spill that cannot be made only costs
        // memory.
        let dir = (out.target().parent()).filter(|d| !d.as_os_str().is_empty());
        let spill = Spill::in_folder(dir.unwrap_or(Path::new("."))).ok();
        let left =
            render_entries_read_whole(&pass, &plan, &|i| read_whole[i], sink, spill.as_ref())?;
        let rendered = read_whole.iter().filter(|r| **r).count();
        let unchanged = (fresh.iter().zip(&read_whole))
            .map(|(&fresh, &read)| !fresh && !read)
            .collect();
        Ok(FirstPass::Rendered(FirstRender {
            outputs: plan.outputs,
            fresh,
            unchanged,
            rendered,
            left,
            in_place,
        }))
    })?;
    let FirstRender {
        outputs,
        fresh,
        unchanged,
        rendered,
        left,
        in_place,
    } = match first {
        FirstPass::Retry => return Ok(Outcome::Retry(out)),
        FirstPass::Unchanged(outputs) => {
            report.reused = reused_entries(&site);
            report.posts = site.posts.len();
            report.pages = site.pages.len();
            report.comments = (site.posts.iter().chain(&site.pages))
                .map(|e| e.digest().comments as usize)
                .sum();
            report.files = outputs.len();
            return Ok(Outcome::Done(Box::new(Built {
                site,
                renderer,
                statics,
                outputs,
                related,
                quoted: Vec::new(),
            })));
        }
        FirstPass::Rendered(first) => first,
    };
    // The posts and pages whose record differs from the one saved: the others' are
    // saved again as they were read. Without a state read, no record is kept, and a
    // set of every post held to the end was 2 % of a full build's peak.
    let mut touched: foldhash::HashSet<PathBuf> = foldhash::HashSet::default();
    for (at, (body, conversation)) in left {
        let entry = site.entry_mut(at);
        if saved.is_some() {
            touched.insert(entry.doc.source.to_path_buf());
        }
        entry.set_conversation(conversation);
        // Kept for its page alone: the state saves no text.
        entry.doc.drop_text();
        if body.is_some() {
            entry.body = body;
        }
    }
    let rest: Vec<bool> = (outputs.iter().zip(&fresh))
        .map(|(o, &fresh)| fresh && !matches!(o.job, Job::Entry(_)))
        .collect();
    let quotes = |o: &Output| {
        matches!(
            o.job,
            Job::Site(SitePage::Engagement | SitePage::CommentsFeed(_))
        )
    };
    let shows_comments = (outputs.iter().zip(&rest)).any(|(o, &rest)| rest && quotes(o));
    let mut quoted = Vec::new();
    let mut outputs = outputs;
    report.step("render", || {
        let sink: &dyn Sink = if in_place { &staged } else { &out };
        // The very files and jobs of the first plan, whose collisions were checked
        // then: what they are made from changed (the conversations), not which they
        // are. Not planned again: a second plan of a big site was the peak of its build.
        let mut render =
            |site: &Site, totals: Option<&Totals>, wanted: &(dyn Fn(&Output) -> bool + Sync)| {
                let mut pass = Pass::keeping(site, &renderer, &mut related);
                if let Some(totals) = totals {
                    pass.totals = SiteTotals::kept(totals);
                }
                let plan = Plan {
                    outputs: std::mem::take(&mut outputs),
                    lists: pass.lists(),
                };
                let rendered = render_plan(
                    &pass,
                    &plan,
                    &|i| rest[i] && wanted(&plan.outputs[i]),
                    false,
                    sink,
                );
                outputs = plan.outputs;
                rendered.map(drop)
            };
        let read_shown = || {
            // Made once, for the comments to quote and the pages that quote them: the
            // comments read again do not change them.
            let totals = shows_comments.then(|| engagement::totals_of(&site));
            let read = totals.as_ref().map(|t| read_shown_comments(&site, t));
            (totals, read.transpose())
        };
        // A small site's pages that quote no comment are written while the quoted
        // comments' threads are read again (that reading alone kept a core idle). A
        // big site's are written after: its search index and lists, held beside the
        // threads, raised its peak.
        let overlap = text_kept && saved.is_none();
        let ((totals, read), others) = if overlap {
            rayon::join(read_shown, || render(&site, None, &|o| !quotes(o)))
        } else {
            (read_shown(), Ok(()))
        };
        let read = read?;
        others?;
        if let Some(read) = read {
            quoted = keep_shown_comments(&mut site, read);
            touched.extend(quoted.iter().map(|(source, _)| source.clone()));
        }
        match (overlap, &totals) {
            (true, None) => Ok(()),
            (true, Some(_)) => render(&site, totals.as_ref(), &quotes),
            (false, _) => render(&site, totals.as_ref(), &|_| true),
        }
    })?;
    report.rendered = rendered + rest.iter().filter(|r| **r).count();
    report.reused = reused_entries(&site);
    report.posts = site.posts.len();
    report.pages = site.pages.len();
    report.comments = site
        .posts
        .iter()
        .chain(&site.pages)
        .map(|e| e.digest().comments as usize)
        .sum();
    report.files = outputs.len();
    // What the posts feed no longer shows is not kept.
    let in_feed = feed_window(&site);
    for post in &mut site.posts[in_feed..] {
        if let Some(body) = &mut post.body {
            if body.content.take().is_some() {
                touched.insert(post.doc.source.to_path_buf());
            }
        }
    }
    // Until the new state is saved, the next build is a full one: a build stopped
    // while it publishes in place leaves a folder no state describes.
    let set_aside = saved.as_ref().is_some_and(state::Saved::set_aside);
    if !set_aside {
        state::remove(out.target());
    }
    let save_state = |target: &Path| {
        let Some(key) = key else { return };
        let to_save = state::ToSave {
            key,
            started,
            outputs: &outputs,
            unchanged: &unchanged,
            entries: [&site.posts, &site.pages],
            touched: &touched,
            saved: saved.as_ref(),
            set_aside,
            related: &related,
        };
        // Without a state the next build is a full one: nothing worse.
        let _ = state::save(target, &to_save);
    };

    if in_place {
        let planned: foldhash::HashSet<Cow<'_, str>> =
            (outputs.iter()).map(|o| o.file(site.entries())).collect();
        let gone: Vec<&str> = (saved.iter().flat_map(state::Saved::files))
            .filter(|f| !planned.contains(*f))
            .collect();
        report.step("publish", || staged.publish(&gone))?;
        report.step("save state", || {
            save_state(out.target());
            Ok(())
        })?;
    } else {
        report.step("swap", || out.commit_then(save_state))?;
    }
    Ok(Outcome::Done(Box::new(Built {
        site,
        renderer,
        statics,
        outputs,
        related,
        quoted,
    })))
}

/// Reads each post and page for `build_into`: from the saved state when its files did
/// not change, otherwise its front matter (`outline`).
struct Reading<'a> {
    options: &'a BuildOptions,
    /// The site's folder, its sources fingerprinted from it.
    root: state::Folder,
    saved: Option<&'a state::Saved>,
    /// The bytes of text the outlines may still keep (`BuildOptions::kept_text`).
    text_left: AtomicUsize,
    /// Whether an outline could not keep its text: then none does.
    text_dropped: AtomicBool,
}

/// A site whose posts' and pages' text (after the front matter) is at most this
/// size keeps it from the first reading to the page's rendering, rather than read each
/// file again (four calls to the system a post, a fiftieth of a 1,000-post build); a
/// bigger one keeps none, so that what it holds does not grow with it.
pub const KEPT_TEXT: usize = 8 << 20;

impl Reading<'_> {
    /// Whether an outline may keep `len` bytes of text.
    fn keeps_text(&self, len: usize) -> bool {
        let kept = (self.text_left).fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
            left.checked_sub(len)
        });
        if kept.is_err() {
            self.text_dropped.store(true, Ordering::Relaxed);
        }
        kept.is_ok()
    }
}

impl Reading<'_> {
    fn entry(
        &self,
        root: &Path,
        source: &Source,
        config: &SiteConfig,
    ) -> std::result::Result<Entry, Vec<Diagnostic>> {
        let Taken {
            prints,
            held: saved,
            thread,
        } = match self.saved {
            Some(state) => state.take(&self.root, source),
            None => Taken::without_state(&self.root, source),
        };
        let held = saved.is_some();
        let mut entry = match saved {
            Some((mut entry, body)) => {
                entry.body = body;
                entry
            }
            None => outline(root, source, config, self.options, thread, &|len| {
                self.keeps_text(len)
            })?,
        };
        entry.prints = Some(prints.held(held));
        Ok(entry)
    }
}

/// How many of the site's posts and pages were read from the saved state.
fn reused_entries(site: &Site) -> usize {
    (site.posts.iter().chain(&site.pages))
        .filter(|e| e.read_from_state())
        .count()
}

/// A post or page without its body, summary and thread: its front matter, which is
/// all the plan, lists and feeds need of it (the summaries they show are rendered
/// from the second reading, `Body`). An entry the build leaves out (a draft) is read
/// whole, so that its thread's problems are reported as by a full load. Its revision
/// is a digest of its files, the same in every build (`state::content_digest`); the
/// thread's is `thread` when it is known without reading the file (`state::Taken`).
fn outline(
    root: &Path,
    source: &Source,
    config: &SiteConfig,
    options: &BuildOptions,
    thread: Option<u64>,
    keeps_text: &dyn Fn(usize) -> bool,
) -> std::result::Result<Entry, Vec<Diagnostic>> {
    let thread_digest =
        thread.unwrap_or_else(|| state::thread_revision(root, source.thread.as_deref()));
    let bytes = content::read_document(root, source);
    let doc_digest = (bytes.as_ref()).map_or(0, |b| state::content_digest(&source.path, b));
    let mut entry = match bytes.and_then(|bytes| site::document_of(bytes, source, config)) {
        Ok(doc) if options.drafts || site::is_published(&doc, &options.now) => {
            // Its text is let go of, unless kept (`KEPT_TEXT`), once the entry's
            // revision has its summary's digest.
            let mut entry = site::entry_of(doc, Thread::default(), source.thread.is_some());
            if !keeps_text(entry.doc.text_len()) {
                entry.doc.drop_text();
            }
            entry
        }
        _ => site::load_entry(root, source, config).map(slim)?,
    };
    entry.revision.doc = doc_digest;
    entry.revision.thread = thread_digest;
    Ok(entry)
}

/// `entry` without its body, its summary (`Revision::summary` tells it) and its
/// comments.
fn slim(mut entry: Entry) -> Entry {
    entry.doc.drop_text();
    entry.thread.comments = Vec::new();
    entry.set_tree(Tree::build(&entry.thread));
    entry
}

/// A rendered entry's conversation, on its way to the entry.
type Conversation = Option<Box<site::Conversation>>;

/// What rendering one post or page read whole leaves for its entry: its body (for a
/// post) and its conversation.
type EntryLeft = (Option<Body>, Conversation);

/// Reads each post and page of `plan` that `wanted` selects (by index) whole, renders
/// and writes its page (each post's search entry into `spill`, if there is one);
/// returns what lists and feeds show of each post and what the site-wide pages use of each
/// conversation. Every problem of every thread is reported at once.
fn render_entries_read_whole(
    pass: &Pass<'_>,
    plan: &Plan<'_>,
    wanted: &(dyn Fn(usize) -> bool + Sync),
    sink: &dyn Sink,
    spill: Option<&Arc<Spill>>,
) -> Result<Vec<(EntryRef, EntryLeft)>> {
    let config = &pass.site.config;
    let in_feed = feed_window(pass.site);
    // With their places in the plan, which orders their problems.
    let mut entries: Vec<(usize, &Output, EntryRef)> = plan
        .outputs
        .iter()
        .enumerate()
        .filter(|&(i, _)| wanted(i))
        .filter_map(|(i, output)| match output.job {
            Job::Entry(at) => Some((i, output, at)),
            _ => None,
        })
        .collect();
    // The biggest first: a long thread rendered last kept one core busy while the other
    // waited, a fiftieth of a 1,000-post build.
    entries.sort_by_key(|&(_, _, at)| Reverse(pass.entry(at).prints.map_or(0, |p| p.bytes())));
    let render = |output: &Output, at: EntryRef| -> Result<(EntryRef, EntryLeft)> {
        let outline = pass.entry(at);
        let source = outline.source();
        let entry = site::load_entry_again(&config.root, &source, outline, config)
            .map_err(Error::Content)?;
        if !same_front_matter(outline, &entry) {
            return Err(changed_while_building(&outline.doc.source));
        }
        let (html, made) = pass.render_entry_as(at, &entry)?;
        sink.write(&output.file(pass.site.entries()), html.as_bytes())?;
        let body = match at {
            EntryRef::Post(i) => Some(Body::of(pass, &entry, made, i < in_feed, spill)),
            EntryRef::Page(_) => None,
        };
        let mut entry = entry;
        Ok((at, (body, entry.take_conversation())))
    };
    // A failure carries its entry's place in the plan.
    let results: Vec<std::result::Result<(EntryRef, EntryLeft), (usize, Error)>> = entries
        .par_iter()
        .map(|&(place, output, at)| render(output, at).map_err(|e| (place, e)))
        .collect();
    let (mut problems, mut failed) = (Vec::new(), None::<(usize, Error)>);
    // Collected in place of the results: a second list beside them was the peak of a
    // big site's build.
    let left: Vec<(EntryRef, EntryLeft)> = (results.into_iter())
        .filter_map(|result| match result {
            Ok(left) => Some(left),
            Err((place, Error::Content(ds))) => {
                problems.extend(ds.into_iter().map(|d| (place, d)));
                None
            }
            Err((place, other)) => {
                if failed.as_ref().is_none_or(|(first, _)| place < *first) {
                    failed = Some((place, other));
                }
                None
            }
        })
        .collect();
    if let Some((_, other)) = failed {
        return Err(other);
    }
    if problems.is_empty() {
        Ok(left)
    } else {
        // By place in the file, then in the plan, whatever order they rendered in.
        problems.sort_by(|(i, a), (j, b)| a.location.cmp(&b.location).then(i.cmp(j)));
        Err(Error::Content(
            problems.into_iter().map(|(_, d)| d).collect(),
        ))
    }
}

/// Whether a second reading of an entry shows other pages what the first did.
pub(crate) fn same_front_matter(first: &Entry, second: &Entry) -> bool {
    let (a, b) = (&first.doc, &second.doc);
    let (r, s) = (&first.revision, &second.revision);
    (r.shown, r.summary) == (s.shown, s.summary)
        && (
            &a.tags,
            &a.categories,
            &a.more().aliases,
            &a.more().template,
        ) == (
            &b.tags,
            &b.categories,
            &b.more().aliases,
            &b.more().template,
        )
}

fn changed_while_building(path: &Path) -> Error {
    Error::Content(vec![Diagnostic::new(
        Location::new(path, None),
        "this file changed while the site was being built",
        "build again once the editing is done",
    )])
}

/// A thread read again for the comments the site-wide pages quote: its post's index,
/// the thread with only those comments' text, its tree, and which comments they are.
type Reread = (usize, Thread, Tree, Vec<usize>);

/// Reads again the threads of the comments the site-wide pages show (`totals`: the
/// site's; the build keeps only each thread's digest once its post is written),
/// keeping the text of those comments alone: of a post the comments feed shows, its
/// newest comments the feed could show (`engagement::feed_candidates`).
fn read_shown_comments(site: &Site, totals: &Totals) -> Result<Vec<Reread>> {
    let shown = engagement::shown_comments(site, totals);
    let mut wanted: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (p, c) in shown.comments {
        wanted.entry(p).or_default().push(c);
    }
    let feed_posts: BTreeSet<usize> = shown.feed_posts.into_iter().collect();
    for &p in &feed_posts {
        wanted.entry(p).or_default();
    }
    let entry_at = |p: usize| site.entry(site.entry_ref(p));
    let thread_file = |p: usize| entry_at(p).thread_file().unwrap_or_default();
    // Read in parallel: a few hundred threads, which the build waited for on one core.
    let wanted: Vec<(usize, Vec<usize>)> = wanted.into_iter().collect();
    let read: Vec<Result<Reread>> = wanted
        .into_par_iter()
        .map(|(p, mut comments)| {
            let entry = entry_at(p);
            let path = thread_file(p);
            let mut thread = site::load_entry_thread(&site.config.root, &path, &site.config)
                .map_err(Error::Content)?;
            let tree = Tree::build(&thread);
            if Digest::of(&thread, &tree, entry.doc.date) != *entry.digest() {
                return Err(changed_while_building(&path));
            }
            if feed_posts.contains(&p) {
                comments.extend(engagement::feed_candidates(site, &thread, entry.doc.date));
                comments.sort_unstable();
                comments.dedup();
            }
            for (c, comment) in thread.comments.iter_mut().enumerate() {
                if !comments.contains(&c) {
                    comment.body = String::new();
                }
            }
            Ok((p, thread, tree, comments))
        })
        .collect();
    // The first problem in the posts' order, whichever thread was read first.
    read.into_iter().collect()
}

/// Gives the threads `read_shown_comments` read again to their posts and pages.
/// Returns the markdown files of those, each with the comments whose text it kept.
fn keep_shown_comments(site: &mut Site, read: Vec<Reread>) -> Vec<(PathBuf, Vec<usize>)> {
    let mut kept = Vec::with_capacity(read.len());
    for (p, thread, tree, comments) in read {
        let entry = site.entry_mut(site.entry_ref(p));
        entry.thread = thread;
        entry.set_tree(tree);
        kept.push((entry.doc.source.to_path_buf(), comments));
    }
    kept
}

/// What a build leaves for an incremental update to start from.
pub(crate) struct Built {
    pub(crate) site: Site,
    pub(crate) renderer: Renderer,
    /// The theme's and the site's static files.
    pub(crate) statics: BTreeMap<String, StaticSource>,
    /// The plan's outputs.
    pub(crate) outputs: Vec<Output>,
    /// The related posts the build weighed, for updates to reuse.
    pub(crate) related: KeptRelated,
    /// The comments whose text the build read again for the site-wide pages
    /// (`read_shown_comments`), by the source of their post or page.
    pub(crate) quoted: Vec<(PathBuf, Vec<usize>)>,
}

/// A full build that also returns the loaded site and what rendering produced.
pub(crate) fn build_keeping(options: &BuildOptions) -> Result<(BuildReport, Built)> {
    build_with(options, true)
}

/// A full build; `keep_all` keeps every post's rendered body (for incremental
/// updates) instead of only those the posts feed needs.
fn build_with(options: &BuildOptions, keep_all: bool) -> Result<(BuildReport, Built)> {
    let mut report = BuildReport {
        output: options.output_dir(),
        ..Default::default()
    };
    let site = report.step("load", || site::load(options))?;
    guard::check_output_location(&site.config, &report.output)?;
    let renderer = report.step("templates", || Renderer::new(&site.config))?;
    let mut related = KeptRelated::default();
    let pass = Pass::keeping(&site, &renderer, &mut related);
    let target = report.output.clone();
    let (statics, plan) = report.step("plan", || {
        let statics = static_layers(&site.config, &target)?;
        let plan = plan::plan(&pass, &statics, &[])?;
        Ok((statics, plan))
    })?;
    let out = report.step("prepare output", || {
        OutputDir::create(&target, options.on_wait)
    })?;
    let rendered = report.step("render", || {
        render_plan(&pass, &plan, &|_| true, keep_all, &out)
    })?;
    report.step("swap", || out.commit())?;
    report.posts = site.posts.len();
    report.pages = site.pages.len();
    report.comments = site
        .posts
        .iter()
        .chain(&site.pages)
        .map(|e| e.thread.comments.len())
        .sum();
    report.files = plan.outputs.len();
    let outputs = plan.outputs;
    drop(pass);
    let mut site = site;
    site.hold_bodies(rendered.bodies);
    Ok((
        report,
        Built {
            site,
            renderer,
            statics,
            outputs,
            related,
            quoted: Vec::new(),
        },
    ))
}

/// Renders every file of `site`, as a build into `output` would, into `sink`;
/// returns how many files were written.
pub fn render_site(
    site: &Site,
    renderer: &Renderer,
    output: &Path,
    sink: &dyn Sink,
) -> Result<usize> {
    let pass = Pass::new(site, renderer);
    let statics = static_layers(&site.config, output)?;
    let plan = plan::plan(&pass, &statics, &[])?;
    render_plan(&pass, &plan, &|_| true, false, sink)?;
    Ok(plan.outputs.len())
}

/// What lists and feeds reuse of a rendered post.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Body {
    /// What lists show of it (`Pass::summary_html`). A build keeps it in a spill, as
    /// it does the search entry, until it writes the lists.
    #[serde(with = "spill::text")]
    pub(crate) summary: Kept,
    /// Its body as HTML, when kept.
    pub(crate) content: Option<Box<str>>,
    /// Its entry in the search index (`Pass::search_entry`), made once: the index is
    /// written again on every update of a server that touches a post. A build keeps
    /// it in a spill until it writes the index.
    pub(crate) search: Kept,
}

impl Body {
    /// What lists and feeds reuse of `made`, a rendering of `entry`; its whole body
    /// only with `keep`, its summary and search entry in `spill` if there is one and
    /// not `keep`.
    pub(crate) fn of(
        pass: &Pass<'_>,
        entry: &Entry,
        made: Made,
        keep: bool,
        spill: Option<&Arc<Spill>>,
    ) -> Body {
        let Made {
            content,
            mut summary,
            description,
        } = made;
        summary.shrink_to_fit();
        let search = pass.search_entry_of(entry, description);
        let spill = spill.filter(|_| !keep);
        Body {
            search: Kept::new(search, spill),
            summary: Kept::new(summary, spill),
            content: keep.then(|| content.into()),
        }
    }

    /// Holds its summary and its search index entry, `entry`'s, in memory; the
    /// search entry is made again if it was not kept or its spill cannot be read.
    pub(crate) fn hold(&mut self, pass: &Pass<'_>, entry: &Entry) -> Result<(), Lost> {
        self.summary.hold()?;
        if !self.search.is_held() {
            let text = match self.search.text() {
                Some(text) => text.into_owned(),
                None => pass.search_entry(entry, &self.summary.read()?),
            };
            self.search = Kept::Held(text.into());
        }
        Ok(())
    }
}

/// The bodies of the posts a pass rendered, by source file, until they are handed to
/// their entries (`Site::hold_bodies`). Keyed by the bytes of the path: hashing a
/// `Path` goes over its components.
pub(crate) type BodyStore = foldhash::HashMap<Box<std::ffi::OsStr>, Body>;

/// The key of the body of the post whose markdown file is `source`.
pub(crate) fn body_key(source: &Path) -> Box<std::ffi::OsStr> {
    source.as_os_str().into()
}

/// Bodies rendered in this pass, then those the entries hold.
pub(crate) struct Bodies<'a> {
    now: &'a BodyStore,
}

impl Bodies<'_> {
    fn get<'s>(&'s self, entry: &'s Entry) -> Option<&'s Body> {
        match self.now.is_empty() {
            true => entry.body.as_ref(),
            false => (self.now.get(entry.doc.source.as_os_str())).or(entry.body.as_ref()),
        }
    }

    /// What lists show of `entry`; an error when its spill cannot be read.
    pub(crate) fn summary<'s>(
        &'s self,
        entry: &'s Entry,
    ) -> std::result::Result<Cow<'s, str>, Lost> {
        self.get(entry)
            .map_or(Ok(Cow::Borrowed("")), |b| b.summary.read())
    }

    /// Its search index entry, when kept.
    pub(crate) fn search<'s>(&'s self, entry: &'s Entry) -> Option<Cow<'s, str>> {
        self.get(entry).and_then(|b| b.search.text())
    }

    pub(crate) fn content<'s>(&'s self, entry: &'s Entry) -> &'s str {
        self.get(entry)
            .and_then(|b| b.content.as_deref())
            .unwrap_or("")
    }
}

/// What rendering part of a plan did.
pub(crate) struct Rendered {
    /// The bodies of the posts it rendered.
    pub(crate) bodies: BodyStore,
    /// How many posts and pages it rendered.
    pub(crate) entries: usize,
    /// How many files it wrote.
    pub(crate) files: usize,
}

/// Renders the outputs of `plan` that `wanted` selects (by their index) into `sink`.
/// Lists and feeds take the bodies of posts not rendered now from their entries. A post's
/// whole body is kept with `keep_all`, otherwise only if the posts feed shows it (a
/// body is as large as its page, and a big blog's bodies held to the end were a third
/// of its build's memory).
pub(crate) fn render_plan(
    pass: &Pass<'_>,
    plan: &Plan<'_>,
    wanted: &(dyn Fn(usize) -> bool + Sync),
    keep_all: bool,
    sink: &dyn Sink,
) -> Result<Rendered> {
    let mut entries = Vec::new();
    let mut rest = Vec::new();
    let selected = plan.outputs.iter().enumerate().filter(|&(i, _)| wanted(i));
    for (_, output) in selected {
        match output.job {
            Job::Entry(at) => entries.push((output, at)),
            _ => rest.push(output),
        }
    }
    let in_feed = feed_window(pass.site);
    let bodies: BodyStore = entries
        .par_iter()
        .map(|&(output, at)| {
            let (html, made) = pass.render_entry(at)?;
            sink.write(&output.file(pass.site.entries()), html.as_bytes())?;
            let EntryRef::Post(i) = at else {
                return Ok(None);
            };
            let entry = pass.entry(at);
            let body = Body::of(pass, entry, made, keep_all || i < in_feed, None);
            Ok(Some((body_key(&entry.doc.source), body)))
        })
        .filter_map(Result::transpose)
        .collect::<Result<_>>()?;
    let lookup = Bodies { now: &bodies };
    rest.par_iter()
        .try_for_each(|output| render_output(pass, plan, output, &lookup, sink))?;
    Ok(Rendered {
        entries: entries.len(),
        files: entries.len() + rest.len(),
        bodies,
    })
}

/// Renders an output that is not a post or page.
fn render_output(
    pass: &Pass<'_>,
    plan: &Plan<'_>,
    output: &Output,
    bodies: &Bodies<'_>,
    sink: &dyn Sink,
) -> Result<()> {
    let file = output.file(pass.site.entries());
    let html = match &output.job {
        Job::Static(source) => return source.write(&file, sink),
        Job::Entry(at) => pass.render_entry(*at)?.0,
        Job::Alias(at, n) => pass.render_alias(*at, *n)?,
        Job::TagAlias { list } => pass.render_list_alias(&plan.lists[*list], &file)?,
        Job::List { list, page } => {
            let posts = &pass.site.posts;
            let summary =
                |i: usize| (bodies.summary(&posts[i])).map_err(|lost| lost.of(Path::new(&*file)));
            pass.render_list_page(&plan.lists[*list], *page, &summary)?
        }
        Job::Site(SitePage::SearchIndex) => {
            return (sink.write_with(&file, &mut |out| pass.write_search_index(out, bodies)))
                .map_err(|e| Lost::within(e, &file));
        }
        Job::Site(SitePage::Sitemap) => {
            return sink.write_with(&file, &mut |out| pass.write_sitemap(out));
        }
        Job::SitemapPart(n) => {
            return sink.write_with(&file, &mut |out| pass.write_sitemap_part(*n, out));
        }
        Job::Site(page) => pass.render_site_page(*page, bodies)?,
        Job::ListFeed { list, format } => {
            (pass.render_list_feed(&plan.lists[*list], *format, bodies))
                .map_err(|lost| lost.of(Path::new(&*file)))?
        }
    };
    sink.write(&file, html.as_bytes())
}

/// How many of the newest posts the posts feed can show: up to the `feed_posts`-th
/// dated one (undated posts are left out of it).
pub(crate) fn feed_window(site: &Site) -> usize {
    let mut dated = 0;
    for (i, post) in site.posts.iter().enumerate() {
        if dated == site.config.feed_posts {
            return i;
        }
        dated += usize::from(post.doc.date.is_some());
    }
    site.posts.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::output::MemorySink;

    /// Every file under `dir`, by its path inside it.
    fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(Result::unwrap)
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(dir).unwrap().to_path_buf();
                (rel, std::fs::read(e.path()).unwrap())
            })
            .collect()
    }

    /// A site's folder in `dir`: its site.toml and an empty `content/posts`.
    fn new_site(dir: &Path) -> PathBuf {
        let root = dir.join("site");
        let config = "title = \"T\"\nbase_url = \"https://example.org/\"\n";
        std::fs::create_dir_all(root.join("content/posts")).unwrap();
        std::fs::write(root.join("site.toml"), config).unwrap();
        root
    }

    #[test]
    fn a_site_whose_text_is_kept_is_built_as_one_read_twice() {
        let dir = tempfile::tempdir().unwrap();
        let root = new_site(dir.path());
        std::fs::write(
            root.join("content/about.md"),
            "---\ntitle: About\n---\nMe.\n",
        )
        .unwrap();
        for n in 1..=6 {
            let summary = ["", "summary: \"Said *first*.\"\n"][n % 2];
            let post = format!(
                "---\ntitle: \"Post {n}\"\ndate: 2021-01-0{n}T10:00:00Z\ntags: [\"t\"]\n{summary}---\nIntro {n}.\n\n<!-- more -->\n\n```rust\nfn main() {{}}\n```\n"
            );
            std::fs::write(root.join(format!("content/posts/p{n}.md")), post).unwrap();
            let thread = format!(
                "comments:\n  - id: \"c1\"\n    author: \"Ann\"\n    date: 2021-01-0{n}T12:00:00Z\n    body: \"Hi {n}.\"\n"
            );
            std::fs::write(
                root.join(format!("content/posts/p{n}.comments.yaml")),
                thread,
            )
            .unwrap();
        }
        let built = |out: &str, kept_text: usize| {
            let mut options = BuildOptions::new(&root);
            options.output = Some(dir.path().join(out));
            options.kept_text = kept_text;
            build(&options).unwrap();
            files(&dir.path().join(out))
        };
        let kept = built("kept", KEPT_TEXT);
        let read_twice = built("twice", 0);
        assert!(kept.len() > 10, "{:?}", kept.keys());
        assert_eq!(kept, read_twice);
    }

    #[test]
    fn problems_are_told_in_the_plans_order_whatever_renders_first() {
        let dir = tempfile::tempdir().unwrap();
        let root = new_site(dir.path());
        std::fs::create_dir_all(root.join("templates")).unwrap();
        let bad = "{% extends \"base.html\" %}{% block content %}{{ throw(message=\"boom \" ~ page.title) }}{% endblock content %}";
        std::fs::write(root.join("templates/bad.html"), bad).unwrap();
        // The older post is the bigger one: it renders first.
        for (name, date, text) in [
            ("newer", "02", "Short."),
            ("older", "01", &"Long. ".repeat(4000)),
        ] {
            let post = format!("---\ntitle: \"{name}\"\ndate: 2021-01-{date}\ntemplate: \"bad.html\"\n---\n{text}\n");
            std::fs::write(root.join(format!("content/posts/{name}.md")), post).unwrap();
        }
        let mut options = BuildOptions::new(&root);
        options.output = Some(dir.path().join("out"));
        let error = build(&options).unwrap_err().to_string();
        let (newer, older) = (error.find("boom newer"), error.find("boom older"));
        assert!(newer.is_some() && older.is_some(), "{error}");
        assert!(newer < older, "{error}");
    }

    #[test]
    fn a_summary_that_cannot_be_read_back_fails_the_file_showing_it_and_names_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let config = "title = \"T\"\nbase_url = \"https://example.org/\"\n";
        std::fs::write(root.join("site.toml"), config).unwrap();
        std::fs::create_dir_all(root.join("content/posts")).unwrap();
        for n in 1..=3 {
            let post =
                format!("---\ntitle: Post {n}\ndate: 2021-01-0{n}\ntags: [t]\n---\nText {n}.\n");
            std::fs::write(root.join(format!("content/posts/p{n}.md")), post).unwrap();
        }
        let site = site::load(&BuildOptions::new(root)).unwrap();
        let renderer = Renderer::new(&site.config).unwrap();
        let pass = Pass::new(&site, &renderer);
        let statics = static_layers(&site.config, &root.join("public")).unwrap();
        let plan = plan::plan(&pass, &statics, &[]).unwrap();
        // Set aside past the end of what the spill holds, as a failed disk leaves it.
        let spill = Spill::in_folder(root).unwrap();
        let lost: BodyStore = (site.posts.iter())
            .map(|e| {
                let summary = Kept::Spilled(Arc::clone(&spill), 1 << 20, 4);
                let body = Body {
                    summary,
                    ..Body::default()
                };
                (body_key(&e.doc.source), body)
            })
            .collect();
        let bodies = Bodies { now: &lost };
        let sink = MemorySink::default();
        for rel in ["index.html", "tags/t/atom.xml", "search/index.json"] {
            let output = (plan.outputs.iter())
                .find(|o| o.file(pass.site.entries()) == rel)
                .unwrap();
            let error = render_output(&pass, &plan, output, &bodies, &sink).unwrap_err();
            let error = error.to_string();
            let said = format!(
                "{rel}: cannot read back what the build set aside beside the output folder: "
            );
            assert!(error.starts_with(&said), "{error}");
            assert!(
                error.contains("\n  help: check the disk that holds the output folder"),
                "{error}"
            );
        }
        assert!(sink.files.lock().unwrap().is_empty());
    }
}
