//! Reading content files: the embedded assets or every `*.json` under a directory.

use std::fs;
use std::path::{Path, PathBuf};

use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

use super::locate::line_col;
use super::model::Guide;
use super::validate::validate;
use super::{Content, ContentError, ContentErrors, LoadedGuide};
use crate::search::hangul::is_syllable;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_assets.rs"));
}

/// One content file's name (as shown in messages) and raw bytes.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

pub fn embedded_sources() -> Vec<SourceFile> {
    embedded::EMBEDDED_FILES
        .iter()
        .map(|(name, bytes)| SourceFile {
            name: (*name).to_owned(),
            bytes: bytes.to_vec(),
        })
        .collect()
}

/// The content compiled into the binary.
pub fn load_embedded() -> Result<Content, ContentErrors> {
    load_sources(&embedded_sources())
}

/// Every `*.json` file under `dir`, recursively, in path order.
pub fn load_dir(dir: &Path) -> Result<Content, ContentErrors> {
    let single = |message: String| {
        ContentErrors(vec![ContentError {
            file: dir.display().to_string(),
            line: None,
            column: None,
            path: None,
            message,
        }])
    };
    if !dir.is_dir() {
        return Err(single(
            "not a directory (--content takes a directory of *.json files)".into(),
        ));
    }
    let mut paths = Vec::new();
    let mut errors = Vec::new();
    collect_json_files(dir, &mut paths, &mut errors);
    if paths.is_empty() && errors.is_empty() {
        return Err(single("no *.json content files in this directory".into()));
    }
    paths.sort();
    let mut sources = Vec::new();
    for path in paths {
        match fs::read(&path) {
            Ok(bytes) => sources.push(SourceFile {
                name: path.display().to_string(),
                bytes,
            }),
            Err(err) => errors.push(file_error(
                &path.display().to_string(),
                format!("cannot read: {err}"),
            )),
        }
    }
    match load_sources(&sources) {
        Ok(content) if errors.is_empty() => Ok(content),
        Ok(_) => Err(ContentErrors(errors)),
        Err(ContentErrors(more)) => {
            errors.extend(more);
            Err(ContentErrors(errors))
        }
    }
}

fn collect_json_files(dir: &Path, paths: &mut Vec<PathBuf>, errors: &mut Vec<ContentError>) {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(err) => {
            errors.push(file_error(
                &dir.display().to_string(),
                format!("cannot list: {err}"),
            ));
            return;
        }
    };
    for entry in entries.filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            collect_json_files(&path, paths, errors);
        } else if path.extension().is_some_and(|ext| ext == "json") {
            paths.push(path);
        }
    }
}

fn file_error(file: &str, message: String) -> ContentError {
    ContentError {
        file: file.to_owned(),
        line: None,
        column: None,
        path: None,
        message,
    }
}

/// Parses and validates a set of files. Nothing is returned unless every file is sound.
pub fn load_sources(sources: &[SourceFile]) -> Result<Content, ContentErrors> {
    let mut errors = Vec::new();
    let mut parsed = Vec::new();
    for (source, result) in sources.iter().zip(parse_all(sources)) {
        match result {
            Ok(guide) => parsed.push((source, guide)),
            Err(error) => errors.push(error),
        }
    }
    if sources.is_empty() {
        errors.push(file_error("(content)", "no content files".into()));
    }
    let texts: Vec<(&str, &Guide, &[u8])> = parsed
        .iter()
        .map(|(source, guide)| (source.name.as_str(), guide, source.bytes.as_slice()))
        .collect();
    errors.extend(validate(&texts));
    if !errors.is_empty() {
        return Err(ContentErrors(errors));
    }
    let guides = parsed
        .into_iter()
        .map(|(source, guide)| LoadedGuide {
            file_name: Path::new(&source.name).file_name().map_or_else(
                || source.name.clone(),
                |name| name.to_string_lossy().into_owned(),
            ),
            guide,
        })
        .collect();
    Ok(Content::new(guides))
}

/// Parses every file, in order; a large directory is spread over the machine's cores.
fn parse_all(sources: &[SourceFile]) -> Vec<Result<Guide, ContentError>> {
    crate::parallel::in_shares(sources.len(), 1, |share| {
        sources[share].iter().map(parse_file).collect::<Vec<_>>()
    })
    .into_iter()
    .flatten()
    .collect()
}

fn parse_file(source: &SourceFile) -> Result<Guide, ContentError> {
    let text = std::str::from_utf8(&source.bytes).map_err(|err| {
        let valid = &source.bytes[..err.valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        let (line, column) = line_col(valid, valid.len());
        ContentError {
            file: source.name.clone(),
            line: Some(line),
            column: Some(column),
            path: None,
            message: format!(
                "not UTF-8: invalid byte 0x{:02X} at byte offset {} (content files must be UTF-8 JSON)",
                source.bytes.get(err.valid_up_to()).copied().unwrap_or(0),
                err.valid_up_to()
            ),
        }
    })?;
    // NFC on the raw text keeps every JSON token intact (no ASCII character composes with a
    // quote, bracket or comma) and keeps line numbers, so positions in messages stay right.
    let normalized: String;
    let text = if plainly_nfc(text) {
        text
    } else {
        normalized = text.nfc().collect();
        &normalized
    };
    let guide: Guide = serde_json::from_str(text).map_err(|err| ContentError {
        file: source.name.clone(),
        line: Some(err.line()),
        column: Some(err.column()),
        path: None,
        message: describe_json_error(&err),
    })?;
    if text.contains("\\u") {
        // Escaped code points were not seen by the raw-text pass: normalise the parsed strings.
        return renormalize(&guide).map_err(|err| file_error(&source.name, err));
    }
    Ok(guide)
}

/// Whether the text is surely NFC: every character is below U+0300 (no combining marks) or
/// a precomposed Hangul syllable, which is all of most content; otherwise the full quick
/// check decides. Saves a table lookup per character of a help centre's worth of files.
fn plainly_nfc(text: &str) -> bool {
    let unusual = text
        .char_indices()
        .find(|&(_, c)| c >= '\u{300}' && !is_syllable(c));
    match unusual {
        None => true,
        Some((at, _)) => {
            is_nfc_quick(text[at..].chars()) == unicode_normalization::IsNormalized::Yes
        }
    }
}

fn describe_json_error(err: &serde_json::Error) -> String {
    let message = err.to_string();
    // serde_json appends " at line L column C", which the location prefix already says.
    let message = message
        .rsplit_once(" at line ")
        .map_or(message.as_str(), |(head, _)| head);
    match err.classify() {
        serde_json::error::Category::Eof => {
            format!("unexpected end of file: {message} (truncated JSON?)")
        }
        serde_json::error::Category::Syntax => format!("invalid JSON: {message}"),
        serde_json::error::Category::Data => format!("unexpected content: {message}"),
        serde_json::error::Category::Io => message.to_owned(),
    }
}

fn renormalize(guide: &Guide) -> Result<Guide, String> {
    fn walk(value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => *text = text.nfc().collect(),
            serde_json::Value::Array(items) => items.iter_mut().for_each(walk),
            serde_json::Value::Object(map) => map.values_mut().for_each(walk),
            _ => {}
        }
    }
    let mut value = serde_json::to_value(guide).map_err(|err| err.to_string())?;
    walk(&mut value);
    serde_json::from_value(value).map_err(|err| err.to_string())
}
