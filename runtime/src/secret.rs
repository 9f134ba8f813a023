//! A string that must never be printed: corp secrets, suite secrets, access tokens, EncodingAESKeys.

use std::fmt;
use std::sync::Arc;

/// A secret value. `Debug` and `Display` print `<redacted>`; the only way to read it is [`Secret::expose`].
/// Cloning it is cheap (the value is shared): every call clones the cached access token.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Secret(Arc<str>);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into().into())
    }

    /// The secret itself. Call it only where the value goes on the wire or into a cipher.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value.into())
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.into())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("corp-secret-123");
        assert!(!format!("{s:?}").contains("corp-secret-123"));
        assert!(!format!("{s}").contains("corp-secret-123"));
        assert_eq!(s.expose(), "corp-secret-123");
    }
}
