//! A spec field: its own keys plus any constraint of the runtime's vocabulary
//! ([`wxlive_runtime::constraint::KINDS`]). The constraint keys are not listed here: they are read, and
//! described in the JSON Schema of the format, from the vocabulary.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use wxlive_runtime::constraint::{Check, KindInfo, Param, ParamType, KINDS};
use wxlive_runtime::wire::Key;

use super::error::closest;
use super::model::Sourced;

/// A field of a request, response, type or callback.
#[derive(Debug, Clone, Default)]
pub struct Field {
    /// `string`, `i32`, `i64`, `decimal`, `bool`, `flag`, an enum or type name, or `T[]`.
    pub ty: String,
    /// English description.
    pub doc: String,
    /// Rust name when the snake_case of the wire name is not right (`id` → `room_id`).
    pub rust: Option<String>,
    /// Whether the request must carry it.
    pub required: bool,
    /// The server's default when it is left out (documentation only).
    pub default: Option<serde_yaml::Value>,
    /// Other wire spellings accepted when decoding (documented typos).
    pub aliases: Vec<String>,
    /// A request field always sent with this value.
    pub constant: Option<serde_yaml::Value>,
    /// A `string` decoded from any scalar.
    pub lenient: bool,
    /// A request body field of union type whose keys sit next to the request's other fields.
    pub flatten: bool,
    /// Constraints, in the order written.
    pub constraints: Vec<SpecConstraint>,
    /// Constraints on each item of a list of scalars (`items: {max_chars: 8}`), in the order written.
    pub items: Vec<SpecConstraint>,
}

/// A constraint as written on a field.
#[derive(Debug, Clone)]
pub struct SpecConstraint {
    /// Its kind in the vocabulary.
    pub info: &'static KindInfo,
    /// The check; `None` for a rule turned off (`future: false`).
    pub check: Option<Check<String>>,
    /// Where it comes from.
    pub source: Option<String>,
    /// How binding it is.
    pub level: wxlive_runtime::constraint::Level,
}

// The keys of a field other than constraints, with their descriptions: the JSON Schema of `Field` is
// this struct's plus one property per constraint kind.
/// A field of a request, response, type or callback.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct FieldKeys {
    /// `string`, `i32`, `i64`, `decimal` (a JSON number with a fraction), `bool`, `flag` (0/1), an enum or
    /// type name, or `T[]`.
    #[serde(rename = "type")]
    ty: String,
    /// English description.
    doc: String,
    /// Rust name when the snake_case of the wire name is not right (`id` → `room_id`).
    #[serde(default)]
    rust: Option<String>,
    /// Whether the request must carry it.
    #[serde(default)]
    required: bool,
    /// The server's default when it is left out (documentation only; unset fields are never sent).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    default: Option<serde_yaml::Value>,
    /// Other wire spellings accepted when decoding (documented typos).
    #[serde(default)]
    aliases: Vec<String>,
    /// A request field always sent with this value: it is not part of the request type.
    #[serde(default, rename = "const")]
    #[schemars(with = "Option<serde_json::Value>")]
    constant: Option<serde_yaml::Value>,
    /// A `string` that some sources send as a number or boolean: decoded from any scalar.
    #[serde(default)]
    lenient: bool,
    /// A request body field of a union type: the union's keys (its tag and payload) sit next to the
    /// request's other fields instead of under the field's own key (WeCom's message/send).
    #[serde(default)]
    flatten: bool,
}

/// The field keys that are not constraints.
const OWN_KEYS: [&str; 10] = [
    "type", "doc", "rust", "required", "default", "aliases", "const", "lenient", "items", "flatten",
];

/// The doc of the `items` key (the JSON Schema of the format shows it).
const ITEMS_DOC: &str = "Constraints on each item of a list of scalars (`T[]` with T a string, \
     integer or enum), with the keys and values of a field's constraints: `items: {max_chars: 8, \
     pattern: \"^[a-z]+$\"}`. A violation names the item (`tags[3]`).";

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field: a mapping with `type`, `doc` and optional keys and constraints")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Field, A::Error> {
        let mut field = Field::default();
        let (mut has_type, mut has_doc) = (false, false);
        // Keys seen so far, as bits: the field's own keys, then the constraint kinds.
        let mut seen: u64 = 0;
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.as_str();
            let bit = OWN_KEYS
                .iter()
                .position(|k| *k == key)
                .or_else(|| {
                    KINDS
                        .iter()
                        .position(|k| k.key == key)
                        .map(|i| i + OWN_KEYS.len())
                })
                .map(|i| 1u64 << i.min(63));
            if let Some(bit) = bit {
                if seen & bit != 0 {
                    // Rejected while reading the value, so the error's path ends in the key.
                    return map.next_value_seed(Reject(format!(
                        "duplicate key `{key}`: expected each key at most once"
                    )));
                }
                seen |= bit;
            }
            match key {
                "type" => {
                    field.ty = map.next_value()?;
                    has_type = true;
                }
                "doc" => {
                    field.doc = map.next_value()?;
                    has_doc = true;
                }
                "rust" => field.rust = map.next_value()?,
                "required" => field.required = map.next_value()?,
                "default" => field.default = map.next_value()?,
                "aliases" => field.aliases = map.next_value()?,
                "const" => field.constant = map.next_value()?,
                "lenient" => field.lenient = map.next_value()?,
                "items" => field.items = map.next_value::<ItemConstraints>()?.0,
                "flatten" => field.flatten = map.next_value()?,
                other => match KINDS.iter().find(|k| k.key == other) {
                    Some(info) => field.constraints.push(read_constraint(info, &mut map)?),
                    None => return map.next_value_seed(Reject(unknown_key(other))),
                },
            }
        }
        if !has_type {
            return Err(de::Error::missing_field("type"));
        }
        if !has_doc {
            return Err(de::Error::missing_field("doc"));
        }
        Ok(field)
    }
}

