//! The key table. Dispatch, the footer hints, the help screen and the README's key list are
//! all generated from `BINDINGS`, so the documentation cannot drift from the behaviour.

use std::fmt::Write as _;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::hangul::key_for_jamo;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    NextPane,
    PrevPane,
    FocusPane(usize),
    NextStep,
    PrevStep,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    Search,
    Copy,
    CopyCategory,
    CopyDetail,
    MarkSent,
    Compose,
    WrapUp,
    Toggle,
}

/// Where a binding matters (for the footer and the help screen).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Global,
    Move,
    Sms,
    Rules,
}

impl Scope {
    fn title(self) -> &'static str {
        match self {
            Scope::Global => "전체",
            Scope::Move => "목록 · 본문",
            Scope::Sms => "SMS 템플릿",
            Scope::Rules => "규정 조회",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub keys: &'static [(KeyCode, KeyModifiers)],
    /// How the keys are written in help ("↓ j").
    pub label: &'static str,
    pub action: Action,
    pub scope: Scope,
    pub help: &'static str,
    /// Shown in the footer.
    pub hint: bool,
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

macro_rules! bind {
    ([$(($code:expr, $mods:expr)),+], $label:expr, $action:expr, $scope:expr, $help:expr, $hint:expr) => {
        Binding { keys: &[$(($code, $mods)),+], label: $label, action: $action, scope: $scope, help: $help, hint: $hint }
    };
}

pub const BINDINGS: &[Binding] = &[
    bind!(
        [(KeyCode::Char('/'), NONE)],
        "/",
        Action::Search,
        Scope::Global,
        "검색 (한글·초성·영타 입력 가능)",
        true
    ),
    bind!(
        [(KeyCode::Right, NONE), (KeyCode::Char('l'), NONE)],
        "→ l",
        Action::NextStep,
        Scope::Global,
        "다음 응대 단계",
        true
    ),
    bind!(
        [(KeyCode::Left, NONE), (KeyCode::Char('h'), NONE)],
        "← h",
        Action::PrevStep,
        Scope::Global,
        "이전 응대 단계",
        false
    ),
    bind!(
        [(KeyCode::Tab, NONE)],
        "Tab",
        Action::NextPane,
        Scope::Global,
        "다음 창",
        true
    ),
    bind!(
        [(KeyCode::BackTab, NONE)],
        "S-Tab",
        Action::PrevPane,
        Scope::Global,
        "이전 창",
        false
    ),
    bind!(
        [(KeyCode::Char('1'), NONE)],
        "1",
        Action::FocusPane(0),
        Scope::Global,
        "상담 유형 창",
        false
    ),
    bind!(
        [(KeyCode::Char('2'), NONE)],
        "2",
        Action::FocusPane(1),
        Scope::Global,
        "Q&A 스크립트 창",
        false
    ),
    bind!(
        [(KeyCode::Char('3'), NONE)],
        "3",
        Action::FocusPane(2),
        Scope::Global,
        "규정 조회 창",
        false
    ),
    bind!(
        [(KeyCode::Char('4'), NONE)],
        "4",
        Action::FocusPane(3),
        Scope::Global,
        "SMS 템플릿 창",
        false
    ),
    bind!(
        [(KeyCode::Char('y'), NONE)],
        "y",
        Action::Copy,
        Scope::Global,
        "보고 있는 내용 복사 (스크립트·SMS·상담 유형·판정)",
        true
    ),
    bind!(
        [(KeyCode::Char('c'), NONE)],
        "c",
        Action::CopyCategory,
        Scope::Global,
        "상담 유형 경로 복사 (티켓 분류용)",
        false
    ),
    bind!(
        [(KeyCode::Char('w'), NONE)],
        "w",
        Action::WrapUp,
        Scope::Global,
        "상담 정리 (티켓 메모: 유형·문의·판정·SMS + 메모, 복사·저장 후 새 상담)",
        true
    ),
    bind!(
        [(KeyCode::Char('?'), NONE)],
        "?",
        Action::Help,
        Scope::Global,
        "도움말",
        true
    ),
    bind!(
        [(KeyCode::Char('q'), NONE), (KeyCode::Char('c'), CTRL)],
        "q C-c",
        Action::Quit,
        Scope::Global,
        "종료",
        true
    ),
    bind!(
        [(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        "↓ j",
        Action::Down,
        Scope::Move,
        "아래로",
        false
    ),
    bind!(
        [(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        "↑ k",
        Action::Up,
        Scope::Move,
        "위로",
        false
    ),
    bind!(
        [(KeyCode::PageDown, NONE), (KeyCode::Char('d'), CTRL)],
        "PgDn C-d",
        Action::PageDown,
        Scope::Move,
        "한 쪽 아래",
        false
    ),
    bind!(
        [(KeyCode::PageUp, NONE), (KeyCode::Char('u'), CTRL)],
        "PgUp C-u",
        Action::PageUp,
        Scope::Move,
        "한 쪽 위",
        false
    ),
    bind!(
        [(KeyCode::Char('g'), NONE), (KeyCode::Home, NONE)],
        "g Home",
        Action::Top,
        Scope::Move,
        "맨 위",
        false
    ),
    bind!(
        [(KeyCode::Char('G'), NONE), (KeyCode::End, NONE)],
        "G End",
        Action::Bottom,
        Scope::Move,
        "맨 아래",
        false
    ),
    bind!(
        [(KeyCode::Enter, NONE)],
        "Enter",
        Action::Open,
        Scope::Move,
        "열기 · 입력",
        true
    ),
    bind!(
        [(KeyCode::Esc, NONE)],
        "Esc",
        Action::Back,
        Scope::Move,
        "뒤로 · 검색 해제",
        false
    ),
    bind!(
        [(KeyCode::Char(' '), NONE)],
        "Space",
        Action::Toggle,
        Scope::Rules,
        "선택 항목 바꾸기 (신규/갱신, 과거 혜택)",
        true
    ),
    bind!(
        [(KeyCode::Char('Y'), NONE)],
        "Y",
        Action::CopyDetail,
        Scope::Rules,
        "판정을 근거 문장까지 복사 (y는 티켓용 한 줄)",
        true
    ),
    bind!(
        [(KeyCode::Char('e'), NONE)],
        "e",
        Action::Compose,
        Scope::Sms,
        "SMS 직접 쓰기·고치기 (고른 템플릿 내용에서 시작, Esc 끝, 다시 Esc 버리기)",
        true
    ),
    bind!(
        [(KeyCode::Char('s'), NONE)],
        "s",
        Action::MarkSent,
        Scope::Sms,
        "발송함으로 기록",
        true
    ),
];

/// The Latin key a character stands for: 2-set jamo are read as the key that types them, so
/// shortcuts work with the Korean IME switched on (ㅓ is j, ㅏ is k, ㅂ is q).
pub fn latin_key(ch: char) -> char {
    key_for_jamo(ch).unwrap_or(ch)
}

/// The action bound to `key`, if any.
pub fn resolve(key: &KeyEvent) -> Option<Action> {
    let code = match key.code {
        KeyCode::Char(c) => KeyCode::Char(latin_key(c)),
        other => other,
    };
    // Shift is part of the character itself ('G', '?'); only Control and Alt distinguish.
    let mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    BINDINGS
        .iter()
        .find(|binding| binding.keys.iter().any(|&(c, m)| c == code && m == mods))
        .map(|binding| binding.action)
}

/// A key the footer offers: how it is written, what it does, and the key itself (so a test
/// can press every key a footer names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub label: &'static str,
    pub help: &'static str,
    pub key: (KeyCode, KeyModifiers),
    /// The action it stands for, where it comes from the key table.
    pub action: Option<Action>,
}

/// What has the keyboard, for the footer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FooterMode {
    /// No text field: the focused pane's keys and the global ones.
    Panes(Scope),
    Search,
    RuleInput,
    SmsVariable,
    Draft,
    WrapUp,
}

const fn hint(label: &'static str, help: &'static str, code: KeyCode) -> Hint {
    Hint {
        label,
        help,
        key: (code, NONE),
        action: None,
    }
}

/// The keys of each text field, as its footer names them.
const SEARCH_HINTS: &[Hint] = &[
    hint("↓", "다음 결과", KeyCode::Down),
    hint("PgDn", "한 쪽 아래", KeyCode::PageDown),
    hint("Enter", "열기", KeyCode::Enter),
    hint("Esc", "지우기·닫기", KeyCode::Esc),
    hint("Tab", "목록으로", KeyCode::Tab),
];
const RULE_INPUT_HINTS: &[Hint] = &[
    hint("Enter", "입력 끝", KeyCode::Enter),
    hint("Tab", "입력 끝", KeyCode::Tab),
    hint("Esc", "입력 끝", KeyCode::Esc),
    hint("←", "커서 이동", KeyCode::Left),
];
const SMS_VARIABLE_HINTS: &[Hint] = &[
    hint("Enter", "다음 변수", KeyCode::Enter),
    hint("Esc", "입력 끝", KeyCode::Esc),
];
const DRAFT_HINTS: &[Hint] = &[
    hint("Enter", "줄바꿈", KeyCode::Enter),
    hint("←", "커서 이동", KeyCode::Left),
    Hint {
        label: "C-u",
        help: "앞부분 지우기",
        key: (KeyCode::Char('u'), CTRL),
        action: None,
    },
    hint("Esc", "작성 끝", KeyCode::Esc),
];
const WRAPUP_HINTS: &[Hint] = &[
    hint("Enter", "복사·저장·새 상담", KeyCode::Enter),
    hint("Esc", "닫기 (메모는 남음)", KeyCode::Esc),
];

/// The footer's keys in `mode`: a text field's own, or the key table's hints for the
/// focused pane's scope and the global ones.
pub fn footer(mode: FooterMode) -> Vec<Hint> {
    match mode {
        FooterMode::Search => SEARCH_HINTS.to_vec(),
        FooterMode::RuleInput => RULE_INPUT_HINTS.to_vec(),
        FooterMode::SmsVariable => SMS_VARIABLE_HINTS.to_vec(),
        FooterMode::Draft => DRAFT_HINTS.to_vec(),
        FooterMode::WrapUp => WRAPUP_HINTS.to_vec(),
        // A pane's own keys (the rule form's, the SMS pane's) first: a narrow footer cuts
        // from the end, and the global keys are named on every other pane too. Lists keep
        // the global keys first (their own are the arrows and Enter everyone knows).
        FooterMode::Panes(scope) => {
            let shared = |b: &&Binding| matches!(b.scope, Scope::Global | Scope::Move);
            let own = BINDINGS.iter().filter(|b| b.scope == scope && !shared(b));
            own.chain(BINDINGS.iter().filter(shared))
                .filter(|b| b.hint)
                .map(|b| Hint {
                    label: b.label,
                    help: short_help(b.help),
                    key: b.keys[0],
                    action: Some(b.action),
                })
                .collect()
        }
    }
}

fn short_help(help: &'static str) -> &'static str {
    help.split(" (").next().unwrap_or(help)
}

/// The help screen's lines, grouped by scope.
pub fn help_lines() -> Vec<(Option<&'static str>, String)> {
    let mut lines = Vec::new();
    for scope in [Scope::Global, Scope::Move, Scope::Rules, Scope::Sms] {
        lines.push((Some(scope.title()), String::new()));
        for binding in BINDINGS.iter().filter(|b| b.scope == scope) {
            lines.push((None, format!("{:<10} {}", binding.label, binding.help)));
        }
    }
    lines
}

/// The key list for the README, as a Markdown table (a test checks the README holds it).
pub fn markdown_table() -> String {
    let mut out = String::from("| keys | where | what |\n| --- | --- | --- |\n");
    for binding in BINDINGS {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} |",
            binding.label,
            binding.scope.title(),
            binding.help
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: char) -> KeyEvent {
        KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)
    }

    #[test]
    fn jamo_work_as_their_keys() {
        assert_eq!(resolve(&key('ㅓ')), Some(Action::Down));
        assert_eq!(resolve(&key('ㅏ')), Some(Action::Up));
        assert_eq!(resolve(&key('ㅂ')), Some(Action::Quit));
        assert_eq!(resolve(&key('ㅛ')), Some(Action::Copy));
        assert_eq!(
            resolve(&KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Action::Bottom)
        );
        assert_eq!(
            resolve(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(resolve(&key('c')), Some(Action::CopyCategory));
        assert_eq!(resolve(&key('x')), None);
    }

    #[test]
    fn no_key_is_bound_twice() {
        let mut seen = std::collections::HashSet::new();
        for binding in BINDINGS {
            for k in binding.keys {
                assert!(seen.insert(*k), "{k:?} bound twice");
            }
        }
    }
}
