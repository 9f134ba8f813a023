//! Every mini-program live-broadcast endpoint over real loopback HTTP: method, path and the exact wire
//! names of what goes out, and the typed decoding of what comes back (the spec's sample responses).

use serde_json::{json, Value};
use wxlive::runtime::wire::Decimal;
use wxlive::wxa::broadcast::*;
use wxlive::wxa::WxaClient;
use wxlive_tests::{Recorded, Recorder};

async fn setup() -> (Recorder, WxaClient) {
    let server = Recorder::start().await;
    let client = WxaClient::builder()
        .credentials("wx-appid", "app-secret")
        .base_url(&server.base_url)
        .build()
        .expect("client");
    (server, client)
}

fn now() -> i64 {
    wxlive_tests::unix_in(0)
}

/// The one business call the server saw, made with the first token.
fn only_call(server: &Recorder) -> Recorded {
    let calls = server.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = calls.into_iter().next().unwrap();
    assert_eq!(
        call.query.get("access_token").map(String::as_str),
        Some("TOKEN-1")
    );
    call
}

/// A POST with exactly `body` as JSON and no query parameter besides the token.
fn assert_post(call: &Recorded, path: &str, body: Value) {
    assert_eq!((call.method.as_str(), call.path.as_str()), ("POST", path));
    assert_eq!(
        call.query.keys().collect::<Vec<_>>(),
        ["access_token"],
        "{call:?}"
    );
    assert_eq!(call.body.as_ref(), Some(&body), "{path}");
}

/// A GET with exactly `query` (besides the token) and no body.
fn assert_get(call: &Recorded, path: &str, query: &[(&str, &str)]) {
    assert_eq!((call.method.as_str(), call.path.as_str()), ("GET", path));
    let mut expected: Vec<(String, String)> = query
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    expected.push(("access_token".into(), "TOKEN-1".into()));
    expected.sort();
    let seen: Vec<(String, String)> = call.query.clone().into_iter().collect();
    assert_eq!(seen, expected, "{path}");
    assert_eq!(call.body, None);
}

fn ok() -> Value {
    json!({"errcode": 0, "errmsg": "ok"})
}

// ------------------------------------------------------------------------------------------ token

#[tokio::test]
async fn the_token_comes_from_stable_token_by_default_in_normal_mode() {
    let (server, client) = setup().await;
    server.answer("/wxaapi/broadcast/room/deleteroom", ok());
    client
        .broadcast()
        .send(&DeleteRoomRequest { room_id: 1 })
        .await
        .unwrap();
    let tokens = server.token_calls();
    assert_eq!(tokens.len(), 1);
    assert_eq!(
        (tokens[0].method.as_str(), tokens[0].path.as_str()),
        ("POST", "/cgi-bin/stable_token")
    );
    assert!(tokens[0].query.is_empty(), "{:?}", tokens[0].query);
    assert_eq!(
        tokens[0].body,
        Some(json!({
            "grant_type": "client_credential",
            "appid": "wx-appid",
            "secret": "app-secret",
            "force_refresh": false
        })),
        "a JSON body; normal mode, so other processes' tokens stay valid"
    );
}

#[tokio::test]
async fn the_legacy_get_cgi_bin_token_is_still_selectable() {
    let server = Recorder::start().await;
    let client = WxaClient::builder()
        .credentials("wx-appid", "app-secret")
        .base_url(&server.base_url)
        .token_endpoint("token")
        .build()
        .expect("client");
    server.answer("/wxaapi/broadcast/room/deleteroom", ok());
    client
        .broadcast()
        .send(&DeleteRoomRequest { room_id: 1 })
        .await
        .unwrap();
    let tokens = server.token_calls();
    assert_eq!(tokens.len(), 1);
    assert_eq!(
        (tokens[0].method.as_str(), tokens[0].path.as_str()),
        ("GET", "/cgi-bin/token")
    );
    let q: Vec<(&str, &str)> = tokens[0]
        .query
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        q,
        [
            ("appid", "wx-appid"),
            ("grant_type", "client_credential"),
            ("secret", "app-secret")
        ]
    );
    let err = WxaClient::builder()
        .credentials("wx-appid", "app-secret")
        .token_endpoint("getAccessToken")
        .build()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no token endpoint `getAccessToken`")
            && err.to_string().contains("stable_token, token"),
        "{err}"
    );
}

#[tokio::test]
async fn a_token_errcode_refreshes_once_and_a_room_errcode_is_typed() {
    let (server, client) = setup().await;
    let path = "/wxaapi/broadcast/room/getpushurl";
    server.answer(
        path,
        json!({"errcode": 40001, "errmsg": "invalid credential"}),
    );
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "pushAddr": "rtmp://x"}),
    );
    let r = client
        .broadcast()
        .send(&GetPushUrlRequest { room_id: 1 })
        .await
        .unwrap();
    assert_eq!(r.push_addr.as_str(), "rtmp://x");
    assert_eq!(server.tokens_issued(), 2);
    server.answer(path, json!({"errcode": 300022, "errmsg": "room not exist"}));
    let err = client
        .broadcast()
        .send(&GetPushUrlRequest { room_id: 9 })
        .await
        .unwrap_err();
    let api = err.as_api().expect("API error");
    assert_eq!((api.errcode, api.name()), (300022, "room_not_found"));
}

#[tokio::test]
async fn an_endpoint_errcode_has_its_own_name() {
    let (server, client) = setup().await;
    server.answer(
        "/wxa/business/push_message",
        json!({"errcode": 9410005, "errmsg": "pushed today"}),
    );
    let request = PushMessageRequest {
        room_id: 1,
        user_openid: vec!["o1".into()],
    };
    let err = client.broadcast().send(&request).await.unwrap_err();
    assert_eq!(
        err.as_api().map(|a| a.name()),
        Some("another_room_pushed_today")
    );
}

// ------------------------------------------------------------------------------------------ rooms

