//! Declarative macros the generated crates expand: what is the same for every enum, request builder
//! and operation lives here once, so the generated code states only what differs (names, values,
//! titles, docs). Not meant to be called by hand.

/// The impls of a generated integer enum (declared with an `Unknown(i64)` variant and `Copy`): `ALL`,
/// `value`, `from_value`, `title`, `is_known`, `Default` (the first value), conversions from and to
/// `i64`, `Serialize` (the number) and `Deserialize` (from a number or a numeric string), `Display`
/// and [`Given`](crate::validate::Given). Hand-written serde impls: serde's derive costs more to
/// compile, once per enum.
#[macro_export]
macro_rules! int_enum {
    ($name:ident { $( $variant:ident = $value:literal => $title:literal ),+ $(,)? }) => {
        impl $name {
            /// Every documented value.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The wire value.
            pub const fn value(self) -> i64 {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Unknown(value) => value,
                }
            }

            /// The variant for a wire value (`Unknown` when undocumented).
            pub const fn from_value(value: i64) -> Self {
                match value {
                    $($value => Self::$variant,)+
                    other => Self::Unknown(other),
                }
            }

            /// The official Chinese title, for documented values.
            pub const fn title(self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => Some($title),)+
                    Self::Unknown(_) => None,
                }
            }

            /// Whether the spec documents this value.
            pub const fn is_known(self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        /// The first documented value.
        impl Default for $name {
            fn default() -> Self {
                Self::ALL[0]
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                Self::from_value(value)
            }
        }

        /// Decoding reads a number or a numeric string.
        impl From<$crate::wire::Int> for $name {
            fn from(value: $crate::wire::Int) -> Self {
                Self::from_value(value.0)
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> Self {
                value.value()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_i64(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$crate::wire::Int as ::serde::Deserialize>::deserialize(d).map(Self::from)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl $crate::validate::Given for $name {}
    };
}

/// The impls of a generated string enum (declared with an `Unknown(String)` variant); see
/// [`int_enum!`]. It is written and read as its wire string.
#[macro_export]
macro_rules! str_enum {
    ($name:ident { $( $variant:ident = $value:literal => $title:literal ),+ $(,)? }) => {
        impl $name {
            /// Every documented value.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The wire value.
            pub fn value(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Unknown(value) => value,
                }
            }

            /// The official Chinese title, for documented values.
            pub fn title(&self) -> Option<&'static str> {
                match self {
                    $(Self::$variant => Some($title),)+
                    Self::Unknown(_) => None,
                }
            }

            /// Whether the spec documents this value.
            pub fn is_known(&self) -> bool {
                !matches!(self, Self::Unknown(_))
            }
        }

        /// The first documented value.
        impl Default for $name {
            fn default() -> Self {
                Self::ALL[0].clone()
            }
        }

        impl From<String> for $name {
            fn from(value: String) -> Self {
                match value.as_str() {
                    $($value => Self::$variant,)+
                    _ => Self::Unknown(value),
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.value().to_owned()
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.value())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(d).map(Self::from)
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.value())
            }
        }

        impl $crate::validate::Given for $name {}
    };
}

