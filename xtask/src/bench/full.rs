//! The full pass: our generator against cargo-progenitor on the same synthetic API.
//!
//! - Generation: the whole process (`xtask codegen` built in release, `cargo-progenitor` as installed)
//!   writing a fresh crate, for N = 10, 100, 1,000 and 5,000 operations.
//! - Compilation: `cargo build` of each generated crate alone, its dependencies already built, with
//!   `CARGO_INCREMENTAL=0`, for N = 10, 100 and 1,000. Each generator's crates share one target
//!   directory and one lock file, so only the generated crate is compiled (the log is checked).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use super::quick::CRITERION_ARGS;
use super::results::Results;
use super::run::{cargo, Job};
use super::stats::Summary;
use super::synth;

/// The cargo-progenitor release compared against (the one issue 7 quotes).
pub const PROGENITOR_VERSION: &str = "0.15.1";
/// Sizes of the in-process codegen benchmark in the full pass.
const LARGE_OPS: &str = "1000,5000";
/// Sizes whose generation is timed.
const GENERATE_OPS: [usize; 4] = [10, 100, 1_000, 5_000];
/// Sizes whose generated crate is compiled.
const COMPILE_OPS: [usize; 3] = [10, 100, 1_000];

/// Generation time of one size.
#[derive(Debug, Clone)]
pub struct GenerateRow {
    /// Operations.
    pub ops: usize,
    /// Our generator, whole process.
    pub ours: Summary,
    /// cargo-progenitor, whole process.
    pub progenitor: Summary,
    /// Lines of Rust we generate.
    pub ours_lines: usize,
    /// Lines of Rust progenitor generates.
    pub progenitor_lines: usize,
}

/// Compile time of one size.
#[derive(Debug, Clone)]
pub struct CompileRow {
    /// Operations.
    pub ops: usize,
    /// Our generated crate.
    pub ours: Summary,
    /// progenitor's generated crate.
    pub progenitor: Summary,
}

/// What the full pass measured.
#[derive(Debug, Default)]
pub struct Full {
    /// The in-process codegen benchmark at 1,000 and 5,000 operations.
    pub codegen: Results,
    /// Generation rows.
    pub generate: Vec<GenerateRow>,
    /// Compilation rows.
    pub compile: Vec<CompileRow>,
    /// Commands as shown in the report, with their wall time (setup steps).
    pub commands: Vec<(String, Duration)>,
}

/// Runs the full pass; `work` holds inputs, outputs and logs, `target` is the cargo target dir.
pub fn run(root: &Path, work: &Path, target: &Path) -> Result<Full, String> {
    let mut full = Full::default();
    codegen_large(root, work, target, &mut full)?;
    let progenitor = install_progenitor(root, target, &mut full)?;
    let xtask = build_xtask(root, target, &mut full)?;
    let base = work.join("full");
    for ops in GENERATE_OPS {
        let dir = base.join(format!("n{ops}"));
        synth::write_yaml_spec(&dir.join("spec"), ops)
            .and_then(|()| synth::write_openapi(&dir.join("openapi.json"), ops))
            .map_err(|e| format!("cannot write the synthetic API to {}: {e}", dir.display()))?;
        let runs = if ops <= 100 { 5 } else { 3 };
        eprintln!("generating {ops} operations, {runs} runs each");
        let ours = time_runs(runs, &dir.join("ours"), |out| Job {
            program: xtask.clone(),
            args: vec![
                "codegen".into(),
                "--spec".into(),
                dir.join("spec").display().to_string(),
                "--out".into(),
                out.display().to_string(),
            ],
            dir: root,
            env: Vec::new(),
            log: dir.join("ours.log"),
        })?;
        let theirs = time_runs(runs, &dir.join("progenitor"), |out| Job {
            program: progenitor.clone(),
            args: vec![
                "progenitor".into(),
                "-i".into(),
                dir.join("openapi.json").display().to_string(),
                "-o".into(),
                out.display().to_string(),
                "-n".into(),
                "synth-progenitor".into(),
                "-v".into(),
                "0.1.0".into(),
            ],
            dir: root,
            env: Vec::new(),
            log: dir.join("progenitor.log"),
        })?;
        full.generate.push(GenerateRow {
            ops,
            ours,
            progenitor: theirs,
            ours_lines: rust_lines(&dir.join("ours/src")),
            progenitor_lines: rust_lines(&dir.join("progenitor/src")),
        });
    }
    compile_all(root, &base, &mut full)?;
    Ok(full)
}

