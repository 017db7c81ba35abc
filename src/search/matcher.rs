//! Matching one query against one document text, Hangul-aware.

use std::ops::Range;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;
use unicode_normalization::UnicodeNormalization;

use super::hangul::{self, initial_of, is_consonant, is_syllable, jamo_keys};

/// Longest query matched, in characters (a pasted page must not stall the console).
const MAX_QUERY_CHARS: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Unit {
    /// A whole syllable that must appear as is.
    Exact(char),
    /// A lone consonant: matches a syllable with that initial, or the letter itself.
    Consonant(char),
    /// The last syllable, perhaps half-typed: its jamo must start the document's jamo here
    /// (and may run on into the next syllable: 깆 → 기준).
    Partial(Vec<char>),
    Other(char),
}

/// One reading of the query (as typed, or as 2-set keystrokes).
#[derive(Debug, Clone)]
pub struct Variant {
    units: Vec<Unit>,
    /// The class each unit requires, in order.
    pub classes: Vec<u8>,
    pub class_set: u64,
    /// Subtracted from scores of this reading (the wrong-mode reading is a guess).
    penalty: i64,
    /// The folded query, for fuzzy-matcher's scoring of scattered matches.
    plain: String,
}

#[derive(Debug, Clone, Default)]
pub struct PreparedQuery {
    pub variants: Vec<Variant>,
}

impl PreparedQuery {
    pub fn is_empty(&self) -> bool {
        self.variants.is_empty()
    }
}

fn fold(ch: char) -> char {
    if ch.is_ascii() {
        ch.to_ascii_lowercase()
    } else {
        ch.to_lowercase().next().unwrap_or(ch)
    }
}

/// The class of a character: a syllable or consonant letter by its initial (1..=19), any
/// other character by a hash (20..=63). Equal characters always share a class.
fn class_of(ch: char) -> u8 {
    let initial = if is_syllable(ch) {
        initial_of(ch)
    } else if is_consonant(ch) {
        Some(ch)
    } else {
        None
    };
    if let Some(index) = initial.and_then(initial_index) {
        return index;
    }
    let hash = u32::from(ch).wrapping_mul(2_654_435_761) >> 16;
    // 44 buckets: the result is below 64.
    #[allow(clippy::cast_possible_truncation)]
    let bucket = (hash % 44) as u8;
    20 + bucket
}

fn initial_index(consonant: char) -> Option<u8> {
    const INITIALS: &str = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ";
    INITIALS
        .chars()
        .position(|c| c == consonant)
        .and_then(|p| u8::try_from(p + 1).ok())
}

/// The classes of a document's characters, whitespace skipped.
pub fn class_sequence(text: &str) -> Box<[u8]> {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| class_of(fold(c)))
        .collect()
}

/// Whether `needle` occurs in `haystack` as a subsequence.
pub fn contains_in_order(haystack: &[u8], needle: &[u8]) -> bool {
    let mut rest = haystack;
    for &class in needle {
        match rest.iter().position(|&c| c == class) {
            Some(at) => rest = &rest[at + 1..],
            None => return false,
        }
    }
    true
}

fn variant_of(folded: &[char], penalty: i64) -> Variant {
    let mut units = Vec::with_capacity(folded.len());
    for (n, &ch) in folded.iter().enumerate() {
        let last = n + 1 == folded.len();
        let unit = if is_syllable(ch) {
            if last {
                Unit::Partial(hangul::jamo_string(&ch.to_string()))
            } else {
                Unit::Exact(ch)
            }
        } else if initial_index(ch).is_some() {
            Unit::Consonant(ch)
        } else {
            Unit::Other(ch)
        };
        units.push(unit);
    }
    let classes: Vec<u8> = folded.iter().map(|&c| class_of(c)).collect();
    let class_set = classes.iter().fold(0u64, |set, &c| set | (1u64 << c));
    Variant {
        units,
        classes,
        class_set,
        penalty,
        plain: folded.iter().collect(),
    }
}

