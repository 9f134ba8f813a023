//! Checks the loaded spec and resolves it into the [`ir`](crate::ir). Every problem is reported with its
//! file and path; nothing here panics on any input.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToSnakeCase, ToUpperCamelCase};

use crate::examples;
use crate::ir::{self, Check, Constraint, Literal, Location, TypeRef};
use crate::spec::error::closest;
use crate::spec::load::LoadedProduct;
use crate::spec::model::{self, Method};
use crate::spec::{SpecError, SpecErrors};
use wxlive_runtime::mock_spec::MockBehaviour;

const BUILTINS: [&str; 6] = ["string", "i32", "i64", "decimal", "bool", "flag"];

/// Resolves and lints every product; returns all problems found.
pub fn resolve(loaded: &[LoadedProduct]) -> Result<ir::Spec, SpecErrors> {
    let mut errs = Errors::default();
    let mut products = Vec::new();
    let mut features = BTreeMap::<String, String>::new();
    for lp in loaded {
        let product = resolve_product(lp, &mut errs, &mut features);
        products.push(product);
    }
    if errs.0.is_empty() {
        Ok(ir::Spec { products })
    } else {
        Err(SpecErrors(errs.0))
    }
}

#[derive(Default)]
struct Errors(Vec<SpecError>);

impl Errors {
    fn at(&mut self, file: &str, path: impl Into<String>, message: impl Into<String>) {
        self.0.push(SpecError::new(file, path, message));
    }
}

fn resolve_product(
    lp: &LoadedProduct,
    errs: &mut Errors,
    features: &mut BTreeMap<String, String>,
) -> ir::Product {
    let p = &lp.product;
    let file = lp.file.as_str();
    check_ident(errs, file, "product", &p.product, Case::Snake);
    check_ident(errs, file, "client", &p.client, Case::Camel);
    check_ident(
        errs,
        file,
        "credentials.id.name",
        &p.credentials.id.name,
        Case::Snake,
    );
    check_ident(
        errs,
        file,
        "credentials.secret.name",
        &p.credentials.secret.name,
        Case::Snake,
    );
    check_doc_id(errs, file, "auth.token.doc", &p.auth.token.doc);
    let mut params = Vec::new();
    for (name, value) in p.auth.token.params.iter() {
        let path = format!("auth.token.params.{name}");
        let v = match value {
            serde_yaml::Value::String(s) if s == "$id" => ir::ParamValue::Id,
            serde_yaml::Value::String(s) if s == "$secret" => ir::ParamValue::Secret,
            serde_yaml::Value::String(s) if s.starts_with('$') => {
                errs.at(file, path, format!("unknown variable `{s}`; expected `$id`, `$secret`, a literal string or a boolean"));
                continue;
            }
            serde_yaml::Value::String(s) => ir::ParamValue::Literal(s.clone()),
            serde_yaml::Value::Bool(b) => ir::ParamValue::Bool(*b),
            _ => {
                errs.at(
                    file,
                    path,
                    "expected `$id`, `$secret`, a literal string or a boolean",
                );
                continue;
            }
        };
        params.push((name.clone(), v));
    }
    check_errors(errs, file, "errors", &p.errors);
    let domains = lp
        .domains
        .iter()
        .map(|(file, d)| resolve_domain(file, d, errs, features))
        .collect();
    ir::Product {
        file: lp.file.clone(),
        name: p.product.clone(),
        title: p.title.clone(),
        summary: p.summary.clone(),
        host: p.host.clone(),
        doc_base: p.doc_base.clone(),
        client: p.client.clone(),
        credentials: [
            (
                p.credentials.id.name.clone(),
                p.credentials.id.title.clone(),
                p.credentials.id.doc.clone(),
            ),
            (
                p.credentials.secret.name.clone(),
                p.credentials.secret.title.clone(),
                p.credentials.secret.doc.clone(),
            ),
        ],
        token_param: p.auth.token_param.clone(),
        token: ir::TokenEndpoint {
            title: p.auth.token.title.clone(),
            doc: p.auth.token.doc.clone(),
            method: p.auth.token.method,
            path: p.auth.token.path.clone(),
            params,
            token_field: p.auth.token.token_field.clone(),
            expires_field: p.auth.token.expires_field.clone(),
        },
        errors: p.errors.clone(),
        mock_errors: p.mock.clone().unwrap_or_default(),
        domains,
    }
}

fn check_errors(errs: &mut Errors, file: &str, path: &str, codes: &[model::ErrorCode]) {
    let mut seen_codes = BTreeSet::new();
    let mut seen_names = BTreeSet::new();
    for (i, e) in codes.iter().enumerate() {
        if !seen_codes.insert(e.code) {
            errs.at(
                file,
                format!("{path}[{i}].code"),
                format!("duplicate errcode {}; expected each errcode once", e.code),
            );
        }
        if !seen_names.insert(e.name.clone()) {
            errs.at(
                file,
                format!("{path}[{i}].name"),
                format!("duplicate error name `{}`", e.name),
            );
        }
        check_ident(
            errs,
            file,
            &format!("{path}[{i}].name"),
            &e.name,
            Case::Snake,
        );
        if let Some(doc) = &e.doc {
            check_doc_id(errs, file, &format!("{path}[{i}].doc"), doc);
        }
    }
}

