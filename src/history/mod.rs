//! The consultation log: every copy, SMS sent and call wrap-up, in one SQLite database
//! (bundled SQLite, WAL mode). Writers in several consoles at once each add whole events;
//! a database that stays busy is waited on for a bounded time, never forever.
//!
//! Each event keeps the real wall-clock time it happened, and the simulated instant the
//! console was set to (`--now`) as `as_of`, so a training session never passes for a real
//! send. An older JSON-lines history is imported once, on the first open.

mod error;
mod file;
mod import;
pub mod private;
pub mod recovery;
pub mod writer;

use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, TimeDelta};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde::{Deserialize, Serialize};

use crate::clock;
use crate::sms::MessageKind;

pub use error::{LogError, LogErrorKind};
pub use file::{APPLICATION_ID, SCHEMA_VERSION};
pub use import::import_json_lines;

use error::{LEFT_ALONE, damaged};
use file::Found;

/// How many days events are kept when nothing else is said (`--retention-days`).
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// The days `--retention-days` accepts: at least one, at most 100,000 (about 273 years, as
/// good as forever, and far from the dates chrono can reach).
pub const RETENTION_DAYS: RangeInclusive<u32> = 1..=100_000;

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
    /// A search the agent left (its query and how many hits it had): recorded once per
    /// query, when a hit is opened or the query is cleared, not at every keystroke.
    Search,
    /// An entry opened (a question, a template, a rule, a note), from a search or a list.
    Open,
    /// A sentence flagged to the content team, with an optional reason.
    Flag,
    /// An entry pinned for this agent (local: never pushed to the team).
    Pin,
    /// A pin removed (local).
    Unpin,
    /// A verdict the rule form gave during a call (its outcome, kept at the wrap-up).
    Verdict,
    /// A kind this version does not know (written by a later one): listed, never dropped;
    /// the stored name is in [`LogEvent::stored_kind`].
    #[serde(other)]
    Unknown,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Copy => "copy",
            Self::Sent => "sent",
            Self::Wrapup => "wrapup",
            Self::Search => "search",
            Self::Open => "open",
            Self::Flag => "flag",
            Self::Pin => "pin",
            Self::Unpin => "unpin",
            Self::Verdict => "verdict",
            Self::Unknown => "unknown",
        }
    }

    /// Whether events of this kind stay on this console (pins are the agent's own).
    pub fn is_local(self) -> bool {
        matches!(self, Self::Pin | Self::Unpin)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Copy => "복사",
            Self::Sent => "발송",
            Self::Wrapup => "상담 정리",
            Self::Search => "검색",
            Self::Open => "열람",
            Self::Flag => "문장 신고",
            Self::Pin => "고정",
            Self::Unpin => "고정 해제",
            Self::Verdict => "판정",
            Self::Unknown => "알 수 없는 종류",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "copy" => Some(Self::Copy),
            "sent" => Some(Self::Sent),
            "wrapup" => Some(Self::Wrapup),
            "search" => Some(Self::Search),
            "open" => Some(Self::Open),
            "flag" => Some(Self::Flag),
            "pin" => Some(Self::Pin),
            "unpin" => Some(Self::Unpin),
            "verdict" => Some(Self::Verdict),
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
    /// The kind as stored, when this version does not know it ([`EventKind::Unknown`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stored_kind: Option<String>,
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
    /// What searches, opens, flags and pins are about (schema 2).
    #[serde(flatten)]
    pub detail: EventDetail,
}

/// The parts of an event that only searches, opens, flags, pins and verdicts carry.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDetail {
    /// The entry concerned: a question, template, rule or sentence id of the content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry: Option<String>,
    /// The query of a search, and of an open made from its hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// How many hits a search had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hits: Option<usize>,
    /// Why a sentence was flagged (`틀림`, `오래됨`, `헷갈림` or the agent's words).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl LogEvent {
    /// An event of `kind` at `at` with nothing else said yet.
    pub fn new(kind: EventKind, at: DateTime<FixedOffset>, content_version: &str) -> Self {
        Self {
            at,
            as_of: None,
            kind,
            stored_kind: None,
            guide_id: None,
            template_id: None,
            content_version: content_version.to_owned(),
            message_kind: None,
            bytes: None,
            text: String::new(),
            detail: EventDetail::default(),
        }
    }

    /// The kind as an agent reads it: an unknown one with the name it was stored under.
    pub fn kind_label(&self) -> String {
        match (&self.kind, &self.stored_kind) {
            (EventKind::Unknown, Some(stored)) => {
                format!(
                    "{} \"{}\"",
                    self.kind.label(),
                    crate::text::visible_line(stored)
                )
            }
            (kind, _) => kind.label().to_owned(),
        }
    }
}

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
    /// Opened for reading only: the file (or its folder, or its file system) cannot be
    /// written, or was made read-only on purpose.
    read_only: bool,
    /// The database and `-wal` files this connection writes through, as they were when it
    /// opened: another file at either path means a write may have gone nowhere.
    files: (Option<file::Identity>, Option<file::Identity>),
    /// A write found its files deleted or replaced: the next one connects again first.
    reconnect: bool,
    /// The last event whose write could not be confirmed, with the id it was written under:
    /// the same event written again keeps that id, so a retry never doubles it.
    unconfirmed: Option<(LogEvent, String)>,
}

/// What opening a log found worth telling: a JSON-lines history imported, lines skipped, a
/// log that can only be read.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Opened {
    pub imported: usize,
    pub warnings: Vec<String>,
    /// The log can be read but not written (listed, never purged or added to).
    pub read_only: bool,
    /// The last run did not close the log cleanly, and its integrity was checked whole.
    pub integrity_checked: bool,
}

