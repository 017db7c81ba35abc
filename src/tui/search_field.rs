//! The search line above the panes: its editor, the results of what is typed, and the hit
//! selected. The app runs the search; the Q&A pane shows the hits.

use super::line_editor::{FieldKind, LineEditor};
use crate::search::SearchResults;

/// How far PgUp/PgDn move in the hit list.
pub const HIT_PAGE: usize = 10;

#[derive(Debug)]
pub struct SearchState {
    /// The field has the keyboard.
    pub active: bool,
    pub query: LineEditor,
    pub results: SearchResults,
    /// Rank of the selected hit.
    pub selected: usize,
}

impl Default for SearchState {
    fn default() -> Self {
        Self {
            active: false,
            query: LineEditor::new(FieldKind::Search),
            results: SearchResults::default(),
            selected: 0,
        }
    }
}

impl SearchState {
    /// A query is typed: the Q&A pane lists hits instead of questions.
    pub fn searching(&self) -> bool {
        !self.query.text().trim().is_empty()
    }
}
