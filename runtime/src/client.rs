//! The client every generated domain API calls through.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::{Stream, TryStreamExt};
use tracing::Instrument;

use crate::error::Error;
use crate::http::Transport;
use crate::meta::{ErrorClass, HttpMethod, Location, Operation, Product};
use crate::request::{ApiRequest, Paginated};
use crate::secret::Secret;
use crate::token::{CredentialTokenProvider, TokenCache, TokenProvider, TokenStore};
use crate::validate::Profile;

/// How failed calls are retried. Which errcodes are `busy`, `throttled` or `token_invalid` comes from
/// the product spec; a token errcode always refreshes the token and retries exactly once.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries of an idempotent call after a `busy` errcode (-1). The official advice is at most 3.
    pub busy_retries: u32,
    /// Backoff after `busy`: retry `n` waits a random time up to `base_delay × 2^n` (full jitter, from
    /// a random source of each client, so clients hit by one burst do not retry in lockstep).
    pub base_delay: Duration,
    /// Retries of an idempotent call after a `throttled` errcode (45009, 45033).
    pub throttled_retries: u32,
    /// Backoff after `throttled`, as for `busy`.
    pub throttled_delay: Duration,
    /// Total time for a call, retries and token refresh included.
    pub deadline: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            busy_retries: 3,
            base_delay: Duration::from_millis(200),
            throttled_retries: 2,
            throttled_delay: Duration::from_secs(1),
            deadline: Duration::from_secs(60),
        }
    }
}

/// Per-call options, set with [`Client::with_options`] (or the generated client's `with_options`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Timeout of one HTTP attempt (default: the client's).
    pub attempt_timeout: Option<Duration>,
    /// Total time of a call, retries included (default: the retry policy's deadline).
    pub deadline: Option<Duration>,
}

/// Takes the raw answer of an attempt: `Err` with what its errcode envelope says, `Ok` once the
/// answer is kept (see [`Client::execute`]).
type Accept<'a> = &'a mut (dyn FnMut(&crate::http::RawResponse) -> Result<(), Error> + Send);

/// How much earlier than the deadline an attempt's own timeout must end it for the attempt to run
/// without a deadline timer (reqwest starts its clock a little after the client looks at its own).
const DEADLINE_SLACK: Duration = Duration::from_millis(100);

fn deadline_exceeded(operation: &str, maybe_sent: bool) -> Error {
    Error::Transport {
        operation: operation.to_owned(),
        message: "timed out: the call deadline passed".into(),
        maybe_sent,
    }
}

/// Builds a [`Client`], or a generated product client `C` wrapping one.
pub struct ClientBuilder<C = Client> {
    product: &'static Product,
    base_url: Option<String>,
    credentials: Option<(String, Secret)>,
    token_endpoint: Option<String>,
    token_vars: Vec<(String, Secret)>,
    provider: Option<Arc<dyn TokenProvider>>,
    validation: Profile,
    max_response_bytes: usize,
    connect_timeout: Duration,
    timeout: Duration,
    refresh_margin: Duration,
    retry: RetryPolicy,
    http: Option<reqwest::Client>,
    store: Option<Arc<dyn TokenStore>>,
    app: String,
    token_key: Option<String>,
    lock_ttl: Duration,
    output: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("product", &self.product.name)
            .field("base_url", &self.base_url)
            .field("id", &self.credentials.as_ref().map(|(id, _)| id))
            .field("provider", &self.provider)
            .field("validation", &self.validation)
            .finish_non_exhaustive()
    }
}

impl<C: From<Client>> ClientBuilder<C> {
    /// A builder for `product`, validating requests before sending, 10 s connect and 30 s call timeouts.
    pub fn new(product: &'static Product) -> Self {
        ClientBuilder {
            product,
            base_url: None,
            credentials: None,
            token_endpoint: None,
            token_vars: Vec::new(),
            provider: None,
            validation: Profile::Official,
            max_response_bytes: crate::http::DEFAULT_MAX_RESPONSE_BYTES,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            refresh_margin: Duration::from_secs(300),
            retry: RetryPolicy::default(),
            http: None,
            store: None,
            app: "default".into(),
            token_key: None,
            lock_ttl: TokenCache::DEFAULT_LOCK_TTL,
            output: PhantomData,
        }
    }

