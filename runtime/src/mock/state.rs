//! The mock's records and the interpreter of the spec's `mock:` rules.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::mock_spec::MockBehaviour;

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
            } => {
                let mut record = request.clone();
                for (k, v) in defaults {
                    record.entry(k.clone()).or_insert_with(|| v.clone());
                }
                for (to, from) in copy {
                    if let Some(v) = request.get(from) {
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
                Ok(Map::from_iter([(
                    into.clone(),
                    Value::Object(record.clone()),
                )]))
            }
            MockBehaviour::Update {
                store,
                key,
                when,
                set,
                merge,
            } => {
                let id = key_of(request, key);
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
                    for (k, v) in request.iter().filter(|(k, _)| *k != key) {
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

fn key_of(request: &Map<String, Value>, key: &str) -> String {
    match request.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
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
