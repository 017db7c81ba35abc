//! Text for the terminal: control characters made inert, and wrapping by display width that
//! never splits a syllable (or any grapheme) across cells or lines.

use std::ops::Range;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

/// Shows control characters as visible symbols, so content can never drive the terminal.
pub fn inert(text: &str) -> String {
    text.chars()
        .map(|ch| match ch {
            '\u{1b}' => '␛',
            '\t' => ' ',
            c if u32::from(c) < 0x20 => char::from_u32(0x2400 + u32::from(c)).unwrap_or('�'),
            '\u{7f}' => '␡',
            c if ('\u{80}'..='\u{9f}').contains(&c) => '�',
            c => c,
        })
        .collect()
}

/// Display width in terminal cells.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Cuts `text` to at most `max` cells, ending with '…' when cut.
pub fn truncate(text: &str, max: usize) -> String {
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
