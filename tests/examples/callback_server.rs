//! A WeCom callback receiver on axum: URL verification (GET) and typed `living_status_change` events
//! (POST), with every rejected request answered by a 4xx that names the check that failed.
//!
//! Run it with the values of the app's 接收消息 settings:
//!
//! ```sh
//! WECOM_CALLBACK_TOKEN=… WECOM_CALLBACK_AES_KEY=… WECOM_CORP_ID=… \
//!     cargo run -p wxlive-tests --example callback_server
//! ```
//!
//! and point the callback URL at `http://<host>:<port>/callback`. `--suite` serves a third-party or
//! 代开发 template's instruction callback instead: the plaintext ends with the suite id
//! (`WECOM_SUITE_ID`) and every accepted POST is answered with the literal `success`.
//! `--addr HOST:PORT` (or `WECOM_CALLBACK_ADDR`) changes the listening address (default
//! `127.0.0.1:8080`).

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use wxlive::wecom::living::Event;
use wxlive_runtime::callback::{CallbackError, CallbackHandler, CallbackQuery, ReceiveId};
use wxlive_runtime::Secret;

/// The path the router serves.
pub const CALLBACK_PATH: &str = "/callback";

/// How accepted POSTs are answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyMode {
    /// App event callbacks (接收事件): HTTP 200 with an empty body.
    Empty,
    /// Instruction callbacks of third-party and 代开发 templates (指令回调): the literal `success`.
    Success,
}

impl ReplyMode {
    /// The body of the answer to an accepted POST.
    pub fn body(self) -> &'static str {
        match self {
            ReplyMode::Empty => "",
            ReplyMode::Success => "success",
        }
    }
}

/// What the handlers share.
struct AppState {
    handler: CallbackHandler,
    mode: ReplyMode,
    on_event: Box<dyn Fn(Event) + Send + Sync>,
}

/// The callback router: `GET /callback` answers the URL verification with the decrypted `echostr`,
/// `POST /callback` verifies, decrypts and parses the event, hands it to `on_event` and answers as
/// `mode` says. Any failed check is answered with a 4xx whose text body names the check.
pub fn router(
    handler: CallbackHandler,
    mode: ReplyMode,
    on_event: impl Fn(Event) + Send + Sync + 'static,
) -> Router {
    let state = Arc::new(AppState {
        handler,
        mode,
        on_event: Box::new(on_event),
    });
    Router::new()
        .route(CALLBACK_PATH, get(verify_url).post(receive))
        .with_state(state)
}

/// `GET`: the URL verification WeCom sends when the callback URL is saved.
async fn verify_url(State(state): State<Arc<AppState>>, RawQuery(query): RawQuery) -> Response {
    let result = CallbackQuery::from_query_string(query.as_deref().unwrap_or(""))
        .and_then(|query| state.handler.verify_url(&query));
    match result {
        // The plaintext, as is: no quotes, no newline.
        Ok(echo) => (StatusCode::OK, echo).into_response(),
        Err(err) => reject(&err),
    }
}

/// `POST`: an encrypted event.
async fn receive(
    State(state): State<Arc<AppState>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let Ok(body) = std::str::from_utf8(&body) else {
        eprintln!("callback rejected: the body is not UTF-8");
        return (
            StatusCode::BAD_REQUEST,
            "callback rejected (body check): the body is not UTF-8",
        )
            .into_response();
    };
    let result = CallbackQuery::from_query_string(query.as_deref().unwrap_or(""))
        .and_then(|query| state.handler.parse::<Event>(&query, body));
    match result {
        Ok(event) => {
            log_event(&event);
            (state.on_event)(event);
            (StatusCode::OK, state.mode.body()).into_response()
        }
        Err(err) => reject(&err),
    }
}

