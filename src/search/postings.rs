//! Which documents hold each character, so that a keystroke looks only at the documents that
//! may match instead of scanning all of them.
//!
//! The lists are a filter, never an answer on their own: every document they name is still
//! matched in full where a unit's set is not exact, and a document they leave out could not
//! have matched (each unit matches only at a character it names). Results are therefore the
//! same as a scan of every document.
//!
//! A character held by one document in eight or more is kept as a set (a bit a document):
//! smaller than a list, and intersected with another set in microseconds. The others are
//! lists of document numbers as gaps from the previous one in LEB128 varints.

use super::codes::code_of;
use super::docset::DocSet;
use super::to_u32;

/// Where one character's documents are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum List {
    /// No document holds it.
    Empty,
    /// `sets[n]`.
    Set(u32),
    /// `bytes[start..end]`.
    Gaps(u32, u32),
}

/// The documents of every character, indexed by code.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Postings {
    pub(crate) documents: usize,
    /// How many documents hold each code.
    pub(crate) counts: Vec<u32>,
    pub(crate) lists: Vec<List>,
    pub(crate) bytes: Vec<u8>,
    pub(crate) sets: Vec<DocSet>,
}

/// A list under construction: its bytes, the last document written and how many.
#[derive(Debug, Default, Clone)]
struct ListBuilder {
    bytes: Vec<u8>,
    last: u32,
    count: u32,
}

impl ListBuilder {
    #[inline]
    fn add(&mut self, doc: u32) {
        // Documents come in order, so a repeat is the list's last entry.
        if self.count == 0 || self.last != doc {
            write_varint(&mut self.bytes, doc - self.last);
            self.last = doc;
            self.count += 1;
        }
    }
}

/// Below this many documents per core, one core is quicker than starting threads.
const PER_WORKER: usize = 65_536;
/// A character held by at least one document in this many is kept as a set.
const SET_SHARE: usize = 8;

impl Postings {
    /// The lists of `codes` characters for the documents whose stored characters are
    /// `chars[bounds[d]..bounds[d + 1]]`.
    pub(crate) fn build(chars: &[u16], bounds: &[u32], codes: usize) -> Self {
        let documents = bounds.len().saturating_sub(1);
        let shares = crate::parallel::in_shares(documents, PER_WORKER, |share| {
            let mut lists = vec![ListBuilder::default(); codes];
            for d in share {
                let doc = to_u32(d);
                let (start, end) = (bounds[d] as usize, bounds[d + 1] as usize);
                for &code in chars.get(start..end).unwrap_or_default() {
                    if let Some(list) = lists.get_mut(usize::from(code_of(code))) {
                        list.add(doc);
                    }
                }
            }
            lists
        });
        let mut postings = Self {
            documents,
            counts: Vec::with_capacity(codes),
            lists: Vec::with_capacity(codes),
            bytes: Vec::new(),
            sets: Vec::new(),
        };
        for code in 0..codes {
            let count: u32 = shares.iter().map(|lists| lists[code].count).sum();
            postings.counts.push(count);
            if count == 0 {
                postings.lists.push(List::Empty);
            } else if count as usize * SET_SHARE >= documents {
                let mut set = DocSet::new(documents);
                for part in &shares {
                    each_gap(&part[code].bytes, |doc| {
                        set.insert(doc as usize);
                    });
                }
                postings.lists.push(List::Set(to_u32(postings.sets.len())));
                postings.sets.push(set);
            } else {
                // A share's first gap is counted from document 0: it is written again from
                // the previous share's last document.
                let start = to_u32(postings.bytes.len());
                let mut last: Option<u32> = None;
                for part in shares.iter().map(|lists| &lists[code]) {
                    let Some((first, rest)) = read_varint(&part.bytes, 0) else {
                        continue;
                    };
                    write_varint(&mut postings.bytes, first.saturating_sub(last.unwrap_or(0)));
                    postings.bytes.extend_from_slice(&part.bytes[rest..]);
                    last = Some(part.last);
                }
                postings
                    .lists
                    .push(List::Gaps(start, to_u32(postings.bytes.len())));
            }
        }
        postings.bytes.shrink_to_fit();
        postings
    }

    /// How many documents hold `code`.
    #[cfg(test)]
    pub(crate) fn count(&self, code: u16) -> usize {
        self.counts
            .get(usize::from(code))
            .map_or(0, |&c| c as usize)
    }

