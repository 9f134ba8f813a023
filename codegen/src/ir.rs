//! The resolved spec: every name checked, every type reference resolved to an id that carries what
//! emitters need, every Rust identifier assigned and checked for collisions. Emitters read only this and
//! never look a name up.

pub use crate::spec::model::{DocCopies, ErrorCode};
pub use wxlive_runtime::constraint::{FieldKind, Level};
pub use wxlive_runtime::meta::{ErrorClass, HttpMethod as Method, Location};

/// A constraint of a field, from the runtime's vocabulary ([`wxlive_runtime::constraint`]).
pub type Constraint = wxlive_runtime::constraint::Constraint<String>;
/// A constraint kind with its parameter.
pub type Check = wxlive_runtime::constraint::Check<String>;
/// A token endpoint parameter.
pub type ParamValue = wxlive_runtime::meta::ParamValue<String>;
/// The value of a constant request field.
pub type ConstValue = wxlive_runtime::meta::ConstValue<String>;

/// All products.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The spec directory as diagnostics and headers name it (`spec`).
    pub root: String,
    /// In directory order.
    pub products: Vec<Product>,
}

/// An API family.
#[derive(Debug, Clone)]
pub struct Product {
    /// Display name of its file.
    pub file: String,
    /// Module name.
    pub name: String,
    /// Official title.
    pub title: String,
    /// English one-liner.
    pub summary: String,
    /// Base URL.
    pub host: String,
    /// Doc link prefix.
    pub doc_base: String,
    /// Client type name.
    pub client: String,
    /// Credential names: (rust name, title, doc) of the id and of the secret.
    pub credentials: [(String, String, String); 2],
    /// Query parameter with the token.
    pub token_param: String,
    /// The default token endpoint.
    pub token: TokenEndpoint,
    /// The other token endpoints.
    pub alternatives: Vec<TokenEndpoint>,
    /// Common errcodes.
    pub errors: Vec<ErrorCode>,
    /// Mock protocol errcodes.
    pub mock_errors: wxlive_runtime::mock_spec::MockErrors,
    /// Domains in file order.
    pub domains: Vec<Domain>,
    /// The product's callback `Event`: every domain's events behind one type.
    pub events: ProductEvents,
}

/// The id + secret token endpoint.
#[derive(Debug, Clone)]
pub struct TokenEndpoint {
    /// Name clients select it by.
    pub name: String,
    /// Official title.
    pub title: String,
    /// Doc id.
    pub doc: String,
    /// Method.
    pub method: Method,
    /// Path.
    pub path: String,
    /// Query parameters.
    pub query: Vec<(String, ParamValue)>,
    /// Parameters.
    pub params: Vec<(String, ParamValue)>,
    /// Token field.
    pub token_field: String,
    /// Lifetime field.
    pub expires_field: String,
}

/// One chapter.
#[derive(Debug, Clone)]
pub struct Domain {
    /// Display name of its file.
    pub file: String,
    /// Module name.
    pub name: String,
    /// Cargo feature.
    pub feature: String,
    /// Official title.
    pub title: String,
    /// English one-liner.
    pub summary: String,
    /// Overview doc id.
    pub doc: String,
    /// Enums.
    pub enums: Vec<Enum>,
    /// Object types.
    pub types: Vec<Object>,
    /// Tagged unions.
    pub unions: Vec<Union>,
    /// Endpoints.
    pub endpoints: Vec<Endpoint>,
    /// Events.
    pub callbacks: Vec<Callback>,
    /// Rust name of the domain's API type (`LivingApi`).
    pub api: String,
    /// The errcodes of its endpoints, each once: its `errcode` module.
    pub errors: Vec<ErrorCode>,
}

impl Domain {
    /// The enum `id` refers to.
    pub fn enum_(&self, id: &EnumRef) -> &Enum {
        &self.enums[id.id]
    }

    /// The object type `id` refers to.
    pub fn object(&self, id: &ObjectRef) -> &Object {
        &self.types[id.id]
    }

    /// The union `id` refers to.
    pub fn union_(&self, id: &UnionRef) -> &Union {
        &self.unions[id.id]
    }
}

pub use crate::spec::model::UnionLayout;

/// A tagged union: one of several shapes told apart by a discriminator field.
#[derive(Debug, Clone)]
pub struct Union {
    /// Rust name.
    pub name: String,
    /// Description.
    pub doc: String,
    /// Wire name of the discriminator.
    pub tag: String,
    /// Where a case's payload sits.
    pub layout: UnionLayout,
    /// The cases, in spec order (tag values unique).
    pub cases: Vec<UnionCase>,
    /// Whether a request can contain it (then it implements `Validate`).
    pub validated: bool,
}

