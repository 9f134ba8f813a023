//! The mock's records and the interpreter of the spec's `mock:` rules.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::mock_spec::{Missing, MockBehaviour};

/// Records of one store, in insertion order.
#[derive(Debug, Clone, Default)]
pub struct Store {
    records: Vec<(String, Map<String, Value>)>,
    next: u64,
}

/// Why a rule could not be applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// No record with that id.
    NotFound(String),
    /// The record is not in a state that allows the call.
    Precondition(String),
    /// The request's cursor or limit is not usable.
    BadParameter(String),
}

#[derive(Debug, Default)]
pub(crate) struct State {
    stores: BTreeMap<String, Store>,
}

impl State {
    pub(crate) fn records(&self, store: &str) -> Vec<Value> {
        self.stores
            .get(store)
            .map(|s| {
                s.records
                    .iter()
                    .map(|(_, r)| Value::Object(r.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Removes and returns the records of `store` but the newest `keep`, oldest first.
    pub(crate) fn take_oldest(&mut self, store: &str, keep: usize) -> Vec<Value> {
        let Some(s) = self.stores.get_mut(store) else {
            return Vec::new();
        };
        let cut = s.records.len().saturating_sub(keep);
        s.records
            .drain(..cut)
            .map(|(_, r)| Value::Object(r))
            .collect()
    }

    pub(crate) fn insert(&mut self, store: &str, record: Value) -> String {
        let s = self.stores.entry(store.to_owned()).or_default();
        s.next += 1;
        let id = format!(
            "{}{:06}",
            store.chars().take(2).collect::<String>().to_uppercase(),
            s.next
        );
        let record = match record {
            Value::Object(map) => map,
            other => Map::from_iter([("value".to_owned(), other)]),
        };
        s.records.push((id.clone(), record));
        id
    }

    pub(crate) fn merge(&mut self, store: &str, id: &str, fields: Value) -> bool {
        let Some(record) = self.find_mut(store, id) else {
            return false;
        };
        if let Value::Object(fields) = fields {
            record.extend(fields);
        }
        true
    }

    fn find_mut(&mut self, store: &str, id: &str) -> Option<&mut Map<String, Value>> {
        self.stores
            .get_mut(store)?
            .records
            .iter_mut()
            .find(|(rid, _)| rid == id)
            .map(|(_, r)| r)
    }

    /// Applies `rule` to `request`; returns the answer's fields besides errcode/errmsg.
    pub(crate) fn apply(
        &mut self,
        rule: &MockBehaviour,
        request: &Map<String, Value>,
    ) -> Result<Map<String, Value>, Refusal> {
        match rule {
            MockBehaviour::Create {
                store,
                id,
                set,
                defaults,
                copy,
                wrap,
            } => {
                let source = wrapped(request, wrap.as_deref())?;
                let mut record = source.clone();
                for (k, v) in defaults {
                    record.entry(k.clone()).or_insert_with(|| v.clone());
                }
                for (to, from) in copy {
                    if let Some(v) = lookup(source, from) {
                        record.insert(to.clone(), v.clone());
                    }
                }
                record.extend(set.clone());
                let new_id = self.insert(store, Value::Object(record));
                if let Some(r) = self.find_mut(store, &new_id) {
                    r.insert(id.clone(), Value::String(new_id.clone()));
                }
                Ok(Map::from_iter([(id.clone(), Value::String(new_id))]))
            }
            MockBehaviour::Get { store, key, into } => {
                let id = key_of(request, key);
                let record = self
                    .find_mut(store, &id)
                    .ok_or_else(|| Refusal::NotFound(format!("{key} {id:?} does not exist")))?;
                let mut answer = Map::new();
                insert_path(&mut answer, into, Value::Object(record.clone()));
                Ok(answer)
            }
            MockBehaviour::GetList {
                store,
                key,
                into,
                missing,
            } => {
                let Some(Value::Array(ids)) = lookup(request, key) else {
                    return Err(Refusal::BadParameter(format!(
                        "{key} must be a list of ids"
                    )));
                };
                let mut found = Vec::new();
                let mut unknown = Vec::new();
                for id in ids.iter().map(id_text) {
                    match self.find_mut(store, &id) {
                        Some(record) => found.push(Value::Object(record.clone())),
                        None => unknown.push(format!("{id:?}")),
                    }
                }
                if *missing == Missing::Error && !unknown.is_empty() {
                    return Err(Refusal::NotFound(format!(
                        "{key}: {} {} not exist",
                        unknown.join(", "),
                        if unknown.len() == 1 { "does" } else { "do" }
                    )));
                }
                let mut answer = Map::new();
                insert_path(&mut answer, into, Value::Array(found));
                Ok(answer)
            }
            MockBehaviour::Update {
                store,
                key,
                when,
                set,
                merge,
                wrap,
            } => {
                let id = key_of(request, key);
                let source = wrapped(request, wrap.as_deref())?;
                // The key's own field is not a change.
                let key_field = match wrap {
                    Some(w) => key
                        .strip_prefix(w.as_str())
                        .and_then(|k| k.strip_prefix('.')),
                    None => Some(key.as_str()),
                };
                let record = self
                    .find_mut(store, &id)
                    .ok_or_else(|| Refusal::NotFound(format!("{key} {id:?} does not exist")))?;
                let unmet: Vec<String> = when
                    .iter()
                    .filter(|(field, expected)| {
                        !same(record.get(*field).unwrap_or(&Value::Null), expected)
                    })
                    .map(|(field, expected)| {
                        format!(
                            "{field} is {}, the call needs {expected}",
                            record.get(field).unwrap_or(&Value::Null)
                        )
                    })
                    .collect();
                if !unmet.is_empty() {
                    return Err(Refusal::Precondition(format!(
                        "{key} {id:?}: {}",
                        unmet.join("; ")
                    )));
                }
                if *merge {
                    for (k, v) in source.iter().filter(|(k, _)| Some(k.as_str()) != key_field) {
                        record.insert(k.clone(), v.clone());
                    }
                }
                record.extend(set.clone());
                Ok(Map::new())
            }
            MockBehaviour::List {
                store,
                filter,
                items,
                ids,
                cursor,
                next,
                end_flag,
                more_flag,
                total,
                omit_last_cursor,
                limit,
                page_size,
            } => {
                let matching: Vec<(String, Map<String, Value>)> = self
                    .stores
                    .get(store)
                    .map(|s| {
                        s.records
                            .iter()
                            .filter(|(_, r)| {
                                filter.iter().all(|(field, req)| {
                                    same(
                                        r.get(field).unwrap_or(&Value::Null),
                                        request.get(req).unwrap_or(&Value::Null),
                                    )
                                })
                            })
                            .cloned()
                            .collect()
                    })
                    .unwrap_or_default();
                let offset = match (next, request.get(cursor)) {
                    // Offset paging: an integer item offset, absent = 0.
                    (None, None | Some(Value::Null)) => Some(0),
                    (None, Some(v)) => Some(
                        v.as_u64()
                            .and_then(|n| usize::try_from(n).ok())
                            .ok_or_else(|| {
                                Refusal::BadParameter(format!(
                                    "{cursor} must be a non-negative integer offset"
                                ))
                            })?
                            .min(matching.len()),
                    ),
                    (Some(_), _) => None,
                };
                let start = match (offset, request.get(cursor).and_then(Value::as_str)) {
                    (Some(offset), _) => offset,
                    (None, None | Some("") | Some("0")) => 0,
                    (None, Some(c)) => c
                        .strip_prefix("page-")
                        .and_then(|n| n.parse::<usize>().ok())
                        .filter(|n| *n <= matching.len())
                        .ok_or_else(|| {
                            Refusal::BadParameter(format!(
                                "{cursor} {c:?} is not a cursor this server issued"
                            ))
                        })?,
                };
                let size = match limit.as_ref().and_then(|l| request.get(l)) {
                    Some(v) => v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
                        Refusal::BadParameter(format!(
                            "{} must be a positive integer",
                            limit.as_deref().unwrap_or_default()
                        ))
                    })? as usize,
                    None => *page_size,
                };
                let end = (start + size).min(matching.len());
                let page: Vec<Value> = matching[start..end]
                    .iter()
                    .map(|(id, r)| {
                        if *ids {
                            Value::String(id.clone())
                        } else {
                            Value::Object(r.clone())
                        }
                    })
                    .collect();
                let last = end >= matching.len();
                let mut answer = Map::new();
                insert_path(&mut answer, items, Value::Array(page));
                if let Some(next) = next {
                    let next_cursor = match (last, end_flag) {
                        (true, None) => String::new(),
                        _ => format!("page-{end}"),
                    };
                    if !(last && *omit_last_cursor) {
                        answer.insert(next.clone(), Value::String(next_cursor));
                    }
                }
                if let Some(flag) = end_flag {
                    answer.insert(flag.clone(), json!(u8::from(last)));
                }
                if let Some(flag) = more_flag {
                    answer.insert(flag.clone(), json!(u8::from(!last)));
                }
                if let Some(total) = total {
                    answer.insert(total.clone(), json!(matching.len()));
                }
                Ok(answer)
            }
        }
    }
}

/// The id at `key` (a dotted path) of the request, as record ids are written.
fn key_of(request: &Map<String, Value>, key: &str) -> String {
    lookup(request, key).map(id_text).unwrap_or_default()
}

/// An id as record ids are written: a string as is, anything else as its JSON text.
fn id_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The value at a dotted path (`calendar.cal_id`) of an object.
fn lookup<'a>(map: &'a Map<String, Value>, path: &str) -> Option<&'a Value> {
    match path.split_once('.') {
        None => map.get(path),
        Some((head, rest)) => lookup(map.get(head)?.as_object()?, rest),
    }
}

/// The object a rule reads the record's fields from: the request itself, or its `wrap` field.
fn wrapped<'a>(
    request: &'a Map<String, Value>,
    wrap: Option<&str>,
) -> Result<&'a Map<String, Value>, Refusal> {
    match wrap {
        None => Ok(request),
        Some(field) => lookup(request, field)
            .and_then(Value::as_object)
            .ok_or_else(|| Refusal::BadParameter(format!("{field} must be an object"))),
    }
}