/// The codegen criterion benchmark at 1,000 and 5,000 operations (same run, for the growth ratio).
fn codegen_large(root: &Path, work: &Path, target: &Path, full: &mut Full) -> Result<(), String> {
    let mut args: Vec<String> = ["bench", "-p", "wxlive-codegen", "--bench", "codegen", "--"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.extend(CRITERION_ARGS.iter().map(|s| s.to_string()));
    args.push("codegen_synthetic".into());
    let job = Job {
        program: cargo(),
        args,
        dir: root,
        env: vec![("WXLIVE_BENCH_OPS", LARGE_OPS.to_owned())],
        log: work.join("logs/bench-codegen-large.log"),
    };
    eprintln!("running:   {}", job.shown());
    let since = SystemTime::now();
    let took = job.run()?;
    full.commands.push((job.shown(), took));
    full.codegen = Results::read(&target.join("criterion"), since);
    Ok(())
}

/// `runs` timed runs of the job `make(out)`, each into a freshly emptied `out`.
fn time_runs<'a>(
    runs: usize,
    out: &Path,
    make: impl Fn(&Path) -> Job<'a>,
) -> Result<Summary, String> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let _ = std::fs::remove_dir_all(out);
        times.push(make(out).run()?);
    }
    Summary::of_durations(&times).ok_or_else(|| "no run was timed".to_owned())
}

/// `cargo-progenitor`, installed under `target/bench-tools/` unless it already is.
fn install_progenitor(root: &Path, target: &Path, full: &mut Full) -> Result<PathBuf, String> {
    let tools = target.join("bench-tools");
    let binary = tools.join("bin/cargo-progenitor");
    if binary.is_file() {
        return Ok(binary);
    }
    let job = Job {
        program: cargo(),
        args: vec![
            "install".into(),
            "cargo-progenitor".into(),
            "--version".into(),
            PROGENITOR_VERSION.into(),
            "--locked".into(),
            "--root".into(),
            tools.display().to_string(),
        ],
        dir: root,
        env: vec![(
            "CARGO_TARGET_DIR",
            tools.join("build").display().to_string(),
        )],
        log: tools.join("install.log"),
    };
    eprintln!("installing: {}", job.shown());
    let took = job.run()?;
    full.commands.push((job.shown(), took));
    Ok(binary)
}

/// Our generator as a release binary: `target/release/xtask`.
fn build_xtask(root: &Path, target: &Path, full: &mut Full) -> Result<PathBuf, String> {
    let job = Job {
        program: cargo(),
        args: vec![
            "build".into(),
            "--release".into(),
            "-p".into(),
            "xtask".into(),
        ],
        dir: root,
        env: Vec::new(),
        log: target.join("xtask-bench/logs/build-xtask-release.log"),
    };
    eprintln!("building:  {}", job.shown());
    let took = job.run()?;
    full.commands.push((job.shown(), took));
    Ok(target.join(format!("release/xtask{}", std::env::consts::EXE_SUFFIX)))
}

/// Lines of all `.rs` files under `dir`.
fn rust_lines(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| e.path())
        .map(|p| {
            if p.is_dir() {
                rust_lines(&p)
            } else if p.extension().is_some_and(|e| e == "rs") {
                std::fs::read_to_string(&p).map_or(0, |t| t.lines().count())
            } else {
                0
            }
        })
        .sum()
}

