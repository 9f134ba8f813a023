//! Checks the spec's examples against its own types and rules, with the runtime's validator (so a rule
//! means the same thing here and in the generated `validate()`).

use quick_xml::events::Event;
use serde_json::Value;
use wxlive_runtime::Validator;

use crate::ir::{self, Check, Literal, TypeRef};

/// Problems of every endpoint example of `domain`, as (path, message).
pub fn check_endpoint_examples(domain: &ir::Domain) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for e in &domain.endpoints {
        let base = format!("endpoints.{}.examples", e.name);
        if let Some(req) = &e.example_request {
            let mut ctx = Ctx {
                domain,
                problems: Vec::new(),
                validator: Validator::timeless(),
                request: true,
            };
            ctx.object(req, &e.request, "");
            if let Value::Object(map) = req {
                for rule in &e.rules {
                    let holds = map
                        .get(&rule.condition.wire)
                        .is_some_and(|v| literal_matches(v, &rule.equals));
                    for wire in &rule.fields {
                        let cond = format!("{} == {}", rule.condition.wire, rule.equals);
                        ctx.validator
                            .only_when(wire, map.contains_key(wire), holds, &cond, None);
                    }
                }
            }
            ctx.finish(&format!("{base}.request"), &mut problems);
        }
        if let Some(resp) = &e.example_response {
            let mut ctx = Ctx {
                domain,
                problems: Vec::new(),
                validator: Validator::timeless(),
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
                    location: ir::Location::Body,
                });
            }
            ctx.object(resp, &fields, "");
            ctx.finish(&format!("{base}.response"), &mut problems);
        }
    }
    problems
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

    fn object(&mut self, value: &Value, fields: &[ir::Field], path: &str) {
        let Value::Object(map) = value else {
            self.problems.push((
                path.to_owned(),
                format!("expected an object, found {}", kind(value)),
            ));
            return;
        };
        for (key, v) in map {
            match fields
                .iter()
                .find(|f| &f.wire == key || f.aliases.contains(key))
            {
                Some(f) => {
                    let field_path = join(path, key);
                    self.value(v, &f.ty, &field_path);
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
            for f in fields.iter().filter(|f| f.required) {
                self.validator
                    .required(&join(path, &f.wire), map.contains_key(&f.wire));
            }
        }
    }

    fn constraints(&mut self, v: &Value, f: &ir::Field, key: &str) {
        for c in &f.constraints {
            let v_ = &mut self.validator;
            match (&c.check, v) {
                (Check::MaxChars(n), Value::String(s)) => v_.max_chars(key, s, *n as usize, None),
                (Check::MinChars(n), Value::String(s)) => v_.min_chars(key, s, *n as usize, None),
                (Check::MaxBytes(n), Value::String(s)) => v_.max_bytes(key, s, *n as usize, None),
                (Check::Min(n), Value::Number(x)) => {
                    v_.min(key, x.as_i64().unwrap_or(i64::MIN), *n, None)
                }
                (Check::Max(n), Value::Number(x)) => {
                    v_.max(key, x.as_i64().unwrap_or(i64::MAX), *n, None)
                }
                (Check::MaxItems(n), Value::Array(a)) => {
                    v_.max_items(key, a.len(), *n as usize, None)
                }
                (Check::MinItems(n), Value::Array(a)) => {
                    v_.min_items(key, a.len(), *n as usize, None)
                }
                (Check::Future, Value::Number(x)) => v_.future(key, x.as_i64().unwrap_or(0), None),
                _ => {}
            }
        }
    }

    fn value(&mut self, v: &Value, ty: &TypeRef, path: &str) {
        let ok = match ty {
            TypeRef::String => v.is_string(),
            TypeRef::I32 => v.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            TypeRef::I64 => v.as_i64().is_some(),
            TypeRef::Bool => v.is_boolean(),
            TypeRef::Flag => matches!(v.as_i64(), Some(0 | 1)),
            TypeRef::Enum(name) => {
                let Some(e) = self.domain.enums.iter().find(|e| &e.name == name) else {
                    return;
                };
                let known = e.values.iter().any(|x| literal_matches(v, &x.value));
                if !known {
                    self.problems.push((
                        path.to_owned(),
                        format!("{v} is not a documented value of enum `{name}`"),
                    ));
                }
                return;
            }
            TypeRef::Object(name) => {
                let Some(o) = self.domain.types.iter().find(|o| &o.name == name) else {
                    return;
                };
                let fields = o.fields.clone();
                self.object(v, &fields, path);
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
        TypeRef::Bool => "a boolean".into(),
        TypeRef::Flag => "0 or 1".into(),
        TypeRef::Enum(n) | TypeRef::Object(n) => format!("a `{n}`"),
        TypeRef::List(t) => format!("a list of {}", type_name(t)),
    }
}

/// Problems of a callback's example XML: well-formed, every element declared, Event and MsgType right.
pub fn check_callback_example(cb: &ir::Callback) -> Vec<String> {
    let mut problems = Vec::new();
    let mut reader = quick_xml::Reader::from_str(&cb.example);
    let mut depth = 0usize;
    let mut current: Option<String> = None;
    let mut values: Vec<(String, String)> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(s)) => {
                depth += 1;
                if depth == 2 {
                    current = Some(String::from_utf8_lossy(s.name().as_ref()).into_owned());
                }
            }
            Ok(Event::End(_)) => {
                if depth == 2 {
                    current = None;
                }
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Text(t)) => {
                if let (Some(name), Ok(text)) = (&current, t.unescape()) {
                    values.push((name.clone(), text.trim().to_owned()));
                }
            }
            Ok(Event::CData(t)) => {
                if let Some(name) = &current {
                    values.push((name.clone(), String::from_utf8_lossy(&t).into_owned()));
                }
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => {
                problems.push(format!("malformed XML: {e}"));
                return problems;
            }
        }
    }
    for (name, text) in &values {
        match cb.fields.iter().find(|f| &f.wire == name) {
            None => problems.push(format!("element <{name}> is not a declared field")),
            Some(f) => {
                let ok = match &f.ty {
                    TypeRef::I32 | TypeRef::I64 | TypeRef::Enum(_) | TypeRef::Flag => {
                        text.parse::<i64>().is_ok() || matches!(f.ty, TypeRef::Enum(_))
                    }
                    _ => true,
                };
                if !ok {
                    problems.push(format!("<{name}> should be an integer, found {text:?}"));
                }
            }
        }
    }
    let get = |n: &str| values.iter().find(|(k, _)| k == n).map(|(_, v)| v.as_str());
    if get("Event").is_some_and(|e| e != cb.event) {
        problems.push(format!(
            "<Event> is {:?}; expected {:?}",
            get("Event").unwrap_or_default(),
            cb.event
        ));
    }
    if get("MsgType").is_some_and(|m| m != cb.msg_type) {
        problems.push(format!(
            "<MsgType> is {:?}; expected {:?}",
            get("MsgType").unwrap_or_default(),
            cb.msg_type
        ));
    }
    problems
}
