//! Search over the embedded guide: each matching mode, ranking, and any query is safe.
#![allow(clippy::cast_possible_truncation)] // ranges index short test strings

// The synthetic set, as the help-centre corpus (below) includes it.
use corpus::synthetic;

use std::sync::LazyLock;

use proptest::prelude::*;
use support_console::content;
use support_console::hangul::initial_of;
use support_console::search::{DocKind, FIRST_PAGE, Hit, SearchCache, SearchIndex, SearchResults};

#[path = "support/cli.rs"]
mod cli;

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
    (doc.kind, doc.text.into_owned())
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
static LARGE: LazyLock<SearchIndex> = LazyLock::new(|| {
    SearchIndex::from_docs(synthetic::synthetic_docs(20_000)).with_synonyms(&synthetic::synonyms())
});

/// The same documents searched by a plain scan.
static SCANNED: LazyLock<SearchIndex> = LazyLock::new(|| {
    SearchIndex::from_docs(synthetic::synthetic_docs(20_000))
        .with_synonyms(&synthetic::synonyms())
        .scanning_only()
});

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

/// The query after each key (a character typed, or Backspace).
fn typed_queries(keys: &[Option<char>]) -> Vec<String> {
    let mut query = String::new();
    keys.iter()
        .map(|key| {
            match key {
                Some(ch) => query.push(*ch),
                None => {
                    query.pop();
                }
            }
            query.clone()
        })
        .collect()
}

/// A key an agent presses in the search field: a character, or Backspace.
fn keystrokes() -> impl Strategy<Value = Vec<Option<char>>> {
    let key = prop_oneof![
        8 => prop::sample::select(vec![
            '가', '입', '기', '준', '멤', '버', '십', '프', '로', '평', '점', '깆', '멥',
            'ㄱ', 'ㅇ', 'ㅈ', 'ㅂ', 'ㅍ', 'ㅏ', 'r', 'k', 'd', 'l', 'q', 'a', ' ', '?', '1',
            // Caps Lock and Shift, misspellings, everyday words, words in another order.
            'R', 'K', 'D', 'L', 'Q', 'T', '쉽', '맴', '돼', '환', '불', '해', '지', '무', '료',
            '한', '달', '안', '됨',
        ]).prop_map(Some),
        2 => Just(None),
    ];
    prop::collection::vec(key, 1..12)
}

proptest! {
    // 64 cases a run; PROPTEST_CASES sets more for a longer hunt.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(64),
        ..ProptestConfig::default()
    })]

    /// Work kept from earlier keystrokes (typing on, or Backspace) never changes a result.
    #[test]
    fn typing_gives_the_same_results_as_a_fresh_search(keys in keystrokes()) {
        for index in [&index(), &*LARGE] {
            let mut cache = SearchCache::default();
            for query in typed_queries(&keys) {
                let typed = index.search_cached(&mut cache, &query);
                let fresh = index.search(&query);
                assert_first_page(&typed, &fresh, &query);
                prop_assert_eq!(typed.into_all(index), fresh, "query {:?}", query);
            }
        }
    }

    /// The lists of which documents hold which characters, and leaving out the hits that
    /// cannot be on the page, only spare work: typing with them gives what a plain scan of
    /// every document, every hit kept, gives.
    #[test]
    fn the_character_lists_give_what_a_plain_scan_gives(keys in keystrokes()) {
        let mut cache = SearchCache::default();
        for query in typed_queries(&keys) {
            let listed = LARGE.search_cached(&mut cache, &query);
            let scanned = SCANNED.search_cached(&mut SearchCache::default(), &query);
            prop_assert_eq!(listed.readings(), scanned.readings(), "query {:?}", query);
            let scanned = SCANNED.search(&query);
            assert_first_page(&listed, &scanned, &query);
            prop_assert_eq!(listed.into_all(&LARGE), scanned, "query {:?}", query);
        }
    }
}

/// Key sequences that once gave a typed query other hits than a fresh search.
#[test]
fn typing_found_wrong_once_gives_the_same_results_as_a_fresh_search() {
    let sequences: [&[Option<char>]; 1] = [&[
        Some('가'),
        Some('가'),
        None,
        Some('q'),
        Some('L'),
        Some('ㄱ'),
        None,
        None,
        Some('가'),
        Some('가'),
    ]];
    for keys in sequences {
        for index in [&index(), &*LARGE] {
            let mut cache = SearchCache::default();
            for query in typed_queries(keys) {
                let typed = index.search_cached(&mut cache, &query);
                let fresh = index.search(&query);
                assert_first_page(&typed, &fresh, &query);
                assert_eq!(typed.into_all(index), fresh, "query {query:?}");
            }
        }
    }
}

