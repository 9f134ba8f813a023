//! Checking the console-configured EncodingAESKey and token, and deriving the 32-byte AES key.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;

use super::error::CallbackError;
use crate::Secret;

/// The length of an EncodingAESKey in characters.
pub(crate) const ENCODING_AES_KEY_LEN: usize = 43;

/// The longest token the admin console accepts.
pub(crate) const MAX_TOKEN_LEN: usize = 32;

/// Base64 with the standard alphabet that, like WeCom's own decoders, ignores the two trailing bits of
/// the 43rd character: real EncodingAESKeys (WeCom's sample key among them) often have them set.
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_allow_trailing_bits(true)
        .with_decode_padding_mode(DecodePaddingMode::RequireCanonical),
);

/// `AESKey = Base64Decode(EncodingAESKey + "=")`: the 32-byte AES-256 key.
///
/// Rejects anything that is not exactly 43 characters of `[a-zA-Z0-9]`, before decoding.
pub(crate) fn derive_aes_key(encoding_aes_key: &Secret) -> Result<[u8; 32], CallbackError> {
    let text = encoding_aes_key.expose();
    if text.len() != ENCODING_AES_KEY_LEN {
        return Err(CallbackError::InvalidEncodingAesKey(
            "must be exactly 43 characters",
        ));
    }
    if !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(CallbackError::InvalidEncodingAesKey(
            "must contain only the characters a-z, A-Z and 0-9",
        ));
    }
    let mut padded = [b'='; ENCODING_AES_KEY_LEN + 1];
    padded[..ENCODING_AES_KEY_LEN].copy_from_slice(text.as_bytes());
    let mut key = [0u8; 32];
    match LENIENT_BASE64.decode_slice(padded, &mut key) {
        Ok(32) => Ok(key),
        _ => Err(CallbackError::InvalidEncodingAesKey(
            "does not Base64-decode to 32 bytes",
        )),
    }
}

/// Checks the token against the console rule: 1 to 32 ASCII letters or digits.
pub(crate) fn check_token(token: &Secret) -> Result<(), CallbackError> {
    let text = token.expose();
    if text.is_empty() {
        return Err(CallbackError::InvalidToken("must not be empty"));
    }
    if text.len() > MAX_TOKEN_LEN {
        return Err(CallbackError::InvalidToken("must be at most 32 characters"));
    }
    if !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(CallbackError::InvalidToken(
            "must contain only the characters a-z, A-Z and 0-9",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_key_with_trailing_bits_decodes() {
        let key =
            derive_aes_key(&Secret::new("jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C")).unwrap();
        assert_eq!(key[0], 0x8d);
        assert_eq!(key[31], 0x60);
    }

    #[test]
    fn rejects_wrong_length_and_characters() {
        for bad in [
            "",
            "abc",
            &"a".repeat(44),
            &format!("{}+", "a".repeat(42)),
            &format!("{}é", "a".repeat(41)),
        ] {
            assert!(matches!(
                derive_aes_key(&Secret::new(bad)),
                Err(CallbackError::InvalidEncodingAesKey(_))
            ));
        }
    }

    #[test]
    fn token_rules() {
        assert!(check_token(&Secret::new("QDG6eK")).is_ok());
        assert!(check_token(&Secret::new("a".repeat(32))).is_ok());
        assert!(check_token(&Secret::new("")).is_err());
        assert!(check_token(&Secret::new("a".repeat(33))).is_err());
        assert!(check_token(&Secret::new("to ken")).is_err());
    }
}
