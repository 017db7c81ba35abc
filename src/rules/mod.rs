//! The eligibility engine: "what applies to this driver, on this date?"
//!
//! Every threshold and date comes from the content's rules and schedule; every answer cites
//! the guide's sentences that decide it. Where the guide leaves a gap, or an input is missing,
//! the answer is `ok: null` and says why, rather than guessing.

mod rating;
mod summary;

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;

pub use rating::{ACCEPTED_RATINGS, Rating, RatingInput};
pub use summary::summary;

use crate::clock::{format_kst, rfc3339_kst, start_of_day_kst};
use crate::content::{
    Content, Guide, MembershipEvent, Rule, RuleTerms, ScheduleEffect, ScheduleEvent,
};

/// Who the question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Member {
    /// A driver who wants to join.
    #[default]
    New,
    /// A driver whose membership renews.
    Renewal,
}

impl Member {
    pub fn label(self) -> &'static str {
        match self {
            Self::New => "신규 가입",
            Self::Renewal => "갱신(기존 회원)",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    /// The instant asked about (any offset; answers speak KST).
    pub at: DateTime<FixedOffset>,
    pub member: Member,
    pub rating: RatingInput,
    pub prev_month_avg: Option<Rating>,
    /// Had the free month before (leaving the app and rejoining counts too).
    pub prior_benefit: bool,
    /// Next renewal (payment) date of a current subscription, KST.
    pub renewal_date: Option<NaiveDate>,
}

impl Query {
    pub fn at(at: DateTime<FixedOffset>) -> Self {
        Self {
            at,
            member: Member::New,
            rating: RatingInput::NotGiven,
            prev_month_avg: None,
            prior_benefit: false,
            renewal_date: None,
        }
    }
}

/// The service's phase at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Open,
    Announced,
    SignupClosed,
    RenewalClosed,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "운영 중",
            Self::Announced => "종료 공지 · 가입/갱신 가능",
            Self::SignupClosed => "신규 가입 중단 · 갱신은 가능",
            Self::RenewalClosed => "신규 가입 중단 · 갱신 중단: 서비스 종료",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Announced => "announced",
            Self::SignupClosed => "signup_closed",
            Self::RenewalClosed => "renewal_closed",
        }
    }

    fn from_effect(effect: ScheduleEffect) -> Self {
        match effect {
            ScheduleEffect::Notice => Self::Announced,
            ScheduleEffect::SignupClosed => Self::SignupClosed,
            ScheduleEffect::RenewalClosed => Self::RenewalClosed,
        }
    }
}

/// One reason, with the guide's words that support it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub text: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// `None` where the guide does not decide or an input is missing.
    pub ok: Option<bool>,
    pub why: Vec<Reason>,
}

impl Answer {
    fn new(ok: Option<bool>) -> Self {
        Self {
            ok,
            why: Vec::new(),
        }
    }

    fn because(mut self, text: impl Into<String>, source: impl Into<String>) -> Self {
        self.why.push(Reason {
            text: text.into(),
            source: source.into(),
        });
        self
    }

