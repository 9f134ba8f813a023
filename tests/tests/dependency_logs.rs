//! No leaks through dependencies: with every crate logging at TRACE — `tracing` events and spans of
//! any thread, and `log` records (reqwest, rustls, redis log through `log`; hyper-util and h2 through
//! `tracing`) — every operation of both products, token refreshes (a 42001 expiry in mid-flight too),
//! the third-party token flow, the Redis store (up, then down) and a callback decrypt run, and the
//! captured output must hold no secret, access token, AES key, suite ticket or Redis password.
//!
//! One test in its own binary: the subscriber and the `log` bridge are global, so that what runtime
//! worker threads log is captured too.

use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use wxlive::runtime::callback::{CallbackHandler, CallbackQuery, ReceiveId};
use wxlive::runtime::mock::{Fault, MockConfig, MockRoute, MockServer, Target};
use wxlive::runtime::token::{CredentialTokenProvider, RedisStore};
use wxlive::runtime::UploadFile;
use wxlive::runtime::{Client, Profile, Secret};
use wxlive::wecom::{living, WecomClient};
use wxlive::wxa::WxaClient;
use wxlive::Error;
use wxlive_tests::{fast_retries, Captured, RedisServer};

const CORP_SECRET: &str = "corp-secret-0b7e41";
const APP_SECRET: &str = "wxa-app-secret-5c2d90";
const SUITE_SECRET: &str = "suite-secret-a4f3e8";
const SUITE_TICKET: &str = "suite-ticket-9d81c6";
const PERMANENT_CODE: &str = "permanent-code-6e20ab";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const CALLBACK_TOKEN: &str = "QDG6eK";
const REDIS_PASSWORD: &str = "redis-password-71c3f5";

/// The fixture request of `route`, its relative times resolved.
fn fixture_request(route: &MockRoute) -> Value {
    let mut fixture: Value = serde_json::from_str(route.fixture).expect("fixture JSON");
    wxlive::runtime::fixture::resolve_times(&mut fixture, wxlive_tests::unix_in(0));
    fixture["request"].take()
}

/// Runs every route against its mock through `client` (each route sends its fixture request as its
/// generated type, uploads a small file), with the tokens expired half-way; answers (operations run,
/// errors) — the errors are shown too.
async fn every_operation(
    server: &MockServer,
    routes: &[MockRoute],
    client: &Client,
) -> (usize, Vec<Error>) {
    let mut errors = Vec::new();
    for (i, route) in routes.iter().enumerate() {
        if i == routes.len() / 2 {
            server.expire_tokens();
        }
        let file = UploadFile::bytes(b"fixture-bytes".to_vec(), "f.jpg");
        if let Err(e) = (route.call)(client, fixture_request(route), Some(file)).await {
            errors.push(e);
        }
    }
    (routes.len(), errors)
}

