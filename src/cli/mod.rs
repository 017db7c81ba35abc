//! The command line: the same core as the console, for scripts, editors and tests.
//!
//! Exit codes: 0 on success, 2 on bad input or bad content (with a message on stderr).
//! Output errors such as a closed pipe end the command quietly.

mod check;
mod diff;
mod import;
mod json;
mod korean;
pub mod ranges;
mod review;
mod settings;
mod sync;
mod team;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Serialize;

use crate::clock;
use crate::content::{self, Content, ContentErrors};
use crate::history::{self, EventKind, Filter, Log};
use crate::rules;
use crate::search::index_cache::{self, IndexCache};
use crate::search::{SearchCache, SearchIndex};
use crate::sms;

#[derive(Debug, Parser)]
#[command(
    name = "support-console",
    version,
    about = "택시 기사 상담용 가이드 콘솔 (하위 명령 없이 실행하면 콘솔이 열립니다)"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args, Clone)]
pub struct GlobalArgs {
    /// Load every *.json under DIR instead of the embedded content.
    #[arg(
        long,
        global = true,
        value_name = "DIR",
        help = "내장 콘텐츠 대신 DIR 아래 모든 *.json을 읽습니다"
    )]
    pub content: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true, help = "프로그램이 읽을 JSON으로 출력합니다")]
    pub json: bool,
    /// The console's clock (training, or answering about a past date); default: now, in KST.
    #[arg(
        long,
        global = true,
        value_name = "RFC3339",
        value_parser = ranges::instant,
        help = "콘솔의 시계 (교육용, 지난 날짜 문의용); 기본: 지금 (KST)"
    )]
    pub now: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// The consultation log, a SQLite database (default: the user's data directory); an older
    /// JSON-lines history named here is imported into FILE.sqlite3 beside it.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        help = "상담 기록 데이터베이스 (SQLite; 기본: 사용자 데이터 폴더). 예전 JSON 줄 기록을 지정하면 옆의 FILE.sqlite3로 가져옵니다"
    )]
    pub history: Option<PathBuf>,
    /// Days events are kept in the log; older ones are removed at start.
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = history::DEFAULT_RETENTION_DAYS,
        value_parser = ranges::retention_days,
        help = "상담 기록 보관 일수 (1~100000): 시작할 때 이보다 오래된 기록을 지웁니다"
    )]
    pub retention_days: u32,
    /// How deep the walk of a content folder goes.
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = content::LoadLimits::DEFAULT.depth,
        value_parser = ranges::max_depth,
        help = "콘텐츠 폴더를 읽을 때 내려가는 폴더 깊이 한도 (1~256)"
    )]
    pub max_depth: usize,
    /// How many entries (files and folders) the walk of a content folder looks at.
    #[arg(
        long,
        global = true,
        value_name = "N",
        default_value_t = content::LoadLimits::DEFAULT.files,
        value_parser = ranges::max_files,
        help = "콘텐츠 폴더에서 살펴볼 파일과 폴더 수 한도 (1~10000000)"
    )]
    pub max_files: usize,
    /// How many megabytes of content files are read.
    #[arg(
        long,
        global = true,
        value_name = "MB",
        default_value_t = content::LoadLimits::DEFAULT.megabytes,
        value_parser = ranges::max_megabytes,
        help = "콘텐츠 폴더에서 읽을 *.json 크기 한도, MB (1~1048576)"
    )]
    pub max_mb: usize,
    /// The console's palette: dark, light, or auto (asked of the terminal).
    #[arg(
        long,
        global = true,
        value_name = "THEME",
        value_parser = clap::builder::PossibleValuesParser::new(["dark", "light", "auto"]),
        help = "콘솔 색: dark 어두운 터미널, light 밝은 터미널, auto 터미널에 물어봄 (기본: 설정 파일, 없으면 auto; NO_COLOR면 색 없음)"
    )]
    pub theme: Option<String>,
    /// The team's PostgreSQL database (also from `SUPPORT_CONSOLE_TEAM`): the console pushes
    /// its events there, `history push` and `report` use it.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "SUPPORT_CONSOLE_TEAM",
        hide_env_values = true,
        help = "팀 PostgreSQL 데이터베이스 (postgres://사용자@호스트/DB?sslmode=require; 환경 변수 SUPPORT_CONSOLE_TEAM도 됨): 콘솔이 기록을 보내고 history push와 report가 씁니다"
    )]
    pub team: Option<String>,
}

impl GlobalArgs {
    /// The walk limits the flags set.
    pub fn load_limits(&self) -> content::LoadLimits {
        content::LoadLimits {
            depth: self.max_depth,
            files: self.max_files,
            megabytes: self.max_mb,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate or export content.
    #[command(about = "콘텐츠 검사·내보내기")]
    Content {
        #[command(subcommand)]
        action: ContentAction,
    },
    /// Search everything an agent may look for (Korean-aware).
    #[command(about = "질문·스크립트·규정·SMS 검색 (초성·영타 가능)")]
    Search {
        /// The query; empty lists everything in content order.
        #[arg(default_value = "", help = "검색어; 비우면 전부를 콘텐츠 순서로")]
        query: String,
        /// At most N hits.
        #[arg(
            long,
            value_name = "N",
            value_parser = ranges::limit,
            help = "최대 N건 (1~10000000; 빼면 전부)"
        )]
        limit: Option<u64>,
        /// Types the query one character at a time, as the console does, and reports the
        /// time to load, to index and of each keystroke (a diagnostic).
        #[arg(
            long,
            conflicts_with = "limit",
            help = "검색어를 한 글자씩 콘솔처럼 입력하며 불러오기·색인·글자마다 걸린 시간을 잽니다 (진단)"
        )]
        keystrokes: bool,
    },
    /// What applies to a driver at an instant: signup, renewal, free month, payment.
    #[command(about = "기사님에게 그 시각에 적용되는 규정: 가입·갱신·첫 달 무료·결제")]
    Check(check::CheckArgs),
    /// List, render or measure SMS templates.
    #[command(about = "SMS 템플릿 목록·채우기·바이트 계산 (보낼 수 없으면 종료 코드 1)")]
    Sms(SmsArgs),
    /// The consultation log: copies, SMS sent and call wrap-ups.
    #[command(about = "상담 기록: 복사·SMS 발송·상담 정리")]
    History {
        #[command(subcommand)]
        action: Option<HistoryAction>,
        #[command(flatten)]
        args: HistoryArgs,
    },
    /// What the help centre lacks: searches without results or opens, entries opened,
    /// sentences flagged, SMS sent, verdicts, consoles.
    #[command(
        about = "보고서: 결과 없는 검색, 열지 않은 검색, 많이 연 항목, 신고된 문장, 템플릿별 SMS, 판정, 콘솔 수 (--team이면 팀 데이터베이스, 아니면 --history 기록)"
    )]
    Report(team::ReportArgs),
}

