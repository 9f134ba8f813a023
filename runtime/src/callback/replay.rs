//! An optional guard that refuses a (timestamp, nonce, msg_signature) seen before, with bounded memory.

use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::sync::{Mutex, MutexGuard};

use sha1::{Digest, Sha1};

/// The fingerprint stored per accepted callback: SHA1 of the length-prefixed triple, so every entry has
/// the same small size whatever the sender put in the nonce.
type Fingerprint = [u8; 20];

/// Remembers accepted callbacks and rejects a second one with the same (timestamp, nonce, msg_signature).
///
/// * Entries expire when their timestamp leaves the handler's freshness window (from then on the freshness
///   check rejects a replay anyway). Without a window they only leave through the capacity bound.
/// * At most `capacity` entries are kept; when full, the entry closest to expiry is dropped first.
/// * Thread-safe (one `std::sync::Mutex`); share one guard between handlers by cloning the handler.
///
/// WeCom may redeliver a callback it considers unanswered. If it reuses the query of the first
/// delivery, the guard rejects the redelivery as [`Replayed`](super::CallbackError::Replayed), so keep
/// event handling idempotent and answer quickly. A callback that was accepted but could not be handled
/// can be forgotten ([`CallbackHandler::forget`](super::CallbackHandler::forget)) so that its
/// redelivery passes; the callback service does that when the event handler fails.
pub struct ReplayGuard {
    capacity: usize,
    state: Mutex<State>,
}

/// The entries, indexed both by fingerprint (lookup) and by expiry then insertion order (eviction).
#[derive(Default)]
struct State {
    seen: HashSet<Fingerprint>,
    by_expiry: BTreeSet<(i64, u64, Fingerprint)>,
    inserted: u64,
}

impl ReplayGuard {
    /// The capacity of [`ReplayGuard::default`].
    pub const DEFAULT_CAPACITY: usize = 100_000;

    /// A guard that keeps at most `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        ReplayGuard {
            capacity: capacity.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// The maximum number of entries kept.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The number of entries currently kept.
    pub fn len(&self) -> usize {
        self.lock().seen.len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Records the callback and returns `true`, or returns `false` if it was already recorded.
    ///
    /// `now` and `window_secs` decide expiry: an entry lives until `timestamp + window_secs`.
    pub(crate) fn check_and_record(
        &self,
        timestamp: i64,
        nonce: &str,
        signature: &str,
        now: i64,
        window_secs: Option<u64>,
    ) -> bool {
        let fingerprint = fingerprint(timestamp, nonce, signature);
        let expires = match window_secs {
            Some(window) => timestamp.saturating_add(i64::try_from(window).unwrap_or(i64::MAX)),
            None => i64::MAX,
        };
        let mut state = self.lock();
        state.evict_expired(now);
        if state.seen.contains(&fingerprint) {
            return false;
        }
        while state.seen.len() >= self.capacity {
            if !state.evict_first() {
                break;
            }
        }
        let order = state.inserted;
        state.inserted = order.wrapping_add(1);
        state.seen.insert(fingerprint);
        state.by_expiry.insert((expires, order, fingerprint));
        true
    }

    /// Forgets a recorded callback, so that a redelivery of it passes again (for a callback whose
    /// handling failed). Linear in the number of entries; meant for the rare failure path.
    pub(crate) fn forget(&self, timestamp: i64, nonce: &str, signature: &str) {
        let fingerprint = fingerprint(timestamp, nonce, signature);
        let mut state = self.lock();
        if state.seen.remove(&fingerprint) {
            state.by_expiry.retain(|&(_, _, f)| f != fingerprint);
        }
    }

    /// The state, recovering it if a thread panicked while holding the lock (the sets stay consistent:
    /// every mutation is a single insert or remove on each).
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl State {
    /// Drops every entry whose expiry is before `now`.
    fn evict_expired(&mut self, now: i64) {
        while self
            .by_expiry
            .first()
            .is_some_and(|&(expires, _, _)| expires < now)
        {
            self.evict_first();
        }
    }

    /// Drops the entry closest to expiry; `false` if there was none.
    fn evict_first(&mut self) -> bool {
        match self.by_expiry.pop_first() {
            Some((_, _, fingerprint)) => {
                self.seen.remove(&fingerprint);
                true
            }
            None => false,
        }
    }
}

impl Default for ReplayGuard {
    fn default() -> Self {
        ReplayGuard::new(Self::DEFAULT_CAPACITY)
    }
}

impl fmt::Debug for ReplayGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReplayGuard")
            .field("capacity", &self.capacity)
            .field("len", &self.len())
            .finish()
    }
}

/// SHA1 over the length-prefixed timestamp, nonce and signature.
fn fingerprint(timestamp: i64, nonce: &str, signature: &str) -> Fingerprint {
    let mut hasher = Sha1::new();
    hasher.update(timestamp.to_be_bytes());
    for part in [nonce, signature] {
        hasher.update((part.len() as u64).to_be_bytes());
        hasher.update(part.as_bytes());
    }
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_second_sighting_until_expiry() {
        let guard = ReplayGuard::new(10);
        assert!(guard.check_and_record(1000, "n", "s", 1000, Some(300)));
        assert!(!guard.check_and_record(1000, "n", "s", 1100, Some(300)));
        assert!(guard.check_and_record(1000, "n2", "s", 1100, Some(300)));
        assert!(guard.check_and_record(1001, "n", "s", 1100, Some(300)));
        // At 1301 the first entry (expiry 1300) is gone.
        assert!(guard.check_and_record(1000, "x", "y", 1301, Some(300)));
        assert_eq!(guard.len(), 2);
    }

    #[test]
    fn capacity_bounds_memory() {
        let guard = ReplayGuard::new(3);
        for i in 0..100 {
            assert!(guard.check_and_record(i, "n", "s", 0, None));
            assert!(guard.len() <= 3);
        }
        assert!(!guard.check_and_record(99, "n", "s", 0, None));
        // Without expiry the oldest insertion goes first: 100 pushes out 97, not 98 or 99.
        assert!(guard.check_and_record(100, "n", "s", 0, None));
        assert!(guard.check_and_record(97, "n", "s", 0, None));
        assert!(!guard.check_and_record(99, "n", "s", 0, None));
        assert!(!guard.check_and_record(100, "n", "s", 0, None));
        assert_eq!(ReplayGuard::new(0).capacity(), 1);
    }

    #[test]
    fn a_forgotten_callback_passes_once_more() {
        let guard = ReplayGuard::new(10);
        assert!(guard.check_and_record(1000, "n", "s", 1000, Some(300)));
        assert!(guard.check_and_record(1000, "other", "s", 1000, Some(300)));
        guard.forget(1000, "n", "s");
        assert_eq!(guard.len(), 1);
        assert!(guard.check_and_record(1000, "n", "s", 1000, Some(300)));
        assert!(!guard.check_and_record(1000, "n", "s", 1000, Some(300)));
        assert!(!guard.check_and_record(1000, "other", "s", 1000, Some(300)));
        // Forgetting what was never recorded changes nothing.
        guard.forget(5, "x", "y");
        assert_eq!(guard.len(), 2);
    }

    #[test]
    fn nonce_and_signature_boundaries_are_distinct() {
        assert_ne!(fingerprint(1, "ab", "c"), fingerprint(1, "a", "bc"));
    }
}
