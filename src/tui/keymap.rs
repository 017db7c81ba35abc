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
    /// The pane whose number was pressed (the digit itself says which).
    FocusPane,
    /// A character that starts a value in the selected form field (which is filled anew).
    Type,
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
    /// Ends typing in a field; what was typed stays.
    Done,
    /// The next field of a form (the next SMS variable).
    NextField,
    /// From the search line to its hit list.
    ToList,
    /// The field's own editing key (cursor, deletion, a line break): the editor takes it.
    Edit,
    /// The wrap-up: copy the note, save it and start a new call.
    Save,
    /// The answer to a question.
    Yes,
    No,
    /// Flag a sentence of the answer to the content team.
    Flag,
    /// Pin (or unpin) an entry for this agent.
    Pin,
    /// The `바뀐 가이드` view: what changed in the content.
    ShowChanges,
}

/// A group of bindings: where they hold, as the footer, the help and the README name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Every pane.
    Global,
    /// Lists and texts (every pane's moves).
    Move,
    /// The pane number keys, where no field takes digits.
    PaneNumbers,
    Rules,
    /// The rule form with a field selected that takes what is typed (digits go into it).
    RuleField,
    Sms,
    /// The search line while it has the keyboard.
    Search,
    /// Every text field (search, rule inputs, SMS variables and text, the memo).
    Field,
    RuleInput,
    SmsVariable,
    Draft,
    WrapUp,
    /// A sentence being flagged (`f`).
    Flag,
    Help,
    /// The `바뀐 가이드` view.
    Changes,
    Confirm,
    /// Every layer (a prompt reads it as no).
    Anywhere,
}

impl Scope {
    pub const ALL: [Scope; 17] = [
        Scope::Global,
        Scope::PaneNumbers,
        Scope::Move,
        Scope::Rules,
        Scope::RuleField,
        Scope::Sms,
        Scope::Search,
        Scope::Field,
        Scope::RuleInput,
        Scope::SmsVariable,
        Scope::Draft,
        Scope::WrapUp,
        Scope::Flag,
        Scope::Help,
        Scope::Changes,
        Scope::Confirm,
        Scope::Anywhere,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Scope::Global => "전체",
            Scope::Move => "목록 · 본문",
            Scope::PaneNumbers => "입력 칸이 아닌 곳",
            Scope::Sms => "SMS 템플릿",
            Scope::Rules => "규정 조회",
            Scope::RuleField => "규정 값 칸을 고른 때",
            Scope::Search => "검색 입력 중",
            Scope::Field => "입력 칸",
            Scope::RuleInput => "규정 값 입력 중",
            Scope::SmsVariable => "SMS 변수 입력 중",
            Scope::Draft => "SMS 직접 쓰는 중",
            Scope::WrapUp => "상담 정리",
            Scope::Flag => "문장 신고 중",
            Scope::Help => "도움말",
            Scope::Changes => "바뀐 가이드",
            Scope::Confirm => "확인 물음",
            Scope::Anywhere => "어디서나",
        }
    }
}

/// Who has the keyboard: the top of the stack of what is on screen. One layer takes every
/// key while it is up; [`resolve`] reads a key in the layer's scopes, the footer names the
/// layer's keys, and the help lists every scope. `App::layer` says which is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// A yes/no question: `y`/Enter says yes, anything else (Ctrl-C too) no.
    Confirm,
    /// The terminal is too small to see anything: only quitting works.
    TooSmall,
    /// The call's wrap-up: its memo has the keyboard.
    WrapUp,
    /// A sentence of the answer being flagged: its reason has the keyboard.
    Flag,
    /// The help screen: arrows scroll, any other key closes it.
    Help,
    /// The `바뀐 가이드` view: arrows choose a guide, Enter opens it.
    Changes,
    /// The search line has the keyboard.
    Search,
    /// A rule form value is being typed.
    RuleInput,
    /// An SMS variable is being typed.
    SmsVariable,
    /// An SMS is being written.
    Draft,
    /// No field: the focused pane (its scope) and the global keys.
    Panes(Scope),
}

