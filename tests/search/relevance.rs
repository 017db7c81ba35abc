//! Relevance: agents' queries against the embedded guide and the help-centre fixtures, each
//! with the answers it expects; hit@3 and MRR per category, printed as a table, and floors
//! the search must keep.
//!
//! Sets are the JSON files of `tests/relevance/` (`heldout.json` aside: it is evaluated only
//! by the ignored test `heldout_relevance`, once, never tuned against). A query whose
//! expected guides are not in the content (an article the importer does not read yet) is
//! left out and counted as such.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use support_console::content;
use support_console::search::{MatchHow, SearchCache, SearchIndex, Target};
use unicode_normalization::UnicodeNormalization;

/// The content every set is measured over: the embedded guide, `tests/fixtures/two-guides`,
/// the importable articles of `tests/fixtures/articles` and `tests/fixtures/helpcentre`.
struct Corpus {
    index: SearchIndex,
    /// Each guide's title, normalised.
    titles: Vec<String>,
    /// For each document, the normalised texts of its answer (its Q&A or SMS template
    /// whole; any other text alone).
    answers: Vec<String>,
    _dir: tempfile::TempDir,
}

static CORPUS: LazyLock<Corpus> = LazyLock::new(|| {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("content");
    std::fs::create_dir_all(&out).unwrap();
    for source in content::embedded_sources() {
        let name = Path::new(&source.name).file_name().unwrap().to_owned();
        std::fs::write(out.join(name), &source.bytes).unwrap();
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    for file in files(&root.join("two-guides"), &["json"]) {
        std::fs::copy(&file, out.join(file.file_name().unwrap())).unwrap();
    }
    let mut articles: Vec<PathBuf> = ["acceptance-rate.md", "card-payment.html", "api-page-2.json"]
        .iter()
        .map(|name| root.join("articles").join(name))
        .collect();
    articles.extend(
        files(&root.join("helpcentre"), &["md", "html", "json", "txt"])
            .into_iter()
            .filter(|path| {
                path.file_name()
                    .is_some_and(|name| name != "README.md" && name != "expected.json")
            }),
    );
    // One article at a time: an article the importer refuses leaves the others in.
    for article in articles {
        let _ = std::process::Command::new(env!("CARGO_BIN_EXE_support-console"))
            .args(["content", "import"])
            .arg(&article)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
    }
    let content = content::load_dir(&out).unwrap_or_else(|err| panic!("{err}"));
    let index = SearchIndex::build(&content);
    let titles = (0..content.guide_count())
        .map(|g| title_key(index.guide_name(g).map_or("", |(_, title)| title)))
        .collect();
    let mut by_target: BTreeMap<String, String> = BTreeMap::new();
    let key = |target: Target, d: usize| match target {
        Target::Qa { .. } | Target::Template { .. } => format!("{target:?}"),
        _ => format!("doc {d}"),
    };
    for (d, doc) in index.docs().enumerate() {
        by_target
            .entry(key(doc.target, d))
            .or_default()
            .push_str(&normalise(&doc.text));
    }
    let answers = index
        .docs()
        .enumerate()
        .map(|(d, doc)| by_target[&key(doc.target, d)].clone())
        .collect();
    Corpus {
        index,
        titles,
        answers,
        _dir: dir,
    }
});

fn files(dir: &Path, extensions: &[&str]) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x))
        })
        .collect();
    found.sort();
    found
}

/// NFC, lower case, no spaces: how texts and snippets are compared.
fn normalise(text: &str) -> String {
    text.nfc()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

#[derive(Debug, Clone)]
struct Expected {
    guide: String,
    text: String,
}

#[derive(Debug, Clone)]
struct Case {
    category: String,
    query: String,
    expected: Vec<Expected>,
}

/// The queries of a set: an array, or an object with `queries`; each with `query`,
/// `category` and `expected` (or `answers`) as `{guide_title, text}`.
fn read_set(path: &Path) -> Vec<Case> {
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|err| {
            panic!("{}: {err}", path.display());
        });
    let list = json
        .get("queries")
        .and_then(serde_json::Value::as_array)
        .or_else(|| json.as_array())
        .unwrap_or_else(|| panic!("{}: no queries", path.display()));
    list.iter()
        .map(|entry| {
            let text = |key: &str| {
                entry
                    .get(key)
                    .and_then(serde_json::Value::as_str)
                    .map(str::to_owned)
            };
            let expected = ["expected", "answers", "expect"]
                .iter()
                .find_map(|key| entry.get(*key).and_then(serde_json::Value::as_array))
                .map(|answers| {
                    answers
                        .iter()
                        .map(|answer| Expected {
                            guide: title_key(
                                answer
                                    .get("guide_title")
                                    .and_then(serde_json::Value::as_str)
                                    .unwrap_or(""),
                            ),
                            text: normalise(
                                answer
                                    .get("text")
                                    .and_then(serde_json::Value::as_str)
                                    .unwrap_or(""),
                            ),
                        })
                        .filter(|answer| !answer.text.is_empty() || !answer.guide.is_empty())
                        .collect()
                })
                .unwrap_or_default();
            Case {
                category: text("category").unwrap_or_else(|| "uncategorised".into()),
                query: text("query")
                    .unwrap_or_else(|| panic!("{}: a query without `query`", path.display())),
                expected,
            }
        })
        .collect()
}

