//! Key to frame in a real terminal: the release binary in a pseudo terminal (120x40) over the
//! help centre of 100k Q&A entries (`support/corpus.rs`, its index stored by a first start),
//! each agent query typed one key at a time and then two Backspaces, as an agent types them.
//!
//! For every key: the time from writing its bytes to the terminal until the frame that shows
//! it has arrived (the search line holds what was typed; "echo"), and until the frame that
//! shows its hits (the count of the query typed, no longer "찾는 중"; "hits"). The console's
//! output is read as a terminal reads it, polling the pseudo terminal on the measuring
//! thread, each chunk stamped when read; a frame
//! "has arrived" at the last chunk before the output falls silent (2 ms), so a frame split
//! over several reads counts whole. Then the idle console's CPU and wake-ups over 30 s, read
//! from `/proc`: fresh (no call), and in a call (the header's call timer moves every second).
//!
//! `KEY_TO_FRAME_ENTRIES` sets the corpus size (default 100000). Results go to stdout; the
//! criterion measurement is one query typed key by key, to follow changes over time.

#![allow(clippy::cast_precision_loss)] // milliseconds, printed for people

#[path = "support/corpus.rs"]
mod corpus;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};

const COLS: u16 = 120;
const ROWS: u16 = 40;
/// The output is a whole frame once it has been silent this long.
const SILENCE: Duration = Duration::from_millis(2);

