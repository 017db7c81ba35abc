//! The settings file under the flags: read once per run, its content folder used where
//! `--content` is not given, its team URL where neither `--team` nor the environment names
//! one, its theme where `--theme` is not, its keys merged over the
//! key table's defaults. A file that is wrong stops the run with its line (exit 2): keys
//! that silently did something else would be worse.

use super::{GlobalArgs, UserError};
use crate::config::{self, Config, ThemeChoice};

/// What the settings decide for this run.
pub struct Settings {
    pub theme: ThemeChoice,
    pub config: Config,
}

/// Reads the settings file (where `SUPPORT_CONSOLE_CONFIG` names one, else the user's) and
/// fills in what the flags left out.
pub fn read(global: &mut GlobalArgs) -> Result<Settings, UserError> {
    let path = std::env::var_os("SUPPORT_CONSOLE_CONFIG")
        .filter(|p| !p.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(config::default_path);
    let config = match path {
        Some(path) => config::load(&path).map_err(UserError)?,
        None => Config::default(),
    };
    if global.content.is_none() {
        global.content.clone_from(&config.content);
    }
    // The file's team URL is the last resort: `--team`, then `SUPPORT_CONSOLE_TEAM` (clap
    // has read both into `global.team`), then the file.
    if global.team.is_none() {
        global.team.clone_from(&config.team);
    }
    let theme = match &global.theme {
        Some(flag) => flag.parse().map_err(UserError)?,
        None => config.theme.unwrap_or_default(),
    };
    Ok(Settings { theme, config })
}

impl Settings {
    /// Puts the file's keys in force (the console only: the commands take no keys).
    pub fn install_keys(&self) -> Result<(), UserError> {
        let overrides: Vec<(String, Vec<String>)> = self
            .config
            .keys
            .iter()
            .map(|(name, keys)| {
                (
                    name.clone(),
                    keys.list().into_iter().map(str::to_owned).collect(),
                )
            })
            .collect();
        crate::tui::keymap::install(&overrides).map_err(|why| {
            let file = self
                .config
                .path
                .as_deref()
                .map(crate::text::path)
                .unwrap_or_default();
            UserError(format!("설정 파일 {file}: {why}"))
        })
    }
}
