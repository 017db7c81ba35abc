//! The JSON-lines history of earlier versions (one SMS event a line), read once into the
//! SQLite log. A torn last line (a crash mid-write) and damaged lines are skipped, each with
//! a warning; the old file is left where it was.

use std::io::{self, BufRead, BufReader};
use std::path::Path;

use chrono::DateTime;
use serde::Deserialize;

use super::{EventKind, LogEvent};
use crate::sms::MessageKind;

/// One line as earlier versions wrote it.
#[derive(Deserialize)]
struct Line {
    at: String,
    action: String,
    guide_id: Option<String>,
    template_id: Option<String>,
    content_version: String,
    bytes: usize,
    kind: String,
    text: String,
}

/// The events of a JSON-lines history, and a warning for each line skipped.
pub fn import_json_lines(path: &Path) -> io::Result<(Vec<LogEvent>, Vec<String>)> {
    let file = std::fs::File::open(path)?;
    let mut events = Vec::new();
    let mut warnings = Vec::new();
    for (n, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let skipped = |why: String| format!("{}:{}: 건너뜀: {why}", crate::text::path(path), n + 1);
        let parsed = match serde_json::from_slice::<Line>(&line) {
            Ok(parsed) => parsed,
            Err(err) => {
                warnings.push(skipped(format!(
                    "끊기거나 손상된 기록 ({}열에서 읽기를 멈춤)",
                    err.column()
                )));
                continue;
            }
        };
        let kind = match parsed.action.as_str() {
            "copied" => EventKind::Copy,
            "sent" => EventKind::Sent,
            other => {
                warnings.push(skipped(format!("알 수 없는 동작 \"{other}\"")));
                continue;
            }
        };
        let Ok(at) = DateTime::parse_from_rfc3339(&parsed.at) else {
            warnings.push(skipped(format!("시각 \"{}\"을 읽을 수 없음", parsed.at)));
            continue;
        };
        events.push(LogEvent {
            at,
            as_of: None,
            kind,
            stored_kind: None,
            guide_id: parsed.guide_id,
            template_id: parsed.template_id,
            content_version: parsed.content_version,
            message_kind: MessageKind::parse(&parsed.kind),
            bytes: Some(parsed.bytes),
            text: parsed.text,
            detail: super::EventDetail::default(),
        });
    }
    Ok((events, warnings))
}
