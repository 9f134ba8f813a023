//! Mock rules (`mock:` on an endpoint): parsed into the runtime's [`MockBehaviour`] and checked against
//! the endpoint's fields. A rule that cannot be read is a spec error here, so the mock server never
//! has to drop one.

use wxlive_runtime::mock_spec::MockBehaviour;

use super::unknown_field;
use crate::diag::Diag;
use crate::ir::{self, TypeRef};

/// The mock rule at `d` (`endpoints.<name>.mock`), or `None` after reporting its problems.
pub fn lower(
    d: &mut Diag<'_>,
    raw: &serde_yaml::Value,
    request: &[ir::Field],
    response: &[ir::Field],
) -> Option<MockBehaviour> {
    let parsed = serde_json::to_value(raw)
        .map_err(|err| err.to_string())
        .and_then(|json| {
            serde_json::from_value::<MockBehaviour>(json).map_err(|err| err.to_string())
        });
    let rule = match parsed {
        Ok(rule) => rule,
        Err(err) => {
            d.error(format!(
                "{err}; expected one of `create`, `get`, `get_list`, `update`, `list` with its fields"
            ));
            return None;
        }
    };
    let before = d.count();
    check(d, &rule, request, response);
    (d.count() == before).then_some(rule)
}

/// Every field a rule names must exist where it is used (the first segment of a dotted path here; the
/// rest, through object types, in [`check_paths`]).
fn check(d: &mut Diag<'_>, rule: &MockBehaviour, request: &[ir::Field], response: &[ir::Field]) {
    let mut need = |key: &str, wire: &str, fields: &[ir::Field], side: &str| {
        let head = wire.split('.').next().unwrap_or(wire);
        if !fields.iter().any(|f| f.wire == head) {
            d.error_at(
                key,
                format!("{} ({side} field expected)", unknown_field(head, fields)),
            );
        }
    };
    match rule {
        MockBehaviour::Create { id, copy, wrap, .. } => {
            need("create.id", id, response, "response");
            if let Some(wrap) = wrap {
                need("create.wrap", wrap, request, "request");
            }
            // With `wrap`, `copy` reads fields of the wrapped object: checked in `check_paths`.
            if wrap.is_none() {
                for (to, from) in copy {
                    need(&format!("create.copy.{to}"), from, request, "request");
                }
            }
        }
        MockBehaviour::Get { key, into, .. } => {
            need("get.key", key, request, "request");
            need("get.into", into, response, "response");
        }
        MockBehaviour::GetList { key, into, .. } => {
            need("get_list.key", key, request, "request");
            need("get_list.into", into, response, "response");
        }
        MockBehaviour::Update {
            key, wrap, merge, ..
        } => {
            need("update.key", key, request, "request");
            if let Some(wrap) = wrap {
                need("update.wrap", wrap, request, "request");
                if !merge {
                    d.error_at(
                        "update.wrap",
                        "`wrap` says where `merge` reads the changes from; expected `merge: true` with it",
                    );
                }
            }
        }
        MockBehaviour::List {
            filter,
            items,
            cursor,
            next,
            end_flag,
            more_flag,
            total,
            omit_last_cursor,
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
            if let Some(next) = next {
                need("list.next", next, response, "response");
            }
            for (key, flag) in [
                ("end_flag", end_flag),
                ("more_flag", more_flag),
                ("total", total),
            ] {
                if let Some(flag) = flag {
                    need(&format!("list.{key}"), flag, response, "response");
                }
            }
            if let Some(limit) = limit {
                need("list.limit", limit, request, "request");
            }
            if *page_size == 0 {
                d.error_at("list.page_size", "expected a page size of at least 1");
            }
            if next.is_none() && (end_flag.is_some() || *omit_last_cursor) {
                d.error_at(
                    "list",
                    "`end_flag` and `omit_last_cursor` belong to cursor paging; expected `next` too",
                );
            }
        }
    }
}

/// What a path of a mock rule must lead to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    /// Any field.
    Any,
    /// An object (what `wrap` names).
    Object,
    /// A list of scalars (the ids of `get_list.key`).
    ScalarList,
    /// A list of objects (the records of `get_list.into`).
    ObjectList,
}

impl Want {
    fn accepts(self, ty: &TypeRef) -> bool {
        match (self, ty) {
            (Want::Any, _) | (Want::Object, TypeRef::Object(_)) => true,
            (Want::ScalarList, TypeRef::List(item)) => {
                !matches!(**item, TypeRef::Object(_) | TypeRef::List(_))
            }
            (Want::ObjectList, TypeRef::List(item)) => matches!(**item, TypeRef::Object(_)),
            _ => false,
        }
    }

