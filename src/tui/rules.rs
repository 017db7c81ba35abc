//! 규정 조회: a form (instant, signup or renewal, rating, last month's average, earlier
//! benefit, renewal date) whose answers update as the agent types, each with the guide's
//! sentence; below it, every rule of the guide with its source.

use chrono::{DateTime, FixedOffset, NaiveDate};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use super::app::App;
use super::keymap::Action;
use super::text::{Segment, inert, width as text_width, wrap, wrap_text};
use super::ui::{Theme, draw_scrolled, pane_block, place_cursor};
use crate::clock;
use crate::rules::{Member, Query, Rating, RatingInput, Verdict, verdict_lines};

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
    pub at: String,
    pub member: Member,
    pub rating: String,
    pub prev_month_avg: String,
    pub prior_benefit: bool,
    pub renewal_date: String,
    pub scroll: u16,
    /// A rule opened from search.
    pub highlight: Option<usize>,
}

impl State {
    pub fn new(now: DateTime<FixedOffset>) -> Self {
        Self {
            field: 0,
            editing: false,
            at: clock::rfc3339_kst(&now),
            member: Member::New,
            rating: String::new(),
            prev_month_avg: String::new(),
            prior_benefit: false,
            renewal_date: String::new(),
            scroll: 0,
            highlight: None,
        }
    }

    fn current(&self) -> Field {
        Field::ALL[self.field.min(Field::ALL.len() - 1)]
    }