/// Names declared in one domain.
pub(crate) struct Scope<'a> {
    pub(crate) domain: &'a model::DomainFile,
}

impl Scope<'_> {
    fn names(&self) -> impl Iterator<Item = &str> {
        BUILTINS
            .into_iter()
            .chain(self.domain.enums.keys().map(String::as_str))
            .chain(self.domain.types.keys().map(String::as_str))
    }

    fn resolve(&self, ty: &str) -> Result<TypeRef, String> {
        let ty = ty.trim();
        if let Some(inner) = ty.strip_suffix("[]") {
            return Ok(TypeRef::List(Box::new(self.resolve(inner)?)));
        }
        Ok(match ty {
            "string" => TypeRef::String,
            "i32" => TypeRef::I32,
            "i64" => TypeRef::I64,
            "decimal" => TypeRef::Decimal,
            "bool" => TypeRef::Bool,
            "flag" => TypeRef::Flag,
            name if self.domain.enums.contains_key(name) => TypeRef::Enum(name.to_owned()),
            name if self.domain.types.contains_key(name) => TypeRef::Object(name.to_owned()),
            name => {
                let mut message = format!(
                    "unknown type `{name}`; expected one of {}, a declared enum or type, or `T[]`",
                    BUILTINS.join(", ")
                );
                if let Some(best) = closest(name, self.names()) {
                    message.push_str(&format!(" (did you mean `{best}`?)"));
                }
                return Err(message);
            }
        })
    }
}

fn resolve_domain(
    file: &str,
    d: &model::DomainFile,
    errs: &mut Errors,
    features: &mut BTreeMap<String, String>,
) -> ir::Domain {
    check_ident(errs, file, "domain", &d.domain, Case::Snake);
    check_doc_id(errs, file, "doc", &d.doc);
    if !d
        .feature
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
        || d.feature.is_empty()
    {
        errs.at(
            file,
            "feature",
            format!(
                "`{}` is not a valid cargo feature name; expected lowercase letters, digits, `-`",
                d.feature
            ),
        );
    }
    if let Some(other) = features.insert(d.feature.clone(), file.to_owned()) {
        errs.at(
            file,
            "feature",
            format!(
                "feature `{}` is already used by {other}; expected a unique feature per domain",
                d.feature
            ),
        );
    }
    let scope = Scope { domain: d };
    let enums = d
        .enums
        .iter()
        .map(|(name, e)| resolve_enum(file, name, e, errs))
        .collect();
    let mut type_names = BTreeSet::new();
    for name in d.enums.keys().chain(d.types.keys()) {
        if !type_names.insert(name) {
            errs.at(
                file,
                format!("types.{name}"),
                format!("`{name}` is declared both as an enum and as a type"),
            );
        }
    }
    let types = d
        .types
        .iter()
        .map(|(name, t)| {
            check_ident(errs, file, &format!("types.{name}"), name, Case::Camel);
            let fields = resolve_fields(
                file,
                &format!("types.{name}.fields"),
                &t.fields,
                (Location::Body, false),
                &scope,
                errs,
            );
            let rules = resolve_rules(
                file,
                &format!("types.{name}"),
                &t.rules,
                &fields,
                &scope,
                errs,
            );
            ir::Object {
                name: name.clone(),
                doc: t.doc.clone(),
                fields,
                rules,
            }
        })
        .collect::<Vec<_>>();
    let endpoints = d
        .endpoints
        .iter()
        .map(|(name, e)| resolve_endpoint(file, name, e, &scope, errs))
        .collect::<Vec<_>>();
    let callbacks = d
        .callbacks
        .iter()
        .map(|(name, c)| {
            let path = format!("callbacks.{name}");
            check_ident(errs, file, &path, name, Case::Snake);
            check_doc_id(errs, file, &format!("{path}.doc"), &c.doc);
            let fields = resolve_fields(
                file,
                &format!("{path}.fields"),
                &c.fields,
                (Location::Body, false),
                &scope,
                errs,
            );
            for f in &fields {
                if let Err(message) = callback_element(&f.ty, &types, &mut BTreeSet::new()) {
                    errs.at(file, format!("{path}.fields.{}.type", f.wire), message);
                }
            }
            let cb = ir::Callback {
                event: name.clone(),
                title: c.title.clone(),
                summary: c.summary.clone(),
                doc: c.doc.clone(),
                docs: c.docs.clone(),
                msg_type: c.msg_type.clone(),
                fields,
                example: c.example.clone(),
            };
            for problem in examples::check_callback_example_with_types(&cb, &types) {
                errs.at(file, format!("{path}.example"), problem);
            }
            cb
        })
        .collect();
    let domain = ir::Domain {
        file: file.to_owned(),
        name: d.domain.clone(),
        feature: d.feature.clone(),
        title: d.title.clone(),
        summary: d.summary.clone(),
        doc: d.doc.clone(),
        enums,
        types,
        endpoints,
        callbacks,
    };
    if errs.0.iter().all(|e| e.file != file) {
        for (path, problem) in examples::check_endpoint_examples(&domain) {
            errs.at(file, path, problem);
        }
    }
    domain
}

