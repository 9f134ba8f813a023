//! The callback server example over real loopback HTTP: both apps verify their URL, typed events of
//! both products reach the queue and are acknowledged as each platform expects, a closed queue is
//! answered 500 (never acknowledged), and a failed check is a 4xx naming it.

#[allow(dead_code)]
#[path = "../examples/callback_server.rs"]
mod example;

use example::Received;
use tokio::sync::mpsc;
use wxlive::wecom::{self, living};
use wxlive::wxa::{self, broadcast};
use wxlive_runtime::callback::{CallbackHandler, ReceiveId};
use wxlive_runtime::Secret;
use wxlive_tests::callbacks::{plain_verification, signed_post, wecom_verification, Query};

const TOKEN: &str = "QDG6eK";
const KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
const CORP_ID: &str = "wx5823bf96d3bd56c7";
const APPID: &str = "wx1234567890abcdef";
const NOW: i64 = 1_700_000_000;
const NONCE: &str = "1372623149";

const LIVING_STATUS_CHANGE: &str =
    include_str!("../../generated/fixtures/wecom/living/living_status_change.xml");
const FOLLOW_NOTIFY: &str =
    include_str!("../../generated/fixtures/wxa/broadcast/wxalive_follow_notify.xml");

fn handler(receive_id: ReceiveId) -> CallbackHandler {
    CallbackHandler::new(TOKEN, &Secret::new(KEY), receive_id)
        .expect("valid settings")
        .with_clock(|| NOW)
}

fn wecom() -> CallbackHandler {
    handler(ReceiveId::CorpId(CORP_ID.into()))
}

fn wxa() -> CallbackHandler {
    handler(ReceiveId::AppId(APPID.into()))
}

/// The example's router with both apps on a loopback port: (base URL, the queue's receiving end).
async fn start() -> (String, mpsc::UnboundedReceiver<Received>) {
    let (queue, events) = mpsc::unbounded_channel();
    let router = example::router(Some(wecom()), Some(wxa()), queue).expect("a valid router");
    (wxlive_tests::serve(router).await, events)
}

async fn send(request: reqwest::RequestBuilder) -> (u16, String) {
    let response = request
        .send()
        .await
        .expect("the request reaches the server");
    let status = response.status().as_u16();
    (status, response.text().await.expect("a body"))
}

async fn post(url: String, query: &Query, body: String) -> (u16, String) {
    send(reqwest::Client::new().post(url).query(query).body(body)).await
}

#[tokio::test]
async fn both_apps_verify_their_url() {
    let (base, _events) = start().await;
    let http = reqwest::Client::new();
    let query = wecom_verification(&wecom(), "8765309123456789", NOW, NONCE);
    let answer = send(http.get(format!("{base}/callback/wecom")).query(&query)).await;
    assert_eq!(answer, (200, "8765309123456789".into()));
    let query = plain_verification(&wxa(), "4375120948345356249", NOW, NONCE);
    let answer = send(http.get(format!("{base}/callback/wxa")).query(&query)).await;
    assert_eq!(answer, (200, "4375120948345356249".into()));
}

#[tokio::test]
async fn events_of_both_products_are_queued_and_acknowledged() {
    let (base, mut events) = start().await;
    let (query, body) = signed_post(&wecom(), LIVING_STATUS_CHANGE, NOW, NONCE);
    let answer = post(format!("{base}/callback/wecom"), &query, body).await;
    assert_eq!(answer, (200, String::new()));
    let (query, body) = signed_post(&wxa(), FOLLOW_NOTIFY, NOW, NONCE);
    let answer = post(format!("{base}/callback/wxa"), &query, body).await;
    assert_eq!(answer, (200, "success".into()));

    let first = events.recv().await.expect("the living event");
    assert!(
        matches!(first, Received::Wecom(wecom::Event::Living(living::Event::LivingStatusChange(ref change))) if change.living_id.as_deref() == Some("LivingId")),
        "{first:?}"
    );
    let second = events.recv().await.expect("the broadcast event");
    assert!(
        matches!(
            second,
            Received::Wxa(wxa::Event::Broadcast(
                broadcast::Event::WxaliveFollowNotify(_)
            ))
        ),
        "{second:?}"
    );
}

#[tokio::test]
async fn an_event_no_domain_declares_is_queued_as_unknown() {
    let (base, mut events) = start().await;
    let xml =
        "<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event></xml>";
    let (query, body) = signed_post(&wecom(), xml, NOW, NONCE);
    let answer = post(format!("{base}/callback/wecom"), &query, body).await;
    assert_eq!(answer, (200, String::new()));
    let event = events.recv().await.expect("the unknown event");
    assert!(
        matches!(event, Received::Wecom(wecom::Event::Unknown { ref event, .. }) if event.as_deref() == Some("change_contact")),
        "{event:?}"
    );
}

#[tokio::test]
async fn a_closed_queue_is_not_acknowledged() {
    let (base, events) = start().await;
    drop(events);
    let (query, body) = signed_post(&wxa(), FOLLOW_NOTIFY, NOW, NONCE);
    let (status, text) = post(format!("{base}/callback/wxa"), &query, body).await;
    assert_eq!(status, 500);
    assert!(text.contains("handler check"), "{text}");
}

#[tokio::test]
async fn a_failed_check_is_a_4xx_naming_it() {
    let (base, mut events) = start().await;
    // The WeCom app's callback sent to the mini program's path: same token and key, other receive id.
    let (query, body) = signed_post(&wecom(), LIVING_STATUS_CHANGE, NOW, NONCE);
    let (status, text) = post(format!("{base}/callback/wxa"), &query, body).await;
    assert_eq!(status, 403);
    assert!(text.contains("receive id check"), "{text}");
    assert!(events.try_recv().is_err());
}

#[test]
fn without_apps_there_is_no_router() {
    let (queue, _events) = mpsc::unbounded_channel();
    let err = example::router(None, None, queue).expect_err("no app");
    assert_eq!(err.to_string(), "no callback app is registered");
}
