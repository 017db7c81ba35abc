//! The content model: what a guide article holds, as the JSON files under `assets/` spell it.
//!
//! Every sentence the console can cite carries an `id`, so rules point at the guide's own words
//! instead of repeating them, and validation can prove each citation resolves.

use serde::{Deserialize, Serialize};

/// One guide article (one web page of the help centre today).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub id: String,
    /// The article's heading exactly as published, status and tags included.
    pub heading: String,
    /// The short title shown in lists.
    pub title: String,
    /// Publication status such as "서비스종료"; absent for a live guide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Consultation category path, root first: the ticket is filed under it.
    pub category: Vec<String>,
    /// The handling order (응대 순서), in order.
    pub handling_order: Vec<HandlingStep>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<Link>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    /// Reference notes (참고 및 주의사항): criteria, benefits, partner services.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<NoteSection>,
    /// The values the guide's rules read (each a `check` flag and a field of the rule form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<RuleInput>,
    /// Policy terms as data; each cites the sentences that state it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<Rule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub qa: Vec<Qa>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sms_templates: Vec<SmsTemplate>,
    /// What an agent does when the guide's rules do not decide a case (written by the content
    /// team, e.g. "운영팀 확인"); absent, the console says the case goes to a senior agent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<String>,
    /// Where the guide was imported from (absent for a guide written by hand).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<ArticleSource>,
    /// Everyday words drivers and agents use for this guide's own words (search aids only:
    /// they apply to this guide's texts).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<Synonym>,
    /// Imported from an article outside the help centre's guide template (a FAQ, a notice,
    /// a link table): a reference guide, marked [`OUTSIDE_TEMPLATE`] where guides are
    /// listed. It may have no handling order and no category path.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub outside_template: bool,
}

/// The mark of a reference guide (see [`Guide::outside_template`]).
pub const OUTSIDE_TEMPLATE: &str = "템플릿 밖";

/// Everyday words for one of the guide's words: a query holding one of `words` is also
/// read with `means` in its place (환불 → 환급). Matches through it rank below direct ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synonym {
    /// What people say ("환불", "안 돼요").
    pub words: Vec<String>,
    /// What the guides write ("환급", "실패").
    pub means: String,
}

/// The help centre's own list of everyday words, for every guide: the file
/// [`SYNONYMS_FILE`] among the content files.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynonymList {
    pub synonyms: Vec<Synonym>,
}

/// The name of the content file that holds the global [`SynonymList`] (any other `*.json`
/// file is a guide).
pub const SYNONYMS_FILE: &str = "synonyms.json";

/// The name of the content file that keeps the reviews of proposed rules (not a guide; see
/// the rule engine's `review` module).
pub const REVIEWS_FILE: &str = "reviews.json";

/// The help-centre article a guide was imported from, and a fingerprint of what the import
/// wrote, so a second import can tell a file someone edited by hand from its own output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArticleSource {
    /// The help centre's article id (known from an API response).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article_id: Option<u64>,
    /// The article's address in the help centre.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// When the help centre last changed the article (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section_id: Option<u64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    /// The article is an unpublished draft in the help centre.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub draft: bool,
    /// The file it was imported from, as named on the command line.
    pub file: String,
    /// `markdown`, `html` or `zendesk-json`.
    pub format: String,
    /// Fingerprint of the guide as the import wrote it (this field left empty).
    pub imported_hash: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandlingStep {
    pub id: String,
    pub label: String,
    /// Where the console puts the agent on this step; absent, by the step's place: the
    /// questions first, then the answer, then the SMS templates (later steps: the answer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub focus: Option<StepFocus>,
}

/// What a step of the handling order puts in front of the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepFocus {
    /// The category tree and the guide's notes.
    Category,
    /// The list of questions (or search hits).
    Questions,
    /// The selected question's answer, with its rules starred.
    Answer,
    /// The rule form.
    Rules,
    /// The SMS templates.
    Sms,
}

impl HandlingStep {
    /// Where this step, the `index`-th, puts the agent.
    pub fn focus_at(&self, index: usize) -> StepFocus {
        self.focus.unwrap_or(match index {
            0 => StepFocus::Questions,
            2 => StepFocus::Sms,
            _ => StepFocus::Answer,
        })
    }
}

