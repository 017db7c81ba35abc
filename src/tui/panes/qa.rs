//! Q&A 스크립트: the questions (or the search hits), and the selected answer's script,
//! notes and policy table, wrapped to the pane without breaking a syllable.

use std::ops::Range;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::command::Command;
use super::super::keymap::Action;
use super::super::report::PaneDrawn;
use super::super::search_field::HIT_PAGE;
use super::super::text::{
    Block, MARK, Segment, highlighted, inert, lines_of, reveal_scroll, truncate, wrap,
};
use super::super::theme::Theme;
use super::super::widgets::{draw_scrolled, framed};
use super::{Context, Outcome};
use crate::content::{Qa, SectionKind};
use crate::text::group_thousands;

#[derive(Debug, Default)]
pub struct State {
    pub selected: usize,
    /// The answer (not the list) has the keys.
    pub detail: bool,
    pub scroll: u16,
    /// The sentence a search hit pointed into (an item id), marked in the answer.
    pub mark: Option<String>,
    /// The next frame scrolls the marked sentence into view.
    pub reveal: bool,
}

impl State {
    /// Selects question `index`, its answer from the top.
    pub fn select(&mut self, index: usize) {
        if index != self.selected {
            self.selected = index;
            self.scroll = 0;
            self.mark = None;
        }
    }

    /// Opens question `index` in the answer view.
    pub fn open(&mut self, index: usize) {
        self.selected = index;
        self.detail = true;
        self.scroll = 0;
        self.mark = None;
    }

    pub fn handle(&mut self, ctx: &Context<'_>, action: Action) -> Outcome {
        if ctx.search.searching() && !self.detail {
            let selected = ctx.search.selected;
            let command = match action {
                Action::Down => Command::SelectHit(selected + 1),
                Action::Up => Command::SelectHit(selected.saturating_sub(1)),
                Action::PageDown => Command::SelectHit(selected + HIT_PAGE),
                Action::PageUp => Command::SelectHit(selected.saturating_sub(HIT_PAGE)),
                Action::Top => Command::SelectHit(0),
                Action::Bottom => Command::SelectHit(usize::MAX),
                Action::Open => Command::OpenHit,
                Action::Back => Command::ClearSearch,
                // The hit's answer opens, and its sentence (the one the hit is in) is chosen.
                Action::Flag => {
                    return Outcome::Consumed(vec![Command::OpenHit, Command::StartFlag]);
                }
                Action::Pin => match ctx.search.results.get(selected) {
                    Some(hit) => {
                        let doc = ctx.index.doc(hit.doc);
                        Command::TogglePin {
                            entry: doc.id.to_owned(),
                            guide: ctx
                                .index
                                .guide_name(doc.target.guide())
                                .map(|(id, _)| id.to_owned()),
                        }
                    }
                    None => Command::Toast("고정할 검색 결과가 없습니다".into()),
                },
                Action::Copy => match ctx.search.results.get(selected) {
                    Some(hit) => Command::Copy {
                        what: "검색 결과",
                        text: ctx.index.doc(hit.doc).text.into_owned(),
                    },
                    None => Command::Toast("복사할 검색 결과가 없습니다".into()),
                },
                _ => return Outcome::Ignored,
            };
            return Outcome::command(command);
        }
        // The list moves in the order it shows: the questions pinned first.
        let order = question_order(ctx);
        let here = order
            .iter()
            .position(|&index| index == self.selected)
            .unwrap_or(0);
        let last = order.len().saturating_sub(1);
        let select = |at: usize| {
            Outcome::command(Command::SelectQa(
                order.get(at).copied().unwrap_or(self.selected),
            ))
        };
        match action {
            Action::Flag => return Outcome::command(Command::StartFlag),
            Action::Pin => {
                return match ctx.current_qa() {
                    Some(qa) => Outcome::command(Command::TogglePin {
                        entry: qa.id.clone(),
                        guide: ctx.current_guide().map(|g| g.id.clone()),
                    }),
                    None => Outcome::done(),
                };
            }
            Action::Copy => {
                return match ctx.current_qa() {
                    Some(qa) => Outcome::command(Command::Copy {
                        what: "스크립트",
                        text: script_text(qa),
                    }),
                    None => Outcome::done(),
                };
            }
            Action::Open if !self.detail => {
                return Outcome::command(Command::OpenQuestion(self.selected));
            }
            Action::Back if self.detail => self.detail = false,
            Action::Down if !self.detail => return select((here + 1).min(last)),
            Action::Up if !self.detail => return select(here.saturating_sub(1)),
            Action::Top if !self.detail => return select(0),
            Action::Bottom if !self.detail => return select(last),
            Action::Down => self.scroll = self.scroll.saturating_add(1),
            Action::Up => self.scroll = self.scroll.saturating_sub(1),
            Action::PageDown => self.scroll = self.scroll.saturating_add(10),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(10),
            Action::Top => self.scroll = 0,
            Action::Bottom => self.scroll = u16::MAX,
            _ => return Outcome::Ignored,
        }
        Outcome::done()
    }

