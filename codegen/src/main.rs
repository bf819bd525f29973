//! `picket-codegen [--check]`: writes every file generated from the table of result codes
//! (`codegen/src/table.rs`), or with `--check` fails when one differs from what the table
//! gives. Run from anywhere inside the repository.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs};

fn main() -> ExitCode {
    let check = match env::args().nth(1).as_deref() {
        None => false,
        Some("--check") => true,
        Some(_) => {
            eprintln!("usage: picket-codegen [--check]");
            return ExitCode::from(2);
        }
    };
    let files = match picket_codegen::outputs() {
        Ok(files) => files,
        Err(e) => {
            eprintln!("picket-codegen: codegen/src/table.rs: {e}");
            return ExitCode::FAILURE;
        }
    };
    let root = repository_root();
    let mut stale = Vec::new();
    for file in &files {
        let path = root.join(file.path);
        let current = fs::read_to_string(&path).unwrap_or_default();
        if current == file.text {
            continue;
        }
        if check {
            stale.push(file.path);
        } else if let Err(e) = fs::write(&path, &file.text) {
            eprintln!("picket-codegen: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        } else {
            println!("wrote {}", file.path);
        }
    }
    if !stale.is_empty() {
        eprintln!(
            "picket-codegen: stale (regenerate with `cargo run -p picket-codegen`): {}",
            stale.join(", ")
        );
        return ExitCode::FAILURE;
    }
    if check {
        println!("{} generated files are fresh", files.len());
    }
    ExitCode::SUCCESS
}

/// The repository: the parent of this crate's directory.
fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ is inside the repository")
        .to_path_buf()
}
