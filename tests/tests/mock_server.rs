//! The generated client against the mock server over loopback: the stateful living lifecycle, every
//! fault kind, validator rejections, and bad requests that must get WeCom-shaped errors.

use std::time::Duration;

use futures::TryStreamExt;
use serde_json::{json, Value};
use wxlive::runtime::mock::{Fault, MockServer, Target};
use wxlive::wecom::living::*;
use wxlive::wecom::WecomClient;
use wxlive::Error;

async fn mock() -> MockServer {
    MockServer::start(wxlive::wecom::mock_config())
        .await
        .expect("mock starts")
}

fn client_for(server: &MockServer) -> WecomClient {
    wxlive_tests::mock_client(server)
}

fn soon() -> i64 {
    wxlive_tests::unix_in(600)
}

fn create_request(anchor: &str, theme: &str) -> CreateRequest {
    CreateRequest::builder()
        .anchor_userid(anchor)
        .theme(theme)
        .living_start(soon())
        .living_duration(1800)
        .build()
        .unwrap()
}

async fn create(client: &WecomClient, anchor: &str) -> String {
    client
        .living()
        .send(&create_request(anchor, "周会"))
        .await
        .unwrap()
        .livingid
}

async fn info(client: &WecomClient, livingid: &str) -> LivingInfo {
    let r = client
        .living()
        .send(&GetLivingInfoRequest {
            livingid: livingid.into(),
        })
        .await
        .unwrap();
    r.living_info
}

#[tokio::test]
async fn create_get_modify_cancel_lifecycle() {
    let server = mock().await;
    let client = client_for(&server);
    let id = create(&client, "zhangsan").await;
    let live = info(&client, &id).await;
    assert_eq!(live.status, LivingStatus::Booked);
    assert_eq!(live.theme.as_str(), "周会");
    assert_eq!(
        live.r#type,
        LivingType::General,
        "the documented default type"
    );
    assert_eq!(live.reserve_living_duration, 1800);

    let modify = ModifyRequest::builder()
        .livingid(id.clone())
        .theme("周会（改）")
        .build()
        .unwrap();
    client.living().send(&modify).await.unwrap();
    assert_eq!(info(&client, &id).await.theme.as_str(), "周会（改）");

    client
        .living()
        .send(&CancelRequest {
            livingid: id.clone(),
        })
        .await
        .unwrap();
    assert_eq!(info(&client, &id).await.status, LivingStatus::Cancelled);

    let err = client.living().send(&modify).await.unwrap_err();
    assert_eq!(err.errcode(), Some(40058));
    assert!(err.to_string().contains("status is 4"), "{err}");
    let err = client
        .living()
        .send(&CancelRequest {
            livingid: id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(40058));

    let err = client
        .living()
        .send(&GetLivingInfoRequest {
            livingid: "nope".into(),
        })
        .await
        .unwrap_err();
    assert!(err.to_string().contains("does not exist"), "{err}");
}

#[tokio::test]
async fn get_user_all_livingid_pages_through_the_anchors_lives() {
    let server = mock().await;
    let client = client_for(&server);
    let mut mine = Vec::new();
    for _ in 0..5 {
        mine.push(create(&client, "zhangsan").await);
    }
    create(&client, "lisi").await;
    let first = GetUserAllLivingidRequest::builder()
        .userid("zhangsan")
        .limit(2)
        .build()
        .unwrap();
    let pages: Vec<GetUserAllLivingidResponse> = client
        .living()
        .pages(first.clone())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].next_cursor.as_str(), "");
    let ids: Vec<String> = client.living().items(first).try_collect().await.unwrap();
    assert_eq!(ids, mine);
}

