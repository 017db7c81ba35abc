//! What went wrong with the log, by its real cause, in the agent's words: a full disk is not
//! a lock, a damaged file is not a missing one, and SQLite's English text never reaches the
//! screen (its numeric code does, for whoever supports the agent).

use std::fmt;
use std::path::{Path, PathBuf};

use super::BUSY_WAIT;

/// Why the log could not be opened, read or written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogErrorKind {
    /// A file of another program (another SQLite database): refused, never modified.
    NotOurs,
    /// Neither a SQLite database nor a JSON-lines history (a zeroed header, random bytes).
    NotALog,
    /// A log written by a newer version of this program: refused, never modified.
    Newer,
    /// A damaged database (a bad page, a failed integrity check): refused, never modified.
    Damaged,
    /// A folder, a FIFO, a device where the log should be.
    NotAFile,
    /// The file (or its folder, or the file system) cannot be written.
    ReadOnly,
    /// No space left on the device.
    DiskFull,
    /// Another program holds the database longer than [`BUSY_WAIT`].
    Locked,
    /// The database or its `-wal` file was deleted or replaced while open: a write may have
    /// gone into a file nobody will read.
    Lost,
    /// Permission denied, a missing folder, an I/O error.
    Unavailable,
}

/// A log problem, with the file it concerns.
#[derive(Debug)]
pub struct LogError {
    pub path: PathBuf,
    pub kind: LogErrorKind,
    pub message: String,
}

impl fmt::Display for LogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", crate::text::path(&self.path), self.message)
    }
}

impl std::error::Error for LogError {}

impl LogError {
    pub fn new(path: &Path, kind: LogErrorKind, message: impl Into<String>) -> Self {
        Self {
            path: path.to_owned(),
            kind,
            message: message.into(),
        }
    }

    /// A SQLite failure on `path`, by its cause; `doing` says what was being done.
    pub fn sqlite(path: &Path, doing: &str, error: &rusqlite::Error) -> Self {
        let kind = kind_of(error);
        Self::new(path, kind, format!("{doing}: {}", describe(kind, error)))
    }

    /// A file-system failure on `path`, by its cause.
    pub fn io(path: &Path, doing: &str, error: &std::io::Error) -> Self {
        let kind = match error.kind() {
            std::io::ErrorKind::StorageFull => LogErrorKind::DiskFull,
            std::io::ErrorKind::ReadOnlyFilesystem => LogErrorKind::ReadOnly,
            _ => LogErrorKind::Unavailable,
        };
        Self::new(
            path,
            kind,
            format!("{doing}: {}", crate::text::io_reason(error)),
        )
    }
}

/// The cause of a SQLite error.
pub fn kind_of(error: &rusqlite::Error) -> LogErrorKind {
    use rusqlite::ErrorCode;
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => LogErrorKind::Locked,
        Some(ErrorCode::DiskFull) => LogErrorKind::DiskFull,
        Some(ErrorCode::ReadOnly) => LogErrorKind::ReadOnly,
        Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => LogErrorKind::Damaged,
        _ => LogErrorKind::Unavailable,
    }
}

/// A SQLite error in Korean, with its numeric code (never SQLite's English text).
fn describe(kind: LogErrorKind, error: &rusqlite::Error) -> String {
    let code = match error {
        rusqlite::Error::SqliteFailure(failure, _) => {
            format!(" (SQLite 코드 {})", failure.extended_code)
        }
        _ => String::new(),
    };
    match kind {
        LogErrorKind::Locked => format!(
            "다른 프로그램이 기록 데이터베이스를 잠그고 있습니다 ({}초 기다림)",
            BUSY_WAIT.as_secs()
        ),
        LogErrorKind::DiskFull => {
            "디스크가 가득 찼습니다: 공간을 비우면 다시 쓸 수 있습니다".to_owned()
        }
        LogErrorKind::ReadOnly => {
            "기록 파일에 쓸 수 없습니다 (읽기 전용 파일, 폴더 또는 파일 시스템)".to_owned()
        }
        LogErrorKind::Damaged => format!("기록 데이터베이스가 손상되었습니다{code}"),
        _ => match error {
            rusqlite::Error::SqliteFailure(failure, _) => match failure.code {
                rusqlite::ErrorCode::CannotOpen => {
                    format!("기록 파일을 열 수 없습니다 (경로와 폴더 권한을 확인하세요){code}")
                }
                rusqlite::ErrorCode::PermissionDenied => format!("권한이 없습니다{code}"),
                rusqlite::ErrorCode::SystemIoFailure => format!("디스크 입출력 오류{code}"),
                _ => format!("SQLite 오류{code}"),
            },
            rusqlite::Error::InvalidColumnType(..)
            | rusqlite::Error::FromSqlConversionFailure(..) => {
                "기록의 값이 예상한 형식이 아닙니다".to_owned()
            }
            _ => "SQLite 오류".to_owned(),
        },
    }
}

/// What to do, said after a file is refused: it is left exactly as it was.
pub const LEFT_ALONE: &str = "이 파일은 건드리지 않았습니다";

/// A damaged database, refused.
pub fn damaged(path: &Path, what: &str) -> LogError {
    LogError::new(
        path,
        LogErrorKind::Damaged,
        format!(
            "기록 데이터베이스가 손상되었습니다 ({what}). {LEFT_ALONE}: 백업이 있으면 되돌리고, \
             없으면 파일을 다른 곳으로 옮긴 뒤 다시 시작하면 새 기록이 만들어집니다"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: std::ffi::c_int) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), Some("English".into()))
    }

    #[test]
    fn each_cause_is_told_apart_in_korean() {
        let path = Path::new("log.sqlite3");
        let cases = [
            (rusqlite::ffi::SQLITE_FULL, LogErrorKind::DiskFull, "가득"),
            (
                rusqlite::ffi::SQLITE_IOERR_WRITE,
                LogErrorKind::Unavailable,
                "입출력",
            ),
            (
                rusqlite::ffi::SQLITE_READONLY,
                LogErrorKind::ReadOnly,
                "읽기 전용",
            ),
            (rusqlite::ffi::SQLITE_BUSY, LogErrorKind::Locked, "잠그고"),
            (rusqlite::ffi::SQLITE_CORRUPT, LogErrorKind::Damaged, "손상"),
            (rusqlite::ffi::SQLITE_NOTADB, LogErrorKind::Damaged, "손상"),
            (
                rusqlite::ffi::SQLITE_CANTOPEN,
                LogErrorKind::Unavailable,
                "열 수 없습니다",
            ),
        ];
        for (code, kind, said) in cases {
            let error = LogError::sqlite(path, "쓰기", &failure(code));
            assert_eq!(error.kind, kind, "{code}");
            assert!(error.message.contains(said), "{code}: {}", error.message);
            assert!(!error.message.contains("English"), "{}", error.message);
        }
    }
}
