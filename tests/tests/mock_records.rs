//! The mock's state rules for requests that wrap one object (`{"record": {...}}`) and for id-list
//! lookups, over real loopback HTTP, on the mini spec's `records` domain
//! (`tests/fixtures/mini-spec/demo/records.yaml`): what a test creates it reads back, wrapped as it
//! was sent, one by one and by a list of ids; an update changes the wrapped fields; unknown ids are
//! left out or fail the call, as each endpoint's rule says.

use serde_json::{json, Value};
use wxlive_mini::demo::records::Record;
use wxlive_mini::demo::DemoClient;
use wxlive_runtime::mock::MockServer;

async fn mock() -> (MockServer, DemoClient) {
    let server = MockServer::start(wxlive_mini::demo::mock_config())
        .await
        .expect("the mini crate's mock starts");
    let (id, secret) = server.credentials();
    let client = DemoClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .build()
        .unwrap();
    (server, client)
}

fn record(name: &str, size: Option<i32>) -> Record {
    Record {
        name: Some(name.into()),
        size,
        ..Record::default()
    }
}

async fn add(client: &DemoClient, name: &str, size: Option<i32>) -> String {
    client
        .records()
        .add_record()
        .record(record(name, size))
        .send()
        .await
        .expect("add_record")
        .record_id
        .expect("a new id")
}

async fn get(client: &DemoClient, id: &str) -> Record {
    client
        .records()
        .get_record()
        .record_id(id)
        .send()
        .await
        .expect("get_record")
        .record
        .expect("the record, wrapped in `record`")
}

#[tokio::test]
async fn a_wrapped_create_stores_the_wrapped_fields_and_a_get_answers_them_wrapped() {
    let (server, client) = mock().await;
    let id = add(&client, "r1", Some(2)).await;
    let other = add(&client, "r2", None).await;
    assert_ne!(id, other);

    // The record is the wrapped object's fields (not `{"record": {...}}`), with the rule's `set`,
    // `defaults`, `copy` (read from the wrapped object) and the new id.
    let stored = server.records("records");
    assert_eq!(
        stored[0],
        json!({"name": "r1", "size": 2, "note": "r1", "state": 0, "record_id": id})
    );
    assert_eq!(
        stored[1]["size"], 1,
        "the default fills what the request left out"
    );
    assert!(
        stored.iter().all(|r| r.get("record").is_none()),
        "{stored:?}"
    );

    let back = get(&client, &id).await;
    assert_eq!(back.record_id.as_deref(), Some(id.as_str()));
    assert_eq!(back.name.as_deref(), Some("r1"));
    assert_eq!(back.size, Some(2));
    assert_eq!(back.note.as_deref(), Some("r1"));
    assert_eq!(back.state, Some(0));
    assert_eq!(get(&client, &other).await.size, Some(1));

    let err = client
        .records()
        .get_record()
        .record_id("RE999999")
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(9001), "the product's not_found: {err}");
}

#[tokio::test]
async fn a_wrapped_update_finds_the_record_by_the_id_inside_and_merges_the_wrapped_fields() {
    let (server, client) = mock().await;
    let id = add(&client, "r1", Some(2)).await;
    client
        .records()
        .update_record()
        .record(Record {
            record_id: Some(id.clone()),
            size: Some(5),
            ..Record::default()
        })
        .send()
        .await
        .expect("update_record");
    let back = get(&client, &id).await;
    assert_eq!(back.size, Some(5), "the wrapped field is merged");
    assert_eq!(back.name.as_deref(), Some("r1"), "the others are kept");
    assert_eq!(back.record_id.as_deref(), Some(id.as_str()));
    assert!(server.records("records")[0].get("record").is_none());

    // The precondition (`when: {state: 0}`) holds on the stored record.
    assert!(server.update_record("records", &id, json!({"state": 1})));
    let err = client
        .records()
        .update_record()
        .record(Record {
            record_id: Some(id.clone()),
            size: Some(6),
            ..Record::default()
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(9002), "precondition_failed: {err}");
    // An id nobody created.
    let err = client
        .records()
        .update_record()
        .record(Record {
            record_id: Some("RE999999".into()),
            size: Some(6),
            ..Record::default()
        })
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.errcode(), Some(9001), "{err}");
}

