//! The documents each unit may match, as sets, and a one-unit reading answered from them.
//!
//! A lone consonant, a character or a misspelling's spellings match exactly the documents
//! holding one of their characters: such a reading's hits are counted by a popcount, and
//! its page is the merged lists of best documents ([`super::tops`]). Only a half-typed
//! syllable whose last key may start the next syllable (깆: 기 + ㅈ…) needs the documents
//! holding that syllable's head matched one by one.

use std::borrow::Cow;
use std::ops::Range;

use super::codes::ABSENT;
use super::docset::DocSet;
use super::matcher::{self, Found, TIER};
use super::postings::Postings;
use super::query::{Unit, Variant};
use super::results::{Order, Pending};
use super::scan::{Gathered, PageFloor, Source, in_parallel};
use super::{FIRST_PAGE, SearchIndex};

impl SearchIndex {
    /// The documents of `range` that may match every one of `units` (exactly those holding
    /// their characters); all of `range` when there are none.
    pub(super) fn units_docs(
        &self,
        postings: &Postings,
        units: &[Unit],
        range: &Range<usize>,
    ) -> DocSet {
        let mut sets = units.iter().map(|unit| self.unit_docs(postings, unit).0);
        let Some(first) = sets.next() else {
            let mut all = DocSet::new(self.docs.len());
            for d in range.clone() {
                all.insert(d);
            }
            return all;
        };
        let mut docs = first.into_owned();
        for set in sets {
            docs.intersect(&set);
        }
        if range.start > 0 || range.end < self.docs.len() {
            docs.restrict(range);
        }
        docs
    }

    /// The documents holding a character `unit` matches at, and whether those are exactly
    /// the documents it matches (not so for a half-typed syllable whose head may stand before
    /// the next syllable).
    pub(super) fn unit_docs<'a>(
        &'a self,
        postings: &'a Postings,
        unit: &Unit,
    ) -> (Cow<'a, DocSet>, bool) {
        let union = |codes: &[u16]| {
            let mut set = DocSet::new(self.docs.len());
            for &code in codes {
                postings.add_to(code, &mut set);
            }
            set
        };
        match unit {
            Unit::Char(_, code) => match postings.set(*code) {
                Some(set) => (Cow::Borrowed(set), true),
                None => (Cow::Owned(union(&[*code])), true),
            },
            Unit::Initial(initial) => match self.initials.get(initial.index()) {
                // The class of a character the codes could not number (more distinct
                // characters than they hold) is set too: then the set only narrows.
                Some(set) => (Cow::Borrowed(set), !self.alphabet.is_full()),
                None => (Cow::Owned(union(&unit.codes())), true),
            },
            Unit::Any(_) => (Cow::Owned(union(&unit.codes())), true),
            Unit::Partial(partial) => {
                let head = partial.head();
                (Cow::Owned(union(&partial.codes())), head == ABSENT)
            }
        }
    }

    /// A one-unit reading over every document: its hits counted from the sets, its page
    /// from the lists of best documents (and, for a syllable whose head may stand before the
    /// next syllable, the documents holding that head matched one by one).
    /// `false` when the sets cannot tell the hits (the caller matches every document).
    pub(super) fn gather_one(
        &self,
        v: usize,
        variant: &Variant,
        postings: &Postings,
        gathered: &mut Gathered,
    ) -> bool {
        let Some(unit) = variant.units.first() else {
            return true;
        };
        let (set, exact) = self.unit_docs(postings, unit);
        let partial = match unit {
            Unit::Partial(partial) => Some(partial),
            _ => None,
        };
        if !exact && partial.is_none() {
            return false;
        }
        let cost = matcher::reading_cost(variant);
        let pending_of = |doc: u32, start: u32, place: i64| {
            let tier = self.tiers.get(doc as usize).copied().unwrap_or(0);
            let found = Found::Contiguous {
                score: place - cost,
                start,
                end: start + 1,
            };
            Pending::new(doc, v, tier, found, Order::PLAIN)
        };
        let page: Vec<Pending> = self
            .tops
            .merged(unit.exact_codes(), FIRST_PAGE)
            .into_iter()
            .map(|top| {
                let tier = self.tiers.get(top.doc.0 as usize).copied().unwrap_or(0);
                let place = i64::from(top.score) - i64::from(tier) * TIER;
                pending_of(top.doc.0, top.start.0, place)
            })
            .collect();
        let Some(partial) = partial.filter(|_| !exact) else {
            gathered.add_counted(&set, page);
            return true;
        };
        // A half-typed syllable with a final: the documents holding a syllable it covers
        // are hits; those holding only its head are hits where the next syllable starts
        // with the final's key. Documents with the head may score better there.
        let mut covered = DocSet::new(self.docs.len());
        for code in partial.covered_codes() {
            postings.add_to(code, &mut covered);
        }
        let mut heads = DocSet::new(self.docs.len());
        postings.add_to(partial.head(), &mut heads);
        let all = 0..self.docs.len();
        let source = Source::set(&heads, all);
        let shares = in_parallel(&source, |part| {
            // The lowest of the best page so far: the lists' documents (with their covered
            // syllables' scores, lower bounds), then the scores of documents found here that
            // the lists cannot hold (they hold no covered syllable), each document once.
            let mut floor = PageFloor::new(FIRST_PAGE);
            for hit in &page {
                floor.offer(hit.floor());
            }
            let mut hits = Vec::new();
            let mut scored = Vec::new();
            self.each_doc(part, |doc| {
                let text = self.chars(doc as usize);
                let Some((first, _)) = unit.find(text, 0) else {
                    return;
                };
                let listed = covered.contains(doc as usize);
                if !listed {
                    hits.push(doc);
                }
                let tier = self.tiers.get(doc as usize).copied().unwrap_or(0);
                let ceiling = Pending::ceiling(
                    Order::PLAIN,
                    matcher::ceiling(variant, first, text.len()) + i64::from(tier) * TIER,
                );
                // Equal scores may come before the page's in content order: only a hit below
                // the floor is left out.
                if floor.floor().is_some_and(|floor| ceiling < floor) {
                    return;
                }
                let hit = Pending::new(
                    doc,
                    v,
                    tier,
                    matcher::single(variant, text, first),
                    Order::PLAIN,
                );
                if floor.floor().is_none_or(|floor| hit.bound() >= floor) {
                    scored.push(hit);
                }
                if !listed {
                    floor.offer(hit.floor());
                }
            });
            (hits, scored)
        });
        let mut found = covered;
        let mut rescored = DocSet::new(self.docs.len());
        let mut scored = Vec::new();
        for (share_hits, share_scored) in shares {
            for doc in share_hits {
                found.insert(doc as usize);
            }
            for hit in &share_scored {
                rescored.insert(hit.doc());
            }
            scored.extend(share_scored);
        }
        // A document scored here was on the lists with a syllable it covers: its score here
        // is its best of every match.
        let mut page = page;
        page.retain(|hit| !rescored.contains(hit.doc()));
        page.extend(scored);
        gathered.add_counted(&found, page);
        true
    }
}
