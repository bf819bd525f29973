//! Runs every file in `tests/vectors/` through the C ABI, as the `vectors` example does.

use picket_test_support::vectors as harness;

#[path = "../examples/vectors/runner.rs"]
#[allow(dead_code)]
mod runner;

#[test]
fn all_vector_files_pass_through_the_c_abi() {
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
{"kind":"auth_header","id":"e","header":"Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6","expect":"ok","key":"sk_e1f767d29fa6e533f2e5c62342fb9e25"}
{"kind":"redirect_match","id":"f","registered":["https://a.example/cb"],"candidate":"https://a.example/cb","mode":"production","expect":"no_match"}
{"kind":"redirect_register","id":"g","uri":"https://a.example/cb","mode":"staging","expect":"accept"}
{"kind":"pkce","id":"h","verifier":"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk","challenge":"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM","method":"plain","expect":"ok"}
{"kind":"key","id":"d","input":"pk_d9960d04426c1e9f3941bec7e39c8854","expect":"publishable"}
{"kind":"key","id":"i","input":"sk_e1f767d29fa6e533f2e5c62342fb9e24\u0000","expect":"error"}"#;
    runner::run_text("inline", text, &mut tally);
    assert_eq!((tally.passed, tally.failed), (2, 8));
}
