//! Importing help-centre articles: the seed in three forms, three more articles field by
//! field, a help centre of them in use, and bad articles refused whole.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use support_console::content::{
    self, Comparison, Guide, InputUnit, ItemKind, RuleTerms, ScheduleEffect, SectionKind,
};
use support_console::import::{self, Format};

use super::bin;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/articles")
        .join(name)
}

fn read(name: &str) -> import::FileImport {
    let path = fixture(name);
    let text = std::fs::read_to_string(&path).expect("fixture");
    import::read_file(&path, &text, None, &import::FileContext::default())
}

/// The first imported article of a file.
fn imported(file: &import::FileImport) -> &import::ImportedGuide {
    file.guides().next().unwrap_or_else(|| {
        panic!(
            "{}: nothing imported: {:?} {:?}",
            file.file,
            file.error,
            file.articles.iter().map(|a| &a.outcome).collect::<Vec<_>>()
        )
    })
}

fn one(name: &str) -> Guide {
    let file = read(name);
    assert!(file.error.is_none(), "{name}: {:?}", file.error);
    assert_eq!(file.guides().count(), 1, "{name}");
    imported(&file).guide.clone()
}

/// The guide with what only the source knows (its id and where it came from) taken out.
fn comparable(guide: &Guide) -> String {
    let mut guide = guide.clone();
    guide.source = None;
    let json = serde_json::to_string_pretty(&guide).expect("json");
    json.replace(&guide.id, "GUIDE")
}

fn texts(guide: &Guide) -> BTreeSet<String> {
    guide.citable_items().map(|i| i.text.clone()).collect()
}

#[test]
fn the_seed_imports_with_every_text_of_the_hand_made_guide() {
    let imported = one("seed.md");
    // It passes the same check as hand-made content.
    let json = serde_json::to_vec_pretty(&imported).expect("json");
    content::load_sources(&[content::SourceFile {
        name: "seed.json".into(),
        bytes: json,
    }])
    .expect("the imported seed passes content check");

    let embedded = content::load_embedded().expect("embedded");
    let hand = embedded
        .guide_by_id("pro-membership-signup")
        .expect("guide");
    assert_eq!(imported.heading, hand.heading);
    assert_eq!(imported.title, hand.title);
    assert_eq!(imported.status, hand.status);
    assert_eq!(imported.tags, hand.tags);
    assert_eq!(imported.category, hand.category);
    assert_eq!(imported.handling_order_line(), hand.handling_order_line());
    assert_eq!(imported.images, hand.images);
    let labels = |g: &Guide| -> Vec<(String, Option<String>, Option<String>)> {
        g.links
            .iter()
            .map(|l| (l.label.clone(), l.url.clone(), l.placeholder.clone()))
            .collect()
    };
    assert_eq!(labels(&imported), labels(hand));
    let (mine, theirs) = (imported.schedule.as_ref(), hand.schedule.as_ref());
    assert_eq!(mine.map(|s| &s.title), theirs.map(|s| &s.title));
    let lines = |g: &Guide| -> Vec<(String, String)> {
        g.schedule
            .iter()
            .flat_map(|s| &s.events)
            .map(|e| (e.at.clone(), e.line()))
            .collect()
    };
    assert_eq!(lines(&imported), lines(hand));

    // Every item, script, note and table cell of the hand-made guide, verbatim.
    let have = texts(&imported);
    for item in hand.citable_items() {
        assert!(have.contains(&item.text), "missing: {:?}", item.text);
    }
    let titles = |g: &Guide| -> BTreeSet<String> {
        g.notes
            .iter()
            .filter_map(|s| s.title.clone())
            .chain(
                g.qa.iter()
                    .flat_map(|q| &q.sections)
                    .filter_map(|s| s.title.clone()),
            )
            .collect()
    };
    assert_eq!(titles(&imported), titles(hand));
    assert_eq!(imported.qa.len(), hand.qa.len());
    for (mine, theirs) in imported.qa.iter().zip(&hand.qa) {
        assert_eq!(mine.label, theirs.label);
        assert_eq!(mine.questions, theirs.questions);
        let kinds = |q: &support_console::content::Qa| -> Vec<SectionKind> {
            q.sections.iter().map(|s| s.kind).collect()
        };
        assert_eq!(kinds(mine), kinds(theirs));
        assert_eq!(mine.sms_templates.len(), theirs.sms_templates.len());
    }
    assert_eq!(imported.sms_templates.len(), 1);
    let (mine, theirs) = (&imported.sms_templates[0], &hand.sms_templates[0]);
    assert_eq!(mine.text, theirs.text);
    assert_eq!(mine.title, theirs.title);
    assert_eq!(mine.audience, theirs.audience);
    // The link and the app path keep their kinds.
    let agit = imported
        .citable_items()
        .find(|i| i.kind == ItemKind::Link)
        .expect("link item");
    assert_eq!(
        imported.item_text(agit),
        "참고 아지트: https://ext.agit.in/g/300015992/wall/344122248#comment_panel_344124043"
    );
    let path = imported
        .citable_items()
        .find(|i| i.kind == ItemKind::AppPath)
        .expect("app path");
    assert_eq!(
        path.path,
        [
            "기사앱 메뉴",
            "프로 제휴서비스",
            "카카오 T 택시 기사 안심보험"
        ]
    );
}

