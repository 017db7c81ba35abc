//! Layout and the console's chrome: header, stepper, search field, footer, help, and the
//! message for a terminal too small to use.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Position, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::app::{App, Pane, STEPS};
use super::keymap;
use super::text::{inert, truncate, width as text_width};
use super::{category, qa, rules, sms};
use crate::clock;

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;
/// From this size on, all four panes show at once.
pub const WIDE_WIDTH: u16 = 100;
pub const WIDE_HEIGHT: u16 = 30;

/// Styles, with colour only when `NO_COLOR` is not set.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    color: bool,
}

impl Theme {
    pub fn new(color: bool) -> Self {
        Self { color }
    }

    fn fg(self, color: Color) -> Style {
        if self.color {
            Style::new().fg(color)
        } else {
            Style::new()
        }
    }

    pub fn normal(self) -> Style {
        Style::new()
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new().add_modifier(Modifier::DIM)
        }
    }

    pub fn strong(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    pub fn heading(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }

    pub fn accent(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn script(self) -> Style {
        self.fg(Color::White)
    }

    pub fn link(self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED)
    }

    pub fn ok(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }

    pub fn warn(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn error(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }

    pub fn editing(self) -> Style {
        Style::new().add_modifier(Modifier::UNDERLINED)
    }

    /// The selected row: reversed when its pane has focus, underlined otherwise.
    pub fn selected(self, focused: bool) -> Style {
        if focused {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new().add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
        }
    }

    /// Matched characters of a search hit, on top of the row's style.
    pub fn matched(self, base: Style) -> Style {
        base.patch(self.fg(Color::Yellow))
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }

    fn badge(self) -> Style {
        if self.color {
            Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        }
    }
}

/// Draws `lines` in `area`: the first `pinned` always in view (a list, a form), the rest
/// scrolled by `scroll`, which is clamped so the last line can come up to the bottom and no
/// further. Lines are taken from the iterator only down to the bottom of the view, so a
/// pane over a long guide wraps what is seen and what lies above it, never the rest.
pub fn draw_scrolled(
    frame: &mut Frame<'_>,
    area: Rect,
    lines: impl IntoIterator<Item = Line<'static>>,
    pinned: usize,
    scroll: &mut u16,
) {
    let height = usize::from(area.height);
    let mut lines = lines.into_iter();
    let mut shown: Vec<Line<'static>> = lines.by_ref().take(pinned).collect();
    let rows = height.saturating_sub(shown.len());
    // The last `rows` lines read, of at most scroll + rows: the view, or (when the text ends
    // first) the view scrolled as far as it goes.
    let mut window = std::collections::VecDeque::with_capacity(rows);
    let mut read: usize = 0;
    for line in lines.take(usize::from(*scroll) + rows) {
        read += 1;
        if rows > 0 {
            if window.len() == rows {
                window.pop_front();
            }
            window.push_back(line);
        }
    }
    *scroll = (*scroll).min(u16::try_from(read.saturating_sub(rows)).unwrap_or(u16::MAX));
    shown.truncate(height);
    shown.extend(window);
    frame.render_widget(Paragraph::new(shown), area);
}

/// Puts the terminal cursor at `(x, y)` when it lies inside `area` (so the IME composes there).
pub fn place_cursor(frame: &mut Frame<'_>, area: Rect, x: u16, y: u16) {
    if x < area.right() && y < area.bottom() {
        frame.set_cursor_position(Position::new(x, y));
    }
}

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

pub fn draw(app: &mut App, frame: &mut Frame<'_>) {
    let area = frame.area();
    app.hitboxes = super::app::Hitboxes::default();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(frame, area);
        return;
    }
    let theme = Theme::new(app.color);
    let wide = area.width >= WIDE_WIDTH && area.height >= WIDE_HEIGHT;
    let [header, search, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(app, frame, header, theme);
    draw_search(app, frame, search, theme);
    if wide {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(48), Constraint::Percentage(52)])
                .areas(body);
        let [category_area, qa_area] =
            Layout::vertical([Constraint::Percentage(34), Constraint::Min(0)]).areas(left);
        let [rules_area, sms_area] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Min(0)]).areas(right);
        let areas = [category_area, qa_area, rules_area, sms_area];
        for pane in Pane::ALL {
            draw_pane(app, frame, pane, areas[pane.index()]);
        }
    } else {
        let [tabs, pane_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
        draw_tabs(app, frame, tabs, theme);
        draw_pane(app, frame, app.focus, pane_area);
    }
    draw_footer(app, frame, footer, theme);
    if app.search.active {
        let prefix = text_width(SEARCH_LABEL);
        let x = search.x
            + u16::try_from(prefix + text_width(&inert(&app.search.query))).unwrap_or(u16::MAX);
        frame.set_cursor_position(Position::new(
            x.min(search.right().saturating_sub(1)),
            search.y,
        ));
    }
    if app.help_open {
        draw_help(app, frame, area, theme);
    }
    scrub(frame.buffer_mut());
}

