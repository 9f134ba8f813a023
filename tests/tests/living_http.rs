//! Every living endpoint over real loopback HTTP: what goes on the wire, and what comes back typed.

use futures::TryStreamExt;
use serde_json::{json, Value};
use wxlive::wecom::living::*;
use wxlive::wecom::WecomClient;
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

fn in_an_hour() -> i64 {
    wxlive_tests::unix_in(3600)
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

#[tokio::test]
async fn create_sends_only_set_fields_and_returns_the_livingid() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/living/create",
        json!({"errcode": 0, "errmsg": "ok", "livingid": "LIVING-1"}),
    );
    let start = in_an_hour();
    let request = CreateRequest::builder()
        .anchor_userid("zhangsan")
        .theme("季度复盘")
        .living_start(start)
        .living_duration(3600)
        .r#type(LivingType::Activity)
        .activity_detail(ActivityDetail {
            description: Some("活动".into()),
            image_list: vec!["M1".into()],
        })
        .build()
        .expect("valid");
    let response = client.living().send(&request).await.expect("create");
    assert_eq!(response.livingid.as_str(), "LIVING-1");
    let call = only_call(&server);
    assert_eq!(
        (call.method.as_str(), call.path.as_str()),
        ("POST", "/cgi-bin/living/create")
    );
    assert_eq!(
        call.body,
        Some(json!({
            "anchor_userid": "zhangsan",
            "theme": "季度复盘",
            "living_start": start,
            "living_duration": 3600,
            "type": 4,
            "activity_detail": {"description": "活动", "image_list": ["M1"]}
        })),
        "unset optional fields (agentid, remind_time, description...) must not be sent"
    );
}

#[tokio::test]
async fn modify_sends_livingid_and_changes() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/living/modify",
        json!({"errcode": 0, "errmsg": "ok"}),
    );
    let request = ModifyRequest::builder()
        .livingid("L1")
        .theme("新标题")
        .remind_time(60)
        .build()
        .unwrap();
    client.living().send(&request).await.expect("modify");
    let call = only_call(&server);
    assert_eq!(
        (call.method.as_str(), call.path.as_str()),
        ("POST", "/cgi-bin/living/modify")
    );
    assert_eq!(
        call.body,
        Some(json!({"livingid": "L1", "theme": "新标题", "remind_time": 60}))
    );
}

#[tokio::test]
async fn cancel_and_delete_replay_data_send_the_livingid() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/living/cancel",
        json!({"errcode": 0, "errmsg": "ok"}),
    );
    server.answer(
        "/cgi-bin/living/delete_replay_data",
        json!({"errcode": 0, "errmsg": "ok"}),
    );
    client
        .living()
        .send(&CancelRequest {
            livingid: "L1".into(),
        })
        .await
        .expect("cancel");
    client
        .living()
        .send(&DeleteReplayDataRequest {
            livingid: "L2".into(),
        })
        .await
        .expect("delete");
    let calls = server.calls();
    assert_eq!(calls[0].path, "/cgi-bin/living/cancel");
    assert_eq!(calls[0].body, Some(json!({"livingid": "L1"})));
    assert_eq!(calls[1].path, "/cgi-bin/living/delete_replay_data");
    assert_eq!(calls[1].body, Some(json!({"livingid": "L2"})));
    assert!(calls.iter().all(|c| c.method == "POST"));
}

#[tokio::test]
async fn get_living_code_sends_livingid_and_openid() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/living/get_living_code",
        json!({"errcode": 0, "errmsg": "ok", "living_code": "abcdef"}),
    );
    let request = GetLivingCodeRequest {
        livingid: "L1".into(),
        openid: "abcopenid".into(),
    };
    let response = client.living().send(&request).await.unwrap();
    assert_eq!(response.living_code.as_str(), "abcdef");
    let call = only_call(&server);
    assert_eq!(call.path, "/cgi-bin/living/get_living_code");
    assert_eq!(
        call.body,
        Some(json!({"livingid": "L1", "openid": "abcopenid"}))
    );
}

