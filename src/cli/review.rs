//! `content review`: the draft rules of a content folder, each with its cited sentences and
//! what it would decide; accepting or rejecting them. Every decision is recorded in the
//! folder's reviews file as well as in the guide, so that the next import or sync applies it
//! again while the sentences stay as they were.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::{Exit, GlobalArgs, Streams, UserError};
use crate::content::{self, Guide, RuleStatus, SourceFile};
use crate::rules::review::{BackToReview, Decision, REVIEWS_FILE, Reviews};

#[derive(Debug, clap::Args)]
pub struct ReviewArgs {
    #[arg(
        long,
        value_name = "ID",
        help = "이 규정을 승인합니다 (여러 번 쓸 수 있음)"
    )]
    pub accept: Vec<String>,
    #[arg(
        long,
        value_name = "ID",
        help = "이 규정을 거절합니다 (여러 번 쓸 수 있음)"
    )]
    pub reject: Vec<String>,
    #[arg(long, help = "초안을 모두 승인합니다")]
    pub accept_all: bool,
}

/// A cited sentence.
#[derive(Debug, Serialize)]
struct Cited {
    id: String,
    text: String,
}

/// A rule as the review lists it.
#[derive(Debug, Serialize)]
struct Listed {
    guide: String,
    rule: String,
    kind: &'static str,
    /// What the rule would decide, in words.
    summary: String,
    decides: Vec<String>,
    cites: Vec<Cited>,
    /// Reviewed before with other sentences: what was decided then, and on which sentences.
    #[serde(skip_serializing_if = "Option::is_none")]
    changed: Option<BackToReview>,
}

/// An accepted rule that its check refused: left a draft.
#[derive(Debug, Serialize)]
struct Failed {
    guide: String,
    rule: String,
    summary: String,
    errors: Vec<String>,
}

#[derive(Debug, Default, Serialize)]
struct Report {
    ok: bool,
    accepted: Vec<Listed>,
    rejected: Vec<Listed>,
    failed: Vec<Failed>,
    drafts: Vec<Listed>,
    /// Drafts whose cited sentences changed since they were reviewed.
    changed: Vec<BackToReview>,
}

/// A guide file of the folder, read for reviewing.
struct GuideFile {
    name: String,
    guide: Guide,
    /// Rules whose status this run changes, by index, with the decision.
    decided: Vec<(usize, Decision)>,
}

fn listed(guide: &Guide, n: usize, reviews: &Reviews) -> Listed {
    let rule = &guide.rules[n];
    let decides = match &rule.terms {
        content::RuleTerms::Condition { decides, .. } => vec![decides.clone()],
        content::RuleTerms::Eligibility { decides, .. } => decides.clone(),
        content::RuleTerms::Window { effect, .. } => vec![format!("{effect:?}")],
        content::RuleTerms::Price { .. } => Vec::new(),
    };
    Listed {
        guide: guide.id.clone(),
        rule: rule.id.clone(),
        kind: rule.terms.kind(),
        summary: crate::rules::summary(guide, &rule.terms),
        decides,
        cites: rule
            .sources
            .iter()
            .map(|id| Cited {
                id: id.clone(),
                text: guide.cited_sentence(id).unwrap_or_default(),
            })
            .collect(),
        changed: reviews.changed(guide, rule).map(|review| BackToReview {
            guide: guide.id.clone(),
            rule: rule.id.clone(),
            kind: rule.terms.kind().to_owned(),
            was: review.decision,
            before: review.cites.clone(),
            now: crate::rules::review::cited(guide, rule),
        }),
    }
}

/// The guide files of `dir` (the synonym list and the reviews file are not guides).
fn read_guides(dir: &Path) -> Result<Vec<GuideFile>, UserError> {
    let sources = content::read_dir(dir)?;
    // The folder must be sound before anything is decided in it.
    content::load_sources(&sources)?;
    let mut files = Vec::new();
    for source in sources {
        if Path::new(&source.name)
            .file_name()
            .is_some_and(|n| n == content::SYNONYMS_FILE)
        {
            continue;
        }
        let guide: Guide = serde_json::from_slice(&source.bytes).map_err(|err| {
            UserError(format!("{}: 가이드로 읽을 수 없습니다: {err}", source.name))
        })?;
        files.push(GuideFile {
            name: source.name,
            guide,
            decided: Vec::new(),
        });
    }
    Ok(files)
}

