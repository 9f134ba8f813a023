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
                Location::Body,
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
                Location::Body,
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
    location: Location,
    scope: &Scope<'_>,
    errs: &mut Errors,
) -> Vec<ir::Field> {
    let mut out = Vec::new();
    for (wire, f) in fields.iter() {
        let fpath = format!("{path}.{wire}");
        if f.constant.is_some() {
            // Constants are resolved by `resolve_constants`; anywhere else they make no sense.
            if location != Location::Query && !path.contains(".body") {
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
                format!("`lenient` applies to string fields; this field is `{}`", f.ty),
            );
        }
        if f.lenient && (location == Location::Query || path.contains(".body")) {
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
        add("max_width", is_string, "string", Check::MaxWidth(c.value), &c.source);
    }
    if let Some(c) = &f.min_width {
        add("min_width", is_string, "string", Check::MinWidth(c.value), &c.source);
    }
    let is_timestamp = *ty == TypeRef::I64;
    if let Some(c) = &f.min_from_now {
        add("min_from_now", is_timestamp, "i64 timestamp", Check::MinFromNow(c.value), &c.source);
    }
    if let Some(c) = &f.max_from_now {
        add("max_from_now", is_timestamp, "i64 timestamp", Check::MaxFromNow(c.value), &c.source);
    }
    if let Some(c) = &f.max_decimals {
        let is_decimal = *ty == TypeRef::Decimal;
        add("max_decimals", is_decimal, "decimal", Check::MaxDecimals(c.value), &c.source);
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
    ordered("min", f.min.as_ref().map(|c| c.value), "max", f.max.as_ref().map(|c| c.value));
    ordered("min_chars", signed(&f.min_chars), "max_chars", signed(&f.max_chars));
    ordered("min_items", signed(&f.min_items), "max_items", signed(&f.max_items));
    ordered("min_width", signed(&f.min_width), "max_width", signed(&f.max_width));
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
        Location::Query,
        scope,
        errs,
    );
    request.extend(resolve_fields(
        file,
        &format!("{path}.body"),
        &e.body,
        Location::Body,
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
        Location::Body,
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
    let mut rules = Vec::new();
    for (i, r) in e.rules.iter().enumerate() {
        let rpath = format!("{path}.rules[{i}]");
        let Some(condition) = find(&request, &r.only_when.field) else {
            errs.at(
                file,
                format!("{rpath}.only_when.field"),
                unknown_field(&r.only_when.field, &request),
            );
            continue;
        };
        let equals = match (&r.only_when.equals, &condition.ty) {
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
                    format!("{rpath}.only_when.equals"),
                    format!("expected a value of the type of `{}`", condition.wire),
                );
                continue;
            }
        };
        if let TypeRef::Enum(en) = &condition.ty {
            let known = scope.domain.enums.get(en).is_some_and(|d| {
                d.values.iter().any(|v| match (&v.value, &equals) {
                    (serde_yaml::Value::Number(n), Literal::Int(i)) => n.as_i64() == Some(*i),
                    (serde_yaml::Value::String(s), Literal::Str(t)) => s == t,
                    _ => false,
                })
            });
            if !known {
                errs.at(
                    file,
                    format!("{rpath}.only_when.equals"),
                    format!("{equals} is not a value of enum `{en}`"),
                );
            }
        }
        for (j, wire) in r.fields.iter().enumerate() {
            match find(&request, wire) {
                None => errs.at(
                    file,
                    format!("{rpath}.fields[{j}]"),
                    unknown_field(wire, &request),
                ),
                Some(f) if f.required => errs.at(
                    file,
                    format!("{rpath}.fields[{j}]"),
                    format!("`{wire}` is required, so it cannot depend on a condition"),
                ),
                Some(_) => {}
            }
        }
        rules.push(ir::Rule {
            condition,
            equals,
            fields: r.fields.clone(),
            source: r.source.clone(),
        });
    }
    let pagination = e.pagination.as_ref().and_then(|p| {
        let ppath = format!("{path}.pagination");
        let req = find(&request, &p.request);
        let resp = find(&response, &p.response);
        let mut ok = true;
        match &req {
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
        if !resp.as_ref().is_some_and(|f| f.ty == TypeRef::String) {
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
        response,
        rules,
        pagination,
        errors: e.errors.clone(),
        example_request,
        example_response,
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

fn check_doc_id(errs: &mut Errors, file: &str, path: &str, id: &str) {
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_digit()) {
        errs.at(
            file,
            path,
            format!("`{id}` is not an official doc id; expected the digits of /document/path/<id>"),
        );
    }
}