impl Layer {
    /// The scopes whose bindings hold in this layer, the layer's own first.
    pub fn scopes(self) -> &'static [Scope] {
        match self {
            Layer::Confirm => &[Scope::Confirm, Scope::Anywhere],
            // Only quitting acts there (`App::handle_key`).
            Layer::TooSmall => &[Scope::Global, Scope::Anywhere],
            Layer::WrapUp => &[Scope::WrapUp, Scope::Field, Scope::Anywhere],
            Layer::Flag => &[Scope::Flag, Scope::Field, Scope::Anywhere],
            // The help scrolls with the keys every text scrolls with.
            Layer::Help => &[Scope::Help, Scope::Move, Scope::Anywhere],
            Layer::Changes => &[Scope::Changes, Scope::Anywhere],
            Layer::Search => &[Scope::Search, Scope::Field, Scope::Anywhere],
            Layer::RuleInput => &[Scope::RuleInput, Scope::Field, Scope::Anywhere],
            Layer::SmsVariable => &[Scope::SmsVariable, Scope::Field, Scope::Anywhere],
            Layer::Draft => &[Scope::Draft, Scope::Field, Scope::Anywhere],
            // A field that takes digits is selected: they go into it, not to the panes.
            Layer::Panes(Scope::RuleField) => &[
                Scope::RuleField,
                Scope::Rules,
                Scope::Global,
                Scope::Move,
                Scope::Anywhere,
            ],
            Layer::Panes(Scope::Rules) => &[
                Scope::Rules,
                Scope::Global,
                Scope::PaneNumbers,
                Scope::Move,
                Scope::Anywhere,
            ],
            Layer::Panes(Scope::Sms) => &[
                Scope::Sms,
                Scope::Global,
                Scope::PaneNumbers,
                Scope::Move,
                Scope::Anywhere,
            ],
            Layer::Panes(_) => &[
                Scope::Global,
                Scope::PaneNumbers,
                Scope::Move,
                Scope::Anywhere,
            ],
        }
    }

    /// Whether what is typed is text (a field has the keyboard): letters and jamo are
    /// typed, not read as shortcuts.
    pub fn takes_text(self) -> bool {
        matches!(
            self,
            Layer::WrapUp
                | Layer::Flag
                | Layer::Search
                | Layer::RuleInput
                | Layer::SmsVariable
                | Layer::Draft
        )
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
        [
            (KeyCode::Char('1'), NONE),
            (KeyCode::Char('2'), NONE),
            (KeyCode::Char('3'), NONE),
            (KeyCode::Char('4'), NONE)
        ],
        "1~4",
        Action::FocusPane,
        Scope::PaneNumbers,
        "창 바로 가기 (1 상담 유형 · 2 Q&A 스크립트 · 3 규정 조회 · 4 SMS 템플릿)",
        true
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
        [(KeyCode::Char('u'), NONE)],
        "u",
        Action::ShowChanges,
        Scope::Global,
        "바뀐 가이드 (바뀐 문장의 이전·지금을 나란히)",
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
        [(KeyCode::Char('q'), NONE)],
        "q",
        Action::Quit,
        Scope::Global,
        "종료 (입력·메모가 있으면 먼저 물음)",
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
        [(KeyCode::Char('f'), NONE)],
        "f",
        Action::Flag,
        Scope::Move,
        "Q&A 답변의 문장 신고 (콘텐츠 팀에: 틀림·오래됨·헷갈림 또는 직접 쓴 이유)",
        false
    ),
    bind!(
        [(KeyCode::Char('p'), NONE)],
        "p",
        Action::Pin,
        Scope::Move,
        "질문·검색 결과 고정 · 해제 (고정한 질문은 목록 맨 위, 같은 점수의 검색 결과 중 앞)",
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
        [
            (KeyCode::Char('0'), NONE),
            (KeyCode::Char('1'), NONE),
            (KeyCode::Char('2'), NONE),
            (KeyCode::Char('3'), NONE),
            (KeyCode::Char('4'), NONE),
            (KeyCode::Char('5'), NONE),
            (KeyCode::Char('6'), NONE),
            (KeyCode::Char('7'), NONE),
            (KeyCode::Char('8'), NONE),
            (KeyCode::Char('9'), NONE),
            (KeyCode::Char('.'), NONE),
            (KeyCode::Char('-'), NONE)
        ],
        "0~9 . -",
        Action::Type,
        Scope::RuleField,
        "값 입력 (칸을 새로 채움; 평점은 없음·none도; Enter는 있던 값 고치기)",
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
    bind!(
        [(KeyCode::Down, NONE)],
        "↓",
        Action::Down,
        Scope::Search,
        "다음 결과",
        true
    ),
    bind!(
        [(KeyCode::Up, NONE)],
        "↑",
        Action::Up,
        Scope::Search,
        "이전 결과",
        false
    ),
    bind!(
        [(KeyCode::PageDown, NONE)],
        "PgDn",
        Action::PageDown,
        Scope::Search,
        "결과 한 쪽 아래",
        true
    ),
    bind!(
        [(KeyCode::PageUp, NONE)],
        "PgUp",
        Action::PageUp,
        Scope::Search,
        "결과 한 쪽 위",
        false
    ),
    bind!(
        [(KeyCode::Enter, NONE)],
        "Enter",
        Action::Open,
        Scope::Search,
        "고른 결과 열기",
        true
    ),
    bind!(
        [(KeyCode::Esc, NONE)],
        "Esc",
        Action::Back,
        Scope::Search,
        "검색어 지우기 · 다시 누르면 닫기",
        true
    ),
    bind!(
        [(KeyCode::Tab, NONE)],
        "Tab",
        Action::ToList,
        Scope::Search,
        "결과 목록으로",
        true
    ),
    bind!(
        [(KeyCode::Left, NONE), (KeyCode::Right, NONE)],
        "← →",
        Action::Edit,
        Scope::Field,
        "커서 이동",
        true
    ),
    bind!(
        [
            (KeyCode::Home, NONE),
            (KeyCode::End, NONE),
            (KeyCode::Char('a'), CTRL),
            (KeyCode::Char('e'), CTRL)
        ],
        "Home End C-a C-e",
        Action::Edit,
        Scope::Field,
        "처음으로 · 끝으로",
        false
    ),
    bind!(
        [(KeyCode::Backspace, NONE), (KeyCode::Delete, NONE)],
        "Backspace Delete",
        Action::Edit,
        Scope::Field,
        "한 글자 지우기 (한글은 음절째)",
        false
    ),
    bind!(
        [(KeyCode::Char('u'), CTRL)],
        "C-u",
        Action::Edit,
        Scope::Field,
        "앞부분 지우기",
        true
    ),
    bind!(
        [(KeyCode::Char('k'), CTRL)],
        "C-k",
        Action::Edit,
        Scope::Field,
        "뒷부분 지우기",
        false
    ),
    bind!(
        [(KeyCode::Char('w'), CTRL)],
        "C-w",
        Action::Edit,
        Scope::Field,
        "한 단어 지우기",
        false
    ),
    bind!(
        [
            (KeyCode::Enter, NONE),
            (KeyCode::Tab, NONE),
            (KeyCode::Esc, NONE)
        ],
        "Enter Tab Esc",
        Action::Done,
        Scope::RuleInput,
        "입력 끝 (값은 남음)",
        true
    ),
    bind!(
        [(KeyCode::Enter, NONE), (KeyCode::Tab, NONE)],
        "Enter Tab",
        Action::NextField,
        Scope::SmsVariable,
        "다음 변수",
        true
    ),
    bind!(
        [(KeyCode::Esc, NONE)],
        "Esc",
        Action::Done,
        Scope::SmsVariable,
        "입력 끝",
        true
    ),
    bind!(
        [(KeyCode::Enter, NONE)],
        "Enter",
        Action::Edit,
        Scope::Draft,
        "줄바꿈",
        true
    ),
    bind!(
        [(KeyCode::Esc, NONE)],
        "Esc",
        Action::Done,
        Scope::Draft,
        "작성 끝 (글은 남음; 다시 Esc 버리기)",
        true
    ),
    bind!(
        [(KeyCode::Enter, NONE)],
        "Enter",
        Action::Save,
        Scope::WrapUp,
        "복사·저장·새 상담",
        true
    ),
    bind!(
        [(KeyCode::Esc, NONE)],
        "Esc",
        Action::Back,
        Scope::WrapUp,
        "닫기 (메모는 남음)",
        true
    ),
    bind!(
        [(KeyCode::Down, NONE)],
        "↓",
        Action::Down,
        Scope::Flag,
        "다음 문장",
        true
    ),
    bind!(
        [(KeyCode::Up, NONE)],
        "↑",
        Action::Up,
        Scope::Flag,
        "이전 문장",
        false
    ),
    bind!(
        [(KeyCode::Tab, NONE)],
        "Tab",
        Action::Toggle,
        Scope::Flag,
        "이유 고르기 (틀림 → 오래됨 → 헷갈림 → 직접 입력)",
        true
    ),
    bind!(
        [(KeyCode::Enter, NONE)],
        "Enter",
        Action::Save,
        Scope::Flag,
        "신고 (기록에 남고 팀에 전달)",
        true
    ),
    bind!(
        [(KeyCode::Esc, NONE)],
        "Esc",
        Action::Back,
        Scope::Flag,
        "신고 취소",
        true
    ),
    bind!(
        [(KeyCode::Char('?'), NONE)],
        "?",
        Action::Back,
        Scope::Help,
        "닫기 · ↑↓ j k PgUp PgDn g G 스크롤 (Esc와 다른 키도 닫음)",
        true
    ),
    bind!(
        [(KeyCode::Down, NONE), (KeyCode::Char('j'), NONE)],
        "↓ j",
        Action::Down,
        Scope::Changes,
        "다음 가이드",
        true
    ),
    bind!(
        [(KeyCode::Up, NONE), (KeyCode::Char('k'), NONE)],
        "↑ k",
        Action::Up,
        Scope::Changes,
        "이전 가이드",
        false
    ),
    bind!(
        [(KeyCode::Enter, NONE)],
        "Enter",
        Action::Open,
        Scope::Changes,
        "고른 가이드 열기",
        true
    ),
    bind!(
        [(KeyCode::Tab, NONE)],
        "Tab",
        Action::Toggle,
        Scope::Changes,
        "기준 바꾸기 (지난번 확인 뒤 / 직전 콘텐츠와)",
        true
    ),
    bind!(
        [(KeyCode::Esc, NONE), (KeyCode::Char('u'), NONE)],
        "Esc u",
        Action::Back,
        Scope::Changes,
        "닫기",
        true
    ),
    bind!(
        [(KeyCode::Char('y'), NONE), (KeyCode::Enter, NONE)],
        "y Enter",
        Action::Yes,
        Scope::Confirm,
        "예",
        true
    ),
    bind!(
        [(KeyCode::Char('n'), NONE), (KeyCode::Esc, NONE)],
        "n Esc",
        Action::No,
        Scope::Confirm,
        "아니요 · 취소 (다른 키도 아니요)",
        true
    ),
    bind!(
        [(KeyCode::Char('c'), CTRL)],
        "C-c",
        Action::Quit,
        Scope::Anywhere,
        "종료 (입력 중에도; 물음에는 아니요)",
        true
    ),
];

