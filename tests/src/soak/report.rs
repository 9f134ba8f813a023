//! What a soak counted, the invariants it checks on it, and the summary it prints. Everything here is
//! plain data and arithmetic, so that the checks themselves are unit-tested.

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};
use std::time::Duration;

use hdrhistogram::Histogram;

/// How a call ended, as the caller saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Outcome {
    /// Success.
    Ok,
    /// `Error::Api` with this errcode.
    Api(i64),
    /// `Error::OutcomeUnknown`: a non-idempotent call that may have taken effect.
    OutcomeUnknown,
    /// `Error::Transport` that passed the deadline while waiting for a token (nothing was sent): the
    /// token fetch this call was making or waiting for was abandoned.
    DeadlineWaitingForToken,
    /// Another `Error::Transport`; whether the request may have been sent.
    Transport {
        /// `maybe_sent`.
        maybe_sent: bool,
    },
    /// `Error::Decode` with this HTTP status.
    Decode(u16),
    /// `Error::Token`: no token could be fetched.
    Token,
    /// `Error::Validation`: the soak built a bad request (a bug of the soak).
    Validation,
    /// `Error::BodyTooLarge`.
    BodyTooLarge,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Ok => f.write_str("ok"),
            Outcome::Api(code) => write!(f, "errcode {code}"),
            Outcome::OutcomeUnknown => f.write_str("outcome unknown"),
            Outcome::DeadlineWaitingForToken => f.write_str("deadline waiting for a token"),
            Outcome::Transport { maybe_sent: true } => f.write_str("transport (maybe sent)"),
            Outcome::Transport { maybe_sent: false } => f.write_str("transport (not sent)"),
            Outcome::Decode(status) => write!(f, "decode (HTTP {status})"),
            Outcome::Token => f.write_str("no token"),
            Outcome::Validation => f.write_str("validation"),
            Outcome::BodyTooLarge => f.write_str("body too large"),
        }
    }
}

/// How a create ended, as the client saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateOutcome {
    /// Success: the live or room must exist, once.
    Succeeded,
    /// `Error::OutcomeUnknown`: it may exist, at most once.
    Unknown,
    /// Any other error: it must not exist.
    Failed,
}

impl CreateOutcome {
    /// The create outcome of a call outcome.
    pub fn of(outcome: Outcome) -> CreateOutcome {
        match outcome {
            Outcome::Ok => CreateOutcome::Succeeded,
            Outcome::OutcomeUnknown => CreateOutcome::Unknown,
            _ => CreateOutcome::Failed,
        }
    }
}

/// The name of create `seq` of client `client`: unique in the run, short enough for every product's
/// rules (a WeCom theme holds 20 characters, a room name 6 to 34).
pub fn create_name(prefix: &str, client: usize, seq: usize) -> String {
    format!("{prefix}{client}-{seq}")
}

/// The client and sequence number in a name made by [`create_name`] with `prefix`.
pub fn parse_create_name(prefix: &str, name: &str) -> Option<(usize, usize)> {
    let (client, seq) = name.strip_prefix(prefix)?.split_once('-')?;
    Some((client.parse().ok()?, seq.parse().ok()?))
}

/// Most problems of one kind a report lists (it counts them all).
const LISTED: usize = 10;

/// The creates of one product: what the clients saw and what the mock holds.
///
/// One byte per create, so that a long run's bookkeeping does not show as memory growth: the two low
/// bits say how the create ended (0 = not yet recorded, then [`CreateOutcome`] 1 to 3), the six high
/// bits how many times the mock holds it (at most 63, which is plenty to flag a duplicate).
#[derive(Debug, Default)]
pub struct Creates {
    /// `cells[client][seq]`.
    cells: Vec<Vec<u8>>,
    /// Names in the mock no client made (at most [`LISTED`]), and how many there were.
    foreign: (Vec<String>, u64),
}

const OUTCOME_BITS: u8 = 0b11;
const SEEN_ONE: u8 = 0b100;

