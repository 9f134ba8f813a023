//! `cargo xtask scratch-domain`: proof that a new domain needs YAML only.
//!
//! Copies the workspace (its git-tracked and untracked-but-not-ignored files) to
//! `target/scratch-domain/ws`, adds every domain file of the mini spec (`tests/fixtures/mini-spec/demo/`,
//! which uses every format feature) to `spec/wecom/` as `scratch_<domain>.yaml`, then runs there, with
//! no Rust edit: what `cargo xtask codegen` does, clippy `-D warnings` on the generated client and CLI
//! crates, the fixture and OpenAPI checks (`wxlive-tests`), and the CLI test that runs every operation
//! of every product against the mock.
//!
//! The copy builds into `target/scratch-domain/target`, not into this workspace's target directory:
//! a shared one would let the copy's binaries (`xtask`, `wxlive`) replace this workspace's uplifted
//! ones. To save rebuilding every dependency, that directory is first seeded with the registry
//! crates' artefacts of `target/debug/{deps,build}` as hard links (cargo never rewrites a fresh
//! artefact) and their `.fingerprint` files as copies (cargo rewrites those in place). The workspace's
//! own crates are left out: their artefacts carry the same names in the copy (cargo hashes a
//! workspace member by its path inside the workspace), so linking them would let the copy's builds
//! write through into this workspace's files.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

const USAGE: &str = "usage: cargo xtask scratch-domain [--keep]
  --keep   leave the copy in target/scratch-domain/ws for inspection";

/// The product the scratch domains are added to.
const PRODUCT: &str = "wecom";

/// The checks run in the copy after generating, in order: what a user runs after adding a domain file.
const CHECKS: [&[&str]; 4] = [
    &[
        "clippy",
        "-p",
        "wxlive",
        "-p",
        "wxlive-cli",
        "--all-features",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ],
    &["test", "-p", "wxlive-tests", "--test", "fixtures"],
    &["test", "-p", "wxlive-tests", "--test", "openapi"],
    &[
        "test",
        "-p",
        "wxlive-cli",
        "--test",
        "cli",
        "every_operation",
    ],
];