/// The key table in force: the defaults, or the defaults with the settings file's keys
/// merged over them ([`install`]).
pub fn bindings() -> &'static [Binding] {
    TABLE.get().map_or(BINDINGS, Vec::as_slice)
}

static TABLE: std::sync::OnceLock<Vec<Binding>> = std::sync::OnceLock::new();

/// Every layer, for checks over the whole table.
pub const LAYERS: [Layer; 15] = [
    Layer::Confirm,
    Layer::TooSmall,
    Layer::WrapUp,
    Layer::Flag,
    Layer::Help,
    Layer::Changes,
    Layer::Search,
    Layer::RuleInput,
    Layer::SmsVariable,
    Layer::Draft,
    Layer::Panes(Scope::Rules),
    Layer::Panes(Scope::RuleField),
    Layer::Panes(Scope::Sms),
    Layer::Panes(Scope::Move),
    Layer::Panes(Scope::Global),
];

/// The scopes whose keys the settings file may change: the panes' own (a field's editing
/// keys, the digits of a value and a question's answers stay as they are).
const CONFIGURABLE: [Scope; 4] = [Scope::Global, Scope::Move, Scope::Rules, Scope::Sms];

/// The name the settings file gives an action (`[keys] down = ["j", "Down"]`).
pub fn action_name(action: Action) -> Option<&'static str> {
    Some(match action {
        Action::Quit => "quit",
        Action::Help => "help",
        Action::NextPane => "next_pane",
        Action::PrevPane => "prev_pane",
        Action::NextStep => "next_step",
        Action::PrevStep => "prev_step",
        Action::Up => "up",
        Action::Down => "down",
        Action::PageUp => "page_up",
        Action::PageDown => "page_down",
        Action::Top => "top",
        Action::Bottom => "bottom",
        Action::Open => "open",
        Action::Back => "back",
        Action::Search => "search",
        Action::Copy => "copy",
        Action::CopyCategory => "copy_category",
        Action::CopyDetail => "copy_detail",
        Action::MarkSent => "mark_sent",
        Action::Compose => "compose",
        Action::WrapUp => "wrap_up",
        Action::Toggle => "toggle",
        _ => return None,
    })
}