/// Reads the value of constraint key `info.key`: its parameter, bare or as `{value, source}`.
fn read_constraint<'de, A: MapAccess<'de>>(
    info: &'static KindInfo,
    map: &mut A,
) -> Result<SpecConstraint, A::Error> {
    let (param, source, level) = match info.param {
        ParamType::Count => {
            let s: Sourced<u64> = map.next_value()?;
            (Param::Count(s.value), s.source, s.level)
        }
        ParamType::Integer => {
            let s: Sourced<i64> = map.next_value()?;
            (Param::Integer(s.value), s.source, s.level)
        }
        ParamType::Digits => {
            let s: Sourced<u32> = map.next_value()?;
            (Param::Digits(s.value), s.source, s.level)
        }
        ParamType::Enabled => {
            let s: Sourced<bool> = map.next_value()?;
            (Param::Enabled(s.value), s.source, s.level)
        }
        ParamType::Regex => {
            let s: Sourced<String> = map.next_value()?;
            (Param::Regex(s.value), s.source, s.level)
        }
    };
    let check = Check::from_spec(info.key, param).map_err(de::Error::custom)?;
    Ok(SpecConstraint {
        info,
        check,
        source,
        level,
    })
}

/// The value of `items:`: a mapping of constraint keys only.
struct ItemConstraints(Vec<SpecConstraint>);

impl<'de> Deserialize<'de> for ItemConstraints {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ItemsVisitor)
    }
}

struct ItemsVisitor;

impl<'de> Visitor<'de> for ItemsVisitor {
    type Value = ItemConstraints;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping of constraints each item must meet (`{max_chars: 8}`)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ItemConstraints, A::Error> {
        let mut out: Vec<SpecConstraint> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.as_str();
            let Some(info) = KINDS.iter().find(|k| k.key == key) else {
                let keys = KINDS.iter().map(|k| k.key);
                let mut message = format!(
                    "unknown item constraint `{key}`; expected one of {}",
                    keys.clone().collect::<Vec<_>>().join(", ")
                );
                if let Some(best) = closest(key, keys) {
                    message.push_str(&format!(" (did you mean `{best}`?)"));
                }
                return map
                    .next_value_seed(Reject(message))
                    .map(|_| ItemConstraints(Vec::new()));
            };
            if out.iter().any(|c| c.info.key == key) {
                return map
                    .next_value_seed(Reject(format!(
                        "duplicate key `{key}`: expected each key at most once"
                    )))
                    .map(|_| ItemConstraints(Vec::new()));
            }
            out.push(read_constraint(info, &mut map)?);
        }
        Ok(ItemConstraints(out))
    }
}

fn unknown_key(key: &str) -> String {
    let constraints = KINDS.iter().map(|k| k.key);
    let mut message = format!(
        "unknown key `{key}`; expected one of {}, or a constraint: {}",
        OWN_KEYS.join(", "),
        constraints.clone().collect::<Vec<_>>().join(", ")
    );
    if let Some(best) = closest(key, OWN_KEYS.into_iter().chain(constraints)) {
        message.push_str(&format!(" (did you mean `{best}`?)"));
    }
    message
}

/// A value that is never accepted: reading it fails with the message, at the path of its key.
struct Reject(String);

impl<'de> DeserializeSeed<'de> for Reject {
    type Value = Field;

    fn deserialize<D: Deserializer<'de>>(self, _: D) -> Result<Field, D::Error> {
        Err(de::Error::custom(self.0))
    }
}

impl JsonSchema for Field {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Field".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let mut schema = FieldKeys::json_schema(generator);
        let constraints: Vec<(&str, serde_json::Value)> = KINDS
            .iter()
            .map(|info| {
                let mut value = match info.param {
                    ParamType::Count => generator.subschema_for::<Option<Sourced<u64>>>(),
                    ParamType::Integer => generator.subschema_for::<Option<Sourced<i64>>>(),
                    ParamType::Digits => generator.subschema_for::<Option<Sourced<u32>>>(),
                    ParamType::Enabled => generator.subschema_for::<Option<Sourced<bool>>>(),
                    ParamType::Regex => generator.subschema_for::<Option<Sourced<String>>>(),
                };
                value.insert("description".into(), info.spec_doc.into());
                (info.key, value.to_value())
            })
            .collect();
        let items: serde_json::Map<String, serde_json::Value> = constraints
            .iter()
            .map(|(key, value)| ((*key).to_owned(), value.clone()))
            .collect();
        let items = serde_json::json!({
            "description": ITEMS_DOC,
            "type": "object",
            "properties": items,
            "additionalProperties": false,
        });
        if let Some(serde_json::Value::Object(properties)) = schema.get_mut("properties") {
            for (key, value) in constraints {
                properties.insert(key.into(), value);
            }
            properties.insert("items".into(), items);
        }
        schema
    }
}
