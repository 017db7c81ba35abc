//! Guide content: the model, loading from the embedded assets or a directory, validation.
//!
//! Content is all-or-nothing: a set of files either loads whole and valid, or yields every
//! problem found, each naming its file and where in it.

mod load;
pub mod locate;
pub mod model;
mod validate;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::OnceLock;

pub use load::{
    SourceFile, embedded_sources, identity, load_dir, load_embedded, load_first_guide,
    load_sources, read_dir, read_regular_file,
};
pub use model::*;

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
        f.write_str(&self.file)?;
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

/// A guide together with the file it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedGuide {
    /// File name (no directory), kept so an export writes the same names back.
    pub file_name: String,
    pub guide: Guide,
}

/// Loaded, validated content with lookups by id.
#[derive(Debug, Clone)]
pub struct Content {
    guides: Vec<LoadedGuide>,
    /// Computed when first asked for (it hashes all content; searching never needs it).
    version: OnceLock<String>,
    sentences: HashMap<String, Citation>,
    templates: HashMap<String, (usize, usize)>,
    /// The help centre's everyday words for the guides' words (each guide adds its own).
    synonyms: Vec<Synonym>,
}

/// A sentence that rules can cite.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    pub guide: usize,
    pub text: String,
}

impl PartialEq for Content {
    fn eq(&self, other: &Self) -> bool {
        self.guides == other.guides
    }
}

impl Content {
    /// Builds lookups over already validated guides.
    fn new(guides: Vec<LoadedGuide>, synonyms: Vec<Synonym>) -> Self {
        // Only sentences that some rule cites are looked up by id; a help centre's worth of
        // content has far more items than citations, so the others are not copied.
        let cited: HashSet<&str> = guides
            .iter()
            .flat_map(|loaded| &loaded.guide.rules)
            .flat_map(|rule| &rule.sources)
            .map(String::as_str)
            .collect();
        let mut sentences = HashMap::new();
        let mut templates = HashMap::new();
        for (guide_index, loaded) in guides.iter().enumerate() {
            let guide = &loaded.guide;
            for item in guide.citable_items() {
                if cited.contains(item.id.as_str()) {
                    sentences.insert(
                        item.id.clone(),
                        Citation {
                            guide: guide_index,
                            text: guide.item_text(item),
                        },
                    );
                }
            }
            for event in guide.schedule.iter().flat_map(|s| &s.events) {
                if cited.contains(event.id.as_str()) {
                    sentences.insert(
                        event.id.clone(),
                        Citation {
                            guide: guide_index,
                            text: event.line(),
                        },
                    );
                }
            }
            for (template_index, template) in guide.sms_templates.iter().enumerate() {
                templates.insert(template.id.clone(), (guide_index, template_index));
            }
        }
        Self {
            guides,
            version: OnceLock::new(),
            sentences,
            templates,
            synonyms,
        }
    }

    /// The global synonym list (each guide's own is [`Guide::synonyms`]).
    pub fn synonyms(&self) -> &[Synonym] {
        &self.synonyms
    }

    pub fn guides(&self) -> impl ExactSizeIterator<Item = &Guide> {
        self.guides.iter().map(|loaded| &loaded.guide)
    }

    pub fn loaded_guides(&self) -> &[LoadedGuide] {
        &self.guides
    }

    pub fn guide(&self, index: usize) -> Option<&Guide> {
        self.guides.get(index).map(|loaded| &loaded.guide)
    }

    pub fn guide_by_id(&self, id: &str) -> Option<&Guide> {
        self.guides().find(|guide| guide.id == id)
    }

    /// A short fingerprint of the content, recorded with every SMS sent.
    pub fn version(&self) -> &str {
        self.version.get_or_init(|| content_version(&self.guides))
    }

    /// The text of a citable sentence (an item or a schedule line) by id.
    pub fn sentence(&self, id: &str) -> Option<&Citation> {
        self.sentences.get(id)
    }

    pub fn template(&self, id: &str) -> Option<(&Guide, &SmsTemplate)> {
        let (guide_index, template_index) = *self.templates.get(id)?;
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

fn fnv(bytes: impl Iterator<Item = u8>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// FNV-1a over the canonical JSON of the guides: stable across runs and machines.
fn content_version(guides: &[LoadedGuide]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for loaded in guides {
        let json = serde_json::to_string(&loaded.guide).unwrap_or_default();
        for byte in json.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}
