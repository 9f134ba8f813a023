//! OpenAPI 3.1 documents, one per product (`openapi/<product>.json`), from the IR: the product's host,
//! its access token as a query `apiKey` scheme, its token endpoints, and one operation per endpoint with
//! its query parameters, JSON body, response, examples, errcodes and rules.
//!
//! What JSON Schema can say is said with its keywords: a constraint that counts characters is
//! `maxLength`/`minLength`, `min`/`max` are `minimum`/`maximum`, items are `minItems`/`maxItems`, a
//! pattern is `pattern`. Bytes, display width, decimals and times relative to now have no keyword and
//! become `x-` keywords ([`keyword`]). Only official rules are put on a schema as keywords, since the
//! client never rejects what the official server accepts; every rule of a field, whatever its level, is
//! listed with its level and source in `x-constraints`, and cross-field rules in `x-rules`.
//!
//! Output is deterministic: keys are sorted (serde_json's map, sorted again when its `preserve_order`
//! feature is on), except that the header (`x-generated-by`) comes first, so the second line of the file
//! names the command and the spec files like every generated file; pretty-printed, with a trailing
//! newline.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::{docs, GeneratedFile};
use crate::ir::{
    Check, ConstValue, Constant, Constraint, Domain, Endpoint, ErrorClass, ErrorCode, Field, Level,
    Literal, Location, Method, PageEnd, ParamValue, Product, Rule, RuleKind, Spec, TokenEndpoint,
    TypeRef,
};

/// The tag of the token endpoints (no domain name has a space).
const TOKEN_TAG: &str = "access token";

/// The time at which the examples' relative times (`$now+600`, as the spec writes a time that must lie
/// in the future) are given: 2027-01-15, so that the exported file does not change with the clock.
pub const EXAMPLE_NOW: i64 = 1_800_000_000;

/// A spec example as exported: its relative times given at [`EXAMPLE_NOW`].
pub fn example(value: &Value) -> Value {
    let mut value = value.clone();
    wxlive_runtime::fixture::resolve_times(&mut value, EXAMPLE_NOW);
    value
}

/// The key of the spec's example among a media type's or a parameter's `examples`.
const EXAMPLE_KEY: &str = "spec";

/// Path of a product's document, relative to the generated crate.
pub fn path(product: &Product) -> String {
    format!("openapi/{}.json", product.name)
}

/// `openapi/<product>.json` for every product, in spec order.
pub fn documents(spec: &Spec) -> Vec<GeneratedFile> {
    spec.products
        .iter()
        .map(|p| GeneratedFile {
            path: path(p),
            contents: render(&header(p), document(p)),
        })
        .collect()
}

/// The documents of `spec` (none for `None`), built on a thread of their own while `other` runs (the
/// emitter formats the Rust files on every core meanwhile), so that the export is not one more
/// sequential step of generation. A panic of either is re-raised here.
pub fn alongside<R>(spec: Option<&Spec>, other: impl FnOnce() -> R) -> (Vec<GeneratedFile>, R) {
    std::thread::scope(|scope| {
        let documents = spec.map(|spec| scope.spawn(move || documents(spec)));
        let other = other();
        let documents = match documents.map(std::thread::ScopedJoinHandle::join) {
            Some(Ok(documents)) => documents,
            Some(Err(panic)) => std::panic::resume_unwind(panic),
            None => Vec::new(),
        };
        (documents, other)
    })
}

/// The header text (the one of every generated file, without the comment marker), naming the product
/// file and its domain files.
fn header(p: &Product) -> String {
    let files: Vec<&str> = std::iter::once(p.file.as_str())
        .chain(p.domains.iter().map(|d| d.file.as_str()))
        .collect();
    let text = super::header(&files.join(", "));
    text.trim_start_matches("//").trim().to_owned()
}

/// The JSON Schema keyword (or `x-` keyword) a constraint becomes, with its value. Every kind of the
/// vocabulary has one; the match has no wildcard, so a new kind does not compile until it is mapped.
pub fn keyword(check: &Check) -> (&'static str, Value) {
    match check {
        // JSON Schema counts the characters (code points) of a string, as `max_chars` does.
        Check::MaxChars(n) => ("maxLength", json!(n)),
        Check::MinChars(n) => ("minLength", json!(n)),
        // Neither UTF-8 bytes nor display width have a keyword.
        Check::MaxBytes(n) => ("x-max-bytes", json!(n)),
        Check::Min(n) => ("minimum", json!(n)),
        Check::Max(n) => ("maximum", json!(n)),
        Check::MaxItems(n) => ("maxItems", json!(n)),
        Check::MinItems(n) => ("minItems", json!(n)),
        // Relative to the time of the call: no keyword can say it.
        Check::Future => ("x-future", json!(true)),
        Check::MaxWidth(n) => ("x-max-width", json!(n)),
        Check::MinWidth(n) => ("x-min-width", json!(n)),
        Check::MinFromNow(n) => ("x-min-from-now", json!(n)),
        Check::MaxFromNow(n) => ("x-max-from-now", json!(n)),
        // `multipleOf: 0.01` would be the keyword, but validators divide in binary floating point and
        // reject 9.99; the digit count is exact.
        Check::MaxDecimals(n) => ("x-max-decimals", json!(n)),
        Check::Pattern(p) => ("pattern", json!(p)),
    }
}

