//! Pagination end signals, paged through the mini crate's mock server to the end
//! (`tests/fixtures/mini-spec/demo/rules.yaml`): a next cursor that the last page leaves out
//! (`empty_cursor`), a `has_more` flag (`{more: has_more}`), offset paging without a total that ends on a
//! short or empty page (`short_page`), and offset paging with a `u64` total (`offset`).

use futures::TryStreamExt;
use serde_json::{json, Value};
use wxlive_mini::demo::DemoClient;
use wxlive_runtime::mock::MockServer;

/// How many entries the mock stores: not a multiple of the page size 2, so the last page is short.
const ENTRIES: usize = 5;

/// A mock server holding [`ENTRIES`] entries, a client of it, and the entry ids in order.
async fn setup() -> (MockServer, DemoClient, Vec<String>) {
    let server = MockServer::start(wxlive_mini::demo::mock_config())
        .await
        .expect("the mini crate's mock starts");
    let (id, secret) = server.credentials();
    let client = DemoClient::builder()
        .credentials(id, secret.to_owned())
        .base_url(server.base_url())
        .build()
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..ENTRIES {
        let added = client
            .rules()
            .add_entry()
            .name(format!("entry {i}"))
            .send()
            .await
            .unwrap();
        ids.push(added.entry_id.expect("the mock answers the new id"));
    }
    (server, client, ids)
}

/// Pages needed for `n` items at `size` a page when the end is only seen on a short or empty page.
fn pages_until_short(n: usize, size: usize) -> usize {
    n / size + 1
}

#[tokio::test]
async fn empty_cursor_ends_when_the_last_page_leaves_the_cursor_out() {
    let (server, client, ids) = setup().await;
    let got: Vec<String> = client
        .rules()
        .page_cursor()
        .into_items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got, ids);
    assert_eq!(server.calls("rules.page_cursor"), ENTRIES.div_ceil(2));
    let pages: Vec<_> = client
        .rules()
        .page_cursor()
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    let last = pages.last().unwrap();
    assert_eq!(
        last.next_cursor, None,
        "the mock leaves the cursor out of the last page"
    );
    assert!(pages[..pages.len() - 1]
        .iter()
        .all(|p| p.next_cursor.as_deref().is_some_and(|c| !c.is_empty())));
}

#[tokio::test]
async fn a_more_flag_pages_until_it_is_zero() {
    let (server, client, ids) = setup().await;
    let pages: Vec<_> = client
        .rules()
        .page_more()
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), ENTRIES.div_ceil(2));
    assert_eq!(pages.last().unwrap().has_more, Some(false));
    assert!(pages[..pages.len() - 1]
        .iter()
        .all(|p| p.has_more == Some(true)));
    let items: Vec<String> = pages.into_iter().flat_map(|p| p.ids).collect();
    assert_eq!(items, ids);
    assert_eq!(server.calls("rules.page_more"), ENTRIES.div_ceil(2));
}

#[tokio::test]
async fn short_pages_end_offset_paging_without_a_total() {
    let (server, client, ids) = setup().await;
    for (size, calls_before) in [(2usize, 0usize), (ENTRIES, pages_until_short(ENTRIES, 2))] {
        let got: Vec<String> = client
            .rules()
            .page_short()
            .limit(u32::try_from(size).unwrap())
            .into_items()
            .try_collect()
            .await
            .unwrap();
        assert_eq!(got, ids, "page size {size}");
        assert_eq!(
            server.calls("rules.page_short") - calls_before,
            pages_until_short(ENTRIES, size),
            "page size {size}: a short page ends, and a full last page needs an empty one after it"
        );
    }
}

#[tokio::test]
async fn offset_paging_ends_at_the_total() {
    let (server, client, ids) = setup().await;
    let pages: Vec<_> = client
        .rules()
        .page_total()
        .size(2)
        .into_pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), ENTRIES.div_ceil(2));
    assert!(pages.iter().all(|p| p.total == Some(ENTRIES as u64)));
    let items: Vec<String> = pages.into_iter().flat_map(|p| p.ids).collect();
    assert_eq!(items, ids);
    assert_eq!(server.calls("rules.page_total"), ENTRIES.div_ceil(2));
}

#[tokio::test]
async fn the_mock_answers_each_paging_style_on_the_wire() {
    let (server, _client, _ids) = setup().await;
    let http = reqwest::Client::new();
    let (id, secret) = server.credentials();
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
    let post = |path: &str, body: Value| {
        let url = format!("{}{path}?access_token={token}", server.base_url());
        let http = http.clone();
        async move {
            http.post(url)
                .json(&body)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let last = post("/rules/entries/by_cursor", json!({"cursor": "page-4"})).await;
    assert_eq!(last["ids"].as_array().unwrap().len(), 1, "{last}");
    assert!(
        last.get("next_cursor").is_none(),
        "the cursor is absent: {last}"
    );
    let first = post("/rules/entries/by_more", json!({})).await;
    assert_eq!(first["has_more"], 1, "{first}");
    let beyond = post(
        "/rules/entries/by_offset",
        json!({"offset": 99, "limit": 2}),
    )
    .await;
    assert_eq!(beyond["errcode"], 0, "{beyond}");
    assert_eq!(beyond["ids"], json!([]), "past the end: an empty page");
    let bad = post(
        "/rules/entries/by_offset",
        json!({"offset": "x", "limit": 2}),
    )
    .await;
    assert_ne!(bad["errcode"], 0, "{bad}");
    let totals = post("/rules/entries/by_total", json!({"offset": 4, "size": 2})).await;
    assert_eq!(totals["total"], ENTRIES, "{totals}");
}

#[test]
fn openapi_names_each_end_signal() {
    let doc: Value = serde_json::from_str(include_str!("../mini-crate/openapi/demo.json")).unwrap();
    let pagination = |path: &str| doc["paths"][path]["post"]["x-pagination"].clone();
    assert_eq!(
        pagination("/rules/entries/by_cursor")["end"],
        "empty_cursor"
    );
    assert_eq!(
        pagination("/rules/entries/by_more")["end"],
        json!({"more": "has_more"})
    );
    let short = pagination("/rules/entries/by_offset");
    assert_eq!(short["end"], "short_page");
    assert_eq!(short["limit"], "limit");
    assert!(short.get("response").is_none(), "{short}");
    assert_eq!(pagination("/rules/entries/by_total")["response"], "total");
}
