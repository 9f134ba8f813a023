//! A mock WeCom / WeChat server on loopback, driven by the generated route tables and fixtures.
//!
//! It issues tokens for the configured credentials, checks the access token, runs the generated
//! validators on every request, keeps state as the spec's `mock:` rules say (create / get / update /
//! list), and injects faults on demand. Bad requests get the product's JSON errors, never a crash.
//!
//! Besides the Rust API ([`MockServer::inject`] and friends) a control API serves tools in other
//! languages: `POST /__mock/faults` (`{"fault": "errcode", "errcode": -1, "target": "living.create",
//! "times": 2}`), `DELETE /__mock/faults`, `POST /__mock/expire_tokens`, `GET|POST /__mock/records/<store>`.
//!
//! For long runs (a chaos soak) it can also draw faults at random from a seeded [`FaultPlan`], count
//! what it injected ([`MockServer::injected_faults`]), keep a journal of the requests that took effect
//! for operations without a state rule ([`MockServer::journal`]) and hand over old records
//! ([`MockServer::take_records`]), so that its memory stays bounded however long it runs.

mod control;
mod faults;
mod handler;
mod media;
mod state;
mod tokens;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;

pub use faults::{Fault, FaultKind, FaultPlan, InjectedFaults, PlanError, Target};
pub use state::Store;

use crate::meta::{Operation, Product};
use crate::mock_spec::{MockBehaviour, MockErrors};
use crate::request::ApiRequest;

/// The largest request body the mock reads: room for the largest documented upload (20MB) and its
/// multipart framing.
pub const MAX_REQUEST_BYTES: usize = 32 << 20;

/// How a query parameter is read into the request's JSON form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    /// Kept as a string.
    String,
    /// Parsed as an integer (a non-number is kept as a string, so validation reports it).
    Integer,
    /// `true` or `false` as a boolean (anything else is kept as a string, so validation reports it).
    Bool,
}

/// One endpoint the mock serves (emitted by the generator for every endpoint).
#[derive(Clone)]
pub struct MockRoute {
    /// The operation.
    pub operation: &'static Operation,
    /// Fields the spec fixes for it (`const:`); they tell apart operations sharing one path.
    pub constants: &'static [crate::meta::Constant],
    /// Query parameters of the request type and how to read them.
    pub query: &'static [(&'static str, QueryKind)],
    /// Decodes the request into its generated type and validates it; `Err` names the fields.
    pub check: fn(Value, TimeRules) -> Result<(), String>,
    /// Decodes an answer into the generated response type (used to check fixtures).
    pub decode_response: fn(Value) -> Result<(), String>,
    /// The generated fixture file of the endpoint (`{"request": .., "response": ..}`).
    pub fixture: &'static str,
    /// Decodes a JSON request into the generated type and sends it through a client the way the
    /// operation transfers it (JSON, an upload of the given file, a download into memory): how tests
    /// drive every operation of a product without naming its types.
    pub call: for<'a> fn(&'a crate::Client, Value, Option<crate::UploadFile>) -> Call<'a>,
    /// The spec's `mock:` rule, as JSON, if any.
    pub behaviour: Option<&'static str>,
    /// How requests and answers travel: uploads are read as multipart/form-data and stored, downloads
    /// serve what was stored.
    pub transfer: crate::media_spec::Transfer,
}

impl std::fmt::Debug for MockRoute {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockRoute")
            .field("operation", &self.operation.name)
            .field("path", &self.operation.path)
            .finish()
    }
}

impl MockRoute {
    /// The route of request type `R`: its operation, constants and required fields come from
    /// [`ApiRequest`]; `query` says how to read its query parameters, `fixture` and `behaviour` are the
    /// generated fixture file and the spec's `mock:` rule.
    pub fn of<R: ApiRequest + DeserializeOwned + 'static>(
        query: &'static [(&'static str, QueryKind)],
        fixture: &'static str,
        behaviour: Option<&'static str>,
    ) -> Self {
        MockRoute {
            operation: R::OPERATION,
            constants: R::CONSTANTS,
            query,
            check: check::<R>,
            decode_response: decodes::<R::Response>,
            fixture,
            call: call::<R>,
            behaviour,
            transfer: R::TRANSFER,
        }
    }
}

/// What [`MockRoute::call`] answers: the call's outcome, the response dropped.
pub type Call<'a> =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), crate::Error>> + Send + 'a>>;

