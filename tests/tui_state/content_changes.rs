//! The content folder changing under a running console: the watcher's message applied by
//! the app (the agent keeps their place; content that does not load changes nothing), and
//! the `바뀐 가이드` view over what changed.

use std::sync::Arc;

use crossterm::event::KeyCode;
use support_console::content::{self, Content, Snapshot, SourceFile};
use support_console::search::SearchIndex;
use support_console::search::index_cache::LoadError;
use support_console::tui::changes::Baseline;
use support_console::tui::command::{Pane, Step};
use support_console::tui::event::Message;
use support_console::tui::event::{Reloaded, SinceLastRun};
use support_console::tui::watch::WatchedFolder;
use support_console::tui::{App, Loaded};

use super::{app, key, render, type_text};

const JOIN: &str = "평점 4.0점 이상 가입 가능 (갱신 기준 : 평점 3.8이상)";
const JOIN_NOW: &str = "평점 4.2점 이상 가입 가능 (갱신 기준 : 평점 3.8이상)";
const FREE: &str = "새로 가입하는 기사님들의 경우 평점 4.0 이상이어야 가입이 가능합니다.";
const FREE_NOW: &str = "새로 가입하는 기사님들의 경우 평점 4.2 이상이어야 가입이 가능합니다.";

/// The embedded content with each `(old, new)` sentence replaced.
fn edited(replacements: &[(&str, &str)]) -> Content {
    let sources: Vec<SourceFile> = content::embedded_sources()
        .into_iter()
        .map(|source| {
            let mut text = String::from_utf8(source.bytes).expect("utf-8");
            for (old, new) in replacements {
                text = text.replace(old, new);
            }
            SourceFile {
                name: source.name,
                bytes: text.into_bytes(),
            }
        })
        .collect();
    content::load_sources(&sources).expect("edited content loads")
}

/// What the content watcher posts when the folder changed from `before` to `after`.
fn reloaded(before: &Content, after: Content) -> Message {
    let (was, now) = (
        Arc::new(Snapshot::of(before)),
        Arc::new(Snapshot::of(&after)),
    );
    let changes = was.changes_to(&now);
    let index = SearchIndex::build(&after);
    Message::ContentReloaded(Box::new(Ok(Reloaded {
        loaded: Loaded {
            content: after,
            index,
        },
        before: was,
        after: now,
        changes,
    })))
}

/// The agent in the middle of a call: a question open at step two, a rating typed in the
/// rule form, a query typed, an SMS variable filled.
fn mid_call() -> App {
    let mut app = app();
    type_text(&mut app, "j");
    app.handle_key(&key(KeyCode::Enter)); // Q2 opened
    // The rule form opens on its first question; one down is the rating, typed in place.
    type_text(&mut app, "3j");
    type_text(&mut app, "3.9");
    app.handle_key(&key(KeyCode::Enter));
    type_text(&mut app, "2");
    app
}

#[test]
fn a_changed_folder_keeps_the_agents_place_and_says_so_in_the_header() {
    let mut app = mid_call();
    let (guide, qa, step, focus) = (app.guide, app.qa.selected, app.step, app.focus);
    let detail = app.qa.detail;
    let inputs: Vec<String> = app
        .rules
        .inputs
        .iter()
        .map(|i| i.editor.text().to_owned())
        .collect();
    assert!(inputs.iter().any(|text| text == "3.9"), "{inputs:?}");
    let questions = app.call.questions.clone();
    assert!(!questions.is_empty());
    let before = Arc::clone(&app.content);

    assert!(app.update(reloaded(&before, edited(&[(JOIN, JOIN_NOW)]))));
    assert!(
        !Arc::ptr_eq(&before, &app.content),
        "the new content is shown"
    );
    assert_eq!(
        (app.guide, app.qa.selected, app.step, app.focus),
        (guide, qa, step, focus)
    );
    assert_eq!(app.qa.detail, detail, "the open question stays open");
    let now: Vec<String> = app
        .rules
        .inputs
        .iter()
        .map(|i| i.editor.text().to_owned())
        .collect();
    assert_eq!(now, inputs, "typed rule inputs stay");
    assert_eq!(app.call.questions, questions, "the call's questions stay");
    let screen = render(&mut app, 120, 40);
    let header = screen.lines().next().expect("header");
    assert!(header.contains("갱신 10:00"), "{header}");
    assert!(
        screen.contains("콘텐츠가 바뀌었습니다: 가이드 1개"),
        "{screen}"
    );
    assert!(
        app.current_guide()
            .unwrap()
            .citable_items()
            .any(|item| item.text == JOIN_NOW)
    );
    assert!(
        !app.current_guide()
            .unwrap()
            .citable_items()
            .any(|item| item.text == JOIN)
    );

    // A query typed before the change is searched again over the new content.
    let mut app = self::app();
    type_text(&mut app, "/4.2점");
    assert_eq!(app.search.results.total(), 0);
    let before = Arc::clone(&app.content);
    app.update(reloaded(&before, edited(&[(JOIN, JOIN_NOW)])));
    assert_eq!(app.search.query.text(), "4.2점");
    assert!(app.search.active, "the search line keeps the keyboard");
    assert!(app.search.results.total() > 0, "the new sentence is found");
}

