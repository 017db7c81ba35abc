//! The log holds what drivers said and what was sent to them: its files are the agent's
//! alone. The database, its WAL and shared-memory files and every export are created
//! owner-only (0600), a folder made for them 0700; an existing log of ours readable by others
//! is tightened when opened (its group and other bits cleared, no bit ever added: a log made
//! read-only stays so), and the console says so. Files that are not ours are never touched.

use std::fs::{self, OpenOptions};
use std::io;
use std::path::{Path, PathBuf};

/// Owner read and write, nobody else.
pub const FILE_MODE: u32 = 0o600;
/// Owner only, for a folder the log creates.
pub const DIR_MODE: u32 = 0o700;

/// Creates the folders down to `dir` that do not exist yet, each owner-only. Folders that
/// exist are left as they are (a log may live in a shared folder the agent does not own).
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    if let Some(parent) = dir.parent() {
        create_private_dir(parent)?;
    }
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        builder.mode(DIR_MODE);
    }
    match builder.create(dir) {
        Err(err) if err.kind() != io::ErrorKind::AlreadyExists => Err(err),
        _ => Ok(()),
    }
}

/// Creates `path` empty and owner-only if it does not exist (before SQLite opens it, so it
/// never exists with the umask's wider mode).
pub fn create_private_file(path: &Path) -> io::Result<()> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(FILE_MODE);
    }
    match options.open(path) {
        Err(err) if err.kind() != io::ErrorKind::AlreadyExists => Err(err),
        _ => Ok(()),
    }
}

/// Makes each existing file of the log owner-only by clearing its group and other bits;
/// returns those that were wider, with the mode they had. Call it only on a log known to be
/// ours, opened for writing.
pub fn tighten(database: &Path) -> io::Result<Vec<(PathBuf, u32)>> {
    let mut tightened = Vec::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        for path in log_files(database) {
            let Ok(meta) = fs::metadata(&path) else {
                continue;
            };
            let mode = meta.permissions().mode() & 0o777;
            if mode & 0o077 != 0 {
                fs::set_permissions(&path, fs::Permissions::from_mode(mode & 0o700))?;
                tightened.push((path, mode));
            }
        }
    }
    #[cfg(not(unix))]
    let _ = database;
    Ok(tightened)
}

/// The database and the files SQLite keeps beside it.
pub fn log_files(database: &Path) -> Vec<PathBuf> {
    let name = database.as_os_str();
    ["", "-wal", "-shm", "-journal"]
        .iter()
        .map(|suffix| {
            let mut path = name.to_owned();
            path.push(suffix);
            PathBuf::from(path)
        })
        .collect()
}

/// Writes `bytes` to `path` owner-only (from the moment it exists), whole or not at all.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), crate::files::WriteError> {
    crate::files::write_atomic_as(path, crate::files::Options::OWNER_ONLY, bytes)
}
