//! The WeCom message domain over real loopback HTTP: what each operation puts on the wire, the official
//! samples of every msgtype and card type decoded into the types (and validated), unknown `msgtype` /
//! `card_type` values decoded to `Unknown`, violations named by their case path, and the card events.

use serde_json::{json, Value};
use wxlive::runtime::callback::{CallbackEvent, XmlDoc};
use wxlive::wecom::message::*;
use wxlive::wecom::WecomClient;
use wxlive_runtime::Validate;
use wxlive_tests::Recorder;

async fn setup() -> (Recorder, WecomClient) {
    let server = Recorder::start().await;
    let client = WecomClient::builder()
        .credentials("ww-corp", "corp-secret")
        .base_url(&server.base_url)
        .build()
        .expect("client");
    (server, client)
}

fn only_call(server: &Recorder) -> wxlive_tests::Recorded {
    let calls = server.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = calls.into_iter().next().unwrap();
    assert_eq!(
        call.query.get("access_token").map(String::as_str),
        Some("TOKEN-1")
    );
    call
}

/// The official request samples (90236, 94888, 94867), by operation and msgtype / card type.
fn samples() -> Value {
    serde_json::from_str(include_str!("../fixtures/wecom-message-samples.json")).unwrap()
}

#[tokio::test]
async fn send_message_puts_the_message_next_to_the_common_fields() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/message/send",
        json!({"errcode": 0, "errmsg": "ok", "invaliduser": "", "msgid": "MSG-1"}),
    );
    let response = client
        .message()
        .send_message()
        .touser("zhangsan|lisi")
        .agentid(1000002)
        .message(Markdown {
            content: Some("**hi**".into()),
        })
        .enable_duplicate_check(true)
        .send()
        .await
        .expect("send");
    assert_eq!(response.msgid, "MSG-1");
    let call = only_call(&server);
    assert_eq!(
        (call.method.as_str(), call.path.as_str()),
        ("POST", "/cgi-bin/message/send")
    );
    assert_eq!(
        call.body,
        Some(json!({
            "touser": "zhangsan|lisi",
            "agentid": 1000002,
            "msgtype": "markdown",
            "markdown": {"content": "**hi**"},
            "enable_duplicate_check": 1
        }))
    );
}

#[tokio::test]
async fn a_template_card_is_keyed_by_msgtype_and_inline_by_card_type() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/message/send",
        json!({"errcode": 0, "errmsg": "ok", "msgid": "MSG-2", "response_code": "RC"}),
    );
    let card = TemplateCard::ButtonInteraction(ButtonInteractionCard {
        task_id: Some("task-1".into()),
        main_title: Some(MainTitle {
            title: Some("审批".into()),
            desc: None,
        }),
        button_list: vec![CardButton {
            text: Some("同意".into()),
            key: Some("yes".into()),
            ..CardButton::default()
        }],
        ..ButtonInteractionCard::default()
    });
    let response = client
        .message()
        .send_message()
        .touser("zhangsan")
        .agentid(1)
        .message(card)
        .send()
        .await
        .expect("send");
    assert_eq!(response.response_code.as_deref(), Some("RC"));
    assert_eq!(
        only_call(&server).body,
        Some(json!({
            "touser": "zhangsan",
            "agentid": 1,
            "msgtype": "template_card",
            "template_card": {
                "card_type": "button_interaction",
                "task_id": "task-1",
                "main_title": {"title": "审批"},
                "button_list": [{"text": "同意", "key": "yes"}]
            }
        }))
    );
}

