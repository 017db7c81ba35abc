//! The ranked tier: what a caller means when no text holds the query as typed.
//!
//! Under the exact tiers (the query in one piece, its words in any order, scattered in
//! order), a BM25 ranking over terms ([`super::terms`]) finds answers whose words are spread
//! over a question and its answer, carry other particles and endings, are said in everyday
//! words, typed with a key slipped, or written as numbers in another form.
//!
//! Documents are read at two grains:
//! - an *answer*: a Q&A's questions, aliases and answer items with its guide's title (an SMS
//!   template's title and body; any other text alone), scored by BM25 with field weights
//!   (questions and titles count three times, aliases twice) over the answers' terms;
//! - a *text*: within the best answers, each text is scored by the query words it holds
//!   (by their weight, its field's weight, and a bonus where two of the query's words stand
//!   close together in the query's order); the best text is the hit shown.
//!
//! The postings are built from the index's stored characters the first time the tier is
//! needed (2.3 s at 100k entries), and kept beside a stored index in a file of their own
//! (`SearchIndex::store_ranked`): the index file stays as it was. A term's postings are its
//! champion list ([`CHAMPIONS`]).

use hashbrown::HashMap;

use super::codes::{WORD_START, code_of};
use super::query::{SynonymTable, fold};
use super::spoken::Spoken;
use super::terms::{self, Piece, Term};
use super::wire::{Read as StoredRead, Reader, Writer};
use super::{DocKind, SearchIndex, Target};
use crate::hangul::is_syllable;

type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// BM25's term-frequency saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.5;
/// Weighted term frequency kept per posting (four bits).
const TF_MAX: u32 = 15;
/// Answers re-read text by text: the order of the exact tiers' hits within their bands,
/// and the partial hits.
pub(crate) const RESCORED: usize = 128;
/// Partial hits given at most.
pub(crate) const PARTIAL_MOST: usize = 20;
/// The least share of the query's weight an answer must hold to be shown as a partial hit:
/// measured on the relevance sets (docs/search.md: 0.4 lost callers' long sentences, where
/// most words are the caller's own and one or two the guide's; 0.25 and 0.2 found them, 0.2
/// ranked them better; weighting words by rarity did worse; every unanswerable query still
/// shows only partial hits, if any).
const COVERAGE_FLOOR: f32 = 0.2;

/// Weights of the readings of a query word.
const STEM_WEIGHT: f32 = 1.0;
const SYNONYM_WEIGHT: f32 = 0.9;
const SLIP_WEIGHT: f32 = 0.75;

/// How much a text's field counts.
fn field_weight(kind: DocKind) -> u32 {
    match kind {
        DocKind::Question | DocKind::SmsTitle | DocKind::Guide => 3,
        DocKind::Alias => 2,
        _ => 1,
    }
}

/// The ranked tier's postings: for each term, the answers holding it with a weighted
/// frequency, as varint gaps.
#[derive(Debug, Default)]
pub(crate) struct Ranked {
    /// Answer `a` is documents `starts[a]..starts[a + 1]`.
    starts: Vec<u32>,
    /// Each answer's weighted length in terms.
    lengths: Vec<u32>,
    average_length: f32,
    terms: Map<Term, u32>,
    /// Each term by its id.
    keys: Vec<Term>,
    /// How many answers hold each term.
    counts: Vec<u32>,
    /// Term `t`'s postings are `bytes[offsets[t]..offsets[t + 1]]`.
    offsets: Vec<usize>,
    bytes: Vec<u8>,
    /// The bigrams held, to read lone consonants and a half-typed syllable.
    vocabulary: Vocabulary,
}

/// Postings kept for a term: its answers scoring it highest (a *champion list*: Manning,
/// Raghavan and Schütze, Introduction to Information Retrieval, 7.1.3). A term that many
/// answers hold weighs little (its idf is low), and walking all its answers is what made a
/// keystroke slow at 100k entries: the answers that hold it most for their length stand for
/// it. Its idf is still that of every answer holding it. No term of the relevance sets' help
/// centre is held by this many answers, so their ranking is exact.
pub(crate) const CHAMPIONS: usize = 4_096;

/// Answers read again text by text to a core (each takes tens of microseconds).
const REREAD_PER_WORKER: usize = 48;

/// Answers to a core when building.
const PER_WORKER: usize = 8_192;

impl Ranked {
    pub(crate) fn build(index: &SearchIndex) -> Self {
        let starts = answer_starts(index);
        let answers = starts.len().saturating_sub(1);
        let title_terms: Vec<Vec<Term>> = index
            .guides
            .iter()
            .map(|(_, title)| {
                let (chars, word_starts) = folded(title);
                let mut out = Vec::new();
                terms::each_term(&chars, &word_starts, &mut |term, _| {
                    out.push(term);
                });
                out
            })
            .collect();
        let shares = crate::parallel::in_shares(answers, PER_WORKER, |share| {
            gather_share(index, &starts, &title_terms, share)
        });
        let mut ranked = Self {
            starts,
            ..Self::default()
        };
        let mut merged: Vec<Vec<u32>> = Vec::new();
        for (local, mut lists, lengths) in shares {
            ranked.lengths.extend(lengths);
            for (term, id) in local {
                let next = u32::try_from(merged.len()).unwrap_or(u32::MAX);
                let global = *ranked.terms.entry(term).or_insert(next);
                if global == next {
                    merged.push(Vec::new());
                }
                let list = std::mem::take(&mut lists[id as usize]);
                if merged[global as usize].is_empty() {
                    merged[global as usize] = list;
                } else {
                    merged[global as usize].extend(list);
                }
            }
        }
        let total: u64 = ranked.lengths.iter().map(|&l| u64::from(l)).sum();
        #[allow(clippy::cast_precision_loss)] // an average
        {
            ranked.average_length = total as f32 / ranked.lengths.len().max(1) as f32;
        }
        ranked.offsets.reserve(merged.len() + 1);
        ranked.offsets.push(0);
        for mut list in merged {
            ranked
                .counts
                .push(u32::try_from(list.len()).unwrap_or(u32::MAX));
            if list.len() > CHAMPIONS {
                ranked.keep_champions(&mut list);
            }
            let mut last = 0u32;
            for entry in list {
                let answer = entry >> 4;
                let gap = answer - last;
                last = answer;
                write_varint(&mut ranked.bytes, (gap << 4) | (entry & 0xF));
            }
            ranked.offsets.push(ranked.bytes.len());
        }
        ranked.bytes.shrink_to_fit();
        ranked.vocabulary = Vocabulary::build(&ranked.terms);
        ranked.keys = keys_by_id(&ranked.terms);
        ranked
    }

