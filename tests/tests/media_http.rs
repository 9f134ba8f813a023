//! Uploads and downloads over loopback HTTP: the multipart bytes on the wire, the official samples,
//! the file limits checked before sending, downloads told apart from the errcode envelope, Range,
//! the token retry of re-openable files, and the mock's upload store (also fed malformed multipart).

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{header, HeaderMap, Method, Uri};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::json;
use wxlive::runtime::mock::MockServer;
use wxlive::runtime::{ByteRange, UploadFile};
use wxlive::wecom::media::{MediaType, UploadRequest};
use wxlive::wecom::WecomClient;
use wxlive::Error;

/// One request as the capture server saw it: method, path and query, headers, raw body.
#[derive(Debug, Clone)]
struct Seen {
    method: String,
    uri: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A loopback server answering the token endpoint itself and every other request with `answer`.
async fn capture(answer: fn() -> Response) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    let app = Router::new().fallback(
        move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
            let log = log.clone();
            async move {
                if uri.path() == "/cgi-bin/gettoken" {
                    return axum::Json(json!({"errcode": 0, "errmsg": "ok", "access_token": "TOKEN", "expires_in": 7200}))
                        .into_response();
                }
                log.lock().unwrap().push(Seen {
                    method: method.to_string(),
                    uri: uri.to_string(),
                    headers,
                    body: body.to_vec(),
                });
                answer()
            }
        },
    );
    let app = app.layer(axum::extract::DefaultBodyLimit::disable());
    (wxlive_tests::serve(app).await, seen)
}

fn client(base_url: &str) -> WecomClient {
    WecomClient::builder()
        .credentials("corp", "secret")
        .base_url(base_url)
        .retry_policy(wxlive_tests::fast_retries())
        .build()
        .unwrap()
}

async fn mock() -> MockServer {
    MockServer::start(wxlive::wecom::mock_config())
        .await
        .expect("mock starts")
}

fn official_upload_answer() -> Response {
    // The official sample of 上传临时素材 (90253), `errmsg: ""` and a string `created_at` included.
    (
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"errcode": 0, "errmsg": "", "type": "image", "media_id": "1G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0", "created_at": "1380000000"}"#,
    )
        .into_response()
}

#[tokio::test]
async fn an_upload_sends_the_official_multipart_layout_and_decodes_the_official_answer() {
    let (url, seen) = capture(official_upload_answer).await;
    let answer = client(&url)
        .media()
        .upload()
        .media_type(MediaType::File)
        .send(
            UploadFile::bytes(b"mytext".to_vec(), "wework.txt")
                .content_type("application/octet-stream"),
        )
        .await
        .expect("uploaded");
    assert_eq!(
        answer.media_id,
        "1G6nrLmr5EC3MMb_-zK1dDdzmd0p7cNliYu9V5w7o8K0"
    );
    assert_eq!(answer.created_at.as_deref(), Some("1380000000"));
    assert_eq!(answer.media_type, Some(MediaType::Image));

    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    let call = &seen[0];
    assert_eq!(call.method, "POST");
    assert!(
        call.uri.starts_with("/cgi-bin/media/upload?"),
        "{}",
        call.uri
    );
    assert!(call.uri.contains("access_token=TOKEN") && call.uri.contains("type=file"));
    let content_type = call.headers[header::CONTENT_TYPE].to_str().unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type");
    assert_eq!(
        call.headers[header::CONTENT_LENGTH].to_str().unwrap(),
        call.body.len().to_string()
    );
    let expected = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"wework.txt\"; filelength=6\r\nContent-Type: application/octet-stream\r\n\r\nmytext\r\n--{boundary}--\r\n"
    );
    assert_eq!(String::from_utf8_lossy(&call.body), expected);
}

#[tokio::test]
async fn files_over_their_limit_or_of_another_format_are_refused_before_sending() {
    let (url, seen) = capture(official_upload_answer).await;
    let client = client(&url);
    // voice: 2MB (2^20 bytes) and AMR only (90253).
    let too_big = client
        .media()
        .upload()
        .media_type(MediaType::Voice)
        .send(UploadFile::bytes(vec![0u8; 2 * 1024 * 1024 + 1], "a.amr"))
        .await
        .unwrap_err();
    let Error::Validation { source, .. } = &too_big else {
        panic!("expected a validation error, got {too_big}");
    };
    assert!(source.has("media", "max_size(2097152)"), "{source}");
    let wrong_type = client
        .media()
        .upload()
        .media_type(MediaType::Image)
        .send(UploadFile::bytes(vec![1u8; 100], "cover.gif"))
        .await
        .unwrap_err();
    let Error::Validation { source, .. } = &wrong_type else {
        panic!("expected a validation error, got {wrong_type}");
    };
    assert!(source.has("media", "extensions"), "{source}");
    // Every file is larger than 5 bytes.
    let tiny = client
        .media()
        .upload()
        .media_type(MediaType::File)
        .send(UploadFile::bytes(b"12345".to_vec(), "a.txt"))
        .await
        .unwrap_err();
    assert!(
        matches!(&tiny, Error::Validation { source, .. } if source.has("media", "min_size(6)"))
    );
    // The limits follow `type`: the same 2 MiB + 1 file is fine as a `file`.
    client
        .media()
        .upload()
        .media_type(MediaType::File)
        .send(UploadFile::bytes(vec![0u8; 2 * 1024 * 1024 + 1], "a.amr"))
        .await
        .expect("a file may be 20MB");
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "only the valid upload was sent"
    );
}

