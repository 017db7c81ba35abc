//! Draft rules the importer proposes from a guide's own sentences: thresholds (`평점 4.0점
//! 이상`, `수락률 80% 이상`, `3회 이상`), monthly prices (`월 39,000원`), dates rules hold
//! from (`21년 8월 23일부터`), what schedule events change, and dated thresholds in policy
//! tables (`~2025.02.28 │ 80% 이상`, `2025.03.01~ │ 85% 이상`). Each cites the sentences it
//! was read from and stays a draft until someone reviews it: drafts never answer.

use chrono::NaiveDate;

use super::blocks::CIRCLED;
use crate::content::{
    Case, Channels, Comparison, DatedValue, Exception, Guide, InputKind, InputOption, InputUnit,
    Item, Met, Period, PricePer, Rule, RuleInput, RuleStatus, RuleTerms, ScheduleEffect,
    SectionKind, WindowEffect, decision,
};

/// A threshold found in a sentence.
#[derive(Debug, Clone, PartialEq)]
struct Found {
    /// What is measured ("평점", "수락률"); a previous month's 평균 of ratings is 평점.
    input: String,
    /// The guide's words for it where they say more ("전월 평균").
    label: String,
    period: Option<Period>,
    unit: InputUnit,
    comparison: Comparison,
    value: f64,
    subject: Option<String>,
    outcome: Option<String>,
    /// Where the number starts and where the comparison word ends, in bytes.
    start: usize,
    end: usize,
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

/// The span named just before a metric: "전월", "당월", "최근 7일".
fn period_before(words: &str) -> Option<Period> {
    let last = words.rsplit(char::is_whitespace).next().unwrap_or("");
    match last {
        "전월" | "지난달" => Some(Period::PreviousMonth),
        "당월" | "이번달" => Some(Period::CurrentMonth),
        _ => {
            let days = last.strip_suffix('일')?;
            let prior = words.strip_suffix(last)?.trim_end();
            prior
                .ends_with("최근")
                .then(|| days.parse().ok().map(Period::LastDays))
                .flatten()
        }
    }
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
        found.extend(read_threshold(
            text,
            start,
            (unit_text, after_space),
            (comparison, &word),
            value,
        ));
    }
    found
}

/// The threshold whose number starts at `start` of `text`: what it measures (the word
/// before it, else a rating for `점`), over which period, what it is for and what it gives.
fn read_threshold(
    text: &str,
    start: usize,
    (unit_text, after_space): (&str, &str),
    (comparison, word): (Comparison, &str),
    value: f64,
) -> Option<Found> {
    let before = text[..start].trim_end();
    let last_word = before
        .rsplit(|c: char| c.is_whitespace() || matches!(c, '(' | ':' | ',' | '-'))
        .next()
        .unwrap_or("");
    let measure = PARTICLES
        .iter()
        .find_map(|p| last_word.strip_suffix(p).filter(|w| is_measure(w)))
        .unwrap_or(last_word);
    let input = if is_measure(measure) {
        measure.to_owned()
    } else if unit_text == "점" {
        "평점".to_owned()
    } else {
        return None;
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
        return None;
    }
    // "전월 평균 3.7 이하": the previous month's average rating.
    let ahead = before.strip_suffix(measure).unwrap_or(before).trim_end();
    let period = period_before(ahead);
    let (input, label) = match (period, input.as_str()) {
        (Some(period), "평균") if unit == InputUnit::Rating => {
            ("평점".to_owned(), format!("{} 평균", period.words()))
        }
        (Some(period), _) => (input.clone(), format!("{} {input}", period.words())),
        (None, _) => (input.clone(), input),
    };
    // "가입 기준 : 평점 4.0 이상" names what it is for before the colon.
    let subject = ahead.strip_suffix(':').map(|h| {
        h.rsplit(['(', ',', '-', '※'])
            .next()
            .unwrap_or(h)
            .trim()
            .to_owned()
    });
    // "이상 가입 가능" names an outcome; "이상이어야", "이하로" go on with a particle.
    let rest_after_word = &after_space[word.len()..];
    let separate = rest_after_word.starts_with(char::is_whitespace);
    let outcome: String = rest_after_word
        .trim_start()
        .split(['(', ',', ')', '.'])
        .next()
        .unwrap_or("")
        .trim()
        .to_owned();
    Some(Found {
        input,
        label,
        period,
        unit,
        comparison,
        value,
        subject: subject.filter(|s| !s.is_empty()),
        // An outcome starts a word of its own ("가입 가능"), not a particle ("로 …").
        outcome: Some(outcome).filter(|o| separate && !o.is_empty() && o.chars().count() <= 30),
        start,
        end: text.len() - after_space.len() + word.len(),
    })
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

/// Where a sentence stands: the guide's notes and policy tables state its rules; a script
/// or a note of an answer repeats them to the driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Criteria,
    Table,
    Script,
}

