//! Every rejection path of the callback handler, one named test each. The scenarios themselves live in
//! `callback_common::rejection_scenarios` so the redaction test can format the very same errors.

#![cfg(feature = "callback")]

mod callback_common;

use callback_common::{handler, rejection, rejection_scenarios, signed_query, CORP_ID, NOW};
use wxlive_runtime::callback::{CallbackError, CallbackQuery};

#[test]
fn every_scenario_is_rejected() {
    for (name, result) in rejection_scenarios() {
        assert!(result.is_err(), "{name} was accepted: {result:?}");
    }
}

#[test]
fn missing_parameter() {
    assert_eq!(
        rejection("missing_parameter"),
        CallbackError::MissingParameter("msg_signature")
    );
}

#[test]
fn missing_echostr() {
    assert_eq!(
        rejection("missing_echostr"),
        CallbackError::MissingParameter("echostr")
    );
}

#[test]
fn bad_encoding_aes_key_wrong_length() {
    let err = rejection("bad_key_length");
    assert!(
        matches!(err, CallbackError::InvalidEncodingAesKey(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("43"), "{err}");
}

#[test]
fn bad_encoding_aes_key_bad_chars() {
    let err = rejection("bad_key_chars");
    assert!(
        matches!(err, CallbackError::InvalidEncodingAesKey(_)),
        "{err:?}"
    );
    assert!(err.to_string().contains("a-z"), "{err}");
}

#[test]
fn bad_token() {
    assert!(matches!(
        rejection("bad_token"),
        CallbackError::InvalidToken(_)
    ));
}

#[test]
fn bad_signature() {
    assert_eq!(rejection("bad_signature"), CallbackError::BadSignature);
}

#[test]
fn bad_signature_is_checked_before_anything_else() {
    // Garbage everywhere, but the signature check answers first.
    let h = handler();
    let q = CallbackQuery::new("0".repeat(40), "not-a-time", "n");
    assert_eq!(
        h.decrypt(&q, "<xml><Encrypt>***</Encrypt></xml>"),
        Err(CallbackError::BadSignature)
    );
}

#[test]
fn invalid_timestamp() {
    assert_eq!(
        rejection("invalid_timestamp"),
        CallbackError::InvalidTimestamp
    );
}

#[test]
fn stale_timestamp() {
    assert_eq!(
        rejection("stale_timestamp"),
        CallbackError::StaleTimestamp {
            timestamp: NOW - 301,
            now: NOW,
            window_secs: 300
        }
    );
}

#[test]
fn replayed_nonce() {
    assert_eq!(rejection("replayed_nonce"), CallbackError::Replayed);
}

#[test]
fn bad_base64() {
    assert_eq!(rejection("bad_base64"), CallbackError::Base64);
}

#[test]
fn empty_ciphertext() {
    assert_eq!(
        rejection("empty_ciphertext"),
        CallbackError::CiphertextLength(0)
    );
}

#[test]
fn length_not_multiple_of_block() {
    assert_eq!(
        rejection("length_not_multiple_of_block"),
        CallbackError::CiphertextLength(17)
    );
}

#[test]
fn bad_padding_value_zero() {
    assert_eq!(
        rejection("bad_padding_zero"),
        CallbackError::BadPadding("pad value 0")
    );
}

#[test]
fn bad_padding_value_over_32() {
    assert_eq!(
        rejection("bad_padding_over_32"),
        CallbackError::BadPadding("pad value larger than 32")
    );
}

#[test]
fn bad_padding_inconsistent_bytes() {
    assert_eq!(
        rejection("bad_padding_inconsistent"),
        CallbackError::BadPadding("inconsistent pad bytes")
    );
}

#[test]
fn plaintext_too_short() {
    assert_eq!(
        rejection("plaintext_too_short"),
        CallbackError::PlaintextTooShort(19)
    );
}

#[test]
fn length_prefix_past_end() {
    assert_eq!(
        rejection("length_prefix_past_end"),
        CallbackError::LengthPrefixOutOfBounds {
            declared: 1000,
            available: 5 + CORP_ID.len()
        }
    );
}

#[test]
fn wrong_receiveid() {
    assert_eq!(
        rejection("wrong_receiveid"),
        CallbackError::WrongReceiveId {
            expected: CORP_ID.into(),
            found: "wwSomeOtherCorp".into()
        }
    );
}

#[test]
fn non_utf8_message() {
    assert_eq!(rejection("non_utf8_message"), CallbackError::NotUtf8);
}

#[test]
fn malformed_xml() {
    assert!(matches!(
        rejection("malformed_xml"),
        CallbackError::MalformedXml(_)
    ));
}

#[test]
fn malformed_envelope() {
    assert!(matches!(
        rejection("malformed_envelope"),
        CallbackError::MalformedXml(_)
    ));
}

#[test]
fn missing_encrypt() {
    assert_eq!(rejection("missing_encrypt"), CallbackError::MissingEncrypt);
}

#[test]
fn tampered_ciphertext_fails_the_signature() {
    let h = handler();
    let encrypted = h.encrypt("<xml/>").unwrap();
    let q = signed_query(&h, &encrypted);
    let mut tampered = encrypted.into_bytes();
    tampered[0] = if tampered[0] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(
        h.decrypt_payload(&q, &tampered),
        Err(CallbackError::BadSignature)
    );
}

#[test]
fn a_body_or_xml_beyond_the_limit_is_refused_unread() {
    use wxlive_runtime::callback::xml::MAX_XML_BYTES;
    use wxlive_runtime::callback::XmlDoc;
    let query = CallbackQuery::new("signature", NOW.to_string(), "nonce");
    let body = format!(
        "<xml><Encrypt>{}</Encrypt></xml>",
        "A".repeat(MAX_XML_BYTES)
    );
    assert_eq!(
        handler().decrypt(&query, &body),
        Err(CallbackError::TooLarge {
            len: body.len(),
            limit: MAX_XML_BYTES
        })
    );
    let xml = format!("<xml><A>{}</A></xml>", "x".repeat(MAX_XML_BYTES));
    assert!(matches!(
        XmlDoc::parse(xml),
        Err(CallbackError::TooLarge { .. })
    ));
}
