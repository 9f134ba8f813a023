//! The mock's one HTTP handler: token endpoint, routing, faults, token check, validation, state.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Map, Value};

use super::faults::Fault;
use super::state::Refusal;
use super::tokens::TokenCheck;
use super::{QueryKind, Shared};
use crate::media_spec::Transfer;
use crate::meta::{Constant, HttpMethod, Location, ParamValue, TokenEndpoint};

pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> Response {
    let Ok(Query(pairs)) = query else {
        return errcode(
            &shared,
            shared.config.errors.invalid_parameter,
            "invalid parameter: malformed query string",
        );
    };
    let query: BTreeMap<String, String> = pairs.into_iter().collect();
    let product = shared.config.product;
    if uri.path().starts_with(super::control::PREFIX) {
        return super::control::handle(&shared, &method, uri.path(), &body);
    }
    if let Some(endpoint) = product.tokens.iter().find(|t| t.path == uri.path()) {
        return token_endpoint(&shared, endpoint, &method, &query, &body).await;
    }
    let Some(index) = select_route(&shared, uri.path(), &query, &body) else {
        let errors = &shared.config.errors;
        return json_error(
            StatusCode::NOT_FOUND,
            errors.unknown_path,
            &format!("unknown API path {}", uri.path()),
        );
    };
    let (route, behaviour, fixture) = &shared.routes[index];
    let op = route.operation;
    let name = format!("{}.{}", op.domain, op.name);
    *lock(&shared.log).entry(name.clone()).or_default() += 1;
    let (latency, fault) = lock(&shared.faults).take(Some(&name));
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match &fault {
        Some(Fault::DropBefore) => return dropped(),
        Some(Fault::Html502) => return html_502(),
        Some(Fault::Errcode(code)) => return errcode(&shared, *code, "injected fault"),
        _ => {}
    }
    let errors = &shared.config.errors;
    match (op.method, &method) {
        (HttpMethod::Post, m) if m != Method::POST => {
            return errcode(&shared, errors.require_post, "require POST method")
        }
        (HttpMethod::Get, m) if m != Method::GET => {
            return errcode(&shared, errors.require_get, "require GET method")
        }
        _ => {}
    }
    // Only tokens meant for business calls: an intermediate one (a suite token) is never accepted.
    let business = |name: &str| {
        product
            .token_endpoint(name)
            .is_some_and(|t| !product.is_intermediate(t))
    };
    match lock(&shared.tokens).check(query.get(product.token_param).map(String::as_str), business) {
        TokenCheck::Valid => {}
        TokenCheck::Missing => {
            return errcode(
                &shared,
                errors.missing_token,
                &format!("{} missing", product.token_param),
            )
        }
        TokenCheck::Unknown => {
            return errcode(
                &shared,
                errors.invalid_token,
                &format!("invalid {}", product.token_param),
            )
        }
        TokenCheck::Expired => {
            return errcode(
                &shared,
                errors.expired_token,
                &format!("{} expired", product.token_param),
            )
        }
    }
    let mut request = Map::new();
    for (name, kind) in route.query {
        if let Some(v) = query.get(*name) {
            let value = match kind {
                QueryKind::Integer => v
                    .parse::<i64>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(v.clone())),
                QueryKind::Bool => v
                    .parse::<bool>()
                    .map(Value::from)
                    .unwrap_or_else(|_| Value::String(v.clone())),
                QueryKind::String => Value::String(v.clone()),
            };
            request.insert((*name).to_owned(), value);
        }
    }
    let mut upload = None;
    if let Transfer::Upload(spec) = route.transfer {
        match super::media::parse_form(&headers, &body, spec.part) {
            Ok(form) => {
                for (name, text) in form.fields {
                    request.insert(name, Value::String(text));
                }
                upload = Some((spec, form.file));
            }
            Err(why) => return errcode(&shared, errors.missing_media, &why),
        }
    } else if op.method == HttpMethod::Post {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(fields)) => request.extend(fields),
            Ok(_) | Err(_) => {
                return errcode(
                    &shared,
                    errors.malformed_body,
                    "data format error, hint: Warning: wrong json format.",
                )
            }
        }
    }
    if let Err(why) = check_request(route, &request, upload.is_some()) {
        return errcode(
            &shared,
            errors.invalid_parameter,
            &format!("invalid parameter: {why}"),
        );
    }
    if let Transfer::Download(spec) = route.transfer {
        let id = request.get(spec.key).and_then(Value::as_str).unwrap_or("");
        let range = headers.get(header::RANGE).and_then(|v| v.to_str().ok());
        let served = match lock(&shared.media).get(id) {
            None => return errcode(&shared, errors.unknown_media, "invalid media_id"),
            Some(media) => super::media::serve(media, range, spec.range),
        };
        return served.unwrap_or_else(|why| errcode(&shared, errors.invalid_range, &why));
    }
    let mut stored = None;
    if let Some((spec, file)) = upload {
        let by = spec.by.and_then(|by| match request.get(by) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
            None => None,
        });
        let mut v = crate::validate::Validator::new();
        let facts = crate::media_spec::FileFacts {
            name: &file.file_name,
            size: file.bytes.len() as u64,
        };
        spec.check(by.as_deref(), facts, &mut v);
        if let Err(e) = v.finish() {
            let code = if e
                .violations
                .iter()
                .any(|v| v.rule.starts_with("extensions"))
            {
                errors.media_type
            } else {
                errors.media_size
            };
            return errcode(&shared, code, &e.to_string());
        }
        let id = lock(&shared.media).insert(file.bytes, file.file_name, file.content_type);
        stored = spec.returns.map(|field| (field, id));
    }
    let journaled = lock(&shared.journal).contains_key(&name);
    let kept = journaled.then(|| request.clone());
    let answer = match behaviour {
        Some(rule) => match lock(&shared.state).apply(rule, &request) {
            Ok(fields) => success(fields),
            Err(Refusal::NotFound(why)) => return errcode(&shared, errors.not_found, &why),
            Err(Refusal::Precondition(why)) => {
                return errcode(&shared, errors.precondition_failed, &why)
            }
            Err(Refusal::BadParameter(why)) => {
                return errcode(&shared, errors.invalid_parameter, &why)
            }
        },
        None => fixture
            .get("response")
            .cloned()
            .unwrap_or_else(|| success(Map::new())),
    };
    let answer = match (stored, answer) {
        (Some((field, id)), Value::Object(mut map)) => {
            map.insert(field.to_owned(), Value::String(id));
            Value::Object(map)
        }
        (_, answer) => answer,
    };
    if let Some(request) = kept {
        if let Some(journal) = lock(&shared.journal).get_mut(&name) {
            journal.push(Value::Object(request));
        }
    }
    match fault {
        Some(Fault::DropAfter) => dropped(),
        Some(Fault::TruncatedJson) => {
            let text = answer.to_string();
            let cut: String = text.chars().take(text.chars().count() / 2).collect();
            ([(header::CONTENT_TYPE, "application/json")], cut).into_response()
        }
        _ => axum::Json(answer).into_response(),
    }
}

