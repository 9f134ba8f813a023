//! The example pass over the IR: the spec's examples checked against its own types and rules, with the
//! runtime's validator and constraint vocabulary (so a rule means the same thing here, in the mock server
//! and in the generated `validate()`).

mod callback;

use serde_json::Value;
use wxlive_runtime::fixture;
use wxlive_runtime::validate::Profile;
use wxlive_runtime::Validator;

use crate::diag::Diag;
use crate::ir::{self, Literal, RuleKind, TypeRef};

/// Reports at `d` (the domain file) every problem of the domain's endpoint and callback examples.
pub fn check_domain(domain: &ir::Domain, d: &mut Diag<'_>) {
    for (path, message) in endpoint_examples(domain) {
        d.error_at(path, message);
    }
    for c in &domain.callbacks {
        for message in callback::check(c, &domain.types) {
            d.error_at(format!("callbacks.{}.example", c.event), message);
        }
    }
}

/// Problems of every endpoint example of `domain`, as (path, message).
fn endpoint_examples(domain: &ir::Domain) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for e in &domain.endpoints {
        let base = format!("endpoints.{}.examples", e.name);
        let before_example = problems.len();
        if let Some(req) = &e.example_request {
            let mut ctx = Ctx {
                domain,
                problems: Vec::new(),
                validator: Validator::timeless().profile(Profile::Strict),
                request: true,
            };
            // Constants may appear in the example (the official samples show them); they must match.
            let mut request = req.clone();
            if let Value::Object(map) = &mut request {
                for c in &e.constants {
                    if let Some(found) = map.remove(&c.wire) {
                        if !c.value.matches_json(&found) {
                            ctx.problems.push((
                                c.wire.clone(),
                                format!("`{}` is a constant {}; found {found}", c.wire, c.value),
                            ));
                        }
                    }
                }
            }
            ctx.object(&request, &e.request, &e.rules, "");
            ctx.finish(&format!("{base}.request"), &mut problems);
        }
        // The request fixture the mock serves (the example, or one made up, with its times relative to
        // now) must keep every rule, time rules included; checked once the example itself is clean.
        if problems.len() == before_example {
            problems.extend(served_request_problems(domain, e));
        }
        if let Some(resp) = &e.example_response {
            let mut ctx = Ctx {
                domain,
                problems: Vec::new(),
                validator: Validator::timeless().profile(Profile::Strict),
                request: false,
            };
            let mut fields = e.response.clone();
            for envelope in ["errcode", "errmsg"] {
                fields.push(ir::Field {
                    wire: envelope.into(),
                    rust: envelope.into(),
                    ty: if envelope == "errcode" {
                        TypeRef::I64
                    } else {
                        TypeRef::String
                    },
                    doc: String::new(),
                    required: false,
                    default: None,
                    aliases: Vec::new(),
                    constraints: Vec::new(),
                    items: Vec::new(),
                    location: ir::Location::Body,
                    lenient: false,
                    flatten: false,
                });
            }
            ctx.object(resp, &fields, &[], "");
            ctx.finish(&format!("{base}.response"), &mut problems);
        }
    }
    problems
}

/// A fixed "now" for checking fixtures whose times are relative to now.
const CHECKED_AT: i64 = 1_800_000_000;

/// Problems of the request fixture of `e` as the mock serves it, resolved at [`CHECKED_AT`].
fn served_request_problems(domain: &ir::Domain, e: &ir::Endpoint) -> Vec<(String, String)> {
    let mut served = crate::synth::request(domain, e);
    wxlive_runtime::fixture::resolve_times(&mut served, CHECKED_AT);
    if let Value::Object(map) = &mut served {
        for c in &e.constants {
            map.remove(&c.wire);
        }
    }
    let mut ctx = Ctx {
        domain,
        problems: Vec::new(),
        validator: Validator::at(CHECKED_AT).profile(Profile::Strict),
        request: true,
    };
    ctx.object(&served, &e.request, &e.rules, "");
    let mut found = Vec::new();
    ctx.finish("", &mut found);
    let fix = if e.example_request.is_some() {
        "fix `examples.request` (its times are moved relative to now, keeping their spacing)"
    } else {
        "add `examples.request`"
    };
    found
        .into_iter()
        .map(|(path, message)| {
            (
                format!("endpoints.{}", e.name),
                format!("the request fixture breaks a rule (`{path}`: {message}); {fix}"),
            )
        })
        .collect()
}

fn literal_matches(v: &Value, lit: &Literal) -> bool {
    match lit {
        Literal::Int(i) => v.as_i64() == Some(*i),
        Literal::Str(s) => v.as_str() == Some(s),
    }
}

struct Ctx<'a> {
    domain: &'a ir::Domain,
    problems: Vec<(String, String)>,
    validator: Validator,
    request: bool,
}

