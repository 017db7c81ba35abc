//! Which documents hold each character, so that a keystroke looks only at the documents that
//! hold every settled unit of its reading instead of scanning all of them.
//!
//! The lists are a filter, never an answer: every document they name is still matched in
//! full, and a document they leave out could not have matched (each unit matches only at a
//! character it names). Results are therefore the same as a scan of every document.
//!
//! Each list holds document numbers as gaps from the previous one in LEB128 varints: a
//! character in most documents costs about a byte a document.

use std::ops::Range;

use super::query::{Unit, char_of};
use super::results::DocSet;

/// The postings of every character that occurs.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Postings {
    /// The distinct characters, in increasing order.
    pub(crate) keys: Vec<u32>,
    /// List `k` is `bytes[starts[k]..starts[k + 1]]`.
    pub(crate) starts: Vec<u32>,
    /// How many documents list `k` names.
    pub(crate) counts: Vec<u32>,
    pub(crate) bytes: Vec<u8>,
}

/// A list under construction: its bytes, the last document written and how many.
#[derive(Debug, Default, Clone)]
struct ListBuilder {
    bytes: Vec<u8>,
    last: u32,
    count: u32,
}

impl ListBuilder {
    fn push(&mut self, doc: u32) {
        write_varint(&mut self.bytes, doc - self.last);
        self.last = doc;
        self.count += 1;
    }
}

/// Characters below this (the Basic Multilingual Plane: Hangul, Latin, punctuation) have a
/// slot in a table; the rare others a map entry.
const TABLE: u32 = 0x1_0000;

/// Lists by character for one share of documents.
struct ShareLists {
    table: Vec<ListBuilder>,
    others: std::collections::HashMap<u32, ListBuilder>,
}

impl ShareLists {
    /// Adds `doc` to the list of `ch`, once however often `ch` occurs in it (documents
    /// come in order, so a repeat is the list's last entry).
    #[inline]
    fn add(&mut self, ch: u32, doc: u32) {
        let list = match self.table.get_mut(ch as usize) {
            Some(list) => list,
            None => self.others.entry(ch).or_default(),
        };
        if list.count == 0 || list.last != doc {
            list.push(doc);
        }
    }

    fn into_sorted(self) -> Vec<(u32, ListBuilder)> {
        let mut lists: Vec<(u32, ListBuilder)> = self
            .table
            .into_iter()
            .zip(0..TABLE)
            .filter(|(list, _)| list.count > 0)
            .map(|(list, ch)| (ch, list))
            .collect();
        let mut others: Vec<(u32, ListBuilder)> = self.others.into_iter().collect();
        others.sort_unstable_by_key(|(ch, _)| *ch);
        lists.extend(others);
        lists
    }
}

/// Below this many documents per core, one core is quicker than starting threads.
const PER_WORKER: usize = 65_536;

impl Postings {
    /// The lists for the documents whose stored characters are `chars[bounds[d]..bounds[d+1]]`.
    pub(crate) fn build(chars: &[u32], bounds: &[usize]) -> Self {
        let documents = bounds.len().saturating_sub(1);
        let shares = crate::parallel::in_shares(documents, PER_WORKER, |share| {
            let mut lists = ShareLists {
                table: vec![ListBuilder::default(); TABLE as usize],
                others: std::collections::HashMap::new(),
            };
            for d in share {
                let doc = u32::try_from(d).unwrap_or(u32::MAX);
                for &code in &chars[bounds[d]..bounds[d + 1]] {
                    lists.add(char_of(code), doc);
                }
            }
            lists.into_sorted()
        });
        Self::merge(&shares)
    }

    /// Joins the shares' lists (consecutive documents) key by key. A share's first gap is
    /// counted from document 0; it is written again from the previous share's last document.
    fn merge(shares: &[Vec<(u32, ListBuilder)>]) -> Self {
        let mut keys: Vec<u32> = shares
            .iter()
            .flat_map(|lists| lists.iter().map(|(ch, _)| *ch))
            .collect();
        keys.sort_unstable();
        keys.dedup();
        let total: usize = shares
            .iter()
            .flat_map(|lists| lists.iter().map(|(_, list)| list.bytes.len()))
            .sum();
        let mut postings = Self {
            keys: Vec::with_capacity(keys.len()),
            starts: Vec::with_capacity(keys.len() + 1),
            counts: Vec::with_capacity(keys.len()),
            bytes: Vec::with_capacity(total),
        };
        let mut cursors = vec![0usize; shares.len()];
        postings.starts.push(0);
        for ch in keys {
            let mut last: Option<u32> = None;
            let mut count = 0;
            for (share, cursor) in shares.iter().zip(cursors.iter_mut()) {
                let Some((_, part)) = share.get(*cursor).filter(|(key, _)| *key == ch) else {
                    continue;
                };
                *cursor += 1;
                let (first, rest) = read_varint(&part.bytes, 0).unwrap_or((0, part.bytes.len()));
                write_varint(&mut postings.bytes, first.saturating_sub(last.unwrap_or(0)));
                postings.bytes.extend_from_slice(&part.bytes[rest..]);
                last = Some(part.last);
                count += part.count;
            }
            postings.keys.push(ch);
            postings.counts.push(count);
            postings
                .starts
                .push(u32::try_from(postings.bytes.len()).unwrap_or(u32::MAX));
        }
        postings
    }

