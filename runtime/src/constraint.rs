//! The constraint vocabulary: every kind of field constraint the spec format knows, defined once.
//!
//! For each kind this module says its spec key, the field kinds it applies to, its rustdoc sentence, its
//! rule text and violation message, and how it checks a value. A value is seen through a [`Subject`]:
//! typed values give theirs through [`Measure`], JSON values through [`Subject::from_json`], so a
//! generated `validate()`, the mock server and the code generator's example checker run the very same
//! check. The loader, the linter, the JSON Schema of the format and the emitters read [`KINDS`] and the
//! methods of [`Check`]; none of them lists the kinds again.
//!
//! Adding a kind: a variant of [`Check`], its row in [`KINDS`] and its arms below (the compiler points
//! at each `match`), plus fixture synthesis in the generator when the kind restricts what a made-up
//! value may look like.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, OnceLock};

use serde::Deserialize;

/// How binding a rule is: the spec names where each rule comes from, and that decides what a client
/// does with a broken one (see [`crate::validate::Profile`]). The client never rejects by default what
/// the official server accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// An official page states it: enforced by default.
    #[default]
    Official,
    /// A product's policy (a component or platform built on the API): enforced by the strict profile.
    Product,
    /// The docs recommend it: reported as a warning, never an error.
    Advice,
}

impl Level {
    /// Every level, as the spec spells it.
    pub const ALL: [(Level, &'static str); 3] = [
        (Level::Official, "official"),
        (Level::Product, "product"),
        (Level::Advice, "advice"),
    ];

    /// As the spec spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Official => "official",
            Level::Product => "product",
            Level::Advice => "advice",
        }
    }

    /// How rustdoc introduces a rule of this level (nothing for official rules).
    pub fn doc_prefix(self) -> &'static str {
        match self {
            Level::Official => "",
            Level::Product => "Product rule (enforced by the strict profile only): ",
            Level::Advice => "Advice (reported as a warning, never an error): ",
        }
    }
}

/// The kinds of field the spec format has, as far as constraints care.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldKind {
    /// `string`.
    String,
    /// `i32`.
    I32,
    /// `i64` (also Unix timestamps).
    I64,
    /// `u32`: an unsigned 32-bit integer.
    U32,
    /// `u64`: an unsigned 64-bit integer.
    U64,
    /// `decimal`: a JSON number that may have a fraction.
    Decimal,
    /// `bool`.
    Bool,
    /// `flag`: 0/1 read as a boolean.
    Flag,
    /// An enum with integer wire values.
    IntEnum,
    /// An enum with string wire values.
    StrEnum,
    /// A declared object type.
    Object,
    /// `T[]`.
    List,
}

/// Which field kinds a group of constraint kinds applies to, and how a diagnostic names them.
#[derive(Debug)]
pub struct Applies {
    /// `string`, `integer`, `list`, `i64 timestamp`, `decimal`.
    pub label: &'static str,
    /// The field kinds.
    pub kinds: &'static [FieldKind],
}

impl FieldKind {
    /// The smallest and the largest value of an integer kind (`None` for other kinds and enums): the
    /// linter rejects `min`/`max` outside it.
    pub fn integer_range(self) -> Option<(i128, i128)> {
        match self {
            FieldKind::I32 => Some((i32::MIN.into(), i32::MAX.into())),
            FieldKind::I64 => Some((i64::MIN.into(), i64::MAX.into())),
            FieldKind::U32 => Some((0, u32::MAX.into())),
            FieldKind::U64 => Some((0, u64::MAX.into())),
            _ => None,
        }
    }
}

const TEXT: Applies = Applies {
    label: "string",
    kinds: &[FieldKind::String],
};
const INTEGER: Applies = Applies {
    label: "integer",
    // Integer enums count as integers: `min`/`max` then restrict the documented values a request may use.
    kinds: &[
        FieldKind::I32,
        FieldKind::I64,
        FieldKind::U32,
        FieldKind::U64,
        FieldKind::IntEnum,
    ],
};
const LIST: Applies = Applies {
    label: "list",
    kinds: &[FieldKind::List],
};
const TIMESTAMP: Applies = Applies {
    label: "i64 timestamp",
    kinds: &[FieldKind::I64],
};
const DECIMAL: Applies = Applies {
    label: "decimal",
    kinds: &[FieldKind::Decimal],
};

