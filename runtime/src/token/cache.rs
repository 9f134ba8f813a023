//! The token cache: early refresh, single flight, compare-before-invalidate, shared through a store.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::store::{unix_now, StoredToken, TokenStore};
use super::TokenProvider;
use crate::error::Error;
use crate::http::Transport;
use crate::secret::Secret;

/// How long one refresher may hold a store's lock.
const LOCK_TTL: Duration = Duration::from_secs(10);
/// How often a waiting cache looks for the token another process is fetching.
const POLL: Duration = Duration::from_millis(20);

#[derive(Clone)]
struct Cached {
    token: Secret,
    refresh_at: i64,
    expires_at: i64,
}

/// Caches the token of one app. Callers that find it missing or due for refresh wait for a single
/// fetch (single flight); with a [`TokenStore`], caches in other processes share that fetch too. A failed
/// proactive refresh keeps serving the old token while it is still valid.
pub struct TokenCache {
    provider: Arc<dyn TokenProvider>,
    store: Option<Arc<dyn TokenStore>>,
    key: String,
    current: RwLock<Option<Cached>>,
    refresh: tokio::sync::Mutex<()>,
    margin: Duration,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("provider", &self.provider)
            .field("store", &self.store)
            .field("key", &self.key)
            .field("margin", &self.margin)
            .finish()
    }
}

impl TokenCache {
    /// A cache refreshing `margin` before expiry (at most half of a token's lifetime), local to the process.
    pub fn new(provider: Arc<dyn TokenProvider>, margin: Duration) -> Self {
        TokenCache {
            provider,
            store: None,
            key: String::new(),
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            margin,
        }
    }

    /// Shares tokens through `store` under `key` (one key per app of one corp).
    pub fn with_store(mut self, store: Arc<dyn TokenStore>, key: impl Into<String>) -> Self {
        self.store = Some(store);
        self.key = key.into();
        self
    }

    fn cached(&self, now: i64) -> Option<Cached> {
        let guard = self.current.read().unwrap_or_else(|e| e.into_inner());
        guard.as_ref().filter(|t| now < t.expires_at).cloned()
    }

    fn remember(&self, t: &StoredToken) {
        let entry = Cached {
            token: t.token.clone(),
            refresh_at: t.refresh_at,
            expires_at: t.expires_at,
        };
        *self.current.write().unwrap_or_else(|e| e.into_inner()) = Some(entry);
    }

    /// When a token valid until `expires_at` (fetched with `lifetime` seconds) should be refreshed.
    fn refresh_point(&self, expires_at: i64, lifetime: i64) -> i64 {
        let margin = (self.margin.as_secs() as i64).min(lifetime / 2);
        expires_at - margin
    }

    /// A valid token, fetching one when needed.
    pub async fn get(&self, transport: &Transport) -> Result<Secret, Error> {
        let now = unix_now();
        if let Some(t) = self.cached(now).filter(|t| now < t.refresh_at) {
            return Ok(t.token);
        }
        let _single_flight = self.refresh.lock().await;
        let now = unix_now();
        let old = self.cached(now);
        if let Some(t) = old.as_ref().filter(|t| now < t.refresh_at) {
            return Ok(t.token.clone());
        }
        let result = match &self.store {
            None => self.fetch(transport).await,
            Some(store) => self.through_store(store.as_ref(), transport).await,
        };
        match result {
            Ok(token) => {
                self.remember(&token);
                Ok(token.token)
            }
            Err(err) => match old {
                Some(still_valid) => {
                    tracing::warn!(error = %err, "proactive token refresh failed; serving the old token");
                    Ok(still_valid.token)
                }
                None => Err(match err {
                    Error::Token(_) => err,
                    other => Error::Token(Box::new(other)),
                }),
            },
        }
    }

    /// Fetches from the provider.
    async fn fetch(&self, transport: &Transport) -> Result<StoredToken, Error> {
        let fetched = self.provider.fetch(transport).await?;
        let lifetime = fetched.expires_in.as_secs() as i64;
        let expires_at = unix_now() + lifetime;
        Ok(StoredToken {
            token: fetched.token,
            expires_at,
            refresh_at: self.refresh_point(expires_at, lifetime),
        })
    }

    /// Takes a fresh token from the store, or refreshes under the store's lock while other caches wait.
    async fn through_store(
        &self,
        store: &dyn TokenStore,
        transport: &Transport,
    ) -> Result<StoredToken, Error> {
        let give_up = Instant::now() + LOCK_TTL * 2;
        let fresh = |t: &StoredToken| unix_now() < t.refresh_at;
        loop {
            match store.load(&self.key).await {
                Ok(Some(t)) if fresh(&t) => return Ok(t),
                Ok(Some(_)) => {}
                Ok(None) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "token store unavailable; fetching directly");
                    return self.fetch(transport).await;
                }
            }
            match store.try_lock(&self.key, LOCK_TTL).await {
                Ok(Some(lock)) => {
                    let result = match store.load(&self.key).await {
                        Ok(Some(t)) if fresh(&t) => Ok(t),
                        _ => {
                            let fetched = self.fetch(transport).await;
                            if let Ok(t) = &fetched {
                                if let Err(e) = store.save(&self.key, t).await {
                                    tracing::warn!(error = %e, "could not share the new token");
                                }
                            }
                            fetched
                        }
                    };
                    if let Err(e) = store.unlock(&self.key, &lock).await {
                        tracing::warn!(error = %e, "could not release the token lock; it expires by itself");
                    }
                    return result;
                }
                Ok(None) if Instant::now() < give_up => tokio::time::sleep(POLL).await,
                Ok(None) => {
                    return Err(Error::Token(Box::new(Error::Transport {
                        operation: "token".into(),
                        message: "timed out waiting for another process to refresh the token"
                            .into(),
                        maybe_sent: false,
                    })))
                }
                Err(e) => {
                    tracing::warn!(error = %e, "token store unavailable; fetching directly");
                    return self.fetch(transport).await;
                }
            }
        }
    }

    /// Drops the token if it is still `failed` (a token another caller already replaced stays), here
    /// and in the store.
    pub async fn invalidate(&self, failed: &Secret) {
        {
            let mut guard = self.current.write().unwrap_or_else(|e| e.into_inner());
            if guard.as_ref().is_some_and(|t| &t.token == failed) {
                *guard = None;
            }
        }
        if let Some(store) = &self.store {
            if let Err(e) = store.remove_if(&self.key, failed).await {
                tracing::warn!(error = %e, "could not drop the failed token from the store");
            }
        }
    }
}