    fn expected(self) -> &'static str {
        match self {
            Want::Any => "a field",
            Want::Object => "an object field (a declared type)",
            Want::ScalarList => "a list of ids (`string[]` or an integer list)",
            Want::ObjectList => "a list of records (a list of a declared type)",
        }
    }
}

/// The paths of the domain's mock rules, whole, through its object types: each segment after the
/// first must be a field of the type before it, and the field at the end what the rule needs. Runs on
/// the rules [`lower`] accepted (it checked the first segments, but those of `copy` under `wrap`).
pub fn check_paths(domain: &ir::Domain, d: &mut Diag<'_>) {
    for e in &domain.endpoints {
        let Some(rule) = &e.mock else { continue };
        let mut d = d.at(format!("endpoints.{}.mock", e.name));
        let mut path = |key: &str, fields: &[ir::Field], path: &str, want: Want| {
            if let Err(message) = resolve(domain, fields, path, want) {
                d.error_at(key, message);
            }
        };
        let (req, resp) = (e.request.as_slice(), e.response.as_slice());
        match rule {
            MockBehaviour::Create { id, copy, wrap, .. } => {
                path("create.id", resp, id, Want::Any);
                if let Some(wrap) = wrap {
                    path("create.wrap", req, wrap, Want::Object);
                    // `copy` reads the wrapped object's fields.
                    if let Ok(TypeRef::Object(o)) = resolve(domain, req, wrap, Want::Object) {
                        if let Some(inner) = domain.types.get(o.id) {
                            for (to, from) in copy {
                                path(&format!("create.copy.{to}"), &inner.fields, from, Want::Any);
                            }
                        }
                    }
                } else {
                    for (to, from) in copy {
                        path(&format!("create.copy.{to}"), req, from, Want::Any);
                    }
                }
            }
            MockBehaviour::Get { key, into, .. } => {
                path("get.key", req, key, Want::Any);
                path("get.into", resp, into, Want::Any);
            }
            MockBehaviour::GetList { key, into, .. } => {
                path("get_list.key", req, key, Want::ScalarList);
                path("get_list.into", resp, into, Want::ObjectList);
            }
            MockBehaviour::Update { key, wrap, .. } => {
                path("update.key", req, key, Want::Any);
                if let Some(wrap) = wrap {
                    path("update.wrap", req, wrap, Want::Object);
                }
            }
            MockBehaviour::List {
                filter,
                items,
                cursor,
                next,
                end_flag,
                more_flag,
                total,
                limit,
                ..
            } => {
                for (record_field, from) in filter {
                    path(&format!("list.filter.{record_field}"), req, from, Want::Any);
                }
                path("list.items", resp, items, Want::Any);
                path("list.cursor", req, cursor, Want::Any);
                if let Some(next) = next {
                    path("list.next", resp, next, Want::Any);
                }
                if let Some(flag) = end_flag {
                    path("list.end_flag", resp, flag, Want::Any);
                }
                if let Some(flag) = more_flag {
                    path("list.more_flag", resp, flag, Want::Any);
                }
                if let Some(total) = total {
                    path("list.total", resp, total, Want::Any);
                }
                if let Some(limit) = limit {
                    path("list.limit", req, limit, Want::Any);
                }
            }
        }
    }
}

/// The type at the dotted `path` from `fields`, if it is what `want` needs.
fn resolve<'a>(
    domain: &'a ir::Domain,
    fields: &'a [ir::Field],
    path: &str,
    want: Want,
) -> Result<&'a TypeRef, String> {
    let mut segments = path.split('.');
    let head = segments.next().unwrap_or(path);
    let mut field = fields
        .iter()
        .find(|f| f.wire == head)
        .ok_or_else(|| unknown_field(head, fields))?;
    for segment in segments {
        let inner = match &field.ty {
            TypeRef::Object(o) => domain.types.get(o.id).map(|t| (&t.fields, &o.rust)),
            _ => None,
        };
        let Some((inner, type_name)) = inner else {
            return Err(format!(
                "`{path}`: `{}` is a `{}`, not an object with a field `{segment}`",
                field.wire, field.ty
            ));
        };
        field = inner.iter().find(|f| f.wire == segment).ok_or_else(|| {
            format!(
                "`{path}`: {} in type `{type_name}`",
                unknown_field(segment, inner)
            )
        })?;
    }
    if want.accepts(&field.ty) {
        Ok(&field.ty)
    } else {
        Err(format!(
            "`{path}` is a `{}`; expected {}",
            field.ty,
            want.expected()
        ))
    }
}
