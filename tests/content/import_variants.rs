//! Our own variant articles (`tests/fixtures/articles/variants/`), each in Markdown, HTML
//! and an articles API page: every sentence checked where it landed, in every form, not
//! only that the import succeeded. An FAQ in all the question forms, a notice with every
//! date, step and menu-path form and the three ways of writing an SMS, a template guide
//! with `→`, a dated table as its schedule, `질문:`/`답변:` and an SMS in a quote.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use support_console::content::{Guide, ItemKind};

use super::bin;
use super::places::{Places, norm};

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles/variants")
}

fn expected() -> serde_json::Value {
    serde_json::from_str(
        &std::fs::read_to_string(folder().join("expected.json")).expect("expected.json"),
    )
    .expect("json")
}

/// Imports `files` into a fresh folder: exit code, report, and the folder.
fn import(files: &[String], out: &Path) -> (i32, serde_json::Value, String) {
    let mut args = vec!["content".to_owned(), "import".to_owned()];
    args.extend(files.iter().map(|f| folder().join(f).display().to_string()));
    args.extend([
        "--out".to_owned(),
        out.display().to_string(),
        "--json".to_owned(),
    ]);
    let output = bin().args(&args).output().expect("run");
    let report = serde_json::from_slice(&output.stdout).expect("json report");
    (
        output.status.code().unwrap_or(-1),
        report,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn guide(out: &Path, id: &str) -> Guide {
    serde_json::from_str(
        &std::fs::read_to_string(out.join(format!("{id}.json"))).expect("written guide"),
    )
    .expect("guide json")
}

/// The guide id each article of the report became, by file name (and article id).
fn guide_ids(report: &serde_json::Value) -> HashMap<(String, Option<u64>), String> {
    let mut ids = HashMap::new();
    for file in report["files"].as_array().expect("files") {
        let name = Path::new(file["file"].as_str().unwrap_or_default())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for article in file["articles"].as_array().expect("articles") {
            let id = match article["status"].as_str() {
                Some("written") => article["guide"]["id"].as_str(),
                Some("merged") => article["into"].as_str(),
                _ => None,
            };
            if let Some(id) = id {
                ids.insert(
                    (name.clone(), article["article_id"].as_u64()),
                    id.to_owned(),
                );
            }
        }
    }
    ids
}

/// Checks every fact of `entry` in `guide`, read in `form`; gives the misplaced ones.
fn misplaced(entry: &serde_json::Value, form: &str, guide: &Guide) -> Vec<String> {
    let places = Places::of(guide);
    let mut wrong = Vec::new();
    for fact in entry["facts"].as_array().expect("facts") {
        if let Some(only) = fact["only"].as_array()
            && !only.iter().any(|f| f == form)
        {
            continue;
        }
        let text = norm(fact["text"].as_str().unwrap_or_default());
        let place = fact["place"].as_str().unwrap_or_default();
        if !places.at(fact, place, &text) {
            wrong.push(format!(
                "{} ({form}) [{place}] {}: {text}",
                entry["name"],
                if places.anywhere(&text) {
                    "elsewhere"
                } else {
                    "MISSING"
                }
            ));
        }
    }
    wrong
}

/// The items of a guide's notes and answers whose text is `text`.
fn items_with<'g>(guide: &'g Guide, text: &str) -> Vec<&'g support_console::content::Item> {
    guide.citable_items().filter(|i| i.text == text).collect()
}

#[test]
fn every_sentence_lands_in_its_place_in_markdown_html_and_an_api_page() {
    let expected = expected();
    let entries = expected["articles"].as_array().expect("articles");
    let mut wrong = Vec::new();
    for form in ["markdown", "html", "api"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join(form);
        let files: Vec<String> = if form == "api" {
            vec!["api-page.json".to_owned()]
        } else {
            entries
                .iter()
                .map(|e| e["forms"][form].as_str().expect("file").to_owned())
                .collect()
        };
        let (code, report, stderr) = import(&files, &out);
        if form == "api" {
            // The page's fourth article has no body: it alone is refused, named.
            assert_eq!(code, 1, "{stderr}");
            assert!(stderr.contains("40475100000904"), "{stderr}");
            assert!(stderr.contains("body"), "{stderr}");
            assert_eq!(report["refused"], 1);
        } else {
            assert_eq!(code, 0, "{form}: {stderr}");
        }
        let ids = guide_ids(&report);
        for entry in entries {
            let key = if form == "api" {
                ("api-page.json".to_owned(), entry["forms"]["api"].as_u64())
            } else {
                (
                    entry["forms"][form].as_str().unwrap_or_default().to_owned(),
                    None,
                )
            };
            let id = ids
                .get(&key)
                .unwrap_or_else(|| panic!("{key:?} became no guide: {report}"));
            let guide = guide(&out, id);
            assert_eq!(
                guide.outside_template,
                !entry["template"].as_bool().unwrap_or(false),
                "{key:?}"
            );
            wrong.extend(misplaced(entry, form, &guide));
            structure(entry["name"].as_str().unwrap_or_default(), form, &guide);
        }
    }
    assert!(wrong.is_empty(), "misplaced:\n{}", wrong.join("\n"));
}

