//! Uploads and downloads in the mock: a `multipart/form-data` reader (bounded, strict: a malformed
//! body is an errcode, never a crash), the store of uploaded files, and downloads of them (whole or
//! by `Range`), errors as the JSON errcode envelope.

use std::collections::HashMap;

use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

/// One stored upload.
#[derive(Debug, Clone)]
pub(crate) struct StoredMedia {
    pub(crate) bytes: Vec<u8>,
    pub(crate) file_name: String,
    pub(crate) content_type: String,
}

/// Uploaded files by id.
#[derive(Debug, Default)]
pub(crate) struct MediaStore {
    next: u64,
    files: HashMap<String, StoredMedia>,
}

impl MediaStore {
    /// Stores a file; returns its new id.
    pub(crate) fn insert(
        &mut self,
        bytes: Vec<u8>,
        file_name: String,
        content_type: String,
    ) -> String {
        self.next += 1;
        let id = format!("mock-media-{}", self.next);
        self.files.insert(
            id.clone(),
            StoredMedia {
                bytes,
                file_name,
                content_type,
            },
        );
        id
    }

    /// The file stored under `id`.
    pub(crate) fn get(&self, id: &str) -> Option<&StoredMedia> {
        self.files.get(id)
    }
}

/// A parsed upload: its text fields and its file part.
#[derive(Debug)]
pub(crate) struct Form {
    pub(crate) fields: Vec<(String, String)>,
    pub(crate) file: StoredMedia,
}

/// Reads a `multipart/form-data` body whose file part is named `part`; `Err` says what is wrong.
pub(crate) fn parse_form(headers: &HeaderMap, body: &[u8], part: &str) -> Result<Form, String> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let (kind, params) = content_type.split_once(';').unwrap_or((content_type, ""));
    if !kind.trim().eq_ignore_ascii_case("multipart/form-data") {
        return Err(format!(
            "media data missing: expected a multipart/form-data body, found `{content_type}`"
        ));
    }
    let boundary = params
        .split(';')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("boundary"))
        .map(|(_, v)| v.trim().trim_matches('"'))
        .filter(|b| !b.is_empty())
        .ok_or("media data missing: the multipart content type has no boundary")?;
    let delimiter = format!("--{boundary}").into_bytes();
    let mut rest = body;
    // The preamble before the first delimiter is ignored (RFC 2046).
    let start = find(rest, &delimiter).ok_or("media data missing: no multipart delimiter")?;
    rest = &rest[start + delimiter.len()..];
    let mut fields = Vec::new();
    let mut file = None;
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .ok_or("media data missing: a delimiter is not followed by a line break")?;
        let head_end =
            find(rest, b"\r\n\r\n").ok_or("media data missing: a part has no header end")?;
        let head = std::str::from_utf8(&rest[..head_end])
            .map_err(|_| "media data missing: a part header is not UTF-8")?;
        rest = &rest[head_end + 4..];
        let mut closing = b"\r\n".to_vec();
        closing.extend_from_slice(&delimiter);
        let end = find(rest, &closing)
            .ok_or("media data missing: a part is not closed by the delimiter")?;
        let content = &rest[..end];
        rest = &rest[end + closing.len()..];
        let (mut name, mut file_name, mut part_type) = (None, None, None);
        for line in head.split("\r\n") {
            let Some((key, value)) = line.split_once(':') else {
                return Err(format!(
                    "media data missing: malformed part header `{line}`"
                ));
            };
            if key.trim().eq_ignore_ascii_case("content-disposition") {
                for p in value.split(';').skip(1) {
                    if let Some((k, v)) = p.split_once('=') {
                        let v = v.trim().trim_matches('"').to_owned();
                        match k.trim().to_ascii_lowercase().as_str() {
                            "name" => name = Some(v),
                            "filename" => file_name = Some(v),
                            _ => {}
                        }
                    }
                }
            } else if key.trim().eq_ignore_ascii_case("content-type") {
                part_type = Some(value.trim().to_owned());
            }
        }
        let name = name.ok_or("media data missing: a part has no name")?;
        if name == part {
            file = Some(StoredMedia {
                bytes: content.to_vec(),
                file_name: file_name.unwrap_or_default(),
                content_type: part_type.unwrap_or_else(|| "application/octet-stream".into()),
            });
        } else {
            let text = String::from_utf8(content.to_vec()).map_err(|_| {
                format!("media data missing: form field `{name}` is not UTF-8 text")
            })?;
            fields.push((name, text));
        }
    }
    let file = file.ok_or_else(|| format!("media data missing: no `{part}` file part"))?;
    if file.bytes.is_empty() {
        return Err(format!("media data missing: the `{part}` part is empty"));
    }
    Ok(Form { fields, file })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The answer to a download of `media`: the file with its headers, the bytes of a `Range`
