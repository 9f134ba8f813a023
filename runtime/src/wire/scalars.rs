//! Visitors for the lenient scalars of [`super`]: each reads the JSON token the deserializer hands it
//! (a number, a string, a boolean, `null`) directly, with no `serde_json::Value` in between, so that a
//! field costs no allocation beyond its own value.

use std::fmt;

use serde::de::{Error, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserializer;

/// Drains a list or an object the caller has no use for, so the deserializer can go on.
fn drain_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn drain_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// An integer from a JSON number or a numeric string, widened to `i128` so that every `i64` and
/// `u64` fits; `None` for `null`. Decimals, booleans, lists and objects are errors.
pub(crate) fn wide_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i128>, D::Error> {
    struct WideInt;
    impl<'de> Visitor<'de> for WideInt {
        type Value = Option<i128>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer, a numeric string or null")
        }
        fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.into()))
        }
        fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.into()))
        }
        fn visit_i128<E: Error>(self, v: i128) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
            Err(E::custom(format_args!(
                "expected an integer, found {}",
                json_number_text(v)
            )))
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
            v.trim()
                .parse::<i128>()
                .map(Some)
                .map_err(|_| E::custom(format_args!("expected an integer, found {v:?}")))
        }
        fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
            Err(E::custom(format_args!("expected an integer, found {v}")))
        }
        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, _seq: A) -> Result<Self::Value, A::Error> {
            Err(A::Error::custom("expected an integer, found a list"))
        }
        fn visit_map<A: MapAccess<'de>>(self, _map: A) -> Result<Self::Value, A::Error> {
            Err(A::Error::custom("expected an integer, found an object"))
        }
    }
    d.deserialize_any(WideInt)
}

/// A 0/1 flag: `true` exactly for `1`, `true` or `"1"` (blanks around it allowed); `None` for `null`;
/// anything else, lists and objects included, reads as `false`. Never an error.
pub(crate) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    struct Flag;
    impl<'de> Visitor<'de> for Flag {
        type Value = Option<bool>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a 0/1 flag")
        }
        fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v == 1))
        }
        fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v == 1))
        }
        fn visit_f64<E: Error>(self, _v: f64) -> Result<Self::Value, E> {
            Ok(Some(false))
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.trim() == "1"))
        }
        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            drain_seq(seq).map(|()| Some(false))
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            drain_map(map).map(|()| Some(false))
        }
    }
    d.deserialize_any(Flag)
}

/// Text from a string, or the JSON text of a number or a boolean (`1700000000` → `"1700000000"`);
/// `None` for `null`, a list or an object. Never an error.
pub(crate) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct Text;
    impl<'de> Visitor<'de> for Text {
        type Value = Option<String>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string, a number or a boolean")
        }
        fn visit_str<E: Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(Some(v.to_owned()))
        }
        fn visit_string<E: Error>(self, v: String) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_u64<E: Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_f64<E: Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(json_number_text(v)))
        }
        fn visit_bool<E: Error>(self, v: bool) -> Result<Self::Value, E> {
            Ok(Some(v.to_string()))
        }
        fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            drain_seq(seq).map(|()| None)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            drain_map(map).map(|()| None)
        }
    }
    d.deserialize_any(Text)
}

/// A decimal as serde_json writes it (`1.0` stays `1.0`, unlike `f64`'s `Display`).
fn json_number_text(v: f64) -> String {
    serde_json::Number::from_f64(v).map_or_else(|| v.to_string(), |n| n.to_string())
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    fn run<T>(f: fn(&mut serde_json::Deserializer<serde_json::de::StrRead>) -> T, json: &str) -> T {
        f(&mut serde_json::Deserializer::from_str(json))
    }

    #[test]
    fn each_visitor_reads_what_the_value_based_reading_read() {
        // The old readings went through `serde_json::Value`; these are their answers.
        let old_flag = |v: &Value| match v {
            Value::Null => None,
            Value::Bool(b) => Some(*b),
            Value::Number(n) => Some(n.as_i64() == Some(1)),
            Value::String(s) => Some(s.trim() == "1"),
            _ => Some(false),
        };
        let old_text = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(_) | Value::Bool(_) => Some(v.to_string()),
            _ => None,
        };
        for json in [
            "null",
            "0",
            "1",
            "2",
            "-1",
            "1.0",
            "1.5",
            "true",
            "false",
            r#""1""#,
            r#"" 1 ""#,
            r#""x""#,
            "[1,[2]]",
            r#"{"a":{"b":1}}"#,
            "18446744073709551615",
            "1e3",
        ] {
            let value: Value = serde_json::from_str(json).unwrap();
            assert_eq!(
                run(|d| super::flag(d).unwrap(), json),
                old_flag(&value),
                "flag {json}"
            );
            assert_eq!(
                run(|d| super::text(d).unwrap(), json),
                old_text(&value),
                "text {json}"
            );
        }
    }

    #[test]
    fn integers_come_from_numbers_and_numeric_strings_only() {
        let read = |json: &str| run(|d| super::wide_int(d).map_err(|e| e.to_string()), json);
        assert_eq!(read("null"), Ok(None));
        assert_eq!(read("-7"), Ok(Some(-7)));
        assert_eq!(read(r#"" 42 ""#), Ok(Some(42)));
        assert_eq!(read("18446744073709551615"), Ok(Some(i128::from(u64::MAX))));
        for (json, found) in [
            ("1.5", "1.5"),
            ("1.0", "1.0"),
            ("true", "true"),
            (r#""12a""#, "\"12a\""),
            ("[1]", "a list"),
            (r#"{"a":1}"#, "an object"),
        ] {
            let error = read(json).unwrap_err();
            assert!(
                error.contains(&format!("expected an integer, found {found}")),
                "{json}: {error}"
            );
        }
    }
}
