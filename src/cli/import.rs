//! `content import`: help-centre articles (files, or folders of them) into guide files, an
//! outcome per article, with a report of where each article's text went.
//!
//! Exit 0 when every article was written, 1 when some were refused (each named, with
//! why), 2 when an input itself cannot be read or the folder cannot be written (then
//! nothing is). `--strict` writes nothing unless every article can be.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{Exit, GlobalArgs, Streams, UserError};
use crate::content::{self, OUTSIDE_TEMPLATE};
use crate::import::{
    self, ArticleImport, FileContext, FileImport, Form, Format, ImportedGuide, Outcome, Segments,
};

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FormatArg {
    Markdown,
    Html,
    ZendeskJson,
}

impl From<FormatArg> for Format {
    fn from(arg: FormatArg) -> Self {
        match arg {
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html,
            FormatArg::ZendeskJson => Format::ZendeskJson,
        }
    }
}

pub struct ImportArgs<'a> {
    pub files: &'a [PathBuf],
    pub out: &'a Path,
    pub format: Option<FormatArg>,
    pub force: bool,
    pub strict: bool,
}

/// Files a folder of the help centre holds, by their endings.
const ARTICLE_ENDINGS: &[&str] = &["md", "markdown", "txt", "html", "htm", "json"];

/// How deep folders are followed (a link back up would go on forever).
const FOLDER_DEPTH: usize = 32;

/// An input and what its place says of it.
struct Input {
    path: PathBuf,
    context: FileContext,
}

/// The files named, and the article files of the folders named, each folder's files with
/// the category path their sub-folders give and an id from their path below it.
fn inputs(paths: &[PathBuf]) -> Vec<Input> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut found = Vec::new();
            walk(path, Path::new(""), 0, &mut found);
            found.sort();
            for relative in found {
                let category: Vec<String> = relative
                    .parent()
                    .map(|p| {
                        p.components()
                            .map(|c| c.as_os_str().to_string_lossy().into_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                out.push(Input {
                    path: path.join(&relative),
                    context: FileContext {
                        category,
                        id: Some(import::id_from_path(&relative)),
                    },
                });
            }
        } else {
            out.push(Input {
                path: path.clone(),
                context: FileContext::default(),
            });
        }
    }
    out
}

fn walk(root: &Path, below: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    if depth > FOLDER_DEPTH {
        return;
    }
    let Ok(entries) = std::fs::read_dir(root.join(below)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let relative = below.join(&name);
        let path = root.join(&relative);
        if path.is_dir() {
            walk(root, &relative, depth + 1, found);
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ARTICLE_ENDINGS.contains(&e.to_ascii_lowercase().as_str()))
        {
            found.push(relative);
        }
    }
}

/// Reads one input: a regular file, up to the content loader's size limit, decoded.
fn read_input(input: &Input, format: Option<Format>) -> FileImport {
    let file = input.path.display().to_string();
    let bytes = match content::read_regular_file(&input.path) {
        Ok(bytes) => bytes,
        Err(why) => return FileImport::unreadable(&file, format, why),
    };
    match import::decode(&bytes) {
        Ok(decoded) => {
            let mut read = import::read_file(&input.path, &decoded.text, format, &input.context);
            read.notes.splice(0..0, decoded.notes);
            read
        }
        Err(why) => FileImport::unreadable(&file, format, why),
    }
}

pub fn run(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    args: &ImportArgs<'_>,
) -> Result<Exit, UserError> {
    let format = args.format.map(Format::from);
    let mut files: Vec<FileImport> = inputs(args.files)
        .iter()
        .map(|input| read_input(input, format))
        .collect();
    if files.is_empty() {
        return Err(UserError("가져올 문서 파일이 없습니다".to_owned()));
    }
    import::settle(&mut files);
    import::refuse_hand_edits(&mut files, args.out, args.force);
    // Reviews taken in the folder apply again to the rules proposed anew.
    let back = crate::rules::review::Reviews::read(args.out)
        .map_err(UserError)?
        .apply_to_imports(&mut files);

    let unreadable = files.iter().filter(|f| f.error.is_some()).count();
    let refused = refusals(&files).len();
    let held_back = args.strict && (unreadable > 0 || refused > 0);
    let (written, write_error) = if held_back {
        (Vec::new(), None)
    } else {
        match import::write(args.out, &files) {
            Ok(written) => (written.files, None),
            Err(why) => (Vec::new(), Some(why)),
        }
    };
    let wrote = write_error.is_none() && !held_back;

    if global.json {
        io.print_json(&import_report(&files, &written, args.out, wrote))?;
    } else {
        io.print(&report_text(&files, args.out, wrote));
    }
    if let Some(why) = write_error {
        return Err(UserError(format!("가이드를 쓰지 못했습니다: {why}")));
    }
    if wrote {
        for rule in &back {
            io.warn(&crate::rules::review::back_line(rule));
        }
    }
    if held_back {
        let mut message = format!(
            "--strict: 문서 {refused}개를 가져올 수 없고 파일 {unreadable}개를 읽을 수 없어 아무것도 쓰지 않았습니다"
        );
        append_problems(&mut message, &files);
        return Err(UserError(message));
    }
    if unreadable > 0 {
        let mut message = format!("파일 {unreadable}개를 읽을 수 없습니다 (나머지는 썼습니다)");
        append_problems(&mut message, &files);
        return Err(UserError(message));
    }
    if refused > 0 {
        let mut message = format!("문서 {refused}개를 가져오지 못했습니다 (나머지는 썼습니다)");
        append_problems(&mut message, &files);
        io.warn(&message);
        return Ok(Exit::SomeRefused);
    }
    Ok(Exit::Success)
}

