//! Reading a Disqus export (`<disqus>`: threads, then posts) one element at a time.
//! E-mail addresses and IP addresses are skipped unread. The Disqus *import* format
//! (WXR-shaped, `<rss>` with `dsq:thread_identifier`) is read through `wxr` and handed
//! over as the same records, so `disqus.rs` sees one shape.

use std::io::BufRead;

use crate::error::Error;
use crate::import::wxr::{self, Stop};
use crate::import::xml::{Element, Node, XmlError, XmlStream};

/// A `<thread>`: one page the comments were made on.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Thread {
    /// `dsq:id`, what posts point at.
    pub(crate) key: String,
    /// `<id>`: the page's `disqus_identifier`, often empty.
    pub(crate) identifier: String,
    pub(crate) link: String,
    pub(crate) title: String,
    pub(crate) deleted: bool,
}

/// A `<post>`: one comment.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Post {
    /// `dsq:id`, or `<id>` when the attribute is missing; empty when neither is there.
    pub(crate) key: String,
    pub(crate) thread: String,
    pub(crate) parent: Option<String>,
    /// Filled only when the caller asks for it (see `read`).
    pub(crate) message: String,
    pub(crate) message_len: usize,
    pub(crate) created: String,
    pub(crate) deleted: bool,
    pub(crate) spam: bool,
    pub(crate) anonymous: bool,
    pub(crate) name: String,
    pub(crate) username: String,
    /// `wp:comment_author_url` in the import format; Disqus exports have none.
    pub(crate) url: String,
    pub(crate) offset: u64,
}

#[derive(Debug)]
pub(crate) enum Record {
    Thread(Thread),
    Post(Post),
}

/// Reads a Disqus export (or import-format file), handing each thread and post to
/// `on`. `want_message(key)` says whose message text to keep; the others are skipped,
/// so a pass that only needs the structure holds no bodies.
pub(crate) fn read<R: BufRead>(
    input: R,
    want_message: &dyn Fn(&str) -> bool,
    mut on: impl FnMut(Record) -> Result<(), Error>,
) -> Result<(), Stop> {
    let mut xml = XmlStream::new(input);
    loop {
        let element = match xml.next()? {
            Node::Start(element) => element,
            Node::Eof => return Ok(()),
            Node::End(_) | Node::Text(_) => continue,
        };
        match (xml.depth(), element.name.as_str()) {
            (1, "disqus") => {}
            (1, "rss") => return read_import_format(xml, want_message, on),
            (1, other) => {
                return Err(Stop::Xml(XmlError {
                    offset: xml.position(),
                    message: format!(
                        "not a Disqus export: the root element is <{other}>, not <disqus> (export it from the Disqus admin under Moderation → Export)"
                    ),
                }))
            }
            (2, "thread") => on(Record::Thread(read_thread(&mut xml, &element)?))?,
            (2, "post") => {
                let offset = xml.position();
                let mut post = read_post(&mut xml, &element, want_message)?;
                post.offset = offset;
                on(Record::Post(post))?
            }
            _ => xml.skip_current()?,
        }
    }
}

fn read_thread<R: BufRead>(xml: &mut XmlStream<R>, element: &Element) -> Result<Thread, Stop> {
    let mut t = Thread {
        key: element.attribute("id").unwrap_or_default().to_string(),
        ..Thread::default()
    };
    each_child(xml, |xml, child| {
        let field = match child.name.as_str() {
            "id" => &mut t.identifier,
            "link" => &mut t.link,
            "title" => &mut t.title,
            "isDeleted" => {
                t.deleted |= flag(&xml.text_of_current()?);
                return Ok(());
            }
            // author (with e-mail in older exports), ipAddress …: not needed, not read.
            _ => return Ok(xml.skip_current()?),
        };
        *field = xml.text_of_current()?.trim().to_string();
        Ok(())
    })?;
    Ok(t)
}

