//! Serde helpers for wire quirks shared by every generated type.

use serde::{Deserialize, Deserializer, Serializer};

#[cfg(feature = "client")]
mod envelope;
mod scalars;

#[cfg(feature = "client")]
pub(crate) use envelope::Enveloped;

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
        Ok(scalars::flag(d)?.unwrap_or(false))
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
        scalars::flag(d)
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

/// A decimal number on the wire (a price in yuan such as `99.5`), kept as the `f64` JSON gives.
///
/// Unlike a bare `f64` it is `Eq` (two values are equal when their bits are, so `-0.0 != 0.0` and the
/// never-decoded NaN equals itself), which lets the generated types stay `Eq`. It decodes from a JSON
/// number or a numeric string and encodes as a JSON number.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decimal(pub f64);

impl Decimal {
    /// The value.
    pub const fn get(self) -> f64 {
        self.0
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for Decimal {}

impl std::hash::Hash for Decimal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}

impl From<f64> for Decimal {
    fn from(value: f64) -> Self {
        Decimal(value)
    }
}

impl From<i32> for Decimal {
    fn from(value: i32) -> Self {
        Decimal(f64::from(value))
    }
}

impl From<Decimal> for f64 {
    fn from(value: Decimal) -> Self {
        value.0
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.0, f)
    }
}

impl serde::Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // NaN and the infinities have no JSON form: refuse them rather than send `null` as a price.
        if !self.0.is_finite() {
            return Err(serde::ser::Error::custom(format_args!(
                "{} is not a finite number",
                self.0
            )));
        }
        // Whole numbers go out as integers (`100`, not `100.0`), as the API's own samples write them.
        if self.0.fract() == 0.0 && self.0.abs() < 9.0e15 {
            s.serialize_i64(self.0 as i64)
        } else {
            s.serialize_f64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_f64()
                .map(Decimal)
                .ok_or_else(|| serde::de::Error::custom("number out of range")),
            serde_json::Value::String(s) => s
                .trim()
                .parse::<f64>()
                .map(Decimal)
                .map_err(|_| serde::de::Error::custom(format_args!("`{s}` is not a number"))),
            other => Err(serde::de::Error::custom(format_args!(
                "expected a number, found {other}"
            ))),
        }
    }
}

/// An optional string that some sources send as a number or a boolean: any scalar is kept as its
/// JSON text (`1700000000` becomes `"1700000000"`); objects and lists read as `None`. Never rejects.
pub mod lenient_string {
    use super::*;

    /// Writes the string (callers skip `None`).
    pub fn serialize<S: Serializer>(value: &Option<String>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => s.serialize_str(v),
            None => s.serialize_none(),
        }
    }

    /// Reads a string, a number or a boolean as text.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        scalars::text(d)
    }
}

/// A lenient object the generated code fills field by field (unknown fields ignored). Its
/// `Deserialize` impl is one line: [`deserialize_object`]; the only per-type code is the match on keys
/// in [`FromFields::field`], which reads each value through a [`Reader`].
///
/// Fields the spec guarantees on success (`required: true` on a response field) are plain values:
/// when the server leaves one out, it keeps its zero value and a `tracing` warning names it, after
/// Smithy's "client error correction"; the call does not fail.
pub trait FromFields: Default {
    /// The type's name, for decode errors and warnings (`LivingInfo`).
    const NAME: &'static str;

    /// Wire names of the guaranteed fields, in the order of their `slot` in the `*_at` readers
    /// ([`Reader::value_at`] and the like).
    const GUARANTEED: &'static [&'static str] = &[];

    /// Reads the value of `key` from `map` into `self`; `Ok(false)` for a key the type does not know
    /// (its value is then skipped).
    fn field<'de, A: serde::de::MapAccess<'de>>(
        &mut self,
        key: &str,
        map: &mut A,
        read: &mut Reader,
    ) -> Result<bool, A::Error>;
}

/// Implements `Deserialize` for [`FromFields`] types with [`deserialize_object`] (one line per type in
/// the generated code).
#[macro_export]
macro_rules! deserialize_objects {
    ($($name:ident),* $(,)?) => {$(
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::wire::deserialize_object(d)
            }
        }
    )*};
}

