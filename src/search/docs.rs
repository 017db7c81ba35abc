//! The documents an index holds, packed: a help centre has a million and a half of them, so
//! each is a 20-byte record (kind, target, and its id and title as numbers in a table of
//! distinct strings) and all texts sit in one string. A document is read as a [`DocRef`].

use std::borrow::Cow;
use std::io::{Read as _, Seek as _, SeekFrom};
use std::ops::Range;
use std::sync::{Arc, Mutex, OnceLock};

use super::{Doc, DocKind, Target, to_u32};

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
        Self {
            kind,
            tag,
            guide: to_u32(guide),
            item: to_u32(item),
            id,
            title,
        }
    }
}

/// One document, read from the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocRef<'a> {
    pub kind: DocKind,
    pub id: &'a str,
    pub title: &'a str,
    /// Borrowed from an index in memory; read from the file of a stored one.
    pub text: Cow<'a, str>,
    pub target: Target,
}

/// The documents' texts, one after another: in memory, or in the stored index they were
/// read from. Only the hits on screen need their texts (a help centre's are 115 MB), so a
/// stored index reads each when it is asked for, from the file it was checked against.
#[derive(Debug, Clone)]
pub(crate) enum Texts {
    Held(String),
    /// The file, where in it the texts start, and all of them once read in one go.
    Stored(Arc<Mutex<std::fs::File>>, u64, Arc<OnceLock<String>>),
}

/// `length` bytes of text at `at` in a stored index's file (`None` when they no longer read
/// as text).
fn read_text(file: &Mutex<std::fs::File>, at: u64, length: usize) -> Option<String> {
    let mut file = file.lock().ok()?;
    file.seek(SeekFrom::Start(at)).ok()?;
    let mut bytes = vec![0u8; length];
    file.read_exact(&mut bytes).ok()?;
    String::from_utf8(bytes).ok()
}

impl Default for Texts {
    fn default() -> Self {
        Self::Held(String::new())
    }
}

/// Every document of an index.
#[derive(Debug, Default, Clone)]
pub(crate) struct DocTable {
    pub(crate) records: Vec<DocRecord>,
    /// Distinct ids and titles (the documents of one entry share theirs).
    pub(crate) strings: Vec<Box<str>>,
    /// Every text, one after another; document `d`'s ends at `ends[d]`.
    pub(crate) texts: Texts,
    pub(crate) ends: Vec<u32>,
}

impl PartialEq for DocTable {
    fn eq(&self, other: &Self) -> bool {
        self.records == other.records
            && self.strings == other.strings
            && self.ends == other.ends
            && (0..self.len()).all(|d| self.text(d) == other.text(d))
    }
}

impl Eq for DocTable {}

/// Packs documents as they come (on the thread that made them, so their strings are freed
/// where they were allocated).
#[derive(Default)]
pub(crate) struct DocPacker {
    table: DocTable,
    /// Each distinct id and title once (an entry's documents share theirs).
    seen: foldhash::HashMap<Box<str>, u32>,
    /// The documents of an entry come together: the last two strings answer most lookups
    /// (by address first, then by text: an address may be reused once a string is freed).
    recent: [(usize, u32); 2],
}

impl DocPacker {
    fn number(&mut self, text: &Arc<str>) -> u32 {
        let address = text.as_ptr() as usize;
        let strings = &mut self.table.strings;
        let same = |n: u32| strings.get(n as usize).is_some_and(|s| **s == **text);
        if let Some(&(_, n)) = self.recent.iter().find(|(a, n)| *a == address && same(*n)) {
            return n;
        }
        let n = if let Some(&n) = self.seen.get(&**text) {
            n
        } else {
            strings.push(Box::from(&**text));
            let n = to_u32(strings.len() - 1);
            self.seen.insert(Box::from(&**text), n);
            n
        };
        self.recent = [self.recent[1], (address, n)];
        n
    }

    pub(crate) fn push(
        &mut self,
        kind: DocKind,
        id: &Arc<str>,
        title: &Arc<str>,
        text: &str,
        target: Target,
    ) {
        let id = self.number(id);
        let title = self.number(title);
        let table = &mut self.table;
        table.records.push(DocRecord::new(kind, target, id, title));
        if let Texts::Held(texts) = &mut table.texts {
            texts.push_str(text);
            table.ends.push(to_u32(texts.len()));
        }
    }

    pub(crate) fn finish(self) -> DocTable {
        let mut table = self.table;
        table.shrink_to_fit();
        table
    }
}

impl DocTable {
    /// Packs `docs`, in order.
    pub(crate) fn pack(docs: Vec<Doc>) -> Self {
        let mut packer = DocPacker::default();
        packer.table.records.reserve(docs.len());
        packer.table.ends.reserve(docs.len());
        if let Texts::Held(texts) = &mut packer.table.texts {
            texts.reserve(docs.iter().map(|doc| doc.text.len()).sum());
        }
        for doc in docs {
            packer.push(doc.kind, &doc.id, &doc.title, &doc.text, doc.target);
        }
        packer.finish()
    }

