//! The documents an index holds, packed: a help centre has a million and a half of them, so
//! each is a 20-byte record (kind, target, and its id and title as numbers in a table of
//! distinct strings) and all texts sit in one string. A document is read as a [`DocRef`].

use std::borrow::Cow;
use std::io::{self, Read as _, Seek as _, SeekFrom, Write as _};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
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

/// The documents' texts, one after another: in memory, or in files. Only the hits on screen
/// need their texts (a help centre's are 115 MB), so a stored index reads each when it is
/// asked for, from the file it was checked against; an index built a guide at a time writes
/// them to files as they come, so building holds none of them.
#[derive(Debug, Clone)]
pub(crate) enum Texts {
    Held(String),
    /// The runs of texts, in order, and all of them once read in one go.
    Stored(Vec<Arc<TextPart>>, Arc<OnceLock<String>>),
}

/// A run of texts in a file.
#[derive(Debug)]
pub(crate) struct TextPart {
    file: Arc<Mutex<std::fs::File>>,
    /// Where in the file the run starts.
    at: u64,
    /// Where among all the texts its first byte is.
    first: u64,
    /// A file written as an index was built, removed once no index reads it.
    _temporary: Temporary,
}

/// A temporary file's path: the file is removed when this goes (unless taken first).
#[derive(Debug, Default)]
pub(crate) struct Temporary(Option<PathBuf>);

impl Drop for Temporary {
    fn drop(&mut self) {
        if let Some(path) = &self.0 {
            let _ = std::fs::remove_file(path);
        }
    }
}

impl TextPart {
    /// The texts of a stored index, at `at` in its `file`.
    pub(crate) fn stored(file: Arc<Mutex<std::fs::File>>, at: u64) -> Self {
        Self {
            file,
            at,
            first: 0,
            _temporary: Temporary::default(),
        }
    }

    /// `length` bytes from `from` among the texts (within this run).
    fn read(&self, from: u64, length: usize) -> io::Result<Vec<u8>> {
        let mut file = self
            .file
            .lock()
            .map_err(|_| io::Error::other("텍스트 파일 잠금 실패"))?;
        let within = from
            .checked_sub(self.first)
            .ok_or_else(|| io::Error::other("텍스트 위치가 앞섬"))?;
        file.seek(SeekFrom::Start(self.at + within))?;
        let mut bytes = vec![0u8; length];
        file.read_exact(&mut bytes)?;
        Ok(bytes)
    }
}

/// The run holding the byte at `from` among all texts.
fn part_of(parts: &[Arc<TextPart>], from: u64) -> Option<&TextPart> {
    let after = parts.partition_point(|part| part.first <= from);
    parts.get(after.checked_sub(1)?).map(|part| &**part)
}

/// `length` bytes from `from` among the texts, read as text (all within one run).
fn read_text(parts: &[Arc<TextPart>], from: u64, length: usize) -> io::Result<String> {
    if length == 0 {
        return Ok(String::new());
    }
    let part = part_of(parts, from).ok_or_else(|| io::Error::other("텍스트 위치가 없음"))?;
    String::from_utf8(part.read(from, length)?)
        .map_err(|err| io::Error::new(io::ErrorKind::InvalidData, err))
}

impl Default for Texts {
    fn default() -> Self {
        Self::Held(String::new())
    }
}

/// Texts read back in pieces of about this many bytes (as an index is built from texts in
/// files, or copied from them).
pub(crate) const TEXT_CHUNK: usize = 1 << 20;

/// Texts being written to a temporary file as they come.
struct TextFile {
    out: io::BufWriter<std::fs::File>,
    /// The same file, to read back.
    file: std::fs::File,
    /// Removed with the packer, unless its texts are handed on.
    path: Temporary,
    written: u64,
    failed: Option<io::Error>,
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
    /// Each distinct id and title once (an entry's documents share theirs), by its number
    /// in the table's strings (not a second copy of each: a help centre's are 20 MB).
    seen: hashbrown::HashTable<u32>,
    hasher: foldhash::fast::FixedState,
    /// The documents of an entry come together: the last two strings answer most lookups
    /// (by address first, then by text: an address may be reused once a string is freed).
    recent: [(usize, u32); 2],
    /// Where texts go when they are not held.
    text_file: Option<TextFile>,
}

