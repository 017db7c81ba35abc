//! The consultation log on a bad day: a file that is not ours, damaged, newer, read-only, a
//! disk that fills, a lock held, a `-wal` deleted under a running console. Each is refused
//! or told in Korean by its real cause, a refused file is left byte for byte as it was, and
//! no event is reported saved that is not.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use support_console::history::writer::{LogWriter, WriteReport};
use support_console::history::{
    APPLICATION_ID, EventKind, Filter, Log, LogErrorKind, LogEvent, SCHEMA_VERSION,
};

fn event(text: &str) -> LogEvent {
    LogEvent {
        at: chrono::DateTime::parse_from_rfc3339("2024-11-29T10:00:00+09:00").expect("time"),
        as_of: None,
        kind: EventKind::Sent,
        stored_kind: None,
        guide_id: Some("g".into()),
        template_id: Some("t".into()),
        content_version: "v".into(),
        message_kind: None,
        bytes: Some(10),
        text: text.into(),
        detail: support_console::history::EventDetail::default(),
    }
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_support-console"))
}

/// `history --history PATH`, with no retention to speak of: exit code, stdout, stderr.
fn history(path: &Path, more: &[&str]) -> (i32, String, String) {
    let output = bin()
        .arg("history")
        .args(more)
        .arg("--history")
        .arg(path)
        .args(["--retention-days", "100000"])
        .output()
        .expect("run");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::metadata(path)
        .expect("metadata")
        .permissions()
        .mode()
        & 0o777
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// Everything in a folder: names, modes, and a hash of the bytes.
fn folder(dir: &Path) -> Vec<(String, u32, u64)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .map(|entry| {
            let path = entry.expect("entry").path();
            let name = path
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            let bytes = std::fs::read(&path).unwrap_or_default();
            let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
            });
            (name, mode(&path), hash)
        })
        .collect();
    files.sort();
    files
}

/// SQLite's English never reaches the agent.
fn assert_korean(message: &str) {
    for english in [
        "database",
        "disk I/O",
        "malformed",
        "file is not",
        "unable to",
        "locked",
    ] {
        assert!(!message.contains(english), "English in: {message}");
    }
}

/// `path` is refused by the library and by the command line with `kind` and words saying
/// so, and its folder is exactly as it was: nothing written, nothing created beside it.
fn assert_refused(path: &Path, kind: LogErrorKind, says: &str) {
    let dir = path.parent().expect("folder");
    let before = folder(dir);
    let Err(err) = Log::open(path) else {
        panic!("{} was opened", path.display());
    };
    assert_eq!(err.kind, kind, "{err}");
    assert!(err.message.contains(says), "{err}");
    assert!(err.message.contains("건드리지 않았습니다"), "{err}");
    assert_korean(&err.message);
    let (code, out, said) = history(path, &[]);
    assert_eq!(code, 2, "{said}");
    assert!(out.is_empty(), "{out}");
    assert!(said.contains(says), "{said}");
    assert_korean(&said);
    // The console's writer is refused alike, and writes nothing.
    let (reported, reports) = std::sync::mpsc::channel();
    let writer = LogWriter::start(path.to_owned(), move |report| {
        let _ = reported.send(report);
    })
    .expect("writer");
    writer.write(event("콘솔에서 쓴 기록")).expect("queued");
    let report = reports
        .recv_timeout(Duration::from_secs(10))
        .expect("no report from the writer");
    assert!(
        matches!(&report, WriteReport::Failed { message, pending: 1 } if message.contains(says)),
        "{report:?}"
    );
    writer.finish(Duration::from_secs(1));
    assert_eq!(
        folder(dir),
        before,
        "the refused file and its folder are untouched"
    );
}

/// A log of ours holding `count` events, closed cleanly.
fn our_log(dir: &Path, count: usize) -> PathBuf {
    let path = dir.join("log.sqlite3");
    let (mut log, _) = Log::open(&path).expect("log");
    for n in 0..count {
        log.append(&event(&format!("기록 {n} {}", "가".repeat(200))))
            .expect("append");
    }
    drop(log);
    assert!(!dir.join("log.sqlite3-wal").exists(), "closed cleanly");
    path
}