#[tokio::test]
async fn a_json_send_of_a_file_operation_is_refused() {
    let (url, seen) = capture(official_upload_answer).await;
    let request = UploadRequest::builder()
        .media_type(MediaType::Image)
        .build()
        .unwrap();
    let err = client(&url).media().send(&request).await.unwrap_err();
    assert!(matches!(err, Error::Config { .. }), "{err}");
    assert!(seen.lock().unwrap().is_empty());
}

fn error_envelope_json() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        r#"{"errcode": 40007, "errmsg": "invalid media_id"}"#,
    )
        .into_response()
}

fn error_envelope_untyped() -> Response {
    // The official error sample omits the headers: no Content-Type worth trusting, no Content-disposition.
    (
        [(header::CONTENT_TYPE, "application/octet-stream")],
        "\n{\n \"errcode\": 40007,\n \"errmsg\": \"invalid media_id\"\n}",
    )
        .into_response()
}

#[tokio::test]
async fn a_download_answered_with_the_errcode_envelope_is_an_api_error_and_writes_nothing() {
    for answer in [
        error_envelope_json as fn() -> Response,
        error_envelope_untyped,
    ] {
        let (url, _) = capture(answer).await;
        let mut out: Vec<u8> = Vec::new();
        let err = client(&url)
            .media()
            .get()
            .media_id("MEDIA_ID")
            .send_to(&mut out, None)
            .await
            .unwrap_err();
        assert_eq!(err.errcode(), Some(40007), "{err}");
        assert!(out.is_empty(), "error bytes reached the writer");
    }
}

fn official_download_answer() -> Response {
    // The official success sample of 获取临时素材 (90254): lowercase `Content-disposition`.
    (
        [
            (header::CONTENT_TYPE, "image/jpeg"),
            (
                header::HeaderName::from_static("content-disposition"),
                "attachment; filename=\"MEDIA_ID.jpg\"",
            ),
            (header::CACHE_CONTROL, "no-cache, must-revalidate"),
        ],
        b"\xff\xd8\xff{not json".to_vec(),
    )
        .into_response()
}

fn text_file_answer() -> Response {
    // A text file that happens to look like JSON without an errcode is a file, not an error.
    (
        [
            (header::CONTENT_TYPE, "text/plain"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"a.json\"",
            ),
        ],
        r#"{"hello": "world"}"#,
    )
        .into_response()
}

#[tokio::test]
async fn a_download_keeps_the_headers_and_streams_the_body() {
    let (url, seen) = capture(official_download_answer).await;
    let file = client(&url)
        .media()
        .get()
        .media_id("MEDIA_ID")
        .send(None)
        .await
        .expect("downloaded");
    assert_eq!(file.bytes, b"\xff\xd8\xff{not json");
    assert_eq!(file.info.file_name.as_deref(), Some("MEDIA_ID.jpg"));
    assert_eq!(file.info.content_type.as_deref(), Some("image/jpeg"));
    assert_eq!(file.info.content_length, Some(file.bytes.len() as u64));
    assert_eq!(file.info.status, 200);
    {
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0].method, "GET");
        assert!(seen[0].uri.starts_with("/cgi-bin/media/get?"));
        assert!(seen[0].uri.contains("media_id=MEDIA_ID"));
        assert!(seen[0].headers.get(header::RANGE).is_none());
    }

    let (url, _) = capture(text_file_answer).await;
    let file = client(&url)
        .media()
        .get()
        .media_id("X")
        .send(None)
        .await
        .unwrap();
    assert_eq!(file.bytes, br#"{"hello": "world"}"#);
}