#[tokio::test]
async fn create_room_sends_camel_case_keys_and_only_set_optionals() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/room/create",
        json!({"errcode": 0, "errmsg": "ok", "roomId": 33}),
    );
    let start = now() + 3600;
    let request = CreateRoomRequest::builder()
        .name("测试直播间")
        .cover_img("MEDIA_COVER")
        .start_time(start)
        .end_time(start + 7200)
        .anchor_name("主播小王")
        .anchor_wechat("WxgQiao_04")
        .share_img("MEDIA_SHARE")
        .feeds_img("MEDIA_FEEDS")
        .live_type(RoomType::PushStream)
        .close_like(false)
        .close_goods(false)
        .close_comment(true)
        .close_kf(false)
        .build()
        .expect("valid");
    let response = client.broadcast().send(&request).await.unwrap();
    assert_eq!(response.room_id, 33);
    assert_eq!(response.qrcode_url, None);
    assert_post(
        &only_call(&server),
        "/wxaapi/broadcast/room/create",
        json!({
            "name": "测试直播间", "coverImg": "MEDIA_COVER", "startTime": start, "endTime": start + 7200,
            "anchorName": "主播小王", "anchorWechat": "WxgQiao_04", "shareImg": "MEDIA_SHARE",
            "feedsImg": "MEDIA_FEEDS", "type": 1, "closeLike": 0, "closeGoods": 0, "closeComment": 1, "closeKf": 0
        }),
    );
}

#[tokio::test]
async fn create_room_with_an_unverified_anchor_fails_with_300036_and_its_qrcode_url() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/room/create",
        json!({"errcode": 300036, "errmsg": "anchor not verified", "qrcode_url": "https://x/qr"}),
    );
    let start = now() + 3600;
    let request = CreateRoomRequest {
        name: "测试直播间".into(),
        start_time: start,
        end_time: start + 1800,
        anchor_name: "主播小王".into(),
        anchor_wechat: "w".into(),
        cover_img: "m".into(),
        share_img: "m".into(),
        feeds_img: "m".into(),
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
    };
    let err = client.broadcast().send(&request).await.unwrap_err();
    let api = err.as_api().unwrap();
    assert_eq!((api.errcode, api.name()), (300036, "anchor_not_verified"));
    assert_eq!(
        api.extra.get("qrcode_url").and_then(|v| v.as_str()),
        Some("https://x/qr"),
        "the verification QR code reaches the caller"
    );
}

#[tokio::test]
async fn get_live_info_lists_rooms_with_their_goods() {
    let (server, client) = setup().await;
    server.answer(
        "/wxa/business/getliveinfo",
        json!({
            "errcode": 0, "errmsg": "ok", "total": 1,
            "room_info": [{
                "name": "直播房间名", "roomid": 1, "cover_img": "http://c", "share_img": "http://s",
                "live_status": 101, "start_time": 1568128900, "end_time": 1568131200, "anchor_name": "里斯",
                "live_type": 0, "close_like": 0, "close_goods": 0, "close_comment": 0, "close_kf": 0,
                "close_replay": 0, "is_feeds_public": 1, "creater_openid": "o7esq5OI1Uyp96YNpPmTkDhUpKWQ",
                "feeds_img": "http://f",
                "goods": [{"cover_img": "http://g", "url": "pages/index/index.html", "name": "挂炉烤鸭",
                           "price": 211200, "price2": 0, "price_type": 1, "goods_id": 256,
                           "third_party_appid": "wx1e2d1a08734a9c2b"}]
            }]
        }),
    );
    let response = client
        .broadcast()
        .send(&GetLiveInfoRequest {
            start: 0,
            limit: 10,
        })
        .await
        .unwrap();
    assert_eq!(response.total, 1);
    let room = &response.room_info[0];
    assert_eq!(room.room_id, 1, "lowercase `roomid` on the wire");
    assert_eq!(room.live_status, LiveStatus::Living);
    assert_eq!(room.live_type, RoomType::PhoneLive);
    assert!(room.is_feeds_public);
    assert!(!room.close_replay);
    assert_eq!(room.creater_openid.as_str(), "o7esq5OI1Uyp96YNpPmTkDhUpKWQ");
    let goods = &room.goods[0];
    assert_eq!(goods.goods_id, 256);
    assert_eq!(goods.cover_img_url.as_str(), "http://g");
    assert_eq!(goods.price, Decimal(211200.0));
    assert_eq!(goods.price_type, PriceType::Fixed);
    assert_post(
        &only_call(&server),
        "/wxa/business/getliveinfo",
        json!({"start": 0, "limit": 10}),
    );
}

#[tokio::test]
async fn room_info_reads_the_live_satus_typo_and_unknown_statuses() {
    let (server, client) = setup().await;
    server.answer(
        "/wxa/business/getliveinfo",
        json!({"errcode": 0, "errmsg": "ok", "total": 2,
               "room_info": [{"roomid": 1, "live_satus": 103}, {"roomid": 2, "live_status": 108, "new_key": [1]}]}),
    );
    let response = client
        .broadcast()
        .send(&GetLiveInfoRequest { start: 0, limit: 2 })
        .await
        .unwrap();
    assert_eq!(response.room_info[0].live_status, LiveStatus::Ended);
    assert_eq!(response.room_info[1].live_status, LiveStatus::Unknown(108));
}

#[tokio::test]
async fn get_replay_always_sends_action_get_replay_and_snake_case_room_id() {
    let (server, client) = setup().await;
    server.answer(
        "/wxa/business/getliveinfo",
        json!({"errcode": 0, "errmsg": "ok", "total": 2, "live_replay": [
            {"expire_time": "2020-11-11T03:49:55Z", "create_time": "2019-11-12T03:49:55Z", "media_url": "http://v/f0.mp4"},
            {"expire_time": 1605066595, "create_time": 1573530595, "media_url": "http://v/f1.mp4"}
        ]}),
    );
    let request = GetReplayRequest {
        room_id: 7,
        start: 0,
        limit: 10,
    };
    let response = client.broadcast().send(&request).await.unwrap();
    assert_eq!(response.total, 2);
    assert_eq!(
        response.live_replay[0].create_time.as_str(),
        "2019-11-12T03:49:55Z"
    );
    assert_eq!(
        response.live_replay[1].expire_time.as_str(),
        "1605066595",
        "integers are read too"
    );
    assert_eq!(
        response.live_replay[1].media_url.as_str(),
        "http://v/f1.mp4"
    );
    assert_post(
        &only_call(&server),
        "/wxa/business/getliveinfo",
        json!({"action": "get_replay", "room_id": 7, "start": 0, "limit": 10}),
    );
    assert_eq!(
        <GetReplayRequest as wxlive::runtime::ApiRequest>::CONSTANTS[0].name,
        "action",
        "the constant is visible to tools such as the mock server"
    );
}

