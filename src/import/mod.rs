//! Importing the help centre: articles as its Markdown export, as the HTML its editor
//! stores, or inside its articles API responses, read into guides.
//!
//! Each input file is read on its own and gets its own report; the guides of all files are
//! then validated together, as the console would load them. Writing is all or nothing: with
//! any problem in any file, nothing is written.

mod article;
mod blocks;
mod proposals;

use std::path::{Path, PathBuf};

use serde::Serialize;

pub use article::{UNPLACED_TITLE, Unplaced, parse_heading};
pub use proposals::parse_date;

use crate::content::{ArticleSource, Guide, fingerprint};

/// The forms an article comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    Markdown,
    Html,
    ZendeskJson,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::ZendeskJson => "zendesk-json",
        }
    }

    /// Tells the form from the content (a Markdown export may well be named `.txt`).
    pub fn detect(text: &str) -> Self {
        let start = text.trim_start_matches('\u{feff}').trim_start();
        if start.starts_with('{') {
            return Format::ZendeskJson;
        }
        let head: String = start
            .chars()
            .take(4096)
            .collect::<String>()
            .to_ascii_lowercase();
        let html_tags = [
            "<p>",
            "<p ",
            "<h1",
            "<h2",
            "<h3",
            "<h4",
            "<ul>",
            "<ol>",
            "<table",
            "<div",
            "<html",
            "<!doctype",
            "<pre>",
            "<body",
        ];
        if start.starts_with('<') || html_tags.iter().filter(|t| head.contains(*t)).count() >= 2 {
            Format::Html
        } else {
            Format::Markdown
        }
    }
}

/// One article read from a file.
#[derive(Debug, Clone)]
pub struct ImportedGuide {
    pub guide: Guide,
    pub unplaced: Vec<Unplaced>,
}

impl ImportedGuide {
    pub fn file_name(&self) -> String {
        format!("{}.json", self.guide.id)
    }
}

/// What one input file gave, or why it gave nothing.
#[derive(Debug, Clone)]
pub struct FileImport {
    pub file: String,
    pub format: Option<Format>,
    pub guides: Vec<ImportedGuide>,
    pub errors: Vec<String>,
}

/// An id for a guide from a file name: lower-case ASCII letters, digits and `-`.
fn id_from_file(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut id: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while id.contains("--") {
        id = id.replace("--", "-");
    }
    let id = id.trim_matches('-').to_owned();
    if id.is_empty() {
        "article".to_owned()
    } else {
        format!("article-{id}")
    }
}

fn source(file: &str, format: Format) -> ArticleSource {
    ArticleSource {
        article_id: None,
        url: None,
        updated_at: None,
        section_id: None,
        labels: Vec::new(),
        locale: None,
        draft: false,
        file: file.to_owned(),
        format: format.name().to_owned(),
        imported_hash: String::new(),
    }
}

/// Reads one file's text (already decoded) into guides.
pub fn read_file(path: &Path, text: &str, format: Option<Format>) -> FileImport {
    let file = path.display().to_string();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = format.unwrap_or_else(|| Format::detect(text));
    let mut result = FileImport {
        file: file.clone(),
        format: Some(format),
        guides: Vec::new(),
        errors: Vec::new(),
    };
    if text.trim().is_empty() {
        result.errors.push("파일이 비어 있습니다".to_owned());
        return result;
    }
    match format {
        Format::Markdown | Format::Html => {
            let (blocks, heading) = match format {
                Format::Markdown => (blocks::from_markdown(text), None),
                _ => blocks::from_html(text),
            };
            let meta = article::ArticleMeta {
                heading,
                id: id_from_file(path),
                source: source(&file, format),
            };
            match article::read(&blocks, &meta) {
                Ok(read) => result.guides.push(ImportedGuide {
                    guide: read.guide,
                    unplaced: read.unplaced,
                }),
                Err(message) => result.errors.push(message),
            }
        }
        Format::ZendeskJson => read_api(&file, text, &mut result),
    }
    for imported in &mut result.guides {
        stamp(&mut imported.guide);
    }
    result
}

