//! The OpenAPI 3.1 export (`generated/openapi/<product>.json`, and `tests/mini-crate/openapi/demo.json`
//! for the mini-spec, which uses every constraint kind): every document passes a real OpenAPI validator
//! (openapi-spec-validator), every example of the spec validates against its exported schema with a
//! real JSON Schema validator (jsonschema, Draft 2020-12), broken copies of them do not, and every kind
//! of the constraint vocabulary has a keyword in the export.
//!
//! The validators are Python packages (`scripts/openapi_check.py` drives them). The interpreter is
//! `$WXLIVE_OPENAPI_PYTHON`, else `target/pyenv/bin/python`, else `python3`, whichever imports both.
//! Without one the validator tests say that they did not run and pass, unless `WXLIVE_REQUIRE_OPENAPI=1`
//! (set by `.ci/run`, which installs them).

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Map, Value};
use support::root;
use wxlive_codegen::emit::openapi;
use wxlive_codegen::ir::{self, Location};
use wxlive_runtime::constraint::{Check, Param, ParamType, KINDS};

/// A spec directory and the crate its documents are exported to.
const EXPORTS: [(&str, &str); 2] = [
    ("spec", "generated"),
    ("tests/fixtures/mini-spec", "tests/mini-crate"),
];

fn required() -> bool {
    std::env::var("WXLIVE_REQUIRE_OPENAPI").is_ok_and(|v| v == "1")
}

/// A Python interpreter that has both validators, or `None` (then the test says it did not run, or
/// fails when they are required).
fn python(test: &str) -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Some(p) = std::env::var_os("WXLIVE_OPENAPI_PYTHON") {
        candidates.push(PathBuf::from(p));
    }
    candidates.push(root().join("target/pyenv/bin/python"));
    candidates.push(PathBuf::from("python3"));
    let found = candidates.into_iter().find(|p| {
        Command::new(p)
            .args(["-c", "import openapi_spec_validator, jsonschema"])
            .output()
            .is_ok_and(|o| o.status.success())
    });
    if found.is_none() {
        assert!(
            !required(),
            "{test}: WXLIVE_REQUIRE_OPENAPI=1 but no Python has openapi-spec-validator and jsonschema \
             (set WXLIVE_OPENAPI_PYTHON, or run `python3 -m venv target/pyenv && target/pyenv/bin/pip \
             install openapi-spec-validator jsonschema`)"
        );
        println!(
            "{test}: did NOT run: no Python with openapi-spec-validator and jsonschema (.ci/run installs \
             them into target/pyenv; set WXLIVE_REQUIRE_OPENAPI=1 to make this a failure)"
        );
    }
    found
}

