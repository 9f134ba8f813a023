//! Client benchmarks against a loopback axum server that answers `gettoken` and `get_living_info`:
//!
//! - `client_overhead`: sequential `get_living_info` calls through the generated client, next to the
//!   same call written by hand with reqwest + serde_json (the baseline, same server, same run), and
//!   a paired ratio of the two from interleaved batches, robust to load that drifts between runs,
//!   and the client-side steps that differ (decoding, validation) without HTTP;
//! - `token_refresh`: 1,000 concurrent calls that all find the cached token expired: the time until
//!   all complete, and how many `gettoken` calls they caused (the goal is exactly one per burst).
//!
//! Run: `cargo bench -p wxlive-tests --bench client` (`cargo xtask bench` runs it and fills in
//! BENCHMARKS.md). When `WXLIVE_BENCH_EXTRAS` names a file, the paired ratios and the gettoken
//! counts of every burst are appended to it as JSON lines.

use std::hint::black_box;
use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion, SamplingMode};
use wxlive::wecom::living::{GetLivingInfoRequest, GetLivingInfoResponse};
use wxlive::wecom::{WecomClient, PRODUCT};
use wxlive_runtime::http::{decode_answer, RawResponse};
use wxlive_runtime::ApiRequest as _;
use wxlive_runtime::Validate as _;
use wxlive_tests::baseline::{hand_written_call, http_client, HandAnswer, LIVING_INFO};

/// How many calls find the token expired at once.
const CONCURRENT_CALLS: usize = 1_000;

/// What the server counts and how it answers gettoken.
#[derive(Default)]
struct ServerState {
    gettoken_calls: AtomicU64,
    /// When set, gettoken hands out tokens that expire at once (`expires_in: 0`).
    expired_tokens: AtomicBool,
}

/// The loopback server, on a runtime of its own in a background thread.
struct Server {
    base_url: String,
    state: Arc<ServerState>,
}

fn start_server() -> Server {
    let state = Arc::new(ServerState::default());
    let app = Router::new()
        .route("/cgi-bin/gettoken", get(gettoken))
        .route("/cgi-bin/living/get_living_info", get(living_info))
        .with_state(state.clone());
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    std_listener.set_nonblocking(true).expect("non-blocking");
    let addr = std_listener.local_addr().expect("local address");
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
            let _ = axum::serve(listener, app).await;
        });
    });
    Server {
        base_url: format!("http://{addr}"),
        state,
    }
}

async fn gettoken(State(state): State<Arc<ServerState>>) -> impl IntoResponse {
    let n = state.gettoken_calls.fetch_add(1, Ordering::SeqCst) + 1;
    let expires_in = if state.expired_tokens.load(Ordering::SeqCst) {
        0
    } else {
        7200
    };
    (
        [(CONTENT_TYPE, "application/json")],
        format!(
            r#"{{"errcode":0,"errmsg":"ok","access_token":"TOKEN-{n}","expires_in":{expires_in}}}"#
        ),
    )
}

async fn living_info() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], LIVING_INFO)
}

fn client_overhead(c: &mut Criterion) {
    let server = start_server();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let client = WecomClient::builder()
        .credentials("ww-corp", "corp-secret")
        .base_url(&server.base_url)
        .build()
        .expect("generated client");
    let request = GetLivingInfoRequest {
        livingid: "LIVING-1".into(),
    };
    let http = http_client();
    let token = runtime.block_on(async {
        let first = client.living().send(&request).await;
        let info = first.expect("generated call").living_info;
        assert_eq!(info.viewer_num, 100);
        let answer = hand_written_call(&http, &server.base_url, "TOKEN-1", "LIVING-1").await;
        let info = answer.expect("hand-written call").living_info;
        assert_eq!(info.and_then(|i| i.viewer_num), Some(100));
        "TOKEN-1".to_owned()
    });

    let mut group = c.benchmark_group("client_overhead");
    group.bench_function("generated_get_living_info", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let answer = client.living().send(black_box(&request)).await;
                    black_box(answer.expect("generated call"));
                }
                start.elapsed()
            })
        })
    });
    group.bench_function("baseline_hand_written_reqwest", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let start = Instant::now();
                for _ in 0..iters {
                    let answer =
                        hand_written_call(&http, &server.base_url, &token, black_box("LIVING-1"))
                            .await;
                    black_box(answer.expect("hand-written call"));
                }
                start.elapsed()
            })
        })
    });
    group.finish();

    components(c, &request);

    let ratios = runtime.block_on(paired_ratios(
        &client,
        &request,
        &http,
        &server.base_url,
        &token,
    ));
    report_ratios(&ratios);
}

