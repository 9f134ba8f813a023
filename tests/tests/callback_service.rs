//! The runtime's mountable callback service over real loopback HTTP: WeCom and mini-program apps on
//! one server, URL verification of both platforms, typed events of both products, every failed check
//! answered with a 4xx naming it (and the server serving on), handler failures answered 500 so the
//! platform retries, bodies over the limit refused, and no secret in any answer or log line.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wxlive::wecom::living::{self, LivingStatus};
use wxlive::wxa::broadcast::{self, FollowAction, LiveStatus};
use wxlive_runtime::callback::service::{CallbackApp, CallbackService, Reply};
use wxlive_runtime::callback::{CallbackHandler, ReceiveId, ReplayGuard};
use wxlive_runtime::Secret;
use wxlive_tests::callbacks::{plain_verification, signed_post, wecom_verification, Query};
use wxlive_tests::Captured;

const NOW: i64 = 1_700_000_000;
const NONCE: &str = "1372623149";

const WECOM_TOKEN: &str = "QDG6eK";
const WECOM_KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const CORP_A: &str = "wx5823bf96d3bd56c7";
const OTHER_TOKEN: &str = "Other0Token9";
const OTHER_KEY: &str = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";
const CORP_B: &str = "ww00000000000000bb";
const WXA_TOKEN: &str = "WxaT0ken";
const WXA_KEY: &str = "ZYXWVUTSRQPONMLKJIHGFEDCBA9876543210zyxwvut";
const APPID: &str = "wx1234567890abcdef";

const SECRETS: [&str; 6] = [
    WECOM_TOKEN,
    WECOM_KEY,
    OTHER_TOKEN,
    OTHER_KEY,
    WXA_TOKEN,
    WXA_KEY,
];

const LIVING_STATUS_CHANGE: &str =
    include_str!("../../generated/fixtures/wecom/living/living_status_change.xml");
const FOLLOW_NOTIFY: &str =
    include_str!("../../generated/fixtures/wxa/broadcast/wxalive_follow_notify.xml");
const PUSH_MESSAGE_NOTIFY: &str =
    include_str!("../../generated/fixtures/wxa/broadcast/wxalive_push_message_notify.xml");

/// A handler on the fixed clock.
fn handler(token: &str, key: &str, receive_id: ReceiveId) -> CallbackHandler {
    CallbackHandler::new(token, &Secret::new(key), receive_id)
        .expect("valid settings")
        .with_clock(|| NOW)
}

fn corp_a() -> CallbackHandler {
    handler(WECOM_TOKEN, WECOM_KEY, ReceiveId::CorpId(CORP_A.into()))
}

fn corp_b() -> CallbackHandler {
    handler(OTHER_TOKEN, OTHER_KEY, ReceiveId::CorpId(CORP_B.into()))
}

fn mini_program() -> CallbackHandler {
    handler(WXA_TOKEN, WXA_KEY, ReceiveId::AppId(APPID.into()))
}

type Log<E> = Arc<Mutex<Vec<E>>>;

/// A running service with four apps, what their handlers received, and the captured log.
struct Server {
    base: String,
    http: reqwest::Client,
    corp_a: Log<living::Event>,
    corp_b: Log<living::Event>,
    wxa: Log<broadcast::Event>,
    flaky: Log<broadcast::Event>,
    flaky_calls: Arc<AtomicUsize>,
    captured: Captured,
    _log: tracing::subscriber::DefaultGuard,
    /// Every answer body, checked for secrets at the end.
    answers: Mutex<Vec<String>>,
}

/// A handler that records its events.
fn recorder<E: Send + 'static>(
    log: &Log<E>,
) -> impl Fn(E) -> std::future::Ready<Result<(), String>> + Send + Sync + 'static {
    let log = log.clone();
    move |event| {
        log.lock().unwrap().push(event);
        std::future::ready(Ok(()))
    }
}

