//! Guide content: the model, loading from the embedded assets or a directory, validation.
//!
//! Content is all-or-nothing: a set of files either loads whole and valid, or yields every
//! problem found, each naming its file and where in it.

mod catalog;
mod diff;
mod load;
pub mod locate;
pub mod model;
mod validate;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use catalog::{Catalog, GuideCard};
pub use diff::{Change, GuideChange, SentenceChange, Snapshot, diff, sentence_changes, sentences};
pub use load::{
    LoadLimits, SourceFile, Streamed, embedded_sources, file_sum, identity, load_dir,
    load_embedded, load_first_guide, load_limits, load_sources, read_dir, read_regular_file,
    set_load_limits, stream_dir,
};
pub use model::*;
pub use validate::variable_name_ok;

/// A problem with content, with as much of its place as is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentError {
    /// The file as the user named it (`assets/...` for embedded content).
    pub file: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// JSON path of the offending value, when the problem is found after parsing.
    pub path: Option<String>,
    pub message: String,
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A file's name may hold a line break or a control: it must not forge a message.
        f.write_str(&crate::text::path(std::path::Path::new(&self.file)))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        if let Some(path) = &self.path {
            write!(f, ": {path}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Every problem found in a set of content files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentErrors(pub Vec<ContentError>);

/// How many problems a message lists before it sums up the rest: enough to fix a file by,
/// few enough to read (a broken export can hold tens of thousands).
pub const ERRORS_SHOWN: usize = 100;

impl fmt::Display for ContentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, error) in self.0.iter().take(ERRORS_SHOWN).enumerate() {
            if n > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        if self.0.len() > ERRORS_SHOWN {
            write!(f, "\n… 외 {}건", self.0.len() - ERRORS_SHOWN)?;
        }
        Ok(())
    }
}

impl std::error::Error for ContentErrors {}

/// Why a guide listed in a catalog could not be opened from its folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unavailable {
    /// Its file no longer holds the bytes it held when the content was loaded (edited,
    /// replaced or moved since): the content must be loaded again, whole.
    Changed,
    /// Its file cannot be read (removed, no permission, no longer a guide), and why.
    Unreadable(String),
}

impl fmt::Display for Unavailable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Changed => f.write_str("불러온 뒤에 가이드 파일이 바뀌었습니다"),
            Self::Unreadable(why) => write!(f, "가이드 파일을 읽을 수 없습니다 ({why})"),
        }
    }
}

/// A guide together with the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedGuide {
    /// File name (no directory), kept so an export writes the same names back.
    pub file_name: String,
    /// The file as it was named when read (a content folder's path joined with it).
    pub path: String,
    /// The checksum of the file's bytes ([`file_sum`]).
    pub sum: u64,
    pub guide: Guide,
}

/// Loaded, validated content with lookups by id. Content loaded whole holds every guide;
/// content started from a [`Catalog`] reads each guide from its folder when first asked for
/// (a help centre's guides take hundreds of megabytes; an agent opens a few).
#[derive(Debug, Clone)]
pub struct Content {
    slots: Vec<Slot>,
    /// Where guides not read yet are read from (each only while its file holds the bytes its
    /// card was taken from).
    folder: Option<Folder>,
    /// Computed when first asked for (it hashes all content; searching never needs it), or
    /// taken from the catalog.
    version: OnceLock<String>,
    /// Each sentence some rule cites, and the guide that holds it.
    lookups: Lookups,
    /// The help centre's everyday words for the guides' words (each guide adds its own).
    synonyms: Vec<Synonym>,
    /// The guides read from the folder, in the order they were read (those that may be let
    /// go, the longest read first).
    read_order: ReadOrder,
}

/// The folder a catalog's guides are read from, as the catalog knew it: one snapshot. A
/// guide is read only from a file whose bytes have the checksum on its card (taken with the
/// catalog): a change anywhere else in the folder (a `touch`, another guide edited, a file
/// added) leaves every other guide readable, and a guide whose own file changed is never
/// read as it is now into a console whose index and lists hold it as it was, even when the
/// edit kept the file's size and modification time.
#[derive(Debug, Clone)]
struct Folder {
    dir: PathBuf,
}