/// The tables of the current schema. The kind is free text: a later version may add kinds,
/// and this one lists them as unknown rather than refusing the file. Schema 2 added the
/// columns of searches, opens, flags and pins (`entry`, `query`, `hits`, `reason`), the
/// events pushed to each team database (`team_pushed`), and the console's id in `meta`.
const SCHEMA: &str = "
    CREATE TABLE IF NOT EXISTS events (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        at_unix INTEGER NOT NULL,
        as_of TEXT,
        kind TEXT NOT NULL,
        guide_id TEXT,
        template_id TEXT,
        content_version TEXT NOT NULL,
        message_kind TEXT,
        bytes INTEGER,
        text TEXT NOT NULL,
        uid TEXT,
        entry TEXT,
        query TEXT,
        hits INTEGER,
        reason TEXT
    );
    CREATE INDEX IF NOT EXISTS events_at ON events (at_unix);
    CREATE UNIQUE INDEX IF NOT EXISTS events_uid ON events (uid);
    CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS team_pushed (
        team TEXT NOT NULL,
        uid TEXT NOT NULL,
        PRIMARY KEY (team, uid)
    ) WITHOUT ROWID;
";

/// The columns schema 2 added to `events`, each added by the migration when missing.
const SCHEMA_2_COLUMNS: [(&str, &str); 4] = [
    ("entry", "TEXT"),
    ("query", "TEXT"),
    ("hits", "INTEGER"),
    ("reason", "TEXT"),
];

/// The columns every version's `events` table has: how a log of an earlier version, which
/// carries no application id, is told from another program's database.
const EVENT_COLUMNS: [&str; 5] = ["at", "at_unix", "kind", "content_version", "text"];

impl Log {
    /// Opens the log at `path`, creating it if there is none, for writing when it can be
    /// written and for reading otherwise (see [`Opened::read_only`]).
    ///
    /// Only our own log is opened: another program's file, a damaged database, one written by
    /// a newer version, or bytes that are neither SQLite nor JSON lines are refused with a
    /// message saying what the file is and what to do, and left exactly as they were. A file
    /// there that holds JSON lines (the history of earlier versions) is imported into
    /// `<path>.sqlite3` beside it and kept.
    pub fn open(path: &Path) -> Result<(Self, Opened), LogError> {
        let found = file::identify(path)?;
        let (database, legacy, found) = if found == Found::JsonLines {
            let database = path.with_extension("sqlite3");
            if database == path {
                return Err(LogError::new(
                    path,
                    LogErrorKind::NotALog,
                    format!(
                        "이전 JSON 줄 기록인데 이름이 데이터베이스 이름(.sqlite3)입니다. \
                         {LEFT_ALONE}: 이름을 .jsonl로 바꾸면 옆에 새 기록을 만들고 가져옵니다"
                    ),
                ));
            }
            let found = file::identify(&database)?;
            (database, Some(path.to_owned()), found)
        } else {
            let legacy = path.with_extension("jsonl");
            (path.to_owned(), (legacy != path).then_some(legacy), found)
        };
        let (mut log, mut opened) = match found {
            Found::Missing | Found::Empty => Self::create(&database)?,
            Found::Sqlite { application_id, .. } => Self::open_database(&database, application_id)?,
            Found::JsonLines => return Err(json_lines_in_place(&database)),
        };
        if let Some(legacy) = legacy {
            log.import_legacy(&legacy, &mut opened);
        }
        if !log.read_only {
            // SQLite makes the WAL and shared-memory files with the database's mode: those
            // of a log left readable by others are narrowed with it, never widened.
            let tightened = private::tighten(&log.path).unwrap_or_default();
            for (path, mode) in tightened {
                opened.warnings.push(format!(
                    "{}: 다른 사용자도 읽을 수 있던 기록 파일({mode:o})을 본인만 읽도록 바꿨습니다",
                    crate::text::path(&path)
                ));
            }
        }
        Ok((log, opened))
    }

