//! A mountable callback service on axum (feature `axum`): one [`CallbackService`] answers the URL
//! verification, verifies, decrypts and parses POSTs into the product's typed events, hands them to
//! your async handler and acknowledges them only when it succeeded; several apps share one server,
//! each under its own path.
//!
//! Give each app's handler its product's `Event` (`wxlive::wecom::Event`, `wxlive::wxa::Event`): it
//! covers the events of every domain of the product (a variant per domain, behind the domain's cargo
//! feature, chosen by the document's `MsgType`/`Event`) and keeps anything else as `Unknown`, so one
//! handler serves an app's URL whatever domains push to it.
//!
//! ```no_run
//! use wxlive_runtime::callback::service::{CallbackApp, CallbackService};
//! use wxlive_runtime::callback::{CallbackHandler, ReceiveId, XmlDoc};
//! use wxlive_runtime::Secret;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let key = Secret::new("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C");
//! let corp = CallbackHandler::new("QDG6eK", &key, ReceiveId::CorpId("wx5823bf96d3bd56c7".into()))?;
//! let router = CallbackService::new()
//!     // With the generated crate, use the product's event enum, `wxlive::wecom::Event`.
//!     .app("/callback/wecom", CallbackApp::wecom(corp), |event: XmlDoc| async move {
//!         println!("event {:?}", event.get("Event"));
//!         Ok::<(), std::io::Error>(())
//!     })
//!     .router()?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! axum::serve(listener, router).await?;
//! # Ok(())
//! # }
//! ```
//!
//! What each request gets:
//!
//! | Request | Answer |
//! |---|---|
//! | WeCom `GET ?msg_signature&timestamp&nonce&echostr` | 200, the decrypted `echostr` |
//! | mini-program `GET ?signature&timestamp&nonce&echostr` | 200, `echostr` as sent (WeChat's rule) |
//! | `POST ?msg_signature&timestamp&nonce`, `<xml><Encrypt>…` | the handler runs; 200 with the app's [`Reply`] if it returned `Ok`, 500 if it failed (the platform retries, and a replay guard lets the retry pass) |
//! | a failed check | 4xx naming the check (`signature check`, `receive id check`, `body size check`, …), never a secret |
//!
//! A mini program's message push must use the safe (encrypted) or compatible mode: in plaintext mode
//! the body is not authenticated, and such POSTs are refused (`query check`: no `msg_signature`).
//! Every rejection and handler failure is logged with `tracing` (target `wxlive::callback`) with the
//! app's path, the check and the reason; the token and the EncodingAESKey never are.

use std::collections::BTreeSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, FailedToBufferBody};
use axum::extract::{DefaultBodyLimit, FromRequest, RawQuery, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use thiserror::Error;

use super::error::CallbackError;
use super::event::CallbackEvent;
use super::handler::CallbackHandler;
use super::query::{self, CallbackQuery};
use super::receive_id::ReceiveId;

/// The `tracing` target of the service's log lines.
pub const LOG_TARGET: &str = "wxlive::callback";

/// Which platform sends the callbacks of an app: it decides the URL verification and the default reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Platform {
    /// WeCom (企业微信): the GET's `echostr` is encrypted and the answer is its plaintext.
    WeCom,
    /// WeChat mini-program message push (消息推送): the GET is signed over token, timestamp and nonce
    /// only (`signature`) and the answer is `echostr` itself.
    MiniProgram,
}

/// The body of the answer to an accepted POST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reply {
    /// HTTP 200 with an empty body: WeCom app event callbacks (接收事件), `living_status_change`.
    Empty,
    /// HTTP 200 with the literal `success`: WeCom instruction callbacks of third-party and 代开发
    /// templates (指令回调), and mini-program message push.
    Success,
}

impl Reply {
    /// The response body.
    pub fn body(self) -> &'static str {
        match self {
            Reply::Empty => "",
            Reply::Success => "success",
        }
    }
}

/// One app whose callbacks the service receives: its platform, its [`CallbackHandler`] (token,
/// EncodingAESKey, receive id, freshness window, replay guard, clock) and its [`Reply`].
#[derive(Debug, Clone)]
pub struct CallbackApp {
    platform: Platform,
    handler: CallbackHandler,
    reply: Reply,
}

