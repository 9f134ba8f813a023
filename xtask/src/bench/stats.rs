//! Min / median / max summaries and how they are printed.

use std::time::Duration;

/// The spread of a set of measurements, in seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    /// Fastest.
    pub min: f64,
    /// Median (the mean of the two middle values for an even count).
    pub median: f64,
    /// Slowest.
    pub max: f64,
    /// How many measurements.
    pub count: usize,
}

impl Summary {
    /// Summarises `values` (seconds); `None` when there are none or one is not a number.
    pub fn of(values: &[f64]) -> Option<Summary> {
        if values.is_empty() || values.iter().any(|v| !v.is_finite()) {
            return None;
        }
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        // The middle value, or the mean of the two middle values for an even count.
        let n = sorted.len();
        let median = (sorted[(n - 1) / 2] + sorted[n / 2]) / 2.0;
        Some(Summary {
            min: sorted[0],
            median,
            max: sorted[sorted.len() - 1],
            count: sorted.len(),
        })
    }

    /// Summarises wall-clock durations.
    pub fn of_durations(values: &[Duration]) -> Option<Summary> {
        let seconds: Vec<f64> = values.iter().map(Duration::as_secs_f64).collect();
        Summary::of(&seconds)
    }

    /// `min / median / max` with units.
    pub fn show(&self) -> String {
        format!(
            "{} / {} / {}",
            seconds(self.min),
            seconds(self.median),
            seconds(self.max)
        )
    }
}

/// A duration in seconds, with a unit that keeps 3 significant digits.
pub fn seconds(s: f64) -> String {
    let (value, unit) = if s >= 1.0 {
        (s, "s")
    } else if s >= 1e-3 {
        (s * 1e3, "ms")
    } else if s >= 1e-6 {
        (s * 1e6, "µs")
    } else {
        (s * 1e9, "ns")
    };
    format!("{} {unit}", significant(value))
}

/// A ratio such as `1.02×`.
pub fn ratio(r: f64) -> String {
    format!("{}×", significant(r))
}

/// Three significant digits, without a pointless fraction for large values.
fn significant(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_and_formatting() {
        let s = Summary::of(&[3.0, 1.0, 2.0, 10.0]).unwrap();
        assert_eq!((s.min, s.median, s.max, s.count), (1.0, 2.5, 10.0, 4));
        assert_eq!(Summary::of(&[]), None);
        assert_eq!(Summary::of(&[f64::NAN]), None);
        assert_eq!(seconds(0.000_012_34), "12.3 µs");
        assert_eq!(seconds(1.5), "1.50 s");
        assert_eq!(seconds(249.0), "249 s");
        assert_eq!(seconds(4.2e-8), "42.0 ns");
        assert_eq!(ratio(1.0234), "1.02×");
    }
}