/// Merges the settings file's keys (action name → keys) over the defaults and puts the
/// table in force for this process. Refused, with the reason in Korean, when a name or a
/// key is unknown or a key would then do two things in one place.
pub fn install(overrides: &[(String, Vec<String>)]) -> Result<(), String> {
    let table = with_overrides(overrides)?;
    let _ = TABLE.set(table);
    Ok(())
}

/// The defaults with `overrides` merged over them.
pub fn with_overrides(overrides: &[(String, Vec<String>)]) -> Result<Vec<Binding>, String> {
    let mut table = BINDINGS.to_vec();
    for (name, keys) in overrides {
        let targets: Vec<usize> = table
            .iter()
            .enumerate()
            .filter(|(_, b)| CONFIGURABLE.contains(&b.scope) && action_name(b.action) == Some(name))
            .map(|(i, _)| i)
            .collect();
        if targets.is_empty() {
            let mut names: Vec<&str> = BINDINGS
                .iter()
                .filter(|b| CONFIGURABLE.contains(&b.scope))
                .filter_map(|b| action_name(b.action))
                .collect();
            names.dedup();
            return Err(format!(
                "[keys]의 {} 모르는 동작입니다 (쓸 수 있는 것: {})",
                crate::josa::attach(
                    &format!("\"{}\"", crate::text::visible_line(name)),
                    crate::josa::Particle::EunNeun
                ),
                names.join(", ")
            ));
        }
        let parsed = keys
            .iter()
            .map(|key| parse_key(key))
            .collect::<Result<Vec<_>, _>>()?;
        if parsed.is_empty() {
            return Err(format!("[keys]의 \"{name}\"에 키가 없습니다"));
        }
        let label = parsed
            .iter()
            .map(|&(code, mods)| key_label(code, mods))
            .collect::<Vec<_>>()
            .join(" ");
        let keys: &'static [(KeyCode, KeyModifiers)] = Box::leak(parsed.into_boxed_slice());
        let label: &'static str = Box::leak(label.into_boxed_str());
        for i in targets {
            table[i].keys = keys;
            table[i].label = label;
        }
    }
    for layer in LAYERS {
        let mut seen: Vec<((KeyCode, KeyModifiers), Action)> = Vec::new();
        for binding in table.iter().filter(|b| layer.scopes().contains(&b.scope)) {
            for &key in binding.keys {
                if let Some((_, other)) =
                    seen.iter().find(|(k, a)| *k == key && *a != binding.action)
                {
                    return Err(format!(
                        "[keys]: {} 키가 한 곳({})에서 두 동작({}, {})에 묶입니다",
                        key_label(key.0, key.1),
                        layer_title(layer),
                        action_name(*other).unwrap_or("기본 동작"),
                        action_name(binding.action).unwrap_or("기본 동작"),
                    ));
                }
                seen.push((key, binding.action));
            }
        }
    }
    Ok(table)
}