impl CallbackApp {
    /// A WeCom app. Accepted POSTs are answered [`Reply::Success`] when the handler expects a suite id
    /// (instruction callbacks), [`Reply::Empty`] otherwise. Register it with a handler of
    /// `wxlive::wecom::Event`, which decodes every WeCom domain's events.
    pub fn wecom(handler: CallbackHandler) -> Self {
        let reply = match handler.receive_id() {
            ReceiveId::SuiteId(_) => Reply::Success,
            _ => Reply::Empty,
        };
        CallbackApp {
            platform: Platform::WeCom,
            handler,
            reply,
        }
    }

    /// A mini program in safe or compatible mode; its handler's receive id is the AppID
    /// ([`ReceiveId::AppId`]). Accepted POSTs are answered [`Reply::Success`]. Register it with a
    /// handler of `wxlive::wxa::Event`, which decodes every mini-program domain's events.
    pub fn mini_program(handler: CallbackHandler) -> Self {
        CallbackApp {
            platform: Platform::MiniProgram,
            handler,
            reply: Reply::Success,
        }
    }

    /// Answers accepted POSTs with `reply` instead of the platform's default.
    pub fn with_reply(mut self, reply: Reply) -> Self {
        self.reply = reply;
        self
    }

    /// The platform.
    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// The handler checking and decrypting this app's callbacks.
    pub fn handler(&self) -> &CallbackHandler {
        &self.handler
    }

    /// The answer to accepted POSTs.
    pub fn reply(&self) -> Reply {
        self.reply
    }
}

/// Why a [`CallbackService`] could not be built.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ServiceConfigError {
    /// A path that does not start with `/`, or holds a route parameter or wildcard (`{`, `}`, a
    /// segment starting with `:` or `*`), a query (`?`), a fragment (`#`) or whitespace.
    #[error("callback path `{0}` must start with `/` and be a plain path (no `{{`, `}}`, `:x` or `*x` segments, `?`, `#` or whitespace)")]
    InvalidPath(String),
    /// Two apps registered under one path.
    #[error("callback path `{0}` is registered twice")]
    DuplicatePath(String),
    /// [`CallbackService::router`] without any app.
    #[error("no callback app is registered")]
    NoApps,
}

/// Builds a `Router` receiving the callbacks of one or more apps, each under its own path.
///
/// Register apps with [`CallbackService::app`], then take the [`Router`] with
/// [`CallbackService::router`]: serve it, `merge` it into your router or `nest` it under a prefix
/// (a `Router` is a tower `Service`). See the [module documentation](crate::callback::service) for
/// what it answers.
pub struct CallbackService {
    routes: Vec<Box<dyn FnOnce(usize) -> Router + Send>>,
    paths: BTreeSet<String>,
    problems: Vec<ServiceConfigError>,
    body_limit: usize,
}

impl Default for CallbackService {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for CallbackService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackService")
            .field("paths", &self.paths)
            .field("body_limit", &self.body_limit)
            .finish_non_exhaustive()
    }
}

/// What an app's route shares between requests.
struct Endpoint<E> {
    path: String,
    app: CallbackApp,
    body_limit: usize,
    on_event: EventFn<E>,
}

/// The user's handler, type-erased; its error is already formatted for the log.
type EventFn<E> =
    Box<dyn Fn(E) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

impl CallbackService {
    /// The largest body accepted by default, and ever: [`super::xml::MAX_XML_BYTES`] (1 MiB).
    pub const DEFAULT_BODY_LIMIT: usize = super::xml::MAX_XML_BYTES;

    /// A service without apps, with the default body limit.
    pub fn new() -> Self {
        CallbackService {
            routes: Vec::new(),
            paths: BTreeSet::new(),
            problems: Vec::new(),
            body_limit: Self::DEFAULT_BODY_LIMIT,
        }
    }