/// Prints one line per event.
fn log_event(event: &Event) {
    match event {
        Event::LivingStatusChange(change) => println!(
            "living_status_change: livingid={} status={:?} from={}",
            change.living_id.as_deref().unwrap_or("?"),
            change.status,
            change.from_user_name.as_deref().unwrap_or("?"),
        ),
        Event::Unknown { event, raw_xml } => println!(
            "unhandled callback (Event={}), {} bytes of XML",
            event.as_deref().unwrap_or("none"),
            raw_xml.len()
        ),
        other => println!("callback: {other:?}"),
    }
}

/// The answer to a request that failed a check, and a log line.
fn reject(err: &CallbackError) -> Response {
    let (status, check) = classify(err);
    eprintln!("callback rejected ({check} check): {err}");
    (status, format!("callback rejected ({check} check): {err}")).into_response()
}

/// The HTTP status and the name of the check behind each error.
pub fn classify(err: &CallbackError) -> (StatusCode, &'static str) {
    use CallbackError as E;
    match err {
        E::MissingParameter(_) => (StatusCode::BAD_REQUEST, "query"),
        E::BadSignature => (StatusCode::UNAUTHORIZED, "signature"),
        E::InvalidTimestamp => (StatusCode::BAD_REQUEST, "timestamp"),
        E::StaleTimestamp { .. } => (StatusCode::FORBIDDEN, "freshness"),
        E::Replayed => (StatusCode::CONFLICT, "replay"),
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

/// Settings read from the command line and the environment.
struct Settings {
    token: String,
    aes_key: String,
    receive_id: ReceiveId,
    mode: ReplyMode,
    addr: String,
}

const USAGE: &str =
    "usage: cargo run -p wxlive-tests --example callback_server -- [--suite] [--addr HOST:PORT]

environment:
  WECOM_CALLBACK_TOKEN    the Token of the callback settings (1-32 letters or digits)
  WECOM_CALLBACK_AES_KEY  the EncodingAESKey (43 characters)
  WECOM_CORP_ID           the corp id every plaintext ends with (app event callbacks)
  WECOM_SUITE_ID          with --suite: the suite (template) id instead of the corp id
  WECOM_CALLBACK_ADDR     listening address (default 127.0.0.1:8080; --addr wins)

--suite answers accepted POSTs with `success` (instruction callbacks) instead of an empty body.";

/// Reads the settings, or says what is missing.
fn settings() -> Result<Settings, String> {
    let mut suite = false;
    let mut addr = std::env::var("WECOM_CALLBACK_ADDR").ok();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--suite" => suite = true,
            "--addr" => addr = Some(args.next().ok_or("--addr needs HOST:PORT")?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let token = var("WECOM_CALLBACK_TOKEN")?;
    let aes_key = var("WECOM_CALLBACK_AES_KEY")?;
    let (receive_id, mode) = if suite {
        (
            ReceiveId::SuiteId(var("WECOM_SUITE_ID")?),
            ReplyMode::Success,
        )
    } else {
        (ReceiveId::CorpId(var("WECOM_CORP_ID")?), ReplyMode::Empty)
    };
    Ok(Settings {
        token,
        aes_key,
        receive_id,
        mode,
        addr: addr.unwrap_or_else(|| "127.0.0.1:8080".into()),
    })
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let settings = match settings() {
        Ok(s) => s,
        Err(problem) => {
            eprintln!("{problem}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let handler = match CallbackHandler::new(
        settings.token,
        &Secret::new(settings.aes_key),
        settings.receive_id,
    ) {
        Ok(h) => h,
        Err(err) => {
            eprintln!("bad callback settings: {err}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(&settings.addr).await {
        Ok(l) => l,
        Err(err) => {
            eprintln!("cannot listen on {}: {err}", settings.addr);
            return std::process::ExitCode::FAILURE;
        }
    };
    println!(
        "listening on http://{}{CALLBACK_PATH} ({:?} replies)",
        settings.addr, settings.mode
    );
    // Events are already logged by the router; a real receiver would act on them here.
    let app = router(handler, settings.mode, |_event| {});
    if let Err(err) = axum::serve(listener, app).await {
        eprintln!("server error: {err}");
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