#[tokio::test]
async fn uploads_are_stored_by_the_mock_and_download_whole_or_by_range() {
    let server = mock().await;
    let client = wxlive_tests::mock_client(&server);
    let image: Vec<u8> = (0..=255u8).cycle().take(1000).collect();
    let uploaded = client
        .media()
        .upload()
        .media_type(MediaType::Image)
        .send(UploadFile::bytes(image.clone(), "cover.png"))
        .await
        .expect("uploaded");
    let (stored, name, content_type) = server.media(&uploaded.media_id).expect("stored");
    assert_eq!(
        (stored, name.as_str(), content_type.as_str()),
        (image.clone(), "cover.png", "image/png")
    );

    let whole = client
        .media()
        .get()
        .media_id(&uploaded.media_id)
        .send(None)
        .await
        .unwrap();
    assert_eq!(whole.bytes, image);
    assert_eq!(whole.info.file_name.as_deref(), Some("cover.png"));
    assert_eq!(whole.info.content_type.as_deref(), Some("image/png"));

    let mut out = Vec::new();
    let part = client
        .media()
        .get()
        .media_id(&uploaded.media_id)
        .send_to(&mut out, Some(ByteRange::new(16, 31)))
        .await
        .unwrap();
    assert_eq!(out, image[16..=31]);
    assert_eq!(part.status, 206);
    let range = part.content_range.expect("a Content-Range");
    assert_eq!((range.start, range.end, range.total), (16, 31, Some(1000)));
    let last = client
        .media()
        .get()
        .media_id(&uploaded.media_id)
        .send(Some(ByteRange::from(990)))
        .await
        .unwrap();
    assert_eq!(last.bytes, image[990..]);
    assert!(last.info.content_range.unwrap().is_last());

    let bad_range = client
        .media()
        .get()
        .media_id(&uploaded.media_id)
        .send(Some(ByteRange::from(5000)))
        .await
        .unwrap_err();
    assert!(
        bad_range.is(&wxlive::wecom::media::errcode::INVALID_RANGE_HEADER),
        "{bad_range}"
    );
    let unknown = client
        .media()
        .get()
        .media_id("nope")
        .send(None)
        .await
        .unwrap_err();
    assert_eq!(unknown.errcode(), Some(40007));
}

#[tokio::test]
async fn paths_and_readers_stream_and_only_reopenable_files_are_retried_after_a_token_error() {
    let server = mock().await;
    let client = wxlive_tests::mock_client(&server);
    let dir = std::env::temp_dir().join(format!("wxlive-media-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("clip.mp4");
    let video: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &video).unwrap();

    // A path is read again after the token errcode: the retry succeeds.
    client
        .media()
        .get()
        .media_id("warm-up")
        .send(None)
        .await
        .unwrap_err();
    server.expire_tokens();
    let from_path = client
        .media()
        .upload()
        .media_type(MediaType::Video)
        .send(UploadFile::path(&path).await.unwrap())
        .await
        .expect("retried with a fresh token");
    assert_eq!(server.media(&from_path.media_id).unwrap().0, video);

    // A reader is read once: the token errcode comes back instead of a retry.
    server.expire_tokens();
    let reader = tokio::fs::File::open(&path).await.unwrap();
    let err = client
        .media()
        .upload()
        .media_type(MediaType::Video)
        .send(UploadFile::reader(reader, video.len() as u64, "clip.mp4"))
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(42001), "{err}");
    // With a fresh token the same reader kind goes through.
    let reader = tokio::fs::File::open(&path).await.unwrap();
    let from_reader = client
        .media()
        .upload()
        .media_type(MediaType::Video)
        .send(UploadFile::reader(reader, video.len() as u64, "clip.mp4"))
        .await
        .unwrap();
    assert_eq!(server.media(&from_reader.media_id).unwrap().0, video);
    // A reader shorter than its stated length fails instead of sending a short body.
    let short = client
        .media()
        .upload()
        .media_type(MediaType::File)
        .send(UploadFile::reader(&b"only ten b"[..], 100, "a.bin"))
        .await
        .unwrap_err();
    assert!(!matches!(short, Error::Validation { .. }), "{short}");
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn the_mock_answers_malformed_multipart_with_the_errcode_and_keeps_serving() {
    let server = mock().await;
    let http = reqwest::Client::new();
    let base = server.base_url();
    let token: serde_json::Value = http
        .get(format!(
            "{base}/cgi-bin/gettoken?corpid=mock-corp&corpsecret=mock-secret"
        ))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let url = format!("{base}/cgi-bin/media/upload?access_token={token}&type=file");
    for (content_type, body) in [
        ("multipart/form-data; boundary=b", &b"--b\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nno closing delimiter"[..]),
        ("multipart/form-data; boundary=b", b"--b\r\nContent-Disposition: form-data; name=\"other\"; filename=\"a.txt\"\r\n\r\nabcdefg\r\n--b--\r\n"),
        ("multipart/form-data", b"--b--"),
        ("application/json", b"{\"media\": \"abcdefg\"}"),
    ] {
        let answer: serde_json::Value = http
            .post(&url)
            .header("content-type", content_type)
            .body(body.to_vec())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(answer["errcode"], 44001, "{answer}");
    }
    // Over the limit on the server side too (the mock checks the spec's limits as the server would).
    let big = format!("--b\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a.amr\"\r\n\r\n{}\r\n--b--\r\n", "x".repeat(3 << 20));
    let answer: serde_json::Value = http
        .post(format!(
            "{base}/cgi-bin/media/upload?access_token={token}&type=voice"
        ))
        .header("content-type", "multipart/form-data; boundary=b")
        .body(big)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["errcode"], 40006, "{answer}");
    // Still serving.
    let client = wxlive_tests::mock_client(&server);
    let ok = client
        .media()
        .upload()
        .media_type(MediaType::File)
        .send(UploadFile::bytes(b"hello world".to_vec(), "a.txt"))
        .await
        .unwrap();
    assert_eq!(server.media(&ok.media_id).unwrap().0, b"hello world");
}

