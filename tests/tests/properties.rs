//! Property tests: the spec loader, the validators and the response decoders never panic, whatever
//! they are given.

mod support;

use proptest::prelude::*;
use wxlive::runtime::Validate;
use wxlive::wecom::living::*;

fn living_yaml() -> String {
    std::fs::read_to_string(support::root().join("spec/wecom/living.yaml")).unwrap()
}

/// Parses `text` as a domain file of a copy of the real spec and returns whether it loaded.
fn load_with_living(text: &str, dir: &std::path::Path) -> bool {
    std::fs::write(dir.join("wecom/living.yaml"), text).unwrap();
    wxlive_codegen::load(dir, "spec").is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn the_loader_never_panics_on_arbitrary_text(text in "\\PC{0,400}") {
        let dir = support::spec_with_living("prop-arbitrary", |s| s + "\n# x\n");
        let _ = load_with_living(&text, &dir);
    }

    #[test]
    fn the_loader_never_panics_on_a_damaged_spec(cut in 0usize..40_000, len in 0usize..200, insert in "\\PC{0,20}") {
        let original = living_yaml();
        let start = original.char_indices().map(|(i, _)| i).nth(cut % original.chars().count()).unwrap_or(0);
        let end = original[start..].char_indices().map(|(i, _)| start + i).nth(len).unwrap_or(original.len());
        let damaged = format!("{}{insert}{}", &original[..start], &original[end..]);
        let dir = support::spec_with_living("prop-damaged", |s| s + "\n# x\n");
        let _ = load_with_living(&damaged, &dir);
    }

    #[test]
    fn validators_never_panic(theme in "\\PC{0,80}", description in "\\PC{0,200}", start in any::<i64>(), duration in any::<i32>(),
                              kind in any::<i64>(), images in 0usize..12, remind in any::<i32>()) {
        let request = CreateRequest {
            anchor_userid: "a".into(),
            theme: theme.clone(),
            living_start: start,
            living_duration: duration,
            r#type: Some(LivingType::from_value(kind)),
            description: Some(description),
            remind_time: Some(remind),
            activity_detail: Some(ActivityDetail { description: None, image_list: vec!["m".into(); images] }),
            agentid: None,
            activity_cover_mediaid: None,
            activity_share_mediaid: None,
        };
        let _ = request.validate();
        let _ = ModifyRequest { livingid: "l".into(), theme: Some(theme), ..ModifyRequest::default() }.validate();
    }

    #[test]
    fn response_decoding_never_panics(json in arbitrary_json()) {
        let _ = serde_json::from_value::<GetLivingInfoResponse>(json.clone());
        let _ = serde_json::from_value::<GetWatchStatResponse>(json.clone());
        let _ = serde_json::from_value::<GetUserAllLivingidResponse>(json);
    }

    #[test]
    fn responses_with_extra_fields_and_unknown_enum_values_decode(extra in "[a-z_]{1,12}", value in any::<i64>(), status in any::<i64>()) {
        let body = serde_json::json!({"errcode": 0, "errmsg": "ok", "living_info": {"status": status, "type": value, &extra: value}, &format!("x{extra}"): [1, 2]});
        let decoded: GetLivingInfoResponse = serde_json::from_value(body).unwrap();
        prop_assert_eq!(decoded.living_info.status, LivingStatus::from_value(status));
    }
}

fn arbitrary_json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map_or(serde_json::Value::Null, serde_json::Value::Number)),
        "\\PC{0,10}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop_oneof![
                    Just("living_info".to_owned()),
                    Just("status".to_owned()),
                    Just("stat_info".to_owned()),
                    Just("users".to_owned()),
                    Just("ending".to_owned()),
                    Just("livingid_list".to_owned()),
                    "[a-z]{1,8}"
                ],
                inner,
                0..6
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
