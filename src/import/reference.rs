//! Reads any article outside the guide template (a FAQ, a notice, a link table, a
//! collection of SMS templates) into a reference guide: its title and category path, its
//! headings as sections of notes, paragraphs, lists, tables and links as items, and every
//! structure that can be recognised in it:
//!
//! - Q&A: `Q.`/`A.`, `Q1.`/`A1.`, `질문:`/`답변:` lines, a heading or a bold line that asks
//!   with its answer beneath, `<details>` accordions, a table of questions and answers;
//! - SMS templates: a code block, a quote or a paragraph under a label or a heading that
//!   names SMS, 문자 or 알림톡;
//! - the schedule: lines, list items or table rows that start with a date.
//!
//! Steps (`1.`, `1)`, `①`) stay items in their order, numbered as written; menu paths
//! become app paths. Nothing is dropped: what no structure takes is an item of its section.

use super::article::{ArticleMeta, ReadArticle, dated_lines, parse_heading};
use super::blocks::{Block, BlockKind, Line};
use super::build::{
    Builder, Levels, is_separator, item, schedule_event, table_items, template_body,
};
use super::ledger::Destination;
use super::recognise;
use crate::content::{AnswerSection, Item, NoteSection, Qa, Schedule, SectionKind};

/// How the answer being read ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// At a heading of this level or higher (the question was a heading).
    Heading(u8),
    /// At the end of the accordion.
    Details,
    /// At the next question or heading (`Q.` / `A.` lines, bold questions).
    Lines,
}

struct Answering {
    qa: usize,
    scope: Scope,
}

/// An SMS label waiting for its text, or a heading naming SMS whose blocks are templates.
struct SmsLabel {
    label: String,
    block: Block,
}

struct Reader<'b> {
    builder: Builder,
    blocks: &'b [Block],
    answering: Option<Answering>,
    /// A heading that names SMS, and its level: blocks under it may be templates.
    sms_zone: Option<(u8, SmsLabel)>,
    /// A label line that names SMS, waiting for the block that holds its text.
    pending_sms: Option<SmsLabel>,
    /// A heading right before a dated block: the schedule's title.
    pending_schedule_title: Option<Block>,
    levels: Levels,
    counter: usize,
    /// Index of the note section being filled.
    section: Option<usize>,
    /// Heading levels whose headings are questions (see [`question_kinds`]).
    question_levels: Vec<u8>,
    /// Bold lines alone are questions here.
    bold_questions: bool,
}

/// Reads the blocks of an article outside the template.
pub fn read(blocks: &[Block], meta: &ArticleMeta) -> Result<ReadArticle, String> {
    if blocks.iter().all(|b| b.texts().is_empty()) && meta.heading.is_none() {
        return Err("글이 비어 있습니다".to_owned());
    }
    let mut builder = Builder::new(&meta.id, meta.source.clone(), blocks);
    builder.own_link_words = true;
    builder.guide.outside_template = true;
    builder.guide.category.clone_from(&meta.category);
    let title_block = title(&mut builder, blocks, meta);
    let mut reader = Reader {
        builder,
        blocks,
        answering: None,
        sms_zone: None,
        pending_sms: None,
        pending_schedule_title: None,
        levels: Levels::default(),
        counter: 0,
        section: None,
        question_levels: Vec::new(),
        bold_questions: false,
    };
    (reader.question_levels, reader.bold_questions) = question_kinds(blocks, title_block);
    let mut at = 0;
    while at < blocks.len() {
        if Some(at) == title_block {
            at += 1;
            continue;
        }
        at += reader.block(at);
    }
    reader.leave_pending();
    let Reader { builder, .. } = reader;
    let (mut guide, unplaced, ledger) = builder.finish(blocks);
    if let Some(schedule) = &mut guide.schedule {
        schedule.events.sort_by(|a, b| a.at.cmp(&b.at));
        for (n, event) in schedule.events.iter_mut().enumerate() {
            event.id = format!("{}-schedule-{}", guide.id, n + 1);
        }
    }
    super::proposals::propose(&mut guide);
    Ok(ReadArticle {
        guide,
        unplaced,
        ledger,
    })
}

