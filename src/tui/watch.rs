//! The content watcher: a console opened on a content folder takes in the folder's changes
//! while it runs. The file system's events (notify) wake a thread of its own; once they
//! have been quiet for [`QUIET`] (an editor's save, an export or a sync is many events), the
//! folder is read again whole, validated and indexed there, never on the UI thread, and the
//! outcome is posted to the app's mailbox as [`Message::ContentReloaded`]: new content with
//! what it changed, or why it cannot be shown. The app applies it in one place; content
//! that does not load never replaces the content shown.
//!
//! A folder swapped whole (`content export`, `content sync` write a staging folder and
//! rename it into place) is a new directory under the same name: its parent is watched
//! too, and the recursive watch is moved onto whatever directory the name now holds.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::Duration;

use notify::{EventKind, RecursiveMode, Watcher as _};

use super::event::{Message, Poster, Reloaded, SinceLastRun};
use crate::content::{self, Content, Snapshot};
use crate::search::index_cache::{self, IndexCache, LoadError};

/// How long the folder's events must have stopped before it is read again.
pub const QUIET: Duration = Duration::from_millis(400);

/// Where the console's content comes from, for the watcher to read again.
#[derive(Debug, Clone)]
pub struct WatchedFolder {
    pub dir: PathBuf,
    /// The index cache a console opens through (none in tests).
    pub cache: Option<IndexCache>,
    /// Where what the agent last looked at in this folder is kept between runs (see
    /// [`seen_file`]); `None`: nothing is kept.
    pub seen: Option<PathBuf>,
}

/// The file that keeps what the agent last looked at in the content folder `dir`, beside
/// the consultation log `history` (one agent's, on their machine): one per folder.
pub fn seen_file(history: &Path, dir: &Path) -> Option<PathBuf> {
    let dir = std::path::absolute(dir).ok()?;
    let name = format!(
        "seen-{}.json",
        content::fingerprint_text(&dir.to_string_lossy())
    );
    Some(history.parent()?.join(name))
}

