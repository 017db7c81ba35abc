//! The embedded content holds every fact of the guide, and bad content is refused whole.
#![allow(clippy::too_many_lines, clippy::items_after_statements)]

use std::fs;
use std::path::Path;
use std::process::Command;

use support_console::content::{
    self, Case, Channels, Comparison, DatedValue, Exception, ItemKind, Met, Period, PricePer,
    RuleTerms, SectionKind, WindowEffect,
};
use support_console::search;

#[path = "content/helpcentre.rs"]
mod helpcentre;
#[path = "content/import.rs"]
mod import;
#[path = "content/import_hostile.rs"]
mod import_hostile;
#[path = "content/import_properties.rs"]
mod import_properties;
#[path = "content/import_variants.rs"]
mod import_variants;
#[path = "content/places.rs"]
mod places;
#[path = "content/sync.rs"]
mod sync;
#[path = "support/zendesk.rs"]
mod zendesk;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_support-console"))
}

fn embedded() -> content::Content {
    content::load_embedded().expect("embedded content is valid")
}

/// The embedded content exported (`content export`) into `out`, a folder of guide files.
fn export_embedded(out: &std::path::Path) {
    let status = bin().args(["content", "export"]).arg(out).status().unwrap();
    assert!(status.success());
}

#[test]
fn every_fact_of_the_guide() {
    let content = embedded();
    let guide = content
        .guide_by_id("pro-membership-signup")
        .expect("the guide");
    assert_eq!(guide.heading, "(서비스종료) [일반] 프로멤버십(가입)");
    assert_eq!(guide.title, "프로멤버십(가입)");
    assert_eq!(guide.status.as_deref(), Some("서비스종료"));
    assert_eq!(
        guide.category_path(),
        "택시_기사 ▶ 가입/심사/내정보 ▶ 멤버십 ▶ 일반"
    );
    assert_eq!(
        guide.handling_order_line(),
        "멤버십 문의사항 탐색 ▶ 사유별 처리방법 확인 ▶ 앱 조작 안내"
    );
    assert_eq!(guide.handling_order.len(), 3);

    let admin = guide.link("admin-screen").unwrap();
    assert_eq!(
        (
            admin.label.as_str(),
            admin.url.as_deref(),
            admin.placeholder.as_deref()
        ),
        ("어드민 화면", None, Some("링크 처리"))
    );
    let app = guide.link("app-screen").unwrap();
    assert_eq!((app.label.as_str(), app.url.as_deref()), ("앱 화면", None));
    assert_eq!(
        guide.link("agit-insurance").unwrap().url.as_deref(),
        Some("https://ext.agit.in/g/300015992/wall/344122248#comment_panel_344124043")
    );

    let schedule = guide.schedule.as_ref().unwrap();
    let events: Vec<_> = schedule
        .events
        .iter()
        .map(|e| (e.at.as_str(), e.line()))
        .collect();
    assert_eq!(
        events,
        vec![
            (
                "2024-11-28T00:00:00+09:00",
                "24/11/28 멤버십 종료 안내 공지".to_owned()
            ),
            (
                "2024-12-01T00:00:00+09:00",
                "24/12/01 신규 이용자 멤버십 가입 중단 (~11/30 23:59:59까지 신규 가입가능)"
                    .to_owned()
            ),
            (
                "2025-01-01T00:00:00+09:00",
                "25/01/01 이용자 멤버십 갱신 중단 (잔여 구독기간 이용 후 갱신 없이 서비스 종료)"
                    .to_owned()
            ),
        ]
    );

    // The rules, in the one model every guide uses: windows, a price, conditions and
    // eligibilities, each reading inputs the guide declares.
    let terms: Vec<&RuleTerms> = guide.rules.iter().map(|r| &r.terms).collect();
    for (event, effect) in [
        ("schedule-notice", WindowEffect::Notice),
        ("schedule-signup-closed", WindowEffect::SignupClosed),
        ("schedule-renewal-closed", WindowEffect::RenewalClosed),
    ] {
        assert!(terms.contains(&&RuleTerms::Window {
            from: None,
            until: None,
            event: Some(event.into()),
            effect,
        }));
    }
    assert!(terms.contains(&&RuleTerms::Window {
        from: Some("2021-08-23".into()),
        until: None,
        event: None,
        effect: WindowEffect::ConditionsInForce,
    }));
    assert!(terms.contains(&&RuleTerms::Price {
        amount_krw: 39_000,
        per: PricePer::Month,
        methods: vec![
            "카카오페이 머니".into(),
            "카카오페이 카드".into(),
            "휴대폰".into()
        ]
    }));
    assert!(terms.contains(&&RuleTerms::Eligibility {
        decides: vec!["free_first_month".into()],
        allowed: true,
        when: None,
        requires: Some("signup".into()),
        refunded_as: Some("포인트".into()),
        by: None,
        exceptions: vec![Exception {
            when: Case {
                input: "prior_benefit".into(),
                is: None
            },
            allowed: false,
            also: vec!["앱 탈퇴 후 재가입".into()],
        }],
    }));
    let condition = |decided: &str, over, compared, value, meeting, what: &str| {
        terms.iter().any(|terms| {
            matches!(terms, RuleTerms::Condition {
                metric, period, comparison, values, decides, met, subject, ..
            } if metric == "평점" && *period == over && *comparison == compared
                && decides == decided && *met == meeting && subject == what
                && *values == vec![DatedValue { value, from: None, until: None }])
        })
    };
    assert!(condition(
        "signup",
        None,
        Comparison::AtLeast,
        4.0,
        Met::Allows,
        "가입 기준"
    ));
    assert!(condition(
        "renewal",
        None,
        Comparison::AtLeast,
        3.8,
        Met::Allows,
        "갱신 기준"
    ));
    assert!(condition(
        "payment",
        Some(Period::PreviousMonth),
        Comparison::AtMost,
        3.7,
        Met::Fails,
        "결제 기준"
    ));
    assert!(terms.contains(&&RuleTerms::Eligibility {
        decides: vec!["signup".into(), "renewal".into()],
        allowed: true,
        when: Some(Case {
            input: "rating".into(),
            is: Some("none".into())
        }),
        requires: None,
        refunded_as: None,
        by: None,
        exceptions: Vec::new(),
    }));
    assert!(terms.contains(&&RuleTerms::Eligibility {
        decides: vec!["signup".into()],
        allowed: true,
        when: None,
        requires: None,
        refunded_as: None,
        by: Some(Channels {
            driver_app: true,
            agent_admin: false
        }),
        exceptions: Vec::new(),
    }));
    let flags: Vec<&str> = guide.inputs.iter().map(|i| i.flag.as_str()).collect();
    assert_eq!(
        flags,
        [
            "member",
            "rating",
            "prev-month-avg",
            "prior-benefit",
            "renewal-date"
        ]
    );
    // Every rule cites sentences that exist.
    for rule in &guide.rules {
        for source in &rule.sources {
            assert!(
                content.sentence(source).is_some(),
                "{} cites {source}",
                rule.id
            );
        }
    }

    let items = || guide.notes.iter().flat_map(|s| &s.items);
    let of_kind = |kind| {
        items()
            .filter(|i| i.kind == kind)
            .map(|i| i.text.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        of_kind(ItemKind::Benefit),
        vec![
            "지도모드(지도뷰콜카드)",
            "목적지 부스터",
            "실시간 수요지도",
            "단골관리 기능"
        ]
    );
    assert_eq!(
        of_kind(ItemKind::Partner),
        vec![
            "신한은행 택시기사 우대 대출 제공",
            "금호타이어 택시 전용 타이어 제휴 할인",
            "멤버십 기사 안심보험 무료 제공"
        ]
    );
    let app_path = items().find(|i| i.kind == ItemKind::AppPath).unwrap();
    assert_eq!(
        app_path.path,
        vec![
            "기사앱 메뉴",
            "프로 제휴서비스",
            "카카오 T 택시 기사 안심보험"
        ]
    );

    let q1 = &guide.qa[0];
    assert_eq!(
        q1.questions,
        vec![
            "프로 멤버십이 무엇인가요?",
            "프로멤버십에 가입 하면 어떤 점이 좋은가요?"
        ]
    );
    fn script(qa: &content::Qa) -> Vec<&str> {
        qa.sections
            .iter()
            .filter(|s| s.kind == SectionKind::Script)
            .flat_map(|s| &s.items)
            .map(|i| i.text.as_str())
            .collect::<Vec<_>>()
    }
    assert_eq!(
        script(q1),
        vec![
            "기사님의 성공적인 비즈니스를 위해 카카오 T 택시에서 제공하는 멤버십 서비스입니다.",
            "지도모드(지도뷰콜카드), 목적지 부스터, 실시간 수요지도, 단골관리 기능을 제공하여\n기사님들의 영업 효율성을 높일 수 있고, 그 외에도 다양한 제휴 서비스를 제공하고 있습니다.",
            "첫 가입 한 달은 무료로 이용하실 수 있으며, 월 39,000원에 사용 가능하니 이용해 보시길 추천드립니다.",
        ]
    );
    assert_eq!(q1.sms_templates, vec!["sms-signup-how-to"]);
    let q2 = &guide.qa[1];
    assert_eq!(
        q2.questions,
        vec![
            "프로멤버십 가입 기준이 어떻게 되나요?",
            "프로멤버십 가입 기준은 왜 생긴건가요?"
        ]
    );
    assert_eq!(
        script(q2),
        vec![
            "새로 가입하는 기사님들의 경우 평점 4.0 이상이어야 가입이 가능합니다.",
            "기존에 프로멤버십을 이용중인 기사님들의 경우 3.8점 이하로 평점이 하락하지 않을 경우 지속 이용이 가능 합니다.",
            "(21년 8월 23일부터 적용)",
            "'새로운 기능'과 '다양한 혜택'이 있는 프로 멤버십은 고객의 서비스 만족도를 높이기 위해\n앞으로 품질 관리가 우수한 기사님들께서만 가입이 가능한 점 참고(양해)부탁드립니다.",
        ]
    );
    let policy: Vec<_> = q2
        .sections
        .iter()
        .filter(|s| s.kind == SectionKind::PolicyTable)
        .flat_map(|s| &s.items)
        .map(|i| i.text.as_str())
        .collect();
    assert_eq!(
        policy.join(" "),
        "- 가입 기준 : 평점 4.0 이상 - 갱신 기준 : 평점 3.8 이상 ㅁ 평가 부족으로 평점이 없는 경우에도 가입 및 갱신 가능 ㅁ 전월 평균 3.7 이하가되는 경우 ㄴ 다음 결제일에 결제 실패 ㄴ\"네트워크 오류 메시지\"가 노출"
    );

    let (_, template) = content.template("sms-signup-how-to").unwrap();
    assert_eq!(template.label(), "기사 SMS 템플릿 - 멤버십 가입 방법 안내");
    assert_eq!(template.text, SIGNUP_SMS);
}

const SIGNUP_SMS: &str = "카카오 T 파트너 운영센터입니다.

카카오 T 기사 앱 내에서 '프로 멤버십' 가입 방법과 상세 기능 설정 방법을 안내해 드립니다.

[프로 멤버십 가입 방법]
① 우측 상단 [메뉴] - 내 정보 하단 [멤버십] 프로 멤버십 가입하기
② 프로 멤버십 결제하기 하단 약관 동의 '가입하고 혜택 받기'
③ 결제하기 카카오페이 또는 휴대폰 결제 선택

[프로 멤버십 기능 확인 방법]
① 카카오 T 택시 기사 앱 우측 상단 [메뉴] - [서비스 문의] 선택
② 카카오 T 택시 기사용 챗봇 인증 (최초 1회에 한해 진행)
③ [서비스 이용] 선택 - [멤버십 안내] 선택
④ [자세히 보기] 선택 시 안내 페이지로 이동
※ 챗봇 접속 가능 링크 https://pf.kakao.com/_WxoXcl

기사님들께서 보다 좋은 환경에서 운행하실 수 있도록 노력하는 카카오 모빌리티가 되겠습니다.";

/// Folds away what is Markdown rather than guide text: emphasis, list and heading marks,
/// table pipes, keycap digits, escapes, and all whitespace.
fn fold_markup(text: &str) -> String {
    text.replace("1️⃣", "")
        .replace("2️⃣", "")
        .replace("3️⃣", "")
        .chars()
        .filter(|c| !c.is_whitespace() && !"*#-|\\<>`=―─".contains(*c))
        .collect()
}

/// Every line of the seed guide appears in the content. Lines the content holds as structure
/// rather than prose are checked through that structure.
#[test]
fn every_sentence_of_the_seed_is_in_the_content() {
    let content = embedded();
    let guide = content.guide(0).unwrap();
    let mut corpus = String::new();
    let json = serde_json::to_value(guide).unwrap();
    fn strings(value: &serde_json::Value, out: &mut String) {
        match value {
            serde_json::Value::String(s) => {
                out.push_str(s);
                out.push('\u{1}');
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            serde_json::Value::Object(o) => o.values().for_each(|v| strings(v, out)),
            _ => {}
        }
    }
    strings(&json, &mut corpus);
    for event in &guide.schedule.as_ref().unwrap().events {
        corpus.push_str(&event.line());
    }
    for item in guide.citable_items() {
        corpus.push_str(&guide.item_text(item));
    }
    for template in &guide.sms_templates {
        // The Q&A pane shows the reference as the guide does: "[label]".
        corpus.push('[');
        corpus.push_str(&template.label());
        corpus.push(']');
    }
    let folded_corpus = fold_markup(&corpus.replace('\u{1}', ""));
    let seed = fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/seed_guide.md"),
    )
    .unwrap();
    let structural = [
        (
            format!("1. 상담 유형 : {}", guide.category_path()),
            "상담 유형",
        ),
        (
            format!("2. 응대 순서 : {}", guide.handling_order_line()),
            "응대 순서",
        ),
        ("3. 어드민 화면 : 링크 처리".to_owned(), "어드민 화면"),
        ("4. 앱 화면 : 링크 처리".to_owned(), "앱 화면"),
    ];
    let mut checked = 0;
    for line in seed.lines() {
        let line = line.replace('\u{a0}', " ");
        let folded = fold_markup(&line);
        if folded.is_empty() {
            continue;
        }
        checked += 1;
        if let Some(url) = line.strip_prefix("![](").and_then(|l| l.strip_suffix(')')) {
            assert!(guide.images.iter().any(|i| i == url), "image {url}");
            continue;
        }
        if let Some((expected, _)) = structural
            .iter()
            .find(|(_, key)| folded.contains(&fold_markup(key)))
        {
            assert_eq!(fold_markup(expected), folded, "structural line {line}");
            continue;
        }
        // Sections the console shows as headings of its own layout.
        if [
            "가이드",
            "참고및주의사항",
            "스크립트/Q&A",
            "A1.",
            "A2.",
            "Q1.",
        ]
        .contains(&folded.as_str())
        {
            continue;
        }
        let folded = folded
            .trim_start_matches("Q1.")
            .trim_start_matches("Q2.")
            .to_owned();
        assert!(folded_corpus.contains(&folded), "not in content: {line}");
    }
    assert!(checked > 60, "read {checked} lines");
}

#[test]
fn content_check_passes_on_embedded() {
    let output = bin().args(["content", "check"]).output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let output = bin().args(["content", "check", "--json"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["ok"], true);
    assert_eq!(report["qa"], 2);
}

#[test]
fn export_round_trips() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    export_embedded(&out);
    let status = bin()
        .args(["content", "check", "--content"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let reloaded = content::load_dir(&out).unwrap();
    assert_eq!(reloaded, embedded());
    assert_eq!(reloaded.version(), embedded().version());
    // Export is a fixed point: exporting the exported content writes the same bytes.
    let again = dir.path().join("again");
    assert!(
        bin()
            .args(["content", "export", "--content"])
            .arg(&out)
            .arg(&again)
            .status()
            .unwrap()
            .success()
    );
    assert_eq!(
        fs::read(out.join("pro-membership-signup.json")).unwrap(),
        fs::read(again.join("pro-membership-signup.json")).unwrap()
    );
}

fn embedded_json() -> serde_json::Value {
    let source = &content::embedded_sources()[0];
    serde_json::from_slice(&source.bytes).unwrap()
}

/// Writes the given files into a fresh directory and runs `content check --content` on it.
fn check_dir(files: &[(&str, Vec<u8>)]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes) in files {
        fs::write(dir.path().join(name), bytes).unwrap();
    }
    let output = bin()
        .args(["content", "check", "--content"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    // Nothing partial: the library refuses the whole directory too, and read a guide at a
    // time (as a first start indexes it) with the very same problems.
    let whole = content::load_dir(dir.path()).unwrap_err();
    let streamed = content::stream_dir(dir.path(), || (), |(), _, _| ());
    assert_eq!(streamed.err().map(|errors| errors.0), Some(whole.0));
    (output.status.code(), stderr)
}

fn mutated(change: impl FnOnce(&mut serde_json::Value)) -> Vec<u8> {
    let mut json = embedded_json();
    change(&mut json);
    serde_json::to_vec_pretty(&json).unwrap()
}

#[test]
fn truncated_json_names_file_and_line() {
    let bytes = &content::embedded_sources()[0].bytes;
    let (code, stderr) = check_dir(&[("guide.json", bytes[..bytes.len() / 2].to_vec())]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("guide.json:"), "{stderr}");
    assert!(stderr.contains("JSON이 잘렸나요?"), "{stderr}");
}

#[test]
fn wrong_type_names_line() {
    let bytes = mutated(|j| j["qa"][0]["questions"] = serde_json::json!("not a list"));
    let (code, stderr) = check_dir(&[("guide.json", bytes)]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("guide.json:") && stderr.contains("expected a sequence"),
        "{stderr}"
    );
}

#[test]
fn duplicate_id_across_files() {
    let second = mutated(|j| {
        j["id"] = serde_json::json!("another-guide");
        j["sms_templates"] = serde_json::json!([]);
        j["qa"][0]["sms_templates"] = serde_json::json!([]);
    });
    let (code, stderr) = check_dir(&[
        ("a.json", embedded_json().to_string().into_bytes()),
        ("b.json", second),
    ]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("b.json:") && stderr.contains("id \"qa-what-is\"가 중복됩니다"),
        "{stderr}"
    );
    assert!(stderr.contains("처음 선언: "), "{stderr}");
}

/// Ids declared again in several files name the very first declaration, and each file's
/// problems with its ids come in declaration order (ids are declared on every core).
#[test]
fn duplicate_ids_name_the_first_declaration_in_file_order() {
    let second = mutated(|j| {
        j["id"] = serde_json::json!("second-guide");
        j["notes"][0]["id"] = serde_json::json!(" ");
    });
    let third = mutated(|j| {
        j["id"] = serde_json::json!("third-guide");
    });
    let (code, stderr) = check_dir(&[
        ("a.json", embedded_json().to_string().into_bytes()),
        ("b.json", second),
        ("c.json", third),
    ]);
    assert_eq!(code, Some(2));
    let lines: Vec<&str> = stderr.lines().collect();
    let first_in = |file: &str, what: &str| {
        lines
            .iter()
            .position(|line| line.contains(file) && line.contains(what))
            .unwrap_or_else(|| panic!("{file} {what}: {stderr}"))
    };
    // b: the blank note id comes between the schedule's ids and the notes' items, as declared.
    let blank = first_in("b.json", "notes[0].id: id가 비어 있습니다");
    assert!(
        first_in("b.json", "schedule.events[0].id: id") < blank,
        "{stderr}"
    );
    assert!(
        blank < first_in("b.json", "notes[0].items[0].id: id"),
        "{stderr}"
    );
    for file in ["b.json", "c.json"] {
        let duplicate = lines
            .iter()
            .find(|line| line.contains(file) && line.contains("id \"qa-what-is\"가 중복됩니다"))
            .unwrap_or_else(|| panic!("{file}: {stderr}"));
        assert!(duplicate.contains("a.json의 qa[0].id"), "{duplicate}");
    }
    // Nothing of a.json is a duplicate: it declared first.
    assert!(
        !lines
            .iter()
            .any(|line| line.contains("a.json:") && line.contains("중복")),
        "{stderr}"
    );
}

#[test]
fn dangling_sms_reference_and_bad_threshold_both_reported() {
    let bytes = mutated(|j| {
        j["qa"][0]["sms_templates"][0] = serde_json::json!("sms-nowhere");
        j["rules"][6]["terms"]["values"][0]["value"] = serde_json::json!(7.5);
    });
    let (code, stderr) = check_dir(&[("guide.json", bytes)]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("qa[0].sms_templates[0]: 없는 SMS 템플릿 \"sms-nowhere\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("rules[6].terms.values[0].value: 평점 기준 7.5이 0.0~5.0 밖입니다"),
        "{stderr}"
    );
    // Every message names a line.
    for line in stderr.lines().skip(1) {
        assert!(
            line.split_once("guide.json:")
                .is_some_and(|(_, rest)| rest.starts_with(|c: char| c.is_ascii_digit())),
            "{line}"
        );
    }
}

#[test]
fn impossible_date() {
    let bytes = mutated(|j| {
        j["schedule"]["events"][1]["at"] = serde_json::json!("2024-02-30T00:00:00+09:00");
    });
    let (code, stderr) = check_dir(&[("guide.json", bytes)]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("schedule.events[1].at")
            && stderr.contains("올바른 RFC 3339 시각이 아닙니다"),
        "{stderr}"
    );
}

#[test]
fn not_utf8() {
    let mut bytes = content::embedded_sources()[0].bytes.clone();
    bytes.splice(200..200, [0xC3, 0x28, 0xFF]);
    let (code, stderr) = check_dir(&[("latin.json", bytes)]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("latin.json:") && stderr.contains("UTF-8이 아닙니다"),
        "{stderr}"
    );
}

#[test]
fn empty_directory() {
    let (code, stderr) = check_dir(&[]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("*.json 콘텐츠 파일이 없습니다"), "{stderr}");
}

#[test]
fn decomposed_text_is_normalised_to_nfc() {
    use unicode_normalization::UnicodeNormalization;
    let text = String::from_utf8(content::embedded_sources()[0].bytes.clone()).unwrap();
    let decomposed: String = text.nfd().collect();
    assert_ne!(decomposed, text);
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("nfd.json"), decomposed).unwrap();
    let loaded = content::load_dir(dir.path()).unwrap();
    let embedded = embedded();
    assert_eq!(
        loaded.guides().collect::<Vec<_>>(),
        embedded.guides().collect::<Vec<_>>()
    );
}

/// Read a guide at a time, a folder is first skimmed for its ids and what its rules cite;
/// where the skim reads otherwise than the full read (an id decomposed, which the full read
/// composes), the folder is read whole, never trusted on the skim.
#[test]
fn ids_the_first_pass_reads_otherwise_send_the_folder_to_be_read_whole() {
    use unicode_normalization::UnicodeNormalization;
    let dir = tempfile::tempdir().unwrap();
    let sound = embedded_json().to_string();
    fs::write(dir.path().join("guide.json"), &sound).unwrap();
    let streamed = content::stream_dir(dir.path(), || (), |(), _, _| ());
    assert!(matches!(streamed, Ok(content::Streamed::Sound { .. })));
    for change in [
        // An id in decomposed Hangul (the same id once composed).
        |json: &mut serde_json::Value| {
            json["qa"][0]["id"] = serde_json::json!("qa-가입".nfd().collect::<String>());
        },
        // A rule citing a sentence by its id decomposed (the sentence's own id composed).
        |json: &mut serde_json::Value| {
            fn rename(value: &mut serde_json::Value, from: &str, to: &str) {
                match value {
                    serde_json::Value::String(text) if text == from => *text = to.to_owned(),
                    serde_json::Value::Array(items) => {
                        for item in items {
                            rename(item, from, to);
                        }
                    }
                    serde_json::Value::Object(map) => {
                        for item in map.values_mut() {
                            rename(item, from, to);
                        }
                    }
                    _ => {}
                }
            }
            let cited = json["rules"][0]["sources"][0].as_str().unwrap().to_owned();
            rename(json, &cited, "문장-가입");
            json["rules"][0]["sources"][0] =
                serde_json::json!("문장-가입".nfd().collect::<String>());
        },
    ] {
        let mut json = embedded_json();
        change(&mut json);
        fs::write(dir.path().join("guide.json"), json.to_string()).unwrap();
        let whole = content::load_dir(dir.path());
        let streamed = content::stream_dir(dir.path(), || (), |(), _, _| ());
        match (whole, streamed) {
            (Ok(whole), Ok(content::Streamed::Whole(read))) => assert_eq!(read, whole),
            (whole, streamed) => panic!(
                "read whole {:?}, a guide at a time {}",
                whole.map(|_| ()),
                match streamed {
                    Ok(content::Streamed::Sound { .. }) => "sound",
                    Ok(content::Streamed::Whole(_)) => "whole",
                    Err(_) => "refused",
                }
            ),
        }
    }
}

#[test]
fn every_subcommand_exits_2_on_bad_content() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.json"), "{").unwrap();
    for args in [
        vec!["content", "check"],
        vec!["search", "가입"],
        vec!["check"],
        vec!["sms"],
        vec!["content", "export", "/tmp/x"],
    ] {
        let output = bin()
            .args(&args)
            .arg("--content")
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains("bad.json"),
            "{args:?}"
        );
    }
}

#[test]
fn synonym_lists_are_validated_with_their_place() {
    // A guide's own synonyms: each guide word must stand in the guide; a word is never its
    // own guide word.
    let guide = mutated(|json| {
        json["synonyms"] = serde_json::json!([
            {"words": ["관리자화면"], "means": "어드민"},
            {"words": ["우주선"], "means": "로켓"},
            {"words": ["어 드민"], "means": "어드민"},
        ]);
    });
    let (code, stderr) = check_dir(&[("guide.json", guide.clone())]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("synonyms[1].means: \"로켓\"은(는) 이 가이드의 글에 없는 말입니다"),
        "{stderr}"
    );
    assert!(
        stderr.contains("synonyms[2].words[0]: \"어 드민\"은(는) 가이드의 말과 같습니다"),
        "{stderr}"
    );
    assert!(!stderr.contains("synonyms[0]"), "{stderr}");
    // The global list: a word twice, a chain, an empty word, each with file, line and path.
    let list = serde_json::json!({"synonyms": [
        {"words": ["환불", "돌려받기"], "means": "환급"},
        {"words": ["환 불"], "means": "반환"},
        {"words": ["환급"], "means": "포인트"},
        {"words": [""], "means": "결제"},
        {"words": [], "means": "결제"},
    ]});
    let (code, stderr) = check_dir(&[
        ("guide.json", embedded_json().to_string().into_bytes()),
        ("synonyms.json", serde_json::to_vec_pretty(&list).unwrap()),
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    for expected in [
        "synonyms.json:13:9: synonyms[1].words[0]",
        "synonyms[1].words[0]: 유의어 \"환 불\"가 중복됩니다 (처음: synonyms[0])",
        "synonyms[2].words[0]: \"환급\"은(는) 이 목록에서 가이드의 말(means)로도 쓰입니다",
        "synonyms[3].words[0]: 유의어이(가) 비어 있습니다",
        "synonyms[4].words: 유의어가 없습니다",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    // A sound list of its own replaces the embedded one; two lists are one too many.
    let sound = serde_json::json!({"synonyms": [{"words": ["관리자화면"], "means": "어드민"}]});
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("guide.json"), embedded_json().to_string()).unwrap();
    fs::write(dir.path().join("synonyms.json"), sound.to_string()).unwrap();
    let loaded = content::load_dir(dir.path()).unwrap();
    assert_eq!(loaded.synonyms().len(), 1);
    fs::create_dir(dir.path().join("more")).unwrap();
    fs::write(dir.path().join("more/synonyms.json"), sound.to_string()).unwrap();
    let errors = content::load_dir(dir.path()).unwrap_err().to_string();
    assert!(
        errors.contains("synonyms.json 파일이 둘 이상입니다"),
        "{errors}"
    );
    // Without a list of its own, content gets the embedded one.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("guide.json"), embedded_json().to_string()).unwrap();
    let loaded = content::load_dir(dir.path()).unwrap();
    assert_eq!(loaded.synonyms(), embedded().synonyms());
    assert!(loaded.synonyms().iter().any(|s| s.means == "환급"));
}

/// A console starting on a folder whose index is stored lists every guide from the catalog
/// stored with it and reads each guide when it is first asked for: the same guides, cited
/// sentences, templates and version as the folder loaded whole; none from a folder that
/// has changed since.
#[test]
fn content_from_a_catalog_reads_each_guide_when_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("content");
    export_embedded(&out);
    // A second guide of the same shape, its ids its own.
    let first = fs::read_to_string(out.join("guide.json"))
        .or_else(|_| {
            let name = fs::read_dir(&out)
                .unwrap()
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .find(|path| {
                    path.extension().is_some_and(|e| e == "json")
                        && !path.ends_with("synonyms.json")
                })
                .unwrap();
            fs::read_to_string(name)
        })
        .unwrap();
    let mut second: serde_json::Value = serde_json::from_str(&first).unwrap();
    rename_ids(&mut second);
    fs::write(
        out.join("zz-second.json"),
        serde_json::to_string_pretty(&second).unwrap(),
    )
    .unwrap();

    let whole = content::load_dir(&out).expect("both guides load");
    assert_eq!(whole.guide_count(), 2);
    let catalog = whole.catalog(&out);
    let identity = content::identity(&out).unwrap();
    let lazy = content::Content::from_catalog(&catalog, &out, Vec::new());
    assert_eq!(lazy.guide_count(), 2);
    assert_eq!(
        lazy.cards()
            .map(|card| card.title.clone())
            .collect::<Vec<_>>(),
        whole
            .guides()
            .map(|guide| guide.title.clone())
            .collect::<Vec<_>>()
    );
    assert!(
        !lazy.is_read(0) && !lazy.is_read(1),
        "listing reads no guide"
    );
    assert_eq!(lazy.version(), whole.version());
    assert!(!lazy.is_read(1), "nor does the version");
    assert_eq!(lazy.guide(1), whole.guide(1));
    assert!(
        lazy.is_read(1) && !lazy.is_read(0),
        "only the guide asked for"
    );
    let (cited, template) = {
        let guide = whole.guide(0).unwrap();
        let cited = guide.rules[0].sources[0].clone();
        (cited, guide.sms_templates[0].id.clone())
    };
    assert_eq!(lazy.sentence(&cited), whole.sentence(&cited));
    assert_eq!(
        lazy.template(&template).map(|(_, t)| t.clone()),
        whole.template(&template).map(|(_, t)| t.clone())
    );
    assert_eq!(lazy, whole);

    // Read a guide at a time (as a first start indexes a folder): each guide handed over
    // once, in content order, and the same catalog and everyday words.
    let streamed = content::stream_dir(&out, Vec::new, |seen, g, guide| {
        seen.push((g, guide.id.clone()));
    })
    .unwrap();
    let content::Streamed::Sound {
        shares,
        catalog: streamed_catalog,
        synonyms,
    } = streamed
    else {
        panic!("a sound folder is read a guide at a time");
    };
    let seen: Vec<(usize, String)> = shares.into_iter().flatten().collect();
    let ids: Vec<(usize, String)> = whole.guides().map(|g| g.id.clone()).enumerate().collect();
    assert_eq!(seen, ids);
    assert_eq!(streamed_catalog, catalog);
    assert_eq!(synonyms, whole.synonyms());

    // Its index, built with the texts written to files as they come, is the index built
    // from the content in memory, and so is what it stores.
    let texts = dir.path().join("texts");
    let streamed = content::stream_dir(
        &out,
        || search::IndexShare::writing_texts_to(&texts).unwrap(),
        search::IndexShare::add,
    )
    .unwrap();
    let content::Streamed::Sound {
        shares, synonyms, ..
    } = streamed
    else {
        panic!("a sound folder is read a guide at a time");
    };
    assert!(fs::read_dir(&texts).unwrap().count() >= 1, "texts in files");
    let built = search::SearchIndex::from_shares(shares, &synonyms).unwrap();
    let in_memory = search::SearchIndex::build(&whole);
    let queries = ["가입 기준", "ㄱㅇㄱㅈ", "rkdlq", "멤버쉽", "환불", "ㅁㅂㅅ"];
    for query in queries {
        assert_eq!(built.search(query), in_memory.search(query), "{query}");
    }
    assert!(built.docs().eq(in_memory.docs()));
    let path = dir.path().join("index.bin");
    built.store(&path, identity, || catalog.clone()).unwrap();
    let read = search::SearchIndex::load_stored(&path, identity).unwrap();
    assert!(read.docs().eq(in_memory.docs()));
    for query in queries {
        assert_eq!(read.search(query), in_memory.search(query), "{query}");
    }
    // Given back as stored, its texts read from the stored file: the temporary ones go.
    let stored = built.into_stored(&path, identity, catalog.clone()).unwrap();
    assert_eq!(
        fs::read_dir(&texts).unwrap().count(),
        0,
        "temporary texts removed"
    );
    assert_eq!(stored.catalog(), &catalog);
    for query in queries {
        assert_eq!(stored.search(query), in_memory.search(query), "{query}");
    }
    assert!(stored.docs().eq(in_memory.docs()));

    // Touched since the catalog was taken (same bytes, a new time): still read.
    let fresh = content::Content::from_catalog(&catalog, &out, Vec::new());
    fs::File::options()
        .append(true)
        .open(out.join("zz-second.json"))
        .unwrap()
        .set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(60))
        .unwrap();
    assert_eq!(fresh.guide(1), whole.guide(1), "a touch changes nothing");
    // Changed since the catalog was taken: a guide not read yet is not read, and says why;
    // the other guide's file is as it was, and is read.
    let fresh = content::Content::from_catalog(&catalog, &out, Vec::new());
    fs::write(
        out.join("zz-second.json"),
        serde_json::to_string(&second).unwrap(),
    )
    .unwrap();
    assert!(fresh.guide(1).is_none());
    assert_eq!(fresh.unavailable(1), Some(&content::Unavailable::Changed));
    assert_eq!(fresh.guide(0), whole.guide(0), "its file did not change");
    assert_eq!(fresh.unavailable(0), None);
    // A pass over every guide (the watcher's snapshot) reads through the same check and
    // keeps none of what it read.
    let peeked = content::Content::from_catalog(&catalog, &out, Vec::new());
    assert!(peeked.peek_guide(1).is_none(), "its own file changed");
    assert_eq!(peeked.peek_guide(0).as_deref(), whole.guide(0));
    assert!(!peeked.is_read(0), "a peek keeps nothing");
    fs::remove_file(out.join("zz-second.json")).unwrap();
    let gone = content::Content::from_catalog(&catalog, &out, Vec::new());
    assert!(gone.guide(1).is_none());
    assert!(
        matches!(gone.unavailable(1), Some(content::Unavailable::Unreadable(why)) if why.contains("읽을 수 없습니다")),
        "{:?}",
        gone.unavailable(1)
    );
}

/// Every id in a guide given a suffix, so a copy can sit beside the original.
fn rename_ids(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                let is_id = key == "id"
                    || key.ends_with("_id")
                    || [
                        "sources",
                        "link",
                        "rules",
                        "templates",
                        "template",
                        "input",
                        "event",
                    ]
                    .contains(&key.as_str());
                match inner {
                    serde_json::Value::String(text) if is_id => text.push_str("~copy"),
                    serde_json::Value::Array(items) if is_id => {
                        for item in items.iter_mut() {
                            match item {
                                serde_json::Value::String(text) => text.push_str("~copy"),
                                other => rename_ids(other),
                            }
                        }
                    }
                    _ => rename_ids(inner),
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(rename_ids),
        _ => {}
    }
}
