//! The console's push to the team database, on a thread of its own: never on the key path.
//!
//! The thread sleeps until the console says events were written (or a retry is due), then
//! pushes what the local log holds that the team has not got, in batches. While the server
//! cannot be reached it tries again with a growing wait (1 s, 2 s, 4 s … at most a minute),
//! and tells the console how many events wait, so that the header can say
//! `팀 연결 끊김 · N건 대기`. Nothing is lost: the events are in the local log, and the
//! next push that gets through sends them all.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::time::Duration;

use super::{Link, TeamError, TeamUrl, push};
use crate::history::Log;

/// The first wait after a failed push; it doubles up to [`MAX_BACKOFF`].
pub const FIRST_BACKOFF: Duration = Duration::from_secs(1);
pub const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// How a push went, for the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushReport {
    /// Everything in the local log is in the team database.
    UpToDate,
    /// The team database cannot be reached (`message` says why, in Korean); `pending`
    /// events wait, and the push is tried again by itself.
    Down { message: String, pending: usize },
}

/// The console's side of the push thread.
pub struct Pusher {
    nudges: Option<Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Pusher {
    /// Starts pushing the log at `history` to `url`; `report` hears each change of state
    /// (from the push thread). A first push runs at once.
    pub fn start(
        history: PathBuf,
        url: TeamUrl,
        report: impl Fn(PushReport) + Send + 'static,
    ) -> std::io::Result<Self> {
        let (nudges, inbox) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("team-push".into())
            .spawn(move || {
                let mut link: Option<Link> = None;
                let mut log: Option<Log> = None;
                let mut backoff: Option<Duration> = None;
                let mut last: Option<PushReport> = None;
                // A first push at once: what earlier runs left waiting goes now.
                let mut due = true;
                loop {
                    if !due {
                        let waited = match backoff {
                            Some(wait) => inbox.recv_timeout(wait),
                            None => inbox.recv().map_err(|_| RecvTimeoutError::Disconnected),
                        };
                        match waited {
                            Ok(()) => {
                                inbox.try_iter().for_each(drop);
                                if backoff.is_some() {
                                    // Down: new events are counted, the server is left
                                    // alone until the wait is over.
                                    if let Some(PushReport::Down { message, .. }) = &last {
                                        let pending = waiting(&history, &mut log, &url);
                                        let now = PushReport::Down {
                                            message: message.clone(),
                                            pending,
                                        };
                                        if last.as_ref() != Some(&now) {
                                            report(now.clone());
                                            last = Some(now);
                                        }
                                    }
                                    continue;
                                }
                            }
                            Err(RecvTimeoutError::Timeout) => {}
                            Err(RecvTimeoutError::Disconnected) => return,
                        }
                    }
                    due = false;
                    let outcome = push_once(&history, &mut log, &url, &mut link);
                    let now = match outcome {
                        Ok(()) => {
                            backoff = None;
                            PushReport::UpToDate
                        }
                        Err(err) => {
                            backoff = Some(
                                backoff.map_or(FIRST_BACKOFF, |wait| (wait * 2).min(MAX_BACKOFF)),
                            );
                            PushReport::Down {
                                message: err.message().to_owned(),
                                pending: waiting(&history, &mut log, &url),
                            }
                        }
                    };
                    if last.as_ref() != Some(&now) {
                        report(now.clone());
                        last = Some(now);
                    }
                }
            })?;
        Ok(Self {
            nudges: Some(nudges),
            thread: Some(thread),
        })
    }

    /// Events were written to the local log: push them (returns at once).
    pub fn nudge(&self) {
        if let Some(nudges) = &self.nudges {
            let _ = nudges.send(());
        }
    }

    /// Stops the thread: at once when it is idle; one in the middle of a push is left to
    /// finish on its own (its events are in the local log whatever happens).
    pub fn stop(mut self) {
        self.nudges = None;
        if let Some(thread) = self.thread.take()
            && thread.is_finished()
        {
            let _ = thread.join();
        }
    }
}

fn open<'a>(history: &Path, log: &'a mut Option<Log>) -> Result<&'a mut Log, TeamError> {
    if log.is_none() {
        let (opened, _) = Log::open(history).map_err(|e| TeamError::Log(e.to_string()))?;
        *log = Some(opened);
    }
    log.as_mut()
        .ok_or_else(|| TeamError::Log("기록을 열 수 없습니다".into()))
}

fn push_once(
    history: &Path,
    log: &mut Option<Log>,
    url: &TeamUrl,
    link: &mut Option<Link>,
) -> Result<(), TeamError> {
    let opened = open(history, log)?;
    let result = push(opened, url, link).map(|_| ());
    if matches!(result, Err(TeamError::Log(_))) {
        // The log is opened again next time (it may have been replaced).
        *log = None;
    }
    result
}

fn waiting(history: &Path, log: &mut Option<Log>, url: &TeamUrl) -> usize {
    open(history, log)
        .and_then(|log| {
            log.unpushed_count(url.key())
                .map_err(|e| TeamError::Log(e.to_string()))
        })
        .unwrap_or(0)
}
