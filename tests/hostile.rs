//! Content and input written by an attacker: escape sequences in every text, files that are
//! not files, links that loop, texts and error lists too large, random damage to the JSON.
//! Every way out of the program must stay clean; every load must end, with exit 0 or 2.
#![allow(clippy::too_many_lines)]

#[path = "../benches/support/corpus.rs"]
mod corpus;
#[path = "hostile/fuzz.rs"]
mod fuzz;
#[path = "hostile/log.rs"]
mod log;
#[path = "hostile/soak.rs"]
mod soak;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support_console::cli::{Streams, run_with};
use support_console::content::{self, SourceFile};
use support_console::text::is_unsafe;
use support_console::tui::App;
use support_console::tui::command::Effect;

/// What an attacker puts in every text: OSC 52 (set the clipboard), clear screen, BEL, C1
/// CSI, and a right-to-left override.
const PAYLOAD: &str = "\u{1b}]52;c;SElKQUNLRUQ=\u{7}\u{1b}[2J\u{7}\u{9b}31m\u{202e}";

fn embedded_json() -> serde_json::Value {
    let source = &content::embedded_sources()[0];
    serde_json::from_slice(&source.bytes).expect("embedded JSON")
}

/// Keys whose strings are free text or ids (and references to ids, changed alike so that
/// they still resolve). Enumerations, dates, addresses and variable names are left alone, and
/// so are rule values that must stand in their sentences (`refunded_as`, `app_message`).
const TEXT_KEYS: &[&str] = &[
    "id",
    "heading",
    "title",
    "status",
    "tags",
    "category",
    "label",
    "placeholder",
    "date_label",
    "text",
    "detail",
    "link",
    "event",
    "input",
    "sources",
    "questions",
    "aliases",
    "sms_templates",
    "rules",
    "audience",
    "example",
];

fn poison(value: &mut serde_json::Value, key: Option<&str>) {
    match value {
        serde_json::Value::String(text) if key.is_some_and(|k| TEXT_KEYS.contains(&k)) => {
            text.push_str(PAYLOAD);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| poison(v, key)),
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                poison(v, Some(k.as_str()));
            }
        }
        _ => {}
    }
}

fn write_guide(dir: &Path, name: &str, value: &serde_json::Value) {
    let text = serde_json::to_string_pretty(value).expect("JSON");
    std::fs::write(dir.join(name), text).expect("write guide");
}

/// Runs the command line in-process; returns the exit code, stdout and stderr.
fn run(args: &[&str]) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = run_with(
        std::iter::once("support-console").chain(args.iter().copied()),
        &mut Streams {
            out: &mut out,
            err: &mut err,
        },
    );
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

fn assert_clean(what: &str, text: &str) {
    if let Some(c) = text
        .chars()
        .find(|&c| is_unsafe(c) && c != '\n' && c != '\t')
    {
        panic!("{what}: raw U+{:04X} in output:\n{text}", u32::from(c));
    }
}