/// The last guard of the character policy (`crate::text`): whatever a pane drew, no cell of
/// the frame holds a character that could drive the terminal or hide text.
fn scrub(buffer: &mut ratatui::buffer::Buffer) {
    for cell in &mut buffer.content {
        if cell.symbol().chars().any(crate::text::is_unsafe) {
            let shown = crate::text::visible_line(cell.symbol()).into_owned();
            cell.set_symbol(if shown.is_empty() { " " } else { &shown });
        }
    }
}

fn draw_pane(app: &mut App, frame: &mut Frame<'_>, pane: Pane, area: Rect) {
    app.hitboxes.panes[pane.index()] = area;
    let focused = app.focus == pane && !app.search.active;
    match pane {
        Pane::Category => category::draw(app, frame, area, focused),
        Pane::Qa => qa::draw(
            app,
            frame,
            area,
            focused || (app.search.active && pane == Pane::Qa),
        ),
        Pane::Rules => rules::draw(app, frame, area, focused),
        Pane::Sms => sms::draw(app, frame, area, focused),
    }
}

fn draw_too_small(frame: &mut Frame<'_>, area: Rect) {
    let message = format!(
        "터미널이 너무 작습니다 (need {MIN_WIDTH}x{MIN_HEIGHT}, now {}x{})",
        area.width, area.height
    );
    let lines: Vec<Line<'static>> =
        super::text::wrap_text(&message, Style::new(), usize::from(area.width.max(1)), 0);
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    let y = area.y + area.height.saturating_sub(height) / 2;
    let target = Rect { y, height, ..area };
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), target);
}

fn draw_header(app: &App, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let width = usize::from(area.width);
    let mut first = vec![Span::styled(" support-console ", theme.dim())];
    if let Some(guide) = app.current_guide() {
        first.push(Span::styled(inert(&guide.title), theme.strong()));
        if let Some(status) = &guide.status {
            first.push(Span::raw(" "));
            first.push(Span::styled(format!(" {} ", inert(status)), theme.badge()));
        }
    }
    let now = app.clock.now();
    let phase = app
        .policy()
        .map(|p| p.phase_at(&now).0.label())
        .unwrap_or_default();
    let today = format!("  오늘 {} KST · {phase}", clock::format_kst_date(&now));
    let used: usize = first.iter().map(|s| text_width(&s.content)).sum();
    first.push(Span::styled(
        truncate(&today, width.saturating_sub(used)),
        theme.accent(),
    ));
    let mut stepper = vec![Span::raw(" ")];
    for (index, step) in STEPS.iter().enumerate() {
        if index > 0 {
            stepper.push(Span::styled(" ▸ ", theme.dim()));
        }
        let label = format!("{} {step}", ["①", "②", "③"][index]);
        let style = if index == app.step {
            theme.selected(true).add_modifier(Modifier::BOLD)
        } else {
            theme.dim()
        };
        stepper.push(Span::styled(label, style));
    }
    if let Some(guide) = app.current_guide() {
        let used: usize = stepper.iter().map(|s| text_width(&s.content)).sum();
        let path = format!("   {}", guide.category_path());
        stepper.push(Span::styled(
            truncate(&path, width.saturating_sub(used)),
            theme.dim(),
        ));
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(stepper)]),
        area,
    );
}

