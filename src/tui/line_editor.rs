//! One line editor for every text field of the console (search, the rule form, SMS
//! variables): a cursor that moves and deletes by grapheme, so a Hangul syllable is never
//! split, the usual readline keys, and one length policy.
//!
//! The IME composes a syllable in the terminal and sends it whole; the editor only ever sees
//! finished characters, and never cuts one in half, so composition stays intact.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_segmentation::UnicodeSegmentation;

use super::text::width;

/// How long each kind of field may grow, in characters. Input past the limit is refused (a
/// paste is cut there), the same way in every field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// The search line: long enough for any query (search reads the first 64 characters).
    Search,
    /// A value of the rule form: an instant, a rating, a date.
    RuleInput,
    /// An SMS variable: a name, a car number, a date, an address.
    SmsVariable,
    /// The agent's memo in a call's wrap-up.
    Memo,
    /// An SMS written or edited in the console: line breaks are part of it (Enter makes one).
    Message,
    /// Why a sentence is flagged: a word or a short phrase.
    Reason,
}

impl FieldKind {
    pub fn limit(self) -> usize {
        match self {
            Self::Search | Self::SmsVariable => 200,
            Self::RuleInput => 40,
            Self::Reason => 60,
            Self::Memo => 1_000,
            // An LMS holds 2,000 bytes; room to type past it and see the count say so.
            Self::Message => 2_500,
        }
    }
}

/// What a key did to the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// The text changed.
    Changed,
    /// Only the cursor moved.
    Moved,
    /// Not an editing key (or refused at the limit): the caller may use it.
    Ignored,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineEditor {
    text: String,
    /// Byte offset, always on a grapheme boundary.
    cursor: usize,
    kind: FieldKind,
}

impl LineEditor {
    pub fn new(kind: FieldKind) -> Self {
        Self {
            text: String::new(),
            cursor: 0,
            kind,
        }
    }

