//! What lies at the log's path, found from its first bytes alone: SQLite is not let near a
//! file before we know it is ours, since opening one for writing can change it (a journal
//! rolled back, a WAL checkpointed into it, our tables added).
//!
//! Ours is a SQLite database whose header carries our application id (`PRAGMA
//! application_id`, bytes 68..72) and a schema version we know (`PRAGMA user_version`, bytes
//! 60..64). Logs of earlier versions carry no id: they are recognised by their tables.

use std::fs::File;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::error::{LEFT_ALONE, LogError, LogErrorKind, damaged};

/// Our application id: "SCLG" (support-console log).
pub const APPLICATION_ID: u32 = 0x5343_4c47;

/// The schema this version writes. 0: the logs of earlier versions (no application id);
/// 1: an application id, the kind of an event free (a later version may add kinds, listed
/// here as unknown), and a unique id per event so that a write retried is never doubled;
/// 2: searches, opens, flags and pins (their columns), every event with an id, the events
/// pushed to each team database, and the console's own id.
pub const SCHEMA_VERSION: u32 = 2;

const SQLITE_MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// How much of a file is read to tell what it is.
const SNIFF: usize = 4096;

/// What a path holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    Missing,
    /// A file of no bytes (one created and left before SQLite wrote to it).
    Empty,
    /// A SQLite database, with what its header says.
    Sqlite {
        application_id: u32,
        user_version: u32,
    },
    /// Text lines that start as JSON objects: the history of earlier versions.
    JsonLines,
}

/// Tells what is at `path` without changing it, and without blocking on a FIFO or a device.
pub fn identify(path: &Path) -> Result<Found, LogError> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Found::Missing),
        Err(err) => return Err(LogError::io(path, "기록 파일을 볼 수 없습니다", &err)),
    };
    if !meta.is_file() {
        return Err(LogError::new(
            path,
            LogErrorKind::NotAFile,
            format!(
                "기록 파일 자리에 일반 파일이 아닌 것(폴더, FIFO, 장치)이 있습니다. {LEFT_ALONE}: \
                 --history로 다른 파일을 지정하세요"
            ),
        ));
    }
    let mut head = Vec::with_capacity(SNIFF);
    File::open(path)
        .and_then(|file| file.take(SNIFF as u64).read_to_end(&mut head))
        .map_err(|err| LogError::io(path, "기록 파일을 읽을 수 없습니다", &err))?;
    if head.is_empty() {
        return Ok(Found::Empty);
    }
    if head.starts_with(SQLITE_MAGIC) {
        return sqlite_header(path, &head);
    }
    if looks_like_json_lines(&head) {
        return Ok(Found::JsonLines);
    }
    Err(LogError::new(
        path,
        LogErrorKind::NotALog,
        format!(
            "상담 기록 파일이 아닙니다 (SQLite 데이터베이스도 이전 JSON 줄 기록도 아님: 머리 부분이 \
             지워졌거나 손상되었거나 다른 파일). {LEFT_ALONE}: 파일을 옮기거나 --history로 다른 \
             파일을 지정하세요"
        ),
    ))
}

fn sqlite_header(path: &Path, head: &[u8]) -> Result<Found, LogError> {
    let word = |at: usize| {
        head.get(at..at + 4)
            .and_then(|b| b.try_into().ok())
            .map(u32::from_be_bytes)
    };
    let page_size = head
        .get(16..18)
        .map(|b| u32::from(u16::from_be_bytes([b[0], b[1]])));
    let (Some(user_version), Some(application_id), Some(page_size)) =
        (word(60), word(68), page_size)
    else {
        return Err(damaged(path, "SQLite 머리 부분이 잘렸습니다"));
    };
    // 1 stands for 65536; any other size is a power of two from 512.
    let page_size = if page_size == 1 { 65_536 } else { page_size };
    if !(512..=65_536).contains(&page_size) || !page_size.is_power_of_two() {
        return Err(damaged(
            path,
            "SQLite 머리 부분의 페이지 크기가 맞지 않습니다",
        ));
    }
    Ok(Found::Sqlite {
        application_id,
        user_version,
    })
}

