//! Outside input at every entry point, generated from a fixed seed (the same cases on every
//! run and machine, so a failure here is a failure everywhere), bounded to well under a
//! minute together: content folders as a stranger lays them out, search queries as any
//! keyboard types them, command lines as anyone writes them, and keys, pastes, mouse and
//! resizes as a terminal delivers them. Each must end (no hang), without a panic, with a
//! verdict or a Korean error, and nothing raw on the way out.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support_console::content;
use support_console::import;
use support_console::text::is_unsafe;

/// The seed of every case below.
const SEED: u64 = 0x5EED_0033;

fn seeded(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        rng_seed: RngSeed::Fixed(SEED),
        // A failure is reported with its seed above; nothing is written into the tree.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text as an attacker or a careless paste brings it: Hangul (whole, jamo, decomposed),
/// Latin typed with the IME off, digits and signs, controls and escape sequences, bidi and
/// zero-width characters, emoji, line breaks of every kind.
fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        "[가-힣]{1,4}",
        "[ㄱ-ㅎㅏ-ㅣ]{1,3}",
        "[a-zA-Z]{1,6}",
        "[0-9.,%+-]{1,6}",
        Just("\u{1b}]52;c;SGk=\u{7}".to_owned()),
        Just("\u{1b}[2J".to_owned()),
        Just("\u{9b}31m".to_owned()),
        Just("\u{202e}\u{2066}\u{200b}\u{feff}".to_owned()),
        Just("\r\n\r\n\t".to_owned()),
        Just("\u{1100}\u{1161}\u{11a8}".to_owned()),
        Just("😀🚕".to_owned()),
        Just("\u{0}\u{7f}".to_owned()),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(pieces, 0..max).prop_map(|parts| parts.concat())
}

fn assert_clean(what: &str, text: &str) {
    if let Some(c) = text
        .chars()
        .find(|&c| is_unsafe(c) && c != '\n' && c != '\t')
    {
        panic!("{what}: raw U+{:04X} in {text:?}", u32::from(c));
    }
}

// ---- The content loader: folders laid out by a stranger ----

/// One entry of a content folder: a path (possibly nested) and what is there.
#[derive(Debug, Clone)]
enum Entry {
    /// A file with these bytes.
    File(String, Vec<u8>),
    /// A folder.
    Folder(String),
    /// A link to another name of the folder (possibly making a loop).
    Link(String, String),
}

fn entry_name() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z가-힣]{1,6}\\.json",
        "[a-z]{1,4}/[a-z]{1,4}\\.json",
        Just("synonyms.json".to_owned()),
        Just("이름\n가짜 줄: 통과\u{7}.json".to_owned()),
        Just("\u{202e}nosj.json".to_owned()),
        "[a-z]{1,5}\\.(txt|md|jsonl)",
    ]
}

fn entry_bytes() -> impl Strategy<Value = Vec<u8>> {
    let guide = content::embedded_sources()[0].bytes.clone();
    prop_oneof![
        Just(guide.clone()),
        (0..guide.len()).prop_map(move |cut| guide[..cut].to_vec()),
        prop::collection::vec(any::<u8>(), 0..64),
        Just(b"{\"id\": 1e999, \"qa\": [[[[[[[[[[]]]]]]]]]]}".to_vec()),
        Just(b"\xef\xbb\xbf{}".to_vec()),
        hostile_text(20).prop_map(|text| format!("{{\"id\":\"{text}\"}}").into_bytes()),
    ]
}

fn folder_entries() -> impl Strategy<Value = Vec<Entry>> {
    let entry = prop_oneof![
        4 => (entry_name(), entry_bytes()).prop_map(|(n, b)| Entry::File(n, b)),
        1 => "[a-z]{1,4}(/[a-z]{1,4}){0,3}".prop_map(Entry::Folder),
        1 => ("[a-z]{1,4}", prop_oneof![Just(".".to_owned()), Just("..".to_owned()), "[a-z]{1,4}"])
            .prop_map(|(n, t)| Entry::Link(n, t)),
    ];
    prop::collection::vec(entry, 0..8)
}

fn lay_out(dir: &Path, entries: &[Entry]) {
    for entry in entries {
        let _ = match entry {
            Entry::File(name, bytes) => {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    let _ = std::fs::create_dir_all(parent);
                }
                std::fs::write(path, bytes)
            }
            Entry::Folder(name) => std::fs::create_dir_all(dir.join(name)),
            Entry::Link(name, target) => std::os::unix::fs::symlink(target, dir.join(name)),
        };
    }
}