/// The guide's heading and title: what the source says apart from the body, or the
/// article's first heading. Gives the block taken as the title.
fn title(builder: &mut Builder, blocks: &[Block], meta: &ArticleMeta) -> Option<usize> {
    let first_text = blocks.iter().position(|b| !b.texts().is_empty());
    let first_heading = first_text.filter(|at| matches!(blocks[*at].kind, BlockKind::Heading(_)));
    let heading_text = |at: usize| match &blocks[at].kind {
        BlockKind::Heading(line) => Some(line.text.clone()),
        _ => None,
    };
    let (heading, taken) = match &meta.heading {
        Some(heading) => {
            // The body's first heading repeating the title is the title.
            let same = first_heading.filter(|at| {
                heading_text(*at).is_some_and(|h| {
                    h == *heading
                        || parse_heading(heading).2 == h
                        || parse_heading(&h).2 == *heading
                })
            });
            (heading.clone(), same)
        }
        None => match first_heading.and_then(|at| heading_text(at).map(|h| (h, at))) {
            Some((heading, at)) => (heading, Some(at)),
            None => (meta.fallback_title.clone(), None),
        },
    };
    if let Some(at) = taken {
        builder.ledger.place(&blocks[at], Destination::Title);
    }
    let (status, tags, title) = parse_heading(&heading);
    builder.guide.heading = heading;
    builder.guide.status = status;
    builder.guide.tags = tags;
    builder.guide.title = title;
    taken
}

