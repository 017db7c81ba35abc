//! Copy that tells the truth. A copy goes to the system clipboard through the desktop's own
//! tool where there is one (`wl-copy` on Wayland, `xclip` or `xsel` on X11, `pbcopy` on a
//! Mac), and the tool's exit says whether it worked. Inside tmux the text goes into tmux's
//! paste buffer (`tmux load-buffer`, which also answers). Where neither is there (over SSH,
//! a bare console) the terminal is asked with OSC 52, wrapped for tmux or screen when inside
//! them: no terminal answers that request, so the console says it cannot confirm it.
//!
//! The route is chosen once at start ([`Clipboard::detect`]); each copy reports which route
//! took it ([`Copied`]), for the toast.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long a clipboard tool may take before the copy is called failed.
const TOOL_LIMIT: Duration = Duration::from_secs(2);

/// A program that puts its standard input on the system clipboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tool {
    pub program: PathBuf,
    pub args: Vec<String>,
    /// How the toast names it.
    pub name: String,
}

/// Which terminal multiplexer the console runs in (OSC 52 is wrapped for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplexer {
    None,
    Tmux,
    Screen,
}

/// Where copies go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clipboard {
    pub tool: Option<Tool>,
    pub multiplexer: Multiplexer,
}

/// How a copy went: the route that took it, and whether it is known to have worked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    /// The route, as the toast names it ("시스템 클립보드(wl-copy)").
    pub route: String,
    /// The route answered that the text is there.
    pub confirmed: bool,
    /// What went wrong on the way, when a route failed and another was taken.
    pub failed: Option<String>,
}

impl Clipboard {
    /// The routes this session has, from its environment and the programs on `PATH`.
    pub fn detect() -> Self {
        let env = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty());
        let multiplexer = if env("TMUX").is_some() {
            Multiplexer::Tmux
        } else if env("STY").is_some() {
            Multiplexer::Screen
        } else {
            Multiplexer::None
        };
        let mut candidates: Vec<(&str, &[&str])> = Vec::new();
        if env("WAYLAND_DISPLAY").is_some() {
            candidates.push(("wl-copy", &[]));
        }
        if env("DISPLAY").is_some() {
            candidates.push(("xclip", &["-selection", "clipboard", "-in"]));
            candidates.push(("xsel", &["--clipboard", "--input"]));
        }
        if cfg!(target_os = "macos") {
            candidates.push(("pbcopy", &[]));
        }
        let tool = candidates.into_iter().find_map(|(name, args)| {
            find_program(name).map(|program| Tool {
                program,
                args: args.iter().map(|&a| a.to_owned()).collect(),
                name: name.to_owned(),
            })
        });
        Self { tool, multiplexer }
    }

    /// Puts `text` on the clipboard by the best route there is; OSC 52 sequences are written
    /// to `terminal`.
    pub fn copy(&self, text: &str, terminal: &mut impl Write) -> io::Result<Copied> {
        let mut failed = None;
        if let Some(tool) = &self.tool {
            match run_tool(tool, text) {
                Ok(()) => {
                    return Ok(Copied {
                        route: format!("시스템 클립보드({})", tool.name),
                        confirmed: true,
                        failed: None,
                    });
                }
                Err(why) => failed = Some(format!("{} 실패: {why}", tool.name)),
            }
        }
        // The terminal's clipboard, asked: no answer ever comes back.
        terminal.write_all(osc52(text, self.multiplexer).as_bytes())?;
        terminal.flush()?;
        if self.multiplexer == Multiplexer::Tmux
            && let Some(tmux) = find_program("tmux")
        {
            let tool = Tool {
                program: tmux,
                args: vec!["load-buffer".into(), "-".into()],
                name: "tmux".into(),
            };
            match run_tool(&tool, text) {
                Ok(()) => {
                    return Ok(Copied {
                        route: "tmux 버퍼(prefix ]로 붙여넣기)".into(),
                        confirmed: true,
                        failed,
                    });
                }
                Err(why) => failed = Some(format!("tmux 버퍼 실패: {why}")),
            }
        }
        Ok(Copied {
            route: "터미널(OSC 52)".into(),
            confirmed: false,
            failed,
        })
    }
}

