//! The example XML of a callback, checked against its declared elements.

use quick_xml::events::Event;

use crate::ir::{self, TypeRef};

/// Problems of a callback's example XML: well-formed, every element declared (elements nested in an
/// element of an object type against that type's fields), numbers where numbers belong, `Event` and
/// `MsgType` right.
pub fn check(cb: &ir::Callback, types: &[ir::Object]) -> Vec<String> {
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
                    Some(TypeRef::Object(o)) => match types.get(o.id) {
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
            TypeRef::U32 | TypeRef::U64 if text.trim().parse::<u64>().is_err() => {
                Some("an unsigned integer")
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