/// Articles refused, with where they are and why.
fn refusals(files: &[FileImport]) -> Vec<(&ArticleImport, &str)> {
    files
        .iter()
        .flat_map(|f| &f.articles)
        .filter_map(|a| match &a.outcome {
            Outcome::Refused(why) => Some((a, why.as_str())),
            _ => None,
        })
        .collect()
}

fn append_problems(message: &mut String, files: &[FileImport]) {
    for file in files {
        if let Some(error) = &file.error {
            let _ = write!(message, "\n{}: {error}", file.file);
        }
    }
    for (article, why) in refusals(files) {
        let _ = write!(message, "\n{} \"{}\": {why}", article.source, article.title);
    }
}

fn counts(guide: &content::Guide) -> (usize, usize, usize) {
    let items = guide.citable_items().count();
    let drafts = guide.rules.iter().filter(|r| r.is_draft()).count();
    (items, guide.sms_templates.len(), drafts)
}

/// Where an article's segments went, in words.
fn segments_line(segments: &Segments) -> String {
    let mut parts = Vec::new();
    for (name, count) in [
        ("제목", segments.title),
        ("가이드", segments.guide),
        ("섹션", segments.section),
        ("Q&A", segments.qa),
        ("SMS", segments.sms),
        ("일정", segments.schedule),
        ("글로 둠", segments.text),
    ] {
        if count > 0 {
            parts.push(format!("{name} {count}"));
        }
    }
    format!("글 조각 {}개 → {}", segments.total, parts.join(", "))
}

fn report_text(files: &[FileImport], out: &Path, wrote: bool) -> String {
    let mut text = String::new();
    for file in files {
        let format = file.format.map_or("?", Format::name);
        let ok = file.error.is_none()
            && file
                .articles
                .iter()
                .all(|a| !matches!(a.outcome, Outcome::Refused(_)));
        let _ = writeln!(
            text,
            "{} {} ({format})",
            if ok { "✓" } else { "✗" },
            file.file
        );
        if let Some(error) = &file.error {
            let _ = writeln!(text, "  읽을 수 없음: {error}");
        }
        for note in &file.notes {
            let _ = writeln!(text, "  알림: {note}");
        }
        for article in &file.articles {
            article_text(&mut text, article, out, wrote);
        }
    }
    let (guides, refused) = totals(files);
    let _ = writeln!(
        text,
        "가이드 {guides}개{}, 가져오지 못한 문서 {refused}개",
        if wrote && guides > 0 {
            format!(" → {}", out.display())
        } else if guides > 0 {
            " (쓰지 않음)".to_owned()
        } else {
            String::new()
        }
    );
    text
}

fn totals(files: &[FileImport]) -> (usize, usize) {
    let guides = files.iter().flat_map(FileImport::guides).count();
    (guides, refusals(files).len())
}

fn article_text(text: &mut String, article: &ArticleImport, out: &Path, wrote: bool) {
    match &article.outcome {
        Outcome::Refused(why) => {
            let _ = writeln!(text, "  ✗ {} \"{}\": {why}", article.source, article.title);
        }
        Outcome::Merged { into } => {
            let _ = writeln!(
                text,
                "  = {} \"{}\": 같은 문서라 {into}로 합쳤습니다",
                article.source, article.title
            );
        }
        Outcome::Imported(imported) => {
            let guide = &imported.guide;
            let (items, templates, drafts) = counts(guide);
            let badge = if imported.form == Form::Reference {
                format!(" [{OUTSIDE_TEMPLATE}]")
            } else {
                String::new()
            };
            let target = if wrote {
                format!(" → {}", import::target(out, imported).display())
            } else {
                String::new()
            };
            let _ = writeln!(
                text,
                "  {} \"{}\"{badge}: Q&A {}개, 문장 {items}개, SMS 템플릿 {templates}개, 일정 {}개, 초안 규정 {drafts}건{target}",
                guide.id,
                guide.title,
                guide.qa.len(),
                guide.schedule.as_ref().map_or(0, |s| s.events.len()),
            );
            let _ = writeln!(text, "    {}", segments_line(&imported.segments));
            for warning in &imported.warnings {
                match &warning.place {
                    Some(place) => {
                        let _ = writeln!(text, "    경고 {place}: {}", warning.message);
                    }
                    None => {
                        let _ = writeln!(text, "    경고: {}", warning.message);
                    }
                }
            }
            for unplaced in &imported.unplaced {
                match &unplaced.place {
                    Some(place) => {
                        let _ = writeln!(text, "    글로 둠 {place}: {}", unplaced.text);
                    }
                    None => {
                        let _ = writeln!(text, "    글로 둠: {}", unplaced.text);
                    }
                }
            }
        }
    }
}