#[test]
fn escapes_in_content_never_leave_raw() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut guide = embedded_json();
    poison(&mut guide, None);
    write_guide(dir.path(), "guide.json", &guide);
    let content_dir = dir.path().to_str().expect("path");
    let template = format!("sms-membership-signup{PAYLOAD}");
    let history = dir.path().join("history.jsonl");
    let event = serde_json::json!({
        "at": format!("2024-12-05T10:00:00+09:00{PAYLOAD}"),
        "action": "sent",
        "guide_id": format!("g{PAYLOAD}"),
        "template_id": format!("t{PAYLOAD}"),
        "content_version": format!("v{PAYLOAD}"),
        "bytes": 10,
        "kind": format!("LMS{PAYLOAD}"),
        "text": format!("본문{PAYLOAD}"),
    });
    std::fs::write(&history, format!("{event}\n")).expect("history");
    let history = history.to_str().expect("path");
    let export_dir = tempfile::tempdir().expect("tempdir");
    let export = export_dir.path().to_str().expect("path");

    let mut runs: Vec<Vec<&str>> = vec![
        vec!["content", "check"],
        vec!["content", "export", export],
        vec!["search", ""],
        vec!["search", "가입"],
        vec!["search", "SElKQUNL"],
        vec!["sms"],
        vec!["sms", &template],
        vec!["sms", "--text", PAYLOAD],
        vec!["history", "--history", history],
        vec!["sms", "no-such-template\u{1b}]52;c;QQ==\u{7}"],
        vec!["--bogus\u{1b}]52;c;QQ==\u{7}"],
    ];
    for member in ["new", "renewal"] {
        for rating in ["none", "3.8", "4.5", "3.0"] {
            for average in ["3.5", "3.75", "4.0"] {
                for at in [
                    "2021-01-01T00:00:00+09:00",
                    "2024-11-20T10:00:00+09:00",
                    "2024-12-15T10:00:00+09:00",
                    "2026-01-01T10:00:00+09:00",
                ] {
                    runs.push(vec![
                        "check",
                        "--member",
                        member,
                        "--rating",
                        rating,
                        "--prev-month-avg",
                        average,
                        "--at",
                        at,
                        "--prior-benefit",
                    ]);
                }
            }
        }
    }
    let mut checked = 0;
    for args in &runs {
        for json in [false, true] {
            let mut full: Vec<&str> = args.clone();
            full.extend(["--content", content_dir]);
            if json {
                full.push("--json");
            }
            let (code, out, err) = run(&full);
            assert!(code == 0 || code == 2, "{full:?}: exit {code}");
            assert_clean(&format!("{full:?} stdout"), &out);
            assert_clean(&format!("{full:?} stderr"), &err);
            if json && code == 0 && !out.is_empty() {
                let parsed: serde_json::Value = serde_json::from_str(&out)
                    .unwrap_or_else(|e| panic!("{full:?}: not JSON ({e}):\n{out}"));
                // Escaped, not lost: the attacker's text is still there for a program to see.
                if args[0] == "search" && args[1] == "SElKQUNL" {
                    let text = parsed[0]["text"].as_str().unwrap_or_default();
                    assert!(text.contains("\u{1b}]52;c;SElK"), "{out}");
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 100);
    // The poisoned content is valid content: the checks above ran on it, not on an error.
    let (code, _, err) = run(&["content", "check", "--content", content_dir]);
    assert_eq!(code, 0, "{err}");

    // Errors that quote content (a dangling reference named by its poisoned id).
    let mut broken = guide.clone();
    broken["qa"][0]["sms_templates"][0] = serde_json::json!(format!("missing{PAYLOAD}"));
    let bad_dir = tempfile::tempdir().expect("tempdir");
    write_guide(bad_dir.path(), "guide.json", &broken);
    let bad = bad_dir.path().to_str().expect("path");
    for json in [false, true] {
        let mut args = vec!["content", "check", "--content", bad];
        if json {
            args.push("--json");
        }
        let (code, out, err) = run(&args);
        assert_eq!(code, 2);
        assert!(err.contains("없는 SMS 템플릿"), "{err}");
        assert_clean("content check errors", &(out + &err));
    }

    // The console: every pane, the hit list, help; frames and every copy.
    let loaded = content::load_dir(dir.path()).expect("poisoned content loads");
    let now = support_console::clock::parse_instant("2024-12-05T10:00:00+09:00").ok();
    let mut app = App::new(loaded, now, None);
    let mut frames = 0;
    let mut copies = 0;
    let mut shown_inert = false;
    let keys: &[&[KeyCode]] = &[
        &[],
        &[KeyCode::Char('y'), KeyCode::Char('c')],
        &[KeyCode::Enter, KeyCode::Char('y')],
        &[KeyCode::Char('l'), KeyCode::Char('y')],
        &[KeyCode::Char('3'), KeyCode::Char('y'), KeyCode::Char('j')],
        &[KeyCode::Char('4'), KeyCode::Char('y')],
        &[KeyCode::Char('1'), KeyCode::Char('j'), KeyCode::Char('y')],
        &[KeyCode::Char('/'), KeyCode::Char('가'), KeyCode::Down],
        &[KeyCode::Enter, KeyCode::Char('y')],
        &[KeyCode::Char('?')],
    ];
    for sequence in keys {
        for code in *sequence {
            app.handle_key(&KeyEvent::new(*code, KeyModifiers::NONE));
        }
        for (width, height) in [(120, 40), (80, 24), (200, 50)] {
            let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
            terminal
                .draw(|frame| support_console::tui::ui::draw(&mut app, frame))
                .expect("draw");
            for cell in &terminal.backend().buffer().content {
                assert_clean("console cell", cell.symbol());
                shown_inert |= cell.symbol() == "␛";
            }
            frames += 1;
        }
        for effect in app.effects.drain(..) {
            let Effect::Copy(text) = effect;
            assert_clean("copy", &text);
            copies += 1;
        }
    }
    assert!(frames >= 30);
    assert!(
        shown_inert,
        "content's escapes are shown as symbols, not dropped silently"
    );
    assert!(copies >= 5, "only {copies} copies made");
}

/// Runs the real binary on `dir`; a generous timeout only catches a hang.
fn check_dir_process(dir: &Path) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_support-console"))
        .args(["content", "check", "--content"])
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            let mut err = String::new();
            if let Some(mut stderr) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
            }
            return (status.code().unwrap_or(-1), err);
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("content check hung on {}", dir.display());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn dir_with_guide() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write_guide(dir.path(), "guide.json", &embedded_json());
    dir
}