#[tokio::test]
async fn import_goods_sends_ids_and_room_id() {
    let (server, client) = setup().await;
    server.answer("/wxaapi/broadcast/room/addgoods", ok());
    let request = ImportGoodsRequest {
        goods_ids: vec![9, 11],
        room_id: 223,
    };
    client.broadcast().send(&request).await.unwrap();
    assert_post(
        &only_call(&server),
        "/wxaapi/broadcast/room/addgoods",
        json!({"ids": [9, 11], "roomId": 223}),
    );
}

#[tokio::test]
async fn delete_room_sends_the_key_id() {
    let (server, client) = setup().await;
    server.answer("/wxaapi/broadcast/room/deleteroom", ok());
    client
        .broadcast()
        .send(&DeleteRoomRequest { room_id: 811 })
        .await
        .unwrap();
    assert_post(
        &only_call(&server),
        "/wxaapi/broadcast/room/deleteroom",
        json!({"id": 811}),
    );
}

#[tokio::test]
async fn edit_room_sends_id_and_no_type() {
    let (server, client) = setup().await;
    server.answer("/wxaapi/broadcast/room/editroom", ok());
    let start = now() + 1200;
    let request = EditRoomRequest {
        room_id: 811,
        name: "直播间abc".into(),
        cover_img: "C".into(),
        start_time: start,
        end_time: start + 86_400,
        anchor_name: "ab中文".into(),
        anchor_wechat: "w".into(),
        share_img: "S".into(),
        feeds_img: "F".into(),
        is_feeds_public: Some(false),
        close_like: true,
        close_goods: false,
        close_comment: false,
        close_replay: Some(false),
        close_share: None,
        close_kf: None,
    };
    client.broadcast().send(&request).await.unwrap();
    assert_post(
        &only_call(&server),
        "/wxaapi/broadcast/room/editroom",
        json!({
            "id": 811, "name": "直播间abc", "coverImg": "C", "startTime": start, "endTime": start + 86_400,
            "anchorName": "ab中文", "anchorWechat": "w", "shareImg": "S", "feedsImg": "F", "isFeedsPublic": 0,
            "closeLike": 1, "closeGoods": 0, "closeComment": 0, "closeReplay": 0
        }),
    );
}

#[tokio::test]
async fn get_push_url_is_a_get_with_room_id_in_the_query() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/room/getpushurl",
        json!({"errcode": 0, "errmsg": "ok", "pushAddr": "rtmp://wxalivepush.qcloud.com/live/stream?txSecret=xxxx"}),
    );
    let r = client
        .broadcast()
        .send(&GetPushUrlRequest { room_id: 5 })
        .await
        .unwrap();
    assert_eq!(
        r.push_addr.as_str(),
        "rtmp://wxalivepush.qcloud.com/live/stream?txSecret=xxxx"
    );
    assert_get(
        &only_call(&server),
        "/wxaapi/broadcast/room/getpushurl",
        &[("roomId", "5")],
    );
}

#[tokio::test]
async fn get_shared_code_url_encodes_params_once() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/room/getsharedcode",
        json!({"errcode": 0, "errmsg": "ok", "cdnUrl": "http://cdn", "posterUrl": "http://poster",
               "pagePath": "plugin-private://wx2b03c6e691cd7370/pages/live-player-plugin?room_id=5"}),
    );
    let request = GetSharedCodeRequest {
        room_id: 5,
        params: Some(r#"{"from":"a&b"}"#.into()),
    };
    let r = client.broadcast().send(&request).await.unwrap();
    assert_eq!(r.cdn_url.as_str(), "http://cdn");
    assert_eq!(r.poster_url.as_str(), "http://poster");
    assert!(r.page_path.ends_with("room_id=5"));
    assert_get(
        &only_call(&server),
        "/wxaapi/broadcast/room/getsharedcode",
        &[("roomId", "5"), ("params", r#"{"from":"a&b"}"#)],
    );
}

#[tokio::test]
async fn assistant_endpoints_send_room_id_username_and_users() {
    let (server, client) = setup().await;
    server.answer("/wxaapi/broadcast/room/addassistant", ok());
    server.answer("/wxaapi/broadcast/room/modifyassistant", ok());
    server.answer("/wxaapi/broadcast/room/removeassistant", ok());
    let api = client.broadcast();
    let users = vec![AssistantUser {
        username: Some("testwechat".into()),
        nickname: Some("testnick".into()),
    }];
    api.send(&AddAssistantRequest { room_id: 1, users })
        .await
        .unwrap();
    let modify = ModifyAssistantRequest {
        room_id: 1,
        username: "testwechat".into(),
        nickname: "n2".into(),
    };
    api.send(&modify).await.unwrap();
    api.send(&RemoveAssistantRequest {
        room_id: 1,
        username: "testwechat".into(),
    })
    .await
    .unwrap();
    let calls = server.calls();
    assert_eq!(calls.len(), 3);
    assert_post(
        &calls[0],
        "/wxaapi/broadcast/room/addassistant",
        json!({"roomId": 1, "users": [{"username": "testwechat", "nickname": "testnick"}]}),
    );
    assert_post(
        &calls[1],
        "/wxaapi/broadcast/room/modifyassistant",
        json!({"roomId": 1, "username": "testwechat", "nickname": "n2"}),
    );
    assert_post(
        &calls[2],
        "/wxaapi/broadcast/room/removeassistant",
        json!({"roomId": 1, "username": "testwechat"}),
    );
}

#[tokio::test]
async fn get_assistant_list_reads_alias_as_username() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/room/getassistantlist",
        json!({"errcode": 0, "errmsg": "ok", "count": 1, "maxCount": 10, "list": [
            {"timestamp": 1600000000, "headimg": "http://h", "nickname": "testnick", "alias": "testwechat", "openid": "oABC123"}
        ]}),
    );
    let r = client
        .broadcast()
        .send(&GetAssistantListRequest { room_id: 1 })
        .await
        .unwrap();
    assert_eq!((r.count, r.max_count), (1, 10));
    let a = &r.list[0];
    assert_eq!(a.username.as_str(), "testwechat");
    assert_eq!(a.timestamp, 1_600_000_000);
    assert_eq!(a.openid.as_str(), "oABC123");
    assert_get(
        &only_call(&server),
        "/wxaapi/broadcast/room/getassistantlist",
        &[("roomId", "1")],
    );
}

