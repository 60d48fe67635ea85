//! Reading a WordPress eXtended RSS file one `<item>` at a time. Elements are matched
//! by local name, so WXR 1.0, 1.1 and 1.2 over http or https all read the same.
//! Private fields (`comment_author_email`, `comment_author_IP`, `wp:author_email`,
//! `commentmeta`) are skipped unread, and of `postmeta` only `_thumbnail_id` is kept:
//! the rest never reaches memory we keep.
//! Deciding what to import is `wordpress.rs`.

use std::io::BufRead;

use crate::error::Error;
use crate::import::xml::{Element, Node, XmlError, XmlStream};

/// Why reading stopped: the file is not well-formed, or the consumer failed.
#[derive(Debug)]
pub(crate) enum Stop {
    Xml(XmlError),
    Other(Error),
}

impl From<XmlError> for Stop {
    fn from(e: XmlError) -> Self {
        Stop::Xml(e)
    }
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Other(e)
    }
}

/// What the reader hands over, in file order.
#[derive(Debug)]
pub(crate) enum Record {
    /// A `wp:author` of the channel (login → WordPress user id, when the export has it).
    Author {
        login: String,
        id: Option<u64>,
        /// `wp:author_display_name`, as written (HTML entities and all).
        name: String,
    },
    /// The channel's own address (`wp:base_blog_url`, else `link`).
    BlogUrl(String),
    /// What the channel says about the blog itself.
    Channel(Channel),
    Item(Box<Item>),
}

/// A fact about the blog from its channel, as written, for a site made from the export.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Channel {
    Title(String),
    Description(String),
    Language(String),
    /// `link`: the address the blog was read at.
    Link(String),
}

/// One `<item>`: a post, page, attachment, menu item …
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Item {
    pub(crate) title: String,
    pub(crate) link: String,
    /// `dc:creator`: the author's login.
    pub(crate) creator: String,
    pub(crate) post_id: Option<u64>,
    pub(crate) post_date: String,
    pub(crate) post_date_gmt: String,
    pub(crate) pub_date: String,
    pub(crate) post_name: String,
    pub(crate) status: String,
    pub(crate) post_type: String,
    pub(crate) password: String,
    pub(crate) content: String,
    pub(crate) excerpt: String,
    /// `wp:attachment_url` of an attachment.
    pub(crate) attachment_url: String,
    /// The `_thumbnail_id` postmeta: the attachment that is the featured image.
    pub(crate) thumbnail_id: Option<u64>,
    /// `wp:post_parent` and `wp:menu_order`, as written (attachments of a post).
    pub(crate) post_parent: String,
    pub(crate) menu_order: String,
    pub(crate) categories: Vec<Category>,
    pub(crate) comments: Vec<WxrComment>,
    /// `dsq:thread_identifier` (the Disqus *import* format is WXR-shaped).
    pub(crate) thread_identifier: String,
    /// Byte offset of the `<item>` tag, for messages about it.
    pub(crate) offset: u64,
}

/// A `<category>` of an item: a category or a tag (by `domain`).
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Category {
    pub(crate) domain: String,
    pub(crate) nicename: String,
    pub(crate) name: String,
}

/// A `wp:comment`, without its private fields.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct WxrComment {
    pub(crate) id: String,
    pub(crate) author: String,
    pub(crate) url: String,
    pub(crate) date: String,
    pub(crate) date_gmt: String,
    pub(crate) content: String,
    pub(crate) approved: String,
    pub(crate) kind: String,
    pub(crate) parent: String,
    pub(crate) user_id: String,
    pub(crate) offset: u64,
}

/// Reads a WXR document, handing each author and item to `on` as soon as it is
/// complete. Returns how many invalid UTF-8 sequences were replaced on the way.
pub(crate) fn read<R: BufRead>(
    input: R,
    on: impl FnMut(Record) -> Result<(), Error>,
) -> Result<usize, Stop> {
    let mut xml = XmlStream::new(input);
    read_stream(&mut xml, on)?;
    Ok(xml.replaced_bytes)
}

/// The items of a WXR document whose `<rss>` tag `xml` has just read (the Disqus
/// import format, recognised by its root).
pub(crate) fn read_items_from<R: BufRead>(
    mut xml: XmlStream<R>,
    mut on_item: impl FnMut(Item) -> Result<(), Error>,
) -> Result<(), Stop> {
    read_stream(&mut xml, |record| match record {
        Record::Item(item) => on_item(*item),
        _ => Ok(()),
    })
}

