//! A query compiled for matching: each reading of it as a list of units, each unit a cheap
//! test on one (or, for a half-typed syllable, two) of a document's stored codes.

use std::ops::{ControlFlow, Range};

use unicode_normalization::UnicodeNormalization;

use super::codes::{ABSENT, Alphabet, Probe, Test, Text, class_of, code_of};
use crate::hangul::{self, compose, initial_index, initial_of, is_syllable, split_syllable};

/// Longest query matched, in characters (a pasted page must not stall the console).
const MAX_QUERY_CHARS: usize = 64;

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

/// A run of codes: `first` and the `span` codes after it. An empty run starts at
/// [`ABSENT`], which no stored code reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Codes {
    first: u16,
    span: u16,
}

impl Codes {
    const EMPTY: Self = Self {
        first: ABSENT,
        span: 0,
    };

    /// The codes of the characters from `first` to `last` (code points) the content holds.
    fn of(alphabet: &Alphabet, first: char, last: char) -> Self {
        alphabet
            .range(first, last)
            .map_or(Self::EMPTY, |(first, span)| Self { first, span })
    }

    #[inline]
    fn contains(self, code: u16) -> bool {
        // A stored code is at most 0x7FFF: past ABSENT it wraps to at least 1, above a
        // span of 0.
        code.wrapping_sub(self.first) <= self.span
    }

    fn iter(self) -> impl Iterator<Item = u16> {
        let count = if self.first == ABSENT {
            0
        } else {
            usize::from(self.span) + 1
        };
        (0..count).filter_map(move |n| u16::try_from(usize::from(self.first) + n).ok())
    }
}

impl Codes {
    /// The test of this run, and of `one` and `two` besides.
    fn test(self, one: u16, two: u16) -> Test {
        Test {
            first: self.first,
            span: self.span,
            one,
            two,
        }
    }
}

/// A lone consonant as a query character: the letter itself or any syllable it starts, which
/// in Unicode (and so in codes) is one run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Initial {
    letter: char,
    /// The letter's code.
    code: u16,
    syllables: Codes,
}

impl Initial {
    fn of(consonant: char, alphabet: &Alphabet) -> Option<Self> {
        let index = initial_index(consonant)?;
        Some(Self {
            letter: consonant,
            code: alphabet.code(consonant),
            syllables: Codes::of(alphabet, compose(index, 0, 0)?, compose(index, 20, 27)?),
        })
    }

    #[inline]
    fn matches(self, code: u16) -> bool {
        code == self.code || self.syllables.contains(code)
    }

    /// The initial's number (ㄱ = 0 … ㅎ = 18).
    pub(crate) fn index(self) -> usize {
        initial_index(self.letter).unwrap_or(usize::MAX)
    }
}

/// The last syllable of a query, perhaps still being typed: a document character matches
/// when its keystrokes start with the typed ones (고 → 과, 멤 → 멤, 갑 → 값). When the syllable
/// ends in a final consonant, that consonant may instead start the next syllable (깆 → 기준).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Partial {
    syllable: char,
    /// The codes that can match at all, checked before `covered`.
    range: Codes,
    /// Bit `n`: code `range.first + n` is a syllable on the way (its initial, medial and
    /// final fit what was typed). A run lies inside one initial's 588 syllables.
    covered: [u64; COVERED_WORDS],
    /// The syllable without its last final key, and the letter or syllable that key starts.
    split: Option<(u16, Initial)>,
}

const COVERED_WORDS: usize = 588usize.div_ceil(64);

impl Partial {
    fn of(syllable: char, alphabet: &Alphabet) -> Option<Self> {
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
        let first = compose(initial, low(medials), low(finals))?;
        let last = compose(initial, high(medials), high(finals))?;
        let range = Codes::of(alphabet, first, last);
        let mut covered = [0u64; COVERED_WORDS];
        for (n, code) in range.iter().enumerate() {
            let fits = alphabet
                .char(code)
                .and_then(split_syllable)
                .is_some_and(|(i, m, f)| {
                    i == initial && medials & (1 << m) != 0 && finals & (1 << f) != 0
                });
            if fits && let Some(word) = covered.get_mut(n / 64) {
                *word |= 1 << (n % 64);
            }
        }
        let split = if final_index == 0 {
            None
        } else {
            let (head_keys, last_key) = typed.split_at(typed.len() - 1);
            (0..28)
                .find(|&f| keys_of(medial, f).is_some_and(|keys| keys == head_keys))
                .and_then(|f| compose(initial, medial, f))
                .zip(Initial::of(last_key[0], alphabet))
                .map(|(head, next)| (alphabet.code(head), next))
        };
        Some(Self {
            syllable,
            range,
            covered,
            split,
        })
    }