    fn key(&self, ch: u32) -> Option<usize> {
        self.keys.binary_search(&ch).ok()
    }

    /// How many documents hold `ch`.
    fn count(&self, key: usize) -> usize {
        self.counts.get(key).map_or(0, |&c| c as usize)
    }

    /// The documents holding the character of list `key`, in order.
    fn each(&self, key: usize, mut visit: impl FnMut(u32)) {
        let (Some(&start), Some(&end)) = (self.starts.get(key), self.starts.get(key + 1)) else {
            return;
        };
        let Some(list) = self.bytes.get(start as usize..end as usize) else {
            return;
        };
        let mut at = 0;
        let mut doc = 0u32;
        while let Some((gap, next)) = read_varint(list, at) {
            doc = doc.saturating_add(gap);
            visit(doc);
            at = next;
        }
    }

    /// The lists a unit can match at: a document without any of them cannot match it.
    /// `None` when the unit is not narrowed by characters (a lone consonant matches a
    /// twelfth of all syllables).
    fn unit_keys(&self, unit: &Unit) -> Option<Vec<usize>> {
        let codes: Vec<u32> = match unit {
            Unit::Char(code) => vec![char_of(*code)],
            Unit::Any(any) => any.codes().to_vec(),
            Unit::Partial(partial) => partial.codes(),
            Unit::Initial(_) => return None,
        };
        Some(codes.into_iter().filter_map(|ch| self.key(ch)).collect())
    }

    /// The documents of `range` that may match every one of `units` (a superset of those
    /// that do), in order; `None` when the lists would not narrow `range` enough to pay
    /// for themselves, and the caller scans it.
    pub(crate) fn candidates(&self, units: &[Unit], range: Range<usize>) -> Option<Vec<u32>> {
        let mut units: Vec<(usize, Vec<usize>)> = units
            .iter()
            .filter_map(|unit| self.unit_keys(unit))
            .map(|keys| (keys.iter().map(|&k| self.count(k)).sum(), keys))
            .collect();
        units.sort_by_key(|(size, _)| *size);
        units.dedup_by(|a, b| a.1 == b.1);
        let (first_size, first) = units.first()?;
        if *first_size > range.len() / NARROWING {
            return None;
        }
        let mut candidates = Vec::with_capacity(*first_size);
        self.holding_keys(first, &range)
            .each_in(range.clone(), |doc| candidates.push(doc));
        // Each further unit is worth its list only while it may still rule much out.
        for (size, keys) in units.iter().skip(1) {
            if candidates.len() < ENOUGH || *size > candidates.len() * RULE_OUT {
                break;
            }
            let holds = self.holding_keys(keys, &range);
            candidates.retain(|&doc| holds.contains(doc as usize));
        }
        Some(candidates)
    }

    /// The documents of `range` that may match `unit` (a superset of those that do), when
    /// reading its lists costs less than `against` documents matched in full would.
    pub(crate) fn holding(
        &self,
        unit: &Unit,
        range: Range<usize>,
        against: usize,
    ) -> Option<DocSet> {
        let keys = self.unit_keys(unit)?;
        let size: usize = keys.iter().map(|&k| self.count(k)).sum();
        if size > against.saturating_mul(RULE_OUT / 2) || size > range.len() / NARROWING {
            return None;
        }
        Some(self.holding_keys(&keys, &range))
    }

    /// The documents of `range` on any of the lists `keys` (numbers beyond the range, which
    /// only a forged file holds, are left out).
    fn holding_keys(&self, keys: &[usize], range: &Range<usize>) -> DocSet {
        let mut holds = DocSet::new(range.end);
        for &key in keys {
            self.each(key, |doc| {
                if range.contains(&(doc as usize)) {
                    holds.insert(doc as usize);
                }
            });
        }
        holds
    }

