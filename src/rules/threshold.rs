//! Threshold rules, for any guide: "is this driver's 수락률 of 82% enough for 배차 우선, on
//! this date?" The value in force is the one whose days (KST) hold the instant asked about.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use super::phrases;
use super::rating::Rating;
use crate::clock::{format_kst, rfc3339_kst};
use crate::content::{Comparison, Content, DatedValue, Guide, InputUnit, Rule, RuleTerms};

/// One threshold rule's answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdAnswer {
    pub rule_id: String,
    pub subject: String,
    pub input: String,
    pub comparison: &'static str,
    /// The threshold in force at the instant, when one is.
    pub threshold: Option<f64>,
    /// The days it holds, as `2025-03-01~`.
    pub days: Option<String>,
    pub outcome: Option<String>,
    /// Whether the value meets it; `null` when no value is in force at the instant.
    pub met: Option<bool>,
    /// The line an agent reads.
    pub text: String,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub id: String,
    pub text: String,
}

/// The answer to `check --input`, for every rule on that input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThresholdVerdict {
    pub guide_id: String,
    pub at: String,
    pub input: String,
    pub value: f64,
    pub answers: Vec<ThresholdAnswer>,
}

impl ThresholdVerdict {
    /// The verdict as an agent reads it: a heading, then a line and its sources per rule.
    pub fn lines(&self, guide: &Guide, unit: InputUnit, at: &DateTime<FixedOffset>) -> Vec<String> {
        let mut lines = vec![phrases::threshold_heading(
            &guide.title,
            &self.input,
            &value_text(unit, self.value),
            &format_kst(at),
        )];
        for answer in &self.answers {
            lines.push(answer.text.clone());
            for source in &answer.sources {
                lines.push(format!("  근거: \"{}\"", source.text.replace('\n', " ")));
            }
        }
        lines
    }
}

/// The reviewed threshold rules' inputs of a guide, each once, in rule order, with the unit.
pub fn inputs(guide: &Guide) -> Vec<(&str, InputUnit)> {
    let mut found: Vec<(&str, InputUnit)> = Vec::new();
    for rule in guide.rules.iter().filter(|r| !r.is_draft()) {
        if let RuleTerms::Threshold { input, unit, .. } = &rule.terms
            && !found.iter().any(|(name, _)| same_name(name, input))
        {
            found.push((input.as_str(), *unit));
        }
    }
    found
}

/// Names compare without spaces: "수락 률" is "수락률".
pub fn same_name(a: &str, b: &str) -> bool {
    let squash = |text: &str| {
        text.chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
    };
    squash(a) == squash(b)
}

/// Why a threshold question cannot be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ThresholdError {
    NoSuchInput(String),
    OnlyDrafts(String),
    BadValue(String),
}

impl std::fmt::Display for ThresholdError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoSuchInput(text) | Self::OnlyDrafts(text) | Self::BadValue(text) => {
                f.write_str(text)
            }
        }
    }
}

/// The unit of the reviewed rules on `input`, or why there is none.
pub fn unit_of(guide: &Guide, input: &str) -> Result<InputUnit, ThresholdError> {
    if let Some((_, unit)) = inputs(guide)
        .into_iter()
        .find(|(name, _)| same_name(name, input))
    {
        return Ok(unit);
    }
    let drafts = guide
        .rules
        .iter()
        .filter(|rule| rule.is_draft())
        .filter(|rule| matches!(&rule.terms, RuleTerms::Threshold { input: name, .. } if same_name(name, input)))
        .count();
    if drafts > 0 {
        return Err(ThresholdError::OnlyDrafts(phrases::threshold_only_drafts(
            input, drafts,
        )));
    }
    let known: Vec<String> = inputs(guide)
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    Err(ThresholdError::NoSuchInput(phrases::threshold_no_input(
        input, &known,
    )))
}

/// Reads a value as the agent types it: "82", "82%", "39,000원", "4.0".
pub fn parse_value(unit: InputUnit, input: &str, text: &str) -> Result<f64, ThresholdError> {
    let bad = |expected: &str| {
        ThresholdError::BadValue(phrases::threshold_bad_value(input, text, expected))
    };
    let trimmed = text.trim();
    match unit {
        InputUnit::Rating => trimmed
            .parse::<Rating>()
            .map(|r| f64::from(r.hundredths()) / 100.0)
            .map_err(|_| bad("0.0~5.0 사이 평점 (예: 4.2)")),
        InputUnit::Percent => trimmed
            .trim_end_matches('%')
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| (0.0..=100.0).contains(v))
            .ok_or_else(|| bad("0~100 사이 비율 (예: 82 또는 82%)")),
        InputUnit::Count | InputUnit::AmountKrw => trimmed
            .trim_end_matches(['원', '회', '건', '일'])
            .replace(',', "")
            .trim()
            .parse::<u64>()
            .map(|v| {
                #[allow(clippy::cast_precision_loss)] // counts and won stay far below 2^52
                let value = v as f64;
                value
            })
            .map_err(|_| bad("0 이상의 정수 (예: 3 또는 39,000원)")),
    }
}

