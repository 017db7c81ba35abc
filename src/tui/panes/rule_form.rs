//! 규정 조회: a form (instant, signup or renewal, rating, last month's average, earlier
//! benefit, renewal date) whose answers update as the agent types, each with the guide's
//! sentence; below it, every rule of the guide with its source.

use chrono::{DateTime, FixedOffset, NaiveDate};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::super::command::Command;
use super::super::keymap::Action;
use super::super::line_editor::{FieldKind, LineEditor};
use super::super::report::PaneDrawn;
use super::super::text::{Segment, inert, width as text_width, wrap, wrap_text};
use super::super::theme::Theme;
use super::super::widgets::{draw_scrolled, framed, place_cursor};
use super::{Context, Outcome};
use crate::clock;
use crate::rules::{Member, Query, Rating, RatingInput, Verdict, phrases, verdict_lines};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    At,
    Member,
    Rating,
    PrevMonthAvg,
    PriorBenefit,
    RenewalDate,
}

impl Field {
    pub const ALL: [Field; 6] = [
        Field::At,
        Field::Member,
        Field::Rating,
        Field::PrevMonthAvg,
        Field::PriorBenefit,
        Field::RenewalDate,
    ];

    fn label(self) -> &'static str {
        match self {
            Field::At => "기준 시각",
            Field::Member => "구분",
            Field::Rating => "평점",
            Field::PrevMonthAvg => "전월 평균",
            Field::PriorBenefit => "과거 무료혜택",
            Field::RenewalDate => "갱신일",
        }
    }

    fn is_text(self) -> bool {
        !matches!(self, Field::Member | Field::PriorBenefit)
    }
}

#[derive(Debug)]
pub struct State {
    pub field: usize,
    pub editing: bool,
    pub at: LineEditor,
    pub member: Member,
    pub rating: LineEditor,
    pub prev_month_avg: LineEditor,
    pub prior_benefit: bool,
    pub renewal_date: LineEditor,
    pub scroll: u16,
    /// A rule opened from search, by its index in the guide.
    pub highlight: Option<usize>,
    /// The next frame scrolls the highlighted rule into view.
    pub reveal: bool,
}

impl State {
    pub fn new(now: DateTime<FixedOffset>) -> Self {
        Self {
            field: 0,
            editing: false,
            at: LineEditor::with_text(FieldKind::RuleInput, &clock::rfc3339_kst(&now)),
            member: Member::New,
            rating: LineEditor::new(FieldKind::RuleInput),
            prev_month_avg: LineEditor::new(FieldKind::RuleInput),
            prior_benefit: false,
            renewal_date: LineEditor::new(FieldKind::RuleInput),
            scroll: 0,
            highlight: None,
            reveal: false,
        }
    }

    fn current(&self) -> Field {
        Field::ALL[self.field.min(Field::ALL.len() - 1)]
    }

    fn editor(&self, field: Field) -> Option<&LineEditor> {
        match field {
            Field::At => Some(&self.at),
            Field::Rating => Some(&self.rating),
            Field::PrevMonthAvg => Some(&self.prev_month_avg),
            Field::RenewalDate => Some(&self.renewal_date),
            Field::Member | Field::PriorBenefit => None,
        }
    }

    /// The field being typed into, if any.
    pub fn active_editor(&mut self) -> Option<&mut LineEditor> {
        if !self.editing {
            return None;
        }
        match self.current() {
            Field::At => Some(&mut self.at),
            Field::Rating => Some(&mut self.rating),
            Field::PrevMonthAvg => Some(&mut self.prev_month_avg),
            Field::RenewalDate => Some(&mut self.renewal_date),
            Field::Member | Field::PriorBenefit => None,
        }
    }

    fn toggle(&mut self, field: Field) {
        match field {
            Field::Member => {
                self.member = match self.member {
                    Member::New => Member::Renewal,
                    Member::Renewal => Member::New,
                }
            }
            Field::PriorBenefit => self.prior_benefit = !self.prior_benefit,
            _ => {}
        }
    }

