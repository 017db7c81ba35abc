//! Checks that parsed content is whole and consistent; reports every problem, not only the first.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate};
use serde::Deserialize;

use super::ContentError;
use super::locate::{JsonPath, locate_all};
use super::model::{
    Case, Guide, InputKind, InputUnit, Item, ItemKind, Met, RuleInput, RuleTerms, ScheduleEffect,
    Synonym, SynonymList, decision,
};

/// Ratings are given on a 0.0 to 5.0 scale with at most two decimals.
pub const RATING_MAX: f64 = 5.0;

struct Reporter<'a> {
    file: &'a str,
    /// The file's bytes, read as text only to place problems (sound files never pay).
    text: &'a [u8],
    /// Problems found, placed in the file all at once by [`Reporter::finish`].
    found: Vec<(JsonPath, String)>,
}

impl<'a> Reporter<'a> {
    fn new(file: &'a str, text: &'a [u8]) -> Self {
        Self {
            file,
            text,
            found: Vec::new(),
        }
    }

    fn error(&mut self, path: &JsonPath, message: impl Into<String>) {
        self.found.push((*path, message.into()));
    }

    /// The problems with their lines and columns, found in one pass over the file.
    fn finish(self) -> Vec<ContentError> {
        if self.found.is_empty() {
            return Vec::new();
        }
        let text = String::from_utf8_lossy(self.text);
        let paths: Vec<JsonPath> = self.found.iter().map(|(path, _)| *path).collect();
        let places = locate_all(&text, &paths);
        self.found
            .into_iter()
            .zip(places)
            .map(|((path, message), place)| ContentError {
                file: self.file.to_owned(),
                line: place.map(|(line, _)| line),
                column: place.map(|(_, column)| column),
                path: Some(path.to_string()),
                message,
            })
            .collect()
    }

    fn require_text(&mut self, path: &JsonPath, value: &str, what: &str) {
        if is_blank(value) {
            self.error(
                path,
                format!("{what}이(가) 비어 있습니다 (빈 글은 안 됩니다)"),
            );
        }
    }
}

/// Empty or only spaces. Stops at the first other character, where `trim` looks at both ends.
fn is_blank(text: &str) -> bool {
    text.chars().all(char::is_whitespace)
}

/// Validates every guide against the others (ids are unique across all files).
pub fn validate(files: &[(&str, &Guide, &[u8])]) -> Vec<ContentError> {
    let mut errors = Vec::new();
    // First pass: declare ids, so references may point into other files.
    let state = foldhash::fast::RandomState::default();
    let hashed = crate::parallel::in_shares(files.len(), 1, |share| {
        let mut hashed = HashedIds::default();
        for file in share {
            hashed.declare_guide(&state, file, files[file].1);
        }
        hashed
    });
    let (ids, duplicates) = Declarations::table(state, hashed);
    let mut found = ids.blank_problems();
    found.extend(duplicate_problems(&duplicates, |file| {
        files.get(file).map(|&(name, guide, _)| (name, guide))
    }));
    // Each file's problems with its ids in declaration order, as one pass would find them.
    found.sort_by_key(|problem| (problem.file, problem.ordinal));
    for problems in found.chunk_by(|a, b| a.file == b.file) {
        let Some(&(file, _, text)) = problems.first().and_then(|first| files.get(first.file))
        else {
            continue;
        };
        let mut reporter = Reporter::new(file, text);
        for problem in problems {
            reporter.error(&problem.path, problem.message.as_str());
        }
        errors.extend(reporter.finish());
    }

    // Second pass, each file on its own (a help centre's files are checked on every core).
    let checked = crate::parallel::in_shares(files.len(), 1, |share| {
        let mut errors = Vec::new();
        for &(file, guide, text) in &files[share] {
            errors.extend(check_file(file, guide, text, &ids));
        }
        errors
    });
    errors.extend(checked.into_iter().flatten());
    errors
}

/// The problems of one guide's file that need the declared ids of all files: every check but
/// the ids' own (blank and duplicate ids, found as the ids are declared).
pub(crate) fn check_file(
    file: &str,
    guide: &Guide,
    text: &[u8],
    ids: &Declarations<'_>,
) -> Vec<ContentError> {
    let mut reporter = Reporter::new(file, text);
    check_guide(&mut reporter, guide, ids);
    reporter.finish()
}

/// A problem with a declared id: the file, the id's ordinal there, where and what.
struct IdProblem {
    file: usize,
    ordinal: usize,
    path: JsonPath,
    message: String,
}

/// An id declared again: where, where first, and the id.
pub(crate) struct Duplicate {
    here: Declared,
    first: Declared,
    id: String,
}

/// The problems of ids declared again, each naming the first declaration. `guide_of` gives
/// a file's name and guide (the paths are rebuilt only here, once per file named).
fn duplicate_problems<'g>(
    duplicates: &[Duplicate],
    guide_of: impl Fn(usize) -> Option<(&'g str, &'g Guide)>,
) -> Vec<IdProblem> {
    // Each file's declared paths are listed once, on its first duplicate: a broken export
    // with thousands of duplicates stays linear.
    let mut declared_paths: HashMap<usize, Vec<JsonPath>> = HashMap::new();
    let mut path_of = |at: &Declared| {
        declared_paths
            .entry(at.file)
            .or_insert_with(|| {
                guide_of(at.file)
                    .map(|(_, g)| declared_path_list(g))
                    .unwrap_or_default()
            })
            .get(at.ordinal)
            .copied()
    };
    duplicates
        .iter()
        .map(|duplicate| {
            let first_path =
                path_of(&duplicate.first).map_or_else(|| "?".to_owned(), |path| path.to_string());
            let first_name = guide_of(duplicate.first.file).map_or("?", |(name, _)| name);
            IdProblem {
                file: duplicate.here.file,
                ordinal: duplicate.here.ordinal,
                path: path_of(&duplicate.here).unwrap_or_default(),
                message: format!(
                    "id \"{}\"가 중복됩니다 (처음 선언: {first_name}의 {first_path})",
                    duplicate.id
                ),
            }
        })
        .collect()
}

/// Tables the declared ids are split into by hash.
const ID_SHARDS: usize = 8;

/// An id as declared: its hash, the id, where (file and ordinal) and what it names.
struct Declaration<'a> {
    hash: u64,
    id: IdText<'a>,
    declared: Declared,
}

/// An id as a table compares it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum IdText<'a> {
    /// Borrowed from guides held for the whole check.
    Text(&'a str),
    /// A second hash of it, of another function and seed, where each guide is let go once
    /// its ids are declared (a help centre read a file at a time: its million ids would
    /// take tens of megabytes). Two ids are taken for one only when both hashes agree, odds
    /// of about one in 10^38 for two different ids; and every id found declared twice sends
    /// the folder to be read whole, where ids are compared as text.
    Check(u64),
}

/// The seed of [`IdText::Check`]'s hash.
const CHECK_SEED: u64 = 0x6964_5f63_6865_636b;