/// Equal, with numbers compared by value and `"1"` equal to `1`.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => {
            s == &n.to_string()
        }
        _ => a == b,
    }
}

/// Inserts `value` at a dotted path, creating objects on the way.
fn insert_path(map: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            map.insert(path.to_owned(), value);
        }
        Some((head, rest)) => {
            let child = map
                .entry(head.to_owned())
                .or_insert_with(|| Value::Object(Map::new()));
            if !child.is_object() {
                *child = Value::Object(Map::new());
            }
            if let Value::Object(child) = child {
                insert_path(child, rest, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: Value) -> MockBehaviour {
        serde_json::from_value(json).expect("a rule")
    }

    fn request(json: Value) -> Map<String, Value> {
        json.as_object().expect("an object").clone()
    }

    #[test]
    fn a_wrapped_rule_without_its_object_is_a_bad_parameter_not_a_panic() {
        let mut state = State::default();
        let create = rule(json!({"create": {"store": "s", "id": "id", "wrap": "thing"}}));
        for bad in [json!({}), json!({"thing": "text"}), json!({"thing": [1]})] {
            assert!(matches!(
                state.apply(&create, &request(bad)),
                Err(Refusal::BadParameter(_))
            ));
        }
        assert!(state.records("s").is_empty());
    }

    #[test]
    fn dotted_keys_and_into_paths_reach_nested_objects() {
        let mut state = State::default();
        let create = rule(json!({"create": {"store": "s", "id": "id", "wrap": "a.b"}}));
        let made = state
            .apply(&create, &request(json!({"a": {"b": {"x": 1}}})))
            .unwrap();
        let id = made["id"].as_str().unwrap().to_owned();
        let get = rule(json!({"get": {"store": "s", "key": "q.id", "into": "out.thing"}}));
        let answer = state
            .apply(&get, &request(json!({"q": {"id": id}})))
            .unwrap();
        assert_eq!(answer["out"]["thing"], json!({"x": 1, "id": id}));
        // A path through a scalar finds nothing: the record does not exist.
        assert!(matches!(
            state.apply(&get, &request(json!({"q": "x"}))),
            Err(Refusal::NotFound(_))
        ));
    }

    #[test]
    fn an_id_list_needs_a_list_and_reads_integer_ids_as_text() {
        let mut state = State::default();
        let id = state.insert("s", json!({"n": 1}));
        let get = rule(
            json!({"get_list": {"store": "s", "key": "ids", "into": "list", "missing": "error"}}),
        );
        assert!(matches!(
            state.apply(&get, &request(json!({"ids": id}))),
            Err(Refusal::BadParameter(_))
        ));
        let answer = state.apply(&get, &request(json!({"ids": [id]}))).unwrap();
        assert_eq!(answer["list"], json!([{"n": 1}]));
        let Err(Refusal::NotFound(why)) = state.apply(&get, &request(json!({"ids": [7, id]})))
        else {
            panic!("an unknown id fails the call");
        };
        assert!(why.contains("\"7\""), "{why}");
        assert_eq!(
            state.apply(&get, &request(json!({"ids": []}))).unwrap()["list"],
            json!([])
        );
    }
}
