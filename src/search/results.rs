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

/// A match waiting to be ranked. Ordered by its key (see [`Pending::key`]), then by content
/// order, so the heap gives out the next hit in rank order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pending {
    /// Where it ranks (or the best it could reach): its band, whether it is a text rather
    /// than a heading, its answer's relevance, then its score within the band.
    key: i64,
    doc: Reverse<u32>,
    /// The score is final (not waiting for fuzzy-matcher).
    exact: bool,
    variant: u8,
    start: u32,
    end: u32,
    /// Found only with one syllable slipped (맴버십 for 멤버십).
    slip: bool,
}

/// What kind of match a hit is, most certain first: bands never mix.
pub(crate) mod band {
    /// Every unit one after another, as typed or read (초성, 영타, a half-typed syllable).
    pub const CONTIGUOUS: i64 = 5;
    /// In one piece through a misspelling, an everyday word or a slipped syllable, or
    /// running across a word's edge.
    pub const DERIVED: i64 = 4;
    /// The query's words each in one piece in one text, in any order.
    pub const ANY_ORDER: i64 = 3;
    /// Every unit in order with small gaps.
    pub const SCATTERED: i64 = 2;
    /// The ranked tier's hits (부분 일치).
    pub const PARTIAL: i64 = 1;
    /// In order with gaps spread over a long text: shown as partial, after the ranked tier's.
    pub const LOOSE: i64 = 0;
}

/// How a hit ranks within its band: whether it is a text rather than a heading (a guide's
/// title, a section's, a link: they lead to the answers under them), and the ranked tier's
/// relevance of its answer and text to the query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Order {
    pub content: bool,
    pub relevance: u16,
}

impl Order {
    /// The order of a reading that is not ordered by relevance (one character: its hits are
    /// the best places of that character).
    pub const PLAIN: Self = Self {
        content: true,
        relevance: 0,
    };
}

/// The key's fields, from the top: whether the hit is thinly scattered (those come last),
/// its fused rank (below), its band, its score within the band.
///
/// The fused rank puts the query found in one piece (as typed or read: initials, 2-set
/// keys, a misspelling, an everyday word) first, by band, then by the ranked tier's
/// relevance of its answer and text. Under them, every other piece of evidence ranks in
/// one order: the query's words in any order, scattered in order, or only the ranked
/// tier's terms (a partial hit), by that relevance plus what the band adds.
const SCORE_BITS: u32 = 24;
const SCORE_OFFSET: i64 = 1 << (SCORE_BITS - 1);
const BAND_SHIFT: u32 = SCORE_BITS;
const BAND_BITS: u32 = 3;
const FUSED_SHIFT: u32 = BAND_SHIFT + BAND_BITS;
const FUSED_BITS: u32 = 21;
const GROUP_SHIFT: u32 = FUSED_SHIFT + FUSED_BITS;
/// Above every relevance (a `u16`) with what a band adds to it.
const IN_ONE_PIECE: i64 = 1 << 18;

/// What being a text rather than a heading adds to the relevance of a hit whose words were
/// found apart (a heading leads to the answers under it).
const TEXT_BONUS: i64 = 100;

/// What each band of words found apart adds to a hit's relevance, in the ranked tier's
/// relevance units (1/200 of a BM25 point): the query's words each whole in one text,
/// or its characters in order, over the ranked tier's terms alone.
fn band_bonus(band: i64) -> i64 {
    match band {
        band::ANY_ORDER => 400,
        band::SCATTERED => 200,
        _ => 0,
    }
}

/// A match in one piece scoring less than this (before its tier) is a derived one: a
/// misspelling, an everyday word or a slip costs [`super::query::DERIVED`], a match across
/// a word's edge more (a direct match loses at most its place, spacing and reading costs).
const DIRECT_LEAST: i64 = matcher::CONTIGUOUS - super::query::DERIVED / 2;

/// The key of a hit in `band` ordered by `order` with score `score`.
pub(crate) fn key(band: i64, order: Order, score: i64) -> i64 {
    let group = i64::from(band != band::LOOSE);
    let relevance = i64::from(order.relevance);
    let content = i64::from(order.content);
    let fused = if band == band::CONTIGUOUS {
        // In one piece as typed or read: texts before headings, then by relevance.
        IN_ONE_PIECE * 2 + (content << 16) + relevance
    } else if band == band::DERIVED {
        // Through a misspelling or an everyday word: by how far the reading is from what
        // was typed (the score), not by relevance (the ranked tier reads the everyday word
        // as if typed, and not the misspelling).
        IN_ONE_PIECE + (content << 16)
    } else {
        relevance + band_bonus(band) + content * TEXT_BONUS
    };
    (group << GROUP_SHIFT)
        | (fused.clamp(0, (1 << FUSED_BITS) - 1) << FUSED_SHIFT)
        | (band << BAND_SHIFT)
        | (score + SCORE_OFFSET).clamp(0, (1 << SCORE_BITS) - 1)
}

