//! Faults injected into calls: queued ones (the next N calls) and a random plan (every call, for as
//! long as the plan is set), with a count of everything injected.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::time::Duration;

/// Which calls a fault applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// Every business call (not the token endpoint).
    All,
    /// One operation, as `domain.name` (`living.create`).
    Operation(String),
    /// The token endpoint.
    Token,
}

impl Target {
    /// Whether a call of `operation` (`None` = a token endpoint) is targeted.
    fn matches(&self, operation: Option<&str>) -> bool {
        match (self, operation) {
            (Target::All, Some(_)) => true,
            (Target::Operation(name), Some(op)) => name == op,
            (Target::Token, None) => true,
            _ => false,
        }
    }
}

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer this errcode (with a matching errmsg) instead of processing the call.
    Errcode(i64),
    /// Wait this long before answering.
    Latency(Duration),
    /// Drop the connection before the call is processed.
    DropBefore,
    /// Process the call (state changes happen), then drop the connection.
    DropAfter,
    /// Process the call, then send only the first half of the JSON answer.
    TruncatedJson,
    /// Answer an HTML 502 page, as a failing gateway does.
    Html502,
}

impl Fault {
    /// The kind of the fault, without its parameters (the errcode stays).
    pub fn kind(&self) -> FaultKind {
        match self {
            Fault::Errcode(code) => FaultKind::Errcode(*code),
            Fault::Latency(_) => FaultKind::Latency,
            Fault::DropBefore => FaultKind::DropBefore,
            Fault::DropAfter => FaultKind::DropAfter,
            Fault::TruncatedJson => FaultKind::TruncatedJson,
            Fault::Html502 => FaultKind::Html502,
        }
    }
}

/// A kind of [`Fault`], for counting what was injected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FaultKind {
    /// [`Fault::Errcode`] with this errcode.
    Errcode(i64),
    /// [`Fault::Latency`].
    Latency,
    /// [`Fault::DropBefore`].
    DropBefore,
    /// [`Fault::DropAfter`].
    DropAfter,
    /// [`Fault::TruncatedJson`].
    TruncatedJson,
    /// [`Fault::Html502`].
    Html502,
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FaultKind::Errcode(code) => write!(f, "errcode {code}"),
            FaultKind::Latency => f.write_str("latency"),
            FaultKind::DropBefore => f.write_str("drop before"),
            FaultKind::DropAfter => f.write_str("drop after"),
            FaultKind::TruncatedJson => f.write_str("truncated JSON"),
            FaultKind::Html502 => f.write_str("HTML 502"),
        }
    }
}

/// How many faults a mock server injected (queued and planned ones alike), by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InjectedFaults {
    /// Into business calls.
    pub business: BTreeMap<FaultKind, u64>,
    /// Into token endpoint calls.
    pub token: BTreeMap<FaultKind, u64>,
}

impl InjectedFaults {
    /// How many faults of `kind` business calls got.
    pub fn business(&self, kind: FaultKind) -> u64 {
        self.business.get(&kind).copied().unwrap_or(0)
    }

    /// How many faults of `kind` token endpoint calls got.
    pub fn token(&self, kind: FaultKind) -> u64 {
        self.token.get(&kind).copied().unwrap_or(0)
    }

    fn count(&mut self, operation: Option<&str>, kind: FaultKind) {
        let counts = match operation {
            Some(_) => &mut self.business,
            None => &mut self.token,
        };
        *counts.entry(kind).or_default() += 1;
    }
}

/// Why a [`FaultPlan`] entry was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fault plan: {0}")]
pub struct PlanError(String);

/// What a plan entry does.
#[derive(Debug, Clone, PartialEq)]
enum Planned {
    /// This fault (never a latency: those are [`Planned::Latency`]).
    Fault(Fault),
    /// A random wait in this range.
    Latency(Range<Duration>),
}

#[derive(Debug, Clone, PartialEq)]
struct PlanEntry {
    target: Target,
    planned: Planned,
    probability: f64,
}

/// Faults drawn at random for every call while the plan is set
/// ([`MockServer::set_fault_plan`](super::MockServer::set_fault_plan)), from a seeded generator: the
/// same seed gives the same faults to the same sequence of calls.
///
/// Each latency entry delays a matching call with its probability, independently of the others. The
/// other entries exclude each other: one random number picks at most one of the entries matching a call,
/// each with its probability, so the probabilities of entries that can match one call add up to one at
/// most. Queued faults ([`MockServer::inject`](super::MockServer::inject)) come first: a call that has one
/// draws no other fault from the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultPlan {
    seed: u64,
    entries: Vec<PlanEntry>,
}

impl FaultPlan {
    /// An empty plan drawing from `seed`.
    pub fn new(seed: u64) -> Self {
        FaultPlan {
            seed,
            entries: Vec::new(),
        }
    }