/// The hits a keystroke counts and puts in order are those of every hit ranked.
fn assert_first_page(results: &SearchResults, all: &[Hit], query: &str) {
    assert_eq!(results.total(), all.len(), "total of {query:?}");
    if query.trim().is_empty() {
        // A listing of everything is put in order as the list is shown.
        return;
    }
    let page = results.ranked();
    assert_eq!(page.len(), all.len().min(FIRST_PAGE), "page of {query:?}");
    assert_eq!(page, &all[..page.len()], "page of {query:?}");
}

// ---- Search as agents really type (Caps Lock, misspellings, everyday words, word order) ----

use support_console::content::Synonym;
use support_console::search::MatchHow;

/// The first `n` hits of `query`: (text, how it matched).
fn top(index: &SearchIndex, query: &str, n: usize) -> Vec<(String, MatchHow)> {
    index
        .search(query)
        .iter()
        .take(n)
        .map(|hit| (index.doc(hit.doc).text.into_owned(), hit.how))
        .collect()
}

/// Whether one of the first three hits of `query` holds `text` (spaces ignored), matched
/// the way `how` says.
fn in_top_three(index: &SearchIndex, query: &str, text: &str, how: MatchHow) -> bool {
    let wanted = text.replace(' ', "");
    top(index, query, 3)
        .iter()
        .any(|(hit, hit_how)| hit.replace(' ', "").contains(&wanted) && hit_how.contains(how))
}

#[test]
fn caps_lock_and_shift_read_as_the_korean_keyboard() {
    let index = index();
    // Caps Lock on in English mode: upper case letters typed unshifted.
    assert!(in_top_three(
        &index,
        "RKDLQ RLWNS",
        "가입 기준",
        MatchHow::KEYBOARD
    ));
    assert!(in_top_three(
        &index,
        "VMFHAPAQJTLQ",
        "프로멤버십",
        MatchHow::KEYBOARD
    ));
    // Shift gives the double consonants: dlT is 있.
    assert!(in_top_three(
        &index,
        "dlTtmqslek",
        "있습니다",
        MatchHow::KEYBOARD
    ));
    // Caps Lock and Shift together give lower case for the shifted key: DLtTMQSLEK.
    assert!(in_top_three(
        &index,
        "DLtTMQSLEK",
        "있습니다",
        MatchHow::KEYBOARD
    ));
    let results = index.search_cached(&mut SearchCache::default(), "RKDLQ RLWNS");
    // The Caps Lock reading first; after it only what the ranked tier adds below the exact
    // hits (a partial hit's note).
    let readings = results.readings();
    assert_eq!(readings[0], "RKDLQ RLWNS → 가입 기준 (Caps Lock)");
    assert!(
        readings[1..].iter().all(|line| line.contains("부분 일치")),
        "{readings:?}"
    );
}

#[test]
fn common_misspellings_are_found_below_exact_matches() {
    let index = index();
    // 멤버쉽 (the guide writes 멤버십) is found, and said to be a misspelling.
    assert!(in_top_three(
        &index,
        "멤버쉽",
        "멤버십",
        MatchHow::MISSPELLING
    ));
    // ㅔ/ㅐ: 맴버십.
    assert!(in_top_three(
        &index,
        "맴버십",
        "멤버십",
        MatchHow::MISSPELLING
    ));
    // 되/돼: the guide asks 어떻게 되나요.
    assert!(in_top_three(
        &index,
        "어떻게 돼나요",
        "어떻게 되나요",
        MatchHow::MISSPELLING
    ));
    // Spacing: 한 달 무료 is written 한달 무료 too.
    assert!(in_top_three(
        &index,
        "한달무료",
        "한 달 무료",
        MatchHow::PLAIN
    ));
    let results = index.search_cached(&mut SearchCache::default(), "멤버쉽");
    assert_eq!(results.readings(), vec!["멤버쉽: 비슷한 철자 (오타)"]);
}

