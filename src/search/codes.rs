//! How the index stores text: every character as a 16-bit code, its number among the
//! characters the content holds in code point order. The order is kept, so the syllables a
//! lone consonant starts (a run of code points) are a run of codes, and a scan compares
//! half as many bytes as with whole characters. Each document's codes are followed in
//! memory by at least [`LANES`] more, so a scan tests a whole chunk at a time.

use wide::{u8x16, u16x8};

/// Set on the first character of a word (after a space or punctuation).
pub(crate) const WORD_START: u16 = 1 << 15;
const CODE_BITS: u16 = !WORD_START;
/// A character of the content beyond what the codes number: stored, never matched.
pub(crate) const OVERFLOW: u16 = 0x7FFE;
/// What follows the last document, so its chunks can be read whole: never matched.
pub(crate) const PAD: u16 = 0x7FFF;
/// A query character the content does not hold: no stored code equals it.
pub(crate) const ABSENT: u16 = u16::MAX;
/// Characters numbered at the most (the rest of a content of more distinct characters than
/// any language needs is stored as [`OVERFLOW`]).
const CAPACITY: usize = OVERFLOW as usize;

/// Codes a scan tests at once: 64 bytes, a cache line.
pub(crate) const LANES: usize = 32;

/// Codes after the last document: a scan reads a chunk from any position of a text, and
/// the chunk after it for matches two codes wide.
pub(crate) const PADDING: usize = 2 * LANES;

/// The code in a stored value (without its word-start bit).
#[inline]
pub(crate) fn code_of(stored: u16) -> u16 {
    stored & CODE_BITS
}

/// A test of one code, as a scan applies it to a whole chunk at once: a run of codes
/// (`first` and the `span` codes after it; an empty run starts at [`ABSENT`], which no
/// stored code reaches), and two codes besides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Test {
    pub first: u16,
    pub span: u16,
    pub one: u16,
    pub two: u16,
}

impl Test {
    /// A test only `code` passes.
    pub(crate) fn single_code(code: u16) -> Self {
        Self {
            first: ABSENT,
            span: 0,
            one: code,
            two: ABSENT,
        }
    }

    /// A test nothing passes.
    pub(crate) const NONE: Self = Self {
        first: ABSENT,
        span: 0,
        one: ABSENT,
        two: ABSENT,
    };

    #[inline]
    pub(crate) fn passes(self, code: u16) -> bool {
        // Past ABSENT a stored code (at most 0x7FFF) wraps to at least 1, above a span of 0.
        code.wrapping_sub(self.first) <= self.span || code == self.one || code == self.two
    }

    /// Bit `n` set: the code stored at `chunk[n]` passes.
    #[inline]
    fn mask(self, chunk: &[u16; LANES]) -> u32 {
        let codes = u16x8::splat(CODE_BITS);
        let (first, span) = (u16x8::splat(self.first), u16x8::splat(self.span));
        let (one, two) = (u16x8::splat(self.one), u16x8::splat(self.two));
        let mut mask = 0;
        for (n, eight) in chunk.chunks_exact(8).enumerate() {
            let Ok(eight) = <[u16; 8]>::try_from(eight) else {
                continue;
            };
            let code = u16x8::new(eight) & codes;
            let past = code - first;
            let hit = past.min(span).simd_eq(past) | code.simd_eq(one) | code.simd_eq(two);
            mask |= hit.to_bitmask() << (8 * n);
        }
        mask
    }
}

/// A unit's test of a document's codes: a code that passes `single` is a match one code
/// wide; `head` followed by a code that passes `next` (a half-typed syllable's head, its
/// final starting the next syllable) is a match two codes wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Probe {
    pub single: Test,
    /// [`ABSENT`]: no match two codes wide.
    pub head: u16,
    pub next: Test,
}

impl Probe {
    /// A probe of one code wide matches.
    pub(crate) fn single(test: Test) -> Self {
        Self {
            single: test,
            head: ABSENT,
            next: Test::NONE,
        }
    }

    /// Whether a match starts at `pos` of `text`, and how wide.
    #[inline]
    fn at(self, text: Text<'_>, pos: usize) -> Option<usize> {
        let code = text.code(pos)?;
        if self.single.passes(code) {
            return Some(1);
        }
        let pair = code == self.head
            && text
                .code(pos + 1)
                .is_some_and(|next| self.next.passes(next));
        pair.then_some(2)
    }
}