impl IdText<'_> {
    /// The second hash of `id`.
    fn check(id: &str) -> Self {
        Self::Check(crate::checksum::checksum(id.as_bytes(), CHECK_SEED))
    }

    /// Whether this is `id`.
    fn is(self, id: &str) -> bool {
        match self {
            Self::Text(text) => text == id,
            Self::Check(_) => self == Self::check(id),
        }
    }

    fn text(self) -> String {
        match self {
            Self::Text(text) => text.to_owned(),
            Self::Check(_) => String::new(),
        }
    }
}

/// The ids of some files, hashed and split by shard, with the blank ones (one core's share
/// of the files; shares are tabled together in file order).
#[derive(Default)]
pub(crate) struct HashedIds<'a> {
    shards: Vec<Vec<Declaration<'a>>>,
    blank: Vec<(usize, usize, JsonPath)>,
}

impl HashedIds<'static> {
    /// Declares the ids the declaring pass read of file `file` (each kept as its
    /// [`IdText::check`]), tallied into `tally`.
    pub(crate) fn declare_read(
        &mut self,
        state: &foldhash::fast::RandomState,
        file: usize,
        read: &GuideIds,
        tally: &mut Tally,
    ) {
        let mut ordinal = 0;
        read.each_declared(&mut |id, kind| {
            tally.add(id, kind as u64);
            let at = Declared {
                file,
                ordinal,
                kind,
            };
            self.declare(state, at, JsonPath::root(), id, || IdText::check(id));
            ordinal += 1;
        });
    }
}

impl<'a> HashedIds<'a> {
    /// Declares the ids of `guide`, file `file` in content order, each borrowed from it.
    fn declare_guide(
        &mut self,
        state: &foldhash::fast::RandomState,
        file: usize,
        guide: &'a Guide,
    ) {
        let mut ordinal = 0;
        for_each_declared_id(guide, &mut |path, id, kind| {
            let at = Declared {
                file,
                ordinal,
                kind,
            };
            self.declare(state, at, path, id, || IdText::Text(id));
            ordinal += 1;
        });
    }

    /// Declares `id` (kept as `key` makes it), declared `at` and `path`.
    fn declare(
        &mut self,
        state: &foldhash::fast::RandomState,
        at: Declared,
        path: JsonPath,
        id: &str,
        key: impl FnOnce() -> IdText<'a>,
    ) {
        if self.shards.is_empty() {
            self.shards = (0..ID_SHARDS).map(|_| Vec::new()).collect();
        }
        if is_blank(id) {
            self.blank.push((at.file, at.ordinal, path));
            return;
        }
        let hash = std::hash::BuildHasher::hash_one(state, id);
        if let Some(shard) = self.shards.get_mut(Declarations::shard(hash)) {
            shard.push(Declaration {
                hash,
                id: key(),
                declared: at,
            });
        }
    }
}

/// What the declaring pass reads of a guide's file where the guides are let go as they are
/// read (a help centre a file at a time): its ids and what its rules cite, the rest skipped
/// unread. The full guide, read in the checking pass, must declare and cite exactly the same
/// (see [`Tally`]), so a file this reads otherwise than a full read (text in another
/// normal form, say) only sends the folder to be read whole.
#[derive(Deserialize)]
pub(crate) struct GuideIds {
    id: String,
    #[serde(default)]
    schedule: Option<ScheduleIds>,
    #[serde(default)]
    notes: Vec<SectionIds>,
    #[serde(default)]
    rules: Vec<RuleIds>,
    #[serde(default)]
    qa: Vec<QaIds>,
    #[serde(default)]
    sms_templates: Vec<Id>,
}

#[derive(Deserialize)]
struct Id {
    id: String,
}

#[derive(Deserialize)]
struct ScheduleIds {
    #[serde(default)]
    events: Vec<Id>,
}

#[derive(Deserialize)]
struct SectionIds {
    id: String,
    #[serde(default)]
    items: Vec<Id>,
}

#[derive(Deserialize)]
struct RuleIds {
    id: String,
    #[serde(default)]
    sources: Vec<String>,
}

#[derive(Deserialize)]
struct QaIds {
    id: String,
    #[serde(default)]
    sections: Vec<SectionIds>,
}

impl GuideIds {
    /// Every id declared, with what it names (as [`for_each_declared_id`] lists a guide's).
    fn each_declared(&self, visit: &mut impl FnMut(&str, IdKind)) {
        visit(&self.id, IdKind::Guide);
        for event in self.schedule.iter().flat_map(|schedule| &schedule.events) {
            visit(&event.id, IdKind::Event);
        }
        let section = |section: &SectionIds, visit: &mut dyn FnMut(&str, IdKind)| {
            visit(&section.id, IdKind::Section);
            for item in &section.items {
                visit(&item.id, IdKind::Item);
            }
        };
        for note in &self.notes {
            section(note, visit);
        }
        for rule in &self.rules {
            visit(&rule.id, IdKind::Rule);
        }
        for qa in &self.qa {
            visit(&qa.id, IdKind::Qa);
            for part in &qa.sections {
                section(part, visit);
            }
        }
        for template in &self.sms_templates {
            visit(&template.id, IdKind::Template);
        }
    }

    /// What the rules cite.
    pub(crate) fn cited(self) -> impl Iterator<Item = String> {
        self.rules.into_iter().flat_map(|rule| rule.sources)
    }
}

/// How many ids (or cited sentences) and a sum of their hashes, the same in any order: what
/// the declaring pass read, checked against what the full guides hold.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tally {
    count: u64,
    sum: u64,
}

impl Tally {
    fn add(&mut self, text: &str, kind: u64) {
        self.count += 1;
        let hash = crate::checksum::checksum(text.as_bytes(), CHECK_SEED ^ kind);
        self.sum = self.sum.wrapping_add(hash);
    }

    pub(crate) fn add_cited(&mut self, source: &str) {
        self.add(source, u64::MAX);
    }

    pub(crate) fn merge(&mut self, other: Self) {
        self.count += other.count;
        self.sum = self.sum.wrapping_add(other.sum);
    }
}

/// Whether `guide` declares only ids the declaring pass found (of the same kind), tallied
/// into `tally`.
pub(crate) fn declares_as_found(guide: &Guide, ids: &Declarations<'_>, tally: &mut Tally) -> bool {
    let mut found = true;
    for_each_declared_id(guide, &mut |_, id, kind| {
        found &= ids.is(id, kind);
        tally.add(id, kind as u64);
    });
    found
}

/// What an id names; rules may cite items and schedule events, Q&A may list templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdKind {
    Guide,
    Event,
    Section,
    Item,
    Rule,
    Qa,
    Template,
}

/// Where an id was first declared: its file, and its ordinal among that file's declared ids
/// (the path is rebuilt only for a duplicate, so the table stays small for large content).
#[derive(Clone, Copy)]
struct Declared {
    file: usize,
    ordinal: usize,
    kind: IdKind,
}

/// The declared ids, in [`ID_SHARDS`] tables by hash, and where ids were blank.
pub(crate) struct Declarations<'a> {
    state: foldhash::fast::RandomState,
    tables: Vec<hashbrown::HashTable<Declaration<'a>>>,
    blank: Vec<(usize, usize, JsonPath)>,
}