/// A value as the guide writes it: "4.0", "85%", "3", "39,000원".
pub fn value_text(unit: InputUnit, value: f64) -> String {
    match unit {
        InputUnit::Rating => {
            Rating::from_f64(value).map_or_else(|| value.to_string(), |r| r.to_string())
        }
        InputUnit::Percent => format!("{value}%"),
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // validated whole, ≥ 0
        InputUnit::Count => format!("{}", value as u64),
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // validated whole, ≥ 0
        InputUnit::AmountKrw => format!("{}원", crate::text::group_thousands(value as usize)),
    }
}

/// The days a value holds: "2025-03-01~", "~2025-02-28", "2025-01-01~2025-02-28" or "".
pub fn days_text(value: &DatedValue) -> String {
    match (&value.from, &value.until) {
        (None, None) => String::new(),
        (from, until) => format!(
            "{}~{}",
            from.as_deref().unwrap_or(""),
            until.as_deref().unwrap_or("")
        ),
    }
}

/// The value whose days hold `day`.
pub fn in_force(values: &[DatedValue], day: NaiveDate) -> Option<&DatedValue> {
    let parse = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok())
    };
    values.iter().find(|value| {
        parse(&value.from).is_none_or(|from| from <= day)
            && parse(&value.until).is_none_or(|until| day <= until)
    })
}

/// Every reviewed threshold rule of `guide` on `input`, answered for `value` at `at`.
pub fn evaluate(
    content: &Content,
    guide: &Guide,
    input: &str,
    value: f64,
    at: &DateTime<FixedOffset>,
) -> Result<ThresholdVerdict, ThresholdError> {
    let unit = unit_of(guide, input)?;
    let day = at.with_timezone(&crate::clock::kst()).date_naive();
    let answers = guide
        .rules
        .iter()
        .filter(|rule| !rule.is_draft())
        .filter_map(|rule| answer(content, rule, input, unit, value, day))
        .collect();
    Ok(ThresholdVerdict {
        guide_id: guide.id.clone(),
        at: rfc3339_kst(at),
        input: input.to_owned(),
        value,
        answers,
    })
}

fn answer(
    content: &Content,
    rule: &Rule,
    asked: &str,
    unit: InputUnit,
    value: f64,
    day: NaiveDate,
) -> Option<ThresholdAnswer> {
    let RuleTerms::Threshold {
        input,
        comparison,
        subject,
        outcome,
        values,
        ..
    } = &rule.terms
    else {
        return None;
    };
    if !same_name(input, asked) {
        return None;
    }
    let current = in_force(values, day);
    let met = current.map(|current| comparison.holds(value, current.value));
    let condition = |threshold: f64, days: &str| {
        let mut text = format!(
            "{input} {} {}",
            value_text(unit, threshold),
            comparison.word()
        );
        if !days.is_empty() {
            text.push_str(" (");
            text.push_str(days);
            text.push(')');
        }
        text
    };
    let text = if let (Some(current), Some(met)) = (current, met) {
        let verdict = if met {
            match outcome {
                Some(outcome) => format!("{}: {outcome}", phrases::THRESHOLD_MET),
                None => phrases::THRESHOLD_MET.to_owned(),
            }
        } else {
            phrases::THRESHOLD_NOT_MET.to_owned()
        };
        format!(
            "{} {subject}: {} → {verdict}",
            if met { "✓" } else { "✗" },
            condition(current.value, &days_text(current))
        )
    } else {
        let periods: Vec<String> = values.iter().map(days_text).collect();
        format!(
            "· {subject}: {}",
            phrases::threshold_in_force_other(&periods.join(", "))
        )
    };
    Some(ThresholdAnswer {
        rule_id: rule.id.clone(),
        subject: subject.clone(),
        input: input.clone(),
        comparison: comparison_code(*comparison),
        threshold: current.map(|c| c.value),
        days: current.map(days_text).filter(|d| !d.is_empty()),
        outcome: outcome.clone(),
        met,
        text,
        sources: rule
            .sources
            .iter()
            .filter_map(|id| {
                content.sentence(id).map(|c| Source {
                    id: id.clone(),
                    text: c.text.clone(),
                })
            })
            .collect(),
    })
}

fn comparison_code(comparison: Comparison) -> &'static str {
    match comparison {
        Comparison::AtLeast => "at_least",
        Comparison::AtMost => "at_most",
        Comparison::Above => "above",
        Comparison::Below => "below",
    }
}