/// Records the guide's fingerprint, so a later import can tell a hand edit.
fn stamp(guide: &mut Guide) {
    let hash = fingerprint(guide);
    if let Some(source) = &mut guide.source {
        source.imported_hash = hash;
    }
}

/// The articles API: `{"articles": [...], "next_page": ..., "count": ...}` (one page), or
/// `{"article": {...}}` (one article).
fn read_api(file: &str, text: &str, result: &mut FileImport) {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            result.errors.push(format!(
                "JSON으로 읽을 수 없습니다 ({}줄 {}칸): {err}",
                err.line(),
                err.column()
            ));
            return;
        }
    };
    let articles: Vec<&serde_json::Value> = match (value.get("articles"), value.get("article")) {
        (Some(serde_json::Value::Array(list)), _) => list.iter().collect(),
        (_, Some(one @ serde_json::Value::Object(_))) => vec![one],
        (Some(_), _) => {
            result.errors.push(
                "\"articles\"가 배열이 아닙니다 (도움말 센터 articles API 응답이 아닙니다)"
                    .to_owned(),
            );
            return;
        }
        _ => {
            result.errors.push(
                "\"articles\" 배열이 없습니다 (도움말 센터 articles API 응답이 아닙니다)"
                    .to_owned(),
            );
            return;
        }
    };
    if articles.is_empty() {
        result
            .errors
            .push("\"articles\"가 비어 있습니다".to_owned());
    }
    for (n, article) in articles.into_iter().enumerate() {
        let at = format!("articles[{n}]");
        let text_field = |name: &str| article.get(name).and_then(serde_json::Value::as_str);
        let Some(id) = article.get("id").and_then(serde_json::Value::as_u64) else {
            result
                .errors
                .push(format!("{at}.id가 없거나 숫자가 아닙니다"));
            continue;
        };
        let Some(body) = text_field("body") else {
            result
                .errors
                .push(format!("{at}.body가 없거나 글이 아닙니다 (문서 {id})"));
            continue;
        };
        let Some(title) = text_field("title").or_else(|| text_field("name")) else {
            result
                .errors
                .push(format!("{at}.title이 없습니다 (문서 {id})"));
            continue;
        };
        let (blocks, _) = blocks::from_html(body);
        let mut source = source(file, Format::ZendeskJson);
        source.article_id = Some(id);
        source.url = text_field("html_url").map(str::to_owned);
        source.updated_at = text_field("updated_at").map(str::to_owned);
        source.section_id = article
            .get("section_id")
            .and_then(serde_json::Value::as_u64);
        source.locale = text_field("locale").map(str::to_owned);
        source.draft = article
            .get("draft")
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false);
        source.labels = article
            .get("label_names")
            .and_then(serde_json::Value::as_array)
            .map(|list| {
                list.iter()
                    .filter_map(|l| l.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let meta = article::ArticleMeta {
            heading: Some(title.to_owned()),
            id: format!("article-{id}"),
            source,
        };
        match article::read(&blocks, &meta) {
            Ok(read) => result.guides.push(ImportedGuide {
                guide: read.guide,
                unplaced: read.unplaced,
            }),
            Err(message) => result
                .errors
                .push(format!("{at} (문서 {id} \"{title}\"): {message}")),
        }
    }
}

/// Why a guide file in the output folder may not be replaced.
pub fn hand_edited(existing: &Path) -> Option<String> {
    let text = std::fs::read_to_string(existing).ok()?;
    let Ok(guide) = serde_json::from_str::<Guide>(&text) else {
        return Some("가이드 JSON으로 읽히지 않는 파일이 이미 있습니다".to_owned());
    };
    match &guide.source {
        None => Some("손으로 만든 가이드가 이미 있습니다".to_owned()),
        Some(source) if source.imported_hash != fingerprint(&guide) => {
            Some("지난 가져오기 뒤에 손으로 고친 가이드입니다".to_owned())
        }
        Some(_) => None,
    }
}

/// Where each guide goes in `dir`.
pub fn target(dir: &Path, imported: &ImportedGuide) -> PathBuf {
    dir.join(imported.file_name())
}
