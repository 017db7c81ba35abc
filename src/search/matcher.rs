//! Matching one reading of a query against one document's stored characters, and scoring.
//!
//! Scores are built so that every contiguous match ranks above every scattered one, then by
//! the document's tier (questions and titles first), then by where and how cleanly it matched.

use std::ops::{ControlFlow, Range};

use super::codes::{Alphabet, Initials, Probe, Text};
use super::query::{DERIVED, Initial, Unit, Variant};
use super::to_u32;

/// Scores by kind of match: every unit one after another; the query's words each in one
/// piece, in any order; every unit in order with gaps. Each kind spans less than the gap to
/// the next (a tier and a good position add at most 3,900), so kinds never mix.
pub(crate) const CONTIGUOUS: i64 = 30_000;
const ANY_ORDER: i64 = 20_000;
const SCATTERED: i64 = 10_000;
/// The tier step: a question's match outranks a body text's match of the same quality.
pub(crate) const TIER: i64 = 1_000;
/// The most fuzzy-matcher adds to a scattered match.
pub(crate) const QUALITY_MAX: i64 = 900;
/// Any-order words found in the query's order (apart) rank above ones found out of order.
const IN_ORDER: i64 = 500;
/// Cost of each place where the match's spacing differs from a query typed with spaces.
const SPACING: i64 = 20;
/// Cost of a match that starts inside a word and runs on into the next (통해 직접 for 해지):
/// the query's syllables met by chance, ranked with the derived matches.
const MISALIGNED: i64 = DERIVED + 500;

/// What a document offers one reading of the query before fuzzy-matcher is consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Found {
    /// Every unit matched one after another; the score is final.
    Contiguous { score: i64, start: u32, end: u32 },
    /// The query's words each in one piece, in any order (an any-order reading); the score
    /// is final.
    AnyOrder { score: i64 },
    /// Every unit matched in order with gaps; fuzzy-matcher's quality (0..=900) is added to
    /// `base` when the hit is close enough to the top to matter. `loose`: spread over more
    /// than twice the reading's length (lone consonants aside): the query's syllables met
    /// by chance, not what it says.
    Scattered { base: i64, loose: bool },
}

/// Where the settled units of a reading first match in a document (leftmost, greedy), which
/// is all a longer query needs to go on from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Progress {
    /// Position of the first unit's match (`u32::MAX` before any unit matched).
    pub first: u32,
    /// Position after the last unit's match.
    pub resume: u32,
}

impl Progress {
    pub const START: Self = Self {
        first: u32::MAX,
        resume: 0,
    };
}

/// Goes on matching `units` (settled ones, one character each) in order from `progress`.
/// Leftmost greedy matching finds a subsequence whenever one exists.
#[inline]
pub(crate) fn advance(
    units: &[Unit],
    probes: &[(Probe, bool)],
    text: Text<'_>,
    mut progress: Progress,
) -> Option<Progress> {
    for (unit, &probe) in units.iter().zip(probes) {
        let (at, width) = unit.find_probed(probe, text, progress.resume as usize)?;
        if progress.first == u32::MAX {
            progress.first = to_u32(at);
        }
        progress.resume = to_u32(at + width);
    }
    Some(progress)
}

/// [`advance`] for lone consonants (`wanted`, each one's initial), on a document's initials.
#[inline]
pub(crate) fn advance_initials(
    wanted: &[u8],
    initials: Initials<'_>,
    mut progress: Progress,
) -> Option<Progress> {
    for &initial in wanted {
        let at = initials.first(progress.resume as usize, initial)?;
        if progress.first == u32::MAX {
            progress.first = to_u32(at);
        }
        progress.resume = to_u32(at + 1);
    }
    Some(progress)
}

/// Where a whole reading matched: the first unit's position and the end of the last unit's
/// match (leftmost, greedy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Reach {
    pub first: usize,
    pub end: usize,
}

/// Where the whole reading matches in a document whose settled units are known to match
/// from `progress`. `None` when the last, half-typed unit is nowhere after them.
#[inline]
pub(crate) fn reach(variant: &Variant, text: Text<'_>, progress: Progress) -> Option<Reach> {
    let mut end = progress.resume as usize;
    let mut first = progress.first as usize;
    if let Some((last, &probe)) = variant
        .last_partial()
        .zip(variant.probes.get(variant.stable))
    {
        let (at, width) = last.find_probed(probe, text, end)?;
        if progress.first == u32::MAX {
            first = at;
        }
        end = at + width;
    }
    Some(Reach { first, end })
}

