//! What changed between two versions of the content: guides added, removed and changed, and
//! in a changed guide each sentence (by its id) with its old and new text. `content diff`
//! prints it; the console shows it to agents.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Content, Guide};

/// How a guide changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    Added,
    Removed,
    Changed,
}

/// One sentence that differs: absent before (added) or after (removed), or reworded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SentenceChange {
    pub id: String,
    /// Where it stands, in words ("Q1 기본안내", "참고 및 주의사항", "일정", "SMS").
    pub place: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// One guide that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuideChange {
    pub id: String,
    pub title: String,
    pub change: Change,
    pub sentences: Vec<SentenceChange>,
}

/// Every sentence of a guide an agent reads, by id, with where it stands: the title, the
/// schedule, the notes, the answers, the rules' summaries, the SMS templates.
pub fn sentences(guide: &Guide) -> BTreeMap<String, (String, String)> {
    let mut found = BTreeMap::new();
    found.insert(
        format!("{}#title", guide.id),
        ("제목".to_owned(), guide.heading.clone()),
    );
    for event in guide.schedule.iter().flat_map(|s| &s.events) {
        found.insert(event.id.clone(), ("일정".to_owned(), event.line()));
    }
    for section in &guide.notes {
        let place = section
            .title
            .clone()
            .unwrap_or_else(|| "참고 및 주의사항".to_owned());
        for item in &section.items {
            found.insert(item.id.clone(), (place.clone(), item.text.clone()));
        }
    }
    for qa in &guide.qa {
        let label = qa.label.clone().unwrap_or_default();
        found.insert(
            qa.id.clone(),
            (format!("{label} 질문").trim().to_owned(), qa.title()),
        );
        for section in &qa.sections {
            let place = format!("{label} {}", section.title.clone().unwrap_or_default());
            for item in &section.items {
                found.insert(
                    item.id.clone(),
                    (place.trim().to_owned(), item.text.clone()),
                );
            }
        }
    }
    for template in &guide.sms_templates {
        found.insert(
            template.id.clone(),
            (format!("SMS {}", template.title), template.text.clone()),
        );
    }
    found
}

/// The sentences of `before` and `after` (the same guide) that differ, in id order.
pub fn sentence_changes(before: &Guide, after: &Guide) -> Vec<SentenceChange> {
    let old = sentences(before);
    let new = sentences(after);
    let mut changes = Vec::new();
    for (id, (place, text)) in &old {
        match new.get(id) {
            Some((_, now)) if now == text => {}
            Some((place, now)) => changes.push(SentenceChange {
                id: id.clone(),
                place: place.clone(),
                before: Some(text.clone()),
                after: Some(now.clone()),
            }),
            None => changes.push(SentenceChange {
                id: id.clone(),
                place: place.clone(),
                before: Some(text.clone()),
                after: None,
            }),
        }
    }
    for (id, (place, text)) in &new {
        if !old.contains_key(id) {
            changes.push(SentenceChange {
                id: id.clone(),
                place: place.clone(),
                before: None,
                after: Some(text.clone()),
            });
        }
    }
    changes
}

/// Every guide that differs between `before` and `after`, by id: added, removed, or changed
/// (a guide whose JSON differs only where agents read nothing is changed with no sentence).
pub fn diff(before: &Content, after: &Content) -> Vec<GuideChange> {
    let old: BTreeMap<&str, &Guide> = before.guides().map(|g| (g.id.as_str(), g)).collect();
    let new: BTreeMap<&str, &Guide> = after.guides().map(|g| (g.id.as_str(), g)).collect();
    let mut changes = Vec::new();
    for (id, guide) in &old {
        match new.get(id) {
            Some(now) if *now == *guide => {}
            Some(now) => changes.push(GuideChange {
                id: (*id).to_owned(),
                title: now.title.clone(),
                change: Change::Changed,
                sentences: sentence_changes(guide, now),
            }),
            None => changes.push(GuideChange {
                id: (*id).to_owned(),
                title: guide.title.clone(),
                change: Change::Removed,
                sentences: Vec::new(),
            }),
        }
    }
    for (id, guide) in &new {
        if !old.contains_key(id) {
            changes.push(GuideChange {
                id: (*id).to_owned(),
                title: guide.title.clone(),
                change: Change::Added,
                sentences: Vec::new(),
            });
        }
    }
    changes
}