/// One case of a union.
#[derive(Debug, Clone)]
pub struct UnionCase {
    /// The tag value.
    pub tag: String,
    /// Rust variant name.
    pub rust: String,
    /// Official title.
    pub title: String,
    /// Description.
    pub doc: String,
    /// The payload type: an object, or (keyed layout) a union.
    pub ty: TypeRef,
}

/// A reference to a union of the same domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionRef {
    /// Index in [`Domain::unions`].
    pub id: usize,
    /// Rust name.
    pub rust: String,
    /// Whether it implements `Validate`.
    pub validated: bool,
}

/// An enum literal.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Literal {
    /// Integer.
    Int(i64),
    /// String.
    Str(String),
}

impl std::fmt::Display for Literal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Literal::Int(i) => write!(f, "{i}"),
            Literal::Str(s) => write!(f, "{s:?}"),
        }
    }
}

/// An enumeration.
#[derive(Debug, Clone)]
pub struct Enum {
    /// Rust name (the spec name, checked to be UpperCamelCase).
    pub name: String,
    /// Description.
    pub doc: String,
    /// Whether the wire values are strings.
    pub is_string: bool,
    /// Values.
    pub values: Vec<EnumVariant>,
}

/// An enum value.
#[derive(Debug, Clone)]
pub struct EnumVariant {
    /// Wire value.
    pub value: Literal,
    /// Rust variant.
    pub name: String,
    /// Official title.
    pub title: String,
    /// Description.
    pub doc: String,
}

/// An object type.
#[derive(Debug, Clone)]
pub struct Object {
    /// Rust name.
    pub name: String,
    /// Description.
    pub doc: String,
    /// Fields.
    pub fields: Vec<Field>,
    /// Cross-field rules between its fields.
    pub rules: Vec<Rule>,
    /// Whether a request can contain it (then it implements `Validate`).
    pub validated: bool,
}

/// A reference to an enum of the same domain: its index in [`Domain::enums`] and what emitters need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumRef {
    /// Index in [`Domain::enums`].
    pub id: usize,
    /// Rust name.
    pub rust: String,
    /// Whether the wire values are strings.
    pub is_string: bool,
}

/// A reference to an object type of the same domain: its index in [`Domain::types`] and its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectRef {
    /// Index in [`Domain::types`].
    pub id: usize,
    /// Rust name.
    pub rust: String,
    /// Whether it implements `Validate`.
    pub validated: bool,
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeRef {
    /// UTF-8 string.
    String,
    /// 32-bit integer.
    I32,
    /// 64-bit integer.
    I64,
    /// Unsigned 32-bit integer.
    U32,
    /// Unsigned 64-bit integer.
    U64,
    /// A JSON number that may have a fraction (`wxlive_runtime::wire::Decimal`).
    Decimal,
    /// JSON boolean.
    Bool,
    /// 0/1 integer read as bool.
    Flag,
    /// A declared enum.
    Enum(EnumRef),
    /// A declared object.
    Object(ObjectRef),
    /// A declared tagged union.
    Union(UnionRef),
    /// A list.
    List(Box<TypeRef>),
}

impl TypeRef {
    /// The kind of field, as the constraint vocabulary sees it.
    pub fn kind(&self) -> FieldKind {
        match self {
            TypeRef::String => FieldKind::String,
            TypeRef::I32 => FieldKind::I32,
            TypeRef::I64 => FieldKind::I64,
            TypeRef::U32 => FieldKind::U32,
            TypeRef::U64 => FieldKind::U64,
            TypeRef::Decimal => FieldKind::Decimal,
            TypeRef::Bool => FieldKind::Bool,
            TypeRef::Flag => FieldKind::Flag,
            TypeRef::Enum(e) if e.is_string => FieldKind::StrEnum,
            TypeRef::Enum(_) => FieldKind::IntEnum,
            TypeRef::Object(_) | TypeRef::Union(_) => FieldKind::Object,
            TypeRef::List(_) => FieldKind::List,
        }
    }

    /// Whether it is an integer type (`i32`, `i64`, `u32`, `u64`).
    pub fn is_integer(&self) -> bool {
        matches!(
            self,
            TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64
        )
    }

    /// Whether its values convert to `i64` with `i64::from` (`i32`, `u32`); `i64` itself and `u64`
    /// (which needs `i64::try_from`) do not.
    pub fn widens_to_i64(&self) -> bool {
        matches!(self, TypeRef::I32 | TypeRef::U32)
    }

