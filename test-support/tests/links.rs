//! The repository stands alone: every relative link of every Markdown file in it (READMEs,
//! the vector format, the fuzzing notes) names a file or directory of the repository.
//! Links to the web (`https:`, `mailto:`) and to anchors of the same page are not checked.

use std::fs;
use std::path::{Path, PathBuf};

/// Directories that hold build output or third-party files, not the repository's text.
const SKIP: &[&str] = &[
    "target",
    ".git",
    "node_modules",
    "corpus",
    "artifacts",
    ".venv",
];

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("test-support/ is inside the repository")
        .to_path_buf()
}

fn markdown_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("a readable entry").path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if !SKIP.contains(&name.as_ref()) {
                markdown_files(&path, out);
            }
        } else if name.ends_with(".md") {
            out.push(path);
        }
    }
}

/// The targets of the inline links `[text](target)` and the reference definitions
/// `[label]: target` of a Markdown text, outside code blocks and code spans.
fn link_targets(text: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Reference definition: `[label]: target`.
        if let Some(rest) = trimmed.strip_prefix('[') {
            if let Some((_, target)) = rest.split_once("]: ") {
                targets.push(target.split_whitespace().next().unwrap_or("").to_string());
                continue;
            }
        }
        // Inline links, skipping code spans.
        let mut in_code = false;
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'`' => in_code = !in_code,
                b']' if !in_code && bytes.get(i + 1) == Some(&b'(') => {
                    let start = i + 2;
                    let mut depth = 1;
                    let mut end = start;
                    while end < bytes.len() {
                        match bytes[end] {
                            b'(' => depth += 1,
                            b')' => {
                                depth -= 1;
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                        end += 1;
                    }
                    let inner = &line[start..end.min(line.len())];
                    // `(target "title")`: the target is the first word.
                    targets.push(inner.split_whitespace().next().unwrap_or("").to_string());
                    i = end;
                }
                _ => {}
            }
            i += 1;
        }
    }
    targets
}

/// Whether a target is a link into the repository (not the web, not an anchor).
fn is_relative(target: &str) -> bool {
    !(target.is_empty()
        || target.starts_with('#')
        || target.contains("://")
        || target.starts_with("mailto:"))
}

#[test]
fn link_targets_are_found_outside_code() {
    let text = "See [the format](tests/vectors/SCHEMA.md#kinds) and [web](https://x.invalid).\n\
                `[not](a-link.md)` and [a ref]\n\n[a ref]: docs/ref.md \"Title\"\n\
                ```\n[in](code.md)\n```\n- [(nested) text](dir/) ok\n";
    assert_eq!(
        link_targets(text),
        [
            "tests/vectors/SCHEMA.md#kinds",
            "https://x.invalid",
            "docs/ref.md",
            "dir/",
        ]
    );
    assert!(!is_relative("https://x.invalid") && !is_relative("#kinds"));
    assert!(is_relative("../README.md"));
}

#[test]
fn every_relative_link_in_the_repository_resolves() {
    let root = repository();
    let mut files = Vec::new();
    markdown_files(&root, &mut files);
    assert!(
        files.iter().any(|f| f.ends_with("tests/vectors/SCHEMA.md")),
        "the vector format must be in the repository"
    );
    let mut checked = 0;
    let mut broken = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).expect("readable Markdown");
        for target in link_targets(&text).into_iter().filter(|t| is_relative(t)) {
            let path = target.split('#').next().unwrap_or_default();
            let resolved = if let Some(from_root) = path.strip_prefix('/') {
                root.join(from_root)
            } else {
                file.parent().unwrap().join(path)
            };
            checked += 1;
            if !resolved.exists() {
                broken.push(format!(
                    "{}: {target}",
                    file.strip_prefix(&root).unwrap().display()
                ));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "broken relative links:\n{}",
        broken.join("\n")
    );
    assert!(checked >= 10, "only {checked} relative links found");
}