/// Guides in the order they were read, and how many reads there have been.
#[derive(Debug, Default)]
struct ReadOrder {
    order: std::sync::Mutex<Vec<usize>>,
    reads: std::sync::atomic::AtomicU64,
}

impl Clone for ReadOrder {
    fn clone(&self) -> Self {
        Self {
            order: std::sync::Mutex::new(
                self.order
                    .lock()
                    .map(|order| order.clone())
                    .unwrap_or_default(),
            ),
            reads: std::sync::atomic::AtomicU64::new(self.reads()),
        }
    }
}

impl ReadOrder {
    fn reads(&self) -> u64 {
        self.reads.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// One guide: what lists show of it, and the guide once read.
#[derive(Debug, Clone)]
struct Slot {
    card: GuideCard,
    file_name: String,
    /// `Some(Err(_))`: reading it failed, and why (its file changed since the catalog was
    /// taken, or no longer reads). Content loaded again (a new snapshot) starts over.
    guide: OnceLock<Result<Guide, Unavailable>>,
}

/// What content looks up by id without reading guides: which guide holds each sentence some
/// rule cites, and each SMS template (with its place there).
#[derive(Debug, Clone, Default)]
pub(crate) struct Lookups {
    pub(crate) cited: HashMap<String, usize>,
    pub(crate) templates: HashMap<String, (usize, usize)>,
}

impl Lookups {
    /// Adds guide `guide_index`: its sentences that are `wanted` (cited by some rule of the
    /// content; the first guide holding one keeps it) and its templates.
    pub(crate) fn add(&mut self, guide_index: usize, guide: &Guide, wanted: &HashSet<&str>) {
        let items = guide.citable_items().map(|item| item.id.as_str());
        let events = guide
            .schedule
            .iter()
            .flat_map(|s| &s.events)
            .map(|event| event.id.as_str());
        for id in items.chain(events).filter(|id| wanted.contains(id)) {
            self.cited.entry(id.to_owned()).or_insert(guide_index);
        }
        for (template_index, template) in guide.sms_templates.iter().enumerate() {
            self.templates
                .insert(template.id.clone(), (guide_index, template_index));
        }
    }

    /// Puts a later share's lookups after these (the earlier guide keeps a cited sentence).
    pub(crate) fn append(&mut self, later: Self) {
        for (id, guide) in later.cited {
            self.cited.entry(id).or_insert(guide);
        }
        self.templates.extend(later.templates);
    }
}

/// A sentence that rules can cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub guide: usize,
    pub text: String,
}

impl PartialEq for Content {
    fn eq(&self, other: &Self) -> bool {
        self.guide_count() == other.guide_count() && self.guides().eq(other.guides())
    }
}

impl Content {
    /// Builds lookups over already validated guides.
    fn new(guides: Vec<LoadedGuide>, synonyms: Vec<Synonym>) -> Self {
        // Only sentences that some rule cites are looked up by id; a help centre's worth of
        // content has far more items than citations.
        let wanted: HashSet<&str> = guides
            .iter()
            .flat_map(|loaded| &loaded.guide.rules)
            .flat_map(|rule| &rule.sources)
            .map(String::as_str)
            .collect();
        let mut lookups = Lookups::default();
        for (guide_index, loaded) in guides.iter().enumerate() {
            lookups.add(guide_index, &loaded.guide, &wanted);
        }
        let slots = guides
            .into_iter()
            .map(|loaded| Slot {
                card: GuideCard::of(loaded.path, &loaded.guide, loaded.sum),
                file_name: loaded.file_name,
                guide: OnceLock::from(Ok(loaded.guide)),
            })
            .collect();
        Self {
            slots,
            folder: None,
            version: OnceLock::new(),
            lookups,
            synonyms,
            read_order: ReadOrder::default(),
        }
    }

