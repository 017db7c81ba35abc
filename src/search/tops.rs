//! The best documents for each one-character query, found when the index is built.
//!
//! A first keystroke (ㄱ, 가, r) hits most of a help centre, and ranking its page used to mean
//! scoring every hit. A one-character match's score depends only on where it is in its
//! document (and the reading's constant costs), so each character's best [`FIRST_PAGE`]
//! documents can be found once. The page of a unit that stands for several characters (a
//! lone consonant stands for hundreds of syllables) is the best of their lists merged, each
//! document at its best: a document on that page is on the list of the character it scores
//! best with, since every document above it there is above it on the page too.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::codes::code_of;
use super::matcher::{PLACE_MOST, TIER, place_score};
use super::{FIRST_PAGE, SearchIndex, to_u32};

/// A document on a character's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Top {
    /// The place score of its best match of the character, its tier added (a reading's
    /// costs come off at query time: they are the same for every document).
    pub score: i32,
    /// Equal scores keep content order.
    pub doc: Reverse<u32>,
    /// Where that match is (of equal places the earlier, as a scan finds it first).
    pub start: Reverse<u32>,
}

/// Each character's best documents, best first.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Tops {
    /// Code `c`'s list is `entries[starts[c]..starts[c + 1]]`.
    pub(crate) starts: Vec<u32>,
    pub(crate) entries: Vec<Top>,
}

/// Below this many documents per core, one core is quicker than starting threads.
const PER_WORKER: usize = 65_536;

/// The best `FIRST_PAGE` seen of one character (the least on top, to be replaced).
type Best = BinaryHeap<Reverse<Top>>;

fn offer(best: &mut Best, top: Top) {
    if best.len() < FIRST_PAGE {
        best.push(Reverse(top));
    } else if let Some(mut least) = best.peek_mut()
        && top > least.0
    {
        *least = Reverse(top);
    }
}

impl Tops {
    /// The lists of `codes` characters over the documents of `index` (its characters,
    /// bounds and tiers already in place).
    pub(crate) fn build(index: &SearchIndex, codes: usize) -> Self {
        let documents = index.bounds.len().saturating_sub(1);
        let shares = crate::parallel::in_shares(documents, PER_WORKER, |share| {
            let mut best: Vec<Best> = vec![Best::new(); codes];
            // The lowest score on each character's full list (`i32::MIN` until it is full):
            // a place that cannot beat it is not scored.
            let mut floor = vec![i32::MIN; codes];
            // A document's best place for each of its characters: the document it was last
            // seen in, and the best there.
            let mut seen_in = vec![u32::MAX; codes];
            let mut best_here = vec![(0i64, Reverse(0u32)); codes];
            let mut here: Vec<u16> = Vec::new();
            for d in share {
                let doc = to_u32(d);
                let text = index.chars(d);
                let tier = i64::from(index.tiers[d]) * TIER;
                here.clear();
                for (start, &stored) in text.stored().iter().enumerate() {
                    let short = code_of(stored);
                    let code = usize::from(short);
                    let Some(&lowest) = floor.get(code) else {
                        continue;
                    };
                    // The most a place this far in scores (a word start, the whole text).
                    let most = PLACE_MOST - i64::try_from(start.min(300)).unwrap_or(300) + tier;
                    if most <= i64::from(lowest) {
                        continue;
                    }
                    let score = place_score(text, start, start + 1);
                    let start = Reverse(to_u32(start));
                    let slot = &mut best_here[code];
                    if seen_in[code] != doc {
                        seen_in[code] = doc;
                        *slot = (score, start);
                        here.push(short);
                    } else if score > slot.0 {
                        // The earlier of equal places stays (as a scan finds it first).
                        *slot = (score, start);
                    }
                }
                for &code in &here {
                    let (score, start) = best_here[usize::from(code)];
                    let top = Top {
                        score: i32::try_from(score + tier).unwrap_or(i32::MIN),
                        doc: Reverse(doc),
                        start,
                    };
                    let list = &mut best[usize::from(code)];
                    offer(list, top);
                    if list.len() == FIRST_PAGE {
                        floor[usize::from(code)] =
                            list.peek().map_or(i32::MIN, |least| least.0.score);
                    }
                }
            }
            best
        });
        let mut tops = Self {
            starts: Vec::with_capacity(codes + 1),
            entries: Vec::new(),
        };
        tops.starts.push(0);
        for code in 0..codes {
            let mut merged = Best::new();
            for share in &shares {
                for top in &share[code] {
                    offer(&mut merged, top.0);
                }
            }
            let mut list: Vec<Top> = merged.into_iter().map(|Reverse(top)| top).collect();
            list.sort_unstable_by(|a, b| b.cmp(a));
            tops.entries.extend(list);
            tops.starts.push(to_u32(tops.entries.len()));
        }
        tops.entries.shrink_to_fit();
        tops
    }

