//! What the OpenAPI export adds to generation, measured in one run with the two sides interleaved (so
//! that they share the machine's load): each round times load + lint + emit of the whole output
//! (`wxlive_codegen::generate`, the export included), then the export alone
//! (`emit::openapi::documents` over the loaded IR). The export is a sequential step of the emitter,
//! so generation without it is the first time minus the second, and the round's added cost is
//! export / (total − export). Prints min / median / max of each over the rounds, on the real spec and
//! on the synthetic spec of 1,000 WeCom-shaped operations (`cargo xtask bench`'s).
//!
//! Run: `cargo bench -p wxlive-codegen --bench openapi`. `WXLIVE_BENCH_OPS=100` picks the synthetic
//! size (`0` skips it), `WXLIVE_BENCH_ROUNDS=20` the rounds. BENCHMARKS.md, "OpenAPI export cost", has
//! the figures.

// The allocator of `cargo xtask codegen` (xtask/src/main.rs): figures are those of the real command.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(dead_code)]
#[path = "../../xtask/src/bench/synth.rs"]
mod synth;

use std::hint::black_box;
use std::path::Path;
use std::time::{Duration, Instant};

use wxlive_codegen::emit::openapi;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(default)
}

/// Total output size, so that nothing is optimised away.
fn generate(spec_dir: &Path) -> usize {
    match wxlive_codegen::generate(spec_dir, "spec") {
        Ok(files) => files.iter().map(|f| f.contents.len()).sum(),
        Err(errors) => panic!("the benchmark spec does not load:\n{errors}"),
    }
}

fn timed<T>(f: impl FnOnce() -> T) -> Duration {
    let start = Instant::now();
    black_box(f());
    start.elapsed()
}

/// (min, median, max).
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    (values[0], median, values[n - 1])
}

fn measure(name: &str, spec_dir: &Path, rounds: usize) {
    let spec = wxlive_codegen::load(spec_dir, "spec").expect("the benchmark spec loads");
    let bytes: usize = openapi::documents(&spec)
        .iter()
        .map(|f| f.contents.len())
        .sum();
    // One warm-up round.
    generate(spec_dir);
    let (mut total, mut export, mut added) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let t = timed(|| generate(black_box(spec_dir))).as_secs_f64() * 1e3;
        let e = timed(|| openapi::documents(black_box(&spec))).as_secs_f64() * 1e3;
        total.push(t);
        export.push(e);
        added.push(100.0 * e / (t - e));
    }
    let show = |(min, median, max): (f64, f64, f64), unit: &str| {
        format!("{min:.2} / {median:.2} / {max:.2} {unit}")
    };
    println!(
        "{name}: {rounds} rounds, export {:.1} MB",
        bytes as f64 / 1e6
    );
    println!(
        "  load + lint + emit, export included: {}",
        show(spread(total), "ms")
    );
    println!(
        "  export alone:                        {}",
        show(spread(export), "ms")
    );
    println!(
        "  added by the export:                 {}",
        show(spread(added), "%")
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    let rounds = env_number("WXLIVE_BENCH_ROUNDS", 20).max(1);
    measure(
        "real spec",
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec"),
        rounds,
    );
    let ops = env_number("WXLIVE_BENCH_OPS", 1_000);
    if ops > 0 {
        let dir = std::env::temp_dir().join(format!("wxlive-bench-openapi-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        synth::write_yaml_spec(&dir, ops).expect("write the synthetic spec");
        measure(&format!("synthetic, {ops} operations"), &dir, rounds);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