/// Reads the values of one object for [`FromFields::field`]: remembers which guaranteed fields were
/// seen and, in the lenient pass of [`decode_lenient`], replaces a value of the wrong JSON type by its
/// zero value (with a warning) instead of failing.
#[derive(Debug, Default)]
pub struct Reader {
    seen: u64,
    lenient: bool,
    wrong_type: Option<String>,
}

/// A map value that may stand for "absent" (`null`): what a guaranteed field is read through.
pub trait Presence<T> {
    /// The value, or `None` for `null`.
    fn into_present(self) -> Option<T>;
}

impl<T> Presence<T> for Option<T> {
    fn into_present(self) -> Option<T> {
        self
    }
}

impl<T> Presence<T> for LenientInt<T> {
    fn into_present(self) -> Option<T> {
        self.0
    }
}

impl Presence<bool> for OptionFlag {
    fn into_present(self) -> Option<bool> {
        self.0
    }
}

impl Presence<String> for LenientString {
    fn into_present(self) -> Option<String> {
        self.0
    }
}

impl<T> Presence<Vec<T>> for List<T> {
    fn into_present(self) -> Option<Vec<T>> {
        Some(self.0)
    }
}

impl Reader {
    /// A reader for one object, lenient when this thread is in [`decode_lenient`]'s second pass.
    fn for_this_pass() -> Reader {
        Reader {
            lenient: LENIENT.with(std::cell::Cell::get),
            ..Reader::default()
        }
    }

    /// Reads the value of `key` into `value`, or skips it when `T` has no such field; answers the
    /// reason when the lenient pass replaced a value of the wrong JSON type by its zero value.
    fn field<'de, T: FromFields, A: serde::de::MapAccess<'de>>(
        &mut self,
        value: &mut T,
        key: &str,
        map: &mut A,
    ) -> Result<Option<String>, A::Error> {
        if !value.field(key, map, self)? {
            map.next_value::<serde::de::IgnoredAny>()?;
        }
        Ok(self.wrong_type.take())
    }

    /// Reads an optional field's value as `W`.
    fn read<'de, W, A>(&mut self, map: &mut A) -> Result<W, A::Error>
    where
        W: Deserialize<'de> + Default,
        A: serde::de::MapAccess<'de>,
    {
        if !self.lenient {
            return map.next_value();
        }
        let value: serde_json::Value = map.next_value()?;
        W::deserialize(value).or_else(|e| {
            self.wrong_type = Some(e.to_string());
            Ok(W::default())
        })
    }

    /// Reads the value of guaranteed field number `slot` (its index in [`FromFields::GUARANTEED`]) as
    /// `W`; `null` counts as missing and reads as the zero value.
    fn guaranteed<'de, W, T, A>(&mut self, map: &mut A, slot: u32) -> Result<T, A::Error>
    where
        W: Deserialize<'de> + Default + Presence<T>,
        T: Default,
        A: serde::de::MapAccess<'de>,
    {
        match self.read::<W, A>(map)?.into_present() {
            Some(value) => {
                self.seen |= 1 << slot;
                Ok(value)
            }
            None => Ok(T::default()),
        }
    }

    /// Reads `into`, a field that may be left out, with its own `Deserialize` (`value` rows of
    /// `from_fields!`). Like the other readers it writes the field in place, so that the generated
    /// `field` methods are one call per row, compiled once here for each field type.
    pub fn value<'de, T, A>(&mut self, map: &mut A, into: &mut T) -> Result<(), A::Error>
    where
        T: Deserialize<'de> + Default,
        A: serde::de::MapAccess<'de>,
    {
        *into = self.read(map)?;
        Ok(())
    }

    /// Reads an optional number that may arrive as a numeric string (`int` rows).
    pub fn int<'de, T, A>(&mut self, map: &mut A, into: &mut Option<T>) -> Result<(), A::Error>
    where
        LenientInt<T>: Deserialize<'de> + Default,
        A: serde::de::MapAccess<'de>,
    {
        *into = self.read::<LenientInt<T>, A>(map)?.0;
        Ok(())
    }

    /// Reads an optional 0/1 flag (`flag` rows).
    pub fn flag<'de, A>(&mut self, map: &mut A, into: &mut Option<bool>) -> Result<(), A::Error>
    where
        A: serde::de::MapAccess<'de>,
    {
        *into = self.read::<OptionFlag, A>(map)?.0;
        Ok(())
    }