    /// Content of the folder `dir` as `catalog` lists it: each guide is read when first
    /// asked for, from a file that still holds the bytes its card was taken from.
    pub fn from_catalog(catalog: &Catalog, dir: &Path, synonyms: Vec<Synonym>) -> Self {
        let slots = catalog
            .guides
            .iter()
            .map(|card| {
                let file_name = Path::new(&card.path).file_name().map_or_else(
                    || card.path.clone(),
                    |name| name.to_string_lossy().into_owned(),
                );
                Slot {
                    card: card.clone(),
                    file_name,
                    guide: OnceLock::new(),
                }
            })
            .collect();
        Self {
            slots,
            folder: Some(Folder {
                dir: dir.to_path_buf(),
            }),
            version: OnceLock::from(catalog.version.clone()),
            lookups: Lookups {
                cited: catalog.cited_map(),
                templates: catalog.template_map(),
            },
            synonyms,
            read_order: ReadOrder::default(),
        }
    }

    /// The global synonym list (each guide's own is [`Guide::synonyms`]).
    pub fn synonyms(&self) -> &[Synonym] {
        &self.synonyms
    }

    /// Every guide, in order (each read now if it was not: for the command line, and for
    /// content loaded whole).
    pub fn guides(&self) -> impl Iterator<Item = &Guide> {
        (0..self.slots.len()).filter_map(|g| self.guide(g))
    }

