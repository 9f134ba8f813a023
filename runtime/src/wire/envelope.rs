//! An answer's errcode envelope and its typed fields, read in one pass over the body.

use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::{warn_missing, warn_wrong_type, FromFields, Key, LenientInt, LenientString, Reader};

/// The top-level object of an answer: `errcode` and `errmsg` (a missing errcode means 0), and the
/// fields of `T`. Once a non-zero errcode is read, the remaining fields are skipped, and no warning is
/// logged about `T`'s guaranteed fields: an error answer does not carry them.
#[derive(Debug)]
pub(crate) struct Enveloped<T> {
    pub(crate) errcode: i64,
    pub(crate) errmsg: Option<String>,
    pub(crate) value: T,
}

impl<'de, T: FromFields> Deserialize<'de> for Enveloped<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(EnvelopedVisitor(std::marker::PhantomData))
    }
}

struct EnvelopedVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: FromFields> Visitor<'de> for EnvelopedVisitor<T> {
    type Value = Enveloped<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "an answer object (errcode, errmsg and the `{}` fields)",
            T::NAME
        )
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut value = T::default();
        let mut read = Reader::for_this_pass();
        let (mut errcode, mut errmsg) = (0, None);
        // Held back until the errcode is known: an error answer's odd fields are not worth a warning.
        let mut wrong_types = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            match key.as_str() {
                "errcode" => errcode = map.next_value::<LenientInt<i64>>()?.0.unwrap_or(0),
                "errmsg" => errmsg = map.next_value::<LenientString>()?.0,
                _ if errcode != 0 => {
                    map.next_value::<IgnoredAny>()?;
                }
                name => {
                    if let Some(error) = read.field(&mut value, name, &mut map)? {
                        wrong_types.push((key, error));
                    }
                }
            }
        }
        if errcode == 0 {
            for (key, error) in &wrong_types {
                warn_wrong_type::<T>(key.as_str(), error);
            }
            warn_missing::<T>(&read);
        }
        Ok(Enveloped {
            errcode,
            errmsg,
            value,
        })
    }
}
