//! A stand-in for a help centre's API on 127.0.0.1 (a random port, a thread of its own), for
//! `content sync`'s tests and bench: the list endpoints for categories, sections and
//! articles (offset pages, `next_page`), the incremental export (`start_time`, `end_time`,
//! `end_of_stream`), credentials checked, and faults on demand (429 with `Retry-After`, an
//! error status, a dropped connection, a page that is not JSON). Every request is logged.

#![allow(dead_code)] // each binary uses its own part of it

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use serde_json::{Value, json};

pub const EMAIL: &str = "agent@example.invalid";
pub const TOKEN: &str = "stand-in-token-7f3a";

/// `Authorization` for [`EMAIL`] and [`TOKEN`]: Basic `email/token:TOKEN`.
pub fn basic_auth() -> String {
    // base64 without a crate: the test must not share the code it checks.
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{EMAIL}/token:{TOKEN}").into_bytes();
    let mut out = String::new();
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    format!("Basic {out}")
}

#[derive(Debug, Clone)]
pub struct Article {
    pub id: u64,
    pub section_id: u64,
    pub title: String,
    pub body: String,
    pub locale: String,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
    /// Archived: in no list and not in the incremental export.
    pub archived: bool,
}

/// What goes wrong, on demand.
#[derive(Debug, Clone)]
pub enum Fault {
    Status(u16),
    RateLimit {
        retry_after: String,
    },
    /// The connection closed before any answer.
    Reset,
    /// A 200 whose body is this text.
    Body(String),
    /// The article is deleted just before this request is answered (as an editor may
    /// while the pages are read).
    Delete(u64),
}

/// A fault for the requests whose path and query contain `matching`, `times` times.
#[derive(Debug, Clone)]
pub struct Rule {
    pub matching: String,
    pub times: usize,
    pub fault: Fault,
}

#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub query: BTreeMap<String, String>,
    pub status: u16,
}

impl Logged {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str)
    }
}

#[derive(Debug)]
pub struct State {
    pub articles: BTreeMap<u64, Article>,
    /// (id, name, category id)
    pub sections: Vec<(u64, String, u64)>,
    /// (id, name)
    pub categories: Vec<(u64, String)>,
    /// Every list page this long, whatever `per_page` asks (the held-out stand-in: 1).
    pub list_page: Option<usize>,
    /// The incremental export's page (the API's: 1,000).
    pub changes_page: usize,
    /// `Authorization` values accepted.
    pub accepted: Vec<String>,
    pub faults: Vec<Rule>,
    pub log: Vec<Logged>,
}

impl Default for State {
    fn default() -> Self {
        Self {
            articles: BTreeMap::new(),
            sections: Vec::new(),
            categories: Vec::new(),
            list_page: None,
            changes_page: 1000,
            accepted: vec![basic_auth()],
            faults: Vec::new(),
            log: Vec::new(),
        }
    }
}

pub struct Server {
    state: Arc<Mutex<State>>,
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub fn start(state: State) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let addr = listener.local_addr().expect("address");
        let state = Arc::new(Mutex::new(state));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, &state, addr);
                    }
                }
            })
        };
        Self {
            state,
            addr,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The requests so far, and a fresh log.
    pub fn take_log(&self) -> Vec<Logged> {
        std::mem::take(&mut self.state().log)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn iso(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .expect("time")
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn article_json(article: &Article, base: &str) -> Value {
    json!({
        "id": article.id,
        "url": format!("{base}/api/v2/help_center/{}/articles/{}.json", article.locale, article.id),
        "html_url": format!("{base}/hc/{}/articles/{}", article.locale, article.id),
        "author_id": 9_100_000_000_001_u64,
        "comments_disabled": true,
        "draft": false,
        "promoted": false,
        "position": 0,
        "section_id": article.section_id,
        "created_at": iso(article.created_at),
        "updated_at": iso(article.updated_at),
        "edited_at": iso(article.updated_at),
        "name": article.title,
        "title": article.title,
        "source_locale": article.locale,
        "locale": article.locale,
        "outdated": false,
        "label_names": [],
        "body": article.body,
    })
}

fn parse_query(query: &str) -> BTreeMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (k.to_owned(), v.to_owned())
        })
        .collect()
}