/// (`206 Partial Content` with `Content-Range`), or `Err(why)` for a range it cannot serve.
pub(crate) fn serve(
    media: &StoredMedia,
    range: Option<&str>,
    ranged: bool,
) -> Result<Response, String> {
    let total = media.bytes.len() as u64;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        media.file_name.replace('"', "")
    );
    let Some(range) = range.filter(|_| ranged) else {
        return Ok((
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, media.content_type.clone()),
                (header::CONTENT_DISPOSITION, disposition),
                (header::ACCEPT_RANGES, "bytes".into()),
            ],
            media.bytes.clone(),
        )
            .into_response());
    };
    let (start, end) = parse_range(range, total)?;
    Ok((
        StatusCode::PARTIAL_CONTENT,
        [
            (header::CONTENT_TYPE, media.content_type.clone()),
            (header::CONTENT_DISPOSITION, disposition),
            (header::ACCEPT_RANGES, "bytes".into()),
            (
                header::CONTENT_RANGE,
                format!("bytes {start}-{end}/{total}"),
            ),
        ],
        media.bytes[start as usize..=end as usize].to_vec(),
    )
        .into_response())
}

/// `bytes=start-end` / `bytes=start-` within a file of `total` bytes.
fn parse_range(value: &str, total: u64) -> Result<(u64, u64), String> {
    let bad = || format!("invalid Range header `{value}` for a file of {total} bytes");
    let spec = value.trim().strip_prefix("bytes=").ok_or_else(bad)?;
    let (start, end) = spec.split_once('-').ok_or_else(bad)?;
    let start: u64 = start.trim().parse().map_err(|_| bad())?;
    let end: u64 = match end.trim() {
        "" => total.checked_sub(1).ok_or_else(bad)?,
        e => e
            .parse::<u64>()
            .map_err(|_| bad())?
            .min(total.saturating_sub(1)),
    };
    if start > end || start >= total {
        return Err(bad());
    }
    Ok((start, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(ct: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, ct.parse().expect("header"));
        h
    }

    #[test]
    fn the_official_sample_body_parses() {
        // WeCom 91054, step 4, with the declared boundary.
        let body = b"--acebdf13572468\r\nContent-Disposition: form-data; name=\"media\";filename=\"wework.txt\"; filelength=6\r\nContent-Type: application/octet-stream\r\n\r\nmytext\r\n--acebdf13572468--\r\n";
        let form = parse_form(
            &headers("multipart/form-data; boundary=acebdf13572468"),
            body,
            "media",
        )
        .expect("parses");
        assert_eq!(form.file.bytes, b"mytext");
        assert_eq!(form.file.file_name, "wework.txt");
        assert_eq!(form.file.content_type, "application/octet-stream");
        assert!(form.fields.is_empty());
    }

    #[test]
    fn malformed_bodies_are_refused_with_a_reason() {
        let h = headers("multipart/form-data; boundary=b");
        for body in [
            &b""[..],
            b"--b\r\nContent-Disposition: form-data; name=\"media\"\r\n\r\nunclosed",
            b"--b\r\nno header end",
            b"--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--",
            b"--b\r\nContent-Disposition: form-data; name=\"media\"; filename=\"a\"\r\n\r\n\r\n--b--",
        ] {
            assert!(parse_form(&h, body, "media").is_err(), "{:?}", String::from_utf8_lossy(body));
        }
        assert!(parse_form(&headers("application/json"), b"{}", "media").is_err());
        assert!(parse_form(&headers("multipart/form-data"), b"--b--", "media").is_err());
    }

    #[test]
    fn ranges_are_bounded_by_the_file() {
        assert_eq!(parse_range("bytes=0-15", 32), Ok((0, 15)));
        assert_eq!(parse_range("bytes=16-", 32), Ok((16, 31)));
        assert_eq!(parse_range("bytes=16-99", 32), Ok((16, 31)));
        assert!(parse_range("bytes=32-", 32).is_err());
        assert!(parse_range("bytes=5-1", 32).is_err());
        assert!(parse_range("items=0-1", 32).is_err());
    }
}