/// A guide's title as the sets compare it (tests/relevance/README.md): NFC, one leading
/// `(...)` group and then one leading `[...]` group taken off with the spaces after them,
/// then normalised.
fn title_key(title: &str) -> String {
    let title: String = title.nfc().collect();
    let mut rest = title.trim_start();
    for (open, close) in [('(', ')'), ('[', ']')] {
        if rest.starts_with(open)
            && let Some(end) = rest.find(close)
        {
            rest = rest[end + close.len_utf8()..].trim_start();
        }
    }
    normalise(rest)
}

/// Whether a guide titled `title` is the expected `guide` (both as [`title_key`] gives them).
fn same_guide(title: &str, guide: &str) -> bool {
    guide.is_empty() || title == guide
}

impl Corpus {
    fn has_guide(&self, guide: &str) -> bool {
        self.titles.iter().any(|title| same_guide(title, guide))
    }

    /// Whether document `d` answers as `expected` does.
    fn answers(&self, d: usize, expected: &Expected) -> bool {
        let doc = self.index.doc(d);
        let title = &self.titles[doc.target.guide()];
        if !same_guide(title, &expected.guide) {
            return false;
        }
        let text = normalise(&doc.text);
        expected.text.is_empty()
            || self.answers[d].contains(&expected.text)
            || (text.chars().count() >= 6 && expected.text.contains(&text))
    }
}

/// One query's outcome: the rank of its first right hit (1-based, within the first ten),
/// or for a question no guide answers whether every hit shown is partial.
enum Outcome {
    Rank(Option<usize>),
    Unanswerable { only_partial: bool },
    NotLoaded,
}

fn run(corpus: &Corpus, query: &Case) -> (Outcome, Vec<String>) {
    let mut results = corpus
        .index
        .search_cached(&mut SearchCache::default(), &query.query);
    results.rank_up_to(&corpus.index, 10);
    let hits = results.ranked();
    let shown: Vec<String> = hits
        .iter()
        .take(3)
        .map(|hit| {
            let doc = corpus.index.doc(hit.doc);
            let partial = if hit.how.contains(MatchHow::PARTIAL) {
                "~"
            } else {
                ""
            };
            format!("{partial}{}", doc.text.chars().take(30).collect::<String>())
        })
        .collect();
    if query.expected.is_empty() {
        let only_partial = hits.iter().all(|hit| hit.how.contains(MatchHow::PARTIAL));
        return (Outcome::Unanswerable { only_partial }, shown);
    }
    // Alternatives in guides the importer does not read yet are left aside.
    if !query.expected.iter().any(|e| corpus.has_guide(&e.guide)) {
        return (Outcome::NotLoaded, shown);
    }
    let rank = hits.iter().take(10).position(|hit| {
        std::iter::once(hit.doc)
            .chain(hit.also.iter().copied())
            .any(|d| query.expected.iter().any(|e| corpus.answers(d, e)))
    });
    (Outcome::Rank(rank.map(|r| r + 1)), shown)
}

#[derive(Default, Debug, Clone, Copy)]
struct Tally {
    answerable: usize,
    in_top_three: usize,
    reciprocal: f64,
    unanswerable: usize,
    only_partial: usize,
    not_loaded: usize,
}

impl Tally {
    #[allow(clippy::cast_precision_loss)] // counts of queries
    fn hit_at_3(&self) -> f64 {
        self.in_top_three as f64 / self.answerable.max(1) as f64
    }

    #[allow(clippy::cast_precision_loss)]
    fn mrr(&self) -> f64 {
        self.reciprocal / self.answerable.max(1) as f64
    }
}

