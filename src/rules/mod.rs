//! The rule engine: "what applies to this driver, on this date?", for any guide.
//!
//! A guide declares its rules in content with the inputs they read (see
//! [`crate::content::RuleTerms`] and [`crate::content::RuleInput`]). Every threshold and date
//! comes from there; every answer cites the guide's sentences that decide it. Where the
//! guide leaves a gap, or an input is missing, the answer is `ok: null` and says why, rather
//! than guessing.
//!
//! Two readings of the one model: rules deciding the subscription lifecycle's decisions
//! (`signup`, `renewal`, `free_first_month`, `payment`; see [`crate::content::decision`]) are
//! answered together as a subscription works (renewal and the next payment by one value,
//! the free month after a signup, nothing charged once renewals stop); rules deciding
//! anything else are answered each on its own.

pub mod inputs;
pub mod phrases;
mod rating;
pub mod review;
mod summary;
pub mod threshold;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::Serialize;
use serde::ser::SerializeMap as _;

pub use inputs::{Given, Values};
pub use rating::{ACCEPTED_RATINGS, Rating, RatingInput};
pub use summary::summary;

use crate::clock::{format_kst, rfc3339_kst, start_of_day_kst};
use crate::content::{
    Comparison, Content, DatedValue, Guide, InputKind, InputOption, Met, Offer, Period, PricePer,
    Rule, RuleInput, RuleTerms, ScheduleEffect, ScheduleEvent, WindowEffect, decision,
};

/// Which side of the subscription a question is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Member {
    /// A driver who wants to join.
    #[default]
    New,
    /// A driver whose membership renews.
    Renewal,
}

/// A question: the instant, and the values given for the guide's inputs (by input id).
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    /// The instant asked about (any offset; answers speak KST).
    pub at: DateTime<FixedOffset>,
    pub values: Values,
}

impl Query {
    pub fn at(at: DateTime<FixedOffset>) -> Self {
        Self {
            at,
            values: Values::default(),
        }
    }

    /// The query with `given` for the input `id`.
    #[must_use]
    pub fn with(mut self, id: &str, given: Given) -> Self {
        self.values.set(id, given);
        self
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

/// A decision of a guide outside the subscription lifecycle, answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The decision as rules name it (the JSON key).
    pub id: String,
    pub answer: Answer,
}

/// Every answer for one query. As JSON: `at`, `phase`, `summary`, then each answer by its
/// decision (`signup`, `renewal`, `free_first_month`, `payment` for a subscription guide).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The instant in KST, RFC 3339.
    pub at: String,
    pub phase: Phase,
    /// The verdict on one line, fit for a ticket.
    pub summary: String,
    /// Whether the guide's rules decide the subscription lifecycle (the four answers below
    /// mean something only then).
    pub lifecycle: bool,
    /// Who was asked about, in the guide's words ("신규 가입").
    pub who: String,
    pub signup: Answer,
    pub renewal: Answer,
    pub free_first_month: Answer,
    pub payment: Answer,
    /// The guide's other decisions.
    pub decisions: Vec<Decided>,
}

impl Serialize for Verdict {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("at", &self.at)?;
        map.serialize_entry("phase", &self.phase)?;
        map.serialize_entry("summary", &self.summary)?;
        if self.lifecycle {
            map.serialize_entry(decision::SIGNUP, &self.signup)?;
            map.serialize_entry(decision::RENEWAL, &self.renewal)?;
            map.serialize_entry(decision::FREE_FIRST_MONTH, &self.free_first_month)?;
            map.serialize_entry(decision::PAYMENT, &self.payment)?;
        }
        for decided in &self.decisions {
            map.serialize_entry(&decided.id, &decided.answer)?;
        }
        map.end()
    }
}

/// A threshold a lifecycle decision reads: a condition of the guide.
#[derive(Debug, Clone, Copy)]
struct Line<'a> {
    metric: &'a str,
    period: Option<Period>,
    comparison: Comparison,
    values: &'a [DatedValue],
    message: Option<&'a str>,
    rule: &'a Rule,
}

impl Line<'_> {
    /// The threshold in force on `day` (KST), as a rating.
    fn at(&self, day: NaiveDate) -> Option<Rating> {
        threshold::in_force(self.values, day).and_then(|v| Rating::from_f64(v.value))
    }

    fn meets(&self, value: Rating, threshold: Rating) -> bool {
        self.comparison.holds(
            f64::from(value.hundredths()),
            f64::from(threshold.hundredths()),
        )
    }
}

/// The free month's rule as the engine reads it.
#[derive(Debug, Clone, Copy)]
struct FreeMonth<'a> {
    refunded_as: &'a str,
    /// An earlier benefit excludes it (the input that says so).
    prior: Option<&'a str>,
    /// Rejoining after leaving the app counts as an earlier benefit.
    rejoin_counts: bool,
    rule: &'a Rule,
}

/// A lifecycle phase and where it starts: the instant, and the guide's line for it.
type PhaseStart = (DateTime<FixedOffset>, Phase, String);