impl DocPacker {
    /// A packer that writes the texts to a new file in `dir` as they come (the file is
    /// removed once no index reads it).
    pub(crate) fn writing_texts_to(dir: &Path) -> io::Result<Self> {
        static FILES: AtomicUsize = AtomicUsize::new(0);
        std::fs::create_dir_all(dir)?;
        let path = dir.join(format!(
            ".texts-{}-{}.tmp",
            std::process::id(),
            FILES.fetch_add(1, Ordering::Relaxed)
        ));
        let file = std::fs::File::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(&path)?;
        let out = io::BufWriter::with_capacity(TEXT_CHUNK, file.try_clone()?);
        Ok(Self {
            text_file: Some(TextFile {
                out,
                file,
                path: Temporary(Some(path)),
                written: 0,
                failed: None,
            }),
            ..Self::default()
        })
    }

    fn number(&mut self, text: &Arc<str>) -> u32 {
        let address = text.as_ptr() as usize;
        let strings = &mut self.table.strings;
        let same = |n: u32| strings.get(n as usize).is_some_and(|s| **s == **text);
        if let Some(&(_, n)) = self.recent.iter().find(|(a, n)| *a == address && same(*n)) {
            return n;
        }
        let hasher = &self.hasher;
        let hash = |text: &str| std::hash::BuildHasher::hash_one(hasher, text);
        let n = if let Some(&n) = self.seen.find(hash(text), |&n| same(n)) {
            n
        } else {
            strings.push(Box::from(&**text));
            let n = to_u32(strings.len() - 1);
            self.seen.insert_unique(hash(text), n, |&n| {
                hash(strings.get(n as usize).map_or("", |s| &**s))
            });
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
        if let Some(file) = &mut self.text_file {
            if file.failed.is_none()
                && let Err(error) = file.out.write_all(text.as_bytes())
            {
                file.failed = Some(error);
            }
            file.written += text.len() as u64;
            table
                .ends
                .push(u32::try_from(file.written).unwrap_or(u32::MAX));
        } else if let Texts::Held(texts) = &mut table.texts {
            texts.push_str(text);
            table.ends.push(to_u32(texts.len()));
        }
    }

    /// The documents packed, their texts held.
    pub(crate) fn into_table(self) -> DocTable {
        let mut table = self.table;
        table.shrink_to_fit();
        table
    }

    /// The documents packed; an error when their texts could not all be written.
    pub(crate) fn finish(self) -> io::Result<DocTable> {
        let mut table = self.table;
        if let Some(mut text_file) = self.text_file {
            let part = TextPart {
                file: Arc::new(Mutex::new(text_file.file)),
                at: 0,
                first: 0,
                _temporary: text_file.path,
            };
            if let Some(error) = text_file.failed {
                return Err(error);
            }
            text_file.out.flush()?;
            if text_file.written > u64::from(u32::MAX) {
                return Err(io::Error::other("텍스트가 4 GB를 넘습니다"));
            }
            table.texts = Texts::Stored(vec![Arc::new(part)], Arc::default());
        }
        table.shrink_to_fit();
        Ok(table)
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
        packer.into_table()
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

    /// Puts `other`'s documents after these, both held in memory, as an index is built.
    pub(crate) fn append_held(&mut self, other: DocTable) {
        let before = self.ends.last().copied().unwrap_or(0);
        if let (Texts::Held(texts), Texts::Held(more)) = (&mut self.texts, &other.texts) {
            texts.push_str(more);
        }
        self.ends
            .extend(other.ends.iter().map(|end| end.saturating_add(before)));
        self.append_records(other);
    }

    /// Puts `other`'s documents after these, both with their texts in files, as an index is
    /// built a guide at a time.
    pub(crate) fn append_in_files(&mut self, other: DocTable) -> io::Result<()> {
        let before = self.ends.last().copied().unwrap_or(0);
        let DocTable {
            records,
            strings,
            texts,
            ends,
        } = other;
        let (Texts::Stored(parts, _), Texts::Stored(more, _)) = (&mut self.texts, texts) else {
            return Err(io::Error::other("텍스트가 파일에 없는 표"));
        };
        let ends: Option<Vec<u32>> = ends.iter().map(|end| end.checked_add(before)).collect();
        self.ends
            .extend(ends.ok_or_else(|| io::Error::other("텍스트가 4 GB를 넘습니다"))?);
        for part in more {
            // The run moves over whole (with the file it removes) unless another table reads
            // it too.
            let mut moved = Arc::try_unwrap(part).unwrap_or_else(|shared| TextPart {
                file: Arc::clone(&shared.file),
                at: shared.at,
                first: shared.first,
                _temporary: Temporary::default(),
            });
            moved.first += u64::from(before);
            parts.push(Arc::new(moved));
        }
        self.append_records(DocTable {
            records,
            strings,
            ..DocTable::default()
        });
        Ok(())
    }

    /// `other`'s records and strings after these (its strings numbered after these).
    fn append_records(&mut self, other: DocTable) {
        let strings = to_u32(self.strings.len());
        self.records
            .extend(other.records.into_iter().map(|record| DocRecord {
                id: record.id.saturating_add(strings),
                title: record.title.saturating_add(strings),
                ..record
            }));
        self.strings.extend(other.strings);
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
        match (self.held_texts(), &self.texts) {
            (Some(texts), _) => Cow::Borrowed(texts.get(range).unwrap_or_default()),
            (None, Texts::Stored(parts, _)) => {
                Cow::Owned(read_text(parts, range.start as u64, range.len()).unwrap_or_default())
            }
            (None, Texts::Held(_)) => Cow::Borrowed(""),
        }
    }

    /// The texts held in memory (a stored table's once read in one go).
    fn held_texts(&self) -> Option<&str> {
        match &self.texts {
            Texts::Held(texts) => Some(texts),
            Texts::Stored(_, held) => held.get().map(String::as_str),
        }
    }

    /// The texts of documents `docs` when held in memory, in order, each handed to `visit`
    /// (for tables packed in memory: texts in files read as empty). Of the type of
    /// [`DocTable::each_text`], with an error that cannot happen.
    #[allow(clippy::unnecessary_wraps)]
    pub(crate) fn each_held_text(
        &self,
        docs: Range<usize>,
        visit: &mut dyn FnMut(usize, &str),
    ) -> Result<(), std::convert::Infallible> {
        let texts = self.held_texts().unwrap_or_default();
        docs.for_each(|d| visit(d, texts.get(self.text_range(d)).unwrap_or_default()));
        Ok(())
    }

    /// The texts of documents `docs`, in order, each handed to `visit` (texts in files read
    /// a piece of many at a time).
    pub(crate) fn each_text(
        &self,
        docs: Range<usize>,
        visit: &mut dyn FnMut(usize, &str),
    ) -> io::Result<()> {
        let parts = match &self.texts {
            Texts::Stored(parts, held) if held.get().is_none() => parts,
            _ => {
                let Ok(()) = self.each_held_text(docs, visit);
                return Ok(());
            }
        };
        let mut d = docs.start;
        while d < docs.end {
            // As many documents as make a piece, within one run.
            let start = self.text_range(d).start;
            let run_end = parts
                .get(parts.partition_point(|part| part.first <= start as u64))
                .map_or(usize::MAX, |next| {
                    usize::try_from(next.first).unwrap_or(usize::MAX)
                });
            let mut last = d + 1;
            while last < docs.end {
                let end = self.text_range(last).end;
                if end > run_end || end - start > TEXT_CHUNK {
                    break;
                }
                last += 1;
            }
            let end = self.text_range(last - 1).end;
            let piece = read_text(parts, start as u64, end - start)?;
            for e in d..last {
                let range = self.text_range(e);
                visit(
                    e,
                    piece
                        .get(range.start - start..range.end - start)
                        .unwrap_or_default(),
                );
            }
            d = last;
        }
        Ok(())
    }

    /// Every text's bytes in order, a piece at a time (to copy them into a stored index).
    pub(crate) fn each_text_piece(&self, mut write: impl FnMut(&[u8])) -> io::Result<()> {
        let total = u64::from(self.ends.last().copied().unwrap_or(0));
        match (self.held_texts(), &self.texts) {
            (Some(texts), _) => write(texts.as_bytes()),
            (None, Texts::Held(_)) => {}
            (None, Texts::Stored(parts, _)) => {
                for (p, part) in parts.iter().enumerate() {
                    let end = parts.get(p + 1).map_or(total, |next| next.first);
                    let mut from = part.first;
                    while from < end {
                        let length = usize::try_from(end - from)
                            .unwrap_or(usize::MAX)
                            .min(TEXT_CHUNK);
                        write(&part.read(from, length)?);
                        from += length as u64;
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads every text of a stored table into memory (for printing many of them).
    pub(crate) fn hold_texts(&self) {
        let Texts::Stored(_, held) = &self.texts else {
            return;
        };
        let mut bytes = Vec::with_capacity(self.ends.last().map_or(0, |&end| end as usize));
        if self
            .each_text_piece(|piece| bytes.extend_from_slice(piece))
            .is_ok()
            && let Ok(texts) = String::from_utf8(bytes)
        {
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
                    Texts::Stored(_, held) => held.get().map_or(0, String::capacity),
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
        let table = packer.into_table();
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
    fn texts_written_to_files_read_back_and_the_files_go_with_them() {
        let dir =
            std::env::temp_dir().join(format!("support-console-texts-{}", std::process::id()));
        let files = || std::fs::read_dir(&dir).map_or(0, Iterator::count);
        let id: Arc<str> = Arc::from("id");
        let pack = |texts: &[&str]| {
            let mut packer = DocPacker::writing_texts_to(&dir).unwrap();
            for text in texts {
                packer.push(DocKind::Note, &id, &id, text, Target::Guide { guide: 0 });
            }
            packer
        };
        // A packer let go before its texts are handed on takes its file with it.
        drop(pack(&["버려짐"]));
        assert_eq!(files(), 0);
        let mut table = pack(&["가나", "", "다라마"]).finish().unwrap();
        table
            .append_in_files(pack(&["바", "사아"]).finish().unwrap())
            .unwrap();
        assert_eq!(files(), 2);
        let texts: Vec<String> = (0..table.len())
            .map(|d| table.text(d).into_owned())
            .collect();
        assert_eq!(texts, ["가나", "", "다라마", "바", "사아"]);
        let mut visited = Vec::new();
        table
            .each_text(1..5, &mut |d, text| visited.push((d, text.to_owned())))
            .unwrap();
        assert_eq!(visited.len(), 4);
        assert!(visited.iter().all(|(d, text)| *text == texts[*d]));
        let mut bytes = Vec::new();
        table
            .each_text_piece(|piece| bytes.extend_from_slice(piece))
            .unwrap();
        assert_eq!(String::from_utf8(bytes).unwrap(), texts.concat());
        drop(table);
        assert_eq!(files(), 0, "the files go with the table");
        let _ = std::fs::remove_dir_all(&dir);
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
        first.append_held(DocTable::pack(vec![doc("c", "라마바")]));
        let read: Vec<(&str, String)> = (0..first.len())
            .map(|d| (first.get(d).id, first.text(d).into_owned()))
            .collect();
        let expected = [("a", "가나"), ("b", "다"), ("c", "라마바")];
        assert_eq!(read, expected.map(|(id, text)| (id, text.to_owned())));
    }
}