const SEARCH_LABEL: &str = " / 검색: ";

fn draw_search(app: &App, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let label_style = if app.search.active {
        theme.accent()
    } else {
        theme.dim()
    };
    let mut spans = vec![
        Span::styled(SEARCH_LABEL, label_style),
        Span::styled(inert(&app.search.query), theme.strong()),
    ];
    if app.search.query.is_empty() && !app.search.active {
        spans.push(Span::styled(
            "질문·스크립트·규정·SMS (초성 ㅍㄹㅁㅂㅅ, 영타 rkdlq도 됩니다)",
            theme.dim(),
        ));
    } else if !app.search.query.is_empty() {
        spans.push(Span::styled(
            format!(
                "  {}건",
                crate::text::group_thousands(app.search.results.total())
            ),
            theme.dim(),
        ));
    }
    let line = Line::from(spans);
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_tabs(app: &App, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let mut spans = Vec::new();
    for pane in Pane::ALL {
        let label = format!(" {} {} ", pane.index() + 1, pane.title());
        let style = if pane == app.focus {
            theme.selected(true)
        } else {
            theme.dim()
        };
        spans.push(Span::styled(label, style));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_footer(app: &App, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let line = if let Some((message, _)) = &app.toast {
        Line::from(Span::styled(
            truncate(&format!(" {}", inert(message)), usize::from(area.width)),
            theme.accent(),
        ))
    } else if app.search.active {
        Line::from(Span::styled(
            " 입력하면 바로 찾습니다 · ↑↓ PgUp PgDn 고르기 · Enter 열기 · Esc 지우기/닫기 · Tab 목록으로",
            theme.dim(),
        ))
    } else if app.rules.editing || app.sms.editing.is_some() {
        Line::from(Span::styled(
            " 입력 중 · Enter/Tab 다음 · Esc 끝내기",
            theme.dim(),
        ))
    } else {
        let mut spans = Vec::new();
        let mut used = 0;
        for (keys, help) in keymap::hints(app.footer_scope()) {
            let piece = format!(" {keys} {help} ");
            used += text_width(&piece);
            if used > usize::from(area.width) {
                break;
            }
            spans.push(Span::styled(format!(" {keys}"), theme.strong()));
            spans.push(Span::styled(format!(" {help} "), theme.dim()));
        }
        Line::from(spans)
    };
    frame.render_widget(Paragraph::new(line), area);
}

fn draw_help(app: &App, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let width = area.width.saturating_sub(4).min(76);
    let height = area.height.saturating_sub(2);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + 1,
        width,
        height,
    };
    frame.render_widget(Clear, popup);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(theme.accent())
        .title(" 도움말 · 아무 키나 누르면 닫힘 (↑↓ 스크롤) ");
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut lines = vec![Line::from(Span::styled(
        "한글 입력 상태에서도 단축키가 됩니다 (ㅓ=j, ㅏ=k, ㅂ=q …)",
        theme.dim(),
    ))];
    for (heading, text) in keymap::help_lines() {
        match heading {
            Some(heading) => {
                lines.push(Line::default());
                lines.push(Line::from(Span::styled(heading, theme.heading())));
            }
            None => lines.push(Line::from(truncate(&text, usize::from(inner.width)))),
        }
    }
    frame.render_widget(Paragraph::new(lines).scroll((app.help_scroll, 0)), inner);
}