fn query_string(query: &BTreeMap<String, String>) -> String {
    query
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

fn respond(stream: &mut TcpStream, status: u16, extra: &str, body: &str) {
    let reason = match status {
        200 => "OK",
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    };
    let date = chrono::Utc::now()
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\nDate: {date}\r\nConnection: close\r\n{extra}\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body.as_bytes());
    let _ = stream.flush();
}

fn serve(mut stream: TcpStream, state: &Mutex<State>, addr: SocketAddr) {
    let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let head = String::from_utf8_lossy(&head).into_owned();
    let mut lines = head.split("\r\n");
    let target = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .unwrap_or("/")
        .to_owned();
    let authorization = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.trim().to_owned());
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let query = parse_query(query);
    let base = format!("http://{addr}");

    let mut state = state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let fault = state
        .faults
        .iter_mut()
        .find(|rule| rule.times > 0 && target.contains(&rule.matching))
        .map(|rule| {
            rule.times -= 1;
            rule.fault.clone()
        });
    let authorised = authorization.is_some_and(|a| state.accepted.contains(&a));
    let (status, extra, body) = match fault {
        Some(Fault::Reset) => {
            state.log.push(Logged {
                path: path.to_owned(),
                query,
                status: 0,
            });
            drop(state);
            let _ = stream.shutdown(std::net::Shutdown::Both);
            return;
        }
        Some(Fault::Status(status)) => (
            status,
            String::new(),
            json!({"error": "stand-in"}).to_string(),
        ),
        Some(Fault::RateLimit { retry_after }) => (
            429,
            format!("Retry-After: {retry_after}\r\n"),
            json!({"error": "TooManyRequests"}).to_string(),
        ),
        Some(Fault::Body(text)) => (200, String::new(), text),
        Some(Fault::Delete(id)) => {
            state.articles.remove(&id);
            answer(&state, authorised, path, &query, &base)
        }
        None if !authorised => (
            401,
            String::new(),
            json!({"error": "Couldn't authenticate you"}).to_string(),
        ),
        None => match route(&state, path, &query, &base) {
            Some(value) => (200, String::new(), value.to_string()),
            None => (
                404,
                String::new(),
                json!({"error": "InvalidEndpoint"}).to_string(),
            ),
        },
    };
    state.log.push(Logged {
        path: path.to_owned(),
        query,
        status,
    });
    drop(state);
    respond(&mut stream, status, &extra, &body);
}

/// The API's answer: 401 without the credentials, 404 off its routes.
fn answer(
    state: &State,
    authorised: bool,
    path: &str,
    query: &BTreeMap<String, String>,
    base: &str,
) -> (u16, String, String) {
    if !authorised {
        return (
            401,
            String::new(),
            json!({"error": "Couldn't authenticate you"}).to_string(),
        );
    }
    match route(state, path, query, base) {
        Some(value) => (200, String::new(), value.to_string()),
        None => (
            404,
            String::new(),
            json!({"error": "InvalidEndpoint"}).to_string(),
        ),
    }
}

