//! The token cache: early refresh, single flight, compare-before-invalidate, shared through a store.

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use super::store::{unix_now, StoreError, StoredToken, TokenStore};
use super::TokenProvider;
use crate::error::Error;
use crate::http::Transport;
use crate::secret::Secret;

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
    /// The last token the API rejected: a store may still hold it for a moment (another process, or
    /// this one, is removing it), and it must not be taken from there again.
    rejected: RwLock<Option<Secret>>,
    refresh: tokio::sync::Mutex<()>,
    margin: Duration,
    lock_ttl: Duration,
}

impl fmt::Debug for TokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenCache")
            .field("provider", &self.provider)
            .field("store", &self.store)
            .field("key", &self.key)
            .field("margin", &self.margin)
            .field("lock_ttl", &self.lock_ttl)
            .finish()
    }
}

impl TokenCache {
    /// How long one refresher may hold a store's lock unless told otherwise
    /// ([`TokenCache::with_lock_ttl`]).
    pub const DEFAULT_LOCK_TTL: Duration = Duration::from_secs(10);

    /// A cache refreshing `margin` before expiry (at most half of a token's lifetime), local to the process.
    pub fn new(provider: Arc<dyn TokenProvider>, margin: Duration) -> Self {
        TokenCache {
            provider,
            store: None,
            key: String::new(),
            current: RwLock::new(None),
            rejected: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            margin,
            lock_ttl: Self::DEFAULT_LOCK_TTL,
        }
    }

    /// Shares tokens through `store` under `key` (one key per app of one corp).
    pub fn with_store(mut self, store: Arc<dyn TokenStore>, key: impl Into<String>) -> Self {
        self.store = Some(store);
        self.key = key.into();
        self
    }

    /// How long a refresher holds the store's lock at most: after that a lock whose holder died (or
    /// hangs) expires and other caches take over. Make it longer than a token fetch takes.
    pub fn with_lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl;
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
            Some(store) => self.through_store(store, transport).await,
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
    /// A store that fails (down, slow, restarting) is bypassed: the token is fetched directly. A lock
    /// holder is waited for at most about one lock TTL, after which its lock has expired and is taken
    /// over; should it still be taken then, the token is fetched without it.
    async fn through_store(
        &self,
        store: &Arc<dyn TokenStore>,
        transport: &Transport,
    ) -> Result<StoredToken, Error> {
        let give_up = Instant::now() + self.lock_ttl + POLL * 5;
        let fresh = |t: &StoredToken| unix_now() < t.refresh_at && !self.was_rejected(&t.token);
        loop {
            match store.load(&self.key).await {
                Ok(Some(t)) if fresh(&t) => return Ok(t),
                Ok(_) => {}
                Err(e) => return self.fetch_bypassing(&e, transport).await,
            }
            match store.try_lock(&self.key, self.lock_ttl).await {
                Ok(Some(id)) => {
                    let lock = HeldLock {
                        store: store.clone(),
                        key: self.key.clone(),
                        id: Some(id),
                    };
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
                    lock.release().await;
                    return result;
                }
                Ok(None) if Instant::now() < give_up => tokio::time::sleep(POLL).await,
                Ok(None) => {
                    tracing::warn!(
                        lock_ttl = ?self.lock_ttl,
                        "the token lock stayed taken for longer than its TTL; fetching the token without it"
                    );
                    return self.fetch(transport).await;
                }
                Err(e) => return self.fetch_bypassing(&e, transport).await,
            }
        }
    }

    /// Whether the API rejected `token` (the last one it rejected).
    fn was_rejected(&self, token: &Secret) -> bool {
        self.rejected
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .is_some_and(|r| r == token)
    }

    /// Fetches from the provider when the store failed.
    async fn fetch_bypassing(
        &self,
        error: &StoreError,
        transport: &Transport,
    ) -> Result<StoredToken, Error> {
        tracing::warn!(%error, "token store unavailable; fetching the token directly");
        self.fetch(transport).await
    }

    /// Drops the token if it is still `failed` (a token another caller already replaced stays), here
    /// and in the store. Until the store has dropped it, callers of this cache that find it there
    /// ignore it and refresh under the store's lock.
    pub async fn invalidate(&self, failed: &Secret) {
        *self.rejected.write().unwrap_or_else(|e| e.into_inner()) = Some(failed.clone());
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

/// A store lock this cache holds. Released by [`HeldLock::release`]; if the refresh is cancelled
/// instead (its call's deadline passed), released in the background, so other caches need not wait out
/// the lock's TTL.
struct HeldLock {
    store: Arc<dyn TokenStore>,
    key: String,
    id: Option<String>,
}

impl HeldLock {
    async fn release(mut self) {
        if let Some(id) = &self.id {
            if let Err(e) = self.store.unlock(&self.key, id).await {
                tracing::warn!(error = %e, "could not release the token lock; it expires by itself");
            }
            self.id = None;
        }
    }
}

impl Drop for HeldLock {
    fn drop(&mut self) {
        let Some(id) = self.id.take() else { return };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let store = self.store.clone();
        let key = std::mem::take(&mut self.key);
        runtime.spawn(async move {
            if let Err(e) = store.unlock(&key, &id).await {
                tracing::warn!(error = %e, "could not release the token lock; it expires by itself");
            }
        });
    }
}
