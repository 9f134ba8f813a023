//! Cross-field rules of a request or a type: `only_when`, `required_when` (with a condition on other
//! fields: a comparison of one scalar field, or `all`/`any` of conditions, nested freely) and
//! `difference` (of two integer fields).

use super::types::Scope;
use super::unknown_field;
use crate::diag::Diag;
use crate::ir::{self, Literal, TypeRef};
use crate::spec::model;

/// The rules at `d` (`…` of a request or type; each rule is `rules[i]` below it) over `fields`.
pub fn lower_rules(
    d: &mut Diag<'_>,
    rules: &[model::Rule],
    fields: &[ir::Field],
    scope: &Scope,
) -> Vec<ir::Rule> {
    let mut out = Vec::new();
    for (i, r) in rules.iter().enumerate() {
        let mut rd = d.at(format!("rules[{i}]"));
        let kinds = [
            r.only_when.is_some(),
            r.required_when.is_some(),
            r.difference.is_some(),
        ];
        if kinds.iter().filter(|k| **k).count() != 1 {
            rd.error(
                "expected exactly one rule kind: `only_when`, `required_when` or `difference`",
            );
            continue;
        }
        let kind = match (&r.difference, &r.only_when, &r.required_when) {
            (Some(diff), _, _) => difference(&mut rd, r, diff, fields),
            (_, Some(c), _) => conditional(&mut rd, r, ("only_when", c), fields, scope),
            (_, _, Some(c)) => conditional(&mut rd, r, ("required_when", c), fields, scope),
            _ => None,
        };
        if let Some(kind) = kind {
            out.push(ir::Rule {
                kind,
                source: r.source.clone(),
                level: r.level,
            });
        }
    }
    out
}

fn difference(
    d: &mut Diag<'_>,
    r: &model::Rule,
    diff: &model::Difference,
    fields: &[ir::Field],
) -> Option<ir::RuleKind> {
    if !r.fields.is_empty() {
        d.error_at(
            "fields",
            "a `difference` rule governs no `fields`; leave it out",
        );
    }
    let mut operand = |key: &str, wire: &str| match fields.iter().find(|f| f.wire == wire) {
        Some(f) if f.ty.is_integer() => Some(f.clone()),
        Some(f) => {
            d.error_at(
                format!("difference.{key}"),
                format!(
                    "`{wire}` is `{}`; expected an integer field (i32, i64, u32, u64)",
                    f.ty
                ),
            );
            None
        }
        None => {
            d.error_at(format!("difference.{key}"), unknown_field(wire, fields));
            None
        }
    };
    let (field, minus) = (operand("field", &diff.field), operand("minus", &diff.minus));
    if diff.field == diff.minus {
        d.error_at(
            "difference.minus",
            format!(
                "`{}` minus itself is always 0; expected two different fields",
                diff.field
            ),
        );
        return None;
    }
    match (diff.min, diff.max) {
        (None, None) => {
            d.error_at("difference", "expected `min`, `max` or both");
            return None;
        }
        (Some(min), Some(max)) if min > max => {
            d.error_at(
                "difference.min",
                format!("min {min} is above max {max}; expected min <= max"),
            );
            return None;
        }
        _ => {}
    }
    Some(ir::RuleKind::Difference {
        field: field?,
        minus: minus?,
        min: diff.min,
        max: diff.max,
    })
}

