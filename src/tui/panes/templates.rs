//! SMS 템플릿: the selected Q&A's templates (or all), a form for variables, the preview
//! wrapped as a phone shows it, the carriers' byte count, problems marked in the text, and the
//! recent record of what was copied or sent.

use std::collections::BTreeMap;

use chrono::Timelike as _;
use crossterm::event::KeyEvent;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::super::command::Command;
use super::super::keymap::Action;
use super::super::line_editor::{FieldKind, LineEditor};
use super::super::report::PaneDrawn;
use super::super::text::{Segment, inert, truncate, width as text_width, wrap};
use super::super::theme::Theme;
use super::super::widgets::{draw_scrolled, framed, place_cursor};
use super::{Context, Outcome};
use crate::clock;
use crate::content::SmsTemplate;
use crate::history::{EventKind, LogEvent};
use crate::sms::{self, Rendered};

/// A phone shows about this many cells on a line.
const PHONE_CELLS: usize = 36;

#[derive(Debug)]
pub struct State {
    /// The template selected, by its place in the list shown.
    pub selected: usize,
    pub scroll: u16,
    /// Variable values by template id, then variable name.
    pub values: BTreeMap<String, BTreeMap<String, LineEditor>>,
    /// The variable being typed into, by its index.
    pub editing: Option<usize>,
    /// The latest copies and sends (newest last).
    pub recent: Vec<LogEvent>,
    pub history_warning: Option<String>,
    /// Every template of the guide, not only the selected Q&A's (after opening one from search).
    pub show_all: bool,
    /// A message written or edited in the console, sent instead of the template while it
    /// exists.
    pub draft: Option<Draft>,
    /// The preview (not the list) has the keys: the moves scroll it, as in an answer.
    pub preview: bool,
}

/// A message written in the console: from scratch, or a filled template edited.
#[derive(Debug, Clone)]
pub struct Draft {
    pub editor: LineEditor,
    /// The template it started from, if any.
    pub from: Option<String>,
    /// The keyboard is in it.
    pub editing: bool,
}

impl State {
    pub fn new(recent: Vec<LogEvent>, history_warning: Option<String>) -> Self {
        Self {
            selected: 0,
            scroll: 0,
            values: BTreeMap::new(),
            editing: None,
            recent,
            history_warning,
            show_all: false,
            draft: None,
            preview: false,
        }
    }

    /// Whether any variable has a value that quitting would lose.
    pub fn has_values(&self) -> bool {
        self.draft.as_ref().is_some_and(|d| !d.editor.is_empty())
            || self
                .values
                .values()
                .flat_map(BTreeMap::values)
                .any(|editor| !editor.is_empty())
    }

    /// Forgets every variable typed and the draft (a new call).
    pub fn clear_values(&mut self) {
        self.values.clear();
        self.editing = None;
        self.draft = None;
    }

    /// Whether the keyboard is in a text of this pane (a variable or the draft).
    pub fn typing(&self) -> bool {
        self.editing.is_some() || self.draft.as_ref().is_some_and(|d| d.editing)
    }

    /// Back to the first template of the list, its form closed (another guide or question).
    pub fn reset(&mut self) {
        self.show_all = false;
        self.selected = 0;
        self.scroll = 0;
        self.editing = None;
        self.preview = false;
    }

    /// Selects a template of the list shown: its preview from the top, its form closed.
    pub fn select(&mut self, index: usize) {
        if index != self.selected {
            self.selected = index;
            self.scroll = 0;
            self.preview = false;
        }
        self.editing = None;
    }

    /// Whether the moves scroll the preview: it was opened (Enter), or the list has nothing
    /// to choose from (one template, or a draft).
    pub fn reading(&self, ctx: &Context<'_>) -> bool {
        self.preview || self.draft.is_some() || self.visible(ctx).len() <= 1
    }

    /// Selects a template opened from search, wherever it is in the guide's list.
    pub fn select_template(&mut self, template: usize) {
        self.show_all = true;
        self.select(template);
        self.scroll = 0;
    }

