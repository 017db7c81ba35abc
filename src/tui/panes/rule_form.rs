//! 규정 조회: a form whose answers update as the agent types, each with the guide's
//! sentence; below it, every rule of the guide with its source. The fields are the current
//! guide's: the instant; for the membership guide signup or renewal, rating, last month's
//! average, earlier benefit and renewal date; for any guide, one field per input its
//! reviewed threshold rules read (수락률, 평점…).

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
use crate::content::{Guide, InputUnit, RuleTerms};
use crate::rules::threshold;
use crate::rules::{Member, Query, Rating, RatingInput, Verdict, phrases, verdict_lines};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    At,
    Member,
    Rating,
    PrevMonthAvg,
    PriorBenefit,
    RenewalDate,
    /// The `n`-th input of the guide's threshold rules.
    Input(usize),
}

/// The membership form's fields, after the instant.
const MEMBERSHIP: [Field; 5] = [
    Field::Member,
    Field::Rating,
    Field::PrevMonthAvg,
    Field::PriorBenefit,
    Field::RenewalDate,
];

impl Field {
    fn is_text(self) -> bool {
        !matches!(self, Field::Member | Field::PriorBenefit)
    }

    /// A number typed on the empty field starts typing into it.
    fn is_numeric(self) -> bool {
        matches!(self, Field::Rating | Field::PrevMonthAvg | Field::Input(_))
    }
}

/// A typed threshold input: its place, and its name, unit and value or what is wrong.
type TypedInput<'a> = (usize, Result<(&'a str, InputUnit, f64), String>);

/// One input of the guide's threshold rules, as the form holds it.
#[derive(Debug)]
pub struct ThresholdInput {
    pub name: String,
    pub unit: InputUnit,
    pub editor: LineEditor,
}

/// Whether a guide has rules the membership engine reads (reviewed ones).
fn has_membership_rules(guide: &Guide) -> bool {
    guide.rules.iter().filter(|r| !r.is_draft()).any(|r| {
        !matches!(
            r.terms,
            RuleTerms::Threshold { .. } | RuleTerms::ScheduleChange { .. }
        )
    })
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
    /// The current guide's threshold inputs.
    pub inputs: Vec<ThresholdInput>,
    /// The fields the current guide's rules need, in order.
    pub fields: Vec<Field>,
    pub scroll: u16,
    /// A rule opened from search, by its index in the guide.
    pub highlight: Option<usize>,
    /// The next frame scrolls the highlighted rule into view.
    pub reveal: bool,
}

impl State {
    /// A blank form at `now`, with the fields of `guide`'s rules.
    pub fn new(now: DateTime<FixedOffset>, guide: Option<&Guide>) -> Self {
        let mut state = Self {
            field: 0,
            editing: false,
            at: LineEditor::with_text(FieldKind::RuleInput, &clock::rfc3339_kst(&now)),
            member: Member::New,
            rating: LineEditor::new(FieldKind::RuleInput),
            prev_month_avg: LineEditor::new(FieldKind::RuleInput),
            prior_benefit: false,
            renewal_date: LineEditor::new(FieldKind::RuleInput),
            inputs: Vec::new(),
            fields: std::iter::once(Field::At).chain(MEMBERSHIP).collect(),
            scroll: 0,
            highlight: None,
            reveal: false,
        };
        if let Some(guide) = guide {
            state.for_guide(guide);
        }
        state
    }

    /// The form for `guide`'s rules: its fields, and its threshold inputs (a value typed
    /// for an input of the same name on another guide is kept).
    pub fn for_guide(&mut self, guide: &Guide) {
        let mut fields = vec![Field::At];
        let membership = has_membership_rules(guide);
        if membership {
            fields.extend(MEMBERSHIP);
        }
        let old = std::mem::take(&mut self.inputs);
        for (n, (name, unit)) in threshold::inputs(guide).into_iter().enumerate() {
            let editor = old
                .iter()
                .find(|i| threshold::same_name(&i.name, name))
                .map_or_else(
                    || LineEditor::new(FieldKind::RuleInput),
                    |i| LineEditor::with_text(FieldKind::RuleInput, i.editor.text()),
                );
            self.inputs.push(ThresholdInput {
                name: name.to_owned(),
                unit,
                editor,
            });
            fields.push(Field::Input(n));
        }
        self.fields = fields;
        self.field = self.field.min(self.fields.len() - 1);
        self.editing = false;
    }

    fn current(&self) -> Field {
        self.fields.get(self.field).copied().unwrap_or(Field::At)
    }

    fn label(&self, field: Field) -> &str {
        match field {
            Field::At => "기준 시각",
            Field::Member => "구분",
            Field::Rating => "평점",
            Field::PrevMonthAvg => "전월 평균",
            Field::PriorBenefit => "과거 무료혜택",
            Field::RenewalDate => "갱신일",
            Field::Input(n) => self.inputs.get(n).map_or("", |i| i.name.as_str()),
        }
    }

