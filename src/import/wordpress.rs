//! `rapport import wordpress`: decides, item by item, what of a WXR export becomes a
//! post, a page and a thread, and what stays behind. Only approved comments (and
//! pings, as mentions) are kept; private and password-protected posts are skipped;
//! a reply is the author's only when its WordPress user id is the post author's.
//!
//! The file is read twice, streaming both times: the first pass checks that it is
//! well-formed (so a broken file writes nothing) and plans slugs and addresses; the
//! second converts each item and hands it to `merge` before reading the next.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use chrono::{DateTime, NaiveDateTime, Utc};

use crate::content::{slugify, Kind};
use crate::dates::Date;
use crate::error::Result;
use crate::import::existing::Existing;
use crate::import::html;
use crate::import::links::{alias_of, query_id, url_path, Alias};
use crate::import::media::Media;
use crate::import::merge::ContentWriter;
use crate::import::model::{reattach, usable_id, NewComment, NewDocument};
use crate::import::new_site::Blog;
use crate::import::permalinks::OldLink;
use crate::import::report::{plural, Tally};
use crate::import::shortcodes::{self, Attachment, Attachments};
use crate::import::text;
use crate::import::wxr::{self, Item, Record, Stop, WxrComment};
use crate::import::xml::XmlError;
use crate::site::urls::{self, PostPattern};
use crate::threads::Role;

/// What the first pass learns for the second.
#[derive(Debug, Default)]
pub(crate) struct Plan {
    /// Author login → WordPress user id, for the authors the export gives an id.
    authors: HashMap<String, u64>,
    /// The path the old blog lived under (`/blog`), stripped from old links.
    blog_path: String,
    /// The slug of each item, by position in the file; `None` for items not imported.
    slugs: Vec<Option<String>>,
    /// Addresses the new documents will have (`posts/x/`, `about/`).
    own_paths: HashSet<String>,
    /// Each new document's kind, whether it is a draft, and its old link.
    placed: Vec<(Kind, bool, OldLink)>,
    /// Where posts are published.
    permalinks: PostPattern,
    /// The export's attachments, for `[gallery]`.
    attachments: Attachments,
    /// What the export says about the blog, for a site made from it.
    pub(crate) blog: Blog,
}

/// What a WordPress import is told beyond the file.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Settings {
    /// The blog author's WordPress user id, for exports without `wp:author_id`.
    pub(crate) author_id: Option<u64>,
    /// The site files posts under categories: they go to `categories:`, not among
    /// the tags.
    pub(crate) categories: bool,
}

/// How an item is treated.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Class {
    Content { kind: Kind, draft: bool },
    Private,
    Trash,
    NotContent(String),
}

/// Pass one: checks the whole file and plans slugs. Nothing is written. `at` is told
/// the byte offset of each item as it is read.
pub(crate) fn plan(input: impl BufRead, at: &dyn Fn(u64)) -> Result<(Plan, usize), Stop> {
    let mut plan = Plan::default();
    let mut taken: HashSet<(Kind, String)> = HashSet::new();
    let mut ids = HashSet::new();
    let mut repeated = None;
    let replaced = wxr::read(input, |record| {
        if let Record::Item(item) = &record {
            at(item.offset);
        }
        match record {
            Record::Author { login, id, name } => {
                plan.blog.note_author(&login, id, &name);
                if let Some(id) = id {
                    plan.authors.insert(login, id);
                }
            }
            Record::BlogUrl(url) => {
                plan.blog_path = url_path(&url).trim_end_matches('/').to_string();
                plan.blog.note_address(&url);
            }
            Record::Channel(fact) => plan.blog.note_channel(fact),
            Record::Item(item) => {
                note_attachment(&item, &mut plan.attachments);
                let slug = match classify(&item) {
                    Class::Content { kind, draft } => {
                        if item.post_id.is_some_and(|id| !ids.insert(id)) {
                            repeated.get_or_insert_with(|| repeated_id(&item));
                        }
                        if kind == Kind::Post && !draft {
                            plan.blog.note_published_post(&item.creator);
                        }
                        if !categories_of(&item).is_empty() {
                            plan.blog.note_categories();
                        }
                        let slug = unique_slug(&item, kind, &mut taken);
                        let link = old_link(&item, &slug, &plan.blog_path);
                        plan.own_paths
                            .insert(own_path(&plan.permalinks, kind, &link));
                        plan.placed.push((kind, draft, link));
                        Some(slug)
                    }
                    _ => None,
                };
                plan.slugs.push(slug);
            }
        }
        Ok(())
    })?;
    match repeated {
        Some(problem) => Err(Stop::Xml(problem)),
        None => Ok((plan, replaced)),
    }
}

