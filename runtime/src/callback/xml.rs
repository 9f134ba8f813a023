//! A small XML tree for callback documents, built with quick-xml.
//!
//! Callback XML is flat and small: `<xml>` with one level of children whose text is plain or CDATA.
//! The parser keeps element names, attributes and text, rejects anything that is not well-formed
//! (plus DOCTYPE declarations and nesting deeper than [`MAX_DEPTH`]) and never panics.
//!
//! The tree is one vector of elements in document order whose names and texts point into the raw XML;
//! only text that needs entity decoding or joins several pieces is copied.

use std::fmt;
use std::str::FromStr;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::error::CallbackError;

/// The deepest element nesting accepted. Callbacks use two or three levels.
pub const MAX_DEPTH: usize = 64;

/// The longest document [`XmlDoc::parse`] reads, in bytes (callbacks are a few KiB).
pub const MAX_XML_BYTES: usize = 1 << 20;

/// A parsed XML document: the raw text and the element tree over it.
#[derive(Clone, PartialEq, Eq)]
pub struct XmlDoc {
    raw: String,
    tree: Tree,
}

impl XmlDoc {
    /// Parses a document. Fails with [`CallbackError::MalformedXml`] unless it has exactly one root
    /// element and is well-formed, and with [`CallbackError::TooLarge`] beyond [`MAX_XML_BYTES`].
    pub fn parse(xml: impl Into<String>) -> Result<Self, CallbackError> {
        let raw = xml.into();
        if raw.len() > MAX_XML_BYTES {
            return Err(CallbackError::TooLarge {
                len: raw.len(),
                limit: MAX_XML_BYTES,
            });
        }
        let tree = Tree::parse(&raw)?;
        Ok(XmlDoc { raw, tree })
    }

    /// The root element (`<xml>` in WeCom callbacks).
    pub fn root(&self) -> XmlNode<'_> {
        self.tree.root(&self.raw)
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
        self.root().get(name)
    }

    /// The root's first child element called `name`.
    pub fn child(&self, name: &str) -> Option<XmlNode<'_>> {
        self.root().child(name)
    }

    /// The root's child elements, in document order.
    pub fn children(&self) -> Children<'_> {
        self.root().children()
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
            .field("root", &self.root())
            .finish_non_exhaustive()
    }
}

/// One element of a parsed document: its name, attributes, text and child elements.
#[derive(Clone, Copy)]
pub struct XmlNode<'a> {
    raw: &'a str,
    tree: &'a Tree,
    index: usize,
}

impl<'a> XmlNode<'a> {
    /// The element name as written, prefix included.
    pub fn name(&self) -> &'a str {
        self.data().map_or("", |node| node.name.resolve(self.raw))
    }

    /// The element's text: its text and CDATA pieces joined in order, entities decoded, not trimmed.
    ///
    /// In an element that has child elements, pieces that are only whitespace (the indentation between
    /// the children) are left out.
    pub fn text(&self) -> &'a str {
        self.data().map_or("", |node| node.text.resolve(self.raw))
    }

    /// The text of the first child element called `name`: `Some("")` for an empty element, `None` if
    /// there is no such child.
    pub fn get(&self, name: &str) -> Option<&'a str> {
        self.child(name).map(|child| child.text())
    }

    /// The first child element called `name`.
    pub fn child(&self, name: &str) -> Option<XmlNode<'a>> {
        self.children().find(|child| child.name() == name)
    }

    /// Every child element called `name`, in document order.
    pub fn children_named<'n>(&self, name: &'n str) -> impl Iterator<Item = XmlNode<'a>> + 'n
    where
        'a: 'n,
    {
        self.children().filter(move |child| child.name() == name)
    }

    /// The child elements, in document order.
    pub fn children(&self) -> Children<'a> {
        Children {
            raw: self.raw,
            tree: self.tree,
            next: self.index + 1,
            end: self.data().map_or(0, |node| node.end),
        }
    }

    /// The value of the attribute called `name`, entities decoded.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.attributes()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value)
    }

    /// The attributes as (name, value) pairs, in document order.
    pub fn attributes(&self) -> impl Iterator<Item = (&'a str, &'a str)> {
        let (raw, tree) = (self.raw, self.tree);
        let range = self.data().map_or(0..0, |node| node.attrs.0..node.attrs.1);
        tree.attrs
            .get(range)
            .unwrap_or_default()
            .iter()
            .map(move |(key, value)| (key.resolve(raw), value.resolve(raw)))
    }

    fn data(&self) -> Option<&'a NodeData> {
        self.tree.nodes.get(self.index)
    }
}

