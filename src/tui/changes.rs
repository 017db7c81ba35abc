//! What changed in the content while the console ran, and the `바뀐 가이드` view over it:
//! the guides added, removed and changed, and in each changed guide every sentence that
//! differs, the old text beside the new. Two baselines: what the agent saw when they last
//! opened the view (at first, the content the console opened on), and the content just
//! before the last change. The content watcher says what each change did
//! ([`super::event::Reloaded`]); the app hands it here and opens and closes the view.

use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::text::{inert, truncate, width as text_width, wrap_text};
use super::theme::Theme;
use crate::content::{Change, GuideChange, SentenceChange, Snapshot};

/// What the view compares the content shown with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Baseline {
    /// What the agent saw when they last opened the view.
    #[default]
    Seen,
    /// The content just before the last change.
    Previous,
}

impl Baseline {
    pub fn label(self) -> &'static str {
        match self {
            Baseline::Seen => "지난번 확인 뒤",
            Baseline::Previous => "직전 콘텐츠와",
        }
    }

    #[must_use]
    pub fn other(self) -> Self {
        match self {
            Baseline::Seen => Baseline::Previous,
            Baseline::Previous => Baseline::Seen,
        }
    }
}

/// The view while it is open.
#[derive(Debug, Clone, Default)]
pub struct View {
    pub baseline: Baseline,
    /// What the agent had seen when the view opened, and what changed since.
    from: Option<Arc<Snapshot>>,
    since_seen: Vec<GuideChange>,
    /// The guide selected, by its place in the list shown.
    pub selected: usize,
}

/// See the module's documentation.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    /// When the content last changed with some guide changed (KST): the header says so
    /// until the agent opens the view.
    pub updated: Option<DateTime<FixedOffset>>,
    /// What the agent reads of the content they last looked at (see [`Baseline::Seen`]).
    seen: Option<Arc<Snapshot>>,
    /// What the agent reads of the content shown (known once it has changed once).
    current: Option<Arc<Snapshot>>,
    /// The last change: the content shown against the one before it.
    previous: Vec<GuideChange>,
    pub view: Option<View>,
}

impl Changes {
    /// The content changed from `before` to `after`, which changed the guides `changes`, at
    /// `at`. An open view follows (the agent is looking at it).
    pub fn reloaded(
        &mut self,
        before: Arc<Snapshot>,
        after: Arc<Snapshot>,
        changes: Vec<GuideChange>,
        at: DateTime<FixedOffset>,
    ) {
        if self.seen.is_none() {
            self.seen = Some(before);
        }
        if !changes.is_empty() {
            self.updated = Some(at);
        }
        self.previous = changes;
        self.current = Some(after);
        if let Some(view) = &mut self.view {
            view.since_seen = since(view.from.as_deref(), self.current.as_deref());
            self.seen.clone_from(&self.current);
            self.updated = None;
            let count = view.listed(&self.previous).len();
            view.selected = view.selected.min(count.saturating_sub(1));
        }
    }

    /// What changed since the agent last looked at this folder in an earlier run: `seen`
    /// then, `shown` now. The view's first baseline starts from `seen`.
    pub fn since_last_run(
        &mut self,
        seen: Arc<Snapshot>,
        shown: Arc<Snapshot>,
        changes: &[GuideChange],
        at: DateTime<FixedOffset>,
    ) {
        self.seen = Some(seen);
        if self.current.is_none() {
            self.current = Some(shown);
        }
        if !changes.is_empty() {
            self.updated = Some(at);
        }
    }

    /// What the agent has seen of the content, once known (to keep it between runs).
    pub fn seen(&self) -> Option<&Arc<Snapshot>> {
        self.seen.as_ref()
    }

    /// Opens the view on what changed since the agent last looked; from now on, what they
    /// have seen is the content shown.
    pub fn open(&mut self) {
        let from = self.seen.clone();
        let since_seen = since(from.as_deref(), self.current.as_deref());
        self.seen.clone_from(&self.current);
        self.updated = None;
        self.view = Some(View {
            baseline: Baseline::Seen,
            from,
            since_seen,
            selected: 0,
        });
    }

    pub fn close(&mut self) {
        self.view = None;
    }

    /// The guides the open view lists.
    pub fn listed(&self) -> &[GuideChange] {
        self.view
            .as_ref()
            .map_or(&[][..], |view| view.listed(&self.previous))
    }

    /// The guide selected in the open view.
    pub fn selected(&self) -> Option<&GuideChange> {
        let view = self.view.as_ref()?;
        view.listed(&self.previous).get(view.selected)
    }

    /// Moves the view's selection by `by` guides (clamped to the list).
    pub fn move_selection(&mut self, by: isize) {
        let count = self.listed().len();
        if let Some(view) = &mut self.view {
            view.selected = view
                .selected
                .saturating_add_signed(by)
                .min(count.saturating_sub(1));
        }
    }

    /// The other baseline, the selection on its first guide.
    pub fn switch_baseline(&mut self) {
        if let Some(view) = &mut self.view {
            view.baseline = view.baseline.other();
            view.selected = 0;
        }
    }