struct Console {
    writer: Box<dyn Write + Send>,
    /// The pseudo terminal's side the console writes to, read here.
    output: std::os::fd::RawFd,
    parser: vt100::Parser,
    /// A chunk read after a frame had ended: the start of the next one.
    held: Option<(Instant, Vec<u8>)>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Console {
    fn start(content: &Path, cache: &Path) -> Self {
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: ROWS,
                cols: COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("a pty");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_support-console"));
        command.arg("--content");
        command.arg(content);
        command.args([
            "--now",
            "2024-12-05T10:00:00+09:00",
            "--history",
            "/dev/null/none",
        ]);
        command.env("XDG_CACHE_HOME", cache);
        command.env("TERM", "xterm-256color");
        command.env("NO_COLOR", "1");
        let child = pty.slave.spawn_command(command).expect("spawn");
        drop(pty.slave);
        let writer = pty.master.take_writer().expect("writer");
        // Read on this thread, as a terminal does: a reader thread of its own was woken
        // late on two busy cores and stamped whole frames tens of milliseconds late.
        let output = pty
            .master
            .as_raw_fd()
            .expect("the pseudo terminal's descriptor");
        Self {
            writer,
            output,
            parser: vt100::Parser::new(ROWS, COLS, 0),
            held: None,
            child,
            _master: pty.master,
        }
    }

    fn send(&mut self, bytes: &[u8]) -> Instant {
        let sent = Instant::now();
        self.writer.write_all(bytes).expect("write");
        self.writer.flush().expect("flush");
        sent
    }

    /// The next chunk of output and when it was read, waiting at most `wait` for it.
    fn read_chunk(&self, wait: Duration) -> Option<(Instant, Vec<u8>)> {
        let mut poll = libc::pollfd {
            fd: self.output,
            events: libc::POLLIN,
            revents: 0,
        };
        let timeout = libc::c_int::try_from(wait.as_millis().max(1)).unwrap_or(libc::c_int::MAX);
        // SAFETY: one pollfd, owned here, for the pseudo terminal kept open by `_master`.
        if unsafe { libc::poll(&raw mut poll, 1, timeout) } <= 0 {
            return None;
        }
        let at = Instant::now();
        let mut buffer = vec![0u8; 1 << 16];
        // SAFETY: the buffer is ours and as long as the length given.
        let n = unsafe { libc::read(self.output, buffer.as_mut_ptr().cast(), buffer.len()) };
        let n = usize::try_from(n).ok().filter(|&n| n > 0)?;
        buffer.truncate(n);
        Some((at, buffer))
    }

    /// Reads until `done` holds for the screen, then on until the output falls silent; the
    /// time the last chunk of that frame was read.
    fn frame_where(&mut self, done: impl Fn(&vt100::Screen) -> bool) -> Instant {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut last = None;
        loop {
            let wait = if last.is_some() {
                SILENCE
            } else {
                deadline.saturating_duration_since(Instant::now())
            };
            let next = match self.held.take() {
                Some(held) => Some(held),
                None => self.read_chunk(wait),
            };
            match next {
                Some((at, bytes)) => {
                    // Silence is judged by when chunks were read, not by when this thread
                    // got to them: a chunk read after a gap is the next frame, even when it
                    // was already waiting (this thread may be late on a busy machine).
                    if let Some(end) = last
                        && at.duration_since(end) > SILENCE
                    {
                        self.held = Some((at, bytes));
                        return end;
                    }
                    self.parser.process(&bytes);
                    if last.is_some() || done(self.parser.screen()) {
                        last = Some(at);
                    }
                }
                None if last.is_some() => {
                    return last.unwrap_or(deadline);
                }
                None => panic!(
                    "no such frame; screen:\n{}",
                    self.parser.screen().contents()
                ),
            }
        }
    }

    /// The search line (the third row).
    fn search_line(screen: &vt100::Screen) -> String {
        screen
            .contents()
            .lines()
            .nth(2)
            .unwrap_or_default()
            .to_owned()
    }

    fn pid(&self) -> u32 {
        self.child.process_id().expect("pid")
    }
}

/// The query as typed, key by key: every prefix, then two Backspaces (the key, and the text
/// the search line then holds).
fn keys(query: &str) -> Vec<(Vec<u8>, String)> {
    let chars: Vec<char> = query.chars().collect();
    let mut steps: Vec<(Vec<u8>, String)> = chars
        .iter()
        .enumerate()
        .map(|(n, c)| (c.to_string().into_bytes(), chars[..=n].iter().collect()))
        .collect();
    for cut in 1..=2.min(chars.len().saturating_sub(1)) {
        steps.push((vec![0x7f], chars[..chars.len() - cut].iter().collect()));
    }
    steps
}

/// Each key's (echo, hits) times, in milliseconds.
fn type_query(console: &mut Console, query: &str) -> Vec<(String, f64, f64)> {
    console.send(b"/");
    console.frame_where(|s| {
        Console::search_line(s).starts_with(" / 검색: ") && s.cursor_position().0 == 2
    });
    let mut times = Vec::new();
    for (key, typed) in keys(query) {
        let shown = format!(" / 검색: {typed}  ");
        let sent = console.send(&key);
        let echo = console.frame_where(|s| Console::search_line(s).starts_with(&shown));
        let hits = if Console::search_line(console.parser.screen()).contains("찾는 중") {
            console.frame_where(|s| {
                let line = Console::search_line(s);
                line.starts_with(&shown) && !line.contains("찾는 중")
            })
        } else {
            echo
        };
        let ms = |at: Instant| at.duration_since(sent).as_secs_f64() * 1000.0;
        times.push((typed, ms(echo), ms(hits)));
    }
    // Clear the field and leave it.
    console.send(b"\x1b");
    console.send(b"\x1b");
    console.frame_where(|s| Console::search_line(s).contains("질문·스크립트·규정·SMS"));
    times
}

/// The content folder of `entries` entries (written once under target/bench-data, as the
/// help-centre bench does) and a cache folder beside it.
fn corpus(entries: usize) -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let dir = root.join(format!("corpus-{entries}"));
    let done = root.join(format!("corpus-{entries}.done"));
    if !done.exists() {
        let _ = std::fs::remove_dir_all(&dir);
        let bytes = corpus::write_corpus(&dir, entries, None).expect("corpus");
        std::fs::write(&done, bytes.to_string()).expect("done mark");
    }
    (dir, root.join(format!("cache-{entries}")))
}

/// Opens the console and waits until the whole help centre is in (a first start stores
/// the index before it opens; a later one loads the rest in the background).
fn open(content: &Path, cache: &Path) -> Console {
    let mut console = Console::start(content, cache);
    console.frame_where(|s| {
        let screen = s.contents();
        screen.contains("모두에서 검색합니다")
            || (screen.contains("/ 검색: 질문") && !screen.contains("첫 가이드만"))
    });
    console
}

