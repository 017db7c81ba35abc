//! The index stored in a file, so that a second start on unchanged content reads it in one go
//! instead of parsing, validating and indexing every guide again.
//!
//! The file starts with a header: a magic string and format version, the identity of the
//! content it was built from ([`crate::content::identity`]), the body's length and checksum.
//! A file is used only when all four agree; anything else (another version, other content,
//! a truncated or damaged file) is refused with the reason, and the caller rebuilds. The body
//! is then read with every length and index checked, so even a file that passes the checksum
//! by chance cannot make the reader panic or index out of bounds.

use std::io::{self, Seek as _, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::docs::{DocRecord, DocTable, TextPart, Texts};
use std::cmp::Reverse;

use super::codes::{Alphabet, PAD, PADDING};
use super::docset::DocSet;
use super::postings::{List, Postings};
use super::query::Synonyms;
use super::tops::{Top, Tops};
use super::wire::{HEADER, Read, Reader, Writer};
use super::{DocKind, SearchIndex};
use crate::content::{Catalog, GuideCard};

const MAGIC: &[u8; 8] = b"SCINDEX\0";
/// Bumped whenever the layout or the meaning of a stored field changes (8: the checksums,
/// the body's and the content version's, are taken in four lanes; 10: each guide's card
/// holds its file's checksum, and the identity is taken from the files' bytes; 11: the
/// ranked tier's terms hold a date's day alone).
const FORMAT: u32 = 11;

const KINDS: [DocKind; 14] = [
    DocKind::Question,
    DocKind::SmsTitle,
    DocKind::Guide,
    DocKind::Alias,
    DocKind::Rule,
    DocKind::Benefit,
    DocKind::Partner,
    DocKind::Schedule,
    DocKind::Section,
    DocKind::Link,
    DocKind::Script,
    DocKind::Note,
    DocKind::Policy,
    DocKind::SmsBody,
];

/// Why a stored index was not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refused {
    /// No file (the first start on this content).
    Missing,
    /// Not an index of this format (another program's file, or another version's).
    Foreign,
    /// Built from other content.
    Stale,
    /// Shorter or longer than its header says.
    Truncated,
    /// The body's checksum does not match.
    Damaged,
    /// The body does not hold together (a length or index out of range).
    Malformed(&'static str),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Missing => f.write_str("저장된 색인 없음"),
            Self::Foreign => f.write_str("다른 형식의 파일"),
            Self::Stale => f.write_str("다른 콘텐츠의 색인"),
            Self::Truncated => f.write_str("길이가 맞지 않음 (잘린 파일)"),
            Self::Damaged => f.write_str("검사합이 맞지 않음 (손상된 파일)"),
            Self::Malformed(what) => write!(f, "내용이 맞지 않음 ({what})"),
        }
    }
}

impl SearchIndex {
    /// Writes the index to `path` whole or not at all (a temporary file beside it, then a
    /// rename), marked with the `identity` of the content it was built from.
    ///
    /// The catalog `catalog` gives goes with it (what a console starting on the same content
    /// lists and refers to before it reads any guide): made on another thread while the
    /// index is written, as it comes last.
    pub fn store(
        &self,
        path: &Path,
        identity: [u8; 16],
        catalog: impl FnOnce() -> Catalog + Send,
    ) -> io::Result<()> {
        self.write_file(path, identity, catalog).map(|_| ())
    }

    /// Stores the index (as [`SearchIndex::store`] does) with `catalog`, and gives it back as
    /// it would read from the file: its texts read from there when shown, the catalog with
    /// it. An index built with its texts in temporary files lets them go.
    pub fn into_stored(
        mut self,
        path: &Path,
        identity: [u8; 16],
        catalog: Catalog,
    ) -> io::Result<Self> {
        let kept = catalog.clone();
        let (file, texts_at) = self.write_file(path, identity, move || kept)?;
        self.docs.texts = Texts::Stored(
            vec![Arc::new(TextPart::stored(
                Arc::new(Mutex::new(file)),
                texts_at,
            ))],
            Arc::default(),
        );
        self.catalog = catalog;
        Ok(self)
    }