fn read_stream<R: BufRead>(
    xml: &mut XmlStream<R>,
    mut on: impl FnMut(Record) -> Result<(), Error>,
) -> Result<(), Stop> {
    let mut blog_url_seen = false;
    loop {
        let element = match xml.next()? {
            Node::Start(element) => element,
            Node::Eof => return Ok(()),
            Node::End(_) | Node::Text(_) => continue,
        };
        let parent = xml.ancestor(1).unwrap_or_default().to_string();
        match (xml.depth(), parent.as_str(), element.name.as_str()) {
            (1, _, "rss") => {}
            (1, _, other) => return Err(not_wxr(other, xml.position())),
            (_, "rss", "channel") => {}
            (_, "channel", "author") => on(read_author(xml)?)?,
            (_, "channel", "item") => {
                let offset = xml.position();
                let mut item = read_item(xml)?;
                item.offset = offset;
                on(Record::Item(Box::new(item)))?;
            }
            (_, "channel", "base_blog_url") => {
                let url = xml.text_of_current()?.trim().to_string();
                blog_url_seen = true;
                on(Record::BlogUrl(url))?;
            }
            (_, "channel", "link") => {
                let url = xml.text_of_current()?.trim().to_string();
                if !blog_url_seen {
                    on(Record::BlogUrl(url.clone()))?;
                }
                on(Record::Channel(Channel::Link(url)))?;
            }
            (_, "channel", "title") => on(Record::Channel(Channel::Title(xml.text_of_current()?)))?,
            (_, "channel", "description") => on(Record::Channel(Channel::Description(
                xml.text_of_current()?,
            )))?,
            (_, "channel", "language") => on(Record::Channel(Channel::Language(
                xml.text_of_current()?.trim().to_string(),
            )))?,
            _ => xml.skip_current()?,
        }
    }
}

fn not_wxr(root: &str, offset: u64) -> Stop {
    let hint = if root == "disqus" {
        "this is a Disqus export: run `rapport import disqus FILE`"
    } else {
        "export the site from WordPress with Tools → Export (a WXR file starts with <rss>)"
    };
    Stop::Xml(XmlError {
        offset,
        message: format!(
            "not a WordPress export: the root element is <{root}>, not <rss> ({hint})"
        ),
    })
}

fn read_author<R: BufRead>(xml: &mut XmlStream<R>) -> Result<Record, Stop> {
    let (mut login, mut id, mut name) = (String::new(), None, String::new());
    each_child(xml, |xml, child| {
        match child.name.as_str() {
            "author_login" => login = xml.text_of_current()?.trim().to_string(),
            "author_display_name" => name = xml.text_of_current()?.trim().to_string(),
            "author_id" => id = xml.text_of_current()?.trim().parse().ok(),
            // author_email and the rest: never read.
            _ => xml.skip_current()?,
        }
        Ok(())
    })?;
    Ok(Record::Author { login, id, name })
}

fn read_item<R: BufRead>(xml: &mut XmlStream<R>) -> Result<Item, Stop> {
    let mut item = Item::default();
    each_child(xml, |xml, child| {
        let field = match child.name.as_str() {
            "comment" => {
                let offset = xml.position();
                let mut comment = read_comment(xml)?;
                comment.offset = offset;
                item.comments.push(comment);
                return Ok(());
            }
            "category" => {
                let domain = child.attribute("domain").unwrap_or_default().to_string();
                let nicename = child.attribute("nicename").unwrap_or_default().to_string();
                let name = xml.text_of_current()?;
                item.categories.push(Category {
                    domain,
                    nicename,
                    name,
                });
                return Ok(());
            }
            "encoded" if child.namespace.contains("excerpt") => &mut item.excerpt,
            "encoded" => &mut item.content,
            "title" => &mut item.title,
            "link" => &mut item.link,
            "creator" => &mut item.creator,
            "post_date" => &mut item.post_date,
            "post_date_gmt" => &mut item.post_date_gmt,
            "pubDate" => &mut item.pub_date,
            "post_name" => &mut item.post_name,
            "status" | "post_type" | "post_password" => {
                let value = xml.text_of_current()?;
                let (field, conflict) = match child.name.as_str() {
                    "status" => (&mut item.status, "private"),
                    "post_type" => (&mut item.post_type, GIVEN_TWICE),
                    _ => (&mut item.password, GIVEN_TWICE),
                };
                read_once(field, value, conflict);
                return Ok(());
            }
            "attachment_url" => &mut item.attachment_url,
            "post_parent" => &mut item.post_parent,
            "menu_order" => &mut item.menu_order,
            "thread_identifier" => &mut item.thread_identifier,
            "post_id" => {
                item.post_id = xml.text_of_current()?.trim().parse().ok();
                return Ok(());
            }
            "postmeta" => {
                item.thumbnail_id = read_thumbnail_id(xml)?.or(item.thumbnail_id);
                return Ok(());
            }
            _ => return Ok(xml.skip_current()?),
        };
        *field = xml.text_of_current()?;
        Ok(())
    })?;
    trim_fields(&mut item);
    Ok(item)
}

