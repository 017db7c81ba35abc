//! A query compiled for matching: each reading of it as a list of units, each unit a cheap
//! test on one (or, for a half-typed syllable, two) of a document's characters.

use std::ops::ControlFlow;

use unicode_normalization::UnicodeNormalization;

use crate::hangul::{
    self, compose, initial_index, initial_of, is_consonant, is_syllable, split_syllable,
};

/// Longest query matched, in characters (a pasted page must not stall the console).
const MAX_QUERY_CHARS: usize = 64;

/// Documents are stored as folded characters with this bit set on the first character of a
/// word (after a space or punctuation), so scoring needs no second array.
pub(crate) const WORD_START: u32 = 1 << 31;
const CHAR_BITS: u32 = 0x1F_FFFF;

/// The character in a stored code.
#[inline]
pub(crate) fn char_of(code: u32) -> u32 {
    code & CHAR_BITS
}

/// Folds case; Hangul and other caseless scripts are returned at once (most content is
/// Korean, and the full Unicode lowercase table is slow).
#[inline]
pub(crate) fn fold(ch: char) -> char {
    if ch.is_ascii() {
        ch.to_ascii_lowercase()
    } else if is_syllable(ch) || ('\u{3131}'..='\u{318E}').contains(&ch) {
        ch
    } else {
        ch.to_lowercase().next().unwrap_or(ch)
    }
}

/// Whether a word starts after this character (a space is handled by the caller).
#[inline]
pub(crate) fn ends_word(ch: char) -> bool {
    if ch.is_ascii() {
        !ch.is_ascii_alphanumeric()
    } else {
        !(is_syllable(ch) || ch.is_alphanumeric())
    }
}

/// The class of a character: a syllable or consonant letter by its initial (1..=19), any
/// other character by a hash (20..=63). A match needs every unit's class in the document,
/// so a document's 64-bit class set rules most non-matches out with one AND.
pub(crate) fn class_of(ch: char) -> u8 {
    let initial = match split_syllable(ch) {
        Some((initial, _, _)) => Some(initial),
        None => Some(ch)
            .filter(|&c| is_consonant(c))
            .and_then(initial_index),
    };
    // Initials number 19 and buckets 44: every class is below 64.
    #[allow(clippy::cast_possible_truncation)]
    match initial {
        Some(index) => index as u8 + 1,
        None => 20 + ((u32::from(ch).wrapping_mul(2_654_435_761) >> 16) % 44) as u8,
    }
}

/// A lone consonant as a query character: the letter itself or any syllable it starts, which
/// in Unicode is one run of 588 code points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Initial {
    letter: u32,
    first: u32,
    last: u32,
}

impl Initial {
    fn of(consonant: char) -> Option<Self> {
        let index = initial_index(consonant)?;
        Some(Self {
            letter: u32::from(consonant),
            first: u32::from(compose(index, 0, 0)?),
            last: u32::from(compose(index, 20, 27)?),
        })
    }

    #[inline]
    fn matches(self, ch: u32) -> bool {
        ch == self.letter || ch.wrapping_sub(self.first) <= self.last - self.first
    }
}

/// The last syllable of a query, perhaps still being typed: a document character matches
/// when its keystrokes start with the typed ones (고 → 과, 멤 → 멤, 갑 → 값). When the syllable
/// ends in a final consonant, that consonant may instead start the next syllable (깆 → 기준).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Partial {
    syllable: u32,
    /// The code points that can match at all, checked before the masks.
    first: u32,
    last: u32,
    initial: usize,
    medials: u32,
    finals: u32,
    /// The syllable without its last final key, and the syllable or letter that key starts.
    split: Option<(u32, Initial)>,
}

