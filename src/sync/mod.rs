//! `content sync`: a help centre's articles, through its API, kept current in a content
//! folder.
//!
//! A first run reads every article (the list endpoints' offset pages, with the sections and
//! categories that name its category path) and imports them as `content import` imports the
//! API's JSON. A later run asks the incremental export only for the articles changed since
//! the saved cursor, and reads the whole article list to find the ones archived or deleted
//! (they never appear in the incremental export). Either way the reviews taken in the folder
//! are applied again ([`crate::rules::review`]), and the new content is swapped in whole
//! ([`crate::files::replace_folder`]) together with the new cursor: the console sees the
//! folder before the sync or after it, never half of it.
//!
//! Every page received is kept in the folder's hidden `.sync/run/` ([`state`]) until the
//! run completes: a run stopped by a server that keeps failing, a lost connection or a
//! rate limit goes on from there next time. A run that fails for a reason running again
//! would not cure (a wrong address, refused credentials, a page that is not the API's)
//! leaves the folder exactly as it was.

mod error;
mod http;
pub mod state;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::Value;

pub use error::{ErrorKind, SyncError};
pub use http::{API_TOKEN_VAR, Credentials, EMAIL_VAR, HelpCentre, OAUTH_TOKEN_VAR, Retry};
pub use state::{Cursor, Endpoint, STATE_DIR};

use crate::import::{self, ArticleImport, FileImport, Format, Outcome};
use crate::rules::review::{BackToReview, Reviews};
use http::Client;
use state::{Run, Step, Synced};

/// What to sync, from where, into where.
#[derive(Debug, Clone)]
pub struct Options {
    pub centre: HelpCentre,
    /// The help centre's locale (`ko`).
    pub locale: String,
    pub out: PathBuf,
    pub credentials: Credentials,
    pub retry: Retry,
}

/// What a run is doing, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Fetch(Endpoint),
    Import,
    Write,
}

impl Stage {
    pub fn name(self) -> &'static str {
        match self {
            Stage::Fetch(endpoint) => endpoint.name(),
            Stage::Import => "가져오기",
            Stage::Write => "쓰기",
        }
    }
}

/// Hears how a run goes.
pub trait Progress {
    /// `done` of `total` (when known) in `stage`.
    fn update(&mut self, _stage: Stage, _done: usize, _total: Option<usize>) {}
    /// Something worth saying while it goes on (a wait for a rate limit, a retry).
    fn note(&mut self, _text: &str) {}
}

/// Hears nothing.
pub struct Quiet;

impl Progress for Quiet {}

/// Whether a run read everything or only what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", rename_all = "snake_case")]
pub enum Mode {
    /// No cursor yet: every article.
    Full,
    /// Articles changed since `since` (Unix seconds), and the id list.
    Changes { since: i64 },
}

/// A guide the run added, changed or removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuideEntry {
    pub guide: String,
    pub article_id: u64,
    pub title: String,
}

/// An article the run could not write (or a guide it would not remove), and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refusal {
    pub article_id: Option<u64>,
    pub title: String,
    pub error: String,
}

/// What a completed run did.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    #[serde(flatten)]
    pub mode: Mode,
    pub out: PathBuf,
    /// It went on from a run an earlier process began.
    pub resumed: bool,
    pub added: Vec<GuideEntry>,
    pub changed: Vec<GuideEntry>,
    pub removed: Vec<GuideEntry>,
    /// The article list changed while it was read, so no guide was removed this time (the
    /// next run removes what the help centre no longer holds).
    pub removals_postponed: bool,
    /// Guides the help centre holds as the folder already did.
    pub unchanged: usize,
    pub refused: Vec<Refusal>,
    /// Reviewed rules whose cited sentences changed: drafts again, to review anew.
    pub back_to_review: Vec<BackToReview>,
    /// Articles the run imported (the changed ones, on a later run).
    pub imported: usize,
    /// The next run asks for changes from here (Unix seconds).
    pub cursor: i64,
    /// HTTP requests made (retries included).
    pub requests: u64,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.refused.is_empty()
    }
}

