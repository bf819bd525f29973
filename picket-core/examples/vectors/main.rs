//! The core's test-vector runner.
//!
//! ```text
//! cargo run --release -p picket-core --example vectors -- tests/vectors/*.jsonl
//! ```
//!
//! Prints one line for each failing case and ends with `N passed, N failed`; exits 1 when
//! a case failed or a file could not be read or held no vector.

// The harness every Rust runner shares (crate picket-test-support).
use picket_test_support::vectors as harness;
// Shared with the test suite, which uses items this binary does not.
#[allow(dead_code)]
mod runner;

fn main() {
    harness::main_over_args(runner::run_case)
}
