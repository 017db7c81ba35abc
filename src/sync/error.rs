//! Why a sync stopped, in the agent's words, by its real cause: bad input, credentials the
//! help centre refuses, a server that fails or cannot be reached, a page that is not what the
//! API sends, a folder that cannot be written. No message ever holds a credential: requests
//! are named by their path, never by their headers.

/// What kind of problem stopped the sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The command's input: the address, the locale, the environment, the folder's state.
    Input,
    /// The help centre refused the credentials (401, 403).
    Credentials,
    /// The server answered with an error, or kept failing after every retry.
    Server,
    /// The server could not be reached (refused, not found, timed out, reset).
    Network,
    /// A page that is not what the API sends (not JSON, no list where one belongs).
    Malformed,
    /// The content folder (or its sync state) could not be read or written.
    Folder,
}

/// A sync that stopped: nothing of it reached the content folder's guides.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct SyncError {
    pub kind: ErrorKind,
    pub message: String,
    /// What was received is kept in the folder's sync state, and the next run goes on from
    /// there instead of asking for it again.
    pub resumable: bool,
}

impl SyncError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            resumable: false,
        }
    }

    pub fn input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Input, message)
    }

    pub fn folder(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Folder, message)
    }

    /// The same problem, worth running again: what was received stays for the next run.
    #[must_use]
    pub fn resumable(mut self) -> Self {
        self.resumable = true;
        self
    }
}

impl From<crate::files::WriteError> for SyncError {
    fn from(error: crate::files::WriteError) -> Self {
        Self::folder(error.to_string())
    }
}
