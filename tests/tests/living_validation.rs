//! Every rule of the living spec, at its boundary, through the generated `validate()` and builders.

use wxlive::runtime::Validate;
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
        ..CreateRequest::default()
    }
}

fn violations(r: &impl Validate) -> ValidationError {
    r.validate().expect_err("should be invalid")
}

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
fn living_start_must_be_in_the_future_and_cites_its_source() {
    let err = violations(&CreateRequest {
        living_start: now() - 1,
        ..create()
    });
    only(&err, "living_start", "future");
    assert!(
        err.violations[0].source.unwrap().contains("seed 002"),
        "the rule is marked as a product rule"
    );
    CreateRequest {
        living_start: now() + 60,
        ..create()
    }
    .validate()
    .unwrap();
}

#[test]
fn living_duration_is_at_least_60_seconds() {
    CreateRequest {
        living_duration: 60,
        ..create()
    }
    .validate()
    .unwrap();
    let err = violations(&CreateRequest {
        living_duration: 59,
        ..create()
    });
    only(&err, "living_duration", "min(60)");
    assert!(err.violations[0].source.unwrap().contains("seed 002"));
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
fn activity_fields_only_for_activity_lives() {
    let activity = CreateRequest {
        activity_cover_mediaid: Some("C".into()),
        activity_share_mediaid: Some("S".into()),
        activity_detail: Some(ActivityDetail::default()),
        ..create()
    };
    CreateRequest {
        r#type: Some(LivingType::Activity),
        ..activity.clone()
    }
    .validate()
    .unwrap();
    for living_type in [
        None,
        Some(LivingType::General),
        Some(LivingType::CorporateTraining),
    ] {
        let err = violations(&CreateRequest {
            r#type: living_type,
            ..activity.clone()
        });
        assert_eq!(err.violations.len(), 3, "{err}");
        for field in [
            "activity_cover_mediaid",
            "activity_share_mediaid",
            "activity_detail",
        ] {
            assert!(err.has(field, "only_when(type == 4)"), "{field}: {err}");
        }
    }
}

#[test]
fn activity_image_list_has_at_most_5_items() {
    let with_images = |n: usize| CreateRequest {
        r#type: Some(LivingType::Activity),
        activity_detail: Some(ActivityDetail {
            description: None,
            image_list: vec!["M".into(); n],
        }),
        ..create()
    };
    with_images(5).validate().unwrap();
    only(
        &violations(&with_images(6)),
        "activity_detail.image_list",
        "max_items(5)",
    );
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
    let err = violations(&bad);
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