/// Runs a sync: see the module's documentation.
pub fn run(options: &Options, progress: &mut dyn Progress) -> Result<Report, SyncError> {
    let locale = options.locale.trim();
    if locale.is_empty()
        || !locale
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(SyncError::input(format!(
            "--locale 값 \"{locale}\"을(를) 쓸 수 없습니다 (예: ko, en-us)"
        )));
    }
    let locale = locale.to_ascii_lowercase();
    let out = options.out.as_path();
    if out.exists() && !out.is_dir() {
        return Err(SyncError::input(format!(
            "--out {}: 폴더가 아닙니다",
            crate::text::path(out)
        )));
    }
    let origin = options.centre.origin().to_owned();
    let cursor = Cursor::read(out)?;
    if let Some(cursor) = &cursor
        && (cursor.origin != origin || cursor.locale != locale)
    {
        return Err(SyncError::input(format!(
            "{}은(는) {} ({})에서 동기화한 폴더입니다: 다른 도움말 센터나 언어는 다른 폴더로 받으세요",
            crate::text::path(out),
            cursor.origin,
            cursor.locale
        )));
    }
    let since = cursor.as_ref().map(|c| c.start_time);
    let mut run = Run::open(out, &origin, &locale, since);
    let mut client = Client::new(
        options.centre.clone(),
        options.credentials.clone(),
        options.retry,
    );
    if let Err(error) = fetch(&mut run, &mut client, progress) {
        if !error.resumable {
            run.roll_back();
        }
        return Err(error);
    }
    let received = match Received::read(&run, &locale) {
        Ok(received) => received,
        Err(error) => {
            // Pages that no longer read are asked for again next time.
            let _ = Run::discard_in(out);
            return Err(error);
        }
    };
    let began = run
        .manifest
        .began
        .unwrap_or_else(|| chrono::Utc::now().timestamp());
    let next_start = match since {
        None => began,
        Some(since) => run
            .manifest
            .steps
            .iter()
            .find(|s| s.endpoint == Endpoint::Changes)
            .and_then(|s| s.end_time)
            .unwrap_or(since),
    };
    let mode = since.map_or(Mode::Full, |since| Mode::Changes { since });
    let (mut report, mut pending) = settle(
        &received,
        cursor.as_ref(),
        &Context {
            out,
            origin: &origin,
            locale: &locale,
            list_moved: run
                .manifest
                .steps
                .iter()
                .any(|s| s.endpoint == Endpoint::Articles && s.moved),
        },
        progress,
    )?;
    pending.cursor.start_time = next_start;
    pending.write(out, progress)?;
    report.mode = mode;
    report.resumed = run.resumed;
    report.cursor = next_start;
    report.requests = client.requests;
    Ok(report)
}

