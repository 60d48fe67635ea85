//! A thin streaming layer over quick-xml shared by both importers: elements by local
//! name (export formats use several namespace URIs for the same fields), text with
//! CDATA sections and character references joined into one string, and well-formedness
//! problems as errors at a byte offset that `line_at` turns into a line number.
//! Nothing here knows WordPress or Disqus.

use std::io::{BufRead, Read};

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

/// One step through the document. Empty elements come as `Start` then `End`.
#[derive(Debug, PartialEq)]
pub(crate) enum Node {
    Start(Element),
    End(String),
    /// Text content (text, CDATA and references; several may follow each other).
    Text(String),
    Eof,
}

/// An opening tag.
#[derive(Debug, PartialEq)]
pub(crate) struct Element {
    /// The local name, without prefix: `comment` for `wp:comment`.
    pub(crate) name: String,
    /// The namespace URI, or the prefix when it is not declared.
    pub(crate) namespace: String,
    /// Attributes by local name, values unescaped.
    pub(crate) attributes: Vec<(String, String)>,
}

impl Element {
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why a file is not well-formed XML, and where (a byte offset into it).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct XmlError {
    pub(crate) offset: u64,
    pub(crate) message: String,
}

/// Reads a document one `Node` at a time, keeping only the open elements' names.
pub(crate) struct XmlStream<R: BufRead> {
    reader: NsReader<R>,
    buf: Vec<u8>,
    /// Open elements: local name and the offset of the tag, to report unclosed ones.
    open: Vec<(String, u64)>,
    root_seen: bool,
    /// How many invalid UTF-8 sequences were replaced by U+FFFD.
    pub(crate) replaced_bytes: usize,
}

impl<R: BufRead> XmlStream<R> {
    pub(crate) fn new(input: R) -> Self {
        let mut reader = NsReader::from_reader(input);
        let config = reader.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = true;
        XmlStream {
            reader,
            buf: Vec::with_capacity(64 * 1024),
            open: Vec::new(),
            root_seen: false,
            replaced_bytes: 0,
        }
    }

    /// How many elements are open (the root element is depth 1).
    pub(crate) fn depth(&self) -> usize {
        self.open.len()
    }

    /// The local name of the open element `up` levels above the innermost one.
    pub(crate) fn ancestor(&self, up: usize) -> Option<&str> {
        let len = self.open.len();
        (up < len).then(|| self.open[len - 1 - up].0.as_str())
    }

    /// The offset the reader has reached, for errors about what was just read.
    pub(crate) fn position(&self) -> u64 {
        self.reader.buffer_position()
    }

    /// The next node; comments, processing instructions and declarations are skipped.
    pub(crate) fn next(&mut self) -> Result<Node, XmlError> {
        loop {
            let start = self.reader.buffer_position();
            self.buf.clear();
            let event = match self.reader.read_event_into(&mut self.buf) {
                Ok(event) => event,
                Err(e) => {
                    return Err(XmlError {
                        offset: self.reader.error_position(),
                        message: format!("malformed XML: {e}"),
                    })
                }
            };
            let text = match event {
                Event::Start(e) => {
                    let element = element(&self.reader, &e, start)?;
                    if self.open.is_empty() && self.root_seen {
                        return Err(error(start, "a second root element"));
                    }
                    self.root_seen = true;
                    self.open.push((element.name.clone(), start));
                    return Ok(Node::Start(element));
                }
                Event::End(_) => {
                    let (name, _) = self.open.pop().unwrap_or_default();
                    return Ok(Node::End(name));
                }
                Event::Text(t) => lossy(&t, &mut self.replaced_bytes),
                Event::CData(t) => lossy(&t, &mut self.replaced_bytes),
                Event::GeneralRef(r) => resolve_reference(&lossy(&r, &mut self.replaced_bytes)),
                Event::Eof => return self.end_of_file(),
                Event::Empty(_)
                | Event::Comment(_)
                | Event::Decl(_)
                | Event::PI(_)
                | Event::DocType(_) => continue,
            };
            if self.open.is_empty() {
                if text.trim().is_empty() {
                    continue;
                }
                let place = if self.root_seen { "after" } else { "before" };
                return Err(error(start, &format!("text {place} the root element")));
            }
            return Ok(Node::Text(text));
        }
    }

    /// The text of the element that was just opened, up to its end tag; child elements
    /// are skipped with their text. Leaves the stream after the end tag.
    pub(crate) fn text_of_current(&mut self) -> Result<String, XmlError> {
        let depth = self.depth();
        let mut text = String::new();
        loop {
            match self.next()? {
                Node::Text(t) if self.depth() == depth => text.push_str(&t),
                Node::End(_) if self.depth() < depth => return Ok(text),
                Node::Eof => return self.end_of_file().map(|_| text),
                _ => {}
            }
        }
    }

    /// Skips the element that was just opened, with everything in it.
    pub(crate) fn skip_current(&mut self) -> Result<(), XmlError> {
        let depth = self.depth();
        loop {
            match self.next()? {
                Node::End(_) if self.depth() < depth => return Ok(()),
                Node::Eof => return self.end_of_file().map(|_| ()),
                _ => {}
            }
        }
    }