impl Reader<'_> {
    fn next_id(&mut self, prefix: &str) -> String {
        self.counter += 1;
        format!("{prefix}-{}", self.counter)
    }

    /// Reads the block at `at`; gives how many blocks it took.
    #[allow(clippy::too_many_lines)] // one match over what a block may be
    fn block(&mut self, at: usize) -> usize {
        let blocks = self.blocks;
        let block = &blocks[at];
        // A label waiting for its text takes the next block that can be one.
        if let Some(label) = self.pending_sms.take() {
            if let Some(taken) = self.template(&label, at) {
                return taken;
            }
            self.keep_label(&label);
        }
        if let Some((_, zone)) = &self.sms_zone
            && (matches!(block.kind, BlockKind::Code(_)) || block.quoted)
        {
            let label = SmsLabel {
                label: zone.label.clone(),
                block: zone.block.clone(),
            };
            if let Some(taken) = self.template(&label, at) {
                return taken;
            }
        }
        match &block.kind {
            BlockKind::Heading(line) => self.heading(block, line),
            BlockKind::Summary(line) => {
                self.end_answer();
                let question = recognise::question(&line.text)
                    .map_or(line.text.as_str(), |(_, q)| q)
                    .to_owned();
                let question = if question.is_empty() {
                    line.text.clone()
                } else {
                    question
                };
                self.open_question(question, Scope::Details, block);
            }
            BlockKind::DetailsEnd => {
                if self
                    .answering
                    .as_ref()
                    .is_some_and(|a| a.scope == Scope::Details)
                {
                    self.answering = None;
                }
            }
            BlockKind::Paragraph(lines) => {
                if let Some(taken) = self.dated(at) {
                    return taken;
                }
                if lines.len() == 1 && self.label(block, &lines[0].text, at) {
                    return 1;
                }
                if lines.len() == 1
                    && lines[0].all_bold()
                    && (recognise::reads_as_question(&lines[0].text)
                        || (self.bold_questions && recognise::sounds_asked(&lines[0].text)))
                    && recognise::question(&lines[0].text).is_none()
                {
                    self.end_answer();
                    self.open_question(lines[0].text.clone(), Scope::Lines, block);
                    return 1;
                }
                self.lines(block, lines, None);
            }
            BlockKind::Item {
                depth,
                lines,
                number,
            } => {
                if let Some(taken) = self.dated(at) {
                    return taken;
                }
                let first = lines.first().map(|l| l.text.as_str()).unwrap_or_default();
                if recognise::question(first).is_some() || recognise::answer(first).is_some() {
                    self.lines(block, lines, None);
                } else {
                    self.lines(block, lines, Some((*depth, number.as_deref())));
                }
            }
            BlockKind::Code(lines) => {
                if let Some(taken) = self.dated(at) {
                    return taken;
                }
                let mut items = Vec::new();
                for text in lines.iter().filter(|l| !l.trim().is_empty()) {
                    let level = self.levels.continuation(text.trim());
                    items.push((text.trim().to_owned(), level));
                }
                let prefix = self.prefix();
                let items: Vec<Item> = items
                    .into_iter()
                    .map(|(text, level)| item(self.next_id(&prefix), text, level))
                    .collect();
                self.put(items, block);
            }
            BlockKind::Table(rows) => {
                self.builder.cell_links(block);
                if self.qa_table(rows, block) {
                    return 1;
                }
                // A dated table stays a table, and gives the schedule its events.
                if self.answering.is_none() && dated_lines(block).is_some() {
                    self.schedule_from(block, false);
                }
                let prefix = self.table_prefix();
                let mut counter = self.counter;
                let items = table_items(rows, &mut || {
                    counter += 1;
                    format!("{prefix}-{counter}")
                });
                self.counter = counter;
                self.put(items, block);
            }
            BlockKind::Image(src) => self.builder.image(src, block),
            BlockKind::ListEnd => self.levels.group = None,
            BlockKind::Rule => {}
        }
        1
    }

    fn heading(&mut self, block: &Block, line: &Line) {
        let level = block.level.max(1);
        let text = line.text.as_str();
        if let Some((zone_level, _)) = &self.sms_zone
            && level <= *zone_level
        {
            self.leave_zone();
        }
        self.pending_schedule_title = None;
        let asks = recognise::reads_as_question(text)
            || recognise::question(text).is_some()
            || (self.question_levels.contains(&level) && recognise::sounds_asked(text));
        if asks && !recognise::names_sms(text) {
            self.end_answer();
            let question = recognise::question(text).map_or(text, |(_, q)| q);
            let question = if question.is_empty() { text } else { question };
            self.open_question(question.to_owned(), Scope::Heading(level), block);
            return;
        }
        // A heading ends an answer that it does not sit inside.
        let inside = match self.answering.as_ref().map(|a| a.scope) {
            Some(Scope::Heading(question_level)) => level > question_level,
            Some(Scope::Details) => true,
            Some(Scope::Lines) | None => false,
        };
        if !inside {
            self.answering = None;
        }
        if recognise::names_sms(text) {
            self.sms_zone = Some((
                level,
                SmsLabel {
                    label: text.to_owned(),
                    block: block.clone(),
                },
            ));
            return;
        }
        if let Some(answering) = &self.answering {
            let q = answering.qa;
            let qa = &mut self.builder.guide.qa[q];
            qa.sections.push(AnswerSection {
                id: format!("{}-s{}", qa.id, qa.sections.len() + 1),
                title: Some(text.to_owned()),
                kind: SectionKind::Note,
                items: Vec::new(),
            });
            self.builder.ledger.place(block, Destination::Qa);
            return;
        }
        let dated_next = self
            .blocks
            .get(block_position(self.blocks, block) + 1)
            .is_some_and(|next| dated_lines(next).is_some());
        if dated_next {
            self.pending_schedule_title = Some(block.clone());
            return;
        }
        self.open_section(Some(text.to_owned()));
        self.builder.ledger.place(block, Destination::Section);
    }

    /// A single line that names SMS and has text to follow: waits for it.
    fn label(&mut self, block: &Block, text: &str, at: usize) -> bool {
        if !recognise::names_sms(text) {
            return false;
        }
        let has_body = self.blocks.get(at + 1).is_some_and(|next| {
            template_body(self.blocks, at + 1).is_some() && !next.texts().is_empty()
        });
        if !has_body {
            return false;
        }
        self.pending_sms = Some(SmsLabel {
            label: text.to_owned(),
            block: block.clone(),
        });
        true
    }

    /// Makes the template `label` announces from the blocks at `at`; `None` when they hold
    /// no text for one (or it cannot be one: the report says why).
    fn template(&mut self, label: &SmsLabel, at: usize) -> Option<usize> {
        let (text, taken) = template_body(self.blocks, at)?;
        let (audience, title) = recognise::sms_title(&label.label);
        let qa = self.answering.as_ref().map(|a| a.qa);
        match self.builder.template(audience, title, text, qa) {
            Ok(_) => {
                // The label is the template's title; a zone's heading names them all.
                self.builder.ledger.place(&label.block, Destination::Sms);
                if let Some((_, zone)) = &mut self.sms_zone
                    && zone.block.index == label.block.index
                {
                    zone.block.kind = BlockKind::Rule;
                }
                for block in &self.blocks[at..at + taken] {
                    self.builder.ledger.place(block, Destination::Sms);
                }
                Some(taken)
            }
            Err(why) => {
                self.builder.ledger.warn(Some(&label.block), why);
                None
            }
        }
    }

    /// A label that found no text: it stays a line of its section.
    fn keep_label(&mut self, label: &SmsLabel) {
        let line = Line::plain(&label.label);
        self.lines(&label.block, std::slice::from_ref(&line), None);
    }

    fn leave_zone(&mut self) {
        if let Some((_, zone)) = self.sms_zone.take()
            && zone.block.kind != BlockKind::Rule
        {
            // A heading that named SMS but held no template is a section like any other.
            self.answering = None;
            self.open_section(Some(zone.label.clone()));
            self.builder.ledger.place(&zone.block, Destination::Section);
        }
    }

    fn leave_pending(&mut self) {
        if let Some(label) = self.pending_sms.take() {
            self.keep_label(&label);
        }
        self.leave_zone();
        if let Some(block) = self.pending_schedule_title.take()
            && let BlockKind::Heading(line) = &block.kind
        {
            let text = line.text.clone();
            self.open_section(Some(text));
            self.builder.ledger.place(&block, Destination::Section);
        }
    }

    /// A run of dated blocks from `at` (a paragraph, list items, a code block, a table)
    /// outside an answer: the schedule. Gives how many blocks it took.
    fn dated(&mut self, at: usize) -> Option<usize> {
        if self.answering.is_some() {
            return None;
        }
        let blocks = self.blocks;
        let mut taken = 0;
        let mut lines = Vec::new();
        for block in &blocks[at..] {
            match (&block.kind, dated_lines(block)) {
                (BlockKind::Table(_), Some(_)) => break,
                (_, Some(_)) => {
                    // Items of one list; other blocks one at a time.
                    let item = matches!(block.kind, BlockKind::Item { .. });
                    if taken > 0 && !item {
                        break;
                    }
                    lines.push(block);
                    taken += 1;
                    if !item {
                        break;
                    }
                }
                (BlockKind::ListEnd, None) if taken > 0 => {
                    taken += 1;
                    break;
                }
                _ => break,
            }
        }
        if lines.is_empty() {
            return None;
        }
        for block in lines {
            self.schedule_from(block, true);
        }
        Some(taken)
    }

    /// The events of a dated block added to the schedule (titled by the heading before it,
    /// if one waits); `place` says its text went there.
    fn schedule_from(&mut self, block: &Block, place: bool) {
        let Some(dated) = dated_lines(block) else {
            return;
        };
        if let Some(title_block) = self.pending_schedule_title.take() {
            let schedule = self.builder.guide.schedule.get_or_insert_with(|| Schedule {
                title: String::new(),
                events: Vec::new(),
            });
            let text = title_block.texts().join(" ");
            if schedule.title.is_empty() {
                schedule.title = text;
                self.builder
                    .ledger
                    .place(&title_block, Destination::Schedule);
            } else {
                // A second schedule's heading: a section of its own.
                self.open_section(Some(text));
                self.builder
                    .ledger
                    .place(&title_block, Destination::Section);
            }
        }
        let id = self.builder.id.clone();
        let schedule = self.builder.guide.schedule.get_or_insert_with(|| Schedule {
            title: String::new(),
            events: Vec::new(),
        });
        if schedule.title.is_empty() {
            "[일정]".clone_into(&mut schedule.title);
        }
        for line in dated {
            let event_id = format!("{id}-schedule-{}", schedule.events.len() + 1);
            if let Some(event) = schedule_event(event_id, &line) {
                schedule.events.push(event);
            }
        }
        if place {
            self.builder.ledger.place(block, Destination::Schedule);
        }
    }

    /// A table whose head names questions and answers (`질문 | 답변`, `Q | A`): a Q&A per
    /// row.
    fn qa_table(&mut self, rows: &[Vec<String>], block: &Block) -> bool {
        let Some(head) = rows.first() else {
            return false;
        };
        let is = |cell: &str, words: &[&str]| {
            let cell = cell.trim().trim_end_matches('.');
            words.iter().any(|w| cell.eq_ignore_ascii_case(w))
        };
        let question = head
            .iter()
            .position(|c| is(c, &["질문", "Q", "문의", "질문 내용", "문의 내용"]));
        let answer = head
            .iter()
            .position(|c| is(c, &["답변", "A", "답", "답변 내용", "안내"]));
        let (Some(question), Some(answer)) = (question, answer) else {
            return false;
        };
        if question == answer || rows.len() < 2 {
            return false;
        }
        self.end_answer();
        for row in &rows[1..] {
            let asked = row.get(question).map_or("", |c| c.trim());
            if asked.is_empty() {
                continue;
            }
            self.open_question(asked.to_owned(), Scope::Lines, block);
            let answer_text = row.get(answer).map_or("", |c| c.trim());
            if !answer_text.is_empty() {
                let line = Line::plain(answer_text);
                self.lines(block, std::slice::from_ref(&line), None);
            }
            // Other columns (a category, a note) go with the answer, as written.
            for (n, cell) in row.iter().enumerate() {
                if n != question && n != answer && !cell.trim().is_empty() {
                    let line = Line::plain(&format!("{}: {}", head[n], cell.trim()));
                    self.lines(block, std::slice::from_ref(&line), None);
                }
            }
            self.answering = None;
        }
        // Every cell went somewhere; the head names the columns.
        let head_cells = head.iter().filter(|c| !c.trim().is_empty()).count();
        self.builder
            .ledger
            .place_some(block, Destination::Qa, head_cells);
        true
    }

    /// Lines of a paragraph or a list item: `Q.`/`A.` lines open questions and answers;
    /// the others are items where the reader is (an answer, or a section of notes).
    /// `item` gives a list item's depth and number.
    fn lines(&mut self, block: &Block, lines: &[Line], list: Option<(usize, Option<&str>)>) {
        let mut pending_items: Vec<(Line, u8)> = Vec::new();
        let flush = |reader: &mut Self, pending: &mut Vec<(Line, u8)>| {
            if pending.is_empty() {
                return;
            }
            let prefix = reader.prefix();
            let mut counter = reader.counter;
            let mut items = Vec::new();
            for (line, level) in pending.drain(..) {
                let mut ids = || {
                    counter += 1;
                    format!("{prefix}-{counter}")
                };
                items.extend(reader.builder.line_items(&line, level, &mut ids, block));
            }
            reader.counter = counter;
            reader.put_counted(items, block);
        };
        for (n, line) in lines.iter().enumerate() {
            let text = line.text.as_str();
            if list.is_none() || n == 0 {
                if let Some((_, question)) = recognise::question(text)
                    && !question.is_empty()
                {
                    flush(self, &mut pending_items);
                    self.end_answer();
                    self.open_question_line(question.to_owned(), block);
                    continue;
                }
                if let Some(rest) = recognise::answer(text)
                    && let Some(q) = self.builder.guide.qa.len().checked_sub(1)
                {
                    flush(self, &mut pending_items);
                    if self.answering.is_none() {
                        self.answering = Some(Answering {
                            qa: q,
                            scope: Scope::Lines,
                        });
                    }
                    if rest.is_empty() {
                        self.builder.ledger.place_some(block, Destination::Qa, 1);
                        continue;
                    }
                }
            }
            if is_separator(text) {
                self.builder
                    .ledger
                    .place_some(block, Destination::Section, 1);
                continue;
            }
            let level = match list {
                Some((depth, _)) if n == 0 => self.levels.item_start(depth, text),
                None if n == 0 && !text.starts_with(['ㄴ', '※']) => {
                    self.levels.paragraph_start();
                    0
                }
                _ => self.levels.continuation(text),
            };
            let mut line = line.clone();
            // An ordered list's number is part of the step.
            if n == 0
                && let Some((_, Some(number))) = list
            {
                let shift = number.len() + 1;
                line.text = format!("{number} {}", line.text);
                for at in &mut line.strong {
                    *at += shift;
                }
                for (start, end) in &mut line.bold {
                    *start += shift;
                    *end += shift;
                }
                for link in &mut line.links {
                    link.start += shift;
                    link.end += shift;
                }
            }
            pending_items.push((line, level));
        }
        flush(self, &mut pending_items);
    }

    fn open_question_line(&mut self, question: String, block: &Block) {
        let number = self.builder.guide.qa.len() + 1;
        let id = format!("{}-q{number}", self.builder.id);
        self.builder.guide.qa.push(Qa {
            id,
            label: None,
            questions: vec![question],
            aliases: Vec::new(),
            sections: Vec::new(),
            sms_templates: Vec::new(),
            rules: Vec::new(),
        });
        self.builder.ledger.place_some(block, Destination::Qa, 1);
        self.answering = Some(Answering {
            qa: number - 1,
            scope: Scope::Lines,
        });
    }

    fn open_question(&mut self, question: String, scope: Scope, block: &Block) {
        self.open_question_line(question, block);
        if let Some(answering) = &mut self.answering {
            answering.scope = scope;
        }
    }

    fn end_answer(&mut self) {
        self.answering = None;
    }

    fn open_section(&mut self, title: Option<String>) {
        let notes = &mut self.builder.guide.notes;
        notes.push(NoteSection {
            id: format!("{}-note-{}", self.builder.id, notes.len() + 1),
            title,
            items: Vec::new(),
        });
        self.section = Some(notes.len() - 1);
        self.levels = Levels::default();
    }

    /// The id prefix of items put where the reader is.
    fn prefix(&mut self) -> String {
        if let Some(answering) = &self.answering {
            let qa = &mut self.builder.guide.qa[answering.qa];
            let usable = qa
                .sections
                .last()
                .is_some_and(|s| s.kind != SectionKind::PolicyTable);
            if !usable {
                qa.sections.push(AnswerSection {
                    id: format!("{}-s{}", qa.id, qa.sections.len() + 1),
                    title: None,
                    kind: SectionKind::Script,
                    items: Vec::new(),
                });
            }
            return qa.sections.last().map(|s| s.id.clone()).unwrap_or_default();
        }
        if self.section.is_none() {
            self.open_section(None);
        }
        let index = self.section.unwrap_or(0);
        self.builder.guide.notes[index].id.clone()
    }

    /// The id prefix of a table's rows: in an answer, a policy table section of its own.
    fn table_prefix(&mut self) -> String {
        if let Some(answering) = &self.answering {
            let qa = &mut self.builder.guide.qa[answering.qa];
            let reuse = qa
                .sections
                .last()
                .is_some_and(|s| s.items.is_empty() && s.title.is_some());
            if reuse {
                if let Some(section) = qa.sections.last_mut() {
                    section.kind = SectionKind::PolicyTable;
                }
            } else {
                qa.sections.push(AnswerSection {
                    id: format!("{}-s{}", qa.id, qa.sections.len() + 1),
                    title: None,
                    kind: SectionKind::PolicyTable,
                    items: Vec::new(),
                });
            }
            return qa.sections.last().map(|s| s.id.clone()).unwrap_or_default();
        }
        self.prefix()
    }

    /// Items where the reader is; all the block's segments counted there.
    fn put(&mut self, items: Vec<Item>, block: &Block) {
        if items.is_empty() {
            return;
        }
        let destination = self.destination();
        self.extend(items);
        self.builder.ledger.place(block, destination);
    }

    /// Items where the reader is, one segment each (lines read one by one).
    fn put_counted(&mut self, items: Vec<Item>, block: &Block) {
        if items.is_empty() {
            return;
        }
        let destination = self.destination();
        let lines = items.len().min(block.texts().len());
        self.extend(items);
        self.builder.ledger.place_some(block, destination, lines);
    }

    fn destination(&self) -> Destination {
        if self.answering.is_some() {
            Destination::Qa
        } else {
            Destination::Section
        }
    }

    fn extend(&mut self, items: Vec<Item>) {
        if let Some(answering) = &self.answering {
            if let Some(section) = self.builder.guide.qa[answering.qa].sections.last_mut() {
                section.items.extend(items);
            }
            return;
        }
        if let Some(section) = self
            .section
            .and_then(|s| self.builder.guide.notes.get_mut(s))
        {
            section.items.extend(items);
        }
    }
}

