//! Pushed events: XML elements that are scalars or declared types read from nested elements.

use std::collections::BTreeSet;

use super::fields::{lower_fields, Side};
use super::names::{self, check_doc_id, check_ident, Case};
use super::types::Scope;
use crate::diag::Diag;
use crate::ir::{self, TypeRef};
use crate::spec::model;

/// Lowers callback `name` at `d` (`callbacks.<name>`); `types` are the domain's lowered types.
pub fn lower(
    d: &mut Diag<'_>,
    name: &str,
    c: &model::Callback,
    scope: &Scope,
    types: &[ir::Object],
) -> ir::Callback {
    check_ident(d, name, Case::Snake);
    check_doc_id(&mut d.at("doc"), &c.doc);
    let fields = lower_fields(&mut d.at("fields"), &c.fields, Side::Decoded, scope);
    for f in &fields {
        if let Err(message) = element(&f.ty, types, &mut BTreeSet::new()) {
            d.error_at(format!("fields.{}.type", f.wire), message);
        }
    }
    ir::Callback {
        event: name.to_owned(),
        title: c.title.clone(),
        summary: c.summary.clone(),
        doc: c.doc.clone(),
        docs: c.docs.clone(),
        msg_type: c.msg_type.clone(),
        fields,
        example: c.example.clone(),
        rust: names::event_name(name),
    }
}

/// Whether `ty` can be read from a callback's XML: a scalar, or a declared type whose fields are
/// (recursively) scalars or such types, read from a nested element.
fn element(ty: &TypeRef, types: &[ir::Object], seen: &mut BTreeSet<usize>) -> Result<(), String> {
    match ty {
        TypeRef::Union(_) => Err(
            "callback elements must be scalars or declared types; unions are JSON-only".into(),
        ),
        TypeRef::List(_) => Err(
            "callback elements must be scalars (string, integer, enum, flag, bool) or a declared type \
             read from a nested element; lists are not supported"
                .into(),
        ),
        TypeRef::Object(o) => {
            if !seen.insert(o.id) {
                // A type that contains itself is reported where it is declared (`check_finite`).
                return Ok(());
            }
            let Some(object) = types.get(o.id) else {
                return Ok(());
            };
            for f in &object.fields {
                element(&f.ty, types, seen)
                    .map_err(|m| format!("field `{}` of type `{}`: {m}", f.wire, o.rust))?;
            }
            seen.remove(&o.id);
            Ok(())
        }
        _ => Ok(()),
    }
}
