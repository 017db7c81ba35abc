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
    Content, Guide, MembershipEvent, Offer, Rule, RuleTerms, ScheduleEffect, ScheduleEvent,
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

    /// A short form for narrow screens.
    pub fn short_label(self) -> &'static str {
        match self {
            Self::Open => "운영 중",
            Self::Announced => "종료 공지",
            Self::SignupClosed => "가입 중단",
            Self::RenewalClosed => "서비스 종료",
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

/// How a question came out. `ok` says yes, no or undecided; the outcome names the case in
/// words an agent can paste ("no charge" and "the payment fails" are both a no).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Yes,
    No,
    /// The guide does not decide, or an input is missing.
    Undecided,
    /// The question does not concern the driver asked about (a new driver's renewal).
    NotApplicable,
    /// The next payment fails (the app shows the guide's message).
    PaymentFails,
    /// Nothing will be charged (no renewal takes place).
    NoCharge,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Answer {
    /// Whether the question concerns the driver asked about.
    pub applies: bool,
    /// `None` where the guide does not decide, an input is missing, or it does not apply.
    pub ok: Option<bool>,
    pub outcome: Outcome,
    /// The outcome in the agent's words ("정상 결제", "결제 실패", "청구 없음", …).
    pub label: String,
    pub why: Vec<Reason>,
}

impl Answer {
    fn new(ok: Option<bool>) -> Self {
        let outcome = match ok {
            Some(true) => Outcome::Yes,
            Some(false) => Outcome::No,
            None => Outcome::Undecided,
        };
        Self {
            applies: true,
            ok,
            outcome,
            label: String::new(),
            why: Vec::new(),
        }
    }

    fn with(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    fn not_applicable(why: impl Into<String>) -> Self {
        let mut answer = Self::new(None).with(Outcome::NotApplicable);
        answer.applies = false;
        answer.because(why, "")
    }

    fn because(mut self, text: impl Into<String>, source: impl Into<String>) -> Self {
        self.why.push(Reason {
            text: text.into(),
            source: source.into(),
        });
        self
    }

    /// The outcome's words, as shown beside the question.
    pub fn verdict_label(&self) -> &str {
        &self.label
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// The instant in KST, RFC 3339.
    pub at: String,
    pub phase: Phase,
    /// The verdict on one line, fit for a ticket.
    pub summary: String,
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
    /// (refunded as, an earlier benefit excludes, rejoining after leaving the app counts as
    /// earlier, the rule)
    free_month: Option<(&'a str, bool, bool, &'a Rule)>,
    price: Option<(u32, &'a Rule)>,
    channel: Option<(bool, bool, &'a Rule)>,
    /// What to do where the guide does not decide (the guide's own words, or the default).
    escalation: &'a str,
}

/// Where a guide names no escalation for an undecided case.
pub const DEFAULT_ESCALATION: &str = "선임 상담사 확인";

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
            escalation: guide
                .escalation
                .as_deref()
                .filter(|e| !e.trim().is_empty())
                .unwrap_or(DEFAULT_ESCALATION),
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
                    rejoin_counts_as_prior,
                } => {
                    policy.free_month = Some((
                        refunded_as.as_str(),
                        *prior_benefit_excludes,
                        *rejoin_counts_as_prior,
                        rule,
                    ));
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

    /// What the rule form's "earlier free month" box means in this guide: whether a benefit
    /// had before leaving the app and rejoining counts (the rule's `rejoin_counts_as_prior`).
    pub fn prior_benefit_hint(&self) -> &'static str {
        match self.free_month {
            Some((_, _, true, _)) => "받은 적 있음 (탈퇴 후 재가입 포함)",
            Some((_, _, false, _)) => "받은 적 있음 (탈퇴 전 계정의 혜택은 빼고)",
            None => "받은 적 있음",
        }
    }

    /// Whether the schedule has closed what a script or an SMS offers by `at`, and the
    /// warning to show beside it: signups closed close an offer to join; the end of
    /// renewals (the service's end) closes every offer. Derived from the schedule alone: the
    /// console adds no words to the guide's.
    pub fn closed(&self, offer: Option<Offer>, at: &DateTime<FixedOffset>) -> Option<String> {
        let (phase, _) = self.phase_at(at);
        if phase >= Phase::RenewalClosed {
            let (_, event) = self.event_for(Phase::RenewalClosed)?;
            return Some(format!(
                "⚠ 일정상 서비스 종료 후입니다 ({}): 이 안내를 그대로 하면 안 됩니다",
                event.line()
            ));
        }
        if phase >= Phase::SignupClosed && offer == Some(Offer::Signup) {
            let (_, event) = self.event_for(Phase::SignupClosed)?;
            return Some(format!(
                "⚠ 일정상 신규 가입이 중단되었습니다 ({}): 가입 권유·가입 안내는 하지 마세요",
                event.line()
            ));
        }
        None
    }

    fn event_for(&self, phase: Phase) -> Option<(DateTime<FixedOffset>, &'a ScheduleEvent)> {
        self.events
            .iter()
            .find(|(_, p, _)| *p == phase)
            .map(|(at, _, event)| (*at, *event))
    }

    /// Answers every question for `query`. The member kind decides what is asked: a new
    /// driver's renewal and payment, and a member's signup and free month, are marked as not
    /// applying.
    pub fn evaluate(&self, query: &Query) -> Verdict {
        let (phase, _) = self.phase_at(&query.at);
        let (signup, free_first_month, renewal, payment) = match query.member {
            Member::New => {
                let signup = self.signup(query, phase);
                let free = self.free_first_month(query, &signup);
                (
                    signup,
                    free,
                    Answer::not_applicable("신규 가입 문의: 갱신은 해당 없음"),
                    Answer::not_applicable("신규 가입 문의: 정기결제는 해당 없음"),
                )
            }
            Member::Renewal => {
                let (renewal, payment) = self.renewal_and_payment(query);
                let mut free =
                    Answer::not_applicable("첫 달 무료는 첫 가입에만 적용: 갱신 회원은 해당 없음");
                if let Some((_, _, _, rule)) = self.free_month {
                    free.why[0].source = self.cite_first(rule);
                }
                (
                    Answer::not_applicable("갱신 회원 문의: 신규 가입은 해당 없음"),
                    free,
                    renewal,
                    payment,
                )
            }
        };
        let mut verdict = Verdict {
            at: rfc3339_kst(&query.at),
            phase,
            summary: String::new(),
            signup: labelled(signup, ["가입 가능", "가입 불가", "판단 불가"]),
            renewal: labelled(renewal, ["갱신", "갱신 안 됨", "판단 불가"]),
            free_first_month: labelled(free_first_month, ["적용", "미적용", "판단 불가"]),
            payment: labelled(payment, ["정상 결제", "결제 안 됨", "판단 불가"]),
        };
        verdict.summary = summary_line(&verdict, query, self.escalation);
        verdict
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

    fn free_first_month(&self, query: &Query, signup: &Answer) -> Answer {
        let Some((refunded_as, prior_excludes, rejoin_counts, rule)) = self.free_month else {
            return Answer::new(None).because("이 가이드에는 첫 달 무료 규정이 없습니다", "");
        };
        let price = self.price.map_or_else(String::new, |(amount, _)| {
            format!("{}원 ", crate::text::group_thousands(amount as usize))
        });
        if query.prior_benefit && prior_excludes {
            let text = if rejoin_counts {
                "과거에 혜택을 받았으면 재가입 시 미적용 (앱 탈퇴 후 재가입도 동일)"
            } else {
                "과거에 혜택을 받았으면 재가입 시 미적용 (앱 탈퇴 전 계정의 혜택은 세지 않음)"
            };
            return Answer::new(Some(false)).because(text, self.cite(rule, 1..));
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

    /// Renewal and the next payment, decided together by one input as the guide does: the
    /// previous month's average (else the rating given) renews and pays at or above the
    /// renewal line, fails the payment at or below the failure line, and is not decided in
    /// between. The two answers never disagree.
    fn renewal_and_payment(&self, query: &Query) -> (Answer, Answer) {
        if let Some(reason) = self.renewals_stopped(query) {
            let mut renewal = Answer::new(Some(false));
            renewal.why.push(reason.clone());
            let payment = Answer::new(Some(false)).with(Outcome::NoCharge).because(
                format!("다음 정기결제가 없습니다 (청구되지 않음): {}", reason.text),
                reason.source,
            );
            return (renewal, labelled_as(payment, "청구 없음"));
        }
        let when = Self::renewal_instant(query);
        if let Some(answer) = self.before_in_force(&when) {
            return (answer.clone(), answer);
        }
        let (renewal, payment) = self.decide_renewal(query);
        let renewal = match self.event_for(Phase::RenewalClosed) {
            Some((start, event)) => renewal.because(
                format!("{}부터는 갱신되지 않습니다", format_kst(&start)),
                event.line(),
            ),
            None => renewal,
        };
        (renewal, payment)
    }

    /// At or above the renewal line: renews, and the next payment goes through.
    fn renews_and_pays(
        &self,
        value: Rating,
        input: &str,
        renew_min: Rating,
        renew_rule: &Rule,
    ) -> (Answer, Answer) {
        let failure = self.payment_failure;
        let mut renewal = Answer::new(Some(true)).because(
            format!("{input} ≥ {renew_min}: 갱신 기준 충족"),
            self.cite_first(renew_rule),
        );
        if value == renew_min {
            // Exactly on the line: every wording the guide uses for it.
            for id in renew_rule.sources.iter().skip(1) {
                if let Some(citation) = self.content.sentence(id) {
                    renewal = renewal.because(
                        format!("기준선과 같은 {value}점: 가이드의 다른 문구도 함께 확인하세요"),
                        citation.text.replace('\n', " "),
                    );
                }
            }
        }
        let mut payment = Answer::new(Some(true));
        if let Some((fail_at_most, _, rule)) = failure {
            payment = payment.because(
                format!("{input}: 결제 실패 기준({fail_at_most} 이하)에 해당하지 않고 갱신 기준({renew_min} 이상) 충족"),
                self.cite(rule, 0..),
            );
        }
        if let Some((amount, price_rule)) = self.price {
            payment = payment.because(
                format!(
                    "월 {}원 정기결제",
                    crate::text::group_thousands(amount as usize)
                ),
                self.cite_first(price_rule),
            );
        }
        (renewal, payment)
    }

    /// A member with no rating yet: the unrated rule decides renewal; nothing can fail the
    /// payment.
    fn unrated_renewal(&self) -> (Answer, Answer) {
        let renewal = self.rating_answer(RatingInput::Unrated, self.renew_min, |u| u.1, "갱신");
        let payment = match renewal.ok {
            Some(true) => Answer::new(Some(true)).because(
                "평점이 없어 결제 실패 기준(전월 평균)에 해당하지 않습니다",
                renewal
                    .why
                    .first()
                    .map(|r| r.source.clone())
                    .unwrap_or_default(),
            ),
            _ => Answer::new(renewal.ok),
        };
        (renewal, payment)
    }

    /// The deciding input against the guide's two lines.
    fn decide_renewal(&self, query: &Query) -> (Answer, Answer) {
        let failure = self.payment_failure;
        let both = |answer: Answer| (answer.clone(), answer);
        let value = match (query.prev_month_avg, query.rating) {
            (Some(average), rating) => {
                let mut note = None;
                if let RatingInput::Rated(rating) = rating {
                    note = Some(format!(
                        "평점 {rating}, 전월 평균 {average} 모두 입력됨: 가이드는 갱신과 결제를 전월 평균으로 판단합니다"
                    ));
                }
                (average, format!("전월 평균 {average}"), note)
            }
            (None, RatingInput::Rated(rating)) => (
                rating,
                format!("평점 {rating}"),
                Some(
                    "전월 평균이 입력되지 않아 평점으로 판단합니다 (가이드 기준은 전월 평균)"
                        .to_owned(),
                ),
            ),
            (None, RatingInput::Unrated) => return self.unrated_renewal(),
            (None, RatingInput::NotGiven) => {
                let lines = match (self.renew_min, failure) {
                    (Some((min, _)), Some((fail, _, _))) => {
                        format!(" ({min} 이상 갱신·결제, {fail} 이하 결제 실패)")
                    }
                    _ => String::new(),
                };
                let source = failure
                    .map(|(_, _, rule)| self.cite(rule, 0..))
                    .unwrap_or_default();
                return both(Answer::new(None).because(
                    format!("전월 평균 평점을 입력하면 판단합니다{lines}"),
                    source,
                ));
            }
        };
        let (value, input, note) = value;
        let with_note = |answer: Answer| match &note {
            Some(note) => answer.because(note.clone(), ""),
            None => answer,
        };
        if let Some((fail_at_most, message, rule)) = failure
            && value <= fail_at_most
        {
            let source = self.cite(rule, 0..);
            let renewal = Answer::new(Some(false)).because(
                format!("{input} ≤ {fail_at_most}: 다음 결제일에 결제가 실패해 갱신되지 않습니다"),
                source.clone(),
            );
            let payment = Answer::new(Some(false))
                .with(Outcome::PaymentFails)
                .because(
                    format!(
                        "{input} ≤ {fail_at_most}: 다음 결제일에 결제 실패, 앱에 \"{message}\" 노출"
                    ),
                    source,
                );
            return (
                with_note(renewal),
                with_note(labelled_as(payment, "결제 실패")),
            );
        }
        match self.renew_min {
            Some((renew_min, renew_rule)) if value >= renew_min => {
                let (renewal, payment) = self.renews_and_pays(value, &input, renew_min, renew_rule);
                (with_note(renewal), with_note(payment))
            }
            Some((renew_min, renew_rule)) => {
                let fail =
                    failure.map_or_else(String::new, |(f, _, _)| format!("{f} 이하(결제 실패)와 "));
                let gap = Answer::new(None)
                    .because(
                        format!("{input}: 가이드는 {fail}{renew_min} 이상(갱신)만 정하고, 그 사이는 정하지 않습니다"),
                        failure.map(|(_, _, rule)| self.cite(rule, 0..)).unwrap_or_default(),
                    )
                    .because("갱신 기준", self.cite_first(renew_rule))
                    .because(format!("할 일: {}", self.escalation), "");
                let range = failure.map_or_else(
                    || format!("{renew_min} 미만"),
                    |(f, _, _)| format!("{f}~{renew_min}"),
                );
                let gap = labelled_as(with_note(gap), &format!("가이드 기준 없음({range})"));
                (gap.clone(), gap)
            }
            None => both(with_note(Answer::new(None).because(
                format!("{input}: 이 가이드에는 갱신 평점 기준이 없습니다"),
                "",
            ))),
        }
    }
}

/// Gives an answer its words: `[yes, no, undecided]`, unless it has its own already.
fn labelled(mut answer: Answer, words: [&str; 3]) -> Answer {
    if answer.label.is_empty() {
        answer.label = match answer.outcome {
            Outcome::NotApplicable => "해당 없음".to_owned(),
            Outcome::Yes => words[0].to_owned(),
            Outcome::No | Outcome::PaymentFails | Outcome::NoCharge => words[1].to_owned(),
            Outcome::Undecided => words[2].to_owned(),
        };
    }
    answer
}

fn labelled_as(mut answer: Answer, label: &str) -> Answer {
    label.clone_into(&mut answer.label);
    answer
}

/// The verdict on one line for a ticket: date, who, the deciding input, the outcome.
/// `2024-12-15 갱신 회원 · 전월 평균 3.72 → 가이드 기준 없음(3.7~3.8): 선임 상담사 확인`
fn summary_line(verdict: &Verdict, query: &Query, escalation: &str) -> String {
    let date = crate::clock::format_kst(&query.at);
    let date = date.get(..10).unwrap_or(&date);
    let rating = match query.rating {
        RatingInput::Rated(rating) => Some(format!("평점 {rating}")),
        RatingInput::Unrated => Some("평점 없음".to_owned()),
        RatingInput::NotGiven => None,
    };
    match query.member {
        Member::New => {
            let mut inputs = vec![rating.unwrap_or_else(|| "평점 미입력".to_owned())];
            if query.prior_benefit {
                inputs.push("과거 무료혜택 있음".to_owned());
            }
            let mut outcome = verdict.signup.label.clone();
            if verdict.phase >= Phase::SignupClosed {
                outcome.push_str(" (신규 가입 중단)");
            }
            if verdict.signup.ok == Some(true) {
                let _ = write!(outcome, " · 첫 달 무료 {}", verdict.free_first_month.label);
            }
            format!("{date} 신규 가입 · {} → {outcome}", inputs.join(" · "))
        }
        Member::Renewal => {
            let input = match (query.prev_month_avg, rating) {
                (Some(average), _) => format!("전월 평균 {average}"),
                (None, Some(rating)) => rating,
                (None, None) => "전월 평균 미입력".to_owned(),
            };
            let outcome = match verdict.payment.outcome {
                Outcome::PaymentFails => format!(
                    "결제 실패 · 갱신 안 됨 ({})",
                    verdict
                        .payment
                        .why
                        .first()
                        .map_or("", |r| r.text.split_once("앱에 ").map_or("", |(_, m)| m))
                ),
                Outcome::NoCharge => "갱신 안 됨 · 청구 없음 (서비스 종료)".to_owned(),
                Outcome::Yes => "갱신 · 정상 결제".to_owned(),
                _ if verdict.renewal.label.starts_with("가이드 기준 없음") => {
                    format!("{}: {escalation}", verdict.renewal.label)
                }
                _ => "판단 불가".to_owned(),
            };
            format!("{date} 갱신 회원 · {input} → {outcome}")
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
        format!("요약: {}", verdict.summary),
    ];
    for (title, answer) in verdict.applying() {
        lines.push(format!("{title}: {}", answer.verdict_label()));
        for reason in &answer.why {
            lines.push(format!("  - {}", reason.text));
            if !reason.source.is_empty() {
                lines.push(format!("    근거: \"{}\"", reason.source));
            }
        }
    }
    let folded = verdict.not_applying();
    if !folded.is_empty() {
        lines.push(format!(
            "해당 없음 ({}): {}",
            query.member.label(),
            folded.join(", ")
        ));
    }
    lines
}

impl Verdict {
    /// The answers that concern the driver asked about, with their titles.
    pub fn applying(&self) -> Vec<(&'static str, &Answer)> {
        self.answers()
            .into_iter()
            .filter(|(_, answer)| answer.applies)
            .collect()
    }

    /// The titles of the answers that do not concern the driver asked about.
    pub fn not_applying(&self) -> Vec<&'static str> {
        self.answers()
            .into_iter()
            .filter(|(_, answer)| !answer.applies)
            .map(|(title, _)| title)
            .collect()
    }

    /// The four answers with their Korean titles, in reading order.
    pub fn answers(&self) -> [(&'static str, &Answer); 4] {
        [
            ("신규 가입", &self.signup),
            ("갱신", &self.renewal),
            ("첫 달 무료", &self.free_first_month),
            ("다음 결제", &self.payment),
        ]
    }
}
