//! A small XML tree for callback documents, built with quick-xml.
//!
//! Callback XML is flat and small: `<xml>` with one level of children whose text is plain or CDATA.
//! The parser keeps element names, attributes and text, rejects anything that is not well-formed
//! (plus DOCTYPE declarations and nesting deeper than [`MAX_DEPTH`]) and never panics.

use std::fmt;
use std::str::FromStr;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::CallbackError;

/// The deepest element nesting accepted. Callbacks use two or three levels; the limit keeps recursive
/// operations on the tree (drop, clone, compare) far away from the stack limit.
pub const MAX_DEPTH: usize = 64;

/// A parsed XML document: the root element and the raw text it was parsed from.
#[derive(Clone, PartialEq, Eq)]
pub struct XmlDoc {
    raw: String,
    root: XmlNode,
}

/// One element: its name, attributes, text and child elements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlNode {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<XmlNode>,
}

impl XmlDoc {
    /// Parses a document. Fails with [`CallbackError::MalformedXml`] unless it has exactly one root
    /// element and is well-formed.
    pub fn parse(xml: impl Into<String>) -> Result<Self, CallbackError> {
        let raw = xml.into();
        let root = parse_tree(&raw)?;
        Ok(XmlDoc { raw, root })
    }

    /// The root element (`<xml>` in WeCom callbacks).
    pub fn root(&self) -> &XmlNode {
        &self.root
    }

    /// The XML text the document was parsed from.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The raw XML text, consuming the document.
    pub fn into_raw(self) -> String {
        self.raw
    }

    /// The text of the root's first child element called `name` (see [`XmlNode::get`]).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.root.get(name)
    }

    /// The root's first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&XmlNode> {
        self.root.child(name)
    }

    /// The root's child elements, in document order.
    pub fn children(&self) -> &[XmlNode] {
        self.root.children()
    }
}

impl FromStr for XmlDoc {
    type Err = CallbackError;

    fn from_str(xml: &str) -> Result<Self, Self::Err> {
        XmlDoc::parse(xml)
    }
}

impl fmt::Debug for XmlDoc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("XmlDoc")
            .field("root", &self.root)
            .finish_non_exhaustive()
    }
}

impl XmlNode {
    /// The element name as written, prefix included.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The element's own text: its text and CDATA sections concatenated in order, entities decoded.
    ///
    /// Text is kept exactly (not trimmed), except that an element with child elements drops text that is
    /// only whitespace (the indentation between its children).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The text of the first child element called `name`: `Some("")` for an empty element, `None` if
    /// there is no such child.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.child(name).map(XmlNode::text)
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<&XmlNode> {
        self.children.iter().find(|child| child.name == name)
    }

    /// Every child element called `name`, in document order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a XmlNode> + 'a {
        self.children.iter().filter(move |child| child.name == name)
    }

    /// The child elements, in document order.
    pub fn children(&self) -> &[XmlNode] {
        &self.children
    }

    /// The value of the attribute called `name`, entities decoded.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The attributes as (name, value) pairs, in document order.
    pub fn attributes(&self) -> impl Iterator<Item = (&str, &str)> {
        self.attributes
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
    }

    /// Removes and returns the text of the first child called `name`.
    pub(crate) fn take_text(&mut self, name: &str) -> Option<String> {
        self.children
            .iter_mut()
            .find(|child| child.name == name)
            .map(|child| std::mem::take(&mut child.text))
    }
}

/// Parses `xml` into its root element.
pub(crate) fn parse_tree(xml: &str) -> Result<XmlNode, CallbackError> {
    let mut reader = Reader::from_str(xml);
    let mut open: Vec<XmlNode> = Vec::new();
    let mut root: Option<XmlNode> = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|err| malformed(&reader, &err.to_string()))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(malformed(&reader, "more than one root element"));
                }
                if open.len() >= MAX_DEPTH {
                    return Err(malformed(&reader, "elements nested too deeply"));
                }
                open.push(element(&reader, &start)?);
            }
            Event::Empty(start) => {
                let node = element(&reader, &start)?;
                close(&reader, node, &mut open, &mut root)?;
            }
            Event::End(_) => {
                // quick-xml has already checked that the name matches the open element.
                let Some(mut node) = open.pop() else {
                    return Err(malformed(&reader, "end tag without start tag"));
                };
                if !node.children.is_empty() && node.text.trim().is_empty() {
                    node.text.clear();
                }
                close(&reader, node, &mut open, &mut root)?;
            }
            Event::Text(text) => {
                let text = text
                    .unescape()
                    .map_err(|err| malformed(&reader, &err.to_string()))?;
                match open.last_mut() {
                    Some(node) => node.text.push_str(&text),
                    None if text.trim().is_empty() => {}
                    None => return Err(malformed(&reader, "text outside the root element")),
                }
            }
            Event::CData(data) => {
                let data = data
                    .decode()
                    .map_err(|err| malformed(&reader, &err.to_string()))?;
                match open.last_mut() {
                    Some(node) => node.text.push_str(&data),
                    None => return Err(malformed(&reader, "CDATA outside the root element")),
                }
            }
            Event::DocType(_) => return Err(malformed(&reader, "DOCTYPE is not allowed")),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if let Some(node) = open.last() {
        return Err(malformed(
            &reader,
            &format!("element <{}> is not closed", node.name),
        ));
    }
    root.ok_or_else(|| malformed(&reader, "no root element"))
}