#[test]
fn everyday_words_find_the_guides_words() {
    let index = index();
    for (query, text) in [
        ("환불", "환급"),
        ("네트워크 에러", "네트워크 오류"),
        ("결제 안됨", "결제 실패"),
        ("결제 안 돼요", "결제 실패"),
        ("해지", "종료"),
    ] {
        assert!(
            in_top_three(&index, query, text, MatchHow::SYNONYM),
            "{query}: {:?}",
            top(&index, query, 3)
        );
    }
    let results = index.search_cached(&mut SearchCache::default(), "환불");
    assert_eq!(results.readings(), vec!["환급 (유의어)"]);
}

#[test]
fn words_match_in_any_order() {
    let index = index();
    assert!(in_top_three(
        &index,
        "무료 한달",
        "한달 무료",
        MatchHow::WORD_ORDER
    ));
    // Typed in the guide's order, the same words are a plain match.
    assert!(top(&index, "한달 무료", 1)[0].1.is_plain());
}

#[test]
fn everything_on_screen_is_searchable() {
    let index = index();
    let first_kind = |query: &str| first(&index, query);
    assert_eq!(
        first_kind("종료 일정"),
        (DocKind::Schedule, "[프로멤버십 서비스 종료 일정]".into())
    );
    assert_eq!(first_kind("정책 및 참고").0, DocKind::Section);
    // The link's text is a note's too: the note (a text) comes first, the link with it.
    assert!(
        index
            .search("참고 아지트")
            .iter()
            .take(3)
            .any(|hit| index.doc(hit.doc).kind == DocKind::Link)
    );
    assert_eq!(first_kind("사유별 처리방법").0, DocKind::Guide);
    // A policy table's rows are searched as the screen shows them.
    assert!(
        index
            .search("3.7 이하가되는")
            .iter()
            .any(|hit| index.doc(hit.doc).kind == DocKind::Policy)
    );
}

/// Content of one guide whose notes are `texts` (all the same kind of document), with a
/// global synonym list.
fn index_of(texts: &[&str], synonyms: &[(&str, &str)]) -> SearchIndex {
    let items: Vec<serde_json::Value> = texts
        .iter()
        .enumerate()
        .map(|(n, text)| serde_json::json!({"id": format!("n{n}"), "text": text}))
        .collect();
    let guide = serde_json::json!({
        "id": "t", "heading": "테스트", "title": "테스트", "category": ["테스트"],
        "handling_order": [{"id": "s", "label": "확인"}],
        "notes": [{"id": "notes", "items": items}],
    });
    let list: Vec<Synonym> = synonyms
        .iter()
        .map(|(word, means)| Synonym {
            words: vec![(*word).to_owned()],
            means: (*means).to_owned(),
        })
        .collect();
    let sources = [
        content::SourceFile {
            name: "t.json".into(),
            bytes: serde_json::to_vec(&guide).unwrap(),
        },
        content::SourceFile {
            name: "synonyms.json".into(),
            bytes: serde_json::to_vec(&serde_json::json!({ "synonyms": list })).unwrap(),
        },
    ];
    SearchIndex::build(&content::load_sources(&sources).unwrap())
}

/// The score of the hit whose text is `text`.
fn score_of(index: &SearchIndex, query: &str, text: &str) -> i64 {
    index
        .search(query)
        .iter()
        .find(|hit| index.doc(hit.doc).text == text)
        .unwrap_or_else(|| panic!("{query} does not find {text}"))
        .score
}

#[test]
fn a_plain_match_outranks_every_other_reading_of_the_same_text() {
    let index = index_of(&["가입 기준 안내"], &[]);
    let plain = score_of(&index, "가입 기준", "가입 기준 안내");
    for query in [
        "ㄱㅇㄱㅈ",
        "rkdlq rlwns",
        "RKDLQ RLWNS",
        "가입 기쥰",
        "기준 가입",
    ] {
        let other = score_of(&index, query, "가입 기준 안내");
        assert!(plain > other, "{query}: {other} is not below {plain}");
    }
    // Within one list: the text as typed first, then the misspelt, then the everyday word.
    let index = index_of(
        &["환급 멤버십 안내", "환불 맴버십 안내", "환불 멤버십 안내"],
        &[("환불", "환급")],
    );
    // A misspelling keeps the words typed: it ranks above an everyday word's match.
    let order: Vec<(String, MatchHow)> = top(&index, "환불 멤버십", 3);
    assert_eq!(order[0], ("환불 멤버십 안내".into(), MatchHow::PLAIN));
    assert_eq!(order[1], ("환불 맴버십 안내".into(), MatchHow::MISSPELLING));
    assert_eq!(order[2], ("환급 멤버십 안내".into(), MatchHow::SYNONYM));
}

