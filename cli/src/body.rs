//! The request body of one call: `--json` (text, `@file` or `-` for stdin) with the field options on
//! top, keyed by wire names.

use std::io::Read;

use clap::ArgMatches;
use serde_json::{Map, Value};

use crate::failure::Failure;
use crate::model::{Field, Kind, Op};
use crate::value::Parsed;

/// Id of the `--json` argument.
pub const JSON_ARG: &str = "@json";

/// The body: the `--json` object, then every option given (an option replaces the key of the same
/// field). Keys that are no field of the operation are refused.
pub fn assemble(op: &Op, matches: &ArgMatches, stdin: &mut dyn Read) -> Result<Value, Failure> {
    let mut body = match matches.get_one::<String>(JSON_ARG) {
        Some(text) => json_object(text, stdin)?,
        None => Map::new(),
    };
    // A flattened union's keys (its tag, its case's payload) are checked when the body is decoded.
    let flattened = op.fields.iter().any(|f| f.flatten);
    for key in body.keys() {
        if op.field(key).is_some_and(|f| !f.flatten) {
            continue;
        }
        if flattened && !op.constants.contains(&key.as_str()) {
            continue;
        }
        if op.constants.contains(&key.as_str()) {
            return Err(Failure::Usage(format!(
                "--json: `{key}` is fixed by the spec and sent automatically; leave it out"
            )));
        }
        let known: Vec<&str> = op.fields.iter().map(|f| f.wire).collect();
        return Err(Failure::Usage(format!(
            "--json: unknown field `{key}`; expected {}",
            if known.is_empty() {
                "no field (this operation takes none)".to_owned()
            } else {
                format!("one of {}", known.join(", "))
            }
        )));
    }
    for field in op.fields {
        let Some(mut given) = matches.get_many::<Parsed>(field.wire) else {
            continue;
        };
        let value = match field.kind {
            Kind::List(_) => {
                let mut items = Vec::new();
                for p in given {
                    match &p.value {
                        Value::Array(all) if p.whole_list => items.extend(all.iter().cloned()),
                        one => items.push(one.clone()),
                    }
                }
                Value::Array(items)
            }
            _ => match given.next_back() {
                Some(p) => p.value.clone(),
                None => continue,
            },
        };
        match value {
            Value::Object(keys) if field.flatten => body.extend(keys),
            value if field.flatten => {
                return Err(Failure::Usage(format!(
                    "{}: expected a JSON object with `{}`'s tag and payload, found {value}",
                    field.option(),
                    field.wire
                )))
            }
            value => {
                body.insert(field.wire.to_owned(), value);
            }
        }
    }
    Ok(Value::Object(body))
}

/// The object of a `--json` value: the text itself, `@FILE`, or `-` (stdin).
fn json_object(text: &str, stdin: &mut dyn Read) -> Result<Map<String, Value>, Failure> {
    let (source, content) = if text == "-" {
        let mut s = String::new();
        stdin
            .read_to_string(&mut s)
            .map_err(|e| Failure::Usage(format!("--json -: cannot read stdin: {e}")))?;
        ("stdin".to_owned(), s)
    } else if let Some(path) = text.strip_prefix('@') {
        let content = std::fs::read_to_string(path)
            .map_err(|e| Failure::Usage(format!("--json @{path}: cannot read the file: {e}")))?;
        (format!("@{path}"), content)
    } else {
        ("the value".to_owned(), text.to_owned())
    };
    match serde_json::from_str::<Value>(&content) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Failure::Usage(format!(
            "--json: {source} is JSON but not an object; expected the request body as {{\"field\": value, ...}}"
        ))),
        Err(e) => Err(Failure::Usage(format!(
            "--json: {source} is not JSON ({e}); expected the request body as {{\"field\": value, ...}}"
        ))),
    }
}

/// A stand-in of the field's kind for a missing required field, so that the other rules of a request
/// can be checked before it is complete: empty text, zero, false, the first enum value, `{}`, `[]`.
pub fn placeholder(field: &Field) -> Value {
    match field.kind {
        Kind::Str => Value::String(String::new()),
        Kind::I32 | Kind::I64 | Kind::U32 | Kind::U64 | Kind::Decimal | Kind::Flag => {
            Value::from(0)
        }
        Kind::Bool => Value::Bool(false),
        Kind::IntEnum => field
            .values
            .first()
            .and_then(|v| v.wire.parse::<i64>().ok())
            .map_or(Value::from(0), Value::from),
        Kind::StrEnum => Value::String(field.values.first().map_or("", |v| v.wire).to_owned()),
        Kind::Object => Value::Object(Map::new()),
        Kind::List(_) => Value::Array(Vec::new()),
    }
}
