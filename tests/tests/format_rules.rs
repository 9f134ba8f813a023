//! General format features, end to end on the mini spec's `rules` domain
//! (`tests/fixtures/mini-spec/demo/rules.yaml`): conditions on any scalar field and their `all`/`any`
//! combinations, constraints on list items, unsigned integers and errcodes declared per domain. Each is
//! followed through the generated validator, the mock server, the made-up fixtures and the OpenAPI export.

use serde_json::{json, Value};
use wxlive_mini::demo::rules::{
    errcode, ConditionsRequest, Filter, ItemRulesRequest, Kind, SynthRulesRequest, Tone,
    UnsignedRequest, UnsignedResponse,
};
use wxlive_runtime::mock::MockServer;
use wxlive_runtime::{ApiRequest, Profile, Validate};

/// A request every rule of `conditions` accepts: kind 1, active, nothing else.
fn plain() -> ConditionsRequest {
    ConditionsRequest::builder()
        .kind(Kind::Plain)
        .active(true)
        .build()
        .expect("a plain request is valid")
}

/// The violations of `r` under the strict profile (product rules too), as `field: rule` lines.
fn broken<R: Validate>(r: &R) -> Vec<String> {
    match r.validate_with(Profile::Strict) {
        Ok(_) => Vec::new(),
        Err(e) => e
            .violations
            .iter()
            .map(|v| format!("{}: {}", v.field, v.rule))
            .collect(),
    }
}

#[test]
fn a_condition_on_a_string_field_compares_its_value() {
    let mut r = plain();
    r.vip_note = Some("n".into());
    assert_eq!(broken(&r), ["vip_note: only_when(label == \"vip\")"]);
    r.label = Some("vip".into());
    assert!(broken(&r).is_empty());
    r.label = Some("VIP".into());
    assert_eq!(broken(&r).len(), 1, "the comparison is exact");
}

#[test]
fn all_needs_every_condition_an_int_enum_and_a_flag() {
    let mut r = plain();
    r.kind = Kind::Special;
    assert!(
        broken(&r).is_empty(),
        "`on` is unset: the `all` does not hold"
    );
    r.on = Some(false);
    assert!(broken(&r).is_empty(), "on == false");
    r.on = Some(true);
    assert_eq!(
        broken(&r),
        ["special_note: required_when(kind == 2 and on == true)"]
    );
    r.special_note = Some("s".into());
    assert!(broken(&r).is_empty());
}

#[test]
fn any_holds_when_one_condition_does_with_a_string_enum_a_bool_and_unsigned_fields() {
    let with_note = |f: &dyn Fn(&mut ConditionsRequest)| {
        let mut r = plain();
        r.mood_note = Some("m".into());
        f(&mut r);
        broken(&r)
    };
    let rule = "mood_note: only_when(tone == \"warm\" or active == false or (small in [1, 2] and huge == 5))";
    assert_eq!(with_note(&|_| {}), [rule]);
    assert!(with_note(&|r| r.tone = Some(Tone::Warm)).is_empty());
    assert_eq!(with_note(&|r| r.tone = Some(Tone::Cool)), [rule]);
    assert!(with_note(&|r| r.active = false).is_empty(), "a bool");
    assert_eq!(with_note(&|r| r.small = Some(2)), [rule], "half an `all`");
    assert!(with_note(&|r| {
        r.small = Some(2);
        r.huge = Some(5);
    })
    .is_empty());
    assert_eq!(
        with_note(&|r| {
            r.small = Some(3);
            r.huge = Some(5);
        }),
        [rule]
    );
}

#[test]
fn conditions_on_i64_and_i32_fields_and_the_level_of_the_rule() {
    let mut r = plain();
    r.big = Some(9_000_000_000);
    assert_eq!(
        broken(&r),
        ["big_note: required_when(big in [-1, 9000000000])"]
    );
    assert!(
        r.validate().is_ok(),
        "a product rule is not enforced by the default profile"
    );
    r.big = Some(-1);
    assert_eq!(broken(&r).len(), 1);
    r.big = Some(0);
    assert!(broken(&r).is_empty());
    let mut r = plain();
    r.count_note = Some("c".into());
    r.count = Some(4);
    assert!(broken(&r).is_empty());
    r.active = false;
    assert_eq!(
        broken(&r),
        ["count_note: only_when(count in [3, 4] and active == true)"]
    );
}

