//! One run of `wxlive`: parse the command line, build the body, check it, get credentials (or start the
//! mock), send, print.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::error::ErrorKind;
use clap::ArgMatches;
use serde_json::Value;
use wxlive_runtime::mock::MockServer;
use wxlive_runtime::{Client, Profile};

use crate::command::{self, ALL_ARG, CONFIG_ARG, MOCK_ARG, MOCK_ARGS, PROFILE_ARG, STRICT_ARG};
use crate::credentials::{self, Credentials};
use crate::failure::{describe_violation, Failure, EXIT_USAGE};
use crate::model::{Op, Product};

/// Runs `wxlive` with the process's arguments over `products` (the generated data) and answers the
/// exit code.
pub fn main(products: &'static [&'static Product]) -> ExitCode {
    run(products, std::env::args_os().collect())
}

/// Runs `wxlive` with `args` (the program name first).
pub fn run(products: &'static [&'static Product], args: Vec<std::ffi::OsString>) -> ExitCode {
    let now = unix_now();
    let matches = match command::build(products, now).try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => return clap_failure(&e),
    };
    let Some((name, sub)) = matches.subcommand() else {
        return ExitCode::from(EXIT_USAGE);
    };
    if name == "mock" {
        return standalone_mock(products, sub);
    }
    let found = products.iter().find(|p| p.name == name).and_then(|p| {
        let (domain, dm) = sub.subcommand()?;
        let d = p.domains.iter().find(|d| d.name == domain)?;
        let (op, om) = dm.subcommand()?;
        let op = d.ops.iter().find(|o| o.command == op || o.name == op)?;
        Some((*p, op, om))
    });
    let Some((product, op, m)) = found else {
        eprintln!("error: no such operation; see `wxlive --help`");
        return ExitCode::from(EXIT_USAGE);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(crate::failure::EXIT_OTHER);
        }
    };
    match runtime.block_on(call(product, op, m)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Stop::Quiet) => ExitCode::SUCCESS,
        Err(Stop::Failed(f)) => {
            eprintln!("{}", f.report(Some(op)));
            ExitCode::from(f.exit_code())
        }
    }
}

/// Why a call stopped early.
enum Stop {
    /// It failed.
    Failed(Failure),
    /// stdout was closed (`| head`): nothing more to do.
    Quiet,
}

impl From<Failure> for Stop {
    fn from(f: Failure) -> Self {
        Stop::Failed(f)
    }
}

/// One operation: body, checks, credentials, the call, the output.
async fn call(product: &'static Product, op: &'static Op, m: &ArgMatches) -> Result<(), Stop> {
    let profile = if m.get_flag(STRICT_ARG) {
        Profile::Strict
    } else {
        Profile::Official
    };
    let body = crate::body::assemble(op, m, &mut std::io::stdin())?;
    let placeholder = |wire: &str| op.field(wire).map(crate::body::placeholder);
    let warnings = (op.runner.check)(&body, profile, &placeholder)?;
    for w in &warnings {
        eprintln!("warning: {}", describe_violation(Some(op), w));
    }
    let (_mock, creds) = credentials_for(product, m).await?;
    let mut builder = Client::builder(product.meta)
        .credentials(creds.id, creds.secret)
        .validation(profile);
    if let Some(url) = creds.base_url {
        builder = builder.base_url(url);
    }
    let client = builder.build().map_err(Failure::from)?;
    if let Some(media) = op.runner.media {
        let args = crate::media::from_matches(m, op.runner.transfer)?;
        let answer = media(&client, body, &args).await?;
        let text = serde_json::to_string_pretty(&answer)
            .map_err(|e| Failure::Other(format!("cannot print the answer: {e}")))?;
        return print_line(&text);
    }
    let all = match op.runner.all {
        Some(all) if m.get_flag(ALL_ARG) => all,
        _ => {
            let answer = (op.runner.send)(&client, body).await?;
            let text = serde_json::to_string_pretty(&answer)
                .map_err(|e| Failure::Other(format!("cannot print the answer: {e}")))?;
            return print_line(&text);
        }
    };
    let progress = if std::io::stderr().is_terminal() {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    } else {
        indicatif::ProgressBar::hidden()
    };
    let what = if op.runner.items { "items" } else { "pages" };
    let mut closed = false;
    let mut emit = |value: Value| -> Result<(), Failure> {
        progress.inc(1);
        progress.set_message(format!("{} {what}", progress.position()));
        // The spinner steps aside while the line is written (stdout may be the same terminal).
        match progress.suspend(|| print_line(&value.to_string())) {
            Ok(()) => Ok(()),
            Err(Stop::Quiet) => {
                closed = true;
                // Ends the stream; reported as success below.
                Err(Failure::Other("stdout closed".into()))
            }
            Err(Stop::Failed(f)) => Err(f),
        }
    };
    let result = all(&client, body, &mut emit).await;
    progress.finish_and_clear();
    match result {
        Ok(_) => Ok(()),
        Err(_) if closed => Err(Stop::Quiet),
        Err(f) => Err(f.into()),
    }
}

