//! The whole `support-console search QUERY --content DIR` process over 100k synthetic Q&A
//! entries, against a fuzzy line filter over the same text (each entry's question and
//! answer on one line), measured in one run. Both print every match to a null sink.
//! The filter is the command in `LINE_FILTER` (its program and leading arguments, split on
//! spaces; the query is added last and the lines come on its standard input). Without it,
//! only our process is measured (and a line says so).

#[path = "support/synthetic.rs"]
mod synthetic;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use criterion::{Criterion, criterion_group, criterion_main};

const ENTRIES: usize = 100_000;
const QUERIES: &[&str] = &["가입 기준", "멤버십"];

/// The content directory and the one-line-per-entry file, made once and kept under target/.
fn data() -> Option<(PathBuf, PathBuf)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let dir = root.join(format!("content-{ENTRIES}"));
    let lines = root.join(format!("lines-{ENTRIES}.txt"));
    let done = root.join(format!("done-{ENTRIES}"));
    if !done.exists() {
        let made = synthetic::write_content_dir(&dir, ENTRIES)
            .and_then(|_| synthetic::write_lines(&lines, ENTRIES))
            .and_then(|()| std::fs::write(&done, b""));
        if let Err(err) = made {
            println!(
                "cannot write benchmark data under {}: {err}",
                root.display()
            );
            return None;
        }
    }
    Some((dir, lines))
}

fn run(command: &mut Command) {
    match command.stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(status) if status.success() => {}
        Ok(status) => panic!("{command:?} exited with {status}"),
        Err(err) => panic!("{command:?} did not start: {err}"),
    }
}

fn whole_process(c: &mut Criterion) {
    let Some((dir, lines)) = data() else {
        return;
    };
    let filter: Option<Vec<String>> = std::env::var("LINE_FILTER")
        .ok()
        .map(|command| command.split_whitespace().map(str::to_owned).collect())
        .filter(|words: &Vec<String>| !words.is_empty());
    if filter.is_none() {
        println!("LINE_FILTER not set: measuring support-console alone");
    }
    let mut group = c.benchmark_group(format!("whole process, {ENTRIES} entries"));
    group.sample_size(10);
    for query in QUERIES {
        group.bench_function(format!("support-console search \"{query}\""), |b| {
            b.iter(|| {
                run(Command::new(env!("CARGO_BIN_EXE_support-console"))
                    .args(["search", query, "--content"])
                    .arg(&dir));
            });
        });
        if let Some(filter) = &filter {
            group.bench_function(format!("line filter \"{query}\""), |b| {
                b.iter(|| {
                    let input = File::open(&lines).expect("benchmark lines file");
                    run(Command::new(&filter[0])
                        .args(&filter[1..])
                        .arg(query)
                        .stdin(Stdio::from(input)));
                });
            });
        }
    }
    group.finish();
}

criterion_group!(benches, whole_process);
criterion_main!(benches);