    /// Id (corp id / app id) and secret, for the product's token endpoint.
    pub fn credentials(mut self, id: impl Into<String>, secret: impl Into<Secret>) -> Self {
        self.credentials = Some((id.into(), secret.into()));
        self
    }

    /// Which token endpoint of the product spec the credentials are for (default: the spec's default,
    /// e.g. WeChat's `stable_token`; `token` selects the legacy `cgi-bin/token`).
    pub fn token_endpoint(mut self, name: impl Into<String>) -> Self {
        self.token_endpoint = Some(name.into());
        self
    }

    /// A named credential the token endpoint needs besides id and secret (`$name` in the spec). For
    /// values that change while the client runs (a suite_ticket), build a
    /// [`CredentialTokenProvider`] yourself, keep it, and call its `set_var`.
    pub fn token_var(mut self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.token_vars.push((name.into(), value.into()));
        self
    }

    /// Your own token source instead of id + secret.
    pub fn token_provider(mut self, provider: Arc<dyn TokenProvider>) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Another base URL (a proxy, a mock server). Defaults to the product's host.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Whether requests are validated before sending (default: yes, official rules only).
    pub fn validate_requests(mut self, on: bool) -> Self {
        self.validation = if on { Profile::Official } else { Profile::Off };
        self
    }

    /// Which rules requests must pass before they are sent: [`Profile::Official`] (the default: the
    /// client never rejects what the official server accepts), [`Profile::Strict`] (product rules too,
    /// such as a component's policies the spec records) or [`Profile::Off`]. Broken advice is logged as
    /// a `tracing` warning under either of the first two and never fails a call.
    pub fn validation(mut self, profile: Profile) -> Self {
        self.validation = profile;
        self
    }

    /// The most bytes of a response body the client reads (default 4 MiB); a longer body is
    /// [`Error::BodyTooLarge`], read no further.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Connect timeout.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Timeout of one HTTP attempt.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long before expiry the token is refreshed (default 300 s, at most half its lifetime).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The retry policy.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// Shares tokens through `store` (a [`MemoryStore`](crate::token::MemoryStore) for clients of one
    /// process, a `RedisStore` across processes): one refresh between all of them.
    pub fn token_store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// Labels the app (default `default`). The store key is
    /// `token:<product>:<token endpoint>:<id>:<fingerprint of the secret>:<app>`: apps of one corp are
    /// kept apart by their secrets already, the label adds a readable name.
    pub fn app(mut self, label: impl Into<String>) -> Self {
        self.app = label.into();
        self
    }

    /// Sets the store key outright. Needed with a store and a custom token provider that names no key
    /// of its own ([`TokenProvider::store_key`]); clients with the same key share one token, so give
    /// each app of each corp its own.
    pub fn token_key(mut self, key: impl Into<String>) -> Self {
        self.token_key = Some(key.into());
        self
    }

    /// How long a refresh may hold the store's lock (default 10 s): a lock whose holder died expires
    /// after this, and waiting clients take over. Make it longer than fetching a token takes.
    pub fn token_lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl;
        self
    }

    /// A preconfigured reqwest client (its own timeouts then apply).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client. Fails when neither credentials nor a token provider were given.
    pub fn build(self) -> Result<C, Error> {
        let provider: Arc<dyn TokenProvider> = match (self.provider, self.credentials) {
            (Some(p), _) => p,
            (None, Some((id, secret))) => {
                let provider = match &self.token_endpoint {
                    Some(name) => {
                        CredentialTokenProvider::for_endpoint(self.product, name, id, secret)?
                    }
                    None => CredentialTokenProvider::new(self.product, id, secret),
                };
                for (name, value) in self.token_vars {
                    provider.set_var(name, value);
                }
                Arc::new(provider)
            }
            (None, None) => {
                return Err(Error::Config {
                    message: format!(
                        "no credentials and no token provider were configured for {}; call \
                         `.credentials(id, secret)` or `.token_provider(..)`",
                        self.product.name
                    ),
                })
            }
        };
        let (http, attempt_timeout) = match self.http {
            Some(http) => (http, None),
            None => (
                Transport::default_http(self.connect_timeout, self.timeout)?,
                Some(self.timeout),
            ),
        };
        let base_url = self.base_url.as_deref().unwrap_or(self.product.host);
        check_base_url(base_url)?;
        let token_key = match (self.token_key, &self.store) {
            (Some(key), _) => key,
            (None, None) => String::new(),
            (None, Some(_)) => match provider.store_key() {
                Some(key) => format!("token:{key}:{}", crate::token::key_part(&self.app)),
                None => {
                    return Err(Error::Config {
                        message: "a token store needs a key naming the app of a custom token provider: set `token_key(..)`".into(),
                    })
                }
            },
        };
        let client = Client {
            inner: Arc::new(Inner {
                transport: Transport::new(http, base_url)
                    .max_response_bytes(self.max_response_bytes),
                product: self.product,
                tokens: match self.store {
                    Some(store) => TokenCache::new(provider, self.refresh_margin)
                        .with_store(store, token_key)
                        .with_lock_ttl(self.lock_ttl),
                    None => TokenCache::new(provider, self.refresh_margin),
                },
                validation: self.validation,
                retry: self.retry,
                jitter: crate::backoff::Jitter::new(),
                attempt_timeout,
            }),
            options: CallOptions::default(),
        };
        Ok(C::from(client))
    }
}

