//! The console's one message channel. Everything that can change what the console shows
//! arrives as a [`Message`] in one [`Mailbox`]: keys, paste, mouse and resizes read by a
//! thread of their own, the hits of a search run off the UI thread, the rest of a help centre
//! loaded in the background, the log writer's reports, the signals that end the process, and
//! the deadlines the app sets itself (a toast fading, the call timer, the day changing).
//!
//! The loop blocks on the mailbox until the next message or the app's next deadline: an idle
//! console wakes up for nothing. Work that runs elsewhere gets a [`Poster`] (a clone of the
//! sending side) and reports back by posting; it never touches the app's state. To add a
//! source (a sync, a team link): a variant here saying what happened, a
//! thread or callback that posts it, and its arm in `App::update`. `docs/architecture.md`
//! lists the messages.

use std::collections::VecDeque;
use std::io;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use crossterm::event::Event;

use crate::history::writer::WriteReport;
use std::sync::Arc;

use crate::content::{GuideChange, Snapshot};
use crate::search::SearchResults;
use crate::search::index_cache::{LoadError, Loaded};

/// The hits of one query from the search worker (`searcher.rs`), numbered so that the
/// answer to a query typed over is known stale. Defined here, with the messages, so that the
/// worker depends on the loop and not the other way round.
#[derive(Debug)]
pub struct Answer {
    pub(super) generation: u64,
    pub(super) results: SearchResults,
}

/// The content folder read again after a change (by the watcher, `watch.rs`); defined
/// here with the messages, so that the watcher depends on the loop and not back.
#[derive(Debug)]
pub struct Reloaded {
    pub loaded: Loaded,
    /// What the agent reads of the content shown until now, and of the new content.
    pub before: Arc<Snapshot>,
    pub after: Arc<Snapshot>,
    /// The guides the new content changed (from `before` to `after`).
    pub changes: Vec<GuideChange>,
}

/// What changed since the agent last looked, found when the console started: the content
/// they had seen (in an earlier run), the content shown now, and the guides that differ.
#[derive(Debug)]
pub struct SinceLastRun {
    pub seen: Arc<Snapshot>,
    pub shown: Arc<Snapshot>,
    pub changes: Vec<GuideChange>,
}

/// Something that happened, for the app to take in.
#[derive(Debug)]
pub enum Message {
    /// A terminal event (key, paste, mouse, resize, focus), read on the input thread.
    Input(Event),
    /// The terminal can no longer be read (its window closed): the console ends.
    InputEnded(String),
    /// The hits of a query sent to the search worker (stale ones are dropped).
    Searched(Box<Answer>),
    /// The whole help centre, loaded while the console showed its first guide, or why it
    /// could not be.
    HelpCentre(Box<Result<Loaded, LoadError>>),
    /// The content folder changed and was read again (the content watcher): the new
    /// content with what it changed, or why it cannot be shown (the content shown stays).
    ContentReloaded(Box<Result<Reloaded, LoadError>>),
    /// What changed in the content folder since the agent last looked, in an earlier run
    /// (the content watcher, once when it starts).
    ContentSinceLastRun(Box<SinceLastRun>),
    /// How the log writer's last attempt went.
    Log(WriteReport),
    /// How the push to the team database went (only when it changed).
    Team(crate::team::pusher::PushReport),
    /// A signal that ends the process (SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1/2): the
    /// console leaves as `q` does, the log written first.
    Signal(i32),
    /// The app's next deadline has passed: a toast fades, the call timer or the date moves.
    Deadline,
}

/// The sending side of the mailbox, for threads and callbacks that report to the app.
#[derive(Debug, Clone)]
pub struct Poster(Sender<Message>);

impl Poster {
    /// Posts `message`; false when the app has gone (the sender may stop).
    pub fn post(&self, message: Message) -> bool {
        self.0.send(message).is_ok()
    }
}

/// The app's mailbox. It keeps a sender of its own, so the channel never closes under it.
#[derive(Debug)]
pub struct Mailbox {
    sender: Sender<Message>,
    receiver: Receiver<Message>,
    /// Messages that arrived while the app waited for one in particular: taken first, in
    /// the order they came.
    deferred: VecDeque<Message>,
}

impl Default for Mailbox {
    fn default() -> Self {
        let (sender, receiver) = mpsc::channel();
        Self {
            sender,
            receiver,
            deferred: VecDeque::new(),
        }
    }
}

impl Mailbox {
    pub fn poster(&self) -> Poster {
        Poster(self.sender.clone())
    }

