//! Conditions, for any guide, by the metric they read: "is this driver's 수락률 of 82% enough
//! for 배차 우선, on this date?" (`check --input NAME=VALUE`). The value in force is the one
//! whose days (KST) hold the instant asked about.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

use super::phrases;
use super::rating::Rating;
use crate::clock::{format_kst, rfc3339_kst};
use crate::content::{Content, DatedValue, Guide, InputUnit, Period, Rule, RuleTerms};

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

/// The metrics the reviewed conditions of a guide read, each once, in rule order, with the
/// unit: what `check --input NAME=VALUE` may name.
pub fn inputs(guide: &Guide) -> Vec<(&str, InputUnit)> {
    let mut found: Vec<(&str, InputUnit)> = Vec::new();
    for rule in guide.rules.iter().filter(|r| !r.is_draft()) {
        if let RuleTerms::Condition { metric, unit, .. } = &rule.terms
            && !found.iter().any(|(name, _)| same_name(name, metric))
        {
            found.push((metric.as_str(), *unit));
        }
    }
    found
}

pub use super::inputs::same_name;

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

/// What `check --input NAME=…` asks about: a metric over a period (a declared input's, by
/// its flag, id or label; else a metric as it stands).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asked {
    pub name: String,
    pub metric: String,
    pub period: Option<Period>,
    pub unit: InputUnit,
}

/// Whether a condition reads what was asked.
fn reads(terms: &RuleTerms, asked: &Asked) -> bool {
    matches!(terms, RuleTerms::Condition { metric, period, .. }
        if same_name(metric, &asked.metric) && *period == asked.period)
}

/// What `name` asks about in `guide`, or why no reviewed rule answers it.
pub fn asked(guide: &Guide, name: &str) -> Result<Asked, ThresholdError> {
    let (metric, period) = match super::inputs::named(guide, name) {
        Some(input) => (
            input.metric.clone().unwrap_or_else(|| input.label.clone()),
            input.period,
        ),
        None => (name.trim().to_owned(), None),
    };
    let probe = Asked {
        name: name.trim().to_owned(),
        metric,
        period,
        unit: InputUnit::Count,
    };
    let reviewed = guide
        .rules
        .iter()
        .filter(|rule| !rule.is_draft())
        .find_map(|rule| match &rule.terms {
            RuleTerms::Condition { unit, .. } if reads(&rule.terms, &probe) => Some(*unit),
            _ => None,
        });
    if let Some(unit) = reviewed {
        return Ok(Asked { unit, ..probe });
    }
    let drafts = guide
        .rules
        .iter()
        .filter(|rule| rule.is_draft() && reads(&rule.terms, &probe))
        .count();
    if drafts > 0 {
        return Err(ThresholdError::OnlyDrafts(phrases::threshold_only_drafts(
            name, drafts,
        )));
    }
    let known: Vec<String> = inputs(guide)
        .iter()
        .map(|(name, _)| (*name).to_owned())
        .collect();
    Err(ThresholdError::NoSuchInput(phrases::threshold_no_input(
        name, &known,
    )))
}

/// Reads a value as the agent types it: "82", "82%", "39,000원", "4.0".
pub fn parse_value(unit: InputUnit, input: &str, text: &str) -> Result<f64, ThresholdError> {
    super::inputs::parse_number(unit, input, text).map_err(ThresholdError::BadValue)
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

/// Every reviewed condition of `guide` on what was asked, answered for `value` at `at`.
pub fn evaluate(
    content: &Content,
    guide: &Guide,
    asked: &Asked,
    value: f64,
    at: &DateTime<FixedOffset>,
) -> ThresholdVerdict {
    let day = at.with_timezone(&crate::clock::kst()).date_naive();
    let answers = guide
        .rules
        .iter()
        .filter(|rule| !rule.is_draft() && reads(&rule.terms, asked))
        .filter_map(|rule| answer(content, rule, asked.unit, value, day))
        .collect();
    ThresholdVerdict {
        guide_id: guide.id.clone(),
        at: rfc3339_kst(at),
        input: asked.name.clone(),
        value,
        answers,
    }
}

/// A condition's metric as an agent reads it: "평점", "전월 평균 평점", "최근 7일 수락률".
pub fn metric_words(metric: &str, period: Option<Period>) -> String {
    match period {
        Some(Period::PreviousMonth) => format!("전월 평균 {metric}"),
        Some(Period::CurrentMonth) => format!("당월 평균 {metric}"),
        Some(period) => format!("{} {metric}", period.words()),
        None => metric.to_owned(),
    }
}

fn answer(
    content: &Content,
    rule: &Rule,
    unit: InputUnit,
    value: f64,
    day: NaiveDate,
) -> Option<ThresholdAnswer> {
    let RuleTerms::Condition {
        metric,
        period,
        comparison,
        subject,
        outcome,
        values,
        ..
    } = &rule.terms
    else {
        return None;
    };
    let input = metric_words(metric, *period);
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
        input,
        comparison: comparison.code(),
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
