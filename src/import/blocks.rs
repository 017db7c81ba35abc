//! An article's body as a list of blocks (headings, paragraphs, list items, code, tables,
//! images, questions of an accordion), the same whichever form it came in: the help
//! centre's Markdown export or the HTML its editor stores. The article readers work on
//! these blocks only, so the same article in either form reads to the same guide.
//!
//! Both readers are linear in the input: Markdown lines are found by a binary search over
//! the line starts, HTML is walked once. Nesting deeper than [`MAX_NESTING`] is refused
//! before anything is walked, with a message that says so (no stack overflow, no
//! minutes-long parse of a hostile page).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use scraper::{ElementRef, Html, Node};

/// The circled numbers that number sections (①…⑳), which the article reader and the rule
/// proposals both read.
pub(super) const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

/// How deeply elements (or lists and quotes) may nest. Real articles stay under 30; a page
/// nested thousands deep is not an article.
pub const MAX_NESTING: usize = 200;

/// The most cells a table may expand to once merged cells are spread over the rows and
/// columns they cover.
const MAX_TABLE_CELLS: usize = 1_000_000;

/// One line of running text: bold markers and escapes gone, runs of spaces made one, with
/// where bold runs begin and end (a bold label often starts a link: "참고 아지트: <url>";
/// a bold line alone may be a question) and the links it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// Byte offsets in `text` where a bold run begins.
    pub strong: Vec<usize>,
    /// Byte ranges of `text` in bold.
    pub bold: Vec<(usize, usize)>,
    pub links: Vec<LinkSpan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSpan {
    pub start: usize,
    pub end: usize,
    pub href: String,
}

impl Line {
    pub fn plain(text: &str) -> Self {
        let mut line = Line::default();
        line.push_text(text);
        line.finish()
    }

    fn push_text(&mut self, text: &str) {
        for c in text.chars() {
            // No-break spaces and tabs are spaces; a run of them is one, as a page shows it.
            if c.is_whitespace() {
                if !self.text.is_empty() && !self.text.ends_with(' ') {
                    self.text.push(' ');
                }
            } else {
                self.text.push(c);
            }
        }
    }

    /// Bold markers the Markdown parser could not pair (`내정보****▶****멤버십`) are still
    /// markers, not text: they go, and the offsets after them move back.
    fn strip_unpaired_bold(&mut self) {
        let mut from = 0;
        while let Some(found) = self.text[from..].find("**") {
            let at = from + found;
            self.text.replace_range(at..at + 2, "");
            let shift = |offset: &mut usize| {
                if *offset > at {
                    *offset = offset.saturating_sub(2).max(at);
                }
            };
            self.strong.iter_mut().for_each(shift);
            for (start, end) in &mut self.bold {
                shift(start);
                shift(end);
            }
            for link in &mut self.links {
                shift(&mut link.start);
                shift(&mut link.end);
            }
            from = at;
        }
    }