impl fmt::Debug for XmlNode<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("XmlNode");
        s.field("name", &self.name());
        if self.attributes().next().is_some() {
            s.field("attributes", &self.attributes().collect::<Vec<_>>());
        }
        s.field("text", &self.text());
        if self.children().next().is_some() {
            s.field("children", &self.children().collect::<Vec<_>>());
        }
        s.finish()
    }
}

/// The child elements of an [`XmlNode`], in document order.
#[derive(Clone)]
pub struct Children<'a> {
    raw: &'a str,
    tree: &'a Tree,
    next: usize,
    end: usize,
}

impl<'a> Iterator for Children<'a> {
    type Item = XmlNode<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.end {
            return None;
        }
        let node = self.tree.nodes.get(self.next)?;
        let child = XmlNode {
            raw: self.raw,
            tree: self.tree,
            index: self.next,
        };
        // Skip the child's descendants; `end > index` always, so this terminates.
        self.next = node.end.max(self.next + 1);
        Some(child)
    }
}

/// Where a name or text lives: a byte range of the raw XML, or an owned copy when it had to be decoded
/// or joined.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Text {
    Span(usize, usize),
    Owned(String),
}

impl Text {
    const EMPTY: Text = Text::Span(0, 0);

    fn resolve<'a>(&'a self, raw: &'a str) -> &'a str {
        match self {
            Text::Span(start, end) => raw.get(*start..*end).unwrap_or_default(),
            Text::Owned(text) => text,
        }
    }

    fn is_empty(&self) -> bool {
        match self {
            Text::Span(start, end) => start >= end,
            Text::Owned(text) => text.is_empty(),
        }
    }
}

/// One element. Elements are stored in document order, so an element's descendants are exactly the
/// elements from `index + 1` to `end`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct NodeData {
    name: Text,
    text: Text,
    /// Range into [`Tree::attrs`].
    attrs: (usize, usize),
    /// One past the index of the last descendant.
    end: usize,
}

/// The elements and attributes of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Tree {
    nodes: Vec<NodeData>,
    attrs: Vec<(Text, Text)>,
}

impl Tree {
    /// Parses `raw`. The result is only meaningful together with the same `raw`.
    pub(crate) fn parse(raw: &str) -> Result<Self, CallbackError> {
        Builder::new(raw).run()
    }

    /// The root element (a well-formed tree always has one).
    pub(crate) fn root<'a>(&'a self, raw: &'a str) -> XmlNode<'a> {
        XmlNode {
            raw,
            tree: self,
            index: 0,
        }
    }

    /// The text of the root's first child called `name`, as an owned string.
    pub(crate) fn take_root_child_text(&mut self, raw: &str, name: &str) -> Option<String> {
        let index = self.root(raw).child(name)?.index;
        let node = self.nodes.get_mut(index)?;
        Some(match std::mem::replace(&mut node.text, Text::EMPTY) {
            Text::Owned(text) => text,
            span => span.resolve(raw).to_owned(),
        })
    }
}

/// The parser state: the reader, the elements so far and the stack of open elements.
struct Builder<'a> {
    raw: &'a str,
    reader: Reader<&'a [u8]>,
    tree: Tree,
    open: [usize; MAX_DEPTH],
    depth: usize,
}

impl<'a> Builder<'a> {
    fn new(raw: &'a str) -> Self {
        Builder {
            raw,
            reader: Reader::from_str(raw),
            tree: Tree {
                nodes: Vec::with_capacity(16),
                attrs: Vec::new(),
            },
            open: [0; MAX_DEPTH],
            depth: 0,
        }
    }

