//! [`CallbackHandler`]: verifies, decrypts and parses incoming callbacks and encrypts passive replies.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::clock::{self, Clock, SystemClock};
use super::crypto::{MsgCipher, RANDOM_LEN};
use super::envelope;
use super::error::CallbackError;
use super::event::CallbackEvent;
use super::key;
use super::query::CallbackQuery;
use super::receive_id::ReceiveId;
use super::replay::ReplayGuard;
use super::signature;
use super::xml::XmlDoc;
use crate::Secret;

/// Receives WeCom callbacks for one app configuration (token, EncodingAESKey, receive id).
///
/// Every incoming message goes through, in order: the signature check (constant time), the timestamp
/// check (decimal, then inside the freshness window), the optional replay guard, Base64, AES-256-CBC,
/// the PKCS#7-32 padding, the length prefix, the receive id, UTF-8, and for [`CallbackHandler::parse`] the
/// XML. Each failure is its own [`CallbackError`] variant.
///
/// Cloning is cheap-ish (the key schedule is copied) and clones share the replay guard. `Debug` never
/// shows the token or the key.
#[derive(Clone)]
pub struct CallbackHandler {
    token: Secret,
    cipher: MsgCipher,
    receive_id: ReceiveId,
    window_secs: Option<u64>,
    clock: Arc<dyn Clock>,
    replay: Option<Arc<ReplayGuard>>,
}

impl CallbackHandler {
    /// The default freshness window: 300 seconds either way.
    pub const DEFAULT_FRESHNESS_WINDOW: Duration = Duration::from_secs(300);

    /// A handler for the console-configured token and EncodingAESKey, expecting `receive_id` in every
    /// plaintext. Uses the system clock, the default freshness window and no replay guard.
    ///
    /// Fails with [`CallbackError::InvalidToken`] unless the token is 1 to 32 ASCII letters or digits, and
    /// with [`CallbackError::InvalidEncodingAesKey`] unless the key is 43 characters of `[a-zA-Z0-9]`.
    pub fn new(
        token: impl Into<Secret>,
        encoding_aes_key: &Secret,
        receive_id: ReceiveId,
    ) -> Result<Self, CallbackError> {
        let token = token.into();
        key::check_token(&token)?;
        let mut aes_key = key::derive_aes_key(encoding_aes_key)?;
        let cipher = MsgCipher::new(&aes_key);
        aes_key.fill(0);
        Ok(CallbackHandler {
            token,
            cipher,
            receive_id,
            window_secs: Some(Self::DEFAULT_FRESHNESS_WINDOW.as_secs()),
            clock: Arc::new(SystemClock),
            replay: None,
        })
    }

    /// Accepts timestamps at most `window` away from now, either way (whole seconds).
    pub fn with_freshness_window(mut self, window: Duration) -> Self {
        self.window_secs = Some(window.as_secs());
        self
    }

    /// Accepts any well-formed timestamp, however old. The official scheme does not check freshness;
    /// prefer keeping the check on.
    pub fn without_freshness_check(mut self) -> Self {
        self.window_secs = None;
        self
    }

    /// Uses `clock` instead of the system clock (for tests, or a trusted time source).
    pub fn with_clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Rejects a second callback with the same (timestamp, nonce, msg_signature); see [`ReplayGuard`].
    pub fn with_replay_guard(mut self, guard: ReplayGuard) -> Self {
        self.replay = Some(Arc::new(guard));
        self
    }

    /// Turns the replay guard off (the default).
    pub fn without_replay_guard(mut self) -> Self {
        self.replay = None;
        self
    }

    /// The receive id every plaintext must end with.
    pub fn receive_id(&self) -> &ReceiveId {
        &self.receive_id
    }

    /// The freshness window, or `None` when the check is off.
    pub fn freshness_window(&self) -> Option<Duration> {
        self.window_secs.map(Duration::from_secs)
    }

    /// The replay guard, if on.
    pub fn replay_guard(&self) -> Option<&ReplayGuard> {
        self.replay.as_deref()
    }