#[test]
fn a_fifo_is_refused_not_waited_on() {
    let dir = dir_with_guide();
    let fifo = dir.path().join("p.json");
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo");
    assert!(made.success());
    let (code, err) = check_dir_process(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("p.json") && err.contains("이름 있는 파이프(FIFO)"),
        "{err}"
    );
}

#[test]
fn a_link_to_a_device_is_refused() {
    let dir = dir_with_guide();
    std::os::unix::fs::symlink("/dev/zero", dir.path().join("z.json")).expect("symlink");
    let (code, err) = check_dir_process(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("z.json") && err.contains("문자 장치"), "{err}");
}

#[test]
fn symlink_loops_are_named_once_not_walked() {
    // A pair of links to the directory itself: walked, this grows exponentially.
    let dir = dir_with_guide();
    std::os::unix::fs::symlink(".", dir.path().join("a")).expect("symlink");
    std::os::unix::fs::symlink(".", dir.path().join("b")).expect("symlink");
    let (code, err) = check_dir_process(dir.path());
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.matches("심볼릭 링크 순환").count(), 2, "{err}");
    assert!(!err.contains("중복"), "{err}");

    // One link back: named as a loop, not thousands of duplicate ids.
    let dir = dir_with_guide();
    std::fs::create_dir(dir.path().join("sub")).expect("mkdir");
    std::os::unix::fs::symlink("..", dir.path().join("sub/up")).expect("symlink");
    let (code, err) = check_dir_process(dir.path());
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.lines().count(), 2, "{err}");
    assert!(
        err.contains("sub/up") && err.contains("심볼릭 링크 순환"),
        "{err}"
    );

    // A second name for a file already read is read once (no duplicate ids).
    let dir = dir_with_guide();
    std::os::unix::fs::symlink("guide.json", dir.path().join("same.json")).expect("symlink");
    let (code, err) = check_dir_process(dir.path());
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_five_megabyte_text_is_refused_with_its_place() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut guide = embedded_json();
    guide["notes"][0]["items"][0]["text"] = serde_json::json!("가".repeat(5 * 1024 * 1024 / 3));
    write_guide(dir.path(), "guide.json", &guide);
    let (code, err) = check_dir_process(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("guide.json:") && err.contains("한도 65536바이트보다 깁니다"),
        "{err}"
    );
}

