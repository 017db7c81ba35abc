//! Search over a help centre of the real shape (`support/corpus.rs`: Q&A entries of 2
//! questions, 5 aliases and 6 items, a thousand to a guide) at 1k, 10k and 100k entries:
//! - each agent query typed one character at a time with the console's cache, then two
//!   Backspaces, as one criterion measurement per query;
//! - a report of every keystroke's time (median of five runs each): median, p90 and worst,
//!   the figures the targets name (p90 ≤ 8 ms and worst ≤ 16.7 ms at 100k);
//! - load and index times, and the index's memory against the JSON's size.
//!
//! The corpus is written once under `target/bench-data/` and reused. `HELP_CENTRE_SIZES=1000`
//! (comma-separated) measures only the sizes named.

#![allow(clippy::cast_precision_loss)] // milliseconds and megabytes, printed for people

#[path = "support/corpus.rs"]
mod corpus;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, criterion_group, criterion_main};
use support_console::content::{self, Content};
use support_console::search::{SearchCache, SearchIndex};

/// The content directory of `entries` entries, written on first use.
fn corpus_dir(entries: usize) -> Option<(PathBuf, u64)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let dir = root.join(format!("corpus-{entries}"));
    let done = root.join(format!("corpus-{entries}.done"));
    if let Ok(size) = std::fs::read_to_string(&done) {
        return Some((dir, size.trim().parse().unwrap_or(0)));
    }
    let _ = std::fs::remove_dir_all(&dir);
    match corpus::write_corpus(&dir, entries, None) {
        Ok(bytes) => {
            let _ = std::fs::write(&done, bytes.to_string());
            Some((dir, bytes))
        }
        Err(err) => {
            println!("cannot write the corpus under {}: {err}", dir.display());
            None
        }
    }
}

/// The query as typed, key by key: every prefix, then two Backspaces.
fn typing(query: &str) -> Vec<String> {
    let chars: Vec<char> = query.chars().collect();
    let mut steps: Vec<String> = (1..=chars.len())
        .map(|n| chars[..n].iter().collect())
        .collect();
    for cut in 1..=2.min(chars.len().saturating_sub(1)) {
        steps.push(chars[..chars.len() - cut].iter().collect());
    }
    steps
}

fn load(entries: usize) -> Option<(Content, SearchIndex, u64)> {
    let (dir, json_bytes) = corpus_dir(entries)?;
    let started = Instant::now();
    let content = match content::load_dir(&dir) {
        Ok(content) => content,
        Err(err) => {
            println!("corpus does not load: {err}");
            return None;
        }
    };
    let load_ms = started.elapsed().as_secs_f64() * 1000.0;
    let started = Instant::now();
    let index = SearchIndex::build(&content);
    let index_ms = started.elapsed().as_secs_f64() * 1000.0;
    // The ranked tier's postings, as a console builds them once it has opened.
    let started = Instant::now();
    index.prepare_ranked();
    println!(
        "help centre {entries}: ranked tier built in {:.0} ms",
        started.elapsed().as_secs_f64() * 1000.0
    );
    println!(
        "help centre {entries}: {} documents, {:.1} MB of JSON; load {load_ms:.0} ms, index {index_ms:.0} ms, index memory {:.1} MB ({:.2}x the JSON)",
        index.len(),
        json_bytes as f64 / 1e6,
        index.heap_bytes() as f64 / 1e6,
        index.heap_bytes() as f64 / json_bytes as f64,
    );
    Some((content, index, json_bytes))
}

/// Every keystroke of every agent query, each timed five times (median kept); `what` names
/// the searches timed.
fn keystroke_report(entries: usize, index: &SearchIndex, what: &str) {
    let mut times = Vec::new();
    let mut each = Vec::new();
    for query in corpus::AGENT_QUERIES {
        let steps = typing(query);
        let mut runs: Vec<Vec<f64>> = vec![Vec::new(); steps.len()];
        for _ in 0..5 {
            let mut cache = SearchCache::default();
            for (n, step) in steps.iter().enumerate() {
                let started = Instant::now();
                let results = index.search_cached(&mut cache, step);
                runs[n].push(started.elapsed().as_secs_f64() * 1000.0);
                drop(black_box(results));
            }
        }
        for (step, mut run) in steps.iter().zip(runs) {
            run.sort_by(f64::total_cmp);
            let median = run[run.len() / 2];
            each.push((median, step.clone()));
            times.push(median);
        }
    }
    times.sort_by(f64::total_cmp);
    each.sort_by(|a, b| b.0.total_cmp(&a.0));
    let at = |p: usize| times[(times.len() * p).div_ceil(100).saturating_sub(1)];
    let slowest: Vec<String> = each
        .iter()
        .take(10)
        .map(|(ms, step)| format!("\"{step}\" {ms:.1}"))
        .collect();
    println!(
        "help centre {entries}, {what}: {} keystrokes, median {:.2} ms, p90 {:.2} ms, worst {:.2} ms; slowest: {}",
        times.len(),
        at(50),
        at(90),
        at(100),
        slowest.join(", "),
    );
}

fn help_centre(c: &mut Criterion) {
    // HELP_CENTRE_SIZES=1000,10000 measures only those sizes.
    let sizes: Vec<usize> = std::env::var("HELP_CENTRE_SIZES").map_or_else(
        |_| vec![1_000, 10_000, 100_000],
        |sizes| {
            sizes
                .split(',')
                .filter_map(|n| n.trim().parse().ok())
                .collect()
        },
    );
    for entries in sizes {
        let Some((_content, index, _)) = load(entries) else {
            continue;
        };
        // The exact tiers alone (what a console searches with until its ranked tier is
        // ready), then with the ranked tier.
        index.exact_tiers_only(true);
        keystroke_report(entries, &index, "exact tiers alone");
        index.exact_tiers_only(false);
        keystroke_report(entries, &index, "with the ranked tier");
        for query in corpus::AGENT_QUERIES {
            let steps = typing(query);
            c.bench_function(&format!("help centre {entries}: typing \"{query}\""), |b| {
                b.iter(|| {
                    let mut cache = SearchCache::default();
                    for step in &steps {
                        black_box(index.search_cached(&mut cache, step));
                    }
                });
            });
        }
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = help_centre
}
criterion_main!(benches);
