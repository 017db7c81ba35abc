//! The eligibility engine: "what applies to this driver, on this date?"
//!
//! Every threshold and date comes from the content's rules and schedule; every answer cites
//! the guide's sentences that decide it. Where the guide leaves a gap, or an input is missing,
//! the answer is `ok: null` and says why, rather than guessing.

pub mod phrases;
mod rating;
mod summary;
pub mod threshold;

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
            Self::New => phrases::MEMBER_NEW,
            Self::Renewal => phrases::MEMBER_RENEWAL,
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
            Self::Open => phrases::PHASES[0].0,
            Self::Announced => phrases::PHASES[1].0,
            Self::SignupClosed => phrases::PHASES[2].0,
            Self::RenewalClosed => phrases::PHASES[3].0,
        }
    }

    /// A short form for narrow screens.
    pub fn short_label(self) -> &'static str {
        match self {
            Self::Open => phrases::PHASES[0].1,
            Self::Announced => phrases::PHASES[1].1,
            Self::SignupClosed => phrases::PHASES[2].1,
            Self::RenewalClosed => phrases::PHASES[3].1,
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

pub use phrases::DEFAULT_ESCALATION;

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
        // A reviewed rule may give an event its effect (the importer proposes these).
        for rule in guide.rules.iter().filter(|rule| !rule.is_draft()) {
            if let RuleTerms::ScheduleChange { event, effect } = &rule.terms
                && let Some(found) = guide
                    .schedule
                    .iter()
                    .flat_map(|s| &s.events)
                    .find(|e| &e.id == event && e.effect.is_none())
                && let Ok(at) = DateTime::parse_from_rfc3339(&found.at)
            {
                events.push((at, Phase::from_effect(*effect), found));
            }
        }
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
        // Drafts never answer: only what someone reviewed decides a verdict.
        for rule in guide.rules.iter().filter(|rule| !rule.is_draft()) {
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
                RuleTerms::Threshold { .. } | RuleTerms::ScheduleChange { .. } => {}
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
            Some((_, _, true, _)) => phrases::PRIOR_BENEFIT_WITH_REJOIN,
            Some((_, _, false, _)) => phrases::PRIOR_BENEFIT_WITHOUT_REJOIN,
            None => phrases::PRIOR_BENEFIT,
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
            return Some(phrases::closed_service(&event.line()));
        }
        if phase >= Phase::SignupClosed && offer == Some(Offer::Signup) {
            let (_, event) = self.event_for(Phase::SignupClosed)?;
            return Some(phrases::closed_signup(&event.line()));
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
                    Answer::not_applicable(phrases::NEW_NOT_RENEWAL),
                    Answer::not_applicable(phrases::NEW_NOT_PAYMENT),
                )
            }
            Member::Renewal => {
                let (renewal, payment) = self.renewal_and_payment(query);
                let mut free = Answer::not_applicable(phrases::MEMBER_NO_FREE_MONTH);
                if let Some((_, _, _, rule)) = self.free_month {
                    free.why[0].source = self.cite_first(rule);
                }
                (
                    Answer::not_applicable(phrases::MEMBER_NOT_SIGNUP),
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
            signup: labelled(signup, phrases::SIGNUP_WORDS),
            renewal: labelled(renewal, phrases::RENEWAL_WORDS),
            free_first_month: labelled(free_first_month, phrases::FREE_MONTH_WORDS),
            payment: labelled(payment, phrases::PAYMENT_WORDS),
        };
        verdict.summary = summary_line(&verdict, query, self.escalation);
        verdict
    }

    /// `Some(answer)` when the rating criteria are not yet in force at `at`.
    fn before_in_force(&self, at: &DateTime<FixedOffset>) -> Option<Answer> {
        let (date, rule) = self.in_force?;
        let start = start_of_day_kst(date)?;
        (*at < start).then(|| {
            Answer::new(None).because(phrases::criteria_not_yet(date), self.cite_first(rule))
        })
    }

    fn signup(&self, query: &Query, phase: Phase) -> Answer {
        let mut answer = if phase >= Phase::SignupClosed {
            let (start, event) = self
                .event_for(Phase::SignupClosed)
                .map_or((String::new(), String::new()), |(at, e)| {
                    (format_kst(&at), e.line())
                });
            Answer::new(Some(false)).because(phrases::signups_closed_since(start), event)
        } else if let Some(answer) = self.before_in_force(&query.at) {
            answer
        } else {
            self.rating_answer(query.rating, self.join_min, |u| u.0, phrases::SIGNUP)
        };
        if phase == Phase::Announced
            && let Some((at, event)) = self.event_for(Phase::SignupClosed)
        {
            answer = answer.because(phrases::announced_until(format_kst(&at)), event.line());
        }
        if let Some((driver_app, agent_admin, rule)) = self.channel {
            let how = phrases::channel(driver_app, agent_admin);
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
            return Answer::new(None).because(phrases::no_rating_rule(what), "");
        };
        match rating {
            RatingInput::NotGiven => {
                Answer::new(None).because(phrases::enter_rating(what, min), self.cite_first(rule))
            }
            RatingInput::Unrated => match self.unrated {
                Some((signup, renewal, unrated_rule)) => {
                    let allowed = unrated_allows(&(signup, renewal));
                    let text = phrases::unrated(what, allowed);
                    Answer::new(Some(allowed)).because(text, self.cite_first(unrated_rule))
                }
                None => Answer::new(None)
                    .because(phrases::unrated_not_in_guide(what), self.cite_first(rule)),
            },
            RatingInput::Rated(rating) if rating >= min => {
                let mut answer = Answer::new(Some(true)).because(
                    phrases::meets(phrases::rating(rating), min, what),
                    self.cite_first(rule),
                );
                if rating == min {
                    // Exactly on the threshold: show every wording the guide uses for it,
                    // since a script may phrase the boundary differently from the criteria.
                    for id in rule.sources.iter().skip(1) {
                        if let Some(citation) = self.content.sentence(id) {
                            answer = answer.because(
                                phrases::on_the_line(rating),
                                citation.text.replace('\n', " "),
                            );
                        }
                    }
                }
                answer
            }
            RatingInput::Rated(rating) => Answer::new(Some(false))
                .because(phrases::below(rating, min, what), self.cite_first(rule)),
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
        let mut text = phrases::renewals_stop(format_kst(&start));
        if query.renewal_date.is_some() {
            text.push_str(&phrases::on_renewal_date(format_kst(&when)));
        }
        Some(Reason {
            text,
            source: event.line(),
        })
    }

    fn free_first_month(&self, query: &Query, signup: &Answer) -> Answer {
        let Some((refunded_as, prior_excludes, rejoin_counts, rule)) = self.free_month else {
            return Answer::new(None).because(phrases::NO_FREE_MONTH_RULE, "");
        };
        let price = self.price.map_or_else(String::new, |(amount, _)| {
            phrases::won(&crate::text::group_thousands(amount as usize))
        });
        if query.prior_benefit && prior_excludes {
            let text = phrases::prior_excludes(rejoin_counts);
            return Answer::new(Some(false)).because(text, self.cite(rule, 1..));
        }
        match signup.ok {
            Some(false) => Answer::new(Some(false))
                .because(phrases::NO_SIGNUP_NO_FREE_MONTH, self.cite_first(rule)),
            None => Answer::new(None).because(phrases::WHEN_SIGNUP_DECIDED, self.cite_first(rule)),
            Some(true) => Answer::new(Some(true)).because(
                phrases::free_month(&price, refunded_as),
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
            let payment = Answer::new(Some(false))
                .with(Outcome::NoCharge)
                .because(phrases::no_charge(&reason.text), reason.source);
            return (renewal, labelled_as(payment, phrases::NO_CHARGE));
        }
        let when = Self::renewal_instant(query);
        if let Some(answer) = self.before_in_force(&when) {
            return (answer.clone(), answer);
        }
        let (renewal, payment) = self.decide_renewal(query);
        let renewal = match self.event_for(Phase::RenewalClosed) {
            Some((start, event)) => {
                renewal.because(phrases::no_renewal_from(format_kst(&start)), event.line())
            }
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
            phrases::meets(input, renew_min, phrases::RENEWAL),
            self.cite_first(renew_rule),
        );
        if value == renew_min {
            // Exactly on the line: every wording the guide uses for it.
            for id in renew_rule.sources.iter().skip(1) {
                if let Some(citation) = self.content.sentence(id) {
                    renewal = renewal.because(
                        phrases::on_the_line(value),
                        citation.text.replace('\n', " "),
                    );
                }
            }
        }
        let mut payment = Answer::new(Some(true));
        if let Some((fail_at_most, _, rule)) = failure {
            payment = payment.because(
                phrases::pays(input, fail_at_most, renew_min),
                self.cite(rule, 0..),
            );
        }
        if let Some((amount, price_rule)) = self.price {
            payment = payment.because(
                phrases::monthly_price(&crate::text::group_thousands(amount as usize)),
                self.cite_first(price_rule),
            );
        }
        (renewal, payment)
    }

    /// A member with no rating yet: the unrated rule decides renewal; nothing can fail the
    /// payment.
    fn unrated_renewal(&self) -> (Answer, Answer) {
        let renewal = self.rating_answer(
            RatingInput::Unrated,
            self.renew_min,
            |u| u.1,
            phrases::RENEWAL,
        );
        let payment = match renewal.ok {
            Some(true) => Answer::new(Some(true)).because(
                phrases::UNRATED_CANNOT_FAIL,
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
                    note = Some(phrases::both_inputs(rating, average));
                }
                (average, phrases::average(average), note)
            }
            (None, RatingInput::Rated(rating)) => (
                rating,
                phrases::rating(rating),
                Some(phrases::RATING_STANDS_IN.to_owned()),
            ),
            (None, RatingInput::Unrated) => return self.unrated_renewal(),
            (None, RatingInput::NotGiven) => {
                let lines = match (self.renew_min, failure) {
                    (Some((min, _)), Some((fail, _, _))) => phrases::lines_hint(min, fail),
                    _ => String::new(),
                };
                let source = failure
                    .map(|(_, _, rule)| self.cite(rule, 0..))
                    .unwrap_or_default();
                return both(Answer::new(None).because(phrases::enter_average(&lines), source));
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
                phrases::fails_no_renewal(&input, fail_at_most),
                source.clone(),
            );
            let payment = Answer::new(Some(false))
                .with(Outcome::PaymentFails)
                .because(
                    phrases::payment_fails(&input, fail_at_most, message),
                    source,
                );
            return (
                with_note(renewal),
                with_note(labelled_as(payment, phrases::PAYMENT_FAILS)),
            );
        }
        match self.renew_min {
            Some((renew_min, renew_rule)) if value >= renew_min => {
                let (renewal, payment) = self.renews_and_pays(value, &input, renew_min, renew_rule);
                (with_note(renewal), with_note(payment))
            }
            Some((renew_min, renew_rule)) => {
                let fail = failure.map_or_else(String::new, |(f, _, _)| phrases::gap_lower(f));
                let gap = Answer::new(None)
                    .because(
                        phrases::gap(&input, &fail, renew_min),
                        failure
                            .map(|(_, _, rule)| self.cite(rule, 0..))
                            .unwrap_or_default(),
                    )
                    .because(phrases::RENEWAL_CRITERIA, self.cite_first(renew_rule))
                    .because(phrases::to_do(self.escalation), "");
                let range = failure.map_or_else(
                    || phrases::under(renew_min),
                    |(f, _, _)| phrases::range(f, renew_min),
                );
                let gap = labelled_as(with_note(gap), &phrases::gap_label(&range));
                (gap.clone(), gap)
            }
            None => both(with_note(
                Answer::new(None).because(phrases::no_renewal_rule(&input), ""),
            )),
        }
    }
}

