//! The eligibility engine at every boundary the guide draws.

use std::process::Command;

use support_console::clock::parse_instant;
use support_console::content;
use support_console::rules::{Given, Member, Phase, Policy, Query};

#[path = "support/cli.rs"]
mod cli;

#[path = "rules/cases.rs"]
mod cases;

#[path = "rules/review.rs"]
mod review;

/// SMS measuring and the consultation log: a module here rather than a test binary of its own
/// (each binary costs a link of the whole crate).
#[path = "rules/sms.rs"]
mod sms;

#[path = "rules/thresholds.rs"]
mod thresholds;

fn verdict(
    at: &str,
    member: Member,
    rating: &str,
    prev: Option<&str>,
    prior: bool,
) -> support_console::rules::Verdict {
    let content = content::load_embedded().unwrap();
    let guide = content.guide(0).unwrap();
    let mut given = vec![(
        "member",
        match member {
            Member::New => "new",
            Member::Renewal => "renewal",
        },
    )];
    if !rating.is_empty() {
        given.push(("rating", rating));
    }
    if let Some(prev) = prev {
        given.push(("prev_month_avg", prev));
    }
    if prior {
        given.push(("prior_benefit", ""));
    }
    let query = Query {
        at: parse_instant(at).unwrap(),
        values: support_console::rules::parse_values(guide, given).unwrap(),
    };
    Policy::of(&content, guide).evaluate(&query)
}

#[test]
fn phase_boundaries_in_kst_whatever_the_input_zone() {
    let cases = [
        ("2024-11-27T23:59:59+09:00", Phase::Open),
        ("2024-11-28T00:00:00+09:00", Phase::Announced),
        ("2024-11-30T23:59:59+09:00", Phase::Announced),
        ("2024-11-30T14:59:59Z", Phase::Announced),
        ("2024-12-01T00:00:00+09:00", Phase::SignupClosed),
        ("2024-11-30T15:00:00Z", Phase::SignupClosed),
        ("2024-11-30T10:00:00-05:00", Phase::SignupClosed),
        ("2024-12-31T23:59:59+09:00", Phase::SignupClosed),
        ("2025-01-01T00:00:00+09:00", Phase::RenewalClosed),
        ("2024-12-31T15:00:00Z", Phase::RenewalClosed),
        ("2026-11-25T12:00:00+09:00", Phase::RenewalClosed),
    ];
    for (at, phase) in cases {
        assert_eq!(
            verdict(at, Member::New, "4.5", None, false).phase,
            phase,
            "{at}"
        );
    }
}

#[test]
fn signup_at_the_last_second_and_the_first_closed_second() {
    let open = verdict("2024-11-30T23:59:59+09:00", Member::New, "4.0", None, false);
    assert_eq!(open.signup.ok, Some(true));
    assert_eq!(open.free_first_month.ok, Some(true));
    let closed = verdict("2024-12-01T00:00:00+09:00", Member::New, "4.0", None, false);
    assert_eq!(closed.signup.ok, Some(false));
    assert!(
        closed.signup.why[0]
            .source
            .contains("~11/30 23:59:59까지 신규 가입가능")
    );
    assert_eq!(closed.free_first_month.ok, Some(false));
}

#[test]
fn rating_thresholds() {
    let at = "2024-11-20T10:00:00+09:00";
    let table = [
        ("4.0", Some(true), Some(true)),
        ("3.99", Some(false), Some(true)),
        ("3.8", Some(false), Some(true)),
        ("3.79", Some(false), None),
        ("3.7", Some(false), Some(false)),
        ("none", Some(true), Some(true)),
        ("", None, None),
    ];
    for (rating, signup, renewal) in table {
        // A new driver is asked about joining; a member about renewing (the rating stands in
        // for the previous month's average when that is not given).
        let new = verdict(at, Member::New, rating, None, false);
        let member = verdict(at, Member::Renewal, rating, None, false);
        assert_eq!(new.signup.ok, signup, "signup at {rating:?}");
        assert_eq!(member.renewal.ok, renewal, "renewal at {rating:?}");
        assert_eq!(member.payment.ok, renewal, "payment agrees at {rating:?}");
        assert!(!new.renewal.applies && !member.signup.applies);
        for answer in [&new.signup, &member.renewal] {
            assert!(answer.why.iter().all(|r| !r.text.is_empty()));
            assert!(
                !answer.why[0].source.is_empty(),
                "{rating}: cites the guide"
            );
        }
    }
    // Exactly on the renewal line, every wording the guide uses is shown.
    let v = verdict(at, Member::Renewal, "3.8", None, false);
    assert!(
        v.renewal
            .why
            .iter()
            .any(|r| r.source.contains("3.8점 이하로 평점이 하락하지 않을 경우"))
    );
}

