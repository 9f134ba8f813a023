//! Every rule of the living spec, at its boundary, through the generated `validate()` and builders.

use wxlive::runtime::{Level, Profile, Validate};
use wxlive::wecom::living::*;
use wxlive::ValidationError;

fn now() -> i64 {
    wxlive_tests::unix_in(0)
}

fn create() -> CreateRequest {
    CreateRequest {
        anchor_userid: "zhangsan".into(),
        theme: "theme".into(),
        living_start: now() + 3600,
        living_duration: 3600,
        r#type: None,
        description: None,
        agentid: None,
        remind_time: None,
        activity_cover_mediaid: None,
        activity_share_mediaid: None,
        activity_detail: None,
    }
}

fn violations(r: &impl Validate) -> ValidationError {
    r.validate().expect_err("should be invalid")
}

/// Violations under the strict profile (official and product rules).
fn strict_violations(r: &impl Validate) -> ValidationError {
    r.validate_with(Profile::Strict)
        .expect_err("should be invalid under the strict profile")
}

/// The source the spec gives the living rules of the ESB中心 component.
const ESB: &str = "ESB中心 component documentation 创建、更新、删除、取消、获取企业微信直播";

fn only(err: &ValidationError, field: &str, rule: &str) {
    assert_eq!(err.violations.len(), 1, "{err}");
    assert!(err.has(field, rule), "expected {field} {rule}: {err}");
}

#[test]
fn a_plain_create_is_valid() {
    create().validate().unwrap();
}

#[test]
fn create_theme_counts_utf8_characters_not_bytes() {
    let ok = CreateRequest {
        theme: "直".repeat(20),
        ..create()
    };
    ok.validate().unwrap();
    let too_long = CreateRequest {
        theme: "直".repeat(21),
        ..create()
    };
    only(&violations(&too_long), "theme", "max_chars(20)");
    let ascii = CreateRequest {
        theme: "a".repeat(21),
        ..create()
    };
    only(&violations(&ascii), "theme", "max_chars(20)");
}

#[test]
fn create_description_is_at_most_100_characters() {
    CreateRequest {
        description: Some("述".repeat(100)),
        ..create()
    }
    .validate()
    .unwrap();
    let err = violations(&CreateRequest {
        description: Some("述".repeat(101)),
        ..create()
    });
    only(&err, "description", "max_chars(100)");
}

#[test]
fn modify_theme_counts_bytes() {
    let base = ModifyRequest {
        livingid: "L".into(),
        ..ModifyRequest::default()
    };
    ModifyRequest {
        theme: Some("直".repeat(20)),
        ..base.clone()
    }
    .validate()
    .unwrap(); // 60 bytes
    ModifyRequest {
        theme: Some("a".repeat(60)),
        ..base.clone()
    }
    .validate()
    .unwrap();
    only(
        &violations(&ModifyRequest {
            theme: Some("a".repeat(61)),
            ..base.clone()
        }),
        "theme",
        "max_bytes(60)",
    );
    // 21 Chinese characters are 63 bytes: too long for modify, although create would accept 20 of them.
    let err = violations(&ModifyRequest {
        theme: Some("直".repeat(21)),
        ..base.clone()
    });
    only(&err, "theme", "max_bytes(60)");
    assert!(err.to_string().contains("63 bytes"), "{err}");
}

#[test]
fn modify_description_is_at_most_300_bytes() {
    let base = ModifyRequest {
        livingid: "L".into(),
        ..ModifyRequest::default()
    };
    ModifyRequest {
        description: Some("述".repeat(100)),
        ..base.clone()
    }
    .validate()
    .unwrap();
    only(
        &violations(&ModifyRequest {
            description: Some("述".repeat(100) + "a"),
            ..base
        }),
        "description",
        "max_bytes(300)",
    );
}

#[test]
fn living_start_in_the_future_is_a_product_rule_enforced_only_when_strict() {
    let past = CreateRequest {
        living_start: now() - 1,
        ..create()
    };
    // The official page states no such rule: the default profile sends it, with no warning.
    assert_eq!(past.validate(), Ok(Vec::new()));
    let err = strict_violations(&past);
    only(&err, "living_start", "future");
    assert_eq!(err.violations[0].level, Level::Product);
    assert!(
        err.violations[0].source.unwrap().contains(ESB),
        "the rule names the document it comes from"
    );
    assert!(err.to_string().contains("(product rule; source: "), "{err}");
    CreateRequest {
        living_start: now() + 60,
        ..create()
    }
    .validate_with(Profile::Strict)
    .unwrap();
}

