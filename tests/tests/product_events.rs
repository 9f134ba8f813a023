//! One callback `Event` per product: every callback fixture of a product (discovered from the
//! fixture directories, so a new domain's events are covered without touching this file) decodes
//! into the product `Event`'s variant of its domain and event; anything else is `Unknown`, never an
//! error; the callback service hands product events to one handler per app; and the spec decides
//! where `MsgType` takes part in the choice.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Arc, Mutex};

use proptest::prelude::*;
use wxlive::runtime::callback::{CallbackEvent, XmlDoc};
use wxlive_runtime::callback::service::{CallbackApp, CallbackService};
use wxlive_runtime::callback::{CallbackHandler, ReceiveId};
use wxlive_runtime::Secret;
use wxlive_tests::callbacks::signed_post;

/// What a product `Event` says it is: (domain, event name), both `None` for `Unknown`.
type Kind = (Option<&'static str>, Option<&'static str>);

/// A [`Kind`] with owned names, delivered by one product's app: (product, (domain, event)).
type Delivered = (String, (Option<String>, Option<String>));

fn kind_of<E: CallbackEvent>(xml: &str, what: impl Fn(&E) -> Kind) -> Kind {
    what(&E::from_xml(&XmlDoc::parse(xml).expect("well-formed XML")))
}

/// `xml` decoded by the `Event` of `product` (a generated crate's product module).
fn decode(product: &str, xml: &str) -> Kind {
    match product {
        "wecom" => kind_of(xml, |e: &wxlive::wecom::Event| (e.domain(), e.name())),
        "wxa" => kind_of(xml, |e: &wxlive::wxa::Event| (e.domain(), e.name())),
        "demo" => kind_of(xml, |e: &wxlive_mini::demo::Event| (e.domain(), e.name())),
        other => panic!("product `{other}` has fixtures but no decoder here: add its `Event`"),
    }
}

/// Every `<product>/<domain>/<event>.xml` under `dir`.
fn callback_fixtures(dir: &Path) -> Vec<(String, String, String, String)> {
    let mut out = Vec::new();
    let name = |p: &Path| p.file_name().unwrap().to_str().unwrap().to_owned();
    for product in std::fs::read_dir(dir).unwrap() {
        let product = product.unwrap().path();
        for domain in std::fs::read_dir(&product).unwrap() {
            let domain = domain.unwrap().path();
            for file in std::fs::read_dir(&domain).unwrap() {
                let path = file.unwrap().path();
                if path.extension().and_then(|e| e.to_str()) == Some("xml") {
                    let event = path.file_stem().unwrap().to_str().unwrap().to_owned();
                    let text = std::fs::read_to_string(&path).unwrap();
                    out.push((name(&product), name(&domain), event, text));
                }
            }
        }
    }
    out.sort();
    out
}

/// (product, domain, event) of every callback a spec declares.
fn declared(spec_dir: &Path) -> BTreeSet<(String, String, String)> {
    let spec = wxlive_codegen::load(spec_dir, "spec").expect("the spec loads");
    spec.products
        .iter()
        .flat_map(|p| {
            p.domains.iter().flat_map(move |d| {
                d.callbacks
                    .iter()
                    .map(move |c| (p.name.clone(), d.name.clone(), c.event.clone()))
            })
        })
        .collect()
}

fn check_fixtures(fixtures: &Path, spec: &Path) {
    let found = callback_fixtures(fixtures);
    let keys: BTreeSet<(String, String, String)> = found
        .iter()
        .map(|(p, d, e, _)| (p.clone(), d.clone(), e.clone()))
        .collect();
    assert_eq!(keys, declared(spec), "one fixture per declared callback");
    for (product, domain, event, xml) in &found {
        assert_eq!(
            decode(product, xml),
            (Some(domain.as_str()), Some(event.as_str())),
            "{product}/{domain}/{event}.xml"
        );
    }
}

#[test]
fn every_callback_fixture_decodes_into_its_products_event() {
    let root = support::root();
    check_fixtures(&root.join("generated/fixtures"), &root.join("spec"));
}

