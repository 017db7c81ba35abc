//! `content sync` against the stand-in help centre (`tests/support/zendesk.rs`, on
//! 127.0.0.1) grown to 3,000 articles: the whole first sync (30 article pages at the API's
//! cap of 100, the sections and categories, 3,000 guides imported and written), and a later
//! sync after five articles changed (the same list read again for the id comparison, the
//! incremental export from the cursor, five guides imported, the folder swapped). The issue
//! asks the later one to take well under half the first one's time. Figures in docs/sync.md.

#[path = "../tests/support/zendesk.rs"]
mod zendesk;

use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use support_console::sync::{self, Credentials, HelpCentre, Retry};
use zendesk::{EMAIL, Server, TOKEN};

const ARTICLES: usize = 3_000;
const CHANGED: usize = 5;

/// The held-out help centre's ten articles, each written 300 times over, oldest first. Each
/// copy has a line of its own and its number in its title (the title the body's `<h1>`
/// gives too): the importer takes two articles with one title and the same text for the
/// same article written twice, and merges them.
fn big_help_centre() -> zendesk::State {
    let mut state = zendesk::help_centre();
    let originals: Vec<zendesk::Article> = state.articles.values().cloned().collect();
    state.articles.clear();
    for n in 0..ARTICLES {
        let original = &originals[n % originals.len()];
        let id = 50_000_000_000_000 + n as u64;
        let created = 1_700_000_000 + 60 * i64::try_from(n).expect("a small number");
        state.articles.insert(
            id,
            zendesk::Article {
                id,
                title: format!("{} ({n})", original.title),
                body: format!(
                    "<p>문서 {n}번 안내입니다.</p>{}",
                    original
                        .body
                        .replacen("<h1><strong>", &format!("<h1><strong>{n}번 "), 1)
                ),
                created_at: created,
                updated_at: created,
                ..original.clone()
            },
        );
    }
    state
}

fn options(server: &Server, out: &Path) -> sync::Options {
    sync::Options {
        centre: HelpCentre::parse(&server.url()).expect("address"),
        locale: "ko".to_owned(),
        out: out.to_owned(),
        credentials: Credentials::api_token(EMAIL, TOKEN),
        retry: Retry::DEFAULT,
    }
}

fn copy_folder(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("folder");
    for entry in std::fs::read_dir(from).expect("read").flatten() {
        let path = entry.path();
        if path.is_dir() {
            copy_folder(&path, &to.join(entry.file_name()));
        } else {
            std::fs::copy(&path, to.join(entry.file_name())).expect("copy");
        }
    }
}

fn sync_bench(c: &mut Criterion) {
    let server = Server::start(big_help_centre());
    let scratch = tempfile::tempdir().expect("tempdir");
    let mut group = c.benchmark_group("sync 3000 articles");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));

    // Each run into a fresh folder, the last one's removed untimed.
    let fresh = |name: &str| {
        let out = scratch.path().join(name);
        let _ = std::fs::remove_dir_all(&out);
        out
    };
    group.bench_function("first (whole)", |b| {
        b.iter_batched(
            || fresh("first"),
            |out| {
                let report = sync::run(&options(&server, &out), &mut sync::Quiet).expect("sync");
                assert_eq!(
                    (report.added.len(), report.refused.len()),
                    (ARTICLES, 0),
                    "{:?}",
                    report.refused.first()
                );
                out
            },
            BatchSize::PerIteration,
        );
    });

    // A folder synced once; then five articles change (a threshold each).
    let base = scratch.path().join("base");
    sync::run(&options(&server, &base), &mut sync::Quiet).expect("base sync");
    {
        let mut state = server.state();
        let later = chrono::Utc::now().timestamp() + 60;
        for (n, article) in state
            .articles
            .values_mut()
            .step_by(ARTICLES / CHANGED)
            .enumerate()
        {
            article.body = format!("<p>기준이 바뀌었습니다 ({n}).</p>{}", article.body);
            article.updated_at = later;
        }
    }
    group.bench_function("later (5 changed)", |b| {
        b.iter_batched(
            || {
                let out = fresh("later");
                copy_folder(&base, &out);
                out
            },
            |out| {
                let report = sync::run(&options(&server, &out), &mut sync::Quiet).expect("sync");
                assert_eq!(
                    (report.imported, report.changed.len()),
                    (CHANGED, CHANGED),
                    "{report:?}"
                );
                out
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, sync_bench);
criterion_main!(benches);