/// The credentials of the call: the in-process mock's (kept running while the result lives), a
/// profile's, or the environment's.
async fn credentials_for(
    product: &'static Product,
    m: &ArgMatches,
) -> Result<(Option<MockServer>, Credentials), Failure> {
    if m.get_flag(MOCK_ARG) {
        let server = MockServer::start((product.mock)())
            .await
            .map_err(|e| Failure::Other(format!("cannot start the mock server: {e}")))?;
        let (id, secret) = server.credentials();
        let creds = Credentials {
            id: id.to_owned(),
            secret: secret.into(),
            base_url: Some(server.base_url()),
        };
        return Ok((Some(server), creds));
    }
    let var = |name: &str| std::env::var(name).ok();
    let creds = match m.get_one::<String>(PROFILE_ARG) {
        Some(name) => {
            let path = credentials::config_path(
                m.get_one::<PathBuf>(CONFIG_ARG).map(PathBuf::as_path),
                &var,
            )?;
            credentials::from_profile(product, name, &path)?
        }
        None => credentials::from_env(product, &var)?,
    };
    Ok((None, creds))
}

/// Writes `text` and a newline to stdout, flushed (NDJSON consumers see each line at once).
fn print_line(text: &str) -> Result<(), Stop> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Stop::Quiet),
        Err(e) => Err(Failure::Other(format!("cannot write to stdout: {e}")).into()),
    }
}

/// `wxlive mock ...`: every product's mock server until Ctrl-C.
fn standalone_mock(products: &'static [&'static Product], m: &ArgMatches) -> ExitCode {
    let args: Vec<String> = m
        .get_many::<String>(MOCK_ARGS)
        .map(|v| v.cloned().collect())
        .unwrap_or_default();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(crate::failure::EXIT_OTHER);
        }
    };
    let configs = products.iter().map(|p| (p.mock)()).collect();
    let hint = |served: &[crate::mock::Served]| -> Vec<String> {
        served
            .iter()
            .filter_map(|s| {
                let p = products.iter().find(|p| p.name == s.product)?;
                Some(format!(
                    "try: {}={} {}={} {}={} wxlive {} --help",
                    p.base_url_env, s.base_url, p.id_env, s.id, p.secret_env, s.secret, p.name
                ))
            })
            .collect()
    };
    runtime.block_on(crate::mock::serve("wxlive mock", &args, configs, &hint))
}

/// A clap error: help and version go to stdout with exit 0; anything else is one line on stderr
/// (clap's first line, its tip, where to look) and exit 2.
fn clap_failure(e: &clap::Error) -> ExitCode {
    match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = e.print();
            ExitCode::SUCCESS
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            eprint!("{}", e.render());
            ExitCode::from(EXIT_USAGE)
        }
        _ => {
            eprintln!("{}", one_line(&e.render().to_string()));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

/// clap's error text as one line: the `error:` line, the tip, and which `--help` to read.
fn one_line(rendered: &str) -> String {
    let mut line = rendered
        .lines()
        .find(|l| l.starts_with("error:"))
        .unwrap_or("error: invalid command line")
        .trim_end()
        .to_owned();
    if let Some(tip) = rendered.lines().find_map(|l| l.trim().strip_prefix("tip:")) {
        line.push_str(&format!("; tip:{}", tip.trim_end()));
    }
    let command: Vec<&str> = rendered
        .lines()
        .find_map(|l| l.trim().strip_prefix("Usage:"))
        .map(|usage| {
            usage
                .split_whitespace()
                .take_while(|w| !w.starts_with(['[', '<', '-']))
                .collect()
        })
        .unwrap_or_default();
    if !command.is_empty() {
        line.push_str(&format!("; see `{} --help`", command.join(" ")));
    }
    line
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn clap_errors_become_one_line_with_the_tip_and_the_help_to_read() {
        let rendered = "error: unexpected argument '--theem' found\n\n  tip: a similar argument exists: '--theme'\n\nUsage: wxlive wecom living create --theme <TEXT>\n\nFor more information, try '--help'.\n";
        assert_eq!(
            one_line(rendered),
            "error: unexpected argument '--theem' found; tip: a similar argument exists: '--theme'; see `wxlive wecom living create --help`"
        );
    }
}
