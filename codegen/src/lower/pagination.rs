//! Pagination of an endpoint: which request field carries the cursor (or offset), which response field
//! the next one (or the total), the end signal and the list streamed item by item.
//!
//! End signals: `empty_cursor` (the next cursor is empty or absent), `{field: f}` (flag `f` set on the
//! last page), `{more: f}` (flag or bool `f` set while more pages follow), `offset` (an item offset and a
//! total) and `short_page` (an item offset and a page size, no total: a short or empty page is the last).

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
    let before = d.count();
    let (offset_paging, end_name) = match &p.end {
        PageEnd::Offset => (true, "`end: offset`"),
        PageEnd::ShortPage => (true, "`end: short_page`"),
        _ => (false, ""),
    };
    let req = find(request, &p.request);
    match &req {
        Some(f) if offset_paging && f.ty.is_integer() => {}
        Some(f) if offset_paging => d.error_at(
            "request",
            format!(
                "`{}` is `{}`; with {end_name} the request field must be an integer offset (i32, i64, u32, u64)",
                f.wire, f.ty
            ),
        ),
        Some(f) if f.ty == TypeRef::String && !f.required => {}
        Some(f) if f.ty == TypeRef::String => d.error_at(
            "request",
            format!(
                "`{}` is required; the cursor field must be optional (the first page has none)",
                f.wire
            ),
        ),
        Some(f) => d.error_at(
            "request",
            format!(
                "`{}` is `{}`; the cursor field must be an optional string",
                f.wire, f.ty
            ),
        ),
        None => d.error_at("request", unknown_field(&p.request, request)),
    }
    if offset_paging && p.items.is_none() {
        d.error_at(
            "items",
            format!("{end_name} needs `items`: the response list whose length advances the offset"),
        );
    }
    // The response field: a cursor, a total, or none (short pages).
    let resp = match (&p.end, &p.response) {
        (PageEnd::ShortPage, Some(_)) => {
            d.error_at(
                "response",
                "`end: short_page` reads no response field (there is no total); leave `response` out",
            );
            None
        }
        (PageEnd::ShortPage, None) => None,
        (_, None) => {
            d.error_at(
                "response",
                if offset_paging {
                    "`end: offset` needs `response`: the integer total of the response"
                } else {
                    "expected `response`: the response field with the next cursor"
                },
            );
            None
        }
        (_, Some(wire)) => {
            let found = find(response, wire);
            let ok = match &found {
                Some(f) if offset_paging => f.ty.is_integer(),
                Some(f) => f.ty == TypeRef::String,
                None => false,
            };
            if !ok {
                let expected = if offset_paging {
                    "with `end: offset`, the integer total of the response"
                } else {
                    "a string field of the response"
                };
                d.error_at("response", wrong(response, wire, expected));
            }
            found
        }
    };
    let limit = match (&p.end, &p.limit) {
        (PageEnd::ShortPage, None) => {
            d.error_at(
                "limit",
                "`end: short_page` needs `limit`: the request's integer page size, to tell a short page",
            );
            None
        }
        (PageEnd::ShortPage, Some(wire)) => match find(request, wire) {
            Some(f) if f.ty.is_integer() => Some((f.rust.clone(), f.ty.clone(), !f.required)),
            _ => {
                d.error_at(
                    "limit",
                    wrong(
                        request,
                        wire,
                        "an integer field of the request (the page size)",
                    ),
                );
                None
            }
        },
        (_, Some(_)) => {
            d.error_at(
                "limit",
                "`limit` belongs to `end: short_page`; other end signals do not read it",
            );
            None
        }
        (_, None) => None,
    };
    let offset = || req.as_ref().map_or(TypeRef::I64, |f| f.ty.clone());
    let optional = || req.as_ref().is_some_and(|f| !f.required);
    let end = match &p.end {
        PageEnd::EmptyCursor => Some(ir::PageEnd::EmptyCursor),
        PageEnd::Offset => Some(ir::PageEnd::Offset {
            offset: offset(),
            optional: optional(),
            total: resp.as_ref().map_or(TypeRef::I64, |f| f.ty.clone()),
        }),
        PageEnd::ShortPage => limit.map(|limit| ir::PageEnd::ShortPage {
            offset: offset(),
            optional: optional(),
            limit,
        }),
        PageEnd::Flag { field } => match find(response, field) {
            Some(f) if f.ty == TypeRef::Flag => Some(ir::PageEnd::Flag(f.rust)),
            _ => {
                d.error_at(
                    "end.field",
                    wrong(response, field, "a `flag` field of the response"),
                );
                None
            }
        },
        PageEnd::More { more } => match find(response, more) {
            Some(f) if matches!(f.ty, TypeRef::Flag | TypeRef::Bool) => {
                Some(ir::PageEnd::More(f.rust))
            }
            _ => {
                d.error_at(
                    "end.more",
                    wrong(
                        response,
                        more,
                        "a `flag` or `bool` field of the response that says more pages follow",
                    ),
                );
                None
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
                None
            }
        },
    };
    let end = end?;
    (d.count() == before).then(|| ir::Pagination {
        request: req.map(|f| f.rust).unwrap_or_default(),
        response: resp.map(|f| f.rust).unwrap_or_default(),
        end,
        items,
    })
}