/// Writes `doc` pretty-printed with `header` as its first key (`x-generated-by`), the others sorted.
fn render(header: &str, mut doc: Value) -> String {
    #[derive(Serialize)]
    struct Headed<'a> {
        #[serde(rename = "x-generated-by")]
        header: &'a str,
        #[serde(flatten)]
        rest: &'a Value,
    }
    doc.sort_all_objects();
    let headed = Headed { header, rest: &doc };
    // Serialising a `Value` cannot fail.
    serde_json::to_string_pretty(&headed).unwrap_or_default() + "\n"
}

/// Component names of a product's enums and object types: the spec name, or `<domain>.<Name>` when
/// another domain of the product declares the same name.
struct Components {
    /// Per domain (in product order): enum names, object names, union names.
    names: Vec<(Vec<String>, Vec<String>, Vec<String>)>,
}

impl Components {
    fn new(p: &Product) -> Self {
        let mut count: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for d in &p.domains {
            let declared = d.enums.iter().map(|e| e.name.as_str());
            let unions = d.unions.iter().map(|u| u.name.as_str());
            for name in declared
                .chain(d.types.iter().map(|o| o.name.as_str()))
                .chain(unions)
            {
                count.entry(name).or_default().insert(d.name.as_str());
            }
        }
        let qualify = |d: &Domain, name: &str| {
            if count.get(name).is_some_and(|domains| domains.len() > 1) {
                format!("{}.{name}", d.name)
            } else {
                name.to_owned()
            }
        };
        let names = p
            .domains
            .iter()
            .map(|d| {
                (
                    d.enums.iter().map(|e| qualify(d, &e.name)).collect(),
                    d.types.iter().map(|o| qualify(d, &o.name)).collect(),
                    d.unions.iter().map(|u| qualify(d, &u.name)).collect(),
                )
            })
            .collect();
        Components { names }
    }
}

/// The domain being exported, with its component names.
struct Ctx<'a> {
    product: &'a Product,
    domain: &'a Domain,
    /// Enum component names, by enum id.
    enums: &'a [String],
    /// Object component names, by object id.
    objects: &'a [String],
    /// Union component names, by union id.
    unions: &'a [String],
}

