//! The four panes. Each owns its state, handles keys and clicks against a read-only
//! [`Context`] and answers with an [`Outcome`]: not for me, or consumed with commands for the
//! app to apply. Drawing reads the pane and the context and reports what it settled.
//!
//! To add a pane: a file here with a state type offering `handle`, `click` and `draw` in this
//! shape, a [`Pane`](super::command::Pane) variant, a field in `App`, and its place in
//! `ui::draw_frame`'s layout.

pub mod category;
pub mod qa;
pub mod rule_form;
pub mod templates;

use chrono::{DateTime, FixedOffset};

use super::command::{Command, Step};
use super::search_field::SearchState;
use super::theme::Theme;
use crate::content::{Content, Guide, Qa, StepFocus};
use crate::rules::Policy;
use crate::search::SearchIndex;

/// What a pane may see of the rest of the console.
#[derive(Clone, Copy)]
pub struct Context<'a> {
    pub content: &'a Content,
    pub index: &'a SearchIndex,
    pub search: &'a SearchState,
    /// The entries this agent pinned (content ids).
    pub pinned: &'a std::collections::BTreeSet<String>,
    /// The guide shown.
    pub guide: usize,
    /// The question selected in the guide shown.
    pub qa: usize,
    pub step: Step,
    pub now: DateTime<FixedOffset>,
    pub theme: Theme,
}

impl<'a> Context<'a> {
    pub fn current_guide(&self) -> Option<&'a Guide> {
        self.content.guide(self.guide)
    }

    pub fn current_qa(&self) -> Option<&'a Qa> {
        self.current_guide()?.qa.get(self.qa)
    }

    /// What the current step puts in front of the agent (by the guide's handling order).
    pub fn step_focus(&self) -> StepFocus {
        self.current_guide()
            .and_then(|g| g.handling_order.get(self.step.index()))
            .map_or(StepFocus::Questions, |step| {
                step.focus_at(self.step.index())
            })
    }

    pub fn policy(&self) -> Option<Policy<'a>> {
        let content = self.content;
        self.current_guide().map(|guide| Policy::of(content, guide))
    }
}

/// A pane's answer to a key or a click.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Not a key for this pane: the app may use it.
    Ignored,
    /// Taken, with what should happen beyond the pane (often nothing).
    Consumed(Vec<Command>),
}

impl Outcome {
    pub fn done() -> Self {
        Self::Consumed(Vec::new())
    }

    pub fn command(command: Command) -> Self {
        Self::Consumed(vec![command])
    }
}