/// The most any match of `variant` starting at or after `first` in a text of `len` stored
/// characters can score (before the document's tier): a hit that cannot beat a full page's
/// lowest score is not scored.
#[inline]
pub(crate) fn ceiling(variant: &Variant, first: usize, len: usize) -> i64 {
    // A word start adds 300; a match that is the whole text 600 (it starts at 0 and spans at
    // most two characters a unit), else one that ends a word 150. Spacing and misalignment
    // only take away, and scattered matches score lower.
    let whole = first == 0 && len <= 2 * variant.units.len();
    let end = if whole { 600 } else { 150 };
    CONTIGUOUS - i64::try_from(first.min(300)).unwrap_or(300) + 300 + end
        - 10 * variant.initials
        - variant.penalty
}

/// How good a match that reaches `reach` is: the best contiguous place, else scattered.
pub(crate) fn score(variant: &Variant, text: Text<'_>, reach: Reach) -> Found {
    contiguous_else_scattered(variant, best_contiguous(variant, text, reach.first), reach)
}

/// The best place in one piece (its score, start and end), if any; else the match in order
/// with gaps that reaches `reach`.
#[inline]
fn contiguous_else_scattered(
    variant: &Variant,
    best: Option<(i64, usize, usize)>,
    reach: Reach,
) -> Found {
    match best {
        Some((score, start, end)) => Found::Contiguous {
            score,
            start: to_u32(start),
            end: to_u32(end),
        },
        None => scattered(variant, reach),
    }
}

/// A match in order with gaps from `reach.first` to `reach.end`: closer together is better.
fn scattered(variant: &Variant, reach: Reach) -> Found {
    let span = i64::try_from(reach.end.saturating_sub(reach.first + 1)).unwrap_or(i64::MAX);
    Found::Scattered {
        base: SCATTERED - span.min(500) - 10 * variant.initials - variant.penalty,
        loose: is_loose(variant, reach.end.saturating_sub(reach.first)),
    }
}

/// Whether a match in order with gaps spreading over `spread` stored characters is loose:
/// more than twice the reading's length (and two more), lone consonants aside (an initials
/// query's syllables stand wherever the words do).
pub(crate) fn is_loose(variant: &Variant, spread: usize) -> bool {
    variant.initials == 0 && spread > 2 * variant.units.len() + 2
}

/// [`score`] for a reading of lone consonants only (`wanted`, each unit's initial), its
/// places in one piece found on the document's initials rather than unit by unit.
pub(crate) fn score_initials(
    variant: &Variant,
    text: Text<'_>,
    initials: Initials<'_>,
    wanted: &[u8],
    reach: Reach,
) -> Found {
    let mut best: Option<(i64, usize, usize)> = None;
    initials.each_run(reach.first, wanted, |start| {
        let end = start + wanted.len();
        let score = contiguous_score(variant, text, start, end, 0);
        if best.is_none_or(|(s, _, _)| score > s) {
            best = Some((score, start, end));
        }
    });
    contiguous_else_scattered(variant, best, reach)
}

/// Matches the whole reading in a document whose settled units are known to match from
/// `progress`. `None` when the last, half-typed unit is nowhere after them.
#[cfg(test)]
pub(crate) fn evaluate(variant: &Variant, text: Text<'_>, progress: Progress) -> Option<Found> {
    reach(variant, text, progress).map(|reach| score(variant, text, reach))
}

/// Where a one-character reading first matches: the progress the next keystroke goes on
/// from. Most documents match a lone consonant, so this case is the slowest keystroke and
/// worth a pass of its own.
#[inline]
pub(crate) fn single_first(variant: &Variant, text: Text<'_>) -> Option<Progress> {
    let (first, _) = variant.units.first()?.find(text, 0)?;
    Some(Progress {
        first: to_u32(first),
        resume: to_u32(first + 1),
    })
}

