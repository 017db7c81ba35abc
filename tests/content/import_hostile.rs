//! The importer under hostile and broken input: each case ends with a clear Korean error
//! or a correct import, never a panic or a hang, and what the output folder held before
//! stays as it was whenever a run cannot write.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::bin;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/articles")
        .join(name)
}

fn run(args: &[&str]) -> (i32, serde_json::Value, String) {
    let output = bin().args(args).output().expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let report = serde_json::from_str(&stdout).unwrap_or(serde_json::Value::Null);
    (
        output.status.code().unwrap_or(-1),
        report,
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn import(files: &[&Path], out: &Path, extra: &[&str]) -> (i32, serde_json::Value, String) {
    let mut args: Vec<String> = vec!["content".into(), "import".into()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--out".into(), out.display().to_string(), "--json".into()]);
    args.extend(extra.iter().map(|s| (*s).to_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    run(&args)
}

/// Every file of a folder and its bytes, sorted.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .expect("folder")
        .flatten()
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).expect("read"),
            )
        })
        .collect();
    files.sort();
    files
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// The first article of a report.
fn first_article(report: &serde_json::Value) -> &serde_json::Value {
    &report["files"][0]["articles"][0]
}

#[test]
fn nesting_past_the_cap_is_refused_with_a_message_not_a_stack_overflow() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let spans = write(
        dir.path(),
        "spans.html",
        &format!("<p>{}깊은 글</p>", "<span>".repeat(80_000)),
    );
    let divs = write(dir.path(), "divs.html", &"<div>".repeat(100_000));
    let quotes = write(
        dir.path(),
        "quotes.md",
        &format!("{} 깊은 인용\n", ">".repeat(50_000)),
    );
    let lists = write(
        dir.path(),
        "lists.md",
        &(0..5_000).fold(String::new(), |mut text, n| {
            let _ = writeln!(text, "{}- 항목 {n}", "  ".repeat(n));
            text
        }),
    );
    let fine = fixture("seed.md");
    let (code, report, stderr) = import(&[&spans, &divs, &quotes, &lists, &fine], &out, &[]);
    assert_eq!(code, 1, "{stderr}");
    for n in 0..4 {
        let article = &report["files"][n]["articles"][0];
        assert_eq!(article["status"], "refused", "{article}");
        assert!(
            article["error"].as_str().unwrap_or("").contains("중첩"),
            "{article}"
        );
    }
    assert!(
        stderr.contains("spans.html") && stderr.contains("중첩"),
        "{stderr}"
    );
    // The one good article was written all the same.
    assert_eq!(report["files"][4]["articles"][0]["status"], "written");
    assert!(out.join("article-seed.json").is_file());
}

#[test]
fn a_long_list_and_a_long_page_import_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let items = (0..32_000).fold(String::new(), |mut text, n| {
        let _ = writeln!(text, "- 항목 {n}번 안내");
        text
    });
    let markdown = write(dir.path(), "long.md", &format!("# 긴 목록\n\n{items}"));
    let html_items = (0..32_000).fold(String::new(), |mut text, n| {
        let _ = write!(text, "<li>HTML 항목 {n}번</li>");
        text
    });
    let html = write(
        dir.path(),
        "long-page.html",
        &format!("<h1>긴 목록 HTML</h1><ul>{html_items}</ul>"),
    );
    let (code, report, stderr) = import(&[&markdown, &html], &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    for n in 0..2 {
        let article = &report["files"][n]["articles"][0];
        assert_eq!(article["segments"]["total"], 32_001, "{article}");
        assert_eq!(article["segments"]["section"], 32_000, "{article}");
    }
}

