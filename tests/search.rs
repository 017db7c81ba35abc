//! Search over the embedded guide: each matching mode, ranking, and any query is safe.
#![allow(clippy::cast_possible_truncation)] // ranges index short test strings

use proptest::prelude::*;
use support_console::content;
use support_console::search::{DocKind, SearchIndex};

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
    assert!(
        !index.search("평점 기준").is_empty(),
        "aliases are searched"
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