/// A rule as one sentence (with the lines that continue it) states it.
#[derive(Debug, Clone)]
struct Statement {
    terms: RuleTerms,
    sources: Vec<String>,
    place: Place,
    /// The comparison as this sentence words it, where it is a condition ("이하로 하락하지
    /// 않을 경우" words the line from the other side of "이상").
    wording: Option<Comparison>,
}

/// What the inputs of the proposed rules are called in the guide's own words.
#[derive(Debug, Default)]
struct Words {
    /// (metric, period) → the guide's words for it ("전월 평균").
    labels: Vec<(String, Option<Period>, String)>,
    /// Metrics a driver may have no value for (the guide says what then).
    without_value: Vec<String>,
    /// An earlier benefit decides an exception.
    prior_benefit: bool,
    /// The payment fails on a date of its own ("다음 결제일에").
    payment_date: bool,
}

impl Words {
    fn label(&mut self, found: &Found) {
        if !self
            .labels
            .iter()
            .any(|(m, p, _)| m == &found.input && *p == found.period)
        {
            self.labels
                .push((found.input.clone(), found.period, found.label.clone()));
        }
    }
}

/// The flag (and id, with `_`) of a metric's input: the usual ones in English as the
/// console's own flags are, any other in the guide's words.
fn metric_flag(metric: &str, period: Option<Period>) -> String {
    let known = match metric {
        "평점" => Some("rating"),
        "수락률" | "수락율" => Some("acceptance-rate"),
        "완료율" | "완료률" => Some("completion-rate"),
        "취소율" | "취소률" => Some("cancel-rate"),
        _ => None,
    };
    let name = known.map_or_else(
        || metric.split_whitespace().collect::<Vec<_>>().join("-"),
        str::to_owned,
    );
    match (period, known) {
        (None, _) => name,
        (Some(Period::PreviousMonth), Some("rating")) => "prev-month-avg".to_owned(),
        (Some(Period::PreviousMonth), _) => format!("prev-month-{name}"),
        (Some(Period::CurrentMonth), _) => format!("this-month-{name}"),
        (Some(Period::LastDays(days)), _) => format!("last-{days}-days-{name}"),
    }
}

fn flag_id(flag: &str) -> String {
    flag.replace('-', "_")
}

/// The lifecycle decision a clause speaks of, by its words: a failed payment, a renewal
/// (or staying on), a signup.
fn lifecycle_decision(clause: &str) -> Option<&'static str> {
    if clause.contains("결제 실패") || clause.contains("결제가 실패") {
        Some(decision::PAYMENT)
    } else if ["갱신", "지속 이용", "계속 이용"]
        .iter()
        .any(|w| clause.contains(w))
    {
        Some(decision::RENEWAL)
    } else if clause.contains("가입") {
        Some(decision::SIGNUP)
    } else {
        None
    }
}

/// The clause of `text` around a threshold: back to the previous bracket or full stop (not
/// before the previous threshold), forward to the next bracket or full stop (not past the
/// next threshold).
fn clause<'t>(text: &'t str, found: &Found, previous_end: usize, next_start: usize) -> &'t str {
    let left = text[previous_end..found.start]
        .rfind(['(', ')', '.', '['])
        .map_or(previous_end, |at| previous_end + at + 1);
    let right = text[found.end..next_start]
        .find(['(', ')', '.', '['])
        .map_or(next_start, |at| found.end + at);
    &text[left..right]
}