#[tokio::test]
async fn an_id_list_lookup_answers_the_records_in_the_order_asked_and_skips_unknown_ids() {
    let (_server, client) = mock().await;
    let a = add(&client, "a", Some(1)).await;
    let b = add(&client, "b", Some(2)).await;
    let c = add(&client, "c", Some(3)).await;
    let found = client
        .records()
        .get_records()
        .record_ids(vec![c.clone(), "RE999999".into(), a.clone()])
        .send()
        .await
        .expect("get_records")
        .record_list;
    let ids: Vec<Option<String>> = found.iter().map(|r| r.record_id.clone()).collect();
    assert_eq!(ids, [Some(c.clone()), Some(a.clone())]);
    assert_eq!(found[0].name.as_deref(), Some("c"));
    assert_eq!(found[1].size, Some(1));
    // Every record, each once per mention.
    let all = client
        .records()
        .get_records()
        .record_ids(vec![a.clone(), b.clone(), c.clone(), b.clone()])
        .send()
        .await
        .unwrap()
        .record_list;
    assert_eq!(all.len(), 4);
    assert_eq!(all[3].record_id.as_deref(), Some(b.as_str()));
}

#[tokio::test]
async fn an_id_list_lookup_that_says_error_fails_on_an_unknown_id_and_names_it() {
    let (server, client) = mock().await;
    let a = add(&client, "a", None).await;
    let found = client
        .records()
        .check_records()
        .record_ids(vec![a.clone()])
        .send()
        .await
        .expect("check_records")
        .record_list;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].record_id.as_deref(), Some(a.as_str()));

    // Over raw HTTP, to read the errmsg as the server wrote it.
    let (id, secret) = server.credentials();
    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!("{}/token", server.base_url()))
        .json(&json!({"grant_type": "client_credential", "appid": id, "secret": secret, "force_refresh": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let token = token["access_token"].as_str().unwrap().to_owned();
    let answer: Value = http
        .post(format!(
            "{}/records/batch_check?access_token={token}",
            server.base_url()
        ))
        .json(&json!({"record_ids": [a, "RE404404"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["errcode"], 9001, "{answer}");
    let errmsg = answer["errmsg"].as_str().unwrap();
    assert!(
        errmsg.contains("RE404404") && !errmsg.contains(&a),
        "{answer}"
    );
    assert!(answer.get("record_list").is_none(), "{answer}");
}

/// Editors see the mock rules too: the format's JSON Schema (from the runtime's own types) lists
/// every kind, with `wrap` and `get_list`'s `missing` closed to the documented values.
#[test]
fn the_format_schema_describes_the_mock_rules() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../generated/schema/domain.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let defs = &schema["$defs"];
    let kinds: Vec<&str> = defs["MockBehaviour"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| v["properties"].as_object().unwrap().keys())
        .map(String::as_str)
        .collect();
    assert_eq!(kinds, ["create", "get", "get_list", "update", "list"]);
    let rule = |kind: &str| {
        defs["MockBehaviour"]["oneOf"]
            .as_array()
            .unwrap()
            .iter()
            .find_map(|v| v["properties"].get(kind).cloned())
            .unwrap()
    };
    assert!(rule("create")["properties"].get("wrap").is_some());
    assert!(rule("update")["properties"].get("wrap").is_some());
    assert_eq!(rule("get_list")["additionalProperties"], false);
    let missing: Vec<&str> = defs["Missing"]["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["const"].as_str().unwrap())
        .collect();
    assert_eq!(missing, ["skip", "error"]);
}
