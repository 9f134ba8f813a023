//! `cargo xtask cli-startup [--runs N] [--no-build]`: how long the `wxlive` binary takes from start to
//! answer, as a user sees it. Builds the release binary, then runs, `N` times each (default 30),
//!
//! - `wxlive --version`: process start alone (the floor), and
//! - `wxlive --mock wecom living create ...`: start, the in-process mock, a token and one call, the
//!   JSON printed,
//!
//! and prints min / median / p90 / max of the wall-clock times. Every run must succeed (a create must
//! print a `livingid`). Nothing is written: BENCHMARKS.md's "CLI start-up" section is updated by hand.

use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo xtask cli-startup [--runs N] [--no-build]

  --runs N     runs per command (default 30)
  --no-build   use target/release/wxlive as it is";

/// The main job of the CLI, as the README shows it.
const CREATE: [&str; 12] = [
    "--mock",
    "wecom",
    "living",
    "create",
    "--anchor-userid",
    "zhangsan",
    "--theme",
    "周会",
    "--living-start",
    "+1h",
    "--living-duration",
    "3600",
];

/// Runs the measurement; see the module docs.
pub fn main(args: &[String], root: &Path) -> ExitCode {
    let mut runs = 30usize;
    let mut build = true;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--runs" => match it.next().and_then(|n| n.parse().ok()).filter(|n| *n > 0) {
                Some(n) => runs = n,
                None => {
                    eprintln!("--runs needs a positive count\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--no-build" => build = false,
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if build {
        let status = super::cargo_command(root)
            .args([
                "build",
                "--release",
                "--quiet",
                "-p",
                "wxlive-cli",
                "--bin",
                "wxlive",
            ])
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!("cannot build the release binary: {status:?}");
            return ExitCode::FAILURE;
        }
    }
    let binary = root.join("target/release/wxlive");
    println!(
        "{} runs each of {} (release build)\n",
        runs,
        binary.display()
    );
    println!("| command | min | median | p90 | max |\n|---|---|---|---|---|");
    for (label, args) in [
        ("`wxlive --version`", &["--version"][..]),
        (
            "`wxlive --mock wecom living create ...` (README)",
            &CREATE[..],
        ),
    ] {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            match time(&binary, args) {
                Ok(t) => times.push(t),
                Err(e) => {
                    eprintln!("{label}: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        times.sort();
        let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
        println!(
            "| {label} | {} | {} | {} | {} |",
            ms(times[0]),
            ms(at(0.5)),
            ms(at(0.9)),
            ms(times[times.len() - 1])
        );
    }
    ExitCode::SUCCESS
}

/// One run's wall-clock time; an error when it fails or a create prints no `livingid`.
fn time(binary: &Path, args: &[&str]) -> Result<Duration, String> {
    let start = Instant::now();
    let out = Command::new(binary)
        .args(args)
        .env_remove("WECOM_CORP_ID")
        .env_remove("WECOM_SECRET")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", binary.display()))?;
    let elapsed = start.elapsed();
    if !out.status.success() {
        return Err(format!(
            "exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    if args.contains(&"create") {
        let answer: serde_json::Value =
            serde_json::from_slice(&out.stdout).map_err(|e| format!("not JSON on stdout: {e}"))?;
        if answer["livingid"].as_str().is_none_or(|id| id.is_empty()) {
            return Err(format!("no livingid in {answer}"));
        }
    }
    Ok(elapsed)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}