fn outcome_code(outcome: CreateOutcome) -> u8 {
    match outcome {
        CreateOutcome::Succeeded => 1,
        CreateOutcome::Unknown => 2,
        CreateOutcome::Failed => 3,
    }
}

/// What [`Creates::check`] found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct CreateCheck {
    /// Records in the mock.
    pub created: u64,
    /// Creates that returned success.
    pub succeeded: u64,
    /// Creates that returned `OutcomeUnknown`.
    pub unknown: u64,
    /// Of those, how many the mock holds.
    pub unknown_created: u64,
    /// Creates that returned another error.
    pub failed: u64,
    /// Broken invariants (the first few of each kind), with how many there were in all.
    pub problems: Vec<String>,
    /// How many invariants were broken.
    pub broken: u64,
}

impl Creates {
    /// Records how create `seq` of `client` ended.
    pub fn outcome(&mut self, client: usize, seq: usize, outcome: CreateOutcome) {
        let cell = self.cell(client, seq);
        *cell = (*cell & !OUTCOME_BITS) | outcome_code(outcome);
    }

    fn cell(&mut self, client: usize, seq: usize) -> &mut u8 {
        if self.cells.len() <= client {
            self.cells.resize_with(client + 1, Vec::new);
        }
        let row = &mut self.cells[client];
        if row.len() <= seq {
            row.resize(seq + 1, 0);
        }
        &mut row[seq]
    }

    /// Records that the mock holds a record named `name` (made with `prefix`).
    pub fn seen(&mut self, prefix: &str, name: &str) {
        match parse_create_name(prefix, name) {
            Some((client, seq)) => {
                let cell = self.cell(client, seq);
                if *cell < u8::MAX - OUTCOME_BITS {
                    *cell += SEEN_ONE;
                }
            }
            None => {
                if self.foreign.0.len() < LISTED {
                    self.foreign.0.push(name.to_owned());
                }
                self.foreign.1 += 1;
            }
        }
    }

    /// Checks that the mock holds every successful create once, each `OutcomeUnknown` create at most
    /// once, no failed create, and nothing else: then `created == succeeded + unknown_created`.
    pub fn check(&self) -> CreateCheck {
        let mut check = CreateCheck::default();
        let mut listed: BTreeMap<&str, usize> = BTreeMap::new();
        let mut problem = |check: &mut CreateCheck, kind: &'static str, text: String| {
            check.broken += 1;
            let n = listed.entry(kind).or_default();
            *n += 1;
            if *n <= LISTED {
                check.problems.push(text);
            }
        };
        for (client, row) in self.cells.iter().enumerate() {
            for (seq, cell) in row.iter().enumerate() {
                let times = u64::from(cell >> 2);
                check.created += times;
                let name = format!("create {seq} of client {client}");
                if times > 1 {
                    problem(
                        &mut check,
                        "duplicate",
                        format!("duplicate: {name} is in the mock {times} times"),
                    );
                }
                match cell & OUTCOME_BITS {
                    1 => {
                        check.succeeded += 1;
                        if times == 0 {
                            problem(
                                &mut check,
                                "missing",
                                format!("missing: {name} succeeded but the mock does not hold it"),
                            );
                        }
                    }
                    2 => {
                        check.unknown += 1;
                        if times > 0 {
                            check.unknown_created += 1;
                        }
                    }
                    3 => {
                        check.failed += 1;
                        if times > 0 {
                            problem(
                                &mut check,
                                "failed",
                                format!("{name} failed with an error other than OutcomeUnknown, yet the mock holds it"),
                            );
                        }
                    }
                    _ if times > 0 => problem(
                        &mut check,
                        "unrecorded",
                        format!("{name} is in the mock but its client recorded no such create"),
                    ),
                    _ => {}
                }
            }
        }
        for name in &self.foreign.0 {
            problem(
                &mut check,
                "foreign",
                format!("the mock holds {name:?}, a name no client used"),
            );
        }
        let unlisted_foreign = self.foreign.1 - self.foreign.0.len() as u64;
        check.created += self.foreign.1;
        check.broken += unlisted_foreign;
        if unlisted_foreign > 0 {
            check
                .problems
                .push(format!("... {unlisted_foreign} more names no client used"));
        }
        for (kind, n) in listed {
            if n > LISTED {
                check
                    .problems
                    .push(format!("... {} more of kind `{kind}`", n - LISTED));
            }
        }
        check
    }
}

