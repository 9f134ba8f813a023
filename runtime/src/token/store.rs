//! Where tokens are shared between clients and processes.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::future::BoxFuture;

use crate::secret::Secret;

/// A token as kept in a store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredToken {
    /// The token.
    pub token: Secret,
    /// When it stops being valid, Unix seconds.
    pub expires_at: i64,
    /// When caches should replace it (some time before `expires_at`), Unix seconds.
    pub refresh_at: i64,
}

impl StoredToken {
    /// Seconds of validity left at `now` (Unix seconds); negative once expired.
    pub fn remaining(&self, now: i64) -> i64 {
        self.expires_at - now
    }
}

/// The current time, Unix seconds.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// A store failure. The cache then falls back to fetching by itself, so a store outage degrades to
/// one refresh per process instead of failing calls.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("token store: {0}")]
pub struct StoreError(pub String);

/// Shared token storage with a refresh lock, so that several caches (threads, processes, hosts)
/// refresh once between them. Keys name one app of one corp.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The stored token, if any.
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<StoredToken>, StoreError>>;

    /// Stores `token` (until it expires).
    fn save<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Removes the stored token only if it is still `token` (one that failed), so a token another
    /// process has just stored survives.
    fn remove_if<'a>(
        &'a self,
        key: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Takes the refresh lock of `key` for at most `ttl`; `Some(lock id)` when taken.
    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>>;

    /// Releases the lock if it is still `lock_id`'s.
    fn unlock<'a>(
        &'a self,
        key: &'a str,
        lock_id: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>>;
}

/// A lock id unique enough for one store: process id, time and a counter.
pub(crate) fn lock_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}
