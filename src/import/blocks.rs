//! An article's body as a short list of blocks (headings, paragraphs, list items, code,
//! tables, images), the same whichever form it came in: the help centre's Markdown export
//! or the HTML its editor stores. The article reader works on these blocks only, so the
//! same article in either form reads to the same guide.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use scraper::{ElementRef, Html, Node};

/// The circled numbers that number sections (①…⑳), which the article reader and the rule
/// proposals both read.
pub(super) const CIRCLED: &str = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳";

/// One line of running text: bold markers and escapes gone, runs of spaces made one, with
/// where bold runs begin (a bold label often starts a link: "참고 아지트: <url>") and the
/// links it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// Byte offsets in `text` where a bold run begins.
    pub strong: Vec<usize>,
    pub links: Vec<LinkSpan>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSpan {
    pub start: usize,
    pub end: usize,
    pub href: String,
}

impl Line {
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
        while let Some(at) = self.text.find("**") {
            self.text.replace_range(at..at + 2, "");
            let shift = |offset: &mut usize| {
                if *offset > at {
                    *offset = offset.saturating_sub(2).max(at);
                }
            };
            self.strong.iter_mut().for_each(shift);
            for link in &mut self.links {
                shift(&mut link.start);
                shift(&mut link.end);
            }
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
        for link in &mut self.links {
            link.start = link.start.min(len);
            link.end = link.end.min(len);
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// A heading is one line: the lines it was broken into, joined by spaces, with their
    /// bold starts and links moved along.
    fn joined(parts: Vec<Line>) -> Line {
        let mut joined = Line::default();
        for part in parts {
            if !joined.text.is_empty() {
                joined.text.push(' ');
            }
            let shift = joined.text.len();
            joined.strong.extend(part.strong.iter().map(|s| s + shift));
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

/// A block of the body, with the source line it starts on when the form tells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    pub kind: BlockKind,
    pub line: Option<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    Heading(Line),
    Paragraph(Vec<Line>),
    /// A list item's own lines (nested lists follow as their own items); `depth` 0 is a
    /// top-level item.
    Item {
        depth: usize,
        lines: Vec<Line>,
    },
    /// Preformatted lines, trailing spaces dropped.
    Code(Vec<String>),
    /// Rows of cells, the header row first when it has any text.
    Table(Vec<Vec<String>>),
    Image(String),
    /// A table that cannot be read whole (rows with more cells than its head, or rows of
    /// pipes with no head line): its text would be lost, so the import stops.
    BrokenTable(String),
    /// A top-level list ended.
    ListEnd,
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
}

impl Lines {
    fn text(&mut self, text: &str) {
        self.current.push_text(text);
    }

    fn strong(&mut self) {
        let at = self.current.text.len();
        self.current.strong.push(at);
    }

    fn link_start(&mut self, href: &str) {
        self.open_links
            .push((self.current.text.len(), href.to_owned()));
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
        let mut line = std::mem::take(&mut self.current);
        if self.markdown {
            line.strip_unpaired_bold();
        }
        let line = line.finish();
        if !line.is_empty() {
            self.done.push(line);
        }
    }

    fn take(&mut self) -> Vec<Line> {
        self.line_break();
        self.open_links.clear();
        std::mem::take(&mut self.done)
    }
}

fn code_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text
        .replace("\r\n", "\n")
        .split('\n')
        .map(|line| line.trim_end().to_owned())
        .collect();
    while lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    while lines.first().is_some_and(String::is_empty) {
        lines.remove(0);
    }
    lines
}

/// The 1-based line of byte `offset` in `source`.
fn line_of(source: &str, offset: usize) -> usize {
    source
        .get(..offset)
        .map_or(0, |before| before.bytes().filter(|b| *b == b'\n').count())
        + 1
}

/// Reads a Markdown export (`CommonMark` with tables).
#[allow(clippy::too_many_lines)] // one match over the parser's events reads best whole
pub fn from_markdown(source: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines = Lines {
        markdown: true,
        ..Lines::default()
    };
    let mut list_depth = 0usize;
    // The items being read, innermost last: their depth and the line they start on.
    let mut items: Vec<(usize, Option<usize>)> = Vec::new();
    let mut in_heading: Option<Option<usize>> = None;
    let mut code: Option<(String, Option<usize>)> = None;
    let mut table: Option<(Vec<Vec<String>>, Option<usize>)> = None;
    let mut row: Vec<String> = Vec::new();
    let mut in_image = 0usize;
    let mut block_line = None;
    let mut head_cells: Option<usize> = None;
    let mut broken: Option<String> = None;

    let flush_item =
        |lines: &mut Lines, items: &[(usize, Option<usize>)], blocks: &mut Vec<Block>| {
            if let Some(&(depth, line)) = items.last() {
                let taken = lines.take();
                if !taken.is_empty() {
                    blocks.push(Block {
                        kind: BlockKind::Item {
                            depth,
                            lines: taken,
                        },
                        line,
                    });
                }
            }
        };

    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for (event, range) in Parser::new_ext(source, options).into_offset_iter() {
        let here = Some(line_of(source, range.start));
        match event {
            Event::Start(Tag::Heading { .. }) => {
                in_heading = Some(here);
            }
            Event::End(TagEnd::Heading(_)) => {
                let line = in_heading.take().flatten();
                let joined = Line::joined(lines.take());
                if !joined.is_empty() {
                    blocks.push(Block {
                        kind: BlockKind::Heading(joined),
                        line,
                    });
                }
            }
            Event::Start(Tag::Paragraph) if items.is_empty() => {
                block_line = here;
            }
            Event::End(TagEnd::Paragraph) => {
                if items.is_empty() {
                    let taken = lines.take();
                    let pipes = taken.len() >= 2
                        && taken
                            .iter()
                            .all(|l| l.text.starts_with('|') && l.text.ends_with('|'));
                    if pipes {
                        blocks.push(Block {
                            kind: BlockKind::BrokenTable(format!(
                                "{}줄의 표에 머리 구분 줄(| --- |)이 없습니다 (깨진 표)",
                                block_line.unwrap_or(0)
                            )),
                            line: block_line,
                        });
                    } else if !taken.is_empty() {
                        blocks.push(Block {
                            kind: BlockKind::Paragraph(taken),
                            line: block_line,
                        });
                    }
                } else {
                    // A second paragraph of an item continues the item on a new line.
                    lines.line_break();
                }
            }
            Event::Start(Tag::List(_)) => {
                flush_item(&mut lines, &items, &mut blocks);
                list_depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                list_depth = list_depth.saturating_sub(1);
                if list_depth == 0 {
                    blocks.push(Block {
                        kind: BlockKind::ListEnd,
                        line: here,
                    });
                }
            }
            Event::Start(Tag::Item) => {
                items.push((list_depth.saturating_sub(1), here));
            }
            Event::End(TagEnd::Item) => {
                flush_item(&mut lines, &items, &mut blocks);
                items.pop();
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some((String::new(), here)),
            Event::End(TagEnd::CodeBlock) => {
                if let Some((text, line)) = code.take() {
                    let code = code_lines(&text);
                    if items.is_empty() {
                        blocks.push(Block {
                            kind: BlockKind::Code(code),
                            line,
                        });
                    } else {
                        // Indented lines under an item (a note under a criterion) continue it.
                        lines.line_break();
                        for text in code {
                            lines.text(&text);
                            lines.line_break();
                        }
                    }
                }
            }
            Event::Start(Tag::Table(_)) => {
                table = Some((Vec::new(), here));
                head_cells = None;
            }
            Event::End(TagEnd::Table) => {
                if let Some((rows, line)) = table.take() {
                    let kind = match broken.take() {
                        Some(message) => BlockKind::BrokenTable(message),
                        None => BlockKind::Table(rows),
                    };
                    blocks.push(Block { kind, line });
                }
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                row.clear();
                // The parser drops cells beyond the head's count: count them in the source.
                let cells = source[range.clone()]
                    .trim()
                    .trim_matches('|')
                    .split('|')
                    .count();
                if let Some((_, line)) = &table
                    && let Some(head) = head_cells
                    && cells > head
                {
                    broken = Some(format!(
                        "{}줄의 표 행에 칸이 {cells}개로 머리행({head}개)보다 많습니다 (깨진 표)",
                        here.or(*line).unwrap_or(0)
                    ));
                }
                if head_cells.is_none() {
                    head_cells = Some(cells);
                }
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                if let Some((rows, _)) = &mut table
                    && row.iter().any(|cell| !cell.is_empty())
                {
                    rows.push(std::mem::take(&mut row));
                }
            }
            Event::End(TagEnd::TableCell) => {
                let cell: Vec<String> = lines.take().into_iter().map(|l| l.text).collect();
                row.push(cell.join(" "));
            }
            Event::Start(Tag::Image { dest_url, .. }) => {
                in_image += 1;
                blocks.push(Block {
                    kind: BlockKind::Image(dest_url.to_string()),
                    line: here,
                });
            }
            Event::End(TagEnd::Image) => in_image = in_image.saturating_sub(1),
            Event::Start(Tag::Strong) => lines.strong(),
            Event::Start(Tag::Link { dest_url, .. }) => lines.link_start(&dest_url),
            Event::End(TagEnd::Link) => lines.link_end(),
            Event::Text(text) | Event::Code(text) => {
                if let Some((buffer, _)) = &mut code {
                    buffer.push_str(&text);
                } else if in_image == 0 {
                    // Bold markers the parser could not pair (`****▶****`) are still markers.
                    lines.text(&text);
                }
            }
            Event::SoftBreak | Event::HardBreak => lines.line_break(),
            Event::InlineHtml(html) | Event::Html(html)
                if html.trim_start().to_ascii_lowercase().starts_with("<br") =>
            {
                lines.line_break();
            }
            _ => {}
        }
    }
    blocks
}

/// Reads an article body as the help centre's editor stores it (an HTML fragment or page).
pub fn from_html(source: &str) -> (Vec<Block>, Option<String>) {
    let document = Html::parse_document(source);
    let mut reader = HtmlReader::default();
    let title = document
        .root_element()
        .descendants()
        .filter_map(ElementRef::wrap)
        .find(|e| e.value().name() == "title")
        .map(|e| {
            let mut line = Line::default();
            line.push_text(&e.text().collect::<String>());
            line.finish().text
        })
        .filter(|t| !t.is_empty());
    reader.children(document.root_element(), 0);
    reader.flush_loose();
    (reader.blocks, title)
}

#[derive(Default)]
struct HtmlReader {
    blocks: Vec<Block>,
    /// Text that stands outside any block element, gathered into a paragraph.
    loose: Lines,
}

impl HtmlReader {
    fn push(&mut self, kind: BlockKind) {
        self.blocks.push(Block { kind, line: None });
    }

    fn flush_loose(&mut self) {
        let taken = self.loose.take();
        if !taken.is_empty() {
            self.push(BlockKind::Paragraph(taken));
        }
    }

    fn children(&mut self, element: ElementRef<'_>, depth: usize) {
        for child in element.children() {
            match child.value() {
                Node::Text(text) if !text.trim().is_empty() => {
                    self.loose.text(text);
                }
                Node::Element(_) => {
                    if let Some(child) = ElementRef::wrap(child) {
                        self.element(child, depth);
                    }
                }
                _ => {}
            }
        }
    }

    fn element(&mut self, element: ElementRef<'_>, depth: usize) {
        let name = element.value().name();
        match name {
            "head" | "script" | "style" | "template" | "noscript" => {}
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                self.flush_loose();
                let mut lines = Lines::default();
                let mut images = Vec::new();
                inline(element, &mut lines, &mut images);
                let line = Line::joined(lines.take());
                if !line.is_empty() {
                    self.push(BlockKind::Heading(line));
                }
                self.images(images);
            }
            "p" => {
                self.flush_loose();
                let mut lines = Lines::default();
                let mut images = Vec::new();
                inline(element, &mut lines, &mut images);
                let taken = lines.take();
                self.images(images);
                if !taken.is_empty() {
                    self.push(BlockKind::Paragraph(taken));
                }
            }
            "ul" | "ol" => {
                self.flush_loose();
                for item in element.children().filter_map(ElementRef::wrap) {
                    if item.value().name() == "li" {
                        self.item(item, depth);
                    } else {
                        self.element(item, depth + 1);
                    }
                }
                if depth == 0 {
                    self.push(BlockKind::ListEnd);
                }
            }
            "pre" => {
                self.flush_loose();
                let text: String = element.text().collect();
                self.push(BlockKind::Code(code_lines(&text)));
            }
            "table" => {
                self.flush_loose();
                self.push(table_block(element));
            }
            "img" => {
                self.flush_loose();
                if let Some(src) = element.value().attr("src") {
                    self.push(BlockKind::Image(src.to_owned()));
                }
            }
            "hr" | "br" => self.flush_loose(),
            "strong" | "b" | "em" | "i" | "span" | "a" | "u" | "s" | "code" | "font" | "mark"
            | "small" | "sup" | "sub" => {
                // Inline text outside a block: part of a loose paragraph.
                let mut images = Vec::new();
                inline(element, &mut self.loose, &mut images);
                self.images(images);
            }
            _ => {
                // div, section, body, blockquote…: their children are blocks.
                self.flush_loose();
                self.children(element, depth);
                self.flush_loose();
            }
        }
    }

    fn item(&mut self, item: ElementRef<'_>, depth: usize) {
        let mut lines = Lines::default();
        let mut images = Vec::new();
        let mut nested = Vec::new();
        for child in item.children() {
            match child.value() {
                Node::Text(text) => lines.text(text),
                Node::Element(_) => {
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    match child.value().name() {
                        "ul" | "ol" => nested.push(child),
                        "p" | "div" => {
                            lines.line_break();
                            inline(child, &mut lines, &mut images);
                            lines.line_break();
                        }
                        "pre" => {
                            lines.line_break();
                            for text in code_lines(&child.text().collect::<String>()) {
                                lines.text(&text);
                                lines.line_break();
                            }
                        }
                        _ => inline_element(child, &mut lines, &mut images),
                    }
                }
                _ => {}
            }
        }
        let taken = lines.take();
        if !taken.is_empty() {
            self.push(BlockKind::Item {
                depth,
                lines: taken,
            });
        }
        self.images(images);
        for list in nested {
            for child in list.children().filter_map(ElementRef::wrap) {
                if child.value().name() == "li" {
                    self.item(child, depth + 1);
                }
            }
        }
    }

    fn images(&mut self, images: Vec<String>) {
        for src in images {
            self.push(BlockKind::Image(src));
        }
    }
}

/// A `<table>`: its rows of cells, or why it cannot be read whole.
fn table_block(element: ElementRef<'_>) -> BlockKind {
    let rows: Vec<Vec<String>> = element
        .descendants()
        .filter_map(ElementRef::wrap)
        .filter(|e| e.value().name() == "tr")
        .map(|tr| {
            tr.children()
                .filter_map(ElementRef::wrap)
                .filter(|c| matches!(c.value().name(), "td" | "th"))
                .map(|cell| {
                    let mut lines = Lines::default();
                    inline(cell, &mut lines, &mut Vec::new());
                    let parts: Vec<String> = lines.take().into_iter().map(|l| l.text).collect();
                    parts.join(" ")
                })
                .collect::<Vec<String>>()
        })
        .collect();
    let widths: Vec<usize> = rows.iter().map(Vec::len).collect();
    let Some(&first) = widths.first().filter(|w| **w > 0) else {
        return BlockKind::BrokenTable("행이나 칸이 없는 표입니다 (깨진 표)".to_owned());
    };
    if let Some(bad) = widths.iter().position(|w| *w != first) {
        return BlockKind::BrokenTable(format!(
            "표 {}번째 행의 칸이 {}개로 첫 행({first}개)과 다릅니다 (깨진 표)",
            bad + 1,
            widths[bad],
        ));
    }
    BlockKind::Table(
        rows.into_iter()
            .filter(|row| row.iter().any(|cell| !cell.is_empty()))
            .collect(),
    )
}

/// The inline content of `element` into `lines`; images found are collected aside.
fn inline(element: ElementRef<'_>, lines: &mut Lines, images: &mut Vec<String>) {
    for child in element.children() {
        match child.value() {
            Node::Text(text) => lines.text(text),
            Node::Element(_) => {
                if let Some(child) = ElementRef::wrap(child) {
                    inline_element(child, lines, images);
                }
            }
            _ => {}
        }
    }
}

fn inline_element(element: ElementRef<'_>, lines: &mut Lines, images: &mut Vec<String>) {
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
            inline(element, lines, images);
        }
        "a" => {
            let href = element.value().attr("href").unwrap_or_default().to_owned();
            lines.link_start(&href);
            inline(element, lines, images);
            lines.link_end();
        }
        "p" | "div" | "li" | "ul" | "ol" => {
            lines.line_break();
            inline(element, lines, images);
            lines.line_break();
        }
        _ => inline(element, lines, images),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_drops_bold_and_escapes_and_keeps_breaks() {
        let blocks = from_markdown("**택시\\_기사 ▶** **멤버십**  \n둘째 줄\n");
        let BlockKind::Paragraph(lines) = &blocks[0].kind else {
            panic!("{blocks:?}");
        };
        assert_eq!(lines[0].text, "택시_기사 ▶ 멤버십");
        assert_eq!(lines[1].text, "둘째 줄");
        assert_eq!(lines[0].strong, vec![0, "택시_기사 ▶ ".len()]);
    }

    #[test]
    fn html_items_tables_and_links() {
        let (blocks, _) = from_html(
            "<ul><li>가<br/>ㄴ 나 <a href=\"https://x.invalid\">링크</a></li></ul><table><tr><td>a</td><td>b</td></tr></table>",
        );
        let BlockKind::Item { depth: 0, lines } = &blocks[0].kind else {
            panic!("{blocks:?}");
        };
        assert_eq!(lines[1].text, "ㄴ 나 링크");
        assert_eq!(lines[1].links[0].href, "https://x.invalid");
        assert_eq!(blocks[1].kind, BlockKind::ListEnd);
        assert_eq!(
            blocks[2].kind,
            BlockKind::Table(vec![vec!["a".into(), "b".into()]])
        );
    }
}
