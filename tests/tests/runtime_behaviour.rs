//! The runtime under pressure, against the mock server over loopback: single-flight tokens, shared
//! stores, retry bounds, deadlines, per-call options, third-party tokens, many tenants.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wxlive::runtime::mock::{Fault, MockServer, Target};
use wxlive::runtime::token::{CredentialTokenProvider, MemoryStore};
use wxlive::runtime::{CallOptions, ClientRegistry, RetryPolicy};
use wxlive::wecom::living::*;
use wxlive::wecom::WecomClient;
use wxlive::Error;
use wxlive_tests::Recorder;

async fn mock() -> MockServer {
    MockServer::start(wxlive::wecom::mock_config())
        .await
        .unwrap()
}

fn client_for(server: &MockServer) -> WecomClient {
    wxlive_tests::mock_client(server)
}

async fn a_live(client: &WecomClient) -> String {
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 600;
    let request = CreateRequest::builder()
        .anchor_userid("a")
        .theme("t")
        .living_start(start)
        .living_duration(600)
        .build()
        .unwrap();
    client.living().send(&request).await.unwrap().livingid
}

async fn many_reads(
    client: &WecomClient,
    livingid: &str,
    n: usize,
) -> Vec<Result<GetLivingInfoResponse, Error>> {
    let request = GetLivingInfoRequest {
        livingid: livingid.into(),
    };
    let api = client.living();
    futures::future::join_all((0..n).map(|_| api.send(&request))).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_calls_on_a_cold_cache_fetch_one_token() {
    let server = mock().await;
    let client = client_for(&server);
    let request = GetLivingCodeRequest {
        livingid: "L".into(),
        openid: "o".into(),
    };
    let api = client.living();
    let results = futures::future::join_all((0..1000).map(|_| api.send(&request))).await;
    assert!(results.iter().all(Result::is_ok));
    assert_eq!(server.tokens_issued(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thousand_concurrent_calls_with_an_expired_token_refresh_once() {
    let server = mock().await;
    let client = client_for(&server);
    let id = a_live(&client).await;
    assert_eq!(server.tokens_issued(), 1);
    server.expire_tokens();
    let results = many_reads(&client, &id, 1000).await;
    let failed: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failed.is_empty(),
        "{} failed, first: {:?}",
        failed.len(),
        failed.first()
    );
    assert_eq!(
        server.tokens_issued(),
        2,
        "exactly one gettoken for the refresh"
    );
}

#[tokio::test]
async fn two_clients_sharing_a_store_fetch_one_token() {
    let server = mock().await;
    let store = Arc::new(MemoryStore::new());
    let make = || {
        WecomClient::builder()
            .credentials("mock-corp", "mock-secret")
            .base_url(server.base_url())
            .token_store(store.clone())
            .build()
            .unwrap()
    };
    let (a, b) = (make(), make());
    let id = a_live(&a).await;
    many_reads(&b, &id, 10)
        .await
        .into_iter()
        .for_each(|r| assert!(r.is_ok()));
    assert_eq!(server.tokens_issued(), 1);
    // A token rejected for one is replaced once for both.
    server.expire_tokens();
    let (ra, rb) = tokio::join!(many_reads(&a, &id, 20), many_reads(&b, &id, 20));
    assert!(ra.iter().chain(rb.iter()).all(Result::is_ok));
    assert_eq!(server.tokens_issued(), 2);
}

#[tokio::test]
async fn throttled_calls_are_retried_within_the_bound() {
    let server = mock().await;
    let client = client_for(&server);
    let id = a_live(&client).await;
    server.inject(
        Target::Operation("living.get_living_info".into()),
        Fault::Errcode(45009),
        2,
    );
    client
        .living()
        .send(&GetLivingInfoRequest {
            livingid: id.clone(),
        })
        .await
        .expect("retried");
    assert_eq!(server.calls("living.get_living_info"), 3);
    server.inject(
        Target::Operation("living.get_living_info".into()),
        Fault::Errcode(45033),
        5,
    );
    let err = client
        .living()
        .send(&GetLivingInfoRequest { livingid: id })
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(45033));
    assert_eq!(
        server.calls("living.get_living_info"),
        3 + 3,
        "1 try + 2 retries"
    );
}

#[tokio::test]
async fn the_total_deadline_bounds_retries() {
    let server = mock().await;
    let client = WecomClient::builder()
        .credentials("mock-corp", "mock-secret")
        .base_url(server.base_url())
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_secs(5),
            deadline: Duration::from_secs(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    server.inject(Target::All, Fault::Errcode(-1), 10);
    let started = std::time::Instant::now();
    let err = client
        .living()
        .send(&GetLivingInfoRequest {
            livingid: "x".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(-1));
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "did not wait 5 s past the deadline"
    );
}

#[tokio::test]
async fn per_call_options_override_the_timeouts() {
    let server = mock().await;
    let client = client_for(&server);
    let id = a_live(&client).await;
    server.inject(Target::All, Fault::Latency(Duration::from_millis(400)), 2);
    let hurried = client.with_options(CallOptions {
        attempt_timeout: Some(Duration::from_millis(100)),
        deadline: None,
    });
    let err = hurried
        .living()
        .send(&GetLivingInfoRequest {
            livingid: id.clone(),
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("timed out"), "{err}");
    // The original client keeps its defaults and shares the token.
    client
        .living()
        .send(&GetLivingInfoRequest { livingid: id })
        .await
        .expect("patient client");
    assert_eq!(server.tokens_issued(), 1);
}

#[tokio::test]
async fn a_deadline_passing_during_create_is_outcome_unknown() {
    let server = mock().await;
    let client = client_for(&server);
    a_live(&client).await;
    server.inject(
        Target::Operation("living.create".into()),
        Fault::Latency(Duration::from_millis(500)),
        1,
    );
    let hurried = client.with_options(CallOptions {
        attempt_timeout: None,
        deadline: Some(Duration::from_millis(100)),
    });
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 600;
    let request = CreateRequest::builder()
        .anchor_userid("a")
        .theme("t")
        .living_start(start)
        .living_duration(600)
        .build()
        .unwrap();
    let err = hurried.living().send(&request).await.unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
}

/// The client leaves out the deadline's timer only when its own attempt timeout ends the call first;
/// with a reqwest client the user brought (whose timeout it cannot know), the deadline still holds.
#[tokio::test]
async fn the_deadline_holds_over_a_reqwest_client_without_a_timeout() {
    let server = mock().await;
    let client = WecomClient::builder()
        .credentials("mock-corp", "mock-secret")
        .base_url(server.base_url())
        .http_client(reqwest::Client::new())
        .retry_policy(RetryPolicy {
            deadline: Duration::from_millis(300),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let id = a_live(&client).await;
    server.inject(Target::All, Fault::Latency(Duration::from_secs(5)), 1);
    let started = std::time::Instant::now();
    let err = client
        .living()
        .send(&GetLivingInfoRequest { livingid: id })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("deadline"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "ended by the deadline, not by the 5 s latency: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn third_party_apps_use_the_corp_token_never_the_suite_token() {
    let server = Recorder::start().await;
    server.answer(
        "/cgi-bin/service/get_suite_token",
        json!({"suite_access_token": "SUITE-1", "expires_in": 7200}),
    );
    server.answer(
        "/cgi-bin/service/get_corp_token",
        json!({"access_token": "CORP-1", "expires_in": 7200}),
    );
    server.answer(
        "/cgi-bin/living/cancel",
        json!({"errcode": 0, "errmsg": "ok"}),
    );
    // The flow comes from spec/wecom/product.yaml (`alternatives.get_corp_token`), not from Rust.
    let provider = Arc::new(
        CredentialTokenProvider::for_endpoint(
            &wxlive::wecom::PRODUCT,
            "get_corp_token",
            "ww-auth-corp",
            "permanent-code",
        )
        .unwrap()
        .with_var("suite_id", "ww-suite")
        .with_var("suite_secret", "suite-secret"),
    );
    provider.set_var("suite_ticket", "TICKET");
    let client = WecomClient::builder()
        .token_provider(provider)
        .base_url(&server.base_url)
        .build()
        .unwrap();
    client
        .living()
        .send(&CancelRequest {
            livingid: "L".into(),
        })
        .await
        .unwrap();
    let calls = server.calls();
    assert_eq!(calls[0].path, "/cgi-bin/service/get_suite_token");
    assert_eq!(
        calls[0].body,
        Some(
            json!({"suite_id": "ww-suite", "suite_secret": "suite-secret", "suite_ticket": "TICKET"})
        )
    );
    assert_eq!(calls[1].path, "/cgi-bin/service/get_corp_token");
    assert_eq!(calls[1].query["suite_access_token"], "SUITE-1");
    assert_eq!(
        calls[1].body,
        Some(json!({"auth_corpid": "ww-auth-corp", "permanent_code": "permanent-code"}))
    );
    assert_eq!(calls[2].path, "/cgi-bin/living/cancel");
    assert_eq!(calls[2].query["access_token"], "CORP-1");
    assert!(!calls[2].query.contains_key("suite_access_token"));
}

#[tokio::test]
async fn third_party_without_a_ticket_says_so() {
    let server = Recorder::start().await;
    let provider = Arc::new(
        CredentialTokenProvider::for_endpoint(&wxlive::wecom::PRODUCT, "get_corp_token", "c", "p")
            .unwrap()
            .with_var("suite_id", "s")
            .with_var("suite_secret", "x"),
    );
    let client = WecomClient::builder()
        .token_provider(provider)
        .base_url(&server.base_url)
        .build()
        .unwrap();
    let err = client
        .living()
        .send(&CancelRequest {
            livingid: "L".into(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Token(_)) && err.to_string().contains("suite_ticket"),
        "{err}"
    );
}

#[tokio::test]
async fn a_registry_keeps_one_client_per_corp_and_app() {
    let server = mock().await;
    let base = server.base_url();
    let registry = ClientRegistry::new(move |corp: &str, app: &str| {
        // Look the app's secret up in your configuration; the mock accepts only its own credentials.
        let secret = if corp == "mock-corp" {
            "mock-secret"
        } else {
            "unknown"
        };
        WecomClient::builder()
            .credentials(corp, secret)
            .app(app)
            .base_url(base.clone())
            .build()
    });
    let a = registry.get("mock-corp", "living").unwrap();
    let again = registry.get("mock-corp", "living").unwrap();
    a_live(&a).await;
    a_live(&again).await;
    assert_eq!(
        server.tokens_issued(),
        1,
        "the same client, the same token cache"
    );
    let other = registry.get("other-corp", "living").unwrap();
    let err = other
        .living()
        .send(&CancelRequest {
            livingid: "L".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(40013));
    assert_eq!(registry.len(), 2);
    assert!(registry.remove("other-corp", "living").is_some());
}

/// A server whose token endpoint answers normally and whose every other path streams an endless body
/// (or announces a huge one), counting the bytes it managed to send.
async fn endless_body_server(
    announce_length: bool,
) -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use axum::body::Body;
    use axum::response::IntoResponse;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let app = axum::Router::new()
        .route(
            "/cgi-bin/gettoken",
            axum::routing::get(|| async {
                axum::Json(
                    json!({"errcode": 0, "errmsg": "ok", "access_token": "T", "expires_in": 7200}),
                )
            }),
        )
        .fallback(move || {
            let counter = counter.clone();
            async move {
                let chunk = vec![b' '; 64 * 1024];
                let stream = futures::stream::repeat_with(move || {
                    counter.fetch_add(chunk.len(), Ordering::Relaxed);
                    Ok::<_, std::io::Error>(axum::body::Bytes::from(chunk.clone()))
                });
                let mut response = Body::from_stream(stream).into_response();
                if announce_length {
                    response.headers_mut().insert(
                        axum::http::header::CONTENT_LENGTH,
                        axum::http::HeaderValue::from_static("10000000000"),
                    );
                }
                response
            }
        });
    (wxlive_tests::serve(app).await, sent)
}

#[tokio::test]
async fn an_endless_response_body_is_cut_at_the_limit_with_a_typed_error() {
    let (base_url, sent) = endless_body_server(false).await;
    let limit = 256 * 1024;
    let client = WecomClient::builder()
        .credentials("corp", "secret")
        .base_url(&base_url)
        .max_response_bytes(limit)
        .build()
        .unwrap();
    let request = GetLivingInfoRequest {
        livingid: "L".into(),
    };
    let api = client.living();
    let call = api.send(&request);
    let err = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the client stops reading instead of waiting for the end")
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit: l, .. } if l == limit),
        "{err}"
    );
    assert!(!err.is_retryable());
    // The server keeps writing until the connection drops; the client read no more than the limit
    // plus what was in flight, nowhere near an endless body.
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(
        sent.load(std::sync::atomic::Ordering::Relaxed) < 64 * 1024 * 1024,
        "the connection was dropped"
    );

    // A body announced as 10 GB is refused before reading it.
    let (base_url, _) = endless_body_server(true).await;
    let client = WecomClient::builder()
        .credentials("corp", "secret")
        .base_url(&base_url)
        .build()
        .unwrap();
    let err = client
        .living()
        .send(&GetLivingInfoRequest {
            livingid: "L".into(),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::BodyTooLarge { limit, .. } if limit == 4 << 20),
        "{err}"
    );
}

#[tokio::test]
async fn a_hundred_clients_hit_by_one_busy_burst_spread_their_retries() {
    use std::collections::HashMap;
    use std::sync::Mutex;
    use std::time::Instant;
    // Every call of a client (told apart by its livingid) is answered busy (-1) twice, then ok; the
    // server notes when each call arrived.
    let arrivals: Arc<Mutex<HashMap<String, Vec<Instant>>>> = Arc::default();
    let seen = arrivals.clone();
    let app = axum::Router::new()
        .route(
            "/cgi-bin/gettoken",
            axum::routing::get(|| async {
                axum::Json(
                    json!({"errcode": 0, "errmsg": "ok", "access_token": "T", "expires_in": 7200}),
                )
            }),
        )
        .route(
            "/cgi-bin/living/get_living_info",
            axum::routing::get(
                move |axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>| {
                    let seen = seen.clone();
                    async move {
                        let id = q.get("livingid").cloned().unwrap_or_default();
                        let mut seen = seen.lock().unwrap();
                        let calls = seen.entry(id).or_default();
                        calls.push(Instant::now());
                        if calls.len() <= 2 {
                            axum::Json(json!({"errcode": -1, "errmsg": "system busy"}))
                        } else {
                            axum::Json(json!({"errcode": 0, "errmsg": "ok", "living_info": {}}))
                        }
                    }
                },
            ),
        );
    let base_url = wxlive_tests::serve(app).await;
    let base = Duration::from_millis(40);
    let deadline = Duration::from_secs(5);
    let clients = 100;
    let calls = (0..clients).map(|i| {
        let client = WecomClient::builder()
            .credentials("corp", "secret")
            .base_url(&base_url)
            .retry_policy(RetryPolicy {
                base_delay: base,
                deadline,
                ..RetryPolicy::default()
            })
            .build()
            .unwrap();
        async move {
            let started = Instant::now();
            client
                .living()
                .send(&GetLivingInfoRequest {
                    livingid: format!("L{i}"),
                })
                .await
                .unwrap();
            started.elapsed()
        }
    });
    let took = futures::future::join_all(calls).await;
    assert!(
        took.iter().all(|t| *t < deadline),
        "every call within its deadline"
    );
    let arrivals = arrivals.lock().unwrap();
    assert_eq!(arrivals.len(), clients, "every client called");
    // The first retry of each client waits a random time up to 2 × base: across the hundred clients
    // the waits spread over that window instead of all landing together.
    let mut first: Vec<Duration> = arrivals.values().map(|t| t[1] - t[0]).collect();
    first.sort();
    let spread = first[first.len() - 1] - first[0];
    assert!(
        spread > base,
        "the first retries spread over {spread:?}, less than {base:?}: {first:?}"
    );
    for times in arrivals.values() {
        assert_eq!(times.len(), 3, "two busy answers, then ok");
    }
}
