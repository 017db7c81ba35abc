//! `content sync --from URL --out DIR [--locale L] [--json]`: the flags, a progress bar on a
//! terminal, and the report. The sync itself is [`crate::sync`].
//!
//! Exit 0 when every article was written, 1 when some were refused (each named, with why),
//! 2 when the sync could not run (input, credentials, server, folder): then the content
//! folder's guides are as they were.

use std::fmt::Write as _;
use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;

use super::{Exit, GlobalArgs, Streams, UserError};
use crate::rules::review::back_line;
use crate::sync::{self, Credentials, GuideEntry, HelpCentre, Mode, Progress, Report, Stage};

#[derive(Debug, clap::Args)]
pub struct SyncArgs {
    #[arg(
        long,
        value_name = "URL",
        help = "도움말 센터 주소 (예: https://example.zendesk.com); 인증 정보는 환경 변수 ZENDESK_EMAIL과 ZENDESK_API_TOKEN, 또는 ZENDESK_OAUTH_TOKEN으로"
    )]
    pub from: String,
    #[arg(long, value_name = "DIR", help = "가이드 JSON을 둘 콘텐츠 폴더")]
    pub out: PathBuf,
    #[arg(
        long,
        value_name = "LOCALE",
        default_value = "ko",
        help = "도움말 센터의 언어"
    )]
    pub locale: String,
}

/// The bar's width in cells.
const WIDTH: usize = 24;

/// A one-line bar on stderr, redrawn at most ten times a second, only on a terminal; notes
/// (waits, retries) are printed above it as lines wherever stderr goes.
struct Bar<'a> {
    err: &'a mut dyn std::io::Write,
    terminal: bool,
    drawn: Option<Instant>,
    shown: bool,
}

impl Bar<'_> {
    fn clear(&mut self) {
        if self.shown {
            let _ = write!(self.err, "\r\x1b[2K");
            let _ = self.err.flush();
            self.shown = false;
        }
    }
}

impl Progress for Bar<'_> {
    fn update(&mut self, stage: Stage, done: usize, total: Option<usize>) {
        if !self.terminal {
            return;
        }
        let finished = total.is_some_and(|t| done >= t);
        if !finished
            && self
                .drawn
                .is_some_and(|at| at.elapsed() < Duration::from_millis(100))
        {
            return;
        }
        self.drawn = Some(Instant::now());
        let line = match total {
            Some(total) if total > 0 => {
                let filled = (done.min(total) * WIDTH) / total;
                format!(
                    "{} [{}{}] {}/{}",
                    stage.name(),
                    "#".repeat(filled),
                    "-".repeat(WIDTH - filled),
                    crate::text::group_thousands(done),
                    crate::text::group_thousands(total)
                )
            }
            _ => format!("{} … {}", stage.name(), crate::text::group_thousands(done)),
        };
        let _ = write!(self.err, "\r\x1b[2K{line}");
        let _ = self.err.flush();
        self.shown = true;
    }

    fn note(&mut self, text: &str) {
        self.clear();
        let _ = writeln!(self.err, "{}", crate::text::visible(text));
    }
}

#[derive(Serialize)]
struct JsonReport<'a> {
    ok: bool,
    #[serde(flatten)]
    report: &'a Report,
}

pub fn run(io: &mut Streams<'_>, global: &GlobalArgs, args: &SyncArgs) -> Result<Exit, UserError> {
    let centre = HelpCentre::parse(&args.from).map_err(|e| UserError(e.message))?;
    let credentials = Credentials::from_env().map_err(|e| UserError(e.message))?;
    let options = sync::Options {
        centre,
        locale: args.locale.clone(),
        out: args.out.clone(),
        credentials,
        retry: sync::Retry::DEFAULT,
    };
    let mut bar = Bar {
        terminal: std::io::stderr().is_terminal(),
        err: &mut *io.err,
        drawn: None,
        shown: false,
    };
    let outcome = sync::run(&options, &mut bar);
    bar.clear();
    let report = outcome.map_err(|error| {
        let out = crate::text::path(&args.out);
        let tail = if error.resumable {
            format!(
                "가이드는 그대로이고, 받은 것은 {out}/{}에 두었습니다: 다시 실행하면 이어서 받습니다",
                sync::STATE_DIR
            )
        } else {
            format!("{out}의 내용은 그대로입니다")
        };
        UserError(format!("동기화하지 못했습니다: {} ({tail})", error.message))
    })?;

    if global.json {
        io.print_json(&JsonReport {
            ok: report.ok(),
            report: &report,
        })?;
    } else {
        io.print(&report_text(&report));
    }
    for rule in &report.back_to_review {
        io.warn(&back_line(rule));
    }
    if report.refused.is_empty() {
        return Ok(Exit::Success);
    }
    let mut message = format!(
        "문서 {}개를 가져오지 못했습니다 (나머지는 썼습니다)",
        report.refused.len()
    );
    for refusal in &report.refused {
        let id = refusal
            .article_id
            .map(|id| format!("문서 {id} "))
            .unwrap_or_default();
        let _ = write!(message, "\n{id}\"{}\": {}", refusal.title, refusal.error);
    }
    io.warn(&message);
    Ok(Exit::SomeRefused)
}

fn when(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).map_or_else(
        || seconds.to_string(),
        |at| crate::clock::format_kst(&at.fixed_offset()),
    )
}

fn report_text(report: &Report) -> String {
    let mode = match report.mode {
        Mode::Full => "처음이라 전체".to_owned(),
        Mode::Changes { since } => format!("{} 이후 바뀐 것", when(since)),
    };
    let mut text = format!(
        "동기화했습니다 ({mode}{}): 추가 {}개, 변경 {}개, 삭제 {}개, 그대로 {}개 → {}\n",
        if report.resumed {
            ", 멈췄던 데서 이어서"
        } else {
            ""
        },
        report.added.len(),
        report.changed.len(),
        report.removed.len(),
        report.unchanged,
        crate::text::path(&report.out),
    );
    let mut list = |mark: &str, entries: &[GuideEntry]| {
        for entry in entries {
            let _ = writeln!(text, "  {mark} {} ({})", entry.title, entry.guide);
        }
    };
    list("+", &report.added);
    list("~", &report.changed);
    list("-", &report.removed);
    let _ = writeln!(
        text,
        "다음 동기화는 {} 이후 바뀐 문서를 받습니다",
        when(report.cursor)
    );
    text
}
