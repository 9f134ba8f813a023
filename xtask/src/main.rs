//! Developer commands: `cargo xtask codegen [--check]`, `mock`, `bench`, `soak`, `scratch-domain`.

mod bench;
mod cli_startup;
mod scratch_domain;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check] [--spec DIR] [--out DIR]
       cargo xtask mock [--help | mock server options]   (every product in spec/, one port each)
       cargo xtask bench [--full] [--no-write] (cargo xtask bench --help for more)
       cargo xtask cli-startup [--runs N] [--no-build]   (start-to-answer time of the `wxlive` binary)
       cargo xtask scratch-domain [--keep]   (a new domain needs YAML only: checked in a copy)
       cargo xtask soak [--release] [--seconds N] [--clients C] [--seed S] (cargo xtask soak --help for more)

  codegen          regenerate generated/ and generated-cli/ (the `wxlive` CLI) from spec/ and
                   tests/mini-crate/ from tests/fixtures/mini-spec/
                   (writes changed files, removes files no longer produced)
  codegen --check  change nothing; exit 1 and name each stale file if either crate is out of date
  --spec DIR       read the spec from DIR instead of spec/ (only this crate is generated)
  --out DIR        write to DIR instead of generated/ (only this crate is generated)
  mock             the standalone mock server (wxlive-tests's wxlive-mock)
  soak             the chaos soak: many clients against the faulty mock, then checks its invariants
                   (wxlive-tests's wxlive-soak; debug build unless --release)";

/// Parsed `codegen` arguments.
struct CodegenArgs {
    /// The workspace whose crates are generated.
    root: PathBuf,
    check: bool,
    spec: PathBuf,
    out: PathBuf,
    /// Whether `--spec` or `--out` was given: then only that crate is generated, not the mini crate.
    custom: bool,
}

/// One crate `codegen` writes or checks.
struct Target {
    spec: PathBuf,
    out: PathBuf,
    options: wxlive_codegen::CrateOptions,
    /// Whether the JSON Schemas of the spec format (`schema/`) are part of the crate.
    schemas: bool,
    /// Whether it is the CLI crate (`generated-cli/`) rather than a client crate.
    cli: bool,
}

/// The crates `codegen` handles: `generated/` (or the `--spec`/`--out` pair) and, by default, the
/// mini-spec's compiled snapshot crate `tests/mini-crate/` (package `wxlive-mini`).
fn targets(args: &CodegenArgs) -> Vec<Target> {
    let mut targets = vec![Target {
        spec: args.spec.clone(),
        out: args.out.clone(),
        options: wxlive_codegen::CrateOptions::default(),
        schemas: true,
        cli: false,
    }];
    if !args.custom {
        let root = &args.root;
        targets.push(Target {
            spec: root.join("tests/fixtures/mini-spec"),
            out: root.join("tests/mini-crate"),
            options: wxlive_codegen::CrateOptions::mini_spec(),
            // The schemas do not depend on the spec; generated/ carries them.
            schemas: false,
            cli: false,
        });
        targets.push(Target {
            spec: args.spec.clone(),
            out: root.join("generated-cli"),
            options: wxlive_codegen::CrateOptions::default(),
            schemas: false,
            cli: true,
        });
    }
    targets
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => match parse_codegen(&args[1..]) {
            Ok(a) => codegen(&a),
            Err(e) => {
                eprintln!("{e}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("mock") => run_bin("wxlive-mock", &args[1..]),
        Some("soak") => run_bin("wxlive-soak", &args[1..]),
        Some("bench") => bench::main(&args[1..], &workspace_root()),
        Some("cli-startup") => cli_startup::main(&args[1..], &workspace_root()),
        Some("scratch-domain") => scratch_domain::main(&args[1..], &workspace_root()),
        Some("help" | "--help" | "-h") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse_codegen(args: &[String]) -> Result<CodegenArgs, String> {
    let root = workspace_root();
    let mut parsed = CodegenArgs {
        root: root.clone(),
        check: false,
        spec: root.join("spec"),
        out: root.join("generated"),
        custom: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--spec" => {
                parsed.spec = it.next().ok_or("--spec needs a directory")?.into();
                parsed.custom = true;
            }
            "--out" => {
                parsed.out = it.next().ok_or("--out needs a directory")?.into();
                parsed.custom = true;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// `cargo xtask codegen` for the workspace at `root`: its client crate, mini crate and CLI crate.
fn codegen_workspace(root: &Path) -> ExitCode {
    codegen(&CodegenArgs {
        root: root.to_path_buf(),
        check: false,
        spec: root.join("spec"),
        out: root.join("generated"),
        custom: false,
    })
}

fn codegen(args: &CodegenArgs) -> ExitCode {
    // Every crate is handled even when an earlier one fails, so one run reports everything.
    let mut ok = true;
    for target in targets(args) {
        ok &= codegen_one(&args.root, &target, args.check);
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Writes (or with `check`, checks) one generated crate; whether it is (now) up to date.
fn codegen_one(root: &Path, target: &Target, check: bool) -> bool {
    let display_root = match target.spec.strip_prefix(root) {
        Ok(relative) => relative.display().to_string(),
        Err(_) => target.spec.display().to_string(),
    };
    let out_dir = &target.out;
    let out_shown = out_dir
        .strip_prefix(root)
        .unwrap_or(out_dir)
        .display()
        .to_string();
    let generated = if target.cli {
        wxlive_codegen::generate_cli(&target.spec, &display_root, &Default::default())
    } else {
        wxlive_codegen::generate_crate(&target.spec, &display_root, &target.options)
    };
    let files = match generated {
        Ok(files) => files,
        Err(errors) => {
            eprint!("{errors}");
            let not = if check { "checked" } else { "written" };
            eprintln!("{out_shown}/ not {not}: {display_root} has errors");
            return false;
        }
    };
    let files: Vec<_> = files
        .into_iter()
        .filter(|f| target.schemas || !f.path.starts_with("schema/"))
        .collect();
    let changes = match wxlive_codegen::sync::diff(out_dir, &files) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot read {}: {e}", out_dir.display());
            return false;
        }
    };
    let shown = |c: &wxlive_codegen::sync::Change| {
        c.to_string().replace(&format!("{}/", root.display()), "")
    };
    if check {
        if changes.is_empty() {
            println!("{out_shown}/ is up to date ({} files)", files.len());
            return true;
        }
        for c in &changes {
            eprintln!("{}", shown(c));
        }
        eprintln!("{out_shown}/ is stale: run `cargo xtask codegen`");
        return false;
    }
    if let Err(e) = wxlive_codegen::sync::apply(out_dir, &files, &changes) {
        eprintln!("cannot write {out_shown}/: {e}");
        return false;
    }
    for c in &changes {
        println!(
            "{}",
            shown(c)
                .replace("missing: ", "created: ")
                .replace("stale: ", "updated: ")
                .replace("no longer generated: ", "removed: ")
        );
    }
    println!(
        "{out_shown}/: {} files, {} changed",
        files.len(),
        changes.len()
    );
    true
}

/// `cargo run` arguments for `bin` of `wxlive-tests` with `args`; a `--release` among them goes to cargo.
///
/// These commands live in `wxlive-tests`, not here: xtask regenerates the `wxlive` crate, so it must
/// build without it.
fn cargo_run_args(bin: &str, args: &[String]) -> Vec<String> {
    let release = args.iter().any(|a| a == "--release");
    let mut cargo: Vec<String> = vec!["run".into(), "--quiet".into()];
    if release {
        cargo.push("--release".into());
    }
    cargo.extend(["-p", "wxlive-tests", "--bin", bin, "--"].map(String::from));
    cargo.extend(args.iter().filter(|a| *a != "--release").cloned());
    cargo
}

/// Runs `bin` of `wxlive-tests` (the standalone mock server, the chaos soak), passing the arguments
/// through.
fn run_bin(bin: &str, args: &[String]) -> ExitCode {
    let mut command = cargo_command(&workspace_root());
    command.args(cargo_run_args(bin, args));
    let status = command.status();
    match status {
        Ok(s) if s.success() => ExitCode::SUCCESS,
        Ok(s) => ExitCode::from(s.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1)),
        Err(e) => {
            eprintln!("cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}

/// A `cargo` command run in `dir`, without the variables `cargo run` set for xtask.
///
/// What cargo set for this process describes xtask, not the build: some build scripts watch these
/// variables (ring's watches CARGO_MANIFEST_DIR), so passing them on would rebuild ring, rustls,
/// reqwest and everything above them, and again on the next plain build.
fn cargo_command(dir: &Path) -> std::process::Command {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut command = std::process::Command::new(cargo);
    command.current_dir(dir);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if is_set_by_cargo_run(&name) {
            command.env_remove(&*name);
        }
    }
    command
}

/// Whether `cargo run` sets the variable `name` for the program it runs (about that program's package).
fn is_set_by_cargo_run(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || matches!(
            name,
            "CARGO_CRATE_NAME" | "CARGO_BIN_NAME" | "CARGO_PRIMARY_PACKAGE"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn release_goes_to_cargo_and_the_rest_to_the_command() {
        assert_eq!(
            cargo_run_args("wxlive-soak", &strings(&["--seconds", "600", "--release"])),
            strings(&[
                "run",
                "--quiet",
                "--release",
                "-p",
                "wxlive-tests",
                "--bin",
                "wxlive-soak",
                "--",
                "--seconds",
                "600"
            ])
        );
        assert_eq!(
            cargo_run_args("wxlive-mock", &strings(&["--port", "9"])),
            strings(&[
                "run",
                "--quiet",
                "-p",
                "wxlive-tests",
                "--bin",
                "wxlive-mock",
                "--",
                "--port",
                "9"
            ])
        );
    }
}