    /// Trailing spaces go; offsets past the end are clamped.
    fn finish(mut self) -> Self {
        let len = self.text.trim_end().len();
        self.text.truncate(len);
        for at in &mut self.strong {
            *at = (*at).min(len);
        }
        self.strong.dedup();
        for (start, end) in &mut self.bold {
            *start = (*start).min(len);
            *end = (*end).min(len);
        }
        self.bold.retain(|(start, end)| end > start);
        for link in &mut self.links {
            link.start = link.start.min(len);
            link.end = link.end.min(len);
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Every letter of the line is in bold (a bold line alone: a question, a label).
    pub fn all_bold(&self) -> bool {
        if self.bold.is_empty() {
            return false;
        }
        let mut covered = vec![false; self.text.len()];
        for &(start, end) in &self.bold {
            for flag in covered.iter_mut().take(end).skip(start) {
                *flag = true;
            }
        }
        self.text
            .char_indices()
            .all(|(at, c)| c.is_whitespace() || covered.get(at).copied().unwrap_or(false))
    }

    /// A heading is one line: the lines it was broken into, joined by spaces, with their
    /// bold runs and links moved along.
    pub fn joined(parts: Vec<Line>) -> Line {
        let mut joined = Line::default();
        for part in parts {
            if !joined.text.is_empty() {
                joined.text.push(' ');
            }
            let shift = joined.text.len();
            joined.strong.extend(part.strong.iter().map(|s| s + shift));
            joined
                .bold
                .extend(part.bold.iter().map(|(s, e)| (s + shift, e + shift)));
            joined
                .links
                .extend(part.links.into_iter().map(|l| LinkSpan {
                    start: l.start + shift,
                    end: l.end + shift,
                    href: l.href,
                }));
            joined.text.push_str(&part.text);
        }
        joined
    }
}

/// Text that says something: it has a letter or a digit.
pub fn is_text(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// A block of the body, with where it starts in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    /// Its place in the article's blocks (several blocks split from one keep its index).
    pub index: usize,
    /// The source line it starts on (Markdown).
    pub line: Option<usize>,
    /// The element it was read from and which of its kind it is, counting from 1 (HTML).
    pub element: Option<(&'static str, usize)>,
    /// A heading's level (1 for `#`/`<h1>`); 0 for any other block.
    pub level: u8,
    /// Inside a quote (`>` / `<blockquote>`).
    pub quoted: bool,
    /// Links in a table's cells: their text and address (the cells keep only text).
    pub links: Vec<(String, String)>,
}

impl Block {
    pub fn new(kind: BlockKind) -> Self {
        Self {
            kind,
            index: 0,
            line: None,
            element: None,
            level: 0,
            quoted: false,
            links: Vec::new(),
        }
    }

    /// The text segments the block holds, as an agent reads them: each line, each code
    /// line, each table cell that has text (a letter or a digit: a line of rules or of
    /// bold markers says nothing).
    pub fn texts(&self) -> Vec<&str> {
        fn lines(lines: &[Line]) -> Vec<&str> {
            lines
                .iter()
                .map(|l| l.text.as_str())
                .filter(|t| is_text(t))
                .collect()
        }
        match &self.kind {
            BlockKind::Heading(line) | BlockKind::Summary(line) => {
                lines(std::slice::from_ref(line))
            }
            BlockKind::Paragraph(all) | BlockKind::Item { lines: all, .. } => lines(all),
            BlockKind::Code(all) => all
                .iter()
                .map(String::as_str)
                .filter(|l| is_text(l))
                .collect(),
            BlockKind::Table(rows) => rows
                .iter()
                .flatten()
                .map(String::as_str)
                .filter(|c| is_text(c))
                .collect(),
            BlockKind::Image(_) | BlockKind::ListEnd | BlockKind::DetailsEnd | BlockKind::Rule => {
                Vec::new()
            }
        }
    }

    /// Where the block is, in words: "12줄" for Markdown, "<table> 2번째" for HTML.
    pub fn place(&self) -> Option<String> {
        match (self.line, self.element) {
            (Some(line), _) => Some(format!("{line}줄")),
            (None, Some((tag, nth))) => Some(format!("<{tag}> {nth}번째")),
            (None, None) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    Heading(Line),
    Paragraph(Vec<Line>),
    /// A list item's own lines (nested lists follow as their own items); `depth` 0 is a
    /// top-level item. `number` is an ordered item's marker as written (`3.`, `3)`).
    Item {
        depth: usize,
        lines: Vec<Line>,
        number: Option<String>,
    },
    /// Preformatted lines, trailing spaces dropped.
    Code(Vec<String>),
    /// Rows of cells, the header row first when it has any text; merged cells are spread
    /// over every row and column they cover, and short rows padded with empty cells.
    Table(Vec<Vec<String>>),
    Image(String),
    /// The visible question of an accordion (`<summary>`, `<dt>`): the blocks up to the
    /// matching [`BlockKind::DetailsEnd`] are its answer.
    Summary(Line),
    DetailsEnd,
    /// A top-level list ended.
    ListEnd,
    /// A thematic break (`---`, `<hr>`).
    Rule,
}

/// What a Markdown export says of itself in front matter (`---` lines at the top).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    /// `category`, `categories`, `section` and `path`, in that order, split at `>`, `/`, `▶`.
    pub category: Vec<String>,
    pub labels: Vec<String>,
    pub id: Option<u64>,
    pub url: Option<String>,
    pub updated_at: Option<String>,
    pub locale: Option<String>,
}

/// A body read into blocks.
#[derive(Debug, Clone, Default)]
pub struct Body {
    pub blocks: Vec<Block>,
    /// An HTML page's `<title>`.
    pub title: Option<String>,
    pub front: FrontMatter,
}

fn numbered(mut blocks: Vec<Block>) -> Vec<Block> {
    for (n, block) in blocks.iter_mut().enumerate() {
        block.index = n;
    }
    blocks
}

/// Collects lines of inline text for the block being read.
#[derive(Default)]
struct Lines {
    /// Markdown text: unpaired bold markers are removed from each line.
    markdown: bool,
    done: Vec<Line>,
    current: Line,
    /// Open links: where each began and its address.
    open_links: Vec<(usize, String)>,
    /// Open bold runs: where each began.
    open_bold: Vec<usize>,
}

impl Lines {
    fn markdown() -> Self {
        Self {
            markdown: true,
            ..Self::default()
        }
    }

    fn text(&mut self, text: &str) {
        self.current.push_text(text);
    }

    fn strong(&mut self) {
        let at = self.current.text.len();
        self.current.strong.push(at);
        self.open_bold.push(at);
    }

    fn strong_end(&mut self) {
        if let Some(start) = self.open_bold.pop() {
            let end = self.current.text.len();
            if end > start {
                self.current.bold.push((start, end));
            }
        }
    }

    fn link_start(&mut self, href: &str) {
        self.open_links
            .push((self.current.text.len(), href.trim().to_owned()));
    }

    fn link_end(&mut self) {
        if let Some((start, href)) = self.open_links.pop() {
            let end = self.current.text.len();
            if end > start {
                self.current.links.push(LinkSpan { start, end, href });
            }
        }
    }

    fn line_break(&mut self) {
        // A bold run or link open across the break goes on on the next line.
        let bold_open = !self.open_bold.is_empty();
        let links_open: Vec<String> = self.open_links.iter().map(|(_, h)| h.clone()).collect();
        let end = self.current.text.len();
        for start in &self.open_bold {
            if end > *start {
                self.current.bold.push((*start, end));
            }
        }
        for (start, href) in &self.open_links {
            if end > *start {
                self.current.links.push(LinkSpan {
                    start: *start,
                    end,
                    href: href.clone(),
                });
            }
        }
        let mut line = std::mem::take(&mut self.current);
        if self.markdown {
            line.strip_unpaired_bold();
        }
        let line = line.finish();
        if !line.is_empty() {
            self.done.push(line);
        }
        if bold_open {
            self.open_bold = vec![0; self.open_bold.len()];
        }
        self.open_links = links_open.into_iter().map(|h| (0, h)).collect();
    }

    fn take(&mut self) -> Vec<Line> {
        self.line_break();
        self.open_links.clear();
        self.open_bold.clear();
        std::mem::take(&mut self.done)
    }
}

fn code_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .split('\n')
        .map(|line| line.trim_end().to_owned())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    let leading = lines.iter().take_while(|l| l.is_empty()).count();
    lines.drain(..leading);
    lines
}

/// The 1-based line of a byte offset, by binary search over where lines start.
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|at| at + 1));
        Self { starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|start| *start <= offset).max(1)
    }
}

/// Front matter: `---` on the first line, `key: value` lines, `---`. Returns what it says
/// and the body after it (with the number of lines it took, so lines still count from the
/// top of the file).
fn front_matter(source: &str) -> (FrontMatter, usize) {
    let mut front = FrontMatter::default();
    let Some(rest) = source.strip_prefix("---\n") else {
        return (front, 0);
    };
    let Some(end) = rest.find("\n---\n").or_else(|| {
        rest.strip_suffix("\n---")
            .map(str::len)
            .or_else(|| rest.starts_with("---\n").then_some(0))
    }) else {
        return (front, 0);
    };
    let header = &rest[..end];
    // Only `key: value` lines: anything else is not front matter but a rule and text.
    let lines: Vec<&str> = header.lines().filter(|l| !l.trim().is_empty()).collect();
    let list_item = |l: &str| l.trim_start().starts_with("- ");
    if lines.is_empty()
        || !lines
            .iter()
            .all(|l| list_item(l) || l.split_once(':').is_some_and(|(k, _)| is_key(k)))
    {
        return (front, 0);
    }
    let mut key = String::new();
    let mut category_sources: Vec<(usize, Vec<String>)> = Vec::new();
    for line in lines {
        let (name, value) = if list_item(line) {
            (key.clone(), line.trim_start()[2..].trim().to_owned())
        } else {
            let (name, value) = line.split_once(':').unwrap_or((line, ""));
            key = name.trim().to_ascii_lowercase();
            (key.clone(), value.trim().to_owned())
        };
        let value = unquote(&value);
        if value.is_empty() {
            continue;
        }
        let values = inline_list(&value);
        match name.as_str() {
            "title" => front.title = Some(value),
            "category" | "categories" | "section" | "path" | "breadcrumb" | "breadcrumbs" => {
                let rank = ["category", "categories", "section", "path"]
                    .iter()
                    .position(|k| *k == name)
                    .unwrap_or(4);
                let parts: Vec<String> = values.iter().flat_map(|v| split_path(v)).collect();
                match category_sources.iter_mut().find(|(r, _)| *r == rank) {
                    Some((_, list)) => list.extend(parts),
                    None => category_sources.push((rank, parts)),
                }
            }
            "labels" | "label_names" | "tags" => front.labels.extend(values),
            "id" | "article_id" => front.id = value.parse().ok(),
            "url" | "html_url" | "source" => front.url = Some(value),
            "updated_at" | "updated" | "date" => front.updated_at = Some(value),
            "locale" | "lang" => front.locale = Some(value),
            _ => {}
        }
    }
    category_sources.sort_by_key(|(rank, _)| *rank);
    // A category and its section make one path, the category first.
    front.category = category_sources
        .into_iter()
        .flat_map(|(_, parts)| parts)
        .fold(Vec::new(), |mut path: Vec<String>, part| {
            if path.last() != Some(&part) {
                path.push(part);
            }
            path
        });
    let taken = 4
        + end
        + if rest[end..].starts_with("\n---\n") {
            5
        } else {
            4
        };
    (front, taken.min(source.len()))
}

