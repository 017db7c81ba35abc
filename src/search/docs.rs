//! The documents an index holds, packed: a help centre has a million and a half of them, so
//! each is a 20-byte record (kind, target, and its id and title as numbers in a table of
//! distinct strings) and all texts sit in one string. A document is read as a [`DocRef`].

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use super::{Doc, DocKind, Target};

/// A document as the index holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DocRecord {
    pub(crate) kind: DocKind,
    /// [`Target`] without its padding: the variant, the guide and the item in it.
    pub(crate) tag: u8,
    pub(crate) guide: u32,
    pub(crate) item: u32,
    /// Positions in [`DocTable::strings`].
    pub(crate) id: u32,
    pub(crate) title: u32,
}

impl DocRecord {
    pub(crate) fn target(&self) -> Target {
        let (guide, item) = (self.guide as usize, self.item as usize);
        match self.tag {
            1 => Target::Qa { guide, qa: item },
            2 => Target::Template {
                guide,
                template: item,
            },
            3 => Target::Rule { guide, rule: item },
            _ => Target::Guide { guide },
        }
    }

    /// The record of a document of `kind` leading to `target` (numbers beyond 32 bits are
    /// not a help centre's: they are kept at the largest).
    pub(crate) fn new(kind: DocKind, target: Target, id: u32, title: u32) -> Self {
        let (tag, guide, item) = match target {
            Target::Guide { guide } => (0, guide, 0),
            Target::Qa { guide, qa } => (1, guide, qa),
            Target::Template { guide, template } => (2, guide, template),
            Target::Rule { guide, rule } => (3, guide, rule),
        };
        let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            kind,
            tag,
            guide: small(guide),
            item: small(item),
            id,
            title,
        }
    }
}

/// One document, read from the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocRef<'a> {
    pub kind: DocKind,
    pub id: &'a str,
    pub title: &'a str,
    pub text: &'a str,
    pub target: Target,
}

/// Every document of an index.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct DocTable {
    pub(crate) records: Vec<DocRecord>,
    /// Distinct ids and titles (the documents of one entry share theirs).
    pub(crate) strings: Vec<Box<str>>,
    /// Every text, one after another; document `d`'s ends at `ends[d]`.
    pub(crate) texts: String,
    pub(crate) ends: Vec<usize>,
}

impl DocTable {
    /// Packs `docs`, in order.
    pub(crate) fn pack(docs: Vec<Doc>) -> Self {
        let mut table = Self {
            records: Vec::with_capacity(docs.len()),
            strings: Vec::new(),
            texts: String::with_capacity(docs.iter().map(|doc| doc.text.len()).sum()),
            ends: Vec::with_capacity(docs.len()),
        };
        // Ids and titles shared by an entry's documents are one Arc: one string each.
        let mut seen: HashMap<*const u8, u32> = HashMap::new();
        let mut number = |text: &Arc<str>, strings: &mut Vec<Box<str>>| {
            *seen.entry(text.as_ptr()).or_insert_with(|| {
                strings.push(Box::from(&**text));
                u32::try_from(strings.len() - 1).unwrap_or(u32::MAX)
            })
        };
        for doc in docs {
            let id = number(&doc.id, &mut table.strings);
            let title = number(&doc.title, &mut table.strings);
            table
                .records
                .push(DocRecord::new(doc.kind, doc.target, id, title));
            table.texts.push_str(&doc.text);
            table.ends.push(table.texts.len());
        }
        table
    }

    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    pub(crate) fn text_range(&self, d: usize) -> Range<usize> {
        let start = if d == 0 { 0 } else { self.ends[d - 1] };
        start..self.ends[d]
    }

    pub(crate) fn text(&self, d: usize) -> &str {
        self.texts.get(self.text_range(d)).unwrap_or_default()
    }

    pub(crate) fn get(&self, d: usize) -> DocRef<'_> {
        let record = &self.records[d];
        let string = |n: u32| self.strings.get(n as usize).map_or("", |s| &**s);
        DocRef {
            kind: record.kind,
            id: string(record.id),
            title: string(record.title),
            text: self.text(d),
            target: record.target(),
        }
    }

    pub(crate) fn heap_bytes(&self) -> usize {
        self.records.capacity() * std::mem::size_of::<DocRecord>()
            + self
                .strings
                .iter()
                .map(|s| s.len() + std::mem::size_of::<Box<str>>())
                .sum::<usize>()
            + self.texts.capacity()
            + self.ends.capacity() * std::mem::size_of::<usize>()
    }
}
