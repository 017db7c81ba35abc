//! 상담 유형: the tree of categories and guides, and the selected guide's ticket path,
//! handling order, link slots, schedule and reference notes.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::super::command::{Command, Step};
use super::super::keymap::Action;
use super::super::report::PaneDrawn;
use super::super::text::{
    Block, MARK, Segment, inert, lines_of, reveal_scroll, truncate, width as text_width,
};
use super::super::theme::Theme;
use super::super::widgets::{draw_scrolled, framed};
use super::{Context, Outcome};
use crate::content::{Content, OUTSIDE_TEMPLATE};

#[derive(Debug, Default)]
pub struct State {
    /// The tree, built when the content comes (not at every key or frame: a help centre
    /// has hundreds of guides).
    tree: Vec<Row>,
    pub row: usize,
    pub scroll: u16,
    /// A note a search hit pointed into (an item id), marked in the guide's information.
    pub mark: Option<String>,
    /// The next frame scrolls the marked note into view.
    pub reveal: bool,
}

impl State {
    /// Starts on the row of the first guide.
    pub fn new(content: &Content) -> Self {
        let mut state = Self {
            tree: rows(content),
            ..Self::default()
        };
        state.show_guide(0);
        state
    }

    /// Other content: the tree is built again (the selection is put by `show_guide`).
    pub fn content_changed(&mut self, content: &Content) {
        self.tree = rows(content);
        self.row = self.row.min(self.tree.len().saturating_sub(1));
    }

    /// The tree's rows.
    pub fn rows(&self) -> &[Row] {
        &self.tree
    }

    /// Puts the selection on `guide`'s row, its information from the top.
    pub fn show_guide(&mut self, guide: usize) {
        if let Some(row) = self.tree.iter().position(|r| r.guide == Some(guide)) {
            self.row = row;
        }
        self.scroll = 0;
        self.mark = None;
    }

    pub fn handle(&mut self, ctx: &Context<'_>, action: Action) -> Outcome {
        let last = self.tree.len().saturating_sub(1);
        match action {
            Action::Down => self.row = (self.row + 1).min(last),
            Action::Up => self.row = self.row.saturating_sub(1),
            Action::Top => self.row = 0,
            Action::Bottom => self.row = last,
            Action::PageDown => self.scroll = self.scroll.saturating_add(5),
            Action::PageUp => self.scroll = self.scroll.saturating_sub(5),
            Action::Open => {
                return if self.tree.get(self.row).and_then(|r| r.guide).is_some() {
                    Outcome::command(Command::SetStep(Step::default()))
                } else {
                    Outcome::done()
                };
            }
            Action::Copy => {
                return match ctx.current_guide() {
                    Some(guide) => Outcome::command(Command::Copy {
                        what: "상담 유형",
                        text: guide.category_path(),
                    }),
                    None => Outcome::done(),
                };
            }
            _ => return Outcome::Ignored,
        }
        self.select_guide_at_row(ctx)
    }

    /// A guide row other than the guide shown opens that guide.
    fn select_guide_at_row(&self, ctx: &Context<'_>) -> Outcome {
        match self.tree.get(self.row).and_then(|r| r.guide) {
            Some(guide) if guide != ctx.guide => Outcome::command(Command::SelectGuide(guide)),
            _ => Outcome::done(),
        }
    }

    pub fn click(&mut self, ctx: &Context<'_>, row: usize) -> Outcome {
        if row >= self.tree.len() {
            return Outcome::done();
        }
        self.row = row;
        self.select_guide_at_row(ctx)
    }

    pub fn draw(
        &self,
        ctx: &Context<'_>,
        frame: &mut Frame<'_>,
        area: Rect,
        focused: bool,
    ) -> PaneDrawn {
        let theme = ctx.theme;
        let inner = framed(frame, area, theme, 1, "상담 유형", focused);
        let rows = &self.tree;
        // Choosing a guide, the tree takes up to two thirds of the pane; reading one, a third.
        let room = if focused {
            inner.height * 2 / 3
        } else {
            inner.height / 3
        };
        let tree_height = u16::try_from(rows.len())
            .unwrap_or(u16::MAX)
            .min(room)
            .max(1);
        let [tree_area, info_area] =
            Layout::vertical([Constraint::Length(tree_height), Constraint::Min(0)]).areas(inner);

        let first = self
            .row
            .saturating_sub(usize::from(tree_height).saturating_sub(1));
        let width = usize::from(tree_area.width);
        let tree: Vec<Line<'static>> = rows
            .iter()
            .enumerate()
            .skip(first)
            .take(usize::from(tree_height))
            .map(|(index, row)| {
                let marker = if row.guide.is_some() { "• " } else { "▾ " };
                let style = if index == self.row {
                    theme.selected(focused)
                } else if row.guide == Some(ctx.guide) {
                    theme.accent()
                } else {
                    theme.normal()
                };
                let lead = format!("{}{marker}", "  ".repeat(row.depth));
                let mut badge = row
                    .status
                    .as_deref()
                    .map(|status| format!("[{}] ", inert(status)))
                    .unwrap_or_default();
                if row.outside_template {
                    badge.push('[');
                    badge.push_str(OUTSIDE_TEMPLATE);
                    badge.push_str("] ");
                }
                let room = width.saturating_sub(text_width(&lead) + text_width(&badge));
                let mut spans = vec![Span::styled(lead, style)];
                if !badge.is_empty() {
                    let badge_style = if index == self.row {
                        style
                    } else {
                        theme.warn()
                    };
                    spans.push(Span::styled(badge, badge_style));
                }
                spans.push(Span::styled(truncate(&inert(&row.label), room), style));
                Line::from(spans)
            })
            .collect();
        frame.render_widget(Paragraph::new(tree), tree_area);

        let width = usize::from(info_area.width);
        let blocks = info_blocks(ctx, theme, self.mark.as_deref());
        // A note opened from search comes to the top (one line above it).
        let scroll = reveal_scroll(&blocks, width, self.reveal, self.scroll);
        let scroll = draw_scrolled(frame, info_area, lines_of(blocks, width), 0, scroll);
        PaneDrawn {
            list: Some((tree_area, first)),
            scroll,
            text: Some(info_area),
        }
    }
}