fn is_key(key: &str) -> bool {
    let key = key.trim();
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn unquote(value: &str) -> String {
    let value = value.trim();
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner.to_owned();
        }
    }
    value.to_owned()
}

/// `[a, b]` → a, b; anything else is one value.
fn inline_list(value: &str) -> Vec<String> {
    match value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        Some(inner) => inner
            .split(',')
            .map(unquote)
            .filter(|v| !v.is_empty())
            .collect(),
        None => vec![value.to_owned()],
    }
}

/// A category path written on one line: `택시_기사 > 결제/정산`, `택시_기사 ▶ 결제`.
pub fn split_path(value: &str) -> Vec<String> {
    let separators = ['>', '▶', '▸', '›', '→', '»', '＞'];
    value
        .split(|c| separators.contains(&c))
        .map(|part| part.trim().to_owned())
        .filter(|part| !part.is_empty())
        .collect()
}

/// The cells of a Markdown table row as written, split at unescaped pipes outside code.
fn raw_cells(row: &str) -> Vec<String> {
    let row = row.trim();
    let row = row.strip_prefix('|').unwrap_or(row);
    let row = row
        .strip_suffix('|')
        .filter(|r| !r.ends_with('\\'))
        .unwrap_or(row);
    let mut cells = Vec::new();
    let mut current = String::new();
    let mut in_code = false;
    let mut chars = row.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(next) = chars.next() {
                    if !next.is_ascii_punctuation() {
                        current.push('\\');
                    }
                    current.push(next);
                }
            }
            '`' => in_code = !in_code,
            '|' if !in_code => cells.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    cells.push(current);
    cells
        .into_iter()
        .map(|cell| {
            let mut line = Line::default();
            line.push_text(&cell.replace("**", "").replace("__", ""));
            line.finish().text
        })
        .collect()
}

/// Reads a Markdown export (`CommonMark` with tables). HTML written inside it is read as
/// HTML, so a table or an accordion pasted into the export loses nothing.
pub fn from_markdown(source: &str) -> Result<Body, String> {
    let (front, skipped) = front_matter(source);
    let index = LineIndex::new(source);
    let mut reader = MarkdownReader {
        source,
        index: &index,
        blocks: Vec::new(),
        lines: Lines::markdown(),
        list_depth: 0,
        list_numbers: Vec::new(),
        items: Vec::new(),
        quote_depth: 0,
        heading: None,
        paragraph_line: None,
        code: None,
        table: None,
        row: Vec::new(),
        in_image: 0,
        html: None,
        table_links: Vec::new(),
    };
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let body = &source[skipped..];
    check_markdown_nesting(body)?;
    for (event, range) in Parser::new_ext(body, options).into_offset_iter() {
        let range = range.start + skipped..range.end + skipped;
        reader.event(event, range)?;
    }
    reader.flush_html();
    Ok(Body {
        blocks: numbered(reader.blocks),
        title: None,
        front,
    })
}

/// Refuses Markdown nested deeper than [`MAX_NESTING`] (quotes, list items) before it is
/// parsed: a line's leading markers say how deep it goes.
fn check_markdown_nesting(source: &str) -> Result<(), String> {
    for (n, line) in source.lines().enumerate() {
        let mut depth = 0usize;
        let mut rest = line.trim_start();
        loop {
            if let Some(after) = rest.strip_prefix('>') {
                depth += 1;
                rest = after.trim_start();
            } else if let Some(after) = rest
                .strip_prefix("- ")
                .or_else(|| rest.strip_prefix("* "))
                .or_else(|| rest.strip_prefix("+ "))
            {
                depth += 1;
                rest = after.trim_start();
            } else {
                break;
            }
            if depth > MAX_NESTING {
                return Err(too_deep(&format!("{}줄", n + 1)));
            }
        }
        // Indentation nests lists too: four spaces or a tab a level, at most.
        let indent = line
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .map(|c| if c == '\t' { 4 } else { 1 })
            .sum::<usize>();
        if indent / 2 > MAX_NESTING * 2 {
            return Err(too_deep(&format!("{}줄", n + 1)));
        }
    }
    Ok(())
}

fn too_deep(place: &str) -> String {
    format!("{place}: 중첩이 {MAX_NESTING}단계보다 깊습니다 (문서로 읽을 수 없는 구조)")
}

struct MarkdownReader<'s> {
    source: &'s str,
    index: &'s LineIndex,
    blocks: Vec<Block>,
    lines: Lines,
    list_depth: usize,
    /// Per open list: the number of its next item (`None` for a bullet list).
    list_numbers: Vec<Option<u64>>,
    /// The items being read, innermost last: their depth, the line they start on and
    /// their number as written.
    items: Vec<(usize, Option<usize>, Option<String>)>,
    quote_depth: usize,
    heading: Option<(u8, Option<usize>)>,
    paragraph_line: Option<usize>,
    code: Option<(String, Option<usize>)>,
    table: Option<(Vec<Vec<String>>, Option<usize>)>,
    row: Vec<String>,
    in_image: usize,
    /// HTML lines being gathered into one block, and the line it starts on.
    html: Option<(String, usize)>,
    /// Links in the cells of the table being read.
    table_links: Vec<(String, String)>,
}

