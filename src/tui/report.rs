//! What drawing a frame settled, handed back to the app after the frame: where each pane
//! and list was drawn (for the mouse), and how far each scrolled text could really scroll.

use ratatui::layout::{Position, Rect};

use super::command::Pane;

/// Where things were drawn in the last frame.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Hitboxes {
    pub panes: Vec<(Pane, Rect)>,
    /// Each pane's list: its area and the index of its first visible row.
    pub lists: Vec<(Pane, Rect, usize)>,
    /// Each pane's scrolling text.
    pub texts: Vec<(Pane, Rect)>,
}

impl Hitboxes {
    pub fn pane_area(&self, pane: Pane) -> Option<Rect> {
        self.panes.iter().find(|(p, _)| *p == pane).map(|(_, r)| *r)
    }

    /// The pane under a point.
    pub fn pane_at(&self, at: Position) -> Option<Pane> {
        self.panes
            .iter()
            .find(|(_, area)| area.contains(at))
            .map(|(pane, _)| *pane)
    }

    /// Whether a point is over `pane`'s scrolling text.
    pub fn over_text(&self, pane: Pane, at: Position) -> bool {
        self.texts
            .iter()
            .any(|(p, area)| *p == pane && area.contains(at))
    }

    /// The row of `pane`'s list under a point.
    pub fn list_row(&self, pane: Pane, at: Position) -> Option<usize> {
        self.lists
            .iter()
            .find(|(p, area, _)| *p == pane && area.contains(at))
            .map(|(_, area, first)| first + usize::from(at.y - area.y))
    }
}

/// How a pane came out in a frame.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct PaneDrawn {
    /// The list's area and its first visible row, where the pane has a list.
    pub list: Option<(Rect, usize)>,
    /// The scroll shown (clamped to the text).
    pub scroll: u16,
    /// The area of the text that scrolls (the mouse wheel scrolls it there).
    pub text: Option<Rect>,
}

/// Everything a frame hands back.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FrameReport {
    /// The terminal was too small to show the console (only quitting works then).
    pub too_small: bool,
    pub hitboxes: Hitboxes,
    /// The scroll shown per pane drawn.
    pub scrolls: Vec<(Pane, u16)>,
}

impl FrameReport {
    pub fn pane(&mut self, pane: Pane, area: Rect, drawn: PaneDrawn) {
        self.hitboxes.panes.push((pane, area));
        if let Some((list, first)) = drawn.list {
            self.hitboxes.lists.push((pane, list, first));
        }
        if let Some(text) = drawn.text {
            self.hitboxes.texts.push((pane, text));
        }
        self.scrolls.push((pane, drawn.scroll));
    }
}
