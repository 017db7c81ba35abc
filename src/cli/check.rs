//! `check`: what a guide's rules answer for a driver at an instant. Its flags beyond `--at`,
//! `--guide` and `--input` are the guide's declared inputs (`--rating`, `--member`, …, or a
//! help centre's own such as `--수락률`): the command line is built from the content before
//! it is parsed, so `check --help` lists them and a mistyped one is refused by name.

use std::ffi::OsString;

use clap::{Arg, ArgAction, ArgMatches, Args};

use super::{GlobalArgs, Streams, UserError, load_content};
use crate::clock;
use crate::content::{Content, ContentErrors, Guide, InputKind, RuleInput};
use crate::rules::{self, Policy, Query, inputs};

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The instant to answer for (default: now).
    #[arg(
        long,
        value_name = "RFC3339",
        value_parser = super::ranges::instant,
        help = "판단할 시각 (기본: 지금)"
    )]
    pub at: Option<chrono::DateTime<chrono::FixedOffset>>,
    /// Which guide's rules (default: the first guide with reviewed rules that reads the
    /// inputs given).
    #[arg(
        long,
        value_name = "ID",
        help = "어느 가이드의 규정인지 (기본: 준 입력을 읽는, 검토된 규정이 있는 첫 가이드)"
    )]
    pub guide: Option<String>,
    /// A value for the conditions on one metric, e.g. 수락률=82 (any guide). The guide's
    /// input flags do not apply beside it: given together, clap refuses rather than one of
    /// them being silently ignored.
    #[arg(
        long,
        value_name = "NAME=VALUE",
        help = "한 측정 항목의 기준 규정을 모두 봅니다 (예: 수락률=82, 평점=4.1); 어느 가이드든"
    )]
    pub input: Option<String>,
    /// The declared inputs given on the command line: (flag, text).
    #[arg(skip)]
    pub given: Vec<(String, String)>,
    /// The content, when it was loaded to build the command line.
    #[arg(skip)]
    pub loaded: Loaded,
}

/// Content loaded once, to declare the flags and to answer.
#[derive(Default)]
pub struct Loaded(pub Option<Box<Content>>);

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Loaded(content)"
        } else {
            "Loaded(none)"
        })
    }
}

/// The id clap knows a declared input's flag by.
fn arg_id(input: &RuleInput) -> String {
    format!("input:{}", input.flag)
}

/// What the command line names before it is parsed: whether it runs `check`, and the
/// content folder and guide it asks about. Values of the global options are skipped so
/// that a folder called `check` is not taken for the command.
struct Scanned {
    check: bool,
    content: Option<OsString>,
    guide: Option<String>,
}

fn scan(args: &[OsString]) -> Scanned {
    let mut scanned = Scanned {
        check: false,
        content: None,
        guide: None,
    };
    let mut command_seen = false;
    let mut tokens = args.iter().skip(1);
    while let Some(token) = tokens.next() {
        let text = token.to_string_lossy();
        if text == "--" {
            break;
        }
        let takes_value = |name: &str| text == format!("--{name}");
        if let Some(dir) = text.strip_prefix("--content=") {
            scanned.content = Some(OsString::from(dir));
        } else if takes_value("content") {
            scanned.content = tokens.next().cloned();
        } else if let Some(id) = text.strip_prefix("--guide=") {
            scanned.guide = Some(id.to_owned());
        } else if takes_value("guide") {
            scanned.guide = tokens.next().map(|t| t.to_string_lossy().into_owned());
        } else if ["now", "history", "retention-days"]
            .iter()
            .any(|n| takes_value(n))
        {
            tokens.next();
        } else if !text.starts_with('-') && !command_seen {
            command_seen = true;
            scanned.check = text == "check";
        }
    }
    scanned
}

/// The inputs `check` takes as flags: those of the guide asked about, else of every guide
/// with reviewed rules (each flag once, the first guide's).
fn declared(content: &Content, guide: Option<&str>) -> Vec<RuleInput> {
    let mut found: Vec<RuleInput> = Vec::new();
    let guides: Vec<&Guide> = match guide.and_then(|id| content.guide_by_id(id)) {
        Some(guide) => vec![guide],
        None => content.guides().collect(),
    };
    for guide in guides {
        for input in inputs::used(guide) {
            if !found.iter().any(|f| f.flag == input.flag) {
                found.push(input.clone());
            }
        }
    }
    found
}

/// The clap argument for a declared input.
fn arg(input: &RuleInput) -> Arg {
    let arg = Arg::new(arg_id(input))
        .long(input.flag.clone())
        .help(inputs::help(input))
        .conflicts_with("input");
    match input.kind {
        InputKind::YesNo => arg.action(ArgAction::SetTrue),
        InputKind::Choice => {
            let values: Vec<String> = input.options.iter().map(|o| o.value.clone()).collect();
            let arg = arg
                .value_name(inputs::value_name(input))
                .value_parser(clap::builder::PossibleValuesParser::new(values));
            match input.options.first() {
                Some(first) => arg.default_value(first.value.clone()),
                None => arg,
            }
        }
        InputKind::Metric | InputKind::Date => arg
            .value_name(inputs::value_name(input))
            .allow_hyphen_values(true),
    }
}

/// The command line for the arguments given, the inputs it declared as flags of `check`,
/// and the content it read to declare them.
pub type Built = (clap::Command, Vec<RuleInput>, Option<Box<Content>>);

