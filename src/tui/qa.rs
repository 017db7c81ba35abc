//! Q&A 스크립트: the questions (or the search hits), and the selected answer's script,
//! notes and policy table, wrapped to the pane without breaking a syllable.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::app::{App, HIT_PAGE};
use super::keymap::Action;
use super::text::{Block, Segment, highlighted, inert, lines_of, truncate, wrap};
use super::ui::{Theme, draw_scrolled, pane_block};
use crate::content::{Qa, SectionKind};
use crate::text::group_thousands;

#[derive(Debug, Default)]
pub struct State {
    pub selected: usize,
    /// The answer (not the list) has the keys.
    pub detail: bool,
    pub scroll: u16,
}

fn searching(app: &App) -> bool {
    !app.search.query.trim().is_empty()
}

pub fn handle(app: &mut App, action: Action) -> bool {
    if searching(app) && !app.qa.detail {
        let selected = app.search.selected;
        match action {
            Action::Down => app.select_hit(selected + 1),
            Action::Up => app.select_hit(selected.saturating_sub(1)),
            Action::PageDown => app.select_hit(selected + HIT_PAGE),
            Action::PageUp => app.select_hit(selected.saturating_sub(HIT_PAGE)),
            Action::Top => app.select_hit(0),
            Action::Bottom => app.select_hit(usize::MAX),
            Action::Open => app.open_selected_hit(),
            Action::Back => app.clear_search(),
            _ => return false,
        }
        return true;
    }
    let count = app.current_guide().map_or(0, |g| g.qa.len());
    match action {
        Action::Copy => {
            if let Some(script) = app.current_qa().map(script_text) {
                app.copy("스크립트", &script);
            }
        }
        Action::Open if !app.qa.detail => {
            app.qa.detail = true;
            app.qa.scroll = 0;
        }
        Action::Back if app.qa.detail => app.qa.detail = false,
        Action::Down if !app.qa.detail => {
            select(app, (app.qa.selected + 1).min(count.saturating_sub(1)));
        }
        Action::Up if !app.qa.detail => select(app, app.qa.selected.saturating_sub(1)),
        Action::Top if !app.qa.detail => select(app, 0),
        Action::Bottom if !app.qa.detail => select(app, count.saturating_sub(1)),
        Action::Down => app.qa.scroll = app.qa.scroll.saturating_add(1),
        Action::Up => app.qa.scroll = app.qa.scroll.saturating_sub(1),
        Action::PageDown => app.qa.scroll = app.qa.scroll.saturating_add(10),
        Action::PageUp => app.qa.scroll = app.qa.scroll.saturating_sub(10),
        Action::Top => app.qa.scroll = 0,
        Action::Bottom => app.qa.scroll = u16::MAX,
        _ => return false,
    }
    true
}

fn select(app: &mut App, index: usize) {
    if index != app.qa.selected {
        app.qa.selected = index;
        app.qa.scroll = 0;
        app.sms.selected = 0;
        app.sms.show_all = false;
    }
}

pub fn click_row(app: &mut App, row: usize) {
    if searching(app) {
        if row < app.search.results.total() {
            app.select_hit(row);
        }
    } else if row < app.current_guide().map_or(0, |g| g.qa.len()) {
        app.qa.detail = false;
        select(app, row);
    }
}

/// The script to read out, as copied: every script item, blank line between.
pub fn script_text(qa: &Qa) -> String {
    qa.sections
        .iter()
        .filter(|s| s.kind == SectionKind::Script)
        .flat_map(|s| &s.items)
        .map(|i| crate::sms::sanitize(&i.text))
        .collect::<Vec<_>>()
        .join("\n\n")
}