    fn run(mut self) -> Result<Tree, CallbackError> {
        loop {
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(err) => return Err(self.malformed(&err.to_string())),
            };
            match event {
                Event::Start(start) => {
                    let index = self.element(&start)?;
                    if self.depth >= MAX_DEPTH {
                        return Err(self.malformed("elements nested too deeply"));
                    }
                    self.open[self.depth] = index;
                    self.depth += 1;
                }
                Event::Empty(start) => {
                    let index = self.element(&start)?;
                    self.close(index);
                }
                Event::End(_) => {
                    // quick-xml has already checked that the name matches the open element.
                    if self.depth == 0 {
                        return Err(self.malformed("end tag without start tag"));
                    }
                    self.depth -= 1;
                    self.close(self.open[self.depth]);
                }
                Event::Text(text) => {
                    let piece = if text.contains(&b'&') {
                        match text.unescape() {
                            Ok(decoded) => Piece::Owned(decoded.into_owned()),
                            Err(err) => return Err(self.malformed(&err.to_string())),
                        }
                    } else {
                        Piece::Borrowed(&text)
                    };
                    self.add_text(piece, "text outside the root element")?;
                }
                Event::CData(data) => {
                    self.add_text(Piece::Borrowed(&data), "CDATA outside the root element")?
                }
                Event::DocType(_) => return Err(self.malformed("DOCTYPE is not allowed")),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => break,
            }
        }
        if self.depth > 0 {
            let name = self.open_name();
            return Err(self.malformed(&format!("element <{name}> is not closed")));
        }
        if self.tree.nodes.is_empty() {
            return Err(self.malformed("no root element"));
        }
        Ok(self.tree)
    }

    /// Adds an element from a start tag and returns its index.
    fn element(&mut self, start: &BytesStart<'_>) -> Result<usize, CallbackError> {
        if self.depth == 0 && !self.tree.nodes.is_empty() {
            return Err(self.malformed("more than one root element"));
        }
        if self.depth > 0 {
            // The parent now has children: whitespace-only text so far was indentation.
            let parent = self.open[self.depth - 1];
            if let Some(node) = self.tree.nodes.get_mut(parent) {
                if is_xml_whitespace(node.text.resolve(self.raw).as_bytes()) {
                    node.text = Text::EMPTY;
                }
            }
        }
        let name = self.text(Piece::Borrowed(start.name().as_ref()));
        let first_attr = self.tree.attrs.len();
        for attr in start.attributes() {
            let attr = attr.map_err(|err| self.malformed(&err.to_string()))?;
            let key = self.text(Piece::Borrowed(attr.key.as_ref()));
            let value = if attr.value.contains(&b'&') {
                match attr.unescape_value() {
                    Ok(decoded) => Piece::Owned(decoded.into_owned()),
                    Err(err) => return Err(self.malformed(&err.to_string())),
                }
            } else {
                Piece::Borrowed(&attr.value)
            };
            let value = self.text(value);
            self.tree.attrs.push((key, value));
        }
        let index = self.tree.nodes.len();
        self.tree.nodes.push(NodeData {
            name,
            text: Text::EMPTY,
            attrs: (first_attr, self.tree.attrs.len()),
            end: index + 1,
        });
        Ok(index)
    }

    /// Marks the element finished: its descendants are everything added since.
    fn close(&mut self, index: usize) {
        let end = self.tree.nodes.len();
        if let Some(node) = self.tree.nodes.get_mut(index) {
            node.end = end;
        }
    }

    /// Appends a text or CDATA piece to the open element.
    fn add_text(&mut self, piece: Piece<'_>, outside: &str) -> Result<(), CallbackError> {
        let whitespace = piece.is_whitespace();
        if self.depth == 0 {
            // Whitespace around the root is allowed; anything else is not.
            return if whitespace {
                Ok(())
            } else {
                Err(self.malformed(outside))
            };
        }
        let index = self.open[self.depth - 1];
        let has_children = self.tree.nodes.len() > index + 1;
        if whitespace && has_children {
            return Ok(());
        }
        let piece = self.text(piece);
        let raw = self.raw;
        let Some(node) = self.tree.nodes.get_mut(index) else {
            return Ok(());
        };
        if node.text.is_empty() {
            node.text = piece;
        } else {
            let mut joined = String::from(node.text.resolve(raw));
            joined.push_str(piece.resolve(raw));
            node.text = Text::Owned(joined);
        }
        Ok(())
    }

    /// A piece as a [`Text`]: a span when it is a slice of the raw XML, otherwise owned.
    fn text(&self, piece: Piece<'_>) -> Text {
        match piece {
            Piece::Owned(text) => Text::Owned(text),
            Piece::Borrowed(bytes) => {
                let base = self.raw.as_ptr() as usize;
                let start = (bytes.as_ptr() as usize).wrapping_sub(base);
                let end = start.wrapping_add(bytes.len());
                // Keep a span only if it really holds these bytes at a char boundary; otherwise (a
                // reader that copied) keep a decoded copy.
                let same = start <= end && self.raw.as_bytes().get(start..end) == Some(bytes);
                if same && self.raw.get(start..end).is_some() {
                    Text::Span(start, end)
                } else {
                    Text::Owned(String::from_utf8_lossy(bytes).into_owned())
                }
            }
        }
    }

    /// The name of the innermost open element.
    fn open_name(&self) -> String {
        self.depth
            .checked_sub(1)
            .and_then(|top| self.tree.nodes.get(self.open[top]))
            .map(|node| node.name.resolve(self.raw).to_owned())
            .unwrap_or_default()
    }

    /// A [`CallbackError::MalformedXml`] naming the byte position.
    fn malformed(&self, message: &str) -> CallbackError {
        CallbackError::MalformedXml(format!(
            "{message} (at byte {})",
            self.reader.buffer_position()
        ))
    }
}

