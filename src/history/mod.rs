//! The consultation log: every copy, SMS sent and call wrap-up, in one SQLite database
//! (bundled SQLite, WAL mode). Writers in several consoles at once each add whole events;
//! a database that stays busy is waited on for a bounded time, never forever.
//!
//! Each event keeps the real wall-clock time it happened, and the simulated instant the
//! console was set to (`--now`) as `as_of`, so a training session never passes for a real
//! send. An older JSON-lines history is imported once, on the first open.

mod import;
pub mod private;
pub mod writer;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::clock;
use crate::sms::MessageKind;

pub use import::import_json_lines;

/// How many days events are kept when nothing else is said (`--retention-days`).
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// How long a write waits for another writer's lock before it gives up (and is retried).
pub const BUSY_WAIT: Duration = Duration::from_secs(2);

/// What the agent did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    /// Copied to the clipboard (a script, an SMS, a verdict).
    Copy,
    /// An SMS marked as sent.
    Sent,
    /// A call's wrap-up note.
    Wrapup,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Copy => "copy",
            Self::Sent => "sent",
            Self::Wrapup => "wrapup",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Copy => "복사",
            Self::Sent => "발송",
            Self::Wrapup => "상담 정리",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "copy" => Some(Self::Copy),
            "sent" => Some(Self::Sent),
            "wrapup" => Some(Self::Wrapup),
            _ => None,
        }
    }
}

/// One event of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEvent {
    /// When it happened: the real clock, in KST.
    pub at: DateTime<FixedOffset>,
    /// The instant the console was set to (`--now`), when it was not the real clock.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<DateTime<FixedOffset>>,
    pub kind: EventKind,
    pub guide_id: Option<String>,
    /// The SMS template, absent for free text and for other events.
    pub template_id: Option<String>,
    pub content_version: String,
    /// SMS or LMS, for messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message_kind: Option<MessageKind>,
    /// EUC-KR bytes, for messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
    pub text: String,
}

/// A log problem, with the file it concerns.
#[derive(Debug)]
pub struct LogError {
    pub path: PathBuf,
    pub message: String,
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for LogError {}

/// `$XDG_DATA_HOME/support-console/history.sqlite3`, else under `~/.local/share`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .filter(|dir| !dir.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".local/share"))
        })?;
    Some(base.join("support-console").join("history.sqlite3"))
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub since: Option<DateTime<FixedOffset>>,
    pub until: Option<DateTime<FixedOffset>>,
    pub kind: Option<EventKind>,
}

/// An open log.
pub struct Log {
    path: PathBuf,
    connection: Connection,
}

/// What opening a log found worth telling: a JSON-lines history imported, lines skipped.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Opened {
    pub imported: usize,
    pub warnings: Vec<String>,
}

const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        at_unix INTEGER NOT NULL,
        as_of TEXT,
        kind TEXT NOT NULL CHECK (kind IN ('copy', 'sent', 'wrapup')),
        guide_id TEXT,
        template_id TEXT,
        content_version TEXT NOT NULL,
        message_kind TEXT,
        bytes INTEGER,
        text TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS events_at ON events (at_unix);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
";