/// The type of a constraint's parameter in the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// A non-negative count (`max_chars: 20`).
    Count,
    /// A signed integer (`min: -1`).
    Integer,
    /// A number of digits (`max_decimals: 2`).
    Digits,
    /// `true` turns the rule on (`future: true`); `false` leaves it off.
    Enabled,
    /// A regular expression (`pattern: "^[0-9]+$"`).
    Regex,
}

/// A parameter as read from the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Param {
    /// [`ParamType::Count`].
    Count(u64),
    /// [`ParamType::Integer`].
    Integer(i64),
    /// [`ParamType::Digits`].
    Digits(u32),
    /// [`ParamType::Enabled`].
    Enabled(bool),
    /// [`ParamType::Regex`].
    Regex(String),
}

/// Which end of a range a bound is, for the `min_* <= max_*` lint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// A lower bound (`min`, `min_chars`).
    Lower,
    /// An upper bound (`max`, `max_chars`).
    Upper,
}

/// What the spec format says about one constraint kind.
#[derive(Debug)]
pub struct KindInfo {
    /// The key in a spec field (`max_chars`).
    pub key: &'static str,
    /// Its parameter.
    pub param: ParamType,
    /// What the key means, for the JSON Schema of the format and editors.
    pub spec_doc: &'static str,
    /// The field kinds it applies to.
    pub applies: &'static Applies,
    /// The range it bounds, when it is one end of one: the range's name and the end.
    pub bounds: Option<(&'static str, End)>,
}

impl KindInfo {
    /// Whether the kind applies to a field of `kind`.
    pub fn applies_to(&self, kind: FieldKind) -> bool {
        self.applies.kinds.contains(&kind)
    }
}

/// Every constraint kind, in the order the spec format documents them.
pub static KINDS: &[KindInfo] = &[
    KindInfo {
        key: "max_chars",
        param: ParamType::Count,
        spec_doc: "At most this many characters (Unicode scalar values).",
        applies: &TEXT,
        bounds: Some(("chars", End::Upper)),
    },
    KindInfo {
        key: "min_chars",
        param: ParamType::Count,
        spec_doc: "At least this many characters.",
        applies: &TEXT,
        bounds: Some(("chars", End::Lower)),
    },
    KindInfo {
        key: "max_bytes",
        param: ParamType::Count,
        spec_doc: "At most this many UTF-8 bytes.",
        applies: &TEXT,
        bounds: None,
    },
    KindInfo {
        key: "min",
        param: ParamType::Integer,
        spec_doc: "Smallest allowed value.",
        applies: &INTEGER,
        bounds: Some(("value", End::Lower)),
    },
    KindInfo {
        key: "max",
        param: ParamType::Integer,
        spec_doc: "Largest allowed value.",
        applies: &INTEGER,
        bounds: Some(("value", End::Upper)),
    },
    KindInfo {
        key: "max_items",
        param: ParamType::Count,
        spec_doc: "At most this many items.",
        applies: &LIST,
        bounds: Some(("items", End::Upper)),
    },
    KindInfo {
        key: "min_items",
        param: ParamType::Count,
        spec_doc: "At least this many items.",
        applies: &LIST,
        bounds: Some(("items", End::Lower)),
    },
    KindInfo {
        key: "future",
        param: ParamType::Enabled,
        spec_doc: "A Unix timestamp that must be after now.",
        applies: &TIMESTAMP,
        bounds: None,
    },
    KindInfo {
        key: "max_width",
        param: ParamType::Count,
        spec_doc:
            "At most this display width: a wide (CJK, full-width) character counts 2, any other 1.",
        applies: &TEXT,
        bounds: Some(("width", End::Upper)),
    },
    KindInfo {
        key: "min_width",
        param: ParamType::Count,
        spec_doc: "At least this display width (see `max_width`).",
        applies: &TEXT,
        bounds: Some(("width", End::Lower)),
    },
    KindInfo {
        key: "min_from_now",
        param: ParamType::Integer,
        spec_doc: "A Unix timestamp at least this many seconds after now.",
        applies: &TIMESTAMP,
        bounds: Some(("from_now", End::Lower)),
    },
    KindInfo {
        key: "max_from_now",
        param: ParamType::Integer,
        spec_doc: "A Unix timestamp at most this many seconds after now.",
        applies: &TIMESTAMP,
        bounds: Some(("from_now", End::Upper)),
    },
    KindInfo {
        key: "max_decimals",
        param: ParamType::Digits,
        spec_doc: "A `decimal` with at most this many digits after the decimal point.",
        applies: &DECIMAL,
        bounds: None,
    },
    KindInfo {
        key: "pattern",
        param: ParamType::Regex,
        spec_doc:
            "A regular expression the string must match (anchor it with `^…$` to match the whole \
                   value; syntax of the `regex-lite` crate).",
        applies: &TEXT,
        bounds: None,
    },
];

/// One constraint: a kind with its parameter. `S` is the text type of parameters (`&'static str` in
/// generated code, `String` in the code generator).
///
/// `Debug` prints the Rust expression that builds the value (`MaxChars(20)`, `Pattern("^a$")`): the
/// generator emits it verbatim.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Check<S = &'static str> {
    /// At most n characters (Unicode scalar values).
    MaxChars(u64),
    /// At least n characters.
    MinChars(u64),
    /// At most n UTF-8 bytes.
    MaxBytes(u64),
    /// At least n.
    Min(i64),
    /// At most n.
    Max(i64),
    /// At most n items.
    MaxItems(u64),
    /// At least n items.
    MinItems(u64),
    /// A Unix timestamp after now.
    Future,
    /// At most this display width (a wide character counts 2).
    MaxWidth(u64),
    /// At least this display width.
    MinWidth(u64),
    /// A Unix timestamp at least n seconds after now.
    MinFromNow(i64),
    /// A Unix timestamp at most n seconds after now.
    MaxFromNow(i64),
    /// At most n digits after the decimal point.
    MaxDecimals(u32),
    /// Matches a regular expression.
    Pattern(S),
}

