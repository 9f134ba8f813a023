//! The hand-written baseline the client benchmark and `examples/call_instructions.rs` compare the
//! generated client with: the official sample answer of get_living_info and the same call written by
//! hand with reqwest + serde_json.

use std::time::Duration;

use serde::Deserialize;

/// The official sample answer of get_living_info (with the `"status "` typo).
pub const LIVING_INFO: &str = r#"{"errcode":0,"errmsg":"ok","living_info":{"theme":"直角三角形讲解","living_start":1586405229,"living_duration":1800,"status ":3,"reserve_start":1586405239,"reserve_living_duration":1600,"description":"小学数学精选课程","anchor_userid":"zhangsan","main_department":1,"viewer_num":100,"comment_num":110,"mic_num":120,"open_replay":1,"replay_status":2,"type":0,"push_stream_url":"https://www.qq.test.com","online_count":1,"subscribe_count":1}}"#;

/// The hand-written baseline's answer type: what a person would declare for this endpoint.
#[derive(Debug, Deserialize)]
pub struct HandAnswer {
    /// The errcode (0 when absent).
    #[serde(default)]
    pub errcode: i64,
    /// The errmsg.
    #[serde(default)]
    pub errmsg: String,
    /// The live, every field decoded.
    #[serde(default)]
    pub living_info: Option<HandLivingInfo>,
}

/// A live as a person would declare it. Every field is decoded, as the generated type does, even though
/// the benchmarks read one. The fields are the wire's, as optional as the official page leaves them.
#[derive(Debug, Deserialize)]
pub struct HandLivingInfo {
    pub theme: Option<String>,
    pub living_start: Option<i64>,
    pub living_duration: Option<i32>,
    #[serde(alias = "status ")]
    pub status: Option<i64>,
    pub reserve_start: Option<i64>,
    pub reserve_living_duration: Option<i32>,
    pub description: Option<String>,
    pub anchor_userid: Option<String>,
    pub main_department: Option<i32>,
    pub viewer_num: Option<i32>,
    pub comment_num: Option<i32>,
    pub mic_num: Option<i32>,
    pub open_replay: Option<i32>,
    pub replay_status: Option<i32>,
    #[serde(rename = "type")]
    pub living_type: Option<i32>,
    pub push_stream_url: Option<String>,
    pub online_count: Option<i32>,
    pub subscribe_count: Option<i32>,
}

/// One get_living_info call written by hand: reqwest, the token in the query, serde_json, errcode check.
pub async fn hand_written_call(
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
    livingid: &str,
) -> Result<HandAnswer, String> {
    let body = http
        .get(format!("{base_url}/cgi-bin/living/get_living_info"))
        .query(&[("access_token", token), ("livingid", livingid)])
        .send()
        .await
        .map_err(|e| e.to_string())?
        .bytes()
        .await
        .map_err(|e| e.to_string())?;
    let answer: HandAnswer = serde_json::from_slice(&body).map_err(|e| e.to_string())?;
    if answer.errcode != 0 {
        return Err(format!("errcode {}: {}", answer.errcode, answer.errmsg));
    }
    Ok(answer)
}

/// The same reqwest settings as the generated client's defaults.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("reqwest client")
}