pub fn draw(app: &mut App, frame: &mut Frame<'_>, area: Rect, focused: bool) {
    let theme = Theme::new(app.color);
    let title = if searching(app) {
        format!(
            "Q&A 스크립트 · 검색 결과 {}건",
            group_thousands(app.search.results.total())
        )
    } else {
        "Q&A 스크립트".to_owned()
    };
    let block = pane_block(theme, 2, &title, focused);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let rows = if searching(app) {
        app.search.results.total().max(1)
    } else {
        app.current_guide().map_or(1, |g| g.qa.len().max(1))
    };
    let list_height = u16::try_from(rows)
        .unwrap_or(u16::MAX)
        .min(inner.height.saturating_sub(3) / 2)
        .max(1);
    let [list_area, rule_area, detail_area] = Layout::vertical([
        Constraint::Length(list_height),
        Constraint::Length(1),
        Constraint::Min(0),
    ])
    .areas(inner);
    let width = usize::from(inner.width);
    let list_focused = focused && !app.qa.detail;

    let height = usize::from(list_height);
    let selected = if searching(app) {
        app.search.selected
    } else {
        app.qa.selected
    };
    let first = selected.saturating_sub(height.saturating_sub(1));
    let visible = if searching(app) {
        hit_lines(app, theme, width, list_focused, first..first + height)
    } else {
        question_lines(app, theme, width, list_focused, first..first + height)
    };
    frame.render_widget(Paragraph::new(visible), list_area);
    app.hitboxes.lists[1] = (list_area, first);
    frame.render_widget(
        Paragraph::new(Span::styled(
            "─".repeat(usize::from(rule_area.width)),
            theme.dim(),
        )),
        rule_area,
    );

    let mut scroll = app.qa.scroll;
    draw_scrolled(
        frame,
        detail_area,
        lines_of(detail_blocks(app, theme), width),
        0,
        &mut scroll,
    );
    app.qa.scroll = scroll;
}

/// The questions in `rows` (only those are laid out: a guide may hold thousands).
fn question_lines(
    app: &App,
    theme: Theme,
    width: usize,
    focused: bool,
    rows: Range<usize>,
) -> Vec<Line<'static>> {
    let Some(guide) = app.current_guide() else {
        return vec![Line::from("Q&A가 없습니다")]
            .into_iter()
            .skip(rows.start)
            .collect();
    };
    guide
        .qa
        .iter()
        .enumerate()
        .skip(rows.start)
        .take(rows.len())
        .map(|(index, qa)| {
            let label = qa
                .label
                .clone()
                .unwrap_or_else(|| format!("Q{}", index + 1));
            let text = truncate(&format!("{label} {}", inert(&qa.title())), width);
            let style = if index == app.qa.selected {
                theme.selected(focused)
            } else {
                theme.normal()
            };
            Line::from(Span::styled(text, style))
        })
        .collect()
}

/// The hits in `rows` (only those are drawn: a search may find a hundred thousand).
fn hit_lines(
    app: &mut App,
    theme: Theme,
    width: usize,
    focused: bool,
    rows: Range<usize>,
) -> Vec<Line<'static>> {
    if app.search.results.is_empty() {
        return vec![Line::from(Span::styled(
            format!("\"{}\"에 맞는 항목이 없습니다", inert(&app.search.query)),
            theme.dim(),
        ))];
    }
    app.search.results.rank_up_to(&app.index, rows.end);
    let app = &*app;
    app.search
        .results
        .ranked()
        .iter()
        .enumerate()
        .skip(rows.start)
        .take(rows.len())
        .map(|(index, hit)| {
            let doc = app.index.doc(hit.doc);
            let selected = index == app.search.selected;
            let base = if selected {
                theme.selected(focused)
            } else {
                theme.normal()
            };
            let kind = format!("[{}] ", doc.kind.label());
            let text = inert(&doc.text.replace('\n', " "));
            // Show the text around the first match so the match is visible in narrow panes.
            let first_match = hit.ranges.first().map_or(0, |r| r.start);
            let skip = first_match.saturating_sub(8);
            let shown: String = text.chars().skip(skip).collect();
            let ranges: Vec<_> = hit
                .ranges
                .iter()
                .filter(|r| r.end > skip)
                .map(|r| r.start.saturating_sub(skip)..r.end - skip)
                .collect();
            let mut segments = vec![Segment::new(
                kind,
                if selected { base } else { theme.dim() },
            )];
            if skip > 0 {
                segments.push(Segment::new("…", base));
            }
            segments.extend(highlighted(&shown, &ranges, base, theme.matched(base)));
            let mut line = wrap(&segments, width + 1, 0)
                .into_iter()
                .next()
                .unwrap_or_default();
            line.spans.retain(|s| !s.content.is_empty());
            line
        })
        .collect()
}

