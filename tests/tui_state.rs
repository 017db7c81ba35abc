//! The console driven headless: keys in, state and rendered frames out.
#![allow(clippy::too_many_lines)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use support_console::clock::parse_instant;
use support_console::content;
use support_console::tui::command::{Effect, Pane, Step};
use support_console::tui::{App, HelpCentre};

fn app() -> App {
    let now = parse_instant("2024-12-05T10:00:00+09:00").ok();
    let mut app = App::new(
        content::load_embedded().expect("embedded content"),
        now,
        None,
    );
    app.theme = support_console::tui::theme::Theme::new(false);
    app
}

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

fn type_text(app: &mut App, text: &str) {
    for ch in text.chars() {
        app.handle_key(&key(KeyCode::Char(ch)));
    }
}

fn render(app: &mut App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("test terminal");
    terminal
        .draw(|frame| support_console::tui::ui::draw(app, frame))
        .expect("draw");
    screen_text(terminal.backend().buffer())
}

/// The screen as a person reads it: one line a row, a wide character once (not followed by
/// the blank cell it covers).
fn screen_text(buffer: &ratatui::buffer::Buffer) -> String {
    let area = buffer.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut x = area.left();
        while x < area.right() {
            let symbol = buffer.cell((x, y)).map_or(" ", |c| c.symbol());
            out.push_str(symbol);
            x += u16::try_from(unicode_width::UnicodeWidthStr::width(symbol).max(1)).unwrap_or(1);
        }
        out.push('\n');
    }
    out
}

#[test]
fn starts_on_step_one_with_the_qa_list() {
    let app = app();
    assert_eq!(app.step, Step(0));
    assert_eq!(app.focus, Pane::Qa);
    assert_eq!(app.qa.selected, 0);
    assert!(!app.qa.detail);
}

#[test]
fn korean_ime_keys_move_like_their_latin_keys() {
    let mut app = app();
    type_text(&mut app, "ㅓ");
    assert_eq!(app.qa.selected, 1, "ㅓ is j: down");
    type_text(&mut app, "ㅏ");
    assert_eq!(app.qa.selected, 0, "ㅏ is k: up");
    type_text(&mut app, "ㅣ");
    assert_eq!(app.step, Step(1), "ㅣ is l: next step");
    assert!(app.qa.detail, "step 2 opens the answer");
    type_text(&mut app, "ㅣ");
    assert_eq!(
        (app.step, app.focus),
        (Step(2), Pane::Sms),
        "step 3 is the SMS pane"
    );
    type_text(&mut app, "ㅗ");
    assert_eq!(app.step, Step(1), "ㅗ is h: previous step");
    type_text(&mut app, "ㅂ");
    assert!(app.quit, "ㅂ is q");
}

#[test]
fn korean_search_finds_and_opens() {
    let mut app = app();
    type_text(&mut app, "/");
    assert!(app.search.active);
    type_text(&mut app, "ㄱㅇㄱㅈ");
    assert!(!app.search.results.is_empty());
    let first = app.index.doc(app.search.results.ranked()[0].doc);
    assert!(first.text.contains("가입 기준"), "{}", first.text);
    // While typing, letters are text, not shortcuts.
    type_text(&mut app, "q");
    assert!(!app.quit);
    app.handle_key(&key(KeyCode::Backspace));
    app.handle_key(&key(KeyCode::Enter));
    assert!(!app.search.active);
    assert_eq!(
        (app.focus, app.qa.selected, app.qa.detail),
        (Pane::Qa, 1, true)
    );
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("프로멤버십 가입 기준이 어떻게 되나요?"),
        "{screen}"
    );
}

#[test]
fn wrong_keyboard_mode_search_finds_the_signup_sms() {
    let mut app = app();
    type_text(&mut app, "/rkdlq qkdqjq");
    let first = app.index.doc(app.search.results.ranked()[0].doc);
    assert_eq!(first.id, "sms-signup-how-to");
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(app.focus, Pane::Sms);
}

#[test]
fn esc_clears_search_then_leaves_the_field() {
    let mut app = app();
    type_text(&mut app, "/멤ㅂ");
    assert!(!app.search.results.is_empty());
    app.handle_key(&key(KeyCode::Esc));
    assert!(app.search.query.is_empty() && !app.search.active);
}

#[test]
fn panes_by_number_tab_and_mouse() {
    let mut app = app();
    type_text(&mut app, "3");
    assert_eq!(app.focus, Pane::Rules);
    app.handle_key(&key(KeyCode::Tab));
    assert_eq!(app.focus, Pane::Sms);
    app.handle_key(&key(KeyCode::BackTab));
    assert_eq!(app.focus, Pane::Rules);
    render(&mut app, 120, 40);
    let category = app
        .hitboxes
        .pane_area(Pane::Category)
        .expect("category drawn");
    app.handle_event(&crossterm::event::Event::Mouse(
        crossterm::event::MouseEvent {
            kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
            column: category.x + 2,
            row: category.y + 2,
            modifiers: KeyModifiers::NONE,
        },
    ));
    assert_eq!(app.focus, Pane::Category);
}

#[test]
fn copy_puts_the_focused_text_on_the_clipboard() {
    let mut app = app();
    type_text(&mut app, "y");
    let Some(Effect::Copy(script)) = app.effects.pop() else {
        panic!("no copy")
    };
    assert!(script.starts_with("기사님의 성공적인 비즈니스를 위해"));
    type_text(&mut app, "1y");
    assert_eq!(
        app.effects.pop(),
        Some(Effect::Copy(
            "택시_기사 ▶ 가입/심사/내정보 ▶ 멤버십 ▶ 일반".into()
        ))
    );
    assert!(app.toast.is_some());
}

#[test]
fn rule_form_updates_as_the_agent_types() {
    let mut app = app();
    type_text(&mut app, "3");
    app.rules.at.clear();
    type_text(&mut app, "j"); // to the rating field
    type_text(&mut app, "3.9"); // typed straight in: not panes 3 and a search
    assert_eq!(app.search.query.text(), "");
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(app.rules.text_of("rating"), Some("3.9"));
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("예: 2024-12-05T10:00:00+09:00"),
        "bad instant flagged: {screen}"
    );
    app.rules.at.set("2024-11-20T10:00:00+09:00");
    let screen = render(&mut app, 200, 50);
    assert!(screen.contains("평점 3.9 < 4.0"), "{screen}");

    // Once a value is entered, the digits and letters that follow are the panes' and the
    // shortcuts' again: `4` is the SMS pane, not a new rating.
    type_text(&mut app, "4");
    assert_eq!(app.focus, support_console::tui::command::Pane::Sms);
    assert_eq!(app.rules.text_of("rating"), Some("3.9"));
    // A paste on the next value field goes into it, as typing does.
    type_text(&mut app, "3j");
    app.handle_event(&crossterm::event::Event::Paste("3.72".into()));
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(app.rules.text_of("prev_month_avg"), Some("3.72"));
    assert_eq!(app.rules.text_of("rating"), Some("3.9"));
    type_text(&mut app, "y");
    assert!(
        matches!(app.effects.pop(), Some(Effect::Copy(_))),
        "y copies"
    );
    assert_eq!(app.rules.text_of("prev_month_avg"), Some("3.72"));
    // A verdict copied is no SMS: the wrap-up's SMS lines and the SMS pane's recent list
    // stay empty.
    assert!(app.call.events.is_empty(), "{:?}", app.call.events);
    assert!(app.sms.recent.is_empty());
}

#[test]
fn help_is_generated_from_the_key_table() {
    let mut app = app();
    type_text(&mut app, "?");
    assert!(app.help_open);
    // Every screen of it, scrolled with j to the end.
    let mut screens = String::new();
    for _ in 0..120 {
        screens.push_str(&render(&mut app, 120, 40));
        type_text(&mut app, "j");
    }
    assert!(app.help_open, "j scrolls, it does not close");
    for binding in support_console::tui::keymap::BINDINGS {
        let line = format!("{:<12} {}", binding.label, binding.help);
        let shown = line.chars().take(24).collect::<String>();
        assert!(screens.contains(&shown), "{shown} missing from help");
    }
    type_text(&mut app, "x");
    assert!(!app.help_open);
}

#[test]
fn content_escape_sequences_are_shown_inert() {
    let mut json: serde_json::Value =
        serde_json::from_slice(&content::embedded_sources()[0].bytes).unwrap();
    json["qa"][0]["questions"][0] = serde_json::json!("위험\u{1b}]52;c;AAAA\u{7}\u{1b}[2J 질문");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("g.json"),
        serde_json::to_vec(&json).unwrap(),
    )
    .unwrap();
    let loaded = content::load_dir(dir.path()).unwrap();
    let mut app = App::new(loaded, None, None);
    let screen = render(&mut app, 120, 40);
    assert!(!screen.contains('\u{1b}'));
    assert!(screen.contains("위험␛]52;c;AAAA␇␛[2J"), "{screen}");
}

