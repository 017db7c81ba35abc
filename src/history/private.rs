//! The log holds what drivers said and what was sent to them: its files are the agent's
//! alone. The database, its WAL and shared-memory files and every export are created
//! owner-only (0600), a folder made for them 0700; an existing log of ours readable by others
//! is tightened when opened (its group and other bits cleared, no bit ever added: a log made
//! read-only stays so), and the console says so. Files that are not ours are never touched.

use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Owner read and write, nobody else.
pub const FILE_MODE: u32 = 0o600;
/// Owner only, for a folder the log creates.
pub const DIR_MODE: u32 = 0o700;

/// Creates the folders down to `dir` that do not exist yet, each owner-only. Folders that
/// exist are left as they are (a log may live in a shared folder the agent does not own).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_private_dir(parent)?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(DIR_MODE);
    }
    match builder.create(dir) {
        Err(err) if err.kind() != io::ErrorKind::AlreadyExists => Err(err),
        _ => Ok(()),
    }
}

/// Creates `path` empty and owner-only if it does not exist (before SQLite opens it, so it
/// never exists with the umask's wider mode).
pub fn create_private_file(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(FILE_MODE);
    }
    match options.open(path) {
        Err(err) if err.kind() != io::ErrorKind::AlreadyExists => Err(err),
        _ => Ok(()),
    }
}

/// Makes each existing file of the log owner-only by clearing its group and other bits;
/// returns those that were wider, with the mode they had. Call it only on a log known to be
/// ours, opened for writing.
pub fn tighten(database: &Path) -> io::Result<Vec<(PathBuf, u32)>> {
    let mut tightened = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for path in log_files(database) {
            let Ok(meta) = fs::metadata(&path) else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                fs::set_permissions(&path, fs::Permissions::from_mode(mode & 0o700))?;
                tightened.push((path, mode));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = database;
    Ok(tightened)
}

/// The database and the files SQLite keeps beside it.
pub fn log_files(database: &Path) -> Vec<PathBuf> {
    let name = database.as_os_str();
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut path = name.to_owned();
            path.push(suffix);
            PathBuf::from(path)
        })
        .collect()
}

/// Writes `bytes` to `path` owner-only (from the moment it exists), whole or not at all.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), crate::files::WriteError> {
    crate::files::write_atomic_as(path, crate::files::Options::OWNER_ONLY, bytes)
}

/// What the log keeps of a text that was copied or sent: mobile numbers and car numbers
/// masked (`010-****-5678`, `12가****`), and each of `personal` (names and other values an
/// agent typed for a driver) cut to its first character (`홍**`). The text on the clipboard
/// or in the SMS is the agent's; the log, which outlives the call, keeps no more than it
/// needs to tell what was sent.
pub fn mask(text: &str, personal: &[&str]) -> String {
    let mut masked = mask_car_numbers(&mask_mobile_numbers(text));
    for value in personal {
        let value = value.trim();
        let mut chars = value.chars();
        let Some(first) = chars.next() else {
            continue;
        };
        let hidden: String = std::iter::once(first)
            .chain(chars.map(|c| if c.is_whitespace() { c } else { '*' }))
            .collect();
        if value.chars().count() > 1 {
            masked = masked.replace(value, &hidden);
        }
    }
    masked
}

/// A memo for the log: its length only (what the agent wrote about the driver stays in the
/// ticket, not in the log).
pub fn mask_memo(memo: &str) -> String {
    let chars = memo.trim().chars().count();
    if chars == 0 {
        "-".to_owned()
    } else {
        format!("(메모 {chars}자, 기록에는 남기지 않음)")
    }
}

