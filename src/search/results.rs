//! Search results ranked lazily: every match is counted at once, but only as many are put in
//! order (and scored by fuzzy-matcher) as are shown. The order is exact all the same: a hit
//! is given out only when no hit still waiting could outrank it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;

use fuzzy_matcher::FuzzyMatcher;
use fuzzy_matcher::skim::SkimMatcherV2;

use super::SearchIndex;
use super::docset::DocSet;
use super::matcher::{self, Found, QUALITY_MAX, TIER};
use super::query::{MatchHow, PreparedQuery};

/// One search result. `ranges` are character ranges of the document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub doc: usize,
    pub score: i64,
    pub ranges: Vec<Range<usize>>,
    /// Why it matched, when not plainly (초성, 영타, 오타, 유의어, 어순, 부분 일치).
    pub how: MatchHow,
    /// The same text elsewhere (another guide holding the same Q&A): one hit names them all.
    pub also: Vec<usize>,
}

/// A match waiting to be ranked. Ordered by score (or the best it could reach), then by
/// content order, so the heap gives out the next hit in rank order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pending {
    /// Scores fit in 32 bits; a smaller entry is a faster heap.
    bound: i32,
    doc: Reverse<u32>,
    /// The score is final (not waiting for fuzzy-matcher).
    exact: bool,
    variant: u8,
    start: u32,
    end: u32,
    /// Found only with one syllable slipped (맴버십 for 멤버십).
    slip: bool,
}

impl Pending {
    pub(crate) fn new(doc: u32, variant: usize, tier: u8, found: Found) -> Self {
        let tier = i64::from(tier);
        let variant = u8::try_from(variant).unwrap_or(u8::MAX);
        let clamp = |score: i64| i32::try_from(score).unwrap_or(i32::MIN);
        match found {
            Found::Contiguous { score, start, end } => Self {
                bound: clamp(score + tier * TIER),
                doc: Reverse(doc),
                exact: true,
                variant,
                start,
                end,
                slip: false,
            },
            Found::Scattered { base } => Self {
                bound: clamp(base + tier * TIER + QUALITY_MAX),
                doc: Reverse(doc),
                exact: false,
                variant,
                start: 0,
                end: 0,
                slip: false,
            },
        }
    }

    /// The same match, marked as found with a syllable slipped.
    pub(crate) fn slipped(self) -> Self {
        Self { slip: true, ..self }
    }

    /// The score it has, or the most it can reach once fuzzy-matcher is asked.
    pub(crate) fn bound(&self) -> i32 {
        self.bound
    }

    /// The least score it can end with.
    pub(crate) fn floor(&self) -> i32 {
        if self.exact {
            self.bound
        } else {
            self.bound - QUALITY_MAX_32
        }
    }

    /// A match of the whole reading in one piece.
    pub(crate) fn is_contiguous(&self) -> bool {
        self.exact && self.end > self.start
    }

    pub(crate) fn doc(&self) -> usize {
        self.doc.0 as usize
    }
}

/// Taken off a thinly scattered match's score: it ranks below every partial hit.
const LOOSE_BELOW: i64 = 1_000_000;

#[allow(clippy::cast_possible_truncation)] // 900 fits
const QUALITY_MAX_32: i32 = QUALITY_MAX as i32;

/// What a search that kept only its best hits needs to gather the rest.
#[derive(Debug, Clone, Default)]
pub(crate) struct Regather {
    /// How many of the best hits the kept ones give exactly (all when nothing was dropped).
    pub exact_for: usize,
    /// The readings looked for.
    pub ran: Vec<usize>,
    /// Matches with a syllable slipped were looked for too.
    pub slipped: bool,
}

/// The hits of one query: how many there are, and the best of them in order.
#[derive(Default)]
pub struct SearchResults {
    total: usize,
    hits: Vec<Hit>,
    pending: BinaryHeap<Pending>,
    query: PreparedQuery,
    /// Documents already given out, when two readings of the query may find the same one.
    given: Option<DocSet>,
    /// An empty query lists every document in content order.
    listing: bool,
    folded: String,
    /// Bit `v` set: reading `v` of the query gave a hit ranked so far.
    found_by: u64,
    /// A hit ranked so far was found with a syllable slipped.
    slipped: bool,
    regather: Regather,
    /// Hits of the ranked tier, best first, given after every exact hit.
    partial: std::collections::VecDeque<Hit>,
    /// How the ranked tier read the query (shown once one of its hits is given).
    partial_lines: Vec<String>,
    /// Matches scattered thinly over a long text (the query's syllables met by chance),
    /// given after the ranked tier's hits, marked partial.
    loose: std::collections::VecDeque<Hit>,
    /// Fewer exact hits than a page (none dropped while gathering): thinly scattered
    /// matches go to the partial tier.
    loosen: bool,
    /// Each text given so far (its kind and stored characters, hashed), and its hit.
    texts: std::collections::HashMap<u64, usize>,
}

