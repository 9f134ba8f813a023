//! Test support: a loopback HTTP server that records every request and answers from a script.

pub mod baseline;
pub mod fuzz;
pub mod soak;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};

/// What the server saw.
#[derive(Debug, Clone, PartialEq)]
pub struct Recorded {
    /// HTTP method.
    pub method: String,
    /// Path.
    pub path: String,
    /// Query parameters.
    pub query: BTreeMap<String, String>,
    /// JSON body, when one was sent.
    pub body: Option<Value>,
}

#[derive(Default)]
struct Script {
    seen: Vec<Recorded>,
    answers: HashMap<String, VecDeque<Value>>,
    tokens_issued: u32,
}

/// Paths of the token endpoints the server answers by itself: WeCom `gettoken`, WeChat `stable_token` and
/// the legacy `cgi-bin/token`.
pub const TOKEN_PATHS: [&str; 3] = [
    "/cgi-bin/gettoken",
    "/cgi-bin/token",
    "/cgi-bin/stable_token",
];

/// A scripted loopback server. Answers the token endpoints ([`TOKEN_PATHS`]) by itself (token
/// `TOKEN-<n>`); other paths answer the queued bodies in order, or errcode 404 when nothing is queued.
#[derive(Clone)]
pub struct Recorder {
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    script: Arc<Mutex<Script>>,
}

impl Recorder {
    /// Starts the server on a free loopback port.
    pub async fn start() -> Recorder {
        let script = Arc::new(Mutex::new(Script::default()));
        let app = Router::new().fallback(handle).with_state(script.clone());
        Recorder {
            base_url: serve(app).await,
            script,
        }
    }

    /// Queues `body` as the next answer on `path`.
    pub fn answer(&self, path: &str, body: Value) {
        self.script
            .lock()
            .unwrap()
            .answers
            .entry(path.to_owned())
            .or_default()
            .push_back(body);
    }

    /// Every request seen, token requests excluded.
    pub fn calls(&self) -> Vec<Recorded> {
        self.script
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|r| !TOKEN_PATHS.contains(&r.path.as_str()))
            .cloned()
            .collect()
    }

    /// The token requests seen.
    pub fn token_calls(&self) -> Vec<Recorded> {
        self.script
            .lock()
            .unwrap()
            .seen
            .iter()
            .filter(|r| TOKEN_PATHS.contains(&r.path.as_str()))
            .cloned()
            .collect()
    }

    /// How many tokens the token endpoints handed out.
    pub fn tokens_issued(&self) -> u32 {
        self.script.lock().unwrap().tokens_issued
    }
}

async fn handle(
    State(script): State<Arc<Mutex<Script>>>,
    method: Method,
    uri: Uri,
    Query(query): Query<BTreeMap<String, String>>,
    body: Bytes,
) -> Response {
    let body_json = if body.is_empty() {
        None
    } else {
        serde_json::from_slice(&body).ok().or(Some(Value::Null))
    };
    let path = uri.path().to_owned();
    let mut s = script.lock().unwrap();
    s.seen.push(Recorded {
        method: method.to_string(),
        path: path.clone(),
        query: query.clone(),
        body: body_json,
    });
    if TOKEN_PATHS.contains(&path.as_str()) {
        if let Some(answer) = s.answers.get_mut(&path).and_then(VecDeque::pop_front) {
            return axum::Json(answer).into_response();
        }
        s.tokens_issued += 1;
        let n = s.tokens_issued;
        return axum::Json(json!({"errcode": 0, "errmsg": "ok", "access_token": format!("TOKEN-{n}"), "expires_in": 7200}))
            .into_response();
    }
    match s.answers.get_mut(&path).and_then(VecDeque::pop_front) {
        Some(answer) => axum::Json(answer).into_response(),
        None => {
            axum::Json(json!({"errcode": 404, "errmsg": format!("nothing scripted for {path}")}))
                .into_response()
        }
    }
}

/// Retries without waiting, for tests.
pub fn fast_retries() -> wxlive_runtime::RetryPolicy {
    wxlive_runtime::RetryPolicy {
        base_delay: std::time::Duration::from_millis(1),
        throttled_delay: std::time::Duration::from_millis(1),
        ..wxlive_runtime::RetryPolicy::default()
    }
}

/// The mock configuration of every product of the generated crate ([`wxlive::mock_products`]), in
/// spec order: what `wxlive-mock` and `cargo xtask mock` serve. A test checks that it names every
/// product in `spec/`.
pub fn mock_products() -> Vec<wxlive_runtime::mock::MockConfig> {
    wxlive::mock_products()
}

/// A WeCom client for `server` with its credentials and fast retries.
pub fn mock_client(server: &wxlive_runtime::mock::MockServer) -> wxlive::wecom::WecomClient {
    let (id, secret) = server.credentials();
    wxlive::wecom::WecomClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .retry_policy(fast_retries())
        .build()
        .expect("a client for the mock")
}

