//! Reads an article in the help centre's guide template (a title line, an optional
//! schedule, `1️⃣ 가이드`, `2️⃣ 참고 및 주의사항`, `3️⃣ 스크립트 / Q&A`) into a guide that
//! keeps all its structure, in the ways content teams really write it: `Q.`/`A.` and
//! `질문:`/`답변:` as well as `Q1.`/`A1.`, an SMS in a code block, a quote or a paragraph,
//! a schedule in any date form or as a list, `>` or `→` for `▶`.
//!
//! Every non-empty line lands somewhere: what has no place in the template goes to a visible
//! "unplaced" notes section, and is listed in the import report.

use super::blocks::{Block, BlockKind, CIRCLED, Line, split_path};
use super::build::{
    Builder, DEEPEST, Levels, Unplaced, is_separator, item, schedule_event, table_items,
    template_body,
};
use super::ledger::{Destination, Ledger};
use super::recognise;
use crate::content::{
    AnswerSection, ArticleSource, Guide, HandlingStep, Item, NoteSection, Qa, SectionKind,
};

/// What the import knows of an article besides its body.
#[derive(Debug, Clone)]
pub struct ArticleMeta {
    /// The heading line `(상태) [분류] 제목`, when the source gives it apart from the body
    /// (the API's `title`, an HTML page's `<title>`, front matter).
    pub heading: Option<String>,
    /// The guide's id (ids of its sentences start with it).
    pub id: String,
    pub source: ArticleSource,
    /// The category path the source gives apart from the body (the API's category and
    /// section, front matter, the folder).
    pub category: Vec<String>,
    /// A title when the article gives none (its file's name).
    pub fallback_title: String,
}

/// The guide read from an article, what could not be placed, and the account of it.
#[derive(Debug, Clone)]
pub struct ReadArticle {
    pub guide: Guide,
    pub unplaced: Vec<Unplaced>,
    pub ledger: Ledger,
}

/// The template's three parts, by their keycap markers. The first must name itself
/// (`1️⃣ 가이드`): steps numbered `1️⃣ 2️⃣ 3️⃣` are not the template.
fn part_marker(text: &str) -> Option<u8> {
    (1..=3u8).find(|n| {
        let digit = char::from(b'0' + n);
        let marked = text.contains(&format!("{digit}\u{fe0f}\u{20e3}"))
            || text.contains(&format!("{digit}\u{20e3}"));
        marked && (*n != 1 || text.contains("가이드"))
    })
}