/// What a type, password or approval given twice, differently, reads as: no type or
/// approval WordPress knows, so that the item or comment is left out (and reported),
/// and a password that protects. A status given so reads `private`.
const GIVEN_TWICE: &str = "(given twice)";

/// Reads `value` into a field WordPress writes once per item or comment. Given again
/// with another value (an export edited by hand or merged from two), the field takes
/// `conflict`: the last value read would otherwise decide, and could publish a private
/// post or an unapproved comment.
fn read_once(field: &mut String, value: String, conflict: &str) {
    if field.trim().is_empty() {
        *field = value;
    } else if field.trim() != value.trim() {
        *field = conflict.to_string();
    }
}

/// Identifiers, names and dates lose the whitespace around them (exports indent
/// CDATA sections); bodies keep theirs until they are shaped.
fn trim_fields(item: &mut Item) {
    for field in [
        &mut item.title,
        &mut item.link,
        &mut item.creator,
        &mut item.post_date,
        &mut item.post_date_gmt,
        &mut item.pub_date,
        &mut item.post_name,
        &mut item.status,
        &mut item.post_type,
        &mut item.password,
        &mut item.thread_identifier,
        &mut item.attachment_url,
        &mut item.post_parent,
        &mut item.menu_order,
    ] {
        trim_in_place(field);
    }
}

fn trim_in_place(text: &mut String) {
    let trimmed = text.trim();
    if trimmed.len() != text.len() {
        *text = trimmed.to_string();
    }
}

/// The value of a `wp:postmeta` whose key is `_thumbnail_id`; any other meta is
/// dropped as soon as it is read (plugins keep private data there).
fn read_thumbnail_id<R: BufRead>(xml: &mut XmlStream<R>) -> Result<Option<u64>, Stop> {
    let (mut key, mut value) = (String::new(), String::new());
    each_child(xml, |xml, child| {
        match child.name.as_str() {
            "meta_key" => key = xml.text_of_current()?,
            "meta_value" if key.trim() == "_thumbnail_id" => value = xml.text_of_current()?,
            _ => xml.skip_current()?,
        }
        Ok(())
    })?;
    Ok(value.trim().parse().ok().filter(|&id| id != 0))
}

fn read_comment<R: BufRead>(xml: &mut XmlStream<R>) -> Result<WxrComment, Stop> {
    let mut c = WxrComment::default();
    each_child(xml, |xml, child| {
        let field = match child.name.as_str() {
            "comment_id" => &mut c.id,
            "comment_author" => &mut c.author,
            "comment_author_url" => &mut c.url,
            "comment_date" => &mut c.date,
            "comment_date_gmt" => &mut c.date_gmt,
            "comment_content" => &mut c.content,
            "comment_approved" | "comment_type" => {
                let value = xml.text_of_current()?;
                let field = match child.name.as_str() {
                    "comment_approved" => &mut c.approved,
                    _ => &mut c.kind,
                };
                read_once(field, value, GIVEN_TWICE);
                return Ok(());
            }
            "comment_parent" => &mut c.parent,
            "comment_user_id" => &mut c.user_id,
            // comment_author_email, comment_author_IP, commentmeta (user agents,
            // Akismet verdicts …): skipped unread, by design.
            _ => return Ok(xml.skip_current()?),
        };
        *field = xml.text_of_current()?;
        Ok(())
    })?;
    for field in [
        &mut c.id,
        &mut c.author,
        &mut c.url,
        &mut c.date,
        &mut c.date_gmt,
        &mut c.approved,
        &mut c.kind,
        &mut c.parent,
        &mut c.user_id,
    ] {
        trim_in_place(field);
    }
    Ok(c)
}