#[test]
fn conditions_in_a_nested_type_read_a_flag_and_a_bool() {
    let mut r = plain();
    r.filter = Some(Filter {
        on: Some(true),
        when: Some("w".into()),
        ..Filter::default()
    });
    assert_eq!(broken(&r), ["filter.when: only_when(on == false)"]);
    r.filter = Some(Filter {
        on: Some(true),
        strict: Some(true),
        ..Filter::default()
    });
    assert_eq!(
        broken(&r),
        ["filter.why: required_when(on in [false, true] and strict == true)"]
    );
    r.filter = Some(Filter {
        strict: Some(true),
        ..Filter::default()
    });
    assert!(
        broken(&r).is_empty(),
        "`on` unset: `in [0, 1]` does not hold"
    );
}

#[test]
fn violations_state_the_condition_in_words() {
    let mut r = plain();
    r.mood_note = Some("m".into());
    let err = r.validate().unwrap_err().to_string();
    assert!(
        err.contains("is set but tone == \"warm\" or active == false or (small in [1, 2] and huge == 5) does not hold"),
        "{err}"
    );
}

fn items() -> ItemRulesRequest {
    ItemRulesRequest::builder()
        .tags(["ok".to_owned()])
        .build()
        .expect("valid")
}

#[test]
fn item_constraints_name_the_index_of_each_broken_item() {
    let mut r = items();
    r.tags = ["ab", "", "Upper", "fine", "toolongtag"]
        .map(str::to_owned)
        .to_vec();
    let found = broken(&r);
    assert_eq!(
        found,
        [
            "tags[1]: min_chars(1)",
            "tags[1]: pattern(\"^[a-z]+$\")",
            "tags[2]: pattern(\"^[a-z]+$\")",
            "tags[4]: max_chars(8)",
        ]
    );
    let mut r = items();
    r.scores = vec![0, 100, 101, -1];
    r.small = vec![9, 10];
    r.kinds = vec![Kind::Plain, Kind::Other];
    assert_eq!(
        broken(&r),
        [
            "scores[2]: max(100)",
            "scores[3]: min(0)",
            "small[1]: max(9)",
            "kinds[1]: max(2)"
        ]
    );
}

#[test]
fn item_rules_follow_their_level() {
    let mut r = items();
    r.notes = vec!["短短短".into()];
    // 9 bytes breaks the product rule (max_bytes 6); 3 characters keep the advice (max_chars 4).
    assert!(r.validate().is_ok());
    assert_eq!(broken(&r), ["notes[0]: max_bytes(6)"]);
    r.notes = vec!["abcde".into()];
    let warnings = r.validate().expect("advice never fails");
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].field, "notes[0]");
}

#[test]
fn unsigned_integers_decode_their_whole_range_and_are_validated() {
    let resp: UnsignedResponse =
        serde_json::from_value(json!({"total": 18446744073709551615u64, "count": "4294967295"}))
            .unwrap();
    assert_eq!(resp.total, u64::MAX);
    assert_eq!(resp.count, Some(u32::MAX));
    assert!(serde_json::from_value::<UnsignedResponse>(json!({"count": -1})).is_err());
    let r = UnsignedRequest::builder()
        .u32_req(101)
        .u64_req(9_000_000_001)
        .u32_opt(0)
        .q_u32(1001)
        .ids([0, u64::MAX])
        .i64_opt(11);
    let err = r.build().unwrap_err();
    for (field, rule) in [
        ("u32_req", "max(100)"),
        ("u64_req", "max(9000000000)"),
        ("u32_opt", "min(1)"),
        ("q_u32", "max(1000)"),
        ("ids[0]", "min(1)"),
        ("i64_opt", "max(10)"),
    ] {
        assert!(err.has(field, rule), "{field} {rule}: {err}");
    }
    assert!(!err.has("ids[1]", ""), "u64::MAX is at least 1: {err}");
    let ok = UnsignedRequest::builder()
        .u32_req(0)
        .u64_req(9_000_000_000)
        .u64_opt(1005)
        .u32_opt(5)
        .build()
        .unwrap();
    assert_eq!(
        serde_json::to_value(&ok).unwrap()["u64_req"],
        json!(9_000_000_000u64)
    );
    let mut far = ok.clone();
    far.u64_opt = Some(2000);
    assert!(
        far.validate().unwrap_err().has("u64_opt", "difference"),
        "a difference of a u64 and a u32"
    );
}

