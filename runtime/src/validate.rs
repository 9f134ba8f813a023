//! Request validation: the checks behind every generated `validate()`.
//!
//! A [`Validator`] collects *every* violation (not just the first), each naming the field path (wire
//! names, e.g. `activity_detail.image_list`), the rule (`max_chars(20)`), where the rule comes from and
//! its [`Level`]. Its [`Profile`] decides what a broken rule is: the default enforces official rules
//! only (the client never rejects what the official server accepts), `Strict` adds product rules,
//! advice is a warning under both, and `Off` checks nothing.
//! The code generator runs the same checks on the spec's examples, so the two can never disagree.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

pub use crate::constraint::Level;
use crate::constraint::{Constraint, Measure, Subject};

/// Where a cross-field rule comes from and how binding it is: `(source, level)`.
pub type Origin = (Option<&'static str>, Level);

/// Which rules a validator enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Profile {
    /// Official rules are errors, advice is a warning, product rules are not checked.
    #[default]
    Official,
    /// Official and product rules are errors, advice is a warning.
    Strict,
    /// Nothing is checked.
    Off,
}

impl Profile {
    /// Whether a broken rule of `level` is an error under this profile.
    pub fn enforces(self, level: Level) -> bool {
        match (self, level) {
            (Profile::Off, _) | (_, Level::Advice) => false,
            (_, Level::Official) => true,
            (Profile::Strict, Level::Product) => true,
            (Profile::Official, Level::Product) => false,
        }
    }

    /// Whether a broken rule of `level` is a warning under this profile.
    pub fn warns(self, level: Level) -> bool {
        self != Profile::Off && level == Level::Advice
    }
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Path of the field, in wire names (`activity_detail.image_list`).
    pub field: String,
    /// The rule, as written in the spec (`max_chars(20)`, `required`, `future`).
    pub rule: String,
    /// What was found.
    pub message: String,
    /// Where the rule comes from (an official doc id or a product's documentation), when the spec says.
    pub source: Option<&'static str>,
    /// How binding the rule is.
    pub level: Level,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.field, self.rule, self.message)?;
        match (self.level, self.source) {
            (Level::Official, Some(source)) => write!(f, " (rule source: {source})"),
            (Level::Official, None) => Ok(()),
            (level, Some(source)) => write!(f, " ({} rule; source: {source})", level.as_str()),
            (level, None) => write!(f, " ({} rule)", level.as_str()),
        }
    }
}

/// All the violations of one request, and the advice it does not follow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    /// Every violation found, in field order.
    pub violations: Vec<Violation>,
    /// Broken advice (never a reason to fail).
    pub warnings: Vec<Violation>,
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

/// `field` under the path `prefix` (`activity_detail.image_list`).
fn path_of(prefix: &[String], field: &str) -> String {
    let mut path = prefix.join(".");
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(field);
    path
}

/// What "required" means, for every field type: the value is there and, for a string or a list, not
/// empty. Builders (`Option` fields), `validate()` (plain fields) and the mock server (JSON values)
/// all check required fields through this one definition, via [`Validator::required`].
pub trait Given {
    /// Whether the value counts as given. Numbers, flags, enums and objects always do.
    fn is_given(&self) -> bool {
        true
    }
}

impl Given for str {
    fn is_given(&self) -> bool {
        !self.is_empty()
    }
}

impl Given for String {
    fn is_given(&self) -> bool {
        !self.is_empty()
    }
}

impl<T> Given for Vec<T> {
    fn is_given(&self) -> bool {
        !self.is_empty()
    }
}

impl<T: Given> Given for Option<T> {
    fn is_given(&self) -> bool {
        self.as_ref().is_some_and(Given::is_given)
    }
}

impl<T: Given + ?Sized> Given for &T {
    fn is_given(&self) -> bool {
        (**self).is_given()
    }
}

/// A JSON value is given unless it is `null`, `""` or `[]` (what the mock server checks).
impl Given for serde_json::Value {
    fn is_given(&self) -> bool {
        match self {
            serde_json::Value::Null => false,
            serde_json::Value::String(s) => !s.is_empty(),
            serde_json::Value::Array(a) => !a.is_empty(),
            _ => true,
        }
    }
}