    /// Keeps of a term's postings (`(answer << 4) | tf`, by answer) the [`CHAMPIONS`] whose
    /// term score is highest (most weighted occurrences for their length), still by answer.
    fn keep_champions(&self, list: &mut Vec<u32>) {
        let average = self.average_length.max(1.0);
        let impact = |entry: u32| {
            #[allow(clippy::cast_precision_loss)] // small counts
            let (tf, length) = (
                (entry & 0xF) as f32,
                self.lengths
                    .get((entry >> 4) as usize)
                    .copied()
                    .unwrap_or(0) as f32,
            );
            tf / (tf + K1 * (1.0 - B + B * length / average))
        };
        // Highest impact first; equals by answer, the same on every build.
        list.select_nth_unstable_by(CHAMPIONS, |&x, &y| {
            impact(y)
                .total_cmp(&impact(x))
                .then((x >> 4).cmp(&(y >> 4)))
        });
        list.truncate(CHAMPIONS);
        list.sort_unstable_by_key(|&entry| entry >> 4);
    }

    /// Writes the postings for [`Ranked::decode`] (the vocabulary is made again from the
    /// terms when read).
    pub(super) fn encode<W: std::io::Write>(&self, out: &mut Writer<W>) {
        out.u64(self.starts.len() as u64);
        for &start in &self.starts {
            out.u32(start);
        }
        for &length in &self.lengths {
            out.u32(length);
        }
        out.u32(self.average_length.to_bits());
        // Terms by id: the id is the place.
        out.u64(self.keys.len() as u64);
        for (&term, &count) in self.keys.iter().zip(&self.counts) {
            out.u64(term);
            out.u32(count);
        }
        for &offset in &self.offsets {
            out.u64(offset as u64);
        }
        out.u64(self.bytes.len() as u64);
        out.bytes(&self.bytes);
    }

    /// The postings [`Ranked::encode`] wrote, for an index of `documents` documents, every
    /// length and place checked (a file that passes its checksum by chance cannot make a
    /// search index out of bounds: a posting past the last answer is never visited).
    pub(super) fn decode<R: std::io::Read>(
        read: &mut Reader<R>,
        documents: usize,
    ) -> StoredRead<Self> {
        const WHAT: &str = "순위 색인";
        let start_count = read.count(4, WHAT)?;
        let starts = read.words(start_count, WHAT, u32::from_le_bytes)?;
        let answers = start_count.checked_sub(1).ok_or(WHAT)?;
        if starts.first() != Some(&0)
            || starts.last().map(|&end| end as usize) != Some(documents)
            || starts.windows(2).any(|pair| pair[0] >= pair[1])
        {
            return Err(WHAT);
        }
        let lengths = read.words(answers, WHAT, u32::from_le_bytes)?;
        let average_length = f32::from_bits(read.u32(WHAT)?);
        if !average_length.is_finite() || average_length < 0.0 {
            return Err(WHAT);
        }
        let term_count = read.count(12, WHAT)?;
        let pairs = read.words::<12, _>(term_count, WHAT, |entry| {
            let mut term = [0u8; 8];
            term.copy_from_slice(&entry[..8]);
            let mut count = [0u8; 4];
            count.copy_from_slice(&entry[8..]);
            (u64::from_le_bytes(term), u32::from_le_bytes(count))
        })?;
        let mut terms: Map<Term, u32> = Map::default();
        terms.reserve(term_count);
        let mut counts = Vec::with_capacity(term_count);
        for (id, &(term, count)) in pairs.iter().enumerate() {
            let id = u32::try_from(id).map_err(|_| WHAT)?;
            if terms.insert(term, id).is_some() {
                return Err(WHAT);
            }
            counts.push(count);
        }
        let offsets = read.words(term_count + 1, WHAT, |word: [u8; 8]| {
            usize::try_from(u64::from_le_bytes(word)).unwrap_or(usize::MAX)
        })?;
        let byte_count = read.count(1, WHAT)?;
        let bytes = read.take(byte_count, WHAT)?;
        if offsets.first() != Some(&0)
            || offsets.last() != Some(&bytes.len())
            || !offsets.is_sorted()
        {
            return Err(WHAT);
        }
        let vocabulary = Vocabulary::build(&terms);
        let keys = pairs.iter().map(|&(term, _)| term).collect();
        Ok(Self {
            starts,
            lengths,
            average_length,
            terms,
            keys,
            counts,
            offsets,
            bytes,
            vocabulary,
        })
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.starts.capacity() * 4
            + self.lengths.capacity() * 4
            + self.terms.capacity() * 16
            + self.keys.capacity() * 8
            + self.counts.capacity() * 4
            + self.offsets.capacity() * std::mem::size_of::<usize>()
            + self.bytes.capacity()
            + self.vocabulary.heap_bytes()
    }