async fn token_endpoint(
    shared: &Shared,
    token: &'static TokenEndpoint,
    method: &Method,
    query: &BTreeMap<String, String>,
    body: &Bytes,
) -> Response {
    let config = &shared.config;
    let errors = &config.errors;
    shared
        .token_calls
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let (latency, fault) = lock(&shared.faults).take(None);
    if !latency.is_zero() {
        tokio::time::sleep(latency).await;
    }
    match fault {
        Some(Fault::DropBefore | Fault::DropAfter) => return dropped(),
        Some(Fault::Html502) => return html_502(),
        Some(Fault::Errcode(code)) => return errcode(shared, code, "injected fault"),
        _ => {}
    }
    let params: Map<String, Value> = match token.method {
        HttpMethod::Get if method == Method::GET => query
            .iter()
            .map(|(k, v)| (k.clone(), Value::String(v.clone())))
            .collect(),
        HttpMethod::Post if method == Method::POST => match serde_json::from_slice(body) {
            Ok(Value::Object(map)) => map,
            _ => return errcode(shared, errors.malformed_body, "data format error"),
        },
        HttpMethod::Get => return errcode(shared, errors.require_get, "require GET method"),
        HttpMethod::Post => return errcode(shared, errors.require_post, "require POST method"),
    };
    let query_values: Map<String, Value> = query
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let expected = token
        .query
        .iter()
        .map(|p| (p, &query_values))
        .chain(token.params.iter().map(|p| (p, &params)));
    for ((name, expected), given) in expected {
        if let Some((code, message)) = token_param_problem(shared, name, expected, given.get(*name))
        {
            return errcode(shared, code, &message);
        }
    }
    let issued = lock(&shared.tokens).issue(config.token_lifetime, token.name);
    let mut answer = Map::new();
    answer.insert("errcode".into(), json!(0));
    answer.insert("errmsg".into(), json!("ok"));
    answer.insert(token.token_field.into(), json!(issued));
    answer.insert(
        token.expires_field.into(),
        json!(config.token_lifetime.as_secs()),
    );
    let answer = Value::Object(answer);
    if fault == Some(Fault::TruncatedJson) {
        let text = answer.to_string();
        return (
            [(header::CONTENT_TYPE, "application/json")],
            text[..text.len() / 2].to_owned(),
        )
            .into_response();
    }
    axum::Json(answer).into_response()
}

