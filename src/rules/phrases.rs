//! Every phrase the rule engine says, in one table. The guide's own sentences come from
//! content (cited beside each reason); these are the console's words around them: verdict
//! labels, reasons, the one-line summary and the warnings derived from the schedule.

use std::fmt::Display;

/// The particle that follows `word`: `with_final` after a closing consonant, else
/// `without` ("평점이", "전월 평균이", "수락률이"; "평점으로", but "수락률로": ㄹ takes 로).
/// Digits are read out ("3.8이", "85%가"); other characters take the form without.
pub fn josa(word: &str, with_final: &'static str, without: &'static str) -> &'static str {
    let Some(last) = word.trim_end().chars().last() else {
        return without;
    };
    let final_consonant = match crate::hangul::split_syllable(last) {
        Some((_, _, 0)) => None,
        Some((_, _, final_index)) => Some(final_index),
        // 0 영, 1 일, 3 삼, 6 육, 7 칠, 8 팔, 10 십: closed; 2 이, 4 사, 5 오, 9 구: open.
        None => match last {
            '1' | '7' | '8' => Some(8),
            '0' | '3' | '6' => Some(1),
            _ => None,
        },
    };
    // ㄹ (final index 8) takes 로 rather than 으로.
    match final_consonant {
        Some(8) if with_final == "으로" => without,
        Some(_) => with_final,
        None => without,
    }
}

/// "평점 4.2", "전월 평균 3.75".
pub fn valued(label: &str, value: impl Display) -> String {
    format!("{label} {value}")
}

/// Where a guide names no escalation for an undecided case.
pub const DEFAULT_ESCALATION: &str = "선임 상담사 확인";

/// Who the question is about.
pub const MEMBER_NEW: &str = "신규 가입";
pub const MEMBER_RENEWAL: &str = "갱신(기존 회원)";

/// The service's phases (open, announced, signups closed, renewals closed): the full words,
/// and the short ones for narrow screens.
pub const PHASES: [(&str, &str); 4] = [
    ("운영 중", "운영 중"),
    ("종료 공지 · 가입/갱신 가능", "종료 공지"),
    ("신규 가입 중단 · 갱신은 가능", "가입 중단"),
    ("신규 가입 중단 · 갱신 중단: 서비스 종료", "서비스 종료"),
];

/// The answers' titles, in reading order: signup, renewal, free month, payment.
pub const TITLES: [&str; 4] = ["신규 가입", "갱신", "첫 달 무료", "다음 결제"];
/// Each answer's words for yes, no and undecided.
pub const SIGNUP_WORDS: [&str; 3] = ["가입 가능", "가입 불가", UNDECIDED];
pub const RENEWAL_WORDS: [&str; 3] = ["갱신", "갱신 안 됨", UNDECIDED];
pub const FREE_MONTH_WORDS: [&str; 3] = ["적용", "미적용", UNDECIDED];
pub const PAYMENT_WORDS: [&str; 3] = ["정상 결제", "결제 안 됨", UNDECIDED];
pub const UNDECIDED: &str = "판단 불가";
pub const NOT_APPLICABLE: &str = "해당 없음";
pub const PAYMENT_FAILS: &str = "결제 실패";
pub const NO_CHARGE: &str = "청구 없음";
/// How an undecided renewal between the guide's two lines starts its label.
pub const GAP: &str = "가이드 기준 없음";

// Not applicable to the driver asked about.
pub const NEW_NOT_RENEWAL: &str = "신규 가입 문의: 갱신은 해당 없음";
pub const NEW_NOT_PAYMENT: &str = "신규 가입 문의: 정기결제는 해당 없음";
pub const MEMBER_NOT_SIGNUP: &str = "갱신 회원 문의: 신규 가입은 해당 없음";
pub const MEMBER_NO_FREE_MONTH: &str = "첫 달 무료는 첫 가입에만 적용: 갱신 회원은 해당 없음";