fn read_post<R: BufRead>(
    xml: &mut XmlStream<R>,
    element: &Element,
    want_message: &dyn Fn(&str) -> bool,
) -> Result<Post, Stop> {
    let mut p = Post {
        key: element.attribute("id").unwrap_or_default().to_string(),
        ..Post::default()
    };
    let mut identifier = String::new();
    each_child(xml, |xml, child| {
        match child.name.as_str() {
            "id" => identifier = xml.text_of_current()?.trim().to_string(),
            "message" => {
                let message = xml.text_of_current()?;
                p.message_len = message.len();
                p.message = message;
            }
            "createdAt" => p.created = xml.text_of_current()?.trim().to_string(),
            "isDeleted" => p.deleted |= flag(&xml.text_of_current()?),
            "isSpam" => p.spam |= flag(&xml.text_of_current()?),
            "thread" => {
                p.thread = child.attribute("id").unwrap_or_default().to_string();
                xml.skip_current()?;
            }
            "parent" => {
                p.parent = child.attribute("id").map(str::to_string);
                xml.skip_current()?;
            }
            "author" => read_author(xml, &mut p)?,
            // ipAddress and anything else: skipped unread.
            _ => xml.skip_current()?,
        }
        Ok(())
    })?;
    if p.key.is_empty() {
        p.key = identifier;
    }
    if !want_message(&p.key) {
        p.message = String::new();
    }
    Ok(p)
}

fn read_author<R: BufRead>(xml: &mut XmlStream<R>, p: &mut Post) -> Result<(), Stop> {
    each_child(xml, |xml, child| {
        match child.name.as_str() {
            "name" => p.name = xml.text_of_current()?.trim().to_string(),
            "username" => p.username = xml.text_of_current()?.trim().to_string(),
            "isAnonymous" => p.anonymous = flag(&xml.text_of_current()?),
            // email: never read.
            _ => xml.skip_current()?,
        }
        Ok(())
    })
}

/// Anything but an explicit `false` counts as set: a damaged `isSpam` (`123`, seen
/// in the wild) must withhold the post, not publish it. A flag given twice is set if
/// either of the two says so, whatever their order: the callers `|=` it.
fn flag(text: &str) -> bool {
    !text.trim().eq_ignore_ascii_case("false")
}

/// The import format: each `<item>` is a thread keyed by its position, each
/// `wp:comment` a post; only approved ones (`comment_approved` 1) count as live.
fn read_import_format<R: BufRead>(
    xml: XmlStream<R>,
    want_message: &dyn Fn(&str) -> bool,
    mut on: impl FnMut(Record) -> Result<(), Error>,
) -> Result<(), Stop> {
    let mut n = 0;
    wxr::read_items_from(xml, |item| {
        n += 1;
        let key = format!("item-{n}");
        on(Record::Thread(Thread {
            key: key.clone(),
            identifier: item.thread_identifier.clone(),
            link: item.link.clone(),
            title: item.title.clone(),
            deleted: false,
        }))?;
        for c in item.comments {
            let message_len = c.content.len();
            on(Record::Post(Post {
                message: if want_message(&c.id) {
                    c.content
                } else {
                    String::new()
                },
                message_len,
                thread: key.clone(),
                parent: (!c.parent.is_empty() && c.parent != "0").then_some(c.parent),
                created: c.date_gmt.replacen(' ', "T", 1),
                deleted: c.approved != "1",
                spam: c.approved == "spam",
                anonymous: true,
                name: c.author,
                username: String::new(),
                url: c.url,
                offset: c.offset,
                key: c.id,
            }))?;
        }
        Ok(())
    })
}

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

    const EXPORT: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals">
  <category dsq:id="1"><forum>f</forum></category>
  <thread dsq:id="10"><id>Clojure 1.10&amp;#39;s datafy</id><link>https://e.org/a/</link><title>A</title>
    <author><email>owner@e.org</email><name>Owner</name></author><ipAddress>10.0.0.1</ipAddress><isDeleted>false</isDeleted></thread>
  <post dsq:id="100"><id/><message>
      <![CDATA[<p>Hi</p>]]>
    </message><createdAt>2013-10-10T19:20:29Z</createdAt><isDeleted>false</isDeleted><isSpam>123</isSpam>
    <author><email>r@e.org</email><name>Reader</name><isAnonymous>false</isAnonymous><username>reader</username></author>
    <ipAddress>127.0.0.1</ipAddress><thread dsq:id="10"/><parent dsq:id="99"/></post>