/// A part marker past the template's three (`4️⃣ 관련 공지`).
fn extra_part(block: &Block) -> bool {
    let Some(line) = single_line(block) else {
        return false;
    };
    (4..=9u8).any(|n| {
        let digit = char::from(b'0' + n);
        line.text.contains(&format!("{digit}\u{fe0f}\u{20e3}"))
            || line.text.contains(&format!("{digit}\u{20e3}"))
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
    let title = rest.trim();
    if title.is_empty() {
        // All brackets: the heading is its own title.
        return (None, Vec::new(), heading.trim().to_owned());
    }
    (status, tags, title.to_owned())
}

fn single_line(block: &Block) -> Option<&Line> {
    match &block.kind {
        BlockKind::Paragraph(lines) if lines.len() == 1 => lines.first(),
        BlockKind::Heading(line) => Some(line),
        _ => None,
    }
}

/// A short `① 기본안내` line alone: the title of a section.
fn is_section_title(text: &str) -> bool {
    starts_circled(text)
        && text.chars().count() <= 40
        && !text.ends_with('.')
        && !text.ends_with('다')
}

/// A run of two or more short circled lines one after another (`① 서류 제출`, `② 심사`):
/// steps, not section titles (a title has something under it).
fn circled_runs(blocks: &[Block]) -> Vec<bool> {
    let circled: Vec<bool> = blocks
        .iter()
        .map(|b| {
            matches!(&b.kind, BlockKind::Paragraph(lines)
                if lines.len() == 1 && is_section_title(&lines[0].text))
        })
        .collect();
    // Any step mark (`1.`, `②`, `첫째`) next to a circled line makes a run of steps.
    let stepped: Vec<bool> = blocks
        .iter()
        .map(|b| {
            matches!(&b.kind, BlockKind::Paragraph(lines)
                if lines.len() == 1 && recognise::step(&lines[0].text).is_some())
        })
        .collect();
    (0..blocks.len())
        .map(|n| {
            circled[n]
                && (stepped.get(n + 1).copied().unwrap_or(false) || (n > 0 && stepped[n - 1]))
        })
        .collect()
}

/// `Q1. 질문? 질문?`, `Q. 질문`, `질문: 질문` → label (a number only when the guide gives
/// one) and questions.
fn question_line(text: &str) -> Option<(Option<String>, Vec<String>)> {
    let (label, rest) = recognise::question(text)?;
    let numbered = label.len() > 1 && label.starts_with('Q');
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
    Some((numbered.then_some(label), questions))
}

/// A bold line alone that asks (`**가입은 어떻게 하나요?**`), or a heading that does.
fn asks(block: &Block) -> Option<&str> {
    match &block.kind {
        BlockKind::Heading(line) if recognise::reads_as_question(&line.text) => Some(&line.text),
        BlockKind::Paragraph(lines)
            if lines.len() == 1
                && lines[0].all_bold()
                && recognise::reads_as_question(&lines[0].text) =>
        {
            Some(&lines[0].text)
        }
        BlockKind::Summary(line) => Some(&line.text),
        _ => None,
    }
}

/// Paragraphs whose later lines start a question or an answer (`Q. …` / `A. …` written
/// without a blank line between): split there, so each starts with its own marker.
fn split_at_markers(blocks: &[Block]) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    for block in blocks {
        let BlockKind::Paragraph(lines) = &block.kind else {
            out.push(block.clone());
            continue;
        };
        let marks = |l: &Line| {
            recognise::question(&l.text).is_some() || recognise::answer(&l.text).is_some()
        };
        if lines.len() < 2 || !lines.iter().skip(1).any(marks) {
            out.push(block.clone());
            continue;
        }
        let mut piece: Vec<Line> = Vec::new();
        for line in lines {
            if marks(line) && !piece.is_empty() {
                out.push(Block {
                    kind: BlockKind::Paragraph(std::mem::take(&mut piece)),
                    ..block.clone()
                });
            }
            piece.push(line.clone());
        }
        if !piece.is_empty() {
            out.push(Block {
                kind: BlockKind::Paragraph(piece),
                ..block.clone()
            });
        }
    }
    out
}

/// Reads the blocks of one article in the template. `Err` says why it is not one (or not
/// enough of one to keep its structure): the caller reads it as a reference guide.
pub fn read(blocks: &[Block], meta: &ArticleMeta) -> Result<ReadArticle, String> {
    if blocks.iter().all(|b| b.texts().is_empty()) {
        return Err("글이 비어 있습니다".to_owned());
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

    let mut builder = Builder::new(&meta.id, meta.source.clone(), blocks);
    // The part markers themselves are the template's frame, not text.
    for at in [Some(guide_at), notes_at, qa_at].into_iter().flatten() {
        builder.ledger.place(&blocks[at], Destination::Guide);
    }
    preamble(&mut builder, &blocks[..guide_at], meta);
    let guide_end = notes_at.or(qa_at).unwrap_or(blocks.len());
    guide_part(&mut builder, &blocks[guide_at + 1..guide_end], meta)?;
    // Parts the template does not name (`4️⃣ 관련 공지` after the Q&A) are more notes.
    let last_part = qa_at.or(notes_at).unwrap_or(guide_at);
    let extra_at = (last_part + 1..blocks.len()).find(|at| extra_part(&blocks[*at]));
    let end = extra_at.unwrap_or(blocks.len());
    if let Some(at) = notes_at {
        notes_part(&mut builder, &blocks[at + 1..qa_at.unwrap_or(end)]);
    }
    if let Some(at) = qa_at {
        qa_part(&mut builder, &split_at_markers(&blocks[at + 1..end]));
    }
    if let Some(at) = extra_at {
        let mut extra: Vec<Block> = blocks[at..].to_vec();
        // The part's marker line is its section's title.
        if let Some(text) = single_line(&extra[0]).cloned() {
            extra[0].kind = BlockKind::Heading(text);
        }
        notes_part(&mut builder, &extra);
    }
    if builder.guide.handling_order.is_empty() {
        builder.guide.outside_template = true;
        builder.ledger.warn(
            Some(&blocks[guide_at]),
            "\"1️⃣ 가이드\"에 응대 순서가 없어 템플릿 밖 가이드로 표시합니다 (나머지 구조는 그대로)",
        );
    }
    let (mut guide, unplaced, ledger) = builder.finish(blocks);
    super::proposals::propose(&mut guide);
    Ok(ReadArticle {
        guide,
        unplaced,
        ledger,
    })
}

/// Before `1️⃣`: the title line, the schedule, images, the big title.
fn preamble(builder: &mut Builder, blocks: &[Block], meta: &ArticleMeta) {
    let mut heading = meta.heading.clone().filter(|h| !h.trim().is_empty());
    let mut big_title: Option<String> = None;
    let mut pending_title: Option<&Block> = None;
    let id = builder.id.clone();
    let mut events = Vec::new();
    let mut schedule_title: Option<String> = None;
    // The schedule: the first run of dated blocks (a code block, a paragraph, list items,
    // a table), under the heading just before it.
    let mut schedule_open = true;
    for (n, block) in blocks.iter().enumerate() {
        if schedule_open && let Some(lines) = dated_lines(block) {
            if events.is_empty() {
                schedule_title = pending_title
                    .take()
                    .and_then(single_line)
                    .map(|l| l.text.clone());
                if let Some(title_block) = n.checked_sub(1).map(|p| &blocks[p])
                    && schedule_title.is_some()
                {
                    builder.ledger.place(title_block, Destination::Schedule);
                }
            }
            for line in lines {
                let event_id = format!("{id}-schedule-{}", events.len() + 1);
                if let Some(event) = schedule_event(event_id, &line) {
                    events.push(event);
                }
            }
            builder.ledger.place(block, Destination::Schedule);
            continue;
        }
        if !events.is_empty() && !matches!(block.kind, BlockKind::ListEnd | BlockKind::Image(_)) {
            schedule_open = false;
        }
        match &block.kind {
            BlockKind::Heading(line) if heading.is_none() && n == 0 => {
                heading = Some(line.text.clone());
                builder.ledger.place(block, Destination::Title);
            }
            BlockKind::Heading(line) if heading.as_deref() == Some(line.text.as_str()) => {
                builder.ledger.place(block, Destination::Title);
            }
            BlockKind::Image(src) => builder.image(src, block),
            BlockKind::ListEnd | BlockKind::Rule => {}
            BlockKind::Heading(_) | BlockKind::Paragraph(_)
                if single_line(block).is_some()
                    && events.is_empty()
                    && blocks
                        .get(n + 1)
                        .is_some_and(|next| dated_lines(next).is_some()) =>
            {
                if let Some(earlier) = pending_title.replace(block) {
                    builder.unplace(earlier);
                }
            }
            BlockKind::Heading(line) if big_title.is_none() => {
                big_title = Some(line.text.clone());
                builder.ledger.place(block, Destination::Title);
            }
            _ => builder.unplace(block),
        }
    }
    if let Some(left) = pending_title {
        builder.unplace(left);
    }
    if !events.is_empty() {
        // The console reads a schedule in time order; a list written newest first is sorted.
        events.sort_by(|a, b| a.at.cmp(&b.at));
        builder.guide.schedule = Some(crate::content::Schedule {
            title: schedule_title.unwrap_or_else(|| "[일정]".to_owned()),
            events,
        });
    }
    let heading = heading
        .or_else(|| big_title.clone())
        .unwrap_or_else(|| meta.fallback_title.clone());
    let (status, tags, title) = parse_heading(&heading);
    builder.guide.heading.clone_from(&heading);
    builder.guide.status = status;
    builder.guide.tags = tags;
    builder.guide.title = big_title.filter(|t| !t.is_empty()).unwrap_or(title);
    if builder.guide.title.is_empty() {
        builder.guide.title = heading;
    }
}

/// The dated lines of a schedule block, when every line of it is one: a code block, a
/// paragraph, a list item, or a table's rows (a date cell and what happens).
pub fn dated_lines(block: &Block) -> Option<Vec<String>> {
    let lines: Vec<String> = match &block.kind {
        BlockKind::Code(lines) => lines.clone(),
        BlockKind::Paragraph(_) | BlockKind::Item { .. } => {
            block.texts().into_iter().map(str::to_owned).collect()
        }
        BlockKind::Table(rows) => {
            let dated: Vec<String> = rows
                .iter()
                .filter_map(|row| {
                    let first = row.iter().position(|c| !c.trim().is_empty())?;
                    let rest: Vec<&str> = row[first + 1..]
                        .iter()
                        .map(String::as_str)
                        .filter(|c| !c.trim().is_empty())
                        .collect();
                    (!rest.is_empty()).then(|| format!("{} {}", row[first], rest.join(" ")))
                })
                .collect();
            // A head row without a date is the table's head, not an event.
            let body: Vec<String> = dated
                .iter()
                .skip_while(|l| schedule_event(String::new(), l).is_none())
                .cloned()
                .collect();
            if body.is_empty() || dated.len() - body.len() > 1 {
                return None;
            }
            body
        }
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
fn guide_part(builder: &mut Builder, blocks: &[Block], meta: &ArticleMeta) -> Result<(), String> {
    for block in blocks {
        let lines: Vec<&Line> = match &block.kind {
            BlockKind::Heading(line) => vec![line],
            BlockKind::Paragraph(lines) | BlockKind::Item { lines, .. } => lines.iter().collect(),
            BlockKind::Image(src) => {
                builder.image(src, block);
                continue;
            }
            BlockKind::ListEnd | BlockKind::Rule => continue,
            _ => {
                builder.unplace(block);
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
                    builder.unplace_text(block, text.to_owned());
                }
                continue;
            };
            let (label, value) = (label.trim(), value.trim());
            let compact: String = label.chars().filter(|c| !c.is_whitespace()).collect();
            if compact.contains("상담유형") {
                builder.guide.category = split_path(value);
                builder.ledger.place_some(block, Destination::Guide, 1);
            } else if compact.contains("응대순서") || compact.contains("처리순서") {
                builder.guide.handling_order = split_path(value)
                    .into_iter()
                    .enumerate()
                    .map(|(n, label)| HandlingStep {
                        id: format!("{}-step-{}", builder.id, n + 1),
                        label,
                        focus: None,
                    })
                    .collect();
                builder.ledger.place_some(block, Destination::Guide, 1);
            } else if !label.is_empty() && !value.is_empty() {
                let href = line.links.first().map(|l| l.href.clone());
                builder.link_slot(label, value, href.as_deref(), block);
                builder.ledger.place_some(block, Destination::Guide, 1);
            } else {
                builder.unplace_text(block, text.to_owned());
            }
        }
    }
    if builder.guide.category.is_empty() {
        if meta.category.is_empty() {
            return Err("\"1️⃣ 가이드\"에 \"상담 유형 : … ▶ …\" 줄이 없습니다".to_owned());
        }
        builder.guide.category.clone_from(&meta.category);
    }
    Ok(())
}

/// An SMS template's label line (`[기사 SMS 템플릿 - 제목]`, `알림톡 문구:`), waiting for
/// the block that holds its text.
struct PendingTemplate {
    /// The label as written, kept whole if no text follows.
    label: String,
    audience: Option<String>,
    title: String,
    block: Block,
}

impl PendingTemplate {
    fn of(block: &Block) -> Option<Self> {
        let line = single_line(block)?;
        if !recognise::names_sms(&line.text) || part_marker(&line.text).is_some() {
            return None;
        }
        let (audience, title) = recognise::sms_title(&line.text);
        Some(Self {
            label: line.text.clone(),
            audience,
            title,
            block: block.clone(),
        })
    }
}

/// Makes the template `label` announces from `blocks[at..]`; gives how many blocks it
/// took (0: no text follows, and the label is kept as a line with no place).
fn take_template(
    builder: &mut Builder,
    label: PendingTemplate,
    blocks: &[Block],
    at: usize,
    qa: Option<usize>,
) -> usize {
    let Some((text, taken)) = template_body(blocks, at) else {
        builder.unplace_text(&label.block, label.label);
        return 0;
    };
    match builder.template(label.audience, label.title, text, qa) {
        Ok(_) => {
            builder.ledger.place(&label.block, Destination::Sms);
            for block in &blocks[at..at + taken] {
                builder.ledger.place(block, Destination::Sms);
            }
            taken
        }
        Err(why) => {
            builder.ledger.warn(Some(&label.block), why);
            builder.unplace_text(&label.block, label.label);
            0
        }
    }
}

/// `2️⃣ 참고 및 주의사항`: numbered sections of items.
#[allow(clippy::too_many_lines)] // the notes' grammar reads best in one loop
fn notes_part(builder: &mut Builder, blocks: &[Block]) {
    let guide_id = builder.id.clone();
    // A later part's sections are numbered on from the earlier ones'.
    let base = builder.guide.notes.len();
    let mut sections: Vec<NoteSection> = Vec::new();
    let mut levels = Levels::default();
    let mut counter = 0usize;
    let steps = circled_runs(blocks);
    let new_section = |sections: &mut Vec<NoteSection>, title: Option<String>| {
        sections.push(NoteSection {
            id: format!("{guide_id}-note-{}", base + sections.len() + 1),
            title,
            items: Vec::new(),
        });
    };
    let mut at = 0;
    while at < blocks.len() {
        let block = &blocks[at];
        at += 1;
        if let Some(label) = PendingTemplate::of(block) {
            at += take_template(builder, label, blocks, at, None);
            continue;
        }
        let title = match &block.kind {
            BlockKind::Heading(line) => Some(line),
            BlockKind::Paragraph(lines)
                if lines.len() == 1 && is_section_title(&lines[0].text) && !steps[at - 1] =>
            {
                lines.first()
            }
            _ => None,
        };
        if let Some(title) = title {
            if !is_separator(&title.text) {
                new_section(&mut sections, Some(title.text.clone()));
                levels = Levels::default();
                builder.ledger.place(block, Destination::Section);
            }
            continue;
        }
        if sections.is_empty() && !block.texts().is_empty() {
            new_section(&mut sections, None);
        }
        let mut items = Vec::new();
        let section_number = base + sections.len();
        let mut ids = || {
            counter += 1;
            format!("{guide_id}-n{section_number}-{counter}")
        };
        match &block.kind {
            BlockKind::Item { depth, lines, .. } => {
                items.extend(list_item(
                    builder,
                    *depth,
                    lines,
                    &mut levels,
                    &mut ids,
                    block,
                ));
            }
            BlockKind::Paragraph(lines) => {
                for (n, line) in lines.iter().enumerate() {
                    let level = if n == 0 && !line.text.starts_with(['ㄴ', '※']) {
                        levels.paragraph_start();
                        0
                    } else {
                        levels.continuation(&line.text)
                    };
                    items.extend(builder.line_items(line, level, &mut ids, block));
                }
            }
            BlockKind::Code(lines) => {
                for text in lines.iter().filter(|l| !l.trim().is_empty()) {
                    let level = levels.continuation(text.trim());
                    items.push(item(ids(), text.trim().to_owned(), level));
                }
            }
            BlockKind::Summary(line) => {
                levels.paragraph_start();
                items.extend(builder.line_items(line, 0, &mut ids, block));
            }
            BlockKind::Table(rows) => {
                builder.cell_links(block);
                items.extend(table_items(rows, &mut ids));
            }
            BlockKind::Image(src) => builder.image(src, block),
            BlockKind::ListEnd => levels.group = None,
            BlockKind::Heading(_) | BlockKind::DetailsEnd | BlockKind::Rule => {}
        }
        if !items.is_empty() {
            builder.ledger.place(block, Destination::Section);
        }
        if let Some(section) = sections.last_mut() {
            section.items.extend(items);
        }
    }
    // A heading with nothing under it (an empty `####`) holds no text: it is not kept; its
    // title, if it had one, is kept as the first line of the next section that has items.
    let mut kept: Vec<NoteSection> = Vec::new();
    let mut orphan_titles: Vec<String> = Vec::new();
    for mut section in sections {
        if section.items.is_empty() {
            if let Some(title) = section.title.filter(|t| !t.trim().is_empty()) {
                orphan_titles.push(title);
            }
            continue;
        }
        if !orphan_titles.is_empty() {
            let lead: Vec<Item> = orphan_titles
                .drain(..)
                .enumerate()
                .map(|(n, title)| item(format!("{}-t{}", section.id, n + 1), title, 0))
                .collect();
            section.items.splice(0..0, lead);
        }
        kept.push(section);
    }
    if !orphan_titles.is_empty() {
        let id = format!("{guide_id}-note-{}", base + kept.len() + 100);
        let items = orphan_titles
            .into_iter()
            .enumerate()
            .map(|(n, title)| item(format!("{id}-{}", n + 1), title, 0))
            .collect();
        kept.push(NoteSection {
            id,
            title: None,
            items,
        });
    }
    builder.guide.notes.extend(kept);
}

/// A list item's lines: the first by the list's depth, the others hung under it.
fn list_item(
    builder: &mut Builder,
    depth: usize,
    lines: &[Line],
    levels: &mut Levels,
    ids: &mut dyn FnMut() -> String,
    block: &Block,
) -> Vec<Item> {
    let mut items = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        if n == 0 {
            let level = levels.item_start(depth, &line.text);
            items.extend(group_items(builder, line, level, ids, levels, block));
        } else {
            let level = levels.continuation(&line.text);
            items.extend(builder.line_items(line, level, ids, block));
        }
    }
    items
}

/// A list item's first line; `[묶음]- 첫 항목` is a group heading and its first member.
fn group_items(
    builder: &mut Builder,
    line: &Line,
    level: u8,
    ids: &mut dyn FnMut() -> String,
    levels: &mut Levels,
    block: &Block,
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
                bold: line
                    .bold
                    .iter()
                    .filter(|(s, _)| *s >= shift)
                    .map(|(s, e)| (s - shift, e - shift))
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
            out.extend(builder.line_items(&member, member_level, ids, block));
            return out;
        }
    }
    builder.line_items(line, level, ids, block)
}

