//! Callback cost per message: verify + decrypt + parse (into `XmlDoc`) of one `living_status_change`
//! POST, next to baselines measured in the same run (SHA1 of the signed input, Base64 decode of the
//! ciphertext) so the figure can be stated as a ratio.
//!
//! Run: `cargo bench -p wxlive-runtime --features callback --bench callback -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use criterion::{criterion_group, criterion_main, Criterion};
use sha1::{Digest, Sha1};
use wxlive_runtime::callback::{CallbackHandler, CallbackQuery, ReceiveId, XmlDoc};
use wxlive_runtime::Secret;

const EVENT: &str = "<xml>\n   <ToUserName><![CDATA[toUser]]></ToUserName>\n   <FromUserName><![CDATA[fromUser]]></FromUserName>\n   <CreateTime>1348831860</CreateTime>\n   <MsgType><![CDATA[event]]></MsgType>\n   <Event><![CDATA[living_status_change]]></Event>\n   <LivingId><![CDATA[LivingId]]></LivingId>\n   <Status>1</Status>\n   <AgentID>1</AgentID>\n</xml>";
const NOW: i64 = 1_700_000_000;

fn bench(c: &mut Criterion) {
    let handler = CallbackHandler::new(
        "QDG6eK",
        &Secret::new("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"),
        ReceiveId::CorpId("wx5823bf96d3bd56c7".into()),
    )
    .expect("valid configuration")
    .with_clock(|| NOW);
    let encrypted = handler
        .encrypt_with_random(EVENT, &[7; 16])
        .expect("encrypt");
    let timestamp = NOW.to_string();
    let query = CallbackQuery::new(
        handler.sign(&timestamp, "1372623149", &encrypted),
        timestamp,
        "1372623149",
    );
    let body = format!(
        "<xml>\n  <ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n  <Encrypt><![CDATA[{encrypted}]]></Encrypt>\n  <AgentID><![CDATA[1000002]]></AgentID>\n</xml>"
    );
    assert!(handler.parse::<XmlDoc>(&query, &body).is_ok());

    let mut group = c.benchmark_group("callback");
    group.bench_function("verify_decrypt_parse_xmldoc", |b| {
        b.iter(|| handler.parse::<XmlDoc>(black_box(&query), black_box(&body)))
    });
    group.bench_function("verify_decrypt", |b| {
        b.iter(|| handler.decrypt(black_box(&query), black_box(&body)))
    });
    group.bench_function("component_xmldoc_parse", |b| {
        b.iter(|| XmlDoc::parse(black_box(EVENT)))
    });
    group.bench_function("component_envelope_parse", |b| {
        b.iter(|| wxlive_runtime::callback::Envelope::parse(black_box(&body)))
    });
    group.bench_function("baseline_sha1_of_signed_input", |b| {
        b.iter(|| {
            let mut hasher = Sha1::new();
            for part in [
                "QDG6eK",
                query.timestamp.as_str(),
                query.nonce.as_str(),
                encrypted.as_str(),
            ] {
                hasher.update(black_box(part).as_bytes());
            }
            hasher.finalize()
        })
    });
    group.bench_function("baseline_base64_decode", |b| {
        b.iter(|| STANDARD.decode(black_box(&encrypted)))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
