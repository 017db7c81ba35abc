//! Reviews that survive a new import: each decision a person took on a proposed rule, kept in
//! the content folder's [`REVIEWS_FILE`], keyed by the guide, the rule's kind and the
//! sentences it cites. After every import and sync the reviews are applied again: a rule
//! citing the same sentences gets its review back (and the terms the reviewer accepted); a
//! rule of the same kind and purpose whose cited sentences changed stays a draft and is
//! listed as back for review.

use serde::{Deserialize, Serialize};

use crate::content::{Guide, Rule, RuleStatus, RuleTerms, fingerprint};

/// The reviews file, beside the guides in a content folder (not a guide: the loader skips it).
pub use crate::content::REVIEWS_FILE;

/// What a reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accepted,
    Rejected,
}

impl Decision {
    fn status(self) -> RuleStatus {
        match self {
            Decision::Accepted => RuleStatus::Reviewed,
            Decision::Rejected => RuleStatus::Rejected,
        }
    }

    pub fn word(self) -> &'static str {
        match self {
            Decision::Accepted => "승인",
            Decision::Rejected => "거절",
        }
    }
}

/// One review: the rule as it was reviewed, and the sentences it cited then.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub guide: String,
    /// The rule's kind (`condition`, `window`, `price`, `eligibility`).
    pub kind: String,
    /// The cited sentences' text, in the rule's order: what the review is keyed by.
    pub cites: Vec<String>,
    pub decision: Decision,
    /// The terms accepted (the reviewer may have corrected the proposal's).
    pub terms: RuleTerms,
    /// The rule's id when it was reviewed (for people reading the file).
    pub rule: String,
    /// When (RFC 3339, KST).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub at: String,
}

/// Every review of a content folder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reviews {
    pub reviews: Vec<Review>,
}

/// A rule whose review no longer applies: its sentences changed since.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BackToReview {
    pub guide: String,
    pub rule: String,
    pub kind: String,
    /// What was reviewed: accepted or rejected.
    pub was: Decision,
    /// The sentences the review cited.
    pub before: Vec<String>,
    /// The sentences the rule cites now.
    pub now: Vec<String>,
}

/// The sentences a rule of `guide` cites, as the guide shows them.
pub fn cited(guide: &Guide, rule: &Rule) -> Vec<String> {
    rule.sources
        .iter()
        .map(|id| {
            guide
                .cited_sentence(id)
                .map(|text| text.split_whitespace().collect::<Vec<_>>().join(" "))
                .unwrap_or_default()
        })
        .collect()
}

/// What a rule is for, apart from its values: two rules with one purpose are one rule
/// stated anew (a threshold that changed), not two.
fn purpose(terms: &RuleTerms) -> String {
    match terms {
        RuleTerms::Condition {
            metric,
            period,
            decides,
            met,
            ..
        } => format!(
            "condition/{decides}/{}/{period:?}/{met:?}",
            metric.split_whitespace().collect::<String>()
        ),
        RuleTerms::Window { effect, .. } => format!("window/{effect:?}"),
        RuleTerms::Price { per, .. } => format!("price/{per:?}"),
        RuleTerms::Eligibility {
            decides, when, by, ..
        } => {
            let mut decides = decides.clone();
            decides.sort();
            format!(
                "eligibility/{}/{when:?}/{}",
                decides.join("+"),
                by.is_some()
            )
        }
    }
}

impl Reviews {
    /// The review of `rule` of `guide`, by its kind and cited sentences.
    pub fn of(&self, guide: &Guide, rule: &Rule) -> Option<&Review> {
        let cites = cited(guide, rule);
        self.reviews.iter().find(|review| {
            review.guide == guide.id && review.kind == rule.terms.kind() && review.cites == cites
        })
    }

    /// A review of the same purpose as `rule` whose sentences differ: the rule was reviewed
    /// before and its sentences changed.
    pub fn changed(&self, guide: &Guide, rule: &Rule) -> Option<&Review> {
        if self.of(guide, rule).is_some() {
            return None;
        }
        let cites = cited(guide, rule);
        let purpose = purpose(&rule.terms);
        self.reviews.iter().find(|review| {
            review.guide == guide.id
                && review.kind == rule.terms.kind()
                && review.cites != cites
                && purpose_of(review) == purpose
        })
    }

