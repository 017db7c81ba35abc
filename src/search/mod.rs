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

mod codes;
mod docs;
mod docset;
pub mod index_cache;
mod matcher;
mod postings;
mod query;
mod ranked;
mod results;
mod scan;
mod single;
mod spoken;
mod stored;
mod terms;
mod tops;
mod wire;

use std::ops::Range;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use crate::content::{Catalog, Content, Guide, ItemKind, SectionKind};
use codes::{Alphabet, Initials, Text, class_of};
pub use docs::DocRef;
use docs::{DocPacker, DocTable};
use docset::DocSet;
use postings::Postings;
pub use query::MatchHow;
use query::{PreparedQuery, SynonymTable, Synonyms, Unit, Variant, ends_word, fold, prepare_query};
use ranked::{Ranked, RankedAnswer, RankedQuery};
pub use results::{Hit, SearchResults};
use results::{Order, Pending, Regather};
use scan::{Candidates, Gathered, PER_WORKER, Scan, Source, Spare, in_parallel};
use tops::Tops;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// The characters the documents hold, numbered.
    alphabet: Alphabet,
    /// Folded non-space characters of every document as codes, one after another, with
    /// [`codes::WORD_START`] marking the first character of each word, then
    /// [`codes::PADDING`] of
    /// padding (a scan reads whole chunks).
    chars: Vec<u16>,
    /// Document `d`'s characters are `chars[bounds[d]..bounds[d + 1]]`.
    bounds: Vec<u32>,
    /// Each stored character's initial consonant, at the same places as `chars` (see
    /// [`codes::Initials`]; empty when the codes could not number every character).
    initial_bytes: Vec<u8>,
    class_sets: Vec<u64>,
    /// Each document's [`DocKind::tier`], kept apart so a scan need not touch the documents.
    tiers: Vec<u8>,
    /// Everyday words for the guides' words: the help centre's, and each guide's own.
    synonyms: Synonyms,
    /// Each guide's id and title, in content order (what a hit's guide is called).
    guides: Vec<(String, String)>,
    /// The documents holding each character: a keystroke with no earlier work to go on
    /// looks only at the documents that hold its settled units. `None`: every search scans
    /// (the plain scan the lists are tested against).
    postings: Option<Postings>,
    /// The documents holding each initial consonant (a syllable it starts, or the letter).
    initials: Vec<DocSet>,
    /// Each character's best documents for a one-character query.
    tops: Tops,
    /// What a console lists and refers to before it reads any guide (an index read from a
    /// stored file has it; one built from content in memory has not).
    catalog: Catalog,
    /// Hits that cannot be on the page are counted but not kept (off: every hit is scored
    /// and kept, what the pruning is tested against).
    pruning: bool,
    /// The ranked tier's postings, built from the stored characters when first needed.
    ranked: OnceLock<Ranked>,
    /// A search waits for the ranked tier to be built (false once a console builds it in the
    /// background: until it is ready, searches are the exact tiers' alone).
    ranked_waits: AtomicBool,
    /// Searches leave the ranked tier out (benches: the exact tiers' own time).
    ranked_off: AtomicBool,
    /// Where the ranked tier's postings are stored for this content (its identity), when
    /// the index came through a cache: read from there, or built and stored there.
    ranked_file: Option<(std::path::PathBuf, [u8; 16])>,
}

/// What earlier keystrokes learnt, reused by the next: for each run of settled units typed
/// so far, the documents they match and where their match ends; and the answers to the
/// last queries (Backspace returns to one).
#[derive(Debug, Default)]
pub struct SearchCache {
    levels: Vec<Level>,
    answers: Vec<Answer>,
    /// Buffers of levels let go, for the next levels: a fresh buffer of a million entries
    /// costs the kernel a page fault every 4 KB.
    spare: Spare,
}

impl Clone for SearchCache {
    fn clone(&self) -> Self {
        Self {
            levels: self.levels.clone(),
            answers: self.answers.clone(),
            spare: Spare::default(),
        }
    }
}

/// A query's answer as it was gathered: ranking it again gives the same results.
#[derive(Debug, Clone)]
struct Answer {
    query: String,
    page: usize,
    pending: Vec<Pending>,
    total: usize,
    regather: Regather,
    /// The ranked tier's hits, and how it read the query.
    partial: (Vec<Hit>, Vec<String>),
    /// The ranked tier was ready (an answer gathered before it was is gathered again).
    ranked: bool,
}

/// Answers kept: the queries typed on the way to the current one.
const ANSWERS_KEPT: usize = 16;
/// An answer holding more waiting hits than this is not kept (gathering it again is as
/// quick as copying it).
const ANSWER_MOST: usize = 20_000;
/// Documents the levels kept may hold together (twelve bytes each).
const LEVEL_ENTRIES_KEPT: usize = 4_000_000;

#[derive(Debug, Clone)]
struct Level {
    units: Vec<Unit>,
    /// The documents the reading applies to (all when none).
    scope: Option<Range<usize>>,
    /// The units are whole words found in any order, each in one piece (not in order).
    any_order: bool,
    /// For any-order units: where their words start (as [`Variant::word_starts`]).
    word_starts: u64,
    /// The documents (and where their units matched), in parts made on different cores.
    candidates: Vec<Candidates>,
    /// Only documents where this unit (the half-typed one that followed) matched after the
    /// units were kept: the level serves a reading whose next unit matches only where this
    /// one does (`가입` keeps the documents with `가` then `입`, for `가입 기`, not `가이 기`).
    within: Option<Unit>,
}