/// Runs `queries`, prints a table (and every miss), gives the tallies by category and overall.
fn evaluate(name: &str, queries: &[Case]) -> (BTreeMap<String, Tally>, Tally) {
    let corpus = &*CORPUS;
    let mut by_category: BTreeMap<String, Tally> = BTreeMap::new();
    let mut misses = Vec::new();
    for query in queries {
        let tally = by_category.entry(query.category.clone()).or_default();
        let (outcome, shown) = run(corpus, query);
        match outcome {
            Outcome::NotLoaded => tally.not_loaded += 1,
            Outcome::Unanswerable { only_partial } => {
                tally.unanswerable += 1;
                if only_partial {
                    tally.only_partial += 1;
                } else {
                    misses.push(format!(
                        "  [{}] {} → exact hits {shown:?}",
                        query.category, query.query
                    ));
                }
            }
            Outcome::Rank(rank) => {
                tally.answerable += 1;
                if let Some(rank) = rank {
                    #[allow(clippy::cast_precision_loss)] // a rank up to ten
                    {
                        tally.reciprocal += 1.0 / rank as f64;
                    }
                }
                if rank.is_some_and(|r| r <= 3) {
                    tally.in_top_three += 1;
                    if rank != Some(1) && std::env::var_os("RELEVANCE_VERBOSE").is_some() {
                        misses.push(format!(
                            "  (rank {rank:?}) [{}] {} → top {shown:?}",
                            query.category, query.query
                        ));
                    }
                } else {
                    misses.push(format!(
                        "  [{}] {} → rank {rank:?}, top {shown:?}",
                        query.category, query.query
                    ));
                }
            }
        }
    }
    let mut overall = Tally::default();
    for tally in by_category.values() {
        overall.answerable += tally.answerable;
        overall.in_top_three += tally.in_top_three;
        overall.reciprocal += tally.reciprocal;
        overall.unanswerable += tally.unanswerable;
        overall.only_partial += tally.only_partial;
        overall.not_loaded += tally.not_loaded;
    }
    println!(
        "relevance of {name} ({} queries over {} guides):",
        queries.len(),
        corpus.titles.len()
    );
    println!("| category | answerable | hit@3 | MRR | unanswerable: only partial | not loaded |");
    println!("| --- | --- | --- | --- | --- | --- |");
    for (category, tally) in by_category
        .iter()
        .chain([(&"overall".to_owned(), &overall)])
    {
        println!(
            "| {category} | {} | {:.2} | {:.2} | {}/{} | {} |",
            tally.answerable,
            tally.hit_at_3(),
            tally.mrr(),
            tally.only_partial,
            tally.unanswerable,
            tally.not_loaded,
        );
    }
    if !misses.is_empty() {
        println!("misses:\n{}", misses.join("\n"));
    }
    (by_category, overall)
}

/// The sets under `tests/relevance/` but the held-out one.
fn sets() -> Vec<(String, Vec<Case>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance");
    files(&dir, &["json"])
        .into_iter()
        .filter(|path| path.file_name().is_some_and(|name| name != "heldout.json"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, read_set(&path))
        })
        .collect()
}

/// Floors just under the figures measured over the whole help centre (docs/search.md: 0.77
/// and 0.64 on `queries.json`, 0.86 and 0.74 on `agent_queries.json`; typos 0.56 the lowest
/// category): a change that loses ground fails. The targets (0.90, 0.85, 0.80 a
/// category) are not reached yet.
const HIT_AT_3_FLOOR: f64 = 0.75;
const MRR_FLOOR: f64 = 0.62;
const CATEGORY_FLOOR: f64 = 0.50;

#[test]
fn agents_queries_find_their_answers() {
    let mut failures = Vec::new();
    for (name, queries) in sets() {
        let (by_category, overall) = evaluate(&name, &queries);
        if overall.answerable > 0 && overall.hit_at_3() < HIT_AT_3_FLOOR {
            failures.push(format!(
                "{name}: hit@3 {:.2} < {HIT_AT_3_FLOOR}",
                overall.hit_at_3()
            ));
        }
        if overall.answerable > 0 && overall.mrr() < MRR_FLOOR {
            failures.push(format!("{name}: MRR {:.2} < {MRR_FLOOR}", overall.mrr()));
        }
        for (category, tally) in &by_category {
            if tally.answerable >= 3 && tally.hit_at_3() < CATEGORY_FLOOR {
                failures.push(format!(
                    "{name}: {category} hit@3 {:.2} < {CATEGORY_FLOOR}",
                    tally.hit_at_3()
                ));
            }
            if tally.only_partial < tally.unanswerable {
                failures.push(format!(
                    "{name}: {category}: {} of {} unanswerable queries show an exact hit",
                    tally.unanswerable - tally.only_partial,
                    tally.unanswerable
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The held-out set, evaluated once and reported (`cargo test --test search heldout --
/// --ignored --nocapture`): never tuned against.
#[test]
#[ignore = "the held-out set is evaluated once, by hand"]
fn heldout_relevance() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/relevance/heldout.json");
    let queries = read_set(&path);
    let _ = evaluate("heldout.json", &queries);
}

/// Prints what a query shows over the relevance corpus, hit by hit (`RELEVANCE_QUERY='…'
/// cargo test --test search explain -- --ignored --nocapture`): what a miss in the table
/// showed and why.
#[test]
#[ignore = "a tool for reading one query's hits"]
fn explain() {
    let corpus = &*CORPUS;
    let Some(query) = std::env::var_os("RELEVANCE_QUERY") else {
        return;
    };
    for query in query.to_string_lossy().split('|') {
        let mut results = corpus
            .index
            .search_cached(&mut SearchCache::default(), query);
        results.rank_up_to(&corpus.index, 10);
        println!(
            "{query}: {} hits; read as {:?}",
            results.total(),
            results.readings()
        );
        for hit in results.ranked().iter().take(10) {
            let doc = corpus.index.doc(hit.doc);
            println!(
                "  {:>6} {:<10} {:<22} {:?} [{}] {}",
                hit.score,
                doc.kind.as_str(),
                hit.how.names().join(","),
                doc.target,
                corpus.titles[doc.target.guide()]
                    .chars()
                    .take(14)
                    .collect::<String>(),
                doc.text
                    .replace('\n', " ")
                    .chars()
                    .take(60)
                    .collect::<String>()
            );
        }
    }
}