#[tokio::test]
async fn get_living_info_is_a_get_with_the_livingid_in_the_query() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/living/get_living_info",
        json!({"errcode": 0, "errmsg": "ok", "living_info": {
            "theme": "直角三角形讲解", "status ": 3, "open_replay": 1, "replay_status": 2, "type": 9,
            "living_start": 1586405229, "brand_new_field": {"x": 1}
        }}),
    );
    let request = GetLivingInfoRequest {
        livingid: "id with spaces&=?".into(),
    };
    let response = client.living().send(&request).await.unwrap();
    let info = response.living_info;
    assert_eq!(
        info.status,
        LivingStatus::Expired,
        "the official sample's `status ` typo is accepted"
    );
    assert!(info.open_replay);
    assert_eq!(info.replay_status, Some(ReplayStatus::Deleted));
    assert_eq!(
        info.r#type,
        LivingType::Unknown(9),
        "an undocumented value is kept, not rejected"
    );
    assert_eq!(info.push_stream_url, None);
    let call = only_call(&server);
    assert_eq!(
        (call.method.as_str(), call.path.as_str()),
        ("GET", "/cgi-bin/living/get_living_info")
    );
    assert_eq!(
        call.query.get("livingid").map(String::as_str),
        Some("id with spaces&=?"),
        "URL-encoded"
    );
    assert_eq!(call.body, None);
}

#[tokio::test]
async fn get_living_info_carries_push_stream_url_only_for_an_activity_live_not_yet_started() {
    // 93635: push_stream_url is returned only when type is 4 (活动直播) and the live has not started.
    let (server, client) = setup().await;
    let path = "/cgi-bin/living/get_living_info";
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "living_info": {
            "theme": "新品发布", "status": 0, "type": 4, "reserve_start": 1586405239,
            "push_stream_url": "rtmp://push.example.test/live/abc"
        }}),
    );
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "living_info": {
            "theme": "新品发布", "status": 2, "type": 4, "open_replay": 0
        }}),
    );
    let request = GetLivingInfoRequest {
        livingid: "L4".into(),
    };
    let booked = client.living().send(&request).await.unwrap().living_info;
    assert_eq!(booked.r#type, LivingType::Activity);
    assert_eq!(booked.status, LivingStatus::Booked);
    assert_eq!(
        booked.push_stream_url.as_deref(),
        Some("rtmp://push.example.test/live/abc")
    );
    let ended = client.living().send(&request).await.unwrap().living_info;
    assert_eq!(ended.status, LivingStatus::Ended);
    assert_eq!(
        ended.push_stream_url, None,
        "not returned once the live is over"
    );
    let calls = server.calls();
    assert_eq!(calls.len(), 2);
    assert!(calls.iter().all(|c| c.method == "GET" && c.body.is_none()));
}

#[tokio::test]
async fn get_living_share_info_resolves_a_share_code() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/living/get_living_share_info",
        json!({"errcode": 0, "errmsg": "ok", "livingid": "L1", "viewer_external_userid": "wm1", "invitor_userid": "lisi"}),
    );
    let response = client
        .living()
        .send(&GetLivingShareInfoRequest {
            ww_share_code: "CODE".into(),
        })
        .await
        .unwrap();
    assert_eq!(response.livingid.as_str(), "L1");
    assert_eq!(response.viewer_userid, None);
    assert_eq!(response.viewer_external_userid.as_deref(), Some("wm1"));
    assert_eq!(response.invitor_userid.as_deref(), Some("lisi"));
    let call = only_call(&server);
    assert_eq!(call.path, "/cgi-bin/living/get_living_share_info");
    assert_eq!(call.body, Some(json!({"ww_share_code": "CODE"})));
}

#[tokio::test]
async fn get_user_all_livingid_streams_every_page_until_the_cursor_is_empty() {
    let (server, client) = setup().await;
    let path = "/cgi-bin/living/get_user_all_livingid";
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "next_cursor": "C2", "livingid_list": ["a", "b"]}),
    );
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "next_cursor": "C3", "livingid_list": []}),
    );
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "next_cursor": "", "livingid_list": ["c"]}),
    );
    let first = GetUserAllLivingidRequest::builder()
        .userid("zhangsan")
        .limit(20)
        .build()
        .unwrap();
    let ids: Vec<String> = client.living().items(first).try_collect().await.unwrap();
    assert_eq!(ids, ["a", "b", "c"]);
    let bodies: Vec<Value> = server.calls().into_iter().filter_map(|c| c.body).collect();
    assert_eq!(
        bodies,
        [
            json!({"userid": "zhangsan", "limit": 20}),
            json!({"userid": "zhangsan", "limit": 20, "cursor": "C2"}),
            json!({"userid": "zhangsan", "limit": 20, "cursor": "C3"}),
        ]
    );
}