    fn end_of_file(&self) -> Result<Node, XmlError> {
        match self.open.last() {
            Some((name, offset)) => Err(XmlError {
                offset: *offset,
                message: format!("the file ends before <{name}> (opened here) is closed"),
            }),
            None if !self.root_seen => Err(error(0, "the file holds no XML element")),
            None => Ok(Node::Eof),
        }
    }
}

/// The opening tag `e` as an `Element`, its name and attributes resolved.
fn element<R>(reader: &NsReader<R>, e: &BytesStart<'_>, offset: u64) -> Result<Element, XmlError> {
    let (namespace, local) = reader.resolver().resolve_element(e.name());
    let namespace = match namespace {
        ResolveResult::Bound(ns) => String::from_utf8_lossy(ns.as_ref()).into_owned(),
        ResolveResult::Unknown(prefix) => String::from_utf8_lossy(&prefix).into_owned(),
        ResolveResult::Unbound => String::new(),
    };
    let mut attributes = Vec::new();
    for attribute in e.attributes() {
        let attribute = attribute.map_err(|err| XmlError {
            offset,
            message: format!("malformed XML attribute: {err}"),
        })?;
        let value = attribute
            .unescape_value()
            .map(|v| v.into_owned())
            .unwrap_or_else(|_| String::from_utf8_lossy(&attribute.value).into_owned());
        let name = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
        attributes.push((name, value));
    }
    Ok(Element {
        name: String::from_utf8_lossy(local.as_ref()).into_owned(),
        namespace,
        attributes,
    })
}

fn error(offset: u64, message: &str) -> XmlError {
    XmlError {
        offset,
        message: format!("malformed XML: {message}"),
    }
}

/// Bytes as text; invalid UTF-8 becomes U+FFFD (counted) rather than an error, because
/// real exports carry damaged text and one bad byte must not cost a whole import.
fn lossy(bytes: &[u8], replaced: &mut usize) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            let text = String::from_utf8_lossy(bytes).into_owned();
            *replaced += text.matches('\u{fffd}').count();
            text
        }
    }
}

/// `&#8217;`, `&amp;` … as text. Without a DTD no other entity is defined, so an
/// unknown one is kept as written (in HTML bodies it still means something).
fn resolve_reference(name: &str) -> String {
    let character = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        u32::from_str_radix(hex, 16).ok().and_then(char::from_u32)
    } else if let Some(decimal) = name.strip_prefix('#') {
        decimal.parse().ok().and_then(char::from_u32)
    } else {
        quick_xml::escape::resolve_xml_entity(name).and_then(|s| s.chars().next())
    };
    match character {
        Some(c) if c != '\0' => c.to_string(),
        _ => format!("&{name};"),
    }
}

/// The 1-based line of byte `offset` in `input`, counted without holding it in memory.
pub(crate) fn line_at(mut input: impl Read, offset: u64) -> usize {
    let mut line = 1;
    let mut remaining = offset;
    let mut chunk = [0u8; 64 * 1024];
    while remaining > 0 {
        let want = chunk
            .len()
            .min(usize::try_from(remaining).unwrap_or(usize::MAX));
        let n = match input.read(&mut chunk[..want]) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        line += chunk[..n].iter().filter(|&&b| b == b'\n').count();
        remaining -= n as u64;
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(xml: &str) -> Result<Vec<Node>, XmlError> {
        let mut stream = XmlStream::new(xml.as_bytes());
        let mut out = Vec::new();
        loop {
            match stream.next()? {
                Node::Eof => return Ok(out),
                node => out.push(node),
            }
        }
    }

    fn text_of(xml: &str) -> String {
        let mut stream = XmlStream::new(xml.as_bytes());
        assert!(matches!(stream.next().unwrap(), Node::Start(_)));
        stream.text_of_current().unwrap()
    }

    #[test]
    fn joins_split_cdata_and_references() {
        assert_eq!(
            text_of("<a><![CDATA[x ]]]]><![CDATA[> y]]> &amp; &#8217;&#x41;</a>"),
            "x ]]> y & \u{2019}A"
        );
        assert_eq!(text_of("<a>&nbsp;</a>"), "&nbsp;");
        assert_eq!(text_of("<a/>"), "");
    }

    #[test]
    fn names_are_local_and_namespaces_resolved() {
        let xml = r#"<rss xmlns:wp="https://wordpress.org/export/1.2/"><wp:comment_id n:x="1">3</wp:comment_id></rss>"#;
        let all = nodes(xml).unwrap();
        let Node::Start(e) = &all[1] else {
            panic!("{all:?}")
        };
        assert_eq!(e.name, "comment_id");
        assert_eq!(e.namespace, "https://wordpress.org/export/1.2/");
        assert_eq!(e.attribute("x"), Some("1"));
    }

    #[test]
    fn malformed_documents_are_errors_with_offsets() {
        let err = nodes("<a>\n<b></a>").unwrap_err();
        assert_eq!(line_at("<a>\n<b></a>".as_bytes(), err.offset), 2);
        assert!(nodes("`<?xml version=\"1.0\"?><a/>").is_err());
        assert!(nodes("<a><b></b>").unwrap_err().message.contains("<a>"));
        assert!(nodes("<a x=1/>").is_err());
        assert!(nodes("").is_err());
        assert!(nodes("<a/><b/>").is_err());
    }

    #[test]
    fn invalid_utf8_is_replaced_and_counted() {
        let bytes: &[u8] = b"<a>caf\xe9</a>";
        let mut stream = XmlStream::new(bytes);
        stream.next().unwrap();
        assert_eq!(stream.text_of_current().unwrap(), "caf\u{fffd}");
        assert_eq!(stream.replaced_bytes, 1);
    }
}