fn resolve_enum(file: &str, name: &str, e: &model::EnumDef, errs: &mut Errors) -> ir::Enum {
    let path = format!("enums.{name}");
    check_ident(errs, file, &path, name, Case::Camel);
    let mut values = Vec::new();
    let mut seen_values = BTreeMap::new();
    let mut seen_names = BTreeSet::new();
    let mut kinds = BTreeSet::new();
    if e.values.is_empty() {
        errs.at(
            file,
            format!("{path}.values"),
            "an enum needs at least one value",
        );
    }
    for (i, v) in e.values.iter().enumerate() {
        let vpath = format!("{path}.values[{i}]");
        let value = match &v.value {
            serde_yaml::Value::Number(n) if n.as_i64().is_some() => {
                Literal::Int(n.as_i64().unwrap_or_default())
            }
            serde_yaml::Value::String(s) => Literal::Str(s.clone()),
            _ => {
                errs.at(
                    file,
                    format!("{vpath}.value"),
                    "expected an integer or a string",
                );
                continue;
            }
        };
        kinds.insert(matches!(value, Literal::Str(_)));
        if let Some(first) = seen_values.insert(value.clone(), i) {
            errs.at(
                file,
                format!("{vpath}.value"),
                format!(
                    "duplicate value {value} (already at values[{first}]); expected unique values"
                ),
            );
        }
        if !seen_names.insert(v.name.clone()) {
            errs.at(
                file,
                format!("{vpath}.name"),
                format!("duplicate variant name `{}`", v.name),
            );
        }
        check_ident(errs, file, &format!("{vpath}.name"), &v.name, Case::Camel);
        if v.name == "Unknown" {
            errs.at(
                file,
                format!("{vpath}.name"),
                "`Unknown` is reserved for undocumented values",
            );
        }
        values.push(ir::EnumVariant {
            value,
            name: v.name.clone(),
            title: v.title.clone(),
            doc: v.doc.clone(),
        });
    }
    if kinds.len() > 1 {
        errs.at(
            file,
            format!("{path}.values"),
            "mixes integer and string values; expected one kind",
        );
    }
    ir::Enum {
        name: name.to_owned(),
        doc: e.doc.clone(),
        is_string: kinds.contains(&true),
        values,
    }
}

fn resolve_fields(
    file: &str,
    path: &str,
    fields: &model::UniqueMapField,
    (location, request): (Location, bool),
    scope: &Scope<'_>,
    errs: &mut Errors,
) -> Vec<ir::Field> {
    let mut out = Vec::new();
    for (wire, f) in fields.iter() {
        let fpath = format!("{path}.{wire}");
        if f.constant.is_some() {
            // Constants are resolved by `resolve_constants`; anywhere else they make no sense.
            if !request {
                errs.at(
                    file,
                    format!("{fpath}.const"),
                    "`const` applies to request fields (under `query` or `body`) only",
                );
            }
            continue;
        }
        let ty = match scope.resolve(&f.ty) {
            Ok(t) => t,
            Err(message) => {
                errs.at(file, format!("{fpath}.type"), message);
                continue;
            }
        };
        let rust = f
            .rust
            .clone()
            .unwrap_or_else(|| wire.trim().to_snake_case());
        check_ident(errs, file, &format!("{fpath}.rust"), &rust, Case::Snake);
        let constraints = resolve_constraints(file, &fpath, f, &ty, scope, errs);
        if f.lenient && ty != TypeRef::String {
            errs.at(
                file,
                format!("{fpath}.lenient"),
                format!(
                    "`lenient` applies to string fields; this field is `{}`",
                    f.ty
                ),
            );
        }
        if f.lenient && request {
            errs.at(
                file,
                format!("{fpath}.lenient"),
                "`lenient` applies to fields that are decoded (responses, types, callbacks), not to request fields",
            );
        }
        out.push(ir::Field {
            wire: wire.clone(),
            rust,
            ty,
            doc: f.doc.clone(),
            required: f.required,
            default: f.default.as_ref().map(render_yaml),
            aliases: f.aliases.clone(),
            constraints,
            location,
            lenient: f.lenient,
        });
    }
    let mut seen = BTreeMap::new();
    for f in &out {
        if let Some(other) = seen.insert(f.rust.clone(), f.wire.clone()) {
            errs.at(
                file,
                format!("{path}.{}", f.wire),
                format!(
                    "Rust name `{}` is also used by `{other}`; set `rust:` to tell them apart",
                    f.rust
                ),
            );
        }
    }
    out
}