#[test]
fn too_small_says_so() {
    let mut app = app();
    let screen = render(&mut app, 59, 20);
    assert!(screen.contains("최소 60x20"), "{screen}");
    // Keys act unseen there: all but quit are ignored.
    type_text(&mut app, "j3/");
    assert_eq!(
        (app.qa.selected, app.focus, app.search.active),
        (0, Pane::Qa, false)
    );
    type_text(&mut app, "q");
    assert!(app.quit);
    app.quit = false;
    for (w, h) in [(1, 1), (2, 50), (300, 3), (60, 19)] {
        render(&mut app, w, h);
    }
}

/// Full frames for each step at the three sizes the issue names.
#[test]
fn snapshots_of_each_step() {
    let labels = [
        "① 멤버십 문의사항 탐색",
        "② 사유별 처리방법 확인",
        "③ 앱 조작 안내",
    ];
    for (width, height) in [(80, 24), (120, 40), (60, 20)] {
        let mut app = app();
        for step in (0..3).map(Step) {
            app.set_step(step);
            let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
            terminal
                .draw(|frame| support_console::tui::ui::draw(&mut app, frame))
                .expect("draw");
            let buffer = terminal.backend().buffer().clone();
            let screen = screen_text(&buffer);
            assert!(screen.contains("프로멤버십(가입)"));
            insta::assert_snapshot!(format!("step{}_{width}x{height}", step.index() + 1), screen);
            // What the plain text cannot show: the current step is the reversed one, and the
            // focused pane's selected row (step ①: the question list) is reversed too.
            let stepper = styled_runs(&buffer, 1, Modifier::REVERSED);
            assert_eq!(stepper.len(), 1, "one current step: {stepper:?}");
            let label = labels[step.index()];
            assert!(
                stepper[0].chars().count() >= 3 && label.starts_with(stepper[0].as_str()),
                "{width}x{height}: {stepper:?} is not {label}"
            );
            let selected: Vec<String> = (2..height)
                .flat_map(|y| styled_runs(&buffer, y, Modifier::REVERSED))
                .collect();
            match step.index() {
                0 => assert!(
                    selected
                        .iter()
                        .any(|r| r.starts_with("Q1 프로 멤버십이 무엇인가요?")),
                    "{selected:?}"
                ),
                2 => assert!(
                    selected.iter().any(|r| r.starts_with("기사 SMS 템플릿")),
                    "{selected:?}"
                ),
                _ => assert!(
                    selected.is_empty() || width < 100,
                    "the answer has the keys, no row: {selected:?}"
                ),
            }
        }
    }
}

/// The runs of text on row `y` drawn with `modifier` (how a style-only meaning is read).
fn styled_runs(buffer: &ratatui::buffer::Buffer, y: u16, modifier: Modifier) -> Vec<String> {
    let mut runs = Vec::new();
    let mut current = String::new();
    let mut x = 0;
    while x < buffer.area.width {
        let Some(cell) = buffer.cell((x, y)) else {
            break;
        };
        if cell.modifier.contains(modifier) {
            current.push_str(cell.symbol());
        } else if !current.is_empty() {
            runs.push(std::mem::take(&mut current).trim_end().to_owned());
        }
        // A double-width character covers the next cell.
        let cells = unicode_width::UnicodeWidthStr::width(cell.symbol()).max(1);
        x += u16::try_from(cells).unwrap_or(1);
    }
    if !current.is_empty() {
        runs.push(current.trim_end().to_owned());
    }
    runs
}

fn arbitrary_key() -> impl Strategy<Value = KeyEvent> {
    let codes = prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        prop::sample::select(vec![
            'j', 'k', 'h', 'l', 'g', 'G', '/', 'y', 's', ' ', '1', '2', '3', '4', 'ㅓ', 'ㅏ', '가',
            '?'
        ])
        .prop_map(KeyCode::Char),
        prop::sample::select(vec![
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
        ]),
    ];
    let mods = prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::SHIFT,
        KeyModifiers::ALT,
    ]);
    (codes, mods).prop_map(|(code, mods)| KeyEvent::new(code, mods))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    /// Random keys at random sizes never panic (the quit key only ends the sequence).
    #[test]
    fn random_keys_at_random_sizes_never_panic(
        keys in prop::collection::vec(arbitrary_key(), 1..40),
        sizes in prop::collection::vec((1u16..220, 1u16..70), 1..4),
    ) {
        let mut app = app();
        let mut terminal = Terminal::new(TestBackend::new(sizes[0].0, sizes[0].1)).unwrap();
        for (n, key) in keys.iter().enumerate() {
            app.handle_key(key);
            app.quit = false;
            let (w, h) = sizes[n % sizes.len()];
            terminal.backend_mut().resize(w, h);
            terminal.resize(ratatui::layout::Rect::new(0, 0, w, h)).unwrap();
            terminal.draw(|frame| support_console::tui::ui::draw(&mut app, frame)).unwrap();
        }
    }
}

/// The README lists exactly the key table, and shows the console at 120x40.
#[test]
fn readme_keys_match_the_key_table() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/README.md");
    let mut readme = std::fs::read_to_string(path).unwrap();
    let table = support_console::tui::keymap::markdown_table();
    // `UPDATE_README=1 cargo test --test tui_state readme` writes the table in.
    if std::env::var_os("UPDATE_README").is_some() && !readme.contains(&table) {
        let start = readme
            .find("| keys | where | what |")
            .expect("the README's key table");
        let end = readme[start..]
            .find("\n\n")
            .map_or(readme.len(), |at| start + at + 1);
        readme.replace_range(start..end, &table);
        std::fs::write(path, &readme).unwrap();
    }
    assert!(
        readme.contains(&table),
        "regenerate the README key table: UPDATE_README=1 cargo test --test tui_state readme"
    );
    // The capture is the step-one snapshot at 120x40, line for line (trailing blanks aside).
    let snapshot = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/tui_state__step1_120x40.snap"
    ))
    .unwrap();
    let frame: String = snapshot
        .splitn(3, "---\n")
        .nth(2)
        .expect("snapshot body")
        .trim_end_matches('\n')
        .lines()
        .fold(String::new(), |mut frame, line| {
            frame.push_str(line.trim_end());
            frame.push('\n');
            frame
        });
    assert!(frame.lines().count() == 40, "the whole frame");
    let capture = format!("```\n{frame}```");
    if std::env::var_os("UPDATE_README").is_some() && !readme.contains(&capture) {
        let start = readme
            .find("```\n support-console")
            .expect("the README's capture");
        let end = readme[start + 4..]
            .find("```")
            .map_or(readme.len(), |at| start + 4 + at + 3);
        readme.replace_range(start..end, &capture);
        std::fs::write(path, &readme).unwrap();
    }
    assert!(
        readme.contains(&capture),
        "the README capture differs from the snapshot: copy the snapshot into the README"
    );
}

#[test]
fn hit_list_pages_and_ranks_as_it_scrolls() {
    let mut app = app();
    type_text(&mut app, "/ㄱ");
    let total = app.search.results.total();
    assert!(total > 20, "{total}");
    app.handle_key(&key(KeyCode::PageDown));
    assert_eq!(app.search.selected, 10);
    app.handle_key(&key(KeyCode::PageUp));
    assert_eq!(app.search.selected, 0);
    // In the list, End goes to the last hit, which ranks every hit before it.
    app.handle_key(&key(KeyCode::Tab));
    app.handle_key(&key(KeyCode::End));
    assert_eq!(app.search.selected, total - 1);
    assert_eq!(app.search.results.ranked().len(), total);
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains(&format!("검색 결과 {total}건")), "{screen}");
    let hit = &app.search.results.ranked()[total - 1];
    let last = app.index.doc(hit.doc);
    // The list shows each hit from just before its first match.
    let from = hit.ranges.first().map_or(0, |r| r.start);
    let shown: String = last.text.chars().skip(from).take(4).collect();
    assert!(
        screen.contains(&shown),
        "the last hit is drawn: {shown}\n{screen}"
    );
}

/// The seed guide and a second guide (`tests/fixtures/two-guides`), loaded as a help centre.
/// Files load in path order: guide 0 is the call-cancel guide ("A"), guide 1 the
/// membership guide ("B").
fn two_guides() -> App {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("pro-membership-signup.json"),
        &content::embedded_sources()[0].bytes,
    )
    .expect("seed");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/two-guides/call-cancel-fee.json"
        ),
        dir.path().join("call-cancel-fee.json"),
    )
    .expect("fixture");
    let loaded = content::load_dir(dir.path()).expect("two guides");
    let now = parse_instant("2024-12-05T10:00:00+09:00").ok();
    let mut app = App::new(loaded, now, None);
    app.theme = support_console::tui::theme::Theme::new(false);
    assert_eq!(
        app.current_guide().map(|g| g.id.as_str()),
        Some("call-cancel-fee")
    );
    app
}

