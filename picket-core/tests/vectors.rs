//! Runs every file in `tests/vectors/` through the core, as the `vectors` example does.

use picket_test_support::vectors as harness;

#[path = "../examples/vectors/runner.rs"]
#[allow(dead_code)]
mod runner;

#[test]
fn all_vector_files_pass() {
    let (tally, files) = harness::run_repository_vectors(runner::run_case);
    assert!(files >= 5, "expected the five vector files, found {files}");
    assert!(tally.passed >= 150, "too few vectors: {}", tally.passed);
    assert_eq!(tally.failed, 0);
}

#[test]
fn runner_reports_failures() {
    // A runner that cannot fail proves nothing: feed it wrong expectations.
    let mut tally = runner::Tally::default();
    let text = r#"{"kind":"key","id":"a","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"secret"}
{"kind":"nope","id":"b","expect":"ok"}
{"kind":"auth_header","id":"c","header":"","expect":"error","options":["mystery"]}
not json
{"kind":"key","id":"d","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"publishable"}"#;
    runner::run_text("inline", text, &mut tally);
    assert_eq!((tally.passed, tally.failed), (1, 4));
}