/// The most token endpoint calls one product's clients may make.
///
/// Each token store fetches once at the start and at most once after each expiry of every token the
/// mock ever issued. On top of that, each of these can cost one more fetch, and none of them can happen
/// without the soak counting it:
/// - an injected token errcode (42001) on a business call makes its client drop a token the mock still
///   accepts and fetch another;
/// - a fetch that fails (a fault on the token endpoint) is followed by another; its caller ends with
///   `Error::Token`;
/// - a fetch abandoned at the caller's deadline is followed by another (its caller ends with
///   [`Outcome::DeadlineWaitingForToken`]; so do callers that merely waited for it, which only loosens the
///   bound).
///
/// Lifetimes add nothing: the mock's tokens live 7,200 s and clients refresh them 300 s early, but every
/// token is expired within seconds, long before it reaches its refresh point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TokenBudget {
    /// Token stores of the product.
    pub stores: u64,
    /// Times the soak expired every token.
    pub expiries: u64,
    /// Token errcodes injected into business calls.
    pub injected_token_errors: u64,
    /// Calls that ended with `Error::Token`.
    pub failed_fetches: u64,
    /// Calls that ended waiting for a token at their deadline.
    pub abandoned: u64,
}

impl TokenBudget {
    /// `stores × (1 + expiries) + injected token errcodes + failed fetches + abandoned fetches`.
    pub fn bound(&self) -> u64 {
        self.stores * (1 + self.expiries)
            + self.injected_token_errors
            + self.failed_fetches
            + self.abandoned
    }
}

/// Resident memory at the start and the end of a run.
///
/// Each tenth of the run is summed up by its highest sample: memory grows fastest while the run starts
/// (connections, buffers, the mock's window of records), so the first tenth's peak is where start-up
/// ends, and a leak shows as a higher peak in the last tenth.
#[derive(Debug, Clone, PartialEq)]
pub struct RssGrowth {
    /// Highest resident bytes in the first tenth of the run.
    pub first: u64,
    /// Highest resident bytes in the last tenth of the run.
    pub last: u64,
    /// Highest resident bytes in each tenth of the run (`None` for a tenth without a sample).
    pub tenths: Vec<Option<u64>>,
}

impl RssGrowth {
    /// `samples` are (time since the start, resident bytes); `None` without a sample in the first or
    /// the last tenth.
    pub fn of(samples: &[(Duration, u64)], run: Duration) -> Option<RssGrowth> {
        let peak = |from: Duration, to: Duration| {
            samples
                .iter()
                .filter(|(t, _)| from <= *t && *t <= to)
                .map(|s| s.1)
                .max()
        };
        let tenths: Vec<Option<u64>> = (0..10u32)
            .map(|i| peak(run * i / 10, run * (i + 1) / 10))
            .collect();
        Some(RssGrowth {
            first: tenths[0]?,
            last: tenths[9]?,
            tenths,
        })
    }

    /// Growth from the first to the last tenth, as a fraction (0.05 = 5 %; negative when it shrank).
    pub fn growth(&self) -> f64 {
        self.last as f64 / self.first.max(1) as f64 - 1.0
    }
}

/// Everything one product's clients counted.
#[derive(Debug)]
pub struct Tally {
    /// Calls by operation.
    pub calls: BTreeMap<&'static str, u64>,
    /// Calls by outcome.
    pub outcomes: BTreeMap<Outcome, u64>,
    /// Call durations, microseconds.
    pub latency: Histogram<u64>,
    /// Calls that ended later than their deadline plus the slack.
    pub late: u64,
    /// The most a call ended after its deadline (zero when none did).
    pub worst_overrun: Duration,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            calls: BTreeMap::new(),
            outcomes: BTreeMap::new(),
            // 1 µs to 1 min, 2 significant digits (1 %): about 20 KiB, whatever the run's length, so
            // that the histograms do not show as memory growth while their buckets fill.
            latency: Histogram::new_with_bounds(1, 60_000_000, 2).expect("valid histogram bounds"),
            late: 0,
            worst_overrun: Duration::ZERO,
        }
    }
}