impl<'a> Declarations<'a> {
    /// Every id the shares declare (hashed with `state`), where it was first declared, and
    /// the ids declared again.
    ///
    /// A help centre declares about a million ids: reading and hashing them is shared out by
    /// files, putting them in tables by shards (each core its own tables), and a table
    /// compares strings only when hashes meet. Shards keep the files' order, so the first
    /// declaration is the one a single pass finds.
    pub(crate) fn table(
        state: foldhash::fast::RandomState,
        hashed: Vec<HashedIds<'a>>,
    ) -> (Self, Vec<Duplicate>) {
        // Each shard's declarations, a list from each share of the files (in file order);
        // each taken, and let go, by the core that puts them in a table.
        let mut blank = Vec::new();
        let by_shard: Vec<std::sync::Mutex<Vec<Vec<Declaration<'a>>>>> = (0..ID_SHARDS)
            .map(|_| std::sync::Mutex::new(Vec::with_capacity(hashed.len())))
            .collect();
        for share in hashed {
            for (lists, list) in by_shard.iter().zip(share.shards) {
                if let Ok(mut lists) = lists.lock() {
                    lists.push(list);
                }
            }
            blank.extend(share.blank);
        }
        let by_shard = &by_shard;
        let shares = crate::parallel::in_shares(ID_SHARDS, 1, |mine| {
            let mut tables = Vec::with_capacity(mine.len());
            let mut duplicates = Vec::new();
            for shard in mine {
                let lists = by_shard[shard]
                    .lock()
                    .map(|mut lists| std::mem::take(&mut *lists))
                    .unwrap_or_default();
                let count = lists.iter().map(Vec::len).sum();
                let mut table: hashbrown::HashTable<Declaration<'a>> =
                    hashbrown::HashTable::with_capacity(count);
                for declaration in lists.into_iter().flatten() {
                    let same = |entry: &Declaration<'_>| entry.id == declaration.id;
                    if let Some(first) = table.find(declaration.hash, same) {
                        duplicates.push(Duplicate {
                            here: declaration.declared,
                            first: first.declared,
                            id: declaration.id.text(),
                        });
                    } else {
                        table.insert_unique(declaration.hash, declaration, |entry| entry.hash);
                    }
                }
                tables.push(table);
            }
            (tables, duplicates)
        });
        let mut tables = Vec::with_capacity(ID_SHARDS);
        let mut duplicates = Vec::new();
        for (share_tables, found) in shares {
            tables.extend(share_tables);
            duplicates.extend(found);
        }
        let declarations = Self {
            state,
            tables,
            blank,
        };
        (declarations, duplicates)
    }

    /// Whether any id was blank.
    pub(crate) fn has_blank(&self) -> bool {
        !self.blank.is_empty()
    }

    fn blank_problems(&self) -> Vec<IdProblem> {
        self.blank
            .iter()
            .map(|&(file, ordinal, path)| IdProblem {
                file,
                ordinal,
                path,
                message: "id가 비어 있습니다 (빈 글은 안 됩니다)".to_owned(),
            })
            .collect()
    }

    /// An id's table: from the hash mixed again, so the tables' own use of its bits (where
    /// a table looks, and its tags) does not see every id of a table alike.
    fn shard(hash: u64) -> usize {
        let mixed = hash.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
        // The remainder is below ID_SHARDS, so it fits.
        usize::try_from(mixed % ID_SHARDS as u64).unwrap_or(0)
    }

    fn is(&self, id: &str, kind: IdKind) -> bool {
        let hash = std::hash::BuildHasher::hash_one(&self.state, id);
        self.tables
            .get(Self::shard(hash))
            .and_then(|table| table.find(hash, |entry| entry.id.is(id)))
            .is_some_and(|entry| entry.declared.kind == kind)
    }
}

/// Every id a guide declares that must be unique across all content, with its path, in a
/// fixed order (an id's ordinal in this order locates it again).
fn for_each_declared_id<'g>(guide: &'g Guide, visit: &mut impl FnMut(JsonPath, &'g str, IdKind)) {
    let root = JsonPath::root();
    visit(root.key("id"), &guide.id, IdKind::Guide);
    if let Some(schedule) = &guide.schedule {
        for (n, event) in schedule.events.iter().enumerate() {
            visit(
                root.key("schedule").key("events").index(n).key("id"),
                &event.id,
                IdKind::Event,
            );
        }
    }
    for (s, section) in guide.notes.iter().enumerate() {
        let path = root.key("notes").index(s);
        visit(path.key("id"), &section.id, IdKind::Section);
        for (i, item) in section.items.iter().enumerate() {
            visit(path.key("items").index(i).key("id"), &item.id, IdKind::Item);
        }
    }
    for (r, rule) in guide.rules.iter().enumerate() {
        visit(root.key("rules").index(r).key("id"), &rule.id, IdKind::Rule);
    }
    for (q, qa) in guide.qa.iter().enumerate() {
        let path = root.key("qa").index(q);
        visit(path.key("id"), &qa.id, IdKind::Qa);
        for (s, section) in qa.sections.iter().enumerate() {
            let path = path.key("sections").index(s);
            visit(path.key("id"), &section.id, IdKind::Section);
            for (i, item) in section.items.iter().enumerate() {
                visit(path.key("items").index(i).key("id"), &item.id, IdKind::Item);
            }
        }
    }
    for (t, template) in guide.sms_templates.iter().enumerate() {
        visit(
            root.key("sms_templates").index(t).key("id"),
            &template.id,
            IdKind::Template,
        );
    }
}

/// The path of every id a guide declares, in declaration order (an ordinal indexes it).
fn declared_path_list(guide: &Guide) -> Vec<JsonPath> {
    let mut paths = Vec::new();
    for_each_declared_id(guide, &mut |path, _, _| paths.push(path));
    paths
}

fn check_guide(reporter: &mut Reporter<'_>, guide: &Guide, ids: &Declarations<'_>) {
    let root = JsonPath::root();
    reporter.require_text(&root.key("제목"), &guide.title, "제목");
    reporter.require_text(&root.key("머리글"), &guide.heading, "머리글");
    // A reference guide (an article outside the template) has the path and the handling
    // order its article gives, which may be none.
    if guide.category.is_empty() && !guide.outside_template {
        reporter.error(
            &root.key("category"),
            "상담 유형 경로가 비어 있습니다 (한 단계 이상 필요)",
        );
    }
    for (n, level) in guide.category.iter().enumerate() {
        reporter.require_text(&root.key("category").index(n), level, "상담 유형 단계");
    }
    if guide.handling_order.is_empty() && !guide.outside_template {
        reporter.error(
            &root.key("handling_order"),
            "응대 순서가 비어 있습니다 (한 단계 이상 필요)",
        );
    }
    check_local_ids(
        reporter,
        "handling_order",
        guide.handling_order.iter().map(|step| step.id.as_str()),
    );
    for (n, step) in guide.handling_order.iter().enumerate() {
        reporter.require_text(
            &root.key("handling_order").index(n).key("label"),
            &step.label,
            "응대 단계 이름",
        );
    }
    check_local_ids(
        reporter,
        "links",
        guide.links.iter().map(|link| link.id.as_str()),
    );
    for (n, link) in guide.links.iter().enumerate() {
        let path = root.key("links").index(n);
        reporter.require_text(&path.key("label"), &link.label, "링크 이름");
        if let Some(url) = &link.url {
            check_url(reporter, &path.key("url"), url);
        }
    }
    for (n, url) in guide.images.iter().enumerate() {
        check_url(reporter, &root.key("images").index(n), url);
    }
    check_schedule(reporter, guide);
    for (s, section) in guide.notes.iter().enumerate() {
        let path = root.key("notes").index(s);
        check_items(reporter, guide, &path, &section.items);
    }
    check_inputs(reporter, guide);
    check_rules(reporter, guide, ids);
    check_qa(reporter, guide, ids);
    check_templates(reporter, guide);
    if !guide.synonyms.is_empty() {
        let root = JsonPath::root().key("synonyms");
        check_synonyms(reporter, &root, &guide.synonyms);
        // A guide's own synonyms lead to its own words: one that leads nowhere is a slip.
        let text = guide_words(guide);
        for (n, synonym) in guide.synonyms.iter().enumerate() {
            let means = synonym_key(&synonym.means);
            if !means.is_empty() && !text.contains(&means) {
                reporter.error(
                    &root.index(n).key("means"),
                    format!(
                        "\"{}\"은(는) 이 가이드의 글에 없는 말입니다 (유의어는 가이드에 쓰인 말로 이어져야 합니다)",
                        synonym.means
                    ),
                );
            }
        }
    }
}