impl Level {
    fn len(&self) -> usize {
        self.candidates.iter().map(Vec::len).sum()
    }

    fn serves(&self, variant: &Variant) -> bool {
        if self.scope != variant.scope || self.any_order != variant.is_any_order() {
            return false;
        }
        if let Some(within) = &self.within
            && !variant
                .units
                .get(self.units.len())
                .is_some_and(|next| next.matches_only_where(within))
        {
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
            // Of levels as far on, the one holding fewest documents (kept for a later
            // keystroke of the same half-typed syllable).
            .max_by_key(|level| (level.units.len(), std::cmp::Reverse(level.len())))
    }

    /// Keeps the levels on the path to the current query's readings, and the new ones.
    fn keep(&mut self, query: &PreparedQuery, new: Vec<Level>) {
        let (kept, mut dropped): (Vec<Level>, Vec<Level>) = std::mem::take(&mut self.levels)
            .into_iter()
            .partition(|level| {
                query
                    .variants
                    .iter()
                    .any(|v| level.serves(v) && v.settled().starts_with(&level.units))
                    && !new.iter().any(|n| {
                        n.units == level.units
                            && n.scope == level.scope
                            && n.any_order == level.any_order
                            && n.word_starts == level.word_starts
                            && n.within == level.within
                    })
            });
        self.levels = kept;
        self.levels.extend(new);
        if self.levels.len() > LEVELS_KEPT {
            self.levels.sort_by_key(|level| level.units.len());
            let excess = self.levels.len() - LEVELS_KEPT;
            dropped.extend(self.levels.drain(..excess));
        }
        // The largest levels go first when together they hold too much memory.
        while self.levels.iter().map(Level::len).sum::<usize>() > LEVEL_ENTRIES_KEPT {
            let Some((largest, _)) = self
                .levels
                .iter()
                .enumerate()
                .max_by_key(|(_, level)| level.len())
            else {
                break;
            };
            dropped.push(self.levels.remove(largest));
        }
        for level in dropped {
            self.spare.give(level.candidates);
        }
    }

    /// The answer kept for `query` ranked to `page`, if any.
    fn answer(&self, query: &str, page: usize) -> Option<&Answer> {
        self.answers
            .iter()
            .find(|answer| answer.query == query && answer.page == page)
    }

    fn remember(&mut self, answer: Answer) {
        if answer.pending.len() > ANSWER_MOST {
            return;
        }
        self.answers
            .retain(|kept| kept.query != answer.query || kept.page != answer.page);
        if self.answers.len() >= ANSWERS_KEPT {
            self.answers.remove(0);
        }
        self.answers.push(answer);
    }
}

/// The documents of a run of consecutive guides, gathered a guide at a time: a share of an
/// index being built (see [`SearchIndex::from_shares`]).
pub struct IndexShare {
    sink: DocSink,
    /// Each guide's id and title.
    guides: Vec<(String, String)>,
    /// The guides with everyday words of their own, and those words.
    synonyms: Vec<(usize, Vec<crate::content::Synonym>)>,
}

impl IndexShare {
    /// A share holding its texts in memory.
    pub fn in_memory() -> Self {
        Self::with(DocPacker::default())
    }

    /// A share that writes its texts to a new file in `dir` as they come (removed once no
    /// index reads it): an index built this way holds none of its texts in memory, which for
    /// a help centre is a third of what building it takes.
    pub fn writing_texts_to(dir: &Path) -> std::io::Result<Self> {
        DocPacker::writing_texts_to(dir).map(Self::with)
    }

    fn with(docs: DocPacker) -> Self {
        Self {
            sink: DocSink { docs },
            guides: Vec::new(),
            synonyms: Vec::new(),
        }
    }

    /// Adds guide `g` (shares are given guides in content order, and shares follow one
    /// another in that order).
    pub fn add(&mut self, g: usize, guide: &Guide) {
        self.sink.guide(g, guide);
        self.guides.push((guide.id.clone(), guide.title.clone()));
        if !guide.synonyms.is_empty() {
            self.synonyms.push((g, guide.synonyms.clone()));
        }
    }
}

/// How an index being built reads its documents' texts (held in memory, which cannot fail,
/// or from files).
type EachText<E> = fn(&DocTable, Range<usize>, &mut dyn FnMut(usize, &str)) -> Result<(), E>;

impl SearchIndex {
    pub fn build(content: &Content) -> Self {
        let guides: Vec<&Guide> = content.guides().collect();
        let shares = crate::parallel::in_shares(guides.len(), GUIDES_PER_WORKER, |share| {
            let mut gathered = IndexShare::in_memory();
            for g in share {
                gathered.add(g, guides[g]);
            }
            gathered
        });
        let mut table = DocTable::default();
        let mut named = Vec::with_capacity(guides.len());
        let mut guide_synonyms = Vec::new();
        for share in shares {
            table.append_held(share.sink.docs.into_table());
            named.extend(share.guides);
            guide_synonyms.extend(share.synonyms);
        }
        let Ok(index) = Self::from_guides(
            table,
            named,
            &guide_synonyms,
            content.synonyms(),
            DocTable::each_held_text,
        );
        index
    }