impl<S> Check<S> {
    /// This check as an official rule, with where it comes from, when known.
    pub const fn source(self, source: Option<S>) -> Constraint<S> {
        self.rule(Level::Official, source)
    }

    /// This check as an official rule stated by `source` (what generated code writes:
    /// `Check::MaxChars(20).cited("96837")`).
    pub const fn cited(self, source: S) -> Constraint<S> {
        self.rule(Level::Official, Some(source))
    }

    /// This check as a product rule (enforced by the strict profile only).
    pub const fn product(self, source: Option<S>) -> Constraint<S> {
        self.rule(Level::Product, source)
    }

    /// This check as advice (a warning, never an error).
    pub const fn advice(self, source: Option<S>) -> Constraint<S> {
        self.rule(Level::Advice, source)
    }

    /// This check at `level`, with where it comes from.
    pub const fn rule(self, level: Level, source: Option<S>) -> Constraint<S> {
        Constraint {
            check: self,
            source,
            level,
        }
    }
}

impl<S: AsRef<str>> Check<S> {
    /// The kind's entry in [`KINDS`].
    pub fn info(&self) -> &'static KindInfo {
        let key = match self {
            Check::MaxChars(_) => "max_chars",
            Check::MinChars(_) => "min_chars",
            Check::MaxBytes(_) => "max_bytes",
            Check::Min(_) => "min",
            Check::Max(_) => "max",
            Check::MaxItems(_) => "max_items",
            Check::MinItems(_) => "min_items",
            Check::Future => "future",
            Check::MaxWidth(_) => "max_width",
            Check::MinWidth(_) => "min_width",
            Check::MinFromNow(_) => "min_from_now",
            Check::MaxFromNow(_) => "max_from_now",
            Check::MaxDecimals(_) => "max_decimals",
            Check::Pattern(_) => "pattern",
        };
        // Every key above is a row of KINDS (a unit test checks it); the first row keeps this total.
        KINDS.iter().find(|k| k.key == key).unwrap_or(&KINDS[0])
    }

    /// The spec key (`max_chars`).
    pub fn key(&self) -> &'static str {
        self.info().key
    }

    /// The numeric parameter of a range bound, for the `min_* <= max_*` lint.
    pub fn bound_value(&self) -> Option<i64> {
        match self {
            Check::MaxChars(n)
            | Check::MinChars(n)
            | Check::MaxItems(n)
            | Check::MinItems(n)
            | Check::MaxWidth(n)
            | Check::MinWidth(n) => Some(i64::try_from(*n).unwrap_or(i64::MAX)),
            Check::Min(n) | Check::Max(n) | Check::MinFromNow(n) | Check::MaxFromNow(n) => Some(*n),
            _ => None,
        }
    }

    /// Whether the check depends on the current time (skipped by a timeless validator).
    pub fn is_time_relative(&self) -> bool {
        matches!(
            self,
            Check::Future | Check::MinFromNow(_) | Check::MaxFromNow(_)
        )
    }

    /// The rustdoc sentence of a field with this constraint.
    pub fn describe(&self) -> String {
        match self {
            Check::MaxChars(n) => {
                format!("At most {n} characters (a Chinese character counts one).")
            }
            Check::MinChars(n) => format!("At least {n} characters."),
            Check::MaxBytes(n) => {
                format!("At most {n} bytes of UTF-8 (a Chinese character usually counts three).")
            }
            Check::Min(n) => format!("At least {n}."),
            Check::Max(n) => format!("At most {n}."),
            Check::MaxItems(n) => format!("At most {n} items."),
            Check::MinItems(n) => format!("At least {n} items."),
            Check::Future => "Must be later than now (Unix seconds).".into(),
            Check::MaxWidth(n) => format!(
                "At most width {n}, where a Chinese (wide or full-width) character counts 2 and any other 1."
            ),
            Check::MinWidth(n) => format!(
                "At least width {n}, where a Chinese (wide or full-width) character counts 2 and any other 1."
            ),
            Check::MinFromNow(n) => format!("At least now + {n} s (Unix seconds)."),
            Check::MaxFromNow(n) => format!("At most now + {n} s (Unix seconds)."),
            Check::MaxDecimals(n) => format!("At most {n} digits after the decimal point."),
            Check::Pattern(p) => format!("Matches the regular expression `{}`.", p.as_ref()),
        }
    }

    /// A problem with the parameter itself (an invalid regular expression), for the linter.
    pub fn parameter_problem(&self) -> Option<String> {
        match self {
            Check::Pattern(p) => regex_lite::Regex::new(p.as_ref())
                .err()
                .map(|e| format!("`{}` is not a valid regular expression: {e}", p.as_ref())),
            _ => None,
        }
    }

    /// What is wrong with `subject` under this constraint, or `None` when it holds (or does not apply
    /// to this kind of value). `now` is the current Unix time; `None` skips time-relative checks.
    pub fn violation(&self, subject: Subject<'_>, now: Option<i64>) -> Option<String> {
        match (self, subject) {
            (Check::MaxChars(max), Subject::Text(s)) => {
                let n = s.chars().count() as u64;
                (n > *max).then(|| format!("{n} characters, at most {max} allowed"))
            }
            (Check::MinChars(min), Subject::Text(s)) => {
                let n = s.chars().count() as u64;
                (n < *min).then(|| format!("{n} characters, at least {min} required"))
            }
            (Check::MaxBytes(max), Subject::Text(s)) => {
                let n = s.len() as u64;
                (n > *max).then(|| format!("{n} bytes in UTF-8, at most {max} allowed"))
            }
            (Check::Min(min), Subject::Integer(value)) => {
                (value < *min).then(|| format!("{value} is below {min}"))
            }
            (Check::Max(max), Subject::Integer(value)) => {
                (value > *max).then(|| format!("{value} is above {max}"))
            }
            (Check::MaxItems(max), Subject::Items(n)) => {
                (n as u64 > *max).then(|| format!("{n} items, at most {max} allowed"))
            }
            (Check::MinItems(min), Subject::Items(n)) => {
                ((n as u64) < *min).then(|| format!("{n} items, at least {min} required"))
            }
            (Check::Future, Subject::Integer(value)) => {
                let now = now?;
                (value <= now).then(|| format!("{value} is not after the current time {now}"))
            }
            (Check::MaxWidth(max), Subject::Text(s)) => {
                let n = display_width(s) as u64;
                (n > *max).then(|| {
                    format!("width {n} (a wide character counts 2), at most {max} allowed")
                })
            }
            (Check::MinWidth(min), Subject::Text(s)) => {
                let n = display_width(s) as u64;
                (n < *min).then(|| {
                    format!("width {n} (a wide character counts 2), at least {min} required")
                })
            }
            (Check::MinFromNow(seconds), Subject::Integer(value)) => {
                let earliest = now?.saturating_add(*seconds);
                (value < earliest)
                    .then(|| format!("{value} is before now + {seconds} s ({earliest})"))
            }
            (Check::MaxFromNow(seconds), Subject::Integer(value)) => {
                let latest = now?.saturating_add(*seconds);
                (value > latest).then(|| format!("{value} is after now + {seconds} s ({latest})"))
            }
            (Check::MaxDecimals(max), Subject::Number(value)) => match decimal_places(value) {
                Some(n) if n <= *max => None,
                Some(n) => Some(format!(
                    "{value} has {n} decimal places, at most {max} allowed"
                )),
                None => Some(format!("{value} is not a finite number")),
            },
            (Check::MaxDecimals(_), Subject::Integer(_)) => None,
            (Check::Pattern(pattern), Subject::Text(s)) => match matches(pattern.as_ref(), s) {
                Some(true) => None,
                Some(false) => Some(format!("{s:?} does not match `{}`", pattern.as_ref())),
                None => Some(format!(
                    "`{}` is not a valid regular expression",
                    pattern.as_ref()
                )),
            },
            _ => None,
        }
    }
}

