//! The trait typed callback events implement.

use super::xml::XmlDoc;

/// A typed view of a decrypted callback document.
///
/// Generated event enums implement it: each domain's `Event`, and each product's `Event`, which
/// holds the domain's for every domain of the product (chosen by the document's `MsgType`/`Event`),
/// the type to give the one handler of an app's callback URL. Building an event never fails once the
/// XML is well-formed: an unrecognised `Event` becomes the enum's `Unknown` variant, and a missing or
/// unparsable field becomes `None` or a default.
pub trait CallbackEvent: Sized {
    /// Builds the event from the decrypted, parsed document.
    fn from_xml(doc: &XmlDoc) -> Self;

    /// Builds the event from a document it may keep. The handler calls this one; the default borrows
    /// and calls [`CallbackEvent::from_xml`]. Override it to avoid a copy when the event stores the document.
    fn from_xml_doc(doc: XmlDoc) -> Self {
        Self::from_xml(&doc)
    }
}

/// The untyped document itself, for receivers that read fields by name.
impl CallbackEvent for XmlDoc {
    fn from_xml(doc: &XmlDoc) -> Self {
        doc.clone()
    }

    fn from_xml_doc(doc: XmlDoc) -> Self {
        doc
    }
}
