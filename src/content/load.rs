//! Reading content files: the embedded assets or every `*.json` under a directory.

use std::collections::HashSet;
use std::fs;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

use super::locate::line_col;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::catalog::{Catalog, GuideCard};
use super::model::{Guide, SYNONYMS_FILE, Synonym, SynonymList};
use super::validate::{
    Declarations, GuideIds, HashedIds, Tally, check_file, declares_as_found, validate,
    validate_synonym_list,
};
use super::{Content, ContentError, ContentErrors, LoadedGuide, Lookups, guide_sum, version_of};
use crate::hangul::is_syllable;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_assets.rs"));
}

/// One content file's name (as shown in messages) and raw bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub fn embedded_sources() -> Vec<SourceFile> {
    embedded::EMBEDDED_FILES
        .iter()
        .map(|(name, bytes)| SourceFile {
            name: (*name).to_owned(),
            bytes: bytes.to_vec(),
        })
        .collect()
}

/// The content compiled into the binary.
pub fn load_embedded() -> Result<Content, ContentErrors> {
    load_sources(&embedded_sources())
}

/// Largest content file read, in bytes. A guide of a whole help centre's section is a few
/// megabytes of JSON (100 guides holding 100,000 Q&A entries are about 190 MB, 2 MB each);
/// the limit leaves room for ten times that and stops a runaway file (or a link to a
/// device) before it is read into memory.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Longest text (one JSON string, as written in the file), in bytes. A guide's longest
/// text is an SMS template or a script paragraph of a few hundred bytes; 64 KiB is about
/// 21,000 Hangul syllables, dozens of pages. Bounding every text keeps each keystroke's search
/// and each frame's wrapping of one text short, whatever the content holds.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// How far the walk over a content folder goes before it stops and says which limit it met:
/// a folder that is not content (the whole machine, a home folder) is refused in a moment
/// instead of walked for minutes and read into memory. The command line raises them
/// (`--max-depth`, `--max-files`, `--max-mb`) for a help centre that needs more.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoadLimits {
    /// Folders below the content folder. An export nests guides by category and section,
    /// three or four deep.
    pub depth: usize,
    /// Entries of any kind (files and folders) looked at. A help centre of thousands of
    /// articles is a few thousand files.
    pub files: usize,
    /// Megabytes of `*.json` files, by the sizes the file system gives, before any is read.
    /// 100,000 Q&A entries are about 190 MB.
    pub megabytes: usize,
}

impl LoadLimits {
    pub const DEFAULT: Self = Self {
        depth: 12,
        files: 20_000,
        megabytes: 1_024,
    };
    /// What each may be raised (or lowered) to.
    pub const DEPTH_RANGE: std::ops::RangeInclusive<usize> = 1..=256;
    pub const FILES_RANGE: std::ops::RangeInclusive<usize> = 1..=10_000_000;
    pub const MEGABYTES_RANGE: std::ops::RangeInclusive<usize> = 1..=1_048_576;

    fn bytes(self) -> u64 {
        u64::try_from(self.megabytes)
            .unwrap_or(u64::MAX)
            .saturating_mul(1024 * 1024)
    }
}

impl Default for LoadLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// The limits every walk of this process keeps: set once from the command line (every
/// command and the console's reloads read folders through several paths, all of them here).
static LIMITS: std::sync::RwLock<LoadLimits> = std::sync::RwLock::new(LoadLimits::DEFAULT);

/// Sets the limits of every later walk of a content folder.
pub fn set_load_limits(limits: LoadLimits) {
    if let Ok(mut held) = LIMITS.write() {
        *held = limits;
    }
}

/// The limits walks keep now.
pub fn load_limits() -> LoadLimits {
    LIMITS.read().map_or(LoadLimits::DEFAULT, |held| *held)
}

/// Every `*.json` file under `dir`, recursively, in path order. Only regular files are read
/// (a FIFO, device or socket is named and refused), each real path once; a link back to a
/// directory being walked is named as a loop, not followed.
pub fn load_dir(dir: &Path) -> Result<Content, ContentErrors> {
    load_sources(&read_dir(dir)?)
}

