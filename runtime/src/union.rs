//! Tagged unions: a value whose shape depends on a discriminator field (WeCom's `msgtype`,
//! `card_type`). The generated enum has one variant per documented case plus `Unknown`; its serde
//! impls come from [`tagged_union!`](crate::tagged_union) and call the helpers here.
//!
//! Two wire layouts ([`Layout`]):
//!
//! - **keyed**: the payload sits under a key named after the tag value,
//!   `{"msgtype": "text", "text": {"content": "…"}}`;
//! - **inline**: the payload's fields sit next to the tag, `{"card_type": "text_notice", "main_title": …}`.
//!
//! Decoding never fails: an undocumented tag, a missing tag or a payload that does not decode gives
//! `Unknown` with the tag (empty when missing) and the raw JSON, which encodes back unchanged.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// Where a case's payload sits relative to the tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Under a key named after the tag value.
    Keyed,
    /// Its fields next to the tag.
    Inline,
}

/// A case the spec does not document (or that did not decode): its tag and the whole JSON object it
/// came in (tag included), kept so that it encodes back unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnknownCase {
    /// The discriminator's value (empty when it was missing or not a string).
    pub tag: String,
    /// The raw JSON value (an object, unless something else was sent).
    pub raw: Value,
}

impl UnknownCase {
    /// An unknown case built by hand: `{tag_field: tag, ..fields}` (for a case this SDK version does
    /// not know yet).
    pub fn new(tag_field: &str, tag: impl Into<String>, fields: Map<String, Value>) -> Self {
        let tag = tag.into();
        let mut raw = Map::new();
        raw.insert(tag_field.to_owned(), Value::String(tag.clone()));
        raw.extend(fields);
        UnknownCase {
            tag,
            raw: Value::Object(raw),
        }
    }
}

/// Reads a union's JSON: the tag and the object, or `None` for the tag when it is missing.
pub fn split(d: Value, tag_field: &str) -> (Option<String>, Value) {
    let tag = d.get(tag_field).and_then(Value::as_str).map(str::to_owned);
    (tag, d)
}

/// Decodes the payload of case `tag` from `whole` (the union's object) as `T`; `None` when it does
/// not decode (the caller then keeps the value as unknown).
pub fn payload<T: DeserializeOwned>(
    whole: &Value,
    tag_field: &str,
    tag: &str,
    layout: Layout,
) -> Option<T> {
    let payload = match layout {
        Layout::Keyed => whole.get(tag)?.clone(),
        Layout::Inline => {
            let mut map = whole.as_object()?.clone();
            map.remove(tag_field);
            Value::Object(map)
        }
    };
    serde_json::from_value(payload).ok()
}

/// The unknown case of `whole`.
pub fn unknown(tag: Option<String>, whole: Value) -> UnknownCase {
    UnknownCase {
        tag: tag.unwrap_or_default(),
        raw: whole,
    }
}

/// Reads the JSON of a union (any value: decoding a union never fails).
pub fn read<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    Value::deserialize(d)
}

/// Writes case `tag` with `payload` as a map (so that a union can be flattened into a request).
pub fn write<S: Serializer, T: Serialize>(
    s: S,
    tag_field: &str,
    tag: &str,
    layout: Layout,
    payload: &T,
) -> Result<S::Ok, S::Error> {
    let payload = serde_json::to_value(payload).map_err(serde::ser::Error::custom)?;
    let mut map = Map::new();
    map.insert(tag_field.to_owned(), Value::String(tag.to_owned()));
    match (layout, payload) {
        (Layout::Keyed, payload) => {
            map.insert(tag.to_owned(), payload);
        }
        (Layout::Inline, Value::Object(fields)) => {
            for (k, v) in fields {
                if k != tag_field {
                    map.insert(k, v);
                }
            }
        }
        (Layout::Inline, other) => {
            return Err(serde::ser::Error::custom(format_args!(
                "case `{tag}` of an inline union must be an object, found {other}"
            )))
        }
    }
    s.collect_map(map)
}

/// Writes an unknown case as it came (its raw object).
pub fn write_unknown<S: Serializer>(s: S, case: &UnknownCase) -> Result<S::Ok, S::Error> {
    match &case.raw {
        Value::Object(map) => s.collect_map(map),
        // A non-object cannot be flattened; written as is where a union is a field of its own.
        other => other.serialize(s),
    }
}