    /// The innermost item type of a list (the type itself otherwise).
    pub fn innermost(&self) -> &TypeRef {
        match self {
            TypeRef::List(item) => item.innermost(),
            other => other,
        }
    }
}

impl std::fmt::Display for TypeRef {
    /// As the spec writes it: `string`, `LivingType`, `WatchUser[]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TypeRef::String => f.write_str("string"),
            TypeRef::I32 => f.write_str("i32"),
            TypeRef::I64 => f.write_str("i64"),
            TypeRef::U32 => f.write_str("u32"),
            TypeRef::U64 => f.write_str("u64"),
            TypeRef::Decimal => f.write_str("decimal"),
            TypeRef::Bool => f.write_str("bool"),
            TypeRef::Flag => f.write_str("flag"),
            TypeRef::Enum(e) => f.write_str(&e.rust),
            TypeRef::Object(o) => f.write_str(&o.rust),
            TypeRef::Union(u) => f.write_str(&u.rust),
            TypeRef::List(item) => write!(f, "{item}[]"),
        }
    }
}

/// A field.
#[derive(Debug, Clone)]
pub struct Field {
    /// Wire name.
    pub wire: String,
    /// Rust name (snake_case), unique among its siblings.
    pub rust: String,
    /// Type.
    pub ty: TypeRef,
    /// Description.
    pub doc: String,
    /// Required in requests.
    pub required: bool,
    /// Server default, rendered for docs.
    pub default: Option<String>,
    /// Accepted alternative wire names.
    pub aliases: Vec<String>,
    /// Constraints.
    pub constraints: Vec<Constraint>,
    /// Constraints on each item of a list of scalars (`items:`).
    pub items: Vec<Constraint>,
    /// Query or body.
    pub location: Location,
    /// A string decoded from any scalar (responses and types only).
    pub lenient: bool,
    /// A union request body field whose keys sit next to the other fields.
    pub flatten: bool,
}

/// A cross-field rule of a request or a type.
#[derive(Debug, Clone)]
pub struct Rule {
    /// What is checked.
    pub kind: RuleKind,
    /// Source.
    pub source: Option<String>,
    /// How binding it is.
    pub level: Level,
}

/// Kinds of cross-field rules.
// Built once per rule while lowering: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum RuleKind {
    /// `fields` (wire names) may be set only when the condition holds.
    OnlyWhen {
        /// The condition.
        condition: Condition,
        /// Governed fields (wire names).
        fields: Vec<String>,
    },
    /// `fields` (wire names) must be set when the condition holds.
    RequiredWhen {
        /// The condition.
        condition: Condition,
        /// Governed fields (wire names).
        fields: Vec<String>,
    },
    /// `field − minus` lies in `min..=max`; checked when both are set.
    Difference {
        /// Minuend (integer field).
        field: Field,
        /// Subtrahend (integer field).
        minus: Field,
        /// Smallest difference.
        min: Option<i64>,
        /// Largest difference.
        max: Option<i64>,
    },
}

/// A condition of a cross-field rule.
// Built once per condition while lowering: the size of a variant does not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Condition {
    /// `field` is set and has one of `values`.
    Is {
        /// Condition field (resolved; a scalar).
        field: Field,
        /// Accepted values (at least one), of the field's type.
        values: Vec<CondValue>,
    },
    /// Every condition holds (at least one).
    All(Vec<Condition>),
    /// Some condition holds (at least one).
    Any(Vec<Condition>),
}

/// A value a condition compares a field with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CondValue {
    /// An integer (of an integer field or an integer enum).
    Int(i64),
    /// A string (of a string field or a string enum).
    Str(String),
    /// A `flag` or `bool` value.
    Bool(bool),
}

impl std::fmt::Display for CondValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CondValue::Int(i) => write!(f, "{i}"),
            CondValue::Str(s) => write!(f, "{s:?}"),
            CondValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl CondValue {
    /// Whether the JSON value `v` (of the field's type) is this value (a flag's 1 is `true`).
    pub fn matches_json(&self, v: &serde_json::Value) -> bool {
        match (self, v) {
            (CondValue::Int(i), v) => v.as_i64() == Some(*i),
            (CondValue::Str(s), serde_json::Value::String(x)) => s == x,
            (CondValue::Bool(b), serde_json::Value::Bool(x)) => b == x,
            (CondValue::Bool(b), v) => v.as_i64() == Some(i64::from(*b)),
            _ => false,
        }
    }

    /// As JSON (a flag's value as the boolean it means).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            CondValue::Int(i) => serde_json::json!(i),
            CondValue::Str(s) => serde_json::json!(s),
            CondValue::Bool(b) => serde_json::json!(b),
        }
    }
}

