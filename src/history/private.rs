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

/// What the log keeps of a text that was copied or sent: [`mask`]'s rules (phone, resident
/// and car numbers, e-mail, long numbers, a name before an honorific), and each of
/// `personal` (names and other values an agent typed for a driver) cut to its first
/// character (`홍**`). The text on the clipboard or in the SMS is the agent's; the log, which
/// outlives the call, keeps no more than it needs to tell what was sent.
pub fn mask_with(text: &str, personal: &[&str]) -> String {
    let mut masked = mask(text);
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

/// What may leave this console of an event (for a team's database and for reports): the
/// log's privacy rules applied, so that no phone number, name, memo or text typed for a
/// driver goes further than the agent's own log.
///
/// - Texts sent to or about a driver are dropped whole: an SMS or a copy (its variables hold
///   names, phone and car numbers), a wrap-up note (its memo is the agent's free text). What
///   stays is what they were: template, SMS or LMS, bytes, guide.
/// - Texts an agent types that the team needs (a search query, a flag's reason) and texts
///   of the content (an entry's title, a flagged sentence, a verdict) are kept with every
///   phone number, resident registration number, car number, e-mail address, long number
///   and name with an honorific masked ([`mask`]).
pub fn shareable(event: &super::LogEvent) -> super::LogEvent {
    use super::EventKind;
    let mut shared = event.clone();
    shared.text = match event.kind {
        EventKind::Open | EventKind::Flag | EventKind::Verdict => mask(&event.text),
        EventKind::Copy
        | EventKind::Sent
        | EventKind::Wrapup
        | EventKind::Search
        | EventKind::Pin
        | EventKind::Unpin
        | EventKind::Unknown => String::new(),
    };
    shared.detail.query = event.detail.query.as_deref().map(mask);
    shared.detail.reason = event.detail.reason.as_deref().map(mask);
    shared.detail.entry = event.detail.entry.as_deref().map(mask);
    shared
}

/// `text` with personal data masked: e-mail addresses (`[이메일]`), resident registration
/// numbers (`[주민번호]`), phone numbers (`[전화번호]`: from 0 or +82, 9 to 12 digits in
/// groups), other numbers of nine digits or more in one piece or twelve in groups (card,
/// account: `[번호]`), car numbers (`12가3456`: `[차량번호]`), and a name before an
/// honorific (`김철수 기사님`: `[이름] 기사님`). Dates, times, ratings, percentages and
/// short numbers stay.
pub fn mask(text: &str) -> String {
    let text = mask_emails(text);
    let text = mask_numbers(&text);
    mask_names(&text)
}

fn mask_emails(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (n, word) in text.split(' ').enumerate() {
        if n > 0 {
            out.push(' ');
        }
        let looks_like_email = word.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.')
        });
        out.push_str(if looks_like_email {
            "[이메일]"
        } else {
            word
        });
    }
    out
}

/// A run of digit groups: where it starts and ends (char indices), its groups, and the
/// separators between them.
struct NumberRun {
    start: usize,
    end: usize,
    groups: Vec<usize>,
    separators: Vec<char>,
    plus82: bool,
}

fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        let Some(run) = number_run(&chars, at) else {
            out.push(chars[at]);
            at += 1;
            continue;
        };
        if let Some(plate) = car_plate(&chars, &run) {
            out.push_str("[차량번호]");
            at = plate;
            continue;
        }
        match classify(&chars, &run) {
            Some(label) => out.push_str(label),
            None => out.extend(&chars[run.start..run.end]),
        }
        at = run.end;
    }
    out
}

/// The digit groups starting at `at` (a digit, or `+82`), joined by single `-`, `.` or
/// spaces; `None` when no number starts there (or it continues a word, as in `A123`).
fn number_run(chars: &[char], at: usize) -> Option<NumberRun> {
    if at > 0 && (chars[at - 1].is_ascii_digit() || chars[at - 1].is_ascii_alphabetic()) {
        return None;
    }
    let mut i = at;
    let mut plus82 = false;
    if chars[i] == '+' {
        if chars.get(i + 1) == Some(&'8') && chars.get(i + 2) == Some(&'2') {
            plus82 = true;
            i += 3;
            while matches!(chars.get(i), Some(' ' | '-')) {
                i += 1;
            }
        } else {
            return None;
        }
    }
    if !chars.get(i).is_some_and(char::is_ascii_digit) {
        return None;
    }
    let mut groups = Vec::new();
    let mut separators = Vec::new();
    loop {
        let from = i;
        while chars.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
        groups.push(i - from);
        match (chars.get(i), chars.get(i + 1)) {
            (Some(&sep @ ('-' | '.' | ' ' | ')')), Some(next)) if next.is_ascii_digit() => {
                separators.push(sep);
                i += 1;
            }
            _ => break,
        }
    }
    Some(NumberRun {
        start: at,
        end: i,
        groups,
        separators,
        plus82,
    })
}

fn classify(chars: &[char], run: &NumberRun) -> Option<&'static str> {
    let digits: usize = run.groups.iter().sum();
    let first_digit = chars[run.start..run.end]
        .iter()
        .find(|c| c.is_ascii_digit())
        .copied();
    let spaced = run.separators.contains(&' ');
    // A rating or a price: `3.9`, `4.0 이상`, `1,000`.
    if run.separators.iter().all(|&s| s == '.') && run.groups.len() == 2 && run.groups[1] <= 2 {
        return None;
    }
    if (run.groups == [6, 7] && run.separators == ['-']) || (run.groups == [13]) {
        return Some("[주민번호]");
    }
    let phone_like = run.plus82 || first_digit == Some('0');
    if phone_like && (9..=12).contains(&digits) && (run.groups.len() <= 4) {
        // A phone number written in groups, or in one piece: not a date written with dots
        // (`0000.00.00` does not start with 0 in any year the console sees).
        return Some("[전화번호]");
    }
    if run.groups.len() == 1 && digits >= 9 {
        return Some("[번호]");
    }
    if !spaced && digits >= 12 {
        return Some("[번호]");
    }
    None
}