#[test]
fn previous_month_average_and_the_gap() {
    let at = "2024-12-10T10:00:00+09:00";
    let v = verdict(at, Member::Renewal, "", Some("3.7"), false);
    assert_eq!(v.payment.ok, Some(false));
    assert!(v.payment.why[0].text.contains("네트워크 오류 메시지"));
    assert_eq!(
        verdict(at, Member::Renewal, "", Some("3.8"), false)
            .payment
            .ok,
        Some(true)
    );
    let gap = verdict(at, Member::Renewal, "", Some("3.75"), false);
    assert_eq!(
        gap.payment.ok, None,
        "the guide does not decide between 3.7 and 3.8"
    );
    assert!(gap.payment.why[0].text.contains("정하지 않습니다"));
    assert_eq!(gap.renewal.ok, None, "renewal agrees with the payment");
    assert!(
        gap.payment
            .why
            .iter()
            .any(|r| r.text.contains("선임 상담사 확인")),
        "the gap says what to do instead"
    );
    assert_eq!(
        gap.summary,
        "2024-12-10 갱신 회원 · 전월 평균 3.75 → 가이드 기준 없음(3.7~3.8): 선임 상담사 확인"
    );
    assert_eq!(
        verdict(at, Member::Renewal, "", None, false).payment.ok,
        None
    );
    // From 2025-01-01 nothing renews, so nothing is charged.
    let over = verdict(
        "2025-01-01T00:00:00+09:00",
        Member::Renewal,
        "4.5",
        Some("4.5"),
        false,
    );
    assert_eq!(
        (over.renewal.ok, over.payment.ok),
        (Some(false), Some(false))
    );
    assert!(over.payment.why[0].text.contains("청구되지 않음"));
    // "No charge" and "the payment fails" are different words.
    assert_eq!(over.payment.label, "청구 없음");
    assert_eq!(v.payment.label, "결제 실패");
}

#[test]
fn earlier_benefit_and_renewal_members_get_no_free_month() {
    let at = "2024-11-20T10:00:00+09:00";
    let v = verdict(at, Member::New, "4.2", None, true);
    assert_eq!(v.free_first_month.ok, Some(false));
    assert!(
        v.free_first_month.why[0]
            .source
            .contains("앱 탈퇴 후 재가입시에도 동일")
    );
    let member = verdict(at, Member::Renewal, "4.2", None, false);
    assert!(
        !member.free_first_month.applies,
        "a member's free month does not apply"
    );
    assert!(
        member.free_first_month.why[0]
            .source
            .contains("첫 가입시 한달 무료")
    );
    assert_eq!(
        verdict(at, Member::New, "4.2", None, false)
            .free_first_month
            .ok,
        Some(true)
    );
}

#[test]
fn before_the_criteria_were_in_force_the_engine_does_not_guess() {
    let v = verdict("2021-08-22T12:00:00+09:00", Member::New, "4.5", None, false);
    assert_eq!(v.signup.ok, None);
    assert!(v.signup.why[0].source.contains("21년 8월 23일부터 적용"));
    let v = verdict(
        "2021-08-22T12:00:00+09:00",
        Member::Renewal,
        "4.5",
        Some("4.5"),
        false,
    );
    assert_eq!((v.renewal.ok, v.payment.ok), (None, None));
}

fn check_json(args: &[&str], tz: &str, content_dir: Option<&std::path::Path>) -> serde_json::Value {
    let mut command = Command::new(env!("CARGO_BIN_EXE_support-console"));
    command.arg("check").args(args).arg("--json").env("TZ", tz);
    if let Some(dir) = content_dir {
        command.arg("--content").arg(dir);
    }
    let output = command.output().unwrap();
    cli::json_of(&output)
}

#[test]
fn cli_answers_in_kst_under_any_machine_zone() {
    for tz in [
        "UTC",
        "America/New_York",
        "Asia/Seoul",
        "Pacific/Kiritimati",
    ] {
        let before = check_json(
            &["--at", "2024-11-30T14:59:59Z", "--rating", "4.0"],
            tz,
            None,
        );
        assert_eq!(before["at"], "2024-11-30T23:59:59+09:00", "{tz}");
        assert_eq!(before["phase"], "announced");
        assert_eq!(before["signup"]["ok"], true);
        let after = check_json(
            &["--at", "2024-12-01T00:00:00+09:00", "--rating", "4.0"],
            tz,
            None,
        );
        assert_eq!(after["phase"], "signup_closed");
        assert_eq!(after["signup"]["ok"], false);
    }
    let today = check_json(&[], "UTC", None);
    assert_eq!(
        today["phase"], "renewal_closed",
        "the service is over today"
    );
    // Today a new driver is not asked about payment; a member's next payment is no charge.
    assert_eq!(today["payment"]["applies"], false);
    assert_eq!(today["payment"]["ok"], serde_json::Value::Null);
    let member = check_json(
        &["--member", "renewal", "--prev-month-avg", "4.5"],
        "UTC",
        None,
    );
    assert_eq!(member["payment"]["outcome"], "no_charge");
    assert_eq!(member["payment"]["label"], "청구 없음");
    assert_eq!(member["renewal"]["ok"], false);
}

