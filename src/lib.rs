//! support-console: a terminal console for Korean taxi-driver support agents.
//!
//! The domain modules (`content`, `search`, `rules`, `sms`) know nothing of the terminal;
//! the console (`tui`) and the command line (`cli`) are two faces of the same core.

mod checksum;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod files;
pub mod hangul;
pub mod history;
pub mod import;
pub mod josa;
mod parallel;
pub mod rules;
pub mod search;
pub mod sms;
pub mod sync;
pub mod team;
pub mod text;
pub mod tui;

/// The layers, checked on the source itself: `main` → `cli`, `tui` → `search`, `rules`,
/// `sms`, `history`, `import`, `sync`, `team` → `content` → `hangul`, `josa`, `config`, `text`,
/// `clock`, `parallel`, `checksum`, `files`. Nothing imports upward, and modules on one floor
/// import each other without a loop (`sync` uses `import` and `rules`; `team` reads `history`;
/// neither is used back).
#[cfg(test)]
mod layers {
    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    fn floor(module: &str) -> Option<u8> {
        match module {
            "hangul" | "josa" | "config" | "text" | "clock" | "parallel" | "checksum" | "files" => {
                Some(0)
            }
            "content" => Some(1),
            "search" | "rules" | "sms" | "history" | "import" | "sync" | "team" => Some(2),
            "cli" | "tui" => Some(3),
            _ => None,
        }
    }

    /// Every `crate::name` a file or folder of `src/` mentions, by top-level module.
    fn imports() -> BTreeMap<String, BTreeSet<String>> {
        fn read(path: &Path, out: &mut String) {
            if path.is_dir() {
                for entry in std::fs::read_dir(path).into_iter().flatten().flatten() {
                    read(&entry.path(), out);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push_str(&std::fs::read_to_string(path).unwrap_or_default());
            }
        }
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut graph = BTreeMap::new();
        for entry in std::fs::read_dir(&src).into_iter().flatten().flatten() {
            let path = entry.path();
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            if floor(&name).is_none() {
                continue;
            }
            let mut text = String::new();
            read(&path, &mut text);
            let used: BTreeSet<String> = text
                .split("crate::")
                .skip(1)
                .map(|rest| {
                    rest.chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect::<String>()
                })
                .filter(|used| *used != name && floor(used).is_some())
                .collect();
            graph.insert(name, used);
        }
        graph
    }

    fn visit<'a>(
        module: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
    ) {
        assert!(!path.contains(&module), "import loop: {path:?} -> {module}");
        path.push(module);
        for next in graph.get(module).into_iter().flatten() {
            visit(next, graph, path);
        }
        path.pop();
    }

    #[test]
    fn nothing_imports_upward_and_there_is_no_loop() {
        let graph = imports();
        assert!(graph.len() >= 10, "modules not found: {graph:?}");
        for (module, used) in &graph {
            for target in used {
                assert!(
                    floor(target) <= floor(module),
                    "{module} imports {target}, a floor above it"
                );
            }
        }
        assert!(
            graph["content"]
                .iter()
                .all(|m| !matches!(m.as_str(), "search" | "rules" | "sms")),
            "content imports a module above it: {:?}",
            graph["content"]
        );
        for domain in ["content", "search", "rules", "sms"] {
            assert!(
                !graph[domain].contains("tui"),
                "{domain} imports the console"
            );
            assert!(!graph[domain].contains("cli"), "{domain} imports the CLI");
        }
        // No loop among modules of one floor: a depth-first walk never meets its own path.
        for module in graph.keys() {
            visit(module, &graph, &mut Vec::new());
        }
    }
}