#[test]
fn markdown_html_and_the_api_give_the_same_guide() {
    let markdown = one("seed.md");
    let html = one("seed.html");
    let api = one("seed-api.json");
    assert_eq!(read("seed.md").format, Some(Format::Markdown));
    assert_eq!(read("seed.html").format, Some(Format::Html));
    assert_eq!(read("seed-api.json").format, Some(Format::ZendeskJson));
    assert_eq!(comparable(&markdown), comparable(&html));
    assert_eq!(comparable(&markdown), comparable(&api));
    // The API gives the article's id, address and date; the guide keeps them.
    let source = api.source.as_ref().expect("source");
    assert_eq!(api.id, "article-40475000000001");
    assert_eq!(source.article_id, Some(40_475_000_000_001));
    assert_eq!(
        source.url.as_deref(),
        Some("https://support.example.invalid/hc/ko/articles/40475000000001")
    );
    assert_eq!(source.updated_at.as_deref(), Some("2024-11-28T01:00:00Z"));
    assert_eq!(source.labels, ["멤버십", "서비스종료"]);
    assert_eq!(source.imported_hash, content::fingerprint(&api));
}

#[test]
fn a_policy_change_with_a_schedule_and_a_dated_table() {
    let guide = one("acceptance-rate.md");
    assert_eq!(guide.id, "article-acceptance-rate");
    assert_eq!(
        guide.heading,
        "(변경안내) [배차] 수락률 기준 변경(우선 배차)"
    );
    assert_eq!(guide.title, "수락률 기준 변경(우선 배차)");
    assert_eq!(guide.status.as_deref(), Some("변경안내"));
    assert_eq!(guide.tags, ["배차"]);
    assert_eq!(
        guide.category,
        ["택시_기사", "배차/운행", "우선 배차", "수락률"]
    );
    assert_eq!(
        guide.handling_order_line(),
        "수락률 문의 확인 ▶ 적용 기준 안내 ▶ 앱 확인 경로 안내"
    );
    assert_eq!(guide.links[0].label, "어드민 화면");
    assert_eq!(guide.links[0].placeholder.as_deref(), Some("링크 처리"));
    assert_eq!(guide.links[1].label, "앱 화면");
    assert_eq!(
        guide.links[1].url.as_deref(),
        Some("https://support.example.invalid/hc/ko/articles/40475000000010")
    );
    let schedule = guide.schedule.as_ref().expect("schedule");
    assert_eq!(schedule.title, "[우선 배차 수락률 기준 변경 일정]");
    assert_eq!(schedule.events.len(), 2);
    assert_eq!(schedule.events[1].at, "2025-03-01T00:00:00+09:00");
    assert_eq!(schedule.events[1].text, "우선 배차 수락률 기준 상향");
    assert_eq!(schedule.events[1].detail.as_deref(), Some("80% → 85%"));

    assert_eq!(guide.notes.len(), 2);
    let criteria = &guide.notes[0];
    assert_eq!(criteria.title.as_deref(), Some("① 우선 배차 수락률 기준"));
    let shape: Vec<(&str, u8)> = criteria
        .items
        .iter()
        .map(|i| (i.text.as_str(), i.level))
        .collect();
    assert_eq!(
        shape,
        [
            ("수락률 85% 이상 우선 배차 대상 (25년 3월 1일부터)", 0),
            ("ㄴ 25년 2월 28일까지는 수락률 80% 이상", 1),
            ("수락률은 최근 7일 기준으로 매일 새벽 4시에 갱신", 0),
            ("ㄴ기사앱 확인 경로 : 기사앱 메뉴>운행 기록>수락률", 1),
        ]
    );
    assert_eq!(criteria.items[3].kind, ItemKind::AppPath);
    assert_eq!(guide.notes[1].title.as_deref(), Some("② 유의 사항"));
    assert_eq!(guide.notes[1].items.len(), 2);

    assert_eq!(guide.qa.len(), 2);
    let q1 = &guide.qa[0];
    assert_eq!(
        q1.questions,
        ["우선 배차 수락률 기준이 바뀌었나요?", "언제부터 85%인가요?"]
    );
    assert_eq!(q1.sections[0].kind, SectionKind::Script);
    assert_eq!(
        q1.sections[0].items[1].text,
        "수락률은 최근 7일 기준으로 매일 새벽 4시에 갱신되니\n기사앱 메뉴의 운행 기록에서 확인 부탁드립니다."
    );
    let table = &q1.sections[1];
    assert_eq!(table.title.as_deref(), Some("[적용 기준]"));
    assert_eq!(table.kind, SectionKind::PolicyTable);
    let cells: Vec<Vec<String>> = table.items.iter().map(|i| i.cells.clone()).collect();
    assert_eq!(
        cells,
        [
            vec!["적용 기간".to_owned(), "수락률 기준".to_owned()],
            vec!["~ 2025.02.28".to_owned(), "80% 이상".to_owned()],
            vec!["2025.03.01 ~".to_owned(), "85% 이상".to_owned()],
        ]
    );
    let q2 = &guide.qa[1];
    assert_eq!(q2.sections[1].kind, SectionKind::Note);
    assert_eq!(
        q2.sections[1].items[1].text,
        "ㄴ 오류로 보이는 경우 운영팀 확인 요청"
    );

    // The dated table is proposed as one rule whose value changes on 2025-03-01.
    let dated = guide
        .rules
        .iter()
        .find(|r| matches!(&r.terms, RuleTerms::Condition { values, .. } if values.len() == 2))
        .expect("dated draft");
    assert!(dated.is_draft());
    let RuleTerms::Condition {
        metric,
        unit,
        comparison,
        values,
        ..
    } = &dated.terms
    else {
        unreachable!()
    };
    assert_eq!(metric, "수락률");
    assert_eq!(*unit, InputUnit::Percent);
    assert_eq!(*comparison, Comparison::AtLeast);
    assert_eq!(values[0].until.as_deref(), Some("2025-02-28"));
    assert_eq!(values[1].from.as_deref(), Some("2025-03-01"));
    // The criteria state both values (85% from 2025-03-01, 80% until the day before) and
    // the table repeats them: one rule, citing the criteria first.
    let criteria = &guide.notes[0].items;
    assert_eq!(
        dated.sources,
        [
            criteria[0].id.clone(),
            criteria[1].id.clone(),
            table.items[1].id.clone(),
            table.items[2].id.clone()
        ]
    );
}