impl std::fmt::Debug for SearchResults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchResults")
            .field("total", &self.total)
            .field("ranked", &self.hits.len())
            .finish_non_exhaustive()
    }
}

impl SearchResults {
    pub(crate) fn listing(total: usize) -> Self {
        Self {
            total,
            listing: true,
            ..Self::default()
        }
    }

    pub(crate) fn new(
        query: PreparedQuery,
        pending: Vec<Pending>,
        total: usize,
        documents: usize,
        regather: Regather,
    ) -> Self {
        let given = (query.variants.len() > 1).then(|| DocSet::new(documents));
        Self {
            regather,
            total,
            hits: Vec::new(),
            // Building a heap is linear; only the hits asked for pay for their order.
            pending: BinaryHeap::from(pending),
            query,
            given,
            listing: false,
            folded: String::new(),
            found_by: 0,
            slipped: false,
            partial: std::collections::VecDeque::new(),
            partial_lines: Vec::new(),
            loose: std::collections::VecDeque::new(),
            loosen: false,
            texts: std::collections::HashMap::new(),
        }
    }

    /// The same results with the ranked tier's hits after the exact ones, and how it read
    /// the query.
    pub(crate) fn with_partial(mut self, hits: Vec<Hit>, lines: Vec<String>) -> Self {
        self.loosen = self.total < super::FIRST_PAGE;
        self.total += hits.len();
        self.partial = hits.into();
        self.partial_lines = lines;
        self
    }

    /// How the query was read, for the search line: each reading other than the plain one
    /// that gave a hit ranked so far (`rkdlq rlwns → 가입 기준`, `ㄱㅇㄱㅈ: 초성`).
    pub fn readings(&self) -> Vec<String> {
        let mut lines = self.query.describe(self.found_by);
        if self.slipped {
            lines.push(format!(
                "{}: 한 글자 다른 것도 (오타)",
                self.query.typed.trim()
            ));
        }
        if self
            .hits
            .iter()
            .any(|hit| hit.how.contains(MatchHow::PARTIAL))
        {
            for line in &self.partial_lines {
                if !lines.contains(line) {
                    lines.push(line.clone());
                }
            }
            lines.push("낱말 일부만 맞는 것도 (부분 일치)".to_owned());
        }
        lines
    }