#[tokio::test]
async fn get_watch_stat_pages_until_ending() {
    let server = mock().await;
    let client = client_for(&server);
    let id = create(&client, "zhangsan").await;
    for n in 0..5 {
        server.seed("watchers", json!({"livingid": id, "userid": format!("u{n}"), "watch_time": 30 + n, "is_comment": 1, "is_mic": 0}));
    }
    server.seed("watchers", json!({"livingid": "another", "userid": "x"}));
    let pages: Vec<GetWatchStatResponse> = client
        .living()
        .pages(GetWatchStatRequest {
            livingid: id,
            next_key: None,
        })
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(
        pages.iter().map(|p| p.ending).collect::<Vec<_>>(),
        [false, false, true]
    );
    let users: Vec<String> = pages
        .iter()
        .flat_map(|p| p.stat_info.clone().users)
        .map(|u| u.userid)
        .collect();
    assert_eq!(users, ["u0", "u1", "u2", "u3", "u4"]);
}

#[tokio::test]
async fn delete_replay_data_only_for_an_ended_live_with_replay() {
    let server = mock().await;
    let client = client_for(&server);
    let id = create(&client, "zhangsan").await;
    let request = DeleteReplayDataRequest {
        livingid: id.clone(),
    };
    let err = client.living().send(&request).await.unwrap_err();
    assert!(err.to_string().contains("status is 0"), "{err}");
    assert!(server.update_record(
        "lives",
        &id,
        json!({"status": 2, "open_replay": 1, "replay_status": 0})
    ));
    client.living().send(&request).await.unwrap();
    assert_eq!(
        info(&client, &id).await.replay_status,
        Some(ReplayStatus::Deleted)
    );
}

#[tokio::test]
async fn stateless_endpoints_answer_their_fixtures() {
    let server = mock().await;
    let client = client_for(&server);
    let code = client
        .living()
        .send(&GetLivingCodeRequest {
            livingid: "L".into(),
            openid: "o".into(),
        })
        .await
        .unwrap();
    assert_eq!(code.living_code.as_str(), "abcdef");
    let share = client
        .living()
        .send(&GetLivingShareInfoRequest {
            ww_share_code: "C".into(),
        })
        .await
        .unwrap();
    assert_eq!(share.livingid.as_str(), "livingid");
}

#[tokio::test]
async fn the_mocks_validators_reject_what_the_client_would_have() {
    let server = mock().await;
    let (id, secret) = server.credentials();
    let client = WecomClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .validate_requests(false)
        .build()
        .unwrap();
    let mut request = create_request("zhangsan", "t");
    request.theme = "标".repeat(21);
    let err = client.living().send(&request).await.unwrap_err();
    let api = err.as_api().expect("typed API error");
    assert_eq!(api.errcode, 40058);
    assert_eq!(api.name(), "invalid_parameter");
    assert!(
        api.errmsg.contains("theme: max_chars(20)"),
        "{}",
        api.errmsg
    );
    assert!(server.records("lives").is_empty());
}

#[tokio::test]
async fn a_wrong_secret_gets_the_real_errcode() {
    let server = mock().await;
    let client = WecomClient::builder()
        .credentials("mock-corp", "wrong")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let err = client
        .living()
        .send(&CancelRequest {
            livingid: "L".into(),
        })
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Token(_)));
    assert_eq!(err.errcode(), Some(40001));
    let client = WecomClient::builder()
        .credentials("other-corp", "mock-secret")
        .base_url(server.base_url())
        .build()
        .unwrap();
    let err = client
        .living()
        .send(&CancelRequest {
            livingid: "L".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(40013));
}

mod faults {
    use super::*;

    fn get(id: &str) -> GetLivingInfoRequest {
        GetLivingInfoRequest {
            livingid: id.into(),
        }
    }

    #[tokio::test]
    async fn busy_burst_is_retried_and_succeeds() {
        let server = mock().await;
        let client = client_for(&server);
        let id = create(&client, "a").await;
        server.inject(
            Target::Operation("living.get_living_info".into()),
            Fault::Errcode(-1),
            2,
        );
        client
            .living()
            .send(&get(&id))
            .await
            .expect("succeeds after two retries");
        assert_eq!(server.calls("living.get_living_info"), 3);
    }