impl Log {
    /// Opens (creating if needed) the log at `path`. A file there that holds JSON lines (the
    /// history of earlier versions) is imported into `<path>.sqlite3` beside it and kept.
    pub fn open(path: &Path) -> Result<(Self, Opened), LogError> {
        let error = |message: String| LogError {
            path: path.to_owned(),
            message,
        };
        let (database, legacy) = if is_json_lines(path) {
            (path.with_extension("sqlite3"), Some(path.to_owned()))
        } else {
            (path.to_owned(), Some(path.with_extension("jsonl")))
        };
        if let Some(dir) = database.parent() {
            private::create_private_dir(dir)
                .map_err(|e| error(format!("기록 폴더를 만들 수 없습니다: {e}")))?;
        }
        private::create_private_file(&database)
            .map_err(|e| error(format!("기록 파일을 만들 수 없습니다: {e}")))?;
        let tightened = private::tighten(&database)
            .map_err(|e| error(format!("기록 파일 권한을 좁힐 수 없습니다: {e}")))?;
        let connection = Connection::open_with_flags(
            &database,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE,
        )
        .map_err(|e| error(format!("기록 데이터베이스를 열 수 없습니다: {e}")))?;
        connection
            .busy_timeout(BUSY_WAIT)
            .map_err(|e| error(e.to_string()))?;
        // WAL lets readers and one writer work at once; the mode stays with the file.
        let _: String = connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(|e| {
                error(format!(
                    "기록 데이터베이스가 잠겨 있거나 손상되었습니다: {e}"
                ))
            })?;
        connection
            .execute_batch(SCHEMA)
            .map_err(|e| error(format!("기록 데이터베이스를 준비할 수 없습니다: {e}")))?;
        let mut log = Self {
            path: database,
            connection,
        };
        let mut opened = Opened::default();
        if let Some(legacy) = legacy.filter(|p| p.is_file()) {
            opened = log.import_once(&legacy)?;
        }
        // SQLite makes the WAL and shared-memory files with the database's mode; made before
        // the database was tightened, they are tightened too.
        let later = private::tighten(&log.path).map_err(|e| log.error(e.to_string()))?;
        for (path, mode) in tightened.into_iter().chain(later) {
            opened.warnings.push(format!(
                "{}: 다른 사용자도 읽을 수 있던 기록 파일({mode:o})을 본인만 읽도록(600) 바꿨습니다",
                path.display()
            ));
        }
        Ok((log, opened))
    }

    /// Opens an existing log for reading only; `None` when there is none.
    pub fn open_existing(path: &Path) -> Result<Option<(Self, Opened)>, LogError> {
        let database = if is_json_lines(path) {
            path.with_extension("sqlite3")
        } else {
            path.to_owned()
        };
        if !database.exists() && !path.exists() {
            return Ok(None);
        }
        Self::open(path).map(Some)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, message: String) -> LogError {
        LogError {
            path: self.path.clone(),
            message,
        }
    }

