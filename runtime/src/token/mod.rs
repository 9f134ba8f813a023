//! Access tokens: providers that fetch them, a cache that refreshes them once for all callers, and
//! stores that let several processes share one token.

mod cache;
mod memory;
#[cfg(feature = "redis")]
mod redis_store;
mod store;

pub use cache::TokenCache;
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis_store::RedisStore;
pub use store::{StoreError, StoredToken, TokenStore};

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use serde_json::{Map, Value};

use crate::error::Error;
use crate::http::{decode, Transport};
use crate::meta::{HttpMethod, ParamValue, Product, TokenEndpoint};
use crate::secret::Secret;

/// A freshly fetched token and its lifetime.
#[derive(Debug, Clone)]
pub struct FetchedToken {
    /// The token.
    pub token: Secret,
    /// How long it is valid from now.
    pub expires_in: Duration,
}

/// Something that can obtain an access token. Implement it to plug in your own source
/// (a central token service, a third-party suite flow).
pub trait TokenProvider: Send + Sync + fmt::Debug {
    /// Fetches a new token.
    fn fetch<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<FetchedToken, Error>>;

    /// Names whose tokens this provider fetches, for sharing them in a [`TokenStore`]: two providers
    /// must answer the same key only if their tokens are interchangeable (same product, token endpoint,
    /// id and app). `None` (the default) when the provider cannot tell: a client with a store then needs
    /// its key set outright (`ClientBuilder::token_key`).
    fn store_key(&self) -> Option<String> {
        None
    }
}

/// `part` made safe for one `:`-separated component of a store key (`%` and `:` escaped), so that no
/// two different ids or app labels give the same key.
pub(crate) fn key_part(part: &str) -> String {
    part.replace('%', "%25").replace(':', "%3A")
}

/// A short, one-way fingerprint of `secret` for store keys: it tells apart two apps of one corp (each
/// has its own secret) without putting the secret anywhere. The first 8 bytes of a domain-separated
/// SHA-256, in hex.
pub(crate) fn secret_fingerprint(secret: &Secret) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::new()
        .chain_update(b"wxlive token store key v1\n")
        .chain_update(secret.expose().as_bytes())
        .finalize();
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Gets tokens from a token endpoint of the product spec: by default the product's default one
/// (WeCom `gettoken`, WeChat `stable_token`), or any other the spec declares
/// ([`CredentialTokenProvider::for_endpoint`]: WeChat's legacy `cgi-bin/token`, a WeCom third-party app's
/// `get_corp_token`). Everything about the flow comes from the spec: parameters are the id (`$id`), the
/// secret (`$secret`), named credentials (`$suite_ticket`: [`CredentialTokenProvider::set_var`]) and
/// tokens of other token endpoints (`$token.get_suite_token`), which are fetched, cached until shortly
/// before they expire and never sent to business APIs.
pub struct CredentialTokenProvider {
    product: &'static Product,
    endpoint: &'static TokenEndpoint,
    id: String,
    secret: Secret,
    vars: Mutex<BTreeMap<String, Secret>>,
    intermediate: Mutex<BTreeMap<&'static str, (Secret, Instant)>>,
}

impl CredentialTokenProvider {
    /// A provider of the product's default token endpoint for the given id (corp id, app id) and
    /// secret.
    pub fn new(
        product: &'static Product,
        id: impl Into<String>,
        secret: impl Into<Secret>,
    ) -> Self {
        CredentialTokenProvider {
            product,
            endpoint: &product.token,
            id: id.into(),
            secret: secret.into(),
            vars: Mutex::new(BTreeMap::new()),
            intermediate: Mutex::new(BTreeMap::new()),
        }
    }

    /// A provider of the token endpoint named `name` in the product spec; an unknown name is a `Token`
    /// error naming the endpoints there are.
    pub fn for_endpoint(
        product: &'static Product,
        name: &str,
        id: impl Into<String>,
        secret: impl Into<Secret>,
    ) -> Result<Self, Error> {
        let Some(endpoint) = product.token_endpoint(name) else {
            let known: Vec<&str> = product.tokens.iter().map(|t| t.name).collect();
            return Err(Error::Config {
                message: format!(
                    "the spec of {} declares no token endpoint `{name}`; expected one of {}",
                    product.name,
                    known.join(", ")
                ),
            });
        };
        Ok(CredentialTokenProvider {
            endpoint,
            ..Self::new(product, id, secret)
        })
    }

    /// Sets the named credential `$name` (a third-party app's `suite_id`, `suite_secret`, and each new
    /// `suite_ticket` pushed to its instruction callback).
    pub fn set_var(&self, name: impl Into<String>, value: impl Into<Secret>) {
        lock(&self.vars).insert(name.into(), value.into());
    }

    /// [`CredentialTokenProvider::set_var`], builder style.
    pub fn with_var(self, name: impl Into<String>, value: impl Into<Secret>) -> Self {
        self.set_var(name, value);
        self
    }

