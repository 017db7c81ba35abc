//! Rule summaries: a short Korean name for each rule with its values, as lists and search
//! show it. Values are written with the precision the content gives (4.25 stays 4.25).

use crate::content::{MembershipEvent, RuleTerms};

use super::Rating;

/// A rating threshold as the content holds it: "4.0", "3.8", "4.25".
fn rating_text(value: f64) -> String {
    Rating::from_f64(value).map_or_else(|| value.to_string(), |rating| rating.to_string())
}

/// A short Korean name for the rule, with its values.
pub fn summary(terms: &RuleTerms) -> String {
    match terms {
        RuleTerms::InForceFrom { date } => format!("평점 기준 적용일 {date}"),
        RuleTerms::MonthlyPrice {
            amount_krw,
            methods,
        } if methods.is_empty() => format!(
            "월 이용료 {}원 정기결제",
            crate::text::group_thousands(*amount_krw as usize)
        ),
        RuleTerms::MonthlyPrice {
            amount_krw,
            methods,
        } => format!(
            "월 이용료 {}원 정기결제 ({})",
            crate::text::group_thousands(*amount_krw as usize),
            methods.join(", ")
        ),
        RuleTerms::FreeFirstMonth { refunded_as, .. } => {
            format!("첫 가입 한 달 무료 (결제 후 {refunded_as} 환급, 1회)")
        }
        RuleTerms::MinRating {
            applies_to,
            at_least,
        } => match applies_to {
            MembershipEvent::Signup => {
                format!("가입 기준 평점 {} 이상", rating_text(*at_least))
            }
            MembershipEvent::Renewal => {
                format!("갱신 기준 평점 {} 이상", rating_text(*at_least))
            }
        },
        RuleTerms::UnratedAllowed { signup, renewal } => match (signup, renewal) {
            (true, true) => "평점 없음: 가입·갱신 가능".to_owned(),
            (true, false) => "평점 없음: 가입만 가능".to_owned(),
            (false, true) => "평점 없음: 갱신만 가능".to_owned(),
            (false, false) => "평점 없음: 가입·갱신 불가".to_owned(),
        },
        RuleTerms::PaymentFailure {
            prev_month_avg_at_most,
            app_message,
        } => {
            format!(
                "전월 평균 {} 이하: 결제 실패 (\"{app_message}\")",
                rating_text(*prev_month_avg_at_most)
            )
        }
        RuleTerms::SignupChannel {
            driver_app,
            agent_admin,
        } => match (driver_app, agent_admin) {
            (true, false) => "가입 경로: 기사 앱 직접 (상담사 어드민 가입 불가)".to_owned(),
            (true, true) => "가입 경로: 기사 앱 또는 상담사 어드민".to_owned(),
            (false, true) => "가입 경로: 상담사 어드민".to_owned(),
            (false, false) => "가입 경로: 정해지지 않음".to_owned(),
        },
        RuleTerms::Threshold {
            input,
            unit,
            comparison,
            subject,
            values,
            ..
        } => {
            let values: Vec<String> = values
                .iter()
                .map(|v| {
                    let days = super::threshold::days_text(v);
                    format!(
                        "{} {}{}",
                        super::threshold::value_text(*unit, v.value),
                        comparison.word(),
                        if days.is_empty() {
                            String::new()
                        } else {
                            format!(" ({days})")
                        }
                    )
                })
                .collect();
            format!("{subject}: {input} {}", values.join(", "))
        }
        RuleTerms::ScheduleChange { event, effect } => {
            let what = match effect {
                crate::content::ScheduleEffect::Notice => "종료 공지",
                crate::content::ScheduleEffect::SignupClosed => "신규 가입 중단",
                crate::content::ScheduleEffect::RenewalClosed => "갱신 중단 (서비스 종료)",
            };
            format!("일정 {event}부터 {what}")
        }
    }
}
