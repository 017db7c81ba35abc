//! The index cache's lifecycle: where stored indexes live, when one is built, stored,
//! checked and read back, and how a console starts on a content folder. The command line
//! and the console both come here; neither builds or stores an index by itself.
//!
//! A content folder's index is stored in the user's cache (`$XDG_CACHE_HOME/support-console`,
//! else `~/.cache/support-console`), named by the folder's identity (each file's name, size
//! and modification time, the synonym list in force and the console's version). A stored
//! file is used only when [`SearchIndex::load_stored`] finds it sound and of that identity;
//! otherwise it is built again. The newest [`INDEXES_KEPT`] are kept, and temporary files
//! that ended processes left behind are removed.

use std::fmt::Write as _;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use super::{IndexShare, SearchIndex};
use crate::content::{self, Catalog, Content, ContentErrors, Synonym};

/// Stored indexes kept: one per content folder an agent switches between.
pub const INDEXES_KEPT: usize = 4;

/// A temporary file untouched this long was left by a process that ended while storing
/// (one still writing touches its file all the time).
pub const ABANDONED_AFTER: Duration = Duration::from_secs(3600);

/// The folder of stored indexes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexCache {
    dir: PathBuf,
}

impl IndexCache {
    /// The user's: `$XDG_CACHE_HOME/support-console`, else `~/.cache/support-console`;
    /// none without either.
    pub fn user() -> Option<Self> {
        Self::from_env(std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME"))
    }

    /// The cache these variables name (an empty one counts as unset).
    pub fn from_env(
        xdg_cache_home: Option<std::ffi::OsString>,
        home: Option<std::ffi::OsString>,
    ) -> Option<Self> {
        let base = xdg_cache_home
            .filter(|dir| !dir.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                home.filter(|home| !home.is_empty())
                    .map(|home| PathBuf::from(home).join(".cache"))
            })?;
        Some(Self::at(base.join("support-console")))
    }

    /// A cache in `dir` (tests, benches).
    pub fn at(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where the index of content of `identity` is stored.
    pub fn path_for(&self, identity: [u8; 16]) -> PathBuf {
        let hex = identity.iter().fold(String::new(), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        });
        self.dir.join(format!("index-{hex}.bin"))
    }

    /// Where the ranked tier's postings for content of `identity` are stored: beside its
    /// index, built the first time the tier is needed (not while the console opens).
    pub fn ranked_path_for(&self, identity: [u8; 16]) -> PathBuf {
        self.path_for(identity).with_extension("ranked")
    }

    /// `index` keeps its ranked tier's postings in this cache (read from there, or built
    /// and stored there when first needed).
    fn keep_ranked(&self, index: &mut SearchIndex, identity: [u8; 16]) {
        index.keep_ranked_at(self.ranked_path_for(identity), identity);
    }

    /// Removes all but the newest [`INDEXES_KEPT`] stored indexes (each is as large as the
    /// content it indexes; `just_written` always stays), and abandoned temporary files.
    pub fn prune(&self, just_written: &Path) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        let mut stored: Vec<(SystemTime, PathBuf)> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| {
                path.file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.starts_with("index-"))
                    && path.extension().is_some_and(|ext| ext == "bin")
            })
            .filter_map(|path| Some((std::fs::metadata(&path).ok()?.modified().ok()?, path)))
            .collect();
        stored.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
        for (_, path) in stored.into_iter().skip(INDEXES_KEPT) {
            if path != just_written {
                let _ = std::fs::remove_file(path);
            }
        }
        self.remove_orphaned_ranked();
        self.remove_abandoned_temporaries();
    }

    /// Removes the ranked tiers' postings whose index is no longer kept.
    fn remove_orphaned_ranked(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for path in entries.flatten().map(|entry| entry.path()) {
            let ranked = path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("index-"))
                && path.extension().is_some_and(|ext| ext == "ranked");
            if ranked && !path.with_extension("bin").exists() {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// Removes temporary files that ended processes left behind: an index being stored
    /// (`.index-….PID.tmp`) or the texts of one being built (`.texts-PID-N.tmp`).
    fn remove_abandoned_temporaries(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return;
        };
        for path in entries.flatten().map(|entry| entry.path()) {
            let temporary = path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(".index-") || name.starts_with(".texts-"))
                && path.extension().is_some_and(|ext| ext == "tmp");
            let abandoned = std::fs::metadata(&path)
                .and_then(|meta| meta.modified())
                .ok()
                .and_then(|modified| modified.elapsed().ok())
                .is_some_and(|age| age > ABANDONED_AFTER);
            if temporary && abandoned {
                let _ = std::fs::remove_file(path);
            }
        }
    }

    /// Stores `index` for content of `identity` with the content's `catalog` (a cache that
    /// cannot be written only costs the next start its time), and keeps the folder small.
    fn store(
        &self,
        index: &SearchIndex,
        identity: [u8; 16],
        catalog: impl FnOnce() -> Catalog + Send,
    ) {
        let path = self.path_for(identity);
        if index.store(&path, identity, catalog).is_ok() {
            self.prune(&path);
        }
    }
}

