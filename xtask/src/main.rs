//! Developer commands: `cargo xtask codegen [--check]`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "usage: cargo xtask codegen [--check]

  codegen          regenerate generated/ from spec/ (writes changed files, removes files no longer produced)
  codegen --check  change nothing; exit 1 and name each stale file if generated/ is out of date";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["codegen"] => codegen(false),
        ["codegen", "--check"] => codegen(true),
        ["help" | "--help" | "-h"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn workspace_root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

fn codegen(check: bool) -> ExitCode {
    let root = workspace_root();
    let files = match wxlive_codegen::generate(&root.join("spec"), "spec") {
        Ok(files) => files,
        Err(errors) => {
            eprint!("{errors}");
            return ExitCode::FAILURE;
        }
    };
    let out_dir = root.join("generated");
    let changes = match wxlive_codegen::sync::diff(&out_dir, &files) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("cannot read {}: {e}", out_dir.display());
            return ExitCode::FAILURE;
        }
    };
    let shown = |c: &wxlive_codegen::sync::Change| c.to_string().replace(&format!("{}/", root.display()), "");
    if check {
        if changes.is_empty() {
            println!("generated/ is up to date ({} files)", files.len());
            return ExitCode::SUCCESS;
        }
        for c in &changes {
            eprintln!("{}", shown(c));
        }
        eprintln!("generated/ is stale: run `cargo xtask codegen`");
        return ExitCode::FAILURE;
    }
    if let Err(e) = wxlive_codegen::sync::apply(&out_dir, &files, &changes) {
        eprintln!("cannot write generated/: {e}");
        return ExitCode::FAILURE;
    }
    for c in &changes {
        println!("{}", shown(c).replace("missing: ", "created: ").replace("stale: ", "updated: ").replace("no longer generated: ", "removed: "));
    }
    println!("generated/: {} files, {} changed", files.len(), changes.len());
    ExitCode::SUCCESS
}
