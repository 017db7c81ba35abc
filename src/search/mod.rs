//! Search that understands Korean: one index over everything an agent may look for.
//!
//! A query is read as "units": a whole syllable, a lone consonant (an initial-consonant
//! query, ㅍㄹㅁㅂㅅ), a half-typed last syllable compared at keystroke level (멤ㅂ, 깆 → 기준),
//! or any other character. Latin letters are also tried as 2-set keystrokes (rkdlq → 가입).
//! Contiguous matches rank above scattered ones; questions and titles above body text.
//!
//! Speed, for a help centre's worth of content:
//! - every document's text is stored once more as folded characters without spaces, in one
//!   flat array, so matching walks memory in order and allocates nothing;
//! - a 64-bit set of each document's character classes rules most non-matches out at once;
//! - the units before a half-typed last syllable only grow as the agent types, so the
//!   documents they matched (and where) are kept, and the next keystroke only looks at those,
//!   from where the previous match ended;
//! - results are ranked lazily ([`SearchResults`]): fuzzy-matcher scores only hits near the top.

mod docs;
mod matcher;
mod postings;
mod query;
mod results;
mod stored;

use std::ops::Range;
use std::sync::Arc;

use crate::content::{Content, Guide, ItemKind, SectionKind};
pub use docs::DocRef;
use docs::{DocPacker, DocTable};
use matcher::Progress;
use postings::Postings;
pub use query::MatchHow;
use query::{
    PreparedQuery, SyllableSet, SynonymTable, Synonyms, Unit, Variant, WORD_START, char_of,
    class_of, ends_word, fold, prepare_query,
};
use results::{DocSet, Pending};
pub use results::{Hit, SearchResults};

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Question,
    SmsTitle,
    Guide,
    Alias,
    Rule,
    Benefit,
    Partner,
    Schedule,
    /// A section's title (참고 및 주의사항, ① 기본안내…).
    Section,
    /// A link's name and where it leads.
    Link,
    Script,
    Note,
    Policy,
    SmsBody,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Question => "question",
            Self::SmsTitle => "sms_title",
            Self::Guide => "guide",
            Self::Alias => "alias",
            Self::Rule => "rule",
            Self::Benefit => "benefit",
            Self::Partner => "partner",
            Self::Schedule => "schedule",
            Self::Section => "section",
            Self::Link => "link",
            Self::Script => "script",
            Self::Note => "note",
            Self::Policy => "policy",
            Self::SmsBody => "sms_body",
        }
    }

    /// Korean label for lists.
    pub fn label(self) -> &'static str {
        match self {
            Self::Question => "질문",
            Self::SmsTitle => "SMS",
            Self::Guide => "가이드",
            Self::Alias => "별칭",
            Self::Rule => "규정",
            Self::Benefit => "혜택",
            Self::Partner => "제휴",
            Self::Schedule => "일정",
            Self::Section => "소제목",
            Self::Link => "링크",
            Self::Script => "스크립트",
            Self::Note => "참고",
            Self::Policy => "정책",
            Self::SmsBody => "SMS 본문",
        }
    }

    /// Questions and titles above aliases, above rules and lists, above body text.
    fn tier(self) -> u8 {
        match self {
            Self::Question | Self::SmsTitle | Self::Guide => 3,
            Self::Alias => 2,
            Self::Rule
            | Self::Benefit
            | Self::Partner
            | Self::Schedule
            | Self::Section
            | Self::Link => 1,
            Self::Script | Self::Note | Self::Policy | Self::SmsBody => 0,
        }
    }
}

/// Where a hit leads in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Guide { guide: usize },
    Qa { guide: usize, qa: usize },
    Template { guide: usize, template: usize },
    Rule { guide: usize, rule: usize },
}

impl Target {
    /// The guide a hit belongs to (its index in content order).
    pub fn guide(self) -> usize {
        match self {
            Target::Guide { guide }
            | Target::Qa { guide, .. }
            | Target::Template { guide, .. }
            | Target::Rule { guide, .. } => guide,
        }
    }
}

/// A document to index (the index packs it: [`SearchIndex::doc`] reads it back).
#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: DocKind,
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub text: String,
    pub target: Target,
}