    /// The query the form describes, or what is wrong with each field.
    pub fn query(&self) -> (Option<Query>, Vec<(Field, String)>) {
        let mut errors = Vec::new();
        let at = clock::parse_instant(self.at.text())
            .map_err(|_| {
                errors.push((
                    Field::At,
                    "예: 2024-12-05T10:00:00+09:00 또는 2024-12-05".to_owned(),
                ));
            })
            .ok();
        let rating = if self.rating.text().trim().is_empty() {
            RatingInput::NotGiven
        } else {
            self.rating
                .text()
                .parse::<RatingInput>()
                .unwrap_or_else(|_| {
                    errors.push((
                        Field::Rating,
                        "0.0~5.0 (소수 둘째 자리까지) 또는 none".to_owned(),
                    ));
                    RatingInput::NotGiven
                })
        };
        let prev_month_avg = if self.prev_month_avg.text().trim().is_empty() {
            None
        } else {
            self.prev_month_avg
                .text()
                .parse::<Rating>()
                .map_err(|_| {
                    errors.push((
                        Field::PrevMonthAvg,
                        "0.0~5.0 (소수 둘째 자리까지)".to_owned(),
                    ));
                })
                .ok()
        };
        let renewal_date = if self.renewal_date.text().trim().is_empty() {
            None
        } else {
            NaiveDate::parse_from_str(self.renewal_date.text().trim(), "%Y-%m-%d")
                .map_err(|_| errors.push((Field::RenewalDate, "YYYY-MM-DD".to_owned())))
                .ok()
        };
        let query = at.map(|at| Query {
            at,
            member: self.member,
            rating,
            prev_month_avg,
            prior_benefit: self.prior_benefit,
            renewal_date,
        });
        (query, errors)
    }

    /// Whether anything was entered that quitting would lose.
    pub fn has_inputs(&self) -> bool {
        !self.rating.is_empty()
            || !self.prev_month_avg.is_empty()
            || !self.renewal_date.is_empty()
            || self.member != Member::New
            || self.prior_benefit
    }

    /// Keys while a field is being typed into: every key is the field's. Not yet typing, a
    /// digit or a decimal point on an empty numeric field (rating, last month's average)
    /// starts it: a rating typed as `4.1` goes into the field, not to panes 4 and 1. Once the
    /// field holds a value (changed with Enter), and on the other fields, digits pick panes.
    pub fn handle_input(&mut self, key: &KeyEvent) -> Outcome {
        if !self.editing {
            let plain = !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
            if let KeyCode::Char(c) = key.code
                && plain
                && (c.is_ascii_digit() || c == '.')
                && matches!(self.current(), Field::Rating | Field::PrevMonthAvg)
                && self
                    .editor(self.current())
                    .is_some_and(LineEditor::is_empty)
            {
                self.editing = true;
                if let Some(editor) = self.active_editor() {
                    editor.clear();
                    editor.handle(key);
                }
                return Outcome::done();
            }
            return Outcome::Ignored;
        }
        match key.code {
            KeyCode::Enter | KeyCode::Esc | KeyCode::Tab => self.editing = false,
            _ => {
                if let Some(editor) = self.active_editor() {
                    editor.handle(key);
                }
            }
        }
        Outcome::done()
    }