proptest! {
    #![proptest_config(seeded(120))]

    /// Any folder loads or is refused, every problem on its own line, names escaped.
    #[test]
    fn any_content_folder_loads_or_is_refused_line_by_line(entries in folder_entries()) {
        let dir = tempfile::tempdir().expect("tempdir");
        lay_out(dir.path(), &entries);
        match content::load_dir(dir.path()) {
            Ok(loaded) => prop_assert!(loaded.guide_count() > 0),
            Err(errors) => {
                let text = errors.to_string();
                assert_clean("content errors", &text);
                let shown = errors.0.len().min(content::ERRORS_SHOWN);
                let summed = usize::from(errors.0.len() > content::ERRORS_SHOWN);
                prop_assert_eq!(text.lines().count(), shown + summed, "{}", text);
            }
        }
    }
}

// ---- The importer, in each of its forms ----

/// An article's lines as help centres write them, mixed with hostile text.
fn markdown_article() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        hostile_text(6).prop_map(|t| format!("# {t}")),
        hostile_text(6).prop_map(|t| format!("## 1️⃣ {t}")),
        hostile_text(8).prop_map(|t| format!("Q. {t}")),
        hostile_text(8).prop_map(|t| format!("A. {t}")),
        hostile_text(8).prop_map(|t| format!("1. {t}")),
        hostile_text(8).prop_map(|t| format!("① {t}")),
        hostile_text(4).prop_map(|t| format!("[{t}](javascript:alert(1))")),
        hostile_text(4).prop_map(|t| format!("| {t} | 2025.03.01 | {t} |")),
        Just("|---|---|---|".to_owned()),
        Just("```".to_owned()),
        hostile_text(6).prop_map(|t| format!("> {t}")),
        hostile_text(6).prop_map(|t| format!("앱 [메뉴] > [{t}] → 확인")),
        hostile_text(10),
    ];
    prop::collection::vec(line, 0..30).prop_map(|lines| lines.join("\n"))
}

fn html_article() -> impl Strategy<Value = String> {
    let element = prop_oneof![
        hostile_text(6).prop_map(|t| format!("<h2>{t}</h2>")),
        hostile_text(8).prop_map(|t| format!("<p>{t}</p>")),
        hostile_text(6).prop_map(|t| format!("<ul><li>{t}</li><li>{t}</li></ul>")),
        hostile_text(4).prop_map(|t| {
            format!("<table><tr><td rowspan=\"9999\" colspan=\"70000\">{t}</td></tr></table>")
        }),
        hostile_text(4).prop_map(|t| format!("<details><summary>{t}</summary>{t}</details>")),
        hostile_text(4).prop_map(|t| format!("<a href=\"{t}\">{t}</a>")),
        (1usize..3_000).prop_map(|n| format!("{}x{}", "<span>".repeat(n), "</span>".repeat(n))),
        Just("<div><p>열린 채".to_owned()),
    ];
    prop::collection::vec(element, 0..20).prop_map(|parts| parts.concat())
}

fn api_page() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((any::<u32>(), hostile_text(5), html_article()), 0..4),
        prop_oneof![Just(String::new()), Just(",\"next_page\": 7".to_owned())],
    )
        .prop_map(|(articles, tail)| {
            let articles: Vec<serde_json::Value> = articles
                .into_iter()
                .map(
                    |(id, title, body)| serde_json::json!({"id": id, "title": title, "body": body}),
                )
                .collect();
            let json = serde_json::json!({"articles": articles}).to_string();
            format!("{}{tail}}}", &json[..json.len() - 1])
        })
}

proptest! {
    #![proptest_config(seeded(150))]

    /// Any article in any form imports or is refused with a reason; what it imports has
    /// headings, titles and labels free of controls, bidi and zero-width characters.
    #[test]
    fn any_article_imports_or_is_refused(
        text in prop_oneof![markdown_article(), html_article(), api_page()],
        form in prop::sample::select(vec![None, Some(import::Format::Markdown), Some(import::Format::Html), Some(import::Format::ZendeskJson)]),
    ) {
        let file = import::read_file(
            Path::new("fuzz/article.md"),
            &text,
            form,
            &import::FileContext::default(),
        );
        if let Some(error) = &file.error {
            assert_clean("an import error", error);
        }
        for article in &file.articles {
            match &article.outcome {
                import::Outcome::Refused(why) => prop_assert!(!why.is_empty()),
                import::Outcome::Imported(imported) => assert_plain_labels(&imported.guide),
                import::Outcome::Merged { .. } => {}
            }
        }
    }
}