/// How many hits a search puts in order at once (more are ranked as the list scrolls).
pub const FIRST_PAGE: usize = 100;

/// With fewer exact hits than this, queries of four or more characters also look for
/// one-syllable slips (맴버십 → 멤버십).
const FEW_HITS: usize = 10;

/// The index: every document, and its folded characters in one flat array.
pub struct SearchIndex {
    docs: DocTable,
    /// Folded non-space characters of every document, one after another, with
    /// [`WORD_START`] marking the first character of each word.
    chars: Vec<u32>,
    /// Document `d`'s characters are `chars[bounds[d]..bounds[d + 1]]`.
    bounds: Vec<usize>,
    class_sets: Vec<u64>,
    /// Each document's [`DocKind::tier`], kept apart so a scan need not touch the documents.
    tiers: Vec<u8>,
    /// Everyday words for the guides' words: the help centre's, and each guide's own.
    synonyms: Synonyms,
    /// The syllables that occur anywhere: a misspelling nobody wrote is not looked for.
    present: SyllableSet,
    /// Each guide's id and title, in content order (what a hit's guide is called).
    guides: Vec<(String, String)>,
    /// The documents holding each character: a keystroke with no earlier work to go on
    /// looks only at the documents that hold its settled units. `None`: every search scans
    /// (the plain scan the lists are tested against).
    postings: Option<Postings>,
}

/// What earlier keystrokes learnt, reused by the next: for each run of settled units typed
/// so far, the documents they match and where their match ends.
#[derive(Debug, Default, Clone)]
pub struct SearchCache {
    levels: Vec<Level>,
}

#[derive(Debug, Clone)]
struct Level {
    units: Vec<Unit>,
    /// The documents the reading applies to (all when none).
    scope: Option<Range<usize>>,
    /// The units are whole words found in any order, each in one piece (not in order).
    any_order: bool,
    /// For any-order units: where their words start (as [`Variant::word_starts`]).
    word_starts: u64,
    candidates: Vec<(u32, Progress)>,
}

impl Level {
    fn serves(&self, variant: &Variant) -> bool {
        if self.scope != variant.scope || self.any_order != variant.is_any_order() {
            return false;
        }
        if !self.any_order {
            return true;
        }
        // What an any-order level kept is per word: its words must be the reading's first
        // words exactly, ending where one of the reading's words starts.
        let len = self.units.len();
        let below = if len >= 64 {
            u64::MAX
        } else {
            (1u64 << len) - 1
        };
        len < 64
            && variant.word_starts & below == self.word_starts
            && variant.word_starts & (1u64 << len) != 0
    }
}

/// Levels kept: one per settled unit typed, so Backspace finds the shorter query's work.
const LEVELS_KEPT: usize = 24;

impl SearchCache {
    /// The level with the most settled units that `units` starts with.
    fn best_for(&self, variant: &Variant) -> Option<&Level> {
        let units = variant.settled();
        self.levels
            .iter()
            .filter(|level| level.serves(variant) && units.starts_with(&level.units))
            .max_by_key(|level| level.units.len())
    }

    /// Keeps the levels on the path to the current query's readings, and the new ones.
    fn keep(&mut self, query: &PreparedQuery, new: Vec<Level>) {
        self.levels.retain(|level| {
            query
                .variants
                .iter()
                .any(|v| level.serves(v) && v.settled().starts_with(&level.units))
                && !new.iter().any(|n| {
                    n.units == level.units
                        && n.scope == level.scope
                        && n.any_order == level.any_order
                        && n.word_starts == level.word_starts
                })
        });
        self.levels.extend(new);
        if self.levels.len() > LEVELS_KEPT {
            self.levels.sort_by_key(|level| level.units.len());
            let excess = self.levels.len() - LEVELS_KEPT;
            self.levels.drain(..excess);
        }
    }
}