fn resolve_constraints(
    file: &str,
    fpath: &str,
    f: &model::Field,
    ty: &TypeRef,
    scope: &Scope<'_>,
    errs: &mut Errors,
) -> Vec<Constraint> {
    let is_string = *ty == TypeRef::String;
    // Integer enums count as integers: `min`/`max` then restrict the documented values a request may use.
    let is_int = match ty {
        TypeRef::I32 | TypeRef::I64 => true,
        TypeRef::Enum(name) => scope.domain.enums.get(name).is_some_and(|e| {
            e.values
                .iter()
                .all(|v| matches!(&v.value, serde_yaml::Value::Number(_)))
        }),
        _ => false,
    };
    let is_list = matches!(ty, TypeRef::List(_));
    let mut out = Vec::new();
    let mut add =
        |name: &str, applies: bool, expected: &str, check: Check, source: &Option<String>| {
            if applies {
                out.push(Constraint {
                    check,
                    source: source.clone(),
                });
            } else {
                errs.at(
                    file,
                    format!("{fpath}.{name}"),
                    format!(
                        "`{name}` applies to {expected} fields; this field is `{}`",
                        f.ty
                    ),
                );
            }
        };
    if let Some(c) = &f.max_chars {
        add(
            "max_chars",
            is_string,
            "string",
            Check::MaxChars(c.value),
            &c.source,
        );
    }
    if let Some(c) = &f.min_chars {
        add(
            "min_chars",
            is_string,
            "string",
            Check::MinChars(c.value),
            &c.source,
        );
    }
    if let Some(c) = &f.max_bytes {
        add(
            "max_bytes",
            is_string,
            "string",
            Check::MaxBytes(c.value),
            &c.source,
        );
    }
    if let Some(c) = &f.min {
        add("min", is_int, "integer", Check::Min(c.value), &c.source);
    }
    if let Some(c) = &f.max {
        add("max", is_int, "integer", Check::Max(c.value), &c.source);
    }
    if let Some(c) = &f.max_items {
        add(
            "max_items",
            is_list,
            "list",
            Check::MaxItems(c.value),
            &c.source,
        );
    }
    if let Some(c) = &f.min_items {
        add(
            "min_items",
            is_list,
            "list",
            Check::MinItems(c.value),
            &c.source,
        );
    }
    if let Some(c) = &f.future {
        if c.value {
            add(
                "future",
                *ty == TypeRef::I64,
                "i64 timestamp",
                Check::Future,
                &c.source,
            );
        }
    }
    if let Some(c) = &f.max_width {
        add(
            "max_width",
            is_string,
            "string",
            Check::MaxWidth(c.value),
            &c.source,
        );
    }
    if let Some(c) = &f.min_width {
        add(
            "min_width",
            is_string,
            "string",
            Check::MinWidth(c.value),
            &c.source,
        );
    }
    let is_timestamp = *ty == TypeRef::I64;
    if let Some(c) = &f.min_from_now {
        add(
            "min_from_now",
            is_timestamp,
            "i64 timestamp",
            Check::MinFromNow(c.value),
            &c.source,
        );
    }
    if let Some(c) = &f.max_from_now {
        add(
            "max_from_now",
            is_timestamp,
            "i64 timestamp",
            Check::MaxFromNow(c.value),
            &c.source,
        );
    }
    if let Some(c) = &f.max_decimals {
        let is_decimal = *ty == TypeRef::Decimal;
        add(
            "max_decimals",
            is_decimal,
            "decimal",
            Check::MaxDecimals(c.value),
            &c.source,
        );
    }
    let mut ordered = |low: &str, lv: Option<i64>, high: &str, hv: Option<i64>| {
        if let (Some(l), Some(h)) = (lv, hv) {
            if l > h {
                errs.at(
                    file,
                    format!("{fpath}.{low}"),
                    format!("{low} {l} is above {high} {h}; expected {low} <= {high}"),
                );
            }
        }
    };
    let signed = |c: &Option<model::Sourced<u64>>| c.as_ref().map(|c| c.value as i64);
    ordered(
        "min",
        f.min.as_ref().map(|c| c.value),
        "max",
        f.max.as_ref().map(|c| c.value),
    );
    ordered(
        "min_chars",
        signed(&f.min_chars),
        "max_chars",
        signed(&f.max_chars),
    );
    ordered(
        "min_items",
        signed(&f.min_items),
        "max_items",
        signed(&f.max_items),
    );
    ordered(
        "min_width",
        signed(&f.min_width),
        "max_width",
        signed(&f.max_width),
    );
    ordered(
        "min_from_now",
        f.min_from_now.as_ref().map(|c| c.value),
        "max_from_now",
        f.max_from_now.as_ref().map(|c| c.value),
    );
    out
}

/// Whether `ty` can be read from a callback's XML: a scalar, or a declared type whose fields are
/// (recursively) scalars or such types, read from a nested element.
fn callback_element(
    ty: &TypeRef,
    types: &[ir::Object],
    seen: &mut BTreeSet<String>,
) -> Result<(), String> {
    match ty {
        TypeRef::List(_) => Err(
            "callback elements must be scalars (string, integer, enum, flag, bool) or a declared type \
             read from a nested element; lists are not supported"
                .into(),
        ),
        TypeRef::Object(name) => {
            if !seen.insert(name.clone()) {
                return Err(format!("type `{name}` contains itself; expected a finite nesting"));
            }
            let Some(o) = types.iter().find(|o| &o.name == name) else {
                return Ok(());
            };
            for f in &o.fields {
                callback_element(&f.ty, types, seen)
                    .map_err(|m| format!("field `{}` of type `{name}`: {m}", f.wire))?;
            }
            seen.remove(name);
            Ok(())
        }
        _ => Ok(()),
    }
}

