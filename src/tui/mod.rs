//! The console: ratatui over crossterm. `App` holds the state, routes events to the panes
//! (`panes/`) and applies the commands they return; `ui` draws a frame from `&App`; this file
//! owns the terminal and the event loop.
//!
//! The terminal is always given back as it was: on quit, on SIGINT/SIGQUIT/SIGTERM/SIGHUP/SIGUSR1/SIGUSR2, and on a panic
//! (the hook restores first, then prints the message). When the terminal itself goes away
//! (its window closed), the process ends rather than spin.

pub mod app;
pub mod command;
pub mod keymap;
pub mod line_editor;
pub mod panes;
pub mod report;
pub mod search_field;
pub mod searcher;
pub mod text;
pub mod theme;
pub mod ui;
pub mod widgets;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::time::Duration;

use base64::Engine as _;
use chrono::{DateTime, FixedOffset};
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::{cursor, execute, queue};
use ratatui::buffer::Buffer;

pub use app::{App, GUIDES_KEPT, HelpCentre, Loaded};
use command::Effect;

use crate::content::Content;
use crate::search::SearchIndex;

/// How long the loop waits for input before a tick (toasts fade, the clock moves).
const TICK: Duration = Duration::from_millis(500);

/// What the console opens on: content and its index, and, when that is only the first
/// guide, the rest of the help centre arriving from a loading thread.
pub struct Start {
    /// Shared with the thread that stores a newly built index (and takes the content's
    /// catalog with it).
    pub content: Arc<Content>,
    /// The index of `content` (built here when `None`).
    pub index: Option<Arc<SearchIndex>>,
    /// Loads the rest; run on its own thread once the first frame is drawn, so that the
    /// frame does not wait for cores busy reading the help centre.
    pub rest: Option<LoadRest>,
}

/// Work that loads the whole help centre (or says why it could not).
pub type LoadRest = Box<dyn FnOnce() -> Result<Loaded, String> + Send>;

/// How often the loop looks for the hits of a search running on its own thread.
const SEARCH_TICK: Duration = Duration::from_millis(10);

/// How often the loop looks for the rest of the help centre while it loads.
const LOADING_TICK: Duration = Duration::from_millis(50);

pub fn run(
    start: Start,
    now: Option<DateTime<FixedOffset>>,
    history: Option<PathBuf>,
    retention_days: u32,
) -> io::Result<()> {
    // The retention limit applies at start, by the real clock (not --now).
    let expired = history.as_deref().map_or(0, |path| {
        crate::history::Log::open(path)
            .and_then(|(mut log, _)| log.apply_retention(retention_days, crate::clock::now_kst()))
            .unwrap_or(0)
    });
    let Start {
        content,
        index,
        rest: mut load_rest,
    } = start;
    let mut rest: Option<Receiver<Result<Loaded, String>>> = None;
    let mut app = match index {
        Some(index) => App::with_index(content, index, now, history),
        None => App::new(content, now, history),
    };
    if load_rest.is_some() {
        app.help_centre = HelpCentre::FirstGuideOnly;
    }
    if expired > 0 {
        app.apply(command::Command::Toast(format!(
            "보관 기간({retention_days}일)이 지난 기록 {expired}건을 지웠습니다"
        )));
    }
    let mut links = Vec::new();
    // What `links` were taken from: the content, and how many of its guides were read.
    let mut links_of = None;

    let stop = Arc::new(AtomicBool::new(false));
    watch_signals(Arc::clone(&stop))?;

    // ratatui::init installs a hook that restores the terminal before a panic is printed;
    // ours also turns off mouse reporting and paste mode, which ratatui does not know about.
    let mut terminal = ratatui::init();
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
        ratatui_hook(info);
    }));
    execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;

    let result = (|| -> io::Result<()> {
        while !app.quit && !stop.load(Ordering::Relaxed) {
            let completed = terminal.draw(|frame| ui::draw(&mut app, frame))?;
            // Other content, or a guide read since: its addresses become links too (the
            // count of reads, not of guides held: one may be let go as another is read).
            let now_of = Some((Arc::as_ptr(&app.content), app.content.guide_reads()));
            if now_of != links_of {
                links = known_urls(&app.content);
                links_of = now_of;
            }
            write_hyperlinks(completed.buffer, &links, app.theme.color())?;
            for effect in app.effects.drain(..) {
                match effect {
                    Effect::Copy(text) => write_clipboard(&text)?,
                }
            }
            if let Some(load) = load_rest.take() {
                let (sender, receiver) = std::sync::mpsc::channel();
                std::thread::spawn(move || {
                    let _ = sender.send(load());
                });
                rest = Some(receiver);
            }
            if let Some(receiver) = &rest {
                match receiver.try_recv() {
                    Ok(Ok(loaded)) => {
                        app.apply_loaded(loaded);
                        rest = None;
                    }
                    Ok(Err(message)) => {
                        app.loading_failed(&message);
                        rest = None;
                    }
                    Err(TryRecvError::Empty) => {}
                    Err(TryRecvError::Disconnected) => {
                        app.loading_failed("불러오는 작업이 중단되었습니다");
                        rest = None;
                    }
                }
            }
            let wait = if app.search_pending() {
                SEARCH_TICK
            } else if rest.is_some() {
                LOADING_TICK
            } else {
                TICK
            };
            if event::poll(wait)? {
                let event = event::read()?;
                app.handle_event(&event);
            } else if rest.is_none() && !app.search_pending() {
                app.tick();
            }
            app.poll_search();
        }
        Ok(())
    })();

    let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
    app.finish();
    result
}