impl Ctx<'_> {
    fn finish(self, base: &str, out: &mut Vec<(String, String)>) {
        for (path, message) in self.problems {
            out.push((join(base, &path), message));
        }
        if let Err(err) = self.validator.finish() {
            for v in err.violations {
                out.push((
                    join(base, &v.field),
                    format!("the example breaks its own rule {}: {}", v.rule, v.message),
                ));
            }
        }
    }

    fn object(&mut self, value: &Value, fields: &[ir::Field], rules: &[ir::Rule], path: &str) {
        let Value::Object(map) = value else {
            self.problems.push((
                path.to_owned(),
                format!("expected an object, found {}", kind(value)),
            ));
            return;
        };
        // A flattened union takes its keys out of the object: its tag and its case's keys.
        let mut map = map.clone();
        for f in fields.iter().filter(|f| f.flatten) {
            if let TypeRef::Union(u) = &f.ty {
                let mut own = self.flattened_keys(&map, u);
                if own.len() == 1 {
                    // No documented case: every key that is no other field is the union's (reported
                    // once, as the unknown or missing tag, not key by key).
                    own.extend(
                        map.keys()
                            .filter(|k| !fields.iter().any(|o| &o.wire == *k && !o.flatten))
                            .cloned(),
                    );
                }
                let taken: serde_json::Map<String, Value> = own
                    .iter()
                    .filter_map(|k| map.remove(k).map(|v| (k.clone(), v)))
                    .collect();
                self.union(&Value::Object(taken), u, path);
            }
        }
        let map = &map;
        for (key, v) in map {
            match fields
                .iter()
                .find(|f| &f.wire == key || f.aliases.contains(key))
            {
                Some(f) => {
                    let field_path = join(path, key);
                    // A lenient string also reads numbers and booleans.
                    let loose = f.lenient && (v.is_number() || v.is_boolean());
                    if !loose {
                        self.value(v, &f.ty, &field_path);
                    }
                    self.constraints(v, f, &field_path);
                }
                None => {
                    let known: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
                    self.problems.push((
                        join(path, key),
                        format!("not a declared field; expected one of {}", known.join(", ")),
                    ));
                }
            }
        }
        if self.request {
            for f in fields.iter().filter(|f| f.required && !f.flatten) {
                self.validator
                    .required(&join(path, &f.wire), &map.get(&f.wire));
            }
            let present = |wire: &str| map.get(wire).is_some_and(|v| !v.is_null());
            let int = |wire: &str| map.get(wire).and_then(Value::as_i64);
            let holds = |c: &ir::Condition| c.holds_json(map);
            self.validator.nested(path, |validator| {
                // The validator prefixes `path` itself, so the fields are named as in generated code.
                for rule in rules {
                    match &rule.kind {
                        RuleKind::OnlyWhen { condition, fields } => {
                            let text = condition.to_string();
                            for wire in fields {
                                validator.only_when(
                                    wire,
                                    present(wire),
                                    holds(condition),
                                    &text,
                                    (None, rule.level),
                                );
                            }
                        }
                        RuleKind::RequiredWhen { condition, fields } => {
                            let text = condition.to_string();
                            for wire in fields {
                                validator.required_when(
                                    wire,
                                    present(wire),
                                    holds(condition),
                                    &text,
                                    (None, rule.level),
                                );
                            }
                        }
                        RuleKind::Difference {
                            field,
                            minus,
                            min,
                            max,
                        } => validator.difference(
                            &field.wire,
                            &minus.wire,
                            (int(&field.wire), int(&minus.wire)),
                            (*min, *max),
                            (None, rule.level),
                        ),
                    }
                }
            });
        }
    }

    fn constraints(&mut self, v: &Value, f: &ir::Field, key: &str) {
        self.validator.check_json(key, v, &f.constraints);
        if let (false, Value::Array(items)) = (f.items.is_empty(), v) {
            for (i, item) in items.iter().enumerate() {
                self.validator
                    .check_json(&format!("{key}[{i}]"), item, &f.items);
            }
        }
    }

    fn value(&mut self, v: &Value, ty: &TypeRef, path: &str) {
        let ok = match ty {
            TypeRef::String => v.is_string(),
            // A time relative to now (`"$now+3600"`) is an integer once the mock resolves it.
            TypeRef::I32 | TypeRef::I64 | TypeRef::U32 | TypeRef::U64
                if v.as_str().and_then(fixture::offset).is_some() =>
            {
                true
            }
            TypeRef::I32 => v.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            TypeRef::I64 => v.as_i64().is_some(),
            TypeRef::U32 => v.as_u64().is_some_and(|i| u32::try_from(i).is_ok()),
            TypeRef::U64 => v.as_u64().is_some(),
            TypeRef::Decimal => {
                v.is_number()
                    || (!self.request
                        && v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok()))
            }
            TypeRef::Bool => v.is_boolean(),
            TypeRef::Flag => matches!(v.as_i64(), Some(0 | 1)),
            TypeRef::Enum(e) => {
                let domain = self.domain;
                let known = domain
                    .enum_(e)
                    .values
                    .iter()
                    .any(|x| literal_matches(v, &x.value));
                if !known {
                    self.problems.push((
                        path.to_owned(),
                        format!("{v} is not a documented value of enum `{}`", e.rust),
                    ));
                }
                return;
            }
            TypeRef::Object(o) => {
                let domain = self.domain;
                let object = domain.object(o);
                self.object(v, &object.fields, &object.rules, path);
                return;
            }
            TypeRef::Union(u) => {
                self.union(v, u, path);
                return;
            }
            TypeRef::List(item) => {
                let Value::Array(items) = v else {
                    self.problems.push((
                        path.to_owned(),
                        format!("expected a list, found {}", kind(v)),
                    ));
                    return;
                };
                for (i, x) in items.iter().enumerate() {
                    self.value(x, item, &format!("{path}[{i}]"));
                }
                return;
            }
        };
        if !ok {
            self.problems.push((
                path.to_owned(),
                format!("expected {}, found {v}", type_name(ty)),
            ));
        }
    }
}

