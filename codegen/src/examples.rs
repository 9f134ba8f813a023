//! Checks the spec's examples against its own types and rules, with the runtime's validator (so a rule
//! means the same thing here and in the generated `validate()`).

use quick_xml::events::Event;
use serde_json::Value;
use wxlive_runtime::Validator;

use crate::ir::{self, Check, ConstValue, Literal, RuleKind, TypeRef};

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
            // Constants may appear in the example (the official samples show them); they must match.
            let mut request = req.clone();
            if let Value::Object(map) = &mut request {
                for c in &e.constants {
                    if let Some(found) = map.remove(&c.wire) {
                        if !const_matches(&found, &c.value) {
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
                    lenient: false,
                });
            }
            ctx.object(resp, &fields, &[], "");
            ctx.finish(&format!("{base}.response"), &mut problems);
        }
    }
    problems
}

fn const_matches(v: &Value, c: &ConstValue) -> bool {
    match c {
        ConstValue::Str(s) => v.as_str() == Some(s),
        ConstValue::Int(i) => v.as_i64() == Some(*i),
        ConstValue::Bool(b) => v.as_bool() == Some(*b),
    }
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
            for f in fields.iter().filter(|f| f.required) {
                self.validator
                    .required(&join(path, &f.wire), map.contains_key(&f.wire));
            }
            let present = |wire: &str| map.get(wire).is_some_and(|v| !v.is_null());
            let int = |wire: &str| map.get(wire).and_then(Value::as_i64);
            let holds = |c: &ir::Condition| {
                map.get(&c.field.wire)
                    .is_some_and(|v| c.values.iter().any(|lit| literal_matches(v, lit)))
            };
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
                                    None,
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
                                    None,
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
                            None,
                        ),
                    }
                }
            });
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
                (Check::MaxWidth(n), Value::String(s)) => v_.max_width(key, s, *n as usize, None),
                (Check::MinWidth(n), Value::String(s)) => v_.min_width(key, s, *n as usize, None),
                (Check::MinFromNow(n), Value::Number(x)) => {
                    v_.min_from_now(key, x.as_i64().unwrap_or(i64::MIN), *n, None)
                }
                (Check::MaxFromNow(n), Value::Number(x)) => {
                    v_.max_from_now(key, x.as_i64().unwrap_or(i64::MAX), *n, None)
                }
                (Check::MaxDecimals(n), Value::Number(x)) => {
                    v_.max_decimals(key, x.as_f64().unwrap_or(f64::NAN), *n, None)
                }
                _ => {}
            }
        }
    }

    fn value(&mut self, v: &Value, ty: &TypeRef, path: &str) {
        let ok = match ty {
            TypeRef::String => v.is_string(),
            TypeRef::I32 => v.as_i64().is_some_and(|i| i32::try_from(i).is_ok()),
            TypeRef::I64 => v.as_i64().is_some(),
            TypeRef::Decimal => {
                v.is_number()
                    || (!self.request
                        && v.as_str().is_some_and(|s| s.trim().parse::<f64>().is_ok()))
            }
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
                let (fields, rules) = (o.fields.clone(), o.rules.clone());
                self.object(v, &fields, &rules, path);
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
        TypeRef::Decimal => "a number".into(),
        TypeRef::Bool => "a boolean".into(),
        TypeRef::Flag => "0 or 1".into(),
        TypeRef::Enum(n) | TypeRef::Object(n) => format!("a `{n}`"),
        TypeRef::List(t) => format!("a list of {}", type_name(t)),
    }
}

/// Problems of a callback's example XML: well-formed, every element declared, Event and MsgType right.
/// Elements nested in an element whose field has an object type are checked against that type only
/// when the type is known: see [`check_callback_example_with_types`].
pub fn check_callback_example(cb: &ir::Callback) -> Vec<String> {
    check_callback_example_with_types(cb, &[])
}

/// [`check_callback_example`], resolving fields of object type (nested elements) with `types`.
pub fn check_callback_example_with_types(cb: &ir::Callback, types: &[ir::Object]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut reader = quick_xml::Reader::from_str(&cb.example);
    // Open elements below the root, and the text gathered for each element (path, text).
    let mut stack: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut elements: Vec<(Vec<String>, String)> = Vec::new();
    let open = |stack: &Vec<String>, elements: &mut Vec<(Vec<String>, String)>| {
        elements.push((stack.clone(), String::new()));
    };
    loop {
        match reader.read_event() {
            Ok(Event::Start(s)) => {
                depth += 1;
                if depth >= 2 {
                    stack.push(String::from_utf8_lossy(s.name().as_ref()).into_owned());
                    open(&stack, &mut elements);
                }
            }
            Ok(Event::Empty(s)) => {
                if depth >= 1 {
                    stack.push(String::from_utf8_lossy(s.name().as_ref()).into_owned());
                    open(&stack, &mut elements);
                    stack.pop();
                }
            }
            Ok(Event::End(_)) => {
                if depth >= 2 {
                    stack.pop();
                }
                depth = depth.saturating_sub(1);
            }
            Ok(Event::Text(t)) => {
                if let (false, Ok(text)) = (stack.is_empty(), t.unescape()) {
                    if let Some(last) = elements.iter_mut().rev().find(|(p, _)| *p == stack) {
                        last.1.push_str(text.trim());
                    }
                }
            }
            Ok(Event::CData(t)) => {
                if !stack.is_empty() {
                    if let Some(last) = elements.iter_mut().rev().find(|(p, _)| *p == stack) {
                        last.1.push_str(&String::from_utf8_lossy(&t));
                    }
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
    for (path, text) in &elements {
        let shown = path.join("/");
        let mut fields: &[ir::Field] = &cb.fields;
        let mut field: Option<&ir::Field> = None;
        for (i, segment) in path.iter().enumerate() {
            if i > 0 {
                match field.map(|f| &f.ty) {
                    Some(TypeRef::Object(name)) => match types.iter().find(|o| &o.name == name) {
                        Some(o) => fields = &o.fields,
                        None => {
                            field = None;
                            break;
                        }
                    },
                    _ => {
                        problems.push(format!(
                            "element <{shown}> is nested in an element that is not of an object type"
                        ));
                        field = None;
                        break;
                    }
                }
            }
            field = fields.iter().find(|f| &f.wire == segment);
            if field.is_none() {
                let known: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
                problems.push(format!(
                    "element <{shown}> is not a declared field; expected one of {}",
                    known.join(", ")
                ));
                break;
            }
        }
        let Some(f) = field else { continue };
        let expected = match &f.ty {
            TypeRef::I32 | TypeRef::I64 | TypeRef::Flag if text.trim().parse::<i64>().is_err() => {
                Some("an integer")
            }
            TypeRef::Decimal if text.trim().parse::<f64>().is_err() => Some("a number"),
            _ => None,
        };
        if let Some(expected) = expected {
            problems.push(format!("<{shown}> should be {expected}, found {text:?}"));
        }
    }
    let get = |n: &str| {
        elements
            .iter()
            .find(|(p, _)| p.len() == 1 && p[0] == n)
            .map(|(_, v)| v.as_str())
    };
    if let Some(event) = get("Event").filter(|e| *e != cb.event) {
        problems.push(format!("<Event> is {event:?}; expected {:?}", cb.event));
    }
    if let Some(msg_type) = get("MsgType").filter(|m| *m != cb.msg_type) {
        problems.push(format!(
            "<MsgType> is {msg_type:?}; expected {:?}",
            cb.msg_type
        ));
    }
    problems
}