impl Check<String> {
    /// The constraint a spec key with `param` stands for: `None` for `future: false`, `Err` when the
    /// key is unknown or the parameter has the wrong type (the loader reads it by [`KindInfo::param`]).
    pub fn from_spec(key: &str, param: Param) -> Result<Option<Check<String>>, String> {
        let check = match (key, param) {
            ("max_chars", Param::Count(n)) => Check::MaxChars(n),
            ("min_chars", Param::Count(n)) => Check::MinChars(n),
            ("max_bytes", Param::Count(n)) => Check::MaxBytes(n),
            ("min", Param::Integer(n)) => Check::Min(n),
            ("max", Param::Integer(n)) => Check::Max(n),
            ("max_items", Param::Count(n)) => Check::MaxItems(n),
            ("min_items", Param::Count(n)) => Check::MinItems(n),
            ("future", Param::Enabled(on)) => return Ok(on.then_some(Check::Future)),
            ("max_width", Param::Count(n)) => Check::MaxWidth(n),
            ("min_width", Param::Count(n)) => Check::MinWidth(n),
            ("min_from_now", Param::Integer(n)) => Check::MinFromNow(n),
            ("max_from_now", Param::Integer(n)) => Check::MaxFromNow(n),
            ("max_decimals", Param::Digits(n)) => Check::MaxDecimals(n),
            ("pattern", Param::Regex(p)) => Check::Pattern(p),
            (key, param) => return Err(format!("`{key}` does not take {param:?}")),
        };
        Ok(Some(check))
    }
}

