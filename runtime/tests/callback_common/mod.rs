//! Shared fixtures of the callback tests: the Python-generated vectors, a handler on a fixed clock,
//! a raw AES helper to forge plaintexts the handler would never produce, and one scenario per rejection.

#![allow(dead_code)]

use std::path::PathBuf;

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockEncryptMut, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde::Deserialize;
use wxlive_runtime::callback::{
    CallbackError, CallbackHandler, CallbackQuery, ReceiveId, ReplayGuard,
};
use wxlive_runtime::Secret;

/// WeCom's sample EncodingAESKey (also in the vectors file).
pub const KEY: &str = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C";
/// WeCom's sample token.
pub const TOKEN: &str = "QDG6eK";
/// WeCom's sample corpid.
pub const CORP_ID: &str = "wx5823bf96d3bd56c7";
/// The time the fixed clock reports, equal to most vectors' timestamp.
pub const NOW: i64 = 1_700_000_000;
/// A nonce for hand-made callbacks.
pub const NONCE: &str = "1372623149";

/// The official sample event of reference §7.
pub const LIVING_STATUS_CHANGE: &str = "<xml>\n   <ToUserName><![CDATA[toUser]]></ToUserName>\n   <FromUserName><![CDATA[fromUser]]></FromUserName>\n   <CreateTime>1348831860</CreateTime>\n   <MsgType><![CDATA[event]]></MsgType>\n   <Event><![CDATA[living_status_change]]></Event>\n   <LivingId><![CDATA[LivingId]]></LivingId>\n   <Status>1</Status>\n   <AgentID>1</AgentID>\n</xml>";

/// runtime/tests/data/callback_vectors.json.
#[derive(Debug, Deserialize)]
pub struct Vectors {
    pub encoding_aes_key: String,
    pub aes_key_hex: String,
    pub token: String,
    pub cases: Vec<Case>,
}

/// One vector.
#[derive(Debug, Deserialize)]
pub struct Case {
    pub name: String,
    pub kind: String,
    pub receive_id: VectorReceiveId,
    pub msg: String,
    pub random_hex: String,
    pub plaintext_len: usize,
    pub pad_len: usize,
    pub encrypt: String,
    pub timestamp: String,
    pub nonce: String,
    pub msg_signature: String,
    pub query_string: String,
    pub body: Option<String>,
    pub reply_xml: Option<String>,
}

/// The receive id of a vector.
#[derive(Debug, Deserialize)]
pub struct VectorReceiveId {
    pub kind: String,
    pub value: String,
}

impl Case {
    /// The receive id as the runtime type.
    pub fn receive_id(&self) -> ReceiveId {
        match self.receive_id.kind.as_str() {
            "corp_id" => ReceiveId::CorpId(self.receive_id.value.clone()),
            "suite_id" => ReceiveId::SuiteId(self.receive_id.value.clone()),
            "none" => ReceiveId::None,
            other => panic!("unknown receive id kind {other}"),
        }
    }

    /// The fixed 16-byte random prefix.
    pub fn random(&self) -> [u8; 16] {
        let bytes = hex(&self.random_hex);
        bytes.try_into().expect("16 random bytes")
    }

    /// A handler for this vector, on a clock at the vector's timestamp.
    pub fn handler(&self, vectors: &Vectors) -> CallbackHandler {
        let now: i64 = self.timestamp.parse().expect("numeric timestamp");
        CallbackHandler::new(
            vectors.token.as_str(),
            &Secret::new(vectors.encoding_aes_key.as_str()),
            self.receive_id(),
        )
        .expect("valid configuration")
        .with_clock(move || now)
    }
}

/// Loads the vectors file.
pub fn vectors() -> Vectors {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/callback_vectors.json");
    let text = std::fs::read_to_string(&path)
        .expect("callback_vectors.json (run scripts/callback_vectors.py)");
    serde_json::from_str(&text).expect("well-formed vectors")
}

/// Decodes lowercase or uppercase hex.
pub fn hex(text: &str) -> Vec<u8> {
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex"))
        .collect()
}

/// The sample handler (corpid receive id) on a clock fixed at [`NOW`].
pub fn handler() -> CallbackHandler {
    CallbackHandler::new(TOKEN, &Secret::new(KEY), ReceiveId::CorpId(CORP_ID.into()))
        .expect("valid configuration")
        .with_clock(|| NOW)
}

/// The 32-byte AES key of [`KEY`], derived independently of the runtime (lenient Base64 by hand).
pub fn aes_key() -> [u8; 32] {
    hex("8d69989bbaabe67328014c194631ad0719b3dca035b64023df292447aab60760")
        .try_into()
        .expect("32 bytes")
}

/// AES-256-CBC (IV = first 16 key bytes) of an already block-aligned plaintext, in Base64. Lets tests
/// forge plaintexts with any padding, length prefix or receive id.
pub fn raw_encrypt(plain: &[u8]) -> String {
    assert_eq!(plain.len() % 16, 0, "block aligned");
    let key = aes_key();
    let mut buf = plain.to_vec();
    let len = buf.len();
    cbc::Encryptor::<aes::Aes256>::new((&key).into(), key[..16].into())
        .encrypt_padded_mut::<NoPadding>(&mut buf, len)
        .expect("aligned");
    STANDARD.encode(buf)
}

/// `random ‖ be32(len) ‖ msg ‖ receive_id`, unpadded.
pub fn frame(msg: &[u8], receive_id: &[u8]) -> Vec<u8> {
    let mut plain = vec![0x5a; 16];
    plain.extend_from_slice(&(msg.len() as u32).to_be_bytes());
    plain.extend_from_slice(msg);
    plain.extend_from_slice(receive_id);
    plain
}