    /// The next message, waiting for it until `deadline` (then [`Message::Deadline`]);
    /// without a deadline, as long as it takes.
    pub fn next(&mut self, deadline: Option<Instant>) -> Message {
        if let Some(message) = self.deferred.pop_front() {
            return message;
        }
        let received = match deadline {
            Some(deadline) => self
                .receiver
                .recv_timeout(deadline.saturating_duration_since(Instant::now())),
            None => self
                .receiver
                .recv()
                .map_err(|_| RecvTimeoutError::Disconnected),
        };
        // Disconnected cannot happen (the mailbox holds a sender): treat it as time up.
        received.unwrap_or(Message::Deadline)
    }

    /// A message already waiting, if any.
    pub fn try_next(&mut self) -> Option<Message> {
        self.deferred
            .pop_front()
            .or_else(|| self.receiver.try_recv().ok())
    }

    /// Waits for the first message `wanted` takes: it hands back the others, kept for later
    /// in order (or `None` for one that is of no use to anyone). `alive` is asked between
    /// waits: `None` once the one that would send it has gone.
    pub fn wait_for<T>(
        &mut self,
        mut wanted: impl FnMut(Message) -> Result<T, Option<Message>>,
        alive: impl Fn() -> bool,
    ) -> Option<T> {
        let mut skipped = VecDeque::new();
        let mut found = None;
        // The deferred ones first: one of them may be it.
        while let Some(message) = self.deferred.pop_front() {
            match wanted(message) {
                Ok(taken) if found.is_none() => found = Some(taken),
                Ok(_) | Err(None) => {}
                Err(Some(other)) => skipped.push_back(other),
            }
        }
        while found.is_none() {
            match self.receiver.recv_timeout(Duration::from_millis(50)) {
                Ok(message) => match wanted(message) {
                    Ok(taken) => found = Some(taken),
                    Err(None) => {}
                    Err(Some(other)) => skipped.push_back(other),
                },
                Err(_) if alive() => {}
                Err(_) => break,
            }
        }
        self.deferred = skipped;
        found
    }
}

/// Reads the terminal on a thread of its own and posts every event. When the terminal
/// cannot be read any more it posts [`Message::InputEnded`] and stops.
pub fn read_terminal(poster: Poster) -> io::Result<()> {
    std::thread::Builder::new()
        .name("terminal-input".into())
        .spawn(move || {
            loop {
                let message = match crossterm::event::read() {
                    Ok(event) => Message::Input(event),
                    Err(err) => {
                        poster.post(Message::InputEnded(err.to_string()));
                        return;
                    }
                };
                if !poster.post(message) {
                    return;
                }
            }
        })?;
    Ok(())
}

/// The signals that end the console. Each would otherwise end the process with the terminal
/// left raw and the log's queue unwritten.
pub const ENDING_SIGNALS: [i32; 6] = {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2};
    [SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGUSR1, SIGUSR2]
};

/// Turns the ending signals into messages. Should the loop not have ended `grace` after the
/// first (it writes the log's queue within a shorter bound), the process is ended from here
/// with the terminal given back: the loop is stuck, and a console must never outlive its
/// window. Signals after the first change nothing: the log is being written.
pub fn watch_signals(poster: Poster, grace: Duration) -> io::Result<()> {
    let mut signals = signal_hook::iterator::Signals::new(ENDING_SIGNALS)?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            let Some(signal) = signals.forever().next() else {
                return;
            };
            poster.post(Message::Signal(signal));
            std::thread::sleep(grace);
            super::restore_terminal();
            std::process::exit(128 + signal);
        })?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mailbox_gives_messages_in_order_and_times_out_at_the_deadline() {
        let mut mailbox = Mailbox::default();
        let poster = mailbox.poster();
        poster.post(Message::Signal(1));
        poster.post(Message::Signal(2));
        assert!(matches!(mailbox.next(None), Message::Signal(1)));
        assert!(matches!(mailbox.try_next(), Some(Message::Signal(2))));
        assert!(mailbox.try_next().is_none());
        let started = Instant::now();
        let deadline = started + Duration::from_millis(30);
        assert!(matches!(mailbox.next(Some(deadline)), Message::Deadline));
        assert!(started.elapsed() >= Duration::from_millis(30));
    }

    #[test]
    fn waiting_for_one_message_keeps_the_others_for_later_in_order() {
        let mut mailbox = Mailbox::default();
        let poster = mailbox.poster();
        poster.post(Message::Signal(1));
        poster.post(Message::Deadline);
        poster.post(Message::Signal(2));
        let found = mailbox.wait_for(
            |message| match message {
                Message::Deadline => Ok("deadline"),
                other => Err(Some(other)),
            },
            || true,
        );
        assert_eq!(found, Some("deadline"));
        assert!(matches!(mailbox.next(None), Message::Signal(1)));
        assert!(matches!(mailbox.next(None), Message::Signal(2)));
        // The sender gone: no wait forever.
        let found = mailbox.wait_for(|message| Err::<(), _>(Some(message)), || false);
        assert!(found.is_none());
    }
}
