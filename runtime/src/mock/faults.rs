//! Faults injected into the next calls.

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

#[derive(Debug, Default)]
pub(crate) struct Faults {
    rules: Vec<(Target, Fault, usize)>,
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

    /// Takes one use of every rule matching `operation` (None = token endpoint): latency adds up,
    /// the first other fault wins.
    pub(crate) fn take(&mut self, operation: Option<&str>) -> (Duration, Option<Fault>) {
        let mut latency = Duration::ZERO;
        let mut fault = None;
        for (target, f, remaining) in &mut self.rules {
            let matches = match (target, operation) {
                (Target::All, Some(_)) => true,
                (Target::Operation(name), Some(op)) => name == op,
                (Target::Token, None) => true,
                _ => false,
            };
            if !matches || *remaining == 0 {
                continue;
            }
            match f {
                Fault::Latency(d) => {
                    latency += *d;
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
        (latency, fault)
    }
}