#[tokio::test]
async fn get_watch_stat_pages_until_ending_is_1_and_never_before() {
    let (server, client) = setup().await;
    let path = "/cgi-bin/living/get_watch_stat";
    // An empty page with ending 0 is not the end; only ending == 1 is.
    server.answer(path, json!({"errcode": 0, "errmsg": "ok", "ending": 0, "next_key": "K1", "stat_info": {"users": [], "external_users": []}}));
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "ending": 1, "next_key": "K2", "stat_info": {
            "users": [{"userid": "u1", "watch_time": 30, "is_comment": 1, "is_mic": 0, "invitor_userid": "lisi"}],
            "external_users": [{"external_userid": "wm1", "type": 2, "name": "n", "watch_time": 5, "is_comment": 0, "is_mic": 1}]
        }}),
    );
    let first = GetWatchStatRequest {
        livingid: "L1".into(),
        next_key: None,
    };
    let pages: Vec<GetWatchStatResponse> =
        client.living().pages(first).try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
    let stat = &pages[1].stat_info;
    assert_eq!(stat.users[0].invitor_userid.as_deref(), Some("lisi"));
    assert!(stat.users[0].is_comment);
    assert_eq!(stat.external_users[0].r#type, ExternalUserType::Wecom);
    let bodies: Vec<Value> = server.calls().into_iter().filter_map(|c| c.body).collect();
    assert_eq!(
        bodies,
        [
            json!({"livingid": "L1"}),
            json!({"livingid": "L1", "next_key": "K1"})
        ]
    );
}

#[tokio::test]
async fn a_repeated_cursor_without_an_end_signal_stops_with_an_error() {
    let (server, client) = setup().await;
    let path = "/cgi-bin/living/get_watch_stat";
    for _ in 0..3 {
        server.answer(
            path,
            json!({"errcode": 0, "errmsg": "ok", "ending": 0, "next_key": "SAME"}),
        );
    }
    let first = GetWatchStatRequest {
        livingid: "L1".into(),
        next_key: Some("SAME".into()),
    };
    let result: Result<Vec<_>, _> = client.living().pages(first).try_collect().await;
    let err = result.unwrap_err();
    assert!(err.to_string().contains("pagination stalled"), "{err}");
    assert_eq!(server.calls().len(), 1);
}

#[tokio::test]
async fn an_errcode_becomes_a_typed_error_with_name_meaning_and_request_id() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/living/cancel",
        json!({"errcode": 40058, "errmsg": "invalid parameter, hint: [1600000000_12_abc], from ip: 1.2.3.4"}),
    );
    let err = client
        .living()
        .send(&CancelRequest {
            livingid: "L1".into(),
        })
        .await
        .unwrap_err();
    let api = err.as_api().expect("an API error");
    assert_eq!(api.errcode, 40058);
    assert_eq!(api.name(), "invalid_parameter");
    assert_eq!(api.meaning(), Some("Invalid parameter"));
    assert_eq!(api.request_id(), Some("1600000000_12_abc"));
    assert!(!err.is_retryable());
    let text = err.to_string();
    assert!(
        text.contains("living.cancel") && text.contains("40058") && text.contains("不合法的参数"),
        "{text}"
    );
}

/// A create that breaks official rules (anchor, theme), product rules (start, duration) and advice
/// (an activity field on a non-activity live).
fn create_breaking_every_level() -> CreateRequest {
    CreateRequest {
        anchor_userid: String::new(),
        theme: "标".repeat(21),
        living_start: 1,
        living_duration: 10,
        activity_cover_mediaid: Some("M".into()),
        r#type: None,
        description: None,
        agentid: None,
        remind_time: None,
        activity_share_mediaid: None,
        activity_detail: None,
    }
}

#[tokio::test]
async fn an_invalid_request_is_rejected_before_sending_with_every_official_violation() {
    let (server, client) = setup().await;
    let err = client
        .living()
        .send(&create_breaking_every_level())
        .await
        .unwrap_err();
    let violations = err.as_validation().expect("validation error");
    assert!(violations.has("anchor_userid", "required"), "{violations}");
    assert!(violations.has("theme", "max_chars(20)"), "{violations}");
    assert_eq!(
        violations.violations.len(),
        2,
        "product rules and advice are not errors by default: {violations}"
    );
    assert_eq!(violations.warnings.len(), 1, "{violations:?}");
    assert!(server.calls().is_empty(), "nothing may be sent");
    assert_eq!(server.tokens_issued(), 0, "not even a token request");
}