</disqus>"#;

    fn records(xml: &str, want: bool) -> Vec<Record> {
        let mut out = Vec::new();
        read(xml.as_bytes(), &|_| want, |r| {
            out.push(r);
            Ok(())
        })
        .unwrap();
        out
    }

    #[test]
    fn reads_threads_and_posts_without_private_fields() {
        let all = records(EXPORT, true);
        let Record::Thread(t) = &all[0] else { panic!() };
        assert_eq!(
            (t.key.as_str(), t.identifier.as_str(), t.link.as_str()),
            ("10", "Clojure 1.10&#39;s datafy", "https://e.org/a/")
        );
        let Record::Post(p) = &all[1] else { panic!() };
        assert_eq!(p.key, "100");
        assert_eq!(p.message.trim(), "<p>Hi</p>");
        assert_eq!((p.thread.as_str(), p.parent.as_deref()), ("10", Some("99")));
        assert!(p.spam, "a damaged isSpam withholds");
        assert_eq!(
            (p.name.as_str(), p.username.as_str(), p.anonymous),
            ("Reader", "reader", false)
        );
        let debug = format!("{all:?}");
        for private in ["@e.org", "10.0.0.1", "127.0.0.1"] {
            assert!(!debug.contains(private), "{private} was kept");
        }
    }

    #[test]
    fn a_flag_given_twice_withholds_if_either_says_so() {
        let twice = EXPORT
            .replace(
                "<isSpam>123</isSpam>",
                "<isSpam>true</isSpam><isSpam>false</isSpam>",
            )
            .replace(
                "<isDeleted>false</isDeleted></thread>",
                "<isDeleted>true</isDeleted><isDeleted>false</isDeleted></thread>",
            );
        let all = records(&twice, true);
        let (Record::Thread(t), Record::Post(p)) = (&all[0], &all[1]) else {
            panic!()
        };
        assert!(t.deleted && p.spam, "{all:?}");
    }

    #[test]
    fn messages_are_kept_only_when_wanted() {
        let all = records(EXPORT, false);
        let Record::Post(p) = &all[1] else { panic!() };
        assert_eq!(p.message, "");
        assert!(p.message_len > 0);
    }

    #[test]
    fn the_import_format_reads_as_threads_and_posts() {
        let xml = r#"<rss xmlns:dsq="http://www.disqus.com/" xmlns:wp="http://wordpress.org/export/1.0/"><channel><item><title>Foo</title><link>http://foo.com/example</link><dsq:thread_identifier>ident</dsq:thread_identifier>
        <wp:comment><wp:comment_id>65</wp:comment_id><wp:comment_author>Foo Bar</wp:comment_author><wp:comment_author_email>foo@bar.com</wp:comment_author_email><wp:comment_date_gmt>2010-09-20 13:19:10</wp:comment_date_gmt><wp:comment_content><![CDATA[Hello]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved><wp:comment_parent>0</wp:comment_parent></wp:comment></item></channel></rss>"#;
        let all = records(xml, true);
        let Record::Thread(t) = &all[0] else { panic!() };
        assert_eq!(
            (t.identifier.as_str(), t.link.as_str()),
            ("ident", "http://foo.com/example")
        );
        let Record::Post(p) = &all[1] else { panic!() };
        assert_eq!(
            (p.key.as_str(), p.created.as_str(), p.deleted),
            ("65", "2010-09-20T13:19:10", false)
        );
        assert!(!format!("{all:?}").contains("foo@bar.com"));
    }
}
