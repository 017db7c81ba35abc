//! Importing the help centre: articles as its Markdown export, as the HTML its editor
//! stores, or inside its articles API responses, read into guides.
//!
//! Every article becomes a guide: one in the help centre's guide template keeps all its
//! structure ([`article`]); any other becomes a reference guide marked `템플릿 밖`
//! ([`reference`]). Each article has its own outcome: one that cannot be read is refused,
//! named, with why, and stops nothing else. Derived structure (an app path, a rule
//! proposal, a link, an SMS template) that would fail its check is left as text and the
//! report says so. The report counts, per article, the text segments of the source and
//! where each went.
//!
//! The library is what `content import` and `content sync` share: [`decode`] and
//! [`read_file`] (or [`import_article`] for one article of the API), then [`settle`] over
//! the whole run, then [`write`].

mod article;
mod blocks;
mod build;
mod ledger;
mod proposals;
mod recognise;
mod reference;
mod run;

use std::collections::HashMap;
use std::path::Path;

use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

pub use article::parse_heading;
pub use blocks::MAX_NESTING;
pub use build::{UNPLACED_TITLE, Unplaced};
pub use ledger::{Destination, Segments, Warning};
pub use proposals::parse_date;
pub use run::{Written, hand_edited, refuse_hand_edits, render, settle, target, write};

use crate::content::{self, ArticleSource, Guide, fingerprint};

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

    /// Tells the form from the content, never the file's name (a Markdown export may be
    /// named `.txt`, an HTML body `.md`): JSON starts with `{`; HTML starts with a tag and
    /// holds more tag lines than Markdown lines.
    pub fn detect(text: &str) -> Self {
        let start = text.trim_start_matches('\u{feff}').trim_start();
        if start.starts_with('{') || start.starts_with('[') {
            return Format::ZendeskJson;
        }
        let tag_start = |line: &str| {
            let line = line.trim_start();
            line.starts_with('<')
                && line[1..]
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '!' || c == '/')
        };
        let markdown_line = |line: &str| {
            let line = line.trim_start();
            [
                "# ", "## ", "### ", "#### ", "* ", "- ", "+ ", "> ", "```", "**", "| ", "1. ",
            ]
            .iter()
            .any(|m| line.starts_with(m))
                || line.starts_with("---")
                || line.starts_with("===")
        };
        let (mut tags, mut markdown) = (0usize, 0usize);
        for line in start.lines().take(2000) {
            if tag_start(line) {
                tags += 1;
            } else if markdown_line(line) {
                markdown += 1;
            }
        }
        if tag_start(start) && tags >= markdown {
            return Format::Html;
        }
        // A body of HTML on one line, or tags everywhere.
        if tags > 0 && markdown == 0 && start.contains("</") {
            return Format::Html;
        }
        Format::Markdown
    }
}

/// A file's text, ready to read: a byte-order mark dropped, UTF-16 decoded, line breaks as
/// `\n` (CR, CRLF), NFC.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub text: String,
    /// What was done that the user should know (an encoding guessed).
    pub notes: Vec<String>,
}

/// Decodes a file's bytes: UTF-8 (with or without a byte-order mark), UTF-16 with its
/// mark, or, failing UTF-8, the Korean code page CP949 when the bytes read as it whole.
pub fn decode(bytes: &[u8]) -> Result<Decoded, String> {
    let mut notes = Vec::new();
    let text: String = if let Some(rest) = bytes.strip_prefix(b"\xef\xbb\xbf") {
        String::from_utf8(rest.to_vec()).map_err(|err| utf8_error(&err, 3))?
    } else if bytes.starts_with(b"\xff\xfe") || bytes.starts_with(b"\xfe\xff") {
        let encoding = if bytes[0] == 0xff {
            encoding_rs::UTF_16LE
        } else {
            encoding_rs::UTF_16BE
        };
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[2..]);
        if had_errors {
            return Err("UTF-16 글로 읽을 수 없습니다 (깨진 문자)".to_owned());
        }
        text.into_owned()
    } else {
        match String::from_utf8(bytes.to_vec()) {
            Ok(text) => text,
            Err(err) => {
                let (text, had_errors) = encoding_rs::EUC_KR.decode_without_bom_handling(bytes);
                if had_errors {
                    return Err(utf8_error(&err, 0));
                }
                notes.push("UTF-8이 아니라 CP949(EUC-KR)로 읽었습니다".to_owned());
                text.into_owned()
            }
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let text = crate::text::unix_line_breaks(text);
    Ok(Decoded {
        text: text.nfc().collect(),
        notes,
    })
}

fn utf8_error(err: &std::string::FromUtf8Error, offset: usize) -> String {
    format!(
        "UTF-8 글이 아닙니다 ({}바이트째)",
        err.utf8_error().valid_up_to() + offset
    )
}

/// How an article's guide was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Form {
    /// In the help centre's guide template: all its structure kept.
    Template,
    /// Outside it: a reference guide, marked `템플릿 밖`.
    Reference,
}

