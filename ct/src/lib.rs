//! # picket-ct
//!
//! Constant-time measurements of picket-core, in the manner of dudect (Reparaz, Balasch,
//! Verbauwhede, 2017): for each case, two classes of inputs are fed to one operation in a
//! random interleaving, each measurement is timed, and Welch's t-test (raw, cropped at 100
//! percentiles, and second order) decides whether the two timing distributions differ.
//! A control case that leaks on purpose proves that the harness can see a leak.
//!
//! Run it with `cargo run --release -p picket-ct -- --measurements 1000000` (see the
//! README). The statistics are unit-tested (`cargo test -p picket-ct`); the timing run is
//! not part of the test suite, since its outcome depends on the machine.
//!
//! **Limits.** A pass is evidence on this machine, compiler and build profile, not a proof:
//! a timing difference smaller than the noise at the chosen number of measurements goes
//! unseen, and only the cases listed are measured.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![warn(clippy::all)]

pub mod cases;
pub mod harness;
pub mod rng;
pub mod stats;

/// The |t| above which a case is said to leak (dudect's "definitely not constant time").
pub const THRESHOLD: f64 = 10.0;

/// A test of the battery counts only when each class keeps at least this many
/// measurements (the deepest crops keep about 6.7 % of them).
pub const MIN_PER_CLASS: u64 = 1_000;
