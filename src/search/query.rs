//! A query compiled for matching: each reading of it as a list of units, each unit a cheap
//! test on one (or, for a half-typed syllable, two) of a document's characters.

use std::ops::{ControlFlow, Range};

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

    /// Every character the partial syllable can match at: those it covers, and the
    /// syllable before its last key when that key may start the next syllable.
    pub(crate) fn codes(&self) -> Vec<u32> {
        let mut codes: Vec<u32> = (self.first..=self.last)
            .filter(|&code| self.covers(code))
            .collect();
        codes.extend(self.split.map(|(head, _)| head));
        codes
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

/// A syllable and the spellings commonly written for it by mistake (멤 맴, 십 쉽): a
/// misspelling-tolerant reading matches any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AnyOf {
    codes: [u32; ANY_MAX],
    len: u8,
}

const ANY_MAX: usize = 8;

impl AnyOf {
    fn of(spellings: &[char]) -> Self {
        let mut codes = [u32::MAX; ANY_MAX];
        let mut len = 0u8;
        for (slot, &ch) in codes.iter_mut().zip(spellings) {
            *slot = u32::from(ch);
            len += 1;
        }
        Self { codes, len }
    }

    /// Keeps the typed spelling and the others `keep` accepts.
    fn keep(&mut self, keep: impl Fn(char) -> bool) {
        let mut kept = [u32::MAX; ANY_MAX];
        let mut len = 0;
        for (n, &code) in self.codes[..usize::from(self.len)].iter().enumerate() {
            if n == 0 || char::from_u32(code).is_some_and(&keep) {
                kept[len] = code;
                len += 1;
            }
        }
        self.codes = kept;
        self.len = u8::try_from(len).unwrap_or(u8::MAX);
    }

    /// Every spelling it matches.
    pub(crate) fn codes(&self) -> &[u32] {
        &self.codes[..usize::from(self.len)]
    }

    /// The spelling as typed.
    fn typed(self) -> u32 {
        self.codes[0]
    }

    #[inline]
    fn matches(self, ch: u32) -> bool {
        // Unused slots hold u32::MAX, which no stored character equals.
        self.codes.contains(&ch)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A character that must appear as is: a whole syllable before the last, or anything else.
    Char(u32),
    Initial(Initial),
    Partial(Partial),
    /// A syllable or one of its common misspellings.
    Any(AnyOf),
}

impl Unit {
    /// Whether the unit can match anything in content whose syllables are `present` (other
    /// characters are not tracked and taken as present). A reading with a unit that cannot
    /// is skipped: typing a word no guide holds costs no scan.
    pub(crate) fn can_match(&self, present: &SyllableSet) -> bool {
        let syllable =
            |code: u32| char::from_u32(code).is_none_or(|c| !is_syllable(c) || present.contains(c));
        match self {
            Self::Char(code) => syllable(*code),
            Self::Initial(_) => true,
            Self::Any(any) => any.codes[..usize::from(any.len)]
                .iter()
                .any(|&c| syllable(c)),
            Self::Partial(partial) => {
                partial.split.is_some_and(|(head, _)| syllable(head))
                    || (partial.first..=partial.last)
                        .any(|code| partial.covers(code) && syllable(code))
            }
        }
    }

    /// A misspelling unit that matched a spelling other than the one typed at `code`.
    pub(crate) fn misspelt_at(&self, code: u32) -> bool {
        matches!(self, Self::Any(any) if char_of(code) != any.typed())
    }