    /// The index of the guides gathered in `shares` (in content order) with their texts in
    /// files, reading `synonyms` as the help centre's everyday words. Fails when the texts
    /// could not be written or read back.
    pub fn from_shares(
        shares: Vec<IndexShare>,
        synonyms: &[crate::content::Synonym],
    ) -> std::io::Result<Self> {
        let mut table: Option<DocTable> = None;
        let mut named = Vec::new();
        let mut guide_synonyms = Vec::new();
        for share in shares {
            let part = share.sink.docs.finish()?;
            match &mut table {
                Some(table) => table.append_in_files(part)?,
                None => table = Some(part),
            }
            named.extend(share.guides);
            guide_synonyms.extend(share.synonyms);
        }
        let table = table.unwrap_or_default();
        Self::from_guides(table, named, &guide_synonyms, synonyms, DocTable::each_text)
    }

    /// The index of the documents `table` of guides named `guides` (id and title), with the
    /// guides' everyday words `guide_synonyms` and the help centre's `synonyms`.
    fn from_guides<E: Send>(
        mut table: DocTable,
        guides: Vec<(String, String)>,
        guide_synonyms: &[(usize, Vec<crate::content::Synonym>)],
        synonyms: &[crate::content::Synonym],
        each_text: EachText<E>,
    ) -> Result<Self, E> {
        table.shrink_to_fit();
        let mut index = Self::from_table(table, each_text)?;
        index.guides = guides;
        index.synonyms = Synonyms {
            global: SynonymTable::new(synonyms),
            guides: guide_synonyms
                .iter()
                .map(|(g, words)| (index.guide_docs(*g), SynonymTable::new(words)))
                .filter(|(_, table)| !table.is_empty())
                .collect(),
        };
        Ok(index)
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
        let Ok(index) = Self::from_table(DocTable::pack(docs), DocTable::each_held_text);
        index
    }

    /// The index of the documents `docs`, their texts read with `each_text`.
    fn from_table<E: Send>(docs: DocTable, each_text: EachText<E>) -> Result<Self, E> {
        // The characters the texts hold first (numbered in code point order), and how many
        // each text stores (every character but spaces), so that every text's codes can
        // then be written in place into one array.
        let seen = crate::parallel::in_shares(docs.len(), PER_WORKER, |share| {
            let mut seen = CharSet::default();
            let mut counts = Vec::with_capacity(share.len());
            each_text(&docs, share, &mut |_, text| {
                let mut count = 0u32;
                for ch in text.chars() {
                    // Spaces are numbered too (as they always were: a stored index's codes
                    // stay the same), though never stored.
                    seen.insert(fold(ch));
                    count += u32::from(!ch.is_whitespace());
                }
                counts.push(count);
            })
            .map(|()| (seen, counts))
        });
        let seen = seen.into_iter().collect::<Result<Vec<_>, E>>()?;
        let mut bounds = Vec::with_capacity(docs.len() + 1);
        bounds.push(0u32);
        let mut sets = Vec::with_capacity(seen.len());
        for (set, counts) in seen {
            for count in counts {
                let last = bounds.last().copied().unwrap_or(0);
                bounds.push(last.saturating_add(count));
            }
            sets.push(set);
        }
        let alphabet = Alphabet::new(
            sets.into_iter()
                .reduce(CharSet::union)
                .unwrap_or_default()
                .chars(),
        );
        let total = bounds.last().map_or(0, |&end| end as usize);
        // Each share of the documents writes its codes and class sets into its own part of
        // the two arrays (a help centre's codes are 71 MB: built in pieces and joined, the
        // pieces would stay behind in the allocator's memory).
        let mut chars = vec![codes::PAD; total + codes::PADDING];
        let mut class_sets = vec![0u64; docs.len()];
        let shares = crate::parallel::share_ranges(docs.len(), PER_WORKER);
        let stored = shares
            .iter()
            .map(|share| (bounds[share.end] - bounds[share.start]) as usize);
        let chars_parts = crate::parallel::split_into(&mut chars, stored);
        let sets_parts =
            crate::parallel::split_into(&mut class_sets, shares.iter().map(Range::len));
        let parts: Vec<_> = shares
            .into_iter()
            .zip(chars_parts)
            .zip(sets_parts)
            .map(|((share, share_chars), share_sets)| (share, share_chars, share_sets))
            .collect();
        let written = crate::parallel::each_part(parts, |(share, share_chars, share_sets)| {
            let first = share.start;
            let offset = bounds[first] as usize;
            each_text(&docs, share, &mut |d, text| {
                let start = bounds[d] as usize - offset;
                let place = share_chars.get_mut(start..).unwrap_or_default();
                let mut slots = place.iter_mut();
                share_sets[d - first] = store_chars(text, &alphabet, |code| {
                    if let Some(slot) = slots.next() {
                        *slot = code;
                    }
                });
            })
        });
        written.into_iter().collect::<Result<Vec<()>, E>>()?;
        let tiers = docs
            .records
            .iter()
            .map(|record| record.kind.tier())
            .collect();
        let postings = Some(Postings::build(&chars, &bounds, alphabet.len()));
        let initials = initial_sets(&class_sets);
        let mut index = Self {
            docs,
            alphabet,
            chars,
            bounds,
            class_sets,
            tiers,
            synonyms: Synonyms::default(),
            guides: Vec::new(),
            postings,
            initials,
            tops: Tops::default(),
            catalog: Catalog::default(),
            initial_bytes: Vec::new(),
            pruning: true,
            ranked: OnceLock::new(),
            ranked_waits: AtomicBool::new(true),
            ranked_off: AtomicBool::new(false),
            ranked_file: None,
        };
        index.tops = Tops::build(&index, index.alphabet.len());
        index.initial_bytes = initial_bytes(&index.chars, &index.alphabet);
        Ok(index)
    }

