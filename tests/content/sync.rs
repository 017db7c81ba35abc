//! `content sync` against a stand-in of the help centre's API on 127.0.0.1: a first run pages
//! through every list, a later one asks only for what changed since its cursor and finds
//! what was archived or deleted; reviews survive it and a changed citation goes back to
//! review; rate limits are waited out, a failing server leaves a run to resume, and bad
//! credentials, a wrong address, an unreachable server or a malformed page change nothing.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use support_console::sync::{self, Credentials, HelpCentre, Retry};

use super::bin;
use super::zendesk::{self, EMAIL, Fault, Rule, SEED, Server, TOKEN};

/// The stand-in's articles: the seed and nine of the driver help centre.
const ARTICLES: usize = 10;
/// A driver help centre article that is archived in the scenarios.
const LOST_PROPERTY: u64 = 40_475_100_000_122;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("{err}: {}\n{}", self.stdout, self.stderr))
    }
}

/// `content sync` with the stand-in's credentials (or `token` instead of its token).
fn sync_cli(server: &str, out: &Path, token: &str, more: &[&str]) -> Run {
    let output = bin()
        .args(["content", "sync", "--from", server, "--out"])
        .arg(out)
        .args(more)
        .env_remove(sync::OAUTH_TOKEN_VAR)
        .env(sync::EMAIL_VAR, EMAIL)
        .env(sync::API_TOKEN_VAR, token)
        .output()
        .expect("run the binary");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn cli(args: &[&str]) -> Run {
    let output = bin().args(args).output().expect("run the binary");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Every file under `dir` (hidden ones too) with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let relative = p.strip_prefix(root).expect("below").to_owned();
                out.insert(relative, std::fs::read(&p).expect("read"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn guide_file(out: &Path, article: u64) -> PathBuf {
    out.join(format!("article-{article}.json"))
}

fn guide(out: &Path, article: u64) -> serde_json::Value {
    let text = std::fs::read_to_string(guide_file(out, article)).expect("guide file");
    serde_json::from_str(&text).expect("guide json")
}

fn cursor(out: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(out.join(".sync/cursor.json")).expect("cursor");
    serde_json::from_str(&text).expect("cursor json")
}

/// Requests to one list, by the page they asked for.
fn pages_asked(log: &[zendesk::Logged], list: &str) -> Vec<String> {
    log.iter()
        .filter(|r| r.path.ends_with(list) && r.status == 200)
        .map(|r| r.param("page").unwrap_or("1").to_owned())
        .collect()
}

/// The library's sync with quick retries, for the runs that fail on purpose.
fn sync_lib(server: &Server, out: &Path) -> Result<sync::Report, sync::SyncError> {
    let options = sync::Options {
        centre: HelpCentre::parse(&server.url()).expect("address"),
        locale: "ko".to_owned(),
        out: out.to_owned(),
        credentials: Credentials::api_token(EMAIL, TOKEN),
        retry: Retry {
            attempts: 3,
            backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            ..Retry::DEFAULT
        },
    };
    sync::run(&options, &mut sync::Quiet)
}

#[test]
fn sync_first_run_pages_through_every_list_and_writes_every_article() {
    let mut state = zendesk::help_centre();
    state.list_page = Some(3);
    let server = Server::start(state);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hc");
    let run = sync_cli(&server.url(), &out, TOKEN, &["--json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let report = run.json();
    assert_eq!(report["ok"], true);
    assert_eq!(report["mode"], "full");
    assert_eq!(
        report["added"].as_array().map(Vec::len),
        Some(ARTICLES),
        "{report}"
    );
    assert_eq!(report["removed"], serde_json::json!([]));

    let log = server.take_log();
    // Ten articles three to a page, seven sections, three categories: every page once.
    assert_eq!(pages_asked(&log, "/ko/articles.json"), ["1", "2", "3", "4"]);
    assert_eq!(pages_asked(&log, "/ko/sections.json"), ["1", "2", "3"]);
    assert_eq!(pages_asked(&log, "/ko/categories.json"), ["1"]);
    assert!(log.iter().all(|r| !r.path.contains("incremental")));
    let first = log
        .iter()
        .find(|r| r.path.ends_with("/ko/articles.json"))
        .expect("asked");
    assert_eq!(first.param("per_page"), Some("100"));

    for id in server.state().articles.keys() {
        assert!(guide_file(&out, *id).is_file(), "article {id} written");
    }
    // The category path from the section and its category.
    let lost = guide(&out, LOST_PROPERTY);
    assert_eq!(
        lost["category"],
        serde_json::json!(["택시 기사", "배차/운행"])
    );
    assert_eq!(lost["source"]["article_id"], LOST_PROPERTY);
    // The folder loads as content; the sync's state is not content.
    let check = cli(&["content", "check", "--content", path(&out)]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        cursor(&out)["start_time"]
            .as_i64()
            .is_some_and(|t| t > 1_700_000_000)
    );
    assert!(!out.join(".sync/run").exists());

    // Nothing changed: the next run asks for changes since the cursor and writes no guide.
    let before = snapshot(&out);
    let run = sync_cli(&server.url(), &out, TOKEN, &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout
            .contains("추가 0개, 변경 0개, 삭제 0개, 그대로 10개"),
        "{}",
        run.stdout
    );
    let after = snapshot(&out);
    let guides = |s: &BTreeMap<PathBuf, Vec<u8>>| {
        s.iter()
            .filter(|(p, _)| !p.starts_with(".sync"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(guides(&before), guides(&after));
}

/// The issue's held-out case: a stand-in that answers 429 once and pages one article at a
/// time; one article changes a threshold and another is archived between two syncs.
#[test]
fn sync_held_out_a_threshold_changes_and_an_article_is_archived() {
    let mut state = zendesk::help_centre();
    state.list_page = Some(1);
    state.changes_page = 1;
    state.faults.push(Rule {
        matching: String::new(),
        times: 1,
        fault: Fault::RateLimit {
            retry_after: "1".to_owned(),
        },
    });
    let server = Server::start(state);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hc");

    let first = sync_cli(&server.url(), &out, TOKEN, &["--json"]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stderr.contains("HTTP 429"),
        "the wait is said: {}",
        first.stderr
    );
    let log = server.take_log();
    assert_eq!(log[0].status, 429);
    assert_eq!(
        log[1].path, log[0].path,
        "the same request again after the wait"
    );
    assert_eq!(log[1].status, 200);
    assert_eq!(pages_asked(&log, "/ko/articles.json").len(), ARTICLES);
    for id in server.state().articles.keys() {
        assert!(guide_file(&out, *id).is_file(), "article {id} written");
    }
    let since = cursor(&out)["start_time"].as_i64().expect("cursor");

    // The content team accepts every proposal.
    let review = cli(&[
        "content",
        "review",
        "--content",
        path(&out),
        "--accept-all",
        "--json",
    ]);
    assert_ne!(review.code, 2, "{}", review.stderr);

    // The help centre lowers the payment-failure line and archives an article.
    {
        let mut state = server.state();
        let now = chrono::Utc::now().timestamp() + 1;
        let seed = state.articles.get_mut(&SEED).expect("seed");
        let lowered = seed
            .body
            .replace("전월 평균 3.7 이하", "전월 평균 3.6 이하");
        assert_ne!(lowered, seed.body);
        seed.body = lowered;
        seed.updated_at = now;
        state
            .articles
            .get_mut(&LOST_PROPERTY)
            .expect("article")
            .archived = true;
    }
    let second = sync_cli(&server.url(), &out, TOKEN, &["--json"]);
    assert_eq!(second.code, 0, "{}", second.stderr);
    let report = second.json();
    let log = server.take_log();
    let incremental: Vec<_> = log
        .iter()
        .filter(|r| r.path.ends_with("/incremental/articles.json"))
        .collect();
    assert_eq!(
        incremental[0].param("start_time"),
        Some(since.to_string().as_str()),
        "changes since the saved cursor"
    );
    assert_eq!(report["mode"], "changes");
    assert_eq!(report["since"], since);
    assert_eq!(
        report["imported"], 1,
        "only the changed article is read again: {report}"
    );
    let ids = |key: &str| {
        report[key]
            .as_array()
            .expect("list")
            .iter()
            .map(|g| g["article_id"].as_u64().expect("id"))
            .collect::<Vec<_>>()
    };
    assert_eq!(ids("changed"), [SEED]);
    assert_eq!(ids("removed"), [LOST_PROPERTY]);
    assert_eq!(ids("added"), Vec::<u64>::new());
    assert_eq!(report["unchanged"], ARTICLES - 2);
    assert_eq!(
        report["back_to_review"][0]["now"][0],
        "ㅁ 전월 평균 3.6 이하가되는 경우"
    );
    assert!(second.stderr.contains("다시 검토"), "{}", second.stderr);

    // The new threshold is in the guide, the archived guide is gone.
    let seed = std::fs::read_to_string(guide_file(&out, SEED)).expect("seed");
    assert!(seed.contains("전월 평균 3.6 이하"));
    assert!(!guide_file(&out, LOST_PROPERTY).exists());
    // `content review` lists the rule whose cited sentence changed.
    let review = cli(&["content", "review", "--content", path(&out), "--json"]);
    assert_eq!(review.code, 0, "{}", review.stderr);
    let review: serde_json::Value = serde_json::from_str(&review.stdout).expect("json");
    let changed = review["changed"].as_array().expect("changed");
    assert_eq!(changed.len(), 1, "{review}");
    assert_eq!(changed[0]["before"][0], "ㅁ 전월 평균 3.7 이하가되는 경우");
    assert_eq!(changed[0]["now"][0], "ㅁ 전월 평균 3.6 이하가되는 경우");
    // Every other review stands.
    let check = cli(&["content", "check", "--content", path(&out)]);
    assert_eq!(check.code, 0, "{}", check.stderr);
}

#[test]
fn sync_a_server_error_mid_run_is_resumed_from_the_cursor() {
    let mut state = zendesk::help_centre();
    state.list_page = Some(2);
    // A dropped connection once is tried again; the article list's page 3 fails until the
    // server recovers.
    state.faults.push(Rule {
        matching: "sections.json".to_owned(),
        times: 1,
        fault: Fault::Reset,
    });
    state.faults.push(Rule {
        matching: "articles.json?page=3".to_owned(),
        times: usize::MAX,
        fault: Fault::Status(503),
    });
    let server = Server::start(state);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hc");
    std::fs::create_dir(&out).expect("out");
    std::fs::write(out.join("notes.txt"), "not content").expect("write");

    let error = sync_lib(&server, &out).expect_err("the server keeps failing");
    assert!(error.resumable, "{error}");
    assert!(error.message.contains("503"), "{error}");
    // No guide yet: the console sees the folder as it was.
    assert!(
        !out.read_dir()
            .expect("dir")
            .flatten()
            .any(|e| { e.path().extension().is_some_and(|x| x == "json") })
    );
    let log = server.take_log();
    assert_eq!(log.iter().filter(|r| r.status == 0).count(), 1, "one reset");
    assert_eq!(
        log.iter().filter(|r| r.status == 503).count(),
        3,
        "three tries"
    );

    // The server recovers: the run goes on from the page that failed.
    server.state().faults.clear();
    let report = sync_lib(&server, &out).expect("resumed");
    assert!(report.resumed);
    let log = server.take_log();
    assert!(
        log.iter()
            .all(|r| !r.path.contains("sections") && !r.path.contains("categories")),
        "lists read before are not asked again: {log:?}"
    );
    let first = &log[0];
    assert!(
        first.path.ends_with("/ko/articles.json") && first.param("page") == Some("3"),
        "{first:?}"
    );
    assert_eq!(report.added.len(), ARTICLES);
    for id in server.state().articles.keys() {
        assert!(guide_file(&out, *id).is_file(), "article {id} written");
    }
    assert!(!out.join(".sync/run").exists());
    assert!(out.join("notes.txt").is_file());
}

#[test]
fn sync_bad_credentials_change_nothing_and_never_show_the_token() {
    let server = Server::start(zendesk::help_centre());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hc");
    let first = sync_cli(&server.url(), &out, TOKEN, &[]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    server
        .state()
        .articles
        .get_mut(&SEED)
        .expect("seed")
        .updated_at += 10_000_000;
    let before = snapshot(&out);

    let wrong = "wrong-token-93kd";
    let run = sync_cli(&server.url(), &out, wrong, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("인증을 거부했습니다"), "{}", run.stderr);
    assert!(run.stderr.contains("그대로입니다"), "{}", run.stderr);
    assert!(!run.stderr.contains(wrong) && !run.stdout.contains(wrong));
    assert_eq!(snapshot(&out), before);

    // No credentials at all: said before anything is asked.
    let output = bin()
        .args([
            "content",
            "sync",
            "--from",
            &server.url(),
            "--out",
            path(&out),
        ])
        .env_remove(sync::EMAIL_VAR)
        .env_remove(sync::API_TOKEN_VAR)
        .env_remove(sync::OAUTH_TOKEN_VAR)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("ZENDESK_EMAIL"), "{stderr}");
    assert_eq!(snapshot(&out), before);
}

#[test]
fn sync_a_wrong_url_an_unreachable_server_or_a_malformed_page_change_nothing() {
    let server = Server::start(zendesk::help_centre());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hc");
    assert_eq!(sync_cli(&server.url(), &out, TOKEN, &[]).code, 0);
    server
        .state()
        .articles
        .get_mut(&SEED)
        .expect("seed")
        .updated_at += 10_000_000;
    let before = snapshot(&out);
    server.take_log();

    // The API is not where the address says (a locale the help centre does not have; a
    // cursor of another help centre).
    let folder = dir.path().join("new");
    let run = sync_cli(&server.url(), &folder, TOKEN, &["--locale", "xx"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("HTTP 404"), "{}", run.stderr);
    assert!(!folder.exists(), "nothing made");
    let run = sync_cli(&server.url(), &out, TOKEN, &["--locale", "en-us"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("다른 폴더"), "{}", run.stderr);
    assert_eq!(snapshot(&out), before);

    // Nothing listens there (a folder synced from elsewhere is refused before any request:
    // a new folder, which is not made).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = format!("http://{}", closed.local_addr().expect("addr"));
    drop(closed);
    let run = sync_cli(&address, &folder, TOKEN, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("연결할 수 없습니다"), "{}", run.stderr);
    assert!(!folder.exists(), "nothing made");
    let run = sync_cli(&address, &out, TOKEN, &[]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("다른 폴더"), "{}", run.stderr);
    assert_eq!(snapshot(&out), before);

    // A page that is not JSON, and one that is JSON but not the API's, mid-run.
    for body in ["<html>점검 중</html>", r#"{"articles": "none"}"#] {
        server.state().faults.push(Rule {
            matching: "incremental".to_owned(),
            times: 1,
            fault: Fault::Body(body.to_owned()),
        });
        let run = sync_cli(&server.url(), &out, TOKEN, &[]);
        assert_eq!(run.code, 2, "{body}");
        assert!(run.stderr.contains("응답"), "{}", run.stderr);
        assert_eq!(snapshot(&out), before, "{body}");
    }
    // An address that is not a help centre's.
    for wrong in [
        "example.zendesk.com",
        "http://example.zendesk.com",
        "https://u:p@x.example",
    ] {
        let run = sync_cli(wrong, &out, TOKEN, &[]);
        assert_eq!(run.code, 2, "{wrong}");
        assert!(run.stderr.contains("--from"), "{}", run.stderr);
    }
    assert_eq!(snapshot(&out), before);
}

#[test]
fn sync_a_deleted_article_and_a_renamed_section() {
    let server = Server::start(zendesk::help_centre());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hc");
    sync_lib(&server, &out).expect("first");
    {
        let mut state = server.state();
        state.articles.remove(&LOST_PROPERTY);
        // A section renamed: the category path of its article (which names none in its
        // body) changes with no article updated.
        let section = state
            .sections
            .iter_mut()
            .find(|s| s.1 == "내 정보/차량")
            .expect("section");
        section.1 = "내 정보·차량".to_owned();
    }
    let report = sync_lib(&server, &out).expect("second");
    assert_eq!(
        report
            .removed
            .iter()
            .map(|g| g.article_id)
            .collect::<Vec<_>>(),
        [LOST_PROPERTY]
    );
    assert!(!guide_file(&out, LOST_PROPERTY).exists());
    assert_eq!(report.changed.len(), 1, "{report:?}");
    let moved = guide(&out, report.changed[0].article_id);
    assert_eq!(moved["category"][1], "내 정보·차량");
    // Recorded in the cursor: the next run reads nothing again.
    let report = sync_lib(&server, &out).expect("third");
    assert_eq!(
        (report.imported, report.changed.len()),
        (0, 0),
        "{report:?}"
    );
}

/// An article deleted while the list's offset pages are read moves the next one back across
/// a page boundary, out of the list: nothing is removed on that run's word, and the next run
/// removes the deleted one only.
#[test]
fn sync_a_list_that_changes_while_it_is_read_removes_nothing_that_stayed() {
    let mut state = zendesk::help_centre();
    state.list_page = Some(3);
    let server = Server::start(state);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hc");
    sync_lib(&server, &out).expect("first");
    // Oldest first: the seed, then 115, 121 | 122, 131, 123 | 124, 125, 126 | 132.
    const DELETED: u64 = 40_475_100_000_115;
    const SKIPPED: u64 = 40_475_100_000_124;
    server.state().faults.push(Rule {
        matching: "articles.json?page=3".to_owned(),
        times: 1,
        fault: Fault::Delete(DELETED),
    });
    let report = sync_lib(&server, &out).expect("second");
    assert!(report.removals_postponed, "{report:?}");
    assert!(report.removed.is_empty(), "{report:?}");
    assert!(guide_file(&out, SKIPPED).is_file());
    assert!(
        guide_file(&out, DELETED).is_file(),
        "removed on a later run's word"
    );

    let report = sync_lib(&server, &out).expect("third");
    assert!(!report.removals_postponed);
    assert_eq!(
        report
            .removed
            .iter()
            .map(|g| g.article_id)
            .collect::<Vec<_>>(),
        [DELETED]
    );
    assert!(!guide_file(&out, DELETED).exists());
    assert!(guide_file(&out, SKIPPED).is_file());
}
