//! Both palettes, every pane: each text's contrast against its background is at least
//! 4.5:1 (WCAG AA), measured cell by cell on rendered frames; snapshots show where each
//! colour goes.

use std::fmt::Write as _;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};
use support_console::clock::parse_instant;
use support_console::content;
use support_console::tui::App;
use support_console::tui::command::{Pane, Step};
use support_console::tui::theme::{Palette, Theme, contrast};

const AA: f64 = 4.5;

fn app(palette: Palette) -> App {
    let now = parse_instant("2024-12-05T10:00:00+09:00").ok();
    let mut app = App::new(
        content::load_embedded().expect("embedded content"),
        now,
        None,
    );
    app.theme = Theme::with_palette(true, palette);
    app
}

fn press(app: &mut App, code: KeyCode) {
    app.handle_key(&KeyEvent::new(code, KeyModifiers::NONE));
}

fn type_text(app: &mut App, text: &str) {
    for ch in text.chars() {
        press(app, KeyCode::Char(ch));
    }
}

fn draw(app: &mut App, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| support_console::tui::ui::draw(app, frame))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// A cell's text and background colours as shown (reversed cells swapped).
fn shown_colors(theme: Theme, cell: &ratatui::buffer::Cell) -> ((u8, u8, u8), (u8, u8, u8)) {
    let fg = theme.rgb(cell.fg, true);
    let bg = theme.rgb(cell.bg, false);
    if cell.modifier.contains(Modifier::REVERSED) {
        (bg, fg)
    } else {
        (fg, bg)
    }
}

/// Every cell that shows a character has at least AA contrast; the cells that fail, named.
fn assert_contrast(theme: Theme, buffer: &Buffer, what: &str) {
    let mut failures = Vec::new();
    for (i, cell) in buffer.content.iter().enumerate() {
        if cell.symbol().trim().is_empty() {
            continue;
        }
        let (fg, bg) = shown_colors(theme, cell);
        let ratio = contrast(fg, bg);
        if ratio < AA {
            let width = usize::from(buffer.area.width);
            failures.push(format!(
                "({}, {}) {:?} fg {:?} bg {:?}: {ratio:.2}",
                i % width,
                i / width,
                cell.symbol(),
                cell.fg,
                cell.bg
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{what}: {} cells under {AA}:1, first: {:?}",
        failures.len(),
        &failures[..failures.len().min(10)]
    );
}

/// The screen, then where each pair of colours goes: a letter a cell (space where nothing
/// is shown), and the legend with each pair's contrast.
fn colour_map(theme: Theme, buffer: &Buffer) -> String {
    let mut legend: Vec<((Color, Color, bool), char)> = Vec::new();
    let letters: Vec<char> = ('a'..='z').chain('A'..='Z').chain('0'..='9').collect();
    let width = usize::from(buffer.area.width);
    let mut map = String::new();
    for (i, cell) in buffer.content.iter().enumerate() {
        if cell.symbol().trim().is_empty() {
            map.push(' ');
        } else {
            let key = (cell.fg, cell.bg, cell.modifier.contains(Modifier::REVERSED));
            let letter = if let Some((_, letter)) = legend.iter().find(|(k, _)| *k == key) {
                *letter
            } else {
                let next = letters[legend.len().min(letters.len() - 1)];
                legend.push((key, next));
                next
            };
            map.push(letter);
        }
        if (i + 1) % width == 0 {
            map.push('\n');
        }
    }
    let mut out = super::screen_text(buffer);
    out.push_str("--- colours ---\n");
    out.push_str(&map);
    for ((fg, bg, reversed), letter) in legend {
        let cell = {
            let mut cell = ratatui::buffer::Cell::default();
            cell.fg = fg;
            cell.bg = bg;
            if reversed {
                cell.modifier = Modifier::REVERSED;
            }
            cell
        };
        let (text_colour, ground_colour) = shown_colors(theme, &cell);
        let _ = writeln!(
            out,
            "{letter} = {fg:?} on {bg:?}{}: {:.2}:1",
            if reversed { " reversed" } else { "" },
            contrast(text_colour, ground_colour)
        );
    }
    out
}

/// Each pane in the states an agent sees it in, drawn at 120x40 (four panes) and 80x24 (one
/// pane at a time): the screens, by name.
fn screens(palette: Palette) -> Vec<(String, Buffer)> {
    let mut screens = Vec::new();
    let mut app = app(palette);
    for (width, height) in [(120, 40), (80, 24)] {
        for pane in Pane::ALL {
            app.focus = pane;
            screens.push((
                format!("{pane:?} {width}x{height}"),
                draw(&mut app, width, height),
            ));
        }
    }
    // The answer open, its rules starred; the search with hits; the rule form with a verdict
    // and an error; the SMS preview with variables; the help, the wrap-up, a question.
    app.set_step(Step(1));
    screens.push(("answer".into(), draw(&mut app, 120, 40)));
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "가입");
    screens.push(("search".into(), draw(&mut app, 120, 40)));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Esc);
    app.focus = Pane::Rules;
    press(&mut app, KeyCode::Char('j'));
    type_text(&mut app, "3.9");
    screens.push(("verdict".into(), draw(&mut app, 120, 40)));
    type_text(&mut app, "x");
    screens.push(("field error".into(), draw(&mut app, 120, 40)));
    press(&mut app, KeyCode::Enter);
    app.set_step(Step(2));
    press(&mut app, KeyCode::Enter);
    type_text(&mut app, "홍길동");
    screens.push(("sms variables".into(), draw(&mut app, 120, 40)));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('?'));
    screens.push(("help".into(), draw(&mut app, 120, 40)));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('w'));
    type_text(&mut app, "메모");
    screens.push(("wrap-up".into(), draw(&mut app, 120, 40)));
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char('q'));
    screens.push(("confirm".into(), draw(&mut app, 120, 40)));
    screens
}

#[test]
fn every_text_of_every_pane_has_aa_contrast_in_both_palettes() {
    for palette in [Palette::Dark, Palette::Light] {
        let theme = Theme::with_palette(true, palette);
        for (name, buffer) in screens(palette) {
            assert_contrast(theme, &buffer, &format!("{palette:?} {name}"));
        }
    }
}

#[test]
fn snapshots_of_the_panes_in_both_palettes() {
    for palette in [Palette::Dark, Palette::Light] {
        let theme = Theme::with_palette(true, palette);
        let screens = screens(palette);
        for name in ["answer", "verdict", "sms variables"] {
            let (_, buffer) = screens
                .iter()
                .find(|(n, _)| n == name)
                .expect("screen drawn");
            let snapshot = format!("{palette:?} {name}")
                .replace(' ', "_")
                .to_lowercase();
            insta::assert_snapshot!(snapshot, colour_map(theme, buffer));
        }
    }
}
