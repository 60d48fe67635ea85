//! Incremental rebuilds for the serve loop. After a full build, an edit to a post,
//! page or thread file re-reads that file alone and re-renders what shows it: the
//! entry, its newer/older neighbours, the list pages it appears on, and the pages
//! that aggregate every post (feeds, sitemap, tags index, engagement). Anything else
//! (templates, site.toml, static files, assets, navigation changes) asks for a full
//! build. The result is the tree a full build would write; a test holds it to that.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

// Snapshots look up every post's tags: foldhash is several times faster than the
// default hasher on short keys.
use foldhash::{HashMap, HashMapExt, HashSet};

use crate::content::{self, Kind, Source, THREAD_SUFFIX};
use crate::error::{Diagnostic, Error, Location, Result};
use crate::render::Renderer;
use crate::site::build::{build_keeping, BuildReport, Built, Pass};
use crate::site::output::InPlace;
use crate::site::urls::{index_file, paginated};
use crate::site::{self, BuildOptions, Entry, Site};

/// The site as last built, kept between rebuilds.
pub struct Incremental {
    options: BuildOptions,
    site: Site,
    renderer: Renderer,
    /// Rendered body of each post and page, by source file.
    contents: HashMap<PathBuf, String>,
    /// A render failed midway: the output may be partly updated, so the next update
    /// is a full build.
    dirty: bool,
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Update {
    /// Only what depended on the changed files was rendered: `entries` posts and pages
    /// (neighbours included) and `files` files in all.
    Partial { entries: usize, files: usize },
    /// The change needs a full build (templates, config, static files, navigation).
    NeedsFullBuild,
}

impl Incremental {
    /// A full, atomic build into `options.output`, kept for later updates.
    pub fn build(options: &BuildOptions) -> Result<(Incremental, BuildReport)> {
        let (report, built) = build_keeping(options)?;
        let Built {
            site,
            renderer,
            contents,
        } = built;
        let contents = site
            .posts
            .iter()
            .map(|e| e.doc.source.clone())
            .zip(contents)
            .collect();
        Ok((
            Incremental {
                options: options.clone(),
                site,
                renderer,
                contents,
                dirty: false,
            },
            report,
        ))
    }

    /// Brings the output up to date with `changed` (paths relative to the site root).
    /// On error nothing was changed: the output still holds the last good build.
    pub fn update(&mut self, changed: &[PathBuf]) -> Result<Update> {
        let Some(sources) = changed_sources(changed).filter(|_| !self.dirty) else {
            return Ok(Update::NeedsFullBuild);
        };
        let root = self.options.root.clone();
        let reloaded = self.reload(&root, &sources)?;
        let lookup = Changed::new(sources.iter());
        let touched: HashSet<String> = self
            .site
            .posts
            .iter()
            .filter(|e| lookup.has(e))
            .chain(&reloaded)
            .flat_map(|e| e.tag_slugs.iter().cloned())
            .collect();
        let conversations_changed = self.conversations_changed(&lookup, &reloaded);
        let before = Snapshot::of(&self.site, &lookup, &touched);
        self.apply(&sources, reloaded);
        let after = Snapshot::of(&self.site, &lookup, &touched);
        // Every page shows the navigation, and every post shows its tags' names.
        if before.navigation != after.navigation || before.renamed_tags(&after) {
            return Ok(Update::NeedsFullBuild);
        }
        self.dirty = true;
        let update =
            self.render_changes(&lookup, &touched, &before, &after, conversations_changed)?;
        self.dirty = false;
        Ok(update)
    }