/// Whether the words after a threshold deny it: "3.8점 이하로 하락하지 않을 경우".
fn denied(after: &str) -> bool {
    let clause = after.split(['.', '(', ')']).next().unwrap_or("");
    ["않", "아니"].iter().any(|w| clause.contains(w))
}

/// A date as written before `marker` in `text` ("25년 3월 1일부터").
fn date_before(text: &str, marker: &str) -> Option<NaiveDate> {
    let before = &text[..text.find(marker)?];
    let start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| {
            c.is_ascii_digit() || matches!(c, '.' | '-' | '/' | ' ' | '~' | '년' | '월' | '일')
        })
        .last()
        .map(|(at, _)| at)?;
    parse_date(before[start..].trim_start_matches(|c: char| !c.is_ascii_digit()))
}

/// The words that continue `items[at]`: the lines under it, and a remark (※, ㄴ) beside a
/// line that is itself under another.
fn continuation(items: &[Item], at: usize) -> &[Item] {
    let level = items[at].level;
    let end = items[at + 1..]
        .iter()
        .position(|item| {
            let remark = item.text.trim_start().starts_with(['※', 'ㄴ']);
            !(item.level > level || (level > 0 && item.level == level && remark))
        })
        .map_or(items.len(), |n| at + 1 + n);
    &items[at + 1..end]
}

/// The payment methods in brackets after a price: "(카카오페이 (머니,카드) , 휴대폰 결제수단
/// 중 선택)" → 카카오페이 머니, 카카오페이 카드, 휴대폰.
fn payment_methods(text: &str) -> Vec<String> {
    let Some(open) = text.find('(') else {
        return Vec::new();
    };
    let inner = &text[open + 1..];
    // The closing bracket that matches the opening one.
    let mut depth = 1;
    let mut close = inner.len();
    for (at, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    close = at;
                    break;
                }
            }
            _ => {}
        }
    }
    let mut inner = inner[..close].trim();
    for tail in ["중 선택", "중 택1", "중 하나"] {
        inner = inner.strip_suffix(tail).unwrap_or(inner).trim_end();
    }
    for tail in ["결제수단", "결제 수단", "결제"] {
        inner = inner.strip_suffix(tail).unwrap_or(inner).trim_end();
    }
    // Split on commas outside brackets.
    let mut parts = Vec::new();
    let (mut depth, mut from) = (0, 0);
    for (at, c) in inner.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' | '/' if depth == 0 => {
                parts.push(&inner[from..at]);
                from = at + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&inner[from..]);
    let mut methods = Vec::new();
    for part in parts.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        match part.split_once('(') {
            Some((name, kinds)) => {
                let name = name.trim();
                for kind in kinds.trim_end_matches(')').split([',', '/']) {
                    let kind = kind.trim();
                    if !kind.is_empty() {
                        methods.push(format!("{name} {kind}"));
                    }
                }
            }
            None => methods.push(part.to_owned()),
        }
    }
    methods
}

/// "ㄴ 앱 탈퇴 후 재가입시에도 동일" → "앱 탈퇴 후 재가입".
fn also_case(text: &str) -> Option<String> {
    let text = text.trim().trim_start_matches(['ㄴ', '※', '-', ' ']).trim();
    for tail in [
        "시에도 동일",
        "에도 동일",
        "도 동일",
        "시에도 마찬가지",
        "도 마찬가지",
    ] {
        if let Some(case) = text.strip_suffix(tail) {
            return Some(case.trim().to_owned()).filter(|c| !c.is_empty());
        }
    }
    None
}

/// Whether a sentence excludes an earlier benefit ("과거 혜택을 받은 경우 재가입 시에 미적용").
fn excludes_prior_benefit(text: &str) -> bool {
    text.contains("혜택")
        && ["과거", "이전", "받은"].iter().any(|w| text.contains(w))
        && ["미적용", "제외", "불가", "적용되지"]
            .iter()
            .any(|w| text.contains(w))
}