    /// Opens an existing log; `None` when there is none.
    pub fn open_existing(path: &Path) -> Result<Option<(Self, Opened)>, LogError> {
        let database = if file::identify(path)? == Found::JsonLines {
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

    /// Whether the log was opened for reading only.
    pub fn is_read_only(&self) -> bool {
        self.read_only
    }

    /// A new log at `database` (absent, or a file of no bytes): created owner-only, our
    /// application id and schema written before the WAL is turned on, so that the header in
    /// the file itself says whose it is from the first moment.
    fn create(database: &Path) -> Result<(Self, Opened), LogError> {
        if let Some(dir) = database.parent() {
            private::create_private_dir(dir)
                .map_err(|e| LogError::io(database, "기록 폴더를 만들 수 없습니다", &e))?;
        }
        private::create_private_file(database)
            .map_err(|e| LogError::io(database, "기록 파일을 만들 수 없습니다", &e))?;
        // Another console may have made it meanwhile: what is there now decides.
        match file::identify(database)? {
            Found::Empty => {}
            Found::Sqlite { application_id, .. } => {
                return Self::open_database(database, application_id);
            }
            Found::JsonLines => return Err(json_lines_in_place(database)),
            Found::Missing => {
                return Err(LogError::new(
                    database,
                    LogErrorKind::Unavailable,
                    "기록 파일이 만들자마자 사라졌습니다",
                ));
            }
        }
        let connection = connect(database, false)?;
        initialize(&connection, database)?;
        Self::writer(database, connection, Opened::default())
    }

    /// An existing SQLite database: looked at through a read-only connection first (its id,
    /// version, tables and integrity), opened for writing only once it is known to be ours.
    fn open_database(database: &Path, application_id: u32) -> Result<(Self, Opened), LogError> {
        if application_id != 0 && application_id != APPLICATION_ID {
            return Err(not_ours(
                database,
                &format!(
                    "다른 프로그램의 SQLite 데이터베이스, application_id 0x{application_id:08x}"
                ),
            ));
        }
        let thorough = file::left_open(database);
        let reader = look(database, thorough)?;
        let schema = inspect(&reader, database)?;
        check(&reader, database, thorough)?;
        let opened = Opened {
            integrity_checked: thorough,
            ..Opened::default()
        };
        if !file::writable(database) {
            return Ok(Self::reader(database, reader, opened));
        }
        drop(reader);
        let connection = match connect(database, false) {
            Ok(connection) => connection,
            Err(err) if err.kind == LogErrorKind::ReadOnly => {
                return Ok(Self::reader(database, look(database, thorough)?, opened));
            }
            Err(err) => return Err(err),
        };
        match schema {
            Schema::Blank => initialize(&connection, database)?,
            Schema::Version(version) if version < SCHEMA_VERSION => {
                migrate(&connection, database)?;
            }
            Schema::Version(_) => {}
        }
        match Self::writer(database, connection, opened) {
            Err(err) if err.kind == LogErrorKind::ReadOnly => {
                let opened = Opened {
                    integrity_checked: thorough,
                    ..Opened::default()
                };
                Ok(Self::reader(database, look(database, thorough)?, opened))
            }
            opened => opened,
        }
    }

    /// The log, for writing, in WAL mode.
    fn writer(
        database: &Path,
        connection: Connection,
        opened: Opened,
    ) -> Result<(Self, Opened), LogError> {
        // WAL lets readers and one writer work at once; the mode stays with the file.
        let _: String = connection
            .query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0))
            .map_err(|e| {
                LogError::sqlite(database, "기록 데이터베이스를 준비할 수 없습니다", &e)
            })?;
        // A read opens the -wal file, so that its identity is known before the first write.
        let _: i64 = connection
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .map_err(|e| LogError::sqlite(database, "기록 데이터베이스를 읽을 수 없습니다", &e))?;
        let files = (
            file::identity(database),
            file::identity(&file::beside(database, "-wal")),
        );
        Ok((
            Self {
                path: database.to_owned(),
                connection,
                read_only: false,
                files,
                reconnect: false,
                unconfirmed: None,
            },
            opened,
        ))
    }

    /// The log, for reading only.
    fn reader(database: &Path, connection: Connection, mut opened: Opened) -> (Self, Opened) {
        opened.read_only = true;
        opened.warnings.push(format!(
            "{}: 읽기 전용 기록이라 읽기만 합니다 (새 기록은 남지 않습니다; 쓰려면 파일과 폴더에 \
             쓰기 권한을 주거나 --history로 다른 파일을 지정하세요)",
            crate::text::path(database)
        ));
        let log = Self {
            path: database.to_owned(),
            connection,
            read_only: true,
            files: (None, None),
            reconnect: false,
            unconfirmed: None,
        };
        (log, opened)
    }

    fn error(&self, doing: &str, error: &rusqlite::Error) -> LogError {
        LogError::sqlite(&self.path, doing, error)
    }

    fn refuse_read_only(&self) -> Result<(), LogError> {
        if self.read_only {
            return Err(LogError::new(
                &self.path,
                LogErrorKind::ReadOnly,
                "읽기 전용 기록이라 쓸 수 없습니다 (파일과 폴더에 쓰기 권한을 주거나 --history로 \
                 다른 파일을 지정하세요)",
            ));
        }
        Ok(())
    }

    /// Imports the JSON-lines history at `legacy` the first time this database sees it, if it
    /// is one; anything that stops it is a warning (the log itself stays usable, and the
    /// import is tried again at the next open).
    fn import_legacy(&mut self, legacy: &Path, opened: &mut Opened) {
        match file::identify(legacy) {
            Ok(Found::Missing | Found::Empty) => {}
            Ok(Found::JsonLines) if self.read_only => opened.warnings.push(format!(
                "{}: 이전 기록을 가져오지 못했습니다: 기록이 읽기 전용입니다",
                crate::text::path(legacy)
            )),
            Ok(Found::JsonLines) => match self.import_once(legacy) {
                Ok((imported, warnings)) => {
                    opened.imported = imported;
                    opened.warnings.extend(warnings);
                }
                Err(err) => opened.warnings.push(format!(
                    "이전 기록을 가져오지 못했습니다 (다음에 다시 시도합니다): {err}"
                )),
            },
            Ok(Found::Sqlite { .. }) => opened.warnings.push(format!(
                "{}: 이전 JSON 줄 기록이 아니라서 가져오지 않았습니다",
                crate::text::path(legacy)
            )),
            Err(err) => opened
                .warnings
                .push(format!("이전 기록을 가져오지 않았습니다: {err}")),
        }
    }

