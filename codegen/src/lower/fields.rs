//! Fields: types, Rust names (unique per struct), constraints from the runtime's vocabulary, and the
//! `const:` fields of requests.

use std::collections::BTreeMap;

use wxlive_runtime::constraint::End;

use super::names::{check_ident, field_name, Case};
use super::render_yaml;
use super::types::Scope;
use crate::diag::Diag;
use crate::ir::{self, ConstValue, Constraint, Literal, Location, TypeRef};
use crate::spec::model::{Field, SpecConstraint, UniqueMapField};

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
        let found = format!("this field is `{}`", f.ty);
        let constraints = lower_constraints(&mut fd, &f.constraints, (&ty, &found), scope);
        let items = lower_items(&mut fd, f, &ty, scope);
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
        if side.is_request() && !f.aliases.is_empty() {
            fd.error_at(
                "aliases",
                "`aliases` apply to fields that are decoded (responses, types, callbacks), not to request fields",
            );
        }
        if f.flatten && (side != Side::Body || !matches!(ty, TypeRef::Union(_))) {
            fd.error_at(
                "flatten",
                format!(
                    "`flatten` applies to request body fields of a union type; this field is `{}`{}",
                    f.ty,
                    if side == Side::Body { "" } else { " and not in a request body" }
                ),
            );
        }
        if f.flatten && !f.required && side == Side::Body {
            fd.error_at(
                "flatten",
                "a flattened union carries the request's tag, so it must be `required: true`",
            );
        }
        if let Some(default) = &f.default {
            if let Some(problem) = default_problem(default, &ty, scope) {
                fd.error_at("default", problem);
            }
        }
        if side.is_request() && BUILDER_METHODS.contains(&rust.as_str()) {
            fd.error_at(
                "rust",
                format!(
                    "`{rust}` is the request builder's own method; set `rust:` to another name"
                ),
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
            items,
            location: side.location(),
            lenient: f.lenient,
            flatten: f.flatten,
        });
    }
    check_unique_rust_names(d, &out, &[]);
    check_unique_wire_names(d, &out);
    out
}

/// Methods of every request builder besides the setters: no request field may be named like them.
const BUILDER_METHODS: &[&str] = &[
    "build",
    "send",
    "send_to",
    "into_pages",
    "into_items",
    "assemble",
    "new",
    "default",
];

/// Reports fields of `fields` whose Rust name is taken by an earlier one of `fields` or by one of
/// `others` (the query fields, when `fields` are a request's body fields).
pub fn check_unique_rust_names(d: &mut Diag<'_>, fields: &[ir::Field], others: &[ir::Field]) {
    let mut seen: BTreeMap<&str, (String, &str)> = others
        .iter()
        .map(|f| {
            (
                f.rust.as_str(),
                (format!("query field `{}`", f.wire), f.wire.as_str()),
            )
        })
        .collect();
    for f in fields {
        if let Some((other, wire)) = seen.insert(&f.rust, (format!("`{}`", f.wire), &f.wire)) {
            if wire == f.wire {
                // The same wire name twice is reported as such (a query and a body field).
                continue;
            }
            d.error_at(
                &f.wire,
                format!(
                    "Rust name `{}` is also used by {other}; set `rust:` to tell them apart",
                    f.rust
                ),
            );
        }
    }
}

/// Reports aliases that are another field's wire name or alias: decoding could not tell them apart.
fn check_unique_wire_names(d: &mut Diag<'_>, fields: &[ir::Field]) {
    let mut seen: BTreeMap<&str, &str> = fields
        .iter()
        .map(|f| (f.wire.as_str(), f.wire.as_str()))
        .collect();
    for f in fields {
        for (i, alias) in f.aliases.iter().enumerate() {
            if let Some(owner) = seen.insert(alias, &f.wire) {
                if owner != f.wire {
                    d.error_at(
                        format!("{}.aliases[{i}]", f.wire),
                        format!(
                            "`{alias}` is already the wire name or an alias of field `{owner}`; expected \
                             each wire spelling to mean one field"
                        ),
                    );
                }
            }
        }
    }
}

/// What is wrong with `default` as a value of a field of type `ty`, if anything.
fn default_problem(default: &serde_yaml::Value, ty: &TypeRef, scope: &Scope) -> Option<String> {
    use serde_yaml::Value;
    let fits = match (ty, default) {
        (TypeRef::String, Value::String(_)) => true,
        (TypeRef::I32, Value::Number(n)) => n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
        (TypeRef::I64, Value::Number(n)) => n.as_i64().is_some(),
        (TypeRef::U32, Value::Number(n)) => n.as_u64().is_some_and(|i| u32::try_from(i).is_ok()),
        (TypeRef::U64, Value::Number(n)) => n.as_u64().is_some(),
        (TypeRef::Decimal, Value::Number(_)) => true,
        (TypeRef::Bool, Value::Bool(_)) => true,
        (TypeRef::Flag, Value::Number(n)) => matches!(n.as_i64(), Some(0 | 1)),
        (TypeRef::Flag, Value::Bool(_)) => true,
        (TypeRef::Enum(e), v) => {
            let literal = match v {
                Value::String(s) => Some(Literal::Str(s.clone())),
                Value::Number(n) => n.as_i64().map(Literal::Int),
                _ => None,
            };
            let known = literal
                .as_ref()
                .is_some_and(|l| scope.enum_values(e).contains(l));
            if !known {
                return Some(format!(
                    "{} is not a value of enum `{}`",
                    render_yaml(v),
                    e.rust
                ));
            }
            true
        }
        // Lists, objects and unions document their default in words (`doc`), not as a value.
        (TypeRef::List(_) | TypeRef::Object(_) | TypeRef::Union(_), _) => true,
        _ => false,
    };
    (!fits).then(|| format!("{} is not a `{ty}` value", render_yaml(default)))
}