/// CPU time (ms) and voluntary context switches of every thread of `pid`.
fn usage(pid: u32) -> (f64, u64) {
    let tick = 100.0; // USER_HZ on Linux
    let mut cpu = 0.0;
    let mut wakes = 0;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .into_iter()
        .flatten()
        .flatten()
    {
        let path = task.path();
        if let Ok(stat) = std::fs::read_to_string(path.join("stat"))
            && let Some((_, rest)) = stat.rsplit_once(')')
        {
            let fields: Vec<&str> = rest.split_whitespace().collect();
            let ticks: u64 = fields.get(11).and_then(|f| f.parse().ok()).unwrap_or(0)
                + fields.get(12).and_then(|f| f.parse().ok()).unwrap_or(0);
            cpu += ticks as f64 * 1000.0 / tick;
        }
        if let Ok(status) = std::fs::read_to_string(path.join("status")) {
            wakes += status
                .lines()
                .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|n| n.trim().parse::<u64>().ok())
                .unwrap_or(0);
        }
    }
    (cpu, wakes)
}

fn idle(console: &Console, what: &str, seconds: u64) {
    // Let a toast fade first: it is a deadline of its own.
    std::thread::sleep(Duration::from_secs(5));
    let (cpu, wakes) = usage(console.pid());
    std::thread::sleep(Duration::from_secs(seconds));
    let (cpu_after, wakes_after) = usage(console.pid());
    println!(
        "idle {what}: {:.0} ms CPU and {} wake-ups in {seconds} s",
        cpu_after - cpu,
        wakes_after - wakes
    );
}

fn percentile(sorted: &[f64], p: usize) -> f64 {
    sorted[(sorted.len() * p).div_ceil(100).saturating_sub(1)]
}

fn report(name: &str, mut times: Vec<(f64, String)>) {
    times.sort_by(|a, b| a.0.total_cmp(&b.0));
    let sorted: Vec<f64> = times.iter().map(|t| t.0).collect();
    let slowest: Vec<String> = times
        .iter()
        .rev()
        .take(6)
        .map(|(ms, typed)| format!("\"{typed}\" {ms:.1}"))
        .collect();
    println!(
        "key to {name}: {} keys, median {:.2} ms, p90 {:.2} ms, worst {:.2} ms; slowest: {}",
        sorted.len(),
        percentile(&sorted, 50),
        percentile(&sorted, 90),
        percentile(&sorted, 100),
        slowest.join(", ")
    );
}

fn key_to_frame(c: &mut Criterion) {
    let entries = std::env::var("KEY_TO_FRAME_ENTRIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let (content, cache) = corpus(entries);
    // A first start stores the index; the console measured is a later start, as agents
    // open it every day.
    let mut first = open(&content, &cache);
    first.send(b"q");
    let _ = first.child.wait();
    let mut console = open(&content, &cache);
    idle(&console, "(open, no call)", 30);

    let mut echo = Vec::new();
    let mut hits = Vec::new();
    // Each query typed twice: the second run is the one kept (the first warms the page
    // cache and the stored texts, as a working day does).
    for round in 0..2 {
        for query in corpus::AGENT_QUERIES {
            for (typed, echo_ms, hits_ms) in type_query(&mut console, query) {
                if round == 1 {
                    echo.push((echo_ms, typed.clone()));
                    hits.push((hits_ms, typed));
                }
            }
        }
    }
    println!("help centre {entries}, a {COLS}x{ROWS} pseudo terminal:");
    report("echo", echo);
    report("hits", hits);
    idle(&console, "(in a call: the call timer moves)", 30);

    c.bench_function(
        &format!("key to hits {entries}: typing \"가입 기준\""),
        |b| {
            b.iter_custom(|iterations| {
                let mut total = Duration::ZERO;
                for _ in 0..iterations {
                    let times = type_query(&mut console, "가입 기준");
                    total += times
                        .iter()
                        .map(|(_, _, ms)| Duration::from_secs_f64(ms / 1000.0))
                        .sum::<Duration>();
                }
                total
            });
        },
    );
    console.send(b"q");
    let _ = console.child.wait();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = key_to_frame
}
criterion_main!(benches);