/// Makes guide A's selections point at things guide B does not have at those places.
fn stale_selections_in_a(app: &mut App) {
    type_text(app, "2j"); // A's Q2
    assert_eq!(app.qa.selected, 1);
    type_text(app, "4j"); // A's second template
    app.rules.highlight = Some(0);
    app.sms.show_all = true;
}

/// Everything that points into a guide points into `guide`.
fn assert_all_inside(app: &App, guide: usize) {
    assert_eq!(app.guide, guide);
    let rows = app.category.rows().to_vec();
    assert_eq!(rows[app.category.row].guide, Some(guide), "tree row");
    let shown = app.current_guide().expect("guide");
    assert!(app.qa.selected < shown.qa.len(), "question");
    if let Some(rule) = app.rules.highlight {
        assert!(rule < shown.rules.len(), "rule highlight");
    }
    let ctx = app.context();
    let templates = app.sms.visible(&ctx);
    assert!(
        templates.is_empty() || app.sms.selected < templates.len(),
        "SMS selection"
    );
    for template in templates {
        assert!(
            shown.sms_templates.iter().any(|t| t.id == template.id),
            "template {} is not guide {guide}'s",
            template.id
        );
    }
}

/// Searches `query` and selects the first hit of `kind`.
fn select_first_hit_of(app: &mut App, query: &str, kind: support_console::search::DocKind) {
    app.apply(support_console::tui::command::Command::ClearSearch);
    type_text(app, "/");
    type_text(app, query);
    let total = app.search.results.total();
    app.select_hit(total);
    let rank = app
        .search
        .results
        .ranked()
        .iter()
        .position(|hit| app.index.doc(hit.doc).kind == kind)
        .unwrap_or_else(|| panic!("no {kind:?} hit for {query}"));
    app.select_hit(rank);
}

#[test]
fn opening_a_hit_of_another_guide_moves_every_selection_there() {
    use support_console::search::DocKind;

    // A question of B.
    let mut app = two_guides();
    stale_selections_in_a(&mut app);
    select_first_hit_of(&mut app, "가입 기준이 어떻게", DocKind::Question);
    app.handle_key(&key(KeyCode::Enter));
    assert_all_inside(&app, 1);
    assert_eq!(app.qa.selected, 1, "B's Q2 is open");
    assert!(app.qa.detail);
    assert_eq!(app.focus, Pane::Qa);

    // A rule of B.
    let mut app = two_guides();
    stale_selections_in_a(&mut app);
    select_first_hit_of(&mut app, "갱신 기준 평점", DocKind::Rule);
    app.handle_key(&key(KeyCode::Enter));
    assert_all_inside(&app, 1);
    assert_eq!(app.focus, Pane::Rules);
    let rule = app.rules.highlight.expect("rule highlighted");
    assert_eq!(
        app.current_guide().expect("B").rules[rule].id,
        "rule-renew-rating"
    );
    assert_eq!(app.qa.selected, 0, "A's question does not carry over");

    // A template of B.
    let mut app = two_guides();
    stale_selections_in_a(&mut app);
    select_first_hit_of(&mut app, "가입 방법 안내", DocKind::SmsTitle);
    app.handle_key(&key(KeyCode::Enter));
    assert_all_inside(&app, 1);
    assert_eq!(app.focus, Pane::Sms);
    let ctx = app.context();
    assert_eq!(
        app.sms.visible(&ctx)[app.sms.selected].id,
        "sms-signup-how-to"
    );
    assert_eq!(app.rules.highlight, None, "A's rule highlight is gone");

    // And back to A through the tree: B's selections do not carry over either.
    let mut app = two_guides();
    select_first_hit_of(&mut app, "가입 기준이 어떻게", DocKind::Question);
    app.handle_key(&key(KeyCode::Enter));
    type_text(&mut app, "1");
    for _ in 0..10 {
        type_text(&mut app, "k");
    }
    type_text(&mut app, "jj"); // 택시_기사, 운행 ▸ 콜 취소, • 콜 취소 수수료
    assert_all_inside(&app, 0);
    assert_eq!(app.qa.selected, 0);
}

#[test]
fn clicking_a_template_closes_its_variable_form() {
    let mut app = two_guides();
    type_text(&mut app, "4");
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(
        app.sms.editing,
        Some(0),
        "A's first template has a variable"
    );
    type_text(&mut app, "12월");
    render(&mut app, 120, 40);
    let area = app.hitboxes.pane_area(Pane::Sms).expect("SMS pane");
    let click = |app: &mut App, row: u16| {
        app.handle_event(&crossterm::event::Event::Mouse(
            crossterm::event::MouseEvent {
                kind: crossterm::event::MouseEventKind::Down(crossterm::event::MouseButton::Left),
                column: area.x + 3,
                row: area.y + 1 + row,
                modifiers: KeyModifiers::NONE,
            },
        ));
    };
    click(&mut app, 0);
    assert_eq!(
        app.sms.editing, None,
        "clicking the same template closes the form"
    );
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(app.sms.editing, Some(0));
    click(&mut app, 1);
    assert_eq!((app.sms.selected, app.sms.editing), (1, None));
    // The value typed is kept for when the form opens again.
    click(&mut app, 0);
    app.handle_key(&key(KeyCode::Enter));
    let ctx = app.context();
    let id = &app.sms.visible(&ctx)[0].id;
    assert_eq!(app.sms.values[id]["date"].text(), "12월");
}

#[test]
fn backspace_inside_a_korean_word_removes_one_syllable() {
    let mut app = app();
    type_text(&mut app, "/가입기준");
    app.handle_key(&key(KeyCode::Left));
    app.handle_key(&key(KeyCode::Backspace));
    assert_eq!(app.search.query.text(), "가입준");
    let hits = app.search.results.total();
    app.handle_key(&key(KeyCode::End));
    app.handle_key(&key(KeyCode::Backspace));
    assert_eq!(app.search.query.text(), "가입");
    assert!(
        app.search.results.total() > hits,
        "the search follows the edit"
    );
    // The terminal cursor sits after the syllables before it (2 cells each).
    app.handle_key(&key(KeyCode::Left));
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    terminal
        .draw(|frame| support_console::tui::ui::draw(&mut app, frame))
        .expect("draw");
    let cursor = terminal.get_cursor_position().expect("cursor");
    let label = unicode_width::UnicodeWidthStr::width(" / 검색: ");
    assert_eq!(usize::from(cursor.x), label + 2, "after 가, before 입");
}

#[test]
fn a_paste_outside_a_field_is_ignored_not_replayed_as_keys() {
    let dir = tempfile::tempdir().expect("tempdir");
    let history = dir.path().join("log.sqlite3");
    let now = parse_instant("2024-12-05T10:00:00+09:00").ok();
    let mut app = App::new(
        content::load_embedded().expect("embedded"),
        now,
        Some(history.clone()),
    );
    for pane in ["4", "1", "2", "3"] {
        type_text(&mut app, pane);
        app.handle_event(&crossterm::event::Event::Paste("yes sss q".into()));
        assert!(!app.quit, "a q in a paste does not quit");
        assert!(app.effects.is_empty(), "nothing copied");
        assert!(app.sms.recent.is_empty(), "nothing recorded as sent");
        let (notice, _) = app.toast.clone().expect("a notice says why");
        assert!(notice.contains("붙여넣기는 입력 칸에서만"), "{notice}");
    }
    app.finish(support_console::tui::FLUSH_LIMIT);
    let (log, _) = support_console::history::Log::open(&history).expect("log");
    let events = log
        .events(&support_console::history::Filter::default())
        .expect("events");
    assert!(events.is_empty(), "nothing written to the log: {events:?}");
    // In the search field the same paste is text.
    type_text(&mut app, "/");
    app.handle_event(&crossterm::event::Event::Paste("가입\n기준".into()));
    assert_eq!(app.search.query.text(), "가입 기준");
    assert!(!app.search.results.is_empty());
}

fn app_at(now: &str) -> App {
    let mut app = App::new(
        content::load_embedded().expect("embedded content"),
        parse_instant(now).ok(),
        None,
    );
    app.theme = support_console::tui::theme::Theme::new(false);
    app
}

