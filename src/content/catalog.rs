//! What a help centre's guides hold that the console lists, names and refers to by id,
//! without the guides themselves: each guide's file, id, title, status and category path,
//! which guide holds each SMS template and each sentence a rule cites, and the content's
//! version. It is taken when the content loads whole and kept with the stored index, so a
//! console can start on an unchanged folder and read each guide when it is opened.

use std::collections::HashMap;
use std::path::Path;

use super::{Content, Guide, Lookups};

/// A guide as lists show it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GuideCard {
    /// Where the guide's file is, from the content folder.
    pub path: String,
    pub id: String,
    pub title: String,
    pub status: Option<String>,
    pub category: Vec<String>,
    /// A reference guide, outside the help centre's template.
    pub outside_template: bool,
    /// The checksum of the file's bytes when the catalog was taken ([`super::file_sum`]): the
    /// guide is read later only from a file that still holds exactly those bytes.
    pub sum: u64,
}

impl GuideCard {
    pub(super) fn of(path: String, guide: &Guide, sum: u64) -> Self {
        Self {
            sum,
            path,
            id: guide.id.clone(),
            title: guide.title.clone(),
            status: guide.status.clone(),
            category: guide.category.clone(),
            outside_template: guide.outside_template,
        }
    }
}

/// See the module's documentation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalog {
    pub guides: Vec<GuideCard>,
    /// An SMS template's id, its guide and its place in that guide.
    pub templates: Vec<(String, usize, usize)>,
    /// A sentence some rule cites, and the guide that holds it.
    pub cited: Vec<(String, usize)>,
    pub version: String,
}

impl Catalog {
    /// Template ids to their guide and place.
    pub(super) fn template_map(&self) -> HashMap<String, (usize, usize)> {
        self.templates
            .iter()
            .map(|(id, guide, place)| (id.clone(), (*guide, *place)))
            .collect()
    }

    pub(super) fn cited_map(&self) -> HashMap<String, usize> {
        self.cited.iter().cloned().collect()
    }
}

impl GuideCard {
    /// The card with its file named from the content folder `folder` (what a catalog keeps,
    /// so a moved folder keeps its catalog).
    pub(super) fn relative_to(&self, folder: &Path) -> Self {
        let prefix = folder.display().to_string();
        let path = self
            .path
            .strip_prefix(&prefix)
            .map_or(self.path.as_str(), |rest| {
                rest.trim_start_matches(std::path::MAIN_SEPARATOR)
            })
            .to_owned();
        Self {
            path,
            ..self.clone()
        }
    }
}

impl Catalog {
    /// The catalog of these cards (named from the folder already), lookups and version.
    pub(super) fn assemble(guides: Vec<GuideCard>, lookups: &Lookups, version: String) -> Self {
        let mut templates: Vec<(String, usize, usize)> = lookups
            .templates
            .iter()
            .map(|(id, &(guide, place))| (id.clone(), guide, place))
            .collect();
        templates.sort();
        let mut cited: Vec<(String, usize)> = lookups
            .cited
            .iter()
            .map(|(id, &guide)| (id.clone(), guide))
            .collect();
        cited.sort();
        Self {
            guides,
            templates,
            cited,
            version,
        }
    }
}

impl Content {
    /// The catalog of content loaded whole from `folder` (its guides' files named from it):
    /// every guide is read already, and the version is computed here if it was not.
    pub fn catalog(&self, folder: &Path) -> Catalog {
        let guides = self
            .slots
            .iter()
            .map(|slot| slot.card.relative_to(folder))
            .collect();
        Catalog::assemble(guides, &self.lookups, self.version().to_owned())
    }
}
