//! Fixture values: each endpoint's request and response as the mock server and the tests use them, from
//! the spec's examples or made up from the types so that they satisfy every constraint. The example pass
//! checks the made-up ones like the spec's own, so a fixture that breaks a rule is a spec error.

use serde_json::{json, Map, Value};
use wxlive_runtime::constraint::Subject;

use crate::ir::{Check, Domain, Endpoint, Field, Literal, TypeRef};

/// A far-future timestamp (2100-01-01) for fields that must lie in the future, so fixtures stay valid.
pub const FUTURE: i64 = 4_102_444_800;

/// The request fixture of `e`: its example with future timestamps moved to [`FUTURE`], or one made up
/// from the required fields.
pub fn request(domain: &Domain, e: &Endpoint) -> Value {
    let mut request = e
        .example_request
        .clone()
        .unwrap_or_else(|| object(domain, &e.request, true));
    make_timeless(&e.request, &mut request);
    request
}

/// The response fixture of `e`: its example, or a success envelope with every field made up.
pub fn response(domain: &Domain, e: &Endpoint) -> Value {
    e.example_response.clone().unwrap_or_else(|| {
        let mut r = json!({"errcode": 0, "errmsg": "ok"});
        if let (Value::Object(r), Value::Object(fields)) =
            (&mut r, object(domain, &e.response, false))
        {
            r.extend(fields);
        }
        r
    })
}

/// Whether some request field of `e` must lie in the future.
pub fn has_future_fields(e: &Endpoint) -> bool {
    e.request.iter().any(is_future)
}

fn is_future(f: &Field) -> bool {
    f.constraints.iter().any(|c| c.check == Check::Future)
}

/// Replaces values of `future` fields by a far-future timestamp.
fn make_timeless(fields: &[Field], value: &mut Value) {
    let Value::Object(map) = value else { return };
    for f in fields.iter().filter(|f| is_future(f)) {
        if map.contains_key(&f.wire) {
            map.insert(f.wire.clone(), json!(FUTURE));
        }
    }
}

/// A value for every field (only required ones with `required_only`) that satisfies the field's rules.
fn object(domain: &Domain, fields: &[Field], required_only: bool) -> Value {
    let mut map = Map::new();
    for f in fields.iter().filter(|f| !required_only || f.required) {
        map.insert(f.wire.clone(), value(domain, f, &f.ty, 0));
    }
    Value::Object(map)
}

fn value(domain: &Domain, f: &Field, ty: &TypeRef, depth: usize) -> Value {
    let bound = |pick: fn(&Check) -> Option<i64>| f.constraints.iter().find_map(|c| pick(&c.check));
    match ty {
        TypeRef::String => Value::String(text(f)),
        TypeRef::I32 | TypeRef::I64 => {
            if is_future(f) {
                return json!(FUTURE);
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
        TypeRef::Enum(e) => match domain.enum_(e).values.first() {
            Some(v) => match &v.value {
                Literal::Int(i) => json!(i),
                Literal::Str(s) => json!(s),
            },
            None => Value::Null,
        },
        TypeRef::Object(o) if depth < 4 => {
            let mut map = Map::new();
            for field in &domain.object(o).fields {
                map.insert(
                    field.wire.clone(),
                    value(domain, field, &field.ty, depth + 1),
                );
            }
            Value::Object(map)
        }
        TypeRef::Object(_) => json!({}),
        TypeRef::List(item) => Value::Array(vec![value(domain, f, item, depth + 1)]),
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