/// Every content file under `dir` (as [`load_dir`] finds them), read but not parsed: what a
/// stored index is checked against before the files are parsed at all.
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, ContentErrors> {
    let single = |message: String| {
        ContentErrors(vec![ContentError {
            file: dir.display().to_string(),
            line: None,
            column: None,
            path: None,
            message,
        }])
    };
    if let Err(err) = std::fs::metadata(dir) {
        // Missing, or out of reach: said as the system found it, in Korean.
        return Err(single(format!(
            "콘텐츠 폴더를 열 수 없습니다: {} (--content에는 *.json 콘텐츠 파일이 든 폴더를 지정하세요)",
            crate::text::io_reason(&err)
        )));
    }
    if !dir.is_dir() {
        return Err(single(
            "폴더가 아닙니다 (--content에는 *.json 콘텐츠 파일이 든 폴더를 지정하세요)".into(),
        ));
    }
    let mut walk = Walk::new();
    walk.directory(dir);
    let Walk {
        mut files,
        mut errors,
        stopped,
        ..
    } = walk;
    if stopped {
        // Nothing is read of a folder that is not content (or larger than allowed).
        return Err(ContentErrors(errors));
    }
    if files.is_empty() && errors.is_empty() {
        return Err(single("이 폴더에 *.json 콘텐츠 파일이 없습니다".into()));
    }
    files.sort();
    let mut sources = Vec::new();
    for path in files {
        match read_regular_file(&path) {
            Ok(bytes) => sources.push(SourceFile {
                name: path.display().to_string(),
                bytes,
            }),
            Err(message) => errors.push(file_error(&path.display().to_string(), message)),
        }
    }
    if errors.is_empty() {
        Ok(sources)
    } else {
        // The files that were read are checked too: every problem at once.
        if let Err(ContentErrors(more)) = load_sources(&sources) {
            errors.extend(more);
        }
        Err(ContentErrors(errors))
    }
}

/// What [`stream_dir`] made of a folder.
pub enum Streamed<S> {
    /// Every file sound: each share's state (a share is a run of consecutive guides, the
    /// shares in content order), the catalog of the guides (the content's version in it) and
    /// the help centre's everyday words in force.
    Sound {
        shares: Vec<S>,
        catalog: Catalog,
        synonyms: Vec<Synonym>,
    },
    /// Something did not hold (a problem in a file, or a file that changed while it was
    /// read): the folder as [`load_dir`] reads it whole, which reports every problem.
    Whole(Content),
}

/// Reads, validates and hands over the guides under `dir` a file at a time, so that no
/// more than a guide per core is held in memory at once: what a first start on a help
/// centre (hundreds of megabytes of guides) builds its index from. `visit` gets each sound
/// guide with its place in content order, in the state `start` made for its share; nothing
/// is kept of it but what `visit` keeps and the catalog.
///
/// Ids cross files, so the files are read twice: the first pass declares every id, the
/// second checks each guide against them and hands it over. The checks are
/// [`load_dir`]'s own; a folder where any fails is read whole by [`load_dir`], so its
/// problems are reported exactly as there (in full, in order), and content that changed
/// between the passes is read whole too rather than half trusted.
pub fn stream_dir<S: Send>(
    dir: &Path,
    start: impl Fn() -> S + Sync,
    visit: impl Fn(&mut S, usize, &Guide) + Sync,
) -> Result<Streamed<S>, ContentErrors> {
    let whole = || load_dir(dir).map(Streamed::Whole);
    let Ok(files) = content_files(dir) else {
        return whole();
    };
    let (lists, guides): (Vec<String>, Vec<String>) = files
        .iter()
        .map(|path| path.display().to_string())
        .partition(|name| is_synonym_file(name));
    if guides.is_empty() || lists.len() > 1 {
        return whole();
    }
    let synonyms = match lists.first() {
        None => embedded_synonyms(),
        Some(name) => match read_sound::<SynonymList>(name) {
            Some((source, list))
                if validate_synonym_list(name, &list, &source.bytes).is_empty() =>
            {
                list
            }
            _ => return whole(),
        },
    };
    let Some(FirstPass {
        ids,
        cited,
        declared_ids,
        cited_sources,
    }) = declare_pass(&guides)
    else {
        return whole();
    };
    let wanted: HashSet<&str> = cited.iter().map(String::as_str).collect();

    // Second pass: each guide read whole, checked, handed over and let go.
    let checked = crate::parallel::in_shares(guides.len(), 1, |share| {
        let mut state = start();
        let mut cards = Vec::with_capacity(share.len());
        let mut sums = Vec::with_capacity(share.len());
        let mut lookups = Lookups::default();
        let (mut ids_held, mut sources_held) = (Tally::default(), Tally::default());
        for file in share {
            let (source, guide) = read_sound::<Guide>(&guides[file])?;
            let cites_as_read = guide
                .rules
                .iter()
                .flat_map(|rule| &rule.sources)
                .all(|cited| {
                    sources_held.add_cited(cited);
                    wanted.contains(cited.as_str())
                });
            if !declares_as_found(&guide, &ids, &mut ids_held)
                || !cites_as_read
                || !check_file(&source.name, &guide, &source.bytes, &ids).is_empty()
            {
                return None;
            }
            visit(&mut state, file, &guide);
            let sum = file_sum(&source.bytes);
            cards.push(GuideCard::of(source.name, &guide, sum).relative_to(dir));
            sums.push(guide_sum(Some(&guide)));
            lookups.add(file, &guide, &wanted);
        }
        Some((state, cards, sums, lookups, ids_held, sources_held))
    });
    let Some(checked) = checked.into_iter().collect::<Option<Vec<_>>>() else {
        return whole();
    };
    let (mut ids_held, mut sources_held) = (Tally::default(), Tally::default());
    for (.., ids, sources) in &checked {
        ids_held.merge(*ids);
        sources_held.merge(*sources);
    }
    if ids_held != declared_ids || sources_held != cited_sources {
        return whole();
    }
    let mut shares = Vec::with_capacity(checked.len());
    let mut cards = Vec::with_capacity(guides.len());
    let mut sums = Vec::with_capacity(guides.len());
    let mut lookups = Lookups::default();
    for (state, share_cards, share_sums, share_lookups, ..) in checked {
        shares.push(state);
        cards.extend(share_cards);
        sums.extend(share_sums);
        lookups.append(share_lookups);
    }
    let catalog = Catalog::assemble(cards, &lookups, version_of(sums.into_iter()));
    Ok(Streamed::Sound {
        shares,
        catalog,
        synonyms: synonyms.synonyms,
    })
}