    /// How many documents match.
    pub fn total(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The hits ranked so far, best first (see [`rank_up_to`](Self::rank_up_to)).
    pub fn ranked(&self) -> &[Hit] {
        &self.hits
    }

    pub fn get(&self, rank: usize) -> Option<&Hit> {
        self.hits.get(rank)
    }

    /// Every hit, best first.
    pub fn into_all(mut self, index: &SearchIndex) -> Vec<Hit> {
        self.rank_up_to(index, usize::MAX);
        self.hits
    }

    /// Puts the best `count` hits (or all, if fewer) in order.
    /// Among the hits ranked so far, each run of equal scores is put in the order of
    /// `weight` (of a document; the heaviest first, equal weights keeping the search's order):
    /// the agent's own pins and frecency, applied after the search's ranking and never across
    /// scores. Only the ranked hits move; a run that goes on past them is ordered again when
    /// more are ranked. An empty query's listing stays in content order.
    pub fn favour(&mut self, weight: impl Fn(usize) -> u32) {
        if self.listing || self.hits.len() < 2 {
            return;
        }
        let weights: Vec<u32> = self.hits.iter().map(|hit| weight(hit.doc)).collect();
        if weights.iter().all(|&w| w == 0) {
            return;
        }
        // Each hit's run of equal scores, numbered in order.
        let mut run = 0usize;
        let runs: Vec<usize> = self
            .hits
            .iter()
            .enumerate()
            .map(|(n, hit)| {
                if n > 0 && self.hits[n - 1].score != hit.score {
                    run += 1;
                }
                run
            })
            .collect();
        // order[new place] = old place; a stable sort keeps the search's order among equals.
        let mut order: Vec<usize> = (0..self.hits.len()).collect();
        order.sort_by_key(|&n| (runs[n], Reverse(weights[n])));
        if order.iter().enumerate().all(|(new, &old)| new == old) {
            return;
        }
        let mut old: Vec<Option<Hit>> = std::mem::take(&mut self.hits)
            .into_iter()
            .map(Some)
            .collect();
        let mut place = vec![0; order.len()];
        for (new, &from) in order.iter().enumerate() {
            place[from] = new;
            if let Some(hit) = old.get_mut(from).and_then(Option::take) {
                self.hits.push(hit);
            }
        }
        // The texts given so far point at their hit's new place.
        for at in self.texts.values_mut() {
            if let Some(&new) = place.get(*at) {
                *at = new;
            }
        }
    }

    pub fn rank_up_to(&mut self, index: &SearchIndex, count: usize) {
        let count = count.min(self.total);
        if self.listing {
            let from = self.hits.len();
            self.hits.extend((from..count).map(|doc| Hit {
                doc,
                score: 0,
                ranges: Vec::new(),
                how: MatchHow::PLAIN,
                also: Vec::new(),
            }));
            return;
        }
        if count > self.regather.exact_for {
            // Hits that could not be on the page were dropped: gather every hit again and
            // rank from the top (the ranks given so far come out the same).
            let pending = index.regather(&self.query, &self.regather);
            self.regather.exact_for = usize::MAX;
            self.pending = BinaryHeap::from(pending);
            self.hits.clear();
            self.given = self.given.as_ref().map(|_| DocSet::new(index.len()));
            self.found_by = 0;
            self.slipped = false;
            // (Partial hits come only with fewer exact hits than a page: never regathered.)
            self.texts.clear();
            self.loose.clear();
        }
        if count >= self.total {
            // Everything is wanted: score all, then one sort beats a heap pop per hit.
            let mut rest = std::mem::take(&mut self.pending).into_vec();
            for pending in &mut rest {
                if !pending.exact {
                    *pending = self.with_quality(index, *pending);
                }
            }
            rest.sort_unstable_by(|a, b| b.cmp(a));
            for pending in rest {
                self.give(index, pending);
            }
            while let Some(hit) = self.partial.pop_front().or_else(|| self.loose.pop_front()) {
                self.give_partial(index, hit);
            }
            return;
        }
        while self.hits.len() < count {
            let Some(top) = self.pending.pop() else {
                // Every exact hit is given: the ranked tier's come after them, then the
                // thinly scattered matches.
                let Some(hit) = self.partial.pop_front().or_else(|| self.loose.pop_front()) else {
                    break;
                };
                self.give_partial(index, hit);
                continue;
            };
            if top.exact {
                self.give(index, top);
            } else {
                // Only now is fuzzy-matcher asked how good this scattered match is; the hit
                // goes back to wait with its true score.
                let scored = self.with_quality(index, top);
                self.pending.push(scored);
            }
        }
    }

    /// A scattered match with fuzzy-matcher's quality added: its final score.
    fn with_quality(&mut self, index: &SearchIndex, pending: Pending) -> Pending {
        let Some(variant) = self.query.variants.get(usize::from(pending.variant)) else {
            return pending;
        };
        self.folded.clear();
        self.folded.extend(
            index
                .chars(pending.doc())
                .stored()
                .iter()
                .filter_map(|&code| index.alphabet.char(code)),
        );
        // A matcher of its own for each text: fuzzy-matcher 0.3 keeps its score matrix
        // between calls without clearing every cell it reads again (and its switch to not
        // keep it panics), so one matcher for many texts let a score depend on the texts
        // scored before (`한달 한달 앱…` for `한한달`: 75 after some texts, 63 after others).
        let quality = SkimMatcherV2::default()
            .fuzzy_match(&self.folded, &variant.plain)
            .unwrap_or(0)
            .clamp(0, QUALITY_MAX);
        Pending {
            bound: pending.bound - QUALITY_MAX_32 + i32::try_from(quality).unwrap_or(0),
            exact: true,
            ..pending
        }
    }

    /// Adds a hit of the ranked tier.
    fn give_partial(&mut self, index: &SearchIndex, hit: Hit) {
        self.push(index, hit);
    }

    /// Adds a hit to the list, or names its document on the hit already given for the same
    /// text (the same Q&A in two guides is one hit).
    fn push(&mut self, index: &SearchIndex, hit: Hit) {
        use std::hash::{Hash, Hasher};
        let doc = index.doc_kind_and_codes(hit.doc);
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        doc.hash(&mut hasher);
        let key = hasher.finish();
        let guide = |d: usize| index.doc(d).target.guide();
        if let Some(&at) = self.texts.get(&key)
            && let Some(first) = self.hits.get(at)
            && index.doc_kind_and_codes(first.doc) == doc
            && std::iter::once(first.doc)
                .chain(first.also.iter().copied())
                .all(|d| guide(d) != guide(hit.doc))
            && let Some(first) = self.hits.get_mut(at)
        {
            first.also.push(hit.doc);
            return;
        }
        self.texts.insert(key, self.hits.len());
        self.hits.push(hit);
    }

    /// Adds a hit with its final score to the ranked list, with its highlight ranges.
    fn give(&mut self, index: &SearchIndex, pending: Pending) {
        let doc = pending.doc();
        let Some(variant) = self.query.variants.get(usize::from(pending.variant)) else {
            return;
        };
        if let Some(given) = &mut self.given
            && !given.insert(doc)
        {
            // The other reading found it too, with a better score, already given.
            return;
        }
        let text = &index.doc(doc).text;
        let mut how = variant.how;
        if pending.slip {
            how = how.with(MatchHow::MISSPELLING);
            self.slipped = true;
        }
        let mut noted = true;
        let ranges = if variant.is_any_order() {
            let (positions, reordered) = matcher::any_order_positions(variant, index.chars(doc));
            if reordered {
                how = how.with(MatchHow::WORD_ORDER);
            }
            noted = reordered;
            matcher::text_ranges(text, positions)
        } else if pending.end > pending.start {
            matcher::text_ranges(text, pending.start..pending.end)
        } else {
            let positions = matcher::scattered_positions(variant, index.chars(doc));
            // Spread over more than twice the query's length (lone consonants aside): the
            // syllables met by chance, not what the query says.
            let spread = match (positions.first(), positions.last()) {
                (Some(&first), Some(&last)) => (last - first + 1) as usize,
                _ => 0,
            };
            if self.loosen && variant.initials == 0 && spread > 2 * variant.units.len() + 2 {
                let hit = Hit {
                    doc,
                    // Below the ranked tier's hits (which score 1 to 3,999), in their order.
                    score: i64::from(pending.bound) - LOOSE_BELOW,
                    ranges: matcher::text_ranges(text, positions),
                    how: how.with(MatchHow::PARTIAL),
                    also: Vec::new(),
                };
                self.loose.push_back(hit);
                return;
            }
            matcher::text_ranges(text, positions)
        };
        // A reading that allows misspellings may have found the text as typed (the other
        // readings rank it higher then, unless it differs otherwise, by an everyday word).
        if how.contains(MatchHow::MISSPELLING) && !pending.slip {
            let chars = index.chars(doc);
            let positions: Vec<u32> = if pending.end > pending.start {
                (pending.start..pending.end).collect()
            } else {
                matcher::scattered_positions(variant, chars)
            };
            let misspelt = variant
                .units
                .iter()
                .zip(&positions)
                .any(|(unit, &at)| chars.get(at as usize).is_some_and(|c| unit.misspelt_at(c)));
            if !misspelt && !variant.is_any_order() {
                how = how.without(MatchHow::MISSPELLING);
            }
        }
        let v = usize::from(pending.variant);
        if noted && v < 64 {
            self.found_by |= 1 << v;
        }
        self.push(
            index,
            Hit {
                doc,
                score: i64::from(pending.bound),
                ranges,
                how,
                also: Vec::new(),
            },
        );
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::super::{Doc, DocKind, SearchCache, SearchIndex, Target};

    fn doc(id: &str, text: &str) -> Doc {
        Doc {
            kind: DocKind::Note,
            id: Arc::from(id),
            title: Arc::from("t"),
            text: text.to_owned(),
            target: Target::Guide { guide: 0 },
        }
    }

    /// The agent's favourites go first among hits of one score, never past a better score.
    #[test]
    fn favour_orders_hits_of_equal_score_only() {
        let index = SearchIndex::from_docs(vec![
            doc("a", "가입 안내 가"),
            doc("b", "가입 안내 나"),
            doc("c", "가입 안내 다"),
            doc("d", "멤버십 가입은 앱에서"),
        ]);
        let mut results = index.search_cached(&mut SearchCache::default(), "가입 안내");
        results.rank_up_to(&index, 10);
        let before: Vec<(usize, i64)> = results.ranked().iter().map(|h| (h.doc, h.score)).collect();
        let tied: Vec<usize> = before
            .iter()
            .filter(|(_, score)| *score == before[0].1)
            .map(|(doc, _)| *doc)
            .collect();
        assert!(tied.len() >= 3, "the three alike tie: {before:?}");
        let favourite = tied[tied.len() - 1];
        results.favour(|doc| if doc == favourite || doc == 3 { 9 } else { 0 });
        let after: Vec<(usize, i64)> = results.ranked().iter().map(|h| (h.doc, h.score)).collect();
        assert_eq!(after[0].0, favourite, "{after:?}");
        let scores = |hits: &[(usize, i64)]| hits.iter().map(|h| h.1).collect::<Vec<_>>();
        assert_eq!(scores(&after), scores(&before), "no hit crosses a score");
        // The rest of the run keeps the search's order.
        let rest: Vec<usize> = after[1..tied.len()].iter().map(|h| h.0).collect();
        assert_eq!(rest, tied[..tied.len() - 1].to_vec());
    }
}
