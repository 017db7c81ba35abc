//! support-console: a terminal console for Korean taxi-driver support agents.
//!
//! The domain modules (`content`, `search`, `rules`, `sms`) know nothing of the terminal;
//! the console (`tui`) and the command line (`cli`) are two faces of the same core.

pub mod cli;
pub mod clock;
pub mod content;
mod parallel;
pub mod rules;
pub mod search;
pub mod sms;
pub mod text;
pub mod tui;
