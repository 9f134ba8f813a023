//! The chaos soak (`cargo xtask soak`): many concurrent WeCom living and mini-program broadcast clients
//! against the in-process mock servers while these inject random faults and every token expires now
//! and then. At the end it checks the invariants the runtime promises:
//!
//! - no panic, in any client task or anywhere else in the process;
//! - no create lost or doubled: the mock holds every create that succeeded exactly once, each create
//!   that ended with `Error::OutcomeUnknown` at most once, and no other (each create has a unique name);
//! - every call ends within its deadline plus a small slack;
//! - the token endpoint is called at most once per token store per expiry, plus once for each event that
//!   forces one more fetch ([`report::TokenBudget`] spells the bound out);
//! - resident memory grows less than 10 % from the first to the last tenth of the run.
//!
//! The soak lives here, next to the standalone mock, and not in `xtask`: `xtask` regenerates the
//! `wxlive` crate, so it must build without it.

pub mod faults;
pub mod report;
pub mod workload;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wxlive_runtime::mock::{FaultKind, InjectedFaults, MockServer};
use wxlive_runtime::token::{MemoryStore, TokenStore};
use wxlive_runtime::{Client, RetryPolicy};

use report::{Creates, ProductReport, Report, RssGrowth, Tally, TokenBudget};
use workload::{ClientResult, Product, Setup};

/// Usage of the soak command.
pub const USAGE: &str = "usage: cargo xtask soak [--release] [--seconds N] [--clients C] [--seed S]

  --release    build and run the soak in release mode (default: debug, like the tests)
  --seconds N  how long the clients run (default 15)
  --clients C  concurrent clients, half WeCom living and half mini-program broadcast (default 16, at least 2)
  --seed S     the seed of every random choice: faults, expiries, what each client calls (default: from the clock)

Prints a summary and exits 1 when an invariant broke.";

/// What a soak run does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// How long the clients run.
    pub seconds: u64,
    /// Concurrent clients.
    pub clients: usize,
    /// The seed of every random choice.
    pub seed: u64,
}

impl Options {
    /// Parses the arguments after `soak`.
    pub fn parse(args: &[String]) -> Result<Options, String> {
        let mut options = Options {
            seconds: 15,
            clients: 16,
            seed: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_nanos() as u64),
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |what: &str| -> Result<u64, String> {
                let v = it.next().ok_or(format!("{arg} needs {what}"))?;
                v.parse().map_err(|_| format!("{arg}: `{v}` is not {what}"))
            };
            match arg.as_str() {
                "--seconds" => options.seconds = value("a number of seconds")?,
                "--clients" => {
                    options.clients = usize::try_from(value("a number of clients")?)
                        .map_err(|_| "--clients: too many".to_owned())?
                }
                "--seed" => options.seed = value("a number")?,
                other => return Err(format!("unknown argument `{other}`")),
            }
        }
        if options.seconds == 0 {
            return Err("--seconds must be at least 1".into());
        }
        if options.clients < 2 {
            return Err("--clients must be at least 2 (one per product)".into());
        }
        Ok(options)
    }
}

/// Token stores per product; clients share them round robin.
const STORES: usize = 2;
/// How far past its deadline a call may end (timer and scheduling delays on a loaded machine).
const SLACK: Duration = Duration::from_millis(250);
/// Records the WeCom mock keeps (clients read their newest lives); older ones are handed over.
const KEEP: usize = 64;
/// How often the mocks' records are handed over.
const DRAIN_EVERY: Duration = Duration::from_millis(250);
/// The store and journal that hold the creates.
const LIVES: &str = "lives";
const CREATE_ROOM: &str = "broadcast.create_room";

/// Counts every panic of the process (and still prints it), from the first call on.
fn panic_counter() -> &'static AtomicU64 {
    static PANICS: AtomicU64 = AtomicU64::new(0);
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            previous(info);
        }));
    });
    &PANICS
}

/// The process's resident memory, bytes (`VmRSS`, or `VmHWM` for the peak); `None` off Linux.
fn rss(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kib: u64 = line[field.len()..]
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// A client of `product` for `mock`, sharing `store`.
fn client(
    product: Product,
    mock: &MockServer,
    store: Arc<dyn TokenStore>,
) -> Result<Client, String> {
    let (id, secret) = mock.credentials();
    let retry = RetryPolicy {
        busy_retries: 3,
        base_delay: Duration::from_millis(25),
        throttled_retries: 2,
        throttled_delay: Duration::from_millis(50),
        deadline: Duration::from_secs(3),
    };
    let built = match product {
        Product::Wecom => wxlive::wecom::WecomClient::builder()
            .credentials(id, secret.to_owned())
            .base_url(mock.base_url())
            .token_store(store)
            .retry_policy(retry)
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(2))
            .build()
            .map(|c| c.runtime().clone()),
        Product::Wxa => wxlive::wxa::WxaClient::builder()
            .credentials(id, secret.to_owned())
            .base_url(mock.base_url())
            .token_store(store)
            .retry_policy(retry)
            .connect_timeout(Duration::from_secs(1))
            .timeout(Duration::from_secs(2))
            .build()
            .map(|c| c.runtime().clone()),
    };
    built.map_err(|e| format!("cannot build a {} client: {e}", product.title()))
}