/// The best match of a one-character reading that first matches at `first`.
pub(crate) fn single(variant: &Variant, text: Text<'_>, first: usize) -> Found {
    let mut best: Option<(i64, usize, usize)> = None;
    if let Some(unit) = variant.units.first() {
        unit.each_match(text, first, |start, width| {
            let score = contiguous_score(variant, text, start, start + width, 0);
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, start, start + width));
            }
            ControlFlow::Continue(())
        });
    }
    // `first` is a match, so there is a best; its own score stands in should there not be.
    let (score, start, end) = best.unwrap_or_else(|| {
        (
            contiguous_score(variant, text, first, first + 1, 0),
            first,
            first + 1,
        )
    });
    Found::Contiguous {
        score,
        start: to_u32(start),
        end: to_u32(end),
    }
}

/// The best place where every unit matches one after another, searching from `from` (no
/// contiguous match can start before the first unit's leftmost match).
fn best_contiguous(variant: &Variant, text: Text<'_>, from: usize) -> Option<(i64, usize, usize)> {
    let (head, rest) = variant.units.split_first()?;
    let mut best: Option<(i64, usize, usize)> = None;
    head.each_match(text, from, |start, width| {
        if let Some(end) = rest_at(rest, text, start + width) {
            let score = contiguous_score(variant, text, start, end, 0);
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, start, end));
            }
        }
        ControlFlow::Continue(())
    });
    best
}

fn contiguous_score(
    variant: &Variant,
    text: Text<'_>,
    start: usize,
    end: usize,
    loose: i64,
) -> i64 {
    let mut score = place_score(text, start, end);
    if variant.word_starts != 0 {
        // Typed with spaces: where the text spaces otherwise (가입기준 for 가입 기준) is a
        // spacing slip, ranked a little lower.
        let inside = (end - start).min(variant.units.len()).min(64);
        let slips = (1..inside)
            .filter(|&k| text.word_start(start + k) != (variant.word_starts & (1 << k) != 0))
            .count();
        score -= SPACING * i64::try_from(slips).unwrap_or(64);
    }
    score - DERIVED * loose - 10 * variant.initials - variant.penalty
}

/// The most [`place_score`] gives: a match at a word start (as every text's start is)
/// that is the whole text.
pub(crate) const PLACE_MOST: i64 = CONTIGUOUS + 300 + 600;

/// What the place of a match in one piece from `start` to `end` scores, whatever the
/// reading: earlier is better, a word start best, a match that is the whole text better
/// still. A one-character reading's score is this, less its reading's costs.
pub(crate) fn place_score(text: Text<'_>, start: usize, end: usize) -> i64 {
    let mut score = CONTIGUOUS - i64::try_from(start.min(300)).unwrap_or(300);
    if text.word_start(start) {
        score += 300;
    } else if (start + 1..end).any(|pos| text.word_start(pos)) {
        score -= MISALIGNED;
    }
    if start == 0 && end == text.len() {
        score += 600;
    } else if end == text.len() || text.word_start(end) {
        score += 150;
    }
    score
}

/// What a reading costs a match in one piece (its penalty and lone consonants), before
/// spacing: a one-character reading's score is its [`place_score`] less this.
pub(crate) fn reading_cost(variant: &Variant) -> i64 {
    10 * variant.initials + variant.penalty
}

/// Where the first `count` words of an any-order reading first match in one piece:
/// (start, end) per word, or `None` when a word is nowhere.
fn word_matches(variant: &Variant, text: Text<'_>, count: usize) -> Option<Vec<(usize, usize)>> {
    variant
        .words
        .iter()
        .take(count)
        .map(|word| word_at(&variant.units[word.clone()], text))
        .collect()
}

/// Where `units` end when they match one after another from `at`.
#[inline]
fn rest_at(units: &[Unit], text: Text<'_>, mut at: usize) -> Option<usize> {
    for unit in units {
        at += unit.at(text, at)?;
    }
    Some(at)
}

