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
//! needed (a quarter of a second at 100k entries), not stored: the index file and the
//! searches that the exact tiers answer stay as they were.

use hashbrown::HashMap;

use super::codes::{WORD_START, code_of};
use super::query::{SynonymTable, fold};
use super::terms::{self, Piece, Term};
use super::{DocKind, SearchIndex, Target};

type Map<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

/// BM25's term-frequency saturation and length normalisation.
const K1: f32 = 1.2;
const B: f32 = 0.5;
/// Weighted term frequency kept per posting (four bits).
const TF_MAX: u32 = 15;
/// Answers re-read text by text for the final order.
const RESCORED: usize = 64;
/// Partial hits given at most.
pub(crate) const PARTIAL_MOST: usize = 20;
/// The least share of the query's weight an answer must hold to be shown: measured on the
/// relevance sets (docs/search.md), below it the hits of unanswerable questions crowd in.
const COVERAGE_FLOOR: f32 = 0.5;

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
    /// How many answers hold each term.
    counts: Vec<u32>,
    /// Term `t`'s postings are `bytes[offsets[t]..offsets[t + 1]]`.
    offsets: Vec<usize>,
    bytes: Vec<u8>,
}

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
        ranked.offsets.reserve(merged.len() + 1);
        ranked.offsets.push(0);
        for list in merged {
            ranked
                .counts
                .push(u32::try_from(list.len()).unwrap_or(u32::MAX));
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
        let total: u64 = ranked.lengths.iter().map(|&l| u64::from(l)).sum();
        #[allow(clippy::cast_precision_loss)] // an average
        {
            ranked.average_length = total as f32 / ranked.lengths.len().max(1) as f32;
        }
        ranked
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.starts.capacity() * 4
            + self.lengths.capacity() * 4
            + self.terms.capacity() * 16
            + self.counts.capacity() * 4
            + self.offsets.capacity() * std::mem::size_of::<usize>()
            + self.bytes.capacity()
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
        while let Some((value, next)) = read_varint(bytes, at) {
            at = next;
            answer += (value >> 4) as usize;
            visit(answer, value & 0xF);
        }
    }
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
}