    #[tokio::test]
    async fn busy_past_the_bound_fails_cleanly() {
        let server = mock().await;
        let client = client_for(&server);
        server.inject(Target::All, Fault::Errcode(-1), 10);
        let err = client.living().send(&get("x")).await.unwrap_err();
        assert_eq!(err.errcode(), Some(-1));
        assert!(err.is_retryable());
        assert_eq!(
            server.calls("living.get_living_info"),
            4,
            "1 try + 3 retries"
        );
    }

    #[tokio::test]
    async fn busy_create_is_not_retried() {
        let server = mock().await;
        let client = client_for(&server);
        server.inject(
            Target::Operation("living.create".into()),
            Fault::Errcode(-1),
            1,
        );
        let err = client
            .living()
            .send(&create_request("a", "t"))
            .await
            .unwrap_err();
        assert_eq!(err.errcode(), Some(-1));
        assert_eq!(server.calls("living.create"), 1);
    }

    #[tokio::test]
    async fn expired_token_mid_flight_is_refreshed_once() {
        let server = mock().await;
        let client = client_for(&server);
        let id = create(&client, "a").await;
        server.expire_tokens();
        client
            .living()
            .send(&get(&id))
            .await
            .expect("refreshed and retried");
        assert_eq!(server.tokens_issued(), 2);
    }

    #[tokio::test]
    async fn injected_token_errcodes_refresh_and_retry() {
        for code in [42001, 40014] {
            let server = mock().await;
            let client = client_for(&server);
            let id = create(&client, "a").await;
            server.inject(Target::All, Fault::Errcode(code), 1);
            client.living().send(&get(&id)).await.expect("retried once");
            assert_eq!(server.tokens_issued(), 2, "errcode {code}");
        }
    }

    #[tokio::test]
    async fn throttling_surfaces_as_retryable() {
        let server = mock().await;
        let client = client_for(&server);
        server.inject(Target::All, Fault::Errcode(45009), 10);
        let err = client.living().send(&get("x")).await.unwrap_err();
        assert_eq!(err.as_api().unwrap().name(), "api_freq_out_of_limit");
        assert!(err.is_retryable());
        assert_eq!(
            server.calls("living.get_living_info"),
            3,
            "1 try + 2 bounded retries"
        );
    }

    #[tokio::test]
    async fn latency_past_the_timeout_is_a_transport_error() {
        let server = mock().await;
        let (id, secret) = server.credentials();
        let client = WecomClient::builder()
            .credentials(id, secret.to_owned())
            .base_url(server.base_url())
            .timeout(Duration::from_millis(200))
            .build()
            .unwrap();
        server.inject(Target::All, Fault::Latency(Duration::from_millis(600)), 1);
        let err = client.living().send(&get("x")).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
        assert!(err.to_string().contains("timed out"), "{err}");
    }

    #[tokio::test]
    async fn dropped_connection_on_a_read_is_a_transport_error() {
        let server = mock().await;
        let client = client_for(&server);
        server.inject(Target::All, Fault::DropBefore, 1);
        let err = client.living().send(&get("x")).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    }