/// What the facts alone do not say: kinds of items, and what is not a title.
fn structure(name: &str, form: &str, guide: &Guide) {
    match name {
        "faq" => {
            assert_eq!(guide.qa.len(), 7, "{form}: {:?}", guide.qa);
            let account = guide
                .citable_items()
                .find(|i| i.text.contains("[계좌 관리]에서"))
                .expect("menu path");
            assert_eq!(account.kind, ItemKind::AppPath, "{form}");
            assert_eq!(account.path, ["[메뉴]", "[정산]", "[계좌 관리]"], "{form}");
        }
        "notice" => {
            // Short circled lines are content, not section titles.
            for step in ["① 정산 상세 화면", "② 출금 내역 화면"] {
                assert_eq!(items_with(guide, step).len(), 1, "{form}: {step}");
            }
            // Ordered list items keep their numbers; steps their marks.
            assert_eq!(
                items_with(guide, "1. 기사 앱을 최신 버전으로 업데이트합니다.").len(),
                1,
                "{form}"
            );
            assert_eq!(
                items_with(guide, "첫째, 정산 계좌가 본인 명의인지 확인합니다.").len(),
                1
            );
            for (text, steps) in [
                (
                    "2. 기사 앱 [메뉴] → [정산] → [정산 상세]를 누릅니다.",
                    vec!["[메뉴]", "[정산]", "[정산 상세]"],
                ),
                (
                    "1️⃣ 설정 › 알림 › 정산 알림을 켭니다.",
                    vec!["설정", "알림", "정산 알림"],
                ),
                (
                    "계좌 관리 경로 : 기사앱메뉴▶정산▶계좌관리",
                    vec!["기사앱메뉴", "정산", "계좌관리"],
                ),
            ] {
                let item = items_with(guide, text);
                assert_eq!(item.len(), 1, "{form}: {text}");
                assert_eq!(item[0].kind, ItemKind::AppPath, "{form}: {text}");
                assert_eq!(item[0].path, steps, "{form}: {text}");
            }
            // Three templates; the Korean placeholders are its variables.
            assert_eq!(guide.sms_templates.len(), 3, "{form}");
            let korean = &guide.sms_templates[2];
            let names: Vec<&str> = korean.variables.iter().map(|v| v.name.as_str()).collect();
            assert_eq!(names, ["운행일", "지급일"], "{form}");
            // The javascript: link is not a link; its words stay.
            assert!(
                guide.links.iter().all(|l| !l
                    .url
                    .as_deref()
                    .unwrap_or("")
                    .starts_with("javascript")),
                "{form}"
            );
            let schedule = guide.schedule.as_ref().expect("schedule");
            assert_eq!(schedule.title, "개편 일정", "{form}");
            assert_eq!(schedule.events.len(), 4, "{form}");
        }
        "template" => {
            let schedule = guide.schedule.as_ref().expect("schedule");
            assert_eq!(schedule.title, "[정산 보류 해제 일정]", "{form}");
            assert_eq!(guide.sms_templates.len(), 1, "{form}");
            assert_eq!(
                guide.qa[0].sms_templates,
                [guide.sms_templates[0].id.clone()]
            );
            for step in ["① 미수금 확인", "② 납부 계좌 안내", "③ 해제 일시 안내"]
            {
                assert_eq!(items_with(guide, step).len(), 1, "{form}: {step}");
            }
        }
        _ => {}
    }
}

#[test]
fn an_article_met_in_three_forms_in_one_run_is_one_guide_with_a_warning() {
    let expected = expected();
    let entries = expected["articles"].as_array().expect("articles");
    let mut files: Vec<String> = Vec::new();
    for entry in entries {
        for form in ["markdown", "html"] {
            files.push(entry["forms"][form].as_str().expect("file").to_owned());
        }
    }
    files.push("api-page.json".to_owned());
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("all");
    let (code, report, stderr) = import(&files, &out);
    assert_eq!(code, 1, "the body-less article is refused: {stderr}");
    assert_eq!(report["guides"], 3, "{report}");
    let ids = guide_ids(&report);
    for entry in entries {
        let markdown = ids[&(
            entry["forms"]["markdown"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            None,
        )]
            .clone();
        let html = ids[&(
            entry["forms"]["html"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            None,
        )]
            .clone();
        let api = ids[&("api-page.json".to_owned(), entry["forms"]["api"].as_u64())].clone();
        assert_eq!(markdown, api, "{}", entry["name"]);
        assert_eq!(html, api, "{}", entry["name"]);
        // The API's form is kept: it carries the article's id and address.
        let guide = guide(&out, &api);
        assert_eq!(
            guide.source.as_ref().and_then(|s| s.article_id),
            entry["forms"]["api"].as_u64()
        );
        let wrong = misplaced(entry, "api", &guide);
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
    let warnings = report.to_string();
    assert!(warnings.contains("같은 문서가"), "{warnings}");
}
