//! A fast 64-bit checksum of bytes: four independent lanes of eight-byte words, each mixed
//! by multiplication, joined at the end. Not for security; for telling one file's bytes from
//! another's (content identity, a stored index checked before use) at memory speed, where a
//! byte-at-a-time hash would take a visible fraction of a second over a help centre's
//! hundreds of megabytes. One lane would wait on each multiplication before the next word
//! (about 60 ms over a 287 MB stored index); four keep the multiplier busy.

const K: u64 = 0x9E37_79B9_7F4A_7C15;

/// Words mixed side by side, one per lane.
const LANES: usize = 4;
/// Bytes a step: a word for each lane.
const BLOCK: usize = 8 * LANES;

/// A checksum fed in pieces (a file written as it is encoded); the same as [`checksum`] of
/// the pieces joined.
#[derive(Debug, Clone)]
pub struct Checksum {
    lanes: [u64; LANES],
    /// Bytes not yet making up a whole block.
    pending: [u8; BLOCK],
    pending_len: usize,
    length: u64,
}

#[inline]
fn mix(lane: u64, word: u64) -> u64 {
    let mixed = (lane ^ word).wrapping_mul(K);
    mixed ^ (mixed >> 32)
}

/// Mixes one block into the lanes, a word each.
#[inline]
fn mix_block(lanes: &mut [u64; LANES], block: &[u8]) {
    for (lane, word) in lanes.iter_mut().zip(block.chunks_exact(8)) {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(word);
        *lane = mix(*lane, u64::from_le_bytes(bytes));
    }
}

impl Checksum {
    pub fn new(seed: u64) -> Self {
        // Lanes start apart, so words that trade places between lanes change the sum.
        let lane = |n: u64| mix(seed, n.wrapping_mul(K));
        Self {
            lanes: [lane(1), lane(2), lane(3), lane(4)],
            pending: [0; BLOCK],
            pending_len: 0,
            length: 0,
        }
    }

    pub fn update(&mut self, mut bytes: &[u8]) {
        self.length += bytes.len() as u64;
        if self.pending_len > 0 {
            let take = (BLOCK - self.pending_len).min(bytes.len());
            self.pending[self.pending_len..self.pending_len + take].copy_from_slice(&bytes[..take]);
            self.pending_len += take;
            bytes = &bytes[take..];
            if self.pending_len < BLOCK {
                return;
            }
            mix_block(&mut self.lanes, &self.pending);
            self.pending_len = 0;
        }
        let mut blocks = bytes.chunks_exact(BLOCK);
        for block in &mut blocks {
            mix_block(&mut self.lanes, block);
        }
        let rest = blocks.remainder();
        self.pending[..rest.len()].copy_from_slice(rest);
        self.pending_len = rest.len();
    }

    pub fn finish(&self) -> u64 {
        // The bytes short of a block, zero-padded, go to the lanes as one more block; the
        // length tells a padded tail from real zeros.
        let mut lanes = self.lanes;
        if self.pending_len > 0 {
            let mut tail = [0u8; BLOCK];
            tail[..self.pending_len].copy_from_slice(&self.pending[..self.pending_len]);
            mix_block(&mut lanes, &tail);
        }
        let mut hash = self.length.wrapping_mul(K);
        for lane in lanes {
            hash = mix(hash, lane);
        }
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
        for at in [0, 7, 8, 31, 32, 500, 999] {
            let mut changed = base.clone();
            changed[at] ^= 1;
            assert_ne!(checksum(&changed, 1), sum, "byte {at}");
        }
        assert_ne!(checksum(&base[..999], 1), sum, "a shorter file");
        let mut swapped = base.clone();
        swapped[..16].rotate_left(8);
        assert_ne!(
            checksum(&swapped, 1),
            sum,
            "two words of one block trading places"
        );
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
        for cuts in [[1, 2], [7, 9], [8, 16], [31, 33], [32, 64], [3, 999]] {
            let mut sum = Checksum::new(4);
            sum.update(&base[..cuts[0]]);
            sum.update(&base[cuts[0]..cuts[1]]);
            sum.update(&base[cuts[1]..]);
            assert_eq!(sum.finish(), checksum(&base, 4), "{cuts:?}");
        }
    }
}