/// Longest synonym word or guide word, in characters: a word or a short phrase.
const SYNONYM_MAX_CHARS: usize = 20;

/// A synonym's word as search compares it: lower case, spaces left out ("안 돼요" and
/// "안돼요" are one word to search).
pub(crate) fn synonym_key(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Every text of a guide that search reads, compared as [`synonym_key`] does.
fn guide_words(guide: &Guide) -> String {
    let mut all = String::new();
    let mut add = |text: &str| all.push_str(&synonym_key(text));
    add(&guide.heading);
    add(&guide.title);
    guide.category.iter().for_each(|c| add(c));
    guide
        .handling_order
        .iter()
        .for_each(|step| add(&step.label));
    guide.links.iter().for_each(|link| add(&link.label));
    if let Some(schedule) = &guide.schedule {
        add(&schedule.title);
        schedule.events.iter().for_each(|event| add(&event.line()));
    }
    for section in &guide.notes {
        section.title.iter().for_each(|t| add(t));
        section.items.iter().for_each(|item| add(&item.text));
    }
    for qa in &guide.qa {
        qa.questions.iter().for_each(|q| add(q));
        qa.aliases.iter().for_each(|a| add(a));
        for section in &qa.sections {
            section.title.iter().for_each(|t| add(t));
            section.items.iter().for_each(|item| add(&item.text));
        }
    }
    for template in &guide.sms_templates {
        add(&template.label());
        add(&template.text);
    }
    all
}

/// The checks every synonym list passes: words and the guide's word present, short, free of
/// control characters; a word never its own guide word; each word once; no word that is
/// also a guide word of the list (a chain 환불 → 환급 → … would read a query twice).
fn check_synonyms(reporter: &mut Reporter<'_>, root: &JsonPath, synonyms: &[Synonym]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let guide_words: HashSet<String> = synonyms.iter().map(|s| synonym_key(&s.means)).collect();
    let check_text = |reporter: &mut Reporter<'_>, path: &JsonPath, text: &str, what: &str| {
        reporter.require_text(path, text, what);
        if text.chars().any(crate::text::is_unsafe) {
            reporter.error(path, format!("{what}에 제어 문자가 있습니다"));
        }
        let length = synonym_key(text).chars().count();
        if length > SYNONYM_MAX_CHARS {
            reporter.error(
                path,
                format!(
                    "{what}이(가) {length}자입니다 (낱말이나 짧은 말, {SYNONYM_MAX_CHARS}자까지)"
                ),
            );
        }
    };
    for (n, synonym) in synonyms.iter().enumerate() {
        let path = root.index(n);
        check_text(
            reporter,
            &path.key("means"),
            &synonym.means,
            "가이드의 말(means)",
        );
        if synonym.words.is_empty() {
            reporter.error(&path.key("words"), "유의어가 없습니다 (하나 이상 필요)");
        }
        let means = synonym_key(&synonym.means);
        for (w, word) in synonym.words.iter().enumerate() {
            let word_path = path.key("words").index(w);
            check_text(reporter, &word_path, word, "유의어");
            let key = synonym_key(word);
            if key.is_empty() {
                continue;
            }
            if key == means {
                reporter.error(
                    &word_path,
                    format!("\"{word}\"은(는) 가이드의 말과 같습니다"),
                );
            } else if guide_words.contains(&key) {
                reporter.error(
                    &word_path,
                    format!("\"{word}\"은(는) 이 목록에서 가이드의 말(means)로도 쓰입니다 (유의어가 꼬리를 물면 안 됩니다)"),
                );
            } else if let Some(first) = seen.get(&key) {
                reporter.error(
                    &word_path,
                    format!("유의어 \"{word}\"가 중복됩니다 (처음: synonyms[{first}])"),
                );
            } else {
                seen.insert(key, n);
            }
        }
    }
}

/// Validates the global synonym list file.
pub fn validate_synonym_list(file: &str, list: &SynonymList, bytes: &[u8]) -> Vec<ContentError> {
    let mut reporter = Reporter::new(file, bytes);
    check_synonyms(
        &mut reporter,
        &JsonPath::root().key("synonyms"),
        &list.synonyms,
    );
    reporter.finish()
}

fn check_qa(reporter: &mut Reporter<'_>, guide: &Guide, ids: &Declarations<'_>) {
    let root = JsonPath::root();
    for (q, qa) in guide.qa.iter().enumerate() {
        let path = root.key("qa").index(q);
        if qa.questions.is_empty() {
            reporter.error(&path.key("questions"), "질문이 없습니다 (하나 이상 필요)");
        }
        for (n, question) in qa.questions.iter().enumerate() {
            reporter.require_text(&path.key("questions").index(n), question, "질문");
        }
        for (n, alias) in qa.aliases.iter().enumerate() {
            reporter.require_text(&path.key("aliases").index(n), alias, "별칭");
        }
        for (s, section) in qa.sections.iter().enumerate() {
            let path = path.key("sections").index(s);
            check_items(reporter, guide, &path, &section.items);
        }
        for (n, id) in qa.sms_templates.iter().enumerate() {
            if !ids.is(id, IdKind::Template) {
                reporter.error(
                    &path.key("sms_templates").index(n),
                    format!("없는 SMS 템플릿 \"{id}\" (sms_templates 항목의 id여야 합니다)"),
                );
            }
        }
        for (n, id) in qa.rules.iter().enumerate() {
            if guide.rule(id).is_none() {
                reporter.error(
                    &path.key("rules").index(n),
                    format!("없는 규정 \"{id}\" (이 가이드 rules 항목의 id여야 합니다)"),
                );
            }
        }
    }
}