/// Reads the query: NFC, control characters dropped, case and spaces folded; and, when it
/// has Latin letters, a second reading as 2-set keystrokes.
pub fn prepare_query(query: &str) -> PreparedQuery {
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
    let mut variants = vec![variant_of(&folded, 0)];
    if folded.iter().any(char::is_ascii_alphabetic) {
        let converted: Vec<char> = hangul::latin_to_hangul(&clean)
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(fold)
            .take(MAX_QUERY_CHARS)
            .collect();
        if converted != folded && !converted.is_empty() {
            variants.push(variant_of(&converted, 50));
        }
    }
    PreparedQuery { variants }
}

/// Buffers reused from one document to the next.
#[derive(Default)]
pub struct Scratch {
    /// The document's non-space characters: original char index, folded char, word start.
    chars: Vec<(u32, char, bool)>,
    skim: Option<SkimMatcherV2>,
}

fn jamo_of(ch: char) -> ([char; 6], usize) {
    let mut out = [' '; 6];
    let mut len = 0;
    jamo_keys(ch, &mut |j| {
        if len < out.len() {
            out[len] = j;
            len += 1;
        }
    });
    (out, len)
}

/// How many document characters unit `unit` covers at `pos`, if it matches there.
fn unit_matches(
    unit: &Unit,
    chars: &[(u32, char, bool)],
    pos: usize,
    lenient: bool,
) -> Option<usize> {
    let ch = chars.get(pos)?.1;
    match unit {
        Unit::Exact(want) => {
            if ch == *want || (lenient && is_syllable(ch) && initial_of(ch) == initial_of(*want)) {
                Some(1)
            } else {
                None
            }
        }
        Unit::Consonant(want) => (ch == *want || initial_of(ch) == Some(*want)).then_some(1),
        Unit::Other(want) => (ch == *want).then_some(1),
        Unit::Partial(jamo) => {
            let (here, here_len) = jamo_of(ch);
            let here = &here[..here_len];
            if here.starts_with(jamo) {
                return Some(1);
            }
            if jamo.starts_with(here) {
                let next = chars.get(pos + 1)?.1;
                let (there, there_len) = jamo_of(next);
                if there[..there_len].starts_with(&jamo[here.len()..]) {
                    return Some(2);
                }
            }
            if lenient && is_syllable(ch) && jamo.first() == here.first() {
                return Some(1);
            }
            None
        }
    }
}

/// Matches all units one after another from `start`; returns the positions covered and how
/// many units matched only leniently (a syllable with the same initial: 맴 for 멤).
fn contiguous_at(
    units: &[Unit],
    chars: &[(u32, char, bool)],
    start: usize,
    allow_lenient: bool,
) -> Option<(usize, usize)> {
    let mut pos = start;
    let mut lenient_used = 0;
    for unit in units {
        if let Some(width) = unit_matches(unit, chars, pos, false) {
            pos += width;
        } else if allow_lenient && lenient_used == 0 {
            pos += unit_matches(unit, chars, pos, true)?;
            lenient_used += 1;
        } else {
            return None;
        }
    }
    Some((pos, lenient_used))
}