    /// Writes the file; gives it back open, with where in it the texts start.
    fn write_file(
        &self,
        path: &Path,
        identity: [u8; 16],
        catalog: impl FnOnce() -> Catalog + Send,
    ) -> io::Result<(std::fs::File, u64)> {
        let dir = path.parent().unwrap_or_else(|| Path::new("."));
        std::fs::create_dir_all(dir)?;
        // A stored index checks itself when read: it is not synced.
        let written =
            crate::files::write_atomic_with(path, crate::files::Options::CACHE, |mut file| {
                // The header's length and checksum are known once the body is written: a
                // placeholder first, the header over it at the end. The body streams to the
                // file, so storing needs no second copy of the index in memory.
                file.write_all(&[0u8; HEADER])?;
                let mut body = Writer::new(file);
                let texts_at = std::thread::scope(|scope| {
                    let catalog = scope.spawn(catalog);
                    let texts_at = self.encode(&mut body);
                    match catalog.join() {
                        Ok(catalog) => encode_catalog(&mut body, &catalog),
                        // A panic making it is a bug: raise it here.
                        Err(panic) => std::panic::resume_unwind(panic),
                    }
                    texts_at
                });
                let (mut file, length, sum) = body.finish()?;
                let mut header = Vec::with_capacity(HEADER);
                header.extend_from_slice(MAGIC);
                header.extend_from_slice(&FORMAT.to_le_bytes());
                header.extend_from_slice(&identity);
                header.extend_from_slice(&length.to_le_bytes());
                header.extend_from_slice(&sum.to_le_bytes());
                file.seek(io::SeekFrom::Start(0))?;
                file.write_all(&header)?;
                Ok((file, HEADER as u64 + texts_at))
            })?;
        Ok(written)
    }

    /// The index stored at `path`, if it was built from content of this `identity` and is
    /// whole; otherwise why not.
    pub fn load_stored(path: &Path, identity: [u8; 16]) -> Result<Self, Refused> {
        let (file, length, sum) = open_stored(path, identity)?;
        // The documents' texts stay in the file, read when they are shown.
        let texts = file.try_clone().ok().map(|file| Arc::new(Mutex::new(file)));
        // The body streams through the reader: no copy of the whole file in memory.
        read_body(
            io::BufReader::with_capacity(1 << 20, file),
            length,
            sum,
            texts,
        )
    }

    /// Whether `path` holds an index built from content of this `identity`, by its header
    /// and length alone (the body is checked when the index is read): a quick sign that
    /// the content loaded whole before and has not changed since.
    pub fn is_stored_for(path: &Path, identity: [u8; 16]) -> bool {
        open_stored(path, identity).is_ok()
    }

    /// The index in a file already read (tests forge files in memory).
    #[cfg(test)]
    fn decode_file(bytes: &[u8], identity: [u8; 16]) -> Result<Self, Refused> {
        let header = bytes.get(..HEADER).ok_or(Refused::Foreign)?;
        let (length, sum) = check_header_of(header, *MAGIC, identity)?;
        let body = &bytes[HEADER..];
        if body.len() as u64 != length {
            return Err(Refused::Truncated);
        }
        read_body(body, length, sum, None)
    }