fn check_templates(reporter: &mut Reporter<'_>, guide: &Guide) {
    let root = JsonPath::root();
    for (t, template) in guide.sms_templates.iter().enumerate() {
        let path = root.key("sms_templates").index(t);
        reporter.require_text(&path.key("제목"), &template.title, "템플릿 제목");
        reporter.require_text(&path.key("본문"), &template.text, "템플릿 본문");
        let mut names = HashSet::new();
        for (v, variable) in template.variables.iter().enumerate() {
            let var_path = path.key("variables").index(v).key("name");
            if !variable_name_ok(&variable.name) {
                reporter.error(
                    &var_path,
                    format!(
                        "변수 이름 \"{}\"에는 영어 소문자·한글·숫자·_만 쓸 수 있습니다",
                        variable.name
                    ),
                );
            }
            if !names.insert(variable.name.as_str()) {
                reporter.error(
                    &var_path,
                    format!("변수 \"{}\"가 두 번 선언되었습니다", variable.name),
                );
            }
        }
        for placeholder in template.placeholders() {
            if !names.contains(placeholder.name.as_str()) {
                reporter.error(
                    &path.key("본문"),
                    format!(
                        "자리표시 {{{{{}}}}}가 이 템플릿의 변수로 선언되지 않았습니다",
                        placeholder.name
                    ),
                );
            }
        }
    }
}

fn check_local_ids<'a>(
    reporter: &mut Reporter<'_>,
    field: &'static str,
    ids: impl Iterator<Item = &'a str>,
) {
    let mut seen = HashSet::new();
    for (n, id) in ids.enumerate() {
        let path = JsonPath::root().key(field).index(n).key("id");
        if is_blank(id) {
            reporter.error(&path, "id가 비어 있습니다 (빈 글은 안 됩니다)");
        } else if !seen.insert(id) {
            reporter.error(&path, format!("{field} 안에서 id \"{id}\"가 중복됩니다"));
        }
    }
}

fn check_url(reporter: &mut Reporter<'_>, path: &JsonPath, url: &str) {
    // Web addresses, and the mail and phone links help-centre articles give.
    let scheme_ok = url.starts_with("https://")
        || url.starts_with("http://")
        || url.starts_with("mailto:")
        || url.starts_with("tel:");
    let unsafe_char = |c: char| c.is_whitespace() || crate::text::is_unsafe(c);
    if !scheme_ok || url.chars().any(unsafe_char) {
        reporter.error(
            path,
            format!("\"{url}\"은 공백 없는 http(s)·mailto·tel 주소가 아닙니다"),
        );
    }
}

fn check_items(reporter: &mut Reporter<'_>, guide: &Guide, path: &JsonPath, items: &[Item]) {
    for (i, item) in items.iter().enumerate() {
        let path = path.key("items").index(i);
        reporter.require_text(&path.key("본문"), &item.text, "본문");
        match item.kind {
            ItemKind::Link => match &item.link {
                Some(id) if guide.link(id).is_some() => {}
                Some(id) => reporter.error(
                    &path.key("link"),
                    format!("없는 링크 \"{id}\" (이 가이드 링크의 id여야 합니다)"),
                ),
                None => reporter.error(
                    &path,
                    "링크 항목에는 \"link\"(이 가이드 링크의 id)가 필요합니다",
                ),
            },
            ItemKind::AppPath => {
                if item.path.is_empty() {
                    reporter.error(
                        &path,
                        "app_path 항목에는 \"path\"(메뉴 단계 순서)가 필요합니다",
                    );
                } else if !steps_in_order(&item.text, &item.path) {
                    reporter.error(
                        &path.key("path"),
                        format!(
                            "메뉴 단계(\"{}\")가 항목 본문에 이 순서로 없습니다",
                            item.path.join(" > ")
                        ),
                    );
                }
            }
            ItemKind::Text | ItemKind::Benefit | ItemKind::Partner => {}
        }
    }
}

/// A template variable's name (what `sms --var NAME=VALUE` takes): lower-case ASCII letters,
/// digits, `_`, and letters of other scripts (an article's `{{운행일}}`).
pub fn variable_name_ok(name: &str) -> bool {
    !name.is_empty()
        && name.chars().all(|c| {
            c.is_ascii_lowercase()
                || c.is_ascii_digit()
                || c == '_'
                || (!c.is_ascii() && c.is_alphanumeric())
        })
}

/// Every step of a menu path is in the text, in order (whatever separates them: `>`, `→`,
/// `▶`, spaces or brackets).
fn steps_in_order(text: &str, steps: &[String]) -> bool {
    let mut from = 0;
    steps
        .iter()
        .all(|step| match text[from..].find(step.as_str()) {
            Some(at) if !step.trim().is_empty() => {
                from += at + step.len();
                true
            }
            _ => false,
        })
}

fn check_schedule(reporter: &mut Reporter<'_>, guide: &Guide) {
    let Some(schedule) = &guide.schedule else {
        return;
    };
    let root = JsonPath::root().key("schedule");
    reporter.require_text(&root.key("제목"), &schedule.title, "일정 제목");
    let mut previous = None;
    let mut effects: HashSet<ScheduleEffect> = HashSet::new();
    for (n, event) in schedule.events.iter().enumerate() {
        let path = root.key("events").index(n);
        reporter.require_text(&path.key("본문"), &event.text, "일정 내용");
        match DateTime::parse_from_rfc3339(&event.at) {
            Ok(at) => {
                if previous.is_some_and(|p| at < p) {
                    reporter.error(&path.key("at"), "일정은 시간 순서여야 합니다");
                }
                previous = Some(at);
            }
            Err(err) => reporter.error(
                &path.key("at"),
                format!("\"{}\"은 올바른 RFC 3339 시각이 아닙니다 ({err}); 예: 2024-12-01T00:00:00+09:00", event.at),
            ),
        }
        if let Some(effect) = event.effect
            && !effects.insert(effect)
        {
            reporter.error(&path.key("effect"), "이 효과는 앞선 일정이 이미 정했습니다");
        }
    }
}

/// Flags `check` takes for every guide: a declared input may not take one of these.
const RESERVED_FLAGS: [&str; 10] = [
    "at",
    "guide",
    "input",
    "json",
    "content",
    "now",
    "history",
    "retention-days",
    "help",
    "version",
];

/// Keys of `check`'s JSON besides the answers: a decision may not be named so.
const RESERVED_DECISIONS: [&str; 3] = ["at", "phase", "summary"];

