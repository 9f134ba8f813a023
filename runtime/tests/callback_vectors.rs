//! The runtime against vectors from an independent implementation (scripts/callback_vectors.py, Python
//! `cryptography`): decryption, byte-for-byte encryption with the same random prefix, signatures,
//! query-string decoding and the reply document.

#![cfg(feature = "callback")]

mod callback_common;

use callback_common::{aes_key, hex, vectors, Case, Vectors};
use wxlive_runtime::callback::{CallbackQuery, Envelope, XmlDoc};

fn case<'a>(vectors: &'a Vectors, name: &str) -> &'a Case {
    vectors
        .cases
        .iter()
        .find(|case| case.name == name)
        .unwrap_or_else(|| panic!("vector {name} missing"))
}

#[test]
fn vectors_cover_the_required_cases() {
    let v = vectors();
    for name in [
        "living_status_change",
        "url_verification",
        "reply",
        "cjk_message",
        "full_pad_block",
        "suite_id_receiveid",
        "empty_receiveid",
    ] {
        case(&v, name);
    }
    assert_eq!(case(&v, "full_pad_block").pad_len, 32);
    assert_eq!(case(&v, "full_pad_block").plaintext_len % 32, 0);
    assert!(case(&v, "cjk_message").msg.contains("直播"));
    assert_eq!(hex(&v.aes_key_hex), aes_key());
}

#[test]
fn signatures_match() {
    let v = vectors();
    for c in &v.cases {
        let h = c.handler(&v);
        assert_eq!(
            h.sign(&c.timestamp, &c.nonce, &c.encrypt),
            c.msg_signature,
            "{}",
            c.name
        );
    }
}

#[test]
fn encryption_matches_byte_for_byte() {
    let v = vectors();
    for c in &v.cases {
        let h = c.handler(&v);
        assert_eq!(
            h.encrypt_with_random(&c.msg, &c.random()).unwrap(),
            c.encrypt,
            "{}",
            c.name
        );
    }
}

#[test]
fn query_strings_decode_to_the_signed_values() {
    let v = vectors();
    for c in &v.cases {
        let q = CallbackQuery::from_query_string(&c.query_string).unwrap();
        assert_eq!(q.msg_signature, c.msg_signature, "{}", c.name);
        assert_eq!(q.timestamp, c.timestamp);
        assert_eq!(q.nonce, c.nonce);
        if c.kind == "url_verification" {
            assert_eq!(q.echostr.as_deref(), Some(c.encrypt.as_str()));
        }
    }
}

#[test]
fn post_vectors_decrypt_and_parse() {
    let v = vectors();
    for c in v.cases.iter().filter(|c| c.kind == "post") {
        let h = c.handler(&v);
        let q = CallbackQuery::from_query_string(&c.query_string).unwrap();
        let body = c.body.as_deref().unwrap();
        assert_eq!(h.decrypt(&q, body).unwrap(), c.msg, "{}", c.name);
        let doc: XmlDoc = h.parse(&q, body).unwrap();
        assert_eq!(doc.raw(), c.msg);
    }
}

#[test]
fn living_status_change_fields() {
    let v = vectors();
    let c = case(&v, "living_status_change");
    let h = c.handler(&v);
    let q = CallbackQuery::from_query_string(&c.query_string).unwrap();
    let doc = h.parse_xml(&q, c.body.as_deref().unwrap()).unwrap();
    assert_eq!(doc.get("ToUserName"), Some("toUser"));
    assert_eq!(doc.get("FromUserName"), Some("fromUser"));
    assert_eq!(doc.get("CreateTime"), Some("1348831860"));
    assert_eq!(doc.get("MsgType"), Some("event"));
    assert_eq!(doc.get("Event"), Some("living_status_change"));
    assert_eq!(doc.get("LivingId"), Some("LivingId"));
    assert_eq!(doc.get("Status"), Some("1"));
    assert_eq!(doc.get("AgentID"), Some("1"));
}

#[test]
fn cjk_message_round_trips() {
    let v = vectors();
    let c = case(&v, "cjk_message");
    let h = c.handler(&v);
    let q = CallbackQuery::from_query_string(&c.query_string).unwrap();
    assert_eq!(q.nonce, "nonce+with/odd=chars");
    let doc = h.parse_xml(&q, c.body.as_deref().unwrap()).unwrap();
    assert_eq!(doc.get("Content"), Some("直播马上开始，欢迎观看！🎥"));
    assert_eq!(doc.get("FromUserName"), Some("张三"));
}

#[test]
fn url_verification_returns_the_plaintext_echostr() {
    let v = vectors();
    let c = case(&v, "url_verification");
    let h = c.handler(&v);
    let q = CallbackQuery::from_query_string(&c.query_string).unwrap();
    assert_eq!(h.verify_url(&q).unwrap(), "1616140317555161061");
}

#[test]
fn reply_matches_byte_for_byte_and_decrypts() {
    let v = vectors();
    let c = case(&v, "reply");
    let h = c.handler(&v);
    let timestamp: i64 = c.timestamp.parse().unwrap();
    let reply = h
        .encrypt_reply_with_random(&c.msg, timestamp, &c.nonce, &c.random())
        .unwrap();
    assert_eq!(reply, c.reply_xml.clone().unwrap());

    // The reply is itself a valid signed envelope: WeCom's side of the exchange.
    let doc = XmlDoc::parse(reply.as_str()).unwrap();
    let q = CallbackQuery::new(
        doc.get("MsgSignature").unwrap(),
        doc.get("TimeStamp").unwrap(),
        doc.get("Nonce").unwrap(),
    );
    assert_eq!(Envelope::parse(&reply).unwrap().encrypt, c.encrypt);
    assert_eq!(h.decrypt(&q, &reply).unwrap(), c.msg);
}

#[test]
fn vectors_fail_under_the_wrong_receive_id() {
    let v = vectors();
    let suite = case(&v, "suite_id_receiveid");
    let corp = case(&v, "living_status_change");
    // The suite-id vector checked by a corp-id handler, and the corp-id vector by an empty-id handler.
    let pairs = [(suite, corp), (corp, case(&v, "empty_receiveid"))];
    for (message, configured) in pairs {
        let h = configured.handler(&v).with_clock({
            let now: i64 = message.timestamp.parse().unwrap();
            move || now
        });
        let q = CallbackQuery::from_query_string(&message.query_string).unwrap();
        let err = h.decrypt(&q, message.body.as_deref().unwrap()).unwrap_err();
        assert!(
            matches!(
                err,
                wxlive_runtime::callback::CallbackError::WrongReceiveId { .. }
            ),
            "{}: {err:?}",
            message.name
        );
    }
}
