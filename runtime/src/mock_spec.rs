//! How the mock server answers an endpoint statefully, as declared in the spec (`mock:` on an endpoint).
//! Plain serde data: the generator parses and lints it from YAML, the mock server interprets it.
//!
//! Records live in named stores as JSON objects; field names are wire names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What an endpoint does to the mock's state. In YAML, one key naming the kind:
///
/// ```yaml
/// mock:
///   create: {store: calendars, id: cal_id, wrap: calendar}        # {"calendar": {...}} → a record
///   get: {store: calendars, key: cal_id, into: calendar}          # → {"calendar": {record}}
///   get_list: {store: calendars, key: cal_id_list, into: calendar_list, missing: skip}
///   update: {store: calendars, key: calendar.cal_id, wrap: calendar, merge: true}
///   list: {store: calendars, items: cal_id_list, ids: true, cursor: cursor, next: next_cursor, page_size: 10}
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum MockBehaviour {
    /// Stores the request as a new record and answers its new id in response field `id`.
    Create {
        /// Store name.
        store: String,
        /// Field holding the id, in the record and in the response.
        id: String,
        /// Fields set on the new record.
        #[serde(default)]
        set: Map<String, Value>,
        /// Fields set on the new record when the request leaves them out (documented server defaults).
        #[serde(default)]
        defaults: Map<String, Value>,
        /// Record fields copied from other request fields (`reserve_start: living_start`).
        #[serde(default)]
        copy: BTreeMap<String, String>,
        /// Request field holding the new object (`calendar` of `{"calendar": {...}}`): the record is
        /// that object's fields, not the request's, and `copy` reads from it. A `get` answering
        /// `into: calendar` then returns the record wrapped the same way.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wrap: Option<String>,
    },
    /// Answers the record whose id is the request's `key` field, as response field `into`.
    Get {
        /// Store name.
        store: String,
        /// Request field with the id (a dotted path reaches into an object: `calendar.cal_id`).
        key: String,
        /// Response field that receives the record (a dotted path creates the objects on the way).
        into: String,
    },
    /// Answers the records whose ids the request's `key` list holds, in the request's order, as the
    /// list in response field `into`; `missing` says what an unknown id gets.
    GetList {
        /// Store name.
        store: String,
        /// Request field with the list of ids (a dotted path reaches into an object).
        key: String,
        /// Response field that receives the list of records (a dotted path creates the objects on
        /// the way).
        into: String,
        /// What the answer is when an id is unknown.
        missing: Missing,
    },
    /// Changes the record whose id is the request's `key` field.
    Update {
        /// Store name.
        store: String,
        /// Request field with the id.
        key: String,
        /// Preconditions: record fields and the values they must have.
        #[serde(default)]
        when: Map<String, Value>,
        /// Fields set on the record.
        #[serde(default)]
        set: Map<String, Value>,
        /// Whether the request's other fields are merged into the record.
        #[serde(default)]
        merge: bool,
        /// Request field holding the changes (`calendar` of `{"calendar": {"cal_id": ..., ...}}`):
        /// `merge` takes that object's fields (but the key), not the request's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        wrap: Option<String>,
    },
    /// Pages through records.
    List {
        /// Store name.
        store: String,
        /// Record field → request field that must be equal.
        #[serde(default)]
        filter: BTreeMap<String, String>,
        /// Response field (dotted path) that receives the page's items.
        items: String,
        /// Whether items are record ids instead of records.
        #[serde(default)]
        ids: bool,
        /// Request field with the cursor (absent or empty = first page); without `next`, the request's
        /// integer item offset (absent = 0).
        cursor: String,
        /// Response field with the next cursor (empty on the last page). Without it the list pages by
        /// item offset (`cursor` is the offset field).
        #[serde(default)]
        next: Option<String>,
        /// Response flag set to 1 on the last page (when the API ends on a flag, not an empty cursor).
        #[serde(default)]
        end_flag: Option<String>,
        /// Response flag set to 1 while more pages follow (`has_more`), 0 on the last page.
        #[serde(default)]
        more_flag: Option<String>,
        /// Response field with the number of matching records (offset paging with a total).
        #[serde(default)]
        total: Option<String>,
        /// Whether the last page leaves the `next` cursor out instead of sending it empty.
        #[serde(default)]
        omit_last_cursor: bool,
        /// Request field with the page size, if the API has one.
        #[serde(default)]
        limit: Option<String>,
        /// Page size when the request has none.
        page_size: usize,
    },
}

impl MockBehaviour {
    /// The store it works on.
    pub fn store(&self) -> &str {
        match self {
            MockBehaviour::Create { store, .. }
            | MockBehaviour::Get { store, .. }
            | MockBehaviour::GetList { store, .. }
            | MockBehaviour::Update { store, .. }
            | MockBehaviour::List { store, .. } => store,
        }
    }
}

/// What a [`MockBehaviour::GetList`] answers when some requested id has no record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    /// The unknown ids are left out of the list; the call succeeds.
    Skip,
    /// The call fails with the product's `not_found` errcode, naming the unknown ids.
    Error,
}

/// Errcodes the mock answers with for protocol-level problems (per product; see each default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MockErrors {
    /// No access token (41001).
    pub missing_token: i64,
    /// Unknown access token (40014).
    pub invalid_token: i64,
    /// Expired access token (42001).
    pub expired_token: i64,
    /// Wrong secret at the token endpoint (40001).
    pub invalid_secret: i64,
    /// Wrong id at the token endpoint (40013).
    pub invalid_id: i64,
    /// A request that breaks the spec's rules (40058).
    pub invalid_parameter: i64,
    /// A body that is not a JSON object (47001).
    pub malformed_body: i64,
    /// GET where POST is expected (43002).
    pub require_post: i64,
    /// POST where GET is expected (43001).
    pub require_get: i64,
    /// No such record (40058: the official docs name no code).
    pub not_found: i64,
    /// The record's state does not allow the call (40058: the official docs name no code).
    pub precondition_failed: i64,
    /// No such API path (404).
    pub unknown_path: i64,
    /// An upload whose body is not multipart/form-data with the file part (WeCom 44001 多媒体文件为空;
    /// WeChat answers 41005 media data missing).
    pub missing_media: i64,
    /// An uploaded file over or under its size limit (40006 不合法的文件大小).
    pub media_size: i64,
    /// An uploaded file of a format the endpoint does not take (40004 不合法的媒体文件类型).
    pub media_type: i64,
    /// A download of an unknown media id (40007 不合法的media_id参数).
    pub unknown_media: i64,
    /// A download with a `Range` header it cannot serve (WeCom 40146 不合法的http请求Range头).
    pub invalid_range: i64,
}

impl Default for MockErrors {
    fn default() -> Self {
        MockErrors {
            missing_token: 41001,
            invalid_token: 40014,
            expired_token: 42001,
            invalid_secret: 40001,
            invalid_id: 40013,
            invalid_parameter: 40058,
            malformed_body: 47001,
            require_post: 43002,
            require_get: 43001,
            not_found: 40058,
            precondition_failed: 40058,
            unknown_path: 404,
            missing_media: 44001,
            media_size: 40006,
            media_type: 40004,
            unknown_media: 40007,
            invalid_range: 40146,
        }
    }
}