impl SearchIndex {
    pub fn build(content: &Content) -> Self {
        let guides: Vec<&Guide> = content.guides().collect();
        let shares = crate::parallel::in_shares(guides.len(), GUIDES_PER_WORKER, |share| {
            let mut sink = DocSink::default();
            for g in share {
                sink.guide(g, guides[g]);
            }
            sink.docs.finish()
        });
        let mut shares = shares.into_iter();
        let mut table = shares.next().unwrap_or_default();
        for share in shares {
            table.append(share);
        }
        table.shrink_to_fit();
        let mut index = Self::from_table(table);
        index.guides = guides
            .iter()
            .map(|guide| (guide.id.clone(), guide.title.clone()))
            .collect();
        index.synonyms = Synonyms {
            global: SynonymTable::new(content.synonyms()),
            guides: guides
                .iter()
                .enumerate()
                .filter(|(_, guide)| !guide.synonyms.is_empty())
                .map(|(g, guide)| (index.guide_docs(g), SynonymTable::new(&guide.synonyms)))
                .filter(|(_, table)| !table.is_empty())
                .collect(),
        };
        index
    }

    /// The same index, reading `synonyms` as the help centre's everyday words (benchmarks
    /// and tests over ready-made documents).
    #[must_use]
    pub fn with_synonyms(mut self, synonyms: &[crate::content::Synonym]) -> Self {
        self.synonyms.global = SynonymTable::new(synonyms);
        self
    }

    /// The documents of guide `g` (documents are in guide order).
    fn guide_docs(&self, g: usize) -> Range<usize> {
        let records = &self.docs.records;
        let start = records.partition_point(|record| (record.guide as usize) < g);
        let end = records.partition_point(|record| (record.guide as usize) <= g);
        start..end
    }

    /// An index over ready-made documents (benchmarks build synthetic ones).
    pub fn from_docs(docs: Vec<Doc>) -> Self {
        Self::from_table(DocTable::pack(docs))
    }

    fn from_table(docs: DocTable) -> Self {
        let shares = crate::parallel::in_shares(docs.len(), PER_WORKER, |share| {
            let bytes: usize = share.clone().map(|d| docs.text_range(d).len()).sum();
            // At most one stored character per byte; Korean text needs a third of that.
            let mut chars = Vec::with_capacity(bytes / 2);
            let mut ends = Vec::with_capacity(share.len());
            let mut class_sets = Vec::with_capacity(share.len());
            for d in share {
                class_sets.push(store_chars(docs.text(d), &mut chars));
                ends.push(chars.len());
            }
            let mut present = SyllableSet::default();
            for &code in &chars {
                present.insert(char_of(code));
            }
            (chars, ends, class_sets, present)
        });
        let total: usize = shares.iter().map(|(chars, _, _, _)| chars.len()).sum();
        let mut present = SyllableSet::default();
        let mut chars = Vec::with_capacity(total);
        let mut bounds = Vec::with_capacity(docs.len() + 1);
        let mut class_sets = Vec::with_capacity(docs.len());
        bounds.push(0);
        for (share_chars, ends, sets, share_present) in shares {
            present.extend(&share_present);
            let offset = chars.len();
            chars.extend_from_slice(&share_chars);
            bounds.extend(ends.into_iter().map(|end| offset + end));
            class_sets.extend(sets);
        }
        let tiers = docs
            .records
            .iter()
            .map(|record| record.kind.tier())
            .collect();
        let postings = Some(Postings::build(&chars, &bounds));
        Self {
            docs,
            chars,
            bounds,
            class_sets,
            tiers,
            synonyms: Synonyms::default(),
            present,
            guides: Vec::new(),
            postings,
        }
    }

    /// A text as the index stores it (for tests of the matcher).
    #[cfg(test)]
    pub(crate) fn stored_chars(text: &str) -> Vec<u32> {
        let mut chars = Vec::new();
        store_chars(text, &mut chars);
        chars
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.len() == 0
    }

    /// The id and title of guide `g` (content order), as the index was built from.
    pub fn guide_name(&self, g: usize) -> Option<(&str, &str)> {
        self.guides
            .get(g)
            .map(|(id, title)| (id.as_str(), title.as_str()))
    }