fn sqlite(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(path).expect("sqlite")
}

#[test]
fn a_zeroed_header_or_random_bytes_are_not_taken_for_an_old_history() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = our_log(dir.path(), 3);
    let mut bytes = std::fs::read(&path).expect("read");
    bytes[..100].fill(0);
    std::fs::write(&path, &bytes).expect("write");
    assert_refused(&path, LogErrorKind::NotALog, "상담 기록 파일이 아닙니다");

    // Random bytes, under the old history's name too: no new file beside it.
    let dir = tempfile::tempdir().expect("tempdir");
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let noise: Vec<u8> = (0..65_536)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state.to_le_bytes()[0]
        })
        .collect();
    for name in ["log.sqlite3", "history.jsonl"] {
        let path = dir.path().join(name);
        std::fs::write(&path, &noise).expect("write");
        assert_refused(&path, LogErrorKind::NotALog, "상담 기록 파일이 아닙니다");
        std::fs::remove_file(&path).expect("remove");
    }
}

#[test]
fn another_programs_database_is_refused_and_left_as_it_was() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("app.db");
    let other = sqlite(&path);
    other
        .execute_batch("CREATE TABLE users (name TEXT); INSERT INTO users VALUES ('kim');")
        .expect("foreign");
    drop(other);
    set_mode(&path, 0o644);
    assert_refused(&path, LogErrorKind::NotOurs, "표: users");
    assert_eq!(mode(&path), 0o644, "its mode is not ours to change");

    // An application id of its own says so before SQLite is let near the file.
    let path = dir.path().join("tagged.db");
    let other = sqlite(&path);
    other
        .execute_batch("PRAGMA application_id = 305419896; CREATE TABLE t (x);")
        .expect("foreign");
    drop(other);
    assert_refused(&path, LogErrorKind::NotOurs, "0x12345678");
}

#[test]
fn a_log_of_a_newer_version_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = our_log(dir.path(), 2);
    sqlite(&path)
        .execute_batch("PRAGMA user_version = 99")
        .expect("version");
    assert_refused(&path, LogErrorKind::Newer, "더 새 버전");
}

#[test]
fn a_damaged_page_is_refused_by_the_command_line_and_the_console_alike() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = our_log(dir.path(), 400);
    let mut bytes = std::fs::read(&path).expect("read");
    let page = usize::from(u16::from_be_bytes([bytes[16], bytes[17]]));
    assert!(bytes.len() > 6 * page, "several pages");
    bytes[4 * page..5 * page].fill(0xab);
    std::fs::write(&path, &bytes).expect("write");
    assert_refused(&path, LogErrorKind::Damaged, "손상");

    // The console says so where the recent sends are listed, never "nothing yet".
    let app = support_console::tui::App::new(
        support_console::content::load_embedded().expect("embedded"),
        None,
        Some(path.clone()),
    );
    let warning = app.sms.history_warning.clone().expect("a warning");
    assert!(warning.contains("손상"), "{warning}");
    assert_eq!(std::fs::read(&path).expect("read"), bytes);
}

#[test]
fn an_event_of_an_unknown_kind_is_listed_as_unknown() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = our_log(dir.path(), 1);
    sqlite(&path)
        .execute(
            "INSERT INTO events (at, at_unix, kind, content_version, text)
             VALUES ('2024-11-30T10:00:00+09:00', 1732928400, 'refund', 'v', '환불 처리')",
            [],
        )
        .expect("a later version's kind");
    let (log, _) = Log::open(&path).expect("log");
    let events = log.events(&Filter::default()).expect("events");
    assert_eq!(events.len(), 2, "none left out");
    assert_eq!(events[1].kind, EventKind::Unknown);
    assert_eq!(events[1].stored_kind.as_deref(), Some("refund"));
    drop(log);
    let (code, out, said) = history(&dir.path().join("log.sqlite3"), &[]);
    assert_eq!(code, 0, "{said}");
    assert!(out.contains("알 수 없는 종류 \"refund\""), "{out}");
    let (_, out, _) = history(&path, &["--json"]);
    let listed: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    assert_eq!(listed[1]["kind"], "unknown");
    assert_eq!(listed[1]["stored_kind"], "refund");
}