    /// Imports a JSON-lines history the first time this database sees it.
    fn import_once(&mut self, legacy: &Path) -> Result<Opened, LogError> {
        let key = format!("imported:{}", legacy.display());
        let done: Option<String> = self
            .connection
            .query_row("SELECT value FROM meta WHERE key = ?1", [&key], |row| {
                row.get(0)
            })
            .optional()
            .map_err(|e| self.error(e.to_string()))?;
        if done.is_some() {
            return Ok(Opened::default());
        }
        let (events, warnings) = import_json_lines(legacy).map_err(|e| LogError {
            path: legacy.to_owned(),
            message: format!("이전 기록을 읽을 수 없습니다: {e}"),
        })?;
        let path = self.path.clone();
        let transaction = self.connection.transaction().map_err(|e| LogError {
            path,
            message: describe(&e),
        })?;
        for event in &events {
            insert(&transaction, event).map_err(|e| LogError {
                path: legacy.to_owned(),
                message: e.to_string(),
            })?;
        }
        transaction
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![key, events.len().to_string()],
            )
            .map_err(|e| LogError {
                path: legacy.to_owned(),
                message: e.to_string(),
            })?;
        transaction.commit().map_err(|e| LogError {
            path: legacy.to_owned(),
            message: e.to_string(),
        })?;
        Ok(Opened {
            imported: events.len(),
            warnings,
        })
    }

    /// Adds one event, whole, in its own transaction.
    pub fn append(&mut self, event: &LogEvent) -> Result<(), LogError> {
        insert(&self.connection, event)
            .map(|_| ())
            .map_err(|e| self.error(describe(&e)))
    }

    /// Removes every event before `before`, in one transaction, and gives the space back.
    /// Returns how many were removed.
    pub fn purge_before(&mut self, before: DateTime<FixedOffset>) -> Result<usize, LogError> {
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| LogError {
            path: path.clone(),
            message: describe(&e),
        };
        let transaction = self.connection.transaction().map_err(fail)?;
        let removed = transaction
            .execute(
                "DELETE FROM events WHERE at_unix < ?1",
                params![before.timestamp()],
            )
            .map_err(fail)?;
        transaction.commit().map_err(fail)?;
        if removed > 0 {
            // The freed pages go back to the file system (VACUUM runs outside a transaction;
            // a busy database keeps its pages, and the next purge tries again).
            let _ = self
                .connection
                .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);");
            let _ = private::tighten(&self.path);
        }
        Ok(removed)
    }

    /// Applies a retention limit: events older than `days` days before `now` are removed.
    pub fn apply_retention(
        &mut self,
        days: u32,
        now: DateTime<FixedOffset>,
    ) -> Result<usize, LogError> {
        self.purge_before(now - chrono::Duration::days(i64::from(days)))
    }

    /// Writes the events that pass `filter` to `out` as JSON lines, owner-only, whole or not
    /// at all. Returns how many were written.
    pub fn export(&self, filter: &Filter, out: &Path) -> Result<usize, LogError> {
        let events = self.events(filter)?;
        let mut text = String::new();
        for event in &events {
            let line = serde_json::to_string(event).map_err(|e| self.error(e.to_string()))?;
            text.push_str(&crate::text::escape_json(line));
            text.push('\n');
        }
        private::write_private(out, text.as_bytes()).map_err(|e| LogError {
            message: format!("내보낼 파일을 쓸 수 없습니다: {}", e.problem),
            path: e.path,
        })?;
        Ok(events.len())
    }

    /// The events that pass `filter`, oldest first.
    pub fn events(&self, filter: &Filter) -> Result<Vec<LogEvent>, LogError> {
        let mut statement = self
            .connection
            .prepare(
                "SELECT at, as_of, kind, guide_id, template_id, content_version, message_kind, bytes, text
                 FROM events
                 WHERE (?1 IS NULL OR at_unix >= ?1) AND (?2 IS NULL OR at_unix < ?2)
                   AND (?3 IS NULL OR kind = ?3)
                 ORDER BY at_unix, id",
            )
            .map_err(|e| self.error(e.to_string()))?;
        let rows = statement
            .query_map(
                params![
                    filter.since.map(|t| t.timestamp()),
                    filter.until.map(|t| t.timestamp()),
                    filter.kind.map(EventKind::as_str),
                ],
                |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, Option<String>>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, Option<String>>(3)?,
                        row.get::<_, Option<String>>(4)?,
                        row.get::<_, String>(5)?,
                        row.get::<_, Option<String>>(6)?,
                        row.get::<_, Option<i64>>(7)?,
                        row.get::<_, String>(8)?,
                    ))
                },
            )
            .map_err(|e| self.error(e.to_string()))?;
        let mut events = Vec::new();
        for row in rows {
            let (
                at,
                as_of,
                kind,
                guide_id,
                template_id,
                content_version,
                message_kind,
                bytes,
                text,
            ) = row.map_err(|e| self.error(e.to_string()))?;
            let instant = |text: &str| DateTime::parse_from_rfc3339(text).ok();
            let (Some(at), Some(kind)) = (instant(&at), EventKind::parse(&kind)) else {
                continue;
            };
            events.push(LogEvent {
                at,
                as_of: as_of.as_deref().and_then(instant),
                kind,
                guide_id,
                template_id,
                content_version,
                message_kind: message_kind.as_deref().and_then(MessageKind::parse),
                bytes: bytes.and_then(|b| usize::try_from(b).ok()),
                text,
            });
        }
        Ok(events)
    }
}

/// Whether `path` is an existing file of JSON lines (the history of earlier versions) rather
/// than a SQLite database (which starts with its 16-byte magic string).
fn is_json_lines(path: &Path) -> bool {
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 16];
    let read = std::io::Read::read(&mut file, &mut head).unwrap_or(0);
    read > 0 && !b"SQLite format 3\0".starts_with(&head[..read])
}

fn insert(connection: &Connection, event: &LogEvent) -> rusqlite::Result<usize> {
    connection.execute(
        "INSERT INTO events (at, at_unix, as_of, kind, guide_id, template_id, content_version, message_kind, bytes, text)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            clock::rfc3339_kst(&event.at),
            event.at.timestamp(),
            event.as_of.as_ref().map(clock::rfc3339_kst),
            event.kind.as_str(),
            event.guide_id,
            event.template_id,
            event.content_version,
            event.message_kind.map(MessageKind::code),
            event.bytes.and_then(|b| i64::try_from(b).ok()),
            event.text,
        ],
    )
}

/// A write failure in the agent's words.
fn describe(error: &rusqlite::Error) -> String {
    match error.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => format!(
            "다른 프로그램이 기록 데이터베이스를 잠그고 있습니다 ({}초 기다림)",
            BUSY_WAIT.as_secs()
        ),
        Some(rusqlite::ErrorCode::DiskFull) => "디스크가 가득 찼습니다".to_owned(),
        _ => error.to_string(),
    }
}