/// A link slot. The guide may name a screen without giving its address: `url` is then absent
/// and `placeholder` keeps the guide's own words for the slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub id: String,
    pub label: String,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub placeholder: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schedule {
    pub title: String,
    pub events: Vec<ScheduleEvent>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleEvent {
    pub id: String,
    /// RFC 3339 instant from which the event holds (the guide's dates are KST).
    pub at: String,
    /// The date as the guide writes it ("24/12/01").
    pub date_label: String,
    pub text: String,
    /// The guide's parenthesised remark, e.g. "~11/30 23:59:59까지 신규 가입가능".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effect: Option<ScheduleEffect>,
}

impl ScheduleEvent {
    /// The line as the guide prints it.
    pub fn line(&self) -> String {
        match &self.detail {
            Some(detail) => format!("{} {} ({detail})", self.date_label, self.text),
            None => format!("{} {}", self.date_label, self.text),
        }
    }
}

/// What a schedule event changes for the rule engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScheduleEffect {
    Notice,
    SignupClosed,
    RenewalClosed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoteSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub items: Vec<Item>,
}

/// One citable sentence or bullet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub text: String,
    /// Indentation depth under the previous item (0 = top level).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub level: u8,
    #[serde(default, skip_serializing_if = "ItemKind::is_text")]
    pub kind: ItemKind,
    /// For `app_path` items: the menu steps, in order, as the text names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// For `link` items: the id of a link of the guide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// For a row of a table with several columns: its cells, verbatim (`text` joins them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cells: Vec<String>,
    /// What the sentence offers the driver (a recommendation to join): once the schedule
    /// closes it, the console warns where the sentence is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offers: Option<Offer>,
}

/// What a script sentence or an SMS template offers, so that a schedule event can close it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Offer {
    /// Joining: closed by a `signup_closed` event.
    Signup,
    /// Renewing: closed by a `renewal_closed` event.
    Renewal,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if hands a reference
fn is_zero(level: &u8) -> bool {
    *level == 0
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    #[default]
    Text,
    Benefit,
    Partner,
    AppPath,
    Link,
}

impl ItemKind {
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if hands a reference
    fn is_text(&self) -> bool {
        *self == ItemKind::Text
    }
}

/// What kind of number a condition reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputUnit {
    /// A driver rating, 0.0 to 5.0.
    Rating,
    /// A percentage, 0 to 100.
    Percent,
    /// A count (calls, days, times).
    Count,
    /// An amount of won.
    AmountKrw,
}

/// How a value is held against a threshold, in the guide's words (이상, 이하, 초과, 미만).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    AtLeast,
    AtMost,
    Above,
    Below,
}

impl Comparison {
    /// Whether `value` meets `threshold`, compared exactly: no rounding first, so 84.995
    /// against "85% 이상" is not met. Both numbers come from decimal text (the content's JSON,
    /// the agent's input), and the nearest doubles of two decimals of up to 15 significant
    /// digits are ordered as the decimals are and equal only when the decimals are.
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::AtLeast => value >= threshold,
            Comparison::AtMost => value <= threshold,
            Comparison::Above => value > threshold,
            Comparison::Below => value < threshold,
        }
    }

    /// The guide's word for it.
    pub fn word(self) -> &'static str {
        match self {
            Comparison::AtLeast => "이상",
            Comparison::AtMost => "이하",
            Comparison::Above => "초과",
            Comparison::Below => "미만",
        }
    }

    /// The sign for a value that meets it ("4.2 ≥ 4.0").
    pub fn sign(self) -> &'static str {
        match self {
            Comparison::AtLeast => "≥",
            Comparison::AtMost => "≤",
            Comparison::Above => ">",
            Comparison::Below => "<",
        }
    }

    /// The sign for a value that does not meet it ("3.9 < 4.0").
    pub fn unmet_sign(self) -> &'static str {
        match self {
            Comparison::AtLeast => "<",
            Comparison::AtMost => ">",
            Comparison::Above => "≤",
            Comparison::Below => "≥",
        }
    }

    /// The comparison that holds exactly where this one does not (이상 ↔ 미만).
    #[must_use]
    pub fn negated(self) -> Self {
        match self {
            Comparison::AtLeast => Comparison::Below,
            Comparison::AtMost => Comparison::Above,
            Comparison::Above => Comparison::AtMost,
            Comparison::Below => Comparison::AtLeast,
        }
    }

    /// Whether `other` draws the same line from the same side, differing at most on the
    /// line itself (이상 and 초과): two wordings of one rule.
    pub fn same_side(self, other: Self) -> bool {
        let upper = |c: Self| matches!(c, Comparison::AtLeast | Comparison::Above);
        upper(self) == upper(other)
    }

    pub fn from_word(word: &str) -> Option<Self> {
        match word {
            "이상" => Some(Comparison::AtLeast),
            "이하" => Some(Comparison::AtMost),
            "초과" => Some(Comparison::Above),
            "미만" => Some(Comparison::Below),
            _ => None,
        }
    }

    /// The code used in JSON answers (`at_least`).
    pub fn code(self) -> &'static str {
        match self {
            Comparison::AtLeast => "at_least",
            Comparison::AtMost => "at_most",
            Comparison::Above => "above",
            Comparison::Below => "below",
        }
    }
}

