//! Every rule of the mini-program live-broadcast spec at its boundary (pass at the limit, fail one past),
//! through the generated `validate()`, at its level: an official rule is an error, advice a warning that
//! never fails (this domain has no product rule, so the strict profile adds nothing); the two pushed
//! events; and the linter's errors for the spec features this domain introduced (width, from-now,
//! decimals, cross-field rules, constants, nesting).

use std::fs;
use std::path::{Path, PathBuf};

use wxlive::runtime::callback::{CallbackEvent, XmlDoc};
use wxlive::runtime::wire::Decimal;
use wxlive::runtime::{Level, Profile, Validate, Validator, Violation};
use wxlive::wxa::broadcast::*;
use wxlive::ValidationError;

const NOW: i64 = 1_700_000_000;

type Checked = Result<Vec<Violation>, ValidationError>;

/// Checks `r` at a fixed time under `profile`, so the from-now rules are reproducible.
fn check_with(r: &impl Validate, now: i64, profile: Profile) -> Checked {
    let mut v = Validator::at(now).profile(profile);
    r.check(&mut v);
    v.finish()
}

/// Checks `r` at a fixed time under the default profile (official rules are errors).
fn check_at(r: &impl Validate, now: i64) -> Checked {
    check_with(r, now, Profile::Official)
}

fn check(r: &impl Validate) -> Checked {
    check_at(r, NOW)
}

/// Valid, and no advice broken either.
fn clean(result: Checked) {
    let warnings = result.unwrap_or_else(|e| panic!("should be valid: {e}"));
    assert!(warnings.is_empty(), "{warnings:?}");
}

/// Exactly one violation, of official `rule` on `field`.
fn only(result: Checked, field: &str, rule: &str) {
    let err = result.expect_err("should be invalid");
    assert_eq!(err.violations.len(), 1, "{err}");
    assert!(err.has(field, rule), "expected {field} {rule}: {err}");
    assert_eq!(err.violations[0].level, Level::Official, "{err}");
}

/// Valid, with exactly one warning: the advice `rule` on `field`.
fn advised(result: Checked, field: &str, rule: &str) {
    let warnings = result.unwrap_or_else(|e| panic!("advice must not fail: {e}"));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = &warnings[0];
    assert_eq!(
        (w.field.as_str(), w.rule.as_str(), w.level),
        (field, rule, Level::Advice),
        "{w}"
    );
    assert!(w.source.is_some(), "advice cites its source: {w}");
}

fn create() -> CreateRoomRequest {
    CreateRoomRequest {
        name: "测试直播间".into(),
        cover_img: "MEDIA".into(),
        start_time: NOW + 3600,
        end_time: NOW + 3600 + 7200,
        anchor_name: "主播小王".into(),
        anchor_wechat: "WxgQiao_04".into(),
        share_img: "MEDIA".into(),
        feeds_img: "MEDIA".into(),
        sub_anchor_wechat: None,
        creater_wechat: None,
        is_feeds_public: None,
        live_type: RoomType::PhoneLive,
        close_like: false,
        close_goods: false,
        close_comment: false,
        close_replay: None,
        close_share: None,
        close_kf: None,
    }
}

fn edit() -> EditRoomRequest {
    EditRoomRequest {
        room_id: 1,
        name: "测试直播间".into(),
        cover_img: "MEDIA".into(),
        start_time: NOW + 3600,
        end_time: NOW + 3600 + 7200,
        anchor_name: "主播小王".into(),
        anchor_wechat: "WxgQiao_04".into(),
        share_img: "MEDIA".into(),
        feeds_img: "MEDIA".into(),
        is_feeds_public: None,
        close_like: false,
        close_goods: false,
        close_comment: false,
        close_replay: None,
        close_share: None,
        close_kf: None,
    }
}

// ------------------------------------------------------------------------------------------ rooms

#[test]
fn a_plain_create_and_edit_are_valid() {
    check(&create()).unwrap();
    check(&edit()).unwrap();
}