/// The whole help centre, loaded while the console already shows its first guide.
pub struct Loaded {
    pub content: Content,
    pub index: SearchIndex,
}

impl std::fmt::Debug for Loaded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Loaded")
            .field("guides", &self.content.guide_count())
            .field("documents", &self.index.len())
            .finish()
    }
}

/// Why the rest of a help centre could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder has problems (it changed since its index was stored).
    #[error("콘텐츠 문제 {count}건 (처음: {first})")]
    Content { count: usize, first: String },
}

impl From<ContentErrors> for LoadError {
    fn from(errors: ContentErrors) -> Self {
        Self::Content {
            count: errors.0.len(),
            first: errors
                .0
                .first()
                .map(ToString::to_string)
                .unwrap_or_default(),
        }
    }
}

/// Work that loads the whole help centre (or says why it could not), run on a thread of
/// its own once the console has drawn its first guide.
pub type LoadRest = Box<dyn FnOnce() -> Result<Loaded, LoadError> + Send>;

/// What the console opens on.
pub struct ConsoleStart {
    /// Shared with the thread that stores a newly built index (it takes the catalog).
    pub content: Arc<Content>,
    /// The index of `content` (built by the console when `None`).
    pub index: Option<Arc<SearchIndex>>,
    /// The rest of the help centre, when `content` is only its first guide.
    pub rest: Option<LoadRest>,
    /// A newly built index being stored: joined before the process ends (a file cut off
    /// by the exit would only be written again at the next start).
    pub storing: Option<JoinHandle<()>>,
}

/// What the console opens on. For a content folder whose index is stored from an earlier
/// start (so the folder loaded whole then, and is unchanged since), only its first guide is
/// read before the first frame; the rest of the help centre and its index load on another
/// thread. On a first start the index is built and stored a guide at a time first (every
/// problem reported before the console opens), and the console then starts as on a later
/// start. Without a cache, or where storing fails, the content loads whole and its index is
/// built in memory (and stored meanwhile). `folder` is `None` for the embedded guide.
pub fn console_start(
    cache: Option<&IndexCache>,
    folder: Option<&Path>,
) -> Result<ConsoleStart, ContentErrors> {
    let Some(dir) = folder else {
        return Ok(ConsoleStart {
            content: Arc::new(content::load_embedded()?),
            index: None,
            rest: None,
            storing: None,
        });
    };
    let identity = content::identity(dir)?;
    let mut whole = None;
    if let Some(cache) = cache
        && !SearchIndex::is_stored_for(&cache.path_for(identity), identity)
    {
        match store_guide_by_guide(dir, cache, identity)? {
            FolderStart::Indexed(content, index) => {
                return Ok(ConsoleStart {
                    content: Arc::new(content),
                    index: Some(Arc::from(index)),
                    rest: None,
                    storing: None,
                });
            }
            FolderStart::Whole(content) => whole = Some(content),
        }
    }
    if whole.is_none()
        && let Some(cache) = cache
        && SearchIndex::is_stored_for(&cache.path_for(identity), identity)
    {
        let first = content::load_first_guide(dir)?;
        let synonyms = first.synonyms().to_vec();
        let (dir, cache) = (dir.to_owned(), cache.clone());
        return Ok(ConsoleStart {
            content: Arc::new(first),
            index: None,
            rest: Some(Box::new(move || {
                load_rest(&dir, &cache, identity, synonyms)
            })),
            storing: None,
        });
    }
    let content = Arc::new(match whole {
        Some(content) => content,
        None => content::load_dir(dir)?,
    });
    let mut index = SearchIndex::build(&content);
    if let Some(cache) = cache {
        cache.keep_ranked(&mut index, identity);
    }
    let index = Arc::new(index);
    let storing = cache.map(|cache| {
        let (stored, whole) = (Arc::clone(&index), Arc::clone(&content));
        let (cache, dir) = (cache.clone(), dir.to_owned());
        std::thread::spawn(move || {
            crate::parallel::lower_thread_priority();
            cache.store(&stored, identity, || whole.catalog(&dir));
        })
    });
    Ok(ConsoleStart {
        content,
        index: Some(index),
        rest: None,
        storing,
    })
}