/// Gives an answer its words: `[yes, no, undecided]`, unless it has its own already.
fn labelled(mut answer: Answer, words: [&str; 3]) -> Answer {
    if answer.label.is_empty() {
        answer.label = match answer.outcome {
            Outcome::NotApplicable => phrases::NOT_APPLICABLE.to_owned(),
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
        RatingInput::Rated(rating) => Some(phrases::rating(rating)),
        RatingInput::Unrated => Some(phrases::NO_RATING.to_owned()),
        RatingInput::NotGiven => None,
    };
    match query.member {
        Member::New => {
            let mut inputs = vec![rating.unwrap_or_else(|| phrases::RATING_NOT_GIVEN.to_owned())];
            if query.prior_benefit {
                inputs.push(phrases::HAD_FREE_MONTH.to_owned());
            }
            let mut outcome = verdict.signup.label.clone();
            if verdict.phase >= Phase::SignupClosed {
                outcome.push_str(phrases::SIGNUPS_CLOSED_NOTE);
            }
            if verdict.signup.ok == Some(true) {
                outcome.push_str(&phrases::free_month_note(&verdict.free_first_month.label));
            }
            phrases::new_driver_line(date, &inputs.join(" · "), &outcome)
        }
        Member::Renewal => {
            let input = match (query.prev_month_avg, rating) {
                (Some(average), _) => phrases::average(average),
                (None, Some(rating)) => rating,
                (None, None) => phrases::AVERAGE_NOT_GIVEN.to_owned(),
            };
            let outcome = match verdict.payment.outcome {
                Outcome::PaymentFails => {
                    phrases::fails_summary(verdict.payment.why.first().map_or("", |r| {
                        r.text.split_once(phrases::APP_SHOWS).map_or("", |(_, m)| m)
                    }))
                }
                Outcome::NoCharge => phrases::ENDS_NO_CHARGE.to_owned(),
                Outcome::Yes => phrases::RENEWS_AND_PAYS.to_owned(),
                _ if verdict.renewal.label.starts_with(phrases::GAP) => {
                    phrases::gap_summary(&verdict.renewal.label, escalation)
                }
                _ => phrases::UNDECIDED.to_owned(),
            };
            phrases::member_line(date, &input, &outcome)
        }
    }
}

/// The verdict as lines an agent reads (the `check` command's plain output).
pub fn verdict_lines(verdict: &Verdict, query: &Query) -> Vec<String> {
    let mut lines = vec![
        phrases::at_line(format_kst(&query.at), query.member.label()),
        phrases::phase_line(verdict.phase.label()),
        phrases::summary_line(&verdict.summary),
    ];
    for (title, answer) in verdict.applying() {
        lines.push(format!("{title}: {}", answer.verdict_label()));
        for reason in &answer.why {
            lines.push(format!("  - {}", reason.text));
            if !reason.source.is_empty() {
                lines.push(phrases::source_line(&reason.source));
            }
        }
    }
    let folded = verdict.not_applying();
    if !folded.is_empty() {
        lines.push(phrases::folded_line(
            query.member.label(),
            &folded.join(", "),
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
            (phrases::TITLES[0], &self.signup),
            (phrases::TITLES[1], &self.renewal),
            (phrases::TITLES[2], &self.free_first_month),
            (phrases::TITLES[3], &self.payment),
        ]
    }
}
