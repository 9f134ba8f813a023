//! The official samples recorded in the spec decode into the generated types, and the official
//! request samples serialise back to the same JSON.

mod support;

use serde_json::Value;
use wxlive::runtime::callback::{CallbackEvent, XmlDoc};
use wxlive::wecom::living::*;

fn living() -> wxlive_codegen::ir::Domain {
    let spec = wxlive_codegen::load(&support::root().join("spec"), "spec").unwrap();
    spec.products
        .into_iter()
        .flat_map(|p| p.domains)
        .find(|d| d.name == "living")
        .unwrap()
}

fn sample_response(name: &str) -> Value {
    living()
        .endpoints
        .into_iter()
        .find(|e| e.name == name)
        .unwrap()
        .example_response
        .unwrap()
}

macro_rules! decodes {
    ($($name:literal => $ty:ty),* $(,)?) => {{
        let mut n = 0;
        $(
            let sample = sample_response($name);
            let typed: $ty = serde_json::from_value(sample.clone())
                .unwrap_or_else(|e| panic!("{} sample does not decode: {e}", $name));
            n += 1;
            let _ = typed;
        )*
        n
    }};
}

#[test]
fn every_official_sample_response_decodes() {
    let n = decodes!(
        "create" => CreateResponse,
        "modify" => ModifyResponse,
        "cancel" => CancelResponse,
        "delete_replay_data" => DeleteReplayDataResponse,
        "get_living_code" => GetLivingCodeResponse,
        "get_user_all_livingid" => GetUserAllLivingidResponse,
        "get_living_info" => GetLivingInfoResponse,
        "get_watch_stat" => GetWatchStatResponse,
        "get_living_share_info" => GetLivingShareInfoResponse,
    );
    assert_eq!(n, living().endpoints.len(), "every endpoint is covered");
}

#[test]
fn the_get_living_info_example_decodes_field_by_field() {
    let sample = sample_response("get_living_info");
    let living_info = sample["living_info"].as_object().unwrap();
    assert!(
        living_info.contains_key("status") && !living_info.contains_key("status "),
        "the example uses the real `status` key, not the official sample's typo: {living_info:?}"
    );
    assert!(
        !living_info.contains_key("push_stream_url"),
        "a general live (type 0) that has expired has no push_stream_url (93635)"
    );
    let r: GetLivingInfoResponse = serde_json::from_value(sample).unwrap();
    let info = r.living_info;
    assert_eq!(info.theme, "直角三角形讲解");
    assert_eq!(info.status, LivingStatus::Expired);
    assert_eq!(info.living_start, 1586405229);
    assert_eq!(info.replay_status, Some(ReplayStatus::Deleted));
    assert_eq!(info.r#type, LivingType::General);
    assert_eq!(info.push_stream_url, None);
    assert_eq!(info.subscribe_count, 1);
}

/// The official sample of get_living_info (93635/96835) as published, typo included: `"status "`
/// with a trailing space.
const OFFICIAL_GET_LIVING_INFO_SAMPLE: &str = r#"{
   "errcode": 0,
   "errmsg": "ok",
   "living_info":{
        "theme": "直角三角形讲解",
        "living_start": 1586405229,
        "living_duration": 1800,
        "status ": 3,
        "reserve_start": 1586405239,
        "reserve_living_duration": 1600,
        "description": "小学数学精选课程",
        "anchor_userid": "zhangsan",
        "main_department": 1,
        "viewer_num": 100,
        "comment_num": 110,
        "mic_num": 120,
        "open_replay": 1,
        "replay_status": 2,
        "type": 0,
        "push_stream_url": "https://www.qq.test.com",
        "online_count": 1,
        "subscribe_count": 1
    }
}"#;