#[test]
fn encodings_line_endings_and_html_in_a_markdown_file_are_read_right() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    // NFD: every syllable decomposed into jamo.
    let nfd: String = unicode_normalization::UnicodeNormalization::nfd(
        "# 분해된 글\n\n정산은 매일 들어옵니다.\n",
    )
    .collect();
    let nfd = write(dir.path(), "nfd.md", &nfd);
    let cr = write(
        dir.path(),
        "cr.md",
        "# 옛 맥 줄 끝\r\r- 첫 항목\r- 둘째 항목\r",
    );
    let crlf = write(
        dir.path(),
        "crlf.txt",
        "# 윈도 줄 끝\r\n\r\n문단 하나\r\n둘째 줄\r\n",
    );
    let bom = write(dir.path(), "bom.md", "\u{feff}# 바이트 순서 표시\n\n본문\n");
    let html_md = write(
        dir.path(),
        "pasted.md",
        "<h1>편집기에서 붙인 글</h1>\n<p>표 <strong>앞</strong> 문단</p>\n<ul><li>항목</li></ul>\n",
    );
    let (cp949, _, _) = encoding_rs::EUC_KR.encode("# 완성형 글\n\n정산 안내입니다.\n");
    let cp949_path = dir.path().join("cp949.md");
    std::fs::write(&cp949_path, &cp949).expect("write");
    let files = [&nfd, &cr, &crlf, &bom, &html_md, &cp949_path];
    let paths: Vec<&Path> = files.iter().map(|p| p.as_path()).collect();
    let (code, report, stderr) = import(&paths, &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let guide = |id: &str| -> support_console::content::Guide {
        serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("{id}.json"))).expect("guide"),
        )
        .expect("json")
    };
    let nfd = guide("article-nfd");
    assert_eq!(nfd.title, "분해된 글");
    assert!(
        nfd.citable_items()
            .any(|i| i.text == "정산은 매일 들어옵니다.")
    );
    let cr = guide("article-cr");
    let texts: Vec<&str> = cr.citable_items().map(|i| i.text.as_str()).collect();
    assert_eq!(texts, ["첫 항목", "둘째 항목"]);
    let crlf = guide("article-crlf");
    assert_eq!(crlf.citable_items().count(), 2);
    assert!(crlf.citable_items().all(|i| !i.text.contains('\r')));
    assert_eq!(guide("article-bom").title, "바이트 순서 표시");
    assert_eq!(report["files"][4]["format"], "html", "{report}");
    let pasted = guide("article-pasted");
    assert_eq!(pasted.title, "편집기에서 붙인 글");
    assert!(pasted.citable_items().any(|i| i.text == "표 앞 문단"));
    assert_eq!(guide("article-cp949").title, "완성형 글");
    assert!(
        report["files"][5]["notes"][0]
            .as_str()
            .unwrap_or("")
            .contains("CP949"),
        "{report}"
    );
}

