//! Search over the embedded guide: each matching mode, ranking, and any query is safe.
#![allow(clippy::cast_possible_truncation)] // ranges index short test strings

#[path = "../benches/support/synthetic.rs"]
mod synthetic;

use std::sync::LazyLock;

use proptest::prelude::*;
use support_console::content;
use support_console::hangul::initial_of;
use support_console::search::{DocKind, Hit, SearchCache, SearchIndex};

fn index() -> SearchIndex {
    SearchIndex::build(&content::load_embedded().unwrap())
}

fn first(index: &SearchIndex, query: &str) -> (DocKind, String) {
    let hits = index.search(query);
    let doc = index.doc(
        hits.first()
            .unwrap_or_else(|| panic!("no hit for {query}"))
            .doc,
    );
    (doc.kind, doc.text.clone())
}

#[test]
fn each_mode_finds_its_example() {
    let index = index();
    for query in [
        "가입기준",
        "ㄱㅇㄱㅈ",
        "가입 ㄱㅈ",
        "가입 기ㅈ",
        "rkdlq rlwns",
    ] {
        assert!(first(&index, query).1.contains("가입 기준"), "{query}");
    }
    for query in ["ㅍㄹㅁㅂㅅ", "멤ㅂ", "vmfhapaqjtlq"] {
        let (_, text) = first(&index, query);
        assert!(
            text.contains("프로 멤버십") || text.contains("프로멤버십") || text.contains("멤버십"),
            "{query}: {text}"
        );
    }
    // Aliases are searched: "월 요금" stands in no text of the guide but an alias, so the
    // alias is the best hit; with the aliases taken out of the content it is not found whole.
    assert_eq!(
        first(&index, "월 요금"),
        (DocKind::Alias, "월 요금".to_owned())
    );
    let mut json: serde_json::Value =
        serde_json::from_slice(&content::embedded_sources()[0].bytes).unwrap();
    for qa in json["qa"].as_array_mut().unwrap() {
        qa["aliases"] = serde_json::json!([]);
    }
    let without = SearchIndex::build(
        &content::load_sources(&[content::SourceFile {
            name: "g.json".into(),
            bytes: serde_json::to_vec(&json).unwrap(),
        }])
        .unwrap(),
    );
    assert!(
        without
            .search("월 요금")
            .iter()
            .all(|hit| without.doc(hit.doc).kind != DocKind::Alias
                && !without.doc(hit.doc).text.contains("월 요금")),
        "without aliases nothing holds the query whole"
    );
}

#[test]
fn ranking_questions_first_and_signup_sms_for_signup_method() {
    let index = index();
    assert_eq!(first(&index, "가입 방법").0, DocKind::SmsTitle);
    assert_eq!(first(&index, "가입 기준").0, DocKind::Question);
    // Ties keep content order; an empty query lists everything in content order.
    let all = index.search("");
    assert_eq!(all.len(), index.len());
    assert!(all.windows(2).all(|w| w[0].doc < w[1].doc));
}

#[test]
fn cli_json_hits() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_support-console"))
        .args(["search", "가입 방법", "--json", "--limit", "1"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let hits: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(hits.as_array().unwrap().len(), 1);
    assert_eq!(hits[0]["id"], "sms-signup-how-to");
    assert_eq!(hits[0]["kind"], "sms_title");
    let text: Vec<char> = hits[0]["text"].as_str().unwrap().chars().collect();
    let matched: String = hits[0]["ranges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| text[r[0].as_u64().unwrap() as usize..r[1].as_u64().unwrap() as usize].iter())
        .collect();
    assert_eq!(matched, "가입방법");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, ..ProptestConfig::default() })]

    #[test]
    fn any_query_is_safe_and_ranges_lie_on_char_boundaries(query in prop_oneof![
        any::<String>(),
        "[ㄱ-ㅎㅏ-ㅣ가-힣a-zA-Z \\u{0300}-\\u{036f}\\u{1F600}-\\u{1F64F}\\x00-\\x1f]{0,40}",
    ]) {
        let index = index();
        for hit in index.search(&query) {
            let len = index.doc(hit.doc).text.chars().count();
            for range in &hit.ranges {
                prop_assert!(range.start < range.end && range.end <= len);
            }
        }
    }
}