// The form's box for an earlier free month.
pub const PRIOR_BENEFIT: &str = "받은 적 있음";
pub const PRIOR_BENEFIT_WITH_REJOIN: &str = "받은 적 있음 (탈퇴 후 재가입 포함)";
pub const PRIOR_BENEFIT_WITHOUT_REJOIN: &str = "받은 적 있음 (탈퇴 전 계정의 혜택은 빼고)";

/// After the service's end, beside any script or SMS.
pub fn closed_service(event: &str) -> String {
    format!("⚠ 일정상 서비스 종료 후입니다 ({event}): 이 안내를 그대로 하면 안 됩니다")
}

/// After signups closed, beside an offer to join.
pub fn closed_signup(event: &str) -> String {
    format!("⚠ 일정상 신규 가입이 중단되었습니다 ({event}): 가입 권유·가입 안내는 하지 마세요")
}

pub fn criteria_not_yet(metric: &str, date: impl Display) -> String {
    format!("{metric} 기준은 {date}부터 적용: 그 전에 어떤 기준이었는지 가이드에 없습니다")
}

pub fn criteria_ended(metric: &str, date: impl Display) -> String {
    format!("{metric} 기준은 {date}까지 적용: 그 뒤의 기준은 가이드에 없습니다")
}

pub fn signups_closed_since(start: impl Display) -> String {
    format!("신규 가입은 {start}부터 중단되었습니다")
}

pub fn announced_until(until: impl Display) -> String {
    format!("종료 공지됨: {until} 전까지만 신규 가입 가능")
}

/// How a driver joins, from the signup-channel rule.
pub fn channel(driver_app: bool, agent_admin: bool) -> &'static str {
    match (driver_app, agent_admin) {
        (true, false) => {
            "가입은 기사님이 기사 앱에서 직접: 상담사가 어드민으로 가입해 드릴 수 없습니다"
        }
        (true, true) => "기사 앱 또는 상담사 어드민으로 가입",
        (false, true) => "상담사 어드민으로만 가입",
        (false, false) => "가이드에 가입 경로가 정해져 있지 않습니다",
    }
}

/// `what` is 가입 or 갱신.
pub const SIGNUP: &str = "가입";
pub const RENEWAL: &str = "갱신";

pub fn no_rating_rule(what: &str) -> String {
    format!("이 가이드에는 {what} 평점 기준이 없습니다")
}

pub fn no_line_on(what: &str, day: impl Display) -> String {
    format!("{day}에 적용되는 {what} 기준 값이 가이드에 없습니다")
}

pub fn enter_rating(label: &str, what: &str, min: impl Display, word: &str) -> String {
    let particle = josa(label, "을", "를");
    format!("{label}{particle} 입력하면 판단합니다 ({what} 기준: {label} {min} {word})")
}

pub fn unrated(label: &str, what: &str, allowed: bool) -> String {
    let particle = josa(label, "이", "가");
    if allowed {
        format!("{label}{particle} 아직 없는 경우에도 {what} 가능")
    } else {
        format!("{label}{particle} 없는 경우 {what} 불가")
    }
}

pub fn unrated_not_in_guide(label: &str, what: &str) -> String {
    let particle = josa(label, "이", "가");
    format!("{label}{particle} 없는 경우의 {what} 기준은 가이드에 없습니다")
}

pub fn meets(input: impl Display, sign: &str, min: impl Display, what: &str) -> String {
    format!("{input} {sign} {min}: {what} 기준 충족")
}

pub fn on_the_line(value: impl Display) -> String {
    format!("기준선과 같은 {value}점: 가이드의 다른 문구도 함께 확인하세요")
}

pub fn below(
    label: &str,
    rating: impl Display,
    sign: &str,
    min: impl Display,
    word: &str,
    what: &str,
) -> String {
    format!("{label} {rating} {sign} {min}: {what} 기준({label} {min} {word}) 미달")
}