/// What a console (or the rest of a help centre) opens on when a folder's index was not
/// stored.
enum FolderStart {
    /// The index, built and stored, and the content its catalog lists (each guide read
    /// when it is opened).
    Indexed(Content, Box<SearchIndex>),
    /// The content loaded whole (its index still to build).
    Whole(Content),
}

/// Builds the index of the folder `dir` (whose identity is `identity`) and stores it in
/// `cache`, reading, validating and indexing a guide at a time, the texts written beside the
/// stored index as they come: a help centre's first start holds neither its guides nor its
/// texts in memory (at 100,000 entries, most of what loading it whole takes). The folder is
/// loaded whole instead when that is what is left to do: it has a problem (then the errors,
/// each reported as loading it whole reports them), it changed while it was read, or the
/// index could not be written.
fn store_guide_by_guide(
    dir: &Path,
    cache: &IndexCache,
    identity: [u8; 16],
) -> Result<FolderStart, ContentErrors> {
    let path = cache.path_for(identity);
    let streamed = content::stream_dir(
        dir,
        || IndexShare::writing_texts_to(cache.dir()),
        |share, g, guide| {
            if let Ok(share) = share {
                share.add(g, guide);
            }
        },
    )?;
    let (shares, catalog, synonyms) = match streamed {
        content::Streamed::Whole(content) => return Ok(FolderStart::Whole(content)),
        content::Streamed::Sound {
            shares,
            catalog,
            synonyms,
        } => (shares, catalog, synonyms),
    };
    let stored = shares
        .into_iter()
        .collect::<io::Result<Vec<_>>>()
        .and_then(|shares| SearchIndex::from_shares(shares, &synonyms))
        .and_then(|index| index.into_stored(&path, identity, catalog));
    if let Ok(mut index) = stored {
        if content::identity(dir)? == identity {
            cache.keep_ranked(&mut index, identity);
            cache.prune(&path);
            let content = Content::from_catalog(index.catalog(), dir, synonyms);
            return Ok(FolderStart::Indexed(content, Box::new(index)));
        }
        // Changed while it was read: what was stored may hold some of each.
        let _ = std::fs::remove_file(&path);
    }
    // Changed meanwhile, or not stored: read whole.
    content::load_dir(dir).map(FolderStart::Whole)
}

/// The whole help centre for a console that opened on its first guide: the stored index,
/// and content listed by the catalog stored with it (each guide read when it is opened:
/// the folder validated whole when the index was stored, and its identity says it has not
/// changed since). An index that does not check out is rebuilt from the folder, read and
/// validated whole.
fn load_rest(
    dir: &Path,
    cache: &IndexCache,
    identity: [u8; 16],
    synonyms: Vec<Synonym>,
) -> Result<Loaded, LoadError> {
    if let Ok(mut index) = SearchIndex::load_stored(&cache.path_for(identity), identity) {
        cache.keep_ranked(&mut index, identity);
        let content = Content::from_catalog(index.catalog(), dir, synonyms);
        return Ok(Loaded { content, index });
    }
    let content = match store_guide_by_guide(dir, cache, identity)? {
        FolderStart::Indexed(content, index) => {
            return Ok(Loaded {
                content,
                index: *index,
            });
        }
        FolderStart::Whole(content) => content,
    };
    let mut index = build_to_store(&content);
    cache.store(&index, identity, || content.catalog(dir));
    cache.keep_ranked(&mut index, identity);
    Ok(Loaded { content, index })
}

/// The folder `dir` read again for a console that shows it (its watcher saw it change),
/// with the identity it had when the reading began: through the index stored for these very
/// files when there is one, else read, validated and its index stored guide by guide;
/// without a cache, loaded whole. Any problem is returned whole, so that the console keeps
/// the content it has.
pub fn reload(cache: Option<&IndexCache>, dir: &Path) -> Result<(Loaded, [u8; 16]), LoadError> {
    let identity = content::identity(dir)?;
    let loaded = if let Some(cache) = cache {
        let synonyms = content::load_first_guide(dir)?.synonyms().to_vec();
        load_rest(dir, cache, identity, synonyms)?
    } else {
        let content = content::load_dir(dir)?;
        let index = SearchIndex::build(&content);
        Loaded { content, index }
    };
    Ok((loaded, identity))
}

