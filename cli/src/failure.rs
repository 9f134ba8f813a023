//! Why a command failed, how it is reported on stderr, and its exit code.
//!
//! Exit codes: 0 success; 2 usage or validation (a bad option, bad JSON, an unreadable time, a missing
//! credential, a request breaking the spec's rules: nothing was sent); 3 the API answered with an
//! errcode; 4 anything else (transport, an undecodable answer, an outcome that is unknown).

use std::fmt::Write as _;

use wxlive_runtime::{ApiError, Error, Violation};

use crate::model::Op;

/// Exit code of a usage or validation error: nothing was sent.
pub const EXIT_USAGE: u8 = 2;
/// Exit code of an API error (a non-zero errcode).
pub const EXIT_API: u8 = 3;
/// Exit code of a transport or other failure.
pub const EXIT_OTHER: u8 = 4;

/// Why a command failed. Never carries a secret: credentials are reported by the name of the variable
/// or key that holds them, and runtime errors are redacted at the source.
#[derive(Debug)]
pub enum Failure {
    /// A bad option, bad JSON, an unreadable time, a missing credential: one line, exit 2.
    Usage(String),
    /// The request breaks the spec's rules (every violation), exit 2. Nothing was sent.
    Invalid {
        /// `domain.operation`.
        operation: String,
        /// Every violation.
        violations: Vec<Violation>,
    },
    /// The API answered with an errcode, exit 3.
    Api {
        /// What was being done when it answered so, when not the call itself (getting a token).
        context: Option<&'static str>,
        /// The errcode and what the spec says about it.
        error: ApiError,
    },
    /// Transport, decoding and every other failure, exit 4.
    Other(String),
}

impl Failure {
    /// The process exit code.
    pub fn exit_code(&self) -> u8 {
        match self {
            Failure::Usage(_) | Failure::Invalid { .. } => EXIT_USAGE,
            Failure::Api { .. } => EXIT_API,
            Failure::Other(_) => EXIT_OTHER,
        }
    }

    /// What is printed on stderr (without a trailing newline). Violations name the option of the
    /// field they concern when `op` is known.
    pub fn report(&self, op: Option<&Op>) -> String {
        match self {
            Failure::Usage(message) => format!("error: {message}"),
            Failure::Invalid {
                operation,
                violations,
            } => {
                let n = violations.len();
                let mut s = format!(
                    "error: {operation}: the request was not sent: {n} problem{}",
                    if n == 1 { "" } else { "s" }
                );
                for v in violations {
                    let _ = write!(s, "\n  {}", describe_violation(op, v));
                }
                s
            }
            Failure::Api { context, error } => api_report(*context, error),
            Failure::Other(message) => format!("error: {message}"),
        }
    }
}

/// `--theme (theme): max_chars(20): ... (rule source: 96837)`: a violation with the option of its
/// top-level field.
pub fn describe_violation(op: Option<&Op>, v: &Violation) -> String {
    let top = v.field.split(['.', '[']).next().unwrap_or_default();
    match op.and_then(|op| op.field(top)) {
        Some(field) => format!("{} ({v})", field.option()),
        None => v.to_string(),
    }
}

fn api_report(context: Option<&str>, e: &ApiError) -> String {
    let mut s = String::from("error: ");
    if let Some(context) = context {
        let _ = write!(s, "{context}: ");
    }
    let _ = write!(s, "{}: errcode {} {}", e.operation, e.errcode, e.name());
    if let Some(info) = e.info {
        let _ = write!(s, ": {} ({})", info.meaning, info.title);
    }
    let _ = write!(s, "\n  errmsg: {}", e.errmsg);
    if let Some(id) = e.request_id() {
        let _ = write!(s, "\n  request id: {id}");
    }
    if let Some(hint) = e.info.and_then(|i| i.hint) {
        let _ = write!(s, "\n  hint: {hint}");
    }
    for (key, value) in &e.extra {
        let _ = write!(s, "\n  {key}: {value}");
    }
    s
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        match e {
            Error::Api(error) => Failure::Api {
                context: None,
                error,
            },
            Error::Validation { operation, source } => Failure::Invalid {
                operation,
                violations: source.violations,
            },
            Error::Config { .. } | Error::Encode { .. } => Failure::Usage(e.to_string()),
            Error::Token(inner) => match *inner {
                Error::Api(error) => Failure::Api {
                    context: Some("could not get an access token (check the credentials)"),
                    error,
                },
                Error::Config { .. } => Failure::Usage(inner.to_string()),
                other => Failure::Other(Error::Token(Box::new(other)).to_string()),
            },
            other => Failure::Other(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wxlive_runtime::meta::{ErrorClass, ErrorCodeInfo};

    static INFO: ErrorCodeInfo = ErrorCodeInfo {
        code: 40058,
        name: "invalid_parameter",
        title: "不合法的参数",
        meaning: "Invalid parameter",
        class: ErrorClass::Other,
        hint: Some("Fix the request."),
    };

    fn api(info: Option<&'static ErrorCodeInfo>) -> ApiError {
        ApiError {
            operation: "living.create".into(),
            errcode: 40058,
            errmsg: "bad, hint: [1600000000_12_abc]".into(),
            info,
            extra: serde_json::Map::new(),
        }
    }

    #[test]
    fn exit_codes_follow_the_failure_class() {
        assert_eq!(Failure::from(Error::Api(api(None))).exit_code(), 3);
        let config = Error::Config {
            message: "no base URL".into(),
        };
        assert_eq!(Failure::from(config).exit_code(), 2);
        let transport = Error::Transport {
            operation: "living.create".into(),
            message: "refused".into(),
            maybe_sent: false,
        };
        assert_eq!(Failure::from(transport).exit_code(), 4);
        let token = Error::Token(Box::new(Error::Api(api(None))));
        assert_eq!(Failure::from(token).exit_code(), 3);
    }

    #[test]
    fn api_errors_show_errcode_name_meaning_hint_and_request_id() {
        let text = Failure::from(Error::Api(api(Some(&INFO)))).report(None);
        for part in [
            "errcode 40058 invalid_parameter",
            "Invalid parameter (不合法的参数)",
            "hint: Fix the request.",
            "request id: 1600000000_12_abc",
        ] {
            assert!(text.contains(part), "{part} in {text}");
        }
        let unknown = Failure::from(Error::Api(api(None))).report(None);
        assert!(unknown.contains("errcode 40058 unknown"), "{unknown}");
    }
}