    /// How many document characters the unit covers at `pos`, if it matches there.
    #[inline]
    pub(crate) fn at(&self, chars: &[u32], pos: usize) -> Option<usize> {
        let ch = char_of(*chars.get(pos)?);
        match self {
            Self::Char(want) => (ch == *want).then_some(1),
            Self::Initial(initial) => initial.matches(ch).then_some(1),
            Self::Any(any) => any.matches(ch).then_some(1),
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
            Self::Any(any) => {
                scan(
                    rest,
                    |code| any.matches(char_of(code)),
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
            Self::Any(any) => any.typed(),
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
            Self::Any(any) => char::from_u32(any.typed()),
            Self::Initial(_) => None,
        };
        syllable
            .and_then(initial_of)
            .and_then(Initial::of)
            .map_or(*self, Unit::Initial)
    }

    fn class(&self) -> u8 {
        // A misspelling keeps the initial, so every spelling has the typed one's class.
        let ch = match self {
            Self::Char(ch) => *ch,
            Self::Initial(initial) => initial.letter,
            Self::Partial(partial) => partial.syllable,
            Self::Any(any) => any.typed(),
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

/// How a reading of the query differs from the query as typed; none is a plain match.
/// A hit carries its reading's, so the list can say why it matched.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct MatchHow(u8);

impl MatchHow {
    pub const PLAIN: Self = Self(0);
    /// Lone consonants stood for syllables (ㄱㅇㄱㅈ).
    pub const INITIALS: Self = Self(1);
    /// Latin letters read as 2-set keystrokes (rkdlq), Caps Lock and Shift included.
    pub const KEYBOARD: Self = Self(1 << 1);
    /// A common misspelling (멤버쉽, 맴버십) or a syllable slip.
    pub const MISSPELLING: Self = Self(1 << 2);
    /// An everyday word read as the guide's word (환불 → 환급).
    pub const SYNONYM: Self = Self(1 << 3);
    /// The query's words were found in another order.
    pub const WORD_ORDER: Self = Self(1 << 4);

    const ALL: [(Self, &'static str, &'static str); 5] = [
        (Self::KEYBOARD, "영타", "keyboard"),
        (Self::INITIALS, "초성", "initials"),
        (Self::SYNONYM, "유의어", "synonym"),
        (Self::MISSPELLING, "오타", "misspelling"),
        (Self::WORD_ORDER, "어순", "word_order"),
    ];

    pub fn is_plain(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    #[must_use]
    pub fn without(self, other: Self) -> Self {
        Self(self.0 & !other.0)
    }

    #[must_use]
    pub fn with(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    /// Korean labels, as the hit list shows them ("영타·초성").
    pub fn labels(self) -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|(how, _, _)| self.contains(*how))
            .map(|(_, label, _)| *label)
            .collect()
    }

    /// English names, as `search --json` gives them.
    pub fn names(self) -> Vec<&'static str> {
        Self::ALL
            .iter()
            .filter(|(how, _, _)| self.contains(*how))
            .map(|(_, _, name)| *name)
            .collect()
    }
}

/// What the agent reads on the search line about one reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shown {
    /// The query as typed, with lone consonants or not.
    Typed,
    /// Latin letters as 2-set keystrokes, as typed or with Caps Lock on.
    Keyboard {
        caps_lock: bool,
    },
    Misspelling,
    Synonym,
    WordOrder,
}

/// One reading of the query (as typed, as 2-set keystrokes, with everyday words replaced…).
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
    /// How this reading differs from the query as typed.
    pub how: MatchHow,
    pub shown: Shown,
    /// The reading with its spaces, as the search line shows it.
    pub text: String,
    /// The documents it applies to (a guide's own synonyms apply to that guide); all if none.
    pub scope: Option<Range<usize>>,
    /// For a reading that takes the words in any order: each word's units.
    pub words: Vec<Range<usize>>,
    /// Bit `k` set: unit `k` starts a typed word (after a space). Zero when the query has no
    /// space, which leaves spacing out of the score.
    pub word_starts: u64,
}

/// The readings of a query, when a reading's units are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Spelling {
    /// As typed; the last syllable may be half-typed.
    Exact,
    /// Every syllable with its common misspellings.
    Loose,
}

impl Variant {
    fn new(spaced: &[char], spelling: Spelling, penalty: i64, how: MatchHow, shown: Shown) -> Self {
        let folded: Vec<char> = spaced
            .iter()
            .copied()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut units = Vec::with_capacity(folded.len());
        for (n, &ch) in folded.iter().enumerate() {
            let last = n + 1 == folded.len();
            let unit = match (Initial::of(ch), spelling) {
                (Some(initial), _) => Unit::Initial(initial),
                (None, Spelling::Loose) => {
                    let spellings = hangul::spelling_alternatives(ch);
                    if spellings.len() > 1 {
                        Unit::Any(AnyOf::of(&spellings))
                    } else {
                        Unit::Char(u32::from(ch))
                    }
                }
                (None, Spelling::Exact) => match last.then(|| Partial::of(ch)).flatten() {
                    Some(partial) => Unit::Partial(partial),
                    None => Unit::Char(u32::from(ch)),
                },
            };
            units.push(unit);
        }
        // A half-typed last syllable is not settled; nor is a misspelling reading's last
        // unit, whose spellings change with the next keystroke (쉬 → 쉽): its other units
        // are what the next keystroke builds on.
        let unsettled_last =
            matches!(units.last(), Some(Unit::Partial(_))) || spelling == Spelling::Loose;
        let stable = units.len() - usize::from(unsettled_last && !units.is_empty());
        let set = |units: &[Unit]| units.iter().fold(0u64, |set, u| set | (1u64 << u.class()));
        let initials = units
            .iter()
            .filter(|u| matches!(u, Unit::Initial(_)))
            .count();
        let how = if initials > 0 {
            how.with(MatchHow::INITIALS)
        } else {
            how
        };
        let mut word_starts = 0u64;
        let mut unit = 0usize;
        let mut after_space = false;
        for &ch in spaced {
            if ch.is_whitespace() {
                after_space = unit > 0;
                continue;
            }
            if after_space && unit < 64 {
                word_starts |= 1 << unit;
            }
            after_space = false;
            unit += 1;
        }
        Self {
            stable_classes: set(&units[..stable]),
            classes: set(&units),
            stable,
            penalty,
            initials: i64::try_from(initials).unwrap_or(i64::MAX),
            plain: folded.iter().collect(),
            how,
            shown,
            text: spaced.iter().collect::<String>().trim().to_owned(),
            scope: None,
            words: Vec::new(),
            word_starts,
            units,
        }
    }

