//! The WeCom message cipher: framing, PKCS#7-32 and AES-256-CBC (IV = first 16 key bytes), Base64.

use aes::cipher::block_padding::NoPadding;
use aes::cipher::{BlockDecryptMut, BlockEncryptMut, InnerIvInit, KeyInit};
use aes::Aes256;
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::error::CallbackError;
use super::padding;

/// The random prefix length.
pub(crate) const RANDOM_LEN: usize = 16;
/// The random prefix plus the 4-byte big-endian message length.
const HEADER_LEN: usize = RANDOM_LEN + 4;
/// The AES block size.
const AES_BLOCK: usize = 16;

type Encryptor = cbc::Encryptor<Aes256>;
type Decryptor = cbc::Decryptor<Aes256>;

/// An AES-256 key schedule and its IV, ready to encrypt and decrypt WeCom messages.
#[derive(Clone)]
pub(crate) struct MsgCipher {
    cipher: Aes256,
    iv: [u8; AES_BLOCK],
}

impl MsgCipher {
    /// Prepares the cipher for a 32-byte key; the IV is the first 16 key bytes.
    pub(crate) fn new(key: &[u8; 32]) -> Self {
        let mut iv = [0u8; AES_BLOCK];
        iv.copy_from_slice(&key[..AES_BLOCK]);
        MsgCipher {
            cipher: Aes256::new(key.into()),
            iv,
        }
    }

    /// `Base64(AES-256-CBC(PKCS7_32(random ‖ be32(len(msg)) ‖ msg ‖ receive_id)))`.
    pub(crate) fn encrypt(
        &self,
        msg: &str,
        receive_id: &str,
        random: &[u8; RANDOM_LEN],
    ) -> Result<String, CallbackError> {
        let len = u32::try_from(msg.len()).map_err(|_| CallbackError::MessageTooLong(msg.len()))?;
        let mut buf =
            Vec::with_capacity(HEADER_LEN + msg.len() + receive_id.len() + padding::PAD_BLOCK);
        buf.extend_from_slice(random);
        buf.extend_from_slice(&len.to_be_bytes());
        buf.extend_from_slice(msg.as_bytes());
        buf.extend_from_slice(receive_id.as_bytes());
        padding::pad(&mut buf);
        let total = buf.len();
        Encryptor::inner_iv_init(self.cipher.clone(), (&self.iv).into())
            .encrypt_padded_mut::<NoPadding>(&mut buf, total)
            // The length is a multiple of 32 after padding, so NoPadding cannot fail.
            .map_err(|_| CallbackError::CiphertextLength(total))?;
        Ok(STANDARD.encode(&buf))
    }

    /// The reverse of [`MsgCipher::encrypt`]: returns the message after checking every layer and that the
    /// trailing receive id equals `expected_receive_id`.
    pub(crate) fn decrypt(
        &self,
        encrypted: &str,
        expected_receive_id: &str,
    ) -> Result<String, CallbackError> {
        let mut buf = STANDARD
            .decode(encrypted)
            .map_err(|_| CallbackError::Base64)?;
        if buf.is_empty() || buf.len() % AES_BLOCK != 0 {
            return Err(CallbackError::CiphertextLength(buf.len()));
        }
        let cipher_len = buf.len();
        let plain_len = Decryptor::inner_iv_init(self.cipher.clone(), (&self.iv).into())
            .decrypt_padded_mut::<NoPadding>(&mut buf)
            // The length was checked above, so NoPadding cannot fail.
            .map_err(|_| CallbackError::CiphertextLength(cipher_len))?
            .len();
        buf.truncate(plain_len);
        let unpadded = padding::unpadded_len(&buf)?;
        buf.truncate(unpadded);
        let (msg_range, receive_id) = split_plaintext(&buf)?;
        if receive_id != expected_receive_id.as_bytes() {
            return Err(CallbackError::WrongReceiveId {
                expected: expected_receive_id.to_owned(),
                found: String::from_utf8_lossy(receive_id).into_owned(),
            });
        }
        buf.truncate(msg_range.end);
        buf.drain(..msg_range.start);
        String::from_utf8(buf).map_err(|_| CallbackError::NotUtf8)
    }
}

/// Splits an unpadded plaintext into the message's byte range and the trailing receive id.
fn split_plaintext(plain: &[u8]) -> Result<(std::ops::Range<usize>, &[u8]), CallbackError> {
    let Some(len_bytes) = plain.get(RANDOM_LEN..HEADER_LEN) else {
        return Err(CallbackError::PlaintextTooShort(plain.len()));
    };
    let mut be = [0u8; 4];
    be.copy_from_slice(len_bytes);
    let declared = u32::from_be_bytes(be);
    let available = plain.len().saturating_sub(HEADER_LEN);
    let out_of_bounds = CallbackError::LengthPrefixOutOfBounds {
        declared,
        available,
    };
    let end = usize::try_from(declared)
        .ok()
        .and_then(|len| HEADER_LEN.checked_add(len))
        .ok_or(out_of_bounds.clone())?;
    let receive_id = plain.get(end..).ok_or(out_of_bounds)?;
    Ok((HEADER_LEN..end, receive_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> MsgCipher {
        MsgCipher::new(&[0x42; 32])
    }

    #[test]
    fn round_trip() {
        let c = cipher();
        for msg in ["", "a", "直播", &"x".repeat(1000)] {
            let enc = c.encrypt(msg, "corp", &[1; 16]).unwrap();
            assert_eq!(c.decrypt(&enc, "corp").unwrap(), msg);
        }
    }

    #[test]
    fn wrong_receive_id_is_reported() {
        let c = cipher();
        let enc = c.encrypt("hi", "corp", &[1; 16]).unwrap();
        assert_eq!(
            c.decrypt(&enc, "other"),
            Err(CallbackError::WrongReceiveId {
                expected: "other".into(),
                found: "corp".into()
            })
        );
        assert!(c.decrypt(&enc, "").is_err());
    }

    #[test]
    fn split_checks_bounds() {
        assert_eq!(
            split_plaintext(&[0; 19]),
            Err(CallbackError::PlaintextTooShort(19))
        );
        let mut p = vec![0u8; 20];
        p[19] = 1;
        assert_eq!(
            split_plaintext(&p),
            Err(CallbackError::LengthPrefixOutOfBounds {
                declared: 1,
                available: 0
            })
        );
        p.push(b'm');
        p.extend_from_slice(b"id");
        assert_eq!(split_plaintext(&p).unwrap(), (20..21, &b"id"[..]));
    }
}
