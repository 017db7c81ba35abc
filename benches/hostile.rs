//! Content at the edge of its limits: reporting 20,000 dangling references (each placed at
//! its line; this took 92.6 s when every error re-read the file), and a frame over a guide
//! whose notes are 500 texts of 64 KiB (only what is visible is wrapped).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use support_console::content::{self, SourceFile};

fn embedded_json() -> serde_json::Value {
    serde_json::from_slice(&content::embedded_sources()[0].bytes).expect("embedded JSON")
}

/// The seed guide with `entries` one-item Q&A entries, each naming a missing SMS template.
fn dangling_guide(entries: usize) -> Vec<u8> {
    let mut guide = embedded_json();
    let mut first = guide["qa"][0].clone();
    first["sections"] = serde_json::json!([first["sections"][0].clone()]);
    first["sections"][0]["items"] = serde_json::json!([first["sections"][0]["items"][0].clone()]);
    first["rules"] = serde_json::json!([]);
    let qa: Vec<serde_json::Value> = (0..entries)
        .map(|n| {
            let mut entry = first.clone();
            entry["id"] = serde_json::json!(format!("qa-{n}"));
            entry["sections"][0]["id"] = serde_json::json!(format!("qa-{n}-s"));
            entry["sections"][0]["items"][0]["id"] = serde_json::json!(format!("qa-{n}-i"));
            entry["sms_templates"] = serde_json::json!([format!("missing-{n}")]);
            entry
        })
        .collect();
    guide["qa"] = serde_json::json!(qa);
    guide["rules"] = serde_json::json!([]);
    serde_json::to_vec_pretty(&guide).expect("JSON")
}

fn errors(c: &mut Criterion) {
    let sources = [SourceFile {
        name: "guide.json".into(),
        bytes: dangling_guide(20_000),
    }];
    let mut group = c.benchmark_group("content check");
    group.sample_size(10);
    group.bench_function("20,000 dangling references, located", |b| {
        b.iter(|| {
            let errors = content::load_sources(black_box(&sources)).expect_err("invalid");
            assert_eq!(errors.0.len(), 20_000);
            black_box(errors.to_string().len());
        });
    });
    group.finish();
}

/// The same problems in a file of one line (a minified export): 16 s on a 31 MB line while
/// each problem counted its column from the line's start.
fn errors_on_one_line(c: &mut Criterion) {
    let guide: serde_json::Value = serde_json::from_slice(&dangling_guide(20_000)).expect("JSON");
    let sources = [SourceFile {
        name: "guide.json".into(),
        bytes: serde_json::to_vec(&guide).expect("JSON"),
    }];
    let mut group = c.benchmark_group("content check");
    group.sample_size(10);
    group.bench_function("20,000 dangling references on one line", |b| {
        b.iter(|| {
            let errors = content::load_sources(black_box(&sources)).expect_err("invalid");
            assert_eq!(errors.0.len(), 20_000);
            black_box(errors.to_string().len());
        });
    });
    group.finish();
}

/// `--content /`: the walk stops at its limits (it walked the whole machine for 4-14 s, and
/// read 1.48 GB of it in one run, before it answered).
fn not_content(c: &mut Criterion) {
    let mut group = c.benchmark_group("content check");
    group.sample_size(10);
    group.bench_function("a folder that is not content (/)", |b| {
        b.iter(|| {
            let refused = content::load_dir(black_box(std::path::Path::new("/")));
            assert!(refused.is_err());
        });
    });
    group.finish();
}

fn long_notes(c: &mut Criterion) {
    let mut guide = embedded_json();
    let long = "가나다라마바사 아자차카타파하 ".repeat(64 * 1024 / 45);
    let items: Vec<serde_json::Value> = (0..500)
        .map(|n| serde_json::json!({"id": format!("long-{n}"), "text": long, "level": 0, "kind": "text"}))
        .collect();
    guide["notes"][0]["items"] = serde_json::json!(items);
    guide["rules"] = serde_json::json!([]);
    for qa in guide["qa"].as_array_mut().expect("qa") {
        qa["rules"] = serde_json::json!([]);
    }
    let loaded = content::load_sources(&[SourceFile {
        name: "long.json".into(),
        bytes: serde_json::to_vec(&guide).expect("JSON"),
    }])
    .expect("long notes load");
    let now = support_console::clock::parse_instant("2024-12-05T10:00:00+09:00").ok();
    let mut app = support_console::tui::App::new(loaded, now, None);
    let mut terminal = Terminal::new(TestBackend::new(200, 50)).expect("terminal");
    c.bench_function("draw 200x50, 500 notes of 64 KiB", |b| {
        b.iter(|| {
            terminal
                .draw(|f| support_console::tui::ui::draw(&mut app, f))
                .expect("draw");
            black_box(terminal.backend().buffer().area);
        });
    });
}

criterion_group!(benches, errors, errors_on_one_line, not_content, long_notes);
criterion_main!(benches);