#[test]
fn words_in_order_and_adjacent_rank_first() {
    let index = index_of(
        &["한달 무료 지원", "무료 혜택과 한달 지원", "무료 한달 지원"],
        &[],
    );
    let order = top(&index, "무료 한달", 3);
    assert_eq!(order[0], ("무료 한달 지원".into(), MatchHow::PLAIN));
    assert_eq!(order[1], ("무료 혜택과 한달 지원".into(), MatchHow::PLAIN));
    assert_eq!(order[2], ("한달 무료 지원".into(), MatchHow::WORD_ORDER));
}

#[test]
fn spacing_as_typed_ranks_first() {
    let index = index_of(&["가입기준 안내", "가입 기준 안내"], &[]);
    let order = top(&index, "가입 기준", 2);
    assert_eq!(order[0].0, "가입 기준 안내");
    assert_eq!(order[1].0, "가입기준 안내");
}

#[test]
fn a_guides_own_synonyms_apply_to_that_guide_only() {
    let mut json: serde_json::Value =
        serde_json::from_slice(&content::embedded_sources()[0].bytes).unwrap();
    json["synonyms"] = serde_json::json!([{"words": ["관리자화면"], "means": "어드민"}]);
    let other = serde_json::json!({
        "id": "other", "heading": "다른 가이드", "title": "다른 가이드", "category": ["기타"],
        "handling_order": [{"id": "s", "label": "어드민 확인"}],
    });
    let content = content::load_sources(&[
        content::SourceFile {
            name: "a.json".into(),
            bytes: serde_json::to_vec(&json).unwrap(),
        },
        content::SourceFile {
            name: "b.json".into(),
            bytes: serde_json::to_vec(&other).unwrap(),
        },
    ])
    .unwrap();
    let index = SearchIndex::build(&content);
    let hits = index.search("관리자화면");
    assert!(!hits.is_empty());
    for hit in &hits {
        let doc = index.doc(hit.doc);
        assert_eq!(doc.target.guide(), 0, "{}", doc.text);
        // The ranked tier's partial hits hold part of the query, read with the guide's
        // words too; every other hit is the everyday word's.
        assert!(
            hit.how.contains(MatchHow::SYNONYM) || hit.how.contains(MatchHow::PARTIAL),
            "{}",
            doc.text
        );
    }
}

