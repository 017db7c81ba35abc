//! What the help centre lacks, from the events of a team (or of one console): searches that
//! found nothing, searches whose hits nobody opened, the entries opened most, the sentences
//! flagged and why, the SMS sent by template, the verdicts asked, and how many consoles.
//!
//! Built from events already made shareable: no phone number, memo or text typed for a
//! driver is in a report, whatever it is made from. Shown as JSON, as bar charts in a
//! terminal (ratatui's `BarChart`), as plain text charts when piped, or as one
//! self-contained HTML page.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::Line;
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Paragraph};
use serde::Serialize;
use unicode_normalization::UnicodeNormalization as _;

use super::TeamEvent;
use crate::clock;
use crate::history::EventKind;

/// Rows shown of each list (the JSON has them all).
pub const SHOWN: usize = 10;

/// A query and how often it was searched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueryCount {
    pub query: String,
    pub count: usize,
    pub last_seen: String,
}

/// An entry and how often it was opened.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenedEntry {
    pub entry: String,
    pub guide_id: Option<String>,
    pub title: String,
    pub count: usize,
}

/// A flagged sentence: how often, and each reason given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlaggedSentence {
    pub entry: String,
    pub guide_id: Option<String>,
    pub sentence: String,
    pub count: usize,
    pub reasons: Vec<ReasonCount>,
    pub last_seen: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReasonCount {
    pub reason: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateCount {
    pub template: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerdictCount {
    pub verdict: String,
    pub count: usize,
}

/// The report. Lists are most frequent first (ties: most recent, then by name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The span asked for (KST), when one was.
    pub since: Option<String>,
    pub until: Option<String>,
    pub searches: usize,
    pub searches_without_results: Vec<QueryCount>,
    pub searches_without_opens: Vec<QueryCount>,
    pub opened: Vec<OpenedEntry>,
    pub flags: Vec<FlaggedSentence>,
    pub sms_sent: Vec<TemplateCount>,
    pub verdicts: Vec<VerdictCount>,
    /// How many consoles sent events in the span.
    pub consoles: usize,
}

/// A query as it is grouped: NFC, spaces collapsed, Latin letters in lower case.
fn normal_query(query: &str) -> String {
    let nfc: String = query.nfc().collect();
    nfc.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn kst(at: &DateTime<FixedOffset>) -> String {
    clock::rfc3339_kst(at)
}

/// Counts of a key with the last time it was seen.
#[derive(Default)]
struct Tally {
    counts: HashMap<String, (usize, DateTime<FixedOffset>)>,
}

impl Tally {
    fn add(&mut self, key: String, at: DateTime<FixedOffset>) {
        let seen = self.counts.entry(key).or_insert((0, at));
        seen.0 += 1;
        seen.1 = seen.1.max(at);
    }

    fn into_queries(self) -> Vec<QueryCount> {
        let mut rows: Vec<_> = self.counts.into_iter().collect();
        rows.sort_by(|(a, (na, la)), (b, (nb, lb))| nb.cmp(na).then(lb.cmp(la)).then(a.cmp(b)));
        rows.into_iter()
            .map(|(query, (count, last))| QueryCount {
                query,
                count,
                last_seen: kst(&last),
            })
            .collect()
    }
}

fn by_count<T>(rows: &mut [T], count: impl Fn(&T) -> usize, name: impl Fn(&T) -> &str) {
    rows.sort_by(|a, b| count(b).cmp(&count(a)).then_with(|| name(a).cmp(name(b))));
}

impl Report {
    /// The report of `events` (oldest first, each with its console): one pass, one arm per
    /// kind of event.
    #[allow(clippy::too_many_lines)]
    pub fn build(
        events: &[TeamEvent],
        since: Option<DateTime<FixedOffset>>,
        until: Option<DateTime<FixedOffset>>,
    ) -> Self {
        let mut consoles = BTreeSet::new();
        let mut without_results = Tally::default();
        let mut without_opens = Tally::default();
        let mut opened: HashMap<String, OpenedEntry> = HashMap::new();
        let mut flags: HashMap<String, (FlaggedSentence, BTreeMap<String, usize>)> = HashMap::new();
        let mut sms: HashMap<String, usize> = HashMap::new();
        let mut verdicts: HashMap<String, usize> = HashMap::new();
        let mut searches = 0;
        let opened_searches = opened_searches(events);
        for (n, TeamEvent { console, event }) in events.iter().enumerate() {
            consoles.insert(console.as_str());
            let detail = &event.detail;
            match event.kind {
                EventKind::Search => {
                    searches += 1;
                    let query = normal_query(detail.query.as_deref().unwrap_or_default());
                    if query.is_empty() {
                        continue;
                    }
                    if detail.hits.unwrap_or(0) == 0 {
                        without_results.add(query, event.at);
                    } else if !opened_searches.contains(&n) {
                        without_opens.add(query, event.at);
                    }
                }
                EventKind::Open => {
                    let Some(entry) = detail.entry.clone() else {
                        continue;
                    };
                    let row = opened.entry(entry.clone()).or_insert_with(|| OpenedEntry {
                        entry,
                        guide_id: event.guide_id.clone(),
                        title: event.text.clone(),
                        count: 0,
                    });
                    row.count += 1;
                    if row.title.is_empty() {
                        row.title.clone_from(&event.text);
                    }
                }
                EventKind::Flag => {
                    let Some(entry) = detail.entry.clone() else {
                        continue;
                    };
                    let (row, reasons) = flags.entry(entry.clone()).or_insert_with(|| {
                        (
                            FlaggedSentence {
                                entry,
                                guide_id: event.guide_id.clone(),
                                sentence: event.text.clone(),
                                count: 0,
                                reasons: Vec::new(),
                                last_seen: kst(&event.at),
                            },
                            BTreeMap::new(),
                        )
                    });
                    row.count += 1;
                    row.last_seen = kst(&event.at);
                    let reason = detail
                        .reason
                        .as_deref()
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .unwrap_or("(이유 없음)");
                    *reasons.entry(reason.to_owned()).or_default() += 1;
                }
                EventKind::Sent => {
                    let template = event
                        .template_id
                        .clone()
                        .unwrap_or_else(|| "(직접 작성)".to_owned());
                    *sms.entry(template).or_default() += 1;
                }
                EventKind::Verdict if !event.text.trim().is_empty() => {
                    *verdicts.entry(event.text.trim().to_owned()).or_default() += 1;
                }
                _ => {}
            }
        }
        let mut opened: Vec<OpenedEntry> = opened.into_values().collect();
        by_count(&mut opened, |r| r.count, |r| &r.entry);
        let mut flags: Vec<FlaggedSentence> = flags
            .into_values()
            .map(|(mut row, reasons)| {
                row.reasons = reasons
                    .into_iter()
                    .map(|(reason, count)| ReasonCount { reason, count })
                    .collect();
                by_count(&mut row.reasons, |r| r.count, |r| &r.reason);
                row
            })
            .collect();
        by_count(&mut flags, |r| r.count, |r| &r.entry);
        let mut sms_sent: Vec<TemplateCount> = sms
            .into_iter()
            .map(|(template, count)| TemplateCount { template, count })
            .collect();
        by_count(&mut sms_sent, |r| r.count, |r| &r.template);
        let mut verdicts: Vec<VerdictCount> = verdicts
            .into_iter()
            .map(|(verdict, count)| VerdictCount { verdict, count })
            .collect();
        by_count(&mut verdicts, |r| r.count, |r| &r.verdict);
        Self {
            since: since.as_ref().map(kst),
            until: until.as_ref().map(kst),
            searches,
            searches_without_results: without_results.into_queries(),
            searches_without_opens: without_opens.into_queries(),
            opened,
            flags,
            sms_sent,
            verdicts,
            consoles: consoles.len(),
        }
    }

    /// The sections as (title, rows of label and count), in the order every form shows them.
    pub fn sections(&self) -> Vec<(&'static str, Vec<(String, usize)>)> {
        let queries =
            |rows: &[QueryCount]| rows.iter().map(|r| (r.query.clone(), r.count)).collect();
        vec![
            ("결과 없는 검색", queries(&self.searches_without_results)),
            (
                "결과를 열지 않은 검색",
                queries(&self.searches_without_opens),
            ),
            (
                "많이 연 항목",
                self.opened
                    .iter()
                    .map(|r| {
                        let name = if r.title.is_empty() {
                            &r.entry
                        } else {
                            &r.title
                        };
                        (name.clone(), r.count)
                    })
                    .collect(),
            ),
            (
                "신고된 문장",
                self.flags
                    .iter()
                    .map(|r| {
                        let reasons: Vec<String> = r
                            .reasons
                            .iter()
                            .map(|x| format!("{} {}", x.reason, x.count))
                            .collect();
                        (format!("{} [{}]", r.sentence, reasons.join(", ")), r.count)
                    })
                    .collect(),
            ),
            (
                "템플릿별 SMS 발송",
                self.sms_sent
                    .iter()
                    .map(|r| (r.template.clone(), r.count))
                    .collect(),
            ),
            (
                "판정",
                self.verdicts
                    .iter()
                    .map(|r| (r.verdict.clone(), r.count))
                    .collect(),
            ),
        ]
    }

    fn heading(&self) -> String {
        let span = match (&self.since, &self.until) {
            (None, None) => "전체 기간".to_owned(),
            (since, until) => format!(
                "{} ~ {}",
                since.as_deref().unwrap_or("처음"),
                until.as_deref().unwrap_or("지금")
            ),
        };
        format!(
            "상담 보고서 · {span} · 콘솔 {}대 · 검색 {}회",
            self.consoles, self.searches
        )
    }

    /// Plain text with bar charts drawn in characters (for a pipe or a file).
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{}", self.heading());
        for (title, rows) in self.sections() {
            let _ = writeln!(out, "\n{title}");
            if rows.is_empty() {
                out.push_str("  (없음)\n");
                continue;
            }
            let most = rows.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
            let label_width = rows
                .iter()
                .take(SHOWN)
                .map(|(label, _)| cells(label).min(40))
                .max()
                .unwrap_or(0);
            for (label, count) in rows.iter().take(SHOWN) {
                let label = crate::text::visible_line(label);
                let shown = fit(&label, 40);
                let pad = label_width.saturating_sub(cells(&shown));
                let bar = "█".repeat((count * 30).div_ceil(most));
                let _ = writeln!(out, "  {shown}{} {bar} {count}", " ".repeat(pad));
            }
            if rows.len() > SHOWN {
                let _ = writeln!(out, "  … 외 {}건 (--json에 모두)", rows.len() - SHOWN);
            }
        }
        out
    }

    /// Rows a terminal needs to show [`draw`](Self::draw) whole.
    pub fn height(&self) -> u16 {
        let rows: usize = self
            .sections()
            .iter()
            .map(|(_, rows)| rows.len().clamp(1, SHOWN) + 2)
            .sum();
        u16::try_from(rows + 1).unwrap_or(u16::MAX)
    }

    /// Bar charts, one per section, under a heading line.
    pub fn draw(&self, frame: &mut Frame<'_>) {
        let sections = self.sections();
        let mut constraints = vec![Constraint::Length(1)];
        constraints.extend(sections.iter().map(|(_, rows)| {
            Constraint::Length(u16::try_from(rows.len().clamp(1, SHOWN) + 2).unwrap_or(3))
        }));
        let areas = Layout::vertical(constraints).split(frame.area());
        frame.render_widget(
            Paragraph::new(self.heading()).style(Style::new().add_modifier(Modifier::BOLD)),
            areas[0],
        );
        for ((title, rows), area) in sections.iter().zip(areas.iter().skip(1)) {
            draw_section(frame, *area, title, rows);
        }
    }

    /// One self-contained HTML page (no script or style from elsewhere, nothing fetched):
    /// the same tables, with bars.
    pub fn html(&self) -> String {
        let mut page = String::from(
            "<!DOCTYPE html>\n<html lang=\"ko\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
        );
        page.push_str(&escape_html(&self.heading()));
        page.push_str(
            "</title>\n<style>\nbody{font-family:sans-serif;margin:2rem;color:#1b1b1b;\
             background:#fff}\nh1{font-size:1.3rem}h2{font-size:1.1rem;margin-top:2rem}\n\
             table{border-collapse:collapse;width:100%;max-width:60rem}\n\
             td,th{padding:.3rem .5rem;border-bottom:1px solid #ddd;text-align:left;\
             vertical-align:top}\ntd.n{text-align:right;width:4rem;font-variant-numeric:\
             tabular-nums}\ntd.bar{width:40%}\n.bar span{display:block;height:1rem;\
             background:#2b6cb0}\n.empty{color:#555}\n</style>\n</head>\n<body>\n",
        );
        let _ = writeln!(
            page,
            "<h1>{}</h1>\n<p>콘솔 <strong id=\"consoles\">{}</strong>대 · 검색 \
             <strong id=\"searches\">{}</strong>회</p>",
            escape_html(&self.heading()),
            self.consoles,
            self.searches
        );
        let ids = [
            "searches_without_results",
            "searches_without_opens",
            "opened",
            "flags",
            "sms_sent",
            "verdicts",
        ];
        for ((title, rows), id) in self.sections().iter().zip(ids) {
            let _ = writeln!(page, "<h2>{}</h2>", escape_html(title));
            if rows.is_empty() {
                let _ = writeln!(page, "<p class=\"empty\" id=\"{id}\">없음</p>");
                continue;
            }
            let most = rows.iter().map(|(_, n)| *n).max().unwrap_or(1).max(1);
            let _ = writeln!(
                page,
                "<table id=\"{id}\"><thead><tr><th>항목</th><th>횟수</th><th></th></tr></thead><tbody>"
            );
            for (label, count) in rows {
                let _ = writeln!(
                    page,
                    "<tr><td>{}</td><td class=\"n\">{count}</td><td class=\"bar\"><span \
                     style=\"width:{}%\"></span></td></tr>",
                    escape_html(label),
                    count * 100 / most
                );
            }
            page.push_str("</tbody></table>\n");
        }
        // Marks the page as read whole (a test's browser checks it).
        page.push_str(
            "<script>document.body.setAttribute('data-loaded', \
             String(document.querySelectorAll('h2').length));</script>\n</body>\n</html>\n",
        );
        page
    }
}

fn draw_section(frame: &mut Frame<'_>, area: Rect, title: &str, rows: &[(String, usize)]) {
    let block = Block::bordered().title(Line::from(title.to_owned()));
    if rows.is_empty() {
        frame.render_widget(Paragraph::new("(없음)").block(block), area);
        return;
    }
    let bars: Vec<Bar<'_>> = rows
        .iter()
        .take(SHOWN)
        .map(|(label, count)| {
            let label = fit(&crate::text::visible_line(label), 30);
            Bar::default()
                .value(u64::try_from(*count).unwrap_or(u64::MAX))
                .label(Line::from(label))
                .text_value(count.to_string())
        })
        .collect();
    let chart = BarChart::default()
        .block(block)
        .direction(Direction::Horizontal)
        .bar_width(1)
        .bar_gap(0)
        .data(BarGroup::default().bars(&bars));
    frame.render_widget(chart, area);
}

/// A search of one console: its position in the events, its time, its query.
type Search = (usize, DateTime<FixedOffset>, String);

/// The searches (by position in `events`) whose query an open of the same console followed
/// before its next search. Events of one second may come in any order from a server:
/// times are compared, not positions.
fn opened_searches(events: &[TeamEvent]) -> BTreeSet<usize> {
    let mut opens: HashMap<&str, Vec<(DateTime<FixedOffset>, String)>> = HashMap::new();
    // Per console, its searches in order: (position, time, query).
    let mut searches: HashMap<&str, Vec<Search>> = HashMap::new();
    for (n, TeamEvent { console, event }) in events.iter().enumerate() {
        let query = event.detail.query.as_deref().map(normal_query);
        match (event.kind, query) {
            (EventKind::Open, Some(query)) => {
                opens.entry(console).or_default().push((event.at, query));
            }
            (EventKind::Search, Some(query)) => {
                searches
                    .entry(console)
                    .or_default()
                    .push((n, event.at, query));
            }
            _ => {}
        }
    }
    let mut opened = BTreeSet::new();
    for (console, searches) in &searches {
        let Some(opens) = opens.get(console) else {
            continue;
        };
        for (i, (n, at, query)) in searches.iter().enumerate() {
            let until = searches.get(i + 1).map(|(_, next, _)| *next);
            if opens.iter().any(|(when, opened)| {
                opened == query && when >= at && until.is_none_or(|until| *when <= until)
            }) {
                opened.insert(*n);
            }
        }
    }
    opened
}

fn escape_html(text: &str) -> String {
    let text = crate::text::visible_line(text);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Terminal cells `text` takes.
fn cells(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// `text` cut to `width` cells (with `…`), never inside a character.
fn fit(text: &str, width: usize) -> String {
    if cells(text) <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}
