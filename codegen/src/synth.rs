//! Fixture values: each endpoint's request and response as the mock server and the tests use them, from
//! the spec's examples or made up from the types so that they satisfy every constraint. The example pass
//! checks the made-up ones like the spec's own, so a fixture that breaks a rule is a spec error.

use serde_json::{json, Map, Value};
use wxlive_runtime::constraint::Subject;
use wxlive_runtime::fixture::relative;

use crate::ir::{Check, Domain, Endpoint, Field, Literal, Rule, RuleKind, TypeRef};

/// How far from now a made-up time lies when its rules allow it.
const LEAD: i64 = 3600;

/// The request fixture of `e`: its example with the times its rules make relative to now
/// (`"$now+3600"`, resolved by the mock server when it starts), or one made up from the required fields.
pub fn request(domain: &Domain, e: &Endpoint) -> Value {
    let mut request = e
        .example_request
        .clone()
        .unwrap_or_else(|| object(domain, (&e.request, &e.rules), true));
    make_relative(domain, e, &mut request);
    request
}

/// The response fixture of `e`: its example, or a success envelope with every field made up.
pub fn response(domain: &Domain, e: &Endpoint) -> Value {
    e.example_response.clone().unwrap_or_else(|| {
        let mut r = json!({"errcode": 0, "errmsg": "ok"});
        if let (Value::Object(r), Value::Object(fields)) =
            (&mut r, object(domain, (&e.response, &[]), false))
        {
            r.extend(fields);
        }
        r
    })
}

/// Whether some request field of `e` is a time its rules relate to now.
pub fn has_relative_times(e: &Endpoint) -> bool {
    e.request.iter().any(|f| time_offset(f).is_some())
}

/// The offset from now a value of `f` should have, when `f` is a time its rules relate to now
/// (`future`, `min_from_now`, `max_from_now`): an hour ahead, or as close to it as the rules allow.
fn time_offset(f: &Field) -> Option<i64> {
    let mut relative = false;
    let (mut low, mut high) = (i64::MIN, i64::MAX);
    for c in &f.constraints {
        match c.check {
            Check::Future => {
                relative = true;
                low = low.max(1);
            }
            Check::MinFromNow(n) => {
                relative = true;
                low = low.max(n);
            }
            Check::MaxFromNow(n) => {
                relative = true;
                high = high.min(n);
            }
            _ => {}
        }
    }
    relative.then(|| LEAD.max(low).min(high))
}

/// Rewrites the times of a request relative to now: the first time field found (depth first) moves to
/// its offset ([`time_offset`]) and every other time field, at any depth, and every field a
/// `difference` rule ties to one, moves by as much, so the example keeps its own spacing.
fn make_relative(domain: &Domain, e: &Endpoint, value: &mut Value) {
    if let Some((anchor, target)) = anchor(domain, &e.request, value) {
        shift(domain, (&e.request, &e.rules), value, (anchor, target));
    }
}

/// The value and target offset of the first time field in `value`, depth first.
fn anchor(domain: &Domain, fields: &[Field], value: &Value) -> Option<(i64, i64)> {
    let map = value.as_object()?;
    fields.iter().find_map(|f| {
        let v = map.get(&f.wire)?;
        if let (Some(target), Some(v)) = (time_offset(f), v.as_i64()) {
            return Some((v, target));
        }
        match f.ty.innermost() {
            TypeRef::Object(o) => {
                let nested = &domain.object(o).fields;
                match v {
                    Value::Array(items) => items.iter().find_map(|i| anchor(domain, nested, i)),
                    other => anchor(domain, nested, other),
                }
            }
            _ => None,
        }
    })
}

/// Moves the time fields of `value` (and of the objects nested in it) from `anchor` to `target`.
fn shift(
    domain: &Domain,
    (fields, rules): (&[Field], &[crate::ir::Rule]),
    value: &mut Value,
    (anchor, target): (i64, i64),
) {
    let Value::Object(map) = value else { return };
    let mut moved: Vec<&str> = fields
        .iter()
        .filter(|f| time_offset(f).is_some())
        .map(|f| f.wire.as_str())
        .collect();
    for rule in rules {
        if let RuleKind::Difference { field, minus, .. } = &rule.kind {
            for (a, b) in [(field, minus), (minus, field)] {
                if moved.contains(&a.wire.as_str()) && !moved.contains(&b.wire.as_str()) {
                    moved.push(&b.wire);
                }
            }
        }
    }
    for wire in moved {
        if let Some(v) = map.get(wire).and_then(Value::as_i64) {
            let offset = target.saturating_add(v.saturating_sub(anchor));
            map.insert(wire.to_owned(), json!(relative(offset)));
        }
    }
    for f in fields {
        let TypeRef::Object(o) = f.ty.innermost() else {
            continue;
        };
        let object = domain.object(o);
        let nested = (object.fields.as_slice(), object.rules.as_slice());
        match map.get_mut(&f.wire) {
            Some(Value::Array(items)) => items
                .iter_mut()
                .for_each(|i| shift(domain, nested, i, (anchor, target))),
            Some(other) => shift(domain, nested, other, (anchor, target)),
            None => {}
        }
    }
}