    /// A text as the index stores it with `alphabet` (for tests of the matcher).
    #[cfg(test)]
    pub(crate) fn stored_chars(text: &str, alphabet: &Alphabet) -> Vec<u16> {
        let mut chars = Vec::new();
        store_chars(text, alphabet, |code| chars.push(code));
        chars
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// The catalog stored with the index (empty for one built in memory).
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
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

    /// Reads the documents' texts into memory, when they are in the file the index was read
    /// from (a search that prints many hits reads them all at once instead of one by one).
    pub fn hold_texts(&self) {
        self.docs.hold_texts();
    }

    /// Every document, in order.
    pub fn docs(&self) -> impl Iterator<Item = DocRef<'_>> {
        (0..self.docs.len()).map(|d| self.docs.get(d))
    }

    /// Document `doc`'s stored characters (the codes after them readable in whole chunks).
    fn chars(&self, doc: usize) -> Text<'_> {
        let (start, end) = (self.bounds[doc] as usize, self.bounds[doc + 1] as usize);
        Text::new(self.chars.get(start..).unwrap_or_default(), end - start)
    }

    /// Document `doc`'s initials, when every character has one known.
    fn initials_of(&self, doc: usize) -> Option<Initials<'_>> {
        let (start, end) = (self.bounds[doc] as usize, self.bounds[doc + 1] as usize);
        // None kept (an empty list): `get(0..)` would still give the first document a
        // list, of no initials.
        if self.initial_bytes.len() < end {
            return None;
        }
        Some(Initials::new(&self.initial_bytes[start..], end - start))
    }

    /// Bytes of memory the index holds: the documents, the stored characters, the class
    /// sets and the character lists (for the memory report in the README).
    pub fn heap_bytes(&self) -> usize {
        self.heap_parts().iter().map(|(_, bytes)| bytes).sum()
    }

    /// [`SearchIndex::heap_bytes`] part by part (what the memory report names).
    pub fn heap_parts(&self) -> Vec<(&'static str, usize)> {
        let mut parts = self.docs.heap_parts();
        parts.extend([
            ("characters", self.chars.capacity() * 2),
            ("initials of characters", self.initial_bytes.capacity()),
            (
                "bounds, classes, tiers",
                self.bounds.capacity() * 4 + self.class_sets.capacity() * 8 + self.tiers.capacity(),
            ),
            ("alphabet", self.alphabet.heap_bytes()),
            (
                "character lists",
                self.postings.as_ref().map_or(0, Postings::heap_bytes),
            ),
            (
                "initials",
                self.initials.iter().map(DocSet::heap_bytes).sum::<usize>(),
            ),
            ("best pages", self.tops.heap_bytes()),
            (
                "ranked tier",
                self.ranked.get().map_or(0, Ranked::heap_bytes),
            ),
        ]);
        parts
    }

    /// The ranked tier, the first time it is asked for: read from its stored file when there
    /// is one for this content, else built from the stored characters (and stored, when the
    /// index came through a cache; a file that cannot be written only costs the next start
    /// the build).
    fn ranked(&self) -> &Ranked {
        self.ranked.get_or_init(|| {
            let Some((path, identity)) = &self.ranked_file else {
                return Ranked::build(self);
            };
            if let Ok(ranked) = self.read_ranked(path, *identity) {
                return ranked;
            }
            let ranked = Ranked::build(self);
            let _ = stored::write_ranked(&ranked, path, *identity);
            ranked
        })
    }

    /// Keeps the ranked tier's postings in `path` for content of `identity` (see
    /// [`SearchIndex::store_ranked`]).
    pub(crate) fn keep_ranked_at(&mut self, path: std::path::PathBuf, identity: [u8; 16]) {
        self.ranked_file = Some((path, identity));
    }

    /// Builds the ranked tier now.
    pub fn prepare_ranked(&self) {
        let _ = self.ranked();
    }

    /// Builds the ranked tier on a thread of its own; until it is ready, searches do not
    /// wait for it and are the exact tiers' alone (a console opens and answers keystrokes
    /// at once, as it did before the ranked tier). Ends with the build.
    pub fn prepare_ranked_in_background(self: &Arc<Self>) -> std::thread::JoinHandle<()> {
        self.ranked_waits.store(false, Ordering::Relaxed);
        let index = Arc::clone(self);
        std::thread::spawn(move || {
            crate::parallel::lower_thread_priority();
            index.prepare_ranked();
        })
    }

    /// Leaves the ranked tier out of searches (`true`) or brings it back: what a console
    /// searches with until the tier is ready, for benches to time on its own.
    #[doc(hidden)]
    pub fn exact_tiers_only(&self, only: bool) {
        self.ranked_off.store(only, Ordering::Relaxed);
    }

    /// The ranked tier for a search: built now if searches wait for it, else only once the
    /// background build is done.
    fn ranked_for_search(&self) -> Option<&Ranked> {
        if self.ranked_off.load(Ordering::Relaxed) {
            return None;
        }
        if self.ranked_waits.load(Ordering::Relaxed) {
            Some(self.ranked())
        } else {
            self.ranked.get()
        }
    }

    /// The same index searching by a plain scan of every document, without the lists of
    /// which documents hold which characters, every hit scored and kept, lone consonants
    /// matched on the codes: what tests compare the lists, the pruning and the initials
    /// against.
    #[doc(hidden)]
    #[must_use]
    pub fn scanning_only(mut self) -> Self {
        self.postings = None;
        self.pruning = false;
        // Lone consonants matched on the characters' codes, as every other unit is.
        self.initial_bytes = Vec::new();
        self
    }

    /// Every hit for `query`, best first. An empty query lists everything in content order.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        self.search_page(&mut SearchCache::default(), query, usize::MAX)
            .into_all(self)
    }

    /// The hits for `query`, counted, with the first [`FIRST_PAGE`] in order; reuses (and
    /// updates) what earlier keystrokes left in `cache`.
    pub fn search_cached(&self, cache: &mut SearchCache, query: &str) -> SearchResults {
        self.search_page(cache, query, FIRST_PAGE)
    }

    /// The hits for `query`, counted, with the first `page` in order; reuses (and updates)
    /// what earlier keystrokes left in `cache`. Hits that cannot be among the first `page`
    /// are counted but not kept: ranking further gathers them again.
    pub fn search_page(&self, cache: &mut SearchCache, query: &str, page: usize) -> SearchResults {
        let prepared = prepare_query(query, &self.synonyms, &self.alphabet);
        if prepared.is_empty() {
            cache.levels.clear();
            return SearchResults::listing(self.docs.len());
        }
        // A space only marks where the unit after it starts: spaces after the last change no
        // reading, and the answer is the query's without them.
        let key = query.trim_end();
        let ranked_ready = self.ranked_for_search().is_some();
        if let Some(answer) = cache
            .answer(key, page)
            .filter(|answer| answer.ranked == ranked_ready)
        {
            let mut results = SearchResults::new(
                prepared,
                answer.pending.clone(),
                answer.total,
                self.docs.len(),
                answer.regather.clone(),
            )
            .with_partial(answer.partial.0.clone(), answer.partial.1.clone());
            results.rank_up_to(self, page);
            return results;
        }
        // The ranked tier reads the query first: its answers order the exact tiers' hits
        // within their bands, and give the partial hits.
        let ranked_query = self.ranked_query(&prepared);
        let answers = ranked_query
            .as_ref()
            .map(|query| self.ranked_answers(query, ranked::RESCORED))
            .unwrap_or_default();
        // Made whenever the ranked tier is ready, even with no answers: it is also what the
        // matches with a slipped syllable are looked for in.
        let relevance = ranked_ready.then(|| Arc::new(Relevance::of(self, &answers)));
        // Pages shorter than the first are not pruned to: the floor of a first page decides
        // whether the derived readings are looked for.
        let kept = if self.pruning {
            page.max(FIRST_PAGE)
        } else {
            usize::MAX
        };
        let mut gathered = Gathered::new(&prepared, kept, self.docs.len());
        let mut levels = Vec::new();
        let variants = || prepared.variants.iter().enumerate();
        for (v, variant) in variants().filter(|(_, variant)| !variant.is_fallback()) {
            self.gather(
                v,
                variant,
                Some(cache),
                relevance.as_deref(),
                &mut gathered,
                &mut levels,
            );
        }
        // Misspellings, everyday words and other word orders rank below every match of the
        // query as typed in one piece: when those fill the first page, they are not looked for.
        if gathered.contiguous < FIRST_PAGE {
            for (v, variant) in variants().filter(|(_, variant)| variant.is_fallback()) {
                self.gather(
                    v,
                    variant,
                    Some(cache),
                    relevance.as_deref(),
                    &mut gathered,
                    &mut levels,
                );
            }
        }
        cache.keep(&prepared, levels);
        let slipped = gathered.total() < FEW_HITS;
        if slipped {
            let loose = self.loose_hits(&prepared, &gathered.pending, relevance.as_deref());
            gathered.add_slipped(loose);
        }
        let total = gathered.total();
        // The ranked tier's answers that hold none of the exact tiers' hits are partial
        // hits, ranked with them by relevance.
        // Only under a page of exact hits: past it, the hits kept are not all of them, and
        // an answer whose exact hit was not kept would be shown twice once they are
        // gathered again (and a search that keeps every hit must give the same).
        let partial = if gathered.dropped || total >= FIRST_PAGE {
            (Vec::new(), Vec::new())
        } else {
            let hits = self.partial_hits(&answers, relevance.as_deref(), &gathered.pending);
            let lines = ranked_query
                .as_ref()
                .map(RankedQuery::describe)
                .unwrap_or_default();
            (hits, lines)
        };
        let regather = Regather {
            exact_for: if gathered.dropped {
                gathered.page
            } else {
                usize::MAX
            },
            ran: gathered.ran,
            slipped,
            relevance,
        };
        cache.remember(Answer {
            query: key.to_owned(),
            page,
            pending: gathered.pending.clone(),
            total,
            regather: regather.clone(),
            partial: partial.clone(),
            ranked: ranked_ready,
        });
        let mut results =
            SearchResults::new(prepared, gathered.pending, total, self.docs.len(), regather)
                .with_partial(partial.0, partial.1);
        results.rank_up_to(self, page);
        results
    }

    /// The ranked tier's reading of a query: from its best reading (as typed, or its 2-set
    /// keystrokes), with the help centre's everyday words (a guide's own apply in that guide
    /// only, to the exact tiers). None for a query of one character (its hits are the best
    /// places of that character) or with no word the content holds.
    fn ranked_query(&self, prepared: &PreparedQuery) -> Option<RankedQuery> {
        let base = prepared.variants.get(prepared.primary)?;
        if base.units.len() < 2 {
            return None;
        }
        // Numbers said aloud (삼천원, 십이월 일일) are read as the digits the guides write.
        let (text, said) = spoken::write_numbers(base.text.trim_end());
        let query = RankedQuery::read(
            self.ranked_for_search()?,
            &text,
            prepared.typed.trim_end(),
            &[&self.synonyms.global],
        )
        .with_numbers_said(said);
        (!query.is_empty()).then_some(query)
    }

    /// The partial hits of the ranked tier's `answers`: those holding enough of the query and
    /// none of the exact tiers' hits (`pending`), best first by the key they rank with.
    fn partial_hits(
        &self,
        answers: &[RankedAnswer],
        relevance: Option<&Relevance>,
        pending: &[Pending],
    ) -> Vec<Hit> {
        if answers.is_empty() {
            return Vec::new();
        }
        let exact: std::collections::HashSet<usize> = pending
            .iter()
            .filter(|hit| !hit.is_loose())
            .map(|hit| self.answer_of(hit.doc()))
            .collect();
        let mut hits: Vec<Hit> = Vec::new();
        for answer in answers {
            if hits.len() >= ranked::PARTIAL_MOST {
                break;
            }
            let Some((doc, _, positions)) = answer.best() else {
                continue;
            };
            let of = self.answer_of(answer.docs.start);
            if !answer.covered || exact.contains(&of) {
                continue;
            }
            // Ranked with the exact hits by its relevance (a partial hit adds nothing for
            // its band); equal ones in the tier's order.
            #[allow(clippy::cast_possible_truncation)] // a small positive score
            let score = (answer.score() * 10.0).clamp(1.0, PARTIAL_MOST_SCORE) as i64;
            let order = Order {
                content: !self.is_heading(*doc),
                relevance: relevance.map_or(0, |r| r.get(to_u32(*doc))),
            };
            hits.push(Hit {
                doc: *doc,
                score: results::key(results::band::PARTIAL, order, score),
                ranges: matcher::text_ranges(&self.doc(*doc).text, positions.iter().copied()),
                how: MatchHow::PARTIAL,
                also: Vec::new(),
            });
        }
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.doc.cmp(&b.doc)));
        hits
    }

    /// A document's kind and stored characters: two documents with the same are the same
    /// text (in two guides, say).
    pub(crate) fn doc_kind_and_codes(&self, d: usize) -> (DocKind, &[u16]) {
        (self.docs.records[d].kind, self.chars(d).stored())
    }

    /// Every hit of the readings `ran` (and those with a syllable slipped, when `slipped`),
    /// none left out: what ranking past a page needs.
    pub(crate) fn regather(&self, prepared: &PreparedQuery, regather: &Regather) -> Vec<Pending> {
        let mut gathered = Gathered::new(prepared, usize::MAX, self.docs.len());
        let mut levels = Vec::new();
        let relevance = regather.relevance.as_deref();
        for &v in &regather.ran {
            if let Some(variant) = prepared.variants.get(v) {
                self.gather(v, variant, None, relevance, &mut gathered, &mut levels);
            }
        }
        if regather.slipped {
            let loose = self.loose_hits(prepared, &gathered.pending, relevance);
            gathered.pending.extend(loose);
        }
        gathered.pending
    }

    /// Matches reading `v` in every document it may hit (those an earlier keystroke's level
    /// left, else those holding every unit's characters), adding its hits to `gathered`
    /// and, with a `cache`, the level of its settled units to `levels` for the next keystroke.
    fn gather(
        &self,
        v: usize,
        variant: &Variant,
        cache: Option<&SearchCache>,
        relevance: Option<&Relevance>,
        gathered: &mut Gathered,
        levels: &mut Vec<Level>,
    ) {
        if !variant.units.iter().all(Unit::can_match) {
            return;
        }
        gathered.ran.push(v);
        if let Some(postings) = &self.postings
            && self.pruning
            && gathered.page == FIRST_PAGE
            && variant.units.len() == 1
            && variant.scope.is_none()
            && !variant.is_any_order()
            && self.gather_one(v, variant, postings, gathered)
        {
            return;
        }
        let settled = variant.settled();
        let scope = variant.scope.clone();
        let range = scope.clone().unwrap_or(0..self.docs.len());
        let base = cache.and_then(|cache| cache.best_for(variant));
        let last = variant.units.get(settled.len()..).unwrap_or_default();

        // Work is kept for units settled since the level it starts from, and for another
        // half-typed syllable after the same units (`rkdl` kept 가 for 이, `rkdlq` keeps 가
        // for 입: fewer documents for `rkdlq r`).
        let keep = cache.is_some()
            && !settled.is_empty()
            && base.is_none_or(|l| {
                l.units.len() < settled.len()
                    || (l.within.is_some() && matches!(last, [unit] if l.within != Some(*unit)))
            });
        // A level kept for the half-typed last unit only: its documents are those the unit
        // hits (the next keystrokes, which complete that unit, need no others).
        let within = match last {
            [unit] if keep && !variant.is_any_order() && self.postings.is_some() => Some(*unit),
            _ => None,
        };
        let (picked, may_hit) = match (base, &self.postings) {
            (Some(level), Some(postings)) if level.len() >= FEW_TO_NARROW && !last.is_empty() => {
                (None, Some(self.units_docs(postings, last, &range)))
            }
            (None, Some(postings)) => {
                // The documents holding the settled units; a hit needs the last ones too.
                let holding = self.units_docs(postings, settled, &range);
                if last.is_empty() {
                    (Some(holding), None)
                } else {
                    let hitting = self.units_docs(postings, last, &range);
                    if keep && within.is_none() {
                        (Some(holding), Some(hitting))
                    } else {
                        let mut both = holding;
                        both.intersect(&hitting);
                        (Some(both), None)
                    }
                }
            }
            _ => (None, None),
        };
        // Without the documents the last unit may hit, the level keeps every document of
        // the one it starts from.
        let within = within.filter(|_| base.is_none() || may_hit.is_some());
        // Past that one's units, those are every document its own units match (the unit
        // settled since matches only where that one's half-typed unit did); on the same
        // units, only those where that half-typed unit hit: it serves no more than that one.
        let kept_within = match base {
            Some(level) if within.is_none() && level.units.len() == settled.len() => level.within,
            _ => within,
        };
        let source = match (base, &picked) {
            (Some(level), _) => Source::Level(&level.candidates, level.units.len()),
            (None, Some(picked)) => Source::set(picked, range.clone()),
            (None, None) => Source::Docs(range.clone()),
        };
        let scan = Scan {
            v,
            variant,
            keep,
            keep_all: keep && within.is_none(),
            may_hit: may_hit.as_ref(),
            page: gathered.page,
            recording: gathered.recording(),
            spare: cache.map(|cache| &cache.spare),
            relevance,
        };
        // On every core when there is enough to share; shares come back in order.
        let shares = in_parallel(&source, |part| self.scan(&scan, part));
        let mut candidates = Vec::with_capacity(shares.len());
        for mut share in shares {
            candidates.push(std::mem::take(&mut share.candidates));
            gathered.add(share);
        }
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
                within: kept_within,
            });
        }
    }

    /// Contiguous matches with one syllable slip, for documents not found already.
    fn loose_hits(
        &self,
        prepared: &PreparedQuery,
        pending: &[Pending],
        relevance: Option<&Relevance>,
    ) -> Vec<Pending> {
        let mut found = DocSet::new(self.docs.len());
        for hit in pending {
            found.insert(hit.doc());
        }
        let mut loose = Vec::new();
        for (v, variant) in prepared.variants.iter().enumerate() {
            // A slip on top of a misspelling, an everyday word or a reordering would be a
            // guess upon a guess.
            let derived = variant.how.contains(MatchHow::MISSPELLING)
                || variant.how.contains(MatchHow::SYNONYM)
                || variant.is_any_order();
            if derived || !matcher::allows_slip(variant) {
                continue;
            }
            let slips = matcher::loose_slips(variant, &self.alphabet);
            let scope = variant.scope.clone().unwrap_or(0..self.docs.len());
            let hit = |d: usize| {
                if self.class_sets[d] & variant.classes != variant.classes || found.contains(d) {
                    return None;
                }
                let hit = matcher::loose_contiguous(variant, self.chars(d), &slips)?;
                let doc = u32::try_from(d).ok()?;
                let order = self.order_of(variant, relevance, doc, true);
                Some(Pending::new(doc, v, self.tiers[d], hit, order).slipped())
            };
            if let Some(relevance) = relevance {
                // The ranked tier read the query: only the texts of its best answers are
                // tried. A text holding the query with one syllable slipped shares the
                // rest of its terms with it; trying every text of a large help centre took
                // hundreds of milliseconds a keystroke.
                loose.extend(
                    relevance
                        .docs()
                        .filter(|d| scope.contains(d))
                        .filter_map(hit),
                );
                continue;
            }
            let all = Source::Docs(scope);
            let shares = in_parallel(&all, |part| {
                let Source::Docs(range) = part else {
                    return Vec::new();
                };
                range.clone().filter_map(hit).collect()
            });
            loose.extend(shares.into_iter().flatten());
        }
        loose
    }
}

