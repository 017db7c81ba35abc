//! Matching one reading of a query in many documents, on every core: what each share of the
//! documents found, counted exactly, and only the hits that may still be on the page kept.
//!
//! A keystroke that hits most of a help centre (a lone consonant hits four documents in
//! five) must count every hit, but only a page of them is shown. Each share keeps the lowest
//! score of the best page it has seen; a hit that cannot reach it is counted and dropped
//! (once that floor is above every scattered score, without being scored at all). The page
//! stays exact: a dropped hit has a page of other documents, of the same reading, above it.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::Range;

use super::codes::LANES;
use super::docset::DocSet;
use super::matcher::{self, Found, Progress, TIER};
use super::query::{PreparedQuery, Variant};
use super::results::{Order, Pending, band, band_of};
use super::to_u32;
use super::{Relevance, SearchIndex};

/// Documents a reading's settled units matched, and where (a level's part).
pub(super) type Candidates = Vec<(u32, Progress)>;

/// Buffers of candidates let go, cleared, to be filled again.
#[derive(Debug, Default)]
pub(super) struct Spare(std::sync::Mutex<Vec<Candidates>>);

/// Spare buffers kept at the most.
const SPARE_KEPT: usize = 8;

impl Spare {
    pub(super) fn give(&mut self, parts: Vec<Candidates>) {
        let Ok(pool) = self.0.get_mut() else {
            return;
        };
        for mut part in parts {
            part.clear();
            pool.push(part);
        }
        if pool.len() > SPARE_KEPT {
            pool.sort_by_key(|part| std::cmp::Reverse(part.capacity()));
            pool.truncate(SPARE_KEPT);
        }
    }

    /// A buffer for at least `size` candidates: a spare one if one is large enough.
    fn take(&self, size: usize) -> Candidates {
        let taken = self.0.lock().ok().and_then(|mut pool| {
            let fit = pool.iter().position(|part| part.capacity() >= size)?;
            Some(pool.swap_remove(fit))
        });
        taken.unwrap_or_else(|| Vec::with_capacity(size))
    }
}

/// Where a keystroke looks: the documents an earlier keystroke's settled units matched (in
/// parts, and how many units that was), the documents of a set in a range (and how many), or
/// a range of all documents.
pub(super) enum Source<'a> {
    Level(&'a [Candidates], usize),
    Set(&'a DocSet, Range<usize>, usize),
    Docs(Range<usize>),
}

/// Below this many documents per core, one core is quicker than starting threads.
pub(super) const PER_WORKER: usize = 8_192;

impl<'a> Source<'a> {
    /// The documents of `set` in `range`.
    pub(super) fn set(set: &'a DocSet, range: Range<usize>) -> Self {
        let count = set.count_in(range.clone());
        Source::Set(set, range, count)
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Self::Level(parts, _) => parts.iter().map(Vec::len).sum(),
            Self::Set(_, _, count) => *count,
            Self::Docs(range) => range.len(),
        }
    }
}

