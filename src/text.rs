//! Small text utilities at the bottom layer: number formatting, and the one policy for
//! characters that could drive a terminal or hide text, applied on every way out of the
//! program (console frames, clipboard copies, text and JSON output, stderr).
//!
//! The policy, in one place:
//! - C0 and C1 control characters never leave raw. Where text is shown (the console, plain
//!   output, error messages) they become visible symbols (`␛`, `␇`, `�`), so an author sees
//!   what is in the content; where text is handed on as a message (clipboard copies, SMS
//!   bodies) escape sequences are removed whole and other controls dropped.
//! - Bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) and zero-width
//!   characters (U+200B–U+200F, U+2060–U+2064, U+FEFF, U+061C) are removed everywhere: they
//!   have no width to show, and could reorder or hide what an agent reads.
//! - JSON output keeps every character but writes all of the above as `\uXXXX` escapes.
//!
//! Line breaks survive where the output is multi-line (`visible`, `message`) and become a
//! visible symbol where it is one line (`visible_line`).

use std::borrow::Cow;
use std::fmt::Write as _;

/// Groups digits by thousands: 1234567 → "1,234,567".
pub fn group_thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A character with no width that changes how text around it is ordered or joined, or hides
/// it: bidirectional embeddings, overrides, isolates and marks, and zero-width characters.
pub fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Whether `c` must not reach a terminal, a clipboard or a JSON reader as it is.
pub fn is_unsafe(c: char) -> bool {
    c.is_control() || is_invisible_format(c)
}

/// The symbol a control character is shown as.
fn control_picture(c: char) -> char {
    match c {
        '\u{7f}' => '␡',
        // U+2400..U+241F are the control pictures for C0, in code point order.
        c if u32::from(c) < 0x20 => char::from_u32(0x2400 + u32::from(c)).unwrap_or('�'),
        // C1 has no pictures of its own.
        _ => '�',
    }
}

fn map_unsafe(text: &str, keep_newline: bool) -> Cow<'_, str> {
    if !text
        .chars()
        .any(|c| is_unsafe(c) && !(keep_newline && c == '\n'))
    {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' if keep_newline => out.push('\n'),
            '\t' => out.push(' '),
            c if is_invisible_format(c) => {}
            c if c.is_control() => out.push(control_picture(c)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Text to show (console, plain output, messages): controls as visible symbols, line breaks
/// kept, invisible formatting removed.
pub fn visible(text: &str) -> Cow<'_, str> {
    map_unsafe(text, true)
}

/// Text to show on one line: like [`visible`], and a line break shows as `␊`.
pub fn visible_line(text: &str) -> Cow<'_, str> {
    map_unsafe(text, false)
}

/// A file's path as it stands in a message: on one line, each control and invisible
/// formatting character written as an escape (`\n`, `\u{1b}`, `\u{202e}`), so that a name
/// cannot forge a second line of the message, drive the terminal or reorder what is read.
/// Bytes that are not UTF-8 show as `�`.
pub fn path(path: &std::path::Path) -> String {
    let name = path.to_string_lossy();
    if !name.chars().any(is_unsafe) {
        return name.into_owned();
    }
    let mut out = String::with_capacity(name.len() + 8);
    for c in name.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A heading, label or title taken in from outside (an imported article, a file's name):
/// control characters, bidirectional formatting and zero-width characters removed, line
/// breaks and tabs as one space each. What is left is what an agent would read.
pub fn plain_label(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .filter_map(|c| match c {
                '\n' | '\r' | '\t' => Some(' '),
                c if is_unsafe(c) => None,
                c => Some(c),
            })
            .collect(),
    )
}

/// Why a file-system call failed, in Korean (the system's own words are English), with the
/// OS error number for whoever supports the agent.
pub fn io_reason(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    let reason = match error.kind() {
        ErrorKind::NotFound => "없습니다",
        ErrorKind::PermissionDenied => "권한이 없습니다",
        ErrorKind::StorageFull => "디스크가 가득 찼습니다",
        ErrorKind::ReadOnlyFilesystem => "읽기 전용 파일 시스템입니다",
        ErrorKind::IsADirectory => "폴더입니다",
        ErrorKind::NotADirectory => "경로 중간에 폴더가 아닌 것이 있습니다",
        ErrorKind::AlreadyExists => "이미 있습니다",
        ErrorKind::InvalidFilename => "이름이 너무 길거나 쓸 수 없는 이름입니다",
        ErrorKind::FileTooLarge => "파일이 너무 큽니다",
        ErrorKind::Interrupted | ErrorKind::TimedOut => "중간에 끊겼습니다",
        ErrorKind::InvalidData => "내용을 읽을 수 없습니다",
        _ => "입출력 오류",
    };
    match error.raw_os_error() {
        Some(code) => format!("{reason} (OS 오류 {code})"),
        None => reason.to_owned(),
    }
}

/// Line breaks as `\n`: `\r\n` and a lone `\r` (how terminals paste them, and how some
/// sources end lines) become one.
pub fn unix_line_breaks(text: &str) -> Cow<'_, str> {
    if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    }
}