/// The [`MockRoute::call`] of request type `R`. An upload without a file sends an empty one.
fn call<R: ApiRequest + DeserializeOwned + 'static>(
    client: &crate::Client,
    request: Value,
    file: Option<crate::UploadFile>,
) -> Call<'_> {
    Box::pin(async move {
        let request: R = serde_json::from_value(request).map_err(|e| crate::Error::Encode {
            operation: R::OPERATION.id(),
            message: format!("the JSON is not a {}: {e}", std::any::type_name::<R>()),
        })?;
        match R::TRANSFER {
            crate::media_spec::Transfer::Json => client.send(&request).await.map(drop),
            crate::media_spec::Transfer::Upload(_) => {
                let file = file.unwrap_or_else(|| crate::UploadFile::bytes(Vec::new(), "empty"));
                client.upload(&request, file).await.map(drop)
            }
            crate::media_spec::Transfer::Download(_) => {
                client.download(&request, None).await.map(drop)
            }
        }
    })
}

/// Checks a request as the server would: its required fields are given (the same rule as the
/// builders' and `validate()`'s, see [`Given`](crate::validate::Given)), then it decodes into `R` and
/// its validators pass with the official rules. The `check` of every generated route.
pub fn check<R: ApiRequest + DeserializeOwned>(
    value: Value,
    time_rules: TimeRules,
) -> Result<(), String> {
    let mut validator = match time_rules {
        TimeRules::Enforce => crate::validate::Validator::new(),
        TimeRules::Skip => crate::validate::Validator::timeless(),
    };
    for name in R::REQUIRED {
        validator.required(name, &value.get(*name));
    }
    if !validator.is_clean() {
        return validator.finish().map(drop).map_err(|e| e.to_string());
    }
    let request: R = serde_json::from_value(value).map_err(|e| e.to_string())?;
    request.check(&mut validator);
    validator.finish().map(drop).map_err(|e| e.to_string())
}

/// The current Unix time in seconds.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Whether rules relative to the current time (`future`, `min_from_now`, ...) are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeRules {
    /// Check them against the clock (what the server does).
    Enforce,
    /// Skip them (static data such as fixtures, which cannot stay "10 minutes from now").
    Skip,
}

/// Decodes `value` into `T`: the `decode_response` of every generated route.
pub fn decodes<T: DeserializeOwned>(value: Value) -> Result<(), String> {
    serde_json::from_value::<T>(value)
        .map(drop)
        .map_err(|e| e.to_string())
}

/// What the mock serves and to whom.
#[derive(Clone)]
pub struct MockConfig {
    /// The product (token endpoint, token parameter, errcodes).
    pub product: &'static Product,
    /// Its routes (`wxlive::<product>::mock_routes()`).
    pub routes: Vec<MockRoute>,
    /// The product's `mock:` errcodes as JSON, or the defaults.
    pub errors: MockErrors,
    /// The id (corp id / app id) the token endpoint accepts.
    pub id: String,
    /// The secret the token endpoint accepts.
    pub secret: String,
    /// Lifetime of issued tokens.
    pub token_lifetime: Duration,
    /// Values of the named credentials token endpoints take (`$suite_ticket`); unset ones are
    /// `mock-<name>`.
    pub token_vars: std::collections::BTreeMap<String, String>,
    /// What could not be read when the config was made (reported by [`MockServer::start`]).
    problems: Vec<String>,
}

impl std::fmt::Debug for MockConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockConfig")
            .field("product", &self.product.name)
            .field("routes", &self.routes.len())
            .field("id", &self.id)
            .field("secret", &"<redacted>")
            .field("token_lifetime", &self.token_lifetime)
            .finish()
    }
}

impl MockConfig {
    /// A config for `product` with credentials `mock-corp` / `mock-secret` and 7200 s tokens.
    pub fn new(
        product: &'static Product,
        routes: Vec<MockRoute>,
        errors_json: Option<&str>,
    ) -> Self {
        let mut problems = Vec::new();
        let errors = match errors_json.map(serde_json::from_str::<MockErrors>) {
            None => MockErrors::default(),
            Some(Ok(errors)) => errors,
            Some(Err(e)) => {
                problems.push(format!(
                    "the mock errcodes of product `{}` cannot be read: {e}",
                    product.name
                ));
                MockErrors::default()
            }
        };
        MockConfig {
            product,
            routes,
            errors,
            id: "mock-corp".into(),
            secret: "mock-secret".into(),
            token_lifetime: Duration::from_secs(7200),
            token_vars: std::collections::BTreeMap::new(),
            problems,
        }
    }