    /// Every guide with its file name, in order (read now if it was not).
    pub fn files(&self) -> impl Iterator<Item = (&str, &Guide)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(g, slot)| Some((slot.file_name.as_str(), self.guide(g)?)))
    }

    /// How many guides there are (read or not).
    pub fn guide_count(&self) -> usize {
        self.slots.len()
    }

    /// What lists show of each guide, without reading any.
    pub fn cards(&self) -> impl ExactSizeIterator<Item = &GuideCard> {
        self.slots.iter().map(|slot| &slot.card)
    }

    pub fn card(&self, index: usize) -> Option<&GuideCard> {
        self.slots.get(index).map(|slot| &slot.card)
    }

    /// Guide `index`, read from its file the first time when the content started from a
    /// catalog (`None` when there is no such guide, or its file no longer reads as it did).
    pub fn guide(&self, index: usize) -> Option<&Guide> {
        let slot = self.slots.get(index)?;
        slot.guide
            .get_or_init(|| {
                let read = self.read(slot);
                if read.is_ok()
                    && let Ok(mut order) = self.read_order.order.lock()
                {
                    order.push(index);
                    self.read_order
                        .reads
                        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                }
                read
            })
            .as_ref()
            .ok()
    }

    /// Why guide `index` could not be opened, once an attempt failed (see [`Unavailable`]).
    pub fn unavailable(&self, index: usize) -> Option<&Unavailable> {
        self.slots
            .get(index)
            .and_then(|slot| slot.guide.get())
            .and_then(|read| read.as_ref().err())
    }

    /// The folder the guides are read from, for content listed by a catalog.
    pub fn folder(&self) -> Option<&std::path::Path> {
        self.folder.as_ref().map(|folder| folder.dir.as_path())
    }

    /// Lets go of the guides read from the folder but the `kept` read last and guide `shown`:
    /// each is read again when next asked for. An agent opens guides all day (each a few
    /// megabytes parsed); this keeps what they hold bounded. Content loaded whole keeps every
    /// guide (there is no folder to read them again from).
    pub fn let_go_of_guides(&mut self, kept: usize, shown: usize) {
        let order = match self.read_order.order.get_mut() {
            Ok(order) => order,
            Err(poisoned) => poisoned.into_inner(),
        };
        if order.len() <= kept {
            return;
        }
        let (old, recent) = order.split_at(order.len() - kept);
        let (mut stays, goes): (Vec<usize>, Vec<usize>) =
            old.iter().partition(|&&guide| guide == shown);
        stays.extend_from_slice(recent);
        *order = stays;
        for guide in goes {
            if let Some(slot) = self.slots.get_mut(guide) {
                slot.guide.take();
            }
        }
    }

    /// How many times a guide has been read from the folder (it changes whenever the guides
    /// held may have: one read, or one let go and read again).
    pub fn guide_reads(&self) -> u64 {
        self.read_order.reads()
    }

    /// The guides read so far (from a catalog, those opened), in order.
    pub fn read_guides(&self) -> impl Iterator<Item = &Guide> {
        self.slots
            .iter()
            .filter_map(|slot| slot.guide.get().and_then(|read| read.as_ref().ok()))
    }

    /// Whether guide `index` has been read.
    pub fn is_read(&self, index: usize) -> bool {
        self.slots
            .get(index)
            .is_some_and(|slot| slot.guide.get().is_some_and(Result::is_ok))
    }

    /// A guide not read yet, from its folder, while its file holds the bytes the catalog
    /// was taken from: content that changed under a running console is never read half old
    /// and half new (the console loads it again whole), and a touch changes nothing.
    fn read(&self, slot: &Slot) -> Result<Guide, Unavailable> {
        let Some(folder) = self.folder.as_ref() else {
            return Err(Unavailable::Changed);
        };
        let guide = load::read_guide(&folder.dir.join(&slot.card.path), slot.card.sum)?;
        if guide.id == slot.card.id {
            Ok(guide)
        } else {
            Err(Unavailable::Changed)
        }
    }

    /// Guide `index` for a pass over every guide: the one held, or else read from its file
    /// for the caller alone (not kept: a pass over a help centre must not hold it whole).
    pub fn peek_guide(&self, index: usize) -> Option<std::borrow::Cow<'_, Guide>> {
        let slot = self.slots.get(index)?;
        match slot.guide.get() {
            Some(held) => held.as_ref().ok().map(std::borrow::Cow::Borrowed),
            None => self.read(slot).ok().map(std::borrow::Cow::Owned),
        }
    }

    /// The index of the guide whose id is `id` (without reading any).
    pub fn guide_index(&self, id: &str) -> Option<usize> {
        self.slots.iter().position(|slot| slot.card.id == id)
    }

    pub fn guide_by_id(&self, id: &str) -> Option<&Guide> {
        self.guide(self.guide_index(id)?)
    }

    /// A short fingerprint of the content, recorded with every SMS sent.
    pub fn version(&self) -> &str {
        self.version.get_or_init(|| content_version(self))
    }

    /// The text of a sentence some rule cites (an item or a schedule line), by id.
    pub fn sentence(&self, id: &str) -> Option<Citation> {
        let guide_index = *self.lookups.cited.get(id)?;
        let text = self.guide(guide_index)?.cited_sentence(id)?;
        Some(Citation {
            guide: guide_index,
            text,
        })
    }

    pub fn template(&self, id: &str) -> Option<(&Guide, &SmsTemplate)> {
        let (guide_index, template_index) = *self.lookups.templates.get(id)?;
        let guide = self.guide(guide_index)?;
        Some((guide, guide.sms_templates.get(template_index)?))
    }

    /// Every SMS template, in content order, with its guide.
    pub fn templates(&self) -> impl Iterator<Item = (&Guide, &SmsTemplate)> {
        self.guides()
            .flat_map(|guide| guide.sms_templates.iter().map(move |t| (guide, t)))
    }
}

impl Guide {
    /// Every item of the guide that a rule may cite: notes and answer sections.
    pub fn citable_items(&self) -> impl Iterator<Item = &Item> {
        self.notes.iter().flat_map(|section| &section.items).chain(
            self.qa
                .iter()
                .flat_map(|qa| &qa.sections)
                .flat_map(|section| &section.items),
        )
    }

    pub fn link(&self, id: &str) -> Option<&Link> {
        self.links.iter().find(|link| link.id == id)
    }

    pub fn rule(&self, id: &str) -> Option<&Rule> {
        self.rules.iter().find(|rule| rule.id == id)
    }

    /// The category path as the ticket form shows it.
    pub fn category_path(&self) -> String {
        self.category.join(" ▶ ")
    }

    /// The handling order as the guide writes it.
    pub fn handling_order_line(&self) -> String {
        self.handling_order
            .iter()
            .map(|step| step.label.as_str())
            .collect::<Vec<_>>()
            .join(" ▶ ")
    }