/// A post or page with the id of one above it: an import finds each one's file again
/// by its id, and would take one for the other (their comments mixed) the next time.
/// Menu items, which exports do repeat, are not content and not checked.
fn repeated_id(item: &Item) -> XmlError {
    XmlError {
        offset: item.offset,
        message: format!(
            "this item has the post id {} of a post or page above it: WordPress gives each its own, and rapport finds each one's file again by it",
            item.post_id.unwrap_or_default()
        ),
    }
}

impl Plan {
    /// The old links of the published posts, for `infer_permalink_pattern`.
    pub(crate) fn published_links(&self) -> Vec<OldLink> {
        (self.placed.iter())
            .filter(|(kind, draft, _)| *kind == Kind::Post && !draft)
            .map(|(_, _, link)| link.clone())
            .collect()
    }

    /// Publishes the posts of the import at `permalinks`.
    pub(crate) fn set_permalinks(&mut self, permalinks: PostPattern) {
        self.permalinks = permalinks;
        self.own_paths = (self.placed.iter())
            .map(|(kind, _, link)| own_path(&self.permalinks, *kind, link))
            .collect();
    }
}

fn old_link(item: &Item, slug: &str, blog_path: &str) -> OldLink {
    OldLink {
        path: match alias_of(&item.link, blog_path) {
            Alias::Path(path) => path,
            _ => String::new(),
        },
        slug: slug.to_string(),
        date: item_date(item),
        id: item.post_id,
    }
}

fn note_attachment(item: &Item, attachments: &mut Attachments) {
    if let (Some(id), "attachment") = (item.post_id, item.post_type.as_str()) {
        let attachment = Attachment {
            url: item.attachment_url.clone(),
            title: item.title.clone(),
            caption: item.excerpt.clone(),
        };
        let parent = item.post_parent.parse().ok().filter(|&p| p != 0);
        let order = item.menu_order.parse().unwrap_or(0);
        attachments.insert(id, parent, order, attachment);
    }
}

/// The site an import writes into: what it has, and the writers.
pub(crate) struct Target<'a> {
    pub(crate) existing: &'a Existing,
    pub(crate) writer: &'a ContentWriter,
    pub(crate) media: &'a Media,
}

/// Pass two: converts and writes each item, telling `at` the offset of each.
pub(crate) fn import(
    input: impl BufRead,
    plan: &Plan,
    settings: Settings,
    site: &Target<'_>,
    tally: &mut Tally,
    at: &dyn Fn(u64),
) -> Result<(), Stop> {
    let existing = site.existing;
    let mut index = 0;
    // Addresses taken: the site's, and those of every document this import creates.
    let mut addresses = Addresses {
        used: HashSet::new(),
        permalinks: &plan.permalinks,
    };
    for address in existing.addresses.iter().chain(&plan.own_paths) {
        addresses.take(address);
    }
    let mut unverified = 0;
    wxr::read(input, |record| {
        let Record::Item(item) = record else {
            return Ok(());
        };
        at(item.offset);
        let slug = plan.slugs.get(index).cloned().flatten();
        index += 1;
        let Some(slug) = slug else {
            count_skipped(&item, tally);
            return Ok(());
        };
        let Class::Content { kind, draft } = classify(&item) else {
            return Ok(());
        };
        let post_author = plan
            .authors
            .get(&item.creator)
            .copied()
            .or(settings.author_id);
        let comments = convert_comments(&item, post_author, tally, &mut unverified);
        let doc = convert_item(&item, kind, draft, slug, plan, settings, tally);
        write(doc, comments, &item.link, &mut addresses, site, tally)
    })?;
    tally.author_rule = match settings.author_id {
        Some(id) if plan.authors.is_empty() => format!("WordPress user id {id}"),
        _ => "the post author's WordPress user id".into(),
    };
    if tally.local_dates > 0 {
        tally.warnings.push(format!(
            "{} had no GMT date (0000-00-00 00:00:00); the site's local time was taken as UTC, so {} may be off by the old site's time zone",
            plural(tally.local_dates, "comment"),
            if tally.local_dates == 1 { "it" } else { "they" }
        ));
    }
    if unverified > 0 {
        tally.warnings.push(format!(
            "could not verify author replies: {} by logged-in WordPress users {} imported as reader comments, because the export has no wp:author_id for the post's author. Pass --author-id N (or set wordpress_user_id under [author] in site.toml) when importing to mark the author's replies; an import never changes comments a thread file already has, so for threads imported already, delete their .comments.yaml files first",
            plural(unverified, "comment"),
            if unverified == 1 { "was" } else { "were" }
        ));
    }
    Ok(())
}