    /// Other credentials.
    pub fn credentials(mut self, id: impl Into<String>, secret: impl Into<String>) -> Self {
        self.id = id.into();
        self.secret = secret.into();
        self
    }

    /// The value the token endpoints accept for the named credential `$name`: `mock-<name>` unless
    /// [`MockConfig::with_token_var`] set another.
    pub fn token_var(&self, name: &str) -> String {
        self.token_vars
            .get(name)
            .cloned()
            .unwrap_or_else(|| format!("mock-{name}"))
    }

    /// Another value for the named credential `$name`.
    pub fn with_token_var(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.token_vars.insert(name.into(), value.into());
        self
    }

    /// Another token lifetime.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }
}

pub(crate) struct Shared {
    pub(crate) config: MockConfig,
    pub(crate) routes: Vec<(MockRoute, Option<MockBehaviour>, Value)>,
    pub(crate) state: Mutex<state::State>,
    pub(crate) tokens: Mutex<tokens::Tokens>,
    pub(crate) faults: Mutex<faults::Faults>,
    /// How many calls reached each operation (`domain.name`).
    pub(crate) log: Mutex<HashMap<String, usize>>,
    /// How many calls reached the token endpoints.
    pub(crate) token_calls: AtomicUsize,
    /// The requests that took effect, for each operation whose journal is on.
    pub(crate) journal: Mutex<HashMap<String, Vec<Value>>>,
    /// Uploaded files, by the id answered for them.
    pub(crate) media: Mutex<media::MediaStore>,
}

/// A running mock server. Dropping it stops the server.
pub struct MockServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
    serving: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer")
            .field("addr", &self.addr)
            .field("product", &self.shared.config.product.name)
            .finish()
    }
}