    pub fn with_text(kind: FieldKind, text: &str) -> Self {
        let mut editor = Self::new(kind);
        editor.insert_str(text);
        editor
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    pub fn clear(&mut self) {
        self.text.clear();
        self.cursor = 0;
    }

    /// Replaces the text; the cursor goes to the end.
    pub fn set(&mut self, text: &str) {
        self.clear();
        self.insert_str(text);
    }

    /// The text before the cursor.
    pub fn before_cursor(&self) -> &str {
        &self.text[..self.cursor]
    }

    /// Display cells before the cursor (where the terminal cursor goes).
    pub fn cursor_cells(&self) -> usize {
        width(&crate::text::visible_line(&self.text[..self.cursor]))
    }

    /// Inserts `text` at the cursor as typed: controls dropped, line breaks as spaces, cut at
    /// the field's limit. Returns whether anything went in.
    pub fn insert_str(&mut self, text: &str) -> bool {
        let room = self.kind.limit().saturating_sub(self.text.chars().count());
        let keeps_lines = self.kind == FieldKind::Message;
        // Terminals paste line breaks as carriage returns: a line break all the same, not a
        // control to drop (it would glue the lines' words).
        let clean: String = crate::text::unix_line_breaks(text)
            .chars()
            .map(|c| match c {
                '\n' if keeps_lines => '\n',
                '\n' | '\t' => ' ',
                c => c,
            })
            .filter(|&c| c == '\n' || !crate::text::is_unsafe(c))
            .take(room)
            .collect();
        if clean.is_empty() {
            return false;
        }
        self.text.insert_str(self.cursor, &clean);
        self.cursor += clean.len();
        true
    }

    fn previous_boundary(&self) -> usize {
        self.text[..self.cursor]
            .grapheme_indices(true)
            .next_back()
            .map_or(0, |(at, _)| at)
    }

    fn next_boundary(&self) -> usize {
        self.text[self.cursor..]
            .graphemes(true)
            .next()
            .map_or(self.cursor, |g| self.cursor + g.len())
    }

    /// Start of the word before the cursor (spaces first, then the word), as Ctrl-W deletes.
    fn word_start(&self) -> usize {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end_matches(' ');
        trimmed.rfind(' ').map_or(0, |at| at + 1)
    }

    /// Applies an editing key: typing, Backspace/Delete by grapheme, ←/→, Home/End
    /// (also Ctrl-A/Ctrl-E), Ctrl-U (to the start), Ctrl-K (to the end), Ctrl-W (a word).
    pub fn handle(&mut self, key: &KeyEvent) -> Edit {
        let control = key.modifiers.contains(KeyModifiers::CONTROL);
        let alt = key.modifiers.contains(KeyModifiers::ALT);
        let changed = |done: bool| if done { Edit::Changed } else { Edit::Ignored };
        match key.code {
            KeyCode::Char(c) if control => match c {
                'a' => self.move_to(0),
                'e' => self.move_to(self.text.len()),
                'u' => changed(self.delete(0, self.cursor)),
                'k' => changed(self.delete(self.cursor, self.text.len())),
                'w' => changed(self.delete(self.word_start(), self.cursor)),
                _ => Edit::Ignored,
            },
            KeyCode::Char(c) if !alt => {
                let mut buffer = [0u8; 4];
                changed(self.insert_str(c.encode_utf8(&mut buffer)))
            }
            KeyCode::Enter if self.kind == FieldKind::Message => changed(self.insert_str("\n")),
            KeyCode::Backspace => changed(self.delete(self.previous_boundary(), self.cursor)),
            KeyCode::Delete => changed(self.delete(self.cursor, self.next_boundary())),
            KeyCode::Left => self.move_to(self.previous_boundary()),
            KeyCode::Right => self.move_to(self.next_boundary()),
            KeyCode::Home => self.move_to(0),
            KeyCode::End => self.move_to(self.text.len()),
            _ => Edit::Ignored,
        }
    }

    fn move_to(&mut self, at: usize) -> Edit {
        self.cursor = at;
        Edit::Moved
    }

    fn delete(&mut self, from: usize, to: usize) -> bool {
        if from >= to {
            return false;
        }
        self.text.replace_range(from..to, "");
        self.cursor = from;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn ctrl(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn typed(text: &str) -> LineEditor {
        let mut editor = LineEditor::new(FieldKind::Search);
        for c in text.chars() {
            editor.handle(&key(KeyCode::Char(c)));
        }
        editor
    }

    #[test]
    fn backspace_inside_a_korean_word_removes_one_syllable() {
        let mut editor = typed("가입 기준");
        editor.handle(&key(KeyCode::Left));
        editor.handle(&key(KeyCode::Backspace));
        assert_eq!(editor.text(), "가입 준");
        assert_eq!(editor.cursor_cells(), 5);
        editor.handle(&key(KeyCode::Delete));
        assert_eq!(editor.text(), "가입 ");
    }

    #[test]
    fn moves_and_inserts_by_grapheme() {
        let mut editor = typed("멤버십");
        editor.handle(&key(KeyCode::Home));
        editor.handle(&key(KeyCode::Right));
        editor.handle(&key(KeyCode::Char('ㅂ')));
        assert_eq!(editor.text(), "멤ㅂ버십");
        editor.handle(&key(KeyCode::End));
        assert_eq!(editor.cursor_cells(), 8);
    }

    #[test]
    fn readline_keys() {
        let mut editor = typed("프로 멤버십 가입");
        editor.handle(&ctrl('w'));
        assert_eq!(editor.text(), "프로 멤버십 ");
        editor.handle(&ctrl('w'));
        assert_eq!(editor.text(), "프로 ");
        editor.handle(&ctrl('a'));
        editor.handle(&ctrl('k'));
        assert!(editor.is_empty());
        let mut editor = typed("abc");
        editor.handle(&key(KeyCode::Left));
        editor.handle(&ctrl('u'));
        assert_eq!(editor.text(), "c");
    }

    #[test]
    fn one_limit_for_typing_and_pasting() {
        let mut editor = LineEditor::new(FieldKind::RuleInput);
        assert!(editor.insert_str(&"9".repeat(100)));
        assert_eq!(editor.text().chars().count(), 40);
        assert_eq!(editor.handle(&key(KeyCode::Char('1'))), Edit::Ignored);
        let mut editor = LineEditor::new(FieldKind::Search);
        editor.insert_str("a\u{1b}[2J\nb");
        assert_eq!(editor.text(), "a[2J b");
    }

    #[test]
    fn pasted_carriage_returns_are_line_breaks() {
        let mut memo = LineEditor::new(FieldKind::Memo);
        memo.insert_str("재문의 시\r가입 안내\r\n재발송");
        assert_eq!(memo.text(), "재문의 시 가입 안내 재발송");
        let mut message = LineEditor::new(FieldKind::Message);
        message.insert_str("첫 줄\r둘째 줄\r\n셋째 줄");
        assert_eq!(message.text(), "첫 줄\n둘째 줄\n셋째 줄");
    }
}
