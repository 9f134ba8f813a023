//! What the generated CLI crate describes: products, domains, operations and their fields, as static
//! data taken from the spec, and for each operation the typed functions that decode, validate and send
//! its request ([`Runner`]).

use wxlive_runtime::mock::MockConfig;

use crate::runner::Runner;

/// One product (API family): a subcommand of `wxlive`.
#[derive(Debug)]
pub struct Product {
    /// Subcommand and spec name (`wecom`).
    pub name: &'static str,
    /// Official title (`企业微信服务端API`).
    pub title: &'static str,
    /// English one-liner.
    pub summary: &'static str,
    /// The runtime description of the product (host, token endpoints, errcodes).
    pub meta: &'static wxlive_runtime::meta::Product,
    /// The in-process mock server's configuration (`wxlive::<product>::mock_config`).
    pub mock: fn() -> MockConfig,
    /// How the product calls its id, for config files (`corp_id`, `appid`).
    pub id_name: &'static str,
    /// The id's official title (`企业ID`).
    pub id_title: &'static str,
    /// Environment variable with the id (`WECOM_CORP_ID`).
    pub id_env: &'static str,
    /// Environment variable with the secret (`WECOM_SECRET`).
    pub secret_env: &'static str,
    /// Environment variable with another base URL (`WECOM_BASE_URL`).
    pub base_url_env: &'static str,
    /// Its domains.
    pub domains: &'static [&'static Domain],
}

/// One domain (chapter) of a product: a subcommand of the product's.
#[derive(Debug)]
pub struct Domain {
    /// Subcommand and spec name (`living`).
    pub name: &'static str,
    /// Official title (`直播`).
    pub title: &'static str,
    /// English one-liner.
    pub summary: &'static str,
    /// Its operations.
    pub ops: &'static [Op],
}

/// One operation: a subcommand of its domain's, with an option per request field.
#[derive(Debug)]
pub struct Op {
    /// Spec name (`get_user_all_livingid`), accepted as an alias of the subcommand.
    pub name: &'static str,
    /// The subcommand (`get-user-all-livingid`).
    pub command: &'static str,
    /// Official title (`创建预约直播`).
    pub title: &'static str,
    /// English one-liner.
    pub summary: &'static str,
    /// `POST /cgi-bin/living/create`.
    pub http: &'static str,
    /// Official documentation page.
    pub doc_url: &'static str,
    /// Whether sending it twice has the effect of once.
    pub idempotent: bool,
    /// The request fields (query and body), in spec order.
    pub fields: &'static [Field],
    /// Request fields the spec fixes (sent automatically; wire names).
    pub constants: &'static [&'static str],
    /// The typed functions behind it.
    pub runner: Runner,
}

/// One request field: an option.
#[derive(Debug)]
pub struct Field {
    /// Wire name (`anchor_userid`, `roomId`): the key in `--json`.
    pub wire: &'static str,
    /// Option name without dashes (`anchor-userid`, `room-id`).
    pub flag: &'static str,
    /// How a value of the option becomes JSON.
    pub kind: Kind,
    /// The type as the spec writes it, with the fields of an object (`ActivityDetail {description:
    /// string, image_list: string[]}`).
    pub shape: &'static str,
    /// Whether the request must have it (given as this option or in `--json`).
    pub required: bool,
    /// Description.
    pub doc: &'static str,
    /// Its constraints, one sentence each, with their level and source.
    pub rules: &'static [&'static str],
    /// What the server assumes when it is left out.
    pub default: Option<&'static str>,
    /// Whether the spec treats it as a time (a time-relative rule, or "Unix seconds" in its doc): its
    /// help says so. Every integer option reads times either way.
    pub time: bool,
    /// The values of an enum field.
    pub values: &'static [EnumValue],
    /// A tagged union whose keys sit next to the other fields: its option takes a JSON object that
    /// is merged into the body, and `--json` may carry its keys (the tag and the case's payload).
    pub flatten: bool,
}

/// How an option's text becomes a JSON value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string, taken as it is.
    Str,
    /// A 32-bit integer; also a time (`now`, `+1h`, RFC 3339).
    I32,
    /// A 64-bit integer; also a time.
    I64,
    /// An unsigned 32-bit integer (0 to 4294967295); also a time.
    U32,
    /// An unsigned 64-bit integer; also a time.
    U64,
    /// A decimal number.
    Decimal,
    /// `true` / `false` (also `1` / `0`, `yes` / `no`).
    Bool,
    /// A 0/1 integer on the wire, given like a bool.
    Flag,
    /// An integer enum: its wire value or its name.
    IntEnum,
    /// A string enum: its wire value or its name.
    StrEnum,
    /// A JSON object.
    Object,
    /// A list: one item per occurrence of the option, or the whole list as a JSON array.
    List(&'static Kind),
}

/// One value of an enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumValue {
    /// Wire value (`4`, `"open"`), as text.
    pub wire: &'static str,
    /// Rust name (`Activity`), accepted too (any case).
    pub name: &'static str,
    /// Official title (`活动直播`).
    pub title: &'static str,
    /// Description.
    pub doc: &'static str,
}

impl Op {
    /// The field with wire name `wire`.
    pub fn field(&self, wire: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.wire == wire)
    }
}

impl EnumValue {
    /// A value: wire value as text, Rust name, official title, description.
    pub const fn new(
        wire: &'static str,
        name: &'static str,
        title: &'static str,
        doc: &'static str,
    ) -> Self {
        EnumValue {
            wire,
            name,
            title,
            doc,
        }
    }
}

impl Field {
    /// An optional field without rules, default or enum values; the methods below add them.
    pub const fn new(
        wire: &'static str,
        flag: &'static str,
        kind: Kind,
        shape: &'static str,
        doc: &'static str,
    ) -> Self {
        Field {
            wire,
            flag,
            kind,
            shape,
            required: false,
            doc,
            rules: &[],
            default: None,
            time: false,
            values: &[],
            flatten: false,
        }
    }

    /// Marks it required.
    pub const fn required(self) -> Self {
        Field {
            required: true,
            ..self
        }
    }

    /// Its constraints, one sentence each.
    pub const fn rules(self, rules: &'static [&'static str]) -> Self {
        Field { rules, ..self }
    }

    /// What the server assumes when it is left out.
    pub const fn server_default(self, value: &'static str) -> Self {
        Field {
            default: Some(value),
            ..self
        }
    }

    /// Marks it a time.
    pub const fn time(self) -> Self {
        Field { time: true, ..self }
    }

    /// The values of an enum field.
    pub const fn values(self, values: &'static [EnumValue]) -> Self {
        Field { values, ..self }
    }

    /// Marks it a flattened union.
    pub const fn flatten(self) -> Self {
        Field {
            flatten: true,
            ..self
        }
    }

    /// `--anchor-userid`.
    pub fn option(&self) -> String {
        format!("--{}", self.flag)
    }
}
