//! SMS 템플릿: the selected Q&A's templates (or all), a form for variables, the preview
//! wrapped as a phone shows it, the carriers' byte count, problems marked in the text, and the
//! recent record of what was copied or sent.

use std::collections::BTreeMap;
use std::path::Path;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::app::App;
use super::keymap::Action;
use super::text::{Segment, inert, truncate, width as text_width, wrap};
use super::ui::{Theme, draw_scrolled, pane_block, place_cursor};
use crate::clock;
use crate::content::SmsTemplate;
use crate::sms::history::{self, HistoryAction, HistoryEvent};
use crate::sms::{self, Rendered};

/// A phone shows about this many cells on a line.
const PHONE_CELLS: usize = 36;

#[derive(Debug)]
pub struct State {
    pub selected: usize,
    pub scroll: u16,
    /// Variable values by template id, then variable name.
    pub values: BTreeMap<String, BTreeMap<String, String>>,
    /// The variable being typed into, by its index.
    pub editing: Option<usize>,
    pub recent: Vec<HistoryEvent>,
    pub history_warning: Option<String>,
    /// Every template of the guide, not only the selected Q&A's (after opening one from search).
    pub show_all: bool,
}

impl State {
    pub fn new(history: Option<&Path>) -> Self {
        let (recent, history_warning) = match history.map(history::read) {
            Some(Ok(read)) => (read.events, read.warnings.into_iter().next()),
            Some(Err(err)) => (Vec::new(), Some(format!("기록을 읽지 못했습니다: {err}"))),
            None => (Vec::new(), None),
        };
        Self {
            selected: 0,
            scroll: 0,
            values: BTreeMap::new(),
            editing: None,
            recent,
            history_warning,
            show_all: false,
        }
    }

    /// Selects a template opened from search, wherever it is in the list.
    pub fn select_template(&mut self, template: usize) {
        self.show_all = true;
        self.selected = template;
        self.scroll = 0;
        self.editing = None;
    }
}

/// The templates shown: the selected Q&A's, or every template of the guide when it has none.
pub fn visible(app: &App) -> Vec<&SmsTemplate> {
    let Some(guide) = app.current_guide() else {
        return Vec::new();
    };
    let of_qa: Vec<&SmsTemplate> = app
        .current_qa()
        .map(|qa| {
            qa.sms_templates
                .iter()
                .filter_map(|id| guide.sms_templates.iter().find(|t| &t.id == id))
                .collect()
        })
        .unwrap_or_default();
    if of_qa.is_empty() || app.sms.show_all {
        guide.sms_templates.iter().collect()
    } else {
        of_qa
    }
}

fn selected(app: &App) -> Option<&SmsTemplate> {
    let list = visible(app);
    list.get(app.sms.selected.min(list.len().saturating_sub(1)))
        .copied()
}

fn render(app: &App, template: &SmsTemplate) -> Rendered {
    let empty = BTreeMap::new();
    sms::render(template, app.sms.values.get(&template.id).unwrap_or(&empty))
}

pub fn handle_input(app: &mut App, key: &KeyEvent) -> bool {
    let Some(variable) = app.sms.editing else {
        return false;
    };
    let Some(template) = selected(app) else {
        app.sms.editing = None;
        return false;
    };
    let Some(name) = template.variables.get(variable).map(|v| v.name.clone()) else {
        app.sms.editing = None;
        return false;
    };
    let count = template.variables.len();
    let id = template.id.clone();
    let value = app
        .sms
        .values
        .entry(id)
        .or_default()
        .entry(name)
        .or_default();
    match key.code {
        KeyCode::Esc => app.sms.editing = None,
        KeyCode::Enter | KeyCode::Tab => {
            app.sms.editing = (variable + 1 < count).then_some(variable + 1);
        }
        KeyCode::Backspace => {
            value.pop();
        }
        KeyCode::Char(ch)
            if !ch.is_control()
                && !key.modifiers.contains(KeyModifiers::CONTROL)
                && value.chars().count() < 200 =>
        {
            value.push(ch);
        }
        _ => {}
    }
    true
}

pub fn handle(app: &mut App, action: Action) -> bool {
    let count = visible(app).len();
    match action {
        Action::Down => select(app, (app.sms.selected + 1).min(count.saturating_sub(1))),
        Action::Up => select(app, app.sms.selected.saturating_sub(1)),
        Action::Top => select(app, 0),
        Action::Bottom => select(app, count.saturating_sub(1)),
        Action::PageDown => app.sms.scroll = app.sms.scroll.saturating_add(5),
        Action::PageUp => app.sms.scroll = app.sms.scroll.saturating_sub(5),
        Action::Open => {
            if selected(app).is_some_and(|t| !t.variables.is_empty()) {
                app.sms.editing = Some(0);
            }
        }
        Action::Copy => record(app, HistoryAction::Copied),
        Action::MarkSent => record(app, HistoryAction::Sent),
        _ => return false,
    }
    true
}