#[test]
fn room_name_is_3_to_17_chinese_characters_counted_as_width_6_to_34() {
    for name in [
        "直播间",
        "abcdef",
        "直播ab",
        &"直".repeat(17),
        &"a".repeat(34),
        &format!("{}ab", "直".repeat(16)),
    ] {
        check(&CreateRoomRequest {
            name: name.into(),
            ..create()
        })
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    only(
        check(&CreateRoomRequest {
            name: "直播".into(),
            ..create()
        }),
        "name",
        "min_width(6)",
    );
    only(
        check(&CreateRoomRequest {
            name: "abcde".into(),
            ..create()
        }),
        "name",
        "min_width(6)",
    );
    only(
        check(&CreateRoomRequest {
            name: "直播a".into(),
            ..create()
        }),
        "name",
        "min_width(6)",
    );
    only(
        check(&CreateRoomRequest {
            name: "直".repeat(18),
            ..create()
        }),
        "name",
        "max_width(34)",
    );
    only(
        check(&CreateRoomRequest {
            name: format!("{}a", "直".repeat(17)),
            ..create()
        }),
        "name",
        "max_width(34)",
    );
    only(
        check(&CreateRoomRequest {
            name: "a".repeat(35),
            ..create()
        }),
        "name",
        "max_width(34)",
    );
    only(
        check(&EditRoomRequest {
            name: "直".repeat(18),
            ..edit()
        }),
        "name",
        "max_width(34)",
    );
}

#[test]
fn anchor_name_is_2_to_15_chinese_characters_counted_as_width_4_to_30() {
    for name in ["主播", "abcd", &"主".repeat(15), &"a".repeat(30)] {
        check(&CreateRoomRequest {
            anchor_name: name.into(),
            ..create()
        })
        .unwrap();
    }
    only(
        check(&CreateRoomRequest {
            anchor_name: "主a".into(),
            ..create()
        }),
        "anchorName",
        "min_width(4)",
    );
    only(
        check(&CreateRoomRequest {
            anchor_name: "主".repeat(16),
            ..create()
        }),
        "anchorName",
        "max_width(30)",
    );
    only(
        check(&CreateRoomRequest {
            anchor_name: "a".repeat(31),
            ..create()
        }),
        "anchorName",
        "max_width(30)",
    );
    only(
        check(&EditRoomRequest {
            anchor_name: "abc".into(),
            ..edit()
        }),
        "anchorName",
        "min_width(4)",
    );
}

#[test]
fn start_time_is_at_least_10_minutes_and_at_most_184_days_ahead() {
    // "开始时间不能在 6 个月后": 6 calendar months span at most 184 days (1 July to 1 January), so the
    // client allows that much and never refuses a start the server accepts.
    const SIX_MONTHS_AT_MOST: i64 = 184 * 86_400;
    assert_eq!(SIX_MONTHS_AT_MOST, 15_897_600);
    let at = |start: i64| CreateRoomRequest {
        start_time: start,
        end_time: start + 3600,
        ..create()
    };
    clean(check(&at(NOW + 600)));
    only(check(&at(NOW + 599)), "startTime", "min_from_now(600)");
    clean(check(&at(NOW + 180 * 86_400 + 1)));
    clean(check(&at(NOW + SIX_MONTHS_AT_MOST)));
    only(
        check(&at(NOW + SIX_MONTHS_AT_MOST + 1)),
        "startTime",
        "max_from_now(15897600)",
    );
    let edit_at = |start: i64| EditRoomRequest {
        start_time: start,
        end_time: start + 3600,
        ..edit()
    };
    only(check(&edit_at(NOW)), "startTime", "min_from_now(600)");
    clean(check(&edit_at(NOW + SIX_MONTHS_AT_MOST)));
    only(
        check(&edit_at(NOW + SIX_MONTHS_AT_MOST + 1)),
        "startTime",
        "max_from_now(15897600)",
    );
    // The time rules follow the clock: a timeless validator skips them, the system clock applies them.
    let mut timeless = Validator::timeless();
    at(0).check(&mut timeless);
    clean(timeless.finish());
    assert!(at(0)
        .validate()
        .unwrap_err()
        .has("startTime", "min_from_now(600)"));
}

#[test]
fn end_time_is_30_minutes_to_24_hours_after_start_time() {
    let lasting = |seconds: i64| CreateRoomRequest {
        end_time: NOW + 3600 + seconds,
        ..create()
    };
    check(&lasting(1800)).unwrap();
    check(&lasting(86_400)).unwrap();
    let rule = "difference(endTime - startTime in 1800..=86400)";
    only(check(&lasting(1799)), "endTime", rule);
    only(check(&lasting(86_401)), "endTime", rule);
    only(check(&lasting(-10)), "endTime", rule);
    only(
        check(&EditRoomRequest {
            end_time: NOW + 3600 + 86_401,
            ..edit()
        }),
        "endTime",
        rule,
    );
}

#[test]
fn create_room_reports_every_missing_required_field() {
    let err = CreateRoomRequest::builder().build().unwrap_err();
    for field in [
        "name",
        "coverImg",
        "anchorName",
        "anchorWechat",
        "shareImg",
        "feedsImg",
    ] {
        assert!(err.has(field, "required"), "{field}: {err}");
    }
    let err = CreateRoomRequest::builder()
        .name("测试直播间")
        .build()
        .unwrap_err();
    for field in [
        "startTime",
        "endTime",
        "type",
        "closeLike",
        "closeGoods",
        "closeComment",
    ] {
        assert!(err.has(field, "required"), "builder: {field}: {err}");
    }
}

#[test]
fn requests_may_not_send_undocumented_enum_values() {
    only(
        check(&CreateRoomRequest {
            live_type: RoomType::Unknown(2),
            ..create()
        }),
        "type",
        "enum",
    );
}

#[test]
fn room_and_replay_pages_only_advise_a_size_under_100_and_a_non_negative_offset() {
    // api_getliveinfo: 每次拉取的数量，建议100以内 is a recommendation, and the page states no minimum
    // size and no lower bound for `start`: all three are advice, never an error.
    clean(check(&GetLiveInfoRequest {
        start: 0,
        limit: 100,
    }));
    clean(check(&GetLiveInfoRequest { start: 0, limit: 1 }));
    advised(
        check(&GetLiveInfoRequest {
            start: 0,
            limit: 101,
        }),
        "limit",
        "max(100)",
    );
    advised(
        check(&GetLiveInfoRequest { start: 0, limit: 0 }),
        "limit",
        "min(1)",
    );
    advised(
        check(&GetLiveInfoRequest {
            start: -1,
            limit: 10,
        }),
        "start",
        "min(0)",
    );
    clean(check(&GetReplayRequest {
        room_id: 1,
        start: 0,
        limit: 100,
    }));
    advised(
        check(&GetReplayRequest {
            room_id: 1,
            start: 0,
            limit: 101,
        }),
        "limit",
        "max(100)",
    );
    advised(
        check(&GetReplayRequest {
            room_id: 1,
            start: -1,
            limit: 1,
        }),
        "start",
        "min(0)",
    );
    // The generated validate() (system clock, default profile) and the strict profile agree: a
    // warning in Ok, never an error.
    let big = GetLiveInfoRequest {
        start: 0,
        limit: 500,
    };
    let warnings = big.validate().expect("advice never fails");
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].rule == "max(100)" && warnings[0].level == Level::Advice);
    assert_eq!(big.validate_with(Profile::Strict), Ok(warnings));
    assert_eq!(big.validate_with(Profile::Off), Ok(vec![]));
}