fn reference(name: &str) -> Value {
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

/// The whole document of a product (without the header).
fn document(p: &Product) -> Value {
    let components = Components::new(p);
    let contexts: Vec<Ctx<'_>> = p
        .domains
        .iter()
        .zip(&components.names)
        .map(|(domain, (enums, objects, unions))| Ctx {
            product: p,
            domain,
            enums,
            objects,
            unions,
        })
        .collect();

    // (path, method) → its operations, in spec order.
    let mut operations: BTreeMap<(String, &str), Vec<Value>> = BTreeMap::new();
    let mut add = |path: &str, method: Method, operation: Value| {
        operations
            .entry((path.to_owned(), method.as_str()))
            .or_default()
            .push(operation);
    };
    for t in std::iter::once(&p.token).chain(&p.alternatives) {
        add(&t.path, t.method, token_operation(p, t));
    }
    let mut schemas = Map::new();
    let mut tags = vec![json!({
        "name": TOKEN_TAG,
        "description": format!(
            "The token endpoints. Call one, then send its token as the `{}` query parameter of every other call (the `{}` security scheme).",
            p.token_param, p.token_param
        ),
    })];
    for ctx in &contexts {
        let d = ctx.domain;
        tags.push(json!({
            "name": d.name,
            "description": format!("{}: {}", d.title, d.summary),
            "externalDocs": { "url": format!("{}{}", p.doc_base, d.doc), "description": d.title },
        }));
        for e in &d.endpoints {
            add(&e.path, e.method, operation(ctx, e));
        }
        for (e, name) in d.enums.iter().zip(ctx.enums) {
            schemas.insert(name.clone(), enum_schema(e));
        }
        for (o, name) in d.types.iter().zip(ctx.objects) {
            let mut schema = object_schema(ctx, o.fields.iter(), None);
            insert(&mut schema, "description", json!(o.doc));
            if !o.rules.is_empty() {
                insert(&mut schema, "x-rules", rules(&o.rules));
            }
            schemas.insert(name.clone(), schema);
        }
        for (u, name) in d.unions.iter().zip(ctx.unions) {
            union_schemas(ctx, u, name, &mut schemas);
        }
    }

    let mut paths = Map::new();
    for ((path, method), mut ops) in operations {
        let op = match ops.len() {
            1 => ops.pop().unwrap_or_default(),
            _ => merge(ops),
        };
        let item = paths
            .entry(path)
            .or_insert_with(|| Value::Object(Map::new()));
        insert(item, &method.to_ascii_lowercase(), op);
    }

    let [(id_name, id_title, id_doc), (secret_name, secret_title, secret_doc)] = &p.credentials;
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": {
            "title": p.title,
            "summary": p.summary,
            "description": format!(
                "{}\n\nEvery call but the token endpoints carries the access token in the `{}` query parameter: get it from `{}` ({} `{id_name}`: {id_doc}; {} `{secret_name}`: {secret_doc}), the endpoints tagged `{TOKEN_TAG}`.\n\nA response carries `errcode` (0 on success) and `errmsg`; on failure it carries only these two. The errcodes every call may return are listed in `x-errcodes`, those of one operation in its own `x-errcodes`. Rules the official pages state are JSON Schema keywords, or `x-` keywords where JSON Schema has none (`x-max-bytes`, `x-max-width`, `x-future`, `x-min-from-now`, `x-max-decimals`); every rule, with its level (official, product, advice) and source, is listed in `x-constraints` (fields) and `x-rules` (between fields). Example times that the spec gives relative to now are given at {EXAMPLE_NOW}.",
                p.summary, p.token_param, p.token.path, id_title, secret_title,
                id_doc = id_doc.trim_end_matches('.'),
                secret_doc = secret_doc.trim_end_matches('.'),
            ),
            "version": env!("CARGO_PKG_VERSION"),
        },
        "servers": [{ "url": p.host }],
        "externalDocs": { "url": p.doc_base, "description": format!("{} (official documentation)", p.title) },
        "security": [{ p.token_param.clone(): [] }],
        "components": {
            "securitySchemes": {
                p.token_param.clone(): {
                    "type": "apiKey",
                    "in": "query",
                    "name": p.token_param,
                    "description": format!("The access token from `{}` (tag `{TOKEN_TAG}`).", p.token.path),
                }
            },
        },
    });
    insert(&mut doc, "tags", Value::Array(tags));
    insert(&mut doc, "paths", Value::Object(paths));
    insert(&mut doc, "x-errcodes", errcodes(p, &p.errors));
    if let Some(components) = doc.get_mut("components") {
        insert(components, "schemas", Value::Object(schemas));
    }
    doc
}

/// A JSON object of `entries`, moved in: `json!` would copy each embedded value (`to_value(&v)`), and
/// the documents nest deep.
fn object<const N: usize>(entries: [(&str, Value); N]) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// Inserts `key` into `schema` when it is an object.
fn insert(schema: &mut Value, key: &str, value: Value) {
    if let Value::Object(map) = schema {
        map.insert(key.to_owned(), value);
    }
}

