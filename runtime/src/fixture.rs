//! Fixture times relative to now. A fixture (a spec example, or a value the generator makes up) may
//! write a Unix timestamp as `"$now"`, `"$now+3600"` or `"$now-600"`: the mock server resolves them
//! when it starts, so a booked live starts in the future and a room's start obeys its
//! 10-minute/6-month window however old the fixture file is.

use serde_json::Value;

/// The offset in seconds of a relative time (`"$now+3600"` → 3600), or `None` for any other string.
pub fn offset(text: &str) -> Option<i64> {
    let rest = text.strip_prefix("$now")?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, digits) = match rest.split_at(1) {
        ("+", digits) => (1, digits),
        ("-", digits) => (-1, digits),
        _ => return None,
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<i64>().ok().map(|n| sign * n)
}

/// The relative time `offset` seconds from now, as fixtures write it.
pub fn relative(offset: i64) -> String {
    match offset {
        0 => "$now".to_owned(),
        n if n > 0 => format!("$now+{n}"),
        n => format!("$now-{}", n.unsigned_abs()),
    }
}

/// Replaces every relative time in `value` by `now` plus its offset.
pub fn resolve_times(value: &mut Value, now: i64) {
    match value {
        Value::String(s) => {
            if let Some(offset) = offset(s) {
                *value = Value::from(now.saturating_add(offset));
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| resolve_times(v, now)),
        Value::Object(map) => map.values_mut().for_each(|v| resolve_times(v, now)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_resolve_against_now_and_nothing_else_changes() {
        assert_eq!(offset("$now"), Some(0));
        assert_eq!(offset("$now+3600"), Some(3600));
        assert_eq!(offset("$now-600"), Some(-600));
        for other in ["now", "$now+", "$now+1h", "$nowish", "$now*2", "$now+-1"] {
            assert_eq!(offset(other), None, "{other}");
        }
        assert_eq!(offset(&relative(-86_400)), Some(-86_400));
        let mut v = serde_json::json!({"start": "$now+600", "list": [{"t": "$now"}], "name": "$now is a name? no"});
        resolve_times(&mut v, 1_000);
        assert_eq!(
            v,
            serde_json::json!({"start": 1600, "list": [{"t": 1000}], "name": "$now is a name? no"})
        );
    }
}