/// The most a partial hit scores within its band.
const PARTIAL_MOST_SCORE: f32 = 3_999.0;

/// What a unit of the ranked tier's relevance is worth in a hit's order within its band.
const RELEVANCE_SCALE: f32 = 200.0;

/// Each document's relevance to one query (the ranked tier's score of its answer and its
/// text): what orders the exact tiers' hits within their bands.
#[derive(Debug)]
pub(crate) struct Relevance {
    /// The documents with a relevance.
    docs: DocSet,
    /// (document, relevance), by document.
    values: Vec<(u32, u16)>,
}

impl Relevance {
    fn of(index: &SearchIndex, answers: &[RankedAnswer]) -> Self {
        let mut docs = DocSet::new(index.docs.len());
        let mut values = Vec::new();
        for answer in answers {
            for d in answer.docs.clone() {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // clamped
                let value = (answer.relevance(d) * RELEVANCE_SCALE).clamp(0.0, 65_535.0) as u16;
                if value > 0 && docs.insert(d) {
                    values.push((to_u32(d), value));
                }
            }
        }
        values.sort_unstable();
        Self { docs, values }
    }

    /// The documents with a relevance, in order.
    fn docs(&self) -> impl Iterator<Item = usize> + '_ {
        self.values.iter().map(|&(d, _)| d as usize)
    }

    /// Document `doc`'s relevance (none: 0).
    #[inline]
    fn get(&self, doc: u32) -> u16 {
        if !self.docs.contains(doc as usize) {
            return 0;
        }
        self.values
            .binary_search_by_key(&doc, |&(d, _)| d)
            .map_or(0, |at| self.values[at].1)
    }
}

