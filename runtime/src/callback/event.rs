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

/// The `Event` enum of a domain (a generated `events.rs` calls it once): a variant per event of the
/// spec (its `Event` value, struct and title) holding its struct, decoded by the `Event` element with the struct's own `from_doc`, and
/// `Unknown` for every other document (never an error); `name()` gives the spec's name back.
///
/// ```ignore
/// wxlive_runtime::domain_events! {
///     "living_status_change" => LivingStatusChange: "直播状态变更",
/// }
/// ```
#[macro_export]
macro_rules! domain_events {
    ($( $event:literal => $variant:ident : $title:literal ),* $(,)?) => {
        /// An event of this domain. Decoding never fails: other events keep their name and raw XML.
        #[derive(Debug, Clone, PartialEq, Eq)]
        #[non_exhaustive]
        pub enum Event {
            $(
                #[doc = concat!("`", $event, "`: ", $title)]
                $variant($variant),
            )*
            /// An event this version of the spec does not describe (or a message that is not an event).
            Unknown {
                /// The `Event` element, if any.
                event: Option<String>,
                /// The whole decrypted XML.
                raw_xml: String,
            },
        }

        impl Event {
            /// The spec's name of the event (its `Event` value), or `None` for [`Event::Unknown`].
            pub fn name(&self) -> Option<&'static str> {
                match self {
                    $( Self::$variant(_) => Some($event), )*
                    Self::Unknown { .. } => None,
                }
            }
        }

        impl $crate::callback::CallbackEvent for Event {
            fn from_xml(doc: &$crate::callback::XmlDoc) -> Self {
                match doc.get("Event") {
                    $( Some($event) => Self::$variant($variant::from_doc(doc)), )*
                    event => Self::Unknown {
                        event: event.map(str::to_owned),
                        raw_xml: doc.raw().to_owned(),
                    },
                }
            }
        }
    };
}
