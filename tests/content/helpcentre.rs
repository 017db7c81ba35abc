//! The held-out help centre (`tests/fixtures/helpcentre/`, written without reading the
//! importer) imported in one run: every article becomes a guide, the report accounts for
//! the articles' text, and each expected fact is found verbatim, and where an agent needs
//! it (a Q&A answer under its question, an SMS body, a schedule event on its date, …).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use support_console::content::Guide;

use super::bin;
use super::places::{Places, norm};

fn folder() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/helpcentre")
}

#[test]
fn the_held_out_help_centre_imports_whole_in_one_run() {
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(folder().join("expected.json")).expect("expected.json"),
    )
    .expect("expected json");
    let entries = expected["articles"].as_array().expect("articles");
    let mut files: Vec<String> = Vec::new();
    for entry in entries {
        let file = entry["file"].as_str().expect("file").to_owned();
        if !files.contains(&file) {
            files.push(file);
        }
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("guides");
    let paths: Vec<String> = files
        .iter()
        .map(|f| folder().join(f).display().to_string())
        .collect();
    let mut args = vec!["content", "import"];
    args.extend(paths.iter().map(String::as_str));
    let out_text = out.display().to_string();
    args.extend(["--out", &out_text, "--json"]);
    let output = bin().args(&args).output().expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("json report");

    // Each (file, article id) and the guide it became.
    let mut guide_of: HashMap<(String, Option<u64>), String> = HashMap::new();
    let mut forms: HashMap<String, String> = HashMap::new();
    for file in report["files"].as_array().expect("files") {
        let name = Path::new(file["file"].as_str().unwrap_or_default())
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for article in file["articles"].as_array().expect("articles") {
            let id = match article["status"].as_str() {
                Some("written") => article["guide"]["id"].as_str(),
                Some("merged") => article["into"].as_str(),
                other => panic!(
                    "{name} {}: {other:?} {}",
                    article["title"], article["error"]
                ),
            }
            .expect("guide id")
            .to_owned();
            if let Some(form) = article["guide"]["form"].as_str() {
                forms.insert(id.clone(), form.to_owned());
            }
            // An API page holds several articles, told by id; a file holds one.
            let article_id = if Path::new(&name).extension().is_some_and(|e| e == "json") {
                article["article_id"].as_u64()
            } else {
                None
            };
            guide_of.insert((name.clone(), article_id), id);
        }
    }

    let segments = &report["segments"];
    let total = segments["total"].as_u64().expect("total");
    let accounted: u64 = ["title", "guide", "section", "qa", "sms", "schedule", "text"]
        .iter()
        .map(|k| segments[k].as_u64().unwrap_or(0))
        .sum();
    assert!(total > 0);
    // Counts of an article's lines: far below 2^52.
    #[allow(clippy::cast_precision_loss)]
    let kept = accounted as f64 / total as f64;
    assert!(kept >= 0.99, "segments kept: {accounted}/{total}");

    let mut facts = 0usize;
    let mut present = 0usize;
    let mut right = 0usize;
    let mut template_facts = (0usize, 0usize, 0usize);
    let mut problems = Vec::new();
    for entry in entries {
        let file = entry["file"].as_str().unwrap_or_default().to_owned();
        let key = (file.clone(), entry["article_id"].as_u64());
        let id = guide_of
            .get(&key)
            .unwrap_or_else(|| panic!("{key:?} became no guide"));
        let guide: Guide = serde_json::from_str(
            &std::fs::read_to_string(out.join(format!("{id}.json"))).expect("guide written"),
        )
        .expect("guide json");
        let template = entry["template"].as_bool().unwrap_or(false);
        assert_eq!(
            !guide.outside_template, template,
            "{file}: template guide or not"
        );
        let found_in = Places::of(&guide);
        for fact in entry["facts"].as_array().expect("facts") {
            let text = norm(fact["text"].as_str().unwrap_or_default());
            let place = fact["place"].as_str().unwrap_or_default();
            facts += 1;
            let found = found_in.anywhere(&text);
            let placed = found_in.at(fact, place, &text)
                || fact["also"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|p| p.as_str())
                    .any(|p| found_in.at(fact, p, &text));
            present += usize::from(found);
            right += usize::from(placed);
            if template {
                template_facts.0 += 1;
                template_facts.1 += usize::from(found);
                template_facts.2 += usize::from(placed);
            }
            if !placed {
                problems.push(format!(
                    "{file} [{place}{}] {}: {text}",
                    fact["question"]
                        .as_str()
                        .map(|q| format!(" / {q}"))
                        .unwrap_or_default(),
                    if found { "elsewhere" } else { "MISSING" }
                ));
            }
        }
    }
    #[allow(clippy::cast_precision_loss)]
    let ratio = right as f64 / facts as f64;
    println!(
        "help centre: {} articles, segments kept {accounted}/{total} ({:.2}%), facts present {present}/{facts}, in the right place {right}/{facts} ({:.1}%); template guides {}/{} present, {}/{} placed",
        entries.len(),
        kept * 100.0,
        ratio * 100.0,
        template_facts.1,
        template_facts.0,
        template_facts.2,
        template_facts.0,
    );
    for problem in &problems {
        println!("  {problem}");
    }
    assert_eq!(present, facts, "facts missing:\n{}", problems.join("\n"));
    assert!(
        ratio >= 38.0 / 41.0,
        "right place {right}/{facts}:\n{}",
        problems.join("\n")
    );
}