impl Tally {
    /// Counts one call of `operation` that took `took` against `deadline` (`slack` allowed).
    pub fn call(
        &mut self,
        operation: &'static str,
        outcome: Outcome,
        took: Duration,
        deadline: Duration,
        slack: Duration,
    ) {
        *self.calls.entry(operation).or_default() += 1;
        *self.outcomes.entry(outcome).or_default() += 1;
        let micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX);
        self.latency.saturating_record(micros.max(1));
        let overrun = took.saturating_sub(deadline);
        self.worst_overrun = self.worst_overrun.max(overrun);
        if overrun > slack {
            self.late += 1;
        }
    }

    /// Adds `other` into this one.
    pub fn merge(&mut self, other: &Tally) {
        for (op, n) in &other.calls {
            *self.calls.entry(op).or_default() += n;
        }
        for (o, n) in &other.outcomes {
            *self.outcomes.entry(*o).or_default() += n;
        }
        // Both histograms have the same bounds, so adding cannot fail.
        let _ = self.latency.add(&other.latency);
        self.late += other.late;
        self.worst_overrun = self.worst_overrun.max(other.worst_overrun);
    }

    /// All calls.
    pub fn total(&self) -> u64 {
        self.calls.values().sum()
    }

    /// Calls that ended with `outcome`.
    pub fn count(&self, outcome: Outcome) -> u64 {
        self.outcomes.get(&outcome).copied().unwrap_or(0)
    }
}

/// One product's part of a report.
#[derive(Debug)]
pub struct ProductReport {
    /// `WeCom living` / `mini-program broadcast`.
    pub name: &'static str,
    /// Clients.
    pub clients: usize,
    /// What the clients counted.
    pub tally: Tally,
    /// Faults the mock injected into business calls, by kind.
    pub business_faults: BTreeMap<String, u64>,
    /// Faults the mock injected into token endpoint calls, by kind.
    pub token_faults: BTreeMap<String, u64>,
    /// Calls that reached the token endpoint.
    pub token_calls: u64,
    /// What bounds them.
    pub token_budget: TokenBudget,
    /// The creates' check.
    pub creates: CreateCheck,
}

/// What a whole soak found.
#[derive(Debug)]
pub struct Report {
    /// Planned length of the run.
    pub seconds: u64,
    /// How long the clients actually ran (the last calls end after the planned length).
    pub elapsed: Duration,
    /// The seed of every random choice.
    pub seed: u64,
    /// The deadline slack allowed.
    pub slack: Duration,
    /// Per product.
    pub products: Vec<ProductReport>,
    /// Panics seen (the panic hook and the joined tasks).
    pub panics: u64,
    /// Client tasks that did not end properly (panicked or were cancelled).
    pub failed_tasks: Vec<String>,
    /// Resident memory growth, when it could be measured.
    pub rss: Option<RssGrowth>,
    /// The peak resident memory of the process (VmHWM), bytes.
    pub peak_rss: Option<u64>,
    /// Why the mock could not be stopped cleanly, if it could not.
    pub shutdown_problem: Option<String>,
}

/// Most RSS growth from the first to the last tenth of a run.
pub const MAX_RSS_GROWTH: f64 = 0.10;