/// Finds each id among the folder's rules, or says which is not there.
fn mark(files: &mut [GuideFile], ids: &[String], decision: Decision) -> Result<(), UserError> {
    for id in ids {
        let found = files.iter_mut().find_map(|file| {
            let n = file.guide.rules.iter().position(|rule| &rule.id == id)?;
            Some((file, n))
        });
        let Some((file, n)) = found else {
            return Err(UserError(format!(
                "규정 \"{id}\"이(가) 없습니다 (content review로 초안 id를 보세요)"
            )));
        };
        file.decided.retain(|(m, _)| *m != n);
        file.decided.push((n, decision));
    }
    Ok(())
}

/// The guide as JSON, as the importer writes it.
fn guide_json(guide: &Guide) -> Result<Vec<u8>, UserError> {
    let mut text = serde_json::to_string_pretty(guide)
        .map_err(|err| UserError(format!("JSON을 쓸 수 없습니다: {err}")))?;
    text.push('\n');
    Ok(text.into_bytes())
}

/// Applies the decisions of every file to its guide; an accepted rule whose check fails
/// (the guide no longer validates because of it) goes back to draft and is returned with
/// the problems found.
fn decide(files: &mut [GuideFile]) -> Result<Vec<Failed>, UserError> {
    let mut failed = Vec::new();
    for file in files.iter_mut().filter(|f| !f.decided.is_empty()) {
        let stamped = file
            .guide
            .source
            .as_ref()
            .is_some_and(|s| s.imported_hash == content::fingerprint(&file.guide));
        for (n, decision) in &file.decided {
            file.guide.rules[*n].status = match decision {
                Decision::Accepted => RuleStatus::Reviewed,
                Decision::Rejected => RuleStatus::Rejected,
            };
        }
        // An accepted rule that breaks the guide goes back, one at a time, until it holds.
        loop {
            let bytes = guide_json(&file.guide)?;
            let errors = match content::load_sources(&[SourceFile {
                name: file.name.clone(),
                bytes,
            }]) {
                Ok(_) => break,
                Err(errors) => errors.0,
            };
            let culprit = file.decided.iter().rev().find_map(|(n, decision)| {
                let prefix = format!("rules[{n}]");
                let own: Vec<String> = errors
                    .iter()
                    .filter(|e| e.path.as_deref().is_some_and(|p| p.starts_with(&prefix)))
                    .map(ToString::to_string)
                    .collect();
                (*decision == Decision::Accepted && !own.is_empty()).then_some((*n, own))
            });
            let Some((n, own)) = culprit else {
                return Err(UserError(format!(
                    "{}: 검토 결과를 적용하면 콘텐츠가 올바르지 않습니다:\n{}",
                    file.name,
                    content::ContentErrors(errors)
                )));
            };
            file.guide.rules[n].status = RuleStatus::Draft;
            file.decided.retain(|(m, _)| *m != n);
            failed.push(Failed {
                guide: file.guide.id.clone(),
                rule: file.guide.rules[n].id.clone(),
                summary: crate::rules::summary(&file.guide, &file.guide.rules[n].terms),
                errors: own,
            });
        }
        if stamped {
            let hash = content::fingerprint(&file.guide);
            if let Some(source) = &mut file.guide.source {
                source.imported_hash = hash;
            }
        }
    }
    Ok(failed)
}

