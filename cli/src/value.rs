//! Option text to JSON, by the field's kind: integers (and times), decimals, booleans and 0/1 flags,
//! enums by wire value or name, JSON objects, and lists (one item per occurrence, or a JSON array).
//!
//! Every integer option also takes a time, turned into Unix seconds: `now`, a relative time with a
//! sign and units (`+1h`, `+1h30m`, `-10s`, `+2d`), or an RFC 3339 time with an offset
//! (`2026-12-01T10:00:00+08:00`, `2026-12-01T02:00:00Z`). A plain integer is always an integer, and
//! neither a leading `+` nor a date can be one, so the two never collide.

use std::ffi::OsStr;

use clap::builder::{PossibleValue, TypedValueParser};
use clap::error::ErrorKind;
use serde_json::Value;

use crate::model::{Field, Kind};

/// What one occurrence of an option gave.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The JSON value.
    pub value: Value,
    /// Whether it is a whole list (a JSON array given to a list option) rather than one item.
    pub whole_list: bool,
}

/// The value parser of a field's option: converts while clap parses, so a bad value is a clap error
/// naming the option.
#[derive(Debug, Clone, Copy)]
pub struct FieldParser {
    field: &'static Field,
    now: i64,
}

impl FieldParser {
    /// For `field`, with relative times counted from `now` (Unix seconds).
    pub fn new(field: &'static Field, now: i64) -> Self {
        FieldParser { field, now }
    }
}

impl TypedValueParser for FieldParser {
    type Value = Parsed;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &OsStr,
    ) -> Result<Parsed, clap::Error> {
        let fail = |shown: &str, why: &str| {
            clap::Error::raw(
                ErrorKind::ValueValidation,
                format!(
                    "invalid value '{shown}' for '{}': {why}\n",
                    self.field.option()
                ),
            )
        };
        let text = value
            .to_str()
            .ok_or_else(|| fail(&value.to_string_lossy(), "expected UTF-8 text"))?;
        convert(self.field, &self.field.kind, text, self.now).map_err(|why| fail(text, &why))
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        if self.field.values.is_empty() {
            return None;
        }
        Some(Box::new(self.field.values.iter().map(|v| {
            let mut help = format!("{} ({})", v.name, v.title);
            if !v.doc.is_empty() {
                help.push_str(": ");
                help.push_str(v.doc);
            }
            PossibleValue::new(v.wire).help(help)
        })))
    }
}

/// `text` as a value of `kind` (of `field`), or what was expected.
pub fn convert(field: &Field, kind: &Kind, text: &str, now: i64) -> Result<Parsed, String> {
    let one = |value| {
        Ok(Parsed {
            value,
            whole_list: false,
        })
    };
    match kind {
        Kind::List(item) => {
            if text.trim_start().starts_with('[') {
                return match serde_json::from_str::<Value>(text) {
                    Ok(list @ Value::Array(_)) => Ok(Parsed {
                        value: list,
                        whole_list: true,
                    }),
                    _ => Err(format!(
                        "expected one item, or the whole list as a JSON array ({})",
                        field.shape
                    )),
                };
            }
            convert(field, item, text, now)
        }
        Kind::Str => one(Value::String(text.to_owned())),
        Kind::I32 => {
            let n = integer(text, now)?;
            i32::try_from(n)
                .map(Value::from)
                .map_err(|_| format!("{n} is out of range for a 32-bit integer"))
                .and_then(one)
        }
        Kind::I64 => integer(text, now).map(Value::from).and_then(one),
        Kind::U32 => {
            let n = integer(text, now)?;
            u32::try_from(n)
                .map(Value::from)
                .map_err(|_| {
                    format!("{n} is out of range for an unsigned 32-bit integer (0 to 4294967295)")
                })
                .and_then(one)
        }
        Kind::U64 => match text.trim().parse::<u64>() {
            Ok(n) => one(Value::from(n)),
            Err(_) => {
                let n = integer(text, now)?;
                u64::try_from(n)
                    .map(Value::from)
                    .map_err(|_| format!("{n} is negative; expected an unsigned integer"))
                    .and_then(one)
            }
        },
        Kind::Decimal => match serde_json::from_str::<serde_json::Number>(text.trim()) {
            Ok(n) => one(Value::Number(n)),
            Err(_) => Err("expected a decimal number such as 12.5".into()),
        },
        Kind::Bool => boolean(text).map(Value::Bool).and_then(one),
        Kind::Flag => boolean(text)
            .map(|b| Value::from(u8::from(b)))
            .and_then(one),
        Kind::IntEnum | Kind::StrEnum => {
            let wanted = text.trim();
            let found = field
                .values
                .iter()
                .find(|v| v.wire == wanted || v.name.eq_ignore_ascii_case(wanted));
            match found {
                Some(v) if *kind == Kind::IntEnum => v
                    .wire
                    .parse::<i64>()
                    .map(Value::from)
                    .map_err(|_| format!("the spec's value `{}` is not an integer", v.wire))
                    .and_then(one),
                Some(v) => one(Value::String(v.wire.to_owned())),
                None => {
                    let values: Vec<String> = field
                        .values
                        .iter()
                        .map(|v| format!("{} ({})", v.wire, v.name))
                        .collect();
                    Err(format!("expected one of {}", values.join(", ")))
                }
            }
        }
        Kind::Object => match serde_json::from_str::<Value>(text) {
            Ok(object @ Value::Object(_)) => one(object),
            Ok(_) => Err(format!("expected a JSON object: {}", field.shape)),
            Err(e) => Err(format!(
                "not JSON ({e}); expected a JSON object: {}",
                field.shape
            )),
        },
    }
}