#[test]
fn cli_rejects_bad_input_with_what_is_accepted() {
    for (args, expected) in [
        (vec!["--rating", "5.5"], "0.0~5.0"),
        (vec!["--rating", "abc"], "0.0~5.0"),
        (vec!["--prev-month-avg=-1"], "0.0~5.0"),
        (vec!["--at", "yesterday"], "RFC 3339"),
        (vec!["--member", "old"], "쓸 수 있는 값"),
    ] {
        let output = Command::new(env!("CARGO_BIN_EXE_support-console"))
            .arg("check")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&output.stderr).contains(expected),
            "{args:?}"
        );
    }
}

/// Rewrites the threshold in the sentences whose ids are `sources`.
fn restate(value: &mut serde_json::Value, sources: &[serde_json::Value]) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("id").is_some_and(|id| sources.contains(id))
                && let Some(serde_json::Value::String(text)) = map.get_mut("text")
            {
                *text = text.replace("4.0", "3.5");
            }
            map.values_mut().for_each(|v| restate(v, sources));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| restate(v, sources)),
        _ => {}
    }
}

#[test]
fn changing_content_changes_answers_without_code() {
    let mut json: serde_json::Value =
        serde_json::from_slice(&content::embedded_sources()[0].bytes).unwrap();
    // The content team changes the threshold and the sentences that state it: validation
    // holds a rule's value against its sources, so one without the other does not load.
    let mut sources = Vec::new();
    for rule in json["rules"].as_array_mut().unwrap().iter_mut() {
        if rule["terms"]["kind"] == "condition" && rule["terms"]["decides"] == "signup" {
            rule["terms"]["values"][0]["value"] = serde_json::json!(3.5);
            sources = rule["sources"].as_array().unwrap().clone();
        }
    }
    restate(&mut json, &sources);
    // The same change without the sentences is refused, naming both.
    let mut unstated =
        serde_json::from_slice::<serde_json::Value>(&content::embedded_sources()[0].bytes).unwrap();
    for rule in unstated["rules"].as_array_mut().unwrap().iter_mut() {
        if rule["terms"]["kind"] == "price" {
            rule["terms"]["amount_krw"] = serde_json::json!(45000);
        }
    }
    let bad = tempfile::tempdir().unwrap();
    std::fs::write(
        bad.path().join("g.json"),
        serde_json::to_vec_pretty(&unstated).unwrap(),
    )
    .unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_support-console"))
        .args(["content", "check", "--content"])
        .arg(bad.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(
        said.contains("rules[4].terms.amount_krw: 규정 값 45000원")
            && said.contains("월 39,000원 정기결제"),
        "{said}"
    );
    json["schedule"]["events"][1]["at"] = serde_json::json!("2024-12-15T00:00:00+09:00");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("g.json"),
        serde_json::to_vec_pretty(&json).unwrap(),
    )
    .unwrap();
    let embedded = check_json(
        &["--at", "2024-12-05T10:00:00+09:00", "--rating", "3.6"],
        "UTC",
        None,
    );
    assert_eq!(embedded["signup"]["ok"], false);
    let edited = check_json(
        &["--at", "2024-12-05T10:00:00+09:00", "--rating", "3.6"],
        "UTC",
        Some(dir.path()),
    );
    assert_eq!(edited["phase"], "announced");
    assert_eq!(edited["signup"]["ok"], true);
    assert!(
        edited["signup"]["why"][0]["text"]
            .as_str()
            .unwrap()
            .contains("3.5")
    );
}

