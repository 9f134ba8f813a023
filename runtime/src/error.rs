//! The one error type of every generated client call.

use std::fmt;

use crate::meta::{ErrorClass, ErrorCodeInfo};
use crate::validate::ValidationError;

/// Why a call failed. Match on the variant (new variants may be added: keep a `_` arm); secrets and
/// tokens never appear in any of them, and every message says what to do next.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with a non-zero errcode.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The request broke the spec's rules; nothing was sent.
    #[error("{operation}: the request was not sent, fix it first: {source}")]
    Validation {
        /// `domain.operation`.
        operation: String,
        /// Every violation.
        #[source]
        source: ValidationError,
    },
    /// The client is misconfigured (no credentials, an unusable base URL, an unknown token
    /// endpoint...): no call can succeed until the configuration is fixed.
    #[error("configuration error: {message}; fix the client builder's settings")]
    Config {
        /// What is wrong.
        message: String,
    },
    /// The request could not be encoded as the API expects; nothing was sent.
    #[error("{operation}: could not encode the request ({message}); nothing was sent")]
    Encode {
        /// `domain.operation`.
        operation: String,
        /// The encoder's message.
        message: String,
    },
    /// The request could not be sent or the answer could not be read (connection, timeout, HTTP).
    #[error("{operation}: transport error: {message}{}", if *maybe_sent { "; the request may have reached the server" } else { "; retry later or check the network and base URL" })]
    Transport {
        /// `domain.operation`.
        operation: String,
        /// What went wrong (URLs are stripped: they carry the access token).
        message: String,
        /// Whether the request may have reached the server.
        maybe_sent: bool,
    },
    /// The answer's body was larger than the client accepts (`max_response_bytes`); reading stopped at
    /// the limit. The request may have taken effect.
    #[error("{operation}: the response body exceeds the limit of {limit} bytes; raise `max_response_bytes` if the answer is legitimately this large")]
    BodyTooLarge {
        /// `domain.operation`.
        operation: String,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The answer was not the JSON the spec describes.
    #[error("{operation}: could not decode the response (HTTP {status}): {message}; body starts with: {excerpt:?}; check the base URL or a proxy in between")]
    Decode {
        /// `domain.operation`.
        operation: String,
        /// HTTP status code.
        status: u16,
        /// The decoder's message.
        message: String,
        /// The first characters of the body.
        excerpt: String,
    },
    /// No access token could be obtained.
    #[error("could not get an access token (check the credentials and the token endpoint): {0}")]
    Token(Box<Error>),
    /// A non-idempotent call was sent but no answer came back: it may or may not have taken effect,
    /// and it was not re-sent. Check the state (for `create`, list the lives) before trying again.
    #[error("{operation}: outcome unknown, the request may have been executed and was not re-sent: {message}; check the state before trying again")]
    OutcomeUnknown {
        /// `domain.operation`.
        operation: String,
        /// What went wrong.
        message: String,
    },
}

impl Error {
    /// The errcode, when the API answered with one.
    pub fn errcode(&self) -> Option<i64> {
        match self {
            Error::Api(e) => Some(e.errcode),
            Error::Token(inner) => inner.errcode(),
            _ => None,
        }
    }

    /// Whether the API answered with this errcode (the product's or a domain's `errcode::*` items).
    pub fn is(&self, code: &ErrorCodeInfo) -> bool {
        self.errcode() == Some(code.code)
    }

    /// The spec's entry for the errcode the API answered with, when it documents it: compare it with
    /// `errcode::*` items in a `match` (`Some(&errcode::INVALID_USERID) => ...`).
    pub fn code_info(&self) -> Option<&'static ErrorCodeInfo> {
        self.as_api().and_then(|e| e.info)
    }

    /// The API error, when the API answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            Error::Token(inner) => inner.as_api(),
            _ => None,
        }
    }

    /// The violations, when the request was rejected before sending.
    pub fn as_validation(&self) -> Option<&ValidationError> {
        match self {
            Error::Validation { source, .. } => Some(source),
            _ => None,
        }
    }

    /// Whether trying again later may succeed (busy, throttled, transport failures of idempotent calls).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => matches!(
                e.class(),
                ErrorClass::Busy | ErrorClass::Throttled | ErrorClass::TokenInvalid
            ),
            Error::Transport { .. } => true,
            Error::Token(inner) => inner.is_retryable(),
            _ => false,
        }
    }
}

/// A non-zero errcode, with what the spec says about it.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// `domain.operation`.
    pub operation: String,
    /// The errcode.
    pub errcode: i64,
    /// The server's errmsg.
    pub errmsg: String,
    /// The spec's entry for this errcode, when it documents it.
    pub info: Option<&'static ErrorCodeInfo>,
    /// The answer's other fields, when it has any: some errcodes come with data the caller needs
    /// (mini-program live 300036 carries the anchor's verification `qrcode_url`). Empty for token
    /// endpoints, whose answers are never kept.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ApiError {
    /// The spec's name (`invalid_access_token`), or `unknown`.
    pub fn name(&self) -> &'static str {
        self.info.map_or("unknown", |i| i.name)
    }

    /// The spec's meaning, when documented.
    pub fn meaning(&self) -> Option<&'static str> {
        self.info.map(|i| i.meaning)
    }

    /// How the client treats this errcode (undocumented codes are `Other`).
    pub fn class(&self) -> ErrorClass {
        self.info.map_or(ErrorClass::Other, |i| i.class)
    }

    /// The request id WeCom puts in errmsg (`hint: [1600000000_12_abc]`), if any.
    pub fn request_id(&self) -> Option<&str> {
        let rest = &self.errmsg[self.errmsg.find("hint: [")? + 7..];
        Some(&rest[..rest.find(']')?])
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: errcode {} {}",
            self.operation,
            self.errcode,
            self.name()
        )?;
        if let Some(info) = self.info {
            write!(f, " ({}, {})", info.title, info.meaning)?;
        }
        write!(f, ": {}", self.errmsg)?;
        if let Some(hint) = self.info.and_then(|i| i.hint) {
            write!(f, "; hint: {hint}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}