/// A piece of text before it is stored: a slice of the input, or decoded text.
enum Piece<'p> {
    Borrowed(&'p [u8]),
    Owned(String),
}

impl Piece<'_> {
    fn is_whitespace(&self) -> bool {
        match self {
            Piece::Borrowed(bytes) => is_xml_whitespace(bytes),
            Piece::Owned(text) => is_xml_whitespace(text.as_bytes()),
        }
    }
}

/// Whether the text is only XML whitespace (space, tab, CR, LF).
fn is_xml_whitespace(text: &[u8]) -> bool {
    text.iter()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cdata_text_entities_and_attributes() {
        let doc = XmlDoc::parse(
            "<?xml version=\"1.0\"?><!-- c --><xml a=\"1 &amp; 2\" b='x'>\n  <A><![CDATA[x<y]]></A>\n  <B>1 &lt; 2</B><C/><D>a<![CDATA[b]]>c</D><E> </E>\n</xml>",
        )
        .unwrap();
        let root = doc.root();
        assert_eq!(root.name(), "xml");
        assert_eq!(root.attr("a"), Some("1 & 2"));
        assert_eq!(
            root.attributes().collect::<Vec<_>>(),
            [("a", "1 & 2"), ("b", "x")]
        );
        assert_eq!(root.text(), "");
        assert_eq!(doc.get("A"), Some("x<y"));
        assert_eq!(doc.get("B"), Some("1 < 2"));
        assert_eq!(doc.get("C"), Some(""));
        assert_eq!(doc.get("D"), Some("abc"));
        assert_eq!(doc.get("E"), Some(" "));
        assert_eq!(doc.get("F"), None);
        assert_eq!(doc.children().count(), 5);
        assert_eq!(doc.child("A").unwrap().attributes().count(), 0);
    }

    #[test]
    fn nested_children_and_mixed_text() {
        let doc = XmlDoc::parse("<r>\n <a>x<b><c>1</c></b> y <b>2</b>\n</a><a/> z </r>").unwrap();
        let names: Vec<_> = doc.children().map(|c| c.name()).collect();
        assert_eq!(names, ["a", "a"]);
        assert_eq!(doc.root().text(), " z ");
        let a = doc.child("a").unwrap();
        assert_eq!(a.text(), "x y ");
        assert_eq!(a.children_named("b").count(), 2);
        assert_eq!(a.child("b").unwrap().child("c").unwrap().text(), "1");
        assert_eq!(a.children_named("b").nth(1).unwrap().text(), "2");
        let debug = format!("{doc:?}");
        assert!(debug.contains("\"c\""), "{debug}");
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
            "<xml a=\"&bad;\"/>",
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