/// Runs `work` on consecutive shares of `source`, on every core when there is enough to
/// share, and returns the results in order. A set is shared by ranges of documents, as
/// many as its size calls for.
pub(super) fn in_parallel<T: Send>(
    source: &Source<'_>,
    work: impl Fn(&Source<'_>) -> T + Sync,
) -> Vec<T> {
    match source {
        // A level's parts were made on different cores: a core a part, when they are large.
        Source::Level(parts, done) => {
            let min_share = if source.len() < 2 * PER_WORKER {
                usize::MAX
            } else {
                1
            };
            crate::parallel::in_shares(parts.len(), min_share, |share| {
                work(&Source::Level(&parts[share], *done))
            })
        }
        Source::Set(set, range, count) => {
            let min_share = if *count < 2 * PER_WORKER {
                usize::MAX
            } else {
                (range.len() / (count / PER_WORKER)).max(1)
            };
            crate::parallel::in_shares(range.len(), min_share, |share| {
                let part = range.start + share.start..range.start + share.end;
                work(&Source::set(set, part))
            })
        }
        Source::Docs(range) => crate::parallel::in_shares(range.len(), PER_WORKER, |share| {
            work(&Source::Docs(
                range.start + share.start..range.start + share.end,
            ))
        }),
    }
}

/// The lowest score among the best `page` hits one reading has given in one share (each a
/// different document): a hit that cannot reach it cannot be on the page.
pub(super) struct PageFloor {
    best: BinaryHeap<Reverse<i64>>,
    page: usize,
}

impl PageFloor {
    pub(super) fn new(page: usize) -> Self {
        Self {
            best: BinaryHeap::new(),
            page,
        }
    }

    /// The floor, once a page of hits has been seen.
    #[inline]
    pub(super) fn floor(&self) -> Option<i64> {
        if self.best.len() < self.page {
            return None;
        }
        self.best.peek().map(|Reverse(score)| *score)
    }

    /// Takes in a hit's lowest possible score.
    pub(super) fn offer(&mut self, score: i64) {
        if self.best.len() < self.page {
            self.best.push(Reverse(score));
        } else if let Some(mut lowest) = self.best.peek_mut()
            && score > lowest.0
        {
            *lowest = Reverse(score);
        }
    }
}

/// What one share of a reading's documents gave.
#[derive(Default)]
pub(super) struct Scanned {
    /// Documents the settled units match, and where (for the next keystroke).
    pub candidates: Candidates,
    /// Hits that may be on the page.
    pub pending: Vec<Pending>,
    /// Every hit, counted.
    pub hits: usize,
    /// Hits in one piece (a page of them keeps the derived readings from being looked for).
    pub contiguous: usize,
    /// The documents hit, as (word, bits) of a [`DocSet`], when readings are counted together.
    pub hit_words: Vec<(u32, u64)>,
    /// A hit was counted but not kept.
    pub dropped: bool,
}

/// Gathers one share's hits of reading `v`.
struct Collector {
    v: usize,
    floor: PageFloor,
    /// Record which documents were hit (another reading may hit them too).
    recording: bool,
    word: Option<(u32, u64)>,
    out: Scanned,
}

impl Collector {
    fn new(v: usize, page: usize, recording: bool) -> Self {
        Self {
            v,
            floor: PageFloor::new(page),
            recording,
            word: None,
            out: Scanned::default(),
        }
    }

    /// A hit on `doc`. `ceiling` is the most it can score before its tier (`None`: not
    /// known before scoring); `score` scores it, asked only when it may be on the page;
    /// `order` orders it within its band (asked with `false` for the most it may reach
    /// before asked with `true` for where it does).
    #[inline]
    fn hit(
        &mut self,
        doc: u32,
        tier: u8,
        ceiling: Option<i64>,
        score: impl FnOnce() -> Found,
        order: impl Fn(bool) -> Order,
    ) {
        self.out.hits += 1;
        if self.recording {
            let (word, bit) = (doc / 64, 1u64 << (doc % 64));
            match &mut self.word {
                Some((w, bits)) if *w == word => *bits |= bit,
                _ => {
                    self.out.hit_words.extend(self.word.take());
                    self.word = Some((word, bit));
                }
            }
        }
        // Documents come in increasing order, so a hit that only equals the floor ranks
        // below the page's hits too (equal scores keep content order).
        let floor = self.floor.floor();
        // Past a floor above every scattered score, the page holds only hits in one piece,
        // so a hit that cannot beat it need not even be told apart.
        if let (Some(floor), Some(ceiling)) = (floor, ceiling)
            && band_of(floor) > band::SCATTERED
            && Pending::ceiling(order(false), ceiling + i64::from(tier) * TIER) <= floor
        {
            self.out.dropped = true;
            return;
        }
        let pending = Pending::new(doc, self.v, tier, score(), order(true));
        if pending.is_contiguous() {
            self.out.contiguous += 1;
        }
        if floor.is_none_or(|floor| pending.bound() > floor) {
            self.out.pending.push(pending);
        } else {
            self.out.dropped = true;
        }
        self.floor.offer(pending.floor());
    }

    fn finish(mut self) -> Scanned {
        self.out.hit_words.extend(self.word.take());
        self.out
    }
}

/// One reading's scan: which reading, what it keeps and what it may hit.
pub(super) struct Scan<'a> {
    pub v: usize,
    pub variant: &'a Variant,
    /// The documents the settled units match are kept (a level for the next keystroke).
    pub keep: bool,
    /// Kept even where the last units do not hit (else only documents the half-typed last
    /// unit hits: see `Level::within`).
    pub keep_all: bool,
    /// The documents that may hit, when the others need matching only as far as the settled
    /// units (they lack the last units' characters).
    pub may_hit: Option<&'a DocSet>,
    /// How many of the best hits are kept in full.
    pub page: usize,
    /// The documents hit are recorded (another reading may hit them too).
    pub recording: bool,
    /// Buffers to fill with the kept documents.
    pub spare: Option<&'a Spare>,
    /// What orders the hits within their bands (none: by their scores alone).
    pub relevance: Option<&'a Relevance>,
}