    /// Reads a list that may be `null` (`list` rows).
    pub fn list<'de, T, A>(&mut self, map: &mut A, into: &mut Vec<T>) -> Result<(), A::Error>
    where
        List<T>: Deserialize<'de> + Default,
        A: serde::de::MapAccess<'de>,
    {
        *into = self.read::<List<T>, A>(map)?.0;
        Ok(())
    }

    /// Reads an optional string that may arrive as any scalar (`text` rows).
    pub fn text<'de, A>(&mut self, map: &mut A, into: &mut Option<String>) -> Result<(), A::Error>
    where
        A: serde::de::MapAccess<'de>,
    {
        *into = self.read::<LenientString, A>(map)?.0;
        Ok(())
    }

    /// Reads guaranteed field number `slot` of a `value` row (`null` counts as missing and reads as
    /// the zero value).
    pub fn value_at<'de, T, A>(
        &mut self,
        map: &mut A,
        slot: u32,
        into: &mut T,
    ) -> Result<(), A::Error>
    where
        Option<T>: Deserialize<'de>,
        T: Default,
        A: serde::de::MapAccess<'de>,
    {
        *into = self.guaranteed::<Option<T>, T, A>(map, slot)?;
        Ok(())
    }

    /// Reads guaranteed field number `slot` of an `int` row.
    pub fn int_at<'de, T, A>(
        &mut self,
        map: &mut A,
        slot: u32,
        into: &mut T,
    ) -> Result<(), A::Error>
    where
        LenientInt<T>: Deserialize<'de> + Default,
        T: Default,
        A: serde::de::MapAccess<'de>,
    {
        *into = self.guaranteed::<LenientInt<T>, T, A>(map, slot)?;
        Ok(())
    }

    /// Reads guaranteed field number `slot` of a `flag` row.
    pub fn flag_at<'de, A>(
        &mut self,
        map: &mut A,
        slot: u32,
        into: &mut bool,
    ) -> Result<(), A::Error>
    where
        A: serde::de::MapAccess<'de>,
    {
        *into = self.guaranteed::<OptionFlag, bool, A>(map, slot)?;
        Ok(())
    }

    /// Reads guaranteed field number `slot` of a `list` row.
    pub fn list_at<'de, T, A>(
        &mut self,
        map: &mut A,
        slot: u32,
        into: &mut Vec<T>,
    ) -> Result<(), A::Error>
    where
        List<T>: Deserialize<'de> + Default,
        A: serde::de::MapAccess<'de>,
    {
        *into = self.guaranteed::<List<T>, Vec<T>, A>(map, slot)?;
        Ok(())
    }

    /// Reads guaranteed field number `slot` of a `text` row.
    pub fn text_at<'de, A>(
        &mut self,
        map: &mut A,
        slot: u32,
        into: &mut String,
    ) -> Result<(), A::Error>
    where
        A: serde::de::MapAccess<'de>,
    {
        *into = self.guaranteed::<LenientString, String, A>(map, slot)?;
        Ok(())
    }
}

thread_local! {
    /// Whether objects decoded on this thread replace mistyped values (the lenient pass).
    static LENIENT: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Decodes `body` as `T`; when a field has the wrong JSON type, decodes it again replacing each such
/// value by its zero value (and `None` for optional fields), with a warning naming the field.
/// Fails only for a body that is not JSON or not an object where one is needed.
pub fn decode_lenient<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    match serde_json::from_slice(body) {
        Ok(value) => Ok(value),
        Err(strict) if strict.is_data() => {
            struct Reset;
            impl Drop for Reset {
                fn drop(&mut self) {
                    LENIENT.with(|l| l.set(false));
                }
            }
            LENIENT.with(|l| l.set(true));
            let _reset = Reset;
            serde_json::from_slice(body).map_err(|_| strict)
        }
        Err(other) => Err(other),
    }
}

/// Writes the entries of an object for the `Serialize` impls of `from_fields!` and
/// `encode_fields!`: one call per field, no error handling in the generated code (the first error is
/// kept and returned by [`Writer::end`]; later calls do nothing).
pub struct Writer<M: serde::ser::SerializeMap> {
    map: M,
    error: Option<M::Error>,
}