    /// Every code the partial syllable can match at: those it covers, and the syllable
    /// before its last key when that key may start the next syllable.
    pub(crate) fn codes(&self) -> Vec<u16> {
        let mut codes = self.covered_codes();
        codes.extend(Some(self.head()).filter(|&head| head != ABSENT));
        codes
    }

    /// The codes of the syllables on the way (each a match on its own).
    pub(crate) fn covered_codes(&self) -> Vec<u16> {
        self.range.iter().filter(|&c| self.covers(c)).collect()
    }

    /// The syllable before its last key, when that key may start the next syllable
    /// ([`ABSENT`] when it may not, or the content never holds it).
    pub(crate) fn head(&self) -> u16 {
        self.split.map_or(ABSENT, |(head, _)| head)
    }

    /// Whether every code of its run is a syllable on the way (so the run is the test).
    fn covers_whole_range(&self) -> bool {
        self.range.iter().all(|code| self.covers(code))
    }

    #[inline]
    fn covers(&self, code: u16) -> bool {
        let n = usize::from(code.wrapping_sub(self.range.first));
        n <= usize::from(self.range.span)
            && self
                .covered
                .get(n / 64)
                .is_some_and(|word| word & (1 << (n % 64)) != 0)
    }
}

/// A syllable and the spellings commonly written for it by mistake (멤 맴, 십 쉽): a
/// misspelling-tolerant reading matches any of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AnyOf {
    /// The spelling as typed.
    typed: char,
    /// Codes of the spellings the content holds, the typed one first ([`ABSENT`] when it
    /// does not); unused slots hold [`ABSENT`].
    codes: [u16; ANY_MAX],
    len: u8,
}

const ANY_MAX: usize = 8;

impl AnyOf {
    /// The spellings of `spellings` (the typed one first) that `alphabet` holds.
    fn of(spellings: &[char], alphabet: &Alphabet) -> Self {
        let mut codes = [ABSENT; ANY_MAX];
        let mut len = 0u8;
        for (n, &ch) in spellings.iter().enumerate() {
            let code = alphabet.code(ch);
            if (n == 0 || code != ABSENT)
                && let Some(slot) = codes.get_mut(usize::from(len))
            {
                *slot = code;
                len += 1;
            }
        }
        Self {
            typed: spellings.first().copied().unwrap_or(' '),
            codes,
            len,
        }
    }

    /// Every spelling it matches.
    pub(crate) fn codes(&self) -> &[u16] {
        &self.codes[..usize::from(self.len)]
    }

    #[inline]
    fn matches(self, code: u16) -> bool {
        // Unused slots hold ABSENT, which no stored code equals.
        self.codes.contains(&code)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    /// A character that must appear as is: a whole syllable before the last, or anything
    /// else ([`ABSENT`] when the content never holds it).
    Char(char, u16),
    Initial(Initial),
    Partial(Partial),
    /// A syllable or one of its common misspellings.
    Any(AnyOf),
}

impl Unit {
    /// Whether the unit can match anything in the content. A reading with a unit that
    /// cannot is skipped: typing a word no guide holds costs no scan.
    pub(crate) fn can_match(&self) -> bool {
        match self {
            Self::Char(_, code) => *code != ABSENT,
            Self::Initial(_) => true,
            Self::Any(any) => any.codes().iter().any(|&code| code != ABSENT),
            Self::Partial(partial) => !partial.codes().is_empty(),
        }
    }

    /// A misspelling unit that matched a spelling other than the one typed at `stored`.
    pub(crate) fn misspelt_at(&self, stored: u16) -> bool {
        matches!(self, Self::Any(any) if code_of(stored) != any.codes[0])
    }

