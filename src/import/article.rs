//! Reads one article, as blocks, into a guide: the help centre's article template (a title
//! line, an optional schedule, `1️⃣ 가이드`, `2️⃣ 참고 및 주의사항`, `3️⃣ 스크립트 / Q&A`).
//! Every non-empty line lands somewhere: what has no place in the template goes to a visible
//! "unplaced" notes section, and is listed in the import report.

use super::blocks::{Block, BlockKind, CIRCLED, Line};
use crate::content::{
    AnswerSection, ArticleSource, Guide, HandlingStep, Item, ItemKind, Link, NoteSection, Qa,
    Schedule, ScheduleEvent, SectionKind, SmsTemplate, SmsVariable,
};

/// What the import knows of an article besides its body.
#[derive(Debug, Clone)]
pub struct ArticleMeta {
    /// The heading line `(상태) [분류] 제목`, when the source gives it apart from the body
    /// (the API's `title`, an HTML page's `<title>`).
    pub heading: Option<String>,
    /// The guide's id (ids of its sentences start with it).
    pub id: String,
    pub source: ArticleSource,
}

/// A line the template has no place for, with where it was.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unplaced {
    pub line: Option<usize>,
    pub text: String,
}

/// The guide read from an article, and what could not be placed.
#[derive(Debug, Clone)]
pub struct ReadArticle {
    pub guide: Guide,
    pub unplaced: Vec<Unplaced>,
}

/// The title of the notes section that holds unplaced lines.
pub const UNPLACED_TITLE: &str = "⚠ 가져오기에서 자리를 찾지 못한 줄 (원문을 확인하세요)";

/// The template's three parts, by their keycap markers.
fn part_marker(text: &str) -> Option<u8> {
    (1..=3u8).find(|n| {
        let digit = char::from(b'0' + n);
        text.contains(&format!("{digit}\u{fe0f}\u{20e3}"))
            || text.contains(&format!("{digit}\u{20e3}"))
    })
}

/// A line of only rules and dashes (`――――`, `────`) separates, and says nothing.
fn is_separator(text: &str) -> bool {
    !text.is_empty()
        && text.chars().all(|c| {
            matches!(c, '―' | '─' | '━' | '-' | '—' | '_' | '=' | '~' | '·') || c.is_whitespace()
        })
}

fn starts_circled(text: &str) -> bool {
    text.chars().next().is_some_and(|c| CIRCLED.contains(c))
}

/// `(상태) [분류] 제목` → status, tags, title.
pub fn parse_heading(heading: &str) -> (Option<String>, Vec<String>, String) {
    let mut rest = heading.trim();
    let mut status = None;
    if let Some(after) = rest.strip_prefix('(')
        && let Some(close) = after.find(')')
    {
        status = Some(after[..close].trim().to_owned()).filter(|s| !s.is_empty());
        rest = after[close + 1..].trim_start();
    }
    let mut tags = Vec::new();
    while let Some(after) = rest.strip_prefix('[') {
        let Some(close) = after.find(']') else { break };
        let tag = after[..close].trim();
        if !tag.is_empty() {
            tags.push(tag.to_owned());
        }
        rest = after[close + 1..].trim_start();
    }
    (status, tags, rest.trim().to_owned())
}

/// The lines of text a block holds, as an agent would read them.
fn block_texts(block: &Block) -> Vec<String> {
    match &block.kind {
        BlockKind::Heading(line) => vec![line.text.clone()],
        BlockKind::Paragraph(lines) | BlockKind::Item { lines, .. } => {
            lines.iter().map(|l| l.text.clone()).collect()
        }
        BlockKind::Code(lines) => lines
            .iter()
            .filter(|l| !l.trim().is_empty())
            .cloned()
            .collect(),
        BlockKind::Table(rows) => rows
            .iter()
            .flatten()
            .filter(|c| !c.is_empty())
            .cloned()
            .collect(),
        BlockKind::Image(_) | BlockKind::ListEnd | BlockKind::BrokenTable(_) => Vec::new(),
    }
}

