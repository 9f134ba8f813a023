//! Client-side instructions per `get_living_info` call, generated client against the hand-written
//! reqwest + serde_json call of the client benchmark, counted by valgrind's callgrind: a count does not
//! move with the machine's load, unlike a time.
//!
//! Run: `cargo run --release -p wxlive-tests --example call_instructions` (needs `valgrind`). It starts
//! a loopback server in a child process, runs each client under callgrind twice (200 and 1,200 calls
//! after a warm-up call) and prints the difference per call, so that start-up and the first token
//! fetch cancel out.

use std::process::{Command, Stdio};
use std::time::Duration;

use axum::http::header::CONTENT_TYPE;
use axum::routing::get;
use axum::Router;
use wxlive::wecom::WecomClient;
use wxlive_tests::baseline::{hand_written_call, http_client, LIVING_INFO};

const TOKEN: &str = r#"{"errcode":0,"errmsg":"ok","access_token":"TOKEN-1","expires_in":7200}"#;

/// Call counts of the two runs per client.
const RUNS: [usize; 2] = [200, 1_200];

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("serve") => serve(),
        Some("client") => {
            let (side, base, calls) = (&args[2], &args[3], args[4].parse().map_err(|_| "calls")?);
            client(side == "generated", base, calls)
        }
        _ => measure(&args[0]),
    }
}

/// Runs the server child, each client under callgrind, and prints the table.
fn measure(me: &str) -> Result<(), String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    drop(listener);
    let mut server = Command::new(me)
        .args(["serve", &addr.to_string()])
        .spawn()
        .map_err(|e| format!("cannot start the server: {e}"))?;
    std::thread::sleep(Duration::from_millis(300));
    let base = format!("http://{addr}");
    let result = (|| {
        let mut per_call = Vec::new();
        for side in ["generated", "hand-written"] {
            let counts = RUNS
                .iter()
                .map(|calls| instructions(me, side, &base, *calls))
                .collect::<Result<Vec<u64>, String>>()?;
            let per = (counts[1] - counts[0]) as f64 / (RUNS[1] - RUNS[0]) as f64;
            per_call.push((side, per));
        }
        println!("| client | instructions per call | vs hand-written |\n|---|---|---|");
        let hand = per_call[1].1;
        for (side, per) in &per_call {
            println!("| {side} | {per:.0} | {:.3}× |", per / hand);
        }
        Ok(())
    })();
    let _ = server.kill();
    result
}

/// Instructions callgrind counts for one client process making `calls` calls.
fn instructions(me: &str, side: &str, base: &str, calls: usize) -> Result<u64, String> {
    let out = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--callgrind-out-file=/dev/null",
            me,
            "client",
        ])
        .args([side, base, &calls.to_string()])
        .stdout(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run valgrind (is it installed?): {e}"))?;
    let log = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("{side} client failed:\n{log}"));
    }
    log.lines()
        .find_map(|l| l.split("Collected : ").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no instruction count in valgrind's output:\n{log}"))
}

/// The loopback server: gettoken and get_living_info, fixed answers.
fn serve() -> Result<(), String> {
    let addr = std::env::args().nth(2).ok_or("serve ADDR")?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let json = |body: &'static str| async move { ([(CONTENT_TYPE, "application/json")], body) };
        let app = Router::new()
            .route("/cgi-bin/gettoken", get(move || json(TOKEN)))
            .route(
                "/cgi-bin/living/get_living_info",
                get(move || json(LIVING_INFO)),
            );
        let listener = tokio::net::TcpListener::bind(&addr)
            .await
            .map_err(|e| e.to_string())?;
        axum::serve(listener, app).await.map_err(|e| e.to_string())
    })
}

/// One client process: a warm-up call (token, connection), then `calls` calls.
fn client(generated: bool, base: &str, calls: usize) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let client = WecomClient::builder()
            .credentials("ww-corp", "corp-secret")
            .base_url(base)
            .build()
            .map_err(|e| e.to_string())?;
        let http = http_client();
        for _ in 0..=calls {
            if generated {
                let answer = client
                    .living()
                    .get_living_info()
                    .livingid("lv")
                    .send()
                    .await;
                std::hint::black_box(answer.map_err(|e| e.to_string())?);
            } else {
                let answer = hand_written_call(&http, base, "TOKEN-1", "lv").await?;
                std::hint::black_box(answer);
            }
        }
        Ok(())
    })
}