    /// The events of a JSON-lines history, in one transaction, once.
    fn import_once(&mut self, legacy: &Path) -> Result<(usize, Vec<String>), LogError> {
        let key = format!("imported:{}", legacy.display());
        let done: Option<String> = self
            .connection
            .query_row("SELECT value FROM meta WHERE key = ?1", [&key], |row| {
                row.get(0)
            })
            .optional()
            .map_err(|e| self.error("기록을 읽을 수 없습니다", &e))?;
        if done.is_some() {
            return Ok((0, Vec::new()));
        }
        let (events, warnings) = import_json_lines(legacy)
            .map_err(|e| LogError::io(legacy, "이전 기록을 읽을 수 없습니다", &e))?;
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| {
            LogError::sqlite(
                &path,
                &format!("이전 기록 {}건을 가져오지 못했습니다", events.len()),
                &e,
            )
        };
        let transaction = self.connection.transaction().map_err(fail)?;
        for event in &events {
            insert(&transaction, event, &new_uid()).map_err(fail)?;
        }
        transaction
            .execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                params![key, events.len().to_string()],
            )
            .map_err(fail)?;
        transaction.commit().map_err(fail)?;
        Ok((events.len(), warnings))
    }

    /// Adds one event, whole, in its own transaction, and confirms it landed: moved into the
    /// database file and read back by a connection of its own. A write that cannot be
    /// confirmed is an error (never reported as saved); written again, the same event keeps
    /// its id, so it is stored once however often it is retried.
    pub fn append(&mut self, event: &LogEvent) -> Result<(), LogError> {
        let uid = match &self.unconfirmed {
            Some((held, uid)) if held == event => uid.clone(),
            _ => new_uid(),
        };
        self.append_as(event, &uid)
    }

    /// Adds one event under `uid` (see [`new_uid`]), as [`Log::append`] does: an event the
    /// log already holds under that uid is not added again, whoever wrote it (the console's
    /// writer gives each event its uid when it is queued, so that one saved to the recovery
    /// file while its write hung is never doubled when the file is merged).
    pub fn append_as(&mut self, event: &LogEvent, uid: &str) -> Result<(), LogError> {
        self.refuse_read_only()?;
        if self.reconnect {
            self.reconnect()?;
        }
        let uid = uid.to_owned();
        let written = insert(&self.connection, event, &uid)
            .map_err(|e| self.error("기록을 쓸 수 없습니다", &e))
            .and_then(|_| self.confirm(&uid));
        match written {
            Ok(()) => {
                self.unconfirmed = None;
                Ok(())
            }
            Err(err) => {
                self.reconnect = err.kind == LogErrorKind::Lost;
                self.unconfirmed = Some((event.clone(), uid));
                Err(err)
            }
        }
    }

    /// Whether the log holds an event written under `uid`.
    pub fn holds_uid(&self, uid: &str) -> Result<bool, LogError> {
        self.connection
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM events WHERE uid = ?1)",
                [uid],
                |row| row.get::<_, bool>(0),
            )
            .map_err(|e| self.error("기록을 읽을 수 없습니다", &e))
    }

    /// Whether the event written under `uid` is where the next reader will look.
    fn confirm(&self, uid: &str) -> Result<(), LogError> {
        // Into the database file itself, so that the write stands whatever happens to the
        // -wal file next (a reader holding an older view leaves the rest for later).
        let _ = self
            .connection
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        let now = (
            file::identity(&self.path),
            file::identity(&file::beside(&self.path, "-wal")),
        );
        if now.0 != self.files.0 {
            return Err(self.lost("기록 파일이 지워졌거나 다른 파일로 바뀌었습니다"));
        }
        if now.1 != self.files.1 {
            return Err(self.lost("기록 보조 파일(-wal)이 지워졌거나 다른 파일로 바뀌었습니다"));
        }
        let found = connect(&self.path, true).and_then(|reader| {
            reader
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM events WHERE uid = ?1)",
                    [uid],
                    |row| row.get::<_, bool>(0),
                )
                .map_err(|e| self.error("쓴 기록을 확인할 수 없습니다", &e))
        })?;
        if found {
            Ok(())
        } else {
            Err(self.lost("쓴 기록이 파일에서 보이지 않습니다"))
        }
    }

    fn lost(&self, why: &str) -> LogError {
        LogError::new(
            &self.path,
            LogErrorKind::Lost,
            format!("{why}: 방금 기록이 저장되었는지 확인되지 않아 다시 연결해 다시 씁니다"),
        )
    }

    /// Closes the connection (its close moves what it wrote into the database file, even
    /// from a -wal deleted under it) and opens the log at the same path again.
    fn reconnect(&mut self) -> Result<(), LogError> {
        let memory = Connection::open_in_memory()
            .map_err(|e| self.error("기록에 다시 연결할 수 없습니다", &e))?;
        drop(std::mem::replace(&mut self.connection, memory));
        let (fresh, _) = Self::open(&self.path)?;
        let unconfirmed = self.unconfirmed.take();
        *self = fresh;
        self.unconfirmed = unconfirmed;
        self.refuse_read_only()
    }

    /// Removes every event before `before`, in one transaction, and gives the space back.
    /// Returns how many were removed.
    pub fn purge_before(&mut self, before: DateTime<FixedOffset>) -> Result<usize, LogError> {
        self.refuse_read_only()?;
        let path = self.path.clone();
        let fail = |e: rusqlite::Error| LogError::sqlite(&path, "기록을 지울 수 없습니다", &e);
        let transaction = self.connection.transaction().map_err(fail)?;
        let removed = transaction
            .execute(
                "DELETE FROM events WHERE at_unix < ?1",
                params![before.timestamp()],
            )
            .map_err(fail)?;
        // What was pushed of them need not be remembered either.
        transaction
            .execute(
                "DELETE FROM team_pushed WHERE uid NOT IN
                     (SELECT uid FROM events WHERE uid IS NOT NULL)",
                [],
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
    /// A limit that reaches before the earliest date there is removes nothing (it never
    /// overflows).
    pub fn apply_retention(
        &mut self,
        days: u32,
        now: DateTime<FixedOffset>,
    ) -> Result<usize, LogError> {
        let Some(before) =
            TimeDelta::try_days(i64::from(days)).and_then(|span| now.checked_sub_signed(span))
        else {
            return Ok(0);
        };
        self.purge_before(before)
    }

    /// Writes the events that pass `filter` to `out` as JSON lines, owner-only, whole or not
    /// at all. Returns how many were written.
    pub fn export(&self, filter: &Filter, out: &Path) -> Result<usize, LogError> {
        let events = self.events(filter)?;
        let mut text = String::new();
        for event in &events {
            let line = serde_json::to_string(event)
                .map_err(|e| LogError::new(&self.path, LogErrorKind::Unavailable, e.to_string()))?;
            text.push_str(&crate::text::escape_json(line));
            text.push('\n');
        }
        private::write_private(out, text.as_bytes()).map_err(|e| {
            let kind = match &e.problem {
                crate::files::Problem::Io { source, .. } => LogError::io(out, "", source).kind,
                crate::files::Problem::NotRegular(_) => LogErrorKind::NotAFile,
            };
            LogError::new(
                &e.path,
                kind,
                format!("내보낼 파일을 쓸 수 없습니다: {}", e.problem),
            )
        })?;
        Ok(events.len())
    }

    /// The events that pass `filter`, oldest first.
    pub fn events(&self, filter: &Filter) -> Result<Vec<LogEvent>, LogError> {
        self.events_counted(filter).map(|(events, _)| events)
    }

    /// The events that pass `filter`, oldest first, and how many rows were left out because
    /// no time could be read from them at all. An event of a kind this version does not know
    /// is listed as [`EventKind::Unknown`].
    pub fn events_counted(&self, filter: &Filter) -> Result<(Vec<LogEvent>, usize), LogError> {
        let fail = |e: rusqlite::Error| self.error("기록을 읽을 수 없습니다", &e);
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT {EVENT_FIELDS}
                 FROM events
                 WHERE (?1 IS NULL OR at_unix >= ?1) AND (?2 IS NULL OR at_unix < ?2)
                   AND (?3 IS NULL OR kind = ?3)
                 ORDER BY at_unix, id"
            ))
            .map_err(fail)?;
        let mut rows = statement
            .query(params![
                filter.since.map(|t| t.timestamp()),
                filter.until.map(|t| t.timestamp()),
                filter.kind.map(EventKind::as_str),
            ])
            .map_err(fail)?;
        let mut events = Vec::new();
        let mut unreadable = 0;
        while let Some(row) = rows.next().map_err(fail)? {
            match event_of_row(row) {
                Some(event) => events.push(event),
                None => unreadable += 1,
            }
        }
        Ok((events, unreadable))
    }

    /// The id this console is known by on a team database (made with the log, or when a log
    /// of an earlier version was brought to schema 2). A log that can only be read and has
    /// none yet gives `None`.
    pub fn console_id(&self) -> Result<Option<String>, LogError> {
        self.connection
            .query_row(
                "SELECT value FROM meta WHERE key = 'console_id'",
                [],
                |row| row.get::<_, String>(0),
            )
            .optional()
            .map_err(|e| self.error("기록을 읽을 수 없습니다", &e))
    }

    /// Up to `limit` events not yet pushed to `team` (a key naming the team database, never
    /// its password), oldest first, each with its id. Pins stay on the console.
    pub fn unpushed(&self, team: &str, limit: usize) -> Result<Vec<(String, LogEvent)>, LogError> {
        let fail = |e: rusqlite::Error| self.error("보낼 기록을 읽을 수 없습니다", &e);
        let mut statement = self
            .connection
            .prepare(&format!(
                "SELECT {EVENT_FIELDS}, uid FROM events
                 WHERE uid IS NOT NULL AND kind NOT IN ('pin', 'unpin')
                   AND NOT EXISTS (SELECT 1 FROM team_pushed p WHERE p.team = ?1 AND p.uid = events.uid)
                 ORDER BY id LIMIT ?2"
            ))
            .map_err(fail)?;
        let mut rows = statement
            .query(params![team, i64::try_from(limit).unwrap_or(i64::MAX)])
            .map_err(fail)?;
        let mut events = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let uid = row.get_ref(EVENT_FIELD_COUNT).ok().and_then(text_of);
            if let (Some(event), Some(uid)) = (event_of_row(row), uid) {
                events.push((uid, event));
            }
        }
        Ok(events)
    }

    /// How many events wait to be pushed to `team`.
    pub fn unpushed_count(&self, team: &str) -> Result<usize, LogError> {
        self.connection
            .query_row(
                "SELECT count(*) FROM events
                 WHERE uid IS NOT NULL AND kind NOT IN ('pin', 'unpin')
                   AND NOT EXISTS (SELECT 1 FROM team_pushed p WHERE p.team = ?1 AND p.uid = events.uid)",
                [team],
                |row| row.get::<_, i64>(0),
            )
            .map(|n| usize::try_from(n).unwrap_or(0))
            .map_err(|e| self.error("보낼 기록을 셀 수 없습니다", &e))
    }

    /// Notes that the events with these ids are in `team`'s database, in one transaction.
    pub fn mark_pushed(&mut self, team: &str, uids: &[String]) -> Result<(), LogError> {
        self.refuse_read_only()?;
        let path = self.path.clone();
        let fail =
            |e: rusqlite::Error| LogError::sqlite(&path, "보낸 기록을 표시할 수 없습니다", &e);
        let transaction = self.connection.transaction().map_err(fail)?;
        for uid in uids {
            transaction
                .execute(
                    "INSERT OR IGNORE INTO team_pushed (team, uid) VALUES (?1, ?2)",
                    params![team, uid],
                )
                .map_err(fail)?;
        }
        transaction.commit().map_err(fail)
    }

    /// Forgets what this agent opened and pinned, for the ranking only (the events stay for
    /// the log and the team). The ranking counts the events written after the reset: those
    /// of a later id, or of a later second (ids start again if the log is ever emptied); a pin
    /// of the reset's own second, written before it, is forgotten too.
    pub fn reset_ranking(&mut self, now: DateTime<FixedOffset>) -> Result<(), LogError> {
        self.refuse_read_only()?;
        self.connection
            .execute(
                "INSERT INTO meta (key, value)
                 SELECT 'ranking_reset', coalesce(max(id), 0) || ' ' || ?1 FROM events
                 WHERE true
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [now.timestamp().to_string()],
            )
            .map(|_| ())
            .map_err(|e| self.error("순위를 초기화할 수 없습니다", &e))
    }

    /// What this agent opened (each entry: how often, and when last) and pinned, since the
    /// ranking was last reset.
    pub fn ranking(&self) -> Result<Ranking, LogError> {
        let fail = |e: rusqlite::Error| self.error("순위를 읽을 수 없습니다", &e);
        let reset = self
            .connection
            .query_row(
                "SELECT value FROM meta WHERE key = 'ranking_reset'",
                [],
                |row| row.get::<_, String>(0),
            )
            .optional()
            .map_err(fail)?;
        // The last event id and the second of the reset (none: everything counts).
        let (after_id, after_second) = reset
            .as_deref()
            .and_then(|value| value.split_once(' '))
            .and_then(|(id, second)| Some((id.parse::<i64>().ok()?, second.parse::<i64>().ok()?)))
            .unwrap_or((i64::MIN, i64::MIN));
        let mut ranking = Ranking::default();
        let mut statement = self
            .connection
            .prepare(
                "SELECT kind, entry, at_unix FROM events
                 WHERE kind IN ('open', 'pin', 'unpin') AND entry IS NOT NULL
                   AND (id > ?1 OR at_unix > ?2)
                 ORDER BY at_unix, id",
            )
            .map_err(fail)?;
        let mut rows = statement.query([after_id, after_second]).map_err(fail)?;
        while let Some(row) = rows.next().map_err(fail)? {
            let (Some(kind), Some(entry)) = (
                row.get_ref(0).ok().and_then(text_of),
                row.get_ref(1).ok().and_then(text_of),
            ) else {
                continue;
            };
            let Ok(ValueRef::Integer(at)) = row.get_ref(2) else {
                continue;
            };
            match kind.as_str() {
                "open" => ranking.opened(&entry, at),
                "pin" => {
                    ranking.pinned.insert(entry);
                }
                _ => {
                    ranking.pinned.remove(&entry);
                }
            }
        }
        Ok(ranking)
    }
}

