//! Measures the memory a file transfer costs. Uploads a 20 MiB file (from a path, then from a reader)
//! through the generated client to an in-process loopback server that consumes the body chunk by
//! chunk, and downloads a 20 MiB file the server streams, into a writer (`send_to`); reports the
//! growth of the process's peak RSS (`VmHWM` in /proc/self/status, reset through /proc/self/clear_refs
//! before each transfer) over its RSS before it. Exits 1 when a streamed transfer grows the peak by
//! 8 MiB or more: the file must stream, not be buffered. A control of each direction holds the same
//! 20 MiB in memory (an upload from bytes, a download with `send`) and must grow the peak by at least
//! 15 MiB (else exit 1: the measurement would be blind).
//!
//! `cargo run --release -p wxlive-tests --bin wxlive-transfer-rss` (also run by
//! `tests/tests/transfer_memory.rs`).

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
    if uri.path() == "/cgi-bin/media/get" {
        return file_answer();
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

/// The download: `FILE_BYTES` made 64 KiB at a time, so the server holds no more than a chunk.
fn file_answer() -> axum::response::Response {
    const CHUNK: usize = 64 << 10;
    let chunks = (FILE_BYTES as usize).div_ceil(CHUNK);
    let stream = futures::stream::iter(0..chunks).map(|i| {
        let chunk: Vec<u8> = (0..CHUNK).map(|j| ((i * CHUNK + j) % 251) as u8).collect();
        Ok::<_, std::io::Error>(axum::body::Bytes::from(chunk))
    });
    axum::response::Response::builder()
        .header("Content-Type", "application/octet-stream")
        .header("Content-Disposition", "attachment; filename=\"big.bin\"")
        .header("Content-Length", FILE_BYTES.to_string())
        .body(Body::from_stream(stream))
        .expect("a download answer")
}

/// Runs `transfer` with the peak RSS reset; answers (RSS before, peak after, growth, reset done).
async fn measure<F: std::future::Future>(transfer: F) -> (F::Output, serde_json::Value, u64) {
    let resettable = reset_peak();
    let before = status_bytes("VmRSS").expect("VmRSS");
    let peak_before = status_bytes("VmHWM").expect("VmHWM");
    let out = transfer.await;
    let peak = status_bytes("VmHWM").expect("VmHWM");
    let growth = peak.saturating_sub(if resettable { before } else { peak_before });
    let figures = json!({
        "rss_before_bytes": before,
        "peak_after_bytes": peak,
        "peak_growth_bytes": growth,
        "peak_reset": resettable,
    });
    (out, figures, growth)
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

    let dir = std::env::temp_dir().join(format!("wxlive-transfer-rss-{}", std::process::id()));
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
        // The file is opened (or, for the control, read) inside the measured window.
        let upload = async {
            let file = match source {
                "path" => UploadFile::path(&path).await.expect("path"),
                "bytes (control)" => {
                    UploadFile::bytes(std::fs::read(&path).expect("read"), "big.bin")
                }
                _ => UploadFile::reader(
                    tokio::fs::File::open(&path).await.expect("open"),
                    FILE_BYTES,
                    "big.bin",
                ),
            };
            client
                .media()
                .upload()
                .media_type(MediaType::File)
                .send(file)
                .await
        };
        let (answer, mut figures, growth) = measure(upload).await;
        let received: u64 = answer
            .expect("upload")
            .media_id
            .trim_start_matches("received-")
            .parse()
            .expect("byte count");
        assert!(
            received > FILE_BYTES,
            "the server received {received} bytes"
        );
        if source.starts_with("bytes") {
            control = growth;
        } else {
            worst = worst.max(growth);
        }
        figures["source"] = json!(source);
        figures["file_bytes"] = json!(FILE_BYTES);
        figures["server_received_bytes"] = json!(received);
        report.push(figures);
    }
    // Downloads: into a writer (streamed), then into memory (the control).
    let mut downloads = Vec::new();
    let mut download_control = 0u64;
    for target in ["writer", "memory (control)"] {
        let get = client.media().get().media_id("big");
        let (written, mut figures, growth) = if target == "writer" {
            let (info, figures, growth) = measure(get.send_to(&mut tokio::io::sink(), None)).await;
            (info.expect("download").written, figures, growth)
        } else {
            let (file, figures, growth) = measure(get.send(None)).await;
            (file.expect("download").bytes.len() as u64, figures, growth)
        };
        assert_eq!(written, FILE_BYTES, "the whole file arrived");
        if target == "writer" {
            worst = worst.max(growth);
        } else {
            download_control = growth;
        }
        figures["target"] = json!(target);
        figures["file_bytes"] = json!(FILE_BYTES);
        figures["received_bytes"] = json!(written);
        downloads.push(figures);
    }
    std::fs::remove_dir_all(&dir).ok();
    println!(
        "{}",
        json!({
            "uploads": report,
            "downloads": downloads,
            "limit_bytes": LIMIT_BYTES,
            "worst_growth_bytes": worst,
            "control_growth_bytes": control,
            "download_control_growth_bytes": download_control,
        })
    );
    if worst >= LIMIT_BYTES {
        eprintln!(
            "a streamed transfer grew the peak RSS by {worst} bytes, over the {LIMIT_BYTES} limit"
        );
        std::process::exit(1);
    }
    for (direction, control) in [("upload", control), ("download", download_control)] {
        if control < FILE_BYTES / 4 * 3 {
            eprintln!("the in-memory {direction} control grew the peak by only {control} bytes: the measurement cannot see a buffered file");
            std::process::exit(1);
        }
    }
}