/// Reads every list the run still has to read, a page at a time, each page kept.
fn fetch(run: &mut Run, client: &mut Client, progress: &mut dyn Progress) -> Result<(), SyncError> {
    /// A list longer than this is a server that never says it is done.
    const MAX_PAGES: u32 = 100_000;
    for index in 0..run.manifest.steps.len() {
        loop {
            let step = run.manifest.steps[index].clone();
            let Some(path) = step.next.clone() else {
                break;
            };
            let endpoint = step.endpoint;
            progress.update(Stage::Fetch(endpoint), step.items, step.total);
            let answer = client.get(&path, endpoint.name(), &mut |text| progress.note(&text))?;
            if run.manifest.began.is_none() {
                run.manifest.began = Some(
                    answer
                        .date
                        .unwrap_or_else(|| chrono::Utc::now().timestamp()),
                );
            }
            let page = Page::check(endpoint, &answer.value, &path, client.centre())?;
            let mut next = page.next;
            if next.as_deref() == Some(path.as_str()) || step.pages + 1 >= MAX_PAGES {
                if endpoint != Endpoint::Changes {
                    return Err(malformed(
                        endpoint,
                        &path,
                        "다음 페이지(next_page)가 끝나지 않습니다",
                    ));
                }
                // The export has nothing past this page.
                next = None;
            }
            let items = step.items + page.items;
            let total = step.total.or(page.count);
            // Offset pages of a list that grew or shrank meanwhile may have skipped an entry.
            let moved = step.moved
                || matches!((step.total, page.count), (Some(was), Some(now)) if was != now);
            run.save_page(
                index,
                &answer.text,
                Step {
                    endpoint,
                    next,
                    pages: step.pages + 1,
                    items,
                    total,
                    end_time: page.end_time.or(step.end_time),
                    moved,
                },
            )?;
            progress.update(Stage::Fetch(endpoint), items, total);
        }
    }
    Ok(())
}

fn malformed(endpoint: Endpoint, path: &str, why: &str) -> SyncError {
    SyncError::new(
        ErrorKind::Malformed,
        format!(
            "{} ({path}): 도움말 센터 API의 응답이 아닙니다: {why}",
            endpoint.name()
        ),
    )
}

/// What a page says besides its list.
struct Page {
    items: usize,
    count: Option<usize>,
    next: Option<String>,
    end_time: Option<i64>,
}

impl Page {
    /// A page as the API sends it: an object with its list of objects, each with a numeric
    /// id; a `next_page` on the help centre's API.
    fn check(
        endpoint: Endpoint,
        value: &Value,
        path: &str,
        centre: &HelpCentre,
    ) -> Result<Self, SyncError> {
        let key = endpoint.key();
        let Some(list) = value.get(key).and_then(Value::as_array) else {
            return Err(malformed(
                endpoint,
                path,
                &format!("\"{key}\" 배열이 없습니다"),
            ));
        };
        for (n, entry) in list.iter().enumerate() {
            if entry.get("id").and_then(Value::as_u64).is_none() {
                return Err(malformed(
                    endpoint,
                    path,
                    &format!("{key}[{n}]에 숫자 id가 없습니다"),
                ));
            }
        }
        let next = match value.get("next_page") {
            None | Some(Value::Null) => None,
            Some(Value::String(link)) => Some(centre.path_of(link).ok_or_else(|| {
                malformed(
                    endpoint,
                    path,
                    "다음 페이지(next_page)가 도움말 센터 API 주소가 아닙니다",
                )
            })?),
            Some(_) => return Err(malformed(endpoint, path, "next_page가 주소가 아닙니다")),
        };
        let end_of_stream = value
            .get("end_of_stream")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let next = if endpoint == Endpoint::Changes && (end_of_stream || list.is_empty()) {
            None
        } else {
            next
        };
        Ok(Self {
            items: list.len(),
            count: value
                .get("count")
                .and_then(Value::as_u64)
                .and_then(|n| usize::try_from(n).ok()),
            next,
            end_time: value.get("end_time").and_then(Value::as_i64),
        })
    }
}

/// Everything a run received, read back from its pages.
struct Received {
    categories: HashMap<u64, String>,
    sections: HashMap<u64, (String, Option<u64>)>,
    /// Every article of the locale, in the list's order, each once.
    listed: Vec<Value>,
    /// The incremental export's articles of the locale, by id (the latest of each).
    changes: HashMap<u64, Value>,
}

