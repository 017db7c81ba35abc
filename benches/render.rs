//! A full console frame at 120x40 over `TestBackend`, as drawn after each key.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn frame(c: &mut Criterion) {
    let content = support_console::content::load_embedded().expect("embedded content");
    let now = support_console::clock::parse_instant("2024-12-05T10:00:00+09:00").ok();
    let mut app = support_console::tui::App::new(content, now, None);
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

criterion_group!(benches, frame);
criterion_main!(benches);