/// What the agent last looked at, as stored in `path` (none when there is no such file or it
/// does not read: a first run, or a file from another build).
fn read_seen(path: &Path) -> Option<Snapshot> {
    let bytes = content::read_regular_file(path).ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// Keeps `seen` in `path` for the next run, written whole or not at all. A file that cannot
/// be written only makes the next run compare with an older look, so it is not reported.
pub fn store_seen(path: &Path, seen: &Snapshot) {
    if let Ok(json) = serde_json::to_vec(seen) {
        if let Some(parent) = path.parent() {
            let _ = std::fs::create_dir_all(parent);
        }
        let _ = crate::files::write_atomic(path, &json);
    }
}

type Events = Receiver<notify::Result<notify::Event>>;

/// Starts watching `folder`, whose content the console shows as `shown` (what it changes
/// is said against it). The thread ends when the app has gone.
pub fn watch(folder: WatchedFolder, shown: Arc<Content>, poster: Poster) -> io::Result<()> {
    let dir = std::path::absolute(&folder.dir)?;
    let (sender, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(sender).map_err(io::Error::other)?;
    if let Some(parent) = dir.parent() {
        watcher
            .watch(parent, RecursiveMode::NonRecursive)
            .map_err(io::Error::other)?;
    }
    watcher
        .watch(&dir, RecursiveMode::Recursive)
        .map_err(io::Error::other)?;
    let mut armed_on = folder_id(&dir);
    std::thread::Builder::new()
        .name("content-watch".into())
        .spawn(move || {
            // What the agent sees now, taken here rather than on the UI thread (a help
            // centre's guides not held are read for it one at a time).
            let mut before = Arc::new(Snapshot::of(&shown));
            drop(shown);
            // What changed since the agent last looked, in an earlier run; a first run
            // keeps what it shows as what was seen.
            if let Some(path) = &folder.seen {
                match read_seen(path) {
                    Some(seen) => {
                        let changes = seen.changes_to(&before);
                        let since = SinceLastRun {
                            seen: Arc::new(seen),
                            shown: Arc::clone(&before),
                            changes,
                        };
                        if !since.changes.is_empty()
                            && !poster.post(Message::ContentSinceLastRun(Box::new(since)))
                        {
                            return;
                        }
                    }
                    None => store_seen(path, &before),
                }
            }
            let mut last = content::identity(&dir).ok();
            loop {
                if !wait_for_change(&events, &dir) || !settle(&events, QUIET) {
                    return;
                }
                // A folder swapped whole: watch the directory the name now holds.
                let now_on = folder_id(&dir);
                if now_on.is_some() && now_on != armed_on {
                    let _ = watcher.unwatch(&dir);
                    if watcher.watch(&dir, RecursiveMode::Recursive).is_ok() {
                        armed_on = now_on;
                    }
                }
                let identity = content::identity(&dir).ok();
                if identity.is_some() && identity == last {
                    continue;
                }
                let outcome = index_cache::reload(folder.cache.as_ref(), &dir);
                // Changed again while it was read: those events are waiting, go round.
                if let Ok((_, read)) = &outcome
                    && content::identity(&dir).ok() != Some(*read)
                {
                    continue;
                }
                last = identity;
                let message = match outcome {
                    Ok((loaded, _)) => {
                        let after = Arc::new(Snapshot::of(&loaded.content));
                        let changes = before.changes_to(&after);
                        let reloaded = Reloaded {
                            loaded,
                            before: Arc::clone(&before),
                            after: Arc::clone(&after),
                            changes,
                        };
                        before = after;
                        Ok(reloaded)
                    }
                    Err(error) => Err(error),
                };
                if !poster.post(Message::ContentReloaded(Box::new(message))) {
                    return;
                }
            }
        })?;
    Ok(())
}

/// Waits for an event that concerns the folder (reads and events elsewhere in its parent
/// do not); false when the watcher has gone.
fn wait_for_change(events: &Events, dir: &Path) -> bool {
    loop {
        match events.recv() {
            Ok(Ok(event)) if concerns(&event, dir) => return true,
            // An error of the watch itself (a queue overflow): the folder may have changed.
            Ok(Err(_)) => return true,
            Ok(Ok(_)) => {}
            Err(_) => return false,
        }
    }
}

/// Waits until no event has come for `quiet`; false when the watcher has gone.
fn settle(events: &Events, quiet: Duration) -> bool {
    loop {
        match events.recv_timeout(quiet) {
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => return true,
            Err(RecvTimeoutError::Disconnected) => return false,
        }
    }
}

fn concerns(event: &notify::Event, dir: &Path) -> bool {
    !matches!(event.kind, EventKind::Access(_)) && event.paths.iter().any(|p| p.starts_with(dir))
}

/// Which directory `dir` names now (a folder renamed into its place is another).
#[cfg(unix)]
fn folder_id(dir: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt as _;
    std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn folder_id(dir: &Path) -> Option<(u64, u64)> {
    std::fs::metadata(dir).ok().map(|_| (0, 0))
}

/// What the console says when a changed folder could not be shown.
pub fn refusal(error: &LoadError) -> String {
    format!("바뀐 콘텐츠 폴더를 읽지 못해 이전 콘텐츠를 계속 보여 줍니다 · {error}")
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::content::Change;
    use crate::tui::event::Mailbox;

    const GUIDE: &str = "pro-membership-signup.json";
    const SENTENCE: &str = "평점 4.0점 이상 가입 가능 (갱신 기준 : 평점 3.8이상)";

    fn seed() -> String {
        String::from_utf8(content::embedded_sources()[0].bytes.clone()).unwrap()
    }

    /// The next content the watcher posts, within a time that only a watcher that missed
    /// the change exceeds.
    fn next_reload(mailbox: &mut Mailbox) -> Result<Reloaded, LoadError> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match mailbox.next(Some(deadline)) {
                Message::ContentReloaded(outcome) => return *outcome,
                Message::Deadline => panic!("no reload within 20 s"),
                _ => {}
            }
        }
    }

    fn watching(dir: &Path, mailbox: &Mailbox, seen: Option<PathBuf>) {
        let shown = Arc::new(content::load_dir(dir).unwrap());
        let folder = WatchedFolder {
            dir: dir.to_path_buf(),
            cache: None,
            seen,
        };
        watch(folder, shown, mailbox.poster()).unwrap();
    }

    #[test]
    fn a_changed_sentence_a_broken_file_and_a_folder_swapped_whole() {
        let parent = tempfile::tempdir().unwrap();
        let dir = parent.path().join("content");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join(GUIDE), seed()).unwrap();
        let mut mailbox = Mailbox::default();
        watching(&dir, &mailbox, None);

        // Written in two halves, as an editor that writes in place might: one reload,
        // after the events stop, of the whole file.
        let changed = seed().replace(
            SENTENCE,
            "평점 4.2점 이상 가입 가능 (갱신 기준 : 평점 3.8이상)",
        );
        let (first, rest) = changed.split_at(changed.len() / 2);
        std::fs::write(dir.join(GUIDE), first).unwrap();
        std::thread::sleep(QUIET / 4);
        std::fs::write(dir.join(GUIDE), format!("{first}{rest}")).unwrap();
        let reloaded = next_reload(&mut mailbox).expect("the whole file loads");
        assert_eq!(reloaded.changes.len(), 1, "{:?}", reloaded.changes);
        let guide = &reloaded.changes[0];
        assert_eq!(guide.change, Change::Changed);
        let sentence = guide
            .sentences
            .iter()
            .find(|s| s.before.as_deref() == Some(SENTENCE))
            .expect("the sentence that changed");
        assert!(sentence.after.as_deref().unwrap().contains("4.2점"));
        assert!(mailbox.try_next().is_none(), "one reload for one save");

        // Half a file (a save cut off): refused, said why, nothing else posted.
        std::fs::write(dir.join(GUIDE), first).unwrap();
        let refused = next_reload(&mut mailbox).expect_err("half a guide does not load");
        let said = refusal(&refused);
        assert!(said.contains("이전 콘텐츠를 계속"), "{said}");
        assert!(said.contains(GUIDE), "{said}");

        // Swapped whole, as `content export` and `content sync` do: the new folder is read,
        // and compared with the last content that loaded (not the broken one).
        let staged = parent.path().join("content.staged");
        std::fs::create_dir(&staged).unwrap();
        std::fs::write(staged.join(GUIDE), seed()).unwrap();
        let aside = parent.path().join("content.old");
        std::fs::rename(&dir, &aside).unwrap();
        std::fs::rename(&staged, &dir).unwrap();
        let mut reloaded = next_reload(&mut mailbox);
        // The folder may be seen missing between the two renames.
        if reloaded.is_err() {
            reloaded = next_reload(&mut mailbox);
        }
        let reloaded = reloaded.expect("the swapped folder loads");
        let back = &reloaded.changes[0].sentences;
        assert!(
            back.iter().any(|s| s.after.as_deref() == Some(SENTENCE)),
            "{back:?}"
        );

        // And the watch followed the new folder.
        std::fs::write(dir.join(GUIDE), changed).unwrap();
        let reloaded = next_reload(&mut mailbox).expect("a change in the new folder");
        assert_eq!(reloaded.changes.len(), 1);
    }

    #[test]
    fn what_changed_since_the_agent_last_looked_in_an_earlier_run() {
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("content");
        std::fs::create_dir(&dir).unwrap();
        std::fs::write(dir.join(GUIDE), seed()).unwrap();
        let history = root.path().join("state").join("history.sqlite3");
        let seen = seen_file(&history, &dir).unwrap();
        assert_eq!(seen.parent(), history.parent());

        // A first run keeps what it shows as seen, and has nothing to say.
        let mut first = Mailbox::default();
        watching(&dir, &first, Some(seen.clone()));
        let deadline = Instant::now() + Duration::from_secs(20);
        while !seen.exists() {
            assert!(
                Instant::now() < deadline,
                "the first run keeps what it shows"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(first.try_next().is_none());

        // Between runs the content team changed a sentence: the next run says what.
        let changed = seed().replace(
            SENTENCE,
            "평점 4.2점 이상 가입 가능 (갱신 기준 : 평점 3.8이상)",
        );
        std::fs::write(dir.join(GUIDE), changed).unwrap();
        let mut second = Mailbox::default();
        watching(&dir, &second, Some(seen.clone()));
        let deadline = Instant::now() + Duration::from_secs(20);
        let since = loop {
            match second.next(Some(deadline)) {
                Message::ContentSinceLastRun(since) => break since,
                Message::Deadline => panic!("nothing said within 20 s"),
                _ => {}
            }
        };
        assert_eq!(since.changes.len(), 1);
        assert!(
            since.changes[0]
                .sentences
                .iter()
                .any(|s| s.before.as_deref() == Some(SENTENCE))
        );
        // Until the agent looks, the next run says it again.
        let mut third = Mailbox::default();
        watching(&dir, &third, Some(seen));
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            match third.next(Some(deadline)) {
                Message::ContentSinceLastRun(_) => break,
                Message::Deadline => panic!("nothing said within 20 s"),
                _ => {}
            }
        }
        drop(first);
    }
}
