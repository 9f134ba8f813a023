//! Tagged unions of the format, through the mini-spec's `unions` domain (`tests/fixtures/mini-spec/demo/
//! unions.yaml`): a keyed union flattened into a request, an inline union as a case of it, as a field
//! and in a list, a union in a response; encoding, decoding (never failing), validation per case, the
//! builders, the mock server and the fixtures.

use serde_json::{json, Value};
use wxlive_mini::demo::unions::{
    AnnounceRequest, Buttons, Card, LatestResponse, Note, Payload, Picture, PinRequest, Plain,
    PostRequest,
};
use wxlive_mini::demo::DemoClient;
use wxlive_runtime::mock::MockServer;
use wxlive_runtime::union::UnknownCase;
use wxlive_runtime::{Profile, Validate};

fn note(content: &str) -> Note {
    Note {
        content: Some(content.into()),
    }
}

#[test]
fn a_flattened_keyed_union_sits_next_to_the_common_fields() {
    let request = PostRequest::builder()
        .to("u1")
        .payload(Payload::Note(note("hi")))
        .safe(true)
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"to": "u1", "kind": "note", "note": {"content": "hi"}, "safe": 1})
    );
    // `From<payload>` for a case whose type no other case shares.
    let picture = PostRequest::builder()
        .to("u1")
        .payload(Picture {
            media_id: Some("M".into()),
            caption: None,
        })
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&picture).unwrap(),
        json!({"to": "u1", "kind": "picture", "picture": {"media_id": "M"}})
    );
    assert_eq!(picture.payload.tag(), "picture");
    assert_eq!(picture.payload.title(), Some("图片"));
    assert_eq!(Payload::TAGS, ["note", "picture", "card", "memo"]);
    assert_eq!(Payload::TAG_FIELD, "kind");
}

#[test]
fn a_keyed_case_holding_an_inline_union_nests_both_layouts() {
    let card = Card::ButtonCard(Buttons {
        title: Some("T".into()),
        buttons: vec!["yes".into()],
    });
    let request = PostRequest::builder()
        .to("u1")
        .payload(card.clone())
        .build()
        .unwrap();
    let wire = serde_json::to_value(&request).unwrap();
    assert_eq!(
        wire,
        json!({"to": "u1", "kind": "card", "card": {"card_type": "button_card", "title": "T", "buttons": ["yes"]}})
    );
    let back: PostRequest = serde_json::from_value(wire).unwrap();
    assert_eq!(back.payload, Payload::Card(card));
}

#[test]
fn an_unknown_tag_decodes_to_unknown_with_the_raw_json_and_encodes_back() {
    let wire = json!({"to": "u1", "kind": "video", "video": {"media_id": "V"}});
    let request: PostRequest = serde_json::from_value(wire.clone()).unwrap();
    let Payload::Unknown(unknown) = &request.payload else {
        panic!("expected Unknown, got {:?}", request.payload)
    };
    assert_eq!(unknown.tag, "video");
    assert_eq!(unknown.raw["video"], json!({"media_id": "V"}));
    assert!(!request.payload.is_known());
    assert_eq!(request.payload.tag(), "video");
    assert_eq!(serde_json::to_value(&request).unwrap(), wire);
    // An unknown case has no rules but its tag: a new msgtype can be sent before the spec knows it.
    assert!(request.validate().is_ok());

    let card: Card = serde_json::from_value(json!({"card_type": "carousel", "x": 1})).unwrap();
    assert!(matches!(&card, Card::Unknown(u) if u.tag == "carousel" && u.raw["x"] == 1));
    // Nothing makes decoding fail: no tag, a tag that is no string, a payload of the wrong shape.
    for odd in [
        json!({}),
        json!({"card_type": 7}),
        json!({"card_type": "plain", "title": [1]}),
        json!("text"),
        json!(null),
    ] {
        let decoded: Card = serde_json::from_value(odd.clone()).unwrap();
        assert!(!decoded.is_known(), "{odd} -> {decoded:?}");
    }
}

#[test]
fn an_unknown_case_built_by_hand_is_sent_as_given() {
    let mut fields = serde_json::Map::new();
    fields.insert("video".into(), json!({"media_id": "V"}));
    let request = PostRequest::builder()
        .to("u1")
        .payload(Payload::Unknown(UnknownCase::new("kind", "video", fields)))
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"to": "u1", "kind": "video", "video": {"media_id": "V"}})
    );
}