    fn text_mut(&mut self, field: Field) -> Option<&mut String> {
        match field {
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
        let at = clock::parse_instant(&self.at)
            .map_err(|_| {
                errors.push((
                    Field::At,
                    "예: 2024-12-05T10:00:00+09:00 또는 2024-12-05".to_owned(),
                ));
            })
            .ok();
        let rating = if self.rating.trim().is_empty() {
            RatingInput::NotGiven
        } else {
            self.rating.parse::<RatingInput>().unwrap_or_else(|_| {
                errors.push((
                    Field::Rating,
                    "0.0~5.0 (소수 둘째 자리까지) 또는 none".to_owned(),
                ));
                RatingInput::NotGiven
            })
        };
        let prev_month_avg = if self.prev_month_avg.trim().is_empty() {
            None
        } else {
            self.prev_month_avg
                .parse::<Rating>()
                .map_err(|_| {
                    errors.push((
                        Field::PrevMonthAvg,
                        "0.0~5.0 (소수 둘째 자리까지)".to_owned(),
                    ));
                })
                .ok()
        };
        let renewal_date = if self.renewal_date.trim().is_empty() {
            None
        } else {
            NaiveDate::parse_from_str(self.renewal_date.trim(), "%Y-%m-%d")
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
}

/// Keys while a field is being typed into. Returns whether the key was taken.
pub fn handle_input(app: &mut App, key: &KeyEvent) -> bool {
    if !app.rules.editing {
        return false;
    }
    let field = app.rules.current();
    match key.code {
        KeyCode::Enter | KeyCode::Esc | KeyCode::Tab => app.rules.editing = false,
        KeyCode::Backspace => {
            if let Some(text) = app.rules.text_mut(field) {
                text.pop();
            }
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            if let Some(text) = app.rules.text_mut(field) {
                text.clear();
            }
        }
        KeyCode::Char(ch) if !ch.is_control() && !key.modifiers.contains(KeyModifiers::CONTROL) => {
            if let Some(text) = app.rules.text_mut(field)
                && text.chars().count() < 40
            {
                text.push(ch);
            }
        }
        _ => {}
    }
    true
}

pub fn handle(app: &mut App, action: Action) -> bool {
    let field = app.rules.current();
    match action {
        Action::Down => app.rules.field = (app.rules.field + 1).min(Field::ALL.len() - 1),
        Action::Up => app.rules.field = app.rules.field.saturating_sub(1),
        Action::PageDown => app.rules.scroll = app.rules.scroll.saturating_add(5),
        Action::PageUp => app.rules.scroll = app.rules.scroll.saturating_sub(5),
        Action::Top => app.rules.scroll = 0,
        Action::Bottom => app.rules.scroll = u16::MAX,
        Action::Open if field.is_text() => app.rules.editing = true,
        Action::Open | Action::Toggle => app.rules.toggle(field),
        Action::Back if app.rules.highlight.is_some() => app.rules.highlight = None,
        Action::Copy => {
            let (query, _) = app.rules.query();
            if let (Some(query), Some(policy)) = (query, app.policy()) {
                let verdict = policy.evaluate(&query);
                let text = verdict_lines(&verdict, &query).join("\n");
                app.copy("판정", &text);
            } else {
                app.toast("기준 시각을 고쳐야 판정할 수 있습니다");
            }
        }
        _ => return false,
    }
    true
}

pub fn draw(app: &mut App, frame: &mut Frame<'_>, area: Rect, focused: bool) {
    let theme = Theme::new(app.color);
    let block = pane_block(theme, 3, "규정 조회", focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = usize::from(inner.width);
    let (query, errors) = app.rules.query();
    let mut lines: Vec<Line<'static>> = Vec::new();
    let mut cursor = None;
    for (index, field) in Field::ALL.into_iter().enumerate() {
        let selected = focused && index == app.rules.field;
        let value = match field {
            Field::At => app.rules.at.clone(),
            Field::Member => match app.rules.member {
                Member::New => "(•) 신규 가입  ( ) 갱신".to_owned(),
                Member::Renewal => "( ) 신규 가입  (•) 갱신".to_owned(),
            },
            Field::Rating => app.rules.rating.clone(),
            Field::PrevMonthAvg => app.rules.prev_month_avg.clone(),
            Field::PriorBenefit => if app.rules.prior_benefit {
                "[x] 받은 적 있음 (탈퇴 후 재가입 포함)"
            } else {
                "[ ] 없음"
            }
            .to_owned(),
            Field::RenewalDate => app.rules.renewal_date.clone(),
        };
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
        let value_style = if selected && app.rules.editing {
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
        if selected && app.rules.editing {
            let x = inner.x
                + u16::try_from(text_width(&label) + 1 + text_width(&inert(&value))).unwrap_or(0);
            cursor = Some((x, index));
        }
        lines.push(Line::from(spans));
    }
    lines.push(Line::default());
    match (&query, app.policy()) {
        (Some(query), Some(policy)) => {
            let verdict = policy.evaluate(query);
            lines.extend(verdict_view(&verdict, theme, width));
        }
        _ => lines.push(Line::from(Span::styled(
            "기준 시각을 고치면 판정이 나옵니다",
            theme.dim(),
        ))),
    }
    lines.extend(rule_list(app, theme, width));

    // The form stays in view; what follows scrolls.
    draw_scrolled(frame, inner, lines, Field::ALL.len(), &mut app.rules.scroll);
    if let Some((x, row)) = cursor {
        let y = inner.y + u16::try_from(row).unwrap_or(u16::MAX);
        place_cursor(frame, inner, x, y);
    }
}

fn verdict_view(verdict: &Verdict, theme: Theme, width: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(vec![
        Span::styled("단계 ", theme.dim()),
        Span::styled(verdict.phase.label(), theme.strong()),
    ])];
    for (title, answer) in verdict.answers() {
        let style = match answer.ok {
            Some(true) => theme.ok(),
            Some(false) => theme.error(),
            None => theme.warn(),
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{title}: "), theme.strong()),
            Span::styled(answer.verdict_label(), style),
        ]));
        for reason in &answer.why {
            lines.extend(wrap(
                &[Segment::new(format!("  - {}", reason.text), theme.normal())],
                width,
                4,
            ));
            if !reason.source.is_empty() {
                lines.extend(wrap(
                    &[Segment::new(
                        format!("    근거 \"{}\"", reason.source),
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

fn rule_list(app: &App, theme: Theme, width: usize) -> Vec<Line<'static>> {
    let Some(guide) = app.current_guide() else {
        return Vec::new();
    };
    let mut lines = vec![
        Line::default(),
        Line::from(Span::styled("가이드 규정", theme.heading())),
    ];
    let related: Vec<&String> = if app.step == 1 {
        app.current_qa()
            .map(|qa| qa.rules.iter().collect())
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    for (index, rule) in guide.rules.iter().enumerate() {
        let marked = related.contains(&&rule.id) || app.rules.highlight == Some(index);
        let style = if marked {
            theme.accent()
        } else {
            theme.strong()
        };
        let mark = if marked { "★ " } else { "· " };
        lines.extend(wrap(
            &[Segment::new(
                format!("{mark}{}", crate::rules::summary(&rule.terms)),
                style,
            )],
            width,
            2,
        ));
        if let Some(source) = rule.sources.first().and_then(|id| app.content.sentence(id)) {
            lines.extend(wrap_text(
                &format!("  \"{}\"", source.text.replace('\n', " ")),
                theme.dim(),
                width,
                3,
            ));
        }
    }
    lines
}
