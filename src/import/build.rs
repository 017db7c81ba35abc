//! What both article readers build guides with: items and their nesting, links and menu
//! paths found in a line, tables, SMS templates, schedule events and images. Each derived
//! structure is checked here as `content check` will check it: one that would fail (a
//! `javascript:` link, a placeholder no variable can be named after) is not made, its text
//! stays text, and the report says why.

use super::blocks::{Block, BlockKind, Line, LinkSpan};
use super::ledger::{Destination, Ledger};
use super::recognise;
use crate::content::{
    ArticleSource, Guide, Item, ItemKind, Link, NoteSection, ScheduleEvent, SmsTemplate,
    SmsVariable,
};

/// The title of the notes section that holds unplaced lines.
pub const UNPLACED_TITLE: &str = "⚠ 가져오기에서 자리를 찾지 못한 줄 (원문을 확인하세요)";

/// A line the readers found no place for, with where it was.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unplaced {
    pub line: Option<usize>,
    #[serde(rename = "where", skip_serializing_if = "Option::is_none")]
    pub place: Option<String>,
    pub text: String,
}

pub fn item(id: String, text: String, level: u8) -> Item {
    Item {
        id,
        text,
        level,
        kind: ItemKind::Text,
        path: Vec::new(),
        link: None,
        cells: Vec::new(),
        offers: None,
    }
}

/// A line of only rules and dashes (`――――`, `────`) separates, and says nothing.
pub fn is_separator(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            matches!(c, '―' | '─' | '━' | '-' | '—' | '_' | '=' | '~' | '·') || c.is_whitespace()
        })
}

pub const DEEPEST: u8 = 6;

/// Nesting of lines by the guide's own markers, the same whichever form the article came in:
/// `ㄴ` hangs under the line above it that is not itself a `ㄴ`; `※` and other continuation
/// lines hang under the item they follow; a `[묶음]` item gathers the items after it.
#[derive(Default)]
pub struct Levels {
    pub anchor: u8,
    pub last_plain: u8,
    pub group: Option<u8>,
}

impl Levels {
    pub fn item_start(&mut self, depth: usize, text: &str) -> u8 {
        let depth = u8::try_from(depth).unwrap_or(DEEPEST).min(DEEPEST);
        let level = if text.starts_with('[') {
            self.group = Some(depth);
            depth
        } else {
            depth.max(self.group.map_or(0, |g| (g + 1).min(DEEPEST)))
        };
        self.anchor = level;
        self.last_plain = level;
        level
    }

    pub fn continuation(&mut self, text: &str) -> u8 {
        if text.starts_with('ㄴ') {
            (self.last_plain + 1).min(DEEPEST)
        } else {
            let level = (self.anchor + 1).min(DEEPEST);
            self.last_plain = level;
            level
        }
    }

    /// A paragraph that stands on its own begins at the top.
    pub fn paragraph_start(&mut self) {
        self.anchor = 0;
        self.last_plain = 0;
        self.group = None;
    }
}

/// A table of one cell written as a list (`- 가입 기준 … - 갱신 기준 …  ㅁ … ㄴ …`): the
/// cell split where a marker starts a new point.
pub fn split_cell(cell: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = cell.chars().peekable();
    let mut previous_space = true;
    while let Some(c) = chars.next() {
        let next = chars.peek().copied();
        let marker = previous_space
            && (matches!(c, 'ㄴ' | 'ㅁ' | '※' | '•') || (c == '-' && next == Some(' ')));
        if marker && !current.trim().is_empty() {
            parts.push(current.trim().to_owned());
            current.clear();
        }
        current.push(c);
        previous_space = c.is_whitespace();
    }
    if !current.trim().is_empty() {
        parts.push(current.trim().to_owned());
    }
    parts
}

