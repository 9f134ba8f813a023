//! The spec format, exactly as written in YAML. [`crate::lint`] turns it into the resolved [`crate::ir`].
//!
//! Unknown keys are errors (`deny_unknown_fields`), so a misspelt constraint never passes silently.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

use super::unique_map::UniqueMap;

/// `spec/<product>/product.yaml`: one API family.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ProductFile {
    /// Product name, used as the Rust module name (`wecom`).
    pub product: String,
    /// Official Chinese title.
    pub title: String,
    /// English one-liner.
    pub summary: String,
    /// Base URL.
    pub host: String,
    /// Prefix that turns a doc id into a link.
    pub doc_base: String,
    /// Name of the generated client type (`WecomClient`).
    pub client: String,
    /// What the id and the secret are called for this product.
    pub credentials: Credentials,
    /// How calls are authenticated.
    pub auth: Auth,
    /// Errcodes common to every endpoint.
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
    /// Errcodes the mock server answers protocol problems with (defaults: WeCom's).
    #[serde(default)]
    #[schemars(with = "Option<std::collections::BTreeMap<String, i64>>")]
    pub mock: Option<wxlive_runtime::mock_spec::MockErrors>,
}

/// Names of the two credentials.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credentials {
    /// The id (corp id, app id).
    pub id: Credential,
    /// The secret.
    pub secret: Credential,
    /// Other credentials some token endpoint takes (`$suite_ticket`), by name.
    #[serde(default)]
    pub others: UniqueMap<OtherCredential>,
}

/// A credential besides id and secret.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OtherCredential {
    /// Official Chinese title.
    pub title: String,
    /// English description.
    pub doc: String,
}

/// One credential.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// Rust parameter name.
    pub name: String,
    /// Official Chinese title.
    pub title: String,
    /// English description.
    pub doc: String,
}

/// Authentication of business calls.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Auth {
    /// Query parameter carrying the access token.
    pub token_param: String,
    /// The token endpoint clients use unless told otherwise.
    pub token: TokenEndpoint,
    /// Other token endpoints, by name: selectable by clients (a legacy endpoint), or steps of a flow
    /// (a third-party app's suite token, which its corp-token endpoint takes as `$token.<name>`).
    #[serde(default)]
    pub alternatives: UniqueMap<TokenEndpoint>,
}

/// An endpoint that hands out a token.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenEndpoint {
    /// Name clients select it by (default: the last segment of its path, `gettoken`). Under
    /// `alternatives` the key is the name.
    #[serde(default)]
    pub name: Option<String>,
    /// Official title.
    pub title: String,
    /// Official doc id.
    pub doc: String,
    /// `GET` (query parameters) or `POST` (JSON body).
    #[schemars(schema_with = "method_schema")]
    pub method: Method,
    /// Path below the host.
    pub path: String,
    /// Query parameters (besides the params of a GET): name → a value as in `params`.
    #[serde(default)]
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub query: UniqueMap<serde_yaml::Value>,
    /// Parameter name → `$id`, `$secret`, `$<credential>` (a named credential the caller supplies),
    /// `$token.<name>` (the token of another token endpoint), a literal string or a boolean. Sent as
    /// the query of a GET or the JSON body of a POST.
    #[schemars(with = "std::collections::BTreeMap<String, serde_json::Value>")]
    pub params: UniqueMap<serde_yaml::Value>,
    /// Response field with the token.
    pub token_field: String,
    /// Response field with the lifetime in seconds.
    pub expires_field: String,
}

pub use wxlive_runtime::meta::{ErrorClass, HttpMethod as Method};

/// The JSON Schema of [`Method`], from the runtime's own list of methods.
fn method_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let methods: Vec<&str> = Method::ALL.iter().map(|m| m.as_str()).collect();
    schemars::json_schema!({"description": "HTTP method.", "type": "string", "enum": methods})
}

/// The JSON Schema of [`ErrorClass`], from the runtime's own list of classes.
fn error_class_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let classes: Vec<&str> = ErrorClass::ALL.iter().map(|(_, name)| *name).collect();
    schemars::json_schema!({
        "description": "How clients react: token_invalid (refresh the token, retry once), busy (bounded backoff retry), throttled (back off), other (fail).",
        "type": "string",
        "enum": classes
    })
}

/// A documented errcode.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorCode {
    /// The errcode.
    pub code: i64,
    /// snake_case name.
    pub name: String,
    /// Official Chinese title.
    pub title: String,
    /// English meaning.
    pub meaning: String,
    /// How clients react.
    #[schemars(schema_with = "error_class_schema")]
    pub class: ErrorClass,
    /// Official doc id.
    #[serde(default)]
    pub doc: Option<String>,
    /// What to do.
    #[serde(default)]
    pub hint: Option<String>,
}

