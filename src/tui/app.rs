//! The console's state and its reaction to keys, mouse and time. Nothing here draws or
//! touches the terminal, so tests drive it headless.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::{Position, Rect};

use crate::clock;
use crate::content::{Content, Guide, Qa};
use crate::rules::Policy;
use crate::search::{SearchCache, SearchIndex, SearchResults, Target};

use super::keymap::{self, Action, Scope};
use super::{category, qa, rules, sms};

/// The four panes, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Category,
    Qa,
    Rules,
    Sms,
}

impl Pane {
    pub const ALL: [Pane; 4] = [Pane::Category, Pane::Qa, Pane::Rules, Pane::Sms];

    pub fn index(self) -> usize {
        match self {
            Pane::Category => 0,
            Pane::Qa => 1,
            Pane::Rules => 2,
            Pane::Sms => 3,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Category => "상담 유형",
            Pane::Qa => "Q&A 스크립트",
            Pane::Rules => "규정 조회",
            Pane::Sms => "SMS 템플릿",
        }
    }

    fn scope(self) -> Scope {
        match self {
            Pane::Category | Pane::Qa => Scope::Move,
            Pane::Rules => Scope::Rules,
            Pane::Sms => Scope::Sms,
        }
    }
}

/// The guide's handling flow.
pub const STEPS: [&str; 3] = ["문의 탐색", "사유별 처리", "앱 조작 안내"];

/// What the event loop must do outside the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put text on the clipboard (OSC 52).
    Copy(String),
}

/// The console's clock: fixed for training and tests, else the real time in KST.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    pub fixed: Option<DateTime<FixedOffset>>,
}

impl Clock {
    pub fn now(&self) -> DateTime<FixedOffset> {
        self.fixed.unwrap_or_else(clock::now_kst)
    }
}

/// How far PgUp/PgDn move in the hit list.
pub const HIT_PAGE: usize = 10;

/// The search field above the Q&A list.
#[derive(Debug, Default)]
pub struct SearchState {
    /// The field has the keyboard.
    pub active: bool,
    pub query: String,
    pub results: SearchResults,
    pub selected: usize,
}

/// Where things were drawn last, for the mouse.
#[derive(Debug, Default, Clone)]
pub struct Hitboxes {
    pub panes: [Rect; 4],
    /// Per pane: the list area and the index of its first visible row.
    pub lists: [(Rect, usize); 4],
}

pub struct App {
    pub content: Content,
    pub index: SearchIndex,
    search_cache: SearchCache,
    pub clock: Clock,
    pub history_path: Option<PathBuf>,
    pub guide: usize,
    pub step: usize,
    pub focus: Pane,
    pub category: category::State,
    pub qa: qa::State,
    pub search: SearchState,
    pub rules: rules::State,
    pub sms: sms::State,
    pub help_open: bool,
    pub help_scroll: u16,
    pub toast: Option<(String, u32)>,
    pub quit: bool,
    pub effects: Vec<Effect>,
    pub hitboxes: Hitboxes,
    pub color: bool,
}

/// How many ticks (of the event loop's idle timeout) a toast stays.
const TOAST_TICKS: u32 = 8;