#[tokio::test]
async fn the_mini_program_upload_and_download_round_trip_through_its_mock() {
    let server = MockServer::start(wxlive::wxa::mock_config()).await.unwrap();
    let (id, secret) = server.credentials();
    let client = wxlive::wxa::WxaClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let image = vec![7u8; 4096];
    let up = client
        .media()
        .upload()
        .media_type(wxlive::wxa::media::MediaType::Image)
        .send(UploadFile::bytes(image.clone(), "share.jpg"))
        .await
        .unwrap();
    let down = client
        .media()
        .get()
        .media_id(&up.media_id)
        .send(None)
        .await
        .unwrap();
    assert_eq!(down.bytes, image);
    assert_eq!(down.info.file_name.as_deref(), Some("share.jpg"));
    // thumb: 64KB, JPG.
    let thumb = client
        .media()
        .upload()
        .media_type(wxlive::wxa::media::MediaType::Thumb)
        .send(UploadFile::bytes(vec![0u8; 65537], "t.jpg"))
        .await
        .unwrap_err();
    assert!(
        matches!(&thumb, Error::Validation { source, .. } if source.has("media", "max_size(65536)"))
    );
}

#[test]
fn the_openapi_export_describes_the_file_operations_as_the_spec_does() {
    use wxlive::runtime::media_spec::Transfer;
    use wxlive::runtime::ApiRequest;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../generated/openapi/wecom.json"
    );
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let upload = &doc["paths"]["/cgi-bin/media/upload"]["post"];
    let Transfer::Upload(spec) = <UploadRequest as ApiRequest>::TRANSFER else {
        panic!("media.upload is an upload");
    };
    let form = &upload["requestBody"]["content"]["multipart/form-data"]["schema"];
    assert_eq!(form["properties"][spec.part]["format"], "binary", "{form}");
    assert!(form["required"]
        .as_array()
        .unwrap()
        .contains(&json!(spec.part)));
    assert!(upload["requestBody"]["content"]
        .get("application/json")
        .is_none());
    let limits = upload["x-upload"]["limits"].as_array().unwrap();
    assert_eq!(limits.len(), spec.limits.len());
    for (exported, limit) in limits.iter().zip(spec.limits) {
        assert_eq!(exported["when"].as_str(), limit.when);
        assert_eq!(exported["max_size"].as_u64(), limit.max_size);
    }
    let get = &doc["paths"]["/cgi-bin/media/get"]["get"];
    let ok = &get["responses"]["200"]["content"];
    assert_eq!(ok["application/octet-stream"]["schema"]["format"], "binary");
    assert!(ok["application/json"].is_object(), "the errcode envelope");
    assert!(get["responses"]["206"].is_object());
    assert!(get["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["in"] == "header" && p["name"] == "Range"));
    // No Range where the page does not document it.
    let jssdk = &doc["paths"]["/cgi-bin/media/get/jssdk"]["get"];
    assert!(jssdk["responses"]["206"].is_null());
}

#[tokio::test]
async fn a_download_refreshes_an_expired_token_once_and_writes_only_the_file() {
    let server = mock().await;
    let client = wxlive_tests::mock_client(&server);
    let id = server.seed_media(b"seeded file bytes".to_vec(), "seed.txt", "text/plain");
    client
        .media()
        .get()
        .media_id(&id)
        .send(None)
        .await
        .expect("first download");
    let issued = server.tokens_issued();
    server.expire_tokens();
    let mut out = Vec::new();
    let info = client
        .media()
        .get()
        .media_id(&id)
        .send_to(&mut out, None)
        .await
        .expect("retried with a fresh token");
    assert_eq!(
        out, b"seeded file bytes",
        "the 42001 envelope never reached the writer"
    );
    assert_eq!(info.written, out.len() as u64);
    assert_eq!(server.tokens_issued(), issued + 1);
    assert_eq!(server.calls("media.get"), 3);
}
