//! Measures the memory an upload costs: uploads a 20 MiB file (from a path, then from a reader) through
//! the generated client to an in-process loopback server that consumes the body chunk by chunk, and
//! reports the growth of the process's peak RSS (`VmHWM` in /proc/self/status, reset through
//! /proc/self/clear_refs before each upload) over its RSS before it. Exits 1 when an upload grows the
//! peak by 8 MiB or more: the file must stream, not be buffered. A control upload of the same 20 MiB held in
//! memory must grow the peak by at least 15 MiB (else exit 1: the measurement would be blind).
//!
//! `cargo run --release -p wxlive-tests --bin wxlive-upload-rss` (also run by `tests/tests/upload_memory.rs`).

use std::io::Write;

use axum::body::Body;
use axum::http::Uri;
use axum::response::IntoResponse;
use futures::StreamExt;
use serde_json::json;
use wxlive::runtime::UploadFile;
use wxlive::wecom::media::MediaType;
use wxlive::wecom::WecomClient;

const FILE_BYTES: u64 = 20 << 20;
const LIMIT_BYTES: u64 = 8 << 20;

/// A field of /proc/self/status in bytes (`VmRSS`, `VmHWM`).
fn status_bytes(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Resets VmHWM to the current RSS; `false` when the kernel does not allow it.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

async fn sink(uri: Uri, body: Body) -> axum::response::Response {
    if uri.path() == "/cgi-bin/gettoken" {
        return axum::Json(
            json!({"errcode": 0, "errmsg": "ok", "access_token": "T", "expires_in": 7200}),
        )
        .into_response();
    }
    let mut stream = body.into_data_stream();
    let mut received: u64 = 0;
    while let Some(chunk) = stream.next().await {
        match chunk {
            Ok(chunk) => received += chunk.len() as u64,
            Err(_) => break,
        }
    }
    axum::Json(json!({"errcode": 0, "errmsg": "", "type": "file", "media_id": format!("received-{received}"), "created_at": "1"}))
        .into_response()
}

#[tokio::main]
async fn main() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new()
        .fallback(sink)
        .layer(axum::extract::DefaultBodyLimit::disable());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = WecomClient::builder()
        .credentials("corp", "secret")
        .base_url(format!("http://{addr}"))
        .build()
        .expect("client");

    let dir = std::env::temp_dir().join(format!("wxlive-upload-rss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("big.bin");
    {
        let mut f = std::fs::File::create(&path).expect("create");
        let block: Vec<u8> = (0..1 << 20).map(|i| (i % 251) as u8).collect();
        for _ in 0..(FILE_BYTES >> 20) {
            f.write_all(&block).expect("write");
        }
    }
    // Warm up: connections, token, runtime threads.
    let warm = client
        .media()
        .upload()
        .media_type(MediaType::File)
        .send(UploadFile::bytes(vec![1u8; 4096], "warm.bin"))
        .await
        .expect("warm-up upload");
    assert!(warm.media_id.starts_with("received-"), "{}", warm.media_id);

    let mut worst = 0u64;
    let mut report = Vec::new();
    // The control: 20 MiB held in memory must show up, or the measurement could not catch buffering.
    let mut control = 0u64;
    for source in ["path", "reader", "bytes (control)"] {
        let resettable = reset_peak();
        let before = status_bytes("VmRSS").expect("VmRSS");
        let peak_before = status_bytes("VmHWM").expect("VmHWM");
        let file = match source {
            "path" => UploadFile::path(&path).await.expect("path"),
            "bytes (control)" => UploadFile::bytes(std::fs::read(&path).expect("read"), "big.bin"),
            _ => UploadFile::reader(
                tokio::fs::File::open(&path).await.expect("open"),
                FILE_BYTES,
                "big.bin",
            ),
        };
        let answer = client
            .media()
            .upload()
            .media_type(MediaType::File)
            .send(file)
            .await
            .expect("upload");
        let received: u64 = answer
            .media_id
            .trim_start_matches("received-")
            .parse()
            .expect("byte count");
        assert!(
            received > FILE_BYTES,
            "the server received {received} bytes"
        );
        let peak = status_bytes("VmHWM").expect("VmHWM");
        let baseline = if resettable { before } else { peak_before };
        let growth = peak.saturating_sub(baseline);
        if source.starts_with("bytes") {
            control = growth;
        } else {
            worst = worst.max(growth);
        }
        report.push(json!({
            "source": source,
            "file_bytes": FILE_BYTES,
            "server_received_bytes": received,
            "rss_before_bytes": before,
            "peak_after_bytes": peak,
            "peak_growth_bytes": growth,
            "peak_reset": resettable,
        }));
    }
    std::fs::remove_dir_all(&dir).ok();
    println!(
        "{}",
        json!({"uploads": report, "limit_bytes": LIMIT_BYTES, "worst_growth_bytes": worst, "control_growth_bytes": control})
    );
    if worst >= LIMIT_BYTES {
        eprintln!("an upload grew the peak RSS by {worst} bytes, over the {LIMIT_BYTES} limit");
        std::process::exit(1);
    }
    if control < FILE_BYTES / 4 * 3 {
        eprintln!("the in-memory control grew the peak by only {control} bytes: the measurement cannot see a buffered file");
        std::process::exit(1);
    }
}