/// A table's rows as items: a one-cell table written as a list is split at its markers;
/// a row of several cells keeps its cells.
pub fn table_items(rows: &[Vec<String>], ids: &mut dyn FnMut() -> String) -> Vec<Item> {
    let mut items = Vec::new();
    let single = rows
        .iter()
        .all(|row| row.iter().filter(|c| !c.is_empty()).count() <= 1);
    let mut levels = Levels::default();
    for row in rows {
        if single {
            for cell in row.iter().filter(|c| !c.is_empty()) {
                for (n, part) in split_cell(cell).into_iter().enumerate() {
                    let level = if n == 0 || !part.starts_with('ㄴ') {
                        levels.paragraph_start();
                        0
                    } else {
                        levels.continuation(&part)
                    };
                    items.push(item(ids(), part, level));
                }
            }
        } else {
            let mut row_item = item(ids(), row.join(" │ "), 0);
            row_item.cells.clone_from(row);
            items.push(row_item);
        }
    }
    items
}

/// An address a guide may hold: `http(s)` with no spaces, or a path of the help centre
/// whose address is known. Otherwise why not (`None` when saying so is noise: an anchor
/// in the page, a mail or phone link, whose text says it all).
pub fn usable_url(href: &str, base: Option<&str>) -> Result<String, Option<String>> {
    let href = href.trim();
    let clean = |url: &str| {
        !url.chars()
            .any(|c| c.is_whitespace() || crate::text::is_unsafe(c))
    };
    let lower = href.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://")) && clean(href) {
        return Ok(href.to_owned());
    }
    if let Some(rest) = href.strip_prefix("//")
        && clean(rest)
        && !rest.is_empty()
    {
        return Ok(format!("https://{rest}"));
    }
    if href.starts_with('/') && clean(href) {
        return match base.and_then(origin) {
            Some(origin) => Ok(format!("{origin}{href}")),
            None => Err(Some(format!(
                "링크 \"{href}\"는 도움말 센터 안의 상대 주소인데 센터 주소를 몰라 링크 없이 글로 둡니다"
            ))),
        };
    }
    // A mail or phone link: an address content check takes.
    if (lower.starts_with("mailto:") || lower.starts_with("tel:"))
        && clean(href)
        && href.len() > "tel:".len() + 1
    {
        return Ok(href.to_owned());
    }
    if href.is_empty() || href.starts_with('#') {
        return Err(None);
    }
    let shown: String = href.chars().take(60).collect();
    Err(Some(format!(
        "링크 주소 \"{shown}\"는 http(s) 주소가 아니라 링크 없이 글로 둡니다"
    )))
}

/// `https://host` of an address.
fn origin(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split('/').next()?;
    (!host.is_empty()).then(|| format!("{scheme}://{host}"))
}

/// A schedule line as an event: `24/12/01 가입 중단 (~11/30까지 가입 가능)`. The date
/// label keeps a separator written after the date, so the event prints the line as written.
pub fn schedule_event(id: String, line: &str) -> Option<ScheduleEvent> {
    let line = line
        .trim()
        .trim_start_matches(['-', '*', '•', '·', '▪', '◦'])
        .trim();
    let Some((date, text, detail)) = recognise::schedule_parts(line) else {
        return labelled_event(id, line);
    };
    // Only a date set apart from what follows: "2025.03.01부터 적용" is a sentence.
    let next = date.rest.chars().next();
    if !next
        .is_none_or(|c| c.is_whitespace() || matches!(c, ':' | '：' | '|' | '│' | '-' | '–' | '—'))
    {
        return None;
    }
    // Nor a date a sentence goes on from: "2025년 3월 4일 이전에 …" ("이전 화면 종료" is
    // an event: "이전" alone may be "the previous").
    let first_word = date.rest.split_whitespace().next().unwrap_or("");
    let sentence_words = [
        "이전에",
        "이후에",
        "전에",
        "후에",
        "부터",
        "까지",
        "에",
        "에는",
        "중에",
        "기준으로",
        "이전까지",
        "이후부터",
    ];
    if date.time.is_none()
        && date.rest.starts_with(char::is_whitespace)
        && sentence_words.contains(&first_word)
    {
        return None;
    }
    let separated = date.rest.trim_start();
    let separator_len = separated.len()
        - separated
            .trim_start_matches([':', '：', '|', '│', '-', '–', '—'])
            .len();
    let label = if separator_len == 0 {
        date.label.to_owned()
    } else {
        line[..line.len() - separated.len() + separator_len]
            .trim_end()
            .to_owned()
    };
    let at = date.date.and_time(date.time.unwrap_or_default());
    let at = chrono::TimeZone::from_local_datetime(&crate::clock::kst(), &at).single()?;
    Some(ScheduleEvent {
        id,
        at: crate::clock::rfc3339_kst(&at),
        date_label: label,
        text,
        detail,
        effect: None,
    })
}