/// Starts the service: `/wecom/a` (corp A), `/wecom/b` (corp B, other token and key), `/wxa` (the
/// mini program) and `/wxa/flaky` (the mini program, whose handler fails its first call).
async fn start() -> Server {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    // The test runtime is single-threaded: the server's tasks log on this thread.
    let guard = tracing::subscriber::set_default(subscriber);

    let (corp_a_log, corp_b_log): (Log<living::Event>, Log<living::Event>) = Default::default();
    let (wxa_log, flaky_log): (Log<broadcast::Event>, Log<broadcast::Event>) = Default::default();
    let flaky_calls = Arc::new(AtomicUsize::new(0));
    let (calls, flaky_sink) = (flaky_calls.clone(), flaky_log.clone());
    let router = CallbackService::new()
        .app(
            "/wecom/a",
            CallbackApp::wecom(corp_a()),
            recorder(&corp_a_log),
        )
        .app(
            "/wecom/b",
            CallbackApp::wecom(corp_b()),
            recorder(&corp_b_log),
        )
        .app(
            "/wxa",
            CallbackApp::mini_program(mini_program()),
            recorder(&wxa_log),
        )
        .app(
            "/wxa/flaky",
            CallbackApp::mini_program(mini_program()),
            move |event: broadcast::Event| {
                let first = calls.fetch_add(1, Ordering::SeqCst) == 0;
                if !first {
                    flaky_sink.lock().unwrap().push(event);
                }
                async move {
                    if first {
                        Err("the event store is unavailable")
                    } else {
                        Ok(())
                    }
                }
            },
        )
        .router()
        .expect("a valid service");
    Server {
        base: wxlive_tests::serve(router).await,
        http: reqwest::Client::new(),
        corp_a: corp_a_log,
        corp_b: corp_b_log,
        wxa: wxa_log,
        flaky: flaky_log,
        flaky_calls,
        captured,
        _log: guard,
        answers: Mutex::new(Vec::new()),
    }
}

impl Server {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn keep(&self, status: u16, text: String) -> (u16, String) {
        self.answers.lock().unwrap().push(text.clone());
        (status, text)
    }

    async fn post(
        &self,
        path: &str,
        query: &Query,
        body: impl Into<reqwest::Body>,
    ) -> (u16, String) {
        let response = self
            .http
            .post(self.url(path))
            .query(query)
            .body(body)
            .send()
            .await
            .expect("the request reaches the server");
        let status = response.status().as_u16();
        self.keep(status, response.text().await.expect("a body"))
    }

    async fn get(&self, path: &str, query: &Query) -> (u16, String) {
        let response = self
            .http
            .get(self.url(path))
            .query(query)
            .send()
            .await
            .expect("the request reaches the server");
        let status = response.status().as_u16();
        self.keep(status, response.text().await.expect("a body"))
    }

    /// Sends `request` as is over a fresh connection and reads the whole answer: (status, body).
    async fn raw(&self, request: &[u8]) -> (u16, String) {
        let (status, body) = raw_http(&self.base, request).await;
        self.keep(status, body)
    }

    /// A valid living_status_change for corp A is still delivered and acknowledged.
    async fn still_serves(&self) {
        let before = self.corp_a.lock().unwrap().len();
        let (query, body) = signed_post(&corp_a(), LIVING_STATUS_CHANGE, NOW, NONCE);
        assert_eq!(
            self.post("/wecom/a", &query, body).await,
            (200, String::new())
        );
        assert_eq!(self.corp_a.lock().unwrap().len(), before + 1);
    }

    /// No secret in any answer so far, nor in the log.
    fn assert_no_secrets(&self) {
        let answers = self.answers.lock().unwrap().join("\n");
        let log = self.captured.text();
        for secret in SECRETS {
            assert!(
                !answers.contains(secret),
                "an answer shows a secret:\n{answers}"
            );
            assert!(!log.contains(secret), "the log shows a secret:\n{log}");
        }
    }
}

