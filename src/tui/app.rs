//! The console's state and its reaction to messages: keys, mouse, search answers, the log
//! writer, signals, deadlines ([`App::update`]). A key goes to the layer on top
//! ([`App::layer`]): a question, the wrap-up, the help, a text field, or the focused pane,
//! which answers consumed (with commands) or not; what no pane takes is global. Every
//! command is carried out in [`App::apply`], the one place where selecting a guide or a
//! question resets what depends on it. Nothing here draws or touches the terminal, so tests
//! drive it headless.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};
use ratatui::layout::Position;

use super::changes::Changes;
use super::command::{Command, Effect, Pane, Step};
use super::event::Reloaded;
use super::event::{Mailbox, Message};
use super::flag::{FlagKey, Flagging};
use super::keymap::{self, Action, Layer, Scope};
use super::line_editor::{Edit, FieldKind, LineEditor};
use super::panes::{Context, Outcome, category, qa, rule_form, templates};
use super::report::{FrameReport, Hitboxes};
use super::search_field::{HIT_PAGE, SearchState};
use super::searcher::Searcher;
use super::theme::Theme;
use super::watch::{self, WatchedFolder};
use crate::clock;
use crate::content::{Content, Guide, Qa, StepFocus};
use crate::history::private;
use crate::history::writer::{Finished, LogWriter, WriteReport};
use crate::history::{EventKind, Filter, Log, LogEvent, Ranking};
use crate::search::index_cache::{LoadError, Loaded};
use crate::search::{SearchCache, SearchIndex, Target};
use crate::team::TeamUrl;
use crate::team::pusher::{PushReport, Pusher};

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

/// The context a pane sees, built from the app's fields one by one so that a pane's own
/// state can be borrowed mutably beside it.
macro_rules! context {
    ($app:expr) => {
        Context {
            content: &$app.content,
            index: &*$app.index,
            search: &$app.search,
            pinned: &$app.ranking.pinned,
            guide: $app.guide,
            qa: $app.qa.selected,
            step: $app.step,
            now: $app.clock.now(),
            theme: $app.theme,
        }
    };
}

/// How much of the help centre the console holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum HelpCentre {
    #[default]
    Whole,
    /// The first guide only: the rest is loading on another thread.
    FirstGuideOnly,
}

pub struct App {
    /// Shared with the thread that stores a newly built index.
    pub content: Arc<Content>,
    /// Shared with the thread that stores it for the next start.
    pub index: Arc<SearchIndex>,
    /// Whether the whole help centre is in, or only the first guide while the rest loads.
    pub help_centre: HelpCentre,
    search_cache: SearchCache,
    /// Searches on a thread of its own when the help centre is too large to search within
    /// a frame (typing never waits for it); `None`: on this thread.
    searcher: Option<Searcher>,
    /// When a query's search runs (on this thread): at once (headless use, where a key's
    /// hits are there when the key returns) or, in the console, after the frame that shows
    /// the key, so that the echo of a key never waits for a search over a large help centre.
    pub search_timing: SearchTiming,
    pub clock: Clock,
    pub history_path: Option<PathBuf>,
    /// Where keys, search answers, the log writer's reports and signals arrive.
    mailbox: Mailbox,
    /// Writes the consultation log off the UI thread (none in tests without a log).
    log: Option<LogWriter>,
    /// A lasting notice while the log cannot be written (events wait and are retried).
    pub log_notice: Option<String>,
    /// Pushes the log to the team database in the background (when one is configured).
    team: Option<Pusher>,
    /// How the last push went.
    pub team_state: Option<PushReport>,
    /// What this agent opens and pins (local): pinned entries first for an empty query,
    /// and among equal scores what is opened often first.
    pub ranking: Ranking,
    /// A sentence of the answer being flagged (`f`): it has the keyboard.
    pub flag: Option<Flagging>,
    /// The query last recorded as a search event (a query is recorded once, when it is
    /// left: a hit opened, the query cleared, the call ended).
    search_recorded: Option<String>,
    /// The content folder to watch for changes, until watching starts (once the whole help
    /// centre is in); `None` for the embedded guide, and once started.
    watched: Option<WatchedFolder>,
    /// A lasting notice while the content folder, changed, cannot be shown (the content
    /// shown is the last that loaded).
    pub content_notice: Option<String>,
    /// What changed in the content while the console ran, and the view over it.
    pub changes: Changes,
    /// Where what the agent last looked at is kept between runs.
    seen_file: Option<PathBuf>,
    /// The guide shown.
    pub guide: usize,
    pub step: Step,
    pub focus: Pane,
    pub category: category::State,
    pub qa: qa::State,
    pub search: SearchState,
    pub rules: rule_form::State,
    pub sms: templates::State,
    pub help_open: bool,
    pub help_scroll: u16,
    /// A question waiting for y/n before something is done (quit with inputs, send after
    /// the schedule closed what the template offers).
    pub confirm: Option<Confirm>,
    pub call: Call,
    /// A passing notice in the footer, and when it fades.
    pub toast: Option<(String, Instant)>,
    pub quit: bool,
    /// The signal that ends the console, if one did.
    pub ending: Option<i32>,
    pub effects: Vec<Effect>,
    /// Where the last frame drew each pane and list (for the mouse).
    pub hitboxes: Hitboxes,
    /// The last frame found the terminal too small: keys act unseen, so only quit works.
    pub too_small: bool,
    pub theme: Theme,
    /// What the last copy was and how long, for the toast that says how it went.
    last_copy: Option<(&'static str, usize)>,
}

/// The call being handled, from the agent's first key to its wrap-up.
#[derive(Debug)]
pub struct Call {
    /// The first key of the call (the header counts from it).
    pub started: Option<Instant>,
    /// The questions opened, once each, in order: (guide, question).
    pub questions: Vec<(usize, usize)>,
    /// What was copied and sent during the call.
    pub events: Vec<LogEvent>,
    /// The agent's own words for the ticket.
    pub memo: LineEditor,
    /// The wrap-up is open.
    pub wrapping_up: bool,
}

impl Call {
    fn new() -> Self {
        Self {
            started: None,
            questions: Vec::new(),
            events: Vec::new(),
            memo: LineEditor::new(FieldKind::Memo),
            wrapping_up: false,
        }
    }
}

/// When a search typed on the loop's thread runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchTiming {
    /// With the key that changed the query.
    AtOnce,
    /// Once the frame that shows the key is drawn (`App::run_due_search`, from the loop).
    AfterFrame,
    /// As `AfterFrame`, with a query waiting to be searched.
    Due,
}

/// From this many documents a keystroke's search may take longer than a frame: it runs on a
/// thread of its own, and typing never waits for it.
pub const SEARCH_OFF_THREAD_FROM: usize = 400_000;

/// From this many documents the ranked tier's postings take longer than a keystroke to build
/// (about 0.15 s at 20,000): they are built on a thread of their own when the index comes,
/// and searches are the exact tiers' alone until they are ready.
pub const RANKED_IN_BACKGROUND_FROM: usize = 20_000;

/// Guides read from a help centre's folder kept in memory besides the one shown (each is a
/// few megabytes parsed; one let go is read again, in tens of milliseconds, when next shown).
pub const GUIDES_KEPT: usize = 8;

/// A yes/no question over the console: `y` (ㅛ) or Enter does `then`, any other key cancels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub question: String,
    pub then: Vec<Command>,
}

/// Lines one notch of the mouse wheel scrolls a text.
const WHEEL_LINES: u16 = 3;

/// How long a toast stays.
const TOAST_FOR: Duration = Duration::from_secs(4);

impl App {
    pub fn new(
        content: impl Into<Arc<Content>>,
        now: Option<DateTime<FixedOffset>>,
        history_path: Option<PathBuf>,
    ) -> Self {
        let content = content.into();
        let index = Arc::new(SearchIndex::build(&content));
        Self::with_index(content, index, now, history_path)
    }