fn detail_blocks(app: &App, theme: Theme) -> Vec<Block<'_>> {
    let shown = if searching(app) && !app.qa.detail {
        app.search.results.get(app.search.selected).and_then(|hit| {
            match app.index.doc(hit.doc).target {
                crate::search::Target::Qa { guide, qa } => {
                    let guide = app.content.guide(guide)?;
                    Some((guide, guide.qa.get(qa)?))
                }
                _ => None,
            }
        })
    } else {
        app.current_guide().zip(app.current_qa())
    };
    let Some((guide, qa)) = shown else {
        return if searching(app) {
            vec![
                Line::from(Span::styled(
                    "Enter: 선택한 항목을 해당 창에서 엽니다",
                    theme.dim(),
                ))
                .into(),
            ]
        } else {
            Vec::new()
        };
    };
    let mut lines: Vec<Block<'_>> = Vec::new();
    let label = qa.label.clone().unwrap_or_default();
    for question in &qa.questions {
        lines.push(Block::segments(
            vec![Segment::new(format!("{label} {question}"), theme.strong())],
            4,
        ));
    }
    for section in &qa.sections {
        section_blocks(guide, section, theme, &mut lines);
    }
    for id in &qa.sms_templates {
        if let Some((_, template)) = app.content.template(id) {
            lines.push(Line::default().into());
            lines.push(Block::segments(
                vec![
                    Segment::new(format!("[{}]", template.label()), theme.link()),
                    Segment::new("  → 4번 SMS 창", theme.dim()),
                ],
                2,
            ));
        }
    }
    if !qa.rules.is_empty() {
        lines.push(Line::default().into());
        let mark = if app.step == 1 { "★ " } else { "" };
        lines.push(
            Line::from(Span::styled(
                format!("{mark}관련 규정 (3번 창)"),
                theme.heading(),
            ))
            .into(),
        );
        for id in &qa.rules {
            if let Some(rule) = guide.rule(id) {
                lines.push(Block::text(
                    format!("· {}", crate::rules::summary(&rule.terms)),
                    theme.normal(),
                    0,
                    2,
                ));
            }
        }
    }
    lines
}

/// One answer section: its heading, then its items (a table's rows behind a rule).
fn section_blocks<'a>(
    guide: &crate::content::Guide,
    section: &'a crate::content::AnswerSection,
    theme: Theme,
    lines: &mut Vec<Block<'a>>,
) {
    lines.push(Line::default().into());
    let (heading, body) = match section.kind {
        SectionKind::Script => (theme.heading(), theme.script()),
        SectionKind::Note => (theme.heading(), theme.dim()),
        SectionKind::PolicyTable => (theme.heading(), theme.normal()),
    };
    if let Some(title) = &section.title {
        let suffix = if section.kind == SectionKind::Script {
            "  (읽어 드리는 말)"
        } else {
            ""
        };
        lines.push(
            Line::from(vec![
                Span::styled(inert(title), heading),
                Span::styled(suffix, theme.dim()),
            ])
            .into(),
        );
    }
    for item in &section.items {
        let indent = usize::from(item.level) * 2;
        let prefix = (section.kind == SectionKind::PolicyTable).then_some(("│ ", theme.dim()));
        lines.push(Block::Text {
            text: guide.item_shown(item),
            style: body,
            lead: indent,
            indent: indent + 2,
            prefix,
        });
        if section.kind == SectionKind::Script {
            lines.push(Line::default().into());
        }
    }
}