/// The characters of the content, numbered in code point order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Alphabet {
    /// Code `n` stands for `chars[n]`.
    chars: Vec<char>,
    /// The code of each character of the Basic Multilingual Plane (all of Korean), or
    /// [`ABSENT`]; the rare others are looked up in `chars`.
    bmp: Vec<u16>,
}

impl Alphabet {
    /// The alphabet of these characters (any order, repeats allowed).
    pub(crate) fn new(mut chars: Vec<char>) -> Self {
        chars.sort_unstable();
        chars.dedup();
        chars.truncate(CAPACITY);
        let mut bmp = vec![ABSENT; 0x1_0000];
        for (code, &ch) in chars.iter().enumerate() {
            if let Some(slot) = bmp.get_mut(ch as usize) {
                *slot = u16::try_from(code).unwrap_or(OVERFLOW);
            }
        }
        Self { chars, bmp }
    }

    /// The characters numbered, in code order (for storing).
    pub(crate) fn chars(&self) -> &[char] {
        &self.chars
    }

    pub(crate) fn len(&self) -> usize {
        self.chars.len()
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.chars.capacity() * 4 + self.bmp.capacity() * 2
    }

    /// Whether the content holds more distinct characters than the codes number (the rest
    /// are stored as [`OVERFLOW`] and never matched).
    pub(crate) fn is_full(&self) -> bool {
        self.chars.len() >= CAPACITY
    }

    /// The code of `ch`, [`ABSENT`] when the content does not hold it.
    #[inline]
    pub(crate) fn code(&self, ch: char) -> u16 {
        match self.bmp.get(ch as usize) {
            Some(&code) => code,
            None => self
                .chars
                .binary_search(&ch)
                .ok()
                .and_then(|code| u16::try_from(code).ok())
                .unwrap_or(ABSENT),
        }
    }

    /// The code a character of the content is stored as.
    #[inline]
    pub(crate) fn stored(&self, ch: char) -> u16 {
        match self.code(ch) {
            ABSENT => OVERFLOW,
            code => code,
        }
    }

    /// The character a code stands for.
    #[inline]
    pub(crate) fn char(&self, code: u16) -> Option<char> {
        self.chars.get(usize::from(code_of(code))).copied()
    }

    pub(crate) fn contains(&self, ch: char) -> bool {
        self.code(ch) != ABSENT
    }

    /// The codes of the characters from `first` to `last` (code points, both included): the
    /// first code and how many more, or `None` when the content holds none of them.
    pub(crate) fn range(&self, first: char, last: char) -> Option<(u16, u16)> {
        let low = self.chars.partition_point(|&c| c < first);
        let high = self.chars.partition_point(|&c| c <= last);
        let first = u16::try_from(low).ok()?;
        let span = u16::try_from(high.checked_sub(low)?.checked_sub(1)?).ok()?;
        Some((first, span))
    }

    /// Every syllable, compatibility jamo and ASCII character (tests of queries read
    /// without an index).
    #[cfg(test)]
    pub(crate) fn full() -> Self {
        let syllables = '\u{AC00}'..='\u{D7A3}';
        let jamo = '\u{3131}'..='\u{318E}';
        Self::new(syllables.chain(jamo).chain(' '..='~').collect())
    }
}

/// One document's stored codes: `len` of them, followed in memory by at least [`LANES`]
/// more (the next documents', or padding), so a scan can read a whole chunk at any of them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Text<'a> {
    codes: &'a [u16],
    len: usize,
}

impl<'a> Text<'a> {
    /// The first `len` codes of `padded` (which should hold [`LANES`] more; a scan reads
    /// them one by one where it does not).
    pub(crate) fn new(padded: &'a [u16], len: usize) -> Self {
        Self {
            len: len.min(padded.len()),
            codes: padded,
        }
    }

    #[inline]
    pub(crate) fn len(self) -> usize {
        self.len
    }

    /// The stored value at `pos` (code and word-start bit).
    #[inline]
    pub(crate) fn get(self, pos: usize) -> Option<u16> {
        if pos < self.len {
            self.codes.get(pos).copied()
        } else {
            None
        }
    }

    /// The code at `pos`.
    #[inline]
    pub(crate) fn code(self, pos: usize) -> Option<u16> {
        self.get(pos).map(code_of)
    }