    pub fn handle(&mut self, ctx: &Context<'_>, action: Action) -> Outcome {
        let field = self.current();
        match action {
            Action::Down => self.field = (self.field + 1).min(Field::ALL.len() - 1),
            Action::Up => self.field = self.field.saturating_sub(1),
            Action::PageDown => self.scroll = self.scroll.saturating_add(5),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(5),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = u16::MAX,
            Action::Open if field.is_text() => self.editing = true,
            Action::Open | Action::Toggle => self.toggle(field),
            Action::Back if self.highlight.is_some() => self.highlight = None,
            Action::Copy | Action::CopyDetail => {
                let (query, _) = self.query();
                let command = match (query, ctx.policy()) {
                    (Some(query), Some(policy)) => {
                        let verdict = policy.evaluate(&query);
                        if action == Action::Copy {
                            Command::Copy {
                                what: "판정 한 줄",
                                text: verdict.summary,
                            }
                        } else {
                            Command::Copy {
                                what: "판정과 근거",
                                text: verdict_lines(&verdict, &query).join("\n"),
                            }
                        }
                    }
                    _ => Command::Toast("기준 시각을 고쳐야 판정할 수 있습니다".into()),
                };
                return Outcome::command(command);
            }
            _ => return Outcome::Ignored,
        }
        Outcome::done()
    }

    /// A field's value as the form shows it.
    fn field_value(&self, ctx: &Context<'_>, field: Field) -> String {
        match field {
            Field::Member => match self.member {
                Member::New => "(•) 신규 가입  ( ) 갱신".to_owned(),
                Member::Renewal => "( ) 신규 가입  (•) 갱신".to_owned(),
            },
            Field::PriorBenefit => {
                if self.prior_benefit {
                    let hint = ctx
                        .policy()
                        .map_or("받은 적 있음", |p| p.prior_benefit_hint());
                    format!("[x] {hint}")
                } else {
                    "[ ] 없음".to_owned()
                }
            }
            _ => self
                .editor(field)
                .map(|e| e.text().to_owned())
                .unwrap_or_default(),
        }
    }

    pub fn draw(
        &self,
        ctx: &Context<'_>,
        frame: &mut Frame<'_>,
        area: Rect,
        focused: bool,
    ) -> PaneDrawn {
        let theme = ctx.theme;
        let inner = framed(frame, area, theme, 3, "규정 조회", focused);
        let width = usize::from(inner.width);
        let (query, errors) = self.query();
        let mut lines: Vec<Line<'static>> = Vec::new();
        let mut cursor = None;
        for (index, field) in Field::ALL.into_iter().enumerate() {
            let selected = focused && index == self.field;
            let value = self.field_value(ctx, field);
            let placeholder = match field {
                Field::Rating if value.is_empty() => "미입력 (평점 없음: none)",
                Field::PrevMonthAvg if value.is_empty() => "미입력",
                Field::RenewalDate if value.is_empty() => "미입력 (YYYY-MM-DD)",
                _ => "",
            };
            let label = format!(
                "{}{}",
                field.label(),
                " ".repeat(14usize.saturating_sub(text_width(field.label())))
            );
            let label_style = if selected {
                theme.selected(true)
            } else {
                theme.dim()
            };
            let value_style = if selected && self.editing {
                theme.editing()
            } else {
                theme.normal()
            };
            let mut spans = vec![
                Span::styled(label.clone(), label_style),
                Span::raw(" "),
                Span::styled(inert(&value), value_style),
            ];
            if !placeholder.is_empty() {
                spans.push(Span::styled(placeholder, theme.dim()));
            }
            if let Some((_, message)) = errors.iter().find(|(f, _)| *f == field) {
                spans.push(Span::styled(format!("  ⚠ {message}"), theme.error()));
            }
            if selected
                && self.editing
                && let Some(editor) = self.editor(field)
            {
                let x = inner.x
                    + u16::try_from(text_width(&label) + 1 + editor.cursor_cells()).unwrap_or(0);
                cursor = Some((x, index));
            }
            lines.push(Line::from(spans));
        }
        lines.push(Line::default());
        match (&query, ctx.policy()) {
            (Some(query), Some(policy)) => {
                let verdict = policy.evaluate(query);
                lines.extend(verdict_view(&verdict, theme, width));
            }
            _ => lines.push(Line::from(Span::styled(
                "기준 시각을 고치면 판정이 나옵니다",
                theme.dim(),
            ))),
        }
        let list_starts = lines.len();
        let (rules, highlighted_at) = rule_list(ctx, self.highlight, theme, width);
        lines.extend(rules);

        // The form stays in view; what follows scrolls. A rule opened from search comes up
        // to the top of the scrolled part.
        let pinned = Field::ALL.len();
        let scroll = match highlighted_at {
            Some(at) if self.reveal => {
                u16::try_from((list_starts + at).saturating_sub(pinned)).unwrap_or(u16::MAX)
            }
            _ => self.scroll,
        };
        let scroll = draw_scrolled(frame, inner, lines, pinned, scroll);
        if let Some((x, row)) = cursor {
            let y = inner.y + u16::try_from(row).unwrap_or(u16::MAX);
            place_cursor(frame, inner, x, y);
        }
        PaneDrawn {
            list: None,
            scroll,
            text: Some(inner),
        }
    }
}