#[tokio::test]
async fn sub_anchor_endpoints() {
    let (server, client) = setup().await;
    server.answer("/wxaapi/broadcast/room/addsubanchor", ok());
    server.answer("/wxaapi/broadcast/room/modifysubanchor", ok());
    server.answer("/wxaapi/broadcast/room/deletesubanchor", ok());
    server.answer(
        "/wxaapi/broadcast/room/getsubanchor",
        json!({"errcode": 0, "errmsg": "ok", "username": "subwechat"}),
    );
    let api = client.broadcast();
    api.send(&AddSubAnchorRequest {
        room_id: 1,
        username: "subwechat".into(),
    })
    .await
    .unwrap();
    api.send(&ModifySubAnchorRequest {
        room_id: 1,
        username: "sub2".into(),
    })
    .await
    .unwrap();
    api.send(&DeleteSubAnchorRequest { room_id: 1 })
        .await
        .unwrap();
    let r = api.send(&GetSubAnchorRequest { room_id: 1 }).await.unwrap();
    assert_eq!(r.username.as_deref(), Some("subwechat"));
    let calls = server.calls();
    assert_post(
        &calls[0],
        "/wxaapi/broadcast/room/addsubanchor",
        json!({"roomId": 1, "username": "subwechat"}),
    );
    assert_post(
        &calls[1],
        "/wxaapi/broadcast/room/modifysubanchor",
        json!({"roomId": 1, "username": "sub2"}),
    );
    assert_post(
        &calls[2],
        "/wxaapi/broadcast/room/deletesubanchor",
        json!({"roomId": 1}),
    );
    assert_get(
        &calls[3],
        "/wxaapi/broadcast/room/getsubanchor",
        &[("roomId", "1")],
    );
}

#[tokio::test]
async fn sub_anchor_duplicate_is_a_named_error() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/room/addsubanchor",
        json!({"errcode": 500005, "errmsg": "same as anchor"}),
    );
    let err = client
        .broadcast()
        .send(&AddSubAnchorRequest {
            room_id: 1,
            username: "anchor".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.as_api().map(|a| a.name()), Some("sub_anchor_is_anchor"));
}

#[tokio::test]
async fn room_switches_send_their_flags_as_0_or_1() {
    let (server, client) = setup().await;
    for path in [
        "updatefeedpublic",
        "updatereplay",
        "updatekf",
        "updatecomment",
    ] {
        server.answer(&format!("/wxaapi/broadcast/room/{path}"), ok());
    }
    let api = client.broadcast();
    api.send(&UpdateFeedPublicRequest {
        room_id: 1,
        is_feeds_public: true,
    })
    .await
    .unwrap();
    api.send(&UpdateReplayRequest {
        room_id: 1,
        close_replay: false,
    })
    .await
    .unwrap();
    api.send(&UpdateKfRequest {
        room_id: 1,
        close_kf: true,
    })
    .await
    .unwrap();
    api.send(&UpdateCommentRequest {
        room_id: 1,
        ban_comment: true,
    })
    .await
    .unwrap();
    let calls = server.calls();
    assert_post(
        &calls[0],
        "/wxaapi/broadcast/room/updatefeedpublic",
        json!({"roomId": 1, "isFeedsPublic": 1}),
    );
    assert_post(
        &calls[1],
        "/wxaapi/broadcast/room/updatereplay",
        json!({"roomId": 1, "closeReplay": 0}),
    );
    assert_post(
        &calls[2],
        "/wxaapi/broadcast/room/updatekf",
        json!({"roomId": 1, "closeKf": 1}),
    );
    assert_post(
        &calls[3],
        "/wxaapi/broadcast/room/updatecomment",
        json!({"roomId": 1, "banComment": 1}),
    );
}

#[tokio::test]
async fn goods_in_room_endpoints_use_case_sensitive_paths() {
    let (server, client) = setup().await;
    for path in ["onsale", "deleteInRoom", "push", "sort"] {
        server.answer(&format!("/wxaapi/broadcast/goods/{path}"), ok());
    }
    server.answer(
        "/wxaapi/broadcast/goods/getVideo",
        json!({"errcode": 0, "errmsg": "ok", "url": "http://wxalive.vod2.myqcloud.com/x/goods_explain.mp4"}),
    );
    let api = client.broadcast();
    api.send(&GoodsOnSaleRequest {
        room_id: 2121,
        goods_id: 326,
        on_sale: true,
    })
    .await
    .unwrap();
    api.send(&DeleteGoodsInRoomRequest {
        room_id: 2121,
        goods_id: 326,
    })
    .await
    .unwrap();
    api.send(&PushGoodsRequest {
        room_id: 2121,
        goods_id: 326,
    })
    .await
    .unwrap();
    let goods = vec![
        SortGoods {
            goods_id: Some(123),
        },
        SortGoods {
            goods_id: Some(234),
        },
    ];
    api.send(&SortGoodsRequest {
        room_id: 2121,
        goods,
    })
    .await
    .unwrap();
    let video = api
        .send(&GetGoodsVideoRequest {
            room_id: 2121,
            goods_id: 326,
        })
        .await
        .unwrap();
    assert_eq!(
        video.url,
        "http://wxalive.vod2.myqcloud.com/x/goods_explain.mp4"
    );
    let calls = server.calls();
    let pair = json!({"roomId": 2121, "goodsId": 326});
    assert_post(
        &calls[0],
        "/wxaapi/broadcast/goods/onsale",
        json!({"roomId": 2121, "goodsId": 326, "onSale": 1}),
    );
    assert_post(
        &calls[1],
        "/wxaapi/broadcast/goods/deleteInRoom",
        pair.clone(),
    );
    assert_post(&calls[2], "/wxaapi/broadcast/goods/push", pair.clone());
    assert_post(
        &calls[3],
        "/wxaapi/broadcast/goods/sort",
        json!({"roomId": 2121, "goods": [{"goodsId": 123}, {"goodsId": 234}]}),
    );
    assert_post(&calls[4], "/wxaapi/broadcast/goods/getVideo", pair);
}