/// What lists, trees and tickets show of a guide on one line is plain.
pub fn assert_plain_labels(guide: &content::Guide) {
    let mut labels: Vec<&str> = vec![&guide.heading, &guide.title];
    labels.extend(guide.category.iter().map(String::as_str));
    labels.extend(guide.tags.iter().map(String::as_str));
    labels.extend(guide.links.iter().map(|l| l.label.as_str()));
    labels.extend(guide.notes.iter().filter_map(|n| n.title.as_deref()));
    labels.extend(guide.sms_templates.iter().map(|t| t.title.as_str()));
    for qa in &guide.qa {
        labels.extend(qa.label.as_deref());
        labels.extend(qa.questions.iter().map(String::as_str));
        labels.extend(qa.sections.iter().filter_map(|s| s.title.as_deref()));
    }
    for label in labels {
        assert!(!label.chars().any(is_unsafe), "not plain: {label:?}");
    }
}

// ---- The query reader ----

proptest! {
    #![proptest_config(seeded(400))]

    /// Any query answers, ranked, with its marked ranges inside the texts they mark.
    #[test]
    fn any_query_answers_within_the_texts(query in hostile_text(30)) {
        let index = &*INDEX;
        let mut cache = support_console::search::SearchCache::default();
        let mut results = index.search_cached(&mut cache, &query);
        results.rank_up_to(index, 20);
        for hit in index.search(&query).into_iter().take(50) {
            let len = index.doc(hit.doc).text.chars().count();
            for range in &hit.ranges {
                prop_assert!(range.start < range.end && range.end <= len);
            }
        }
    }
}

static INDEX: std::sync::LazyLock<support_console::search::SearchIndex> =
    std::sync::LazyLock::new(|| {
        support_console::search::SearchIndex::build(
            &content::load_embedded().expect("embedded content"),
        )
    });

// ---- The rule inputs: values an agent types into the rule form or `check`'s flags ----

/// What an agent types for a value: numbers as they come (signs, exponents, commas, units,
/// too many decimals, `none`), or anything at all.
fn typed_value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => "[+-]?[0-9]{0,4}([.,][0-9]{0,20})?(e[+-]?[0-9]{1,3})?[ ]?(%|원|회|건|일)?",
        1 => prop::sample::select(vec![
            "none", "없음", "-", "NaN", "inf", "-0", "84.995", "84.9999999999", "100.0000001",
            "5.01", "4.0", "2024-02-30", "2024-12-31", "9999-99-99", "예", "아니오",
        ])
        .prop_map(str::to_owned),
        2 => hostile_text(8),
    ]
}

proptest! {
    #![proptest_config(seeded(600))]

    /// Any text typed for any input of any embedded guide is read as a value of its kind in
    /// its range, or refused with a Korean message that carries nothing raw.
    #[test]
    fn any_typed_value_is_read_in_range_or_refused_in_korean(
        text in typed_value(),
        pick in any::<prop::sample::Index>(),
    ) {
        use support_console::content::{InputKind, InputUnit};
        use support_console::rules::{Given, inputs};
        let all: Vec<_> = EMBEDDED
            .guides()
            .flat_map(|guide| guide.inputs.iter())
            .collect();
        prop_assume!(!all.is_empty());
        let input = all[pick.index(all.len())];
        match inputs::parse(input, &text) {
            Ok(Given::Number(value)) => {
                let top = match input.unit.unwrap_or(InputUnit::Count) {
                    InputUnit::Rating => 5.0,
                    InputUnit::Percent => 100.0,
                    InputUnit::Count | InputUnit::AmountKrw => f64::MAX,
                };
                prop_assert!(input.kind == InputKind::Metric);
                prop_assert!(value.is_finite() && (0.0..=top).contains(&value), "{text:?} -> {value}");
            }
            Ok(_) => {}
            Err(message) => {
                prop_assert!(
                    message.chars().any(|c| ('가'..='힣').contains(&c)),
                    "not Korean: {message}"
                );
                assert_clean("a refused value's message", &message);
            }
        }
    }
}

