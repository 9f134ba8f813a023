//! The OpenAPI form of uploads and downloads: an upload's body becomes `multipart/form-data` with the
//! file part as `format: binary` (its limits in `x-upload`); a download answers
//! `application/octet-stream` (and `206` with `Content-Range` where Range is documented) besides the
//! JSON errcode envelope.

use serde_json::{json, Value};

use crate::ir::{Endpoint, Transfer};

/// Rewrites the operation `op` built for JSON into its upload or download form.
pub fn adjust(op: &mut Value, e: &Endpoint) {
    match &e.transfer {
        Transfer::Json => {}
        Transfer::Upload(u) => {
            let limits: Vec<Value> = u
                .limits
                .iter()
                .map(|l| {
                    let mut v = json!({});
                    if let Some(when) = &l.when {
                        v["when"] = json!(when);
                    }
                    if let Some(max) = l.max_size {
                        v["max_size"] = json!(max);
                    }
                    if let Some(min) = l.min_size {
                        v["min_size"] = json!(min);
                    }
                    if !l.extensions.is_empty() {
                        v["extensions"] = json!(l.extensions);
                    }
                    if let Some(source) = &l.source {
                        v["source"] = json!(source);
                    }
                    v["level"] = json!(l.level.as_str());
                    v
                })
                .collect();
            let text: Vec<String> = u
                .limits
                .iter()
                .map(|l| super::media::limit_doc(u.by.as_deref(), l))
                .collect();
            let mut description = "The file.".to_owned();
            if !text.is_empty() {
                description.push_str(&format!(" Limits: {}.", text.join("; ")));
            }
            let mut schema = op
                .pointer("/requestBody/content/application~1json/schema")
                .cloned()
                .unwrap_or_else(|| json!({"type": "object"}));
            if let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) {
                props.insert(
                    u.part.clone(),
                    json!({"type": "string", "format": "binary", "description": description}),
                );
            } else {
                schema["properties"] = json!({ u.part.clone(): {"type": "string", "format": "binary", "description": description} });
            }
            match schema.get_mut("required").and_then(Value::as_array_mut) {
                Some(required) => required.push(json!(u.part)),
                None => schema["required"] = json!([u.part]),
            }
            let mut form = json!({ "schema": schema });
            // The spec's example of the text parts (the file itself has no example).
            if let Some(examples) = op.pointer("/requestBody/content/application~1json/examples") {
                form["examples"] = examples.clone();
            }
            op["requestBody"] = json!({
                "required": true,
                "content": { "multipart/form-data": form },
            });
            let mut upload = json!({ "part": u.part, "limits": limits });
            if let Some(by) = &u.by {
                upload["by"] = json!(by);
            }
            if let Some(returns) = &u.returns {
                upload["returns"] = json!(returns);
            }
            op["x-upload"] = upload;
        }
        Transfer::Download(d) => {
            let envelope = op
                .pointer("/responses/200/content/application~1json")
                .cloned()
                .unwrap_or_else(|| json!({"schema": {"type": "object"}}));
            let file = json!({ "schema": { "type": "string", "format": "binary" } });
            let headers = json!({
                "Content-Disposition": { "description": "attachment; filename=\"…\": the file name.", "schema": {"type": "string"} },
                "Content-Length": { "schema": {"type": "integer"} },
            });
            let mut responses = json!({
                "200": {
                    "description": "The file (its own Content-Type), or on failure the JSON errcode envelope (errcode ≠ 0; see `x-errcodes`). Tell them apart by the headers: JSON Content-Type, or no Content-Disposition and a body starting with `{`.",
                    "headers": headers,
                    "content": { "application/octet-stream": file, "application/json": envelope },
                }
            });
            if d.range {
                responses["206"] = json!({
                    "description": "The requested bytes of the file.",
                    "headers": {
                        "Content-Range": { "description": "bytes start-end/size", "schema": {"type": "string"} },
                    },
                    "content": { "application/octet-stream": { "schema": { "type": "string", "format": "binary" } } },
                });
                let range = json!({
                    "name": "Range",
                    "in": "header",
                    "required": false,
                    "description": "bytes=start-end: part of the file.",
                    "schema": {"type": "string", "pattern": "^bytes=[0-9]+-[0-9]*$", "examples": ["bytes=0-1023"]},
                });
                match op.get_mut("parameters").and_then(Value::as_array_mut) {
                    Some(params) => params.push(range),
                    None => op["parameters"] = json!([range]),
                }
            }
            op["responses"] = responses;
            op["x-download"] = json!({ "key": d.key, "range": d.range });
        }
    }
}