    pub fn doc(&self, index: usize) -> DocRef<'_> {
        self.docs.get(index)
    }

    /// Every document, in order.
    pub fn docs(&self) -> impl Iterator<Item = DocRef<'_>> {
        (0..self.docs.len()).map(|d| self.docs.get(d))
    }

    fn chars(&self, doc: usize) -> &[u32] {
        &self.chars[self.bounds[doc]..self.bounds[doc + 1]]
    }

    /// Bytes of memory the index holds: the documents, the stored characters, the class
    /// sets and the character lists (for the memory report in the README).
    pub fn heap_bytes(&self) -> usize {
        self.docs.heap_bytes()
            + self.chars.capacity() * 4
            + self.bounds.capacity() * std::mem::size_of::<usize>()
            + self.class_sets.capacity() * 8
            + self.tiers.capacity()
            + self.postings.as_ref().map_or(0, Postings::heap_bytes)
    }

    /// The same index searching by a plain scan of every document, without the lists of
    /// which documents hold which characters: what tests compare the lists against.
    #[doc(hidden)]
    #[must_use]
    pub fn scanning_only(mut self) -> Self {
        self.postings = None;
        self
    }

    /// Every hit for `query`, best first. An empty query lists everything in content order.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        self.search_cached(&mut SearchCache::default(), query)
            .into_all(self)
    }

    /// The hits for `query`, counted, with the first [`FIRST_PAGE`] in order; reuses (and
    /// updates) what earlier keystrokes left in `cache`.
    pub fn search_cached(&self, cache: &mut SearchCache, query: &str) -> SearchResults {
        let prepared = prepare_query(query, &self.synonyms, &self.present);
        if prepared.is_empty() {
            cache.levels.clear();
            return SearchResults::listing(self.docs.len());
        }
        let mut pending = Vec::new();
        let mut levels = Vec::new();
        let mut run = |v: usize, variant: &Variant, pending: &mut Vec<Pending>| {
            if !variant
                .units
                .iter()
                .all(|unit| unit.can_match(&self.present))
            {
                return;
            }
            let settled = variant.settled();
            let scope = variant.scope.clone();
            let base = cache.best_for(variant);
            let keep = !settled.is_empty() && base.is_none_or(|l| l.units.len() < settled.len());
            // Without earlier work, the documents that hold the units (only the settled
            // ones when their matches are kept: the last syllable may still change).
            let range = scope.clone().unwrap_or(0..self.docs.len());
            let picked = match base {
                Some(_) => None,
                None => self.postings.as_ref().and_then(|postings| {
                    postings.candidates(if keep { settled } else { &variant.units }, range.clone())
                }),
            };
            let source = match (base, &picked) {
                (Some(level), _) => Source::Level(&level.candidates, level.units.len()),
                (None, Some(picked)) => Source::Picked(picked),
                (None, None) => Source::Docs(range.clone()),
            };
            // A hit needs the last, half-typed syllable too: documents without any of its
            // characters are matched only as far as the settled units (for the next keystroke).
            let may_hit = variant
                .last_partial()
                .zip(self.postings.as_ref())
                .and_then(|(last, postings)| postings.holding(last, range.clone(), source.len()));
            // On every core when there is enough to share; shares come back in order.
            let shares = in_parallel(&source, |part| {
                self.scan(v, variant, part, keep, may_hit.as_ref())
            });
            let mut candidates = Vec::with_capacity(shares.iter().map(|s| s.0.len()).sum());
            for (share_candidates, share_pending) in shares {
                candidates.extend(share_candidates);
                pending.extend(share_pending);
            }
            // No settled units: every document is a candidate, which needs no list.
            if keep {
                levels.push(Level {
                    units: settled.to_vec(),
                    scope,
                    any_order: variant.is_any_order(),
                    word_starts: if variant.is_any_order() {
                        variant.word_starts & ((1u64 << settled.len().min(63)) - 1)
                    } else {
                        0
                    },
                    candidates,
                });
            }
        };
        let variants = || prepared.variants.iter().enumerate();
        for (v, variant) in variants().filter(|(_, variant)| !variant.is_fallback()) {
            run(v, variant, &mut pending);
        }
        // Misspellings, everyday words and other word orders rank below every match of the
        // query as typed in one piece: when those fill the first page, they are not looked for.
        let in_one_piece = pending.iter().filter(|hit| hit.is_contiguous()).count();
        if in_one_piece < FIRST_PAGE {
            for (v, variant) in variants().filter(|(_, variant)| variant.is_fallback()) {
                run(v, variant, &mut pending);
            }
        }
        cache.keep(&prepared, levels);
        let mut total = self.distinct(&prepared, &pending);
        if total < FEW_HITS {
            self.add_loose(&prepared, &mut pending);
            total = self.distinct(&prepared, &pending);
        }
        let mut results = SearchResults::new(prepared, pending, total, self.docs.len());
        results.rank_up_to(self, FIRST_PAGE);
        results
    }

    /// Matches reading `variant` in the documents of `source`: returns the documents its
    /// settled units match (when `keep`, for the next keystroke) and the hits.
    fn scan(
        &self,
        v: usize,
        variant: &Variant,
        source: &Source<'_>,
        keep: bool,
        may_hit: Option<&DocSet>,
    ) -> (Vec<(u32, Progress)>, Vec<Pending>) {
        let may_hit = |d: usize| may_hit.is_none_or(|set| set.contains(d));
        let settled = variant.settled();
        let mut candidates = Vec::new();
        let mut pending = Vec::new();
        if variant.is_any_order() {
            // The words before the last each in one piece narrow the documents for the next
            // keystroke; the last word decides the hit.
            let done = match source {
                Source::Level(_, done) => *done,
                Source::Docs(_) | Source::Picked(_) => 0,
            };
            let mut consider = |doc: u32, from: Progress| {
                let d = doc as usize;
                if self.class_sets[d] & variant.stable_classes != variant.stable_classes
                    || !(keep || may_hit(d))
                {
                    return;
                }
                let (settled, found) = matcher::any_order(variant, self.chars(d), from, done);
                if keep && let Some(progress) = settled {
                    candidates.push((doc, progress));
                }
                if let Some(found) = found
                    && self.class_sets[d] & variant.classes == variant.classes
                    && may_hit(d)
                {
                    pending.push(Pending::new(doc, v, self.tiers[d], found));
                }
            };
            match source {
                Source::Level(level, _) => {
                    level.iter().for_each(|&(doc, from)| consider(doc, from));
                }
                Source::Docs(range) => {
                    for d in range.clone() {
                        consider(u32::try_from(d).unwrap_or(u32::MAX), Progress::START);
                    }
                }
                Source::Picked(picked) => {
                    picked
                        .iter()
                        .for_each(|&doc| consider(doc, Progress::START));
                }
            }
            return (candidates, pending);
        }
        let single = variant.units.len() == 1;
        let mut consider = |doc: u32, progress: Progress, done: usize| {
            let d = doc as usize;
            let chars = self.chars(d);
            if single && done == 0 {
                if !may_hit(d) {
                    return;
                }
                if let Some((progress, found)) = matcher::single(variant, chars) {
                    if keep {
                        candidates.push((doc, progress));
                    }
                    pending.push(Pending::new(doc, v, self.tiers[d], found));
                }
                return;
            }
            let Some(progress) = matcher::advance(&settled[done..], chars, progress) else {
                return;
            };
            if keep {
                candidates.push((doc, progress));
            }
            if self.class_sets[d] & variant.classes != variant.classes || !may_hit(d) {
                return;
            }
            if let Some(found) = matcher::evaluate(variant, chars, progress) {
                pending.push(Pending::new(doc, v, self.tiers[d], found));
            }
        };
        match source {
            Source::Level(level, done) => {
                for &(doc, progress) in *level {
                    consider(doc, progress, *done);
                }
            }
            Source::Docs(range) => {
                for d in range.clone() {
                    if self.class_sets[d] & variant.stable_classes == variant.stable_classes {
                        consider(u32::try_from(d).unwrap_or(u32::MAX), Progress::START, 0);
                    }
                }
            }
            Source::Picked(picked) => {
                for &doc in *picked {
                    let classes = self.class_sets[doc as usize];
                    if classes & variant.stable_classes == variant.stable_classes {
                        consider(doc, Progress::START, 0);
                    }
                }
            }
        }
        (candidates, pending)
    }

    /// How many documents the pending hits name (two readings may find the same one).
    fn distinct(&self, prepared: &PreparedQuery, pending: &[Pending]) -> usize {
        if prepared.variants.len() < 2 {
            return pending.len();
        }
        let mut seen = DocSet::new(self.docs.len());
        pending.iter().filter(|hit| seen.insert(hit.doc())).count()
    }

    /// Adds contiguous matches with one syllable slip, for documents not found already.
    fn add_loose(&self, prepared: &PreparedQuery, pending: &mut Vec<Pending>) {
        let mut found = DocSet::new(self.docs.len());
        for hit in pending.iter() {
            found.insert(hit.doc());
        }
        for (v, variant) in prepared.variants.iter().enumerate() {
            // A slip on top of a misspelling, an everyday word or a reordering would be a
            // guess upon a guess.
            let derived = variant.how.contains(MatchHow::MISSPELLING)
                || variant.how.contains(MatchHow::SYNONYM)
                || variant.is_any_order();
            if derived || !matcher::allows_slip(variant) {
                continue;
            }
            let all = Source::Docs(variant.scope.clone().unwrap_or(0..self.docs.len()));
            let shares = in_parallel(&all, |part| {
                let Source::Docs(range) = part else {
                    return Vec::new();
                };
                range
                    .clone()
                    .filter(|&d| {
                        self.class_sets[d] & variant.classes == variant.classes
                            && !found.contains(d)
                    })
                    .filter_map(|d| {
                        let hit = matcher::loose_contiguous(variant, self.chars(d))?;
                        let doc = u32::try_from(d).ok()?;
                        Some(Pending::new(doc, v, self.tiers[d], hit).slipped())
                    })
                    .collect()
            });
            pending.extend(shares.into_iter().flatten());
        }
    }
}