/// The client-side steps that differ between the two calls, without HTTP: decoding the answer
/// (the runtime reads the errcode envelope and the typed response in one pass, as the client does)
/// against the hand-written single `serde_json` pass, and validating the request.
fn components(c: &mut Criterion, request: &GetLivingInfoRequest) {
    let raw = RawResponse {
        status: 200,
        body: LIVING_INFO.as_bytes().to_vec(),
    };
    let mut group = c.benchmark_group("client_components");
    group.bench_function("generated_decode", |b| {
        b.iter(|| {
            decode_answer::<GetLivingInfoResponse>(
                "living.get_living_info",
                &PRODUCT,
                GetLivingInfoRequest::OPERATION,
                black_box(&raw),
            )
            .is_ok_and(|typed| typed.is_ok())
        })
    });
    group.bench_function("hand_written_decode", |b| {
        b.iter(|| serde_json::from_slice::<HandAnswer>(black_box(LIVING_INFO.as_bytes())).is_ok())
    });
    group.bench_function("generated_validate", |b| {
        b.iter(|| black_box(request).validate().is_ok())
    });
    group.finish();
}

/// Rounds of the paired comparison, and calls per side in each round.
const PAIRED_ROUNDS: usize = 1_000;
const CALLS_PER_ROUND: u32 = 10;

/// The generated client's time over the hand-written call's, per round of interleaved batches (the
/// order alternates). Both sides share each round's machine load, so the ratio stays meaningful on a
/// busy machine where two separate criterion runs drift apart.
async fn paired_ratios(
    client: &WecomClient,
    request: &GetLivingInfoRequest,
    http: &reqwest::Client,
    base_url: &str,
    token: &str,
) -> Vec<f64> {
    let mut ratios = Vec::with_capacity(PAIRED_ROUNDS);
    for round in 0..PAIRED_ROUNDS {
        let mut generated = Duration::ZERO;
        let mut hand = Duration::ZERO;
        for side in [round % 2, 1 - round % 2] {
            let start = Instant::now();
            for _ in 0..CALLS_PER_ROUND {
                if side == 0 {
                    let answer = client.living().send(black_box(request)).await;
                    black_box(answer.expect("generated call"));
                } else {
                    let answer =
                        hand_written_call(http, base_url, token, black_box("LIVING-1")).await;
                    black_box(answer.expect("hand-written call"));
                }
            }
            if side == 0 {
                generated = start.elapsed();
            } else {
                hand = start.elapsed();
            }
        }
        ratios.push(generated.as_secs_f64() / hand.as_secs_f64());
    }
    ratios
}

/// Prints the paired ratios and appends their spread to `$WXLIVE_BENCH_EXTRAS` when set.
fn report_ratios(ratios: &[f64]) {
    let mut sorted = ratios.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (Some(&min), Some(&max)) = (sorted.first(), sorted.last()) else {
        return;
    };
    let median = sorted[sorted.len() / 2];
    println!(
        "client_overhead: paired generated / hand-written ratio over {} rounds of {CALLS_PER_ROUND} + {CALLS_PER_ROUND} calls: min {min:.3} median {median:.3} max {max:.3}",
        sorted.len()
    );
    append_extras(serde_json::json!({
        "id": "client_overhead/paired_ratio",
        "rounds": sorted.len(),
        "calls_per_side": CALLS_PER_ROUND,
        "min": min,
        "median": median,
        "max": max,
    }));
}

