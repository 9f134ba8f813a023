//! `cargo xtask bench [--full]`: runs the benchmarks and rewrites the tables of BENCHMARKS.md.
//!
//! The quick pass runs the three criterion targets (codegen, client, callback) with short warm-up and
//! measurement times. `--full` adds the comparison with cargo-progenitor: whole-process generation
//! time on the same synthetic API, and compile time of each generated crate alone.
//! `cargo xtask bench synth N DIR` only writes the synthetic inputs of N operations.

mod full;
mod machine;
mod quick;
mod report;
mod results;
mod run;
mod stats;
pub mod synth;
#[cfg(test)]
mod synth_tests;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Usage of the `bench` command.
pub const USAGE: &str = "usage: cargo xtask bench [--full [--skip-quick]] [--no-write]
       cargo xtask bench synth N DIR

  bench            quick pass (< 5 min on 2 cores once built): criterion benchmarks of codegen,
                   client overhead, token refresh and callbacks; rewrites the tables in BENCHMARKS.md
  --full           also: whole-process generation time vs cargo-progenitor (installed under
                   target/bench-tools/) and compile time of each generated crate (deps built)
  --skip-quick     with --full: only the comparison (the quick tables are left as they are)
  --no-write       print the tables instead of rewriting BENCHMARKS.md
  synth N DIR      write the synthetic API of N operations as DIR/spec/ (our YAML) and
                   DIR/openapi.json (OpenAPI 3.0)";

/// Parsed `bench` arguments.
struct Args {
    full: bool,
    quick: bool,
    write: bool,
}

/// Runs `cargo xtask bench …` from the workspace `root`.
pub fn main(args: &[String], root: &Path) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("synth") => return synth_command(&args[1..]),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {}
    }
    let parsed = match parse(args) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match bench(&parsed, root) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench failed: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args {
        full: false,
        quick: true,
        write: true,
    };
    for arg in args {
        match arg.as_str() {
            "--full" => parsed.full = true,
            "--no-write" => parsed.write = false,
            "--skip-quick" => parsed.quick = false,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

fn synth_command(args: &[String]) -> ExitCode {
    let [n, dir] = args else {
        eprintln!("synth needs N and DIR\n\n{USAGE}");
        return ExitCode::from(2);
    };
    let Ok(ops) = n.parse::<usize>() else {
        eprintln!("N must be a number of operations, not `{n}`\n\n{USAGE}");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let written = synth::write_yaml_spec(&dir.join("spec"), ops)
        .and_then(|()| synth::write_openapi(&dir.join("openapi.json"), ops));
    match written {
        Ok(()) => {
            println!(
                "wrote {ops} operations to {}/spec/ and {}/openapi.json",
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("cannot write to {}: {e}", dir.display());
            ExitCode::FAILURE
        }
    }
}

fn bench(args: &Args, root: &Path) -> Result<(), String> {
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let work = target.join("xtask-bench");
    std::fs::create_dir_all(&work).map_err(|e| format!("cannot create {}: {e}", work.display()))?;
    let machine = machine::describe();
    eprintln!("machine: {machine}");
    let mut blocks = Vec::new();
    if args.quick || !args.full {
        let mut quick = quick::run(root, &work, &target.join("criterion"))?;
        relative_commands(&mut quick.commands, root);
        blocks.push((
            report::QUICK,
            report::quick_tables(&quick, &machine, &machine::today()),
        ));
    }
    if args.full {
        let mut full = full::run(root, &work, &target)?;
        relative_commands(&mut full.commands, root);
        blocks.push((
            report::FULL,
            report::full_tables(&full, &machine, &machine::today()),
        ));
    }
    if !args.write {
        for (_, text) in &blocks {
            println!("{text}");
        }
        return Ok(());
    }
    let path = root.join("BENCHMARKS.md");
    report::rewrite(&path, &blocks)?;
    println!("rewrote {}", path.display());
    Ok(())
}

/// Shows the commands with paths relative to the workspace root, as a reader would type them.
fn relative_commands(commands: &mut [(String, std::time::Duration)], root: &Path) {
    let prefix = format!("{}/", root.display());
    for (command, _) in commands {
        *command = command.replace(&prefix, "");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_flags() {
        let a = parse(&["--full".into(), "--no-write".into()]).unwrap();
        assert!(a.full && !a.write);
        assert!(parse(&["--fast".into()]).is_err());
    }
}
