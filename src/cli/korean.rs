//! The command line speaks Korean: clap's errors through a formatter of our own
//! ([`Korean`]), its help and usage through templates, headings and the few words clap
//! writes by itself ([`localize`], [`clap_words`]). Each argument's own help is Korean where
//! it is declared.

use std::error::Error as _;
use std::fmt::Write as _;

use clap::builder::StyledStr;
use clap::error::{ContextKind, ContextValue, ErrorFormatter, ErrorKind};
use clap::{Arg, ArgAction, Command};

use crate::josa::{Particle, attach};

/// clap's errors in Korean: what went wrong, with the argument and value named, what was
/// perhaps meant, and the usage.
pub struct Korean;

impl ErrorFormatter for Korean {
    fn format_error(error: &clap::error::Error<Self>) -> StyledStr {
        let mut out = String::from("오류: ");
        out.push_str(&message(error));
        let suggestions = [
            (ContextKind::SuggestedSubcommand, "이 명령"),
            (ContextKind::SuggestedArg, "이 옵션"),
            (ContextKind::SuggestedValue, "이 값"),
        ];
        for (kind, what) in suggestions {
            if let Some(value) = error.get(kind) {
                let _ = write!(out, "\n\n  혹시 {what}인가요? {}", listed(value));
            }
        }
        if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
            let _ = write!(out, "\n\n{}", clap_words(&usage.to_string()));
        }
        out.push_str("\n\n도움말: --help\n");
        StyledStr::from(out)
    }
}

fn string(error: &clap::error::Error<Korean>, kind: ContextKind) -> Option<String> {
    error.get(kind).map(listed)
}

/// A context value as the message names it: 'a', 'b'.
fn listed(value: &ContextValue) -> String {
    match value {
        ContextValue::String(text) => format!("'{text}'"),
        ContextValue::Strings(list) => list
            .iter()
            .map(|text| format!("'{text}'"))
            .collect::<Vec<_>>()
            .join(", "),
        ContextValue::StyledStrs(list) => list
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        ContextValue::Number(n) => n.to_string(),
        other => other.to_string(),
    }
}

/// What went wrong, in one sentence.
fn message(error: &clap::error::Error<Korean>) -> String {
    let arg = string(error, ContextKind::InvalidArg).unwrap_or_default();
    let value = string(error, ContextKind::InvalidValue).unwrap_or_default();
    let subcommand = string(error, ContextKind::InvalidSubcommand).unwrap_or_default();
    let valid = |kind| {
        string(error, kind)
            .map(|list| format!(" (쓸 수 있는 값: {list})"))
            .unwrap_or_default()
    };
    match error.kind() {
        ErrorKind::UnknownArgument => format!("알 수 없는 옵션입니다: {arg}"),
        ErrorKind::InvalidSubcommand => format!("알 수 없는 하위 명령입니다: {subcommand}"),
        ErrorKind::InvalidValue if value == "''" => {
            format!("{} 값이 있어야 합니다", attach(&arg, Particle::EunNeun))
        }
        ErrorKind::InvalidValue => format!(
            "{arg}에 {} 쓸 수 없습니다{}",
            attach(&value, Particle::EulReul),
            valid(ContextKind::ValidValue)
        ),
        ErrorKind::ValueValidation => {
            let why = error
                .source()
                .map(|source| format!(": {source}"))
                .unwrap_or_default();
            format!(
                "{arg}의 값 {} 쓸 수 없습니다{why}",
                attach(&value, Particle::EulReul)
            )
        }
        ErrorKind::MissingRequiredArgument => format!("꼭 있어야 할 인자가 빠졌습니다: {arg}"),
        ErrorKind::MissingSubcommand => format!(
            "{} 하위 명령과 함께 써야 합니다{}",
            attach(&subcommand, Particle::EunNeun),
            valid(ContextKind::ValidSubcommand)
        ),
        ErrorKind::ArgumentConflict => {
            let prior = string(error, ContextKind::PriorArg);
            match prior {
                Some(prior) if prior == arg => format!("{arg} 옵션은 한 번만 쓸 수 있습니다"),
                Some(prior) => format!(
                    "{} {} 함께 쓸 수 없습니다",
                    attach(&arg, Particle::EunNeun),
                    attach(&prior, Particle::GwaWa)
                ),
                None => format!(
                    "{} 다른 옵션과 함께 쓸 수 없습니다",
                    attach(&arg, Particle::EunNeun)
                ),
            }
        }
        ErrorKind::NoEquals => format!("{arg}에는 = 로 값을 붙여 써야 합니다"),
        ErrorKind::TooManyValues => {
            format!("{arg}에 값이 너무 많습니다 (더 받지 않는 값: {value})")
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("{arg}의 값 개수가 맞지 않습니다")
        }
        ErrorKind::InvalidUtf8 => "인자에 UTF-8이 아닌 글자가 있습니다".to_owned(),
        _ => error.source().map_or_else(
            || "명령을 이해하지 못했습니다".to_owned(),
            ToString::to_string,
        ),
    }
}