impl Report {
    /// Every broken invariant; empty when the soak passed.
    pub fn failures(&self) -> Vec<String> {
        let mut failures = Vec::new();
        if self.panics > 0 {
            failures.push(format!("{} panic(s)", self.panics));
        }
        failures.extend(self.failed_tasks.iter().cloned());
        if let Some(problem) = &self.shutdown_problem {
            failures.push(problem.clone());
        }
        for p in &self.products {
            if p.tally.late > 0 {
                failures.push(format!(
                    "{}: {} call(s) ended more than {} ms after their deadline (worst {} ms)",
                    p.name,
                    p.tally.late,
                    self.slack.as_millis(),
                    p.tally.worst_overrun.as_millis()
                ));
            }
            if p.creates.broken > 0 {
                failures.push(format!(
                    "{}: {} create invariant(s) broken: {}",
                    p.name,
                    p.creates.broken,
                    p.creates.problems.join("; ")
                ));
            }
            let bound = p.token_budget.bound();
            if p.token_calls > bound {
                failures.push(format!(
                    "{}: {} token endpoint calls, more than the bound of {bound} ({:?})",
                    p.name, p.token_calls, p.token_budget
                ));
            }
            let validation = p.tally.count(Outcome::Validation);
            if validation > 0 {
                failures.push(format!(
                    "{}: {validation} request(s) the soak built were invalid",
                    p.name
                ));
            }
            if p.tally.count(Outcome::Ok) == 0 {
                failures.push(format!("{}: no call succeeded", p.name));
            }
        }
        match &self.rss {
            Some(rss) if rss.growth() >= MAX_RSS_GROWTH => failures.push(format!(
                "resident memory grew {:.1} % from the first to the last tenth of the run ({} → {}), {} % allowed",
                rss.growth() * 100.0,
                mib(rss.first),
                mib(rss.last),
                MAX_RSS_GROWTH * 100.0
            )),
            Some(_) => {}
            None => failures.push("resident memory could not be sampled (/proc/self/status)".into()),
        }
        failures
    }

    /// The summary, as printed.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let total: u64 = self.products.iter().map(|p| p.tally.total()).sum();
        let mut all = Tally::default();
        for p in &self.products {
            all.merge(&p.tally);
        }
        let _ = writeln!(
            out,
            "chaos soak: {} s planned, {:.1} s run, seed {}",
            self.seconds,
            self.elapsed.as_secs_f64(),
            self.seed
        );
        let _ = writeln!(
            out,
            "calls: {total} ({:.0}/s); latency p50 {}, p99 {}, max {}",
            total as f64 / self.elapsed.as_secs_f64().max(1e-9),
            micros(all.latency.value_at_quantile(0.5)),
            micros(all.latency.value_at_quantile(0.99)),
            micros(all.latency.max()),
        );
        for p in &self.products {
            let t = &p.tally;
            let _ = writeln!(
                out,
                "\n{} ({} clients): {} calls",
                p.name,
                p.clients,
                t.total()
            );
            let _ = writeln!(out, "  by operation: {}", list(&t.calls));
            let _ = writeln!(out, "  outcomes: {}", list(&t.outcomes));
            let _ = writeln!(
                out,
                "  latency: p50 {}, p99 {}, max {}; deadlines: {} late (worst overrun {} ms, {} ms allowed)",
                micros(t.latency.value_at_quantile(0.5)),
                micros(t.latency.value_at_quantile(0.99)),
                micros(t.latency.max()),
                t.late,
                t.worst_overrun.as_millis(),
                self.slack.as_millis()
            );
            let _ = writeln!(
                out,
                "  faults injected into calls: {}",
                list(&p.business_faults)
            );
            let _ = writeln!(
                out,
                "  faults injected into token calls: {}",
                list(&p.token_faults)
            );
            let b = &p.token_budget;
            let _ = writeln!(
                out,
                "  token endpoint calls: {} ≤ bound {} = {} stores × (1 + {} expiries) + {} injected token errcodes + {} failed fetches + {} abandoned",
                p.token_calls,
                b.bound(),
                b.stores,
                b.expiries,
                b.injected_token_errors,
                b.failed_fetches,
                b.abandoned
            );
            let c = &p.creates;
            let _ = writeln!(
                out,
                "  creates: {} in the mock = {} succeeded + {} of {} outcome-unknown; {} failed and absent",
                c.created, c.succeeded, c.unknown_created, c.unknown, c.failed
            );
        }
        let _ = writeln!(out);
        match &self.rss {
            Some(rss) => {
                let _ = write!(
                    out,
                    "memory: RSS peak {} in the first tenth, {} in the last ({:+.1} %)",
                    mib(rss.first),
                    mib(rss.last),
                    rss.growth() * 100.0
                );
                let tenths: Vec<String> = rss
                    .tenths
                    .iter()
                    .map(|t| t.map_or("-".into(), |b| format!("{:.1}", b as f64 / 1048576.0)))
                    .collect();
                let _ = write!(out, "; peaks by tenth, MiB: {}", tenths.join(" "));
            }
            None => {
                let _ = write!(out, "memory: RSS not available");
            }
        }
        if let Some(peak) = self.peak_rss {
            let _ = write!(out, ", peak {}", mib(peak));
        }
        let _ = writeln!(out);
        let _ = writeln!(out, "panics: {}", self.panics);
        let failures = self.failures();
        if failures.is_empty() {
            let _ = writeln!(out, "result: every invariant held");
        } else {
            let _ = writeln!(out, "result: FAILED");
            for f in failures {
                let _ = writeln!(out, "  - {f}");
            }
        }
        out
    }
}

