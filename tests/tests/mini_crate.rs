//! The mini-spec's generated crate (`tests/mini-crate`, package `wxlive-mini`) at work: it is built and
//! linted with the workspace, and here its validators, its mock routes and its fixtures run. The
//! `pattern` constraint is followed end to end: the spec, the rustdoc, `validate()`, the mock's
//! rejection, the made-up fixture and the example check.

use serde_json::{json, Value};
use wxlive_mini::demo::checks::{CodesRequest, TextsRequest};
use wxlive_mini::demo::DemoClient;
use wxlive_runtime::mock::MockServer;
use wxlive_runtime::{Level, Profile, Validate};

fn codes(code: &str) -> CodesRequest {
    CodesRequest {
        code: code.into(),
        ..CodesRequest::default()
    }
}

#[test]
fn pattern_is_checked_by_the_generated_validator_with_its_source() {
    assert!(codes("123456").validate().is_ok());
    let err = codes("12345a").validate().unwrap_err();
    assert!(err.has("code", "pattern(\"^[0-9]{6}$\")"), "{err}");
    assert_eq!(err.violations[0].source, Some("11"));
    assert!(err.to_string().contains("does not match"), "{err}");
    let err = CodesRequest::builder()
        .code("123456")
        .tag("abc")
        .build()
        .unwrap_err();
    assert!(err.has("tag", "pattern(\"^[a-z]+[0-9]+$\")"), "{err}");
}

#[test]
fn patterns_in_query_fields_and_nested_types_are_checked_too() {
    let fixture: Value = serde_json::from_str(include_str!(
        "../mini-crate/fixtures/demo/checks/texts.json"
    ))
    .unwrap();
    let mut request: TextsRequest = serde_json::from_value(fixture["request"].clone()).unwrap();
    assert!(request.validate().is_ok(), "the spec's example is valid");
    request.q_code = "AB-12".into();
    if let Some(label) = request.label.as_mut() {
        label.code = Some("ab12".into());
    }
    let err = request.validate().unwrap_err();
    assert!(err.has("q_code", "pattern("), "{err}");
    assert!(
        !err.has("label.code", "pattern("),
        "the type's pattern is a product rule"
    );
    let err = request.validate_with(Profile::Strict).unwrap_err();
    assert!(err.has("label.code", "pattern("), "{err}");
}

#[test]
fn the_made_up_fixture_matches_the_pattern() {
    let fixture: Value = serde_json::from_str(include_str!(
        "../mini-crate/fixtures/demo/checks/codes.json"
    ))
    .unwrap();
    assert!(fixture["//"].as_str().unwrap().contains("synthesised"));
    let request: CodesRequest = serde_json::from_value(fixture["request"].clone()).unwrap();
    assert!(request.validate().is_ok(), "{request:?}");
}

#[test]
fn pattern_is_documented_in_rustdoc() {
    let source = include_str!("../mini-crate/src/demo/checks/requests.rs");
    assert!(
        source.contains("/// Matches the regular expression `^[0-9]{6}$`. Rule source: 11."),
        "the field's rustdoc states the rule and its source"
    );
}

#[tokio::test]
async fn the_mock_server_rejects_a_value_that_breaks_the_pattern() {
    let server = MockServer::start(wxlive_mini::demo::mock_config())
        .await
        .expect("the mini crate's mock starts");
    let (id, secret) = server.credentials();
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/token", server.base_url()))
        .json(&json!({"grant_type": "client_credential", "appid": id, "secret": secret, "force_refresh": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().expect("a token").to_owned();
    let post = |code: &'static str| {
        http.post(format!(
            "{}/checks/codes?access_token={token}",
            server.base_url()
        ))
        .json(&json!({"code": code}))
        .send()
    };
    let answer: Value = post("12a456").await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 40058, "{answer}");
    assert!(
        answer["errmsg"].as_str().unwrap().contains("pattern"),
        "{answer}"
    );
    let answer: Value = post("123456").await.unwrap().json().await.unwrap();
    assert_eq!(answer["errcode"], 0, "{answer}");

    // The generated client checks before sending: the broken request never reaches the server.
    let client = DemoClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let before = server.calls("checks.codes");
    let err = client.checks().send(&codes("12a456")).await.unwrap_err();
    assert!(
        matches!(err, wxlive_runtime::Error::Validation { .. }),
        "{err}"
    );
    assert_eq!(server.calls("checks.codes"), before);
    client.checks().send(&codes("654321")).await.unwrap();
}

#[test]
fn levels_of_constraints_and_rules_follow_the_profile() {
    let request = CodesRequest {
        code: "000000".into(),
        tag: Some("abcdefg12".into()),
        note: Some("ab".into()),
    };
    // A 9-character tag breaks advice; code "000000" makes the note required by a product rule (it
    // is there); the tag outside code "999999" breaks an advice rule.
    let warnings = request.validate().unwrap();
    let rules: Vec<&str> = warnings.iter().map(|w| w.rule.as_str()).collect();
    assert_eq!(rules, ["max_chars(8)", "only_when(code == \"999999\")"]);
    assert!(warnings.iter().all(|w| w.level == Level::Advice));

    let without_note = CodesRequest {
        note: None,
        ..request.clone()
    };
    assert!(
        without_note.validate().is_ok(),
        "product rules are not errors by default"
    );
    let err = without_note.validate_with(Profile::Strict).unwrap_err();
    assert!(
        err.has("note", "required_when(code == \"000000\")"),
        "{err}"
    );
    assert_eq!(err.violations[0].level, Level::Product);
    assert_eq!(err.warnings.len(), 2, "advice stays a warning");

    let long_note = CodesRequest {
        note: Some("x".repeat(13)),
        ..request
    };
    assert!(long_note.validate().is_ok());
    assert!(long_note
        .validate_with(Profile::Strict)
        .unwrap_err()
        .has("note", "max_bytes(12)"));
    assert_eq!(long_note.validate_with(Profile::Off), Ok(Vec::new()));
}

#[test]
fn rustdoc_states_each_rule_level() {
    let source = include_str!("../mini-crate/src/demo/checks/requests.rs");
    assert!(source.contains(
        "/// Advice (reported as a warning, never an error): At most 8 characters (a Chinese character counts one). Rule source: 11."
    ));
    assert!(source.contains(
        "/// Product rule (enforced by the strict profile only): At most 12 bytes of UTF-8"
    ));
}