/// A dated line with a short label before its date: `1차 : 2025.03.15 (토) 02:00 ~ 06:00`.
/// The label goes with the date, so the event prints the line as written.
fn labelled_event(id: String, line: &str) -> Option<ScheduleEvent> {
    let (label, rest) = line
        .split_once(" : ")
        .or_else(|| line.split_once(": "))
        .or_else(|| line.split_once(" - "))?;
    if label.chars().count() > 12 || label.trim().is_empty() {
        return None;
    }
    let date = recognise::leading_date(rest.trim_start())?;
    let text = date.rest.trim();
    let separated = date.rest.chars().next().is_none_or(char::is_whitespace);
    if text.is_empty() || !separated {
        return None;
    }
    let label_end = line.len() - date.rest.len();
    let at = date.date.and_time(date.time.unwrap_or_default());
    let at = chrono::TimeZone::from_local_datetime(&crate::clock::kst(), &at).single()?;
    Some(ScheduleEvent {
        id,
        at: crate::clock::rfc3339_kst(&at),
        date_label: line[..label_end].trim_end().to_owned(),
        text: text.to_owned(),
        detail: None,
        effect: None,
    })
}

/// A placeholder name a template variable may have (what `sms --var` takes).
fn variable_name_ok(name: &str) -> bool {
    crate::content::variable_name_ok(name)
}

/// What a guide is built of while an article is read.
pub struct Builder {
    pub id: String,
    pub guide: Guide,
    pub ledger: Ledger,
    pub unplaced: Vec<Unplaced>,
    next_link: usize,
    /// The help centre's address, when known (for its own relative links).
    base: Option<String>,
    /// Links inside a line (not only a trailing `label: address`), and bare addresses,
    /// become the guide's links.
    pub inline_links: bool,
    /// A trailing `label: address` link is named by its own words (an article outside the
    /// template), not by the label (the template's link slots).
    pub own_link_words: bool,
}

impl Builder {
    pub fn new(id: &str, source: ArticleSource, blocks: &[Block]) -> Self {
        let base = source.url.clone();
        Self {
            id: id.to_owned(),
            guide: Guide {
                id: id.to_owned(),
                heading: String::new(),
                title: String::new(),
                status: None,
                tags: Vec::new(),
                category: Vec::new(),
                handling_order: Vec::new(),
                links: Vec::new(),
                images: Vec::new(),
                schedule: None,
                notes: Vec::new(),
                inputs: Vec::new(),
                rules: Vec::new(),
                qa: Vec::new(),
                sms_templates: Vec::new(),
                escalation: None,
                source: Some(source),
                synonyms: Vec::new(),
                outside_template: false,
            },
            ledger: Ledger::new(blocks),
            unplaced: Vec::new(),
            next_link: 0,
            base,
            inline_links: true,
            own_link_words: false,
        }
    }

    /// The block's lines have no place: kept as text, listed in the report.
    pub fn unplace(&mut self, block: &Block) {
        let texts: Vec<String> = block
            .texts()
            .into_iter()
            .filter(|t| !is_separator(t))
            .map(str::to_owned)
            .collect();
        for text in texts {
            self.unplace_text(block, text);
        }
    }

    pub fn unplace_text(&mut self, block: &Block, text: String) {
        self.ledger.place_some(block, Destination::Text, 1);
        self.unplaced.push(Unplaced {
            line: block.line,
            place: block.place(),
            text,
        });
    }