/// For a member, one input decides renewal and the next payment: they never disagree, with or
/// without a rating beside the average; for a new driver neither applies. The JSON keeps its
/// fields and adds `applies`, `outcome`, `label` and the one-line `summary`.
#[test]
fn check_json_renewal_and_payment_agree_and_new_drivers_are_not_asked() {
    for average in ["3.7", "3.72", "3.75", "3.79", "3.8", "4.5"] {
        for rating in [None, Some("3.5"), Some("4.2")] {
            let mut args = vec![
                "--member",
                "renewal",
                "--prev-month-avg",
                average,
                "--at",
                "2024-12-15T10:00:00+09:00",
            ];
            if let Some(rating) = rating {
                args.extend(["--rating", rating]);
            }
            let json = check_json(&args, "UTC", None);
            let (renewal, payment) = (&json["renewal"], &json["payment"]);
            assert_eq!(renewal["ok"], payment["ok"], "{average} {rating:?}: {json}");
            assert_eq!(renewal["applies"], true);
            assert_eq!(payment["applies"], true);
            assert_eq!(json["signup"]["applies"], false);
            assert_eq!(json["free_first_month"]["applies"], false);
            let expected = match average {
                "3.7" => serde_json::json!(false),
                "3.8" | "4.5" => serde_json::json!(true),
                _ => serde_json::Value::Null,
            };
            assert_eq!(payment["ok"], expected, "{average}");
            if rating.is_some() {
                assert!(
                    renewal["why"].to_string().contains("전월 평균으로 판단"),
                    "says which input the guide uses: {json}"
                );
            }
            for field in [
                "at",
                "phase",
                "signup",
                "renewal",
                "free_first_month",
                "payment",
            ] {
                assert!(json.get(field).is_some(), "{field} kept");
            }
            assert!(
                json["summary"]
                    .as_str()
                    .is_some_and(|s| s.contains(average))
            );
        }
    }
    let json = check_json(&["--member", "new", "--rating", "4.5"], "UTC", None);
    assert_eq!(json["renewal"]["applies"], false);
    assert_eq!(json["payment"]["applies"], false);
    assert_eq!(json["renewal"]["outcome"], "not_applicable");
    assert_eq!(json["signup"]["applies"], true);
}

/// Every flag of a rule is honoured: with rejoining not counted, the answer and the form's
/// box say so.
#[test]
fn rejoin_counts_as_prior_is_read_from_content() {
    let content = content::load_embedded().unwrap();
    let guide = content.guide(0).unwrap();
    let query = Query::at(parse_instant("2024-11-20T10:00:00+09:00").unwrap())
        .with("rating", Given::Number(4.2))
        .with("prior_benefit", Given::Yes);
    let counted = Policy::of(&content, guide).evaluate(&query);
    assert!(
        counted.free_first_month.why[0]
            .text
            .contains("앱 탈퇴 후 재가입도 동일")
    );
    assert!(
        Policy::of(&content, guide)
            .prior_benefit_hint()
            .contains("탈퇴 후 재가입 포함")
    );

    let mut json: serde_json::Value =
        serde_json::from_slice(&content::embedded_sources()[0].bytes).unwrap();
    for rule in json["rules"].as_array_mut().unwrap().iter_mut() {
        if rule["terms"]["decides"] == serde_json::json!(["free_first_month"]) {
            // The guide no longer says rejoining after leaving the app counts.
            rule["terms"]["exceptions"][0]
                .as_object_mut()
                .unwrap()
                .remove("also");
        }
    }
    let edited = content::load_sources(&[content::SourceFile {
        name: "g.json".into(),
        bytes: serde_json::to_vec(&json).unwrap(),
    }])
    .unwrap();
    let guide = edited.guide(0).unwrap();
    let policy = Policy::of(&edited, guide);
    let answer = policy.evaluate(&query).free_first_month;
    assert!(
        !answer.why[0].text.contains("앱 탈퇴 후 재가입도 동일"),
        "{:?}",
        answer.why
    );
    assert!(
        answer.why[0]
            .text
            .contains("탈퇴 전 계정의 혜택은 세지 않음")
    );
    assert!(
        policy
            .prior_benefit_hint()
            .contains("탈퇴 전 계정의 혜택은 빼고")
    );
}

/// Values are held against thresholds exactly, with no rounding first: 84.995 is not
/// "85% 이상", 3.79 is not "3.8 이상", and a value equal to its line meets it.
#[test]
fn comparisons_are_exact() {
    use support_console::content::Comparison;
    assert!(!Comparison::AtLeast.holds(84.995, 85.0));
    assert!(Comparison::AtLeast.holds(85.0, 85.0));
    assert!(Comparison::AtLeast.holds(85.000_000_001, 85.0));
    assert!(!Comparison::AtLeast.holds(3.79, 3.8));
    assert!(Comparison::AtMost.holds(3.7, 3.7));
    assert!(!Comparison::AtMost.holds(3.700_01, 3.7));
    assert!(!Comparison::Above.holds(3.8, 3.8));
    assert!(Comparison::Below.holds(84.995, 85.0));
}