/// What one agent opens and pins: the local ranking (frecency) of entries.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ranking {
    /// Entries pinned, by id.
    pub pinned: std::collections::BTreeSet<String>,
    /// For each entry opened: how many times, and the last time (Unix seconds).
    pub opens: std::collections::HashMap<String, (u32, i64)>,
}

/// How much a pin weighs against frecency: a pinned entry comes before any entry opened
/// often but not pinned.
const PIN_WEIGHT: u32 = 1 << 20;

impl Ranking {
    /// Nothing opened or pinned (since the last reset).
    pub fn is_empty(&self) -> bool {
        self.pinned.is_empty() && self.opens.is_empty()
    }

    /// How much this agent favours a search hit: its entry `id`, or the question it belongs
    /// to (a sentence of an answer counts what its question was opened), at `now` (Unix
    /// seconds); a pin above all.
    pub fn weight(&self, id: &str, question: Option<&str>, now: i64) -> u32 {
        let pinned = self.pinned.contains(id) || question.is_some_and(|q| self.pinned.contains(q));
        let frecency = self
            .frecency(id, now)
            .max(question.map_or(0, |q| self.frecency(q, now)));
        frecency
            .min(PIN_WEIGHT - 1)
            .saturating_add(if pinned { PIN_WEIGHT } else { 0 })
    }