#[test]
fn approved_goods_pages_are_at_most_100_and_the_rest_is_advice() {
    let approved = |offset: i32, limit: Option<i32>| GetApprovedGoodsRequest {
        offset,
        limit,
        status: AuditStatus::Approved,
    };
    clean(check(&approved(0, Some(100))));
    clean(check(&approved(0, None)));
    // api_getgoodsinfo: 分页大小，默认30，不超过100 is a limit.
    only(check(&approved(0, Some(101))), "limit", "max(100)");
    only(
        check_with(&approved(0, Some(101)), NOW, Profile::Strict),
        "limit",
        "max(100)",
    );
    advised(check(&approved(0, Some(0))), "limit", "min(1)");
    advised(check(&approved(-1, None)), "offset", "min(0)");
}

#[test]
fn role_list_limit_is_at_most_30() {
    clean(check(&GetRoleListRequest {
        limit: Some(30),
        ..Default::default()
    }));
    clean(check(&GetRoleListRequest::default()));
    only(
        check(&GetRoleListRequest {
            limit: Some(31),
            ..Default::default()
        }),
        "limit",
        "max(30)",
    );
    advised(
        check(&GetRoleListRequest {
            limit: Some(0),
            ..Default::default()
        }),
        "limit",
        "min(1)",
    );
    advised(
        check(&GetRoleListRequest {
            offset: Some(-1),
            ..Default::default()
        }),
        "offset",
        "min(0)",
    );
}

#[test]
fn roles_set_or_removed_are_1_to_3_and_the_super_admin_is_only_advised_against() {
    for role in [Role::Admin, Role::Anchor, Role::Operator] {
        clean(check(&AddRoleRequest {
            username: "u".into(),
            role,
        }));
        clean(check(&DeleteRoleRequest {
            username: "u".into(),
            role,
        }));
    }
    // 设置/删除超级管理员将无效: the server accepts 0, to no effect.
    advised(
        check(&AddRoleRequest {
            username: "u".into(),
            role: Role::SuperAdmin,
        }),
        "role",
        "min(1)",
    );
    advised(
        check(&DeleteRoleRequest {
            username: "u".into(),
            role: Role::SuperAdmin,
        }),
        "role",
        "min(1)",
    );
    let err = check(&AddRoleRequest {
        username: "u".into(),
        role: Role::Unknown(4),
    })
    .unwrap_err();
    assert!(
        err.has("role", "max(3)") && err.has("role", "enum"),
        "{err}"
    );
}

