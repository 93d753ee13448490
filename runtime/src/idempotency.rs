//! Idempotency tokens: the value sent for a `smithy.api#idempotencyToken` member the caller
//! left unset, so that a retried request is recognised as the same request.
//!
//! A token is a version 4 UUID. [`uuid_v4`] formats one from 16 random bytes; [`random_token`]
//! draws those bytes from the standard library's per-process random hash keys mixed with a
//! counter and the clock. That is not a cryptographic generator, and a token needs none: it
//! only has to differ from every other token the caller sends.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// A version 4 (random) UUID from `random`: the version and variant bits are set, the other
/// 122 bits are taken from `random`. Lowercase, `xxxxxxxx-xxxx-4xxx-Nxxx-xxxxxxxxxxxx`.
pub fn uuid_v4(random: [u8; 16]) -> String {
    let mut b = random;
    b[6] = (b[6] & 0x0F) | 0x40;
    b[8] = (b[8] & 0x3F) | 0x80;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        out.push(char::from(HEX[usize::from(byte >> 4)]));
        out.push(char::from(HEX[usize::from(byte & 0xF)]));
    }
    out
}

/// A fresh random token (a version 4 UUID). Two calls never return the same token.
pub fn random_token() -> String {
    uuid_v4(random_bytes())
}

/// 16 bytes no other call returns: two SipHash outputs keyed by fresh `RandomState`s (seeded
/// from the operating system once per thread) over a process-wide counter and the time.
fn random_bytes() -> [u8; 16] {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut out = [0u8; 16];
    for (half, chunk) in out.chunks_exact_mut(8).enumerate() {
        let mut h = RandomState::new().build_hasher();
        h.write_u64(count);
        h.write_u128(nanos);
        h.write_usize(half);
        chunk.copy_from_slice(&h.finish().to_le_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_version_and_variant_bits() {
        assert_eq!(uuid_v4([0; 16]), "00000000-0000-4000-8000-000000000000");
        assert_eq!(uuid_v4([0xFF; 16]), "ffffffff-ffff-4fff-bfff-ffffffffffff");
        let counting: [u8; 16] = std::array::from_fn(|i| i as u8);
        assert_eq!(uuid_v4(counting), "00010203-0405-4607-8809-0a0b0c0d0e0f");
    }

    #[test]
    fn random_tokens_are_v4_uuids_and_differ() {
        let tokens: Vec<String> = (0..1000).map(|_| random_token()).collect();
        for t in &tokens {
            assert_eq!(t.len(), 36, "{t}");
            assert_eq!(&t[14..15], "4", "{t}");
            assert!(matches!(&t[19..20], "8" | "9" | "a" | "b"), "{t}");
            assert!(t
                .chars()
                .all(|c| c == '-' || c.is_ascii_digit() || ('a'..='f').contains(&c)));
        }
        let distinct: std::collections::BTreeSet<&String> = tokens.iter().collect();
        assert_eq!(distinct.len(), tokens.len());
    }
}
