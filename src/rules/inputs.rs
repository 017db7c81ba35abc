//! The values a guide's rules read, as declared in its content (`inputs`), and the values an
//! agent gives for them: typed in the rule form or passed to `check` as flags.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::rating::{ACCEPTED_RATINGS, Rating};
use crate::content::{Guide, InputKind, InputUnit, RuleInput, RuleTerms};

/// A value given for one input.
#[derive(Debug, Clone, PartialEq)]
pub enum Given {
    /// A metric's value, parsed from decimal text (see [`crate::content::Comparison::holds`]).
    Number(f64),
    /// A metric the driver has no value for yet ("평점 없음").
    NoValue,
    /// A choice's option, by its value.
    Choice(String),
    /// A yes/no input said yes (no is not giving it).
    Yes,
    Date(NaiveDate),
}

/// The values given, by input id; an input not given is absent.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Values(BTreeMap<String, Given>);

impl Values {
    pub fn get(&self, id: &str) -> Option<&Given> {
        self.0.get(id)
    }

    pub fn set(&mut self, id: impl Into<String>, given: Given) {
        self.0.insert(id.into(), given);
    }

    pub fn remove(&mut self, id: &str) {
        self.0.remove(id);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &Given)> {
        self.0.iter().map(|(id, given)| (id.as_str(), given))
    }

    /// A number given for `id`, if one was.
    pub fn number(&self, id: &str) -> Option<f64> {
        match self.get(id) {
            Some(Given::Number(value)) => Some(*value),
            _ => None,
        }
    }

    pub fn is_yes(&self, id: &str) -> bool {
        matches!(self.get(id), Some(Given::Yes))
    }

    pub fn date(&self, id: &str) -> Option<NaiveDate> {
        match self.get(id) {
            Some(Given::Date(date)) => Some(*date),
            _ => None,
        }
    }
}

/// The words a driver without a value yet is typed as.
pub const NONE_WORDS: [&str; 3] = ["none", "없음", "-"];

/// Reads what was typed for `input`: a metric in its unit (or `none` where the input
/// allows it), a choice's option, a date; a yes/no input is given by naming it.
pub fn parse(input: &RuleInput, text: &str) -> Result<Given, String> {
    let trimmed = text.trim();
    // What was typed, as a message may quote it: controls, escapes and bidi shown, never
    // sent raw to the terminal or the clipboard.
    let shown = crate::text::visible_line(trimmed);
    match input.kind {
        InputKind::Metric => {
            if NONE_WORDS.contains(&trimmed) {
                return match &input.none {
                    Some(_) => Ok(Given::NoValue),
                    None => Err(format!(
                        "{}은(는) 값이 있어야 합니다 (\"{shown}\")",
                        input.label
                    )),
                };
            }
            let unit = input.unit.unwrap_or(InputUnit::Count);
            if unit == InputUnit::Rating {
                let none = if input.none.is_some() {
                    "; 평점이 아직 없으면 \"none\""
                } else {
                    ""
                };
                return trimmed
                    .parse::<Rating>()
                    .map(|rating| Given::Number(f64::from(rating.hundredths()) / 100.0))
                    .map_err(|_| {
                        format!("\"{shown}\"은 평점이 아닙니다: {ACCEPTED_RATINGS}{none}")
                    });
            }
            parse_number(unit, &input.label, trimmed).map(Given::Number)
        }
        InputKind::Choice => input
            .options
            .iter()
            .find(|option| option.value == trimmed || option.label == trimmed)
            .map(|option| Given::Choice(option.value.clone()))
            .ok_or_else(|| {
                let values: Vec<&str> = input.options.iter().map(|o| o.value.as_str()).collect();
                format!(
                    "\"{shown}\"은 고를 수 있는 값이 아닙니다: {}",
                    values.join(", ")
                )
            }),
        InputKind::YesNo => Ok(Given::Yes),
        InputKind::Date => NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
            .map(Given::Date)
            .map_err(|_| format!("\"{shown}\"은 날짜가 아닙니다: YYYY-MM-DD (KST)로 쓰세요")),
    }
}

/// The inputs of `guide` that some reviewed rule reads, in declaration order: the flags
/// `check` takes for it and the fields of its rule form. A choice counts when an option
/// asks a decision some reviewed rule answers.
pub fn used(guide: &Guide) -> Vec<&RuleInput> {
    let reviewed: Vec<&RuleTerms> = guide
        .rules
        .iter()
        .filter(|rule| !rule.is_draft())
        .map(|rule| &rule.terms)
        .collect();
    guide
        .inputs
        .iter()
        .filter(|input| reviewed.iter().any(|terms| reads(terms, input)))
        .collect()
}

