//! `content import`: help-centre articles into guide files, all or nothing, with a report
//! per input file.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde_json::json;

use super::{GlobalArgs, Streams, UserError};
use crate::content::{self, SourceFile};
use crate::import::{self, FileImport, Format};

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
}

/// An article file as text: read under the content loader's rules (a regular file, up to
/// its size limit), then decoded.
fn read_input(path: &Path) -> Result<String, String> {
    let bytes = content::read_regular_file(path)?;
    String::from_utf8(bytes).map_err(|err| {
        format!(
            "UTF-8 글이 아닙니다 ({}바이트째)",
            err.utf8_error().valid_up_to()
        )
    })
}

pub fn run(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    args: &ImportArgs<'_>,
) -> Result<(), UserError> {
    let format = args.format.map(Format::from);
    let mut files: Vec<FileImport> = args
        .files
        .iter()
        .map(|path| match read_input(path) {
            Ok(text) => import::read_file(path, &text, format),
            Err(message) => FileImport {
                file: path.display().to_string(),
                format,
                guides: Vec::new(),
                errors: vec![message],
            },
        })
        .collect();

    name_duplicates(&mut files);
    let (rendered, owners) = render(&files)?;
    check_together(&mut files, &rendered, &owners);
    if !args.force {
        refuse_hand_edits(&mut files, args.out);
    }

    let failed = files.iter().any(|f| !f.errors.is_empty());
    let mut written = Vec::new();
    if !failed {
        std::fs::create_dir_all(args.out).map_err(|err| {
            UserError(format!(
                "{}: 폴더를 만들 수 없습니다: {err}",
                args.out.display()
            ))
        })?;
        // The bytes checked are the bytes written.
        for source in &rendered {
            let path = args.out.join(&source.name);
            crate::files::write_atomic(&path, &source.bytes)
                .map_err(|err| UserError(err.to_string()))?;
            written.push(path.display().to_string());
        }
    }

    if global.json {
        io.print_json(&report_json(&files, &written, args.out, failed))?;
    } else {
        io.print(&report_text(&files, args.out, failed));
    }
    if failed {
        let mut message = format!(
            "가져오기 실패: 파일 {}개에 문제가 있어 아무것도 쓰지 않았습니다",
            files.iter().filter(|f| !f.errors.is_empty()).count()
        );
        for file in files.iter().filter(|f| !f.errors.is_empty()) {
            for error in &file.errors {
                let _ = write!(message, "\n{}: {error}", file.file);
            }
        }
        return Err(UserError(message));
    }
    Ok(())
}

/// The same article twice (two pages of one export) is named, not silently kept once.
fn name_duplicates(files: &mut [FileImport]) {
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for file in files.iter_mut() {
        let mut duplicates = Vec::new();
        for imported in &file.guides {
            if let Some(first) = seen.insert(imported.guide.id.clone(), file.file.clone()) {
                duplicates.push(format!(
                    "가이드 {}가 {first}에도 있습니다",
                    imported.guide.id
                ));
            }
        }
        file.errors.extend(duplicates);
    }
}

/// Every imported guide as the file it will be written as, and for each the input file
/// it came from.
fn render(files: &[FileImport]) -> Result<(Vec<SourceFile>, Vec<usize>), UserError> {
    let mut sources = Vec::new();
    let mut owners = Vec::new();
    for (n, file) in files.iter().enumerate() {
        for imported in &file.guides {
            let mut text = serde_json::to_string_pretty(&imported.guide)
                .map_err(|err| UserError(format!("JSON을 쓸 수 없습니다: {err}")))?;
            text.push('\n');
            sources.push(SourceFile {
                name: imported.file_name(),
                bytes: text.into_bytes(),
            });
            owners.push(n);
        }
    }
    Ok((sources, owners))
}

/// The guides of all files are checked together, as the console will load them; a problem
/// is reported with the input file it came from.
fn check_together(files: &mut [FileImport], sources: &[SourceFile], owners: &[usize]) {
    let Err(errors) = content::load_sources(sources) else {
        return;
    };
    let owner_of: std::collections::HashMap<&str, usize> = sources
        .iter()
        .map(|s| s.name.as_str())
        .zip(owners.iter().copied())
        .collect();
    for error in errors.0 {
        if let Some(file) = owner_of
            .get(error.file.as_str())
            .and_then(|n| files.get_mut(*n))
        {
            file.errors.push(format!(
                "가져온 가이드가 검사를 통과하지 못했습니다: {error}"
            ));
        }
    }
}

/// A guide file edited by hand since the last import is not replaced without `--force`.
fn refuse_hand_edits(files: &mut [FileImport], out: &Path) {
    for file in files.iter_mut() {
        let refusals: Vec<String> = file
            .guides
            .iter()
            .filter_map(|imported| {
                let target = import::target(out, imported);
                import::hand_edited(&target)
                    .map(|why| format!("{}: {why}; 덮어쓰려면 --force", target.display()))
            })
            .collect();
        file.errors.extend(refusals);
    }
}

fn counts(guide: &crate::content::Guide) -> (usize, usize, usize) {
    let items = guide.citable_items().count();
    let drafts = guide.rules.iter().filter(|r| r.is_draft()).count();
    (items, guide.sms_templates.len(), drafts)
}

fn report_text(files: &[FileImport], out: &Path, failed: bool) -> String {
    let mut text = String::new();
    for file in files {
        let format = file.format.map_or("?", Format::name);
        if file.errors.is_empty() {
            let _ = writeln!(text, "✓ {} ({format})", file.file);
        } else {
            let _ = writeln!(text, "✗ {} ({format})", file.file);
            for error in &file.errors {
                let _ = writeln!(text, "  문제: {error}");
            }
        }
        for imported in &file.guides {
            let guide = &imported.guide;
            let (items, templates, drafts) = counts(guide);
            let target = import::target(out, imported);
            let _ = writeln!(
                text,
                "  {} \"{}\": Q&A {}개, 문장 {items}개, SMS 템플릿 {templates}개, 초안 규정 {drafts}건, 미분류 {}줄{}",
                guide.id,
                guide.title,
                guide.qa.len(),
                imported.unplaced.len(),
                if failed {
                    String::new()
                } else {
                    format!(" → {}", target.display())
                }
            );
            for unplaced in &imported.unplaced {
                match unplaced.line {
                    Some(line) => {
                        let _ = writeln!(text, "    미분류 {line}줄: {}", unplaced.text);
                    }
                    None => {
                        let _ = writeln!(text, "    미분류: {}", unplaced.text);
                    }
                }
            }
        }
    }
    text
}

fn report_json(
    files: &[FileImport],
    written: &[String],
    out: &Path,
    failed: bool,
) -> serde_json::Value {
    let files: Vec<serde_json::Value> = files
        .iter()
        .map(|file| {
            let guides: Vec<serde_json::Value> = file
                .guides
                .iter()
                .map(|imported| {
                    let guide = &imported.guide;
                    let (items, templates, drafts) = counts(guide);
                    json!({
                        "id": guide.id,
                        "title": guide.title,
                        "file": import::target(out, imported).display().to_string(),
                        "qa": guide.qa.len(),
                        "items": items,
                        "sms_templates": templates,
                        "draft_rules": drafts,
                        "unplaced": imported.unplaced,
                    })
                })
                .collect();
            json!({
                "file": file.file,
                "format": file.format.map(Format::name),
                "ok": file.errors.is_empty(),
                "errors": file.errors,
                "guides": guides,
            })
        })
        .collect();
    json!({"ok": !failed, "files": files, "written": written})
}