/// A guide holding `entries` Q&A entries, each naming an SMS template that does not exist.
pub fn dangling_guide(entries: usize) -> serde_json::Value {
    let mut guide = embedded_json();
    let mut first = guide["qa"][0].clone();
    // One section of one item keeps the file of 20,000 entries under the size limit.
    first["sections"] = serde_json::json!([first["sections"][0].clone()]);
    first["sections"][0]["items"] = serde_json::json!([first["sections"][0]["items"][0].clone()]);
    let qa: Vec<serde_json::Value> = (0..entries)
        .map(|n| {
            let mut entry = first.clone();
            entry["id"] = serde_json::json!(format!("qa-{n}"));
            for (s, section) in entry["sections"]
                .as_array_mut()
                .expect("sections")
                .iter_mut()
                .enumerate()
            {
                section["id"] = serde_json::json!(format!("qa-{n}-s{s}"));
                for (i, item) in section["items"]
                    .as_array_mut()
                    .expect("items")
                    .iter_mut()
                    .enumerate()
                {
                    item["id"] = serde_json::json!(format!("qa-{n}-s{s}-i{i}"));
                }
            }
            entry["sms_templates"] = serde_json::json!([format!("missing-{n}")]);
            entry["rules"] = serde_json::json!([]);
            entry
        })
        .collect();
    guide["qa"] = serde_json::json!(qa);
    guide["rules"] = serde_json::json!([]);
    guide
}

#[test]
fn twenty_thousand_dangling_references_are_reported_quickly_and_summed_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    write_guide(dir.path(), "guide.json", &dangling_guide(20_000));
    let (code, err) = check_dir_process(dir.path());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("없는 SMS 템플릿 \"missing-0\""), "{err}");
    assert!(err.contains("… 외 19900건"), "{err}");
    // The JSON report lists every one, each with its line.
    let (code, out, _) = run(&[
        "content",
        "check",
        "--json",
        "--content",
        dir.path().to_str().expect("path"),
    ]);
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 20_000);
    let mut lines: Vec<u64> = errors
        .iter()
        .map(|e| e["line"].as_u64().expect("line"))
        .collect();
    lines.dedup();
    assert_eq!(lines.len(), 20_000, "each error on its own line");
}

/// The same 20,000 problems in a file of one line (as a minified export writes it): each
/// placed at its own column, in one pass (this took 16 s on a 31 MB line when every problem
/// counted its column from the line's start; benches/hostile.rs holds it under 2 s).
#[test]
fn dangling_references_on_one_line_each_get_their_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = serde_json::to_string(&dangling_guide(20_000)).expect("JSON");
    std::fs::write(dir.path().join("guide.json"), &text).expect("write");
    let (code, out, _) = run(&[
        "content",
        "check",
        "--json",
        "--content",
        dir.path().to_str().expect("path"),
    ]);
    assert_eq!(code, 2);
    let report: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let errors = report["errors"].as_array().expect("errors");
    assert_eq!(errors.len(), 20_000);
    for error in errors.iter().step_by(997) {
        assert_eq!(error["line"], 1);
        let message = error["message"].as_str().expect("message");
        let id = message.split('"').nth(1).expect("the missing id");
        // The column (in characters, from 1) of the reference's opening quote.
        let at = text.find(&format!("\"{id}\"")).expect("in the text");
        let column = text[..at].chars().count() + 1;
        assert_eq!(error["column"], column, "{message}");
    }
}

/// A subprocess with limits of its own (the limits are the process's: an in-process run
/// would change them under the other tests).
fn check_with(dir: &Path, flags: &[&str]) -> (i32, String, Duration) {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_support-console"))
        .args(["content", "check", "--content"])
        .arg(dir)
        .args(flags)
        .output()
        .expect("run");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        started.elapsed(),
    )
}