impl MarkdownReader<'_> {
    fn push(&mut self, kind: BlockKind, line: Option<usize>) {
        self.blocks.push(Block {
            line,
            quoted: self.quote_depth > 0,
            ..Block::new(kind)
        });
    }

    fn flush_item(&mut self) {
        if let Some((depth, line, number)) = self.items.last().cloned() {
            let taken = self.lines.take();
            if !taken.is_empty() {
                self.push(
                    BlockKind::Item {
                        depth,
                        lines: taken,
                        number,
                    },
                    line,
                );
            }
        }
    }

    /// HTML gathered so far, read as HTML into blocks of this body.
    fn flush_html(&mut self) {
        let Some((html, line)) = self.html.take() else {
            return;
        };
        let opens = count_tags(&html, "<details");
        let closes = count_tags(&html, "</details");
        let Ok(body) = from_html(&html) else {
            // Too deep to read: its text, as one paragraph per line, is still kept.
            for text in html.lines() {
                let line_text = Line::plain(&strip_tags(text));
                if !line_text.is_empty() {
                    self.push(BlockKind::Paragraph(vec![line_text]), Some(line));
                }
            }
            return;
        };
        let mut blocks = body.blocks;
        // A `<details>` opened here and closed in a later HTML block (Markdown between):
        // the answer runs on past this block.
        let mut unmatched_open = opens.saturating_sub(closes);
        while unmatched_open > 0 {
            match blocks.iter().rposition(|b| b.kind == BlockKind::DetailsEnd) {
                Some(at) => {
                    blocks.remove(at);
                }
                None => break,
            }
            unmatched_open -= 1;
        }
        for block in blocks {
            self.blocks.push(Block {
                line: Some(line),
                element: None,
                quoted: block.quoted || self.quote_depth > 0,
                ..block
            });
        }
        // A lone `</details>`: the answer ends here.
        for _ in 0..closes.saturating_sub(opens) {
            self.push(BlockKind::DetailsEnd, Some(line));
        }
    }

    #[allow(clippy::too_many_lines)] // one match over the parser's events reads best whole
    fn event(&mut self, event: Event<'_>, range: std::ops::Range<usize>) -> Result<(), String> {
        let here = Some(self.index.line_of(range.start));
        if !matches!(event, Event::Html(_)) && !matches!(event, Event::End(TagEnd::HtmlBlock)) {
            self.flush_html();
        }
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                self.heading = Some((level as u8, here));
            }
            Event::End(TagEnd::Heading(_)) => {
                let (level, line) = self.heading.take().unwrap_or((1, here));
                let joined = Line::joined(self.lines.take());
                if !joined.is_empty() {
                    self.blocks.push(Block {
                        line,
                        level,
                        quoted: self.quote_depth > 0,
                        ..Block::new(BlockKind::Heading(joined))
                    });
                }
            }
            Event::Start(Tag::Paragraph) if self.items.is_empty() => {
                self.paragraph_line = here;
            }
            Event::End(TagEnd::Paragraph) => {
                if self.items.is_empty() {
                    let taken = self.lines.take();
                    let line = self.paragraph_line;
                    let pipes = taken.len() >= 2
                        && taken
                            .iter()
                            .all(|l| l.text.starts_with('|') && l.text.ends_with('|'));
                    if pipes {
                        // Rows of pipes with no head line: a table all the same.
                        let rows = taken.iter().map(|l| raw_cells(&l.text)).collect();
                        self.push(BlockKind::Table(pad_rows(rows)), line);
                    } else if !taken.is_empty() {
                        self.push(BlockKind::Paragraph(taken), line);
                    }
                } else {
                    // A second paragraph of an item continues the item on a new line.
                    self.lines.line_break();
                }
            }
            Event::Start(Tag::BlockQuote(_)) => {
                self.flush_item();
                self.quote_depth += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.flush_item();
                self.quote_depth = self.quote_depth.saturating_sub(1);
            }
            Event::Start(Tag::List(start)) => {
                self.flush_item();
                self.list_depth += 1;
                self.list_numbers.push(start);
                if self.list_depth > MAX_NESTING {
                    return Err(too_deep(&format!("{}줄", self.index.line_of(range.start))));
                }
            }
            Event::End(TagEnd::List(_)) => {
                self.list_depth = self.list_depth.saturating_sub(1);
                self.list_numbers.pop();
                if self.list_depth == 0 {
                    self.push(BlockKind::ListEnd, here);
                }
            }
            Event::Start(Tag::Item) => {
                self.flush_item();
                let number = match self.list_numbers.last_mut() {
                    Some(Some(next)) => {
                        let n = *next;
                        *next += 1;
                        // The delimiter as written: `1.` or `1)`.
                        let written = self.source[range.clone()].trim_start();
                        let delimiter = written
                            .trim_start_matches(|c: char| c.is_ascii_digit())
                            .chars()
                            .next()
                            .filter(|c| *c == ')')
                            .unwrap_or('.');
                        Some(format!("{n}{delimiter}"))
                    }
                    _ => None,
                };
                self.items
                    .push((self.list_depth.saturating_sub(1), here, number));
            }
            Event::End(TagEnd::Item) => {
                self.flush_item();
                self.items.pop();
            }
            Event::Start(Tag::CodeBlock(_)) => {
                self.code = Some((String::new(), here));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((text, line)) = self.code.take() {
                    let code = code_lines(&text);
                    if self.items.is_empty() {
                        self.push(BlockKind::Code(code), line);
                    } else {
                        // Indented lines under an item (a note under a criterion) continue it.
                        self.lines.line_break();
                        for text in code {
                            self.lines.text(&text);
                            self.lines.line_break();
                        }
                    }
                }
            }
            Event::Start(Tag::Table(_)) => {
                self.flush_item();
                self.table = Some((Vec::new(), here));
            }
            Event::End(TagEnd::Table) => {
                if let Some((rows, line)) = self.table.take() {
                    self.push(BlockKind::Table(pad_rows(rows)), line);
                    if let Some(block) = self.blocks.last_mut() {
                        block.links = std::mem::take(&mut self.table_links);
                    }
                }
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => self.row.clear(),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                let mut row = std::mem::take(&mut self.row);
                // The parser drops cells beyond the head's count: take them from the source.
                let raw = raw_cells(&self.source[range]);
                if raw.len() > row.len() {
                    row = raw;
                }
                if let Some((rows, _)) = &mut self.table
                    && row.iter().any(|cell| !cell.is_empty())
                {
                    rows.push(row);
                }
            }
            Event::End(TagEnd::TableCell) => {
                let lines = self.lines.take();
                self.table_links.extend(cell_links(&lines));
                let cell: Vec<String> = lines.into_iter().map(|l| l.text).collect();
                self.row.push(cell.join(" "));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                self.in_image += 1;
                self.push(BlockKind::Image(dest_url.to_string()), here);
            }
            Event::End(TagEnd::Image) => self.in_image = self.in_image.saturating_sub(1),
            Event::Start(Tag::Strong) => self.lines.strong(),
            Event::End(TagEnd::Strong) => self.lines.strong_end(),
            Event::Start(Tag::Link { dest_url, .. }) => self.lines.link_start(&dest_url),
            Event::End(TagEnd::Link) => self.lines.link_end(),
            Event::Text(text) | Event::Code(text) => {
                if let Some((buffer, _)) = &mut self.code {
                    buffer.push_str(&text);
                } else if self.in_image == 0 {
                    self.lines.text(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => self.lines.line_break(),
            Event::Rule => self.push(BlockKind::Rule, here),
            Event::Html(html) => {
                self.flush_item_text_if_any();
                let (buffer, _) = self
                    .html
                    .get_or_insert_with(|| (String::new(), self.index.line_of(range.start)));
                buffer.push_str(&html);
            }
            Event::InlineHtml(html) => self.inline_html(&html),
            _ => {}
        }
        Ok(())
    }

    /// An HTML block inside a list item ends the item's text so far.
    fn flush_item_text_if_any(&mut self) {
        if !self.items.is_empty() && self.html.is_none() {
            self.flush_item();
        }
    }

    /// Inline tags in running Markdown text: line breaks, bold and links keep their
    /// meaning; other tags go, their text stays.
    fn inline_html(&mut self, html: &str) {
        let tag = html.trim_start_matches('<').to_ascii_lowercase();
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect();
        let closing = tag.starts_with('/');
        match (name.as_str(), closing) {
            ("br", _) => self.lines.line_break(),
            ("b" | "strong", false) => self.lines.strong(),
            ("b" | "strong", true) => self.lines.strong_end(),
            ("a", false) => {
                let href = attribute(html, "href").unwrap_or_default();
                self.lines.link_start(&href);
            }
            ("a", true) => self.lines.link_end(),
            _ => {}
        }
    }
}