/// `3️⃣ 스크립트 / Q&A`: questions, their answers' sections, SMS templates, policy tables.
#[allow(clippy::too_many_lines)] // the answer's grammar reads best in one loop
fn qa_part(builder: &mut Builder, blocks: &[Block]) {
    let guide_id = builder.id.clone();
    let mut answering = false;
    let mut levels = Levels::default();
    let mut counter = 0usize;
    let steps = circled_runs(blocks);
    let mut at = 0;
    while at < blocks.len() {
        let block = &blocks[at];
        at += 1;
        let current = builder.guide.qa.len().checked_sub(1);
        let single = single_line(block).map(|l| l.text.clone());
        if let Some(text) = &single {
            if is_separator(text) {
                continue;
            }
            if let Some((label, questions)) = question_line(text) {
                if questions.is_empty() {
                    // A bare `Q.` says nothing: its line stays text.
                    builder.ledger.warn(
                        Some(block),
                        format!("\"{text}\"에 질문 글이 없어 글로 둡니다"),
                    );
                } else {
                    open_question(builder, &guide_id, label, questions, block);
                    // The answer follows, with or without its own `A.` line.
                    answering = true;
                    continue;
                }
            }
            if let Some(rest) = recognise::answer(text)
                && current.is_some()
            {
                answering = true;
                if rest.is_empty() {
                    builder.ledger.place(block, Destination::Qa);
                    continue;
                }
            }
            if let Some(label) = PendingTemplate::of(block) {
                let qa = current.filter(|_| answering);
                at += take_template(builder, label, blocks, at, qa);
                continue;
            }
        }
        if let Some(question) = asks(block)
            && !matches!(block.kind, BlockKind::Heading(_) if current.is_some() && answering && !recognise::reads_as_question(question))
        {
            let question = question.to_owned();
            open_question(builder, &guide_id, None, vec![question], block);
            answering = true;
            continue;
        }
        if block.kind == BlockKind::DetailsEnd {
            continue;
        }
        let Some(q) = current.filter(|_| answering) else {
            match &block.kind {
                BlockKind::Image(src) => builder.image(src, block),
                BlockKind::ListEnd | BlockKind::Rule => {}
                _ => builder.unplace(block),
            }
            continue;
        };
        let qa_id = builder.guide.qa[q].id.clone();
        let open = |title: Option<String>, kind: SectionKind, builder: &mut Builder| {
            let qa = &mut builder.guide.qa[q];
            qa.sections.push(AnswerSection {
                id: format!("{qa_id}-s{}", qa.sections.len() + 1),
                title,
                kind,
                items: Vec::new(),
            });
        };
        let last_kind = builder.guide.qa[q]
            .sections
            .last()
            .map(|s| (s.kind, s.title.is_some()));
        match &block.kind {
            BlockKind::Heading(line) => {
                open(Some(line.text.clone()), SectionKind::Note, builder);
                levels = Levels::default();
                builder.ledger.place(block, Destination::Qa);
                continue;
            }
            BlockKind::Paragraph(lines)
                if lines.len() == 1 && is_section_title(&lines[0].text) && !steps[at - 1] =>
            {
                let kind = if lines[0].text.contains("참고") || lines[0].text.contains("주의") {
                    SectionKind::Note
                } else {
                    SectionKind::Script
                };
                open(Some(lines[0].text.clone()), kind, builder);
                levels = Levels::default();
                builder.ledger.place(block, Destination::Qa);
                continue;
            }
            BlockKind::Paragraph(lines)
                if lines.len() == 1
                    && lines[0].text.starts_with('[')
                    && lines[0].text.ends_with(']') =>
            {
                open(Some(lines[0].text.clone()), SectionKind::Note, builder);
                levels = Levels::default();
                builder.ledger.place(block, Destination::Qa);
                continue;
            }
            BlockKind::Paragraph(lines) if lines[0].text.starts_with('※') => {
                open(None, SectionKind::Note, builder);
                levels = Levels::default();
            }
            BlockKind::Paragraph(_) | BlockKind::Item { .. } | BlockKind::Summary(_) => {
                let fits = matches!(
                    last_kind,
                    Some((SectionKind::Script, _) | (SectionKind::Note, true))
                );
                if !fits {
                    open(None, SectionKind::Script, builder);
                }
            }
            BlockKind::Table(_) => {
                let fits = matches!(
                    last_kind,
                    Some((SectionKind::PolicyTable | SectionKind::Note, true))
                ) && builder.guide.qa[q]
                    .sections
                    .last()
                    .is_some_and(|s| s.items.is_empty());
                if fits {
                    if let Some(section) = builder.guide.qa[q].sections.last_mut() {
                        section.kind = SectionKind::PolicyTable;
                    }
                } else {
                    open(None, SectionKind::PolicyTable, builder);
                }
            }
            BlockKind::Code(_) => open(None, SectionKind::Note, builder),
            BlockKind::Image(src) => {
                builder.image(src, block);
                continue;
            }
            BlockKind::ListEnd | BlockKind::DetailsEnd | BlockKind::Rule => {
                levels.group = None;
                continue;
            }
        }
        let section_index = builder.guide.qa[q].sections.len() - 1;
        let section_id = builder.guide.qa[q].sections[section_index].id.clone();
        let kind = builder.guide.qa[q].sections[section_index].kind;
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
                    items.extend(builder.line_items(line, level, &mut ids, block));
                }
            }
            BlockKind::Item { depth, lines, .. } => {
                items.extend(list_item(
                    builder,
                    *depth,
                    lines,
                    &mut levels,
                    &mut ids,
                    block,
                ));
            }
            BlockKind::Summary(line) => {
                items.extend(builder.line_items(line, 0, &mut ids, block));
            }
            BlockKind::Table(rows) => {
                builder.cell_links(block);
                items.extend(table_items(rows, &mut ids));
            }
            BlockKind::Code(lines) => {
                for text in lines.iter().filter(|l| !l.trim().is_empty()) {
                    items.push(item(ids(), text.trim().to_owned(), 0));
                }
            }
            _ => {}
        }
        if !items.is_empty() {
            builder.ledger.place(block, Destination::Qa);
        }
        builder.guide.qa[q].sections[section_index]
            .items
            .extend(items);
    }
    for qa in &mut builder.guide.qa {
        qa.sections
            .retain(|s| !s.items.is_empty() || s.title.is_some());
        // A titled section left empty keeps its title as a line.
        for section in &mut qa.sections {
            if section.items.is_empty()
                && let Some(title) = section.title.take()
            {
                section
                    .items
                    .push(item(format!("{}-1", section.id), title, 0));
            }
        }
    }
}

