//! The user's settings file, `$XDG_CONFIG_HOME/support-console/config.toml` (or
//! `~/.config/support-console/config.toml`): the theme, key overrides merged over the
//! defaults (as gitui and yazi do), the content folder to open without `--content`, and
//! the team's URL. Everything is optional; a missing file is no settings. A file that
//! cannot be read or understood is refused with its path, line and what is wrong, in
//! Korean: a typo must not silently change what an agent's keys do.
//!
//! ```toml
//! theme = "auto"        # dark, light, or auto (asked of the terminal)
//! content = "/srv/helpcentre"
//! team = "postgres://console@db.example/support"
//!
//! [keys]
//! down = ["j", "Down", "C-n"]
//! quit = "C-q"
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Which palette the console uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ThemeChoice {
    Dark,
    Light,
    /// From the terminal's background, where it can be asked (else dark).
    #[default]
    Auto,
}

impl std::str::FromStr for ThemeChoice {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim() {
            "dark" => Ok(Self::Dark),
            "light" => Ok(Self::Light),
            "auto" => Ok(Self::Auto),
            other => Err(format!(
                "테마는 dark, light, auto 중 하나여야 합니다 (받은 값: \"{}\")",
                crate::text::visible_line(other)
            )),
        }
    }
}

/// One key or several.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum Keys {
    One(String),
    Many(Vec<String>),
}

impl Keys {
    pub fn list(&self) -> Vec<&str> {
        match self {
            Keys::One(key) => vec![key.as_str()],
            Keys::Many(keys) => keys.iter().map(String::as_str).collect(),
        }
    }
}

/// The settings, as the file gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub theme: Option<ThemeChoice>,
    /// The content folder opened without `--content`.
    pub content: Option<PathBuf>,
    /// The team's database (issue 24), below `--team` and `SUPPORT_CONSOLE_TEAM`.
    pub team: Option<String>,
    /// Action name → its keys, replacing the default keys of that action.
    #[serde(default)]
    pub keys: BTreeMap<String, Keys>,
    /// Where it was read from, for messages.
    #[serde(skip)]
    pub path: Option<PathBuf>,
}

/// Where the settings file is: under `$XDG_CONFIG_HOME` when it is an absolute path, else
/// under `~/.config`.
pub fn default_path() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|dir| dir.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|home| !home.is_empty())
                .map(|home| PathBuf::from(home).join(".config"))
        })?;
    Some(base.join("support-console").join("config.toml"))
}

/// Reads the settings at `path`: none when the file does not exist, else the file's
/// settings or what is wrong with it (in Korean, with the path and line).
pub fn load(path: &Path) -> Result<Config, String> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(err) => {
            return Err(format!(
                "설정 파일을 읽을 수 없습니다: {}: {}",
                crate::text::path(path),
                crate::text::io_reason(&err)
            ));
        }
    };
    let mut config = parse(&text).map_err(|why| {
        format!(
            "설정 파일이 올바르지 않습니다: {}:{why}",
            crate::text::path(path)
        )
    })?;
    config.path = Some(path.to_owned());
    Ok(config)
}

/// The settings in `text`, or where and what is wrong ("3: …").
pub fn parse(text: &str) -> Result<Config, String> {
    toml::from_str(text).map_err(|err| {
        // An unknown field is reported over its whole table: its own line is found.
        let unknown = err
            .message()
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next())
            .and_then(|field| {
                text.lines().position(|line| {
                    line.trim_start()
                        .strip_prefix(field)
                        .is_some_and(|rest| rest.trim_start().starts_with('='))
                })
            })
            .map(|index| index + 1);
        let line = unknown.or_else(|| {
            err.span()
                .map(|span| text[..span.start.min(text.len())].lines().count().max(1))
        });
        let what = korean_toml_message(err.message());
        match line {
            Some(line) => format!("{line}: {what}"),
            None => format!(" {what}"),
        }
    })
}

/// The TOML reader's message, in Korean where it is one of the usual ones.
fn korean_toml_message(message: &str) -> String {
    let message = message.trim();
    if let Some(field) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    {
        return format!("모르는 항목 \"{field}\" (쓸 수 있는 것: theme, content, team, [keys])");
    }
    if message.starts_with("unknown variant") {
        return "theme은 \"dark\", \"light\", \"auto\" 중 하나여야 합니다".to_owned();
    }
    if message.starts_with("invalid type") {
        return format!("값의 형식이 맞지 않습니다 ({message})");
    }
    format!("TOML로 읽을 수 없습니다 ({message})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_whole_file_is_read_and_a_wrong_one_is_refused_with_its_line() {
        let config = parse(
            "theme = \"light\"\ncontent = \"/srv/hc\"\nteam = \"postgres://x\"\n\n[keys]\ndown = [\"j\", \"C-n\"]\nquit = \"C-q\"\n",
        )
        .expect("settings");
        assert_eq!(config.theme, Some(ThemeChoice::Light));
        assert_eq!(config.content, Some(PathBuf::from("/srv/hc")));
        assert_eq!(config.team.as_deref(), Some("postgres://x"));
        assert_eq!(config.keys["down"].list(), ["j", "C-n"]);
        assert_eq!(config.keys["quit"].list(), ["C-q"]);
        assert_eq!(parse("").expect("empty"), Config::default());
        let wrong = parse("theme = \"light\"\ncolour = 1\n").expect_err("unknown field");
        assert!(wrong.starts_with("2: 모르는 항목 \"colour\""), "{wrong}");
        let wrong = parse("theme = \"pink\"\n").expect_err("unknown theme");
        assert!(wrong.contains("dark"), "{wrong}");
        assert!(parse("theme = ").is_err());
    }

    #[test]
    fn a_missing_file_is_no_settings() {
        let dir = tempfile::tempdir().expect("temporary folder");
        assert_eq!(
            load(&dir.path().join("config.toml")).expect("none"),
            Config::default()
        );
        std::fs::write(dir.path().join("config.toml"), "theme = 3").expect("write");
        let wrong = load(&dir.path().join("config.toml")).expect_err("wrong");
        assert!(
            wrong.starts_with("설정 파일이 올바르지 않습니다: "),
            "{wrong}"
        );
    }
}