/// The links of a cell's lines: their text and address.
fn cell_links(lines: &[Line]) -> Vec<(String, String)> {
    lines
        .iter()
        .flat_map(|line| {
            line.links.iter().filter_map(|link| {
                let label = line.text.get(link.start..link.end)?.trim();
                (!label.is_empty()).then(|| (label.to_owned(), link.href.clone()))
            })
        })
        .collect()
}

/// How many times `tag` opens in `html`, ignoring case.
fn count_tags(html: &str, tag: &str) -> usize {
    html.to_ascii_lowercase().matches(tag).count()
}

/// Text with tags taken out (for HTML too deep to parse).
fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// An attribute's value in one tag as written (`<a href="...">`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let at = lower.find(&format!("{name}="))? + name.len() + 1;
    let rest = &tag[at..];
    let value = match rest.chars().next()? {
        quote @ ('"' | '\'') => rest[1..].split(quote).next()?,
        _ => rest.split([' ', '>']).next()?,
    };
    Some(value.to_owned())
}

/// Rows padded to the widest row with empty cells.
fn pad_rows(mut rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    for row in &mut rows {
        row.resize(width, String::new());
    }
    rows.retain(|row| row.iter().any(|cell| !cell.is_empty()));
    rows
}

/// Elements that never hold others.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Elements a parser closes by itself when the next one starts (`<p>a<p>b`): they do not
/// nest by being left open.
const CLOSED_BY_SIBLINGS: &[&str] = &[
    "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot",
    "colgroup", "rb", "rt", "rp",
];

/// Elements whose content is raw text up to their closing tag.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];

/// How deeply the elements of `source` nest, by one pass over its tags (before parsing,
/// since parsing a page nested a hundred thousand deep takes minutes). Stops counting
/// once past [`MAX_NESTING`].
pub fn html_nesting(source: &str) -> usize {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut at = 0usize;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + found;
        let rest = &source[start..];
        if rest.starts_with("<!--") {
            at = rest.find("-->").map_or(bytes.len(), |end| start + end + 3);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = start + if closing { 2 } else { 1 };
        let name: String = source[name_start..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if name.is_empty() || !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            at = start + 1;
            continue;
        }
        let end = tag_end(bytes, name_start + name.len());
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        at = end;
        let counted = !VOID.contains(&name.as_str())
            && !CLOSED_BY_SIBLINGS.contains(&name.as_str())
            && !self_closing;
        if closing {
            if counted {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        if RAW_TEXT.contains(&name.as_str()) {
            at = find_closing(bytes, at, name.as_bytes());
            continue;
        }
        if counted {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > MAX_NESTING {
                break;
            }
        }
    }
    deepest
}

/// Where `</name` (any case) next starts at or after `from`; the end when it never does.
fn find_closing(bytes: &[u8], from: usize, name: &[u8]) -> usize {
    let mut at = from;
    while let Some(found) = memchr::memchr(b'<', &bytes[at..]) {
        let start = at + found;
        let tail = &bytes[start + 1..];
        if tail.first() == Some(&b'/')
            && tail.len() > name.len()
            && tail[1..=name.len()].eq_ignore_ascii_case(name)
        {
            return start;
        }
        at = start + 1;
    }
    bytes.len()
}

/// Just past the `>` that ends a tag whose name ends at `from`, skipping quoted values.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut at = from;
    while at < bytes.len() {
        let b = bytes[at];
        match quote {
            Some(q) if b == q => quote = None,
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return at + 1,
            _ => {}
        }
        at += 1;
    }
    bytes.len()
}

/// Reads an article body as the help centre's editor stores it (an HTML fragment or page).
pub fn from_html(source: &str) -> Result<Body, String> {
    let deepest = html_nesting(source);
    if deepest > MAX_NESTING {
        return Err(format!(
            "HTML 요소의 중첩이 {MAX_NESTING}단계보다 깊습니다 (문서로 읽을 수 없는 구조)"
        ));
    }
    let document = Html::parse_document(source);
    let mut reader = HtmlReader::default();
    let elements = || {
        document
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
    };
    let text_of = |e: ElementRef<'_>| Line::plain(&e.text().collect::<Vec<_>>().join(" ")).text;
    let page_title = elements()
        .find(|e| e.value().name() == "title")
        .map(text_of)
        .filter(|t| !t.is_empty());
    let first_h1 = elements()
        .find(|e| e.value().name() == "h1")
        .map(text_of)
        .filter(|t| !t.is_empty());
    // A page's title names the site after a dash (`제목 – 운영센터`): its first heading
    // is the article's own title when the page title starts with it.
    let title = page_title.map(|title| match &first_h1 {
        Some(h1) if title.starts_with(h1.as_str()) => h1.clone(),
        _ => [" – ", " — ", " | "]
            .iter()
            .find_map(|dash| {
                title
                    .split_once(dash)
                    .map(|(head, _)| head.trim().to_owned())
            })
            .filter(|head| !head.is_empty())
            .unwrap_or(title),
    });
    // A whole page: only the article is read; header, navigation and footer are the site's.
    let root = content_root(&document);
    let mut breadcrumbs = Vec::new();
    if root.id() != document.root_element().id()
        && let Some(trail) = elements().find(|e| {
            e.value()
                .attr("class")
                .is_some_and(|c| c.to_ascii_lowercase().contains("breadcrumb"))
        })
    {
        {
            breadcrumbs = trail
                .descendants()
                .filter_map(ElementRef::wrap)
                .filter(|e| e.value().name() == "li")
                .map(text_of)
                .filter(|t| !t.is_empty())
                .collect();
            // The first crumb is the help centre itself.
            if breadcrumbs.len() > 1 {
                breadcrumbs.remove(0);
            }
        }
    }
    reader.children(root, 0, 0);
    reader.flush_loose();
    Ok(Body {
        blocks: numbered(reader.blocks),
        title,
        front: FrontMatter {
            category: breadcrumbs,
            ..FrontMatter::default()
        },
    })
}

/// The element a page keeps its article in: the help centre's article body, else an
/// `<article>`, else `<main>`, else the whole page.
fn content_root(document: &Html) -> ElementRef<'_> {
    let elements = || {
        document
            .root_element()
            .descendants()
            .filter_map(ElementRef::wrap)
    };
    let has_class = |e: &ElementRef<'_>, name: &str| {
        e.value()
            .attr("class")
            .is_some_and(|c| c.split_whitespace().any(|class| class == name))
    };
    elements()
        .find(|e| has_class(e, "article-body") || e.value().attr("itemprop") == Some("articleBody"))
        .or_else(|| elements().find(|e| e.value().name() == "article"))
        .or_else(|| elements().find(|e| e.value().name() == "main"))
        .unwrap_or_else(|| document.root_element())
}