impl<M: serde::ser::SerializeMap> Writer<M> {
    /// Starts the object.
    pub fn new<S: Serializer<SerializeMap = M>>(s: S) -> Result<Self, S::Error> {
        s.serialize_map(None).map(|map| Writer { map, error: None })
    }

    fn put<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        if self.error.is_none() {
            if let Err(e) = self.map.serialize_entry(key, value) {
                self.error = Some(e);
            }
        }
    }

    /// Writes `key: value`.
    pub fn value<T: serde::Serialize>(&mut self, key: &'static str, value: &T) {
        self.put(key, value);
    }

    /// Writes `key: value` when `value` is set.
    pub fn some<T: serde::Serialize>(&mut self, key: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.put(key, value);
        }
    }

    /// Writes `key: value` when the list is not empty.
    pub fn list<T: serde::Serialize>(&mut self, key: &'static str, value: &[T]) {
        if !value.is_empty() {
            self.put(key, value);
        }
    }

    /// Writes a flag as 0/1.
    pub fn flag(&mut self, key: &'static str, value: bool) {
        self.put(key, &u8::from(value));
    }

    /// Writes a flag as 0/1 when it is set.
    pub fn some_flag(&mut self, key: &'static str, value: Option<bool>) {
        if let Some(value) = value {
            self.flag(key, value);
        }
    }

    /// Writes the entries of `value`, which encodes as a JSON object, in the object's order (a
    /// flattened union: its keys sit next to the other fields).
    pub fn flatten<T: serde::Serialize>(&mut self, value: &T) {
        use serde::ser::Error;
        match serde_json::to_value(value) {
            Ok(serde_json::Value::Object(entries)) => {
                for (key, value) in &entries {
                    self.put(key, value);
                }
            }
            Ok(other) => {
                self.error.get_or_insert(M::Error::custom(format_args!(
                    "can only flatten an object, found {other}"
                )));
            }
            Err(e) => {
                self.error.get_or_insert(M::Error::custom(e));
            }
        }
    }

    /// Ends the object, or returns the first error.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(e) => Err(e),
            None => self.map.end(),
        }
    }
}

/// Deserializes a [`FromFields`] type from a map.
pub fn deserialize_object<'de, D: Deserializer<'de>, T: FromFields>(d: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);
    impl<'de, T: FromFields> serde::de::Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "a `{}` object", T::NAME)
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
            let mut value = T::default();
            let mut read = Reader::for_this_pass();
            while let Some(key) = map.next_key::<Key<'de>>()? {
                if let Some(error) = read.field(&mut value, key.as_str(), &mut map)? {
                    warn_wrong_type::<T>(key.as_str(), &error);
                }
            }
            warn_missing::<T>(&read);
            Ok(value)
        }
    }
    d.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

/// Logs a value of the wrong JSON type, replaced by its zero value in the lenient pass.
fn warn_wrong_type<T: FromFields>(key: &str, error: &str) {
    tracing::warn!(
        field = %format_args!("{}.{key}", T::NAME),
        "a response field has the wrong JSON type ({error}); using its zero value"
    );
}

/// Logs each guaranteed field of `T` that `read` did not see.
fn warn_missing<T: FromFields>(read: &Reader) {
    if read.seen.count_ones() as usize == T::GUARANTEED.len() {
        return;
    }
    for (slot, name) in T::GUARANTEED.iter().enumerate() {
        if read.seen & (1 << slot) == 0 {
            tracing::warn!(
                field = %format_args!("{}.{name}", T::NAME),
                "a field the spec guarantees is missing from the response; using its zero value"
            );
        }
    }
}

/// An object key, borrowed from the input when it can be (generated `Deserialize` impls match on it).
#[derive(Debug)]
pub struct Key<'de>(std::borrow::Cow<'de, str>);

impl Key<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> serde::de::Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// An optional 0/1 flag as a map value (see [`flag`]): never an error.
#[derive(Debug, Default)]
pub struct OptionFlag(pub Option<bool>);

impl<'de> Deserialize<'de> for OptionFlag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        option_flag::deserialize(d).map(OptionFlag)
    }
}

/// An optional string that may arrive as a number or a boolean, as a map value (see [`lenient_string`]).
#[derive(Debug, Default)]
pub struct LenientString(pub Option<String>);

impl<'de> Deserialize<'de> for LenientString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        lenient_string::deserialize(d).map(LenientString)
    }
}