#[derive(Debug, Subcommand)]
pub enum ContentAction {
    /// Validate the content (exit 2 with every problem on stderr).
    #[command(about = "콘텐츠 검사 (문제가 있으면 모두 stderr에, 종료 코드 2)")]
    Check,
    /// Write the loaded content as pretty JSON files into DIR.
    #[command(about = "읽은 콘텐츠를 DIR에 JSON 파일로 씁니다")]
    Export {
        #[arg(
            value_name = "DIR",
            help = "내보낼 폴더 (없거나 비었거나 콘텐츠만 든 폴더)"
        )]
        dir: PathBuf,
    },
    /// Import help-centre articles (Markdown export, HTML body, articles API JSON) as guides.
    #[command(
        about = "도움말 센터 문서(Markdown 내보내기, HTML 본문, articles API JSON)를 가이드로 가져옵니다 (문서마다 따로: 가져올 수 있는 것은 모두 씀)"
    )]
    Import {
        #[arg(
            required = true,
            value_name = "FILE",
            help = "가져올 파일이나 폴더들 (형식은 내용으로 판단; 폴더의 하위 폴더는 상담 유형 경로)"
        )]
        files: Vec<PathBuf>,
        #[arg(long, value_name = "DIR", help = "가이드 JSON을 쓸 폴더")]
        out: PathBuf,
        #[arg(long, value_enum, help = "형식을 정해 줍니다 (기본: 내용으로 판단)")]
        format: Option<import::FormatArg>,
        #[arg(long, help = "지난 가져오기 뒤에 손으로 고친 가이드도 덮어씁니다")]
        force: bool,
        #[arg(
            long,
            help = "문서 하나라도 가져올 수 없으면 아무것도 쓰지 않습니다 (콘텐츠 파이프라인용)"
        )]
        strict: bool,
    },
    /// List, accept or reject the rules the importer proposed (kept across imports).
    #[command(
        about = "가져오기가 제안한 규정 초안을 보고 승인·거절합니다 (다음 가져오기·동기화에도 유지)"
    )]
    Review(review::ReviewArgs),
    /// The guides and sentences that changed between two content folders.
    #[command(about = "두 콘텐츠 폴더 사이에 바뀐 가이드와 문장")]
    Diff(diff::DiffArgs),
    /// Keep a content folder current from a help centre's API (changes since the last sync).
    #[command(
        about = "도움말 센터 API에서 가이드를 받아 콘텐츠 폴더를 최신으로 (처음엔 전체, 다음부턴 바뀐 것만; 검토는 유지)"
    )]
    Sync(sync::SyncArgs),
}

#[derive(Debug, Subcommand)]
pub enum HistoryAction {
    /// Remove every event before a date.
    #[command(about = "이 날짜(KST) 전의 기록을 모두 지우고 몇 건인지 알립니다")]
    Purge {
        #[arg(
            long,
            value_name = "D",
            value_parser = ranges::day_start,
            help = "이 날짜(KST 0시)나 시각 전의 기록을 지웁니다"
        )]
        before: chrono::DateTime<chrono::FixedOffset>,
    },
    /// Write events as JSON lines, owner-only.
    #[command(about = "기록을 JSON 줄로 내보냅니다 (본인만 읽는 파일)")]
    Export {
        #[arg(long, value_name = "FILE", help = "내보낼 파일")]
        out: PathBuf,
    },
    /// Push what the team database has not got yet (twice adds nothing).
    #[command(
        about = "팀 데이터베이스(--team)에 아직 보내지 않은 기록을 보냅니다 (두 번 보내도 늘지 않음; 전화번호·이름·메모는 보내지 않음)"
    )]
    Push,
    /// Forget what this agent opened and pinned, for the ranking of hits.
    #[command(about = "이 콘솔의 고정 항목과 자주 연 항목 순위를 초기화합니다 (기록은 남음)")]
    ResetRanking,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum KindArg {
    Search,
    Open,
    Flag,
    Verdict,
    Sent,
    Copy,
    Wrapup,
}

/// The filters of `history` and `history export`, taken before or after `export` alike
/// (global to the `history` command); `purge` refuses them.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// From this date (KST, YYYY-MM-DD) or instant (RFC 3339) on.
    #[arg(
        long,
        global = true,
        value_name = "D",
        value_parser = ranges::day_start,
        help = "이 날짜(KST, YYYY-MM-DD)나 시각(RFC 3339)부터"
    )]
    pub since: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Up to this date (KST, the whole day included) or before this instant.
    #[arg(
        long,
        global = true,
        value_name = "D",
        value_parser = ranges::day_end,
        help = "이 날짜까지(그날 포함, KST)나 이 시각 전까지"
    )]
    pub until: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Only events of this kind.
    #[arg(
        long,
        global = true,
        value_enum,
        help = "이 종류만: sent 발송, copy 복사, wrapup 상담 정리, search 검색, open 열람, flag 문장 신고, verdict 판정"
    )]
    pub kind: Option<KindArg>,
}