impl Scan<'_> {
    fn may_hit(&self, d: usize) -> bool {
        self.may_hit.is_none_or(|set| set.contains(d))
    }
}

impl SearchIndex {
    /// Matches a reading in the documents of `source`: the documents its settled units
    /// match (when it keeps them, for the next keystroke), and its hits, counted, with those
    /// that may be among the best `page` kept.
    pub(super) fn scan(&self, scan: &Scan<'_>, source: &Source<'_>) -> Scanned {
        let mut out = Collector::new(scan.v, scan.page, scan.recording);
        if scan.keep {
            out.out.candidates = scan
                .spare
                .map_or_else(Vec::new, |spare| spare.take(source.len()));
        }
        if scan.variant.is_any_order() {
            self.scan_any_order(scan, source, &mut out);
        } else {
            self.scan_in_order(scan, source, &mut out);
        }
        out.finish()
    }

    /// An any-order reading: the words before the last each in one piece narrow the
    /// documents for the next keystroke; the last word decides the hit.
    fn scan_any_order(&self, scan: &Scan<'_>, source: &Source<'_>, out: &mut Collector) {
        let (variant, keep) = (scan.variant, scan.keep);
        let done = match source {
            Source::Level(_, done) => *done,
            Source::Docs(_) | Source::Set(..) => 0,
        };
        let mut consider = |doc: u32, from: Progress| {
            let d = doc as usize;
            if self.class_sets[d] & variant.stable_classes != variant.stable_classes
                || !(scan.keep_all || scan.may_hit(d))
            {
                return;
            }
            let (settled, found) = matcher::any_order(variant, self.chars(d), from, done);
            if keep && let Some(progress) = settled {
                out.out.candidates.push((doc, progress));
            }
            if let Some(found) = found
                && self.class_sets[d] & variant.classes == variant.classes
                && scan.may_hit(d)
            {
                out.hit(
                    doc,
                    self.tiers[d],
                    None,
                    || found,
                    |known| self.order_of(variant, scan.relevance, doc, known),
                );
            }
        };
        match source {
            Source::Level(parts, _) => {
                parts
                    .iter()
                    .flatten()
                    .for_each(|&(doc, from)| consider(doc, from));
            }
            Source::Docs(range) => {
                for d in range.clone() {
                    consider(to_u32(d), Progress::START);
                }
            }
            Source::Set(set, range, _) => {
                set.each_in(range.clone(), |doc| consider(doc, Progress::START));
            }
        }
    }