    /// Writes the body; gives back where in it the texts start.
    fn encode<W: Write>(&self, out: &mut Writer<W>) -> u64 {
        out.u64(self.guides.len() as u64);
        for (id, title) in &self.guides {
            out.str(id);
            out.str(title);
        }
        // Ids and titles are shared by the documents of one entry: each is written once.
        let table = &self.docs;
        out.u64(table.strings.len() as u64);
        for text in &table.strings {
            out.str(text);
        }
        out.u64(table.records.len() as u64);
        for (d, record) in table.records.iter().enumerate() {
            let kind = KINDS.iter().position(|k| *k == record.kind).unwrap_or(0);
            out.bytes(&[u8::try_from(kind).unwrap_or(0), record.tag]);
            out.u32(record.guide);
            out.u32(record.item);
            out.u32(record.id);
            out.u32(record.title);
            out.u64(table.text_range(d).len() as u64);
        }
        // The texts one after another, as the index holds them: read back in one piece.
        let texts_at = out.length;
        if let Err(error) = table.each_text_piece(|piece| out.bytes(piece)) {
            out.fail(error);
        }
        out.u64(self.alphabet.len() as u64);
        for &ch in self.alphabet.chars() {
            out.u32(u32::from(ch));
        }
        // The codes without the padding after them (added again when read).
        let codes = &self.chars[..self.chars.len().saturating_sub(PADDING)];
        out.u64(codes.len() as u64);
        for &code in codes {
            out.bytes(&code.to_le_bytes());
        }
        for &bound in &self.bounds {
            out.u32(bound);
        }
        for &set in &self.class_sets {
            out.u64(set);
        }
        out.bytes(&self.tiers);
        out.table(&self.synonyms.global);
        out.u64(self.synonyms.guides.len() as u64);
        for (range, table) in &self.synonyms.guides {
            out.u64(range.start as u64);
            out.u64(range.end as u64);
            out.table(table);
        }
        let none = Postings::default();
        let postings = self.postings.as_ref().unwrap_or(&none);
        out.u64(postings.lists.len() as u64);
        for (&count, list) in postings.counts.iter().zip(&postings.lists) {
            let (tag, first, second) = match *list {
                List::Empty => (0, 0, 0),
                List::Set(n) => (1, n, 0),
                List::Gaps(start, end) => (2, start, end),
            };
            out.u32(count);
            out.bytes(&[tag]);
            out.u32(first);
            out.u32(second);
        }
        out.u64(postings.bytes.len() as u64);
        out.bytes(&postings.bytes);
        out.u64(postings.sets.len() as u64);
        for set in &postings.sets {
            for &word in set.words() {
                out.u64(word);
            }
        }
        // Each character's best documents.
        for &start in &self.tops.starts {
            out.u32(start);
        }
        out.u64(self.tops.entries.len() as u64);
        for top in &self.tops.entries {
            out.u32(top.score.cast_unsigned());
            out.u32(top.doc.0);
            out.u32(top.start.0);
        }
        texts_at
    }
}

/// Marks a file of the ranked tier's postings (stored beside the index it was built from).
const RANKED_MAGIC: &[u8; 8] = b"SCRANKD\0";

impl SearchIndex {
    /// Writes the ranked tier's postings (built now if they are not yet) to `path` whole or
    /// not at all, marked with the `identity` of the content: a later start, or the next
    /// `search` command, reads them back instead of building them again.
    pub fn store_ranked(&self, path: &Path, identity: [u8; 16]) -> io::Result<()> {
        write_ranked(self.ranked(), path, identity)
    }

    /// The ranked tier's postings stored at `path`, if they were built from content of this
    /// `identity` into an index of this many documents and are whole; otherwise why not.
    pub(super) fn read_ranked(
        &self,
        path: &Path,
        identity: [u8; 16],
    ) -> Result<super::ranked::Ranked, Refused> {
        let (file, length, sum) = open_file(path, *RANKED_MAGIC, identity)?;
        let mut read = Reader::new(io::BufReader::with_capacity(1 << 20, file), length);
        let decoded = super::ranked::Ranked::decode(&mut read, self.docs.len());
        if decoded.is_err() {
            read.drain();
        }
        if read.left != 0 {
            return Err(Refused::Truncated);
        }
        if read.sum.finish() != sum {
            return Err(Refused::Damaged);
        }
        decoded.map_err(Refused::Malformed)
    }
}