/// Calls `each` for every child element of the element just opened, then returns
/// after its end tag. `each` must consume the child (read its text or skip it).
fn each_child<R: BufRead>(
    xml: &mut XmlStream<R>,
    mut each: impl FnMut(&mut XmlStream<R>, Element) -> Result<(), Stop>,
) -> Result<(), Stop> {
    let depth = xml.depth();
    loop {
        match xml.next()? {
            Node::Start(child) => each(xml, child)?,
            Node::End(_) if xml.depth() < depth => return Ok(()),
            Node::Eof => return Ok(()),
            Node::End(_) | Node::Text(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(xml: &str) -> Vec<Item> {
        let mut out = Vec::new();
        read(xml.as_bytes(), |r| {
            if let Record::Item(i) = r {
                out.push(*i);
            }
            Ok(())
        })
        .unwrap();
        out
    }

    const WXR_1_0: &str = r#"<?xml version="1.0"?>
<rss xmlns:wp="http://wordpress.org/export/1.0/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:excerpt="http://wordpress.org/export/1.0/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><link>http://example.tld/</link>
<wp:author><wp:author_id>3</wp:author_id><wp:author_login><![CDATA[ann]]></wp:author_login><wp:author_email>ann@example.tld</wp:author_email></wp:author>
<item><title>Fish &amp; <![CDATA[Chips]]></title><dc:creator>ann</dc:creator>
<content:encoded><![CDATA[A ]]]]><![CDATA[> B]]></content:encoded><excerpt:encoded><![CDATA[Short]]></excerpt:encoded>
<wp:post_id>12</wp:post_id><wp:postmeta><wp:meta_key>_secret</wp:meta_key><wp:meta_value>hush</wp:meta_value></wp:postmeta><wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>40</wp:meta_value></wp:postmeta><wp:post_name>
  fish</wp:post_name><category domain="post_tag" nicename="food"><![CDATA[Food]]></category>
<wp:comment><wp:comment_id>5</wp:comment_id><wp:comment_author_email>x@y.z</wp:comment_author_email>
<wp:comment_author_IP>1.2.3.4</wp:comment_author_IP><wp:comment_content><![CDATA[Hi]]></wp:comment_content>
<wp:comment_approved><![CDATA[1]]></wp:comment_approved><wp:comment_type/>
<wp:commentmeta><wp:meta_key>akismet</wp:meta_key><wp:meta_value>agent</wp:meta_value></wp:commentmeta></wp:comment>
</item></channel></rss>"#;

    #[test]
    fn reads_items_of_any_wxr_version() {
        let all = items(WXR_1_0);
        assert_eq!(all.len(), 1);
        let item = &all[0];
        assert_eq!(item.title, "Fish & Chips");
        assert_eq!(item.content, "A ]]> B");
        assert_eq!(item.excerpt, "Short");
        assert_eq!(item.post_name, "fish");
        assert_eq!(item.post_id, Some(12));
        assert_eq!(item.thumbnail_id, Some(40));
        assert_eq!(item.categories[0].name, "Food");
        assert_eq!(item.comments[0].id, "5");
        assert_eq!(item.comments[0].approved, "1");
        let debug = format!("{all:?}");
        for private in ["x@y.z", "1.2.3.4", "akismet", "agent", "hush"] {
            assert!(!debug.contains(private), "{private} was kept");
        }
        let https = WXR_1_0.replace(
            "http://wordpress.org/export/1.0/",
            "https://wordpress.org/export/1.2/",
        );
        let mut again = items(&https);
        again[0].offset = all[0].offset;
        again[0].comments[0].offset = all[0].comments[0].offset;
        assert_eq!(again, all);
    }

    #[test]
    fn authors_come_with_their_ids() {
        let mut authors = Vec::new();
        read(WXR_1_0.as_bytes(), |r| {
            if let Record::Author { login, id, .. } = r {
                authors.push((login, id));
            }
            Ok(())
        })
        .unwrap();
        assert_eq!(authors, vec![("ann".to_string(), Some(3))]);
    }

    #[test]
    fn a_disqus_file_is_recognised() {
        let err = read("<disqus></disqus>".as_bytes(), |_| Ok(())).unwrap_err();
        let Stop::Xml(e) = err else { panic!() };
        assert!(e.message.contains("rapport import disqus"), "{}", e.message);
    }
}