/// PKCS#7 to 32.
pub fn pad32(mut plain: Vec<u8>) -> Vec<u8> {
    let k = 32 - plain.len() % 32;
    plain.resize(plain.len() + k, k as u8);
    plain
}

/// A correctly signed query at [`NOW`] for the given ciphertext.
pub fn signed_query(handler: &CallbackHandler, encrypted: &str) -> CallbackQuery {
    signed_query_at(handler, encrypted, &NOW.to_string(), NONCE)
}

/// A correctly signed query for the given ciphertext, timestamp and nonce.
pub fn signed_query_at(
    handler: &CallbackHandler,
    encrypted: &str,
    timestamp: &str,
    nonce: &str,
) -> CallbackQuery {
    CallbackQuery::new(handler.sign(timestamp, nonce, encrypted), timestamp, nonce)
}

/// The POST body around a ciphertext.
pub fn envelope(encrypted: &str) -> String {
    format!(
        "<xml><ToUserName><![CDATA[{CORP_ID}]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>"
    )
}

/// Decrypts a forged plaintext through the full, correctly signed POST path.
pub fn post_forged(plain: &[u8]) -> Result<String, CallbackError> {
    let h = handler();
    let encrypted = raw_encrypt(plain);
    h.decrypt(&signed_query(&h, &encrypted), &envelope(&encrypted))
}

/// Every rejection the tests exercise, by name, each produced through the public API. Each must fail.
pub fn rejection_scenarios() -> Vec<(&'static str, Result<String, CallbackError>)> {
    let h = handler();
    let good = h
        .encrypt_with_random(LIVING_STATUS_CHANGE, &[7; 16])
        .expect("encrypt");
    let good_query = signed_query(&h, &good);
    let signed = |encrypted: &str| {
        let q = signed_query(&h, encrypted);
        h.decrypt(&q, &envelope(encrypted))
    };
    vec![
        (
            "missing_parameter",
            CallbackQuery::from_query_string("timestamp=1&nonce=2").map(|_| String::new()),
        ),
        ("missing_echostr", h.verify_url(&good_query)),
        (
            "bad_key_length",
            CallbackHandler::new(TOKEN, &Secret::new(&KEY[..42]), ReceiveId::None)
                .map(|_| String::new()),
        ),
        (
            "bad_key_chars",
            CallbackHandler::new(
                TOKEN,
                &Secret::new(format!("{}+", &KEY[..42])),
                ReceiveId::None,
            )
            .map(|_| String::new()),
        ),
        (
            "bad_token",
            CallbackHandler::new(format!("{TOKEN}!"), &Secret::new(KEY), ReceiveId::None)
                .map(|_| String::new()),
        ),
        ("bad_signature", {
            let mut q = good_query.clone();
            q.msg_signature = h.sign(&NOW.to_string(), "other-nonce", &good);
            h.decrypt(&q, &envelope(&good))
        }),
        ("invalid_timestamp", {
            let q = signed_query_at(&h, &good, "17e8", NONCE);
            h.decrypt(&q, &envelope(&good))
        }),
        ("stale_timestamp", {
            let q = signed_query_at(&h, &good, &(NOW - 301).to_string(), NONCE);
            h.decrypt(&q, &envelope(&good))
        }),
        ("replayed_nonce", {
            let guarded = handler().with_replay_guard(ReplayGuard::new(16));
            let first = guarded.decrypt(&good_query, &envelope(&good));
            assert!(first.is_ok(), "first delivery accepted: {first:?}");
            guarded.decrypt(&good_query, &envelope(&good))
        }),
        ("bad_base64", signed("not*base64")),
        ("empty_ciphertext", signed("")),
        (
            "length_not_multiple_of_block",
            signed(&STANDARD.encode([1u8; 17])),
        ),
        ("bad_padding_zero", post_forged(&[0u8; 64])),
        ("bad_padding_over_32", post_forged(&[33u8; 64])),
        ("bad_padding_inconsistent", {
            let mut plain = pad32(frame(b"hello", CORP_ID.as_bytes()));
            let n = plain.len();
            plain[n - 2] ^= 1;
            post_forged(&plain)
        }),
        ("plaintext_too_short", post_forged(&pad32(vec![1u8; 19]))),
        ("length_prefix_past_end", {
            let mut plain = frame(b"hello", CORP_ID.as_bytes());
            plain[16..20].copy_from_slice(&1000u32.to_be_bytes());
            post_forged(&pad32(plain))
        }),
        (
            "wrong_receiveid",
            post_forged(&pad32(frame(b"<xml/>", b"wwSomeOtherCorp"))),
        ),
        (
            "non_utf8_message",
            post_forged(&pad32(frame(&[0xff, 0xfe, 0x3c], CORP_ID.as_bytes()))),
        ),
        ("malformed_xml", {
            let encrypted = h.encrypt("<xml><Status>1</xml>").expect("encrypt");
            h.parse_xml(&signed_query(&h, &encrypted), &envelope(&encrypted))
                .map(|doc| doc.into_raw())
        }),
        (
            "malformed_envelope",
            h.decrypt(&good_query, "<xml><Encrypt>abc</xml>"),
        ),
        (
            "missing_encrypt",
            h.decrypt(&good_query, "<xml><ToUserName>x</ToUserName></xml>"),
        ),
    ]
}

/// The error of the named scenario.
pub fn rejection(name: &str) -> CallbackError {
    let (_, result) = rejection_scenarios()
        .into_iter()
        .find(|(scenario, _)| *scenario == name)
        .unwrap_or_else(|| panic!("no scenario {name}"));
    result.expect_err(name)
}