/// Runs `scripts/openapi_check.py` with `args`; one JSON value per output line.
fn check_script(python: &Path, args: &[&str]) -> Vec<Value> {
    let out = Command::new(python)
        .arg(root().join("scripts/openapi_check.py"))
        .args(args)
        .output()
        .expect("python runs");
    assert!(
        out.status.success(),
        "openapi_check.py {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Every exported document: (path, parsed), with the IR of its product.
fn exports() -> Vec<(PathBuf, Value, ir::Product)> {
    let mut out = Vec::new();
    for (spec, crate_dir) in EXPORTS {
        let ir = wxlive_codegen::load(&root().join(spec), spec).expect("spec loads");
        for p in ir.products {
            let path = root()
                .join(crate_dir)
                .join(format!("openapi/{}.json", p.name));
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e} (run `cargo xtask codegen`)", path.display()));
            out.push((path, serde_json::from_str(&text).unwrap(), p));
        }
    }
    out
}

fn scratch_file(name: &str, value: &Value) -> PathBuf {
    let path = std::env::temp_dir().join(format!("wxlive-{}-{name}", std::process::id()));
    std::fs::write(&path, serde_json::to_string(value).unwrap()).unwrap();
    path
}

#[test]
fn exported_documents_are_valid_openapi_3_1() {
    let Some(python) = python("exported_documents_are_valid_openapi_3_1") else {
        return;
    };
    let docs = exports();
    let products: usize = EXPORTS
        .iter()
        .map(|(spec, _)| {
            let dir = root().join(spec);
            std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .filter(|entry| {
                    entry
                        .as_ref()
                        .unwrap()
                        .path()
                        .join("product.yaml")
                        .is_file()
                })
                .count()
        })
        .sum();
    assert_eq!(
        docs.len(),
        products,
        "one document per product directory of each spec"
    );
    // A broken copy (a parameter in no location, a path without its leading slash) must be rejected,
    // or the validator is not looking.
    let mut broken = docs[0].1.clone();
    let paths = broken["paths"].as_object_mut().unwrap();
    let (first, item) = paths
        .iter()
        .next()
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap();
    paths.insert(first.trim_start_matches('/').to_owned(), item);
    broken["paths"]["/cgi-bin/gettoken"]["get"]["parameters"][0]["in"] = json!("nowhere");
    let broken_path = scratch_file("broken-openapi.json", &broken);
    let mut files: Vec<String> = docs.iter().map(|(p, ..)| p.display().to_string()).collect();
    files.push(broken_path.display().to_string());
    let args: Vec<&str> = std::iter::once("documents")
        .chain(files.iter().map(String::as_str))
        .collect();
    let results = check_script(&python, &args);
    let _ = std::fs::remove_file(&broken_path);
    assert_eq!(results.len(), files.len());
    for (result, file) in results.iter().zip(&files) {
        let errors = result["errors"].as_array().unwrap();
        if file == files.last().unwrap() {
            assert!(
                !errors.is_empty(),
                "the broken document passed the validator"
            );
        } else {
            assert!(errors.is_empty(), "{file}: {errors:#?}");
        }
    }
}

/// One instance to validate against a schema of a document, and whether it must pass.
struct Case {
    label: String,
    doc: String,
    schema: Value,
    instance: Value,
    valid: bool,
}

/// The operation of `e` in `doc`.
fn operation<'a>(doc: &'a Value, e: &ir::Endpoint) -> &'a Value {
    let method = e.method.as_str().to_ascii_lowercase();
    let op = &doc["paths"][&e.path][&method];
    assert!(op.is_object(), "no {method} {} in the document", e.path);
    op
}

/// The schema and the exported example of endpoint `id` in the media type at `pointer` of `op`: an
/// operation shared by several endpoints has `anyOf` their schemas (titled by operationId) and keys
/// their examples by operationId.
fn media<'a>(op: &'a Value, pointer: &str, id: &str) -> (&'a Value, Option<&'a Value>) {
    let m = op
        .pointer(pointer)
        .unwrap_or_else(|| panic!("{id}: no {pointer}"));
    if op.get("x-operations").is_some() {
        let schema = m["schema"]["anyOf"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|s| s["title"] == id)
            .unwrap_or_else(|| panic!("{id}: not among the schemas at {pointer}"));
        (schema, m.pointer(&format!("/examples/{id}/value")))
    } else {
        (&m["schema"], m.pointer("/examples/spec/value"))
    }
}

const BODY: &str = "/requestBody/content/application~1json";
const FORM: &str = "/requestBody/content/multipart~1form-data";
const RESPONSE: &str = "/responses/200/content/application~1json";

/// A request example as the client sends it: (query, body), each with its constants.
fn split_request(e: &ir::Endpoint, example: &Value) -> (Map<String, Value>, Map<String, Value>) {
    let mut query = Map::new();
    let mut body = Map::new();
    for (k, v) in example.as_object().expect("an object example") {
        let in_query = e
            .request
            .iter()
            .any(|f| f.location == Location::Query && &f.wire == k)
            || e.constants
                .iter()
                .any(|c| c.location == Location::Query && &c.wire == k);
        if in_query { &mut query } else { &mut body }.insert(k.clone(), v.clone());
    }
    for c in &e.constants {
        match c.location {
            Location::Query => &mut query,
            Location::Body => &mut body,
        }
        .entry(c.wire.clone())
        .or_insert_with(|| c.value.to_json());
    }
    (query, body)
}