#[test]
fn a_ten_thousand_character_query_returns() {
    let index = index();
    let _ = index.search(&"가ㅏ😀\u{301}\u{1b}".repeat(2_000));
}

/// Synthetic content large enough that searches are split across cores.
static LARGE: LazyLock<SearchIndex> =
    LazyLock::new(|| SearchIndex::from_docs(synthetic::synthetic_docs(20_000)));

/// Best first; equal scores in content order.
fn assert_ranked(hits: &[Hit]) {
    for pair in hits.windows(2) {
        assert!(
            pair[0].score > pair[1].score
                || (pair[0].score == pair[1].score && pair[0].doc < pair[1].doc),
            "out of order: {:?} then {:?}",
            (pair[0].doc, pair[0].score),
            (pair[1].doc, pair[1].score)
        );
    }
}

#[test]
fn every_matching_document_is_counted_across_cores() {
    let index = &*LARGE;
    // A lone consonant matches exactly the documents with a syllable it starts.
    let expected = index
        .docs()
        .iter()
        .filter(|doc| doc.text.chars().any(|c| initial_of(c) == Some('ㄱ')))
        .count();
    let hits = index.search("ㄱ");
    assert_eq!(hits.len(), expected);
    assert_ranked(&hits);
    let mut docs: Vec<usize> = hits.iter().map(|hit| hit.doc).collect();
    docs.sort_unstable();
    docs.dedup();
    assert_eq!(docs.len(), hits.len(), "each document once");
}

#[test]
fn ranking_a_page_at_a_time_gives_the_full_order() {
    let index = &*LARGE;
    for query in ["가입 기준", "ㄱㅇㄱㅈ", "rkdlq rlwns", "멤ㅂ"] {
        let all = index.search(query);
        assert_ranked(&all);
        let mut results = index.search_cached(&mut SearchCache::default(), query);
        assert_eq!(results.total(), all.len(), "{query}");
        for page in [1, 7, 150, 1_000, usize::MAX] {
            results.rank_up_to(index, page);
            let ranked = results.ranked();
            assert_eq!(ranked, &all[..ranked.len()], "{query} at {page}");
        }
    }
}

#[test]
fn a_slip_is_forgiven_only_when_little_else_matches() {
    let index = &*LARGE;
    // 프로맴버십 (ㅐ for ㅔ) is nowhere; with the slip forgiven it finds 프로 멤버십.
    let hits = index.search("vmfhaoaqjtlq");
    assert!(!hits.is_empty());
    let text = &index.doc(hits[0].doc).text;
    assert!(text.contains("프로 멤버십"), "{text}");
    // Exact matches abound for 프로멤버십: no slips among them.
    for hit in index.search("프로멤버십").iter().take(50) {
        let text = index.doc(hit.doc).text.replace(' ', "");
        assert!(text.contains("프로멤버십"), "{text}");
    }
}

/// A key an agent presses in the search field: a character, or Backspace.
fn keystrokes() -> impl Strategy<Value = Vec<Option<char>>> {
    let key = prop_oneof![
        8 => prop::sample::select(vec![
            '가', '입', '기', '준', '멤', '버', '십', '프', '로', '평', '점', '깆', '멥',
            'ㄱ', 'ㅇ', 'ㅈ', 'ㅂ', 'ㅍ', 'ㅏ', 'r', 'k', 'd', 'l', 'q', 'a', ' ', '?', '1',
        ]).prop_map(Some),
        2 => Just(None),
    ];
    prop::collection::vec(key, 1..12)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Work kept from earlier keystrokes (typing on, or Backspace) never changes a result.
    #[test]
    fn typing_gives_the_same_results_as_a_fresh_search(keys in keystrokes()) {
        for index in [&index(), &*LARGE] {
            let mut cache = SearchCache::default();
            let mut query = String::new();
            for key in &keys {
                match key {
                    Some(ch) => query.push(*ch),
                    None => {
                        query.pop();
                    }
                }
                let typed = index.search_cached(&mut cache, &query).into_all(index);
                let fresh = index.search(&query);
                prop_assert_eq!(typed, fresh, "query {:?}", query);
            }
        }
    }
}
