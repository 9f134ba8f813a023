//! Access tokens: providers that fetch them, a cache that refreshes them once for all callers, and
//! stores that let several processes share one token.

mod cache;
mod memory;
#[cfg(feature = "redis")]
mod redis_store;
mod store;
mod suite;

pub use cache::TokenCache;
pub use memory::MemoryStore;
#[cfg(feature = "redis")]
pub use redis_store::RedisStore;
pub use store::{StoreError, StoredToken, TokenStore};
pub use suite::{SuiteCredentials, SuiteTokenProvider};

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;

use crate::error::Error;
use crate::http::{decode, Transport};
use crate::meta::{HttpMethod, ParamValue, Product};
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
}

/// Gets tokens from the product's id + secret endpoint (WeCom `gettoken`, WeChat `cgi-bin/token`).
pub struct CredentialTokenProvider {
    product: &'static Product,
    id: String,
    secret: Secret,
}

impl CredentialTokenProvider {
    /// A provider for the given id (corp id, app id) and secret.
    pub fn new(
        product: &'static Product,
        id: impl Into<String>,
        secret: impl Into<Secret>,
    ) -> Self {
        CredentialTokenProvider {
            product,
            id: id.into(),
            secret: secret.into(),
        }
    }
}

impl fmt::Debug for CredentialTokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CredentialTokenProvider")
            .field("product", &self.product.name)
            .field("id", &self.id)
            .field("secret", &self.secret)
            .finish()
    }
}

impl TokenProvider for CredentialTokenProvider {
    fn fetch<'a>(&'a self, transport: &'a Transport) -> BoxFuture<'a, Result<FetchedToken, Error>> {
        Box::pin(async move {
            let endpoint = &self.product.token;
            let value_of = |v: &ParamValue| -> serde_json::Value {
                match v {
                    ParamValue::Id => self.id.clone().into(),
                    ParamValue::Secret => self.secret.expose().into(),
                    ParamValue::Literal(s) => (*s).into(),
                    ParamValue::Bool(b) => (*b).into(),
                }
            };
            let operation = format!("{}.token", self.product.name);
            let raw = match endpoint.method {
                HttpMethod::Get => {
                    let values: Vec<(&str, String)> = endpoint
                        .params
                        .iter()
                        .map(|(name, v)| {
                            (
                                *name,
                                value_of(v)
                                    .as_str()
                                    .map_or_else(|| value_of(v).to_string(), str::to_owned),
                            )
                        })
                        .collect();
                    let query: Vec<(&str, &str)> =
                        values.iter().map(|(n, v)| (*n, v.as_str())).collect();
                    transport
                        .execute(&operation, endpoint.method, endpoint.path, &query, None)
                        .await?
                }
                HttpMethod::Post => {
                    let body: serde_json::Map<String, serde_json::Value> = endpoint
                        .params
                        .iter()
                        .map(|(name, v)| ((*name).to_owned(), value_of(v)))
                        .collect();
                    let body = serde_json::to_vec(&body).expect("a JSON map always serialises");
                    transport
                        .execute(&operation, endpoint.method, endpoint.path, &[], Some(body))
                        .await?
                }
            };
            let body: serde_json::Map<String, serde_json::Value> =
                decode(&operation, self.product, None, &raw, false)?;
            let token = body
                .get(endpoint.token_field)
                .and_then(|v| v.as_str())
                .filter(|t| !t.is_empty());
            let Some(token) = token else {
                return Err(Error::Decode {
                    operation,
                    status: 200,
                    message: format!("the answer has no `{}`", endpoint.token_field),
                    excerpt: String::new(),
                });
            };
            let expires_in = body
                .get(endpoint.expires_field)
                .and_then(|v| v.as_u64())
                .unwrap_or(7200);
            Ok(FetchedToken {
                token: Secret::new(token),
                expires_in: Duration::from_secs(expires_in),
            })
        })
    }
}