/// The band of a key.
pub(crate) fn band_of(key: i64) -> i64 {
    (key >> BAND_SHIFT) & ((1 << BAND_BITS) - 1)
}

impl Pending {
    pub(crate) fn new(doc: u32, variant: usize, tier: u8, found: Found, order: Order) -> Self {
        let tier = i64::from(tier);
        let variant = u8::try_from(variant).unwrap_or(u8::MAX);
        match found {
            Found::Contiguous { score, start, end } => {
                let band = if score >= DIRECT_LEAST {
                    band::CONTIGUOUS
                } else {
                    band::DERIVED
                };
                Self {
                    key: key(band, order, score + tier * TIER),
                    doc: Reverse(doc),
                    exact: true,
                    variant,
                    start,
                    end,
                    slip: false,
                }
            }
            Found::AnyOrder { score } => Self {
                key: key(band::ANY_ORDER, order, score + tier * TIER),
                doc: Reverse(doc),
                exact: true,
                variant,
                start: 0,
                end: 0,
                slip: false,
            },
            Found::Scattered { base, loose } => {
                let band = if loose { band::LOOSE } else { band::SCATTERED };
                Self {
                    key: key(band, order, base + tier * TIER + QUALITY_MAX),
                    doc: Reverse(doc),
                    exact: false,
                    variant,
                    start: 0,
                    end: 0,
                    slip: false,
                }
            }
        }
    }

    /// The most a match ordered by `order` may rank, when it scores at most `ceiling` in
    /// one piece (its tier included).
    pub(crate) fn ceiling(order: Order, ceiling: i64) -> i64 {
        key(band::CONTIGUOUS, order, ceiling)
    }

    /// The same match, marked as found with a syllable slipped.
    pub(crate) fn slipped(self) -> Self {
        Self { slip: true, ..self }
    }

    /// Where it ranks, or the most it can reach once fuzzy-matcher is asked.
    pub(crate) fn bound(&self) -> i64 {
        self.key
    }

    /// The least it can end with.
    pub(crate) fn floor(&self) -> i64 {
        if self.exact {
            self.key
        } else {
            self.key - QUALITY_MAX
        }
    }

    /// A match of the whole reading in one piece.
    pub(crate) fn is_contiguous(&self) -> bool {
        self.exact && self.end > self.start
    }

    /// A match in order with gaps spread over a long text (shown as partial).
    pub(crate) fn is_loose(&self) -> bool {
        band_of(self.key) == band::LOOSE
    }

    pub(crate) fn doc(&self) -> usize {
        self.doc.0 as usize
    }
}

/// Whether a partial hit ranks before a match waiting (on equal keys, content order).
fn ranks_before(hit: &Hit, pending: &Pending) -> bool {
    (hit.score, Reverse(hit.doc)) > (pending.bound(), Reverse(pending.doc()))
}

/// What a search that kept only its best hits needs to gather the rest.
#[derive(Debug, Clone, Default)]
pub(crate) struct Regather {
    /// How many of the best hits the kept ones give exactly (all when nothing was dropped).
    pub exact_for: usize,
    /// The readings looked for.
    pub ran: Vec<usize>,
    /// Matches with a syllable slipped were looked for too.
    pub slipped: bool,
    /// What ordered the hits within their bands.
    pub relevance: Option<std::sync::Arc<super::Relevance>>,
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
            texts: std::collections::HashMap::new(),
        }
    }

    /// The same results with the ranked tier's hits after the exact ones, and how it read
    /// the query.
    pub(crate) fn with_partial(mut self, hits: Vec<Hit>, lines: Vec<String>) -> Self {
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
                while self
                    .partial
                    .front()
                    .is_some_and(|hit| ranks_before(hit, &pending))
                {
                    if let Some(hit) = self.partial.pop_front() {
                        self.give_partial(index, hit);
                    }
                }
                self.give(index, pending);
            }
            while let Some(hit) = self.partial.pop_front().or_else(|| self.loose.pop_front()) {
                self.give_partial(index, hit);
            }
            return;
        }
        while self.hits.len() < count {
            // One ranking: a partial hit more relevant than every match still waiting
            // comes before them.
            let partial_first = self
                .partial
                .front()
                .is_some_and(|hit| self.pending.peek().is_none_or(|top| ranks_before(hit, top)));
            if partial_first {
                if let Some(hit) = self.partial.pop_front() {
                    self.give_partial(index, hit);
                }
                continue;
            }
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
            key: pending.key - QUALITY_MAX + quality,
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
            if pending.is_loose() {
                // The query's syllables met by chance: given after the ranked tier's hits.
                let hit = Hit {
                    doc,
                    score: pending.key,
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
                score: pending.key,
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
