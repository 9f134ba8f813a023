//! The quick pass: the three criterion benchmark targets with short warm-up and measurement times.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::results::{read_extras, Results};
use super::run::{cargo, Job};

/// The criterion options of the quick pass (and of the full pass's codegen run).
pub const CRITERION_ARGS: [&str; 5] =
    ["--warm-up-time", "1", "--measurement-time", "3", "--noplot"];

/// The synthetic sizes of the codegen benchmark in the quick pass.
const QUICK_OPS: &str = "10,100,1000";

/// The benchmark targets: (cargo arguments selecting the target, short name).
const TARGETS: [(&[&str], &str); 3] = [
    (&["-p", "wxlive-codegen", "--bench", "codegen"], "codegen"),
    (&["-p", "wxlive-tests", "--bench", "client"], "client"),
    (
        &[
            "-p",
            "wxlive-runtime",
            "--features",
            "callback",
            "--bench",
            "callback",
        ],
        "callback",
    ),
];

/// What the quick pass measured.
#[derive(Debug, Default)]
pub struct Quick {
    /// Criterion results by id.
    pub results: Results,
    /// Extra figures by id (gettoken counts).
    pub extras: BTreeMap<String, Value>,
    /// Each command that ran and its wall time (builds and runs).
    pub commands: Vec<(String, Duration)>,
}

/// Builds, then runs every benchmark target; `work` holds the logs.
pub fn run(root: &Path, work: &Path, criterion_dir: &Path) -> Result<Quick, String> {
    let extras_path = work.join("extras.jsonl");
    let _ = std::fs::remove_file(&extras_path);
    let cargo = cargo();
    let mut quick = Quick::default();
    let since = SystemTime::now();
    for (select, name) in TARGETS {
        let mut build_args = vec!["bench".to_owned(), "--no-run".to_owned()];
        build_args.extend(select.iter().map(|s| s.to_string()));
        let build = Job {
            program: cargo.clone(),
            args: build_args,
            dir: root,
            env: Vec::new(),
            log: work.join(format!("logs/build-{name}.log")),
        };
        eprintln!("building: {}", build.shown());
        let took = build.run()?;
        quick.commands.push((build.shown(), took));

        let mut run_args = vec!["bench".to_owned()];
        run_args.extend(select.iter().map(|s| s.to_string()));
        run_args.push("--".into());
        run_args.extend(CRITERION_ARGS.iter().map(|s| s.to_string()));
        let env = match name {
            "client" => vec![("WXLIVE_BENCH_EXTRAS", extras_path.display().to_string())],
            // 5,000 operations take minutes at criterion's minimum of 10 samples: the full pass.
            "codegen" => vec![("WXLIVE_BENCH_OPS", QUICK_OPS.to_owned())],
            _ => Vec::new(),
        };
        let bench = Job {
            program: cargo.clone(),
            args: run_args,
            dir: root,
            env,
            log: work.join(format!("logs/bench-{name}.log")),
        };
        eprintln!("running:  {}", bench.shown());
        let took = bench.run()?;
        quick.commands.push((bench.shown(), took));
    }
    quick.results = Results::read(criterion_dir, since);
    quick.extras = read_extras(&extras_path);
    Ok(quick)
}