#[tokio::test]
async fn the_strict_profile_rejects_product_rules_too() {
    let server = Recorder::start().await;
    let client = WecomClient::builder()
        .credentials("ww-corp", "corp-secret")
        .base_url(&server.base_url)
        .validation(wxlive::runtime::Profile::Strict)
        .build()
        .unwrap();
    let err = client
        .living()
        .send(&create_breaking_every_level())
        .await
        .unwrap_err();
    let violations = err.as_validation().expect("validation error");
    for (field, rule) in [
        ("anchor_userid", "required"),
        ("theme", "max_chars(20)"),
        ("living_start", "future"),
        ("living_duration", "min(60)"),
    ] {
        assert!(
            violations.has(field, rule),
            "missing {field} {rule}: {violations}"
        );
    }
    assert_eq!(violations.violations.len(), 4, "advice is never an error");
    assert!(server.calls().is_empty());
}

#[tokio::test]
async fn a_request_breaking_only_product_rules_and_advice_is_sent_with_a_warning() {
    let captured = wxlive_tests::Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/living/create",
        json!({"errcode": 0, "errmsg": "ok", "livingid": "L1"}),
    );
    let request = CreateRequest {
        anchor_userid: "zhangsan".into(),
        theme: "周会".into(),
        living_start: 1,
        living_duration: 10,
        activity_cover_mediaid: Some("M".into()),
        r#type: None,
        description: None,
        agentid: None,
        remind_time: None,
        activity_share_mediaid: None,
        activity_detail: None,
    };
    let created = client.living().send(&request).await.unwrap();
    assert_eq!(created.livingid.as_str(), "L1");
    assert_eq!(only_call(&server).body.unwrap()["living_duration"], 10);
    let logs = captured.text();
    assert!(
        logs.contains("WARN") && logs.contains("does not follow advice"),
        "{logs}"
    );
    assert!(logs.contains("activity_cover_mediaid"), "{logs}");
}

#[tokio::test]
async fn validation_can_be_turned_off() {
    let server = Recorder::start().await;
    let client = WecomClient::builder()
        .credentials("ww-corp", "corp-secret")
        .base_url(&server.base_url)
        .validate_requests(false)
        .build()
        .unwrap();
    server.answer(
        "/cgi-bin/living/create",
        json!({"errcode": 40058, "errmsg": "invalid parameter"}),
    );
    let request = CreateRequest {
        living_duration: 1,
        anchor_userid: String::new(),
        theme: String::new(),
        living_start: 0,
        r#type: None,
        description: None,
        agentid: None,
        remind_time: None,
        activity_cover_mediaid: None,
        activity_share_mediaid: None,
        activity_detail: None,
    };
    let err = client.living().send(&request).await.unwrap_err();
    assert_eq!(
        err.errcode(),
        Some(40058),
        "the server, not the client, rejected it"
    );
}

#[tokio::test]
async fn a_token_errcode_refreshes_the_token_and_retries_once() {
    let (server, client) = setup().await;
    let path = "/cgi-bin/living/get_living_code";
    server.answer(
        path,
        json!({"errcode": 42001, "errmsg": "access_token expired"}),
    );
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "living_code": "x"}),
    );
    let request = GetLivingCodeRequest {
        livingid: "L".into(),
        openid: "o".into(),
    };
    client
        .living()
        .send(&request)
        .await
        .expect("retried with a new token");
    let tokens: Vec<String> = server
        .calls()
        .iter()
        .map(|c| c.query["access_token"].clone())
        .collect();
    assert_eq!(tokens, ["TOKEN-1", "TOKEN-2"]);
    // A second token error in a row is not retried again.
    server.answer(
        path,
        json!({"errcode": 40014, "errmsg": "invalid access_token"}),
    );
    server.answer(
        path,
        json!({"errcode": 40014, "errmsg": "invalid access_token"}),
    );
    let err = client.living().send(&request).await.unwrap_err();
    assert_eq!(err.errcode(), Some(40014));
    assert_eq!(server.calls().len(), 4);
}

#[tokio::test]
async fn a_bad_secret_surfaces_as_a_token_error() {
    let (server, client) = setup().await;
    server.answer(
        "/cgi-bin/gettoken",
        json!({"errcode": 40001, "errmsg": "invalid credential"}),
    );
    let err = client
        .living()
        .send(&CancelRequest {
            livingid: "L".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, wxlive::Error::Token(_)), "{err:?}");
    assert_eq!(err.errcode(), Some(40001));
    assert!(!format!("{err} {err:?}").contains("corp-secret"));
    assert!(server.calls().is_empty());
}