impl Received {
    fn read(run: &Run, locale: &str) -> Result<Self, SyncError> {
        let mut received = Received {
            categories: HashMap::new(),
            sections: HashMap::new(),
            listed: Vec::new(),
            changes: HashMap::new(),
        };
        let mut seen = HashSet::new();
        for (index, step) in run.manifest.steps.iter().enumerate() {
            for text in run.pages(index)? {
                let value: Value = serde_json::from_str(&text).map_err(|err| {
                    SyncError::folder(format!(
                        "받아 둔 {} 페이지를 읽을 수 없습니다: {err} (다시 실행하면 새로 받습니다)",
                        step.endpoint.name()
                    ))
                })?;
                let Some(Value::Array(list)) = value.get(step.endpoint.key()).cloned() else {
                    continue;
                };
                for entry in list {
                    let Some(id) = entry.get("id").and_then(Value::as_u64) else {
                        continue;
                    };
                    let name = || {
                        entry
                            .get("name")
                            .and_then(Value::as_str)
                            .unwrap_or_default()
                            .to_owned()
                    };
                    match step.endpoint {
                        Endpoint::Categories => {
                            received.categories.insert(id, name());
                        }
                        Endpoint::Sections => {
                            let category = entry.get("category_id").and_then(Value::as_u64);
                            received.sections.insert(id, (name(), category));
                        }
                        Endpoint::Articles => {
                            if of_locale(&entry, locale) && seen.insert(id) {
                                received.listed.push(entry);
                            }
                        }
                        Endpoint::Changes => {
                            if of_locale(&entry, locale) {
                                received.changes.insert(id, entry);
                            }
                        }
                    }
                }
            }
        }
        Ok(received)
    }

    /// An article's category path as the importer reads the API's: its category's name,
    /// then its section's.
    fn category(&self, article: &Value) -> Vec<String> {
        let section = article.get("section_id").and_then(Value::as_u64);
        crate::import::section_path(&self.sections, &self.categories, section)
    }
}

/// The incremental export holds every locale; the lists one.
fn of_locale(article: &Value, locale: &str) -> bool {
    article
        .get("locale")
        .and_then(Value::as_str)
        .is_none_or(|l| l.eq_ignore_ascii_case(locale))
}

fn updated_at(article: &Value) -> Option<String> {
    article
        .get("updated_at")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// When an article was last updated, to tell which of two copies is newer.
fn updated_seconds(article: &Value) -> Option<i64> {
    updated_at(article)
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.timestamp())
}

fn article_id(article: &Value) -> u64 {
    article
        .get("id")
        .and_then(Value::as_u64)
        .unwrap_or_default()
}

struct Context<'a> {
    out: &'a Path,
    origin: &'a str,
    locale: &'a str,
    /// The article list changed while its pages were read: an article missing from it may
    /// only have moved across a page boundary.
    list_moved: bool,
}

/// The articles to import: all of them on a first run; later, those the incremental export
/// brought, and those the list shows otherwise than the cursor recorded (new to the
/// folder, refused before, updated, moved to another section). Each in its newest copy.
fn to_import<'a>(received: &'a Received, cursor: Option<&Cursor>) -> Vec<(&'a Value, Vec<String>)> {
    received
        .listed
        .iter()
        .filter_map(|listed| {
            let id = article_id(listed);
            let category = received.category(listed);
            let fresh = received.changes.get(&id);
            let newest = match fresh {
                Some(fresh) if updated_seconds(fresh) >= updated_seconds(listed) => fresh,
                _ => listed,
            };
            let Some(cursor) = cursor else {
                return Some((newest, category));
            };
            let differs = cursor.articles.get(&id).is_none_or(|synced| {
                synced.updated_at != updated_at(listed) || synced.category != category
            });
            (fresh.is_some() || differs).then_some((newest, category))
        })
        .collect()
}

