//! The bad-spec corpus: every directory under `tests/bad-specs/` is a spec with deliberate mistakes.
//! Each must be rejected without a panic, every diagnostic must name a file of that case, and the
//! rendered diagnostics are snapshot-tested (`snapshots/bad_specs__<case>.snap`), so a change in what
//! the loader and the linter report shows up as a reviewable diff.
//!
//! Cases are discovered from the filesystem: add a directory to add a case.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// `tests/bad-specs/`.
fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bad-specs")
}

/// The case directories, by name, in name order.
fn cases() -> Vec<(String, PathBuf)> {
    let mut cases: Vec<(String, PathBuf)> = std::fs::read_dir(corpus())
        .expect("tests/bad-specs exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.is_dir())
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("a UTF-8 case name")
                .to_owned();
            (name, path)
        })
        .collect();
    cases.sort();
    cases
}

/// Loads one case and checks it; returns what is wrong with the result, if anything.
fn check_case(case: &str, dir: &Path) -> Result<(), String> {
    let display_root = format!("tests/bad-specs/{case}");
    let loaded = catch_unwind(AssertUnwindSafe(|| {
        wxlive_codegen::load(dir, &display_root)
    }))
    .map_err(|_| format!("{case}: the generator panicked"))?;
    let errors = match loaded {
        Ok(_) => {
            return Err(format!(
                "{case}: the broken spec loaded without a diagnostic \
                 (a generator gap, or a case that is not broken)"
            ))
        }
        Err(errors) => errors,
    };
    if errors.0.is_empty() {
        return Err(format!(
            "{case}: rejected with an empty list of diagnostics"
        ));
    }
    let prefix = format!("{display_root}/");
    for e in &errors.0 {
        let line = e.to_string();
        if !e.file.starts_with(&prefix) || !line.starts_with(&prefix) {
            return Err(format!(
                "{case}: diagnostic does not name a file under {display_root}: {line}"
            ));
        }
    }
    let rendered = errors.to_string();
    catch_unwind(AssertUnwindSafe(|| {
        insta::assert_snapshot!(case, rendered);
    }))
    .map_err(|_| format!("{case}: the diagnostics differ from the snapshot"))
}

#[test]
fn every_bad_spec_is_rejected_with_its_snapshotted_diagnostics() {
    let cases = cases();
    assert!(!cases.is_empty(), "the bad-spec corpus is empty");
    // Check every case before failing, so one run names all the broken ones.
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(case, dir)| check_case(case, dir).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} bad-spec cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