    pub fn click(&mut self, ctx: &Context<'_>, row: usize) -> Outcome {
        if ctx.search.searching() {
            if row < ctx.search.results.total() {
                return Outcome::command(Command::SelectHit(row));
            }
        } else if let Some(&index) = question_order(ctx).get(row) {
            self.detail = false;
            return Outcome::command(Command::SelectQa(index));
        }
        Outcome::done()
    }

    pub fn draw(
        &self,
        ctx: &Context<'_>,
        frame: &mut Frame<'_>,
        area: Rect,
        focused: bool,
    ) -> PaneDrawn {
        let theme = ctx.theme;
        let searching = ctx.search.searching();
        let title = if searching {
            format!(
                "Q&A 스크립트 · 검색 결과 {}건",
                group_thousands(ctx.search.results.total())
            )
        } else {
            "Q&A 스크립트".to_owned()
        };
        let inner = framed(frame, area, theme, 2, &title, focused);
        let rows = if searching {
            ctx.search.results.total().max(1)
        } else {
            ctx.current_guide().map_or(1, |g| g.qa.len().max(1))
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
        let list_focused = focused && !self.detail;

        let height = usize::from(list_height);
        let selected = if searching {
            ctx.search.selected
        } else {
            // Its row: the pinned questions come first.
            question_order(ctx)
                .iter()
                .position(|&index| index == self.selected)
                .unwrap_or(self.selected)
        };
        let first = selected.saturating_sub(height.saturating_sub(1));
        let visible = if searching {
            hit_lines(ctx, width, list_focused, first..first + height)
        } else {
            self.question_lines(ctx, width, list_focused, first..first + height)
        };
        frame.render_widget(Paragraph::new(visible), list_area);
        frame.render_widget(
            Paragraph::new(Span::styled(
                "─".repeat(usize::from(rule_area.width)),
                theme.dim(),
            )),
            rule_area,
        );

        let blocks = self.detail_blocks(ctx);
        // A sentence opened from search comes to the top of the answer (one line above it).
        let scroll = reveal_scroll(&blocks, width, self.reveal, self.scroll);
        let scroll = draw_scrolled(frame, detail_area, lines_of(blocks, width), 0, scroll);
        PaneDrawn {
            list: Some((list_area, first)),
            scroll,
            text: Some(detail_area),
        }
    }

    /// The questions in `rows` (only those are laid out: a guide may hold thousands).
    fn question_lines(
        &self,
        ctx: &Context<'_>,
        width: usize,
        focused: bool,
        rows: Range<usize>,
    ) -> Vec<Line<'static>> {
        let theme = ctx.theme;
        let Some(guide) = ctx.current_guide() else {
            return vec![Line::from("Q&A가 없습니다")];
        };
        question_order(ctx)
            .into_iter()
            .skip(rows.start)
            .take(rows.len())
            .filter_map(|index| Some((index, guide.qa.get(index)?)))
            .map(|(index, qa)| {
                let label = qa
                    .label
                    .clone()
                    .unwrap_or_else(|| format!("Q{}", index + 1));
                let pin = if ctx.pinned.contains(&qa.id) {
                    PIN_MARK
                } else {
                    ""
                };
                let text = truncate(&format!("{pin}{label} {}", inert(&qa.title())), width);
                let style = if index == self.selected {
                    theme.selected(focused)
                } else {
                    theme.normal()
                };
                Line::from(Span::styled(text, style))
            })
            .collect()
    }