/// A threshold value and the days (KST, inclusive) it holds; open ends hold forever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatedValue {
    pub value: f64,
    /// First day it holds, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day it holds, `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// The span a metric is measured over ("전월 평균": the previous month).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// The calendar month before (전월).
    PreviousMonth,
    /// The calendar month so far (당월).
    CurrentMonth,
    /// The last N days (최근 N일).
    LastDays(u32),
}

impl Period {
    /// The guide's words for it.
    pub fn words(self) -> String {
        match self {
            Period::PreviousMonth => "전월".to_owned(),
            Period::CurrentMonth => "당월".to_owned(),
            Period::LastDays(days) => format!("최근 {days}일"),
        }
    }
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

/// A window's date or instant: `YYYY-MM-DD` starts at 00:00 KST; an RFC 3339 instant is
/// read as written.
pub fn window_instant(text: &str) -> Option<chrono::DateTime<chrono::FixedOffset>> {
    chrono::DateTime::parse_from_rfc3339(text).ok().or_else(|| {
        chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .and_then(crate::clock::start_of_day_kst)
    })
}

/// What a value the rules read is like: how it is typed and what it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// A number measured about the driver (a rating, a rate, a count, an amount).
    Metric,
    /// One of a few options (who is asking: a new driver, a member).
    Choice,
    /// A yes or no (had the benefit before).
    YesNo,
    /// A day (`YYYY-MM-DD`, KST).
    Date,
}

/// One value a guide's rules read, declared in content: it becomes a flag of `check`
/// (`--rating 3.9`) and a field of the console's rule form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleInput {
    /// How rules and answers name it (`rating`, `prev_month_avg`).
    pub id: String,
    /// The `check` flag without its dashes (`prev-month-avg` → `--prev-month-avg`).
    pub flag: String,
    /// The word for it in the form and in the answers ("평점", "전월 평균").
    pub label: String,
    pub kind: InputKind,
    /// A metric: what it measures, as conditions name it ("평점").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// A metric: the span it is measured over (absent: as it stands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// A metric: its unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<InputUnit>,
    /// A metric a driver may not have yet: the words for that ("평점 없음"); typed `none`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub none: Option<String>,
    /// A choice: its options, the first the default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<InputOption>,
    /// A date: the decisions taken on that day rather than at the instant asked about
    /// (a renewal happens on its renewal date).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dates: Vec<String>,
}

/// One option of a choice input, and the decisions asked when it is chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputOption {
    /// What is typed after the flag (`new`).
    pub value: String,
    /// The words for it ("신규 가입", "갱신(기존 회원)").
    pub label: String,
    /// A shorter form for the form's radio buttons ("갱신").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub short: Option<String>,
    /// The decisions asked about such a driver (the others do not concern them).
    pub asks: Vec<String>,
}

impl InputOption {
    pub fn short_label(&self) -> &str {
        self.short.as_deref().unwrap_or(&self.label)
    }
}

/// What meeting a condition means for its decision.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Met {
    /// Meeting it allows ("평점 4.0 이상 가입 가능").
    #[default]
    Allows,
    /// Meeting it fails the decision ("전월 평균 3.7 이하 → 결제 실패").
    Fails,
}

impl Met {
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if hands a reference
    fn is_allows(&self) -> bool {
        *self == Met::Allows
    }
}

