//! Draft rules the importer proposes from a guide's own sentences: thresholds (`평점 4.0점
//! 이상`, `수락률 80% 이상`, `3회 이상`), monthly prices (`월 39,000원`), dates rules hold
//! from (`21년 8월 23일부터`), what schedule events change, and dated thresholds in policy
//! tables (`~2025.02.28 │ 80% 이상`, `2025.03.01~ │ 85% 이상`). Each cites the sentences it
//! was read from and stays a draft until someone reviews it: drafts never answer.

use chrono::NaiveDate;

use super::blocks::CIRCLED;
use crate::content::{
    Comparison, DatedValue, Guide, InputUnit, Item, Rule, RuleStatus, RuleTerms, ScheduleEffect,
};

/// A threshold found in a sentence.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    input: String,
    unit: InputUnit,
    comparison: Comparison,
    value: f64,
    subject: Option<String>,
    outcome: Option<String>,
}

const PARTICLES: [&str; 9] = ["이", "가", "은", "는", "을", "를", "의", "도", "로"];

/// Words that name a measure: the word before a number names the input when it is one.
fn is_measure(word: &str) -> bool {
    [
        "률", "율", "평점", "평균", "점수", "횟수", "건수", "금액", "요금", "일수",
    ]
    .iter()
    .any(|suffix| word.ends_with(suffix))
}

/// Every threshold in `text`: a number, its unit, and 이상/이하/초과/미만.
fn thresholds(text: &str) -> Vec<Found> {
    let mut found = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (start, c) = chars[i];
        let starts_number = c.is_ascii_digit()
            && (i == 0
                || !(chars[i - 1].1.is_ascii_digit()
                    || matches!(chars[i - 1].1, '.' | ',' | '/' | '~')));
        if !starts_number {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len()
            && (chars[j].1.is_ascii_digit() || chars[j].1 == '.' || chars[j].1 == ',')
        {
            j += 1;
        }
        let number_end = if j < chars.len() {
            chars[j].0
        } else {
            text.len()
        };
        let number = text[start..number_end]
            .trim_end_matches(['.', ','])
            .replace(',', "");
        let rest = &text[number_end..];
        let (unit_text, after_unit) = ["%", "점", "원", "회", "건", "일", ""]
            .iter()
            .find_map(|u| rest.strip_prefix(u).map(|r| (*u, r)))
            .unwrap_or(("", rest));
        let after_space = after_unit.trim_start();
        let word: String = after_space.chars().take(2).collect();
        i = j.max(i + 1);
        let (Some(comparison), Ok(value)) = (Comparison::from_word(&word), number.parse::<f64>())
        else {
            continue;
        };
        let before = text[..start].trim_end();
        let word_before = before
            .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | ':' | ',' | '-'))
            .next()
            .unwrap_or("");
        let word_before = PARTICLES
            .iter()
            .find_map(|p| word_before.strip_suffix(p).filter(|w| is_measure(w)))
            .unwrap_or(word_before);
        let input = if is_measure(word_before) {
            word_before.to_owned()
        } else if unit_text == "점" {
            "평점".to_owned()
        } else {
            continue;
        };
        let unit = match unit_text {
            "%" => InputUnit::Percent,
            "원" => InputUnit::AmountKrw,
            "회" | "건" | "일" => InputUnit::Count,
            _ if input.contains("평점") || input.contains("평균") || unit_text == "점" => {
                InputUnit::Rating
            }
            _ if input.ends_with('률') || input.ends_with('율') => InputUnit::Percent,
            _ => InputUnit::Count,
        };
        if unit == InputUnit::Rating && !(0.0..=5.0).contains(&value) {
            continue;
        }
        // "가입 기준 : 평점 4.0 이상" names what it is for before the colon.
        let head = before
            .strip_suffix(word_before)
            .unwrap_or(before)
            .trim_end();
        let subject = head.strip_suffix(':').map(|h| {
            h.rsplit(['(', ',', '-', '※'])
                .next()
                .unwrap_or(h)
                .trim()
                .to_owned()
        });
        // "이상 가입 가능" names an outcome; "이상이어야", "이하로" go on with a particle.
        let rest_after_word = &after_space[word.len()..];
        let separate = rest_after_word.starts_with(char::is_whitespace);
        let tail = rest_after_word.trim_start();
        let outcome: String = tail
            .split(['(', ',', ')', '.'])
            .next()
            .unwrap_or("")
            .trim()
            .to_owned();
        found.push(Found {
            input,
            unit,
            comparison,
            value,
            subject: subject.filter(|s| !s.is_empty()),
            // An outcome starts a word of its own ("가입 가능"), not a particle ("로 …").
            outcome: Some(outcome).filter(|o| separate && !o.is_empty() && o.chars().count() <= 30),
        });
    }
    found
}

/// `월 39,000원` → 39000.
fn monthly_price(text: &str) -> Option<u32> {
    let at = text.find("월 ")?;
    let rest = &text[at + "월 ".len()..];
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .collect();
    let after = &rest[digits.len()..];
    if !after.starts_with('원') {
        return None;
    }
    digits.replace(',', "").parse().ok().filter(|n| *n > 0)
}