// ------------------------------------------------------------------------------------------ goods

#[tokio::test]
async fn add_goods_nests_goods_info_and_returns_both_ids() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/goods/add",
        json!({"errcode": 0, "errmsg": "ok", "goodsId": 51, "auditId": 525022184}),
    );
    let goods_info = GoodsInfo {
        cover_img_url: Some("MEDIA".into()),
        name: Some("蓝牙耳机".into()),
        price_type: Some(PriceType::Range),
        price: Some(99.5.into()),
        price2: Some(150.0.into()),
        url: Some("pages/index/index".into()),
        third_party_appid: None,
        goods_keys: vec![],
    };
    let r = client
        .broadcast()
        .send(&AddGoodsRequest { goods_info })
        .await
        .unwrap();
    assert_eq!((r.goods_id, r.audit_id), (51, 525022184));
    assert_post(
        &only_call(&server),
        "/wxaapi/broadcast/goods/add",
        json!({"goodsInfo": {"coverImgUrl": "MEDIA", "name": "蓝牙耳机", "priceType": 2, "price": 99.5,
                             "price2": 150, "url": "pages/index/index"}}),
    );
}

#[tokio::test]
async fn add_goods_sends_goods_key_as_a_string_array_inside_goods_info_when_set() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/goods/add",
        json!({"errcode": 0, "errmsg": "ok", "goodsId": 52, "auditId": 525022185}),
    );
    let goods_info = GoodsInfo {
        cover_img_url: Some("MEDIA".into()),
        name: Some("TIT茶杯".into()),
        price_type: Some(PriceType::Fixed),
        price: Some(Decimal(99.5)),
        url: Some("pages/index/index?productId=7".into()),
        goods_keys: vec!["productId".into()],
        ..GoodsInfo::default()
    };
    client
        .broadcast()
        .send(&AddGoodsRequest { goods_info })
        .await
        .unwrap();
    assert_post(
        &only_call(&server),
        "/wxaapi/broadcast/goods/add",
        json!({"goodsInfo": {"coverImgUrl": "MEDIA", "name": "TIT茶杯", "priceType": 1, "price": 99.5,
                             "url": "pages/index/index?productId=7", "goodsKey": ["productId"]}}),
    );
}

#[tokio::test]
async fn set_goods_key_posts_the_global_key_as_a_string_array() {
    let (server, client) = setup().await;
    // The official response sample: errmsg is empty.
    server.answer(
        "/wxaapi/broadcast/goods/setkey",
        json!({"errcode": 0, "errmsg": ""}),
    );
    let request = SetGoodsKeyRequest::builder()
        .goods_keys(["productId".to_owned(), "sid".to_owned()])
        .build()
        .expect("valid");
    client.broadcast().send(&request).await.unwrap();
    assert_post(
        &only_call(&server),
        "/wxaapi/broadcast/goods/setkey",
        json!({"goodsKey": ["productId", "sid"]}),
    );
    // A wrong shape is the server's 200002, named by the product spec.
    server.answer(
        "/wxaapi/broadcast/goods/setkey",
        json!({"errcode": 200002, "errmsg": "goodsKey must be Array<string>"}),
    );
    let err = client.broadcast().send(&request).await.unwrap_err();
    assert_eq!(
        err.as_api().map(|a| (a.errcode, a.name())),
        Some((200002, "invalid_parameter"))
    );
}

#[tokio::test]
async fn get_goods_key_is_a_get_without_parameters_and_reads_vendor_goods_key() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/goods/getkey",
        json!({"errcode": 0, "errmsg": "ok", "vendorGoodsKey": ["productId", "sid"]}),
    );
    let r = client
        .broadcast()
        .send(&GetGoodsKeyRequest {})
        .await
        .unwrap();
    assert_eq!(r.goods_keys, ["productId", "sid"]);
    assert_get(&only_call(&server), "/wxaapi/broadcast/goods/getkey", &[]);
    // No key set yet: the list is simply empty.
    server.answer("/wxaapi/broadcast/goods/getkey", ok());
    let r = client
        .broadcast()
        .send(&GetGoodsKeyRequest {})
        .await
        .unwrap();
    assert!(r.goods_keys.is_empty());
}

#[tokio::test]
async fn goods_review_endpoints() {
    let (server, client) = setup().await;
    server.answer("/wxaapi/broadcast/goods/resetaudit", ok());
    server.answer(
        "/wxaapi/broadcast/goods/audit",
        json!({"errcode": 0, "errmsg": "ok", "auditId": 525022185}),
    );
    server.answer("/wxaapi/broadcast/goods/delete", ok());
    let api = client.broadcast();
    api.send(&ResetGoodsAuditRequest {
        audit_id: 525022184,
        goods_id: 9,
    })
    .await
    .unwrap();
    let r = api.send(&AuditGoodsRequest { goods_id: 9 }).await.unwrap();
    assert_eq!(r.audit_id, 525022185);
    api.send(&DeleteGoodsRequest { goods_id: 9 }).await.unwrap();
    let calls = server.calls();
    assert_post(
        &calls[0],
        "/wxaapi/broadcast/goods/resetaudit",
        json!({"auditId": 525022184, "goodsId": 9}),
    );
    assert_post(
        &calls[1],
        "/wxaapi/broadcast/goods/audit",
        json!({"goodsId": 9}),
    );
    assert_post(
        &calls[2],
        "/wxaapi/broadcast/goods/delete",
        json!({"goodsId": 9}),
    );
}