#[test]
fn assistants_and_sorted_goods_need_their_nested_fields() {
    let user = |u: Option<&str>, n: Option<&str>| AssistantUser {
        username: u.map(Into::into),
        nickname: n.map(Into::into),
    };
    check(&AddAssistantRequest {
        room_id: 1,
        users: vec![user(Some("w"), Some("n"))],
    })
    .unwrap();
    only(
        check(&AddAssistantRequest {
            room_id: 1,
            users: vec![],
        }),
        "users",
        "required",
    );
    let err = check(&AddAssistantRequest {
        room_id: 1,
        users: vec![user(Some("w"), Some("n")), user(None, Some("n"))],
    });
    only(err, "users[1].username", "required");
    only(
        check(&SortGoodsRequest {
            room_id: 1,
            goods: vec![SortGoods { goods_id: None }],
        }),
        "goods[0].goodsId",
        "required",
    );
}

// ------------------------------------------------------------------------------------------ goods

fn goods(price_type: PriceType, price2: Option<f64>) -> AddGoodsRequest {
    AddGoodsRequest {
        goods_info: GoodsInfo {
            cover_img_url: Some("MEDIA".into()),
            name: Some("蓝牙耳机".into()),
            price_type: Some(price_type),
            price: Some(Decimal(99.5)),
            price2: price2.map(Decimal),
            url: Some("pages/index/index".into()),
            third_party_appid: None,
            goods_keys: vec![],
        },
    }
}

#[test]
fn price2_is_required_for_a_range_or_discount_and_advised_against_for_a_fixed_price() {
    clean(check(&goods(PriceType::Fixed, None)));
    clean(check(&goods(PriceType::Range, Some(150.0))));
    clean(check(&goods(PriceType::Discount, Some(59.9))));
    only(
        check(&goods(PriceType::Range, None)),
        "goodsInfo.price2",
        "required_when(priceType in [2, 3])",
    );
    only(
        check(&goods(PriceType::Discount, None)),
        "goodsInfo.price2",
        "required_when(priceType in [2, 3])",
    );
    // 一口价（只需要传入price，price2不传）: a fixed price only needs price; price2 is advised against.
    advised(
        check(&goods(PriceType::Fixed, Some(1.0))),
        "goodsInfo.price2",
        "only_when(priceType in [2, 3])",
    );
}

#[test]
fn prices_have_at_most_two_decimals() {
    let with_price = |price: f64| {
        let mut r = goods(PriceType::Fixed, None);
        r.goods_info.price = Some(Decimal(price));
        r
    };
    check(&with_price(19.99)).unwrap();
    check(&with_price(20.0)).unwrap();
    only(
        check(&with_price(19.999)),
        "goodsInfo.price",
        "max_decimals(2)",
    );
    only(
        check(&goods(PriceType::Range, Some(150.001))),
        "goodsInfo.price2",
        "max_decimals(2)",
    );
}

#[test]
fn goods_name_is_at_most_14_chinese_characters() {
    let named = |name: &str| {
        let mut r = goods(PriceType::Fixed, None);
        r.goods_info.name = Some(name.into());
        r
    };
    check(&named(&"商".repeat(14))).unwrap();
    check(&named(&"a".repeat(28))).unwrap();
    only(
        check(&named(&"商".repeat(15))),
        "goodsInfo.name",
        "max_width(28)",
    );
    only(
        check(&named(&format!("{}a", "商".repeat(14)))),
        "goodsInfo.name",
        "max_width(28)",
    );
}

#[test]
fn add_goods_needs_every_required_goods_field() {
    let err = check(&AddGoodsRequest {
        goods_info: GoodsInfo::default(),
    })
    .unwrap_err();
    for field in ["coverImgUrl", "name", "priceType", "price", "url"] {
        assert!(
            err.has(&format!("goodsInfo.{field}"), "required"),
            "{field}: {err}"
        );
    }
}

#[test]
fn update_goods_needs_the_id_and_price2_only_with_a_range_or_discount() {
    let update = |info: GoodsUpdateInfo| UpdateGoodsRequest { goods_info: info };
    check(&update(GoodsUpdateInfo {
        goods_id: Some(9),
        price2: Some(Decimal(5.0)),
        ..Default::default()
    }))
    .unwrap();
    check(&update(GoodsUpdateInfo {
        goods_id: Some(9),
        price_type: Some(PriceType::Fixed),
        ..Default::default()
    }))
    .unwrap();
    only(
        check(&update(GoodsUpdateInfo::default())),
        "goodsInfo.goodsId",
        "required",
    );
    only(
        check(&update(GoodsUpdateInfo {
            goods_id: Some(9),
            price_type: Some(PriceType::Range),
            ..Default::default()
        })),
        "goodsInfo.price2",
        "required_when(priceType in [2, 3])",
    );
    only(
        check(&update(GoodsUpdateInfo {
            goods_id: Some(9),
            name: Some("商".repeat(15)),
            ..Default::default()
        })),
        "goodsInfo.name",
        "max_width(28)",
    );
}