/// A new element from a start tag, with its attributes decoded.
fn element(reader: &Reader<&[u8]>, start: &BytesStart<'_>) -> Result<XmlNode, CallbackError> {
    let name = utf8(reader, start.name().as_ref())?;
    let mut attributes = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|err| malformed(reader, &err.to_string()))?;
        let key = utf8(reader, attr.key.as_ref())?;
        let value = attr
            .unescape_value()
            .map_err(|err| malformed(reader, &err.to_string()))?
            .into_owned();
        attributes.push((key, value));
    }
    Ok(XmlNode {
        name,
        attributes,
        text: String::new(),
        children: Vec::new(),
    })
}

/// Attaches a finished element to its parent, or makes it the root.
fn close(
    reader: &Reader<&[u8]>,
    node: XmlNode,
    open: &mut [XmlNode],
    root: &mut Option<XmlNode>,
) -> Result<(), CallbackError> {
    match open.last_mut() {
        Some(parent) => parent.children.push(node),
        None if root.is_some() => return Err(malformed(reader, "more than one root element")),
        None => *root = Some(node),
    }
    Ok(())
}

/// Bytes of a name as a `String` (the input is a `&str`, so this only fails on a quick-xml bug).
fn utf8(reader: &Reader<&[u8]>, bytes: &[u8]) -> Result<String, CallbackError> {
    std::str::from_utf8(bytes)
        .map(str::to_owned)
        .map_err(|_| malformed(reader, "name is not UTF-8"))
}

/// A [`CallbackError::MalformedXml`] naming the byte position.
fn malformed(reader: &Reader<&[u8]>, message: &str) -> CallbackError {
    CallbackError::MalformedXml(format!("{message} (at byte {})", reader.buffer_position()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cdata_text_entities_and_attributes() {
        let doc = XmlDoc::parse(
            "<?xml version=\"1.0\"?><!-- c --><xml a=\"1 &amp; 2\">\n  <A><![CDATA[x<y]]></A>\n  <B>1 &lt; 2</B><C/><D>a<![CDATA[b]]>c</D>\n</xml>",
        )
        .unwrap();
        assert_eq!(doc.root().name(), "xml");
        assert_eq!(doc.root().attr("a"), Some("1 & 2"));
        assert_eq!(doc.root().text(), "");
        assert_eq!(doc.get("A"), Some("x<y"));
        assert_eq!(doc.get("B"), Some("1 < 2"));
        assert_eq!(doc.get("C"), Some(""));
        assert_eq!(doc.get("D"), Some("abc"));
        assert_eq!(doc.get("E"), None);
        assert_eq!(doc.children().len(), 4);
    }

    #[test]
    fn rejects_malformed_documents() {
        for bad in [
            "",
            "   ",
            "text",
            "<xml>",
            "<xml></XML>",
            "<xml></xml><xml></xml>",
            "<xml/><b/>",
            "<xml></xml>trailing",
            "<![CDATA[x]]><xml/>",
            "</xml>",
            "<xml><a></xml>",
            "<xml>&unknown;</xml>",
            "<xml a=\"1\" a=\"2\"/>",
            "<!DOCTYPE xml [<!ENTITY e \"x\">]><xml>&e;</xml>",
            "<xml><![CDATA[x</xml>",
        ] {
            assert!(
                matches!(XmlDoc::parse(bad), Err(CallbackError::MalformedXml(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn limits_depth() {
        let ok = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
        assert!(XmlDoc::parse(ok).is_ok());
        let deep = format!("{}{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
        assert!(matches!(
            XmlDoc::parse(deep),
            Err(CallbackError::MalformedXml(_))
        ));
    }
}