/// A folder that is not content (the whole machine) is refused, naming the limit that
/// stopped the walk and the flag that raises it, long before it is walked or read
/// (benches/hostile.rs times it); a limit raised lets a large folder through.
#[test]
fn the_walk_stops_at_its_limits_and_names_them() {
    let (code, said, took) = check_with(Path::new("/"), &[]);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("한도") && said.contains("--max-"), "{said}");
    assert!(said.contains("콘텐츠 폴더가 맞는지"), "{said}");
    // Only a hang is caught here; the speed is the benchmark's.
    assert!(took < Duration::from_secs(60), "{took:?}");

    let dir = dir_with_guide();
    let deep = dir.path().join("a/b/c");
    std::fs::create_dir_all(&deep).expect("mkdir");
    write_guide(&deep, "deep.json", &dangling_guide(0));
    let (code, said, _) = check_with(dir.path(), &["--max-depth", "2"]);
    assert_eq!(code, 2, "{said}");
    assert!(
        said.contains("폴더 깊이 한도(2단계)") && said.contains("--max-depth"),
        "{said}"
    );
    assert_eq!(said.lines().count(), 2, "one problem, no file read: {said}");

    let (code, said, _) = check_with(dir.path(), &["--max-files", "3"]);
    assert_eq!(code, 2, "{said}");
    assert!(said.contains("파일 수 한도(파일과 폴더 3개)"), "{said}");

    let big = tempfile::tempdir().expect("tempdir");
    write_guide(big.path(), "big.json", &dangling_guide(2_000));
    let (code, said, _) = check_with(big.path(), &["--max-mb", "1"]);
    assert_eq!(code, 2, "{said}");
    assert!(
        said.contains("읽을 크기 한도(1MB)") && said.contains("--max-mb"),
        "{said}"
    );

    // Raised, the same folders are read as content again.
    let (_, said, _) = check_with(big.path(), &["--max-mb", "64"]);
    assert!(said.contains("없는 SMS 템플릿"), "{said}");
    for bad in ["0", "257", "x"] {
        let (code, said, _) = check_with(dir.path(), &["--max-depth", bad]);
        assert_eq!(code, 2, "{said}");
        assert!(
            said.contains("폴더 깊이 한도는 1~256 사이의 정수"),
            "{said}"
        );
    }
}

#[test]
fn messages_name_a_bom_a_lone_surrogate_and_count_columns_from_one() {
    let guide = serde_json::to_vec_pretty(&embedded_json()).expect("JSON");
    let load = |bytes: Vec<u8>| {
        content::load_sources(&[SourceFile {
            name: "g.json".into(),
            bytes,
        }])
        .expect_err("must fail")
        .to_string()
    };
    let mut with_bom = vec![0xEF, 0xBB, 0xBF];
    with_bom.extend_from_slice(&guide);
    let message = load(with_bom);
    assert!(message.starts_with("g.json:1:1:") && message.contains("바이트 순서 표시(BOM"));

    let escaped = String::from_utf8(guide.clone()).expect("UTF-8").replacen(
        "\"title\": \"",
        "\"title\": \"\\ud800",
        1,
    );
    let message = load(escaped.into_bytes());
    assert!(message.contains("짝 없는 서로게이트"), "{message}");

    let mut encoded = guide.clone();
    let at = encoded
        .windows(7)
        .position(|w| w == b"\"title\"")
        .expect("title")
        + 10;
    encoded.splice(at..at, [0xED, 0xA0, 0x80]);
    let message = load(encoded);
    assert!(
        message.contains("서로게이트(U+D800~U+DFFF)가 바이트로"),
        "{message}"
    );

    // Cut off after a line break: serde_json says column 0 there.
    let mut cut = guide.clone();
    let end = cut.iter().rposition(|&b| b == b'\n').expect("newline");
    cut.truncate(end + 1);
    let message = load(cut);
    assert!(!message.contains(":0:"), "{message}");
    assert!(message.contains("파일이 중간에 끝납니다"), "{message}");
}

