//! Writes the console's events to the log from a thread of its own, so that a database held
//! by another program (or a disk that refuses) never freezes the console.
//!
//! Events wait in a bounded queue ([`QUEUE_LIMIT`]); the writer takes them in order and
//! keeps the one it could not write at the head, trying it again every [`RETRY`]. While
//! nothing is queued the thread sleeps on a condition variable: it never wakes up to look.
//! Each attempt that changes what the console should say (written, or failed and why) is
//! reported through the callback given at start, which the console turns into a message on
//! its loop. A full queue refuses the next event instead of growing without end
//! (back-pressure): the caller says so rather than losing it unseen.
//!
//! [`LogWriter::finish`] writes what is still queued before the process ends, within a bound,
//! and hands back the events it could not write (for the recovery file beside the log,
//! [`super::recovery`]).

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::recovery::Unwritten;
use super::{BUSY_WAIT, Log, LogError, LogEvent};

/// How often events that could not be written are tried again.
pub const RETRY: Duration = Duration::from_secs(1);

/// Events that may wait for the log at once. A console records a few events a call: a
/// thousand waiting means the log has refused writes for days of calls, and the agent must
/// hear of it rather than the queue grow.
pub const QUEUE_LIMIT: usize = 1_000;

/// How a write went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WriteReport {
    /// Everything handed over so far is in the log.
    Written,
    /// The log could not be written (`message` says why, in Korean); `pending` events wait
    /// for the next try.
    Failed { message: String, pending: usize },
}

/// The queue was full: the event was not taken (it is handed back).
#[derive(Debug)]
pub struct QueueFull {
    pub event: Box<LogEvent>,
    pub limit: usize,
}

/// What was left when the writer finished.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Finished {
    /// Events still queued: not in the log.
    pub unwritten: usize,
    /// Those events, in order, each with the uid it is written under (the one a stuck write
    /// held included: it may land after all, and merging a recovery file adds no uid twice).
    pub events: Vec<Unwritten>,
    /// Why the last attempt failed, if one did.
    pub message: Option<String>,
}

/// Where events go: the SQLite log, or (in tests) a stand-in that refuses on demand.
pub trait Sink: Send + 'static {
    /// Writes one event whole under `uid` (once, however often it is tried), or says why
    /// it could not (in Korean).
    fn append(&mut self, event: &LogEvent, uid: &str) -> Result<(), String>;
}

/// The log at a path, opened at the first event (a log that cannot be opened yet is tried
/// again like a write that failed).
struct LogAt {
    path: PathBuf,
    log: Option<Log>,
}

impl Sink for LogAt {
    fn append(&mut self, event: &LogEvent, uid: &str) -> Result<(), String> {
        if self.log.is_none() {
            let (log, _) = Log::open(&self.path).map_err(|err: LogError| err.message)?;
            self.log = Some(log);
        }
        self.log.as_mut().map_or(Ok(()), |log| {
            log.append_as(event, uid).map_err(|err| err.message)
        })
    }
}

struct Queue {
    events: VecDeque<Unwritten>,
    /// The head, out being written (a copy: a write that hangs past the end of the process
    /// must not take it along unsaved).
    writing: Option<Unwritten>,
    /// Set by `finish`: write what is left until then, and stop.
    closing: Option<Instant>,
}

struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        // A writer that panicked left the queue as it was: still the events to write.
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The console's side of the writer thread.
pub struct LogWriter {
    shared: Arc<Shared>,
    done: mpsc::Receiver<Finished>,
}

impl LogWriter {
    /// Starts the writer for the log at `path`; `report` hears how writes go (from the
    /// writer's thread).
    pub fn start(
        path: PathBuf,
        report: impl Fn(WriteReport) + Send + 'static,
    ) -> std::io::Result<Self> {
        Self::with_sink(LogAt { path, log: None }, report)
    }

