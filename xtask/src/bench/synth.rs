//! Synthetic specs for the benchmarks: the same API of `n` WeCom-shaped operations, written both as
//! our YAML spec (a product directory with `product.yaml` and one domain) and as an OpenAPI 3.0 JSON
//! document, so the two generators are measured on identical input.
//!
//! Every operation is a `POST` with a 6-field JSON body (an integer enum and an array of at most 5
//! strings among them) and a 10-field response (a nested object and an array of objects among them),
//! like WeCom's living endpoints. Each operation has its own enum and object types, as inline schemas
//! would give. Both documents are built from the same field tables below.
//!
//! This file depends on `std` and `serde_json` only: the codegen crate's benchmark includes it with
//! `#[path]` to write its inputs.

use std::fmt::Write as _;
use std::io;
use std::path::Path;

use serde_json::{json, Map, Value};

/// The product name (and directory) of the synthetic YAML spec.
pub const PRODUCT: &str = "synth";
/// The domain name of the synthetic YAML spec.
pub const DOMAIN: &str = "ops";

/// The wire type of a synthetic field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Str,
    I32,
    I64,
    /// 0/1 on the wire.
    Flag,
    /// The operation's integer enum.
    Mode,
    /// The operation's nested object.
    Detail,
    /// An array of the operation's item objects.
    Items,
    /// An array of strings.
    StrArray,
}

/// A constraint on a request field.
#[derive(Debug, Clone, Copy)]
enum Limit {
    MaxChars(u64),
    Min(i64),
    MaxItems(u64),
}

/// One field of a table.
struct FieldDef {
    name: &'static str,
    kind: Kind,
    required: bool,
    limit: Option<Limit>,
    doc: &'static str,
    example: &'static str,
}

const fn field(
    name: &'static str,
    kind: Kind,
    doc: &'static str,
    example: &'static str,
) -> FieldDef {
    FieldDef {
        name,
        kind,
        required: false,
        limit: None,
        doc,
        example,
    }
}

/// The 6 request body fields.
const BODY: [FieldDef; 6] = [
    FieldDef {
        required: true,
        ..field(
            "anchor_userid",
            Kind::Str,
            "userid of the anchor.",
            "\"zhangsan\"",
        )
    },
    FieldDef {
        required: true,
        limit: Some(Limit::MaxChars(20)),
        ..field("theme", Kind::Str, "Title.", "\"theme\"")
    },
    FieldDef {
        required: true,
        ..field(
            "living_start",
            Kind::I64,
            "Start time, Unix seconds.",
            "1600000000",
        )
    },
    FieldDef {
        limit: Some(Limit::Min(60)),
        ..field("living_duration", Kind::I32, "Duration in seconds.", "3600")
    },
    field("mode", Kind::Mode, "Live type.", "3"),
    FieldDef {
        limit: Some(Limit::MaxItems(5)),
        ..field(
            "image_list",
            Kind::StrArray,
            "mediaids of the pictures.",
            "[\"M1\", \"M2\"]",
        )
    },
];

/// The 10 response fields (besides `errcode` and `errmsg`).
const RESPONSE: [FieldDef; 10] = [
    field("livingid", Kind::Str, "Live id.", "\"LIVING\""),
    field("theme", Kind::Str, "Title.", "\"theme\""),
    field(
        "living_start",
        Kind::I64,
        "Actual start time, Unix seconds.",
        "1586405229",
    ),
    field("living_duration", Kind::I32, "Duration in seconds.", "1800"),
    field("mode", Kind::Mode, "Live type.", "0"),
    field("viewer_num", Kind::I32, "Total number of viewers.", "100"),
    field("open_replay", Kind::Flag, "Whether replay is on.", "1"),
    field(
        "next_cursor",
        Kind::Str,
        "Cursor of the next page.",
        "\"NEXT\"",
    ),
    field("detail", Kind::Detail, "Details of the live.", ""),
    field("users", Kind::Items, "Members who watched.", ""),
];