fn conditional(
    d: &mut Diag<'_>,
    r: &model::Rule,
    (key, c): (&str, &model::Condition),
    fields: &[ir::Field],
    scope: &Scope,
) -> Option<ir::RuleKind> {
    let required_when = key == "required_when";
    // The governed fields are checked even when the condition is broken: every problem is reported.
    let condition = condition(&mut d.at(key), c, fields, scope);
    let read = condition.as_ref().map_or_else(
        || wires_read(c),
        |c| c.fields().iter().map(|f| f.wire.clone()).collect(),
    );
    if r.fields.is_empty() {
        d.error_at("fields", format!("`{key}` needs the `fields` it governs"));
    }
    for (j, wire) in r.fields.iter().enumerate() {
        let mut fd = d.at(format!("fields[{j}]"));
        match fields.iter().find(|f| &f.wire == wire) {
            None => fd.error(unknown_field(wire, fields)),
            Some(f) if f.required && !required_when => fd.error(format!(
                "`{wire}` is required, so it cannot depend on a condition"
            )),
            Some(f) if f.required => fd.error(format!(
                "`{wire}` is always required; `required_when` governs optional fields"
            )),
            Some(_) if read.contains(wire) => {
                fd.error(format!("`{wire}` is the condition's own field"))
            }
            Some(_) => {}
        }
    }
    let condition = condition?;
    let governed = r.fields.clone();
    Some(if required_when {
        ir::RuleKind::RequiredWhen {
            condition,
            fields: governed,
        }
    } else {
        ir::RuleKind::OnlyWhen {
            condition,
            fields: governed,
        }
    })
}

/// A condition at `d` (`{field, equals}`, `{field, in: [...]}`, `{all: [...]}` or `{any: [...]}`),
/// resolved against `fields`. Every problem is reported; `None` when there was one.
fn condition(
    d: &mut Diag<'_>,
    c: &model::Condition,
    fields: &[ir::Field],
    scope: &Scope,
) -> Option<ir::Condition> {
    let compares = c.equals.is_some() || c.one_of.is_some();
    match (&c.field, &c.all, &c.any) {
        (Some(wire), None, None) => comparison(d, wire, c, fields, scope),
        (None, Some(list), None) if !compares => {
            combined(&mut d.at("all"), list, fields, scope).map(ir::Condition::All)
        }
        (None, None, Some(list)) if !compares => {
            combined(&mut d.at("any"), list, fields, scope).map(ir::Condition::Any)
        }
        (None, Some(_), None) | (None, None, Some(_)) => {
            d.error(
                "`all`/`any` combine conditions and compare nothing themselves; move `equals`/`in` \
                 into a condition of the list, next to its `field`",
            );
            None
        }
        (None, None, None) => {
            d.error(
                "expected a condition: `{field, equals: value}`, `{field, in: [values]}`, \
                 `{all: [conditions]}` or `{any: [conditions]}`",
            );
            None
        }
        _ => {
            d.error(
                "expected exactly one of `field` (with `equals`/`in`), `all` and `any`; nest them to \
                 combine (`{all: [{field: a, equals: 1}, {any: [...]}]}`)",
            );
            None
        }
    }
}

/// The field names a condition as written reads (for diagnostics when it does not lower).
fn wires_read(c: &model::Condition) -> Vec<String> {
    let nested = c.all.iter().chain(&c.any).flatten().flat_map(wires_read);
    c.field.iter().cloned().chain(nested).collect()
}

/// The conditions of an `all`/`any` list at `d`.
fn combined(
    d: &mut Diag<'_>,
    list: &[model::Condition],
    fields: &[ir::Field],
    scope: &Scope,
) -> Option<Vec<ir::Condition>> {
    if list.is_empty() {
        d.error("expected at least one condition in the list");
        return None;
    }
    let lowered: Vec<Option<ir::Condition>> = list
        .iter()
        .enumerate()
        .map(|(i, c)| condition(&mut d.at(format!("[{i}]")), c, fields, scope))
        .collect();
    lowered.into_iter().collect()
}

/// What a condition on a field of type `ty` compares it with, in words (`an integer from 0 to
/// 4294967295`), or why no condition can read such a field.
fn expected_values(ty: &TypeRef, scope: &Scope) -> Result<String, String> {
    Ok(match ty {
        TypeRef::String => "a string".into(),
        TypeRef::Bool => "`true` or `false`".into(),
        TypeRef::Flag => "`true`/`false` (or `1`/`0`)".into(),
        TypeRef::Enum(e) => {
            let values: Vec<String> = scope
                .enum_values(e)
                .iter()
                .map(ToString::to_string)
                .collect();
            format!("one of its documented values ({})", values.join(", "))
        }
        ty if ty.is_integer() => {
            let (lo, hi) = ty.kind().integer_range().unwrap_or((0, 0));
            format!("an integer from {lo} to {hi}")
        }
        TypeRef::Decimal => {
            return Err(
                "a `decimal` has no exact value to compare; conditions read string, integer, \
                        enum, flag and bool fields"
                    .into(),
            )
        }
        TypeRef::List(_) => {
            return Err(
                "a list has no single value to compare; conditions read scalar fields \
                        (string, integer, enum, flag, bool)"
                    .into(),
            )
        }
        _ => {
            return Err(
                "an object has no single value to compare; conditions read scalar fields \
                        (string, integer, enum, flag, bool)"
                    .into(),
            )
        }
    })
}