#[derive(Debug, Args)]
pub struct SmsArgs {
    /// The template id; with neither ID nor --text, the templates are listed.
    #[arg(help = "템플릿 id; ID도 --text도 없으면 템플릿 목록")]
    pub id: Option<String>,
    /// A variable's value.
    #[arg(long = "var", value_name = "NAME=VALUE", help = "변수 값")]
    pub vars: Vec<String>,
    /// Measure this free text instead of a template.
    #[arg(
        long,
        value_name = "TEXT",
        conflicts_with = "id",
        help = "템플릿 대신 이 글을 잽니다"
    )]
    pub text: Option<String>,
    /// Only this guide's templates (listing), or check the template is this guide's.
    #[arg(
        long,
        value_name = "ID",
        help = "이 가이드의 템플릿만 (목록), 또는 템플릿이 이 가이드의 것인지 확인"
    )]
    pub guide: Option<String>,
}

/// How a command that ran ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Success,
    /// `sms`: the message cannot be sent as it is (the report was printed): exit 1.
    NotSendable,
    /// `content import`, `content sync`: some articles were refused (named in the report),
    /// the others written: exit 1.
    SomeRefused,
    /// The console was ended by this signal: exit 128 + the signal.
    Signalled(i32),
    /// `history push`, `report --team`: the team database could not be reached or refused
    /// (said on stderr): exit 1.
    TeamFailed,
}

/// A failure the user must fix: printed on stderr, exit 2.
#[derive(Debug)]
pub struct UserError(pub String);

impl From<ContentErrors> for UserError {
    fn from(errors: ContentErrors) -> Self {
        Self(format!("콘텐츠가 올바르지 않습니다:\n{errors}"))
    }
}

/// Standard output is a terminal (set by [`main`]; commands run in-process by tests write
/// to buffers): `report` draws its charts with ratatui there, plain text elsewhere.
pub(crate) static STDOUT_IS_TERMINAL: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

pub fn main() -> ExitCode {
    use std::io::IsTerminal as _;
    STDOUT_IS_TERMINAL.store(
        io::stdout().is_terminal(),
        std::sync::atomic::Ordering::Relaxed,
    );
    // Not locked for the whole run: the console's signal watcher must still be able to write
    // to the terminal from its own thread.
    let mut stdout = io::stdout();
    let mut stderr = io::stderr();
    let code = run_with(
        std::env::args_os(),
        &mut Streams {
            out: &mut stdout,
            err: &mut stderr,
        },
    );
    ExitCode::from(code)
}

/// Where a command writes: standard output and standard error, or buffers in tests.
pub struct Streams<'a> {
    pub out: &'a mut dyn io::Write,
    pub err: &'a mut dyn io::Write,
}

impl Streams<'_> {
    /// Writes text to stdout through the character policy (`crate::text::visible`). A closed
    /// pipe (`search … | head`) is not an error worth a message: the command ends quietly.
    fn print(&mut self, text: &str) {
        let _ = self.out.write_all(crate::text::visible(text).as_bytes());
        let _ = self.out.flush();
    }

    /// A message on stderr, through the same policy.
    fn warn(&mut self, text: &str) {
        let _ = writeln!(self.err, "{}", crate::text::visible(text));
    }

    /// Pretty JSON on stdout, every unsafe character escaped (`crate::text::escape_json`).
    fn print_json(&mut self, value: &impl Serialize) -> Result<(), UserError> {
        let mut text = serde_json::to_string_pretty(value)
            .map_err(|err| UserError(format!("JSON을 쓸 수 없습니다: {err}")))?;
        text.push('\n');
        let text = crate::text::escape_json(text);
        let _ = self.out.write_all(text.as_bytes());
        let _ = self.out.flush();
        Ok(())
    }
}

/// Runs the command line `args` (the program name first) and returns the exit code: 0 on
/// success, 2 on bad input or content. Never panics on any input.
pub fn run_with<I, T>(args: I, streams: &mut Streams<'_>) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
    // `check` takes the declared inputs of the content it asks about as flags.
    let (command, declared, loaded) = match check::command(
        &args,
        <Cli as clap::CommandFactory>::command(),
        |dir| match dir {
            Some(dir) => content::load_dir(dir),
            None => content::load_embedded(),
        },
    ) {
        Ok(built) => built,
        Err(errors) => {
            streams.warn(&format!("support-console: {}", UserError::from(errors).0));
            return 2;
        }
    };
    let parsed = korean::localize(command)
        .try_get_matches_from(&args)
        .and_then(|matches| {
            let mut cli = <Cli as clap::FromArgMatches>::from_arg_matches(&matches)?;
            if let Some(Command::Check(check)) = &mut cli.command {
                check.given = check::given(&matches, &declared);
                check.loaded = check::Loaded(loaded);
            }
            Ok(cli)
        })
        .map_err(korean::korean);
    let cli = match parsed {
        Ok(cli) => cli,
        Err(err) => {
            // Korean through and through (`korean`); clap echoes arguments in its
            // messages, so they go through the character policy too.
            let text = korean::render(&err);
            if err.use_stderr() {
                let _ = streams
                    .err
                    .write_all(crate::text::visible(&text).as_bytes());
                return 2;
            }
            streams.print(&text);
            return 0;
        }
    };
    match run(cli, streams) {
        Ok(Exit::Success) => 0,
        Ok(Exit::NotSendable | Exit::SomeRefused | Exit::TeamFailed) => 1,
        Ok(Exit::Signalled(signal)) => u8::try_from(128 + signal).unwrap_or(u8::MAX),
        Err(UserError(message)) => {
            streams.warn(&format!("support-console: {message}"));
            2
        }
    }
}

