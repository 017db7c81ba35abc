//! Rule summaries: a short Korean name for each rule with its values, as lists and search
//! show it. Values are written with the precision the content gives (4.25 stays 4.25).

use crate::content::{Guide, Met, PricePer, RuleTerms, WindowEffect, decision};

use super::threshold::{days_text, metric_words, value_text};

/// A decision's short Korean name ("가입"), or the guide's own words for it.
pub fn decision_words(id: &str) -> &str {
    match id {
        decision::SIGNUP => "가입",
        decision::RENEWAL => "갱신",
        decision::FREE_FIRST_MONTH => "첫 달 무료",
        decision::PAYMENT => "결제",
        other => other,
    }
}

fn condition(terms: &RuleTerms) -> Option<String> {
    let RuleTerms::Condition {
        metric,
        period,
        unit,
        comparison,
        values,
        met,
        subject,
        outcome,
        message,
        ..
    } = terms
    else {
        return None;
    };
    let values: Vec<String> = values
        .iter()
        .map(|v| {
            let days = days_text(v);
            format!(
                "{} {}{}",
                value_text(*unit, v.value),
                comparison.word(),
                if days.is_empty() {
                    String::new()
                } else {
                    format!(" ({days})")
                }
            )
        })
        .collect();
    let metric = metric_words(metric, *period);
    let mut text = if subject.ends_with("기준") {
        format!("{subject} {metric} {}", values.join(", "))
    } else {
        format!("{subject}: {metric} {}", values.join(", "))
    };
    if *met == Met::Fails
        && let Some(outcome) = outcome
    {
        text.push_str(": ");
        text.push_str(outcome);
    }
    if let Some(message) = message {
        text.push_str(" (\"");
        text.push_str(message);
        text.push_str("\")");
    }
    Some(text)
}

/// A short Korean name for the rule of `guide`, with its values.
pub fn summary(guide: &Guide, terms: &RuleTerms) -> String {
    if let Some(text) = condition(terms) {
        return text;
    }
    match terms {
        RuleTerms::Condition { .. } => String::new(),
        RuleTerms::Price {
            amount_krw,
            per,
            methods,
        } => {
            let amount = crate::text::group_thousands(*amount_krw as usize);
            let how = match per {
                PricePer::Month => format!("월 이용료 {amount}원 정기결제"),
                PricePer::Once => format!("이용료 {amount}원"),
            };
            if methods.is_empty() {
                how
            } else {
                format!("{how} ({})", methods.join(", "))
            }
        }
        RuleTerms::Eligibility {
            decides,
            allowed,
            when,
            refunded_as,
            by,
            exceptions,
            ..
        } => {
            let what: Vec<&str> = decides.iter().map(|d| decision_words(d)).collect();
            let what = what.join("·");
            if let Some(refunded_as) = refunded_as
                && decides.iter().any(|d| d == decision::FREE_FIRST_MONTH)
            {
                let once = if exceptions.iter().any(|e| !e.allowed) {
                    ", 1회"
                } else {
                    ""
                };
                return format!("첫 가입 한 달 무료 (결제 후 {refunded_as} 환급{once})");
            }
            if let Some(by) = by {
                let how = match (by.driver_app, by.agent_admin) {
                    (true, false) => "기사 앱 직접 (상담사 어드민 불가)",
                    (true, true) => "기사 앱 또는 상담사 어드민",
                    (false, true) => "상담사 어드민",
                    (false, false) => "정해지지 않음",
                };
                return format!("{what} 경로: {how}");
            }
            let verdict = if *allowed { "가능" } else { "불가" };
            match when {
                Some(case) => {
                    let input = guide.inputs.iter().find(|input| input.id == case.input);
                    let words = match (case.is.as_deref(), input) {
                        (Some(crate::content::Case::NONE), Some(input)) => input
                            .none
                            .clone()
                            .unwrap_or_else(|| format!("{} 없음", input.label)),
                        (_, Some(input)) => input.label.clone(),
                        (_, None) => case.input.clone(),
                    };
                    format!("{words}: {what} {verdict}")
                }
                None => format!("{what} {verdict}"),
            }
        }
        RuleTerms::Window {
            from,
            until,
            event,
            effect,
        } => {
            let start = match (event, from) {
                (Some(event), _) => guide
                    .schedule
                    .iter()
                    .flat_map(|s| &s.events)
                    .find(|e| &e.id == event)
                    .map_or_else(|| format!("일정 {event}"), |e| e.date_label.clone()),
                (None, Some(from)) => from.clone(),
                (None, None) => String::new(),
            };
            let span = match until {
                Some(until) => format!("{start}~{until}"),
                None => format!("{start}부터"),
            };
            match effect {
                WindowEffect::ConditionsInForce => format!("기준 적용 {span}"),
                WindowEffect::Notice => format!("{span} 종료 공지"),
                WindowEffect::SignupClosed => format!("{span} 신규 가입 중단"),
                WindowEffect::RenewalClosed => format!("{span} 갱신 중단 (서비스 종료)"),
            }
        }
    }
}