impl MockServer {
    /// Starts serving on a free port of 127.0.0.1 (needs a Tokio runtime).
    pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
        Self::start_on(config, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts serving on `addr`. A mock rule, fixture or errcode table that cannot be read is an
    /// `InvalidData` error naming it: nothing is dropped silently.
    pub async fn start_on(config: MockConfig, addr: SocketAddr) -> std::io::Result<MockServer> {
        let mut problems = config.problems.clone();
        let mut routes = Vec::new();
        for r in &config.routes {
            let op = format!("{}.{}", r.operation.domain, r.operation.name);
            let behaviour = match r.behaviour.map(serde_json::from_str::<MockBehaviour>) {
                None => None,
                Some(Ok(rule)) => Some(rule),
                Some(Err(e)) => {
                    problems.push(format!("the mock rule of `{op}` cannot be read: {e}"));
                    None
                }
            };
            let fixture: Value = match serde_json::from_str(r.fixture) {
                Ok(mut fixture) => {
                    // `"$now+3600"` and the like become times relative to this start.
                    crate::fixture::resolve_times(&mut fixture, unix_now());
                    fixture
                }
                Err(e) => {
                    problems.push(format!("the fixture of `{op}` is not JSON: {e}"));
                    Value::Null
                }
            };
            routes.push((r.clone(), behaviour, fixture));
        }
        if !problems.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                problems.join("; "),
            ));
        }
        let shared = Arc::new(Shared {
            config,
            routes,
            state: Mutex::new(state::State::default()),
            tokens: Mutex::new(tokens::Tokens::default()),
            faults: Mutex::new(faults::Faults::default()),
            log: Mutex::new(HashMap::new()),
            token_calls: AtomicUsize::new(0),
            journal: Mutex::new(HashMap::new()),
            media: Mutex::new(media::MediaStore::default()),
        });
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new()
            .fallback(handler::handle)
            .layer(axum::extract::DefaultBodyLimit::max(MAX_REQUEST_BYTES))
            .with_state(shared.clone());
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let serving = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(MockServer {
            addr,
            shared,
            shutdown: Mutex::new(Some(tx)),
            serving: Mutex::new(Some(serving)),
        })
    }

    /// `http://127.0.0.1:<port>`: the base URL to give the client.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The accepted id and secret.
    pub fn credentials(&self) -> (&str, &str) {
        (&self.shared.config.id, &self.shared.config.secret)
    }

    /// Injects `fault` into the next `times` calls matching `target`.
    pub fn inject(&self, target: Target, fault: Fault, times: usize) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(target, fault, times);
    }

    /// Removes every pending fault.
    pub fn clear_faults(&self) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }

    /// Expires every token issued so far: the next call with one gets the expired-token errcode.
    pub fn expire_tokens(&self) {
        self.shared
            .tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .expire_all();
    }

    /// The value the mock's token endpoints accept for the named credential `$name`.
    pub fn token_var(&self, name: &str) -> String {
        self.shared.config.token_var(name)
    }

    /// How many tokens the token endpoints issued (intermediate ones, such as suite tokens, included).
    pub fn tokens_issued(&self) -> usize {
        self.shared
            .tokens
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .issued()
    }

    /// How many calls reached `domain.operation` (`living.create`), faults and rejections included.
    pub fn calls(&self, operation: &str) -> usize {
        self.shared
            .log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(operation)
            .copied()
            .unwrap_or(0)
    }

    /// How many calls reached the token endpoints, faults and rejections included.
    pub fn token_calls(&self) -> usize {
        self.shared.token_calls.load(Ordering::Relaxed)
    }

    /// Draws faults for every call from `plan` from now on (after any queued ones); `None` stops it.
    pub fn set_fault_plan(&self, plan: Option<FaultPlan>) {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .set_plan(plan);
    }

    /// How many faults were injected so far, queued and planned ones alike, by kind.
    pub fn injected_faults(&self) -> InjectedFaults {
        self.shared
            .faults
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .injected()
    }

    /// Keeps a journal of the requests to `domain.operation` that take effect from now on (those
    /// answered with success by a state rule or the fixture, including the ones a
    /// [`Fault::DropAfter`] or [`Fault::TruncatedJson`] then spoils): the evidence of what a call without
    /// a state rule did. Read it with [`MockServer::take_journal`].
    pub fn journal(&self, operation: &str) {
        self.shared
            .journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(operation.to_owned())
            .or_default();
    }

    /// Takes the journal of `domain.operation` so far (the requests as JSON, query parameters included),
    /// leaving it empty; empty when the journal is off.
    pub fn take_journal(&self, operation: &str) -> Vec<Value> {
        self.shared
            .journal
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(operation)
            .map(std::mem::take)
            .unwrap_or_default()
    }

    /// Removes the records of `store` except the newest `keep`, and returns them, oldest first: a long
    /// run hands its old records over instead of letting the mock grow without bound.
    pub fn take_records(&self, store: &str, keep: usize) -> Vec<Value> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take_oldest(store, keep)
    }

    /// Stops accepting connections and waits until the calls being served are answered (graceful
    /// shutdown); records, journals and counts stay readable. Stopping twice does nothing.
    pub async fn stop(&self) {
        let shutdown = self
            .shutdown
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(tx) = shutdown {
            let _ = tx.send(());
        }
        let serving = self
            .serving
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(serving) = serving {
            let _ = serving.await;
        }
    }

    /// The bytes, file name and content type of the upload stored under `id`, if any.
    pub fn media(&self, id: &str) -> Option<(Vec<u8>, String, String)> {
        self.shared
            .media
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(id)
            .map(|m| (m.bytes.clone(), m.file_name.clone(), m.content_type.clone()))
    }

    /// Stores `bytes` as if uploaded (to serve downloads of media no test uploaded); returns its id.
    pub fn seed_media(&self, bytes: Vec<u8>, file_name: &str, content_type: &str) -> String {
        self.shared
            .media
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(bytes, file_name.into(), content_type.into())
    }

    /// A copy of the records of `store`.
    pub fn records(&self, store: &str) -> Vec<Value> {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .records(store)
    }

    /// Adds a record to `store` (for data no endpoint creates, such as viewers); returns its id.
    pub fn seed(&self, store: &str, record: Value) -> String {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(store, record)
    }

    /// Merges `fields` into the record `id` of `store` (to move a live to another status, say).
    /// Returns whether the record exists.
    pub fn update_record(&self, store: &str, id: &str, fields: Value) -> bool {
        self.shared
            .state
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .merge(store, id, fields)
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        let shutdown = self.shutdown.get_mut().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = shutdown.take() {
            let _ = tx.send(());
        }
    }
}