    /// Records `decision` on `rule` of `guide`, in place of an earlier review of it (by its
    /// sentences, or of its purpose when they changed).
    pub fn record(&mut self, guide: &Guide, rule: &Rule, decision: Decision, at: &str) {
        let cites = cited(guide, rule);
        let purpose = purpose(&rule.terms);
        self.reviews.retain(|review| {
            !(review.guide == guide.id
                && review.kind == rule.terms.kind()
                && (review.cites == cites || purpose_of(review) == purpose))
        });
        self.reviews.push(Review {
            guide: guide.id.clone(),
            kind: rule.terms.kind().to_owned(),
            cites,
            decision,
            terms: rule.terms.clone(),
            rule: rule.id.clone(),
            at: at.to_owned(),
        });
    }

    /// Applies the reviews to `guide`'s proposed rules: a rule citing what a review cited
    /// takes its decision and terms; a rule whose sentences changed since its review stays a
    /// draft and is returned. Rules already reviewed in the guide are left as they are. A
    /// guide stamped by its import is stamped again, so that a review is not taken for a
    /// hand edit.
    pub fn apply(&self, guide: &mut Guide) -> Vec<BackToReview> {
        let stamped = guide
            .source
            .as_ref()
            .is_some_and(|source| source.imported_hash == fingerprint(guide));
        let mut back = Vec::new();
        let mut changed = false;
        for n in 0..guide.rules.len() {
            let rule = &guide.rules[n];
            if rule.status != RuleStatus::Draft {
                continue;
            }
            if let Some(review) = self.of(guide, rule) {
                let (status, terms) = (review.decision.status(), review.terms.clone());
                let rule = &mut guide.rules[n];
                rule.status = status;
                rule.terms = terms;
                changed = true;
            } else if let Some(review) = self.changed(guide, rule) {
                back.push(BackToReview {
                    guide: guide.id.clone(),
                    rule: rule.id.clone(),
                    kind: rule.terms.kind().to_owned(),
                    was: review.decision,
                    before: review.cites.clone(),
                    now: cited(guide, rule),
                });
            }
        }
        if changed && stamped {
            let hash = fingerprint(guide);
            if let Some(source) = &mut guide.source {
                source.imported_hash = hash;
            }
        }
        back
    }

    /// Applies the reviews to every guide an import read (see [`Reviews::apply`]).
    pub fn apply_to_imports(&self, files: &mut [crate::import::FileImport]) -> Vec<BackToReview> {
        let mut back = Vec::new();
        for article in files.iter_mut().flat_map(|file| &mut file.articles) {
            if let crate::import::Outcome::Imported(imported) = &mut article.outcome {
                back.extend(self.apply(&mut imported.guide));
            }
        }
        back
    }

    /// Reads the reviews of `dir` (none yet: an empty list).
    pub fn read(dir: &std::path::Path) -> Result<Self, String> {
        let path = dir.join(REVIEWS_FILE);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|err| {
                format!(
                    "{}: 검토 기록을 읽을 수 없습니다 ({}줄 {}칸): {err}",
                    path.display(),
                    err.line(),
                    err.column()
                )
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(err) => Err(format!(
                "{}: 검토 기록을 읽을 수 없습니다: {err}",
                path.display()
            )),
        }
    }

    /// The file's text.
    pub fn to_json(&self) -> String {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text
    }
}

fn purpose_of(review: &Review) -> String {
    purpose(&review.terms)
}

/// A rule sent back to review, in one line for the command line.
pub fn back_line(rule: &BackToReview) -> String {
    format!(
        "규정 {} ({}): 근거 문장이 바뀌어 다시 검토가 필요합니다 (전에 {}): \"{}\" → \"{}\"",
        rule.rule,
        rule.guide,
        rule.was.word(),
        rule.before.join(" / "),
        rule.now.join(" / ")
    )
}
