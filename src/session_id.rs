//! The `session` id of a resumable dialogue, and everything derived from it: its
//! validation, the digest every store keys it by, the Redis key, and what logs show.
//!
//! An id is a bearer secret: whoever knows it can take the dialogue over. So it lives
//! only as long as the first message that carries it; what is kept (in process, in
//! Redis, on the takeover channel, in logs) is its SHA-256 digest, cut to 128 bits. A
//! digest, not a keyed hash, because every instance must find the same dialogue without
//! sharing a secret; 128 bits, because a wrong id then finds a dialogue no more often
//! than a guessed one would.

use std::fmt;

/// Length bounds of a `session` id, in characters (PROTOCOL.md).
pub const CHARS: std::ops::RangeInclusive<usize> = 16..=64;

/// What Redis keys of stored dialogues start with.
const REDIS_PREFIX: &str = "chatbot:session:";

/// A well-formed `session` id, as the client sent it: 16 to 64 characters of
/// `A-Z a-z 0-9 - _`. Only the session frame echoes it; everything else uses its
/// [`SessionKey`].
#[derive(Clone, PartialEq, Eq)]
pub struct SessionId(Box<str>);

impl SessionId {
    /// The id, if `text` is a well-formed one.
    pub fn parse(text: &str) -> Option<SessionId> {
        let well_formed = CHARS.contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        well_formed.then(|| SessionId(text.into()))
    }

    /// The id as the client wrote it, for the session frame.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What every store keeps of this id.
    pub fn key(&self) -> SessionKey {
        let digest = ring::digest::digest(&ring::digest::SHA256, self.0.as_bytes());
        let half = |range: std::ops::Range<usize>| {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(&digest.as_ref()[range]);
            u64::from_be_bytes(bytes)
        };
        SessionKey([half(0..8), half(8..16)])
    }
}

/// Never the id itself: a `{:?}` in a log must not leak it.
impl fmt::Debug for SessionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionId({})", self.key().shown())
    }
}

/// The first 128 bits of an id's SHA-256: the only form in which an id is stored,
/// published or logged. Two `u64`s rather than a `u128`, whose 16-byte alignment would
/// pad every held session's state and every stored entry.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SessionKey([u64; 2]);

impl SessionKey {
    /// The Redis key of the dialogue: `chatbot:session:<32 hex digits>`.
    pub fn redis_key(self) -> String {
        format!("{REDIS_PREFIX}{self}")
    }

    /// The key written as [`SessionKey`]'s `Display` does (32 lowercase hex digits), if
    /// `text` is one: what the takeover channel carries.
    pub fn parse_hex(text: &str) -> Option<SessionKey> {
        if text.len() != 32 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let (high, low) = text.split_at(16);
        Some(SessionKey([
            u64::from_str_radix(high, 16).ok()?,
            u64::from_str_radix(low, 16).ok()?,
        ]))
    }

    /// For logs: 8 hex digits, enough to follow one dialogue, useless to resume it. An
    /// operator finds a frontend's id with `printf %s ID | sha256sum | cut -c1-8`.
    pub fn shown(self) -> String {
        format!("{:08x}", self.0[0] >> 32)
    }
}

impl fmt::Display for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}{:016x}", self.0[0], self.0[1])
    }
}

impl fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SessionKey({})", self.shown())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_well_formed_ids_parse() {
        assert!(SessionId::parse("abcdefghijklmnop").is_some());
        assert!(SessionId::parse(&"a".repeat(64)).is_some());
        for bad in [
            "abcdefghijklmno",
            &"a".repeat(65),
            "abcdefghijklmno!",
            "абвгдежзийклмноп",
        ] {
            assert!(SessionId::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn the_key_is_the_ids_sha256_and_reads_back_from_hex() {
        // printf %s 0123456789abcdef | sha256sum
        let id = SessionId::parse("0123456789abcdef").unwrap();
        let key = id.key();
        assert_eq!(key.to_string(), "9f9f5111f7b27a781f1f1ddde5ebc2dd");
        assert_eq!(key.shown(), "9f9f5111");
        assert_eq!(
            key.redis_key(),
            "chatbot:session:9f9f5111f7b27a781f1f1ddde5ebc2dd"
        );
        assert_eq!(SessionKey::parse_hex(&key.to_string()), Some(key));
        assert_eq!(SessionKey::parse_hex("0123456789abcdef"), None);
        assert!(!format!("{id:?}").contains("0123456789abcdef"));
    }
}