impl App {
    pub fn new(
        content: Content,
        now: Option<DateTime<FixedOffset>>,
        history_path: Option<PathBuf>,
    ) -> Self {
        let index = SearchIndex::build(&content);
        let clock = Clock { fixed: now };
        let rules = rules::State::new(clock.now());
        let sms = sms::State::new(history_path.as_deref());
        let category = category::State::new(&content);
        Self {
            content,
            index,
            search_cache: SearchCache::default(),
            clock,
            history_path,
            guide: 0,
            step: 0,
            focus: Pane::Qa,
            category,
            qa: qa::State::default(),
            search: SearchState::default(),
            rules,
            sms,
            help_open: false,
            help_scroll: 0,
            toast: None,
            quit: false,
            effects: Vec::new(),
            hitboxes: Hitboxes::default(),
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    pub fn current_guide(&self) -> Option<&Guide> {
        self.content.guide(self.guide)
    }

    pub fn current_qa(&self) -> Option<&Qa> {
        self.current_guide()?.qa.get(self.qa.selected)
    }

    pub fn policy(&self) -> Option<Policy<'_>> {
        self.current_guide()
            .map(|guide| Policy::of(&self.content, guide))
    }

    pub fn toast(&mut self, message: impl Into<String>) {
        self.toast = Some((message.into(), TOAST_TICKS));
    }

    /// Idle time passed: toasts fade.
    pub fn tick(&mut self) {
        if let Some((_, ticks)) = &mut self.toast {
            *ticks = ticks.saturating_sub(1);
            if *ticks == 0 {
                self.toast = None;
            }
        }
    }

    /// Puts `text` on the clipboard, as a message: the character policy of `crate::text`
    /// removes escape sequences, controls and invisible formatting first.
    pub fn copy(&mut self, what: &str, text: &str) {
        let text = crate::text::message(text);
        let chars = text.chars().count();
        self.effects.push(Effect::Copy(text));
        self.toast(format!("복사함: {what} ({chars}자)"));
    }

    pub fn footer_scope(&self) -> Scope {
        self.focus.scope()
    }

    pub fn handle_event(&mut self, event: &Event) {
        match event {
            Event::Key(key) if key.kind != KeyEventKind::Release => self.handle_key(key),
            Event::Mouse(mouse) => self.handle_mouse(*mouse),
            Event::Paste(text) => {
                for ch in text.chars().filter(|c| !c.is_control()) {
                    self.handle_key(&KeyEvent::new(KeyCode::Char(ch), KeyModifiers::NONE));
                }
            }
            _ => {}
        }
    }

    pub fn handle_key(&mut self, key: &KeyEvent) {
        if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
            self.quit = true;
            return;
        }
        if self.help_open {
            match keymap::resolve(key) {
                Some(Action::Down) => self.help_scroll = self.help_scroll.saturating_add(1),
                Some(Action::Up) => self.help_scroll = self.help_scroll.saturating_sub(1),
                _ => self.help_open = false,
            }
            return;
        }
        // A text field with the keyboard takes the key first.
        if self.search.active {
            self.search_key(key);
            return;
        }
        if self.focus == Pane::Rules && rules::handle_input(self, key) {
            return;
        }
        if self.focus == Pane::Sms && sms::handle_input(self, key) {
            return;
        }
        if let Some(action) = keymap::resolve(key) {
            self.dispatch(action);
        }
    }

    /// Routes an action to the focused pane; what it does not consume is global.
    pub fn dispatch(&mut self, action: Action) {
        let consumed = match self.focus {
            Pane::Category => category::handle(self, action),
            Pane::Qa => qa::handle(self, action),
            Pane::Rules => rules::handle(self, action),
            Pane::Sms => sms::handle(self, action),
        };
        if consumed {
            return;
        }
        match action {
            Action::Quit => self.quit = true,
            Action::Help => {
                self.help_open = true;
                self.help_scroll = 0;
            }
            Action::NextPane => self.focus = Pane::ALL[(self.focus.index() + 1) % 4],
            Action::PrevPane => self.focus = Pane::ALL[(self.focus.index() + 3) % 4],
            Action::FocusPane(n) => self.focus = Pane::ALL[n.min(3)],
            Action::NextStep => self.set_step((self.step + 1).min(STEPS.len() - 1)),
            Action::PrevStep => self.set_step(self.step.saturating_sub(1)),
            Action::Search => {
                self.search.active = true;
                self.focus = Pane::Qa;
            }
            Action::CopyCategory => {
                if let Some(path) = self.current_guide().map(Guide::category_path) {
                    self.copy("상담 유형", &path);
                }
            }
            Action::Back if !self.search.query.is_empty() => self.clear_search(),
            _ => {}
        }
    }