    /// Refuses POST bodies longer than `limit` bytes with 413 (`body size check`), unread. Applies to
    /// every app, registered before or after. The handler refuses more than
    /// [`CallbackService::DEFAULT_BODY_LIMIT`] in any case.
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// Receives `app`'s callbacks at `path` (e.g. `/callback/wecom`): every accepted event, typed as
    /// `E`, goes to `on_event`. `E` is normally the generated product's `Event` (every domain's
    /// events of the product, `Unknown` for the rest); a domain's own `Event` or [`super::XmlDoc`]
    /// work too. The POST is
    /// acknowledged only when `on_event` returns `Ok`; an `Err` is logged and answered 500, so the
    /// platform delivers the event again.
    ///
    /// Several apps, of either platform and with different event types, can be registered under
    /// different paths. A bad or repeated path is reported by [`CallbackService::router`].
    pub fn app<E, F, Fut, Err>(mut self, path: &str, app: CallbackApp, on_event: F) -> Self
    where
        E: CallbackEvent + Send + 'static,
        F: Fn(E) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Err>> + Send + 'static,
        Err: fmt::Display + 'static,
    {
        if !valid_path(path) {
            self.problems
                .push(ServiceConfigError::InvalidPath(path.to_owned()));
            return self;
        }
        if !self.paths.insert(path.to_owned()) {
            self.problems
                .push(ServiceConfigError::DuplicatePath(path.to_owned()));
            return self;
        }
        let path = path.to_owned();
        let on_event: EventFn<E> = Box::new(move |event| {
            let future = on_event(event);
            Box::pin(async move { future.await.map_err(|err| err.to_string()) })
        });
        self.routes.push(Box::new(move |body_limit| {
            let endpoint = Arc::new(Endpoint {
                path: path.clone(),
                app,
                body_limit,
                on_event,
            });
            Router::new()
                .route(&path, get(verify::<E>).post(receive::<E>))
                .layer(DefaultBodyLimit::max(body_limit))
                .with_state(endpoint)
        }));
        self
    }

    /// The router serving every registered app, or the first configuration problem.
    pub fn router(self) -> Result<Router, ServiceConfigError> {
        if let Some(problem) = self.problems.into_iter().next() {
            return Err(problem);
        }
        if self.routes.is_empty() {
            return Err(ServiceConfigError::NoApps);
        }
        let limit = self.body_limit;
        Ok(self
            .routes
            .into_iter()
            .fold(Router::new(), |router, route| router.merge(route(limit))))
    }
}

/// Whether axum takes `path` as one literal route (it panics on some malformed ones).
fn valid_path(path: &str) -> bool {
    path.starts_with('/')
        && !path
            .chars()
            .any(|c| matches!(c, '{' | '}' | '?' | '#') || c.is_whitespace() || c.is_control())
        && !path
            .split('/')
            .any(|segment| segment.starts_with(':') || segment.starts_with('*'))
}

/// The HTTP status and the name of the check behind each error (`"signature"`, `"receive id"`, …).
pub fn classify(err: &CallbackError) -> (StatusCode, &'static str) {
    use CallbackError as E;
    match err {
        E::MissingParameter(_) => (StatusCode::BAD_REQUEST, "query"),
        E::BadSignature => (StatusCode::UNAUTHORIZED, "signature"),
        E::InvalidTimestamp => (StatusCode::BAD_REQUEST, "timestamp"),
        E::StaleTimestamp { .. } => (StatusCode::FORBIDDEN, "freshness"),
        E::Replayed => (StatusCode::CONFLICT, "replay"),
        E::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "body size"),
        E::Base64 => (StatusCode::BAD_REQUEST, "base64"),
        E::CiphertextLength(_) => (StatusCode::BAD_REQUEST, "ciphertext length"),
        E::BadPadding(_) => (StatusCode::BAD_REQUEST, "padding"),
        E::PlaintextTooShort(_) | E::LengthPrefixOutOfBounds { .. } => {
            (StatusCode::BAD_REQUEST, "plaintext length")
        }
        E::WrongReceiveId { .. } => (StatusCode::FORBIDDEN, "receive id"),
        E::NotUtf8 => (StatusCode::BAD_REQUEST, "utf-8"),
        E::MalformedXml(_) => (StatusCode::BAD_REQUEST, "xml"),
        E::MissingEncrypt => (StatusCode::BAD_REQUEST, "envelope"),
        // Configuration and encryption errors: never produced while receiving, but the enum is open.
        _ => (StatusCode::BAD_REQUEST, "callback"),
    }
}

