//! Search that understands Korean: one index over everything an agent may look for.
//!
//! A query is read as "units": a whole syllable, a lone consonant (an initial-consonant
//! query, ㅍㄹㅁㅂㅅ), a partial last syllable compared at jamo level (멤ㅂ, 깆 → 기준), or any
//! other character. Latin letters are also tried as 2-set keystrokes (rkdlq → 가입).
//! Contiguous matches rank above scattered ones; questions and titles above body text.
//!
//! Speed: every unit requires its "class" (a syllable's initial consonant, or the character)
//! to appear in the document in order. That condition only narrows as a query grows, so the
//! documents that passed it for the previous keystroke are the only ones scanned for the next.

pub mod hangul;
mod matcher;

use std::ops::Range;
use std::sync::Arc;

use crate::content::{Content, Guide, ItemKind, RuleTerms, SectionKind};
pub use matcher::{PreparedQuery, prepare_query};

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocKind {
    Question,
    SmsTitle,
    Guide,
    Alias,
    Rule,
    Benefit,
    Partner,
    Schedule,
    Script,
    Note,
    Policy,
    SmsBody,
}

impl DocKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Question => "question",
            Self::SmsTitle => "sms_title",
            Self::Guide => "guide",
            Self::Alias => "alias",
            Self::Rule => "rule",
            Self::Benefit => "benefit",
            Self::Partner => "partner",
            Self::Schedule => "schedule",
            Self::Script => "script",
            Self::Note => "note",
            Self::Policy => "policy",
            Self::SmsBody => "sms_body",
        }
    }

    /// Korean label for lists.
    pub fn label(self) -> &'static str {
        match self {
            Self::Question => "질문",
            Self::SmsTitle => "SMS",
            Self::Guide => "가이드",
            Self::Alias => "별칭",
            Self::Rule => "규정",
            Self::Benefit => "혜택",
            Self::Partner => "제휴",
            Self::Schedule => "일정",
            Self::Script => "스크립트",
            Self::Note => "참고",
            Self::Policy => "정책",
            Self::SmsBody => "SMS 본문",
        }
    }

    /// Questions and titles above aliases, above rules and lists, above body text.
    fn tier(self) -> i64 {
        match self {
            Self::Question | Self::SmsTitle | Self::Guide => 3,
            Self::Alias => 2,
            Self::Rule | Self::Benefit | Self::Partner | Self::Schedule => 1,
            Self::Script | Self::Note | Self::Policy | Self::SmsBody => 0,
        }
    }
}

/// Where a hit leads in the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Guide { guide: usize },
    Qa { guide: usize, qa: usize },
    Template { guide: usize, template: usize },
    Rule { guide: usize, rule: usize },
}

#[derive(Debug, Clone)]
pub struct Doc {
    pub kind: DocKind,
    pub id: Arc<str>,
    pub title: Arc<str>,
    pub text: String,
    pub target: Target,
}

/// One search result. `ranges` are character ranges of the document's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    pub doc: usize,
    pub score: i64,
    pub ranges: Vec<Range<usize>>,
}

/// The index: documents, each with its class sequence and class set for fast narrowing.
pub struct SearchIndex {
    docs: Vec<Doc>,
    classes: Vec<Box<[u8]>>,
    class_sets: Vec<u64>,
}

/// What the previous keystroke's search learnt, reused by the next.
#[derive(Debug, Default, Clone)]
pub struct SearchCache {
    /// Per query variant: its class sequence and the documents whose classes contain it.
    variants: Vec<(Vec<u8>, Vec<u32>)>,
}

impl SearchIndex {
    pub fn build(content: &Content) -> Self {
        let mut sink = DocSink::default();
        for (g, guide) in content.guides().enumerate() {
            sink.guide(g, guide);
        }
        Self::from_docs(sink.docs)
    }

