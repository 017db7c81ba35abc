//! Events the console could not write to the log before it ended (the log locked by another
//! program past the bound of the exit, a disk that refused, a write still hanging): kept in
//! a recovery file beside the log, one JSON event a line, and merged into the log at the
//! next start.
//!
//! The file is written whole or not at all (a temporary file renamed over it, owner-only
//! like the log), so a crash while saving leaves the events saved before. Each event keeps
//! the uid the console's writer gave it when it was queued, and the log adds no uid twice:
//! the one being written when the console ended may have landed after all, a merge cut
//! short is merged again, and neither doubles an event (two copies of the same SMS in the
//! same second stay two). The file is removed only once every event in it is in the log. A
//! line that does not read as an event is counted and kept in a `.damaged` file beside it,
//! never dropped unseen.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{Log, LogEvent, file};
use crate::files::{self, Options};

/// The largest recovery file read back: a console queues at most
/// [`super::writer::QUEUE_LIMIT`] events, each a few kilobytes at most; a larger file is
/// not ours to merge.
const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// An event not in the log yet, and the uid it is (to be) written under: one line of the
/// recovery file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unwritten {
    pub uid: String,
    #[serde(flatten)]
    pub event: LogEvent,
}

/// Where the events a console could not write to the log at `log` are kept.
pub fn path_for(log: &Path) -> PathBuf {
    file::beside(log, ".recovery.jsonl")
}

/// Adds `events` to the recovery file of the log at `log` (after those already there, if
/// any), whole or not at all. The error says why, in Korean.
pub fn save(log: &Path, events: &[Unwritten]) -> Result<PathBuf, String> {
    let path = path_for(log);
    let mut bytes = match files::open_regular(&path) {
        Ok(file) => read_limited(file, &path)?,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(err) => {
            return Err(unreadable(&path, &err));
        }
    };
    if !bytes.is_empty() && !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    for event in events {
        let line = serde_json::to_vec(event).map_err(|err| err.to_string())?;
        bytes.extend_from_slice(&line);
        bytes.push(b'\n');
    }
    files::write_atomic_as(&path, Options::OWNER_ONLY, &bytes).map_err(|err| err.to_string())?;
    Ok(path)
}

/// What merging a recovery file into the log did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Merged {
    /// Events added to the log.
    pub added: usize,
    /// Events the log already held under their uid (written after all, or by a merge cut
    /// short).
    pub already: usize,
    /// Lines that do not read as an event: kept in [`damaged_path`], not merged.
    pub damaged: usize,
}

impl Merged {
    /// What the agent is told of a merge into the log at `log` (`None` when it changed
    /// nothing they need to know).
    pub fn notice(&self, log: &Path) -> Option<String> {
        if self.added == 0 && self.damaged == 0 {
            return None;
        }
        let mut notice = format!(
            "지난번 종료 때 저장하지 못한 기록 {}건을 복구 파일에서 기록에 합쳤습니다",
            self.added
        );
        if self.damaged > 0 {
            let _ = write!(
                notice,
                " (읽을 수 없는 {}줄은 {}에 남김)",
                self.damaged,
                crate::text::path(&damaged_path(log))
            );
        }
        Some(notice)
    }
}

/// What the agent is told when a recovery file could not be merged (it stays for the next
/// start).
pub fn not_merged(why: &str) -> String {
    format!(
        "지난번 종료 때 저장하지 못한 기록을 아직 합치지 못했습니다 (복구 파일은 그대로 둡니다): {why}"
    )
}

/// Where lines of a recovery file that do not read as an event are kept.
pub fn damaged_path(log: &Path) -> PathBuf {
    file::beside(log, ".recovery.damaged.jsonl")
}