    /// The same reading, with its words matched in any order.
    fn any_order(&self) -> Option<Self> {
        let mut words = Vec::new();
        let mut start = 0;
        for k in 1..=self.units.len() {
            if k == self.units.len() || (k < 64 && self.word_starts & (1 << k) != 0) {
                words.push(start..k);
                start = k;
            }
        }
        let last_start = words.last().map_or(0, |w| w.start);
        (words.len() >= 2).then(|| Self {
            // What the words before the last need (see `settled`).
            stable_classes: self.units[..last_start]
                .iter()
                .fold(0u64, |set, u| set | (1u64 << u.class())),
            words,
            shown: Shown::WordOrder,
            ..self.clone()
        })
    }

    /// A reading that takes its words in any order.
    pub fn is_any_order(&self) -> bool {
        !self.words.is_empty()
    }

    /// A reading looked for only when the query as typed finds less than a page in one
    /// piece: its matches all rank below those (misspellings, everyday words, word order).
    pub fn is_fallback(&self) -> bool {
        self.is_any_order()
            || self.how.contains(MatchHow::MISSPELLING)
            || self.how.contains(MatchHow::SYNONYM)
    }

    /// Units whose matches a later keystroke may build on: all but a half-typed last
    /// syllable; for an any-order reading, the words before the last (each found in one piece
    /// somewhere, which only narrows as words are added or lengthened).
    pub fn settled(&self) -> &[Unit] {
        match self.words.last() {
            Some(last) => &self.units[..last.start],
            None => &self.units[..self.stable],
        }
    }

    pub fn last_partial(&self) -> Option<&Unit> {
        self.units.get(self.stable)
    }

