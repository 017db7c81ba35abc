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
}

impl RuleStatus {
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if hands a reference
    fn is_reviewed(&self) -> bool {
        *self == RuleStatus::Reviewed
    }
}

impl Rule {
    pub fn is_draft(&self) -> bool {
        self.status == RuleStatus::Draft
    }
}

/// What kind of number a threshold rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    AtLeast,
    AtMost,
    Above,
    Below,
}

impl Comparison {
    pub fn holds(self, value: f64, threshold: f64) -> bool {
        // Hundredths are the finest step a guide writes; compare on them so 3.8 is 3.8.
        let (v, t) = ((value * 100.0).round(), (threshold * 100.0).round());
        match self {
            Comparison::AtLeast => v >= t,
            Comparison::AtMost => v <= t,
            Comparison::Above => v > t,
            Comparison::Below => v < t,
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

    pub fn from_word(word: &str) -> Option<Self> {
        match word {
            "이상" => Some(Comparison::AtLeast),
            "이하" => Some(Comparison::AtMost),
            "초과" => Some(Comparison::Above),
            "미만" => Some(Comparison::Below),
            _ => None,
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

/// Which membership event a rating threshold applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MembershipEvent {
    Signup,
    Renewal,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum RuleTerms {
    /// The rating criteria hold from this date (KST, `YYYY-MM-DD`).
    InForceFrom {
        date: String,
    },
    MonthlyPrice {
        amount_krw: u32,
        methods: Vec<String>,
    },
    FreeFirstMonth {
        /// What the first month's payment is refunded as.
        refunded_as: String,
        prior_benefit_excludes: bool,
        rejoin_counts_as_prior: bool,
    },
    MinRating {
        applies_to: MembershipEvent,
        at_least: f64,
    },
    UnratedAllowed {
        signup: bool,
        renewal: bool,
    },
    PaymentFailure {
        prev_month_avg_at_most: f64,
        app_message: String,
    },
    SignupChannel {
        driver_app: bool,
        agent_admin: bool,
    },
    /// A threshold on a named input whose value may change at effective dates: "평점 4.0
    /// 이상 가입 가능", "수락률 80% 이상 (~2025-02-28), 85% 이상 (2025-03-01~)".
    Threshold {
        /// The input's name as the agent asks for it ("평점", "수락률").
        input: String,
        unit: InputUnit,
        comparison: Comparison,
        /// What the threshold is for, in the guide's words ("가입 기준").
        subject: String,
        /// What holds when the value meets it, in the guide's words ("가입 가능").
        #[serde(default, skip_serializing_if = "Option::is_none")]
        outcome: Option<String>,
        /// The value, by the days it holds, in date order.
        values: Vec<DatedValue>,
    },
    /// A schedule event of the guide changes what the membership engine answers.
    ScheduleChange {
        event: String,
        effect: ScheduleEffect,
    },
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