/// The command line, with the declared inputs of the content asked about as flags of
/// `check`; the content comes back loaded so that `check` does not read it twice.
pub fn command(
    args: &[OsString],
    base: clap::Command,
    global: impl Fn(Option<&std::path::Path>) -> Result<Content, ContentErrors>,
) -> Result<Built, ContentErrors> {
    let scanned = scan(args);
    if !scanned.check {
        return Ok((base, Vec::new(), None));
    }
    let content = global(scanned.content.as_deref().map(std::path::Path::new))?;
    let declared = declared(&content, scanned.guide.as_deref());
    let command = base.mut_subcommand("check", |check| {
        declared
            .iter()
            .fold(check, |check, input| check.arg(arg(input)))
    });
    Ok((command, declared, Some(Box::new(content))))
}

/// The declared inputs given on the command line, as (flag, text).
pub fn given(matches: &ArgMatches, declared: &[RuleInput]) -> Vec<(String, String)> {
    let Some(check) = matches.subcommand_matches("check") else {
        return Vec::new();
    };
    declared
        .iter()
        .filter_map(|input| {
            let id = arg_id(input);
            let text = match input.kind {
                InputKind::YesNo => check.get_flag(&id).then(String::new)?,
                _ => check.get_one::<String>(&id)?.clone(),
            };
            Some((input.flag.clone(), text))
        })
        .collect()
}

pub fn run(io: &mut Streams<'_>, global: &GlobalArgs, args: CheckArgs) -> Result<(), UserError> {
    let at = args.at.or(global.now).unwrap_or_else(clock::now_kst);
    let content = match args.loaded.0 {
        Some(content) => *content,
        None => load_content(global)?,
    };
    if let Some(input) = &args.input {
        return check_input(io, global, &content, args.guide.as_deref(), input, &at);
    }
    let reads_given = |guide: &Guide| {
        args.given
            .iter()
            .all(|(flag, _)| inputs::used(guide).iter().any(|i| &i.flag == flag))
    };
    let guide = match &args.guide {
        Some(id) => find_guide(&content, id)?,
        None => content
            .guides()
            .find(|g| g.rules.iter().any(|r| !r.is_draft()) && reads_given(g))
            .or_else(|| content.guides().find(|g| !g.rules.is_empty()))
            .ok_or_else(|| UserError("콘텐츠에 규정이 있는 가이드가 없습니다".into()))?,
    };
    let mut texts: Vec<(&str, &str)> = Vec::new();
    for (flag, text) in &args.given {
        match guide.inputs.iter().find(|input| &input.flag == flag) {
            Some(input) => texts.push((input.id.as_str(), text.as_str())),
            None => {
                return Err(UserError(format!(
                    "--{flag}: 가이드 \"{}\"의 규정은 이 값을 읽지 않습니다",
                    guide.id
                )));
            }
        }
    }
    let values = rules::parse_values(guide, texts)
        .map_err(|(flag, err)| UserError(format!("--{flag}: {err}")))?;
    let query = Query { at, values };
    let verdict = Policy::of(&content, guide).evaluate(&query);
    if global.json {
        io.print_json(&verdict)
    } else {
        io.print(&(rules::verdict_lines(&verdict, &query).join("\n") + "\n"));
        Ok(())
    }
}

/// A guide by its id, or a message listing the ids there are.
pub fn find_guide<'a>(content: &'a Content, id: &str) -> Result<&'a Guide, UserError> {
    content.guide_by_id(id).ok_or_else(|| {
        let ids: Vec<&str> = content.guides().map(|g| g.id.as_str()).take(20).collect();
        UserError(format!(
            "--guide: id가 \"{id}\"인 가이드가 없습니다 (있는 가이드: {}{})",
            ids.join(", "),
            if content.guide_count() > ids.len() {
                " …"
            } else {
                ""
            }
        ))
    })
}

/// `check --input NAME=VALUE`: every reviewed condition on NAME, at the instant.
fn check_input(
    io: &mut Streams<'_>,
    global: &GlobalArgs,
    content: &Content,
    guide: Option<&str>,
    input: &str,
    at: &chrono::DateTime<chrono::FixedOffset>,
) -> Result<(), UserError> {
    use crate::rules::threshold;
    let (name, value) = input
        .split_once('=')
        .map(|(n, v)| (n.trim(), v.trim()))
        .filter(|(n, _)| !n.is_empty())
        .ok_or_else(|| {
            UserError(format!(
                "--input: \"{input}\"는 NAME=VALUE 꼴이 아닙니다 (예: 수락률=82)"
            ))
        })?;
    let guide = match guide {
        Some(id) => find_guide(content, id)?,
        None => content
            .guides()
            .find(|g| threshold::asked(g, name).is_ok())
            .ok_or_else(|| {
                UserError(format!(
                    "--input: \"{name}\"을 입력으로 받는 검토된 규정이 있는 가이드가 없습니다 (--guide로 가이드를 정하세요)"
                ))
            })?,
    };
    let asked = threshold::asked(guide, name).map_err(|e| UserError(format!("--input: {e}")))?;
    let value = threshold::parse_value(asked.unit, name, value)
        .map_err(|e| UserError(format!("--input: {e}")))?;
    let verdict = threshold::evaluate(content, guide, &asked, value, at);
    if global.json {
        io.print_json(&verdict)
    } else {
        io.print(&(verdict.lines(guide, asked.unit, at).join("\n") + "\n"));
        Ok(())
    }
}