/// Text handed on as a message (clipboard, SMS body): escape sequences removed whole (an
/// `ESC ] 52 … BEL` leaves nothing behind), `\r\n` and `\r` as `\n`, tabs as spaces, other
/// controls and invisible formatting dropped.
pub fn message(text: &str) -> String {
    let text = unix_line_breaks(text);
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '\n' => out.push('\n'),
            '\t' => out.push(' '),
            '\u{1b}' => skip_escape_sequence(&mut chars),
            // C1 CSI and OSC open sequences as ESC [ and ESC ] do.
            '\u{9b}' => skip_until_final(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => {
                skip_until_string_end(&mut chars);
            }
            c if is_unsafe(c) => {}
            c => out.push(c),
        }
    }
    out
}

type Chars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

fn skip_escape_sequence(chars: &mut Chars<'_>) {
    match chars.next() {
        Some('[') => skip_until_final(chars),
        Some(']' | 'P' | '_' | '^' | 'X') => skip_until_string_end(chars),
        _ => {}
    }
}

/// A CSI sequence ends at its first byte in `@`..=`~`.
fn skip_until_final(chars: &mut Chars<'_>) {
    for c in chars.by_ref() {
        if ('@'..='~').contains(&c) {
            break;
        }
    }
}

/// A string sequence (OSC, DCS, …) ends at BEL, ST (`ESC \`) or C1 ST.
fn skip_until_string_end(chars: &mut Chars<'_>) {
    while let Some(c) = chars.next() {
        match c {
            '\u{7}' | '\u{9c}' => break,
            '\u{1b}' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// JSON text with every unsafe character inside its strings written as a `\uXXXX` escape.
/// `serde_json` escapes only C0; this adds DEL, C1 and invisible formatting. Those characters
/// can only stand inside strings in JSON text, so the result is the same JSON value.
pub fn escape_json(json: String) -> String {
    if !json.chars().any(is_unsafe) {
        return json;
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r' | ' ') {
            // Every unsafe character is in the Basic Multilingual Plane: one escape each.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands() {
        assert_eq!(group_thousands(0), "0");
        assert_eq!(group_thousands(999), "999");
        assert_eq!(group_thousands(39_000), "39,000");
        assert_eq!(group_thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn shows_controls_and_drops_invisible_formatting() {
        assert_eq!(visible("a\u{1b}[2Jb\u{7}"), "a␛[2Jb␇");
        assert_eq!(visible("x\u{9b}1m\u{202e}y\u{200b}z\nw"), "x�1myz\nw");
        assert_eq!(visible_line("a\nb"), "a␊b");
        assert!(matches!(visible("가입 기준"), Cow::Borrowed(_)));
    }

    #[test]
    fn messages_lose_whole_sequences() {
        assert_eq!(message("a\u{1b}[31mred\u{1b}[0m"), "ared");
        assert_eq!(message("x\u{1b}]52;c;Zm9v\u{7}y"), "xy");
        assert_eq!(message("x\u{1b}]8;;http://e\u{1b}\\y"), "xy");
        assert_eq!(message("a\r\nb\rc\td\u{0}\u{7f}\u{9b}2Je"), "a\nb\nc de");
        assert_eq!(message("\u{9d}0;title\u{9c}ok\u{202e}\u{2066}"), "ok");
    }

    #[test]
    fn paths_stay_on_one_line_with_their_controls_escaped() {
        let name = std::path::Path::new("a\nb\u{7}c\u{202e}d.json");
        assert_eq!(path(name), "a\\nb\\u{7}c\\u{202e}d.json");
        assert_eq!(
            path(std::path::Path::new("가이드/안내.json")),
            "가이드/안내.json"
        );
    }

    #[test]
    fn labels_lose_controls_bidi_and_zero_width() {
        assert_eq!(
            plain_label("가입\u{7} 안내\u{202e}\u{200b}\n끝"),
            "가입 안내 끝"
        );
        assert!(matches!(plain_label("가입 안내"), Cow::Borrowed(_)));
    }

    #[test]
    fn json_escapes_every_unsafe_character() {
        let value = serde_json::json!({"t": "a\u{1b}]52\u{7}\u{9b}\u{202e}\u{200b}\u{7f}"});
        let text = escape_json(serde_json::to_string(&value).unwrap_or_default());
        assert!(!text.chars().any(is_unsafe), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(back, value);
    }
}