/// "첫 가입시 한달 무료 지원(39,000원 결제후 포인트로 환급 진행)", with its exceptions.
fn free_month(items: &[Item], at: usize, place: Place, words: &mut Words) -> Option<Statement> {
    let text = &items[at].text;
    let first = ["첫 가입", "첫 달", "첫달"]
        .iter()
        .any(|w| text.contains(w));
    let month = ["한달", "한 달", "1개월"].iter().any(|w| text.contains(w));
    if !(text.contains("무료") && first && month) {
        return None;
    }
    let refunded_as = text.find("로 환급").map(|end| {
        text[..end]
            .rsplit(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or("")
            .to_owned()
    });
    let mut sources = vec![items[at].id.clone()];
    let mut exceptions: Vec<Exception> = Vec::new();
    for item in continuation(items, at) {
        if excludes_prior_benefit(&item.text) {
            words.prior_benefit = true;
            exceptions.push(Exception {
                when: Case {
                    input: "prior_benefit".to_owned(),
                    is: None,
                },
                allowed: false,
                also: Vec::new(),
            });
            sources.push(item.id.clone());
        } else if let (Some(case), Some(last)) = (also_case(&item.text), exceptions.last_mut()) {
            last.also.push(case);
            sources.push(item.id.clone());
        }
    }
    Some(Statement {
        terms: RuleTerms::Eligibility {
            decides: vec![decision::FREE_FIRST_MONTH.to_owned()],
            allowed: true,
            when: None,
            requires: Some(decision::SIGNUP.to_owned()),
            refunded_as: refunded_as.filter(|r| !r.is_empty()),
            by: None,
            exceptions,
        },
        sources,
        place,
        wording: None,
    })
}

/// The lifecycle decisions named in `text` (가입, 갱신), in that order.
fn named_decisions(text: &str) -> Vec<String> {
    let mut decides = Vec::new();
    if text.contains("가입") {
        decides.push(decision::SIGNUP.to_owned());
    }
    if text.contains("갱신") {
        decides.push(decision::RENEWAL.to_owned());
    }
    decides
}

/// "평가 부족으로 평점이 없는 경우에도 가입 및 갱신 가능".
fn without_value(item: &Item, place: Place, words: &mut Words) -> Option<Statement> {
    let text = &item.text;
    let at = ["이 없는 경우", "가 없는 경우"]
        .iter()
        .find_map(|marker| text.find(marker))?;
    let metric = text[..at]
        .rsplit(char::is_whitespace)
        .next()
        .filter(|w| is_measure(w))?
        .to_owned();
    let after = &text[at..];
    let allowed = if after.contains("불가") || after.contains("안 됨") {
        false
    } else if after.contains("가능") {
        true
    } else {
        return None;
    };
    let decides = named_decisions(after);
    if decides.is_empty() {
        return None;
    }
    if !words.without_value.contains(&metric) {
        words.without_value.push(metric.clone());
    }
    Some(Statement {
        terms: RuleTerms::Eligibility {
            decides,
            allowed,
            when: Some(Case {
                input: flag_id(&metric_flag(&metric, None)),
                is: Some(Case::NONE.to_owned()),
            }),
            requires: None,
            refunded_as: None,
            by: None,
            exceptions: Vec::new(),
        },
        sources: vec![item.id.clone()],
        place,
        wording: None,
    })
}

/// "기사 앱을 통해 직접 가입 가능 (상담사가 어드민을 통해 가입X)".
fn channel(item: &Item, place: Place) -> Option<Statement> {
    let text = &item.text;
    if !(text.contains("앱") && text.contains("직접")) {
        return None;
    }
    let decides = named_decisions(text);
    if decides.is_empty() {
        return None;
    }
    let agent_admin = text.find("어드민").is_some_and(|at| {
        let after = &text[at..];
        !["X", "x", "불가", "안 됨", "없"]
            .iter()
            .any(|w| after.contains(w))
    });
    Some(Statement {
        terms: RuleTerms::Eligibility {
            decides,
            allowed: true,
            when: None,
            requires: None,
            refunded_as: None,
            by: Some(Channels {
                driver_app: true,
                agent_admin,
            }),
            exceptions: Vec::new(),
        },
        sources: vec![item.id.clone()],
        place,
        wording: None,
    })
}

/// The conditions a sentence states, each with the decision it answers.
fn conditions(
    items: &[Item],
    at: usize,
    place: Place,
    default_subject: &str,
    words: &mut Words,
) -> Vec<Statement> {
    let text = &items[at].text;
    let found = thresholds(text);
    let mut statements = Vec::new();
    let followers = continuation(items, at);
    for (n, threshold) in found.iter().enumerate() {
        let previous_end = if n == 0 { 0 } else { found[n - 1].end };
        let next_start = found.get(n + 1).map_or(text.len(), |f| f.start);
        let own = clause(text, threshold, previous_end, next_start);
        let mut sources = vec![items[at].id.clone()];
        let mut decides = lifecycle_decision(own);
        let mut message = None;
        if decides.is_none() {
            // "전월 평균 3.7 이하가되는 경우 / ㄴ 다음 결제일에 결제 실패 / ㄴ "…"가 노출".
            let said: String = followers
                .iter()
                .map(|i| i.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            if lifecycle_decision(&said) == Some(decision::PAYMENT) {
                decides = Some(decision::PAYMENT);
                sources.extend(followers.iter().map(|i| i.id.clone()));
                message = followers.iter().find_map(|i| quoted(&i.text));
                words.payment_date |= said.contains("결제일");
            }
        }
        let negated = denied(&text[threshold.end..next_start]);
        let comparison = if negated {
            threshold.comparison.negated()
        } else {
            threshold.comparison
        };
        let (decides, met, subject, outcome) = match decides {
            Some(decision::PAYMENT) => (
                decision::PAYMENT.to_owned(),
                Met::Fails,
                "결제 기준".to_owned(),
                Some("결제 실패".to_owned()),
            ),
            Some(lifecycle) => (
                lifecycle.to_owned(),
                Met::Allows,
                if lifecycle == decision::SIGNUP {
                    "가입 기준".to_owned()
                } else {
                    "갱신 기준".to_owned()
                },
                threshold.outcome.clone(),
            ),
            None => {
                let subject = threshold
                    .subject
                    .clone()
                    .unwrap_or_else(|| default_subject.to_owned());
                let decides = threshold
                    .outcome
                    .clone()
                    .unwrap_or_else(|| subject.trim_end_matches("기준").trim().to_owned());
                (decides, Met::Allows, subject, threshold.outcome.clone())
            }
        };
        // "(25년 3월 1일부터)", "25년 2월 28일까지는": the days the value holds.
        let (from, until) = if found.len() == 1 {
            (date_before(text, "부터"), date_before(text, "까지"))
        } else {
            (None, None)
        };
        words.label(threshold);
        statements.push(Statement {
            terms: RuleTerms::Condition {
                metric: threshold.input.clone(),
                period: threshold.period,
                unit: threshold.unit,
                // A sentence that words the line from the other side states the same
                // line: the rule keeps the criteria's side.
                comparison: if negated {
                    threshold.comparison.negated()
                } else {
                    threshold.comparison
                },
                values: vec![DatedValue {
                    value: threshold.value,
                    from: from.map(|d| d.format("%Y-%m-%d").to_string()),
                    until: until.map(|d| d.format("%Y-%m-%d").to_string()),
                }],
                decides,
                met,
                subject,
                outcome,
                message,
            },
            sources,
            place,
            wording: Some(comparison),
        });
    }
    statements
}

/// The text between the first pair of quotes: `ㄴ"네트워크 오류 메시지"가 노출`.
fn quoted(text: &str) -> Option<String> {
    let open = text.find(['"', '“', '\''])?;
    let rest = &text[open + 1..];
    let close = rest.find(['"', '”', '\''])?;
    Some(rest[..close].trim().to_owned()).filter(|q| !q.is_empty())
}

/// Rows of a table with a period column and a threshold column: one condition whose value
/// changes at the periods' dates, citing the rows.
fn dated_table(items: &[Item], subject: &str, words: &mut Words) -> Option<Statement> {
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
                    input.clone_into(&mut found.label);
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
    words.label(first);
    let mut values: Vec<DatedValue> = dated.iter().map(|(v, _, _)| v.clone()).collect();
    // An open start (until a date) comes first.
    values.sort_by(|a, b| a.from.cmp(&b.from));
    let decides = first
        .outcome
        .clone()
        .unwrap_or_else(|| subject.trim_end_matches("기준").trim().to_owned());
    Some(Statement {
        terms: RuleTerms::Condition {
            metric: first.input.clone(),
            period: first.period,
            unit: first.unit,
            comparison: first.comparison,
            values,
            decides,
            met: Met::Allows,
            subject: subject.to_owned(),
            outcome: first.outcome.clone(),
            message: None,
        },
        sources: dated.iter().map(|(_, _, id)| (*id).to_owned()).collect(),
        place: Place::Table,
        wording: Some(first.comparison),
    })
}

/// Every statement of one list of items.
fn statements_of(
    items: &[Item],
    place: Place,
    subject: &str,
    words: &mut Words,
    out: &mut Vec<Statement>,
) {
    if let Some(statement) = dated_table(items, subject, words) {
        out.push(statement);
    }
    for (at, item) in items.iter().enumerate() {
        if !item.cells.is_empty() {
            continue;
        }
        if let Some(statement) = without_value(item, place, words) {
            out.push(statement);
            continue;
        }
        out.extend(conditions(items, at, place, subject, words));
        if let Some(amount) = monthly_price(&item.text) {
            out.push(Statement {
                terms: RuleTerms::Price {
                    amount_krw: amount,
                    per: PricePer::Month,
                    methods: payment_methods(&item.text),
                },
                sources: vec![item.id.clone()],
                place,
                wording: None,
            });
        }
        if let Some(statement) = free_month(items, at, place, words) {
            out.push(statement);
        }
        if let Some(statement) = channel(item, place) {
            out.push(statement);
        }
        if let Some(date) = in_force_from(&item.text).filter(|_| item.text.contains("적용")) {
            out.push(Statement {
                terms: RuleTerms::Window {
                    from: Some(date.format("%Y-%m-%d").to_string()),
                    until: None,
                    event: None,
                    effect: WindowEffect::ConditionsInForce,
                },
                sources: vec![item.id.clone()],
                place,
                wording: None,
            });
        }
    }
}

/// What makes two statements one rule.
fn same_rule(a: &RuleTerms, b: &RuleTerms) -> bool {
    match (a, b) {
        (
            RuleTerms::Condition {
                metric: m1,
                period: p1,
                comparison: c1,
                values: v1,
                decides: d1,
                met: e1,
                ..
            },
            RuleTerms::Condition {
                metric: m2,
                period: p2,
                comparison: c2,
                values: v2,
                decides: d2,
                met: e2,
                ..
            },
        ) => {
            let lifecycle = |d: &str| decision::LIFECYCLE.contains(&d);
            let same_line = m1 == m2 && p1 == p2 && e1 == e2 && c1.same_side(*c2);
            if lifecycle(d1) || lifecycle(d2) {
                same_line && d1 == d2 && v1 == v2
            } else {
                // A help centre's own condition: the values of one line over time join.
                same_line && fits(v1, v2)
            }
        }
        (
            RuleTerms::Price {
                amount_krw: a1,
                per: p1,
                ..
            },
            RuleTerms::Price {
                amount_krw: a2,
                per: p2,
                ..
            },
        ) => a1 == a2 && p1 == p2,
        (
            RuleTerms::Eligibility {
                decides: d1,
                when: w1,
                by: b1,
                ..
            },
            RuleTerms::Eligibility {
                decides: d2,
                when: w2,
                by: b2,
                ..
            },
        ) => d1 == d2 && w1 == w2 && b1.is_some() == b2.is_some(),
        (a, b) => a == b,
    }
}

/// Whether dated values can stand together: equal ones, or ones whose days do not meet.
fn fits(a: &[DatedValue], b: &[DatedValue]) -> bool {
    let undated = |v: &[DatedValue]| v.iter().all(|x| x.from.is_none() && x.until.is_none());
    if undated(a) || undated(b) {
        return a == b;
    }
    b.iter().all(|x| {
        a.iter().any(|y| y == x)
            || a.iter().all(|y| {
                let before = |p: &DatedValue, q: &DatedValue| {
                    matches!((&p.until, &q.from), (Some(u), Some(f)) if u < f)
                };
                before(x, y) || before(y, x)
            })
    })
}

/// Joins a statement into the rule it repeats: its sentences are cited where the guide
/// states the rule (notes, policy tables), and where a script words the line differently
/// (an agent must see both at the boundary); a dated value it adds joins the others.
fn join(rule: &mut Statement, other: Statement) {
    let worded_apart = rule.wording.is_some() && other.wording != rule.wording;
    if other.place != Place::Script || worded_apart {
        for source in other.sources {
            if !rule.sources.contains(&source) {
                rule.sources.push(source);
            }
        }
    }
    match (&mut rule.terms, other.terms) {
        (
            RuleTerms::Condition {
                values, outcome, ..
            },
            RuleTerms::Condition {
                values: more,
                outcome: more_outcome,
                ..
            },
        ) => {
            for value in more {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
            values.sort_by(|a, b| a.from.cmp(&b.from));
            if outcome.is_none() {
                *outcome = more_outcome;
            }
        }
        (RuleTerms::Price { methods, .. }, RuleTerms::Price { methods: more, .. })
            if methods.is_empty() =>
        {
            *methods = more;
        }
        _ => {}
    }
}

/// A blank declaration of an input: its id from its flag.
fn declared(flag: &str, label: &str, kind: InputKind) -> RuleInput {
    RuleInput {
        id: flag_id(flag),
        flag: flag.to_owned(),
        label: label.to_owned(),
        kind,
        metric: None,
        period: None,
        unit: None,
        none: None,
        options: Vec::new(),
        dates: Vec::new(),
    }
}

/// Who is asking, where the rules decide both a signup and a renewal: a new driver is
/// asked about joining (and the free month), a member about renewing (and paying).
fn member_input(decided: &dyn Fn(&str) -> bool) -> Option<RuleInput> {
    if !(decided(decision::SIGNUP) && decided(decision::RENEWAL)) {
        return None;
    }
    let mut new = vec![decision::SIGNUP.to_owned()];
    if decided(decision::FREE_FIRST_MONTH) {
        new.push(decision::FREE_FIRST_MONTH.to_owned());
    }
    let mut renewal = vec![decision::RENEWAL.to_owned()];
    if decided(decision::PAYMENT) {
        renewal.push(decision::PAYMENT.to_owned());
    }
    let mut input = declared("member", "구분", InputKind::Choice);
    input.options = vec![
        InputOption {
            value: "new".to_owned(),
            label: "신규 가입".to_owned(),
            short: None,
            asks: new,
        },
        InputOption {
            value: "renewal".to_owned(),
            label: "갱신(기존 회원)".to_owned(),
            short: Some("갱신".to_owned()),
            asks: renewal,
        },
    ];
    Some(input)
}

/// The inputs the proposals read, declared in the guide's words: who is asking (a new
/// driver or a member) where it decides both, each metric over its period, an earlier
/// benefit, a renewal's own date.
fn declare_inputs(guide: &mut Guide, rules: &[Rule], words: &Words) {
    let decided = |d: &str| rules.iter().any(|r| r.terms.decides(d));
    let mut inputs: Vec<RuleInput> = Vec::new();
    inputs.extend(member_input(&decided));
    let mut metrics: Vec<(String, Option<Period>, InputUnit)> = Vec::new();
    for rule in rules {
        if let RuleTerms::Condition {
            metric,
            period,
            unit,
            ..
        } = &rule.terms
            && !metrics.iter().any(|(m, p, _)| m == metric && p == period)
        {
            metrics.push((metric.clone(), *period, *unit));
        }
    }
    for (metric, period, unit) in metrics {
        let flag = metric_flag(&metric, period);
        let label = words
            .labels
            .iter()
            .find(|(m, p, _)| *m == metric && *p == period)
            .map_or_else(|| metric.clone(), |(_, _, label)| label.clone());
        let mut input = declared(&flag, &label, InputKind::Metric);
        input.none = (period.is_none() && words.without_value.contains(&metric))
            .then(|| format!("{metric} 없음"));
        input.metric = Some(metric);
        input.period = period;
        input.unit = Some(unit);
        inputs.push(input);
    }
    if words.prior_benefit {
        inputs.push(declared("prior-benefit", "과거 무료혜택", InputKind::YesNo));
    }
    if words.payment_date && decided(decision::RENEWAL) {
        let mut input = declared("renewal-date", "갱신일", InputKind::Date);
        input.dates = vec![decision::RENEWAL.to_owned(), decision::PAYMENT.to_owned()];
        inputs.push(input);
    }
    for input in inputs {
        if !guide
            .inputs
            .iter()
            .any(|i| i.id == input.id || i.flag == input.flag)
        {
            guide.inputs.push(input);
        }
    }
}

/// Proposes the drafts of `guide`, after its own rules, and declares the inputs they read.
pub fn propose(guide: &mut Guide) {
    let mut words = Words::default();
    let mut found: Vec<Statement> = Vec::new();
    let fallback_subject = guide.title.clone();
    let subject_of = |title: Option<&str>| {
        title.map_or_else(
            || fallback_subject.clone(),
            |t| {
                t.trim_start_matches(|c: char| CIRCLED.contains(c))
                    .trim()
                    .trim_matches(['[', ']'])
                    .to_owned()
            },
        )
    };
    for section in guide.notes.iter().filter(|s| !s.id.ends_with("-unplaced")) {
        let subject = subject_of(section.title.as_deref());
        statements_of(
            &section.items,
            Place::Criteria,
            &subject,
            &mut words,
            &mut found,
        );
    }
    for qa in &guide.qa {
        for section in &qa.sections {
            let place = if section.kind == SectionKind::PolicyTable {
                Place::Table
            } else {
                Place::Script
            };
            let subject = subject_of(section.title.as_deref());
            statements_of(&section.items, place, &subject, &mut words, &mut found);
        }
    }
    for event in guide.schedule.iter().flat_map(|s| &s.events) {
        if let Some(effect) = effect_of(&event.text) {
            found.push(Statement {
                terms: RuleTerms::Window {
                    from: None,
                    until: None,
                    event: Some(event.id.clone()),
                    effect: match effect {
                        ScheduleEffect::Notice => WindowEffect::Notice,
                        ScheduleEffect::SignupClosed => WindowEffect::SignupClosed,
                        ScheduleEffect::RenewalClosed => WindowEffect::RenewalClosed,
                    },
                },
                sources: vec![event.id.clone()],
                place: Place::Criteria,
                wording: None,
            });
        }
    }
    // The guide's criteria state a rule first; a script repeats it. Stable: in order within.
    found.sort_by_key(|statement| statement.place);
    let mut merged: Vec<Statement> = Vec::new();
    for statement in found {
        match merged
            .iter_mut()
            .find(|r| same_rule(&r.terms, &statement.terms))
        {
            Some(rule) => join(rule, statement),
            None => merged.push(statement),
        }
    }
    let drafts: Vec<Rule> = merged
        .into_iter()
        .enumerate()
        .map(|(n, statement)| Rule {
            id: format!("{}-rule-{}", guide.id, n + 1),
            sources: statement.sources,
            terms: statement.terms,
            status: RuleStatus::Draft,
        })
        .collect();
    declare_inputs(guide, &drafts, &words);
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