/// The index of `content`, about to be stored: the content's version, which the catalog
/// stored with it names, is worked out beside the build (which leaves a core idle in
/// places) rather than while storing.
fn build_to_store(content: &Content) -> SearchIndex {
    std::thread::scope(|scope| {
        scope.spawn(|| content.version());
        SearchIndex::build(content)
    })
}

/// Where an index came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexSource {
    /// Read from the cache.
    Stored,
    /// Built from the content files (and stored for the next time).
    Built,
    /// The embedded guide's, never stored.
    Embedded,
}

impl IndexSource {
    /// As the command line's JSON names it.
    pub fn as_str(self) -> &'static str {
        match self {
            IndexSource::Stored => "stored",
            IndexSource::Built => "built",
            IndexSource::Embedded => "embedded",
        }
    }
}

/// An index for the command line, with how it came and what is left to store.
pub struct Indexed {
    pub index: SearchIndex,
    pub source: IndexSource,
    /// The time to read the stored index, to read (not parse) the content files, or to
    /// load the embedded guide.
    pub read: Duration,
    /// A newly built index's content (its catalog goes with the index), where it came
    /// from, the cache and the content's identity.
    store: Option<(Content, PathBuf, IndexCache, [u8; 16])>,
}

impl Indexed {
    /// Stores a newly built index (run beside the search that uses it).
    pub fn store(&self) {
        if let Some((content, dir, cache, identity)) = &self.store {
            cache.store(&self.index, *identity, || content.catalog(dir));
        }
    }
}