static EMBEDDED: std::sync::LazyLock<content::Content> =
    std::sync::LazyLock::new(|| content::load_embedded().expect("embedded content"));

// ---- The log's files: whatever lies at the log's path, and the recovery file ----

/// Bytes that could stand at the log's path or in its recovery file: JSON lines of events
/// (whole, torn, with hostile text), a SQLite header and damage after it, random bytes.
fn log_bytes() -> impl Strategy<Value = Vec<u8>> {
    let line = prop_oneof![
        hostile_text(6).prop_map(|text| {
            serde_json::json!({
                "uid": "u-1", "at": "2024-11-29T10:00:00+09:00", "kind": "sent",
                "guide_id": "g", "template_id": null, "content_version": "v", "text": text,
            })
            .to_string()
        }),
        hostile_text(6).prop_map(|text| format!("{{\"kind\":\"sent\",\"text\":{text:?}")),
        hostile_text(10),
    ];
    prop_oneof![
        prop::collection::vec(line, 0..6).prop_map(|lines| lines.join("\n").into_bytes()),
        prop::collection::vec(any::<u8>(), 0..600).prop_map(|tail| {
            let mut bytes = b"SQLite format 3\0".to_vec();
            bytes.extend(tail);
            bytes
        }),
        prop::collection::vec(any::<u8>(), 0..600),
    ]
}

proptest! {
    #![proptest_config(seeded(60))]

    /// Whatever lies at the log's path is opened as a log or refused in Korean, and a
    /// refused file is left byte for byte as it was.
    #[test]
    fn any_file_at_the_logs_path_opens_or_is_refused_untouched(bytes in log_bytes()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.log");
        std::fs::write(&path, &bytes).expect("write");
        match support_console::history::Log::open(&path) {
            Ok((log, _)) => {
                log.events(&support_console::history::Filter::default()).expect("listed");
            }
            Err(error) => {
                let message = error.to_string();
                prop_assert!(message.chars().any(|c| ('가'..='힣').contains(&c)), "{message}");
                assert_clean("a refused log's message", &message);
                prop_assert_eq!(std::fs::read(&path).expect("kept"), bytes);
            }
        }
    }

    /// Any recovery file merges what reads as events and keeps the rest aside, counted.
    #[test]
    fn any_recovery_file_merges_or_keeps_its_lines_aside(bytes in log_bytes()) {
        use support_console::history::{Log, recovery};
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("log.sqlite3");
        let (mut log, _) = Log::open(&path).expect("a new log");
        std::fs::write(recovery::path_for(&path), &bytes).expect("write");
        match recovery::merge(&mut log) {
            Ok(Some(merged)) => {
                let lines = bytes
                    .split(|&b| b == b'\n')
                    .filter(|line| !line.iter().all(u8::is_ascii_whitespace))
                    .count();
                prop_assert_eq!(merged.added + merged.already + merged.damaged, lines);
                prop_assert!(!recovery::path_for(&path).exists(), "merged, then removed");
            }
            Ok(None) => prop_assert!(false, "the file was there"),
            Err(why) => {
                assert_clean("a recovery file's message", &why);
                prop_assert!(recovery::path_for(&path).exists(), "kept for the next start");
            }
        }
    }
}

// ---- The command line ----

fn argument() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "content", "check", "export", "import", "search", "sms", "history", "purge",
            "--json", "--content", "--now", "--history", "--retention-days", "--limit",
            "--keystrokes", "--at", "--member", "--rating", "--prev-month-avg",
            "--prior-benefit", "--renewal-date", "--guide", "--input", "--var", "--text",
            "--since", "--until", "--kind", "--before", "--out", "--format", "--force",
            "--help", "--version", "new", "renewal", "none", "sent", "copy", "wrapup",
            "sms-signup-how-to", "pro-membership-signup", "out", ".", "-", "--",
        ]).prop_map(str::to_owned),
        1 => prop::sample::select(vec![
            "0", "-1", "1e9", "NaN", "inf", "3.8", "4.25", "85", "84.995", "100000000",
            "18446744073709551616", "2024-12-05", "2024-12-05T10:00:00+09:00", "2024-13-45",
            "수락률=85", "평점=4.1", "=", "name=", "9999-12-31T23:59:59Z",
        ]).prop_map(str::to_owned),
        // A command line cannot carry NUL.
        1 => hostile_text(6).prop_map(|text| text.replace('\0', "")),
    ]
}

