//! The chaos soak command (`cargo xtask soak`): its arguments are checked before anything runs. (Runs
//! of the soak itself are `.ci/run`'s last step: a short one here would measure memory growth over a
//! start-up.)

use std::process::Command;

fn soak(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_wxlive-soak"))
        .args(args)
        .output()
        .expect("the soak binary runs")
}

#[test]
fn bad_arguments_exit_2_with_the_reason_and_the_usage() {
    let out = soak(&["--clients", "1"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("--clients must be at least 2"), "{stderr}");
    assert!(stderr.contains("usage: cargo xtask soak"), "{stderr}");
}
