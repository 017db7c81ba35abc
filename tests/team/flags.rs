//! `f` and `p` played headless: a sentence of an answer flagged with a reason (the report
//! lists it), a question pinned to the top of the list (kept in the log, never pushed,
//! forgotten by `history reset-ranking`).

use crossterm::event::KeyCode;
use support_console::content;
use support_console::history::{EventKind, Filter, Log};
use support_console::tui::App;
use support_console::tui::keymap::Layer;

use super::super::{key, parse_instant, render, type_text};
use super::{bin, quit};

fn console(log: &std::path::Path) -> App {
    App::new(
        content::load_embedded().expect("embedded content"),
        parse_instant("2024-11-20T10:00:00+09:00").ok(),
        Some(log.to_owned()),
    )
}

#[test]
fn f_flags_a_sentence_of_the_answer_with_a_reason_and_the_report_lists_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log.sqlite3");
    let mut app = console(&log);
    // The first question's answer, opened; `ㄹ` is `f` with the Korean IME on.
    app.handle_key(&key(KeyCode::Enter));
    assert!(app.qa.detail);
    type_text(&mut app, "ㄹ");
    assert_eq!(app.layer(), Layer::Flag);
    let flag = app.flag.as_ref().expect("flagging");
    assert!(flag.sentences.len() > 2, "the answer has sentences");
    let second = flag.sentences[1].clone();
    app.handle_key(&key(KeyCode::Down));
    assert_eq!(app.qa.mark.as_deref(), Some(second.id.as_str()), "marked");
    // Tab offers the reasons in turn; letters typed are the reason (not shortcuts).
    app.handle_key(&key(KeyCode::Tab));
    assert_eq!(app.flag.as_ref().map(|f| f.reason.text()), Some("틀림"));
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.contains("문장 신고 · 이유: 틀림") && screen.contains("문장 2/"),
        "{screen}"
    );
    assert!(screen.contains("Tab 이유 고르기"), "the footer: {screen}");
    app.handle_key(&key(KeyCode::Enter));
    assert!(app.flag.is_none());
    assert_eq!(
        app.layer(),
        Layer::Panes(support_console::tui::keymap::Scope::Move)
    );
    // A second flag with a reason typed; a third dropped with Esc.
    type_text(&mut app, "f");
    app.handle_key(&key(KeyCode::Down));
    type_text(&mut app, "qjq 요금 바뀜");
    app.handle_key(&key(KeyCode::Enter));
    type_text(&mut app, "f");
    type_text(&mut app, "안 보냄");
    app.handle_key(&key(KeyCode::Esc));
    assert!(app.flag.is_none() && !app.quit);
    quit(app);

    let (opened, _) = Log::open(&log).expect("log");
    let flags: Vec<_> = opened
        .events(&Filter::default())
        .expect("events")
        .into_iter()
        .filter(|e| e.kind == EventKind::Flag)
        .collect();
    assert_eq!(flags.len(), 2, "{flags:#?}");
    assert_eq!(flags[0].detail.entry.as_deref(), Some(second.id.as_str()));
    assert_eq!(flags[0].text, second.text);
    assert_eq!(flags[0].detail.reason.as_deref(), Some("틀림"));
    assert_eq!(flags[1].detail.reason.as_deref(), Some("qjq 요금 바뀜"));

    let out = bin(&["report", "--history", log.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let flagged = report["flags"]
        .as_array()
        .expect("flags")
        .iter()
        .find(|row| row["entry"] == second.id.as_str())
        .unwrap_or_else(|| panic!("{report:#}"));
    assert_eq!(flagged["sentence"], second.text.as_str());
    assert_eq!(flagged["count"], 2);
    let reasons: Vec<&str> = flagged["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .filter_map(|r| r["reason"].as_str())
        .collect();
    assert!(
        reasons.contains(&"틀림") && reasons.contains(&"qjq 요금 바뀜"),
        "{reasons:?}"
    );
}

#[test]
fn p_pins_a_question_to_the_top_for_this_agent_until_the_ranking_is_reset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log.sqlite3");
    let mut app = console(&log);
    let second = app.current_guide().expect("guide").qa[1].clone();
    type_text(&mut app, "j");
    assert_eq!(app.qa.selected, 1);
    type_text(&mut app, "p");
    assert!(app.ranking.pinned.contains(&second.id));
    let screen = render(&mut app, 120, 40);
    let first_row = screen
        .lines()
        .find(|line| line.contains("Q1") || line.contains("[고정]"))
        .unwrap_or_default()
        .to_owned();
    assert!(first_row.contains("[고정]"), "pinned first: {screen}");
    // The list moves in the order it shows: from the pinned question (row 1), down is Q1.
    type_text(&mut app, "j");
    assert_eq!(app.qa.selected, 0);
    type_text(&mut app, "k");
    assert_eq!(app.qa.selected, 1);
    quit(app);

    // Kept in the log for the next start; never among what is pushed.
    let app = console(&log);
    assert!(app.ranking.pinned.contains(&second.id));
    drop(app);
    let (opened, _) = Log::open(&log).expect("log");
    let pushable = opened.unpushed("postgres://x/y", 100).expect("unpushed");
    assert!(
        pushable
            .iter()
            .all(|(_, e)| !matches!(e.kind, EventKind::Pin | EventKind::Unpin)),
        "{pushable:#?}"
    );
    drop(opened);
    let out = bin(&[
        "history",
        "reset-ranking",
        "--history",
        log.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let app = console(&log);
    assert!(app.ranking.pinned.is_empty(), "reset");
}