    /// Reads the changed sources; every problem is reported before anything changes.
    fn reload(&self, root: &Path, sources: &BTreeSet<PathBuf>) -> Result<Vec<Entry>> {
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for md in sources {
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
            match site::load_entry(root, &source, self.site.config.author_name.as_deref()) {
                Ok(e) if self.options.drafts || site::is_published(&e.doc, &self.options.now) => {
                    entries.push(e)
                }
                Ok(_) => {}
                Err(ds) => problems.extend(ds),
            }
        }
        let changed = Changed::new(sources.iter());
        let kept = self
            .site
            .posts
            .iter()
            .chain(&self.site.pages)
            .filter(|e| !changed.has(e));
        problems.extend(site::undated_posts(&entries));
        // Only entries at one of the reloaded addresses can collide with them.
        let addresses: HashSet<&str> = entries.iter().flat_map(addresses_of).collect();
        let rivals = kept.filter(|e| addresses_of(e).any(|a| addresses.contains(a)));
        problems.extend(site::colliding_paths(rivals.chain(&entries)));
        if problems.is_empty() {
            Ok(entries)
        } else {
            problems.sort_by(|a, b| a.location.cmp(&b.location));
            Err(Error::Content(problems))
        }
    }

    /// Whether the change can show on the pages about every conversation (the
    /// engagement page, the comments feed): a thread, or what those pages say of a
    /// post (title, address, date, whether it is published), changed. Editing a
    /// post's text, the usual edit while writing, changes neither.
    fn conversations_changed(&self, changed: &Changed<'_>, reloaded: &[Entry]) -> bool {
        let old: Vec<&Entry> = self
            .site
            .posts
            .iter()
            .chain(&self.site.pages)
            .filter(|e| changed.has(e))
            .collect();
        old.len() != reloaded.len()
            || old.iter().any(|o| {
                reloaded
                    .iter()
                    .find(|n| n.doc.source == o.doc.source)
                    .is_none_or(|n| {
                        n.thread != o.thread
                            || n.doc.title != o.doc.title
                            || n.doc.path != o.doc.path
                            || n.doc.date != o.doc.date
                    })
            })
    }

    fn apply(&mut self, sources: &BTreeSet<PathBuf>, reloaded: Vec<Entry>) {
        let changed = Changed::new(sources.iter());
        self.site.posts.retain(|e| !changed.has(e));
        self.site.pages.retain(|e| !changed.has(e));
        for source in sources {
            self.contents.remove(source);
        }
        for entry in reloaded {
            match entry.doc.kind {
                Kind::Post => self.site.posts.push(entry),
                Kind::Page => self.site.pages.push(entry),
            }
        }
        site::sort_posts(&mut self.site.posts);
        self.site
            .pages
            .sort_by(|a, b| a.doc.source.cmp(&b.doc.source));
    }

    fn render_changes(
        &mut self,
        sources: &Changed<'_>,
        touched: &HashSet<String>,
        before: &Snapshot,
        after: &Snapshot,
        conversations_changed: bool,
    ) -> Result<Update> {
        let out = InPlace {
            root: self.options.output_dir(),
        };
        for path in before.outputs.difference(&after.outputs) {
            out.remove(&index_file(path))?;
        }
        let pass = Pass::new(&self.site, &self.renderer);
        let posts = &self.site.posts;

        // The changed entries, and the posts whose newer/older links may name them.
        let to_render = Changed::new(
            sources
                .0
                .iter()
                .copied()
                .chain(before.neighbours.iter().map(PathBuf::as_path))
                .chain(after.neighbours.iter().map(PathBuf::as_path)),
        );
        let mut files = 0;
        for (i, entry) in posts.iter().enumerate() {
            if to_render.has(entry) {
                let content = pass.render_entry(entry, i, &out)?;
                self.contents.insert(entry.doc.source.clone(), content);
                files += 1 + entry.doc.aliases.len();
            }
        }
        for entry in &self.site.pages {
            if sources.has(entry) {
                let content = pass.render_entry(entry, 0, &out)?;
                self.contents.insert(entry.doc.source.clone(), content);
                files += 1 + entry.doc.aliases.len();
            }
        }

        // List pages: where the changed posts are now, and where they were.
        let per_page = self.site.config.posts_per_page;
        // The other posts keep their relative order, so the lists' order changed only
        // if a changed post moved, appeared or went away.
        let order_changed = before.positions != after.positions;
        let lists = pass.lists();
        let changed_positions: HashSet<usize> = posts
            .iter()
            .enumerate()
            .filter(|(_, e)| sources.has(e))
            .map(|(i, _)| i)
            .collect();
        let tag_of = |list: &site::build::PostList<'_>| {
            list.prefix
                .strip_prefix("tags/")
                .map(|t| t.trim_end_matches('/').to_string())
        };
        let wanted = |list: &site::build::PostList<'_>, n: usize| {
            let affected = match tag_of(list) {
                Some(tag) => touched.contains(&tag),
                None => true,
            };
            if !affected {
                return false;
            }
            if order_changed || tag_of(list).is_some_and(|t| before.tag_changed(&t, after)) {
                return true;
            }
            let page = &list.members[((n - 1) * per_page).min(list.members.len())..];
            page.iter()
                .take(per_page)
                .any(|i| changed_positions.contains(i))
        };
        let contents = &self.contents;
        let summary = |i: usize| {
            let entry = &posts[i];
            let content = contents.get(&entry.doc.source).map_or("", String::as_str);
            pass.summary_view(entry, content)
        };
        files += pass.render_lists(&lists, &summary, &out, wanted)?;
        files += self.remove_stale_list_pages(&lists, before, &out)?;