/// Why a request was not accepted.
enum Rejection {
    /// A check of the callback scheme failed.
    Callback(CallbackError),
    /// The body is longer than the limit (known from `Content-Length` or found while reading).
    BodyTooLarge { limit: usize },
    /// The body could not be read (the connection failed).
    BodyUnreadable,
    /// The body is not UTF-8.
    BodyNotUtf8,
}

impl Rejection {
    /// The status, the check's name and the reason (none of which holds a secret).
    fn describe(&self) -> (StatusCode, &'static str, String) {
        match self {
            Rejection::Callback(err) => {
                let (status, check) = classify(err);
                (status, check, err.to_string())
            }
            Rejection::BodyTooLarge { limit } => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "body size",
                format!("the body is longer than the limit of {limit} bytes"),
            ),
            Rejection::BodyUnreadable => (
                StatusCode::BAD_REQUEST,
                "body",
                "the body could not be read".to_owned(),
            ),
            Rejection::BodyNotUtf8 => (
                StatusCode::BAD_REQUEST,
                "body",
                "the body is not UTF-8".to_owned(),
            ),
        }
    }
}

impl<E> Endpoint<E> {
    /// The answer to a rejected request, and its log line.
    fn reject(&self, method: &Method, rejection: Rejection) -> Response {
        let (status, check, reason) = rejection.describe();
        tracing::warn!(
            target: LOG_TARGET,
            app = %self.path,
            platform = ?self.app.platform,
            method = %method,
            check,
            status = status.as_u16(),
            reason = %reason,
            "callback rejected"
        );
        (
            status,
            format!("callback rejected ({check} check): {reason}"),
        )
            .into_response()
    }
}

/// `GET`: the URL verification the platform sends when the callback URL is saved.
async fn verify<E: Send + 'static>(
    State(endpoint): State<Arc<Endpoint<E>>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let raw = raw.unwrap_or_default();
    let handler = &endpoint.app.handler;
    let result = match endpoint.app.platform {
        Platform::WeCom => {
            CallbackQuery::from_query_string(&raw).and_then(|query| handler.verify_url(&query))
        }
        Platform::MiniProgram => plain_verification(handler, &raw),
    };
    match result {
        // The text as is: no quotes, no newline.
        Ok(echo) => {
            tracing::debug!(target: LOG_TARGET, app = %endpoint.path, "callback URL verified");
            (StatusCode::OK, echo).into_response()
        }
        Err(err) => endpoint.reject(&Method::GET, Rejection::Callback(err)),
    }
}

/// WeChat's URL verification from the raw query: `signature`, `timestamp`, `nonce`, `echostr`.
fn plain_verification(handler: &CallbackHandler, raw: &str) -> Result<String, CallbackError> {
    let mut values: [Option<String>; 4] = Default::default();
    const NAMES: [&str; 4] = ["signature", "timestamp", "nonce", "echostr"];
    for (name, value) in query::decoded_pairs(raw) {
        if let Some(i) = NAMES.iter().position(|n| *n == name) {
            values[i].get_or_insert(value);
        }
    }
    let [signature, timestamp, nonce, echostr] = values;
    let signature = signature.ok_or(CallbackError::MissingParameter("signature"))?;
    let timestamp = timestamp.ok_or(CallbackError::MissingParameter("timestamp"))?;
    let nonce = nonce.ok_or(CallbackError::MissingParameter("nonce"))?;
    let echostr = echostr.ok_or(CallbackError::MissingParameter("echostr"))?;
    handler.verify_plain_url(&signature, &timestamp, &nonce, &echostr)
}