/// The declared inputs: unique ids and flags a command line can carry, and what each kind
/// needs (a metric its name and unit, a choice two options or more).
fn check_inputs(reporter: &mut Reporter<'_>, guide: &Guide) {
    let root = JsonPath::root().key("inputs");
    check_local_ids(
        reporter,
        "inputs",
        guide.inputs.iter().map(|i| i.id.as_str()),
    );
    let mut flags: HashMap<&str, usize> = HashMap::new();
    let mut metrics: HashMap<(String, String), usize> = HashMap::new();
    for (n, input) in guide.inputs.iter().enumerate() {
        let path = root.index(n);
        reporter.require_text(&path.key("label"), &input.label, "입력 이름(label)");
        let flag_ok = !input.flag.is_empty()
            && !input.flag.starts_with('-')
            && input.flag.chars().all(|c| c == '-' || c.is_alphanumeric());
        if !flag_ok {
            reporter.error(
                &path.key("flag"),
                format!(
                    "\"{}\"은 명령줄 옵션 이름으로 쓸 수 없습니다 (글자·숫자·-만, -로 시작하지 않게)",
                    input.flag
                ),
            );
        } else if RESERVED_FLAGS.contains(&input.flag.as_str()) {
            reporter.error(
                &path.key("flag"),
                format!("--{}은 check가 이미 쓰는 옵션입니다", input.flag),
            );
        } else if let Some(first) = flags.insert(&input.flag, n) {
            reporter.error(
                &path.key("flag"),
                format!(
                    "--{}이 두 번째입니다 (inputs[{first}]에 이미 있음)",
                    input.flag
                ),
            );
        }
        match input.kind {
            InputKind::Metric => {
                match &input.metric {
                    Some(metric) => {
                        reporter.require_text(&path.key("metric"), metric, "측정 항목(metric)");
                        let key = (
                            metric.split_whitespace().collect::<String>(),
                            format!("{:?}", input.period),
                        );
                        if let Some(first) = metrics.insert(key, n) {
                            reporter.error(
                                &path.key("metric"),
                                format!(
                                    "같은 측정 항목·기간의 입력이 두 번째입니다 (inputs[{first}]에 이미 있음)"
                                ),
                            );
                        }
                    }
                    None => reporter.error(&path, "측정 입력(metric)에는 metric이 필요합니다"),
                }
                if input.unit.is_none() {
                    reporter.error(&path, "측정 입력(metric)에는 unit이 필요합니다");
                }
            }
            InputKind::Choice => {
                if input.options.len() < 2 {
                    reporter.error(
                        &path.key("options"),
                        "선택 입력에는 두 가지 이상이 필요합니다",
                    );
                }
                let mut values = HashSet::new();
                for (o, option) in input.options.iter().enumerate() {
                    let at = path.key("options").index(o);
                    reporter.require_text(&at.key("label"), &option.label, "선택지 이름");
                    if option.value.is_empty() || !values.insert(option.value.as_str()) {
                        reporter.error(&at.key("value"), "선택지 값이 비었거나 두 번째입니다");
                    }
                }
            }
            InputKind::YesNo | InputKind::Date => {}
        }
        if input.kind != InputKind::Metric
            && (input.metric.is_some() || input.unit.is_some() || input.none.is_some())
        {
            reporter.error(&path, "metric·unit·none은 측정 입력(metric)에만 씁니다");
        }
    }
}

fn check_rules(reporter: &mut Reporter<'_>, guide: &Guide, ids: &Declarations<'_>) {
    let mut singletons: HashMap<String, usize> = HashMap::new();
    for (r, rule) in guide.rules.iter().enumerate() {
        let path = JsonPath::root().key("rules").index(r);
        check_values_are_cited(reporter, guide, rule, &path.key("terms"));
        if rule.sources.is_empty() {
            reporter.error(
                &path.key("sources"),
                "규정은 가이드 문장을 하나 이상 근거로 들어야 합니다",
            );
        }
        for (s, source) in rule.sources.iter().enumerate() {
            if !(ids.is(source, IdKind::Item) || ids.is(source, IdKind::Event)) {
                reporter.error(
                    &path.key("sources").index(s),
                    format!("없는 근거 \"{source}\" (노트·답변·일정 항목의 id여야 합니다)"),
                );
            }
        }
        let terms = path.key("terms");
        let key = rule_key(reporter, rule, ids, &terms);
        // Drafts may disagree with each other and with reviewed rules: a reviewer picks one.
        if rule.is_draft() {
            continue;
        }
        check_inputs_declared(reporter, guide, &rule.terms, &terms);
        if let Some(first) = singletons.insert(key.clone(), r) {
            reporter.error(
                &terms,
                format!("{key} 규정이 두 번째입니다 (rules[{first}]에 이미 있음)"),
            );
        }
    }
}

/// A reviewed rule reads only inputs the guide declares: each becomes a flag of `check`.
fn check_inputs_declared(
    reporter: &mut Reporter<'_>,
    guide: &Guide,
    terms: &RuleTerms,
    path: &JsonPath,
) {
    match terms {
        RuleTerms::Condition {
            metric,
            period,
            unit,
            ..
        } => {
            let declared = guide.inputs.iter().find(|input| {
                input.kind == InputKind::Metric
                    && input.period == *period
                    && input
                        .metric
                        .as_deref()
                        .is_some_and(|m| super::model::same_name(m, metric))
            });
            match declared {
                None => reporter.error(
                    &path.key("metric"),
                    format!(
                        "이 조건이 읽는 입력이 없습니다: inputs에 metric \"{metric}\"{}인 입력을 선언하세요",
                        period.map(|p| format!(", period {p:?}")).unwrap_or_default()
                    ),
                ),
                Some(input) if input.unit != Some(*unit) => reporter.error(
                    &path.key("unit"),
                    format!("입력 \"{}\"의 단위와 다릅니다", input.id),
                ),
                Some(_) => {}
            }
        }
        RuleTerms::Eligibility {
            when, exceptions, ..
        } => {
            let cases = when.iter().map(|case| (path.key("when"), case)).chain(
                exceptions
                    .iter()
                    .enumerate()
                    .map(|(n, e)| (path.key("exceptions").index(n).key("when"), &e.when)),
            );
            for (at, case) in cases {
                check_case(
                    reporter,
                    guide.inputs.iter().find(|i| i.id == case.input),
                    case,
                    &at,
                );
            }
        }
        RuleTerms::Window { .. } | RuleTerms::Price { .. } => {}
    }
}

/// A case names a declared input and a value it can hold.
fn check_case(
    reporter: &mut Reporter<'_>,
    input: Option<&RuleInput>,
    case: &Case,
    path: &JsonPath,
) {
    let Some(input) = input else {
        reporter.error(
            &path.key("input"),
            format!("없는 입력 \"{}\" (inputs의 id여야 합니다)", case.input),
        );
        return;
    };
    let fits = match (input.kind, case.is.as_deref()) {
        (InputKind::Metric, Some(Case::NONE)) => input.none.is_some(),
        (InputKind::YesNo, None) => true,
        (InputKind::Choice, Some(value)) => input.options.iter().any(|o| o.value == value),
        _ => false,
    };
    if !fits {
        reporter.error(
            &path.key("is"),
            format!(
                "입력 \"{}\"이 가질 수 없는 경우입니다 (측정 입력은 none, 예/아니오는 비움, 선택은 선택지 값)",
                input.id
            ),
        );
    }
}

/// A date or an instant, as windows write them.
fn window_time(text: &str) -> bool {
    super::model::window_instant(text).is_some()
}

/// Checks a decision's name: not blank, and not a key `check`'s JSON uses for itself.
fn check_decision(reporter: &mut Reporter<'_>, path: &JsonPath, decides: &str) {
    reporter.require_text(path, decides, "판단 대상(decides)");
    if RESERVED_DECISIONS.contains(&decides) {
        reporter.error(
            path,
            format!("\"{decides}\"은 판단 대상 이름으로 쓸 수 없습니다"),
        );
    }
}

