//! Console frames as drawn after each key, over `TestBackend`: the idle frame at 120x40, and
//! a frame at 200x50 whose hit list shows 100 search hits (ranked, highlighted, cut to fit).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn app() -> support_console::tui::App {
    let content = support_console::content::load_embedded().expect("embedded content");
    let now = support_console::clock::parse_instant("2024-12-05T10:00:00+09:00").ok();
    support_console::tui::App::new(content, now, None)
}

fn frame(c: &mut Criterion) {
    let mut app = app();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    c.bench_function("draw 120x40", |b| {
        b.iter(|| {
            terminal
                .draw(|f| support_console::tui::ui::draw(&mut app, f))
                .expect("draw");
            black_box(terminal.backend().buffer().area);
        });
    });
}

/// The console's first frame on the embedded guide, as a start makes it: the content loaded
/// and validated, indexed, and drawn at 120x40.
fn first_frame(c: &mut Criterion) {
    c.bench_function(
        "first frame (embedded guide: load, index, draw 120x40)",
        |b| {
            b.iter(|| {
                let mut app = app();
                let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
                terminal
                    .draw(|f| support_console::tui::ui::draw(&mut app, f))
                    .expect("draw");
                black_box(terminal.backend().buffer().area);
            });
        },
    );
}

/// A help centre's worth of hits: synthetic Q&A entries so that a one-syllable query finds
/// hundreds, and a 200x50 frame whose hit list is tall enough for 100 of them.
fn hit_list(c: &mut Criterion) {
    let mut json: serde_json::Value =
        serde_json::from_slice(&support_console::content::embedded_sources()[0].bytes)
            .expect("JSON");
    let first = json["qa"][0].clone();
    let qa: Vec<serde_json::Value> = (0..400)
        .map(|n| {
            let mut entry = first.clone();
            entry["id"] = serde_json::json!(format!("qa-{n}"));
            entry["label"] = serde_json::json!(format!("Q{n}"));
            entry["questions"] =
                serde_json::json!([format!("가입 문의 {n}번: 가입 기준과 결제 방법이 궁금해요")]);
            entry["sms_templates"] = serde_json::json!([]);
            entry["rules"] = serde_json::json!([]);
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
                    item.as_object_mut().expect("item").remove("offers");
                }
            }
            entry
        })
        .collect();
    json["qa"] = serde_json::json!(qa);
    json["rules"] = serde_json::json!([]);
    let content = support_console::content::load_sources(&[support_console::content::SourceFile {
        name: "hits.json".into(),
        bytes: serde_json::to_vec(&json).expect("JSON"),
    }])
    .expect("content");
    let now = support_console::clock::parse_instant("2024-12-05T10:00:00+09:00").ok();
    let mut app = support_console::tui::App::new(content, now, None);
    for c in "/가입".chars() {
        app.handle_key(&KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    }
    assert!(app.search.results.total() >= 100);
    // The list takes half the Q&A pane; at 200x50 that is not 100 rows, so the hit list
    // is scrolled: the frame draws the rows around hit 100.
    app.select_hit(99);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    c.bench_function("draw 200x50 with search hits (100th selected)", |b| {
        b.iter(|| {
            terminal
                .draw(|f| support_console::tui::ui::draw(&mut app, f))
                .expect("draw");
            black_box(terminal.backend().buffer().area);
        });
    });
}

criterion_group!(benches, first_frame, frame, hit_list);
criterion_main!(benches);
