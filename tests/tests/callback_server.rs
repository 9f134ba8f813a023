//! The callback server example over real loopback HTTP: URL verification, typed events, the
//! instruction-callback reply, and 4xx answers naming the failed check.

#[allow(dead_code)]
#[path = "../examples/callback_server.rs"]
mod example;

use std::sync::{Arc, Mutex};

use example::{ReplyMode, CALLBACK_PATH};
use wxlive::wecom::living::{Event, LivingStatus};
use wxlive_runtime::callback::{CallbackHandler, ReceiveId};
use wxlive_runtime::Secret;

const TOKEN: &str = "QDG6eK";
const KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const CORP_ID: &str = "wx5823bf96d3bd56c7";
const SUITE_ID: &str = "ww4asffe99e54c0f4c";
const NOW: i64 = 1_700_000_000;
const NONCE: &str = "1372623149";

const LIVING_STATUS_CHANGE: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><FromUserName><![CDATA[fromUser]]></FromUserName><CreateTime>1348831860</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[living_status_change]]></Event><LivingId><![CDATA[LIVING-1]]></LivingId><Status>2</Status><AgentID>1000002</AgentID></xml>";
const UNKNOWN_EVENT: &str = "<xml><ToUserName><![CDATA[toUser]]></ToUserName><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[brand_new_event]]></Event></xml>";

/// A handler on a fixed clock.
fn handler(receive_id: ReceiveId) -> CallbackHandler {
    CallbackHandler::new(TOKEN, &Secret::new(KEY), receive_id)
        .expect("valid settings")
        .with_clock(|| NOW)
}

/// A running example server and the events it handed over.
struct Server {
    url: String,
    events: Arc<Mutex<Vec<Event>>>,
    http: reqwest::Client,
}

async fn start(receive_id: ReceiveId, mode: ReplyMode) -> Server {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let app = example::router(handler(receive_id), mode, move |event| {
        sink.lock().expect("not poisoned").push(event)
    });
    Server {
        url: format!("{}{CALLBACK_PATH}", wxlive_tests::serve(app).await),
        events,
        http: reqwest::Client::new(),
    }
}

/// The encrypted envelope WeCom POSTs.
fn envelope(encrypted: &str) -> String {
    format!("<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>")
}

/// `msg`, encrypted and signed by `signer` for `receive_id`: (query pairs, body).
fn post_vector(signer: &CallbackHandler, msg: &str) -> (Vec<(String, String)>, String) {
    let encrypted = signer.encrypt(msg).expect("encrypt");
    let timestamp = NOW.to_string();
    let signature = signer.sign(&timestamp, NONCE, &encrypted);
    (
        vec![
            ("msg_signature".into(), signature),
            ("timestamp".into(), timestamp),
            ("nonce".into(), NONCE.into()),
        ],
        envelope(&encrypted),
    )
}

async fn post(server: &Server, query: &[(String, String)], body: String) -> (u16, String) {
    let response = server
        .http
        .post(&server.url)
        .query(query)
        .body(body)
        .send()
        .await
        .expect("request reaches the server");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

#[tokio::test]
async fn url_verification_answers_the_plain_echostr() {
    let server = start(ReceiveId::CorpId(CORP_ID.into()), ReplyMode::Empty).await;
    let signer = handler(ReceiveId::CorpId(CORP_ID.into()));
    // '+', '/' and '=' in the Base64 echostr must survive URL encoding.
    let encrypted = signer.encrypt("8765309123456789").expect("encrypt");
    let timestamp = NOW.to_string();
    let signature = signer.sign(&timestamp, NONCE, &encrypted);
    let response = server
        .http
        .get(&server.url)
        .query(&[
            ("msg_signature", signature.as_str()),
            ("timestamp", timestamp.as_str()),
            ("nonce", NONCE),
            ("echostr", encrypted.as_str()),
        ])
        .send()
        .await
        .expect("request reaches the server");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.text().await.unwrap(), "8765309123456789");
}

#[tokio::test]
async fn post_delivers_the_typed_event_and_answers_empty() {
    let server = start(ReceiveId::CorpId(CORP_ID.into()), ReplyMode::Empty).await;
    let (query, body) = post_vector(
        &handler(ReceiveId::CorpId(CORP_ID.into())),
        LIVING_STATUS_CHANGE,
    );
    assert_eq!(post(&server, &query, body).await, (200, String::new()));
    let events = server.events.lock().unwrap().clone();
    let [Event::LivingStatusChange(change)] = events.as_slice() else {
        panic!("expected one living_status_change, got {events:?}");
    };
    assert_eq!(change.living_id.as_deref(), Some("LIVING-1"));
    assert_eq!(change.status, Some(LivingStatus::Ended));
    assert_eq!(change.agent_id, Some(1000002));
    assert_eq!(change.create_time, Some(1348831860));
}