/// Writes a document (if new) and merges its thread. The file an earlier import
/// wrote for the same WordPress id is the document, wherever it is; any other file at
/// the planned place is someone else's, so the document moves to a free address and
/// the report names both. The old links of a new document become its aliases unless
/// another page already has that address.
fn write(
    mut doc: NewDocument,
    comments: Vec<NewComment>,
    link: &str,
    addresses: &mut Addresses<'_>,
    site: &Target<'_>,
    tally: &mut Tally,
) -> Result<()> {
    let (existing, writer) = (site.existing, site.writer);
    let from_before = doc
        .wordpress_id
        .and_then(|id| existing.by_wordpress_id.get(&id).cloned());
    let rel = match from_before {
        Some(rel) => rel,
        None => {
            let planned = document_file(&doc, existing, writer);
            // A file that does not read is left to the warning about it: it may well
            // be this post, broken by hand, and a copy beside it would help no one.
            if doc.wordpress_id.is_some() && existing.by_file(&planned).is_some() {
                move_to_free_address(&mut doc, existing, writer, addresses);
                let moved = text::document_path(&doc);
                tally.conflicts.push(format!(
                    "content/{planned} is not from this export, so the {} imported from {} was written to content/{moved}",
                    if doc.kind == Kind::Post { "post" } else { "page" },
                    if link.is_empty() { &doc.title } else { link },
                ));
                moved
            } else {
                planned
            }
        }
    };
    let created = !writer.exists(&rel) && {
        let own = document_address(addresses.permalinks, &doc);
        let mut elsewhere = Vec::new();
        doc.aliases.retain(|alias| {
            let address = alias.trim_start_matches('/').to_string();
            if crate::limits::long_address(&address).is_some() {
                // No folder can have such a name: kept for Disqus to match only.
                tally.aliases_too_long.push(alias.clone());
                elsewhere.push(alias.clone());
                return false;
            }
            // An old link that is the new address needs no redirect.
            let keep = address != own && addresses.take(&address);
            if !keep && alias.trim_start_matches('/') != own {
                tally.aliases_dropped.push(alias.clone());
                elsewhere.push(alias.clone());
            }
            keep
        });
        doc.old_addresses = elsewhere;
        localise_media(&mut doc, site.media, tally)?;
        writer.create_document(&rel, &text::document(&doc))?
    };
    match (doc.kind, created) {
        (Kind::Post, true) => tally.posts_new += 1,
        (Kind::Post, false) => tally.posts_present += 1,
        (Kind::Page, true) => tally.pages_new += 1,
        (Kind::Page, false) => tally.pages_present += 1,
    }
    if created && doc.draft {
        tally.drafts_new += 1;
    }
    let outcome = writer.merge_thread(&rel, comments)?;
    tally.count_merge(outcome);
    Ok(())
}

/// Points the media of a new document at the site's copies (`--uploads`).
fn localise_media(doc: &mut NewDocument, media: &Media, tally: &mut Tally) -> Result<()> {
    doc.body = media.localise_body(&doc.body, &mut tally.media)?;
    if let Some(image) = &doc.image {
        doc.image = Some(media.localise_image(image, &mut tally.media)?);
    }
    Ok(())
}

/// The addresses taken, and where posts are published.
struct Addresses<'p> {
    /// In lower case: two addresses differing only in case are one folder on
    /// case-insensitive file systems, which the build refuses.
    used: HashSet<String>,
    permalinks: &'p PostPattern,
}

impl Addresses<'_> {
    /// Takes `address` if it is free.
    fn take(&mut self, address: &str) -> bool {
        self.used.insert(address.to_lowercase())
    }
}

/// Whether a file (or a bundle of that name) is already at `rel`.
fn taken(rel: &str, existing: &Existing, writer: &ContentWriter) -> bool {
    let bundle = format!("{}/index.md", rel.trim_end_matches(".md"));
    writer.exists(rel) || writer.exists(&bundle) || existing.by_file(&bundle).is_some()
}

