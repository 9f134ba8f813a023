//! Retry delays with full jitter from a random source of each client, so that clients which meet the
//! same burst of `busy` answers spread their retries instead of retrying in lockstep.

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

/// The random source of one client's retry delays.
pub struct Jitter {
    rng: Mutex<fastrand::Rng>,
}

impl Jitter {
    /// A source seeded from the process's random state (a different sequence for every client).
    pub fn new() -> Self {
        Jitter {
            rng: Mutex::new(fastrand::Rng::new()),
        }
    }

    /// A source with a fixed seed, for reproducible tests.
    pub fn with_seed(seed: u64) -> Self {
        Jitter {
            rng: Mutex::new(fastrand::Rng::with_seed(seed)),
        }
    }

    /// The delay before retry `n` (1-based) after first delay `base`: a uniformly random duration in
    /// `0..=cap(base, n)` ("full jitter").
    pub fn delay(&self, base: Duration, n: u32) -> Duration {
        let cap = cap(base, n);
        let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
        let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
        Duration::from_nanos(rng.u64(0..=nanos))
    }
}

impl Default for Jitter {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Jitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Jitter")
    }
}

/// The longest delay before retry `n`: `base × 2^n` (so the mean, `base × 2^(n−1)`, doubles per retry).
pub fn cap(base: Duration, n: u32) -> Duration {
    base.saturating_mul(1 << n.clamp(1, 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hundred_clients_spread_their_retries_within_bounds() {
        let base = Duration::from_millis(200);
        let schedules: Vec<Vec<Duration>> = (0..100)
            .map(|_| {
                let jitter = Jitter::new();
                (1..=3).map(|n| jitter.delay(base, n)).collect()
            })
            .collect();
        for schedule in &schedules {
            for (n, delay) in (1..).zip(schedule) {
                assert!(
                    *delay <= cap(base, n),
                    "{delay:?} beyond {:?}",
                    cap(base, n)
                );
            }
        }
        let distinct: std::collections::BTreeSet<&Vec<Duration>> = schedules.iter().collect();
        assert_eq!(distinct.len(), 100, "no two clients share a schedule");
        // The first retries of the hundred clients spread over their window, not in one spot.
        let mut first: Vec<Duration> = schedules.iter().map(|s| s[0]).collect();
        first.sort();
        assert!(
            first[0] < cap(base, 1) / 4 && first[99] > cap(base, 1) * 3 / 4,
            "{first:?}"
        );
    }

    #[test]
    fn a_seed_gives_a_reproducible_schedule() {
        let base = Duration::from_millis(10);
        let a: Vec<Duration> = (1..=3)
            .map(|n| Jitter::with_seed(7).delay(base, n))
            .collect();
        let b: Vec<Duration> = (1..=3)
            .map(|n| Jitter::with_seed(7).delay(base, n))
            .collect();
        assert_eq!(a, b);
        assert_eq!(Jitter::new().delay(Duration::ZERO, 3), Duration::ZERO);
    }
}