/// A guide the import made, in the `--json` report.
#[derive(Serialize)]
struct GuideReport<'a> {
    id: &'a str,
    title: &'a str,
    heading: &'a str,
    form: &'a crate::import::Form,
    outside_template: bool,
    /// The category tree's badge of a reference guide.
    badge: Option<&'static str>,
    category: &'a [String],
    /// Where it was (or would have been) written; `null` when nothing was written.
    file: Option<String>,
    qa: usize,
    items: usize,
    sms_templates: usize,
    schedule_events: usize,
    draft_rules: usize,
}

fn guide_report<'a>(imported: &'a ImportedGuide, out: &Path, wrote: bool) -> GuideReport<'a> {
    let guide = &imported.guide;
    let (items, templates, drafts) = counts(guide);
    GuideReport {
        id: &guide.id,
        title: &guide.title,
        heading: &guide.heading,
        form: &imported.form,
        outside_template: guide.outside_template,
        badge: guide.outside_template.then_some(OUTSIDE_TEMPLATE),
        category: &guide.category,
        file: wrote.then(|| import::target(out, imported).display().to_string()),
        qa: guide.qa.len(),
        items,
        sms_templates: templates,
        schedule_events: guide.schedule.as_ref().map_or(0, |s| s.events.len()),
        draft_rules: drafts,
    }
}

/// One article of a file, with what became of it.
#[derive(Serialize)]
struct ArticleReport<'a> {
    source: &'a str,
    format: &'a Format,
    article_id: Option<u64>,
    title: &'a str,
    #[serde(flatten)]
    outcome: OutcomeReport<'a>,
}

#[derive(Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
enum OutcomeReport<'a> {
    Written(ImportedReport<'a>),
    NotWritten(ImportedReport<'a>),
    Refused { error: &'a str },
    Merged { into: &'a str },
}

#[derive(Serialize)]
struct ImportedReport<'a> {
    guide: GuideReport<'a>,
    segments: &'a Segments,
    warnings: &'a [crate::import::Warning],
    kept_as_text: &'a [crate::import::Unplaced],
}

fn article_report<'a>(article: &'a ArticleImport, out: &Path, wrote: bool) -> ArticleReport<'a> {
    let outcome = match &article.outcome {
        Outcome::Imported(imported) => {
            let report = ImportedReport {
                guide: guide_report(imported, out, wrote),
                segments: &imported.segments,
                warnings: &imported.warnings,
                kept_as_text: &imported.unplaced,
            };
            if wrote {
                OutcomeReport::Written(report)
            } else {
                OutcomeReport::NotWritten(report)
            }
        }
        Outcome::Refused(why) => OutcomeReport::Refused { error: why },
        Outcome::Merged { into } => OutcomeReport::Merged { into },
    };
    ArticleReport {
        source: &article.source,
        format: &article.format,
        article_id: article.article_id,
        title: &article.title,
        outcome,
    }
}

/// One input file of the `--json` report.
#[derive(Serialize)]
struct FileReport<'a> {
    file: &'a str,
    format: Option<&'static str>,
    ok: bool,
    error: Option<&'a str>,
    notes: &'a [String],
    articles: Vec<ArticleReport<'a>>,
}

/// `content import --json`.
#[derive(Serialize)]
struct ImportReport<'a> {
    ok: bool,
    out: String,
    guides: usize,
    refused: usize,
    unreadable: usize,
    segments: Segments,
    written: Vec<String>,
    files: Vec<FileReport<'a>>,
}

fn import_report<'a>(
    files: &'a [FileImport],
    written: &[PathBuf],
    out: &Path,
    wrote: bool,
) -> ImportReport<'a> {
    let file_reports = files
        .iter()
        .map(|file| FileReport {
            file: &file.file,
            format: file.format.map(Format::name),
            ok: file.error.is_none()
                && file
                    .articles
                    .iter()
                    .all(|a| !matches!(a.outcome, Outcome::Refused(_))),
            error: file.error.as_deref(),
            notes: &file.notes,
            articles: file
                .articles
                .iter()
                .map(|a| article_report(a, out, wrote))
                .collect(),
        })
        .collect();
    let (guides, refused) = totals(files);
    let unreadable = files.iter().filter(|f| f.error.is_some()).count();
    let mut segments = Segments::default();
    for imported in files.iter().flat_map(FileImport::guides) {
        let s = &imported.segments;
        segments.total += s.total;
        segments.title += s.title;
        segments.guide += s.guide;
        segments.section += s.section;
        segments.qa += s.qa;
        segments.sms += s.sms;
        segments.schedule += s.schedule;
        segments.text += s.text;
    }
    ImportReport {
        ok: wrote && refused == 0 && unreadable == 0,
        out: out.display().to_string(),
        guides,
        refused,
        unreadable,
        segments,
        written: written.iter().map(|p| p.display().to_string()).collect(),
        files: file_reports,
    }
}