/// Gives `doc` the first slug `slug-2`, `slug-3`, … whose file is free and whose
/// address no page of the site or of this import has, and takes that address.
fn move_to_free_address(
    doc: &mut NewDocument,
    existing: &Existing,
    writer: &ContentWriter,
    addresses: &mut Addresses<'_>,
) {
    let base = doc.slug.clone();
    for n in 2.. {
        doc.slug = format!("{base}-{n}");
        let own = document_address(addresses.permalinks, doc);
        if !taken(&text::document_path(doc), existing, writer) && addresses.take(&own) {
            return;
        }
    }
}

/// `posts/x.md`, unless the post has since become a bundle (`posts/x/index.md`).
fn document_file(doc: &NewDocument, existing: &Existing, writer: &ContentWriter) -> String {
    let file = text::document_path(doc);
    let bundle = format!("{}/index.md", file.trim_end_matches(".md"));
    if !writer.exists(&file) && (writer.exists(&bundle) || existing.by_file(&bundle).is_some()) {
        bundle
    } else {
        file
    }
}

fn classify(item: &Item) -> Class {
    let kind = match item.post_type.as_str() {
        // WordPress's own default, and what trimmed-down exports leave out.
        "post" | "" => Kind::Post,
        "page" => Kind::Page,
        other => return Class::NotContent(other.to_string()),
    };
    if !item.password.is_empty() {
        return Class::Private;
    }
    match item.status.as_str() {
        "publish" | "future" | "" => Class::Content { kind, draft: false },
        "private" => Class::Private,
        "trash" => Class::Trash,
        "inherit" => Class::NotContent("revision".into()),
        // draft, pending, auto-draft and anything unknown: kept, but not published.
        _ => Class::Content { kind, draft: true },
    }
}

fn count_skipped(item: &Item, tally: &mut Tally) {
    match classify(item) {
        Class::Private => tally.private.push(format!(
            "{} (\"{}\")",
            base_slug(item, Kind::Post),
            html::plain_text(&item.title)
        )),
        Class::Trash => tally.trashed += 1,
        Class::NotContent(kind) => {
            *tally.not_content.entry(kind).or_default() += 1;
        }
        Class::Content { .. } => {}
    }
    tally.on_skipped += item.comments.iter().filter(|c| c.approved == "1").count();
}

/// A slug no other item of this import has: from `post_name` (percent-decoded, made a
/// safe file name), else the title, else the post id.
fn unique_slug(item: &Item, kind: Kind, taken: &mut HashSet<(Kind, String)>) -> String {
    let base = base_slug(item, kind);
    let mut slug = base.clone();
    let mut n = 1;
    // `index` would make `posts/index.md` a bundle of the posts folder.
    while slug == "index" || !taken.insert((kind, slug.clone())) {
        n += 1;
        slug = match (n, item.post_id) {
            (2, Some(id)) => format!("{base}-{id}"),
            _ => format!("{base}-{n}"),
        };
    }
    slug
}

fn base_slug(item: &Item, kind: Kind) -> String {
    let from_name = shorten(slugify(&html::percent_decode(&item.post_name)));
    if !from_name.is_empty() {
        return from_name;
    }
    let from_title = shorten(slugify(&html::plain_text(&item.title)));
    if !from_title.is_empty() {
        return from_title;
    }
    let what = if kind == Kind::Post { "post" } else { "page" };
    match item.post_id.or_else(|| query_id(&item.link)) {
        Some(id) => format!("{what}-{id}"),
        None => "untitled".into(),
    }
}

/// Longest slug, in bytes: a file name may have 255, and `-N` and `.comments.yaml`
/// are added to it. A draft has no `post_name`, so a long title (300 bytes of Greek)
/// made the import stop with "File name too long".
const MAX_SLUG_BYTES: usize = 120;

fn shorten(slug: String) -> String {
    if slug.len() <= MAX_SLUG_BYTES {
        return slug;
    }
    let mut end = MAX_SLUG_BYTES;
    while !slug.is_char_boundary(end) {
        end -= 1;
    }
    slug[..end].trim_end_matches(['-', '.']).to_string()
}