    pub fn verdict_label(&self) -> &'static str {
        match self.ok {
            Some(true) => "예",
            Some(false) => "아니오",
            None => "판단 불가",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The instant in KST, RFC 3339.
    pub at: String,
    pub phase: Phase,
    pub signup: Answer,
    pub renewal: Answer,
    pub free_first_month: Answer,
    pub payment: Answer,
}

/// The rules of one guide, read out of its content once.
pub struct Policy<'a> {
    content: &'a Content,
    events: Vec<(DateTime<FixedOffset>, Phase, &'a ScheduleEvent)>,
    in_force: Option<(NaiveDate, &'a Rule)>,
    join_min: Option<(Rating, &'a Rule)>,
    renew_min: Option<(Rating, &'a Rule)>,
    unrated: Option<(bool, bool, &'a Rule)>,
    payment_failure: Option<(Rating, &'a str, &'a Rule)>,
    free_month: Option<(&'a str, bool, &'a Rule)>,
    price: Option<(u32, &'a Rule)>,
    channel: Option<(bool, bool, &'a Rule)>,
}

impl<'a> Policy<'a> {
    /// Reads the guide's rules. Content is validated on load, so values that do not parse
    /// here are simply treated as absent (the answers then say the guide gives no rule).
    pub fn of(content: &'a Content, guide: &'a Guide) -> Self {
        let mut events: Vec<_> = guide
            .schedule
            .iter()
            .flat_map(|schedule| &schedule.events)
            .filter_map(|event| {
                let at = DateTime::parse_from_rfc3339(&event.at).ok()?;
                Some((at, Phase::from_effect(event.effect?), event))
            })
            .collect();
        events.sort_by_key(|(at, _, _)| *at);
        let mut policy = Self {
            content,
            events,
            in_force: None,
            join_min: None,
            renew_min: None,
            unrated: None,
            payment_failure: None,
            free_month: None,
            price: None,
            channel: None,
        };
        for rule in &guide.rules {
            match &rule.terms {
                RuleTerms::InForceFrom { date } => {
                    policy.in_force = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                        .ok()
                        .map(|d| (d, rule));
                }
                RuleTerms::MinRating {
                    applies_to,
                    at_least,
                } => {
                    let threshold = Rating::from_f64(*at_least).map(|r| (r, rule));
                    match applies_to {
                        MembershipEvent::Signup => policy.join_min = threshold,
                        MembershipEvent::Renewal => policy.renew_min = threshold,
                    }
                }
                RuleTerms::UnratedAllowed { signup, renewal } => {
                    policy.unrated = Some((*signup, *renewal, rule));
                }
                RuleTerms::PaymentFailure {
                    prev_month_avg_at_most,
                    app_message,
                } => {
                    policy.payment_failure = Rating::from_f64(*prev_month_avg_at_most)
                        .map(|r| (r, app_message.as_str(), rule));
                }
                RuleTerms::FreeFirstMonth {
                    refunded_as,
                    prior_benefit_excludes,
                    ..
                } => {
                    policy.free_month = Some((refunded_as.as_str(), *prior_benefit_excludes, rule));
                }
                RuleTerms::MonthlyPrice { amount_krw, .. } => {
                    policy.price = Some((*amount_krw, rule));
                }
                RuleTerms::SignupChannel {
                    driver_app,
                    agent_admin,
                } => policy.channel = Some((*driver_app, *agent_admin, rule)),
            }
        }
        policy
    }

    /// The guide's sentences a rule cites, `range` of its sources, joined as read out.
    fn cite(&self, rule: &Rule, range: std::ops::RangeFrom<usize>) -> String {
        rule.sources
            .get(range)
            .unwrap_or_default()
            .iter()
            .filter_map(|id| self.content.sentence(id))
            .map(|citation| citation.text.replace('\n', " "))
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn cite_first(&self, rule: &Rule) -> String {
        rule.sources
            .first()
            .and_then(|id| self.content.sentence(id))
            .map(|citation| citation.text.replace('\n', " "))
            .unwrap_or_default()
    }

    /// The phase at `at`, with the schedule event that began it.
    pub fn phase_at(&self, at: &DateTime<FixedOffset>) -> (Phase, Option<&'a ScheduleEvent>) {
        self.events
            .iter()
            .rev()
            .find(|(start, _, _)| start <= at)
            .map_or((Phase::Open, None), |(_, phase, event)| {
                (*phase, Some(*event))
            })
    }

    fn event_for(&self, phase: Phase) -> Option<(DateTime<FixedOffset>, &'a ScheduleEvent)> {
        self.events
            .iter()
            .find(|(_, p, _)| *p == phase)
            .map(|(at, _, event)| (*at, *event))
    }

    /// Answers every question for `query`.
    pub fn evaluate(&self, query: &Query) -> Verdict {
        let (phase, _) = self.phase_at(&query.at);
        let signup = self.signup(query, phase);
        let renewal = self.renewal(query);
        let free_first_month = self.free_first_month(query, &signup);
        let payment = self.payment(query);
        Verdict {
            at: rfc3339_kst(&query.at),
            phase,
            signup,
            renewal,
            free_first_month,
            payment,
        }
    }

    /// `Some(answer)` when the rating criteria are not yet in force at `at`.
    fn before_in_force(&self, at: &DateTime<FixedOffset>) -> Option<Answer> {
        let (date, rule) = self.in_force?;
        let start = start_of_day_kst(date)?;
        (*at < start).then(|| {
            Answer::new(None).because(
                format!("평점 기준은 {date}부터 적용: 그 전에 어떤 기준이었는지 가이드에 없습니다"),
                self.cite_first(rule),
            )
        })
    }

    fn signup(&self, query: &Query, phase: Phase) -> Answer {
        let mut answer = if phase >= Phase::SignupClosed {
            let (start, event) = self
                .event_for(Phase::SignupClosed)
                .map_or((String::new(), String::new()), |(at, e)| {
                    (format_kst(&at), e.line())
                });
            Answer::new(Some(false))
                .because(format!("신규 가입은 {start}부터 중단되었습니다"), event)
        } else if let Some(answer) = self.before_in_force(&query.at) {
            answer
        } else {
            self.rating_answer(query.rating, self.join_min, |u| u.0, "가입")
        };
        if phase == Phase::Announced
            && let Some((at, event)) = self.event_for(Phase::SignupClosed)
        {
            answer = answer.because(
                format!("종료 공지됨: {} 전까지만 신규 가입 가능", format_kst(&at)),
                event.line(),
            );
        }
        if let Some((driver_app, agent_admin, rule)) = self.channel {
            let how = match (driver_app, agent_admin) {
                (true, false) => {
                    "가입은 기사님이 기사 앱에서 직접: 상담사가 어드민으로 가입해 드릴 수 없습니다"
                }
                (true, true) => "기사 앱 또는 상담사 어드민으로 가입",
                (false, true) => "상담사 어드민으로만 가입",
                (false, false) => "가이드에 가입 경로가 정해져 있지 않습니다",
            };
            answer = answer.because(how, self.cite_first(rule));
        }
        answer
    }

    /// Rating against a threshold, with the unrated rule. `unrated_allows` picks the
    /// signup or renewal flag of the unrated rule.
    fn rating_answer(
        &self,
        rating: RatingInput,
        threshold: Option<(Rating, &Rule)>,
        unrated_allows: impl Fn(&(bool, bool)) -> bool,
        what: &str,
    ) -> Answer {
        let Some((min, rule)) = threshold else {
            return Answer::new(None)
                .because(format!("이 가이드에는 {what} 평점 기준이 없습니다"), "");
        };
        match rating {
            RatingInput::NotGiven => Answer::new(None).because(
                format!("평점을 입력하면 판단합니다 ({what} 기준: 평점 {min} 이상)"),
                self.cite_first(rule),
            ),
            RatingInput::Unrated => match self.unrated {
                Some((signup, renewal, unrated_rule)) => {
                    let allowed = unrated_allows(&(signup, renewal));
                    let text = if allowed {
                        format!("평점이 아직 없는 경우에도 {what} 가능")
                    } else {
                        format!("평점이 없는 경우 {what} 불가")
                    };
                    Answer::new(Some(allowed)).because(text, self.cite_first(unrated_rule))
                }
                None => Answer::new(None).because(
                    format!("평점이 없는 경우의 {what} 기준은 가이드에 없습니다"),
                    self.cite_first(rule),
                ),
            },
            RatingInput::Rated(rating) if rating >= min => {
                let mut answer = Answer::new(Some(true)).because(
                    format!("평점 {rating} ≥ {min}: {what} 기준 충족"),
                    self.cite_first(rule),
                );
                if rating == min {
                    // Exactly on the threshold: show every wording the guide uses for it,
                    // since a script may phrase the boundary differently from the criteria.
                    for id in rule.sources.iter().skip(1) {
                        if let Some(citation) = self.content.sentence(id) {
                            answer = answer.because(
                                format!(
                                    "기준선과 같은 {rating}점: 가이드의 다른 문구도 함께 확인하세요"
                                ),
                                citation.text.replace('\n', " "),
                            );
                        }
                    }
                }
                answer
            }
            RatingInput::Rated(rating) => Answer::new(Some(false)).because(
                format!("평점 {rating} < {min}: {what} 기준(평점 {min} 이상) 미달"),
                self.cite_first(rule),
            ),
        }
    }

    /// The instant a renewal (and its payment) takes place: the given renewal date, else `at`.
    fn renewal_instant(query: &Query) -> DateTime<FixedOffset> {
        query
            .renewal_date
            .and_then(start_of_day_kst)
            .unwrap_or(query.at)
    }

    fn renewals_stopped(&self, query: &Query) -> Option<Reason> {
        let when = Self::renewal_instant(query);
        let (phase, _) = self.phase_at(&when);
        if phase < Phase::RenewalClosed {
            return None;
        }
        let (start, event) = self.event_for(Phase::RenewalClosed)?;
        let mut text = format!(
            "{}부터 갱신 중단: 남은 구독기간을 이용한 뒤 갱신 없이 종료",
            format_kst(&start)
        );
        if query.renewal_date.is_some() {
            let _ = write!(text, " (갱신일 {} 기준)", format_kst(&when));
        }
        Some(Reason {
            text,
            source: event.line(),
        })
    }

    fn renewal(&self, query: &Query) -> Answer {
        if let Some(reason) = self.renewals_stopped(query) {
            let mut answer = Answer::new(Some(false));
            answer.why.push(reason);
            return answer;
        }
        let when = Self::renewal_instant(query);
        let mut answer = match self.before_in_force(&when) {
            Some(answer) => answer,
            None => self.rating_answer(query.rating, self.renew_min, |u| u.1, "갱신"),
        };
        if let Some((start, event)) = self.event_for(Phase::RenewalClosed) {
            answer = answer.because(
                format!("{}부터는 갱신되지 않습니다", format_kst(&start)),
                event.line(),
            );
        }
        answer
    }

    fn free_first_month(&self, query: &Query, signup: &Answer) -> Answer {
        let Some((refunded_as, prior_excludes, rule)) = self.free_month else {
            return Answer::new(None).because("이 가이드에는 첫 달 무료 규정이 없습니다", "");
        };
        let price = self.price.map_or_else(String::new, |(amount, _)| {
            format!("{}원 ", crate::text::group_thousands(amount as usize))
        });
        if query.member == Member::Renewal {
            return Answer::new(Some(false)).because(
                "첫 달 무료는 첫 가입에만 적용: 갱신 회원은 해당 없음",
                self.cite_first(rule),
            );
        }
        if query.prior_benefit && prior_excludes {
            return Answer::new(Some(false)).because(
                "과거에 혜택을 받았으면 재가입 시 미적용 (앱 탈퇴 후 재가입도 동일)",
                self.cite(rule, 1..),
            );
        }
        match signup.ok {
            Some(false) => Answer::new(Some(false)).because(
                "가입할 수 없으므로 첫 달 무료도 해당 없음",
                self.cite_first(rule),
            ),
            None => Answer::new(None).because(
                "가입 가능 여부가 정해지면 판단합니다",
                self.cite_first(rule),
            ),
            Some(true) => Answer::new(Some(true)).because(
                format!("첫 가입 한 달 무료: {price}결제 후 {refunded_as}로 환급"),
                self.cite_first(rule),
            ),
        }
    }

    fn payment(&self, query: &Query) -> Answer {
        if let Some(reason) = self.renewals_stopped(query) {
            let mut answer = Answer::new(Some(false));
            answer.why.push(Reason {
                text: format!("다음 정기결제가 없습니다 (청구되지 않음): {}", reason.text),
                source: reason.source,
            });
            return answer;
        }
        let Some((fail_at_most, message, rule)) = self.payment_failure else {
            return Answer::new(None).because("이 가이드에는 결제 실패 기준이 없습니다", "");
        };
        let source = self.cite(rule, 0..);
        let when = Self::renewal_instant(query);
        if let Some(answer) = self.before_in_force(&when) {
            return answer;
        }
        let Some(average) = query.prev_month_avg else {
            return Answer::new(None).because(
                format!("전월 평균 평점을 입력하면 판단합니다 ({fail_at_most} 이하면 결제 실패)"),
                source,
            );
        };
        if average <= fail_at_most {
            return Answer::new(Some(false)).because(
                format!("전월 평균 {average} ≤ {fail_at_most}: 다음 결제일에 결제 실패, 앱에 \"{message}\" 노출"),
                source,
            );
        }
        match self.renew_min {
            Some((renew_min, renew_rule)) if average >= renew_min => {
                let mut answer = Answer::new(Some(true)).because(
                    format!("전월 평균 {average}: 결제 실패 기준({fail_at_most} 이하)에 해당하지 않고 갱신 기준({renew_min} 이상) 충족"),
                    source,
                );
                answer = answer.because("갱신 기준", self.cite_first(renew_rule));
                if let Some((amount, price_rule)) = self.price {
                    answer = answer.because(
                        format!("월 {}원 정기결제", crate::text::group_thousands(amount as usize)),
                        self.cite_first(price_rule),
                    );
                }
                answer
            }
            Some((renew_min, renew_rule)) => Answer::new(None)
                .because(
                    format!(
                        "전월 평균 {average}: 가이드는 {fail_at_most} 이하(결제 실패)와 {renew_min} 이상(갱신 가능)만 정하고, 그 사이는 정하지 않습니다"
                    ),
                    source,
                )
                .because("갱신 기준", self.cite_first(renew_rule)),
            None => Answer::new(None).because(
                format!("전월 평균 {average}: 가이드는 {fail_at_most} 이하일 때만 정합니다"),
                source,
            ),
        }
    }
}

/// The verdict as lines an agent reads (the `check` command's plain output).
pub fn verdict_lines(verdict: &Verdict, query: &Query) -> Vec<String> {
    let mut lines = vec![
        format!(
            "기준 시각: {} · {}",
            format_kst(&query.at),
            query.member.label()
        ),
        format!("서비스 단계: {}", verdict.phase.label()),
    ];
    for (title, answer) in verdict.answers() {
        lines.push(format!("{title}: {}", answer.verdict_label()));
        for reason in &answer.why {
            lines.push(format!("  - {}", reason.text));
            if !reason.source.is_empty() {
                lines.push(format!("    근거: \"{}\"", reason.source));
            }
        }
    }
    lines
}

impl Verdict {
    /// The four answers with their Korean titles, in reading order.
    pub fn answers(&self) -> [(&'static str, &Answer); 4] {
        [
            ("가입 가능", &self.signup),
            ("갱신", &self.renewal),
            ("첫 달 무료", &self.free_first_month),
            ("다음 결제", &self.payment),
        ]
    }
}