impl RankedQuery {
    /// Reads `text` (the query's best reading: as typed, or from 2-set keystrokes) word by
    /// word: stems without particles and endings, everyday words from `synonyms`, slips of a
    /// key where a word is not in the content as typed, numbers in their normal form.
    pub(crate) fn read(ranked: &Ranked, text: &str, synonyms: &[&SynonymTable]) -> Self {
        let (chars, starts) = folded(text);
        let pieces = terms::query_pieces(&chars, &starts);
        let mut words: Vec<Word> = Vec::new();
        let mut skip_next = false;
        for (p, piece) in pieces.iter().enumerate() {
            if std::mem::take(&mut skip_next) {
                continue;
            }
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
                        _ => words.push(Word {
                            typed,
                            readings: vec![reading],
                            weight: 0.0,
                            share: 1.0,
                        }),
                    }
                }
                Piece::Syllables { start, end } => {
                    let next = match pieces.get(p + 1) {
                        Some(Piece::Syllables { start, end }) => Some(&chars[*start..*end]),
                        _ => None,
                    };
                    if let Some((word, with_next)) =
                        syllable_word(ranked, &chars[*start..*end], next, synonyms)
                    {
                        words.push(word);
                        skip_next = with_next;
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
        Self { words }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.words.is_empty()
    }

    /// How each word was read other than as typed (for the search line).
    pub(crate) fn describe(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for word in &self.words {
            for reading in &word.readings {
                if reading.terms.is_empty() {
                    continue;
                }
                let line = match reading.why {
                    Why::Stem { stripped: true } => {
                        format!("{} → {} (조사·어미 뗌)", word.typed, reading.shown)
                    }
                    Why::Stem { stripped: false } => continue,
                    Why::Synonym => format!("{} → {} (유의어)", word.typed, reading.shown),
                    Why::Slip => format!("{} → {} (오타)", word.typed, reading.shown),
                    Why::Number => format!("{} → {} (숫자)", word.typed, reading.shown),
                };
                if !lines.contains(&line) {
                    lines.push(line);
                }
            }
        }
        lines
    }
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
            let replaced: Vec<char> = replaced
                .into_iter()
                .filter(|c| !c.is_whitespace())
                .collect();
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

/// The reading of a stem `word` (bigrams, or the syllable alone).
fn reading_of(ranked: &Ranked, word: &[char], weight: f32, why: Why) -> Reading {
    let mut wanted = 0;
    let mut ids = Vec::new();
    terms::stem_terms(word, 0, &mut |term, _, _| {
        wanted += 1;
        if let Some(&id) = ranked.terms.get(&term) {
            ids.push(id);
        }
    });
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

/// A partial hit: the text shown, its score, where the query's words are in it.
#[derive(Debug, Clone)]
pub(crate) struct PartialHit {
    pub doc: usize,
    pub score: f32,
    pub positions: Vec<u32>,
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
    /// The ranked tier's best answers for `query`, none holding a document of `exact` (the
    /// exact tiers' hits), at most [`PARTIAL_MOST`], best first.
    pub(crate) fn partial_hits(&self, query: &RankedQuery, exact: &[usize]) -> Vec<PartialHit> {
        let ranked = self.ranked();
        let answers = ranked.answers();
        if query.is_empty() || answers == 0 {
            return Vec::new();
        }
        let excluded: std::collections::HashSet<usize> =
            exact.iter().map(|&doc| ranked.answer_of(doc)).collect();
        let excluded = |answer: usize| excluded.contains(&answer);
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
            .filter(|&(_, a)| !excluded(a as usize))
            .collect();
        let keep = RESCORED.min(best.len());
        if keep < best.len() {
            best.select_nth_unstable_by(keep, |x, y| y.0.total_cmp(&x.0));
            best.truncate(keep);
        }
        let mut hits: Vec<PartialHit> = best
            .into_iter()
            .filter_map(|(score, answer)| self.rescore(ranked, query, answer as usize, score))
            .collect();
        hits.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.doc.cmp(&b.doc)));
        hits.truncate(PARTIAL_MOST);
        hits
    }

    /// Reads answer `answer`'s texts for the query's words: the best text (by the words it
    /// holds, its field and how close they stand), and whether the answer holds enough of
    /// the query to be shown.
    fn rescore(
        &self,
        ranked: &Ranked,
        query: &RankedQuery,
        answer: usize,
        bm25: f32,
    ) -> Option<PartialHit> {
        let mut wanted: Map<u32, ()> = Map::default();
        for word in &query.words {
            for r in &word.readings {
                wanted.extend(r.terms.iter().map(|&t| (t, ())));
            }
        }
        let docs = ranked.starts[answer] as usize..ranked.starts[answer + 1] as usize;
        // The query's terms the answer holds, and (for the best text) each text's.
        let mut in_answer: Vec<u32> = Vec::new();
        let mut best: Option<(f32, usize, Vec<u32>)> = None;
        let mut chars = Vec::new();
        let mut starts = Vec::new();
        for d in docs.clone() {
            self.doc_chars(d, &mut chars, &mut starts);
            let mut in_text: Vec<(u32, u32)> = Vec::new();
            let mut positions = Vec::new();
            terms::each_term(&chars, &starts, &mut |term, place| {
                if let Some(&id) = ranked.terms.get(&term)
                    && wanted.contains_key(&id)
                {
                    in_text.push((id, place.start));
                    positions.extend(place.start..place.end);
                }
            });
            if in_text.is_empty() {
                continue;
            }
            in_answer.extend(in_text.iter().map(|&(id, _)| id));
            let score = text_score(query, self.docs.records[d].kind, &in_text);
            if best.as_ref().is_none_or(|(s, _, _)| score > *s) {
                positions.sort_unstable();
                positions.dedup();
                best = Some((score, d, positions));
            }
        }
        // The guide's title counts for the answer's share of the query too.
        if let Some((_, title)) = docs
            .clone()
            .next()
            .and_then(|d| self.guides.get(self.docs.records[d].guide as usize))
        {
            let (chars, starts) = folded(title);
            terms::each_term(&chars, &starts, &mut |term, _| {
                if let Some(&id) = ranked.terms.get(&term)
                    && wanted.contains_key(&id)
                {
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
        if whole <= 0.0 || covered / whole < COVERAGE_FLOOR {
            return None;
        }
        let (text_score, doc, positions) = best?;
        // An answer of headings and links only (a guide's title, a section's) leads to the
        // answers under it: it ranks below them.
        let navigation = docs.clone().all(|d| {
            matches!(
                self.docs.records[d].kind,
                DocKind::Guide | DocKind::Link | DocKind::Section
            )
        });
        let score = (bm25 + text_score) * if navigation { 0.6 } else { 1.0 };
        Some(PartialHit {
            doc,
            score,
            positions,
        })
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
