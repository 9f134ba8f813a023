//! The mock's control API under `/__mock/`, for tools that drive the standalone server over HTTP:
//! inject faults, expire tokens, seed and read records.

use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

use super::faults::{Fault, Target};
use super::Shared;

/// Prefix of every control path.
pub(crate) const PREFIX: &str = "/__mock/";

/// `POST /__mock/faults` body.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FaultSpec {
    /// `all` (default), `token`, or `domain.operation`.
    #[serde(default)]
    target: Option<String>,
    /// `errcode`, `latency`, `drop_before`, `drop_after`, `truncated_json` or `html_502`.
    fault: String,
    #[serde(default)]
    errcode: Option<i64>,
    #[serde(default)]
    latency_ms: Option<u64>,
    /// How many calls (default 1).
    #[serde(default)]
    times: Option<usize>,
}

fn fault_of(spec: &FaultSpec) -> Result<Fault, String> {
    Ok(match spec.fault.as_str() {
        "errcode" => Fault::Errcode(spec.errcode.ok_or("`errcode` needs an `errcode` value")?),
        "latency" => Fault::Latency(Duration::from_millis(spec.latency_ms.ok_or("`latency` needs `latency_ms`")?)),
        "drop_before" => Fault::DropBefore,
        "drop_after" => Fault::DropAfter,
        "truncated_json" => Fault::TruncatedJson,
        "html_502" => Fault::Html502,
        other => {
            return Err(format!(
                "unknown fault `{other}`; expected errcode, latency, drop_before, drop_after, truncated_json or html_502"
            ))
        }
    })
}

fn answer(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

fn bad(message: impl Into<String>) -> Response {
    answer(
        StatusCode::BAD_REQUEST,
        json!({"errcode": 400, "errmsg": message.into()}),
    )
}

/// Handles a control call; `path` starts with [`PREFIX`].
pub(crate) fn handle(shared: &Shared, method: &Method, path: &str, body: &Bytes) -> Response {
    let rest = &path[PREFIX.len()..];
    match (
        method.as_str(),
        rest.split_once('/')
            .map_or((rest, None), |(a, b)| (a, Some(b))),
    ) {
        ("POST", ("expire_tokens", None)) => {
            shared
                .tokens
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .expire_all();
            answer(StatusCode::OK, json!({"errcode": 0, "errmsg": "ok"}))
        }
        ("POST", ("faults", None)) => {
            let spec: FaultSpec = match serde_json::from_slice(body) {
                Ok(s) => s,
                Err(e) => {
                    return bad(format!(
                        "expected {{\"fault\": .., \"target\": .., \"times\": ..}}: {e}"
                    ))
                }
            };
            let fault = match fault_of(&spec) {
                Ok(f) => f,
                Err(e) => return bad(e),
            };
            let target = match spec.target.as_deref() {
                None | Some("all") => Target::All,
                Some("token") => Target::Token,
                Some(op) => Target::Operation(op.to_owned()),
            };
            shared
                .faults
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(target, fault, spec.times.unwrap_or(1));
            answer(StatusCode::OK, json!({"errcode": 0, "errmsg": "ok"}))
        }
        ("DELETE", ("faults", None)) => {
            shared
                .faults
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .clear();
            answer(StatusCode::OK, json!({"errcode": 0, "errmsg": "ok"}))
        }
        ("GET", ("records", Some(store))) => {
            let records = shared
                .state
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .records(store);
            answer(
                StatusCode::OK,
                json!({"errcode": 0, "errmsg": "ok", "records": records}),
            )
        }
        ("POST", ("records", Some(store))) => match serde_json::from_slice::<Value>(body) {
            Ok(record @ Value::Object(_)) => {
                let id = shared
                    .state
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(store, record);
                answer(
                    StatusCode::OK,
                    json!({"errcode": 0, "errmsg": "ok", "id": id}),
                )
            }
            _ => bad("a record is a JSON object"),
        },
        _ => answer(
            StatusCode::NOT_FOUND,
            json!({"errcode": 404, "errmsg": format!("unknown control call {method} {path}; see the README's mock section")}),
        ),
    }
}