    fn answers(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The answer document `doc` belongs to.
    fn answer_of(&self, doc: usize) -> usize {
        self.starts
            .partition_point(|&start| start as usize <= doc)
            .saturating_sub(1)
    }

    fn idf(&self, term: u32) -> f32 {
        #[allow(clippy::cast_precision_loss)] // counts of answers
        let (n, df) = (
            self.answers() as f32,
            self.counts.get(term as usize).copied().unwrap_or(0) as f32,
        );
        ((n - df + 0.5) / (df + 0.5) + 1.0).ln()
    }

    fn each_posting(&self, term: u32, mut visit: impl FnMut(usize, u32)) {
        let t = term as usize;
        let (Some(&start), Some(&end)) = (self.offsets.get(t), self.offsets.get(t + 1)) else {
            return;
        };
        let bytes = &self.bytes[start..end];
        let mut at = 0;
        let mut answer = 0usize;
        let answers = self.lengths.len();
        while let Some((value, next)) = read_varint(bytes, at) {
            at = next;
            answer += (value >> 4) as usize;
            // Only a damaged stored file reads past the last answer.
            if answer >= answers {
                return;
            }
            visit(answer, value & 0xF);
        }
    }
}

/// The terms of `terms` by their ids.
fn keys_by_id(terms: &Map<Term, u32>) -> Vec<Term> {
    let mut keys: Vec<Term> = vec![0; terms.len()];
    for (&term, &id) in terms {
        if let Some(slot) = keys.get_mut(id as usize) {
            *slot = term;
        }
    }
    keys
}

/// The postings of the answers `share` (by their term, numbered in this share), and each
/// answer's weighted length.
fn gather_share(
    index: &SearchIndex,
    starts: &[u32],
    title_terms: &[Vec<Term>],
    share: std::ops::Range<usize>,
) -> (Map<Term, u32>, Vec<Vec<u32>>, Vec<u32>) {
    let mut local: Map<Term, u32> = Map::default();
    let mut lists: Vec<Vec<u32>> = Vec::new();
    let mut lengths = Vec::with_capacity(share.len());
    let mut found: Vec<(Term, u32)> = Vec::new();
    let mut chars = Vec::new();
    let mut word_starts = Vec::new();
    for a in share {
        found.clear();
        let docs = starts[a] as usize..starts[a + 1] as usize;
        for d in docs.clone() {
            let weight = field_weight(index.docs.records[d].kind);
            index.doc_chars(d, &mut chars, &mut word_starts);
            terms::each_term(&chars, &word_starts, &mut |term, _| {
                found.push((term, weight));
            });
        }
        if let Some(title) = index
            .docs
            .records
            .get(docs.start)
            .and_then(|record| title_terms.get(record.guide as usize))
        {
            found.extend(title.iter().map(|&term| (term, 2)));
        }
        found.sort_unstable_by_key(|&(term, _)| term);
        let mut length = 0u32;
        let mut at = 0;
        while at < found.len() {
            let term = found[at].0;
            let mut tf = 0u32;
            while at < found.len() && found[at].0 == term {
                tf += found[at].1;
                at += 1;
            }
            length += tf;
            let next = u32::try_from(lists.len()).unwrap_or(u32::MAX);
            let id = *local.entry(term).or_insert(next);
            if id == next {
                lists.push(Vec::new());
            }
            let answer = u32::try_from(a).unwrap_or(u32::MAX);
            lists[id as usize].push((answer << 4) | tf.min(TF_MAX));
        }
        lengths.push(length);
    }
    (local, lists, lengths)
}

/// Where each answer starts: a Q&A's documents, an SMS template's, a section of notes (its
/// title and items) or a schedule (its title and events) go together; any other document
/// is an answer alone.
fn answer_starts(index: &SearchIndex) -> Vec<u32> {
    let records = &index.docs.records;
    let mut starts = Vec::with_capacity(records.len() / 4 + 2);
    let mut previous: Option<(Target, DocKind)> = None;
    let listed =
        |kind: DocKind| matches!(kind, DocKind::Note | DocKind::Benefit | DocKind::Partner);
    for (d, record) in records.iter().enumerate() {
        let target = record.target();
        let together = previous.is_some_and(|(before, kind)| {
            before == target
                && match target {
                    Target::Qa { .. } | Target::Template { .. } => true,
                    Target::Guide { .. } => {
                        (listed(record.kind) && (listed(kind) || kind == DocKind::Section))
                            || (record.kind == DocKind::Schedule && kind == DocKind::Schedule)
                    }
                    Target::Rule { .. } => false,
                }
        });
        if !together {
            starts.push(u32::try_from(d).unwrap_or(u32::MAX));
        }
        previous = Some((target, record.kind));
    }
    starts.push(u32::try_from(records.len()).unwrap_or(u32::MAX));
    starts
}

/// A text folded as the index stores it: its characters without spaces, and where words
/// start.
pub(crate) fn folded(text: &str) -> (Vec<char>, Vec<bool>) {
    let mut chars = Vec::with_capacity(text.len());
    let mut starts = Vec::with_capacity(text.len());
    let mut start = true;
    for ch in text.chars() {
        if ch.is_whitespace() {
            start = true;
            continue;
        }
        chars.push(fold(ch));
        starts.push(start);
        start = super::query::ends_word(ch);
    }
    (chars, starts)
}

fn write_varint(out: &mut Vec<u8>, mut value: u32) {
    while value >= 0x80 {
        out.push(u8::try_from(value & 0x7F).unwrap_or(0) | 0x80);
        value >>= 7;
    }
    out.push(u8::try_from(value).unwrap_or(0));
}

fn read_varint(bytes: &[u8], mut at: usize) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(at)?;
        at += 1;
        value |= u32::from(byte & 0x7F) << shift;
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
        shift += 7;
        if shift > 28 {
            return None;
        }
    }
}

/// Why a reading of a query word was tried, for the search line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Why {
    /// The word as typed (its stem, when it had particles or endings: `stripped`).
    Stem {
        stripped: bool,
    },
    Synonym,
    Slip,
    Number,
    /// Lone consonants (and a half-typed syllable) read as the words the content spells
    /// with them.
    Initials,
    /// Latin letters read as 2-set keystrokes.
    Keyboard,
    /// The last syllable, still being typed, completed as the content writes it.
    Typing,
}

/// One reading of a query word: its terms (those the content holds) and its weight.
#[derive(Debug, Clone)]
struct Reading {
    shown: String,
    terms: Vec<u32>,
    /// Terms the reading has, held by the content or not (a reading holding half its
    /// bigrams scores half).
    wanted: usize,
    weight: f32,
    why: Why,
}

#[derive(Debug, Clone)]
struct Word {
    typed: String,
    readings: Vec<Reading>,
    /// What the word weighs in the query: its main reading's mean idf.
    weight: f32,
    /// What the word counts for in an answer's share of the query: a question word (어디,
    /// 언제) less than the words it asks about.
    share: f32,
}