const TIME_FORMS: &str = "now, +1h, +1h30m, -10s, +2d, 2026-12-01T10:00:00+08:00 or Unix seconds";

/// An integer, or a time as Unix seconds.
pub fn integer(text: &str, now: i64) -> Result<i64, String> {
    let t = text.trim();
    let digits = t.strip_prefix('-').unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        return t
            .parse()
            .map_err(|_| format!("{t} is out of range for a 64-bit integer"));
    }
    time(t, now)
}

/// A time: `now`, `+1h`-style relative times, RFC 3339 with an offset; as Unix seconds.
pub fn time(text: &str, now: i64) -> Result<i64, String> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("now") {
        return Ok(now);
    }
    if let Some(rest) = t.strip_prefix(['+', '-']) {
        let seconds = duration(rest).ok_or_else(|| {
            "expected a relative time such as +1h, +30m, -10s, +1h30m or +2d (units d, h, m, s)"
                .to_owned()
        })?;
        let signed = if t.starts_with('-') {
            -seconds
        } else {
            seconds
        };
        return now
            .checked_add(signed)
            .ok_or_else(|| "the time is out of range".to_owned());
    }
    let looks_like_date = t.len() >= 10 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    if looks_like_date {
        return t
            .parse::<jiff::Timestamp>()
            .map(|ts| ts.as_second())
            .map_err(|_| {
                "expected an RFC 3339 time with an offset, such as 2026-12-01T10:00:00+08:00 or 2026-12-01T02:00:00Z".to_owned()
            });
    }
    Err(format!("expected an integer or a time ({TIME_FORMS})"))
}

/// `1h30m` (units d, h, m, s; days of 24 hours) as seconds.
fn duration(text: &str) -> Option<i64> {
    if text.is_empty() || !text.as_bytes()[0].is_ascii_digit() {
        return None;
    }
    let span: jiff::Span = text.parse().ok()?;
    if span.get_years() != 0 || span.get_months() != 0 || span.get_weeks() != 0 {
        return None;
    }
    let seconds = span
        .total((
            jiff::Unit::Second,
            jiff::SpanRelativeTo::days_are_24_hours(),
        ))
        .ok()?;
    (seconds.fract() == 0.0 && seconds.abs() < 1e15).then_some(seconds as i64)
}