impl SearchIndex {
    /// How a hit of `variant` on `doc` is ordered within its band: by relevance, texts
    /// before headings (when `known`; else the most it may be). A reading of one character
    /// is not: its hits are the best places of that character.
    #[inline]
    pub(crate) fn order_of(
        &self,
        variant: &Variant,
        relevance: Option<&Relevance>,
        doc: u32,
        known: bool,
    ) -> Order {
        if variant.units.len() < 2 {
            return Order::PLAIN;
        }
        Order {
            content: !known || !self.is_heading(doc as usize),
            relevance: relevance.map_or(0, |r| r.get(doc)),
        }
    }

    /// Whether a document is a heading that leads to answers rather than an answer's text:
    /// a guide's title, category path or handling order, a section's title, a link.
    fn is_heading(&self, d: usize) -> bool {
        self.docs.records.get(d).is_some_and(|record| {
            matches!(
                record.kind,
                DocKind::Guide | DocKind::Link | DocKind::Section
            )
        })
    }
}

/// Below this many documents in a level, the last unit's set is not worth making.
const FEW_TO_NARROW: usize = 4_096;

/// Guides to a core when building the index (a guide holds tens to thousands of documents).
const GUIDES_PER_WORKER: usize = 4;

/// Appends a text's folded non-space characters to `chars` as codes; returns its class set.
fn store_chars(text: &str, alphabet: &Alphabet, mut push: impl FnMut(u16)) -> u64 {
    let mut classes = 0u64;
    let mut word_start = true;
    for ch in text.chars() {
        if ch.is_whitespace() {
            word_start = true;
            continue;
        }
        let folded = fold(ch);
        classes |= 1u64 << class_of(folded);
        push(alphabet.stored(folded) | if word_start { codes::WORD_START } else { 0 });
        word_start = ends_word(ch);
    }
    classes
}