    /// Gives back what growing left unused.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.records.shrink_to_fit();
        self.strings.shrink_to_fit();
        if let Texts::Held(texts) = &mut self.texts {
            texts.shrink_to_fit();
        }
        self.ends.shrink_to_fit();
    }

    /// Puts `other`'s documents after these (both in memory, as an index is built).
    pub(crate) fn append(&mut self, other: DocTable) {
        let strings = to_u32(self.strings.len());
        let (Texts::Held(texts), Texts::Held(more)) = (&mut self.texts, &other.texts) else {
            return;
        };
        let before = to_u32(texts.len());
        texts.push_str(more);
        self.records
            .extend(other.records.into_iter().map(|record| DocRecord {
                id: record.id.saturating_add(strings),
                title: record.title.saturating_add(strings),
                ..record
            }));
        self.strings.extend(other.strings);
        self.ends
            .extend(other.ends.into_iter().map(|end| end.saturating_add(before)));
    }

    pub(crate) fn len(&self) -> usize {
        self.records.len()
    }

    pub(crate) fn text_range(&self, d: usize) -> Range<usize> {
        let end = |d: usize| self.ends.get(d).map_or(0, |&end| end as usize);
        let start = if d == 0 { 0 } else { end(d - 1) };
        start..end(d).max(start)
    }

    /// Document `d`'s text (empty when a stored file no longer reads as it was checked).
    pub(crate) fn text(&self, d: usize) -> Cow<'_, str> {
        let range = self.text_range(d);
        match &self.texts {
            Texts::Held(texts) => Cow::Borrowed(texts.get(range).unwrap_or_default()),
            Texts::Stored(_, _, held) if held.get().is_some() => Cow::Borrowed(
                held.get()
                    .and_then(|texts| texts.get(range))
                    .unwrap_or_default(),
            ),
            Texts::Stored(file, offset, _) => Cow::Owned(
                read_text(file, offset + range.start as u64, range.len()).unwrap_or_default(),
            ),
        }
    }

    /// Reads every text of a stored table into memory (for printing many of them).
    pub(crate) fn hold_texts(&self) {
        let Texts::Stored(file, offset, held) = &self.texts else {
            return;
        };
        let length = self.ends.last().map_or(0, |&end| end as usize);
        if let Some(texts) = read_text(file, *offset, length) {
            let _ = held.set(texts);
        }
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

    /// Bytes of memory the documents hold, part by part.
    pub(crate) fn heap_parts(&self) -> Vec<(&'static str, usize)> {
        vec![
            (
                "records",
                self.records.capacity() * std::mem::size_of::<DocRecord>(),
            ),
            (
                "ids and titles",
                self.strings
                    .iter()
                    .map(|s| s.len() + std::mem::size_of::<Box<str>>())
                    .sum::<usize>(),
            ),
            (
                "texts",
                match &self.texts {
                    Texts::Held(texts) => texts.capacity(),
                    Texts::Stored(_, _, held) => held.get().map_or(0, String::capacity),
                } + self.ends.capacity() * 4,
            ),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_freed_and_made_again_keep_their_own_text() {
        // A sink makes an entry's id, packs its documents and frees it before the next
        // entry's: the next id may be allocated where the last one was.
        let mut packer = DocPacker::default();
        let title: Arc<str> = Arc::from("제목");
        for n in 0..50 {
            let id: Arc<str> = Arc::from(format!("qa-{n:02}").as_str());
            for _ in 0..3 {
                packer.push(
                    DocKind::Question,
                    &id,
                    &title,
                    "본문",
                    Target::Qa { guide: 0, qa: n },
                );
            }
        }
        let table = packer.finish();
        for d in 0..table.len() {
            let doc = table.get(d);
            let Target::Qa { qa, .. } = doc.target else {
                panic!("target {:?}", doc.target);
            };
            assert_eq!(doc.id, format!("qa-{qa:02}"));
            assert_eq!(doc.title, "제목");
        }
        assert_eq!(table.strings.len(), 51, "each distinct string once");
    }

    #[test]
    fn tables_appended_read_as_one() {
        let doc = |id: &str, text: &str| Doc {
            kind: DocKind::Note,
            id: Arc::from(id),
            title: Arc::from("t"),
            text: text.to_owned(),
            target: Target::Guide { guide: 0 },
        };
        let mut first = DocTable::pack(vec![doc("a", "가나"), doc("b", "다")]);
        first.append(DocTable::pack(vec![doc("c", "라마바")]));
        let read: Vec<(&str, String)> = (0..first.len())
            .map(|d| (first.get(d).id, first.text(d).into_owned()))
            .collect();
        let expected = [("a", "가나"), ("b", "다"), ("c", "라마바")];
        assert_eq!(read, expected.map(|(id, text)| (id, text.to_owned())));
    }
}