pub fn load_content(global: &GlobalArgs) -> Result<Content, ContentErrors> {
    match &global.content {
        Some(dir) => content::load_dir(dir),
        None => content::load_embedded(),
    }
}

fn run(cli: Cli, io: &mut Streams<'_>) -> Result<Exit, UserError> {
    let mut global = cli.global;
    let settings = settings::read(&mut global)?;
    content::set_load_limits(global.load_limits());
    match cli.command {
        None => {
            use std::io::IsTerminal as _;
            if !io::stdin().is_terminal() || !io::stdout().is_terminal() {
                return Err(UserError(
                    "콘솔은 터미널에서 실행해야 합니다 (입출력이 터미널이 아님). 스크립트에서는 하위 명령을 쓰세요: content, search, check, sms, history (support-console --help)".into(),
                ));
            }
            let now = global.now;
            let cache = IndexCache::user();
            let start = index_cache::console_start(cache.as_ref(), global.content.as_deref())?;
            let history = global.history.clone().or_else(history::default_path);
            settings.install_keys()?;
            let theme = crate::tui::theme_for(settings.theme);
            let watched = global.content.clone().map(|dir| {
                let seen = history
                    .as_deref()
                    .and_then(|history| crate::tui::watch::seen_file(history, &dir));
                crate::tui::watch::WatchedFolder { dir, cache, seen }
            });
            let team = team::team_url(&global)?;
            let retention_days = global.retention_days;
            match crate::tui::run(start, watched, now, history, retention_days, team, theme) {
                Ok(crate::tui::Ended::Quit) => Ok(Exit::Success),
                Ok(crate::tui::Ended::Signal(signal)) => Ok(Exit::Signalled(signal)),
                Err(err) => Err(UserError(format!(
                    "콘솔을 열 수 없습니다: {}",
                    crate::text::io_reason(&err)
                ))),
            }
        }
        Some(Command::Content {
            action: ContentAction::Check,
        }) => content_check(io, &global).map(|()| Exit::Success),
        Some(Command::Content {
            action: ContentAction::Export { dir },
        }) => content_export(io, &global, &dir).map(|()| Exit::Success),
        Some(Command::Content {
            action:
                ContentAction::Import {
                    files,
                    out,
                    format,
                    force,
                    strict,
                },
        }) => import::run(
            io,
            &global,
            &import::ImportArgs {
                files: &files,
                out: &out,
                format,
                force,
                strict,
            },
        ),
        Some(Command::Content {
            action: ContentAction::Review(args),
        }) => review::run(io, &global, &args),
        Some(Command::Content {
            action: ContentAction::Diff(args),
        }) => diff::run(io, &global, &args).map(|()| Exit::Success),
        Some(Command::Content {
            action: ContentAction::Sync(args),
        }) => sync::run(io, &global, &args),
        Some(Command::Search {
            query,
            keystrokes: true,
            ..
        }) => search_keystrokes(io, &global, &query).map(|()| Exit::Success),
        Some(Command::Search { query, limit, .. }) => {
            let limit = limit.map(|n| usize::try_from(n).unwrap_or(usize::MAX));
            search(io, &global, &query, limit).map(|()| Exit::Success)
        }
        Some(Command::Check(args)) => check::run(io, &global, args).map(|()| Exit::Success),
        Some(Command::Sms(args)) => sms_command(io, &global, &args),
        Some(Command::History {
            action: Some(HistoryAction::Push),
            ..
        }) => team::push(io, &global),
        Some(Command::History {
            action: Some(HistoryAction::ResetRanking),
            ..
        }) => team::reset_ranking(io, &global),
        Some(Command::Report(args)) => team::report(io, &global, &args),
        Some(Command::History { action, args }) => {
            history_command(io, &global, action.as_ref(), &args).map(|()| Exit::Success)
        }
    }
}

fn content_check(io: &mut Streams<'_>, global: &GlobalArgs) -> Result<(), UserError> {
    match load_content(global) {
        Ok(content) => {
            let guides = content.guide_count();
            let qa: usize = content.guides().map(|g| g.qa.len()).sum();
            let rules: usize = content.guides().map(|g| g.rules.len()).sum();
            let templates = content.templates().count();
            let drafts: Vec<(&content::Guide, &content::Rule)> = content
                .guides()
                .flat_map(|g| g.rules.iter().filter(|r| r.is_draft()).map(move |r| (g, r)))
                .collect();
            if global.json {
                let draft_rules = drafts
                    .iter()
                    .map(|(guide, rule)| json::DraftRule {
                        guide_id: &guide.id,
                        rule_id: &rule.id,
                        summary: rules::summary(guide, &rule.terms),
                        sources: &rule.sources,
                    })
                    .collect();
                io.print_json(&json::ContentSound {
                    ok: true,
                    guides,
                    qa,
                    rules,
                    draft_rules,
                    sms_templates: templates,
                    version: content.version(),
                })
            } else {
                let mut text = format!(
                    "콘텐츠 정상: 가이드 {guides}개, Q&A {qa}개, 규정 {rules}개 (검토 전 초안 {}건), SMS 템플릿 {templates}개; 버전 {}\n",
                    drafts.len(),
                    content.version()
                );
                if !drafts.is_empty() {
                    text.push_str("초안 규정 (검토 전이라 답하지 않음; 검토 후 \"status\": \"draft\"를 지우세요):\n");
                    for (guide, rule) in &drafts {
                        let _ = writeln!(
                            text,
                            "  {} {}: {} (근거: {})",
                            guide.id,
                            rule.id,
                            rules::summary(guide, &rule.terms),
                            rule.sources.join(", ")
                        );
                    }
                }
                io.print(&text);
                Ok(())
            }
        }
        Err(errors) => {
            if global.json {
                io.print_json(&json::ContentFaulty {
                    ok: false,
                    errors: &errors.0,
                })?;
            }
            Err(errors.into())
        }
    }
}