    /// A reading in order: its settled units go on from where the level left them, and a
    /// document they match is a hit when the last, half-typed unit follows.
    fn scan_in_order(&self, scan: &Scan<'_>, source: &Source<'_>, out: &mut Collector) {
        let (variant, keep) = (scan.variant, scan.keep);
        let settled = variant.settled();
        let single = variant.units.len() == 1;
        // A reading of lone consonants only is matched on the initials of the characters.
        let initials = variant.initials_only();
        let consider = |doc: u32, progress: Progress, done: usize| {
            let d = doc as usize;
            let chars = self.chars(d);
            if let (Some(wanted), Some(found)) = (&initials, self.initials_of(d))
                && !(single && done == 0)
            {
                let rest = wanted.get(done..).unwrap_or_default();
                let Some(progress) = matcher::advance_initials(rest, found, progress) else {
                    return;
                };
                if keep {
                    out.out.candidates.push((doc, progress));
                }
                if !scan.may_hit(d) {
                    return;
                }
                // Every unit is settled: the whole reading ends where they do.
                let reach = matcher::Reach {
                    first: progress.first as usize,
                    end: progress.resume as usize,
                };
                let ceiling = matcher::ceiling(variant, reach.first, chars.len());
                out.hit(
                    doc,
                    self.tiers[d],
                    Some(ceiling),
                    || matcher::score_initials(variant, chars, found, wanted, reach),
                    |known| self.order_of(variant, scan.relevance, doc, known),
                );
                return;
            }
            if single && done == 0 {
                if !scan.may_hit(d) {
                    return;
                }
                let Some(progress) = matcher::single_first(variant, chars) else {
                    return;
                };
                if keep {
                    out.out.candidates.push((doc, progress));
                }
                let first = progress.first as usize;
                let ceiling = matcher::ceiling(variant, first, chars.len());
                out.hit(
                    doc,
                    self.tiers[d],
                    Some(ceiling),
                    || matcher::single(variant, chars, first),
                    |known| self.order_of(variant, scan.relevance, doc, known),
                );
                return;
            }
            if !scan.keep_all && !scan.may_hit(d) {
                return;
            }
            let probes = variant.probes.get(done..settled.len()).unwrap_or_default();
            let Some(progress) = matcher::advance(&settled[done..], probes, chars, progress) else {
                return;
            };
            if keep && scan.keep_all {
                out.out.candidates.push((doc, progress));
            }
            if !scan.may_hit(d) {
                return;
            }
            let Some(reach) = matcher::reach(variant, chars, progress) else {
                return;
            };
            // Kept for the half-typed last unit only: where it hits (see `Level::within`).
            if keep && !scan.keep_all {
                out.out.candidates.push((doc, progress));
            }
            let ceiling = matcher::ceiling(variant, reach.first, chars.len());
            out.hit(
                doc,
                self.tiers[d],
                Some(ceiling),
                || matcher::score(variant, chars, reach),
                |known| self.order_of(variant, scan.relevance, doc, known),
            );
        };
        self.each_in_order(source, variant, consider);
    }

    /// Calls `consider` with each document of `source` a reading in order may match, where
    /// its settled units are known to match from and how many of them that is; documents far
    /// apart are fetched a batch ahead.
    #[inline]
    fn each_in_order(
        &self,
        source: &Source<'_>,
        variant: &Variant,
        mut consider: impl FnMut(u32, Progress, usize),
    ) {
        match source {
            Source::Level(parts, done) => {
                let far_apart = is_sparse(parts);
                for batch in parts.iter().flat_map(|part| part.chunks(BATCH)) {
                    if far_apart {
                        self.fetch(batch);
                    }
                    for &(doc, progress) in batch {
                        consider(doc, progress, *done);
                    }
                }
            }
            Source::Docs(range) => {
                for d in range.clone() {
                    if self.class_sets[d] & variant.stable_classes == variant.stable_classes {
                        consider(to_u32(d), Progress::START, 0);
                    }
                }
            }
            // The set holds only documents with every unit's characters.
            Source::Set(..) => self.each_doc(source, |doc| consider(doc, Progress::START, 0)),
        }
    }

    /// Calls `visit` with each document of `source`, in order; a set's documents far apart
    /// are fetched a batch ahead.
    pub(super) fn each_doc(&self, source: &Source<'_>, visit: impl FnMut(u32)) {
        match source {
            Source::Level(parts, _) => parts.iter().flatten().map(|&(doc, _)| doc).for_each(visit),
            Source::Set(set, range, count) if *count * DENSE < range.len() => {
                self.each_fetched(set, range.clone(), visit);
            }
            Source::Set(set, range, _) => set.each_in(range.clone(), visit),
            Source::Docs(range) => range.clone().map(to_u32).for_each(visit),
        }
    }

    /// Calls `visit` with each document of `set` in `range`, a batch of them fetched first.
    fn each_fetched(&self, set: &DocSet, range: Range<usize>, mut visit: impl FnMut(u32)) {
        let mut batch = Vec::with_capacity(BATCH);
        let mut flush = |batch: &mut Vec<(u32, Progress)>| {
            self.fetch(batch);
            for &(doc, _) in batch.iter() {
                visit(doc);
            }
            batch.clear();
        };
        set.each_in(range, |doc| {
            batch.push((doc, Progress::START));
            if batch.len() == BATCH {
                flush(&mut batch);
            }
        });
        flush(&mut batch);
    }
}

/// Documents one in this many or closer are read in order: the processor fetches what
/// follows on its own, and asking for it first only costs time.
const DENSE: usize = 4;