/// A value for every field (only required ones with `required_only`) that satisfies the field's rules
/// and the object's cross-field `rules`.
fn object(domain: &Domain, (fields, rules): (&[Field], &[Rule]), required_only: bool) -> Value {
    let mut map = Map::new();
    for f in fields.iter().filter(|f| !required_only || f.required) {
        match value(domain, f, &f.ty, 0) {
            Value::Object(keys) if f.flatten => map.extend(keys),
            v => {
                map.insert(f.wire.clone(), v);
            }
        }
    }
    meet_rules(domain, (fields, rules), &mut map);
    Value::Object(map)
}

/// Makes a made-up object meet its conditional rules: the fields an `only_when` rule governs are left
/// out while its condition does not hold, and those a `required_when` rule governs are made up while it
/// holds. Repeated while something changes (a field made up can make another condition hold), at
/// most once per rule and once more.
fn meet_rules(domain: &Domain, (fields, rules): (&[Field], &[Rule]), map: &mut Map<String, Value>) {
    for _ in 0..=rules.len() {
        let mut changed = false;
        for rule in rules {
            match &rule.kind {
                RuleKind::OnlyWhen {
                    condition,
                    fields: governed,
                } if !condition.holds_json(map) => {
                    for wire in governed {
                        changed |= map.remove(wire).is_some();
                    }
                }
                RuleKind::RequiredWhen {
                    condition,
                    fields: governed,
                } if condition.holds_json(map) => {
                    for f in fields.iter().filter(|f| governed.contains(&f.wire)) {
                        if !map.contains_key(&f.wire) {
                            map.insert(f.wire.clone(), value(domain, f, &f.ty, 0));
                            changed = true;
                        }
                    }
                }
                _ => {}
            }
        }
        if !changed {
            break;
        }
    }
}

fn value(domain: &Domain, f: &Field, ty: &TypeRef, depth: usize) -> Value {
    let bound = |pick: fn(&Check) -> Option<i64>| f.constraints.iter().find_map(|c| pick(&c.check));
    match ty {
        TypeRef::String => Value::String(text(f)),
        TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64 => {
            if let Some(offset) = time_offset(f) {
                return json!(relative(offset));
            }
            let min = bound(|c| match c {
                Check::Min(n) => Some(*n),
                _ => None,
            });
            let max = bound(|c| match c {
                Check::Max(n) => Some(*n),
                _ => None,
            });
            json!(min.unwrap_or(1).min(max.unwrap_or(i64::MAX)))
        }
        TypeRef::Bool => json!(true),
        TypeRef::Flag => json!(1),
        TypeRef::Enum(e) => match domain.enum_(e).values.iter().find(|v| match &v.value {
            Literal::Int(i) => f
                .constraints
                .iter()
                .all(|c| c.check.violation(Subject::Integer(*i), None).is_none()),
            Literal::Str(_) => true,
        }) {
            Some(v) => match &v.value {
                Literal::Int(i) => json!(i),
                Literal::Str(s) => json!(s),
            },
            None => Value::Null,
        },
        TypeRef::Object(o) if depth < 4 => {
            let object = domain.object(o);
            let mut map = Map::new();
            for field in &object.fields {
                map.insert(
                    field.wire.clone(),
                    value(domain, field, &field.ty, depth + 1),
                );
            }
            meet_rules(domain, (&object.fields, &object.rules), &mut map);
            Value::Object(map)
        }
        TypeRef::Object(_) => json!({}),
        // The first case, with its tag.
        TypeRef::Union(u) => {
            let union = domain.union_(u);
            let Some(case) = union.cases.first() else {
                return json!({});
            };
            let payload = value(domain, f, &case.ty, depth + 1);
            let mut map = Map::new();
            map.insert(union.tag.clone(), json!(case.tag));
            match (union.layout, payload) {
                (crate::ir::UnionLayout::Inline, Value::Object(fields)) => map.extend(fields),
                (_, payload) => {
                    map.insert(case.tag.clone(), payload);
                }
            }
            Value::Object(map)
        }
        TypeRef::List(item) => {
            // The item meets the list's item constraints (`items:`), not the list's own.
            let each = Field {
                constraints: f.items.clone(),
                items: Vec::new(),
                ..f.clone()
            };
            Value::Array(vec![value(domain, &each, item, depth + 1)])
        }
        TypeRef::Decimal => json!(1.5),
    }
}

/// The first candidate string that satisfies every constraint of `f`: the wire name in capitals, then
/// runs of `x`, of digits, of letters and digits, of capitals (lengths 1 to 64). A field whose
/// constraints none satisfies gets the wire name; the example pass then reports it.
fn text(f: &Field) -> String {
    let base = f.wire.to_uppercase();
    let fits = |candidate: &str| {
        f.constraints
            .iter()
            .all(|c| c.check.violation(Subject::Text(candidate), None).is_none())
    };
    if fits(&base) {
        return base;
    }
    let runs = ["x", "1", "a1", "A"];
    runs.iter()
        .flat_map(|run| (1..=64).map(move |n| run.repeat(n)))
        .find(|candidate| fits(candidate))
        .unwrap_or(base)
}