    /// Counts an open of `entry` at `at` (Unix seconds).
    pub fn opened(&mut self, entry: &str, at: i64) {
        let seen = self.opens.entry(entry.to_owned()).or_insert((0, at));
        seen.0 = seen.0.saturating_add(1);
        seen.1 = seen.1.max(at);
    }

    /// How much this agent favours `entry` at `now` (Unix seconds): opens weighted by how
    /// recent the last one was (a week ago counts half, a month a quarter), as shells'
    /// frecency does. 0 for an entry never opened.
    pub fn frecency(&self, entry: &str, now: i64) -> u32 {
        let Some(&(count, last)) = self.opens.get(entry) else {
            return 0;
        };
        let age_days = (now - last).max(0) / 86_400;
        let weight = match age_days {
            0..=3 => 4,
            4..=7 => 2,
            8..=30 => 1,
            _ => 0,
        };
        count.saturating_mul(weight).saturating_add(count.min(1))
    }
}

/// The columns an event is read from, in the order [`event_of_row`] reads them.
const EVENT_FIELDS: &str = "at, at_unix, as_of, kind, guide_id, template_id, content_version,
                            message_kind, bytes, text, entry, query, hits, reason";
const EVENT_FIELD_COUNT: usize = 14;

/// One event from a row of [`EVENT_FIELDS`]; `None` when no time can be read from it at all.
fn event_of_row(row: &rusqlite::Row<'_>) -> Option<LogEvent> {
    let text = |index: usize| row.get_ref(index).ok().and_then(text_of);
    let instant = |index: usize| text(index).and_then(|t| DateTime::parse_from_rfc3339(&t).ok());
    let number = |index: usize| match row.get_ref(index) {
        Ok(ValueRef::Integer(n)) => usize::try_from(n).ok(),
        _ => None,
    };
    let at = instant(0).or_else(|| {
        let ValueRef::Integer(seconds) = row.get_ref(1).ok()? else {
            return None;
        };
        DateTime::from_timestamp(seconds, 0).map(|t| t.with_timezone(&clock::kst()))
    })?;
    let stored = text(3).unwrap_or_default();
    let kind = EventKind::parse(&stored);
    Some(LogEvent {
        at,
        as_of: instant(2),
        kind: kind.unwrap_or(EventKind::Unknown),
        stored_kind: kind.is_none().then_some(stored),
        guide_id: text(4),
        template_id: text(5),
        content_version: text(6).unwrap_or_default(),
        message_kind: text(7).as_deref().and_then(MessageKind::parse),
        bytes: number(8),
        text: text(9).unwrap_or_default(),
        detail: EventDetail {
            entry: text(10),
            query: text(11),
            hits: number(12),
            reason: text(13),
        },
    })
}