/// The first paragraph of a summary, on one line.
fn first_paragraph(text: &str) -> String {
    text.split("\n\n")
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn operation(ctx: &Ctx<'_>, e: &Endpoint) -> Value {
    let p = ctx.product;
    let mut description = format!("{}\n\n{}", e.summary, docs::link(p, &e.doc, &e.docs));
    if !e.idempotent {
        description.push_str("\n\nNot idempotent: a repeated call acts again.");
    }
    for r in &e.rules {
        description.push_str(&format!("\n\n{}{}.", r.level.doc_prefix(), rule_text(r)));
    }
    let mut op = json!({
        "operationId": format!("{}.{}", ctx.domain.name, e.name),
        "summary": format!("{} — {}", e.title, first_paragraph(&e.summary)),
        "description": description,
        "tags": [ctx.domain.name],
        "externalDocs": { "url": format!("{}{}", p.doc_base, e.doc), "description": e.title },
        "x-idempotent": e.idempotent,
    });
    let request_example = e.example_request.as_ref().map(example);
    let example_fields = request_example.as_ref().and_then(Value::as_object);
    let mut parameters: Vec<Value> = e
        .request
        .iter()
        .filter(|f| f.location == Location::Query)
        .map(|f| {
            let mut schema = field_schema(ctx, f);
            let description = match &mut schema {
                Value::Object(map) => map.remove("description"),
                _ => None,
            };
            let mut param = json!({
                "name": f.wire,
                "in": "query",
                "required": f.required,
            });
            insert(&mut param, "schema", schema);
            if let Some(d) = description {
                insert(&mut param, "description", d);
            }
            if let Some(v) = example_fields.and_then(|ex| ex.get(&f.wire)) {
                insert(&mut param, "example", v.clone());
            }
            param
        })
        .collect();
    parameters.extend(
        e.constants
            .iter()
            .filter(|c| c.location == Location::Query)
            .map(|c| {
                json!({
                    "name": c.wire,
                    "in": "query",
                    "required": true,
                    "description": constant_doc(c),
                    "schema": constant_schema(&c.value),
                    "example": c.value.to_json(),
                })
            }),
    );
    if !parameters.is_empty() {
        insert(&mut op, "parameters", Value::Array(parameters));
    }
    let body_fields = e.request.iter().filter(|f| f.location == Location::Body);
    let body_constants: Vec<&Constant> = e
        .constants
        .iter()
        .filter(|c| c.location == Location::Body)
        .collect();
    if e.method == Method::Post {
        let mut schema = object_schema(ctx, body_fields, None);
        add_constants(&mut schema, &body_constants);
        let mut media = object([("schema", schema)]);
        if let Some(ex) = example_fields {
            let mut body: Map<String, Value> = ex
                .iter()
                .filter(|(k, _)| {
                    !e.request
                        .iter()
                        .any(|f| f.location == Location::Query && &f.wire == *k)
                        && !e
                            .constants
                            .iter()
                            .any(|c| c.location == Location::Query && &c.wire == *k)
                })
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            for c in &body_constants {
                body.entry(c.wire.clone())
                    .or_insert_with(|| c.value.to_json());
            }
            insert(&mut media, "examples", media_example(Value::Object(body)));
        }
        insert(
            &mut op,
            "requestBody",
            object([
                ("required", json!(true)),
                ("content", object([("application/json", media)])),
            ]),
        );
    }
    let mut response = object([(
        "schema",
        object_schema(ctx, e.response.iter(), Some(&e.errors)),
    )]);
    if let Some(ex) = &e.example_response {
        insert(&mut response, "examples", media_example(example(ex)));
    }
    insert(
        &mut op,
        "responses",
        object([(
            "200",
            object([
                ("description", json!("errcode 0: the fields below. Otherwise only errcode and errmsg (see `x-errcodes` of the operation and of the document).")),
                ("content", object([("application/json", response)])),
            ]),
        )]),
    );
    if !e.errors.is_empty() {
        insert(&mut op, "x-errcodes", errcodes(p, &e.errors));
    }
    if !e.rules.is_empty() {
        insert(&mut op, "x-rules", rules(&e.rules));
    }
    if let Some(pg) = &e.pagination {
        let wire = |fields: &[Field], rust: &str| {
            fields
                .iter()
                .find(|f| f.rust == rust)
                .map_or_else(|| rust.to_owned(), |f| f.wire.clone())
        };
        let end = match &pg.end {
            PageEnd::EmptyCursor => json!("empty_cursor"),
            PageEnd::Flag(flag) => json!({ "flag": wire(&e.response, flag) }),
            PageEnd::Offset { .. } => json!("offset"),
            PageEnd::ShortPage { .. } => json!("short_page"),
            PageEnd::More(flag) => json!({ "more": wire(&e.response, flag) }),
        };
        let mut pagination = json!({ "request": wire(&e.request, &pg.request) });
        match &pg.end {
            PageEnd::ShortPage { limit, .. } => {
                insert(&mut pagination, "limit", json!(wire(&e.request, &limit.0)))
            }
            _ => insert(
                &mut pagination,
                "response",
                json!(wire(&e.response, &pg.response)),
            ),
        }
        insert(&mut pagination, "end", end);
        if let Some((items, _)) = &pg.items {
            insert(&mut pagination, "items", json!(wire(&e.response, items)));
        }
        insert(&mut op, "x-pagination", pagination);
    }
    super::openapi_media::adjust(&mut op, e);
    op
}

/// One operation for the endpoints that share a method and a path (`getliveinfo` lists rooms, or with
/// `action: get_replay` replays): OpenAPI has one operation per method and path. Its request and response
/// schemas are `anyOf` the endpoints' (each titled with the endpoint's operationId), its examples are
/// keyed by operationId, and each endpoint's own description, rules, errcodes and pagination are in
/// `x-operations`.
fn merge(ops: Vec<Value>) -> Value {
    let id = |op: &Value| op["operationId"].as_str().unwrap_or_default().to_owned();
    let ids: Vec<String> = ops.iter().map(id).collect();
    let split: Vec<(&str, &str)> = ids.iter().filter_map(|i| i.split_once('.')).collect();
    let operation_id = match split.first() {
        Some((domain, _)) if split.len() == ids.len() && split.iter().all(|(d, _)| d == domain) => {
            let names: Vec<&str> = split.iter().map(|(_, n)| *n).collect();
            format!("{domain}.{}", names.join("_or_"))
        }
        _ => ids.join("_or_"),
    };
    let text = |key: &str, op: &Value| op[key].as_str().unwrap_or_default().to_owned();
    let summaries: Vec<String> = ops.iter().map(|op| text("summary", op)).collect();
    let mut description = format!(
        "One method and path for {} operations, told apart by their requests; each is also described in `x-operations`.",
        ops.len()
    );
    for op in &ops {
        description.push_str(&format!(
            "\n\n**{}** (`{}`)\n\n{}",
            text("summary", op),
            id(op),
            text("description", op)
        ));
    }
    let mut tags: Vec<Value> = Vec::new();
    let mut parameters: Vec<Value> = Vec::new();
    for op in &ops {
        for tag in op["tags"].as_array().into_iter().flatten() {
            if !tags.contains(tag) {
                tags.push(tag.clone());
            }
        }
        for param in op["parameters"].as_array().into_iter().flatten() {
            if !parameters.iter().any(|p| p["name"] == param["name"]) {
                parameters.push(param.clone());
            }
        }
    }
    // The `anyOf` of the endpoints' media types at `pointer`, with their examples keyed by operationId.
    let media = |pointer: &str| -> Option<Value> {
        let mut schemas = Vec::new();
        let mut examples = Map::new();
        for op in &ops {
            let Some(m) = op.pointer(pointer) else {
                continue;
            };
            let mut schema = m["schema"].clone();
            insert(&mut schema, "title", json!(id(op)));
            schemas.push(schema);
            if let Some(value) = m.pointer(&format!("/examples/{EXAMPLE_KEY}/value")) {
                examples.insert(
                    id(op),
                    object([
                        (
                            "summary",
                            json!(format!("The spec's example of {}", id(op))),
                        ),
                        ("value", value.clone()),
                    ]),
                );
            }
        }
        if schemas.is_empty() {
            return None;
        }
        let mut media = object([("schema", object([("anyOf", Value::Array(schemas))]))]);
        if !examples.is_empty() {
            insert(&mut media, "examples", Value::Object(examples));
        }
        Some(media)
    };
    let mut merged = json!({
        "operationId": operation_id,
        "summary": summaries.join(" | "),
        "description": description,
        "tags": tags,
        "externalDocs": ops.first().map(|op| op["externalDocs"].clone()).unwrap_or_default(),
    });
    if let Some(security) = ops.first().and_then(|op| op.get("security")) {
        insert(&mut merged, "security", security.clone());
    }
    if !parameters.is_empty() {
        insert(&mut merged, "parameters", Value::Array(parameters));
    }
    if let Some(body) = media("/requestBody/content/application~1json") {
        insert(
            &mut merged,
            "requestBody",
            object([
                ("required", json!(true)),
                ("content", object([("application/json", body)])),
            ]),
        );
    }
    let mut response = json!({
        "description": ops.first().map(|op| op["responses"]["200"]["description"].clone()).unwrap_or_default(),
    });
    if let Some(content) = media("/responses/200/content/application~1json") {
        insert(
            &mut response,
            "content",
            object([("application/json", content)]),
        );
    }
    insert(&mut merged, "responses", object([("200", response)]));
    let own: Vec<Value> = ops
        .into_iter()
        .map(|mut op| {
            if let Value::Object(map) = &mut op {
                for key in ["parameters", "requestBody", "responses", "security"] {
                    map.remove(key);
                }
            }
            op
        })
        .collect();
    insert(&mut merged, "x-operations", Value::Array(own));
    merged
}

/// `examples` of a media type holding the spec's example.
fn media_example(value: Value) -> Value {
    object([(
        EXAMPLE_KEY,
        object([("summary", json!("The spec's example")), ("value", value)]),
    )])
}

/// An operation of a token endpoint: no token of its own (`security: []`).
fn token_operation(p: &Product, t: &TokenEndpoint) -> Value {
    let credential = |i: usize| {
        let (name, title, doc) = &p.credentials[i];
        format!("{title} (`{name}`): {doc}")
    };
    let param = |value: &ParamValue| -> (Value, String) {
        match value {
            ParamValue::Id => (json!({ "type": "string" }), credential(0)),
            ParamValue::Secret => (json!({ "type": "string" }), credential(1)),
            ParamValue::Var(name) => (
                json!({ "type": "string" }),
                format!("The credential `{name}`, supplied by the caller."),
            ),
            ParamValue::Token(name) => (
                json!({ "type": "string" }),
                format!("The token that the token endpoint `{name}` issues."),
            ),
            ParamValue::Literal(s) => (
                json!({ "type": "string", "const": s }),
                format!("Always `{s}`."),
            ),
            ParamValue::Bool(b) => (
                json!({ "type": "boolean", "const": b }),
                format!("Always `{b}`."),
            ),
        }
    };
    let mut query: Vec<&(String, ParamValue)> = t.query.iter().collect();
    if t.method == Method::Get {
        query.extend(&t.params);
    }
    let parameters: Vec<Value> = query
        .iter()
        .map(|(name, value)| {
            let (schema, description) = param(value);
            json!({ "name": name, "in": "query", "required": true, "schema": schema, "description": description })
        })
        .collect();
    let mut op = json!({
        "operationId": t.name,
        "summary": t.title,
        "description": docs::link(p, &t.doc, &Default::default()),
        "tags": [TOKEN_TAG],
        "externalDocs": { "url": format!("{}{}", p.doc_base, t.doc), "description": t.title },
        "security": [],
        "responses": { "200": {
            "description": "The token and its lifetime, or errcode and errmsg.",
            "content": { "application/json": { "schema": {
                "type": "object",
                "properties": {
                    t.token_field.clone(): { "type": "string", "description": "The token." },
                    t.expires_field.clone(): { "type": "integer", "format": "int64", "description": "Its lifetime in seconds." },
                    "errcode": { "type": "integer", "description": "Present on failure (some products also send 0 on success)." },
                    "errmsg": { "type": "string" },
                },
                "required": [t.token_field, t.expires_field],
            }}},
        }},
    });
    if !parameters.is_empty() {
        insert(&mut op, "parameters", Value::Array(parameters));
    }
    if t.method == Method::Post {
        let mut properties = Map::new();
        for (name, value) in &t.params {
            let (mut schema, description) = param(value);
            insert(&mut schema, "description", json!(description));
            properties.insert(name.clone(), schema);
        }
        let required: Vec<&String> = t.params.iter().map(|(n, _)| n).collect();
        insert(
            &mut op,
            "requestBody",
            json!({ "required": true, "content": { "application/json": { "schema": {
                "type": "object", "properties": properties, "required": required,
            }}}}),
        );
    }
    op
}

/// The schema of a type, without what its field adds.
fn type_schema(ctx: &Ctx<'_>, ty: &TypeRef) -> Value {
    match ty {
        TypeRef::String => json!({ "type": "string" }),
        TypeRef::I32 => json!({ "type": "integer", "format": "int32" }),
        TypeRef::I64 => json!({ "type": "integer", "format": "int64" }),
        TypeRef::U32 => {
            json!({ "type": "integer", "format": "uint32", "minimum": 0, "maximum": u32::MAX })
        }
        TypeRef::U64 => json!({ "type": "integer", "format": "uint64", "minimum": 0 }),
        TypeRef::Decimal => json!({ "type": "number" }),
        TypeRef::Bool => json!({ "type": "boolean" }),
        TypeRef::Flag => json!({ "type": "integer", "enum": [0, 1], "x-flag": true }),
        TypeRef::Enum(e) => reference(&ctx.enums[e.id]),
        TypeRef::Object(o) => reference(&ctx.objects[o.id]),
        TypeRef::Union(u) => reference(&ctx.unions[u.id]),
        TypeRef::List(item) => {
            object([("type", json!("array")), ("items", type_schema(ctx, item))])
        }
    }
}

/// The schemas of union `u` (component `name`): a `oneOf` of one component per case
/// (`<name>.<tag>`), with a `discriminator` on the tag mapping each tag value to its case.
fn union_schemas(
    ctx: &Ctx<'_>,
    u: &crate::ir::Union,
    name: &str,
    schemas: &mut Map<String, Value>,
) {
    let mut one_of = Vec::new();
    let mut mapping = Map::new();
    for c in &u.cases {
        let case_name = format!("{name}.{}", c.tag);
        let tag = object([("const", json!(c.tag))]);
        let case = match u.layout {
            crate::ir::UnionLayout::Keyed => {
                let mut properties = Map::new();
                properties.insert(u.tag.clone(), tag);
                properties.insert(c.tag.clone(), type_schema(ctx, &c.ty));
                object([
                    ("type", json!("object")),
                    ("properties", Value::Object(properties)),
                    ("required", json!([u.tag, c.tag])),
                ])
            }
            crate::ir::UnionLayout::Inline => {
                let mut properties = Map::new();
                properties.insert(u.tag.clone(), tag);
                object([
                    ("type", json!("object")),
                    ("properties", Value::Object(properties)),
                    ("required", json!([u.tag])),
                    ("allOf", json!([type_schema(ctx, &c.ty)])),
                ])
            }
        };
        let mut case = case;
        insert(
            &mut case,
            "description",
            json!(format!("{}: {}", c.title, c.doc)),
        );
        let reference_value = reference(&case_name);
        mapping.insert(c.tag.clone(), reference_value["$ref"].clone());
        one_of.push(reference_value);
        schemas.insert(case_name, case);
    }
    let layout = match u.layout {
        crate::ir::UnionLayout::Keyed => "keyed",
        crate::ir::UnionLayout::Inline => "inline",
    };
    schemas.insert(
        name.to_owned(),
        object([
            ("description", json!(u.doc)),
            ("oneOf", Value::Array(one_of)),
            (
                "discriminator",
                object([
                    ("propertyName", json!(u.tag)),
                    ("mapping", Value::Object(mapping)),
                ]),
            ),
            ("x-union-layout", json!(layout)),
        ]),
    );
}

/// The JSON value of a field's default, when it is one of the field's type (a flag's `true` is 1).
fn default_value(ty: &TypeRef, rendered: &str) -> Option<Value> {
    let v: Value = serde_json::from_str(rendered).ok()?;
    let fits = match (ty, &v) {
        (TypeRef::String, Value::String(_)) | (TypeRef::Bool, Value::Bool(_)) => true,
        (TypeRef::I32 | TypeRef::I64, v) => v.is_i64(),
        (TypeRef::U32 | TypeRef::U64, v) => v.is_u64(),
        (TypeRef::Decimal, v) => v.is_number(),
        (TypeRef::Flag, Value::Bool(b)) => return Some(json!(u8::from(*b))),
        (TypeRef::Flag, v) => matches!(v.as_i64(), Some(0 | 1)),
        (TypeRef::Enum(e), v) => (e.is_string && v.is_string()) || (!e.is_string && v.is_i64()),
        _ => false,
    };
    fits.then_some(v)
}

/// The schema of a field: its type, description, default and constraints.
fn field_schema(ctx: &Ctx<'_>, f: &Field) -> Value {
    let mut schema = type_schema(ctx, &f.ty);
    if f.lenient {
        // A string read from any scalar.
        insert(&mut schema, "type", json!(["string", "number", "boolean"]));
        insert(&mut schema, "x-lenient", json!(true));
    }
    let mut description = f.doc.clone();
    for c in &f.constraints {
        description.push_str(&format!(" {}{}", c.level.doc_prefix(), c.check.describe()));
    }
    insert(&mut schema, "description", json!(description));
    if let Some(rendered) = &f.default {
        match default_value(&f.ty, rendered) {
            Some(v) => insert(&mut schema, "default", v),
            None => insert(&mut schema, "x-default", json!(rendered)),
        }
    }
    for c in &f.constraints {
        if c.level == Level::Official {
            let (key, value) = keyword(&c.check);
            insert(&mut schema, key, value);
        }
    }
    if !f.constraints.is_empty() {
        let list: Vec<Value> = f.constraints.iter().map(constraint).collect();
        insert(&mut schema, "x-constraints", Value::Array(list));
    }
    if let (false, Some(Value::Object(items))) = (f.items.is_empty(), schema.get_mut("items")) {
        // Official item rules are keywords of `items`; every item rule is in its `x-constraints`.
        for c in f.items.iter().filter(|c| c.level == Level::Official) {
            let (key, value) = keyword(&c.check);
            items.insert(key.into(), value);
        }
        let list: Vec<Value> = f.items.iter().map(constraint).collect();
        items.insert("x-constraints".into(), Value::Array(list));
    }
    schema
}

/// One entry of `x-constraints`: the spec key, its keyword and value, level and source (the field's
/// description has the sentence).
fn constraint(c: &Constraint) -> Value {
    let (key, value) = keyword(&c.check);
    let mut entry = json!({
        "kind": c.check.key(),
        "keyword": key,
        "value": value,
        "level": c.level.as_str(),
    });
    if let Some(source) = &c.source {
        insert(&mut entry, "source", json!(source));
    }
    entry
}

/// An object of `fields`: properties, `required` (required request fields, guaranteed response
/// fields), alternative wire names. With `envelope` (the endpoint's errcodes), a response: `errcode`
/// and `errmsg` come first.
fn object_schema<'f>(
    ctx: &Ctx<'_>,
    fields: impl Iterator<Item = &'f Field>,
    envelope: Option<&[ErrorCode]>,
) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    let mut either = Vec::new();
    if let Some(codes) = envelope {
        let listed: Vec<String> = codes.iter().map(|c| c.code.to_string()).collect();
        let also = if listed.is_empty() {
            String::new()
        } else {
            format!(" This operation's own: {}.", listed.join(", "))
        };
        properties.insert(
            "errcode".into(),
            json!({ "type": "integer", "description": format!("0 on success; otherwise an errcode of `x-errcodes`.{also}") }),
        );
        properties.insert(
            "errmsg".into(),
            json!({ "type": "string", "description": "`ok` on success; otherwise what went wrong." }),
        );
    }
    for f in fields {
        if let (true, TypeRef::Union(u)) = (f.flatten, &f.ty) {
            // The union's keys sit next to the other properties.
            either.push(reference(&ctx.unions[u.id]));
            continue;
        }
        let schema = field_schema(ctx, f);
        for alias in &f.aliases {
            let mut alias_schema = schema.clone();
            insert(
                &mut alias_schema,
                "description",
                json!(format!("Another wire name of `{}` (read too).", f.wire)),
            );
            insert(&mut alias_schema, "x-alias-of", json!(f.wire));
            properties.insert(alias.clone(), alias_schema);
        }
        properties.insert(f.wire.clone(), schema);
        if f.required {
            if f.aliases.is_empty() {
                required.push(f.wire.clone());
            } else {
                let names = std::iter::once(&f.wire).chain(&f.aliases);
                either.push(json!({
                    "anyOf": names.map(|n| json!({ "required": [n] })).collect::<Vec<_>>()
                }));
            }
        }
    }
    let mut schema = object([
        ("type", json!("object")),
        ("properties", Value::Object(properties)),
    ]);
    if !required.is_empty() {
        insert(&mut schema, "required", json!(required));
    }
    if !either.is_empty() {
        insert(&mut schema, "allOf", Value::Array(either));
    }
    schema
}