/// Writes the ranked tier's postings `ranked` to `path` (see [`SearchIndex::store_ranked`]).
pub(super) fn write_ranked(
    ranked: &super::ranked::Ranked,
    path: &Path,
    identity: [u8; 16],
) -> io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    std::fs::create_dir_all(dir)?;
    crate::files::write_atomic_with(path, crate::files::Options::CACHE, |mut file| {
        file.write_all(&[0u8; HEADER])?;
        let mut body = Writer::new(file);
        ranked.encode(&mut body);
        let (mut file, length, sum) = body.finish()?;
        let mut header = Vec::with_capacity(HEADER);
        header.extend_from_slice(RANKED_MAGIC);
        header.extend_from_slice(&FORMAT.to_le_bytes());
        header.extend_from_slice(&identity);
        header.extend_from_slice(&length.to_le_bytes());
        header.extend_from_slice(&sum.to_le_bytes());
        file.seek(io::SeekFrom::Start(0))?;
        file.write_all(&header)?;
        Ok((file, ()))
    })?;
    Ok(())
}

/// The file at `path`, read past its header, with its body's length and checksum: when the
/// header names this format and `identity` and the file is as long as it says.
fn open_stored(path: &Path, identity: [u8; 16]) -> Result<(std::fs::File, u64, u64), Refused> {
    open_file(path, *MAGIC, identity)
}

/// [`open_stored`] for a file of either kind (`magic`: the index's, or its ranked tier's).
fn open_file(
    path: &Path,
    magic: [u8; 8],
    identity: [u8; 16],
) -> Result<(std::fs::File, u64, u64), Refused> {
    use std::io::Read as _;
    // Never a plain open: a FIFO in the cache's place would hold the console forever.
    let mut file = crate::files::open_regular(path).map_err(|_| Refused::Missing)?;
    let size = file.metadata().map_err(|_| Refused::Missing)?.len();
    let mut header = [0u8; HEADER];
    file.read_exact(&mut header).map_err(|_| Refused::Foreign)?;
    let (length, sum) = check_header_of(&header, magic, identity)?;
    if size.checked_sub(HEADER as u64) != Some(length) {
        return Err(Refused::Truncated);
    }
    Ok((file, length, sum))
}

/// The body's length and checksum, from a header that names this format, the kind of file
/// (`magic`: the index's, or its ranked tier's) and `identity`.
fn check_header_of(
    header: &[u8],
    magic: [u8; 8],
    identity: [u8; 16],
) -> Result<(u64, u64), Refused> {
    if header.len() < HEADER || header[..8] != magic || header[8..12] != FORMAT.to_le_bytes() {
        return Err(Refused::Foreign);
    }
    if header[12..28] != identity {
        return Err(Refused::Stale);
    }
    let mut word = [0u8; 8];
    word.copy_from_slice(&header[28..36]);
    let length = u64::from_le_bytes(word);
    word.copy_from_slice(&header[36..44]);
    Ok((length, u64::from_le_bytes(word)))
}

/// Reads a body of `length` bytes and checks it against its checksum `sum`: an index is
/// given out only when every byte is summed and the sum agrees. A body that does not hold
/// together is read to its end all the same, to tell a damaged file from a malformed one.
fn read_body<R: io::Read>(
    source: R,
    length: u64,
    sum: u64,
    texts: Option<Arc<Mutex<std::fs::File>>>,
) -> Result<SearchIndex, Refused> {
    let mut read = Reader::new(source, length);
    let decoded = decode(&mut read, texts);
    if decoded.is_err() {
        read.drain();
    }
    if read.left != 0 {
        return Err(Refused::Truncated);
    }
    if read.sum.finish() != sum {
        return Err(Refused::Damaged);
    }
    decoded.map_err(Refused::Malformed)
}

/// The documents: the table of ids and titles, each document's kind, target, id and title
/// and text length, then the texts in one piece.
/// Bytes of a stored document record: kind, target tag, guide, item, id, title, text length.
const RECORD: usize = 26;

