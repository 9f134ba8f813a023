//! The generated API as a user meets it: fluent calls ending in `.send()`, honest response types
//! with client error correction, one meaning of "required", nameable errcodes, and an error type fit
//! for a library.

use futures::TryStreamExt;
use serde_json::{json, Value};
use wxlive::runtime::mock::MockServer;
use wxlive::runtime::{Profile, Validate};
use wxlive::wecom::living::*;
use wxlive::wecom::{errcode, WecomClient};
use wxlive::wxa::broadcast::{self, AddGoodsRequest, GoodsInfo, PriceType};
use wxlive::wxa::WxaClient;
use wxlive::Error;
use wxlive_tests::{mock_client, unix_in, Captured, Recorder};

async fn mock() -> (MockServer, WecomClient) {
    let server = MockServer::start(wxlive::wecom::mock_config())
        .await
        .expect("mock server");
    let client = mock_client(&server);
    (server, client)
}

/// Runs `f` with every `tracing` event of this thread captured; returns what was logged.
async fn logged<F: std::future::Future>(f: F) -> (F::Output, String) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let out = f.await;
    (out, captured.text())
}

// ----------------------------------------------------------------------------------- fluent calls

#[tokio::test]
async fn a_fluent_create_returns_a_plain_livingid_that_reads_back() {
    let (_server, client) = mock().await;
    let created = client
        .living()
        .create()
        .anchor_userid("zhangsan")
        .theme("周会")
        .living_start(unix_in(3600))
        .living_duration(3600)
        .send()
        .await
        .expect("create");
    let livingid: String = created.livingid;
    assert!(!livingid.is_empty());
    let info = client
        .living()
        .get_living_info()
        .livingid(&livingid)
        .send()
        .await
        .expect("read back");
    assert_eq!(info.living_info.theme, "周会");
    assert_eq!(info.living_info.anchor_userid, "zhangsan");
}

#[tokio::test]
async fn a_fluent_call_missing_required_fields_lists_every_violation_and_sends_nothing() {
    let (server, client) = mock().await;
    let err = client
        .living()
        .create()
        .theme("这个标题远远超过了二十个字符的限制所以必须被拒绝掉")
        .send()
        .await
        .expect_err("required fields are missing");
    let Error::Validation { operation, source } = &err else {
        panic!("expected a validation error, got {err:?}");
    };
    assert_eq!(operation, "living.create");
    for field in ["anchor_userid", "living_start", "living_duration"] {
        assert!(source.has(field, "required"), "{field}: {err}");
    }
    assert!(source.has("theme", "max_chars"), "other rules too: {err}");
    assert_eq!(server.calls("living.create"), 0, "nothing was sent");
}

#[tokio::test]
async fn fluent_page_and_item_streams_follow_the_cursor() {
    let (_server, client) = mock().await;
    let mut created = Vec::new();
    for i in 0..3 {
        let live = client
            .living()
            .create()
            .anchor_userid("lisi")
            .theme(format!("第{i}场"))
            .living_start(unix_in(3600))
            .living_duration(3600)
            .send()
            .await
            .expect("create");
        created.push(live.livingid);
    }
    let pages: Vec<GetUserAllLivingidResponse> = client
        .living()
        .get_user_all_livingid()
        .userid("lisi")
        .limit(1)
        .into_pages()
        .try_collect()
        .await
        .expect("pages");
    assert_eq!(pages.len(), created.len(), "one live per page");
    let mut items: Vec<String> = client
        .living()
        .get_user_all_livingid()
        .userid("lisi")
        .limit(2)
        .into_items()
        .try_collect()
        .await
        .expect("items");
    items.sort();
    created.sort();
    assert_eq!(items, created);
    // A broken first request ends the stream with the validation error, before any call.
    let first: Result<Vec<String>, Error> = client
        .living()
        .get_user_all_livingid()
        .into_items()
        .try_collect()
        .await;
    assert!(
        first
            .as_ref()
            .err()
            .and_then(Error::as_validation)
            .is_some_and(|v| v.has("userid", "required")),
        "{first:?}"
    );
}

