//! HTTP transport and the errcode envelope.

use std::fmt;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::error::{ApiError, Error};
use crate::meta::{HttpMethod, Operation, Product};
use crate::wire::{Enveloped, FromFields};

/// An HTTP answer, before decoding.
#[derive(Debug)]
pub struct RawResponse {
    /// HTTP status code.
    pub status: u16,
    /// The body.
    pub body: Vec<u8>,
}

/// The default cap on a JSON response body: far above any answer of the APIs, far below what would
/// hurt a process.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 4 << 20;

/// Sends requests to one base URL. Cheap to clone.
#[derive(Clone)]
pub struct Transport {
    http: reqwest::Client,
    base_url: String,
    max_body: usize,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("base_url", &self.base_url)
            .finish()
    }
}

impl Transport {
    /// A transport over `http` to `base_url` (no trailing slash needed).
    pub fn new(http: reqwest::Client, base_url: &str) -> Self {
        Transport {
            http,
            base_url: base_url.trim_end_matches('/').to_owned(),
            max_body: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The same transport, reading at most `limit` bytes of a response body (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]); a longer body is [`Error::BodyTooLarge`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_body = limit;
        self
    }

    /// A reqwest client with the given timeouts (rustls).
    pub fn default_http(
        connect_timeout: Duration,
        timeout: Duration,
    ) -> Result<reqwest::Client, Error> {
        reqwest::Client::builder()
            .connect_timeout(connect_timeout)
            .timeout(timeout)
            .build()
            .map_err(|e| Error::Config {
                message: format!("the HTTP client cannot be built: {}", e.without_url()),
            })
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The reqwest client underneath (uploads and downloads build their own requests).
    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.http
    }

    /// The most bytes of a JSON response body it reads.
    pub(crate) fn max_body(&self) -> usize {
        self.max_body
    }

    /// Sends one request. `query` may hold the access token: it never reaches an error or a log.
    pub async fn execute(
        &self,
        operation: &str,
        method: HttpMethod,
        path: &str,
        query: &[(&str, &str)],
        json_body: Option<Vec<u8>>,
    ) -> Result<RawResponse, Error> {
        self.execute_with_timeout(operation, method, path, query, json_body, None)
            .await
    }

    /// [`Transport::execute`] with a timeout for this attempt instead of the client's.
    pub async fn execute_with_timeout(
        &self,
        operation: &str,
        method: HttpMethod,
        path: &str,
        query: &[(&str, &str)],
        json_body: Option<Vec<u8>>,
        timeout: Option<Duration>,
    ) -> Result<RawResponse, Error> {
        let url = format!("{}{}", self.base_url, path);
        let mut request = match method {
            HttpMethod::Get => self.http.get(url),
            HttpMethod::Post => self.http.post(url),
        };
        request = request.query(query);
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        if let Some(body) = json_body {
            request = request
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        let transport_error = |e: reqwest::Error| Error::Transport {
            operation: operation.to_owned(),
            maybe_sent: !(e.is_connect() || e.is_builder()),
            message: describe(&e),
        };
        let mut response = request.send().await.map_err(transport_error)?;
        let status = response.status().as_u16();
        let too_large = || Error::BodyTooLarge {
            operation: operation.to_owned(),
            limit: self.max_body,
        };
        // Read while counting: a broken proxy or a hostile endpoint never makes the client allocate
        // more than the limit, whatever Content-Length says (or does not say).
        let declared = response.content_length();
        if declared.is_some_and(|n| n > self.max_body as u64) {
            return Err(too_large());
        }
        // Sized once when the length is declared (and, checked above, within the limit).
        let mut body = Vec::with_capacity(declared.map_or(0, |n| n as usize));
        while let Some(chunk) = response.chunk().await.map_err(transport_error)? {
            if body.len() + chunk.len() > self.max_body {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        Ok(RawResponse { status, body })
    }
}

/// A reqwest error without its URL (which carries the access token), with its causes.
pub(crate) fn describe(e: &reqwest::Error) -> String {
    use std::error::Error as _;
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "broken response body"
    } else {
        "request failed"
    };
    let mut message = kind.to_owned();
    let mut source = e.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !text.contains("access_token") && !message.ends_with(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = cause.source();
    }
    message
}

#[derive(Deserialize)]
struct Envelope {
    #[serde(default)]
    errcode: Option<i64>,
    #[serde(default)]
    errmsg: Option<String>,
}

/// Decodes an answer: a non-zero `errcode` becomes [`Error::Api`] (a missing errcode means success),
/// anything that is not the expected JSON becomes [`Error::Decode`] with a short excerpt of the body
/// (`show_excerpt = false` for token endpoints, whose bodies are secret).
pub fn decode<T: DeserializeOwned>(
    operation: &str,
    product: &'static Product,
    op: Option<&Operation>,
    raw: &RawResponse,
    show_excerpt: bool,
) -> Result<T, Error> {
    check_envelope(operation, product, op, raw, show_excerpt)?;
    decode_body(operation, raw, show_excerpt)
}

/// An answer decoded in one pass over its body: errcode, errmsg and the typed fields together.
///
/// The outer `Err` is what the envelope says, [`Error::Api`] for a non-zero errcode or
/// [`Error::Decode`] for a body that is no errcode envelope at all (what the retry loop judges); the
/// inner result is the typed answer of a successful call, or [`Error::Decode`] when its fields cannot be
/// read even leniently.
pub fn decode_answer<T: FromFields>(
    operation: &str,
    product: &'static Product,
    op: &Operation,
    raw: &RawResponse,
) -> Result<Result<T, Error>, Error> {
    match crate::wire::decode_lenient::<Enveloped<T>>(&raw.body) {
        Ok(answer) if answer.errcode == 0 => Ok(Ok(answer.value)),
        Ok(answer) => Err(api_error(
            operation,
            product,
            Some(op),
            raw,
            true,
            answer.errcode,
            answer.errmsg,
        )),
        // The typed fields did not fit: read the envelope alone, so that an error answer is still
        // an API error and a success answer is a decode error of its fields.
        Err(typed) => {
            check_envelope(operation, product, Some(op), raw, true)?;
            Ok(Err(decode_error(operation, raw, true, typed.to_string())))
        }
    }
}

/// The errcode envelope alone (not generic, so it is compiled once): `Ok` when errcode is 0 or absent.
pub fn check_envelope(
    operation: &str,
    product: &'static Product,
    op: Option<&Operation>,
    raw: &RawResponse,
    show_excerpt: bool,
) -> Result<(), Error> {
    let envelope: Envelope = serde_json::from_slice(&raw.body)
        .map_err(|e| decode_error(operation, raw, show_excerpt, e.to_string()))?;
    match envelope.errcode {
        Some(code) if code != 0 => Err(api_error(
            operation,
            product,
            op,
            raw,
            show_excerpt,
            code,
            envelope.errmsg,
        )),
        _ => Ok(()),
    }
}

/// [`Error::Api`] for errcode `code` of `raw`, with the spec's word on it.
fn api_error(
    operation: &str,
    product: &'static Product,
    op: Option<&Operation>,
    raw: &RawResponse,
    show_excerpt: bool,
    code: i64,
    errmsg: Option<String>,
) -> Error {
    let info = match op {
        Some(op) => product.error_info(op, code),
        None => product.errors.iter().find(|i| i.code == code),
    };
    Error::Api(ApiError {
        operation: operation.to_owned(),
        errcode: code,
        errmsg: errmsg.unwrap_or_default(),
        info,
        extra: if show_excerpt {
            extra_fields(&raw.body)
        } else {
            serde_json::Map::new()
        },
    })
}

/// The typed body of an answer whose envelope said success.
pub fn decode_body<T: DeserializeOwned>(
    operation: &str,
    raw: &RawResponse,
    show_excerpt: bool,
) -> Result<T, Error> {
    crate::wire::decode_lenient(&raw.body)
        .map_err(|e| decode_error(operation, raw, show_excerpt, e.to_string()))
}

fn decode_error(operation: &str, raw: &RawResponse, show_excerpt: bool, message: String) -> Error {
    Error::Decode {
        operation: operation.to_owned(),
        status: raw.status,
        message,
        excerpt: if show_excerpt {
            excerpt(&raw.body)
        } else {
            String::new()
        },
    }
}

/// The fields of an error answer besides errcode and errmsg (parsed only when there is an error).
fn extra_fields(body: &[u8]) -> serde_json::Map<String, serde_json::Value> {
    let mut fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(body).unwrap_or_default();
    fields.remove("errcode");
    fields.remove("errmsg");
    fields
}

/// The first 200 characters of a body, lossily decoded.
fn excerpt(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(600)])
        .chars()
        .take(200)
        .collect()
}