#[test]
fn goods_warehouse_takes_at_most_20_ids() {
    check(&GetGoodsWarehouseRequest {
        goods_ids: (1..=20).collect(),
    })
    .unwrap();
    only(
        check(&GetGoodsWarehouseRequest {
            goods_ids: (1..=21).collect(),
        }),
        "goods_ids",
        "max_items(20)",
    );
    only(
        check(&GetGoodsWarehouseRequest { goods_ids: vec![] }),
        "goods_ids",
        "required",
    );
}

// ------------------------------------------------------------------------------------------ subscriptions

#[test]
fn followers_limit_is_1_to_2000() {
    check(&GetFollowersRequest {
        limit: Some(2000),
        page_break: None,
    })
    .unwrap();
    check(&GetFollowersRequest {
        limit: Some(1),
        page_break: Some(3),
    })
    .unwrap();
    only(
        check(&GetFollowersRequest {
            limit: Some(2001),
            page_break: None,
        }),
        "limit",
        "max(2000)",
    );
    advised(
        check(&GetFollowersRequest {
            limit: Some(0),
            page_break: None,
        }),
        "limit",
        "min(1)",
    );
}

#[test]
fn push_message_takes_1_to_2000_openids() {
    check(&PushMessageRequest {
        room_id: 1,
        user_openid: vec!["o".into(); 2000],
    })
    .unwrap();
    only(
        check(&PushMessageRequest {
            room_id: 1,
            user_openid: vec!["o".into(); 2001],
        }),
        "user_openid",
        "max_items(2000)",
    );
    only(
        check(&PushMessageRequest {
            room_id: 1,
            user_openid: vec![],
        }),
        "user_openid",
        "required",
    );
}

#[test]
fn violations_cite_their_source() {
    let err = check(&CreateRoomRequest {
        name: "直".into(),
        ..create()
    })
    .unwrap_err();
    assert_eq!(
        err.violations[0].source,
        Some("server/API/livebroadcast/studio-management/api_createroom: 直播间名字，最短3个汉字，最长17个汉字，1个汉字相当于2个字符")
    );
    let err = check(&EditRoomRequest {
        name: "直".into(),
        ..edit()
    })
    .unwrap_err();
    assert_eq!(
        err.violations[0].source,
        Some("server/API/livebroadcast/studio-management/api_editroom: 直播间名字，最短3个汉字，最长17个汉字，1个汉字相当于2个字符"),
        "edit cites its own page"
    );
}

#[test]
fn the_global_goods_key_is_a_non_empty_string_array() {
    clean(check(&SetGoodsKeyRequest {
        goods_keys: vec!["productId".into(), "sid".into()],
    }));
    only(
        check(&SetGoodsKeyRequest { goods_keys: vec![] }),
        "goodsKey",
        "required",
    );
    clean(check(&GetGoodsKeyRequest {}));
    // A goods item's own key is optional.
    let mut with_key = goods(PriceType::Fixed, None);
    with_key.goods_info.goods_keys = vec!["productId".into()];
    clean(check(&with_key));
}

// ------------------------------------------------------------------------------------------ events

fn event(xml: &str) -> Event {
    Event::from_xml(&XmlDoc::parse(xml).expect("well-formed"))
}

#[test]
fn the_follow_event_decodes_its_nested_fields() {
    let xml = "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oABC123]]></FromUserName>\
        <CreateTime>1600000000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[wxalive_follow_notify]]></Event>\
        <FollowNotify><room_id>7</room_id><user_openid><![CDATA[oABC123]]></user_openid><time>1600000001</time>\
        <live_status>101</live_status><action><![CDATA[del_follow]]></action></FollowNotify></xml>";
    let Event::WxaliveFollowNotify(e) = event(xml) else {
        panic!("not a follow event")
    };
    assert_eq!(e.to_user_name.as_deref(), Some("gh_0123456789ab"));
    assert_eq!(e.create_time, Some(1_600_000_000));
    let f = e.follow_notify.expect("<FollowNotify>");
    assert_eq!(f.room_id, Some(7));
    assert_eq!(f.user_openid.as_deref(), Some("oABC123"));
    assert_eq!(f.time, Some(1_600_000_001));
    assert_eq!(f.live_status, Some(LiveStatus::Living));
    assert_eq!(f.action, Some(FollowAction::DelFollow));
}