/// After signups closed (2024-12-15), Q1's recommendation and the signup SMS carry the
/// schedule's warning, and marking the SMS sent asks first. The header keeps the phase at
/// 60x20.
#[test]
fn date_aware_warnings_after_signups_closed() {
    let mut app = app_at("2024-12-15T10:00:00+09:00");
    app.set_step(Step(1));
    let screen = render(&mut app, 120, 40);
    insta::assert_snapshot!("warning_q1_2024-12-15_120x40", screen);
    assert!(screen.contains("추천드립니다."));
    assert!(
        screen.contains("⚠ 일정상 신규 가입이 중단되었습니다"),
        "{screen}"
    );
    app.set_step(Step(2));
    let screen = render(&mut app, 120, 40);
    insta::assert_snapshot!("warning_sms_2024-12-15_120x40", screen);
    assert!(
        screen.matches("⚠ 일정상 신규 가입이").count() >= 2,
        "{screen}"
    );
    type_text(&mut app, "s");
    assert!(app.confirm.is_some(), "sending asks first");
    assert!(app.sms.recent.is_empty());
    type_text(&mut app, "y");
    assert_eq!(app.sms.recent.len(), 1, "recorded after yes");
    // Before signups closed: no warning.
    let mut before = app_at("2024-11-20T10:00:00+09:00");
    before.set_step(Step(1));
    assert!(!render(&mut before, 120, 40).contains("⚠ 일정상"));
    // The service's end warns on every script.
    let mut over = app_at("2025-02-01T10:00:00+09:00");
    over.set_step(Step(1));
    assert!(render(&mut over, 120, 40).contains("⚠ 일정상 서비스 종료 후입니다"));
    // 60x20: the header keeps date and phase.
    let mut narrow = app_at("2024-12-15T10:00:00+09:00");
    let screen = render(&mut narrow, 60, 20);
    let header = screen.lines().next().expect("header");
    assert!(
        header.contains("2024-12-15") && header.contains("가입 중단"),
        "{header}"
    );
}

/// The wrap-up assembles the call: category, guide and content version, the questions
/// opened, the verdict of the rule inputs in one line, the SMS sent, the memo; Enter copies
/// it, logs it and starts a new call.
#[test]
fn wrap_up_note_copies_and_starts_a_new_call() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log.sqlite3");
    let mut app = App::new(
        content::load_embedded().expect("embedded"),
        parse_instant("2024-12-15T10:00:00+09:00").ok(),
        Some(log.clone()),
    );
    app.theme = support_console::tui::theme::Theme::new(false);
    type_text(&mut app, "j");
    app.handle_key(&key(KeyCode::Enter)); // Q2 opened
    type_text(&mut app, "3j");
    type_text(&mut app, "3.72");
    app.handle_key(&key(KeyCode::Enter));
    type_text(&mut app, "k ");
    type_text(&mut app, "4s");
    type_text(&mut app, "y"); // yes to the schedule's warning: recorded as sent
    type_text(&mut app, "w");
    assert!(app.call.wrapping_up);
    type_text(&mut app, "기사님 재문의 예정");
    app.call.started = None; // the timer is real time: left out of the snapshot
    let screen = render(&mut app, 120, 40);
    insta::assert_snapshot!("wrapup_120x40", screen);
    let note = app.wrapup_note();
    assert_eq!(
        note.lines().skip(1).collect::<Vec<_>>(),
        vec![
            "상담 유형: 택시_기사 ▶ 가입/심사/내정보 ▶ 멤버십 ▶ 일반",
            &format!(
                "가이드: 프로멤버십(가입) (pro-membership-signup · 콘텐츠 {})",
                app.content.version()
            ),
            "문의: Q2 프로멤버십 가입 기준이 어떻게 되나요? 프로멤버십 가입 기준은 왜 생긴건가요?",
            "판정: 2024-12-15 갱신 회원 · 평점 3.72 → 가이드 기준 없음(3.7~3.8): 선임 상담사 확인",
            "SMS 발송: 기사 SMS 템플릿 - 멤버십 가입 방법 안내 (sms-signup-how-to) · LMS 696 bytes",
            "메모: 기사님 재문의 예정",
        ],
        "{note}"
    );
    assert!(note.starts_with("[상담 정리] 2024-12-15 10:00 KST"));
    app.effects.clear();
    app.handle_key(&key(KeyCode::Enter));
    let Some(Effect::Copy(copied)) = app.effects.pop() else {
        panic!("the note is copied")
    };
    assert_eq!(copied, note);
    assert!(!app.call.wrapping_up && app.call.memo.is_empty() && app.call.questions.is_empty());
    assert!(!app.rules.has_inputs(), "inputs cleared for the next call");
    assert_eq!(app.step, Step(0));
    app.finish(support_console::tui::FLUSH_LIMIT);
    let (log, _) = support_console::history::Log::open(&log).expect("log");
    let events = log
        .events(&support_console::history::Filter::default())
        .expect("events");
    // The call's copies, sends and wrap-up (its opens and verdict are logged beside them).
    let kinds: Vec<_> = events
        .iter()
        .map(|e| e.kind)
        .filter(|k| {
            !matches!(
                k,
                support_console::history::EventKind::Open
                    | support_console::history::EventKind::Verdict
            )
        })
        .collect();
    assert_eq!(
        kinds,
        vec![
            support_console::history::EventKind::Sent,
            support_console::history::EventKind::Wrapup
        ]
    );
    assert!(
        events
            .iter()
            .any(|e| e.kind == support_console::history::EventKind::Verdict
                && e.text == "가이드 기준 없음(3.7~3.8): 선임 상담사 확인"),
        "{events:?}"
    );
    let wrapup = events
        .iter()
        .find(|e| e.kind == support_console::history::EventKind::Wrapup)
        .expect("the wrap-up is logged");
    // The log keeps the note but the memo, whose length alone it says.
    let (head, memo) = note.rsplit_once("\n메모: ").expect("a memo line");
    assert_eq!(memo, "기사님 재문의 예정");
    assert_eq!(
        wrapup.text,
        format!("{head}\n메모: (메모 10자, 기록에는 남기지 않음)")
    );
    assert!(wrapup.as_of.is_some(), "the simulated clock is kept apart");
}

/// A message written in the console: from a filled template or from scratch, counted live,
/// refused while it holds what EUC-KR cannot carry, recorded like a template once it can go.
#[test]
fn free_text_sms_is_written_checked_and_recorded() {
    let mut app = app();
    type_text(&mut app, "4e");
    let draft = app.sms.draft.as_ref().expect("draft");
    assert!(
        draft
            .editor
            .text()
            .starts_with("카카오 T 파트너 운영센터입니다.")
    );
    assert_eq!(draft.from.as_deref(), Some("sms-signup-how-to"));
    // From scratch: clear it, write two lines.
    app.handle_key(&KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL));
    type_text(&mut app, "기사님 안녕하세요");
    app.handle_key(&key(KeyCode::Enter));
    type_text(&mut app, "확인 부탁드립니다 😀");
    assert_eq!(
        app.sms.draft.as_ref().expect("draft").editor.text(),
        "기사님 안녕하세요\n확인 부탁드립니다 😀"
    );
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("보낼 수 없음"), "{screen}");
    assert!(screen.contains("EUC-KR로 보낼 수"), "{screen}");
    app.handle_key(&key(KeyCode::Esc)); // done typing
    type_text(&mut app, "s");
    assert!(app.sms.recent.is_empty(), "an emoji blocks the send");
    type_text(&mut app, "e");
    app.handle_key(&key(KeyCode::Backspace));
    app.handle_key(&key(KeyCode::Backspace));
    app.handle_key(&key(KeyCode::Esc));
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("SMS · 35 / 90 bytes  보낼 수 있음"),
        "{screen}"
    );
    type_text(&mut app, "s");
    // Edited from the signup template after signups closed: it asks first, like the template.
    assert!(
        app.confirm.is_some(),
        "the draft offers what its template offers"
    );
    type_text(&mut app, "y");
    let sent = app.sms.recent.last().expect("recorded");
    assert_eq!(sent.text, "기사님 안녕하세요\n확인 부탁드립니다");
    assert_eq!(sent.bytes, Some(35));
    // Esc out of typing, then Esc again throws the draft away.
    app.handle_key(&key(KeyCode::Esc));
    assert!(app.sms.draft.is_none());
}

/// What a key may change, to tell whether it did anything.
fn fingerprint(app: &App) -> String {
    format!(
        "{:?}",
        (
            (
                app.focus,
                app.step,
                app.guide,
                app.category.row,
                app.category.scroll
            ),
            (app.qa.selected, app.qa.detail, app.qa.scroll),
            (
                app.search.active,
                app.search.query.text().to_owned(),
                app.search.selected
            ),
            (
                app.rules.field,
                app.rules.editing,
                app.rules.at.text().to_owned(),
                app.rules.scroll,
                format!(
                    "{:?}",
                    app.rules
                        .inputs
                        .iter()
                        .map(|i| (i.choice, i.yes))
                        .collect::<Vec<_>>()
                )
            ),
            (
                app.sms.selected,
                app.sms.editing,
                format!("{:?}", app.sms.values),
                app.sms
                    .draft
                    .as_ref()
                    .map(|d| (d.editing, d.editor.text().to_owned()))
            ),
            (
                app.help_open,
                app.quit,
                app.confirm.is_some(),
                app.call.wrapping_up
            ),
            (app.effects.len(), app.toast.clone()),
            // Where each text's cursor stands.
            (
                app.search.query.cursor_cells(),
                app.rules.at.cursor_cells(),
                app.sms.draft.as_ref().map(|d| d.editor.cursor_cells()),
                app.call.memo.cursor_cells(),
            ),
        )
    )
}

