//! What a sync keeps in the content folder's hidden `.sync/` (the content loader skips names
//! starting with a dot): the cursor of the last sync that completed, swapped in together
//! with the guides it wrote, and the pages of a run under way, so that an interrupted run
//! goes on where it stopped instead of asking for everything again.

use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::error::SyncError;
use crate::files::{self, Options};

/// The sync's folder inside the content folder.
pub const STATE_DIR: &str = ".sync";
/// The cursor, inside [`STATE_DIR`].
pub const CURSOR_FILE: &str = "cursor.json";
/// A run under way, inside [`STATE_DIR`].
pub const RUN_DIR: &str = "run";
const MANIFEST_FILE: &str = "run.json";
const VERSION: u32 = 1;

/// Where the last completed sync left off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cursor {
    pub version: u32,
    /// The help centre (`https://example.zendesk.com`) and locale synced.
    pub origin: String,
    pub locale: String,
    /// The next run asks the incremental export for articles changed from here on (Unix
    /// seconds): the server's clock when a whole sync began, or the `end_time` of the
    /// incremental export's last page.
    pub start_time: i64,
    /// When the sync completed (RFC 3339, KST), for people.
    pub synced_at: String,
    /// Every article the sync wrote a guide for, by article id.
    pub articles: BTreeMap<u64, Synced>,
}

/// An article as the sync last wrote it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Synced {
    /// The guide's id (its file is `<guide>.json`).
    pub guide: String,
    pub updated_at: Option<String>,
    /// The category path its section gave (a renamed section re-imports it).
    pub category: Vec<String>,
}

impl Cursor {
    pub fn path(out: &Path) -> PathBuf {
        out.join(STATE_DIR).join(CURSOR_FILE)
    }

    /// The folder's cursor; `None` when it was never synced.
    pub fn read(out: &Path) -> Result<Option<Self>, SyncError> {
        let path = Self::path(out);
        match fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map(Some).map_err(|err| {
                SyncError::folder(format!(
                    "{}: 동기화 기록을 읽을 수 없습니다 ({}줄 {}칸): {err} (지우면 처음부터 전체를 다시 받습니다)",
                    crate::text::path(&path),
                    err.line(),
                    err.column()
                ))
            }),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(err) => Err(SyncError::folder(format!(
                "{}: 동기화 기록을 읽을 수 없습니다: {}",
                crate::text::path(&path),
                crate::text::io_reason(&err)
            ))),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut text = serde_json::to_string_pretty(self).unwrap_or_default();
        text.push('\n');
        text.into_bytes()
    }

    pub fn new(origin: &str, locale: &str) -> Self {
        Self {
            version: VERSION,
            origin: origin.to_owned(),
            locale: locale.to_owned(),
            start_time: 0,
            synced_at: String::new(),
            articles: BTreeMap::new(),
        }
    }
}

/// The API's lists a run reads, in the order it reads them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Endpoint {
    Categories,
    Sections,
    /// Every article (offset pages): the whole set, and the id list deletions are told by.
    Articles,
    /// The incremental export: articles changed since the cursor.
    Changes,
}

impl Endpoint {
    /// The key of the page's list.
    pub fn key(self) -> &'static str {
        match self {
            Endpoint::Categories => "categories",
            Endpoint::Sections => "sections",
            Endpoint::Articles | Endpoint::Changes => "articles",
        }
    }

    /// In messages.
    pub fn name(self) -> &'static str {
        match self {
            Endpoint::Categories => "카테고리 목록",
            Endpoint::Sections => "섹션 목록",
            Endpoint::Articles => "문서 목록",
            Endpoint::Changes => "바뀐 문서",
        }
    }

    fn first_path(self, locale: &str, since: Option<i64>) -> String {
        match self {
            Endpoint::Categories => {
                format!("/api/v2/help_center/{locale}/categories.json?per_page=100")
            }
            Endpoint::Sections => {
                format!("/api/v2/help_center/{locale}/sections.json?per_page=100")
            }
            // Oldest first: an article added while the pages are read goes at the end, and
            // moves no other across a page boundary.
            Endpoint::Articles => format!(
                "/api/v2/help_center/{locale}/articles.json?per_page=100&sort_by=created_at&sort_order=asc"
            ),
            Endpoint::Changes => format!(
                "/api/v2/help_center/incremental/articles.json?start_time={}",
                since.unwrap_or(0)
            ),
        }
    }
}