/// Writes the loaded content into `dir` as a folder swapped in whole: the guides and the
/// synonym list are written into a staging folder beside it, which then takes its place. A
/// run killed half-way leaves the old folder as it was (and its staging folder is removed by
/// the next run), never a mix of old and new guides.
fn content_export(io: &mut Streams<'_>, global: &GlobalArgs, dir: &Path) -> Result<(), UserError> {
    let content = load_content(global)?;
    refuse_folder_not_content(dir)?;
    let mut files: Vec<(String, String)> = Vec::new();
    let mut renamed = Vec::new();
    let mut taken = std::collections::HashSet::new();
    for (file_name, guide) in content.files() {
        // Two guides of one name (in two subfolders) both go: the second under a new name.
        let name = unique_name(file_name, &mut taken);
        if name != file_name {
            renamed.push(format!(
                "같은 이름의 가이드 파일이 있어 {}을(를) {}(으)로 저장했습니다",
                crate::text::visible_line(file_name),
                crate::text::visible_line(&name)
            ));
        }
        let mut text = serde_json::to_string_pretty(guide)
            .map_err(|err| UserError(format!("JSON을 쓸 수 없습니다: {err}")))?;
        text.push('\n');
        files.push((name, text));
    }
    // The synonym list in use goes along, so the exported folder searches as this one does.
    let list = content::SynonymList {
        synonyms: content.synonyms().to_vec(),
    };
    let mut text = serde_json::to_string_pretty(&list)
        .map_err(|err| UserError(format!("JSON을 쓸 수 없습니다: {err}")))?;
    text.push('\n');
    files.push((content::SYNONYMS_FILE.to_owned(), text));
    crate::files::replace_folder(dir, crate::files::Start::Empty, |staging| {
        for (name, text) in &files {
            staging.write(Path::new(name), text.as_bytes())?;
        }
        Ok(())
    })
    .map_err(|err| UserError(err.to_string()))?;
    for warning in &renamed {
        io.warn(&format!("경고: {warning}"));
    }
    let written: Vec<String> = files
        .iter()
        .map(|(name, _)| dir.join(name).display().to_string())
        .collect();
    if global.json {
        io.print_json(&json::Written { written: &written })
    } else {
        io.print(&written.iter().fold(String::new(), |mut text, path| {
            let _ = writeln!(text, "저장함: {}", crate::text::path(Path::new(path)));
            text
        }));
        Ok(())
    }
}

/// `name`, or `name-2`, `name-3`… before its extension when an earlier guide took it.
fn unique_name(name: &str, taken: &mut std::collections::HashSet<String>) -> String {
    let mut candidate = name.to_owned();
    let (stem, extension) = name.rsplit_once('.').unwrap_or((name, ""));
    let mut n = 1;
    while !taken.insert(candidate.clone()) || candidate == content::SYNONYMS_FILE {
        n += 1;
        candidate = if extension.is_empty() {
            format!("{stem}-{n}")
        } else {
            format!("{stem}-{n}.{extension}")
        };
    }
    candidate
}

/// An export replaces its folder whole, so it goes only where nothing but content would be
/// lost: a folder that does not exist, is empty, or holds only `*.json` files (in subfolders
/// too). A folder holding anything else (a `.git`, notes, the wrong folder named by mistake)
/// is refused, naming what is there.
fn refuse_folder_not_content(dir: &Path) -> Result<(), UserError> {
    fn first_foreign(dir: &Path, depth: usize) -> std::io::Result<Option<PathBuf>> {
        for entry in std::fs::read_dir(dir)? {
            let path = entry?.path();
            let meta = std::fs::symlink_metadata(&path)?;
            let json = path.extension().is_some_and(|ext| ext == "json");
            if meta.is_dir() && !json && depth < content::LoadLimits::DEFAULT.depth {
                if let Some(found) = first_foreign(&path, depth + 1)? {
                    return Ok(Some(found));
                }
            } else if !(meta.is_file() && json) {
                return Ok(Some(path));
            }
        }
        Ok(None)
    }
    let meta = match std::fs::metadata(dir) {
        Ok(meta) => meta,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(err) => {
            return Err(UserError(format!(
                "{}: 확인할 수 없습니다: {}",
                crate::text::path(dir),
                crate::text::io_reason(&err)
            )));
        }
    };
    if !meta.is_dir() {
        return Err(UserError(format!(
            "{}: 폴더가 아닙니다 (내보낼 폴더를 지정하세요)",
            crate::text::path(dir)
        )));
    }
    match first_foreign(dir, 0) {
        Ok(None) => Ok(()),
        Ok(Some(found)) => Err(UserError(format!(
            "{}: 콘텐츠(*.json)가 아닌 것이 있습니다 ({}). 내보내기는 폴더를 통째로 바꾸므로, 비어 \
             있거나 콘텐츠만 든 폴더를 지정하세요 (아무것도 바꾸지 않았습니다)",
            crate::text::path(dir),
            crate::text::path(found.strip_prefix(dir).unwrap_or(&found))
        ))),
        Err(err) => Err(UserError(format!(
            "{}: 폴더를 읽을 수 없습니다: {}",
            crate::text::path(dir),
            crate::text::io_reason(&err)
        ))),
    }
}

fn search(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    query: &str,
    limit: Option<usize>,
) -> Result<(), UserError> {
    let indexed =
        index_cache::search_index(IndexCache::user().as_ref(), global.content.as_deref())?;
    // A newly built index is stored while the search runs and prints.
    let printed = std::thread::scope(|scope| {
        scope.spawn(|| indexed.store());
        search_and_print(io, global, &indexed.index, query, limit)
    });
    exit_without_freeing(indexed);
    printed
}

/// Hits printed beyond which a stored index's texts are read in one go.
const HOLD_FROM: usize = 2_000;