/// The 4 fields of the nested object.
const DETAIL: [FieldDef; 4] = [
    field("description", Kind::Str, "Introduction.", "\"desc\""),
    field(
        "anchor_userid",
        Kind::Str,
        "userid of the anchor.",
        "\"zhangsan\"",
    ),
    field(
        "main_department",
        Kind::I32,
        "The anchor's main department id.",
        "1",
    ),
    field("online_count", Kind::I32, "Viewers online now.", "12"),
];

/// The 4 fields of an item of the array of objects.
const ITEM: [FieldDef; 4] = [
    field("userid", Kind::Str, "Member userid.", "\"userid\""),
    field("watch_time", Kind::I32, "Watch time in seconds.", "30"),
    field(
        "is_comment",
        Kind::Flag,
        "Whether the member commented.",
        "1",
    ),
    field("name", Kind::Str, "Display name.", "\"name\""),
];

/// The values of each operation's enum: (wire value, variant name, title).
const MODES: [(i64, &str, &str); 5] = [
    (0, "General", "通用直播"),
    (1, "SmallClass", "小班课"),
    (2, "LargeClass", "大班课"),
    (3, "CorporateTraining", "企业培训"),
    (4, "Activity", "活动直播"),
];

/// The snake_case name of operation `i` (`op_00042`).
pub fn op_name(i: usize) -> String {
    format!("op_{i:05}")
}

/// The UpperCamelCase prefix of operation `i`'s types (`Op00042`).
fn type_prefix(i: usize) -> String {
    format!("Op{i:05}")
}

const PRODUCT_YAML: &str = r#"# Synthetic product for benchmarks (written by `cargo xtask bench`).
product: synth
title: 合成产品
summary: Synthetic WeCom-shaped product for benchmarks.
host: https://qyapi.weixin.qq.com
doc_base: https://developer.work.weixin.qq.com/document/path/
client: SynthClient
credentials:
  id: {name: corp_id, title: 企业ID, doc: The corp id.}
  secret: {name: corp_secret, title: 应用Secret, doc: The app secret.}
auth:
  token_param: access_token
  token:
    title: 获取access_token
    doc: "91039"
    method: GET
    path: /cgi-bin/gettoken
    params: {corpid: $id, corpsecret: $secret}
    token_field: access_token
    expires_field: expires_in
errors:
  - {code: -1, name: system_busy, title: 系统繁忙, meaning: System busy, class: busy}
  - {code: 40014, name: invalid_access_token, title: 不合法的access_token, meaning: Invalid access token, class: token_invalid}
  - {code: 42001, name: access_token_expired, title: access_token已过期, meaning: Access token expired, class: token_invalid}
"#;

/// Writes the YAML spec of `ops` operations under `spec_dir` (`spec_dir/synth/product.yaml` and
/// `spec_dir/synth/ops.yaml`), creating directories as needed.
pub fn write_yaml_spec(spec_dir: &Path, ops: usize) -> io::Result<()> {
    let dir = spec_dir.join(PRODUCT);
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("product.yaml"), PRODUCT_YAML)?;
    std::fs::write(dir.join(format!("{DOMAIN}.yaml")), domain_yaml(ops))
}

/// The YAML domain file of `ops` operations.
pub fn domain_yaml(ops: usize) -> String {
    let mut y = String::with_capacity(4096 * ops + 256);
    y.push_str("# Synthetic domain for benchmarks (written by `cargo xtask bench`).\n");
    y.push_str(&format!(
        "domain: {DOMAIN}\nfeature: {DOMAIN}\ntitle: 合成接口\nsummary: Synthetic operations.\ndoc: \"93633\"\n"
    ));
    y.push_str("\nenums:\n");
    for i in 1..=ops {
        yaml_enum(&mut y, i);
    }
    y.push_str("\ntypes:\n");
    for i in 1..=ops {
        let p = type_prefix(i);
        yaml_type(
            &mut y,
            &format!("{p}Detail"),
            "Details of a live.",
            &DETAIL,
            &p,
        );
        yaml_type(
            &mut y,
            &format!("{p}Item"),
            "A member who watched.",
            &ITEM,
            &p,
        );
    }
    y.push_str("\nendpoints:\n");
    for i in 1..=ops {
        yaml_endpoint(&mut y, i);
    }
    y
}