/// A date as the guide writes it: `2025.03.01`, `2025-03-01`, `25/03/01`, `25.03.01`,
/// `2025년 3월 1일`, `25년 3월 1일`.
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let year = |y: i32| if y < 100 { 2000 + y } else { y };
    if let Some((y, rest)) = text.split_once('년') {
        let (m, rest) = rest.split_once('월')?;
        let d = rest.split_once('일')?.0;
        return NaiveDate::from_ymd_opt(
            year(y.trim().parse().ok()?),
            m.trim().parse().ok()?,
            d.trim().parse().ok()?,
        );
    }
    let parts: Vec<&str> = text.split(['.', '-', '/']).map(str::trim).collect();
    if parts.len() != 3
        || parts
            .iter()
            .any(|p| p.is_empty() || !p.chars().all(|c| c.is_ascii_digit()))
    {
        return None;
    }
    NaiveDate::from_ymd_opt(
        year(parts[0].parse().ok()?),
        parts[1].parse().ok()?,
        parts[2].parse().ok()?,
    )
}

/// `~2025.02.28`, `2025.03.01~`, `2025.01.01 ~ 2025.02.28`, `2025.03.01부터`, `2025.02.28까지`.
fn parse_period(cell: &str) -> Option<(Option<NaiveDate>, Option<NaiveDate>)> {
    let cell = cell.trim();
    if let Some(from) = cell.strip_suffix("부터") {
        return Some((Some(parse_date(from)?), None));
    }
    if let Some(until) = cell.strip_suffix("까지") {
        return Some((None, Some(parse_date(until.trim_start_matches('~'))?)));
    }
    let (from, until) = cell.split_once('~')?;
    let from = from.trim();
    let until = until.trim();
    let from = if from.is_empty() {
        None
    } else {
        Some(parse_date(from)?)
    };
    let until = if until.is_empty() {
        None
    } else {
        Some(parse_date(until)?)
    };
    (from.is_some() || until.is_some()).then_some((from, until))
}

/// `(21년 8월 23일부터 적용)` → 2021-08-23.
fn in_force_from(text: &str) -> Option<NaiveDate> {
    let before = &text[..text.find("부터")?];
    // The date is the run of digits and date marks just before 부터 ("21년 8월 23일" holds
    // spaces); walked back by characters, so a syllable before it is never cut.
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| {
            c.is_ascii_digit() || matches!(c, '.' | '-' | '/' | ' ' | '년' | '월' | '일')
        })
        .last()
        .map(|(at, _)| at)?;
    parse_date(before[start..].trim_start_matches(|c: char| !c.is_ascii_digit()))
}

fn effect_of(text: &str) -> Option<ScheduleEffect> {
    let stops = ["중단", "종료", "마감"].iter().any(|w| text.contains(w));
    if text.contains("갱신") && stops {
        Some(ScheduleEffect::RenewalClosed)
    } else if text.contains("가입") && stops {
        Some(ScheduleEffect::SignupClosed)
    } else if text.contains("종료") && (text.contains("공지") || text.contains("안내")) {
        Some(ScheduleEffect::Notice)
    } else {
        None
    }
}

/// Rows of a table with a period column and a threshold column: one rule whose value
/// changes at the periods' dates, citing the rows.
fn dated_table<'a>(items: &'a [Item], subject: &str) -> Option<(RuleTerms, Vec<&'a str>)> {
    let rows: Vec<&Item> = items.iter().filter(|i| !i.cells.is_empty()).collect();
    let mut dated: Vec<(DatedValue, Found, &str)> = Vec::new();
    let header = rows.first().filter(|r| {
        r.cells
            .iter()
            .all(|c| parse_period(c).is_none() && thresholds(c).is_empty())
    });
    for row in &rows {
        let period = row.cells.iter().find_map(|c| parse_period(c));
        let found = row.cells.iter().enumerate().find_map(|(n, cell)| {
            let mut found = thresholds(cell).into_iter().next().or_else(|| {
                // "80% 이상" with the input in the header ("수락률 기준").
                let name = header.and_then(|h| h.cells.get(n))?;
                let input = name.trim_end_matches("기준").trim();
                thresholds(&format!("{input} {cell}")).into_iter().next()
            })?;
            if let Some(name) = header.and_then(|h| h.cells.get(n)) {
                let input = name.trim_end_matches("기준").trim();
                if is_measure(input) {
                    input.clone_into(&mut found.input);
                }
            }
            Some(found)
        });
        if let (Some((from, until)), Some(found)) = (period, found) {
            let value = DatedValue {
                value: found.value,
                from: from.map(|d| d.format("%Y-%m-%d").to_string()),
                until: until.map(|d| d.format("%Y-%m-%d").to_string()),
            };
            dated.push((value, found, row.id.as_str()));
        }
    }
    let (_, first, _) = dated.first()?;
    let mut values: Vec<DatedValue> = dated.iter().map(|(v, _, _)| v.clone()).collect();
    // An open start (until a date) comes first.
    values.sort_by(|a, b| a.from.cmp(&b.from));
    let terms = RuleTerms::Threshold {
        input: first.input.clone(),
        unit: first.unit,
        comparison: first.comparison,
        subject: subject.to_owned(),
        outcome: first.outcome.clone(),
        values,
    };
    Some((terms, dated.iter().map(|(_, _, id)| *id).collect()))
}