#[test]
fn a_read_only_log_is_read_never_widened_or_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = our_log(dir.path(), 2);
    // An event older than any retention: listing a read-only log removes nothing.
    let mut old = event("오래된 기록");
    old.at = chrono::DateTime::parse_from_rfc3339("2001-01-01T00:00:00+09:00").expect("time");
    Log::open(&path)
        .expect("log")
        .0
        .append(&old)
        .expect("append");
    set_mode(&path, 0o444);
    let before = folder(dir.path());
    let (mut log, opened) = Log::open(&path).expect("a read-only log opens");
    assert!(opened.read_only && log.is_read_only());
    assert!(
        opened.warnings.iter().any(|w| w.contains("읽기 전용")),
        "{opened:?}"
    );
    assert_eq!(log.events(&Filter::default()).expect("events").len(), 3);
    let err = log.append(&event("새 기록")).expect_err("read-only");
    assert_eq!(err.kind, LogErrorKind::ReadOnly);
    assert!(err.message.contains("읽기 전용"), "{err}");
    drop(log);
    let output = bin()
        .args(["history", "--history"])
        .arg(&path)
        .output()
        .expect("run");
    let (out, said) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    assert_eq!(output.status.code(), Some(0), "{said}");
    assert_eq!(out.lines().count(), 3, "{out}");
    assert!(said.contains("읽기 전용"), "{said}");
    assert_eq!(mode(&path), 0o444, "never made 0600");
    assert_eq!(folder(dir.path()), before, "nothing written");
}

#[test]
fn a_log_of_an_earlier_version_is_taken_in_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log.sqlite3");
    let old = sqlite(&path);
    // The schema of earlier versions: no application id, no event ids, kinds checked.
    old.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, at_unix INTEGER NOT NULL,
             as_of TEXT, kind TEXT NOT NULL CHECK (kind IN ('copy', 'sent', 'wrapup')),
             guide_id TEXT, template_id TEXT, content_version TEXT NOT NULL, message_kind TEXT,
             bytes INTEGER, text TEXT NOT NULL);
         CREATE INDEX events_at ON events (at_unix);
         CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
         INSERT INTO events (at, at_unix, kind, content_version, text)
             VALUES ('2024-11-29T10:00:00+09:00', 1732842000, 'copy', 'v', '예전 기록');",
    )
    .expect("old log");
    drop(old);
    set_mode(&path, 0o600);
    let (mut log, opened) = Log::open(&path).expect("adopted");
    assert!(opened.warnings.is_empty(), "{opened:?}");
    log.append(&event("새 기록")).expect("append");
    let texts: Vec<String> = log
        .events(&Filter::default())
        .expect("events")
        .into_iter()
        .map(|e| e.text)
        .collect();
    assert_eq!(texts, ["예전 기록", "새 기록"]);
    drop(log);
    let check = sqlite(&path);
    let id: i64 = check
        .query_row("PRAGMA application_id", [], |row| row.get(0))
        .expect("id");
    let version: i64 = check
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("version");
    assert_eq!(id, i64::from(APPLICATION_ID));
    assert_eq!(version, i64::from(SCHEMA_VERSION));
}

#[test]
fn after_a_run_that_did_not_close_the_whole_file_is_checked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = our_log(dir.path(), 1);
    let (_, opened) = Log::open(&path).expect("log");
    assert!(!opened.integrity_checked, "closed cleanly: the quick check");
    let status = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "log::leave_open_helper", "--include-ignored"])
        .env("LOG_HELPER_PATH", &path)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("helper");
    assert!(status.success());
    assert!(dir.path().join("log.sqlite3-wal").exists(), "left open");
    let (log, opened) = Log::open(&path).expect("log");
    assert!(opened.integrity_checked);
    assert_eq!(log.events(&Filter::default()).expect("events").len(), 2);
}