    /// Starts a writer into any sink.
    pub fn with_sink(
        sink: impl Sink,
        report: impl Fn(WriteReport) + Send + 'static,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                events: VecDeque::new(),
                writing: None,
                closing: None,
            }),
            wake: Condvar::new(),
        });
        let (finished, done) = mpsc::channel();
        let writer = Arc::clone(&shared);
        std::thread::Builder::new()
            .name("log-writer".into())
            .spawn(move || {
                let left = write_until_closed(&writer, sink, &report);
                let _ = finished.send(left);
            })?;
        Ok(Self { shared, done })
    }

    /// Hands an event to the writer; returns at once. A full queue hands it back.
    pub fn write(&self, event: LogEvent) -> Result<(), QueueFull> {
        let mut queue = self.shared.lock();
        if queue.events.len() >= QUEUE_LIMIT {
            return Err(QueueFull {
                event: Box::new(event),
                limit: QUEUE_LIMIT,
            });
        }
        queue.events.push_back(Unwritten {
            uid: super::new_uid(),
            event,
        });
        drop(queue);
        self.shared.wake.notify_one();
        Ok(())
    }

    /// Events not yet in the log (the one being written included).
    pub fn pending(&self) -> usize {
        let queue = self.shared.lock();
        queue.events.len() + usize::from(queue.writing.is_some())
    }

    /// Writes what is queued, trying for at most `limit` (a write already under way may
    /// take the log's busy wait longer), and says what could not be written.
    pub fn finish(self, limit: Duration) -> Finished {
        self.shared.lock().closing = Some(Instant::now() + limit);
        self.shared.wake.notify_one();
        let waited = self
            .done
            .recv_timeout(limit + BUSY_WAIT + Duration::from_secs(1));
        if let Ok(finished) = waited {
            return finished;
        }
        // The writer is stuck in a write: what is queued is not in the log. Taken out of
        // the queue, so that a write that comes unstuck takes nothing more.
        let mut queue = self.shared.lock();
        let events: Vec<Unwritten> = queue
            .writing
            .clone()
            .into_iter()
            .chain(queue.events.drain(..))
            .collect();
        Finished {
            unwritten: events.len(),
            events,
            message: Some("기록 쓰기가 끝나지 않았습니다".into()),
        }
    }
}

