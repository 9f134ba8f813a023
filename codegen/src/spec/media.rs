//! The `upload:` and `download:` keys of an endpoint, as written in YAML.

use schemars::JsonSchema;
use serde::Deserialize;

use super::model::Level;

/// `upload:` — the endpoint takes a file as `multipart/form-data`.
///
/// ```yaml
/// upload:
///   part: media                 # form field name of the file part
///   by: type                    # request field selecting the limits (optional)
///   returns: media_id           # response field with the stored file's id (mock server)
///   limits:
///     - {when: image, max_size: 10485760, min_size: 6, extensions: [jpg, jpeg, png], source: "90253"}
///     - {max_size: 20971520, min_size: 6, source: "90253"}
/// ```
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Upload {
    /// Form field name of the file part (`media`).
    pub part: String,
    /// Wire name of a request field (query or body; a string, integer or enum) whose value selects
    /// the limits (`type`).
    #[serde(default)]
    pub by: Option<String>,
    /// Size and format limits, checked before any byte is sent; the first whose `when` matches the
    /// `by` field's value (or that has no `when`) applies.
    #[serde(default)]
    pub limits: Vec<FileLimit>,
    /// Wire name of the response field carrying the stored file's id (`media_id`): the mock server
    /// stores the upload under a new id and answers it there, so downloading it returns the bytes.
    #[serde(default)]
    pub returns: Option<String>,
}

/// Limits on an uploaded file.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FileLimit {
    /// The value of the `by` field this limit is for (a value of its type; leave it out for a
    /// catch-all limit, which must come last).
    #[serde(default)]
    #[schemars(with = "Option<serde_json::Value>")]
    pub when: Option<serde_yaml::Value>,
    /// Largest accepted size in bytes (write what the server accepts: a page's "10MB", when it does
    /// not say 10^6 or 2^20, is 10485760).
    #[serde(default)]
    pub max_size: Option<u64>,
    /// Smallest accepted size in bytes ("> 5 bytes" is `min_size: 6`).
    #[serde(default)]
    pub min_size: Option<u64>,
    /// Accepted file-name extensions, lower case without the dot (`[jpg, jpeg, png]`); empty: any.
    #[serde(default)]
    pub extensions: Vec<String>,
    /// Where the limit comes from (an official doc id).
    #[serde(default)]
    pub source: Option<String>,
    /// How binding it is: official (default; checked before sending), product (strict profile
    /// only) or advice (a warning).
    #[serde(default)]
    #[schemars(schema_with = "super::model::level_schema")]
    pub level: Level,
}

/// `download:` — the answer is the file itself (or a JSON errcode envelope on failure).
///
/// ```yaml
/// download: {key: media_id, range: true}
/// ```
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Download {
    /// Wire name of the request field naming the file (`media_id`): the mock server serves the upload
    /// stored under that id.
    pub key: String,
    /// Whether the documentation gives `Range: bytes=start-end` requests (`206 Partial Content`).
    #[serde(default)]
    pub range: bool,
}
