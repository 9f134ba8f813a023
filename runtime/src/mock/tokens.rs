//! Tokens the mock issued.

use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub(crate) struct Tokens {
    /// Token → (expiry, the token endpoint that issued it).
    live: HashMap<String, (Instant, &'static str)>,
    issued: usize,
}

/// Outcome of a token check.
pub(crate) enum TokenCheck {
    Valid,
    Missing,
    Unknown,
    Expired,
}

impl Tokens {
    /// A new token of `endpoint`, valid for `lifetime`.
    pub(crate) fn issue(&mut self, lifetime: Duration, endpoint: &'static str) -> String {
        self.issued += 1;
        let nonce: u64 = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or_default();
        let token = format!(
            "MOCK-TOKEN-{}-{:x}",
            self.issued,
            nonce ^ (self.issued as u64).rotate_left(17)
        );
        self.live
            .insert(token.clone(), (Instant::now() + lifetime, endpoint));
        token
    }

    pub(crate) fn issued(&self) -> usize {
        self.issued
    }

    pub(crate) fn expire_all(&mut self) {
        let now = Instant::now();
        for (expiry, _) in self.live.values_mut() {
            *expiry = now;
        }
    }

    /// Whether `token` is a live token issued by an endpoint `accept` admits.
    pub(crate) fn check(&self, token: Option<&str>, accept: impl Fn(&str) -> bool) -> TokenCheck {
        match token {
            None | Some("") => TokenCheck::Missing,
            Some(t) => match self.live.get(t) {
                Some((_, endpoint)) if !accept(endpoint) => TokenCheck::Unknown,
                None => TokenCheck::Unknown,
                Some((expiry, _)) if Instant::now() >= *expiry => TokenCheck::Expired,
                Some(_) => TokenCheck::Valid,
            },
        }
    }
}