/// Which headings and bold lines of an article are questions though they do not ask with
/// a question mark: where every heading of a level (or every bold line alone) reads as the
/// caller's words and one of them does ask, they all are (`## 정산 금액이 달라요` among
/// `## 언제 들어오나요?`).
fn question_kinds(blocks: &[Block], title: Option<usize>) -> (Vec<u8>, bool) {
    let mut levels: Vec<(u8, usize, usize, usize)> = Vec::new();
    let (mut bold_asked, mut bold_asking, mut bold_total) = (0usize, 0usize, 0usize);
    for (at, block) in blocks.iter().enumerate() {
        if Some(at) == title {
            continue;
        }
        match &block.kind {
            BlockKind::Heading(line) => {
                let slot = levels
                    .iter()
                    .position(|(l, ..)| *l == block.level)
                    .unwrap_or_else(|| {
                        levels.push((block.level, 0, 0, 0));
                        levels.len() - 1
                    });
                let entry = &mut levels[slot];
                entry.1 += usize::from(recognise::reads_as_question(&line.text));
                entry.2 += usize::from(recognise::sounds_asked(&line.text));
                entry.3 += 1;
            }
            BlockKind::Paragraph(lines)
                if lines.len() == 1
                    && lines[0].all_bold()
                    && recognise::question(&lines[0].text).is_none()
                    && !recognise::names_sms(&lines[0].text) =>
            {
                bold_asked += usize::from(recognise::reads_as_question(&lines[0].text));
                bold_asking += usize::from(recognise::sounds_asked(&lines[0].text));
                bold_total += 1;
            }
            _ => {}
        }
    }
    let question_levels = levels
        .into_iter()
        .filter(|(_, asked, asking, total)| *asked > 0 && asking == total && *total >= 2)
        .map(|(level, ..)| level)
        .collect();
    let bold = bold_asked > 0 && bold_asking == bold_total && bold_total >= 2;
    (question_levels, bold)
}

/// The block's position in the article (its index, which readers never renumber).
fn block_position(blocks: &[Block], block: &Block) -> usize {
    blocks
        .iter()
        .position(|b| b.index == block.index)
        .unwrap_or(blocks.len())
}