fn select(app: &mut App, index: usize) {
    if index != app.sms.selected {
        app.sms.selected = index;
        app.sms.scroll = 0;
        app.sms.editing = None;
    }
}

/// Copies or marks sent, refusing a message that would break on the way, and records it.
fn record(app: &mut App, action: HistoryAction) {
    let Some(template) = selected(app) else {
        app.toast("SMS 템플릿이 없습니다");
        return;
    };
    let rendered = render(app, template);
    if let Some(reason) = rendered.blocking().into_iter().next() {
        app.toast(format!("보낼 수 없음: {reason}"));
        return;
    }
    let event = HistoryEvent {
        at: clock::rfc3339_kst(&app.clock.now()),
        action,
        guide_id: app.current_guide().map(|g| g.id.clone()),
        template_id: Some(template.id.clone()),
        content_version: app.content.version().to_owned(),
        bytes: rendered.measure.bytes,
        kind: rendered.measure.kind.label().to_owned(),
        text: rendered.text.clone(),
    };
    if action == HistoryAction::Copied {
        app.copy("SMS", &rendered.text);
    } else {
        app.toast(format!("발송함으로 기록: {}", template.title));
    }
    if let Some(path) = app.history_path.clone()
        && let Err(err) = history::append(&path, &event)
    {
        app.toast(format!("기록 실패: {} ({err})", path.display()));
    }
    app.sms.recent.push(event);
}