/// Where a document of the import is published (`posts/x/`, `2015/03/x/`, `about/`).
fn own_path(permalinks: &PostPattern, kind: Kind, link: &OldLink) -> String {
    match kind {
        Kind::Post => (link.address(permalinks)).unwrap_or_else(|| urls::post(&link.slug)),
        Kind::Page => format!("{}/", link.slug),
    }
}

fn document_address(permalinks: &PostPattern, doc: &NewDocument) -> String {
    let link = OldLink {
        path: String::new(),
        slug: doc.slug.clone(),
        date: doc.date,
        id: doc.wordpress_id,
    };
    own_path(permalinks, doc.kind, &link)
}

fn convert_item(
    item: &Item,
    kind: Kind,
    draft: bool,
    slug: String,
    plan: &Plan,
    settings: Settings,
    tally: &mut Tally,
) -> NewDocument {
    let title = html::plain_text(&item.title);
    let date = item_date(item);
    let undated = date.is_none() && !draft && kind == Kind::Post;
    if undated {
        tally.undated.push(slug.clone());
    }
    let aliases = match alias_of(&item.link, &plan.blog_path) {
        Alias::Path(path) => vec![path],
        Alias::Query => {
            tally.query_links += 1;
            Vec::new()
        }
        Alias::None => Vec::new(),
    };
    let excerpt = html::comment_body(&item.excerpt);
    NewDocument {
        kind,
        slug,
        title,
        date,
        tags: addressable(
            match settings.categories {
                true => terms_of(item, &["post_tag"]),
                false => terms_of(item, &["category", "post_tag", ""]),
            },
            tally,
        ),
        categories: match settings.categories {
            true => addressable(categories_of(item), tally),
            false => Vec::new(),
        },
        aliases,
        draft: draft || undated,
        summary: (!excerpt.is_empty()).then_some(excerpt),
        image: featured_image(item, &plan.attachments, tally),
        wordpress_id: item.post_id,
        old_addresses: Vec::new(),
        body: shortcodes::post_body(&item.content, item.post_id, &plan.attachments, tally),
    }
}

/// The address of the attachment an item names as its featured image.
fn featured_image(item: &Item, attachments: &Attachments, tally: &mut Tally) -> Option<String> {
    let id = item.thumbnail_id?;
    let url = attachments.url_of(id);
    if url.is_none() {
        tally.images_missing += 1;
    }
    url
}

/// The date a post is imported with: the export's GMT date, else its local one.
fn item_date(item: &Item) -> Option<Date> {
    wp_date(&item.post_date_gmt)
        .or_else(|| wp_date(&item.post_date))
        .or_else(|| {
            DateTime::parse_from_rfc2822(&item.pub_date)
                .ok()
                .map(|d| d.with_timezone(&Utc))
        })
}

/// An item's categories (a `category` without a domain is one, in old exports).
fn categories_of(item: &Item) -> Vec<String> {
    terms_of(item, &["category", ""])
}

/// `terms` but those whose page would have a name longer than a folder's may be
/// (`limits::long_address`), which the report lists.
fn addressable(terms: Vec<String>, tally: &mut Tally) -> Vec<String> {
    let (kept, dropped): (Vec<String>, Vec<String>) = (terms.into_iter())
        .partition(|t| crate::limits::long_address(&crate::content::tag_slug(t)).is_none());
    tally.terms_too_long.extend(dropped);
    kept
}

/// The terms of an item in `domains`, by display name, each once; "Uncategorized"
/// is WordPress's placeholder, not a category.
fn terms_of(item: &Item, domains: &[&str]) -> Vec<String> {
    let mut seen = HashSet::new();
    item.categories
        .iter()
        .filter(|c| domains.contains(&c.domain.as_str()))
        .filter(|c| !c.nicename.eq_ignore_ascii_case("uncategorized"))
        .map(|c| html::plain_text(&c.name))
        .filter(|name| !name.eq_ignore_ascii_case("uncategorized"))
        .filter(|name| {
            let slug = slugify(name);
            !slug.is_empty() && seen.insert(slug)
        })
        .collect()
}