    /// Adds `fault` to each call matching `target` with `probability` (0 to 1). A
    /// [`Fault::Latency`] waits exactly its time; [`FaultPlan::latency`] draws the wait. Fails when the
    /// probability is not in 0..=1, or when the exclusive entries that can match one call would add up to
    /// more than 1.
    pub fn with(
        mut self,
        target: Target,
        fault: Fault,
        probability: f64,
    ) -> Result<Self, PlanError> {
        check_probability(probability)?;
        let planned = match fault {
            Fault::Latency(d) => Planned::Latency(d..d),
            other => Planned::Fault(other),
        };
        self.entries.push(PlanEntry {
            target,
            planned,
            probability,
        });
        self.check_sums()?;
        Ok(self)
    }

    /// Delays each call matching `target`, with `probability`, by a time drawn uniformly from `range`.
    pub fn latency(
        mut self,
        target: Target,
        probability: f64,
        range: Range<Duration>,
    ) -> Result<Self, PlanError> {
        check_probability(probability)?;
        if range.start > range.end {
            return Err(PlanError(format!(
                "latency range {:?}..{:?} ends before it starts",
                range.start, range.end
            )));
        }
        self.entries.push(PlanEntry {
            target,
            planned: Planned::Latency(range),
            probability,
        });
        Ok(self)
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Refuses a plan whose exclusive entries that one call can match add up to more than 1: the token
    /// endpoint, and each operation (with the entries for every business call).
    fn check_sums(&self) -> Result<(), PlanError> {
        let exclusive = || {
            self.entries
                .iter()
                .filter(|e| matches!(e.planned, Planned::Fault(_)))
        };
        let mut calls: Vec<Option<&str>> = vec![None, Some("")];
        calls.extend(exclusive().filter_map(|e| match &e.target {
            Target::Operation(op) => Some(Some(op.as_str())),
            _ => None,
        }));
        for call in calls {
            // `Some("")` stands for a business call no operation entry names.
            let total: f64 = exclusive()
                .filter(|e| match (call, &e.target) {
                    (Some(""), Target::All) => true,
                    (Some(""), _) => false,
                    (call, target) => target.matches(call),
                })
                .map(|e| e.probability)
                .sum();
            if total > 1.0 + 1e-9 {
                let what = match call {
                    None => "the token endpoint".to_owned(),
                    Some("") => "every business call".to_owned(),
                    Some(op) => format!("`{op}`"),
                };
                return Err(PlanError(format!(
                    "the faults planned for {what} add up to a probability of {total}, more than 1"
                )));
            }
        }
        Ok(())
    }
}

fn check_probability(p: f64) -> Result<(), PlanError> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(PlanError(format!("probability {p} is not between 0 and 1")))
    }
}

#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<(Target, Fault, usize)>,
    plan: Option<(FaultPlan, fastrand::Rng)>,
    injected: InjectedFaults,
}

impl Faults {
    pub(crate) fn push(&mut self, target: Target, fault: Fault, times: usize) {
        if times > 0 {
            self.rules.push((target, fault, times));
        }
    }

    pub(crate) fn clear(&mut self) {
        self.rules.clear();
    }

    pub(crate) fn set_plan(&mut self, plan: Option<FaultPlan>) {
        self.plan = plan.map(|p| {
            let rng = fastrand::Rng::with_seed(p.seed);
            (p, rng)
        });
    }

    pub(crate) fn injected(&self) -> InjectedFaults {
        self.injected.clone()
    }

    /// Takes one use of every queued rule matching `operation` (None = token endpoint), then draws from
    /// the plan: latency adds up, the first other fault wins.
    pub(crate) fn take(&mut self, operation: Option<&str>) -> (Duration, Option<Fault>) {
        let mut latency = Duration::ZERO;
        let mut delayed = false;
        let mut fault = None;
        for (target, f, remaining) in &mut self.rules {
            if !target.matches(operation) || *remaining == 0 {
                continue;
            }
            match f {
                Fault::Latency(d) => {
                    latency += *d;
                    delayed = true;
                    *remaining -= 1;
                }
                other if fault.is_none() => {
                    fault = Some(other.clone());
                    *remaining -= 1;
                }
                _ => {}
            }
        }
        self.rules.retain(|(_, _, remaining)| *remaining > 0);
        if let Some((plan, rng)) = &mut self.plan {
            // One number for the exclusive entries, drawn for every call so that the sequence of draws
            // does not depend on which faults were queued.
            let mut draw = rng.f64();
            for entry in plan.entries.iter().filter(|e| e.target.matches(operation)) {
                match &entry.planned {
                    Planned::Latency(range) => {
                        if rng.f64() < entry.probability {
                            latency += random_in(rng, range);
                            delayed = true;
                        }
                    }
                    Planned::Fault(f) => {
                        if draw >= 0.0 && draw < entry.probability && fault.is_none() {
                            fault = Some(f.clone());
                        }
                        draw -= entry.probability;
                    }
                }
            }
        }
        if delayed {
            self.injected.count(operation, FaultKind::Latency);
        }
        if let Some(f) = &fault {
            self.injected.count(operation, f.kind());
        }
        (latency, fault)
    }
}