#[test]
fn living_duration_of_at_least_60_seconds_is_a_product_rule() {
    let short = CreateRequest {
        living_duration: 59,
        ..create()
    };
    assert_eq!(short.validate(), Ok(Vec::new()));
    CreateRequest {
        living_duration: 60,
        ..create()
    }
    .validate_with(Profile::Strict)
    .unwrap();
    let err = strict_violations(&short);
    only(&err, "living_duration", "min(60)");
    assert!(err.violations[0].source.unwrap().contains(ESB));
    assert_eq!(short.validate_with(Profile::Off), Ok(Vec::new()));
}

#[test]
fn remind_time_is_not_negative() {
    CreateRequest {
        remind_time: Some(0),
        ..create()
    }
    .validate()
    .unwrap();
    only(
        &violations(&CreateRequest {
            remind_time: Some(-1),
            ..create()
        }),
        "remind_time",
        "min(0)",
    );
    let modify = ModifyRequest {
        livingid: "L".into(),
        remind_time: Some(-5),
        ..ModifyRequest::default()
    };
    only(&violations(&modify), "remind_time", "min(0)");
}

#[test]
fn activity_fields_outside_activity_lives_are_advice() {
    let activity = CreateRequest {
        activity_cover_mediaid: Some("C".into()),
        activity_share_mediaid: Some("S".into()),
        activity_detail: Some(ActivityDetail::default()),
        ..create()
    };
    let warnings = CreateRequest {
        r#type: Some(LivingType::Activity),
        ..activity.clone()
    }
    .validate()
    .unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    for living_type in [
        None,
        Some(LivingType::General),
        Some(LivingType::CorporateTraining),
    ] {
        let request = CreateRequest {
            r#type: living_type,
            ..activity.clone()
        };
        // The page says other lives need not send them, not that they must not: a warning each, under
        // every profile that checks, never an error.
        for profile in [Profile::Official, Profile::Strict] {
            let warnings = request.validate_with(profile).expect("advice never fails");
            assert_eq!(warnings.len(), 3, "{warnings:?}");
            for (w, field) in warnings.iter().zip([
                "activity_cover_mediaid",
                "activity_share_mediaid",
                "activity_detail",
            ]) {
                assert_eq!(w.field, field);
                assert_eq!(w.rule, "only_when(type == 4)");
                assert_eq!(w.level, Level::Advice);
            }
        }
    }
}

#[test]
fn more_than_5_activity_images_is_advice_the_server_keeps_the_first_five() {
    let with_images = |n: usize| CreateRequest {
        r#type: Some(LivingType::Activity),
        activity_detail: Some(ActivityDetail {
            description: None,
            image_list: vec!["M".into(); n],
        }),
        ..create()
    };
    assert_eq!(with_images(5).validate(), Ok(Vec::new()));
    let warnings = with_images(6)
        .validate_with(Profile::Strict)
        .expect("sent even under the strict profile");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].field, "activity_detail.image_list");
    assert_eq!(warnings[0].rule, "max_items(5)");
    assert!(warnings[0].source.unwrap().contains("first five"));
}

#[test]
fn get_user_all_livingid_limit_is_1_to_100() {
    let with_limit = |limit| GetUserAllLivingidRequest {
        userid: "u".into(),
        cursor: None,
        limit: Some(limit),
    };
    with_limit(1).validate().unwrap();
    with_limit(100).validate().unwrap();
    only(&violations(&with_limit(0)), "limit", "min(1)");
    only(&violations(&with_limit(101)), "limit", "max(100)");
}

#[test]
fn undocumented_enum_values_are_not_sent() {
    let err = violations(&CreateRequest {
        r#type: Some(LivingType::Unknown(7)),
        ..create()
    });
    only(&err, "type", "enum");
}

#[test]
fn required_fields_are_enforced_by_the_builder_all_at_once() {
    let err = CreateRequest::builder()
        .description("d")
        .build()
        .unwrap_err();
    for field in ["anchor_userid", "theme", "living_start", "living_duration"] {
        assert!(err.has(field, "required"), "{field}: {err}");
    }
    let err = GetLivingCodeRequest::builder()
        .livingid("L")
        .build()
        .unwrap_err();
    only(&err, "openid", "required");
}

#[test]
fn all_violations_are_reported_with_field_and_rule() {
    let bad = CreateRequest {
        theme: "直".repeat(30),
        living_duration: 1,
        remind_time: Some(-1),
        description: Some("x".repeat(101)),
        ..create()
    };
    let err = strict_violations(&bad);
    assert_eq!(err.violations.len(), 4, "{err}");
    let text = err.to_string();
    for needle in [
        "theme: max_chars(20)",
        "living_duration: min(60)",
        "remind_time: min(0)",
        "description: max_chars(100)",
    ] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
}