/// `POST`: an encrypted event.
async fn receive<E: CallbackEvent + Send + 'static>(
    State(endpoint): State<Arc<Endpoint<E>>>,
    RawQuery(raw): RawQuery,
    request: Request,
) -> Response {
    // A declared length over the limit is refused before reading anything.
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|len| len > endpoint.body_limit as u64) {
        let limit = endpoint.body_limit;
        return endpoint.reject(&Method::POST, Rejection::BodyTooLarge { limit });
    }
    // Otherwise the body is read up to the limit (`DefaultBodyLimit` on the route).
    let body = match Bytes::from_request(request, &()).await {
        Ok(body) => body,
        Err(BytesRejection::FailedToBufferBody(FailedToBufferBody::LengthLimitError(_))) => {
            let limit = endpoint.body_limit;
            return endpoint.reject(&Method::POST, Rejection::BodyTooLarge { limit });
        }
        Err(_) => return endpoint.reject(&Method::POST, Rejection::BodyUnreadable),
    };
    let Ok(body) = std::str::from_utf8(&body) else {
        return endpoint.reject(&Method::POST, Rejection::BodyNotUtf8);
    };
    let handler = &endpoint.app.handler;
    let parsed = CallbackQuery::from_query_string(raw.as_deref().unwrap_or(""))
        .and_then(|query| Ok((handler.parse::<E>(&query, body)?, query)));
    let (event, query) = match parsed {
        Ok(parsed) => parsed,
        Err(err) => return endpoint.reject(&Method::POST, Rejection::Callback(err)),
    };
    match (endpoint.on_event)(event).await {
        Ok(()) => {
            tracing::debug!(target: LOG_TARGET, app = %endpoint.path, "callback accepted");
            (StatusCode::OK, endpoint.app.reply.body()).into_response()
        }
        Err(error) => {
            // Not handled: the redelivery must pass the replay guard.
            handler.forget(&query);
            tracing::error!(
                target: LOG_TARGET,
                app = %endpoint.path,
                platform = ?endpoint.app.platform,
                check = "handler",
                status = 500u16,
                error = %error,
                "callback not acknowledged: the event handler failed"
            );
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "callback not acknowledged (handler check): the event handler failed; deliver it again",
            )
                .into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::XmlDoc;
    use crate::Secret;

    fn handler(receive_id: ReceiveId) -> CallbackHandler {
        CallbackHandler::new(
            "QDG6eK",
            &Secret::new("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"),
            receive_id,
        )
        .unwrap()
    }

    async fn ok(_: XmlDoc) -> Result<(), String> {
        Ok(())
    }

    #[test]
    fn default_replies_follow_the_platform_and_receive_id() {
        let corp = CallbackApp::wecom(handler(ReceiveId::CorpId("corp".into())));
        assert_eq!(corp.reply(), Reply::Empty);
        assert_eq!(corp.platform(), Platform::WeCom);
        let suite = CallbackApp::wecom(handler(ReceiveId::SuiteId("suite".into())));
        assert_eq!(suite.reply(), Reply::Success);
        let wxa = CallbackApp::mini_program(handler(ReceiveId::AppId("wx1".into())));
        assert_eq!(wxa.reply(), Reply::Success);
        assert_eq!(wxa.with_reply(Reply::Empty).reply().body(), "");
    }

    #[test]
    fn bad_configurations_are_errors_not_panics() {
        let app = || CallbackApp::wecom(handler(ReceiveId::None));
        for bad in [
            "callback", "/a/{id}", "/a/:id", "/*rest", "/a?b", "/a b", "",
        ] {
            assert_eq!(
                CallbackService::new().app(bad, app(), ok).router().err(),
                Some(ServiceConfigError::InvalidPath(bad.to_owned())),
                "{bad:?}"
            );
        }
        assert_eq!(
            CallbackService::new()
                .app("/a", app(), ok)
                .app("/a", app(), ok)
                .router()
                .err(),
            Some(ServiceConfigError::DuplicatePath("/a".into()))
        );
        assert_eq!(
            CallbackService::new().router().err(),
            Some(ServiceConfigError::NoApps)
        );
        assert!(CallbackService::new()
            .app("/", app(), ok)
            .app("/a/b", app(), ok)
            .router()
            .is_ok());
    }

    #[test]
    fn every_receiving_error_names_a_check() {
        let cases = [
            (CallbackError::BadSignature, 401, "signature"),
            (
                CallbackError::WrongReceiveId {
                    expected: "a".into(),
                    found: "b".into(),
                },
                403,
                "receive id",
            ),
            (
                CallbackError::TooLarge { len: 2, limit: 1 },
                413,
                "body size",
            ),
            (CallbackError::MalformedXml("x".into()), 400, "xml"),
            (CallbackError::MissingParameter("nonce"), 400, "query"),
        ];
        for (err, status, check) in cases {
            assert_eq!(
                classify(&err),
                (StatusCode::from_u16(status).unwrap(), check)
            );
        }
    }
}
