//! Request validation: the checks behind every generated `validate()`.
//!
//! A [`Validator`] collects *every* violation (not just the first), each naming the field path (wire
//! names, e.g. `activity_detail.image_list`), the rule (`max_chars(20)`) and where the rule comes from.
//! The code generator runs the same checks on the spec's examples, so the two can never disagree.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the field, in wire names (`activity_detail.image_list`).
    pub field: String,
    /// The rule, as written in the spec (`max_chars(20)`, `required`, `future`).
    pub rule: String,
    /// What was found.
    pub message: String,
    /// Where the rule comes from (an official doc id or a product rule), when the spec says.
    pub source: Option<&'static str>,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.field, self.rule, self.message)?;
        if let Some(source) = self.source {
            write!(f, " (rule source: {source})")?;
        }
        Ok(())
    }
}

/// All the violations of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Every violation found, in field order.
    pub violations: Vec<Violation>,
}

impl ValidationError {
    /// Whether some violation concerns `field` (a wire-name path).
    pub fn has(&self, field: &str, rule_prefix: &str) -> bool {
        self.violations
            .iter()
            .any(|v| v.field == field && v.rule.starts_with(rule_prefix))
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.violations.len();
        write!(
            f,
            "request is invalid ({n} violation{}): ",
            if n == 1 { "" } else { "s" }
        )?;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ValidationError {}

/// Something with generated validation rules (requests and the types nested in them).
pub trait Validate {
    /// Checks `self`, recording every violation in `v` under the validator's current path.
    fn check(&self, v: &mut Validator);

    /// Checks `self` and returns every violation.
    fn validate(&self) -> Result<(), ValidationError> {
        let mut v = Validator::new();
        self.check(&mut v);
        v.finish()
    }
}

/// Collects violations. Field paths are built only when a violation occurs.
#[derive(Debug)]
pub struct Validator {
    violations: Vec<Violation>,
    prefix: Vec<String>,
    now: Option<i64>,
}

impl Default for Validator {
    fn default() -> Self {
        Self::new()
    }
}

impl Validator {
    /// A validator whose time-dependent rules (`future`) compare with the system clock.
    pub fn new() -> Self {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Validator {
            violations: Vec::new(),
            prefix: Vec::new(),
            now: Some(now),
        }
    }

    /// A validator fixed at `now` (Unix seconds), for reproducible checks.
    pub fn at(now: i64) -> Self {
        Validator {
            violations: Vec::new(),
            prefix: Vec::new(),
            now: Some(now),
        }
    }

    /// A validator that skips time-dependent rules (used for static examples in the spec).
    pub fn timeless() -> Self {
        Validator {
            violations: Vec::new(),
            prefix: Vec::new(),
            now: None,
        }
    }

    /// Runs `f` with `segment` appended to the field path (`activity_detail`, `users[3]`).
    pub fn nested(&mut self, segment: impl Into<String>, f: impl FnOnce(&mut Self)) {
        self.prefix.push(segment.into());
        f(self);
        self.prefix.pop();
    }

    /// Checks a nested value that has rules of its own.
    pub fn check_nested<T: Validate + ?Sized>(&mut self, field: &str, value: &T) {
        self.nested(field, |v| value.check(v));
    }

    /// Checks every element of a list of values with rules of their own.
    pub fn check_each<T: Validate>(&mut self, field: &str, items: &[T]) {
        for (i, item) in items.iter().enumerate() {
            self.nested(format!("{field}[{i}]"), |v| item.check(v));
        }
    }

    /// Records a violation of `rule` on `field`.
    pub fn violation(
        &mut self,
        field: &str,
        rule: String,
        message: String,
        source: Option<&'static str>,
    ) {
        let mut path = self.prefix.join(".");
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(field);
        self.violations.push(Violation {
            field: path,
            rule,
            message,
            source,
        });
    }

    /// A required field is present.
    pub fn required(&mut self, field: &str, present: bool) {
        if !present {
            self.violation(field, "required".into(), "is missing".into(), None);
        }
    }

    /// At most `max` Unicode scalar values (a Chinese character counts one).
    pub fn max_chars(
        &mut self,
        field: &str,
        value: &str,
        max: usize,
        source: Option<&'static str>,
    ) {
        let n = value.chars().count();
        if n > max {
            self.violation(
                field,
                format!("max_chars({max})"),
                format!("{n} characters, at most {max} allowed"),
                source,
            );
        }
    }

    /// At least `min` Unicode scalar values.
    pub fn min_chars(
        &mut self,
        field: &str,
        value: &str,
        min: usize,
        source: Option<&'static str>,
    ) {
        let n = value.chars().count();
        if n < min {
            self.violation(
                field,
                format!("min_chars({min})"),
                format!("{n} characters, at least {min} required"),
                source,
            );
        }
    }

    /// At most `max` UTF-8 bytes (a Chinese character usually counts three).
    pub fn max_bytes(
        &mut self,
        field: &str,
        value: &str,
        max: usize,
        source: Option<&'static str>,
    ) {
        let n = value.len();
        if n > max {
            self.violation(
                field,
                format!("max_bytes({max})"),
                format!("{n} bytes in UTF-8, at most {max} allowed"),
                source,
            );
        }
    }

    /// At least `min`.
    pub fn min(&mut self, field: &str, value: i64, min: i64, source: Option<&'static str>) {
        if value < min {
            self.violation(
                field,
                format!("min({min})"),
                format!("{value} is below {min}"),
                source,
            );
        }
    }

    /// At most `max`.
    pub fn max(&mut self, field: &str, value: i64, max: i64, source: Option<&'static str>) {
        if value > max {
            self.violation(
                field,
                format!("max({max})"),
                format!("{value} is above {max}"),
                source,
            );
        }
    }

    /// At most `max` list items.
    pub fn max_items(&mut self, field: &str, len: usize, max: usize, source: Option<&'static str>) {
        if len > max {
            self.violation(
                field,
                format!("max_items({max})"),
                format!("{len} items, at most {max} allowed"),
                source,
            );
        }
    }

    /// At least `min` list items.
    pub fn min_items(&mut self, field: &str, len: usize, min: usize, source: Option<&'static str>) {
        if len < min {
            self.violation(
                field,
                format!("min_items({min})"),
                format!("{len} items, at least {min} required"),
                source,
            );
        }
    }

    /// A Unix timestamp later than now. Skipped by a [`Validator::timeless`] validator.
    pub fn future(&mut self, field: &str, value: i64, source: Option<&'static str>) {
        if let Some(now) = self.now {
            if value <= now {
                self.violation(
                    field,
                    "future".into(),
                    format!("{value} is not after the current time {now}"),
                    source,
                );
            }
        }
    }

    /// An enum value the spec documents (requests must not send `Unknown` values).
    pub fn known_value(&mut self, field: &str, known: bool, raw: &dyn fmt::Display) {
        if !known {
            self.violation(
                field,
                "enum".into(),
                format!("{raw} is not a documented value"),
                None,
            );
        }
    }

    /// A field that may be set only when a condition on another field holds.
    pub fn only_when(
        &mut self,
        field: &str,
        present: bool,
        condition_holds: bool,
        condition: &str,
        source: Option<&'static str>,
    ) {
        if present && !condition_holds {
            self.violation(
                field,
                format!("only_when({condition})"),
                format!("is set but {condition} does not hold"),
                source,
            );
        }
    }

    /// Every violation so far, or `Ok` when there is none.
    pub fn finish(self) -> Result<(), ValidationError> {
        if self.violations.is_empty() {
            Ok(())
        } else {
            Err(ValidationError {
                violations: self.violations,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collects_every_violation_with_paths() {
        let mut v = Validator::at(1_000);
        v.max_chars("theme", &"直".repeat(21), 20, Some("96837"));
        v.nested("activity_detail", |v| v.max_items("image_list", 6, 5, None));
        v.future("living_start", 999, None);
        let err = v.finish().unwrap_err();
        assert_eq!(err.violations.len(), 3);
        assert!(err.has("theme", "max_chars(20)"));
        assert!(err.has("activity_detail.image_list", "max_items(5)"));
        assert!(err.to_string().contains("rule source: 96837"), "{err}");
    }

    #[test]
    fn timeless_validator_skips_future() {
        let mut v = Validator::timeless();
        v.future("living_start", 0, None);
        assert!(v.finish().is_ok());
    }

    #[test]
    fn chars_and_bytes_differ_for_cjk() {
        let twenty = "直".repeat(20);
        let mut v = Validator::timeless();
        v.max_chars("theme", &twenty, 20, None);
        assert!(v.finish().is_ok());
        let mut v = Validator::timeless();
        v.max_bytes("theme", &twenty, 59, None);
        assert!(v.finish().is_err());
    }
}
