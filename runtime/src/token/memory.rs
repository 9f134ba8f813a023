//! An in-process token store: shares one token between clients of one process.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;

use super::store::{lock_id, unix_now, StoreError, StoredToken, TokenStore};
use crate::secret::Secret;

/// Tokens and refresh locks in memory. Clone the `Arc` you wrap it in to share it.
#[derive(Debug, Default)]
pub struct MemoryStore {
    tokens: Mutex<HashMap<String, StoredToken>>,
    locks: Mutex<HashMap<String, (String, Instant)>>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }
}

impl TokenStore for MemoryStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<StoredToken>, StoreError>> {
        Box::pin(async move {
            let tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
            Ok(tokens
                .get(key)
                .filter(|t| t.remaining(unix_now()) > 0)
                .cloned())
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            self.tokens
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert(key.to_owned(), token.clone());
            Ok(())
        })
    }

    fn remove_if<'a>(
        &'a self,
        key: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut tokens = self.tokens.lock().unwrap_or_else(|e| e.into_inner());
            if tokens.get(key).is_some_and(|t| &t.token == token) {
                tokens.remove(key);
            }
            Ok(())
        })
    }

    fn try_lock<'a>(
        &'a self,
        key: &'a str,
        ttl: Duration,
    ) -> BoxFuture<'a, Result<Option<String>, StoreError>> {
        Box::pin(async move {
            let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            if locks.get(key).is_some_and(|(_, until)| *until > now) {
                return Ok(None);
            }
            let id = lock_id();
            locks.insert(key.to_owned(), (id.clone(), now + ttl));
            Ok(Some(id))
        })
    }

    fn unlock<'a>(
        &'a self,
        key: &'a str,
        lock_id: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut locks = self.locks.lock().unwrap_or_else(|e| e.into_inner());
            if locks.get(key).is_some_and(|(id, _)| id == lock_id) {
                locks.remove(key);
            }
            Ok(())
        })
    }
}
