//! What every Rust vector runner shares (the core's and the C ABI's): reading JSON Lines,
//! counting, printing one `FAIL id: why` line per failing case, the closing
//! `N passed, N failed` line and the exit code. Each runner supplies only `run_case`.

use serde_json::Value;

/// Totals over every case run.
#[derive(Default, Debug)]
pub struct Tally {
    /// Cases whose outcome was the expected one.
    pub passed: usize,
    /// Cases that failed, or could not be read.
    pub failed: usize,
}

/// Runs every case of one JSON Lines text through `run_case`; prints a line for each
/// failure (an unparsable line is a failed case).
///
/// ```
/// use picket_test_support::vectors::{run_text, Tally};
/// let mut tally = Tally::default();
/// let text = "{\"id\":\"a\",\"x\":1}\nnot json\n";
/// run_text("t", text, &mut tally, |case| match case["x"].as_u64() {
///     Some(1) => Ok(()),
///     _ => Err("x is not 1".into()),
/// });
/// assert_eq!((tally.passed, tally.failed), (1, 1));
/// ```
pub fn run_text(
    name: &str,
    text: &str,
    tally: &mut Tally,
    run_case: impl Fn(&Value) -> Result<(), String>,
) {
    for (n, line) in text.lines().enumerate() {
        if is_blank(line) {
            continue;
        }
        let (id, outcome) = match serde_json::from_str::<Value>(line) {
            Ok(case) => {
                let id = case["id"].as_str().unwrap_or("<no id>").to_string();
                (id, run_case(&case))
            }
            Err(e) => (
                format!("{name}:{}", n + 1),
                Err(format!("invalid JSON: {e}")),
            ),
        };
        match outcome {
            Ok(()) => tally.passed += 1,
            Err(why) => {
                tally.failed += 1;
                println!("FAIL {id}: {why}");
            }
        }
    }
}

/// Runs one file's text through `run_case` as [`run_text`] does, and fails the file itself
/// when it holds no vector (empty, or only blank lines): a truncated or mistyped file must not
/// make a run that cannot fail. Prints `FAIL FILE: no vectors` and counts one failure.
///
/// ```
/// use picket_test_support::vectors::{run_file, Tally};
/// let mut tally = Tally::default();
/// run_file("empty.jsonl", "\n  \n", &mut tally, |_case| Ok(()));
/// assert_eq!((tally.passed, tally.failed), (0, 1));
/// run_file("one.jsonl", "{\"id\":\"a\"}\n", &mut tally, |_case| Ok(()));
/// assert_eq!((tally.passed, tally.failed), (1, 1));
/// ```
pub fn run_file(
    name: &str,
    text: &str,
    tally: &mut Tally,
    run_case: impl Fn(&Value) -> Result<(), String>,
) {
    let before = tally.passed + tally.failed;
    run_text(name, text, tally, run_case);
    if tally.passed + tally.failed == before {
        println!("FAIL {name}: no vectors");
        tally.failed += 1;
    }
}

/// Whether a line is blank (skipped, not a case): empty or only JSON's spaces, tabs and
/// carriage returns (SCHEMA.md). Not `str::trim`, whose wider idea of whitespace (NBSP, NEL)
/// the other runtimes' do not share: a line one runner skipped another would fail.
///
/// ```
/// use picket_test_support::vectors::is_blank;
/// assert!(is_blank(" \t\r") && !is_blank("\u{a0}") && !is_blank("\u{feff}"));
/// ```
pub fn is_blank(line: &str) -> bool {
    line.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r'))
}

/// A string field of a case, or why it is unusable.
///
/// ```
/// let case = serde_json::json!({"id": "k1", "n": 3});
/// assert_eq!(picket_test_support::vectors::string(&case, "id"), Ok("k1"));
/// assert!(picket_test_support::vectors::string(&case, "n").is_err());
/// ```
pub fn string<'a>(case: &'a Value, field: &str) -> Result<&'a str, String> {
    case[field]
        .as_str()
        .ok_or_else(|| format!("field {field:?} is missing or not a string"))
}

/// Runs the files named in `files`, each through [`run_file`]: an unreadable file or one
/// without vectors counts as a failure. Returns the totals; prints no closing line.
///
/// ```
/// let tally = picket_test_support::vectors::run_files(&["/nonexistent.jsonl"], |_case| Ok(()));
/// assert_eq!((tally.passed, tally.failed), (0, 1));
/// ```
pub fn run_files(
    files: &[impl AsRef<str>],
    run_case: impl Fn(&Value) -> Result<(), String>,
) -> Tally {
    let mut tally = Tally::default();
    for file in files {
        let file = file.as_ref();
        match std::fs::read_to_string(file) {
            Ok(text) => run_file(file, &text, &mut tally, &run_case),
            Err(e) => {
                println!("FAIL {file}: cannot read: {e}");
                tally.failed += 1;
            }
        }
    }
    tally
}

/// The `main` of a runner: runs the files named on the command line ([`run_files`]), prints
/// the closing line and exits 0 only when nothing failed (2 without arguments).
///
/// ```no_run
/// picket_test_support::vectors::main_over_args(|_case| Ok(()));
/// ```
pub fn main_over_args(run_case: impl Fn(&Value) -> Result<(), String>) -> ! {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: vectors FILE.jsonl...");
        std::process::exit(2);
    }
    let tally = run_files(&files, run_case);
    println!("{} passed, {} failed", tally.passed, tally.failed);
    std::process::exit(if tally.failed == 0 { 0 } else { 1 });
}

/// Runs every `*.jsonl` file of the repository's `tests/vectors/`; returns the totals and
/// the number of files (for the test suites).
///
/// ```
/// let (tally, files) = picket_test_support::vectors::run_repository_vectors(|_case| Ok(()));
/// assert!(files >= 5 && tally.failed == 0);
/// ```
pub fn run_repository_vectors(run_case: impl Fn(&Value) -> Result<(), String>) -> (Tally, usize) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors");
    let mut tally = Tally::default();
    let mut files = 0;
    for entry in std::fs::read_dir(dir).expect("tests/vectors exists") {
        let path = entry.expect("a readable directory entry").path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            files += 1;
            let text = std::fs::read_to_string(&path).expect("a readable vector file");
            run_file(&path.display().to_string(), &text, &mut tally, &run_case);
        }
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    (tally, files)
}
