//! Fields: types, Rust names (unique per struct), constraints from the runtime's vocabulary, and the
//! `const:` fields of requests.

use std::collections::BTreeMap;

use wxlive_runtime::constraint::End;

use super::names::{check_ident, field_name, Case};
use super::render_yaml;
use super::types::Scope;
use crate::diag::Diag;
use crate::ir::{self, ConstValue, Constraint, Literal, Location, TypeRef};
use crate::spec::model::{Field, UniqueMapField};

/// Where a list of fields is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A request's query string.
    Query,
    /// A request's JSON body.
    Body,
    /// Something decoded: a response, a declared type, a callback.
    Decoded,
}

impl Side {
    fn location(self) -> Location {
        match self {
            Side::Query => Location::Query,
            _ => Location::Body,
        }
    }

    fn is_request(self) -> bool {
        self != Side::Decoded
    }
}

/// Lowers the fields at `d` (`…body`, `…fields`); `const:` fields are left to [`lower_constants`].
pub fn lower_fields(
    d: &mut Diag<'_>,
    fields: &UniqueMapField,
    side: Side,
    scope: &Scope,
) -> Vec<ir::Field> {
    let mut out = Vec::new();
    for (wire, f) in fields.iter() {
        let mut fd = d.at(wire);
        if f.constant.is_some() {
            if !side.is_request() {
                fd.error_at(
                    "const",
                    "`const` applies to request fields (under `query` or `body`) only",
                );
            }
            continue;
        }
        let ty = match scope.resolve(&f.ty) {
            Ok(t) => t,
            Err(message) => {
                fd.error_at("type", message);
                continue;
            }
        };
        let rust = field_name(wire, f.rust.as_deref());
        check_ident(&mut fd.at("rust"), &rust, Case::Snake);
        let constraints = lower_constraints(&mut fd, f, &ty);
        if f.lenient && ty != TypeRef::String {
            fd.error_at(
                "lenient",
                format!(
                    "`lenient` applies to string fields; this field is `{}`",
                    f.ty
                ),
            );
        }
        if f.lenient && side.is_request() {
            fd.error_at(
                "lenient",
                "`lenient` applies to fields that are decoded (responses, types, callbacks), not to request fields",
            );
        }
        if side.is_request() && rust == "build" {
            fd.error_at(
                "rust",
                "`build` is the request builder's own method; set `rust:` to another name",
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
            location: side.location(),
            lenient: f.lenient,
        });
    }
    let mut seen = BTreeMap::new();
    for f in &out {
        if let Some(other) = seen.insert(f.rust.clone(), f.wire.clone()) {
            d.error_at(
                &f.wire,
                format!(
                    "Rust name `{}` is also used by `{other}`; set `rust:` to tell them apart",
                    f.rust
                ),
            );
        }
    }
    out
}

/// The constraints of `f` (of type `ty`): each must apply to the field's kind, have a valid parameter,
/// and the two ends of a range must be in order.
fn lower_constraints(d: &mut Diag<'_>, f: &Field, ty: &TypeRef) -> Vec<Constraint> {
    let mut out = Vec::new();
    let mut ranges: BTreeMap<&str, [Option<(&str, i64)>; 2]> = BTreeMap::new();
    for c in &f.constraints {
        let key = c.info.key;
        if !c.info.applies_to(ty.kind()) {
            d.error_at(
                key,
                format!(
                    "`{key}` applies to {} fields; this field is `{}`",
                    c.info.applies.label, f.ty
                ),
            );
            continue;
        }
        let Some(check) = &c.check else { continue };
        if let Some(problem) = check.parameter_problem() {
            d.error_at(key, problem);
            continue;
        }
        if let (Some((range, end)), Some(value)) = (c.info.bounds, check.bound_value()) {
            let slot = usize::from(end == End::Upper);
            ranges.entry(range).or_default()[slot] = Some((key, value));
        }
        out.push(Constraint {
            check: check.clone(),
            source: c.source.clone(),
        });
    }
    for [low, high] in ranges.into_values() {
        if let (Some((low, l)), Some((high, h))) = (low, high) {
            if l > h {
                d.error_at(
                    low,
                    format!("{low} {l} is above {high} {h}; expected {low} <= {high}"),
                );
            }
        }
    }
    out
}

/// The `const:` fields of a request's `query` or `body` at `d`.
pub fn lower_constants(
    d: &mut Diag<'_>,
    fields: &UniqueMapField,
    side: Side,
    scope: &Scope,
) -> Vec<ir::Constant> {
    let mut out = Vec::new();
    for (wire, f) in fields.iter() {
        let Some(value) = &f.constant else { continue };
        let mut fd = d.at(wire);
        let has_rules = f.required
            || f.default.is_some()
            || f.rust.is_some()
            || !f.aliases.is_empty()
            || f.lenient
            || !f.constraints.is_empty();
        if has_rules {
            fd.error(
                "a `const` field is always sent with its value; expected only `type`, `doc` and `const` \
                 (no required, default, rust, aliases, lenient or constraints)",
            );
        }
        let ty = match scope.resolve(&f.ty) {
            Ok(t) => t,
            Err(message) => {
                fd.error_at("type", message);
                continue;
            }
        };
        let Some(resolved) = const_value(&mut fd.at("const"), f, &ty, value, scope) else {
            continue;
        };
        out.push(ir::Constant {
            wire: wire.clone(),
            doc: f.doc.clone(),
            location: side.location(),
            value: resolved,
        });
    }
    out
}

fn const_value(
    d: &mut Diag<'_>,
    f: &Field,
    ty: &TypeRef,
    value: &serde_yaml::Value,
    scope: &Scope,
) -> Option<ConstValue> {
    let resolved = match (ty, value) {
        (TypeRef::String, serde_yaml::Value::String(v)) => Some(ConstValue::Str(v.clone())),
        (TypeRef::I32 | TypeRef::I64, serde_yaml::Value::Number(n)) => {
            n.as_i64().map(ConstValue::Int)
        }
        (TypeRef::Bool, serde_yaml::Value::Bool(b)) => Some(ConstValue::Bool(*b)),
        (TypeRef::Enum(e), v) => {
            let literal = match v {
                serde_yaml::Value::String(s) => Some(Literal::Str(s.clone())),
                serde_yaml::Value::Number(n) => n.as_i64().map(Literal::Int),
                _ => None,
            };
            let known = literal
                .as_ref()
                .is_some_and(|l| scope.enum_values(e).contains(l));
            match literal {
                Some(Literal::Str(s)) if known => Some(ConstValue::Str(s)),
                Some(Literal::Int(i)) if known => Some(ConstValue::Int(i)),
                _ => {
                    d.error(format!(
                        "{} is not a value of enum `{}`",
                        render_yaml(v),
                        e.rust
                    ));
                    return None;
                }
            }
        }
        _ => None,
    };
    if resolved.is_none() {
        d.error(format!(
            "{} is not a `{}`; a constant is a string, an integer (i32, i64), a bool or an enum value",
            render_yaml(value),
            f.ty
        ));
    }
    resolved
}