#[derive(Default)]
struct HtmlReader {
    blocks: Vec<Block>,
    /// Text that stands outside any block element, gathered into a paragraph.
    loose: Lines,
    /// How many of each element were read, to name them in messages.
    counts: std::collections::HashMap<&'static str, usize>,
    quote_depth: usize,
}

/// A block element's name as a `'static` string, for [`Block::element`].
fn element_name(name: &str) -> &'static str {
    const NAMES: &[&str] = &[
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "p",
        "li",
        "pre",
        "table",
        "img",
        "summary",
        "dt",
        "div",
        "blockquote",
        "details",
        "dd",
    ];
    NAMES.iter().find(|n| **n == name).copied().unwrap_or("?")
}

impl HtmlReader {
    fn push(&mut self, kind: BlockKind, tag: &str) {
        let tag = element_name(tag);
        let nth = self.counts.entry(tag).or_insert(0);
        *nth += 1;
        let nth = *nth;
        self.blocks.push(Block {
            element: Some((tag, nth)),
            quoted: self.quote_depth > 0,
            ..Block::new(kind)
        });
    }

    fn flush_loose(&mut self) {
        let taken = self.loose.take();
        if !taken.is_empty() {
            self.push(BlockKind::Paragraph(taken), "p");
        }
    }

    fn children(&mut self, element: ElementRef<'_>, list_depth: usize, nesting: usize) {
        for child in element.children() {
            match child.value() {
                Node::Text(text) if !text.trim().is_empty() => {
                    self.loose.text(text);
                }
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.element(child, list_depth, nesting + 1);
                    }
                }
                _ => {}
            }
        }
    }

    #[allow(clippy::too_many_lines)] // one match over the elements an article holds
    fn element(&mut self, element: ElementRef<'_>, list_depth: usize, nesting: usize) {
        let name = element.value().name();
        if nesting > MAX_NESTING {
            // Checked before parsing; a parser's repairs may still nest a little deeper:
            // the text is kept, as one paragraph.
            let text: String = element.text().collect::<Vec<_>>().join(" ");
            self.loose.text(&text);
            return;
        }
        match name {
            "head" | "script" | "style" | "template" | "noscript" | "title" => {}
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush_loose();
                let mut lines = Lines::default();
                let mut images = Vec::new();
                inline(element, &mut lines, &mut images, nesting);
                let line = Line::joined(lines.take());
                if !line.is_empty() {
                    self.push(BlockKind::Heading(line), name);
                    if let Some(block) = self.blocks.last_mut() {
                        block.level = name[1..].parse().unwrap_or(1);
                    }
                }
                self.images(images);
            }
            "p" => {
                self.flush_loose();
                let mut lines = Lines::default();
                let mut images = Vec::new();
                inline(element, &mut lines, &mut images, nesting);
                let taken = lines.take();
                self.images(images);
                if !taken.is_empty() {
                    self.push(BlockKind::Paragraph(taken), "p");
                }
            }
            "ul" | "ol" => {
                self.flush_loose();
                let mut number = (name == "ol").then(|| {
                    element
                        .value()
                        .attr("start")
                        .and_then(|s| s.trim().parse::<u64>().ok())
                        .unwrap_or(1)
                });
                for item in element.children().filter_map(ElementRef::wrap) {
                    if item.value().name() == "li" {
                        let written = number.map(|n| format!("{n}."));
                        self.item(item, list_depth, written, nesting + 1);
                        if let Some(n) = &mut number {
                            *n += 1;
                        }
                    } else {
                        self.element(item, list_depth + 1, nesting + 1);
                    }
                }
                if list_depth == 0 {
                    self.push(BlockKind::ListEnd, name);
                }
            }
            "pre" => {
                self.flush_loose();
                let text: String = element.text().collect();
                self.push(BlockKind::Code(code_lines(&text)), "pre");
            }
            "table" => {
                self.flush_loose();
                let mut links = Vec::new();
                let rows = table_rows(element, nesting, &mut links);
                if !rows.is_empty() {
                    self.push(BlockKind::Table(rows), "table");
                    if let Some(block) = self.blocks.last_mut() {
                        block.links = links;
                    }
                }
            }
            "img" => {
                self.flush_loose();
                if let Some(src) = element.value().attr("src") {
                    self.push(BlockKind::Image(src.to_owned()), "img");
                }
            }
            "br" => self.flush_loose(),
            "hr" => {
                self.flush_loose();
                self.push(BlockKind::Rule, "p");
            }
            "details" => {
                self.flush_loose();
                for child in element.children() {
                    match ElementRef::wrap(child) {
                        Some(summary) if summary.value().name() == "summary" => {
                            self.summary(summary, "summary", nesting);
                        }
                        Some(child) => self.element(child, list_depth, nesting + 1),
                        None => {
                            if let Node::Text(text) = child.value() {
                                self.loose.text(text);
                            }
                        }
                    }
                }
                self.flush_loose();
                self.push(BlockKind::DetailsEnd, "details");
            }
            "dl" => {
                self.flush_loose();
                let mut open = false;
                for child in element.children().filter_map(ElementRef::wrap) {
                    match child.value().name() {
                        "dt" => {
                            if open {
                                self.push(BlockKind::DetailsEnd, "dd");
                            }
                            self.summary(child, "dt", nesting);
                            open = true;
                        }
                        "dd" => {
                            self.children(child, list_depth, nesting + 1);
                            self.flush_loose();
                        }
                        _ => self.element(child, list_depth, nesting + 1),
                    }
                }
                if open {
                    self.push(BlockKind::DetailsEnd, "dd");
                }
            }
            "blockquote" => {
                self.flush_loose();
                self.quote_depth += 1;
                self.children(element, list_depth, nesting);
                self.flush_loose();
                self.quote_depth -= 1;
            }
            "strong" | "b" | "em" | "i" | "span" | "a" | "u" | "s" | "code" | "font" | "mark"
            | "small" | "sup" | "sub" | "strike" | "del" | "ins" | "label" | "abbr" | "cite"
            | "q" | "time" | "kbd" | "var" | "samp" | "big" | "tt" => {
                // Inline text outside a block: part of a loose paragraph.
                let mut images = Vec::new();
                inline_element(element, &mut self.loose, &mut images, nesting);
                self.images(images);
            }
            _ => {
                // div, section, body, article…: their children are blocks.
                self.flush_loose();
                self.children(element, list_depth, nesting);
                self.flush_loose();
            }
        }
    }

    fn summary(&mut self, element: ElementRef<'_>, tag: &str, nesting: usize) {
        self.flush_loose();
        let mut lines = Lines::default();
        let mut images = Vec::new();
        inline(element, &mut lines, &mut images, nesting);
        let line = Line::joined(lines.take());
        if !line.is_empty() {
            self.push(BlockKind::Summary(line), tag);
        }
        self.images(images);
    }

    fn item(&mut self, item: ElementRef<'_>, depth: usize, number: Option<String>, nesting: usize) {
        let mut lines = Lines::default();
        let mut images = Vec::new();
        let mut nested = Vec::new();
        // Blocks inside the item (a table, code) come after its own lines.
        let mut inner: Vec<ElementRef<'_>> = Vec::new();
        for child in item.children() {
            match child.value() {
                Node::Text(text) => lines.text(text),
                Node::Element(_) => {
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    match child.value().name() {
                        "ul" | "ol" => nested.push(child),
                        "table" | "details" | "dl" | "blockquote" => inner.push(child),
                        "p" | "div" => {
                            lines.line_break();
                            inline(child, &mut lines, &mut images, nesting + 1);
                            lines.line_break();
                        }
                        "pre" => {
                            lines.line_break();
                            for text in code_lines(&child.text().collect::<String>()) {
                                lines.text(&text);
                                lines.line_break();
                            }
                        }
                        _ => inline_element(child, &mut lines, &mut images, nesting + 1),
                    }
                }
                _ => {}
            }
        }
        let taken = lines.take();
        if !taken.is_empty() {
            self.push(
                BlockKind::Item {
                    depth,
                    lines: taken,
                    number,
                },
                "li",
            );
        }
        self.images(images);
        for block in inner {
            self.element(block, depth + 1, nesting + 1);
        }
        for list in nested {
            let mut number = (list.value().name() == "ol").then(|| {
                list.value()
                    .attr("start")
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .unwrap_or(1)
            });
            for child in list.children().filter_map(ElementRef::wrap) {
                if child.value().name() == "li" {
                    let written = number.map(|n| format!("{n}."));
                    self.item(child, depth + 1, written, nesting + 2);
                    if let Some(n) = &mut number {
                        *n += 1;
                    }
                }
            }
        }
    }

    fn images(&mut self, images: Vec<String>) {
        for src in images {
            self.push(BlockKind::Image(src), "img");
        }
    }
}