#[test]
fn export_writes_whole_files_or_none() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let (code, _, err) = run(&["content", "export", out.to_str().expect("path")]);
    assert_eq!(code, 0, "{err}");
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .expect("listing")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        vec![
            "pro-membership-signup.json".to_owned(),
            "synonyms.json".to_owned()
        ]
    );
    // A target that cannot be written (a directory in the file's place) leaves no temporary
    // file behind and the directory as it was.
    let blocked = dir.path().join("blocked");
    std::fs::create_dir_all(blocked.join("pro-membership-signup.json")).expect("mkdir");
    let (code, _, err) = run(&["content", "export", blocked.to_str().expect("path")]);
    assert_eq!(code, 2, "{err}");
    let left: Vec<PathBuf> = std::fs::read_dir(&blocked)
        .expect("listing")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].is_dir());
}

/// The file names and bytes under `dir`, for comparing whole folders.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("listing") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .expect("inside")
                    .display()
                    .to_string();
                files.push((name, std::fs::read(&path).expect("read")));
            }
        }
    }
    files.sort();
    files
}

/// A help centre of `guides` small guides in `dir`.
fn help_centre(dir: &Path, guides: usize) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for guide in 0..guides {
        let json = corpus::guide_json(guide, &corpus::guide_entries(guide, 2));
        write_guide(dir, &format!("guide-{guide:03}.json"), &json);
    }
}

/// `content export` killed at any moment leaves the folder it replaces whole: the old export
/// or the new one, never a mix (1,711 new and 290 old guides were found after a kill, and
/// `content check` took them). What the killed run left beside it is removed by the next.
#[test]
fn an_export_killed_midway_leaves_the_old_folder_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let source = dir.path().join("help-centre");
    help_centre(&source, 400);
    let out = dir.path().join("out");
    let (code, _, err) = run(&["content", "export", out.to_str().expect("path")]);
    assert_eq!(code, 0, "{err}");
    let old = tree(&out);
    let mut caught = 0;
    for attempt in 0..20 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_support-console"))
            .args(["content", "export", "--content"])
            .arg(&source)
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        // Killed as soon as its staging folder is there (a little later on later attempts).
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut staging_seen = false;
        while Instant::now() < deadline && child.try_wait().expect("wait").is_none() {
            staging_seen = std::fs::read_dir(dir.path())
                .expect("listing")
                .flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with(".out.staging-"));
            if staging_seen {
                std::thread::sleep(Duration::from_millis(attempt * 5));
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        let killed = child.try_wait().expect("wait").is_none();
        let _ = child.kill();
        let _ = child.wait();
        let now = tree(&out);
        assert!(
            now == old || now.len() == 401,
            "attempt {attempt}: a folder of {} files, neither the old export nor the new",
            now.len()
        );
        if now == old && killed && staging_seen {
            caught += 1;
            break;
        }
        // It finished before the kill: start again from the old folder.
        std::fs::remove_dir_all(&out).expect("clean");
        let (code, _, err) = run(&["content", "export", out.to_str().expect("path")]);
        assert_eq!(code, 0, "{err}");
    }
    assert!(caught > 0, "no export was caught half-way in 20 attempts");
    // The old export is what content check reads, and the next run leaves nothing beside.
    let (code, _) = check_dir_process(&out);
    assert_eq!(code, 0);
    let (code, _, err) = run(&[
        "content",
        "export",
        "--content",
        source.to_str().expect("p"),
        out.to_str().expect("path"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(tree(&out).len(), 401);
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .expect("listing")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.starts_with('.'))
        .collect();
    assert!(left.is_empty(), "left by the killed run: {left:?}");
}

/// An export replaces its folder whole, so a folder holding anything but content is refused
/// and left alone; two guides of one file name both arrive, the second renamed and said.
#[test]
fn an_export_goes_only_where_nothing_but_content_is_replaced() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("work");
    std::fs::create_dir_all(out.join(".git")).expect("mkdir");
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/main\n").expect("write");
    std::fs::write(out.join("notes.txt"), "메모").expect("write");
    let before = tree(&out);
    let (code, _, err) = run(&["content", "export", out.to_str().expect("path")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("콘텐츠(*.json)가 아닌 것이 있습니다"), "{err}");
    assert_eq!(tree(&out), before);

    let source = dir.path().join("source");
    for (folder, guide) in [("a", 1), ("b", 2)] {
        let sub = source.join(folder);
        std::fs::create_dir_all(&sub).expect("mkdir");
        write_guide(
            &sub,
            "same.json",
            &corpus::guide_json(guide, &corpus::guide_entries(guide, 1)),
        );
    }
    let out = dir.path().join("fresh");
    let (code, _, err) = run(&[
        "content",
        "export",
        "--content",
        source.to_str().expect("path"),
        out.to_str().expect("path"),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("same-2.json"), "{err}");
    let names: Vec<String> = tree(&out).into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["same-2.json", "same.json", "synonyms.json"]);
}

/// An article whose heading, link label and questions carry a bell, a right-to-left override
/// and zero-width characters imports with them gone from every label (its body keeps its
/// text, shown as symbols).
#[test]
fn imported_headings_labels_and_titles_are_plain() {
    let article = concat!(
        "# 멤버십\u{7} 안내\u{202e}\u{200b}\n\n",
        "[앱\u{2066} 화면\u{feff}](https://example.com/app)\n\n",
        "## 자주 묻는 질문\n\n",
        "Q. 가입\u{7}은 어떻게\u{202e} 하나요?\n\n",
        "A. 앱에서 신청합니다.\n",
    );
    let file = support_console::import::read_file(
        Path::new("plain.md"),
        article,
        None,
        &support_console::import::FileContext::default(),
    );
    let guide = &file.guides().next().expect("imported").guide;
    fuzz::assert_plain_labels(guide);
    assert_eq!(guide.title, "멤버십 안내");
    assert!(
        guide.links.iter().any(|l| l.label == "앱 화면"),
        "{:?}",
        guide.links
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    let output = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "'{}' search '' | head -c 1 >/dev/null",
            env!("CARGO_BIN_EXE_support-console")
        ))
        .stderr(Stdio::piped())
        .output()
        .expect("sh");
    let err = String::from_utf8_lossy(&output.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("Broken pipe"),
        "{err}"
    );
}

