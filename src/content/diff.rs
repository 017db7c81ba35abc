//! What changed between two versions of the content: guides added, removed and changed, and
//! in a changed guide each sentence (by its id) with its old and new text. `content diff`
//! prints it; the console shows it to agents.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

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

/// What an agent reads of every guide, kept apart from the guides themselves: each guide's
/// title, a checksum of the whole guide (so a change where agents read nothing still shows)
/// and its sentences by id. A console keeps the one of the content it shows, to say what the
/// next content changed without holding two help centres' guides at once. It is stored
/// between runs as JSON (what an agent last looked at).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    guides: BTreeMap<String, GuideSnapshot>,
    /// Guides listed but not readable when the snapshot was taken (a help centre's guide
    /// whose file changed before it was ever opened): left out of every comparison rather
    /// than called added or removed.
    unread: BTreeSet<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct GuideSnapshot {
    title: String,
    sum: u64,
    sentences: BTreeMap<String, (String, String)>,
}

impl Snapshot {
    /// The snapshot of `content`: a guide not held is read for the pass alone (a help
    /// centre's guides are not all kept in memory for it).
    pub fn of(content: &Content) -> Self {
        let mut snapshot = Self::default();
        for (index, card) in content.cards().enumerate() {
            match content.peek_guide(index) {
                Some(guide) => {
                    snapshot.guides.insert(
                        guide.id.clone(),
                        GuideSnapshot {
                            title: guide.title.clone(),
                            sum: super::guide_sum(Some(&*guide)),
                            sentences: sentences(&guide),
                        },
                    );
                }
                None => {
                    snapshot.unread.insert(card.id.clone());
                }
            }
        }
        snapshot
    }

    /// How many guides it holds.
    pub fn guide_count(&self) -> usize {
        self.guides.len()
    }

    /// Every guide that differs from this snapshot in `after`, by id: added, removed, or
    /// changed (a guide whose JSON differs only where agents read nothing is changed with
    /// no sentence).
    pub fn changes_to(&self, after: &Snapshot) -> Vec<GuideChange> {
        let compared = |id: &String| !self.unread.contains(id) && !after.unread.contains(id);
        let mut changes = Vec::new();
        for (id, old) in self.guides.iter().filter(|(id, _)| compared(id)) {
            match after.guides.get(id) {
                Some(new) if new.sum == old.sum && new.sentences == old.sentences => {}
                Some(new) => changes.push(GuideChange {
                    id: id.clone(),
                    title: new.title.clone(),
                    change: Change::Changed,
                    sentences: sentence_changes(&old.sentences, &new.sentences),
                }),
                None => changes.push(GuideChange {
                    id: id.clone(),
                    title: old.title.clone(),
                    change: Change::Removed,
                    sentences: Vec::new(),
                }),
            }
        }
        for (id, new) in after.guides.iter().filter(|(id, _)| compared(id)) {
            if !self.guides.contains_key(id) {
                changes.push(GuideChange {
                    id: id.clone(),
                    title: new.title.clone(),
                    change: Change::Added,
                    sentences: Vec::new(),
                });
            }
        }
        changes
    }
}

/// The sentences of one guide before and after (as [`sentences`] lists them) that differ,
/// in id order.
pub fn sentence_changes(
    old: &BTreeMap<String, (String, String)>,
    new: &BTreeMap<String, (String, String)>,
) -> Vec<SentenceChange> {
    let mut changes = Vec::new();
    for (id, (place, text)) in old {
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
    for (id, (place, text)) in new {
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

/// Every guide that differs between `before` and `after`, by id: see
/// [`Snapshot::changes_to`].
pub fn diff(before: &Content, after: &Content) -> Vec<GuideChange> {
    Snapshot::of(before).changes_to(&Snapshot::of(after))
}