/// An in-memory log: a `tracing_subscriber` writer (`.with_writer(move || captured.clone())`) whose
/// clones share one buffer, for tests that read what was logged.
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl Captured {
    /// Everything written so far, as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap_or_else(|e| e.into_inner())).into_owned()
    }
}

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Serves `app` on a free loopback port for the rest of the test; returns `http://127.0.0.1:<port>`.
pub async fn serve(app: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// Unix seconds `secs` from now.
pub fn unix_in(secs: i64) -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
        + secs
}

/// Callbacks as WeCom and WeChat send them, for tests of callback receivers.
pub mod callbacks {
    use wxlive_runtime::callback::CallbackHandler;

    /// Query pairs of a request, as `reqwest`'s `.query(..)` takes them.
    pub type Query = Vec<(String, String)>;

    /// `plaintext` encrypted and signed by `signer` (token, key, receive id): the POST's query
    /// (`msg_signature`, `timestamp`, `nonce`) and body (`<xml><ToUserName/><Encrypt/></xml>`).
    pub fn signed_post(
        signer: &CallbackHandler,
        plaintext: &str,
        timestamp: i64,
        nonce: &str,
    ) -> (Query, String) {
        let encrypted = signer.encrypt(plaintext).expect("encrypt");
        let timestamp = timestamp.to_string();
        let query = vec![
            (
                "msg_signature".into(),
                signer.sign(&timestamp, nonce, &encrypted),
            ),
            ("timestamp".into(), timestamp),
            ("nonce".into(), nonce.into()),
        ];
        let body = format!(
            "<xml><ToUserName><![CDATA[to-user]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>"
        );
        (query, body)
    }

    /// The query of WeCom's URL verification GET whose `echostr` decrypts to `echo`.
    pub fn wecom_verification(
        signer: &CallbackHandler,
        echo: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Query {
        let encrypted = signer.encrypt(echo).expect("encrypt");
        let timestamp = timestamp.to_string();
        vec![
            (
                "msg_signature".into(),
                signer.sign(&timestamp, nonce, &encrypted),
            ),
            ("timestamp".into(), timestamp),
            ("nonce".into(), nonce.into()),
            ("echostr".into(), encrypted),
        ]
    }

    /// The query of WeChat's (mini program's) URL verification GET: `signature` over token,
    /// timestamp and nonce, and `echostr` as is.
    pub fn plain_verification(
        signer: &CallbackHandler,
        echostr: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Query {
        let timestamp = timestamp.to_string();
        vec![
            ("signature".into(), signer.sign_plain(&timestamp, nonce)),
            ("timestamp".into(), timestamp),
            ("nonce".into(), nonce.into()),
            ("echostr".into(), echostr.into()),
        ]
    }
}

/// A `redis-server` child on a loopback port, which can be stopped (killed, as by a crash) and started
/// again on the same port. Nothing is persisted.
pub struct RedisServer {
    child: Option<std::process::Child>,
    args: Vec<String>,
    /// The port it listens on.
    pub port: u16,
    /// `redis://127.0.0.1:<port>/`.
    pub url: String,
}

impl RedisServer {
    /// Starts one on a free port; `None` when `redis-server` cannot be run (not installed).
    pub fn start() -> Option<RedisServer> {
        Self::start_with(&[])
    }

    /// [`RedisServer::start`] with more command-line options (`["--requirepass", "pw"]`).
    pub fn start_with(args: &[&str]) -> Option<RedisServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let mut server = RedisServer {
            child: None,
            args: args.iter().map(|a| (*a).to_owned()).collect(),
            port,
            url: format!("redis://127.0.0.1:{port}/"),
        };
        server.spawn().then_some(server)
    }

    /// Runs `redis-server` on the port and waits until it accepts connections.
    fn spawn(&mut self) -> bool {
        let port = self.port.to_string();
        let mut args = vec![
            "--port",
            &port,
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ];
        args.extend(self.args.iter().map(String::as_str));
        let Ok(child) = std::process::Command::new("redis-server")
            .args(args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
        else {
            return false;
        };
        self.child = Some(child);
        let until = std::time::Instant::now() + std::time::Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            let exited = self
                .child
                .as_mut()
                .is_some_and(|c| c.try_wait().ok().flatten().is_some());
            if std::time::Instant::now() > until || exited {
                return false;
            }
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
        true
    }

    /// Kills it (no shutdown: as a crash would) and waits until it is gone.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// Starts it again on the same port, empty.
    pub fn restart(&mut self) {
        assert!(self.spawn(), "redis-server restarts on port {}", self.port);
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Whether the Redis tests must run (`WXLIVE_REQUIRE_REDIS=1`, set by `.ci/run`): then a missing
/// `redis-server` is a failure, not a skip.
pub fn redis_required() -> bool {
    std::env::var("WXLIVE_REQUIRE_REDIS").is_ok_and(|v| v == "1")
}