fn layer_title(layer: Layer) -> &'static str {
    match layer {
        Layer::Panes(scope) => scope.title(),
        Layer::Confirm => Scope::Confirm.title(),
        Layer::TooSmall => "작은 창",
        Layer::WrapUp => Scope::WrapUp.title(),
        Layer::Flag => Scope::Flag.title(),
        Layer::Help => Scope::Help.title(),
        Layer::Changes => Scope::Changes.title(),
        Layer::Search => Scope::Search.title(),
        Layer::RuleInput => Scope::RuleInput.title(),
        Layer::SmsVariable => Scope::SmsVariable.title(),
        Layer::Draft => Scope::Draft.title(),
    }
}

/// A key as the settings file writes it: a character (`j`, `G`, `?`), a named key
/// (`Down`, `PgDn`, `Enter`, `Esc`, `Tab`, `S-Tab`, `Space`, `Home`, `End`), or `C-x` for
/// Control with a letter.
pub fn parse_key(text: &str) -> Result<(KeyCode, KeyModifiers), String> {
    let named = match text {
        "Down" | "↓" => Some(KeyCode::Down),
        "Up" | "↑" => Some(KeyCode::Up),
        "Left" | "←" => Some(KeyCode::Left),
        "Right" | "→" => Some(KeyCode::Right),
        "PgDn" | "PageDown" => Some(KeyCode::PageDown),
        "PgUp" | "PageUp" => Some(KeyCode::PageUp),
        "Home" => Some(KeyCode::Home),
        "End" => Some(KeyCode::End),
        "Enter" => Some(KeyCode::Enter),
        "Esc" => Some(KeyCode::Esc),
        "Tab" => Some(KeyCode::Tab),
        "S-Tab" | "BackTab" => Some(KeyCode::BackTab),
        "Space" => Some(KeyCode::Char(' ')),
        _ => None,
    };
    if let Some(code) = named {
        return Ok((code, KeyModifiers::NONE));
    }
    let mut chars = text.chars();
    match (chars.next(), chars.next(), chars.next(), chars.next()) {
        (Some(c), None, _, _) if !c.is_control() => Ok((KeyCode::Char(c), KeyModifiers::NONE)),
        (Some('C'), Some('-'), Some(c), None) if c.is_ascii_alphabetic() => {
            Ok((KeyCode::Char(c.to_ascii_lowercase()), KeyModifiers::CONTROL))
        }
        _ => Err(format!(
            "[keys]: 키 {} 알 수 없습니다 (예: j, G, ?, Down, PgDn, Enter, Esc, Tab, S-Tab, Space, Home, End, C-d)",
            crate::josa::attach(
                &format!("\"{}\"", crate::text::visible_line(text)),
                crate::josa::Particle::EulReul
            )
        )),
    }
}