/// Small damage to the guide's JSON, chosen by `seed`: text, bytes or structure.
fn mutate(seed: u64, base: &serde_json::Value, raw: &[u8]) -> Vec<u8> {
    let mut state = seed | 1;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let pick = |n: u64, r: u64| usize::try_from(r % n.max(1)).unwrap_or(0);
    #[allow(clippy::single_match_else)] // two kinds of damage, one in four of the bytes kind
    match next() % 4 {
        // Bytes: flip, cut, or insert.
        0 => {
            let mut bytes = raw.to_vec();
            for _ in 0..=(next() % 4) {
                let at = pick(bytes.len() as u64, next());
                match next() % 3 {
                    0 => bytes[at] ^= 1 << (next() % 8),
                    1 => bytes.truncate(at),
                    _ => bytes.insert(at, u8::try_from(next() % 256).unwrap_or(0)),
                }
                if bytes.is_empty() {
                    break;
                }
            }
            bytes
        }
        // Structure: replace, remove or duplicate one value somewhere.
        _ => {
            let mut value = base.clone();
            let mut paths = Vec::new();
            collect_paths(&value, &mut Vec::new(), &mut paths);
            for _ in 0..=(next() % 3) {
                let path = &paths[pick(paths.len() as u64, next())];
                let replacement = match next() % 9 {
                    0 => serde_json::Value::Null,
                    1 => serde_json::json!(""),
                    2 => serde_json::json!(-1),
                    3 => serde_json::json!(1e308),
                    4 => serde_json::json!(5.001),
                    5 => serde_json::json!([]),
                    6 => serde_json::json!({}),
                    7 => serde_json::json!("\u{1b}[2J{{x}}\u{202e}2024-13-45T99:00:00+09:00"),
                    _ => serde_json::json!("2024-12-01T00:00:00+09:00"),
                };
                if let Some(slot) = pointer(&mut value, path) {
                    *slot = replacement;
                }
            }
            serde_json::to_vec(&value).unwrap_or_default()
        }
    }
}

