//! An endpoint: method, path and docs, request (query then body) and response fields, constants, and
//! its rules, pagination, errcodes, examples and mock rule.

use super::fields::{check_unique_rust_names, lower_constants, lower_fields, Side};
use super::names::{self, check_doc_id, check_ident, Case};
use super::types::Scope;
use crate::diag::Diag;
use crate::ir::{self, Method, TypeRef};
use crate::spec::model;

/// Lowers endpoint `name` at `d` (`endpoints.<name>`).
pub fn lower(d: &mut Diag<'_>, name: &str, e: &model::Endpoint, scope: &Scope) -> ir::Endpoint {
    check_ident(d, name, Case::Snake);
    check_doc_id(&mut d.at("doc"), &e.doc);
    for (key, id) in [
        ("third_party", &e.docs.third_party),
        ("agent", &e.docs.agent),
    ] {
        if let Some(id) = id {
            check_doc_id(&mut d.at(format!("docs.{key}")), id);
        }
    }
    if !e.path.starts_with('/') {
        d.error_at("path", format!("`{}` must start with `/`", e.path));
    }
    if e.method == Method::Get && !e.body.is_empty() {
        d.error_at(
            "body",
            "a GET endpoint has no body; expected its fields under `query`",
        );
    }
    let mut request = lower_fields(&mut d.at("query"), &e.query, Side::Query, scope);
    let body = lower_fields(&mut d.at("body"), &e.body, Side::Body, scope);
    // Query and body fields share one request struct.
    check_unique_rust_names(&mut d.at("body"), &body, &request);
    request.extend(body);
    for f in request.iter().filter(|f| f.location == ir::Location::Query) {
        if matches!(
            f.ty,
            TypeRef::List(_) | TypeRef::Object(_) | TypeRef::Union(_)
        ) {
            d.error_at(
                format!("query.{}.type", f.wire),
                "query parameters must be scalars (string, integer, enum, flag, bool)",
            );
        }
    }
    for wire in e.query.keys() {
        if e.body.contains_key(wire) {
            d.error_at(
                format!("body.{wire}"),
                format!("`{wire}` is both a query and a body field"),
            );
        }
    }
    let response = lower_fields(&mut d.at("response"), &e.response, Side::Decoded, scope);
    for f in &response {
        if matches!(f.wire.as_str(), "errcode" | "errmsg") {
            d.error_at(
                format!("response.{}", f.wire),
                "errcode and errmsg belong to the envelope; leave them out",
            );
        }
    }
    let rules = super::rules::lower_rules(d, &e.rules, &request, scope);
    let mut constants = lower_constants(&mut d.at("query"), &e.query, Side::Query, scope);
    constants.extend(lower_constants(
        &mut d.at("body"),
        &e.body,
        Side::Body,
        scope,
    ));
    let pagination = e
        .pagination
        .as_ref()
        .and_then(|p| super::pagination::lower(&mut d.at("pagination"), p, &request, &response));
    super::product::check_errors(&mut d.at("errors"), &e.errors);
    let example_request = example_json(&mut d.at("examples.request"), &e.examples.request);
    let example_response = example_json(&mut d.at("examples.response"), &e.examples.response);
    let mock = e
        .mock
        .as_ref()
        .and_then(|raw| super::mock::lower(&mut d.at("mock"), raw, &request, &response));
    let transfer = super::media::lower(d, e, &request, &response, scope);
    ir::Endpoint {
        name: name.to_owned(),
        title: e.title.clone(),
        summary: e.summary.clone(),
        doc: e.doc.clone(),
        docs: e.docs.clone(),
        method: e.method,
        path: e.path.clone(),
        idempotent: e.idempotent,
        request,
        constants,
        response,
        rules,
        pagination,
        errors: e.errors.clone(),
        example_request,
        example_response,
        mock,
        names: names::endpoint_names(name),
        transfer,
    }
}

fn example_json(d: &mut Diag<'_>, v: &Option<serde_yaml::Value>) -> Option<serde_json::Value> {
    let v = v.as_ref()?;
    match serde_json::to_value(v) {
        Ok(json) => Some(json),
        Err(err) => {
            d.error(format!("not representable as JSON: {err}"));
            None
        }
    }
}