/// Where `units` first match one after another.
fn word_at(units: &[Unit], text: Text<'_>) -> Option<(usize, usize)> {
    let (head, rest) = units.split_first()?;
    let mut found = None;
    head.each_match(text, 0, |start, width| {
        if let Some(end) = rest_at(rest, text, start + width) {
            found = Some((start, end));
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    found
}

/// Whether the words were found in the query's order.
fn in_order(words: &[(usize, usize)]) -> bool {
    words.windows(2).all(|pair| pair[1].0 >= pair[0].1)
}

/// An any-order reading: every word in one piece somewhere. Scored below every contiguous
/// match and above every scattered one; words in the query's order first, then earlier.
/// Also says whether the words before the last are all there (what the next keystroke
/// builds on).
pub(crate) fn any_order(
    variant: &Variant,
    text: Text<'_>,
    from: Progress,
    done: usize,
) -> (Option<Progress>, Option<Found>) {
    let Some((last, complete)) = variant.words.split_last() else {
        return (None, None);
    };
    // What the words already matched left: the earliest start, and where the last of them
    // ended while they were in the query's order (`u32::MAX` once they were not).
    let mut first = from.first as usize;
    let mut ordered_end = from.resume;
    for word in complete.iter().filter(|word| word.end > done) {
        let Some((start, end)) = word_at(&variant.units[word.clone()], text) else {
            return (None, None);
        };
        first = first.min(start);
        ordered_end = if ordered_end != u32::MAX && start >= ordered_end as usize {
            to_u32(end)
        } else {
            u32::MAX
        };
    }
    let settled = Progress {
        first: to_u32(first),
        resume: ordered_end,
    };
    let Some((start, _)) = word_at(&variant.units[last.clone()], text) else {
        return (Some(settled), None);
    };
    let first = first.min(start);
    let in_order = ordered_end != u32::MAX && start >= ordered_end as usize;
    let mut score = ANY_ORDER - i64::try_from(first.min(300)).unwrap_or(300);
    if in_order {
        score += IN_ORDER;
    }
    if text.word_start(first) {
        score += 300;
    }
    let found = Found::AnyOrder {
        score: score - 10 * variant.initials - variant.penalty,
    };
    (Some(settled), Some(found))
}

/// The stored positions an any-order match covers, and whether its words were out of the
/// query's order.
pub(crate) fn any_order_positions(variant: &Variant, text: Text<'_>) -> (Vec<u32>, bool) {
    let Some(mut words) = word_matches(variant, text, variant.words.len()) else {
        return (Vec::new(), false);
    };
    let reordered = !in_order(&words);
    words.sort_unstable();
    let positions = words
        .iter()
        .flat_map(|&(start, end)| (start..end).map(to_u32))
        .collect::<Vec<_>>();
    let mut unique = positions;
    unique.sort_unstable();
    unique.dedup();
    (unique, reordered)
}

/// Whether a reading is long enough for one slip to leave its intent clear.
pub(crate) fn allows_slip(variant: &Variant) -> bool {
    variant.units.len() >= 4
}

/// Where each unit of `variant` may match with a slip (see [`loose_contiguous`]): worked
/// out once for a reading, not for every document it is tried on.
pub(crate) fn loose_slips(variant: &Variant, alphabet: &Alphabet) -> Vec<Option<Initial>> {
    variant
        .units
        .iter()
        .map(|unit| unit.slips(alphabet))
        .collect()
}

/// A contiguous match in which one syllable may have only its initial right (맴버십 finds
/// 멤버십). Tried only when exact matching finds almost nothing, and for queries of four or
/// more characters, where one slip still leaves the intent clear.
pub(crate) fn loose_contiguous(
    variant: &Variant,
    text: Text<'_>,
    slips: &[Option<Initial>],
) -> Option<Found> {
    let units = &variant.units;
    if !allows_slip(variant) || slips.len() != units.len() {
        return None;
    }
    let mut best: Option<(i64, usize, usize)> = None;
    // A loose match starts with the first unit's initial at least.
    let start_unit = slips[0].map_or(units[0], Unit::Initial);
    start_unit.each_match(text, 0, |start, _| {
        let mut end = start;
        let mut loose = 0;
        for (unit, slip) in units.iter().zip(slips) {
            if let Some(width) = unit.at(text, end) {
                end += width;
            } else if loose == 0 && slip.is_some_and(|slip| slip.at(text, end)) {
                end += 1;
                loose = 1;
            } else {
                return ControlFlow::Continue(());
            }
        }
        if loose == 1 {
            let score = contiguous_score(variant, text, start, end, 1);
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, start, end));
            }
        }
        ControlFlow::Continue(())
    });
    best.map(|(score, start, end)| Found::Contiguous {
        score,
        start: to_u32(start),
        end: to_u32(end),
    })
}