#[test]
fn the_official_sample_with_the_status_typo_still_decodes_into_status() {
    let raw: Value = serde_json::from_str(OFFICIAL_GET_LIVING_INFO_SAMPLE).unwrap();
    assert!(
        raw["living_info"].get("status ").is_some() && raw["living_info"].get("status").is_none(),
        "the test runs on the typo"
    );
    let r: GetLivingInfoResponse =
        serde_json::from_str(OFFICIAL_GET_LIVING_INFO_SAMPLE).expect("the official sample decodes");
    let info = r.living_info;
    assert_eq!(
        info.status,
        LivingStatus::Expired,
        "the `status ` key is an alias of `status`"
    );
    assert_eq!(info.r#type, LivingType::General);
    assert_eq!(info.subscribe_count, 1);
    // Written back, the field has its real name.
    let written = serde_json::to_value(&info).unwrap();
    assert_eq!(written["status"], 3);
    assert!(written.get("status ").is_none());
    // Apart from the key and the push_stream_url the sample shows on a type-0 live, the sample and
    // the spec's example agree.
    let mut sample = raw;
    let living_info = sample["living_info"].as_object_mut().unwrap();
    let status = living_info.remove("status ").unwrap();
    living_info.insert("status".into(), status);
    living_info.remove("push_stream_url");
    assert_eq!(sample, sample_response("get_living_info"));
}

#[test]
fn the_watch_stat_sample_ends_paging() {
    let r: GetWatchStatResponse =
        serde_json::from_value(sample_response("get_watch_stat")).unwrap();
    assert!(r.ending);
    let stat = r.stat_info;
    assert_eq!(stat.users.len(), 1);
    assert_eq!(stat.external_users[1].r#type, ExternalUserType::Wecom);
}

#[test]
fn the_create_sample_request_round_trips() {
    let sample = living()
        .endpoints
        .into_iter()
        .find(|e| e.name == "create")
        .unwrap()
        .example_request
        .unwrap();
    let request = CreateRequest {
        anchor_userid: "zhangsan".into(),
        theme: "theme".into(),
        living_start: 1600000000,
        living_duration: 3600,
        description: Some("test description".into()),
        r#type: Some(LivingType::Activity),
        agentid: Some(1000014),
        remind_time: Some(60),
        activity_cover_mediaid: Some("MEDIA_ID".into()),
        activity_share_mediaid: Some("MEDIA_ID".into()),
        activity_detail: Some(ActivityDetail {
            description: Some("活动描述，非活动类型的直播不用传".into()),
            image_list: vec!["MEDIA_ID_1".into(), "MEDIA_ID_2".into()],
        }),
    };
    assert_eq!(serde_json::to_value(&request).unwrap(), sample);
}

#[test]
fn the_callback_sample_decodes_and_unknown_events_fall_back() {
    let cb = living().callbacks.into_iter().next().unwrap();
    let doc = XmlDoc::parse(cb.example.clone()).unwrap();
    match Event::from_xml(&doc) {
        Event::LivingStatusChange(e) => {
            assert_eq!(e.living_id.as_deref(), Some("LivingId"));
            assert_eq!(e.status, Some(LivingStatus::Living));
            assert_eq!(e.agent_id, Some(1));
            assert_eq!(e.create_time, Some(1348831860));
            assert_eq!(e.to_user_name.as_deref(), Some("toUser"));
        }
        other => panic!("{other:?}"),
    }
    let xml =
        "<xml><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_contact]]></Event></xml>";
    let doc = XmlDoc::parse(xml).unwrap();
    assert_eq!(
        Event::from_xml(&doc),
        Event::Unknown {
            event: Some("change_contact".into()),
            raw_xml: xml.into()
        }
    );
    // A new status value and a garbage number never fail either.
    let xml =
        "<xml><Event>living_status_change</Event><Status>9</Status><AgentID>x</AgentID></xml>";
    match Event::from_xml(&XmlDoc::parse(xml).unwrap()) {
        Event::LivingStatusChange(e) => {
            assert_eq!(e.status, Some(LivingStatus::Unknown(9)));
            assert_eq!(e.agent_id, None);
        }
        other => panic!("{other:?}"),
    }
}