/// The file `name`, read and parsed (`None` when it does not read or parse).
fn read_sound<T: DeserializeOwned + Serialize>(name: &str) -> Option<(SourceFile, T)> {
    let bytes = read_regular_file(Path::new(name)).ok()?;
    let source = SourceFile {
        name: name.to_owned(),
        bytes,
    };
    let parsed = parse_file(&source).ok()?;
    Some((source, parsed))
}

/// What the first pass of [`stream_dir`] found: every id declared, the sentences some rule
/// cites, and a tally of each.
struct FirstPass {
    ids: Declarations<'static>,
    cited: HashSet<String>,
    declared_ids: Tally,
    cited_sources: Tally,
}

/// The first pass over the guide files `guides`: every id declared, and the sentences some
/// rule cites, read with the rest of each file skipped (the second pass reads each guide
/// whole and checks it declares and cites exactly these). `None` when a file does not read,
/// or an id is blank or declared twice: the folder is then read whole, for its problems.
fn declare_pass(guides: &[String]) -> Option<FirstPass> {
    let state = foldhash::fast::RandomState::default();
    let declared = crate::parallel::in_shares(guides.len(), 1, |share| {
        let mut hashed = HashedIds::default();
        let mut cited = Vec::new();
        let (mut ids, mut sources) = (Tally::default(), Tally::default());
        for file in share {
            let bytes = read_regular_file(Path::new(&guides[file])).ok()?;
            let read: GuideIds = serde_json::from_slice(&bytes).ok()?;
            hashed.declare_read(&state, file, &read, &mut ids);
            for source in read.cited() {
                sources.add_cited(&source);
                cited.push(source);
            }
        }
        Some((hashed, cited, ids, sources))
    });
    let declared = declared.into_iter().collect::<Option<Vec<_>>>()?;
    let mut hashed = Vec::with_capacity(declared.len());
    let mut cited = HashSet::new();
    let (mut declared_ids, mut cited_sources) = (Tally::default(), Tally::default());
    for (share, share_cited, ids, sources) in declared {
        hashed.push(share);
        cited.extend(share_cited);
        declared_ids.merge(ids);
        cited_sources.merge(sources);
    }
    let (ids, duplicates) = Declarations::table(state, hashed);
    if !duplicates.is_empty() || ids.has_blank() {
        return None;
    }
    Some(FirstPass {
        ids,
        cited,
        declared_ids,
        cited_sources,
    })
}

/// The content files under `dir` in content order, found but not read.
fn content_files(dir: &Path) -> Result<Vec<PathBuf>, ContentErrors> {
    let mut walk = Walk::new();
    walk.directory(dir);
    let Walk {
        mut files, errors, ..
    } = walk;
    if !errors.is_empty() {
        return Err(ContentErrors(errors));
    }
    files.sort();
    Ok(files)
}

