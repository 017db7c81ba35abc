//! The team link: a console's events on the team's PostgreSQL database.
//!
//! The local SQLite log stays the source of truth and works offline. Pushing sends what it
//! holds that the team database has not got yet: each event under the id the console gave
//! it, each console under its own id, so that the server ignores what it already has and a
//! push repeated adds nothing. Before anything leaves, the log's privacy rules
//! ([`crate::history::private::shareable`]) take out phone numbers, names, memos and every
//! text typed for a driver. `history push` does it once; the console's [`pusher`] does it
//! in the background. The report ([`report`]) reads the team database or a local log.
//!
//! docs/team.md: the roles (consoles insert, the report reads), TLS and passwords.

pub mod link;
pub mod pusher;
pub mod report;
pub mod schema;
pub mod url;

use std::fmt;

use chrono::{DateTime, FixedOffset};

use crate::clock;
use crate::history::{EventDetail, EventKind, Filter, Log, LogEvent, private};
use crate::sms::MessageKind;

pub use link::Link;
pub use url::TeamUrl;

/// Events sent in one exchange.
pub const BATCH: usize = 500;

/// Where the team database's address may come from besides `--team`.
pub const ENV: &str = "SUPPORT_CONSOLE_TEAM";

/// Why the team database could not be used, in the agent's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamError {
    /// The address cannot be read (or its TLS files).
    Address(String),
    /// The server cannot be reached, or does not answer in time.
    Unreachable(String),
    /// The server refused the login.
    Login(String),
    /// The role may not do this.
    Denied(String),
    /// The schema is missing and this role cannot make it.
    Schema(String),
    /// The local log could not be read or marked.
    Log(String),
    /// Anything else the server said.
    Server(String),
}

impl TeamError {
    pub fn message(&self) -> &str {
        match self {
            Self::Address(m)
            | Self::Unreachable(m)
            | Self::Login(m)
            | Self::Denied(m)
            | Self::Schema(m)
            | Self::Log(m)
            | Self::Server(m) => m,
        }
    }

    /// A driver error by its cause; the server's own (English) text never reaches the agent,
    /// its SQLSTATE does.
    pub fn from_postgres(url: &TeamUrl, doing: &str, error: &tokio_postgres::Error) -> Self {
        use tokio_postgres::error::SqlState;
        let Some(state) = error.code() else {
            // No answer from a server: refused, reset, closed, a TLS failure.
            let why = if error.to_string().contains("TLS") || error.to_string().contains("tls") {
                "TLS 연결에 실패했습니다 (sslmode와 인증서를 확인하세요)"
            } else {
                "서버에 연결할 수 없습니다 (주소, 포트, 서버 상태를 확인하세요)"
            };
            return Self::Unreachable(format!("{url}: {doing}: {why}"));
        };
        let coded = |why: &str| format!("{url}: {doing}: {why} (SQLSTATE {})", state.code());
        if *state == SqlState::INVALID_PASSWORD
            || *state == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
        {
            Self::Login(coded(
                "로그인이 거절되었습니다 (사용자와 비밀번호: URL, PGPASSWORD 또는 .pgpass를 확인하세요)",
            ))
        } else if *state == SqlState::INSUFFICIENT_PRIVILEGE {
            Self::Denied(coded("이 계정에는 권한이 없습니다"))
        } else if *state == SqlState::INVALID_CATALOG_NAME {
            Self::Login(coded("데이터베이스가 없습니다"))
        } else if *state == SqlState::CANNOT_CONNECT_NOW
            || *state == SqlState::ADMIN_SHUTDOWN
            || *state == SqlState::TOO_MANY_CONNECTIONS
        {
            Self::Unreachable(coded("서버가 지금 연결을 받지 않습니다"))
        } else {
            Self::Server(coded("서버 오류"))
        }
    }

    /// Whether trying again later may work (the console keeps its events and retries).
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unreachable(_) | Self::Server(_) | Self::Log(_))
    }
}