/// An article read into a guide.
#[derive(Debug, Clone)]
pub struct ImportedGuide {
    pub guide: Guide,
    pub form: Form,
    pub segments: Segments,
    pub warnings: Vec<Warning>,
    pub unplaced: Vec<Unplaced>,
}

impl ImportedGuide {
    pub fn file_name(&self) -> String {
        format!("{}.json", self.guide.id)
    }
}

/// What became of one article.
#[derive(Debug, Clone)]
pub enum Outcome {
    Imported(Box<ImportedGuide>),
    /// Not imported, and why.
    Refused(String),
    /// The same article met again in this run (its HTML and its API form): one guide.
    Merged {
        into: String,
    },
}

/// One article of an input file, and what became of it.
#[derive(Debug, Clone)]
pub struct ArticleImport {
    /// Where it is: the file, and for an API page which article of it.
    pub source: String,
    pub article_id: Option<u64>,
    /// Its title, to name it by.
    pub title: String,
    pub format: Format,
    pub outcome: Outcome,
}

impl ArticleImport {
    pub fn imported(&self) -> Option<&ImportedGuide> {
        match &self.outcome {
            Outcome::Imported(imported) => Some(imported),
            _ => None,
        }
    }

    fn refuse(&mut self, why: String) {
        self.outcome = Outcome::Refused(why);
    }
}

/// What one input file gave: its articles, or why it could not be read at all.
#[derive(Debug, Clone)]
pub struct FileImport {
    pub file: String,
    pub format: Option<Format>,
    pub articles: Vec<ArticleImport>,
    /// The input itself cannot be read (not found, not text, not an API response).
    pub error: Option<String>,
    /// What reading it did that the user should know.
    pub notes: Vec<String>,
}

impl FileImport {
    pub fn unreadable(file: &str, format: Option<Format>, error: String) -> Self {
        Self {
            file: file.to_owned(),
            format,
            articles: Vec::new(),
            error: Some(error),
            notes: Vec::new(),
        }
    }

    pub fn guides(&self) -> impl Iterator<Item = &ImportedGuide> {
        self.articles.iter().filter_map(ArticleImport::imported)
    }
}

/// What the import knows of a file besides its text.
#[derive(Debug, Clone, Default)]
pub struct FileContext {
    /// The category path its folder gives (the folders below the help centre's folder).
    pub category: Vec<String>,
    /// The id its guide gets (`article-…`, from its path); by default from its name.
    pub id: Option<String>,
}

