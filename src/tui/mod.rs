//! The console: ratatui over crossterm. `App` holds the state, routes events to the panes
//! (`panes/`) and applies the commands they return; `ui` draws a frame from `&App`; `event`
//! is the one message channel; this file owns the terminal and the loop.
//!
//! The loop blocks on the app's mailbox until a message comes or the app's next deadline
//! passes, takes in every message waiting, and draws once if any changed the screen: an idle
//! console wakes up for nothing. The terminal is always given back as it was: on quit, on
//! SIGINT/SIGQUIT/SIGTERM/SIGHUP/SIGUSR1/SIGUSR2 (each a message; the log's queue is
//! written before the process ends, within [`FLUSH_LIMIT`]; what could not be is saved to
//! a recovery file beside the log, merged at the next start, and said on stderr with how
//! many), and on a panic (the hook restores first, then prints the message).

pub mod app;
pub mod background;
pub mod changes;
pub mod clipboard;
pub mod command;
pub mod event;
pub mod flag;
pub mod keymap;
pub mod line_editor;
pub mod panes;
pub mod report;
pub mod search_field;
pub mod searcher;
pub mod text;
pub mod theme;
pub mod ui;
pub mod watch;
pub mod widgets;

use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset};
use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::{cursor, execute, queue};
use ratatui::buffer::Buffer;

use crate::history::writer::Finished;
pub use crate::search::index_cache::{ConsoleStart, LoadRest, Loaded};
pub use app::{App, GUIDES_KEPT, HelpCentre};
use command::Effect;
use event::Message;

use crate::content::Content;

/// How long the log writer may take to write what is queued when the console ends.
pub const FLUSH_LIMIT: Duration = Duration::from_secs(5);

/// How long after an ending signal the process ends whatever the loop is doing: longer
/// than the log may take, so that only a stuck loop is cut short.
const SIGNAL_GRACE: Duration = Duration::from_secs(12);

/// Messages taken in before a frame is drawn, at most (a flood of mouse reports must not
/// hold the screen back).
const BATCH: usize = 256;

/// How the console ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The agent quit (or the terminal went away).
    Quit,
    /// A signal ended it: the process should exit with 128 + the signal.
    Signal(i32),
}

/// Gives the terminal back: mouse reporting and bracketed paste off, raw mode and the
/// alternate screen left, the cursor shown.
pub fn restore_terminal() {
    let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
    ratatui::restore();
}

/// The theme for `choice`: its palette, asked of the terminal for `auto` (before the
/// console takes the screen); no colour at all when `NO_COLOR` is set.
pub fn theme_for(choice: crate::config::ThemeChoice) -> theme::Theme {
    use crate::config::ThemeChoice;
    let color = theme::no_color_unset();
    let palette = match choice {
        ThemeChoice::Light => theme::Palette::Light,
        ThemeChoice::Auto if color => background::detect().unwrap_or_default(),
        ThemeChoice::Dark | ThemeChoice::Auto => theme::Palette::Dark,
    };
    theme::Theme::with_palette(color, palette)
}

