//! A run over all the files read: the same article met twice made one guide, each guide
//! checked alone and with the others as the console will load them, hand edits in the
//! output folder kept, and the guides written into it whole or not at all.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::{ArticleImport, FileImport, Format, ImportedGuide, Outcome, Warning, stamp};
use crate::content::{self, Guide, SourceFile, fingerprint};

/// Why a guide file in the output folder may not be replaced: something other than a
/// regular file is there (never opened: a FIFO would hang the import), or a guide someone
/// wrote or edited by hand.
pub fn hand_edited(existing: &Path) -> Option<String> {
    match std::fs::symlink_metadata(existing) {
        Err(_) => return None,
        Ok(meta) if !meta.is_file() => {
            return Some(format!(
                "{}이(가) 있어 쓸 수 없습니다",
                crate::files::kind_of(&meta)
            ));
        }
        Ok(_) => {}
    }
    let bytes = content::read_regular_file(existing).ok()?;
    let Ok(guide) = serde_json::from_slice::<Guide>(&bytes) else {
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

/// The texts of a guide, to tell two forms of one article from two articles.
fn text_set(guide: &Guide) -> std::collections::HashSet<&str> {
    let mut texts: std::collections::HashSet<&str> =
        guide.citable_items().map(|i| i.text.as_str()).collect();
    for qa in &guide.qa {
        texts.extend(qa.questions.iter().map(String::as_str));
    }
    for template in &guide.sms_templates {
        texts.insert(template.text.as_str());
    }
    texts
}

/// Same article: most of the smaller guide's texts are in the other.
fn same_text(a: &Guide, b: &Guide) -> bool {
    let (a, b) = (text_set(a), text_set(b));
    let smaller = a.len().min(b.len());
    if smaller == 0 {
        return true;
    }
    let shared = a.intersection(&b).count();
    shared * 10 >= smaller * 6
}

/// How much a form tells of its article: the API's form has its id, address and date; a
/// heading with its status and tags tells more than a bare title.
fn richness(article: &ArticleImport) -> u8 {
    let Some(imported) = article.imported() else {
        return 0;
    };
    let guide = &imported.guide;
    let source = guide.source.as_ref();
    u8::from(article.format == Format::ZendeskJson) * 4
        + u8::from(guide.status.is_some()) * 2
        + u8::from(!guide.tags.is_empty())
        + u8::from(source.is_some_and(|s| s.url.is_some()))
}

/// Settles a run over all its files: the same article met twice becomes one guide (the
/// richest form kept, a warning on it); two articles that would share a guide id keep the
/// first; each guide is checked alone and then with all the others as the console will
/// load them: a rule proposal that fails is dropped (its sentences stay text), anything
/// else refuses that article only.
pub fn settle(files: &mut [FileImport]) {
    merge_duplicates(files);
    check_each(files);
    check_together(files);
}

/// Positions of imported articles: (file, article).
fn imported_positions(files: &[FileImport]) -> Vec<(usize, usize)> {
    let mut positions = Vec::new();
    for (f, file) in files.iter().enumerate() {
        for (a, article) in file.articles.iter().enumerate() {
            if article.imported().is_some() {
                positions.push((f, a));
            }
        }
    }
    positions
}

fn merge_duplicates(files: &mut [FileImport]) {
    let positions = imported_positions(files);
    // Candidates met before, by guide id, by article id and by title.
    let mut by_id: HashMap<String, usize> = HashMap::new();
    let mut by_article: HashMap<u64, usize> = HashMap::new();
    let mut by_title: HashMap<String, Vec<usize>> = HashMap::new();
    let mut kept: Vec<(usize, usize)> = Vec::new();
    // Per kept article: the other forms of it met in the run.
    let mut groups: Vec<Vec<(usize, usize)>> = Vec::new();
    for (f, a) in positions {
        let (guide, article_id, title) = {
            let article = &files[f].articles[a];
            let Some(imported) = article.imported() else {
                continue;
            };
            let title: String = imported
                .guide
                .title
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect();
            (
                imported.guide.id.clone(),
                imported.guide.source.as_ref().and_then(|s| s.article_id),
                title,
            )
        };
        let earlier = article_id
            .and_then(|id| by_article.get(&id).copied())
            .or_else(|| {
                by_title.get(&title).and_then(|list| {
                    list.iter().copied().find(|k| {
                        let (kf, ka) = kept[*k];
                        match (
                            files[kf].articles[ka].imported(),
                            files[f].articles[a].imported(),
                        ) {
                            (Some(x), Some(y)) => same_text(&x.guide, &y.guide),
                            _ => false,
                        }
                    })
                })
            });
        let same_id = by_id.get(&guide).copied();
        let earlier = earlier.or_else(|| {
            // The same guide id: the same article only if the text says so.
            same_id.filter(|k| {
                let (kf, ka) = kept[*k];
                match (
                    files[kf].articles[ka].imported(),
                    files[f].articles[a].imported(),
                ) {
                    (Some(x), Some(y)) => same_text(&x.guide, &y.guide),
                    _ => false,
                }
            })
        });
        let Some(k) = earlier else {
            if same_id.is_some() {
                let (kf, ka) = kept[same_id.unwrap_or(0)];
                let other = files[kf].articles[ka].source.clone();
                files[f].articles[a].refuse(format!(
                    "가이드 id \"{guide}\"를 다른 문서({other})가 이미 씁니다: 파일 이름을 바꾸세요"
                ));
                continue;
            }
            let index = kept.len();
            kept.push((f, a));
            groups.push(Vec::new());
            by_id.insert(guide, index);
            if let Some(id) = article_id {
                by_article.insert(id, index);
            }
            by_title.entry(title).or_default().push(index);
            continue;
        };
        // The same article twice: the richer form stays the guide.
        let (kf, ka) = kept[k];
        if richness(&files[f].articles[a]) > richness(&files[kf].articles[ka]) {
            groups[k].push((kf, ka));
            kept[k] = (f, a);
        } else {
            groups[k].push((f, a));
        }
    }
    point_merged_forms(files, &kept, &groups);
}

/// Each form met again points at the one kept, which names them all.
fn point_merged_forms(
    files: &mut [FileImport],
    kept: &[(usize, usize)],
    groups: &[Vec<(usize, usize)>],
) {
    for (k, &(sf, sa)) in kept.iter().enumerate() {
        if groups[k].is_empty() {
            continue;
        }
        let stay_id = files[sf].articles[sa]
            .imported()
            .map(|i| i.guide.id.clone())
            .unwrap_or_default();
        let sources: Vec<String> = groups[k]
            .iter()
            .map(|&(f, a)| files[f].articles[a].source.clone())
            .collect();
        for &(f, a) in &groups[k] {
            files[f].articles[a].outcome = Outcome::Merged {
                into: stay_id.clone(),
            };
        }
        if let Outcome::Imported(imported) = &mut files[sf].articles[sa].outcome {
            imported.warnings.push(Warning {
                place: None,
                message: format!(
                    "같은 문서가 {}에도 있어 가이드 하나로 가져왔습니다 (이 형식의 것을 씀)",
                    sources.join(", ")
                ),
            });
        }
    }
}

/// A guide as the file it is written as (what `content import` and `content sync` write).
pub fn render(guide: &Guide) -> Vec<u8> {
    let mut text = serde_json::to_string_pretty(guide).unwrap_or_default();
    text.push('\n');
    text.into_bytes()
}

/// Each guide checked alone, as `content check` would: a draft rule that fails is dropped
/// with a warning; any other problem refuses the article, naming it.
fn check_each(files: &mut [FileImport]) {
    for file in files.iter_mut() {
        for article in &mut file.articles {
            let Outcome::Imported(imported) = &mut article.outcome else {
                continue;
            };
            if let Err(why) = check_guide(imported) {
                let place = article.source.clone();
                article.refuse(format!(
                    "가져온 가이드가 검사를 통과하지 못했습니다 ({place}): {why}"
                ));
            }
        }
    }
}

fn check_guide(imported: &mut ImportedGuide) -> Result<(), String> {
    for _ in 0..4 {
        let name = imported.file_name();
        let errors = match content::load_sources(&[SourceFile {
            name: name.clone(),
            bytes: render(&imported.guide),
        }]) {
            Ok(_) => return Ok(()),
            Err(errors) => errors.0,
        };
        let mut dropped: Vec<usize> = Vec::new();
        let mut other = Vec::new();
        for error in errors {
            match error.path.as_deref().and_then(rule_index) {
                Some(index) => {
                    if !dropped.contains(&index) {
                        dropped.push(index);
                        let summary = imported
                            .guide
                            .rules
                            .get(index)
                            .map(|r| r.id.clone())
                            .unwrap_or_default();
                        imported.warnings.push(Warning {
                            place: None,
                            message: format!(
                                "규정 초안 {summary}이(가) 검사를 통과하지 못해 넣지 않았습니다 (근거 문장은 글로 남음): {}",
                                error.message
                            ),
                        });
                    }
                }
                None => other.push(match &error.path {
                    Some(path) => format!("{path}: {}", error.message),
                    None => error.message,
                }),
            }
        }
        if !other.is_empty() {
            return Err(other.join("; "));
        }
        dropped.sort_unstable();
        for index in dropped.into_iter().rev() {
            let rule = imported.guide.rules.remove(index);
            for qa in &mut imported.guide.qa {
                qa.rules.retain(|id| *id != rule.id);
            }
        }
        stamp(&mut imported.guide);
    }
    Err("검사를 통과하지 못했습니다".to_owned())
}

/// `rules[3]…` → 3.
fn rule_index(path: &str) -> Option<usize> {
    let rest = path.strip_prefix("rules[")?;
    rest.split(']').next()?.parse().ok()
}

/// All guides checked together (ids unique across them, references resolving): a guide at
/// fault is refused, and the others checked again without it.
fn check_together(files: &mut [FileImport]) {
    for _ in 0..4 {
        let mut owners: HashMap<String, (usize, usize)> = HashMap::new();
        let mut sources = Vec::new();
        for (f, file) in files.iter().enumerate() {
            for (a, article) in file.articles.iter().enumerate() {
                if let Some(imported) = article.imported() {
                    owners.insert(imported.file_name(), (f, a));
                    sources.push(SourceFile {
                        name: imported.file_name(),
                        bytes: render(&imported.guide),
                    });
                }
            }
        }
        if sources.is_empty() {
            return;
        }
        let Err(errors) = content::load_sources(&sources) else {
            return;
        };
        let mut faults: HashMap<(usize, usize), Vec<String>> = HashMap::new();
        for error in errors.0 {
            if let Some(owner) = owners.get(&error.file) {
                faults.entry(*owner).or_default().push(match &error.path {
                    Some(path) => format!("{path}: {}", error.message),
                    None => error.message,
                });
            }
        }
        if faults.is_empty() {
            return;
        }
        for ((f, a), messages) in faults {
            files[f].articles[a].refuse(format!(
                "다른 가이드와 함께 검사를 통과하지 못했습니다: {}",
                messages.join("; ")
            ));
        }
    }
}

/// A guide already in the output folder that may not be replaced refuses its article
/// (`force` replaces hand edits, never a non-file).
pub fn refuse_hand_edits(files: &mut [FileImport], out: &Path, force: bool) {
    for file in files.iter_mut() {
        for article in &mut file.articles {
            let Some(imported) = article.imported() else {
                continue;
            };
            let target = target(out, imported);
            let non_file = std::fs::symlink_metadata(&target).is_ok_and(|m| !m.is_file());
            if force && !non_file {
                continue;
            }
            if let Some(why) = hand_edited(&target) {
                let hint = if non_file {
                    ""
                } else {
                    "; 덮어쓰려면 --force"
                };
                article.refuse(format!("{}: {why}{hint}", target.display()));
            }
        }
    }
}

/// What a run wrote.
#[derive(Debug, Clone, Default)]
pub struct Written {
    pub files: Vec<PathBuf>,
}

/// Writes every imported guide into `out`, all or nothing: the guides go into a staging
/// folder beside it (starting from what `out` holds) that is swapped in whole. A failure
/// leaves `out` as it was; the error says so.
pub fn write(out: &Path, files: &[FileImport]) -> Result<Written, String> {
    let guides: Vec<&ImportedGuide> = files.iter().flat_map(FileImport::guides).collect();
    if guides.is_empty() {
        return Ok(Written::default());
    }
    crate::files::replace_folder(out, crate::files::Start::Existing, |staging| {
        let mut written = Vec::with_capacity(guides.len());
        for imported in &guides {
            staging.write(Path::new(&imported.file_name()), &render(&imported.guide))?;
            written.push(target(out, imported));
        }
        Ok(Written { files: written })
    })
    .map_err(|err| {
        format!(
            "{err} (아무것도 쓰지 않았고 {}의 기존 내용은 그대로입니다)",
            out.display()
        )
    })
}
