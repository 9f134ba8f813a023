//! A Redis token store: processes on several hosts share one token and refresh it once between them
//! (`SET NX PX` lock, compare-and-delete by Lua script).

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use redis::aio::MultiplexedConnection;

use super::store::{lock_id, unix_now, StoreError, StoredToken, TokenStore};
use crate::secret::Secret;

/// Deletes KEYS[1] only if its value is ARGV[1].
const DELETE_IF_EQUAL: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// Tokens under `<prefix><key>`, locks under `<prefix><key>:lock`.
#[derive(Clone)]
pub struct RedisStore {
    connection: MultiplexedConnection,
    prefix: String,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

fn store_error(e: redis::RedisError) -> StoreError {
    StoreError(e.to_string())
}

impl RedisStore {
    /// Connects to `url` (`redis://127.0.0.1:6379/`); keys start with `wxlive:`.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(store_error)?;
        let connection = client
            .get_multiplexed_async_connection()
            .await
            .map_err(store_error)?;
        Ok(RedisStore {
            connection,
            prefix: "wxlive:".into(),
        })
    }

    /// Another key prefix.
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = prefix.into();
        self
    }

    fn token_key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    fn lock_key(&self, key: &str) -> String {
        format!("{}{key}:lock", self.prefix)
    }
}

/// `expires_at refresh_at token` — the token last, since it may contain anything but a newline.
fn encode(t: &StoredToken) -> String {
    format!("{} {} {}", t.expires_at, t.refresh_at, t.token.expose())
}

fn parse(value: &str) -> Option<StoredToken> {
    let mut parts = value.splitn(3, ' ');
    let expires_at = parts.next()?.parse().ok()?;
    let refresh_at = parts.next()?.parse().ok()?;
    let token = parts.next()?;
    Some(StoredToken {
        token: Secret::new(token),
        expires_at,
        refresh_at,
    })
}

impl TokenStore for RedisStore {
    fn load<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<StoredToken>, StoreError>> {
        Box::pin(async move {
            let mut con = self.connection.clone();
            let value: Option<String> = redis::cmd("GET")
                .arg(self.token_key(key))
                .query_async(&mut con)
                .await
                .map_err(store_error)?;
            Ok(value
                .as_deref()
                .and_then(parse)
                .filter(|t| t.remaining(unix_now()) > 0))
        })
    }

    fn save<'a>(
        &'a self,
        key: &'a str,
        token: &'a StoredToken,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let ttl_ms = (token.remaining(unix_now()).max(1) as u64) * 1000;
            let mut con = self.connection.clone();
            let _: () = redis::cmd("SET")
                .arg(self.token_key(key))
                .arg(encode(token))
                .arg("PX")
                .arg(ttl_ms)
                .query_async(&mut con)
                .await
                .map_err(store_error)?;
            Ok(())
        })
    }

    fn remove_if<'a>(
        &'a self,
        key: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut con = self.connection.clone();
            let value: Option<String> = redis::cmd("GET")
                .arg(self.token_key(key))
                .query_async(&mut con)
                .await
                .map_err(store_error)?;
            if let Some(value) = value.filter(|v| parse(v).is_some_and(|t| &t.token == token)) {
                let _: i64 = redis::cmd("EVAL")
                    .arg(DELETE_IF_EQUAL)
                    .arg(1)
                    .arg(self.token_key(key))
                    .arg(value)
                    .query_async(&mut con)
                    .await
                    .map_err(store_error)?;
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
            let id = lock_id();
            let mut con = self.connection.clone();
            let taken: Option<String> = redis::cmd("SET")
                .arg(self.lock_key(key))
                .arg(&id)
                .arg("NX")
                .arg("PX")
                .arg(ttl.as_millis() as u64)
                .query_async(&mut con)
                .await
                .map_err(store_error)?;
            Ok(taken.map(|_| id))
        })
    }

    fn unlock<'a>(
        &'a self,
        key: &'a str,
        lock_id: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let mut con = self.connection.clone();
            let _: i64 = redis::cmd("EVAL")
                .arg(DELETE_IF_EQUAL)
                .arg(1)
                .arg(self.lock_key(key))
                .arg(lock_id)
                .query_async(&mut con)
                .await
                .map_err(store_error)?;
            Ok(())
        })
    }
}