impl Partial {
    fn of(syllable: char) -> Option<Self> {
        let (initial, medial, final_index) = split_syllable(syllable)?;
        let typed = hangul::jamo_string(&syllable.to_string());
        let keys_of = |m: usize, f: usize| {
            compose(initial, m, f).map(|c| hangul::jamo_string(&c.to_string()))
        };
        let mut medials = 0u32;
        let mut finals = 0u32;
        if final_index == 0 {
            for m in 0..21 {
                if keys_of(m, 0).is_some_and(|keys| keys.starts_with(&typed)) {
                    medials |= 1 << m;
                }
            }
            finals = (1 << 28) - 1;
        } else {
            medials = 1 << medial;
            for f in 0..28 {
                if keys_of(medial, f).is_some_and(|keys| keys.starts_with(&typed)) {
                    finals |= 1 << f;
                }
            }
        }
        let low = |mask: u32| mask.trailing_zeros() as usize;
        let high = |mask: u32| 31 - mask.leading_zeros() as usize;
        let first = u32::from(compose(initial, low(medials), low(finals))?);
        let last = u32::from(compose(initial, high(medials), high(finals))?);
        let split = if final_index == 0 {
            None
        } else {
            let (head_keys, last_key) = typed.split_at(typed.len() - 1);
            (0..28)
                .find(|&f| keys_of(medial, f).is_some_and(|keys| keys == head_keys))
                .and_then(|f| compose(initial, medial, f))
                .zip(Initial::of(last_key[0]))
                .map(|(head, next)| (u32::from(head), next))
        };
        Some(Self {
            syllable: u32::from(syllable),
            first,
            last,
            initial,
            medials,
            finals,
            split,
        })
    }

    #[inline]
    fn covers(&self, ch: u32) -> bool {
        if ch.wrapping_sub(self.first) > self.last - self.first {
            return false;
        }
        let Some((initial, medial, final_index)) = char::from_u32(ch).and_then(split_syllable)
        else {
            return false;
        };
        initial == self.initial
            && self.medials & (1 << medial) != 0
            && self.finals & (1 << final_index) != 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A character that must appear as is: a whole syllable before the last, or anything else.
    Char(u32),
    Initial(Initial),
    Partial(Partial),
}

impl Unit {
    /// How many document characters the unit covers at `pos`, if it matches there.
    #[inline]
    pub(crate) fn at(&self, chars: &[u32], pos: usize) -> Option<usize> {
        let ch = char_of(*chars.get(pos)?);
        match self {
            Self::Char(want) => (ch == *want).then_some(1),
            Self::Initial(initial) => initial.matches(ch).then_some(1),
            Self::Partial(partial) => {
                if partial.covers(ch) {
                    return Some(1);
                }
                let (head, next) = partial.split?;
                let after = char_of(*chars.get(pos + 1)?);
                (ch == head && next.matches(after)).then_some(2)
            }
        }
    }

    /// The first position at or after `from` where the unit matches, and its width.
    #[inline]
    pub(crate) fn find(&self, chars: &[u32], from: usize) -> Option<(usize, usize)> {
        let mut found = None;
        self.each_match(chars, from, |at, width| {
            found = Some((at, width));
            ControlFlow::Break(())
        });
        found
    }

    /// Calls `visit` with every position at or after `from` where the unit matches, and its
    /// width, until `visit` breaks.
    #[inline]
    pub(crate) fn each_match(
        &self,
        chars: &[u32],
        from: usize,
        mut visit: impl FnMut(usize, usize) -> ControlFlow<()>,
    ) {
        let rest = chars.get(from..).unwrap_or_default();
        match self {
            Self::Char(want) => {
                scan(rest, |code| char_of(code) == *want, |p| visit(from + p, 1));
            }
            Self::Initial(initial) => {
                scan(
                    rest,
                    |code| initial.matches(char_of(code)),
                    |p| visit(from + p, 1),
                );
            }
            Self::Partial(partial) => {
                let head = partial.split.map_or(u32::MAX, |(head, _)| head);
                let (first, span) = (partial.first, partial.last - partial.first);
                scan(
                    rest,
                    |code| char_of(code).wrapping_sub(first) <= span || char_of(code) == head,
                    |p| match self.at(chars, from + p) {
                        Some(width) => visit(from + p, width),
                        None => ControlFlow::Continue(()),
                    },
                );
            }
        }
    }

