//! No input makes the callback code panic: arbitrary strings and bytes in every field (query, body,
//! echostr, key, token), random ciphertexts that pass the signature check, random plaintexts that reach
//! the framing checks, and XML-looking noise.

#![cfg(feature = "callback")]

mod callback_common;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use callback_common::{envelope, handler, raw_encrypt, signed_query, NOW};
use proptest::prelude::*;
use wxlive_runtime::callback::{CallbackHandler, CallbackQuery, Envelope, ReceiveId, XmlDoc};
use wxlive_runtime::Secret;

fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        proptest::collection::vec(any::<u8>(), 0..200)
            .prop_map(|b| String::from_utf8_lossy(&b).into_owned()),
        "[0-9a-f]{40}",
        "[0-9]{0,12}",
        "[A-Za-z0-9+/=]{0,120}",
    ]
}

fn xmlish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("<xml>".to_owned()),
            Just("</xml>".to_owned()),
            Just("<Encrypt>".to_owned()),
            Just("</Encrypt>".to_owned()),
            Just("<![CDATA[".to_owned()),
            Just("]]>".to_owned()),
            Just("<a b=\"c\">".to_owned()),
            Just("<a/>".to_owned()),
            Just("</a>".to_owned()),
            Just("<!--".to_owned()),
            Just("-->".to_owned()),
            Just("<?xml version=\"1.0\"?>".to_owned()),
            Just("<!DOCTYPE x>".to_owned()),
            "&[a-z#0-9]{0,6};?",
            "[a-z <>/=\"']{0,4}",
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_query_and_body_never_panic(
        sig in any_text(), ts in any_text(), nonce in any_text(), echostr in any_text(), body in any_text(),
    ) {
        let h = handler();
        let q = CallbackQuery::new(sig, ts, nonce).with_echostr(echostr);
        let _ = h.verify_url(&q);
        let _ = h.decrypt(&q, &body);
        let _ = h.parse::<XmlDoc>(&q, &body);
    }

    #[test]
    fn arbitrary_query_strings_never_panic(query in any_text()) {
        if let Ok(q) = CallbackQuery::from_query_string(&query) {
            let _ = handler().verify_url(&q);
        }
    }

    #[test]
    fn arbitrary_key_and_token_never_panic(
        key in prop_oneof![any_text(), "[A-Za-z0-9]{41,45}"],
        token in prop_oneof![any_text(), "[A-Za-z0-9]{0,34}"],
        msg in any_text(),
    ) {
        if let Ok(h) = CallbackHandler::new(token, &Secret::new(key), ReceiveId::None) {
            let encrypted = h.encrypt(&msg).unwrap();
            let q = CallbackQuery::new(h.sign(&NOW.to_string(), "n", &encrypted), NOW.to_string(), "n");
            prop_assert_eq!(h.without_freshness_check().decrypt_payload(&q, &encrypted).unwrap(), msg);
        }
    }

    #[test]
    fn signed_random_ciphertexts_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let h = handler();
        let encrypted = STANDARD.encode(&bytes);
        let _ = h.decrypt(&signed_query(&h, &encrypted), &envelope(&encrypted));
    }

    #[test]
    fn signed_random_plaintexts_never_panic(blocks in proptest::collection::vec(any::<[u8; 16]>(), 1..20)) {
        let h = handler();
        let encrypted = raw_encrypt(&blocks.concat());
        let _ = h.decrypt(&signed_query(&h, &encrypted), &envelope(&encrypted));
    }

    #[test]
    fn xml_noise_never_panics(xml in xmlish()) {
        let _ = XmlDoc::parse(xml.as_str());
        let _ = Envelope::parse(&xml);
    }

    #[test]
    fn round_trip_any_message(msg in any::<String>(), random in any::<[u8; 16]>()) {
        let h = handler();
        let encrypted = h.encrypt_with_random(&msg, &random).unwrap();
        prop_assert_eq!(h.decrypt_payload(&signed_query(&h, &encrypted), &encrypted).unwrap(), msg);
    }
}