/// `request` over a fresh TCP connection to `base` (`http://host:port`): (status, body).
async fn raw_http(base: &str, request: &[u8]) -> (u16, String) {
    let addr = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(request).await.expect("send");
    let mut answer = Vec::new();
    stream
        .read_to_end(&mut answer)
        .await
        .expect("read the answer");
    let answer = String::from_utf8_lossy(&answer).into_owned();
    let status = answer
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP answer: {answer:?}"));
    let body = answer
        .split_once("\r\n\r\n")
        .map_or(String::new(), |(_, body)| body.to_owned());
    (status, body)
}

/// `path?query` for a raw request line.
fn target(path: &str, query: &Query) -> String {
    let pairs: Vec<String> = query
        .iter()
        .map(|(name, value)| {
            let value: String = value
                .bytes()
                .map(|b| match b {
                    b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    other => format!("%{other:02X}"),
                })
                .collect();
            format!("{name}={value}")
        })
        .collect();
    format!("{path}?{}", pairs.join("&"))
}

#[tokio::test]
async fn wecom_url_verification_and_living_status_change_reach_the_typed_handler() {
    let server = start().await;
    // '+', '/' and '=' in the Base64 echostr survive URL encoding; the answer is the plain text.
    let query = wecom_verification(&corp_a(), "8765309123456789", NOW, NONCE);
    assert_eq!(
        server.get("/wecom/a", &query).await,
        (200, "8765309123456789".into())
    );

    let (query, body) = signed_post(&corp_a(), LIVING_STATUS_CHANGE, NOW, NONCE);
    // An app event callback: 200 with an empty body.
    assert_eq!(
        server.post("/wecom/a", &query, body).await,
        (200, String::new())
    );
    let events = server.corp_a.lock().unwrap().clone();
    let [living::Event::LivingStatusChange(change)] = events.as_slice() else {
        panic!("expected one living_status_change, got {events:?}");
    };
    // The spec's example event (generated/fixtures), decrypted and typed.
    assert_eq!(change.living_id.as_deref(), Some("LivingId"));
    assert_eq!(change.status, Some(LivingStatus::Living));
    assert_eq!(change.create_time, Some(1348831860));
    assert!(server.corp_b.lock().unwrap().is_empty());
    assert!(server.wxa.lock().unwrap().is_empty());
    server.assert_no_secrets();
}

#[tokio::test]
async fn mini_program_url_verification_and_broadcast_events_reach_the_typed_handler() {
    let server = start().await;
    // WeChat's verification: `signature` over token, timestamp and nonce; echostr comes back as is.
    let query = plain_verification(&mini_program(), "4375120948345356249", NOW, NONCE);
    assert_eq!(
        server.get("/wxa", &query).await,
        (200, "4375120948345356249".into())
    );

    for event in [FOLLOW_NOTIFY, PUSH_MESSAGE_NOTIFY] {
        let (query, body) = signed_post(&mini_program(), event, NOW, NONCE);
        assert_eq!(
            server.post("/wxa", &query, body).await,
            (200, "success".into())
        );
    }
    let events = server.wxa.lock().unwrap().clone();
    let [broadcast::Event::WxaliveFollowNotify(follow), broadcast::Event::WxalivePushMessageNotify(push)] =
        events.as_slice()
    else {
        panic!("expected the two broadcast events, got {events:?}");
    };
    let follow = follow.follow_notify.as_ref().expect("FollowNotify");
    assert_eq!(follow.room_id, Some(1));
    assert_eq!(
        follow.action,
        Some(FollowAction::from("add_follow".to_owned()))
    );
    assert_eq!(follow.live_status, Some(LiveStatus::from_value(102)));
    let push = push
        .push_message_api_notify
        .as_ref()
        .expect("PushMessageApiNotify");
    assert_eq!(push.message_id.as_deref(), Some("123456"));
    assert_eq!((push.total_count, push.success_count), (Some(2), Some(1)));
    assert!(server.corp_a.lock().unwrap().is_empty());

    // WeCom's verification (encrypted echostr, msg_signature) is not the mini program's.
    let query = wecom_verification(&mini_program(), "123", NOW, NONCE);
    let (status, text) = server.get("/wxa", &query).await;
    assert_eq!(status, 400);
    assert!(
        text.contains("query check") && text.contains("`signature`"),
        "{text}"
    );
    // A wrong plain signature.
    let mut query = plain_verification(&mini_program(), "123", NOW, NONCE);
    query[0].1 = "0".repeat(40);
    let (status, text) = server.get("/wxa", &query).await;
    assert_eq!(status, 401);
    assert!(text.contains("signature check"), "{text}");
    server.assert_no_secrets();
}

