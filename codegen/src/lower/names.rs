//! Identifiers: spec names that become Rust names (checked for case), doc ids, and the Rust names a
//! domain module and its API type declare, assigned here and checked for collisions so that a clash is
//! a spec error naming file and path, never a rustc error in generated code.

use std::collections::BTreeMap;

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::diag::Diag;

/// The case a spec name must have.
#[derive(Clone, Copy)]
pub enum Case {
    /// `snake_case`.
    Snake,
    /// `UpperCamelCase`.
    Camel,
}

/// Reports `name` unless it is an identifier of `case`.
pub fn check_ident(d: &mut Diag<'_>, name: &str, case: Case) {
    let valid_ident = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    let (expected, right_case) = match case {
        Case::Snake => ("a snake_case identifier", name.to_snake_case() == name),
        Case::Camel => (
            "an UpperCamelCase identifier",
            name.to_upper_camel_case() == name,
        ),
    };
    if !valid_ident || !right_case {
        d.error(format!("`{name}` is not {expected}"));
    } else if matches!(name, "crate" | "self" | "super" | "Self" | "_") {
        d.error(format!(
            "`{name}` is a Rust keyword that cannot be an identifier, not even a raw one; expected another name"
        ));
    }
}

/// A doc id is appended to the product's `doc_base`: the digits of a WeCom `/document/path/<id>` page,
/// or a relative page path such as `server/API/livebroadcast/studio-management/api_createroom`.
pub fn check_doc_id(d: &mut Diag<'_>, id: &str) {
    let path_like = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !id.starts_with('/')
        && !id.ends_with('/')
        && !id.contains("//")
        && !id.split('/').any(|seg| seg == "." || seg == "..");
    if id.is_empty() || !path_like {
        d.error(format!(
            "`{id}` is not an official doc id; expected the digits of /document/path/<id> or a relative page \
             path below `doc_base` (letters, digits, `-`, `_`, `.`, `/`; no leading `/`, no `..`)"
        ));
    }
}

/// Names the generated files of a domain import or declare besides the spec's own: a declared enum or
/// type with one of these names would not compile.
const RESERVED_TYPES: [&str; 26] = [
    "ApiRequest",
    "Box",
    "CallbackEvent",
    "Client",
    "Deserialize",
    "Deserializer",
    "Err",
    "Error",
    "FromFields",
    "HttpMethod",
    "MapAccess",
    "MockRoute",
    "None",
    "Ok",
    "Operation",
    "Option",
    "QueryKind",
    "Result",
    "Serialize",
    "Some",
    "Stream",
    "String",
    "TryStreamExt",
    "Validate",
    "ValidationError",
    "Validator",
];

/// One namespace of Rust names (a domain module's types, an API type's methods) and what claimed each.
pub struct Namespace {
    taken: BTreeMap<String, String>,
}

impl Namespace {
    /// The type namespace of a domain module, with the names generated code imports reserved.
    pub fn domain_types() -> Self {
        let mut taken = BTreeMap::new();
        for name in RESERVED_TYPES {
            taken.insert(
                name.to_owned(),
                "a name the generated code imports or uses".to_owned(),
            );
        }
        Namespace { taken }
    }

    /// An empty namespace.
    pub fn empty() -> Self {
        Namespace {
            taken: BTreeMap::new(),
        }
    }

    /// Claims `name` for `what`; reports at `d` when something else has it.
    pub fn claim(&mut self, d: &mut Diag<'_>, name: &str, what: &str) {
        if let Some(owner) = self.taken.get(name) {
            d.error(format!(
                "the Rust name `{name}` ({what}) is already {owner}; expected a unique name"
            ));
        } else {
            self.taken.insert(name.to_owned(), what.to_owned());
        }
    }
}

/// `CreateRequest`, `CreateRequestBuilder`, `CreateResponse` for endpoint `create`.
pub fn endpoint_names(endpoint: &str) -> crate::ir::EndpointNames {
    let camel = endpoint.to_upper_camel_case();
    crate::ir::EndpointNames {
        request: format!("{camel}Request"),
        builder: format!("{camel}RequestBuilder"),
        response: format!("{camel}Response"),
    }
}

/// `LivingApi` for domain `living`.
pub fn api_name(domain: &str) -> String {
    format!("{}Api", domain.to_upper_camel_case())
}

/// `LivingStatusChange` for event `living_status_change`.
pub fn event_name(event: &str) -> String {
    event.to_upper_camel_case()
}

/// The Rust name of a field: `rust:` when given, else the snake_case of the wire name.
pub fn field_name(wire: &str, rust: Option<&str>) -> String {
    rust.map_or_else(|| wire.trim().to_snake_case(), str::to_owned)
}
