//! The query parameters WeCom adds to a callback URL, and URL-decoding them.

use super::error::CallbackError;

/// The query of a callback request: `msg_signature`, `timestamp`, `nonce`, and `echostr` for the URL
/// verification GET. Values are stored URL-decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallbackQuery {
    /// `msg_signature`: the hex SHA1 signature.
    pub msg_signature: String,
    /// `timestamp`: Unix seconds as sent (the raw string is what is signed).
    pub timestamp: String,
    /// `nonce`: a random string chosen by WeCom.
    pub nonce: String,
    /// `echostr`: the encrypted challenge of the URL verification GET; absent on POSTs.
    pub echostr: Option<String>,
}

impl CallbackQuery {
    /// A query from already-decoded values, without `echostr`.
    pub fn new(
        msg_signature: impl Into<String>,
        timestamp: impl Into<String>,
        nonce: impl Into<String>,
    ) -> Self {
        CallbackQuery {
            msg_signature: msg_signature.into(),
            timestamp: timestamp.into(),
            nonce: nonce.into(),
            echostr: None,
        }
    }

    /// Sets `echostr` (already decoded).
    pub fn with_echostr(mut self, echostr: impl Into<String>) -> Self {
        self.echostr = Some(echostr.into());
        self
    }

    /// Builds the query from already URL-decoded name/value pairs, such as a web framework's parsed query.
    ///
    /// The first occurrence of each name wins; unknown names are ignored. Fails with
    /// [`CallbackError::MissingParameter`] if `msg_signature`, `timestamp` or `nonce` is absent.
    pub fn from_pairs<I, K, V>(pairs: I) -> Result<Self, CallbackError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut msg_signature = None;
        let mut timestamp = None;
        let mut nonce = None;
        let mut echostr = None;
        for (name, value) in pairs {
            let slot = match name.as_ref() {
                "msg_signature" => &mut msg_signature,
                "timestamp" => &mut timestamp,
                "nonce" => &mut nonce,
                "echostr" => &mut echostr,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.as_ref().to_owned());
            }
        }
        Ok(CallbackQuery {
            msg_signature: msg_signature.ok_or(CallbackError::MissingParameter("msg_signature"))?,
            timestamp: timestamp.ok_or(CallbackError::MissingParameter("timestamp"))?,
            nonce: nonce.ok_or(CallbackError::MissingParameter("nonce"))?,
            echostr,
        })
    }

    /// Parses a raw query string (`a=b&c=d`, with or without a leading `?`), URL-decoding names and values
    /// the way HTML forms and web frameworks do (`%XX` escapes and `+` as space; malformed escapes are kept
    /// literally, invalid UTF-8 is replaced). Fails like [`CallbackQuery::from_pairs`].
    pub fn from_query_string(query: &str) -> Result<Self, CallbackError> {
        Self::from_pairs(decoded_pairs(query))
    }
}

/// The URL-decoded name/value pairs of a raw query string (with or without a leading `?`), decoded
/// as [`CallbackQuery::from_query_string`] says.
pub(crate) fn decoded_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let query = query.strip_prefix('?').unwrap_or(query);
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (form_decode(name), form_decode(value))
        })
}

/// Decodes `application/x-www-form-urlencoded` text: `+` is a space, `%XX` a byte.
fn form_decode(input: &str) -> String {
    let bytes = input.as_bytes();
    if !bytes.iter().any(|&b| b == b'%' || b == b'+') {
        return input.to_owned();
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(hex_value),
                bytes.get(i + 2).and_then(hex_value),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            other => out.push(other),
        }
        i += 1;
    }
    String::from_utf8(out)
        .unwrap_or_else(|err| String::from_utf8_lossy(err.as_bytes()).into_owned())
}

/// The value of one hex digit.
fn hex_value(byte: &u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes_plus_and_keeps_malformed_escapes() {
        assert_eq!(form_decode("a%2Bb%2f%3D%3d"), "a+b/==");
        assert_eq!(form_decode("a+b"), "a b");
        assert_eq!(form_decode("%zz%4%"), "%zz%4%");
        assert_eq!(form_decode("%E7%9B%B4%E6%92%AD"), "直播");
        assert_eq!(form_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn parses_query_string() {
        let q = CallbackQuery::from_query_string(
            "?msg_signature=s&timestamp=1&nonce=n&echostr=a%2Bb%3D&x=y",
        )
        .unwrap();
        assert_eq!(q, CallbackQuery::new("s", "1", "n").with_echostr("a+b="));
        let q =
            CallbackQuery::from_query_string("nonce=n&&timestamp=1&msg_signature=s&nonce=other")
                .unwrap();
        assert_eq!(q, CallbackQuery::new("s", "1", "n"));
    }

    #[test]
    fn reports_the_missing_parameter() {
        assert_eq!(
            CallbackQuery::from_query_string("timestamp=1&nonce=n"),
            Err(CallbackError::MissingParameter("msg_signature"))
        );
        assert_eq!(
            CallbackQuery::from_query_string("msg_signature=s&nonce=n"),
            Err(CallbackError::MissingParameter("timestamp"))
        );
        assert_eq!(
            CallbackQuery::from_pairs([("msg_signature", "s"), ("timestamp", "1")]),
            Err(CallbackError::MissingParameter("nonce"))
        );
    }
}