#[tokio::test]
async fn update_goods_sends_only_the_changed_fields() {
    let (server, client) = setup().await;
    server.answer("/wxaapi/broadcast/goods/update", ok());
    let goods_info = GoodsUpdateInfo {
        goods_id: Some(9),
        price: Some(Decimal(19.9)),
        ..GoodsUpdateInfo::default()
    };
    client
        .broadcast()
        .send(&UpdateGoodsRequest { goods_info })
        .await
        .unwrap();
    assert_post(
        &only_call(&server),
        "/wxaapi/broadcast/goods/update",
        json!({"goodsInfo": {"goodsId": 9, "price": 19.9}}),
        // An unset priceType is not sent as 0 (PowerWeChat defect f).
    );
}

#[tokio::test]
async fn get_goods_warehouse_reads_mixed_case_items() {
    let (server, client) = setup().await;
    server.answer(
        "/wxa/business/getgoodswarehouse",
        json!({"errcode": 0, "errmsg": "ok", "total": 2, "goods": [
            {"goods_id": 1, "cover_img_url": "http://g", "name": "蓝牙耳机", "price": 12300, "price2": 0,
             "price_type": 1, "url": "pages/index/index", "audit_status": 2, "third_party_tag": 2,
             "thirdPartyAppid": "wx1e2d1a08734a9c2b"},
            {"goods_id": 2, "priceType": 3, "price": "99.50", "audit_status": 9}
        ]}),
    );
    let r = client
        .broadcast()
        .send(&GetGoodsWarehouseRequest {
            goods_ids: vec![1, 2],
        })
        .await
        .unwrap();
    let (a, b) = (&r.goods[0], &r.goods[1]);
    assert_eq!(a.goods_id.as_str(), "1");
    assert_eq!(a.audit_status.as_str(), "2");
    assert_eq!(a.third_party_tag, 2);
    assert_eq!(a.third_party_appid.as_deref(), Some("wx1e2d1a08734a9c2b"));
    assert_eq!(a.price, Decimal(12300.0));
    assert_eq!(
        b.price_type,
        PriceType::Discount,
        "the table's `priceType` is read too"
    );
    assert_eq!(b.price, Decimal(99.5));
    assert_eq!(b.audit_status.as_str(), "9");
    assert_post(
        &only_call(&server),
        "/wxa/business/getgoodswarehouse",
        json!({"goods_ids": [1, 2]}),
    );
}

#[tokio::test]
async fn get_approved_goods_is_a_get_with_offset_limit_status() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/goods/getapproved",
        json!({"errcode": 0, "errmsg": "ok", "total": 1, "goods": [
            {"goodsId": 51, "coverImgUrl": "http://g", "name": "蓝牙耳机", "price": 99.5, "price2": 150.5,
             "priceType": 2, "url": "pages/index/index", "thirdPartyTag": 2, "thirdPartyAppid": ""}
        ]}),
    );
    let request = GetApprovedGoodsRequest {
        offset: 0,
        limit: Some(100),
        status: AuditStatus::Approved,
    };
    let r = client.broadcast().send(&request).await.unwrap();
    let g = &r.goods[0];
    assert_eq!(
        (g.goods_id.as_str(), g.price_type, g.price2),
        ("51", PriceType::Range, Decimal(150.5))
    );
    assert_eq!(g.third_party_tag, 2);
    assert_get(
        &only_call(&server),
        "/wxaapi/broadcast/goods/getapproved",
        &[("offset", "0"), ("limit", "100"), ("status", "2")],
    );
}

#[test]
fn lenient_goods_ids_and_statuses_read_a_number_and_a_string_alike() {
    // The newest pages type them string (api_getgoodsauditinfo, api_getgoodsinfo); their samples send
    // numbers. Both spellings decode to the same text.
    let warehouse: GetGoodsWarehouseResponse = serde_json::from_value(json!({
        "errcode": 0, "total": 2, "goods": [
            {"goods_id": 9, "audit_status": 1},
            {"goods_id": "9", "audit_status": "1"}
        ]
    }))
    .unwrap();
    for g in &warehouse.goods {
        assert_eq!((g.goods_id.as_str(), g.audit_status.as_str()), ("9", "1"));
    }
    let approved: GetApprovedGoodsResponse = serde_json::from_value(json!({
        "errcode": 0, "total": 2, "goods": [
            {"goodsId": 9, "thirdPartyTag": 2},
            {"goodsId": "9", "third_party_tag": 2}
        ]
    }))
    .unwrap();
    for g in &approved.goods {
        assert_eq!(g.goods_id.as_str(), "9");
        assert_eq!(g.third_party_tag, 2, "both spellings of the tag");
    }
    // Nothing else a scalar could be breaks the call: an object or a list where a guaranteed string
    // belongs reads as the zero value (with a warning).
    let odd: GetGoodsWarehouseResponse =
        serde_json::from_value(json!({"goods": [{"goods_id": {"x": 1}, "audit_status": [2]}]}))
            .unwrap();
    assert_eq!(
        (
            odd.goods[0].goods_id.clone(),
            odd.goods[0].audit_status.clone()
        ),
        (String::new(), String::new())
    );
}

// ------------------------------------------------------------------------------------------ roles

#[tokio::test]
async fn role_endpoints() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/role/addrole",
        json!({"errcode": 0, "errmsg": "ok", "codeurl": "https://qr"}),
    );
    server.answer("/wxaapi/broadcast/role/deleterole", ok());
    let api = client.broadcast();
    let r = api
        .send(&AddRoleRequest {
            username: "testwechat".into(),
            role: Role::Anchor,
        })
        .await
        .unwrap();
    assert_eq!(r.code_url.as_deref(), Some("https://qr"));
    api.send(&DeleteRoleRequest {
        username: "testwechat".into(),
        role: Role::Admin,
    })
    .await
    .unwrap();
    let calls = server.calls();
    assert_post(
        &calls[0],
        "/wxaapi/broadcast/role/addrole",
        json!({"username": "testwechat", "role": 2}),
    );
    assert_post(
        &calls[1],
        "/wxaapi/broadcast/role/deleterole",
        json!({"username": "testwechat", "role": 1}),
    );
}

