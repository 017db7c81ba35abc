//! Which palette suits the terminal (`theme = "auto"`): its background colour, asked with
//! OSC 11 before the console takes the screen. A Device Attributes request (DA1) follows
//! it: every terminal answers that one, so a terminal that ignores OSC 11 is known to at
//! once, not after a timeout, and no late answer is left to be read as keys. Where nothing
//! answers within half a second, `COLORFGBG` (set by some terminals) decides, else dark.

use std::time::{Duration, Instant};

use super::theme::{Palette, contrast};

/// How long the terminal has to answer.
const ANSWER_LIMIT: Duration = Duration::from_millis(500);

/// The palette for the terminal's background, where it can be told.
pub fn detect() -> Option<Palette> {
    ask_terminal().or_else(|| {
        std::env::var("COLORFGBG")
            .ok()
            .and_then(|value| from_colorfgbg(&value))
    })
}

/// `COLORFGBG` is "foreground;background" (sometimes with a middle field) as colour
/// numbers: a background of 7 or 15 (white) is light, the other usual ones dark.
pub fn from_colorfgbg(value: &str) -> Option<Palette> {
    let background: u8 = value.rsplit(';').next()?.trim().parse().ok()?;
    match background {
        7 | 15 => Some(Palette::Light),
        0..=6 | 8 => Some(Palette::Dark),
        _ => None,
    }
}

/// The palette for an OSC 11 answer (`ESC ] 11 ; rgb:RRRR/GGGG/BBBB` ended by BEL or ST):
/// light when black text reads better on it than white.
pub fn from_osc11(answer: &str) -> Option<Palette> {
    let start = answer.find("]11;")? + 4;
    let rest = &answer[start..];
    let end = rest.find(['\x07', '\x1b']).unwrap_or(rest.len());
    let spec = rest[..end].strip_prefix("rgb:")?;
    let mut parts = spec.split('/').map(|part| {
        let digits = part.len().clamp(1, 4);
        let max = (1u32 << (4 * digits)) - 1;
        u32::from_str_radix(part, 16)
            .ok()
            .filter(|_| !part.is_empty() && part.len() <= 4)
            .map(|value| u8::try_from(value * 255 / max).unwrap_or(u8::MAX))
    });
    let rgb = (parts.next()??, parts.next()??, parts.next()??);
    if contrast(rgb, (0, 0, 0)) > contrast(rgb, (255, 255, 255)) {
        Some(Palette::Light)
    } else {
        Some(Palette::Dark)
    }
}

#[cfg(unix)]
fn ask_terminal() -> Option<Palette> {
    use std::io::{IsTerminal as _, Read as _, Write as _};
    use std::os::fd::AsRawFd as _;

    if !std::io::stdin().is_terminal() || !std::io::stdout().is_terminal() {
        return None;
    }
    let mut tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    crossterm::terminal::enable_raw_mode().ok()?;
    let mut answer = Vec::new();
    let asked = tty
        .write_all(b"\x1b]11;?\x1b\\\x1b[c")
        .and_then(|()| tty.flush());
    if asked.is_ok() {
        let deadline = Instant::now() + ANSWER_LIMIT;
        let fd = tty.as_raw_fd();
        // Until the DA1 answer (ESC [ ? … c) is in, or the time is up.
        while !da1_answered(&answer) {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let mut poll = libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            };
            let millis = libc::c_int::try_from(left.as_millis()).unwrap_or(libc::c_int::MAX);
            // SAFETY: one valid pollfd for a descriptor this function holds open.
            let ready = unsafe { libc::poll(&raw mut poll, 1, millis) };
            if ready <= 0 {
                break;
            }
            let mut buffer = [0u8; 256];
            match tty.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buffer[..n]),
            }
        }
    }
    let _ = crossterm::terminal::disable_raw_mode();
    from_osc11(&String::from_utf8_lossy(&answer))
}

#[cfg(not(unix))]
fn ask_terminal() -> Option<Palette> {
    None
}

/// Whether `answer` holds a Device Attributes answer (`ESC [ ? … c`).
fn da1_answered(answer: &[u8]) -> bool {
    answer
        .windows(3)
        .position(|w| w == b"\x1b[?")
        .is_some_and(|at| answer[at..].contains(&b'c'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_and_variables_are_read() {
        assert_eq!(
            from_osc11("\x1b]11;rgb:ffff/ffff/ffff\x1b\\"),
            Some(Palette::Light)
        );
        assert_eq!(
            from_osc11("\x1b]11;rgb:1c1c/1c1c/1c1c\x07\x1b[?62;c"),
            Some(Palette::Dark)
        );
        assert_eq!(from_osc11("\x1b]11;rgb:ee/ee/ee\x07"), Some(Palette::Light));
        assert_eq!(
            from_osc11("\x1b]11;rgb:fdf6/e3e3/0000\x07"),
            Some(Palette::Light)
        );
        assert_eq!(from_osc11("\x1b[?62;c"), None);
        assert_eq!(from_osc11("\x1b]11;rgb:zz/00/00\x07"), None);
        assert_eq!(from_colorfgbg("15;0"), Some(Palette::Dark));
        assert_eq!(from_colorfgbg("0;15"), Some(Palette::Light));
        assert_eq!(from_colorfgbg("0;default;15"), Some(Palette::Light));
        assert_eq!(from_colorfgbg("x"), None);
        assert!(da1_answered(b"\x1b]11;rgb:0/0/0\x07\x1b[?1;2c"));
        assert!(!da1_answered(b"\x1b]11;rgb:0/0/0\x07\x1b[?1;2"));
    }
}
