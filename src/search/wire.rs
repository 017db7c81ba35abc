//! The byte stream of a stored index and its ranked tier: a body written in blocks and
//! summed, read back with every length checked and every byte summed. Its own module so
//! that the index (`stored`) and the ranked tier (`ranked`) both use it without using each
//! other.

use std::io::{self, Write};

use super::query::SynonymTable;
use crate::checksum::Checksum;

/// The file header's length: magic, version, identity, body length, checksum.
pub(super) const HEADER: usize = 8 + 4 + 16 + 8 + 8;
/// The seed of the body's checksum.
pub(super) const BODY_SEED: u64 = 0x5EED;

/// The body as it is encoded: gathered in blocks, then summed and written; counted; the
/// first write error kept.
///
/// A stored help centre is millions of small fields (a record is seven): summing and writing
/// each on its own cost more than the bytes themselves, so they are gathered first.
pub(super) struct Writer<W: Write> {
    pub(super) out: W,
    pub(super) block: Vec<u8>,
    pub(super) sum: Checksum,
    pub(super) length: u64,
    pub(super) failed: Option<io::Error>,
}

/// Bytes gathered before they are summed and written; larger pieces go straight through.
const WRITE_BLOCK: usize = 1 << 20;

impl<W: Write> Writer<W> {
    pub(super) fn new(out: W) -> Self {
        Self {
            out,
            block: Vec::with_capacity(WRITE_BLOCK),
            sum: Checksum::new(BODY_SEED),
            length: 0,
            failed: None,
        }
    }

    /// The sink, the body's length and its checksum, or the first write error.
    pub(super) fn finish(mut self) -> io::Result<(W, u64, u64)> {
        self.flush();
        match self.failed {
            Some(error) => Err(error),
            None => Ok((self.out, self.length, self.sum.finish())),
        }
    }

    /// Fails the whole write (what was to be written could not be read).
    pub(super) fn fail(&mut self, error: io::Error) {
        self.failed.get_or_insert(error);
    }

    /// Sums and writes `bytes` now.
    pub(super) fn write_through(&mut self, bytes: &[u8]) {
        if self.failed.is_some() {
            return;
        }
        self.sum.update(bytes);
        if let Err(error) = self.out.write_all(bytes) {
            self.failed = Some(error);
        }
    }

    pub(super) fn flush(&mut self) {
        let block = std::mem::take(&mut self.block);
        self.write_through(&block);
        self.block = block;
        self.block.clear();
    }

    pub(super) fn bytes(&mut self, bytes: &[u8]) {
        self.length += bytes.len() as u64;
        if self.block.len() + bytes.len() > WRITE_BLOCK {
            self.flush();
        }
        if bytes.len() >= WRITE_BLOCK {
            self.write_through(bytes);
        } else {
            self.block.extend_from_slice(bytes);
        }
    }

    pub(super) fn u32(&mut self, value: u32) {
        self.bytes(&value.to_le_bytes());
    }

    pub(super) fn u64(&mut self, value: u64) {
        self.bytes(&value.to_le_bytes());
    }

    pub(super) fn str(&mut self, text: &str) {
        self.u64(text.len() as u64);
        self.bytes(text.as_bytes());
    }

    pub(super) fn table(&mut self, table: &SynonymTable) {
        self.u64(table.entries().len() as u64);
        for (word, means) in table.entries() {
            self.str(&word.iter().collect::<String>());
            self.str(&means.iter().collect::<String>());
        }
    }
}

/// Reads a body as it streams in, with every length checked against what is left and every
/// byte added to the checksum.
pub(super) struct Reader<R: io::Read> {
    pub(super) source: R,
    /// The body's length, and the bytes of it not read yet.
    pub(super) length: u64,
    pub(super) left: u64,
    pub(super) sum: Checksum,
}

pub(super) type Read<T> = Result<T, &'static str>;

impl<R: io::Read> Reader<R> {
    pub(super) fn new(source: R, length: u64) -> Self {
        Self {
            source,
            length,
            left: length,
            sum: Checksum::new(BODY_SEED),
        }
    }

