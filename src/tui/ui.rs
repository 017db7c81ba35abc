//! Layout and the console's chrome: header, stepper, search field, footer, help, and the
//! message for a terminal too small to use. [`draw_frame`] only reads the app and returns
//! what the frame settled; [`draw`] is the whole round (prepare, draw, hand back).

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph};

use super::app::{App, HelpCentre};
use super::command::{Pane, Step};
use super::keymap;
use super::report::FrameReport;
use super::text::{inert, truncate, width as text_width};
use super::theme::Theme;
use crate::clock;

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 20;
/// From this size on, all four panes show at once.
pub const WIDE_WIDTH: u16 = 100;
pub const WIDE_HEIGHT: u16 = 30;

/// One frame, start to end: the app prepares what the frame needs, the frame is drawn from
/// a shared borrow, and what it settled goes back to the app.
pub fn draw(app: &mut App, frame: &mut Frame<'_>) {
    app.prepare_frame(frame.area().height);
    let report = draw_frame(app, frame);
    app.frame_drawn(report);
}

/// Draws the console; reads the app, never writes it.
pub fn draw_frame(app: &App, frame: &mut Frame<'_>) -> FrameReport {
    let mut report = FrameReport::default();
    let area = frame.area();
    // The palette's own background under everything: its contrasts hold on any terminal.
    frame.render_widget(Block::new().style(app.theme.base()), area);
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        draw_too_small(
            frame,
            area,
            app.confirm.as_ref().map(|c| c.question.as_str()),
        );
        report.too_small = true;
        return report;
    }
    let theme = app.theme;
    let wide = area.width >= WIDE_WIDTH && area.height >= WIDE_HEIGHT;
    let [header, search, body, footer] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    draw_header(app, frame, header, theme);
    if let Some(flag) = &app.flag {
        draw_flag_prompt(flag, frame, search, theme);
    } else {
        draw_search(app, frame, search, theme);
    }
    if wide {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(48), Constraint::Percentage(52)])
                .areas(body);
        // Choosing a guide from a help centre's tree needs room; reading, the questions do.
        let category_share = if app.focus == Pane::Category { 65 } else { 40 };
        let [category_area, qa_area] =
            Layout::vertical([Constraint::Percentage(category_share), Constraint::Min(0)])
                .areas(left);
        let [rules_area, sms_area] =
            Layout::vertical([Constraint::Percentage(50), Constraint::Min(0)]).areas(right);
        let areas = [category_area, qa_area, rules_area, sms_area];
        for pane in Pane::ALL {
            draw_pane(app, frame, pane, areas[pane.index()], &mut report);
        }
    } else {
        let [tabs, pane_area] =
            Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(body);
        draw_tabs(app, frame, tabs, theme);
        draw_pane(app, frame, app.focus, pane_area, &mut report);
    }
    draw_footer(app, frame, footer, theme);
    if let Some(flag) = &app.flag {
        let x = search.x
            + u16::try_from(text_width(FLAG_LABEL) + flag.reason.cursor_cells())
                .unwrap_or(u16::MAX);
        frame.set_cursor_position(Position::new(
            x.min(search.right().saturating_sub(1)),
            search.y,
        ));
    } else if app.search.active {
        let prefix = text_width(SEARCH_LABEL);
        let x =
            search.x + u16::try_from(prefix + app.search.query.cursor_cells()).unwrap_or(u16::MAX);
        frame.set_cursor_position(Position::new(
            x.min(search.right().saturating_sub(1)),
            search.y,
        ));
    }
    if app.help_open {
        draw_help(app, frame, area, theme);
    }
    if app.changes.view.is_some() {
        draw_changes(app, frame, area, theme);
    }
    if app.call.wrapping_up {
        draw_wrapup(app, frame, area, theme);
    }
    if let Some(confirm) = &app.confirm {
        draw_confirm(&confirm.question, frame, area, theme);
    }
    scrub(frame.buffer_mut());
    report
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

