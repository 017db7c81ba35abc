//! The shapes of the command line's JSON output, one struct per answer, so that a field is
//! named once, typed, and documented where scripts' authors look for it (`docs/cli.md`).
//! The importer's report has its own structs in `import.rs`.

use serde::Serialize;

use crate::content::ContentError;
use crate::sms::{CharAt, MessageKind};

/// `content check --json` on sound content.
#[derive(Serialize)]
pub struct ContentSound<'a> {
    pub ok: bool,
    pub guides: usize,
    pub qa: usize,
    pub rules: usize,
    /// Rules the importer proposed that nobody has reviewed yet: they never answer.
    pub draft_rules: Vec<DraftRule<'a>>,
    pub sms_templates: usize,
    pub version: &'a str,
}

#[derive(Serialize)]
pub struct DraftRule<'a> {
    pub guide_id: &'a str,
    pub rule_id: &'a str,
    pub summary: String,
    pub sources: &'a [String],
}

/// `content check --json` on content with problems: every one, placed.
#[derive(Serialize)]
pub struct ContentFaulty<'a> {
    pub ok: bool,
    #[serde(serialize_with = "problems")]
    pub errors: &'a [ContentError],
}

/// A content problem as JSON: `{file, line, column, path, message}`.
fn problems<S: serde::Serializer>(errors: &&[ContentError], out: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Problem<'a> {
        file: &'a str,
        line: Option<usize>,
        column: Option<usize>,
        path: Option<&'a str>,
        message: &'a str,
    }
    out.collect_seq(errors.iter().map(|e| Problem {
        file: &e.file,
        line: e.line,
        column: e.column,
        path: e.path.as_deref(),
        message: &e.message,
    }))
}

/// `content export --json`: the files written.
#[derive(Serialize)]
pub struct Written<'a> {
    pub written: &'a [String],
}

/// One hit of `search --json`, best first.
#[derive(Serialize)]
pub struct SearchHit<'a> {
    pub guide_id: Option<&'a str>,
    pub guide: Option<&'a str>,
    pub kind: &'static str,
    pub id: &'a str,
    pub title: &'a str,
    pub text: std::borrow::Cow<'a, str>,
    pub score: i64,
    /// Character ranges of `text` that matched, `[start, end)`.
    pub ranges: Vec<[usize; 2]>,
    /// How it matched: empty for a plain match; else `initials`, `keyboard`, `misspelling`,
    /// `synonym`, `word_order`, `partial` (the ranked tier).
    pub matched_by: Vec<&'static str>,
    /// Every guide holding this same text, its own first.
    pub guides: Vec<GuideName<'a>>,
}

#[derive(Serialize)]
pub struct GuideName<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

/// `search QUERY --keystrokes --json`: the query typed one character at a time.
#[derive(Serialize)]
pub struct TypedQuery<'a> {
    pub load_ms: f64,
    pub index_ms: f64,
    /// `stored`: read from the cache; `built`: from the content files (and stored for the
    /// next time); `embedded`: the built-in guide, never stored.
    pub index: &'static str,
    pub documents: usize,
    pub keystrokes: Vec<Keystroke<'a>>,
    pub median_ms: f64,
    pub p90_ms: f64,
    pub worst_ms: f64,
}

#[derive(Serialize)]
pub struct Keystroke<'a> {
    pub query: &'a str,
    pub ms: f64,
    pub hits: usize,
}

/// `sms ID --json` or `sms --text TEXT --json`: the message as it would be sent.
#[derive(Serialize)]
pub struct SmsRendered<'a> {
    pub id: Option<&'a str>,
    pub title: Option<&'a str>,
    pub text: &'a str,
    /// EUC-KR (CP949) bytes, as carriers count them.
    pub bytes: usize,
    pub kind: MessageKind,
    pub unencodable: &'a [CharAt],
    pub risky: &'a [CharAt],
    pub missing: &'a [String],
    pub unknown: &'a [String],
    pub sendable: bool,
}

/// One entry of `sms --json` (the template list).
#[derive(Serialize)]
pub struct SmsTemplate<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub guide_id: &'a str,
    pub audience: &'a Option<String>,
    pub variables: Vec<SmsVariable<'a>>,
    pub bytes: usize,
    pub kind: MessageKind,
}

#[derive(Serialize)]
pub struct SmsVariable<'a> {
    pub name: &'a str,
    pub label: &'a str,
    pub example: &'a Option<String>,
    pub required: bool,
}

/// `history purge --json`.
#[derive(Serialize)]
pub struct Purged {
    pub removed: usize,
    /// RFC 3339, KST.
    pub before: String,
}

/// `history export --json`.
#[derive(Serialize)]
pub struct Exported {
    pub written: usize,
    pub out: String,
}