fn resolve_endpoint(
    file: &str,
    name: &str,
    e: &model::Endpoint,
    scope: &Scope<'_>,
    errs: &mut Errors,
) -> ir::Endpoint {
    let path = format!("endpoints.{name}");
    check_ident(errs, file, &path, name, Case::Snake);
    check_doc_id(errs, file, &format!("{path}.doc"), &e.doc);
    for (key, id) in [
        ("third_party", &e.docs.third_party),
        ("agent", &e.docs.agent),
    ] {
        if let Some(id) = id {
            check_doc_id(errs, file, &format!("{path}.docs.{key}"), id);
        }
    }
    if !e.path.starts_with('/') {
        errs.at(
            file,
            format!("{path}.path"),
            format!("`{}` must start with `/`", e.path),
        );
    }
    if e.method == Method::Get && !e.body.is_empty() {
        errs.at(
            file,
            format!("{path}.body"),
            "a GET endpoint has no body; expected its fields under `query`",
        );
    }
    let mut request = resolve_fields(
        file,
        &format!("{path}.query"),
        &e.query,
        (Location::Query, true),
        scope,
        errs,
    );
    request.extend(resolve_fields(
        file,
        &format!("{path}.body"),
        &e.body,
        (Location::Body, true),
        scope,
        errs,
    ));
    for f in request.iter().filter(|f| f.location == Location::Query) {
        if matches!(f.ty, TypeRef::List(_) | TypeRef::Object(_)) {
            errs.at(
                file,
                format!("{path}.query.{}.type", f.wire),
                "query parameters must be scalars (string, integer, enum, flag, bool)",
            );
        }
    }
    for wire in e.query.keys() {
        if e.body.contains_key(wire) {
            errs.at(
                file,
                format!("{path}.body.{wire}"),
                format!("`{wire}` is both a query and a body field"),
            );
        }
    }
    let response = resolve_fields(
        file,
        &format!("{path}.response"),
        &e.response,
        (Location::Body, false),
        scope,
        errs,
    );
    for f in &response {
        if matches!(f.wire.as_str(), "errcode" | "errmsg") {
            errs.at(
                file,
                format!("{path}.response.{}", f.wire),
                "errcode and errmsg belong to the envelope; leave them out",
            );
        }
    }
    let find = |fields: &[ir::Field], wire: &str| fields.iter().find(|f| f.wire == wire).cloned();
    let rules = resolve_rules(file, &path, &e.rules, &request, scope, errs);
    let mut constants = resolve_constants(
        file,
        &format!("{path}.query"),
        &e.query,
        Location::Query,
        scope,
        errs,
    );
    constants.extend(resolve_constants(
        file,
        &format!("{path}.body"),
        &e.body,
        Location::Body,
        scope,
        errs,
    ));
    let pagination = e.pagination.as_ref().and_then(|p| {
        let ppath = format!("{path}.pagination");
        let req = find(&request, &p.request);
        let resp = find(&response, &p.response);
        let mut ok = true;
        let offset_paging = matches!(p.end, model::PageEnd::Offset);
        let is_int = |f: &ir::Field| matches!(f.ty, TypeRef::I32 | TypeRef::I64);
        match &req {
            Some(f) if offset_paging && is_int(f) => {}
            Some(_) if offset_paging => {
                errs.at(
                    file,
                    format!("{ppath}.request"),
                    "with `end: offset` the request field must be an integer offset (i32 or i64)",
                );
                ok = false;
            }
            Some(f) if f.ty == TypeRef::String && !f.required => {}
            Some(_) => {
                errs.at(
                    file,
                    format!("{ppath}.request"),
                    "the cursor field must be an optional string",
                );
                ok = false;
            }
            None => {
                errs.at(
                    file,
                    format!("{ppath}.request"),
                    unknown_field(&p.request, &request),
                );
                ok = false;
            }
        }
        if offset_paging {
            if !resp.as_ref().is_some_and(is_int) {
                errs.at(
                    file,
                    format!("{ppath}.response"),
                    format!(
                        "with `end: offset` expected the integer total of the response; {}",
                        unknown_field(&p.response, &response)
                    ),
                );
                ok = false;
            }
            if p.items.is_none() {
                errs.at(
                    file,
                    format!("{ppath}.items"),
                    "`end: offset` needs `items`: the response list whose length advances the offset",
                );
                ok = false;
            }
        } else if !resp.as_ref().is_some_and(|f| f.ty == TypeRef::String) {
            errs.at(
                file,
                format!("{ppath}.response"),
                format!(
                    "expected a string field of the response; {}",
                    unknown_field(&p.response, &response)
                ),
            );
            ok = false;
        }
        let end = match &p.end {
            model::PageEnd::EmptyCursor => ir::PageEnd::EmptyCursor,
            model::PageEnd::Offset => ir::PageEnd::Offset {
                offset: req.as_ref().map_or(TypeRef::I64, |f| f.ty.clone()),
                optional: req.as_ref().is_some_and(|f| !f.required),
                total: resp.as_ref().map_or(TypeRef::I64, |f| f.ty.clone()),
            },
            model::PageEnd::Flag { field } => match find(&response, field) {
                Some(f) if f.ty == TypeRef::Flag => ir::PageEnd::Flag(f.rust),
                _ => {
                    errs.at(
                        file,
                        format!("{ppath}.end.field"),
                        format!(
                            "expected a `flag` field of the response; {}",
                            unknown_field(field, &response)
                        ),
                    );
                    ok = false;
                    ir::PageEnd::EmptyCursor
                }
            },
        };
        let items = match &p.items {
            None => None,
            Some(wire) => match find(&response, wire) {
                Some(ir::Field {
                    rust,
                    ty: TypeRef::List(item),
                    ..
                }) => Some((rust, *item)),
                _ => {
                    errs.at(
                        file,
                        format!("{ppath}.items"),
                        format!(
                            "expected a list field of the response; {}",
                            unknown_field(wire, &response)
                        ),
                    );
                    ok = false;
                    None
                }
            },
        };
        ok.then(|| ir::Pagination {
            request: req.map(|f| f.rust).unwrap_or_default(),
            response: resp.map(|f| f.rust).unwrap_or_default(),
            end,
            items,
        })
    });
    check_errors(errs, file, &format!("{path}.errors"), &e.errors);
    let to_json = |v: &Option<serde_yaml::Value>, which: &str, errs: &mut Errors| {
        v.as_ref().and_then(|v| match serde_json::to_value(v) {
            Ok(j) => Some(j),
            Err(err) => {
                errs.at(
                    file,
                    format!("{path}.examples.{which}"),
                    format!("not representable as JSON: {err}"),
                );
                None
            }
        })
    };
    let example_request = to_json(&e.examples.request, "request", errs);
    let example_response = to_json(&e.examples.response, "response", errs);
    let mock = e.mock.as_ref().and_then(|raw| {
        let parsed = serde_json::to_value(raw)
            .map_err(|err| err.to_string())
            .and_then(|json| {
                serde_json::from_value::<MockBehaviour>(json).map_err(|err| err.to_string())
            });
        match parsed {
            Ok(rule) => Some(rule),
            Err(err) => {
                errs.at(
                    file,
                    format!("{path}.mock"),
                    format!(
                        "{err}; expected one of `create`, `get`, `update`, `list` with its fields"
                    ),
                );
                None
            }
        }
    });
    if let Some(rule) = &mock {
        for (field, problem) in check_mock(rule, &request, &response) {
            errs.at(file, format!("{path}.mock.{field}"), problem);
        }
    }
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
    }
}