impl<S: AsRef<str>> fmt::Display for Check<S> {
    /// The rule as violations name it: `max_chars(20)`, `future`, `pattern("^a$")`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = self.key();
        match self {
            Check::Future => f.write_str(key),
            Check::Pattern(p) => write!(f, "{key}({:?})", p.as_ref()),
            Check::MaxChars(n)
            | Check::MinChars(n)
            | Check::MaxBytes(n)
            | Check::MaxItems(n)
            | Check::MinItems(n)
            | Check::MaxWidth(n)
            | Check::MinWidth(n) => write!(f, "{key}({n})"),
            Check::Min(n) | Check::Max(n) | Check::MinFromNow(n) | Check::MaxFromNow(n) => {
                write!(f, "{key}({n})")
            }
            Check::MaxDecimals(n) => write!(f, "{key}({n})"),
        }
    }
}

/// A constraint of a field with where it comes from and how binding it is.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Constraint<S = &'static str> {
    /// What is checked.
    pub check: Check<S>,
    /// An official doc id or a product's documentation, when the spec says.
    pub source: Option<S>,
    /// How binding it is.
    pub level: Level,
}

/// What a check reads from a value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Subject<'a> {
    /// A string.
    Text(&'a str),
    /// An integer (integer enums give their wire value).
    Integer(i64),
    /// A number that may have a fraction.
    Number(f64),
    /// A list, by its length.
    Items(usize),
}