/// Whether `terms` reads `input`.
pub fn reads(terms: &RuleTerms, input: &RuleInput) -> bool {
    match input.kind {
        InputKind::Metric => match terms {
            RuleTerms::Condition { metric, .. } => input
                .metric
                .as_deref()
                .is_some_and(|m| same_name(m, metric)),
            RuleTerms::Eligibility {
                when, exceptions, ..
            } => when
                .iter()
                .chain(exceptions.iter().map(|e| &e.when))
                .any(|case| case.input == input.id),
            _ => false,
        },
        InputKind::Choice => input
            .options
            .iter()
            .flat_map(|option| &option.asks)
            .any(|decision| terms.decides(decision)),
        InputKind::YesNo => match terms {
            RuleTerms::Eligibility {
                when, exceptions, ..
            } => when
                .iter()
                .chain(exceptions.iter().map(|e| &e.when))
                .any(|case| case.input == input.id),
            _ => false,
        },
        InputKind::Date => input.dates.iter().any(|decision| terms.decides(decision)),
    }
}

/// The declared input that carries `metric` over `period`.
pub fn for_metric<'a>(
    guide: &'a Guide,
    metric: &str,
    period: Option<crate::content::Period>,
) -> Option<&'a RuleInput> {
    guide.inputs.iter().find(|input| {
        input.kind == InputKind::Metric
            && input.period == period
            && input
                .metric
                .as_deref()
                .is_some_and(|m| same_name(m, metric))
    })
}

pub use crate::content::same_name;

/// The input `name` names: its flag, id or label, or the metric it carries as it stands.
pub fn named<'a>(guide: &'a Guide, name: &str) -> Option<&'a RuleInput> {
    let name = name.trim().trim_start_matches("--");
    guide
        .inputs
        .iter()
        .find(|input| input.flag == name || input.id == name || same_name(&input.label, name))
        .or_else(|| {
            guide.inputs.iter().find(|input| {
                input.period.is_none()
                    && input.metric.as_deref().is_some_and(|m| same_name(m, name))
            })
        })
}

/// The help line of an input's flag, from its declaration.
pub fn help(input: &RuleInput) -> String {
    match input.kind {
        InputKind::Metric => {
            let range = match input.unit {
                Some(InputUnit::Rating) => "0.0~5.0",
                Some(InputUnit::Percent) => "0~100%",
                Some(InputUnit::AmountKrw) => "원",
                Some(InputUnit::Count) | None => "0 이상의 정수",
            };
            let period = input
                .period
                .map(|p| format!(", {} 기준", p.words()))
                .unwrap_or_default();
            match &input.none {
                Some(none) => format!("{} ({range}{period}); {none}이면 none", input.label),
                None => format!("{} ({range}{period})", input.label),
            }
        }
        InputKind::Choice => input
            .options
            .iter()
            .map(|option| format!("{}: {} 문의", option.value, option.label))
            .collect::<Vec<_>>()
            .join(", "),
        InputKind::YesNo => format!("{}: 있음", input.label),
        InputKind::Date => format!("{} (YYYY-MM-DD, KST)", input.label),
    }
}

/// What the flag's value is called in the help ("X|none", "YYYY-MM-DD").
pub fn value_name(input: &RuleInput) -> &'static str {
    match (input.kind, &input.none) {
        (InputKind::Metric, Some(_)) => "X|none",
        (InputKind::Date, _) => "YYYY-MM-DD",
        (InputKind::Choice, _) => "값",
        _ => "X",
    }
}

/// Reads a number as the agent types it ("82", "82%", "39,000원", "4.0"), or says in
/// Korean what was expected.
pub fn parse_number(unit: InputUnit, input: &str, text: &str) -> Result<f64, String> {
    let bad = |expected: &str| {
        super::phrases::threshold_bad_value(input, &crate::text::visible_line(text), expected)
    };
    let trimmed = text.trim();
    match unit {
        InputUnit::Rating => trimmed
            .parse::<Rating>()
            .map(|r| f64::from(r.hundredths()) / 100.0)
            .map_err(|_| bad("0.0~5.0 사이 평점 (예: 4.2)")),
        InputUnit::Percent => {
            exact_percent(trimmed.trim_end_matches('%').trim()).ok_or_else(|| bad(ACCEPTED_PERCENT))
        }
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

/// What a percent input accepts, for error messages.
const ACCEPTED_PERCENT: &str = "0~100 사이 비율, 소수 여섯째 자리까지 (예: 82, 82% 또는 84.995)";

/// Fractional digits a percent may have. Two decimals of at most 3 + 6 digits have nearest
/// doubles ordered as they are and equal only when they are, so the comparison with a
/// threshold (itself a short decimal) is exact; "84.99999999999999999" would read as 85.0
/// and meet "85% 이상" a driver does not meet, so it is refused, never rounded.
const PERCENT_DECIMALS: usize = 6;

/// A percent typed as plain decimal text ("84.995"), from 0 to 100, with at most
/// [`PERCENT_DECIMALS`] fractional digits; `None` otherwise (exponents, signs, NaN and
/// infinities included).
fn exact_percent(text: &str) -> Option<f64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty()
        || whole.len() > 3
        || fraction.len() > PERCENT_DECIMALS
        || (text.contains('.') && fraction.is_empty())
        || !digits(whole)
        || !digits(fraction)
    {
        return None;
    }
    text.parse::<f64>()
        .ok()
        .filter(|value| (0.0..=100.0).contains(value))
}