/// An id for a guide from a file's path below the help centre's folder: lower-case ASCII
/// letters, digits and `-`; a name in other letters (Korean) adds a short hash of itself,
/// so two such names never share an id.
pub fn id_from_path(relative: &Path) -> String {
    let stem = relative.with_extension("");
    let name = stem
        .to_string_lossy()
        .replace(std::path::MAIN_SEPARATOR, "/");
    let mut id = String::new();
    for c in name.to_lowercase().chars() {
        let c = if c.is_ascii_alphanumeric() { c } else { '-' };
        if !(c == '-' && (id.is_empty() || id.ends_with('-'))) {
            id.push(c);
        }
    }
    let id = id.trim_matches('-').to_owned();
    let foreign = !name.is_ascii();
    let id = if foreign {
        let hash = content::fingerprint_text(&name);
        let short: String = hash.chars().take(8).collect();
        if id.is_empty() {
            short
        } else {
            format!("{id}-{short}")
        }
    } else {
        id
    };
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

/// Reads one file's decoded text into articles.
pub fn read_file(
    path: &Path,
    text: &str,
    format: Option<Format>,
    context: &FileContext,
) -> FileImport {
    let file = path.display().to_string();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let format = format.unwrap_or_else(|| Format::detect(text));
    if text.trim().is_empty() {
        return FileImport::unreadable(&file, Some(format), "파일이 비어 있습니다".to_owned());
    }
    let mut result = FileImport {
        file: file.clone(),
        format: Some(format),
        articles: Vec::new(),
        error: None,
        notes: Vec::new(),
    };
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    match format {
        Format::Markdown | Format::Html => {
            let body = match format {
                Format::Markdown => blocks::from_markdown(text),
                _ => blocks::from_html(text),
            };
            let id = context
                .id
                .clone()
                .unwrap_or_else(|| id_from_path(Path::new(path.file_name().unwrap_or_default())));
            let mut article_source = source(&file, format);
            let mut title = None;
            let mut category = context.category.clone();
            if let Ok(body) = &body {
                let front = &body.front;
                article_source.article_id = front.id;
                article_source.url.clone_from(&front.url);
                article_source.updated_at.clone_from(&front.updated_at);
                article_source.locale.clone_from(&front.locale);
                article_source.labels.clone_from(&front.labels);
                title = front.title.clone().or_else(|| body.title.clone());
                if !front.category.is_empty() {
                    category.clone_from(&front.category);
                }
            }
            let meta = article::ArticleMeta {
                heading: title,
                id: front_id(&body).unwrap_or(id),
                source: article_source,
                category,
                fallback_title: stem.clone(),
            };
            let read = body.map(|body| read_article(&body.blocks, &meta));
            result
                .articles
                .push(article_outcome(file.clone(), None, &meta, format, read));
        }
        Format::ZendeskJson => read_api(&file, text, &mut result),
    }
    result
}

/// A guide id from front matter's article id, when it gives one.
fn front_id(body: &Result<blocks::Body, String>) -> Option<String> {
    body.as_ref()
        .ok()
        .and_then(|b| b.front.id)
        .map(|id| format!("article-{id}"))
}

/// The outcome of reading one article.
fn article_outcome(
    where_: String,
    article_id: Option<u64>,
    meta: &article::ArticleMeta,
    format: Format,
    read: Result<Result<ImportedGuide, String>, String>,
) -> ArticleImport {
    let title = meta
        .heading
        .clone()
        .unwrap_or_else(|| meta.fallback_title.clone());
    let outcome = match read.and_then(|r| r) {
        Ok(imported) => Outcome::Imported(Box::new(imported)),
        Err(why) => Outcome::Refused(why),
    };
    let title = match &outcome {
        Outcome::Imported(imported) => imported.guide.heading.clone(),
        _ => title,
    };
    ArticleImport {
        source: where_,
        article_id: article_id.or(meta.source.article_id),
        title,
        format,
        outcome,
    }
}

/// Reads an article's blocks: in the template when it is one, as a reference guide when
/// not (or when too little of the template is there to keep).
fn read_article(
    blocks: &[blocks::Block],
    meta: &article::ArticleMeta,
) -> Result<ImportedGuide, String> {
    let (read, form, why_not) = match article::read(blocks, meta) {
        Ok(read) => (read, Form::Template, None),
        Err(why) => {
            let partial = blocks.iter().any(|b| match &b.kind {
                blocks::BlockKind::Heading(line) => line.text.contains("1️⃣"),
                blocks::BlockKind::Paragraph(lines) => lines.iter().any(|l| l.text.contains("1️⃣")),
                _ => false,
            });
            let read = reference::read(blocks, meta)?;
            (read, Form::Reference, partial.then_some(why))
        }
    };
    let mut warnings = read.ledger.warnings;
    if let Some(why) = why_not {
        warnings.insert(
            0,
            Warning {
                place: None,
                message: format!("양식의 글로 읽지 못해 템플릿 밖 가이드로 가져왔습니다: {why}"),
            },
        );
    }
    if !read.unplaced.is_empty() && form == Form::Template {
        warnings.push(Warning {
            place: None,
            message: format!(
                "양식에 자리가 없는 줄 {}개를 \"{UNPLACED_TITLE}\" 부분에 글로 두었습니다",
                read.unplaced.len()
            ),
        });
    }
    let mut guide = read.guide;
    plain_labels(&mut guide);
    stamp(&mut guide);
    Ok(ImportedGuide {
        guide,
        form,
        segments: read.ledger.segments,
        warnings,
        unplaced: read.unplaced,
    })
}

/// The character policy at the importer's door (`text::plain_label`): what a list, a tree or
/// a ticket shows on one line (headings, titles, labels, questions, tags, the category path)
/// keeps no control, bidirectional or zero-width character from the article, so a title
/// cannot ring the terminal, hide a word or read backwards. Body texts keep theirs (shown as
/// symbols, `text::visible`), and app paths stay as their sentences spell them.
fn plain_labels(guide: &mut Guide) {
    fn clean(text: &mut String) {
        if let std::borrow::Cow::Owned(plain) = crate::text::plain_label(text) {
            *text = plain;
        }
    }
    clean(&mut guide.heading);
    clean(&mut guide.title);
    guide.status.iter_mut().for_each(clean);
    guide.tags.iter_mut().for_each(clean);
    guide.category.iter_mut().for_each(clean);
    guide
        .handling_order
        .iter_mut()
        .for_each(|step| clean(&mut step.label));
    guide
        .links
        .iter_mut()
        .for_each(|link| clean(&mut link.label));
    if let Some(schedule) = &mut guide.schedule {
        clean(&mut schedule.title);
        schedule
            .events
            .iter_mut()
            .for_each(|e| clean(&mut e.date_label));
    }
    guide
        .notes
        .iter_mut()
        .for_each(|note| note.title.iter_mut().for_each(clean));
    for qa in &mut guide.qa {
        qa.label.iter_mut().for_each(clean);
        qa.questions.iter_mut().for_each(clean);
        qa.aliases.iter_mut().for_each(clean);
        for section in &mut qa.sections {
            section.title.iter_mut().for_each(clean);
        }
    }
    guide
        .sms_templates
        .iter_mut()
        .for_each(|t| clean(&mut t.title));
}

/// Records the guide's fingerprint, so a later import can tell a hand edit.
fn stamp(guide: &mut Guide) {
    let hash = fingerprint(guide);
    if let Some(source) = &mut guide.source {
        source.imported_hash = hash;
    }
}

/// The names the API gives apart from articles (`include=sections,categories`): section
/// ids to (name, category id), category ids to names.
#[derive(Debug, Default)]
struct Sideloads {
    sections: HashMap<u64, (String, Option<u64>)>,
    categories: HashMap<u64, String>,
}

impl Sideloads {
    fn of(value: &serde_json::Value) -> Self {
        let mut loads = Sideloads::default();
        let list = |key: &str| {
            value
                .get(key)
                .and_then(serde_json::Value::as_array)
                .cloned()
        };
        for section in list("sections").unwrap_or_default() {
            if let (Some(id), Some(name)) = (
                section.get("id").and_then(serde_json::Value::as_u64),
                section.get("name").and_then(serde_json::Value::as_str),
            ) {
                let category = section
                    .get("category_id")
                    .and_then(serde_json::Value::as_u64);
                loads.sections.insert(id, (name.to_owned(), category));
            }
        }
        for category in list("categories").unwrap_or_default() {
            if let (Some(id), Some(name)) = (
                category.get("id").and_then(serde_json::Value::as_u64),
                category.get("name").and_then(serde_json::Value::as_str),
            ) {
                loads.categories.insert(id, name.to_owned());
            }
        }
        loads
    }

    /// The category path of a section: its category's name, then its own.
    fn path(&self, section: Option<u64>) -> Vec<String> {
        section_path(&self.sections, &self.categories, section)
    }
}

/// The category path of an API section (`sections`: id → name and category id), its
/// category's name first: how the importer and the sync both read the API's sideloads.
pub fn section_path<S: std::hash::BuildHasher>(
    sections: &HashMap<u64, (String, Option<u64>), S>,
    categories: &HashMap<u64, String, S>,
    section: Option<u64>,
) -> Vec<String> {
    let Some((name, category)) = section.and_then(|s| sections.get(&s)) else {
        return Vec::new();
    };
    let mut path: Vec<String> = category
        .and_then(|c| categories.get(&c))
        .cloned()
        .into_iter()
        .collect();
    path.push(name.clone());
    path
}

/// The articles API: `{"articles": [...], "next_page": ..., "count": ...}` (one page, with
/// `sections` and `categories` when asked to include them), or `{"article": {...}}`.
fn read_api(file: &str, text: &str, result: &mut FileImport) {
    let value: serde_json::Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => {
            result.error = Some(format!(
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
            result.error = Some(
                "\"articles\"가 배열이 아닙니다 (도움말 센터 articles API 응답이 아닙니다)"
                    .to_owned(),
            );
            return;
        }
        _ => {
            result.error = Some(
                "\"articles\" 배열이 없습니다 (도움말 센터 articles API 응답이 아닙니다)"
                    .to_owned(),
            );
            return;
        }
    };
    if articles.is_empty() {
        result.notes.push("\"articles\"가 비어 있습니다".to_owned());
    }
    let loads = Sideloads::of(&value);
    for (n, article) in articles.into_iter().enumerate() {
        let section = article
            .get("section_id")
            .and_then(serde_json::Value::as_u64);
        let category = loads.path(section);
        let mut one = import_article(article, &category, file);
        one.source = format!("{file} articles[{n}]");
        result.articles.push(one);
    }
}

/// One article of the articles API (its JSON object) with the names of its category and
/// section, as `content sync` has them: the guide, or why not. `file` names where it came
/// from in the guide's source and in messages.
pub fn import_article(
    article: &serde_json::Value,
    category: &[String],
    file: &str,
) -> ArticleImport {
    let text_field = |name: &str| article.get(name).and_then(serde_json::Value::as_str);
    let id = article.get("id").and_then(serde_json::Value::as_u64);
    let title = text_field("title").or_else(|| text_field("name"));
    let named = match (id, title) {
        (Some(id), Some(title)) => format!("문서 {id} \"{title}\""),
        (Some(id), None) => format!("문서 {id}"),
        (None, Some(title)) => format!("\"{title}\""),
        (None, None) => "문서".to_owned(),
    };
    let refused = |why: String| ArticleImport {
        source: file.to_owned(),
        article_id: id,
        title: title.unwrap_or_default().to_owned(),
        format: Format::ZendeskJson,
        outcome: Outcome::Refused(format!("{named}: {why}")),
    };
    let Some(id) = id else {
        return refused("id가 없거나 숫자가 아닙니다".to_owned());
    };
    let Some(body) = text_field("body") else {
        return refused("body가 없거나 글이 아닙니다".to_owned());
    };
    let Some(title) = title.filter(|t| !t.trim().is_empty()) else {
        return refused("title이 없습니다".to_owned());
    };
    let body: String = crate::text::unix_line_breaks(body).nfc().collect();
    let title: String = title.nfc().collect();
    let mut article_source = source(file, Format::ZendeskJson);
    article_source.article_id = Some(id);
    article_source.url = text_field("html_url").map(str::to_owned);
    article_source.updated_at = text_field("updated_at").map(str::to_owned);
    article_source.section_id = article
        .get("section_id")
        .and_then(serde_json::Value::as_u64);
    article_source.locale = text_field("locale").map(str::to_owned);
    article_source.draft = article
        .get("draft")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    article_source.labels = article
        .get("label_names")
        .and_then(serde_json::Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(|l| l.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let meta = article::ArticleMeta {
        heading: Some(title.clone()),
        id: format!("article-{id}"),
        source: article_source,
        category: category.to_vec(),
        fallback_title: title,
    };
    let read = blocks::from_html(&body)
        .map(|body| read_article(&body.blocks, &meta).map_err(|why| format!("{named}: {why}")))
        .map_err(|why| format!("{named}: {why}"));
    article_outcome(file.to_owned(), Some(id), &meta, Format::ZendeskJson, read)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_told_by_content() {
        assert_eq!(Format::detect("{\"articles\": []}"), Format::ZendeskJson);
        assert_eq!(
            Format::detect("<p>본문</p><ul><li>가</li></ul>"),
            Format::Html
        );
        assert_eq!(Format::detect("<h1>제목</h1>\n<p>본문</p>\n"), Format::Html);
        assert_eq!(Format::detect("# 제목\n\n본문 <br> 줄\n"), Format::Markdown);
        assert_eq!(
            Format::detect("<!-- 내보내기 -->\n# 제목\n\n* 항목\n* 항목\n"),
            Format::Markdown
        );
    }

    #[test]
    fn decoding_drops_marks_and_unifies_breaks_and_forms() {
        let decoded = decode(b"\xef\xbb\xbfa\r\nb\rc").expect("utf-8");
        assert_eq!(decoded.text, "a\nb\nc");
        // NFD 가 (ᄀ + ᅡ) becomes one syllable.
        let decoded = decode("\u{1100}\u{1161}".as_bytes()).expect("nfd");
        assert_eq!(decoded.text, "가");
        let (cp949, _, _) = encoding_rs::EUC_KR.encode("가입 안내");
        let decoded = decode(&cp949).expect("cp949");
        assert_eq!(decoded.text, "가입 안내");
        assert_eq!(decoded.notes.len(), 1);
        assert!(decode(b"\xff\xff\xff\xff").is_err());
    }

    #[test]
    fn ids_from_paths() {
        assert_eq!(id_from_path(Path::new("seed.md")), "article-seed");
        assert_eq!(
            id_from_path(Path::new("faq/Card Payment.html")),
            "article-faq-card-payment"
        );
        let korean = id_from_path(Path::new("결제 안내.md"));
        assert!(korean.starts_with("article-") && korean.len() > "article-".len());
        assert_ne!(korean, id_from_path(Path::new("정산 안내.md")));
    }
}