/// `spec/<product>/<domain>.yaml`: one chapter of the docs.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DomainFile {
    /// Module name (`living`).
    pub domain: String,
    /// Cargo feature that enables the module.
    pub feature: String,
    /// Official Chinese title.
    pub title: String,
    /// English one-liner.
    pub summary: String,
    /// Official doc id of the chapter overview.
    pub doc: String,
    /// Enumerations.
    #[serde(default)]
    pub enums: UniqueMap<EnumDef>,
    /// Object types reused across endpoints.
    #[serde(default)]
    pub types: UniqueMap<TypeDef>,
    /// Tagged unions: values whose shape depends on a discriminator field (`msgtype`), by Rust name.
    #[serde(default)]
    pub unions: UniqueMap<UnionDef>,
    /// Endpoints.
    #[serde(default)]
    pub endpoints: UniqueMap<Endpoint>,
    /// Pushed events.
    #[serde(default)]
    pub callbacks: UniqueMap<Callback>,
    /// Errcodes every endpoint of this domain may return (looked up after an endpoint's own and before
    /// the product's). Each becomes a named item of the domain's `errcode` module and is listed in the
    /// docs (and the OpenAPI `x-errcodes`) of every operation of the domain. An endpoint must not
    /// declare one of them again.
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
}

/// An enumeration.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumDef {
    /// English description.
    pub doc: String,
    /// The documented values.
    pub values: Vec<EnumValue>,
}

/// One documented enum value.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValue {
    /// Wire value (integer or string).
    #[schemars(with = "serde_json::Value")]
    pub value: serde_yaml::Value,
    /// Rust variant name (UpperCamelCase).
    pub name: String,
    /// Official Chinese title.
    pub title: String,
    /// English description.
    pub doc: String,
}

/// An object type.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeDef {
    /// English description.
    pub doc: String,
    /// Fields by wire name.
    pub fields: UniqueMap<Field>,
    /// Cross-field rules between its fields (checked wherever the type is sent).
    #[serde(default)]
    pub rules: Vec<Rule>,
}

/// A tagged union: one of several object shapes, told apart by a discriminator (tag) field. A field
/// of this type holds one case; a request body field may set `flatten: true` to put the union's
/// keys next to the request's other fields (WeCom's message/send).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionDef {
    /// English description.
    pub doc: String,
    /// Wire name of the discriminator field (`msgtype`, `card_type`); its value is a case key.
    pub tag: String,
    /// Where a case's payload sits: `keyed` (under a key named after the tag value:
    /// `{"msgtype": "text", "text": {...}}`) or `inline` (its fields next to the tag:
    /// `{"card_type": "text_notice", "main_title": {...}}`).
    pub layout: UnionLayout,
    /// The cases, by tag value (as on the wire).
    pub cases: UniqueMap<UnionCase>,
}

/// Where a union case's payload sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnionLayout {
    /// Under a key named after the tag value.
    Keyed,
    /// Its fields next to the tag (the case type must be an object type without a field named like
    /// the tag).
    Inline,
}

/// One case of a union.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UnionCase {
    /// The payload: a declared type (or, in a keyed union, another union).
    #[serde(rename = "type")]
    pub ty: String,
    /// Rust variant name (UpperCamelCase; default: the tag value in UpperCamelCase, `text_notice` →
    /// `TextNotice`).
    #[serde(default)]
    pub name: Option<String>,
    /// Official Chinese title.
    pub title: String,
    /// English description.
    pub doc: String,
}

pub use super::field::{Field, SpecConstraint};

/// A constraint value, optionally with where it comes from and how binding it is: `20`,
/// `{value: 20, source: "96837"}` or `{value: 60, source: "...", level: product}`.
#[derive(Debug, Clone)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// An official doc id or a product's documentation.
    pub source: Option<String>,
    /// How binding it is (default: official).
    pub level: Level,
}

pub use wxlive_runtime::constraint::Level;

/// The JSON Schema of [`Level`], from the runtime's own list of levels.
pub(crate) fn level_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let levels: Vec<&str> = Level::ALL.iter().map(|(_, name)| *name).collect();
    schemars::json_schema!({
        "description": "How binding the rule is: official (an official page states it; enforced by default), product (a product's policy; enforced by the strict profile), advice (the docs recommend it; a warning, never an error). Default: official.",
        "type": "string",
        "enum": levels
    })
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Sourced<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        struct WithSource<T> {
            value: T,
            source: String,
            #[serde(default)]
            #[schemars(schema_with = "level_schema")]
            level: Level,
        }
        let raw = serde_yaml::Value::deserialize(deserializer)?;
        if raw.is_mapping() {
            let w: WithSource<T> = serde_yaml::from_value(raw).map_err(|e| {
                serde::de::Error::custom(format_args!(
                    "expected `{{value: ..., source: \"...\", level: official | product | advice}}`: {e}"
                ))
            })?;
            Ok(Sourced {
                value: w.value,
                source: Some(w.source),
                level: w.level,
            })
        } else {
            let value = serde_yaml::from_value(raw).map_err(serde::de::Error::custom)?;
            Ok(Sourced {
                value,
                source: None,
                level: Level::Official,
            })
        }
    }
}

