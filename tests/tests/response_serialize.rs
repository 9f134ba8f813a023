//! The `Serialize` impl `from_fields!` gives responses and response-only types (feature `serialize`
//! of the generated crate, what the CLI prints): first wire name, optional fields only when set,
//! lists only when not empty, flags as 0/1, guaranteed fields always.

use serde_json::{json, Value};
use wxlive_mini::demo::checks::{LogsResponse, StampResponse};
use wxlive_mini::demo::rules::UnsignedResponse;

fn written<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).expect("a response serializes")
}

#[test]
fn aliases_and_lenient_values_are_written_under_the_first_wire_name() {
    let r: LogsResponse = serde_json::from_value(json!({
        "total": "3",
        "cnt": 2,
        "remark": 7,
        "updated": 1700000000,
        "logs": [{ "id": 1, "time": "noon", "unknown": true }]
    }))
    .unwrap();
    assert_eq!(
        written(&r),
        json!({
            "total": 3,
            "logs": [{ "id": 1, "at": "noon" }],
            "updated": "1700000000",
            "count": 2,
            "note": "7"
        })
    );
}

#[test]
fn unset_optional_fields_and_empty_lists_are_left_out() {
    assert_eq!(written(&LogsResponse::default()), json!({}));
}

#[test]
fn optional_flags_are_written_as_numbers() {
    let set = StampResponse {
        stamped: Some(true),
    };
    assert_eq!(written(&set), json!({ "stamped": 1 }));
    let unset = StampResponse { stamped: None };
    assert_eq!(written(&unset), json!({}));
}

#[test]
fn guaranteed_fields_are_always_written() {
    let r = UnsignedResponse::default();
    assert_eq!(written(&r), json!({ "total": 0 }));
    let back: UnsignedResponse = serde_json::from_value(written(&UnsignedResponse {
        total: u64::MAX,
        count: Some(4),
    }))
    .unwrap();
    assert_eq!(back.total, u64::MAX);
    assert_eq!(back.count, Some(4));
}

#[test]
fn guaranteed_flags_are_written_as_numbers() {
    use wxlive::wecom::living::GetWatchStatResponse;
    let mut r = GetWatchStatResponse {
        ending: true,
        next_key: "k".into(),
        ..Default::default()
    };
    let value = written(&r);
    assert_eq!(value["ending"], 1);
    assert_eq!(value["next_key"], "k");
    assert!(value.get("stat_info").is_some(), "guaranteed: {value}");
    r.ending = false;
    assert_eq!(written(&r)["ending"], 0);
}
