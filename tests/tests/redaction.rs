//! Secrets never leak: every tracing line emitted while the client runs through tokens, refreshes,
//! retries, faults and errors, and the Debug/Display of every config, client and error produced, are
//! searched for corp secrets, suite secrets, permanent codes, access tokens and EncodingAESKeys.

use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use wxlive::runtime::callback::{CallbackHandler, CallbackQuery, ReceiveId};
use wxlive::runtime::mock::{Fault, MockServer, Target};
use wxlive::runtime::token::CredentialTokenProvider;
use wxlive::runtime::{RetryPolicy, Secret};
use wxlive::wecom::living::*;
use wxlive::wecom::WecomClient;
use wxlive_tests::Recorder;

const CORP_SECRET: &str = "corp-secret-5f0d9a";
const SUITE_SECRET: &str = "suite-secret-77ab12";
const PERMANENT_CODE: &str = "permanent-code-3c4d";
const SUITE_TICKET: &str = "suite-ticket-e9e9";
const AES_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const CALLBACK_TOKEN: &str = "QDG6eK";

#[tokio::test]
async fn no_secret_or_token_appears_in_logs_debug_display_or_errors() {
    let captured = wxlive_tests::Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut shown: Vec<String> = Vec::new();
    let mut show = |label: &str, d: &dyn std::fmt::Debug, s: Option<&dyn std::fmt::Display>| {
        shown.push(format!(
            "{label}: {d:?} {d:#?} {}",
            s.map(|s| s.to_string()).unwrap_or_default()
        ));
    };

    // Self-built app against the mock: refreshes, retries, faults, rejections.
    let config = wxlive::wecom::mock_config().credentials("corp-1", CORP_SECRET);
    show("mock config", &config, None);
    let server = MockServer::start(config).await.unwrap();
    let builder = WecomClient::builder()
        .credentials("corp-1", CORP_SECRET)
        .base_url(server.base_url())
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy {
            base_delay: Duration::from_millis(1),
            throttled_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        });
    show("builder", &builder, None);
    let client = builder.build().unwrap();
    show("client", &client, None);
    show("server", &server, None);
    let start = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        + 600;
    let create = CreateRequest::builder()
        .anchor_userid("a")
        .theme("t")
        .living_start(start)
        .living_duration(600)
        .build()
        .unwrap();
    let id = client.living().send(&create).await.unwrap().livingid;
    let get = GetLivingInfoRequest {
        livingid: id.clone(),
    };
    server.expire_tokens();
    client.living().send(&get).await.unwrap();
    let mut errors = Vec::new();
    for fault in [
        Fault::Errcode(-1),
        Fault::Errcode(40014),
        Fault::Errcode(45009),
        Fault::DropBefore,
        Fault::TruncatedJson,
        Fault::Html502,
        Fault::Latency(Duration::from_millis(500)),
    ] {
        server.inject(Target::All, fault, 10);
        if let Err(e) = client.living().send(&get).await {
            errors.push(e);
        }
        server.clear_faults();
    }
    server.inject(
        Target::Operation("living.create".into()),
        Fault::DropAfter,
        1,
    );
    errors.push(client.living().send(&create).await.unwrap_err());
    errors.push(client.living().create().send().await.unwrap_err());
    let wrong = WecomClient::builder()
        .credentials("corp-1", "wrong-secret-9")
        .base_url(server.base_url())
        .build()
        .unwrap();
    errors.push(wrong.living().send(&get).await.unwrap_err());
    assert!(
        errors.len() >= 8,
        "the faults produced errors: {}",
        errors.len()
    );

    // Third-party app: suite secret, permanent code and ticket.
    let recorder = Recorder::start().await;
    recorder.answer(
        "/cgi-bin/service/get_suite_token",
        json!({"errcode": 40082, "errmsg": "invalid suite_token"}),
    );
    let provider = Arc::new(
        CredentialTokenProvider::for_endpoint(
            &wxlive::wecom::PRODUCT,
            "get_corp_token",
            "corp-2",
            PERMANENT_CODE,
        )
        .unwrap()
        .with_var("suite_id", "suite-1")
        .with_var("suite_secret", SUITE_SECRET),
    );
    provider.set_var("suite_ticket", SUITE_TICKET);
    show("suite provider", &provider, None);
    let third = WecomClient::builder()
        .token_provider(provider)
        .base_url(&recorder.base_url)
        .build()
        .unwrap();
    show("third-party client", &third, None);
    errors.push(
        third
            .living()
            .send(&CancelRequest {
                livingid: "L".into(),
            })
            .await
            .unwrap_err(),
    );

    // Callbacks: the handler and its errors.
    let handler = CallbackHandler::new(
        CALLBACK_TOKEN,
        &Secret::new(AES_KEY),
        ReceiveId::CorpId("corp-1".into()),
    )
    .unwrap();
    show("callback handler", &handler, None);
    let query = CallbackQuery::new("bad-signature", "1", "nonce").with_echostr("abc");
    let callback_error = handler.verify_url(&query).unwrap_err();
    show("callback error", &callback_error, Some(&callback_error));

    for e in &errors {
        show("error", e, Some(e));
    }
    let logs = captured.text();
    assert!(logs.contains("wxlive.call"), "the spans were captured");
    let everything = format!("{logs}\n{}", shown.join("\n"));
    for secret in [
        CORP_SECRET,
        "wrong-secret-9",
        SUITE_SECRET,
        PERMANENT_CODE,
        SUITE_TICKET,
        AES_KEY,
        CALLBACK_TOKEN,
        "MOCK-TOKEN",
        "access_token=",
    ] {
        assert!(
            !everything.contains(secret),
            "`{secret}` leaked:\n{}",
            everything
                .lines()
                .find(|l| l.contains(secret))
                .unwrap_or_default()
        );
    }
}