impl fmt::Display for TeamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for TeamError {}

/// What a push did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pushed {
    /// Events sent that the server did not have.
    pub added: usize,
    /// Events sent that it had already (pushed before by a run that could not note it).
    pub already: usize,
}

/// Pushes every event of `log` the team database has not got from this console yet, in
/// batches; each batch is noted in the log once the server has it. `link` is connected when
/// it is `None` (and kept for the next push).
pub fn push(log: &mut Log, url: &TeamUrl, link: &mut Option<Link>) -> Result<Pushed, TeamError> {
    let console = log
        .console_id()
        .map_err(|e| TeamError::Log(e.to_string()))?
        .ok_or_else(|| {
            TeamError::Log(format!(
                "{}: 이 기록에는 콘솔 id가 없습니다 (읽기 전용 기록은 보낼 수 없습니다)",
                crate::text::path(log.path())
            ))
        })?;
    let mut pushed = Pushed::default();
    loop {
        let batch = log
            .unpushed(url.key(), BATCH)
            .map_err(|e| TeamError::Log(e.to_string()))?;
        if batch.is_empty() {
            return Ok(pushed);
        }
        if link.is_none() {
            *link = Some(connect(url)?);
        }
        let Some(connected) = link.as_mut() else {
            return Ok(pushed);
        };
        let sent = send(connected, &console, &batch);
        let added = match sent {
            Ok(added) => added,
            Err(err) => {
                // The connection may be broken: the next push connects again.
                *link = None;
                return Err(err);
            }
        };
        pushed.added += added;
        pushed.already += batch.len() - added;
        let uids: Vec<String> = batch.into_iter().map(|(uid, _)| uid).collect();
        log.mark_pushed(url.key(), &uids)
            .map_err(|e| TeamError::Log(e.to_string()))?;
    }
}

/// One batch in one transaction; how many events the server did not have.
fn send(link: &mut Link, console: &str, batch: &[(String, LogEvent)]) -> Result<usize, TeamError> {
    let mut columns: [Vec<Option<String>>; 15] = Default::default();
    for (uid, event) in batch {
        let shared = private::shareable(event);
        let values = [
            Some(uid.clone()),
            Some(console.to_owned()),
            Some(clock::rfc3339_kst(&shared.at)),
            shared.as_of.as_ref().map(clock::rfc3339_kst),
            Some(
                shared
                    .stored_kind
                    .clone()
                    .unwrap_or_else(|| shared.kind.as_str().to_owned()),
            ),
            shared.guide_id,
            shared.template_id,
            Some(shared.content_version),
            shared.message_kind.map(|k| k.code().to_owned()),
            shared.bytes.map(|b| b.to_string()),
            shared.detail.entry,
            shared.detail.query,
            shared.detail.hits.map(|h| h.to_string()),
            shared.detail.reason,
            Some(shared.text),
        ];
        for (column, value) in columns.iter_mut().zip(values) {
            column.push(value);
        }
    }
    let console = console.to_owned();
    link.run("기록을 보낼 수 없습니다", async move |client| {
        let transaction = client.transaction().await?;
        transaction
            .execute(
                "INSERT INTO support_console.consoles (console_id) VALUES ($1)
                 ON CONFLICT DO NOTHING",
                &[&console],
            )
            .await?;
        let added = transaction
            .execute(
                "INSERT INTO support_console.events (event_id, console_id, at, as_of, kind,
                     guide_id, template_id, content_version, message_kind, bytes, entry, query,
                     hits, reason, text)
                 SELECT e, c, a::timestamptz, o::timestamptz, k, g, t, coalesce(v, ''), m,
                        b::integer, n, q, h::integer, r, coalesce(x, '')
                 FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                             $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
                             $11::text[], $12::text[], $13::text[], $14::text[], $15::text[])
                      AS u(e, c, a, o, k, g, t, v, m, b, n, q, h, r, x)
                 ON CONFLICT DO NOTHING",
                &[
                    &columns[0],
                    &columns[1],
                    &columns[2],
                    &columns[3],
                    &columns[4],
                    &columns[5],
                    &columns[6],
                    &columns[7],
                    &columns[8],
                    &columns[9],
                    &columns[10],
                    &columns[11],
                    &columns[12],
                    &columns[13],
                    &columns[14],
                ],
            )
            .await?;
        transaction.commit().await?;
        Ok(usize::try_from(added).unwrap_or(0))
    })
}

