//! The Redis token store against a real `redis-server`, started on a free loopback port: sharing, the
//! lock, and faults (Redis stopped before and during a refresh, restarted on the same port, paused, a
//! lock left by a dead owner, several corps and apps in one Redis).
//!
//! Without `redis-server` on PATH these tests cannot run: the binary says so plainly and passes, unless
//! `WXLIVE_REQUIRE_REDIS=1` (set by `.ci/run`, which installs Redis) turns that into a failure.
//! A plain `main` (harness = false) so that message is never swallowed by the test harness. Each test
//! gets its own `redis-server` (they stop and restart it) and fails if it runs longer than
//! [`TEST_LIMIT`]: a hang is a failure, not a stuck build.

use std::panic::AssertUnwindSafe;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use wxlive::runtime::mock::{Fault, MockServer, Target};
use wxlive::runtime::token::{RedisStore, StoredToken, TokenStore};
use wxlive::runtime::{CallOptions, RetryPolicy, Secret};
use wxlive::wecom::living::GetLivingCodeRequest;
use wxlive::wecom::WecomClient;
use wxlive::Error;
use wxlive_tests::RedisServer;

/// The longest one test may run.
const TEST_LIMIT: Duration = Duration::from_secs(30);
/// The call deadline of the clients here.
const DEADLINE: Duration = Duration::from_secs(5);

/// Looking at and tampering with the keys of a test server.
trait Admin {
    async fn admin(&self) -> redis::aio::MultiplexedConnection;
    async fn keys(&self, pattern: &str) -> Vec<String>;
    async fn wait_for_keys(&self, pattern: &str, present: bool);
}

impl Admin for RedisServer {
    /// A plain connection for looking at and tampering with the keys; it waits as long as Redis takes
    /// to answer.
    async fn admin(&self) -> redis::aio::MultiplexedConnection {
        let config = redis::AsyncConnectionConfig::new().set_response_timeout(None);
        redis::Client::open(self.url.as_str())
            .unwrap()
            .get_multiplexed_async_connection_with_config(&config)
            .await
            .expect("admin connection")
    }

    /// The keys matching `pattern`, sorted.
    async fn keys(&self, pattern: &str) -> Vec<String> {
        let mut keys: Vec<String> = redis::cmd("KEYS")
            .arg(pattern)
            .query_async(&mut self.admin().await)
            .await
            .unwrap();
        keys.sort();
        keys
    }

