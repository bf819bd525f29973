//! The C ABI (`picket-ffi`, library `picket`) driven with arbitrary bytes, lengths, NULLs,
//! buffer sizes, overlaps and enum values, each answer compared with picket-core's.
//!
//! Input: byte 0 picks the function (an entry of [`OPS`], modulo their number), byte 1 the one fault injected into the call, byte 2 a
//! buffer size, bytes 3–10 a number (enum values, `now`, counts); the rest is split on
//! `\n` into the byte strings passed.
//!
//! Faults (one per call, so the expected answer is unambiguous): an input pointer NULL
//! with a non-zero length (`NULL_PARAMETER`), NULL with length 0 (the empty input), a
//! length above `PTRDIFF_MAX` (`INVALID_PARAMETER`, and the bytes are never read: ASan
//! would see it); a NULL output or `out_len` (`NULL_PARAMETER`); an output buffer that is
//! NULL with a length, too long, too short (`BUFFER_TOO_SMALL` with the needed size), or
//! `(NULL, 0)` (a size query); an output overlapping an input (`INVALID_PARAMETER`, except
//! in-place `picket_redact`); an unknown enum value or option bit (`INVALID_PARAMETER`).
//!
//! Properties of every call: the code is the core's code (or the fault's); outputs are
//! written only on success and then equal the core's; on `BUFFER_TOO_SMALL` the buffer is
//! untouched and `*out_len` is the needed size; no byte is written past a buffer (ASan);
//! `PICKET_RESULT_PANIC` and `PICKET_RESULT_INTERNAL_ERROR` never occur; after a failure
//! `picket_last_error_message` has a non-empty UTF-8 message without a secret key or a
//! long hex run, and a successful call leaves the message as it was.

mod harness;
mod keys;
mod registry;
mod requests;

use crate::Reader;
use harness::{Call, Fault};

/// One entry of the table: the C function(s) it calls, and the code that calls them.
#[derive(Clone, Copy)]
pub struct Op {
    /// The exported function(s) called, as a crash report names them.
    pub name: &'static str,
    run: fn(&mut Call, u64),
}

/// Every operation, in the order of the selector byte (kept as it was, so that a saved
/// corpus still reaches the same function).
pub const OPS: &[Op] = &[
    Op {
        name: "picket_key_parse",
        run: keys::key_parse,
    },
    Op {
        name: "picket_key_format",
        run: keys::key_format,
    },
    Op {
        name: "picket_key_generate",
        run: keys::key_generate,
    },
    Op {
        name: "picket_key_digest",
        run: keys::key_digest,
    },
    Op {
        name: "picket_key_digest_hex",
        run: keys::key_digest_hex,
    },
    Op {
        name: "picket_digest_from_hex",
        run: keys::digest_from_hex,
    },
    Op {
        name: "picket_key_verify",
        run: keys::key_verify,
    },
    Op {
        name: "picket_key_verify_any",
        run: keys::key_verify_any,
    },
    Op {
        name: "picket_key_redacted",
        run: keys::key_redacted,
    },
    Op {
        name: "picket_redact",
        run: keys::redact,
    },
    Op {
        name: "picket_pkce_verify",
        run: requests::pkce_verify,
    },
    Op {
        name: "picket_redirect_validate",
        run: requests::redirect_validate,
    },
    Op {
        name: "picket_redirect_match",
        run: requests::redirect_match,
    },
    Op {
        name: "picket_authorization_parse",
        run: requests::authorization_parse,
    },
    Op {
        name: "picket_result_text, picket_auth_http_status, picket_www_authenticate",
        run: requests::codes,
    },
    Op {
        name: "picket_registry_*",
        run: registry::registry,
    },
    Op {
        name: "picket_version",
        run: registry::version,
    },
];

/// Prints which operation was running when a check fails, before the panic reaches
/// libFuzzer: the crash report then names the C function, not only a line of this crate.
struct Naming(&'static str);

impl Drop for Naming {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("ffi fuzz target: the failing operation is {}", self.0);
        }
    }
}

/// Runs one fuzz input: byte 0 picks the operation of [`OPS`], the rest are its arguments.
///
/// ```
/// // Selector 0 is `picket_key_parse`; no fault; the one field is a valid key.
/// let mut input = vec![0u8; 11];
/// input.extend_from_slice(b"pk_d9960d04426c1e9f3941bec7e39c8854");
/// picket_fuzz::ffi::run(&input);
/// assert_eq!(picket_fuzz::ffi::OPS[0].name, "picket_key_parse");
/// ```
pub fn run(data: &[u8]) {
    let mut r = Reader::new(data);
    let op = OPS[usize::from(r.u8()) % OPS.len()];
    let selector = r.u8();
    let size = r.u8();
    let n = r.u64();
    let fields: Vec<&[u8]> = r.rest().split(|&b| b == b'\n').collect();
    let mut call = Call {
        fault: Fault::pick(selector, size),
        size: usize::from(size),
        forced: None,
        fields,
        joint: Vec::new(),
    };
    let _naming = Naming(op.name);
    (op.run)(&mut call, n);
}