/// One list being read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub endpoint: Endpoint,
    /// The page to ask for next (path and query); `None` once the list is read.
    pub next: Option<String>,
    pub pages: u32,
    /// Entries received so far, and how many the list said it holds.
    pub items: usize,
    pub total: Option<usize>,
    /// The incremental export's last `end_time`.
    pub end_time: Option<i64>,
    /// Two pages gave different totals: the list changed while it was read.
    #[serde(default)]
    pub moved: bool,
}

/// A run's state: what it continues from, and how far each list is read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub version: u32,
    pub origin: String,
    pub locale: String,
    /// The cursor's `start_time` it continues from; `None`: a whole sync.
    pub since: Option<i64>,
    /// The server's clock when the run's first answer came (Unix seconds).
    pub began: Option<i64>,
    pub steps: Vec<Step>,
}

/// What the run folder held before this process touched it, to put back when the run
/// fails for a reason that running again would not cure.
#[derive(Debug)]
enum Before {
    /// Nothing (or a run of another cursor, given up): the folders this run created.
    Nothing { created: Vec<PathBuf> },
    Saved {
        manifest: Vec<u8>,
        pages: BTreeSet<OsString>,
    },
}

/// A run under way, kept in `.sync/run/` page by page.
#[derive(Debug)]
pub struct Run {
    out: PathBuf,
    pub manifest: Manifest,
    /// It continues a run that an earlier process began.
    pub resumed: bool,
    before: Before,
    /// Something was saved by this process.
    touched: bool,
}

impl Run {
    fn dir(out: &Path) -> PathBuf {
        out.join(STATE_DIR).join(RUN_DIR)
    }

    /// The run under way for this help centre and cursor, or a new one.
    pub fn open(out: &Path, origin: &str, locale: &str, since: Option<i64>) -> Self {
        let dir = Self::dir(out);
        let manifest_path = dir.join(MANIFEST_FILE);
        let saved = fs::read(&manifest_path).ok().and_then(|bytes| {
            let manifest: Manifest = serde_json::from_slice(&bytes).ok()?;
            (manifest.version == VERSION
                && manifest.origin == origin
                && manifest.locale == locale
                && manifest.since == since)
                .then_some((manifest, bytes))
        });
        if let Some((manifest, bytes)) = saved {
            let pages = fs::read_dir(&dir)
                .into_iter()
                .flatten()
                .flatten()
                .map(|e| e.file_name())
                .collect();
            return Self {
                out: out.to_owned(),
                manifest,
                resumed: true,
                before: Before::Saved {
                    manifest: bytes,
                    pages,
                },
                touched: false,
            };
        }
        let mut endpoints = vec![Endpoint::Categories, Endpoint::Sections, Endpoint::Articles];
        if since.is_some() {
            endpoints.push(Endpoint::Changes);
        }
        let steps = endpoints
            .into_iter()
            .map(|endpoint| Step {
                endpoint,
                next: Some(endpoint.first_path(locale, since)),
                pages: 0,
                items: 0,
                total: None,
                end_time: None,
                moved: false,
            })
            .collect();
        Self {
            out: out.to_owned(),
            manifest: Manifest {
                version: VERSION,
                origin: origin.to_owned(),
                locale: locale.to_owned(),
                since,
                began: None,
                steps,
            },
            resumed: false,
            before: Before::Nothing {
                created: Vec::new(),
            },
            touched: false,
        }
    }

    fn page_name(endpoint: Endpoint, page: u32) -> String {
        format!("{}-{page:05}.json", endpoint.key_name())
    }

