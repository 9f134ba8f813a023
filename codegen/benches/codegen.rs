//! Generator cost versus spec size: load + lint + emit (everything `cargo xtask codegen` does except
//! comparing and writing files) of the real spec, and of synthetic specs of N = 10, 100, 1,000 and
//! 5,000 WeCom-shaped operations written to a temporary directory first. Next to each synthetic N:
//! a same-run baseline, parsing the domain YAML into an untyped `serde_yaml::Value` (the least any
//! YAML-driven generator must do), load + lint alone, and up to 1,000 operations emit alone.
//!
//! Run: `cargo bench -p wxlive-codegen --bench codegen` (`cargo xtask bench` runs it and fills in
//! BENCHMARKS.md). `WXLIVE_BENCH_OPS=10,100` limits the synthetic sizes.

// The allocator of `cargo xtask codegen` (xtask/src/main.rs): figures are those of the real command.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[allow(dead_code)]
#[path = "../../xtask/src/bench/synth.rs"]
mod synth;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode};

/// The synthetic sizes measured unless `WXLIVE_BENCH_OPS` says otherwise.
const DEFAULT_OPS: [usize; 4] = [10, 100, 1_000, 5_000];

fn sizes() -> Vec<usize> {
    match std::env::var("WXLIVE_BENCH_OPS") {
        Ok(list) => list
            .split(',')
            .filter_map(|n| n.trim().parse().ok())
            .collect(),
        Err(_) => DEFAULT_OPS.to_vec(),
    }
}

/// A scratch directory of this process under the system temp dir, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!("wxlive-bench-codegen-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the scratch directory");
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn generate(spec_dir: &Path) -> usize {
    match wxlive_codegen::generate(spec_dir, "spec") {
        Ok(files) => files.iter().map(|f| f.contents.len()).sum(),
        Err(errors) => panic!("the benchmark spec does not load:\n{errors}"),
    }
}

fn real_spec(c: &mut Criterion) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let mut group = c.benchmark_group("codegen_real_spec");
    group.bench_function("load_lint_emit", |b| b.iter(|| generate(black_box(&spec))));
    group.finish();
}

fn synthetic(c: &mut Criterion) {
    let scratch = Scratch::new();
    let mut group = c.benchmark_group("codegen_synthetic");
    group.sample_size(10);
    for ops in sizes() {
        let spec_dir = scratch.0.join(format!("n{ops}"));
        synth::write_yaml_spec(&spec_dir, ops).expect("write the synthetic spec");
        let domain_file = spec_dir
            .join(synth::PRODUCT)
            .join(format!("{}.yaml", synth::DOMAIN));
        if ops >= 1_000 {
            // Seconds per iteration: a fixed number of iterations per sample.
            group.sampling_mode(SamplingMode::Flat);
            group.warm_up_time(Duration::from_secs(1));
        } else {
            group.sampling_mode(SamplingMode::Auto);
        }
        group.bench_with_input(
            BenchmarkId::new("load_lint_emit", ops),
            &spec_dir,
            |b, dir| b.iter(|| generate(black_box(dir))),
        );
        group.bench_with_input(BenchmarkId::new("load_lint", ops), &spec_dir, |b, dir| {
            b.iter(|| wxlive_codegen::load(black_box(dir), "spec").map(|s| s.products.len()))
        });
        // Emitting alone, for profiling; above 1,000 operations it is the total minus load + lint.
        if ops <= 1_000 {
            let spec = wxlive_codegen::load(&spec_dir, "spec").expect("the synthetic spec loads");
            group.bench_with_input(BenchmarkId::new("emit", ops), &spec, |b, spec| {
                b.iter(|| wxlive_codegen::emit::emit(black_box(spec)).len())
            });
        }
        let text = std::fs::read_to_string(&domain_file).expect("read the synthetic domain");
        group.bench_with_input(
            BenchmarkId::new("baseline_yaml_parse", ops),
            &text,
            |b, text| b.iter(|| serde_yaml::from_str::<serde_yaml::Value>(black_box(text)).is_ok()),
        );
    }
    group.finish();
}

criterion_group!(benches, real_spec, synthetic);
criterion_main!(benches);