    /// Fills `buffer` from the body.
    pub(super) fn fill(&mut self, buffer: &mut [u8], what: &'static str) -> Read<()> {
        let count = buffer.len() as u64;
        if count > self.left {
            return Err(what);
        }
        self.source.read_exact(buffer).map_err(|_| what)?;
        self.sum.update(buffer);
        self.left -= count;
        Ok(())
    }

    /// Where in the file the next byte of the body is.
    pub(super) fn position(&self) -> u64 {
        HEADER as u64 + (self.length - self.left)
    }

    /// Reads `count` bytes into the checksum only.
    pub(super) fn skip(&mut self, count: usize, what: &'static str) -> Read<()> {
        if count as u64 > self.left {
            return Err(what);
        }
        let mut buffer = vec![0u8; count.min(1 << 16)];
        let mut left = count;
        while left > 0 {
            let now = left.min(buffer.len());
            self.fill(&mut buffer[..now], what)?;
            left -= now;
        }
        Ok(())
    }

    pub(super) fn take(&mut self, count: usize, what: &'static str) -> Read<Vec<u8>> {
        if count as u64 > self.left {
            return Err(what);
        }
        let mut buffer = vec![0u8; count];
        self.fill(&mut buffer, what)?;
        Ok(buffer)
    }

    pub(super) fn u8s<const N: usize>(&mut self, what: &'static str) -> Read<[u8; N]> {
        let mut word = [0u8; N];
        self.fill(&mut word, what)?;
        Ok(word)
    }

    pub(super) fn u32(&mut self, what: &'static str) -> Read<u32> {
        self.u8s(what).map(u32::from_le_bytes)
    }

    pub(super) fn u64(&mut self, what: &'static str) -> Read<u64> {
        self.u8s(what).map(u64::from_le_bytes)
    }

    /// A count of items at least `each` bytes long: never more than the bytes left allow.
    pub(super) fn count(&mut self, each: usize, what: &'static str) -> Read<usize> {
        let count = usize::try_from(self.u64(what)?).map_err(|_| what)?;
        if (count as u64).saturating_mul(each.max(1) as u64) > self.left {
            return Err(what);
        }
        Ok(count)
    }

    /// `count` little-endian words of `N` bytes, read a block at a time (no second copy of
    /// a large array in memory).
    pub(super) fn words<const N: usize, T>(
        &mut self,
        count: usize,
        what: &'static str,
        word: impl Fn([u8; N]) -> T,
    ) -> Read<Vec<T>> {
        let mut out = Vec::new();
        self.words_into(&mut out, count, what, word)?;
        Ok(out)
    }

    /// [`Reader::words`] onto the end of `out` (which may have room for more after them).
    pub(super) fn words_into<const N: usize, T>(
        &mut self,
        out: &mut Vec<T>,
        count: usize,
        what: &'static str,
        word: impl Fn([u8; N]) -> T,
    ) -> Read<()> {
        if (count as u64).saturating_mul(N as u64) > self.left {
            return Err(what);
        }
        out.reserve(count);
        let mut block = vec![0u8; N * 8192];
        let mut remaining = count;
        while remaining > 0 {
            let now = remaining.min(8192);
            let bytes = &mut block[..now * N];
            self.fill(bytes, what)?;
            out.extend(bytes.chunks_exact(N).map(|chunk| {
                let mut array = [0u8; N];
                array.copy_from_slice(chunk);
                word(array)
            }));
            remaining -= now;
        }
        Ok(())
    }

    pub(super) fn str(&mut self, what: &'static str) -> Read<String> {
        let length = self.count(1, what)?;
        String::from_utf8(self.take(length, what)?).map_err(|_| what)
    }

    pub(super) fn table(&mut self) -> Read<SynonymTable> {
        let count = self.count(16, "유의어")?;
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            let word = self.str("유의어")?.chars().collect();
            let means = self.str("유의어")?.chars().collect();
            entries.push((word, means));
        }
        Ok(SynonymTable::from_entries(entries))
    }

    /// Reads what is left of the body into the checksum (after a part that did not hold
    /// together: whether the file was damaged decides what the caller is told).
    pub(super) fn drain(&mut self) {
        let mut buffer = vec![0u8; 1 << 16];
        while self.left > 0 {
            let count = usize::try_from(self.left.min(buffer.len() as u64)).unwrap_or(0);
            if self.fill(&mut buffer[..count], "").is_err() {
                return;
            }
        }
    }
}
