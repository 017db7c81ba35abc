//! A fast 64-bit checksum of bytes: eight bytes a step, mixed by multiplication. Not for
//! security; for telling one file's bytes from another's (content identity, a stored index
//! checked before use) at memory speed, where a byte-at-a-time hash would take a visible
//! fraction of a second over a help centre's hundreds of megabytes.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// A checksum fed in pieces (a file written as it is encoded); the same as [`checksum`] of
/// the pieces joined.
#[derive(Debug, Clone)]
pub struct Checksum {
    hash: u64,
    /// Bytes not yet making up a whole eight-byte word.
    pending: [u8; 8],
    pending_len: usize,
    length: u64,
}

impl Checksum {
    pub fn new(seed: u64) -> Self {
        Self {
            hash: seed,
            pending: [0; 8],
            pending_len: 0,
            length: 0,
        }
    }

    #[inline]
    fn mix(&mut self, word: [u8; 8]) {
        self.hash = (self.hash ^ u64::from_le_bytes(word)).wrapping_mul(K);
        self.hash ^= self.hash >> 32;
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        self.length += bytes.len() as u64;
        if self.pending_len > 0 {
            let take = (8 - self.pending_len).min(bytes.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&bytes[..take]);
            self.pending_len += take;
            bytes = &bytes[take..];
            if self.pending_len < 8 {
                return;
            }
            self.mix(self.pending);
            self.pending_len = 0;
        }
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.mix(word);
        }
        let rest = chunks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    pub fn finish(&self) -> u64 {
        let mut tail = [0u8; 8];
        tail[..self.pending_len].copy_from_slice(&self.pending[..self.pending_len]);
        let mut hash = (self.hash ^ u64::from_le_bytes(tail)).wrapping_mul(K);
        hash ^= self.length.wrapping_mul(K);
        hash ^= hash >> 29;
        hash = hash.wrapping_mul(0xBF58_476D_1CE4_E5B9);
        hash ^ (hash >> 32)
    }
}

/// The checksum of `bytes`, starting from `seed`.
pub fn checksum(bytes: &[u8], seed: u64) -> u64 {
    let mut sum = Checksum::new(seed);
    sum.update(bytes);
    sum.finish()
}

#[cfg(test)]
#[allow(clippy::cast_possible_truncation)] // test bytes below 256
mod tests {
    use super::{Checksum, checksum};

    #[test]
    fn any_changed_byte_changes_the_checksum() {
        let base: Vec<u8> = (0..1000u32).map(|n| (n * 7 % 251) as u8).collect();
        let sum = checksum(&base, 1);
        for at in [0, 7, 8, 500, 999] {
            let mut changed = base.clone();
            changed[at] ^= 1;
            assert_ne!(checksum(&changed, 1), sum, "byte {at}");
        }
        assert_ne!(checksum(&base[..999], 1), sum, "a shorter file");
        assert_ne!(checksum(&base, 2), sum, "another seed");
        assert_ne!(
            checksum(&[0; 3], 1),
            checksum(&[0; 4], 1),
            "zeros of two lengths"
        );
    }

    #[test]
    fn pieces_sum_as_the_whole() {
        let base: Vec<u8> = (0..1000u32).map(|n| (n * 13 % 256) as u8).collect();
        for cuts in [[1, 2], [7, 9], [8, 16], [3, 999]] {
            let mut sum = Checksum::new(4);
            sum.update(&base[..cuts[0]]);
            sum.update(&base[cuts[0]..cuts[1]]);
            sum.update(&base[cuts[1]..]);
            assert_eq!(sum.finish(), checksum(&base, 4), "{cuts:?}");
        }
    }
}
