//! Where each text segment of an article went, and what the import warns about: the
//! report's account that nothing was lost silently.
//!
//! A segment is a line of text as an agent reads it (a paragraph's line, a list item's
//! line, a code line, a table cell). The readers say where each block's segments went;
//! a block they left unsaid is kept as text by [`Ledger::unaccounted`], so an oversight in a
//! reader still loses nothing.

use serde::Serialize;

use super::blocks::Block;

/// Where a segment went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Destination {
    /// The guide's heading and title.
    Title,
    /// The template's guide part: category path, handling order, link slots.
    Guide,
    /// A section of the guide's notes.
    Section,
    /// A question or its answer.
    Qa,
    /// An SMS template.
    Sms,
    /// The schedule.
    Schedule,
    /// Kept as text in the notes, where no structure took it.
    Text,
}

/// How many segments an article had, and where they went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Segments {
    pub total: usize,
    pub title: usize,
    pub guide: usize,
    pub section: usize,
    pub qa: usize,
    pub sms: usize,
    pub schedule: usize,
    pub text: usize,
}

impl Segments {
    fn add(&mut self, destination: Destination, count: usize) {
        let slot = match destination {
            Destination::Title => &mut self.title,
            Destination::Guide => &mut self.guide,
            Destination::Section => &mut self.section,
            Destination::Qa => &mut self.qa,
            Destination::Sms => &mut self.sms,
            Destination::Schedule => &mut self.schedule,
            Destination::Text => &mut self.text,
        };
        *slot += count;
    }

    /// Segments that went somewhere (all of them, unless a reader dropped a marker line
    /// such as a bare `A.`).
    pub fn placed(&self) -> usize {
        self.title + self.guide + self.section + self.qa + self.sms + self.schedule + self.text
    }
}

/// Something the import did other than the obvious, with where in the source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    pub message: String,
}

/// The account being kept while an article is read.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// Segments placed, per block index.
    placed: Vec<usize>,
    pub segments: Segments,
    pub warnings: Vec<Warning>,
}

impl Ledger {
    pub fn new(blocks: &[Block]) -> Self {
        let count = blocks.iter().map(|b| b.index + 1).max().unwrap_or(0);
        let total = blocks.iter().map(|b| b.texts().len()).sum();
        Self {
            placed: vec![0; count],
            segments: Segments {
                total,
                ..Segments::default()
            },
            warnings: Vec::new(),
        }
    }

    /// All the block's segments went to `destination`.
    pub fn place(&mut self, block: &Block, destination: Destination) {
        let count = block.texts().len();
        self.place_some(block, destination, count);
    }

    /// `count` of the block's segments went to `destination`.
    pub fn place_some(&mut self, block: &Block, destination: Destination, count: usize) {
        if count == 0 {
            return;
        }
        if let Some(slot) = self.placed.get_mut(block.index) {
            *slot += count;
        }
        self.segments.add(destination, count);
    }

    pub fn warn(&mut self, block: Option<&Block>, message: impl Into<String>) {
        self.warnings.push(Warning {
            place: block.and_then(Block::place),
            message: message.into(),
        });
    }

    /// Blocks with text of which no segment was placed.
    pub fn unaccounted<'b>(&self, blocks: &'b [Block]) -> Vec<&'b Block> {
        let mut seen = vec![false; self.placed.len()];
        blocks
            .iter()
            .filter(|block| {
                let Some(seen) = seen.get_mut(block.index) else {
                    return false;
                };
                let first = !std::mem::replace(seen, true);
                first && self.placed[block.index] == 0 && !block.texts().is_empty()
            })
            .collect()
    }
}