    /// Whether a word starts at `pos`.
    #[inline]
    pub(crate) fn word_start(self, pos: usize) -> bool {
        self.get(pos).is_some_and(|stored| stored & WORD_START != 0)
    }

    /// The stored values, exactly the document's.
    pub(crate) fn stored(self) -> &'a [u16] {
        &self.codes[..self.len]
    }

    /// The first match of `probe` at or after `from`, and its width.
    #[inline]
    pub(crate) fn first(self, from: usize, probe: Probe) -> Option<(usize, usize)> {
        if probe.head == ABSENT {
            return self.first_single(from, probe.single).map(|at| (at, 1));
        }
        let mut at = from;
        while at < self.len {
            let (single, pair) = self.masks(at, probe);
            let both = single | pair;
            if both != 0 {
                let lane = both.trailing_zeros();
                let width = if single & (1 << lane) != 0 { 1 } else { 2 };
                return Some((at + lane as usize, width));
            }
            at += LANES;
        }
        None
    }

    /// The first position at or after `from` whose code passes `test` (the common case, in a
    /// loop of its own).
    #[inline]
    fn first_single(self, from: usize, test: Test) -> Option<usize> {
        let mut at = from;
        while at < self.len {
            let mask = match self
                .codes
                .get(at..at + LANES)
                .and_then(|chunk| <&[u16; LANES]>::try_from(chunk).ok())
            {
                Some(chunk) => test.mask(chunk) & self.within(at),
                None => self.mask(at, &|code| test.passes(code)),
            };
            if mask != 0 {
                return Some(at + mask.trailing_zeros() as usize);
            }
            at += LANES;
        }
        None
    }

    /// Calls `visit` with each match of `probe` at or after `from` (where, and how wide), in
    /// order, until it breaks.
    #[inline]
    pub(crate) fn scan_probe(
        self,
        from: usize,
        probe: Probe,
        mut visit: impl FnMut(usize, usize) -> std::ops::ControlFlow<()>,
    ) {
        let mut at = from;
        while at < self.len {
            let (single, pair) = self.masks(at, probe);
            let mut both = single | pair;
            while both != 0 {
                let lane = both.trailing_zeros();
                let width = if single & (1 << lane) != 0 { 1 } else { 2 };
                if visit(at + lane as usize, width).is_break() {
                    return;
                }
                both &= both - 1;
            }
            at += LANES;
        }
    }

    /// The chunk at `at`: bit `n` of the first mask set where a match one code wide starts at
    /// `at + n`, of the second where one two codes wide does (within the text).
    #[inline]
    fn masks(self, at: usize, probe: Probe) -> (u32, u32) {
        let chunk = |from: usize| {
            self.codes
                .get(from..from + LANES)
                .and_then(|chunk| <&[u16; LANES]>::try_from(chunk).ok())
        };
        let within = self.within(at);
        let pairs = probe.head != ABSENT;
        match (chunk(at), pairs.then(|| chunk(at + 1)).flatten()) {
            (Some(here), after) if after.is_some() || !pairs => {
                let single = probe.single.mask(here) & within;
                let pair = match after {
                    Some(after) => {
                        let heads = Test::single_code(probe.head).mask(here);
                        // A pair needs its second code inside the text too.
                        heads & probe.next.mask(after) & self.within(at + 1)
                    }
                    None => 0,
                };
                (single, pair)
            }
            // Not padded (a text of its own): the codes that are there, one by one.
            _ => {
                let end = self.len.min(at + LANES);
                (at..end).fold((0, 0), |(single, pair), pos| {
                    let lane = pos - at;
                    match probe.at(self, pos) {
                        Some(1) => (single | 1 << lane, pair),
                        Some(_) => (single, pair | 1 << lane),
                        None => (single, pair),
                    }
                })
            }
        }
    }

    /// Bit `n` set: the code at `at + n` passes `test` (within the text): the scan of a
    /// test no probe expresses (a misspelling with many spellings).
    #[inline]
    fn mask(self, at: usize, test: &impl Fn(u16) -> bool) -> u32 {
        let end = self.len.min(at + LANES);
        self.codes
            .get(at..end)
            .unwrap_or_default()
            .iter()
            .enumerate()
            .fold(0u32, |mask, (lane, &stored)| {
                mask | (u32::from(test(code_of(stored))) << lane)
            })
    }

    /// The bits of a chunk at `at` that lie inside the text.
    #[inline]
    fn within(self, at: usize) -> u32 {
        let left = self.len.saturating_sub(at);
        if left >= LANES {
            u32::MAX
        } else {
            (1u32 << left) - 1
        }
    }

    /// Calls `visit` with each position at or after `from` whose code passes `test`, in
    /// order, until it breaks. Codes are tested a chunk at a time into a bit mask, which the
    /// compiler turns into vector instructions: scanning is most of the work of a keystroke.
    #[inline]
    pub(crate) fn scan(
        self,
        from: usize,
        test: impl Fn(u16) -> bool,
        mut visit: impl FnMut(usize) -> std::ops::ControlFlow<()>,
    ) {
        let mut at = from;
        while at < self.len {
            let mut mask = self.mask(at, &test);
            while mask != 0 {
                if visit(at + mask.trailing_zeros() as usize).is_break() {
                    return;
                }
                mask &= mask - 1;
            }
            at += LANES;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_code_point_order_and_ranges() {
        let alphabet = Alphabet::new("가입기준ㄱa가".chars().collect());
        assert_eq!(alphabet.len(), 6);
        let codes: Vec<u16> = "a ㄱ 가 기 입 준"
            .split(' ')
            .map(|s| alphabet.code(s.chars().next().unwrap()))
            .collect();
        assert_eq!(codes, [0, 1, 2, 3, 4, 5]);
        assert_eq!(alphabet.code('나'), ABSENT);
        assert_eq!(alphabet.char(3), Some('기'));
        // Every syllable starting with ㄱ: 가 and 기.
        assert_eq!(alphabet.range('가', '깋'), Some((2, 1)));
        assert_eq!(alphabet.range('나', '닣'), None);
    }

    #[test]
    fn initials_and_runs_of_them_are_found_where_a_plain_search_finds_them() {
        let mut next = crate::search::test_numbers();
        for len in [0, 1, 15, 16, 17, 63, 64, 65, 130, 200] {
            let bytes: Vec<u8> = (0..len)
                .map(|_| u8::try_from(next() % 5).unwrap())
                .collect();
            let mut padded = bytes.clone();
            padded.extend([0; PADDING]);
            // What follows the text holds every initial: none may be found there.
            padded[len..].iter_mut().for_each(|b| *b = 3);
            for initial in 1..=4 {
                for from in 0..=len {
                    let expected = (from..len).find(|&p| bytes[p] == initial);
                    for kept in [&padded[..], &bytes[..]] {
                        let found = Initials::new(kept, len).first(from, initial);
                        assert_eq!(found, expected, "len {len} from {from} initial {initial}");
                    }
                }
            }
            for wanted in [
                &[1u8][..],
                &[1, 2],
                &[2, 2, 1],
                &[3, 3, 3, 3],
                &[4, 1, 2, 3, 4],
            ] {
                for from in [0, 1, 16, 17, len.saturating_sub(3), len] {
                    let expected: Vec<usize> = (from..len)
                        .filter(|&p| bytes.get(p..p + wanted.len()) == Some(wanted))
                        .collect();
                    for kept in [&padded[..], &bytes[..]] {
                        let mut found = Vec::new();
                        Initials::new(kept, len).each_run(from, wanted, |p| found.push(p));
                        assert_eq!(found, expected, "len {len} from {from} {wanted:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_scan_never_reads_past_its_text() {
        let alphabet = Alphabet::new(vec!['a', 'b']);
        let (a, b) = (alphabet.code('a'), alphabet.code('b'));
        for len in [0, 1, 31, 32, 33, 70] {
            let mut padded: Vec<u16> = (0..len).map(|n| if n % 3 == 0 { a } else { b }).collect();
            let unpadded = padded.clone();
            // The next document holds only matches: none of them may be visited.
            padded.extend(std::iter::repeat_n(a, LANES));
            for codes in [&padded[..], &unpadded[..]] {
                let mut seen = Vec::new();
                Text::new(codes, len).scan(
                    0,
                    |code| code == a,
                    |at| {
                        seen.push(at);
                        std::ops::ControlFlow::Continue(())
                    },
                );
                let expected: Vec<usize> = (0..len).filter(|n| n % 3 == 0).collect();
                assert_eq!(seen, expected, "len {len}");
            }
        }
    }
}

/// Each stored character's initial consonant as a byte (ㄱ = 1 … ㅎ = 19, 0 for a character
/// with none), beside the codes: a reading of lone consonants only (ㄱㅇㄱㅈ) is matched on
/// these, half the bytes of the codes and twice the characters an instruction tests.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Initials<'a> {
    bytes: &'a [u8],
    len: usize,
}

/// Initials a scan tests at once.
const INITIAL_LANES: usize = 16;

impl<'a> Initials<'a> {
    /// The first `len` initials of `padded` (which should hold [`INITIAL_LANES`] more).
    pub(crate) fn new(padded: &'a [u8], len: usize) -> Self {
        Self {
            len: len.min(padded.len()),
            bytes: padded,
        }
    }

    /// The first position at or after `from` whose initial is `initial`.
    #[inline]
    pub(crate) fn first(self, from: usize, initial: u8) -> Option<usize> {
        let mut at = from;
        while at < self.len {
            let mask = self.equal(at, initial);
            if mask != 0 {
                return Some(at + mask.trailing_zeros() as usize);
            }
            at += INITIAL_LANES;
        }
        None
    }

    /// Calls `visit` with each position at or after `from` where `wanted` stands one initial
    /// after another, in order: where a reading of lone consonants matches in one piece.
    #[inline]
    pub(crate) fn each_run(self, from: usize, wanted: &[u8], mut visit: impl FnMut(usize)) {
        let Some(last_start) = self.len.checked_sub(wanted.len()) else {
            return;
        };
        let mut at = from;
        while at <= last_start {
            let mut mask = u32::MAX;
            for (offset, &initial) in wanted.iter().enumerate() {
                mask &= self.equal(at + offset, initial);
                if mask == 0 {
                    break;
                }
            }
            let left = last_start - at + 1;
            if left < INITIAL_LANES {
                mask &= (1u32 << left) - 1;
            }
            while mask != 0 {
                visit(at + mask.trailing_zeros() as usize);
                mask &= mask - 1;
            }
            at += INITIAL_LANES;
        }
    }

    /// Bit `n` set where the initial at `at + n` is `initial` (the next [`INITIAL_LANES`],
    /// within the text).
    #[inline]
    fn equal(self, at: usize, initial: u8) -> u32 {
        let mask = match self
            .bytes
            .get(at..at + INITIAL_LANES)
            .and_then(|chunk| <[u8; INITIAL_LANES]>::try_from(chunk).ok())
        {
            Some(chunk) => u8x16::new(chunk)
                .simd_eq(u8x16::splat(initial))
                .to_bitmask(),
            // Not padded (a text of its own): the initials that are there, one by one.
            None => self.bytes[at.min(self.len)..self.len.min(at + INITIAL_LANES)]
                .iter()
                .enumerate()
                .fold(0u32, |mask, (lane, &byte)| {
                    mask | (u32::from(byte == initial) << lane)
                }),
        };
        let left = self.len.saturating_sub(at);
        if left >= INITIAL_LANES {
            mask
        } else {
            mask & ((1u32 << left) - 1)
        }
    }
}

/// The class of a character: a syllable or consonant letter by its initial (1..=19), any
/// other character by a hash (20..=63). A match needs every unit's class in the document,
/// so a document's 64-bit class set rules most non-matches out with one AND.
pub(crate) fn class_of(ch: char) -> u8 {
    let initial = match crate::hangul::split_syllable(ch) {
        Some((initial, _, _)) => Some(initial),
        None => Some(ch)
            .filter(|&c| crate::hangul::is_consonant(c))
            .and_then(crate::hangul::initial_index),
    };
    // Initials number 19 and buckets 44: every class is below 64.
    #[allow(clippy::cast_possible_truncation)]
    match initial {
        Some(index) => index as u8 + 1,
        None => 20 + ((u32::from(ch).wrapping_mul(2_654_435_761) >> 16) % 44) as u8,
    }
}

/// The initial of each code of `alphabet` (see [`Initials`]).
pub(crate) fn initial_table(alphabet: &Alphabet) -> Vec<u8> {
    alphabet
        .chars()
        .iter()
        .map(|&ch| {
            let class = class_of(ch);
            if (1..=19).contains(&class) { class } else { 0 }
        })
        .collect()
}
