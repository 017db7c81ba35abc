//! One keystroke's search over synthetic Korean content of 1k, 10k and 100k Q&A entries:
//! the time from a key press to a counted result list with the first page in order, as the
//! console does it. Also prints the index's memory against the content's JSON size.

#![allow(clippy::cast_precision_loss)] // megabytes and a ratio, printed for people to read

#[path = "support/synthetic.rs"]
mod synthetic;

use std::hint::black_box;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use support_console::search::{SearchCache, SearchIndex};

/// (what the agent has typed, the next keystroke's query)
const KEYSTROKES: &[(&str, &str)] = &[
    ("", "ㄱ"),
    ("", "가"),
    ("가", "가입"),
    ("가입 기", "가입 기준"),
    ("ㄱㅇㄱ", "ㄱㅇㄱㅈ"),
    ("rkdlq rlwn", "rkdlq rlwns"),
    // A slip (맴 for 멤) found only by the one-syllable-slip fallback.
    ("vmfhaoaqjtl", "vmfhaoaqjtlq"),
    // Backspace.
    ("가입 기준", "가입 기"),
    // Caps Lock on in English mode.
    ("RKDLQ RLWN", "RKDLQ RLWNS"),
    // A misspelling (쉽 for 십), read with its common spellings.
    ("멤버쉬", "멤버쉽"),
    // An everyday word (환불 for 환급) and words in another order.
    ("결제 환부", "결제 환불"),
    ("무료 한", "무료 한달"),
];

fn warm_cache(index: &SearchIndex, typed: &str) -> SearchCache {
    let mut cache = SearchCache::default();
    let mut query = String::new();
    for ch in typed.chars() {
        query.push(ch);
        index.search_cached(&mut cache, &query);
    }
    cache
}

fn keystroke(c: &mut Criterion) {
    for entries in [1_000, 10_000, 100_000] {
        let index = SearchIndex::from_docs(synthetic::synthetic_docs(entries))
            .with_synonyms(&synthetic::synonyms());
        for &(typed, next) in KEYSTROKES {
            let warm = warm_cache(&index, typed);
            let name = format!("keystroke {entries} \"{typed}\" → \"{next}\"");
            c.bench_function(&name, |b| {
                b.iter_batched(
                    || warm.clone(),
                    |mut cache| black_box(index.search_cached(&mut cache, next)),
                    BatchSize::LargeInput,
                );
            });
        }
    }
}

fn build(c: &mut Criterion) {
    for entries in [1_000, 10_000, 100_000] {
        let docs = synthetic::synthetic_docs(entries);
        c.bench_function(&format!("index build {entries}"), |b| {
            b.iter_batched(
                || docs.clone(),
                |docs| black_box(SearchIndex::from_docs(docs)),
                BatchSize::LargeInput,
            );
        });
    }
}

/// The index built from real content files, against their size on disk.
fn memory_report(_: &mut Criterion) {
    let dir = std::env::temp_dir().join(format!("support-console-mem-{}", std::process::id()));
    let json_bytes = match synthetic::write_content_dir(&dir, 100_000) {
        Ok(bytes) => bytes,
        Err(err) => {
            println!(
                "memory report skipped: cannot write {}: {err}",
                dir.display()
            );
            return;
        }
    };
    match support_console::content::load_dir(&dir) {
        Ok(content) => {
            let index = SearchIndex::build(&content);
            let bytes = index.heap_bytes();
            let ratio = bytes as f64 / json_bytes as f64;
            println!(
                "index memory at 100k entries: {:.1} MB for {:.1} MB of content JSON ({ratio:.2}x)",
                bytes as f64 / 1e6,
                json_bytes as f64 / 1e6,
            );
        }
        Err(err) => println!("memory report skipped: {err}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20);
    targets = memory_report, keystroke, build
}
criterion_main!(benches);