#[test]
fn derived_structure_never_blocks_an_article() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let article = write(
        dir.path(),
        "derived.md",
        "# 파생 구조\n\n\
         기사 앱 [메뉴] > [정산]에서 확인합니다.\n\n\
         [스크립트 링크](javascript:alert(1)) 는 열리지 않습니다.\n\n\
         ![](javascript:void(0))\n\n\
         [SMS 안내]\n\n```\n{{Driver Name}} 기사님 안녕하세요.\n```\n\n\
         | 구분 | 기준 |\n| --- | --- |\n| 신규 | 4.0 | 머리행보다 많은 칸 |\n",
    );
    let (code, report, stderr) = import(&[&article], &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    let article = first_article(&report);
    assert_eq!(article["status"], "written");
    let warnings = article["warnings"].to_string();
    assert!(warnings.contains("javascript"), "{warnings}");
    assert!(warnings.contains("자리표시"), "{warnings}");
    let guide: support_console::content::Guide = serde_json::from_str(
        &std::fs::read_to_string(out.join("article-derived.json")).expect("guide"),
    )
    .expect("json");
    let path = guide
        .citable_items()
        .find(|i| i.text == "기사 앱 [메뉴] > [정산]에서 확인합니다.")
        .expect("the line");
    assert_eq!(path.kind, support_console::content::ItemKind::AppPath);
    assert!(guide.links.is_empty(), "{:?}", guide.links);
    assert!(guide.images.is_empty());
    // The template that cannot be one is its text, kept.
    assert!(guide.sms_templates.is_empty());
    assert!(
        guide
            .citable_items()
            .any(|i| i.text == "{{Driver Name}} 기사님 안녕하세요.")
    );
    assert!(
        guide
            .citable_items()
            .any(|i| i.cells.len() == 3 && i.cells[2] == "머리행보다 많은 칸")
    );
    // The console loads it.
    let (code, _, stderr) = run(&["--content", &out.display().to_string(), "content", "check"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn one_bad_article_stops_nothing_and_strict_stops_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = write(
        dir.path(),
        "page.json",
        &serde_json::json!({"articles": [
            {"id": 1, "title": "(운영중) [일반] 첫 문서", "body": "<p>첫 문서 본문입니다.</p>"},
            {"id": 2, "title": "본문 없는 문서"},
            {"id": 3, "title": "셋째 문서", "body": format!("<p>{}</p>", "<span>".repeat(10_000))},
            {"id": 4, "title": "넷째 문서", "body": "<h2>질문: 되나요?</h2><p>답변: 됩니다.</p>"},
        ]})
        .to_string(),
    );
    let seed = fixture("seed.md");
    let foreign = fixture("bad/random.html");
    let out = dir.path().join("out");
    let (code, report, stderr) = import(&[&page, &seed, &foreign], &out, &[]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(report["guides"], 4, "{report}");
    assert_eq!(report["refused"], 2);
    assert!(
        stderr.contains("문서 2") && stderr.contains("body"),
        "{stderr}"
    );
    assert!(
        stderr.contains("문서 3") || stderr.contains("셋째 문서"),
        "{stderr}"
    );
    for id in ["article-1", "article-4", "article-seed", "article-random"] {
        assert!(out.join(format!("{id}.json")).is_file(), "{id}");
    }
    // --strict: the same run writes nothing.
    let strict = dir.path().join("strict");
    let (code, report, _) = import(&[&page, &seed, &foreign], &strict, &["--strict"]);
    assert_eq!(code, 2);
    assert_eq!(report["written"], serde_json::json!([]));
    assert!(!strict.exists());
}

#[cfg(unix)]
#[test]
fn a_fifo_or_a_folder_at_an_output_path_is_refused_by_name_without_hanging() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("out");
    let made = Command::new("mkfifo")
        .arg(out.join("article-seed.json"))
        .status();
    if !made.is_ok_and(|s| s.success()) {
        return; // no mkfifo here
    }
    std::fs::create_dir(out.join("article-card-payment.json")).expect("a folder");
    let before = snapshot(&out);
    let seed = fixture("seed.md");
    let card = fixture("card-payment.html");
    let acceptance = fixture("acceptance-rate.md");
    let (code, report, stderr) = import(&[&seed, &card, &acceptance], &out, &["--force"]);
    assert_eq!(code, 1, "{stderr}");
    let seed_error = report["files"][0]["articles"][0]["error"].to_string();
    assert!(
        seed_error.contains("article-seed.json") && seed_error.contains("FIFO"),
        "{seed_error}"
    );
    let card_error = report["files"][1]["articles"][0]["error"].to_string();
    assert!(
        card_error.contains("article-card-payment.json") && card_error.contains("폴더"),
        "{card_error}"
    );
    // The others were written, the FIFO and the folder are still there.
    assert!(out.join("article-acceptance-rate.json").is_file());
    assert!(out.join("article-card-payment.json").is_dir());
    use std::os::unix::fs::FileTypeExt as _;
    let kind = std::fs::symlink_metadata(out.join("article-seed.json")).expect("fifo");
    assert!(kind.file_type().is_fifo());
    assert_eq!(
        before,
        snapshot(&out)
            .into_iter()
            .filter(|(n, _)| n != "article-acceptance-rate.json")
            .collect::<Vec<_>>()
    );
}

#[cfg(unix)]
#[test]
fn a_write_that_fails_half_way_leaves_the_folder_as_it_was_and_says_so() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("out");
    let seed = fixture("seed.md");
    let (code, _, stderr) = import(&[&seed], &out, &[]);
    assert_eq!(code, 0, "{stderr}");
    std::fs::write(out.join("notes.txt"), "손으로 둔 메모").expect("write");
    let before = snapshot(&out);
    // A disk that fills up: files may grow to 4 KiB only; the guides are larger. The
    // signal a full file size limit sends is ignored, so the write fails as on a full
    // disk instead of killing the process.
    let binary = env!("CARGO_BIN_EXE_support-console");
    let inputs = [
        fixture("acceptance-rate.md"),
        fixture("card-payment.html"),
        seed.clone(),
    ];
    let script = format!(
        "trap '' XFSZ; ulimit -f 8; exec \"{binary}\" content import {} --out \"{}\" --force",
        inputs
            .iter()
            .map(|p| format!("\"{}\"", p.display()))
            .collect::<Vec<_>>()
            .join(" "),
        out.display()
    );
    let output = Command::new("sh")
        .arg("-c")
        .arg(&script)
        .output()
        .expect("sh");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("기존 내용은 그대로"), "{stderr}");
    assert_eq!(before, snapshot(&out), "the folder changed");
    // No staging folder is left beside it.
    let beside: Vec<String> = std::fs::read_dir(dir.path())
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["out"], "{beside:?}");
    // With room again, the same run writes, and the memo is still there.
    let (code, _, stderr) = import(&[&inputs[0], &inputs[1], &inputs[2]], &out, &["--force"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(out.join("article-card-payment.json").is_file());
    assert_eq!(
        std::fs::read_to_string(out.join("notes.txt")).expect("memo"),
        "손으로 둔 메모"
    );
}