        let newest: Vec<String> = posts
            .iter()
            .take(self.site.config.feed_posts)
            .map(|e| contents.get(&e.doc.source).cloned().unwrap_or_default())
            .collect();
        pass.render_site_pages(&newest, &out, conversations_changed)?;
        Ok(Update::Partial {
            entries: to_render.count(),
            files: files + 8,
        })
    }

    /// Pages of a list that no longer exist: a tag nobody uses any more, or a list that
    /// lost its last page.
    fn remove_stale_list_pages(
        &self,
        lists: &[site::build::PostList<'_>],
        before: &Snapshot,
        out: &InPlace,
    ) -> Result<usize> {
        let per_page = self.site.config.posts_per_page;
        let now: HashMap<&str, usize> = lists
            .iter()
            .map(|l| (l.prefix.as_str(), l.page_count(per_page)))
            .collect();
        let mut removed = 0;
        for (prefix, &pages) in &before.list_pages {
            let kept = now.get(prefix.as_str()).copied().unwrap_or(0);
            if kept == 0 {
                out.remove(prefix)?;
                removed += 1;
                continue;
            }
            for n in kept + 1..=pages {
                out.remove(&paginated(prefix, n))?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}

/// What the rest of the site sees of the changed sources, before or after a change.
/// Tags are followed only if `touched`: the tags of the changed sources, before and
/// after, are the only ones whose lists can change.
struct Snapshot {
    /// Position of each changed post in the list of posts, with the post count.
    positions: (Vec<(PathBuf, usize)>, usize),
    /// The posts just before and after each changed post.
    neighbours: Vec<PathBuf>,
    /// Members of the touched tags, by slug.
    tag_members: HashMap<String, Vec<PathBuf>>,
    /// Display name of the touched tags (as written on the newest post having them).
    tag_names: HashMap<String, String>,
    /// Output folders (page and aliases) of the changed sources.
    outputs: BTreeSet<String>,
    /// Page count of the index and of the touched tags' lists, by prefix.
    list_pages: HashMap<String, usize>,
    /// The standalone pages in the navigation.
    navigation: Vec<(String, String)>,
}

impl Snapshot {
    fn of(site: &Site, sources: &Changed<'_>, touched: &HashSet<String>) -> Snapshot {
        let mut tag_members: HashMap<String, Vec<PathBuf>> = HashMap::new();
        let mut tag_names: HashMap<String, String> = HashMap::new();
        for post in &site.posts {
            for (slug, name) in post.tags().filter(|(slug, _)| touched.contains(*slug)) {
                if !tag_names.contains_key(slug) {
                    tag_names.insert(slug.to_string(), name.to_string());
                    tag_members.insert(slug.to_string(), Vec::new());
                }
                let Some(members) = tag_members.get_mut(slug) else {
                    continue;
                };
                if members.last().map(|m| m.as_os_str()) != Some(post.doc.source.as_os_str()) {
                    members.push(post.doc.source.clone());
                }
            }
        }
        let changed_posts: Vec<usize> = (0..site.posts.len())
            .filter(|&i| sources.has(&site.posts[i]))
            .collect();
        let per_page = site.config.posts_per_page;
        let pages_of = |n: usize| n.div_ceil(per_page).max(1);
        let mut list_pages: HashMap<String, usize> = tag_members
            .iter()
            .map(|(slug, members)| (crate::site::urls::tag(slug), pages_of(members.len())))
            .collect();
        list_pages.insert(String::new(), pages_of(site.posts.len()));
        Snapshot {
            positions: (
                changed_posts
                    .iter()
                    .map(|&i| (site.posts[i].doc.source.clone(), i))
                    .collect(),
                site.posts.len(),
            ),
            neighbours: changed_posts
                .iter()
                .flat_map(|&i| [i.checked_sub(1), Some(i + 1)])
                .flatten()
                .filter_map(|i| site.posts.get(i))
                .map(|e| e.doc.source.clone())
                .collect(),
            tag_members,
            tag_names,
            outputs: site
                .posts
                .iter()
                .chain(&site.pages)
                .filter(|e| sources.has(e))
                .flat_map(|e| std::iter::once(e.doc.path.clone()).chain(e.doc.aliases.clone()))
                .collect(),
            list_pages,
            navigation: site
                .pages
                .iter()
                .map(|p| (p.doc.title.clone(), p.doc.path.clone()))
                .collect(),
        }
    }

    /// Whether a tag both snapshots know is now shown under another name.
    fn renamed_tags(&self, other: &Snapshot) -> bool {
        self.tag_names
            .iter()
            .any(|(slug, name)| other.tag_names.get(slug).is_some_and(|n| n != name))
    }

    /// Whether the members of tag `slug` differ between two snapshots.
    fn tag_changed(&self, slug: &str, other: &Snapshot) -> bool {
        self.tag_members.get(slug) != other.tag_members.get(slug)
    }
}

/// The sources an update is about, compared by their bytes: an update looks for a
/// few files among every post, and hashing ten thousand paths component by
/// component was most of a one-post update.
struct Changed<'a>(Vec<&'a Path>);

impl<'a> Changed<'a> {
    fn new<P: AsRef<Path> + ?Sized + 'a>(paths: impl Iterator<Item = &'a P>) -> Self {
        Changed(paths.map(AsRef::as_ref).collect())
    }

    fn has(&self, entry: &Entry) -> bool {
        let source = entry.doc.source.as_os_str();
        self.0.iter().any(|p| p.as_os_str() == source)
    }

    /// How many distinct files.
    fn count(&self) -> usize {
        self.0.iter().collect::<HashSet<_>>().len()
    }
}

/// The markdown files behind `changed`, or `None` when something other than posts,
/// pages and threads changed.
fn changed_sources(changed: &[PathBuf]) -> Option<BTreeSet<PathBuf>> {
    let mut sources = BTreeSet::new();
    for path in changed {
        if !path.starts_with("content") {
            return None;
        }
        let name = path.file_name()?.to_string_lossy();
        if let Some(stem) = name.strip_suffix(THREAD_SUFFIX) {
            sources.insert(path.with_file_name(format!("{stem}.md")));
        } else if name.ends_with(".md") {
            sources.insert(path.clone());
        } else {
            return None;
        }
    }
    Some(sources)
}

/// Where an entry is published: its page and its aliases.
fn addresses_of(entry: &Entry) -> impl Iterator<Item = &str> {
    std::iter::once(entry.doc.path.as_str()).chain(entry.doc.aliases.iter().map(String::as_str))
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