/// The impls of a generated tagged union (an enum with one single-field variant per case and
/// `Unknown(UnknownCase)`): `TAG_FIELD`, `TAGS`, `tag()`, `title()`, `is_known()`, `Default`
/// (`Unknown` with no tag), `Serialize`/`Deserialize` in its layout (decoding never fails),
/// [`Given`](crate::validate::Given) and `From<payload>` for the listed case types. With `validate`
/// first (a union a request can contain), also [`Validate`](crate::validate::Validate): each case
/// is checked under its wire path (the tag's key for a keyed union, in place for an inline one); an
/// unknown case needs only a tag.
#[macro_export]
macro_rules! tagged_union {
    (validate $name:ident, $tag_field:literal, $layout:ident {
        $( $variant:ident ($ty:ty) = $tag:literal => $title:literal ),+ $(,)?
    } from [$($from_variant:ident ($from_ty:ty)),* $(,)?]) => {
        $crate::tagged_union!($name, $tag_field, $layout {
            $( $variant ($ty) = $tag => $title ),+
        } from [$($from_variant ($from_ty)),*]);

        impl $crate::validate::Validate for $name {
            fn check(&self, v: &mut $crate::validate::Validator) {
                match self {
                    $(Self::$variant(p) => $crate::tagged_union!(@check $layout v p $tag),)+
                    // Any tag the spec does not know is the caller's to choose; none is missing.
                    Self::Unknown(u) => v.required($tag_field, &u.tag),
                }
            }
        }
    };
    ($name:ident, $tag_field:literal, $layout:ident {
        $( $variant:ident ($ty:ty) = $tag:literal => $title:literal ),+ $(,)?
    } from [$($from_variant:ident ($from_ty:ty)),* $(,)?]) => {
        impl $name {
            /// The discriminator's wire name.
            pub const TAG_FIELD: &'static str = $tag_field;

            /// Every documented tag value.
            pub const TAGS: &'static [&'static str] = &[$($tag),+];

            /// The discriminator's value.
            pub fn tag(&self) -> &str {
                match self {
                    $(Self::$variant(_) => $tag,)+
                    Self::Unknown(u) => &u.tag,
                }
            }

            /// The official Chinese title of the case, for documented ones.
            pub fn title(&self) -> Option<&'static str> {
                match self {
                    $(Self::$variant(_) => Some($title),)+
                    Self::Unknown(_) => None,
                }
            }

            /// Whether the spec documents this case.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        /// An unknown case without a tag: what a request builder holds until the union is set.
        impl Default for $name {
            fn default() -> Self {
                Self::Unknown($crate::union::UnknownCase::default())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use $crate::union::Layout;
                match self {
                    $(Self::$variant(p) => $crate::union::write(s, $tag_field, $tag, Layout::$layout, p),)+
                    Self::Unknown(u) => $crate::union::write_unknown(s, u),
                }
            }
        }

        /// Never fails: an undocumented or missing tag, or a payload that does not decode, is `Unknown`.
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use $crate::union::Layout;
                let (tag, whole) = $crate::union::split($crate::union::read(d)?, $tag_field);
                let case = match tag.as_deref() {
                    $(Some($tag) => $crate::union::payload(&whole, $tag_field, $tag, Layout::$layout)
                        .map(Self::$variant),)+
                    _ => None,
                };
                Ok(case.unwrap_or_else(|| Self::Unknown($crate::union::unknown(tag, whole))))
            }
        }

        impl $crate::validate::Given for $name {}

        $(
            impl From<$from_ty> for $name {
                fn from(value: $from_ty) -> Self {
                    Self::$from_variant(value)
                }
            }
        )*
    };
    (@check Keyed $v:ident $p:ident $tag:literal) => { $v.check_nested($tag, $p) };
    (@check Inline $v:ident $p:ident $tag:literal) => { $crate::validate::Validate::check($p, $v) };
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Note {
        content: Option<String>,
    }

    #[derive(Debug, PartialEq)]
    enum Kind {
        Note(Note),
        Unknown(UnknownCase),
    }

    impl Serialize for Kind {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match self {
                Kind::Note(p) => write(s, "kind", "note", Layout::Inline, p),
                Kind::Unknown(u) => write_unknown(s, u),
            }
        }
    }

    #[test]
    fn an_inline_case_writes_its_fields_next_to_the_tag() {
        let v = serde_json::to_value(Kind::Note(Note {
            content: Some("x".into()),
        }))
        .unwrap();
        assert_eq!(v, json!({"kind": "note", "content": "x"}));
    }

    #[test]
    fn a_keyed_payload_is_read_from_its_key_and_an_inline_one_without_the_tag() {
        let whole = json!({"kind": "note", "note": {"content": "a"}, "content": "b"});
        let keyed: Option<Note> = payload(&whole, "kind", "note", Layout::Keyed);
        assert_eq!(keyed.unwrap().content.as_deref(), Some("a"));
        let inline: Option<Note> = payload(&whole, "kind", "note", Layout::Inline);
        assert_eq!(inline.unwrap().content.as_deref(), Some("b"));
        // No payload key: nothing to decode (the caller keeps the value as unknown).
        let missing: Option<Note> =
            payload(&json!({"kind": "note"}), "kind", "note", Layout::Keyed);
        assert!(missing.is_none());
    }

    #[test]
    fn an_unknown_case_built_by_hand_carries_its_tag_and_writes_back_as_given() {
        let mut fields = Map::new();
        fields.insert("video".into(), json!({"media_id": "V"}));
        let case = UnknownCase::new("msgtype", "video", fields);
        assert_eq!(case.tag, "video");
        let v = serde_json::to_value(Kind::Unknown(case)).unwrap();
        assert_eq!(v, json!({"msgtype": "video", "video": {"media_id": "V"}}));
        let (tag, whole) = split(json!({"msgtype": 3}), "msgtype");
        assert_eq!(unknown(tag, whole).tag, "");
    }
}