/// Run only as a child of the test above: writes an event and ends without closing.
#[test]
#[ignore = "helper process for after_a_run_that_did_not_close_the_whole_file_is_checked"]
fn leave_open_helper() {
    let Some(path) = std::env::var_os("LOG_HELPER_PATH") else {
        return;
    };
    let (mut log, _) = Log::open(Path::new(&path)).expect("log");
    log.append(&event("끝나지 않은 실행")).expect("append");
    // No destructor runs: the connection is never closed.
    std::process::exit(0);
}

#[test]
fn a_deleted_wal_is_never_reported_as_saved_and_nothing_is_lost() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log.sqlite3");
    // Two consoles on one log.
    let (mut first, _) = Log::open(&path).expect("log");
    let (mut second, _) = Log::open(&path).expect("log");
    first.append(&event("1")).expect("append");
    second.append(&event("2")).expect("append");
    std::fs::remove_file(dir.path().join("log.sqlite3-wal")).expect("delete the -wal");
    for (log, text) in [(&mut first, "3"), (&mut second, "4")] {
        let err = log.append(&event(text)).expect_err("not confirmed");
        assert_eq!(err.kind, LogErrorKind::Lost, "{err}");
        assert!(err.message.contains("-wal"), "{err}");
        // Retried, as the console's writer does: stored, once.
        log.append(&event(text)).expect("stored after reconnecting");
    }
    drop((first, second));
    let (log, _) = Log::open(&path).expect("log");
    let mut texts: Vec<String> = log
        .events(&Filter::default())
        .expect("events")
        .into_iter()
        .map(|e| e.text)
        .collect();
    texts.sort();
    assert_eq!(texts, ["1", "2", "3", "4"], "every event, none twice");
}

#[test]
fn a_lock_held_by_another_program_is_named_as_a_lock() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = our_log(dir.path(), 1);
    let (mut log, _) = Log::open(&path).expect("log");
    let other = sqlite(&path);
    other.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let err = log.append(&event("잠긴 동안")).expect_err("locked");
    assert_eq!(err.kind, LogErrorKind::Locked, "{err}");
    assert!(err.message.contains("잠그고 있습니다"), "{err}");
    assert_korean(&err.message);
    other.execute_batch("COMMIT").expect("unlock");
    log.append(&event("잠긴 동안")).expect("after the lock");
    assert_eq!(log.events(&Filter::default()).expect("events").len(), 2);
}

#[test]
fn a_full_disk_is_named_as_a_full_disk() {
    let dir = tempfile::tempdir().expect("tempdir");
    let status = in_small_file_system(dir.path(), "log::full_disk_helper");
    assert!(
        status.success(),
        "the helper's checks failed (its output is above)"
    );
}

/// Runs `test` of this binary in a mount namespace of its own, with a 512 KiB file system
/// mounted at `dir` (a disk that fills in a moment, without touching the machine's).
pub fn in_small_file_system(dir: &Path, test: &str) -> std::process::ExitStatus {
    let script = format!(
        "mount -t tmpfs -o size=512k tmpfs '{}' && exec '{}' --exact {test} --include-ignored --nocapture",
        dir.display(),
        std::env::current_exe().expect("test binary").display()
    );
    Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "sh", "-c", &script])
        .env("LOG_HELPER_PATH", dir)
        .status()
        .expect("unshare (util-linux) runs the disk-full tests")
}

/// Fills the disk under `dir` with a file of its own; returns that file.
pub fn fill(dir: &Path) -> PathBuf {
    let filler = dir.join("filler");
    let mut file = std::fs::File::create(&filler).expect("filler");
    let block = vec![0u8; 4096];
    while std::io::Write::write_all(&mut file, &block).is_ok() {}
    let _ = file.sync_all();
    filler
}

/// Run only inside [`in_small_file_system`].
#[test]
#[ignore = "helper process for a_full_disk_is_named_as_a_full_disk"]
fn full_disk_helper() {
    let Some(dir) = std::env::var_os("LOG_HELPER_PATH") else {
        return;
    };
    let dir = Path::new(&dir);
    let path = dir.join("log.sqlite3");
    let (mut log, _) = Log::open(&path).expect("log");
    log.append(&event("처음")).expect("append");
    let filler = fill(dir);
    let big = event(&"가".repeat(30_000));
    let err = log.append(&big).expect_err("the disk is full");
    assert_eq!(err.kind, LogErrorKind::DiskFull, "{err}");
    assert!(err.message.contains("디스크가 가득 찼습니다"), "{err}");
    assert_korean(&err.message);
    std::fs::remove_file(filler).expect("space again");
    log.append(&big).expect("written once there is room");
    let texts = log.events(&Filter::default()).expect("events").len();
    assert_eq!(texts, 2, "each event once");
}

