//! 규정 조회: a form whose answers update as the agent types, each with the guide's
//! sentence; below it, every rule of the guide with its source. The fields are the current
//! guide's declared inputs that its reviewed rules read (for the membership guide: 구분,
//! 평점, 전월 평균, 과거 무료혜택, 갱신일; for another, its own such as 수락률), after the
//! instant.

use chrono::{DateTime, FixedOffset};
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
use crate::content::{Guide, InputKind, InputUnit, RuleInput, RuleTerms, decision};
use crate::rules::threshold;
use crate::rules::{Given, Query, Values, Verdict, inputs, phrases, verdict_lines};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    At,
    /// The `n`-th declared input of the guide that its reviewed rules read.
    Input(usize),
}

/// One declared input, as the form holds it: typed text, a choice, or a yes.
#[derive(Debug)]
pub struct FormInput {
    pub input: RuleInput,
    pub editor: LineEditor,
    /// The option chosen, for a choice.
    pub choice: usize,
    /// Ticked, for a yes/no.
    pub yes: bool,
}

impl FormInput {
    fn new(input: &RuleInput) -> Self {
        Self {
            input: input.clone(),
            editor: LineEditor::new(FieldKind::RuleInput),
            choice: 0,
            yes: false,
        }
    }

    fn is_text(&self) -> bool {
        matches!(self.input.kind, InputKind::Metric | InputKind::Date)
    }

    /// Whether it differs from a blank form.
    fn is_given(&self) -> bool {
        !self.editor.is_empty() || self.choice != 0 || self.yes
    }

    /// What the field holds, for the query: absent when not given (a choice always is).
    fn given(&self) -> Option<Result<Given, String>> {
        match self.input.kind {
            InputKind::Choice => self
                .input
                .options
                .get(self.choice)
                .map(|option| Ok(Given::Choice(option.value.clone()))),
            InputKind::YesNo => self.yes.then_some(Ok(Given::Yes)),
            InputKind::Metric | InputKind::Date => {
                let text = self.editor.text().trim();
                (!text.is_empty())
                    .then(|| inputs::parse(&self.input, text).map_err(|_| self.expected()))
            }
        }
    }

    /// What the field accepts, shown beside a value it cannot read.
    fn expected(&self) -> String {
        match (self.input.kind, self.input.unit) {
            (InputKind::Date, _) => "YYYY-MM-DD".to_owned(),
            (_, Some(InputUnit::Rating)) if self.input.none.is_some() => {
                "0.0~5.0 (소수 둘째 자리까지), 없으면 없음".to_owned()
            }
            (_, Some(InputUnit::Rating)) => "0.0~5.0 (소수 둘째 자리까지)".to_owned(),
            (_, Some(InputUnit::Percent)) => "0~100 (예: 82 또는 82%)".to_owned(),
            _ => "0 이상의 정수".to_owned(),
        }
    }

    /// Whether the metric reads conditions outside the subscription lifecycle (shown each
    /// with its own line, as `check --input` does).
    fn reads_conditions(&self, guide: &Guide) -> bool {
        self.input.kind == InputKind::Metric
            && guide.rules.iter().filter(|r| !r.is_draft()).any(|rule| {
                matches!(&rule.terms, RuleTerms::Condition { decides, .. }
                    if !decision::LIFECYCLE.contains(&decides.as_str()))
                    && inputs::reads(&rule.terms, &self.input)
            })
    }
}