    /// An index over ready-made documents (benchmarks build synthetic ones).
    pub fn from_docs(docs: Vec<Doc>) -> Self {
        let classes: Vec<Box<[u8]>> = docs
            .iter()
            .map(|doc| matcher::class_sequence(&doc.text))
            .collect();
        let class_sets = classes
            .iter()
            .map(|seq| seq.iter().fold(0u64, |set, &class| set | (1u64 << class)))
            .collect();
        Self {
            docs,
            classes,
            class_sets,
        }
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    pub fn doc(&self, index: usize) -> &Doc {
        &self.docs[index]
    }

    pub fn docs(&self) -> &[Doc] {
        &self.docs
    }

    /// Bytes held by the index beyond the documents' own strings (for the memory report).
    pub fn heap_bytes(&self) -> usize {
        let docs: usize = self
            .docs
            .iter()
            .map(|doc| std::mem::size_of::<Doc>() + doc.text.capacity())
            .sum();
        let classes: usize = self.classes.iter().map(|c| c.len() + 16).sum();
        docs + classes + self.class_sets.len() * 8
    }

    /// Every hit for `query`, best first. An empty query lists everything in content order.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        self.search_cached(&mut SearchCache::default(), query)
    }

    /// Like [`search`](Self::search), reusing what the previous query in `cache` narrowed.
    pub fn search_cached(&self, cache: &mut SearchCache, query: &str) -> Vec<Hit> {
        let prepared = prepare_query(query);
        if prepared.is_empty() {
            cache.variants.clear();
            return (0..self.docs.len())
                .map(|doc| Hit {
                    doc,
                    score: 0,
                    ranges: Vec::new(),
                })
                .collect();
        }
        let mut hits: Vec<Hit> = Vec::new();
        let mut new_cache = Vec::with_capacity(prepared.variants.len());
        let mut scratch = matcher::Scratch::default();
        for variant in &prepared.variants {
            let reuse = cache
                .variants
                .iter()
                .find(|(classes, _)| variant.classes.starts_with(classes))
                .map(|(_, docs)| docs.as_slice());
            let mut survivors = Vec::new();
            let mut consider = |doc: u32| {
                let d = doc as usize;
                if !matcher::contains_in_order(&self.classes[d], &variant.classes) {
                    return;
                }
                survivors.push(doc);
                if let Some((score, ranges)) =
                    matcher::match_doc(variant, &self.docs[d].text, &mut scratch)
                {
                    let score = score + self.docs[d].kind.tier() * 1_000;
                    hits.push(Hit {
                        doc: d,
                        score,
                        ranges,
                    });
                }
            };
            match reuse {
                Some(docs) => docs.iter().copied().for_each(&mut consider),
                None => (0..self.docs.len())
                    .filter(|&d| self.class_sets[d] & variant.class_set == variant.class_set)
                    .filter_map(|d| u32::try_from(d).ok())
                    .for_each(&mut consider),
            }
            new_cache.push((variant.classes.clone(), survivors));
        }
        cache.variants = new_cache;
        if prepared.variants.len() > 1 {
            // A document found by both readings keeps its better hit.
            hits.sort_by(|a, b| a.doc.cmp(&b.doc).then(b.score.cmp(&a.score)));
            hits.dedup_by_key(|hit| hit.doc);
        }
        // Best score first, ties in content order.
        hits.sort_by(|a, b| b.score.cmp(&a.score).then(a.doc.cmp(&b.doc)));
        hits
    }
}

/// Collects the documents of each guide, in content order.
#[derive(Default)]
struct DocSink {
    docs: Vec<Doc>,
}

impl DocSink {
    fn add(
        &mut self,
        kind: DocKind,
        id: &Arc<str>,
        title: &Arc<str>,
        text: String,
        target: Target,
    ) {
        self.docs.push(Doc {
            kind,
            id: Arc::clone(id),
            title: Arc::clone(title),
            text,
            target,
        });
    }

