//! Requests encode through the runtime's `encode_fields!` table instead of serde's derive: the JSON
//! must be byte for byte what the derive with the former field attributes wrote (field order, left
//! out `None`s and empty optional lists, flags as 0/1, wire names, flattened unions), for every
//! kind of row, and the generated requests of the mini spec use the right kind for each field. The
//! object types a request contains encode through `from_fields!` (`encode`) the same way.

use proptest::prelude::*;
use serde::Serialize;
use serde_json::json;
use wxlive_mini::demo::checks::{Bundle, Level, ListsRequest, SwitchesRequest, Toggles};
use wxlive_mini::demo::unions::{Note, Payload, PostRequest};
use wxlive_mini::demo::widgets::FindRequest;

/// The shape serde's derive encoded before, with the attributes the generator gave each kind.
#[derive(Serialize)]
struct Derived {
    #[serde(rename = "wire_name")]
    plain: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    some: Option<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    list: Vec<String>,
    required_list: Vec<i32>,
    #[serde(with = "wxlive_runtime::wire::flag")]
    flag: bool,
    #[serde(
        with = "wxlive_runtime::wire::option_flag",
        skip_serializing_if = "Option::is_none"
    )]
    some_flag: Option<bool>,
    #[serde(flatten)]
    payload: Payload,
    #[serde(skip_serializing)]
    #[allow(dead_code)]
    in_query: i64,
    last: bool,
}

/// The same fields, encoded by the table.
struct Table {
    plain: String,
    some: Option<i64>,
    list: Vec<String>,
    required_list: Vec<i32>,
    flag: bool,
    some_flag: Option<bool>,
    payload: Payload,
    last: bool,
}

wxlive_runtime::encode_fields!(Table {
    "wire_name" => plain: value,
    "some" => some: some,
    "list" => list: list,
    "required_list" => required_list: value,
    "flag" => flag: flag,
    "some_flag" => some_flag: some_flag,
    "payload" => payload: flatten,
    "last" => last: value,
});

prop_compose! {
    fn payloads()(content in proptest::option::of("\\PC{0,8}"), memo in any::<bool>()) -> Payload {
        let note = Note { content };
        if memo { Payload::Memo(note) } else { Payload::Note(note) }
    }
}

proptest! {
    #[test]
    fn the_table_writes_what_the_derive_wrote(
        plain in "\\PC{0,8}",
        some in proptest::option::of(any::<i64>()),
        list in proptest::collection::vec("[a-z]{0,3}", 0..3),
        required_list in proptest::collection::vec(any::<i32>(), 0..3),
        flag in any::<bool>(),
        some_flag in proptest::option::of(any::<bool>()),
        payload in payloads(),
        in_query in any::<i64>(),
        last in any::<bool>(),
    ) {
        let derived = Derived {
            plain: plain.clone(), some, list: list.clone(), required_list: required_list.clone(),
            flag, some_flag, payload: payload.clone(), in_query, last,
        };
        let table = Table { plain, some, list, required_list, flag, some_flag, payload, last };
        let (bytes, expected) = (serde_json::to_string(&table), serde_json::to_string(&derived));
        prop_assert_eq!(bytes.unwrap(), expected.unwrap());
        // The client's path for requests with body constants goes through a `Value`.
        let (value, expected) = (serde_json::to_value(&table), serde_json::to_value(&derived));
        prop_assert_eq!(value.unwrap(), expected.unwrap());
    }
}

#[test]
fn an_empty_table_writes_an_empty_object() {
    struct Nothing {}
    wxlive_runtime::encode_fields!(Nothing {});
    assert_eq!(serde_json::to_string(&Nothing {}).unwrap(), "{}");
}

#[test]
fn flags_are_0_or_1_and_unset_options_are_left_out() {
    let request = SwitchesRequest {
        q_bool_req: true,
        q_bool_opt: Some(false),
        q_flag_req: true,
        q_flag_opt: Some(true),
        b_bool_req: true,
        b_bool_opt: None,
        b_flag_req: true,
        b_flag_opt: Some(false),
        toggles: None,
    };
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"b_bool_req":true,"b_flag_req":1,"b_flag_opt":0}"#,
        "query fields are not in the body"
    );
    let request = SwitchesRequest {
        b_bool_opt: Some(false),
        b_flag_req: false,
        b_flag_opt: None,
        ..request
    };
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"b_bool_req":true,"b_bool_opt":false,"b_flag_req":0}"#
    );
}

#[test]
fn required_lists_are_always_written_and_optional_ones_only_when_not_empty() {
    let request = ListsRequest {
        i64s_opt: vec![7],
        ..ListsRequest::default()
    };
    assert_eq!(
        serde_json::to_value(&request).unwrap(),
        json!({"strings_req": [], "i32s_req": [], "i64s_opt": [7], "levels_req": [], "labels_req": []})
    );
    let text = serde_json::to_string(&request).unwrap();
    assert!(
        text.starts_with(r#"{"strings_req":[],"i32s_req":[],"i64s_opt":[7],"levels_req""#),
        "declaration order: {text}"
    );
}

#[test]
fn a_request_whose_fields_all_travel_in_the_query_has_an_empty_body() {
    let request = FindRequest {
        widget_id: 5,
        cursor: Some("c".into()),
    };
    assert_eq!(serde_json::to_string(&request).unwrap(), "{}");
}

#[test]
fn a_flattened_union_is_written_in_place_in_its_own_key_order() {
    let request = PostRequest {
        to: "u1".into(),
        payload: Payload::Note(Note {
            content: Some("hi".into()),
        }),
        safe: None,
    };
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"to":"u1","kind":"note","note":{"content":"hi"}}"#
    );
}

#[test]
fn object_types_in_requests_leave_out_unset_fields_and_write_flags_as_0_or_1() {
    let request = SwitchesRequest {
        q_bool_req: false,
        q_bool_opt: None,
        q_flag_req: false,
        q_flag_opt: None,
        b_bool_req: false,
        b_bool_opt: None,
        b_flag_req: false,
        b_flag_opt: None,
        toggles: Some(Toggles {
            bool_req: Some(true),
            bool_opt: None,
            flag_req: Some(true),
            flag_opt: Some(false),
        }),
    };
    assert_eq!(
        serde_json::to_string(&request).unwrap(),
        r#"{"b_bool_req":false,"b_flag_req":0,"toggles":{"bool_req":true,"flag_req":1,"flag_opt":0}}"#
    );
    let request = ListsRequest {
        bundle: Some(Bundle {
            numbers: vec![1, 2],
            levels: vec![Level::Low],
            ..Bundle::default()
        }),
        ..ListsRequest::default()
    };
    let text = serde_json::to_string(&request).unwrap();
    assert!(
        text.ends_with(r#""bundle":{"numbers":[1,2],"levels":[1]}}"#),
        "empty lists of an object are left out: {text}"
    );
}