    /// Draws the open view in `area` (the overlay's inside).
    pub fn draw(&self, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
        let Some(view) = &self.view else {
            return;
        };
        let width = usize::from(area.width);
        let listed = view.listed(&self.previous);
        let mut lines = vec![
            baseline_line(view.baseline, theme),
            summary(listed, theme),
            columns_line(width, theme),
        ];
        let mut selected_from = 0;
        if listed.is_empty() {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                match view.baseline {
                    Baseline::Seen => "지난번 확인한 뒤로 바뀐 가이드가 없습니다",
                    Baseline::Previous => "콘솔을 연 뒤 콘텐츠가 바뀐 적이 없습니다",
                },
                theme.dim(),
            )));
        }
        for (place, guide) in listed.iter().enumerate() {
            lines.push(Line::default());
            if place == view.selected {
                selected_from = lines.len();
            }
            lines.push(guide_line(guide, place == view.selected, width, theme));
            for sentence in &guide.sentences {
                lines.extend(sentence_lines(sentence, width, theme));
            }
            if guide.change == Change::Changed && guide.sentences.is_empty() {
                lines.push(Line::from(Span::styled(
                    "  (읽는 문장은 그대로, 규정·설정 등이 바뀜)",
                    theme.dim(),
                )));
            }
        }
        // The selected guide at the top (the first one under the view's own lines), or the
        // list's end at the bottom.
        let top = if view.selected == 0 {
            0
        } else {
            selected_from
                .saturating_sub(1)
                .min(lines.len().saturating_sub(usize::from(area.height)))
        };
        let scroll = u16::try_from(top).unwrap_or(u16::MAX);
        frame.render_widget(Paragraph::new(lines).scroll((scroll, 0)), area);
    }
}

impl View {
    fn listed<'a>(&'a self, previous: &'a [GuideChange]) -> &'a [GuideChange] {
        match self.baseline {
            Baseline::Seen => &self.since_seen,
            Baseline::Previous => previous,
        }
    }
}

fn since(from: Option<&Snapshot>, to: Option<&Snapshot>) -> Vec<GuideChange> {
    match (from, to) {
        (Some(from), Some(to)) => from.changes_to(to),
        _ => Vec::new(),
    }
}

/// The view's title.
pub const TITLE: &str = " 바뀐 가이드 ";

fn baseline_line(baseline: Baseline, theme: Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for shown in [Baseline::Seen, Baseline::Previous] {
        let style = if shown == baseline {
            theme.selected(true)
        } else {
            theme.dim()
        };
        spans.push(Span::styled(format!(" {} ", shown.label()), style));
    }
    spans.push(Span::styled("  Tab 기준 바꾸기", theme.dim()));
    Line::from(spans)
}

fn summary(listed: &[GuideChange], theme: Theme) -> Line<'static> {
    let count = |change| listed.iter().filter(|g| g.change == change).count();
    Line::from(Span::styled(
        format!(
            " 추가 {} · 삭제 {} · 변경 {} · 바뀐 문장 {}",
            count(Change::Added),
            count(Change::Removed),
            count(Change::Changed),
            listed.iter().map(|g| g.sentences.len()).sum::<usize>()
        ),
        theme.strong(),
    ))
}

fn change_word(change: Change) -> &'static str {
    match change {
        Change::Added => "추가",
        Change::Removed => "삭제",
        Change::Changed => "변경",
    }
}

fn guide_line(guide: &GuideChange, selected: bool, width: usize, theme: Theme) -> Line<'static> {
    let text = format!(
        "{}[{}] {} ({})",
        if selected { "▶ " } else { "  " },
        change_word(guide.change),
        inert(&guide.title),
        inert(&guide.id)
    );
    let style = if selected {
        theme.selected(true)
    } else {
        theme.heading()
    };
    Line::from(Span::styled(truncate(&text, width), style))
}

/// Sentences are indented this much, then the old text, a rule, the new text.
const INDENT: usize = 4;
const RULE: &str = " │ ";

/// The width of each of the two columns.
fn column_width(width: usize) -> usize {
    (width.saturating_sub(INDENT + text_width(RULE)) / 2).max(1)
}

/// The columns' names, over the sentences.
fn columns_line(width: usize, theme: Theme) -> Line<'static> {
    let column = column_width(width);
    let before = "이전";
    Line::from(vec![
        Span::raw(" ".repeat(INDENT)),
        Span::styled(before, theme.strong()),
        Span::raw(" ".repeat(column.saturating_sub(text_width(before)))),
        Span::styled(RULE, theme.dim()),
        Span::styled("지금", theme.strong()),
    ])
}

/// One sentence: where it stands, then the old text beside the new, each wrapped in its
/// own column.
fn sentence_lines(sentence: &SentenceChange, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        truncate(&format!("  · {}", inert(&sentence.place)), width),
        theme.dim(),
    ))];
    let column = column_width(width);
    let side = |text: &Option<String>, missing: &str, style: Style| match text {
        Some(text) => wrap_text(text, style, column, 0),
        None => vec![Line::from(Span::styled(missing.to_owned(), theme.dim()))],
    };
    let before = side(&sentence.before, "(없음)", theme.dim());
    let after = side(&sentence.after, "(삭제됨)", theme.normal());
    for row in 0..before.len().max(after.len()) {
        let mut spans = vec![Span::raw(" ".repeat(INDENT))];
        let left = before.get(row).cloned().unwrap_or_default();
        let used: usize = left.spans.iter().map(|s| text_width(&s.content)).sum();
        spans.extend(left.spans);
        spans.push(Span::raw(" ".repeat(column.saturating_sub(used))));
        spans.push(Span::styled(RULE, theme.dim()));
        if let Some(right) = after.get(row) {
            spans.extend(right.spans.iter().cloned());
        }
        lines.push(Line::from(spans));
    }
    lines
}
