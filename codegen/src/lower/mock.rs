//! Mock rules (`mock:` on an endpoint): parsed into the runtime's [`MockBehaviour`] and checked against
//! the endpoint's fields. A rule that cannot be read is a spec error here, so the mock server never
//! has to drop one.

use wxlive_runtime::mock_spec::MockBehaviour;

use super::unknown_field;
use crate::diag::Diag;
use crate::ir;

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
                "{err}; expected one of `create`, `get`, `update`, `list` with its fields"
            ));
            return None;
        }
    };
    let before = d.count();
    check(d, &rule, request, response);
    (d.count() == before).then_some(rule)
}

/// Every field a rule names must exist where it is used.
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