/// A `<table>`'s rows of cells, merged cells (`rowspan`, `colspan`) spread over every row
/// and column they cover, short rows padded.
fn table_rows(
    table: ElementRef<'_>,
    nesting: usize,
    cell_links_found: &mut Vec<(String, String)>,
) -> Vec<Vec<String>> {
    // This table's own rows: in it, or in its head, body and foot (not nested tables').
    let mut trs = Vec::new();
    for child in table.children().filter_map(ElementRef::wrap) {
        match child.value().name() {
            "tr" => trs.push(child),
            "thead" | "tbody" | "tfoot" => trs.extend(
                child
                    .children()
                    .filter_map(ElementRef::wrap)
                    .filter(|e| e.value().name() == "tr"),
            ),
            _ => {}
        }
    }
    let span = |cell: &ElementRef<'_>, name: &str, most: usize| {
        cell.value()
            .attr(name)
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(1)
            .clamp(1, most)
    };
    let row_count = trs.len();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(row_count);
    // Per column: the text of a cell spanning down into later rows, and how many more.
    let mut carried: Vec<Option<(String, usize)>> = Vec::new();
    let mut cells_made = 0usize;
    for (r, tr) in trs.iter().enumerate() {
        let mut row: Vec<String> = Vec::new();
        let mut column = 0usize;
        let take_carried = |row: &mut Vec<String>,
                            column: &mut usize,
                            carried: &mut Vec<Option<(String, usize)>>| {
            while let Some(Some((text, left))) = carried.get_mut(*column) {
                row.push(text.clone());
                *left -= 1;
                if *left == 0 {
                    carried[*column] = None;
                }
                *column += 1;
            }
        };
        for cell in tr
            .children()
            .filter_map(ElementRef::wrap)
            .filter(|c| matches!(c.value().name(), "td" | "th"))
        {
            take_carried(&mut row, &mut column, &mut carried);
            let mut lines = Lines::default();
            inline(cell, &mut lines, &mut Vec::new(), nesting + 2);
            let taken = lines.take();
            cell_links_found.extend(cell_links(&taken));
            let text = taken
                .into_iter()
                .map(|l| l.text)
                .collect::<Vec<_>>()
                .join(" ");
            let across = span(&cell, "colspan", 1000);
            let down = span(&cell, "rowspan", row_count - r);
            for _ in 0..across {
                if carried.len() <= column {
                    carried.resize(column + 1, None);
                }
                if down > 1 {
                    carried[column] = Some((text.clone(), down - 1));
                }
                row.push(text.clone());
                column += 1;
            }
            cells_made += across * down;
            if cells_made > MAX_TABLE_CELLS {
                // A table no article holds: its cells as written, unspread.
                return trs
                    .iter()
                    .map(|tr| {
                        tr.children()
                            .filter_map(ElementRef::wrap)
                            .map(|c| Line::plain(&c.text().collect::<Vec<_>>().join(" ")).text)
                            .collect()
                    })
                    .collect();
            }
        }
        take_carried(&mut row, &mut column, &mut carried);
        // Cells carried into columns past this row's own end.
        for (at, slot) in carried.iter_mut().enumerate().skip(column) {
            if let Some((text, left)) = slot {
                row.resize(at, String::new());
                row.push(text.clone());
                *left -= 1;
                if *left == 0 {
                    *slot = None;
                }
            }
        }
        rows.push(row);
    }
    pad_rows(rows)
}

/// The inline content of `element` into `lines`; images found are collected aside.
fn inline(element: ElementRef<'_>, lines: &mut Lines, images: &mut Vec<String>, nesting: usize) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => lines.text(text),
            Node::Element(_) => {
                if let Some(child) = ElementRef::wrap(child) {
                    inline_element(child, lines, images, nesting + 1);
                }
            }
            _ => {}
        }
    }
}