fn search_and_print(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    index: &SearchIndex,
    query: &str,
    limit: Option<usize>,
) -> Result<(), UserError> {
    let mut results = index.search_cached(&mut SearchCache::default(), query);
    // Only the hits printed are put in order.
    let limit = limit.unwrap_or(usize::MAX);
    if results.total().min(limit) > HOLD_FROM {
        // Many texts to print: read them from a stored index in one go, not one by one.
        index.hold_texts();
    }
    results.rank_up_to(index, limit);
    let hits = &results.ranked()[..results.ranked().len().min(limit)];
    // How the query was read goes to stderr: stdout stays the hits, for pipes and JSON.
    let readings = results.readings();
    if !readings.is_empty() {
        io.warn(&format!("검색어 읽기: {}", readings.join(" · ")));
    }
    if global.json {
        let list: Vec<_> = hits
            .iter()
            .map(|hit| {
                let doc = index.doc(hit.doc);
                let guide = index.guide_name(doc.target.guide());
                json::SearchHit {
                    guide_id: guide.map(|(id, _)| id),
                    guide: guide.map(|(_, title)| title),
                    kind: doc.kind.as_str(),
                    id: doc.id,
                    title: doc.title,
                    text: doc.text,
                    score: hit.score,
                    ranges: hit.ranges.iter().map(|r| [r.start, r.end]).collect(),
                    matched_by: hit.how.names(),
                    guides: std::iter::once(hit.doc)
                        .chain(hit.also.iter().copied())
                        .filter_map(|d| index.guide_name(index.doc(d).target.guide()))
                        .map(|(id, title)| json::GuideName { id, title })
                        .collect(),
                }
            })
            .collect();
        let printed = io.print_json(&list);
        exit_without_freeing(results);
        return printed;
    }
    if hits.is_empty() {
        io.warn(&format!("\"{query}\"에 맞는 항목이 없습니다"));
    }

    // Streamed: a search may print a hundred thousand lines. A closed pipe ends it quietly.
    let mut stdout = io::BufWriter::with_capacity(1 << 16, &mut *io.out);
    let mut line = String::new();
    for hit in hits {
        let doc = index.doc(hit.doc);
        line.clear();
        line.push_str(doc.kind.label());
        if !hit.how.is_plain() {
            line.push('·');
            line.push_str(&hit.how.labels().join("·"));
        }
        line.push('\t');
        // Each hit names its guide: a help centre has many.
        if let Some((_, title)) = index.guide_name(doc.target.guide()) {
            push_one_line(&mut line, title);
            // The same text in other guides: one hit names them.
            if !hit.also.is_empty() {
                line.push_str(" 외 ");
                line.push_str(&hit.also.len().to_string());
                line.push('곳');
            }
            line.push('\t');
        }
        push_one_line(&mut line, doc.title);
        line.push('\t');
        push_one_line(&mut line, &doc.text);
        line.push('\n');
        if stdout.write_all(line.as_bytes()).is_err() {
            break;
        }
    }
    let _ = stdout.flush();
    drop(stdout);
    exit_without_freeing(results);
    Ok(())
}

/// `search QUERY --keystrokes`: loads and indexes the content, then types the query one
/// character at a time with one cache, as the console does (each keystroke counts the hits
/// and puts the first page in order), timing each step.
fn search_keystrokes(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    query: &str,
) -> Result<(), UserError> {
    let millis = |from: std::time::Instant| from.elapsed().as_secs_f64() * 1000.0;
    let started = std::time::Instant::now();
    let indexed =
        index_cache::search_index(IndexCache::user().as_ref(), global.content.as_deref())?;
    let total_ms = millis(started);
    let load_ms = indexed.read.as_secs_f64() * 1000.0;
    let index_ms = total_ms - load_ms;
    let index = &indexed.index;
    let mut cache = SearchCache::default();
    let mut typed = String::new();
    let mut keystrokes = Vec::new();
    for ch in query.chars() {
        typed.push(ch);
        let started = std::time::Instant::now();
        let results = index.search_cached(&mut cache, &typed);
        let ms = millis(started);
        keystrokes.push((typed.clone(), ms, results.total()));
        // Freed outside the timing, as the console keeps a result until the next keystroke.
        drop(results);
    }
    let mut times: Vec<f64> = keystrokes.iter().map(|(_, ms, _)| *ms).collect();
    times.sort_by(f64::total_cmp);
    let percentile = |p: usize| {
        times
            .get((times.len() * p).div_ceil(100).saturating_sub(1))
            .copied()
            .unwrap_or(0.0)
    };
    let round = |ms: f64| (ms * 1000.0).round() / 1000.0;
    let (median, p90, worst) = (percentile(50), percentile(90), percentile(100));
    let printed = if global.json {
        io.print_json(&json::TypedQuery {
            load_ms: round(load_ms),
            index_ms: round(index_ms),
            index: indexed.source.as_str(),
            documents: index.len(),
            keystrokes: keystrokes
                .iter()
                .map(|(query, ms, hits)| json::Keystroke {
                    query,
                    ms: round(*ms),
                    hits: *hits,
                })
                .collect(),
            median_ms: round(median),
            p90_ms: round(p90),
            worst_ms: round(worst),
        })
    } else {
        let how = match indexed.source {
            index_cache::IndexSource::Stored => "저장된 색인 읽음",
            index_cache::IndexSource::Built => "새로 만듦",
            index_cache::IndexSource::Embedded => "내장 콘텐츠",
        };
        let mut text = format!(
            "불러오기 {load_ms:.1} ms · 색인 {index_ms:.1} ms ({how}, 검색 대상 {}개)\n",
            crate::text::group_thousands(index.len())
        );
        for (query, ms, hits) in &keystrokes {
            let mut shown = String::new();
            push_one_line(&mut shown, query);
            let _ = writeln!(
                text,
                "{shown}\t{ms:.2} ms\t{}건",
                crate::text::group_thousands(*hits)
            );
        }
        let _ = writeln!(
            text,
            "글자당: 중앙값 {median:.2} ms · 90% {p90:.2} ms · 최악 {worst:.2} ms"
        );
        io.print(&text);
        Ok(())
    };
    indexed.store();
    exit_without_freeing((cache, indexed));
    printed
}

