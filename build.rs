//! Embeds every `assets/*.json` file in the binary, so that adding a guide file is enough
//! for the next build to ship it (no list to keep in step by hand).

use std::fmt::Write as _;
use std::{env, fs, path::Path};

fn main() {
    let manifest_dir = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let assets = Path::new(&manifest_dir).join("assets");
    println!("cargo:rerun-if-changed={}", assets.display());

    let mut files: Vec<_> = fs::read_dir(&assets)
        .expect("assets/ is part of the source tree")
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();

    let mut code = String::from("pub static EMBEDDED_FILES: &[(&str, &[u8])] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().expect("a file").to_string_lossy();
        let _ = writeln!(
            code,
            "    ({:?}, include_bytes!({:?})),",
            format!("assets/{name}"),
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    fs::write(Path::new(&out_dir).join("embedded_assets.rs"), code).expect("OUT_DIR is writable");
}