#[test]
fn violations_are_named_by_the_case_path() {
    // Keyed: under the case key.
    let err = PostRequest::builder()
        .to("u1")
        .payload(Payload::Note(note("this text is longer than twenty bytes")))
        .build()
        .unwrap_err();
    assert!(err.has("note.content", "max_bytes(20)"), "{err}");
    assert_eq!(err.violations[0].source, Some("21"));
    let err = PostRequest::builder()
        .to("u1")
        .payload(Payload::Memo(Note { content: None }))
        .build()
        .unwrap_err();
    assert!(err.has("memo.content", "required"), "{err}");
    // Keyed then inline: the card's fields are checked in place, under the keyed case.
    let err = PostRequest::builder()
        .to("u1")
        .payload(Card::ButtonCard(Buttons {
            title: None,
            buttons: vec!["a".into(), "b".into(), "c".into(), "d".into()],
        }))
        .build()
        .unwrap_err();
    assert!(err.has("card.buttons", "max_items(3)"), "{err}");
    // An inline union as a field, and in a list.
    let request = PinRequest {
        card: Card::Plain(Plain {
            title: Some("a title longer than ten".into()),
        }),
        extra: vec![Card::Plain(Plain { title: None })],
    };
    let err = request.validate().unwrap_err();
    assert!(err.has("card.title", "max_chars(10)"), "{err}");
    assert!(err.has("extra[0].title", "required"), "{err}");
    // Advice of a case is a warning, never an error.
    let picture = PostRequest::builder()
        .to("u1")
        .payload(Picture {
            media_id: Some("M".into()),
            caption: Some("a long caption".into()),
        })
        .build()
        .unwrap();
    let warnings = picture.validate_with(Profile::Official).unwrap();
    assert!(
        warnings.iter().any(|w| w.field == "picture.caption"),
        "{warnings:?}"
    );
}

#[test]
fn a_missing_union_is_reported_by_the_builder_and_a_missing_tag_by_validation() {
    let err = PostRequest::builder().to("u1").build().unwrap_err();
    assert!(err.has("payload", "required"), "{err}");
    let request: PostRequest = serde_json::from_value(json!({"to": "u1"})).unwrap();
    let err = request.validate().unwrap_err();
    assert!(err.has("kind", "required"), "{err}");
}

#[test]
fn a_union_in_a_response_decodes_its_case() {
    let fixture: Value = serde_json::from_str(include_str!(
        "../mini-crate/fixtures/demo/unions/latest.json"
    ))
    .unwrap();
    let response: LatestResponse = serde_json::from_value(fixture["response"].clone()).unwrap();
    assert_eq!(
        response.payload,
        Some(Payload::Picture(Picture {
            media_id: Some("M".into()),
            caption: None
        }))
    );
}

#[test]
fn the_fixtures_are_the_examples_and_decode_into_their_cases() {
    let fixture: Value =
        serde_json::from_str(include_str!("../mini-crate/fixtures/demo/unions/post.json")).unwrap();
    let request: PostRequest = serde_json::from_value(fixture["request"].clone()).unwrap();
    assert_eq!(request.payload, Payload::Note(note("hello")));
    assert!(request.validate().is_ok());
    let fixture: Value =
        serde_json::from_str(include_str!("../mini-crate/fixtures/demo/unions/pin.json")).unwrap();
    let request: PinRequest = serde_json::from_value(fixture["request"].clone()).unwrap();
    assert!(matches!(request.card, Card::ButtonCard(_)));
    assert!(matches!(request.extra.as_slice(), [Card::Plain(_)]));
}

#[test]
fn a_made_up_fixture_takes_the_first_case_of_each_union_and_keeps_its_rules() {
    let fixture: Value = serde_json::from_str(include_str!(
        "../mini-crate/fixtures/demo/unions/announce.json"
    ))
    .unwrap();
    let request: AnnounceRequest = serde_json::from_value(fixture["request"].clone()).unwrap();
    assert_eq!(Some(request.payload.tag()), Payload::TAGS.first().copied());
    assert_eq!(Some(request.banner.tag()), Card::TAGS.first().copied());
    assert!(request.payload.is_known() && request.banner.is_known());
    assert!(request.validate_with(Profile::Strict).is_ok());
}

#[tokio::test]
async fn the_mock_server_validates_each_case() {
    let server = MockServer::start(wxlive_mini::demo::mock_config())
        .await
        .expect("the mini crate's mock starts");
    let (id, secret) = server.credentials();
    let client = DemoClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .validate_requests(false)
        .build()
        .unwrap();
    let sent = client
        .unions()
        .post()
        .to("u1")
        .payload(Payload::Note(note("hi")))
        .send()
        .await
        .unwrap();
    assert_eq!(sent.post_id.as_deref(), Some("p1"));
    // With the client's checks off, the mock's own (per case) reject the broken note.
    let err = client
        .unions()
        .post()
        .to("u1")
        .payload(Payload::Note(note("this text is longer than twenty bytes")))
        .send()
        .await
        .unwrap_err();
    let api = err.as_api().expect("an API error");
    assert!(api.errmsg.contains("note.content"), "{err}");
}