#[tokio::test]
async fn update_template_card_sends_either_form() {
    let (server, client) = setup().await;
    let path = "/cgi-bin/message/update_template_card";
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "invaliduser": ["userid1"]}),
    );
    let response = client
        .message()
        .update_template_card()
        .userids(["userid1".to_owned()])
        .partyids([2])
        .agentid(1)
        .response_code("RC")
        .button(UpdateButton {
            replace_name: Some("已处理".into()),
        })
        .send()
        .await
        .expect("update");
    assert_eq!(response.invaliduser, ["userid1"]);
    let call = only_call(&server);
    assert_eq!((call.method.as_str(), call.path.as_str()), ("POST", path));
    assert_eq!(
        call.body,
        Some(json!({
            "userids": ["userid1"],
            "partyids": [2],
            "agentid": 1,
            "response_code": "RC",
            "button": {"replace_name": "已处理"}
        }))
    );

    let (server, client) = setup().await;
    server.answer(path, json!({"errcode": 0, "errmsg": "ok"}));
    client
        .message()
        .update_template_card()
        .agentid(1)
        .response_code("RC")
        .template_card(TemplateCard::VoteInteraction(VoteInteractionCard {
            main_title: Some(MainTitle {
                title: Some("投票".into()),
                desc: None,
            }),
            checkbox: Some(Checkbox {
                question_key: Some("q".into()),
                option_list: vec![CheckboxOption {
                    id: Some("a".into()),
                    text: Some("A".into()),
                    is_checked: Some(true),
                }],
                disable: Some(true),
                ..Checkbox::default()
            }),
            replace_text: Some("已投票".into()),
            ..VoteInteractionCard::default()
        }))
        .send()
        .await
        .expect("update");
    assert_eq!(
        only_call(&server).body.unwrap()["template_card"],
        json!({
            "card_type": "vote_interaction",
            "main_title": {"title": "投票"},
            "checkbox": {"question_key": "q", "option_list": [{"id": "a", "text": "A", "is_checked": true}], "disable": true},
            "replace_text": "已投票"
        })
    );
}

#[tokio::test]
async fn recall_sends_the_msgid() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/message/recall",
        json!({"errcode": 0, "errmsg": "ok"}),
    );
    client
        .message()
        .recall()
        .msgid("MSG-1")
        .send()
        .await
        .expect("recall");
    let call = only_call(&server);
    assert_eq!(
        (call.method.as_str(), call.path.as_str()),
        ("POST", "/cgi-bin/message/recall")
    );
    assert!(call.query.keys().all(|k| k == "access_token"), "{call:?}");
    assert_eq!(call.body, Some(json!({"msgid": "MSG-1"})));
}