/// Whether a level's documents lie far apart.
fn is_sparse(parts: &[Candidates]) -> bool {
    let count: usize = parts.iter().map(Vec::len).sum();
    let first = parts
        .iter()
        .find_map(|part| part.first())
        .map(|&(doc, _)| doc);
    let last = parts
        .iter()
        .rev()
        .find_map(|part| part.last())
        .map(|&(doc, _)| doc);
    let spread = match (first, last) {
        (Some(first), Some(last)) => (last - first) as usize + 1,
        _ => 0,
    };
    count * DENSE < spread
}

/// Documents a scan asks memory for at once. Documents far apart each cost a trip to
/// memory; asked for together, in a loop that does nothing else, the trips overlap.
const BATCH: usize = 32;

impl SearchIndex {
    /// Asks for the memory matching `batch` will read first: each document's bounds and
    /// tier, and its characters where its match goes on. The values are folded into
    /// a sum nothing uses, so the reads are made and nothing waits on them one by one.
    #[inline]
    fn fetch(&self, batch: &[(u32, Progress)]) {
        let mut sum = 0u64;
        for &(doc, progress) in batch {
            let d = doc as usize;
            let start = self.bounds.get(d).copied().unwrap_or(0);
            sum ^= u64::from(self.tiers.get(d).copied().unwrap_or(0));
            // A chunk of characters from there spans two cache lines at most.
            let at = start as usize + progress.resume as usize;
            sum ^= u64::from(self.chars.get(at).copied().unwrap_or(0))
                ^ u64::from(self.chars.get(at + LANES - 1).copied().unwrap_or(0));
        }
        std::hint::black_box(sum);
    }
}

/// What the readings of one query found: the hits that may be on the page, how many
/// documents were hit, and what ranking past the page needs to gather them again.
pub(super) struct Gathered {
    /// How many of the best hits are kept in full.
    pub page: usize,
    pub pending: Vec<Pending>,
    /// Hits of every reading (a document two readings hit counts twice).
    hits: usize,
    /// Hits in one piece, of every reading.
    pub contiguous: usize,
    /// The documents hit, when more than one reading may hit (each counts once).
    found: Option<DocSet>,
    /// The readings looked for, in order.
    pub ran: Vec<usize>,
    /// A hit was counted but not kept: ranking past the page gathers again.
    pub dropped: bool,
}

impl Gathered {
    pub(super) fn new(prepared: &PreparedQuery, page: usize, documents: usize) -> Self {
        Self {
            page,
            pending: Vec::new(),
            hits: 0,
            contiguous: 0,
            found: (prepared.variants.len() > 1).then(|| DocSet::new(documents)),
            ran: Vec::new(),
            dropped: false,
        }
    }

    /// Whether readings are counted together (so each share records its documents).
    pub(super) fn recording(&self) -> bool {
        self.found.is_some()
    }

    /// Takes in what a share of reading `v` gave, but for its candidates.
    pub(super) fn add(&mut self, share: Scanned) {
        self.hits += share.hits;
        self.contiguous += share.contiguous;
        self.dropped |= share.dropped;
        self.pending.extend(share.pending);
        if let Some(found) = &mut self.found {
            for (word, bits) in share.hit_words {
                found.insert_word(word as usize, bits);
            }
        }
    }

    /// Takes in the hits of a reading counted from the documents it hits, and those that
    /// may be on the page (every hit in one piece).
    pub(super) fn add_counted(&mut self, hit: &DocSet, page: Vec<Pending>) {
        let hits = hit.count();
        self.hits += hits;
        self.contiguous += hits;
        self.dropped |= hits > page.len();
        self.pending.extend(page);
        if let Some(found) = &mut self.found {
            found.unite(hit);
        }
    }

    /// Takes in the hits found with a syllable slipped (on documents no reading hit).
    pub(super) fn add_slipped(&mut self, slipped: Vec<Pending>) {
        match &mut self.found {
            Some(found) => slipped.iter().for_each(|hit| {
                found.insert(hit.doc());
            }),
            None => self.hits += slipped.len(),
        }
        self.pending.extend(slipped);
    }

    /// How many documents were hit.
    pub(super) fn total(&self) -> usize {
        self.found.as_ref().map_or(self.hits, DocSet::count)
    }
}