/// The rules of one guide, read out of its content once.
pub struct Policy<'a> {
    content: &'a Content,
    guide: &'a Guide,
    events: Vec<PhaseStart>,
    /// The days the conditions hold (KST), and the rule that says so.
    in_force: Option<(Option<NaiveDate>, Option<NaiveDate>, &'a Rule)>,
    join: Option<Line<'a>>,
    renew: Option<Line<'a>>,
    failure: Option<Line<'a>>,
    /// (signup, renewal) allowed without a value, each where the guide says.
    unrated: Option<(Option<bool>, Option<bool>, &'a Rule)>,
    free_month: Option<FreeMonth<'a>>,
    price: Option<(u32, &'a Rule)>,
    channel: Option<(bool, bool, &'a Rule)>,
    /// Whether any reviewed rule decides a lifecycle decision.
    lifecycle: bool,
    /// What to do where the guide does not decide (the guide's own words, or the default).
    escalation: &'a str,
}

pub use phrases::DEFAULT_ESCALATION;

use crate::content::window_instant;

/// The KST day of a window's date or instant.
fn window_day(text: &str) -> Option<NaiveDate> {
    window_instant(text).map(|at| at.with_timezone(&crate::clock::kst()).date_naive())
}

impl<'a> Policy<'a> {
    /// Reads the guide's reviewed rules. Content is validated on load, so values that do
    /// not parse here are simply treated as absent (the answers then say the guide gives no
    /// rule). Drafts never answer: only what someone reviewed decides a verdict.
    pub fn of(content: &'a Content, guide: &'a Guide) -> Self {
        let mut policy = Self {
            content,
            guide,
            events: Vec::new(),
            in_force: None,
            join: None,
            renew: None,
            failure: None,
            unrated: None,
            free_month: None,
            price: None,
            channel: None,
            lifecycle: false,
            escalation: guide
                .escalation
                .as_deref()
                .filter(|e| !e.trim().is_empty())
                .unwrap_or(DEFAULT_ESCALATION),
        };
        // A schedule event may carry its effect itself.
        for event in guide.schedule.iter().flat_map(|schedule| &schedule.events) {
            if let (Some(effect), Ok(at)) = (event.effect, DateTime::parse_from_rfc3339(&event.at))
            {
                policy
                    .events
                    .push((at, Phase::from_effect(effect), event.line()));
            }
        }
        for rule in guide.rules.iter().filter(|rule| !rule.is_draft()) {
            policy.lifecycle |= decision::LIFECYCLE
                .iter()
                .any(|decision| rule.terms.decides(decision));
            policy.read(rule);
        }
        policy.events.sort_by_key(|(at, _, _)| *at);
        policy
    }

    fn read(&mut self, rule: &'a Rule) {
        match &rule.terms {
            RuleTerms::Window {
                from,
                until,
                event,
                effect,
            } => self.read_window(
                rule,
                from.as_deref(),
                until.as_deref(),
                event.as_deref(),
                *effect,
            ),
            RuleTerms::Condition {
                metric,
                period,
                comparison,
                values,
                decides,
                met,
                message,
                ..
            } => {
                let line = Line {
                    metric,
                    period: *period,
                    comparison: *comparison,
                    values,
                    message: message.as_deref(),
                    rule,
                };
                match (decides.as_str(), met) {
                    (decision::SIGNUP, Met::Allows) => self.join = Some(line),
                    (decision::RENEWAL, Met::Allows) => self.renew = Some(line),
                    (decision::PAYMENT | decision::RENEWAL, Met::Fails) => {
                        self.failure = Some(line);
                    }
                    _ => {}
                }
            }
            RuleTerms::Price {
                amount_krw,
                per: PricePer::Month,
                ..
            } => self.price = Some((*amount_krw, rule)),
            RuleTerms::Price { .. } => {}
            RuleTerms::Eligibility {
                decides,
                allowed,
                when,
                refunded_as,
                by,
                exceptions,
                ..
            } => {
                let decides_one = |d: &str| decides.iter().any(|x| x == d);
                if let Some(case) = when
                    && case.is.as_deref() == Some(crate::content::Case::NONE)
                {
                    let says = |d: &str| decides_one(d).then_some(*allowed);
                    self.unrated = Some((says(decision::SIGNUP), says(decision::RENEWAL), rule));
                } else if decides_one(decision::FREE_FIRST_MONTH) && *allowed {
                    let prior = exceptions.iter().find(|e| !e.allowed);
                    self.free_month = Some(FreeMonth {
                        refunded_as: refunded_as.as_deref().unwrap_or(""),
                        prior: prior.map(|e| e.when.input.as_str()),
                        rejoin_counts: prior.is_some_and(|e| !e.also.is_empty()),
                        rule,
                    });
                } else if let Some(by) = by
                    && decides_one(decision::SIGNUP)
                {
                    self.channel = Some((by.driver_app, by.agent_admin, rule));
                }
            }
        }
    }

    fn read_window(
        &mut self,
        rule: &'a Rule,
        from: Option<&str>,
        until: Option<&str>,
        event: Option<&str>,
        effect: WindowEffect,
    ) {
        let found = event.and_then(|id| {
            self.guide
                .schedule
                .iter()
                .flat_map(|s| &s.events)
                .find(|e| e.id == id)
        });
        let start = match (found, from) {
            (Some(found), _) => DateTime::parse_from_rfc3339(&found.at).ok(),
            (None, Some(from)) => window_instant(from),
            (None, None) => None,
        };
        if let Some(schedule) = effect.schedule_effect() {
            if let Some(start) = start {
                let line = found.map_or_else(|| self.cite_first(rule), ScheduleEvent::line);
                self.events
                    .push((start, Phase::from_effect(schedule), line));
            }
        } else {
            let day = start.map(|at| at.with_timezone(&crate::clock::kst()).date_naive());
            self.in_force = Some((day, until.and_then(window_day), rule));
        }
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

    /// Whether the guide's reviewed rules decide the subscription lifecycle.
    pub fn decides_lifecycle(&self) -> bool {
        self.lifecycle
    }

    /// The phase at `at`.
    pub fn phase_at(&self, at: &DateTime<FixedOffset>) -> Phase {
        self.events
            .iter()
            .rev()
            .find(|(start, _, _)| start <= at)
            .map_or(Phase::Open, |(_, phase, _)| *phase)
    }

    /// The declared input of the choice between the lifecycle's sides (신규 가입 / 갱신).
    fn member_input(&self) -> Option<&'a RuleInput> {
        self.guide.inputs.iter().find(|input| {
            input.kind == InputKind::Choice
                && input
                    .options
                    .iter()
                    .flat_map(|o| &o.asks)
                    .any(|d| decision::LIFECYCLE.contains(&d.as_str()))
        })
    }

    /// The option chosen for a choice input (the first one when none was given).
    fn chosen<'q>(input: &'q RuleInput, query: &Query) -> Option<&'q InputOption> {
        match query.values.get(&input.id) {
            Some(Given::Choice(value)) => input.options.iter().find(|o| &o.value == value),
            _ => input.options.first(),
        }
    }

    /// Which side of the subscription the query asks about, and its words.
    fn member(&self, query: &Query) -> (Member, String) {
        let Some(input) = self.member_input() else {
            let who = if self.lifecycle {
                phrases::MEMBER_NEW.to_owned()
            } else {
                String::new()
            };
            return (Member::New, who);
        };
        let Some(option) = Self::chosen(input, query) else {
            return (Member::New, phrases::MEMBER_NEW.to_owned());
        };
        let asks = |d: &str| option.asks.iter().any(|a| a == d);
        let member = if asks(decision::SIGNUP) || !asks(decision::RENEWAL) {
            Member::New
        } else {
            Member::Renewal
        };
        (member, option.label.clone())
    }

    /// The declared input that carries what `line` reads.
    fn input_for(&self, line: Option<&Line<'_>>, period: Option<Period>) -> Option<&'a RuleInput> {
        let line = line?;
        inputs::for_metric(self.guide, line.metric, period)
    }

    /// The input a rating threshold reads as it stands (평점).
    fn rating_input(&self) -> Option<&'a RuleInput> {
        self.input_for(self.join.as_ref().or(self.renew.as_ref()), None)
            .or_else(|| self.input_for(self.failure.as_ref(), None))
    }

    /// The input the payment failure reads (전월 평균), when it reads another than the rating.
    fn average_input(&self) -> Option<&'a RuleInput> {
        let failure = self.failure.as_ref()?;
        failure.period?;
        inputs::for_metric(self.guide, failure.metric, failure.period)
    }

    /// The rating as the query gives it.
    fn rating(&self, query: &Query) -> RatingInput {
        let Some(input) = self.rating_input() else {
            return RatingInput::NotGiven;
        };
        match query.values.get(&input.id) {
            Some(Given::NoValue) => RatingInput::Unrated,
            Some(Given::Number(value)) => {
                Rating::from_f64(*value).map_or(RatingInput::NotGiven, RatingInput::Rated)
            }
            _ => RatingInput::NotGiven,
        }
    }

    fn average(&self, query: &Query) -> Option<Rating> {
        let input = self.average_input()?;
        query.values.number(&input.id).and_then(Rating::from_f64)
    }

    fn prior_benefit(&self, query: &Query) -> bool {
        self.free_month
            .and_then(|free| free.prior)
            .is_some_and(|input| query.values.is_yes(input))
    }

    /// The day a renewal takes place, where the guide declares an input for it.
    fn renewal_date(&self, query: &Query) -> Option<NaiveDate> {
        self.guide
            .inputs
            .iter()
            .filter(|input| input.kind == InputKind::Date)
            .filter(|input| {
                input
                    .dates
                    .iter()
                    .any(|d| d == decision::RENEWAL || d == decision::PAYMENT)
            })
            .find_map(|input| query.values.date(&input.id))
    }

    /// A declared input's label, or the words given when the guide declares none.
    fn label_of(input: Option<&RuleInput>, otherwise: &str) -> String {
        input.map_or_else(|| otherwise.to_owned(), |input| input.label.clone())
    }

    fn rating_label(&self) -> String {
        let metric = self
            .join
            .as_ref()
            .or(self.renew.as_ref())
            .map_or("평점", |line| line.metric);
        Self::label_of(self.rating_input(), metric)
    }

    fn average_label(&self) -> String {
        let words = self
            .failure
            .as_ref()
            .map(|line| threshold::metric_words(line.metric, line.period))
            .unwrap_or_default();
        Self::label_of(self.average_input(), &words)
    }

    /// What the rule form's yes/no box for an earlier benefit means in this guide.
    pub fn prior_benefit_hint(&self) -> &'static str {
        match self.free_month {
            Some(FreeMonth {
                rejoin_counts: true,
                ..
            }) => phrases::PRIOR_BENEFIT_WITH_REJOIN,
            Some(FreeMonth { prior: Some(_), .. }) => phrases::PRIOR_BENEFIT_WITHOUT_REJOIN,
            _ => phrases::PRIOR_BENEFIT,
        }
    }

    /// Whether the schedule has closed what a script or an SMS offers by `at`, and the
    /// warning to show beside it: signups closed close an offer to join; the end of
    /// renewals (the service's end) closes every offer. Derived from the schedule alone: the
    /// console adds no words to the guide's.
    pub fn closed(&self, offer: Option<Offer>, at: &DateTime<FixedOffset>) -> Option<String> {
        let phase = self.phase_at(at);
        if phase >= Phase::RenewalClosed {
            let (_, line) = self.event_for(Phase::RenewalClosed)?;
            return Some(phrases::closed_service(&line));
        }
        if phase >= Phase::SignupClosed && offer == Some(Offer::Signup) {
            let (_, line) = self.event_for(Phase::SignupClosed)?;
            return Some(phrases::closed_signup(&line));
        }
        None
    }

    fn event_for(&self, phase: Phase) -> Option<(DateTime<FixedOffset>, String)> {
        self.events
            .iter()
            .find(|(_, p, _)| *p == phase)
            .map(|(at, _, line)| (*at, line.clone()))
    }

    /// Answers every question for `query`. For a subscription guide the side asked about
    /// decides what is asked: a new driver's renewal and payment, and a member's signup and
    /// free month, are marked as not applying.
    pub fn evaluate(&self, query: &Query) -> Verdict {
        let phase = self.phase_at(&query.at);
        let (member, who) = self.member(query);
        let (signup, free_first_month, renewal, payment) = match member {
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
                if let Some(free_month) = self.free_month {
                    free.why[0].source = self.cite_first(free_month.rule);
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
            lifecycle: self.lifecycle,
            who,
            signup: labelled(signup, phrases::SIGNUP_WORDS),
            renewal: labelled(renewal, phrases::RENEWAL_WORDS),
            free_first_month: labelled(free_first_month, phrases::FREE_MONTH_WORDS),
            payment: labelled(payment, phrases::PAYMENT_WORDS),
            decisions: self.other_decisions(query),
        };
        let mut lines = Vec::new();
        if self.lifecycle {
            lines.push(self.summary_line(&verdict, query, member));
        }
        lines.extend(self.decisions_summary(&verdict, query));
        verdict.summary = lines.join(" / ");
        verdict
    }

    /// `Some(answer)` when the conditions are not in force at `at`.
    fn outside_in_force(&self, at: &DateTime<FixedOffset>) -> Option<Answer> {
        let (from, until, rule) = self.in_force?;
        let day = at.with_timezone(&crate::clock::kst()).date_naive();
        let metric = self
            .join
            .as_ref()
            .or(self.renew.as_ref())
            .map_or("평점", |line| line.metric);
        if let Some(from) = from
            && *at < start_of_day_kst(from)?
        {
            return Some(Answer::new(None).because(
                phrases::criteria_not_yet(metric, from),
                self.cite_first(rule),
            ));
        }
        if let Some(until) = until
            && day > until
        {
            return Some(Answer::new(None).because(
                phrases::criteria_ended(metric, until),
                self.cite_first(rule),
            ));
        }
        None
    }

    fn signup(&self, query: &Query, phase: Phase) -> Answer {
        let mut answer = if phase >= Phase::SignupClosed {
            let (start, line) = self
                .event_for(Phase::SignupClosed)
                .map_or((String::new(), String::new()), |(at, line)| {
                    (format_kst(&at), line)
                });
            Answer::new(Some(false)).because(phrases::signups_closed_since(start), line)
        } else if let Some(answer) = self.outside_in_force(&query.at) {
            answer
        } else {
            let day = query.at.with_timezone(&crate::clock::kst()).date_naive();
            self.rating_answer(
                self.rating(query),
                self.join.as_ref(),
                day,
                |u| u.0,
                phrases::SIGNUP,
            )
        };
        if phase == Phase::Announced
            && let Some((at, line)) = self.event_for(Phase::SignupClosed)
        {
            answer = answer.because(phrases::announced_until(format_kst(&at)), line);
        }
        if let Some((driver_app, agent_admin, rule)) = self.channel {
            let how = phrases::channel(driver_app, agent_admin);
            answer = answer.because(how, self.cite_first(rule));
        }
        answer
    }

    /// Rating against a threshold, with the unrated rule. `unrated_allows` picks the
    /// signup or renewal side of the unrated rule.
    fn rating_answer(
        &self,
        rating: RatingInput,
        line: Option<&Line<'_>>,
        day: NaiveDate,
        unrated_allows: impl Fn(&(Option<bool>, Option<bool>)) -> Option<bool>,
        what: &str,
    ) -> Answer {
        let label = self.rating_label();
        let Some(line) = line else {
            return Answer::new(None).because(phrases::no_rating_rule(what), "");
        };
        let rule = line.rule;
        let Some(min) = line.at(day) else {
            return Answer::new(None)
                .because(phrases::no_line_on(what, day), self.cite_first(rule));
        };
        let word = line.comparison.word();
        match rating {
            RatingInput::NotGiven => Answer::new(None).because(
                phrases::enter_rating(&label, what, min, word),
                self.cite_first(rule),
            ),
            RatingInput::Unrated => {
                match self.unrated.and_then(|(signup, renewal, rule)| {
                    Some((unrated_allows(&(signup, renewal))?, rule))
                }) {
                    Some((allowed, unrated_rule)) => Answer::new(Some(allowed)).because(
                        phrases::unrated(&label, what, allowed),
                        self.cite_first(unrated_rule),
                    ),
                    None => Answer::new(None).because(
                        phrases::unrated_not_in_guide(&label, what),
                        self.cite_first(rule),
                    ),
                }
            }
            RatingInput::Rated(rating) if line.meets(rating, min) => {
                let mut answer = Answer::new(Some(true)).because(
                    phrases::meets(
                        phrases::valued(&label, rating),
                        line.comparison.sign(),
                        min,
                        what,
                    ),
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
            RatingInput::Rated(rating) => Answer::new(Some(false)).because(
                phrases::below(
                    &label,
                    rating,
                    line.comparison.unmet_sign(),
                    min,
                    word,
                    what,
                ),
                self.cite_first(rule),
            ),
        }
    }

    /// The instant a renewal (and its payment) takes place: the given renewal date, else `at`.
    fn renewal_instant(&self, query: &Query) -> DateTime<FixedOffset> {
        self.renewal_date(query)
            .and_then(start_of_day_kst)
            .unwrap_or(query.at)
    }

    fn renewals_stopped(&self, query: &Query) -> Option<Reason> {
        let when = self.renewal_instant(query);
        if self.phase_at(&when) < Phase::RenewalClosed {
            return None;
        }
        let (start, line) = self.event_for(Phase::RenewalClosed)?;
        let mut text = phrases::renewals_stop(format_kst(&start));
        if self.renewal_date(query).is_some() {
            text.push_str(&phrases::on_renewal_date(format_kst(&when)));
        }
        Some(Reason { text, source: line })
    }

    fn free_first_month(&self, query: &Query, signup: &Answer) -> Answer {
        let Some(free) = self.free_month else {
            return Answer::new(None).because(phrases::NO_FREE_MONTH_RULE, "");
        };
        let price = self.price.map_or_else(String::new, |(amount, _)| {
            phrases::won(&crate::text::group_thousands(amount as usize))
        });
        if self.prior_benefit(query) {
            let text = phrases::prior_excludes(free.rejoin_counts);
            return Answer::new(Some(false)).because(text, self.cite(free.rule, 1..));
        }
        match signup.ok {
            Some(false) => Answer::new(Some(false))
                .because(phrases::NO_SIGNUP_NO_FREE_MONTH, self.cite_first(free.rule)),
            None => {
                Answer::new(None).because(phrases::WHEN_SIGNUP_DECIDED, self.cite_first(free.rule))
            }
            Some(true) => Answer::new(Some(true)).because(
                phrases::free_month(&price, free.refunded_as),
                self.cite_first(free.rule),
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
        let when = self.renewal_instant(query);
        if let Some(answer) = self.outside_in_force(&when) {
            return (answer.clone(), answer);
        }
        let (renewal, payment) = self.decide_renewal(query, when);
        let renewal = match self.event_for(Phase::RenewalClosed) {
            Some((start, line)) => {
                renewal.because(phrases::no_renewal_from(format_kst(&start)), line)
            }
            None => renewal,
        };
        (renewal, payment)
    }

    /// The failure line and its threshold on `day`.
    fn failure_at(&self, day: NaiveDate) -> Option<(Line<'a>, Rating)> {
        let line = self.failure?;
        Some((line, line.at(day)?))
    }

    /// Meeting the renewal line: renews, and the next payment goes through.
    fn renews_and_pays(
        &self,
        value: Rating,
        input: &str,
        renew: (&Line<'_>, Rating),
        day: NaiveDate,
    ) -> (Answer, Answer) {
        let (line, renew_min) = renew;
        let renew_rule = line.rule;
        let mut renewal = Answer::new(Some(true)).because(
            phrases::meets(input, line.comparison.sign(), renew_min, phrases::RENEWAL),
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
        if let Some((failure, fail_at)) = self.failure_at(day) {
            payment = payment.because(
                phrases::pays(
                    input,
                    (fail_at, failure.comparison.word()),
                    (renew_min, line.comparison.word()),
                ),
                self.cite(failure.rule, 0..),
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
    fn unrated_renewal(&self, day: NaiveDate) -> (Answer, Answer) {
        let renewal = self.rating_answer(
            RatingInput::Unrated,
            self.renew.as_ref(),
            day,
            |u| u.1,
            phrases::RENEWAL,
        );
        let payment = match renewal.ok {
            Some(true) => Answer::new(Some(true)).because(
                phrases::unrated_cannot_fail(&self.rating_label(), &self.average_label()),
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
    fn decide_renewal(&self, query: &Query, when: DateTime<FixedOffset>) -> (Answer, Answer) {
        let day = when.with_timezone(&crate::clock::kst()).date_naive();
        let failure = self.failure_at(day);
        let renew = self.renew.and_then(|line| Some((line, line.at(day)?)));
        let (rating_label, average_label) = (self.rating_label(), self.average_label());
        let both = |answer: Answer| (answer.clone(), answer);
        let value = match (self.average(query), self.rating(query)) {
            (Some(average), rating) => {
                let mut note = None;
                if let RatingInput::Rated(rating) = rating {
                    note = Some(phrases::both_inputs(
                        (&rating_label, rating),
                        (&average_label, average),
                    ));
                }
                (average, phrases::valued(&average_label, average), note)
            }
            (None, RatingInput::Rated(rating)) => (
                rating,
                phrases::valued(&rating_label, rating),
                self.average_input()
                    .map(|_| phrases::rating_stands_in(&rating_label, &average_label)),
            ),
            (None, RatingInput::Unrated) => return self.unrated_renewal(day),
            (None, RatingInput::NotGiven) => {
                let lines = match (renew, failure) {
                    (Some((line, min)), Some((fail, fail_at))) => phrases::lines_hint(
                        (min, line.comparison.word()),
                        (fail_at, fail.comparison.word()),
                    ),
                    _ => String::new(),
                };
                let source = failure
                    .map(|(line, _)| self.cite(line.rule, 0..))
                    .unwrap_or_default();
                let metric = self.failure.map_or_else(
                    || rating_label.clone(),
                    |line| threshold::metric_words(line.metric, line.period),
                );
                return both(
                    Answer::new(None).because(phrases::enter_average(&metric, &lines), source),
                );
            }
        };
        let (value, input, note) = value;
        let with_note = |answer: Answer| match &note {
            Some(note) => answer.because(note.clone(), ""),
            None => answer,
        };
        if let Some((line, fail_at)) = failure
            && line.meets(value, fail_at)
        {
            let source = self.cite(line.rule, 0..);
            let sign = line.comparison.sign();
            let renewal = Answer::new(Some(false)).because(
                phrases::fails_no_renewal(&input, sign, fail_at),
                source.clone(),
            );
            let payment = Answer::new(Some(false))
                .with(Outcome::PaymentFails)
                .because(
                    phrases::payment_fails(&input, sign, fail_at, line.message.unwrap_or("")),
                    source,
                );
            return (
                with_note(renewal),
                with_note(labelled_as(payment, phrases::PAYMENT_FAILS)),
            );
        }
        match renew {
            Some((line, renew_min)) if line.meets(value, renew_min) => {
                let (renewal, payment) =
                    self.renews_and_pays(value, &input, (&line, renew_min), day);
                (with_note(renewal), with_note(payment))
            }
            Some((line, renew_min)) => {
                let word = line.comparison.word();
                let fail = failure.map_or_else(String::new, |(f, at)| {
                    phrases::gap_lower(at, f.comparison.word())
                });
                let gap = Answer::new(None)
                    .because(
                        phrases::gap(&input, &fail, renew_min, word),
                        failure
                            .map(|(f, _)| self.cite(f.rule, 0..))
                            .unwrap_or_default(),
                    )
                    .because(phrases::RENEWAL_CRITERIA, self.cite_first(line.rule))
                    .because(phrases::to_do(self.escalation), "");
                let range = failure.map_or_else(
                    || phrases::under(renew_min, line.comparison.negated().word()),
                    |(_, at)| phrases::range(at, renew_min),
                );
                let gap = labelled_as(with_note(gap), &phrases::gap_label(&range));
                (gap.clone(), gap)
            }
            None => both(with_note(
                Answer::new(None).because(phrases::no_renewal_rule(&input), ""),
            )),
        }
    }

    /// The verdict on one line for a ticket: date, who, the deciding input, the outcome.
    /// `2024-12-15 갱신 회원 · 전월 평균 3.72 → 가이드 기준 없음(3.7~3.8): 선임 상담사 확인`
    fn summary_line(&self, verdict: &Verdict, query: &Query, member: Member) -> String {
        let date = crate::clock::format_kst(&query.at);
        let date = date.get(..10).unwrap_or(&date);
        let rating_label = self.rating_label();
        let rating = match self.rating(query) {
            RatingInput::Rated(rating) => Some(phrases::valued(&rating_label, rating)),
            RatingInput::Unrated => Some(
                self.rating_input()
                    .and_then(|input| input.none.clone())
                    .unwrap_or_else(|| phrases::NO_RATING.to_owned()),
            ),
            RatingInput::NotGiven => None,
        };
        match member {
            Member::New => {
                let mut inputs = vec![rating.unwrap_or_else(|| phrases::not_given(&rating_label))];
                if self.prior_benefit(query) {
                    let prior = self
                        .free_month
                        .and_then(|free| free.prior)
                        .and_then(|id| self.guide.inputs.iter().find(|i| i.id == id));
                    inputs.push(phrases::had(&Self::label_of(
                        prior,
                        phrases::PRIOR_BENEFIT_LABEL,
                    )));
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
                let input = match (self.average(query), rating) {
                    (Some(average), _) => phrases::valued(&self.average_label(), average),
                    (None, Some(rating)) => rating,
                    (None, None) => phrases::not_given(&self.average_label()),
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
                        phrases::gap_summary(&verdict.renewal.label, self.escalation)
                    }
                    _ => phrases::UNDECIDED.to_owned(),
                };
                phrases::member_line(date, &input, &outcome)
            }
        }
    }

    /// The guide's decisions outside the lifecycle, in rule order.
    fn other_decisions(&self, query: &Query) -> Vec<Decided> {
        let mut ids: Vec<&str> = Vec::new();
        for rule in self.guide.rules.iter().filter(|rule| !rule.is_draft()) {
            let decides: Vec<&str> = match &rule.terms {
                RuleTerms::Condition { decides, .. } => vec![decides.as_str()],
                RuleTerms::Eligibility { decides, .. } => {
                    decides.iter().map(String::as_str).collect()
                }
                _ => Vec::new(),
            };
            for id in decides {
                if !decision::LIFECYCLE.contains(&id) && !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        ids.into_iter()
            .map(|id| Decided {
                id: id.to_owned(),
                answer: self.decide(id, query),
            })
            .collect()
    }

    /// Whether a choice the guide declares leaves `id` out of what is asked.
    fn not_asked(&self, id: &str, query: &Query) -> Option<String> {
        self.guide.inputs.iter().find_map(|input| {
            let listed = input.kind == InputKind::Choice
                && input.options.iter().any(|o| o.asks.iter().any(|a| a == id));
            let option = Self::chosen(input, query)?;
            (listed && !option.asks.iter().any(|a| a == id))
                .then(|| phrases::not_asked(&option.label, id))
        })
    }

    /// One decision outside the lifecycle: every reviewed condition on it must allow, and an
    /// eligibility may allow a case the conditions cannot read (no value yet).
    fn decide(&self, id: &str, query: &Query) -> Answer {
        if let Some(why) = self.not_asked(id, query) {
            return labelled(Answer::not_applicable(why), phrases::DECISION_WORDS);
        }
        if let Some(answer) = self.outside_in_force(&query.at) {
            return labelled(answer, phrases::DECISION_WORDS);
        }
        let mut tally = Tally {
            answer: Answer::new(Some(true)),
            yes_label: None,
            undecided: false,
            refused: false,
        };
        for rule in self
            .guide
            .rules
            .iter()
            .filter(|r| !r.is_draft() && r.terms.decides(id))
        {
            match &rule.terms {
                RuleTerms::Condition { .. } => self.condition_on(id, rule, query, &mut tally),
                RuleTerms::Eligibility {
                    allowed,
                    when,
                    by,
                    exceptions,
                    ..
                } => {
                    if let Some(by) = by {
                        tally.because(
                            phrases::carried_out_by(by.driver_app, by.agent_admin),
                            self.cite_first(rule),
                        );
                        continue;
                    }
                    if when.as_ref().is_none_or(|case| case_holds(case, query)) {
                        tally.because(phrases::eligible(id, *allowed), self.cite_first(rule));
                        tally.refused |= !allowed;
                    }
                    for exception in exceptions.iter().filter(|e| case_holds(&e.when, query)) {
                        tally.because(
                            phrases::exception(&exception.when.input, exception.allowed),
                            self.cite(rule, 1..),
                        );
                        tally.refused |= !exception.allowed;
                    }
                }
                RuleTerms::Window { .. } | RuleTerms::Price { .. } => {}
            }
        }
        let Tally {
            mut answer,
            yes_label,
            undecided,
            refused,
        } = tally;
        answer.ok = if refused {
            Some(false)
        } else if undecided {
            None
        } else {
            Some(true)
        };
        answer.outcome = match answer.ok {
            Some(true) => Outcome::Yes,
            Some(false) => Outcome::No,
            None => Outcome::Undecided,
        };
        if answer.ok == Some(true)
            && let Some(label) = yes_label
        {
            answer.label = label;
        }
        labelled(answer, phrases::DECISION_WORDS)
    }

    /// One condition of decision `id`, held against the value given for it.
    fn condition_on(&self, id: &str, rule: &Rule, query: &Query, tally: &mut Tally) {
        let RuleTerms::Condition {
            metric,
            period,
            unit,
            comparison,
            values,
            met,
            subject,
            outcome,
            ..
        } = &rule.terms
        else {
            return;
        };
        let day = query.at.with_timezone(&crate::clock::kst()).date_naive();
        let input = inputs::for_metric(self.guide, metric, *period)
            .or_else(|| inputs::for_metric(self.guide, metric, None));
        let label = input.map_or_else(
            || threshold::metric_words(metric, *period),
            |i| i.label.clone(),
        );
        let Some(current) = threshold::in_force(values, day) else {
            let periods: Vec<String> = values.iter().map(threshold::days_text).collect();
            tally.because(
                phrases::threshold_in_force_other(&periods.join(", ")),
                self.cite_first(rule),
            );
            tally.undecided = true;
            return;
        };
        let threshold_text = threshold::value_text(*unit, current.value);
        match input.and_then(|i| query.values.get(&i.id)) {
            Some(Given::Number(value)) => {
                let meets = comparison.holds(*value, current.value);
                let sign = if meets {
                    comparison.sign()
                } else {
                    comparison.unmet_sign()
                };
                let text = phrases::condition_reason(
                    &format!("{label} {}", threshold::value_text(*unit, *value)),
                    sign,
                    &threshold_text,
                    subject,
                    meets,
                    outcome.as_deref(),
                );
                tally.because(text, self.cite_first(rule));
                if meets == (*met == Met::Allows) {
                    if meets {
                        tally.yes_label = tally.yes_label.take().or_else(|| outcome.clone());
                    }
                } else {
                    tally.refused = true;
                }
            }
            Some(Given::NoValue) if self.covers_no_value(id, input) => {}
            Some(Given::NoValue) => {
                tally.because(
                    phrases::no_value_not_in_guide(&label, subject),
                    self.cite_first(rule),
                );
                tally.undecided = true;
            }
            _ => {
                let line = format!("{label} {threshold_text} {}", comparison.word());
                tally.because(
                    phrases::enter_value(&label, subject, &line),
                    self.cite_first(rule),
                );
                tally.undecided = true;
            }
        }
    }

    /// Whether an eligibility of `decision` says what holds for a driver with no value for
    /// `input` (the conditions cannot read one).
    fn covers_no_value(&self, decision: &str, input: Option<&RuleInput>) -> bool {
        let Some(input) = input else {
            return false;
        };
        self.guide
            .rules
            .iter()
            .filter(|r| !r.is_draft())
            .any(|rule| {
                matches!(&rule.terms, RuleTerms::Eligibility { when: Some(case), .. }
                if rule.terms.decides(decision)
                    && case.input == input.id
                    && case.is.as_deref() == Some(crate::content::Case::NONE))
            })
    }

    /// One line per decision outside the lifecycle: `2025-02-20 · 수락률 82% → 우선 배차: 충족`.
    fn decisions_summary(&self, verdict: &Verdict, query: &Query) -> Vec<String> {
        if verdict.decisions.is_empty() {
            return Vec::new();
        }
        let date = crate::clock::format_kst(&query.at);
        let date = date.get(..10).unwrap_or(&date);
        let given: Vec<String> = inputs::used(self.guide)
            .into_iter()
            .filter(|input| !self.lifecycle || input.kind == InputKind::Metric)
            .filter_map(|input| {
                let shown = match query.values.get(&input.id)? {
                    Given::Number(value) => threshold::value_text(
                        input.unit.unwrap_or(crate::content::InputUnit::Count),
                        *value,
                    ),
                    Given::NoValue => input.none.clone().unwrap_or_else(|| "없음".to_owned()),
                    Given::Choice(value) => input
                        .options
                        .iter()
                        .find(|o| &o.value == value)
                        .map_or_else(|| value.clone(), |o| o.label.clone()),
                    Given::Yes => "있음".to_owned(),
                    Given::Date(date) => date.to_string(),
                };
                Some(format!("{} {shown}", input.label))
            })
            .collect();
        let outcomes: Vec<String> = verdict
            .decisions
            .iter()
            .filter(|d| d.answer.applies)
            .map(|d| format!("{}: {}", d.id, d.answer.label))
            .collect();
        if outcomes.is_empty() {
            return Vec::new();
        }
        let given = if given.is_empty() {
            phrases::NOTHING_GIVEN.to_owned()
        } else {
            given.join(" · ")
        };
        vec![format!("{date} · {given} → {}", outcomes.join(", "))]
    }
}

/// A decision outside the lifecycle as its rules are read: the reasons so far, and whether
/// one refused it or could not decide.
struct Tally {
    answer: Answer,
    /// The guide's words for a yes (a met condition's outcome).
    yes_label: Option<String>,
    undecided: bool,
    refused: bool,
}

impl Tally {
    fn because(&mut self, text: impl Into<String>, source: impl Into<String>) {
        self.answer.why.push(Reason {
            text: text.into(),
            source: source.into(),
        });
    }
}

/// Whether the query is in `case`.
fn case_holds(case: &crate::content::Case, query: &Query) -> bool {
    match query.values.get(&case.input) {
        Some(Given::NoValue) => case.is.as_deref() == Some(crate::content::Case::NONE),
        Some(Given::Yes) => case.is.is_none(),
        Some(Given::Choice(value)) => case.is.as_deref() == Some(value.as_str()),
        _ => false,
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

/// The verdict as lines an agent reads (the `check` command's plain output).
pub fn verdict_lines(verdict: &Verdict, query: &Query) -> Vec<String> {
    let mut lines = vec![
        phrases::at_line(format_kst(&query.at), &verdict.who),
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
        lines.push(phrases::folded_line(&verdict.who, &folded.join(", ")));
    }
    lines
}

impl Verdict {
    /// The answers that concern the driver asked about, with their titles.
    pub fn applying(&self) -> Vec<(&str, &Answer)> {
        self.answers()
            .into_iter()
            .filter(|(_, answer)| answer.applies)
            .collect()
    }

    /// The titles of the answers that do not concern the driver asked about.
    pub fn not_applying(&self) -> Vec<&str> {
        self.answers()
            .into_iter()
            .filter(|(_, answer)| !answer.applies)
            .map(|(title, _)| title)
            .collect()
    }

    /// Every answer with its Korean title, in reading order: the lifecycle's four (for a
    /// subscription guide), then the guide's other decisions.
    pub fn answers(&self) -> Vec<(&str, &Answer)> {
        let mut answers = Vec::new();
        if self.lifecycle {
            answers.extend([
                (phrases::TITLES[0], &self.signup),
                (phrases::TITLES[1], &self.renewal),
                (phrases::TITLES[2], &self.free_first_month),
                (phrases::TITLES[3], &self.payment),
            ]);
        }
        answers.extend(
            self.decisions
                .iter()
                .map(|decided| (decided.id.as_str(), &decided.answer)),
        );
        answers
    }
}

/// The values `check` and the rule form take for a guide, parsed from text by input id
/// (`none` for a metric without a value yet; anything for a yes; absent: not given).
pub fn parse_values<'a>(
    guide: &Guide,
    given: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<Values, (String, String)> {
    let mut values = Values::default();
    for (id, text) in given {
        let Some(input) = guide.inputs.iter().find(|input| input.id == id) else {
            continue;
        };
        let parsed = inputs::parse(input, text).map_err(|err| (input.flag.clone(), err))?;
        values.set(id, parsed);
    }
    Ok(values)
}