#[test]
fn the_follow_event_survives_the_official_samples_broken_cdata_and_a_flat_layout() {
    // The official sample writes `![CDATA[xxx]]` without the `<`: well-formed text, kept as it is.
    let broken = "<xml><Event><![CDATA[wxalive_follow_notify]]></Event><FollowNotify><room_id>1</room_id>\
        <user_openid>![CDATA[xxx]]</user_openid><action>![CDATA[add_follow]]</action></FollowNotify></xml>";
    let Event::WxaliveFollowNotify(e) = event(broken) else {
        panic!("not a follow event")
    };
    let f = e.follow_notify.unwrap();
    assert_eq!(f.user_openid.as_deref(), Some("![CDATA[xxx]]"));
    assert_eq!(
        f.action,
        Some(FollowAction::Unknown("![CDATA[add_follow]]".into()))
    );
    let flat = "<xml><Event>wxalive_follow_notify</Event><room_id>1</room_id></xml>";
    let Event::WxaliveFollowNotify(e) = event(flat) else {
        panic!("not a follow event")
    };
    assert_eq!(e.follow_notify, None);
}

#[test]
fn the_push_result_event_decodes_every_count() {
    let xml = "<xml><ToUserName><![CDATA[gh_0123456789ab]]></ToUserName><FromUserName><![CDATA[oABC123]]></FromUserName>\
        <CreateTime>1600000000</CreateTime><MsgType><![CDATA[event]]></MsgType>\
        <Event><![CDATA[wxalive_push_message_notify]]></Event><PushMessageApiNotify>\
        <message_id><![CDATA[123456]]></message_id><room_id>1</room_id><total_count>6</total_count>\
        <success_count>2</success_count><openid_error_count>1</openid_error_count>\
        <relation_error_count>1</relation_error_count><user_recv_limit_count>1</user_recv_limit_count>\
        <internal_error_count>1</internal_error_count></PushMessageApiNotify></xml>";
    let Event::WxalivePushMessageNotify(e) = event(xml) else {
        panic!("not a push result")
    };
    assert_eq!(e.msg_type.as_deref(), Some("event"));
    let n = e.push_message_api_notify.expect("<PushMessageApiNotify>");
    assert_eq!(n.message_id.as_deref(), Some("123456"));
    assert_eq!(n.room_id, Some(1));
    let counts = [
        n.total_count,
        n.success_count,
        n.openid_error_count,
        n.relation_error_count,
        n.user_recv_limit_count,
        n.internal_error_count,
    ];
    assert_eq!(
        counts,
        [Some(6), Some(2), Some(1), Some(1), Some(1), Some(1)]
    );
}

#[test]
fn an_unknown_event_falls_back_to_unknown() {
    let xml = "<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[wxalive_something_new]]></Event><X>1</X></xml>";
    match event(xml) {
        Event::Unknown { event, raw_xml } => {
            assert_eq!(event.as_deref(), Some("wxalive_something_new"));
            assert_eq!(raw_xml, xml);
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        event("<xml><MsgType>text</MsgType></xml>"),
        Event::Unknown { event: None, .. }
    ));
}

#[test]
fn the_spec_examples_decode_as_their_events() {
    let spec = wxlive_codegen::load(&root().join("spec"), "spec").unwrap();
    let domain = spec
        .products
        .iter()
        .flat_map(|p| &p.domains)
        .find(|d| d.name == "broadcast")
        .unwrap();
    let mut paths: Vec<&str> = domain.endpoints.iter().map(|e| e.path.as_str()).collect();
    paths.sort_unstable();
    paths.dedup();
    assert_eq!(
        paths.len() + 1,
        domain.endpoints.len(),
        "one path is shared: getliveinfo's list and replay, told apart by a constant"
    );
    // Every operation cites its own page, never a chapter's index.
    for e in &domain.endpoints {
        let page = e.doc.rsplit('/').next().unwrap_or_default();
        assert!(page.starts_with("api_"), "{}: {}", e.name, e.doc);
    }
    for cb in &domain.callbacks {
        let decoded = event(&cb.example);
        assert!(
            !matches!(decoded, Event::Unknown { .. }),
            "{}: {decoded:?}",
            cb.event
        );
    }
}