impl Condition {
    /// The fields it reads, in order (a field read twice is listed twice).
    pub fn fields(&self) -> Vec<&Field> {
        match self {
            Condition::Is { field, .. } => vec![field],
            Condition::All(list) | Condition::Any(list) => {
                list.iter().flat_map(Condition::fields).collect()
            }
        }
    }

    /// Whether it holds for a JSON object of the request (or type): an absent or `null` field has no
    /// value, so a comparison with it does not hold.
    pub fn holds_json(&self, map: &serde_json::Map<String, serde_json::Value>) -> bool {
        match self {
            Condition::Is { field, values } => map
                .get(&field.wire)
                .is_some_and(|v| values.iter().any(|x| x.matches_json(v))),
            Condition::All(list) => list.iter().all(|c| c.holds_json(map)),
            Condition::Any(list) => list.iter().any(|c| c.holds_json(map)),
        }
    }

    /// As JSON, for tools (OpenAPI `x-rules`): `{field, in: [...]}`, `{all: [...]}`, `{any: [...]}`.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Condition::Is { field, values } => serde_json::json!({
                "field": field.wire,
                "in": values.iter().map(CondValue::to_json).collect::<Vec<_>>(),
            }),
            Condition::All(list) => {
                serde_json::json!({ "all": list.iter().map(Condition::to_json).collect::<Vec<_>>() })
            }
            Condition::Any(list) => {
                serde_json::json!({ "any": list.iter().map(Condition::to_json).collect::<Vec<_>>() })
            }
        }
    }
}

impl std::fmt::Display for Condition {
    /// In words: `type == 4`, `priceType in [2, 3]`, `type == 4 and glossy == true`,
    /// `(a == 1 or b == 2) and c == "x"`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (list, word) = match self {
            Condition::Is { field, values } => {
                return match values.as_slice() {
                    [one] => write!(f, "{} == {one}", field.wire),
                    many => {
                        let list: Vec<String> = many.iter().map(ToString::to_string).collect();
                        write!(f, "{} in [{}]", field.wire, list.join(", "))
                    }
                };
            }
            Condition::All(list) => (list, " and "),
            Condition::Any(list) => (list, " or "),
        };
        for (i, c) in list.iter().enumerate() {
            if i > 0 {
                f.write_str(word)?;
            }
            match c {
                Condition::Is { .. } => write!(f, "{c}")?,
                _ if list.len() == 1 => write!(f, "{c}")?,
                _ => write!(f, "({c})")?,
            }
        }
        Ok(())
    }
}

/// A request field with a fixed value (`const:`), sent by the client and absent from the request type.
#[derive(Debug, Clone)]
pub struct Constant {
    /// Wire name.
    pub wire: String,
    /// Description.
    pub doc: String,
    /// Query or body.
    pub location: Location,
    /// The value.
    pub value: ConstValue,
}

/// End-of-data signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageEnd {
    /// Empty or missing cursor.
    EmptyCursor,
    /// A flag field is set.
    Flag(String),
    /// Offset paging: the request field is an item offset, the response field the total.
    Offset {
        /// Type of the request offset (`I32` or `I64`).
        offset: TypeRef,
        /// Whether the offset field is optional (absent = 0).
        optional: bool,
        /// Type of the response total (an integer type).
        total: TypeRef,
    },
    /// Offset paging without a total: the last page is empty or shorter than the limit sent.
    ShortPage {
        /// Type of the request offset (an integer type).
        offset: TypeRef,
        /// Whether the offset field is optional (absent = 0).
        optional: bool,
        /// The request's page size field: Rust name, type, whether it is optional.
        limit: (String, TypeRef, bool),
    },
    /// Cursor paging while a response flag (Rust name) says more pages follow.
    More(String),
}

/// Pagination of an endpoint.
#[derive(Debug, Clone)]
pub struct Pagination {
    /// Request cursor field (Rust name).
    pub request: String,
    /// Response cursor field (Rust name).
    pub response: String,
    /// End signal (Rust name of the flag field).
    pub end: PageEnd,
    /// Items list: Rust field name and item type.
    pub items: Option<(String, TypeRef)>,
}