#[test]
fn every_mini_spec_callback_fixture_decodes_into_the_demo_event() {
    let root = support::root();
    check_fixtures(
        &root.join("tests/mini-crate/fixtures"),
        &root.join("tests/fixtures/mini-spec"),
    );
}

#[test]
fn the_product_event_holds_the_domains_own_decoding() {
    let xml = std::fs::read_to_string(
        support::root().join("generated/fixtures/wecom/living/living_status_change.xml"),
    )
    .unwrap();
    let doc = XmlDoc::parse(xml).unwrap();
    let product = wxlive::wecom::Event::from_xml(&doc);
    let domain = wxlive::wecom::living::Event::from_xml(&doc);
    assert_eq!(product, wxlive::wecom::Event::Living(domain));
}

#[test]
fn anything_else_is_unknown_with_its_names_and_raw_xml() {
    let cases = [
        (
            "<xml><MsgType>event</MsgType><Event>change_contact</Event></xml>",
            Some("event"),
            Some("change_contact"),
        ),
        (
            "<xml><MsgType><![CDATA[text]]></MsgType><Content>hi</Content></xml>",
            Some("text"),
            None,
        ),
        ("<xml/>", None, None),
        // An event of the other product.
        (
            "<xml><MsgType>event</MsgType><Event>wxalive_follow_notify</Event></xml>",
            Some("event"),
            Some("wxalive_follow_notify"),
        ),
    ];
    for (xml, msg_type, event) in cases {
        let decoded = wxlive::wecom::Event::from_xml(&XmlDoc::parse(xml).unwrap());
        assert_eq!(decoded.domain(), None, "{xml}");
        assert_eq!(decoded.name(), None, "{xml}");
        let wxlive::wecom::Event::Unknown {
            msg_type: m,
            event: e,
            raw_xml,
        } = decoded
        else {
            panic!("{xml}: {decoded:?}");
        };
        assert_eq!(
            (m.as_deref(), e.as_deref(), raw_xml.as_str()),
            (msg_type, event, xml)
        );
    }
}

/// The events the WeCom product declares, loaded once.
fn wecom_events() -> &'static BTreeSet<String> {
    static NAMES: std::sync::OnceLock<BTreeSet<String>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| {
        declared(&support::root().join("spec"))
            .into_iter()
            .filter(|(p, _, _)| p == "wecom")
            .map(|(_, _, e)| e)
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever the `MsgType` and `Event`, decoding gives an event: a declared name its domain's
    /// variant, any other name `Unknown`.
    #[test]
    fn decoding_never_fails(msg_type in "[a-z_]{0,12}", event in "[a-z_]{0,24}", extra in "[ -~&&[^<&]]{0,20}") {
        let xml = format!(
            "<xml><MsgType>{msg_type}</MsgType><Event>{event}</Event><Extra>{extra}</Extra></xml>"
        );
        let names = wecom_events();
        let (domain, name) = decode("wecom", &xml);
        prop_assert_eq!(domain.is_some(), names.contains(&event));
        prop_assert_eq!(name.map(str::to_owned), names.contains(&event).then(|| event.clone()));
    }
}

