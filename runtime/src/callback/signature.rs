//! `msg_signature`: lowercase hex SHA1 of the sorted token, timestamp, nonce and ciphertext; and the
//! plain `signature` of WeChat's URL verification, the same hash without the ciphertext.

use sha1::{Digest, Sha1};
use subtle::ConstantTimeEq;

/// The length of a hex-encoded SHA1 digest.
pub(crate) const SIGNATURE_LEN: usize = 40;

/// Computes the signature as 40 lowercase hex ASCII bytes.
///
/// The four strings are sorted as strings (byte order, which is code-point order for UTF-8) and hashed
/// concatenated, without separators.
pub(crate) fn compute(
    token: &str,
    timestamp: &str,
    nonce: &str,
    encrypted: &str,
) -> [u8; SIGNATURE_LEN] {
    compute_sorted(&mut [token, timestamp, nonce, encrypted])
}

/// SHA1 of `parts` sorted as strings and concatenated without separators, as 40 lowercase hex bytes.
pub(crate) fn compute_sorted(parts: &mut [&str]) -> [u8; SIGNATURE_LEN] {
    parts.sort_unstable();
    let mut hasher = Sha1::new();
    for part in parts.iter() {
        hasher.update(part.as_bytes());
    }
    hex_lower(&hasher.finalize().into())
}

/// Whether `given` equals the expected signature, compared in constant time.
pub(crate) fn verify(
    given: &str,
    token: &str,
    timestamp: &str,
    nonce: &str,
    encrypted: &str,
) -> bool {
    verify_sorted(given, &mut [token, timestamp, nonce, encrypted])
}

/// Whether `given` equals [`compute_sorted`] of `parts`, compared in constant time.
pub(crate) fn verify_sorted(given: &str, parts: &mut [&str]) -> bool {
    let expected = compute_sorted(parts);
    // Different lengths compare unequal; only the length itself is not hidden.
    bool::from(expected.as_slice().ct_eq(given.as_bytes()))
}

/// Lowercase hex of a SHA1 digest.
fn hex_lower(digest: &[u8; 20]) -> [u8; SIGNATURE_LEN] {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; SIGNATURE_LEN];
    for (i, byte) in digest.iter().enumerate() {
        out[2 * i] = HEX[usize::from(byte >> 4)];
        out[2 * i + 1] = HEX[usize::from(byte & 0x0f)];
    }
    out
}

/// The signature as a `String`.
pub(crate) fn to_string(sig: &[u8; SIGNATURE_LEN]) -> String {
    // Hex digits are ASCII, so this never allocates a replacement.
    String::from_utf8_lossy(sig).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_a_known_digest() {
        // sha1("abc") = a9993e364706816aba3e25717850c26c9cd0d89d; the other three parts are empty.
        let sig = compute("abc", "", "", "");
        assert_eq!(&sig, b"a9993e364706816aba3e25717850c26c9cd0d89d");
        assert!(verify(
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "",
            "abc",
            "",
            ""
        ));
        assert!(!verify(
            "A9993E364706816ABA3E25717850C26C9CD0D89D",
            "abc",
            "",
            "",
            ""
        ));
        assert!(!verify("a9993e", "abc", "", "", ""));
    }

    #[test]
    fn the_plain_signature_hashes_three_parts() {
        // The example of WeChat's message-push guide: token AAAAA, timestamp 1714036504, nonce 1514711492.
        let sig = compute_sorted(&mut ["AAAAA", "1714036504", "1514711492"]);
        assert_eq!(&sig, b"f464b24fc39322e44b38aa78f5edd27bd1441696");
        assert!(verify_sorted(
            "f464b24fc39322e44b38aa78f5edd27bd1441696",
            &mut ["1514711492", "AAAAA", "1714036504"]
        ));
    }

    #[test]
    fn order_of_inputs_does_not_matter() {
        assert_eq!(compute("t", "1", "n", "e"), compute("e", "n", "1", "t"));
    }
}
