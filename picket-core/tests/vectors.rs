//! Runs every file in `tests/vectors/` through the core, as the `vectors` example does.

#[path = "../examples/vectors/runner.rs"]
#[allow(dead_code)]
mod runner;

#[test]
fn all_vector_files_pass() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors");
    let mut tally = runner::Tally::default();
    let mut files = 0;
    for entry in std::fs::read_dir(dir).expect("tests/vectors exists") {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "jsonl") {
            files += 1;
            let text = std::fs::read_to_string(&path).unwrap();
            runner::run_text(&path.display().to_string(), &text, &mut tally);
        }
    }
    println!("{} passed, {} failed", tally.passed, tally.failed);
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
