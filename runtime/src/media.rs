//! File uploads (`multipart/form-data`, streamed) and binary downloads (streamed to an
//! [`AsyncWrite`]), for the operations the spec marks `upload:` or `download:`
//! ([`Transfer`]). Kept apart from the JSON call path of
//! [`Client::send`].
//!
//! **Uploads** validate the request and check the file against the spec's limits (size, extension,
//! per value of a selecting field such as `type`) before any byte is sent; the file is then read in
//! 64 KiB chunks as the body is written, so a file is never held in memory whole. On a token errcode
//! the call is retried once with a fresh token when its source can be read again ([`FileSource::Bytes`],
//! [`FileSource::Path`]); a consumed [`FileSource::Reader`] cannot be, and the errcode is returned.
//!
//! **Downloads** tell the file from a JSON errcode envelope the way the official pages say (the
//! headers, then the body): an envelope with a non-zero errcode is [`Error::Api`] and no byte of it
//! reaches the writer. The answer's headers are kept in [`DownloadInfo`]; [`ByteRange`] asks for part
//! of a file (`Range: bytes=start-end`).

use std::fmt;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::time::Instant;

use futures::{Stream, StreamExt};
pub use tokio::io::{AsyncRead, AsyncWrite};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tracing::Instrument;

use crate::client::Client;
use crate::error::Error;
use crate::http::{check_envelope, RawResponse};
use crate::media_spec::{FileFacts, Transfer, UploadSpec};
use crate::meta::{ErrorClass, Location, Operation};
use crate::request::{complete, ApiRequest, Sender};
use crate::validate::{Profile, Validator};

/// Size of the chunks a file is read in while it is uploaded.
const CHUNK: usize = 64 << 10;

/// The most bytes of a download [`Client::download`] keeps in memory (use
/// [`Client::download_to`] for larger files).
pub const DEFAULT_MAX_DOWNLOAD_BYTES: u64 = 64 << 20;

/// The most bytes of a download answer read to tell whether it is a JSON errcode envelope.
const ENVELOPE_MAX: usize = 64 << 10;

/// Where the bytes of an upload come from.
pub enum FileSource {
    /// Bytes in memory (can be sent again; shared, never copied whole).
    Bytes(std::sync::Arc<Vec<u8>>),
    /// A file, opened when the upload is sent (can be sent again).
    Path(PathBuf),
    /// A reader yielding exactly `len` bytes, read once.
    Reader {
        /// The reader.
        reader: Pin<Box<dyn AsyncRead + Send>>,
        /// How many bytes it yields.
        len: u64,
    },
}

impl fmt::Debug for FileSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileSource::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            FileSource::Path(p) => f.debug_tuple("Path").field(p).finish(),
            FileSource::Reader { len, .. } => write!(f, "Reader({len} bytes)"),
        }
    }
}

/// A file to upload: its bytes (in memory, a path or a reader), its name and its content type.
#[derive(Debug)]
pub struct UploadFile {
    source: FileSource,
    len: u64,
    file_name: String,
    content_type: String,
}

impl UploadFile {
    /// Bytes in memory named `file_name` (the content type is guessed from its extension).
    pub fn bytes(data: impl Into<Vec<u8>>, file_name: impl Into<String>) -> Self {
        let data = std::sync::Arc::new(data.into());
        let len = data.len() as u64;
        Self::new(FileSource::Bytes(data), len, file_name)
    }

    /// The file at `path`, named after it; its size is read now and its bytes while uploading.
    pub async fn path(path: impl AsRef<Path>) -> std::io::Result<Self> {
        let path = path.as_ref();
        let len = tokio::fs::metadata(path).await?.len();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "file".into());
        Ok(Self::new(FileSource::Path(path.to_owned()), len, name))
    }

    /// `len` bytes from `reader`, named `file_name`. The reader is read once: a call that needs a
    /// second attempt (a token errcode) fails instead.
    pub fn reader(
        reader: impl AsyncRead + Send + 'static,
        len: u64,
        file_name: impl Into<String>,
    ) -> Self {
        Self::new(
            FileSource::Reader {
                reader: Box::pin(reader),
                len,
            },
            len,
            file_name,
        )
    }

    fn new(source: FileSource, len: u64, file_name: impl Into<String>) -> Self {
        let file_name = file_name.into();
        let content_type = guess_content_type(&file_name).to_owned();
        UploadFile {
            source,
            len,
            file_name,
            content_type,
        }
    }

    /// Another file name (sent as the part's `filename`).
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        self
    }

    /// Another content type (default: from the extension, else `application/octet-stream`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = content_type.into();
        self
    }

    /// Its size in bytes.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// Whether it has no bytes.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.file_name
    }

    /// Whether it can be sent again (bytes or a path, not a reader).
    pub fn is_reopenable(&self) -> bool {
        !matches!(self.source, FileSource::Reader { .. })
    }
}

