//! The mini-spec's generated crate (`tests/mini-crate`, package `wxlive-mini`) at work: it is built and
//! linted with the workspace, and here its validators, its mock routes and its fixtures run. The
//! `pattern` constraint is followed end to end: the spec, the rustdoc, `validate()`, the mock's
//! rejection, the made-up fixture and the example check.

use serde_json::{json, Value};
use wxlive_mini::demo::checks::{CodesRequest, TextsRequest};
use wxlive_mini::demo::DemoClient;
use wxlive_runtime::mock::MockServer;
use wxlive_runtime::Validate;

fn codes(code: &str) -> CodesRequest {
    CodesRequest {
        code: code.into(),
        tag: None,
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
    let err = client.checks().codes(&codes("12a456")).await.unwrap_err();
    assert!(
        matches!(err, wxlive_runtime::Error::Validation { .. }),
        "{err}"
    );
    assert_eq!(server.calls("checks.codes"), before);
    client.checks().codes(&codes("654321")).await.unwrap();
}