fn route(state: &State, path: &str, query: &BTreeMap<String, String>, base: &str) -> Option<Value> {
    let rest = path.strip_prefix("/api/v2/help_center/")?;
    if rest == "incremental/articles.json" {
        return Some(changes(state, query, base));
    }
    let (locale, list) = rest.split_once('/')?;
    let live = || {
        let mut articles: Vec<&Article> = state
            .articles
            .values()
            .filter(|a| !a.archived && a.locale == locale)
            .collect();
        articles.sort_by_key(|a| (a.created_at, a.id));
        articles
    };
    let per_page = state.list_page.unwrap_or_else(|| {
        query
            .get("per_page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(30usize)
            .clamp(1, 100)
    });
    let page: usize = query
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .max(1);
    let skip = (page - 1) * per_page;
    // Only the page's entries are made into JSON (the bench's lists are long).
    let (count, slice): (usize, Vec<Value>) = match list {
        "articles.json" => {
            let live = live();
            let slice = live
                .iter()
                .skip(skip)
                .take(per_page)
                .map(|a| article_json(a, base))
                .collect();
            (live.len(), slice)
        }
        "sections.json" if locale == "ko" => (
            state.sections.len(),
            state
                .sections
                .iter()
                .skip(skip)
                .take(per_page)
                .map(|(id, name, category)| json!({"id": id, "name": name, "category_id": category, "locale": locale}))
                .collect(),
        ),
        "categories.json" if locale == "ko" => (
            state.categories.len(),
            state
                .categories
                .iter()
                .skip(skip)
                .take(per_page)
                .map(|(id, name)| json!({"id": id, "name": name, "locale": locale}))
                .collect(),
        ),
        _ => return None,
    };
    let key = list.trim_end_matches(".json");
    let page_count = count.div_ceil(per_page).max(1);
    let link = |page: usize| {
        let mut query = query.clone();
        query.insert("page".to_owned(), page.to_string());
        query.insert("per_page".to_owned(), per_page.to_string());
        format!("{base}{path}?{}", query_string(&query))
    };
    Some(json!({
        key: slice,
        "page": page,
        "per_page": per_page,
        "page_count": page_count,
        "count": count,
        "next_page": (page < page_count).then(|| link(page + 1)),
        "previous_page": (page > 1).then(|| link(page - 1)),
        "sort_by": "position",
        "sort_order": "asc",
    }))
}

/// The incremental export: articles updated at or after `start_time`, oldest first; the
/// page's `end_time` is the next page's `start_time` (one second past its last article).
fn changes(state: &State, query: &BTreeMap<String, String>, base: &str) -> Value {
    let start: i64 = query
        .get("start_time")
        .and_then(|t| t.parse().ok())
        .unwrap_or(0);
    let mut changed: Vec<&Article> = state
        .articles
        .values()
        .filter(|a| !a.archived && a.updated_at >= start)
        .collect();
    changed.sort_by_key(|a| (a.updated_at, a.id));
    let page: Vec<&Article> = changed.iter().take(state.changes_page).copied().collect();
    let end_time = page.last().map_or(start, |a| a.updated_at + 1);
    let end_of_stream = changed.len() <= state.changes_page;
    json!({
        "articles": page.iter().map(|a| article_json(a, base)).collect::<Vec<_>>(),
        "count": page.len(),
        "end_time": end_time,
        "end_of_stream": end_of_stream,
        "next_page": (!end_of_stream).then(|| format!("{base}/api/v2/help_center/incremental/articles.json?start_time={end_time}")),
    })
}

/// The held-out help centre: the seed guide (membership) and the driver help centre's
/// articles of `tests/fixtures/helpcentre/api-page-*.json`, with their sections and
/// categories; updated long ago.
pub fn help_centre() -> State {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut state = State::default();
    let mut created = 1_700_000_000;
    for file in [
        "articles/seed-api.json",
        "helpcentre/api-page-1.json",
        "helpcentre/api-page-2.json",
    ] {
        let text = std::fs::read_to_string(root.join(file)).expect("fixture");
        let page: Value = serde_json::from_str(&text).expect("fixture json");
        for article in page["articles"].as_array().expect("articles") {
            created += 3600;
            let id = article["id"].as_u64().expect("id");
            state.articles.insert(
                id,
                Article {
                    id,
                    section_id: article["section_id"].as_u64().expect("section"),
                    title: article["title"].as_str().expect("title").to_owned(),
                    body: article["body"].as_str().expect("body").to_owned(),
                    locale: "ko".to_owned(),
                    created_at: created,
                    updated_at: created,
                    archived: false,
                },
            );
        }
        for section in page["sections"].as_array().into_iter().flatten() {
            state.sections.push((
                section["id"].as_u64().expect("id"),
                section["name"].as_str().expect("name").to_owned(),
                section["category_id"].as_u64().expect("category"),
            ));
        }
        for category in page["categories"].as_array().into_iter().flatten() {
            state.categories.push((
                category["id"].as_u64().expect("id"),
                category["name"].as_str().expect("name").to_owned(),
            ));
        }
    }
    // The seed's section and category.
    state
        .categories
        .push((360_000_000_001, "택시_기사".to_owned()));
    state
        .sections
        .push((360_000_000_101, "멤버십".to_owned(), 360_000_000_001));
    // A section the API pages do not sideload.
    state
        .sections
        .push((360_000_100_108, "운영센터 안내".to_owned(), 360_000_100_002));
    state
}

/// The seed article's id.
pub const SEED: u64 = 40_475_000_000_001;