/// The first `name` on `PATH` that is a file.
fn find_program(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

/// Runs `tool` with `text` on its standard input, within [`TOOL_LIMIT`]; why it failed.
fn run_tool(tool: &Tool, text: &str) -> Result<(), String> {
    let mut child = Command::new(&tool.program)
        .args(&tool.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|err| crate::text::io_reason(&err))?;
    // A tool that ends before it reads (it fails at once) closes the pipe under the write:
    // the child is still waited for, and its exit, the real cause, is what is said.
    let written = child
        .stdin
        .take()
        .map_or(Ok(()), |mut stdin| stdin.write_all(text.as_bytes()))
        .map_err(|err| crate::text::io_reason(&err));
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return written,
            Ok(Some(status)) => {
                return Err(status.code().map_or_else(
                    || "신호로 끝남".to_owned(),
                    |code| format!("종료 코드 {code}"),
                ));
            }
            Ok(None) if started.elapsed() < TOOL_LIMIT => {
                std::thread::sleep(Duration::from_millis(10));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!("{}초 안에 끝나지 않음", TOOL_LIMIT.as_secs()));
            }
            Err(err) => return Err(crate::text::io_reason(&err)),
        }
    }
}

/// The OSC 52 request for `text`, wrapped for the multiplexer: tmux passes a DCS
/// `tmux;` sequence (its escapes doubled) on to the terminal outside it; screen passes a DCS
/// in pieces of at most 768 bytes.
pub fn osc52(text: &str, multiplexer: Multiplexer) -> String {
    let request = format!("\x1b]52;c;{}\x07", encode(text.as_bytes()));
    match multiplexer {
        Multiplexer::None => request,
        Multiplexer::Tmux => format!("\x1bPtmux;{}\x1b\\", request.replace('\x1b', "\x1b\x1b")),
        Multiplexer::Screen => {
            let mut out = String::new();
            let bytes = request.as_bytes();
            for chunk in bytes.chunks(760) {
                // The request is ASCII (base64 and the escape): any split is on a character.
                out.push_str("\x1bP");
                out.push_str(&String::from_utf8_lossy(chunk));
                out.push_str("\x1b\\");
            }
            out
        }
    }
}

/// Standard base64 (RFC 4648, with padding), as OSC 52 takes it.
fn encode(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_the_standard_one() {
        for (text, expected) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
            ("가입", "6rCA7J6F"),
        ] {
            assert_eq!(encode(text.as_bytes()), expected, "{text}");
        }
    }

    #[test]
    fn osc52_is_wrapped_for_tmux_and_screen() {
        assert_eq!(osc52("foo", Multiplexer::None), "\x1b]52;c;Zm9v\x07");
        assert_eq!(
            osc52("foo", Multiplexer::Tmux),
            "\x1bPtmux;\x1b\x1b]52;c;Zm9v\x07\x1b\\"
        );
        let long = "가".repeat(1000);
        let screen = osc52(&long, Multiplexer::Screen);
        assert!(screen.starts_with("\x1bP\x1b]52;c;"));
        assert!(screen.matches("\x1bP").count() > 1);
        assert!(screen.split("\x1b\\").all(|piece| piece.len() <= 762));
    }

    #[cfg(unix)]
    #[test]
    fn a_tool_is_confirmed_by_its_exit_and_a_failing_one_falls_back_to_osc52() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let out = dir.path().join("clipboard.txt");
        // Run through `sh`, not executed: a script written and executed while other test
        // threads fork can fail with "text file busy".
        let script = |name: &str, body: &str| {
            let path = dir.path().join(name);
            std::fs::write(&path, format!("{body}\n")).expect("script");
            path
        };
        let good = Clipboard {
            tool: Some(Tool {
                program: "/bin/sh".into(),
                args: vec![
                    script("good", &format!("cat > '{}'", out.display()))
                        .display()
                        .to_string(),
                ],
                name: "good".into(),
            }),
            multiplexer: Multiplexer::None,
        };
        let mut terminal = Vec::new();
        let copied = good.copy("가입 안내", &mut terminal).expect("copy");
        assert!(copied.confirmed);
        assert_eq!(copied.route, "시스템 클립보드(good)");
        assert_eq!(std::fs::read_to_string(&out).expect("copied"), "가입 안내");
        assert!(terminal.is_empty(), "no OSC 52 once the tool took it");

        let bad = Clipboard {
            tool: Some(Tool {
                program: "/bin/sh".into(),
                args: vec![script("bad", "exit 3").display().to_string()],
                name: "bad".into(),
            }),
            multiplexer: Multiplexer::None,
        };
        let copied = bad.copy("가입 안내", &mut terminal).expect("copy");
        assert!(!copied.confirmed);
        assert_eq!(copied.route, "터미널(OSC 52)");
        assert_eq!(copied.failed.as_deref(), Some("bad 실패: 종료 코드 3"));
        assert!(String::from_utf8_lossy(&terminal).starts_with("\x1b]52;c;"));
    }
}
