//! The team link against a real PostgreSQL started for each test (`support/postgres.rs`):
//! consoles playing calls headless, `history push` and `report` run as the binary.

mod cli;
mod console;
mod flags;

use std::path::Path;
use std::process::{Command, Output};

use crossterm::event::KeyCode;
use support_console::content;
use support_console::team::TeamUrl;
use support_console::tui::App;

use super::{key, parse_instant, type_text};

/// A query the embedded guide has nothing for.
pub const NOTHING: &str = "블랙박스 영상 제출";

/// What an agent types that must never reach the team.
pub const PHONE: &str = "010-4821-7735";
pub const MEMO: &str = "김철수 기사님 010-9876-5432 내일 재문의 비밀메모";

pub fn bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_support-console"))
        .args(args)
        .env_remove("SUPPORT_CONSOLE_TEAM")
        .env_remove("PGPASSWORD")
        .env("PGPASSFILE", "/nonexistent")
        .output()
        .expect("the binary runs")
}

pub fn push(log: &Path, url: &str) -> Output {
    bin(&[
        "history",
        "push",
        "--history",
        log.to_str().unwrap(),
        "--team",
        url,
    ])
}

pub fn report_json(url: &str) -> serde_json::Value {
    let out = bin(&["report", "--team", url, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The count of `key`'s rows whose `field` is `value`.
pub fn count_of(report: &serde_json::Value, key: &str, field: &str, value: &str) -> u64 {
    report[key]
        .as_array()
        .expect(key)
        .iter()
        .filter(|row| row[field] == value)
        .map(|row| row["count"].as_u64().unwrap_or(0))
        .sum()
}

pub fn total(report: &serde_json::Value, key: &str) -> u64 {
    report[key]
        .as_array()
        .expect(key)
        .iter()
        .map(|row| row["count"].as_u64().unwrap_or(0))
        .sum()
}

/// One call, as an agent plays it: a search that finds nothing, a search whose hit is
/// opened, an SMS written with the driver's phone number and marked as sent, a wrap-up with
/// a memo. With `team`, the console pushes in the background as it runs.
pub fn play_call(log: &Path, team: Option<&str>) -> App {
    let mut app = App::new(
        content::load_embedded().expect("embedded content"),
        parse_instant("2024-11-20T10:00:00+09:00").ok(),
        Some(log.to_owned()),
    );
    if let Some(url) = team {
        app.connect_team(TeamUrl::parse(url).expect("team URL"));
    }
    type_text(&mut app, "/");
    type_text(&mut app, NOTHING);
    assert_eq!(app.search.results.total(), 0, "{NOTHING} finds nothing");
    app.handle_key(&key(KeyCode::Esc));
    app.handle_key(&key(KeyCode::Esc));
    type_text(&mut app, "/");
    type_text(&mut app, "가입 기준");
    assert!(app.search.results.total() > 0);
    app.handle_key(&key(KeyCode::Enter));
    type_text(&mut app, "4e");
    app.handle_key(&crossterm::event::KeyEvent::new(
        KeyCode::Char('u'),
        crossterm::event::KeyModifiers::CONTROL,
    ));
    type_text(&mut app, &format!("{PHONE}로 가입 방법을 보내드립니다"));
    app.handle_key(&key(KeyCode::Esc));
    type_text(&mut app, "s");
    if app.confirm.is_some() {
        type_text(&mut app, "y");
    }
    assert_eq!(
        app.sms.recent.last().map(|e| e.kind),
        Some(support_console::history::EventKind::Sent)
    );
    type_text(&mut app, "w");
    type_text(&mut app, MEMO);
    app.handle_key(&key(KeyCode::Enter));
    app
}

/// Quits the console, its log written.
pub fn quit(mut app: App) {
    type_text(&mut app, "q");
    if app.confirm.is_some() {
        type_text(&mut app, "y");
    }
    assert!(app.quit);
    let finished = app.finish(support_console::tui::FLUSH_LIMIT);
    assert_eq!(finished.unwritten, 0, "{:?}", finished.message);
}