/// Runs `work` on consecutive shares of `source`, on every core when there is enough to
/// share, and returns the results in order.
fn in_parallel<T: Send>(source: &Source<'_>, work: impl Fn(&Source<'_>) -> T + Sync) -> Vec<T> {
    crate::parallel::in_shares(source.len(), PER_WORKER, |share| work(&source.slice(share)))
}

/// Where a keystroke looks: the documents an earlier keystroke's settled units matched (and
/// how many units that was), the documents that hold the reading's characters, or a range
/// of all documents.
enum Source<'a> {
    Level(&'a [(u32, Progress)], usize),
    Picked(&'a [u32]),
    Docs(Range<usize>),
}

/// Below this many documents per core, one core is quicker than starting threads.
const PER_WORKER: usize = 16_384;
/// Guides to a core when building the index (a guide holds tens to thousands of documents).
const GUIDES_PER_WORKER: usize = 4;

impl Source<'_> {
    fn len(&self) -> usize {
        match self {
            Self::Level(level, _) => level.len(),
            Self::Picked(picked) => picked.len(),
            Self::Docs(range) => range.len(),
        }
    }

    /// The part of this source at `share` (positions within it).
    fn slice(&self, share: Range<usize>) -> Source<'_> {
        match self {
            Self::Level(level, done) => Source::Level(&level[share], *done),
            Self::Picked(picked) => Source::Picked(&picked[share]),
            Self::Docs(range) => Source::Docs(range.start + share.start..range.start + share.end),
        }
    }
}