    /// Waits (polling Redis, bounded) until `pattern` matches `present` keys or none.
    async fn wait_for_keys(&self, pattern: &str, present: bool) {
        let until = Instant::now() + Duration::from_secs(5);
        while self.keys(pattern).await.is_empty() == present {
            assert!(
                Instant::now() < until,
                "keys `{pattern}` never became {}",
                if present { "present" } else { "absent" }
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }
}

async fn store(server: &RedisServer, prefix: &str, timeout: Duration) -> Arc<RedisStore> {
    Arc::new(
        RedisStore::connect_with_timeout(&server.url, timeout)
            .await
            .unwrap()
            .with_prefix(prefix),
    )
}

/// A client of `mock` (its credentials) sharing tokens through `store`: as one process would be.
fn client(mock: &MockServer, store: Arc<RedisStore>, lock_ttl: Duration) -> WecomClient {
    let (id, secret) = mock.credentials();
    WecomClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(mock.base_url())
        .retry_policy(RetryPolicy {
            deadline: DEADLINE,
            ..wxlive_tests::fast_retries()
        })
        .token_store(store)
        .token_lock_ttl(lock_ttl)
        .build()
        .unwrap()
}

fn within(client: &WecomClient, deadline: Duration) -> WecomClient {
    client.with_options(CallOptions {
        deadline: Some(deadline),
        ..CallOptions::default()
    })
}

async fn mock() -> MockServer {
    MockServer::start(wxlive::wecom::mock_config())
        .await
        .unwrap()
}

async fn mock_for(id: &str, secret: &str) -> MockServer {
    MockServer::start(wxlive::wecom::mock_config().credentials(id, secret))
        .await
        .unwrap()
}

const OPERATION: &str = "living.get_living_code";

async fn call(client: &WecomClient) -> Result<(), Error> {
    let request = GetLivingCodeRequest {
        livingid: "L".into(),
        openid: "o".into(),
    };
    client.runtime().send(&request).await.map(drop)
}

/// `n` concurrent calls, every one of which must succeed.
async fn burst(client: &WecomClient, n: usize) {
    let results = futures::future::join_all((0..n).map(|_| call(client))).await;
    for r in results {
        r.expect("call succeeds");
    }
}

fn is_deadline_token_error(e: &Error) -> bool {
    matches!(e, Error::Token(_)) && e.to_string().contains("deadline")
}

async fn two_clients_with_separate_caches_share_one_token(server: &mut RedisServer) {
    let mock = mock().await;
    let ttl = Duration::from_secs(10);
    // Two stores, two connections, two caches: as two processes would have.
    let a = client(
        &mock,
        store(server, "t1:", Duration::from_secs(1)).await,
        ttl,
    );
    let b = client(
        &mock,
        store(server, "t1:", Duration::from_secs(1)).await,
        ttl,
    );
    tokio::join!(burst(&a, 50), burst(&b, 50));
    assert_eq!(
        mock.tokens_issued(),
        1,
        "one gettoken between the two clients"
    );
    mock.expire_tokens();
    tokio::join!(burst(&a, 50), burst(&b, 50));
    assert_eq!(
        mock.tokens_issued(),
        2,
        "one refresh between the two clients"
    );
}

async fn the_lock_is_exclusive_owned_and_expires(server: &mut RedisServer) {
    let store = store(server, "t2:", Duration::from_secs(1)).await;
    let id = store
        .try_lock("k", Duration::from_millis(300))
        .await
        .unwrap()
        .expect("free lock");
    assert!(
        store
            .try_lock("k", Duration::from_millis(300))
            .await
            .unwrap()
            .is_none(),
        "held"
    );
    store.unlock("k", "somebody-else").await.unwrap();
    assert!(
        store
            .try_lock("k", Duration::from_millis(300))
            .await
            .unwrap()
            .is_none(),
        "only its owner unlocks it"
    );
    server.wait_for_keys("t2:k:lock", false).await;
    let again = store
        .try_lock("k", Duration::from_secs(5))
        .await
        .unwrap()
        .expect("expired lock is free");
    assert_ne!(id, again);
    store.unlock("k", &again).await.unwrap();
    assert!(store
        .try_lock("k", Duration::from_secs(5))
        .await
        .unwrap()
        .is_some());
}

async fn a_lock_left_without_expiry_is_given_one(server: &mut RedisServer) {
    let store = store(server, "t3:", Duration::from_secs(1)).await;
    let mut admin = server.admin().await;
    let _: () = redis::cmd("SET")
        .arg("t3:k:lock")
        .arg("written-by-hand")
        .query_async(&mut admin)
        .await
        .unwrap();
    assert!(
        store
            .try_lock("k", Duration::from_millis(200))
            .await
            .unwrap()
            .is_none(),
        "a held lock is not taken"
    );
    let pttl: i64 = redis::cmd("PTTL")
        .arg("t3:k:lock")
        .query_async(&mut admin)
        .await
        .unwrap();
    assert!(
        (1..=200).contains(&pttl),
        "the lock got the TTL asked for: {pttl}"
    );
    server.wait_for_keys("t3:k:lock", false).await;
    assert!(store
        .try_lock("k", Duration::from_secs(5))
        .await
        .unwrap()
        .is_some());
}

async fn a_failed_token_is_removed_only_if_still_current(server: &mut RedisServer) {
    let store = store(server, "t4:", Duration::from_secs(1)).await;
    let now = wxlive_tests::unix_in(0);
    let new = StoredToken {
        token: Secret::new("NEW"),
        expires_at: now + 100,
        refresh_at: now + 50,
    };
    store.save("k", &new).await.unwrap();
    store.remove_if("k", &Secret::new("OLD")).await.unwrap();
    assert_eq!(
        store.load("k").await.unwrap(),
        Some(new),
        "a replaced token survives"
    );
    store.remove_if("k", &Secret::new("NEW")).await.unwrap();
    assert_eq!(store.load("k").await.unwrap(), None);
}

async fn calls_survive_redis_stopped_before_a_refresh_and_share_again_after_a_restart(
    server: &mut RedisServer,
) {
    let mock = mock().await;
    let ttl = Duration::from_secs(10);
    let timeout = Duration::from_millis(300);
    let a = client(&mock, store(server, "t5:", timeout).await, ttl);
    let b = client(&mock, store(server, "t5:", timeout).await, ttl);
    tokio::join!(burst(&a, 20), burst(&b, 20));
    assert_eq!(mock.tokens_issued(), 1);
    // C connects now but calls only after the restart: its first command meets the dropped connection.
    let c = client(&mock, store(server, "t5:", timeout).await, ttl);

    server.stop();
    mock.expire_tokens();
    tokio::join!(burst(&a, 20), burst(&b, 20));
    assert_eq!(
        mock.tokens_issued(),
        3,
        "with Redis down each client refreshed once by itself"
    );

    server.restart();
    mock.expire_tokens();
    tokio::join!(burst(&a, 20), burst(&b, 20), burst(&c, 20));
    assert_eq!(
        mock.tokens_issued(),
        4,
        "once Redis is back (same port) the refresh is shared again"
    );
    assert_eq!(
        server.keys("t5:*").await.len(),
        1,
        "the new token is in the restarted Redis"
    );
    mock.expire_tokens();
    tokio::join!(burst(&a, 20), burst(&b, 20), burst(&c, 20));
    assert_eq!(mock.tokens_issued(), 5, "and stays shared");
}

async fn calls_survive_redis_stopped_during_a_refresh(server: &mut RedisServer) {
    let mock = mock().await;
    let ttl = Duration::from_secs(10);
    let timeout = Duration::from_millis(300);
    let a = client(&mock, store(server, "t6:", timeout).await, ttl);
    let b = client(&mock, store(server, "t6:", timeout).await, ttl);
    // A's refresh holds the lock while its gettoken is slow; B waits for it; then Redis dies.
    mock.inject(Target::Token, Fault::Latency(Duration::from_millis(400)), 1);
    let first = tokio::spawn({
        let a = a.clone();
        async move { call(&a).await }
    });
    server.wait_for_keys("t6:*:lock", true).await;
    let second = tokio::spawn({
        let b = b.clone();
        async move { call(&b).await }
    });
    server.stop();
    first
        .await
        .unwrap()
        .expect("the lock holder's call succeeds");
    second.await.unwrap().expect("the waiter's call succeeds");
    assert_eq!(
        mock.tokens_issued(),
        2,
        "the waiter fetched by itself once Redis was gone"
    );

    server.restart();
    mock.expire_tokens();
    tokio::join!(burst(&a, 20), burst(&b, 20));
    assert_eq!(
        mock.tokens_issued(),
        3,
        "one shared refresh after the restart"
    );
}

async fn a_paused_redis_is_bypassed_or_fails_within_the_deadline(server: &mut RedisServer) {
    let mock = mock().await;
    let ttl = Duration::from_secs(10);
    // A's store gives up on Redis after 200 ms; B's would wait 10 s, longer than its calls may.
    let a = client(
        &mock,
        store(server, "t7:", Duration::from_millis(200)).await,
        ttl,
    );
    let b = client(
        &mock,
        store(server, "t7:", Duration::from_secs(10)).await,
        ttl,
    );
    let mut admin = server.admin().await;
    let _: () = redis::cmd("CLIENT")
        .arg("PAUSE")
        .arg(1500)
        .arg("ALL")
        .query_async(&mut admin)
        .await
        .unwrap();
    call(&within(&a, Duration::from_millis(1000)))
        .await
        .expect("A fetched by itself within its deadline");
    let started = Instant::now();
    let err = call(&within(&b, Duration::from_millis(300)))
        .await
        .expect_err("B cannot reach Redis in time");
    assert!(is_deadline_token_error(&err), "a clear token error: {err}");
    assert!(
        started.elapsed() < Duration::from_millis(1300),
        "B gave up at its deadline, not when Redis answered: {:?}",
        started.elapsed()
    );
    assert_eq!(mock.tokens_issued(), 1);
    // A PING is answered once the pause is over.
    let _: String = redis::cmd("PING").query_async(&mut admin).await.unwrap();

    mock.expire_tokens();
    tokio::join!(burst(&a, 20), burst(&b, 20));
    assert_eq!(
        mock.tokens_issued(),
        2,
        "one shared refresh once Redis answers again"
    );
}

async fn a_lock_left_by_a_dead_owner_is_taken_over(server: &mut RedisServer) {
    let mock = mock().await;
    let ttl = Duration::from_secs(1);
    let timeout = Duration::from_secs(1);
    call(&client(&mock, store(server, "t8:", timeout).await, ttl))
        .await
        .unwrap();
    let token_keys = server.keys("t8:*").await;
    assert_eq!(token_keys.len(), 1, "{token_keys:?}");
    let token_key = &token_keys[0];
    let lock_key = format!("{token_key}:lock");
    let mut admin = server.admin().await;

    // The owner took the lock as these clients do (its lock id, their TTL), then died; the token is
    // gone from Redis.
    let _: () = redis::cmd("DEL")
        .arg(token_key)
        .query_async(&mut admin)
        .await
        .unwrap();
    let _: () = redis::cmd("SET")
        .arg(&lock_key)
        .arg("4242-1700000000000000000-0")
        .arg("PX")
        .arg(ttl.as_millis() as u64)
        .query_async(&mut admin)
        .await
        .unwrap();
    let c = client(&mock, store(server, "t8:", timeout).await, ttl);
    let d = client(&mock, store(server, "t8:", timeout).await, ttl);
    let err = call(&within(&c, Duration::from_millis(200)))
        .await
        .expect_err("the lock is still held");
    assert!(is_deadline_token_error(&err), "a clear token error: {err}");
    tokio::join!(burst(&c, 10), burst(&d, 10));
    assert_eq!(
        mock.tokens_issued(),
        2,
        "one refresh between the two once the dead lock expired"
    );

    // A lock without any expiry (written by hand, or by something that forgot the TTL).
    let _: () = redis::cmd("DEL")
        .arg(token_key)
        .query_async(&mut admin)
        .await
        .unwrap();
    let _: () = redis::cmd("SET")
        .arg(&lock_key)
        .arg("stuck")
        .query_async(&mut admin)
        .await
        .unwrap();
    let e = client(&mock, store(server, "t8:", timeout).await, ttl);
    let f = client(&mock, store(server, "t8:", timeout).await, ttl);
    tokio::join!(burst(&e, 10), burst(&f, 10));
    assert_eq!(
        mock.tokens_issued(),
        3,
        "one refresh between the two once the stuck lock expired"
    );
}

async fn a_refresh_cut_short_by_its_deadline_releases_its_lock(server: &mut RedisServer) {
    let mock = mock().await;
    // The default TTL: waiting it out would take 10 s.
    let ttl = Duration::from_secs(10);
    let a = client(
        &mock,
        store(server, "t9:", Duration::from_secs(1)).await,
        ttl,
    );
    let b = client(
        &mock,
        store(server, "t9:", Duration::from_secs(1)).await,
        ttl,
    );
    mock.inject(Target::Token, Fault::Latency(Duration::from_secs(2)), 1);
    let err = call(&within(&a, Duration::from_millis(300)))
        .await
        .expect_err("the token endpoint is slower than the deadline");
    assert!(is_deadline_token_error(&err), "a clear token error: {err}");
    server.wait_for_keys("t9:*:lock", false).await;
    call(&within(&b, Duration::from_secs(2)))
        .await
        .expect("B refreshes without waiting out A's lock");
}

async fn corps_and_apps_sharing_one_redis_never_see_each_others_tokens(server: &mut RedisServer) {
    // Two apps of corp A (two secrets) and corp B, each served by its own mock, which rejects any
    // token it did not issue (and the client then refreshes and retries: one more call).
    let mocks = [
        mock_for("corp-a", "secret-app-1").await,
        mock_for("corp-a", "secret-app-2").await,
        mock_for("corp-b", "secret-app-1").await,
    ];
    let ttl = Duration::from_secs(10);
    let mut clients = Vec::new();
    for mock in &mocks {
        // Two processes per app, one Redis prefix for all, the default app label.
        for _ in 0..2 {
            clients.push(client(
                mock,
                store(server, "t10:", Duration::from_secs(1)).await,
                ttl,
            ));
        }
    }
    futures::future::join_all(clients.iter().map(|c| burst(c, 10))).await;
    for mock in &mocks {
        assert_eq!(mock.tokens_issued(), 1, "one token per app");
        // Another app's token would have been rejected (40014) and the call sent again.
        assert_eq!(
            mock.calls(OPERATION),
            20,
            "every call carried its own app's token"
        );
        mock.expire_tokens();
    }
    // Every app refreshes: a token another app stored under a shared key would fail the calls
    // (a second token errcode is not retried).
    futures::future::join_all(clients.iter().map(|c| burst(c, 10))).await;
    for mock in &mocks {
        assert_eq!(mock.tokens_issued(), 2, "one refresh per app");
    }
    let keys = server.keys("t10:*").await;
    assert_eq!(keys.len(), 3, "one key per app: {keys:?}");
}

type Test = for<'a> fn(&'a mut RedisServer) -> BoxFuture<'a, ()>;

macro_rules! tests {
    ($($name:ident),* $(,)?) => {
        [$((stringify!($name), (|s| Box::pin($name(s))) as Test)),*]
    };
}

fn main() -> ExitCode {
    if RedisServer::start().is_none() {
        if wxlive_tests::redis_required() {
            eprintln!(
                "redis_store: FAILED: WXLIVE_REQUIRE_REDIS=1 but redis-server could not be started"
            );
            return ExitCode::FAILURE;
        }
        println!("redis_store: the Redis tests did NOT run: redis-server is not installed (.ci/run installs it; set WXLIVE_REQUIRE_REDIS=1 to make this a failure)");
        return ExitCode::SUCCESS;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let tests = tests![
        two_clients_with_separate_caches_share_one_token,
        the_lock_is_exclusive_owned_and_expires,
        a_lock_left_without_expiry_is_given_one,
        a_failed_token_is_removed_only_if_still_current,
        calls_survive_redis_stopped_before_a_refresh_and_share_again_after_a_restart,
        calls_survive_redis_stopped_during_a_refresh,
        a_paused_redis_is_bypassed_or_fails_within_the_deadline,
        a_lock_left_by_a_dead_owner_is_taken_over,
        a_refresh_cut_short_by_its_deadline_releases_its_lock,
        corps_and_apps_sharing_one_redis_never_see_each_others_tokens,
    ];
    let count = tests.len();
    let mut failures = 0;
    // `cargo test --test redis_store -- <part of a name>` runs only the matching tests.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    for (name, test) in tests {
        if !filter.is_empty() && !filter.iter().any(|f| name.contains(f.as_str())) {
            continue;
        }
        let started = Instant::now();
        let outcome = match RedisServer::start() {
            None => Err("redis-server did not start".to_owned()),
            Some(mut server) => std::panic::catch_unwind(AssertUnwindSafe(|| {
                runtime
                    .block_on(async { tokio::time::timeout(TEST_LIMIT, test(&mut server)).await })
            }))
            .map_err(|_| "panicked".to_owned())
            .and_then(|r| r.map_err(|_| format!("hung: still running after {TEST_LIMIT:?}"))),
        };
        match outcome {
            Ok(()) => println!("redis_store: {name} ... ok ({:?})", started.elapsed()),
            Err(why) => {
                println!("redis_store: {name} ... FAILED: {why}");
                failures += 1;
            }
        }
    }
    if failures == 0 {
        println!("redis_store: all {count} Redis tests ran against a real redis-server and passed");
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
