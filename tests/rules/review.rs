//! Reviews: `content review` lists the drafts with their cited sentences, accepts and rejects
//! them; the decisions survive the next import while the sentences stay as they were, and a
//! rule whose cited sentence changed goes back to draft and is listed.

use std::path::{Path, PathBuf};

use super::cases::run;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/articles")
        .join(name)
}

fn import(file: &Path, out: &Path) -> (u8, String, String) {
    run(&[
        "content",
        "import",
        file.to_str().expect("path"),
        "--out",
        out.to_str().expect("path"),
    ])
}

fn review(dir: &Path, more: &[&str]) -> (u8, serde_json::Value, String) {
    let mut args = vec![
        "content",
        "review",
        "--content",
        dir.to_str().expect("path"),
    ];
    args.extend(more);
    args.push("--json");
    let (code, stdout, stderr) = run(&args);
    let json = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (code, json, stderr)
}

fn ids(list: &serde_json::Value) -> Vec<String> {
    list.as_array()
        .map(|l| {
            l.iter()
                .filter_map(|e| e["rule"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn drafts_are_listed_with_their_sentences_and_what_they_decide() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = import(&fixture("seed.md"), dir.path());
    assert_eq!(code, 0, "{stderr}");
    let (code, json, stderr) = review(dir.path(), &[]);
    assert_eq!(code, 0, "{stderr}");
    let drafts = json["drafts"].as_array().expect("drafts");
    assert_eq!(drafts.len(), 11, "{json}");
    let signup = drafts
        .iter()
        .find(|d| d["summary"] == "가입 기준 평점 4.0 이상")
        .expect("the signup line");
    assert_eq!(signup["decides"], serde_json::json!(["signup"]));
    assert_eq!(
        signup["cites"][0]["text"],
        "평점 4.0점 이상 가입 가능 (갱신 기준 : 평점 3.8이상)"
    );
    // Drafts answer nothing yet.
    let (code, stdout, _) = run(&[
        "check",
        "--content",
        dir.path().to_str().expect("path"),
        "--json",
        "--at",
        "2024-11-20T10:00:00+09:00",
    ]);
    assert_eq!(code, 0);
    assert!(!stdout.contains("\"signup\""), "{stdout}");
}

#[test]
fn accepted_rules_answer_and_survive_a_new_import() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed = fixture("seed.md");
    import(&seed, dir.path());
    let (code, json, stderr) = review(dir.path(), &["--accept-all"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(ids(&json["accepted"]).len(), 11);
    assert_eq!(json["drafts"], serde_json::json!([]));
    assert!(dir.path().join("reviews.json").is_file());
    // The same article imported again: every review applies again.
    let (code, _, stderr) = import(&seed, dir.path());
    assert_eq!(code, 0, "{stderr}");
    let (_, json, _) = review(dir.path(), &[]);
    assert_eq!(json["drafts"], serde_json::json!([]), "{json}");
    let (code, stdout, _) = run(&[
        "check",
        "--content",
        dir.path().to_str().expect("path"),
        "--json",
        "--at",
        "2024-11-20T10:00:00+09:00",
        "--rating",
        "3.9",
    ]);
    assert_eq!(code, 0);
    let verdict: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(verdict["signup"]["ok"], false);
}

#[test]
fn a_changed_sentence_sends_its_rule_back_to_review_and_a_rejection_stays() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = tempfile::tempdir().expect("tempdir");
    let article = work.path().join("seed.md");
    let text = std::fs::read_to_string(fixture("seed.md")).expect("seed");
    std::fs::write(&article, &text).expect("write");
    import(&article, dir.path());
    let (_, json, _) = review(dir.path(), &[]);
    let channel = json["drafts"]
        .as_array()
        .expect("drafts")
        .iter()
        .find(|d| {
            d["kind"] == "eligibility" && d["summary"].as_str().is_some_and(|s| s.contains("경로"))
        })
        .and_then(|d| d["rule"].as_str())
        .expect("the channel rule")
        .to_owned();
    let (code, json, _) = review(dir.path(), &["--reject", &channel]);
    assert_eq!(code, 0);
    assert_eq!(ids(&json["rejected"]), std::slice::from_ref(&channel));
    let (code, _, _) = review(dir.path(), &["--accept-all"]);
    assert_eq!(code, 0);

    // The help centre lowers the payment-failure line: the sentence that rule cites changes.
    let lowered = text.replace(
        "전월 평균 3.7 이하가되는 경우",
        "전월 평균 3.6 이하가되는 경우",
    );
    assert_ne!(lowered, text);
    std::fs::write(&article, lowered).expect("write");
    let (code, _, stderr) = import(&article, dir.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("다시 검토"), "the import says so: {stderr}");
    let (_, json, _) = review(dir.path(), &[]);
    let changed = json["changed"].as_array().expect("changed");
    assert_eq!(changed.len(), 1, "{json}");
    assert_eq!(changed[0]["before"][0], "ㅁ 전월 평균 3.7 이하가되는 경우");
    assert_eq!(changed[0]["now"][0], "ㅁ 전월 평균 3.6 이하가되는 경우");
    assert_eq!(changed[0]["was"], "accepted");
    // Only that rule is back; every other review applied again.
    assert_eq!(
        ids(&json["drafts"]),
        [changed[0]["rule"].as_str().unwrap_or_default()]
    );
    let (code, stdout, _) = run(&[
        "check",
        "--content",
        dir.path().to_str().expect("path"),
        "--json",
        "--member",
        "renewal",
        "--prev-month-avg",
        "3.65",
        "--at",
        "2024-12-15T10:00:00+09:00",
    ]);
    assert_eq!(code, 0);
    let verdict: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    // The draft does not answer: the renewal line alone leaves 3.65 undecided.
    assert_eq!(
        verdict["payment"]["ok"],
        serde_json::Value::Null,
        "{verdict}"
    );
    // The rejection stays (its sentence did not change).
    let guide: serde_json::Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("article-seed.json")).expect("guide"),
    )
    .expect("json");
    let rejected: Vec<&serde_json::Value> = guide["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .filter(|r| r["status"] == "rejected")
        .collect();
    assert_eq!(rejected.len(), 1);
}

#[test]
fn an_accepted_rule_that_fails_its_check_is_named_and_left_a_draft() {
    let dir = tempfile::tempdir().expect("tempdir");
    let work = tempfile::tempdir().expect("tempdir");
    // A price with no payment method named: a reviewed price needs one.
    let article = work.path().join("fee.md");
    std::fs::write(
        &article,
        "# [일반] 이용료 안내\n\n**1️⃣ 가이드**\n\n**1. 상담 유형 : 택시\\_기사 ▶ 이용료**\n\n**2. 응대 순서 : 문의 확인 ▶ 안내**\n\n**2️⃣ 참고 및 주의사항**\n\n#### **① 이용료**\n\n* 월 10,000원 정기결제\n",
    )
    .expect("write");
    let (code, _, stderr) = import(&article, dir.path());
    assert_eq!(code, 0, "{stderr}");
    let (code, json, _) = review(dir.path(), &["--accept-all"]);
    assert_eq!(code, 1, "{json}");
    assert_eq!(json["ok"], false);
    let failed = &json["failed"][0];
    assert!(failed["rule"].as_str().is_some_and(|r| !r.is_empty()));
    assert!(
        failed["errors"][0]
            .as_str()
            .is_some_and(|e| e.contains("결제 수단")),
        "{json}"
    );
    assert_eq!(
        ids(&json["drafts"]),
        [failed["rule"].as_str().unwrap_or_default()]
    );
    // Unknown ids are refused with exit 2.
    let (code, _, stderr) = review(dir.path(), &["--accept", "no-such-rule"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no-such-rule"), "{stderr}");
}

#[test]
fn content_diff_names_guides_and_sentences_that_changed() {
    let (old, new) = (
        tempfile::tempdir().expect("old"),
        tempfile::tempdir().expect("new"),
    );
    let work = tempfile::tempdir().expect("tempdir");
    let article = work.path().join("seed.md");
    let text = std::fs::read_to_string(fixture("seed.md")).expect("seed");
    std::fs::write(&article, &text).expect("write");
    import(&article, old.path());
    import(&fixture("acceptance-rate.md"), old.path());
    std::fs::write(
        &article,
        text.replace(
            "전월 평균 3.7 이하가되는 경우",
            "전월 평균 3.6 이하가되는 경우",
        ),
    )
    .expect("write");
    import(&article, new.path());
    let (code, stdout, stderr) = run(&[
        "content",
        "diff",
        old.path().to_str().expect("path"),
        new.path().to_str().expect("path"),
        "--json",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let json: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    let counts = [&json["added"], &json["removed"], &json["changed"]];
    assert_eq!(
        counts.map(serde_json::Value::as_u64),
        [Some(0), Some(1), Some(1)]
    );
    let changed = json["guides"]
        .as_array()
        .expect("guides")
        .iter()
        .find(|g| g["change"] == "changed")
        .expect("changed guide");
    assert_eq!(changed["id"], "article-seed");
    assert_eq!(
        changed["sentences"],
        serde_json::json!([{
            "id": "article-seed-q2-s2-14",
            "place": "Q2 [정책 및 참고사항]",
            "before": "ㅁ 전월 평균 3.7 이하가되는 경우",
            "after": "ㅁ 전월 평균 3.6 이하가되는 경우",
        }])
    );
    let (code, text, _) = run(&[
        "content",
        "diff",
        old.path().to_str().expect("path"),
        new.path().to_str().expect("path"),
    ]);
    assert_eq!(code, 0);
    assert!(
        text.contains("[삭제] 수락률 기준 변경(우선 배차)"),
        "{text}"
    );
    assert!(
        text.contains("→ \"ㅁ 전월 평균 3.6 이하가되는 경우\""),
        "{text}"
    );
}