fn yaml_enum(y: &mut String, i: usize) {
    let _ = writeln!(
        y,
        "  {}Mode:\n    doc: Live type of operation {i}.\n    values:",
        type_prefix(i)
    );
    for (value, name, title) in MODES {
        let _ = writeln!(
            y,
            "      - {{value: {value}, name: {name}, title: {title}, doc: {name}.}}"
        );
    }
}

fn yaml_type(y: &mut String, name: &str, doc: &str, fields: &[FieldDef], prefix: &str) {
    let _ = writeln!(y, "  {name}:\n    doc: {doc}\n    fields:");
    for f in fields {
        yaml_field(y, f, prefix, "      ");
    }
}

fn yaml_field(y: &mut String, f: &FieldDef, prefix: &str, indent: &str) {
    let ty = match f.kind {
        Kind::Str => "string".to_owned(),
        Kind::I32 => "i32".to_owned(),
        Kind::I64 => "i64".to_owned(),
        Kind::Flag => "flag".to_owned(),
        Kind::Mode => format!("{prefix}Mode"),
        Kind::Detail => format!("{prefix}Detail"),
        Kind::Items => format!("\"{prefix}Item[]\""),
        Kind::StrArray => "\"string[]\"".to_owned(),
    };
    let _ = write!(y, "{indent}{}: {{type: {ty}, doc: \"{}\"", f.name, f.doc);
    if f.required {
        y.push_str(", required: true");
    }
    match f.limit {
        Some(Limit::MaxChars(n)) => {
            let _ = write!(y, ", max_chars: {{value: {n}, source: \"93637\"}}");
        }
        Some(Limit::Min(n)) => {
            let _ = write!(y, ", min: {n}");
        }
        Some(Limit::MaxItems(n)) => {
            let _ = write!(y, ", max_items: {{value: {n}, source: \"96837\"}}");
        }
        None => {}
    }
    y.push_str("}\n");
}

fn yaml_endpoint(y: &mut String, i: usize) {
    let name = op_name(i);
    let p = type_prefix(i);
    let _ = writeln!(
        y,
        "  {name}:\n    title: 合成接口{i}\n    summary: Synthetic operation {i}.\n    doc: \"{doc}\"\n    method: POST\n    path: /cgi-bin/{DOMAIN}/{name}\n    idempotent: true\n    body:",
        doc = 100_000 + i
    );
    for f in &BODY {
        yaml_field(y, f, &p, "      ");
    }
    y.push_str("    response:\n");
    for f in &RESPONSE {
        yaml_field(y, f, &p, "      ");
    }
    y.push_str("    examples:\n      request: {");
    y.push_str(&flow_example(&BODY));
    y.push_str("}\n      response: {errcode: 0, errmsg: ok, ");
    y.push_str(&flow_example(&RESPONSE));
    y.push_str("}\n");
}

/// A YAML flow mapping (also valid JSON-ish) of the fields' examples.
fn flow_example(fields: &[FieldDef]) -> String {
    let parts: Vec<String> = fields
        .iter()
        .map(|f| match f.kind {
            Kind::Detail => format!("{}: {{{}}}", f.name, flow_example(&DETAIL)),
            Kind::Items => format!("{}: [{{{}}}]", f.name, flow_example(&ITEM)),
            _ => format!("{}: {}", f.name, f.example),
        })
        .collect();
    parts.join(", ")
}