    /// The console over `content` searched with `index` (built from that very content).
    pub fn with_index(
        content: impl Into<Arc<Content>>,
        index: Arc<SearchIndex>,
        now: Option<DateTime<FixedOffset>>,
        history_path: Option<PathBuf>,
    ) -> Self {
        let content = content.into();
        let clock = Clock { fixed: now };
        let rules = rule_form::State::new(clock.now(), content.guide(0));
        let (recent, warning) = history_path
            .as_deref()
            .map(recent_events)
            .unwrap_or_default();
        let sms = templates::State::new(recent, warning);
        let mailbox = Mailbox::default();
        let log = history_path.clone().and_then(|path| {
            let poster = mailbox.poster();
            LogWriter::start(path, move |report| {
                poster.post(Message::Log(report));
            })
            .ok()
        });
        let category = category::State::new(&content);
        let ranking = history_path
            .as_deref()
            .and_then(|path| Log::open_existing(path).ok().flatten())
            .and_then(|(log, _)| log.ranking().ok())
            .unwrap_or_default();
        let mut app = Self {
            content,
            index,
            help_centre: HelpCentre::Whole,
            search_cache: SearchCache::default(),
            searcher: None,
            search_timing: SearchTiming::AtOnce,
            clock,
            history_path,
            mailbox,
            log,
            log_notice: None,
            team: None,
            team_state: None,
            ranking,
            flag: None,
            search_recorded: None,
            watched: None,
            content_notice: None,
            changes: Changes::default(),
            seen_file: None,
            guide: 0,
            step: Step::default(),
            focus: Pane::Qa,
            category,
            qa: qa::State::default(),
            search: SearchState::default(),
            rules,
            sms,
            help_open: false,
            help_scroll: 0,
            confirm: None,
            call: Call::new(),
            toast: None,
            quit: false,
            ending: None,
            effects: Vec::new(),
            hitboxes: Hitboxes::default(),
            too_small: false,
            theme: Theme::from_env(),
            last_copy: None,
        };
        app.search_off_thread_when_large();
        app
    }

    /// The whole help centre is in: its content (every guide listed, each read when it is
    /// opened) and index replace the first guide's. The guide shown stays shown (it is the
    /// help centre's first), and a query typed meanwhile is searched again over everything.
    pub fn apply_loaded(&mut self, loaded: Loaded) {
        self.replace_content(loaded.content, loaded.index);
        self.help_centre = HelpCentre::Whole;
        let count = self.content.guide_count();
        self.toast(format!("가이드 {count}개 모두에서 검색합니다"));
        self.start_watching();
    }

    /// Other content and its index: what is derived from them (the category tree, the
    /// search cache and worker) is made again, the guide shown stays shown where it still
    /// is, and a query typed meanwhile is searched again. The one way content changes under
    /// a running console (the rest of a help centre now; a content watcher or a sync later).
    pub fn replace_content(&mut self, content: Content, index: SearchIndex) {
        let shown = self.current_guide().map(|guide| guide.id.clone());
        self.content = Arc::new(content);
        self.index = Arc::new(index);
        self.search_cache = SearchCache::default();
        self.searcher = None;
        self.search_off_thread_when_large();
        self.category.content_changed(&self.content);
        let guide = shown.and_then(|id| self.content.guide_index(&id));
        match guide {
            Some(guide) if guide == self.guide => self.category.show_guide(guide),
            _ => {
                self.select_guide(guide.unwrap_or(0));
            }
        }
        if self.search.searching() {
            self.run_search();
        }
    }

    /// The rest of the help centre could not be loaded: the console goes on with the guide
    /// it shows, and says why.
    pub fn loading_failed(&mut self, message: &str) {
        self.help_centre = HelpCentre::Whole;
        self.toast(format!("나머지 가이드를 불러오지 못했습니다: {message}"));
        self.start_watching();
    }

    /// Watches `folder`, the content's, for changes: from now on when the whole help centre
    /// is in, else once it is (what a change did is said against the content shown).
    pub fn watch_folder(&mut self, folder: WatchedFolder) {
        self.seen_file.clone_from(&folder.seen);
        self.watched = Some(folder);
        self.start_watching();
    }

    fn start_watching(&mut self) {
        if self.help_centre != HelpCentre::Whole {
            return;
        }
        let Some(folder) = self.watched.take() else {
            return;
        };
        if let Err(err) = watch::watch(folder, Arc::clone(&self.content), self.poster()) {
            self.content_notice = Some(format!(
                "콘텐츠 폴더의 변경을 지켜볼 수 없습니다 (바뀌어도 다시 열어야 보입니다): {}",
                crate::text::io_reason(&err)
            ));
        }
    }

    /// The content folder changed and was read again: new content replaces what is shown,
    /// the agent kept where they were (see [`App::keep_place_in`]); content that did not load
    /// leaves everything as it was, with a notice that stays until some content loads.
    pub fn content_reloaded(&mut self, outcome: Result<Reloaded, LoadError>) {
        let reloaded = match outcome {
            Ok(reloaded) => reloaded,
            Err(error) => {
                self.content_notice = Some(watch::refusal(&error));
                return;
            }
        };
        self.content_notice = None;
        let Reloaded {
            loaded,
            before,
            after,
            changes,
        } = reloaded;
        let count = changes.len();
        let kept = self.keep_place_in(loaded);
        self.changes
            .reloaded(before, after, changes, self.clock.now());
        self.toast(match (count, kept) {
            (0, _) => "콘텐츠 폴더를 다시 읽었습니다 (바뀐 가이드 없음)".to_owned(),
            (_, true) => format!("콘텐츠가 바뀌었습니다: 가이드 {count}개 · u 바뀐 가이드"),
            (_, false) => format!(
                "콘텐츠가 바뀌었습니다: 가이드 {count}개 · 보던 가이드가 빠져 첫 가이드를 보여 줍니다 · u 바뀐 가이드"
            ),
        });
    }

    /// Puts `loaded` in place of the content shown, keeping the agent where they were: the
    /// guide, the question (open or not), the step and the pane, the tree's row, the query
    /// and its hit, the rule inputs and SMS variables typed, the questions the call opened,
    /// each found again by id. What is gone falls back to the nearest thing that is not.
    /// Whether the guide shown is still there.
    fn keep_place_in(&mut self, loaded: Loaded) -> bool {
        let ids = |content: &Content, guide: usize, qa: usize| {
            content.guide(guide).map(|g| {
                let qa = g.qa.get(qa).map(|q| q.id.clone());
                (g.id.clone(), qa)
            })
        };
        let shown = ids(&self.content, self.guide, self.qa.selected);
        let tree_row = self
            .category
            .rows()
            .get(self.category.row)
            .and_then(|row| row.guide)
            .and_then(|guide| self.content.card(guide).map(|card| card.id.clone()));
        let questions: Vec<_> = self
            .call
            .questions
            .iter()
            .filter_map(|&(guide, qa)| ids(&self.content, guide, qa))
            .collect();
        let hit = self.search.selected;

        self.content = Arc::new(loaded.content);
        self.index = Arc::new(loaded.index);
        self.search_cache = SearchCache::default();
        self.searcher = None;
        self.search_off_thread_when_large();
        self.help_centre = HelpCentre::Whole;
        self.category.content_changed(&self.content);

        let find = |content: &Content, (guide, qa): &(String, Option<String>)| {
            let g = content.guide_index(guide)?;
            let q = qa
                .as_ref()
                .and_then(|qa| content.guide(g)?.qa.iter().position(|q| &q.id == qa));
            Some((g, q))
        };
        let place = shown.as_ref().and_then(|shown| find(&self.content, shown));
        let kept = place.is_some();
        match place {
            Some((guide, qa)) => {
                self.guide = guide;
                self.step = Step(self.step.index().min(self.step_count() - 1));
                match qa {
                    Some(qa) => self.qa.selected = qa,
                    None => self.qa = qa::State::default(),
                }
                if let Some(shown) = self.content.guide(guide) {
                    self.rules.for_guide(shown);
                    if self
                        .rules
                        .highlight
                        .is_some_and(|rule| rule >= shown.rules.len())
                    {
                        self.rules.highlight = None;
                    }
                }
            }
            None => {
                self.select_guide(0);
            }
        }
        let row_guide = tree_row
            .and_then(|id| self.content.guide_index(&id))
            .unwrap_or(self.guide);
        let rows = self.category.rows();
        if let Some(row) = rows.iter().position(|r| r.guide == Some(row_guide)) {
            self.category.row = row;
        }
        self.call.questions = questions
            .iter()
            .filter_map(|asked| match find(&self.content, asked) {
                Some((guide, Some(qa))) => Some((guide, qa)),
                _ => None,
            })
            .collect();
        if self.search.searching() {
            self.run_search();
            if self.searcher.is_none() {
                self.search.selected = hit.min(self.search.results.total().saturating_sub(1));
            }
        }
        kept
    }