    /// A link of the guide for `href`, or why not (the text then stays text).
    pub fn link(&mut self, label: &str, href: &str, block: &Block) -> Option<String> {
        match usable_url(href, self.base.as_deref()) {
            Ok(url) => {
                if let Some(existing) = self
                    .guide
                    .links
                    .iter()
                    .find(|l| l.url.as_deref() == Some(url.as_str()) && l.label == label)
                {
                    return Some(existing.id.clone());
                }
                self.next_link += 1;
                let id = format!("{}-link-{}", self.id, self.next_link);
                self.guide.links.push(Link {
                    id: id.clone(),
                    label: label.to_owned(),
                    url: Some(url),
                    placeholder: None,
                });
                Some(id)
            }
            Err(why) => {
                if let Some(why) = why {
                    self.ledger.warn(Some(block), why);
                }
                None
            }
        }
    }

    /// A link slot the template's guide part names: an address, or the guide's own words.
    pub fn link_slot(&mut self, label: &str, value: &str, href: Option<&str>, block: &Block) {
        let candidate = href.or_else(|| value.starts_with("http").then_some(value));
        let url = candidate.and_then(|href| match usable_url(href, self.base.as_deref()) {
            Ok(url) => Some(url),
            Err(why) => {
                if let Some(why) = why {
                    self.ledger.warn(Some(block), why);
                }
                None
            }
        });
        self.next_link += 1;
        self.guide.links.push(Link {
            id: format!("{}-link-{}", self.id, self.next_link),
            label: label.to_owned(),
            placeholder: url.is_none().then(|| value.to_owned()),
            url,
        });
    }

    pub fn image(&mut self, src: &str, block: &Block) {
        match usable_url(src, self.base.as_deref()) {
            Ok(url) => self.guide.images.push(url),
            Err(Some(_)) => self.ledger.warn(
                Some(block),
                format!(
                    "그림 \"{}\"의 주소가 http(s) 주소가 아니라 넣지 않았습니다",
                    src.chars().take(60).collect::<String>()
                ),
            ),
            Err(None) => {}
        }
    }

    /// Turns one line into items: a trailing bold `label: address` becomes a link item, a
    /// menu path an app path; other links in the line become the guide's links when
    /// [`Builder::inline_links`] says so.
    pub fn line_items(
        &mut self,
        line: &Line,
        level: u8,
        ids: &mut dyn FnMut() -> String,
        block: &Block,
    ) -> Vec<Item> {
        let mut out = Vec::new();
        let bare;
        let line = if self.inline_links {
            bare = with_bare_urls(line);
            &bare
        } else {
            line
        };
        let mut text = line.text.as_str();
        let mut link_item = None;
        let mut trailing: Option<&LinkSpan> = None;
        if let Some(link) = line
            .links
            .iter()
            .find(|l| l.end == text.len() && l.start > 0)
        {
            let label_start = line
                .strong
                .iter()
                .copied()
                .filter(|s| *s < link.start)
                .find(|s| text[*s..link.start].trim_end().ends_with(':'))
                .or_else(|| text[..link.start].trim_end().ends_with(':').then_some(0));
            if let Some(start) = label_start {
                let label = text[start..link.start].trim().trim_end_matches(':').trim();
                // The template names its link slots by their label; an article outside it
                // by the link's own words.
                let link_label = if self.own_link_words {
                    text[link.start..link.end].trim()
                } else {
                    label
                };
                if !label.is_empty()
                    && let Some(link_id) = self.link(link_label, &link.href, block)
                {
                    let mut found = item(ids(), label.to_owned(), level);
                    found.kind = ItemKind::Link;
                    found.link = Some(link_id);
                    link_item = Some(found);
                    text = text[..start].trim_end();
                    trailing = Some(link);
                }
            }
        }
        if self.inline_links {
            for link in &line.links {
                if trailing.is_some_and(|t| t == link) {
                    continue;
                }
                let label = line.text.get(link.start..link.end).unwrap_or("").trim();
                if label.is_empty() {
                    continue;
                }
                // The whole line a link: the item is the link.
                if link.start == 0 && link.end == line.text.len() && link_item.is_none() {
                    if let Some(link_id) = self.link(label, &link.href, block) {
                        let mut found = item(ids(), label.to_owned(), level);
                        found.kind = ItemKind::Link;
                        found.link = Some(link_id);
                        return vec![found];
                    }
                    continue;
                }
                self.link(label, &link.href, block);
            }
        }
        if !text.is_empty() {
            let mut plain = item(ids(), text.to_owned(), level);
            if let Some(path) = app_path(text) {
                plain.kind = ItemKind::AppPath;
                plain.path = path;
            }
            out.push(plain);
        }
        out.extend(link_item);
        out
    }

