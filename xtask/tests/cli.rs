//! `cargo xtask codegen` as users run it: exit codes, messages, and what it writes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wxlive-xtask-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("run xtask")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn copy_spec(to: &Path) {
    for product in fs::read_dir(root().join("spec")).unwrap() {
        let product = product.unwrap().path();
        let target = to.join(product.file_name().unwrap());
        fs::create_dir_all(&target).unwrap();
        for file in fs::read_dir(&product).unwrap() {
            let file = file.unwrap().path();
            fs::copy(&file, target.join(file.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn check_fails_and_names_stale_files_without_changing_them() {
    let out = scratch("stale");
    let spec = root().join("spec");
    let (spec_s, out_s) = (spec.to_str().unwrap(), out.to_str().unwrap());
    let first = xtask(&["codegen", "--spec", spec_s, "--out", out_s]);
    assert!(first.status.success(), "{}", text(&first));
    assert!(
        !text(&first).contains("mini-crate"),
        "with --spec/--out only that crate is generated: {}",
        text(&first)
    );
    assert!(
        xtask(&["codegen", "--check", "--spec", spec_s, "--out", out_s])
            .status
            .success()
    );

    let lib = out.join("src/lib.rs");
    fs::write(&lib, "// edited by hand\n").unwrap();
    fs::write(out.join("src/leftover.rs"), "// no longer generated\n").unwrap();
    let check = xtask(&["codegen", "--check", "--spec", spec_s, "--out", out_s]);
    assert_eq!(check.status.code(), Some(1));
    let message = text(&check);
    assert!(
        message.contains("stale:") && message.contains("src/lib.rs"),
        "{message}"
    );
    assert!(
        message.contains("no longer generated:") && message.contains("leftover.rs"),
        "{message}"
    );
    assert_eq!(
        fs::read_to_string(&lib).unwrap(),
        "// edited by hand\n",
        "--check changes nothing"
    );

    let fix = xtask(&["codegen", "--spec", spec_s, "--out", out_s]);
    assert!(fix.status.success(), "{}", text(&fix));
    assert!(
        !out.join("src/leftover.rs").exists(),
        "files no longer produced are removed"
    );
    assert!(
        xtask(&["codegen", "--check", "--spec", spec_s, "--out", out_s])
            .status
            .success()
    );
}

#[test]
fn a_broken_spec_exits_non_zero_naming_file_and_path() {
    let spec = scratch("broken-spec");
    copy_spec(&spec);
    let living = spec.join("wecom/living.yaml");
    let broken = fs::read_to_string(&living).unwrap().replacen(
        "{type: string, required: true, doc: Title., max_chars",
        "{type: strnig, required: true, doc: Title., max_chars",
        1,
    );
    fs::write(&living, broken).unwrap();
    let out = scratch("broken-out");
    let run = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    let message = text(&run);
    assert!(
        message.contains("living.yaml: endpoints.create.body.theme.type: unknown type `strnig`"),
        "{message}"
    );
    assert!(message.contains("did you mean `string`?"), "{message}");
    assert!(
        fs::read_dir(&out).unwrap().next().is_none(),
        "nothing is written from a broken spec"
    );
}

#[test]
fn check_by_default_covers_generated_and_the_mini_crate() {
    // Changes nothing; whether it passes depends on the checkout, what it looks at does not.
    let run = xtask(&["codegen", "--check"]);
    let message = text(&run);
    assert!(message.contains("generated/"), "{message}");
    assert!(message.contains("tests/mini-crate/"), "{message}");
}

#[test]
fn unknown_arguments_are_usage_errors() {
    let run = xtask(&["codegen", "--frobnicate"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(text(&run).contains("unknown argument `--frobnicate`"));
}

#[test]
fn adding_one_yaml_file_adds_a_module_and_a_feature() {
    let spec = scratch("new-domain-spec");
    copy_spec(&spec);
    let widgets =
        fs::read_to_string(root().join("tests/fixtures/mini-spec/demo/widgets.yaml")).unwrap();
    fs::write(spec.join("wecom/widgets.yaml"), widgets).unwrap();
    let out = scratch("new-domain-out");
    let run = xtask(&[
        "codegen",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", text(&run));
    let manifest = fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("demo-widgets = []"), "{manifest}");
    let product = fs::read_to_string(out.join("src/wecom/mod.rs")).unwrap();
    assert!(
        product.contains("#[cfg(feature = \"demo-widgets\")]")
            && product.contains("pub mod widgets;"),
        "{product}"
    );
    for file in ["mod.rs", "requests.rs", "client.rs", "events.rs", "mock.rs"] {
        assert!(out.join("src/wecom/widgets").join(file).exists(), "{file}");
    }
    assert!(out.join("fixtures/wecom/widgets/make.json").exists());
}