/// A schedule line: `- 24/12/01 신규 이용자 멤버십 가입 중단 (~11/30 23:59:59까지 신규 가입가능)`.
fn schedule_event(id: String, line: &str) -> Option<ScheduleEvent> {
    let line = line.trim().trim_start_matches(['-', '*', '•']).trim();
    let (date_label, rest) = line.split_once(' ')?;
    let mut parts = date_label.split('/');
    let (yy, mm, dd) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || yy.len() != 2 {
        return None;
    }
    let year = 2000 + yy.parse::<i32>().ok()?;
    let date = chrono::NaiveDate::from_ymd_opt(year, mm.parse().ok()?, dd.parse().ok()?)?;
    let at = crate::clock::start_of_day_kst(date)?;
    let rest = rest.trim();
    let (text, detail) = match rest
        .strip_suffix(')')
        .and_then(|r| r.rfind(" (").map(|i| (i, r)))
    {
        Some((open, body)) => (
            body[..open].trim().to_owned(),
            Some(body[open + 2..].to_owned()),
        ),
        None => (rest.to_owned(), None),
    };
    if text.is_empty() {
        return None;
    }
    Some(ScheduleEvent {
        id,
        at: crate::clock::rfc3339_kst(&at),
        date_label: date_label.to_owned(),
        text,
        detail,
        effect: None,
    })
}