    /// Whether the unit matches at `pos` only loosely: a syllable with the same initial
    /// (맴 for 멤), the typo a fast typist makes most.
    #[inline]
    pub(crate) fn loosely_at(&self, chars: &[u32], pos: usize) -> bool {
        let wanted = match self {
            Self::Char(want) => *want,
            Self::Partial(partial) => partial.syllable,
            Self::Initial(_) => return false,
        };
        let ch = chars.get(pos).map(|&code| char_of(code));
        match (
            ch.and_then(char::from_u32),
            char::from_u32(wanted).filter(|&c| is_syllable(c)),
        ) {
            (Some(have), Some(want)) => is_syllable(have) && initial_of(have) == initial_of(want),
            _ => false,
        }
    }

    /// A unit that matches wherever this one matches strictly or loosely (a syllable's
    /// initial stands for it), for finding where a loose match may start.
    pub(crate) fn loose(&self) -> Unit {
        let syllable = match self {
            Self::Char(ch) => char::from_u32(*ch).filter(|&c| is_syllable(c)),
            Self::Partial(partial) => char::from_u32(partial.syllable),
            Self::Initial(_) => None,
        };
        syllable
            .and_then(initial_of)
            .and_then(Initial::of)
            .map_or(*self, Unit::Initial)
    }

    fn class(&self) -> u8 {
        let ch = match self {
            Self::Char(ch) => *ch,
            Self::Initial(initial) => initial.letter,
            Self::Partial(partial) => partial.syllable,
        };
        char::from_u32(ch).map_or(0, class_of)
    }
}

/// Calls `visit` with each index whose code passes `test`, in order, until it breaks. Codes
/// are tested a chunk at a time into a bit mask, which the compiler turns into vector
/// instructions: scanning is most of the work of a keystroke.
#[inline]
fn scan(
    codes: &[u32],
    test: impl Fn(u32) -> bool,
    mut visit: impl FnMut(usize) -> ControlFlow<()>,
) {
    const LANES: usize = 32;
    let mut chunks = codes.chunks_exact(LANES);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut mask = chunk.iter().enumerate().fold(0u32, |mask, (lane, &code)| {
            mask | (u32::from(test(code)) << lane)
        });
        while mask != 0 {
            if visit(offset + mask.trailing_zeros() as usize).is_break() {
                return;
            }
            mask &= mask - 1;
        }
        offset += LANES;
    }
    // The tail (all of most questions) the same way, so short texts take no branch per code.
    let mut mask = chunks
        .remainder()
        .iter()
        .enumerate()
        .fold(0u32, |mask, (lane, &code)| {
            mask | (u32::from(test(code)) << lane)
        });
    while mask != 0 {
        if visit(offset + mask.trailing_zeros() as usize).is_break() {
            return;
        }
        mask &= mask - 1;
    }
}

/// One reading of the query (as typed, or as 2-set keystrokes).
#[derive(Debug, Clone)]
pub(crate) struct Variant {
    pub units: Vec<Unit>,
    /// How many leading units are settled: all but a last half-typed syllable. They only ever
    /// grow as the agent types, so what they matched is kept for the next keystroke.
    pub stable: usize,
    /// Classes every match needs, for the settled units and for all units.
    pub stable_classes: u64,
    pub classes: u64,
    /// Subtracted from scores of this reading (the wrong-mode reading is a guess).
    pub penalty: i64,
    /// Lone consonants in the query (a little less certain than syllables).
    pub initials: i64,
    /// The folded query, for fuzzy-matcher's scoring of scattered matches.
    pub plain: String,
}