pub fn renewals_stop(start: impl Display) -> String {
    format!("{start}부터 갱신 중단: 남은 구독기간을 이용한 뒤 갱신 없이 종료")
}

pub fn on_renewal_date(date: impl Display) -> String {
    format!(" (갱신일 {date} 기준)")
}

pub fn no_renewal_from(start: impl Display) -> String {
    format!("{start}부터는 갱신되지 않습니다")
}

pub const NO_FREE_MONTH_RULE: &str = "이 가이드에는 첫 달 무료 규정이 없습니다";
pub const NO_SIGNUP_NO_FREE_MONTH: &str = "가입할 수 없으므로 첫 달 무료도 해당 없음";
pub const WHEN_SIGNUP_DECIDED: &str = "가입 가능 여부가 정해지면 판단합니다";

pub fn prior_excludes(rejoin_counts: bool) -> &'static str {
    if rejoin_counts {
        "과거에 혜택을 받았으면 재가입 시 미적용 (앱 탈퇴 후 재가입도 동일)"
    } else {
        "과거에 혜택을 받았으면 재가입 시 미적용 (앱 탈퇴 전 계정의 혜택은 세지 않음)"
    }
}

pub fn won(amount: &str) -> String {
    format!("{amount}원 ")
}

pub fn free_month(price: &str, refunded_as: &str) -> String {
    format!("첫 가입 한 달 무료: {price}결제 후 {refunded_as}로 환급")
}

pub fn no_charge(reason: &str) -> String {
    format!("다음 정기결제가 없습니다 (청구되지 않음): {reason}")
}

pub fn pays<F: Display, R: Display>(input: &str, fail: (F, &str), renew: (R, &str)) -> String {
    let ((fail, fail_word), (renew, renew_word)) = (fail, renew);
    format!(
        "{input}: 결제 실패 기준({fail} {fail_word})에 해당하지 않고 갱신 기준({renew} {renew_word}) 충족"
    )
}

pub fn monthly_price(amount: &str) -> String {
    format!("월 {amount}원 정기결제")
}

pub fn unrated_cannot_fail(rating_label: &str, average_label: &str) -> String {
    let particle = josa(rating_label, "이", "가");
    format!("{rating_label}{particle} 없어 결제 실패 기준({average_label})에 해당하지 않습니다")
}

pub fn both_inputs<R: Display, A: Display>(rating: (&str, R), average: (&str, A)) -> String {
    let ((rating_label, rating), (average_label, average)) = (rating, average);
    let particle = josa(average_label, "으로", "로");
    format!(
        "{rating_label} {rating}, {average_label} {average} 모두 입력됨: 가이드는 갱신과 결제를 {average_label}{particle} 판단합니다"
    )
}

pub fn rating_stands_in(rating_label: &str, average_label: &str) -> String {
    let not_given = josa(average_label, "이", "가");
    let by = josa(rating_label, "으로", "로");
    format!(
        "{average_label}{not_given} 입력되지 않아 {rating_label}{by} 판단합니다 (가이드 기준은 {average_label})"
    )
}

pub fn lines_hint<M: Display, F: Display>(min: (M, &str), fail: (F, &str)) -> String {
    let ((min, min_word), (fail, fail_word)) = (min, fail);
    format!(" ({min} {min_word} 갱신·결제, {fail} {fail_word} 결제 실패)")
}

pub fn enter_average(metric: &str, lines: &str) -> String {
    let particle = josa(metric, "을", "를");
    format!("{metric}{particle} 입력하면 판단합니다{lines}")
}

pub fn fails_no_renewal(input: &str, sign: &str, fail_at: impl Display) -> String {
    format!("{input} {sign} {fail_at}: 다음 결제일에 결제가 실패해 갱신되지 않습니다")
}