/// Whether the first bytes of a file read as JSON-lines text: UTF-8 (a character cut at the
/// end of the sample aside), no NUL, and the first line that is not blank opens an object.
pub fn looks_like_json_lines(head: &[u8]) -> bool {
    let text = match std::str::from_utf8(head) {
        Ok(text) => text,
        // A character cut by the sample's end; anything else is not text.
        Err(err) if err.error_len().is_none() => {
            std::str::from_utf8(&head[..err.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return false,
    };
    !text.contains('\0') && text.trim_start().starts_with('{')
}

/// The files SQLite keeps beside the database: `-wal`, `-shm`, `-journal`.
pub fn beside(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Whether the last connection to `database` did not close cleanly: SQLite removes the
/// `-wal` file when the last connection closes and a rollback journal when its transaction
/// ends, so one left with content means a process ended mid-way (or another is still open).
pub fn left_open(database: &Path) -> bool {
    ["-wal", "-journal"]
        .iter()
        .any(|suffix| std::fs::metadata(beside(database, suffix)).is_ok_and(|meta| meta.len() > 0))
}

/// A file's identity (device and inode): the same path naming another file means the file
/// was deleted or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Identity {
    device: u64,
    inode: u64,
}

pub fn identity(path: &Path) -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt as _;
        std::fs::metadata(path).ok().map(|meta| Identity {
            device: meta.dev(),
            inode: meta.ino(),
        })
    }
    #[cfg(not(unix))]
    {
        std::fs::metadata(path).ok().map(|_| Identity {
            device: 0,
            inode: 0,
        })
    }
}

/// Whether the file at `path` may be written: it exists, its owner's write bit is set (a
/// file made read-only is left so, even for a user the system would let write), and the
/// system lets us open it for writing (opening changes nothing).
pub fn writable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if meta.permissions().mode() & 0o200 == 0 {
            return false;
        }
    }
    #[cfg(not(unix))]
    if meta.permissions().readonly() {
        return false;
    }
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_are_told_from_other_bytes() {
        assert!(looks_like_json_lines(b"{\"at\":1}\n{\"at\":2}\n"));
        assert!(
            looks_like_json_lines(b"\n  {\"text\":\"\xea\xb0"),
            "a cut syllable"
        );
        assert!(!looks_like_json_lines(b"\0\0\0\0{"));
        assert!(!looks_like_json_lines(b"\xff\xfe{"));
        assert!(!looks_like_json_lines(b"at,kind\n1,copy\n"));
    }

    #[test]
    fn a_header_is_read_without_sqlite() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x");
        let mut head = vec![0u8; 100];
        head[..16].copy_from_slice(SQLITE_MAGIC);
        head[16..18].copy_from_slice(&4096u16.to_be_bytes());
        head[60..64].copy_from_slice(&7u32.to_be_bytes());
        head[68..72].copy_from_slice(&APPLICATION_ID.to_be_bytes());
        std::fs::write(&path, &head).unwrap();
        assert_eq!(
            identify(&path).unwrap(),
            Found::Sqlite {
                application_id: APPLICATION_ID,
                user_version: 7
            }
        );
        head[16..18].copy_from_slice(&1000u16.to_be_bytes());
        std::fs::write(&path, &head).unwrap();
        assert_eq!(identify(&path).unwrap_err().kind, LogErrorKind::Damaged);
        std::fs::write(&path, &head[..40]).unwrap();
        assert_eq!(identify(&path).unwrap_err().kind, LogErrorKind::Damaged);
        std::fs::write(&path, [0u8; 4096]).unwrap();
        assert_eq!(identify(&path).unwrap_err().kind, LogErrorKind::NotALog);
        std::fs::write(&path, b"").unwrap();
        assert_eq!(identify(&path).unwrap(), Found::Empty);
        assert_eq!(identify(&dir.path().join("none")).unwrap(), Found::Missing);
        assert_eq!(
            identify(dir.path()).unwrap_err().kind,
            LogErrorKind::NotAFile
        );
    }
}