/// How long the loop has to notice a signal before the process ends without it.
const SIGNAL_GRACE: Duration = Duration::from_secs(1);

/// On SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGUSR1 or SIGUSR2 (all of which would otherwise end
/// the process with the terminal left raw), asks the loop to stop (it restores the terminal and returns). If it
/// has not within [`SIGNAL_GRACE`], ends the process from here: once the terminal is gone,
/// crossterm's `event::poll` never returns (crossterm issue #793: it re-reads a dead tty
/// forever), and the console would be left spinning a core after its window was closed.
/// Nothing is lost by ending then: SMS history is written through at the time of each send.
fn watch_signals(stop: Arc<AtomicBool>) -> io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    let mut signals =
        signal_hook::iterator::Signals::new([SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGUSR1, SIGUSR2])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                stop.store(true, Ordering::Relaxed);
                std::thread::sleep(SIGNAL_GRACE);
                // Still here: the loop is stuck on a dead terminal. Give back what can be.
                let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
                ratatui::restore();
                std::process::exit(128 + signal);
            }
        })?;
    Ok(())
}

/// OSC 52: the terminal puts the text on the system clipboard (works over SSH too).
fn write_clipboard(text: &str) -> io::Result<()> {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let mut out = io::stdout().lock();
    write!(out, "\x1b]52;c;{encoded}\x07")?;
    out.flush()
}

/// Every address the guides read so far hold (only they are shown), so that only whole,
/// real addresses become links.
fn known_urls(content: &Content) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    let mut add = |text: &str| {
        for word in text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"') {
            if (word.starts_with("https://") || word.starts_with("http://"))
                && !urls.iter().any(|u| u == word)
            {
                urls.push(word.to_owned());
            }
        }
    };
    for guide in content.read_guides() {
        for link in &guide.links {
            if let Some(url) = &link.url {
                add(url);
            }
        }
        guide.images.iter().for_each(|u| add(u));
        guide.citable_items().for_each(|i| add(&i.text));
        guide.sms_templates.iter().for_each(|t| add(&t.text));
    }
    urls
}

/// OSC 8: re-prints each address that is wholly visible on one row as a hyperlink, so the
/// agent can open it; addresses cut by wrapping stay plain text.
fn write_hyperlinks(buffer: &Buffer, urls: &[String], color: bool) -> io::Result<()> {
    if urls.is_empty() {
        return Ok(());
    }
    let mut out = io::stdout().lock();
    let area = buffer.area;
    let mut wrote = false;
    for y in area.top()..area.bottom() {
        // The row's text, and the byte offset at which each cell's symbol starts.
        let mut row = String::new();
        let mut starts = Vec::with_capacity(usize::from(area.width));
        for x in area.left()..area.right() {
            starts.push(row.len());
            row.push_str(buffer.cell((x, y)).map_or(" ", |c| c.symbol()));
        }
        if !row.contains("http") {
            continue;
        }
        for url in urls {
            let mut from = 0;
            while let Some(found) = row[from..].find(url.as_str()) {
                let start = from + found;
                from = start + url.len();
                let Some(column) = starts.iter().position(|&s| s == start) else {
                    continue;
                };
                let x = area.left() + u16::try_from(column).unwrap_or(u16::MAX);
                queue!(out, cursor::MoveTo(x, y))?;
                let style = if color { "\x1b[4;34m" } else { "\x1b[4m" };
                write!(out, "{style}\x1b]8;;{url}\x1b\\{url}\x1b]8;;\x1b\\\x1b[0m")?;
                wrote = true;
            }
        }
    }
    if wrote {
        out.flush()?;
    }
    Ok(())
}