#[tokio::test]
async fn get_role_list_is_a_get_and_reads_the_member_keys() {
    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/role/getrolelist",
        json!({"errcode": 0, "errmsg": "ok", "total": 2, "list": [
            {"headingimg": "http://h", "nickname": "n", "openid": "o1", "roleList": [1, 2],
             "updateTimestamp": "1600000000", "username": "te***at"},
            {"openid": "o2", "roleList": [0, 7], "updateTimestamp": 1600000001}
        ]}),
    );
    let request = GetRoleListRequest {
        role: Some(RoleFilter::All),
        limit: Some(30),
        keyword: Some("test".into()),
        ..Default::default()
    };
    let r = client.broadcast().send(&request).await.unwrap();
    assert_eq!(r.total, 2);
    assert_eq!(r.list[0].headimg.as_str(), "http://h");
    assert_eq!(r.list[0].role_list, [Role::Admin, Role::Anchor]);
    assert_eq!(r.list[0].update_timestamp.as_str(), "1600000000");
    assert_eq!(r.list[0].username.as_str(), "te***at");
    assert_eq!(r.list[1].role_list, [Role::SuperAdmin, Role::Unknown(7)]);
    assert_eq!(r.list[1].update_timestamp.as_str(), "1600000001");
    assert_get(
        &only_call(&server),
        "/wxaapi/broadcast/role/getrolelist",
        &[("role", "-1"), ("limit", "30"), ("keyword", "test")],
    );
}

// ------------------------------------------------------------------------------------------ subscriptions

#[tokio::test]
async fn get_followers_leaves_page_break_out_on_the_first_page() {
    let (server, client) = setup().await;
    let path = "/wxa/business/get_wxa_followers";
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "page_break": 1, "followers": [
            {"room_id": 1, "openid": "oABC123", "room_status": 102, "subscribe_time": 1600000000}
        ]}),
    );
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "page_break": 2, "followers": []}),
    );
    let api = client.broadcast();
    let first = api
        .send(&GetFollowersRequest {
            limit: Some(2000),
            page_break: None,
        })
        .await
        .unwrap();
    let f = &first.followers[0];
    assert_eq!(
        (f.room_id, f.live_status, f.subscribe_time),
        (1, LiveStatus::NotStarted, 1_600_000_000)
    );
    assert_eq!(f.openid, "oABC123");
    let second = api
        .send(&GetFollowersRequest {
            limit: Some(2000),
            page_break: first.page_break,
        })
        .await
        .unwrap();
    assert!(second.followers.is_empty());
    let calls = server.calls();
    assert_post(&calls[0], path, json!({"limit": 2000}));
    assert_post(&calls[1], path, json!({"limit": 2000, "page_break": 1}));
}

#[tokio::test]
async fn push_message_returns_the_message_id() {
    let (server, client) = setup().await;
    server.answer(
        "/wxa/business/push_message",
        json!({"errcode": 0, "errmsg": "ok", "message_id": "123456"}),
    );
    let request = PushMessageRequest {
        room_id: 1,
        user_openid: vec!["oABC123".into(), "oDEF456".into()],
    };
    let r = client.broadcast().send(&request).await.unwrap();
    assert_eq!(r.message_id.as_str(), "123456");
    assert_post(
        &only_call(&server),
        "/wxa/business/push_message",
        json!({"room_id": 1, "user_openid": ["oABC123", "oDEF456"]}),
    );
}

#[tokio::test]
async fn a_non_idempotent_call_is_not_retried_on_busy() {
    let (server, client) = setup().await;
    server.answer(
        "/wxa/business/push_message",
        json!({"errcode": -1, "errmsg": "system error"}),
    );
    server.answer(
        "/wxa/business/push_message",
        json!({"errcode": 0, "errmsg": "ok", "message_id": "2"}),
    );
    let request = PushMessageRequest {
        room_id: 1,
        user_openid: vec!["o".into()],
    };
    let err = client.broadcast().send(&request).await.unwrap_err();
    assert_eq!(err.as_api().map(|a| a.name()), Some("system_busy"));
    assert_eq!(
        server.calls().len(),
        1,
        "push_message must not be sent twice"
    );
}

#[tokio::test]
async fn an_invalid_request_is_rejected_before_anything_is_sent() {
    let (server, client) = setup().await;
    let request = PushMessageRequest {
        room_id: 1,
        user_openid: vec!["o".into(); 2001],
    };
    let err = client.broadcast().send(&request).await.unwrap_err();
    assert!(
        err.as_validation()
            .unwrap()
            .has("user_openid", "max_items(2000)"),
        "{err}"
    );
    assert!(server.calls().is_empty());
    assert_eq!(server.tokens_issued(), 0);
}

#[tokio::test]
async fn broken_advice_never_blocks_a_call_the_server_accepts() {
    // getliveinfo only advises a page size under 100 (建议100以内) and addrole accepts role 0 (to no
    // effect): the client sends both, under the default profile and under the strict one alike (this
    // domain has no product rule).
    for profile in [
        wxlive_runtime::Profile::Official,
        wxlive_runtime::Profile::Strict,
    ] {
        let server = Recorder::start().await;
        let client = WxaClient::builder()
            .credentials("wx-appid", "app-secret")
            .base_url(&server.base_url)
            .validation(profile)
            .build()
            .expect("client");
        server.answer(
            "/wxa/business/getliveinfo",
            json!({"errcode": 0, "errmsg": "ok", "total": 0, "room_info": []}),
        );
        server.answer("/wxaapi/broadcast/role/addrole", ok());
        client
            .broadcast()
            .send(&GetLiveInfoRequest {
                start: 0,
                limit: 200,
            })
            .await
            .unwrap();
        client
            .broadcast()
            .send(&AddRoleRequest {
                username: "u".into(),
                role: Role::SuperAdmin,
            })
            .await
            .unwrap();
        let calls = server.calls();
        assert_eq!(calls.len(), 2, "{profile:?}");
        assert_eq!(calls[0].body, Some(json!({"start": 0, "limit": 200})));
        assert_eq!(calls[1].body, Some(json!({"username": "u", "role": 0})));
    }
}