/// Every key a footer names does something where it is named: for each place the agent
/// can be, each hint's key is pressed in a fresh console brought to that place.
#[test]
fn every_key_a_footer_names_does_something_there() {
    type Setup = fn() -> App;
    let places: Vec<(&str, Setup)> = vec![
        ("category pane on the guide", || {
            let mut app = app();
            type_text(&mut app, "1");
            app
        }),
        ("question list", app),
        ("answer", || {
            let mut app = app();
            app.handle_key(&key(KeyCode::Enter));
            app
        }),
        ("hit list", || {
            let mut app = app();
            type_text(&mut app, "/가");
            app.handle_key(&key(KeyCode::Tab));
            app
        }),
        ("rule pane", || {
            let mut app = app();
            type_text(&mut app, "3");
            app
        }),
        ("SMS pane", || {
            let mut app = app();
            type_text(&mut app, "4");
            app
        }),
        ("search line", || {
            let mut app = app();
            type_text(&mut app, "/가");
            app
        }),
        ("rule input", || {
            let mut app = app();
            type_text(&mut app, "3");
            app.handle_key(&key(KeyCode::Enter));
            app.handle_key(&key(KeyCode::End));
            app
        }),
        ("SMS variable", || {
            let mut app = two_guides();
            type_text(&mut app, "4");
            app.handle_key(&key(KeyCode::Enter));
            type_text(&mut app, "12월");
            app
        }),
        ("SMS draft", || {
            let mut app = app();
            type_text(&mut app, "4e");
            app
        }),
        ("wrap-up", || {
            let mut app = app();
            type_text(&mut app, "w메모");
            app
        }),
    ];
    let mut pressed = 0;
    for (place, setup) in places {
        let mut probe = setup();
        render(&mut probe, 120, 40);
        let hints = probe.footer_hints();
        assert!(!hints.is_empty(), "{place}: an empty footer");
        for hint in hints {
            let mut app = setup();
            render(&mut app, 120, 40);
            app.effects.clear();
            app.toast = None;
            let before = fingerprint(&app);
            app.handle_key(&KeyEvent::new(hint.key.0, hint.key.1));
            assert_ne!(
                fingerprint(&app),
                before,
                "{place}: '{} {}' did nothing",
                hint.label,
                hint.help
            );
            pressed += 1;
        }
    }
    assert!(pressed > 40, "{pressed}");
}

/// The rows of `screen` between `top` and `bottom` (inclusive) whose border characters
/// (`left`, `right`) stand where an overlay drew them.
fn assert_box_whole(screen: &str, what: &str) {
    let rows: Vec<&str> = screen.lines().collect();
    let top = rows
        .iter()
        .position(|r| r.contains('┏'))
        .unwrap_or_else(|| panic!("{what}: no box\n{screen}"));
    let column = |row: &str, c: char| {
        row.char_indices()
            .find(|(_, x)| *x == c)
            .map(|(at, _)| unicode_width::UnicodeWidthStr::width(&row[..at]))
    };
    let left = column(rows[top], '┏').expect("corner");
    let bottom = (top + 1..rows.len())
        .find(|&r| {
            rows[r].char_indices().any(|(at, c)| {
                c == '┗' && unicode_width::UnicodeWidthStr::width(&rows[r][..at]) == left
            })
        })
        .unwrap_or_else(|| panic!("{what}: no bottom under the top corner\n{screen}"));
    for row in &rows[top + 1..bottom] {
        let cells: Vec<(usize, char)> = row
            .chars()
            .scan(0, |at, c| {
                let here = *at;
                *at += unicode_width::UnicodeWidthChar::width(c).unwrap_or(1);
                Some((here, c))
            })
            .collect();
        assert!(
            cells.iter().any(|&(at, c)| at == left && c == '┃'),
            "{what}: left border broken in row {row:?}\n{screen}"
        );
        assert!(
            cells.iter().filter(|&&(_, c)| c == '┃').count() >= 2,
            "{what}: right border broken in row {row:?}\n{screen}"
        );
    }
}

/// Overlays draw whole over Korean text: no border of theirs is lost to a wide character
/// straddling its edge, at each size.
#[test]
fn overlays_draw_whole_over_korean_text() {
    let fresh = app;
    for (width, height) in [(60, 20), (100, 30), (120, 40)] {
        let mut app = fresh();
        app.set_step(Step(1));
        type_text(&mut app, "?");
        let screen = render(&mut app, width, height);
        assert_box_whole(&screen, &format!("help {width}x{height}"));
        insta::assert_snapshot!(format!("help_{width}x{height}"), screen);

        let mut app = app_at("2024-12-15T10:00:00+09:00");
        app.set_step(Step(2));
        type_text(&mut app, "s"); // asks: the schedule closed signups
        let screen = render(&mut app, width, height);
        assert_box_whole(&screen, &format!("confirm {width}x{height}"));

        let mut app = fresh();
        app.set_step(Step(1));
        type_text(&mut app, "w");
        app.call.started = None;
        let screen = render(&mut app, width, height);
        assert_box_whole(&screen, &format!("wrap-up {width}x{height}"));
        let mut app = fresh();
        app.set_step(Step(1));
        type_text(&mut app, "u");
        let screen = render(&mut app, width, height);
        assert_box_whole(&screen, &format!("changes {width}x{height}"));
    }
}

/// Opening a rule hit scrolls the rule into view; a hit in an answer's sentence marks it
/// and brings it into view; the wheel over the answer scrolls it, over the list it moves.
#[test]
fn hits_open_where_they_point_and_the_wheel_scrolls_what_is_under_it() {
    let fresh = app;
    let mut app = fresh();
    type_text(&mut app, "/갱신 기준 평점");
    let total = app.search.results.total();
    app.select_hit(total);
    let rank = app
        .search
        .results
        .ranked()
        .iter()
        .position(|hit| app.index.doc(hit.doc).kind == support_console::search::DocKind::Rule)
        .expect("a rule hit");
    app.select_hit(rank);
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(app.focus, Pane::Rules);
    let screen = render(&mut app, 120, 40);
    assert!(app.rules.scroll > 0, "scrolled to the rule");
    assert!(screen.contains("★ 갱신 기준 평점 3.8 이상"), "{screen}");

    // A sentence deep in Q2's answer.
    let mut app = fresh();
    type_text(&mut app, "/평점이 하락하지 않을 경우");
    let hit = app.search.results.ranked().first().expect("hit").clone();
    assert_eq!(
        app.index.doc(hit.doc).kind,
        support_console::search::DocKind::Script
    );
    app.handle_key(&key(KeyCode::Enter));
    let screen = render(&mut app, 120, 40);
    assert!(
        app.qa.scroll > 0,
        "scrolled to the sentence: mark {:?} detail {} scroll {}\n{screen}",
        app.qa.mark,
        app.qa.detail,
        app.qa.scroll
    );
    assert!(screen.contains("▶ "), "marked:\n{screen}");
    assert!(screen.contains("하락하지 않을 경우"), "in view:\n{screen}");

    // A note of the guide (a partner service): marked in the category pane, in view.
    let mut app = fresh();
    type_text(&mut app, "/목적지 부스터");
    let total = app.search.results.total();
    app.select_hit(total);
    let rank = app
        .search
        .results
        .ranked()
        .iter()
        .position(|hit| {
            matches!(
                app.index.doc(hit.doc).target,
                support_console::search::Target::Guide { .. }
            )
        })
        .expect("a note of the guide");
    app.select_hit(rank);
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(app.focus, Pane::Category);
    let screen = render(&mut app, 120, 40);
    assert!(app.category.mark.is_some(), "marked");
    assert!(screen.contains("▶ "), "{screen}");
    assert!(screen.contains("목적지 부스터"), "{screen}");

    // The wheel: over the answer it scrolls the answer, over the list it moves the selection.
    let mut app = fresh();
    render(&mut app, 120, 40);
    let wheel = |app: &mut App, column: u16, row: u16| {
        app.handle_event(&crossterm::event::Event::Mouse(
            crossterm::event::MouseEvent {
                kind: crossterm::event::MouseEventKind::ScrollDown,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            },
        ));
    };
    let qa = app.hitboxes.pane_area(Pane::Qa).expect("qa pane");
    let answer_row = qa.y + qa.height - 3;
    wheel(&mut app, qa.x + 5, answer_row);
    assert_eq!(
        (app.qa.selected, app.qa.scroll),
        (0, 3),
        "the answer scrolled"
    );
    let list_row = qa.y + 1;
    wheel(&mut app, qa.x + 5, list_row);
    assert_eq!(app.qa.selected, 1, "over the list the selection moves");
}

fn embedded_app() -> App {
    app()
}