#[test]
fn every_rule_has_a_source_and_none_is_a_product_rule() {
    use wxlive_codegen::ir::Level as SpecLevel;
    let spec = wxlive_codegen::load(&root().join("spec"), "spec").unwrap();
    let domain = spec
        .products
        .iter()
        .flat_map(|p| &p.domains)
        .find(|d| d.name == "broadcast")
        .unwrap();
    let mut advice = Vec::new();
    let fields = domain
        .endpoints
        .iter()
        .flat_map(|e| e.request.iter().map(move |f| (e.name.as_str(), f)))
        .chain(
            domain
                .types
                .iter()
                .flat_map(|t| t.fields.iter().map(move |f| (t.name.as_str(), f))),
        );
    for (owner, f) in fields {
        for c in &f.constraints {
            let source = c.source.as_deref().unwrap_or_default();
            assert!(
                source.starts_with("server/API/livebroadcast/"),
                "{owner}.{}: {} cites `{source}`",
                f.wire,
                c.check
            );
            assert_ne!(c.level, SpecLevel::Product, "{owner}.{}", f.wire);
            if c.level == SpecLevel::Advice {
                advice.push(format!("{owner}.{}: {}", f.wire, c.check));
            }
        }
    }
    let rules = domain
        .endpoints
        .iter()
        .flat_map(|e| e.rules.iter())
        .chain(domain.types.iter().flat_map(|t| t.rules.iter()));
    for r in rules {
        let source = r.source.as_deref().unwrap_or_default();
        assert!(source.starts_with("server/API/livebroadcast/"), "{r:?}");
        assert_ne!(r.level, SpecLevel::Product, "{r:?}");
        if r.level == SpecLevel::Advice {
            advice.push(format!("{r:?}"));
        }
    }
    // The page sizes and offsets nobody documents a bound for, getliveinfo's 建议100以内, the super
    // admin role that has no effect, and price2 with a fixed price.
    assert_eq!(advice.len(), 14, "{advice:#?}");
}