#[test]
fn an_article_with_two_sms_templates() {
    let guide = one("card-payment.html");
    assert_eq!(guide.heading, "(운영중) [결제] 카드 결제 오류 안내");
    assert_eq!(guide.title, "카드 결제 오류 안내");
    assert_eq!(
        guide.category,
        ["택시_기사", "결제/정산", "카드 결제", "오류"]
    );
    assert_eq!(guide.notes[0].items.len(), 4);
    assert_eq!(
        guide.notes[0].items[1].text,
        "ㄴ 단말기 재부팅 후 재시도 안내"
    );
    assert_eq!(guide.notes[0].items[1].level, 1);
    assert_eq!(guide.qa.len(), 2);
    assert_eq!(guide.qa[0].questions, ["카드 결제가 안 돼요"]);
    assert_eq!(guide.sms_templates.len(), 2);
    let first = &guide.sms_templates[0];
    assert_eq!(first.title, "단말기 재연결 방법");
    assert_eq!(first.audience.as_deref(), Some("기사"));
    assert_eq!(
        first.text,
        "카카오 T 파트너 운영센터입니다.\n\n{{driver_name}} 기사님, 카드 단말기 재연결 방법을 안내해 드립니다.\n① 단말기 전원을 끄고 10초 뒤 켜기\n② 기사앱 메뉴 > 결제 설정 > 단말기 다시 연결"
    );
    assert_eq!(first.variables.len(), 1);
    assert_eq!(first.variables[0].name, "driver_name");
    assert_eq!(guide.sms_templates[1].title, "승인 거절 안내");
    assert_eq!(guide.qa[0].sms_templates, std::slice::from_ref(&first.id));
    assert_eq!(
        guide.qa[1].sms_templates,
        [guide.sms_templates[1].id.clone()]
    );
}