/// Problems of a `mock:` rule: every field it names must exist where it is used.
fn check_mock(
    rule: &MockBehaviour,
    request: &[ir::Field],
    response: &[ir::Field],
) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    let mut need = |key: &str, wire: &str, fields: &[ir::Field], side: &str| {
        let head = wire.split('.').next().unwrap_or(wire);
        if !fields.iter().any(|f| f.wire == head) {
            problems.push((
                key.to_owned(),
                format!("{} ({side} field expected)", unknown_field(head, fields)),
            ));
        }
    };
    match rule {
        MockBehaviour::Create { id, copy, .. } => {
            need("create.id", id, response, "response");
            for (to, from) in copy {
                need(&format!("create.copy.{to}"), from, request, "request");
            }
        }
        MockBehaviour::Get { key, into, .. } => {
            need("get.key", key, request, "request");
            need("get.into", into, response, "response");
        }
        MockBehaviour::Update { key, .. } => need("update.key", key, request, "request"),
        MockBehaviour::List {
            filter,
            items,
            cursor,
            next,
            end_flag,
            limit,
            page_size,
            ..
        } => {
            for (record_field, req) in filter {
                need(
                    &format!("list.filter.{record_field}"),
                    req,
                    request,
                    "request",
                );
            }
            need("list.items", items, response, "response");
            need("list.cursor", cursor, request, "request");
            need("list.next", next, response, "response");
            if let Some(flag) = end_flag {
                need("list.end_flag", flag, response, "response");
            }
            if let Some(limit) = limit {
                need("list.limit", limit, request, "request");
            }
            if *page_size == 0 {
                problems.push((
                    "list.page_size".into(),
                    "expected a page size of at least 1".into(),
                ));
            }
        }
    }
    problems
}

