//! The record of SMS copied or sent: one JSON line per event, appended so that a crash or a
//! full disk can at worst leave a torn last line, which readers skip.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

use super::MessageKind;

/// What the agent did with the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryAction {
    Copied,
    Sent,
}

impl HistoryAction {
    pub fn label(self) -> &'static str {
        match self {
            Self::Copied => "복사",
            Self::Sent => "발송",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEvent {
    /// When it happened (written as RFC 3339 in KST).
    pub at: DateTime<FixedOffset>,
    pub action: HistoryAction,
    pub guide_id: Option<String>,
    /// Absent for free text.
    pub template_id: Option<String>,
    pub content_version: String,
    pub bytes: usize,
    pub kind: MessageKind,
    pub text: String,
}

/// `$XDG_DATA_HOME/support-console/history.jsonl`, else under `~/.local/share`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
        })?;
    Some(base.join("support-console").join("history.jsonl"))
}

/// Appends one event as a whole line and waits until it is on disk.
///
/// An exclusive lock keeps lines of concurrent writers apart; a torn line left by an earlier
/// crash is closed first, so it cannot swallow the new event.
pub fn append(path: &Path, event: &HistoryEvent) -> io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        fs::create_dir_all(dir)?;
    }
    let mut line = serde_json::to_string(event).map_err(io::Error::other)?;
    line.push('\n');
    let mut file = OpenOptions::new()
        .create(true)
        .read(true)
        .append(true)
        .open(path)?;
    file.lock()?;
    let result = (|| {
        if !ends_with_newline(&mut file)? {
            line.insert(0, '\n');
        }
        file.write_all(line.as_bytes())?;
        file.flush()?;
        file.sync_data()
    })();
    let unlocked = file.unlock();
    result.and(unlocked)
}

fn ends_with_newline(file: &mut File) -> io::Result<bool> {
    let len = file.metadata()?.len();
    if len == 0 {
        return Ok(true);
    }
    file.seek(SeekFrom::Start(len - 1))?;
    let mut last = [0u8; 1];
    file.read_exact(&mut last)?;
    Ok(last[0] == b'\n')
}

/// What reading the record found: the events, and a warning for each line skipped.
#[derive(Debug, Default)]
pub struct HistoryRead {
    pub events: Vec<HistoryEvent>,
    pub warnings: Vec<String>,
}

/// Reads every whole line; damaged or torn lines are skipped with a warning. A file that does
/// not exist yet is an empty history.
pub fn read(path: &Path) -> io::Result<HistoryRead> {
    let file = match File::open(path) {
        Ok(file) => file,
        Err(err) if err.kind() == io::ErrorKind::NotFound => return Ok(HistoryRead::default()),
        Err(err) => return Err(err),
    };
    let mut read = HistoryRead::default();
    for (n, line) in BufReader::new(file).split(b'\n').enumerate() {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<HistoryEvent>(&line) {
            Ok(event) => read.events.push(event),
            Err(err) => read.warnings.push(format!(
                "{}:{}: skipped an incomplete or damaged record ({err})",
                path.display(),
                n + 1
            )),
        }
    }
    Ok(read)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(text: &str) -> HistoryEvent {
        HistoryEvent {
            at: DateTime::parse_from_rfc3339("2024-11-29T10:00:00+09:00").unwrap(),
            action: HistoryAction::Sent,
            guide_id: Some("g".into()),
            template_id: Some("t".into()),
            content_version: "v".into(),
            bytes: 4,
            kind: MessageKind::Sms,
            text: text.into(),
        }
    }

    #[test]
    fn torn_last_line_is_skipped_and_closed_before_next_append() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/history.jsonl");
        append(&path, &event("첫째")).unwrap();
        append(&path, &event("둘째")).unwrap();
        let full = fs::read(&path).unwrap();
        fs::write(&path, &full[..full.len() - 7]).unwrap();
        let read_back = read(&path).unwrap();
        assert_eq!(read_back.events, vec![event("첫째")]);
        assert_eq!(read_back.warnings.len(), 1);
        append(&path, &event("셋째")).unwrap();
        let read_back = read(&path).unwrap();
        assert_eq!(read_back.events, vec![event("첫째"), event("셋째")]);
        assert_eq!(read_back.warnings.len(), 1);
    }

    #[test]
    fn missing_file_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let read_back = read(&dir.path().join("none.jsonl")).unwrap();
        assert!(read_back.events.is_empty() && read_back.warnings.is_empty());
    }
}
