//! The C ABI driven with arbitrary bytes, lengths, NULLs, buffer sizes, overlaps and enum
//! values, each answer compared with picket-core's. The harness, the named table of
//! operations and the properties are in `fuzz/src/ffi/` (`picket_fuzz::ffi`).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| picket_fuzz::ffi::run(data));