    /// The templates shown: the selected Q&A's, or every template of the guide when it has
    /// none (or after one was opened from search).
    pub fn visible<'a>(&self, ctx: &Context<'a>) -> Vec<&'a SmsTemplate> {
        let Some(guide) = ctx.current_guide() else {
            return Vec::new();
        };
        let of_qa: Vec<&SmsTemplate> = ctx
            .current_qa()
            .map(|qa| {
                qa.sms_templates
                    .iter()
                    .filter_map(|id| guide.sms_templates.iter().find(|t| &t.id == id))
                    .collect()
            })
            .unwrap_or_default();
        if of_qa.is_empty() || self.show_all {
            guide.sms_templates.iter().collect()
        } else {
            of_qa
        }
    }

    fn selected_template<'a>(&self, ctx: &Context<'a>) -> Option<&'a SmsTemplate> {
        let list = self.visible(ctx);
        list.get(self.selected.min(list.len().saturating_sub(1)))
            .copied()
    }

    fn render(&self, template: &SmsTemplate) -> Rendered {
        let values: BTreeMap<String, String> = self
            .values
            .get(&template.id)
            .into_iter()
            .flatten()
            .map(|(name, editor)| (name.clone(), editor.text().to_owned()))
            .collect();
        sms::render(template, &values)
    }

    /// The variable or draft being typed into, if any.
    pub fn active_editor(&mut self, ctx: &Context<'_>) -> Option<&mut LineEditor> {
        if self.draft.as_ref().is_some_and(|d| d.editing) {
            return self.draft.as_mut().map(|d| &mut d.editor);
        }
        let variable = self.editing?;
        let template = self.selected_template(ctx)?;
        let name = template.variables.get(variable)?.name.clone();
        Some(
            self.values
                .entry(template.id.clone())
                .or_default()
                .entry(name)
                .or_insert_with(|| LineEditor::new(FieldKind::SmsVariable)),
        )
    }

    /// Whether an SMS is being written (the key table's `Draft` layer).
    pub fn writing(&self) -> bool {
        self.draft.as_ref().is_some_and(|d| d.editing)
    }

    /// Ends typing in a variable or the draft (what was typed stays).
    pub fn stop_typing(&mut self) {
        self.editing = None;
        if let Some(draft) = &mut self.draft {
            draft.editing = false;
        }
    }

    /// A key while a variable or the draft is typed (the `SmsVariable` and `Draft` layers):
    /// `Done` ends typing, `NextField` goes to the next variable (typing ends after the
    /// last), anything else is the field's.
    pub fn field_key(&mut self, ctx: &Context<'_>, action: Option<Action>, key: &KeyEvent) {
        match action {
            Some(Action::Done) => self.stop_typing(),
            Some(Action::NextField) => {
                let count = self.selected_template(ctx).map_or(0, |t| t.variables.len());
                self.editing = self.editing.map(|v| v + 1).filter(|&next| next < count);
            }
            _ => match self.active_editor(ctx) {
                Some(editor) => {
                    editor.handle(key);
                }
                None => self.stop_typing(),
            },
        }
    }

    pub fn handle(&mut self, ctx: &Context<'_>, action: Action) -> Outcome {
        let last = self.visible(ctx).len().saturating_sub(1);
        let reading = self.reading(ctx);
        match action {
            // Reading the preview, the moves scroll it as they scroll every text.
            Action::Down if reading => self.scroll = self.scroll.saturating_add(1),
            Action::Up if reading => self.scroll = self.scroll.saturating_sub(1),
            Action::Top if reading => self.scroll = 0,
            Action::Bottom if reading => self.scroll = u16::MAX,
            Action::Down => self.select((self.selected + 1).min(last)),
            Action::Up => self.select(self.selected.saturating_sub(1)),
            Action::Top => self.select(0),
            Action::Bottom => self.select(last),
            Action::PageDown => self.scroll = self.scroll.saturating_add(10),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
            // Enter starts typing: the template's variables, or (with none) the message; the
            // preview keeps the keys after it (Esc goes back to the list).
            Action::Open => {
                self.preview = true;
                if self
                    .selected_template(ctx)
                    .is_some_and(|t| !t.variables.is_empty())
                    && self.draft.is_none()
                {
                    self.editing = Some(0);
                } else {
                    self.compose(ctx);
                }
            }
            Action::Copy => return self.record(ctx, EventKind::Copy),
            Action::MarkSent => return self.record(ctx, EventKind::Sent),
            Action::Compose => self.compose(ctx),
            Action::Back if self.draft.is_some() => {
                self.draft = None;
                return Outcome::command(Command::Toast("직접 작성한 SMS를 버렸습니다".into()));
            }
            Action::Back if self.preview => self.preview = false,
            _ => return Outcome::Ignored,
        }
        Outcome::done()
    }

    /// Starts (or goes back to) the draft: from the selected template as filled so far.
    fn compose(&mut self, ctx: &Context<'_>) {
        if let Some(draft) = &mut self.draft {
            draft.editing = true;
            return;
        }
        let template = self.selected_template(ctx);
        let text = template.map_or_else(String::new, |t| self.render(t).text);
        self.editing = None;
        self.draft = Some(Draft {
            editor: LineEditor::with_text(FieldKind::Message, &text),
            from: template.map(|t| t.id.clone()),
            editing: true,
        });
    }

    pub fn click(&mut self, ctx: &Context<'_>, row: usize) -> Outcome {
        if row < self.visible(ctx).len() {
            self.select(row);
        }
        Outcome::done()
    }

    /// Copies or marks sent, refusing a message that would break on the way, and records it.
    fn record(&self, ctx: &Context<'_>, kind: EventKind) -> Outcome {
        if let Some(draft) = &self.draft {
            return Self::record_draft(ctx, draft, kind);
        }
        let Some(template) = self.selected_template(ctx) else {
            return Outcome::command(Command::Toast(
                "SMS 템플릿이 없습니다 (e로 직접 쓰기)".into(),
            ));
        };
        let rendered = self.render(template);
        if let Some(reason) = rendered.blocking().into_iter().next() {
            return Outcome::command(Command::Toast(format!("보낼 수 없음: {reason}")));
        }
        let commands = record_message(
            ctx,
            kind,
            rendered,
            Some(template.id.clone()),
            ("SMS", format!("발송함으로 기록: {}", template.title)),
        );
        ask_if_closed(ctx, template.offers, kind, commands)
    }

    /// Copies or marks sent the draft, with the same checks as a template.
    fn record_draft(ctx: &Context<'_>, draft: &Draft, kind: EventKind) -> Outcome {
        let rendered = sms::render_free_text(draft.editor.text());
        if rendered.text.trim().is_empty() {
            return Outcome::command(Command::Toast("보낼 내용이 없습니다".into()));
        }
        if let Some(reason) = rendered.blocking().into_iter().next() {
            return Outcome::command(Command::Toast(format!("보낼 수 없음: {reason}")));
        }
        let commands = record_message(
            ctx,
            kind,
            rendered,
            draft.from.clone(),
            (
                "직접 작성 SMS",
                "직접 작성 SMS를 발송함으로 기록".to_owned(),
            ),
        );
        // Edited from a template, it still offers what the template offers.
        let offers = draft
            .from
            .as_deref()
            .and_then(|id| ctx.content.template(id))
            .and_then(|(_, template)| template.offers);
        ask_if_closed(ctx, offers, kind, commands)
    }

    pub fn draw(
        &self,
        ctx: &Context<'_>,
        frame: &mut Frame<'_>,
        area: Rect,
        focused: bool,
    ) -> PaneDrawn {
        let theme = ctx.theme;
        let inner = framed(frame, area, theme, 4, "SMS 템플릿", focused);
        let width = usize::from(inner.width);
        let (lines, list_rows, cursor) = self.body_lines(ctx, width, focused);

        // The list stays; the rest scrolls.
        let scroll = draw_scrolled(frame, inner, lines, list_rows, self.scroll);
        let list = Rect {
            height: u16::try_from(list_rows).unwrap_or(0).min(inner.height),
            ..inner
        };
        let shown_from = list_rows + usize::from(scroll);
        if let Some((x, row)) = cursor
            && row >= shown_from
        {
            let y = inner.y + u16::try_from(row - shown_from + list_rows).unwrap_or(u16::MAX);
            let x = inner.x + u16::try_from(x).unwrap_or(u16::MAX);
            place_cursor(frame, inner, x, y);
        }
        PaneDrawn {
            list: Some((list, 0)),
            scroll,
            text: Some(inner),
        }
    }

    /// The pane's lines, how many of them are the template list, and where the cursor goes.
    #[allow(clippy::too_many_lines)] // one straight run of sections, top to bottom as drawn
    fn body_lines(
        &self,
        ctx: &Context<'_>,
        width: usize,
        focused: bool,
    ) -> (Vec<Line<'static>>, usize, Option<(usize, usize)>) {
        let theme = ctx.theme;
        let templates = self.visible(ctx);
        let selected = self.selected.min(templates.len().saturating_sub(1));
        let mut lines: Vec<Line<'static>> = Vec::new();
        if templates.is_empty() {
            lines.push(Line::from(Span::styled(
                "이 가이드에는 SMS 템플릿이 없습니다",
                theme.dim(),
            )));
        }
        for (index, template) in templates.iter().enumerate() {
            let rendered = self.render(template);
            let counter = sms::counter_label(&rendered.measure);
            let title = truncate(
                &inert(&template.label()),
                width.saturating_sub(text_width(&counter) + 2),
            );
            let style = if index == selected {
                // The row shows as focused while the list has the keys, and when there is
                // no other to choose.
                theme.selected(focused && (templates.len() <= 1 || !self.reading(ctx)))
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
        if let Some(draft) = &self.draft {
            cursor = Self::draft_lines(draft, theme, width, &mut lines);
        } else if let Some(template) = templates.get(selected).copied() {
            let rendered = self.render(template);
            lines.push(Line::default());
            for (index, variable) in template.variables.iter().enumerate() {
                let editor = self
                    .values
                    .get(&template.id)
                    .and_then(|v| v.get(&variable.name));
                let value = editor.map(|e| e.text().to_owned()).unwrap_or_default();
                let editing = self.editing == Some(index);
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
                    let before = editor.map_or(0, LineEditor::cursor_cells);
                    cursor = Some((text_width(&label) + before, lines.len()));
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
            // The count is on the template's row just above: said once.
            let status = counter_line(&rendered, theme, false);
            lines.push(status);
            // The schedule has closed what the template offers: said beside the count.
            if let Some(warning) = ctx
                .policy()
                .and_then(|policy| policy.closed(template.offers, &ctx.now))
            {
                lines.extend(wrap(&[Segment::new(warning, theme.warn())], width, 2));
            }
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
        if let Some(warning) = &self.history_warning {
            lines.extend(wrap(
                &[Segment::new(format!("⚠ {warning}"), theme.warn())],
                width,
                2,
            ));
        }
        if self.recent.is_empty() {
            lines.push(Line::from(Span::styled(
                "아직 없음 (y 복사, s 발송 기록)",
                theme.dim(),
            )));
        }
        for event in self.recent.iter().rev().take(3) {
            let when = event
                .at
                .with_timezone(&clock::kst())
                .format("%m-%d %H:%M")
                .to_string();
            let text = format!(
                "{when} {} {} {}B",
                event.kind_label(),
                event.template_id.as_deref().unwrap_or("직접 입력"),
                event.bytes.unwrap_or(0)
            );
            lines.push(Line::from(Span::styled(
                truncate(&text, width),
                theme.dim(),
            )));
        }

        (lines, list_rows, cursor)
    }
}

/// Marking sent what the schedule has closed asks first; anything else goes through.
fn ask_if_closed(
    ctx: &Context<'_>,
    offers: Option<crate::content::Offer>,
    kind: EventKind,
    commands: Vec<Command>,
) -> Outcome {
    let closed = ctx
        .policy()
        .and_then(|policy| policy.closed(offers, &ctx.now));
    match closed {
        Some(warning) if kind == EventKind::Sent => Outcome::command(Command::Ask {
            question: format!("{warning}\n그래도 발송함으로 기록할까요?"),
            then: commands,
        }),
        _ => Outcome::Consumed(commands),
    }
}

/// What copying (or marking sent) a message does: the copy (or a toast saying what was
/// marked), and the log event. `said` is what was copied, and the toast for a send.
fn record_message(
    ctx: &Context<'_>,
    kind: EventKind,
    rendered: Rendered,
    template_id: Option<String>,
    said: (&'static str, String),
) -> Vec<Command> {
    let event = LogEvent {
        at: ctx.now.with_nanosecond(0).unwrap_or(ctx.now),
        as_of: None,
        kind,
        stored_kind: None,
        guide_id: ctx.current_guide().map(|g| g.id.clone()),
        template_id,
        content_version: ctx.content.version().to_owned(),
        message_kind: Some(rendered.measure.kind),
        bytes: Some(rendered.measure.bytes),
        text: rendered.text,
        detail: crate::history::EventDetail::default(),
    };
    let (what, sent) = said;
    if kind == EventKind::Copy {
        vec![Command::CopyRecorded {
            what,
            event: Box::new(event),
        }]
    } else {
        vec![Command::Toast(sent), Command::Record(Box::new(event))]
    }
}

impl State {
    /// The draft: its heading, the count and checks, and the text as a phone wraps it with
    /// the cursor where the agent types. Returns the cursor's place (cells, line).
    fn draft_lines(
        draft: &Draft,
        theme: Theme,
        width: usize,
        lines: &mut Vec<Line<'static>>,
    ) -> Option<(usize, usize)> {
        let rendered = sms::render_free_text(draft.editor.text());
        lines.push(Line::default());
        let heading = match &draft.from {
            Some(id) => format!("✎ 직접 작성 ({id}에서 고침)"),
            None => "✎ 직접 작성".to_owned(),
        };
        let hint = if draft.editing {
            "  Enter 줄바꿈 · Esc 끝"
        } else {
            "  e 고치기 · Esc 버리기 · y 복사 · s 발송 기록"
        };
        lines.push(Line::from(vec![
            Span::styled(heading, theme.heading()),
            Span::styled(hint, theme.dim()),
        ]));
        lines.push(counter_line(&rendered, theme, true));
        for reason in rendered.blocking() {
            lines.extend(wrap(
                &[Segment::new(format!("⚠ {reason}"), theme.error())],
                width,
                2,
            ));
        }
        let phone = PHONE_CELLS.min(width.saturating_sub(2)).max(8);
        lines.push(Line::from(Span::styled(
            format!("┌{}", "─".repeat(phone)),
            theme.dim(),
        )));
        let top = lines.len();
        for preview_line in preview_lines(&rendered, theme, phone) {
            let mut spans = vec![Span::styled("│", theme.dim())];
            spans.extend(preview_line.spans);
            lines.push(Line::from(spans));
        }
        lines.push(Line::from(Span::styled(
            format!("└{}", "─".repeat(phone)),
            theme.dim(),
        )));
        if !draft.editing {
            return None;
        }
        // The cursor: the text before it, wrapped the same way, ends where it stands.
        let before = sms::render_free_text(draft.editor.before_cursor());
        let wrapped = preview_lines(&before, theme, phone);
        let row = wrapped.len().saturating_sub(1);
        let column = wrapped.last().map_or(0, Line::width);
        Some((1 + column, top + row))
    }
}

/// Whether the message can be sent, after its count (`with_count`) where no row above
/// shows it.
fn counter_line(rendered: &Rendered, theme: Theme, with_count: bool) -> Line<'static> {
    let sendable = rendered.blocking().is_empty();
    let mut spans = Vec::new();
    if with_count {
        spans.push(Span::styled(
            sms::counter_label(&rendered.measure),
            theme.strong(),
        ));
        spans.push(Span::raw("  "));
    }
    spans.push(if sendable {
        Span::styled("보낼 수 있음", theme.ok())
    } else {
        Span::styled("보낼 수 없음", theme.error())
    });
    Line::from(spans)
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