// ------------------------------------------------------------------------------------------ linter

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// The problems of the real spec with `from` replaced by `to` in the broadcast domain.
fn problems_after(name: &str, edits: &[(&str, &str)]) -> Vec<String> {
    let dir = std::env::temp_dir().join(format!("wxlive-wxa-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    copy_dir(&root().join("spec"), &dir);
    let file = dir.join("wxa/broadcast.yaml");
    let mut text = fs::read_to_string(&file).unwrap();
    for (from, to) in edits {
        assert!(text.contains(from), "`{from}` is not in the spec");
        text = text.replacen(from, to, 1);
    }
    fs::write(&file, text).unwrap();
    let result = wxlive_codegen::load(&dir, "spec");
    let _ = fs::remove_dir_all(&dir);
    match result {
        Ok(_) => panic!("the broken spec loaded"),
        Err(errors) => errors.0.iter().map(ToString::to_string).collect(),
    }
}

fn reports(problems: &[String], path: &str, needles: &[&str]) {
    let prefix = format!("spec/wxa/broadcast.yaml: {path}");
    let hit = problems
        .iter()
        .find(|p| p.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no problem at {path}: {problems:#?}"));
    for n in needles {
        assert!(hit.contains(n), "`{hit}` does not mention `{n}`");
    }
}

#[test]
fn examples_are_checked_against_the_new_rules() {
    let p = problems_after(
        "examples",
        &[
            ("        name: 测试直播间\n", "        name: 直\n"),
            (
                "        endTime: 1700003600\n",
                "        endTime: 1700000060\n",
            ),
            (
                "priceType: 2, price: 99.5, price2: 150.5,",
                "priceType: 2, price: 99.555,",
            ),
            (
                "request: {action: get_replay, room_id: 1,",
                "request: {action: get_live, room_id: 1,",
            ),
        ],
    );
    reports(
        &p,
        "endpoints.create_room.examples.request.name",
        &["min_width(6)", "width 2"],
    );
    reports(
        &p,
        "endpoints.create_room.examples.request.endTime",
        &["difference(endTime - startTime in 1800..=86400)"],
    );
    reports(
        &p,
        "endpoints.add_goods.examples.request.goodsInfo.price2",
        &["required_when(priceType in [2, 3])"],
    );
    reports(
        &p,
        "endpoints.add_goods.examples.request.goodsInfo.price",
        &["max_decimals(2)"],
    );
    reports(
        &p,
        "endpoints.get_replay.examples.request.action",
        &["constant \"get_replay\""],
    );
}

#[test]
fn new_constraints_on_the_wrong_type_are_rejected() {
    let p = problems_after(
        "wrong-types",
        &[
            ("      roomId: {type: i64, rust: room_id, required: true, doc: Room id.}\n    examples:\n      request: {roomId: 1}\n      response: {errcode: 0, errmsg: ok}\n\n  get_sub_anchor:",
             "      roomId: {type: i64, rust: room_id, required: true, doc: Room id., max_width: 3}\n    examples:\n      request: {roomId: 1}\n      response: {errcode: 0, errmsg: ok}\n\n  get_sub_anchor:"),
            ("      page_break: {type: i64, doc: \"Leave it out", "      page_break: {type: i32, min_from_now: 5, doc: \"Leave it out"),
            ("      url: {type: string, required: true, doc: Link to the explanation video.}", "      url: {type: string, required: true, max_decimals: 2, doc: Link to the explanation video.}"),
        ],
    );
    reports(
        &p,
        "endpoints.delete_sub_anchor.body.roomId.max_width",
        &["applies to string fields", "`i64`"],
    );
    reports(
        &p,
        "endpoints.get_followers.body.page_break.min_from_now",
        &["applies to i64 timestamp fields"],
    );
    reports(
        &p,
        "endpoints.get_goods_video.response.url.max_decimals",
        &["applies to decimal fields"],
    );
}

#[test]
fn broken_cross_field_rules_are_rejected_with_the_expected_form() {
    let p = problems_after(
        "rules",
        &[
            ("difference: {field: endTime, minus: startTime, min: 1800, max: 86400}", "difference: {field: endTime, minus: name, min: 1800, max: 86400}"),
            ("      - required_when: {field: priceType, in: [2, 3]}\n        fields: [price2]\n        source: \"server/API/livebroadcast/commodity-management/api_addgoods: 2：价格区间 / 3：显示折扣价 … price和price2必传\"\n      - only_when",
             "      - required_when: {field: priceType, in: [2, 4]}\n        fields: [price3]\n        source: server/API/livebroadcast/commodity-management/api_addgoods\n      - only_when"),
        ],
    );
    reports(
        &p,
        "endpoints.create_room.rules[0].difference.minus",
        &["`name` is `string`", "expected an integer field"],
    );
    reports(
        &p,
        "types.GoodsInfo.rules[0].required_when.in[1]",
        &["4 is not a value of `priceType`, which is `PriceType`; expected one of its documented values (1, 2, 3)"],
    );
    reports(
        &p,
        "types.GoodsInfo.rules[0].fields[0]",
        &["no field `price3`", "did you mean"],
    );
}

#[test]
fn constants_must_match_their_type_and_carry_no_rules() {
    let p = problems_after(
        "constants",
        &[(
            "      action: {type: string, const: get_replay,",
            "      action: {type: i32, required: true, const: get_replay,",
        )],
    );
    reports(
        &p,
        "endpoints.get_replay.body.action",
        &["always sent with its value"],
    );
    reports(
        &p,
        "endpoints.get_replay.body.action.const",
        &["is not a `i32`"],
    );
}

#[test]
fn callback_elements_may_nest_types_but_not_lists() {
    let p = problems_after(
        "callback-list",
        &[(
            "      FollowNotify: {type: FollowNotify, doc:",
            "      FollowNotify: {type: \"FollowNotify[]\", doc:",
        )],
    );
    reports(
        &p,
        "callbacks.wxalive_follow_notify.fields.FollowNotify.type",
        &["lists are not supported"],
    );
    let p = problems_after(
        "callback-undeclared",
        &[(
            "          <time>1600000000</time>\n",
            "          <when>1600000000</when>\n",
        )],
    );
    reports(
        &p,
        "callbacks.wxalive_follow_notify.example",
        &["<FollowNotify/when> is not a declared field", "time"],
    );
}

#[test]
fn path_like_doc_ids_must_stay_below_doc_base() {
    let p = problems_after(
        "doc-id",
        &[(
            "doc: server/API/livebroadcast/role-management/api_getrolelistdw\n",
            "doc: ../role-management/api_getrolelistdw\n",
        )],
    );
    reports(
        &p,
        "endpoints.add_role.doc",
        &["not an official doc id", "relative page path"],
    );
}

#[test]
fn offset_paging_needs_an_integer_offset_a_total_and_items() {
    let p = problems_after(
        "offset-paging",
        &[(
            "pagination: {request: start, response: total, end: offset, items: room_info}",
            "pagination: {request: limit, response: room_info, end: offset}",
        )],
    );
    reports(
        &p,
        "endpoints.get_live_info.pagination.response",
        &["integer total"],
    );
    reports(
        &p,
        "endpoints.get_live_info.pagination.items",
        &["`end: offset` needs `items`"],
    );
    let p = problems_after(
        "offset-paging-string",
        &[(
            "pagination: {request: offset, response: total, end: offset, items: list}",
            "pagination: {request: keyword, response: total, end: offset, items: list}",
        )],
    );
    reports(
        &p,
        "endpoints.get_role_list.pagination.request",
        &["integer offset"],
    );
}
