//! The console.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};

use crate::content::Content;

pub fn run(
    _content: Content,
    _now: Option<DateTime<FixedOffset>>,
    _history: Option<PathBuf>,
) -> std::io::Result<()> {
    println!(
        "support-console: the interactive console is not built yet; see `support-console --help`."
    );
    Ok(())
}
