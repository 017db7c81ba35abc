//! Writes the help-centre corpus the benchmarks use, for measuring by hand:
//! `cargo run --release --example corpus -- 100000 /tmp/corpus` writes 100 guide files under
//! `/tmp/corpus/content` and every searchable text one a line in `/tmp/corpus/lines.txt`
//! (for line-oriented tools), then prints the sizes.

#![allow(clippy::cast_precision_loss)] // megabytes, printed for people

#[path = "../benches/support/corpus.rs"]
mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let (Some(entries), Some(dir)) = (args.next(), args.next()) else {
        eprintln!("usage: corpus ENTRIES DIR");
        return ExitCode::from(2);
    };
    let Ok(entries) = entries.replace('_', "").parse::<usize>() else {
        eprintln!("ENTRIES must be a number: {entries}");
        return ExitCode::from(2);
    };
    let dir = PathBuf::from(dir);
    let content = dir.join("content");
    let lines = dir.join("lines.txt");
    match corpus::write_corpus(&content, entries, Some(&lines)) {
        Ok(bytes) => {
            let line_bytes = std::fs::metadata(&lines).map_or(0, |m| m.len());
            println!(
                "{entries} entries in {} guides: {:.1} MB of JSON in {}, {:.1} MB of text in {}",
                corpus::guide_sizes(entries).len(),
                bytes as f64 / 1e6,
                content.display(),
                line_bytes as f64 / 1e6,
                lines.display()
            );
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("cannot write the corpus under {}: {err}", dir.display());
            ExitCode::FAILURE
        }
    }
}