/// The chosen articles imported as `content import` imports the API's JSON, on every core.
fn import_chosen(chosen: &[(&Value, Vec<String>)], context: &Context<'_>) -> Vec<ArticleImport> {
    crate::parallel::in_shares(chosen.len(), 8, |range| {
        chosen[range]
            .iter()
            .map(|(article, category)| {
                let file = article.get("url").and_then(Value::as_str).map_or_else(
                    || {
                        format!(
                            "{}/api/v2/help_center/{}/articles/{}.json",
                            context.origin,
                            context.locale,
                            article_id(article)
                        )
                    },
                    str::to_owned,
                );
                import::import_article(article, category, &file)
            })
            .collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

/// Imports what changed and applies the reviews: what the folder is to become.
fn settle(
    received: &Received,
    cursor: Option<&Cursor>,
    context: &Context<'_>,
    progress: &mut dyn Progress,
) -> Result<(Report, Pending), SyncError> {
    let out = context.out;
    let chosen = to_import(received, cursor);
    progress.update(Stage::Import, 0, Some(chosen.len()));
    let articles = import_chosen(&chosen, context);
    let imported = articles.len();
    let mut files = vec![FileImport {
        file: context.origin.to_owned(),
        format: Some(Format::ZendeskJson),
        articles,
        error: None,
        notes: Vec::new(),
    }];
    import::settle(&mut files);
    import::refuse_hand_edits(&mut files, out, false);
    let back_to_review = Reviews::read(out)
        .map_err(SyncError::folder)?
        .apply_to_imports(&mut files);
    progress.update(Stage::Import, imported, Some(imported));

    let listed: HashSet<u64> = received.listed.iter().map(article_id).collect();
    let mut next = cursor
        .cloned()
        .unwrap_or_else(|| Cursor::new(context.origin, context.locale));
    let mut report = Report {
        mode: Mode::Full,
        out: out.to_owned(),
        resumed: false,
        added: Vec::new(),
        changed: Vec::new(),
        removed: Vec::new(),
        removals_postponed: false,
        unchanged: 0,
        refused: Vec::new(),
        back_to_review,
        imported,
        cursor: 0,
        requests: 0,
    };
    let category_of: HashMap<u64, &Vec<String>> =
        chosen.iter().map(|(a, c)| (article_id(a), c)).collect();
    let writes = tally(&files, out, &category_of, &mut report, &mut next);
    let removals = match cursor {
        Some(_) if context.list_moved => {
            report.removals_postponed = true;
            progress.note("문서 목록이 받는 동안 바뀌었습니다: 내려간 문서는 확실히 알 수 있는 다음 동기화에서 지웁니다");
            Vec::new()
        }
        Some(cursor) => removals(cursor, &listed, out, &mut report, &mut next),
        None => Vec::new(),
    };
    report.unchanged += listed.len().saturating_sub(imported);

    next.synced_at = crate::clock::rfc3339_kst(&crate::clock::now_kst());
    Ok((
        report,
        Pending {
            writes,
            removals,
            cursor: next,
        },
    ))
}

/// Each imported article as added, changed or unchanged (its guide file byte for byte),
/// recorded in the next cursor; each refused one reported. Returns the guide files to write.
fn tally(
    files: &[FileImport],
    out: &Path,
    category_of: &HashMap<u64, &Vec<String>>,
    report: &mut Report,
    next: &mut Cursor,
) -> BTreeMap<String, Vec<u8>> {
    let mut writes: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for article in files.iter().flat_map(|f| &f.articles) {
        match &article.outcome {
            Outcome::Imported(guide) => {
                let id = article.article_id.unwrap_or_default();
                let name = guide.file_name();
                let bytes = import::render(&guide.guide);
                let entry = GuideEntry {
                    guide: guide.guide.id.clone(),
                    article_id: id,
                    title: guide.guide.title.clone(),
                };
                match std::fs::read(out.join(&name)) {
                    Ok(old) if old == bytes => report.unchanged += 1,
                    Ok(_) => {
                        report.changed.push(entry);
                        writes.insert(name, bytes);
                    }
                    Err(_) => {
                        report.added.push(entry);
                        writes.insert(name, bytes);
                    }
                }
                next.articles.insert(
                    id,
                    Synced {
                        guide: guide.guide.id.clone(),
                        updated_at: guide
                            .guide
                            .source
                            .as_ref()
                            .and_then(|s| s.updated_at.clone()),
                        category: category_of
                            .get(&id)
                            .map(|c| (*c).clone())
                            .unwrap_or_default(),
                    },
                );
            }
            Outcome::Refused(why) => report.refused.push(Refusal {
                article_id: article.article_id,
                title: article.title.clone(),
                error: why.clone(),
            }),
            // The same article met twice: one guide.
            Outcome::Merged { .. } => {}
        }
    }
    writes
}

/// The guides of articles the help centre no longer lists (archived or deleted), each
/// reported and taken out of the cursor; a guide edited by hand stays, refused by name.
fn removals(
    cursor: &Cursor,
    listed: &HashSet<u64>,
    out: &Path,
    report: &mut Report,
    next: &mut Cursor,
) -> Vec<String> {
    let mut removals = Vec::new();
    for (id, synced) in &cursor.articles {
        if listed.contains(id) {
            continue;
        }
        let name = format!("{}.json", synced.guide);
        let path = out.join(&name);
        if !path.exists() {
            next.articles.remove(id);
            continue;
        }
        if let Some(why) = import::hand_edited(&path) {
            report.refused.push(Refusal {
                article_id: Some(*id),
                title: synced.guide.clone(),
                error: format!(
                    "{}: 도움말 센터에서 내려간 문서이지만 지우지 않았습니다: {why}",
                    crate::text::path(&path)
                ),
            });
            continue;
        }
        let title = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<crate::content::Guide>(&b).ok())
            .map_or_else(|| synced.guide.clone(), |g| g.title);
        report.removed.push(GuideEntry {
            guide: synced.guide.clone(),
            article_id: *id,
            title,
        });
        next.articles.remove(id);
        removals.push(name);
    }
    removals
}

/// A run's result before it is in the folder.
struct Pending {
    /// Guides to write, by file name.
    writes: BTreeMap<String, Vec<u8>>,
    /// Guide files to remove.
    removals: Vec<String>,
    cursor: Cursor,
}

impl Pending {
    /// Puts the run's result in the folder: the guides, the removals and the new cursor
    /// swapped in at once (with nothing to change in the guides, only the cursor is
    /// written); the run's pages go with it.
    fn write(self, out: &Path, progress: &mut dyn Progress) -> Result<(), SyncError> {
        let total = self.writes.len() + self.removals.len();
        progress.update(Stage::Write, 0, Some(total));
        let cursor_name = Path::new(STATE_DIR).join(state::CURSOR_FILE);
        if total == 0 && out.is_dir() {
            crate::files::write_atomic(&out.join(&cursor_name), &self.cursor.to_bytes())?;
            Run::discard_in(out)?;
        } else {
            crate::files::replace_folder(out, crate::files::Start::Existing, |staging| {
                for (done, (name, bytes)) in self.writes.iter().enumerate() {
                    staging.write(Path::new(name), bytes)?;
                    if done % 64 == 0 {
                        progress.update(Stage::Write, done, Some(total));
                    }
                }
                for name in &self.removals {
                    staging.remove(Path::new(name))?;
                }
                staging.write(&cursor_name, &self.cursor.to_bytes())?;
                Run::discard_in(staging.path()).map_err(|err| {
                    crate::files::WriteError::io(
                        staging.path(),
                        "받던 기록을 지울 수 없습니다",
                        std::io::Error::other(err.message),
                    )
                })
            })
            .map_err(|err| {
                SyncError::folder(format!(
                    "{err} (아무것도 바꾸지 않았고 {}의 기존 내용은 그대로입니다; 다시 실행하면 받아 둔 것으로 이어 씁니다)",
                    crate::text::path(out)
                ))
                .resumable()
            })?;
        }
        progress.update(Stage::Write, total, Some(total));
        Ok(())
    }
}
