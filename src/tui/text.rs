//! Text for the terminal: control characters made inert, and wrapping by display width that
//! never splits a syllable (or any grapheme) across cells or lines.

use std::borrow::Cow;
use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Text for one row of the console: the project's character policy (`crate::text`), with
/// line breaks shown as symbols, so content can never drive the terminal.
pub fn inert(text: &str) -> String {
    crate::text::visible_line(text).into_owned()
}

/// Display width in terminal cells.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Cuts `text` to at most `max` cells, ending with '…' when cut.
pub fn truncate(text: &str, max: usize) -> String {
    // Shown as the character policy says, whatever the caller passed in.
    let text = &*crate::text::visible_line(text);
    if width(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for grapheme in text.graphemes(true) {
        let w = width(grapheme);
        if used + w + 1 > max {
            break;
        }
        out.push_str(grapheme);
        used += w;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

/// A run of text with one style.
#[derive(Debug, Clone)]
pub struct Segment {
    pub text: String,
    pub style: Style,
}

impl Segment {
    pub fn new(text: impl Into<String>, style: Style) -> Self {
        Self {
            text: text.into(),
            style,
        }
    }
}

/// Splits `text` into segments, `highlight` applied over the character `ranges`.
pub fn highlighted(
    text: &str,
    ranges: &[Range<usize>],
    base: Style,
    highlight: Style,
) -> Vec<Segment> {
    if ranges.is_empty() {
        return vec![Segment::new(text, base)];
    }
    let mut segments = Vec::new();
    let mut current = String::new();
    let mut current_on = false;
    for (index, ch) in text.chars().enumerate() {
        let on = ranges.iter().any(|r| r.contains(&index));
        if on != current_on && !current.is_empty() {
            segments.push(Segment::new(
                std::mem::take(&mut current),
                if current_on { highlight } else { base },
            ));
        }
        current_on = on;
        current.push(ch);
    }
    if !current.is_empty() {
        segments.push(Segment::new(
            current,
            if current_on { highlight } else { base },
        ));
    }
    segments
}

/// Wraps styled segments (one logical line, no '\n') to `max_width` cells, breaking after
/// spaces where possible and never inside a grapheme. `indent` cells start continuation lines.
pub fn wrap(segments: &[Segment], max_width: usize, indent: usize) -> Vec<Line<'static>> {
    let max_width = max_width.max(2);
    let indent = if indent * 2 >= max_width { 0 } else { indent };
    // (grapheme, style, width)
    let mut pieces: Vec<(String, Style, usize)> = Vec::new();
    for segment in segments {
        for grapheme in inert(&segment.text).graphemes(true) {
            pieces.push((grapheme.to_owned(), segment.style, width(grapheme)));
        }
    }
    let mut lines = Vec::new();
    let mut start = 0;
    let mut first = true;
    while start < pieces.len() || (first && pieces.is_empty()) {
        let available = if first { max_width } else { max_width - indent };
        let mut used = 0;
        let mut end = start;
        let mut last_break = None;
        while end < pieces.len() && used + pieces[end].2 <= available {
            used += pieces[end].2;
            if pieces[end].0 == " " {
                last_break = Some(end + 1);
            }
            end += 1;
        }
        if end < pieces.len() {
            if let Some(at) = last_break.filter(|&at| at > start) {
                end = at;
            }
            if end == start {
                // A grapheme wider than the line: show it alone rather than loop.
                end = start + 1;
            }
        }
        let mut spans: Vec<Span<'static>> = Vec::new();
        if !first && indent > 0 {
            spans.push(Span::raw(" ".repeat(indent)));
        }
        let leading = spans.len();
        for (text, style, _) in &pieces[start..end] {
            let mergeable =
                spans.len() > leading && spans.last().is_some_and(|last| last.style == *style);
            match spans.last_mut() {
                Some(last) if mergeable => last.content.to_mut().push_str(text),
                _ => spans.push(Span::styled(text.clone(), *style)),
            }
        }
        lines.push(Line::from(spans));
        start = end;
        // Spaces that caused the break are not carried to the next line.
        while start < pieces.len() && pieces[start].0 == " " {
            start += 1;
        }
        first = false;
        if pieces.is_empty() {
            break;
        }
    }
    lines
}

/// Something a scrolled pane shows, wrapped only once it comes into view: a pane of a
/// long guide lists its blocks (cheap: text is borrowed) and only the blocks up to the bottom
/// of the view are ever wrapped.
#[derive(Debug, Clone)]
pub enum Block<'a> {
    /// A line already laid out.
    Line(Line<'static>),
    /// Styled segments of one logical line, wrapped with `indent` cells on continuations.
    Segments {
        segments: Vec<Segment>,
        indent: usize,
    },
    /// Text that may hold line breaks: `lead` spaces before its first line, `indent` cells
    /// on continuations, and `prefix` (a table's rule) before every line drawn.
    Text {
        text: Cow<'a, str>,
        style: Style,
        lead: usize,
        indent: usize,
        prefix: Option<(&'static str, Style)>,
    },
}

impl<'a> Block<'a> {
    pub fn text(text: impl Into<Cow<'a, str>>, style: Style, lead: usize, indent: usize) -> Self {
        Self::Text {
            text: text.into(),
            style,
            lead,
            indent,
            prefix: None,
        }
    }

    pub fn segments(segments: Vec<Segment>, indent: usize) -> Self {
        Self::Segments { segments, indent }
    }

    /// The block's lines at `width` cells.
    pub fn lines(self, width: usize) -> Vec<Line<'static>> {
        match self {
            Self::Line(line) => vec![line],
            Self::Segments { segments, indent } => wrap(&segments, width, indent),
            Self::Text {
                text,
                style,
                lead,
                indent,
                prefix,
            } => {
                let text = if lead > 0 {
                    Cow::Owned(format!("{}{text}", " ".repeat(lead)))
                } else {
                    text
                };
                let Some((prefix, prefix_style)) = prefix else {
                    return wrap_text(&text, style, width, indent);
                };
                wrap_text(&text, style, width.saturating_sub(prefix.len()), indent)
                    .into_iter()
                    .map(|line| {
                        let mut spans = vec![Span::styled(prefix, prefix_style)];
                        spans.extend(line.spans);
                        Line::from(spans)
                    })
                    .collect()
            }
        }
    }
}

impl From<Line<'static>> for Block<'_> {
    fn from(line: Line<'static>) -> Self {
        Self::Line(line)
    }
}

/// What stands before a sentence a search hit pointed into.
pub const MARK: &str = "▶ ";

/// Whether a block is the marked sentence.
pub fn is_marked(block: &Block<'_>) -> bool {
    matches!(
        block,
        Block::Text {
            prefix: Some((MARK, _)),
            ..
        }
    )
}

/// The scroll that brings the marked block to the top of a view of `width` (one line above
/// it), when `reveal` asks for it; else `scroll` as it was.
pub fn reveal_scroll(blocks: &[Block<'_>], width: usize, reveal: bool, scroll: u16) -> u16 {
    match blocks.iter().position(is_marked) {
        Some(at) if reveal => {
            let above: usize = blocks[..at]
                .iter()
                .map(|b| b.clone().lines(width).len())
                .sum();
            u16::try_from(above.saturating_sub(1)).unwrap_or(u16::MAX)
        }
        _ => scroll,
    }
}

/// The lines of `blocks` at `width`, each block wrapped only when the iterator reaches it.
pub fn lines_of(blocks: Vec<Block<'_>>, width: usize) -> impl Iterator<Item = Line<'static>> + '_ {
    blocks.into_iter().flat_map(move |block| block.lines(width))
}

/// Wraps plain text that may hold line breaks.
pub fn wrap_text(text: &str, style: Style, max_width: usize, indent: usize) -> Vec<Line<'static>> {
    text.split('\n')
        .flat_map(|line| wrap(&[Segment::new(line, style)], max_width, indent))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wraps_korean_without_splitting_syllables() {
        let lines = wrap_text("가나다라마바사 아자차카", Style::default(), 9, 0);
        assert_eq!(plain(&lines), vec!["가나다라", "마바사 ", "아자차카"]);
        for line in &lines {
            assert!(line.width() <= 9);
        }
        let lines = wrap_text("가입 기준", Style::default(), 5, 0);
        assert_eq!(plain(&lines), vec!["가입 ", "기준"]);
    }

    #[test]
    fn makes_controls_inert() {
        assert_eq!(inert("a\u{1b}[31mb\u{7}"), "a␛[31mb␇");
        let lines = wrap_text("x\u{1b}]52;c;AAAA\u{7}", Style::default(), 40, 0);
        assert!(!plain(&lines)[0].contains('\u{1b}'));
    }

    #[test]
    fn truncates_by_cells() {
        assert_eq!(truncate("프로멤버십 가입", 7), "프로멤…");
        assert_eq!(truncate("abc", 7), "abc");
    }

    #[test]
    fn highlights_ranges() {
        let segs = highlighted(
            "가입 기준",
            &[0..2, 3..5],
            Style::default(),
            Style::default().bold(),
        );
        assert_eq!(
            segs.iter().map(|s| s.text.as_str()).collect::<Vec<_>>(),
            vec!["가입", " ", "기준"]
        );
    }
}