/// The first guide under `dir` in content order (its file, with the folder's synonym list
/// when it has one), read and validated alone: what the console shows in its first frame
/// while the rest loads. Only for content already known to load whole (its stored index
/// matches its identity); the rest is validated when it loads.
pub fn load_first_guide(dir: &Path) -> Result<Content, ContentErrors> {
    let files = content_files(dir)?;
    let (lists, guides): (Vec<&PathBuf>, Vec<&PathBuf>) = files
        .iter()
        .partition(|path| path.file_name().is_some_and(|name| name == SYNONYMS_FILE));
    let mut sources = Vec::new();
    for path in guides.into_iter().take(1).chain(lists) {
        let name = path.display().to_string();
        let bytes = read_regular_file(path)
            .map_err(|message| ContentErrors(vec![file_error(&name, message)]))?;
        sources.push(SourceFile { name, bytes });
    }
    load_sources(&sources)
}

/// The checksum a content file's bytes are known by (`crate::checksum`: memory speed, so that
/// a help centre's hundreds of megabytes are summed in a fraction of a second).
pub fn file_sum(bytes: &[u8]) -> u64 {
    crate::checksum::checksum(bytes, FILE_SEED)
}

const FILE_SEED: u64 = 0xF11E;

/// The identity of the content files under `dir`, from what they hold: each file's name
/// within the folder and the checksum of its bytes ([`file_sum`]), the synonym list that
/// applies, and this build of the console (whose reading of content may change). A file
/// whose bytes changed changes it whatever its size and modification time say (an edit that
/// keeps both once returned an index of the old text), and so does a file added, removed or
/// renamed; a file only touched does not. Every file is read (on all cores), none parsed.
pub fn identity(dir: &Path) -> Result<[u8; 16], ContentErrors> {
    let files = content_files(dir)?;
    let names: Vec<String> = files
        .iter()
        .map(|path| path.display().to_string())
        .collect();
    let common = common_prefix(&names);
    let sums: Vec<Result<(u64, u64), ContentError>> =
        crate::parallel::in_shares(files.len(), 1, |share| {
            share
                .map(|n| {
                    sum_regular_file(&files[n]).map_err(|message| file_error(&names[n], message))
                })
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
    let mut parts: Vec<u8> = Vec::new();
    let mut errors = Vec::new();
    for (name, sum) in names.iter().zip(sums) {
        match sum {
            Ok((length, sum)) => {
                parts.extend_from_slice(&name.as_bytes()[common..]);
                parts.push(0);
                parts.extend_from_slice(&length.to_le_bytes());
                parts.extend_from_slice(&sum.to_le_bytes());
            }
            Err(error) => errors.push(error),
        }
    }
    if !errors.is_empty() {
        return Err(ContentErrors(errors));
    }
    if !files
        .iter()
        .any(|path| is_synonym_file(&path.display().to_string()))
    {
        for (name, bytes) in embedded::EMBEDDED_FILES {
            if is_synonym_file(name) {
                parts.extend_from_slice(&crate::checksum::checksum(bytes, 3).to_le_bytes());
            }
        }
    }
    parts.extend_from_slice(env!("CARGO_PKG_VERSION").as_bytes());
    let mut id = [0u8; 16];
    id[..8].copy_from_slice(&crate::checksum::checksum(&parts, 5).to_le_bytes());
    id[8..].copy_from_slice(&crate::checksum::checksum(&parts, 6).to_le_bytes());
    Ok(id)
}

/// The length of the directory part every source name shares (names are compared without
/// it, so a moved folder keeps its identity).
fn common_prefix(names: &[String]) -> usize {
    let Some(first) = names.first() else {
        return 0;
    };
    let mut common = first.len();
    for name in &names[1..] {
        common = first
            .bytes()
            .zip(name.bytes())
            .take(common)
            .take_while(|(a, b)| a == b)
            .count();
    }
    // Back to the last separator, so "a/b1.json" and "a/b2.json" keep "b1.json" and "b2.json".
    first[..common]
        .rfind(['/', '\\'])
        .map_or(0, |slash| slash + 1)
}

/// The walk over a content directory: the files found, the problems met, and every real
/// path already seen (so each is read once, and a loop is noticed rather than walked).
struct Walk {
    files: Vec<PathBuf>,
    errors: Vec<ContentError>,
    seen: HashSet<PathBuf>,
    /// The real paths of the directories from the top down to the one being listed.
    stack: Vec<PathBuf>,
    limits: LoadLimits,
    /// Entries looked at, and bytes of content files found, so far.
    entries: usize,
    bytes: u64,
    /// A limit was met: the walk ends, with that one problem.
    stopped: bool,
}

impl Walk {
    fn new() -> Self {
        Self {
            files: Vec::new(),
            errors: Vec::new(),
            seen: HashSet::new(),
            stack: Vec::new(),
            limits: load_limits(),
            entries: 0,
            bytes: 0,
            stopped: false,
        }
    }

    /// Ends the walk at `at`, naming the limit met and how to raise it.
    fn stop(&mut self, at: &Path, limit: &str, flag: &str) {
        self.stopped = true;
        self.errors = vec![file_error(
            &at.display().to_string(),
            format!(
                "{limit}에 걸려 읽기를 멈췄습니다: 콘텐츠 폴더가 맞는지 확인하세요 (정말 이만큼 크면 \
                 {flag}로 한도를 올리세요)"
            ),
        )];
        self.files.clear();
    }

    fn directory(&mut self, dir: &Path) {
        if self.stopped {
            return;
        }
        if self.stack.len() > self.limits.depth {
            let limit = format!("폴더 깊이 한도({}단계)", self.limits.depth);
            self.stop(dir, &limit, "--max-depth");
            return;
        }
        let real = match fs::canonicalize(dir) {
            Ok(real) => real,
            Err(err) => {
                self.errors.push(file_error(
                    &dir.display().to_string(),
                    format!(
                        "경로를 확인할 수 없습니다: {}",
                        crate::text::io_reason(&err)
                    ),
                ));
                return;
            }
        };
        if let Some(ancestor) = self.stack.iter().find(|a| **a == real) {
            self.errors.push(file_error(
                &dir.display().to_string(),
                format!(
                    "심볼릭 링크 순환: {}(으)로 되돌아갑니다 (따라가지 않음, 링크를 지우세요)",
                    crate::text::path(ancestor)
                ),
            ));
            return;
        }
        if !self.seen.insert(real.clone()) {
            return; // Another link to a directory already read: its files are in already.
        }
        let entries = match fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(err) => {
                self.errors.push(file_error(
                    &dir.display().to_string(),
                    format!("폴더를 읽을 수 없습니다: {}", crate::text::io_reason(&err)),
                ));
                return;
            }
        };
        self.stack.push(real);
        // A folder of a million entries is not listed whole to find that out.
        let room = self.limits.files.saturating_sub(self.entries);
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .take(room.saturating_add(1))
            .collect();
        paths.sort();
        for path in paths {
            if self.stopped {
                return;
            }
            self.entries += 1;
            if self.entries > self.limits.files {
                let limit = format!(
                    "파일 수 한도(파일과 폴더 {}개)",
                    crate::text::group_thousands(self.limits.files)
                );
                self.stop(dir, &limit, "--max-files");
                return;
            }
            if not_content(&path) {
                continue;
            }
            // Follows links: what matters is what the name leads to.
            match fs::metadata(&path) {
                Ok(meta) if meta.is_dir() => self.directory(&path),
                _ if path.extension().is_none_or(|ext| ext != "json") => {}
                Ok(meta) => match fs::canonicalize(&path) {
                    Ok(real) => {
                        // The same file by another name is read once.
                        if self.seen.insert(real) {
                            self.bytes = self.bytes.saturating_add(meta.len());
                            if self.bytes > self.limits.bytes() {
                                let limit = format!(
                                    "읽을 크기 한도({}MB)",
                                    crate::text::group_thousands(self.limits.megabytes)
                                );
                                self.stop(&path, &limit, "--max-mb");
                                return;
                            }
                            self.files.push(path);
                        }
                    }
                    Err(err) => self.errors.push(file_error(
                        &path.display().to_string(),
                        format!(
                            "경로를 확인할 수 없습니다: {}",
                            crate::text::io_reason(&err)
                        ),
                    )),
                },
                Err(err) => self.errors.push(file_error(
                    &path.display().to_string(),
                    format!("읽을 수 없습니다: {}", crate::text::io_reason(&err)),
                )),
            }
        }
        self.stack.pop();
    }
}

/// Hidden names (a sync's state, a writer's temporary files) and the reviews file are in a
/// content folder but are not content.
fn not_content(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| n.starts_with('.') || n == super::model::REVIEWS_FILE)
}