    /// Bytes of memory the lists hold.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.keys.capacity() * 4
            + self.starts.capacity() * 4
            + self.counts.capacity() * 4
            + self.bytes.capacity()
    }

    /// Whether the lists hold together: keys in order, starts in order and inside the
    /// bytes, one count a key (a stored index is checked before it is used).
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        let ordered = self.keys.windows(2).all(|pair| pair[0] < pair[1]);
        let starts_fit = self.starts.len() == self.keys.len() + 1
            && self.starts.first() == Some(&0)
            && self.starts.windows(2).all(|pair| pair[0] <= pair[1])
            && self.starts.last().map(|&end| end as usize) == Some(self.bytes.len());
        if !ordered || !starts_fit || self.counts.len() != self.keys.len() {
            return Err("문서 목록");
        }
        Ok(())
    }
}

/// Lists of a unit larger than this share of the range are not worth reading: a scan of the
/// range with the class sets is as quick.
const NARROWING: usize = 3;
/// Candidates this few are matched at once rather than narrowed further.
const ENOUGH: usize = 2_048;
/// A further list is read only when it is at most this many times the candidates.
const RULE_OUT: usize = 8;

fn write_varint(out: &mut Vec<u8>, mut value: u32) {
    // Each byte holds seven bits of the value (the masks make the casts exact).
    #[allow(clippy::cast_possible_truncation)]
    let low = |value: u32| (value & 0x7F) as u8;
    while value >= 0x80 {
        out.push(low(value) | 0x80);
        value >>= 7;
    }
    out.push(low(value));
}

/// The varint at `at` and where the next one starts; `None` at the end (or a varint cut off).
#[inline]
fn read_varint(bytes: &[u8], mut at: usize) -> Option<(u32, usize)> {
    let mut value = 0u32;
    let mut shift = 0;
    loop {
        let byte = *bytes.get(at)?;
        at += 1;
        value |= u32::from(byte & 0x7F).checked_shl(shift).unwrap_or(0);
        if byte & 0x80 == 0 {
            return Some((value, at));
        }
        shift += 7;
        if shift > 28 {
            return None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::SearchIndex;

    fn lists_of(texts: &[&str]) -> (Postings, Vec<Vec<u32>>) {
        let mut chars = Vec::new();
        let mut bounds = vec![0];
        let mut per_doc = Vec::new();
        for text in texts {
            let stored = SearchIndex::stored_chars(text);
            per_doc.push(stored.iter().map(|&c| char_of(c)).collect());
            chars.extend(stored);
            bounds.push(chars.len());
        }
        (Postings::build(&chars, &bounds), per_doc)
    }

    /// Every list names exactly the documents holding its character, and counts them.
    fn assert_lists_exact(postings: &Postings, per_doc: &[Vec<u32>]) {
        postings.check().unwrap();
        for (k, &ch) in postings.keys.iter().enumerate() {
            let mut listed = Vec::new();
            postings.each(k, |doc| listed.push(doc));
            let holding: Vec<u32> = (0..per_doc.len())
                .filter(|&d| per_doc[d].contains(&ch))
                .map(|d| u32::try_from(d).unwrap())
                .collect();
            assert_eq!(listed, holding, "{}", char::from_u32(ch).unwrap());
            assert_eq!(postings.counts[k] as usize, holding.len());
        }
    }

    #[test]
    fn every_character_lists_exactly_the_documents_holding_it() {
        let texts = ["가입 기준", "기준 안내", "가입비", "abc 가", "", "가가가"];
        let (postings, per_doc) = lists_of(&texts);
        assert_lists_exact(&postings, &per_doc);
    }

    #[test]
    fn shares_join_into_the_same_lists_as_one_pass() {
        // More documents than one share holds, so the lists are built in parts and joined.
        let texts: Vec<String> = (0..PER_WORKER * 2 + 77)
            .map(|n| match n % 5 {
                0 => "가입 기준".to_owned(),
                1 => format!("기준 {n}"),
                2 => "환급".to_owned(),
                _ => format!("{}", n % 300),
            })
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        let (postings, per_doc) = lists_of(&refs);
        assert_lists_exact(&postings, &per_doc);
    }

    #[test]
    fn varints_round_trip_and_a_cut_one_ends_the_list() {
        let mut bytes = Vec::new();
        for value in [0, 1, 127, 128, 16_383, 16_384, u32::MAX] {
            bytes.clear();
            write_varint(&mut bytes, value);
            assert_eq!(read_varint(&bytes, 0), Some((value, bytes.len())));
            assert_eq!(read_varint(&bytes[..bytes.len() - 1], 0), None);
        }
    }
}