/// The content type of a file name's extension (common media types), else `application/octet-stream`.
pub fn guess_content_type(file_name: &str) -> &'static str {
    match crate::media_spec::extension(file_name).as_deref() {
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("gif") => "image/gif",
        Some("amr") => "audio/amr",
        Some("mp3") => "audio/mpeg",
        Some("mp4") => "video/mp4",
        Some("txt") => "text/plain",
        Some("pdf") => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Part of a file: bytes `start..=end` (`end` `None`: to the end). Sent as `Range: bytes=start-end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    /// First byte.
    pub start: u64,
    /// Last byte (inclusive), or `None` for the rest of the file.
    pub end: Option<u64>,
}

impl ByteRange {
    /// Bytes `start..=end`.
    pub fn new(start: u64, end: u64) -> Self {
        ByteRange {
            start,
            end: Some(end),
        }
    }

    /// From `start` to the end of the file.
    pub fn from(start: u64) -> Self {
        ByteRange { start, end: None }
    }

    /// The `Range` header value.
    pub fn header(&self) -> String {
        match self.end {
            Some(end) => format!("bytes={}-{end}", self.start),
            None => format!("bytes={}-", self.start),
        }
    }
}

/// A `Content-Range: bytes start-end/total` answer header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContentRange {
    /// First byte sent.
    pub start: u64,
    /// Last byte sent (inclusive).
    pub end: u64,
    /// Size of the whole file, when the server says (`*` otherwise).
    pub total: Option<u64>,
}

impl ContentRange {
    /// Parses `bytes start-end/total` (or `/*`).
    pub fn parse(value: &str) -> Option<Self> {
        let rest = value.trim().strip_prefix("bytes")?.trim_start();
        let (span, total) = rest.split_once('/')?;
        let (start, end) = span.trim().split_once('-')?;
        Some(ContentRange {
            start: start.trim().parse().ok()?,
            end: end.trim().parse().ok()?,
            total: match total.trim() {
                "*" => None,
                t => Some(t.parse().ok()?),
            },
        })
    }

    /// Whether this is the last part of the file (`end + 1 == total`).
    pub fn is_last(&self) -> bool {
        self.total == Some(self.end + 1)
    }
}

/// What the answer of a download said about the file.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DownloadInfo {
    /// HTTP status (200, or 206 for a range).
    pub status: u16,
    /// The file name of `Content-Disposition` (`filename="…"`), matched case-insensitively.
    pub file_name: Option<String>,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `Content-Length`.
    pub content_length: Option<u64>,
    /// `Content-Range` of a ranged answer.
    pub content_range: Option<ContentRange>,
    /// Bytes written to the writer.
    pub written: u64,
}

/// A downloaded file in memory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Downloaded {
    /// What the answer said about it.
    pub info: DownloadInfo,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// The file name of a `Content-Disposition` value: `filename*=UTF-8''…` (percent-decoded) first, then
/// `filename="…"` or `filename=…`.
pub fn disposition_file_name(value: &str) -> Option<String> {
    let params: Vec<(String, &str)> = value
        .split(';')
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()))
        .collect();
    if let Some((_, v)) = params.iter().find(|(k, _)| k == "filename*") {
        let encoded = v.split_once("''").map_or(*v, |(_, e)| e);
        if let Some(decoded) = percent_decode(encoded) {
            return Some(decoded);
        }
    }
    params
        .iter()
        .find(|(k, _)| k == "filename")
        .map(|(_, v)| v.trim_matches('"').to_owned())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A `multipart/form-data` body: text parts, then the file part, in the format of WeCom's overview
/// (91054): `Content-Disposition: form-data; name="media"; filename="…"; filelength=N`.
struct Multipart {
    boundary: String,
    head: Vec<u8>,
    tail: Vec<u8>,
}

impl Multipart {
    fn new(fields: &[(String, String)], part: &str, file: &UploadFile) -> Self {
        let boundary = format!(
            "wxlive-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let mut head = String::new();
        for (name, value) in fields {
            head.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"\r\n\r\n{value}\r\n",
                quote(name)
            ));
        }
        head.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{}\"; filename=\"{}\"; filelength={}\r\nContent-Type: {}\r\n\r\n",
            quote(part),
            quote(&file.file_name),
            file.len,
            file.content_type.replace(['\r', '\n'], "")
        ));
        let tail = format!("\r\n--{boundary}--\r\n").into_bytes();
        Multipart {
            boundary,
            head: head.into_bytes(),
            tail,
        }
    }

    fn content_length(&self, file_len: u64) -> u64 {
        self.head.len() as u64 + file_len + self.tail.len() as u64
    }
}

/// A quoted-string value with the characters that would end it percent-encoded (as browsers do).
fn quote(s: &str) -> String {
    s.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

type Chunks = Pin<Box<dyn Stream<Item = std::io::Result<Vec<u8>>> + Send>>;

/// The bytes of `reader`, exactly `len` of them, in chunks; fewer is an error.
fn read_chunks(reader: Pin<Box<dyn AsyncRead + Send>>, len: u64) -> Chunks {
    Box::pin(futures::stream::try_unfold(
        (reader, len),
        |(mut reader, left)| async move {
            if left == 0 {
                return Ok(None);
            }
            let want = left.min(CHUNK as u64) as usize;
            let mut buf = vec![0u8; want];
            let n = reader.read(&mut buf).await?;
            if n == 0 {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::UnexpectedEof,
                    format!("the file ended {left} bytes before its stated length"),
                ));
            }
            buf.truncate(n);
            Ok(Some((buf, (reader, left - n as u64))))
        },
    ))
}

/// The file's bytes for one attempt: `None` when a reader was consumed by an earlier attempt.
async fn open(source: &mut Option<FileSource>, len: u64) -> std::io::Result<Option<Chunks>> {
    Ok(match source.take() {
        None => None,
        Some(FileSource::Bytes(data)) => {
            // One chunk copied at a time, as the body is written.
            let shared = data.clone();
            let chunks: Chunks =
                Box::pin(futures::stream::iter((0..data.len()).step_by(CHUNK).map(
                    move |at| Ok(shared[at..(at + CHUNK).min(shared.len())].to_vec()),
                )));
            *source = Some(FileSource::Bytes(data));
            Some(chunks)
        }
        Some(FileSource::Path(path)) => {
            let file = tokio::fs::File::open(&path).await?;
            *source = Some(FileSource::Path(path));
            Some(read_chunks(Box::pin(file), len))
        }
        Some(FileSource::Reader { reader, len }) => Some(read_chunks(reader, len)),
    })
}

/// The text of a form field's JSON value (`None` for null).
fn form_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

impl Client {
    fn check_media_request<R: ApiRequest>(
        &self,
        request: &R,
        operation: &str,
        file: Option<(&UploadSpec, Option<&str>, FileFacts<'_>)>,
    ) -> Result<(), Error> {
        let profile = self.inner.validation;
        if profile == Profile::Off {
            return Ok(());
        }
        let mut v = Validator::new().profile(profile);
        request.check(&mut v);
        if let Some((spec, value, facts)) = file {
            spec.check(value, facts, &mut v);
        }
        let warnings = v.finish().map_err(|source| Error::Validation {
            operation: operation.to_owned(),
            source,
        })?;
        for w in &warnings {
            tracing::warn!(operation = %operation, field = %w.field, rule = %w.rule,
                source = w.source.unwrap_or(""), "the request does not follow advice: {}", w.message);
        }
        Ok(())
    }

    /// Query parameters of `request`, constants included.
    fn media_query<R: ApiRequest>(request: &R) -> Vec<(&'static str, String)> {
        let mut params = request.query();
        params.extend(
            R::CONSTANTS
                .iter()
                .filter(|c| c.location == Location::Query)
                .map(|c| (c.name, c.value.to_query())),
        );
        params
    }

    /// Uploads `file` with `request` (an operation the spec marks `upload:`): validates the request
    /// and checks the file against the spec's limits before sending anything, streams the file as the
    /// `multipart/form-data` body (the request's body fields as text parts), and decodes the JSON
    /// answer. A token errcode refreshes the token and retries once if the file can be read again.
    pub async fn upload<R: ApiRequest>(
        &self,
        request: &R,
        file: UploadFile,
    ) -> Result<R::Response, Error> {
        let op = R::OPERATION;
        let operation = op.id();
        let Transfer::Upload(spec) = R::TRANSFER else {
            return Err(not_a(&operation, "an upload", "send()"));
        };
        let query = Self::media_query(request);
        let mut fields: Vec<(String, String)> = Vec::new();
        if let serde_json::Value::Object(map) =
            serde_json::to_value(request).map_err(|e| Error::Encode {
                operation: operation.clone(),
                message: e.to_string(),
            })?
        {
            fields.extend(
                map.iter()
                    .filter_map(|(k, v)| form_text(v).map(|t| (k.clone(), t))),
            );
        }
        fields.extend(
            R::CONSTANTS
                .iter()
                .filter(|c| c.location == Location::Body)
                .map(|c| (c.name.to_owned(), c.value.to_query())),
        );
        let selecting = spec.by.and_then(|by| {
            query
                .iter()
                .find(|(k, _)| *k == by)
                .map(|(_, v)| v.clone())
                .or_else(|| fields.iter().find(|(k, _)| k == by).map(|(_, v)| v.clone()))
        });
        let facts = FileFacts {
            name: &file.file_name,
            size: file.len,
        };
        self.check_media_request(
            request,
            &operation,
            Some((spec, selecting.as_deref(), facts)),
        )?;
        let span = tracing::info_span!("wxlive.upload", operation = %operation, bytes = file.len);
        let raw = self
            .upload_attempts(op, &operation, &query, &fields, spec, file)
            .instrument(span)
            .await?;
        crate::http::decode_body(&operation, &raw, true)
    }

    async fn upload_attempts(
        &self,
        op: &'static Operation,
        operation: &str,
        query: &[(&'static str, String)],
        fields: &[(String, String)],
        spec: &UploadSpec,
        file: UploadFile,
    ) -> Result<RawResponse, Error> {
        let inner = &*self.inner;
        let deadline = Instant::now() + self.options.deadline.unwrap_or(inner.retry.deadline);
        let multipart = Multipart::new(fields, spec.part, &file);
        let length = multipart.content_length(file.len);
        let mut source = Some(file.source);
        let mut refreshed = false;
        loop {
            let token =
                tokio::time::timeout_at(deadline.into(), inner.tokens.get(&inner.transport))
                    .await
                    .map_err(|_| deadline_exceeded(operation, false))??;
            let chunks = open(&mut source, file.len)
                .await
                .map_err(|e| Error::Encode {
                    operation: operation.to_owned(),
                    message: format!("the file cannot be read: {e}"),
                })?;
            let Some(chunks) = chunks else {
                unreachable!("a consumed reader is never retried")
            };
            let body = futures::stream::iter([Ok(multipart.head.clone())])
                .chain(chunks)
                .chain(futures::stream::iter([Ok(multipart.tail.clone())]));
            let url = format!("{}{}", inner.transport.base_url(), op.path);
            let mut q: Vec<(&str, &str)> = vec![(inner.product.token_param, token.expose())];
            q.extend(query.iter().map(|(k, v)| (*k, v.as_str())));
            let mut builder = inner
                .transport
                .http()
                .post(url)
                .query(&q)
                .header(
                    reqwest::header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={}", multipart.boundary),
                )
                .header(reqwest::header::CONTENT_LENGTH, length)
                .body(reqwest::Body::wrap_stream(body));
            if let Some(t) = self.options.attempt_timeout {
                builder = builder.timeout(t);
            }
            let raw = match tokio::time::timeout_at(
                deadline.into(),
                read_json(&inner.transport, operation, builder),
            )
            .await
            {
                Ok(Ok(raw)) => raw,
                // An upload creates something: never re-sent once it may have arrived.
                Ok(Err(Error::Transport {
                    message,
                    maybe_sent: true,
                    ..
                })) if !op.idempotent => {
                    return Err(Error::OutcomeUnknown {
                        operation: operation.to_owned(),
                        message,
                    })
                }
                Ok(Err(e)) => return Err(e),
                Err(_) => {
                    return Err(Error::OutcomeUnknown {
                        operation: operation.to_owned(),
                        message: "the call deadline passed before an answer came".into(),
                    })
                }
            };
            match check_envelope(operation, inner.product, Some(op), &raw, true) {
                Ok(()) => return Ok(raw),
                Err(Error::Api(api)) if api.class() == ErrorClass::TokenInvalid && !refreshed => {
                    // The next call gets a fresh token either way; this one is re-sent only when
                    // its file can be read again.
                    inner.tokens.invalidate(&token).await;
                    if source.is_none() {
                        tracing::debug!(
                            errcode = api.errcode,
                            "token rejected; a reader cannot be re-sent"
                        );
                        return Err(Error::Api(api));
                    }
                    tracing::debug!(errcode = api.errcode, "token rejected; refreshing once");
                    refreshed = true;
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Downloads the file `request` names (an operation the spec marks `download:`) into memory, at
    /// most [`DEFAULT_MAX_DOWNLOAD_BYTES`]; see [`Client::download_to`].
    pub async fn download<R: ApiRequest>(
        &self,
        request: &R,
        range: Option<ByteRange>,
    ) -> Result<Downloaded, Error> {
        let mut out = Capped {
            bytes: Vec::new(),
            limit: DEFAULT_MAX_DOWNLOAD_BYTES,
        };
        let info = self.download_to(request, range, &mut out).await?;
        Ok(Downloaded {
            info,
            bytes: out.bytes,
        })
    }

    /// Downloads the file `request` names into `out`, streaming: validates the request, sends it
    /// (with `Range` when given), and writes the answer's body to `out` unless it is a JSON errcode
    /// envelope, which is [`Error::Api`] with nothing written. A token errcode refreshes the token
    /// and retries once; a `busy` errcode is retried as the retry policy says.
    pub async fn download_to<R, W>(
        &self,
        request: &R,
        range: Option<ByteRange>,
        out: &mut W,
    ) -> Result<DownloadInfo, Error>
    where
        R: ApiRequest,
        W: AsyncWrite + Unpin + ?Sized,
    {
        let op = R::OPERATION;
        let operation = op.id();
        if !matches!(R::TRANSFER, Transfer::Download(_)) {
            return Err(not_a(&operation, "a download", "send()"));
        }
        self.check_media_request(request, &operation, None)?;
        let query = Self::media_query(request);
        let inner = &*self.inner;
        let deadline = Instant::now() + self.options.deadline.unwrap_or(inner.retry.deadline);
        let (mut refreshed, mut busy) = (false, 0);
        loop {
            let token =
                tokio::time::timeout_at(deadline.into(), inner.tokens.get(&inner.transport))
                    .await
                    .map_err(|_| deadline_exceeded(&operation, false))??;
            let url = format!("{}{}", inner.transport.base_url(), op.path);
            let mut q: Vec<(&str, &str)> = vec![(inner.product.token_param, token.expose())];
            q.extend(query.iter().map(|(k, v)| (*k, v.as_str())));
            let mut builder = inner.transport.http().get(url).query(&q);
            if let Some(range) = range {
                builder = builder.header(reqwest::header::RANGE, range.header());
            }
            if let Some(t) = self.options.attempt_timeout {
                builder = builder.timeout(t);
            }
            let outcome = tokio::time::timeout_at(
                deadline.into(),
                stream_download(inner, op, &operation, builder, out),
            )
            .await
            .map_err(|_| deadline_exceeded(&operation, true))?;
            let api = match outcome {
                Err(Error::Api(api)) => api,
                other => return other,
            };
            let delay = match api.class() {
                ErrorClass::TokenInvalid if !refreshed => {
                    inner.tokens.invalidate(&token).await;
                    refreshed = true;
                    continue;
                }
                ErrorClass::Busy if op.idempotent && busy < inner.retry.busy_retries => {
                    busy += 1;
                    inner.jitter.delay(inner.retry.base_delay, busy)
                }
                _ => return Err(Error::Api(api)),
            };
            if Instant::now() + delay >= deadline {
                return Err(Error::Api(api));
            }
            tokio::time::sleep(delay).await;
        }
    }
}

fn not_a(operation: &str, what: &str, instead: &str) -> Error {
    Error::Config {
        message: format!("`{operation}` is not {what} in the spec; call {instead} instead"),
    }
}

fn deadline_exceeded(operation: &str, maybe_sent: bool) -> Error {
    Error::Transport {
        operation: operation.to_owned(),
        message: "timed out: the call deadline passed".into(),
        maybe_sent,
    }
}

fn transport_error(operation: &str, e: &reqwest::Error) -> Error {
    Error::Transport {
        operation: operation.to_owned(),
        maybe_sent: !(e.is_connect() || e.is_builder()),
        message: crate::http::describe(e),
    }
}

/// Sends `builder` and reads the JSON answer, at most the transport's body limit.
async fn read_json(
    transport: &crate::http::Transport,
    operation: &str,
    builder: reqwest::RequestBuilder,
) -> Result<RawResponse, Error> {
    let mut response = builder
        .send()
        .await
        .map_err(|e| transport_error(operation, &e))?;
    let status = response.status().as_u16();
    let limit = transport.max_body();
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(operation, &e))?
    {
        if body.len() + chunk.len() > limit {
            return Err(Error::BodyTooLarge {
                operation: operation.to_owned(),
                limit,
            });
        }
        body.extend_from_slice(&chunk);
    }
    Ok(RawResponse { status, body })
}

/// One download attempt: headers, then the body to `out` unless it is an errcode envelope.
async fn stream_download<W: AsyncWrite + Unpin + ?Sized>(
    inner: &crate::client::Inner,
    op: &'static Operation,
    operation: &str,
    builder: reqwest::RequestBuilder,
    out: &mut W,
) -> Result<DownloadInfo, Error> {
    let mut response = builder
        .send()
        .await
        .map_err(|e| transport_error(operation, &e))?;
    let status = response.status().as_u16();
    let headers = response.headers();
    let text = |name: reqwest::header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let content_type = text(reqwest::header::CONTENT_TYPE);
    let disposition = text(reqwest::header::CONTENT_DISPOSITION);
    let mut info = DownloadInfo {
        status,
        file_name: disposition.as_deref().and_then(disposition_file_name),
        content_length: response.content_length(),
        content_range: text(reqwest::header::CONTENT_RANGE)
            .as_deref()
            .and_then(ContentRange::parse),
        content_type,
        written: 0,
    };
    // Reference rule (WeCom 90254, WeChat getMedia): JSON by Content-Type, or a body that starts with
    // `{` without Content-Disposition, may be the errcode envelope; a failed status is never a file.
    let ok_status = (200..300).contains(&status);
    let json_type = info.content_type.as_deref().is_some_and(|t| {
        let t = t.trim_start().to_ascii_lowercase();
        t.starts_with("application/json") || t.starts_with("text/plain")
    });
    let mut suspect = !ok_status || json_type || disposition.is_none();
    let mut pending: Vec<u8> = Vec::new();
    let write_error = |e: std::io::Error| Error::Transport {
        operation: operation.to_owned(),
        message: format!("the downloaded file cannot be written: {e}"),
        maybe_sent: true,
    };
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| transport_error(operation, &e))?
    {
        if !suspect {
            out.write_all(&chunk).await.map_err(write_error)?;
            info.written += chunk.len() as u64;
            continue;
        }
        pending.extend_from_slice(&chunk);
        let first = pending.iter().find(|b| !b.is_ascii_whitespace());
        let cleared =
            ok_status && (first.is_some_and(|b| *b != b'{') || pending.len() > ENVELOPE_MAX);
        if cleared {
            suspect = false;
            out.write_all(&pending).await.map_err(write_error)?;
            info.written += pending.len() as u64;
            pending = Vec::new();
        } else if pending.len() > inner.transport.max_body() {
            return Err(Error::BodyTooLarge {
                operation: operation.to_owned(),
                limit: inner.transport.max_body(),
            });
        }
    }
    if suspect {
        let raw = RawResponse {
            status,
            body: pending,
        };
        match check_envelope(operation, inner.product, Some(op), &raw, true) {
            Err(Error::Api(api)) => return Err(Error::Api(api)),
            _ if !ok_status => {
                return Err(Error::Decode {
                    operation: operation.to_owned(),
                    status,
                    message: "the download failed without an errcode".into(),
                    excerpt: String::from_utf8_lossy(&raw.body[..raw.body.len().min(200)])
                        .into_owned(),
                })
            }
            // Not an error envelope (a text file, or WeChat's `{"video_url": …}`): it is the file.
            _ => {
                out.write_all(&raw.body).await.map_err(write_error)?;
                info.written += raw.body.len() as u64;
            }
        }
    }
    out.flush().await.map_err(write_error)?;
    Ok(info)
}

/// An in-memory writer that refuses to grow past `limit`.
struct Capped {
    bytes: Vec<u8>,
    limit: u64,
}

impl AsyncWrite for Capped {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        if self.bytes.len() as u64 + buf.len() as u64 > self.limit {
            let limit = self.limit;
            return std::task::Poll::Ready(Err(std::io::Error::other(format!(
                "the file is larger than {limit} bytes: download it with download_to"
            ))));
        }
        self.bytes.extend_from_slice(buf);
        std::task::Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(
        self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn poll_shutdown(
        self: Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::task::Poll::Ready(Ok(()))
    }
}

impl<'a> Sender<'a> {
    /// Uploads `file` with what an upload builder assembled (see [`Client::upload`]).
    pub async fn upload<R: ApiRequest>(
        self,
        parts: (R, Validator),
        file: UploadFile,
    ) -> Result<R::Response, Error> {
        let request = complete(parts).map_err(|source| Error::Validation {
            operation: R::OPERATION.id(),
            source,
        })?;
        self.client().upload(&request, file).await
    }

    /// Downloads into memory what a download builder assembled (see [`Client::download`]).
    pub async fn download<R: ApiRequest>(
        self,
        parts: (R, Validator),
        range: Option<ByteRange>,
    ) -> Result<Downloaded, Error> {
        let request = complete(parts).map_err(|source| Error::Validation {
            operation: R::OPERATION.id(),
            source,
        })?;
        self.client().download(&request, range).await
    }

    /// Downloads into `out` what a download builder assembled (see [`Client::download_to`]).
    pub async fn download_to<R: ApiRequest, W: AsyncWrite + Unpin + ?Sized>(
        self,
        parts: (R, Validator),
        range: Option<ByteRange>,
        out: &mut W,
    ) -> Result<DownloadInfo, Error> {
        let request = complete(parts).map_err(|source| Error::Validation {
            operation: R::OPERATION.id(),
            source,
        })?;
        self.client().download_to(&request, range, out).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_disposition_names_are_read_in_every_spelling() {
        let name = disposition_file_name;
        assert_eq!(
            name("attachment; filename=\"MEDIA_ID.jpg\"").as_deref(),
            Some("MEDIA_ID.jpg")
        );
        assert_eq!(name("attachment;filename=a.amr").as_deref(), Some("a.amr"));
        assert_eq!(
            name("attachment; filename=\"x\"; filename*=UTF-8''%E5%9B%BE.png").as_deref(),
            Some("图.png")
        );
        assert_eq!(name("attachment"), None);
    }

    #[test]
    fn content_range_parses_and_knows_the_last_part() {
        let r = ContentRange::parse("bytes 0-15/32").expect("parses");
        assert_eq!((r.start, r.end, r.total), (0, 15, Some(32)));
        assert!(!r.is_last());
        assert!(ContentRange::parse("bytes 16-31/32")
            .expect("parses")
            .is_last());
        assert_eq!(
            ContentRange::parse("bytes 0-1/*").and_then(|r| r.total),
            None
        );
        assert_eq!(ContentRange::parse("items 0-1/2"), None);
    }

    #[test]
    fn the_multipart_head_follows_the_official_layout() {
        let file = UploadFile::bytes(b"mytext".to_vec(), "wework.txt")
            .content_type("application/octet-stream");
        let m = Multipart::new(&[("note".into(), "hi".into())], "media", &file);
        let head = String::from_utf8(m.head.clone()).expect("utf-8");
        let b = &m.boundary;
        assert_eq!(
            head,
            format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--{b}\r\nContent-Disposition: form-data; name=\"media\"; filename=\"wework.txt\"; filelength=6\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
        );
        assert_eq!(m.tail, format!("\r\n--{b}--\r\n").into_bytes());
        assert_eq!(m.content_length(6), (head.len() + 6 + m.tail.len()) as u64);
    }

    #[test]
    fn quotes_and_line_breaks_cannot_end_a_file_name() {
        assert_eq!(quote("a\"b\r\n.txt"), "a%22b%0D%0A.txt");
    }
}