/// The `const:` fields of a request's `query` or `body`.
fn resolve_constants(
    file: &str,
    path: &str,
    fields: &model::UniqueMapField,
    location: Location,
    scope: &Scope<'_>,
    errs: &mut Errors,
) -> Vec<ir::Constant> {
    let mut out = Vec::new();
    for (wire, f) in fields.iter() {
        let Some(value) = &f.constant else { continue };
        let cpath = format!("{path}.{wire}.const");
        let has_rules = f.required
            || f.default.is_some()
            || f.rust.is_some()
            || !f.aliases.is_empty()
            || f.lenient
            || f.max_chars.is_some()
            || f.min_chars.is_some()
            || f.max_bytes.is_some()
            || f.min.is_some()
            || f.max.is_some()
            || f.max_items.is_some()
            || f.min_items.is_some()
            || f.future.is_some()
            || f.max_width.is_some()
            || f.min_width.is_some()
            || f.min_from_now.is_some()
            || f.max_from_now.is_some()
            || f.max_decimals.is_some();
        if has_rules {
            errs.at(
                file,
                format!("{path}.{wire}"),
                "a `const` field is always sent with its value; expected only `type`, `doc` and `const` \
                 (no required, default, rust, aliases, lenient or constraints)",
            );
        }
        let ty = match scope.resolve(&f.ty) {
            Ok(t) => t,
            Err(message) => {
                errs.at(file, format!("{path}.{wire}.type"), message);
                continue;
            }
        };
        let resolved = match (&ty, value) {
            (TypeRef::String, serde_yaml::Value::String(v)) => Some(ir::ConstValue::Str(v.clone())),
            (TypeRef::I32 | TypeRef::I64, serde_yaml::Value::Number(n)) => {
                n.as_i64().map(ir::ConstValue::Int)
            }
            (TypeRef::Bool, serde_yaml::Value::Bool(b)) => Some(ir::ConstValue::Bool(*b)),
            (TypeRef::Enum(name), v) => {
                let known = scope
                    .domain
                    .enums
                    .get(name)
                    .is_some_and(|d| d.values.iter().any(|x| &x.value == v));
                match v {
                    serde_yaml::Value::String(v) if known => Some(ir::ConstValue::Str(v.clone())),
                    serde_yaml::Value::Number(n) if known => n.as_i64().map(ir::ConstValue::Int),
                    _ => {
                        errs.at(
                            file,
                            &cpath,
                            format!("{} is not a value of enum `{name}`", render_yaml(v)),
                        );
                        continue;
                    }
                }
            }
            _ => None,
        };
        let Some(resolved) = resolved else {
            errs.at(
                file,
                &cpath,
                format!(
                    "{} is not a `{}`; a constant is a string, an integer (i32, i64), a bool or an enum value",
                    render_yaml(value),
                    f.ty
                ),
            );
            continue;
        };
        out.push(ir::Constant {
            wire: wire.clone(),
            doc: f.doc.clone(),
            location,
            value: resolved,
        });
    }
    out
}

/// Resolves the cross-field rules of a request or type against its `fields`.
fn resolve_rules(
    file: &str,
    path: &str,
    rules: &[model::Rule],
    fields: &[ir::Field],
    scope: &Scope<'_>,
    errs: &mut Errors,
) -> Vec<ir::Rule> {
    let find = |wire: &str| fields.iter().find(|f| f.wire == wire).cloned();
    let mut out = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let rpath = format!("{path}.rules[{i}]");
        let kinds = [
            r.only_when.is_some(),
            r.required_when.is_some(),
            r.difference.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            errs.at(
                file,
                &rpath,
                "expected exactly one rule kind: `only_when`, `required_when` or `difference`",
            );
            continue;
        }
        let kind = if let Some(d) = &r.difference {
            if !r.fields.is_empty() {
                errs.at(
                    file,
                    format!("{rpath}.fields"),
                    "a `difference` rule governs no `fields`; leave it out",
                );
            }
            let mut operand = |key: &str, wire: &str| match find(wire) {
                Some(f) if matches!(f.ty, TypeRef::I32 | TypeRef::I64) => Some(f),
                Some(f) => {
                    errs.at(
                        file,
                        format!("{rpath}.difference.{key}"),
                        format!(
                            "`{wire}` is `{}`; expected an integer field (i32 or i64)",
                            type_label(&f.ty)
                        ),
                    );
                    None
                }
                None => {
                    errs.at(
                        file,
                        format!("{rpath}.difference.{key}"),
                        unknown_field(wire, fields),
                    );
                    None
                }
            };
            let (field, minus) = (operand("field", &d.field), operand("minus", &d.minus));
            match (d.min, d.max) {
                (None, None) => {
                    errs.at(
                        file,
                        format!("{rpath}.difference"),
                        "expected `min`, `max` or both",
                    );
                    continue;
                }
                (Some(min), Some(max)) if min > max => {
                    errs.at(
                        file,
                        format!("{rpath}.difference.min"),
                        format!("min {min} is above max {max}; expected min <= max"),
                    );
                    continue;
                }
                _ => {}
            }
            let (Some(field), Some(minus)) = (field, minus) else {
                continue;
            };
            ir::RuleKind::Difference {
                field,
                minus,
                min: d.min,
                max: d.max,
            }
        } else {
            let (key, c, required_when) = match (&r.only_when, &r.required_when) {
                (Some(c), _) => ("only_when", c, false),
                (_, Some(c)) => ("required_when", c, true),
                _ => continue,
            };
            let Some(condition) =
                resolve_condition(file, &format!("{rpath}.{key}"), c, fields, scope, errs)
            else {
                continue;
            };
            if r.fields.is_empty() {
                errs.at(
                    file,
                    format!("{rpath}.fields"),
                    format!("`{key}` needs the `fields` it governs"),
                );
            }
            for (j, wire) in r.fields.iter().enumerate() {
                match find(wire) {
                    None => errs.at(
                        file,
                        format!("{rpath}.fields[{j}]"),
                        unknown_field(wire, fields),
                    ),
                    Some(f) if f.required && !required_when => errs.at(
                        file,
                        format!("{rpath}.fields[{j}]"),
                        format!("`{wire}` is required, so it cannot depend on a condition"),
                    ),
                    Some(f) if f.required => errs.at(
                        file,
                        format!("{rpath}.fields[{j}]"),
                        format!(
                            "`{wire}` is always required; `required_when` governs optional fields"
                        ),
                    ),
                    Some(_) if *wire == condition.field.wire => errs.at(
                        file,
                        format!("{rpath}.fields[{j}]"),
                        format!("`{wire}` is the condition's own field"),
                    ),
                    Some(_) => {}
                }
            }
            let fields = r.fields.clone();
            if required_when {
                ir::RuleKind::RequiredWhen { condition, fields }
            } else {
                ir::RuleKind::OnlyWhen { condition, fields }
            }
        };
        out.push(ir::Rule {
            kind,
            source: r.source.clone(),
        });
    }
    out
}