/// What a window between dates changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowEffect {
    /// The guide's conditions hold from this window's start (before it, nothing is known).
    ConditionsInForce,
    /// The end of the service is announced.
    Notice,
    /// No new signups.
    SignupClosed,
    /// No renewals: the service ends.
    RenewalClosed,
}

impl WindowEffect {
    /// The service phase it starts, if it is one.
    pub fn schedule_effect(self) -> Option<ScheduleEffect> {
        match self {
            WindowEffect::ConditionsInForce => None,
            WindowEffect::Notice => Some(ScheduleEffect::Notice),
            WindowEffect::SignupClosed => Some(ScheduleEffect::SignupClosed),
            WindowEffect::RenewalClosed => Some(ScheduleEffect::RenewalClosed),
        }
    }
}

/// How often a price is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PricePer {
    Month,
    Once,
}

/// A case an eligibility speaks of: an input's value (`is` absent: a yes/no input said yes;
/// `none`: a metric the driver has no value for; else a choice's option).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub input: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is: Option<String>,
}

impl Case {
    /// The `is` of a metric the driver has no value for.
    pub const NONE: &'static str = "none";
}

/// Where an eligibility does not hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exception {
    pub when: Case,
    pub allowed: bool,
    /// Other cases the guide says count the same ("앱 탈퇴 후 재가입").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

/// Who may carry a decision out for the driver.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Channels {
    /// The driver, in the driver app.
    pub driver_app: bool,
    /// An agent, through the admin.
    pub agent_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// Ids of the sentences that state this rule; the first is the one read out.
    pub sources: Vec<String>,
    pub terms: RuleTerms,
    /// A rule the importer proposed is a draft until someone reviews it; drafts never answer.
    #[serde(default, skip_serializing_if = "RuleStatus::is_reviewed")]
    pub status: RuleStatus,
}

/// Whether a rule may answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    #[default]
    Reviewed,
    Draft,
    /// Someone reviewed it and said it is wrong: it never answers, and a later import does
    /// not propose it again while its sentences stay as they were.
    Rejected,
}

impl RuleStatus {
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if hands a reference
    fn is_reviewed(&self) -> bool {
        *self == RuleStatus::Reviewed
    }
}

impl Rule {
    /// Whether the rule may not answer (a draft, or rejected).
    pub fn is_draft(&self) -> bool {
        self.status != RuleStatus::Reviewed
    }
}

/// The decisions the subscription lifecycle answers together (join, renew, the free first
/// month, the next payment): rules that decide them are read by the rule engine's `Policy`.
pub mod decision {
    pub const SIGNUP: &str = "signup";
    pub const RENEWAL: &str = "renewal";
    pub const FREE_FIRST_MONTH: &str = "free_first_month";
    pub const PAYMENT: &str = "payment";
    pub const LIFECYCLE: [&str; 4] = [SIGNUP, RENEWAL, FREE_FIRST_MONTH, PAYMENT];
}