/// Checks a rule's terms and names what it decides: two reviewed rules with one name
/// conflict (two thresholds for one condition, two prices).
fn rule_key(
    reporter: &mut Reporter<'_>,
    rule: &super::model::Rule,
    ids: &Declarations<'_>,
    terms: &JsonPath,
) -> String {
    match &rule.terms {
        RuleTerms::Condition { .. } => condition_key(reporter, &rule.terms, terms),
        RuleTerms::Window {
            from,
            until,
            event,
            effect,
        } => {
            for (field, value) in [("from", from), ("until", until)] {
                if let Some(value) = value
                    && !window_time(value)
                {
                    reporter.error(
                        &terms.key(field),
                        format!("\"{value}\"은 날짜(YYYY-MM-DD)나 RFC 3339 시각이 아닙니다"),
                    );
                }
            }
            match event {
                Some(event) if !ids.is(event, IdKind::Event) => reporter.error(
                    &terms.key("event"),
                    format!("없는 일정 \"{event}\" (schedule.events의 id여야 합니다)"),
                ),
                Some(_) if from.is_some() => reporter.error(
                    &terms.key("from"),
                    "일정(event)이 시작을 정하므로 from은 쓰지 않습니다",
                ),
                None if from.is_none() && until.is_none() => {
                    reporter.error(terms, "기간에는 from, until, event 중 하나가 필요합니다");
                }
                _ => {}
            }
            if let (Some(from), Some(until)) = (from, until)
                && let (Some(from), Some(until)) = (
                    super::model::window_instant(from),
                    super::model::window_instant(until),
                )
                && until < from
            {
                reporter.error(&terms.key("until"), "끝나는 날이 시작하는 날보다 앞섭니다");
            }
            format!("window/{effect:?}")
        }
        RuleTerms::Price {
            amount_krw,
            per,
            methods,
        } => {
            if *amount_krw == 0 {
                reporter.error(&terms.key("amount_krw"), "금액은 0원보다 커야 합니다");
            }
            if methods.is_empty() && !rule.is_draft() {
                reporter.error(&terms.key("methods"), "결제 수단이 하나 이상 필요합니다");
            }
            for (n, method) in methods.iter().enumerate() {
                reporter.require_text(&terms.key("methods").index(n), method, "결제 수단");
            }
            format!("price/{per:?}")
        }
        RuleTerms::Eligibility { .. } => eligibility_key(reporter, &rule.terms, terms),
    }
}

/// A condition: its names, values and what meeting it means; named by what it decides,
/// from which metric and period.
fn condition_key(reporter: &mut Reporter<'_>, rule: &RuleTerms, terms: &JsonPath) -> String {
    let RuleTerms::Condition {
        metric,
        period,
        unit,
        values,
        decides,
        met,
        subject,
        ..
    } = rule
    else {
        return String::new();
    };
    reporter.require_text(&terms.key("metric"), metric, "측정 항목(metric)");
    reporter.require_text(&terms.key("subject"), subject, "적용 대상(subject)");
    check_decision(reporter, &terms.key("decides"), decides);
    check_dated_values(reporter, &terms.key("values"), *unit, values);
    let lifecycle_met = match decides.as_str() {
        decision::SIGNUP | decision::RENEWAL => Some(Met::Allows),
        decision::PAYMENT => Some(Met::Fails),
        _ => None,
    };
    if let Some(expected) = lifecycle_met
        && *met != expected
        && !(decides == decision::RENEWAL && *met == Met::Fails)
    {
        reporter.error(
            &terms.key("met"),
            format!(
                "{decides} 조건은 met가 {}여야 합니다",
                if expected == Met::Allows {
                    "allows"
                } else {
                    "fails"
                }
            ),
        );
    }
    if decides == decision::FREE_FIRST_MONTH {
        reporter.error(
            &terms.key("decides"),
            "첫 달 무료는 조건이 아니라 자격(eligibility)으로 씁니다",
        );
    }
    format!(
        "condition/{decides}/{}/{}/{met:?}",
        metric.split_whitespace().collect::<String>(),
        period.map(|p| format!("{p:?}")).unwrap_or_default()
    )
}

/// An eligibility: what it decides and for whom; named by both.
fn eligibility_key(reporter: &mut Reporter<'_>, rule: &RuleTerms, terms: &JsonPath) -> String {
    let RuleTerms::Eligibility {
        decides,
        when,
        refunded_as,
        by,
        exceptions,
        requires,
        ..
    } = rule
    else {
        return String::new();
    };
    if decides.is_empty() {
        reporter.error(
            &terms.key("decides"),
            "판단 대상(decides)이 하나 이상 필요합니다",
        );
    }
    for (n, decided) in decides.iter().enumerate() {
        check_decision(reporter, &terms.key("decides").index(n), decided);
    }
    if let Some(refunded_as) = refunded_as {
        reporter.require_text(
            &terms.key("환급 방식(refunded_as)"),
            refunded_as,
            "환급 방식(refunded_as)",
        );
    }
    if let Some(requires) = requires {
        check_decision(reporter, &terms.key("requires"), requires);
    }
    for (n, exception) in exceptions.iter().enumerate() {
        for (a, also) in exception.also.iter().enumerate() {
            reporter.require_text(
                &terms.key("exceptions").index(n).key("also").index(a),
                also,
                "같이 보는 경우(also)",
            );
        }
    }
    let case = when.as_ref().map_or_else(String::new, |case| {
        format!("{}={}", case.input, case.is.as_deref().unwrap_or("yes"))
    });
    let mut sorted = decides.clone();
    sorted.sort();
    format!(
        "eligibility/{}/{case}/{}",
        sorted.join("+"),
        if by.is_some() { "by" } else { "" }
    )
}

/// A threshold's values: at least one, each in range for its unit, with real dates in
/// order and no two holding on the same day.
fn check_dated_values(
    reporter: &mut Reporter<'_>,
    path: &JsonPath,
    unit: super::model::InputUnit,
    values: &[super::model::DatedValue],
) {
    if values.is_empty() {
        reporter.error(path, "기준 값이 하나 이상 필요합니다");
    }
    let date = |reporter: &mut Reporter<'_>, at: &JsonPath, text: &Option<String>| {
        text.as_ref().and_then(|text| {
            let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
            if parsed.is_none() {
                reporter.error(
                    at,
                    format!("\"{text}\"은 올바른 날짜가 아닙니다; YYYY-MM-DD로 쓰세요"),
                );
            }
            parsed
        })
    };
    let mut previous_until: Option<Option<NaiveDate>> = None;
    for (v, value) in values.iter().enumerate() {
        let at = path.index(v);
        match unit {
            InputUnit::Rating => check_rating(reporter, &at.key("value"), value.value),
            InputUnit::Percent if !(0.0..=100.0).contains(&value.value) => {
                reporter.error(
                    &at.key("value"),
                    format!("비율 {}%가 0~100 밖입니다", value.value),
                );
            }
            InputUnit::Count | InputUnit::AmountKrw
                if value.value < 0.0 || value.value.fract() != 0.0 =>
            {
                reporter.error(
                    &at.key("value"),
                    format!("{}은 0 이상의 정수여야 합니다", value.value),
                );
            }
            _ => {}
        }
        let from = date(reporter, &at.key("from"), &value.from);
        let until = date(reporter, &at.key("until"), &value.until);
        if let (Some(from), Some(until)) = (from, until)
            && until < from
        {
            reporter.error(&at.key("until"), "끝나는 날이 시작하는 날보다 앞섭니다");
        }
        match previous_until {
            Some(None) => reporter.error(
                &at,
                "앞의 값이 끝나는 날(until) 없이 계속되므로 이 값은 적용될 수 없습니다",
            ),
            Some(Some(end)) if from.is_none_or(|from| from <= end) => reporter.error(
                &at.key("from"),
                format!("앞의 값이 {end}까지이므로 이 값은 그다음 날부터여야 합니다"),
            ),
            _ => {}
        }
        previous_until = Some(until);
    }
}

