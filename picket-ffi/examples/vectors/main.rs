//! The test-vector runner through the C ABI: the same cases, output and exit rules as
//! picket-core's runner, but every operation goes through an exported `picket_*` function.
//!
//! ```text
//! cargo run --release -p picket-ffi --example vectors -- tests/vectors/*.jsonl
//! ```
//!
//! Prints one line for each failing case and ends with `N passed, N failed`; exits 1 when
//! a case failed or a file could not be read (2 without arguments).

mod runner;

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: vectors FILE.jsonl...");
        std::process::exit(2);
    }
    let mut tally = runner::Tally::default();
    for file in &files {
        match std::fs::read_to_string(file) {
            Ok(text) => runner::run_text(file, &text, &mut tally),
            Err(e) => {
                println!("FAIL {file}: cannot read: {e}");
                tally.failed += 1;
            }
        }
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
    std::process::exit(if tally.failed == 0 { 0 } else { 1 });
}