#[test]
fn cli_json_says_how_each_hit_matched() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_support-console"))
        .args(["search", "rkdlq rlwns", "--json", "--limit", "1"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let hits: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(hits[0]["matched_by"], serde_json::json!(["keyboard"]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("rkdlq rlwns → 가입 기준"), "{stderr}");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_support-console"))
        .args(["search", "가입 방법", "--json", "--limit", "1"])
        .output()
        .unwrap();
    let hits: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(hits[0]["matched_by"], serde_json::json!([]));
}

#[test]
fn derived_readings_are_looked_for_only_below_a_page_of_direct_matches() {
    let mut texts = vec!["맴버십 안내"; 1];
    texts.extend(std::iter::repeat_n("멤버십 안내", 5));
    let few = index_of(&texts, &[]);
    let hits = few.search("멤버십");
    assert_eq!(hits.len(), 6);
    assert!(hits[5].how.contains(MatchHow::MISSPELLING));
    // A page of matches as typed: a misspelling could only rank after them all.
    texts.extend(std::iter::repeat_n("멤버십 안내", 100));
    let many = index_of(&texts, &[]);
    let hits = many.search("멤버십");
    assert_eq!(hits.len(), 105);
    assert!(hits.iter().all(|hit| hit.how.is_plain()));
}

#[path = "../benches/support/corpus.rs"]
mod corpus;

/// `search QUERY ARGS... --json --content DIR` with the index cache in `cache`.
fn search_json(
    dir: &std::path::Path,
    cache: &std::path::Path,
    query: &str,
    args: &[&str],
) -> serde_json::Value {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_support-console"))
        .args(["search", query, "--json", "--content"])
        .arg(dir)
        .args(args)
        .env("XDG_CACHE_HOME", cache)
        .output()
        .unwrap();
    cli::json_of(&output)
}

#[test]
fn the_stored_index_is_used_only_while_it_matches_the_content() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("content");
    let cache = root.path().join("cache");
    corpus::write_corpus(&dir, 1_500, None).unwrap();
    let how = |query: &str| search_json(&dir, &cache, query, &["--keystrokes"])["index"].clone();
    let hits =
        |cache: &std::path::Path, query: &str| search_json(&dir, cache, query, &["--limit", "50"]);
    assert_eq!(how("가입"), "built");
    let (stored, ranked): (Vec<_>, Vec<_>) = std::fs::read_dir(cache.join("support-console"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .partition(|path| path.extension().is_some_and(|ext| ext == "bin"));
    assert_eq!(stored.len(), 1, "{stored:?}");
    // The ranked tier's postings, built for the query, are kept beside the index.
    assert_eq!(ranked, vec![stored[0].with_extension("ranked")]);
    let file = stored[0].clone();
    assert_eq!(how("가입"), "stored");
    let typed = search_json(&dir, &cache, "가입 기준", &["--keystrokes"]);
    assert_eq!(typed["keystrokes"].as_array().unwrap().len(), 5);
    assert!(typed["keystrokes"][4]["hits"].as_u64().unwrap() > 0);
    // The same hits from the stored index as from the content.
    let fresh = hits(&root.path().join("elsewhere"), "배차 취소");
    assert_eq!(hits(&cache, "배차 취소"), fresh);
    // A damaged file of the ranked tier is built again, never trusted.
    let ranked_file = file.with_extension("ranked");
    let mut ranked_bytes = std::fs::read(&ranked_file).unwrap();
    let middle = ranked_bytes.len() / 2;
    ranked_bytes[middle] ^= 0x10;
    std::fs::write(&ranked_file, ranked_bytes).unwrap();
    assert_eq!(hits(&cache, "배차 취소"), fresh);
    // Damaged, truncated or foreign: rebuilt, never trusted.
    let bytes = std::fs::read(&file).unwrap();
    let mut damaged = bytes.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x10;
    for broken in [
        damaged,
        bytes[..bytes.len() / 2].to_vec(),
        b"not an index".to_vec(),
    ] {
        std::fs::write(&file, broken).unwrap();
        assert_eq!(how("가입"), "built");
        assert_eq!(hits(&cache, "배차 취소"), fresh);
        assert_eq!(how("가입"), "stored");
    }
    // Content changed: the old index is stale.
    let guide = dir.join("corpus-001.json");
    let text = std::fs::read_to_string(&guide).unwrap();
    std::fs::write(&guide, text.replace("도움말 1\"", "바뀐 도움말 1\"")).unwrap();
    assert_eq!(how("가입"), "built");
    let changed = hits(&cache, "바뀐 도움말");
    assert!(changed.as_array().is_some_and(|hits| !hits.is_empty()));
}

/// A half-typed syllable with a final (각: 가 + the ㄱ that may start the next syllable) as
/// a whole query: the documents where only its head stands before such a syllable are hits
/// too, and may rank above those holding the syllable itself.
#[test]
fn a_half_typed_syllable_ranks_its_head_matches_with_the_rest() {
    use std::sync::Arc;
    use support_console::search::{Doc, Target};
    let doc = |n: usize, text: &str| Doc {
        kind: DocKind::Note,
        id: Arc::from(format!("n{n}").as_str()),
        title: Arc::from("t"),
        text: text.to_owned(),
        target: Target::Guide { guide: 0 },
    };
    let texts = [
        "나다라 각",
        "가게 나다",
        "각 가게",
        "나 가게",
        "다라마바 가나",
    ];
    let docs: Vec<Doc> = (0..600).map(|n| doc(n, texts[n % 7 % 5])).collect();
    let listed = SearchIndex::from_docs(docs.clone());
    let scanned = SearchIndex::from_docs(docs).scanning_only();
    for query in ["각", "가", "ㄱ", "각 가", "rkr"] {
        let results = listed.search_cached(&mut SearchCache::default(), query);
        assert_first_page(&results, &scanned.search(query), query);
    }
}

/// A space after the last character changes nothing: typed or not, the same hits.
#[test]
fn a_trailing_space_answers_as_the_query_without_it() {
    let index = &*LARGE;
    for query in ["가입", "rkdlq", "ㄱㅇ", "무료 한", "멤버쉽"] {
        let mut cache = SearchCache::default();
        let without = index.search_cached(&mut cache, query).into_all(index);
        let spaced = format!("{query}  ");
        assert_eq!(index.search(&spaced), without, "{query:?}");
        let typed = index.search_cached(&mut cache, &spaced).into_all(index);
        assert_eq!(typed, without, "{query:?} after typing it");
    }
}

/// Lone consonants are matched on the characters' initials (a list kept beside the codes)
/// in every document, the first included, and in an index of one document; the plain scan
/// of the codes finds the same.
#[test]
fn lone_consonants_match_in_the_first_document_and_in_one_alone() {
    use std::sync::Arc;
    use support_console::search::{Doc, Target};
    let doc = |text: &str| Doc {
        kind: DocKind::Note,
        id: Arc::from(text),
        title: Arc::from("t"),
        text: text.to_owned(),
        target: Target::Guide { guide: 0 },
    };
    for texts in [
        vec!["앱 카카오"],
        vec!["부스터 기사님 앱 카카오 목적지?", "앱 오"],
    ] {
        let docs: Vec<Doc> = texts.iter().map(|text| doc(text)).collect();
        let listed = SearchIndex::from_docs(docs.clone());
        let scanned = SearchIndex::from_docs(docs).scanning_only();
        for query in ["ㅇㅋ", "ㅇㅇ", "ㅇㅋㅋㅇ", "ㅋㅇ"] {
            let found = |index: &SearchIndex| {
                let mut docs: Vec<usize> = index.search(query).iter().map(|hit| hit.doc).collect();
                docs.sort_unstable();
                docs
            };
            assert!(found(&listed).contains(&0), "{texts:?} {query}");
            assert_eq!(found(&listed), found(&scanned), "{texts:?} {query}");
        }
    }
    // Not in order: no hit.
    let one = SearchIndex::from_docs(vec![doc("앱 카카오")]);
    assert!(one.search("ㅋㅋㅇㅇ").is_empty());
}

/// A keystroke's kept work covers only the documents its half-typed last syllable hits:
/// typing on within that syllable, leaving it (Backspace, another syllable, another mode)
/// and coming back give what a plain scan of every document gives.
#[test]
fn work_kept_for_a_half_typed_syllable_serves_only_what_completes_it() {
    use std::sync::Arc;
    use support_console::search::{Doc, Target};
    let texts = [
        "가입 기준 안내",
        "가이드 보기",
        "가인 씨 연락",
        "가입 긱 노동",
        "가입깆 표기",
        "수락률 기준",
        "수라간 안내",
        "수락 거절",
        "멤버십 가입",
        "메모 멥",
        "멤벗 표기",
        "기사님 앱",
        "가 입 기 준",
    ];
    let docs: Vec<Doc> = texts
        .iter()
        .map(|text| Doc {
            kind: DocKind::Note,
            id: Arc::from(*text),
            title: Arc::from("t"),
            text: (*text).to_owned(),
            target: Target::Guide { guide: 0 },
        })
        .collect();
    let small = SearchIndex::from_docs(docs.clone());
    let small_scanned = SearchIndex::from_docs(docs).scanning_only();
    let sequences: [&[&str]; 7] = [
        &["수", "수락", "수라", "수락", "수락률", "수락", "수"],
        // `가입` keeps only documents with `입` after `가`; `가이기` needs `가이드 보기` too.
        &["가", "가입", "가이기", "가입기", "가이기", "가입 기준"],
        &[
            "가",
            "가이",
            "가입",
            "가입 ",
            "가입 기",
            "가입 긱",
            "가입 기",
            "가입 기준",
            "가입 기",
        ],
        &[
            "가",
            "가입",
            "가이",
            "가인",
            "가입",
            "가입ㄱ",
            "가입기",
            "가입깆",
        ],
        &[
            "r",
            "rk",
            "rkd",
            "rkdl",
            "rkdlq",
            "rkdlq r",
            "rkdlq rl",
            "rkdlq rlw",
            "rkdlq r",
        ],
        &[
            "ㄱ",
            "ㄱㅇ",
            "ㄱㅇㄱ",
            "ㄱㅇ기",
            "ㄱㅇㄱㅈ",
            "ㄱㅇㄱ",
            "ㄱㅇ",
        ],
        &["멤", "멤버", "멤벗", "멤버", "멤버쉽", "멤버", "메", "멥"],
    ];
    for (index, scanned) in [(&small, &small_scanned), (&*LARGE, &*SCANNED)] {
        for queries in sequences {
            let mut cache = SearchCache::default();
            for query in queries {
                let typed = index.search_cached(&mut cache, query);
                let plain = scanned.search(query);
                assert_first_page(&typed, &plain, query);
                assert_eq!(typed.into_all(index), plain, "{queries:?} at {query:?}");
            }
        }
    }
}

#[path = "search/relevance.rs"]
mod relevance;