/// Adds the constant fields to a body schema: each a required `const`.
fn add_constants(schema: &mut Value, constants: &[&Constant]) {
    let Value::Object(map) = schema else {
        return;
    };
    for c in constants {
        let mut s = constant_schema(&c.value);
        insert(&mut s, "description", json!(constant_doc(c)));
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            props.insert(c.wire.clone(), s);
        }
        let required = map
            .entry("required")
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = required {
            list.push(json!(c.wire));
        }
    }
}

fn constant_doc(c: &Constant) -> String {
    format!(
        "{} Always `{}` (the client sends it).",
        c.doc,
        c.value.to_query()
    )
}

fn constant_schema(value: &ConstValue) -> Value {
    let ty = match value {
        ConstValue::Str(_) => "string",
        ConstValue::Int(_) => "integer",
        ConstValue::Bool(_) => "boolean",
    };
    json!({ "type": ty, "const": value.to_json() })
}

/// The component schema of an enum: its wire values, their Rust names and Chinese titles.
fn enum_schema(e: &crate::ir::Enum) -> Value {
    let values: Vec<Value> = e.values.iter().map(|v| literal(&v.value)).collect();
    let lines: Vec<String> = e
        .values
        .iter()
        .map(|v| format!("- `{}` {}: {}", v.value, v.title, v.doc))
        .collect();
    json!({
        "type": if e.is_string { "string" } else { "integer" },
        "enum": values,
        "description": format!("{}\n\n{}", e.doc, lines.join("\n")),
        "x-enum-varnames": e.values.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(),
        "x-enum-descriptions": e.values.iter().map(|v| v.title.as_str()).collect::<Vec<_>>(),
    })
}

