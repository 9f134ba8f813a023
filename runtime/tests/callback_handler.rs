//! Handler behaviour: round trips, options (freshness window, clock, replay guard), typed events,
//! thread safety, and redaction of the token and key.

#![cfg(feature = "callback")]

mod callback_common;

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use callback_common::{
    envelope, handler, rejection_scenarios, signed_query, signed_query_at, CORP_ID, KEY,
    LIVING_STATUS_CHANGE, NOW, TOKEN,
};
use wxlive_runtime::callback::{
    CallbackError, CallbackEvent, CallbackHandler, CallbackQuery, ReceiveId, ReplayGuard, XmlDoc,
};
use wxlive_runtime::Secret;

#[test]
fn round_trip_post_for_every_receive_id_mode() {
    for receive_id in [
        ReceiveId::CorpId(CORP_ID.into()),
        ReceiveId::SuiteId("ww4asffe99e54c0f4c".into()),
        ReceiveId::None,
    ] {
        let h = CallbackHandler::new(TOKEN, &Secret::new(KEY), receive_id.clone())
            .unwrap()
            .with_clock(|| NOW);
        for msg in ["", "<xml/>", LIVING_STATUS_CHANGE, &"直".repeat(500)] {
            let encrypted = h.encrypt(msg).unwrap();
            let q = signed_query(&h, &encrypted);
            assert_eq!(
                h.decrypt(&q, &envelope(&encrypted)).unwrap(),
                msg,
                "{receive_id}"
            );
        }
    }
}

#[test]
fn round_trip_url_verification() {
    let h = handler();
    let encrypted = h.encrypt("8765309").unwrap();
    let q = signed_query(&h, &encrypted).with_echostr(encrypted.as_str());
    assert_eq!(h.verify_url(&q).unwrap(), "8765309");
}

#[test]
fn round_trip_reply() {
    let h = handler();
    let reply = h
        .encrypt_reply("<xml><Content>hi</Content></xml>", NOW, "n0nce")
        .unwrap();
    let doc = XmlDoc::parse(reply.as_str()).unwrap();
    assert_eq!(
        doc.children().map(|c| c.name()).collect::<Vec<_>>(),
        ["Encrypt", "MsgSignature", "TimeStamp", "Nonce"]
    );
    let q = CallbackQuery::new(doc.get("MsgSignature").unwrap(), NOW.to_string(), "n0nce");
    assert_eq!(doc.get("TimeStamp"), Some("1700000000"));
    assert_eq!(
        h.decrypt(&q, &reply).unwrap(),
        "<xml><Content>hi</Content></xml>"
    );
}

#[test]
fn encryption_uses_fresh_randomness() {
    let h = handler();
    assert_ne!(h.encrypt("same").unwrap(), h.encrypt("same").unwrap());
}

#[test]
fn freshness_window_is_configurable_and_can_be_disabled() {
    let encrypted = handler().encrypt("<xml/>").unwrap();
    let old = (NOW - 3600).to_string();
    let h = handler();
    let q = signed_query_at(&h, &encrypted, &old, "n");
    let body = envelope(&encrypted);
    assert!(matches!(
        h.decrypt(&q, &body),
        Err(CallbackError::StaleTimestamp { .. })
    ));
    let future = signed_query_at(&h, &encrypted, &(NOW + 301).to_string(), "n");
    assert!(matches!(
        h.decrypt(&future, &body),
        Err(CallbackError::StaleTimestamp { .. })
    ));
    let edge = signed_query_at(&h, &encrypted, &(NOW + 300).to_string(), "n");
    assert!(h.decrypt(&edge, &body).is_ok());

    let wide = handler().with_freshness_window(Duration::from_secs(3600));
    assert_eq!(wide.freshness_window(), Some(Duration::from_secs(3600)));
    assert!(wide.decrypt(&q, &body).is_ok());

    let off = handler().without_freshness_check();
    assert_eq!(off.freshness_window(), None);
    assert!(off
        .decrypt(&signed_query_at(&h, &encrypted, "0", "n"), &body)
        .is_ok());
    // Still a number, even without the window.
    assert_eq!(
        off.decrypt(&signed_query_at(&h, &encrypted, "yesterday", "n"), &body),
        Err(CallbackError::InvalidTimestamp)
    );
}

#[test]
fn default_handler_uses_the_system_clock_and_300_s() {
    let h = CallbackHandler::new(TOKEN, &Secret::new(KEY), ReceiveId::None).unwrap();
    assert_eq!(
        h.freshness_window(),
        Some(CallbackHandler::DEFAULT_FRESHNESS_WINDOW)
    );
    assert!(h.replay_guard().is_none());
    let encrypted = h.encrypt("<xml/>").unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let q = signed_query_at(&h, &encrypted, &now, "n");
    assert!(h.decrypt_payload(&q, &encrypted).is_ok());
}