    /// Moves through the handling flow; each step puts the agent where that step is done.
    pub fn set_step(&mut self, step: usize) {
        self.step = step.min(STEPS.len() - 1);
        match self.step {
            0 => {
                self.focus = Pane::Qa;
                self.qa.detail = false;
            }
            1 => {
                self.focus = Pane::Qa;
                self.qa.detail = true;
                self.qa.scroll = 0;
                self.rules.scroll = 0;
            }
            _ => {
                self.focus = Pane::Sms;
                self.sms.selected = 0;
                self.sms.scroll = 0;
            }
        }
    }

    fn search_key(&mut self, key: &KeyEvent) {
        match key.code {
            KeyCode::Esc => {
                if self.search.query.is_empty() {
                    self.search.active = false;
                } else {
                    self.clear_search();
                }
            }
            KeyCode::Enter => {
                self.search.active = false;
                self.open_selected_hit();
            }
            KeyCode::Tab => self.search.active = false,
            KeyCode::Down => self.select_hit(self.search.selected + 1),
            KeyCode::Up => self.select_hit(self.search.selected.saturating_sub(1)),
            KeyCode::PageDown => self.select_hit(self.search.selected + HIT_PAGE),
            KeyCode::PageUp => self.select_hit(self.search.selected.saturating_sub(HIT_PAGE)),
            KeyCode::Backspace => {
                self.search.query.pop();
                self.run_search();
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.search.query.clear();
                self.run_search();
            }
            KeyCode::Char(ch)
                if !ch.is_control() && !key.modifiers.contains(KeyModifiers::CONTROL)
                // A pasted page would only slow every keystroke after it.
                && self.search.query.chars().count() < 200 =>
            {
                self.search.query.push(ch);
                self.run_search();
            }
            _ => {}
        }
    }

    pub fn clear_search(&mut self) {
        self.search.query.clear();
        self.search.results = SearchResults::default();
        self.search.selected = 0;
        self.search.active = false;
    }

    /// Selects the hit at `rank` (clamped to the last), ranking hits down to it.
    pub fn select_hit(&mut self, rank: usize) {
        let rank = rank.min(self.search.results.total().saturating_sub(1));
        self.search.results.rank_up_to(&self.index, rank + 1);
        self.search.selected = rank;
    }

    fn run_search(&mut self) {
        self.search.results = if self.search.query.trim().is_empty() {
            SearchResults::default()
        } else {
            self.index
                .search_cached(&mut self.search_cache, &self.search.query)
        };
        self.search.selected = 0;
    }

    /// Opens what the selected hit points to, in the pane that shows it.
    pub fn open_selected_hit(&mut self) {
        let Some(hit) = self.search.results.get(self.search.selected) else {
            return;
        };
        match self.index.doc(hit.doc).target {
            Target::Guide { guide } => {
                self.guide = guide;
                self.focus = Pane::Category;
            }
            Target::Qa { guide, qa } => {
                self.guide = guide;
                self.qa.selected = qa;
                self.qa.detail = true;
                self.qa.scroll = 0;
                self.focus = Pane::Qa;
            }
            Target::Template { guide, template } => {
                self.guide = guide;
                self.sms.select_template(template);
                self.focus = Pane::Sms;
            }
            Target::Rule { guide, rule } => {
                self.guide = guide;
                self.rules.highlight = Some(rule);
                self.focus = Pane::Rules;
            }
        }
    }

    fn handle_mouse(&mut self, mouse: MouseEvent) {
        let at = Position::new(mouse.column, mouse.row);
        let Some(pane) = Pane::ALL
            .into_iter()
            .find(|p| self.hitboxes.panes[p.index()].contains(at))
        else {
            return;
        };
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                self.focus = pane;
                let (list, first) = self.hitboxes.lists[pane.index()];
                if list.contains(at) {
                    let row = first + usize::from(at.y - list.y);
                    match pane {
                        Pane::Category => category::click_row(self, row),
                        Pane::Qa => qa::click_row(self, row),
                        Pane::Rules => {}
                        Pane::Sms => self.sms.selected = row,
                    }
                }
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let previous = self.focus;
                self.focus = pane;
                let action = if mouse.kind == MouseEventKind::ScrollDown {
                    Action::Down
                } else {
                    Action::Up
                };
                self.dispatch(action);
                self.focus = previous;
            }
            _ => {}
        }
    }
}