/// One row of the category tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub depth: usize,
    pub label: String,
    pub guide: Option<usize>,
    /// A guide's status badge (서비스종료, 변경안내).
    pub status: Option<String>,
    /// A reference guide, badged [`OUTSIDE_TEMPLATE`].
    pub outside_template: bool,
}

/// The category tree, flattened: shared path prefixes once, each guide under its path. A
/// category with one sub-category and no guide of its own shares its row with it
/// (`가입/심사/내정보 ▸ 멤버십 ▸ 일반`): a help centre's paths are deep, the pane is short.
pub fn rows(content: &Content) -> Vec<Row> {
    #[derive(Default)]
    struct Node {
        label: String,
        children: Vec<Node>,
        guides: Vec<(usize, String, Option<String>, bool)>,
    }
    fn flatten(node: &Node, depth: usize, out: &mut Vec<Row>) {
        for child in &node.children {
            let mut label = child.label.clone();
            let mut inner = child;
            while inner.guides.is_empty() && inner.children.len() == 1 {
                inner = &inner.children[0];
                label.push_str(" ▸ ");
                label.push_str(&inner.label);
            }
            out.push(Row {
                depth,
                label,
                guide: None,
                status: None,
                outside_template: false,
            });
            flatten(inner, depth + 1, out);
        }
        for (index, title, status, outside_template) in &node.guides {
            out.push(Row {
                depth,
                label: title.clone(),
                guide: Some(*index),
                status: status.clone(),
                outside_template: *outside_template,
            });
        }
    }
    let mut root = Node::default();
    // From the catalog: listing the help centre reads no guide.
    for (index, guide) in content.cards().enumerate() {
        let mut node = &mut root;
        for level in &guide.category {
            let position = node.children.iter().position(|c| &c.label == level);
            let position = position.unwrap_or_else(|| {
                node.children.push(Node {
                    label: level.clone(),
                    ..Node::default()
                });
                node.children.len() - 1
            });
            node = &mut node.children[position];
        }
        node.guides.push((
            index,
            guide.title.clone(),
            guide.status.clone(),
            guide.outside_template,
        ));
    }
    let mut out = Vec::new();
    flatten(&root, 0, &mut out);
    out
}

fn info_blocks<'a>(ctx: &Context<'a>, theme: Theme, marked: Option<&str>) -> Vec<Block<'a>> {
    let Some(guide) = ctx.current_guide() else {
        return vec![Line::from("가이드가 없습니다").into()];
    };
    let mut lines: Vec<Block<'_>> = Vec::new();
    let label = |text: &str| Segment::new(text.to_owned(), theme.dim());
    lines.push(Block::segments(
        vec![
            label("경로 "),
            Segment::new(guide.category_path(), theme.strong()),
        ],
        5,
    ));
    // The schedule right under the path: on a dated guide it decides what may be said.
    if let Some(schedule) = &guide.schedule {
        lines.push(Line::from(Span::styled(inert(&schedule.title), theme.heading())).into());
        let now = ctx.now;
        for event in &schedule.events {
            let passed = chrono::DateTime::parse_from_rfc3339(&event.at).is_ok_and(|at| at <= now);
            let (mark, style) = if passed {
                ("✓ ", theme.dim())
            } else {
                ("· ", theme.normal())
            };
            lines.push(Block::segments(
                vec![Segment::new(mark, style), Segment::new(event.line(), style)],
                2,
            ));
        }
    }
    // A reference guide (outside the template) may have no handling order: no empty line.
    if !guide.handling_order.is_empty() {
        lines.push(Block::segments(
            vec![
                label("응대 "),
                Segment::new(guide.handling_order_line(), theme.normal()),
            ],
            5,
        ));
    }
    for link in &guide.links {
        let target = link.display_target();
        let style = if link.url.is_some() {
            theme.link()
        } else {
            theme.dim()
        };
        lines.push(Block::segments(
            vec![
                label(&format!("{} ", link.label)),
                Segment::new(target, style),
            ],
            2,
        ));
    }
    for section in &guide.notes {
        if let Some(title) = &section.title {
            lines.push(Line::from(Span::styled(inert(title), theme.heading())).into());
        }
        for item in &section.items {
            let indent = usize::from(item.level) * 2;
            let is_marked = marked == Some(item.id.as_str());
            lines.push(Block::Text {
                text: guide.item_shown(item),
                style: if is_marked {
                    theme.accent()
                } else {
                    theme.normal()
                },
                lead: indent,
                indent: indent + 2,
                prefix: is_marked.then_some((MARK, theme.accent())),
            });
        }
    }
    lines
}
