//! The mock servers as a standalone command, shared by `wxlive mock` and `wxlive-mock` (what
//! `cargo xtask mock` runs): serves every product given, each on its own port (products differ in their
//! token endpoints), prints one line per product with its base URL and credentials, and serves until
//! Ctrl-C.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use wxlive_runtime::mock::{Fault, MockConfig, MockServer, Target};

/// The options, after a `usage: PROGRAM [options]` line.
pub const OPTIONS: &str = "Serves every product (wecom, wxa, ...) on a port of its own and prints, per product, a line
  mock server: product=NAME base_url=URL id=ID secret=SECRET
then `ready: N products`.

  --product NAME         serve only this product (repeatable; default: all)
  --port N               the first product listens on 127.0.0.1:N, the next on N+1, ... (default: free ports)
  --port NAME=N          this product listens on 127.0.0.1:N
  --id [NAME=]ID         the id (corp id, appid) the token endpoints accept (default mock-corp)
  --corp-id ID           same as --id wecom=ID
  --secret [NAME=]S      the secret the token endpoints accept (default mock-secret)
  --token-lifetime SECS  lifetime of issued tokens (default 7200)
  --fail CODE[:N[:OP]]   the next N calls (default 1) of OP (e.g. living.create; default all) answer errcode CODE
  --latency MS[:N[:OP]]  add MS milliseconds to the next N calls (default: all calls)
  --drop WHEN[:N[:OP]]   drop the connection `before` or `after` processing the next N calls
  --truncate N[:OP]      send truncated JSON for the next N calls
  --html-502 N[:OP]      answer an HTML 502 page to the next N calls

A fault on `all` or `token` applies to every product (N times each); on an operation, to the product
serving it.";

/// The usage text of `program` (`wxlive mock`, `wxlive-mock`).
pub fn usage(program: &str) -> String {
    format!("usage: {program} [options]\n\n{OPTIONS}")
}

/// One product being served, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Served {
    /// Product name.
    pub product: &'static str,
    /// `http://127.0.0.1:<port>`.
    pub base_url: String,
    /// The id the token endpoint accepts.
    pub id: String,
    /// The secret the token endpoint accepts (a mock's, printed on purpose).
    pub secret: String,
}

/// Runs the command: parses `args`, serves the products, prints their lines, the lines `hint` makes
/// of them (how to try them) and `ready: N products`, then serves until Ctrl-C. Exit code 2 for bad
/// arguments, 1 when a port cannot be had.
pub async fn serve(
    program: &str,
    args: &[String],
    products: Vec<MockConfig>,
    hint: &dyn Fn(&[Served]) -> Vec<String>,
) -> ExitCode {
    if args.iter().any(|a| a == "--help" || a == "-h") {
        println!("{}", usage(program));
        return ExitCode::SUCCESS;
    }
    let planned = match plan(args, products) {
        Ok(planned) => planned,
        Err(e) => {
            eprintln!("{e}\n\n{}", usage(program));
            return ExitCode::from(2);
        }
    };
    let mut servers = Vec::new();
    let mut served = Vec::new();
    for p in planned {
        let name = p.config.product.name;
        let addr = SocketAddr::from(([127, 0, 0, 1], p.port));
        let server = match MockServer::start_on(p.config, addr).await {
            Ok(server) => server,
            Err(e) => {
                eprintln!("cannot serve product `{name}` on {addr}: {e}");
                return ExitCode::FAILURE;
            }
        };
        for (target, fault, times) in p.faults {
            server.inject(target, fault, times);
        }
        let (id, secret) = server.credentials();
        println!(
            "mock server: product={name} base_url={} id={id} secret={secret}",
            server.base_url()
        );
        served.push(Served {
            product: name,
            base_url: server.base_url(),
            id: id.to_owned(),
            secret: secret.to_owned(),
        });
        servers.push(server);
    }
    for line in hint(&served) {
        println!("{line}");
    }
    println!("ready: {} products (Ctrl-C stops them)", servers.len());
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::SUCCESS
}