impl Given for i32 {}
impl Given for i64 {}
impl Given for u32 {}
impl Given for u64 {}
impl Given for bool {}
impl Given for crate::wire::Decimal {}

/// Something with generated validation rules (requests and the types nested in them).
pub trait Validate {
    /// Checks `self`, recording every violation in `v` under the validator's current path.
    fn check(&self, v: &mut Validator);

    /// Checks `self` under the default [`Profile`]: every broken official rule is an error; `Ok`
    /// carries the advice it does not follow (warnings).
    fn validate(&self) -> Result<Vec<Violation>, ValidationError> {
        self.validate_with(Profile::Official)
    }

    /// Checks `self` under `profile`.
    fn validate_with(&self, profile: Profile) -> Result<Vec<Violation>, ValidationError> {
        let mut v = Validator::new().profile(profile);
        self.check(&mut v);
        v.finish()
    }
}

/// Collects violations. Field paths are built only when a violation occurs.
#[derive(Debug)]
pub struct Validator {
    violations: Vec<Violation>,
    warnings: Vec<Violation>,
    prefix: Vec<String>,
    now: Option<i64>,
    profile: Profile,
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
        Self::at(now)
    }

    /// A validator fixed at `now` (Unix seconds), for reproducible checks.
    pub fn at(now: i64) -> Self {
        Validator {
            violations: Vec::new(),
            warnings: Vec::new(),
            prefix: Vec::new(),
            now: Some(now),
            profile: Profile::Official,
        }
    }

    /// A validator that skips time-dependent rules (used for static examples in the spec).
    pub fn timeless() -> Self {
        Validator {
            now: None,
            ..Self::at(0)
        }
    }

    /// The same validator under `profile` (the default is [`Profile::Official`]).
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = profile;
        self
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

    /// Records a violation of official `rule` on `field`.
    pub fn violation(
        &mut self,
        field: &str,
        rule: String,
        message: String,
        source: Option<&'static str>,
    ) {
        self.broken(field, rule, message, (source, Level::Official));
    }

    /// Records a broken rule of `level` on `field`: an error, a warning or nothing, as the profile
    /// says.
    pub fn broken(&mut self, field: &str, rule: String, message: String, (source, level): Origin) {
        let list = if self.profile.enforces(level) {
            &mut self.violations
        } else if self.profile.warns(level) {
            &mut self.warnings
        } else {
            return;
        };
        let path = path_of(&self.prefix, field);
        list.push(Violation {
            field: path,
            rule,
            message,
            source,
            level,
        });
    }

    /// Whether a broken rule of `level` would be recorded at all (so callers can skip the check).
    fn records(&self, level: Level) -> bool {
        self.profile.enforces(level) || self.profile.warns(level)
    }

    /// A required field is [`Given`]: the one meaning of "required", shared by the builders,
    /// `validate()` and the mock server. Reported once per field however often it is checked.
    pub fn required<T: Given + ?Sized>(&mut self, field: &str, value: &T) {
        if value.is_given() {
            return;
        }
        let path = path_of(&self.prefix, field);
        let reported = self
            .violations
            .iter()
            .any(|v| v.rule == "required" && v.field == path);
        if !reported {
            self.violation(field, "required".into(), "is missing".into(), None);
        }
    }

    /// Checks `value` against a field's constraints (see [`crate::constraint`]), recording a violation
    /// for each one broken.
    pub fn check<T: Measure + ?Sized>(
        &mut self,
        field: &str,
        value: &T,
        constraints: &[Constraint],
    ) {
        let subject = value.subject();
        for c in constraints {
            if !self.records(c.level) {
                continue;
            }
            if let Some(message) = c.check.violation(subject, self.now) {
                self.broken(field, c.check.to_string(), message, (c.source, c.level));
            }
        }
    }

    /// Checks each item of a list against the list's item constraints (`items:` in the spec),
    /// naming a broken one by its index (`tags[3]`). The path is built only for a violation.
    pub fn check_items<I>(&mut self, field: &str, items: I, constraints: &[Constraint])
    where
        I: IntoIterator,
        I::Item: Measure,
    {
        for (i, item) in items.into_iter().enumerate() {
            let subject = item.subject();
            for c in constraints {
                if !self.records(c.level) {
                    continue;
                }
                if let Some(message) = c.check.violation(subject, self.now) {
                    let path = format!("{field}[{i}]");
                    self.broken(&path, c.check.to_string(), message, (c.source, c.level));
                }
            }
        }
    }

    /// [`Validator::check`] on a JSON value (the code generator checks the spec's examples this way).
    /// Violations carry no source: the caller names the spec path itself.
    pub fn check_json<S: AsRef<str>>(
        &mut self,
        field: &str,
        value: &serde_json::Value,
        constraints: &[Constraint<S>],
    ) {
        let Some(subject) = Subject::from_json(value) else {
            return;
        };
        for c in constraints {
            if !self.records(c.level) {
                continue;
            }
            if let Some(message) = c.check.violation(subject, self.now) {
                self.broken(field, c.check.to_string(), message, (None, c.level));
            }
        }
    }

    /// A cross-field rule: `value(field) − value(minus)` lies in `min..=max` (each bound optional).
    /// Checked only when both values are present.
    pub fn difference(
        &mut self,
        field: &str,
        minus: &str,
        values: (Option<i64>, Option<i64>),
        bounds: (Option<i64>, Option<i64>),
        origin: Origin,
    ) {
        let (Some(a), Some(b)) = values else { return };
        let diff = a.saturating_sub(b);
        let (min, max) = bounds;
        let show = |b: Option<i64>| b.map_or_else(|| "_".to_owned(), |b| b.to_string());
        let rule = format!(
            "difference({field} - {minus} in {}..={})",
            show(min),
            show(max)
        );
        if let Some(min) = min.filter(|min| diff < *min) {
            self.broken(
                field,
                rule.clone(),
                format!("{field} - {minus} = {diff}, below {min}"),
                origin,
            );
        }
        if let Some(max) = max.filter(|max| diff > *max) {
            self.broken(
                field,
                rule,
                format!("{field} - {minus} = {diff}, above {max}"),
                origin,
            );
        }
    }

    /// A field that must be set when a condition on another field holds.
    pub fn required_when(
        &mut self,
        field: &str,
        present: bool,
        condition_holds: bool,
        condition: &str,
        origin: Origin,
    ) {
        if !present && condition_holds {
            self.broken(
                field,
                format!("required_when({condition})"),
                format!("is missing although {condition} holds"),
                origin,
            );
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
        origin: Origin,
    ) {
        if present && !condition_holds {
            self.broken(
                field,
                format!("only_when({condition})"),
                format!("is set but {condition} does not hold"),
                origin,
            );
        }
    }

    /// Whether no enforced rule is broken so far.
    pub fn is_clean(&self) -> bool {
        self.violations.is_empty()
    }

    /// Every violation and warning: `Ok(warnings)` when no enforced rule is broken.
    pub fn finish(self) -> Result<Vec<Violation>, ValidationError> {
        if self.violations.is_empty() {
            Ok(self.warnings)
        } else {
            Err(ValidationError {
                violations: self.violations,
                warnings: self.warnings,
            })
        }
    }
}