#[tokio::test]
async fn request_values_go_through_the_domain_api() {
    let (_server, client) = mock().await;
    let request = CreateRequest::builder()
        .anchor_userid("wangwu")
        .theme("复盘")
        .living_start(unix_in(7200))
        .living_duration(600)
        .build()
        .expect("valid");
    let created = client.living().send(&request).await.expect("create");
    let all: Vec<String> = client
        .living()
        .items(GetUserAllLivingidRequest {
            userid: "wangwu".into(),
            cursor: None,
            limit: None,
        })
        .try_collect()
        .await
        .expect("items");
    assert_eq!(all, [created.livingid]);
}

// ---------------------------------------------------------------------- one meaning of "required"

/// The mock's answer to a raw body for `path`, with a token it issued.
async fn raw_call(server: &MockServer, path: &str, body: Value) -> Value {
    let (id, secret) = server.credentials();
    let http = reqwest::Client::new();
    let token: Value = http
        .get(format!("{}/cgi-bin/gettoken", server.base_url()))
        .query(&[("corpid", id), ("corpsecret", secret)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    http.post(format!("{}{path}", server.base_url()))
        .query(&[("access_token", token)])
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn required_means_the_same_in_the_builder_validate_and_the_mock() {
    let (server, _client) = mock().await;
    let start = unix_in(3600);
    // A string: missing or empty is "required" everywhere.
    let built = CreateRequest::builder()
        .theme("t")
        .living_start(start)
        .living_duration(60)
        .build()
        .unwrap_err();
    assert!(built.has("anchor_userid", "required"), "{built}");
    let empty = CreateRequest {
        anchor_userid: String::new(),
        theme: "t".into(),
        living_start: start,
        living_duration: 60,
        r#type: None,
        description: None,
        agentid: None,
        remind_time: None,
        activity_cover_mediaid: None,
        activity_share_mediaid: None,
        activity_detail: None,
    };
    let validated = empty.validate().unwrap_err();
    assert!(validated.has("anchor_userid", "required"), "{validated}");
    let body = json!({"theme": "t", "living_start": start, "living_duration": 60});
    for anchor in [None, Some("")] {
        let mut body = body.clone();
        if let Some(a) = anchor {
            body["anchor_userid"] = json!(a);
        }
        let answer = raw_call(&server, "/cgi-bin/living/create", body).await;
        assert_ne!(answer["errcode"], 0, "{answer}");
        assert!(
            answer["errmsg"]
                .as_str()
                .is_some_and(|m| m.contains("anchor_userid: required")),
            "{answer}"
        );
    }
    // An integer: the builder and the mock say "required"; struct syntax cannot leave it out
    // (a request with a required integer has no `Default`).
    let built = CreateRequest::builder()
        .anchor_userid("a")
        .theme("t")
        .living_duration(60)
        .build()
        .unwrap_err();
    assert!(built.has("living_start", "required"), "{built}");
    let answer = raw_call(
        &server,
        "/cgi-bin/living/create",
        json!({"anchor_userid": "a", "theme": "t", "living_duration": 60}),
    )
    .await;
    assert!(
        answer["errmsg"]
            .as_str()
            .is_some_and(|m| m.contains("living_start: required")),
        "{answer}"
    );
    // A nested object's required fields are `Option`: left out, `validate()` reports them.
    let goods = AddGoodsRequest {
        goods_info: GoodsInfo {
            name: Some("耳机".into()),
            ..GoodsInfo::default()
        },
    };
    let nested = goods.validate().unwrap_err();
    for field in [
        "goodsInfo.coverImgUrl",
        "goodsInfo.priceType",
        "goodsInfo.url",
    ] {
        assert!(nested.has(field, "required"), "{field}: {nested}");
    }
}

// ------------------------------------------------------------------------- honest response types

#[tokio::test]
async fn a_missing_or_mistyped_guaranteed_field_is_its_zero_value_with_a_warning() {
    let server = Recorder::start().await;
    let client = WecomClient::builder()
        .credentials("ww-corp", "corp-secret")
        .base_url(&server.base_url)
        .validation(Profile::Off)
        .build()
        .expect("client");
    let request = GetLivingCodeRequest {
        livingid: "L".into(),
        openid: "o".into(),
    };
    server.answer("/cgi-bin/living/get_living_code", json!({"errcode": 0}));
    let (answer, log) = logged(client.living().send(&request)).await;
    assert_eq!(answer.expect("not a failure").living_code, "");
    assert!(log.contains("GetLivingCodeResponse.living_code"), "{log}");
    assert!(log.contains("guarantees"), "{log}");

    server.answer(
        "/cgi-bin/living/get_living_code",
        json!({"errcode": 0, "living_code": {"not": "a string"}}),
    );
    let (answer, log) = logged(client.living().send(&request)).await;
    assert_eq!(answer.expect("not a failure").living_code, "");
    assert!(log.contains("wrong JSON type"), "{log}");

    // Unknown enum values are kept; a nested guaranteed field left out is named with its type.
    server.answer(
        "/cgi-bin/living/get_living_info",
        json!({"errcode": 0, "living_info": {"status": 9, "theme": "t"}}),
    );
    let (answer, log) = logged(client.living().get_living_info().livingid("L").send()).await;
    let info = answer.expect("not a failure").living_info;
    assert_eq!(info.status, LivingStatus::Unknown(9));
    assert_eq!(info.theme, "t");
    assert!(log.contains("LivingInfo.anchor_userid"), "{log}");
    // Not JSON at all is still a decode error.
    server.answer("/cgi-bin/living/get_living_code", json!("<html>"));
    let err = client.living().send(&request).await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

/// The envelope and the typed fields are read in one pass: an error answer is an API error whatever
/// its other fields hold or where its errcode stands, and it logs no warning about fields a success
/// would guarantee.
#[tokio::test]
async fn an_error_answer_read_in_the_same_pass_is_an_api_error_without_field_warnings() {
    let server = Recorder::start().await;
    let wxa = WxaClient::builder()
        .credentials("wx-app", "app-secret")
        .base_url(&server.base_url)
        .validation(Profile::Off)
        .build()
        .expect("client");
    let path = "/wxaapi/broadcast/room/getassistantlist";
    let call = || wxa.broadcast().get_assistant_list().room_id(7).send();
    // serde_json writes keys in order: `count` (guaranteed, mistyped here) comes before `errcode`.
    server.answer(
        path,
        json!({"count": "many", "errcode": 300002, "errmsg": "no such room", "hint": "h"}),
    );
    let (answer, log) = logged(call()).await;
    let err = answer.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected an API error, got {err:?}")
    };
    assert_eq!((api.errcode, api.errmsg.as_str()), (300002, "no such room"));
    assert_eq!(api.extra.get("hint"), Some(&json!("h")), "{api:?}");
    assert!(
        !log.contains("WARN"),
        "an error answer logs no field warning: {log}"
    );

    // The errcode alone: still no warning about the guaranteed `count` and `maxCount`.
    server.answer(path, json!({"errcode": 300002, "errmsg": "no such room"}));
    let (answer, log) = logged(call()).await;
    assert_eq!(answer.unwrap_err().errcode(), Some(300002));
    assert!(!log.contains("WARN"), "{log}");

    // A success: the mistyped guaranteed field is its zero value, with a warning naming it; an
    // errcode written as a numeric string is read like a number.
    server.answer(
        path,
        json!({"count": "many", "errcode": "0", "maxCount": 3, "list": []}),
    );
    let (answer, log) = logged(call()).await;
    let answer = answer.expect("errcode \"0\" is a success");
    assert_eq!((answer.count, answer.max_count), (0, 3));
    assert!(log.contains("GetAssistantListResponse.count"), "{log}");

    // An errcode that is no integer at all is a decode error, not a success.
    server.answer(path, json!({"errcode": [1], "count": 1, "maxCount": 3}));
    let err = call().await.unwrap_err();
    assert!(matches!(err, Error::Decode { .. }), "{err:?}");
}

// ------------------------------------------------------------------------------ nameable errcodes

#[tokio::test]
async fn errcodes_are_named_items_to_test_and_match() {
    let server = Recorder::start().await;
    let client = WecomClient::builder()
        .credentials("ww-corp", "corp-secret")
        .base_url(&server.base_url)
        .build()
        .expect("client");
    server.answer(
        "/cgi-bin/living/get_living_code",
        json!({"errcode": errcode::INVALID_USERID.code, "errmsg": "invalid userid"}),
    );
    let err = client
        .living()
        .get_living_code()
        .livingid("L")
        .openid("o")
        .send()
        .await
        .unwrap_err();
    assert!(err.is(&errcode::INVALID_USERID));
    assert!(!err.is(&errcode::SYSTEM_BUSY));
    let kind = match err.code_info() {
        Some(&errcode::INVALID_USERID) => "user",
        Some(&errcode::SYSTEM_BUSY) => "busy",
        _ => "other",
    };
    assert_eq!(kind, "user");

    // A domain's own errcodes are looked up for its operations.
    let wxa_server = Recorder::start().await;
    let wxa = WxaClient::builder()
        .credentials("wx-app", "app-secret")
        .base_url(&wxa_server.base_url)
        .validation(Profile::Off)
        .build()
        .expect("client");
    let code = broadcast::errcode::ROOM_NAME_VIOLATES_RULES;
    wxa_server.answer(
        "/wxaapi/broadcast/room/create",
        json!({"errcode": code.code, "errmsg": "name"}),
    );
    let start = unix_in(3600);
    let err = wxa
        .broadcast()
        .create_room()
        .name("测试直播间")
        .cover_img("M")
        .start_time(start)
        .end_time(start + 7200)
        .anchor_name("主播小王")
        .anchor_wechat("w")
        .share_img("M")
        .feeds_img("M")
        .live_type(broadcast::RoomType::PhoneLive)
        .close_like(false)
        .close_goods(false)
        .close_comment(false)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.code_info(), Some(&code), "{err}");
    assert!(err.to_string().contains(code.name), "{err}");
}

#[test]
fn every_declared_errcode_is_listed_once_with_a_unique_name() {
    let lists: [&[wxlive::runtime::meta::ErrorCodeInfo]; 3] = [
        errcode::ALL,
        wxlive::wxa::errcode::ALL,
        broadcast::errcode::ALL,
    ];
    for all in lists {
        assert!(!all.is_empty());
        let mut names: Vec<&str> = all.iter().map(|e| e.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), all.len(), "names are unique: {all:?}");
    }
    // The product's table is what the runtime consults.
    assert_eq!(wxlive::wecom::PRODUCT.errors, errcode::ALL);
}

// ----------------------------------------------------------------------------- the error type

#[tokio::test]
async fn configuration_and_encoding_errors_are_their_own_variants_and_say_what_to_do() {
    let err = WecomClient::builder().build().unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains(".credentials("), "{err}");

    let err = WecomClient::builder()
        .credentials("ww-corp", "corp-secret")
        .base_url("qyapi.weixin.qq.com")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err:?}");
    assert!(err.to_string().contains("base URL"), "{err}");

    // A price that is not a finite number cannot be encoded: nothing is sent.
    let server = Recorder::start().await;
    let wxa = WxaClient::builder()
        .credentials("wx-app", "app-secret")
        .base_url(&server.base_url)
        .validation(Profile::Off)
        .build()
        .expect("client");
    let err = wxa
        .broadcast()
        .add_goods()
        .goods_info(GoodsInfo {
            cover_img_url: Some("M".into()),
            name: Some("耳机".into()),
            price_type: Some(PriceType::Fixed),
            price: Some(f64::NAN.into()),
            url: Some("pages/index".into()),
            ..GoodsInfo::default()
        })
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Encode { .. }), "{err:?}");
    assert!(err.to_string().contains("nothing was sent"), "{err}");
    assert!(server.calls().is_empty(), "{:?}", server.calls());
}