#[test]
fn an_article_with_no_questions_from_an_api_page() {
    let guide = one("api-page-2.json");
    assert_eq!(guide.id, "article-40475000000021");
    assert_eq!(guide.heading, "(운영중) [안전] 운행 중 사고 접수");
    assert!(guide.qa.is_empty());
    assert!(guide.sms_templates.is_empty());
    assert_eq!(guide.category, ["택시_기사", "안전/사고", "사고 접수"]);
    let table = &guide.notes[1];
    assert_eq!(table.title.as_deref(), Some("② 사고 유형별 처리"));
    assert_eq!(
        table.items[2].cells,
        ["인명 피해", "112·119 신고 후 운영팀 이관"]
    );
    let link = table.items.last().expect("link");
    assert_eq!(link.kind, ItemKind::Link);
    assert_eq!(
        guide.item_text(link),
        "사고 처리 아지트: https://ext.agit.in/g/300015992/wall/400000001"
    );
    let source = guide.source.as_ref().expect("source");
    assert_eq!(source.section_id, Some(360_000_000_301));
    assert_eq!(source.updated_at.as_deref(), Some("2025-06-10T02:30:00Z"));
}

#[test]
fn a_line_with_no_place_is_kept_visible_and_reported() {
    let text = std::fs::read_to_string(fixture("acceptance-rate.md")).expect("fixture");
    let text = text.replacen(
        "**수락률 기준 변경(우선 배차)**",
        "작성자 메모: 3월 첫 주에 다시 검토\n\n**수락률 기준 변경(우선 배차)**",
        1,
    );
    let file = import::read_file(
        Path::new("memo.md"),
        &text,
        None,
        &import::FileContext::default(),
    );
    let imported = imported(&file);
    assert_eq!(imported.unplaced.len(), 1);
    assert_eq!(
        imported.unplaced[0].text,
        "작성자 메모: 3월 첫 주에 다시 검토"
    );
    assert_eq!(imported.unplaced[0].line, Some(10));
    let section = imported.guide.notes.last().expect("unplaced section");
    assert_eq!(section.title.as_deref(), Some(import::UNPLACED_TITLE));
    assert_eq!(section.items[0].text, "작성자 메모: 3월 첫 주에 다시 검토");
}