pub fn main(args: &[String], root: &Path) -> ExitCode {
    let mut keep = false;
    for arg in args {
        match arg.as_str() {
            "--keep" => keep = true,
            "--help" | "-h" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match run(root, keep) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("scratch-domain: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(root: &Path, keep: bool) -> Result<(), String> {
    let scratch = root.join("target/scratch-domain");
    let copy = scratch.join("ws");
    if copy.exists() {
        std::fs::remove_dir_all(&copy)
            .map_err(|e| format!("cannot clear {}: {e}", copy.display()))?;
    }
    let files = workspace_files(root)?;
    for file in &files {
        let to = copy.join(file);
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::copy(root.join(file), &to).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    println!("copied {} files to {}", files.len(), copy.display());
    let added = add_scratch_domains(root, &copy)?;
    for file in &added {
        println!("added {}", file.display());
    }
    println!("== cargo xtask codegen (in the copy)");
    if super::codegen_workspace(&copy) != ExitCode::SUCCESS {
        return Err("the copy's spec did not generate".into());
    }
    let target = scratch.join("target");
    seed(root, &root.join("target/debug"), &target.join("debug"))?;
    for check in CHECKS {
        println!("== cargo {} (in the copy)", check.join(" "));
        cargo(&copy, &target, check)?;
    }
    // The generated crate of the copy has a module per scratch domain: the checks above ran on it.
    for file in &added {
        let domain = scratch_name(&std::fs::read_to_string(copy.join(file)).unwrap_or_default());
        let module = copy.join(format!("generated/src/{PRODUCT}/{domain}"));
        if !module.is_dir() {
            return Err(format!("{} was not generated", module.display()));
        }
    }
    if !keep {
        std::fs::remove_dir_all(&copy).map_err(|e| format!("cannot remove the copy: {e}"))?;
    }
    println!(
        "scratch-domain: {} domain file(s) added to spec/{PRODUCT}/ built, linted and tested with no Rust edit",
        added.len()
    );
    Ok(())
}

/// Seeds `to` with the registry crates' build artefacts of `from` (see the module docs), once: a
/// later run finds them there.
fn seed(root: &Path, from: &Path, to: &Path) -> Result<(), String> {
    if to.exists() || !from.is_dir() {
        return Ok(());
    }
    let own = workspace_target_names(root)?;
    let seed = Seed { own: &own };
    let link = |src: &Path, dst: &Path| std::fs::hard_link(src, dst);
    seed.tree(&from.join("deps"), &to.join("deps"), link)?;
    seed.tree(&from.join("build"), &to.join("build"), link)?;
    let copy = |src: &Path, dst: &Path| std::fs::copy(src, dst).map(drop);
    seed.tree(&from.join(".fingerprint"), &to.join(".fingerprint"), copy)
}

/// The names the workspace's own packages and targets give their artefacts, both spellings
/// (`wxlive-runtime`, `wxlive_runtime`), from `cargo metadata`.
fn workspace_target_names(root: &Path) -> Result<std::collections::HashSet<String>, String> {
    let out = super::cargo_command(root)
        .args(["metadata", "--no-deps", "--format-version", "1"])
        .output()
        .map_err(|e| format!("cannot run cargo metadata: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cargo metadata printed no JSON: {e}"))?;
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let mut names = std::collections::HashSet::new();
    for package in &packages {
        let targets = package["targets"].as_array().cloned().unwrap_or_default();
        let target_names = targets.iter().filter_map(|t| t["name"].as_str());
        for name in package["name"].as_str().into_iter().chain(target_names) {
            names.insert(name.to_owned());
            names.insert(name.replace('-', "_"));
        }
    }
    if names.is_empty() {
        return Err("cargo metadata listed no workspace package".into());
    }
    Ok(names)
}

/// What [`seed`] leaves out.
struct Seed<'a> {
    own: &'a std::collections::HashSet<String>,
}

impl Seed<'_> {
    /// Whether an artefact's file or directory name (`libwxlive_runtime-0123abcd.rlib`,
    /// `wxlive-runtime-0123abcd`, `fluent_api-0123abcd`) belongs to one of the workspace's crates.
    fn is_own(&self, name: &str) -> bool {
        let Some((base, _hash)) = name.rsplit_once('-') else {
            return false;
        };
        self.own.contains(base)
            || base
                .strip_prefix("lib")
                .is_some_and(|b| self.own.contains(b))
    }

    /// Recreates the directories of `from` under `to` with `put` (link or copy) for each file,
    /// leaving out the workspace's own artefacts.
    fn tree(
        &self,
        from: &Path,
        to: &Path,
        put: impl Fn(&Path, &Path) -> std::io::Result<()> + Copy,
    ) -> Result<(), String> {
        if !from.is_dir() {
            return Ok(());
        }
        std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
        for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
            let entry = entry.map_err(|e| e.to_string())?;
            if self.is_own(&entry.file_name().to_string_lossy()) {
                continue;
            }
            let (src, dst) = (entry.path(), to.join(entry.file_name()));
            let kind = entry.file_type().map_err(|e| e.to_string())?;
            if kind.is_dir() {
                self.tree(&src, &dst, put)?;
            } else if kind.is_file() {
                put(&src, &dst).map_err(|e| format!("{}: {e}", dst.display()))?;
            }
        }
        Ok(())
    }
}

/// The workspace's files as git sees them: tracked, plus untracked ones that are not ignored.
fn workspace_files(root: &Path) -> Result<Vec<PathBuf>, String> {
    let out = Command::new("git")
        .current_dir(root)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ])
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "git ls-files failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(out
        .stdout
        .split(|b| *b == 0)
        .filter(|name| !name.is_empty())
        .map(|name| PathBuf::from(String::from_utf8_lossy(name).into_owned()))
        // A file deleted in the working tree but still in the index is not part of the workspace.
        .filter(|name| root.join(name).is_file())
        .collect())
}