    fn editor(&self, field: Field) -> Option<&LineEditor> {
        match field {
            Field::At => Some(&self.at),
            Field::Rating => Some(&self.rating),
            Field::PrevMonthAvg => Some(&self.prev_month_avg),
            Field::RenewalDate => Some(&self.renewal_date),
            Field::Input(n) => self.inputs.get(n).map(|i| &i.editor),
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
            Field::Input(n) => self.inputs.get_mut(n).map(|i| &mut i.editor),
            Field::Member | Field::PriorBenefit => None,
        }
    }

    /// Each threshold input with a value: its name, unit and value, or what is wrong.
    fn threshold_values(&self) -> Vec<TypedInput<'_>> {
        self.inputs
            .iter()
            .enumerate()
            .filter(|(_, input)| !input.editor.text().trim().is_empty())
            .map(|(n, input)| {
                let parsed = threshold::parse_value(input.unit, &input.name, input.editor.text())
                    .map(|value| (input.name.as_str(), input.unit, value))
                    .map_err(|e| e.to_string());
                (n, parsed)
            })
            .collect()
    }

    /// The threshold answers for what was typed, as lines to read or copy.
    fn threshold_lines(&self, ctx: &Context<'_>, at: &DateTime<FixedOffset>) -> Vec<String> {
        let Some(guide) = ctx.current_guide() else {
            return Vec::new();
        };
        self.threshold_values()
            .into_iter()
            .filter_map(|(_, parsed)| parsed.ok())
            .filter_map(|(name, unit, value)| {
                threshold::evaluate(ctx.content, guide, name, value, at)
                    .ok()
                    .map(|verdict| verdict.lines(guide, unit, at))
            })
            .flatten()
            .collect()
    }

    /// Whether the selected field is a choice that Space changes (the footer names Space
    /// only there).
    pub fn can_toggle(&self) -> bool {
        matches!(self.current(), Field::Member | Field::PriorBenefit)
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

    /// The verdict on one line for the ticket: the membership summary where the form has
    /// membership inputs, each threshold answer where an input was typed; `None` with
    /// nothing entered.
    pub fn verdict_summary(&self, ctx: &Context<'_>) -> Option<String> {
        let (query, _) = self.query();
        let query = query?;
        let mut parts = Vec::new();
        if self.fields.contains(&Field::Member)
            && self.membership_typed()
            && let Some(policy) = ctx.policy()
        {
            parts.push(policy.evaluate(&query).summary);
        }
        parts.extend(
            self.threshold_lines(ctx, &query.at)
                .into_iter()
                .skip(1)
                .filter(|line| !line.starts_with("  ")),
        );
        (!parts.is_empty()).then(|| parts.join(" / "))
    }

    /// Whether anything was entered that quitting would lose.
    pub fn has_inputs(&self) -> bool {
        self.inputs.iter().any(|i| !i.editor.is_empty()) || self.membership_typed()
    }

    /// Whether any membership input differs from a blank form.
    fn membership_typed(&self) -> bool {
        !self.rating.is_empty()
            || !self.prev_month_avg.is_empty()
            || !self.renewal_date.is_empty()
            || self.member != Member::New
            || self.prior_benefit
    }

    /// Not yet typing, a digit or a decimal point on an empty numeric field (rating, last
    /// month's average) starts typing into it: a rating typed as `4.1` goes into the field,
    /// not to panes 4 and 1. Once the field holds a value (changed with Enter), and on the
    /// other fields, digits pick panes. Whether the key was taken.
    pub fn start_typing(&mut self, key: &KeyEvent) -> bool {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let KeyCode::Char(c) = key.code else {
            return false;
        };
        if !(plain
            && (c.is_ascii_digit() || c == '.')
            && self.current().is_numeric()
            && self
                .editor(self.current())
                .is_some_and(LineEditor::is_empty))
        {
            return false;
        }
        self.editing = true;
        if let Some(editor) = self.active_editor() {
            editor.clear();
            editor.handle(key);
        }
        true
    }

    /// A key while a value is typed (the key table's `RuleInput` layer): `Done` ends typing,
    /// anything else is the field's.
    pub fn field_key(&mut self, action: Option<Action>, key: &KeyEvent) {
        if action == Some(Action::Done) {
            self.editing = false;
        } else if let Some(editor) = self.active_editor() {
            editor.handle(key);
        }
    }

    pub fn handle(&mut self, ctx: &Context<'_>, action: Action) -> Outcome {
        let field = self.current();
        match action {
            Action::Down => self.field = (self.field + 1).min(self.fields.len() - 1),
            Action::Up => self.field = self.field.saturating_sub(1),
            Action::PageDown => self.scroll = self.scroll.saturating_add(5),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(5),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = u16::MAX,
            Action::Open if field.is_text() => self.editing = true,
            Action::Open | Action::Toggle => self.toggle(field),
            Action::Back if self.highlight.is_some() => self.highlight = None,
            Action::Copy | Action::CopyDetail if !self.inputs.is_empty() => {
                let (query, _) = self.query();
                let lines = query
                    .map(|q| self.threshold_lines(ctx, &q.at))
                    .unwrap_or_default();
                let command = if lines.is_empty() {
                    Command::Toast("기준 값을 입력하면 판정을 복사할 수 있습니다".into())
                } else if action == Action::Copy {
                    Command::Copy {
                        what: "판정 한 줄",
                        text: self.verdict_summary(ctx).unwrap_or_default(),
                    }
                } else {
                    Command::Copy {
                        what: "판정과 근거",
                        text: lines.join("\n"),
                    }
                };
                return Outcome::command(command);
            }
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
        let threshold_errors: Vec<(Field, String)> = self
            .threshold_values()
            .into_iter()
            .filter_map(|(n, parsed)| parsed.err().map(|e| (Field::Input(n), e)))
            .collect();
        for (index, field) in self.fields.iter().copied().enumerate() {
            let selected = focused && index == self.field;
            let value = self.field_value(ctx, field);
            let placeholder = match field {
                Field::Rating if value.is_empty() => "미입력 (평점 없음: none)",
                Field::PrevMonthAvg | Field::Input(_) if value.is_empty() => "미입력",
                Field::RenewalDate if value.is_empty() => "미입력 (YYYY-MM-DD)",
                _ => "",
            };
            let name = self.label(field);
            let label = format!(
                "{name}{}",
                " ".repeat(14usize.saturating_sub(text_width(name)))
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
            if let Some((_, message)) = errors
                .iter()
                .chain(&threshold_errors)
                .find(|(f, _)| *f == field)
            {
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
        lines.extend(self.answers(ctx, query.as_ref(), theme, width));
        let list_starts = lines.len();
        let (rules, highlighted_at) = rule_list(ctx, self.highlight, theme, width);
        lines.extend(rules);

        // The form stays in view; what follows scrolls. A rule opened from search comes up
        // to the top of the scrolled part.
        let pinned = self.fields.len();
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

impl State {
    /// What the form answers: the membership verdict, each threshold input's answers, or
    /// why the guide has nothing to answer.
    fn answers(
        &self,
        ctx: &Context<'_>,
        query: Option<&Query>,
        theme: Theme,
        width: usize,
    ) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let membership = self.fields.contains(&Field::Member);
        match (query, ctx.policy()) {
            (Some(query), Some(policy)) if membership => {
                let verdict = policy.evaluate(query);
                lines.extend(verdict_view(&verdict, theme, width));
            }
            (None, _) => lines.push(Line::from(Span::styled(
                "기준 시각을 고치면 판정이 나옵니다",
                theme.dim(),
            ))),
            _ => {}
        }
        if let Some(query) = query
            && !self.inputs.is_empty()
        {
            lines.extend(self.threshold_view(ctx, &query.at, theme, width));
        }
        if !membership && self.inputs.is_empty() {
            let drafts = ctx
                .current_guide()
                .map_or(0, |g| g.rules.iter().filter(|r| r.is_draft()).count());
            let text = if drafts > 0 {
                format!("이 가이드의 규정은 검토 전 초안 {drafts}건뿐이라 판정하지 않습니다")
            } else {
                "이 가이드에는 판정할 규정이 없습니다".to_owned()
            };
            lines.extend(wrap_text(&text, theme.dim(), width, 0));
        }
        lines
    }

    /// Each typed input's answers: a line per rule (met, not met, not in force) with its
    /// sources; an input not typed yet says so.
    fn threshold_view(
        &self,
        ctx: &Context<'_>,
        at: &DateTime<FixedOffset>,
        theme: Theme,
        width: usize,
    ) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let Some(guide) = ctx.current_guide() else {
            return lines;
        };
        let typed = self.threshold_values();
        for (n, input) in self.inputs.iter().enumerate() {
            let value = typed
                .iter()
                .find(|(k, _)| *k == n)
                .and_then(|(_, parsed)| parsed.as_ref().ok());
            let Some((name, _, value)) = value else {
                lines.extend(wrap_text(
                    &format!("{}을(를) 입력하면 판정이 나옵니다", input.name),
                    theme.dim(),
                    width,
                    0,
                ));
                continue;
            };
            let Ok(verdict) = threshold::evaluate(ctx.content, guide, name, *value, at) else {
                continue;
            };
            for answer in &verdict.answers {
                let style = match answer.met {
                    Some(true) => theme.ok(),
                    Some(false) => theme.error(),
                    None => theme.warn(),
                };
                lines.extend(wrap(&[Segment::new(answer.text.clone(), style)], width, 2));
                for source in &answer.sources {
                    lines.extend(wrap(
                        &[Segment::new(
                            phrases::cited(&source.text.replace('\n', " ")),
                            theme.dim(),
                        )],
                        width,
                        5,
                    ));
                }
            }
        }
        lines
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
        } else if rule.is_draft() {
            theme.dim()
        } else {
            theme.strong()
        };
        let mark = if marked {
            "★ "
        } else if rule.is_draft() {
            "◌ 초안 "
        } else {
            "· "
        };
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