/// The approved comments and pings of an item, threaded, with roles decided.
fn convert_comments(
    item: &Item,
    post_author: Option<u64>,
    tally: &mut Tally,
    unverified: &mut usize,
) -> Vec<NewComment> {
    let mut parent_of: HashMap<String, Option<String>> = HashMap::new();
    let mut kept = Vec::new();
    let mut ids = HashSet::new();
    for c in &item.comments {
        if !usable_id(&c.id) || !ids.insert(c.id.clone()) {
            // No id (or one a thread file cannot hold), or one this post already had:
            // there is no telling them apart.
            tally.withhold("without a usable id");
            continue;
        }
        parent_of.insert(c.id.clone(), parent_id(&c.parent));
        if let Some(reason) = withheld(&c.approved) {
            tally.withhold(reason);
            continue;
        }
        let role = match c.kind.as_str() {
            "" | "comment" => reader_or_author(c, post_author, unverified),
            "pingback" | "trackback" | "webmention" => Role::Mention,
            other => {
                *tally.other_types.entry(other.to_string()).or_default() += 1;
                continue;
            }
        };
        match role {
            Role::Reader => tally.readers += 1,
            Role::Author => tally.authors += 1,
            Role::Mention => tally.mentions += 1,
        }
        if wp_date(&c.date_gmt).is_none() && wp_date(&c.date).is_some() {
            tally.local_dates += 1;
        }
        kept.push(convert_comment(c, role));
    }
    tally.reattached += reattach(&mut kept, &|id| parent_of.get(id).cloned().flatten());
    kept
}

/// Why a comment may not be published, from `comment_approved`; `None` when it may.
fn withheld(approved: &str) -> Option<&'static str> {
    match approved {
        "1" => None,
        "0" => Some("pending"),
        "spam" => Some("spam"),
        "trash" | "post-trashed" => Some("trash"),
        _ => Some("not approved"),
    }
}

fn reader_or_author(c: &WxrComment, post_author: Option<u64>, unverified: &mut usize) -> Role {
    let user: u64 = c.user_id.parse().unwrap_or(0);
    match post_author {
        _ if user == 0 => Role::Reader,
        Some(author) if author == user => Role::Author,
        Some(_) => Role::Reader,
        None => {
            *unverified += 1;
            Role::Reader
        }
    }
}

fn convert_comment(c: &WxrComment, role: Role) -> NewComment {
    let author = html::plain_text(&c.author);
    NewComment {
        id: c.id.clone(),
        parent: parent_id(&c.parent),
        replied_to: None,
        author: (!author.is_empty()).then_some(author),
        url: (!c.url.is_empty()).then(|| c.url.clone()),
        date: wp_date(&c.date_gmt).or_else(|| wp_date(&c.date)),
        role,
        body: html::comment_body(&c.content),
    }
}

fn parent_id(parent: &str) -> Option<String> {
    (!parent.is_empty() && parent != "0").then(|| parent.to_string())
}