/// Copies every domain file of the mini spec into `spec/<PRODUCT>/` of the copy, renamed so that its
/// module (`scratch_<domain>`) and cargo feature (`scratch-<feature>`) are new; returns the files added,
/// relative to the copy.
fn add_scratch_domains(root: &Path, copy: &Path) -> Result<Vec<PathBuf>, String> {
    let mini = root.join("tests/fixtures/mini-spec/demo");
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&mini)
        .map_err(|e| format!("{}: {e}", mini.display()))?
        .map(|e| e.map(|e| e.path()).map_err(|e| e.to_string()))
        .collect::<Result<_, _>>()?;
    entries.sort();
    let mut added = Vec::new();
    for path in entries {
        let is_yaml = path.extension().is_some_and(|e| e == "yaml");
        if !is_yaml || path.file_name().is_some_and(|n| n == "product.yaml") {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let renamed = rename_domain(&text)
            .ok_or_else(|| format!("{}: no top-level `domain:` and `feature:`", path.display()))?;
        let relative = PathBuf::from(format!("spec/{PRODUCT}/{}.yaml", scratch_name(&renamed)));
        std::fs::write(copy.join(&relative), renamed)
            .map_err(|e| format!("{}: {e}", relative.display()))?;
        added.push(relative);
    }
    if added.is_empty() {
        return Err(format!("{} has no domain file", mini.display()));
    }
    Ok(added)
}

/// The text with its top-level `domain: x` and `feature: y` lines renamed to `scratch_x` and
/// `scratch-y`; `None` when either is missing.
fn rename_domain(text: &str) -> Option<String> {
    let (mut domain, mut feature) = (false, false);
    let lines: Vec<String> = text
        .lines()
        .map(|line| {
            if let Some(name) = line.strip_prefix("domain: ") {
                domain = true;
                format!("domain: scratch_{}", name.trim())
            } else if let Some(name) = line.strip_prefix("feature: ") {
                feature = true;
                format!("feature: scratch-{}", name.trim())
            } else {
                line.to_owned()
            }
        })
        .collect();
    (domain && feature).then(|| lines.join("\n") + "\n")
}

/// The `domain:` of a (renamed) domain file.
fn scratch_name(text: &str) -> String {
    text.lines()
        .find_map(|line| line.strip_prefix("domain: "))
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// Runs `cargo args` in `dir` with the shared target directory; an error when it fails.
fn cargo(dir: &Path, target: &Path, args: &[&str]) -> Result<(), String> {
    let status = super::cargo_command(dir)
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "`cargo {}` failed in the copy ({status})",
            args.join(" ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domain_and_feature_are_renamed_and_nothing_else() {
        let text =
            "# domain: in a comment\ndomain: widgets\nfeature: demo-widgets\ntitle: 小部件\n";
        let renamed = rename_domain(text).unwrap();
        assert_eq!(
            renamed,
            "# domain: in a comment\ndomain: scratch_widgets\nfeature: scratch-demo-widgets\ntitle: 小部件\n"
        );
        assert_eq!(scratch_name(&renamed), "scratch_widgets");
        assert_eq!(rename_domain("domain: x\n"), None, "no feature");
    }

    #[test]
    fn the_seed_leaves_out_exactly_the_workspace_s_artefacts() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let own = super::workspace_target_names(&root).expect("cargo metadata");
        let seed = super::Seed { own: &own };
        for name in [
            "libwxlive_runtime-0123456789abcdef.rlib",
            "libwxlive_runtime-0123456789abcdef.rmeta",
            "wxlive-runtime-0123456789abcdef",
            "wxlive_tests-0123456789abcdef.d",
            "fluent_api-0123456789abcdef",
            "xtask-0123456789abcdef",
        ] {
            assert!(seed.is_own(name), "{name} is the workspace's");
        }
        for name in [
            "libserde-0123456789abcdef.rlib",
            "serde_json-0123456789abcdef",
            "libtokio-0123456789abcdef.rmeta",
            "output",
        ] {
            assert!(!seed.is_own(name), "{name} is a registry crate's");
        }
    }
}