fn collect_paths(value: &serde_json::Value, at: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    out.push(at.clone());
    match value {
        serde_json::Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                at.push(n.to_string());
                collect_paths(item, at, out);
                at.pop();
            }
        }
        serde_json::Value::Object(map) => {
            for (key, item) in map {
                at.push(key.clone());
                collect_paths(item, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn pointer<'a>(
    value: &'a mut serde_json::Value,
    path: &[String],
) -> Option<&'a mut serde_json::Value> {
    let pointer = path.iter().fold(String::new(), |mut pointer, p| {
        pointer.push('/');
        pointer.push_str(p);
        pointer
    });
    value.pointer_mut(&pointer)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

    /// Damaged content never panics: it loads or is refused, and whatever loads answers
    /// searches, checks and SMS. Every 25th case runs the whole command line (exit 0 or 2).
    #[test]
    fn damaged_content_never_panics(seed in any::<u64>()) {
        let base = embedded_json();
        let raw = content::embedded_sources()[0].bytes.clone();
        let bytes = mutate(seed, &base, &raw);
        let loaded = content::load_sources(&[SourceFile { name: "g.json".into(), bytes: bytes.clone() }]);
        if let Ok(loaded) = &loaded {
            let index = support_console::search::SearchIndex::build(loaded);
            let mut cache = support_console::search::SearchCache::default();
            for query in ["가입", "ㄱㅇ", "rkdlq", "멤버쉽"] {
                let mut results = index.search_cached(&mut cache, query);
                results.rank_up_to(&index, 50);
            }
            for guide in loaded.guides() {
                let policy = support_console::rules::Policy::of(loaded, guide);
                for at in ["2021-01-01T00:00:00+09:00", "2024-12-05T10:00:00+09:00"] {
                    // Every input the guide declares, given the way an agent may type it.
                    let mut values = support_console::rules::Values::default();
                    for input in &guide.inputs {
                        let text = input.options.last().map_or("3.75", |o| o.value.as_str());
                        if let Ok(given) = support_console::rules::inputs::parse(input, text) {
                            values.set(input.id.clone(), given);
                        }
                    }
                    let query = support_console::rules::Query {
                        at: support_console::clock::parse_instant(at).expect("instant"),
                        values,
                    };
                    let _ = policy.evaluate(&query);
                }
                for template in &guide.sms_templates {
                    let _ = support_console::sms::render(template, &std::collections::BTreeMap::new());
                }
            }
        }
        if seed % 25 == 0 {
            let dir = tempfile::tempdir().expect("tempdir");
            std::fs::write(dir.path().join("g.json"), &bytes).expect("write");
            let dir = dir.path().to_str().expect("path");
            for args in [
                vec!["content", "check", "--content", dir],
                vec!["search", "가입", "--content", dir, "--json"],
                vec!["check", "--member", "renewal", "--rating", "4", "--content", dir],
                vec!["sms", "--content", dir],
            ] {
                let (code, _, _) = run(&args);
                prop_assert!(code == 0 || code == 2, "{args:?}: exit {code}");
                if args[0] == "content" {
                    prop_assert_eq!(code == 0, loaded.is_ok());
                }
            }
        }
    }
}

/// Started without a terminal (from a script, or with input from /dev/null), the console
/// says in Korean to run it in a terminal and exits 2: never a panic.
#[test]
fn without_a_terminal_the_console_exits_2_with_a_korean_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_support-console"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("터미널에서 실행해야 합니다"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}
