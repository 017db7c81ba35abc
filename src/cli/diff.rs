//! `content diff OLD NEW`: the guides and sentences that changed between two content folders.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{GlobalArgs, Streams, UserError};
use crate::content::{self, Change, GuideChange};

#[derive(Debug, clap::Args)]
pub struct DiffArgs {
    #[arg(value_name = "OLD_DIR", help = "예전 콘텐츠 폴더")]
    pub old: PathBuf,
    #[arg(value_name = "NEW_DIR", help = "새 콘텐츠 폴더")]
    pub new: PathBuf,
}

#[derive(Serialize)]
struct Report<'a> {
    added: usize,
    removed: usize,
    changed: usize,
    guides: &'a [GuideChange],
}

pub fn run(io: &mut Streams<'_>, global: &GlobalArgs, args: &DiffArgs) -> Result<(), UserError> {
    let (old, new) = (args.old.as_path(), args.new.as_path());
    let load = |dir: &Path| {
        content::load_dir(dir).map_err(|errors| {
            UserError(format!(
                "{}: 콘텐츠가 올바르지 않습니다:\n{errors}",
                dir.display()
            ))
        })
    };
    let (before, after) = (load(old)?, load(new)?);
    let guides = content::diff(&before, &after);
    let count = |change| guides.iter().filter(|g| g.change == change).count();
    if global.json {
        return io.print_json(&Report {
            added: count(Change::Added),
            removed: count(Change::Removed),
            changed: count(Change::Changed),
            guides: &guides,
        });
    }
    let mut text = format!(
        "바뀐 가이드: 추가 {}개, 삭제 {}개, 변경 {}개\n",
        count(Change::Added),
        count(Change::Removed),
        count(Change::Changed)
    );
    for guide in &guides {
        let word = match guide.change {
            Change::Added => "추가",
            Change::Removed => "삭제",
            Change::Changed => "변경",
        };
        let _ = writeln!(text, "[{word}] {} ({})", guide.title, guide.id);
        for sentence in &guide.sentences {
            let one = |t: &Option<String>| t.as_deref().unwrap_or("").replace('\n', " ");
            match (&sentence.before, &sentence.after) {
                (Some(_), Some(_)) => {
                    let _ = writeln!(
                        text,
                        "  ~ {}: \"{}\"",
                        sentence.place,
                        one(&sentence.before)
                    );
                    let _ = writeln!(text, "    → \"{}\"", one(&sentence.after));
                }
                (Some(_), None) => {
                    let _ = writeln!(
                        text,
                        "  - {}: \"{}\"",
                        sentence.place,
                        one(&sentence.before)
                    );
                }
                (None, _) => {
                    let _ = writeln!(text, "  + {}: \"{}\"", sentence.place, one(&sentence.after));
                }
            }
        }
    }
    io.print(&text);
    Ok(())
}