fn inline_element(
    element: ElementRef<'_>,
    lines: &mut Lines,
    images: &mut Vec<String>,
    nesting: usize,
) {
    if nesting > MAX_NESTING {
        lines.text(&element.text().collect::<Vec<_>>().join(" "));
        return;
    }
    match element.value().name() {
        "br" => lines.line_break(),
        "img" => {
            if let Some(src) = element.value().attr("src") {
                images.push(src.to_owned());
            }
        }
        "script" | "style" => {}
        "strong" | "b" => {
            lines.strong();
            inline(element, lines, images, nesting);
            lines.strong_end();
        }
        "a" => {
            let href = element.value().attr("href").unwrap_or_default().to_owned();
            lines.link_start(&href);
            inline(element, lines, images, nesting);
            lines.link_end();
        }
        "p" | "div" | "li" | "ul" | "ol" | "tr" | "table" | "h1" | "h2" | "h3" | "h4" | "h5"
        | "h6" | "pre" | "blockquote" | "dt" | "dd" => {
            lines.line_break();
            inline(element, lines, images, nesting);
            lines.line_break();
        }
        "td" | "th" => {
            inline(element, lines, images, nesting);
            lines.text(" ");
        }
        _ => inline(element, lines, images, nesting),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn markdown(source: &str) -> Vec<Block> {
        from_markdown(source).expect("readable").blocks
    }

    fn html(source: &str) -> Vec<Block> {
        from_html(source).expect("readable").blocks
    }

    #[test]
    fn markdown_drops_bold_and_escapes_and_keeps_breaks() {
        let blocks = markdown("**택시\\_기사 ▶** **멤버십**  \n둘째 줄\n");
        let BlockKind::Paragraph(lines) = &blocks[0].kind else {
            panic!("{blocks:?}");
        };
        assert_eq!(lines[0].text, "택시_기사 ▶ 멤버십");
        assert_eq!(lines[1].text, "둘째 줄");
        assert_eq!(lines[0].strong, vec![0, "택시_기사 ▶ ".len()]);
        assert!(lines[0].all_bold());
        assert!(!lines[1].all_bold());
    }

    #[test]
    fn html_items_tables_and_links() {
        let blocks = html(
            "<ul><li>가<br/>ㄴ 나 <a href=\"https://x.invalid\">링크</a></li></ul><table><tr><td>a</td><td>b</td></tr></table>",
        );
        let BlockKind::Item {
            depth: 0, lines, ..
        } = &blocks[0].kind
        else {
            panic!("{blocks:?}");
        };
        assert_eq!(lines[1].text, "ㄴ 나 링크");
        assert_eq!(lines[1].links[0].href, "https://x.invalid");
        assert_eq!(blocks[1].kind, BlockKind::ListEnd);
        assert_eq!(
            blocks[2].kind,
            BlockKind::Table(vec![vec!["a".into(), "b".into()]])
        );
        assert_eq!(blocks[2].place().as_deref(), Some("<table> 1번째"));
    }

    #[test]
    fn merged_cells_are_spread_over_what_they_cover() {
        let blocks = html(
            "<table><tr><th>구분</th><th>기준</th><th>비고</th></tr>\
             <tr><td rowspan=\"2\">신규</td><td>4.0</td><td>가입</td></tr>\
             <tr><td colspan=\"2\">3.8 이상 갱신</td></tr></table>",
        );
        let BlockKind::Table(rows) = &blocks[0].kind else {
            panic!("{blocks:?}");
        };
        assert_eq!(
            rows,
            &[
                vec!["구분", "기준", "비고"],
                vec!["신규", "4.0", "가입"],
                vec!["신규", "3.8 이상 갱신", "3.8 이상 갱신"],
            ]
        );
    }

    #[test]
    fn markdown_rows_wider_than_the_head_keep_every_cell() {
        let blocks = markdown("| a | b |\n| --- | --- |\n| 1 | 2 | 3 |\n");
        assert_eq!(
            blocks[0].kind,
            BlockKind::Table(vec![
                vec!["a".into(), "b".into(), String::new()],
                vec!["1".into(), "2".into(), "3".into()],
            ])
        );
    }

    #[test]
    fn ordered_items_keep_their_numbers_and_quotes_are_marked() {
        let blocks = markdown("3) 셋\n4) 넷\n\n> 인용 문장\n");
        assert!(matches!(&blocks[0].kind, BlockKind::Item { number: Some(n), .. } if n == "3)"));
        assert!(matches!(&blocks[1].kind, BlockKind::Item { number: Some(n), .. } if n == "4)"));
        let quote = blocks.iter().find(|b| b.quoted).expect("quoted");
        assert!(matches!(&quote.kind, BlockKind::Paragraph(lines) if lines[0].text == "인용 문장"));
    }

    #[test]
    fn html_inside_markdown_is_read_as_html() {
        let blocks = markdown(
            "앞 문단\n\n<details>\n<summary>질문인가요?</summary>\n\n답변 문단\n\n</details>\n\n<table><tr><td>가</td><td>나</td></tr></table>\n",
        );
        let kinds: Vec<&BlockKind> = blocks.iter().map(|b| &b.kind).collect();
        assert!(matches!(kinds[1], BlockKind::Summary(line) if line.text == "질문인가요?"));
        assert!(matches!(kinds[2], BlockKind::Paragraph(lines) if lines[0].text == "답변 문단"));
        assert_eq!(kinds[3], &BlockKind::DetailsEnd);
        assert!(matches!(kinds[4], BlockKind::Table(rows) if rows[0] == ["가", "나"]));
    }

    #[test]
    fn front_matter_gives_title_and_category() {
        let body = from_markdown(
            "---\ntitle: \"정산 안내\"\ncategory: 택시_기사 > 결제/정산\nsection: 정산\nlabels: [정산, 입금]\n---\n\n본문\n",
        )
        .expect("readable");
        assert_eq!(body.front.title.as_deref(), Some("정산 안내"));
        assert_eq!(body.front.category, ["택시_기사", "결제/정산", "정산"]);
        assert_eq!(body.front.labels, ["정산", "입금"]);
        assert!(matches!(&body.blocks[0].kind, BlockKind::Paragraph(l) if l[0].text == "본문"));
        assert_eq!(body.blocks[0].line, Some(8));
    }

    #[test]
    fn nesting_past_the_cap_is_refused_before_parsing() {
        let deep = "<span>".repeat(80_000) + "글";
        let error = from_html(&deep).unwrap_err();
        assert!(error.contains("중첩"), "{error}");
        let deep = "<div>".repeat(MAX_NESTING + 5);
        assert!(from_html(&deep).is_err());
        // Paragraphs and items left open do not nest.
        let open = "<p>문단".repeat(5_000);
        assert!(from_html(&open).is_ok());
        let quotes = ">".repeat(MAX_NESTING + 1) + " 글";
        assert!(from_markdown(&quotes).is_err());
    }

    #[test]
    fn line_numbers_by_binary_search() {
        let index = LineIndex::new("a\nb\n\nc");
        assert_eq!(index.line_of(0), 1);
        assert_eq!(index.line_of(2), 2);
        assert_eq!(index.line_of(4), 3);
        assert_eq!(index.line_of(5), 4);
    }
}