/// Opens the console on `start`; a console opened on a content folder (`watched`) takes in
/// the folder's changes while it runs.
pub fn run(
    start: ConsoleStart,
    watched: Option<watch::WatchedFolder>,
    now: Option<DateTime<FixedOffset>>,
    history: Option<PathBuf>,
    retention_days: u32,
    team: Option<crate::team::TeamUrl>,
    theme: theme::Theme,
) -> io::Result<Ended> {
    // The retention limit applies at start, by the real clock (not --now); events a run
    // before could not write are merged in first.
    let (expired, recovered) =
        history
            .as_deref()
            .map_or((0, None), |path| match crate::history::Log::open(path) {
                Ok((mut log, _)) => {
                    let recovered = crate::history::recovery::merge(&mut log).transpose();
                    let expired = log
                        .apply_retention(retention_days, crate::clock::now_kst())
                        .unwrap_or(0);
                    (expired, recovered)
                }
                Err(_) => (0, None),
            });
    let ConsoleStart {
        content,
        index,
        rest,
        storing,
    } = start;
    let mut app = match index {
        Some(index) => App::with_index(content, index, now, history),
        None => App::new(content, now, history),
    };
    app.theme = theme;
    app.search_timing = app::SearchTiming::AfterFrame;
    if rest.is_some() {
        app.help_centre = HelpCentre::FirstGuideOnly;
    }
    let mut notices = Vec::new();
    match (recovered, app.history_path.as_deref()) {
        (Some(Ok(merged)), Some(path)) => notices.extend(merged.notice(path)),
        (Some(Err(why)), _) => notices.push(crate::history::recovery::not_merged(&why)),
        _ => {}
    }
    if expired > 0 {
        notices.push(format!(
            "보관 기간({retention_days}일)이 지난 기록 {expired}건을 지웠습니다"
        ));
    }
    if !notices.is_empty() {
        app.apply(command::Command::Toast(notices.join(" · ")));
    }
    if let Some(team) = team {
        app.connect_team(team);
    }
    if let Some(folder) = watched {
        app.watch_folder(folder);
    }
    event::watch_signals(app.poster(), SIGNAL_GRACE)?;

    // ratatui::init installs a hook that restores the terminal before a panic is printed;
    // ours also turns off mouse reporting and paste mode, which ratatui does not know about.
    let mut terminal = ratatui::init();
    let ratatui_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = execute!(io::stdout(), DisableMouseCapture, DisableBracketedPaste);
        ratatui_hook(info);
    }));
    execute!(io::stdout(), EnableMouseCapture, EnableBracketedPaste)?;
    event::read_terminal(app.poster())?;

    let result = run_loop(&mut app, &mut terminal, rest);
    restore_terminal();
    let pending = app.log_pending();
    if pending > 0 {
        say(&format!(
            "기록 {pending}건을 저장하는 중… (최대 {}초)",
            FLUSH_LIMIT.as_secs()
        ));
    }
    let history = app.history_path.clone();
    let finished = app.finish(FLUSH_LIMIT);
    if let Some(message) = keep_unwritten(history.as_deref(), &finished) {
        say(&message);
    }
    if let Some(storing) = storing {
        let _ = storing.join();
    }
    result.map(|()| app.ending.map_or(Ended::Quit, Ended::Signal))
}

/// A line on stderr that never fails the exit: after a hangup the terminal is gone, and a
/// write to it is an error (`eprintln!` would panic on it).
fn say(line: &str) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// Saves the events the log writer could not write to the recovery file beside the log
/// (merged at the next start), and says how many, where, and why; or, when even that file
/// cannot be written, how many are lost and why. `None` when nothing was left.
fn keep_unwritten(history: Option<&std::path::Path>, finished: &Finished) -> Option<String> {
    if finished.events.is_empty() && finished.unwritten == 0 {
        return None;
    }
    let count = finished.events.len().max(finished.unwritten);
    let why = finished
        .message
        .as_deref()
        .map(|why| format!(" ({why})"))
        .unwrap_or_default();
    let saved = history.map(|path| crate::history::recovery::save(path, &finished.events));
    Some(match saved {
        Some(Ok(recovery)) => format!(
            "support-console: 기록 {count}건을 기록 파일에 쓰지 못해{why} 복구 파일 {}에 남겼습니다 · 다음에 시작할 때 기록에 합칩니다",
            crate::text::path(&recovery)
        ),
        Some(Err(failed)) => format!(
            "support-console: 기록 {count}건을 저장하지 못했습니다{why} · 복구 파일도 쓸 수 없습니다: {failed}"
        ),
        None => format!("support-console: 기록 {count}건을 저장하지 못했습니다{why}"),
    })
}