/// An event as a report reads it: which console sent it, and what it was (already made
/// shareable).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamEvent {
    pub console: String,
    pub event: LogEvent,
}

/// A link to the team database with its schema brought up to date: the link knows only how
/// to talk, the schema what to say, and neither reaches for the other.
fn connect(url: &TeamUrl) -> Result<Link, TeamError> {
    let mut link = Link::connect(url)?;
    schema::migrate(&mut link)?;
    Ok(link)
}

/// The events of the team database in `filter`'s span, oldest first.
pub fn team_events(url: &TeamUrl, filter: &Filter) -> Result<Vec<TeamEvent>, TeamError> {
    let mut link = connect(url)?;
    let since = filter.since.map(|t| t.timestamp());
    let until = filter.until.map(|t| t.timestamp());
    let rows = link.run("기록을 읽을 수 없습니다", async move |client| {
        client
            .query(
                "SELECT console_id, extract(epoch FROM at)::bigint,
                        extract(epoch FROM as_of)::bigint, kind, guide_id, template_id,
                        content_version, message_kind, bytes, entry, query, hits, reason, text
                 FROM support_console.events
                 WHERE ($1::bigint IS NULL OR at >= to_timestamp($1))
                   AND ($2::bigint IS NULL OR at < to_timestamp($2))
                 ORDER BY at, event_id",
                &[&since, &until],
            )
            .await
    })?;
    let instant = |seconds: Option<i64>| -> Option<DateTime<FixedOffset>> {
        DateTime::from_timestamp(seconds?, 0).map(|t| t.with_timezone(&clock::kst()))
    };
    let mut events = Vec::with_capacity(rows.len());
    for row in rows {
        let Some(at) = instant(row.get(1)) else {
            continue;
        };
        let stored: String = row.get(3);
        let kind = EventKind::parse(&stored);
        let number = |index: usize| {
            row.get::<_, Option<i32>>(index)
                .and_then(|n| usize::try_from(n).ok())
        };
        let event = LogEvent {
            at,
            as_of: instant(row.get(2)),
            kind: kind.unwrap_or(EventKind::Unknown),
            stored_kind: kind.is_none().then_some(stored),
            guide_id: row.get(4),
            template_id: row.get(5),
            content_version: row.get(6),
            message_kind: row
                .get::<_, Option<String>>(7)
                .as_deref()
                .and_then(MessageKind::parse),
            bytes: number(8),
            text: row.get(13),
            detail: EventDetail {
                entry: row.get(9),
                query: row.get(10),
                hits: number(11),
                reason: row.get(12),
            },
        };
        events.push(TeamEvent {
            console: row.get(0),
            // What the server holds was made shareable before it left; read back, it goes
            // through the same rules again (a row written by hand must not reach a report).
            event: private::shareable(&event),
        });
    }
    Ok(events)
}

/// The events of a local log in `filter`'s span, as the report reads them: this console's,
/// made shareable.
pub fn local_events(log: &Log, filter: &Filter) -> Result<Vec<TeamEvent>, TeamError> {
    let console = log
        .console_id()
        .map_err(|e| TeamError::Log(e.to_string()))?
        .unwrap_or_default();
    let events = log
        .events(filter)
        .map_err(|e| TeamError::Log(e.to_string()))?;
    Ok(events
        .iter()
        .filter(|e| !e.kind.is_local())
        .map(|event| TeamEvent {
            console: console.clone(),
            event: private::shareable(event),
        })
        .collect())
}
