//! The mock WeCom server as a standalone command: `cargo xtask mock` (or `cargo run -p wxlive-tests
//! --bin wxlive-mock`). Prints its base URL and credentials, serves until Ctrl-C.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use wxlive_runtime::mock::{Fault, MockServer, Target};

const USAGE: &str = "usage: wxlive-mock [options]

  --port N               listen on 127.0.0.1:N (default: a free port)
  --corp-id ID           the corp id gettoken accepts (default mock-corp)
  --secret S             the secret gettoken accepts (default mock-secret)
  --token-lifetime SECS  lifetime of issued tokens (default 7200)
  --fail CODE[:N[:OP]]   the next N calls (default 1) of OP (e.g. living.create; default all) answer errcode CODE
  --latency MS[:N[:OP]]  add MS milliseconds to the next N calls (default: all calls)
  --drop WHEN[:N[:OP]]   drop the connection `before` or `after` processing the next N calls
  --truncate N[:OP]      send truncated JSON for the next N calls
  --html-502 N[:OP]      answer an HTML 502 page to the next N calls";

/// A parsed fault option: what, how many times, on what.
#[derive(Debug, PartialEq)]
struct FaultOption {
    fault: Fault,
    times: usize,
    target: Target,
}

fn target(op: Option<&str>) -> Target {
    match op {
        None | Some("all") => Target::All,
        Some("token") => Target::Token,
        Some(op) => Target::Operation(op.to_owned()),
    }
}

fn times(n: Option<&str>, default: usize) -> Result<usize, String> {
    n.map_or(Ok(default), |n| {
        n.parse().map_err(|_| format!("`{n}` is not a count"))
    })
}

/// Parses the value of a fault flag.
fn parse_fault(flag: &str, value: &str) -> Result<FaultOption, String> {
    let mut parts = value.splitn(3, ':');
    let first = parts.next().unwrap_or_default();
    let (second, third) = (parts.next(), parts.next());
    let option = match flag {
        "--fail" => FaultOption {
            fault: Fault::Errcode(
                first
                    .parse()
                    .map_err(|_| format!("`{first}` is not an errcode"))?,
            ),
            times: times(second, 1)?,
            target: target(third),
        },
        "--latency" => FaultOption {
            fault: Fault::Latency(Duration::from_millis(
                first
                    .parse()
                    .map_err(|_| format!("`{first}` is not milliseconds"))?,
            )),
            times: times(second, usize::MAX)?,
            target: target(third),
        },
        "--drop" => FaultOption {
            fault: match first {
                "before" => Fault::DropBefore,
                "after" => Fault::DropAfter,
                other => return Err(format!("`{other}`: expected `before` or `after`")),
            },
            times: times(second, 1)?,
            target: target(third),
        },
        "--truncate" => FaultOption {
            fault: Fault::TruncatedJson,
            times: times(Some(first), 1)?,
            target: target(second),
        },
        "--html-502" => FaultOption {
            fault: Fault::Html502,
            times: times(Some(first), 1)?,
            target: target(second),
        },
        other => return Err(format!("unknown option `{other}`")),
    };
    Ok(option)
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut config = wxlive::wecom::mock_config();
    let mut port = 0u16;
    let mut faults = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--help" || flag == "-h" {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        let Some(value) = it.next() else {
            eprintln!("{flag} needs a value\n\n{USAGE}");
            return ExitCode::from(2);
        };
        let result = match flag.as_str() {
            "--port" => value
                .parse()
                .map(|p| port = p)
                .map_err(|_| format!("`{value}` is not a port")),
            "--corp-id" => {
                config.id = value.clone();
                Ok(())
            }
            "--secret" => {
                config.secret = value.clone();
                Ok(())
            }
            "--token-lifetime" => value
                .parse()
                .map(|s| config.token_lifetime = Duration::from_secs(s))
                .map_err(|_| format!("`{value}` is not a number of seconds")),
            _ => parse_fault(flag, value).map(|f| faults.push(f)),
        };
        if let Err(e) = result {
            eprintln!("{e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let server = match MockServer::start_on(config, SocketAddr::from(([127, 0, 0, 1], port))).await
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("cannot listen on 127.0.0.1:{port}: {e}");
            return ExitCode::FAILURE;
        }
    };
    for f in faults {
        server.inject(f.target, f.fault, f.times);
    }
    let (id, secret) = server.credentials();
    println!("mock WeCom server listening on {}", server.base_url());
    println!("corp id: {id}");
    println!("secret:  {secret}");
    println!("try: WECOM_BASE_URL={} WECOM_CORP_ID={id} WECOM_SECRET={secret} cargo run -p wxlive-tests --example quickstart", server.base_url());
    println!("Ctrl-C stops it.");
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_options_parse() {
        assert_eq!(
            parse_fault("--fail", "40014:2:living.create").unwrap(),
            FaultOption {
                fault: Fault::Errcode(40014),
                times: 2,
                target: Target::Operation("living.create".into())
            }
        );
        assert_eq!(parse_fault("--fail", "-1").unwrap().times, 1);
        assert_eq!(
            parse_fault("--latency", "250").unwrap().fault,
            Fault::Latency(Duration::from_millis(250))
        );
        assert_eq!(
            parse_fault("--drop", "after:1:living.create")
                .unwrap()
                .fault,
            Fault::DropAfter
        );
        assert_eq!(parse_fault("--html-502", "3").unwrap().times, 3);
        assert!(parse_fault("--drop", "sideways").is_err());
        assert!(parse_fault("--fail", "x").is_err());
    }
}
