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
            TypeRef::Decimal => FieldKind::Decimal,
            TypeRef::Bool => FieldKind::Bool,
            TypeRef::Flag => FieldKind::Flag,
            TypeRef::Enum(e) if e.is_string => FieldKind::StrEnum,
            TypeRef::Enum(_) => FieldKind::IntEnum,
            TypeRef::Object(_) => FieldKind::Object,
            TypeRef::List(_) => FieldKind::List,
        }
    }

    /// Whether it is `i32` or `i64`.
    pub fn is_integer(&self) -> bool {
        matches!(self, TypeRef::I32 | TypeRef::I64)
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
            TypeRef::Decimal => f.write_str("decimal"),
            TypeRef::Bool => f.write_str("bool"),
            TypeRef::Flag => f.write_str("flag"),
            TypeRef::Enum(e) => f.write_str(&e.rust),
            TypeRef::Object(o) => f.write_str(&o.rust),
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
    /// Query or body.
    pub location: Location,
    /// A string decoded from any scalar (responses and types only).
    pub lenient: bool,
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

/// `field` has one of `values`.
#[derive(Debug, Clone)]
pub struct Condition {
    /// Condition field (resolved).
    pub field: Field,
    /// Accepted values (at least one).
    pub values: Vec<Literal>,
}

impl std::fmt::Display for Condition {
    /// `type == 4`, `priceType in [2, 3]`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.values.as_slice() {
            [one] => write!(f, "{} == {one}", self.field.wire),
            many => {
                let list: Vec<String> = many.iter().map(ToString::to_string).collect();
                write!(f, "{} in [{}]", self.field.wire, list.join(", "))
            }
        }
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
        /// Type of the response total (`I32` or `I64`).
        total: TypeRef,
    },
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
    /// `CreateRequestFields`: the builder's private field storage.
    pub fields: String,
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
