//! PKCS#7 padding to a multiple of 32 bytes, the WeCom variant (the AES block is 16 bytes, the pad block 32).

use super::error::CallbackError;

/// The pad block size WeCom uses.
pub(crate) const PAD_BLOCK: usize = 32;

/// Appends `k = 32 - len % 32` bytes of value `k` (so 1..=32 bytes; a full block when already aligned).
pub(crate) fn pad(buf: &mut Vec<u8>) {
    let k = PAD_BLOCK - buf.len() % PAD_BLOCK;
    // k is in 1..=32, so it fits in a byte.
    buf.resize(buf.len() + k, k as u8);
}

/// The length of `buf` without its padding. Checks that the pad value is in 1..=32, fits in the
/// buffer, and that every pad byte carries it.
pub(crate) fn unpadded_len(buf: &[u8]) -> Result<usize, CallbackError> {
    let Some(&last) = buf.last() else {
        return Err(CallbackError::BadPadding("empty plaintext"));
    };
    let k = usize::from(last);
    if k == 0 {
        return Err(CallbackError::BadPadding("pad value 0"));
    }
    if k > PAD_BLOCK {
        return Err(CallbackError::BadPadding("pad value larger than 32"));
    }
    let Some(start) = buf.len().checked_sub(k) else {
        return Err(CallbackError::BadPadding("pad longer than the plaintext"));
    };
    if buf
        .get(start..)
        .unwrap_or_default()
        .iter()
        .any(|&b| b != last)
    {
        return Err(CallbackError::BadPadding("inconsistent pad bytes"));
    }
    Ok(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pads_to_multiple_of_32_with_full_block_when_aligned() {
        for len in 0..100 {
            let mut buf = vec![7u8; len];
            pad(&mut buf);
            assert_eq!(buf.len() % 32, 0);
            let k = buf.len() - len;
            assert!((1..=32).contains(&k));
            assert_eq!(unpadded_len(&buf).unwrap(), len);
        }
        let mut aligned = vec![0u8; 64];
        pad(&mut aligned);
        assert_eq!(aligned.len(), 96);
        assert!(aligned[64..].iter().all(|&b| b == 32));
    }

    #[test]
    fn rejects_bad_pads() {
        assert!(unpadded_len(&[]).is_err());
        assert!(unpadded_len(&[1, 2, 0]).is_err());
        assert!(unpadded_len(&[33; 64]).is_err());
        assert!(unpadded_len(&[3, 3]).is_err());
        assert!(unpadded_len(&[9, 2, 3, 3]).is_err());
    }
}