impl<'a> Subject<'a> {
    /// The subject of a JSON value: strings, integers, other numbers and arrays (by length). `None` for
    /// null, booleans and objects, which no constraint reads.
    pub fn from_json(value: &'a serde_json::Value) -> Option<Subject<'a>> {
        use serde_json::Value;
        match value {
            Value::String(s) => Some(Subject::Text(s)),
            Value::Number(n) => Some(match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => Subject::Integer(i),
                (None, Some(u)) => Subject::Integer(i64::try_from(u).unwrap_or(i64::MAX)),
                _ => Subject::Number(n.as_f64().unwrap_or(f64::NAN)),
            }),
            Value::Array(items) => Some(Subject::Items(items.len())),
            _ => None,
        }
    }
}

/// A typed value constraints can read.
pub trait Measure {
    /// What checks see of it.
    fn subject(&self) -> Subject<'_>;
}

impl Measure for str {
    fn subject(&self) -> Subject<'_> {
        Subject::Text(self)
    }
}

impl Measure for String {
    fn subject(&self) -> Subject<'_> {
        Subject::Text(self)
    }
}

impl Measure for i32 {
    fn subject(&self) -> Subject<'_> {
        Subject::Integer(i64::from(*self))
    }
}

impl Measure for i64 {
    fn subject(&self) -> Subject<'_> {
        Subject::Integer(*self)
    }
}

impl Measure for u32 {
    fn subject(&self) -> Subject<'_> {
        Subject::Integer(i64::from(*self))
    }
}

impl Measure for u64 {
    fn subject(&self) -> Subject<'_> {
        Subject::Integer(i64::try_from(*self).unwrap_or(i64::MAX))
    }
}

impl Measure for crate::wire::Decimal {
    fn subject(&self) -> Subject<'_> {
        Subject::Number(self.0)
    }
}

impl<T: Measure + ?Sized> Measure for &T {
    fn subject(&self) -> Subject<'_> {
        (**self).subject()
    }
}

impl<T> Measure for Vec<T> {
    fn subject(&self) -> Subject<'_> {
        Subject::Items(self.len())
    }
}

impl<T> Measure for [T] {
    fn subject(&self) -> Subject<'_> {
        Subject::Items(self.len())
    }
}

/// Whether `text` matches `pattern`; `None` when the pattern does not compile. Compiled patterns are
/// kept for the life of the process (a spec has few).
fn matches(pattern: &str, text: &str) -> Option<bool> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<regex_lite::Regex>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let mut cache = cache
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let regex = cache
        .entry(pattern.to_owned())
        .or_insert_with(|| regex_lite::Regex::new(pattern).ok());
    regex.as_ref().map(|r| r.is_match(text))
}

