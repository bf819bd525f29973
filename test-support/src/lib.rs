//! # picket-test-support: what picket's Rust tests share
//!
//! Unpublished; a dev-dependency of picket-core and picket-ffi. It holds plain data and
//! plain functions only (no picket type), so that picket-core's own unit tests may use it
//! too without a second copy of picket-core's types.
//!
//! - [`keys`]: the fixture keys every test and example uses;
//! - [`forms`]: the forms in which a key can sit in a log line (redaction's tests);
//! - [`hostile`]: the hostile inputs every entry point must refuse without panicking;
//! - [`returns`]: the codes each function of `include/picket.h` documents that it returns;
//! - [`vectors`]: the harness of the Rust vector runners (the core's and the C ABI's).
//!
//! ```
//! use picket_test_support::keys::{PK, SK};
//! assert!(PK.starts_with("pk_") && SK.starts_with("sk_"));
//! ```
#![deny(missing_docs)]

pub mod forms;
pub mod hostile;
pub mod keys;
pub mod returns;
pub mod vectors;