fn open_question(
    builder: &mut Builder,
    guide_id: &str,
    label: Option<String>,
    questions: Vec<String>,
    block: &Block,
) {
    let number = builder.guide.qa.len() + 1;
    builder.guide.qa.push(Qa {
        id: format!("{guide_id}-q{number}"),
        label,
        questions,
        aliases: Vec::new(),
        sections: Vec::new(),
        sms_templates: Vec::new(),
        rules: Vec::new(),
    });
    builder.ledger.place(block, Destination::Qa);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_and_questions() {
        assert_eq!(
            parse_heading("(서비스종료) [일반] 프로멤버십(가입)"),
            (
                Some("서비스종료".into()),
                vec!["일반".into()],
                "프로멤버십(가입)".into()
            )
        );
        assert_eq!(
            question_line("Q1. 무엇인가요?      좋은가요?"),
            Some((
                Some("Q1".into()),
                vec!["무엇인가요?".into(), "좋은가요?".into()]
            ))
        );
        assert_eq!(
            question_line("질문: 가입은 어떻게?"),
            Some((None, vec!["가입은 어떻게?".into()]))
        );
        assert!(!is_section_title(
            "① 우측 상단 [메뉴] 선택 후 가입하기 버튼을 눌러 주세요. 이렇게 하면 됩니다"
        ));
    }
}