    /// How many document characters the unit covers at `pos`, if it matches there.
    #[inline]
    pub(crate) fn at(&self, text: Text<'_>, pos: usize) -> Option<usize> {
        let code = text.code(pos)?;
        match self {
            Self::Char(_, want) => (code == *want).then_some(1),
            Self::Initial(initial) => initial.matches(code).then_some(1),
            Self::Any(any) => any.matches(code).then_some(1),
            Self::Partial(partial) => {
                if partial.covers(code) {
                    return Some(1);
                }
                let (head, next) = partial.split?;
                let after = text.code(pos + 1)?;
                (code == head && next.matches(after)).then_some(2)
            }
        }
    }

    /// Every code the unit can match at.
    pub(crate) fn codes(&self) -> Vec<u16> {
        match self {
            Self::Partial(partial) => partial.codes(),
            _ => self.exact_codes(),
        }
    }

    /// Whether this unit matches only where `other` matches on its own: every character it
    /// matches at (whole, or as the head of a syllable split over two) is one `other`
    /// matches whole, so a document this unit matches after some point, `other` matches
    /// after it too (a lone consonant only itself: it matches characters the codes could not
    /// number).
    pub(crate) fn matches_only_where(&self, other: &Self) -> bool {
        if matches!(self, Self::Initial(_)) {
            return self == other;
        }
        let others = other.exact_codes();
        self.codes().iter().all(|code| others.contains(code))
    }

    /// The codes at which the unit matches on their own (all but a half-typed syllable's
    /// head, which needs the next syllable to fit).
    pub(crate) fn exact_codes(&self) -> Vec<u16> {
        let mut codes: Vec<u16> = match self {
            Self::Char(_, code) => vec![*code],
            Self::Initial(initial) => std::iter::once(initial.code)
                .chain(initial.syllables.iter())
                .collect(),
            Self::Any(any) => any.codes().to_vec(),
            Self::Partial(partial) => partial.covered_codes(),
        };
        codes.retain(|&code| code != ABSENT);
        codes
    }

    /// The unit's test of one code as a chunk-wide probe, and whether it is exact (else a
    /// code it passes is only a place to look: [`Unit::at`] decides).
    #[inline]
    pub(crate) fn probe(&self) -> (Probe, bool) {
        match self {
            Self::Char(_, code) => (Probe::single(Codes::EMPTY.test(*code, ABSENT)), true),
            Self::Initial(initial) => (
                Probe::single(initial.syllables.test(initial.code, ABSENT)),
                true,
            ),
            Self::Any(any) => (
                Probe::single(Codes::EMPTY.test(any.codes[0], any.codes[1])),
                any.len <= 2,
            ),
            Self::Partial(partial) => {
                let probe = Probe {
                    single: partial.range.test(ABSENT, ABSENT),
                    head: partial.head(),
                    next: partial.split.map_or(Test::NONE, |(_, next)| {
                        next.syllables.test(next.code, ABSENT)
                    }),
                };
                (probe, partial.covers_whole_range())
            }
        }
    }

    /// The first position at or after `from` where the unit matches, and its width.
    #[inline]
    pub(crate) fn find(&self, text: Text<'_>, from: usize) -> Option<(usize, usize)> {
        self.find_probed(self.probe(), text, from)
    }

    /// [`Unit::find`] with the unit's probe made beforehand.
    #[inline]
    pub(crate) fn find_probed(
        &self,
        (probe, exact): (Probe, bool),
        text: Text<'_>,
        from: usize,
    ) -> Option<(usize, usize)> {
        if exact {
            text.first(from, probe)
        } else {
            self.find_inexact(text, from)
        }
    }

    /// [`Unit::find`] of a unit whose probe only says where to look.
    #[inline(never)]
    fn find_inexact(&self, text: Text<'_>, from: usize) -> Option<(usize, usize)> {
        let mut found = None;
        self.each_match(text, from, |at, width| {
            found = Some((at, width));
            ControlFlow::Break(())
        });
        found
    }

    /// Calls `visit` with every position at or after `from` where the unit matches, and its
    /// width, until `visit` breaks.
    pub(crate) fn each_match(
        &self,
        text: Text<'_>,
        from: usize,
        mut visit: impl FnMut(usize, usize) -> ControlFlow<()>,
    ) {
        let (probe, exact) = self.probe();
        match self {
            Self::Any(any) if !exact => {
                text.scan(from, |code| any.matches(code), |p| visit(p, 1));
            }
            _ if exact => text.scan_probe(from, probe, visit),
            _ => text.scan_probe(from, probe, |p, _| match self.at(text, p) {
                Some(width) => visit(p, width),
                None => ControlFlow::Continue(()),
            }),
        }
    }