/// Doc ids of the other copies of a page.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocCopies {
    /// 第三方应用 copy.
    #[serde(default)]
    pub third_party: Option<String>,
    /// 服务商代开发 copy.
    #[serde(default)]
    pub agent: Option<String>,
}

/// An endpoint.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Endpoint {
    /// Official Chinese title.
    pub title: String,
    /// English one-liner.
    pub summary: String,
    /// Official doc id.
    pub doc: String,
    /// Other copies of the page.
    #[serde(default)]
    pub docs: DocCopies,
    /// HTTP method.
    #[schemars(schema_with = "method_schema")]
    pub method: Method,
    /// Path below the host (case-sensitive).
    pub path: String,
    /// Whether sending it twice has the effect of once.
    pub idempotent: bool,
    /// Query parameters.
    #[serde(default)]
    pub query: UniqueMap<Field>,
    /// JSON body fields.
    #[serde(default)]
    pub body: UniqueMap<Field>,
    /// Response fields (besides errcode and errmsg).
    #[serde(default)]
    pub response: UniqueMap<Field>,
    /// Cross-field rules.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// How to page through results.
    #[serde(default)]
    pub pagination: Option<Pagination>,
    /// Errcodes specific to this endpoint.
    #[serde(default)]
    pub errors: Vec<ErrorCode>,
    /// Official sample bodies.
    #[serde(default)]
    pub examples: Examples,
    /// How the mock server answers it statefully (otherwise it answers the response fixture): one of
    /// `create`, `get`, `get_list`, `update`, `list` (see `wxlive_runtime::mock_spec::MockBehaviour`).
    #[serde(default)]
    #[schemars(with = "Option<wxlive_runtime::mock_spec::MockBehaviour>")]
    pub mock: Option<serde_yaml::Value>,
    /// A file upload: the body is `multipart/form-data` with one file part (the `body` fields become
    /// text parts); the answer is JSON. Needs `method: POST`.
    #[serde(default)]
    pub upload: Option<super::media::Upload>,
    /// A binary download: the answer is the file itself, or a JSON errcode envelope on failure.
    /// Needs `method: GET`.
    #[serde(default)]
    pub download: Option<super::media::Download>,
}

/// Sample request and response.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Examples {
    /// Request (body and query fields together).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub request: Option<serde_yaml::Value>,
    /// Response, with errcode/errmsg.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub response: Option<serde_yaml::Value>,
}

/// A cross-field rule. Exactly one kind is given:
///
/// - `only_when: <condition>` + `fields`: the fields may be set only when the condition holds;
/// - `required_when: <condition>` + `fields`: the fields must be set when it holds;
/// - `difference: {field, minus, min?, max?}`: `field − minus` lies in `min..=max` (integers).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Fields allowed only under a condition.
    #[serde(default)]
    pub only_when: Option<Condition>,
    /// Fields required under a condition.
    #[serde(default)]
    pub required_when: Option<Condition>,
    /// Bounds on the difference of two integer fields.
    #[serde(default)]
    pub difference: Option<Difference>,
    /// Fields governed by a condition (`only_when`, `required_when`).
    #[serde(default)]
    pub fields: Vec<String>,
    /// Where the rule comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// How binding it is (default: official).
    #[serde(default)]
    #[schemars(schema_with = "level_schema")]
    pub level: Level,
}

/// A condition on the fields of the same request (or type). Exactly one form:
///
/// - `{field, equals: value}`: the field is set and has this value;
/// - `{field, in: [values]}`: the field is set and has one of these values;
/// - `{all: [conditions]}`: every condition holds;
/// - `{any: [conditions]}`: at least one condition holds.
///
/// `field` names a scalar field: `string`, an integer (`i32`, `i64`, `u32`, `u64`), an enum (its
/// documented values), `flag` (`true`/`false` or `1`/`0`) or `bool` (`true`/`false`). `all` and `any`
/// nest (`{any: [{all: [...]}, {field: ...}]}`).
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    /// Wire name of a scalar field of the same request (or type).
    #[serde(default)]
    pub field: Option<String>,
    /// The value it must have.
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub equals: Option<serde_yaml::Value>,
    /// The values it may have (at least one).
    #[serde(default, rename = "in")]
    #[schemars(with = "Option<Vec<serde_json::Value>>")]
    pub one_of: Option<Vec<serde_yaml::Value>>,
    /// Conditions that must all hold (at least one).
    #[serde(default)]
    pub all: Option<Vec<Condition>>,
    /// Conditions of which at least one must hold (at least one).
    #[serde(default)]
    pub any: Option<Vec<Condition>>,
}