fn draw_pane(app: &App, frame: &mut Frame<'_>, pane: Pane, area: Rect, report: &mut FrameReport) {
    let ctx = app.context();
    let focused = app.focus == pane && !app.search.active;
    let drawn = match pane {
        Pane::Category => app.category.draw(&ctx, frame, area, focused),
        // The hit list is the search line's: it shows as focused while the agent types.
        Pane::Qa => app.qa.draw(&ctx, frame, area, focused || app.search.active),
        Pane::Rules => app.rules.draw(&ctx, frame, area, focused),
        Pane::Sms => app.sms.draw(&ctx, frame, area, focused),
    };
    report.pane(pane, area, drawn);
}

/// The message for a terminal too small to use; a question waiting for its answer is
/// shown too (it takes the next key, whatever the size).
fn draw_too_small(frame: &mut Frame<'_>, area: Rect, question: Option<&str>) {
    let mut message = format!(
        "터미널이 너무 작습니다 (최소 {MIN_WIDTH}x{MIN_HEIGHT}, 지금 {}x{}) · 창을 키우세요 · q 종료",
        area.width, area.height
    );
    if let Some(question) = question {
        message = format!("{question}\n{message}");
    }
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
    // Right: today and the service's phase on it, always whole; the guide's publication
    // status is a badge of the title, labelled as the article's. When the title would not
    // fit, the phase and date take their short forms, then the program's name goes.
    let now = app.clock.now();
    let phase = app.context().policy().map(|p| p.phase_at(&now));
    let title = app
        .current_guide()
        .map_or(String::new(), |g| inert(&g.title));
    let badge = app
        .current_guide()
        .and_then(|g| g.status.as_ref())
        .map(|status| format!(" 글 상태: {} ", inert(status)));
    let call = app
        .call_elapsed()
        .map_or(String::new(), |elapsed| format!(" 통화 {elapsed} ·"));

    // Three forms, widest first: full words; short phase and date; and, where even that
    // does not fit, the labels dropped (the badge's colour and the `·` still set them apart).
    let right_for = |form: u8| {
        let phase = phase.map_or("", |p| {
            if form == 0 {
                p.label()
            } else {
                p.short_label()
            }
        });
        let date = if form == 0 {
            format!("{} KST", clock::format_kst_date(&now))
        } else {
            clock::format_kst(&now)
                .get(..10)
                .unwrap_or_default()
                .to_owned()
        };
        let (today, stage) = if form == 2 {
            ("", "")
        } else {
            (" 오늘", "단계: ")
        };
        format!(
            "{}{call}{today} {date} · {stage}{phase} ",
            updated_label(app, form)
        )
    };
    let badge_for = |form: u8| {
        badge.as_ref().map(|b| {
            if form == 2 {
                b.replace(" 글 상태: ", " ")
            } else {
                b.clone()
            }
        })
    };
    let needed = |form: u8, name: &str| {
        text_width(name)
            + text_width(&title)
            + badge_for(form).map_or(0, |b| text_width(&b) + 1)
            + text_width(&right_for(form))
    };
    let form = (0..2).find(|&f| needed(f, " support-console ") <= width);
    let (form, name) = match form {
        Some(form) => (form, " support-console "),
        None if needed(1, " ") <= width => (1, " "),
        None => (2, " "),
    };
    let right = right_for(form);
    let badge = badge_for(form);
    let badge_cells = badge.as_ref().map_or(0, |b| text_width(b) + 1);
    let room = width.saturating_sub(text_width(&right));
    let mut first = vec![Span::styled(name, theme.dim())];
    first.push(Span::styled(
        truncate(&title, room.saturating_sub(text_width(name) + badge_cells)),
        theme.strong(),
    ));
    if let Some(badge) = badge {
        first.push(Span::raw(" "));
        first.push(Span::styled(badge, theme.badge()));
    }
    let used: usize = first.iter().map(|s| text_width(&s.content)).sum();
    first.push(Span::raw(" ".repeat(room.saturating_sub(used))));
    first.push(Span::styled(truncate(&right, width), theme.accent()));
    let stepper = stepper_line(app, width, theme);
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(stepper)]),
        area,
    );
}