/// clap's own English words in help and usage, in Korean.
pub fn clap_words(text: &str) -> String {
    const WORDS: [(&str, &str); 12] = [
        ("Usage:", "사용법:"),
        ("[OPTIONS]", "[옵션]"),
        ("<COMMAND>", "<명령>"),
        ("[COMMAND]", "[명령]"),
        ("Options:", "옵션:"),
        ("Commands:", "명령:"),
        ("Arguments:", "인자:"),
        ("[default: ", "[기본: "),
        ("[possible values: ", "[쓸 수 있는 값: "),
        ("[aliases: ", "[다른 이름: "),
        ("error: ", "오류: "),
        ("For more information, try '--help'.", "도움말: --help"),
    ];
    WORDS
        .iter()
        .fold(text.to_owned(), |text, (english, korean)| {
            text.replace(english, korean)
        })
}

/// The command tree with Korean headings, help and version flags, and no English `help`
/// subcommand (`--help` on any command says the same).
pub fn localize(command: Command) -> Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    let mut command = command
        .help_template("{about-with-newline}\n사용법: {usage}\n\n{all-args}{after-help}")
        .subcommand_help_heading("명령")
        .subcommand_value_name("명령")
        .disable_help_subcommand(true)
        .disable_help_flag(true)
        .arg(
            Arg::new("help")
                .short('h')
                .long("help")
                .action(ArgAction::Help)
                .help("도움말을 봅니다"),
        )
        .mut_args(|arg| {
            if arg.is_positional() {
                arg.help_heading("인자")
            } else {
                arg.help_heading("옵션")
            }
        });
    if command.get_version().is_some() {
        command = command.disable_version_flag(true).arg(
            Arg::new("version")
                .short('V')
                .long("version")
                .action(ArgAction::Version)
                .help("버전을 봅니다"),
        );
    }
    for name in names {
        command = command.mut_subcommand(name, localize);
    }
    command
}

/// A parse error of clap's, to be said in Korean.
pub fn korean(error: clap::Error) -> clap::error::Error<Korean> {
    error.apply::<Korean>()
}

/// The text of a parse error or of help: Korean, clap's leftovers translated.
pub fn render(error: &clap::error::Error<Korean>) -> String {
    clap_words(&error.render().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::Cli;

    /// What the command line says on stderr to `args` (it must refuse them).
    fn error(args: &[&str]) -> String {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = crate::cli::run_with(
            args.iter().copied(),
            &mut crate::cli::Streams {
                out: &mut out,
                err: &mut err,
            },
        );
        assert_eq!(code, 2, "{args:?}");
        String::from_utf8_lossy(&err).into_owned() + &String::from_utf8_lossy(&out)
    }

    fn has_no_english_sentence(text: &str) {
        for english in [
            "error:",
            "Usage",
            "unexpected",
            "argument",
            "Print",
            "Options",
            "required",
            "invalid",
            "found",
            "tip:",
        ] {
            assert!(!text.contains(english), "{english} in {text}");
        }
    }

    #[test]
    fn parse_errors_are_korean() {
        for args in [
            &["support-console", "--bogus"][..],
            &["support-console", "serch"],
            &["support-console", "check", "--member", "old"],
            &["support-console", "search", "x", "--limit", "0"],
            &["support-console", "history", "purge"],
            &["support-console", "sms", "x", "--text", "y"],
        ] {
            let text = error(args);
            assert!(text.starts_with("오류: "), "{text}");
            has_no_english_sentence(&text);
        }
        assert!(
            error(&["support-console", "--bogus"]).contains("알 수 없는 옵션입니다: '--bogus'")
        );
        // A command that needs a subcommand shows its (Korean) help instead.
        has_no_english_sentence(&error(&["support-console", "content"]));
    }

    #[test]
    fn help_is_korean_on_every_command() {
        let root = localize(<Cli as clap::CommandFactory>::command());
        let mut commands = vec![(String::from("support-console"), root)];
        while let Some((path, command)) = commands.pop() {
            let help = clap_words(&command.clone().render_help().to_string());
            assert!(help.contains("사용법:"), "{path}: {help}");
            has_no_english_sentence(&help);
            for arg in command.get_arguments() {
                let said = arg.get_help().map(ToString::to_string).unwrap_or_default();
                assert!(
                    said.chars().any(crate::hangul::is_syllable),
                    "{path} {}: help {said:?} is not Korean",
                    arg.get_id()
                );
            }
            for sub in command.get_subcommands() {
                commands.push((format!("{path} {}", sub.get_name()), sub.clone()));
            }
        }
    }
}