impl Variant {
    fn new(folded: &[char], penalty: i64) -> Self {
        let mut units = Vec::with_capacity(folded.len());
        for (n, &ch) in folded.iter().enumerate() {
            let last = n + 1 == folded.len();
            let unit = match (Initial::of(ch), last.then(|| Partial::of(ch)).flatten()) {
                (Some(initial), _) => Unit::Initial(initial),
                (None, Some(partial)) => Unit::Partial(partial),
                (None, None) => Unit::Char(u32::from(ch)),
            };
            units.push(unit);
        }
        let stable = units.len() - usize::from(matches!(units.last(), Some(Unit::Partial(_))));
        let set = |units: &[Unit]| units.iter().fold(0u64, |set, u| set | (1u64 << u.class()));
        let initials = units
            .iter()
            .filter(|u| matches!(u, Unit::Initial(_)))
            .count();
        Self {
            stable_classes: set(&units[..stable]),
            classes: set(&units),
            stable,
            penalty,
            initials: i64::try_from(initials).unwrap_or(i64::MAX),
            plain: folded.iter().collect(),
            units,
        }
    }

    pub fn settled(&self) -> &[Unit] {
        &self.units[..self.stable]
    }

    pub fn last_partial(&self) -> Option<&Unit> {
        self.units.get(self.stable)
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct PreparedQuery {
    pub variants: Vec<Variant>,
}

impl PreparedQuery {
    pub fn is_empty(&self) -> bool {
        self.variants.is_empty()
    }
}

/// Reads the query: NFC, control characters dropped, case and spaces folded; and, when it
/// has Latin letters, a second reading as 2-set keystrokes.
pub(crate) fn prepare_query(query: &str) -> PreparedQuery {
    let clean: String = query.nfc().filter(|c| !c.is_control()).collect();
    let folded: Vec<char> = clean
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(fold)
        .take(MAX_QUERY_CHARS)
        .collect();
    if folded.is_empty() {
        return PreparedQuery::default();
    }
    let mut variants = vec![Variant::new(&folded, 0)];
    if folded.iter().any(char::is_ascii_alphabetic) {
        let converted: Vec<char> = hangul::latin_to_hangul(&clean)
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(fold)
            .take(MAX_QUERY_CHARS)
            .collect();
        if converted != folded && !converted.is_empty() {
            variants.push(Variant::new(&converted, 50));
        }
    }
    PreparedQuery { variants }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(text: &str) -> Vec<u32> {
        text.chars().map(u32::from).collect()
    }

    fn partial(ch: char) -> Unit {
        Unit::Partial(Partial::of(ch).unwrap())
    }

    #[test]
    fn half_typed_syllable_matches_by_keystrokes() {
        let doc = codes("과일 값 기준");
        assert_eq!(partial('고').at(&doc, 0), Some(1), "고 is on the way to 과");
        assert_eq!(partial('구').at(&doc, 0), None);
        assert_eq!(partial('갑').at(&doc, 3), Some(1), "값 is typed through 갑");
        assert_eq!(
            partial('깆').at(&doc, 5),
            Some(2),
            "깆 is 기 + the ㅈ of 준"
        );
        assert_eq!(partial('가').find(&doc, 0), Some((3, 1)));
    }

    #[test]
    fn lone_consonant_matches_its_syllables_and_itself() {
        let doc = codes("ㄱ가힣");
        let unit = Unit::Initial(Initial::of('ㄱ').unwrap());
        assert_eq!(unit.at(&doc, 0), Some(1));
        assert_eq!(unit.at(&doc, 1), Some(1));
        assert_eq!(unit.at(&doc, 2), None);
    }

    #[test]
    fn settled_units_exclude_a_last_syllable() {
        let prepared = prepare_query("가입 기");
        assert_eq!(prepared.variants[0].settled().len(), 2);
        let prepared = prepare_query("ㄱㅇㄱ");
        assert_eq!(prepared.variants[0].settled().len(), 3);
        assert_eq!(prepare_query("rkdlq").variants.len(), 2);
    }
}