#[tokio::test]
async fn apps_on_one_server_are_kept_apart() {
    let server = start().await;
    let (query, body) = signed_post(&corp_b(), LIVING_STATUS_CHANGE, NOW, NONCE);
    assert_eq!(
        server.post("/wecom/b", &query, body.clone()).await,
        (200, String::new())
    );
    assert_eq!(server.corp_b.lock().unwrap().len(), 1);

    // Corp B's callback at corp A's path: A's token does not sign it.
    let (status, text) = server.post("/wecom/a", &query, body).await;
    assert_eq!(status, 401);
    assert!(text.contains("signature check"), "{text}");
    // The mini program's callback at corp A's path, and corp A's at the mini program's.
    let (query, body) = signed_post(&mini_program(), FOLLOW_NOTIFY, NOW, NONCE);
    assert_eq!(server.post("/wecom/a", &query, body).await.0, 401);
    let (query, body) = signed_post(&corp_a(), LIVING_STATUS_CHANGE, NOW, NONCE);
    assert_eq!(server.post("/wxa", &query, body).await.0, 401);

    assert!(server.corp_a.lock().unwrap().is_empty());
    assert!(server.wxa.lock().unwrap().is_empty());
    assert_eq!(server.corp_b.lock().unwrap().len(), 1);
    server.still_serves().await;
    server.assert_no_secrets();
}

