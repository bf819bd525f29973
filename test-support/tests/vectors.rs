//! The harness's file rules, which both Rust runners (the core's and the C ABI's `vectors`
//! examples) get through `main_over_args`: a file that holds no vector fails the run, as an
//! unreadable file does (tests/vectors/SCHEMA.md, "Runner output").

use std::fs;
use std::path::PathBuf;

use picket_test_support::vectors::run_files;

/// A fresh directory of this test process under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("picket-vectors-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("a writable temporary directory");
    dir
}

#[test]
fn a_file_without_vectors_fails_the_run() {
    let dir = scratch("empty");
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        fs::write(&path, text).expect("a writable temporary file");
        path.to_str().expect("a UTF-8 temporary path").to_string()
    };
    let empty = write("empty.jsonl", "");
    let blank = write("blank.jsonl", "\n  \r\n\t\n");
    let one = write("one.jsonl", "{\"id\":\"a\"}\n");
    let pass = |_: &serde_json::Value| Ok(());

    for file in [&empty, &blank] {
        let tally = run_files(&[file], pass);
        assert_eq!((tally.passed, tally.failed), (0, 1), "{file} passed");
    }
    // Among good files, the empty one still fails; the others are counted as before.
    let tally = run_files(&[&one, &empty, &one], pass);
    assert_eq!((tally.passed, tally.failed), (2, 1));
    // A file with one case is not "without vectors", even when that case fails.
    let tally = run_files(&[&one], |_| Err("wrong".to_string()));
    assert_eq!((tally.passed, tally.failed), (0, 1));
    let tally = run_files(&[&one], pass);
    assert_eq!((tally.passed, tally.failed), (1, 0));

    fs::remove_dir_all(&dir).expect("the temporary directory is removed");
}

#[test]
fn only_json_whitespace_makes_a_blank_line() {
    // A BOM, FS (\x1c), NEL and NBSP line is a case (invalid JSON) in every runner, not a blank
    // line that some runtime's trim would skip.
    let dir = scratch("blank");
    let path = dir.join("odd.jsonl");
    let text = "\u{feff}\n{\"id\":\"a\"}\n\u{1c}\n\u{85}\n\u{a0}\n \t\r\n";
    fs::write(&path, text).expect("a writable temporary file");
    let tally = run_files(&[path.to_str().expect("a UTF-8 path")], |_| Ok(()));
    assert_eq!((tally.passed, tally.failed), (1, 4));
    fs::remove_dir_all(&dir).expect("the temporary directory is removed");
}