pub use crate::constraint::display_width;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::constraint::{decimal_places, Check};

    /// One constraint with an optional source.
    fn rule(check: Check, source: Option<&'static str>) -> [Constraint; 1] {
        [check.source(source)]
    }

    #[test]
    fn collects_every_violation_with_paths() {
        let mut v = Validator::at(1_000);
        v.check(
            "theme",
            &"直".repeat(21),
            &rule(Check::MaxChars(20), Some("96837")),
        );
        v.nested("activity_detail", |v| {
            v.check("image_list", &[0; 6][..], &rule(Check::MaxItems(5), None))
        });
        v.check("living_start", &999i64, &rule(Check::Future, None));
        let err = v.finish().unwrap_err();
        assert_eq!(err.violations.len(), 3);
        assert!(err.has("theme", "max_chars(20)"));
        assert!(err.has("activity_detail.image_list", "max_items(5)"));
        assert!(err.to_string().contains("rule source: 96837"), "{err}");
    }

    #[test]
    fn item_constraints_name_the_index() {
        let tags = vec![
            "ok".to_owned(),
            "much too long".to_owned(),
            "fine".to_owned(),
        ];
        let mut v = Validator::timeless();
        v.check_items("tags", &tags, &rule(Check::MaxChars(4), Some("doc")));
        let err = v.finish().unwrap_err();
        assert_eq!(err.violations.len(), 1, "{err}");
        assert!(err.has("tags[1]", "max_chars(4)"), "{err}");
        let mut v = Validator::timeless();
        v.check_items("ids", [5u32, 0, 7], &rule(Check::Min(1), None));
        assert!(v.finish().unwrap_err().has("ids[1]", "min(1)"));
    }

    #[test]
    fn timeless_validator_skips_future() {
        let mut v = Validator::timeless();
        v.check("living_start", &0i64, &rule(Check::Future, None));
        assert!(v.finish().is_ok());
    }

    #[test]
    fn chars_and_bytes_differ_for_cjk() {
        let twenty = "直".repeat(20);
        let mut v = Validator::timeless();
        v.check("theme", &twenty, &rule(Check::MaxChars(20), None));
        assert!(v.finish().is_ok());
        let mut v = Validator::timeless();
        v.check("theme", &twenty, &rule(Check::MaxBytes(59), None));
        assert!(v.finish().is_err());
    }

    #[test]
    fn width_counts_wide_characters_twice() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("直播间"), 6);
        assert_eq!(display_width("直播a"), 5);
        assert_eq!(display_width("，。"), 4, "full-width punctuation is wide");
        assert_eq!(display_width("ｶ"), 1, "half-width katakana is narrow");
        assert_eq!(display_width("é"), 1);
        // Room names: 3..17 汉字 = width 6..=34.
        let ok = |s: &str| {
            let mut v = Validator::timeless();
            v.check("name", s, &rule(Check::MinWidth(6), None));
            v.check("name", s, &rule(Check::MaxWidth(34), None));
            v.finish()
        };
        assert!(ok("直播间").is_ok(), "3 汉字 = width 6, the minimum");
        assert!(ok("abcdef").is_ok(), "6 ASCII = width 6");
        assert!(
            ok("直播a").unwrap_err().has("name", "min_width(6)"),
            "width 5"
        );
        assert!(ok(&"直".repeat(17)).is_ok(), "width 34, the maximum");
        let err = ok(&format!("{}a", "直".repeat(17))).unwrap_err();
        assert!(err.has("name", "max_width(34)"), "{err}");
        assert!(err.to_string().contains("width 35"), "{err}");
    }

    #[test]
    fn from_now_bounds_are_inclusive_and_skipped_when_timeless() {
        let check = |value: i64| {
            let mut v = Validator::at(1_000_000);
            v.check(
                "startTime",
                &value,
                &rule(Check::MinFromNow(600), Some("api_createroom")),
            );
            v.check(
                "startTime",
                &value,
                &rule(Check::MaxFromNow(15_552_000), None),
            );
            v.finish()
        };
        assert!(check(1_000_600).is_ok(), "exactly now + 10 min");
        assert!(check(1_000_599)
            .unwrap_err()
            .has("startTime", "min_from_now(600)"));
        assert!(check(16_552_000).is_ok(), "exactly now + 180 days");
        assert!(check(16_552_001)
            .unwrap_err()
            .has("startTime", "max_from_now(15552000)"));
        let mut v = Validator::timeless();
        v.check("startTime", &0i64, &rule(Check::MinFromNow(600), None));
        v.check("startTime", &i64::MAX, &rule(Check::MaxFromNow(1), None));
        assert!(v.finish().is_ok());
    }

    #[test]
    fn decimals_are_counted_on_the_shortest_form() {
        assert_eq!(decimal_places(99.5), Some(1));
        assert_eq!(decimal_places(100.0), Some(0));
        assert_eq!(decimal_places(1e21), Some(0));
        assert_eq!(decimal_places(0.01), Some(2));
        assert_eq!(decimal_places(-12.345), Some(3));
        assert_eq!(decimal_places(1e-7), Some(7));
        assert_eq!(decimal_places(f64::NAN), None);
        let check = |value: f64| {
            let mut v = Validator::timeless();
            v.check(
                "price",
                &crate::wire::Decimal(value),
                &rule(Check::MaxDecimals(2), None),
            );
            v.finish()
        };
        assert!(check(19.99).is_ok());
        assert!(check(20.0).is_ok());
        assert!(check(19.999).unwrap_err().has("price", "max_decimals(2)"));
        assert!(
            check(0.1 + 0.2).is_err(),
            "0.30000000000000004 has 17 decimals"
        );
        assert!(check(f64::INFINITY).is_err());
    }

    #[test]
    fn difference_bounds_are_inclusive() {
        let check = |end: Option<i64>, start: Option<i64>| {
            let mut v = Validator::timeless();
            v.difference(
                "endTime",
                "startTime",
                (end, start),
                (Some(1800), Some(86_400)),
                (None, Level::Official),
            );
            v.finish()
        };
        assert!(check(Some(1800), Some(0)).is_ok());
        assert!(check(Some(86_400), Some(0)).is_ok());
        let err = check(Some(1799), Some(0)).unwrap_err();
        assert!(
            err.has("endTime", "difference(endTime - startTime in 1800..=86400)"),
            "{err}"
        );
        assert!(check(Some(86_401), Some(0)).is_err());
        assert!(
            check(None, Some(0)).is_ok(),
            "a missing operand is the `required` rule's business"
        );
        let mut v = Validator::timeless();
        v.difference(
            "b",
            "a",
            (Some(5), Some(0)),
            (None, Some(10)),
            (None, Level::Official),
        );
        assert!(v.finish().is_ok());
    }

    #[test]
    fn required_when_fires_only_if_the_condition_holds() {
        let check = |present: bool, holds: bool| {
            let mut v = Validator::timeless();
            v.required_when(
                "price2",
                present,
                holds,
                "priceType in [2, 3]",
                (None, Level::Official),
            );
            v.finish()
        };
        assert!(check(true, true).is_ok());
        assert!(check(false, false).is_ok());
        assert!(check(true, false).is_ok());
        assert!(check(false, true)
            .unwrap_err()
            .has("price2", "required_when(priceType in [2, 3])"));
    }

    #[test]
    fn profiles_decide_what_a_broken_rule_is() {
        let rules = [
            Check::Min(60).source(Some("official page")),
            Check::Min(100).product(Some("a component's documentation")),
            Check::Min(1000).advice(None),
        ];
        let run = |value: i64, profile: Profile| {
            let mut v = Validator::timeless().profile(profile);
            v.check("n", &value, &rules);
            v.finish()
        };
        // Breaks the product rule and the advice only: sent under the default profile, with a warning.
        let warnings = run(80, Profile::Official).expect("only official rules are errors");
        assert_eq!(warnings.len(), 1);
        assert_eq!(warnings[0].level, Level::Advice);
        assert_eq!(warnings[0].rule, "min(1000)");
        let err = run(80, Profile::Strict).unwrap_err();
        assert_eq!(err.violations.len(), 1);
        assert_eq!(err.violations[0].level, Level::Product);
        assert!(
            err.to_string()
                .contains("(product rule; source: a component's documentation)"),
            "{err}"
        );
        assert_eq!(err.warnings.len(), 1, "advice is still a warning");
        assert!(run(10, Profile::Official).unwrap_err().has("n", "min(60)"));
        assert_eq!(run(10, Profile::Off), Ok(Vec::new()), "off checks nothing");
        assert_eq!(run(5000, Profile::Strict), Ok(Vec::new()));
    }

    #[test]
    fn cross_field_rules_follow_the_profile_too() {
        let run = |profile: Profile| {
            let mut v = Validator::timeless().profile(profile);
            v.only_when("extra", true, false, "type == 4", (None, Level::Advice));
            v.required_when("other", false, true, "type == 4", (None, Level::Product));
            v.finish()
        };
        let warnings = run(Profile::Official).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].rule.starts_with("only_when"));
        let err = run(Profile::Strict).unwrap_err();
        assert!(err.has("other", "required_when"));
    }
}