    fn detail_blocks<'a>(&self, ctx: &Context<'a>) -> Vec<Block<'a>> {
        let theme = ctx.theme;
        let shown = if ctx.search.searching() && !self.detail {
            ctx.search.results.get(ctx.search.selected).and_then(|hit| {
                match ctx.index.doc(hit.doc).target {
                    crate::search::Target::Qa { guide, qa } => {
                        let guide = ctx.content.guide(guide)?;
                        Some((guide, guide.qa.get(qa)?))
                    }
                    _ => None,
                }
            })
        } else {
            ctx.current_guide().zip(ctx.current_qa())
        };
        let Some((guide, qa)) = shown else {
            return if ctx.search.searching() && !ctx.search.results.is_empty() {
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
        // Once the schedule has closed what the answer offers, the warning stands above it
        // (service over) or under the sentence that offers it (signups closed).
        let policy = crate::rules::Policy::of(ctx.content, guide);
        let over = policy.closed(None, &ctx.now);
        if let Some(warning) = &over {
            lines.push(Block::text(warning.clone(), theme.warn(), 0, 2));
        }
        let closed = |offer| {
            if over.is_some() {
                None
            } else {
                policy.closed(offer, &ctx.now)
            }
        };
        let marked = if self.detail || !ctx.search.searching() {
            self.mark.as_deref()
        } else {
            None
        };
        for section in &qa.sections {
            section_blocks(guide, section, theme, &closed, marked, &mut lines);
        }
        for id in &qa.sms_templates {
            if let Some((_, template)) = ctx.content.template(id) {
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
            let mark = if ctx.step_focus() == crate::content::StepFocus::Answer {
                "★ "
            } else {
                ""
            };
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
                        format!("· {}", crate::rules::summary(guide, &rule.terms)),
                        theme.normal(),
                        0,
                        2,
                    ));
                }
            }
        }
        lines
    }
}

/// Before a question this agent pinned.
const PIN_MARK: &str = "[고정] ";

/// The questions of the guide shown in the order the list shows them: those this agent
/// pinned first (each group in the guide's order).
pub fn question_order(ctx: &Context<'_>) -> Vec<usize> {
    let Some(guide) = ctx.current_guide() else {
        return Vec::new();
    };
    let all = 0..guide.qa.len();
    if ctx.pinned.is_empty() {
        return all.collect();
    }
    let (mut pinned, rest): (Vec<usize>, Vec<usize>) =
        all.partition(|&index| ctx.pinned.contains(&guide.qa[index].id));
    pinned.extend(rest);
    pinned
}

/// How many cells a hit's guide name takes at most.
const GUIDE_TAG_CELLS: usize = 20;

