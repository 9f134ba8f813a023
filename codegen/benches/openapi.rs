//! What the OpenAPI export adds to generation: load + lint + emit with the export
//! (`wxlive_codegen::generate`) against the same without it (`emit::emit_crate_without_openapi`), in
//! one run with the two sides interleaved round by round so that they share the machine's load; and
//! the export alone (`emit::openapi::documents` over the loaded IR) for scale. The emitter builds the
//! documents on a thread of their own while it formats the Rust files, so the added wall time is less
//! than the export alone. Prints min / median / max over the rounds of each, and of each round's
//! added cost (with − without) / without, on the real spec and on the synthetic spec of 1,000
//! WeCom-shaped operations (`cargo xtask bench`'s).
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

use wxlive_codegen::emit::{self, openapi};
use wxlive_codegen::CrateOptions;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(default)
}

/// Load + lint + emit, with or without the export; the total output size, so that nothing is
/// optimised away.
fn generate(spec_dir: &Path, with_openapi: bool) -> usize {
    let spec = match wxlive_codegen::load(spec_dir, "spec") {
        Ok(spec) => spec,
        Err(errors) => panic!("the benchmark spec does not load:\n{errors}"),
    };
    let options = CrateOptions::default();
    let files = if with_openapi {
        emit::emit_crate(&spec, &options)
    } else {
        emit::emit_crate_without_openapi(&spec, &options)
    };
    files.iter().map(|f| f.contents.len()).sum()
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
    generate(spec_dir, true);
    generate(spec_dir, false);
    let (mut with, mut without, mut export, mut added) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        // Which side goes first alternates.
        let side = |with_openapi: bool| {
            timed(|| generate(black_box(spec_dir), with_openapi)).as_secs_f64() * 1e3
        };
        let (w, wo) = if round % 2 == 0 {
            let w = side(true);
            (w, side(false))
        } else {
            let wo = side(false);
            (side(true), wo)
        };
        let e = timed(|| openapi::documents(black_box(&spec))).as_secs_f64() * 1e3;
        with.push(w);
        without.push(wo);
        export.push(e);
        added.push(100.0 * (w - wo) / wo);
    }
    let show = |(min, median, max): (f64, f64, f64), unit: &str| {
        format!("{min:.2} / {median:.2} / {max:.2} {unit}")
    };
    let median = |v: &[f64]| spread(v.to_vec()).1;
    println!(
        "{name}: {rounds} rounds, export {:.1} MB",
        bytes as f64 / 1e6
    );
    println!(
        "  load + lint + emit, with the export:    {}",
        show(spread(with.clone()), "ms")
    );
    println!(
        "  load + lint + emit, without the export: {}",
        show(spread(without.clone()), "ms")
    );
    println!(
        "  export alone:                           {}",
        show(spread(export), "ms")
    );
    println!(
        "  added by the export, per round:         {}",
        show(spread(added), "%")
    );
    println!(
        "  added by the export, medians:           {:.2} %",
        100.0 * (median(&with) - median(&without)) / median(&without)
    );
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument is not supported.
    let rounds = env_number("WXLIVE_BENCH_ROUNDS", 20).max(1);
    let ops = env_number("WXLIVE_BENCH_OPS", 1_000);
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    // `WXLIVE_BENCH_ONCE=with|without`: generate once, with or without the export, and print nothing:
    // for counting instructions (`valgrind --tool=callgrind`), which the VM's load does not move.
    if let Ok(side) = std::env::var("WXLIVE_BENCH_ONCE") {
        let with_openapi = side == "with";
        if ops == 0 {
            black_box(generate(&real, with_openapi));
            return;
        }
        let dir = std::env::temp_dir().join(format!("wxlive-bench-openapi-{}", std::process::id()));
        synth::write_yaml_spec(&dir, ops).expect("write the synthetic spec");
        black_box(generate(&dir, with_openapi));
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    measure("real spec", &real, rounds);
    if ops > 0 {
        let dir = std::env::temp_dir().join(format!("wxlive-bench-openapi-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        synth::write_yaml_spec(&dir, ops).expect("write the synthetic spec");
        measure(&format!("synthetic, {ops} operations"), &dir, rounds);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