/// `YYYY-MM-DD HH:MM:SS` as UTC; WordPress writes zeros for "no date".
fn wp_date(text: &str) -> Option<Date> {
    let text = text.trim();
    if text.is_empty() || text.starts_with("0000-00-00") {
        return None;
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S")
        .ok()
        .map(|d| d.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(post_name: &str, title: &str) -> Item {
        Item {
            post_name: post_name.into(),
            title: title.into(),
            post_type: "post".into(),
            status: "publish".into(),
            post_id: Some(7),
            ..Item::default()
        }
    }

    fn comment(id: &str, parent: &str, approved: &str, kind: &str, user: &str) -> WxrComment {
        WxrComment {
            id: id.into(),
            parent: parent.into(),
            approved: approved.into(),
            kind: kind.into(),
            user_id: user.into(),
            author: "A &amp; B".into(),
            content: "Hello\nthere".into(),
            date_gmt: "0000-00-00 00:00:00".into(),
            date: "2014-01-14 17:32:12".into(),
            ..WxrComment::default()
        }
    }

    #[test]
    fn slugs_are_safe_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(unique_slug(&item("../x", ""), Kind::Post, &mut taken), "x");
        assert_eq!(unique_slug(&item("x", ""), Kind::Post, &mut taken), "x-7");
        assert_eq!(unique_slug(&item("x", ""), Kind::Page, &mut taken), "x");
        assert_eq!(
            unique_slug(&item("", "Hello, World…"), Kind::Post, &mut taken),
            "hello-world"
        );
        assert_eq!(
            unique_slug(&item("%ce%b5%cf%80-2", ""), Kind::Page, &mut taken),
            "επ-2"
        );
        assert_eq!(
            unique_slug(&item("index", ""), Kind::Page, &mut taken),
            "index-7"
        );
        // Regression (issue 7, a hand-made input run through the `import_wxr` fuzz
        // target): a slug longer than a file name may stopped the import.
        let long = unique_slug(
            &item("", &"Γειά σου κόσμε ".repeat(20)),
            Kind::Post,
            &mut taken,
        );
        assert!(
            long.len() <= MAX_SLUG_BYTES && long.starts_with("γειά-σου"),
            "{long}"
        );
        assert!(!long.ends_with('-'), "{long}");
        let mut anonymous = item("", "...");
        anonymous.post_id = None;
        anonymous.link = "http://example.tld/?p=4".into();
        assert_eq!(base_slug(&anonymous, Kind::Post), "post-4");
    }

    #[test]
    fn items_are_classified() {
        let mut i = item("a", "A");
        assert_eq!(
            classify(&i),
            Class::Content {
                kind: Kind::Post,
                draft: false
            }
        );
        i.status = "pending".into();
        assert_eq!(
            classify(&i),
            Class::Content {
                kind: Kind::Post,
                draft: true
            }
        );
        i.status = "private".into();
        assert_eq!(classify(&i), Class::Private);
        i.status = "publish".into();
        i.password = "enter".into();
        assert_eq!(classify(&i), Class::Private);
        i.post_type = "attachment".into();
        assert_eq!(classify(&i), Class::NotContent("attachment".into()));
    }

    #[test]
    fn only_approved_comments_and_pings_are_kept() {
        let mut i = item("a", "A");
        i.comments = vec![
            comment("1", "0", "1", "", "0"),
            comment("2", "1", "0", "", "0"),
            comment("3", "2", "1", "comment", "5"),
            comment("4", "0", "spam", "", "0"),
            comment("5", "0", "1", "pingback", "0"),
            comment("6", "0", "1", "note", "0"),
            comment("7", "0", "trash", "", "0"),
            comment("3", "0", "1", "", "0"),
        ];
        let mut tally = Tally::default();
        let mut unverified = 0;
        let kept = convert_comments(&i, Some(5), &mut tally, &mut unverified);
        let got: Vec<_> = kept
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.role))
            .collect();
        assert_eq!(
            got,
            vec![
                ("1", None, Role::Reader),
                ("3", Some("1"), Role::Author),
                ("5", None, Role::Mention)
            ]
        );
        assert_eq!(tally.reattached, 1);
        assert_eq!(tally.withheld.get("pending"), Some(&1));
        assert_eq!(tally.withheld.get("spam"), Some(&1));
        assert_eq!(tally.withheld.get("trash"), Some(&1));
        assert_eq!(tally.other_types.get("note"), Some(&1));
        assert_eq!(kept[0].author.as_deref(), Some("A & B"));
        assert_eq!(kept[0].body, "<p>Hello<br />\nthere</p>");
        assert_eq!(kept[0].date, wp_date("2014-01-14 17:32:12"));
        assert_eq!(unverified, 0);
    }

    #[test]
    fn author_is_only_the_verified_user_id() {
        let mut unverified = 0;
        let by = |user: &str| comment("1", "0", "1", "", user);
        assert_eq!(
            reader_or_author(&by("5"), Some(5), &mut unverified),
            Role::Author
        );
        assert_eq!(
            reader_or_author(&by("6"), Some(5), &mut unverified),
            Role::Reader
        );
        assert_eq!(
            reader_or_author(&by("0"), None, &mut unverified),
            Role::Reader
        );
        assert_eq!(unverified, 0);
        assert_eq!(
            reader_or_author(&by("5"), None, &mut unverified),
            Role::Reader
        );
        assert_eq!(unverified, 1);
    }

    #[test]
    fn tags_skip_the_placeholder_category() {
        let mut i = item("a", "A");
        for (domain, name) in [
            ("category", "Uncategorized"),
            ("category", "Rust &amp; C"),
            ("post_tag", "rust-c"),
            ("post_format", "post-format-aside"),
            ("post_tag", "Notes"),
        ] {
            i.categories.push(wxr::Category {
                domain: domain.into(),
                nicename: String::new(),
                name: name.into(),
            });
        }
        assert_eq!(
            terms_of(&i, &["category", "post_tag", ""]),
            vec!["Rust & C", "Notes"]
        );
        assert_eq!(categories_of(&i), vec!["Rust & C"]);
        assert_eq!(terms_of(&i, &["post_tag"]), vec!["rust-c", "Notes"]);
    }
}
