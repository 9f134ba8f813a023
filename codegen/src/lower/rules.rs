//! Cross-field rules of a request or a type: `only_when`, `required_when` (with a condition on another
//! field) and `difference` (of two integer fields).

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
                    "`{wire}` is `{}`; expected an integer field (i32 or i64)",
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
    let condition = condition(&mut d.at(key), c, fields, scope)?;
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
            Some(_) if *wire == condition.field.wire => {
                fd.error(format!("`{wire}` is the condition's own field"))
            }
            Some(_) => {}
        }
    }
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

/// `{field, equals}` or `{field, in: [...]}` at `d`, resolved against `fields`.
fn condition(
    d: &mut Diag<'_>,
    c: &model::Condition,
    fields: &[ir::Field],
    scope: &Scope,
) -> Option<ir::Condition> {
    let Some(field) = fields.iter().find(|f| f.wire == c.field).cloned() else {
        d.error_at("field", unknown_field(&c.field, fields));
        return None;
    };
    let raw: Vec<(String, &serde_yaml::Value)> = match (&c.equals, &c.one_of) {
        (Some(v), None) => vec![("equals".to_owned(), v)],
        (None, Some(list)) if !list.is_empty() => list
            .iter()
            .enumerate()
            .map(|(k, v)| (format!("in[{k}]"), v))
            .collect(),
        (None, Some(_)) => {
            d.error_at("in", "expected at least one value");
            return None;
        }
        _ => {
            d.error("expected exactly one of `equals: value` and `in: [values]`");
            return None;
        }
    };
    let mut values = Vec::new();
    for (segment, v) in raw {
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
                d.error_at(
                    segment,
                    format!(
                        "{} is not a value of `{}`, the type of `{}`; conditions compare integers, strings \
                         and enum values",
                        super::render_yaml(v),
                        field.ty,
                        field.wire
                    ),
                );
                return None;
            }
        };
        if let TypeRef::Enum(e) = &field.ty {
            if !scope.enum_values(e).contains(&literal) {
                d.error_at(
                    segment,
                    format!("{literal} is not a value of enum `{}`", e.rust),
                );
            }
        }
        values.push(literal);
    }
    Some(ir::Condition { field, values })
}