/// `{field, equals}` or `{field, in: [...]}` resolved against `fields`.
fn resolve_condition(
    file: &str,
    cpath: &str,
    c: &model::Condition,
    fields: &[ir::Field],
    scope: &Scope<'_>,
    errs: &mut Errors,
) -> Option<ir::Condition> {
    let Some(field) = fields.iter().find(|f| f.wire == c.field).cloned() else {
        errs.at(
            file,
            format!("{cpath}.field"),
            unknown_field(&c.field, fields),
        );
        return None;
    };
    let (key, raw): (&str, Vec<&serde_yaml::Value>) = match (&c.equals, &c.one_of) {
        (Some(v), None) => ("equals", vec![v]),
        (None, Some(list)) if !list.is_empty() => ("in", list.iter().collect()),
        (None, Some(_)) => {
            errs.at(file, format!("{cpath}.in"), "expected at least one value");
            return None;
        }
        _ => {
            errs.at(
                file,
                cpath,
                "expected exactly one of `equals: value` and `in: [values]`",
            );
            return None;
        }
    };
    let mut values = Vec::new();
    for (k, v) in raw.into_iter().enumerate() {
        let vpath = if key == "in" {
            format!("{cpath}.in[{k}]")
        } else {
            format!("{cpath}.equals")
        };
        let literal = match (v, &field.ty) {
            (serde_yaml::Value::Number(n), TypeRef::I32 | TypeRef::I64 | TypeRef::Enum(_))
                if n.as_i64().is_some() =>
            {
                Literal::Int(n.as_i64().unwrap_or_default())
            }
            (serde_yaml::Value::String(s), TypeRef::String | TypeRef::Enum(_)) => {
                Literal::Str(s.clone())
            }
            _ => {
                errs.at(
                    file,
                    vpath,
                    format!("expected a value of the type of `{}`", field.wire),
                );
                return None;
            }
        };
        if let TypeRef::Enum(en) = &field.ty {
            let known = scope.domain.enums.get(en).is_some_and(|d| {
                d.values.iter().any(|v| match (&v.value, &literal) {
                    (serde_yaml::Value::Number(n), Literal::Int(i)) => n.as_i64() == Some(*i),
                    (serde_yaml::Value::String(s), Literal::Str(t)) => s == t,
                    _ => false,
                })
            });
            if !known {
                errs.at(
                    file,
                    vpath,
                    format!("{literal} is not a value of enum `{en}`"),
                );
            }
        }
        values.push(literal);
    }
    Some(ir::Condition { field, values })
}

fn type_label(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "string".into(),
        TypeRef::I32 => "i32".into(),
        TypeRef::I64 => "i64".into(),
        TypeRef::Decimal => "decimal".into(),
        TypeRef::Bool => "bool".into(),
        TypeRef::Flag => "flag".into(),
        TypeRef::Enum(n) | TypeRef::Object(n) => n.clone(),
        TypeRef::List(t) => format!("{}[]", type_label(t)),
    }
}

fn unknown_field(wire: &str, fields: &[ir::Field]) -> String {
    let mut message = format!("no field `{wire}`");
    let names: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    if let Some(best) = closest(wire, names.iter().copied()) {
        message.push_str(&format!(" (did you mean `{best}`?)"));
    } else if !names.is_empty() {
        message.push_str(&format!("; expected one of {}", names.join(", ")));
    }
    message
}

fn render_yaml(v: &serde_yaml::Value) -> String {
    match v {
        serde_yaml::Value::String(s) => format!("{s:?}"),
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

#[derive(Clone, Copy)]
enum Case {
    Snake,
    Camel,
}

fn check_ident(errs: &mut Errors, file: &str, path: &str, name: &str, case: Case) {
    let valid_ident = !name.is_empty()
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !name.starts_with(|c: char| c.is_ascii_digit());
    let (expected, right_case) = match case {
        Case::Snake => ("a snake_case identifier", name.to_snake_case() == name),
        Case::Camel => (
            "an UpperCamelCase identifier",
            name.to_upper_camel_case() == name,
        ),
    };
    if !valid_ident || !right_case {
        errs.at(file, path, format!("`{name}` is not {expected}"));
    }
}

/// A doc id is appended to the product's `doc_base`: the digits of a WeCom `/document/path/<id>` page,
/// or a relative page path such as `server/API/livebroadcast/studio-management/api_createroom`.
fn check_doc_id(errs: &mut Errors, file: &str, path: &str, id: &str) {
    let path_like = id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !id.starts_with('/')
        && !id.ends_with('/')
        && !id.contains("//")
        && !id.split('/').any(|seg| seg == "." || seg == "..");
    if id.is_empty() || !path_like {
        errs.at(
            file,
            path,
            format!(
                "`{id}` is not an official doc id; expected the digits of /document/path/<id> or a relative page \
                 path below `doc_base` (letters, digits, `-`, `_`, `.`, `/`; no leading `/`, no `..`)"
            ),
        );
    }
}