    #[tokio::test]
    async fn dropped_after_create_is_outcome_unknown_and_exactly_one_live_exists() {
        let server = mock().await;
        let client = client_for(&server);
        server.inject(
            Target::Operation("living.create".into()),
            Fault::DropAfter,
            1,
        );
        let err = client
            .living()
            .send(&create_request("zhangsan", "t"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
        assert!(err.to_string().contains("outcome unknown"), "{err}");
        assert_eq!(server.calls("living.create"), 1, "never re-sent");
        assert_eq!(
            server.records("lives").len(),
            1,
            "the live was created exactly once"
        );
    }

    #[tokio::test]
    async fn an_unreadable_answer_to_create_is_outcome_unknown_and_the_live_exists_once() {
        let server = mock().await;
        let client = client_for(&server);
        server.inject(
            Target::Operation("living.create".into()),
            Fault::TruncatedJson,
            1,
        );
        let err = client
            .runtime()
            .send(&create_request("zhangsan", "t"))
            .await
            .unwrap_err();
        match &err {
            Error::OutcomeUnknown { message, .. } => {
                assert!(message.contains("HTTP 200"), "{message}")
            }
            other => {
                panic!("a create that took effect must not read as a plain failure: {other:?}")
            }
        }
        assert_eq!(server.calls("living.create"), 1, "never re-sent");
        assert_eq!(server.records("lives").len(), 1);
    }

    #[tokio::test]
    async fn a_gateway_502_to_create_is_outcome_unknown_but_a_404_page_is_not() {
        let server = mock().await;
        let client = client_for(&server);
        server.inject(Target::All, Fault::Html502, 1);
        let err = client
            .runtime()
            .send(&create_request("zhangsan", "t"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
        assert!(err.to_string().contains("HTTP 502"), "{err}");
        assert_eq!(server.calls("living.create"), 1, "never re-sent");

        // A 4xx page means nothing was processed: that stays a decode error.
        let app = axum::Router::new()
            .fallback(|| async { (axum::http::StatusCode::NOT_FOUND, "<html>not here</html>") });
        let base = wxlive_tests::serve(app).await;
        let client = WecomClient::builder()
            .token_provider(std::sync::Arc::new(FixedToken))
            .base_url(base)
            .build()
            .unwrap();
        let err = client
            .runtime()
            .send(&create_request("zhangsan", "t"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Decode { status: 404, .. }), "{err:?}");
    }

    /// A token provider that needs no server.
    #[derive(Debug)]
    struct FixedToken;

    impl wxlive::runtime::token::TokenProvider for FixedToken {
        fn fetch<'a>(
            &'a self,
            _: &'a wxlive::runtime::http::Transport,
        ) -> futures::future::BoxFuture<'a, Result<wxlive::runtime::token::FetchedToken, Error>>
        {
            Box::pin(async {
                Ok(wxlive::runtime::token::FetchedToken {
                    token: "fixed".into(),
                    expires_in: Duration::from_secs(7200),
                })
            })
        }
    }

    #[tokio::test]
    async fn truncated_json_is_a_decode_error_with_an_excerpt() {
        let server = mock().await;
        let client = client_for(&server);
        let id = create(&client, "a").await;
        server.inject(Target::All, Fault::TruncatedJson, 1);
        let err = client.living().send(&get(&id)).await.unwrap_err();
        match &err {
            Error::Decode {
                excerpt, status, ..
            } => {
                assert_eq!(*status, 200);
                assert!(excerpt.starts_with("{\"errcode\":0"), "{excerpt}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_html_502_is_a_decode_error_naming_the_status() {
        let server = mock().await;
        let client = client_for(&server);
        server.inject(Target::All, Fault::Html502, 1);
        let err = client.living().send(&get("x")).await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("HTTP 502") && text.contains("502 Bad Gateway"),
            "{text}"
        );
    }
}

mod bad_requests {
    use super::*;

    async fn raw(
        server: &MockServer,
        method: reqwest::Method,
        path_and_query: &str,
        body: Option<&str>,
    ) -> (u16, Value) {
        let http = reqwest::Client::new();
        let mut request = http.request(method, format!("{}{path_and_query}", server.base_url()));
        if let Some(body) = body {
            request = request.body(body.to_owned());
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.expect("always JSON"))
    }

    async fn token(server: &MockServer) -> String {
        let (status, body) = raw(
            server,
            reqwest::Method::GET,
            "/cgi-bin/gettoken?corpid=mock-corp&corpsecret=mock-secret",
            None,
        )
        .await;
        assert_eq!(status, 200);
        body["access_token"].as_str().unwrap().to_owned()
    }

    #[tokio::test]
    async fn bad_requests_get_wecom_shaped_errors_and_the_server_keeps_serving() {
        let server = mock().await;
        let t = token(&server).await;
        let post = reqwest::Method::POST;
        let cases = [
            (
                reqwest::Method::GET,
                format!("/cgi-bin/living/create?access_token={t}"),
                None,
                43002,
            ),
            (
                post.clone(),
                format!("/cgi-bin/living/get_living_info?access_token={t}"),
                None,
                43001,
            ),
            (
                post.clone(),
                format!("/cgi-bin/living/cancel?access_token={t}"),
                Some("not json"),
                47001,
            ),
            (
                post.clone(),
                format!("/cgi-bin/living/cancel?access_token={t}"),
                Some("[1,2]"),
                47001,
            ),
            (
                post.clone(),
                "/cgi-bin/living/cancel".to_owned(),
                Some("{}"),
                41001,
            ),
            (
                post.clone(),
                "/cgi-bin/living/cancel?access_token=forged".to_owned(),
                Some("{}"),
                40014,
            ),
            (
                post.clone(),
                format!("/cgi-bin/living/cancel?access_token={t}"),
                Some("{}"),
                40058,
            ),
            (
                post.clone(),
                format!("/cgi-bin/living/create?access_token={t}"),
                Some(r#"{"theme": 5}"#),
                40058,
            ),
            (
                reqwest::Method::GET,
                "/cgi-bin/gettoken?corpid=mock-corp".to_owned(),
                None,
                40001,
            ),
        ];
        for (method, path, body, errcode) in cases {
            let (status, answer) = raw(&server, method.clone(), &path, body).await;
            assert_eq!(status, 200, "{method} {path}");
            assert_eq!(answer["errcode"], errcode, "{method} {path}: {answer}");
            assert!(answer["errmsg"].as_str().is_some_and(|m| !m.is_empty()));
        }
        let (status, answer) = raw(&server, post.clone(), "/cgi-bin/living/nope", Some("{}")).await;
        assert_eq!((status, answer["errcode"].as_i64()), (404, Some(404)));
        let (_, answer) = raw(
            &server,
            post,
            &format!("/cgi-bin/living/cancel?access_token={t}"),
            Some("{}"),
        )
        .await;
        assert!(
            answer["errmsg"].as_str().unwrap().contains("livingid"),
            "the errmsg names the field: {answer}"
        );
        // Still serving.
        let client = client_for(&server);
        create(&client, "a").await;
    }
}

mod control_api {
    use super::*;

    #[tokio::test]
    async fn faults_tokens_and_records_are_driven_over_http() {
        let server = mock().await;
        let client = client_for(&server);
        let http = reqwest::Client::new();
        let control = |path: &str| format!("{}/__mock/{path}", server.base_url());
        let id = create(&client, "a").await;

        let fault = json!({"fault": "errcode", "errcode": 48002, "target": "living.get_living_info", "times": 1});
        let r: Value = http
            .post(control("faults"))
            .json(&fault)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(r["errcode"], 0);
        let err = client
            .living()
            .send(&GetLivingInfoRequest {
                livingid: id.clone(),
            })
            .await
            .unwrap_err();
        assert_eq!(err.errcode(), Some(48002));

        http.post(control("expire_tokens")).send().await.unwrap();
        client
            .living()
            .send(&GetLivingInfoRequest {
                livingid: id.clone(),
            })
            .await
            .unwrap();
        assert_eq!(server.tokens_issued(), 2);

        let seeded: Value = http
            .post(control("records/watchers"))
            .json(&json!({"livingid": id, "userid": "u"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(seeded["id"].as_str().is_some());
        let lives: Value = http
            .get(control("records/lives"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(lives["records"].as_array().unwrap().len(), 1);

        let bad = http
            .post(control("faults"))
            .json(&json!({"fault": "gremlins"}))
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status().as_u16(), 400);
        let text = bad.text().await.unwrap();
        assert!(text.contains("unknown fault `gremlins`"), "{text}");
    }
}

mod wxa {
    use super::*;
    use wxlive::wxa::broadcast::{GetLiveInfoRequest, GetReplayRequest};
    use wxlive::wxa::WxaClient;

    #[tokio::test]
    async fn the_mini_program_product_is_served_from_its_spec_alone() {
        let server = MockServer::start(wxlive::wxa::mock_config()).await.unwrap();
        let (id, secret) = server.credentials();
        let client = WxaClient::builder()
            .credentials(id, secret.to_owned())
            .base_url(server.base_url())
            .build()
            .unwrap();
        // Two operations share /wxa/business/getliveinfo; the `action` constant tells them apart.
        let rooms = client
            .broadcast()
            .send(&GetLiveInfoRequest {
                start: 0,
                limit: 10,
            })
            .await
            .unwrap();
        assert!(!rooms.room_info.is_empty(), "{rooms:?}");
        // The fixture's room is live now: its times are relative to when the mock started.
        let room = &rooms.room_info[0];
        let now = wxlive_tests::unix_in(0);
        assert!(
            room.start_time <= now && now < room.end_time,
            "{room:?} at {now}"
        );
        let replays = client
            .broadcast()
            .send(&GetReplayRequest {
                room_id: 1,
                start: 0,
                limit: 10,
            })
            .await
            .unwrap();
        assert!(!replays.live_replay.is_empty(), "{replays:?}");
        assert_eq!(
            server.tokens_issued(),
            1,
            "its own token endpoint (stable_token)"
        );
        let wrong = WxaClient::builder()
            .credentials(id, "nope")
            .base_url(server.base_url())
            .build()
            .unwrap();
        let err = wrong
            .broadcast()
            .send(&GetLiveInfoRequest {
                start: 0,
                limit: 10,
            })
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Token(_)), "{err:?}");
    }
}

#[tokio::test]
async fn unreadable_mock_rules_stop_the_server_from_starting() {
    let mut config = wxlive::wecom::mock_config();
    let route = config
        .routes
        .iter_mut()
        .find(|r| r.behaviour.is_some())
        .expect("the living spec has mock rules");
    let operation = format!("{}.{}", route.operation.domain, route.operation.name);
    route.behaviour = Some(r#"{"create": {"store": 1}}"#);
    let err = MockServer::start(config)
        .await
        .expect_err("a broken mock rule is never dropped");
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert!(
        err.to_string()
            .contains(&format!("the mock rule of `{operation}`")),
        "{err}"
    );

    let base = wxlive::wecom::mock_config();
    let config = wxlive::runtime::mock::MockConfig::new(
        base.product,
        base.routes.clone(),
        Some(r#"{"not_an_errcode_name": 1}"#),
    );
    let err = MockServer::start(config)
        .await
        .expect_err("a broken errcode table is never replaced by defaults");
    assert!(err.to_string().contains("mock errcodes"), "{err}");
}

#[tokio::test]
async fn a_third_party_app_gets_its_corp_token_through_the_flow_the_product_spec_describes() {
    use std::sync::Arc;
    use wxlive::runtime::token::CredentialTokenProvider;
    let server = mock().await;
    let (corp, permanent_code) = server.credentials();
    // Nothing of the flow is in Rust: get_corp_token and its suite-token step come from
    // spec/wecom/product.yaml (`auth.alternatives`).
    let provider = Arc::new(
        CredentialTokenProvider::for_endpoint(
            &wxlive::wecom::PRODUCT,
            "get_corp_token",
            corp,
            permanent_code.to_owned(),
        )
        .unwrap()
        .with_var("suite_id", server.token_var("suite_id"))
        .with_var("suite_secret", server.token_var("suite_secret")),
    );
    let client = WecomClient::builder()
        .token_provider(provider.clone())
        .base_url(server.base_url())
        .retry_policy(wxlive_tests::fast_retries())
        .build()
        .unwrap();
    let get = |client: &WecomClient| {
        let client = client.clone();
        async move {
            client
                .living()
                .send(&GetLivingInfoRequest {
                    livingid: "nope".into(),
                })
                .await
        }
    };
    // No suite_ticket yet: a token error that says which credential is missing.
    let err = get(&client).await.unwrap_err();
    assert!(
        matches!(err, Error::Token(_)) && err.to_string().contains("suite_ticket"),
        "{err}"
    );
    provider.set_var("suite_ticket", "stale-ticket");
    let err = get(&client).await.unwrap_err();
    assert!(matches!(err, Error::Token(_)), "{err}");
    provider.set_var("suite_ticket", server.token_var("suite_ticket"));
    let id = create(&client, "zhangsan").await;
    assert!(!id.is_empty());
    assert_eq!(
        server.tokens_issued(),
        2,
        "one suite token, one corp token, reused for the second call"
    );

    // The suite token itself is never a business token.
    let http = reqwest::Client::new();
    let suite: Value = http
        .post(format!(
            "{}/cgi-bin/service/get_suite_token",
            server.base_url()
        ))
        .json(&json!({
            "suite_id": server.token_var("suite_id"),
            "suite_secret": server.token_var("suite_secret"),
            "suite_ticket": server.token_var("suite_ticket"),
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let suite_token = suite["suite_access_token"].as_str().expect("a suite token");
    let answer: Value = http
        .get(format!(
            "{}/cgi-bin/living/get_living_info?access_token={suite_token}&livingid={id}",
            server.base_url()
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["errcode"], 40014, "{answer}");
}

#[tokio::test]
async fn the_mini_program_mock_serves_stable_token_and_the_legacy_token() {
    use wxlive::wxa::broadcast::DeleteRoomRequest;
    use wxlive::wxa::WxaClient;
    let server = MockServer::start(wxlive::wxa::mock_config()).await.unwrap();
    let (id, secret) = server.credentials();
    for endpoint in [None, Some("token")] {
        let mut builder = WxaClient::builder()
            .credentials(id, secret.to_owned())
            .base_url(server.base_url());
        if let Some(name) = endpoint {
            builder = builder.token_endpoint(name);
        }
        let client = builder.build().unwrap();
        let before = server.tokens_issued();
        client
            .broadcast()
            .send(&DeleteRoomRequest { room_id: 1 })
            .await
            .unwrap_or_else(|e| panic!("{endpoint:?}: {e}"));
        assert_eq!(server.tokens_issued(), before + 1, "{endpoint:?}");
    }
}

/// What long runs need from the mock: random faults that keep coming, counts of what was injected and
/// of token calls, a journal of creates without a state rule, bounded records, and a clean stop.
mod chaos {
    use super::*;
    use wxlive::runtime::mock::{FaultKind, FaultPlan};
    use wxlive::wxa::broadcast::{CreateRoomRequest, RoomType};

    #[tokio::test]
    async fn a_fault_plan_keeps_injecting_and_the_mock_counts_what_it_injected() {
        let server = mock().await;
        let client = client_for(&server);
        let always_busy = FaultPlan::new(3)
            .with(Target::All, Fault::Errcode(-1), 1.0)
            .unwrap();
        server.set_fault_plan(Some(always_busy));
        let get = GetLivingInfoRequest {
            livingid: "LI-none".into(),
        };
        for _ in 0..2 {
            let err = client.runtime().send(&get).await.unwrap_err();
            assert_eq!(err.errcode(), Some(-1), "{err:?}");
        }
        // Each call: the first try and 3 retries, every one of them busy.
        assert_eq!(server.calls("living.get_living_info"), 8);
        let injected = server.injected_faults();
        assert_eq!(injected.business(FaultKind::Errcode(-1)), 8);
        assert_eq!(server.token_calls(), 1, "one token for every call");

        server.set_fault_plan(None);
        let err = client.runtime().send(&get).await.unwrap_err();
        assert_eq!(err.errcode(), Some(40058), "no live of that id: {err:?}");

        let token_down = FaultPlan::new(3)
            .with(Target::Token, Fault::Html502, 1.0)
            .unwrap();
        server.set_fault_plan(Some(token_down));
        let err = client_for(&server).runtime().send(&get).await.unwrap_err();
        assert!(matches!(err, Error::Token(_)), "{err:?}");
        assert_eq!(server.token_calls(), 2);
        assert_eq!(server.injected_faults().token(FaultKind::Html502), 1);
        assert_eq!(
            server.calls("living.get_living_info"),
            9,
            "no call without a token"
        );
    }

    fn room(name: &str) -> CreateRoomRequest {
        let start = wxlive_tests::unix_in(3600);
        CreateRoomRequest {
            name: name.into(),
            cover_img: "cover".into(),
            start_time: start,
            end_time: start + 3600,
            anchor_name: "anchor".into(),
            anchor_wechat: "anchor-wechat".into(),
            share_img: "share".into(),
            feeds_img: "feeds".into(),
            live_type: RoomType::PhoneLive,
            close_like: false,
            close_goods: false,
            close_comment: false,
            sub_anchor_wechat: None,
            creater_wechat: None,
            // Optional flags left out: the mock decodes the request all the same.
            is_feeds_public: None,
            close_replay: None,
            close_share: None,
            close_kf: None,
        }
    }

    #[tokio::test]
    async fn the_journal_holds_the_requests_that_took_effect() {
        let server = MockServer::start(wxlive::wxa::mock_config()).await.unwrap();
        let (id, secret) = server.credentials();
        let client = wxlive::wxa::WxaClient::builder()
            .credentials(id, secret.to_owned())
            .base_url(server.base_url())
            .build()
            .unwrap();
        client
            .runtime()
            .send(&room("before journal"))
            .await
            .unwrap();
        server.journal("broadcast.create_room");
        client.runtime().send(&room("kept room")).await.unwrap();
        server.inject(Target::All, Fault::DropBefore, 1);
        let err = client
            .runtime()
            .send(&room("never made"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
        server.inject(Target::All, Fault::DropAfter, 1);
        let err = client
            .runtime()
            .send(&room("made, unanswered"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");

        let names: Vec<Value> = server
            .take_journal("broadcast.create_room")
            .into_iter()
            .map(|r| r["name"].clone())
            .collect();
        assert_eq!(names, [json!("kept room"), json!("made, unanswered")]);
        assert!(
            server.take_journal("broadcast.create_room").is_empty(),
            "taken"
        );
        assert!(
            server.take_journal("broadcast.get_live_info").is_empty(),
            "never on"
        );
    }

    #[tokio::test]
    async fn old_records_are_handed_over_and_the_newest_stay() {
        let server = mock().await;
        let client = client_for(&server);
        for theme in ["one", "two", "three"] {
            client
                .runtime()
                .send(&create_request("zhangsan", theme))
                .await
                .unwrap();
        }
        let themes: Vec<Value> = server
            .take_records("lives", 1)
            .into_iter()
            .map(|r| r["theme"].clone())
            .collect();
        assert_eq!(themes, [json!("one"), json!("two")]);
        let left = server.records("lives");
        assert_eq!(left.len(), 1);
        assert_eq!(left[0]["theme"], "three");
        assert!(server.take_records("no such store", 0).is_empty());
    }

    #[tokio::test]
    async fn a_stopped_mock_refuses_calls_and_keeps_its_records() {
        let server = mock().await;
        let client = client_for(&server);
        create(&client, "zhangsan").await;
        server.stop().await;
        let err = client
            .runtime()
            .send(&create_request("zhangsan", "after stop"))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Transport {
                    maybe_sent: false,
                    ..
                }
            ),
            "{err:?}"
        );
        assert_eq!(server.records("lives").len(), 1);
        server.stop().await;
    }
}