pub fn run(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    args: &ReviewArgs,
) -> Result<Exit, UserError> {
    let dir = global.content.as_deref().ok_or_else(|| {
        UserError("content review에는 검토할 콘텐츠 폴더가 필요합니다: --content DIR".into())
    })?;
    let mut files = read_guides(dir)?;
    let mut reviews = Reviews::read(dir).map_err(UserError)?;
    if args.accept_all {
        for file in &mut files {
            let drafts: Vec<usize> = (0..file.guide.rules.len())
                .filter(|n| file.guide.rules[*n].status == RuleStatus::Draft)
                .collect();
            file.decided
                .extend(drafts.into_iter().map(|n| (n, Decision::Accepted)));
        }
    }
    mark(&mut files, &args.accept, Decision::Accepted)?;
    mark(&mut files, &args.reject, Decision::Rejected)?;
    let failed = decide(&mut files)?;

    let mut report = Report {
        failed,
        ..Report::default()
    };
    let now = crate::clock::rfc3339_kst(&crate::clock::now_kst());
    for file in &files {
        for (n, decision) in &file.decided {
            reviews.record(&file.guide, &file.guide.rules[*n], *decision, &now);
            let entry = listed(&file.guide, *n, &Reviews::default());
            match decision {
                Decision::Accepted => report.accepted.push(entry),
                Decision::Rejected => report.rejected.push(entry),
            }
        }
    }
    // Written only when something was decided: each guide whole, then the reviews.
    if files.iter().any(|f| !f.decided.is_empty()) {
        for file in files.iter().filter(|f| !f.decided.is_empty()) {
            let bytes = guide_json(&file.guide)?;
            crate::files::write_atomic(Path::new(&file.name), &bytes)
                .map_err(|err| UserError(err.to_string()))?;
        }
        crate::files::write_atomic(&dir.join(REVIEWS_FILE), reviews.to_json().as_bytes())
            .map_err(|err| UserError(err.to_string()))?;
    }
    for file in &files {
        for n in 0..file.guide.rules.len() {
            if file.guide.rules[n].status == RuleStatus::Draft {
                let entry = listed(&file.guide, n, &reviews);
                if let Some(changed) = &entry.changed {
                    report.changed.push(changed.clone());
                }
                report.drafts.push(entry);
            }
        }
    }
    report.ok = report.failed.is_empty();
    if global.json {
        io.print_json(&report)?;
    } else {
        io.print(&text(&report));
    }
    if report.failed.is_empty() {
        Ok(Exit::Success)
    } else {
        Ok(Exit::SomeRefused)
    }
}

fn kind_word(kind: &str) -> &'static str {
    match kind {
        "condition" => "조건",
        "window" => "기간",
        "price" => "가격",
        "eligibility" => "자격",
        _ => "규정",
    }
}

/// The report as an agent reads it.
fn text(report: &Report) -> String {
    let mut text = String::new();
    for (list, word) in [(&report.accepted, "승인"), (&report.rejected, "거절")] {
        if !list.is_empty() {
            let _ = writeln!(text, "{word} {}건:", list.len());
            for entry in list.as_slice() {
                let _ = writeln!(text, "  {} {}", entry.rule, entry.summary);
            }
        }
    }
    if !report.failed.is_empty() {
        let _ = writeln!(
            text,
            "승인하지 못한 규정 {}건 (검사에 걸려 초안으로 남김):",
            report.failed.len()
        );
        for failed in &report.failed {
            let _ = writeln!(text, "  {} {}", failed.rule, failed.summary);
            for error in &failed.errors {
                let _ = writeln!(text, "    {error}");
            }
        }
    }
    if report.drafts.is_empty() {
        text.push_str("검토할 초안이 없습니다\n");
        return text;
    }
    let _ = writeln!(
        text,
        "검토 전 초안 {}건 (답하지 않음; --accept ID로 승인, --reject ID로 거절, --accept-all로 모두 승인):",
        report.drafts.len()
    );
    for draft in &report.drafts {
        let _ = writeln!(
            text,
            "  {} [{}] {}",
            draft.rule,
            kind_word(draft.kind),
            draft.summary
        );
        for cited in &draft.cites {
            let _ = writeln!(text, "    근거: \"{}\"", cited.text.replace('\n', " "));
        }
        if let Some(changed) = &draft.changed {
            let _ = writeln!(
                text,
                "    ⚠ 근거 문장이 바뀌어 다시 검토해야 합니다 (전에 {}): \"{}\"",
                changed.was.word(),
                changed.before.join(" / ")
            );
        }
    }
    text
}