#[test]
fn domain_errcodes_are_named_items_applied_to_every_operation() {
    assert_eq!(errcode::RULE_BROKEN.code, 7001);
    assert_eq!(errcode::RULES_BUSY.name, "rules_busy");
    for errors in [
        ConditionsRequest::OPERATION.errors,
        UnsignedRequest::OPERATION.errors,
        ItemRulesRequest::OPERATION.errors,
    ] {
        for code in [errcode::RULE_BROKEN, errcode::RULES_BUSY] {
            assert!(errors.iter().any(|e| e.code == code.code), "{errors:?}");
        }
    }
    assert!(
        ConditionsRequest::OPERATION
            .errors
            .iter()
            .any(|e| e.code == errcode::CONDITION_FAILED.code),
        "the endpoint's own errcode stays"
    );
    let client_docs = include_str!("../mini-crate/src/demo/rules/client.rs");
    let listed = client_docs
        .matches("[`7001`](super::errcode::RULE_BROKEN)")
        .count();
    let operations = client_docs.matches("RequestBuilder<Sender<'a>> {").count();
    assert!(operations > 1);
    assert_eq!(
        listed, operations,
        "each operation's docs list the domain's errcodes"
    );
}

fn openapi() -> Value {
    serde_json::from_str(include_str!("../mini-crate/openapi/demo.json")).unwrap()
}

fn operation(doc: &Value, path: &str) -> Value {
    doc["paths"][path]["post"].clone()
}

fn body_property(doc: &Value, path: &str, field: &str) -> Value {
    let op = operation(doc, path);
    op["requestBody"]["content"]["application/json"]["schema"]["properties"][field].clone()
}

#[test]
fn openapi_has_domain_errcodes_item_keywords_unsigned_formats_and_combined_conditions() {
    let doc = openapi();
    for path in ["/rules/conditions", "/rules/unsigned", "/rules/items"] {
        let codes: Vec<i64> = operation(&doc, path)["x-errcodes"]
            .as_array()
            .unwrap_or_else(|| panic!("{path} has x-errcodes"))
            .iter()
            .filter_map(|c| c["code"].as_i64())
            .collect();
        assert!(
            codes.contains(&7001) && codes.contains(&7002),
            "{path}: {codes:?}"
        );
    }
    let tags = body_property(&doc, "/rules/items", "tags");
    assert_eq!(tags["items"]["maxLength"], 8);
    assert_eq!(tags["items"]["minLength"], 1);
    assert_eq!(tags["items"]["pattern"], "^[a-z]+$");
    let notes = body_property(&doc, "/rules/items", "notes");
    assert!(
        notes["items"].get("maxLength").is_none(),
        "advice is no keyword"
    );
    assert_eq!(notes["items"]["x-constraints"][0]["level"], "product");
    let u32_req = body_property(&doc, "/rules/unsigned", "u32_req");
    assert_eq!(u32_req["format"], "uint32");
    assert_eq!(u32_req["minimum"], 0);
    let u64_opt = body_property(&doc, "/rules/unsigned", "u64_opt");
    assert_eq!(u64_opt["format"], "uint64");
    assert_eq!(u64_opt["minimum"], 0);
    let rules = operation(&doc, "/rules/conditions")["x-rules"].clone();
    let combined = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["fields"] == json!(["special_note"]))
        .expect("the `all` rule");
    assert_eq!(
        combined["when"],
        json!({"all": [{"field": "kind", "in": [2]}, {"field": "on", "in": [true]}]})
    );
}