/// A car number (`12가3456`, `123 가 4567`) starting with `run`: where it ends.
fn car_plate(chars: &[char], run: &NumberRun) -> Option<usize> {
    if run.groups.len() != 1 || !(2..=3).contains(&run.groups[0]) || run.plus82 {
        return None;
    }
    let mut i = run.end;
    if chars.get(i) == Some(&' ') {
        i += 1;
    }
    let syllable = *chars.get(i)?;
    if !('가'..='힣').contains(&syllable) {
        return None;
    }
    i += 1;
    if chars.get(i) == Some(&' ') {
        i += 1;
    }
    let digits = chars[i..].iter().take_while(|c| c.is_ascii_digit()).count();
    (digits == 4).then_some(i + 4)
}

/// Common Korean surnames: a word of two to four syllables that starts with one and stands
/// before an honorific is taken for a name.
const SURNAMES: &str = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진지엄채원천방공현함변염여추도소석선설마길연위표명기반라왕금옥육인맹제모탁국어은편용";

/// Words that start with a surname's syllable and stand before an honorific without being a
/// name: titles and roles (`기사님` is the driver, not Mr. 기사).
const TITLES: &str =
    "기사 고객 회원 상담 상담사 사장 선생 대리 팀장 과장 부장 실장 대표 차주 이용자 사용자";

/// What follows a name: 기사님, 님, 씨, 고객님.
const HONORIFICS: [&str; 5] = ["기사님", "고객님", "님", "씨", "고객"];

fn mask_names(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    while at < chars.len() {
        if let Some((name_end, end)) = name_at(&chars, at) {
            out.push_str("[이름]");
            out.extend(&chars[name_end..end]);
            at = end;
        } else {
            out.push(chars[at]);
            at += 1;
        }
    }
    out
}

fn is_hangul(c: char) -> bool {
    ('가'..='힣').contains(&c)
}

/// A name starting at `at` followed by an honorific (`김철수님`, `박영희 기사님`): where the
/// name ends and where the honorific ends.
fn name_at(chars: &[char], at: usize) -> Option<(usize, usize)> {
    if (at > 0 && is_hangul(chars[at - 1])) || !SURNAMES.contains(chars[at]) {
        return None;
    }
    let word_end = (at..chars.len())
        .find(|&i| !is_hangul(chars[i]))
        .unwrap_or(chars.len());
    for name_len in 2..=4 {
        let name_end = at + name_len;
        if name_end > word_end {
            break;
        }
        let name: String = chars[at..name_end].iter().collect();
        if TITLES.split(' ').any(|title| title == name) {
            continue;
        }
        let rest = if name_end == word_end {
            if chars.get(name_end) != Some(&' ') {
                continue;
            }
            name_end + 1
        } else {
            name_end
        };
        for honorific in HONORIFICS {
            let wanted: Vec<char> = honorific.chars().collect();
            let end = rest + wanted.len();
            if chars.get(rest..end) != Some(wanted.as_slice()) {
                continue;
            }
            // The honorific ends the word (a particle may follow: `님께`, `씨가`).
            let ends = chars
                .get(end)
                .is_none_or(|&c| !is_hangul(c) || "께이가은는을를과와의도".contains(c));
            if ends {
                return Some((name_end, end));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::mask;

    #[test]
    fn personal_data_is_masked_and_the_rest_stays() {
        let cases = [
            ("010-1234-5678 기사님 가입", "[전화번호] 기사님 가입"),
            ("01012345678", "[전화번호]"),
            ("010 1234 5678로 보내 주세요", "[전화번호]로 보내 주세요"),
            ("+82 10-1234-5678", "[전화번호]"),
            ("02-123-4567", "[전화번호]"),
            ("900101-1234567", "[주민번호]"),
            ("12가3456 차량", "[차량번호] 차량"),
            ("123 하 4567", "[차량번호]"),
            ("메일 driver@example.com 으로", "메일 [이메일] 으로"),
            ("김철수 기사님 환불", "[이름] 기사님 환불"),
            ("박영희님께 안내", "[이름]님께 안내"),
            ("계좌 110123456789", "계좌 [번호]"),
            ("평점 3.9 가입", "평점 3.9 가입"),
            ("2024-12-15 10:30 결제", "2024-12-15 10:30 결제"),
            ("1588-1234 고객센터", "1588-1234 고객센터"),
            ("택시 기사님 수락률 85%", "택시 기사님 수락률 85%"),
            ("고객님 문의", "고객님 문의"),
            ("이영수 고객님 문의", "[이름] 고객님 문의"),
            ("가입 안돼요", "가입 안돼요"),
        ];
        for (text, masked) in cases {
            assert_eq!(mask(text), masked, "{text}");
        }
    }

    #[test]
    fn personal_values_an_agent_typed_are_cut_to_their_first_character() {
        assert_eq!(
            super::mask_with("예약자 홍길동, 010-1234-5678로 안내", &["홍길동", "x"]),
            "예약자 홍**, [전화번호]로 안내"
        );
        assert_eq!(
            super::mask_memo("  기사님 화남  "),
            "(메모 6자, 기록에는 남기지 않음)"
        );
        assert_eq!(super::mask_memo(""), "-");
    }
}