/// Korean mobile numbers (010, 011, 016-019), with `-`, `.` or spaces between the groups or
/// none: every digit after the prefix but the last four becomes `*`.
fn mask_mobile_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts_number = i == 0 || !chars[i - 1].is_ascii_digit();
        if starts_number && let Some(end) = mobile_number_at(&chars, i) {
            let digits: Vec<usize> = (i..end).filter(|&k| chars[k].is_ascii_digit()).collect();
            let keep_last = digits.len().saturating_sub(4);
            for (k, &c) in chars.iter().enumerate().take(end).skip(i) {
                let place = digits.iter().position(|&d| d == k);
                match place {
                    Some(n) if (3..keep_last).contains(&n) => out.push('*'),
                    _ => out.push(c),
                }
            }
            i = end;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The end of a mobile number starting at `start`: `01X`, 3 or 4 digits, 4 digits, groups
/// joined by one separator or none, and no digit right after.
fn mobile_number_at(chars: &[char], start: usize) -> Option<usize> {
    let digit = |k: usize| chars.get(k).is_some_and(char::is_ascii_digit);
    if !(chars.get(start) == Some(&'0')
        && chars.get(start + 1) == Some(&'1')
        && chars
            .get(start + 2)
            .is_some_and(|c| matches!(c, '0' | '1' | '6' | '7' | '8' | '9')))
    {
        return None;
    }
    let mut at = start + 3;
    let separator = |k: usize| chars.get(k).is_some_and(|c| matches!(c, '-' | '.' | ' '));
    let skip_separator = |k: usize| if separator(k) { k + 1 } else { k };
    at = skip_separator(at);
    let middle = (at..chars.len()).take_while(|&k| digit(k)).count();
    let (middle, rest) = match middle {
        3 | 4 => (middle, None),
        // No separators at all: 010 + 8 digits (or 7 for the old 3-digit middle).
        7 | 8 => (middle - 4, Some(4)),
        _ => return None,
    };
    at += middle;
    let last = if let Some(n) = rest {
        n
    } else {
        at = skip_separator(at);
        (at..chars.len()).take_while(|&k| digit(k)).count()
    };
    if last != 4 {
        return None;
    }
    Some(at + 4)
}

/// Korean car numbers (`12가3456`, `123가 4567`, `서울12가3456`): the four digits after the
/// syllable become `*`.
fn mask_car_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = chars.clone();
    for i in 0..chars.len() {
        if !crate::hangul::is_syllable(chars[i]) {
            continue;
        }
        let before = (0..i)
            .rev()
            .take_while(|&k| chars[k].is_ascii_digit())
            .count();
        if !(2..=3).contains(&before) {
            continue;
        }
        let mut at = i + 1;
        if chars.get(at) == Some(&' ') {
            at += 1;
        }
        let after = (at..chars.len())
            .take_while(|&k| chars[k].is_ascii_digit())
            .count();
        if after == 4 {
            for slot in out.iter_mut().skip(at).take(4) {
                *slot = '*';
            }
        }
    }
    out.into_iter().collect()
}

#[cfg(test)]
mod mask_tests {
    use super::*;

    #[test]
    fn phone_and_car_numbers_and_personal_values_are_masked() {
        let cases = [
            ("연락처 010-1234-5678 입니다", "연락처 010-****-5678 입니다"),
            ("01012345678", "010****5678"),
            ("010 123 4567로", "010 *** 4567로"),
            ("011.9876.5432", "011.****.5432"),
            // Not a mobile number: a service number, a date, an amount, a longer run.
            ("고객센터 1588-1234", "고객센터 1588-1234"),
            ("2024-12-05", "2024-12-05"),
            ("9,900원", "9,900원"),
            ("0101234567890", "0101234567890"),
            ("차량 12가3456 기사님", "차량 12가**** 기사님"),
            ("서울123나 4567", "서울123나 ****"),
            ("평점 3.9가 아니라", "평점 3.9가 아니라"),
        ];
        for (text, expected) in cases {
            assert_eq!(mask(text, &[]), expected, "{text}");
        }
        assert_eq!(
            mask("홍길동 기사님, 안녕하세요", &["홍길동", "x"]),
            "홍** 기사님, 안녕하세요"
        );
        assert_eq!(
            mask_memo("  기사님 화남  "),
            "(메모 6자, 기록에는 남기지 않음)"
        );
        assert_eq!(mask_memo(""), "-");
    }
}