fn literal(l: &Literal) -> Value {
    match l {
        Literal::Int(i) => json!(i),
        Literal::Str(s) => json!(s),
    }
}

/// How a rule reads: `activity_detail may be set only when type == 4`.
fn rule_text(r: &Rule) -> String {
    match &r.kind {
        RuleKind::OnlyWhen { condition, fields } => {
            format!("{} may be set only when {condition}", fields.join(", "))
        }
        RuleKind::RequiredWhen { condition, fields } => {
            format!("{} must be set when {condition}", fields.join(", "))
        }
        RuleKind::Difference {
            field,
            minus,
            min,
            max,
        } => {
            let range = match (min, max) {
                (Some(a), Some(b)) => format!("between {a} and {b}"),
                (Some(a), None) => format!("at least {a}"),
                (None, Some(b)) => format!("at most {b}"),
                (None, None) => "unbounded".into(),
            };
            format!(
                "{} − {} is {range} (when both are set)",
                field.wire, minus.wire
            )
        }
    }
}

/// `x-rules`: the cross-field rules with their level and source.
fn rules(rules: &[Rule]) -> Value {
    let list: Vec<Value> = rules
        .iter()
        .map(|r| {
            let mut entry = match &r.kind {
                RuleKind::OnlyWhen { condition, fields } => json!({
                    "kind": "only_when",
                    "when": condition.to_json(),
                    "fields": fields,
                }),
                RuleKind::RequiredWhen { condition, fields } => json!({
                    "kind": "required_when",
                    "when": condition.to_json(),
                    "fields": fields,
                }),
                RuleKind::Difference {
                    field,
                    minus,
                    min,
                    max,
                } => json!({
                    "kind": "difference",
                    "field": field.wire,
                    "minus": minus.wire,
                    "min": min,
                    "max": max,
                }),
            };
            insert(&mut entry, "level", json!(r.level.as_str()));
            insert(&mut entry, "text", json!(rule_text(r)));
            if let Some(source) = &r.source {
                insert(&mut entry, "source", json!(source));
            }
            entry
        })
        .collect();
    Value::Array(list)
}

/// `x-errcodes`: code, name, title, meaning, class, hint and doc of each errcode.
fn errcodes(p: &Product, codes: &[ErrorCode]) -> Value {
    let list: Vec<Value> = codes
        .iter()
        .map(|c| {
            let class = ErrorClass::ALL
                .iter()
                .find(|(class, _)| *class == c.class)
                .map_or("other", |(_, name)| name);
            let mut entry = json!({
                "code": c.code,
                "name": c.name,
                "title": c.title,
                "meaning": c.meaning,
                "class": class,
            });
            if let Some(hint) = &c.hint {
                insert(&mut entry, "hint", json!(hint));
            }
            if let Some(doc) = &c.doc {
                insert(&mut entry, "doc", json!(format!("{}{doc}", p.doc_base)));
            }
            entry
        })
        .collect();
    Value::Array(list)
}