/// Compiles each generator's crates for every size in [`COMPILE_OPS`].
fn compile_all(root: &Path, base: &Path, full: &mut Full) -> Result<(), String> {
    let ours_lock = root.join("Cargo.lock");
    let mut progenitor_lock: Option<PathBuf> = None;
    for (i, ops) in COMPILE_OPS.into_iter().enumerate() {
        let dir = base.join(format!("n{ops}"));
        let runs = if ops <= 100 { 3 } else { 1 };
        let ours_crate = dir.join("ours");
        prepare_manifest(&ours_crate, Some(root))?;
        copy_lock(&ours_lock, &ours_crate)?;
        let their_crate = dir.join("progenitor");
        prepare_manifest(&their_crate, None)?;
        if let Some(lock) = &progenitor_lock {
            copy_lock(lock, &their_crate)?;
        }
        let ours_target = base.join("compile-target/ours");
        let their_target = base.join("compile-target/progenitor");
        if i == 0 {
            // Build the dependencies (and the smallest crate) once, untimed.
            for (krate, target, name) in [
                (&ours_crate, &ours_target, "ours"),
                (&their_crate, &their_target, "progenitor"),
            ] {
                let job = build_job(krate, target, base.join(format!("logs/deps-{name}.log")));
                eprintln!("building dependencies: {}", job.shown());
                let took = job.run()?;
                full.commands
                    .push((format!("{} (dependencies, untimed)", job.shown()), took));
            }
            progenitor_lock = Some(their_crate.join("Cargo.lock"));
        }
        eprintln!("compiling the {ops}-operation crates, {runs} runs each");
        let ours = time_builds(
            &ours_crate,
            &ours_target,
            runs,
            base,
            &format!("ours-{ops}"),
        )?;
        let theirs = time_builds(
            &their_crate,
            &their_target,
            runs,
            base,
            &format!("progenitor-{ops}"),
        )?;
        full.compile.push(CompileRow {
            ops,
            ours,
            progenitor: theirs,
        });
    }
    Ok(())
}

/// Makes a generated crate buildable on its own: its own workspace, and (for ours) the runtime by
/// absolute path instead of `../runtime`.
fn prepare_manifest(krate: &Path, runtime_root: Option<&Path>) -> Result<(), String> {
    let path = krate.join("Cargo.toml");
    let mut text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if let Some(root) = runtime_root {
        let runtime = root.join("runtime");
        text = text.replace(
            "path = \"../runtime\"",
            &format!("path = {:?}", runtime.display().to_string()),
        );
    }
    if !text.contains("\n[workspace]") {
        text.push_str("\n[workspace]\n");
    }
    std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn copy_lock(lock: &Path, krate: &Path) -> Result<(), String> {
    std::fs::copy(lock, krate.join("Cargo.lock"))
        .map(|_| ())
        .map_err(|e| format!("cannot copy {}: {e}", lock.display()))
}

fn build_job<'a>(krate: &'a Path, target: &Path, log: PathBuf) -> Job<'a> {
    Job {
        program: cargo(),
        args: vec![
            "build".into(),
            "--manifest-path".into(),
            krate.join("Cargo.toml").display().to_string(),
            "--target-dir".into(),
            target.display().to_string(),
        ],
        dir: krate,
        env: vec![("CARGO_INCREMENTAL", "0".into())],
        log,
    }
}

/// `runs` timed builds of `krate` alone: each run touches `src/lib.rs` first and checks that cargo
/// compiled exactly one crate.
fn time_builds(
    krate: &Path,
    target: &Path,
    runs: usize,
    base: &Path,
    name: &str,
) -> Result<Summary, String> {
    let mut times = Vec::with_capacity(runs);
    for run in 0..runs {
        touch(&krate.join("src/lib.rs"))?;
        let log = base.join(format!("logs/compile-{name}-{run}.log"));
        let job = build_job(krate, target, log.clone());
        times.push(job.run()?);
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let compiled = text
            .lines()
            .filter(|l| l.trim_start().starts_with("Compiling "))
            .count();
        if compiled != 1 {
            return Err(format!(
                "{name}: expected to compile only the generated crate, cargo compiled {compiled} (see {})",
                log.display()
            ));
        }
    }
    Summary::of_durations(&times).ok_or_else(|| "no build was timed".to_owned())
}

/// Sets the modification time of `path` to now, so cargo rebuilds its crate.
fn touch(path: &Path) -> Result<(), String> {
    std::fs::File::options()
        .append(true)
        .open(path)
        .and_then(|f| f.set_modified(std::time::SystemTime::now()))
        .map_err(|e| format!("cannot touch {}: {e}", path.display()))
}
