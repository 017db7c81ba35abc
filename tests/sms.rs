//! SMS measuring against CP949, the CLI's JSON, and the history file under concurrent writers.

use std::process::Command;

use support_console::content;
use support_console::sms::{self, MessageKind, history};

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

/// Two processes append at once; every line must come back whole.
#[test]
fn concurrent_appends_from_two_processes_stay_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    let writers: Vec<_> = (0..2)
        .map(|n| {
            Command::new(std::env::current_exe().unwrap())
                .args([
                    "--exact",
                    "append_many_helper",
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
    let read = history::read(&path).unwrap();
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    assert_eq!(read.events.len(), 400);
    for n in 0..2 {
        assert_eq!(
            read.events
                .iter()
                .filter(|e| e.text.starts_with(&format!("writer {n} ")))
                .count(),
            200
        );
    }
}

/// Run only as a child of the test above.
#[test]
#[ignore = "helper process for concurrent_appends_from_two_processes_stay_whole"]
fn append_many_helper() {
    let (Some(path), Some(id)) = (
        std::env::var_os("HISTORY_HELPER_PATH"),
        std::env::var("HISTORY_HELPER_ID").ok(),
    ) else {
        return;
    };
    for i in 0..200 {
        let event = history::HistoryEvent {
            at: chrono::DateTime::parse_from_rfc3339("2024-11-29T10:00:00+09:00").unwrap(),
            action: history::HistoryAction::Sent,
            guide_id: Some("g".into()),
            template_id: Some("t".into()),
            content_version: "v".into(),
            bytes: 2_000,
            kind: support_console::sms::MessageKind::Lms,
            // Long lines make interleaving likely if appends were not whole.
            text: format!("writer {id} line {i} {}", "가".repeat(900)),
        };
        history::append(std::path::Path::new(&path), &event).unwrap();
    }
}

#[test]
fn history_command_skips_a_torn_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("h.jsonl");
    let good = r#"{"at":"2024-11-29T10:00:00+09:00","action":"copied","guide_id":"g","template_id":"t","content_version":"v","bytes":3,"kind":"SMS","text":"abc"}"#;
    std::fs::write(&path, format!("{good}\n{}", &good[..40])).unwrap();
    let output = bin()
        .arg("history")
        .arg("--json")
        .arg("--history")
        .arg(&path)
        .output()
        .unwrap();
    assert!(output.status.success());
    let events: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(events.as_array().unwrap().len(), 1);
    assert!(String::from_utf8_lossy(&output.stderr).contains("skipped"));
}