fn decode_docs<R: io::Read>(
    read: &mut Reader<R>,
    guide_count: usize,
    stored: Option<Arc<Mutex<std::fs::File>>>,
) -> Read<DocTable> {
    let string_count = read.count(8, "문자열 표")?;
    let mut strings = Vec::with_capacity(string_count);
    for _ in 0..string_count {
        strings.push(read.str("문자열 표")?.into_boxed_str());
    }
    let doc_count = read.count(RECORD, "문서 수")?;
    let raw = read.words::<RECORD, _>(doc_count, "문서", |record| record)?;
    let mut records = Vec::with_capacity(doc_count);
    let mut ends = Vec::with_capacity(doc_count);
    let mut end = 0usize;
    let u32_at = |record: &[u8; RECORD], at: usize| {
        u32::from_le_bytes([record[at], record[at + 1], record[at + 2], record[at + 3]])
    };
    for record in &raw {
        let kind = *KINDS.get(usize::from(record[0])).ok_or("문서 종류")?;
        let tag = record[1];
        if tag > 3 {
            return Err("문서 대상");
        }
        let (guide, item) = (u32_at(record, 2), u32_at(record, 6));
        if guide_count > 0 && guide as usize >= guide_count {
            return Err("문서의 가이드");
        }
        let (id, title) = (u32_at(record, 10), u32_at(record, 14));
        if id as usize >= string_count || title as usize >= string_count {
            return Err("문서 id");
        }
        let mut length = [0u8; 8];
        length.copy_from_slice(&record[18..26]);
        let length = usize::try_from(u64::from_le_bytes(length)).map_err(|_| "문서 글")?;
        end = end.checked_add(length).ok_or("문서 글")?;
        let end = u32::try_from(end).map_err(|_| "문서 글")?;
        records.push(DocRecord {
            kind,
            tag,
            guide,
            item,
            id,
            title,
        });
        ends.push(end);
    }
    // Summed as the rest of the body, not kept when the index came from a file: each text is
    // read from it when shown (one that does not hold together then reads as empty).
    let texts = if let Some(file) = stored {
        let at = read.position();
        read.skip(end, "문서 글")?;
        Texts::Stored(vec![Arc::new(TextPart::stored(file, at))], Arc::default())
    } else {
        let texts = String::from_utf8(read.take(end, "문서 글")?).map_err(|_| "문서 글")?;
        // Every text must start and end between characters.
        if !ends.iter().all(|&at| texts.is_char_boundary(at as usize)) {
            return Err("문서 글");
        }
        Texts::Held(texts)
    };
    Ok(DocTable {
        records,
        strings,
        texts,
        ends,
    })
}

/// The catalog (see [`crate::content::Catalog`]), after the index.
fn encode_catalog<W: Write>(out: &mut Writer<W>, catalog: &Catalog) {
    out.u64(catalog.guides.len() as u64);
    for card in &catalog.guides {
        out.str(&card.path);
        out.str(&card.id);
        out.str(&card.title);
        out.str(card.status.as_deref().unwrap_or_default());
        // Flags: a status given, a reference guide (outside the template).
        out.bytes(&[u8::from(card.status.is_some()) | u8::from(card.outside_template) << 1]);
        out.u64(card.category.len() as u64);
        for level in &card.category {
            out.str(level);
        }
        out.u64(card.sum);
    }
    out.u64(catalog.templates.len() as u64);
    for (id, guide, place) in &catalog.templates {
        out.str(id);
        out.u64(*guide as u64);
        out.u64(*place as u64);
    }
    out.u64(catalog.cited.len() as u64);
    for (id, guide) in &catalog.cited {
        out.str(id);
        out.u64(*guide as u64);
    }
    out.str(&catalog.version);
}