    /// The text of the sentence `id` as a rule cites it: an item as shown, or a schedule
    /// line.
    pub fn cited_sentence(&self, id: &str) -> Option<String> {
        self.citable_items()
            .find(|item| item.id == id)
            .map(|item| self.item_text(item))
            .or_else(|| {
                self.schedule
                    .iter()
                    .flat_map(|s| &s.events)
                    .find(|event| event.id == id)
                    .map(ScheduleEvent::line)
            })
    }

    /// An item's text as shown: a link item shows its link's address, or that it has none.
    pub fn item_text(&self, item: &Item) -> String {
        self.item_shown(item).into_owned()
    }

    /// [`Guide::item_text`], borrowed where it is the item's own text (most items).
    pub fn item_shown<'a>(&self, item: &'a Item) -> std::borrow::Cow<'a, str> {
        match (item.kind, item.link.as_deref().and_then(|id| self.link(id))) {
            (ItemKind::Link, Some(link)) => {
                std::borrow::Cow::Owned(format!("{}: {}", item.text, link.display_target()))
            }
            _ => std::borrow::Cow::Borrowed(&item.text),
        }
    }
}

impl Link {
    /// The address, or the guide's placeholder words and a plain note that no address is given.
    pub fn display_target(&self) -> String {
        match (&self.url, &self.placeholder) {
            (Some(url), _) => url.clone(),
            (None, Some(placeholder)) => format!("({placeholder} · 주소 없음)"),
            (None, None) => "(주소 없음)".to_owned(),
        }
    }
}

/// A guide's fingerprint with its import stamp left out: an importer records it, and a
/// guide whose fingerprint no longer matches its stamp was edited after the import.
pub fn fingerprint(guide: &Guide) -> String {
    let mut unstamped = guide.clone();
    if let Some(source) = &mut unstamped.source {
        source.imported_hash.clear();
    }
    fnv(serde_json::to_string(&unstamped)
        .unwrap_or_default()
        .bytes())
}

/// FNV-1a, as the fingerprints already written into imported guides were made.
/// A short fingerprint of a text (FNV-1a, hexadecimal).
pub fn fingerprint_text(text: &str) -> String {
    fnv(text.bytes())
}

fn fnv(bytes: impl Iterator<Item = u8>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// A checksum of each guide's canonical JSON (guides hashed on every core), then of those
/// checksums in order: stable across runs and machines, and the same for content exported
/// and read back. The fast checksum rather than a byte-at-a-time hash: a help centre's
/// guides are hundreds of megabytes of JSON, hashed while a first start stores its index.
fn content_version(content: &Content) -> String {
    let count = content.guide_count();
    let sums = crate::parallel::in_shares(count, 4, |share| {
        share
            .map(|g| guide_sum(content.guide(g)))
            .collect::<Vec<_>>()
    });
    version_of(sums.into_iter().flatten())
}

const VERSION_SEED: u64 = 0x636f_6e74_656e_7476;

/// One guide's part of the content's version: a checksum of its canonical JSON (of nothing,
/// for a guide that could not be read).
pub(crate) fn guide_sum(guide: Option<&Guide>) -> u64 {
    // Hashed as it is written, a buffer at a time: no copy of the guide's JSON.
    let mut sum = ChecksumWriter(crate::checksum::Checksum::new(VERSION_SEED));
    if let Some(guide) = guide {
        let mut buffered = std::io::BufWriter::with_capacity(1 << 16, &mut sum);
        let _ = serde_json::to_writer(&mut buffered, guide);
        let _ = std::io::Write::flush(&mut buffered);
    }
    sum.0.finish()
}

/// The content's version from its guides' sums, in content order.
pub(crate) fn version_of(sums: impl Iterator<Item = u64>) -> String {
    let mut all = crate::checksum::Checksum::new(VERSION_SEED);
    for sum in sums {
        all.update(&sum.to_le_bytes());
    }
    format!("{:016x}", all.finish())
}

/// A checksum of the bytes written to it.
struct ChecksumWriter(crate::checksum::Checksum);

impl std::io::Write for ChecksumWriter {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.update(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
