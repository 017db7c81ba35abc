//! Pieces every pane draws with: its frame, a text that scrolls under a pinned head, and
//! the terminal cursor in a text field. Drawing only reads: what it settles (how far a text
//! could scroll, where a list was drawn) it returns.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use super::theme::Theme;

/// A pane's frame: thick and accented when it has the keyboard.
pub fn pane_block(theme: Theme, number: usize, title: &str, focused: bool) -> Block<'static> {
    let style = if focused { theme.accent() } else { theme.dim() };
    Block::new()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(style)
        .title(Span::styled(
            format!(" {number} {title} "),
            if focused {
                theme.accent()
            } else {
                theme.strong()
            },
        ))
}

/// Draws a pane's frame over `area` and returns the inside.
pub fn framed(
    frame: &mut Frame<'_>,
    area: Rect,
    theme: Theme,
    number: usize,
    title: &str,
    focused: bool,
) -> Rect {
    let block = pane_block(theme, number, title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    inner
}

/// Draws `lines` in `area`: the first `pinned` always in view (a list, a form), the rest
/// scrolled by `scroll`. Returns the scroll actually shown: as asked, or less where the text
/// ends first (the last line comes up to the bottom and no further). Lines are taken from
/// the iterator only down to the bottom of the view, so a pane over a long guide wraps what
/// is seen and what lies above it, never the rest.
pub fn draw_scrolled(
    frame: &mut Frame<'_>,
    area: Rect,
    lines: impl IntoIterator<Item = Line<'static>>,
    pinned: usize,
    scroll: u16,
) -> u16 {
    let height = usize::from(area.height);
    let mut lines = lines.into_iter();
    let mut shown: Vec<Line<'static>> = lines.by_ref().take(pinned).collect();
    let rows = height.saturating_sub(shown.len());
    // The last `rows` lines read, of at most scroll + rows: the view, or (when the text ends
    // first) the view scrolled as far as it goes.
    let mut window = std::collections::VecDeque::with_capacity(rows);
    let mut read: usize = 0;
    for line in lines.take(usize::from(scroll) + rows) {
        read += 1;
        if rows > 0 {
            if window.len() == rows {
                window.pop_front();
            }
            window.push_back(line);
        }
    }
    shown.truncate(height);
    shown.extend(window);
    frame.render_widget(Paragraph::new(shown), area);
    scroll.min(u16::try_from(read.saturating_sub(rows)).unwrap_or(u16::MAX))
}

/// Puts the terminal cursor at `(x, y)` when it lies inside `area` (so the IME composes there).
pub fn place_cursor(frame: &mut Frame<'_>, area: Rect, x: u16, y: u16) {
    if x < area.right() && y < area.bottom() {
        frame.set_cursor_position(Position::new(x, y));
    }
}
