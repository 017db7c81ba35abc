//! Writing files and folders whole or not at all.
//!
//! A file is written into a temporary file in the target's own folder (so the final rename
//! never crosses a file system), synced, then renamed over the target: a reader sees the old
//! file or the new one, never half of one, and a full disk leaves the old file.
//!
//! A folder is built as a staging folder next to the target and renamed into place whole: a
//! failure at any point leaves the previous folder as it was. Staging and retired folders
//! that an ended process left behind are cleaned up (or, when the previous folder itself is
//! the one left aside, put back) before the next swap.
//!
//! A path that holds something other than a regular file (a folder, a FIFO, a device) is
//! refused by name: renaming over it would fail or hang a reader, and replacing it silently
//! would lose what was there.

use std::ffi::OsString;
use std::fmt;
use std::fs::{self, File};
use std::io::{self, Write as _};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What went wrong writing, and where.
#[derive(Debug)]
pub struct WriteError {
    pub path: PathBuf,
    pub problem: Problem,
}

#[derive(Debug)]
pub enum Problem {
    /// Something other than a regular file is where a file goes (what it is, in words).
    NotRegular(&'static str),
    /// An operation failed.
    Io {
        /// What was being done, in words ("쓸 수 없습니다").
        doing: &'static str,
        source: io::Error,
    },
}

impl WriteError {
    pub fn io(path: &Path, doing: &'static str, source: io::Error) -> Self {
        Self {
            path: path.to_owned(),
            problem: Problem::Io { doing, source },
        }
    }

    fn not_regular(path: &Path, what: &'static str) -> Self {
        Self {
            path: path.to_owned(),
            problem: Problem::NotRegular(what),
        }
    }
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", crate::text::path(&self.path), self.problem)
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NotRegular(what) => write!(
                f,
                "{what}이(가) 있어 파일로 쓸 수 없습니다 (지우거나 다른 곳에 쓰세요)"
            ),
            Problem::Io { doing, source } => {
                write!(f, "{doing}: {}", crate::text::io_reason(source))
            }
        }
    }
}

impl std::error::Error for WriteError {}

impl From<WriteError> for io::Error {
    fn from(error: WriteError) -> Self {
        let kind = match &error.problem {
            Problem::NotRegular(_) => io::ErrorKind::InvalidInput,
            Problem::Io { source, .. } => source.kind(),
        };
        io::Error::new(kind, error.to_string())
    }
}

/// Who may read a written file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// As a newly created file: the umask decides.
    Shared,
    /// The owner alone (0600), from the moment it exists.
    OwnerOnly,
}

/// How a file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub access: Access,
    /// Synced to the disk before the rename, so a power cut leaves the old file or the
    /// new one. A cache that checks itself when read can skip it.
    pub sync: bool,
}

impl Options {
    /// Content and exports: readable as any new file, synced.
    pub const SHARED: Self = Self {
        access: Access::Shared,
        sync: true,
    };
    /// The agent's own data: owner-only, synced.
    pub const OWNER_ONLY: Self = Self {
        access: Access::OwnerOnly,
        sync: true,
    };
    /// A file that can be made again and is checked when read (a stored index).
    pub const CACHE: Self = Self {
        access: Access::Shared,
        sync: false,
    };
}

/// What a path that is not a regular file is, in words.
pub fn kind_of(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "이름 있는 파이프(FIFO)";
        }
        if kind.is_char_device() {
            return "문자 장치(character device)";
        }
        if kind.is_block_device() {
            return "블록 장치(block device)";
        }
        if kind.is_socket() {
            return "소켓";
        }
    }
    if meta.is_dir() {
        "폴더"
    } else if meta.file_type().is_symlink() {
        "심볼릭 링크"
    } else {
        "일반 파일이 아님"
    }
}

/// Refuses `path` when something other than a regular file is there (a symbolic link is
/// followed: a link to a regular file is fine). Nothing there is fine.
pub fn refuse_non_regular(path: &Path) -> Result<(), WriteError> {
    match fs::metadata(path) {
        Ok(meta) if meta.is_file() => Ok(()),
        Ok(meta) => Err(WriteError::not_regular(path, kind_of(&meta))),
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            // A dangling link is a link, not nothing.
            match fs::symlink_metadata(path) {
                Ok(meta) => Err(WriteError::not_regular(path, kind_of(&meta))),
                Err(_) => Ok(()),
            }
        }
        Err(err) => Err(WriteError::io(path, "확인할 수 없습니다", err)),
    }
}