/// Draws, then waits for messages and takes each batch in, drawing again only when one
/// changed the screen, until the app quits.
fn run_loop(
    app: &mut App,
    terminal: &mut ratatui::DefaultTerminal,
    mut rest: Option<LoadRest>,
) -> io::Result<()> {
    let clipboard = clipboard::Clipboard::detect();
    let mut links = KnownUrls::default();
    // What `links` were taken from: the content, and how many of its guides were read.
    let mut links_of = None;
    let mut changed = true;
    while !app.quit {
        if changed {
            let completed = terminal.draw(|frame| ui::draw(app, frame))?;
            // Other content, or a guide read since: its addresses become links too (the
            // count of reads, not of guides held: one may be let go as another is read).
            let now_of = Some((Arc::as_ptr(&app.content), app.content.guide_reads()));
            if now_of != links_of {
                links.refresh(&app.content);
                links_of = now_of;
            }
            write_hyperlinks(completed.buffer, &links.all, &app.theme.link_sgr())?;
        }
        let effects: Vec<Effect> = app.effects.drain(..).collect();
        if !effects.is_empty() {
            for effect in effects {
                match effect {
                    Effect::Copy(text) => {
                        let copied = clipboard.copy(&text, &mut io::stdout().lock())?;
                        app.copied(&copied);
                    }
                }
            }
            // The toast now says how the copy went: drawn before waiting again.
            changed = true;
            continue;
        }
        // The query typed in the batch just drawn is searched now that its key is on
        // screen; its hits are the next frame.
        if app.run_due_search() {
            changed = true;
            continue;
        }
        // The rest of the help centre loads once the first frame is up, so that the frame
        // does not wait for cores busy reading it.
        if let Some(load) = rest.take() {
            let poster = app.poster();
            std::thread::Builder::new()
                .name("help-centre".into())
                .spawn(move || {
                    crate::parallel::lower_thread_priority();
                    poster.post(Message::HelpCentre(Box::new(load())));
                })?;
        }
        let first = app.next_message();
        changed = app.update(first);
        for _ in 1..BATCH {
            let Some(message) = app.waiting_message() else {
                break;
            };
            changed |= app.update(message);
        }
    }
    Ok(())
}

/// Every address the guides read so far hold (only they are shown), so that only whole,
/// real addresses become links. Each guide's are worked out once, when it is read: a frame
/// that reads a guide (a hit's preview) must not scan every guide read before it (at a help
/// centre's size that held the next key's frame back by 25-30 ms).
#[derive(Default)]
struct KnownUrls {
    /// Each read guide (where it is held, and its id) with its addresses.
    of_guides: Vec<(usize, String, Vec<String>)>,
    /// Every address, each once.
    all: Vec<String>,
}

impl KnownUrls {
    /// Takes in the guides read now: those read since are scanned, those let go dropped.
    fn refresh(&mut self, content: &Content) {
        let mut kept = Vec::new();
        for guide in content.read_guides() {
            let at = std::ptr::from_ref(guide) as usize;
            let known = self
                .of_guides
                .iter()
                .position(|(held, id, _)| *held == at && *id == guide.id);
            let urls = match known {
                Some(index) => self.of_guides.swap_remove(index).2,
                None => guide_urls(guide),
            };
            kept.push((at, guide.id.clone(), urls));
        }
        self.of_guides = kept;
        let mut seen = std::collections::HashSet::new();
        self.all = self
            .of_guides
            .iter()
            .flat_map(|(_, _, urls)| urls)
            .filter(|url| seen.insert(url.as_str()))
            .cloned()
            .collect();
    }
}

/// The addresses one guide holds: its links and images, and those written in its texts.
fn guide_urls(guide: &crate::content::Guide) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    let mut add = |text: &str| {
        if !text.contains("http") {
            return;
        }
        for word in text.split(|c: char| c.is_whitespace() || c == '<' || c == '>' || c == '"') {
            if (word.starts_with("https://") || word.starts_with("http://"))
                && !urls.iter().any(|u| u == word)
            {
                urls.push(word.to_owned());
            }
        }
    };
    for link in &guide.links {
        if let Some(url) = &link.url {
            add(url);
        }
    }
    guide.images.iter().for_each(|u| add(u));
    guide.citable_items().for_each(|i| add(&i.text));
    guide.sms_templates.iter().for_each(|t| add(&t.text));
    urls
}

/// OSC 8: re-prints each address that is wholly visible on one row as a hyperlink, so the
/// agent can open it; addresses cut by wrapping stay plain text.
fn write_hyperlinks(buffer: &Buffer, urls: &[String], sgr: &str) -> io::Result<()> {
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
                write!(
                    out,
                    "\x1b[{sgr}m\x1b]8;;{url}\x1b\\{url}\x1b]8;;\x1b\\\x1b[0m"
                )?;
                wrote = true;
            }
        }
    }
    if wrote {
        out.flush()?;
    }
    Ok(())
}