/// The item constraints of `f` (`items:`, at `d.items`): `f` must be a list of scalars, and each
/// constraint must apply to the item type.
fn lower_items(d: &mut Diag<'_>, f: &Field, ty: &TypeRef, scope: &Scope) -> Vec<Constraint> {
    if f.items.is_empty() {
        return Vec::new();
    }
    let mut d = d.at("items");
    match ty {
        TypeRef::List(item) if matches!(**item, TypeRef::Object(_) | TypeRef::List(_)) => {
            d.error(format!(
                "`items` constrains items that are scalars (strings, integers, enums); the items of \
                 `{ty}` are `{item}`, constrained by {}",
                if matches!(**item, TypeRef::Object(_)) {
                    "the rules of the type's own fields"
                } else {
                    "nothing: nest no lists"
                }
            ));
            Vec::new()
        }
        TypeRef::List(item) => {
            let found = format!("the items of this list are `{item}`");
            lower_constraints(&mut d, &f.items, (item, &found), scope)
        }
        _ => {
            d.error(format!(
                "`items` applies to list fields (`T[]`); this field is `{}`",
                f.ty
            ));
            Vec::new()
        }
    }
}

/// The constraints `list` of values of type `ty` (`found` says what they are: `this field is
/// \`string\``): each must apply to the kind, have a valid parameter, and the two ends of a range must
/// be in order.
fn lower_constraints(
    d: &mut Diag<'_>,
    list: &[SpecConstraint],
    (ty, found): (&TypeRef, &str),
    scope: &Scope,
) -> Vec<Constraint> {
    let mut out = Vec::new();
    let mut ranges: BTreeMap<&str, [Option<(&str, i64)>; 2]> = BTreeMap::new();
    for c in list {
        let key = c.info.key;
        if !c.info.applies_to(ty.kind()) {
            d.error_at(
                key,
                format!(
                    "`{key}` applies to {} fields; {found}",
                    c.info.applies.label
                ),
            );
            continue;
        }
        let Some(check) = &c.check else { continue };
        if let Some(problem) = check.parameter_problem() {
            d.error_at(key, problem);
            continue;
        }
        if let Some(problem) = out_of_range(check, ty) {
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
            level: c.level,
        });
    }
    if let TypeRef::Enum(e) = ty {
        let values = scope.enum_values(e);
        let allowed = |v: &i64| {
            out.iter().all(|c| {
                c.check
                    .violation(wxlive_runtime::constraint::Subject::Integer(*v), None)
                    .is_none()
            })
        };
        let ints: Vec<i64> = values
            .iter()
            .filter_map(|l| match l {
                Literal::Int(i) => Some(*i),
                Literal::Str(_) => None,
            })
            .collect();
        if !out.is_empty() && !ints.is_empty() && !ints.iter().any(allowed) {
            d.error(format!(
                "no documented value of enum `{}` satisfies the constraints; expected bounds that \
                 admit at least one of {}",
                e.rust,
                ints.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
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

/// A `min`/`max` that no value of the integer type `ty` can meet or break (`min: -1` on a `u32`).
fn out_of_range(check: &ir::Check, ty: &TypeRef) -> Option<String> {
    let (lo, hi) = ty.kind().integer_range()?;
    let n = match check {
        ir::Check::Min(n) | ir::Check::Max(n) => i128::from(*n),
        _ => return None,
    };
    (n < lo || n > hi).then(|| {
        format!(
            "{} {n} is outside the values of `{ty}`; expected a bound within {lo}..={hi}",
            check.key()
        )
    })
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
            || f.flatten
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
        (
            TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64,
            serde_yaml::Value::Number(n),
        ) => n
            .as_i64()
            .filter(|i| {
                ty.kind()
                    .integer_range()
                    .is_some_and(|(lo, hi)| (lo..=hi).contains(&i128::from(*i)))
            })
            .map(ConstValue::Int),
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
            "{} is not a `{}`; a constant is a string, an integer within its type's range (i32, i64, u32, \
             u64), a bool or an enum value",
            render_yaml(value),
            f.ty
        ));
    }
    resolved
}