/// Opens `path` for reading when it is a regular file, and only then. The open itself never
/// waits: a FIFO or a device put where a file is expected (a cache's file, say) is opened
/// non-blocking, found not to be a file and closed, where a plain open would wait for a
/// writer forever. The refusal is `InvalidInput`, naming what is there. (The flag stays on
/// the file handed back: reads of a regular file never wait whatever it says.)
pub fn open_regular(path: &Path) -> io::Result<fs::File> {
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{}입니다: 일반 파일만 읽습니다", kind_of(&meta)),
        ));
    }
    Ok(file)
}

/// The folder a file at `path` goes in (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|dir| !dir.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Writes `bytes` to `path` whole or not at all.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic_as(path, Options::SHARED, bytes)
}

/// Writes `bytes` to `path` whole or not at all, as `options` say.
pub fn write_atomic_as(path: &Path, options: Options, bytes: &[u8]) -> Result<(), WriteError> {
    write_atomic_with(path, options, |mut file| {
        file.write_all(bytes)?;
        Ok((file, ()))
    })
    .map(|_| ())
}

/// Writes `path` whole or not at all through `write`, which gets the temporary file (open
/// to read and write, empty) and gives it back with what it made. The file is synced (as
/// `options` say) and renamed over `path`; it is returned open, now named `path`.
pub fn write_atomic_with<T>(
    path: &Path,
    options: Options,
    write: impl FnOnce(File) -> io::Result<(File, T)>,
) -> Result<(File, T), WriteError> {
    refuse_non_regular(path)?;
    let dir = folder_of(path);
    let name = path
        .file_name()
        .map_or_else(|| OsString::from("file"), ToOwned::to_owned);
    let mut prefix = OsString::from(".");
    prefix.push(&name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = match options.access {
            Access::Shared => 0o666,
            Access::OwnerOnly => 0o600,
        };
        builder.permissions(fs::Permissions::from_mode(mode));
    }
    let temporary = builder
        .tempfile_in(dir)
        .map_err(|err| WriteError::io(dir, "임시 파일을 만들 수 없습니다", err))?;
    // The temporary path is removed when dropped, on any error below.
    let (file, temporary_path) = temporary.into_parts();
    let (file, made) = write(file).map_err(|err| WriteError::io(path, "쓸 수 없습니다", err))?;
    if options.sync {
        file.sync_all()
            .map_err(|err| WriteError::io(path, "디스크에 쓸 수 없습니다", err))?;
    }
    temporary_path
        .persist(path)
        .map_err(|err| WriteError::io(path, "바꿔 넣을 수 없습니다", err.error))?;
    Ok((file, made))
}

/// A staging folder being built; see [`replace_folder`].
pub struct Staging {
    dir: PathBuf,
}