fn item(id: String, text: String, level: u8) -> Item {
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

/// Nesting of lines by the guide's own markers, the same whichever form the article came in:
/// `ㄴ` hangs under the line above it that is not itself a `ㄴ`; `※` and other continuation
/// lines hang under the item they follow; a `[묶음]` item gathers the items after it.
#[derive(Default)]
struct Levels {
    anchor: u8,
    last_plain: u8,
    group: Option<u8>,
}

const DEEPEST: u8 = 6;

impl Levels {
    fn item_start(&mut self, depth: usize, text: &str) -> u8 {
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

    fn continuation(&mut self, text: &str) -> u8 {
        if text.starts_with('ㄴ') {
            (self.last_plain + 1).min(DEEPEST)
        } else {
            let level = (self.anchor + 1).min(DEEPEST);
            self.last_plain = level;
            level
        }
    }

    /// A paragraph that stands on its own begins at the top.
    fn paragraph_start(&mut self) {
        self.anchor = 0;
        self.last_plain = 0;
        self.group = None;
    }
}

/// Builds the guide; ids are numbered in reading order under the guide's id.
struct Reader<'a> {
    id: &'a str,
    guide: Guide,
    unplaced: Vec<Unplaced>,
    next_link: usize,
}

impl Reader<'_> {
    fn unplace(&mut self, block: &Block) {
        for text in block_texts(block) {
            if !text.trim().is_empty() && !is_separator(&text) {
                self.unplaced.push(Unplaced {
                    line: block.line,
                    text,
                });
            }
        }
    }

    /// Turns one line into items: a trailing bold `label: address` becomes a link item,
    /// `경로 : 메뉴>…>…` an app path.
    fn line_items(&mut self, line: &Line, level: u8, ids: &mut dyn FnMut() -> String) -> Vec<Item> {
        let mut out = Vec::new();
        let mut text = line.text.as_str();
        let mut link_item = None;
        if let Some(link) = line.links.iter().find(|l| l.end == text.len()) {
            let label_start = line
                .strong
                .iter()
                .copied()
                .filter(|s| *s < link.start)
                .find(|s| text[*s..link.start].trim_end().ends_with(':'))
                .or_else(|| text[..link.start].trim_end().ends_with(':').then_some(0));
            if let Some(start) = label_start {
                let label = text[start..link.start].trim().trim_end_matches(':').trim();
                if !label.is_empty() {
                    self.next_link += 1;
                    let link_id = format!("{}-link-{}", self.id, self.next_link);
                    self.guide.links.push(Link {
                        id: link_id.clone(),
                        label: label.to_owned(),
                        url: Some(link.href.clone()),
                        placeholder: None,
                    });
                    let mut found = item(ids(), label.to_owned(), level);
                    found.kind = ItemKind::Link;
                    found.link = Some(link_id);
                    link_item = Some(found);
                    text = text[..start].trim_end();
                }
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
}

/// `기사앱 확인 경로 : 기사앱 메뉴>프로 제휴서비스>…` → the menu steps.
fn app_path(text: &str) -> Option<Vec<String>> {
    let tail = text.rsplit_once(" : ").map_or(text, |(_, t)| t);
    let tail = tail.rsplit_once(": ").map_or(tail, |(_, t)| t);
    let steps: Vec<String> = tail
        .split('>')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect();
    let looks_like_menu = steps
        .first()
        .is_some_and(|first| first.contains("메뉴") || first.contains("앱"));
    (steps.len() >= 2 && looks_like_menu && tail.contains('>')).then_some(steps)
}

/// A table of one cell written as a list (`- 가입 기준 … - 갱신 기준 …  ㅁ … ㄴ …`): the
/// cell split where a marker starts a new point.
fn split_cell(cell: &str) -> Vec<String> {
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

/// The template's `[기사 SMS 템플릿 - 제목]`: audience and title.
fn template_label(text: &str) -> Option<(Option<String>, String)> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?.trim();
    if !inner.contains("SMS") && !inner.contains("문자") {
        return None;
    }
    let (left, title) = inner.split_once(" - ").or_else(|| inner.split_once('-'))?;
    let audience = left
        .replace("SMS 템플릿", "")
        .replace("SMS템플릿", "")
        .replace("문자 템플릿", "")
        .trim()
        .to_owned();
    let title = title.trim();
    (!title.is_empty()).then(|| (Some(audience).filter(|a| !a.is_empty()), title.to_owned()))
}

fn single_line(block: &Block) -> Option<&Line> {
    match &block.kind {
        BlockKind::Paragraph(lines) if lines.len() == 1 => lines.first(),
        BlockKind::Heading(line) => Some(line),
        _ => None,
    }
}

/// A short `① 기본안내` line alone: the title of an answer's section.
fn is_section_title(text: &str) -> bool {
    starts_circled(text)
        && text.chars().count() <= 40
        && !text.ends_with('.')
        && !text.ends_with('다')
}

/// `Q1. 질문? 질문?` → label and questions.
fn question_line(text: &str) -> Option<(String, Vec<String>)> {
    let (label, rest) = numbered(text, 'Q')?;
    let mut questions = Vec::new();
    let mut current = String::new();
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if c == '?' && chars.peek().is_some_and(|n| n.is_whitespace()) {
            questions.push(current.trim().to_owned());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        questions.push(current.trim().to_owned());
    }
    Some((label, questions))
}

/// `Q12.` / `A3.` at the start of a line: the label and what follows.
fn numbered(text: &str, letter: char) -> Option<(String, &str)> {
    let rest = text.strip_prefix(letter)?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let after = &rest[digits..];
    let after = after
        .strip_prefix('.')
        .or_else(|| after.strip_prefix(')'))
        .or_else(|| after.strip_prefix(' '))
        .or_else(|| after.is_empty().then_some(after))?;
    Some((format!("{letter}{}", &rest[..digits]), after.trim()))
}

/// Reads the blocks of one article. Errors say what the article lacks.
pub fn read(blocks: &[Block], meta: &ArticleMeta) -> Result<ReadArticle, String> {
    if blocks
        .iter()
        .all(|b| block_texts(b).iter().all(|t| t.trim().is_empty()))
    {
        return Err("글이 비어 있습니다".to_owned());
    }
    if let Some(message) = blocks.iter().find_map(|b| match &b.kind {
        BlockKind::BrokenTable(message) => Some(message.clone()),
        _ => None,
    }) {
        return Err(message);
    }
    let marker_at = |n: u8| {
        blocks.iter().position(|b| match &b.kind {
            BlockKind::Heading(line) => part_marker(&line.text) == Some(n),
            BlockKind::Paragraph(lines) => lines.iter().any(|l| part_marker(&l.text) == Some(n)),
            _ => false,
        })
    };
    let Some(guide_at) = marker_at(1) else {
        return Err(
            "\"1️⃣ 가이드\" 부분이 없습니다 (도움말 가이드 양식의 글이 아닙니다)".to_owned(),
        );
    };
    let notes_at = marker_at(2).filter(|at| *at > guide_at);
    let qa_at = marker_at(3).filter(|at| *at > notes_at.unwrap_or(guide_at));

    let mut reader = Reader {
        id: &meta.id,
        guide: Guide {
            id: meta.id.clone(),
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
            rules: Vec::new(),
            qa: Vec::new(),
            sms_templates: Vec::new(),
            escalation: None,
            source: Some(meta.source.clone()),
            synonyms: Vec::new(),
        },
        unplaced: Vec::new(),
        next_link: 0,
    };

    preamble(&mut reader, &blocks[..guide_at], meta.heading.as_deref())?;
    let guide_end = notes_at.or(qa_at).unwrap_or(blocks.len());
    guide_part(&mut reader, &blocks[guide_at + 1..guide_end])?;
    if let Some(at) = notes_at {
        notes_part(&mut reader, &blocks[at + 1..qa_at.unwrap_or(blocks.len())]);
    }
    if let Some(at) = qa_at {
        qa_part(&mut reader, &blocks[at + 1..])?;
    }
    if !reader.unplaced.is_empty() {
        let id = reader.id.to_owned();
        let items = reader
            .unplaced
            .iter()
            .enumerate()
            .map(|(n, u)| item(format!("{id}-unplaced-{}", n + 1), u.text.clone(), 0))
            .collect();
        reader.guide.notes.push(NoteSection {
            id: format!("{id}-unplaced"),
            title: Some(UNPLACED_TITLE.to_owned()),
            items,
        });
    }
    super::proposals::propose(&mut reader.guide);
    Ok(ReadArticle {
        guide: reader.guide,
        unplaced: reader.unplaced,
    })
}

/// Before `1️⃣`: the title line, the schedule, images, the big title.
fn preamble(
    reader: &mut Reader<'_>,
    blocks: &[Block],
    heading: Option<&str>,
) -> Result<(), String> {
    let mut heading = heading.map(str::to_owned);
    let mut big_title: Option<String> = None;
    let mut pending_title: Option<&Block> = None;
    let id = reader.id.to_owned();
    for (n, block) in blocks.iter().enumerate() {
        // The first block of dated lines is the schedule, under the heading just before it.
        if reader.guide.schedule.is_none()
            && let Some(lines) = schedule_lines(block)
        {
            let title = pending_title
                .take()
                .and_then(single_line)
                .map_or_else(|| "[일정]".to_owned(), |l| l.text.clone());
            let events = lines
                .iter()
                .enumerate()
                .filter_map(|(k, line)| schedule_event(format!("{id}-schedule-{}", k + 1), line))
                .collect();
            reader.guide.schedule = Some(Schedule { title, events });
            continue;
        }
        match &block.kind {
            BlockKind::Heading(line) if heading.is_none() && n == 0 => {
                heading = Some(line.text.clone());
            }
            BlockKind::Heading(line) if heading.as_deref() == Some(line.text.as_str()) => {}
            BlockKind::Image(src) => reader.guide.images.push(src.clone()),
            BlockKind::ListEnd => {}
            BlockKind::Heading(_)
                if blocks
                    .get(n + 1)
                    .is_some_and(|next| schedule_lines(next).is_some()) =>
            {
                if let Some(earlier) = pending_title.replace(block) {
                    reader.unplace(earlier);
                }
            }
            BlockKind::Heading(line) if big_title.is_none() => big_title = Some(line.text.clone()),
            _ => reader.unplace(block),
        }
    }
    if let Some(left) = pending_title {
        reader.unplace(left);
    }
    let heading = heading
        .filter(|h| !h.trim().is_empty())
        .or_else(|| big_title.clone())
        .ok_or_else(|| "제목 줄 \"(상태) [분류] 제목\"이 없습니다".to_owned())?;
    let (status, tags, title) = parse_heading(&heading);
    reader.guide.heading = heading.clone();
    reader.guide.status = status;
    reader.guide.tags = tags;
    reader.guide.title = big_title.filter(|t| !t.is_empty()).unwrap_or(title);
    if reader.guide.title.is_empty() {
        reader.guide.title = heading;
    }
    Ok(())
}

/// The dated lines of a schedule block, when every line of it is one.
fn schedule_lines(block: &Block) -> Option<Vec<String>> {
    let lines = match &block.kind {
        BlockKind::Code(lines) => lines.clone(),
        BlockKind::Paragraph(_) => block_texts(block),
        _ => return None,
    };
    let lines: Vec<String> = lines.into_iter().filter(|l| !l.trim().is_empty()).collect();
    (!lines.is_empty()
        && lines
            .iter()
            .all(|l| schedule_event(String::new(), l).is_some()))
    .then_some(lines)
}

/// `1️⃣ 가이드`: 상담 유형, 응대 순서 and the link slots, as `N. 이름 : 값` lines.
fn guide_part(reader: &mut Reader<'_>, blocks: &[Block]) -> Result<(), String> {
    for block in blocks {
        let lines: Vec<&Line> = match &block.kind {
            BlockKind::Heading(line) => vec![line],
            BlockKind::Paragraph(lines) | BlockKind::Item { lines, .. } => lines.iter().collect(),
            BlockKind::Image(src) => {
                reader.guide.images.push(src.clone());
                continue;
            }
            BlockKind::ListEnd => continue,
            _ => {
                reader.unplace(block);
                continue;
            }
        };
        for line in lines {
            let text = line.text.as_str();
            let body = text
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start_matches(['.', ')'])
                .trim();
            let Some((label, value)) = body.split_once(':') else {
                if !is_separator(text) {
                    reader.unplaced.push(Unplaced {
                        line: block.line,
                        text: text.to_owned(),
                    });
                }
                continue;
            };
            let (label, value) = (label.trim(), value.trim());
            let steps = || -> Vec<String> {
                value
                    .split('▶')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            };
            if label.contains("상담 유형") || label.contains("상담유형") {
                reader.guide.category = steps();
            } else if label.contains("응대 순서") || label.contains("응대순서") {
                reader.guide.handling_order = steps()
                    .into_iter()
                    .enumerate()
                    .map(|(n, label)| HandlingStep {
                        id: format!("{}-step-{}", reader.id, n + 1),
                        label,
                        focus: None,
                    })
                    .collect();
            } else if !label.is_empty() && !value.is_empty() {
                let href = line.links.first().map(|l| l.href.clone());
                let url = href.or_else(|| value.starts_with("http").then(|| value.to_owned()));
                reader.next_link += 1;
                reader.guide.links.push(Link {
                    id: format!("{}-link-{}", reader.id, reader.next_link),
                    label: label.to_owned(),
                    placeholder: url.is_none().then(|| value.to_owned()),
                    url,
                });
            } else {
                reader.unplaced.push(Unplaced {
                    line: block.line,
                    text: text.to_owned(),
                });
            }
        }
    }
    if reader.guide.category.is_empty() {
        return Err("\"1️⃣ 가이드\"에 \"상담 유형 : … ▶ …\" 줄이 없습니다".to_owned());
    }
    if reader.guide.handling_order.is_empty() {
        return Err("\"1️⃣ 가이드\"에 \"응대 순서 : … ▶ …\" 줄이 없습니다".to_owned());
    }
    Ok(())
}

/// `2️⃣ 참고 및 주의사항`: numbered sections of items.
fn notes_part(reader: &mut Reader<'_>, blocks: &[Block]) {
    let guide_id = reader.id.to_owned();
    let mut sections: Vec<NoteSection> = Vec::new();
    let mut levels = Levels::default();
    let mut counter = 0usize;
    let mut pending: Option<PendingTemplate> = None;
    let new_section = |sections: &mut Vec<NoteSection>, title: Option<String>| {
        sections.push(NoteSection {
            id: format!("{guide_id}-note-{}", sections.len() + 1),
            title,
            items: Vec::new(),
        });
    };
    for block in blocks {
        if take_template(reader, &mut pending, block, None) {
            continue;
        }
        if let Some(label) = PendingTemplate::of(block) {
            pending = Some(label);
            continue;
        }
        let title = match &block.kind {
            BlockKind::Heading(line) => Some(line),
            BlockKind::Paragraph(lines) if lines.len() == 1 && is_section_title(&lines[0].text) => {
                lines.first()
            }
            _ => None,
        };
        if let Some(title) = title {
            if !is_separator(&title.text) {
                new_section(&mut sections, Some(title.text.clone()));
                levels = Levels::default();
            }
            continue;
        }
        if sections.is_empty() && !matches!(block.kind, BlockKind::Image(_) | BlockKind::ListEnd) {
            new_section(&mut sections, None);
        }
        let mut items = Vec::new();
        let mut ids = || {
            counter += 1;
            format!("{guide_id}-n{}-{counter}", sections.len())
        };
        match &block.kind {
            BlockKind::Item { depth, lines } => {
                items.extend(list_item(reader, *depth, lines, &mut levels, &mut ids));
            }
            BlockKind::Paragraph(lines) => {
                for (n, line) in lines.iter().enumerate() {
                    let level = if n == 0 && !line.text.starts_with(['ㄴ', '※']) {
                        levels.paragraph_start();
                        0
                    } else {
                        levels.continuation(&line.text)
                    };
                    items.extend(reader.line_items(line, level, &mut ids));
                }
            }
            BlockKind::Code(lines) => {
                for text in lines.iter().filter(|l| !l.trim().is_empty()) {
                    let level = levels.continuation(text.trim());
                    items.push(item(ids(), text.trim().to_owned(), level));
                }
            }
            BlockKind::Table(rows) => items.extend(table_items(rows, &mut ids)),
            BlockKind::Image(src) => reader.guide.images.push(src.clone()),
            BlockKind::ListEnd => levels.group = None,
            BlockKind::Heading(_) | BlockKind::BrokenTable(_) => {}
        }
        if let Some(section) = sections.last_mut() {
            section.items.extend(items);
        }
    }
    leave_unplaced(reader, pending);
    // A heading with nothing under it (an empty `####`) holds no text: it is not kept.
    sections.retain(|s| !s.items.is_empty());
    reader.guide.notes.extend(sections);
}

/// A list item's lines: the first by the list's depth, the others hung under it.
fn list_item(
    reader: &mut Reader<'_>,
    depth: usize,
    lines: &[Line],
    levels: &mut Levels,
    ids: &mut dyn FnMut() -> String,
) -> Vec<Item> {
    let mut items = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        if n == 0 {
            let level = levels.item_start(depth, &line.text);
            items.extend(group_items(reader, line, level, ids, levels));
        } else {
            let level = levels.continuation(&line.text);
            items.extend(reader.line_items(line, level, ids));
        }
    }
    items
}

/// A list item's first line; `[묶음]- 첫 항목` is a group heading and its first member.
fn group_items(
    reader: &mut Reader<'_>,
    line: &Line,
    level: u8,
    ids: &mut dyn FnMut() -> String,
    levels: &mut Levels,
) -> Vec<Item> {
    if line.text.starts_with('[')
        && let Some(close) = line.text.find(']')
    {
        let head = &line.text[..=close];
        let rest = line.text[close + 1..]
            .trim_start_matches(['-', ' ', ':'])
            .trim();
        if !rest.is_empty() {
            let mut out = vec![item(ids(), head.to_owned(), level)];
            let shift = line.text.len() - rest.len();
            let member = Line {
                text: rest.to_owned(),
                strong: line
                    .strong
                    .iter()
                    .filter(|s| **s >= shift)
                    .map(|s| s - shift)
                    .collect(),
                links: line
                    .links
                    .iter()
                    .filter(|l| l.start >= shift)
                    .map(|l| super::blocks::LinkSpan {
                        start: l.start - shift,
                        end: l.end - shift,
                        href: l.href.clone(),
                    })
                    .collect(),
            };
            let member_level = (level + 1).min(DEEPEST);
            levels.anchor = member_level;
            levels.last_plain = member_level;
            out.extend(reader.line_items(&member, member_level, ids));
            return out;
        }
    }
    reader.line_items(line, level, ids)
}

/// A table's rows as items: a one-cell table written as a list is split at its markers;
/// a row of several cells keeps its cells.
fn table_items(rows: &[Vec<String>], ids: &mut dyn FnMut() -> String) -> Vec<Item> {
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

/// An SMS template's label line (`[기사 SMS 템플릿 - 제목]`), waiting for the code block
/// that holds its text.
struct PendingTemplate {
    /// The label as written, kept whole if no text follows.
    label: String,
    audience: Option<String>,
    title: String,
    line: Option<usize>,
}

impl PendingTemplate {
    fn of(block: &Block) -> Option<Self> {
        let line = single_line(block)?;
        let (audience, title) = template_label(&line.text)?;
        Some(Self {
            label: line.text.clone(),
            audience,
            title,
            line: block.line,
        })
    }
}

/// Gives `block` to a waiting template label: a code block is its text (taken: true);
/// anything else leaves the label, verbatim, among the unplaced lines.
fn take_template(
    reader: &mut Reader<'_>,
    pending: &mut Option<PendingTemplate>,
    block: &Block,
    qa: Option<usize>,
) -> bool {
    let Some(label) = pending.take() else {
        return false;
    };
    if let BlockKind::Code(lines) = &block.kind {
        add_template(reader, label.audience, label.title, lines, qa);
        return true;
    }
    leave_unplaced(reader, Some(label));
    false
}

fn leave_unplaced(reader: &mut Reader<'_>, pending: Option<PendingTemplate>) {
    if let Some(label) = pending {
        reader.unplaced.push(Unplaced {
            line: label.line,
            text: label.label,
        });
    }
}

fn add_template(
    reader: &mut Reader<'_>,
    audience: Option<String>,
    title: String,
    lines: &[String],
    qa: Option<usize>,
) {
    let id = format!("{}-sms-{}", reader.id, reader.guide.sms_templates.len() + 1);
    let text = lines.join("\n");
    let mut variables: Vec<SmsVariable> = Vec::new();
    for placeholder in crate::content::placeholders(&text) {
        if !variables.iter().any(|v| v.name == placeholder.name) {
            variables.push(SmsVariable {
                label: placeholder.name.clone(),
                name: placeholder.name,
                example: None,
                required: true,
            });
        }
    }
    reader.guide.sms_templates.push(SmsTemplate {
        id: id.clone(),
        title,
        audience,
        text,
        variables,
        offers: None,
    });
    if let Some(qa) = qa.and_then(|q| reader.guide.qa.get_mut(q)) {
        qa.sms_templates.push(id);
    }
}

/// `3️⃣ 스크립트 / Q&A`: questions, their answers' sections, SMS templates, policy tables.
#[allow(clippy::too_many_lines)] // the answer's grammar reads best in one loop
fn qa_part(reader: &mut Reader<'_>, blocks: &[Block]) -> Result<(), String> {
    let guide_id = reader.id.to_owned();
    let mut answering = false;
    let mut pending: Option<PendingTemplate> = None;
    let mut levels = Levels::default();
    let mut counter = 0usize;
    for block in blocks {
        let current = reader.guide.qa.len().checked_sub(1);
        if take_template(reader, &mut pending, block, current) {
            continue;
        }
        let single = single_line(block).map(|l| l.text.clone());
        if let Some(text) = &single {
            if is_separator(text) {
                continue;
            }
            if let Some((label, questions)) = question_line(text) {
                if questions.is_empty() {
                    return Err(format!("{label}에 질문 글이 없습니다"));
                }
                let number = reader.guide.qa.len() + 1;
                reader.guide.qa.push(Qa {
                    id: format!("{guide_id}-q{number}"),
                    label: Some(label),
                    questions,
                    aliases: Vec::new(),
                    sections: Vec::new(),
                    sms_templates: Vec::new(),
                    rules: Vec::new(),
                });
                answering = false;
                continue;
            }
            if let Some((_, rest)) = numbered(text, 'A')
                && current.is_some()
            {
                answering = true;
                if rest.is_empty() {
                    continue;
                }
            }
            if let Some(label) = PendingTemplate::of(block) {
                pending = Some(label);
                continue;
            }
        }
        let Some(q) = current.filter(|_| answering) else {
            match &block.kind {
                BlockKind::Image(src) => reader.guide.images.push(src.clone()),
                BlockKind::ListEnd => {}
                _ => reader.unplace(block),
            }
            continue;
        };
        let qa_id = reader.guide.qa[q].id.clone();
        let open = |title: Option<String>, kind: SectionKind, reader: &mut Reader<'_>| {
            let qa = &mut reader.guide.qa[q];
            qa.sections.push(AnswerSection {
                id: format!("{qa_id}-s{}", qa.sections.len() + 1),
                title,
                kind,
                items: Vec::new(),
            });
        };
        let last_kind = reader.guide.qa[q]
            .sections
            .last()
            .map(|s| (s.kind, s.title.is_some()));
        match &block.kind {
            BlockKind::Heading(line) => {
                open(Some(line.text.clone()), SectionKind::Note, reader);
                levels = Levels::default();
                continue;
            }
            BlockKind::Paragraph(lines) if lines.len() == 1 && is_section_title(&lines[0].text) => {
                let kind = if lines[0].text.contains("참고") || lines[0].text.contains("주의") {
                    SectionKind::Note
                } else {
                    SectionKind::Script
                };
                open(Some(lines[0].text.clone()), kind, reader);
                levels = Levels::default();
                continue;
            }
            BlockKind::Paragraph(lines)
                if lines.len() == 1
                    && lines[0].text.starts_with('[')
                    && lines[0].text.ends_with(']') =>
            {
                open(Some(lines[0].text.clone()), SectionKind::Note, reader);
                levels = Levels::default();
                continue;
            }
            BlockKind::Paragraph(lines) if lines[0].text.starts_with('※') => {
                open(None, SectionKind::Note, reader);
                levels = Levels::default();
            }
            BlockKind::Paragraph(_) | BlockKind::Item { .. } => {
                let fits = matches!(
                    last_kind,
                    Some((SectionKind::Script, _) | (SectionKind::Note, true))
                );
                if !fits {
                    open(None, SectionKind::Script, reader);
                }
            }
            BlockKind::Table(_) => {
                let fits = matches!(
                    last_kind,
                    Some((SectionKind::PolicyTable | SectionKind::Note, true))
                ) && reader.guide.qa[q]
                    .sections
                    .last()
                    .is_some_and(|s| s.items.is_empty());
                if fits {
                    if let Some(section) = reader.guide.qa[q].sections.last_mut() {
                        section.kind = SectionKind::PolicyTable;
                    }
                } else {
                    open(None, SectionKind::PolicyTable, reader);
                }
            }
            BlockKind::Code(_) => open(None, SectionKind::Note, reader),
            BlockKind::Image(src) => {
                reader.guide.images.push(src.clone());
                continue;
            }
            BlockKind::ListEnd | BlockKind::BrokenTable(_) => {
                levels.group = None;
                continue;
            }
        }
        let section_index = reader.guide.qa[q].sections.len() - 1;
        let section_id = reader.guide.qa[q].sections[section_index].id.clone();
        let kind = reader.guide.qa[q].sections[section_index].kind;
        let mut ids = || {
            counter += 1;
            format!("{section_id}-{counter}")
        };
        let mut items = Vec::new();
        match &block.kind {
            BlockKind::Paragraph(lines) if kind == SectionKind::Script => {
                // A script paragraph is one sentence group, read out as written.
                let text: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
                items.push(item(ids(), text.join("\n"), 0));
            }
            BlockKind::Paragraph(lines) => {
                for (n, line) in lines.iter().enumerate() {
                    let level = if n == 0 {
                        levels.paragraph_start();
                        0
                    } else {
                        levels.continuation(&line.text)
                    };
                    items.extend(reader.line_items(line, level, &mut ids));
                }
            }
            BlockKind::Item { depth, lines } => {
                items.extend(list_item(reader, *depth, lines, &mut levels, &mut ids));
            }
            BlockKind::Table(rows) => items.extend(table_items(rows, &mut ids)),
            BlockKind::Code(lines) => {
                for text in lines.iter().filter(|l| !l.trim().is_empty()) {
                    items.push(item(ids(), text.trim().to_owned(), 0));
                }
            }
            _ => {}
        }
        reader.guide.qa[q].sections[section_index]
            .items
            .extend(items);
    }
    leave_unplaced(reader, pending);
    for qa in &mut reader.guide.qa {
        qa.sections.retain(|s| !s.items.is_empty());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_cells_and_questions() {
        assert_eq!(
            parse_heading("(서비스종료) [일반] 프로멤버십(가입)"),
            (
                Some("서비스종료".into()),
                vec!["일반".into()],
                "프로멤버십(가입)".into()
            )
        );
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
            question_line("Q1. 무엇인가요?      좋은가요?"),
            Some(("Q1".into(), vec!["무엇인가요?".into(), "좋은가요?".into()]))
        );
        assert_eq!(
            template_label("[기사 SMS 템플릿 - 멤버십 가입 방법 안내]"),
            Some((Some("기사".into()), "멤버십 가입 방법 안내".into()))
        );
        assert_eq!(
            app_path("ㄴ기사앱 확인 경로 : 기사앱 메뉴>프로 제휴서비스>안심보험"),
            Some(vec![
                "기사앱 메뉴".into(),
                "프로 제휴서비스".into(),
                "안심보험".into()
            ])
        );
        assert!(is_separator("――――――"));
        assert!(!is_section_title(
            "① 우측 상단 [메뉴] 선택 후 가입하기 버튼을 눌러 주세요. 이렇게 하면 됩니다"
        ));
    }
}