/// The header's second line: the guide's handling order as a stepper, its category path,
/// and the team link's state at the right end.
fn stepper_line(app: &App, width: usize, theme: Theme) -> Vec<Span<'static>> {
    let mut stepper = vec![Span::raw(" ")];
    let steps = app
        .current_guide()
        .map_or(&[][..], |g| g.handling_order.as_slice());
    for (index, step) in steps.iter().enumerate() {
        if index > 0 {
            stepper.push(Span::styled(" ▸ ", theme.dim()));
        }
        let label = format!("{} {}", Step(index).mark(), inert(&step.label));
        let style = if Step(index) == app.step {
            theme.selected(true).add_modifier(Modifier::BOLD)
        } else {
            theme.dim()
        };
        stepper.push(Span::styled(label, style));
    }
    let team = team_notice(app, width);
    let team_cells = team.as_deref().map_or(0, text_width);
    if let Some(guide) = app.current_guide() {
        let used: usize = stepper.iter().map(|s| text_width(&s.content)).sum();
        let path = format!("   {}", guide.category_path());
        stepper.push(Span::styled(
            truncate(&path, width.saturating_sub(used + team_cells)),
            theme.dim(),
        ));
    }
    if let Some(team) = team {
        let used: usize = stepper.iter().map(|s| text_width(&s.content)).sum();
        stepper.push(Span::raw(
            " ".repeat(width.saturating_sub(used + team_cells)),
        ));
        stepper.push(Span::styled(team, theme.error()));
    }
    stepper
}

/// The team link down (`팀 연결 끊김 · N건 대기`), for the right end of the stepper's line,
/// when it fits whole in half the width.
fn team_notice(app: &App, width: usize) -> Option<String> {
    app.team_notice()
        .map(|notice| format!(" {notice} "))
        .filter(|notice| text_width(notice) < width / 2)
}

/// The content changed under the console: said in the header until the agent opens the
/// `바뀐 가이드` view (shorter in the header's narrower forms).
fn updated_label(app: &App, form: u8) -> String {
    app.changes.updated.map_or(String::new(), |at| {
        let at = at.format("%H:%M");
        if form == 0 {
            format!(" 콘텐츠 갱신 {at} ·")
        } else {
            format!(" 갱신 {at} ·")
        }
    })
}

const SEARCH_LABEL: &str = " / 검색: ";
const FLAG_LABEL: &str = " 문장 신고 · 이유: ";