#[test]
fn every_official_send_sample_decodes_into_its_case_validates_and_encodes_back() {
    let samples = samples();
    let sends = samples["send_message"].as_object().unwrap();
    // Every documented msgtype and card type has its sample (derived from the spec's own lists).
    let mut expected: Vec<String> = Message::TAGS
        .iter()
        .filter(|t| **t != "template_card")
        .map(|t| t.to_string())
        .chain(
            TemplateCard::TAGS
                .iter()
                .map(|t| format!("template_card.{t}")),
        )
        .collect();
    expected.sort();
    let mut found: Vec<String> = sends.keys().cloned().collect();
    found.sort();
    assert_eq!(found, expected);
    for (name, sample) in sends {
        let request: SendMessageRequest =
            serde_json::from_value(sample.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(request.message.is_known(), "{name}: {:?}", request.message);
        let tag = name.split('.').next().unwrap();
        assert_eq!(request.message.tag(), tag, "{name}");
        if let Message::TemplateCard(card) = &request.message {
            assert!(card.is_known(), "{name}");
            assert_eq!(Some(card.tag()), name.split('.').nth(1), "{name}");
        }
        let warnings = request
            .validate()
            .unwrap_or_else(|e| panic!("{name}: the official sample is refused: {e}"));
        // Only the advice some samples do not follow may be reported (none of them breaks a rule).
        assert!(
            warnings
                .iter()
                .all(|w| w.level == wxlive_runtime::Level::Advice),
            "{name}: {warnings:?}"
        );
        // Encoding gives the sample back, but for the spaces the samples put around `|` (kept as given).
        assert_eq!(
            serde_json::to_value(&request).unwrap(),
            *sample,
            "{name} encodes back"
        );
    }
}

#[test]
fn every_official_update_sample_and_the_recall_sample_decode_and_validate() {
    let samples = samples();
    let updates = samples["update_template_card"].as_object().unwrap();
    let forms: Vec<&String> = updates.keys().collect();
    assert!(forms.contains(&&"button".to_owned()), "{forms:?}");
    for tag in TemplateCard::TAGS {
        assert!(
            updates.contains_key(&format!("template_card.{tag}")),
            "no update sample for {tag}"
        );
    }
    for (name, sample) in updates {
        let request: UpdateTemplateCardRequest =
            serde_json::from_value(sample.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        match &request.template_card {
            Some(card) => assert!(card.is_known(), "{name}"),
            None => assert!(request.button.is_some(), "{name}"),
        }
        request
            .validate()
            .unwrap_or_else(|e| panic!("{name}: the official sample is refused: {e}"));
        assert_eq!(serde_json::to_value(&request).unwrap(), *sample, "{name}");
    }
    let recall: RecallRequest =
        serde_json::from_value(samples["recall"]["request"].clone()).unwrap();
    assert!(recall.validate().is_ok());
}

#[test]
fn an_unknown_msgtype_or_card_type_decodes_to_unknown_and_is_sent_unchanged() {
    let wire = json!({"touser": "a", "agentid": 1, "msgtype": "interactive_taskcard", "interactive_taskcard": {"title": "t"}});
    let request: SendMessageRequest = serde_json::from_value(wire.clone()).unwrap();
    assert!(
        matches!(&request.message, Message::Unknown(u) if u.tag == "interactive_taskcard"),
        "{:?}",
        request.message
    );
    assert!(request.validate().is_ok());
    assert_eq!(serde_json::to_value(&request).unwrap(), wire);

    let wire = json!({"touser": "a", "msgtype": "template_card", "template_card": {"card_type": "carousel", "items": [1]}});
    let request: SendMessageRequest = serde_json::from_value(wire.clone()).unwrap();
    let Message::TemplateCard(TemplateCard::Unknown(card)) = &request.message else {
        panic!("{:?}", request.message)
    };
    assert_eq!(card.tag, "carousel");
    assert_eq!(card.raw["items"], json!([1]));
    assert_eq!(serde_json::to_value(&request).unwrap(), wire);
}

#[test]
fn violations_name_the_case_path() {
    let err = SendMessageRequest::builder()
        .touser("a")
        .message(Markdown {
            content: Some("x".repeat(2049)),
        })
        .build()
        .unwrap_err();
    assert!(err.has("markdown.content", "max_bytes(2048)"), "{err}");
    assert_eq!(
        err.violations[0].source,
        Some("90236: 最长不超过2048个字节，必须是utf8编码")
    );

    let err = SendMessageRequest::builder()
        .touser("a")
        .message(TemplateCard::TextNotice(TextNoticeCard {
            task_id: Some("bad id!".into()),
            jump_list: vec![Jump {
                click_type: Some(ClickType::Url),
                title: Some("官网".into()),
                ..Jump::default()
            }],
            ..TextNoticeCard::default()
        }))
        .build()
        .unwrap_err();
    assert!(err.has("template_card.task_id", "pattern("), "{err}");
    assert!(err.has("template_card.card_action", "required"), "{err}");
    assert!(
        err.has("template_card.jump_list[0].url", "required_when"),
        "{err}"
    );

    // A text longer than the page's 2048 bytes is truncated by the server: a warning, not an error.
    let request = SendMessageRequest::builder()
        .touser("a")
        .message(Text {
            content: Some("字".repeat(1000)),
        })
        .build()
        .expect("advice never refuses");
    let warnings = request.validate().unwrap();
    assert!(
        warnings.iter().any(|w| w.field == "text.content"),
        "{warnings:?}"
    );
    // No message at all: the builder names the field, validation the missing tag.
    let err = SendMessageRequest::builder()
        .touser("a")
        .build()
        .unwrap_err();
    assert!(err.has("message", "required"), "{err}");
    assert!(err.has("msgtype", "required"), "{err}");
}

#[test]
fn the_card_events_decode_from_their_official_samples() {
    for (xml, card_type) in [
        (
            include_str!("../../generated/fixtures/wecom/message/template_card_event.xml"),
            "text_notice",
        ),
        (
            include_str!("../../generated/fixtures/wecom/message/template_card_menu_event.xml"),
            "text_notice",
        ),
    ] {
        let event = Event::from_xml(&XmlDoc::parse(xml).unwrap());
        let (key, code, card) = match &event {
            Event::TemplateCardEvent(e) => (&e.event_key, &e.response_code, &e.card_type),
            Event::TemplateCardMenuEvent(e) => (&e.event_key, &e.response_code, &e.card_type),
            other => panic!("{other:?}"),
        };
        assert_eq!(key.as_deref(), Some("key111"));
        assert_eq!(code.as_deref(), Some("ResponseCode"));
        assert_eq!(card.as_deref(), Some(card_type));
    }
}

#[allow(dead_code)]
#[path = "../examples/send_messages.rs"]
mod send_messages;

#[tokio::test]
async fn the_send_messages_example_runs_against_the_mock() {
    let server = wxlive_runtime::mock::MockServer::start(wxlive::wecom::mock_config())
        .await
        .expect("the mock starts");
    let client = wxlive_tests::mock_client(&server);
    let sent = send_messages::send_and_recall(&client, 1)
        .await
        .expect("the example runs against the mock");
    assert!(!sent.markdown_msgid.is_empty());
    assert_ne!(sent.markdown_msgid, sent.card_msgid);
    // The mock keeps the messages it was sent: a recalled message is not recalled again.
    let err = client
        .message()
        .recall()
        .msgid(&sent.markdown_msgid)
        .send()
        .await
        .unwrap_err();
    assert!(err.as_api().is_some(), "{err}");
    // The card was not recalled; an unknown msgid is refused.
    client
        .message()
        .recall()
        .msgid(&sent.card_msgid)
        .send()
        .await
        .expect("the card recalls");
    assert!(client
        .message()
        .recall()
        .msgid("no-such-msgid")
        .send()
        .await
        .is_err());
}

#[tokio::test]
async fn the_mock_checks_each_case_of_a_message() {
    let server = wxlive_runtime::mock::MockServer::start(wxlive::wecom::mock_config())
        .await
        .expect("the mock starts");
    let (id, secret) = server.credentials();
    let client = WecomClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .validate_requests(false)
        .build()
        .unwrap();
    let err = client
        .message()
        .send_message()
        .touser("zhangsan")
        .message(TemplateCard::VoteInteraction(VoteInteractionCard {
            main_title: Some(MainTitle {
                title: Some("投票".into()),
                desc: None,
            }),
            checkbox: Some(Checkbox {
                question_key: Some("q".into()),
                option_list: Vec::new(),
                ..Checkbox::default()
            }),
            ..VoteInteractionCard::default()
        }))
        .send()
        .await
        .unwrap_err();
    let api = err.as_api().expect("the mock refuses it");
    assert!(
        api.errmsg.contains("template_card.checkbox.option_list"),
        "{api:?}"
    );
}

#[test]
fn the_openapi_export_has_the_unions_as_one_of_with_a_discriminator() {
    let doc: Value =
        serde_json::from_str(include_str!("../../generated/openapi/wecom.json")).unwrap();
    let schemas = &doc["components"]["schemas"];
    for (name, tag_field, tags) in [
        ("Message", Message::TAG_FIELD, Message::TAGS),
        ("TemplateCard", TemplateCard::TAG_FIELD, TemplateCard::TAGS),
    ] {
        let union = &schemas[name];
        assert_eq!(union["discriminator"]["propertyName"], tag_field, "{name}");
        let mapping = union["discriminator"]["mapping"].as_object().unwrap();
        let mut mapped: Vec<&str> = mapping.keys().map(String::as_str).collect();
        let mut expected = tags.to_vec();
        mapped.sort();
        expected.sort();
        assert_eq!(mapped, expected, "{name}");
        assert_eq!(
            union["oneOf"].as_array().unwrap().len(),
            tags.len(),
            "{name}"
        );
        for tag in tags {
            let case = &schemas[format!("{name}.{tag}")];
            assert_eq!(case["properties"][tag_field]["const"], *tag, "{name}.{tag}");
        }
    }
    // The send body: the common fields, and the message's keys through the union.
    let body = &doc["paths"]["/cgi-bin/message/send"]["post"]["requestBody"]["content"]
        ["application/json"]["schema"];
    assert_eq!(body["allOf"][0]["$ref"], "#/components/schemas/Message");
    assert!(body["properties"]["touser"].is_object());
    assert!(body["properties"].get("message").is_none(), "{body}");
}