#[tokio::test]
async fn every_failed_check_is_a_4xx_naming_it_and_the_server_keeps_serving() {
    let server = start().await;
    let signer = corp_a();
    let (good_query, good_body) = signed_post(&signer, LIVING_STATUS_CHANGE, NOW, NONCE);
    let sign = |encrypted: &str| -> Query {
        let timestamp = NOW.to_string();
        vec![
            (
                "msg_signature".into(),
                signer.sign(&timestamp, NONCE, encrypted),
            ),
            ("timestamp".into(), timestamp),
            ("nonce".into(), NONCE.into()),
        ]
    };
    let envelope =
        |encrypted: &str| format!("<xml><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>");
    let mut bad_signature = good_query.clone();
    bad_signature[0].1 = "0".repeat(40);
    // Same token and key, another corp: the signature holds, the receive id does not.
    let other_corp = handler(
        WECOM_TOKEN,
        WECOM_KEY,
        ReceiveId::CorpId("another-corp".into()),
    );
    let (wrong_id_query, wrong_id_body) =
        signed_post(&other_corp, LIVING_STATUS_CHANGE, NOW, NONCE);
    let (stale_query, stale_body) = signed_post(&signer, LIVING_STATUS_CHANGE, NOW - 3600, NONCE);
    let garbled_ciphertext = "!!not*base64!!";
    // Valid Base64, signed, but not a multiple of the AES block once decoded.
    let short_ciphertext = "AAAAAAAAAAAAAAAAAAAA";

    let cases: Vec<(&str, Query, Vec<u8>, u16, &str)> = vec![
        (
            "bad signature",
            bad_signature,
            good_body.clone().into(),
            401,
            "signature check",
        ),
        (
            "wrong receive id",
            wrong_id_query,
            wrong_id_body.into(),
            403,
            "receive id check",
        ),
        (
            "an hour old",
            stale_query,
            stale_body.into(),
            403,
            "freshness check",
        ),
        (
            "no query",
            Vec::new(),
            good_body.clone().into(),
            400,
            "query check",
        ),
        (
            "garbled body: not XML",
            good_query.clone(),
            b"{\"not\": \"xml\"}".to_vec(),
            400,
            "xml check",
        ),
        (
            "garbled body: no Encrypt",
            good_query.clone(),
            b"<xml><A>1</A></xml>".to_vec(),
            400,
            "envelope check",
        ),
        (
            "garbled body: not UTF-8",
            good_query.clone(),
            vec![0xff, 0xfe, 0x00],
            400,
            "body check",
        ),
        (
            "garbled ciphertext",
            sign(garbled_ciphertext),
            envelope(garbled_ciphertext).into(),
            400,
            "base64 check",
        ),
        (
            "truncated ciphertext",
            sign(short_ciphertext),
            envelope(short_ciphertext).into(),
            400,
            "ciphertext length check",
        ),
    ];
    for (what, query, body, status, check) in cases {
        let (got, text) = server.post("/wecom/a", &query, body).await;
        assert_eq!(got, status, "{what}: {text}");
        assert!(text.contains(check), "{what}: {text}");
        assert!(!text.contains("success"), "{what}: {text}");
        server.still_serves().await;
    }
    // GET without echostr, and with a bad signature.
    let (status, text) = server.get("/wecom/a", &good_query).await;
    assert_eq!(status, 400);
    assert!(
        text.contains("query check") && text.contains("echostr"),
        "{text}"
    );
    let mut query = wecom_verification(&signer, "123", NOW, NONCE);
    query[0].1 = "f".repeat(40);
    assert_eq!(server.get("/wecom/a", &query).await.0, 401);
    server.still_serves().await;

    // Only the well-formed callbacks reached the handler.
    assert_eq!(server.corp_a.lock().unwrap().len(), 10);
    let log = server.captured.text();
    for check in [
        "signature",
        "receive id",
        "freshness",
        "xml",
        "envelope",
        "base64",
    ] {
        assert!(
            log.contains("callback rejected") && log.contains(&format!("check=\"{check}\"")),
            "the log names the {check} check:\n{log}"
        );
    }
    assert!(log.contains("app=/wecom/a"), "{log}");
    server.assert_no_secrets();
}

#[tokio::test]
async fn a_failed_handler_is_answered_500_and_the_redelivery_is_acknowledged() {
    let server = start().await;
    let (query, body) = signed_post(&mini_program(), PUSH_MESSAGE_NOTIFY, NOW, NONCE);
    let (status, text) = server.post("/wxa/flaky", &query, body.clone()).await;
    assert_eq!(status, 500);
    assert!(text.contains("handler check"), "{text}");
    assert_ne!(text, "success");
    assert!(server.flaky.lock().unwrap().is_empty());
    let log = server.captured.text();
    assert!(
        log.contains("the event handler failed") && log.contains("the event store is unavailable"),
        "{log}"
    );
    // The platform delivers it again; this time the handler succeeds and it is acknowledged.
    assert_eq!(
        server.post("/wxa/flaky", &query, body).await,
        (200, "success".into())
    );
    assert_eq!(server.flaky_calls.load(Ordering::SeqCst), 2);
    assert!(matches!(
        server.flaky.lock().unwrap().as_slice(),
        [broadcast::Event::WxalivePushMessageNotify(_)]
    ));
    server.still_serves().await;
    server.assert_no_secrets();
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let server = start().await;
    let (query, _) = signed_post(&corp_a(), LIVING_STATUS_CHANGE, NOW, NONCE);
    // A declared length over the default 1 MiB limit: answered from the headers, the body unsent.
    let limit = CallbackService::DEFAULT_BODY_LIMIT;
    let request = format!(
        "POST {} HTTP/1.1\r\nhost: test\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
        target("/wecom/a", &query),
        limit + 1
    );
    let (status, text) = server.raw(request.as_bytes()).await;
    assert_eq!(status, 413, "{text}");
    assert!(text.contains("body size check"), "{text}");
    server.still_serves().await;
    // Exactly at the limit is read (and here fails a later check: it is not a callback).
    let at_limit = format!("<xml><A>{}</A></xml>", "x".repeat(limit - 18));
    assert_eq!(at_limit.len(), limit);
    let (status, text) = server.post("/wecom/a", &query, at_limit).await;
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("envelope check"), "{text}");
    server.assert_no_secrets();
}