impl Ctx<'_> {
    /// The keys of `map` that belong to a flattened union `u`: its tag and the keys of the case the
    /// tag names (the payload key of a keyed union, the case type's fields of an inline one).
    fn flattened_keys(
        &self,
        map: &serde_json::Map<String, Value>,
        u: &ir::UnionRef,
    ) -> Vec<String> {
        let union = self.domain.union_(u);
        let mut keys = vec![union.tag.clone()];
        let tag = map.get(&union.tag).and_then(Value::as_str);
        if let Some(case) = union.cases.iter().find(|c| Some(c.tag.as_str()) == tag) {
            match (union.layout, &case.ty) {
                (ir::UnionLayout::Keyed, _) => keys.push(case.tag.clone()),
                (ir::UnionLayout::Inline, TypeRef::Object(o)) => keys.extend(
                    self.domain
                        .object(o)
                        .fields
                        .iter()
                        .flat_map(|f| std::iter::once(&f.wire).chain(&f.aliases))
                        .cloned(),
                ),
                _ => {}
            }
        }
        keys
    }

    /// Checks a value of union `u` at `path`: a documented tag, then its case's payload.
    fn union(&mut self, v: &Value, u: &ir::UnionRef, path: &str) {
        let union = self.domain.union_(u);
        let Value::Object(map) = v else {
            self.problems.push((
                path.to_owned(),
                format!("expected an object, found {}", kind(v)),
            ));
            return;
        };
        let tags: Vec<&str> = union.cases.iter().map(|c| c.tag.as_str()).collect();
        let tag_path = join(path, &union.tag);
        let Some(tag) = map.get(&union.tag) else {
            self.problems.push((
                tag_path,
                format!(
                    "missing the tag of union `{}`; expected one of {}",
                    union.name,
                    tags.join(", ")
                ),
            ));
            return;
        };
        let Some(case) = union
            .cases
            .iter()
            .find(|c| Some(c.tag.as_str()) == tag.as_str())
        else {
            self.problems.push((
                tag_path,
                format!(
                    "{tag} is not a documented case of union `{}`; expected one of {}",
                    union.name,
                    tags.join(", ")
                ),
            ));
            return;
        };
        match union.layout {
            ir::UnionLayout::Keyed => {
                for key in map.keys().filter(|k| **k != union.tag && **k != case.tag) {
                    self.problems.push((
                        join(path, key),
                        format!(
                            "not a key of case `{}` of union `{}`; expected `{}` and `{}`",
                            case.tag, union.name, union.tag, case.tag
                        ),
                    ));
                }
                let payload_path = join(path, &case.tag);
                match map.get(&case.tag) {
                    Some(payload) => self.value(payload, &case.ty, &payload_path),
                    None if self.request => self.validator.required(&payload_path, &Value::Null),
                    None => {}
                }
            }
            ir::UnionLayout::Inline => {
                let mut rest = map.clone();
                rest.remove(&union.tag);
                self.value(&Value::Object(rest), &case.ty, path);
            }
        }
    }
}

fn join(base: &str, rest: &str) -> String {
    match (base.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_owned(),
        (_, true) => base.to_owned(),
        _ => format!("{base}.{rest}"),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn type_name(ty: &TypeRef) -> String {
    match ty {
        TypeRef::String => "a string".into(),
        TypeRef::I32 => "a 32-bit integer".into(),
        TypeRef::I64 => "an integer".into(),
        TypeRef::U32 => "an unsigned 32-bit integer (0 to 4294967295)".into(),
        TypeRef::U64 => "an unsigned integer (0 or more)".into(),
        TypeRef::Decimal => "a number".into(),
        TypeRef::Bool => "a boolean".into(),
        TypeRef::Flag => "0 or 1".into(),
        TypeRef::Enum(_) | TypeRef::Object(_) | TypeRef::Union(_) => format!("a `{ty}`"),
        TypeRef::List(t) => format!("a list of {}", type_name(t)),
    }
}