/// Scores and ranges of `variant` in `text`, or `None` when it does not match.
pub fn match_doc(
    variant: &Variant,
    text: &str,
    scratch: &mut Scratch,
) -> Option<(i64, Vec<Range<usize>>)> {
    let chars = &mut scratch.chars;
    chars.clear();
    let mut previous_space = true;
    for (index, ch) in text.chars().enumerate() {
        if ch.is_whitespace() {
            previous_space = true;
            continue;
        }
        let word_start = previous_space || (!ch.is_alphanumeric() && !is_syllable(ch));
        chars.push((
            u32::try_from(index).unwrap_or(u32::MAX),
            fold(ch),
            word_start,
        ));
        previous_space = false;
    }
    let units = &variant.units;
    let consonant_units = i64::try_from(
        units
            .iter()
            .filter(|u| matches!(u, Unit::Consonant(_)))
            .count(),
    )
    .unwrap_or(0);

    let mut best: Option<(i64, usize, usize)> = None;
    for allow_lenient in [false, true] {
        if allow_lenient && (best.is_some() || units.len() < 4) {
            break;
        }
        for start in 0..chars.len() {
            let Some((end, lenient)) = contiguous_at(units, chars, start, allow_lenient) else {
                continue;
            };
            let mut score = 10_000 - i64::try_from(start.min(300)).unwrap_or(300);
            if chars[start].2 {
                score += 300;
            }
            if start == 0 && end == chars.len() {
                score += 600;
            } else if end == chars.len() || chars.get(end).is_some_and(|c| c.2) {
                score += 150;
            }
            score -=
                800 * i64::try_from(lenient).unwrap_or(1) + 10 * consonant_units + variant.penalty;
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, start, end));
            }
        }
    }
    if let Some((score, start, end)) = best {
        let positions: Vec<u32> = chars[start..end].iter().map(|c| c.0).collect();
        return Some((score, merge_ranges(&positions)));
    }

    // Scattered: every unit in order, with gaps.
    let mut positions = Vec::with_capacity(units.len() + 1);
    let mut pos = 0;
    for unit in units {
        let (at, width) =
            (pos..chars.len()).find_map(|p| unit_matches(unit, chars, p, false).map(|w| (p, w)))?;
        positions.extend(chars[at..at + width].iter().map(|c| c.0));
        pos = at + width;
    }
    let skim = scratch.skim.get_or_insert_with(SkimMatcherV2::default);
    let folded: String = chars.iter().map(|c| c.1).collect();
    let quality = skim
        .fuzzy_match(&folded, &variant.plain)
        .unwrap_or(0)
        .clamp(0, 900);
    let span =
        i64::from(positions.last().copied().unwrap_or(0) - positions.first().copied().unwrap_or(0));
    let score = 5_000 + quality - span.min(500) - 10 * consonant_units - variant.penalty;
    Some((score, merge_ranges(&positions)))
}

/// Sorted character indices to ranges of consecutive indices.
fn merge_ranges(positions: &[u32]) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for &p in positions {
        let p = p as usize;
        match ranges.last_mut() {
            Some(range) if range.end == p => range.end = p + 1,
            _ => ranges.push(p..p + 1),
        }
    }
    ranges
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::*;

    fn matches(query: &str, text: &str) -> Option<Vec<Range<usize>>> {
        let prepared = prepare_query(query);
        let mut scratch = Scratch::default();
        prepared
            .variants
            .iter()
            .filter_map(|v| match_doc(v, text, &mut scratch))
            .max_by_key(|(score, _)| *score)
            .map(|(_, ranges)| ranges)
    }

    #[test]
    fn plain_ignores_case_and_spaces() {
        assert_eq!(
            matches("가입기준", "평점 가입 기준"),
            Some(vec![3..5, 6..8])
        );
        assert_eq!(matches("SMS", "기사 sms 템플릿"), Some(vec![3..6]));
    }

    #[test]
    fn initial_consonants() {
        assert_eq!(matches("ㄱㅇㄱㅈ", "가입 기준"), Some(vec![0..2, 3..5]));
        assert_eq!(matches("ㅍㄹㅁㅂㅅ", "프로 멤버십"), Some(vec![0..2, 3..6]));
        assert_eq!(matches("가입 ㄱㅈ", "가입 기준"), Some(vec![0..2, 3..5]));
        assert_eq!(matches("ㄱㅇㄱㅈ", "가나다"), None);
    }

    #[test]
    fn half_typed_last_syllable() {
        assert_eq!(matches("멤ㅂ", "프로 멤버십"), Some(vec![3..5]));
        assert_eq!(matches("가입 기ㅈ", "가입 기준"), Some(vec![0..2, 3..5]));
        assert_eq!(matches("가입 깆", "가입 기준"), Some(vec![0..2, 3..5]));
        assert_eq!(matches("강", "가입"), Some(vec![0..2]));
        // 과 is typed ㄱ → 고 → 과: the half-typed vowel matches.
        assert_eq!(matches("고", "과일"), Some(vec![0..1]));
        assert_eq!(matches("구", "과일"), None);
    }

    #[test]
    fn wrong_keyboard_mode() {
        assert_eq!(matches("rkdlq rlwns", "가입 기준"), Some(vec![0..2, 3..5]));
        assert_eq!(matches("vmfhapaqjtlq", "프로멤버십"), Some(vec![0..5]));
        assert_eq!(matches("vmfhaoaqjtlq", "프로멤버십"), Some(vec![0..5]));
    }
}