// ------------------------------------------------------------------------------------------ docs

/// The function of `docs/adding-a-domain.md`, word for word (checked below).
mod walkthrough {
    // BEGIN walkthrough
    use wxlive::wxa::broadcast::RoomType;
    use wxlive::wxa::WxaClient;

    /// Creates a two-hour push-stream room starting at `start` (Unix seconds) and returns its id.
    pub async fn create_room(client: &WxaClient, start: i64) -> Result<i64, wxlive::Error> {
        let created = client
            .broadcast()
            .create_room()
            .name("测试直播间")
            .cover_img("MEDIA_ID")
            .start_time(start)
            .end_time(start + 7200)
            .anchor_name("主播小王")
            .anchor_wechat("anchor_wechat_id")
            .share_img("MEDIA_ID")
            .feeds_img("MEDIA_ID")
            .live_type(RoomType::PushStream)
            .close_like(false)
            .close_goods(false)
            .close_comment(false)
            .send() // every violated rule at once, before anything is sent
            .await?;
        Ok(created.room_id)
    }
    // END walkthrough
}

#[tokio::test]
async fn the_adding_a_domain_walkthrough_code_runs_as_documented() {
    let source = include_str!("wxa_broadcast_http.rs");
    let code = source
        .split("// BEGIN walkthrough\n")
        .nth(1)
        .and_then(|r| r.split("    // END walkthrough").next())
        .unwrap();
    let unindented: String = code
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    let docs = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/adding-a-domain.md"
    ))
    .unwrap();
    assert!(
        docs.contains(&unindented),
        "docs/adding-a-domain.md no longer shows the tested code:\n{unindented}"
    );

    let (server, client) = setup().await;
    server.answer(
        "/wxaapi/broadcast/room/create",
        json!({"errcode": 0, "errmsg": "ok", "roomId": 34}),
    );
    let room_id = walkthrough::create_room(&client, now() + 3600)
        .await
        .unwrap();
    assert_eq!(room_id, 34);
    assert_eq!(only_call(&server).body.unwrap()["type"], 1);
    // Too early: the call refuses before sending, with the operation and the broken rule.
    let err = walkthrough::create_room(&client, now()).await.unwrap_err();
    assert!(err.to_string().contains("min_from_now(600)"), "{err}");
    assert!(err.to_string().contains("broadcast.create_room"), "{err}");
    assert_eq!(server.calls().len(), 1);
}

// ------------------------------------------------------------------------------------------ paging

#[tokio::test]
async fn room_list_items_stream_by_offset_until_the_total_is_reached() {
    use futures::TryStreamExt;
    let (server, client) = setup().await;
    let path = "/wxa/business/getliveinfo";
    server.answer(path, json!({"errcode": 0, "errmsg": "ok", "total": 3, "room_info": [{"roomid": 1}, {"roomid": 2}]}));
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "total": 3, "room_info": [{"roomid": 3}]}),
    );
    let rooms: Vec<RoomInfo> = client
        .broadcast()
        .items(GetLiveInfoRequest { start: 0, limit: 2 })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        rooms.iter().map(|r| r.room_id).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let bodies: Vec<Value> = server.calls().into_iter().filter_map(|c| c.body).collect();
    assert_eq!(
        bodies,
        [
            json!({"start": 0, "limit": 2}),
            json!({"start": 2, "limit": 2})
        ],
        "no call past the total"
    );
}

#[tokio::test]
async fn replay_pages_keep_the_constant_and_stop_on_an_empty_page() {
    use futures::TryStreamExt;
    let (server, client) = setup().await;
    let path = "/wxa/business/getliveinfo";
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "live_replay": [{"media_url": "a"}]}),
    );
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "live_replay": []}),
    );
    let first = GetReplayRequest {
        room_id: 7,
        start: 0,
        limit: 1,
    };
    let pages: Vec<GetReplayResponse> =
        client.broadcast().pages(first).try_collect().await.unwrap();
    assert_eq!(
        pages.len(),
        2,
        "without a total, an empty page ends the stream"
    );
    let bodies: Vec<Value> = server.calls().into_iter().filter_map(|c| c.body).collect();
    assert_eq!(
        bodies,
        [
            json!({"action": "get_replay", "room_id": 7, "start": 0, "limit": 1}),
            json!({"action": "get_replay", "room_id": 7, "start": 1, "limit": 1}),
        ]
    );
}

#[tokio::test]
async fn role_list_pages_start_at_an_absent_offset_and_send_it_on_later_pages() {
    use futures::TryStreamExt;
    let (server, client) = setup().await;
    let path = "/wxaapi/broadcast/role/getrolelist";
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "total": 2, "list": [{"openid": "o1"}]}),
    );
    server.answer(
        path,
        json!({"errcode": 0, "errmsg": "ok", "total": 2, "list": [{"openid": "o2"}]}),
    );
    let first = GetRoleListRequest {
        limit: Some(1),
        ..Default::default()
    };
    let members: Vec<RoleMember> = client.broadcast().items(first).try_collect().await.unwrap();
    assert_eq!(members.len(), 2);
    let calls = server.calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].query.get("offset"), None);
    assert_eq!(calls[1].query.get("offset").map(String::as_str), Some("1"));
    server.answer(
        "/wxaapi/broadcast/goods/getapproved",
        json!({"errcode": 0, "errmsg": "ok", "total": 1, "goods": [{"goodsId": 1}]}),
    );
    let first = GetApprovedGoodsRequest {
        offset: 0,
        limit: None,
        status: AuditStatus::Approved,
    };
    let goods: Vec<ApprovedGoods> = client.broadcast().items(first).try_collect().await.unwrap();
    assert_eq!(goods.len(), 1);
}
