//! # picket-node: the Node.js addon of picket
//!
//! A Node-API addon (napi-rs) over the C ABI of picket: every function here converts its
//! JavaScript arguments, calls one `extern "C"` function of `picket-ffi` (the same checked
//! boundary C, Go and Python use) and converts the result. No rule of picket lives here.
//! The JavaScript API (`bindings/node/src`) is built on these functions; they are not
//! meant to be called directly.
//!
//! - [`input`]: JavaScript strings and `Uint8Array`s as bytes (the one place that reads a
//!   JavaScript value's memory).
//! - [`status`]: a failing call as a thrown `Error` carrying the picket code and message.
//! - [`calls`]: the functions without a handle.
//! - [`registry`]: the builder and registry handles, owned so that no caller can use one
//!   after it is freed, and shareable with `worker_threads`.
//!
//! Every exported function has `catch_unwind`: a panic (a bug) becomes a thrown `Error`,
//! never an unwind into Node.
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::undocumented_unsafe_blocks)]

pub mod calls;
mod input;
pub mod registry;
mod status;