    fn guide(&mut self, g: usize, guide: &Guide) {
        let title: Arc<str> = Arc::from(guide.title.as_str());
        let id: Arc<str> = Arc::from(guide.id.as_str());
        let target = Target::Guide { guide: g };
        self.add(DocKind::Guide, &id, &title, guide.heading.clone(), target);
        self.add(DocKind::Guide, &id, &title, guide.category_path(), target);
        for (q, qa) in guide.qa.iter().enumerate() {
            self.qa(g, q, guide, qa);
        }
        for (r, rule) in guide.rules.iter().enumerate() {
            let id: Arc<str> = Arc::from(rule.id.as_str());
            let summary = rule.terms.summary();
            let title: Arc<str> = Arc::from(summary.as_str());
            self.add(
                DocKind::Rule,
                &id,
                &title,
                summary,
                Target::Rule { guide: g, rule: r },
            );
        }
        for section in &guide.notes {
            let title: Arc<str> = Arc::from(section.title.as_deref().unwrap_or(&guide.title));
            for item in &section.items {
                let kind = match item.kind {
                    ItemKind::Benefit => DocKind::Benefit,
                    ItemKind::Partner => DocKind::Partner,
                    ItemKind::Text | ItemKind::AppPath | ItemKind::Link => DocKind::Note,
                };
                let id: Arc<str> = Arc::from(item.id.as_str());
                self.add(kind, &id, &title, guide.item_text(item), target);
            }
        }
        if let Some(schedule) = &guide.schedule {
            let title: Arc<str> = Arc::from(schedule.title.as_str());
            for event in &schedule.events {
                let id: Arc<str> = Arc::from(event.id.as_str());
                self.add(DocKind::Schedule, &id, &title, event.line(), target);
            }
        }
        for (t, template) in guide.sms_templates.iter().enumerate() {
            let id: Arc<str> = Arc::from(template.id.as_str());
            let title: Arc<str> = Arc::from(template.title.as_str());
            let target = Target::Template {
                guide: g,
                template: t,
            };
            self.add(DocKind::SmsTitle, &id, &title, template.label(), target);
            self.add(DocKind::SmsBody, &id, &title, template.text.clone(), target);
        }
    }

    fn qa(&mut self, g: usize, q: usize, guide: &Guide, qa: &crate::content::Qa) {
        let id: Arc<str> = Arc::from(qa.id.as_str());
        let title: Arc<str> = Arc::from(qa.title().as_str());
        let target = Target::Qa { guide: g, qa: q };
        for question in &qa.questions {
            self.add(DocKind::Question, &id, &title, question.clone(), target);
        }
        for alias in &qa.aliases {
            self.add(DocKind::Alias, &id, &title, alias.clone(), target);
        }
        for section in &qa.sections {
            let kind = match section.kind {
                SectionKind::Script => DocKind::Script,
                SectionKind::Note => DocKind::Note,
                SectionKind::PolicyTable => DocKind::Policy,
            };
            for item in &section.items {
                self.add(kind, &id, &title, guide.item_text(item), target);
            }
        }
    }
}

impl RuleTerms {
    /// A short Korean name for the rule, with its values (lists and search show it).
    pub fn summary(&self) -> String {
        match self {
            RuleTerms::InForceFrom { date } => format!("평점 기준 적용일 {date}"),
            RuleTerms::MonthlyPrice {
                amount_krw,
                methods,
            } => format!(
                "월 이용료 {}원 정기결제 ({})",
                crate::sms::group_thousands(*amount_krw as usize),
                methods.join(", ")
            ),
            RuleTerms::FreeFirstMonth { refunded_as, .. } => {
                format!("첫 가입 한 달 무료 (결제 후 {refunded_as} 환급, 1회)")
            }
            RuleTerms::MinRating {
                applies_to,
                at_least,
            } => match applies_to {
                crate::content::MembershipEvent::Signup => {
                    format!("가입 기준 평점 {at_least:.1} 이상")
                }
                crate::content::MembershipEvent::Renewal => {
                    format!("갱신 기준 평점 {at_least:.1} 이상")
                }
            },
            RuleTerms::UnratedAllowed { signup, renewal } => match (signup, renewal) {
                (true, true) => "평점 없음: 가입·갱신 가능".to_owned(),
                (true, false) => "평점 없음: 가입만 가능".to_owned(),
                (false, true) => "평점 없음: 갱신만 가능".to_owned(),
                (false, false) => "평점 없음: 가입·갱신 불가".to_owned(),
            },
            RuleTerms::PaymentFailure {
                prev_month_avg_at_most,
                app_message,
            } => {
                format!("전월 평균 {prev_month_avg_at_most:.1} 이하: 결제 실패 (\"{app_message}\")")
            }
            RuleTerms::SignupChannel {
                driver_app,
                agent_admin,
            } => match (driver_app, agent_admin) {
                (true, false) => "가입 경로: 기사 앱 직접 (상담사 어드민 가입 불가)".to_owned(),
                (true, true) => "가입 경로: 기사 앱 또는 상담사 어드민".to_owned(),
                (false, true) => "가입 경로: 상담사 어드민".to_owned(),
                (false, false) => "가입 경로: 정해지지 않음".to_owned(),
            },
        }
    }
}