/// Appends `value` on one line, through the character policy (`crate::text`); a line break
/// becomes a space so that each hit stays one line.
fn push_one_line(out: &mut String, value: &str) {
    if value.chars().any(crate::text::is_unsafe) {
        out.push_str(&crate::text::visible_line(&value.replace('\n', " ")));
    } else {
        out.push_str(value);
    }
}

/// The process ends once a command has printed. With a help centre loaded, handing hundreds
/// of thousands of allocations back one by one takes longer than the search did, and the
/// operating system takes the memory back at once anyway.
fn exit_without_freeing<T>(loaded: T) {
    std::mem::forget(loaded);
}

fn parse_vars(vars: &[String]) -> Result<BTreeMap<String, String>, UserError> {
    vars.iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(name, value)| (name.trim().to_owned(), value.to_owned()))
                .ok_or_else(|| UserError(format!("--var: \"{pair}\"는 NAME=VALUE 꼴이 아닙니다")))
        })
        .collect()
}

/// Lists, renders or measures; exit 1 when the message cannot be sent as it is (the report
/// printed all the same), so a script can tell.
fn sms_command(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    args: &SmsArgs,
) -> Result<Exit, UserError> {
    let content = load_content(global)?;
    let values = parse_vars(&args.vars)?;
    let guide = args
        .guide
        .as_deref()
        .map(|id| check::find_guide(&content, id))
        .transpose()?;
    let (id, title, rendered) = match (&args.id, &args.text) {
        (None, None) => {
            return list_templates(io, global, &content, guide).map(|()| Exit::Success);
        }
        (_, Some(text)) => (None, None, sms::render_free_text(text)),
        (Some(id), None) => {
            let (owner, template) = content.template(id).ok_or_else(|| {
                UserError(format!(
                    "id가 \"{id}\"인 SMS 템플릿이 없습니다 (`support-console sms`로 목록을 보세요)"
                ))
            })?;
            if let Some(guide) = guide
                && guide.id != owner.id
            {
                return Err(UserError(format!(
                    "SMS 템플릿 \"{id}\"은 가이드 \"{}\"의 것이 아니라 \"{}\"의 것입니다",
                    guide.id, owner.id
                )));
            }
            for name in values.keys() {
                if !template.variables.iter().any(|v| &v.name == name) {
                    return Err(UserError(format!(
                        "--var: 템플릿 \"{id}\"에는 변수 \"{name}\"가 없습니다 (있는 변수: {})",
                        template
                            .variables
                            .iter()
                            .map(|v| v.name.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
                }
            }
            (
                Some(id.clone()),
                Some(template.title.clone()),
                sms::render(template, &values),
            )
        }
    };
    let exit = if rendered.blocking().is_empty() {
        Exit::Success
    } else {
        Exit::NotSendable
    };
    if global.json {
        return io
            .print_json(&json::SmsRendered {
                id: id.as_deref(),
                title: title.as_deref(),
                text: &rendered.text,
                bytes: rendered.measure.bytes,
                kind: rendered.measure.kind,
                unencodable: &rendered.measure.unencodable,
                risky: &rendered.measure.risky,
                missing: &rendered.missing,
                unknown: &rendered.unknown,
                sendable: rendered.blocking().is_empty(),
            })
            .map(|()| exit);
    }
    let mut text = String::new();
    if let Some(title) = &title {
        let _ = writeln!(text, "[{title}]");
    }
    let _ = writeln!(text, "{}", sms::counter_label(&rendered.measure));
    text.push_str("----\n");
    text.push_str(&rendered.text);
    text.push_str("\n----\n");
    for reason in rendered.blocking() {
        let _ = writeln!(text, "보낼 수 없음: {reason}");
    }
    for risky in &rendered.measure.risky {
        let _ = writeln!(
            text,
            "주의: {}번째 글자 '{}'는 KS X 1001 밖의 한글이라 일부 단말·게이트웨이에서 깨질 수 있습니다",
            risky.index + 1,
            risky.ch
        );
    }
    io.print(&text);
    Ok(exit)
}

fn list_templates(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    content: &Content,
    only: Option<&content::Guide>,
) -> Result<(), UserError> {
    let templates: Vec<_> = content
        .templates()
        .filter(|(guide, _)| only.is_none_or(|only| only.id == guide.id))
        .map(|(guide, template)| {
            let rendered = sms::render(template, &BTreeMap::new());
            (guide, template, rendered)
        })
        .collect();
    if global.json {
        let list: Vec<_> = templates
            .iter()
            .map(|(guide, template, rendered)| json::SmsTemplate {
                id: &template.id,
                title: &template.title,
                guide_id: &guide.id,
                audience: &template.audience,
                variables: template
                    .variables
                    .iter()
                    .map(|v| json::SmsVariable {
                        name: &v.name,
                        label: &v.label,
                        example: &v.example,
                        required: v.required,
                    })
                    .collect(),
                bytes: rendered.measure.bytes,
                kind: rendered.measure.kind,
            })
            .collect();
        return io.print_json(&list);
    }
    let mut text = String::new();
    for (_, template, rendered) in &templates {
        let _ = writeln!(
            text,
            "{}\t{}\t{}",
            template.id,
            template.label(),
            sms::counter_label(&rendered.measure)
        );
    }
    io.print(&text);
    Ok(())
}

fn history_filter(args: &HistoryArgs) -> Filter {
    Filter {
        since: args.since,
        until: args.until,
        kind: args.kind.map(|kind| match kind {
            KindArg::Sent => EventKind::Sent,
            KindArg::Copy => EventKind::Copy,
            KindArg::Wrapup => EventKind::Wrapup,
            KindArg::Search => EventKind::Search,
            KindArg::Open => EventKind::Open,
            KindArg::Flag => EventKind::Flag,
            KindArg::Verdict => EventKind::Verdict,
        }),
    }
}

/// The events as JSON, or one line each: time (and the simulated instant), kind, template,
/// message size, text.
fn print_events(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    events: &[history::LogEvent],
) -> Result<(), UserError> {
    if global.json {
        return io.print_json(&events);
    }
    let mut text = String::new();
    for event in events {
        let as_of = event
            .as_of
            .map(|t| format!(" (기준 {})", clock::rfc3339_kst(&t)))
            .unwrap_or_default();
        let message = match (event.message_kind, event.bytes) {
            (Some(kind), Some(bytes)) => format!("{} {bytes} bytes", kind.label()),
            _ => String::new(),
        };
        let _ = writeln!(
            text,
            "{}{as_of}\t{}\t{}\t{message}\t{}",
            clock::rfc3339_kst(&event.at),
            event.kind_label(),
            event.template_id.as_deref().unwrap_or("-"),
            sms::sanitize(&event.text).replace('\n', " ⏎ ")
        );
    }
    io.print(&text);
    Ok(())
}

/// The log `history` reads, opened with what opening it said (old lines taken in, warnings,
/// expired events removed); `None` when there is no log yet (said on stderr).
fn open_history(io: &mut Streams<'_>, global: &GlobalArgs) -> Result<Option<Log>, UserError> {
    let path = global
        .history
        .clone()
        .or_else(history::default_path)
        .ok_or_else(|| {
            UserError(
                "기록 위치를 알 수 없습니다: --history FILE을 지정하세요 (HOME이 없음)".into(),
            )
        })?;
    let Some((mut log, opened)) =
        Log::open_existing(&path).map_err(|err| UserError(err.to_string()))?
    else {
        io.warn(&format!(
            "기록이 없습니다: {} (아직 복사·발송·상담 정리가 기록되지 않았습니다)",
            crate::text::path(&path)
        ));
        return Ok(None);
    };
    if opened.imported > 0 {
        io.warn(&format!("이전 기록 {}건을 가져왔습니다", opened.imported));
    }
    for warning in &opened.warnings {
        io.warn(&format!("경고: {warning}"));
    }
    // Events a console could not write before it ended are merged before anything is listed
    // (a log that can only be read keeps them in the recovery file, and says so).
    let recovery = history::recovery::path_for(&path);
    if log.is_read_only() {
        if recovery.exists() {
            io.warn(&format!(
                "지난번 종료 때 저장하지 못한 기록이 {}에 남아 있습니다 (기록 파일을 쓸 수 없어 합치지 않았습니다)",
                crate::text::path(&recovery)
            ));
        }
    } else {
        match history::recovery::merge(&mut log) {
            Ok(Some(merged)) => {
                if let Some(notice) = merged.notice(&path) {
                    io.warn(&notice);
                }
            }
            Ok(None) => {}
            Err(why) => io.warn(&history::recovery::not_merged(&why)),
        }
    }
    // A log that can only be read is listed and exported as it is (the warning above says so).
    let expired = if log.is_read_only() {
        0
    } else {
        log.apply_retention(global.retention_days, clock::now_kst())
            .map_err(|err| UserError(err.to_string()))?
    };
    if expired > 0 {
        io.warn(&format!(
            "보관 기간({}일)이 지난 기록 {expired}건을 지웠습니다",
            global.retention_days
        ));
    }
    Ok(Some(log))
}

fn history_command(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    action: Option<&HistoryAction>,
    args: &HistoryArgs,
) -> Result<(), UserError> {
    // Every input is read before the log is touched: a typo changes nothing.
    let filter = history_filter(args);
    let purge_before = match action {
        Some(HistoryAction::Purge { .. })
            if args.since.is_some() || args.until.is_some() || args.kind.is_some() =>
        {
            return Err(UserError(
                "history purge는 --before로만 고릅니다 (--since·--until·--kind는 목록과 export에)"
                    .into(),
            ));
        }
        Some(HistoryAction::Purge { before }) => Some(*before),
        _ => None,
    };
    let export_filter = match action {
        Some(HistoryAction::Export { .. }) => Some(filter.clone()),
        _ => None,
    };
    let Some(mut log) = open_history(io, global)? else {
        if global.json {
            return io.print_json(&Vec::<history::LogEvent>::new());
        }
        return Ok(());
    };
    match action {
        Some(HistoryAction::Purge { .. }) => {
            let before = purge_before.unwrap_or_else(clock::now_kst);
            let removed = log
                .purge_before(before)
                .map_err(|err| UserError(err.to_string()))?;
            if global.json {
                return io.print_json(&json::Purged {
                    removed,
                    before: clock::rfc3339_kst(&before),
                });
            }
            io.print(&format!(
                "{} 전의 기록 {removed}건을 지웠습니다\n",
                clock::format_kst(&before)
            ));
            return Ok(());
        }
        Some(HistoryAction::Export { out, .. }) => {
            let written = log
                .export(&export_filter.unwrap_or_default(), out)
                .map_err(|err| UserError(err.to_string()))?;
            if global.json {
                return io.print_json(&json::Exported {
                    written,
                    out: out.display().to_string(),
                });
            }
            io.print(&format!(
                "기록 {written}건을 {}에 내보냈습니다 (본인만 읽을 수 있는 파일)\n",
                out.display()
            ));
            return Ok(());
        }
        Some(HistoryAction::Push | HistoryAction::ResetRanking) | None => {}
    }
    let (events, unreadable) = log
        .events_counted(&filter)
        .map_err(|err| UserError(err.to_string()))?;
    if unreadable > 0 {
        io.warn(&format!(
            "경고: 시각을 읽을 수 없는 기록 {unreadable}건은 목록에서 뺐습니다"
        ));
    }
    print_events(io, global, &events)
}