pub fn payment_fails(input: &str, sign: &str, fail_at: impl Display, message: &str) -> String {
    format!("{input} {sign} {fail_at}: 다음 결제일에 결제 실패, 앱에 \"{message}\" 노출")
}

pub fn gap_lower(fail: impl Display, word: &str) -> String {
    format!("{fail} {word}(결제 실패)와 ")
}

pub fn gap(input: &str, lower: &str, renew_min: impl Display, word: &str) -> String {
    format!("{input}: 가이드는 {lower}{renew_min} {word}(갱신)만 정하고, 그 사이는 정하지 않습니다")
}

pub const RENEWAL_CRITERIA: &str = "갱신 기준";

pub fn to_do(escalation: &str) -> String {
    format!("할 일: {escalation}")
}

pub fn under(min: impl Display, word: &str) -> String {
    format!("{min} {word}")
}

pub fn range(fail: impl Display, min: impl Display) -> String {
    format!("{fail}~{min}")
}

pub fn gap_label(range: &str) -> String {
    format!("{GAP}({range})")
}

pub fn no_renewal_rule(input: &str) -> String {
    format!("{input}: 이 가이드에는 갱신 평점 기준이 없습니다")
}

// The one-line summary.
pub const NO_RATING: &str = "평점 없음";
/// The earlier benefit's words where the guide declares no input for it.
pub const PRIOR_BENEFIT_LABEL: &str = "과거 무료혜택";

/// "평점 미입력".
pub fn not_given(label: &str) -> String {
    format!("{label} 미입력")
}

/// "과거 무료혜택 있음".
pub fn had(label: &str) -> String {
    format!("{label} 있음")
}
pub const SIGNUPS_CLOSED_NOTE: &str = " (신규 가입 중단)";
pub const RENEWS_AND_PAYS: &str = "갱신 · 정상 결제";
pub const ENDS_NO_CHARGE: &str = "갱신 안 됨 · 청구 없음 (서비스 종료)";

pub fn free_month_note(label: &str) -> String {
    format!(" · 첫 달 무료 {label}")
}

pub fn fails_summary(message: &str) -> String {
    format!("결제 실패 · 갱신 안 됨 ({message})")
}

pub fn gap_summary(label: &str, escalation: &str) -> String {
    format!("{label}: {escalation}")
}

pub fn new_driver_line(date: &str, inputs: &str, outcome: &str) -> String {
    format!("{date} 신규 가입 · {inputs} → {outcome}")
}

pub fn member_line(date: &str, input: &str, outcome: &str) -> String {
    format!("{date} 갱신 회원 · {input} → {outcome}")
}

/// Where the app's message stands in a failed payment's reason ("… 앱에 \"…\" 노출").
pub const APP_SHOWS: &str = "앱에 ";

// The verdict as lines (the `check` command's text).
pub fn at_line(at: impl Display, member: &str) -> String {
    if member.is_empty() {
        format!("기준 시각: {at}")
    } else {
        format!("기준 시각: {at} · {member}")
    }
}

pub fn phase_line(phase: &str) -> String {
    format!("서비스 단계: {phase}")
}

pub fn summary_line(summary: &str) -> String {
    format!("요약: {summary}")
}

pub fn source_line(source: &str) -> String {
    format!("    근거: \"{source}\"")
}

/// The verdict on screen: its headings, a cited sentence, the answers folded away.
pub const PHASE_HEADING: &str = "단계 ";
pub const SUMMARY_HEADING: &str = "요약 ";

pub fn cited(source: &str) -> String {
    format!("    근거 \"{source}\"")
}

pub fn folded(titles: &str) -> String {
    format!("{NOT_APPLICABLE}: {titles}")
}

pub fn folded_line(member: &str, titles: &str) -> String {
    if member.is_empty() {
        format!("{NOT_APPLICABLE}: {titles}")
    } else {
        format!("{NOT_APPLICABLE} ({member}): {titles}")
    }
}