/// The stepper is the shown guide's own handling order: its labels, its number of steps,
/// and the pane each step names (the second step of the call-cancel guide is the rule form).
#[test]
fn the_stepper_is_the_guides_handling_order() {
    let mut app = two_guides();
    let screen = render(&mut app, 120, 40);
    let stepper = screen.lines().nth(1).expect("stepper");
    assert!(
        stepper.contains("① 취소 문의 확인 ▸ ② 수수료 기준 안내"),
        "{stepper}"
    );
    assert!(!stepper.contains('③'), "two steps only: {stepper}");
    type_text(&mut app, "l");
    assert_eq!(
        (app.step, app.focus),
        (Step(1), Pane::Rules),
        "the content names the pane"
    );
    type_text(&mut app, "l");
    assert_eq!(app.step, Step(1), "the last step stays");
    // The membership guide: three steps, the default mapping (questions, answer, SMS).
    let mut app = embedded_app();
    let stepper = render(&mut app, 120, 40)
        .lines()
        .nth(1)
        .unwrap_or_default()
        .to_owned();
    assert!(
        stepper.contains("① 멤버십 문의사항 탐색 ▸ ② 사유별 처리방법 확인 ▸ ③ 앱 조작 안내"),
        "{stepper}"
    );
    type_text(&mut app, "ll");
    assert_eq!((app.step, app.focus), (Step(2), Pane::Sms));
}

/// The four fixture articles imported as a help centre, the dated 수락률 rule reviewed.
fn help_centre(now: &str) -> App {
    use support_console::content::{RuleStatus, RuleTerms};
    let dir = tempfile::tempdir().expect("tempdir");
    for name in [
        "seed-api.json",
        "acceptance-rate.md",
        "card-payment.html",
        "api-page-2.json",
    ] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/articles")
            .join(name);
        let text = std::fs::read_to_string(&path).expect("fixture");
        let file = support_console::import::read_file(
            &path,
            &text,
            None,
            &support_console::import::FileContext::default(),
        );
        for imported in file.guides() {
            let mut guide = imported.guide.clone();
            for rule in &mut guide.rules {
                if let RuleTerms::Condition {
                    values, outcome, ..
                } = &mut rule.terms
                    && values.len() == 2
                {
                    rule.status = RuleStatus::Reviewed;
                    *outcome = Some("우선 배차 대상".into());
                }
            }
            let json = serde_json::to_string_pretty(&guide).expect("json");
            std::fs::write(dir.path().join(format!("{}.json", guide.id)), json).expect("write");
        }
    }
    let loaded = content::load_dir(dir.path()).expect("help centre");
    let mut app = App::new(loaded, parse_instant(now).ok(), None);
    app.theme = support_console::tui::theme::Theme::new(false);
    app
}

#[test]
fn a_help_centre_tree_names_guides_with_badges_and_hits_with_guides() {
    let mut app = help_centre("2025-02-20T10:00:00+09:00");
    assert_eq!(app.content.guide_count(), 4);
    type_text(&mut app, "1");
    assert_eq!(app.focus, Pane::Category);
    let screen = render(&mut app, 120, 40);
    // Every guide of the help centre is in the tree, with its status badge.
    for title in [
        "[서비스종료] 프로멤버십(가입)",
        "[변경안내] 수락률 기준 변경(우선 배차)",
        "[운영중] 카드 결제 오류 안내",
        "[운영중] 운행 중 사고 접수",
    ] {
        assert!(screen.contains(title), "{title}\n{screen}");
    }
    insta::assert_snapshot!("help_centre_tree_120x40", screen);

    // Search covers all guides; each hit names its guide; opening one opens its guide.
    type_text(&mut app, "/");
    for ch in "승인 거절".chars() {
        app.handle_key(&key(KeyCode::Char(ch)));
    }
    let screen = render(&mut app, 120, 40);
    assert!(screen.contains("[질문·카드 결제 오류 안내]"), "{screen}");
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(
        app.current_guide().map(|g| g.id.as_str()),
        Some("article-card-payment")
    );
    let screen = render(&mut app, 120, 40);
    assert!(
        screen
            .lines()
            .take(3)
            .any(|l| l.contains("카드 결제 오류 안내")),
        "the header names the guide:\n{screen}"
    );
}

#[test]
fn the_rule_form_shows_the_inputs_of_the_guides_rules() {
    let mut app = help_centre("2025-02-20T10:00:00+09:00");
    // Open the acceptance-rate guide from search.
    type_text(&mut app, "/");
    for ch in "우선 배차 수락률 기준이".chars() {
        app.handle_key(&key(KeyCode::Char(ch)));
    }
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(
        app.current_guide().map(|g| g.id.as_str()),
        Some("article-acceptance-rate")
    );
    app.handle_key(&key(KeyCode::Esc));
    type_text(&mut app, "3");
    assert_eq!(app.focus, Pane::Rules);
    assert_eq!(app.rules.inputs.len(), 1);
    assert_eq!(app.rules.inputs[0].input.label, "수락률");
    let screen = render(&mut app, 120, 40);
    assert!(
        !screen.contains("전월 평균"),
        "no membership fields:\n{screen}"
    );
    assert!(screen.contains("수락률을 입력하면"), "{screen}");
    // The instant, then the input: a number typed on it goes into it.
    type_text(&mut app, "j82");
    app.handle_key(&key(KeyCode::Enter));
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("✓ 우선 배차 수락률 기준: 수락률 80% 이상 (~2025-02-28) →"),
        "{screen}"
    );
    insta::assert_snapshot!("help_centre_rules_120x40", screen);
    // The ticket note carries this guide's verdict, not the membership one.
    let note = app.wrapup_note();
    assert!(
        note.contains(
            "판정: ✓ 우선 배차 수락률 기준: 수락률 80% 이상 (~2025-02-28) → 충족: 우선 배차 대상"
        ),
        "{note}"
    );
    assert!(!note.contains("신규 가입"), "{note}");
    // After the change the same value falls short of 85%.
    type_text(&mut app, "k");
    app.handle_key(&key(KeyCode::Enter));
    app.rules.at.set("2025-03-02T10:00:00+09:00");
    app.handle_key(&key(KeyCode::Enter));
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("✗ 우선 배차 수락률 기준: 수락률 85% 이상 (2025-03-01~) →"),
        "{screen}"
    );
    // The membership guide keeps its own form. (On the instant's field digits are typed:
    // the panes are reached with Tab.)
    app.handle_key(&key(KeyCode::BackTab));
    app.handle_key(&key(KeyCode::BackTab));
    assert_eq!(app.focus, Pane::Category);
    type_text(&mut app, "gj");
    let rows = app.category.rows().to_vec();
    let membership = rows
        .iter()
        .position(|r| r.label == "프로멤버십(가입)")
        .expect("row");
    for _ in 0..membership {
        type_text(&mut app, "j");
    }
    let _ = rows;
    assert_eq!(
        app.current_guide().map(|g| g.title.as_str()),
        Some("프로멤버십(가입)")
    );
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("검토 전 초안"),
        "imported rules are drafts and do not answer:\n{screen}"
    );
}

#[test]
fn the_search_line_says_how_the_query_was_read_and_hits_say_why() {
    let mut app = app();
    type_text(&mut app, "/");
    type_text(&mut app, "RKDLQ RLWNS");
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("⇢ RKDLQ RLWNS → 가입 기준 (Caps Lock)"),
        "{screen}"
    );
    assert!(screen.contains("[질문] 영타 "), "{screen}");
    insta::assert_snapshot!("search_caps_lock_120x40", screen);
    // An everyday word: the reading and the tag say so.
    let mut app = self::app();
    type_text(&mut app, "/환불");
    let screen = render(&mut app, 80, 24);
    assert!(screen.contains("⇢ 환급 (유의어)"), "{screen}");
    assert!(screen.contains("유의어 "), "{screen}");
    insta::assert_snapshot!("search_synonym_80x24", screen);
}

/// A console opened on the first guide while the rest loads: the search line says hits come
/// from the guide shown only; once the whole help centre is in, the guide shown stays, the
/// query typed meanwhile is searched again over everything and the agent is told.
#[test]
fn the_rest_of_the_help_centre_arrives_while_the_console_is_open() {
    let mut app = app();
    app.help_centre = HelpCentre::FirstGuideOnly;
    app.handle_key(&key(KeyCode::Char('/')));
    type_text(&mut app, "멤버십");
    let before = app.search.results.total();
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("첫 가이드만 (나머지 불러오는 중…)"),
        "{screen}"
    );
    let shown = app.current_guide().map(|guide| guide.id.clone());

    let content = content::load_embedded().expect("embedded content");
    let index = support_console::search::SearchIndex::build(&content);
    let everything = index.search("멤버십").len();
    app.apply_loaded(support_console::tui::Loaded { content, index });
    assert_eq!(app.help_centre, HelpCentre::Whole);
    assert_eq!(app.current_guide().map(|guide| guide.id.clone()), shown);
    assert_eq!(app.search.results.total(), everything);
    assert_eq!(before, everything, "the same guide, the same hits");
    let screen = render(&mut app, 120, 40);
    assert!(!screen.contains("불러오는 중"), "{screen}");
    assert!(
        screen.contains("가이드 1개 모두에서 검색합니다"),
        "{screen}"
    );

    // A load that fails leaves the console on what it has, and says why.
    let mut app = self::app();
    app.help_centre = HelpCentre::FirstGuideOnly;
    app.loading_failed("콘텐츠 문제 1건");
    assert_eq!(app.help_centre, HelpCentre::Whole);
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("나머지 가이드를 불러오지 못했습니다: 콘텐츠 문제 1건"),
        "{screen}"
    );
}

