//! The test-vector runner through the C ABI: the same cases, output and exit rules as
//! picket-core's runner, but every operation goes through an exported `picket_*` function.
//!
//! ```text
//! cargo run --release -p picket-ffi --example vectors -- tests/vectors/*.jsonl
//! ```
//!
//! Prints one line for each failing case and ends with `N passed, N failed`; exits 1 when
//! a case failed or a file could not be read or held no vector (2 without arguments).

// The harness every Rust runner shares (crate picket-test-support).
use picket_test_support::vectors as harness;
// Shared with the test suite, which uses items this binary does not.
#[allow(dead_code)]
mod runner;

fn main() {
    harness::main_over_args(runner::run_case)
}
