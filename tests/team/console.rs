//! The must-holds of the team link, played by consoles.

use std::time::{Duration, Instant};

use support_console::team::TeamUrl;

use super::super::postgres::Cluster;
use super::{MEMO, NOTHING, PHONE, bin, count_of, play_call, push, quit, report_json, total};

/// Two consoles, each with its own log, one team database: each searches for what is not
/// there, opens a hit, sends an SMS and quits; each pushes twice; the report counts the
/// query twice, 2 SMS, 2 consoles. The server stops: a call is played all the same, the
/// push fails with a Korean message and exit 1; back up, one push, 3 SMS. Nothing personal
/// is in the team's tables or in anything the report prints.
#[test]
fn two_consoles_push_to_one_team_and_the_report_counts_them() {
    let mut cluster = Cluster::start(false);
    let url = cluster.url(None);
    let dir = tempfile::tempdir().expect("tempdir");
    let logs = [dir.path().join("a.sqlite3"), dir.path().join("b.sqlite3")];
    for log in &logs {
        quit(play_call(log, Some(&url)));
    }
    for log in &logs {
        let first = push(log, &url);
        assert!(
            first.status.success(),
            "{}",
            String::from_utf8_lossy(&first.stderr)
        );
        let again = push(log, &url);
        assert!(again.status.success());
        let said = String::from_utf8_lossy(&again.stdout);
        assert!(
            said.contains("기록 0건을 보냈습니다"),
            "twice adds nothing: {said}"
        );
    }
    let report = report_json(&url);
    assert_eq!(
        count_of(&report, "searches_without_results", "query", NOTHING),
        2,
        "{report:#}"
    );
    assert_eq!(total(&report, "sms_sent"), 2, "{report:#}");
    assert_eq!(report["consoles"], 2);
    assert_eq!(total(&report, "searches_without_opens"), 0, "{report:#}");
    assert!(total(&report, "opened") >= 2, "{report:#}");

    // The server stops; a console plays another call all the same.
    cluster.stop();
    let app = play_call(&logs[0], Some(&url));
    quit(app);
    let failed = push(&logs[0], &url);
    assert_eq!(failed.status.code(), Some(1));
    let said = String::from_utf8_lossy(&failed.stderr);
    assert!(
        said.contains("팀 데이터베이스에 보내지 못했습니다") && said.contains("연결할 수 없습니다"),
        "{said}"
    );
    assert!(
        !said.contains(super::super::postgres::OWNER_PASSWORD),
        "{said}"
    );
    cluster.restart();
    let back = push(&logs[0], &url);
    assert!(
        back.status.success(),
        "{}",
        String::from_utf8_lossy(&back.stderr)
    );
    let report = report_json(&url);
    assert_eq!(total(&report, "sms_sent"), 3, "{report:#}");
    assert_eq!(
        count_of(&report, "searches_without_results", "query", NOTHING),
        3
    );

    // Nothing personal, nor a credential, reached the team or the report.
    let stored = cluster.dump();
    assert!(
        stored.contains("가입 기준"),
        "the tables were read: {stored}"
    );
    let html = dir.path().join("report.html");
    let text = bin(&["report", "--team", &url, "--html", html.to_str().unwrap()]);
    assert!(text.status.success());
    let outputs = [
        stored,
        report.to_string(),
        String::from_utf8_lossy(&text.stdout).into_owned(),
        String::from_utf8_lossy(&text.stderr).into_owned(),
        std::fs::read_to_string(&html).expect("html"),
    ];
    for output in &outputs {
        for secret in [
            PHONE,
            "4821",
            "7735",
            "9876",
            "비밀메모",
            "김철수",
            MEMO,
            super::super::postgres::OWNER_PASSWORD,
        ] {
            assert!(!output.contains(secret), "{secret} in {output}");
        }
    }
    // The local log keeps that an SMS was sent and to what kind of number, masked as every
    // copy and send is (issue 35); the team's copy keeps not even the text.
    let local = bin(&[
        "history",
        "--history",
        logs[0].to_str().unwrap(),
        "--kind",
        "sent",
    ]);
    let local = String::from_utf8_lossy(&local.stdout);
    assert!(
        !local.contains(PHONE) && local.contains("[전화번호]"),
        "{local}"
    );
}

/// A server that accepts connections and never answers: the console's keys take no longer
/// than without a team, the header says the link is down with the events waiting, and the
/// events are all in the local log.
#[test]
fn a_team_server_that_never_answers_never_slows_a_key() {
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("listener");
    let port = silent.local_addr().expect("address").port();
    // Accepts, holds every connection, never writes a byte.
    let held = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let holder = std::sync::Arc::clone(&held);
    std::thread::spawn(move || {
        for stream in silent.incoming().flatten() {
            if let Ok(mut held) = holder.lock() {
                held.push(stream);
            }
        }
    });
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log.sqlite3");
    let url = format!("postgres://agent:pw@127.0.0.1:{port}/team?sslmode=disable");
    let started = Instant::now();
    let mut app = play_call(&log, Some(&url));
    // A whole call played while the push waits on the server.
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the call waited for the server: {:?}",
        started.elapsed()
    );
    // Each key is handled on the spot: the slowest of a hundred moves.
    let mut slowest = Duration::ZERO;
    for n in 0..100 {
        let code = if n % 2 == 0 {
            crossterm::event::KeyCode::Down
        } else {
            crossterm::event::KeyCode::Up
        };
        let key_started = Instant::now();
        app.handle_key(&super::super::key(code));
        app.receive_waiting();
        slowest = slowest.max(key_started.elapsed());
    }
    assert!(slowest < Duration::from_secs(1), "a key took {slowest:?}");
    // The push gives up on the silent server within its bounds and says so.
    let deadline = Instant::now() + Duration::from_secs(40);
    while app.team_notice().is_none() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
        app.receive_waiting();
    }
    let notice = app.team_notice().expect("the header says the link is down");
    assert!(
        notice.starts_with("팀 연결 끊김 · ") && notice.ends_with("건 대기"),
        "{notice}"
    );
    let screen = super::super::render(&mut app, 120, 40);
    assert!(screen.contains("팀 연결 끊김"), "{screen}");
    let started = Instant::now();
    quit(app);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "quit waited for the server"
    );
    let (opened, _) = support_console::history::Log::open(&log).expect("log");
    let waiting = opened
        .unpushed_count(TeamUrl::parse(&url).expect("url").key())
        .expect("count");
    assert!(
        waiting >= 5,
        "every event is kept for the next push: {waiting}"
    );
}
