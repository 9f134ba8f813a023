//! Serde helpers for wire quirks shared by every generated type.

use serde::{Deserialize, Deserializer, Serializer};

/// A 0/1 integer flag as `bool`: `true` exactly when the wire value is 1 (or `true`, or `"1"`).
/// Never rejects a value: anything else reads as `false`.
pub mod flag {
    use super::*;

    /// Writes `1` or `0`.
    pub fn serialize<S: Serializer>(value: &bool, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(u8::from(*value))
    }

    /// Reads a flag; see the module docs.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
        Ok(is_set(&serde_json::Value::deserialize(d)?))
    }

    pub(crate) fn is_set(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::Bool(b) => *b,
            serde_json::Value::Number(n) => n.as_i64() == Some(1),
            serde_json::Value::String(s) => s.trim() == "1",
            _ => false,
        }
    }
}

/// An optional 0/1 flag: `None` when absent or null.
pub mod option_flag {
    use super::*;

    /// Writes `1` or `0` (callers skip `None`).
    pub fn serialize<S: Serializer>(value: &Option<bool>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(b) => s.serialize_u8(u8::from(*b)),
            None => s.serialize_none(),
        }
    }

    /// Reads an optional flag.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        let value = Option::<serde_json::Value>::deserialize(d)?;
        Ok(value.filter(|v| !v.is_null()).map(|v| flag::is_set(&v)))
    }
}

/// A list that the server may send as `null`: read as empty.
pub fn vec_or_null<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Sample {
        #[serde(default, with = "super::option_flag")]
        f: Option<bool>,
        #[serde(default, deserialize_with = "super::vec_or_null")]
        list: Vec<i32>,
    }

    #[test]
    fn flags_and_null_lists_never_reject() {
        let s: Sample = serde_json::from_str(r#"{"f":1,"list":null}"#).unwrap();
        assert_eq!(s.f, Some(true));
        assert!(s.list.is_empty());
        let s: Sample = serde_json::from_str(r#"{"f":7}"#).unwrap();
        assert_eq!(s.f, Some(false));
        let s: Sample = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(s.f, None);
    }
}