/// The search line's row while a sentence is flagged: the reason typed, the reasons Tab
/// offers, and which sentence of the answer (the answer marks it).
fn draw_flag_prompt(flag: &super::flag::Flagging, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let mut spans = vec![
        Span::styled(FLAG_LABEL, theme.accent()),
        Span::styled(inert(flag.reason.text()), theme.strong()),
    ];
    if flag.reason.is_empty() {
        spans.push(Span::styled(
            format!(
                "(Tab {} · 직접 입력 · 없어도 됨)",
                super::flag::REASONS.join("·")
            ),
            theme.dim(),
        ));
    }
    let used: usize = spans.iter().map(|s| text_width(&s.content)).sum();
    let room = usize::from(area.width).saturating_sub(used);
    spans.push(Span::styled(
        truncate(
            &format!("  · 문장 {}/{}", flag.at + 1, flag.sentences.len()),
            room,
        ),
        theme.dim(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn draw_search(app: &App, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let label_style = if app.search.active {
        theme.accent()
    } else {
        theme.dim()
    };
    let mut spans = vec![
        Span::styled(SEARCH_LABEL, label_style),
        Span::styled(inert(app.search.query.text()), theme.strong()),
    ];
    if app.search.query.is_empty() && !app.search.active {
        spans.push(Span::styled(
            "질문·스크립트·규정·SMS (초성 ㅍㄹㅁㅂㅅ, 영타 rkdlq도 됩니다)",
            theme.dim(),
        ));
    } else if !app.search.query.is_empty() {
        // While the hits of the query typed last are on their way, those shown are the
        // previous query's: the count says so.
        let count = crate::text::group_thousands(app.search.results.total());
        let count = if app.search_pending() {
            format!("  {count}건 (찾는 중…)")
        } else {
            format!("  {count}건")
        };
        spans.push(Span::styled(count, theme.dim()));
        // How the query was read, so the agent sees why the hits are what they are.
        let readings = app.search.results.readings();
        if !readings.is_empty() && !app.search_pending() {
            let used: usize = spans.iter().map(|s| text_width(&s.content)).sum();
            let room = usize::from(area.width).saturating_sub(used);
            let shown = truncate(&format!("  ⇢ {}", inert(&readings.join(" · "))), room);
            spans.push(Span::styled(shown, theme.accent()));
        }
    }
    if app.help_centre == HelpCentre::FirstGuideOnly {
        // Until the rest of the help centre is in, hits come from the guide shown only.
        let used: usize = spans.iter().map(|s| text_width(&s.content)).sum();
        let room = usize::from(area.width).saturating_sub(used);
        let note = truncate("  · 첫 가이드만 (나머지 불러오는 중…)", room);
        spans.push(Span::styled(note, theme.dim()));
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
    let width = usize::from(area.width);
    // A question on screen names its keys, whatever passing notice there is.
    let line = if let (Some((message, _)), None) = (&app.toast, &app.confirm) {
        Line::from(Span::styled(
            truncate(&format!(" {}", inert(message)), width),
            theme.accent(),
        ))
    } else if let (Some(notice), None) = (
        app.log_notice.as_ref().or(app.content_notice.as_ref()),
        &app.confirm,
    ) {
        // Stays until the log can be written again (nobody should think a send was
        // recorded), or until the content folder loads again (the agent reads older text).
        Line::from(Span::styled(
            truncate(&format!(" ⚠ {}", inert(notice)), width),
            theme.error(),
        ))
    } else {
        Line::from(footer_spans(app, width, theme))
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The footer's keys in `width` cells: help and quit always named (at the end), the
/// layer's other keys in order while they fit.
fn footer_spans(app: &App, width: usize, theme: Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    if app.search.active {
        spans.push(Span::styled(" 입력하면 바로 찾습니다 ·", theme.dim()));
    } else if app.editing() {
        spans.push(Span::styled(" 입력 중 ·", theme.dim()));
    }
    let piece = |hint: &keymap::Hint| {
        [
            Span::styled(format!(" {}", hint.label), theme.strong()),
            Span::styled(format!(" {} ", hint.help), theme.dim()),
        ]
    };
    let cells = |pieces: &[Span<'_>]| pieces.iter().map(|s| text_width(&s.content)).sum::<usize>();
    let (pinned, others): (Vec<keymap::Hint>, Vec<keymap::Hint>) = app
        .footer_hints()
        .into_iter()
        .partition(|hint| matches!(hint.action, keymap::Action::Help | keymap::Action::Quit));
    let pinned: Vec<Span<'static>> = pinned.iter().flat_map(piece).collect();
    let mut used = cells(&spans) + cells(&pinned);
    for hint in &others {
        let next = piece(hint);
        used += cells(&next);
        if used > width {
            break;
        }
        spans.extend(next);
    }
    spans.extend(pinned);
    spans
}

/// An overlay's frame: the area cleared (see [`clear_for_overlay`]) and a thick border with
/// `title` drawn; returns the inside.
fn overlay(frame: &mut Frame<'_>, popup: Rect, title: &str, style: Style, theme: Theme) -> Rect {
    clear_for_overlay(frame, popup);
    frame.render_widget(Block::new().style(theme.base()), popup);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Thick)
        .border_style(style)
        .title(title.to_owned());
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    inner
}

/// Clears `popup` for an overlay, and the cell left of it where a double-width character
/// of the screen beneath straddles its edge (drawn half, it would push the border aside).
fn clear_for_overlay(frame: &mut Frame<'_>, popup: Rect) {
    let buffer = frame.buffer_mut();
    if popup.x > 0 {
        for y in popup.top()..popup.bottom() {
            if let Some(cell) = buffer.cell_mut((popup.x - 1, y))
                && text_width(cell.symbol()) > 1
            {
                cell.set_symbol(" ");
            }
        }
    }
    frame.render_widget(Clear, popup);
}

/// The call's wrap-up over the panes: the ticket note as it will be copied, the memo typed
/// in place (the terminal cursor in it).
fn draw_wrapup(app: &App, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let width = area.width.saturating_sub(4).min(96);
    let height = area.height.saturating_sub(4).max(3);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + 2.min(area.height.saturating_sub(height)),
        width,
        height,
    };
    let inner = overlay(
        frame,
        popup,
        " 상담 정리 · 메모 입력 · Enter 복사·저장·새 상담 · Esc 닫기 ",
        theme.accent(),
        theme,
    );
    let text_width_cells = usize::from(inner.width);
    let note = app.wrapup_note();
    let mut lines: Vec<Line<'static>> = Vec::new();
    for line in note.lines().filter(|l| !l.starts_with("메모: ")) {
        lines.extend(super::text::wrap_text(
            line,
            theme.normal(),
            text_width_cells,
            4,
        ));
    }
    lines.push(Line::default());
    let label = "메모: ";
    let memo = super::text::wrap(
        &[
            super::text::Segment::new(label, theme.strong()),
            super::text::Segment::new(app.call.memo.text(), theme.editing()),
        ],
        text_width_cells,
        0,
    );
    let memo_row = lines.len();
    lines.extend(memo);
    let shown = lines.len().min(usize::from(inner.height));
    let skip = lines.len() - shown;
    frame.render_widget(Paragraph::new(lines.split_off(skip)), inner);
    // The cursor: after what is typed before it, on the memo's wrapped lines.
    let before = text_width(label) + app.call.memo.cursor_cells();
    let row = memo_row + before / text_width_cells.max(1);
    let column = before % text_width_cells.max(1);
    if let (Ok(row), Ok(column)) = (
        u16::try_from(row.saturating_sub(skip)),
        u16::try_from(column),
    ) {
        super::widgets::place_cursor(frame, inner, inner.x + column, inner.y + row);
    }
}

/// A yes/no question in a box over the middle of the screen.
fn draw_confirm(question: &str, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let width = area.width.saturating_sub(4).min(64);
    let inside = usize::from(width.saturating_sub(2));
    let mut lines = super::text::wrap_text(question, theme.strong(), inside, 0);
    lines.extend(super::text::wrap_text(
        &confirm_keys(),
        theme.accent(),
        inside,
        0,
    ));
    let height = (u16::try_from(lines.len()).unwrap_or(u16::MAX) + 2).min(area.height);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    };
    let inner = overlay(frame, popup, " 확인 ", theme.warn(), theme);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The keys a question takes, from the key table, as its box's last line says them.
fn confirm_keys() -> String {
    keymap::footer(keymap::Layer::Confirm)
        .iter()
        .filter(|hint| matches!(hint.action, keymap::Action::Yes | keymap::Action::No))
        .map(|hint| format!("{} {}", hint.label, hint.help))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The `바뀐 가이드` view over the panes (the footer names its keys).
fn draw_changes(app: &App, frame: &mut Frame<'_>, area: Rect, theme: Theme) {
    let width = area.width.min(140);
    let popup = Rect {
        x: area.x + (area.width - width) / 2,
        y: area.y + 1,
        width,
        height: area.height.saturating_sub(2),
    };
    let inner = overlay(frame, popup, super::changes::TITLE, theme.accent(), theme);
    app.changes.draw(frame, inner, theme);
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
    let inner = overlay(
        frame,
        popup,
        " 도움말 · 아무 키나 누르면 닫힘 (↑↓ 스크롤) ",
        theme.accent(),
        theme,
    );
    let mut lines: Vec<Line<'static>> = [
        "한글 입력 상태에서도 단축키가 됩니다 (ㅓ=j, ㅏ=k, ㅂ=q …)",
        "단축키가 아닌 글자·한글은 어디서 치든 검색으로 들어갑니다 (/ 없이도)",
        "규정 조회에서 값 칸을 고르면 숫자·없음이 그 칸에 들어갑니다 (새로 채움, 있던 값은 Enter로 고침)",
        "입력 칸: ←→ 이동, Home/End, C-u 앞부분 지우기, C-w 한 단어 지우기",
        "규정 입력·SMS 변수가 있으면 종료 전에 한 번 묻습니다",
    ]
    .into_iter()
    .map(|text| Line::from(Span::styled(text, theme.dim())))
    .collect();
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