#[test]
fn replay_guard_expires_entries_with_the_window() {
    let now = Arc::new(AtomicI64::new(NOW));
    let clock = {
        let now = Arc::clone(&now);
        move || now.load(Ordering::SeqCst)
    };
    let h = handler()
        .with_clock(clock)
        .with_replay_guard(ReplayGuard::new(1000));
    let encrypted = h.encrypt("<xml/>").unwrap();
    let q = signed_query(&h, &encrypted);
    let body = envelope(&encrypted);
    assert!(h.decrypt(&q, &body).is_ok());
    assert_eq!(h.decrypt(&q, &body), Err(CallbackError::Replayed));
    // Another nonce is another callback.
    assert!(h
        .decrypt(
            &signed_query_at(&h, &encrypted, &NOW.to_string(), "other"),
            &body
        )
        .is_ok());
    // Once the timestamp is out of the window the freshness check answers, and the entry is gone.
    now.store(NOW + 301, Ordering::SeqCst);
    assert!(matches!(
        h.decrypt(&q, &body),
        Err(CallbackError::StaleTimestamp { .. })
    ));
    let fresh = signed_query_at(&h, &encrypted, &(NOW + 301).to_string(), "third");
    assert!(h.decrypt(&fresh, &body).is_ok());
    assert_eq!(h.replay_guard().unwrap().len(), 1);
    assert!(h
        .clone()
        .without_replay_guard()
        .decrypt(&fresh, &body)
        .is_ok());
}

#[test]
fn replay_guard_admits_exactly_one_of_concurrent_duplicates() {
    let h = handler().with_replay_guard(ReplayGuard::default());
    let encrypted = h.encrypt(LIVING_STATUS_CHANGE).unwrap();
    let q = signed_query(&h, &encrypted);
    let body = envelope(&encrypted);
    let accepted = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                let h = h.clone();
                let (q, body) = (&q, &body);
                scope.spawn(move || (0..50).filter(|_| h.decrypt(q, body).is_ok()).count())
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap())
            .sum::<usize>()
    });
    assert_eq!(accepted, 1);
}

#[test]
fn handler_is_send_sync_and_clone() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<CallbackHandler>();
    check::<XmlDoc>();
}

/// A typed event the way generated code implements it.
#[derive(Debug, PartialEq)]
enum Event {
    LivingStatusChange {
        living_id: String,
        status: Option<i32>,
    },
    Unknown(XmlDoc),
}

impl CallbackEvent for Event {
    fn from_xml(doc: &XmlDoc) -> Self {
        match doc.get("Event") {
            Some("living_status_change") => Event::LivingStatusChange {
                living_id: doc.get("LivingId").unwrap_or_default().to_owned(),
                status: doc.get("Status").and_then(|s| s.trim().parse().ok()),
            },
            _ => Event::Unknown(doc.clone()),
        }
    }
}

#[test]
fn typed_events_and_unknown_events() {
    let h = handler();
    let encrypted = h.encrypt(LIVING_STATUS_CHANGE).unwrap();
    let q = signed_query(&h, &encrypted);
    let event: Event = h.parse(&q, &envelope(&encrypted)).unwrap();
    assert_eq!(
        event,
        Event::LivingStatusChange {
            living_id: "LivingId".into(),
            status: Some(1)
        }
    );

    let other = "<xml><Event><![CDATA[change_contact]]></Event></xml>";
    let encrypted = h.encrypt(other).unwrap();
    let q = signed_query(&h, &encrypted);
    match h.parse::<Event>(&q, &envelope(&encrypted)).unwrap() {
        Event::Unknown(doc) => assert_eq!(doc.raw(), other),
        event => panic!("expected Unknown, got {event:?}"),
    }
}

#[test]
fn secrets_never_appear_in_debug_or_display() {
    let aes_key_hex = "8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760";
    let mut texts = vec![
        format!("{:?}", handler()),
        format!("{:#?}", handler().with_replay_guard(ReplayGuard::new(4))),
    ];
    let mut produced = 0;
    for (name, result) in rejection_scenarios() {
        let err = result.expect_err(name);
        texts.push(format!("{err}"));
        texts.push(format!("{err:?}"));
        texts.push(format!("{err:#?}"));
        produced += 1;
    }
    assert!(produced >= 20);
    for text in &texts {
        for secret in [KEY, TOKEN, aes_key_hex, &KEY[..20]] {
            assert!(!text.contains(secret), "secret leaked in {text}");
        }
    }
    assert!(texts[0].contains("redacted"), "{}", texts[0]);
}