    /// The value of `v` for a request, or what is missing.
    async fn value(&self, v: &ParamValue, transport: &Transport) -> Result<Value, Error> {
        Ok(match v {
            ParamValue::Id => self.id.clone().into(),
            ParamValue::Secret => self.secret.expose().into(),
            ParamValue::Var(name) => match lock(&self.vars).get(*name) {
                Some(value) => value.expose().into(),
                None => {
                    return Err(token_error(
                        self.product,
                        format!("no value for `${name}`: set it with `set_var(\"{name}\", ...)`"),
                    ))
                }
            },
            ParamValue::Token(name) => self.intermediate(name, transport).await?.expose().into(),
            ParamValue::Literal(s) => (*s).into(),
            ParamValue::Bool(b) => (*b).into(),
        })
    }

    /// The cached token of endpoint `name`, fetched when missing or about to expire.
    fn intermediate<'a>(
        &'a self,
        name: &'static str,
        transport: &'a Transport,
    ) -> BoxFuture<'a, Result<Secret, Error>> {
        Box::pin(async move {
            if let Some((token, until)) = lock(&self.intermediate).get(name).cloned() {
                if Instant::now() < until {
                    return Ok(token);
                }
            }
            let Some(endpoint) = self.product.token_endpoint(name) else {
                return Err(token_error(
                    self.product,
                    format!("the spec declares no token endpoint `{name}`"),
                ));
            };
            let fetched = self.call(endpoint, transport).await?;
            let lifetime = fetched.expires_in;
            let until = Instant::now()
                + lifetime.saturating_sub(Duration::from_secs(300).min(lifetime / 2));
            lock(&self.intermediate).insert(name, (fetched.token.clone(), until));
            Ok(fetched.token)
        })
    }

    /// Calls `endpoint` and reads the token from its answer.
    fn call<'a>(
        &'a self,
        endpoint: &'static TokenEndpoint,
        transport: &'a Transport,
    ) -> BoxFuture<'a, Result<FetchedToken, Error>> {
        Box::pin(async move {
            let operation = format!("{}.{}", self.product.name, endpoint.name);
            let text = |v: Value| v.as_str().map_or_else(|| v.to_string(), str::to_owned);
            let mut query: Vec<(&str, String)> = Vec::new();
            for (name, v) in endpoint.query {
                query.push((name, text(self.value(v, transport).await?)));
            }
            let mut body = Map::new();
            for (name, v) in endpoint.params {
                let value = self.value(v, transport).await?;
                match endpoint.method {
                    HttpMethod::Get => query.push((name, text(value))),
                    HttpMethod::Post => {
                        body.insert((*name).to_owned(), value);
                    }
                }
            }
            let body = match endpoint.method {
                HttpMethod::Get => None,
                HttpMethod::Post => {
                    Some(serde_json::to_vec(&body).expect("a JSON map always serialises"))
                }
            };
            let pairs: Vec<(&str, &str)> = query.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let raw = transport
                .execute(&operation, endpoint.method, endpoint.path, &pairs, body)
                .await?;
            let answer: Map<String, Value> = decode(&operation, self.product, None, &raw, false)?;
            let token = answer
                .get(endpoint.token_field)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty());
            let Some(token) = token else {
                return Err(Error::Decode {
                    operation,
                    status: 200,
                    message: format!("the answer has no `{}`", endpoint.token_field),
                    excerpt: String::new(),
                });
            };
            let expires_in = answer
                .get(endpoint.expires_field)
                .and_then(Value::as_u64)
                .unwrap_or(7200);
            Ok(FetchedToken {
                token: Secret::new(token),
                expires_in: Duration::from_secs(expires_in),
            })
        })
    }

    /// Whether `endpoint` needs the token of another endpoint.
    fn depends_on_tokens(endpoint: &TokenEndpoint) -> bool {
        endpoint
            .query
            .iter()
            .chain(endpoint.params)
            .any(|(_, v)| matches!(v, ParamValue::Token(_)))
    }
}

impl fmt::Debug for CredentialTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vars: Vec<String> = lock(&self.vars).keys().cloned().collect();
        f.debug_struct("CredentialTokenProvider")
            .field("product", &self.product.name)
            .field("endpoint", &self.endpoint.name)
            .field("id", &self.id)
            .field("secret", &self.secret)
            .field("vars", &vars)
            .finish_non_exhaustive()
    }
}

impl TokenProvider for CredentialTokenProvider {
    /// `<product>:<token endpoint>:<id>:<fingerprint of the secret>`.
    fn store_key(&self) -> Option<String> {
        Some(format!(
            "{}:{}:{}:{}",
            key_part(self.product.name),
            key_part(self.endpoint.name),
            key_part(&self.id),
            secret_fingerprint(&self.secret)
        ))
    }

    fn fetch<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<FetchedToken, Error>> {
        Box::pin(async move {
            match self.call(self.endpoint, transport).await {
                // A rejected or expired intermediate token (a suite token): drop the cached ones and
                // try once more with new ones.
                Err(Error::Api(_)) if Self::depends_on_tokens(self.endpoint) => {
                    lock(&self.intermediate).clear();
                    self.call(self.endpoint, transport).await
                }
                other => other,
            }
        })
    }
}

fn token_error(product: &Product, message: String) -> Error {
    Error::Token(Box::new(Error::Transport {
        operation: format!("{}.token", product.name),
        message,
        maybe_sent: false,
    }))
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