/// A token of the mock server.
async fn token(server: &MockServer, http: &reqwest::Client) -> String {
    let (id, secret) = server.credentials();
    let token: Value = http
        .post(format!("{}/token", server.base_url()))
        .json(&json!({"grant_type": "client_credential", "appid": id, "secret": secret, "force_refresh": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    token["access_token"].as_str().expect("a token").to_owned()
}

#[tokio::test]
async fn the_mock_server_enforces_conditions_item_rules_and_unsigned_ranges() {
    let server = MockServer::start(wxlive_mini::demo::mock_config())
        .await
        .expect("the mini crate's mock starts");
    let http = reqwest::Client::new();
    let token = token(&server, &http).await;
    let post = |path: &str, body: Value| {
        http.post(format!("{}{path}?access_token={token}", server.base_url()))
            .json(&body)
            .send()
    };
    let answer = |r: reqwest::Response| async move { r.json::<Value>().await.unwrap() };
    let a = answer(
        post(
            "/rules/conditions",
            json!({"kind": 2, "on": 1, "active": true}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_ne!(a["errcode"], 0, "{a}");
    assert!(
        a["errmsg"].as_str().unwrap().contains("special_note"),
        "{a}"
    );
    let a = answer(
        post(
            "/rules/conditions",
            json!({"kind": 2, "on": 1, "active": true, "special_note": "s"}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(a["errcode"], 0, "{a}");
    let a = answer(
        post("/rules/items", json!({"tags": ["ok", "NO"]}))
            .await
            .unwrap(),
    )
    .await;
    assert!(a["errmsg"].as_str().unwrap().contains("tags[1]"), "{a}");
    let a = answer(
        post("/rules/unsigned", json!({"u32_req": -1, "u64_req": 1}))
            .await
            .unwrap(),
    )
    .await;
    assert_ne!(a["errcode"], 0, "a negative u32 is refused: {a}");
    let a = answer(
        post(
            "/rules/unsigned",
            json!({"u32_req": 1, "u64_req": 1, "ids": [18446744073709551615u64]}),
        )
        .await
        .unwrap(),
    )
    .await;
    assert_eq!(a["errcode"], 0, "{a}");
    assert_eq!(a["total"], json!(18446744073709551615u64), "{a}");
}

#[test]
fn fixtures_of_the_rules_domain_satisfy_their_rules() {
    for (name, text) in [
        (
            "conditions",
            include_str!("../mini-crate/fixtures/demo/rules/conditions.json"),
        ),
        (
            "unsigned",
            include_str!("../mini-crate/fixtures/demo/rules/unsigned.json"),
        ),
        (
            "item_rules",
            include_str!("../mini-crate/fixtures/demo/rules/item_rules.json"),
        ),
        (
            "synth_rules",
            include_str!("../mini-crate/fixtures/demo/rules/synth_rules.json"),
        ),
    ] {
        let fixture: Value = serde_json::from_str(text).unwrap();
        let request = fixture["request"].clone();
        let problems = match name {
            "conditions" => broken(&serde_json::from_value::<ConditionsRequest>(request).unwrap()),
            "unsigned" => broken(&serde_json::from_value::<UnsignedRequest>(request).unwrap()),
            "synth_rules" => {
                assert!(
                    request["note"].is_string(),
                    "required_when made it up: {request}"
                );
                assert!(
                    request["filter"].get("when").is_none(),
                    "only_when left it out: {request}"
                );
                assert!(request["filter"]["why"].is_string(), "{request}");
                broken(&serde_json::from_value::<SynthRulesRequest>(request).unwrap())
            }
            _ => broken(&serde_json::from_value::<ItemRulesRequest>(request).unwrap()),
        };
        assert!(problems.is_empty(), "{name}: {problems:?}");
    }
}