pub fn draw(app: &mut App, frame: &mut Frame<'_>, area: Rect, focused: bool) {
    let theme = Theme::new(app.color);
    let block = pane_block(theme, 4, "SMS 템플릿", focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let count = visible(app).len();
    app.sms.selected = app.sms.selected.min(count.saturating_sub(1));
    let (lines, list_rows, cursor) = body_lines(app, theme, width, focused);

    // The list stays; the rest scrolls.
    draw_scrolled(frame, inner, lines, list_rows, &mut app.sms.scroll);
    app.hitboxes.lists[3] = (
        Rect {
            height: u16::try_from(list_rows).unwrap_or(0).min(inner.height),
            ..inner
        },
        0,
    );
    let scroll = usize::from(app.sms.scroll);
    if let Some((x, row)) = cursor
        && row >= list_rows + scroll
    {
        let y = inner.y + u16::try_from(row - scroll).unwrap_or(u16::MAX);
        let x = inner.x + u16::try_from(x).unwrap_or(u16::MAX);
        place_cursor(frame, inner, x, y);
    }
}

/// The pane's lines, how many of them are the template list, and where the cursor goes.
#[allow(clippy::too_many_lines)] // one straight run of sections, top to bottom as drawn
fn body_lines(
    app: &App,
    theme: Theme,
    width: usize,
    focused: bool,
) -> (Vec<Line<'static>>, usize, Option<(usize, usize)>) {
    let templates = visible(app);
    let mut lines: Vec<Line<'static>> = Vec::new();
    if templates.is_empty() {
        lines.push(Line::from(Span::styled(
            "이 가이드에는 SMS 템플릿이 없습니다",
            theme.dim(),
        )));
    }
    for (index, template) in templates.iter().enumerate() {
        let rendered = render(app, template);
        let counter = sms::counter_label(&rendered.measure);
        let title = truncate(
            &inert(&template.label()),
            width.saturating_sub(text_width(&counter) + 2),
        );
        let style = if index == app.sms.selected {
            theme.selected(focused)
        } else {
            theme.normal()
        };
        let pad = width.saturating_sub(text_width(&title) + text_width(&counter));
        lines.push(Line::from(vec![
            Span::styled(title, style),
            Span::raw(" ".repeat(pad)),
            Span::styled(counter, theme.dim()),
        ]));
    }
    let list_rows = lines.len();
    let mut cursor = None;
    if let Some(template) = templates.get(app.sms.selected).copied() {
        let rendered = render(app, template);
        lines.push(Line::default());
        for (index, variable) in template.variables.iter().enumerate() {
            let value = app
                .sms
                .values
                .get(&template.id)
                .and_then(|v| v.get(&variable.name))
                .cloned()
                .unwrap_or_default();
            let editing = app.sms.editing == Some(index);
            let label = format!(
                "{}{} ",
                inert(&variable.label),
                if variable.required { "*" } else { "" }
            );
            let hint = if value.is_empty() {
                variable
                    .example
                    .clone()
                    .map(|e| format!("예: {}", inert(&e)))
                    .unwrap_or_default()
            } else {
                String::new()
            };
            if editing {
                cursor = Some((text_width(&label) + text_width(&inert(&value)), lines.len()));
            }
            lines.push(Line::from(vec![
                Span::styled(
                    label,
                    if editing {
                        theme.selected(true)
                    } else {
                        theme.dim()
                    },
                ),
                Span::styled(
                    inert(&value),
                    if editing {
                        theme.editing()
                    } else {
                        theme.normal()
                    },
                ),
                Span::styled(hint, theme.dim()),
            ]));
        }
        let status = counter_line(&rendered, theme);
        lines.push(status);
        for reason in rendered.blocking() {
            lines.extend(wrap(
                &[Segment::new(format!("⚠ {reason}"), theme.error())],
                width,
                2,
            ));
        }
        for risky in &rendered.measure.risky {
            lines.extend(wrap(
                &[Segment::new(
                    format!(
                        "주의: {}번째 '{}'는 KS X 1001 밖의 한글 (깨질 수 있음)",
                        risky.index + 1,
                        risky.ch
                    ),
                    theme.warn(),
                )],
                width,
                2,
            ));
        }
        let phone = PHONE_CELLS.min(width.saturating_sub(2)).max(8);
        lines.push(Line::from(Span::styled(
            format!("┌{}", "─".repeat(phone)),
            theme.dim(),
        )));
        for preview_line in preview_lines(&rendered, theme, phone) {
            let mut spans = vec![Span::styled("│", theme.dim())];
            spans.extend(preview_line.spans);
            lines.push(Line::from(spans));
        }
        lines.push(Line::from(Span::styled(
            format!("└{}", "─".repeat(phone)),
            theme.dim(),
        )));
    }
    lines.push(Line::from(Span::styled("최근 기록", theme.heading())));
    if let Some(warning) = &app.sms.history_warning {
        lines.extend(wrap(
            &[Segment::new(format!("⚠ {warning}"), theme.warn())],
            width,
            2,
        ));
    }
    if app.sms.recent.is_empty() {
        lines.push(Line::from(Span::styled(
            "아직 없음 (y 복사, s 발송 기록)",
            theme.dim(),
        )));
    }
    for event in app.sms.recent.iter().rev().take(3) {
        let when = event.at.get(5..16).unwrap_or(&event.at).replace('T', " ");
        let text = format!(
            "{when} {} {} {}B",
            event.action.label(),
            event.template_id.as_deref().unwrap_or("직접 입력"),
            event.bytes
        );
        lines.push(Line::from(Span::styled(
            truncate(&text, width),
            theme.dim(),
        )));
    }

    (lines, list_rows, cursor)
}

fn counter_line(rendered: &Rendered, theme: Theme) -> Line<'static> {
    let sendable = rendered.blocking().is_empty();
    Line::from(vec![
        Span::styled(sms::counter_label(&rendered.measure), theme.strong()),
        Span::raw("  "),
        if sendable {
            Span::styled("보낼 수 있음", theme.ok())
        } else {
            Span::styled("보낼 수 없음", theme.error())
        },
    ])
}

/// The message as a phone wraps it, with unsendable characters and unfilled placeholders
/// marked where they are.
fn preview_lines(rendered: &Rendered, theme: Theme, cells: usize) -> Vec<Line<'static>> {
    let bad: Vec<usize> = rendered
        .measure
        .unencodable
        .iter()
        .map(|c| c.index)
        .collect();
    let risky: Vec<usize> = rendered.measure.risky.iter().map(|c| c.index).collect();
    let mut lines = Vec::new();
    let mut index = 0;
    for line in rendered.text.split('\n') {
        let mut segments: Vec<Segment> = Vec::new();
        for ch in line.chars() {
            let style =
                if bad.contains(&index) || rendered.unfilled.iter().any(|r| r.contains(&index)) {
                    theme.error()
                } else if risky.contains(&index) {
                    theme.warn()
                } else {
                    theme.normal()
                };
            match segments.last_mut() {
                Some(last) if last.style == style => last.text.push(ch),
                _ => segments.push(Segment::new(ch.to_string(), style)),
            }
            index += 1;
        }
        index += 1; // the line break
        lines.extend(wrap(&segments, cells, 0));
    }
    lines
}