/// In the console a key's search runs after the frame that shows the key: the frame drawn
/// in between shows what was typed and says the hits are coming; the search the loop then
/// runs (or Enter, straight away) gives the hits of the query typed last.
#[test]
fn the_frame_that_shows_a_key_does_not_wait_for_its_search() {
    let mut inline = app();
    inline.handle_key(&key(KeyCode::Char('/')));
    type_text(&mut inline, "멤버십 해지");

    let mut deferred = app();
    deferred.search_timing = support_console::tui::app::SearchTiming::AfterFrame;
    deferred.handle_key(&key(KeyCode::Char('/')));
    type_text(&mut deferred, "멤버십 해지");
    assert!(deferred.search_pending());
    assert_eq!(deferred.search.results.total(), 0, "not searched yet");
    let screen = render(&mut deferred, 120, 40);
    assert!(screen.contains("/ 검색: 멤버십 해지"), "{screen}");
    assert!(screen.contains("찾는 중"), "{screen}");
    assert!(deferred.run_due_search());
    assert!(!deferred.run_due_search(), "once");
    assert!(!deferred.search_pending());
    assert_eq!(
        deferred.search.results.ranked(),
        inline.search.results.ranked()
    );
    // Enter right after a key opens the hit of what was typed, searched first.
    type_text(&mut deferred, "료");
    type_text(&mut inline, "료");
    deferred.handle_key(&key(KeyCode::Enter));
    inline.handle_key(&key(KeyCode::Enter));
    assert_eq!(deferred.guide, inline.guide);
    assert_eq!(deferred.qa.selected, inline.qa.selected);
    assert_eq!(deferred.focus, inline.focus);
}

/// A help centre too large to search within a frame is searched on a thread of its own:
/// typing goes on while it runs, the count says the hits are on their way, and the hits that
/// arrive, and the one Enter opens, are those of the query typed last.
#[test]
fn searching_off_the_ui_thread_gives_the_hits_of_the_query_typed_last() {
    let mut on_thread = app();
    on_thread.handle_key(&key(KeyCode::Char('/')));
    type_text(&mut on_thread, "멤버십 해지");

    let mut off_thread = app();
    off_thread.search_off_thread();
    off_thread.handle_key(&key(KeyCode::Char('/')));
    type_text(&mut off_thread, "멤버십 해지");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while off_thread.search_pending() {
        assert!(std::time::Instant::now() < deadline, "no answer");
        let screen = render(&mut off_thread, 120, 40);
        assert!(screen.contains("건 (찾는 중…)") || !off_thread.search_pending());
        std::thread::sleep(std::time::Duration::from_millis(5));
        off_thread.receive_waiting();
    }
    assert_eq!(
        off_thread.search.results.total(),
        on_thread.search.results.total()
    );
    assert_eq!(
        off_thread.search.results.ranked(),
        on_thread.search.results.ranked()
    );

    // Enter straight after typing opens the top hit of what was typed, not of an earlier
    // keystroke.
    on_thread.handle_key(&key(KeyCode::Backspace));
    on_thread.handle_key(&key(KeyCode::Enter));
    off_thread.handle_key(&key(KeyCode::Backspace));
    off_thread.handle_key(&key(KeyCode::Enter));
    assert_eq!(off_thread.focus, on_thread.focus);
    assert_eq!(off_thread.guide, on_thread.guide);
    assert_eq!(
        off_thread.current_qa().map(|qa| qa.id.clone()),
        on_thread.current_qa().map(|qa| qa.id.clone())
    );
    assert!(!off_thread.search_pending());
}

/// On an 80-column screen the footer cannot name every key: the rule form's and the SMS
/// pane's own keys come first (a list's footer keeps the global ones first).
#[test]
fn a_narrow_footer_names_the_focused_panes_own_keys_first() {
    let footer = |keys: &str| {
        let mut app = app();
        type_text(&mut app, keys);
        let screen = render(&mut app, 80, 24);
        screen.lines().last().unwrap_or_default().to_owned()
    };
    // The rule form opens on its first question, the member choice; one row up is the
    // instant, one down the rating: fields that take what is typed, digits included.
    let choice = footer("3");
    assert!(
        choice.trim_start().starts_with("Space 선택 항목 바꾸기"),
        "{choice}"
    );
    for keys in ["3k", "3j"] {
        let field = footer(keys);
        assert!(field.trim_start().starts_with("0~9 . - 값 입력"), "{field}");
        assert!(
            !field.contains("Space"),
            "Space changes nothing there: {field}"
        );
        assert!(!field.contains("1~4"), "digits go into the field: {field}");
    }
    // Wherever the agent is, at 80 columns, help and quit are named.
    for keys in ["", "1", "2", "3", "3j", "4"] {
        let footer = footer(keys);
        assert!(footer.contains("? 도움말"), "{keys}: {footer}");
        assert!(footer.contains(" q 종료"), "{keys}: {footer}");
    }
    // Typing, `?` and `q` are letters: Ctrl-C quits, and says so.
    for keys in ["/", "w", "3j5"] {
        let footer = footer(keys);
        assert!(footer.contains("C-c 종료"), "{keys}: {footer}");
    }
    let sms = footer("4");
    assert!(sms.contains("e SMS 직접 쓰기·고치기"), "{sms}");
    assert!(sms.contains("s 발송함으로 기록"), "{sms}");
    let list = footer("2");
    assert!(list.trim_start().starts_with("/ 검색"), "{list}");
}

#[path = "../benches/support/corpus.rs"]
mod corpus;

#[path = "support/postgres.rs"]
mod postgres;
#[path = "team/mod.rs"]
mod team;

/// Guides an agent opens over a day are read from the help centre's folder as they are
/// shown; between events the console lets go of all but the last few read and the one shown
/// (each is read again when next shown), so what it holds stays bounded.
#[test]
fn guides_read_over_a_day_are_let_go_but_the_last_few_and_the_one_shown() {
    use support_console::tui::GUIDES_KEPT;
    let dir = tempfile::tempdir().expect("tempdir");
    let guides = GUIDES_KEPT + 4;
    for guide in 0..guides {
        let json = corpus::guide_json(guide, &corpus::guide_entries(guide, 3));
        let path = dir.path().join(format!("guide-{guide:02}.json"));
        std::fs::write(path, serde_json::to_string_pretty(&json).expect("json")).expect("write");
    }
    let whole = content::load_dir(dir.path()).expect("help centre");
    let catalog = whole.catalog(dir.path());
    let lazy = content::Content::from_catalog(&catalog, dir.path(), Vec::new());
    let index = support_console::search::SearchIndex::build(&whole);
    let mut app = app();
    app.apply_loaded(support_console::tui::Loaded {
        content: lazy,
        index,
    });
    let shown = app.guide;
    // A day of previews and guides opened reads every guide, the one shown first.
    for guide in std::iter::once(shown).chain(0..guides) {
        assert!(app.content.guide(guide).is_some());
    }
    assert!((0..guides).all(|guide| app.content.is_read(guide)));
    app.handle_event(&crossterm::event::Event::FocusGained);
    let read: Vec<usize> = (0..guides).filter(|&g| app.content.is_read(g)).collect();
    let mut expected: Vec<usize> = (guides - GUIDES_KEPT..guides).collect();
    if !expected.contains(&shown) {
        expected.insert(0, shown);
    }
    assert_eq!(read, expected);
    // One let go is read again when asked for.
    let gone = (0..guides)
        .find(|&g| !app.content.is_read(g))
        .expect("one let go");
    assert_eq!(app.content.guide(gone), whole.guide(gone));
}

