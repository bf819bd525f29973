//! # picket-ffi: the C ABI of picket
//!
//! The library `picket` (`libpicket.so`, `libpicket.a`) with the header `include/picket.h`,
//! generated from this crate by cbindgen. It has no logic of its own: each function checks
//! and converts its arguments, calls picket-core and maps the result.
//!
//! ## API conventions
//!
//! These hold for every function; a function's own documentation says only what is
//! particular to it.
//!
//! - **Names.** Everything is prefixed `picket_` (`PICKET_` for constants); functions are
//!   named `picket_<type>_<verb>`. `picket_registry_builder` and `picket_registry` are
//!   opaque; each has a `_free` function, and `_free(NULL)` does nothing.
//! - **Handles** carry their type and state, checked on entry by every function that takes
//!   one (one load and one compare): a handle of another type is
//!   `PICKET_RESULT_WRONG_HANDLE`, a freed one (or a builder already built)
//!   `PICKET_RESULT_HANDLE_FREED`, and so is a second free; nothing is read or written
//!   through such a handle. What cannot be caught is in the `handle` module's
//!   documentation (a pointer picket never returned, a shell reused after its quarantine).
//! - **Results.** Fallible functions return a `picket_result`: `PICKET_RESULT_OK` (0) on
//!   success, a non-zero code otherwise. `picket_result_text` gives each code's static
//!   message, `picket_result_name` its rule name (`auth_unknown_key`). Each function's
//!   documentation lists under `Returns:` every code it returns (`PICKET_RESULT_KEY_*`
//!   stands for every code of that area, 100 and up); any function may also return
//!   `PICKET_RESULT_PANIC` or `PICKET_RESULT_INTERNAL_ERROR`, which only a bug produces and
//!   which are never listed.
//! - **Inputs** are `const uint8_t *` plus a `size_t` length. The bytes need not be
//!   NUL-terminated, and a NUL byte inside is data like any other. `(NULL, 0)` is accepted
//!   everywhere as the empty input; NULL with a non-zero length is
//!   `PICKET_RESULT_NULL_PARAMETER`. A length above `PTRDIFF_MAX` is
//!   `PICKET_RESULT_INVALID_PARAMETER`. Fixed-size inputs (`random16`, `digest`) have no
//!   length argument: the pointer must point to exactly that many bytes and must not be
//!   NULL. Inputs are only read, and only during the call.
//! - **Outputs** come last and are written only on success. Every output pointer is
//!   required (NULL is `PICKET_RESULT_NULL_PARAMETER`) and needs no particular alignment.
//! - **Strings out** go into a caller's buffer `(buf, len)` with a `size_t *out_len`: on
//!   success `*out_len` is the number of bytes written; no NUL terminator is added. When
//!   the buffer is too small the call returns `PICKET_RESULT_BUFFER_TOO_SMALL`, writes the
//!   size needed to `*out_len` and leaves the buffer untouched; `(NULL, 0)` therefore asks
//!   for the size. An output buffer must not overlap an input buffer
//!   (`PICKET_RESULT_INVALID_PARAMETER`), except where a function says otherwise. No
//!   string allocated by picket crosses the boundary, so there is nothing to free.
//! - **Enums and options** are passed as `uint32_t`. A value that is not one of the enum's
//!   constants, or an option bit the function does not use, is
//!   `PICKET_RESULT_INVALID_PARAMETER`.
//! - **Errors in detail.** Every call that returns a code other than `PICKET_RESULT_OK`
//!   records a message naming the rule that was broken (it never contains a key or other
//!   secret), read with `picket_last_error_message`. The message is per OS thread and is
//!   replaced by the next failing call on the same thread; successful calls leave it
//!   alone. (From Go: call `runtime.LockOSThread` around the call and the read.)
//! - **Panics** never cross the boundary: a panic inside picket (a bug) is caught and
//!   returned as `PICKET_RESULT_PANIC`, or as the fallback value a function documents.
//! - **Threads.** Functions without a handle may be called from any thread at any time. A
//!   `picket_registry` is immutable: any number of threads may use one at once. A
//!   `picket_registry_builder` must be used by one thread at a time.
//! - **Memory.** A freed registry's memory goes back to the system at once, whichever
//!   thread frees it: libpicket allocates its blocks of 128 KiB or more (a registry's tables,
//!   about 71 bytes a key) as mappings of their own, unmapped on free, and the rest with the
//!   system's `malloc`. The host program's own allocations are not touched.
//!
//! The Rust functions are `unsafe` where they take pointers: their safety contract is the
//! conventions above (every non-NULL pointer valid for its stated length for the duration
//! of the call).
#![deny(missing_docs)]
#![deny(unsafe_op_in_unsafe_fn)]
#![warn(clippy::all, clippy::undocumented_unsafe_blocks)]

mod alloc;
mod boundary;
mod handle;
mod io;

// libpicket's allocator: blocks of 128 KiB or more (a registry's tables) are mapped on their
// own and unmapped when freed, so that a registry's memory leaves the process when it is
// freed (src/alloc.rs says why). Turned off with `default-features = false`.
#[cfg(feature = "mapped-alloc")]
#[global_allocator]
static ALLOCATOR: alloc::Allocator = alloc::Allocator;

// cbindgen writes the functions in module order: these two first, as the header has them.
pub mod version;

pub mod messages;

pub mod auth;
pub mod constants;
pub mod enums;
pub mod keys;
pub mod pkce;
pub mod redirect;
pub mod registry;
pub mod result;

pub use auth::*;
pub use constants::*;
pub use enums::{picket_key_kind, picket_mode, picket_requirement};
pub use enums::{
    PICKET_OPTION_ACCEPT_BEARER, PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES,
    PICKET_OPTION_LOOPBACK_ANY_PORT,
};
pub use keys::*;
pub use messages::*;
pub use pkce::*;
pub use redirect::*;
pub use registry::*;
pub use result::picket_result;
pub use version::*;

// The checked conversions, where the exports of the other modules find them.
pub(crate) use enums::{
    header_options, key_kind, key_kind_value, mode, redirect_options, requirement,
};
