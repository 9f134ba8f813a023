//! The bodies of the fuzz targets (`fuzz/`, cargo-fuzz on nightly), shared with the corpus replay test
//! (`tests/tests/fuzz_corpus.rs`) so that `cargo test --workspace` replays every checked-in input on
//! stable. Each takes arbitrary bytes and must return without panicking, whatever they are.

use wxlive_runtime::callback::{CallbackHandler, CallbackQuery, ReceiveId, XmlDoc};
use wxlive_runtime::Secret;

/// The product file every fuzzed domain file belongs to.
const PRODUCT: &str = include_str!("../fixtures/mini-spec/demo/product.yaml");

/// Spec loader and lowering: `data` as a domain file (YAML) → the IR or diagnostics.
pub fn spec_domain(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    use wxlive_codegen::spec::load::{parse, LoadedProduct};
    use wxlive_codegen::spec::model::{DomainFile, ProductFile};
    static PRODUCT_FILE: std::sync::OnceLock<Option<ProductFile>> = std::sync::OnceLock::new();
    let Some(product) = PRODUCT_FILE
        .get_or_init(|| parse::<ProductFile>(PRODUCT, "spec/demo/product.yaml").ok())
        .clone()
    else {
        return;
    };
    let file = "spec/demo/fuzz.yaml";
    let domain = match parse::<DomainFile>(text, file) {
        Ok(domain) => domain,
        Err(error) => {
            assert!(error.file == file, "{error}");
            return;
        }
    };
    let loaded = LoadedProduct {
        file: "spec/demo/product.yaml".into(),
        product,
        domains: vec![(file.into(), domain)],
    };
    // Diagnostics or the IR; emitting is left out (prettyplease makes a run 50 times slower, and the
    // mini-spec's compiled crate covers the emitters).
    if let Err(errors) = wxlive_codegen::lower::lower("spec", std::slice::from_ref(&loaded)) {
        assert!(!errors.0.is_empty());
    }
}

/// The callback pipeline: `data`'s first byte picks the path, the rest is either a ciphertext (signed
/// correctly, so decryption, padding and framing are reached) or a plaintext message (encrypted and
/// signed, so the XML parser and the typed events are reached) → a typed event or a named error.
pub fn callback(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let Ok(handler) = CallbackHandler::new(
        "QDG6eK",
        &Secret::new("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"),
        ReceiveId::CorpId("wx5823bf96d3bd56c7".into()),
    ) else {
        return;
    };
    let handler = handler.without_freshness_check();
    let encrypted = if mode % 2 == 0 {
        text.to_owned()
    } else {
        match handler.encrypt_with_random(text, &[7; 16]) {
            Ok(encrypted) => encrypted,
            Err(_) => return,
        }
    };
    let query = CallbackQuery::new(
        handler.sign("1409659813", "nonce", &encrypted),
        "1409659813",
        "nonce",
    );
    let body = format!("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[{encrypted}]]></Encrypt></xml>");
    let _ = handler.parse::<wxlive::wecom::living::Event>(&query, &body);
    let _ = handler.parse::<wxlive::wxa::broadcast::Event>(&query, &body);
    let _ = handler.parse::<wxlive::wecom::Event>(&query, &body);
    let _ = handler.parse::<wxlive::wxa::Event>(&query, &body);
}

/// Every generated response decoder of both products: `data` as JSON → each response type, or an
/// error.
pub fn decoders(data: &[u8]) {
    answers(data);
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    for route in wxlive::wecom::mock_routes()
        .into_iter()
        .chain(wxlive::wxa::mock_routes())
    {
        let _ = (route.decode_response)(value.clone());
    }
}

/// The client's one-pass reading of an answer (errcode envelope and typed fields together), on raw
/// bytes, for answer types of each shape: nested objects with guaranteed fields, lists of objects,
/// enums. Whatever the bytes, the result is a value or a named error.
fn answers(data: &[u8]) {
    use wxlive_runtime::http::{decode_answer, RawResponse};
    use wxlive_runtime::ApiRequest;
    fn read<R: ApiRequest>(product: &'static wxlive_runtime::meta::Product, raw: &RawResponse) {
        let _ = decode_answer::<R::Response>("fuzz", product, R::OPERATION, raw);
    }
    let raw = RawResponse {
        status: 200,
        body: data.to_vec(),
    };
    read::<wxlive::wecom::living::GetLivingInfoRequest>(&wxlive::wecom::PRODUCT, &raw);
    read::<wxlive::wecom::living::GetWatchStatRequest>(&wxlive::wecom::PRODUCT, &raw);
    read::<wxlive::wxa::broadcast::GetAssistantListRequest>(&wxlive::wxa::PRODUCT, &raw);
    read::<wxlive::wxa::broadcast::GetLiveInfoRequest>(&wxlive::wxa::PRODUCT, &raw);
}

/// The XML parser: `data` as a document → a tree or a named error.
pub fn xml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(doc) = XmlDoc::parse(text) {
            let _ = doc.get("Event");
            for child in doc.children() {
                let _ = (child.name(), child.text());
            }
        }
    }
}