/// How a key is written in the footer and the help.
pub fn key_label(code: KeyCode, mods: KeyModifiers) -> String {
    let name = match code {
        KeyCode::Down => "↓".to_owned(),
        KeyCode::Up => "↑".to_owned(),
        KeyCode::Left => "←".to_owned(),
        KeyCode::Right => "→".to_owned(),
        KeyCode::PageDown => "PgDn".to_owned(),
        KeyCode::PageUp => "PgUp".to_owned(),
        KeyCode::BackTab => "S-Tab".to_owned(),
        KeyCode::Char(' ') => "Space".to_owned(),
        KeyCode::Char(c) => c.to_string(),
        other => format!("{other:?}"),
    };
    if mods.contains(KeyModifiers::CONTROL) {
        format!("C-{name}")
    } else {
        name
    }
}

/// The Latin key a character stands for: 2-set jamo are read as the key that types them, so
/// shortcuts work with the Korean IME switched on (ㅓ is j, ㅏ is k, ㅂ is q).
pub fn latin_key(ch: char) -> char {
    key_for_jamo(ch).unwrap_or(ch)
}

/// The action `key` stands for in `layer`: the first of the layer's scopes that binds it.
/// Where no field has the keyboard, a jamo is read as the Latin key that types it; Shift is
/// part of the character itself ('G', '?'), so only Control and Alt tell keys apart. At a
/// question Ctrl-C is no, not quit.
pub fn resolve(layer: Layer, key: &KeyEvent) -> Option<Action> {
    let code = match key.code {
        KeyCode::Char(c) if !layer.takes_text() => KeyCode::Char(latin_key(c)),
        other => other,
    };
    let mods = key.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
    let action = layer.scopes().iter().find_map(|&scope| {
        bindings()
            .iter()
            .filter(|binding| binding.scope == scope)
            .find(|binding| binding.keys.iter().any(|&(c, m)| c == code && m == mods))
            .map(|binding| binding.action)
    });
    match (layer, action) {
        (Layer::Confirm, Some(Action::Quit)) => Some(Action::No),
        _ => action,
    }
}