    /// How the search line describes this reading of `typed`, if it is not the plain one.
    fn describe(&self, typed: &str) -> Option<String> {
        match self.shown {
            Shown::Typed if self.how.contains(MatchHow::INITIALS) => Some(format!("{typed}: 초성")),
            Shown::Typed => None,
            Shown::Keyboard { caps_lock: false } => Some(format!("{typed} → {}", self.text)),
            Shown::Keyboard { caps_lock: true } => {
                Some(format!("{typed} → {} (Caps Lock)", self.text))
            }
            Shown::Misspelling => Some(format!("{}: 비슷한 철자 (오타)", self.text)),
            Shown::Synonym => Some(format!("{} (유의어)", self.text)),
            Shown::WordOrder => Some(format!("{}: 낱말 순서 무관", self.text)),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub(crate) struct PreparedQuery {
    pub variants: Vec<Variant>,
    /// The query as typed (NFC, control characters dropped), for the search line.
    pub typed: String,
}

impl PreparedQuery {
    pub fn is_empty(&self) -> bool {
        self.variants.is_empty()
    }

    /// How each reading with a hit among `found` (a bit per reading) read the query.
    pub fn describe(&self, found: u64) -> Vec<String> {
        let typed = self.typed.trim();
        let mut lines: Vec<String> = Vec::new();
        for (v, variant) in self.variants.iter().enumerate() {
            if v < 64 && found & (1 << v) == 0 {
                continue;
            }
            if let Some(line) = variant.describe(typed)
                && !lines.contains(&line)
            {
                lines.push(line);
            }
        }
        lines
    }
}

/// A set of Hangul syllables, one bit each.
#[derive(Debug, Clone)]
pub(crate) struct SyllableSet(Box<[u64; SYLLABLE_WORDS]>);

const SYLLABLE_WORDS: usize = 11_172usize.div_ceil(64);

impl Default for SyllableSet {
    fn default() -> Self {
        Self(Box::new([0; SYLLABLE_WORDS]))
    }
}

impl SyllableSet {
    /// Every syllable (for tests of queries read without an index).
    #[cfg(test)]
    pub(crate) fn full() -> Self {
        Self(Box::new([u64::MAX; SYLLABLE_WORDS]))
    }

    #[inline]
    pub(crate) fn insert(&mut self, code: u32) {
        let offset = code.wrapping_sub(0xAC00) as usize;
        if offset < 11_172 {
            self.0[offset / 64] |= 1 << (offset % 64);
        }
    }

    /// The bits, for storing.
    pub(crate) fn words(&self) -> &[u64] {
        &self.0[..]
    }

    pub(crate) fn words_mut(&mut self) -> &mut [u64] {
        &mut self.0[..]
    }

    pub(crate) fn extend(&mut self, other: &Self) {
        for (word, more) in self.0.iter_mut().zip(other.0.iter()) {
            *word |= more;
        }
    }

    pub(crate) fn contains(&self, ch: char) -> bool {
        let offset = u32::from(ch).wrapping_sub(0xAC00) as usize;
        offset < 11_172 && self.0[offset / 64] & (1 << (offset % 64)) != 0
    }
}

/// What a match through a misspelling, a slip or an everyday word costs: more than a tier
/// and a position add, so it ranks below every direct match of its kind.
pub(crate) const DERIVED: i64 = 4_500;

/// Reads the query: NFC, control characters dropped, case and spaces folded; when it has
/// Latin letters, as 2-set keystrokes too (with Caps Lock on, too); and from its best
/// Korean reading: with common misspellings, with everyday words read as the guides' words
/// (`synonyms`), and with its words in any order.
pub(crate) fn prepare_query(
    query: &str,
    synonyms: &Synonyms,
    present: &SyllableSet,
) -> PreparedQuery {
    let clean: String = query.nfc().filter(|c| !c.is_control()).collect();
    let spaced = |text: &str| -> Vec<char> {
        let mut kept = 0;
        text.chars()
            .map(fold)
            .take_while(|c| {
                if !c.is_whitespace() {
                    kept += 1;
                }
                kept <= MAX_QUERY_CHARS
            })
            .collect()
    };
    let typed = spaced(&clean);
    if typed.iter().all(|c| c.is_whitespace()) {
        return PreparedQuery::default();
    }
    let plain = Variant::new(&typed, Spelling::Exact, 0, MatchHow::PLAIN, Shown::Typed);
    let mut variants = vec![plain];
    let mut primary = 0;
    if typed.iter().any(char::is_ascii_alphabetic) {
        let no_hangul = !typed
            .iter()
            .any(|&c| hangul::is_syllable(c) || c > '\u{3130}');
        let letters: Vec<char> = clean.chars().filter(char::is_ascii_alphabetic).collect();
        let all_upper = letters.len() > 1 && letters.iter().all(char::is_ascii_uppercase);
        let readings = [
            (hangul::latin_to_hangul(&clean), false, KEYBOARD_PENALTY),
            (hangul::caps_lock_to_hangul(&clean), true, CAPS_LOCK_PENALTY),
        ];
        let has_upper = letters.iter().any(char::is_ascii_uppercase);
        for (reading, caps_lock, penalty) in readings {
            if caps_lock && !has_upper {
                // All lower case: Caps Lock was off (or every letter was shifted, which
                // reads as nothing a guide writes).
                continue;
            }
            let converted = spaced(&reading);
            let same = |v: &Variant| {
                v.plain
                    .chars()
                    .eq(converted.iter().copied().filter(|c| !c.is_whitespace()))
            };
            if converted.iter().all(|c| c.is_whitespace()) || variants.iter().any(same) {
                continue;
            }
            variants.push(Variant::new(
                &converted,
                Spelling::Exact,
                penalty,
                MatchHow::KEYBOARD,
                Shown::Keyboard { caps_lock },
            ));
            // Korean typed in English mode: the Korean reading is the one to build on; with
            // Caps Lock (every letter upper case), the Caps Lock reading.
            if no_hangul && (caps_lock == all_upper || primary == 0) {
                primary = variants.len() - 1;
            }
        }
    }
    let base = variants[primary].clone();
    let base_text: Vec<char> = base.text.chars().collect();
    let misspelt = misspelling_reading(&base_text, present);
    let misspellings = misspelt.is_some();
    variants.extend(misspelt.map(|mut variant| {
        variant.penalty += base.penalty + DERIVED;
        variant.how = variant.how.with(base.how).with(MatchHow::MISSPELLING);
        variant
    }));
    for (scope, table) in synonyms.tables() {
        let Some(replaced) = table.apply(&base_text) else {
            continue;
        };
        // With a misspelling in the query, the everyday word's reading allows it too
        // (멤버쉽 해지 finds 멤버십 종료).
        let loose = if misspellings {
            misspelling_reading(&replaced, present)
        } else {
            None
        };
        let mut variant = match loose {
            Some(mut variant) => {
                variant.how = variant.how.with(MatchHow::MISSPELLING);
                variant
            }
            None => Variant::new(
                &replaced,
                Spelling::Exact,
                0,
                MatchHow::PLAIN,
                Shown::Synonym,
            ),
        };
        variant.penalty += base.penalty + DERIVED + SYNONYM_EXTRA;
        variant.how = variant.how.with(base.how).with(MatchHow::SYNONYM);
        variant.shown = Shown::Synonym;
        variant.scope = scope;
        variants.push(variant);
    }
    if let Some(variant) = base.any_order() {
        variants.push(variant);
    }
    PreparedQuery {
        variants,
        typed: clean,
    }
}

/// `base_text` read with each syllable's common misspellings that occur in the content (one
/// nobody wrote would find nothing new); `None` when no syllable has one. The caller sets
/// its penalty and how it matched.
fn misspelling_reading(base_text: &[char], present: &SyllableSet) -> Option<Variant> {
    let written = |c: char| {
        hangul::spelling_alternatives(c)[1..]
            .iter()
            .any(|&a| present.contains(a))
    };
    if !base_text.iter().any(|&c| written(c)) {
        return None;
    }
    let mut variant = Variant::new(
        base_text,
        Spelling::Loose,
        0,
        MatchHow::PLAIN,
        Shown::Misspelling,
    );
    for unit in &mut variant.units {
        if let Unit::Any(any) = unit {
            any.keep(|c| present.contains(c));
            if any.len == 1 {
                *unit = Unit::Char(any.typed());
            }
        }
    }
    Some(variant)
}

/// An everyday word is a step further from what was typed than a misspelling of it.
const SYNONYM_EXTRA: i64 = 100;

/// Penalties of the keyboard readings: guesses, a little below the query as typed.
const KEYBOARD_PENALTY: i64 = 50;
const CAPS_LOCK_PENALTY: i64 = 60;

/// Everyday words for the guides' words, compared as a query is (folded, spaces left out).
#[derive(Debug, Clone, Default)]
pub(crate) struct SynonymTable {
    /// (everyday word, the guide's word), longest everyday word first.
    entries: Vec<(Vec<char>, Vec<char>)>,
}

impl SynonymTable {
    pub(crate) fn new(synonyms: &[crate::content::Synonym]) -> Self {
        let key = |text: &str| -> Vec<char> {
            text.nfc()
                .filter(|c| !c.is_whitespace())
                .map(fold)
                .collect()
        };
        let mut entries: Vec<(Vec<char>, Vec<char>)> = synonyms
            .iter()
            .flat_map(|synonym| {
                let means: Vec<char> = synonym.means.nfc().map(fold).collect();
                synonym
                    .words
                    .iter()
                    .map(move |word| (key(word), means.clone()))
            })
            .filter(|(word, _)| !word.is_empty())
            .collect();
        entries.sort_by_key(|(word, _)| std::cmp::Reverse(word.len()));
        Self { entries }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// (everyday word, the guide's word) pairs as compared, for storing.
    pub(crate) fn entries(&self) -> &[(Vec<char>, Vec<char>)] {
        &self.entries
    }

    /// A table of pairs as [`entries`](Self::entries) gave them.
    pub(crate) fn from_entries(entries: Vec<(Vec<char>, Vec<char>)>) -> Self {
        Self { entries }
    }

    /// The query with every everyday word (spaces inside it ignored) replaced by the guide's
    /// word, left to right, longest first; `None` when it holds none.
    pub(crate) fn apply(&self, spaced: &[char]) -> Option<Vec<char>> {
        if self.entries.is_empty() {
            return None;
        }
        let mut out = Vec::with_capacity(spaced.len());
        let mut at = 0;
        let mut replaced = false;
        while at < spaced.len() {
            let found = self
                .entries
                .iter()
                .find_map(|(word, means)| matches_at(spaced, at, word).map(|end| (end, means)));
            if let Some((end, means)) = found {
                out.extend_from_slice(means);
                at = end;
                replaced = true;
            } else {
                out.push(spaced[at]);
                at += 1;
            }
        }
        replaced.then_some(out)
    }
}

/// Where `word` (no spaces) ends if the query holds it at `at`, spaces in the query skipped.
fn matches_at(spaced: &[char], at: usize, word: &[char]) -> Option<usize> {
    if spaced.get(at).is_none_or(|c| c.is_whitespace()) {
        return None;
    }
    let mut pos = at;
    for &want in word {
        while spaced.get(pos).is_some_and(|c| c.is_whitespace()) {
            pos += 1;
        }
        if *spaced.get(pos)? != want {
            return None;
        }
        pos += 1;
    }
    Some(pos)
}

/// The global synonym table and each guide's own, with the documents it applies to.
#[derive(Debug, Clone, Default)]
pub(crate) struct Synonyms {
    pub global: SynonymTable,
    pub guides: Vec<(Range<usize>, SynonymTable)>,
}

impl Synonyms {
    fn tables(&self) -> impl Iterator<Item = (Option<Range<usize>>, &SynonymTable)> {
        std::iter::once((None, &self.global)).chain(
            self.guides
                .iter()
                .map(|(scope, table)| (Some(scope.clone()), table)),
        )
    }
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
        let none = Synonyms::default();
        let prepared = prepare_query("가입 기", &none, &SyllableSet::full());
        assert_eq!(prepared.variants[0].settled().len(), 2);
        let prepared = prepare_query("ㄱㅇㄱ", &none, &SyllableSet::full());
        assert_eq!(prepared.variants[0].settled().len(), 3);
        assert!(
            prepare_query("rkdlq", &none, &SyllableSet::full())
                .variants
                .iter()
                .any(|v| v.text == "가입" && v.how == MatchHow::KEYBOARD)
        );
    }

    #[test]
    fn readings_of_a_query() {
        let synonyms = Synonyms {
            global: SynonymTable::new(&[crate::content::Synonym {
                words: vec!["안 돼요".into(), "환불".into()],
                means: "실패".into(),
            }]),
            guides: Vec::new(),
        };
        let texts = |query: &str| -> Vec<(String, MatchHow)> {
            prepare_query(query, &synonyms, &SyllableSet::full())
                .variants
                .iter()
                .map(|v| (v.text.clone(), v.how))
                .collect()
        };
        let caps = texts("RKDLQ RLWNS");
        assert!(
            caps.contains(&("가입 기준".into(), MatchHow::KEYBOARD)),
            "{caps:?}"
        );
        let synonym = texts("결제 안돼요");
        assert!(
            synonym
                .iter()
                .any(|(text, how)| text == "결제 실패" && how.contains(MatchHow::SYNONYM)),
            "{synonym:?}"
        );
        let order = prepare_query("무료 한달", &synonyms, &SyllableSet::full());
        let any = order.variants.iter().find(|v| v.is_any_order()).unwrap();
        assert_eq!(any.words, vec![0..2, 2..4]);
        let misspelt = texts("멤버쉽");
        assert!(
            misspelt.contains(&("멤버쉽".into(), MatchHow::MISSPELLING)),
            "{misspelt:?}"
        );
        assert_eq!(
            prepare_query("ㄱㅇㄱㅈ", &synonyms, &SyllableSet::full()).describe(1),
            vec!["ㄱㅇㄱㅈ: 초성".to_owned()]
        );
        assert_eq!(
            prepare_query("rkdlq rlwns", &synonyms, &SyllableSet::full()).describe(0b10),
            vec!["rkdlq rlwns → 가입 기준".to_owned()]
        );
    }
}