    /// Links of a table's cells become the guide's links.
    pub fn cell_links(&mut self, block: &Block) {
        for (label, href) in &block.links {
            self.link(label, href, block);
        }
    }

    /// An SMS template of the guide, answering Q&A `qa` when given. A placeholder no
    /// variable can be named after leaves the text as text: why is returned.
    pub fn template(
        &mut self,
        audience: Option<String>,
        title: String,
        text: String,
        qa: Option<usize>,
    ) -> Result<String, String> {
        let mut variables: Vec<SmsVariable> = Vec::new();
        for placeholder in crate::content::placeholders(&text) {
            if !variable_name_ok(&placeholder.name) {
                return Err(format!(
                    "SMS 템플릿 \"{title}\"의 자리표시 {{{{{}}}}}는 변수 이름(영어 소문자·숫자·_)이 아니라 템플릿으로 만들지 않고 글로 둡니다",
                    placeholder.name
                ));
            }
            if !variables.iter().any(|v| v.name == placeholder.name) {
                variables.push(SmsVariable {
                    label: placeholder.name.clone(),
                    name: placeholder.name,
                    example: None,
                    required: true,
                });
            }
        }
        if text.trim().is_empty() || title.trim().is_empty() {
            return Err("SMS 템플릿의 제목이나 본문이 비어 있습니다".to_owned());
        }
        let id = format!("{}-sms-{}", self.id, self.guide.sms_templates.len() + 1);
        self.guide.sms_templates.push(SmsTemplate {
            id: id.clone(),
            title,
            audience,
            text,
            variables,
            offers: None,
        });
        if let Some(qa) = qa.and_then(|q| self.guide.qa.get_mut(q)) {
            qa.sms_templates.push(id.clone());
        }
        Ok(id)
    }

    /// The guide, with what found no place kept in a visible notes section.
    pub fn finish(mut self, blocks: &[Block]) -> (Guide, Vec<Unplaced>, Ledger) {
        // A block no reader accounted for: kept as text, never dropped.
        let missed: Vec<Block> = self
            .ledger
            .unaccounted(blocks)
            .into_iter()
            .cloned()
            .collect();
        for block in &missed {
            self.unplace(block);
        }
        if !self.unplaced.is_empty() {
            let id = self.id.clone();
            let items = self
                .unplaced
                .iter()
                .enumerate()
                .map(|(n, u)| item(format!("{id}-unplaced-{}", n + 1), u.text.clone(), 0))
                .collect();
            self.guide.notes.push(NoteSection {
                id: format!("{id}-unplaced"),
                title: Some(UNPLACED_TITLE.to_owned()),
                items,
            });
        }
        (self.guide, self.unplaced, self.ledger)
    }
}

/// The line with each bare address in its text (`https://…` not already a link) made a
/// link whose words are the address.
fn with_bare_urls(line: &Line) -> Line {
    let mut out = line.clone();
    let text = &line.text;
    let mut from = 0;
    while let Some(found) = text[from..].find("http") {
        let start = from + found;
        let rest = &text[start..];
        if !(rest.starts_with("https://") || rest.starts_with("http://")) {
            from = start + 4;
            continue;
        }
        let length = rest
            .find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | ')' | ']'))
            .unwrap_or(rest.len());
        let url = rest[..length].trim_end_matches(['.', ',', ';', '!', '?']);
        let end = start + url.len();
        from = end.max(start + 1);
        let inside = line.links.iter().any(|l| l.start <= start && start < l.end);
        if !inside && url.len() > "https://".len() {
            out.links.push(LinkSpan {
                start,
                end,
                href: url.to_owned(),
            });
        }
    }
    out.links.sort_by_key(|l| l.start);
    out
}