fn boolean(text: &str) -> Result<bool, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        _ => Err("expected true or false (or 1 / 0)".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EnumValue;

    const NOW: i64 = 1_800_000_000;

    static VALUES: [EnumValue; 2] = [
        EnumValue {
            wire: "0",
            name: "General",
            title: "通用直播",
            doc: "",
        },
        EnumValue {
            wire: "4",
            name: "Activity",
            title: "活动直播",
            doc: "",
        },
    ];

    fn field(kind: Kind) -> Field {
        Field {
            wire: "x",
            flag: "x",
            kind,
            shape: "x",
            required: false,
            doc: "",
            rules: &[],
            default: None,
            time: false,
            values: &VALUES,
            flatten: false,
        }
    }

    fn value(kind: Kind, text: &str) -> Result<Value, String> {
        let f = field(kind);
        convert(&f, &f.kind, text, NOW).map(|p| p.value)
    }

    #[test]
    fn integers_take_times_too() {
        assert_eq!(integer("3600", NOW), Ok(3600));
        assert_eq!(integer("-5", NOW), Ok(-5));
        assert_eq!(integer("now", NOW), Ok(NOW));
        assert_eq!(integer("+1h", NOW), Ok(NOW + 3600));
        assert_eq!(integer("+30m", NOW), Ok(NOW + 1800));
        assert_eq!(integer("-10s", NOW), Ok(NOW - 10));
        assert_eq!(integer("+1h30m", NOW), Ok(NOW + 5400));
        assert_eq!(integer("+2d", NOW), Ok(NOW + 2 * 86400));
        assert_eq!(integer("2026-12-01T10:00:00+08:00", NOW), Ok(1_796_090_400));
        assert_eq!(integer("2026-12-01T02:00:00Z", NOW), Ok(1_796_090_400));
    }

    #[test]
    fn unreadable_times_say_what_was_expected() {
        for bad in [
            "+10",
            "+1x",
            "soon",
            "1h",
            "2026-12-01T10:00:00",
            "+",
            "+1y",
        ] {
            let err = integer(bad, NOW).unwrap_err();
            assert!(err.starts_with("expected"), "{bad}: {err}");
        }
        assert!(integer("2026-12-01T10:00:00", NOW)
            .unwrap_err()
            .contains("offset"));
    }

    #[test]
    fn values_follow_the_kind() {
        assert_eq!(value(Kind::I32, "+1h"), Ok(Value::from(NOW + 3600)));
        assert_eq!(
            value(Kind::U64, "18446744073709551615"),
            Ok(Value::from(u64::MAX))
        );
        assert!(value(Kind::U32, "-1").unwrap_err().contains("unsigned"));
        assert!(value(Kind::U64, "-1").unwrap_err().contains("negative"));
        assert_eq!(value(Kind::U32, "4294967295"), Ok(Value::from(u32::MAX)));
        assert!(value(Kind::I32, "99999999999")
            .unwrap_err()
            .contains("32-bit"));
        assert_eq!(value(Kind::Str, "周会"), Ok(Value::from("周会")));
        assert_eq!(value(Kind::Flag, "true"), Ok(Value::from(1)));
        assert_eq!(value(Kind::Bool, "0"), Ok(Value::Bool(false)));
        assert!(value(Kind::Bool, "maybe").is_err());
        assert_eq!(value(Kind::Decimal, "12.5"), Ok(serde_json::json!(12.5)));
        assert!(value(Kind::Decimal, "x").is_err());
        assert_eq!(value(Kind::IntEnum, "4"), Ok(Value::from(4)));
        assert_eq!(value(Kind::IntEnum, "activity"), Ok(Value::from(4)));
        assert_eq!(value(Kind::StrEnum, "General"), Ok(Value::from("0")));
        let err = value(Kind::IntEnum, "9").unwrap_err();
        assert!(err.contains("0 (General), 4 (Activity)"), "{err}");
        assert_eq!(
            value(Kind::Object, r#"{"a": 1}"#),
            Ok(serde_json::json!({"a": 1}))
        );
        assert!(value(Kind::Object, "[1]")
            .unwrap_err()
            .contains("JSON object"));
        assert!(value(Kind::Object, "{").unwrap_err().contains("not JSON"));
    }

    #[test]
    fn list_options_take_an_item_or_the_whole_array() {
        let f = field(Kind::List(&Kind::I64));
        let item = convert(&f, &f.kind, "+1m", NOW).unwrap();
        assert_eq!(
            item,
            Parsed {
                value: Value::from(NOW + 60),
                whole_list: false
            }
        );
        let all = convert(&f, &f.kind, "[1, 2]", NOW).unwrap();
        assert!(all.whole_list);
        assert_eq!(all.value, serde_json::json!([1, 2]));
        assert!(convert(&f, &f.kind, "[1,", NOW).is_err());
    }
}