#[test]
fn an_old_history_is_imported_only_when_it_is_json_lines() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log.sqlite3");
    std::fs::write(dir.path().join("log.jsonl"), [0xffu8, 0xfe, 0, 1, 2]).expect("write");
    let (_, opened) = Log::open(&path).expect("log");
    assert_eq!(opened.imported, 0);
    assert!(
        opened
            .warnings
            .iter()
            .any(|w| w.contains("상담 기록 파일이 아닙니다")),
        "{opened:?}"
    );
}

#[test]
fn a_fifo_where_the_log_goes_is_refused_at_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log.sqlite3");
    let made = Command::new("mkfifo").arg(&path).status().expect("mkfifo");
    assert!(made.success());
    let (code, _, said) = history(&path, &[]);
    assert_eq!(code, 2);
    assert!(said.contains("일반 파일이 아닌 것"), "{said}");
}

#[test]
fn retention_never_overflows_and_its_flag_says_its_range() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = our_log(dir.path(), 1);
    let (mut log, _) = Log::open(&path).expect("log");
    let now = support_console::clock::now_kst();
    assert_eq!(log.apply_retention(u32::MAX, now).expect("no overflow"), 0);
    drop(log);
    for days in ["100000000", "0", "-3", "1e9"] {
        let flag = format!("--retention-days={days}");
        let output = bin()
            .args(["history", "--history"])
            .arg(&path)
            .arg(&flag)
            .output()
            .expect("run");
        let said = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{days}: {said}");
        assert!(said.contains("보관 일수는 1~100,000 사이의 정수"), "{said}");
    }
}

#[test]
fn a_file_name_with_a_line_break_stays_on_one_line_of_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("기록\n가짜 줄: 저장됨\u{7}.sqlite3");
    std::fs::write(&path, [0u8; 200]).expect("write");
    let (code, _, said) = history(&path, &[]);
    assert_eq!(code, 2);
    assert_eq!(said.lines().count(), 1, "{said}");
    assert!(
        said.contains("기록\\n가짜 줄: 저장됨\\u{7}.sqlite3"),
        "{said}"
    );
}

/// Events a console saved to the recovery file at exit are merged by the next `history` as
/// by the next console start: listed once, said on stderr, the file gone; a read-only log
/// keeps the file and says so.
#[test]
fn history_merges_what_a_console_could_not_write_and_says_how_many() {
    use support_console::history::recovery::{self, Unwritten};
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("log.sqlite3");
    let (mut log, _) = Log::open(&path).expect("log");
    log.append(&event("쓴 것")).expect("append");
    drop(log);
    let left = [
        Unwritten {
            uid: support_console::history::new_uid(),
            event: event("남은 것 1"),
        },
        Unwritten {
            uid: support_console::history::new_uid(),
            event: event("남은 것 2"),
        },
    ];
    let saved = recovery::save(&path, &left).expect("saved");
    assert_eq!(saved, recovery::path_for(&path));

    set_mode(&path, 0o444);
    let (code, out, err) = history(&path, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("남은 것"), "{out}");
    assert!(err.contains("합치지 않았습니다"), "{err}");
    assert!(saved.exists(), "a read-only log keeps the recovery file");

    set_mode(&path, 0o600);
    let (code, out, err) = history(&path, &[]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("기록 2건을 복구 파일에서 기록에 합쳤습니다"),
        "{err}"
    );
    assert!(
        out.contains("남은 것 1") && out.contains("남은 것 2"),
        "{out}"
    );
    assert!(!saved.exists(), "merged whole, then removed");
    let (_, again, err) = history(&path, &[]);
    assert!(!err.contains("합쳤습니다"), "{err}");
    assert_eq!(again.matches("남은 것 1").count(), 1, "{again}");
}
