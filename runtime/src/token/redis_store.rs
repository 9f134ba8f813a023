//! A Redis token store: processes on several hosts share one token and refresh it once between them
//! (a `SET NX PX` lock taken by Lua script, compare-and-delete by Lua script).

use std::fmt;
use std::time::Duration;

use futures::future::BoxFuture;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};

use super::store::{lock_id, unix_now, StoreError, StoredToken, TokenStore};
use crate::secret::Secret;

/// Deletes KEYS[1] only if its value is ARGV[1].
const DELETE_IF_EQUAL: &str = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/// Takes the lock KEYS[1] for ARGV[1] for ARGV[2] ms. Idempotent (a lock already ARGV[1]'s is taken:
/// a retried command whose first reply was lost still gets its lock), and it repairs a lock somebody
/// left without an expiry, which would otherwise block every refresh forever: it gets one of ARGV[2] ms.
const TAKE_LOCK: &str = "\
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0";

/// Shares tokens through Redis. Tokens live under `<prefix><key>` (expiring with the token), refresh
/// locks under `<prefix><key>:lock`; the prefix defaults to `wxlive:` and the key, which the client
/// builder derives, names the product, token endpoint, app id / corp id, a fingerprint of the secret and
/// the app label, so two corps or two apps of one corp never see each other's tokens.
///
/// # Under faults
///
/// The store is only an optimisation: calls never depend on Redis being up.
///
/// - **Every operation is bounded**: [`RedisStore::connect_with_timeout`] sets how long one operation
///   may take, reconnecting included (default [`RedisStore::DEFAULT_TIMEOUT`]). A slow, paused or unreachable
///   Redis is a [`StoreError`] after that time, never a hang.
/// - **Redis down** (stopped before or during a refresh, slow, unreachable): the token cache logs a
///   warning and fetches the token by itself, once per process (its single flight still holds); a
///   still-valid token keeps being served. Calls keep working. This is safe for the default token
///   endpoints: WeCom's `gettoken` and WeChat's `stable_token` answer the same token while it is valid.
///   With WeChat's legacy `cgi-bin/token` each such fetch issues a new token and the previous one stops
///   working after a short overlap, so other processes then get one token errcode, refresh and retry once.
/// - **Restart**: the connection is re-established by itself (redis-rs' `ConnectionManager`); an
///   operation that finds the connection dropped is retried once on the new connection within its
///   timeout, so the first refresh after Redis is back is shared again: one token fetch between all
///   processes per expiry.
/// - **Lock holder died**: every lock expires by itself after the lock TTL the cache asks for (10 s by
///   default, `ClientBuilder::token_lock_ttl`); waiting caches take it over then. A lock key found without
///   any expiry (written by hand, say) is given one, so it cannot block refreshes forever. A cache waits
///   for a lock holder at most about one lock TTL, then fetches by itself.
/// - **Call deadlines** still bound everything: a call whose deadline passes while it waits for a token
///   fails with [`Error::Token`](crate::Error::Token).
///
/// The stored value is `<expires_at> <refresh_at> <token>`: the token is readable by anyone who can read
/// the Redis keys, so protect Redis as you would the token. The Debug output shows the prefix only.
#[derive(Clone)]
pub struct RedisStore {
    connection: ConnectionManager,
    prefix: String,
    timeout: Duration,
}

impl fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisStore")
            .field("prefix", &self.prefix)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

fn store_error(e: redis::RedisError) -> StoreError {
    StoreError(e.to_string())
}

impl RedisStore {
    /// How long one Redis operation may take by default, reconnecting included.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(500);

    /// Connects to `url` (`redis://127.0.0.1:6379/`); keys start with `wxlive:`; operations time out
    /// after [`RedisStore::DEFAULT_TIMEOUT`]. Fails when Redis cannot be reached now (later outages are
    /// survived, see [`RedisStore`]).
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        Self::connect_with_timeout(url, Self::DEFAULT_TIMEOUT).await
    }

    /// [`RedisStore::connect`] with another bound on each operation (connecting and reconnecting
    /// included).
    pub async fn connect_with_timeout(url: &str, timeout: Duration) -> Result<Self, StoreError> {
        let client = redis::Client::open(url).map_err(store_error)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(timeout))
            .set_response_timeout(Some(timeout))
            // Reconnection runs in the background; a few quick tries, then the next operation starts
            // another round. Operations never wait longer than `timeout` for it.
            .set_number_of_retries(2)
            .set_min_delay(Duration::from_millis(20))
            .set_max_delay(timeout);
        let connection =
            tokio::time::timeout(timeout, client.get_connection_manager_with_config(config))
                .await
                .map_err(|_| {
                    StoreError(format!("connecting to Redis timed out after {timeout:?}"))
                })?
                .map_err(store_error)?;
        Ok(RedisStore {
            connection,
            prefix: "wxlive:".into(),
            timeout,
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

    /// Runs `cmd` within the store's timeout. A command that finds the connection dropped (Redis
    /// restarted) is sent once more: the connection manager reconnects meanwhile. Every command sent
    /// here is idempotent.
    async fn run<T: redis::FromRedisValue>(&self, cmd: &redis::Cmd) -> Result<T, StoreError> {
        let attempt = async {
            let mut con = self.connection.clone();
            match cmd.query_async(&mut con).await {
                Err(e) if e.is_io_error() || e.is_unrecoverable_error() => {
                    cmd.query_async(&mut con).await
                }
                other => other,
            }
        };
        match tokio::time::timeout(self.timeout, attempt).await {
            Ok(result) => result.map_err(store_error),
            Err(_) => Err(StoreError(format!(
                "Redis did not answer within {:?}",
                self.timeout
            ))),
        }
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
            let value: Option<String> =
                self.run(redis::cmd("GET").arg(self.token_key(key))).await?;
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
            let _: () = self
                .run(
                    redis::cmd("SET")
                        .arg(self.token_key(key))
                        .arg(encode(token))
                        .arg("PX")
                        .arg(ttl_ms),
                )
                .await?;
            Ok(())
        })
    }

    fn remove_if<'a>(
        &'a self,
        key: &'a str,
        token: &'a Secret,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let value: Option<String> =
                self.run(redis::cmd("GET").arg(self.token_key(key))).await?;
            if let Some(value) = value.filter(|v| parse(v).is_some_and(|t| &t.token == token)) {
                let _: i64 = self
                    .run(
                        redis::cmd("EVAL")
                            .arg(DELETE_IF_EQUAL)
                            .arg(1)
                            .arg(self.token_key(key))
                            .arg(value),
                    )
                    .await?;
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
            let taken: i64 = self
                .run(
                    redis::cmd("EVAL")
                        .arg(TAKE_LOCK)
                        .arg(1)
                        .arg(self.lock_key(key))
                        .arg(&id)
                        .arg(ttl.as_millis().max(1) as u64),
                )
                .await?;
            Ok((taken == 1).then_some(id))
        })
    }

    fn unlock<'a>(
        &'a self,
        key: &'a str,
        lock_id: &'a str,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let _: i64 = self
                .run(
                    redis::cmd("EVAL")
                        .arg(DELETE_IF_EQUAL)
                        .arg(1)
                        .arg(self.lock_key(key))
                        .arg(lock_id),
                )
                .await?;
            Ok(())
        })
    }
}