    /// URL verification (the GET WeCom sends when the callback URL is saved): checks the signature over
    /// `echostr`, decrypts it and returns the plaintext to send back as the raw response body (no quotes,
    /// no newline).
    pub fn verify_url(&self, query: &CallbackQuery) -> Result<String, CallbackError> {
        let echostr = query
            .echostr
            .as_deref()
            .ok_or(CallbackError::MissingParameter("echostr"))?;
        self.decrypt_payload(query, echostr)
    }

    /// URL verification of WeChat message push (mini programs, official accounts): the GET carries
    /// `signature`, SHA1 over the sorted token, `timestamp` and `nonce` (no ciphertext), and the answer
    /// is `echostr` itself, unencrypted, whatever the encryption mode. The signature, timestamp,
    /// freshness and replay checks are those of [`CallbackHandler::decrypt`]; nothing is decrypted.
    pub fn verify_plain_url(
        &self,
        signature: &str,
        timestamp: &str,
        nonce: &str,
        echostr: &str,
    ) -> Result<String, CallbackError> {
        let valid =
            signature::verify_sorted(signature, &mut [self.token.expose(), timestamp, nonce]);
        self.admit(valid, timestamp, nonce, signature)?;
        Ok(echostr.to_owned())
    }

    /// The plain `signature` of WeChat's URL verification for a timestamp and nonce (lowercase hex
    /// SHA1 over the sorted token, timestamp and nonce). Useful to build test requests.
    pub fn sign_plain(&self, timestamp: &str, nonce: &str) -> String {
        signature::to_string(&signature::compute_sorted(&mut [
            self.token.expose(),
            timestamp,
            nonce,
        ]))
    }

    /// Forgets a callback the replay guard recorded when it was accepted, so that the platform's
    /// redelivery of it passes: call it when the event could not be handled (and was not
    /// acknowledged). Does nothing without a replay guard or for a malformed timestamp.
    pub fn forget(&self, query: &CallbackQuery) {
        if let (Some(guard), Ok(timestamp)) =
            (&self.replay, clock::parse_timestamp(&query.timestamp))
        {
            guard.forget(timestamp, &query.nonce, &query.msg_signature);
        }
    }

    /// Verifies and decrypts a POST body (`<xml><Encrypt>…</Encrypt>…</xml>`), returning the inner XML.
    /// A body longer than [`super::xml::MAX_XML_BYTES`] is refused unread.
    pub fn decrypt(&self, query: &CallbackQuery, body: &str) -> Result<String, CallbackError> {
        let limit = super::xml::MAX_XML_BYTES;
        if body.len() > limit {
            return Err(CallbackError::TooLarge {
                len: body.len(),
                limit,
            });
        }
        envelope::with_encrypt(body, |encrypted| self.decrypt_payload(query, encrypted))
    }

    /// Verifies and decrypts a ciphertext taken out of the body by the caller (the `Encrypt` text).
    pub fn decrypt_payload(
        &self,
        query: &CallbackQuery,
        encrypted: &str,
    ) -> Result<String, CallbackError> {
        self.authenticate(query, encrypted)?;
        self.cipher.decrypt(encrypted, self.receive_id.as_str())
    }

    /// Verifies, decrypts and parses a POST body into an XML tree.
    pub fn parse_xml(&self, query: &CallbackQuery, body: &str) -> Result<XmlDoc, CallbackError> {
        XmlDoc::parse(self.decrypt(query, body)?)
    }

    /// Verifies, decrypts and parses a POST body into a typed event (a generated product's or
    /// domain's `Event`, or an [`XmlDoc`]).
    pub fn parse<E: CallbackEvent>(
        &self,
        query: &CallbackQuery,
        body: &str,
    ) -> Result<E, CallbackError> {
        Ok(E::from_xml_doc(self.parse_xml(query, body)?))
    }