/// The Rust names of an endpoint's generated types, assigned (and checked for collisions) in lowering.
#[derive(Debug, Clone)]
pub struct EndpointNames {
    /// `CreateRequest`.
    pub request: String,
    /// `CreateRequestBuilder`.
    pub builder: String,
    /// `CreateResponse`.
    pub response: String,
}

/// An endpoint.
#[derive(Debug, Clone)]
pub struct Endpoint {
    /// snake_case name.
    pub name: String,
    /// Official title.
    pub title: String,
    /// English one-liner.
    pub summary: String,
    /// Doc id.
    pub doc: String,
    /// Other copies.
    pub docs: DocCopies,
    /// Method.
    pub method: Method,
    /// Path.
    pub path: String,
    /// Idempotent.
    pub idempotent: bool,
    /// Query then body fields.
    pub request: Vec<Field>,
    /// Fields with a fixed value, sent on every call.
    pub constants: Vec<Constant>,
    /// Response fields.
    pub response: Vec<Field>,
    /// Cross-field rules.
    pub rules: Vec<Rule>,
    /// Pagination.
    pub pagination: Option<Pagination>,
    /// Endpoint errcodes.
    pub errors: Vec<ErrorCode>,
    /// Example request (JSON).
    pub example_request: Option<serde_json::Value>,
    /// Example response (JSON).
    pub example_response: Option<serde_json::Value>,
    /// Mock behaviour.
    pub mock: Option<wxlive_runtime::mock_spec::MockBehaviour>,
    /// Rust names of its generated types.
    pub names: EndpointNames,
    /// How the request and the answer travel (JSON, a file upload, a binary download).
    pub transfer: Transfer,
}

/// How an endpoint's request and answer travel.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Transfer {
    /// JSON body (POST) or query only (GET), JSON answer.
    #[default]
    Json,
    /// `multipart/form-data` with one file part; JSON answer.
    Upload(Upload),
    /// The answer is the file (or a JSON errcode envelope).
    Download(Download),
}

/// A file upload (spec `upload:`), checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Form field name of the file part.
    pub part: String,
    /// Wire name of the request field selecting the limits.
    pub by: Option<String>,
    /// Limits in spec order.
    pub limits: Vec<FileLimit>,
    /// Response field with the stored file's id.
    pub returns: Option<String>,
}

/// Limits on an uploaded file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLimit {
    /// The selecting field's value as query text (`image`, `1`), or any.
    pub when: Option<String>,
    /// Largest size in bytes.
    pub max_size: Option<u64>,
    /// Smallest size in bytes.
    pub min_size: Option<u64>,
    /// Accepted extensions (lower case, no dot).
    pub extensions: Vec<String>,
    /// Source.
    pub source: Option<String>,
    /// Level.
    pub level: Level,
}

/// A binary download (spec `download:`), checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// Wire name of the request field naming the file.
    pub key: String,
    /// Whether `Range` requests are documented.
    pub range: bool,
}

/// An event.
#[derive(Debug, Clone)]
pub struct Callback {
    /// Event name (`living_status_change`).
    pub event: String,
    /// Official title.
    pub title: String,
    /// English one-liner.
    pub summary: String,
    /// Doc id.
    pub doc: String,
    /// Other copies.
    pub docs: DocCopies,
    /// MsgType.
    pub msg_type: String,
    /// XML elements.
    pub fields: Vec<Field>,
    /// Sample XML.
    pub example: String,
    /// Rust name of its event struct (`LivingStatusChange`).
    pub rust: String,
}

/// The callback `Event` of a product: one variant per domain that declares callbacks (its payload the
/// domain's own `Event`), chosen by the `MsgType`/`Event` pair, and an `Unknown` fallback.
#[derive(Debug, Clone, Default)]
pub struct ProductEvents {
    /// In domain order.
    pub variants: Vec<EventVariant>,
}

/// A variant of a product's `Event`: the events of one domain.
#[derive(Debug, Clone)]
pub struct EventVariant {
    /// Index of the domain in [`Product::domains`].
    pub domain: usize,
    /// Rust variant name (the UpperCamelCase of the domain name, `Living`).
    pub rust: String,
    /// What selects the variant: one route per callback of the domain.
    pub routes: Vec<EventRoute>,
}

/// The elements that select a domain's callback.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRoute {
    /// The `Event` value (the callback's name).
    pub event: String,
    /// The `MsgType` the document must carry, when another domain of the product declares the same
    /// `Event` under another `MsgType`; `None` when the `Event` alone decides (as it does within a
    /// domain, where a missing `MsgType` is tolerated).
    pub msg_type: Option<String>,
}