/// Hands the mocks' old records over to `lives` and `rooms` (all of them when `keep` is 0).
fn drain(
    wecom: &MockServer,
    wxa: &MockServer,
    keep: usize,
    lives: &Mutex<Creates>,
    rooms: &Mutex<Creates>,
) {
    // A poisoned lock means a client panicked: that is reported, and the counts stay usable.
    let records = wecom.take_records(LIVES, keep);
    let mut lives = lives.lock().unwrap_or_else(|e| e.into_inner());
    for record in records {
        let theme = record.get("theme").and_then(|t| t.as_str()).unwrap_or("");
        lives.seen(Product::Wecom.create_prefix(), theme);
    }
    drop(lives);
    let requests = wxa.take_journal(CREATE_ROOM);
    let mut rooms = rooms.lock().unwrap_or_else(|e| e.into_inner());
    for request in requests {
        let name = request.get("name").and_then(|t| t.as_str()).unwrap_or("");
        rooms.seen(Product::Wxa.create_prefix(), name);
    }
}

fn fault_counts(
    counts: &std::collections::BTreeMap<FaultKind, u64>,
) -> std::collections::BTreeMap<String, u64> {
    counts.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

/// Runs the soak (needs a multi-threaded Tokio runtime) and reports what it found.
pub async fn run(options: &Options) -> Result<Report, String> {
    let panics = panic_counter();
    let panics_before = panics.load(Ordering::SeqCst);
    let start_mock = |config| async move {
        MockServer::start(config)
            .await
            .map(Arc::new)
            .map_err(|e| format!("cannot start the mock: {e}"))
    };
    let wecom = start_mock(wxlive::wecom::mock_config()).await?;
    let wxa = start_mock(wxlive::wxa::mock_config()).await?;
    wxa.journal(CREATE_ROOM);
    let plan_error = |e: wxlive_runtime::mock::PlanError| e.to_string();
    wecom.set_fault_plan(Some(
        faults::plan(Product::Wecom, options.seed).map_err(plan_error)?,
    ));
    wxa.set_fault_plan(Some(
        faults::plan(Product::Wxa, options.seed.wrapping_add(1)).map_err(plan_error)?,
    ));

    let run_for = Duration::from_secs(options.seconds);
    let started = Instant::now();
    let setup = Setup {
        stop_at: started + run_for,
        deadlines: Duration::from_millis(800)..Duration::from_secs(3),
        attempt_timeout: Duration::from_secs(1),
        slack: SLACK,
    };
    let stores: Vec<Arc<dyn TokenStore>> = (0..2 * STORES)
        .map(|_| Arc::new(MemoryStore::new()) as Arc<dyn TokenStore>)
        .collect();
    let lives = Arc::new(Mutex::new(Creates::default()));
    let rooms = Arc::new(Mutex::new(Creates::default()));
    let wecom_clients = options.clients / 2;
    let mut tasks = Vec::with_capacity(options.clients);
    for index in 0..options.clients {
        let (product, mock, store, creates) = if index < wecom_clients {
            (
                Product::Wecom,
                &wecom,
                stores[index % STORES].clone(),
                &lives,
            )
        } else {
            (
                Product::Wxa,
                &wxa,
                stores[STORES + index % STORES].clone(),
                &rooms,
            )
        };
        let client = client(product, mock, store)?;
        let seed = options.seed ^ (index as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        tasks.push((
            index,
            tokio::spawn(workload::run_client(
                index,
                product,
                client,
                creates.clone(),
                seed,
                setup.clone(),
            )),
        ));
    }
    drop(stores);

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let expirer = tokio::spawn(faults::expire_tokens(
        vec![wecom.clone(), wxa.clone()],
        options.seed.wrapping_add(2),
        stopped.clone(),
    ));
    // Hands the mocks' records over and samples memory until the clients stop.
    let watcher = {
        let (wecom, wxa) = (wecom.clone(), wxa.clone());
        let (lives, rooms) = (lives.clone(), rooms.clone());
        let mut stopped = stopped.clone();
        let sample_every = (run_for / 200).max(Duration::from_millis(20));
        tokio::spawn(async move {
            // About 200 samples, whatever the length of the run.
            let mut samples = Vec::with_capacity(256);
            let mut drain_tick = tokio::time::interval(DRAIN_EVERY);
            let mut sample_tick = tokio::time::interval(sample_every);
            loop {
                tokio::select! {
                    _ = drain_tick.tick() => drain(&wecom, &wxa, KEEP, &lives, &rooms),
                    _ = sample_tick.tick() => {
                        let now = started.elapsed();
                        if now <= run_for {
                            samples.extend(rss("VmRSS:").map(|r| (now, r)));
                        }
                    }
                    _ = stopped.changed() => break,
                }
            }
            samples
        })
    };

    let mut results: Vec<ClientResult> = Vec::with_capacity(tasks.len());
    let mut failed_tasks = Vec::new();
    for (index, task) in tasks {
        match task.await {
            Ok(result) => results.push(result),
            Err(e) if e.is_panic() => failed_tasks.push(format!("client {index} panicked")),
            Err(e) => failed_tasks.push(format!("client {index} did not finish: {e}")),
        }
    }
    let elapsed = started.elapsed();
    let _ = stop.send(true);
    let expiries = expirer
        .await
        .map_err(|e| format!("the token expirer failed: {e}"))?;
    let samples = watcher
        .await
        .map_err(|e| format!("the record watcher failed: {e}"))?;

    // Every client is gone; let the mocks answer what they are still serving, then take the rest.
    let mut shutdown_problem = None;
    for (name, mock) in [("WeCom", &wecom), ("mini-program", &wxa)] {
        mock.set_fault_plan(None);
        if tokio::time::timeout(Duration::from_secs(10), mock.stop())
            .await
            .is_err()
        {
            shutdown_problem = Some(format!("the {name} mock did not stop within 10 s"));
        }
    }
    drain(&wecom, &wxa, 0, &lives, &rooms);

    let mut products = Vec::new();
    for (product, mock, creates) in [
        (Product::Wecom, &wecom, &lives),
        (Product::Wxa, &wxa, &rooms),
    ] {
        let mut tally = Tally::default();
        let mut clients = 0;
        for r in results.iter().filter(|r| r.product == product) {
            clients += 1;
            tally.merge(&r.tally);
        }
        let injected: InjectedFaults = mock.injected_faults();
        let token_budget = TokenBudget {
            stores: STORES as u64,
            expiries,
            injected_token_errors: injected.business(FaultKind::Errcode(faults::TOKEN_ERRCODE)),
            failed_fetches: tally.count(report::Outcome::Token),
            abandoned: tally.count(report::Outcome::DeadlineWaitingForToken),
        };
        products.push(ProductReport {
            name: product.title(),
            clients,
            tally,
            business_faults: fault_counts(&injected.business),
            token_faults: fault_counts(&injected.token),
            token_calls: mock.token_calls() as u64,
            token_budget,
            creates: creates.lock().unwrap_or_else(|e| e.into_inner()).check(),
        });
    }
    Ok(Report {
        seconds: options.seconds,
        elapsed,
        seed: options.seed,
        slack: SLACK,
        products,
        panics: panics.load(Ordering::SeqCst) - panics_before,
        failed_tasks,
        rss: RssGrowth::of(&samples, run_for),
        peak_rss: rss("VmHWM:"),
        shutdown_problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Options, String> {
        Options::parse(&args.iter().map(|a| a.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn options_have_defaults_and_take_every_flag() {
        let default = parse(&[]).unwrap();
        assert_eq!((default.seconds, default.clients), (15, 16));
        assert_eq!(
            parse(&["--seconds", "600", "--clients", "4", "--seed", "9"]).unwrap(),
            Options {
                seconds: 600,
                clients: 4,
                seed: 9
            }
        );
    }

    #[test]
    fn bad_options_are_refused_with_a_reason() {
        for (args, expected) in [
            (&["--seconds"][..], "--seconds needs a number of seconds"),
            (&["--seconds", "x"], "`x` is not a number of seconds"),
            (&["--seconds", "0"], "at least 1"),
            (&["--clients", "1"], "at least 2"),
            (&["--verbose"], "unknown argument `--verbose`"),
        ] {
            let err = parse(args).unwrap_err();
            assert!(err.contains(expected), "{args:?}: {err}");
        }
    }

    #[test]
    fn resident_memory_is_read_from_proc() {
        if cfg!(target_os = "linux") {
            let now = rss("VmRSS:").expect("VmRSS on Linux");
            let peak = rss("VmHWM:").expect("VmHWM on Linux");
            assert!(now > 0 && peak >= now, "{now} {peak}");
        }
        assert_eq!(rss("NoSuchField:"), None);
    }
}