/// What is wrong with the value `given` for token parameter `name`, which the spec fixes to `expected`.
fn token_param_problem(
    shared: &Shared,
    name: &str,
    expected: &ParamValue,
    given: Option<&Value>,
) -> Option<(i64, String)> {
    let config = &shared.config;
    let errors = &config.errors;
    let text = given.and_then(Value::as_str);
    match expected {
        ParamValue::Id if text != Some(config.id.as_str()) => {
            Some((errors.invalid_id, format!("invalid {name}")))
        }
        ParamValue::Secret if text != Some(config.secret.as_str()) => Some((
            errors.invalid_secret,
            format!("invalid credential: wrong {name}"),
        )),
        ParamValue::Var(var) if text != Some(config.token_var(var).as_str()) => Some((
            errors.invalid_secret,
            format!("invalid credential: wrong {name}"),
        )),
        ParamValue::Token(endpoint) => {
            match lock(&shared.tokens).check(text, |issuer| issuer == *endpoint) {
                TokenCheck::Valid => None,
                TokenCheck::Expired => Some((errors.expired_token, format!("{name} expired"))),
                _ => Some((errors.invalid_token, format!("invalid {name}"))),
            }
        }
        ParamValue::Literal(value) if text != Some(*value) => Some((
            errors.invalid_parameter,
            format!("invalid parameter: {name} must be {value}"),
        )),
        ParamValue::Bool(b) if given.and_then(Value::as_bool) != Some(*b) && given.is_some() => {
            Some((
                errors.invalid_parameter,
                format!("invalid parameter: {name} must be {b}"),
            ))
        }
        _ => None,
    }
}

fn lock<T>(m: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn success(fields: Map<String, Value>) -> Value {
    let mut answer = Map::new();
    answer.insert("errcode".into(), json!(0));
    answer.insert("errmsg".into(), json!("ok"));
    answer.extend(fields);
    Value::Object(answer)
}

/// An errcode answer, its errmsg prefixed with the spec's meaning when the product documents it.
fn errcode(shared: &Shared, code: i64, detail: &str) -> Response {
    let meaning = shared
        .config
        .product
        .errors
        .iter()
        .find(|e| e.code == code)
        .map(|e| e.meaning);
    let message = match meaning {
        Some(m) => format!("{m}: {detail}"),
        None => detail.to_owned(),
    };
    json_error(StatusCode::OK, code, &message)
}

fn json_error(status: StatusCode, code: i64, message: &str) -> Response {
    (
        status,
        axum::Json(json!({"errcode": code, "errmsg": message})),
    )
        .into_response()
}

fn html_502() -> Response {
    let page = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n";
    (
        StatusCode::BAD_GATEWAY,
        [(header::CONTENT_TYPE, "text/html")],
        page,
    )
        .into_response()
}

/// A response whose body fails at once: the connection is cut before an answer is complete.
fn dropped() -> Response {
    let failing = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "mock: connection dropped",
        ))
    });
    Response::new(Body::from_stream(failing))
}

/// Runs the route's check on `request`. The text parts of an upload carry no JSON types: when they
/// do not decode as text, numbers and booleans among them are tried as such.
fn check_request(
    route: &super::MockRoute,
    request: &Map<String, Value>,
    form: bool,
) -> Result<(), String> {
    let first = (route.check)(Value::Object(request.clone()), super::TimeRules::Enforce);
    if first.is_ok() || !form {
        return first;
    }
    let typed: Map<String, Value> = request
        .iter()
        .map(|(k, v)| {
            let parsed = match v {
                Value::String(s) => serde_json::from_str::<Value>(s)
                    .ok()
                    .filter(|p| p.is_number() || p.is_boolean()),
                _ => None,
            };
            (k.clone(), parsed.unwrap_or_else(|| v.clone()))
        })
        .collect();
    (route.check)(Value::Object(typed), super::TimeRules::Enforce).map_err(|_| first.unwrap_err())
}

/// The route for `path`: among operations sharing it, the one whose constants the request carries
/// (the most of them), else the first.
fn select_route(
    shared: &Shared,
    path: &str,
    query: &BTreeMap<String, String>,
    body: &Bytes,
) -> Option<usize> {
    let candidates: Vec<usize> = shared
        .routes
        .iter()
        .enumerate()
        .filter(|(_, (r, _, _))| r.operation.path == path)
        .map(|(i, _)| i)
        .collect();
    if candidates.len() <= 1 {
        return candidates.first().copied();
    }
    let body: Map<String, Value> = match serde_json::from_slice(body) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let carries = |c: &Constant| match c.location {
        Location::Query => query.get(c.name).is_some_and(|v| *v == c.value.to_query()),
        Location::Body => body.get(c.name).is_some_and(|v| *v == c.value.to_json()),
    };
    candidates
        .iter()
        .copied()
        .filter(|i| shared.routes[*i].0.constants.iter().all(carries))
        .max_by_key(|i| shared.routes[*i].0.constants.len())
        .or_else(|| candidates.first().copied())
}