/// Calls in flight while the tokens expire: the mock holds them, the token dies, then they are checked.
async fn expiry_in_mid_flight(server: &MockServer, client: &Client) {
    let request = living::GetLivingCodeRequest {
        livingid: "L".into(),
        openid: "o".into(),
    };
    let before = server.calls("living.get_living_code");
    server.inject(Target::All, Fault::Latency(Duration::from_millis(200)), 3);
    let calls = futures::future::join_all((0..3).map(|_| client.send(&request)));
    let expire = async {
        // The mock logs a call before holding it.
        while server.calls("living.get_living_code") < before + 3 {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        server.expire_tokens();
    };
    let (results, ()) = tokio::join!(calls, expire);
    for r in results {
        r.expect("a call whose token expired in flight is refreshed and retried");
    }
}

fn mock_config(config: MockConfig, id: &str, secret: &str) -> MockConfig {
    config.credentials(id, secret)
}

#[test]
fn no_secret_reaches_any_log_of_any_crate() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_thread_names(true)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::set_global_default(subscriber).expect("the only global subscriber");
    tracing_log::LogTracer::builder()
        .with_max_level(log::LevelFilter::Trace)
        .init()
        .expect("the only log bridge");

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut shown: Vec<String> = Vec::new();
    let redis_ran = runtime.block_on(async {
        // WeCom, self-built app: every operation, a refresh, an expiry in mid-flight.
        let wecom = MockServer::start(mock_config(
            wxlive::wecom::mock_config(),
            "corp-1",
            CORP_SECRET,
        ))
        .await
        .unwrap();
        let client = WecomClient::builder()
            .credentials("corp-1", CORP_SECRET)
            .base_url(wecom.base_url())
            .retry_policy(fast_retries())
            .validation(Profile::Off)
            .build()
            .unwrap();
        let routes = wxlive::wecom::mock_routes();
        let (ran, errors) = every_operation(&wecom, &routes, client.runtime()).await;
        assert!(ran > 0 && ran == routes.len());
        shown.extend(errors.iter().map(|e| format!("{e} {e:?}")));
        expiry_in_mid_flight(&wecom, client.runtime()).await;
        // TLS (rustls) against a plain-HTTP port: the handshake fails on the token request, which
        // carries the secret.
        let tls = WecomClient::builder()
            .credentials("corp-1", CORP_SECRET)
            .base_url(wecom.base_url().replace("http://", "https://"))
            .build()
            .unwrap();
        let request = living::GetLivingCodeRequest {
            livingid: "L".into(),
            openid: "o".into(),
        };
        let failed = tls.runtime().send(&request).await.unwrap_err();
        shown.push(format!("{failed} {failed:?}"));

        // WeChat mini program: every operation (stable_token), then the legacy token endpoint.
        let wxa = MockServer::start(mock_config(
            wxlive::wxa::mock_config(),
            "wx-app-1",
            APP_SECRET,
        ))
        .await
        .unwrap();
        for endpoint in [None, Some("token")] {
            let mut builder = WxaClient::builder()
                .credentials("wx-app-1", APP_SECRET)
                .base_url(wxa.base_url())
                .retry_policy(fast_retries())
                .validation(Profile::Off);
            if let Some(endpoint) = endpoint {
                builder = builder.token_endpoint(endpoint);
            }
            let client = builder.build().unwrap();
            let routes = wxlive::wxa::mock_routes();
            let (ran, errors) = every_operation(&wxa, &routes, client.runtime()).await;
            assert!(ran > 0 && ran == routes.len());
            shown.extend(errors.iter().map(|e| format!("{e} {e:?}")));
        }

        // A third-party app: suite secret, suite ticket and permanent code.
        let third = MockServer::start(
            mock_config(wxlive::wecom::mock_config(), "corp-2", PERMANENT_CODE)
                .with_token_var("suite_id", "suite-1")
                .with_token_var("suite_secret", SUITE_SECRET)
                .with_token_var("suite_ticket", SUITE_TICKET),
        )
        .await
        .unwrap();
        let provider = Arc::new(
            CredentialTokenProvider::for_endpoint(
                &wxlive::wecom::PRODUCT,
                "get_corp_token",
                "corp-2",
                PERMANENT_CODE,
            )
            .unwrap()
            .with_var("suite_id", "suite-1")
            .with_var("suite_secret", SUITE_SECRET)
            .with_var("suite_ticket", SUITE_TICKET),
        );
        let client = WecomClient::builder()
            .token_provider(provider)
            .base_url(third.base_url())
            .retry_policy(fast_retries())
            .build()
            .unwrap();
        expiry_in_mid_flight(&third, client.runtime()).await;
        assert!(third.tokens_issued() >= 4, "suite and corp tokens, twice");

        // The Redis store with a password: up, a refresh, then down.
        let redis_ran = match RedisServer::start_with(&["--requirepass", REDIS_PASSWORD]) {
            None => false,
            Some(mut redis) => {
                let url = format!("redis://:{REDIS_PASSWORD}@127.0.0.1:{}/", redis.port);
                let store = Arc::new(RedisStore::connect(&url).await.unwrap());
                shown.push(format!("{store:?}"));
                let client = WecomClient::builder()
                    .credentials("corp-1", CORP_SECRET)
                    .base_url(wecom.base_url())
                    .retry_policy(fast_retries())
                    .token_store(store)
                    .build()
                    .unwrap();
                expiry_in_mid_flight(&wecom, client.runtime()).await;
                redis.stop();
                expiry_in_mid_flight(&wecom, client.runtime()).await;
                let refused = RedisStore::connect(&url).await.unwrap_err();
                shown.push(format!("{refused} {refused:?}"));
                true
            }
        };

        // A callback carrying a suite ticket, decrypted.
        let handler = CallbackHandler::new(
            CALLBACK_TOKEN,
            &Secret::new(AES_KEY),
            ReceiveId::SuiteId("suite-1".into()),
        )
        .unwrap();
        let xml = format!("<xml><SuiteId><![CDATA[suite-1]]></SuiteId><InfoType><![CDATA[suite_ticket]]></InfoType><TimeStamp>1403610513</TimeStamp><SuiteTicket><![CDATA[{SUITE_TICKET}]]></SuiteTicket></xml>");
        let encrypted = handler.encrypt(&xml).unwrap();
        let timestamp = wxlive_tests::unix_in(0).to_string();
        let signature = handler.sign(&timestamp, "nonce-1", &encrypted);
        let query = CallbackQuery::new(signature, timestamp, "nonce-1");
        let body = format!("<xml><ToUserName><![CDATA[suite-1]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>");
        let plain = handler.decrypt(&query, &body).unwrap();
        assert!(plain.contains(SUITE_TICKET), "the decrypt worked");
        shown.push(format!("{handler:?}"));
        redis_ran
    });
    drop(runtime);

    let logs = captured.text();
    if !redis_ran {
        assert!(
            !wxlive_tests::redis_required(),
            "WXLIVE_REQUIRE_REDIS=1 but redis-server could not be started"
        );
        println!("dependency_logs: the Redis part did NOT run: redis-server is not installed");
    }
    // The capture works: spans of wxlive, and records of the HTTP stack logged through both `log`
    // (reqwest) and `tracing` (hyper-util), from any thread.
    let lines_of = |target: &str| {
        logs.lines()
            .filter(|l| l.contains(&format!(" {target}")) && l.len() > target.len() + 40)
            .count()
    };
    assert!(logs.contains("wxlive.call"), "wxlive's spans were captured");
    assert!(
        lines_of("reqwest") > 0,
        "reqwest's `log` records were captured"
    );
    assert!(lines_of("hyper") > 0, "hyper's records were captured");
    if redis_ran {
        assert!(
            logs.contains("token store unavailable"),
            "the store outage was logged"
        );
    }
    let everything = format!("{logs}\n{}", shown.join("\n"));
    for secret in [
        CORP_SECRET,
        APP_SECRET,
        SUITE_SECRET,
        SUITE_TICKET,
        PERMANENT_CODE,
        AES_KEY,
        CALLBACK_TOKEN,
        REDIS_PASSWORD,
        "MOCK-TOKEN",
        "access_token=",
        "suite_access_token=",
    ] {
        assert!(
            !everything.contains(secret),
            "`{secret}` leaked:\n{}",
            everything
                .lines()
                .filter(|l| l.contains(secret))
                .take(3)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
    println!(
        "dependency_logs: {} lines captured, {} from reqwest, {} from hyper, none with a secret",
        logs.lines().count(),
        lines_of("reqwest"),
        lines_of("hyper")
    );
}
