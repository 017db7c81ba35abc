//! Where a fact landed in a guide: the places `expected.json` files name (title,
//! category, handling order, schedule, notes, Q&A question and answer, SMS, table cell,
//! link), each text compared after NFC with runs of whitespace made one.

use support_console::content::{Guide, ItemKind};
use unicode_normalization::UnicodeNormalization;

/// NFC, runs of whitespace as one space.
pub fn norm(text: &str) -> String {
    let text: String = text.nfc().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A guide's texts, each with the place it is at.
#[derive(Default)]
pub struct Places {
    /// (place, question it answers, text)
    texts: Vec<(&'static str, Option<String>, String)>,
    /// Schedule events: text and instant.
    events: Vec<(String, String)>,
    /// Links: label and address.
    links: Vec<(String, Option<String>)>,
}

impl Places {
    pub fn of(guide: &Guide) -> Self {
        let mut places = Places::default();
        let mut add = |place: &'static str, question: Option<&str>, text: &str| {
            places.texts.push((place, question.map(norm), norm(text)));
        };
        add("title", None, &guide.title);
        add("title", None, &guide.heading);
        for step in &guide.category {
            add("category", None, step);
        }
        for step in &guide.handling_order {
            add("handling_order", None, &step.label);
        }
        if let Some(schedule) = &guide.schedule {
            add("notes", None, &schedule.title);
            for event in &schedule.events {
                add("schedule", None, &event.line());
            }
        }
        for section in &guide.notes {
            if let Some(title) = &section.title {
                add("notes", None, title);
            }
            for item in &section.items {
                add("notes", None, &guide.item_text(item));
                for cell in &item.cells {
                    add("table", None, cell);
                }
                if item.cells.is_empty() {
                    add("table", None, &item.text);
                }
            }
        }
        for qa in &guide.qa {
            let question = qa.title();
            for q in &qa.questions {
                add("qa_question", None, q);
            }
            for section in &qa.sections {
                if let Some(title) = &section.title {
                    add("qa_answer", Some(&question), title);
                }
                for item in &section.items {
                    add("qa_answer", Some(&question), &guide.item_text(item));
                    for cell in &item.cells {
                        add("table", None, cell);
                        add("qa_answer", Some(&question), cell);
                    }
                    if item.cells.is_empty() {
                        add("table", None, &item.text);
                    }
                }
            }
        }
        for template in &guide.sms_templates {
            add("sms", None, &template.text);
            add("notes", None, &template.title);
        }
        for link in &guide.links {
            add("link", None, &link.label);
            if let Some(url) = &link.url {
                add("link", None, url);
            }
            places.links.push((norm(&link.label), link.url.clone()));
        }
        for item in guide.citable_items().filter(|i| i.kind == ItemKind::Link) {
            if let Some(link) = item.link.as_deref().and_then(|id| guide.link(id)) {
                places.links.push((norm(&item.text), link.url.clone()));
            }
        }
        if let Some(schedule) = &guide.schedule {
            for event in &schedule.events {
                places.events.push((norm(&event.line()), event.at.clone()));
            }
        }
        places
    }

    pub fn anywhere(&self, text: &str) -> bool {
        self.texts.iter().any(|(_, _, t)| t.contains(text))
    }

    pub fn at(&self, fact: &serde_json::Value, place: &str, text: &str) -> bool {
        match place {
            "schedule" => {
                let date = fact["date"].as_str().unwrap_or_default();
                self.events.iter().any(|(line, at)| {
                    line.contains(text)
                        && (date.is_empty() || at.starts_with(date) || same_instant(at, date))
                })
            }
            "link" => {
                let url = fact["url"].as_str();
                self.links.iter().any(|(label, address)| {
                    label.contains(text) && (url.is_none() || address.as_deref() == url)
                })
            }
            "qa_answer" => {
                let question = fact["question"].as_str().map(norm);
                self.texts.iter().any(|(p, q, t)| {
                    *p == "qa_answer"
                        && t.contains(text)
                        && match (&question, q) {
                            (Some(wanted), Some(asked)) => asked.contains(wanted.as_str()),
                            (None, _) => true,
                            (Some(_), None) => false,
                        }
                })
            }
            _ => self
                .texts
                .iter()
                .any(|(p, _, t)| *p == place && t.contains(text)),
        }
    }
}

/// `2025-03-01T22:00:00+09:00` and `2025-03-01T22:00+09:00` name one instant.
fn same_instant(at: &str, wanted: &str) -> bool {
    match (
        chrono::DateTime::parse_from_rfc3339(at),
        chrono::DateTime::parse_from_rfc3339(wanted),
    ) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