/// A content folder changed while the console runs (a `touch` of every file, one guide
/// edited in place with its size and time kept, a guide added) never strands the agent:
/// every guide whose file holds the bytes it was loaded from still opens, and the one that
/// changed says why and what to do, where Enter once did nothing for the rest of the day.
#[test]
fn a_content_change_while_running_strands_no_guide_and_says_why_one_cannot_open() {
    use support_console::tui::command::Command;
    let dir = tempfile::tempdir().expect("tempdir");
    let guides = 4;
    let paths: Vec<std::path::PathBuf> = (0..guides)
        .map(|guide| {
            let json = corpus::guide_json(guide, &corpus::guide_entries(guide, 3));
            let path = dir.path().join(format!("guide-{guide:02}.json"));
            std::fs::write(&path, serde_json::to_string_pretty(&json).expect("json"))
                .expect("write");
            path
        })
        .collect();
    let whole = content::load_dir(dir.path()).expect("help centre");
    let catalog = whole.catalog(dir.path());
    let lazy = content::Content::from_catalog(&catalog, dir.path(), Vec::new());
    let index = support_console::search::SearchIndex::build(&whole);
    let mut app = app();
    app.apply_loaded(support_console::tui::Loaded {
        content: lazy,
        index,
    });
    app.apply(Command::SelectGuide(1));
    assert_eq!(app.guide, 1);

    // Every file touched; guide 2's edited in place, keeping its size and time.
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(3600);
    for path in &paths {
        let file = std::fs::File::options()
            .append(true)
            .open(path)
            .expect("open");
        file.set_modified(later).expect("touch");
    }
    let mut bytes = std::fs::read(&paths[2]).expect("read");
    let at = bytes.iter().rposition(u8::is_ascii_digit).expect("a digit");
    bytes[at] = if bytes[at] == b'9' {
        b'8'
    } else {
        bytes[at] + 1
    };
    std::fs::write(&paths[2], &bytes).expect("edit");
    let file = std::fs::File::options()
        .append(true)
        .open(&paths[2])
        .expect("open");
    file.set_modified(later).expect("time kept");
    std::fs::write(dir.path().join("guide-99.json"), b"{}").expect("added");

    for guide in [0, 3, 1] {
        app.toast = None;
        app.apply(Command::SelectGuide(guide));
        assert_eq!(app.guide, guide, "guide {guide} opens");
        assert!(app.toast.is_none(), "{:?}", app.toast);
        assert_eq!(app.current_guide(), whole.guide(guide));
    }
    app.apply(Command::SelectGuide(2));
    assert_eq!(
        app.guide, 1,
        "the changed guide is not shown half old, half new"
    );
    let (notice, _) = app.toast.clone().expect("a notice says why");
    assert!(notice.contains("가이드를 열 수 없습니다"), "{notice}");
    assert!(notice.contains("바뀌었습니다"), "{notice}");
    assert!(notice.contains("다시 여세요"), "{notice}");
}

/// Ctrl-C at any question means no: nothing is recorded, nothing quits, and what was typed
/// stays. One case per question the console asks.
#[test]
fn ctrl_c_at_every_prompt_answers_no_and_records_nothing() {
    type Setup = fn(&mut App);
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    let prompts: Vec<(&str, Setup)> = vec![
        ("quit with rule inputs", |app| {
            type_text(app, "3jj4.1");
            app.handle_key(&key(KeyCode::Enter));
            type_text(app, "q");
        }),
        ("quit with an SMS written", |app| {
            type_text(app, "4e가");
            app.handle_key(&key(KeyCode::Esc));
            app.handle_key(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        }),
        ("quit with SMS variables", |app| {
            // The other guide's template asks for variables.
            let other = app.content.guide_index("call-cancel-fee").expect("fixture");
            app.apply(support_console::tui::command::Command::SelectGuide(other));
            type_text(app, "4");
            app.handle_key(&key(KeyCode::Enter));
            type_text(app, "12월");
            app.handle_key(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        }),
        ("quit during the wrap-up", |app| {
            type_text(app, "w메모");
            app.handle_key(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        }),
        ("quit while typing a search", |app| {
            type_text(app, "3jj4.1");
            app.handle_key(&key(KeyCode::Enter));
            type_text(app, "/가입");
            app.handle_key(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL));
        }),
        ("send the signup SMS after signups closed", |app| {
            type_text(app, "4s");
        }),
        (
            "send a draft of the signup SMS after signups closed",
            |app| {
                type_text(app, "4e");
                app.handle_key(&key(KeyCode::Esc));
                type_text(app, "s");
            },
        ),
        ("quit on a screen too small to see", |app| {
            type_text(app, "3jj4.1");
            app.handle_key(&key(KeyCode::Enter));
            render(app, 40, 10);
            type_text(app, "q");
        }),
    ];
    let guides = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        guides.path().join("pro-membership-signup.json"),
        &content::embedded_sources()[0].bytes,
    )
    .expect("seed");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/two-guides/call-cancel-fee.json"
        ),
        guides.path().join("call-cancel-fee.json"),
    )
    .expect("fixture");
    for (prompt, setup) in prompts {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = dir.path().join("log.sqlite3");
        let loaded = content::load_dir(guides.path()).expect("two guides");
        let mut app = App::new(
            loaded,
            parse_instant("2024-12-15T10:00:00+09:00").ok(),
            Some(log.clone()),
        );
        // Start on the membership guide (the first in the tree is the other one).
        let membership = app
            .content
            .guide_index("pro-membership-signup")
            .expect("seed");
        app.apply(support_console::tui::command::Command::SelectGuide(
            membership,
        ));
        setup(&mut app);
        let question = app.confirm.clone().map(|c| c.question);
        assert!(question.is_some(), "{prompt}: no question asked");
        let unsaved = app.unsaved();
        if prompt.contains("SMS variables") {
            let typed = app.sms.values.values().flat_map(|v| v.values());
            assert!(
                typed
                    .map(support_console::tui::line_editor::LineEditor::text)
                    .eq(["12월"]),
                "{prompt}"
            );
        }
        app.handle_key(&ctrl_c);
        assert!(app.confirm.is_none(), "{prompt}: the question stays");
        assert!(!app.quit, "{prompt}: Ctrl-C answered yes to quitting");
        assert_eq!(app.unsaved(), unsaved, "{prompt}: what was typed is gone");
        assert!(app.sms.recent.is_empty(), "{prompt}: recorded as sent");
        assert!(app.call.events.is_empty(), "{prompt}: in the call's note");
        let (notice, _) = app.toast.clone().expect("a notice");
        assert_eq!(notice, "취소했습니다", "{prompt}");
        app.finish(support_console::tui::FLUSH_LIMIT);
        let events = support_console::history::Log::open_existing(&log)
            .expect("log")
            .map(|(log, _)| log.events(&support_console::history::Filter::default()))
            .transpose()
            .expect("events")
            .unwrap_or_default();
        // The query left on the search line is a search the agent made (the team counts
        // it); nothing the prompt asked about is written.
        assert!(
            events
                .iter()
                .all(|e| e.kind == support_console::history::EventKind::Search),
            "{prompt}: written to the log: {events:?}"
        );
    }
}

/// The seed and an FAQ outside the template, imported as a help centre.
fn with_reference_guide() -> App {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles");
    for name in ["seed.md", "variants/faq.md"] {
        let path = root.join(name);
        let text = std::fs::read_to_string(&path).expect("fixture");
        let file = support_console::import::read_file(
            &path,
            &text,
            None,
            &support_console::import::FileContext::default(),
        );
        for imported in file.guides() {
            let json = serde_json::to_string_pretty(&imported.guide).expect("json");
            std::fs::write(dir.path().join(imported.file_name()), json).expect("write");
        }
    }
    let loaded = content::load_dir(dir.path()).expect("help centre");
    let mut app = App::new(
        loaded,
        parse_instant("2025-05-10T10:00:00+09:00").ok(),
        None,
    );
    app.theme = support_console::tui::theme::Theme::new(false);
    app
}

#[test]
fn a_reference_guide_is_badged_in_the_tree_and_searched_opened_and_copied_like_any() {
    let mut app = with_reference_guide();
    assert_eq!(app.content.guide_count(), 2);
    type_text(&mut app, "1");
    let screen = render(&mut app, 120, 40);
    let row = screen
        .lines()
        .find(|l| l.contains("• ") && l.contains("정산 문의 자주 묻는 질문"))
        .unwrap_or_else(|| panic!("the guide's row:\n{screen}"));
    assert!(row.contains("[템플릿 밖]"), "{row}");
    let seed_row = screen
        .lines()
        .find(|l| l.contains("• ") && l.contains("프로멤버십(가입)"))
        .unwrap_or_else(|| panic!("the seed's row:\n{screen}"));
    assert!(!seed_row.contains("템플릿 밖"), "{seed_row}");

    // Search finds its answer; opening the hit opens the guide.
    type_text(&mut app, "/");
    for ch in "세금계산서".chars() {
        app.handle_key(&key(KeyCode::Char(ch)));
    }
    app.handle_key(&key(KeyCode::Enter));
    assert_eq!(
        app.current_guide().map(|g| g.id.as_str()),
        Some("article-faq")
    );
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("매월 10일에 지난달 수수료에 대한 세금계산서가"),
        "{screen}"
    );
    // A guide with no handling order still steps, and copies its category path.
    type_text(&mut app, "123");
    let _ = render(&mut app, 120, 40);
    // The rule form of a guide that asks nothing holds only the instant: a digit there
    // still jumps to a pane.
    assert_eq!(app.focus, support_console::tui::command::Pane::Rules);
    type_text(&mut app, "1y");
    assert_eq!(
        app.effects.pop(),
        Some(Effect::Copy("택시 기사 ▶ 정산/출금".into()))
    );
}

#[path = "tui_state/content_changes.rs"]
mod content_changes;
#[path = "tui_state/themes.rs"]
mod themes;
