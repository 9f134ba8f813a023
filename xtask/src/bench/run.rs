//! Running commands: timed, with their output in a log file, and a readable error when they fail.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A command to run from a directory, with extra environment variables.
pub struct Job<'a> {
    /// The program.
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// The working directory.
    pub dir: &'a Path,
    /// Extra environment variables.
    pub env: Vec<(&'a str, String)>,
    /// Where stdout and stderr go.
    pub log: PathBuf,
}

impl Job<'_> {
    /// The command line as shown in reports (program name without its directory).
    pub fn shown(&self) -> String {
        let program = self.program.file_name().map_or_else(
            || self.program.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let env: Vec<String> = self.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut parts = env;
        parts.push(program);
        parts.extend(self.args.iter().cloned());
        parts.join(" ")
    }

    /// Runs the command to completion; the wall time, or why it failed (pointing at the log).
    pub fn run(&self) -> Result<Duration, String> {
        if let Some(parent) = self.log.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        let log = File::create(&self.log)
            .map_err(|e| format!("cannot create {}: {e}", self.log.display()))?;
        let log_err = log
            .try_clone()
            .map_err(|e| format!("cannot reopen {}: {e}", self.log.display()))?;
        let mut command = Command::new(&self.program);
        command
            .args(&self.args)
            .current_dir(self.dir)
            .stdin(Stdio::null())
            .stdout(log)
            .stderr(log_err);
        for (k, v) in &self.env {
            command.env(k, v);
        }
        let start = Instant::now();
        let status = command
            .status()
            .map_err(|e| format!("cannot start `{}`: {e}", self.shown()))?;
        let elapsed = start.elapsed();
        if status.success() {
            Ok(elapsed)
        } else {
            Err(format!(
                "`{}` failed ({status}); see {}",
                self.shown(),
                self.log.display()
            ))
        }
    }
}

/// The cargo that runs xtask (so the same toolchain builds everything).
pub fn cargo() -> PathBuf {
    std::env::var_os("CARGO").map_or_else(|| PathBuf::from("cargo"), PathBuf::from)
}