/// Reads a content file (or an article to import): only a regular file, only up to
/// [`MAX_FILE_BYTES`]. The type is checked before opening (opening a FIFO would wait for a
/// writer forever) and again on the opened file; the read stops at the limit whatever the
/// size said.
pub fn read_regular_file(path: &Path) -> Result<Vec<u8>, String> {
    let (file, size) = open_regular_file(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| format!("읽을 수 없습니다: {}", crate::text::io_reason(&err)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// The length and [`file_sum`] of a content file, read as [`read_regular_file`] reads it but
/// a piece at a time (nothing of it is kept).
fn sum_regular_file(path: &Path) -> Result<(u64, u64), String> {
    let (file, _) = open_regular_file(path)?;
    let mut sum = crate::checksum::Checksum::new(FILE_SEED);
    let mut reader = file.take(MAX_FILE_BYTES + 1);
    let mut piece = vec![0u8; 1 << 16];
    let mut length = 0u64;
    loop {
        let read = match reader.read(&mut piece) {
            Ok(0) => break,
            Ok(read) => read,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => {
                return Err(format!(
                    "읽을 수 없습니다: {}",
                    crate::text::io_reason(&err)
                ));
            }
        };
        sum.update(&piece[..read]);
        length += read as u64;
    }
    if length > MAX_FILE_BYTES {
        return Err(too_large(length));
    }
    Ok((length, sum.finish()))
}

fn too_large(size: u64) -> String {
    format!(
        "{size}바이트: 파일 하나의 한도 {MAX_FILE_BYTES}바이트를 넘습니다 (여러 파일로 나누세요)"
    )
}

/// A content file opened for reading, and the size it had: only a regular file (checked
/// before opening, so that a FIFO is never opened, and again on what was opened).
fn open_regular_file(path: &Path) -> Result<(fs::File, u64), String> {
    let refuse = |meta: &fs::Metadata| {
        format!(
            "{}입니다: 일반 파일에서만 읽습니다",
            crate::files::kind_of(meta)
        )
    };
    let unreadable =
        |err: std::io::Error| format!("읽을 수 없습니다: {}", crate::text::io_reason(&err));
    let meta = fs::metadata(path).map_err(unreadable)?;
    if !meta.is_file() {
        return Err(refuse(&meta));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_large(meta.len()));
    }
    let file = fs::File::open(path).map_err(unreadable)?;
    let opened = file.metadata().map_err(unreadable)?;
    if !opened.is_file() {
        return Err(refuse(&opened));
    }
    Ok((file, opened.len()))
}

fn file_error(file: &str, message: String) -> ContentError {
    ContentError {
        file: file.to_owned(),
        line: None,
        column: None,
        path: None,
        message,
    }
}

/// Whether a content file is the global synonym list rather than a guide.
fn is_synonym_file(name: &str) -> bool {
    Path::new(name)
        .file_name()
        .is_some_and(|file| file == SYNONYMS_FILE)
}

/// A parsed content file: a guide, or the global synonym list.
enum Parsed {
    Guide(Box<Guide>),
    Synonyms(SynonymList),
}

/// Parses and validates a set of files. Nothing is returned unless every file is sound.
/// Without a [`SYNONYMS_FILE`] of their own, the files get the embedded one (everyday words
/// of the help centre at large, such as 환불 for 환급).
pub fn load_sources(sources: &[SourceFile]) -> Result<Content, ContentErrors> {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    let mut lists = Vec::new();
    for (source, result) in sources.iter().zip(parse_all(sources)) {
        match result {
            Ok(Parsed::Guide(guide)) => parsed.push((source, *guide)),
            Ok(Parsed::Synonyms(list)) => lists.push((source, list)),
            Err(error) => errors.push(error),
        }
    }
    if parsed.is_empty() && errors.is_empty() {
        errors.push(file_error("(content)", "콘텐츠 파일이 없습니다".into()));
    }
    if lists.len() > 1 {
        for (source, _) in &lists[1..] {
            errors.push(file_error(
                &source.name,
                format!(
                    "{SYNONYMS_FILE} 파일이 둘 이상입니다 (처음 것: {}); 하나로 합치세요",
                    lists[0].0.name
                ),
            ));
        }
    }
    let texts: Vec<(&str, &Guide, &[u8])> = parsed
        .iter()
        .map(|(source, guide)| (source.name.as_str(), guide, source.bytes.as_slice()))
        .collect();
    errors.extend(validate(&texts));
    for (source, list) in &lists {
        errors.extend(validate_synonym_list(&source.name, list, &source.bytes));
    }
    if !errors.is_empty() {
        return Err(ContentErrors(errors));
    }
    let synonyms = match lists.into_iter().next() {
        Some((_, list)) => list,
        None => embedded_synonyms(),
    };
    let guides = parsed
        .into_iter()
        .map(|(source, guide)| LoadedGuide {
            file_name: Path::new(&source.name).file_name().map_or_else(
                || source.name.clone(),
                |name| name.to_string_lossy().into_owned(),
            ),
            path: source.name.clone(),
            sum: file_sum(&source.bytes),
            guide,
        })
        .collect();
    Ok(Content::new(guides, synonyms.synonyms))
}

/// The synonym list compiled into the binary (checked by the tests of the embedded content;
/// a build whose list does not parse falls back to none rather than refusing to start).
fn embedded_synonyms() -> SynonymList {
    embedded::EMBEDDED_FILES
        .iter()
        .find(|(name, _)| is_synonym_file(name))
        .and_then(|(_, bytes)| serde_json::from_slice(bytes).ok())
        .unwrap_or_default()
}

/// One guide's file, read and parsed on its own when it is opened: a guide of a folder that
/// loaded whole and valid before, read only while its file holds the very bytes it held then
/// (`sum`, its [`file_sum`]), whatever became of the folder's other files.
pub(super) fn read_guide(path: &Path, sum: u64) -> Result<Guide, super::Unavailable> {
    let bytes = read_regular_file(path).map_err(super::Unavailable::Unreadable)?;
    if file_sum(&bytes) != sum {
        return Err(super::Unavailable::Changed);
    }
    let source = SourceFile {
        name: path.display().to_string(),
        bytes,
    };
    parse_file(&source).map_err(|error| super::Unavailable::Unreadable(error.message))
}

/// Parses every file, in order; a large directory is spread over the machine's cores.
fn parse_all(sources: &[SourceFile]) -> Vec<Result<Parsed, ContentError>> {
    crate::parallel::in_shares(sources.len(), 1, |share| {
        sources[share]
            .iter()
            .map(|source| {
                if is_synonym_file(&source.name) {
                    parse_file(source).map(Parsed::Synonyms)
                } else {
                    parse_file(source).map(|guide| Parsed::Guide(Box::new(guide)))
                }
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

fn parse_file<T: DeserializeOwned + Serialize>(source: &SourceFile) -> Result<T, ContentError> {
    let at = |line: usize, column: usize, message: String| ContentError {
        file: source.name.clone(),
        line: Some(line),
        column: Some(column),
        path: None,
        message,
    };
    let bytes = source.bytes.as_slice();
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(at(
            1,
            1,
            "파일이 바이트 순서 표시(BOM, EF BB BF 바이트)로 시작합니다: BOM 없는 UTF-8로 저장하세요".into(),
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(at(
            1,
            1,
            "파일이 UTF-16 바이트 순서 표시(BOM)로 시작합니다: 콘텐츠 파일은 UTF-8 JSON이어야 합니다"
                .into(),
        ));
    }
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let offset = err.valid_up_to();
        let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
        let (line, column) = line_col(valid, valid.len());
        let message = match bytes.get(offset..offset + 2) {
            // ED A0..BF starts the UTF-8 form of U+D800..U+DFFF, which no text may hold.
            Some(&[0xED, second]) if second >= 0xA0 => format!(
                "바이트 위치 {offset}에 짝 없는 서로게이트(U+D800~U+DFFF)가 바이트로 들어 있습니다: 서로게이트는 글자가 아니므로 UTF-8이 아닙니다 (UTF-16이나 Java의 변형 UTF-8에서 바꾼 파일인가요?)"
            ),
            _ => format!(
                "UTF-8이 아닙니다: 바이트 위치 {offset}에 잘못된 바이트 0x{:02X} (콘텐츠 파일은 UTF-8 JSON이어야 합니다)",
                bytes.get(offset).copied().unwrap_or(0),
            ),
        };
        at(line, column, message)
    })?;
    // NFC on the raw text keeps every JSON token intact (no ASCII character composes with a
    // quote, bracket or comma) and keeps line numbers, so positions in messages stay right.
    let normalized: String;
    let text = if plainly_nfc(text) {
        text
    } else {
        normalized = text.nfc().collect();
        &normalized
    };
    // serde_json counts columns from 1 but reports 0 at the very start of a line (an error
    // at the end of a file that ends with a line break): messages always say 1 there.
    let parsed: T = serde_json::from_str(text).map_err(|err| {
        let message = if escape_before(text, err.line(), err.column()).is_some_and(is_surrogate) {
            lone_surrogate_message(&err)
        } else {
            describe_json_error(&err)
        };
        at(err.line().max(1), err.column().max(1), message)
    })?;
    if let Some((offset, length)) = overlong_text(text) {
        let (line, column) = line_col(text, offset);
        return Err(at(
            line,
            column,
            format!(
                "{length}바이트짜리 글: 글 하나의 한도 {MAX_TEXT_BYTES}바이트보다 깁니다 (여러 항목으로 나누세요)"
            ),
        ));
    }
    if text.contains("\\u") {
        // Escaped code points were not seen by the raw-text pass: normalise the parsed strings.
        return renormalize(&parsed).map_err(|err| file_error(&source.name, err));
    }
    Ok(parsed)
}

/// Whether the text is surely NFC: every character is below U+0300 (no combining marks), a
/// precomposed Hangul syllable, or a starter that is NFC on its own (①, ㄱ, 漢: it composes
/// with nothing before it, and a mark that could compose with it is not passed over), which
/// is all of most content; otherwise the full quick check decides. Saves a table lookup per
/// character of a help centre's worth of files.
fn plainly_nfc(text: &str) -> bool {
    let settled = |c: char| {
        c < '\u{300}'
            || is_syllable(c)
            || (unicode_normalization::char::canonical_combining_class(c) == 0
                && is_nfc_quick(std::iter::once(c)) == unicode_normalization::IsNormalized::Yes)
    };
    text.chars().all(settled)
        || is_nfc_quick(text.chars()) == unicode_normalization::IsNormalized::Yes
}

/// The first JSON string of `text` longer than [`MAX_TEXT_BYTES`] as written: its opening
/// quote's offset and its length. One pass: `memchr` finds each quote and backslash.
fn overlong_text(text: &str) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut pos = 0;
    loop {
        let open = pos + memchr::memchr(b'"', &bytes[pos..])?;
        let mut at = open + 1;
        let close = loop {
            let found = at + memchr::memchr2(b'"', b'\\', &bytes[at..])?;
            if bytes[found] == b'\\' {
                at = found + 2;
                if at > bytes.len() {
                    return None;
                }
            } else {
                break found;
            }
        };
        let length = close - open - 1;
        if length > MAX_TEXT_BYTES {
            return Some((open, length));
        }
        pos = close + 1;
    }
}

/// The code point of the last `\uXXXX` escape on `line` before `column`, if any: where
/// `serde_json` stops inside an escape, this says which one.
fn escape_before(text: &str, line: usize, column: usize) -> Option<u32> {
    let line = text.lines().nth(line.checked_sub(1)?)?;
    let upto: String = line.chars().take(column).collect();
    let at = upto.rfind("\\u")?;
    u32::from_str_radix(upto.get(at + 2..at + 6)?, 16).ok()
}

fn is_surrogate(code: u32) -> bool {
    (0xD800..=0xDFFF).contains(&code)
}

fn lone_surrogate_message(err: &serde_json::Error) -> String {
    let message = err.to_string();
    format!(
        "\\u 이스케이프에 짝 없는 서로게이트가 있습니다 ({}): JSON 글에는 온전한 글자만 들어갑니다. 상위 서로게이트(\\uD800~\\uDBFF) 뒤에 하위 서로게이트(\\uDC00~\\uDFFF)를 붙이거나 지우세요",
        message
            .rsplit_once(" at line ")
            .map_or(message.as_str(), |(head, _)| head)
    )
}

fn describe_json_error(err: &serde_json::Error) -> String {
    let message = err.to_string();
    if message.contains("surrogate") {
        return lone_surrogate_message(err);
    }
    // serde_json appends " at line L column C", which the location prefix already says.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head);
    match err.classify() {
        serde_json::error::Category::Eof => {
            format!("파일이 중간에 끝납니다: {message} (JSON이 잘렸나요?)")
        }
        serde_json::error::Category::Syntax => format!("잘못된 JSON: {message}"),
        serde_json::error::Category::Data => format!("예상과 다른 내용: {message}"),
        serde_json::error::Category::Io => message.to_owned(),
    }
}

fn renormalize<T: DeserializeOwned + Serialize>(parsed: &T) -> Result<T, String> {
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => *text = text.nfc().collect(),
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            serde_json::Value::Object(map) => map.values_mut().for_each(walk),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(parsed).map_err(|err| err.to_string())?;
    walk(&mut value);
    serde_json::from_value(value).map_err(|err| err.to_string())
}

#[cfg(test)]
mod tests {
    use super::plainly_nfc;

    #[test]
    fn plain_text_is_passed_and_a_mark_that_composes_is_not() {
        // Hangul, Latin, circled numbers, compatibility jamo, hanja: NFC as they stand.
        assert!(plainly_nfc("① 기본안내 ㄱㅇ SMS 漢字 ※ 참고"));
        // A combining mark after a letter (e + U+0301 composes to é), and Hangul jamo that
        // compose into a syllable: the full check decides, and they are not NFC.
        assert!(!plainly_nfc("cafe\u{301} ①"));
        assert!(!plainly_nfc("① \u{1100}\u{1161}"));
    }
}
