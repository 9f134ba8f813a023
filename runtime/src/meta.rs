//! Static descriptions of products, operations and error codes, emitted by the generator from the spec.
//!
//! The code generator reads the same types from the spec (the enums deserialize from their spec
//! spelling), so a method, a location or an errcode class is defined once for both.

use std::fmt;

use serde::Deserialize;

/// How the client reacts to an errcode (from the product spec's `class`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorClass {
    /// The access token is invalid or expired: invalidate it, refresh, retry once.
    TokenInvalid,
    /// The service is busy: bounded, jittered backoff retry (idempotent calls only).
    Busy,
    /// Rate or concurrency limit reached: back off.
    Throttled,
    /// Anything else: fail.
    Other,
}

impl ErrorClass {
    /// Every class, as the spec spells it.
    pub const ALL: [(ErrorClass, &'static str); 4] = [
        (ErrorClass::TokenInvalid, "token_invalid"),
        (ErrorClass::Busy, "busy"),
        (ErrorClass::Throttled, "throttled"),
        (ErrorClass::Other, "other"),
    ];
}

/// One documented errcode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCodeInfo {
    /// The errcode.
    pub code: i64,
    /// A stable snake_case name (`invalid_access_token`).
    pub name: &'static str,
    /// The official Chinese title (`不合法的access_token`).
    pub title: &'static str,
    /// What it means, in English.
    pub meaning: &'static str,
    /// How the client reacts to it.
    pub class: ErrorClass,
    /// What the caller should do, when the spec says.
    pub hint: Option<&'static str>,
}

/// HTTP method of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize)]
pub enum HttpMethod {
    /// GET with query parameters only.
    #[serde(rename = "GET")]
    Get,
    /// POST with a JSON body.
    #[serde(rename = "POST")]
    Post,
}

impl HttpMethod {
    /// Every method.
    pub const ALL: [HttpMethod; 2] = [HttpMethod::Get, HttpMethod::Post];

    /// `GET` or `POST`.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
        }
    }
}

/// One API operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Operation {
    /// Domain (module) name, e.g. `living`.
    pub domain: &'static str,
    /// Operation name, e.g. `create`.
    pub name: &'static str,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path below the host, e.g. `/cgi-bin/living/create`.
    pub path: &'static str,
    /// Whether sending it twice has the same effect as once. Non-idempotent calls are never re-sent
    /// after an ambiguous failure.
    pub idempotent: bool,
    /// Errcodes documented for this operation only (looked up before the product's).
    pub errors: &'static [ErrorCodeInfo],
}

impl Operation {
    /// `domain.operation`, as errors name it.
    pub fn id(&self) -> String {
        // Not `format!`: every call names its operation, and the formatting machinery costs more
        // than the two copies.
        let mut id = String::with_capacity(self.domain.len() + 1 + self.name.len());
        id.push_str(self.domain);
        id.push('.');
        id.push_str(self.name);
        id
    }
}

/// Where a request parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Location {
    /// The query string.
    Query,
    /// The JSON body.
    Body,
}

/// A fixed value of a constant request field. `S` is `&'static str` in generated code, `String` in
/// the code generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConstValue<S = &'static str> {
    /// A string.
    Str(S),
    /// An integer.
    Int(i64),
    /// A boolean.
    Bool(bool),
}

impl<S: AsRef<str>> ConstValue<S> {
    /// As JSON.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            ConstValue::Str(s) => s.as_ref().into(),
            ConstValue::Int(i) => (*i).into(),
            ConstValue::Bool(b) => (*b).into(),
        }
    }

    /// As query-string text.
    pub fn to_query(&self) -> String {
        match self {
            ConstValue::Str(s) => s.as_ref().to_owned(),
            ConstValue::Int(i) => i.to_string(),
            ConstValue::Bool(b) => b.to_string(),
        }
    }

    /// Whether the JSON `value` is this constant.
    pub fn matches_json(&self, value: &serde_json::Value) -> bool {
        value == &self.to_json()
    }
}

impl<S: AsRef<str>> fmt::Display for ConstValue<S> {
    /// `"text"`, `3`, `true`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConstValue::Str(s) => write!(f, "{:?}", s.as_ref()),
            ConstValue::Int(i) => write!(f, "{i}"),
            ConstValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// A request field the spec fixes (`const:`): always sent with this value, not part of the request type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Constant<S = &'static str> {
    /// Wire name.
    pub name: S,
    /// Query string or body.
    pub location: Location,
    /// The value.
    pub value: ConstValue<S>,
}

/// A value sent to a token endpoint. `S` is `&'static str` in generated code, `String` in the code
/// generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamValue<S = &'static str> {
    /// The credential id (`$id`: corp id, app id).
    Id,
    /// The credential secret (`$secret`).
    Secret,
    /// Another named credential the caller supplies (`$suite_ticket`), treated as a secret.
    Var(S),
    /// The token another token endpoint of the product issues (`$token.get_suite_token`).
    Token(S),
    /// A fixed string.
    Literal(S),
    /// A fixed boolean (JSON bodies only).
    Bool(bool),
}

/// An endpoint that hands out a token: for an id + secret pair, or for what other token endpoints of the
/// product give (a third-party app's corp token needs its suite token).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenEndpoint {
    /// Its name in the spec (`gettoken`, `stable_token`, `get_corp_token`).
    pub name: &'static str,
    /// GET sends `params` as query parameters, POST as a JSON body.
    pub method: HttpMethod,
    /// Path below the host.
    pub path: &'static str,
    /// Query parameters (besides `params` of a GET) and their values.
    pub query: &'static [(&'static str, ParamValue)],
    /// Parameter names and values.
    pub params: &'static [(&'static str, ParamValue)],
    /// Response field holding the token.
    pub token_field: &'static str,
    /// Response field holding the lifetime in seconds.
    pub expires_field: &'static str,
}

/// A product (API family): host, authentication and common error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Product {
    /// Product name, e.g. `wecom`.
    pub name: &'static str,
    /// Default base URL, e.g. `https://qyapi.weixin.qq.com`.
    pub host: &'static str,
    /// Query parameter carrying the access token.
    pub token_param: &'static str,
    /// The token endpoint clients use unless told otherwise.
    pub token: TokenEndpoint,
    /// Every token endpoint of the product, the default one included.
    pub tokens: &'static [TokenEndpoint],
    /// Errcodes common to every operation.
    pub errors: &'static [ErrorCodeInfo],
}

impl Product {
    /// The token endpoint named `name`.
    pub fn token_endpoint(&self, name: &str) -> Option<&'static TokenEndpoint> {
        self.tokens.iter().find(|t| t.name == name)
    }

    /// Whether the tokens `endpoint` issues are only inputs of other token endpoints (a suite token),
    /// never sent to business APIs.
    pub fn is_intermediate(&self, endpoint: &TokenEndpoint) -> bool {
        self.tokens.iter().any(|t| {
            t.query
                .iter()
                .chain(t.params)
                .any(|(_, v)| *v == ParamValue::Token(endpoint.name))
        })
    }

    /// What the spec says about `code` for `operation` (operation-specific entries first).
    pub fn error_info(&self, operation: &Operation, code: i64) -> Option<&'static ErrorCodeInfo> {
        operation
            .errors
            .iter()
            .chain(self.errors.iter())
            .find(|info| info.code == code)
    }
}