    /// The set of `code`'s documents, when it is kept as one.
    pub(crate) fn set(&self, code: u16) -> Option<&DocSet> {
        match self.lists.get(usize::from(code)) {
            Some(List::Set(n)) => self.sets.get(*n as usize),
            _ => None,
        }
    }

    /// Adds the documents holding `code` to `set`.
    pub(crate) fn add_to(&self, code: u16, set: &mut DocSet) {
        match self.lists.get(usize::from(code)) {
            Some(List::Set(n)) => {
                if let Some(docs) = self.sets.get(*n as usize) {
                    set.unite(docs);
                }
            }
            Some(&List::Gaps(start, end)) => {
                let bytes = self.bytes.get(start as usize..end as usize);
                each_gap(bytes.unwrap_or_default(), |doc| {
                    set.insert(doc as usize);
                });
            }
            Some(List::Empty) | None => {}
        }
    }

    /// Bytes of memory the lists hold.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.counts.capacity() * 4
            + self.lists.capacity() * std::mem::size_of::<List>()
            + self.bytes.capacity()
            + self.sets.iter().map(DocSet::heap_bytes).sum::<usize>()
    }

    /// Whether the lists hold together: one count and list a code, lists inside the bytes,
    /// sets of the right size (a stored index is checked before it is used).
    pub(crate) fn check(&self) -> Result<(), &'static str> {
        let fits = |list: &List| match *list {
            List::Empty => true,
            List::Set(n) => (n as usize) < self.sets.len(),
            List::Gaps(start, end) => start <= end && end as usize <= self.bytes.len(),
        };
        let sized = self
            .sets
            .iter()
            .all(|set| set.words().len() == self.documents.div_ceil(64));
        if self.counts.len() != self.lists.len() || !self.lists.iter().all(fits) || !sized {
            return Err("문서 목록");
        }
        Ok(())
    }
}

/// Calls `visit` with each document of a list of gaps, in order (a list cut off ends there).
fn each_gap(bytes: &[u8], mut visit: impl FnMut(u32)) {
    let mut at = 0;
    let mut doc = 0u32;
    while let Some((gap, next)) = read_varint(bytes, at) {
        doc = doc.saturating_add(gap);
        visit(doc);
        at = next;
    }
}

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
    use crate::search::codes::Alphabet;

    fn lists_of(texts: &[&str]) -> (Postings, Vec<Vec<u16>>, usize) {
        let alphabet = Alphabet::full();
        let mut chars = Vec::new();
        let mut bounds = vec![0];
        let mut per_doc = Vec::new();
        for text in texts {
            let stored = SearchIndex::stored_chars(text, &alphabet);
            per_doc.push(stored.iter().map(|&c| code_of(c)).collect());
            chars.extend(stored);
            bounds.push(u32::try_from(chars.len()).unwrap());
        }
        let postings = Postings::build(&chars, &bounds, alphabet.len());
        (postings, per_doc, alphabet.len())
    }

    /// Every list names exactly the documents holding its character, and counts them.
    fn assert_lists_exact(postings: &Postings, per_doc: &[Vec<u16>], codes: usize) {
        postings.check().unwrap();
        for code in 0..codes {
            let code = u16::try_from(code).unwrap();
            let mut listed = DocSet::new(per_doc.len());
            postings.add_to(code, &mut listed);
            let mut holding = DocSet::new(per_doc.len());
            for (d, doc) in per_doc.iter().enumerate() {
                if doc.contains(&code) {
                    holding.insert(d);
                }
            }
            assert_eq!(listed, holding, "code {code}");
            assert_eq!(postings.count(code), holding.count());
        }
    }

    #[test]
    fn every_character_lists_exactly_the_documents_holding_it() {
        let mut texts = vec!["가입 기준", "기준 안내", "가입비", "abc 가", "", "가가가"];
        texts.extend(["안내"; 14]);
        let (postings, per_doc, codes) = lists_of(&texts);
        assert_lists_exact(&postings, &per_doc, codes);
        // 가 is in four documents of twenty: kept as a set; 비 in one: a list.
        let alphabet = Alphabet::full();
        assert!(postings.set(alphabet.code('가')).is_some());
        assert!(postings.set(alphabet.code('비')).is_none());
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
        let (postings, per_doc, codes) = lists_of(&refs);
        assert_lists_exact(&postings, &per_doc, codes);
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