impl Staging {
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` as `name` (a path relative to the folder) whole. Files carried over
    /// from the previous folder may share their data with it: they are only ever replaced,
    /// never written into, so the previous folder stays as it was until the swap.
    pub fn write(&self, name: &Path, bytes: &[u8]) -> Result<PathBuf, WriteError> {
        let path = self.dir.join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|err| WriteError::io(parent, "폴더를 만들 수 없습니다", err))?;
        }
        write_atomic(&path, bytes)?;
        Ok(path)
    }

    /// Removes `name` from the folder being built (nothing there is fine).
    pub fn remove(&self, name: &Path) -> Result<(), WriteError> {
        let path = self.dir.join(name);
        match fs::remove_file(&path) {
            Err(err) if err.kind() != io::ErrorKind::NotFound => {
                Err(WriteError::io(&path, "지울 수 없습니다", err))
            }
            _ => Ok(()),
        }
    }
}

/// What a staging folder starts with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// Nothing: the new folder holds only what the build writes.
    Empty,
    /// What the target holds now (carried over as hard links where the file system allows,
    /// copies where not); the build adds to it and replaces in it.
    Existing,
}

/// Staging and retired folders untouched this long were left by a process that ended
/// mid-swap (a folder being built is written to all the time).
const ABANDONED_AFTER: Duration = Duration::from_secs(3600);

const STAGING_TAG: &str = ".staging-";
const RETIRED_TAG: &str = ".retired-";

/// Replaces the folder `target` whole with what `build` makes in a staging folder next to
/// it: on success the new folder is in place and the old one gone; on any failure (of the
/// build or of the swap) `target` is as it was and the staging folder is removed.
///
/// The swap is two renames (old aside, new in); a crash between them leaves the old folder
/// aside under a name the next call recognises and puts back. A non-folder at `target` is
/// refused by name. A symbolic link to a folder is kept: the folder it points to is swapped.
pub fn replace_folder<T>(
    target: &Path,
    start: Start,
    build: impl FnOnce(&Staging) -> Result<T, WriteError>,
) -> Result<T, WriteError> {
    let target = resolve_folder(target)?;
    let parent = folder_of(&target).to_owned();
    fs::create_dir_all(&parent)
        .map_err(|err| WriteError::io(&parent, "폴더를 만들 수 없습니다", err))?;
    let name = target
        .file_name()
        .map_or_else(|| OsString::from("folder"), ToOwned::to_owned);
    recover_abandoned(&parent, &name, &target);

    let tag = |kind: &str| {
        let mut prefix = OsString::from(".");
        prefix.push(&name);
        prefix.push(format!("{kind}{}-", std::process::id()));
        prefix
    };
    let staging_dir = tempfile::Builder::new()
        .prefix(&tag(STAGING_TAG))
        .tempdir_in(&parent)
        .map_err(|err| WriteError::io(&parent, "임시 폴더를 만들 수 없습니다", err))?;
    let staging = Staging {
        dir: staging_dir.path().to_owned(),
    };
    let existed = target.is_dir();
    // Entries that are not files, folders or links (a FIFO, a socket) cannot be copied:
    // they are moved over after the swap instead.
    let mut specials = Vec::new();
    if start == Start::Existing && existed {
        carry_over(&target, &staging.dir, Path::new(""), &mut specials)?;
    }
    // On error the staging folder is dropped, and removed with all it holds.
    let made = build(&staging)?;
    sync_folder(&staging.dir);

    if !existed {
        let staged = staging_dir.keep();
        return match fs::rename(&staged, &target) {
            Ok(()) => {
                sync_folder(&parent);
                Ok(made)
            }
            Err(err) => {
                let _ = fs::remove_dir_all(&staged);
                Err(WriteError::io(
                    &target,
                    "새 폴더를 제자리에 둘 수 없습니다",
                    err,
                ))
            }
        };
    }
    // Named after the staging folder's own random part, so two swaps never share a name.
    let mut retired_name = tag(RETIRED_TAG);
    retired_name.push(
        staging
            .dir
            .file_name()
            .map(|n| {
                n.to_string_lossy()
                    .rsplit('-')
                    .next()
                    .unwrap_or("x")
                    .to_owned()
            })
            .unwrap_or_default(),
    );
    let retired = parent.join(retired_name);
    fs::rename(&target, &retired)
        .map_err(|err| WriteError::io(&target, "기존 폴더를 비켜 둘 수 없습니다", err))?;
    let staged = staging_dir.keep();
    if let Err(err) = fs::rename(&staged, &target) {
        // Put the old folder back before saying anything.
        let restored = fs::rename(&retired, &target);
        let _ = fs::remove_dir_all(&staged);
        return Err(match restored {
            Ok(()) => WriteError::io(&target, "새 폴더를 제자리에 둘 수 없습니다", err),
            Err(restore) => WriteError::io(
                &retired,
                "새 폴더를 둘 수 없었고 기존 폴더도 되돌리지 못했습니다 (이 폴더가 기존 내용입니다)",
                restore,
            ),
        });
    }
    for special in &specials {
        let _ = fs::rename(retired.join(special), target.join(special));
    }
    sync_folder(&parent);
    let _ = fs::remove_dir_all(&retired);
    Ok(made)
}

/// `target` itself, or the folder a symbolic link there points to; refused when it is
/// something other than a folder.
fn resolve_folder(target: &Path) -> Result<PathBuf, WriteError> {
    match fs::symlink_metadata(target) {
        Ok(meta) if meta.is_dir() => Ok(target.to_owned()),
        Ok(meta) if meta.file_type().is_symlink() => {
            let resolved = fs::canonicalize(target)
                .map_err(|err| WriteError::io(target, "링크를 따라갈 수 없습니다", err))?;
            if resolved.is_dir() {
                Ok(resolved)
            } else {
                Err(WriteError::not_regular(
                    target,
                    "폴더가 아닌 것을 가리키는 링크",
                ))
            }
        }
        Ok(meta) => Err(WriteError::not_regular(
            target,
            if meta.is_file() {
                "폴더가 아닌 파일"
            } else {
                kind_of(&meta)
            },
        )),
        Err(err) if err.kind() == io::ErrorKind::NotFound => Ok(target.to_owned()),
        Err(err) => Err(WriteError::io(target, "확인할 수 없습니다", err)),
    }
}

/// Copies the tree at `from` into the empty folder `to`: folders made, regular files hard
/// linked (copied where links cannot be made), symbolic links made again. Anything else
/// (a FIFO, a socket) is listed in `specials` (its path below the top) to be moved over.
fn carry_over(
    from: &Path,
    to: &Path,
    below: &Path,
    specials: &mut Vec<PathBuf>,
) -> Result<(), WriteError> {
    let entries =
        fs::read_dir(from).map_err(|err| WriteError::io(from, "폴더를 읽을 수 없습니다", err))?;
    for entry in entries {
        let entry = entry.map_err(|err| WriteError::io(from, "폴더를 읽을 수 없습니다", err))?;
        let source = entry.path();
        let dest = to.join(entry.file_name());
        let relative = below.join(entry.file_name());
        let meta = fs::symlink_metadata(&source)
            .map_err(|err| WriteError::io(&source, "확인할 수 없습니다", err))?;
        if meta.is_dir() {
            fs::create_dir(&dest)
                .map_err(|err| WriteError::io(&dest, "폴더를 만들 수 없습니다", err))?;
            carry_over(&source, &dest, &relative, specials)?;
        } else if meta.is_file() {
            if fs::hard_link(&source, &dest).is_err() {
                fs::copy(&source, &dest)
                    .map_err(|err| WriteError::io(&source, "옮겨 담을 수 없습니다", err))?;
            }
        } else if meta.file_type().is_symlink() {
            copy_link(&source, &dest)?;
        } else {
            specials.push(relative);
        }
    }
    Ok(())
}

#[cfg(unix)]
fn copy_link(source: &Path, dest: &Path) -> Result<(), WriteError> {
    let points_to = fs::read_link(source)
        .map_err(|err| WriteError::io(source, "링크를 읽을 수 없습니다", err))?;
    std::os::unix::fs::symlink(points_to, dest)
        .map_err(|err| WriteError::io(dest, "링크를 만들 수 없습니다", err))
}

#[cfg(not(unix))]
fn copy_link(source: &Path, dest: &Path) -> Result<(), WriteError> {
    fs::copy(source, dest)
        .map(|_| ())
        .map_err(|err| WriteError::io(source, "옮겨 담을 수 없습니다", err))
}

/// Makes a folder's entries durable (where the platform allows opening a folder).
fn sync_folder(dir: &Path) {
    if let Ok(folder) = File::open(dir) {
        let _ = folder.sync_all();
    }
}

/// The process id in a staging or retired folder's name, after `tag`.
fn pid_in(name: &str, tag: &str) -> Option<u32> {
    let (_, rest) = name.split_once(tag)?;
    rest.split('-').next()?.parse().ok()
}

/// Whether the process `pid` still runs; `None` where the platform does not say.
fn running(pid: u32) -> Option<bool> {
    if pid == std::process::id() {
        return Some(true);
    }
    let proc = Path::new("/proc");
    proc.join("self")
        .exists()
        .then(|| proc.join(pid.to_string()).exists())
}

/// Cleans up after processes that ended mid-swap: their staging folders are removed; a
/// retired folder is put back as `target` when `target` is missing (the crash came between
/// the two renames), removed otherwise.
fn recover_abandoned(parent: &Path, name: &std::ffi::OsStr, target: &Path) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let mut own = OsString::from(".");
    own.push(name);
    let own = own.to_string_lossy().into_owned();
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&own) else {
            continue;
        };
        let tag = [STAGING_TAG, RETIRED_TAG]
            .into_iter()
            .find(|tag| rest.starts_with(tag));
        let Some(tag) = tag else { continue };
        let Some(pid) = pid_in(rest, tag) else {
            continue;
        };
        let old_enough = entry
            .metadata()
            .and_then(|meta| meta.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > ABANDONED_AFTER);
        let abandoned = match running(pid) {
            Some(true) => pid != std::process::id() && old_enough,
            Some(false) => true,
            None => old_enough,
        };
        if !abandoned {
            continue;
        }
        let path = entry.path();
        if tag == RETIRED_TAG && !target.exists() {
            let _ = fs::rename(&path, target);
        } else {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch() -> tempfile::TempDir {
        tempfile::tempdir().expect("a temporary folder")
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_file_is_replaced_whole_and_no_temporary_is_left() {
        let dir = scratch();
        let path = dir.path().join("guide.json");
        fs::write(&path, b"old").unwrap();
        write_atomic(&path, b"new").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(names(dir.path()), ["guide.json"]);
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = scratch();
        let path = dir.path().join("guide.json");
        fs::write(&path, b"old").unwrap();
        let failed = write_atomic_with(&path, Options::SHARED, |mut file| {
            file.write_all(b"half")?;
            Err::<(File, ()), _>(io::Error::other("disk full"))
        });
        let error = failed.unwrap_err();
        assert!(error.to_string().contains("guide.json"), "{error}");
        assert_eq!(fs::read(&path).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["guide.json"]);
    }

    #[cfg(unix)]
    #[test]
    fn owner_only_files_are_0600_and_others_follow_the_umask() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = scratch();
        let private = dir.path().join("log.jsonl");
        write_atomic_as(&private, Options::OWNER_ONLY, b"x").unwrap();
        let mode = fs::metadata(&private).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let shared = dir.path().join("guide.json");
        write_atomic(&shared, b"x").unwrap();
        let plain = dir.path().join("plain.json");
        fs::write(&plain, b"x").unwrap();
        let mode_of = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(
            mode_of(&shared),
            mode_of(&plain),
            "a content file is readable as any new file is"
        );
    }

    #[test]
    fn a_folder_where_a_file_goes_is_refused_by_name() {
        let dir = scratch();
        let path = dir.path().join("guide.json");
        fs::create_dir(&path).unwrap();
        let error = write_atomic(&path, b"x").unwrap_err();
        assert!(
            matches!(error.problem, Problem::NotRegular("폴더")),
            "{error}"
        );
        assert!(error.to_string().contains("guide.json"));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_where_a_file_goes_is_refused_without_opening_it() {
        let dir = scratch();
        let path = dir.path().join("guide.json");
        let made = std::process::Command::new("mkfifo").arg(&path).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo on this machine: nothing to test with
        }
        let error = write_atomic(&path, b"x").unwrap_err();
        assert!(error.to_string().contains("FIFO"), "{error}");
    }

    #[test]
    fn a_folder_is_swapped_whole_keeping_what_it_held() {
        let dir = scratch();
        let target = dir.path().join("content");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("kept.json"), b"kept").unwrap();
        fs::write(target.join("old.json"), b"old").unwrap();
        let written = replace_folder(&target, Start::Existing, |staging| {
            staging.write(Path::new("old.json"), b"new")?;
            staging.write(Path::new("added.json"), b"added")
        })
        .unwrap();
        assert_eq!(written.file_name().unwrap(), "added.json");
        assert_eq!(names(&target), ["added.json", "kept.json", "old.json"]);
        assert_eq!(fs::read(target.join("old.json")).unwrap(), b"new");
        assert_eq!(fs::read(target.join("kept.json")).unwrap(), b"kept");
        assert_eq!(
            names(dir.path()),
            ["content"],
            "no staging or retired folder left"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_in_a_swapped_folder_is_kept_and_a_write_over_it_refused() {
        let dir = scratch();
        let target = dir.path().join("content");
        fs::create_dir(&target).unwrap();
        let fifo = target.join("pipe.json");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return;
        }
        fs::write(target.join("a.json"), b"a").unwrap();
        replace_folder(&target, Start::Existing, |staging| {
            staging.write(Path::new("b.json"), b"b").map(|_| ())
        })
        .unwrap();
        assert_eq!(names(&target), ["a.json", "b.json", "pipe.json"]);
        let error = write_atomic(&fifo, b"x").unwrap_err();
        assert!(error.to_string().contains("pipe.json"), "{error}");
    }

    #[test]
    fn a_failed_build_leaves_the_old_folder_untouched() {
        let dir = scratch();
        let target = dir.path().join("content");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("a.json"), b"old").unwrap();
        let result: Result<(), _> = replace_folder(&target, Start::Existing, |staging| {
            staging.write(Path::new("a.json"), b"new")?;
            staging.write(Path::new("b.json"), b"new")?;
            Err(WriteError::io(
                &staging.path().join("c.json"),
                "쓸 수 없습니다",
                io::Error::other("disk full"),
            ))
        });
        assert!(result.is_err());
        assert_eq!(names(&target), ["a.json"]);
        assert_eq!(fs::read(target.join("a.json")).unwrap(), b"old");
        assert_eq!(names(dir.path()), ["content"]);
    }

    #[test]
    fn an_empty_start_drops_what_the_build_does_not_write() {
        let dir = scratch();
        let target = dir.path().join("export");
        fs::create_dir(&target).unwrap();
        fs::write(target.join("stale.json"), b"old").unwrap();
        replace_folder(&target, Start::Empty, |staging| {
            staging.write(Path::new("fresh.json"), b"new").map(|_| ())
        })
        .unwrap();
        assert_eq!(names(&target), ["fresh.json"]);
    }

    #[test]
    fn a_new_folder_is_made_in_place() {
        let dir = scratch();
        let target = dir.path().join("deep").join("content");
        replace_folder(&target, Start::Existing, |staging| {
            staging.write(Path::new("a.json"), b"a").map(|_| ())
        })
        .unwrap();
        assert_eq!(names(&target), ["a.json"]);
    }

    #[test]
    fn a_file_where_the_folder_goes_is_refused_by_name() {
        let dir = scratch();
        let target = dir.path().join("content");
        fs::write(&target, b"not a folder").unwrap();
        let error = replace_folder(&target, Start::Existing, |_| Ok(())).unwrap_err();
        assert!(error.to_string().contains("content"), "{error}");
        assert_eq!(fs::read(&target).unwrap(), b"not a folder");
    }

    #[test]
    fn leftovers_of_ended_processes_are_removed_or_put_back() {
        let dir = scratch();
        let target = dir.path().join("content");
        // A process that no longer runs (pid beyond the kernel's limit) left a staging
        // folder, and crashed between its two renames: the old folder is aside, none in place.
        let dead = 4_194_399u32;
        let staging = dir.path().join(format!(".content{STAGING_TAG}{dead}-abc"));
        let retired = dir.path().join(format!(".content{RETIRED_TAG}{dead}-def"));
        fs::create_dir(&staging).unwrap();
        fs::create_dir(&retired).unwrap();
        fs::write(retired.join("a.json"), b"previous").unwrap();
        let other = dir.path().join(".notes.staging-1-x");
        fs::create_dir(&other).unwrap();
        if running(dead).is_none() {
            return; // this platform cannot tell; age alone decides there
        }
        replace_folder(&target, Start::Existing, |staging| {
            staging.write(Path::new("b.json"), b"b").map(|_| ())
        })
        .unwrap();
        assert_eq!(
            names(&target),
            ["a.json", "b.json"],
            "the old folder came back first"
        );
        assert_eq!(names(dir.path()), [".notes.staging-1-x", "content"]);
    }
}