/// Proposes the drafts of `guide`, after its own rules.
pub fn propose(guide: &mut Guide) {
    let mut drafts: Vec<Rule> = Vec::new();
    let fallback_subject = guide.title.clone();
    let push = |drafts: &mut Vec<Rule>, terms: RuleTerms, source: &str| {
        if let Some(existing) = drafts.iter_mut().find(|r| r.terms == terms) {
            if !existing.sources.iter().any(|s| s == source) {
                existing.sources.push(source.to_owned());
            }
            return;
        }
        drafts.push(Rule {
            id: String::new(),
            sources: vec![source.to_owned()],
            terms,
            status: RuleStatus::Draft,
        });
    };

    let mut sections: Vec<(Option<&str>, &[Item])> = guide
        .notes
        .iter()
        .filter(|s| !s.id.ends_with("-unplaced"))
        .map(|s| (s.title.as_deref(), s.items.as_slice()))
        .collect();
    for qa in &guide.qa {
        for section in &qa.sections {
            sections.push((section.title.as_deref(), section.items.as_slice()));
        }
    }
    for (title, items) in &sections {
        let subject_default = title.map_or_else(
            || fallback_subject.clone(),
            |t| {
                t.trim_start_matches(|c: char| CIRCLED.contains(c))
                    .trim()
                    .trim_matches(['[', ']'])
                    .to_owned()
            },
        );
        if let Some((terms, sources)) = dated_table(items, &subject_default) {
            for source in sources {
                push(&mut drafts, terms.clone(), source);
            }
        }
        for item in items.iter().filter(|i| i.cells.is_empty()) {
            for found in thresholds(&item.text) {
                let terms = RuleTerms::Threshold {
                    input: found.input,
                    unit: found.unit,
                    comparison: found.comparison,
                    subject: found.subject.unwrap_or_else(|| subject_default.clone()),
                    outcome: found.outcome,
                    values: vec![DatedValue {
                        value: found.value,
                        from: None,
                        until: None,
                    }],
                };
                push(&mut drafts, terms, &item.id);
            }
            if let Some(amount) = monthly_price(&item.text) {
                push(
                    &mut drafts,
                    RuleTerms::MonthlyPrice {
                        amount_krw: amount,
                        methods: Vec::new(),
                    },
                    &item.id,
                );
            }
            if let Some(date) = in_force_from(&item.text).filter(|_| item.text.contains("적용")) {
                push(
                    &mut drafts,
                    RuleTerms::InForceFrom {
                        date: date.format("%Y-%m-%d").to_string(),
                    },
                    &item.id,
                );
            }
        }
    }
    for event in guide.schedule.iter().flat_map(|s| &s.events) {
        if let Some(effect) = effect_of(&event.text) {
            push(
                &mut drafts,
                RuleTerms::ScheduleChange {
                    event: event.id.clone(),
                    effect,
                },
                &event.id,
            );
        }
    }
    for (n, draft) in drafts.iter_mut().enumerate() {
        draft.id = format!("{}-draft-{}", guide.id, n + 1);
    }
    guide.rules.extend(drafts);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_thresholds_prices_and_dates() {
        let found = thresholds("평점 4.0점 이상 가입 가능 (갱신 기준 : 평점 3.8이상)");
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].input.as_str(), found[0].value), ("평점", 4.0));
        assert_eq!(found[0].outcome.as_deref(), Some("가입 가능"));
        assert_eq!(found[1].subject.as_deref(), Some("갱신 기준"));
        assert!((found[1].value - 3.8).abs() < 1e-9);
        let found = thresholds("수락률이 85% 이상인 기사님");
        assert_eq!(
            (found[0].input.as_str(), found[0].unit),
            ("수락률", InputUnit::Percent)
        );
        assert!(thresholds("~11/30 23:59:59까지").is_empty());
        assert_eq!(monthly_price("월 39,000원 정기결제"), Some(39000));
        assert_eq!(
            in_force_from("2025.03.01부터 적용"),
            NaiveDate::from_ymd_opt(2025, 3, 1)
        );
        assert_eq!(
            in_force_from("기준은21년 8월 23일부터 적용"),
            NaiveDate::from_ymd_opt(2021, 8, 23)
        );
        assert_eq!(in_force_from("다음 달부터 적용"), None);
        assert_eq!(
            in_force_from("(21년 8월 23일부터 적용)"),
            NaiveDate::from_ymd_opt(2021, 8, 23)
        );
        assert_eq!(
            parse_period("2025.03.01 ~"),
            Some((NaiveDate::from_ymd_opt(2025, 3, 1), None))
        );
        assert_eq!(
            parse_period("~ 25/02/28"),
            Some((None, NaiveDate::from_ymd_opt(2025, 2, 28)))
        );
        assert_eq!(
            effect_of("신규 이용자 멤버십 가입 중단"),
            Some(ScheduleEffect::SignupClosed)
        );
    }
}