fn check_rating(reporter: &mut Reporter<'_>, path: &JsonPath, value: f64) {
    if !(0.0..=RATING_MAX).contains(&value) {
        reporter.error(path, format!("평점 기준 {value}이 0.0~5.0 밖입니다"));
    } else if ((value * 100.0).round() - value * 100.0).abs() > 1e-6 {
        reporter.error(
            path,
            format!("평점 기준 {value}에 소수 셋째 자리 이상이 있습니다"),
        );
    }
}

/// The sentences of `guide` a rule cites, as shown (items and schedule lines).
fn cited_texts(guide: &Guide, rule: &super::model::Rule) -> Vec<String> {
    rule.sources
        .iter()
        .filter_map(|id| guide.cited_sentence(id))
        .collect()
}

/// Whether `number` stands in `text` as a number of its own (not inside a longer one:
/// 4 is not found in 24/12/01 nor in 4.5).
fn has_number(text: &str, number: &str) -> bool {
    let bytes = text.as_bytes();
    text.match_indices(number).any(|(at, _)| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + number.len()).copied();
        let after_next = bytes.get(at + number.len() + 1).copied();
        let digit = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_digit());
        let inside_a_longer_number = digit(before)
            || before == Some(b'.')
            || digit(after)
            || (matches!(after, Some(b'.' | b',')) && digit(after_next));
        !inside_a_longer_number
    })
}

/// The ways a guide writes a rating: 4.0 as "4.0" or "4", 3.75 as "3.75".
fn rating_spellings(value: f64) -> Vec<String> {
    let hundredths = (value * 100.0).round();
    let mut spellings = vec![format!("{value}")];
    if (hundredths % 100.0).abs() < f64::EPSILON {
        spellings.push(format!("{value:.1}"));
        spellings.push(format!("{value:.0}"));
    } else if (hundredths % 10.0).abs() < f64::EPSILON {
        spellings.push(format!("{value:.1}"));
    } else {
        spellings.push(format!("{value:.2}"));
    }
    spellings
}

/// The ways a guide writes a threshold: a rating's spellings, and whole numbers grouped.
fn number_spellings(value: f64) -> Vec<String> {
    let mut spellings = rating_spellings(value);
    if value.fract() == 0.0 && (0.0..f64::from(u32::MAX)).contains(&value) {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // checked just above
        spellings.extend(amount_spellings(value as u32));
    }
    spellings
}

/// The ways a guide writes an amount: 39000 as "39,000" or "39000".
fn amount_spellings(amount: u32) -> Vec<String> {
    vec![
        amount.to_string(),
        crate::text::group_thousands(amount as usize),
    ]
}

/// The ways a guide writes a date: 2021-08-23 as "21년 8월 23일", "21/08/23", "2021.08.23" …
fn date_spellings(date: NaiveDate) -> Vec<String> {
    use chrono::Datelike as _;
    let (y, m, d) = (date.year(), date.month(), date.day());
    let yy = y % 100;
    vec![
        format!("{y}-{m:02}-{d:02}"),
        format!("{yy:02}/{m:02}/{d:02}"),
        format!("{y}/{m:02}/{d:02}"),
        format!("{yy:02}.{m:02}.{d:02}"),
        format!("{y}.{m:02}.{d:02}"),
        format!("{yy}년 {m}월 {d}일"),
        format!("{y}년 {m}월 {d}일"),
    ]
}

/// Every number, amount and date a rule holds must stand in a sentence it cites, in one of
/// the guide's spellings: a rule whose value was changed without its sentence (a price of
/// 45000 citing "월 39,000원") is an error naming both.
fn check_values_are_cited(
    reporter: &mut Reporter<'_>,
    guide: &Guide,
    rule: &super::model::Rule,
    terms: &JsonPath,
) {
    let cited = cited_texts(guide, rule);
    if cited.is_empty() {
        return; // Unknown sources are reported on their own.
    }
    let mut values: Vec<(&'static str, String, Vec<String>)> = Vec::new();
    match &rule.terms {
        RuleTerms::Condition {
            unit,
            values: dated,
            message,
            ..
        } => {
            for value in dated {
                let spellings = if *unit == InputUnit::Rating {
                    rating_spellings(value.value)
                } else {
                    number_spellings(value.value)
                };
                values.push(("values", format!("{}", value.value), spellings));
                for day in [&value.from, &value.until].into_iter().flatten() {
                    if let Ok(parsed) = NaiveDate::parse_from_str(day, "%Y-%m-%d") {
                        values.push(("values", day.clone(), date_spellings(parsed)));
                    }
                }
            }
            if let Some(message) = message {
                values.push(("message", format!("\"{message}\""), vec![message.clone()]));
            }
        }
        RuleTerms::Window {
            from,
            until,
            event: None,
            ..
        } => {
            for (field, day) in [("from", from), ("until", until)] {
                if let Some(day) = day.as_deref().and_then(super::model::window_instant) {
                    let day = day.with_timezone(&crate::clock::kst()).date_naive();
                    values.push((field, day.to_string(), date_spellings(day)));
                }
            }
        }
        RuleTerms::Price { amount_krw, .. } => {
            values.push((
                "amount_krw",
                format!("{amount_krw}원"),
                amount_spellings(*amount_krw),
            ));
        }
        RuleTerms::Eligibility {
            refunded_as: Some(refunded_as),
            ..
        } => {
            values.push((
                "refunded_as",
                refunded_as.clone(),
                vec![refunded_as.clone()],
            ));
        }
        RuleTerms::Window { .. } | RuleTerms::Eligibility { .. } => {}
    }
    for (field, shown, spellings) in values {
        let found = cited.iter().any(|sentence| {
            spellings.iter().any(|spelling| {
                if field == "message" || field == "refunded_as" {
                    sentence.contains(spelling.as_str())
                } else {
                    has_number(sentence, spelling)
                }
            })
        });
        if !found {
            reporter.error(
                &terms.key(field),
                format!(
                    "규정 값 {shown}이(가) 근거 문장에 없습니다: \"{}\" (값과 문장 중 하나를 고치세요)",
                    cited.join("\" / \"").replace('\n', " ")
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_stand_on_their_own() {
        assert!(has_number("평점 4.0점 이상", "4.0"));
        assert!(has_number("평점 4점 이상", "4"));
        assert!(!has_number("24/12/01", "4"));
        assert!(!has_number("평점 4.5 이상", "4"));
        assert!(has_number("월 39,000원", "39,000"));
        assert!(!has_number("월 139,000원", "39,000"));
        assert!(rating_spellings(4.0).contains(&"4.0".to_owned()));
        assert!(rating_spellings(4.25).contains(&"4.25".to_owned()));
        let date = NaiveDate::from_ymd_opt(2021, 8, 23).unwrap_or_default();
        assert!(date_spellings(date).contains(&"21년 8월 23일".to_owned()));
    }
}
