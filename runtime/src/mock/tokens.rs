//! Tokens the mock issued.

use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug, Default)]
pub(crate) struct Tokens {
    live: HashMap<String, Instant>,
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
    pub(crate) fn issue(&mut self, lifetime: Duration) -> String {
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
        self.live.insert(token.clone(), Instant::now() + lifetime);
        token
    }

    pub(crate) fn issued(&self) -> usize {
        self.issued
    }

    pub(crate) fn expire_all(&mut self) {
        let now = Instant::now();
        for expiry in self.live.values_mut() {
            *expiry = now;
        }
    }

    pub(crate) fn check(&self, token: Option<&str>) -> TokenCheck {
        match token {
            None | Some("") => TokenCheck::Missing,
            Some(t) => match self.live.get(t) {
                None => TokenCheck::Unknown,
                Some(expiry) if Instant::now() >= *expiry => TokenCheck::Expired,
                Some(_) => TokenCheck::Valid,
            },
        }
    }
}