    /// Keeps a page of step `index` and where the list goes on, page first: a process
    /// ended between the two writes only asks for that page again.
    pub fn save_page(&mut self, index: usize, text: &str, step: Step) -> Result<(), SyncError> {
        let dir = Self::dir(&self.out);
        if !self.touched {
            if let Before::Nothing { created } = &mut self.before {
                // A run of another cursor is given up.
                if dir.exists() {
                    fs::remove_dir_all(&dir).map_err(|err| {
                        SyncError::folder(format!(
                            "{}: 지난 동기화의 받던 기록을 지울 수 없습니다: {}",
                            crate::text::path(&dir),
                            crate::text::io_reason(&err)
                        ))
                    })?;
                }
                for folder in [self.out.clone(), self.out.join(STATE_DIR), dir.clone()] {
                    if !folder.exists() {
                        fs::create_dir(&folder).map_err(|err| {
                            SyncError::folder(format!(
                                "{}: 폴더를 만들 수 없습니다: {}",
                                crate::text::path(&folder),
                                crate::text::io_reason(&err)
                            ))
                        })?;
                        created.push(folder);
                    }
                }
            }
            self.touched = true;
        }
        let name = Self::page_name(step.endpoint, self.manifest.steps[index].pages);
        files::write_atomic_as(&dir.join(name), Options::CACHE, text.as_bytes())?;
        self.manifest.steps[index] = step;
        self.save_manifest()
    }

    fn save_manifest(&self) -> Result<(), SyncError> {
        let bytes = serde_json::to_vec_pretty(&self.manifest).unwrap_or_default();
        files::write_atomic_as(
            &Self::dir(&self.out).join(MANIFEST_FILE),
            Options::CACHE,
            &bytes,
        )?;
        Ok(())
    }

    /// The pages kept of step `index`, in order.
    pub fn pages(&self, index: usize) -> Result<Vec<String>, SyncError> {
        let step = &self.manifest.steps[index];
        let dir = Self::dir(&self.out);
        (0..step.pages)
            .map(|page| {
                let path = dir.join(Self::page_name(step.endpoint, page));
                fs::read_to_string(&path).map_err(|err| {
                    SyncError::folder(format!(
                        "{}: 받아 둔 페이지를 읽을 수 없습니다: {}",
                        crate::text::path(&path),
                        crate::text::io_reason(&err)
                    ))
                })
            })
            .collect()
    }

    /// Puts the run folder back as it was before this process (a run that failed for a
    /// reason running again would not cure leaves no trace).
    pub fn roll_back(&self) {
        if !self.touched {
            return;
        }
        let dir = Self::dir(&self.out);
        match &self.before {
            Before::Nothing { created } => {
                let _ = fs::remove_dir_all(&dir);
                for folder in created.iter().rev() {
                    // Only if empty: never what someone else put there meanwhile.
                    let _ = fs::remove_dir(folder);
                }
            }
            Before::Saved { manifest, pages } => {
                let _ = files::write_atomic_as(&dir.join(MANIFEST_FILE), Options::CACHE, manifest);
                for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                    if !pages.contains(&entry.file_name()) {
                        let _ = fs::remove_file(entry.path());
                    }
                }
            }
        }
    }

    /// The run folder once its work is in the content folder (or the content folder's
    /// copy of it, in a staging folder).
    pub fn discard_in(folder: &Path) -> Result<(), SyncError> {
        let dir = Self::dir(folder);
        match fs::remove_dir_all(&dir) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                Err(SyncError::folder(format!(
                    "{}: 받던 기록을 지울 수 없습니다: {}",
                    crate::text::path(&dir),
                    crate::text::io_reason(&err)
                )))
            }
            _ => Ok(()),
        }
    }
}

impl Endpoint {
    fn key_name(self) -> &'static str {
        match self {
            Endpoint::Categories => "categories",
            Endpoint::Sections => "sections",
            Endpoint::Articles => "articles",
            Endpoint::Changes => "changes",
        }
    }
}
