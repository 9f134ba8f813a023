//! The current time, injectable for tests, and the timestamp freshness check.

use std::time::{SystemTime, UNIX_EPOCH};

use super::error::CallbackError;

/// A source of the current time in Unix seconds.
///
/// Any `Fn() -> i64 + Send + Sync` closure is a clock, e.g. `|| 1_700_000_000` in tests.
pub trait Clock: Send + Sync {
    /// The current time in Unix seconds.
    fn now_unix(&self) -> i64;
}

/// The system clock ([`SystemTime::now`]); the default of every handler.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_unix(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(since) => i64::try_from(since.as_secs()).unwrap_or(i64::MAX),
            Err(before) => {
                i64::try_from(before.duration().as_secs()).map_or(i64::MIN, |secs| -secs)
            }
        }
    }
}

impl<F> Clock for F
where
    F: Fn() -> i64 + Send + Sync,
{
    fn now_unix(&self) -> i64 {
        self()
    }
}

/// Parses the `timestamp` parameter: one or more ASCII digits that fit in an `i64`.
pub(crate) fn parse_timestamp(text: &str) -> Result<i64, CallbackError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CallbackError::InvalidTimestamp);
    }
    text.parse::<i64>()
        .map_err(|_| CallbackError::InvalidTimestamp)
}

/// Checks `|now - timestamp| <= window_secs`.
pub(crate) fn check_fresh(timestamp: i64, now: i64, window_secs: u64) -> Result<(), CallbackError> {
    if now.abs_diff(timestamp) > window_secs {
        return Err(CallbackError::StaleTimestamp {
            timestamp,
            now,
            window_secs,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_only_plain_decimal() {
        assert_eq!(parse_timestamp("1700000000"), Ok(1_700_000_000));
        for bad in ["", "-1", "+1", " 1", "1.0", "99999999999999999999", "1e9"] {
            assert_eq!(
                parse_timestamp(bad),
                Err(CallbackError::InvalidTimestamp),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn window_is_inclusive_both_ways() {
        assert!(check_fresh(1000, 1300, 300).is_ok());
        assert!(check_fresh(1300, 1000, 300).is_ok());
        assert!(check_fresh(1000, 1301, 300).is_err());
        assert!(check_fresh(1301, 1000, 300).is_err());
        assert!(check_fresh(i64::MAX, i64::MIN, u64::MAX).is_ok());
        assert!(check_fresh(i64::MAX, i64::MIN, 0).is_err());
    }

    #[test]
    fn system_clock_is_recent() {
        assert!(SystemClock.now_unix() > 1_600_000_000);
    }
}
