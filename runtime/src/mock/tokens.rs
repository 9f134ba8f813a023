//! Tokens the mock issued.

use std::collections::HashMap;
use std::time::{Duration, Instant};

/// How long an expired token is still recognised (answered with the expired-token errcode rather than
/// as unknown); older ones are forgotten, so a long run does not keep every token it ever issued.
const FORGET_AFTER: Duration = Duration::from_secs(60);

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
        let now = Instant::now();
        self.forget_expired(now);
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
        self.live.insert(token.clone(), (now + lifetime, endpoint));
        token
    }

    /// Forgets the tokens that expired [`FORGET_AFTER`] or longer before `now`.
    fn forget_expired(&mut self, now: Instant) {
        self.live
            .retain(|_, (expiry, _)| now.saturating_duration_since(*expiry) < FORGET_AFTER);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_expired_tokens_are_forgotten_and_recently_expired_ones_are_not() {
        let mut tokens = Tokens::default();
        let old = tokens.issue(Duration::ZERO, "gettoken");
        let recent = tokens.issue(Duration::from_secs(120), "gettoken");
        let any = |_: &str| true;
        assert!(matches!(tokens.check(Some(&old), any), TokenCheck::Expired));
        // As if FORGET_AFTER and a second had passed: `old` expired that long ago, `recent` less.
        tokens.forget_expired(Instant::now() + FORGET_AFTER + Duration::from_secs(1));
        assert!(matches!(tokens.check(Some(&old), any), TokenCheck::Unknown));
        assert!(matches!(
            tokens.check(Some(&recent), any),
            TokenCheck::Valid
        ));
        assert_eq!(tokens.issued(), 2);
    }
}