/// The display width of `s`: 2 per wide character, 1 per other character.
///
/// Wide means East Asian Wide or Fullwidth in Unicode UAX #11, approximated by these ranges: Hangul Jamo
/// (U+1100–115F), CJK radicals to CJK symbols and punctuation, kana, bopomofo, Hangul compatibility
/// jamo, CJK strokes and enclosed CJK (U+2E80–U+303E, U+3041–U+33FF), CJK Unified Ideographs and
/// Extension A (U+3400–U+4DBF, U+4E00–U+9FFF), Yi (U+A000–U+A4CF), Hangul syllables (U+AC00–U+D7A3),
/// CJK compatibility ideographs (U+F900–U+FAFF), vertical forms and CJK compatibility forms
/// (U+FE10–U+FE19, U+FE30–U+FE6F), full-width forms (U+FF00–U+FF60, U+FFE0–U+FFE6), emoji
/// (U+1F300–U+1F64F, U+1F900–U+1F9FF) and the supplementary ideographic planes (U+20000–U+3FFFD).
/// Everything else (ASCII, Latin, half-width katakana, combining marks) counts 1.
pub fn display_width(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

fn is_wide(c: char) -> bool {
    matches!(
        u32::from(c),
        0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE10..=0xFE19
            | 0xFE30..=0xFE6F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x1F300..=0x1F64F
            | 0x1F900..=0x1F9FF
            | 0x20000..=0x2FFFD
            | 0x30000..=0x3FFFD
    )
}

/// Digits after the decimal point in the shortest representation that reads back as `value`;
/// `None` for NaN and infinities.
pub(crate) fn decimal_places(value: f64) -> Option<u32> {
    if !value.is_finite() {
        return None;
    }
    // `{:e}` prints the shortest round-tripping mantissa: `9.95e1`, `1e-7`, `1.2345e4`.
    let text = format!("{:e}", value.abs());
    let (mantissa, exponent) = text.split_once('e')?;
    let exponent: i64 = exponent.parse().ok()?;
    let digits = mantissa.split_once('.').map_or(0, |(_, frac)| frac.len()) as i64;
    Some(u32::try_from((digits - exponent).max(0)).unwrap_or(u32::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(param: ParamType) -> Param {
        match param {
            ParamType::Count => Param::Count(3),
            ParamType::Integer => Param::Integer(3),
            ParamType::Digits => Param::Digits(3),
            ParamType::Enabled => Param::Enabled(true),
            ParamType::Regex => Param::Regex("^a".into()),
        }
    }

    #[test]
    fn every_kind_round_trips_through_its_key() {
        for info in KINDS {
            let check = Check::from_spec(info.key, sample(info.param))
                .unwrap_or_else(|e| panic!("{e}"))
                .expect("enabled");
            assert_eq!(check.key(), info.key);
            assert!(std::ptr::eq(check.info(), info), "{}", info.key);
            assert!(!check.describe().is_empty());
            assert!(check.to_string().starts_with(info.key));
        }
        let keys: std::collections::BTreeSet<_> = KINDS.iter().map(|k| k.key).collect();
        assert_eq!(keys.len(), KINDS.len(), "keys are unique");
    }

    #[test]
    fn range_bounds_pair_up() {
        let mut ranges: HashMap<&str, Vec<End>> = HashMap::new();
        for info in KINDS {
            if let Some((range, end)) = info.bounds {
                ranges.entry(range).or_default().push(end);
            }
        }
        for (range, ends) in ranges {
            assert!(
                ends.contains(&End::Lower) && ends.contains(&End::Upper),
                "{range}"
            );
        }
    }

    #[test]
    fn typed_and_json_values_give_the_same_subject() {
        let json = serde_json::json!({"s": "直播", "i": 7, "f": 1.25, "l": [1, 2]});
        assert_eq!(
            Subject::from_json(&json["s"]),
            Some("直播".to_owned().subject())
        );
        assert_eq!(Subject::from_json(&json["i"]), Some(7i64.subject()));
        assert_eq!(
            Subject::from_json(&json["f"]),
            Some(crate::wire::Decimal(1.25).subject())
        );
        assert_eq!(Subject::from_json(&json["l"]), Some(vec![1, 2].subject()));
        assert_eq!(Subject::from_json(&serde_json::Value::Null), None);
    }

    #[test]
    fn pattern_matches_and_reports_bad_expressions() {
        let digits: Check = Check::Pattern("^[0-9]{6}$");
        assert_eq!(digits.violation(Subject::Text("123456"), None), None);
        let found = digits.violation(Subject::Text("12345a"), None).unwrap();
        assert!(found.contains("does not match"), "{found}");
        assert_eq!(digits.to_string(), "pattern(\"^[0-9]{6}$\")");
        let broken: Check<String> = Check::Pattern("(".into());
        assert!(broken.parameter_problem().is_some());
        assert!(broken.violation(Subject::Text("x"), None).is_some());
    }

    #[test]
    fn checks_ignore_subjects_they_do_not_read() {
        assert_eq!(
            Check::<&str>::MaxChars(1).violation(Subject::Integer(99), None),
            None
        );
        assert_eq!(
            Check::<&str>::Future.violation(Subject::Integer(0), None),
            None,
            "no clock, no time rule"
        );
    }
}
