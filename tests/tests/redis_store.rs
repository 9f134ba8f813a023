//! The Redis token store against a real `redis-server`, started on a free loopback port.
//!
//! Without `redis-server` on PATH these tests cannot run: the binary says so plainly and passes, unless
//! `WXLIVE_REQUIRE_REDIS=1` (set by `.ci/run`, which installs Redis) turns that into a failure.
//! A plain `main` (harness = false) so that message is never swallowed by the test harness.

use std::net::TcpStream;
use std::panic::AssertUnwindSafe;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use wxlive::runtime::mock::MockServer;
use wxlive::runtime::token::{RedisStore, StoredToken, TokenStore};
use wxlive::runtime::Secret;
use wxlive::wecom::living::GetLivingCodeRequest;
use wxlive::wecom::WecomClient;

struct RedisServer {
    child: Child,
    url: String,
}

impl RedisServer {
    fn start() -> Option<RedisServer> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut server = RedisServer {
            child,
            url: format!("redis://127.0.0.1:{port}/"),
        };
        let until = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > until || server.child.try_wait().ok().flatten().is_some() {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Some(server)
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn client(mock: &MockServer, store: Arc<RedisStore>) -> WecomClient {
    WecomClient::builder()
        .credentials("mock-corp", "mock-secret")
        .base_url(mock.base_url())
        .token_store(store)
        .build()
        .unwrap()
}

async fn burst(client: &WecomClient, n: usize) {
    let request = GetLivingCodeRequest {
        livingid: "L".into(),
        openid: "o".into(),
    };
    let api = client.living();
    let results = futures::future::join_all((0..n).map(|_| api.send(&request))).await;
    for r in results {
        r.expect("call succeeds");
    }
}

async fn two_clients_with_separate_caches_share_one_token(url: &str) {
    let mock = MockServer::start(wxlive::wecom::mock_config())
        .await
        .unwrap();
    // Two stores, two connections, two caches: as two processes would have.
    let a = client(
        &mock,
        Arc::new(RedisStore::connect(url).await.unwrap().with_prefix("t1:")),
    )
    .await;
    let b = client(
        &mock,
        Arc::new(RedisStore::connect(url).await.unwrap().with_prefix("t1:")),
    )
    .await;
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

async fn the_lock_is_exclusive_owned_and_expires(url: &str) {
    let store = RedisStore::connect(url).await.unwrap().with_prefix("t2:");
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
    tokio::time::sleep(Duration::from_millis(400)).await;
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

async fn a_failed_token_is_removed_only_if_still_current(url: &str) {
    let store = RedisStore::connect(url).await.unwrap().with_prefix("t3:");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
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

fn main() -> ExitCode {
    let required = std::env::var("WXLIVE_REQUIRE_REDIS").is_ok_and(|v| v == "1");
    let Some(server) = RedisServer::start() else {
        if required {
            eprintln!(
                "redis_store: FAILED: WXLIVE_REQUIRE_REDIS=1 but redis-server could not be started"
            );
            return ExitCode::FAILURE;
        }
        println!("redis_store: the Redis tests did NOT run: redis-server is not installed (.ci/run installs it; set WXLIVE_REQUIRE_REDIS=1 to make this a failure)");
        return ExitCode::SUCCESS;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let url = server.url.clone();
    let mut failures = 0;
    let names = [
        "two_clients_with_separate_caches_share_one_token",
        "the_lock_is_exclusive_owned_and_expires",
        "a_failed_token_is_removed_only_if_still_current",
    ];
    for name in names {
        let outcome = std::panic::catch_unwind(AssertUnwindSafe(|| {
            runtime.block_on(async {
                match name {
                    "two_clients_with_separate_caches_share_one_token" => {
                        two_clients_with_separate_caches_share_one_token(&url).await
                    }
                    "the_lock_is_exclusive_owned_and_expires" => {
                        the_lock_is_exclusive_owned_and_expires(&url).await
                    }
                    _ => a_failed_token_is_removed_only_if_still_current(&url).await,
                }
            })
        }));
        match outcome {
            Ok(()) => println!("redis_store: {name} ... ok"),
            Err(_) => {
                println!("redis_store: {name} ... FAILED");
                failures += 1;
            }
        }
    }
    drop(server);
    if failures == 0 {
        println!(
            "redis_store: all {} Redis tests ran against a real redis-server and passed",
            names.len()
        );
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
