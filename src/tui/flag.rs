//! `f`: the agent flags a sentence of the answer shown (a line of a script, a note, a row of
//! a policy table) to the content team, with a short reason (`틀림`, `오래됨`, `헷갈림`, or
//! typed). The flag is an event of the log like any other: it goes to the team's database
//! with the rest, and the report lists the sentences flagged with their reasons.
//!
//! While a flag is being made it has the keyboard ([`super::keymap::Layer::Flag`]): ↑↓ choose
//! the sentence (the answer marks it), Tab goes through the offered reasons, what is typed is
//! the reason, Enter records the flag, Esc drops it.

use crossterm::event::KeyEvent;

use super::keymap::Action;
use super::line_editor::{FieldKind, LineEditor};
use crate::content::{Guide, Qa};

/// The reasons Tab offers, in turn; anything else is typed.
pub const REASONS: [&str; 3] = ["틀림", "오래됨", "헷갈림"];

/// A sentence of the answer: its content id and its text as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sentence {
    pub id: String,
    pub text: String,
}

/// A flag being made.
#[derive(Debug)]
pub struct Flagging {
    pub guide_id: String,
    /// The answer's sentences, in the order the answer shows them.
    pub sentences: Vec<Sentence>,
    /// The sentence chosen.
    pub at: usize,
    pub reason: LineEditor,
    /// The sentence the answer marked before (a search hit's), marked again after.
    pub previous_mark: Option<String>,
}

/// What a key did to the flag being made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlagKey {
    /// The reason changed, or nothing did.
    Typed,
    /// Another sentence is chosen (the answer marks it).
    Moved,
    /// Record the flag.
    Send,
    /// Drop it.
    Cancel,
}

impl Flagging {
    /// A flag of a sentence of `qa`, starting on `mark` when it is one of the answer's (the
    /// sentence a search hit pointed into), else on the first. `None` when the answer has no
    /// sentence.
    pub fn start(guide: &Guide, qa: &Qa, mark: Option<&str>) -> Option<Self> {
        let sentences: Vec<Sentence> = qa
            .sections
            .iter()
            .flat_map(|section| &section.items)
            .map(|item| Sentence {
                id: item.id.clone(),
                text: guide.item_text(item),
            })
            .collect();
        if sentences.is_empty() {
            return None;
        }
        let at = mark
            .and_then(|mark| sentences.iter().position(|s| s.id == mark))
            .unwrap_or(0);
        Some(Self {
            guide_id: guide.id.clone(),
            sentences,
            at,
            reason: LineEditor::new(FieldKind::Reason),
            previous_mark: mark.map(str::to_owned),
        })
    }

    pub fn sentence(&self) -> Option<&Sentence> {
        self.sentences.get(self.at)
    }

    /// The reason given, if any (trimmed).
    pub fn reason(&self) -> Option<String> {
        let reason = self.reason.text().trim();
        (!reason.is_empty()).then(|| reason.to_owned())
    }

    /// A key while the flag has the keyboard (`action` is what the key table reads in it).
    pub fn key(&mut self, action: Option<Action>, key: &KeyEvent) -> FlagKey {
        match action {
            Some(Action::Down) => {
                self.at = (self.at + 1).min(self.sentences.len().saturating_sub(1));
                FlagKey::Moved
            }
            Some(Action::Up) => {
                self.at = self.at.saturating_sub(1);
                FlagKey::Moved
            }
            Some(Action::Toggle) => {
                self.next_reason();
                FlagKey::Typed
            }
            Some(Action::Save) => FlagKey::Send,
            Some(Action::Back) => FlagKey::Cancel,
            _ => {
                self.reason.handle(key);
                FlagKey::Typed
            }
        }
    }

    /// The next offered reason after the one in the field (the first after a typed one; none
    /// after the last, to type one).
    fn next_reason(&mut self) {
        let now = self.reason.text().trim();
        let next = REASONS
            .iter()
            .position(|reason| *reason == now)
            .map_or(0, |at| at + 1);
        match REASONS.get(next) {
            Some(reason) => self.reason.set(reason),
            None => self.reason.clear(),
        }
    }
}