/// A duration drawn uniformly from `range` (its start when it is empty).
fn random_in(rng: &mut fastrand::Rng, range: &Range<Duration>) -> Duration {
    let start = u64::try_from(range.start.as_micros()).unwrap_or(u64::MAX);
    let end = u64::try_from(range.end.as_micros()).unwrap_or(u64::MAX);
    if end <= start {
        return range.start;
    }
    Duration::from_micros(rng.u64(start..end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(name: &str) -> Option<&str> {
        Some(name)
    }

    #[test]
    fn a_plan_keeps_injecting_in_about_its_proportions() {
        let plan = FaultPlan::new(7)
            .with(Target::All, Fault::Errcode(-1), 0.2)
            .and_then(|p| p.with(Target::All, Fault::DropBefore, 0.1))
            .and_then(|p| p.with(Target::Token, Fault::Html502, 0.5))
            .unwrap();
        let mut faults = Faults::default();
        faults.set_plan(Some(plan));
        let mut busy = 0;
        let mut dropped = 0;
        for _ in 0..10_000 {
            match faults.take(op("living.create")).1 {
                Some(Fault::Errcode(-1)) => busy += 1,
                Some(Fault::DropBefore) => dropped += 1,
                Some(other) => panic!("not planned for business calls: {other:?}"),
                None => {}
            }
        }
        assert!((1_700..2_300).contains(&busy), "{busy}");
        assert!((800..1_200).contains(&dropped), "{dropped}");
        let injected = faults.injected();
        assert_eq!(injected.business(FaultKind::Errcode(-1)), busy);
        assert_eq!(injected.business(FaultKind::DropBefore), dropped);
        assert_eq!(injected.token(FaultKind::Html502), 0, "no token call yet");
        let token_faults = (0..1_000).filter(|_| faults.take(None).1.is_some()).count();
        assert!((400..600).contains(&token_faults), "{token_faults}");
        assert_eq!(
            faults.injected().token(FaultKind::Html502),
            token_faults as u64
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let plan = || {
            FaultPlan::new(42)
                .with(Target::All, Fault::Errcode(45009), 0.3)
                .and_then(|p| {
                    p.latency(
                        Target::All,
                        0.5,
                        Duration::from_millis(1)..Duration::from_millis(9),
                    )
                })
                .unwrap()
        };
        let run = || {
            let mut faults = Faults::default();
            faults.set_plan(Some(plan()));
            (0..200)
                .map(|_| faults.take(op("living.get_living_info")))
                .collect::<Vec<_>>()
        };
        let first = run();
        assert_eq!(first, run());
        assert!(first.iter().any(|(d, _)| !d.is_zero()));
        assert!(first.iter().all(|(d, _)| d.is_zero()
            || (Duration::from_millis(1)..Duration::from_millis(9)).contains(d)));
    }

    #[test]
    fn queued_faults_come_first_and_targets_are_respected() {
        let plan = FaultPlan::new(1)
            .with(
                Target::Operation("living.create".into()),
                Fault::Errcode(-1),
                1.0,
            )
            .unwrap();
        let mut faults = Faults::default();
        faults.set_plan(Some(plan));
        faults.push(Target::All, Fault::DropAfter, 1);
        assert_eq!(faults.take(op("living.create")).1, Some(Fault::DropAfter));
        assert_eq!(faults.take(op("living.create")).1, Some(Fault::Errcode(-1)));
        assert_eq!(faults.take(op("living.cancel")).1, None);
        assert_eq!(faults.take(None).1, None);
        faults.set_plan(None);
        assert_eq!(faults.take(op("living.create")).1, None);
    }

    #[test]
    fn impossible_plans_are_refused_with_a_reason() {
        let err = FaultPlan::new(0)
            .with(Target::All, Fault::Errcode(-1), 1.5)
            .unwrap_err();
        assert!(err.to_string().contains("not between 0 and 1"), "{err}");
        let err = FaultPlan::new(0)
            .with(Target::All, Fault::Errcode(-1), 0.6)
            .and_then(|p| {
                p.with(
                    Target::Operation("living.create".into()),
                    Fault::DropBefore,
                    0.6,
                )
            })
            .unwrap_err();
        assert!(err.to_string().contains("`living.create`"), "{err}");
        let err = FaultPlan::new(0)
            .latency(
                Target::All,
                0.5,
                Duration::from_secs(2)..Duration::from_secs(1),
            )
            .unwrap_err();
        assert!(err.to_string().contains("ends before it starts"), "{err}");
        assert!(FaultPlan::new(0)
            .with(Target::All, Fault::Errcode(-1), f64::NAN)
            .is_err());
        // Token and business entries never meet in one call.
        assert!(FaultPlan::new(0)
            .with(Target::All, Fault::Errcode(-1), 0.9)
            .and_then(|p| p.with(Target::Token, Fault::Html502, 0.9))
            .is_ok());
    }
}