    /// Encrypts a passive reply with a fresh random prefix from the operating system and wraps it in the
    /// signed reply document
    /// `<xml><Encrypt/><MsgSignature/><TimeStamp/><Nonce/></xml>`.
    pub fn encrypt_reply(
        &self,
        plaintext_xml: &str,
        timestamp: i64,
        nonce: &str,
    ) -> Result<String, CallbackError> {
        self.encrypt_reply_with_random(plaintext_xml, timestamp, nonce, &os_random()?)
    }

    /// Encrypts `msg` for this handler's receive id with a fresh random prefix, returning the Base64
    /// ciphertext (what goes into `Encrypt` or `echostr`). Useful to build test callbacks.
    pub fn encrypt(&self, msg: &str) -> Result<String, CallbackError> {
        self.encrypt_with_random(msg, &os_random()?)
    }

    /// The `msg_signature` of a ciphertext for the given timestamp and nonce (lowercase hex SHA1).
    pub fn sign(&self, timestamp: &str, nonce: &str, encrypted: &str) -> String {
        signature::to_string(&signature::compute(
            self.token.expose(),
            timestamp,
            nonce,
            encrypted,
        ))
    }

    /// [`CallbackHandler::encrypt`] with a caller-chosen random prefix. Only for reproducible tests:
    /// a fixed prefix weakens the scheme.
    #[doc(hidden)]
    pub fn encrypt_with_random(
        &self,
        msg: &str,
        random: &[u8; RANDOM_LEN],
    ) -> Result<String, CallbackError> {
        self.cipher.encrypt(msg, self.receive_id.as_str(), random)
    }

    /// [`CallbackHandler::encrypt_reply`] with a caller-chosen random prefix. Only for reproducible tests.
    #[doc(hidden)]
    pub fn encrypt_reply_with_random(
        &self,
        plaintext_xml: &str,
        timestamp: i64,
        nonce: &str,
        random: &[u8; RANDOM_LEN],
    ) -> Result<String, CallbackError> {
        let encrypted = self.encrypt_with_random(plaintext_xml, random)?;
        let signature = self.sign(&timestamp.to_string(), nonce, &encrypted);
        Ok(envelope::reply_xml(
            &encrypted, &signature, timestamp, nonce,
        ))
    }

    /// Signature, timestamp, freshness and replay checks, in that order.
    fn authenticate(&self, query: &CallbackQuery, encrypted: &str) -> Result<(), CallbackError> {
        let valid = signature::verify(
            &query.msg_signature,
            self.token.expose(),
            &query.timestamp,
            &query.nonce,
            encrypted,
        );
        self.admit(valid, &query.timestamp, &query.nonce, &query.msg_signature)
    }

    /// After the signature check (`signature_valid`): the timestamp, freshness and replay checks.
    fn admit(
        &self,
        signature_valid: bool,
        timestamp: &str,
        nonce: &str,
        signature: &str,
    ) -> Result<(), CallbackError> {
        if !signature_valid {
            return Err(CallbackError::BadSignature);
        }
        let timestamp = clock::parse_timestamp(timestamp)?;
        if self.window_secs.is_none() && self.replay.is_none() {
            return Ok(());
        }
        let now = self.clock.now_unix();
        if let Some(window) = self.window_secs {
            clock::check_fresh(timestamp, now, window)?;
        }
        if let Some(guard) = &self.replay {
            if !guard.check_and_record(timestamp, nonce, signature, now, self.window_secs) {
                return Err(CallbackError::Replayed);
            }
        }
        Ok(())
    }
}

/// 16 bytes from the operating system's random number generator.
fn os_random() -> Result<[u8; RANDOM_LEN], CallbackError> {
    let mut random = [0u8; RANDOM_LEN];
    getrandom::getrandom(&mut random).map_err(|err| CallbackError::Randomness(err.to_string()))?;
    Ok(random)
}

impl fmt::Debug for CallbackHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackHandler")
            .field("token", &self.token)
            .field("encoding_aes_key", &"<redacted>")
            .field("receive_id", &self.receive_id)
            .field("freshness_window_secs", &self.window_secs)
            .field("replay_guard", &self.replay)
            .finish_non_exhaustive()
    }
}