fn list<K: fmt::Display>(counts: &BTreeMap<K, u64>) -> String {
    if counts.is_empty() {
        return "none".into();
    }
    counts
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn micros(us: u64) -> String {
    if us >= 1_000_000 {
        format!("{:.2} s", us as f64 / 1e6)
    } else {
        format!("{:.1} ms", us as f64 / 1e3)
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn creates(outcomes: &[CreateOutcome], seen: &[&str]) -> CreateCheck {
        let mut c = Creates::default();
        for (seq, o) in outcomes.iter().enumerate() {
            c.outcome(3, seq, *o);
        }
        for name in seen {
            c.seen("s", name);
        }
        c.check()
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(create_name("s", 12, 345), "s12-345");
        assert_eq!(parse_create_name("s", "s12-345"), Some((12, 345)));
        assert_eq!(parse_create_name("room ", "room 1-2"), Some((1, 2)));
        assert_eq!(parse_create_name("s", "x12-345"), None);
        assert_eq!(parse_create_name("s", "s12-"), None);
        assert_eq!(parse_create_name("s", "s-1-2"), None);
    }

    #[test]
    fn consistent_creates_pass() {
        use CreateOutcome::*;
        let check = creates(&[Succeeded, Unknown, Unknown, Failed], &["s3-0", "s3-1"]);
        assert_eq!(check.broken, 0, "{:?}", check.problems);
        assert_eq!(check.created, 2);
        assert_eq!(check.created, check.succeeded + check.unknown_created);
        assert_eq!(
            (check.unknown, check.unknown_created, check.failed),
            (2, 1, 1)
        );
    }

    #[test]
    fn a_duplicate_is_flagged() {
        use CreateOutcome::*;
        let check = creates(&[Succeeded, Unknown], &["s3-0", "s3-1", "s3-1"]);
        assert_eq!(check.broken, 1);
        assert!(
            check.problems[0].starts_with("duplicate"),
            "{:?}",
            check.problems
        );
        assert!(
            check.problems[0].contains("2 times"),
            "{:?}",
            check.problems
        );
    }

    #[test]
    fn a_lost_success_is_flagged() {
        let check = creates(&[CreateOutcome::Succeeded], &[]);
        assert_eq!(check.broken, 1);
        assert!(
            check.problems[0].starts_with("missing"),
            "{:?}",
            check.problems
        );
    }

    #[test]
    fn a_failed_create_that_took_effect_is_flagged() {
        let check = creates(&[CreateOutcome::Failed], &["s3-0"]);
        assert_eq!(check.broken, 1);
        assert!(
            check.problems[0].contains("other than OutcomeUnknown"),
            "{:?}",
            check.problems
        );
    }

    #[test]
    fn records_no_client_made_are_flagged() {
        let check = creates(&[], &["s3-7", "someone else's"]);
        assert_eq!(check.broken, 2, "{:?}", check.problems);
        assert_eq!(check.created, 2);
    }

    #[test]
    fn long_problem_lists_are_cut_but_counted() {
        let outcomes = vec![CreateOutcome::Succeeded; 25];
        let check = creates(&outcomes, &[]);
        assert_eq!(check.broken, 25);
        assert_eq!(check.problems.len(), LISTED + 1);
        assert!(
            check.problems.last().unwrap().contains("15 more"),
            "{:?}",
            check.problems
        );
    }

    #[test]
    fn the_token_bound_adds_what_can_force_a_fetch() {
        let budget = TokenBudget {
            stores: 2,
            expiries: 5,
            injected_token_errors: 3,
            failed_fetches: 4,
            abandoned: 1,
        };
        assert_eq!(budget.bound(), 2 * 6 + 3 + 4 + 1);
    }

    #[test]
    fn rss_growth_compares_the_peaks_of_the_first_and_last_tenths() {
        let run = Duration::from_secs(100);
        // Start-up up to 100, flat, then a step up to 108 halfway.
        let samples: Vec<(Duration, u64)> = (0..=100)
            .map(|s| {
                (
                    Duration::from_secs(s),
                    if s < 50 { 100.min(90 + s) } else { 108 },
                )
            })
            .collect();
        let rss = RssGrowth::of(&samples, run).unwrap();
        assert_eq!((rss.first, rss.last), (100, 108));
        assert_eq!(
            rss.tenths[4],
            Some(108),
            "the step at 50 s is in the fifth tenth"
        );
        assert_eq!(rss.tenths[3], Some(100));
        assert!((rss.growth() - 0.08).abs() < 1e-9);
        assert_eq!(
            RssGrowth::of(&samples[..50], run),
            None,
            "no sample in the last tenth"
        );
    }

    fn report(late: u64, token_calls: u64, rss_last: u64) -> Report {
        let mut tally = Tally::default();
        tally.call(
            "living.create",
            Outcome::Ok,
            Duration::from_millis(5),
            Duration::from_secs(1),
            Duration::from_millis(250),
        );
        for _ in 0..late {
            tally.call(
                "living.create",
                Outcome::Api(-1),
                Duration::from_millis(1_300),
                Duration::from_secs(1),
                Duration::from_millis(250),
            );
        }
        Report {
            seconds: 1,
            elapsed: Duration::from_secs(1),
            seed: 1,
            slack: Duration::from_millis(250),
            products: vec![ProductReport {
                name: "WeCom living",
                clients: 1,
                tally,
                business_faults: BTreeMap::new(),
                token_faults: BTreeMap::new(),
                token_calls,
                token_budget: TokenBudget {
                    stores: 1,
                    ..TokenBudget::default()
                },
                creates: CreateCheck::default(),
            }],
            panics: 0,
            failed_tasks: Vec::new(),
            rss: Some(RssGrowth {
                first: 100,
                last: rss_last,
                tenths: Vec::new(),
            }),
            peak_rss: Some(200),
            shutdown_problem: None,
        }
    }

    #[test]
    fn a_clean_report_passes_and_each_broken_invariant_fails_it() {
        let clean = report(0, 1, 105);
        assert_eq!(clean.failures(), Vec::<String>::new());
        assert!(clean.render().contains("every invariant held"));

        let late = report(2, 1, 105).failures();
        assert!(
            late[0].contains("2 call(s) ended more than 250 ms after"),
            "{late:?}"
        );
        assert!(late[0].contains("worst 300 ms"), "{late:?}");

        let tokens = report(0, 2, 105).failures();
        assert!(
            tokens[0].contains("2 token endpoint calls, more than the bound of 1"),
            "{tokens:?}"
        );

        let memory = report(0, 1, 111).failures();
        assert!(memory[0].contains("grew 11.0 %"), "{memory:?}");

        let mut panicked = report(0, 1, 100);
        panicked.panics = 1;
        assert!(panicked.render().contains("FAILED"));
    }
}