pub(crate) struct Inner {
    pub(crate) transport: Transport,
    pub(crate) product: &'static Product,
    pub(crate) tokens: TokenCache,
    pub(crate) validation: Profile,
    pub(crate) retry: RetryPolicy,
    pub(crate) jitter: crate::backoff::Jitter,
    /// The timeout of the reqwest client this client built (`None` for one the user brought).
    pub(crate) attempt_timeout: Option<Duration>,
}

/// A client of one product for one app. Cheap to clone; clones share the token cache.
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
    pub(crate) options: CallOptions,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("product", &self.inner.product.name)
            .field("base_url", &self.inner.transport.base_url())
            .field("tokens", &self.inner.tokens)
            .field("options", &self.options)
            .finish()
    }
}

impl Client {
    /// A builder for `product`.
    pub fn builder(product: &'static Product) -> ClientBuilder<Client> {
        ClientBuilder::new(product)
    }

    /// The product this client talks to.
    pub fn product(&self) -> &'static Product {
        self.inner.product
    }

    /// Sends `request`: validates it, attaches the token, decodes the answer; refreshes the token and
    /// retries once on a token errcode, retries idempotent calls on `busy`, and never re-sends a
    /// non-idempotent call that may have reached the server.
    pub async fn send<R: ApiRequest>(&self, request: &R) -> Result<R::Response, Error> {
        // Only this thin part is generic; the retry loop below is compiled once for all requests.
        let op = R::OPERATION;
        let operation = op.id();
        if !matches!(R::TRANSFER, crate::media_spec::Transfer::Json) {
            return Err(Error::Config {
                message: format!(
                    "`{operation}` moves a file: call its upload or download method instead of send()"
                ),
            });
        }
        if self.inner.validation != Profile::Off {
            let warnings = request
                .validate_with(self.inner.validation)
                .map_err(|source| Error::Validation {
                    operation: operation.clone(),
                    source,
                })?;
            for w in &warnings {
                tracing::warn!(
                    operation = %operation,
                    field = %w.field,
                    rule = %w.rule,
                    source = w.source.unwrap_or(""),
                    "the request does not follow advice: {}",
                    w.message
                );
            }
        }
        let body = match op.method {
            HttpMethod::Post => Some(encode_body(request).map_err(|e| Error::Encode {
                operation: operation.clone(),
                message: e.to_string(),
            })?),
            HttpMethod::Get => None,
        };
        let mut params = request.query();
        params.extend(
            R::CONSTANTS
                .iter()
                .filter(|c| c.location == Location::Query)
                .map(|c| (c.name, c.value.to_query())),
        );
        let product = self.inner.product;
        let mut answer = None;
        self.execute(op, &operation, params, body, &mut |raw| {
            answer = Some(crate::http::decode_answer::<R::Response>(
                &operation, product, op, raw,
            )?);
            Ok(())
        })
        .await?;
        answer.unwrap_or_else(|| {
            Err(Error::Decode {
                operation: operation.clone(),
                status: 0,
                message: "the call ended without an answer".into(),
                excerpt: String::new(),
            })
        })
    }

    /// Sends one operation with retries until `accept` takes an answer: it answers what the errcode
    /// envelope says ([`Error::Api`] for a non-zero errcode, judged here for retries) and keeps the
    /// typed answer of a success.
    async fn execute(
        &self,
        op: &'static Operation,
        operation: &str,
        params: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
        accept: Accept<'_>,
    ) -> Result<(), Error> {
        let span = tracing::info_span!(
            "wxlive.call",
            domain = op.domain,
            endpoint = op.name,
            attempt = tracing::field::Empty,
            errcode = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        self.execute_with_retries(op, operation, params, body, accept)
            .instrument(span)
            .await
    }

    async fn execute_with_retries(
        &self,
        op: &'static Operation,
        operation: &str,
        params: Vec<(&'static str, String)>,
        body: Option<Vec<u8>>,
        accept: Accept<'_>,
    ) -> Result<(), Error> {
        let inner = &*self.inner;
        let started = Instant::now();
        let deadline = started + self.options.deadline.unwrap_or(inner.retry.deadline);
        let attempt_timeout = self.options.attempt_timeout;
        // The timeout every attempt has anyway: the per-call option, or the one this client gave
        // its own reqwest client (unknown for a reqwest client the user brought).
        let known_attempt_timeout = attempt_timeout.or(inner.attempt_timeout);
        let mut token_refreshed = false;
        let (mut busy_retries, mut throttled_retries) = (0, 0);
        for attempt in 1u32.. {
            let span = tracing::Span::current();
            span.record("attempt", attempt);
            let token =
                match tokio::time::timeout_at(deadline.into(), inner.tokens.get(&inner.transport))
                    .await
                {
                    Ok(token) => token?,
                    Err(_) => {
                        return Err(Error::Token(Box::new(Error::Transport {
                            operation: operation.to_owned(),
                            message:
                                "timed out: the call deadline passed while getting an access token"
                                    .into(),
                            maybe_sent: false,
                        })))
                    }
                };
            let mut query: Vec<(&str, &str)> = Vec::with_capacity(params.len() + 1);
            query.push((inner.product.token_param, token.expose()));
            query.extend(params.iter().map(|(k, v)| (*k, v.as_str())));
            let call = inner.transport.execute_with_timeout(
                operation,
                op.method,
                op.path,
                &query,
                body.clone(),
                attempt_timeout,
            );
            // When the attempt's own timeout ends it well before the deadline, a second timer for
            // the deadline would never fire: the attempt runs without one.
            let outcome = if known_attempt_timeout
                .is_some_and(|timeout| Instant::now() + timeout + DEADLINE_SLACK <= deadline)
            {
                call.await
            } else {
                match tokio::time::timeout_at(deadline.into(), call).await {
                    Ok(outcome) => outcome,
                    Err(_) if !op.idempotent => {
                        return Err(Error::OutcomeUnknown {
                            operation: operation.to_owned(),
                            message: "the call deadline passed before an answer came".into(),
                        })
                    }
                    Err(_) => return Err(deadline_exceeded(operation, true)),
                }
            };
            let raw = match outcome {
                Ok(raw) => raw,
                Err(Error::Transport {
                    operation,
                    message,
                    maybe_sent: true,
                }) if !op.idempotent => {
                    return Err(Error::OutcomeUnknown { operation, message });
                }
                Err(e) => return Err(e),
            };
            let result = accept(&raw);
            if !span.is_disabled() {
                span.record("latency_ms", started.elapsed().as_millis() as u64);
            }
            let api = match result {
                Ok(()) => return Ok(()),
                Err(Error::Api(api)) => api,
                // A non-idempotent call answered with a body that is not the envelope: a 2xx means
                // the server did process it, a 5xx from a gateway may come after it did. Either way
                // only the state can tell, as after a dropped connection.
                Err(Error::Decode {
                    operation,
                    status,
                    message,
                    ..
                }) if !op.idempotent && (status >= 500 || (200..300).contains(&status)) => {
                    return Err(Error::OutcomeUnknown {
                        operation,
                        message: format!("the answer (HTTP {status}) could not be read: {message}"),
                    })
                }
                Err(other) => return Err(other),
            };
            span.record("errcode", api.errcode);
            let delay = match api.class() {
                ErrorClass::TokenInvalid if !token_refreshed => {
                    tracing::debug!(errcode = api.errcode, "token rejected; refreshing once");
                    inner.tokens.invalidate(&token).await;
                    token_refreshed = true;
                    continue;
                }
                ErrorClass::Busy if op.idempotent && busy_retries < inner.retry.busy_retries => {
                    busy_retries += 1;
                    inner.jitter.delay(inner.retry.base_delay, busy_retries)
                }
                ErrorClass::Throttled
                    if op.idempotent && throttled_retries < inner.retry.throttled_retries =>
                {
                    throttled_retries += 1;
                    inner
                        .jitter
                        .delay(inner.retry.throttled_delay, throttled_retries)
                }
                _ => return Err(Error::Api(api)),
            };
            if Instant::now() + delay >= deadline {
                tracing::debug!(errcode = api.errcode, "no time left for another attempt");
                return Err(Error::Api(api));
            }
            tracing::debug!(errcode = api.errcode, ?delay, "backing off before retrying");
            tokio::time::sleep(delay).await;
        }
        unreachable!("the retry loop only ends by returning")
    }

    /// A client sharing this one's token cache and connections, with other per-call options.
    pub fn with_options(&self, options: CallOptions) -> Client {
        Client {
            inner: self.inner.clone(),
            options,
        }
    }

    /// Every page of a [`Paginated`] operation, starting with `first`; the stream follows the
    /// operation's own end rule and ends with an error instead of looping when a cursor repeats.
    pub fn pages<'a, R: Paginated + 'a>(
        &'a self,
        first: R,
    ) -> impl Stream<Item = Result<R::Response, Error>> + 'a {
        self.paginate(first, R::next_page)
    }

    /// Every item of every page of a [`Paginated`] operation, in order.
    pub fn items<'a, R: Paginated + 'a>(
        &'a self,
        first: R,
    ) -> impl Stream<Item = Result<R::Item, Error>> + 'a {
        self.pages(first)
            .map_ok(|page| futures::stream::iter(R::items(page).into_iter().map(Ok)))
            .try_flatten()
    }

    /// Pages through an operation: `next` derives the following request from the current one and its
    /// answer, `Ok(None)` after the last page, or `Err(why)` when the answer breaks the paging rule.
    /// A request that would repeat the current one ends the stream with an error instead of looping.
    pub fn paginate<'a, R, F>(
        &'a self,
        first: R,
        next: F,
    ) -> impl Stream<Item = Result<R::Response, Error>> + 'a
    where
        R: ApiRequest + Clone + PartialEq + 'a,
        F: Fn(&R, &R::Response) -> Result<Option<R>, String> + 'a,
    {
        futures::stream::unfold((Some(first), next), move |(state, next)| async move {
            let request = state?;
            match self.send(&request).await {
                Ok(page) => {
                    let broken = |message: String| {
                        let op = R::OPERATION;
                        Error::Decode {
                            operation: format!("{}.{}", op.domain, op.name),
                            status: 200,
                            message,
                            excerpt: String::new(),
                        }
                    };
                    match next(&request, &page) {
                        Ok(Some(following)) if following == request => Some((
                            Err(broken("pagination stalled: the same cursor came back without an end signal".into())),
                            (None, next),
                        )),
                        Ok(following) => Some((Ok(page), (following, next))),
                        Err(why) => Some((Err(broken(format!("pagination broken: {why}"))), (None, next))),
                    }
                }
                Err(e) => Some((Err(e), (None, next))),
            }
        })
    }
}

/// `Ok` for an `http://` or `https://` URL with a host (the base URL of every call).
fn check_base_url(url: &str) -> Result<(), Error> {
    let parsed = reqwest::Url::parse(url).map_err(|e| Error::Config {
        message: format!(
            "the base URL `{url}` is not a URL ({e}); expected e.g. `https://qyapi.weixin.qq.com`"
        ),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none() {
        return Err(Error::Config {
            message: format!(
                "the base URL `{url}` is not an http(s) URL with a host; expected e.g. `https://qyapi.weixin.qq.com`"
            ),
        });
    }
    Ok(())
}

/// The JSON body of `request`, with the spec's body constants added.
fn encode_body<R: ApiRequest>(request: &R) -> Result<Vec<u8>, serde_json::Error> {
    let mut constants = R::CONSTANTS
        .iter()
        .filter(|c| c.location == Location::Body)
        .peekable();
    if constants.peek().is_none() {
        return serde_json::to_vec(request);
    }
    let mut value = serde_json::to_value(request)?;
    if let serde_json::Value::Object(map) = &mut value {
        for c in constants {
            map.insert(c.name.to_owned(), c.value.to_json());
        }
    }
    serde_json::to_vec(&value)
}