/// What a rule says, as data. Four kinds serve every guide: a condition (a metric compared
/// to a value, in a unit, over a period), a window between dates, a price with its payment
/// methods, and an eligibility with its exceptions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleTerms {
    /// "평점 4.0 이상 가입 가능", "전월 평균 3.7 이하 → 다음 결제일에 결제 실패", "수락률 80%
    /// 이상 (~2025-02-28), 85% 이상 (2025-03-01~)".
    Condition {
        /// What is measured, as the guide names it ("평점", "수락률"); a declared input
        /// carries it.
        metric: String,
        /// Over which span (absent: as it stands).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        period: Option<Period>,
        unit: InputUnit,
        comparison: Comparison,
        /// The value, by the days it holds, in date order.
        values: Vec<DatedValue>,
        /// The decision it answers (`signup`, or the guide's own words such as "우선 배차").
        decides: String,
        #[serde(default, skip_serializing_if = "Met::is_allows")]
        met: Met,
        /// What the threshold is for, in the guide's words ("가입 기준").
        subject: String,
        /// What holds when it is met, in the guide's words ("가입 가능", "결제 실패").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<String>,
        /// What the app shows then, in the guide's words ("네트워크 오류 메시지").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        message: Option<String>,
    },
    /// Between two dates (or from a schedule event of the guide) something holds: the
    /// conditions are in force, the end is announced, signups or renewals are closed.
    Window {
        /// `YYYY-MM-DD` (KST, from the start of the day) or an RFC 3339 instant.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<String>,
        /// The last day it holds, `YYYY-MM-DD`, or the instant it stops.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        until: Option<String>,
        /// A schedule event whose instant starts it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<String>,
        effect: WindowEffect,
    },
    /// "월 39,000원 정기결제 (카카오페이 머니·카드, 휴대폰 중 선택)".
    Price {
        amount_krw: u32,
        per: PricePer,
        /// How it may be paid; a reviewed price names at least one.
        methods: Vec<String>,
    },
    /// Who may have or do something, and the exceptions: "평점이 없는 경우에도 가입 및 갱신
    /// 가능", "첫 가입시 한달 무료 (과거 혜택을 받은 경우 미적용)", "기사 앱을 통해 직접 가입
    /// (상담사가 어드민을 통해 가입 X)".
    Eligibility {
        /// The decisions it answers.
        decides: Vec<String>,
        allowed: bool,
        /// The case it speaks of (absent: everyone the decisions concern).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<Case>,
        /// A decision that must be a yes first (the free month needs a signup).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        requires: Option<String>,
        /// What a benefit paid first is given back as ("포인트").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refunded_as: Option<String>,
        /// Who may carry it out.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        by: Option<Channels>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        exceptions: Vec<Exception>,
    },
}

impl RuleTerms {
    /// The kind's name as content spells it.
    pub fn kind(&self) -> &'static str {
        match self {
            RuleTerms::Condition { .. } => "condition",
            RuleTerms::Window { .. } => "window",
            RuleTerms::Price { .. } => "price",
            RuleTerms::Eligibility { .. } => "eligibility",
        }
    }

    /// Whether the rule answers `decision`.
    pub fn decides(&self, decision: &str) -> bool {
        match self {
            RuleTerms::Condition { decides, .. } => decides == decision,
            RuleTerms::Eligibility { decides, .. } => decides.iter().any(|d| d == decision),
            RuleTerms::Window { .. } | RuleTerms::Price { .. } => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Qa {
    pub id: String,
    /// The guide's own number such as "Q1".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub questions: Vec<String>,
    /// Other words an agent may type for this question. Not guide text: search aids only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub sections: Vec<AnswerSection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sms_templates: Vec<String>,
    /// Rules this answer touches (shown beside it in step 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

impl Qa {
    /// The questions on one line, as a list shows them.
    pub fn title(&self) -> String {
        self.questions.join(" ")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerSection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    pub kind: SectionKind,
    pub items: Vec<Item>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Read out to the driver (기본안내).
    Script,
    Note,
    PolicyTable,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsTemplate {
    pub id: String,
    pub title: String,
    /// Who receives it ("기사" for drivers).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// The message with `{{name}}` placeholders; lines end with LF.
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub variables: Vec<SmsVariable>,
    /// What the message offers (see [`Offer`]): after the schedule closes it, sending asks first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offers: Option<Offer>,
}

impl SmsTemplate {
    /// Every `{{name}}` in the template's text, in order.
    pub fn placeholders(&self) -> Vec<Placeholder> {
        placeholders(&self.text)
    }

    /// The label the guide uses to refer to the template, e.g. "기사 SMS 템플릿 - 멤버십 가입 방법 안내".
    pub fn label(&self) -> String {
        match &self.audience {
            Some(audience) => format!("{audience} SMS 템플릿 - {}", self.title),
            None => format!("SMS 템플릿 - {}", self.title),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmsVariable {
    pub name: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    #[serde(default = "default_true")]
    pub required: bool,
}

fn default_true() -> bool {
    true
}

/// A `{{name}}` in a template text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub name: String,
    /// Byte range of the whole `{{...}}` in the text.
    pub start: usize,
    pub end: usize,
}

/// Every `{{name}}` in `text`, in order. Spaces inside the braces are allowed.
pub fn placeholders(text: &str) -> Vec<Placeholder> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|n| n + from) {
        let Some(close) = text[open + 2..].find("}}").map(|n| n + open + 2) else {
            break;
        };
        found.push(Placeholder {
            name: text[open + 2..close].trim().to_owned(),
            start: open,
            end: close + 2,
        });
        from = close + 2;
    }
    found
}