#[derive(Debug)]
pub struct State {
    pub field: usize,
    pub editing: bool,
    /// A value was just entered (Enter): the digits that follow are pane jumps again, not a
    /// new value for the same field, until the agent moves to a field (`j`/`k`) or opens it.
    settled: bool,
    pub at: LineEditor,
    /// The current guide's inputs.
    pub inputs: Vec<FormInput>,
    /// The fields, in order: the instant, then the inputs.
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
            settled: false,
            at: LineEditor::with_text(FieldKind::RuleInput, &clock::rfc3339_kst(&now)),
            inputs: Vec::new(),
            fields: vec![Field::At],
            scroll: 0,
            highlight: None,
            reveal: false,
        };
        if let Some(guide) = guide {
            state.for_guide(guide);
        }
        state
    }

    /// The form for `guide`'s rules: a field per input its reviewed rules read (what was
    /// typed for an input of the same flag on another guide is kept).
    pub fn for_guide(&mut self, guide: &Guide) {
        let old = std::mem::take(&mut self.inputs);
        for input in inputs::used(guide) {
            let mut field = FormInput::new(input);
            if let Some(kept) = old.iter().find(|i| i.input.flag == input.flag) {
                field.editor = LineEditor::with_text(FieldKind::RuleInput, kept.editor.text());
                field.yes = kept.yes;
                field.choice = kept
                    .input
                    .options
                    .get(kept.choice)
                    .and_then(|o| input.options.iter().position(|p| p.value == o.value))
                    .unwrap_or(0);
            }
            self.inputs.push(field);
        }
        self.fields = std::iter::once(Field::At)
            .chain((0..self.inputs.len()).map(Field::Input))
            .collect();
        // The first field the guide asks about, not the instant (it is rarely changed, and
        // a number typed first is a driver's value).
        self.field = self
            .field
            .clamp(usize::from(self.fields.len() > 1), self.fields.len() - 1);
        self.editing = false;
        self.settled = false;
    }

    fn current(&self) -> Field {
        self.fields.get(self.field).copied().unwrap_or(Field::At)
    }

    fn input(&self, field: Field) -> Option<&FormInput> {
        match field {
            Field::At => None,
            Field::Input(n) => self.inputs.get(n),
        }
    }

    /// The text typed for the input `id` (for tests and the wrap-up).
    pub fn text_of(&self, id: &str) -> Option<&str> {
        self.inputs
            .iter()
            .find(|i| i.input.id == id)
            .map(|i| i.editor.text())
    }

    fn label(&self, field: Field) -> &str {
        match field {
            Field::At => "기준 시각",
            Field::Input(n) => self.inputs.get(n).map_or("", |i| i.input.label.as_str()),
        }
    }

    fn is_text(&self, field: Field) -> bool {
        match field {
            Field::At => true,
            Field::Input(_) => self.input(field).is_some_and(FormInput::is_text),
        }
    }

    /// Whether `c`, typed on `field` while it is selected, starts a value for it: a digit
    /// anywhere a number or a date goes; a decimal point or a minus where a number goes; the
    /// first letter of `없음` or `none` where the input may have no value.
    fn starts_value(&self, field: Field, c: char) -> bool {
        let Some(form) = self.input(field) else {
            // The instant: a date typed over it, once the agent went up to it. A guide that
            // asks nothing has only the instant, and there a digit still jumps to a pane
            // (Enter edits the instant).
            return field == Field::At && !self.inputs.is_empty() && c.is_ascii_digit();
        };
        match form.input.kind {
            InputKind::Metric => {
                c.is_ascii_digit()
                    || matches!(c, '.' | '-')
                    || (form.input.none.is_some() && matches!(c, '없' | 'n' | 'N'))
            }
            InputKind::Date => c.is_ascii_digit(),
            InputKind::Choice | InputKind::YesNo => false,
        }
    }

    /// Whether the selected field takes what is typed (digits go into it, not to the panes).
    pub fn takes_typing(&self) -> bool {
        let field = self.current();
        !self.settled && self.is_text(field) && (field != Field::At || !self.inputs.is_empty())
    }

    fn editor(&self, field: Field) -> Option<&LineEditor> {
        match field {
            Field::At => Some(&self.at),
            Field::Input(n) => self
                .inputs
                .get(n)
                .filter(|i| i.is_text())
                .map(|i| &i.editor),
        }
    }

    /// The field being typed into, if any.
    pub fn active_editor(&mut self) -> Option<&mut LineEditor> {
        if !self.editing {
            return None;
        }
        match self.current() {
            Field::At => Some(&mut self.at),
            Field::Input(n) => self
                .inputs
                .get_mut(n)
                .filter(|i| i.is_text())
                .map(|i| &mut i.editor),
        }
    }

    /// Whether the selected field is a choice that Space changes (the footer names Space
    /// only there).
    pub fn can_toggle(&self) -> bool {
        self.input(self.current())
            .is_some_and(|i| matches!(i.input.kind, InputKind::Choice | InputKind::YesNo))
    }

    fn toggle(&mut self, field: Field) {
        let Field::Input(n) = field else {
            return;
        };
        if let Some(form) = self.inputs.get_mut(n) {
            match form.input.kind {
                InputKind::Choice => {
                    form.choice = (form.choice + 1) % form.input.options.len().max(1);
                }
                InputKind::YesNo => form.yes = !form.yes,
                InputKind::Metric | InputKind::Date => {}
            }
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
        let mut values = Values::default();
        for (n, form) in self.inputs.iter().enumerate() {
            match form.given() {
                Some(Ok(given)) => values.set(form.input.id.clone(), given),
                Some(Err(expected)) => errors.push((Field::Input(n), expected)),
                None => {}
            }
        }
        (at.map(|at| Query { at, values }), errors)
    }

    /// Each metric input that reads a help centre's own conditions, with its value: the
    /// question `check --input` asks, and its answer.
    fn condition_verdicts(
        &self,
        ctx: &Context<'_>,
        query: &Query,
    ) -> Vec<(threshold::ThresholdVerdict, InputUnit)> {
        let Some(guide) = ctx.current_guide() else {
            return Vec::new();
        };
        self.inputs
            .iter()
            .filter(|form| form.reads_conditions(guide))
            .filter_map(|form| {
                let value = query.values.number(&form.input.id)?;
                let asked = threshold::asked(guide, &form.input.label).ok()?;
                let unit = asked.unit;
                Some((
                    threshold::evaluate(ctx.content, guide, &asked, value, &query.at),
                    unit,
                ))
            })
            .collect()
    }

    /// The answers to a help centre's own conditions, as lines to read or copy.
    fn threshold_lines(&self, ctx: &Context<'_>, query: &Query) -> Vec<String> {
        let Some(guide) = ctx.current_guide() else {
            return Vec::new();
        };
        self.condition_verdicts(ctx, query)
            .into_iter()
            .flat_map(|(verdict, unit)| verdict.lines(guide, unit, &query.at))
            .collect()
    }

    /// The verdict on one line for the ticket: the subscription's summary where the guide
    /// decides it, each condition's answer where a value was typed; `None` with nothing
    /// entered.
    pub fn verdict_summary(&self, ctx: &Context<'_>) -> Option<String> {
        let (query, _) = self.query();
        let query = query?;
        let mut parts = Vec::new();
        if let Some(policy) = ctx.policy()
            && policy.decides_lifecycle()
            && self.lifecycle_typed(ctx)
        {
            parts.push(
                policy
                    .evaluate(&query)
                    .summary
                    .split(" / ")
                    .next()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        parts.extend(
            self.threshold_lines(ctx, &query)
                .into_iter()
                .filter(|line| !line.starts_with("  "))
                .filter(|line| line.starts_with(['✓', '✗', '·'])),
        );
        (!parts.is_empty()).then(|| parts.join(" / "))
    }

    /// Whether anything was entered that quitting would lose.
    pub fn has_inputs(&self) -> bool {
        self.inputs.iter().any(FormInput::is_given)
    }

    /// Whether an input the subscription reads differs from a blank form.
    fn lifecycle_typed(&self, ctx: &Context<'_>) -> bool {
        let guide = ctx.current_guide();
        self.inputs
            .iter()
            .filter(|form| guide.is_none_or(|g| !form.reads_conditions(g)))
            .any(FormInput::is_given)
    }

    /// Not yet typing, a character that starts a value for the selected field (a digit, a
    /// decimal point, `없음`, `none`…) starts typing into it, and the field is filled anew:
    /// a rating typed as `3.9` goes into the field, not to pane 3 and a search. Enter
    /// changes the value the field holds instead. Whether the key was taken.
    pub fn start_typing(&mut self, key: &KeyEvent) -> bool {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let KeyCode::Char(c) = key.code else {
            return false;
        };
        if self.settled || !(plain && self.starts_value(self.current(), c)) {
            return false;
        }
        self.editing = true;
        if let Some(editor) = self.active_editor() {
            editor.clear();
            editor.handle(key);
        }
        true
    }

    /// A paste on the selected value field (not yet typing): the field is filled anew with
    /// it and stays open for typing, as when its first character is typed.
    pub fn paste_value(&mut self, text: &str) {
        if !self.takes_typing() {
            return;
        }
        self.editing = true;
        if let Some(editor) = self.active_editor() {
            editor.clear();
            editor.insert_str(text);
        }
    }

    /// A key while a value is typed (the key table's `RuleInput` layer): `Done` ends typing,
    /// anything else is the field's.
    pub fn field_key(&mut self, action: Option<Action>, key: &KeyEvent) {
        if action == Some(Action::Done) {
            self.editing = false;
            self.settled = true;
        } else if let Some(editor) = self.active_editor() {
            editor.handle(key);
        }
    }

    pub fn handle(&mut self, ctx: &Context<'_>, action: Action) -> Outcome {
        let field = self.current();
        match action {
            Action::Down => {
                self.field = (self.field + 1).min(self.fields.len() - 1);
                self.settled = false;
            }
            Action::Up => {
                self.field = self.field.saturating_sub(1);
                self.settled = false;
            }
            Action::PageDown => self.scroll = self.scroll.saturating_add(5),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(5),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = u16::MAX,
            Action::Open if self.is_text(field) => {
                self.editing = true;
                self.settled = false;
            }
            Action::Open | Action::Toggle => self.toggle(field),
            Action::Back if self.highlight.is_some() => self.highlight = None,
            Action::Copy | Action::CopyDetail => {
                let (query, _) = self.query();
                let Some(query) = query else {
                    return Outcome::command(Command::Toast(
                        "기준 시각을 고쳐야 판정할 수 있습니다".into(),
                    ));
                };
                let lifecycle = ctx.policy().is_some_and(|p| p.decides_lifecycle());
                let mut lines = Vec::new();
                if lifecycle && let Some(policy) = ctx.policy() {
                    let verdict = policy.evaluate(&query);
                    lines.extend(verdict_lines(&verdict, &query));
                }
                lines.extend(self.threshold_lines(ctx, &query));
                let command = if lines.is_empty() {
                    Command::Toast("기준 값을 입력하면 판정을 복사할 수 있습니다".into())
                } else if action == Action::Copy {
                    let summary = if lifecycle {
                        ctx.policy()
                            .map(|p| p.evaluate(&query).summary)
                            .unwrap_or_default()
                    } else {
                        self.verdict_summary(ctx).unwrap_or_default()
                    };
                    Command::Copy {
                        what: "판정 한 줄",
                        text: summary,
                    }
                } else {
                    Command::Copy {
                        what: "판정과 근거",
                        text: lines.join("\n"),
                    }
                };
                return Outcome::command(command);
            }
            _ => return Outcome::Ignored,
        }
        Outcome::done()
    }

    /// A field's value as the form shows it.
    fn field_value(&self, ctx: &Context<'_>, field: Field) -> String {
        let Some(form) = self.input(field) else {
            return self.at.text().to_owned();
        };
        match form.input.kind {
            InputKind::Choice => form
                .input
                .options
                .iter()
                .enumerate()
                .map(|(n, option)| {
                    let mark = if n == form.choice { "(•)" } else { "( )" };
                    format!("{mark} {}", option.short_label())
                })
                .collect::<Vec<_>>()
                .join("  "),
            InputKind::YesNo => {
                if form.yes {
                    let hint = ctx
                        .policy()
                        .map_or(phrases::PRIOR_BENEFIT, |p| p.prior_benefit_hint());
                    format!("[x] {hint}")
                } else {
                    "[ ] 없음".to_owned()
                }
            }
            InputKind::Metric | InputKind::Date => form.editor.text().to_owned(),
        }
    }

    /// The words shown in an empty field: what it takes.
    fn placeholder(&self, field: Field) -> String {
        let Some(form) = self.input(field) else {
            return String::new();
        };
        if !form.editor.is_empty() {
            return String::new();
        }
        match (form.input.kind, &form.input.none) {
            (InputKind::Metric, Some(none)) => format!("미입력 (숫자 입력, {none}: 없음)"),
            (InputKind::Metric, None) => "미입력".to_owned(),
            (InputKind::Date, _) => "미입력 (YYYY-MM-DD)".to_owned(),
            _ => String::new(),
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
        for (index, field) in self.fields.iter().copied().enumerate() {
            let selected = focused && index == self.field;
            let value = self.field_value(ctx, field);
            let placeholder = self.placeholder(field);
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
    /// What the form answers: the subscription's verdict, each condition of the guide's own
    /// on a typed value, or why the guide has nothing to answer.
    fn answers(
        &self,
        ctx: &Context<'_>,
        query: Option<&Query>,
        theme: Theme,
        width: usize,
    ) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let Some(query) = query else {
            lines.push(Line::from(Span::styled(
                "기준 시각을 고치면 판정이 나옵니다",
                theme.dim(),
            )));
            return lines;
        };
        let lifecycle = ctx.policy().is_some_and(|p| p.decides_lifecycle());
        if lifecycle && let Some(policy) = ctx.policy() {
            lines.extend(verdict_view(&policy.evaluate(query), theme, width));
        }
        lines.extend(self.threshold_view(ctx, query, theme, width));
        if !lifecycle && self.inputs.is_empty() {
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

    /// Each condition of the guide's own on a typed value: a line per rule (met, not met,
    /// not in force) with its sources; an input not typed yet says so.
    fn threshold_view(
        &self,
        ctx: &Context<'_>,
        query: &Query,
        theme: Theme,
        width: usize,
    ) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let Some(guide) = ctx.current_guide() else {
            return lines;
        };
        let verdicts = self.condition_verdicts(ctx, query);
        for form in self.inputs.iter().filter(|f| f.reads_conditions(guide)) {
            if query.values.get(&form.input.id).is_none() {
                lines.extend(wrap_text(
                    &format!(
                        "{} 입력하면 판정이 나옵니다",
                        crate::josa::attach(&form.input.label, crate::josa::Particle::EulReul)
                    ),
                    theme.dim(),
                    width,
                    0,
                ));
            }
        }
        for (verdict, _) in verdicts {
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
        } else if rule.status == crate::content::RuleStatus::Rejected {
            "✗ 거절 "
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
                format!("{mark}{}", crate::rules::summary(guide, &rule.terms)),
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