#[tokio::test]
async fn a_lower_limit_refuses_streamed_bodies_while_reading() {
    let corp_a_log: Log<living::Event> = Log::default();
    let router = CallbackService::new()
        .app(
            "/wecom/a",
            CallbackApp::wecom(corp_a()).with_reply(Reply::Success),
            recorder(&corp_a_log),
        )
        .body_limit(1024)
        .router()
        .unwrap();
    let base = wxlive_tests::serve(router).await;
    let (query, body) = signed_post(&corp_a(), LIVING_STATUS_CHANGE, NOW, NONCE);
    assert!(body.len() < 1024);
    // Chunked, so the length is known only by reading: 2 KiB in two chunks.
    let chunk = "x".repeat(1024);
    let request = format!(
        "POST {} HTTP/1.1\r\nhost: test\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n400\r\n{chunk}\r\n400\r\n{chunk}\r\n0\r\n\r\n",
        target("/wecom/a", &query)
    );
    let (status, text) = raw_http(&base, request.as_bytes()).await;
    assert_eq!(status, 413, "{text}");
    assert!(
        text.contains("body size check") && text.contains("1024"),
        "{text}"
    );
    // A callback under the limit, chunked too, is delivered.
    let request = format!(
        "POST {} HTTP/1.1\r\nhost: test\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        target("/wecom/a", &query),
        body.len()
    );
    assert_eq!(
        raw_http(&base, request.as_bytes()).await,
        (200, "success".into())
    );
    assert_eq!(corp_a_log.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn with_a_replay_guard_the_redelivery_of_a_failed_callback_passes_and_a_replay_does_not() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let guarded = corp_a().with_replay_guard(ReplayGuard::default());
    let router = CallbackService::new()
        .app(
            "/wecom/a",
            CallbackApp::wecom(guarded),
            move |_: living::Event| {
                let first = seen.fetch_add(1, Ordering::SeqCst) == 0;
                async move {
                    if first {
                        Err("not now")
                    } else {
                        Ok(())
                    }
                }
            },
        )
        .router()
        .unwrap();
    let base = wxlive_tests::serve(router).await;
    let (query, body) = signed_post(&corp_a(), LIVING_STATUS_CHANGE, NOW, NONCE);
    let http = reqwest::Client::new();
    let mut answers = Vec::new();
    for _ in 0..3 {
        let response = http
            .post(format!("{base}/wecom/a"))
            .query(&query)
            .body(body.clone())
            .send()
            .await
            .unwrap();
        answers.push((response.status().as_u16(), response.text().await.unwrap()));
    }
    // Failed and not acknowledged; redelivered and acknowledged; then a replay, refused unhandled.
    assert_eq!(answers[0].0, 500, "{answers:?}");
    assert_eq!(answers[1], (200, String::new()), "{answers:?}");
    assert_eq!(answers[2].0, 409, "{answers:?}");
    assert!(answers[2].1.contains("replay check"), "{answers:?}");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn debug_output_shows_no_secret() {
    let app = CallbackApp::mini_program(mini_program());
    let service = CallbackService::new().app(
        "/wxa",
        app.clone(),
        recorder(&Log::<broadcast::Event>::default()),
    );
    let shown = format!("{app:?} {service:?}");
    assert!(shown.contains("/wxa") && shown.contains(APPID), "{shown}");
    for secret in SECRETS {
        assert!(!shown.contains(secret), "{shown}");
    }
}
