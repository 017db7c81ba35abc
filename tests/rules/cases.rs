//! The held-out rule cases: the seed guide imported from each form the help centre gives it
//! in, every proposal accepted, answers each case exactly as the hand-made embedded guide
//! answered it before the rule model became one for every guide (the verdicts recorded in
//! `tests/fixtures/rule-cases.json`, JSON and text alike).

use std::path::{Path, PathBuf};

use support_console::cli::{Streams, run_with};

/// One recorded case: `check` flags, and the verdict and text they gave.
struct Case {
    name: String,
    args: Vec<String>,
    verdict: serde_json::Value,
    text: String,
}

fn cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/rule-cases.json");
    let recorded: serde_json::Value =
        serde_json::from_slice(&std::fs::read(path).expect("cases")).expect("json");
    recorded["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|case| Case {
            name: case["name"].as_str().expect("name").to_owned(),
            args: case["args"]
                .as_array()
                .expect("args")
                .iter()
                .map(|a| a.as_str().expect("arg").to_owned())
                .collect(),
            verdict: case["verdict"].clone(),
            text: case["text"].as_str().expect("text").to_owned(),
        })
        .collect()
}

/// Runs the command line in this process: exit code, stdout, stderr.
pub fn run(args: &[&str]) -> (u8, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = run_with(
        std::iter::once("support-console").chain(args.iter().copied()),
        &mut Streams {
            out: &mut out,
            err: &mut err,
        },
    );
    (
        code,
        String::from_utf8_lossy(&out).into_owned(),
        String::from_utf8_lossy(&err).into_owned(),
    )
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/articles")
        .join(name)
}

/// The seed imported from `file` into a folder of its own, then every proposal accepted
/// with `content review --accept-all`.
pub fn imported_and_accepted(file: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().to_str().expect("path");
    let file = file.to_str().expect("path");
    let (code, _, stderr) = run(&["content", "import", file, "--out", out]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stdout, stderr) = run(&["content", "review", "--content", out, "--accept-all"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("승인 11건"), "{stdout}");
    dir
}

/// Every case, answered from `content` (`None`: the embedded guide), as recorded.
fn answers_as_recorded(content: Option<&Path>, from: &str) {
    let cases = cases();
    assert!(cases.len() >= 20, "a table of 20 or more cases");
    for case in &cases {
        let mut args = vec!["check", "--json"];
        args.extend(case.args.iter().map(String::as_str));
        if let Some(dir) = content {
            args.extend(["--content", dir.to_str().expect("path")]);
        }
        let (code, stdout, stderr) = run(&args);
        assert_eq!(code, 0, "{from}: {}: {stderr}", case.name);
        let verdict: serde_json::Value = serde_json::from_str(&stdout).expect("verdict");
        assert_eq!(
            verdict, case.verdict,
            "{from}: {} answers as the embedded guide did",
            case.name
        );
        args.retain(|a| *a != "--json");
        let (_, text, _) = run(&args);
        assert_eq!(text, case.text, "{from}: {} reads as it did", case.name);
    }
}

#[test]
fn the_embedded_guide_answers_every_case_as_it_did() {
    answers_as_recorded(None, "embedded");
}

#[test]
fn the_seed_imported_and_accepted_answers_every_case_as_the_embedded_guide() {
    for name in ["seed.md", "seed.html", "seed-api.json"] {
        let dir = imported_and_accepted(&fixture(name));
        answers_as_recorded(Some(dir.path()), name);
    }
}

/// The cases cover what the brief names: both dates the service changed on, every rating
/// the guide's lines sit between, both members, an earlier free month.
#[test]
fn the_cases_cover_the_boundaries() {
    let cases = cases();
    let all: Vec<String> = cases.iter().map(|c| c.args.join(" ")).collect();
    for needle in [
        "2024-11-30T23:59:59+09:00",
        "2024-12-01T00:00:00+09:00",
        "2024-12-31T23:59:59+09:00",
        "2025-01-01T00:00:00+09:00",
        "--rating 3.7",
        "--prev-month-avg 3.75",
        "--prev-month-avg 3.8",
        "--rating 3.9",
        "--rating 4.0",
        "--rating none",
        "--member renewal",
        "--member new",
        "--prior-benefit",
    ] {
        assert!(
            all.iter().any(|a| a.contains(needle)),
            "no case with {needle}"
        );
    }
}