/// The OpenAPI 3.0 document of `ops` operations.
pub fn openapi(ops: usize) -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    for i in 1..=ops {
        let name = op_name(i);
        let p = type_prefix(i);
        paths.insert(
            format!("/cgi-bin/{DOMAIN}/{name}"),
            openapi_path(i, &name, &p),
        );
        schemas.insert(
            format!("{p}Mode"),
            json!({
                "description": format!("Live type of operation {i}."),
                "type": "integer",
                "format": "int32",
                "enum": MODES.iter().map(|m| m.0).collect::<Vec<_>>(),
            }),
        );
        schemas.insert(
            format!("{p}Detail"),
            openapi_object("Details of a live.", &DETAIL, &p, &[]),
        );
        schemas.insert(
            format!("{p}Item"),
            openapi_object("A member who watched.", &ITEM, &p, &[]),
        );
        schemas.insert(
            format!("{p}Request"),
            openapi_object(&format!("Body of {name}."), &BODY, &p, &[]),
        );
        let envelope = [
            field("errcode", Kind::I32, "Error code; 0 is success.", "0"),
            field("errmsg", Kind::Str, "Error message.", "\"ok\""),
        ];
        schemas.insert(
            format!("{p}Response"),
            openapi_object(&format!("Answer of {name}."), &RESPONSE, &p, &envelope),
        );
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Synthetic WeCom-shaped API",
            "description": "Written by `cargo xtask bench`.",
            "version": "1.0.0",
        },
        "servers": [{"url": "https://qyapi.weixin.qq.com"}],
        "paths": paths,
        "components": {"schemas": schemas},
    })
}

/// Writes [`openapi`] as pretty JSON to `path`.
pub fn write_openapi(path: &Path, ops: usize) -> io::Result<()> {
    let text = serde_json::to_string_pretty(&openapi(ops)).map_err(io::Error::other)?;
    std::fs::write(path, text)
}

fn openapi_path(i: usize, name: &str, prefix: &str) -> Value {
    json!({
        "post": {
            "operationId": name,
            "summary": format!("合成接口{i}: Synthetic operation {i}."),
            "parameters": [{
                "name": "access_token",
                "in": "query",
                "required": true,
                "description": "The access token.",
                "schema": {"type": "string"},
            }],
            "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{prefix}Request")}}},
            },
            "responses": {
                "200": {
                    "description": "The errcode envelope and the answer.",
                    "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{prefix}Response")}}},
                },
            },
        },
    })
}

fn openapi_object(doc: &str, fields: &[FieldDef], prefix: &str, extra: &[FieldDef]) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for f in extra.iter().chain(fields) {
        properties.insert(f.name.to_owned(), openapi_schema(f, prefix));
        if f.required {
            required.push(f.name);
        }
    }
    let mut object = json!({"description": doc, "type": "object", "properties": properties});
    if !required.is_empty() {
        object["required"] = json!(required);
    }
    object
}

fn openapi_schema(f: &FieldDef, prefix: &str) -> Value {
    let reference =
        |suffix: &str| json!({"$ref": format!("#/components/schemas/{prefix}{suffix}")});
    let mut schema = match f.kind {
        Kind::Str => json!({"type": "string"}),
        Kind::I32 => json!({"type": "integer", "format": "int32"}),
        Kind::I64 => json!({"type": "integer", "format": "int64"}),
        Kind::Flag => json!({"type": "integer", "format": "int32", "minimum": 0, "maximum": 1}),
        Kind::Mode => reference("Mode"),
        Kind::Detail => reference("Detail"),
        Kind::Items => json!({"type": "array", "items": reference("Item")}),
        Kind::StrArray => json!({"type": "array", "items": {"type": "string"}}),
    };
    match f.limit {
        Some(Limit::MaxChars(n)) => schema["maxLength"] = json!(n),
        Some(Limit::Min(n)) => schema["minimum"] = json!(n),
        Some(Limit::MaxItems(n)) => schema["maxItems"] = json!(n),
        None => {}
    }
    if schema.get("$ref").is_none() {
        schema["description"] = json!(f.doc);
    }
    schema
}