    /// Searches on a thread of its own from now on, whatever the size of the help centre
    /// (tests; the console does so by itself from [`SEARCH_OFF_THREAD_FROM`] documents).
    pub fn search_off_thread(&mut self) {
        let poster = self.mailbox.poster();
        self.searcher = Some(Searcher::start(Arc::clone(&self.index), poster));
    }

    fn search_off_thread_when_large(&mut self) {
        if self.index.len() >= RANKED_IN_BACKGROUND_FROM {
            // Detached: it ends with the build, and the index it holds goes with it.
            drop(self.index.prepare_ranked_in_background());
        }
        if self.index.len() >= SEARCH_OFF_THREAD_FROM {
            self.search_off_thread();
        }
    }

    /// A search sent off the thread has not answered yet (the hits shown are the previous
    /// query's).
    pub fn search_pending(&self) -> bool {
        self.search_timing == SearchTiming::Due
            || self.searcher.as_ref().is_some_and(Searcher::is_waiting)
    }

    /// Runs the search the query asks for if it waits for the frame to be drawn first;
    /// whether there was one (the screen changed).
    pub fn run_due_search(&mut self) -> bool {
        if self.search_timing != SearchTiming::Due {
            return false;
        }
        self.search_timing = SearchTiming::AfterFrame;
        let results = self
            .index
            .search_cached(&mut self.search_cache, self.search.query.text());
        self.show_results(results);
        true
    }

    /// Waits for the hits of the query typed last, before the agent acts on them (other
    /// messages that come meanwhile are taken in after).
    fn settle_search(&mut self) {
        self.run_due_search();
        let mailbox = &mut self.mailbox;
        if let Some(results) = self.searcher.as_mut().and_then(|s| s.wait(mailbox)) {
            self.show_results(results);
        }
    }

    fn show_results(&mut self, results: crate::search::SearchResults) {
        self.search.results = results;
        self.search.selected = 0;
    }

