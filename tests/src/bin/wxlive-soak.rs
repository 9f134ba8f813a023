//! The chaos soak as a command: `cargo xtask soak` (or `cargo run -p wxlive-tests --bin wxlive-soak
//! -- --seconds N`). See [`wxlive_tests::soak`].

use std::process::ExitCode;

use wxlive_tests::soak::{run, Options, USAGE};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let options = match Options::parse(&args) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("{e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("cannot start the Tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "chaos soak: {} s, {} clients, seed {} (repeat with --seed {})",
        options.seconds, options.clients, options.seed, options.seed
    );
    match runtime.block_on(run(&options)) {
        Ok(report) => {
            print!("{}", report.render());
            if report.failures().is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("the soak could not run: {e}");
            ExitCode::FAILURE
        }
    }
}
