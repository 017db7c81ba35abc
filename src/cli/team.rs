//! `history push`, `history reset-ranking` and `report`: the command line's side of the team
//! link (`crate::team`).

use std::path::PathBuf;

use clap::Args;

use super::{Exit, GlobalArgs, Streams, UserError, ranges};
use crate::history::{self, Filter, Log};
use crate::team::report::Report;
use crate::team::{self, TeamError, TeamUrl};

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// From this date (KST) or instant on.
    #[arg(
        long,
        value_name = "D",
        value_parser = ranges::day_start,
        help = "이 날짜(KST, YYYY-MM-DD)나 시각(RFC 3339)부터"
    )]
    pub since: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Up to this date (KST, the whole day included) or before this instant.
    #[arg(
        long,
        value_name = "D",
        value_parser = ranges::day_end,
        help = "이 날짜까지(그날 포함, KST)나 이 시각 전까지"
    )]
    pub until: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Also write the report as one self-contained HTML page.
    #[arg(
        long,
        value_name = "FILE",
        help = "보고서를 HTML 파일 하나로도 씁니다 (외부 파일·네트워크 없이 열림)"
    )]
    pub html: Option<PathBuf>,
}

pub(super) fn team_url(global: &GlobalArgs) -> Result<Option<TeamUrl>, UserError> {
    global
        .team
        .as_deref()
        .filter(|url| !url.trim().is_empty())
        .map(|url| TeamUrl::parse(url).map_err(|e| UserError(e.to_string())))
        .transpose()
}

fn history_path(global: &GlobalArgs) -> Result<PathBuf, UserError> {
    global
        .history
        .clone()
        .or_else(history::default_path)
        .ok_or_else(|| {
            UserError(
                "기록 위치를 알 수 없습니다: --history FILE을 지정하세요 (HOME이 없음)".into(),
            )
        })
}

/// A team failure: said on stderr, exit 1 (the events stay in the local log).
fn failed(io: &mut Streams<'_>, what: &str, err: &TeamError) -> Exit {
    io.warn(&format!("support-console: {what}: {err}"));
    Exit::TeamFailed
}

/// `history push`: what the team database has not got from this log.
pub fn push(io: &mut Streams<'_>, global: &GlobalArgs) -> Result<Exit, UserError> {
    let url = team_url(global)?.ok_or_else(|| {
        UserError(
            "팀 데이터베이스가 정해지지 않았습니다: --team URL이나 환경 변수 SUPPORT_CONSOLE_TEAM을 지정하세요"
                .into(),
        )
    })?;
    let path = history_path(global)?;
    let Some((mut log, opened)) =
        Log::open_existing(&path).map_err(|err| UserError(err.to_string()))?
    else {
        io.warn(&format!(
            "기록이 없습니다: {} (보낼 것이 없습니다)",
            crate::text::path(&path)
        ));
        return Ok(Exit::Success);
    };
    for warning in &opened.warnings {
        io.warn(&format!("경고: {warning}"));
    }
    let waiting = log.unpushed_count(url.key()).unwrap_or(0);
    match team::push(&mut log, &url, &mut None) {
        Ok(pushed) => {
            if global.json {
                io.print_json(&serde_json::json!({
                    "team": url.key(),
                    "added": pushed.added,
                    "already": pushed.already,
                }))?;
            } else {
                io.print(&format!(
                    "{url}에 기록 {}건을 보냈습니다{}\n",
                    pushed.added,
                    if pushed.already > 0 {
                        format!(" (이미 있던 {}건은 그대로)", pushed.already)
                    } else {
                        String::new()
                    }
                ));
            }
            Ok(Exit::Success)
        }
        Err(err) => Ok(failed(
            io,
            &format!(
                "팀 데이터베이스에 보내지 못했습니다 (기록 {waiting}건은 이 콘솔에 남아 있고 다음에 보냅니다)"
            ),
            &err,
        )),
    }
}

/// `history reset-ranking`.
pub fn reset_ranking(io: &mut Streams<'_>, global: &GlobalArgs) -> Result<Exit, UserError> {
    let path = history_path(global)?;
    let (mut log, _) = Log::open(&path).map_err(|err| UserError(err.to_string()))?;
    log.reset_ranking(crate::clock::now_kst())
        .map_err(|err| UserError(err.to_string()))?;
    io.print("고정 항목과 자주 연 항목 순위를 초기화했습니다\n");
    Ok(Exit::Success)
}

/// `report`: from the team database when one is named (and `--history` is not), else from
/// the local log.
pub fn report(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    args: &ReportArgs,
) -> Result<Exit, UserError> {
    let filter = Filter {
        since: args.since,
        until: args.until,
        kind: None,
    };
    let url = if global.history.is_some() {
        None
    } else {
        team_url(global)?
    };
    let events = if let Some(url) = &url {
        match team::team_events(url, &filter) {
            Ok(events) => events,
            Err(err) => return Ok(failed(io, "팀 데이터베이스를 읽지 못했습니다", &err)),
        }
    } else {
        let path = history_path(global)?;
        match Log::open_existing(&path).map_err(|err| UserError(err.to_string()))? {
            Some((log, _)) => {
                team::local_events(&log, &filter).map_err(|err| UserError(err.to_string()))?
            }
            None => Vec::new(),
        }
    };
    let report = Report::build(&events, filter.since, filter.until);
    if let Some(html) = &args.html {
        crate::files::write_atomic(html, report.html().as_bytes())
            .map_err(|err| UserError(format!("HTML 보고서를 쓸 수 없습니다: {err}")))?;
    }
    if global.json {
        io.print_json(&report)?;
    } else if super::STDOUT_IS_TERMINAL.load(std::sync::atomic::Ordering::Relaxed) {
        draw_in_terminal(&report)
            .map_err(|err| UserError(format!("보고서를 그릴 수 없습니다: {err}")))?;
    } else {
        io.print(&report.text());
    }
    Ok(Exit::Success)
}

/// The report's bar charts drawn below the prompt, in as many rows as they need.
fn draw_in_terminal(report: &Report) -> std::io::Result<()> {
    let backend = ratatui::backend::CrosstermBackend::new(std::io::stdout());
    let mut terminal = ratatui::Terminal::with_options(
        backend,
        ratatui::TerminalOptions {
            viewport: ratatui::Viewport::Inline(report.height()),
        },
    )?;
    terminal.draw(|frame| report.draw(frame))?;
    println!();
    Ok(())
}
