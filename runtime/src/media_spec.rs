//! How an operation moves files, as the spec declares it (`upload:` / `download:` on an endpoint):
//! static descriptions the generator emits into [`ApiRequest::TRANSFER`](crate::ApiRequest::TRANSFER),
//! and the one check of a file against the spec's limits, shared by the client (before any byte is
//! sent) and the mock server (as the server would).

use std::fmt;

use crate::constraint::Level;
use crate::validate::Validator;

/// How an operation's request and answer travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Transfer {
    /// A JSON body (POST) or query parameters only (GET), answered with JSON: every operation without
    /// `upload:` or `download:`.
    #[default]
    Json,
    /// A `multipart/form-data` body with one file part (and the request's body fields as text
    /// parts), answered with JSON.
    Upload(&'static UploadSpec),
    /// Query parameters only, answered with the file itself, or a JSON errcode envelope on failure.
    Download(&'static DownloadSpec),
}

/// The spec's `upload:` of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UploadSpec {
    /// Form field name of the file part (`media`).
    pub part: &'static str,
    /// Request field whose value selects the limits that apply (`type`), if any.
    pub by: Option<&'static str>,
    /// Size and format limits: the first whose `when` matches the `by` field's value (or that has no
    /// `when`) applies.
    pub limits: &'static [FileLimit],
    /// Response field that carries the id of the stored file (`media_id`): the mock server answers the
    /// id it stores the upload under there.
    pub returns: Option<&'static str>,
}

/// Limits on the uploaded file, for one value of the selecting field (or for every value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileLimit {
    /// Value of the selecting request field (as query text) this limit is for; `None`: any value.
    pub when: Option<&'static str>,
    /// Largest accepted size in bytes.
    pub max_size: Option<u64>,
    /// Smallest accepted size in bytes.
    pub min_size: Option<u64>,
    /// Accepted file-name extensions, lower case without the dot (`jpg`); empty: any.
    pub extensions: &'static [&'static str],
    /// Where the limit comes from (an official doc id).
    pub source: Option<&'static str>,
    /// How binding it is.
    pub level: Level,
}

/// The spec's `download:` of an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DownloadSpec {
    /// Request field naming the file (`media_id`): the mock server serves the upload stored under it.
    pub key: &'static str,
    /// Whether the documentation gives `Range` requests (`206 Partial Content`).
    pub range: bool,
}

/// What the checks see of a file: its name and size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileFacts<'a> {
    /// File name as sent in the part's `filename`.
    pub name: &'a str,
    /// Size in bytes.
    pub size: u64,
}

/// The extension of `name`, lower case, without the dot (`None` without one).
pub fn extension(name: &str) -> Option<String> {
    let (stem, ext) = name.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

impl UploadSpec {
    /// The limit that applies when the selecting field has `value` (its query text).
    pub fn limit_for(&self, value: Option<&str>) -> Option<&'static FileLimit> {
        self.limits
            .iter()
            .find(|l| l.when.is_none() || l.when == value)
    }

    /// Checks `file` against the limit for `value` (the selecting field's value), recording every
    /// broken rule in `v` under field name [`UploadSpec::part`].
    pub fn check(&self, value: Option<&str>, file: FileFacts<'_>, v: &mut Validator) {
        let Some(limit) = self.limit_for(value) else {
            return;
        };
        let origin = (limit.source, limit.level);
        let by = match (self.by, value) {
            (Some(field), Some(value)) => format!(" for {field} {value}"),
            _ => String::new(),
        };
        if let Some(max) = limit.max_size.filter(|max| file.size > *max) {
            v.broken(
                self.part,
                format!("max_size({max})"),
                format!("the file is {} bytes, more than the {max}{by}", file.size),
                origin,
            );
        }
        if let Some(min) = limit.min_size.filter(|min| file.size < *min) {
            v.broken(
                self.part,
                format!("min_size({min})"),
                format!("the file is {} bytes, fewer than the {min}{by}", file.size),
                origin,
            );
        }
        if !limit.extensions.is_empty() {
            let ext = extension(file.name);
            if !ext
                .as_deref()
                .is_some_and(|e| limit.extensions.contains(&e))
            {
                v.broken(
                    self.part,
                    format!("extensions({})", limit.extensions.join(", ")),
                    format!(
                        "the file name {:?} does not end in one of .{}{by}",
                        file.name,
                        limit.extensions.join(", .")
                    ),
                    origin,
                );
            }
        }
    }
}

impl fmt::Display for FileLimit {
    /// `≤ 10485760 bytes, .jpg/.png`, for docs and messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(min) = self.min_size {
            parts.push(format!("≥ {min} bytes"));
        }
        if let Some(max) = self.max_size {
            parts.push(format!("≤ {max} bytes"));
        }
        if !self.extensions.is_empty() {
            let list: Vec<String> = self.extensions.iter().map(|e| format!(".{e}")).collect();
            parts.push(list.join("/"));
        }
        f.write_str(&parts.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: UploadSpec = UploadSpec {
        part: "media",
        by: Some("type"),
        limits: &[
            FileLimit {
                when: Some("image"),
                max_size: Some(10),
                min_size: Some(6),
                extensions: &["jpg", "png"],
                source: Some("90253"),
                level: Level::Official,
            },
            FileLimit {
                when: None,
                max_size: Some(20),
                min_size: None,
                extensions: &[],
                source: None,
                level: Level::Official,
            },
        ],
        returns: Some("media_id"),
    };

    fn check(value: &str, name: &str, size: u64) -> Vec<String> {
        let mut v = Validator::new();
        SPEC.check(Some(value), FileFacts { name, size }, &mut v);
        match v.finish() {
            Ok(_) => vec![],
            Err(e) => e.violations.into_iter().map(|v| v.rule).collect(),
        }
    }

    #[test]
    fn limits_follow_the_selecting_value_at_their_boundaries() {
        assert!(check("image", "a.JPG", 10).is_empty());
        assert!(check("image", "a.png", 6).is_empty());
        assert_eq!(check("image", "a.png", 11), ["max_size(10)"]);
        assert_eq!(check("image", "a.png", 5), ["min_size(6)"]);
        assert_eq!(check("image", "a.gif", 8), ["extensions(jpg, png)"]);
        assert_eq!(check("image", "png", 8), ["extensions(jpg, png)"]);
        // The catch-all limit.
        assert!(check("file", "a.gif", 20).is_empty());
        assert_eq!(check("file", "a.gif", 21), ["max_size(20)"]);
    }

    #[test]
    fn advice_limits_only_warn() {
        let spec = UploadSpec {
            limits: &[FileLimit {
                when: None,
                max_size: Some(1),
                min_size: None,
                extensions: &[],
                source: None,
                level: Level::Advice,
            }],
            ..SPEC
        };
        let mut v = Validator::new();
        spec.check(None, FileFacts { name: "a", size: 2 }, &mut v);
        assert_eq!(v.finish().expect("advice never fails").len(), 1);
    }
}