/// A column's value as text, whatever type it was stored as (a row written by hand or by
/// another version must not stop the listing).
fn text_of(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(bytes) | ValueRef::Blob(bytes) => {
            Some(String::from_utf8_lossy(bytes).into_owned())
        }
    }
}

/// A connection to an existing database, read-only or read-write (never creating it).
fn connect(database: &Path, read_only: bool) -> Result<Connection, LogError> {
    let access = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE
    };
    let connection =
        Connection::open_with_flags(database, access | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .map_err(|e| LogError::sqlite(database, "기록 데이터베이스를 열 수 없습니다", &e))?;
    connection
        .busy_timeout(BUSY_WAIT)
        .map_err(|e| LogError::sqlite(database, "기록 데이터베이스를 열 수 없습니다", &e))?;
    Ok(connection)
}

/// A read-only connection that leaves no file behind. A database closed cleanly has no WAL
/// content to read: it is opened as immutable (no `-shm` or `-wal` file is created beside a
/// file that may not be ours, or may be read-only). One left open by another process (or
/// a crash) is read through its WAL with an ordinary read-only connection.
fn look(database: &Path, left_open: bool) -> Result<Connection, LogError> {
    let uri = database.to_str().filter(|_| !left_open).map(|path| {
        let mut uri = String::from("file:");
        for c in path.chars() {
            match c {
                '%' => uri.push_str("%25"),
                '?' => uri.push_str("%3F"),
                '#' => uri.push_str("%23"),
                c => uri.push(c),
            }
        }
        uri.push_str("?immutable=1");
        uri
    });
    let Some(uri) = uri else {
        return connect(database, true);
    };
    Connection::open_with_flags(
        uri,
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| LogError::sqlite(database, "기록 데이터베이스를 열 수 없습니다", &e))
}

/// What a database holds, as far as telling ours from others goes.
enum Schema {
    /// No tables at all: nothing to lose by making it ours.
    Blank,
    /// Our log, of this schema version.
    Version(u32),
}

/// Reads the id, version and tables of a database (through its WAL), and decides whether it
/// is ours: a later version's is refused, and so is another program's.
fn inspect(reader: &Connection, database: &Path) -> Result<Schema, LogError> {
    let fail = |e: rusqlite::Error| match error::kind_of(&e) {
        LogErrorKind::Damaged => damaged(database, "읽는 중 손상된 부분을 만났습니다"),
        _ => LogError::sqlite(database, "기록 데이터베이스를 살펴볼 수 없습니다", &e),
    };
    let pragma = |name: &str| -> Result<u32, LogError> {
        let value: i64 = reader
            .query_row(&format!("PRAGMA {name}"), [], |row| row.get(0))
            .map_err(fail)?;
        // Both are signed 32-bit in SQLite; ours are read as the bytes of the header.
        Ok(i32::try_from(value).map_or(0, |v| u32::from_be_bytes(v.to_be_bytes())))
    };
    let application_id = pragma("application_id")?;
    let user_version = pragma("user_version")?;
    if application_id == APPLICATION_ID {
        if user_version > SCHEMA_VERSION {
            return Err(LogError::new(
                database,
                LogErrorKind::Newer,
                format!(
                    "더 새 버전의 support-console이 만든 기록입니다 (형식 {user_version}, 이 버전은 \
                     {SCHEMA_VERSION}까지 읽습니다). {LEFT_ALONE}: support-console을 새 버전으로 \
                     올리세요"
                ),
            ));
        }
        return Ok(Schema::Version(user_version));
    }
    if application_id != 0 {
        return Err(not_ours(
            database,
            &format!("다른 프로그램의 SQLite 데이터베이스, application_id 0x{application_id:08x}"),
        ));
    }
    let names = |sql: &str| -> Result<Vec<String>, LogError> {
        let mut statement = reader.prepare(sql).map_err(fail)?;
        let names = statement
            .query_map([], |row| row.get::<_, String>(0))
            .map_err(fail)?
            .collect::<Result<Vec<_>, _>>()
            .map_err(fail)?;
        Ok(names)
    };
    let tables = names(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )?;
    if tables.is_empty() {
        return Ok(Schema::Blank);
    }
    let columns = names("SELECT name FROM pragma_table_info('events')")?;
    let earlier_version = tables.iter().all(|t| t == "events" || t == "meta")
        && EVENT_COLUMNS
            .iter()
            .all(|wanted| columns.iter().any(|c| c == wanted));
    if earlier_version && user_version == 0 {
        return Ok(Schema::Version(0));
    }
    let shown: Vec<String> = tables
        .iter()
        .take(5)
        .map(|t| crate::text::visible_line(t).into_owned())
        .collect();
    Err(not_ours(
        database,
        &format!(
            "다른 프로그램의 SQLite 데이터베이스, 표: {}",
            shown.join(", ")
        ),
    ))
}

/// SQLite's own check of the whole file (`integrity_check` after a run that did not close
/// cleanly, the quicker `quick_check` otherwise): a damaged log is refused before anything
/// writes into it.
fn check(reader: &Connection, database: &Path, thorough: bool) -> Result<(), LogError> {
    let pragma = if thorough {
        "PRAGMA integrity_check(1)"
    } else {
        "PRAGMA quick_check(1)"
    };
    match reader.query_row(pragma, [], |row| row.get::<_, String>(0)) {
        Ok(verdict) if verdict == "ok" => Ok(()),
        Ok(_) => Err(damaged(database, "무결성 검사에서 문제를 찾았습니다")),
        Err(e) if error::kind_of(&e) == LogErrorKind::Damaged => {
            Err(damaged(database, "무결성 검사 중 손상된 부분을 만났습니다"))
        }
        Err(e) => Err(LogError::sqlite(
            database,
            "기록 데이터베이스를 검사할 수 없습니다",
            &e,
        )),
    }
}