/// A key the footer offers: how it is written, what it does, and the key itself (so a test
/// can press every key a footer names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hint {
    pub label: &'static str,
    pub help: &'static str,
    pub key: (KeyCode, KeyModifiers),
    pub action: Action,
}

/// The footer's keys in `layer`: the hinted bindings of its scopes. A pane's own keys (the
/// rule form's, the SMS pane's) come first: a narrow footer cuts from the end, and the
/// global keys are named on every other pane too; lists keep the global keys first (their
/// own are the arrows and Enter everyone knows).
pub fn footer(layer: Layer) -> Vec<Hint> {
    layer
        .scopes()
        .iter()
        .flat_map(|&scope| bindings().iter().filter(move |b| b.scope == scope))
        .filter(|b| b.hint)
        .map(|b| Hint {
            label: b.label,
            help: short_help(b.help),
            key: b.keys[0],
            action: b.action,
        })
        .collect()
}

fn short_help(help: &'static str) -> &'static str {
    help.split(" (").next().unwrap_or(help)
}

/// The help screen's lines, grouped by scope.
pub fn help_lines() -> Vec<(Option<&'static str>, String)> {
    let mut lines = Vec::new();
    for scope in Scope::ALL {
        lines.push((Some(scope.title()), String::new()));
        for binding in bindings().iter().filter(|b| b.scope == scope) {
            lines.push((None, format!("{:<12} {}", binding.label, binding.help)));
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

    const PANES: Layer = Layer::Panes(Scope::Move);

    #[test]
    fn jamo_work_as_their_keys() {
        assert_eq!(resolve(PANES, &key('ㅓ')), Some(Action::Down));
        assert_eq!(resolve(PANES, &key('ㅏ')), Some(Action::Up));
        assert_eq!(resolve(PANES, &key('ㅂ')), Some(Action::Quit));
        assert_eq!(resolve(PANES, &key('ㅛ')), Some(Action::Copy));
        assert_eq!(
            resolve(
                PANES,
                &KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT)
            ),
            Some(Action::Bottom)
        );
        assert_eq!(
            resolve(
                PANES,
                &KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)
            ),
            Some(Action::Quit)
        );
        assert_eq!(resolve(PANES, &key('c')), Some(Action::CopyCategory));
        assert_eq!(resolve(PANES, &key('x')), None);
        assert_eq!(resolve(Layer::Confirm, &key('ㅛ')), Some(Action::Yes));
    }

    #[test]
    fn a_field_types_letters_and_jamo() {
        for layer in [Layer::Search, Layer::RuleInput, Layer::Draft, Layer::WrapUp] {
            for c in ['q', 'ㅂ', 'j', '?', '1'] {
                assert_eq!(resolve(layer, &key(c)), None, "{layer:?} {c}");
            }
        }
    }

    #[test]
    fn ctrl_c_quits_everywhere_but_answers_no_to_a_question() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        for layer in [
            Layer::TooSmall,
            Layer::WrapUp,
            Layer::Help,
            Layer::Changes,
            Layer::Search,
            Layer::RuleInput,
            Layer::SmsVariable,
            Layer::Draft,
            Layer::Panes(Scope::Rules),
            Layer::Panes(Scope::Sms),
            PANES,
        ] {
            assert_eq!(resolve(layer, &ctrl_c), Some(Action::Quit), "{layer:?}");
        }
        assert_eq!(resolve(Layer::Confirm, &ctrl_c), Some(Action::No));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_layer() {
        for layer in LAYERS {
            let mut seen = std::collections::HashSet::new();
            for binding in BINDINGS
                .iter()
                .filter(|b| layer.scopes().contains(&b.scope))
            {
                for k in binding.keys {
                    assert!(seen.insert(*k), "{k:?} bound twice in {layer:?}");
                }
            }
        }
    }

    #[test]
    fn keys_from_the_settings_file_replace_the_defaults_and_clashes_are_refused() {
        let keys = |pairs: &[(&str, &[&str])]| -> Vec<(String, Vec<String>)> {
            pairs
                .iter()
                .map(|(name, keys)| {
                    (
                        (*name).to_owned(),
                        keys.iter().map(|k| (*k).to_owned()).collect(),
                    )
                })
                .collect()
        };
        let table =
            with_overrides(&keys(&[("down", &["n", "C-n"]), ("quit", &["C-q"])])).expect("merged");
        let down = table
            .iter()
            .find(|b| b.scope == Scope::Move && b.action == Action::Down)
            .expect("down");
        assert_eq!(down.label, "n C-n");
        assert_eq!(down.keys[1], (KeyCode::Char('n'), KeyModifiers::CONTROL));
        // Other scopes keep their keys: the search line's ↓ still picks the next hit.
        assert!(
            table
                .iter()
                .any(|b| b.scope == Scope::Search && b.action == Action::Down && b.label == "↓")
        );
        let unknown = with_overrides(&keys(&[("fly", &["f"])])).expect_err("unknown");
        assert!(unknown.contains("\"fly\"는 모르는 동작"), "{unknown}");
        let clash = with_overrides(&keys(&[("down", &["k"])])).expect_err("clash");
        assert!(clash.contains("k 키가"), "{clash}");
        assert!(with_overrides(&keys(&[("down", &["Ctrl+n"])])).is_err());
        assert_eq!(
            parse_key("PgDn"),
            Ok((KeyCode::PageDown, KeyModifiers::NONE))
        );
        assert_eq!(key_label(KeyCode::Char('d'), KeyModifiers::CONTROL), "C-d");
    }

    #[test]
    fn every_scope_is_in_a_layer_and_every_binding_in_the_help() {
        let help = help_lines();
        for binding in BINDINGS {
            assert!(
                help.iter().any(|(_, line)| line.contains(binding.help)),
                "{}",
                binding.label
            );
        }
        for scope in Scope::ALL {
            assert!(
                BINDINGS.iter().any(|b| b.scope == scope),
                "{scope:?} is empty"
            );
        }
    }
}