fn run(args: &[&str]) -> (i32, String, String) {
    let output = bin().args(args).output().expect("run");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn path(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn a_help_centre_of_them_loads_searches_and_answers_at_both_sides_of_a_change() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("help-centre");
    let inputs = [
        "seed-api.json",
        "acceptance-rate.md",
        "card-payment.html",
        "api-page-2.json",
    ]
    .map(|name| fixture(name).display().to_string());
    let mut args = vec!["content", "import"];
    args.extend(inputs.iter().map(String::as_str));
    args.extend(["--out", path(&out), "--json"]);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json report");
    assert_eq!(report["written"].as_array().map(Vec::len), Some(4));
    assert_eq!(
        report["files"][1]["articles"][0]["kept_as_text"],
        serde_json::json!([])
    );
    assert_eq!(report["files"][1]["articles"][0]["status"], "written");
    assert_eq!(
        report["files"][1]["articles"][0]["guide"]["form"],
        "template"
    );

    let (code, stdout, _) = run(&["--content", path(&out), "content", "check"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("가이드 4개"), "{stdout}");
    assert!(stdout.contains("초안 규정"), "{stdout}");

    // Search covers every guide, and each hit names its guide.
    let (code, stdout, _) = run(&["--content", path(&out), "--json", "search", "승인 거절"]);
    assert_eq!(code, 0);
    let hits: serde_json::Value = serde_json::from_str(&stdout).expect("hits");
    assert_eq!(hits[0]["guide_id"], "article-card-payment", "{stdout}");
    let (_, stdout, _) = run(&["--content", path(&out), "--json", "search", "수락률"]);
    let hits: serde_json::Value = serde_json::from_str(&stdout).expect("hits");
    assert_eq!(hits[0]["guide_id"], "article-acceptance-rate", "{stdout}");

    // Drafts do not answer.
    let check = |at: &str| {
        run(&[
            "--content",
            path(&out),
            "--json",
            "check",
            "--guide",
            "article-acceptance-rate",
            "--input",
            "수락률=82",
            "--at",
            at,
        ])
    };
    let (code, _, stderr) = check("2025-02-20T12:00:00+09:00");
    assert_eq!(code, 2);
    assert!(stderr.contains("초안"), "{stderr}");

    // A reviewer accepts the dated rule (and names what it gives).
    let file = out.join("article-acceptance-rate.json");
    let mut guide: Guide =
        serde_json::from_str(&std::fs::read_to_string(&file).expect("guide")).expect("parse");
    for rule in &mut guide.rules {
        if let RuleTerms::Condition {
            values, outcome, ..
        } = &mut rule.terms
            && values.len() == 2
        {
            rule.status = content::RuleStatus::Reviewed;
            *outcome = Some("우선 배차 대상".into());
        }
    }
    std::fs::write(&file, serde_json::to_string_pretty(&guide).expect("json")).expect("write");

    let (code, stdout, stderr) = check("2025-02-28T23:59:00+09:00");
    assert_eq!(code, 0, "{stderr}");
    let before: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(before["answers"][0]["threshold"], 80.0);
    assert_eq!(before["answers"][0]["met"], true);
    assert_eq!(before["answers"][0]["outcome"], "우선 배차 대상");
    let (code, stdout, _) = check("2025-03-01T00:00:00+09:00");
    assert_eq!(code, 0);
    let after: serde_json::Value = serde_json::from_str(&stdout).expect("json");
    assert_eq!(after["answers"][0]["threshold"], 85.0);
    assert_eq!(after["answers"][0]["met"], false);
    assert_eq!(
        after["answers"][0]["sources"][3]["text"],
        "2025.03.01 ~ │ 85% 이상"
    );
    // The membership guide's flags and JSON stay as they were.
    let (code, stdout, _) = run(&[
        "check",
        "--rating",
        "4.1",
        "--at",
        "2024-11-01T00:00:00+09:00",
    ]);
    assert_eq!(code, 0);
    assert!(stdout.contains("가입 가능"), "{stdout}");

    // A guide edited since the import is not overwritten without --force.
    let acceptance = fixture("acceptance-rate.md");
    let (code, _, stderr) = run(&["content", "import", path(&acceptance), "--out", path(&out)]);
    assert_eq!(code, 1, "one article refused");
    assert!(stderr.contains("손으로 고친"), "{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    let (code, _, stderr) = run(&[
        "content",
        "import",
        path(&acceptance),
        "--out",
        path(&out),
        "--force",
    ]);
    assert_eq!(code, 0, "{stderr}");
    // An unchanged import may be repeated.
    let (code, _, stderr) = run(&["content", "import", path(&acceptance), "--out", path(&out)]);
    assert_eq!(code, 0, "{stderr}");
    // `sms --guide` lists that guide's templates only.
    let (code, stdout, _) = run(&[
        "--content",
        path(&out),
        "sms",
        "--guide",
        "article-card-payment",
    ]);
    assert_eq!(code, 0);
    assert_eq!(stdout.lines().count(), 2, "{stdout}");
}

#[test]
fn each_article_has_its_own_outcome_and_strict_keeps_all_or_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    // Inputs that cannot be read: exit 2, named, nothing written.
    for (name, problem) in [
        ("empty.md", "비어 있습니다"),
        ("wrong-shape.json", "\"articles\""),
    ] {
        let file = fixture(&format!("bad/{name}"));
        let (code, _, stderr) = run(&["content", "import", path(&file), "--out", path(&out)]);
        assert_eq!(code, 2, "{name}");
        assert!(stderr.contains(name), "{name}: {stderr}");
        assert!(stderr.contains(problem), "{name}: {stderr}");
        assert!(!out.exists(), "{name} wrote something");
    }
    // Articles outside the template, and a table with a row wider than its head, are
    // guides now.
    for name in ["random.html", "no-guide.md", "broken-table.md"] {
        let file = fixture(&format!("bad/{name}"));
        let (code, stdout, stderr) = run(&[
            "content",
            "import",
            path(&file),
            "--out",
            path(&out),
            "--json",
        ]);
        assert_eq!(code, 0, "{name}: {stderr}");
        let report: serde_json::Value = serde_json::from_str(&stdout).expect("report");
        assert_eq!(report["guides"], 1, "{name}");
    }
    let broken: Guide = serde_json::from_str(
        &std::fs::read_to_string(out.join("article-broken-table.json")).expect("written"),
    )
    .expect("guide");
    assert!(!broken.outside_template);
    let row = broken
        .citable_items()
        .find(|i| i.cells.first().is_some_and(|c| c == "신규"))
        .expect("the wide row keeps its three cells");
    assert_eq!(row.cells[2], "이 칸은 머리행보다 많습니다");
    let random: Guide = serde_json::from_str(
        &std::fs::read_to_string(out.join("article-random.json")).expect("written"),
    )
    .expect("guide");
    assert!(random.outside_template);
    assert!(
        random
            .citable_items()
            .any(|i| i.text == "오늘의 날씨는 맑음")
    );

    // Several files, good and bad: a report per file, the good ones written, exit 2 for
    // the unreadable ones.
    let all = [
        "seed.md",
        "bad/empty.md",
        "bad/random.html",
        "bad/no-guide.md",
        "bad/broken-table.md",
        "bad/wrong-shape.json",
    ];
    let fresh = dir.path().join("fresh");
    let mut args = vec!["content".to_owned(), "import".to_owned()];
    args.extend(all.iter().map(|n| fixture(n).display().to_string()));
    args.extend([
        "--out".to_owned(),
        path(&fresh).to_owned(),
        "--json".to_owned(),
    ]);
    let strict_args: Vec<String> = args
        .iter()
        .cloned()
        .chain(["--strict".to_owned()])
        .collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, 2, "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("report");
    let files = report["files"].as_array().expect("files");
    assert_eq!(files.len(), 6);
    let ok: Vec<bool> = files.iter().map(|f| f["ok"] == true).collect();
    assert_eq!(ok, [true, false, true, true, true, false]);
    assert_eq!(report["written"].as_array().map(Vec::len), Some(4));
    assert!(
        stderr.contains("empty.md") && stderr.contains("wrong-shape.json"),
        "{stderr}"
    );

    // --strict: nothing written.
    let strict_out = dir.path().join("strict");
    let strict_args: Vec<String> = strict_args
        .into_iter()
        .map(|a| {
            if a == path(&fresh) {
                path(&strict_out).to_owned()
            } else {
                a
            }
        })
        .collect();
    let strict_args: Vec<&str> = strict_args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = run(&strict_args);
    assert_eq!(code, 2);
    assert!(stderr.contains("--strict"), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("report");
    assert_eq!(report["written"], serde_json::json!([]));
    assert!(!strict_out.exists());
}

#[test]
fn the_effect_of_a_schedule_is_a_draft_until_reviewed() {
    let guide = one("seed.md");
    let effects: Vec<ScheduleEffect> = guide
        .rules
        .iter()
        .filter_map(|r| match &r.terms {
            RuleTerms::Window { effect, .. } => effect.schedule_effect(),
            _ => None,
        })
        .collect();
    assert_eq!(
        effects,
        [
            ScheduleEffect::Notice,
            ScheduleEffect::SignupClosed,
            ScheduleEffect::RenewalClosed
        ]
    );
    assert!(
        guide
            .rules
            .iter()
            .all(support_console::content::Rule::is_draft)
    );
    assert!(
        guide
            .schedule
            .iter()
            .flat_map(|s| &s.events)
            .all(|e| e.effect.is_none())
    );
}

#[test]
fn a_template_label_without_its_text_is_kept_verbatim() {
    let text = std::fs::read_to_string(fixture("card-payment.html")).expect("fixture");
    // The first template's text is lost from the article: only its label is left.
    let start = text.find("<pre><code>").expect("code");
    let end = text[start..].find("</pre>").expect("end") + start + "</pre>".len();
    let text = format!("{}{}", &text[..start], &text[end..]);
    let file = import::read_file(
        Path::new("card.html"),
        &text,
        None,
        &import::FileContext::default(),
    );
    let imported = imported(&file);
    assert_eq!(imported.guide.sms_templates.len(), 1);
    assert_eq!(
        imported
            .unplaced
            .iter()
            .map(|u| u.text.as_str())
            .collect::<Vec<_>>(),
        ["[기사 SMS 템플릿 - 단말기 재연결 방법]"]
    );
}

#[test]
fn check_input_refuses_membership_flags_beside_it() {
    let (code, _, stderr) = run(&["check", "--input", "평점=4.1", "--rating", "4.1"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("함께 쓸 수 없습니다"), "{stderr}");
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]

    /// Any mix of the template's pieces, in every form, imports or is refused with a
    /// message: it never panics (byte offsets in Korean text, markers at odd places).
    #[test]
    fn no_article_makes_the_importer_panic(
        pieces in proptest::collection::vec(0usize..FRAGMENTS.len(), 0..60),
        form in 0usize..3,
    ) {
        // A valid start, so that most cases reach the notes, answers and rule proposals.
        let start = if form == 0 { MARKDOWN_START } else { HTML_START };
        let body: String = std::iter::once(start)
            .chain(pieces.iter().map(|&n| FRAGMENTS[n]))
            .collect();
        let (text, format) = match form {
            0 => (body, Format::Markdown),
            1 => (body, Format::Html),
            _ => (
                serde_json::json!({"articles": [{"id": 1, "title": "(운영중) [가] 제목", "body": body}]})
                    .to_string(),
                Format::ZendeskJson,
            ),
        };
        let file = import::read_file(
            Path::new("fuzz.md"),
            &text,
            Some(format),
            &import::FileContext::default(),
        );
        proptest::prop_assert!(file.error.is_some() || !file.articles.is_empty());
    }
}

const MARKDOWN_START: &str = "# (운영중) [일반] 제목\n\n**1️⃣ 가이드**\n\n1. 상담 유형 : 택시_기사 ▶ 기타\n\n2. 응대 순서 : 확인 ▶ 안내\n\n";
const HTML_START: &str = "<h1>(운영중) [일반] 제목</h1><h2>1️⃣ 가이드</h2><p>1. 상담 유형 : 택시_기사 ▶ 기타</p><p>2. 응대 순서 : 확인 ▶ 안내</p>";

const FRAGMENTS: &[&str] = &[
    "# (운영중) [일반] 제목\n",
    "**1️⃣ 가이드**\n\n",
    "1. 상담 유형 : 택시_기사 ▶ 기타\n\n",
    "2. 응대 순서 : 확인 ▶ 안내\n\n",
    "**2️⃣ 참고 및 주의사항**\n\n",
    "#### ① 기준\n\n",
    "**3️⃣ 스크립트 / Q&A**\n\n",
    "**Q1. 질문인가요? 또 질문?**\n\n",
    "**A1.**\n\n",
    "**① 기본안내**\n\n",
    "* 항목",
    "  ㄴ 아래",
    "※ 참고",
    "[묶음]- 첫째",
    "**",
    "****▶****",
    "[기사 SMS 템플릿 - 안내]\n\n",
    "```\n문자 {{name}} 본문\n```\n\n",
    "| 적용 기간 | 수락률 기준 |\n| --- | --- |\n| ~ 2025.02.28 | 80% 이상 |\n",
    "|  |\n| --- |\n| - 가 ㅁ 나 ㄴ 다 |\n",
    "평점 4.0점 이상 가입 가능 ",
    "수락률이 85% 이상 ",
    "월 39,000원 ",
    "기준은21년 8월 23일부터 적용",
    "- 25/03/01 일정 (상세)\n",
    "경로 : 기사앱 메뉴>설정>항목",
    "**참고: <https://x.invalid/가>**",
    "<p>",
    "</p>",
    "<ul><li>",
    "</li></ul>",
    "<br/>",
    "<h2>",
    "</h2>",
    "<table><tr><td>칸</td><td>",
    "</td></tr></table>",
    "<pre><code>",
    "가",
    "힣",
    " ",
    "\n",
    "\n\n",
    "(",
    ")",
    ":",
    "~",
    "?",
    ">",
    "&nbsp;",
];