/// The callback service hands every product event to one handler per app: each product's app gets
/// every fixture of its product, over loopback HTTP, and its handler sees each as its domain's.
#[tokio::test]
async fn the_service_delivers_product_events_to_one_handler() {
    const NOW: i64 = 1_700_000_000;
    let key = Secret::new("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C");
    let handler = |id: ReceiveId| {
        CallbackHandler::new("QDG6eK", &key, id)
            .unwrap()
            .with_clock(|| NOW)
    };
    let wecom_app = handler(ReceiveId::CorpId("wx5823bf96d3bd56c7".into()));
    let wxa_app = handler(ReceiveId::AppId("wx1234567890abcdef".into()));
    let seen: Arc<Mutex<Vec<(String, Kind)>>> = Arc::default();
    let (wecom_seen, wxa_seen) = (seen.clone(), seen.clone());
    let router = CallbackService::new()
        .app(
            "/wecom",
            CallbackApp::wecom(wecom_app.clone()),
            move |event: wxlive::wecom::Event| {
                let kind = (event.domain(), event.name());
                wecom_seen.lock().unwrap().push(("wecom".into(), kind));
                async { Ok::<(), String>(()) }
            },
        )
        .app(
            "/wxa",
            CallbackApp::mini_program(wxa_app.clone()),
            move |event: wxlive::wxa::Event| {
                let kind = (event.domain(), event.name());
                wxa_seen.lock().unwrap().push(("wxa".into(), kind));
                async { Ok::<(), String>(()) }
            },
        )
        .router()
        .unwrap();
    let base = wxlive_tests::serve(router).await;
    let http = reqwest::Client::new();
    let fixtures = callback_fixtures(&support::root().join("generated/fixtures"));
    let mut expected: Vec<Delivered> = Vec::new();
    for (i, (product, domain, event, xml)) in fixtures.iter().enumerate() {
        let signer = match product.as_str() {
            "wecom" => &wecom_app,
            "wxa" => &wxa_app,
            other => panic!("no app for product `{other}`: add one here"),
        };
        let (query, body) = signed_post(signer, xml, NOW, &format!("nonce{i}"));
        let status = http
            .post(format!("{base}/{product}"))
            .query(&query)
            .body(body)
            .send()
            .await
            .unwrap()
            .status();
        assert_eq!(status, 200, "{product}/{domain}/{event}");
        expected.push((product.clone(), (Some(domain.clone()), Some(event.clone()))));
    }
    // An undeclared event is delivered (and acknowledged) as `Unknown`.
    let unknown = "<xml><MsgType>event</MsgType><Event>change_contact</Event></xml>";
    let (query, body) = signed_post(&wecom_app, unknown, NOW, "nonce-unknown");
    let answer = http
        .post(format!("{base}/wecom"))
        .query(&query)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    expected.push(("wecom".into(), (None, None)));
    let seen: Vec<Delivered> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(p, (d, e))| (p.clone(), (d.map(str::to_owned), e.map(str::to_owned))))
        .collect();
    assert_eq!(seen, expected);
}

/// Within a product, `Event` alone chooses the domain (a missing `MsgType` is tolerated, as by the
/// domains' own enums) unless another domain declares the same `Event` under another `MsgType`:
/// then both routes need their `MsgType`.
#[test]
fn msg_type_decides_only_where_two_domains_share_an_event_name() {
    let plain = wxlive_codegen::load(&support::root().join("spec"), "spec").unwrap();
    let routes = |spec: &wxlive_codegen::ir::Spec| -> Vec<(String, Option<String>)> {
        let wecom = spec.products.iter().find(|p| p.name == "wecom").unwrap();
        wecom
            .events
            .variants
            .iter()
            .flat_map(|v| v.routes.iter())
            .map(|r| (r.event.clone(), r.msg_type.clone()))
            .collect()
    };
    assert!(routes(&plain).iter().all(|(_, m)| m.is_none()));
    let dir = support::spec_with_living("product-events-shared-name", |text| text + "\n");
    std::fs::write(
        dir.join("wecom/notices.yaml"),
        "domain: notices\nfeature: notices\ntitle: 通知\nsummary: Notices.\ndoc: \"90240\"\n\
         callbacks:\n  living_status_change:\n    title: 通知\n    summary: A notice.\n    doc: \"90240\"\n\
         \x20   msg_type: notice\n    fields:\n      MsgType: {type: string, doc: Notice.}\n      Event: {type: string, doc: Event name.}\n\
         \x20   example: \"<xml><MsgType>notice</MsgType><Event>living_status_change</Event></xml>\"\n",
    )
    .unwrap();
    let shared = wxlive_codegen::load(&dir, "spec").unwrap_or_else(|e| panic!("{e}"));
    // Only the shared name is affected; the other domains' events keep routing by `Event` alone.
    let mut got: Vec<(String, Option<String>)> = routes(&shared)
        .into_iter()
        .filter(|(event, msg_type)| event == "living_status_change" || msg_type.is_some())
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            ("living_status_change".to_owned(), Some("event".to_owned())),
            ("living_status_change".to_owned(), Some("notice".to_owned())),
        ]
    );
    let _ = std::fs::remove_dir_all(dir);
}