    pub fn context(&self) -> Context<'_> {
        context!(self)
    }

    pub fn current_guide(&self) -> Option<&Guide> {
        self.content.guide(self.guide)
    }

    pub fn current_qa(&self) -> Option<&Qa> {
        self.current_guide()?.qa.get(self.qa.selected)
    }

    fn toast(&mut self, message: impl Into<String>) {
        self.toast = Some((message.into(), Instant::now() + TOAST_FOR));
    }

    /// A poster for work that reports to this console (the loading of the help centre,
    /// and sources to come: a content watcher, a sync, a team link).
    pub fn poster(&self) -> super::event::Poster {
        self.mailbox.poster()
    }

    /// The next message, waiting for it until the app's next deadline.
    pub fn next_message(&mut self) -> Message {
        let deadline = self.next_deadline();
        self.mailbox.next(deadline)
    }

    /// Takes in every message already waiting (tests; the loop takes them one by one);
    /// whether any changed what is shown.
    pub fn receive_waiting(&mut self) -> bool {
        let mut changed = false;
        while let Some(message) = self.mailbox.try_next() {
            changed |= self.update(message);
        }
        changed
    }

    /// A message already waiting, if any (the loop takes a batch before it draws).
    pub fn waiting_message(&mut self) -> Option<Message> {
        self.mailbox.try_next()
    }

    /// Takes in one message: the one place where what happens elsewhere reaches the state.
    /// Whether the screen may have changed (a frame is drawn once a batch is in).
    pub fn update(&mut self, message: Message) -> bool {
        match message {
            Message::Input(event) => self.handle_event(&event),
            Message::InputEnded(_) => {
                self.quit = true;
                true
            }
            Message::Searched(answer) => {
                let results = self.searcher.as_mut().and_then(|s| s.take(answer));
                results.map(|results| self.show_results(results)).is_some()
            }
            // Content read again while the rest of the help centre loaded is newer.
            Message::HelpCentre(_) if self.help_centre == HelpCentre::Whole => false,
            Message::HelpCentre(loaded) => {
                match *loaded {
                    Ok(loaded) => self.apply_loaded(loaded),
                    Err(error) => self.loading_failed(&error.to_string()),
                }
                true
            }
            Message::ContentReloaded(outcome) => {
                self.content_reloaded(*outcome);
                true
            }
            Message::ContentSinceLastRun(since) => {
                let count = since.changes.len();
                self.changes.since_last_run(
                    since.seen,
                    since.shown,
                    &since.changes,
                    self.clock.now(),
                );
                self.toast(format!(
                    "지난번 확인한 뒤 바뀐 가이드 {count}개 · u 바뀐 가이드"
                ));
                true
            }
            Message::Log(report) => self.log_reported(report),
            Message::Team(report) => {
                let changed = self.team_state.as_ref() != Some(&report);
                self.team_state = Some(report);
                changed
            }
            Message::Signal(signal) => {
                self.ending = Some(signal);
                self.quit = true;
                true
            }
            Message::Deadline => self.deadline_passed(Instant::now()),
        }
    }

    /// What the log writer reported: a failure stays on screen until a write works.
    fn log_reported(&mut self, report: WriteReport) -> bool {
        match report {
            WriteReport::Written => {
                // What is in the log can go to the team now.
                if let Some(team) = &self.team {
                    team.nudge();
                }
                let was_failing = self.log_notice.take().is_some();
                if was_failing {
                    self.toast("기록 저장됨 (대기하던 기록 포함)");
                }
                was_failing
            }
            WriteReport::Failed { message, pending } => {
                self.log_notice = Some(format!(
                    "기록 실패: {message} · {pending}건 대기, 자동으로 다시 시도합니다"
                ));
                true
            }
        }
    }

    /// When something on screen changes by itself: a toast fades, the call timer shows the
    /// next second, the date (or the service's phase) in the header changes. `None`: nothing
    /// will until a message comes.
    pub fn next_deadline(&self) -> Option<Instant> {
        let toast = self.toast.as_ref().map(|(_, until)| *until);
        let timer = self.call.started.map(|started| {
            started + Duration::from_secs(started.elapsed().as_secs().saturating_add(1))
        });
        let clock = self
            .clock
            .fixed
            .is_none()
            .then(|| Instant::now() + self.until_the_header_changes());
        [toast, timer, clock].into_iter().flatten().min()
    }

    /// Time until the header's date or the shown guide's phase next changes by the real
    /// clock: the next midnight in KST, or a schedule event before it.
    fn until_the_header_changes(&self) -> Duration {
        let now = clock::now_kst();
        let midnight = now
            .date_naive()
            .succ_opt()
            .and_then(clock::start_of_day_kst);
        let event = self
            .current_guide()
            .and_then(|guide| guide.schedule.as_ref())
            .into_iter()
            .flat_map(|schedule| &schedule.events)
            .filter_map(|event| DateTime::parse_from_rfc3339(&event.at).ok())
            .filter(|at| *at > now)
            .min();
        [midnight, event]
            .into_iter()
            .flatten()
            .min()
            .and_then(|at| (at - now).to_std().ok())
            // A second past the change, so that the frame drawn then shows it.
            .map_or(Duration::from_secs(3600), |wait| {
                wait + Duration::from_secs(1)
            })
    }

    /// A deadline passed: the toasts due fade. Whether to draw (the timer and the clock
    /// move whenever a deadline passes).
    pub fn deadline_passed(&mut self, now: Instant) -> bool {
        if self.toast.as_ref().is_some_and(|(_, until)| *until <= now) {
            self.toast = None;
        }
        true
    }

    /// Before the process ends: lets the log writer store what it holds, within `limit`
    /// (a locked database cannot hold the exit forever); what it could not is returned.
    pub fn finish(&mut self, limit: Duration) -> Finished {
        // A query still on the search line is a search too.
        self.record_search();
        if let Some(team) = self.team.take() {
            team.stop();
        }
        self.log
            .take()
            .map(|log| log.finish(limit))
            .unwrap_or_default()
    }

    /// Events waiting for the log.
    pub fn log_pending(&self) -> usize {
        self.log.as_ref().map_or(0, LogWriter::pending)
    }

    /// Pushes this console's log to the team database at `url`, in the background, from now
    /// on (nothing without a log).
    pub fn connect_team(&mut self, url: TeamUrl) {
        let Some(history) = self.history_path.clone() else {
            return;
        };
        let poster = self.mailbox.poster();
        self.team = Pusher::start(history, url, move |report| {
            poster.post(Message::Team(report));
        })
        .ok();
    }

    /// `팀 연결 끊김 · N건 대기` while the team database cannot be reached.
    pub fn team_notice(&self) -> Option<String> {
        match &self.team_state {
            Some(PushReport::Down { pending, .. }) => {
                Some(format!("팀 연결 끊김 · {pending}건 대기"))
            }
            _ => None,
        }
    }

    /// Records the query on the search line as a search (its hits counted), once.
    fn record_search(&mut self) {
        let query = self.search.query.text().trim().to_owned();
        if query.is_empty() || self.search_recorded.as_deref() == Some(query.as_str()) {
            return;
        }
        self.settle_search();
        let mut event = LogEvent::new(EventKind::Search, self.clock.now(), self.content.version());
        event.detail.hits = Some(self.search.results.total());
        event.detail.query = Some(query.clone());
        self.search_recorded = Some(query);
        self.apply(Command::Record(Box::new(event)));
    }

    /// Records that `entry` was opened (from the search line's query, when there is one).
    fn record_open(&mut self, guide: Option<String>, entry: String, title: String) {
        let now = self.clock.now();
        self.ranking.opened(&entry, now.timestamp());
        let mut event = LogEvent::new(EventKind::Open, now, self.content.version());
        event.guide_id = guide;
        event.text = title;
        event.detail.entry = Some(entry);
        let query = self.search.query.text().trim().to_owned();
        event.detail.query = (!query.is_empty()).then_some(query);
        self.apply(Command::Record(Box::new(event)));
    }

    /// `f`: the answer shown has the keyboard for a flag, on the sentence it marks (a search
    /// hit's) or its first.
    fn start_flag(&mut self) {
        if self.focus != Pane::Qa {
            self.toast("이 항목에는 신고할 답변 문장이 없습니다 (Q&A 답변에서 f)");
            return;
        }
        let mark = self.qa.mark.clone();
        let started = self
            .current_guide()
            .zip(self.current_qa())
            .and_then(|(guide, qa)| Flagging::start(guide, qa, mark.as_deref()));
        let Some(flag) = started else {
            self.toast("신고할 문장이 없습니다 (질문을 골라 답변을 여세요)");
            return;
        };
        self.qa.detail = true;
        self.qa.mark = flag.sentence().map(|s| s.id.clone());
        self.qa.reveal = true;
        self.flag = Some(flag);
    }

    /// A key while a flag is being made.
    fn flag_key(&mut self, action: Option<Action>, key: &KeyEvent) {
        let Some(flag) = &mut self.flag else {
            return;
        };
        match flag.key(action, key) {
            FlagKey::Typed => {}
            FlagKey::Moved => {
                self.qa.mark = flag.sentence().map(|s| s.id.clone());
                self.qa.reveal = true;
            }
            FlagKey::Cancel => {
                self.qa.mark = flag.previous_mark.take();
                self.flag = None;
                self.toast("신고를 취소했습니다");
            }
            FlagKey::Send => {
                let Some(flag) = self.flag.take() else {
                    return;
                };
                self.qa.mark.clone_from(&flag.previous_mark);
                let Some(sentence) = flag.sentence() else {
                    return;
                };
                let reason = flag.reason();
                let mut event =
                    LogEvent::new(EventKind::Flag, self.clock.now(), self.content.version());
                event.guide_id = Some(flag.guide_id.clone());
                event.text.clone_from(&sentence.text);
                event.detail.entry = Some(sentence.id.clone());
                event.detail.reason.clone_from(&reason);
                self.apply(Command::Record(Box::new(event)));
                self.toast(match reason {
                    Some(reason) => {
                        format!("문장을 신고했습니다 (이유: {reason}) · 콘텐츠 팀에 전달됩니다")
                    }
                    None => "문장을 신고했습니다 · 콘텐츠 팀에 전달됩니다".to_owned(),
                });
            }
        }
    }

    /// `p`: pins `entry` for this agent, or unpins it; recorded in the log (it stays on this
    /// console: pins are never pushed to the team).
    fn toggle_pin(&mut self, entry: String, guide: Option<String>) {
        let pinned = !self.ranking.pinned.contains(&entry);
        let kind = if pinned {
            self.ranking.pinned.insert(entry.clone());
            EventKind::Pin
        } else {
            self.ranking.pinned.remove(&entry);
            EventKind::Unpin
        };
        let mut event = LogEvent::new(kind, self.clock.now(), self.content.version());
        event.guide_id = guide;
        event.detail.entry = Some(entry);
        self.apply(Command::Record(Box::new(event)));
        self.toast(if pinned {
            "고정했습니다 · 질문 목록 맨 위에 보입니다 (p 다시: 해제)"
        } else {
            "고정을 풀었습니다"
        });
    }

    /// Among hits of equal score, those this agent pinned or opens often come first
    /// (frecency by the real clock: it measures the agent's use, not the simulated date).
    fn favour_hits(&mut self) {
        if self.ranking.is_empty() {
            return;
        }
        let now = clock::now_kst().timestamp();
        let (index, content, ranking) = (&self.index, &self.content, &self.ranking);
        self.search.results.favour(|doc| {
            let doc = index.doc(doc);
            let question = match doc.target {
                Target::Qa { guide, qa } => content
                    .guide(guide)
                    .and_then(|g| g.qa.get(qa))
                    .map(|qa| qa.id.as_str()),
                _ => None,
            };
            ranking.weight(doc.id, question, now)
        });
    }

    /// Who has the keyboard now: the one place that decides it, for keys, the footer, the
    /// help and the cursor. A text field has it only while its pane is focused.
    pub fn layer(&self) -> Layer {
        if self.confirm.is_some() {
            Layer::Confirm
        } else if self.too_small {
            Layer::TooSmall
        } else if self.call.wrapping_up {
            Layer::WrapUp
        } else if self.help_open {
            Layer::Help
        } else if self.flag.is_some() {
            Layer::Flag
        } else if self.changes.view.is_some() {
            Layer::Changes
        } else if self.search.active {
            Layer::Search
        } else if self.focus == Pane::Rules && self.rules.editing {
            Layer::RuleInput
        } else if self.focus == Pane::Sms && self.sms.writing() {
            Layer::Draft
        } else if self.focus == Pane::Sms && self.sms.editing.is_some() {
            Layer::SmsVariable
        } else {
            Layer::Panes(self.footer_scope())
        }
    }

    /// The keys the footer names now: the layer's, those that do something here.
    pub fn footer_hints(&self) -> Vec<keymap::Hint> {
        let layer = self.layer();
        keymap::footer(layer)
            .into_iter()
            // Over the help, the moves scroll it; nothing opens.
            .filter(|hint| !(layer == Layer::Help && hint.action == Action::Open))
            // Ctrl-C is named where `q` is a letter; elsewhere `q` says it.
            .filter(|hint| {
                !(hint.action == Action::Quit
                    && hint.key.1 == KeyModifiers::CONTROL
                    && !layer.takes_text())
            })
            .filter(|hint| self.offers(hint.action))
            .map(|mut hint| {
                // The pane numbers: the key named is one that moves (the next pane's).
                if hint.action == Action::FocusPane {
                    let next = u32::try_from(self.focus.next().index() + 1).unwrap_or(1);
                    let digit = char::from_digit(next, 10).unwrap_or('1');
                    hint.key = (KeyCode::Char(digit), KeyModifiers::NONE);
                }
                hint
            })
            .collect()
    }

    /// Whether `action` does anything where the agent is (the footer names only those).
    fn offers(&self, action: Action) -> bool {
        let searching = self.search.searching();
        match (action, self.focus) {
            (Action::Open, Pane::Category) => self
                .category
                .rows()
                .get(self.category.row)
                .is_some_and(|row| row.guide.is_some()),
            (Action::Open | Action::Copy, Pane::Qa) if searching && !self.qa.detail => {
                !self.search.results.is_empty()
            }
            (Action::Open, Pane::Qa) => !self.qa.detail && self.current_qa().is_some(),
            (Action::Copy, Pane::Qa) => self.current_qa().is_some(),
            (Action::Toggle, Pane::Rules) => self.rules.can_toggle(),
            // Named where there is something the agent has not seen.
            (Action::ShowChanges, _) => self.changes.updated.is_some(),
            _ => true,
        }
    }

    /// The key table's scope of the focused pane (for the footer).
    pub fn footer_scope(&self) -> Scope {
        match self.focus {
            Pane::Category | Pane::Qa => Scope::Move,
            Pane::Rules if self.rules.takes_typing() => Scope::RuleField,
            Pane::Rules => Scope::Rules,
            Pane::Sms => Scope::Sms,
        }
    }

    /// Whether a text field has the keyboard (the search line, a rule input, an SMS
    /// variable or text, the memo).
    pub fn editing(&self) -> bool {
        self.layer().takes_text()
    }

    /// A terminal event; whether it may have changed the screen (a mouse that only moved, a
    /// key released, focus coming and going change nothing).
    pub fn handle_event(&mut self, event: &Event) -> bool {
        // Between events nothing borrows a guide: those read longest ago may go (the content
        // is this console's alone once the help centre is in).
        if let Some(content) = Arc::get_mut(&mut self.content) {
            content.let_go_of_guides(GUIDES_KEPT, self.guide);
        }
        let acts = match event {
            Event::Key(key) => key.kind != KeyEventKind::Release,
            Event::Paste(_) | Event::Resize(..) => true,
            Event::Mouse(mouse) => !matches!(mouse.kind, MouseEventKind::Moved),
            Event::FocusGained | Event::FocusLost => false,
        };
        if !acts {
            return false;
        }
        if matches!(event, Event::Key(_) | Event::Paste(_)) && self.call.started.is_none() {
            self.call.started = Some(Instant::now());
        }
        match event {
            Event::Key(key) => self.handle_key(key),
            Event::Mouse(mouse) => self.handle_mouse(*mouse),
            Event::Paste(text) => self.paste(text),
            _ => {}
        }
        true
    }

    /// A paste goes into the text field that has the keyboard, and nowhere else: replayed as
    /// keys it would act as shortcuts (a `q` in it would quit).
    fn paste(&mut self, text: &str) {
        match self.layer() {
            Layer::WrapUp => {
                self.call.memo.insert_str(text);
            }
            Layer::Flag => {
                if let Some(flag) = &mut self.flag {
                    flag.reason.insert_str(text);
                }
            }
            Layer::Search => {
                if self.search.query.insert_str(text) {
                    self.run_search();
                }
            }
            Layer::RuleInput => {
                if let Some(editor) = self.rules.active_editor() {
                    editor.insert_str(text);
                }
            }
            // A value field chosen in the rule form takes a paste as it takes typing: the
            // field is filled anew with it.
            Layer::Panes(Scope::RuleField) => self.rules.paste_value(text),
            Layer::SmsVariable | Layer::Draft => {
                let ctx = context!(self);
                if let Some(editor) = self.sms.active_editor(&ctx) {
                    editor.insert_str(text);
                }
            }
            Layer::Confirm | Layer::TooSmall | Layer::Help | Layer::Changes | Layer::Panes(_) => {
                self.toast("붙여넣기는 입력 칸에서만 됩니다 (/ 검색, Enter 입력)");
            }
        }
    }

    /// A key, for the layer on top: what the key table binds it to there, or typing.
    pub fn handle_key(&mut self, key: &KeyEvent) {
        let layer = self.layer();
        let action = keymap::resolve(layer, key);
        match layer {
            Layer::Confirm => self.answer(action == Some(Action::Yes)),
            // Nothing can be seen: only quitting (and resizing) does anything.
            Layer::TooSmall => {
                if action == Some(Action::Quit) {
                    self.request_quit();
                }
            }
            _ if action == Some(Action::Quit) => self.request_quit(),
            Layer::WrapUp => match action {
                Some(Action::Save) => self.finish_call(),
                Some(Action::Back) => self.call.wrapping_up = false,
                _ => {
                    self.call.memo.handle(key);
                }
            },
            Layer::Help => match action {
                Some(Action::Down) => self.help_scroll = self.help_scroll.saturating_add(1),
                Some(Action::Up) => self.help_scroll = self.help_scroll.saturating_sub(1),
                Some(Action::PageDown) => self.help_scroll = self.help_scroll.saturating_add(10),
                Some(Action::PageUp) => self.help_scroll = self.help_scroll.saturating_sub(10),
                Some(Action::Top) => self.help_scroll = 0,
                Some(Action::Bottom) => self.help_scroll = u16::MAX,
                _ => self.help_open = false,
            },
            Layer::Flag => self.flag_key(action, key),
            Layer::Changes => match action {
                Some(Action::Down) => self.changes.move_selection(1),
                Some(Action::Up) => self.changes.move_selection(-1),
                Some(Action::Toggle) => self.changes.switch_baseline(),
                Some(Action::Open) => self.open_changed_guide(),
                Some(Action::Back) => self.changes.close(),
                _ => {}
            },
            Layer::Search => self.search_key(action, key),
            Layer::RuleInput => self.rules.field_key(action, key),
            Layer::SmsVariable | Layer::Draft => {
                let ctx = context!(self);
                self.sms.field_key(&ctx, action, key);
            }
            Layer::Panes(_) => self.pane_key(action, key),
        }
    }

    /// The answer to the question on screen: yes carries out what it asked about.
    fn answer(&mut self, yes: bool) {
        let Some(confirm) = self.confirm.take() else {
            return;
        };
        if yes {
            for command in confirm.then {
                self.apply(command);
            }
        } else {
            self.toast("취소했습니다");
        }
    }

    /// A key where no field has the keyboard: the focused pane first, then the global keys,
    /// and a character no shortcut takes starts a search.
    fn pane_key(&mut self, action: Option<Action>, key: &KeyEvent) {
        // A value typed on the selected form field goes into it (`없음`, `none` too).
        if self.focus == Pane::Rules && self.rules.start_typing(key) {
            return;
        }
        if action == Some(Action::FocusPane) {
            if let KeyCode::Char(digit) = key.code
                && let Some(n) = digit.to_digit(10)
            {
                self.apply(Command::Focus(Pane::nth((n as usize).saturating_sub(1))));
            }
            return;
        }
        if let Some(action) = action
            && self.dispatch(action)
        {
            return;
        }
        // Typed where no field has the keyboard and no shortcut took it: the agent is
        // searching (a query typed without `/` first, or in the wrong keyboard mode).
        if let KeyCode::Char(c) = key.code
            && !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
            && !c.is_control()
        {
            self.apply(Command::ActivateSearch);
            self.search_key(None, key);
        }
    }

    /// What quitting now would lose: rule inputs, SMS variables typed, an open wrap-up.
    pub fn unsaved(&self) -> Vec<&'static str> {
        let mut lost = Vec::new();
        if self.rules.has_inputs() {
            lost.push("규정 조회 입력");
        }
        if self.sms.has_values() {
            lost.push("SMS 변수");
        }
        if self.call.wrapping_up || !self.call.memo.is_empty() {
            lost.push("상담 정리 메모");
        }
        lost
    }

    /// `q` or Ctrl-C: at once when nothing would be lost, else after a yes.
    fn request_quit(&mut self) {
        let lost = self.unsaved();
        if lost.is_empty() {
            self.quit = true;
        } else {
            self.confirm = Some(Confirm {
                question: format!(
                    "종료하면 {} 사라집니다. 종료할까요?",
                    crate::josa::attach(&lost.join(", "), crate::josa::Particle::IGa)
                ),
                then: vec![Command::Quit],
            });
        }
    }

    /// Applies a pane's commands; whether the pane took the key.
    fn take(&mut self, outcome: Outcome) -> bool {
        match outcome {
            Outcome::Ignored => false,
            Outcome::Consumed(commands) => {
                for command in commands {
                    self.apply(command);
                }
                true
            }
        }
    }

    /// Routes an action to the focused pane; what it does not consume is global. Returns
    /// whether anything took it.
    pub fn dispatch(&mut self, action: Action) -> bool {
        let ctx = context!(self);
        let outcome = match self.focus {
            Pane::Category => self.category.handle(&ctx, action),
            Pane::Qa => self.qa.handle(&ctx, action),
            Pane::Rules => self.rules.handle(&ctx, action),
            Pane::Sms => self.sms.handle(&ctx, action),
        };
        if self.take(outcome) {
            return true;
        }
        let command = match action {
            Action::Quit => {
                self.request_quit();
                return true;
            }
            Action::Help => Command::OpenHelp,
            Action::NextPane => Command::Focus(self.focus.next()),
            Action::PrevPane => Command::Focus(self.focus.previous()),
            Action::NextStep => Command::SetStep(self.step.next(self.step_count())),
            Action::PrevStep => Command::SetStep(self.step.previous()),
            Action::Search => Command::ActivateSearch,
            Action::WrapUp => Command::OpenWrapUp,
            Action::ShowChanges => Command::OpenChanges,
            Action::CopyCategory => match self.current_guide() {
                Some(guide) => Command::Copy {
                    what: "상담 유형",
                    text: guide.category_path(),
                },
                None => return true,
            },
            Action::Back if self.search.searching() => Command::ClearSearch,
            Action::Flag | Action::Pin => {
                Command::Toast("문장 신고(f)와 고정(p)은 Q&A 창(2)에서 합니다".into())
            }
            _ => return false,
        };
        self.apply(command);
        true
    }

    /// Carries out one command. The only place where the guide, the question, the step or
    /// the focus change, and where what depends on them is reset.
    pub fn apply(&mut self, command: Command) {
        match command {
            Command::Quit => self.quit = true,
            Command::OpenHelp => {
                self.help_open = true;
                self.help_scroll = 0;
            }
            Command::Focus(pane) => self.focus = pane,
            Command::SetStep(step) => self.set_step(step),
            Command::SelectGuide(guide) => {
                self.select_guide(guide);
            }
            Command::SelectQa(index) => self.select_qa(index),
            Command::OpenQuestion(index) => {
                self.select_qa(index);
                self.qa.open(index);
                self.note_question();
                if let Some(qa) = self.current_qa() {
                    let (entry, title) = (qa.id.clone(), qa.title());
                    let guide = self.current_guide().map(|g| g.id.clone());
                    self.record_open(guide, entry, title);
                }
            }
            Command::OpenWrapUp => self.call.wrapping_up = true,
            Command::StartFlag => self.start_flag(),
            Command::TogglePin { entry, guide } => self.toggle_pin(entry, guide),
            Command::OpenChanges => {
                self.changes.open();
                self.keep_seen();
            }
            Command::ActivateSearch => {
                self.search.active = true;
                self.focus = Pane::Qa;
            }
            Command::ClearSearch => self.clear_search(),
            Command::SelectHit(rank) => self.select_hit(rank),
            Command::OpenHit => self.open_selected_hit(),
            Command::Copy { what, text } => self.copy(what, &text),
            Command::Toast(message) => self.toast(message),
            Command::Ask { question, then } => self.confirm = Some(Confirm { question, then }),
            Command::CopyRecorded { what, event } => {
                self.put_on_clipboard(what, &event.text);
                self.apply(Command::Record(event));
            }
            Command::Record(event) => {
                let mut event = *event;
                // The log keeps the real time; a simulated clock (--now) is kept beside it.
                event.as_of = self.clock.fixed.map(|_| event.at);
                event.at = clock::now_kst();
                // And no more of what was said to the driver than it needs (issue 17).
                let personal = self.personal_values();
                let personal: Vec<&str> = personal.iter().map(String::as_str).collect();
                event.text = private::mask_with(&event.text, &personal);
                if let Some(log) = &self.log
                    && let Err(full) = log.write(event.clone())
                {
                    // Back-pressure: the log has refused writes for so long that the queue
                    // is full. Said where it stays, rather than the event lost unseen.
                    self.log_notice = Some(format!(
                        "기록 대기열이 가득 찼습니다({}건): 방금 기록은 저장되지 않았습니다 · 디스크와 기록 파일을 확인하세요",
                        full.limit
                    ));
                }
                // The call's SMS copies and sends (the wrap-up lists them; the SMS pane
                // shows the latest): an SMS has a message kind. Other copies (a script, a
                // verdict, a category path), searches, opens, flags and pins are the log's
                // only.
                let message = event.message_kind.is_some();
                if event.kind == EventKind::Sent || (event.kind == EventKind::Copy && message) {
                    self.call.events.push(event.clone());
                    self.sms.recent.push(event);
                }
            }
        }
    }

    /// Shows `guide`: the tree's selection, the question, the rule opened from search and
    /// the SMS selection all start over in it. A guide that cannot be opened (its file
    /// changed or went away since the content was loaded) stays unshown, and the footer says
    /// why and what to do: Enter never does nothing unexplained. Whether it is shown.
    fn select_guide(&mut self, guide: usize) -> bool {
        if self.content.guide(guide).is_none() {
            let why = self.content.unavailable(guide).map_or_else(
                || "목록에 없는 가이드입니다".to_owned(),
                ToString::to_string,
            );
            let title = self
                .content
                .card(guide)
                .map(|card| format!("'{}' ", crate::text::plain_label(&card.title)))
                .unwrap_or_default();
            self.toast(format!(
                "{title}가이드를 열 수 없습니다: {why} · 바뀐 내용을 불러온 뒤 다시 여세요"
            ));
            return false;
        }
        self.guide = guide;
        self.step = Step(self.step.index().min(self.step_count() - 1));
        self.category.show_guide(guide);
        self.qa = qa::State::default();
        self.rules.highlight = None;
        self.rules.scroll = 0;
        if let Some(shown) = self.content.guide(guide) {
            self.rules.for_guide(shown);
        }
        self.sms.reset();
        true
    }

    /// Keeps what the agent has now seen for the next run (written on a thread: a help
    /// centre's snapshot is megabytes).
    fn keep_seen(&self) {
        let (Some(path), Some(seen)) = (self.seen_file.clone(), self.changes.seen().cloned())
        else {
            return;
        };
        let _ = std::thread::Builder::new()
            .name("seen".into())
            .spawn(move || watch::store_seen(&path, &seen));
    }

    /// The guide selected in the `바뀐 가이드` view, opened in the console (the view closes);
    /// a removed guide cannot be.
    fn open_changed_guide(&mut self) {
        let Some(changed) = self.changes.selected() else {
            return;
        };
        match self.content.guide_index(&changed.id) {
            Some(guide) => {
                self.changes.close();
                if guide != self.guide {
                    self.select_guide(guide);
                }
                self.focus = Pane::Category;
            }
            None => self.toast("삭제된 가이드라 열 수 없습니다"),
        }
    }

    /// Selects a question of the guide shown; its own templates are listed anew.
    fn select_qa(&mut self, index: usize) {
        if index != self.qa.selected {
            self.sms.reset();
        }
        self.qa.select(index);
    }

    /// How many steps the shown guide's handling order has.
    pub fn step_count(&self) -> usize {
        self.current_guide()
            .map_or(1, |g| g.handling_order.len().max(1))
    }

    /// Moves through the handling flow; each step puts the agent where the guide says that
    /// step is done.
    pub fn set_step(&mut self, step: Step) {
        self.step = Step(step.index().min(self.step_count() - 1));
        match self.context().step_focus() {
            StepFocus::Questions => {
                self.focus = Pane::Qa;
                self.qa.detail = false;
            }
            StepFocus::Answer => {
                self.focus = Pane::Qa;
                self.qa.detail = true;
                self.qa.scroll = 0;
                self.rules.scroll = 0;
                self.note_question();
            }
            StepFocus::Rules => self.focus = Pane::Rules,
            StepFocus::Category => self.focus = Pane::Category,
            StepFocus::Sms => {
                self.focus = Pane::Sms;
                self.sms.select(0);
                self.sms.scroll = 0;
            }
        }
    }

    /// Puts `text` on the clipboard and records the copy in the log (masked there).
    fn copy(&mut self, what: &'static str, text: &str) {
        let text = crate::text::message(text);
        self.put_on_clipboard(what, &text);
        let event = LogEvent {
            at: self.clock.now(),
            as_of: None,
            kind: EventKind::Copy,
            stored_kind: None,
            guide_id: self.current_guide().map(|g| g.id.clone()),
            template_id: None,
            content_version: self.content.version().to_owned(),
            message_kind: None,
            bytes: None,
            text,
            detail: crate::history::EventDetail::default(),
        };
        self.apply(Command::Record(Box::new(event)));
    }

    /// Puts `text` on the clipboard, as a message: the character policy of `crate::text`
    /// removes escape sequences, controls and invisible formatting first. The toast says it
    /// is asked for; the route's answer replaces it ([`App::copied`]).
    fn put_on_clipboard(&mut self, what: &'static str, text: &str) {
        let text = crate::text::message(text);
        let chars = text.chars().count();
        self.effects.push(Effect::Copy(text));
        self.last_copy = Some((what, chars));
        self.toast(format!("복사 요청: {what} ({chars}자)"));
    }

    /// How the last copy went, said in the footer: the route that took it, and whether it
    /// is known to have worked.
    pub fn copied(&mut self, copied: &super::clipboard::Copied) {
        let (what, chars) = self.last_copy.unwrap_or(("내용", 0));
        let failed = copied
            .failed
            .as_ref()
            .map(|why| format!(" ({why})"))
            .unwrap_or_default();
        let message = if copied.confirmed {
            format!("복사함: {what} ({chars}자) → {}{failed}", copied.route)
        } else {
            format!(
                "복사 요청함: {what} ({chars}자) → {}: 받았는지 확인할 수 없으니 붙여넣어 보세요{failed}",
                copied.route
            )
        };
        self.toast(message);
    }

    /// What an agent typed for a driver into SMS variables that name a person, a phone or
    /// a car: masked in the log wherever it appears.
    fn personal_values(&self) -> Vec<String> {
        const PERSONAL: [&str; 10] = [
            "이름",
            "성함",
            "기사",
            "고객",
            "전화",
            "연락처",
            "차량",
            "name",
            "phone",
            "car",
        ];
        let mut values = Vec::new();
        for (template_id, variables) in &self.sms.values {
            let Some((_, template)) = self.content.template(template_id) else {
                continue;
            };
            for variable in &template.variables {
                let personal = PERSONAL.iter().any(|hint| {
                    variable.name.to_lowercase().contains(hint) || variable.label.contains(hint)
                });
                if let Some(editor) = variables.get(&variable.name)
                    && personal
                    && !editor.is_empty()
                {
                    values.push(editor.text().to_owned());
                }
            }
        }
        values
    }

    /// A key on the search line: the hit list's moves, open, clear, leave, or typing.
    fn search_key(&mut self, action: Option<Action>, key: &KeyEvent) {
        match action {
            Some(Action::Back) => {
                if self.search.query.is_empty() {
                    self.search.active = false;
                } else {
                    self.clear_search();
                }
            }
            Some(Action::Open) => {
                self.search.active = false;
                self.open_selected_hit();
            }
            Some(Action::ToList) => self.search.active = false,
            Some(Action::Down) => self.select_hit(self.search.selected + 1),
            Some(Action::Up) => self.select_hit(self.search.selected.saturating_sub(1)),
            Some(Action::PageDown) => self.select_hit(self.search.selected + HIT_PAGE),
            Some(Action::PageUp) => {
                self.select_hit(self.search.selected.saturating_sub(HIT_PAGE));
            }
            _ => {
                if self.search.query.handle(key) == Edit::Changed {
                    self.run_search();
                }
            }
        }
    }

    pub fn clear_search(&mut self) {
        self.record_search();
        self.search_recorded = None;
        self.search = SearchState::default();
        if let Some(searcher) = &mut self.searcher {
            searcher.forget();
        }
    }

    /// Selects the hit at `rank` (clamped to the last), ranking hits down to it.
    pub fn select_hit(&mut self, rank: usize) {
        self.settle_search();
        let rank = rank.min(self.search.results.total().saturating_sub(1));
        self.search.results.rank_up_to(&self.index, rank + 1);
        self.favour_hits();
        self.search.selected = rank;
    }

    fn run_search(&mut self) {
        if !self.search.searching() {
            if self.search_timing == SearchTiming::Due {
                self.search_timing = SearchTiming::AfterFrame;
            }
            if let Some(searcher) = &mut self.searcher {
                searcher.forget();
            }
            self.show_results(crate::search::SearchResults::default());
            return;
        }
        let query = self.search.query.text();
        if let Some(searcher) = &mut self.searcher {
            searcher.ask(query);
        } else if self.search_timing != SearchTiming::AtOnce {
            self.search_timing = SearchTiming::Due;
        } else {
            let results = self.index.search_cached(&mut self.search_cache, query);
            self.show_results(results);
        }
    }

    /// Opens what the selected hit points to, in the pane that shows it, in its guide.
    pub fn open_selected_hit(&mut self) {
        self.settle_search();
        let Some(hit) = self.search.results.get(self.search.selected) else {
            return;
        };
        let hit_doc = hit.doc;
        self.record_search();
        let (target, entry, title) = {
            let doc = self.index.doc(hit_doc);
            (doc.target, doc.id.to_owned(), doc.title.to_owned())
        };
        let guide_id = self
            .index
            .guide_name(target.guide())
            .map(|(id, _)| id.to_owned());
        self.record_open(guide_id, entry, title);
        let guide = match target {
            Target::Guide { guide }
            | Target::Qa { guide, .. }
            | Target::Template { guide, .. }
            | Target::Rule { guide, .. } => guide,
        };
        if guide != self.guide && !self.select_guide(guide) {
            return;
        }
        match target {
            Target::Guide { .. } => {
                self.focus = Pane::Category;
                // A hit in one of the guide's notes: that note is marked and brought up.
                let text = &self.index.doc(hit_doc).text;
                let item = self.current_guide().and_then(|guide| {
                    guide
                        .notes
                        .iter()
                        .flat_map(|section| &section.items)
                        .find(|item| guide.item_text(item) == *text)
                        .map(|item| item.id.clone())
                });
                if item.is_some() {
                    self.category.mark = item;
                    self.category.reveal = true;
                }
            }
            Target::Qa { qa, .. } => {
                self.select_qa(qa);
                self.qa.open(qa);
                self.focus = Pane::Qa;
                self.note_question();
                // A hit in the answer's text: that sentence is marked and brought into view.
                let text = &self.index.doc(hit_doc).text;
                let item = self.current_qa().and_then(|qa| {
                    qa.sections
                        .iter()
                        .flat_map(|section| &section.items)
                        .find(|item| item.text == *text)
                        .map(|item| item.id.clone())
                });
                if item.is_some() {
                    self.qa.mark = item;
                    self.qa.reveal = true;
                }
            }
            Target::Template { template, .. } => {
                self.sms.select_template(template);
                self.focus = Pane::Sms;
            }
            Target::Rule { rule, .. } => {
                self.rules.highlight = Some(rule);
                self.rules.reveal = true;
                self.focus = Pane::Rules;
            }
        }
    }

    /// The call's time so far, from its first key ("3:07").
    pub fn call_elapsed(&self) -> Option<String> {
        let seconds = self.call.started?.elapsed().as_secs();
        Some(format!("{}:{:02}", seconds / 60, seconds % 60))
    }

    /// The question shown is one the call asked about (once each, for the wrap-up).
    fn note_question(&mut self) {
        let opened = (self.guide, self.qa.selected);
        if self.current_qa().is_some() && !self.call.questions.contains(&opened) {
            self.call.questions.push(opened);
        }
    }

    /// The ticket note of the call so far: category, guide and content version, questions
    /// opened, the rule inputs' one-line verdict, the SMS copied or sent, the memo.
    pub fn wrapup_note(&self) -> String {
        let mut note = String::new();
        let now = self.clock.now();
        let _ = write!(note, "[상담 정리] {}", clock::format_kst(&now));
        if let Some(elapsed) = self.call_elapsed() {
            let _ = write!(note, " · 통화 {elapsed}");
        }
        note.push('\n');
        if let Some(guide) = self.current_guide() {
            let _ = writeln!(note, "상담 유형: {}", guide.category_path());
            let _ = writeln!(
                note,
                "가이드: {} ({} · 콘텐츠 {})",
                guide.title,
                guide.id,
                self.content.version()
            );
        }
        for &(guide, qa) in &self.call.questions {
            if let Some(qa) = self.content.guide(guide).and_then(|g| g.qa.get(qa)) {
                let label = qa.label.clone().unwrap_or_default();
                let _ = writeln!(note, "문의: {label} {}", qa.title());
            }
        }
        if self.call.questions.is_empty() {
            note.push_str("문의: (열어 본 질문 없음)\n");
        }
        if let Some(verdict) = self.rules.verdict_summary(&self.context()) {
            let _ = writeln!(note, "판정: {verdict}");
        }
        for event in &self.call.events {
            let template = event
                .template_id
                .as_deref()
                .and_then(|id| self.content.template(id))
                .map_or_else(
                    || "직접 작성".to_owned(),
                    |(_, t)| format!("{} ({})", t.label(), t.id),
                );
            let kind = event.message_kind.map_or("", |k| k.label());
            let _ = writeln!(
                note,
                "SMS {}: {template} · {kind} {} bytes",
                event.kind.label(),
                event.bytes.unwrap_or(0)
            );
        }
        let memo = self.call.memo.text().trim();
        let _ = write!(note, "메모: {}", if memo.is_empty() { "-" } else { memo });
        note
    }

    /// Copies the note, saves it to the log, and starts a new call: inputs cleared, the
    /// timer from the next key.
    fn finish_call(&mut self) {
        let note = self.wrapup_note();
        self.put_on_clipboard("상담 정리", &note);
        // The log keeps the note without the memo (the ticket has it).
        let memo = self.call.memo.text().trim();
        let logged = match note.rsplit_once("\n메모: ") {
            Some((head, _)) => format!("{head}\n메모: {}", private::mask_memo(memo)),
            None => note.clone(),
        };
        self.apply(Command::Record(Box::new(LogEvent {
            at: self.clock.now(),
            as_of: None,
            kind: EventKind::Wrapup,
            stored_kind: None,
            guide_id: self.current_guide().map(|g| g.id.clone()),
            template_id: None,
            content_version: self.content.version().to_owned(),
            message_kind: None,
            bytes: None,
            text: logged,
            detail: crate::history::EventDetail::default(),
        })));
        // The verdict the call reached, for the team's count of verdicts asked: its outcome
        // only (what follows the arrow), never the inputs' context.
        if let Some(verdict) = self.rules.verdict_summary(&self.context()) {
            let outcome = verdict
                .rsplit_once("→ ")
                .map_or(verdict.as_str(), |(_, outcome)| outcome)
                .trim()
                .to_owned();
            let mut event =
                LogEvent::new(EventKind::Verdict, self.clock.now(), self.content.version());
            event.guide_id = self.current_guide().map(|g| g.id.clone());
            event.text = outcome;
            self.apply(Command::Record(Box::new(event)));
        }
        self.call = Call::new();
        self.rules = rule_form::State::new(self.clock.now(), self.content.guide(self.guide));
        self.sms.clear_values();
        self.clear_search();
        self.qa = qa::State::default();
        self.set_step(Step::default());
        self.toast("상담 정리를 복사하고 저장했습니다 · 새 상담");
    }

    /// Before a frame of `height` rows: the hits that can be seen are put in order (drawing
    /// only reads them).
    pub fn prepare_frame(&mut self, height: u16) {
        let visible = self.search.selected + usize::from(height) + 1;
        self.search.results.rank_up_to(&self.index, visible);
        self.favour_hits();
    }

    /// After a frame: where things were drawn, and how far each text really scrolled.
    pub fn frame_drawn(&mut self, report: FrameReport) {
        for (pane, scroll) in &report.scrolls {
            match pane {
                Pane::Category => self.category.scroll = *scroll,
                Pane::Qa => self.qa.scroll = *scroll,
                Pane::Rules => self.rules.scroll = *scroll,
                Pane::Sms => self.sms.scroll = *scroll,
            }
        }
        self.hitboxes = report.hitboxes;
        self.too_small = report.too_small;
        // What was to be brought into view has been, at the scroll just taken in.
        self.rules.reveal = false;
        self.qa.reveal = false;
        self.category.reveal = false;
    }

    /// The mouse acts on the panes, not through what covers them (a question, the wrap-up,
    /// the help, the too-small message).
    fn handle_mouse(&mut self, mouse: MouseEvent) {
        if matches!(
            self.layer(),
            Layer::Confirm
                | Layer::TooSmall
                | Layer::WrapUp
                | Layer::Help
                | Layer::Flag
                | Layer::Changes
        ) {
            return;
        }
        let at = Position::new(mouse.column, mouse.row);
        let Some(pane) = self.hitboxes.pane_at(at) else {
            return;
        };
        match mouse.kind {
            MouseEventKind::Down(MouseButton::Left) => {
                // A field of another pane stops having the keyboard (what it holds stays).
                if pane != Pane::Rules {
                    self.rules.editing = false;
                }
                if pane != Pane::Sms {
                    self.sms.stop_typing();
                }
                self.focus = pane;
                let Some(row) = self.hitboxes.list_row(pane, at) else {
                    return;
                };
                let ctx = context!(self);
                let outcome = match pane {
                    Pane::Category => self.category.click(&ctx, row),
                    Pane::Qa => self.qa.click(&ctx, row),
                    Pane::Sms => self.sms.click(&ctx, row),
                    Pane::Rules => Outcome::Ignored,
                };
                self.take(outcome);
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp
                if self.hitboxes.over_text(pane, at) =>
            {
                // The wheel scrolls the text under the pointer, not the selection.
                let down = mouse.kind == MouseEventKind::ScrollDown;
                let scroll = match pane {
                    Pane::Category => &mut self.category.scroll,
                    Pane::Qa => &mut self.qa.scroll,
                    Pane::Rules => &mut self.rules.scroll,
                    Pane::Sms => &mut self.sms.scroll,
                };
                *scroll = if down {
                    scroll.saturating_add(WHEEL_LINES)
                } else {
                    scroll.saturating_sub(WHEEL_LINES)
                };
            }
            MouseEventKind::ScrollDown | MouseEventKind::ScrollUp => {
                let previous = self.focus;
                self.focus = pane;
                let action = if mouse.kind == MouseEventKind::ScrollDown {
                    Action::Down
                } else {
                    Action::Up
                };
                let _ = self.dispatch(action);
                self.focus = previous;
            }
            _ => {}
        }
    }
}

/// The latest copies and sends of the log at `path`, and the first warning opening it gave.
fn recent_events(path: &std::path::Path) -> (Vec<LogEvent>, Option<String>) {
    match Log::open(path) {
        Ok((log, opened)) => match log.events(&Filter::default()) {
            Ok(events) => {
                let mut events: Vec<LogEvent> = events
                    .into_iter()
                    .filter(|e| matches!(e.kind, EventKind::Copy | EventKind::Sent))
                    .collect();
                let keep = events.len().saturating_sub(20);
                events.drain(..keep);
                (events, opened.warnings.into_iter().next())
            }
            // Never "nothing yet" for a log that could not be read.
            Err(err) => (Vec::new(), Some(format!("기록을 읽지 못했습니다: {err}"))),
        },
        Err(err) => (Vec::new(), Some(format!("기록을 열지 못했습니다: {err}"))),
    }
}
