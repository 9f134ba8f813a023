//! The error type of the callback module: one variant per check, so the message says which check failed.

use thiserror::Error;

/// Why a callback could not be verified, decrypted, parsed or encrypted.
///
/// No variant ever carries the token or the EncodingAESKey. The receive ids in
/// [`CallbackError::WrongReceiveId`] are corp / suite ids, which are identifiers, not secrets.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// A required query parameter (`msg_signature`, `timestamp`, `nonce`, or `echostr` for URL
    /// verification) is absent.
    #[error("missing query parameter `{0}`")]
    MissingParameter(&'static str),

    /// The EncodingAESKey is not 43 characters of `[a-zA-Z0-9]`.
    #[error("invalid EncodingAESKey: {0}")]
    InvalidEncodingAesKey(&'static str),

    /// The token is not 1 to 32 ASCII letters or digits.
    #[error("invalid token: {0}")]
    InvalidToken(&'static str),

    /// `msg_signature` does not match SHA1 over the sorted token, timestamp, nonce and ciphertext.
    #[error("msg_signature does not match")]
    BadSignature,

    /// The `timestamp` parameter is not a decimal number of Unix seconds.
    #[error("timestamp is not a decimal number of Unix seconds")]
    InvalidTimestamp,

    /// The `timestamp` is further from the current time than the freshness window allows.
    #[error("timestamp {timestamp} is outside the freshness window of {window_secs} s around now ({now})")]
    StaleTimestamp {
        /// The timestamp of the callback, in Unix seconds.
        timestamp: i64,
        /// The current time according to the handler's clock, in Unix seconds.
        now: i64,
        /// The allowed distance in seconds, either way.
        window_secs: u64,
    },

    /// The same (timestamp, nonce, msg_signature) was already accepted inside the freshness window.
    #[error("callback replayed: this (timestamp, nonce, msg_signature) was already accepted")]
    Replayed,

    /// A body or an XML document longer than the handler accepts (callbacks are a few KiB).
    #[error("the callback is {len} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },

    /// The ciphertext (`Encrypt` or `echostr`) is not valid standard Base64.
    #[error("ciphertext is not valid Base64")]
    Base64,

    /// The decoded ciphertext is empty or not a multiple of the 16-byte AES block.
    #[error("ciphertext length {0} is not a non-zero multiple of 16 bytes")]
    CiphertextLength(usize),

    /// The PKCS#7 padding (block size 32) is wrong.
    #[error("bad PKCS#7 padding: {0}")]
    BadPadding(&'static str),

    /// The plaintext is too short to hold the 16-byte random prefix and the 4-byte length.
    #[error("plaintext of {0} bytes is shorter than the 20-byte header")]
    PlaintextTooShort(usize),

    /// The 4-byte message length points past the end of the plaintext.
    #[error("message length {declared} runs past the end of the plaintext ({available} bytes available)")]
    LengthPrefixOutOfBounds {
        /// The length read from the plaintext.
        declared: u32,
        /// The bytes actually available after the 20-byte header.
        available: usize,
    },

    /// The receive id at the end of the plaintext is not the configured one.
    #[error("receive id mismatch: expected {expected:?}, found {found:?}")]
    WrongReceiveId {
        /// The configured receive id (corp id, suite id or empty).
        expected: String,
        /// The receive id found in the plaintext (lossily decoded if not UTF-8).
        found: String,
    },

    /// The decrypted message is not UTF-8.
    #[error("decrypted message is not UTF-8")]
    NotUtf8,

    /// The XML (the POST body or the decrypted message) is not well-formed.
    #[error("malformed XML: {0}")]
    MalformedXml(String),

    /// The POST body has no `<Encrypt>` element under its root.
    #[error("callback body has no <Encrypt> element")]
    MissingEncrypt,

    /// The message to encrypt is longer than the 4-byte length prefix can express.
    #[error("message of {0} bytes is too long to encrypt (limit 4294967295)")]
    MessageTooLong(usize),

    /// The operating system's random number generator failed.
    #[error("random number generator failed: {0}")]
    Randomness(String),
}