/// The text of an SMS in `blocks[at..]` when one starts there: a code block, a quote (all
/// of its blocks), or a paragraph that is not itself a label, a question, a section title
/// or a rule. Gives the text and how many blocks it took.
pub fn template_body(blocks: &[Block], at: usize) -> Option<(String, usize)> {
    let block = blocks.get(at)?;
    match &block.kind {
        BlockKind::Code(lines) => Some((lines.join("\n"), 1)),
        _ if block.quoted => {
            let taken = blocks[at..]
                .iter()
                .take_while(|b| b.quoted && !matches!(b.kind, BlockKind::Heading(_)))
                .count();
            let parts: Vec<String> = blocks[at..at + taken]
                .iter()
                .map(|b| b.texts().join("\n"))
                .filter(|t| !t.is_empty())
                .collect();
            (!parts.is_empty()).then(|| (parts.join("\n\n"), taken))
        }
        BlockKind::Paragraph(lines) => {
            let first = &lines.first()?.text;
            let circled = first
                .chars()
                .next()
                .is_some_and(|c| super::blocks::CIRCLED.contains(c))
                && lines.len() == 1;
            let other_structure = is_separator(first)
                || recognise::question(first).is_some()
                || recognise::answer(first).is_some()
                || recognise::names_sms(first)
                || circled
                || (lines.len() == 1 && lines[0].all_bold())
                || (first.starts_with('[') && first.ends_with(']') && lines.len() == 1);
            if other_structure {
                return None;
            }
            let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
            Some((text.join("\n"), 1))
        }
        _ => None,
    }
}

/// A menu path in `text` (`경로 : 기사앱 메뉴>…>…`, `기사 앱 [메뉴] → [정산]`), each step as
/// the text names it.
pub fn app_path(text: &str) -> Option<Vec<String>> {
    recognise::menu_path(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_paths_and_addresses() {
        assert_eq!(
            split_cell(
                "- 가입 기준 : 평점 4.0 이상 - 갱신 기준 : 평점 3.8 이상  ㅁ 평가 ㄴ\"오류\"가 노출"
            ),
            vec![
                "- 가입 기준 : 평점 4.0 이상",
                "- 갱신 기준 : 평점 3.8 이상",
                "ㅁ 평가",
                "ㄴ\"오류\"가 노출"
            ]
        );
        assert_eq!(
            app_path("ㄴ기사앱 확인 경로 : 기사앱 메뉴>프로 제휴서비스>안심보험"),
            Some(vec![
                "기사앱 메뉴".into(),
                "프로 제휴서비스".into(),
                "안심보험".into()
            ])
        );
        assert!(app_path("기사 앱 [메뉴] > [정산]에서 확인합니다.").is_some());
        assert!(is_separator("――――――"));
        assert_eq!(
            usable_url(
                "/hc/ko/articles/1",
                Some("https://x.invalid/hc/ko/articles/2")
            ),
            Ok("https://x.invalid/hc/ko/articles/1".to_owned())
        );
        assert!(matches!(
            usable_url("javascript:void(0)", None),
            Err(Some(_))
        ));
        assert_eq!(usable_url("#top", None), Err(None));
        assert_eq!(
            usable_url("mailto:help@x.invalid", None),
            Ok("mailto:help@x.invalid".to_owned())
        );
    }

    #[test]
    fn schedule_events_print_their_line_back() {
        for line in [
            "24/12/01 신규 이용자 멤버십 가입 중단 (~11/30 23:59:59까지 신규 가입가능)",
            "2025.03.01 시행",
            "2025-03-01: 기준 상향",
            "2025년 3월 1일 오후 2시 점검",
        ] {
            let event = schedule_event("e".into(), line).expect(line);
            assert_eq!(event.line(), line);
        }
        assert!(schedule_event("e".into(), "2025.03.01부터 적용합니다").is_none());
        let timed = schedule_event("e".into(), "2025-03-01 10:30 점검").expect("timed");
        assert_eq!(timed.at, "2025-03-01T10:30:00+09:00");
    }
}