/// Writes our schema, id and version into a database that has no tables, in one
/// transaction that first makes sure nobody did it meanwhile.
fn initialize(connection: &Connection, database: &Path) -> Result<(), LogError> {
    let fail =
        |e: rusqlite::Error| LogError::sqlite(database, "기록 데이터베이스를 만들 수 없습니다", &e);
    connection.execute_batch("BEGIN IMMEDIATE").map_err(fail)?;
    let done = (|| {
        let application_id: i64 =
            connection.query_row("PRAGMA application_id", [], |row| row.get(0))?;
        let tables: i64 =
            connection.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))?;
        if application_id == i64::from(APPLICATION_ID) || tables > 0 {
            // Made meanwhile by another console (or not blank after all: left to the checks
            // of the next open).
            return Ok(());
        }
        connection.execute_batch(SCHEMA)?;
        name_the_console(connection)?;
        connection.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
        ))
    })();
    match done {
        Ok(()) => connection.execute_batch("COMMIT").map_err(fail),
        Err(e) => {
            let _ = connection.execute_batch("ROLLBACK");
            Err(fail(e))
        }
    }
}

/// Brings a log of an earlier version to this schema, one version after the other, in one
/// transaction: 0 → 1 an id per event and our application id; 1 → 2 the columns of
/// searches, opens, flags and pins, an id for every event that had none (each is pushed to
/// a team under it), the table of what was pushed where, and the console's own id.
fn migrate(connection: &Connection, database: &Path) -> Result<(), LogError> {
    let fail = |e: rusqlite::Error| LogError::sqlite(database, "기록 형식을 올릴 수 없습니다", &e);
    connection.execute_batch("BEGIN IMMEDIATE").map_err(fail)?;
    let done = (|| {
        let version: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
        if version >= i64::from(SCHEMA_VERSION) {
            return Ok(());
        }
        let has_column = |name: &str| -> rusqlite::Result<bool> {
            connection.query_row(
                "SELECT EXISTS (SELECT 1 FROM pragma_table_info('events') WHERE name = ?1)",
                [name],
                |row| row.get(0),
            )
        };
        if version < 1 && !has_column("uid")? {
            connection.execute_batch("ALTER TABLE events ADD COLUMN uid TEXT")?;
        }
        if version < 2 {
            for (column, kind) in SCHEMA_2_COLUMNS {
                if !has_column(column)? {
                    connection
                        .execute_batch(&format!("ALTER TABLE events ADD COLUMN {column} {kind}"))?;
                }
            }
            let mut missing = connection.prepare("SELECT id FROM events WHERE uid IS NULL")?;
            let ids = missing
                .query_map([], |row| row.get::<_, i64>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            drop(missing);
            for id in ids {
                connection.execute(
                    "UPDATE events SET uid = ?1 WHERE id = ?2",
                    params![new_uid(), id],
                )?;
            }
        }
        connection.execute_batch(SCHEMA)?;
        name_the_console(connection)?;
        connection.execute_batch(&format!(
            "PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION};"
        ))
    })();
    match done {
        Ok(()) => {
            connection.execute_batch("COMMIT").map_err(fail)?;
            // The header in the file itself says whose it is from now on.
            let _ = connection.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
            Ok(())
        }
        Err(e) => {
            let _ = connection.execute_batch("ROLLBACK");
            Err(fail(e))
        }
    }
}

/// Gives the log the id its console is known by on a team database, once.
fn name_the_console(connection: &Connection) -> rusqlite::Result<()> {
    connection.execute(
        "INSERT OR IGNORE INTO meta (key, value) VALUES ('console_id', ?1)",
        [new_uid()],
    )?;
    Ok(())
}

fn not_ours(database: &Path, what: &str) -> LogError {
    LogError::new(
        database,
        LogErrorKind::NotOurs,
        format!(
            "support-console의 상담 기록이 아닙니다 ({what}). {LEFT_ALONE}: --history로 기록 \
             파일을 따로 지정하세요"
        ),
    )
}

fn json_lines_in_place(database: &Path) -> LogError {
    LogError::new(
        database,
        LogErrorKind::NotALog,
        format!(
            "기록 데이터베이스 자리에 JSON 줄 파일이 있습니다. {LEFT_ALONE}: 파일을 옮기거나 \
             --history로 다른 파일을 지정하세요"
        ),
    )
}

/// An id for one event, unique across processes and machines for all practical purposes
/// (128 bits from the standard library's randomly keyed hasher, the clock and the process).
pub fn new_uid() -> String {
    use std::hash::{BuildHasher as _, RandomState};
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let seed = (
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos()),
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed),
    );
    let high = RandomState::new().hash_one(seed);
    let low = RandomState::new().hash_one((seed, high));
    format!("{high:016x}{low:016x}")
}

fn insert(connection: &Connection, event: &LogEvent, uid: &str) -> rusqlite::Result<usize> {
    connection.execute(
        "INSERT OR IGNORE INTO events (at, at_unix, as_of, kind, guide_id, template_id,
                                       content_version, message_kind, bytes, text, uid,
                                       entry, query, hits, reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            clock::rfc3339_kst(&event.at),
            event.at.timestamp(),
            event.as_of.as_ref().map(clock::rfc3339_kst),
            event.stored_kind.as_deref().unwrap_or(event.kind.as_str()),
            event.guide_id,
            event.template_id,
            event.content_version,
            event.message_kind.map(MessageKind::code),
            event.bytes.and_then(|b| i64::try_from(b).ok()),
            event.text,
            uid,
            event.detail.entry,
            event.detail.query,
            event.detail.hits.and_then(|n| i64::try_from(n).ok()),
            event.detail.reason,
        ],
    )
}