    fn list(&self, code: u16) -> &[Top] {
        let code = usize::from(code);
        match (self.starts.get(code), self.starts.get(code + 1)) {
            (Some(&start), Some(&end)) => self
                .entries
                .get(start as usize..end as usize)
                .unwrap_or_default(),
            _ => &[],
        }
    }

    /// The best `count` documents (at most [`FIRST_PAGE`]) for a unit that matches
    /// any of `codes`, each at its best, best first.
    pub(crate) fn merged(&self, codes: impl IntoIterator<Item = u16>, count: usize) -> Vec<Top> {
        let lists: Vec<&[Top]> = codes
            .into_iter()
            .map(|code| self.list(code))
            .filter(|list| !list.is_empty())
            .collect();
        // The next entry of each list, best first.
        let mut next: BinaryHeap<(Top, usize, usize)> = lists
            .iter()
            .enumerate()
            .map(|(n, list)| (list[0], n, 0))
            .collect();
        let mut page: Vec<Top> = Vec::with_capacity(count.min(FIRST_PAGE));
        while page.len() < count.min(FIRST_PAGE) {
            let Some((top, n, at)) = next.pop() else {
                break;
            };
            // A document already on the page was there at its best.
            if !page.iter().any(|on| on.doc == top.doc) {
                page.push(top);
            }
            if let Some(&following) = lists[n].get(at + 1) {
                next.push((following, n, at + 1));
            }
        }
        page
    }

    /// Bytes of memory the lists hold.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.starts.capacity() * 4 + self.entries.capacity() * std::mem::size_of::<Top>()
    }

    /// Whether the lists hold together: a start a code, in order, inside the entries, each
    /// list best first and naming documents below `documents`.
    pub(crate) fn check(&self, codes: usize, documents: usize) -> Result<(), &'static str> {
        let starts_fit = self.starts.len() == codes + 1
            && self.starts.first() == Some(&0)
            && self.starts.windows(2).all(|pair| pair[0] <= pair[1])
            && self.starts.last().map(|&end| end as usize) == Some(self.entries.len());
        if !starts_fit {
            return Err("첫 글자 순위");
        }
        for code in 0..codes {
            let list = self.list(u16::try_from(code).unwrap_or(u16::MAX));
            let ordered = list.windows(2).all(|pair| pair[0] > pair[1]);
            if !ordered || list.iter().any(|top| top.doc.0 as usize >= documents) {
                return Err("첫 글자 순위");
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::{Doc, DocKind, Target};
    use std::sync::Arc;

    /// Every character's list holds exactly its best documents, each at its best place,
    /// in order, as scoring every place of every document finds them.
    #[test]
    fn each_list_is_the_best_of_every_place_scored() {
        let words = [
            "가입",
            "기준",
            "가",
            "입",
            "준비",
            "가을",
            "기",
            "입금 가능",
        ];
        // Body texts mostly, some long: lists that reach deep into documents and tiers.
        let kinds = [
            DocKind::Question,
            DocKind::Note,
            DocKind::Script,
            DocKind::Script,
            DocKind::Policy,
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            usize::try_from(seed % 1_000).unwrap()
        };
        let docs: Vec<Doc> = (0..3_000)
            .map(|n| {
                let text = (0..=next() % 200)
                    .map(|_| words[next() % words.len()])
                    .collect::<Vec<_>>()
                    .join(if next() % 3 == 0 { "" } else { " " });
                Doc {
                    kind: kinds[next() % kinds.len()],
                    id: Arc::from(format!("d{n}").as_str()),
                    title: Arc::from("t"),
                    text,
                    target: Target::Guide { guide: 0 },
                }
            })
            .collect();
        let index = SearchIndex::from_docs(docs);
        for code in 0..index.alphabet.len() {
            let code = u16::try_from(code).unwrap();
            let mut every: Vec<Top> = (0..index.len())
                .filter_map(|d| {
                    let text = index.chars(d);
                    let tier = i64::from(index.tiers[d]) * TIER;
                    (0..text.len())
                        .filter(|&p| text.code(p) == Some(code))
                        .map(|p| Top {
                            score: i32::try_from(place_score(text, p, p + 1) + tier).unwrap(),
                            doc: Reverse(u32::try_from(d).unwrap()),
                            start: Reverse(u32::try_from(p).unwrap()),
                        })
                        .max()
                })
                .collect();
            every.sort_unstable_by(|a, b| b.cmp(a));
            every.truncate(FIRST_PAGE);
            assert_eq!(index.tops.list(code), &every[..], "code {code}");
        }
    }
}