#[test]
fn a_folder_that_does_not_load_changes_nothing_and_says_so_until_one_does() {
    let mut app = mid_call();
    let before = Arc::clone(&app.content);
    let refused = Message::ContentReloaded(Box::new(Err(LoadError::Content {
        count: 1,
        first: "content/pro-membership-signup.json:412:7: EOF while parsing a string".into(),
    })));
    assert!(app.update(refused));
    assert!(
        Arc::ptr_eq(&before, &app.content),
        "the last good content stays"
    );
    app.toast = None;
    let screen = render(&mut app, 120, 40);
    let footer = screen.lines().last().expect("footer");
    assert!(
        footer.contains("⚠ 바뀐 콘텐츠 폴더를 읽지 못해 이전 콘텐츠를 계속 보여 줍니다"),
        "{footer}"
    );
    assert!(app.changes.updated.is_none());

    app.update(reloaded(&before, edited(&[(JOIN, JOIN_NOW)])));
    assert!(
        app.content_notice.is_none(),
        "content loads again: the notice goes"
    );
}

#[test]
fn the_changes_view_shows_old_and_new_side_by_side_since_the_agent_last_looked() {
    let mut app = app();
    // Opened before anything changed: it says so.
    type_text(&mut app, "u");
    assert!(render(&mut app, 80, 24).contains("지난번 확인한 뒤로 바뀐 가이드가 없습니다"));
    app.handle_key(&key(KeyCode::Esc));
    assert!(app.changes.view.is_none());

    // Two changes while the agent was on calls.
    let first = edited(&[(JOIN, JOIN_NOW)]);
    let second = edited(&[(JOIN, JOIN_NOW), (FREE, FREE_NOW)]);
    let start = Arc::clone(&app.content);
    app.update(reloaded(&start, first.clone()));
    app.update(reloaded(&first, second));
    assert!(
        app.footer_hints().iter().any(|h| h.label == "u"),
        "named while unseen"
    );
    type_text(&mut app, "ㅕ"); // u with the Korean IME on
    assert!(app.changes.view.is_some());
    assert!(
        app.changes.updated.is_none(),
        "seen: the header stops saying it"
    );
    let listed = app.changes.listed();
    assert_eq!(listed.len(), 1);
    let befores: Vec<_> = listed[0]
        .sentences
        .iter()
        .filter_map(|s| s.before.as_deref())
        .collect();
    assert!(
        befores.contains(&JOIN) && befores.contains(&FREE),
        "both changes: {befores:?}"
    );
    app.toast = None;
    let screen = render(&mut app, 80, 24);
    insta::assert_snapshot!("changes_80x24", screen);
    assert!(
        screen.contains("이전") && screen.contains("지금"),
        "{screen}"
    );
    assert!(screen.contains("[변경] 프로멤버십(가입)"), "{screen}");

    // The previous content: only the last change.
    app.handle_key(&key(KeyCode::Tab));
    assert_eq!(
        app.changes.view.as_ref().unwrap().baseline,
        Baseline::Previous
    );
    let befores: Vec<_> = app.changes.listed()[0]
        .sentences
        .iter()
        .filter_map(|s| s.before.as_deref())
        .collect();
    assert_eq!(befores, vec![FREE]);

    // Enter opens the guide; since the agent looked, nothing is new.
    app.handle_key(&key(KeyCode::Enter));
    assert!(app.changes.view.is_none());
    assert_eq!(app.focus, Pane::Category);
    type_text(&mut app, "u");
    assert!(app.changes.listed().is_empty());
    type_text(&mut app, "u");
    assert!(app.changes.view.is_none(), "u closes it too");
    assert_eq!(app.step, Step(0));
}

/// What changed since the agent last looked in an earlier run: said when the console
/// starts, listed in the view, and once the agent has looked, kept as seen for the next run.
#[test]
fn changes_since_an_earlier_run_are_shown_once_looked_at_and_kept() {
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("content");
    std::fs::create_dir(&dir).expect("folder");
    for source in content::embedded_sources() {
        let name = std::path::Path::new(&source.name)
            .file_name()
            .expect("name");
        std::fs::write(dir.join(name), &source.bytes).expect("write");
    }
    let seen = root.path().join("seen.json");
    let mut app = app();
    app.watch_folder(WatchedFolder {
        dir: dir.clone(),
        cache: None,
        seen: Some(seen.clone()),
    });
    // The watcher's first run keeps what the console shows as seen.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while !seen.exists() {
        assert!(std::time::Instant::now() < deadline, "kept as seen");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }

    // As if this run had started after the content team's change.
    let yesterday = Arc::new(Snapshot::of(&app.content));
    let today = edited(&[(FREE, FREE_NOW)]);
    let shown = Arc::new(Snapshot::of(&today));
    let changes = yesterday.changes_to(&shown);
    app.update(Message::ContentSinceLastRun(Box::new(SinceLastRun {
        seen: yesterday,
        shown: Arc::clone(&shown),
        changes,
    })));
    let screen = render(&mut app, 120, 40);
    assert!(
        screen.lines().next().unwrap().contains("갱신 10:00"),
        "{screen}"
    );
    assert!(
        screen.contains("지난번 확인한 뒤 바뀐 가이드 1개"),
        "{screen}"
    );
    type_text(&mut app, "u");
    let befores: Vec<_> = app.changes.listed()[0]
        .sentences
        .iter()
        .filter_map(|s| s.before.as_deref())
        .collect();
    assert_eq!(befores, vec![FREE]);
    // Looked at: what is shown is what the next run compares with.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let stored: Option<Snapshot> = std::fs::read(&seen)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        if stored.as_ref() == Some(&*shown) {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "kept after looking");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}