/// The query parameters of `op` as one object schema.
fn query_schema(op: &Value) -> Value {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for p in op["parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["in"] == "query")
    {
        let name = p["name"].as_str().unwrap().to_owned();
        if p["required"] == json!(true) {
            required.push(json!(name));
        }
        properties.insert(name, p["schema"].clone());
    }
    json!({ "type": "object", "properties": properties, "required": required })
}

/// Copies of `instance` that `schema` must reject: a required field left out, an integer given as a
/// string, and each keyword a top-level property has broken (maxLength, minLength, minimum, maximum,
/// maxItems, minItems, pattern, a flag's 0/1).
fn broken_copies(schema: &Value, instance: &Map<String, Value>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    let properties = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    if let Some(name) = schema["required"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find(|n| instance.contains_key(*n))
    {
        let mut copy = instance.clone();
        copy.remove(name);
        out.push((format!("without required `{name}`"), Value::Object(copy)));
    }
    for (name, value) in instance {
        let Some(prop) = properties.get(name) else {
            continue;
        };
        let mut broken = Vec::new();
        if prop["type"] == json!("integer") && value.is_i64() {
            broken.push(("an integer as a string", json!("not a number")));
        }
        if prop["x-flag"] == json!(true) {
            broken.push(("a flag of 2", json!(2)));
        }
        if let Some(max) = prop["maxLength"].as_u64() {
            broken.push((
                "one character too long",
                json!("字".repeat(max as usize + 1)),
            ));
        }
        if let Some(min) = prop["minLength"].as_u64().filter(|m| *m > 0) {
            broken.push((
                "one character too short",
                json!("a".repeat(min as usize - 1)),
            ));
        }
        if let Some(min) = prop["minimum"].as_i64() {
            broken.push(("below the minimum", json!(min - 1)));
        }
        if let Some(max) = prop["maximum"].as_i64() {
            broken.push(("above the maximum", json!(max + 1)));
        }
        if prop["pattern"].is_string() {
            broken.push(("not matching the pattern", json!(" ")));
        }
        if let (Some(max), Some(items)) = (prop["maxItems"].as_u64(), value.as_array()) {
            if let Some(item) = items.first() {
                broken.push(("one item too many", json!(vec![item; max as usize + 1])));
            }
        }
        if let (Some(min), Some(_)) = (
            prop["minItems"].as_u64().filter(|m| *m > 0),
            value.as_array(),
        ) {
            broken.push((
                "one item too few",
                json!(vec![json!("x"); min as usize - 1]),
            ));
        }
        for (what, bad) in broken {
            let mut copy = instance.clone();
            copy.insert(name.clone(), bad);
            out.push((format!("`{name}`: {what}"), Value::Object(copy)));
        }
    }
    out
}

#[test]
fn spec_examples_validate_against_their_exported_schemas_and_broken_copies_do_not() {
    // What needs no validator first: the document carries the spec's examples.
    let docs = exports();
    let mut cases = Vec::new();
    let mut components = Map::new();
    let mut examples = 0;
    for (path, doc, product) in &docs {
        let name = path.display().to_string();
        components.insert(name.clone(), doc["components"].clone());
        let mut push = |label: String, schema: &Value, instance: Value, valid: bool| {
            cases.push(Case {
                label,
                doc: name.clone(),
                schema: schema.clone(),
                instance,
                valid,
            });
        };
        for (domain, e) in product
            .domains
            .iter()
            .flat_map(|d| d.endpoints.iter().map(move |e| (d, e)))
        {
            let op = operation(doc, e);
            let at = format!("{} {}", product.name, e.name);
            let id = format!("{}.{}", domain.name, e.name);
            if let Some(example) = &e.example_request {
                examples += 1;
                let (query, body) = split_request(e, &openapi::example(example));
                if e.method == ir::Method::Post {
                    // An upload's body is the form: its text parts and the file part.
                    let (pointer, part) = match &e.transfer {
                        ir::Transfer::Upload(u) => (FORM, Some(u.part.clone())),
                        _ => (BODY, None),
                    };
                    let (schema, exported) = media(op, pointer, &id);
                    assert_eq!(
                        exported,
                        Some(&Value::Object(body.clone())),
                        "{at}: body example"
                    );
                    let mut body = body.clone();
                    if let Some(part) = part {
                        assert_eq!(schema["properties"][&part]["format"], "binary", "{at}");
                        body.insert(part, json!("the file's bytes"));
                    }
                    push(
                        format!("{at}: request body"),
                        schema,
                        Value::Object(body.clone()),
                        true,
                    );
                    for (what, bad) in broken_copies(schema, &body) {
                        push(format!("{at}: request body {what}"), schema, bad, false);
                    }
                } else {
                    assert!(body.is_empty(), "{at}: a GET has no body");
                }
                for p in op["parameters"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter(|p| p["in"] == "query")
                {
                    let name = p["name"].as_str().unwrap();
                    assert_eq!(
                        p.get("example"),
                        query.get(name),
                        "{at}: example of `{name}`"
                    );
                }
                let schema = query_schema(op);
                push(
                    format!("{at}: query"),
                    &schema,
                    Value::Object(query.clone()),
                    true,
                );
                for (what, bad) in broken_copies(&schema, &query) {
                    push(format!("{at}: query {what}"), &schema, bad, false);
                }
            }
            if let Some(example) = &e.example_response {
                examples += 1;
                let example = openapi::example(example);
                let (schema, exported) = media(op, RESPONSE, &id);
                assert_eq!(exported, Some(&example), "{at}: response example");
                push(format!("{at}: response"), schema, example.clone(), true);
                for (what, bad) in broken_copies(schema, example.as_object().unwrap()) {
                    push(format!("{at}: response {what}"), schema, bad, false);
                }
            }
        }
    }
    assert!(examples >= 40, "only {examples} examples found");
    let negatives = cases.iter().filter(|c| !c.valid).count();
    assert!(negatives >= 100, "only {negatives} broken copies");

    let Some(python) =
        python("spec_examples_validate_against_their_exported_schemas_and_broken_copies_do_not")
    else {
        return;
    };
    let input = json!({
        "components": components,
        "cases": cases.iter().map(|c| json!({
            "label": c.label, "doc": c.doc, "schema": c.schema, "instance": c.instance,
        })).collect::<Vec<_>>(),
    });
    let file = scratch_file("openapi-cases.json", &input);
    let results = check_script(&python, &["cases", &file.display().to_string()]);
    let _ = std::fs::remove_file(&file);
    assert_eq!(results.len(), cases.len());
    let mut wrong = Vec::new();
    for (case, result) in cases.iter().zip(&results) {
        assert_eq!(result["label"], json!(case.label));
        let errors = result["errors"].as_array().unwrap();
        if errors.is_empty() != case.valid {
            wrong.push(format!(
                "{} (expected {}): {errors:?}",
                case.label,
                if case.valid { "valid" } else { "invalid" }
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} cases:\n{}",
        wrong.len(),
        cases.len(),
        wrong.join("\n")
    );
    println!(
        "{} cases ({} spec examples, {negatives} broken copies) checked with jsonschema",
        cases.len(),
        examples
    );
}

/// A parameter of the type the kind takes, as the spec could write it.
fn sample_param(param: ParamType) -> Param {
    match param {
        ParamType::Count => Param::Count(3),
        ParamType::Integer => Param::Integer(-2),
        ParamType::Digits => Param::Digits(2),
        ParamType::Enabled => Param::Enabled(true),
        ParamType::Regex => Param::Regex("^[a-z]+$".into()),
    }
}

/// Keywords of JSON Schema 2020-12 that a constraint may become; anything else must be an `x-` keyword.
const SCHEMA_KEYWORDS: [&str; 7] = [
    "maxLength",
    "minLength",
    "minimum",
    "maximum",
    "maxItems",
    "minItems",
    "pattern",
];

/// Every `(schema, x-constraints entry)` pair in `value`.
fn constraint_entries<'a>(value: &'a Value, out: &mut Vec<(&'a Map<String, Value>, &'a Value)>) {
    match value {
        Value::Object(map) => {
            for entry in map
                .get("x-constraints")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push((map, entry));
            }
            for v in map.values() {
                constraint_entries(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| constraint_entries(v, out)),
        _ => {}
    }
}

#[test]
fn every_constraint_kind_of_the_vocabulary_has_a_keyword_in_the_export() {
    let mut keywords = BTreeSet::new();
    for kind in KINDS {
        let check: Check<String> = Check::from_spec(kind.key, sample_param(kind.param))
            .unwrap_or_else(|e| panic!("{}: {e}", kind.key))
            .expect("an enabled check");
        assert_eq!(check.key(), kind.key);
        let (keyword, value) = openapi::keyword(&check);
        assert!(
            SCHEMA_KEYWORDS.contains(&keyword) || keyword.starts_with("x-"),
            "{}: `{keyword}` is neither a JSON Schema keyword nor an extension",
            kind.key
        );
        assert!(!value.is_null(), "{}: no value", kind.key);
        assert!(
            keywords.insert(keyword),
            "{}: `{keyword}` is taken by another kind",
            kind.key
        );
    }

    // The mini-spec uses every kind; its document lists each, and puts an official one's keyword on
    // the schema it constrains (a product rule or advice only in `x-constraints`).
    let docs = exports();
    let (_, mini, _) = docs.iter().find(|(_, _, p)| p.name == "demo").unwrap();
    let mut entries = Vec::new();
    constraint_entries(mini, &mut entries);
    let mut seen = BTreeSet::new();
    let mut levels = BTreeSet::new();
    for (schema, entry) in &entries {
        let kind = entry["kind"].as_str().unwrap();
        let keyword = entry["keyword"].as_str().unwrap();
        let level = entry["level"].as_str().unwrap();
        seen.insert(kind);
        levels.insert(level);
        if level == "official" {
            assert_eq!(
                schema.get(keyword),
                Some(&entry["value"]),
                "{kind} on {schema:?}"
            );
        } else {
            assert_eq!(
                schema.get(keyword),
                None,
                "a {level} {kind} is not a keyword: {schema:?}"
            );
        }
    }
    for kind in KINDS {
        assert!(
            seen.contains(kind.key),
            "`{}` appears nowhere in the mini-spec's export: use it in tests/fixtures/mini-spec",
            kind.key
        );
    }
    assert_eq!(levels, BTreeSet::from(["advice", "official", "product"]));
}

#[test]
fn the_wecom_document_says_what_the_spec_says() {
    let path = root().join("generated/openapi/wecom.json");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.ends_with("}\n"));
    let second = text.lines().nth(1).unwrap();
    assert!(
        second.starts_with("  \"x-generated-by\": \"@generated by `cargo xtask codegen` from spec/wecom/product.yaml, "),
        "{second}"
    );
    // Every domain file of the product is named (whatever files spec/wecom holds).
    for file in std::fs::read_dir(root().join("spec/wecom")).unwrap() {
        let name = file.unwrap().file_name().into_string().unwrap();
        assert!(
            second.contains(&format!("spec/wecom/{name}")),
            "{name}: {second}"
        );
    }
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "企业微信服务端API");
    assert_eq!(doc["servers"][0]["url"], "https://qyapi.weixin.qq.com");
    assert_eq!(
        doc["components"]["securitySchemes"]["access_token"],
        json!({
            "type": "apiKey", "in": "query", "name": "access_token",
            "description": "The access token from `/cgi-bin/gettoken` (tag `access token`)."
        })
    );
    assert_eq!(doc["security"], json!([{ "access_token": [] }]));
    assert_eq!(
        doc["paths"]["/cgi-bin/gettoken"]["get"]["security"],
        json!([])
    );

    let create = &doc["paths"]["/cgi-bin/living/create"]["post"];
    assert_eq!(create["operationId"], "living.create");
    assert!(create["summary"]
        .as_str()
        .unwrap()
        .starts_with("创建预约直播 — Book a live."));
    assert_eq!(
        create["externalDocs"]["url"],
        "https://developer.work.weixin.qq.com/document/path/93637"
    );
    assert!(create["description"].as_str().unwrap().contains("[96837]("));
    let body = &create["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(body["properties"]["theme"]["maxLength"], 20);
    assert_eq!(
        body["required"],
        json!(["anchor_userid", "theme", "living_start", "living_duration"])
    );
    // A product rule: documented with its level and source, not enforced by the schema.
    let duration = &body["properties"]["living_duration"];
    assert_eq!(duration.get("minimum"), None);
    assert_eq!(duration["x-constraints"][0]["level"], "product");
    assert_eq!(duration["x-constraints"][0]["value"], 60);
    assert_eq!(
        body["properties"]["type"]["$ref"],
        "#/components/schemas/LivingType"
    );
    assert_eq!(body["properties"]["type"]["default"], 0);
    assert_eq!(create["x-rules"][0]["kind"], "only_when");
    assert_eq!(create["x-rules"][0]["level"], "advice");
    assert_eq!(
        create["x-rules"][0]["when"],
        json!({ "field": "type", "in": [4] })
    );

    // Bytes have no JSON Schema keyword.
    let modify = &doc["paths"]["/cgi-bin/living/modify"]["post"];
    let theme =
        &modify["requestBody"]["content"]["application/json"]["schema"]["properties"]["theme"];
    assert_eq!(theme["x-max-bytes"], 60);
    assert_eq!(theme.get("maxLength"), None);

    let living_type = &doc["components"]["schemas"]["LivingType"];
    assert_eq!(living_type["type"], "integer");
    assert_eq!(living_type["enum"], json!([0, 1, 2, 3, 4]));
    assert_eq!(living_type["x-enum-varnames"][4], "Activity");
    assert_eq!(living_type["x-enum-descriptions"][4], "活动直播");
    let info = &doc["components"]["schemas"]["LivingInfo"];
    assert_eq!(info["properties"]["open_replay"]["enum"], json!([0, 1]));
    assert_eq!(info["properties"]["open_replay"]["x-flag"], true);
    // `status` is also read as "status " (the official sample's key): either one is required.
    assert_eq!(
        info["allOf"],
        json!([{ "anyOf": [{ "required": ["status"] }, { "required": ["status "] }] }])
    );

    let codes = doc["x-errcodes"].as_array().unwrap();
    let token = codes.iter().find(|c| c["code"] == 40014).unwrap();
    assert_eq!(token["class"], "token_invalid");
    assert_eq!(token["title"], "不合法的access_token");
    assert!(token["hint"].is_string());
}

#[test]
fn the_wxa_document_has_get_parameters_constants_and_pagination() {
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("generated/openapi/wxa.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(doc["servers"][0]["url"], "https://api.weixin.qq.com");
    let push = &doc["paths"]["/wxaapi/broadcast/room/getpushurl"]["get"];
    assert_eq!(push.get("requestBody"), None);
    assert_eq!(
        push["parameters"][0],
        json!({
            "name": "roomId", "in": "query", "required": true, "description": "Room id.",
            "schema": { "type": "integer", "format": "int64" }, "example": 1
        })
    );
    // getliveinfo serves two endpoints (rooms, and with `action: get_replay` replays): one operation
    // with both bodies, both responses and each endpoint's own description in `x-operations`.
    let item = doc["paths"]["/wxa/business/getliveinfo"]
        .as_object()
        .unwrap();
    assert_eq!(item.keys().collect::<Vec<_>>(), ["post"]);
    let shared = &item["post"];
    assert_eq!(
        shared["operationId"],
        "broadcast.get_live_info_or_get_replay"
    );
    let own: Vec<&Value> = shared["x-operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| &op["operationId"])
        .collect();
    assert_eq!(own, ["broadcast.get_live_info", "broadcast.get_replay"]);
    let (replay, example) = media(shared, BODY, "broadcast.get_replay");
    assert_eq!(replay["properties"]["action"]["const"], "get_replay");
    assert!(replay["required"]
        .as_array()
        .unwrap()
        .contains(&json!("action")));
    assert_eq!(example.unwrap()["action"], "get_replay");
    let (rooms, _) = media(shared, BODY, "broadcast.get_live_info");
    assert_eq!(rooms["properties"].get("action"), None);
    assert_eq!(
        shared["x-operations"][1]["x-pagination"]["items"],
        "live_replay"
    );
    // A time the spec writes relative to now is given at a fixed time, so the file stays the same.
    let (_, rooms_example) = media(shared, RESPONSE, "broadcast.get_live_info");
    assert_eq!(
        rooms_example.unwrap()["room_info"][0]["start_time"],
        openapi::EXAMPLE_NOW - 600
    );
    let role_list = &doc["paths"]["/wxaapi/broadcast/role/getrolelist"]["get"];
    assert!(role_list.get("x-pagination").is_some(), "{role_list:#}");
}

/// Every `$ref` in `value`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(Value::as_str) {
                out.push(r);
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// The `$ref`s of `doc` that name no component.
fn dangling(doc: &Value) -> Vec<String> {
    let mut found = Vec::new();
    refs(doc, &mut found);
    assert!(!found.is_empty());
    found
        .into_iter()
        .filter(|r| match r.strip_prefix("#/components/schemas/") {
            Some(name) => doc["components"]["schemas"].get(name).is_none(),
            None => true,
        })
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_reference_names_a_component_and_names_shared_by_domains_are_qualified() {
    for (path, doc, _) in exports() {
        assert_eq!(dangling(&doc), Vec::<String>::new(), "{}", path.display());
    }
    // The mini-spec with its widgets' enum `Color` renamed `Level`, as checks.yaml has one.
    let dir = support::scratch("openapi-shared-names");
    let from = root().join("tests/fixtures/mini-spec/demo");
    std::fs::create_dir_all(dir.join("demo")).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.ends_with("widgets.yaml") {
            let renamed = text
                .replace("  Color:\n", "  Level:\n")
                .replace("type: Color", "type: Level");
            assert_ne!(renamed, text);
            text = renamed;
        }
        std::fs::write(dir.join("demo").join(path.file_name().unwrap()), text).unwrap();
    }
    let spec = wxlive_codegen::load(&dir, "mini").expect("the renamed mini-spec loads");
    let _ = std::fs::remove_dir_all(&dir);
    let files = openapi::documents(&spec);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].path, "openapi/demo.json");
    let doc: Value = serde_json::from_str(&files[0].contents).unwrap();
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    assert!(schemas.contains_key("checks.Level"), "{:?}", schemas.keys());
    assert!(schemas.contains_key("widgets.Level"));
    assert!(!schemas.contains_key("Level"));
    assert!(
        schemas.contains_key("Mode"),
        "a name of one domain stays plain"
    );
    assert_eq!(
        schemas["widgets.Level"]["x-enum-varnames"],
        json!(["Red", "Blue"])
    );
    assert_eq!(dangling(&doc), Vec::<String>::new());
}

#[test]
fn the_benchmark_baseline_is_the_crate_without_its_openapi_documents() {
    let spec = wxlive_codegen::load(&root().join("spec"), "spec").unwrap();
    let options = wxlive_codegen::CrateOptions::default();
    let with = wxlive_codegen::emit::emit_crate(&spec, &options);
    let without = wxlive_codegen::emit::emit_crate_without_openapi(&spec, &options);
    let (documents, rest): (Vec<_>, Vec<_>) = with
        .into_iter()
        .partition(|f| f.path.starts_with("openapi/"));
    assert_eq!(rest, without);
    let paths: Vec<&str> = documents.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(paths, ["openapi/wecom.json", "openapi/wxa.json"]);
}