/// Appends a text's folded non-space characters to `chars`; returns its class set.
fn store_chars(text: &str, chars: &mut Vec<u32>) -> u64 {
    let mut classes = 0u64;
    let mut word_start = true;
    for ch in text.chars() {
        if ch.is_whitespace() {
            word_start = true;
            continue;
        }
        let folded = fold(ch);
        classes |= 1u64 << class_of(folded);
        chars.push(u32::from(folded) | if word_start { WORD_START } else { 0 });
        word_start = ends_word(ch);
    }
    classes
}

/// Collects the documents of each guide, in content order.
#[derive(Default)]
struct DocSink {
    docs: DocPacker,
}

impl DocSink {
    fn add(&mut self, kind: DocKind, id: &Arc<str>, title: &Arc<str>, text: &str, target: Target) {
        self.docs.push(kind, id, title, text, target);
    }

    fn guide(&mut self, g: usize, guide: &Guide) {
        let title: Arc<str> = Arc::from(guide.title.as_str());
        let id: Arc<str> = Arc::from(guide.id.as_str());
        let target = Target::Guide { guide: g };
        self.add(DocKind::Guide, &id, &title, &guide.heading, target);
        self.add(DocKind::Guide, &id, &title, &guide.category_path(), target);
        // Everything the console shows is searchable: the handling order in the header,
        // the links, the schedule's and the sections' titles.
        self.add(
            DocKind::Guide,
            &id,
            &title,
            &guide.handling_order_line(),
            target,
        );
        for link in &guide.links {
            let link_id: Arc<str> = Arc::from(link.id.as_str());
            let text = format!("{}: {}", link.label, link.display_target());
            self.add(DocKind::Link, &link_id, &title, &text, target);
        }
        for (q, qa) in guide.qa.iter().enumerate() {
            self.qa(g, q, guide, qa);
        }
        for (r, rule) in guide.rules.iter().enumerate() {
            let id: Arc<str> = Arc::from(rule.id.as_str());
            let summary = crate::rules::summary(&rule.terms);
            let title: Arc<str> = Arc::from(summary.as_str());
            self.add(
                DocKind::Rule,
                &id,
                &title,
                &summary,
                Target::Rule { guide: g, rule: r },
            );
        }
        for section in &guide.notes {
            let title: Arc<str> = Arc::from(section.title.as_deref().unwrap_or(&guide.title));
            if let Some(heading) = &section.title {
                let section_id: Arc<str> = Arc::from(section.id.as_str());
                self.add(DocKind::Section, &section_id, &title, heading, target);
            }
            for item in &section.items {
                let kind = match item.kind {
                    ItemKind::Benefit => DocKind::Benefit,
                    ItemKind::Partner => DocKind::Partner,
                    ItemKind::Text | ItemKind::AppPath | ItemKind::Link => DocKind::Note,
                };
                let id: Arc<str> = Arc::from(item.id.as_str());
                self.add(kind, &id, &title, &guide.item_text(item), target);
            }
        }
        if let Some(schedule) = &guide.schedule {
            let title: Arc<str> = Arc::from(schedule.title.as_str());
            self.add(DocKind::Schedule, &id, &title, &schedule.title, target);
            for event in &schedule.events {
                let id: Arc<str> = Arc::from(event.id.as_str());
                self.add(DocKind::Schedule, &id, &title, &event.line(), target);
            }
        }
        for (t, template) in guide.sms_templates.iter().enumerate() {
            let id: Arc<str> = Arc::from(template.id.as_str());
            let title: Arc<str> = Arc::from(template.title.as_str());
            let target = Target::Template {
                guide: g,
                template: t,
            };
            self.add(DocKind::SmsTitle, &id, &title, &template.label(), target);
            self.add(DocKind::SmsBody, &id, &title, &template.text, target);
        }
    }

    fn qa(&mut self, g: usize, q: usize, guide: &Guide, qa: &crate::content::Qa) {
        let id: Arc<str> = Arc::from(qa.id.as_str());
        let title: Arc<str> = Arc::from(qa.title().as_str());
        let target = Target::Qa { guide: g, qa: q };
        for question in &qa.questions {
            self.add(DocKind::Question, &id, &title, question, target);
        }
        for alias in &qa.aliases {
            self.add(DocKind::Alias, &id, &title, alias, target);
        }
        for section in &qa.sections {
            let kind = match section.kind {
                SectionKind::Script => DocKind::Script,
                SectionKind::Note => DocKind::Note,
                SectionKind::PolicyTable => DocKind::Policy,
            };
            if let Some(heading) = &section.title {
                self.add(DocKind::Section, &id, &title, heading, target);
            }
            for item in &section.items {
                self.add(kind, &id, &title, &guide.item_text(item), target);
            }
        }
    }
}