/// A set of characters: a bit for each of the Basic Multilingual Plane, the rare others
/// listed.
struct CharSet {
    bmp: Vec<u64>,
    others: Vec<char>,
}

impl Default for CharSet {
    fn default() -> Self {
        Self {
            bmp: vec![0; 0x1_0000 / 64],
            others: Vec::new(),
        }
    }
}

impl CharSet {
    #[inline]
    fn insert(&mut self, ch: char) {
        let n = ch as usize;
        match self.bmp.get_mut(n / 64) {
            Some(word) => *word |= 1 << (n % 64),
            None => self.others.push(ch),
        }
    }

    fn union(mut self, other: Self) -> Self {
        for (word, more) in self.bmp.iter_mut().zip(other.bmp) {
            *word |= more;
        }
        self.others.extend(other.others);
        self
    }

    fn chars(self) -> Vec<char> {
        let mut chars: Vec<char> = (0..self.bmp.len() * 64)
            .filter(|&n| self.bmp[n / 64] & (1 << (n % 64)) != 0)
            .filter_map(|n| char::from_u32(u32::try_from(n).ok()?))
            .collect();
        chars.extend(self.others);
        chars
    }
}

/// Each stored character's initial (see [`codes::Initials`]), padded like the characters;
/// none when the codes could not number every character (a character then stored as
/// [`codes::OVERFLOW`] would still show its initial).
fn initial_bytes(chars: &[u16], alphabet: &Alphabet) -> Vec<u8> {
    if alphabet.is_full() {
        return Vec::new();
    }
    let table = codes::initial_table(alphabet);
    // Written in place, each core its own part.
    let mut bytes = vec![0u8; chars.len() + codes::PADDING];
    let shares = crate::parallel::share_ranges(chars.len(), 1 << 20);
    let places = crate::parallel::split_into(&mut bytes, shares.iter().map(Range::len));
    let parts: Vec<_> = shares
        .into_iter()
        .map(|share| &chars[share])
        .zip(places)
        .collect();
    crate::parallel::each_part(parts, |(codes, part)| {
        for (byte, &stored) in part.iter_mut().zip(codes) {
            *byte = table
                .get(usize::from(codes::code_of(stored)))
                .copied()
                .unwrap_or(0);
        }
    });
    bytes
}

/// The documents holding each initial consonant, from their class sets.
fn initial_sets(class_sets: &[u64]) -> Vec<DocSet> {
    let mut sets = vec![DocSet::new(class_sets.len()); 19];
    for (d, &classes) in class_sets.iter().enumerate() {
        // Classes 1..=19 are the initials (see `class_of`).
        let mut initials = (classes >> 1) & ((1 << 19) - 1);
        while initials != 0 {
            let k = initials.trailing_zeros() as usize;
            initials &= initials - 1;
            sets[k].insert(d);
        }
    }
    sets
}

/// A count or position as the index stores it (32 bits: a help centre's documents and
/// characters fit, and a larger one saturates rather than wraps).
#[inline]
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
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
            let summary = crate::rules::summary(guide, &rule.terms);
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

/// Numbers for tests that try many generated cases: xorshift64, from the same seed each run
/// (a failure repeats).
#[cfg(test)]
fn test_numbers() -> impl FnMut() -> u64 {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    }
}