/// The [`FromFields`](crate::wire::FromFields) and `Deserialize` impls of a generated object, from a
/// table: `"wire" | "alias" => field: how` (or `field: how` when the wire name is the field's
/// name and has no alias), where `how` says how the value is read (`value`, `int`
/// for numbers or numeric strings, `flag` for 0/1, `list` for a list that may be `null`, `text` for a
/// string that may arrive as any scalar) and `@n` marks guaranteed field number `n`, whose wire name
/// is the n-th of the bracketed list.
///
/// With a leading `serialize` it also implements `Serialize` when the calling crate's `serialize`
/// feature is on (responses and response-only types need it only for the CLI), with a leading
/// `encode` always (the types a request can contain): each field under its first wire name; an
/// optional field only when set, a list only when not empty, a flag as 0/1.
#[macro_export]
macro_rules! from_fields {
    (serialize $name:ident [$($guaranteed:literal),*] { $($rows:tt)* }) => {
        $crate::from_fields!($name [$($guaranteed),*] { $($rows)* });
        #[cfg(feature = "serialize")]
        $crate::from_fields!(@serialize $name { $($rows)* });
    };
    (encode $name:ident [$($guaranteed:literal),*] { $($rows:tt)* }) => {
        $crate::from_fields!($name [$($guaranteed),*] { $($rows)* });
        $crate::from_fields!(@serialize $name { $($rows)* });
    };
    (@serialize $name:ident {
        $( $($key:literal)|* $(=>)? $field:ident : $how:ident $(@ $slot:literal)? ),* $(,)?
    }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut w = $crate::wire::Writer::new(s)?;
                $( $crate::from_fields!(
                    @write w $crate::from_fields!(@first $field [$($key)|*]), self.$field, $how $($slot)?
                ); )*
                w.end()
            }
        }
    };
    (@write $w:ident $k:expr, $v:expr, flag $slot:literal) => { $w.flag($k, $v) };
    (@write $w:ident $k:expr, $v:expr, $how:ident $slot:literal) => { $w.value($k, &$v) };
    (@write $w:ident $k:expr, $v:expr, flag) => { $w.some_flag($k, $v) };
    (@write $w:ident $k:expr, $v:expr, list) => { $w.list($k, &$v) };
    (@write $w:ident $k:expr, $v:expr, $how:ident) => { $w.some($k, &$v) };
    // A row's wire name (the first one) and the pattern of all of them: the field's name when the
    // row gives none.
    (@first $field:ident []) => { stringify!($field) };
    (@first $field:ident [$key:literal $(| $alias:literal)*]) => { $key };
    (@keys $field:ident []) => { stringify!($field) };
    (@keys $field:ident [$($key:literal)|+]) => { $($key)|+ };
    ($name:ident [$($guaranteed:literal),*] {}) => {
        impl $crate::wire::FromFields for $name {
            const NAME: &'static str = stringify!($name);

            fn field<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                _key: &str,
                _map: &mut A,
                _read: &mut $crate::wire::Reader,
            ) -> Result<bool, A::Error> {
                Ok(false)
            }
        }
        $crate::deserialize_objects!($name);
    };
    ($name:ident [$($guaranteed:literal),*] {
        $( $($key:literal)|* $(=>)? $field:ident : $how:ident $(@ $slot:literal)? ),+ $(,)?
    }) => {
        impl $crate::wire::FromFields for $name {
            const NAME: &'static str = stringify!($name);
            const GUARANTEED: &'static [&'static str] = &[$($guaranteed),*];

            fn field<'de, A: ::serde::de::MapAccess<'de>>(
                &mut self,
                key: &str,
                map: &mut A,
                read: &mut $crate::wire::Reader,
            ) -> Result<bool, A::Error> {
                let done = match key {
                    $(
                        $crate::from_fields!(@keys $field [$($key)|*]) =>
                            $crate::from_fields!(@read read map self.$field, $how $($slot)?),
                    )+
                    _ => return Ok(false),
                };
                done.and(Ok(true))
            }
        }
        $crate::deserialize_objects!($name);
    };
    (@read $r:ident $m:ident $v:expr, value $slot:literal) => { $r.value_at($m, $slot, &mut $v) };
    (@read $r:ident $m:ident $v:expr, int $slot:literal) => { $r.int_at($m, $slot, &mut $v) };
    (@read $r:ident $m:ident $v:expr, flag $slot:literal) => { $r.flag_at($m, $slot, &mut $v) };
    (@read $r:ident $m:ident $v:expr, list $slot:literal) => { $r.list_at($m, $slot, &mut $v) };
    (@read $r:ident $m:ident $v:expr, text $slot:literal) => { $r.text_at($m, $slot, &mut $v) };
    // `value`, `int`, `flag`, `list`, `text`: the `Reader` method of the same name.
    (@read $r:ident $m:ident $v:expr, $how:ident) => { $r.$how($m, &mut $v) };
}

/// The `Serialize` impl of a generated request, from a table: `"wire" => field: how` (or
/// `field: how` when the wire name is the field's name), one row per body field in declaration
/// order (fields sent in the query string have no row), where `how` is `value` (always written),
/// `some` (an `Option`, written when set), `list` (written when not empty), `flag` / `some_flag` (a
/// `bool` / `Option<bool>` written as 0/1) or `flatten` (a union whose keys sit next to the other
/// fields; its wire name is only documentation). It writes the
/// same JSON as serde's derive with the matching field attributes would, for far less compile time.
#[macro_export]
macro_rules! encode_fields {
    ($name:ident { $( $($key:literal =>)? $field:ident : $how:ident ),* $(,)? }) => {
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut w = $crate::wire::Writer::new(s)?;
                $( $crate::encode_fields!(
                    @write w $crate::from_fields!(@first $field [$($key)?]), self.$field, $how
                ); )*
                w.end()
            }
        }
    };
    (@write $w:ident $k:expr, $v:expr, value) => { $w.value($k, &$v) };
    (@write $w:ident $k:expr, $v:expr, some) => { $w.some($k, &$v) };
    (@write $w:ident $k:expr, $v:expr, list) => { $w.list($k, &$v) };
    (@write $w:ident $k:expr, $v:expr, flag) => { $w.flag($k, $v) };
    (@write $w:ident $k:expr, $v:expr, some_flag) => { $w.some_flag($k, $v) };
    (@write $w:ident $k:expr, $v:expr, flatten) => { $w.flatten(&$v) };
}
