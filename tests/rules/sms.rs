//! SMS measuring against CP949, the CLI's JSON, and the consultation log (SQLite) under
//! concurrent writers, its JSON-lines import and the history command.

use std::process::Command;

use support_console::content;
use support_console::history::{EventKind, Filter, Log, LogEvent};
use support_console::sms::{self, MessageKind};

use super::cli;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_support-console"))
}

#[test]
fn seed_template_count_equals_cp949() {
    let content = content::load_embedded().unwrap();
    let (_, template) = content.template("sms-signup-how-to").unwrap();
    let rendered = sms::render(template, &std::collections::BTreeMap::new());
    let (encoded, _, had_errors) = encoding_rs::EUC_KR.encode(&rendered.text);
    assert!(!had_errors);
    assert_eq!(rendered.measure.bytes, encoded.len());
    assert_eq!(rendered.measure.bytes, 696);
    assert_eq!(rendered.measure.kind, MessageKind::Lms);
    assert_eq!(
        sms::counter_label(&rendered.measure),
        "LMS · 696 / 2,000 bytes"
    );
}

#[test]
fn cli_json_shapes() {
    let output = bin()
        .args(["sms", "sms-signup-how-to", "--json"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["bytes"], 696);
    assert_eq!(json["kind"], "LMS");
    assert_eq!(json["unencodable"], serde_json::json!([]));

    let output = bin()
        .args(["sms", "--text", "요금 ₩39,000 😀", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        json["unencodable"],
        serde_json::json!([{"char": "₩", "index": 3}, {"char": "😀", "index": 11}])
    );
    assert_eq!(json["sendable"], false);

    let output = bin()
        .args(["sms", "--text", "안녕\u{1b}[31m하세요\u{7}", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["text"], "안녕하세요");

    let output = bin().args(["sms", "--json"]).output().unwrap();
    let list: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(list[0]["id"], "sms-signup-how-to");

    let output = bin().args(["sms", "nope"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

fn event(text: String) -> LogEvent {
    LogEvent {
        at: chrono::DateTime::parse_from_rfc3339("2024-11-29T10:00:00+09:00").unwrap(),
        as_of: None,
        kind: EventKind::Sent,
        stored_kind: None,
        guide_id: Some("g".into()),
        template_id: Some("t".into()),
        content_version: "v".into(),
        message_kind: Some(support_console::sms::MessageKind::Lms),
        bytes: Some(2_000),
        text,
        detail: support_console::history::EventDetail::default(),
    }
}

/// Two processes write at once, each to its own connection: every event is there, whole.
#[test]
fn two_processes_writing_at_once_lose_no_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.sqlite3");
    // Created first, so that both writers meet a database in WAL mode.
    Log::open(&path).unwrap();
    let writers: Vec<_> = (0..2)
        .map(|n| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "sms::append_many_helper",
                    "--nocapture",
                    "--include-ignored",
                ])
                .env("HISTORY_HELPER_PATH", &path)
                .env("HISTORY_HELPER_ID", n.to_string())
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut writer in writers {
        assert!(writer.wait().unwrap().success());
    }
    let (log, _) = Log::open(&path).unwrap();
    let events = log.events(&Filter::default()).unwrap();
    assert_eq!(events.len(), 400);
    for n in 0..2 {
        let mine: Vec<_> = events
            .iter()
            .filter(|e| e.text.starts_with(&format!("writer {n} ")))
            .collect();
        assert_eq!(mine.len(), 200);
        assert!(mine.iter().all(|e| e.text.chars().count() > 900), "whole");
    }
}

/// Run only as a child of the test above.
#[test]
#[ignore = "helper process for two_processes_writing_at_once_lose_no_event"]
fn append_many_helper() {
    let (Some(path), Some(id)) = (
        std::env::var_os("HISTORY_HELPER_PATH"),
        std::env::var("HISTORY_HELPER_ID").ok(),
    ) else {
        return;
    };
    let (mut log, _) = Log::open(std::path::Path::new(&path)).unwrap();
    for i in 0..200 {
        let text = format!("writer {id} line {i} {}", "가".repeat(900));
        // A busy database is waited on (bounded); a failed wait is retried, as the console's
        // writer does.
        let mut tries = 0;
        while let Err(err) = log.append(&event(text.clone())) {
            tries += 1;
            assert!(tries < 50, "{err}");
        }
    }
}

/// An older JSON-lines history is imported once on the first open, the torn last line
/// skipped with a warning, the old file kept.
#[test]
fn json_lines_history_is_imported_once() {
    let dir = tempfile::tempdir().unwrap();
    let old = dir.path().join("history.jsonl");
    let good = r#"{"at":"2024-11-29T10:00:00+09:00","action":"copied","guide_id":"g","template_id":"t","content_version":"v","bytes":3,"kind":"SMS","text":"abc"}"#;
    let sent = good.replace("copied", "sent").replace("abc", "def");
    std::fs::write(&old, format!("{good}\n{sent}\n{}", &good[..40])).unwrap();
    // The default database beside it picks it up.
    let database = dir.path().join("history.sqlite3");
    let (log, opened) = Log::open(&database).unwrap();
    assert_eq!(opened.imported, 2);
    assert_eq!(opened.warnings.len(), 1, "{:?}", opened.warnings);
    assert!(opened.warnings[0].contains("history.jsonl:3"));
    let events = log.events(&Filter::default()).unwrap();
    assert_eq!(
        events.iter().map(|e| e.kind).collect::<Vec<_>>(),
        vec![EventKind::Copy, EventKind::Sent]
    );
    drop(log);
    assert!(old.exists(), "the old file is kept");
    let (log, opened) = Log::open(&database).unwrap();
    assert_eq!(opened.imported, 0, "imported once");
    assert_eq!(log.events(&Filter::default()).unwrap().len(), 2);

    // Named directly with --history, the JSON lines go into FILE.sqlite3 beside it.
    let output = bin()
        .args([
            "history",
            "--json",
            "--retention-days",
            "100000",
            "--history",
        ])
        .arg(&old)
        .output()
        .unwrap();
    assert!(output.status.success());
    let listed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);
}

#[test]
fn history_command_filters_and_says_when_there_is_no_log() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.sqlite3");
    let output = bin()
        .arg("history")
        .arg("--history")
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("기록이 없습니다"),
        "a missing log says so in Korean"
    );
    let (mut log, _) = Log::open(&path).unwrap();
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
    for (when, kind) in [
        ("2024-12-04T23:59:59+09:00", EventKind::Copy),
        ("2024-12-05T00:00:00+09:00", EventKind::Sent),
        ("2024-12-05T23:59:59+09:00", EventKind::Wrapup),
        ("2024-12-06T00:00:00+09:00", EventKind::Sent),
    ] {
        let mut e = event(when.to_owned());
        e.at = at(when);
        e.kind = kind;
        e.as_of = Some(at("2024-01-01T00:00:00+09:00"));
        log.append(&e).unwrap();
    }
    let list = |args: &[&str]| -> Vec<String> {
        // Events of 2024: kept, whatever today's date (the default keeps 365 days).
        let output = bin()
            .arg("history")
            .arg("--json")
            .args(["--retention-days", "100000"])
            .arg("--history")
            .arg(&path)
            .args(args)
            .output()
            .unwrap();
        let events: serde_json::Value = cli::json_of(&output);
        events
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["text"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(list(&[]).len(), 4);
    // A date is a KST day, the whole of it.
    assert_eq!(
        list(&["--since", "2024-12-05", "--until", "2024-12-05"]),
        vec!["2024-12-05T00:00:00+09:00", "2024-12-05T23:59:59+09:00"]
    );
    assert_eq!(list(&["--kind", "sent"]).len(), 2);
    assert_eq!(
        list(&["--kind", "wrapup"]),
        vec!["2024-12-05T23:59:59+09:00"]
    );
    let output = bin()
        .args(["history", "--since", "어제", "--history"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    // The simulated instant is kept apart from the real one.
    let output = bin()
        .args(["history", "--retention-days", "100000", "--history"])
        .arg(&path)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).contains("(기준 2024-01-01T00:00:00+09:00)"));
    // With the default limit, events older than 365 days go at start, and it says so.
    let output = bin()
        .arg("history")
        .arg("--history")
        .arg(&path)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("보관 기간(365일)이 지난 기록 4건을 지웠습니다"),
        "{said}"
    );
    assert!(String::from_utf8_lossy(&output.stdout).is_empty());
}

/// A message that cannot go as it is exits 1, with the whole report still printed; a good
/// one exits 0; bad input stays 2.
#[test]
fn sms_exits_1_when_the_message_cannot_be_sent() {
    let output = bin()
        .args(["sms", "--text", "기사님 안녕하세요 😀", "--json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["sendable"], false);
    assert_eq!(report["unencodable"][0]["char"], "😀");
    let output = bin().args(["sms", "--text", "😀"]).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("보낼 수 없음"));
    let output = bin()
        .args(["sms", "--text", &"가".repeat(1_001)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "too long for an LMS");
    let output = bin()
        .args(["sms", "--text", "기사님 안녕하세요"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let output = bin().args(["sms", "sms-signup-how-to"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let output = bin().args(["sms", "nope"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("SMS 템플릿이 없습니다"));
}

#[cfg(unix)]
fn mode(path: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

/// The log and what comes out of it are the agent's alone, whatever the umask says.
#[cfg(unix)]
#[test]
fn log_files_and_exports_are_owner_only() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("support-console");
    let path = folder.join("log.sqlite3");
    let (mut log, opened) = Log::open(&path).unwrap();
    assert!(opened.warnings.is_empty(), "{:?}", opened.warnings);
    log.append(&event("기사님 010-1234-5678".into())).unwrap();
    assert_eq!(mode(&folder), 0o700, "the folder made for it");
    assert_eq!(mode(&path), 0o600, "the database");
    let wal = dir.path().join("support-console/log.sqlite3-wal");
    assert!(wal.exists(), "WAL mode");
    assert_eq!(mode(&wal), 0o600, "the WAL file");
    let shm = dir.path().join("support-console/log.sqlite3-shm");
    assert_eq!(mode(&shm), 0o600, "the shared-memory file");
    drop(log);
    // Exported through the command line: owner-only too, even over a wider file.
    let out = dir.path().join("export.jsonl");
    std::fs::write(&out, "old").unwrap();
    std::fs::set_permissions(&out, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let output = bin()
        .args(["history", "export", "--out"])
        .arg(&out)
        .arg("--history")
        .arg(&path)
        .args(["--retention-days", "100000"])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("1건"));
    assert_eq!(mode(&out), 0o600, "the export");
    let line = std::fs::read_to_string(&out).unwrap();
    let exported: LogEvent = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(exported.text, "기사님 010-1234-5678");

    // A log left readable by others is tightened on open, and the agent is told.
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let (_log, opened) = Log::open(&path).unwrap();
    assert_eq!(mode(&path), 0o600);
    assert!(
        opened
            .warnings
            .iter()
            .any(|w| w.contains("(644)") && w.contains("본인만")),
        "{:?}",
        opened.warnings
    );
}

/// Purge and retention remove exactly the events before the boundary (an instant in KST),
/// in one transaction, while another process keeps writing.
#[test]
fn purge_and_retention_remove_exactly_the_older_events() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.sqlite3");
    let (mut log, _) = Log::open(&path).unwrap();
    let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t).unwrap();
    for when in [
        "2024-12-04T14:59:59Z", // 23:59:59 KST on the 4th
        "2024-12-04T15:00:00Z", // midnight KST on the 5th
        "2024-12-05T00:00:01+09:00",
    ] {
        let mut e = event(when.to_owned());
        e.at = at(when);
        log.append(&e).unwrap();
    }
    drop(log);
    // A second process writes events of today while the purge runs.
    let writer = Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sms::append_recent_helper",
            "--nocapture",
            "--include-ignored",
        ])
        .env("HISTORY_HELPER_PATH", &path)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let output = bin()
        .args([
            "history",
            "purge",
            "--before",
            "2024-12-05",
            "--json",
            "--history",
        ])
        .arg(&path)
        .args(["--retention-days", "100000"])
        .output()
        .unwrap();
    let report: serde_json::Value = cli::json_of(&output);
    assert_eq!(report["removed"], 1, "only the event before midnight KST");
    assert_eq!(report["before"], "2024-12-05T00:00:00+09:00");
    assert!(writer.wait_with_output().unwrap().status.success());
    let (mut log, _) = Log::open(&path).unwrap();
    let events = log.events(&Filter::default()).unwrap();
    let texts: Vec<&str> = events.iter().map(|e| e.text.as_str()).collect();
    assert_eq!(
        &texts[..2],
        ["2024-12-04T15:00:00Z", "2024-12-05T00:00:01+09:00"]
    );
    assert_eq!(events.len(), 2 + 100, "the writer's events all arrived");

    // Retention: 365 days back from a chosen now, to the second.
    let now = at("2025-12-05T00:00:01+09:00");
    assert_eq!(
        log.apply_retention(365, now).unwrap(),
        1,
        "the event 365 days and 1 s old"
    );
    let left = log.events(&Filter::default()).unwrap();
    assert_eq!(left.len(), 101);
    assert_eq!(left[0].text, "2024-12-05T00:00:01+09:00");
}

/// Run only as a child of the test above: writes 100 events stamped now.
#[test]
#[ignore = "helper process for purge_and_retention_remove_exactly_the_older_events"]
fn append_recent_helper() {
    let Some(path) = std::env::var_os("HISTORY_HELPER_PATH") else {
        return;
    };
    let (mut log, _) = Log::open(std::path::Path::new(&path)).unwrap();
    for i in 0..100 {
        let mut e = event(format!("now {i}"));
        e.at = support_console::clock::now_kst();
        let mut tries = 0;
        while let Err(err) = log.append(&e) {
            tries += 1;
            assert!(tries < 50, "{err}");
        }
    }
}