    /// The syllable the unit stands for, when it is one (a slip keeps its initial).
    fn syllable(&self) -> Option<char> {
        match self {
            Self::Char(ch, _) => Some(*ch),
            Self::Partial(partial) => Some(partial.syllable),
            Self::Any(any) => Some(any.typed),
            Self::Initial(_) => None,
        }
        .filter(|&c| is_syllable(c))
    }

    /// The syllables with this unit's initial, when it stands for a syllable: where it
    /// matches loosely (맴 for 멤), the typo a fast typist makes most.
    pub(crate) fn slips(&self, alphabet: &Alphabet) -> Option<Initial> {
        self.syllable()
            .and_then(initial_of)
            .and_then(|initial| Initial::of(initial, alphabet))
            .map(|initial| Initial {
                // A lone consonant in the text is not a syllable typed with a slip.
                code: ABSENT,
                ..initial
            })
    }

    fn class(&self) -> u8 {
        // A misspelling keeps the initial, so every spelling has the typed one's class.
        let ch = match self {
            Self::Char(ch, _) => *ch,
            Self::Initial(initial) => initial.letter,
            Self::Partial(partial) => partial.syllable,
            Self::Any(any) => any.typed,
        };
        class_of(ch)
    }
}

impl Initial {
    /// Whether the code at `pos` of `text` is one of these syllables (or the letter).
    #[inline]
    pub(crate) fn at(self, text: Text<'_>, pos: usize) -> bool {
        text.code(pos).is_some_and(|code| self.matches(code))
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
    /// Found by the ranked tier: some of the query's words, in their stems, everyday words,
    /// slips or numbers, below every exact hit.
    pub const PARTIAL: Self = Self(1 << 5);

    const ALL: [(Self, &'static str, &'static str); 6] = [
        (Self::PARTIAL, "부분 일치", "partial"),
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
    /// Each unit's probe, and whether it is exact (see [`Unit::probe`]), made once.
    pub probes: Vec<(Probe, bool)>,
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
    fn new(
        spaced: &[char],
        spelling: Spelling,
        penalty: i64,
        how: MatchHow,
        shown: Shown,
        alphabet: &Alphabet,
    ) -> Self {
        let folded: Vec<char> = spaced
            .iter()
            .copied()
            .filter(|c| !c.is_whitespace())
            .collect();
        let mut units = Vec::with_capacity(folded.len());
        for (n, &ch) in folded.iter().enumerate() {
            let last = n + 1 == folded.len();
            let plain = || Unit::Char(ch, alphabet.code(ch));
            let unit = match (Initial::of(ch, alphabet), spelling) {
                (Some(initial), _) => Unit::Initial(initial),
                (None, Spelling::Loose) => {
                    // Only the spellings the content holds (one nobody wrote finds nothing).
                    let any = AnyOf::of(&hangul::spelling_alternatives(ch), alphabet);
                    if any.len > 1 { Unit::Any(any) } else { plain() }
                }
                (None, Spelling::Exact) => {
                    match last.then(|| Partial::of(ch, alphabet)).flatten() {
                        Some(partial) => Unit::Partial(partial),
                        None => plain(),
                    }
                }
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
            probes: units.iter().map(Unit::probe).collect(),
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

    /// Each unit's initial (ㄱ = 1 … ㅎ = 19) when the reading is lone consonants only and
    /// all of them settled: such a reading is matched on the characters' initials.
    pub(crate) fn initials_only(&self) -> Option<Vec<u8>> {
        if self.settled().len() != self.units.len() {
            return None;
        }
        self.units
            .iter()
            .map(|unit| match unit {
                Unit::Initial(initial) => u8::try_from(initial.index() + 1).ok(),
                _ => None,
            })
            .collect()
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
    /// The reading the others build on: as typed, or its 2-set keystrokes read as Korean.
    pub primary: usize,
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
    alphabet: &Alphabet,
) -> PreparedQuery {
    let clean: String = query.nfc().filter(|c| !c.is_control()).collect();
    let typed = spaced(&clean);
    if typed.iter().all(|c| c.is_whitespace()) {
        return PreparedQuery::default();
    }
    let plain = Variant::new(
        &typed,
        Spelling::Exact,
        0,
        MatchHow::PLAIN,
        Shown::Typed,
        alphabet,
    );
    let mut variants = vec![plain];
    let primary = keyboard_readings(&clean, &typed, &mut variants, alphabet);
    let base = variants[primary].clone();
    let base_text: Vec<char> = base.text.chars().collect();
    let misspelt = misspelling_reading(&base_text, alphabet);
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
            misspelling_reading(&replaced, alphabet)
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
                alphabet,
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
        primary,
    }
}

/// The query folded, spaces kept, at most [`MAX_QUERY_CHARS`] characters besides them.
fn spaced(text: &str) -> Vec<char> {
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
}

/// Adds the query's Latin letters read as 2-set keystrokes (and with Caps Lock on) to
/// `variants`; returns which reading the others build on.
fn keyboard_readings(
    clean: &str,
    typed: &[char],
    variants: &mut Vec<Variant>,
    alphabet: &Alphabet,
) -> usize {
    let mut primary = 0;
    if !typed.iter().any(char::is_ascii_alphabetic) {
        return primary;
    }
    let no_hangul = !typed
        .iter()
        .any(|&c| hangul::is_syllable(c) || c > '\u{3130}');
    let letters: Vec<char> = clean.chars().filter(char::is_ascii_alphabetic).collect();
    let all_upper = letters.len() > 1 && letters.iter().all(char::is_ascii_uppercase);
    let readings = [
        (hangul::latin_to_hangul(clean), false, KEYBOARD_PENALTY),
        (hangul::caps_lock_to_hangul(clean), true, CAPS_LOCK_PENALTY),
    ];
    let has_upper = letters.iter().any(char::is_ascii_uppercase);
    for (reading, caps_lock, penalty) in readings {
        if caps_lock && !has_upper {
            // All lower case: Caps Lock was off (or every letter was shifted, which reads
            // as nothing a guide writes).
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
            alphabet,
        ));
        // Korean typed in English mode: the Korean reading is the one to build on; with
        // Caps Lock (every letter upper case), the Caps Lock reading.
        if no_hangul && (caps_lock == all_upper || primary == 0) {
            primary = variants.len() - 1;
        }
    }
    primary
}

/// `base_text` read with each syllable's common misspellings that occur in the content (one
/// nobody wrote would find nothing new); `None` when no syllable has one. The caller sets
/// its penalty and how it matched.
fn misspelling_reading(base_text: &[char], alphabet: &Alphabet) -> Option<Variant> {
    let written = |c: char| {
        hangul::spelling_alternatives(c)[1..]
            .iter()
            .any(|&a| alphabet.contains(a))
    };
    if !base_text.iter().any(|&c| written(c)) {
        return None;
    }
    Some(Variant::new(
        base_text,
        Spelling::Loose,
        0,
        MatchHow::PLAIN,
        Shown::Misspelling,
        alphabet,
    ))
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

    /// Every character of `text` (spaces too) as codes of the full alphabet.
    fn codes(text: &str) -> Vec<u16> {
        let alphabet = Alphabet::full();
        text.chars().map(|c| alphabet.code(c)).collect()
    }

    fn partial(ch: char) -> Unit {
        Unit::Partial(Partial::of(ch, &Alphabet::full()).unwrap())
    }

    #[test]
    fn half_typed_syllable_matches_by_keystrokes() {
        let codes = codes("과일 값 기준");
        let doc = Text::new(&codes, codes.len());
        assert_eq!(partial('고').at(doc, 0), Some(1), "고 is on the way to 과");
        assert_eq!(partial('구').at(doc, 0), None);
        assert_eq!(partial('갑').at(doc, 3), Some(1), "값 is typed through 갑");
        assert_eq!(partial('깆').at(doc, 5), Some(2), "깆 is 기 + the ㅈ of 준");
        assert_eq!(partial('가').find(doc, 0), Some((3, 1)));
    }

    #[test]
    fn lone_consonant_matches_its_syllables_and_itself() {
        let codes = codes("ㄱ가힣");
        let doc = Text::new(&codes, codes.len());
        let unit = Unit::Initial(Initial::of('ㄱ', &Alphabet::full()).unwrap());
        assert_eq!(unit.at(doc, 0), Some(1));
        assert_eq!(unit.at(doc, 1), Some(1));
        assert_eq!(unit.at(doc, 2), None);
    }

    #[test]
    fn a_unit_matches_only_what_the_content_holds() {
        // An alphabet without 갑: 값 is still on the way to 갑 (typed through it).
        let alphabet = Alphabet::new("값과 ".chars().collect());
        let codes: Vec<u16> = "과 값".chars().map(|c| alphabet.code(c)).collect();
        let doc = Text::new(&codes, codes.len());
        let partial = Unit::Partial(Partial::of('갑', &alphabet).unwrap());
        assert_eq!(partial.find(doc, 0), Some((2, 1)));
        assert!(!Unit::Char('입', alphabet.code('입')).can_match());
    }

    #[test]
    fn settled_units_exclude_a_last_syllable() {
        let none = Synonyms::default();
        let prepared = prepare_query("가입 기", &none, &Alphabet::full());
        assert_eq!(prepared.variants[0].settled().len(), 2);
        let prepared = prepare_query("ㄱㅇㄱ", &none, &Alphabet::full());
        assert_eq!(prepared.variants[0].settled().len(), 3);
        assert!(
            prepare_query("rkdlq", &none, &Alphabet::full())
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
            prepare_query(query, &synonyms, &Alphabet::full())
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
        let order = prepare_query("무료 한달", &synonyms, &Alphabet::full());
        let any = order.variants.iter().find(|v| v.is_any_order()).unwrap();
        assert_eq!(any.words, vec![0..2, 2..4]);
        let misspelt = texts("멤버쉽");
        assert!(
            misspelt.contains(&("멤버쉽".into(), MatchHow::MISSPELLING)),
            "{misspelt:?}"
        );
        assert_eq!(
            prepare_query("ㄱㅇㄱㅈ", &synonyms, &Alphabet::full()).describe(1),
            vec!["ㄱㅇㄱㅈ: 초성".to_owned()]
        );
        assert_eq!(
            prepare_query("rkdlq rlwns", &synonyms, &Alphabet::full()).describe(0b10),
            vec!["rkdlq rlwns → 가입 기준".to_owned()]
        );
    }
}

#[cfg(test)]
mod probe_tests {
    use super::*;

    /// Every unit's chunk-wide probe finds exactly the matches its own test finds, padded or
    /// not, from every position.
    #[test]
    fn probes_find_what_the_units_find() {
        let alphabet = Alphabet::full();
        let chars: Vec<char> = "가각간갂갃강개이입잆이번비바ㅂㄱ 보준주기ㅈ"
            .chars()
            .collect();
        let mut next = crate::search::test_numbers();
        for _ in 0..400 {
            let len = usize::try_from(next() % 80).unwrap();
            let text: Vec<u16> = (0..len)
                .map(|_| alphabet.code(chars[usize::try_from(next()).unwrap() % chars.len()]))
                .collect();
            let mut padded = text.clone();
            padded.extend([super::super::codes::PAD; super::super::codes::PADDING]);
            let mut units: Vec<Unit> = ['입', '각', '강', '가', '기', '준', '잆']
                .into_iter()
                .filter_map(|typed| Partial::of(typed, &alphabet).map(Unit::Partial))
                .collect();
            units.push(Unit::Initial(Initial::of('ㄱ', &alphabet).unwrap()));
            units.push(Unit::Char('입', alphabet.code('입')));
            units.push(Unit::Any(AnyOf::of(&['이', '입', '비'], &alphabet)));
            units.push(Unit::Any(AnyOf::of(&['이', '입'], &alphabet)));
            for unit in &units {
                for codes in [&padded[..], &text[..]] {
                    let doc = Text::new(codes, len);
                    let every: Vec<(usize, usize)> = (0..len)
                        .filter_map(|p| unit.at(doc, p).map(|w| (p, w)))
                        .collect();
                    let mut found = Vec::new();
                    unit.each_match(doc, 0, |p, w| {
                        found.push((p, w));
                        ControlFlow::Continue(())
                    });
                    assert_eq!(found, every, "{unit:?}");
                    for from in 0..=len {
                        let expected = every.iter().copied().find(|&(p, _)| p >= from);
                        assert_eq!(unit.find(doc, from), expected, "{unit:?} from {from}");
                    }
                }
            }
        }
    }
}