/// The verdict: phase, the one-line summary, then each answer that concerns the driver with
/// its reasons; the answers that do not are folded into one line.
fn verdict_view(verdict: &Verdict, theme: Theme, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled(phrases::PHASE_HEADING, theme.dim()),
        Span::styled(verdict.phase.label(), theme.strong()),
    ])];
    lines.extend(wrap(
        &[
            Segment::new(phrases::SUMMARY_HEADING, theme.dim()),
            Segment::new(verdict.summary.clone(), theme.strong()),
        ],
        width,
        5,
    ));
    for (title, answer) in verdict.applying() {
        let style = match answer.ok {
            Some(true) => theme.ok(),
            Some(false) => theme.error(),
            None => theme.warn(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{title}: "), theme.strong()),
            Span::styled(answer.verdict_label().to_owned(), style),
        ]));
        for reason in &answer.why {
            lines.extend(wrap(
                &[Segment::new(format!("  - {}", reason.text), theme.normal())],
                width,
                4,
            ));
            if !reason.source.is_empty() {
                lines.extend(wrap(
                    &[Segment::new(phrases::cited(&reason.source), theme.dim())],
                    width,
                    5,
                ));
            }
        }
    }
    let folded = verdict.not_applying();
    if !folded.is_empty() {
        lines.push(Line::from(Span::styled(
            phrases::folded(&folded.join(", ")),
            theme.dim(),
        )));
    }
    lines
}

/// The guide's rules, each with its first source; and the line where the highlighted rule
/// starts.
fn rule_list(
    ctx: &Context<'_>,
    highlight: Option<usize>,
    theme: Theme,
    width: usize,
) -> (Vec<Line<'static>>, Option<usize>) {
    let Some(guide) = ctx.current_guide() else {
        return (Vec::new(), None);
    };
    let mut highlighted_at = None;
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled("가이드 규정", theme.heading())),
    ];
    let related: Vec<&String> = if ctx.step_focus() == crate::content::StepFocus::Answer {
        ctx.current_qa()
            .map(|qa| qa.rules.iter().collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    for (index, rule) in guide.rules.iter().enumerate() {
        let marked = related.contains(&&rule.id) || highlight == Some(index);
        let style = if marked {
            theme.accent()
        } else {
            theme.strong()
        };
        let mark = if marked { "★ " } else { "· " };
        if highlight == Some(index) {
            highlighted_at = Some(lines.len());
        }
        lines.extend(wrap(
            &[Segment::new(
                format!("{mark}{}", crate::rules::summary(&rule.terms)),
                style,
            )],
            width,
            2,
        ));
        if let Some(source) = rule.sources.first().and_then(|id| ctx.content.sentence(id)) {
            lines.extend(wrap_text(
                &format!("  \"{}\"", source.text.replace('\n', " ")),
                theme.dim(),
                width,
                3,
            ));
        }
    }
    (lines, highlighted_at)
}