/// The stored positions a scattered match covers (greedy, leftmost), for highlighting.
pub(crate) fn scattered_positions(variant: &Variant, text: Text<'_>) -> Vec<u32> {
    let mut positions = Vec::with_capacity(variant.units.len() + 1);
    let mut from = 0;
    for unit in &variant.units {
        let Some((at, width)) = unit.find(text, from) else {
            break;
        };
        positions.extend((at..at + width).map(to_u32));
        from = at + width;
    }
    positions
}

/// Maps stored positions (whitespace skipped) to character ranges of the original text.
pub(crate) fn text_ranges(
    text: &str,
    positions: impl IntoIterator<Item = u32>,
) -> Vec<Range<usize>> {
    let mut wanted = positions.into_iter().peekable();
    let mut ranges: Vec<Range<usize>> = Vec::new();
    let mut stored = 0u32;
    for (index, ch) in text.chars().enumerate() {
        if ch.is_whitespace() {
            continue;
        }
        let Some(&next) = wanted.peek() else {
            break;
        };
        if next == stored {
            wanted.next();
            match ranges.last_mut() {
                Some(range) if range.end == index => range.end = index + 1,
                _ => ranges.push(index..index + 1),
            }
        }
        stored += 1;
    }
    ranges
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)]
mod tests {
    use super::super::query::prepare_query;
    use super::*;
    use crate::search::SearchIndex;

    /// The ranges of the best reading's match of `query` in `text`.
    fn matches(query: &str, text: &str) -> Option<Vec<Range<usize>>> {
        let alphabet = Alphabet::full();
        let chars = SearchIndex::stored_chars(text, &alphabet);
        let chars = Text::new(&chars, chars.len());
        let prepared = prepare_query(query, &super::super::query::Synonyms::default(), &alphabet);
        let mut best: Option<(i64, Vec<Range<usize>>)> = None;
        for variant in &prepared.variants {
            let found = advance(variant.settled(), &variant.probes, chars, Progress::START)
                .and_then(|progress| evaluate(variant, chars, progress))
                .or_else(|| loose_contiguous(variant, chars, &loose_slips(variant, &alphabet)));
            let (score, ranges) = match found {
                Some(Found::Contiguous { score, start, end }) => {
                    (score, text_ranges(text, start..end))
                }
                Some(Found::AnyOrder { score }) => (score, Vec::new()),
                Some(Found::Scattered { base, .. }) => {
                    (base, text_ranges(text, scattered_positions(variant, chars)))
                }
                None => continue,
            };
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((score, ranges));
            }
        }
        best.map(|(_, ranges)| ranges)
    }

    #[test]
    fn plain_ignores_case_and_spaces() {
        assert_eq!(
            matches("가입기준", "평점 가입 기준"),
            Some(vec![3..5, 6..8])
        );
        assert_eq!(matches("SMS", "기사 sms 템플릿"), Some(vec![3..6]));
        assert_eq!(matches("가기", "가입 기준"), Some(vec![0..1, 3..4]));
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
        // ㅐ for ㅔ: one syllable with the right initial is forgiven.
        assert_eq!(matches("vmfhaoaqjtlq", "프로멤버십"), Some(vec![0..5]));
    }

    #[test]
    fn contiguous_beats_scattered_and_word_starts_count() {
        let alphabet = Alphabet::full();
        let chars = SearchIndex::stored_chars("기준 가입 기준", &alphabet);
        let chars = Text::new(&chars, chars.len());
        let variant = &prepare_query(
            "가입기준",
            &super::super::query::Synonyms::default(),
            &alphabet,
        )
        .variants[0];
        let found = advance(variant.settled(), &variant.probes, chars, Progress::START)
            .and_then(|p| evaluate(variant, chars, p));
        assert!(matches!(
            found,
            Some(Found::Contiguous {
                start: 2,
                end: 6,
                ..
            })
        ));
    }
}