/// A parsed fault option: what, how many times, on what.
#[derive(Debug, PartialEq)]
pub struct FaultOption {
    /// The fault.
    pub fault: Fault,
    /// How many calls it hits.
    pub times: usize,
    /// Which calls.
    pub target: Target,
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
pub fn parse_fault(flag: &str, value: &str) -> Result<FaultOption, String> {
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

/// One product to serve: its configuration and its port (0: a free one).
pub struct Planned {
    /// What it serves.
    pub config: MockConfig,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Faults to inject: which calls, what, how many times.
    pub faults: Vec<(Target, Fault, usize)>,
}

/// What the command line asks for, checked: the products to serve, in order.
pub fn plan(args: &[String], products: Vec<MockConfig>) -> Result<Vec<Planned>, String> {
    let known: Vec<&'static str> = products.iter().map(|c| c.product.name).collect();
    let product_name = |name: &str| {
        known.iter().copied().find(|k| *k == name).ok_or_else(|| {
            format!(
                "unknown product `{name}`; expected one of {}",
                known.join(", ")
            )
        })
    };
    // `NAME=VALUE` when NAME is a product, else the whole text for every product.
    let scoped = |value: &str| -> (Option<&'static str>, String) {
        match value.split_once('=') {
            Some((name, rest)) if known.contains(&name) => {
                (product_name(name).ok(), rest.to_owned())
            }
            _ => (None, value.to_owned()),
        }
    };
    let mut only = Vec::new();
    let mut base_port = 0u16;
    let mut ports = BTreeMap::new();
    let mut ids = Vec::new();
    let mut secrets = Vec::new();
    let mut lifetime = None;
    let mut faults = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--product" => only.push(product_name(value)?),
            "--port" => {
                let (name, port) = match value.split_once('=') {
                    Some((name, port)) => (Some(product_name(name)?), port),
                    None => (None, value.as_str()),
                };
                let port: u16 = port
                    .parse()
                    .map_err(|_| format!("`{port}` is not a port"))?;
                match name {
                    Some(name) => {
                        ports.insert(name, port);
                    }
                    None => base_port = port,
                }
            }
            "--id" => ids.push(scoped(value)),
            "--corp-id" => ids.push((Some(product_name("wecom")?), value.clone())),
            "--secret" => secrets.push(scoped(value)),
            "--token-lifetime" => {
                let secs = value
                    .parse()
                    .map_err(|_| format!("`{value}` is not a number of seconds"))?;
                lifetime = Some(Duration::from_secs(secs));
            }
            _ => faults.push(parse_fault(flag, value)?),
        }
    }
    let selected: Vec<MockConfig> = products
        .into_iter()
        .filter(|c| only.is_empty() || only.contains(&c.product.name))
        .collect();
    let mut planned = Vec::new();
    for (i, mut config) in selected.into_iter().enumerate() {
        let name = config.product.name;
        let applies = |scope: &Option<&str>| !matches!(scope, Some(s) if *s != name);
        for (scope, id) in &ids {
            if applies(scope) {
                config.id = id.clone();
            }
        }
        for (scope, secret) in &secrets {
            if applies(scope) {
                config.secret = secret.clone();
            }
        }
        if let Some(lifetime) = lifetime {
            config.token_lifetime = lifetime;
        }
        let port = match ports.get(name) {
            Some(port) => *port,
            None if base_port == 0 => 0,
            None => u16::try_from(i)
                .ok()
                .and_then(|i| base_port.checked_add(i))
                .ok_or_else(|| format!("no port {base_port}+{i} for product `{name}`"))?,
        };
        planned.push(Planned {
            config,
            port,
            faults: Vec::new(),
        });
    }
    for f in faults {
        match &f.target {
            Target::Operation(op) => {
                let serving = planned.iter_mut().find(|p| {
                    p.config
                        .routes
                        .iter()
                        .any(|r| format!("{}.{}", r.operation.domain, r.operation.name) == *op)
                });
                let Some(serving) = serving else {
                    return Err(format!(
                        "no product served here has the operation `{op}` (expected domain.operation, e.g. living.create)"
                    ));
                };
                serving.faults.push((f.target, f.fault, f.times));
            }
            _ => {
                for p in &mut planned {
                    p.faults.push((f.target.clone(), f.fault.clone(), f.times));
                }
            }
        }
    }
    Ok(planned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn products() -> Vec<MockConfig> {
        vec![wxlive::wecom::mock_config(), wxlive::wxa::mock_config()]
    }

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(str::to_owned).collect()
    }

    fn names(planned: &[Planned]) -> Vec<&'static str> {
        planned.iter().map(|p| p.config.product.name).collect()
    }

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

    #[test]
    fn every_product_is_served_by_default_on_consecutive_or_free_ports() {
        let all: Vec<_> = products().iter().map(|c| c.product.name).collect();
        let planned = plan(&[], products()).unwrap();
        assert_eq!(names(&planned), all);
        assert!(planned.iter().all(|p| p.port == 0));
        let planned = plan(&args("--port 8080"), products()).unwrap();
        let ports: Vec<u16> = planned.iter().map(|p| p.port).collect();
        let expected: Vec<u16> = (0..all.len()).map(|i| 8080 + i as u16).collect();
        assert_eq!(ports, expected);
    }

    #[test]
    fn options_can_name_a_product() {
        let planned = plan(
            &args("--product wxa --port wxa=9000 --id wxa=wx-app --secret s3 --corp-id corp"),
            products(),
        )
        .unwrap();
        assert_eq!(names(&planned), ["wxa"]);
        assert_eq!(planned[0].port, 9000);
        assert_eq!(
            (
                planned[0].config.id.as_str(),
                planned[0].config.secret.as_str()
            ),
            ("wx-app", "s3")
        );
        let planned = plan(&args("--corp-id corp"), products()).unwrap();
        for p in &planned {
            let expected = if p.config.product.name == "wecom" {
                "corp"
            } else {
                "mock-corp"
            };
            assert_eq!(p.config.id, expected);
        }
    }

    #[test]
    fn faults_go_to_the_product_serving_the_operation() {
        let planned = plan(&args("--fail -1:2:living.create --html-502 1"), products()).unwrap();
        for p in &planned {
            let ops = p
                .faults
                .iter()
                .filter(|f| matches!(f.0, Target::Operation(_)))
                .count();
            assert_eq!(
                ops,
                usize::from(p.config.product.name == "wecom"),
                "{}",
                p.config.product.name
            );
            assert!(p
                .faults
                .iter()
                .any(|f| f.0 == Target::All && f.1 == Fault::Html502));
        }
    }

    #[test]
    fn unknown_names_are_errors() {
        let err = |text: &str| plan(&args(text), products()).err().unwrap();
        assert!(err("--product nope").contains("unknown product `nope`"));
        assert!(err("--port nope=1").contains("unknown product"));
        assert!(err("--fail -1:1:living.nope").contains("`living.nope`"));
        assert!(err("--port").contains("needs a value"));
        assert!(err("--port 70000").contains("not a port"));
    }
}
