//! Writes the console's events to the log from a thread of its own, so that a database held
//! by another program never freezes the console: the event is kept and retried, and the
//! console hears how each attempt went.

use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use super::{Log, LogEvent};

/// How often events that could not be written are tried again.
const RETRY: Duration = Duration::from_secs(1);

/// How a write went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteReport {
    /// Everything sent so far is in the log.
    Written,
    /// The log could not be written; `pending` events wait for the next try.
    Failed { message: String, pending: usize },
}

/// The console's side of the writer thread.
pub struct LogWriter {
    events: Option<Sender<LogEvent>>,
    reports: Receiver<WriteReport>,
    done: Receiver<()>,
}

impl LogWriter {
    /// Starts the writer for the log at `path` (opened on the thread, at the first event).
    pub fn start(path: PathBuf) -> std::io::Result<Self> {
        let (events, inbox) = mpsc::channel::<LogEvent>();
        let (report, reports) = mpsc::channel();
        let (finished, done) = mpsc::channel();
        std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || {
                let mut log: Option<Log> = None;
                let mut pending: Vec<LogEvent> = Vec::new();
                loop {
                    let closed = match inbox.recv_timeout(RETRY) {
                        Ok(event) => {
                            pending.push(event);
                            pending.extend(inbox.try_iter());
                            false
                        }
                        Err(RecvTimeoutError::Timeout) => false,
                        Err(RecvTimeoutError::Disconnected) => true,
                    };
                    if !pending.is_empty() {
                        let outcome = flush(&path, &mut log, &mut pending);
                        let _ = report.send(outcome);
                    }
                    if closed {
                        break;
                    }
                }
                let _ = finished.send(());
            })?;
        Ok(Self {
            events: Some(events),
            reports,
            done,
        })
    }

    /// Hands an event to the writer; returns at once.
    pub fn write(&self, event: LogEvent) {
        if let Some(events) = &self.events {
            let _ = events.send(event);
        }
    }

    /// The reports that arrived since the last call.
    pub fn reports(&self) -> Vec<WriteReport> {
        self.reports.try_iter().collect()
    }

    /// Lets the writer finish what it holds, waiting at most `limit`.
    pub fn finish(mut self, limit: Duration) {
        self.events = None;
        let _ = self.done.recv_timeout(limit);
    }
}

fn flush(
    path: &std::path::Path,
    log: &mut Option<Log>,
    pending: &mut Vec<LogEvent>,
) -> WriteReport {
    if log.is_none() {
        match Log::open(path) {
            Ok((opened, _)) => *log = Some(opened),
            Err(err) => {
                return WriteReport::Failed {
                    message: err.message,
                    pending: pending.len(),
                };
            }
        }
    }
    let Some(open) = log.as_mut() else {
        return WriteReport::Failed {
            message: "기록을 열 수 없습니다".into(),
            pending: pending.len(),
        };
    };
    while let Some(event) = pending.first() {
        if let Err(err) = open.append(event) {
            return WriteReport::Failed {
                message: err.message,
                pending: pending.len(),
            };
        }
        pending.remove(0);
    }
    WriteReport::Written
}