/// The hits in `rows` (only those are drawn: a search may find a hundred thousand). The app
/// ranks the hits of the visible page before the frame is drawn.
fn hit_lines(
    ctx: &Context<'_>,
    width: usize,
    focused: bool,
    rows: Range<usize>,
) -> Vec<Line<'static>> {
    let theme = ctx.theme;
    let search = ctx.search;
    if search.results.is_empty() {
        return vec![Line::from(Span::styled(
            format!("\"{}\"에 맞는 항목이 없습니다", inert(search.query.text())),
            theme.dim(),
        ))];
    }
    search
        .results
        .ranked()
        .iter()
        .enumerate()
        .skip(rows.start)
        .take(rows.len())
        .map(|(index, hit)| {
            let doc = ctx.index.doc(hit.doc);
            let selected = index == search.selected;
            let base = if selected {
                theme.selected(focused)
            } else {
                theme.normal()
            };
            // With several guides loaded, each hit names its guide (shortened: the text
            // matters more).
            // The guide's title from the catalog: a hit does not read its guide.
            // The same text in other guides is one hit: it says how many more hold it.
            let elsewhere = if hit.also.is_empty() {
                String::new()
            } else {
                format!(" 외 {}곳", hit.also.len())
            };
            let kind = match ctx.content.card(doc.target.guide()) {
                Some(card) if ctx.content.guide_count() > 1 => format!(
                    "[{}·{}{elsewhere}] ",
                    doc.kind.label(),
                    super::super::text::truncate(&card.title, GUIDE_TAG_CELLS)
                ),
                _ => format!("[{}] ", doc.kind.label()),
            };
            // Ranges count characters of the text as stored; the policy applies per segment.
            let text = doc.text.replace('\n', " ");
            // From the start when the first match fits; else from the start of the word the
            // match is in, so the match stays visible. The end is cut at a word, marked '…'.
            let chars: Vec<char> = text.chars().collect();
            let first = hit.ranges.first().map_or(0..0, Clone::clone);
            // Why it matched, when not plainly: 초성, 영타, 오타, 유의어, 어순.
            let why = if hit.how.is_plain() {
                String::new()
            } else {
                format!("{} ", hit.how.labels().join("·"))
            };
            let room = (width + 1).saturating_sub(
                super::super::text::width(&kind) + super::super::text::width(&why) + 1,
            );
            let head: String = chars[..first.end.min(chars.len())].iter().collect();
            let skip = if super::super::text::width(&head) <= room {
                0
            } else {
                chars[..first.start.min(chars.len())]
                    .iter()
                    .rposition(|c| *c == ' ')
                    .map_or(first.start, |space| space + 1)
            };
            let shown: String = chars[skip.min(chars.len())..].iter().collect();
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
            if !why.is_empty() {
                segments.push(Segment::new(why, theme.accent()));
            }
            if skip > 0 {
                segments.push(Segment::new("…", base));
            }
            segments.extend(highlighted(&shown, &ranges, base, theme.matched(base)));
            let lines = wrap(&segments, width.saturating_sub(1), 0);
            let cut = lines.len() > 1;
            let mut line = lines.into_iter().next().unwrap_or_default();
            if cut {
                line.spans.push(Span::styled("…", base));
            }
            line.spans.retain(|s| !s.content.is_empty());
            line
        })
        .collect()
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

/// One answer section: its heading, then its items (a table's rows behind a rule).
fn section_blocks<'a>(
    guide: &crate::content::Guide,
    section: &'a crate::content::AnswerSection,
    theme: Theme,
    closed: &dyn Fn(Option<crate::content::Offer>) -> Option<String>,
    marked: Option<&str>,
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
        let is_marked = marked == Some(item.id.as_str());
        let prefix = if is_marked {
            // The sentence a search hit pointed into.
            Some((MARK, theme.accent()))
        } else {
            (section.kind == SectionKind::PolicyTable).then_some(("│ ", theme.dim()))
        };
        lines.push(Block::Text {
            text: guide.item_shown(item),
            style: if is_marked {
                body.patch(theme.accent())
            } else {
                body
            },
            lead: indent,
            indent: indent + 2,
            prefix,
        });
        if item.offers.is_some()
            && let Some(warning) = closed(item.offers)
        {
            lines.push(Block::text(warning, theme.warn(), indent, indent + 2));
        }
        if section.kind == SectionKind::Script {
            lines.push(Line::default().into());
        }
    }
}