/// The search index of the content: for a content folder, the one stored in `cache` when
/// it was built from these very files (checked before use), else built from the loaded
/// content (store it with [`Indexed::store`]); the embedded guide is indexed directly.
pub fn search_index(
    cache: Option<&IndexCache>,
    folder: Option<&Path>,
) -> Result<Indexed, ContentErrors> {
    let started = Instant::now();
    let Some(dir) = folder else {
        let content = content::load_embedded()?;
        let read = started.elapsed();
        let index = SearchIndex::build(&content);
        return Ok(Indexed {
            index,
            source: IndexSource::Embedded,
            read,
            store: None,
        });
    };
    let identity = content::identity(dir)?;
    if let Some(cache) = cache
        && let Ok(mut index) = SearchIndex::load_stored(&cache.path_for(identity), identity)
    {
        cache.keep_ranked(&mut index, identity);
        return Ok(Indexed {
            index,
            source: IndexSource::Stored,
            read: started.elapsed(),
            store: None,
        });
    }
    let sources = content::read_dir(dir)?;
    let read = started.elapsed();
    let content = content::load_sources(&sources)?;
    // Handing a help centre's file buffers back one by one takes longer than the search:
    // the process ends soon and the system takes them at once.
    std::mem::forget(sources);
    let mut index = build_to_store(&content);
    if let Some(cache) = cache {
        cache.keep_ranked(&mut index, identity);
    }
    Ok(Indexed {
        index,
        source: IndexSource::Built,
        read,
        store: cache.map(|cache| (content, dir.to_owned(), cache.clone(), identity)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A content folder of the embedded guide and the second guide of the fixtures.
    fn folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pro-membership-signup.json"),
            &content::embedded_sources()[0].bytes,
        )
        .unwrap();
        std::fs::copy(
            concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/two-guides/call-cancel-fee.json"
            ),
            dir.path().join("call-cancel-fee.json"),
        )
        .unwrap();
        dir
    }

    fn hits(index: &SearchIndex, query: &str) -> Vec<String> {
        let mut results = index.search_cached(&mut super::super::SearchCache::default(), query);
        results.rank_up_to(index, usize::MAX);
        results
            .ranked()
            .iter()
            .map(|hit| index.doc(hit.doc).text.to_string())
            .collect()
    }

    #[test]
    fn the_cache_folder_comes_from_the_environment() {
        let cache = |xdg: &str, home: &str| {
            IndexCache::from_env(Some(xdg.into()), Some(home.into())).map(|c| c.dir)
        };
        assert_eq!(cache("/x", "/h"), Some(PathBuf::from("/x/support-console")));
        assert_eq!(
            cache("", "/h"),
            Some(PathBuf::from("/h/.cache/support-console"))
        );
        assert_eq!(cache("", ""), None);
        assert_eq!(
            IndexCache::at("/c").path_for([0xab; 16]),
            PathBuf::from(format!("/c/index-{}.bin", "ab".repeat(16)))
        );
    }

    #[test]
    fn a_folder_is_built_once_then_read_back_with_the_same_hits() {
        let folder = folder();
        let cached = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(cached.path());
        let built = search_index(Some(&cache), Some(folder.path())).unwrap();
        assert_eq!(built.source, IndexSource::Built);
        built.store();
        let stored = search_index(Some(&cache), Some(folder.path())).unwrap();
        assert_eq!(stored.source, IndexSource::Stored);
        for query in ["가입", "ㄱㅇ", "취소 수수료", "rkdlq"] {
            assert_eq!(
                hits(&built.index, query),
                hits(&stored.index, query),
                "{query}"
            );
        }
        // Without a cache nothing is stored or read.
        let uncached = search_index(None, Some(folder.path())).unwrap();
        assert_eq!(uncached.source, IndexSource::Built);
        let embedded = search_index(Some(&cache), None).unwrap();
        assert_eq!(embedded.source, IndexSource::Embedded);
    }

    #[test]
    fn a_console_stores_on_its_first_start_and_opens_on_the_first_guide_after() {
        let folder = folder();
        let cached = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(cached.path());
        // First start: stored a guide at a time, the index already there.
        let first = console_start(Some(&cache), Some(folder.path())).unwrap();
        assert!(first.index.is_some() && first.rest.is_none());
        let identity = content::identity(folder.path()).unwrap();
        assert!(SearchIndex::is_stored_for(
            &cache.path_for(identity),
            identity
        ));
        let whole = first.index.unwrap();

        // Second: the first guide at once, the rest from the stored index.
        let second = console_start(Some(&cache), Some(folder.path())).unwrap();
        assert_eq!(second.content.guide_count(), 1);
        assert!(second.index.is_none());
        let loaded = (second.rest.expect("the rest to load"))().unwrap();
        assert_eq!(loaded.content.guide_count(), 2);
        assert_eq!(hits(&loaded.index, "가입"), hits(&whole, "가입"));

        // A damaged body (its head still of this folder) is found out when the rest loads,
        // and rebuilt, never trusted.
        let path = cache.path_for(identity);
        let mut bytes = std::fs::read(&path).unwrap();
        let middle = bytes.len() / 2;
        bytes[middle] ^= 0xff;
        std::fs::write(&path, bytes).unwrap();
        assert!(SearchIndex::load_stored(&path, identity).is_err());
        let third = console_start(Some(&cache), Some(folder.path())).unwrap();
        let loaded = (third.rest.expect("the rest to load"))().unwrap();
        assert_eq!(hits(&loaded.index, "가입"), hits(&whole, "가입"));
        assert!(
            SearchIndex::load_stored(&path, identity).is_ok(),
            "stored again"
        );

        // Without a cache: the whole folder and its index in memory.
        let uncached = console_start(None, Some(folder.path())).unwrap();
        assert_eq!(uncached.content.guide_count(), 2);
        assert!(uncached.index.is_some() && uncached.storing.is_none());
    }

    /// The cache is known by what the files hold: an edit that keeps a file's size and
    /// modification time (once answered from the old index: hits for text no longer there,
    /// none for the new) is searched anew, by the command line and the console alike.
    #[test]
    fn an_edit_that_keeps_size_and_time_is_never_answered_from_the_old_index() {
        let folder = folder();
        let cached = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(cached.path());
        let file = folder.path().join("call-cancel-fee.json");
        let first = search_index(Some(&cache), Some(folder.path())).unwrap();
        first.store();
        drop(console_start(Some(&cache), Some(folder.path())).unwrap());
        // A word no synonym list names (위약금 is an everyday word for 수수료).
        let before = search_index(Some(&cache), Some(folder.path())).unwrap();
        assert_eq!(before.source, IndexSource::Stored);
        assert!(!hits(&before.index, "수수료").is_empty());
        assert!(hits(&before.index, "쾅쾅쾅").is_empty());

        let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
        let text = std::fs::read_to_string(&file).unwrap();
        let edited = text.replace("수수료", "쾅쾅쾅");
        assert_eq!(edited.len(), text.len(), "the same size");
        std::fs::write(&file, edited).unwrap();
        std::fs::File::options()
            .append(true)
            .open(&file)
            .unwrap()
            .set_modified(modified)
            .unwrap();
        assert_eq!(
            std::fs::metadata(&file).unwrap().modified().unwrap(),
            modified,
            "the same time"
        );

        let after = search_index(Some(&cache), Some(folder.path())).unwrap();
        assert_eq!(after.source, IndexSource::Built, "not the old index");
        assert!(!hits(&after.index, "쾅쾅쾅").is_empty());
        let console = console_start(Some(&cache), Some(folder.path())).unwrap();
        let index = match (console.index, console.rest) {
            (Some(index), _) => index,
            (None, Some(rest)) => Arc::new(rest().unwrap().index),
            (None, None) => panic!("no index"),
        };
        assert_eq!(hits(&index, "쾅쾅쾅"), hits(&after.index, "쾅쾅쾅"));
        assert_eq!(hits(&index, "수수료"), hits(&after.index, "수수료"));
    }

    /// A FIFO (or anything but a file) where the cache's index goes is never opened for
    /// reading: `search` and the console once waited on it forever.
    #[test]
    fn a_fifo_in_the_caches_place_is_passed_over_at_once() {
        let folder = folder();
        let cached = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(cached.path());
        let identity = content::identity(folder.path()).unwrap();
        let fifo = cache.path_for(identity);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let (sender, answer) = std::sync::mpsc::channel();
        let dir = folder.path().to_owned();
        let cache_in = cache.clone();
        std::thread::spawn(move || {
            let searched = search_index(Some(&cache_in), Some(&dir)).map(|i| i.source);
            let opened =
                console_start(Some(&cache_in), Some(&dir)).map(|s| s.content.guide_count());
            let _ = sender.send((searched, opened));
        });
        let (searched, opened) = answer
            .recv_timeout(Duration::from_secs(30))
            .expect("answered, not held by the FIFO");
        assert_eq!(searched.unwrap(), IndexSource::Built);
        assert_eq!(opened.unwrap(), 2);
        assert!(!SearchIndex::is_stored_for(&fifo, identity));
    }

    #[test]
    fn a_folder_with_a_problem_reports_it_before_anything_is_stored() {
        let folder = folder();
        std::fs::write(folder.path().join("broken.json"), b"{\"id\": ").unwrap();
        let cached = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(cached.path());
        let Err(errors) = console_start(Some(&cache), Some(folder.path())) else {
            panic!("a broken file opened");
        };
        assert!(errors.to_string().contains("broken.json"), "{errors}");
        let stored = std::fs::read_dir(cache.dir()).map_or(0, Iterator::count);
        assert_eq!(stored, 0, "nothing stored, nothing left behind");
        let error = LoadError::from(errors);
        assert!(error.to_string().starts_with("콘텐츠 문제 "), "{error}");
    }

    #[test]
    fn the_newest_indexes_are_kept_and_abandoned_temporaries_removed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = IndexCache::at(dir.path());
        let now = SystemTime::now();
        let age = |path: &Path, seconds: u64| {
            let file = std::fs::File::options().write(true).open(path).unwrap();
            file.set_modified(now - Duration::from_secs(seconds))
                .unwrap();
        };
        let indexes: Vec<PathBuf> = (0..6u8).map(|n| cache.path_for([n; 16])).collect();
        for (n, path) in indexes.iter().enumerate() {
            std::fs::write(path, b"x").unwrap();
            age(path, 10 * (n as u64 + 1));
        }
        let abandoned = dir.path().join(".index-aa.bin.1.tmp");
        let texts = dir.path().join(".texts-1-0.tmp");
        let writing = dir.path().join(".index-bb.bin.2.tmp");
        let other = dir.path().join(".notes.tmp");
        for path in [&abandoned, &texts, &writing, &other] {
            std::fs::write(path, b"x").unwrap();
        }
        for path in [&abandoned, &texts, &other] {
            age(path, 2 * ABANDONED_AFTER.as_secs());
        }
        // The oldest was just written (a clock set back): it stays all the same.
        cache.prune(&indexes[5]);
        let kept: Vec<bool> = indexes.iter().map(|p| p.exists()).collect();
        assert_eq!(kept, [true, true, true, true, false, true]);
        assert!(!abandoned.exists());
        assert!(!texts.exists(), "texts of an index never built");
        assert!(writing.exists(), "a file still being written stays");
        assert!(other.exists(), "not ours");
    }
}