// Threshold rules (any guide): one line per rule, its reason and what to do without one.
pub const THRESHOLD_MET: &str = "충족";
pub const THRESHOLD_NOT_MET: &str = "충족하지 않음";
pub const THRESHOLD_NOT_IN_FORCE: &str = "이 시각에 적용되는 기준 없음";

pub fn threshold_heading(guide: &str, input: &str, value: &str, at: &str) -> String {
    format!("{guide} · {input} {value} · {at} 기준")
}

pub fn threshold_no_input(input: &str, known: &[String]) -> String {
    if known.is_empty() {
        format!("이 가이드에는 검토된 기준 규정이 없습니다 (\"{input}\")")
    } else {
        format!(
            "\"{input}\"에 대한 규정이 없습니다. 이 가이드의 입력: {}",
            known.join(", ")
        )
    }
}

pub fn threshold_only_drafts(input: &str, drafts: usize) -> String {
    format!(
        "\"{input}\" 규정은 검토 전 초안 {drafts}건뿐이라 답하지 않습니다 (content check로 초안을 보고, 검토 후 status를 지우세요)"
    )
}

pub fn threshold_bad_value(input: &str, value: &str, expected: &str) -> String {
    format!("{input} 값 \"{value}\"을 읽을 수 없습니다: {expected}")
}

pub fn threshold_in_force_other(days: &str) -> String {
    format!("{THRESHOLD_NOT_IN_FORCE} (기준이 있는 기간: {days})")
}

// Decisions outside the subscription lifecycle (any guide's conditions and eligibilities).
pub const DECISION_WORDS: [&str; 3] = [THRESHOLD_MET, THRESHOLD_NOT_MET, UNDECIDED];
pub const NOTHING_GIVEN: &str = "입력 없음";

pub fn not_asked(who: &str, decision: &str) -> String {
    format!("{who} 문의: {decision}은(는) 해당 없음")
}

/// "수락률 82% ≥ 80%: 우선 배차 기준 충족 (우선 배차 대상)".
pub fn condition_reason(
    given: &str,
    sign: &str,
    threshold: &str,
    subject: &str,
    meets: bool,
    outcome: Option<&str>,
) -> String {
    let what = if meets { "충족" } else { "미달" };
    match outcome.filter(|_| meets) {
        Some(outcome) => format!("{given} {sign} {threshold}: {subject} {what} ({outcome})"),
        None => format!("{given} {sign} {threshold}: {subject} {what}"),
    }
}

pub fn enter_value(label: &str, subject: &str, line: &str) -> String {
    let particle = josa(label, "을", "를");
    format!("{label}{particle} 입력하면 판단합니다 ({subject}: {line})")
}

pub fn no_value_not_in_guide(label: &str, subject: &str) -> String {
    let particle = josa(label, "이", "가");
    format!("{label}{particle} 없는 경우의 {subject}은(는) 가이드에 없습니다")
}

pub fn eligible(decision: &str, allowed: bool) -> String {
    if allowed {
        format!("{decision}: 가능")
    } else {
        format!("{decision}: 불가")
    }
}

/// An exception of an eligibility that applies: "과거 혜택을 받은 경우: 불가".
pub fn exception(case: &str, allowed: bool) -> String {
    if allowed {
        format!("{case}: 예외로 가능")
    } else {
        format!("{case}: 예외로 불가")
    }
}

/// Who may carry a decision out, for any guide.
pub fn carried_out_by(driver_app: bool, agent_admin: bool) -> &'static str {
    match (driver_app, agent_admin) {
        (true, false) => "기사님이 기사 앱에서 직접: 상담사가 어드민으로 대신할 수 없습니다",
        (true, true) => "기사 앱 또는 상담사 어드민으로",
        (false, true) => "상담사 어드민으로만",
        (false, false) => "가이드에 처리 경로가 정해져 있지 않습니다",
    }
}