/// A query as the ranked tier reads it.
#[derive(Debug, Clone, Default)]
pub(crate) struct RankedQuery {
    words: Vec<Word>,
    /// Numbers said aloud in the query, read in digits.
    numbers_said: Vec<Spoken>,
}

/// Weights of the readings the content spells for lone consonants or a half-typed syllable,
/// most written first.
const SPELLED_WEIGHTS: [f32; 3] = [0.9, 0.8, 0.7];
/// Weight of a Latin word read as 2-set keystrokes, when the content holds the Latin word
/// too (`sms`); when it does not, the keystrokes are what was meant.
const KEYBOARD_WEIGHT: f32 = 0.9;

impl RankedQuery {
    /// Reads `text` (the query's best reading: as typed, or from 2-set keystrokes; folded)
    /// word by word: stems without particles and endings, everyday words from `synonyms`,
    /// slips of a key where a word is not in the content as typed, numbers in their normal
    /// form, lone consonants and a half-typed last syllable as the words the content spells
    /// with them, and Latin words (as `typed` has them, case kept) as 2-set keystrokes.
    pub(crate) fn read(
        ranked: &Ranked,
        text: &str,
        typed: &str,
        synonyms: &[&SynonymTable],
    ) -> Self {
        let (chars, starts) = folded(text);
        let pieces = terms::query_pieces(&chars, &starts);
        let last_word = pieces.iter().rposition(|piece| {
            matches!(piece, Piece::Syllables { end, .. } | Piece::Spelled { end, .. } if *end == chars.len())
        });
        let mut latin = latin_words(typed);
        let mut words: Vec<Word> = Vec::new();
        let mut skip_next = false;
        for (p, piece) in pieces.iter().enumerate() {
            if std::mem::take(&mut skip_next) {
                continue;
            }
            let typing = last_word == Some(p);
            match piece {
                Piece::Whole {
                    term,
                    form,
                    start,
                    end,
                } => {
                    let typed: String = chars[*start..(*end).min(chars.len())].iter().collect();
                    let reading = whole_reading(ranked, *term, form, &typed);
                    // Several forms of one number (a count and the plain number) are one
                    // word.
                    match words.last_mut() {
                        Some(last) if last.typed == typed && reading.why == Why::Number => {
                            last.readings.push(reading);
                        }
                        _ => {
                            let mut word = Word {
                                typed,
                                readings: vec![reading],
                                weight: 0.0,
                                share: 1.0,
                            };
                            if form.starts_with("w:") {
                                add_keyboard_readings(ranked, &mut word, &mut latin, synonyms);
                            }
                            words.push(word);
                        }
                    }
                }
                Piece::Syllables { start, end } => {
                    let next = match pieces.get(p + 1) {
                        Some(Piece::Syllables { start, end }) => Some(&chars[*start..*end]),
                        _ => None,
                    };
                    if let Some((word, with_next)) =
                        korean_word(ranked, &chars[*start..*end], next, typing, synonyms)
                    {
                        words.push(word);
                        skip_next = with_next;
                    }
                }
                Piece::Spelled { start, end } => {
                    if let Some((word, _)) =
                        korean_word(ranked, &chars[*start..*end], None, typing, synonyms)
                    {
                        words.push(word);
                    }
                }
            }
        }
        for word in &mut words {
            // A word weighs what its best-known reading's terms are worth.
            word.weight = word
                .readings
                .iter()
                .filter(|r| !r.terms.is_empty())
                .map(|r| {
                    #[allow(clippy::cast_precision_loss)] // a few terms
                    let n = r.terms.len() as f32;
                    r.terms.iter().map(|&t| ranked.idf(t)).sum::<f32>() / n
                })
                .fold(0.0, f32::max);
        }
        words.retain(|word| word.weight > 0.0);
        Self {
            words,
            numbers_said: Vec::new(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// The query as read, with the numbers said aloud that were written in digits for it.
    pub(crate) fn with_numbers_said(mut self, said: Vec<Spoken>) -> Self {
        self.numbers_said = said;
        self
    }

    /// How each word was read other than as typed (for the search line).
    pub(crate) fn describe(&self) -> Vec<String> {
        let mut lines: Vec<String> = self
            .numbers_said
            .iter()
            .map(|number| format!("{} → {} (숫자)", number.said, number.written))
            .collect();
        for word in &self.words {
            for reading in &word.readings {
                if reading.terms.is_empty() {
                    continue;
                }
                let label = match reading.why {
                    Why::Stem { stripped: true } => "조사·어미 뗌",
                    Why::Stem { stripped: false } => continue,
                    Why::Synonym => "유의어",
                    Why::Slip => "오타",
                    Why::Number => "숫자",
                    Why::Initials => "초성",
                    Why::Keyboard => "영타",
                    Why::Typing => "치는 중",
                };
                let line = format!("{} → {} ({label})", word.typed, reading.shown);
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
        }
        lines
    }
}

/// The runs of Latin letters of the query as typed (case kept: Shift types ㅖ for ㅔ), each
/// once: a Latin word of the folded query is read from the first run it folds to.
fn latin_words(typed: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    for ch in typed.chars().chain([' ']) {
        if ch.is_ascii_alphabetic() {
            word.push(ch);
        } else if !word.is_empty() {
            words.push(std::mem::take(&mut word));
        }
    }
    words
}

/// Adds to a Latin `word` its readings as 2-set keystrokes (and with Caps Lock on), read as
/// Korean is; `latin` holds the query's Latin runs as typed, the one read taken out.
fn add_keyboard_readings(
    ranked: &Ranked,
    word: &mut Word,
    latin: &mut Vec<String>,
    synonyms: &[&SynonymTable],
) {
    let Some(at) = latin
        .iter()
        .position(|run| run.to_ascii_lowercase() == word.typed)
    else {
        return;
    };
    let run = latin.remove(at);
    let held = word.readings.iter().any(|r| !r.terms.is_empty());
    let mut spellings = vec![crate::hangul::latin_to_hangul(&run)];
    if run.chars().any(|c| c.is_ascii_uppercase()) {
        spellings.push(crate::hangul::caps_lock_to_hangul(&run));
    }
    for spelling in spellings {
        let chars: Vec<char> = spelling.chars().collect();
        if chars.is_empty()
            || !chars
                .iter()
                .all(|&c| is_syllable(c) || crate::hangul::is_consonant(c))
        {
            continue;
        }
        let Some((korean, _)) = korean_word(ranked, &chars, None, false, synonyms) else {
            continue;
        };
        for mut reading in korean.readings {
            if held {
                reading.weight *= KEYBOARD_WEIGHT;
            }
            if matches!(reading.why, Why::Stem { .. }) {
                reading.why = Why::Keyboard;
            }
            if !word.readings.iter().any(|r| r.shown == reading.shown) {
                word.readings.push(reading);
            }
        }
    }
}

/// A Korean query word: a run of syllables (see [`syllable_word`]), with, when it holds lone
/// consonants or is the last word (`typing`: its last syllable may be half typed), the
/// words the content spells that way.
fn korean_word(
    ranked: &Ranked,
    run: &[char],
    next: Option<&[char]>,
    typing: bool,
    synonyms: &[&SynonymTable],
) -> Option<(Word, bool)> {
    let spelled = run.iter().any(|&c| crate::hangul::is_consonant(c));
    if !spelled {
        let (mut word, with_next) = syllable_word(ranked, run, next, synonyms)?;
        if typing && run.len() >= 2 {
            let completed = ranked.vocabulary.spell(ranked, &slots(run, true));
            add_spelled(ranked, &mut word, &completed, Why::Typing);
        }
        return Some((word, with_next));
    }
    if run.len() < 2 {
        return None;
    }
    let spellings = ranked.vocabulary.spell(ranked, &slots(run, typing));
    let mut word = Word {
        typed: run.iter().collect(),
        readings: Vec::new(),
        weight: 0.0,
        share: 1.0,
    };
    add_spelled(ranked, &mut word, &spellings, Why::Initials);
    (!word.readings.is_empty()).then_some((word, false))
}

/// Adds the `spellings` the content holds for a word as its readings (their stems, most
/// written first, a little below the word as typed).
fn add_spelled(ranked: &Ranked, word: &mut Word, spellings: &[Vec<char>], why: Why) {
    for (spelling, weight) in spellings.iter().zip(SPELLED_WEIGHTS) {
        let stem = &spelling[..terms::stem_len(spelling)];
        let reading = reading_of(ranked, stem, weight, why);
        if reading.terms.is_empty() || word.readings.iter().any(|r| r.shown == reading.shown) {
            continue;
        }
        word.readings.push(reading);
    }
}

/// One place of a word the content is asked to spell.
#[derive(Debug, Clone, Copy)]
enum Slot {
    /// A syllable as typed.
    Syllable(char),
    /// A lone consonant: any syllable it starts (ㅅ for 수).
    Initial(usize),
    /// The query's last syllable, perhaps half typed: itself, or a syllable whose keys it
    /// begins (겨 for 경, 가 for 갑).
    Typing(char),
}

impl Slot {
    fn initial(self) -> Option<usize> {
        match self {
            Slot::Syllable(c) | Slot::Typing(c) => {
                crate::hangul::split_syllable(c).map(|(i, _, _)| i)
            }
            Slot::Initial(i) => Some(i),
        }
    }

    fn allows(self, ch: char) -> bool {
        match self {
            Slot::Syllable(c) => ch == c,
            Slot::Initial(i) => crate::hangul::split_syllable(ch).is_some_and(|(j, _, _)| j == i),
            Slot::Typing(c) => {
                ch == c || {
                    let typed = crate::hangul::jamo_string(&c.to_string());
                    crate::hangul::jamo_string(&ch.to_string()).starts_with(&typed)
                }
            }
        }
    }
}

/// The places of `run` (syllables and lone consonants); its last syllable half typed when
/// `typing`.
fn slots(run: &[char], typing: bool) -> Vec<Slot> {
    let last = run.len().saturating_sub(1);
    run.iter()
        .enumerate()
        .map(|(n, &c)| match crate::hangul::initial_index(c) {
            Some(i) if crate::hangul::is_consonant(c) => Slot::Initial(i),
            _ if typing && n == last && is_syllable(c) => Slot::Typing(c),
            _ => Slot::Syllable(c),
        })
        .collect()
}

/// The content's syllable bigrams, to read what a query spells only in part: lone
/// consonants (`ㅅㄹㄹ` → 수락률) and a last syllable still being typed (`변겨` → 변경).
#[derive(Debug, Default)]
pub(crate) struct Vocabulary {
    /// Every bigram: (first, second, term), sorted.
    by_first: Vec<(char, char, u32)>,
    /// Every bigram by its syllables' initials: (initials, first, second, term), sorted.
    by_initials: Vec<(u16, char, char, u32)>,
}

/// Spellings followed at each place of a word.
const SPELL_BEAM: usize = 24;

impl Vocabulary {
    fn build(terms: &Map<Term, u32>) -> Self {
        let mut by_first = Vec::new();
        let mut by_initials = Vec::new();
        for (&term, &id) in terms {
            let Some((first, second)) = terms::bigram_chars(term) else {
                continue;
            };
            by_first.push((first, second, id));
            if let Some(pair) = initials_pair(first, second) {
                by_initials.push((pair, first, second, id));
            }
        }
        by_first.sort_unstable();
        by_initials.sort_unstable();
        Self {
            by_first,
            by_initials,
        }
    }

    fn heap_bytes(&self) -> usize {
        self.by_first.capacity() * 12 + self.by_initials.capacity() * 16
    }

    /// The bigrams starting with `first`.
    fn after(&self, first: char) -> &[(char, char, u32)] {
        let from = self.by_first.partition_point(|&(c, _, _)| c < first);
        let to = self.by_first.partition_point(|&(c, _, _)| c <= first);
        &self.by_first[from..to]
    }

    /// The bigrams whose syllables start with the initials `pair`.
    fn with_initials(&self, pair: u16) -> &[(u16, char, char, u32)] {
        let from = self.by_initials.partition_point(|&(p, ..)| p < pair);
        let to = self.by_initials.partition_point(|&(p, ..)| p <= pair);
        &self.by_initials[from..to]
    }

    /// The words the content spells in `slots` (every bigram held somewhere), those whose
    /// rarest bigram the most answers hold first; at most three.
    fn spell(&self, ranked: &Ranked, slots: &[Slot]) -> Vec<Vec<char>> {
        let (Some(&first), Some(&second)) = (slots.first(), slots.get(1)) else {
            return Vec::new();
        };
        let count = |id: u32| ranked.counts.get(id as usize).copied().unwrap_or(0);
        let mut beam: Vec<(Vec<char>, u32)> = match first {
            Slot::Syllable(c) | Slot::Typing(c) => self
                .after(c)
                .iter()
                .filter(|&&(_, b, _)| second.allows(b))
                .map(|&(a, b, id)| (vec![a, b], count(id)))
                .collect(),
            Slot::Initial(i) => {
                let Some(pair) = second.initial().and_then(|j| pair_of(i, j)) else {
                    return Vec::new();
                };
                self.with_initials(pair)
                    .iter()
                    .filter(|&&(_, _, b, _)| second.allows(b))
                    .map(|&(_, a, b, id)| (vec![a, b], count(id)))
                    .collect()
            }
        };
        keep_best(&mut beam);
        for &slot in &slots[2..] {
            let mut next = Vec::new();
            for (word, least) in &beam {
                let Some(&last) = word.last() else { continue };
                for &(_, b, id) in self.after(last) {
                    if slot.allows(b) {
                        let mut longer = word.clone();
                        longer.push(b);
                        next.push((longer, (*least).min(count(id))));
                    }
                }
            }
            beam = next;
            keep_best(&mut beam);
        }
        beam.into_iter()
            .take(SPELLED_WEIGHTS.len())
            .map(|(word, _)| word)
            .collect()
    }
}

/// Keeps the [`SPELL_BEAM`] spellings whose rarest bigram is most held (ties in code point
/// order: the same on every run).
fn keep_best(beam: &mut Vec<(Vec<char>, u32)>) {
    beam.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    beam.truncate(SPELL_BEAM);
}

fn pair_of(first: usize, second: usize) -> Option<u16> {
    u16::try_from(first * 32 + second).ok()
}

/// The initials of two syllables as one number.
fn initials_pair(first: char, second: char) -> Option<u16> {
    let (a, _, _) = crate::hangul::split_syllable(first)?;
    let (b, _, _) = crate::hangul::split_syllable(second)?;
    pair_of(a, b)
}

/// The reading of a term read whole: a Latin word, or a number's normal form (the plain
/// number of a counted one, `3점`, weighs a little less than its count or score).
fn whole_reading(ranked: &Ranked, term: Term, form: &str, typed: &str) -> Reading {
    let why = if form.starts_with("w:") {
        Why::Stem { stripped: false }
    } else {
        Why::Number
    };
    let counted = !typed.chars().all(|c| c.is_ascii_digit() || c == '.');
    Reading {
        shown: shown_form(form),
        terms: ranked.terms.get(&term).copied().into_iter().collect(),
        wanted: 1,
        weight: if form.starts_with("n:") && counted {
            0.8
        } else {
            STEM_WEIGHT
        },
        why,
    }
}
/// A run of syllables as a query word: its stem, a count said aloud, everyday words (this
/// word's, or this and the `next` word's together: then `true`), and where the word is not
/// in the content as typed, spellings a key away. `None` for a filler or a bare ending.
fn syllable_word(
    ranked: &Ranked,
    run: &[char],
    next: Option<&[char]>,
    synonyms: &[&SynonymTable],
) -> Option<(Word, bool)> {
    if terms::is_filler(run) {
        return None;
    }
    let stem_len = terms::stem_len(run);
    let stem = &run[..stem_len];
    if stem.is_empty() || terms::is_only_ending(run) {
        return None;
    }
    let typed: String = run.iter().collect();
    let mut readings = vec![reading_of(
        ranked,
        stem,
        STEM_WEIGHT,
        Why::Stem {
            stripped: stem_len < run.len(),
        },
    )];
    if let Some(count) = terms::native_count(&typed) {
        let ids = ranked.terms.get(&terms::hashed(&count)).copied();
        readings.push(Reading {
            shown: shown_form(&count),
            terms: ids.into_iter().collect(),
            wanted: 1,
            weight: STEM_WEIGHT,
            why: Why::Number,
        });
    }
    let mut with_next = false;
    let joined: Option<Vec<char>> = next.map(|next| run.iter().chain(next).copied().collect());
    for table in synonyms {
        for (word, means) in table.entries() {
            let whole = word.as_slice() == run
                || word.as_slice() == stem
                || (run.starts_with(word) && terms::is_suffix(&run[word.len()..]));
            let (replaced, both) = if whole {
                (means.clone(), false)
            } else if word.len() >= 2 && stem.starts_with(word) {
                let mut replaced = means.clone();
                replaced.extend_from_slice(&stem[word.len()..]);
                (replaced, false)
            } else if joined.as_ref().is_some_and(|joined| {
                joined.starts_with(word) && terms::is_suffix(&joined[word.len()..])
            }) {
                (means.clone(), true)
            } else {
                continue;
            };
            let reading = reading_of(ranked, &replaced, SYNONYM_WEIGHT, Why::Synonym);
            if !reading.terms.is_empty() && !readings.iter().any(|r| r.shown == reading.shown) {
                readings.push(reading);
                with_next |= both;
            }
        }
    }
    // A key slipped: only where the word is not in the content as typed, and has two
    // syllables or more (one syllable a key away is another word).
    if readings[0].terms.len() < readings[0].wanted && readings.len() == 1 && stem.len() >= 2 {
        let mut slipped: Vec<Reading> = terms::slips(stem)
            .iter()
            .map(|spelling| reading_of(ranked, spelling, SLIP_WEIGHT, Why::Slip))
            .filter(|r| r.terms.len() == r.wanted && r.wanted > 0)
            .collect();
        // The spellings the content holds most.
        slipped.sort_by_key(|r| {
            std::cmp::Reverse(
                r.terms
                    .iter()
                    .map(|&t| ranked.counts[t as usize])
                    .min()
                    .unwrap_or(0),
            )
        });
        readings.extend(slipped.into_iter().take(3));
    }
    let share = if terms::is_question_word(stem) {
        0.3
    } else {
        1.0
    };
    let word = Word {
        typed,
        readings,
        weight: 0.0,
        share,
    };
    Some((word, with_next))
}

/// A number's normal form as the search line shows it.
fn shown_form(form: &str) -> String {
    let (kind, value) = form.split_once(':').unwrap_or(("", form));
    match kind {
        "d" if value.len() == 4 => format!(
            "{}월 {}일",
            value[..2].trim_start_matches('0'),
            value[2..].trim_start_matches('0')
        ),
        "p" => format!("{value}%"),
        "c" => format!("{value}회"),
        "w" => format!("{value}원"),
        "mo" => format!("{value}개월"),
        "y" => format!("{value}년"),
        "m" => format!("{value}월"),
        _ => value.to_owned(),
    }
}

/// The reading of a stem `word` (bigrams, or the syllable alone); a phrase (a synonym's
/// `이용 제한`) is read word by word, as the content's text is.
fn reading_of(ranked: &Ranked, word: &[char], weight: f32, why: Why) -> Reading {
    let mut wanted = 0;
    let mut ids = Vec::new();
    for piece in word.split(|c| c.is_whitespace()).filter(|p| !p.is_empty()) {
        terms::stem_terms(piece, 0, &mut |term, _, _| {
            wanted += 1;
            if let Some(&id) = ranked.terms.get(&term) {
                ids.push(id);
            }
        });
    }
    ids.sort_unstable();
    ids.dedup();
    Reading {
        shown: word.iter().collect(),
        terms: ids,
        wanted,
        weight,
        why,
    }
}

/// How much of `word` a text holds (`at(term)`: where the text holds a term, if it does):
/// its best reading's share of terms held times the reading's weight, and where the first
/// held term stands (`u32::MAX` when none is).
fn word_held(word: &Word, at: impl Fn(u32) -> Option<u32>) -> (f32, u32) {
    let mut best = (0.0f32, u32::MAX);
    for reading in &word.readings {
        let mut count = 0usize;
        let mut first = u32::MAX;
        for &term in &reading.terms {
            if let Some(place) = at(term) {
                count += 1;
                first = first.min(place);
            }
        }
        #[allow(clippy::cast_precision_loss)] // a few terms
        let held = count as f32 / reading.wanted.max(1) as f32 * reading.weight;
        if held > best.0 {
            best = (held, first);
        }
    }
    best
}

/// How well a text of `kind` holding the query's terms `in_text` (each with where it stands)
/// answers: the words it holds by their weight and its field's, and a bonus where two words
/// of the query next to each other stand close in the text, in the query's order.
fn text_score(query: &RankedQuery, kind: DocKind, in_text: &[(u32, u32)]) -> f32 {
    let field = match kind {
        // A heading leads to the items under it: an item holding the words is shown.
        DocKind::Section => 0.8,
        kind => match field_weight(kind) {
            3 => 1.3,
            2 => 1.15,
            _ => 1.0,
        },
    };
    let holds: Vec<(f32, u32)> = query
        .words
        .iter()
        .map(|word| {
            word_held(word, |t| {
                in_text.iter().find(|(id, _)| *id == t).map(|&(_, at)| at)
            })
        })
        .collect();
    let mut score: f32 = holds
        .iter()
        .zip(&query.words)
        .map(|(&(held, _), word)| held * word.weight)
        .sum::<f32>()
        * field;
    for pair in holds.windows(2) {
        let (first, second) = (pair[0].1, pair[1].1);
        if first != u32::MAX && second != u32::MAX && second > first && second - first <= 12 {
            score += 0.5;
        }
    }
    score
}

/// An answer the ranked tier found, read again text by text.
#[derive(Debug, Clone)]
pub(crate) struct RankedAnswer {
    /// Its documents.
    pub docs: std::ops::Range<usize>,
    /// Its BM25 score over the query's terms.
    pub bm25: f32,
    /// Its texts holding some of the query's terms: each with its score and the stored
    /// positions of those terms.
    pub texts: Vec<(usize, f32, Vec<u32>)>,
    /// It holds enough of the query to be shown as a partial hit.
    pub covered: bool,
    /// It is headings and links only (a guide's title, a section's): it leads to the answers
    /// under them, and ranks below them.
    pub navigation: bool,
}

/// What an answer of headings and links only counts for.
const NAVIGATION_FACTOR: f32 = 0.6;

impl RankedAnswer {
    fn factor(&self) -> f32 {
        if self.navigation {
            NAVIGATION_FACTOR
        } else {
            1.0
        }
    }

    /// Its best text (the first of equals), with its score and positions.
    pub(crate) fn best(&self) -> Option<&(usize, f32, Vec<u32>)> {
        self.texts.iter().fold(
            None,
            |best: Option<&(usize, f32, Vec<u32>)>, text| match best {
                Some(b) if b.1 >= text.1 => Some(b),
                _ => Some(text),
            },
        )
    }

    /// How well it answers the query: its BM25 score and its best text's.
    pub(crate) fn score(&self) -> f32 {
        (self.bm25 + self.best().map_or(0.0, |best| best.1)) * self.factor()
    }

    /// How well document `doc` of it answers the query: the answer's BM25 score and the
    /// text's own (none when the text holds none of the query's terms).
    pub(crate) fn relevance(&self, doc: usize) -> f32 {
        let text = self
            .texts
            .iter()
            .find(|(d, _, _)| *d == doc)
            .map_or(0.0, |t| t.1);
        (self.bm25 + text) * self.factor()
    }
}

/// Scratch arrays for one search (one slot an answer).
struct Scores {
    values: Vec<f32>,
    touched: Vec<u32>,
}

impl Scores {
    fn new(len: usize) -> Self {
        Self {
            values: vec![0.0; len],
            touched: Vec::new(),
        }
    }

    #[inline]
    fn add(&mut self, at: usize, value: f32) {
        if self.values[at] == 0.0 {
            self.touched.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        self.values[at] += value;
    }

    #[inline]
    fn raise(&mut self, at: usize, value: f32) {
        if self.values[at] == 0.0 {
            self.touched.push(u32::try_from(at).unwrap_or(u32::MAX));
        }
        if value > self.values[at] {
            self.values[at] = value;
        }
    }

    fn clear(&mut self) {
        for &at in &self.touched {
            self.values[at as usize] = 0.0;
        }
        self.touched.clear();
    }
}

impl SearchIndex {
    /// The ranked tier's best answers for `query` (at most `most`, best first), each read
    /// again text by text.
    pub(crate) fn ranked_answers(&self, query: &RankedQuery, most: usize) -> Vec<RankedAnswer> {
        let ranked = self.ranked();
        let answers = ranked.answers();
        if query.is_empty() || answers == 0 {
            return Vec::new();
        }
        let mut total = Scores::new(answers);
        let mut word_best = Scores::new(answers);
        let mut reading = Scores::new(answers);
        let average = ranked.average_length.max(1.0);
        for word in &query.words {
            for r in &word.readings {
                if r.terms.is_empty() {
                    continue;
                }
                #[allow(clippy::cast_precision_loss)] // a few terms
                let share = r.weight / r.wanted.max(1) as f32;
                for &term in &r.terms {
                    let idf = ranked.idf(term);
                    ranked.each_posting(term, |answer, tf| {
                        #[allow(clippy::cast_precision_loss)] // small counts
                        let (tf, length) = (tf as f32, ranked.lengths[answer] as f32);
                        let norm = K1 * (1.0 - B + B * length / average);
                        reading.add(answer, share * idf * tf * (K1 + 1.0) / (tf + norm));
                    });
                }
                for &answer in &reading.touched {
                    word_best.raise(answer as usize, reading.values[answer as usize]);
                }
                reading.clear();
            }
            for &answer in &word_best.touched {
                total.add(answer as usize, word_best.values[answer as usize]);
            }
            word_best.clear();
        }
        let mut best: Vec<(f32, u32)> = total
            .touched
            .iter()
            .map(|&a| (total.values[a as usize], a))
            .collect();
        let keep = most.min(best.len());
        let by_score = |x: &(f32, u32), y: &(f32, u32)| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1));
        if keep < best.len() {
            best.select_nth_unstable_by(keep, by_score);
            best.truncate(keep);
        }
        // The query's terms (a small map, where the whole vocabulary's would miss the cache
        // for every term of every text read again).
        let mut wanted: Map<Term, u32> = Map::default();
        for word in &query.words {
            for r in &word.readings {
                wanted.extend(
                    r.terms
                        .iter()
                        .filter_map(|&id| Some((*ranked.keys.get(id as usize)?, id))),
                );
            }
        }
        let shares = crate::parallel::in_shares(best.len(), REREAD_PER_WORKER, |share| {
            best[share]
                .iter()
                .map(|&(score, answer)| self.reread(ranked, query, &wanted, answer as usize, score))
                .collect::<Vec<_>>()
        });
        let mut found: Vec<RankedAnswer> = shares.into_iter().flatten().collect();
        found.sort_by(|a, b| {
            b.score()
                .total_cmp(&a.score())
                .then(a.docs.start.cmp(&b.docs.start))
        });
        found
    }

    /// The answer holding document `doc`, as the ranked tier groups documents.
    pub(crate) fn answer_of(&self, doc: usize) -> usize {
        self.ranked().answer_of(doc)
    }

    /// Reads answer `answer`'s texts for the query's words: each text's score (by the words
    /// it holds, its field and how close they stand), and whether the answer holds enough
    /// of the query to be shown.
    fn reread(
        &self,
        ranked: &Ranked,
        query: &RankedQuery,
        wanted: &Map<Term, u32>,
        answer: usize,
        bm25: f32,
    ) -> RankedAnswer {
        let docs = ranked.starts[answer] as usize..ranked.starts[answer + 1] as usize;
        // The query's terms the answer holds, and each text's.
        let mut in_answer: Vec<u32> = Vec::new();
        let mut texts = Vec::new();
        let mut chars = Vec::new();
        let mut starts = Vec::new();
        for d in docs.clone() {
            self.doc_chars(d, &mut chars, &mut starts);
            let mut in_text: Vec<(u32, u32)> = Vec::new();
            let mut positions = Vec::new();
            terms::each_term(&chars, &starts, &mut |term, place| {
                if let Some(&id) = wanted.get(&term) {
                    in_text.push((id, place.start));
                    positions.extend(place.start..place.end);
                }
            });
            if in_text.is_empty() {
                continue;
            }
            in_answer.extend(in_text.iter().map(|&(id, _)| id));
            let score = text_score(query, self.docs.records[d].kind, &in_text);
            positions.sort_unstable();
            positions.dedup();
            texts.push((d, score, positions));
        }
        // The guide's title counts for the answer's share of the query too.
        if let Some((_, title)) = docs
            .clone()
            .next()
            .and_then(|d| self.guides.get(self.docs.records[d].guide as usize))
        {
            let (chars, starts) = folded(title);
            terms::each_term(&chars, &starts, &mut |term, _| {
                if let Some(&id) = wanted.get(&term) {
                    in_answer.push(id);
                }
            });
        }
        in_answer.sort_unstable();
        in_answer.dedup();
        let whole: f32 = query.words.iter().map(|w| w.share).sum();
        let covered: f32 = query
            .words
            .iter()
            .map(|word| {
                word_held(word, |t| in_answer.binary_search(&t).ok().map(|_| 0))
                    .0
                    .min(1.0)
                    * word.share
            })
            .sum();
        let navigation = docs.clone().all(|d| {
            matches!(
                self.docs.records[d].kind,
                DocKind::Guide | DocKind::Link | DocKind::Section
            )
        });
        RankedAnswer {
            docs,
            bm25,
            texts,
            covered: whole > 0.0 && covered / whole >= COVERAGE_FLOOR && covered > 0.0,
            navigation,
        }
    }

    /// Document `d`'s stored characters as characters, and where its words start.
    pub(crate) fn doc_chars(&self, d: usize, chars: &mut Vec<char>, starts: &mut Vec<bool>) {
        chars.clear();
        starts.clear();
        for &stored in self.chars(d).stored() {
            chars.push(self.alphabet.char(code_of(stored)).unwrap_or('\u{FFFD}'));
            starts.push(stored & WORD_START != 0);
        }
    }
}