fn decode_catalog<R: io::Read>(read: &mut Reader<R>, guide_count: usize) -> Read<Catalog> {
    let what = "가이드 목록";
    let count = read.count(8 * 6, what)?;
    if count != guide_count {
        return Err(what);
    }
    let mut catalog = Catalog::default();
    for _ in 0..count {
        let path = read.str(what)?;
        let id = read.str(what)?;
        let title = read.str(what)?;
        let status = read.str(what)?;
        let [flags] = read.u8s::<1>(what)?;
        let levels = read.count(8, what)?;
        let mut category = Vec::with_capacity(levels);
        for _ in 0..levels {
            category.push(read.str(what)?);
        }
        let sum = read.u64(what)?;
        catalog.guides.push(GuideCard {
            sum,
            path,
            id,
            title,
            status: (flags & 1 != 0).then_some(status),
            category,
            outside_template: flags & 2 != 0,
        });
    }
    let guide = |read: &mut Reader<R>| -> Read<usize> {
        let guide = usize::try_from(read.u64(what)?).map_err(|_| what)?;
        if guide >= count {
            return Err(what);
        }
        Ok(guide)
    };
    let templates = read.count(24, what)?;
    for _ in 0..templates {
        let id = read.str(what)?;
        let owner = guide(read)?;
        let place = usize::try_from(read.u64(what)?).map_err(|_| what)?;
        catalog.templates.push((id, owner, place));
    }
    let cited = read.count(16, what)?;
    for _ in 0..cited {
        let id = read.str(what)?;
        catalog.cited.push((id, guide(read)?));
    }
    catalog.version = read.str(what)?;
    Ok(catalog)
}

/// The characters numbered: each once, in increasing order.
fn decode_alphabet<R: io::Read>(read: &mut Reader<R>) -> Read<Alphabet> {
    let letters = read.count(4, "글자표")?;
    let mut chars = Vec::with_capacity(letters);
    for _ in 0..letters {
        let ch = char::from_u32(read.u32("글자표")?).ok_or("글자표")?;
        if chars.last().is_some_and(|&last| last >= ch) {
            return Err("글자표");
        }
        chars.push(ch);
    }
    let alphabet = Alphabet::new(chars);
    if alphabet.len() != letters {
        return Err("글자표");
    }
    Ok(alphabet)
}

/// Each code's documents: its count and where its list is, the lists' bytes, the sets.
fn decode_postings<R: io::Read>(
    read: &mut Reader<R>,
    codes: usize,
    documents: usize,
) -> Read<Postings> {
    if read.count(13, "문서 목록")? != codes {
        return Err("문서 목록");
    }
    let mut postings = Postings {
        documents,
        ..Postings::default()
    };
    for _ in 0..codes {
        postings.counts.push(read.u32("문서 목록")?);
        let [tag] = read.u8s::<1>("문서 목록")?;
        let (first, second) = (read.u32("문서 목록")?, read.u32("문서 목록")?);
        postings.lists.push(match tag {
            0 => List::Empty,
            1 => List::Set(first),
            2 => List::Gaps(first, second),
            _ => return Err("문서 목록"),
        });
    }
    let byte_count = read.count(1, "문서 목록")?;
    postings.bytes = read.take(byte_count, "문서 목록")?;
    let words = documents.div_ceil(64);
    let set_count = read.count(words * 8, "문서 목록")?;
    for _ in 0..set_count {
        let set = read.words(words, "문서 목록", u64::from_le_bytes)?;
        postings
            .sets
            .push(DocSet::from_words(set, documents).ok_or("문서 목록")?);
    }
    postings.check()?;
    Ok(postings)
}

/// Each character's best documents for a one-character query.
fn decode_tops<R: io::Read>(read: &mut Reader<R>, codes: usize, documents: usize) -> Read<Tops> {
    let starts = read.words(codes + 1, "첫 글자 순위", u32::from_le_bytes)?;
    let count = read.count(12, "첫 글자 순위")?;
    let entries = read.words::<12, _>(count, "첫 글자 순위", |entry| {
        let word = |at: usize| {
            u32::from_le_bytes([entry[at], entry[at + 1], entry[at + 2], entry[at + 3]])
        };
        Top {
            score: word(0).cast_signed(),
            doc: Reverse(word(4)),
            start: Reverse(word(8)),
        }
    })?;
    let tops = Tops { starts, entries };
    tops.check(codes, documents)?;
    Ok(tops)
}

