//! Pagination of an endpoint: which request field carries the cursor (or offset), which response field
//! the next one (or the total), the end signal and the list streamed item by item.

use super::unknown_field;
use crate::diag::Diag;
use crate::ir::{self, TypeRef};
use crate::spec::model::{self, PageEnd};

/// The pagination at `d` (`endpoints.<name>.pagination`), or `None` after reporting its problems.
pub fn lower(
    d: &mut Diag<'_>,
    p: &model::Pagination,
    request: &[ir::Field],
    response: &[ir::Field],
) -> Option<ir::Pagination> {
    let find = |fields: &[ir::Field], wire: &str| fields.iter().find(|f| f.wire == wire).cloned();
    // What is wrong with a named field: missing, or present with another type.
    let wrong = |fields: &[ir::Field], wire: &str, expected: &str| match find(fields, wire) {
        Some(f) => format!("`{wire}` is `{}`; expected {expected}", f.ty),
        None => format!("{}; expected {expected}", unknown_field(wire, fields)),
    };
    let req = find(request, &p.request);
    let resp = find(response, &p.response);
    let mut ok = true;
    let offset_paging = matches!(p.end, PageEnd::Offset);
    let is_int = |f: &ir::Field| f.ty.is_integer();
    match &req {
        Some(f) if offset_paging && is_int(f) => {}
        Some(f) if offset_paging => {
            d.error_at(
                "request",
                format!(
                    "`{}` is `{}`; with `end: offset` the request field must be an integer offset (i32 or i64)",
                    f.wire, f.ty
                ),
            );
            ok = false;
        }
        Some(f) if f.ty == TypeRef::String && !f.required => {}
        Some(f) if f.ty == TypeRef::String => {
            d.error_at(
                "request",
                format!(
                    "`{}` is required; the cursor field must be optional (the first page has none)",
                    f.wire
                ),
            );
            ok = false;
        }
        Some(f) => {
            d.error_at(
                "request",
                format!(
                    "`{}` is `{}`; the cursor field must be an optional string",
                    f.wire, f.ty
                ),
            );
            ok = false;
        }
        None => {
            d.error_at("request", unknown_field(&p.request, request));
            ok = false;
        }
    }
    if offset_paging {
        if !resp.as_ref().is_some_and(is_int) {
            d.error_at(
                "response",
                wrong(
                    response,
                    &p.response,
                    "with `end: offset`, the integer total of the response",
                ),
            );
            ok = false;
        }
        if p.items.is_none() {
            d.error_at(
                "items",
                "`end: offset` needs `items`: the response list whose length advances the offset",
            );
            ok = false;
        }
    } else if !resp.as_ref().is_some_and(|f| f.ty == TypeRef::String) {
        d.error_at(
            "response",
            wrong(response, &p.response, "a string field of the response"),
        );
        ok = false;
    }
    let end = match &p.end {
        PageEnd::EmptyCursor => ir::PageEnd::EmptyCursor,
        PageEnd::Offset => ir::PageEnd::Offset {
            offset: req.as_ref().map_or(TypeRef::I64, |f| f.ty.clone()),
            optional: req.as_ref().is_some_and(|f| !f.required),
            total: resp.as_ref().map_or(TypeRef::I64, |f| f.ty.clone()),
        },
        PageEnd::Flag { field } => match find(response, field) {
            Some(f) if f.ty == TypeRef::Flag => ir::PageEnd::Flag(f.rust),
            _ => {
                d.error_at(
                    "end.field",
                    wrong(response, field, "a `flag` field of the response"),
                );
                ok = false;
                ir::PageEnd::EmptyCursor
            }
        },
    };
    let items = match &p.items {
        None => None,
        Some(wire) => match find(response, wire) {
            Some(ir::Field {
                rust,
                ty: TypeRef::List(item),
                ..
            }) => Some((rust, *item)),
            _ => {
                d.error_at(
                    "items",
                    wrong(response, wire, "a list field of the response"),
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
}