/// `{field, equals}` or `{field, in: [...]}` at `d`.
fn comparison(
    d: &mut Diag<'_>,
    wire: &str,
    c: &model::Condition,
    fields: &[ir::Field],
    scope: &Scope,
) -> Option<ir::Condition> {
    let field = fields.iter().find(|f| f.wire == wire).cloned();
    if field.is_none() {
        d.error_at("field", unknown_field(wire, fields));
    }
    let raw: Vec<(String, &serde_yaml::Value)> = match (&c.equals, &c.one_of) {
        (Some(v), None) => vec![("equals".to_owned(), v)],
        (None, Some(list)) if !list.is_empty() => list
            .iter()
            .enumerate()
            .map(|(k, v)| (format!("in[{k}]"), v))
            .collect(),
        (None, Some(_)) => {
            d.error_at("in", "`in: []` can never hold; expected at least one value");
            return None;
        }
        (Some(_), Some(_)) => {
            d.error("expected either `equals: value` or `in: [values]`, not both");
            return None;
        }
        (None, None) => {
            d.error(format!(
                "a condition on `{wire}` needs `equals: value` or `in: [values]`"
            ));
            return None;
        }
    };
    let field = field?;
    let expected = match expected_values(&field.ty, scope) {
        Ok(expected) => expected,
        Err(why) => {
            d.error_at("field", format!("`{wire}` is `{}`: {why}", field.ty));
            return None;
        }
    };
    let mut values = Vec::new();
    let mut ok = true;
    for (segment, v) in raw {
        match value_of(v, &field.ty, scope) {
            Some(value) if !values.contains(&value) => values.push(value),
            Some(value) => {
                d.error_at(segment, format!("{value} is listed twice"));
                ok = false;
            }
            None => {
                d.error_at(
                    segment,
                    format!(
                        "{} is not a value of `{wire}`, which is `{}`; expected {expected}",
                        super::render_yaml(v),
                        field.ty
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(ir::Condition::Is { field, values })
}

/// `v` as a value of a field of type `ty`, when it is one.
fn value_of(v: &serde_yaml::Value, ty: &TypeRef, scope: &Scope) -> Option<ir::CondValue> {
    use serde_yaml::Value;
    let value = match (v, ty) {
        (Value::String(s), TypeRef::String) => ir::CondValue::Str(s.clone()),
        (Value::Bool(b), TypeRef::Bool | TypeRef::Flag) => ir::CondValue::Bool(*b),
        (Value::Number(n), TypeRef::Flag) => match n.as_i64() {
            Some(0) => ir::CondValue::Bool(false),
            Some(1) => ir::CondValue::Bool(true),
            _ => return None,
        },
        (Value::Number(n), ty) if ty.is_integer() => {
            let i = n.as_i64()?;
            let (lo, hi) = ty.kind().integer_range()?;
            (lo..=hi)
                .contains(&i128::from(i))
                .then_some(ir::CondValue::Int(i))?
        }
        (Value::Number(n), TypeRef::Enum(e)) => {
            let i = n.as_i64()?;
            scope
                .enum_values(e)
                .contains(&Literal::Int(i))
                .then_some(ir::CondValue::Int(i))?
        }
        (Value::String(s), TypeRef::Enum(e)) => scope
            .enum_values(e)
            .contains(&Literal::Str(s.clone()))
            .then(|| ir::CondValue::Str(s.clone()))?,
        _ => return None,
    };
    Some(value)
}