/// `field − minus` within `min..=max`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Difference {
    /// Wire name of the minuend (an integer field).
    pub field: String,
    /// Wire name of the subtrahend (an integer field).
    pub minus: String,
    /// Smallest allowed difference.
    #[serde(default)]
    pub min: Option<i64>,
    /// Largest allowed difference.
    #[serde(default)]
    pub max: Option<i64>,
}

/// Pagination.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Pagination {
    /// Request field carrying the cursor (or, with `end: offset` and `end: short_page`, the integer
    /// item offset).
    pub request: String,
    /// Response field with the next cursor (with `end: offset`, the integer total). Not used by
    /// `end: short_page`.
    #[serde(default)]
    pub response: Option<String>,
    /// When the last page has been reached.
    pub end: PageEnd,
    /// Response list to stream item by item, when there is one.
    #[serde(default)]
    pub items: Option<String>,
    /// With `end: short_page`: the integer request field with the page size (`limit`).
    #[serde(default)]
    pub limit: Option<String>,
}

/// End-of-data signal.
#[derive(Debug, Clone, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum PageEnd {
    /// The response cursor is missing or the empty string.
    EmptyCursor,
    /// Offset paging: `request` is an integer item offset and `response` the integer total. The next
    /// page starts at offset + items on this page; the last page is the one that reaches the total or
    /// has no items (`items` is required).
    Offset,
    /// Offset paging without a total: `request` is an integer item offset, `limit` the request's page
    /// size; the next page starts at offset + items; the last page is the one with fewer items than
    /// the `limit` sent, or none (`items` is required; with no `limit` sent, only an empty page ends).
    ShortPage,
    /// A flag field of the response is set (wire 1).
    #[serde(untagged)]
    Flag {
        /// The flag field.
        field: String,
    },
    /// `{more: <field>}`: a `flag` or `bool` field of the response says more pages follow (`has_more`);
    /// the stream ends after a page where it is false, 0 or missing. Cursor paging.
    #[serde(untagged)]
    More {
        /// The flag field.
        more: String,
    },
}

impl<'de> Deserialize<'de> for PageEnd {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde_yaml::Value;
        let raw = Value::deserialize(deserializer)?;
        let flag = match &raw {
            Value::String(s) if s == "empty_cursor" => return Ok(PageEnd::EmptyCursor),
            Value::String(s) if s == "offset" => return Ok(PageEnd::Offset),
            Value::String(s) if s == "short_page" => return Ok(PageEnd::ShortPage),
            Value::Mapping(m) if m.len() == 1 => {
                if let Some(more) = m.get("more").and_then(Value::as_str) {
                    return Ok(PageEnd::More {
                        more: more.to_owned(),
                    });
                }
                m.get("field").and_then(Value::as_str)
            }
            _ => None,
        };
        match flag {
            Some(field) => Ok(PageEnd::Flag {
                field: field.to_owned(),
            }),
            None => Err(serde::de::Error::custom(format_args!(
                "found {}; expected `empty_cursor`, `offset`, `short_page`, `{{field: <a flag field of the response set on the last page>}}` or `{{more: <a flag or bool field of the response set while more pages follow>}}`",
                serde_json::to_string(&raw).unwrap_or_default()
            ))),
        }
    }
}

/// A pushed event.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Callback {
    /// Official Chinese title.
    pub title: String,
    /// English one-liner.
    pub summary: String,
    /// Official doc id.
    pub doc: String,
    /// Other copies.
    #[serde(default)]
    pub docs: DocCopies,
    /// `MsgType` value.
    pub msg_type: String,
    /// XML elements.
    pub fields: UniqueMap<Field>,
    /// Official sample (decrypted XML).
    pub example: String,
}

/// The fields of a type, request, response or callback.
pub type UniqueMapField = UniqueMap<Field>;

impl<T: JsonSchema> JsonSchema for Sourced<T> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        format!("Sourced_{}", T::schema_name()).into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let plain = generator.subschema_for::<T>();
        let level = level_schema(generator);
        schemars::json_schema!({
            "description": "A value, or `{value, source, level}` citing an official doc id or a product's documentation (level: official by default).",
            "anyOf": [
                plain,
                {
                    "type": "object",
                    "properties": {"value": plain, "source": {"type": "string"}, "level": level},
                    "required": ["value", "source"],
                    "additionalProperties": false
                }
            ]
        })
    }
}
