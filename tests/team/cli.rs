//! `history push` and `report` against the team database: TLS, roles, passwords, the report
//! in every form.

use std::process::Command;

use super::super::postgres::{Cluster, OWNER, OWNER_PASSWORD};
use super::{NOTHING, bin, play_call, push, quit, report_json, total};

/// `sslmode=require` encrypts (the server's own view says so); `verify-full` checks the
/// certificate against the root given, and refuses a server it does not vouch for.
#[test]
fn pushes_over_tls_when_required_and_checks_the_certificate_when_asked() {
    let cluster = Cluster::start(true);
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log.sqlite3");
    quit(play_call(&log, None));
    let base = format!(
        "postgres://{OWNER}:{OWNER_PASSWORD}@localhost:{}/team",
        cluster.port
    );
    let required = format!("{base}?sslmode=require");
    let out = push(&log, &required);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let verified = format!(
        "{base}?sslmode=verify-full&sslrootcert={}",
        cluster.certificate().display()
    );
    let report = report_json(&verified);
    assert!(total(&report, "sms_sent") >= 1, "{report:#}");
    // A root that did not sign the server's certificate: refused, said in Korean.
    let other = dir.path().join("other.crt");
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=other"])
        .arg("-keyout")
        .arg(dir.path().join("other.key"))
        .arg("-out")
        .arg(&other)
        .output()
        .expect("openssl");
    assert!(made.status.success());
    let untrusted = format!("{base}?sslmode=verify-full&sslrootcert={}", other.display());
    let out = bin(&["report", "--team", &untrusted, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("TLS"), "{said}");
    assert!(!said.contains(OWNER_PASSWORD), "{said}");
    // Required over a server without TLS: refused rather than sent in the clear.
    let plain = Cluster::start(false);
    let out = push(
        &log,
        &format!(
            "postgres://{OWNER}:{OWNER_PASSWORD}@127.0.0.1:{}/team?sslmode=require",
            plain.port
        ),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// The documented roles: a console's login may only insert (it pushes, it cannot read what
/// others pushed), the report's may only read.
#[test]
fn consoles_insert_only_and_the_report_reads() {
    let cluster = Cluster::start(false);
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log.sqlite3");
    quit(play_call(&log, None));
    // The owner's first connection makes the schema and the two roles.
    let out = push(&log, &cluster.url(None));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    cluster.psql(
        "team",
        "CREATE ROLE console_a LOGIN PASSWORD 'console-pw' IN ROLE support_console_push;
         CREATE ROLE lead LOGIN PASSWORD 'lead-pw' IN ROLE support_console_report;",
    );
    let console = cluster.url(Some(("console_a", "console-pw")));
    let lead = cluster.url(Some(("lead", "lead-pw")));
    let second = dir.path().join("second.sqlite3");
    quit(play_call(&second, None));
    let out = push(&second, &console);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bin(&["report", "--team", &console, "--json"]);
    assert_eq!(out.status.code(), Some(1), "a console cannot read");
    assert!(String::from_utf8_lossy(&out.stderr).contains("권한이 없습니다"));
    let report = report_json(&lead);
    assert_eq!(report["consoles"], 2, "{report:#}");
    let out = push(&second, &lead);
    assert!(
        out.status.success(),
        "nothing left to push: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let third = dir.path().join("third.sqlite3");
    quit(play_call(&third, None));
    let out = push(&third, &lead);
    assert_eq!(
        out.status.code(),
        Some(1),
        "the report's role cannot insert"
    );
}

/// The password from the URL, from PGPASSWORD, from the password file; a wrong one is a
/// Korean message that shows none of them.
#[test]
fn passwords_come_from_the_url_the_env_or_the_password_file_and_are_never_shown() {
    let cluster = Cluster::start(false);
    let dir = tempfile::tempdir().expect("tempdir");
    // Each try has events of its own to push (a push with nothing to send connects to
    // nothing).
    let call = |name: &str| {
        let log = dir.path().join(name);
        quit(play_call(&log, None));
        log
    };
    let bare = cluster.url_without_password(OWNER);
    let run = |log: &std::path::Path, envs: &[(&str, &str)]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_support-console"));
        command
            .args(["history", "push", "--history", log.to_str().unwrap()])
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", "/nonexistent")
            .env("SUPPORT_CONSOLE_TEAM", &bare);
        for (name, value) in envs {
            command.env(name, value);
        }
        command.output().expect("runs")
    };
    let log = call("env.sqlite3");
    let out = run(&log, &[]);
    assert_eq!(out.status.code(), Some(1), "no password: refused");
    let out = run(&log, &[("PGPASSWORD", OWNER_PASSWORD)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pgpass = dir.path().join("pgpass");
    std::fs::write(
        &pgpass,
        format!("127.0.0.1:{}:team:{OWNER}:{OWNER_PASSWORD}\n", cluster.port),
    )
    .unwrap();
    std::fs::set_permissions(
        &pgpass,
        <std::fs::Permissions as std::os::unix::fs::PermissionsExt>::from_mode(0o600),
    )
    .unwrap();
    let out = run(
        &call("pgpass.sqlite3"),
        &[("PGPASSFILE", pgpass.to_str().unwrap())],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let wrong = cluster.url(Some((OWNER, "not-the-password-123")));
    let out = push(&call("wrong.sqlite3"), &wrong);
    assert_eq!(out.status.code(), Some(1));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("로그인이 거절되었습니다"), "{said}");
    assert!(
        !said.contains("not-the-password-123") && !said.contains(OWNER_PASSWORD),
        "{said}"
    );
    let out = push(&call("url.sqlite3"), &cluster.url(None));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains(OWNER_PASSWORD));

    // The settings file's team URL, when neither --team nor the environment names one; a
    // URL on the command line wins over it.
    let settings = dir.path().join("config.toml");
    std::fs::write(&settings, format!("team = \"{}\"\n", cluster.url(None))).unwrap();
    let from_file = |log: &std::path::Path, extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_support-console"))
            .args(["history", "push", "--history", log.to_str().unwrap()])
            .args(extra)
            .env_remove("SUPPORT_CONSOLE_TEAM")
            .env_remove("PGPASSWORD")
            .env("PGPASSFILE", "/nonexistent")
            .env("SUPPORT_CONSOLE_CONFIG", &settings)
            .output()
            .expect("runs")
    };
    let out = from_file(&call("settings.sqlite3"), &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = from_file(&call("flag-wins.sqlite3"), &["--team", &wrong]);
    assert_eq!(out.status.code(), Some(1), "--team comes before the file");
}

/// The report of a local log: JSON keys, a text chart when piped, and an HTML page that a
/// headless Chromium loads without an error, showing the figures.
#[test]
fn a_local_report_as_json_text_and_a_page_chromium_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log = dir.path().join("log.sqlite3");
    quit(play_call(&log, None));
    quit(play_call(&log, None));
    let out = bin(&["report", "--history", log.to_str().unwrap(), "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for key in [
        "searches_without_results",
        "searches_without_opens",
        "opened",
        "flags",
        "sms_sent",
        "verdicts",
    ] {
        assert!(report[key].is_array(), "{key}: {report:#}");
    }
    assert_eq!(report["consoles"], 1);
    assert_eq!(report["searches_without_results"][0]["query"], NOTHING);
    assert_eq!(report["searches_without_results"][0]["count"], 2);
    assert!(
        report["searches_without_results"][0]["last_seen"]
            .as_str()
            .is_some_and(|s| s.ends_with("+09:00"))
    );
    let html = dir.path().join("report.html");
    let out = bin(&[
        "report",
        "--history",
        log.to_str().unwrap(),
        "--html",
        html.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("결과 없는 검색") && text.contains(NOTHING) && text.contains("██"),
        "{text}"
    );
    let page = std::fs::read_to_string(&html).expect("page");
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "self-contained"
    );
    let profile = tempfile::tempdir().expect("profile");
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|name| Command::new(name).arg("--version").output().is_ok())
        .expect("Chromium is installed (apt-get install -y chromium; .ci/run does it)");
    let loaded = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("chromium runs");
    assert!(
        loaded.status.success(),
        "{}",
        String::from_utf8_lossy(&loaded.stderr)
    );
    let dom = String::from_utf8_lossy(&loaded.stdout);
    let log_lines = String::from_utf8_lossy(&loaded.stderr);
    assert!(
        dom.contains("data-loaded=\"6\""),
        "the page's script ran over six sections: {dom}"
    );
    assert!(
        dom.contains(NOTHING) && dom.contains("id=\"consoles\">1<"),
        "{dom}"
    );
    for error in ["Uncaught", "Refused to", "ERR_"] {
        assert!(
            !log_lines
                .lines()
                .any(|l| l.contains("CONSOLE") && l.contains(error)),
            "{log_lines}"
        );
    }
}