/// Merges the recovery file of `log` into it, if there is one: `None` when there is none.
/// On an error (the log refuses a write, the file cannot be read) the file stays, whole,
/// for the next start; what was added before the error is not added again then.
pub fn merge(log: &mut Log) -> Result<Option<Merged>, String> {
    let path = path_for(log.path());
    let file = match files::open_regular(&path) {
        Ok(file) => file,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => {
            return Err(unreadable(&path, &err));
        }
    };
    let bytes = read_limited(file, &path)?;
    let mut merged = Merged::default();
    let mut damaged: Vec<u8> = Vec::new();
    for line in bytes.split(|&byte| byte == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let Ok(line) = serde_json::from_slice::<Unwritten>(line) else {
            merged.damaged += 1;
            damaged.extend_from_slice(line);
            damaged.push(b'\n');
            continue;
        };
        if log.holds_uid(&line.uid).map_err(|err| err.message)? {
            merged.already += 1;
            continue;
        }
        log.append_as(&line.event, &line.uid)
            .map_err(|err| err.message)?;
        merged.added += 1;
    }
    if !damaged.is_empty() {
        let kept = damaged_path(log.path());
        let mut all = match files::open_regular(&kept) {
            Ok(file) => read_limited(file, &kept)?,
            Err(_) => Vec::new(),
        };
        all.extend_from_slice(&damaged);
        files::write_atomic_as(&kept, Options::OWNER_ONLY, &all).map_err(|err| err.to_string())?;
    }
    std::fs::remove_file(&path).map_err(|err| unreadable(&path, &err))?;
    Ok(Some(merged))
}

/// Why the file at `path` could not be used, naming what stands there when it is not a file.
fn unreadable(path: &Path, err: &std::io::Error) -> String {
    let why = if err.kind() == std::io::ErrorKind::InvalidInput {
        err.to_string()
    } else {
        crate::text::io_reason(err)
    };
    format!("{}: {why}", crate::text::path(path))
}

fn read_limited(file: std::fs::File, path: &Path) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    file.take(MAX_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|err| unreadable(path, &err))?;
    if bytes.len() as u64 > MAX_BYTES {
        return Err(format!(
            "{}: 복구 파일이 {MAX_BYTES}바이트를 넘어 읽지 않습니다",
            crate::text::path(path)
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{EventKind, Filter};

    fn event(text: &str, seconds: i64) -> LogEvent {
        let at = chrono::DateTime::parse_from_rfc3339("2024-12-05T10:00:00+09:00")
            .unwrap()
            .checked_add_signed(chrono::Duration::seconds(seconds))
            .unwrap();
        LogEvent {
            guide_id: Some("pro-membership-signup".into()),
            text: text.into(),
            ..LogEvent::new(EventKind::Sent, at, "v")
        }
    }

    fn unwritten(text: &str, seconds: i64) -> Unwritten {
        Unwritten {
            uid: crate::history::new_uid(),
            event: event(text, seconds),
        }
    }

    #[test]
    fn saved_events_are_merged_once_and_the_file_goes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.sqlite3");
        let (mut log, _) = Log::open(&path).unwrap();
        // The event being written when the console ended landed after all; two copies of
        // the same text in the same second are two events.
        let landed = unwritten("하나", 0);
        log.append_as(&landed.event, &landed.uid).unwrap();
        save(&path, &[landed, unwritten("둘", 1), unwritten("둘", 1)]).unwrap();
        save(&path, &[unwritten("셋", 2)]).unwrap();
        let recovery = path_for(&path);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&recovery).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600, "the agent's alone, as the log");
        }
        // A torn line (a crash mid-save of an earlier version, or an editor) is kept aside.
        let mut bytes = std::fs::read(&recovery).unwrap();
        bytes.extend_from_slice(b"{\"at\": \"2024-12-0");
        std::fs::write(&recovery, bytes).unwrap();

        let merged = merge(&mut log).unwrap().expect("a recovery file");
        assert_eq!(
            merged,
            Merged {
                added: 3,
                already: 1,
                damaged: 1
            }
        );
        assert!(!recovery.exists());
        assert!(
            std::fs::read_to_string(damaged_path(&path))
                .unwrap()
                .contains("2024-12-0")
        );
        let texts: Vec<String> = log
            .events(&Filter::default())
            .unwrap()
            .into_iter()
            .map(|e| e.text)
            .collect();
        assert_eq!(texts, ["하나", "둘", "둘", "셋"]);
        assert_eq!(merge(&mut log).unwrap(), None, "nothing more to merge");
    }

    #[test]
    fn a_fifo_in_the_recovery_files_place_is_refused_not_waited_on() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.sqlite3");
        let (mut log, _) = Log::open(&path).unwrap();
        let made = std::process::Command::new("mkfifo")
            .arg(path_for(&path))
            .status()
            .unwrap();
        assert!(made.success());
        let refused = merge(&mut log).unwrap_err();
        assert!(refused.contains("recovery"), "{refused}");
        assert!(save(&path, &[unwritten("하나", 0)]).is_err());
    }
}