fn decode<R: io::Read>(
    read: &mut Reader<R>,
    texts: Option<Arc<Mutex<std::fs::File>>>,
) -> Read<SearchIndex> {
    let guide_count = read.count(16, "가이드 목록")?;
    let mut guides = Vec::with_capacity(guide_count);
    for _ in 0..guide_count {
        let id = read.str("가이드 id")?;
        let title = read.str("가이드 제목")?;
        guides.push((id, title));
    }
    let docs = decode_docs(read, guides.len(), texts)?;
    let doc_count = docs.len();
    let alphabet = decode_alphabet(read)?;
    // A code no letter stands for only never matches (codes index nothing unchecked).
    let char_count = read.count(2, "글자 수")?;
    let mut chars = Vec::with_capacity(char_count + PADDING);
    read.words_into(&mut chars, char_count, "글자", u16::from_le_bytes)?;
    chars.extend([PAD; PADDING]);
    let bounds = read.words(doc_count + 1, "문서 경계", u32::from_le_bytes)?;
    if bounds.iter().any(|&bound| bound as usize > char_count) || !bounds.is_sorted() {
        return Err("문서 경계");
    }
    if bounds.first() != Some(&0) || bounds.last().map(|&end| end as usize) != Some(char_count) {
        return Err("문서 경계");
    }
    let class_sets = read.words(doc_count, "글자 갈래", u64::from_le_bytes)?;
    let tiers = read.take(doc_count, "문서 층")?;
    if tiers.iter().any(|&tier| tier > 3) {
        return Err("문서 층");
    }
    let global = read.table()?;
    let scoped = read.count(24, "가이드 유의어")?;
    let mut guide_tables = Vec::with_capacity(scoped);
    for _ in 0..scoped {
        let start = usize::try_from(read.u64("유의어 범위")?).map_err(|_| "유의어 범위")?;
        let end = usize::try_from(read.u64("유의어 범위")?).map_err(|_| "유의어 범위")?;
        if start > end || end > doc_count {
            return Err("유의어 범위");
        }
        guide_tables.push((start..end, read.table()?));
    }
    let postings = decode_postings(read, alphabet.len(), doc_count)?;
    let tops = decode_tops(read, alphabet.len(), doc_count)?;
    let initials = super::initial_sets(&class_sets);
    let initial_bytes = super::initial_bytes(&chars, &alphabet);
    let catalog = decode_catalog(read, guides.len())?;
    if read.left != 0 {
        return Err("남는 바이트");
    }
    Ok(SearchIndex {
        docs,
        alphabet,
        chars,
        bounds,
        class_sets,
        tiers,
        synonyms: Synonyms {
            global,
            guides: guide_tables,
        },
        guides,
        postings: Some(postings),
        initials,
        tops,
        catalog,
        initial_bytes,
        pruning: true,
        ranked: std::sync::OnceLock::new(),
        ranked_waits: std::sync::atomic::AtomicBool::new(true),
        ranked_off: std::sync::atomic::AtomicBool::new(false),
        ranked_file: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checksum::checksum;
    use crate::search::wire::BODY_SEED;

    fn index() -> SearchIndex {
        SearchIndex::build(&crate::content::load_embedded().unwrap())
    }

    /// The embedded content's catalog (what the index is stored with).
    fn catalog() -> Catalog {
        crate::content::load_embedded()
            .unwrap()
            .catalog(Path::new("assets"))
    }

    #[test]
    fn a_stored_index_reads_back_the_same() {
        let index = index();
        let mut writer = Writer::new(Vec::new());
        index.encode(&mut writer);
        encode_catalog(&mut writer, &catalog());
        let (body, length, sum) = writer.finish().unwrap();
        assert_eq!(length, body.len() as u64);
        assert_eq!(sum, checksum(&body, BODY_SEED));
        let back = decode(&mut Reader::new(&body[..], length), None).unwrap();
        assert_eq!(back.catalog(), &catalog());
        assert_eq!(back.docs, index.docs);
        assert_eq!(back.chars, index.chars);
        assert_eq!(back.bounds, index.bounds);
        assert_eq!(back.postings, index.postings);
        for query in [
            "가입 기준",
            "환불",
            "ㄱㅇㄱㅈ",
            "멤버쉽",
            "무료 한달",
            "RKDLQ",
        ] {
            assert_eq!(back.search(query), index.search(query), "{query}");
        }
        assert_eq!(back.guide_name(0), index.guide_name(0));
    }

    #[test]
    fn a_damaged_or_foreign_file_is_refused_never_trusted() {
        let index = index();
        let dir = tempfile_dir();
        let path = dir.join("index.bin");
        let identity = [7u8; 16];
        index.store(&path, identity, catalog).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        assert!(SearchIndex::decode_file(&bytes, identity).is_ok());
        assert!(SearchIndex::is_stored_for(&path, identity));
        assert!(!SearchIndex::is_stored_for(&path, [8u8; 16]));
        let cut = dir.join("cut.bin");
        std::fs::write(&cut, &bytes[..bytes.len() - 1]).unwrap();
        assert!(!SearchIndex::is_stored_for(&cut, identity));
        assert!(!SearchIndex::is_stored_for(&dir.join("none.bin"), identity));
        assert_eq!(
            SearchIndex::decode_file(&bytes, [8u8; 16]).err(),
            Some(Refused::Stale)
        );
        assert_eq!(
            SearchIndex::decode_file(&bytes[..bytes.len() - 1], identity).err(),
            Some(Refused::Truncated)
        );
        let mut flipped = bytes.clone();
        flipped[HEADER + bytes.len() / 3] ^= 0x40;
        assert_eq!(
            SearchIndex::decode_file(&flipped, identity).err(),
            Some(Refused::Damaged)
        );
        assert_eq!(
            SearchIndex::decode_file(b"{\"not\": \"an index\"}", identity).err(),
            Some(Refused::Foreign)
        );
        // A body that passes its checksum but does not hold together: refused, no panic.
        for cut in [0, 1, 9, 100, bytes.len() / 2] {
            let body = &bytes[HEADER..bytes.len() - cut.min(bytes.len() - HEADER)];
            let mut forged = bytes[..HEADER].to_vec();
            forged[28..36].copy_from_slice(&(body.len() as u64).to_le_bytes());
            forged[36..44].copy_from_slice(&checksum(body, BODY_SEED).to_le_bytes());
            forged.extend_from_slice(body);
            let result = SearchIndex::decode_file(&forged, identity);
            assert!(cut == 0 || result.is_err(), "cut {cut}");
        }
        // Lists of documents that pass the checksum but name documents that are not there,
        // or end inside a number: read without a panic (they only filter what is matched).
        for from_end in [1, 2, 5, 17, 64, 200] {
            let mut body = bytes[HEADER..].to_vec();
            let at = body.len() - from_end;
            body[at] ^= 0xFF;
            let mut forged = bytes[..HEADER].to_vec();
            forged[36..44].copy_from_slice(&checksum(&body, BODY_SEED).to_le_bytes());
            forged.extend_from_slice(&body);
            if let Ok(read) = SearchIndex::decode_file(&forged, identity) {
                for query in ["가입 기준", "환불", "멤버십", "ㄱㅇ"] {
                    let _ = read.search(query);
                }
            }
        }
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_stored_index_reads_its_texts_from_the_file_when_shown() {
        let index = index();
        let dir = tempfile_dir().join("texts");
        let path = dir.join("index.bin");
        index.store(&path, [3u8; 16], catalog).unwrap();
        let back = SearchIndex::load_stored(&path, [3u8; 16]).unwrap();
        assert!(matches!(back.docs.texts, Texts::Stored(..)));
        assert!(back.heap_bytes() < index.heap_bytes());
        // Every document's text, read from the file, is the one indexed.
        assert_eq!(back.docs, index.docs);
        for query in ["가입 기준", "ㄱㅇㄱㅈ", "멤버쉽"] {
            assert_eq!(back.search(query), index.search(query), "{query}");
        }
        // Read in one go (to print many), the same texts.
        back.hold_texts();
        assert_eq!(back.docs, index.docs);
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn tempfile_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "support-console-stored-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