#[tokio::test]
async fn unknown_events_are_still_accepted() {
    let server = start(ReceiveId::CorpId(CORP_ID.into()), ReplyMode::Empty).await;
    let (query, body) = post_vector(&handler(ReceiveId::CorpId(CORP_ID.into())), UNKNOWN_EVENT);
    assert_eq!(post(&server, &query, body).await, (200, String::new()));
    let events = server.events.lock().unwrap().clone();
    let [Event::Unknown { event, raw_xml }] = events.as_slice() else {
        panic!("expected one unknown event, got {events:?}");
    };
    assert_eq!(event.as_deref(), Some("brand_new_event"));
    assert_eq!(raw_xml, UNKNOWN_EVENT);
}

#[tokio::test]
async fn suite_mode_answers_success() {
    let server = start(ReceiveId::SuiteId(SUITE_ID.into()), ReplyMode::Success).await;
    let (query, body) = post_vector(&handler(ReceiveId::SuiteId(SUITE_ID.into())), UNKNOWN_EVENT);
    assert_eq!(post(&server, &query, body).await, (200, "success".into()));
    assert_eq!(server.events.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_bad_signature_is_a_401_naming_the_check() {
    let server = start(ReceiveId::CorpId(CORP_ID.into()), ReplyMode::Empty).await;
    let (mut query, body) = post_vector(
        &handler(ReceiveId::CorpId(CORP_ID.into())),
        LIVING_STATUS_CHANGE,
    );
    query[0].1 = "0".repeat(40);
    let (status, text) = post(&server, &query, body).await;
    assert_eq!(status, 401);
    assert!(text.contains("signature check"), "{text}");
    assert!(server.events.lock().unwrap().is_empty());
}

#[tokio::test]
async fn other_failed_checks_are_4xx_naming_the_check() {
    let server = start(ReceiveId::CorpId(CORP_ID.into()), ReplyMode::Empty).await;
    let corp = handler(ReceiveId::CorpId(CORP_ID.into()));

    // No query at all.
    let (_, body) = post_vector(&corp, LIVING_STATUS_CHANGE);
    let (status, text) = post(&server, &[], body).await;
    assert_eq!(status, 400);
    assert!(
        text.contains("query check") && text.contains("msg_signature"),
        "{text}"
    );

    // Signed for another corp: the signature holds, the receive id does not.
    let (query, body) = post_vector(
        &handler(ReceiveId::CorpId("another-corp".into())),
        LIVING_STATUS_CHANGE,
    );
    let (status, text) = post(&server, &query, body).await;
    assert_eq!(status, 403);
    assert!(text.contains("receive id check"), "{text}");

    // An hour old.
    let encrypted = corp.encrypt(LIVING_STATUS_CHANGE).unwrap();
    let old = (NOW - 3600).to_string();
    let query = vec![
        ("msg_signature".into(), corp.sign(&old, NONCE, &encrypted)),
        ("timestamp".into(), old),
        ("nonce".into(), NONCE.into()),
    ];
    let (status, text) = post(&server, &query, envelope(&encrypted)).await;
    assert_eq!(status, 403);
    assert!(text.contains("freshness check"), "{text}");

    // No <Encrypt> element.
    let (query, _) = post_vector(&corp, LIVING_STATUS_CHANGE);
    let (status, text) = post(&server, &query, "<xml><A>1</A></xml>".into()).await;
    assert_eq!(status, 400);
    assert!(text.contains("envelope check"), "{text}");

    // GET without echostr.
    let response = server
        .http
        .get(&server.url)
        .query(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert!(response.text().await.unwrap().contains("echostr"));

    // A body that is not UTF-8.
    let response = server
        .http
        .post(&server.url)
        .query(&query)
        .body(vec![0xff, 0xfe, 0x00])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    assert!(response.text().await.unwrap().contains("UTF-8"));
    assert!(server.events.lock().unwrap().is_empty());
}

#[test]
fn reply_bodies() {
    assert_eq!(ReplyMode::Empty.body(), "");
    assert_eq!(ReplyMode::Success.body(), "success");
}