/// The writer thread: waits for events, writes them in order, retries the head while the
/// log refuses, and after `finish` stops once the queue is empty or its time is up.
fn write_until_closed(
    shared: &Shared,
    mut sink: impl Sink,
    report: &impl Fn(WriteReport),
) -> Finished {
    loop {
        let mut queue = shared.lock();
        // Asleep while there is nothing to do: woken by an event or by `finish`.
        while queue.events.is_empty() && queue.closing.is_none() {
            queue = shared
                .wake
                .wait(queue)
                .unwrap_or_else(std::sync::PoisonError::into_inner);
        }
        let closing = queue.closing;
        let Some(event) = queue.events.pop_front() else {
            // Closing with nothing left.
            return Finished::default();
        };
        queue.writing = Some(event.clone());
        drop(queue);
        let written = sink.append(&event.event, &event.uid);
        let mut queue = shared.lock();
        queue.writing = None;
        match written {
            Ok(()) => {
                // One report per batch written: everything handed over is in the log.
                if queue.events.is_empty() {
                    drop(queue);
                    report(WriteReport::Written);
                }
            }
            Err(message) => {
                queue.events.push_front(event);
                let pending = queue.events.len();
                report(WriteReport::Failed {
                    message: message.clone(),
                    pending,
                });
                let wait = match closing {
                    Some(deadline) => {
                        let now = Instant::now();
                        if now >= deadline {
                            let events: Vec<Unwritten> = queue.events.drain(..).collect();
                            return Finished {
                                unwritten: events.len(),
                                events,
                                message: Some(message),
                            };
                        }
                        RETRY.min(deadline - now)
                    }
                    None => RETRY,
                };
                // Woken early only by `finish`, which wants the next try at once.
                let closing_before = queue.closing;
                let (queue, _) = shared
                    .wake
                    .wait_timeout_while(queue, wait, |q| q.closing == closing_before)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                drop(queue);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::EventKind;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn event(text: &str) -> LogEvent {
        LogEvent {
            text: text.into(),
            ..LogEvent::new(EventKind::Sent, crate::clock::now_kst(), "v")
        }
    }

    /// Refuses the first `refusals` writes as a full disk does, then keeps what it is given.
    struct Disk {
        refusals: Arc<AtomicUsize>,
        kept: Arc<Mutex<Vec<String>>>,
    }

    impl Sink for Disk {
        fn append(&mut self, event: &LogEvent, _uid: &str) -> Result<(), String> {
            if self
                .refusals
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
                .is_ok()
            {
                return Err("디스크가 가득 찼습니다".into());
            }
            self.kept.lock().unwrap().push(event.text.clone());
            Ok(())
        }
    }

    fn disk(refusals: usize) -> (Disk, Arc<AtomicUsize>, Arc<Mutex<Vec<String>>>) {
        let refusals = Arc::new(AtomicUsize::new(refusals));
        let kept = Arc::new(Mutex::new(Vec::new()));
        let disk = Disk {
            refusals: Arc::clone(&refusals),
            kept: Arc::clone(&kept),
        };
        (disk, refusals, kept)
    }

    #[test]
    fn a_refusing_disk_is_reported_and_every_event_written_in_order_once_it_takes_them() {
        let (disk, _, kept) = disk(2);
        let (sender, reports) = mpsc::channel();
        let writer = LogWriter::with_sink(disk, move |r| {
            let _ = sender.send(r);
        })
        .unwrap();
        for text in ["하나", "둘", "셋"] {
            writer.write(event(text)).unwrap();
        }
        // The first try may come before the last two are queued; the second, a second
        // later, is refused with all three waiting; the one after writes them all.
        let mut seen = Vec::new();
        while seen.last() != Some(&WriteReport::Written) {
            seen.push(reports.recv_timeout(Duration::from_secs(5)).unwrap());
        }
        let refused = WriteReport::Failed {
            message: "디스크가 가득 찼습니다".into(),
            pending: 3,
        };
        assert_eq!(seen.len(), 3, "{seen:?}");
        assert_eq!(seen[1], refused);
        assert!(
            matches!(&seen[0], WriteReport::Failed { message, .. } if message == "디스크가 가득 찼습니다")
        );
        assert_eq!(*kept.lock().unwrap(), ["하나", "둘", "셋"]);
        assert_eq!(writer.finish(Duration::from_secs(1)), Finished::default());
    }

    #[test]
    fn a_full_queue_hands_the_event_back() {
        let (disk, refusals, kept) = disk(usize::MAX);
        let writer = LogWriter::with_sink(disk, |_| {}).unwrap();
        for n in 0..QUEUE_LIMIT {
            writer.write(event(&n.to_string())).unwrap();
        }
        let refused = writer.write(event("넘침")).unwrap_err();
        assert_eq!(refused.event.text, "넘침");
        assert_eq!(refused.limit, QUEUE_LIMIT);
        // The disk comes back: everything queued is written by `finish`, in order.
        refusals.store(0, Ordering::SeqCst);
        assert_eq!(writer.finish(Duration::from_secs(5)), Finished::default());
        let kept = kept.lock().unwrap();
        assert_eq!(kept.len(), QUEUE_LIMIT);
        assert_eq!(kept[0], "0");
        assert_eq!(kept[QUEUE_LIMIT - 1], (QUEUE_LIMIT - 1).to_string());
    }

    #[test]
    fn finishing_on_a_disk_that_keeps_refusing_says_what_was_not_written_in_bounded_time() {
        let (disk, _, kept) = disk(usize::MAX);
        let writer = LogWriter::with_sink(disk, |_| {}).unwrap();
        writer.write(event("하나")).unwrap();
        writer.write(event("둘")).unwrap();
        let started = Instant::now();
        let finished = writer.finish(Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(finished.unwritten, 2);
        let texts: Vec<&str> = finished
            .events
            .iter()
            .map(|e| e.event.text.as_str())
            .collect();
        assert_eq!(
            texts,
            ["하나", "둘"],
            "handed back, in order, for the recovery file"
        );
        assert_eq!(finished.message.as_deref(), Some("디스크가 가득 찼습니다"));
        assert!(kept.lock().unwrap().is_empty());
    }

    #[test]
    fn finishing_writes_at_once_what_waits_for_a_retry() {
        // One refusal: the writer would wait a second before the next try; `finish` wakes
        // it, and the event is written well within the bound.
        let (disk, _, kept) = disk(1);
        let writer = LogWriter::with_sink(disk, |_| {}).unwrap();
        writer.write(event("하나")).unwrap();
        std::thread::sleep(Duration::from_millis(100));
        let started = Instant::now();
        assert_eq!(writer.finish(Duration::from_secs(5)), Finished::default());
        assert!(started.elapsed() < RETRY, "{:?}", started.elapsed());
        assert_eq!(*kept.lock().unwrap(), ["하나"]);
    }
}