/// An optional integer that may arrive as a JSON number or as a numeric string (`"123"`, as some pages
/// document ids and statuses), as a map value; `null` reads as `None`. Anything else is an error.
#[derive(Debug, Default)]
pub struct LenientInt<T>(pub Option<T>);

/// Read through `i128`, so that every `i32`, `i64`, `u32` and `u64` value decodes (a `u64` above
/// `i64::MAX` included); a value out of the field's range is an error.
impl<'de, T: TryFrom<i128>> Deserialize<'de> for LenientInt<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match scalars::wide_int(d)? {
            None => Ok(LenientInt(None)),
            Some(i) => T::try_from(i).map(|v| LenientInt(Some(v))).map_err(|_| {
                serde::de::Error::custom(format_args!("{i} is out of range for this field"))
            }),
        }
    }
}

/// An integer that may arrive as a JSON number or as a numeric string: what integer enums decode
/// from (`#[serde(from = "wxlive_runtime::wire::Int")]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Int(pub i64);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let wide = scalars::wide_int(d)?
            .ok_or_else(|| D::Error::custom("expected an integer, found null"))?;
        i64::try_from(wide)
            .map(Int)
            .map_err(|_| D::Error::custom(format_args!("expected an integer, found {wide}")))
    }
}

impl From<Int> for i64 {
    fn from(value: Int) -> i64 {
        value.0
    }
}

/// A list that may be `null` or absent, as a map value: read as empty.
#[derive(Debug)]
pub struct List<T>(pub Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        vec_or_null(d).map(List)
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[test]
    fn integers_decode_from_numbers_and_numeric_strings() {
        let read = |json: &str| serde_json::from_str::<super::LenientInt<i64>>(json).map(|v| v.0);
        assert_eq!(read("123").unwrap(), Some(123));
        assert_eq!(read(r#"" 123 ""#).unwrap(), Some(123));
        assert_eq!(read("null").unwrap(), None);
        assert!(read(r#""12a""#).is_err());
        assert!(read("1.5").is_err());
        let small = serde_json::from_str::<super::LenientInt<i32>>("4294967296");
        assert!(small.is_err(), "out of range for i32");
        let unsigned =
            |json: &str| serde_json::from_str::<super::LenientInt<u64>>(json).map(|v| v.0);
        assert_eq!(unsigned("18446744073709551615").unwrap(), Some(u64::MAX));
        assert_eq!(
            unsigned(r#""18446744073709551615""#).unwrap(),
            Some(u64::MAX)
        );
        assert!(unsigned("-1").is_err(), "negative for u64");
        let u32_max = serde_json::from_str::<super::LenientInt<u32>>("4294967295");
        assert_eq!(u32_max.unwrap().0, Some(u32::MAX));
        assert_eq!(
            serde_json::from_str::<super::Int>(r#""-7""#).unwrap(),
            super::Int(-7)
        );
    }

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

    #[derive(Deserialize, serde::Serialize)]
    struct Loose {
        #[serde(
            default,
            with = "super::lenient_string",
            skip_serializing_if = "Option::is_none"
        )]
        t: Option<String>,
        #[serde(default)]
        p: Option<super::Decimal>,
    }

    #[test]
    fn lenient_strings_and_decimals_accept_both_spellings() {
        let l: Loose = serde_json::from_str(r#"{"t":1700000000,"p":"99.50"}"#).unwrap();
        assert_eq!(l.t.as_deref(), Some("1700000000"));
        assert_eq!(l.p, Some(super::Decimal(99.5)));
        let l: Loose = serde_json::from_str(r#"{"t":"2020-01-01","p":211200}"#).unwrap();
        assert_eq!(l.t.as_deref(), Some("2020-01-01"));
        assert_eq!(l.p.map(super::Decimal::get), Some(211200.0));
        let l: Loose = serde_json::from_str(r#"{"t":{"x":1}}"#).unwrap();
        assert_eq!(l.t, None);
        let out = serde_json::to_string(&Loose {
            t: None,
            p: Some(super::Decimal(100.0)),
        })
        .unwrap();
        assert_eq!(out, r#"{"p":100}"#);
        let out = serde_json::to_string(&Loose {
            t: Some("x".into()),
            p: Some(super::Decimal(19.99)),
        })
        .unwrap();
        assert_eq!(out, r#"{"t":"x","p":19.99}"#);
    }
}