/// One command line run as its own process in a scratch folder (it may write files: an
/// export, a log), with a deadline: exit 0, 1 or 2, no panic, a Korean first line on 2.
fn run_in(dir: &Path, args: &[String]) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_support-console"))
        .args(args)
        .current_dir(dir)
        .env("HOME", dir)
        .env("XDG_DATA_HOME", dir)
        .env_remove("SUPPORT_CONSOLE_TEAM")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let deadline = Instant::now() + Duration::from_secs(20);
    while child.try_wait().expect("wait").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{args:?} did not end");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let output = child.wait_with_output().expect("output");
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    let code = output.status.code();
    assert!(matches!(code, Some(0..=2)), "{args:?}: {code:?}\n{err}");
    assert!(!err.contains("panicked"), "{args:?}:\n{err}");
    assert_clean("stdout", &out);
    assert_clean("stderr", &err);
    if code == Some(2) {
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.chars().any(|c| ('가'..='힣').contains(&c)),
            "{args:?}: no Korean first line:\n{err}"
        );
    }
}

proptest! {
    #![proptest_config(seeded(150))]

    /// Any command line ends with 0, 1 or 2 and says what went wrong in Korean.
    #[test]
    fn any_command_line_ends_cleanly(args in prop::collection::vec(argument(), 0..7)) {
        let dir = tempfile::tempdir().expect("tempdir");
        run_in(dir.path(), &args);
    }
}

// ---- Keys, pastes, mouse and resizes ----

fn terminal_event() -> impl Strategy<Value = Event> {
    let code = prop_oneof![
        any::<char>().prop_map(KeyCode::Char),
        "[ㄱ-ㅎㅏ-ㅣ가-힣qjkhlyseu/?0-9 ]"
            .prop_map(|s| KeyCode::Char(s.chars().next().unwrap_or('a'))),
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Backspace),
        Just(KeyCode::Delete),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::Left),
        Just(KeyCode::Right),
        Just(KeyCode::PageUp),
        Just(KeyCode::PageDown),
        Just(KeyCode::Home),
        Just(KeyCode::End),
        (1u8..13).prop_map(KeyCode::F),
    ];
    let modifiers = prop::sample::select(vec![
        KeyModifiers::NONE,
        KeyModifiers::CONTROL,
        KeyModifiers::SHIFT,
        KeyModifiers::ALT,
    ]);
    prop_oneof![
        6 => (code, modifiers).prop_map(|(c, m)| Event::Key(KeyEvent::new(c, m))),
        1 => hostile_text(40).prop_map(Event::Paste),
        1 => (0u16..250, 0u16..80, 0u8..4).prop_map(|(column, row, kind)| {
            Event::Mouse(MouseEvent {
                kind: match kind {
                    0 => MouseEventKind::Down(MouseButton::Left),
                    1 => MouseEventKind::ScrollDown,
                    2 => MouseEventKind::ScrollUp,
                    _ => MouseEventKind::Moved,
                },
                column,
                row,
                modifiers: KeyModifiers::NONE,
            })
        }),
        1 => (1u16..220, 1u16..70).prop_map(|(w, h)| Event::Resize(w, h)),
        1 => Just(Event::FocusGained),
    ]
}

proptest! {
    #![proptest_config(seeded(250))]

    /// Any sequence of terminal events is taken in and drawn without a panic, and nothing
    /// raw is copied.
    #[test]
    fn any_terminal_events_are_taken_in(events in prop::collection::vec(terminal_event(), 1..60)) {
        let mut app = support_console::tui::App::new(
            content::load_embedded().expect("embedded content"),
            support_console::clock::parse_instant("2024-12-05T10:00:00+09:00").ok(),
            None,
        );
        let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        for event in &events {
            if let Event::Resize(w, h) = event {
                terminal.backend_mut().resize(*w, *h);
                terminal.resize(ratatui::layout::Rect::new(0, 0, *w, *h)).expect("resize");
            }
            app.handle_event(event);
            app.quit = false;
            terminal
                .draw(|frame| support_console::tui::ui::draw(&mut app, frame))
                .expect("draw");
            for effect in app.effects.drain(..) {
                let support_console::tui::command::Effect::Copy(text) = effect;
                assert_clean("a copy", &text);
            }
        }
    }
}
