//! The console's vocabulary: its panes, the steps of the handling flow, and the commands a
//! pane returns instead of changing anything outside itself. `App::apply` carries commands
//! out, in one place: whatever depends on the guide or the question shown is reset there.

use crate::history::LogEvent;

/// The four panes, in Tab order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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

    /// The pane with number key `n + 1`, the last for anything larger.
    pub fn nth(n: usize) -> Self {
        Self::ALL[n.min(Self::ALL.len() - 1)]
    }

    #[must_use]
    pub fn next(self) -> Self {
        Self::ALL[(self.index() + 1) % Self::ALL.len()]
    }

    #[must_use]
    pub fn previous(self) -> Self {
        Self::ALL[(self.index() + Self::ALL.len() - 1) % Self::ALL.len()]
    }

    pub fn title(self) -> &'static str {
        match self {
            Pane::Category => "상담 유형",
            Pane::Qa => "Q&A 스크립트",
            Pane::Rules => "규정 조회",
            Pane::Sms => "SMS 템플릿",
        }
    }
}

/// A step of the shown guide's handling order (응대 순서), by its place: the guide's content
/// names the steps and what each puts in front of the agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Step(pub usize);

impl Step {
    pub fn index(self) -> usize {
        self.0
    }

    /// ①, ②, ③ … (circled up to 20, then "(21)").
    pub fn mark(self) -> String {
        char::from_u32(0x2460 + u32::try_from(self.0).unwrap_or(u32::MAX))
            .filter(|_| self.0 < 20)
            .map_or_else(|| format!("({})", self.0 + 1), String::from)
    }

    /// The next step of `count`, staying on the last.
    #[must_use]
    pub fn next(self, count: usize) -> Self {
        Self((self.0 + 1).min(count.saturating_sub(1)))
    }

    #[must_use]
    pub fn previous(self) -> Self {
        Self(self.0.saturating_sub(1))
    }
}

/// What a pane (or the app itself) asks to happen beyond its own state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Quit,
    OpenHelp,
    Focus(Pane),
    SetStep(Step),
    /// Show another guide: everything that points into a guide starts over there.
    SelectGuide(usize),
    /// Select a question of the current guide (its templates are listed anew).
    SelectQa(usize),
    /// Open a question of the current guide in the answer view (noted for the wrap-up).
    OpenQuestion(usize),
    /// Open the call's wrap-up.
    OpenWrapUp,
    /// Open the `바뀐 가이드` view.
    OpenChanges,
    ActivateSearch,
    ClearSearch,
    /// Select the search hit at this rank.
    SelectHit(usize),
    /// Open what the selected hit points to.
    OpenHit,
    /// Start flagging a sentence of the answer shown (`f`).
    StartFlag,
    /// Pin `entry` (a content id) for this agent, or unpin it when it is pinned (`p`).
    TogglePin {
        entry: String,
        guide: Option<String>,
    },
    Copy {
        what: &'static str,
        text: String,
    },
    Toast(String),
    /// Put a message on the clipboard and record it as `event` (an SMS: its template, kind
    /// and bytes with it).
    CopyRecorded {
        what: &'static str,
        event: Box<LogEvent>,
    },
    /// Record an event in the consultation log (the app stamps the real time on it).
    Record(Box<LogEvent>),
    /// Ask the agent first; on yes, carry out the commands.
    Ask {
        question: String,
        then: Vec<Command>,
    },
}

/// What the event loop must do outside the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Put text on the clipboard (OSC 52).
    Copy(String),
}