/// One burst: a fresh client whose cached token has just expired, then `CONCURRENT_CALLS` calls at
/// once. Returns the time until all completed, the gettoken calls they caused, and failed calls.
fn burst(
    runtime: &tokio::runtime::Runtime,
    server: &Server,
    http: &reqwest::Client,
) -> (Duration, u64, usize) {
    runtime.block_on(async {
        let client = WecomClient::builder()
            .credentials("ww-corp", "corp-secret")
            .base_url(&server.base_url)
            .http_client(http.clone())
            .build()
            .expect("generated client");
        let request = GetLivingInfoRequest {
            livingid: "LIVING-1".into(),
        };
        // The first call caches a token that expires at once.
        server.state.expired_tokens.store(true, Ordering::SeqCst);
        let warm = client.living().send(&request).await;
        server.state.expired_tokens.store(false, Ordering::SeqCst);
        warm.expect("warm-up call");
        let before = server.state.gettoken_calls.load(Ordering::SeqCst);
        let start = Instant::now();
        let tasks: Vec<_> = (0..CONCURRENT_CALLS)
            .map(|_| {
                let client = client.clone();
                let request = request.clone();
                tokio::spawn(async move { client.living().send(&request).await })
            })
            .collect();
        let mut failed = 0;
        for task in tasks {
            if !matches!(task.await, Ok(Ok(_))) {
                failed += 1;
            }
        }
        let elapsed = start.elapsed();
        let refreshes = server.state.gettoken_calls.load(Ordering::SeqCst) - before;
        (elapsed, refreshes, failed)
    })
}

fn token_refresh(c: &mut Criterion) {
    let server = start_server();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime");
    // One connection pool for every burst, as in a long-running service; each burst gets a fresh
    // token cache through a fresh client.
    let http = http_client();
    let counts = Mutex::new(Vec::new());
    let failures = Mutex::new(0usize);

    let mut group = c.benchmark_group("token_refresh");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.bench_function("1000_concurrent_calls_at_expiry", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let (elapsed, refreshes, failed) = burst(&runtime, &server, &http);
                total += elapsed;
                counts.lock().expect("not poisoned").push(refreshes);
                *failures.lock().expect("not poisoned") += failed;
            }
            total
        })
    });
    group.finish();

    let counts = counts.into_inner().unwrap_or_else(|e| e.into_inner());
    let failures = failures.into_inner().unwrap_or_else(|e| e.into_inner());
    report_counts(&counts, failures);
}

/// Prints the gettoken counts and appends them to `$WXLIVE_BENCH_EXTRAS` when set.
fn report_counts(counts: &[u64], failures: usize) {
    let min = counts.iter().min().copied().unwrap_or(0);
    let max = counts.iter().max().copied().unwrap_or(0);
    println!(
        "token_refresh: {} bursts of {CONCURRENT_CALLS} calls, gettoken calls per burst min {min} max {max}, failed calls {failures}",
        counts.len()
    );
    append_extras(serde_json::json!({
        "id": "token_refresh/gettoken_calls_per_burst",
        "bursts": counts.len(),
        "concurrent_calls": CONCURRENT_CALLS,
        "min": min,
        "max": max,
        "failed_calls": failures,
    }));
}

/// Appends `line` to the file named by `$WXLIVE_BENCH_EXTRAS`, if set.
fn append_extras(line: serde_json::Value) {
    let Ok(path) = std::env::var("WXLIVE_BENCH_EXTRAS") else {
        return;
    };
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| writeln!(file, "{line}"));
    if let Err(err) = written {
        eprintln!("cannot append to {path}: {err}");
    }
}

criterion_group!(benches, client_overhead, token_refresh);
criterion_main!(benches);
