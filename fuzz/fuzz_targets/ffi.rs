//! The C ABI (`picket-ffi`, library `picket`) driven with arbitrary bytes, lengths, NULLs,
//! buffer sizes, overlaps and enum values, each answer compared with picket-core's.
//!
//! Input: byte 0 picks the function, byte 1 the one fault injected into the call, byte 2 a
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
#![no_main]

use std::ffi::CStr;
use std::ptr;

use libfuzzer_sys::fuzz_target;
use picket::*;
use picket_core::{
    match_redirect_uri, parse_authorization, redact_bytes, validate_redirect_uri, verify_any,
    verify_pkce, ApiKey, AuthError, HeaderOptions, KeyDigest, KeyKind, Mode, RedirectOptions,
    RegistryBuilder, Requirement, KEY_LEN, REDACTED_LEN,
};
use picket_fuzz::{secret_keys, Reader};

const OK: u32 = picket_result::Ok as u32;
const NULL: u32 = picket_result::NullParameter as u32;
const INVALID: u32 = picket_result::InvalidParameter as u32;
const TOO_SMALL: u32 = picket_result::BufferTooSmall as u32;
const MISMATCH: u32 = picket_result::KeyMismatch as u32;
/// A length above `PTRDIFF_MAX`.
const HUGE: usize = isize::MAX as usize + 1;
/// The byte output buffers are filled with, to see what was written.
const FILL: u8 = 0xa5;
const OUT_LEN_SENTINEL: usize = 0x5eed_5eed;

/// The fault injected into one call.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Fault {
    None,
    /// Input `i` passed as NULL with its length (NULL_PARAMETER unless the length is 0).
    NullInput(usize),
    /// Input `i` passed as (NULL, 0): the empty input.
    EmptyInput(usize),
    /// Input `i` passed with a length above PTRDIFF_MAX.
    HugeInput(usize),
    /// The fixed-size or scalar output pointer is NULL.
    NullOut,
    /// `out_len` is NULL.
    NullOutLen,
    /// The output buffer is NULL with a non-zero length.
    NullBuf,
    /// The output buffer's length is above PTRDIFF_MAX.
    HugeBuf,
    /// The output buffer is `(NULL, 0)`.
    QueryBuf,
    /// The output buffer has the size given by the size byte (may be too small).
    SizedBuf,
    /// The output starts inside input 0 (at offset `n % len`).
    Overlap(usize),
    /// An enum or option argument is out of range.
    BadEnum,
}

impl Fault {
    fn pick(selector: u8, size: u8) -> Fault {
        let i = usize::from(selector >> 4);
        match selector & 15 {
            0..=3 => Fault::None,
            4 => Fault::NullInput(i % 3),
            5 => Fault::EmptyInput(i % 3),
            6 => Fault::HugeInput(i % 3),
            7 => Fault::NullOut,
            8 => Fault::NullOutLen,
            9 => Fault::NullBuf,
            10 => Fault::HugeBuf,
            11 => Fault::QueryBuf,
            12 | 13 => Fault::SizedBuf,
            14 => Fault::Overlap(usize::from(size)),
            _ => Fault::BadEnum,
        }
    }
}

/// The arguments of one call, with the fault applied, and what the call must return
/// because of the fault (`forced`).
struct Call<'a> {
    fault: Fault,
    size: usize,
    forced: Option<u32>,
    fields: Vec<&'a [u8]>,
    /// Storage for input 0 followed by room for an overlapping output.
    joint: Vec<u8>,
}

impl<'a> Call<'a> {
    /// Input `i` (the i-th field) as (pointer, length, the bytes the callee must see).
    fn input(&mut self, i: usize) -> (*const u8, usize, &'a [u8]) {
        let data: &'a [u8] = self.fields.get(i).copied().unwrap_or_default();
        self.input_bytes(i, data)
    }

    fn input_bytes(&mut self, i: usize, data: &'a [u8]) -> (*const u8, usize, &'a [u8]) {
        match self.fault {
            Fault::NullInput(j) if j == i => {
                if !data.is_empty() {
                    self.forced = Some(NULL);
                }
                (ptr::null(), data.len(), &[])
            }
            Fault::EmptyInput(j) if j == i => (ptr::null(), 0, &[]),
            Fault::HugeInput(j) if j == i => {
                self.forced = Some(INVALID);
                (data.as_ptr(), HUGE + data.len(), data)
            }
            Fault::Overlap(_) if i == 0 && !data.is_empty() => {
                self.joint.clear();
                self.joint.extend_from_slice(data);
                (self.joint.as_ptr(), data.len(), data)
            }
            _ => (data.as_ptr(), data.len(), data),
        }
    }

    /// A `u32` enum argument: `valid` unless the fault is `BadEnum`, then `invalid`.
    fn enum_arg(&mut self, valid: u32, invalid: u32) -> u32 {
        if self.fault == Fault::BadEnum {
            self.forced = Some(INVALID);
            invalid
        } else {
            valid
        }
    }

    /// A pointer to a scalar output, NULL under `NullOut`.
    fn out<T>(&mut self, slot: &mut T) -> *mut T {
        if self.fault == Fault::NullOut {
            self.forced = Some(NULL);
            ptr::null_mut()
        } else {
            slot
        }
    }
}

/// An output buffer `(buf, len)` with its `out_len`.
struct OutBuf {
    storage: Vec<u8>,
    ptr: *mut u8,
    cap: usize,
    out_len: usize,
    out_len_ptr: bool,
    /// Whether the buffer lives inside `Call::joint` (overlap fault).
    in_joint: bool,
    /// In-place (`buf == input`): allowed by `picket_redact` only.
    in_place: bool,
}

impl OutBuf {
    /// Builds the buffer for a call whose successful output is `needed` bytes.
    fn new(call: &mut Call, needed: usize, overlap_allowed_in_place: bool) -> OutBuf {
        let fill_cap = |cap: usize| vec![FILL; cap];
        let mut out = OutBuf {
            storage: Vec::new(),
            ptr: ptr::null_mut(),
            cap: 0,
            out_len: OUT_LEN_SENTINEL,
            out_len_ptr: true,
            in_joint: false,
            in_place: false,
        };
        match call.fault {
            Fault::NullOutLen => {
                call.forced = Some(NULL);
                out.out_len_ptr = false;
                out.storage = fill_cap(needed);
            }
            Fault::NullBuf => {
                call.forced = Some(NULL);
                out.cap = needed.max(1);
                return out;
            }
            Fault::HugeBuf => {
                call.forced = Some(INVALID);
                out.storage = fill_cap(needed);
                out.ptr = out.storage.as_mut_ptr();
                out.cap = HUGE + needed;
                return out;
            }
            Fault::QueryBuf => return out,
            Fault::SizedBuf => out.storage = fill_cap(call.size % (needed + 8)),
            Fault::Overlap(at) if !call.joint.is_empty() => {
                let input_len = call.joint.len();
                let offset = at % input_len;
                let cap = needed.max(1);
                call.joint.resize(input_len.max(offset + cap), FILL);
                out.in_joint = true;
                out.in_place = offset == 0 && overlap_allowed_in_place;
                if !out.in_place {
                    call.forced = Some(INVALID);
                }
                // Re-take the input pointer after the resize: the caller does that too.
                out.ptr = call.joint.as_mut_ptr().wrapping_add(offset);
                out.cap = cap;
                return out;
            }
            _ => out.storage = fill_cap(needed + call.size % 3),
        }
        out.cap = out.storage.len();
        out.ptr = if out.cap == 0 && call.size & 1 == 1 {
            ptr::null_mut() // (NULL, 0) and (ptr, 0) are the same request.
        } else {
            out.storage.as_mut_ptr()
        };
        out
    }

    fn out_len_ptr(&mut self) -> *mut usize {
        if self.out_len_ptr {
            &mut self.out_len
        } else {
            ptr::null_mut()
        }
    }

    /// The buffer's bytes after the call (empty for a NULL or joint buffer).
    fn bytes(&self) -> &[u8] {
        &self.storage
    }
}

/// Checks a call's code and buffer against the core's answer: `Ok(bytes)` to write or
/// `Err(code)`. `fixed_len` is the output size when it does not depend on success.
fn check_buf(call: &Call, got: picket_result, out: &OutBuf, want: Result<&[u8], u32>) {
    let got = got as u32;
    let untouched = |out: &OutBuf| {
        if !out.in_joint {
            assert!(
                out.bytes().iter().all(|&b| b == FILL),
                "buffer written on failure"
            );
        }
    };
    if let Some(forced) = call.forced {
        assert_eq!(got, forced, "fault {:?}", call.fault);
        assert_eq!(out.out_len, OUT_LEN_SENTINEL, "out_len written on failure");
        untouched(out);
        return;
    }
    match want {
        Err(code) => {
            assert_eq!(got, code, "fault {:?}", call.fault);
            assert_eq!(out.out_len, OUT_LEN_SENTINEL, "out_len written on failure");
            untouched(out);
        }
        Ok(bytes) if bytes.len() > out.cap => {
            assert_eq!(got, TOO_SMALL, "fault {:?}", call.fault);
            assert_eq!(out.out_len, bytes.len(), "needed size");
            untouched(out);
        }
        Ok(bytes) => {
            assert_eq!(got, OK, "fault {:?}", call.fault);
            assert_eq!(out.out_len, bytes.len());
            if out.in_joint {
                // SAFETY: `ptr` points into the joint buffer with room for `cap` bytes.
                let written = unsafe { std::slice::from_raw_parts(out.ptr, bytes.len()) };
                assert_eq!(written, bytes);
            } else {
                assert_eq!(&out.bytes()[..bytes.len()], bytes);
                assert!(out.bytes()[bytes.len()..].iter().all(|&b| b == FILL));
            }
        }
    }
}

/// Checks a call without an output buffer: the code, and a scalar output `slot` that
/// must equal `want` on success and stay `sentinel` otherwise.
fn check_scalar<T: PartialEq + core::fmt::Debug>(
    call: &Call,
    got: picket_result,
    slot: T,
    sentinel: T,
    want: Result<T, u32>,
) {
    let got = got as u32;
    let want_code = match (&call.forced, &want) {
        (Some(forced), _) => *forced,
        (None, Ok(_)) => OK,
        (None, Err(code)) => *code,
    };
    assert_eq!(got, want_code, "fault {:?}", call.fault);
    match want {
        Ok(v) if call.forced.is_none() => assert_eq!(slot, v),
        _ => assert_eq!(slot, sentinel, "output written on failure"),
    }
}

fn last_message() -> Vec<u8> {
    let mut buf = vec![0u8; 4096];
    let mut len = 0usize;
    // SAFETY: `buf` has 4096 writable bytes and `len` is a valid `size_t`.
    let r = unsafe { picket_last_error_message(buf.as_mut_ptr(), buf.len(), &mut len) };
    assert_eq!(r, picket_result::Ok);
    buf.truncate(len);
    buf
}

/// Whether `text` has 16 or more hex digits in a row, one of them a letter: a key body or
/// digest would.
fn has_hex_word(text: &[u8]) -> bool {
    text.split(|b| !b.is_ascii_hexdigit())
        .any(|run| run.len() >= 16 && run.iter().any(u8::is_ascii_alphabetic))
}

/// The detailed message after a call that returned `got`, compared with `before`.
fn check_message(got: picket_result, before: &[u8]) {
    assert_ne!(got, picket_result::Panic, "a panic reached the boundary");
    assert_ne!(
        got,
        picket_result::InternalError,
        "a core error has no code"
    );
    let after = last_message();
    if got == picket_result::Ok {
        assert_eq!(
            after, before,
            "a successful call changed the last error message"
        );
        return;
    }
    assert!(!after.is_empty(), "a failure left no message");
    let text = std::str::from_utf8(&after).expect("message is UTF-8");
    assert!(
        secret_keys(text.as_bytes()).is_empty(),
        "message has a secret key"
    );
    assert!(
        !has_hex_word(text.as_bytes()),
        "message has a hex run: {text}"
    );
    // A buffer too small: the needed size, and the message is still there afterwards.
    let mut small = vec![FILL; after.len() - 1];
    let mut len = 0usize;
    // SAFETY: `small` has `small.len()` writable bytes.
    let r = unsafe { picket_last_error_message(small.as_mut_ptr(), small.len(), &mut len) };
    assert_eq!((r, len), (picket_result::BufferTooSmall, after.len()));
    assert!(small.iter().all(|&b| b == FILL));
    assert_eq!(last_message(), after);
}

fn kind_code(kind: KeyKind) -> u32 {
    match kind {
        KeyKind::Publishable => picket_key_kind::Publishable as u32,
        KeyKind::Secret => picket_key_kind::Secret as u32,
    }
}

fn kind_of(n: u64) -> (KeyKind, u32) {
    if n & 1 == 0 {
        (KeyKind::Publishable, picket_key_kind::Publishable as u32)
    } else {
        (KeyKind::Secret, picket_key_kind::Secret as u32)
    }
}

fn mode_of(n: u64) -> (Mode, u32) {
    if n & 1 == 0 {
        (Mode::Development, picket_mode::Development as u32)
    } else {
        (Mode::Production, picket_mode::Production as u32)
    }
}

fn redirect_options_of(n: u64) -> (RedirectOptions, u32) {
    let private = n & 2 == 2;
    let any_port = n & 4 == 4;
    let mut bits = 0;
    if private {
        bits |= PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES;
    }
    if any_port {
        bits |= PICKET_OPTION_LOOPBACK_ANY_PORT;
    }
    (
        RedirectOptions {
            allow_private_use_schemes: private,
            loopback_any_port: any_port,
        },
        bits,
    )
}

fn requirement_of(n: u64) -> (Requirement, u32) {
    match n % 3 {
        0 => (
            Requirement::Publishable,
            picket_requirement::Publishable as u32,
        ),
        1 => (Requirement::Secret, picket_requirement::Secret as u32),
        _ => (Requirement::Any, picket_requirement::Any as u32),
    }
}

/// A digest input (32 bytes, or NULL under `NullInput(i)`).
fn digest_arg(call: &mut Call, i: usize, bytes: &[u8; 32]) -> *const u8 {
    match call.fault {
        Fault::NullInput(j) if j == i => {
            call.forced = Some(NULL);
            ptr::null()
        }
        _ => bytes.as_ptr(),
    }
}

fn first_32(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let n = data.len().min(32);
    out[..n].copy_from_slice(&data[..n]);
    out
}

/// One call of a function with an output buffer: builds the buffer, calls, checks.
fn with_buf(
    call: &mut Call,
    needed: usize,
    in_place_ok: bool,
    want: Result<&[u8], u32>,
    f: impl FnOnce(&mut Call, *mut u8, usize, *mut usize) -> picket_result,
) -> picket_result {
    let mut out = OutBuf::new(call, needed, in_place_ok);
    let out_len = out.out_len_ptr();
    let before = last_message();
    let got = f(call, out.ptr, out.cap, out_len);
    check_buf(call, got, &out, want);
    check_message(got, &before);
    got
}

fn run(op: u8, call: &mut Call, n: u64) {
    match op % 17 {
        0 => {
            let (p, l, seen) = call.input(0);
            let mut kind = u32::MAX;
            let out = call.out(&mut kind);
            let before = last_message();
            // SAFETY: (p, l) is a live slice, NULL, or a huge length that must be refused
            // before any read; `out` is a live u32 or NULL.
            let got = unsafe { picket_key_parse(p, l, out) };
            let want = ApiKey::parse(seen)
                .map(|k| kind_code(k.kind()))
                .map_err(|e| e.code());
            check_scalar(call, got, kind, u32::MAX, want);
            check_message(got, &before);
        }
        1 => {
            let random = first_32(call.fields.first().copied().unwrap_or_default());
            let mut random16 = [0u8; 16];
            random16.copy_from_slice(&random[..16]);
            let (kind, kind_bits) = kind_of(n);
            let bits = call.enum_arg(kind_bits, 3 + (n >> 1) as u32 % 100);
            let key = ApiKey::from_random_bytes(kind, random16);
            let want = *key.as_bytes();
            let r16 = digest_arg(call, 0, &random);
            with_buf(call, KEY_LEN, false, Ok(&want), |_, buf, len, out_len| {
                // SAFETY: `r16` is NULL or 32 readable bytes; the buffer is as built.
                unsafe { picket_key_format(bits, r16, buf, len, out_len) }
            });
        }
        2 => {
            // A fresh random key: check the form rather than the bytes.
            let (_, kind_bits) = kind_of(n);
            let bits = call.enum_arg(kind_bits, 0);
            let mut out = OutBuf::new(call, KEY_LEN, false);
            let out_len = out.out_len_ptr();
            let before = last_message();
            // SAFETY: the buffer is as built.
            let got = unsafe { picket_key_generate(bits, out.ptr, out.cap, out_len) };
            match call.forced {
                Some(_) => check_buf(call, got, &out, Ok(&[0; KEY_LEN])),
                None if out.cap < KEY_LEN => {
                    assert_eq!((got, out.out_len), (picket_result::BufferTooSmall, KEY_LEN))
                }
                None => {
                    assert_eq!((got, out.out_len), (picket_result::Ok, KEY_LEN));
                    let key = ApiKey::parse(&out.bytes()[..KEY_LEN]).expect("generated key");
                    assert_eq!(kind_code(key.kind()), kind_bits);
                }
            }
            check_message(got, &before);
        }
        3 => {
            let (p, l, seen) = call.input(0);
            let mut digest = [FILL; 32];
            let want = ApiKey::parse(seen)
                .map(|k| *k.digest().as_bytes())
                .map_err(|e| e.code());
            let overlap = matches!(call.fault, Fault::Overlap(_)) && !call.joint.is_empty();
            let out_ptr = if overlap {
                // The 32-byte output starts inside the key.
                call.forced = Some(INVALID);
                call.joint.resize(call.joint.len() + 32, FILL);
                call.joint.as_mut_ptr()
            } else {
                call.out(&mut digest).cast::<u8>()
            };
            let p = if overlap { call.joint.as_ptr() } else { p };
            let before = last_message();
            // SAFETY: `p` is as built; `out_ptr` is NULL or 32 writable bytes.
            let got = unsafe { picket_key_digest(p, l, out_ptr) };
            check_scalar(call, got, digest, [FILL; 32], want);
            check_message(got, &before);
        }
        4 => {
            let (p, l, seen) = call.input(0);
            let want = ApiKey::parse(seen)
                .map(|k| k.digest().to_hex_bytes())
                .map_err(|e| e.code());
            let want_ref = want.as_ref().map(|b| &b[..]).map_err(|c| *c);
            with_buf(call, 64, false, want_ref, |call, buf, len, out_len| {
                let p = if call.in_joint_input() {
                    call.joint.as_ptr()
                } else {
                    p
                };
                // SAFETY: the key and buffer are as built.
                unsafe { picket_key_digest_hex(p, l, buf, len, out_len) }
            });
        }
        5 => {
            let (p, l, seen) = call.input(0);
            let mut out = [FILL; 32];
            let want = KeyDigest::from_hex(seen)
                .map(|d| *d.as_bytes())
                .map_err(|e| e.code());
            let out_ptr = call.out(&mut out).cast::<u8>();
            let before = last_message();
            // SAFETY: as built; `out_ptr` is NULL or 32 writable bytes.
            let got = unsafe { picket_digest_from_hex(p, l, out_ptr) };
            check_scalar(call, got, out, [FILL; 32], want);
            check_message(got, &before);
        }
        6 => {
            let (p, l, seen) = call.input(0);
            let digest_src = first_32(call.fields.get(1).copied().unwrap_or_default());
            // Half the time, the key's own digest.
            let digest = match ApiKey::parse(seen) {
                Ok(k) if n & 1 == 1 => *k.digest().as_bytes(),
                _ => digest_src,
            };
            let d = digest_arg(call, 1, &digest);
            let want = ApiKey::parse(seen).map_err(|e| e.code()).and_then(|k| {
                if KeyDigest::from_bytes(digest).verify(&k) {
                    Ok(())
                } else {
                    Err(MISMATCH)
                }
            });
            let before = last_message();
            // SAFETY: as built; `d` is NULL or 32 readable bytes.
            let got = unsafe { picket_key_verify(p, l, d) };
            check_scalar(call, got, (), (), want);
            check_message(got, &before);
        }
        7 => {
            let (p, l, seen) = call.input(0);
            let raw: &[u8] = call.fields.get(1).copied().unwrap_or_default();
            let mut digests: Vec<u8> = raw[..raw.len() / 32 * 32].to_vec();
            if let (Ok(k), true) = (ApiKey::parse(seen), n & 1 == 1) {
                let at = (n as usize >> 1) % (digests.len() / 32 + 1) * 32;
                digests.splice(at..at, k.digest().as_bytes().iter().copied());
            }
            let mut count = digests.len() / 32;
            let mut dp = digests.as_ptr();
            let mut seen_digests: &[u8] = &digests;
            match call.fault {
                Fault::NullInput(1) if count > 0 => {
                    call.forced = Some(NULL);
                    dp = ptr::null();
                }
                Fault::EmptyInput(1) => {
                    dp = ptr::null();
                    count = 0;
                    seen_digests = &[];
                }
                Fault::HugeInput(1) => {
                    call.forced = Some(INVALID);
                    count = if n & 2 == 2 {
                        usize::MAX / 16
                    } else {
                        HUGE / 32 + 1
                    };
                }
                _ => {}
            }
            let mut index = usize::MAX;
            let out = call.out(&mut index);
            let stored: Vec<KeyDigest> = seen_digests
                .chunks_exact(32)
                .map(|c| KeyDigest::from_bytes(first_32(c)))
                .collect();
            let want = ApiKey::parse(seen)
                .map_err(|e| e.code())
                .and_then(|k| verify_any(&k, &stored).ok_or(MISMATCH));
            let before = last_message();
            // SAFETY: as built: `dp` holds `count * 32` bytes, or NULL, or a count whose
            // byte size is above PTRDIFF_MAX (refused before any read).
            let got = unsafe { picket_key_verify_any(p, l, dp, count, out) };
            check_scalar(call, got, index, usize::MAX, want);
            check_message(got, &before);
        }
        8 => {
            let (p, l, seen) = call.input(0);
            let want = ApiKey::parse(seen)
                .map(|k| *k.redacted().as_bytes())
                .map_err(|e| e.code());
            let want_ref = want.as_ref().map(|b| &b[..]).map_err(|c| *c);
            with_buf(
                call,
                REDACTED_LEN,
                false,
                want_ref,
                |call, buf, len, out_len| {
                    let p = if call.in_joint_input() {
                        call.joint.as_ptr()
                    } else {
                        p
                    };
                    // SAFETY: as built.
                    unsafe { picket_key_redacted(p, l, buf, len, out_len) }
                },
            );
        }
        9 => {
            let (p, l, seen) = call.input(0);
            let want = redact_bytes(seen).into_owned();
            with_buf(
                call,
                want.len(),
                true,
                Ok(&want),
                |call, buf, len, out_len| {
                    let p = if call.in_joint_input() {
                        call.joint.as_ptr()
                    } else {
                        p
                    };
                    // SAFETY: as built; an in-place buffer is `p` itself, which is allowed.
                    unsafe { picket_redact(p, l, buf, len, out_len) }
                },
            );
        }
        10 => {
            let (vp, vl, v) = call.input(0);
            let (cp, cl, c) = call.input(1);
            let (mp, ml, m) = call.input(2);
            let want = verify_pkce(v, c, m).map_err(|e| e.code());
            let before = last_message();
            // SAFETY: as built.
            let got = unsafe { picket_pkce_verify(vp, vl, cp, cl, mp, ml) };
            check_scalar(call, got, (), (), want);
            check_message(got, &before);
        }
        11 => {
            let (p, l, uri) = call.input(0);
            let (mode, mode_bits) = mode_of(n);
            let (options, option_bits) = redirect_options_of(n);
            let bad = if n & 8 == 8 {
                3 + (n >> 4) as u32 % 8
            } else {
                mode_bits
            };
            let bad_options = if n & 8 == 8 {
                option_bits
            } else {
                option_bits | 8
            };
            let m = call.enum_arg(mode_bits, bad);
            let o = if call.fault == Fault::BadEnum {
                bad_options
            } else {
                option_bits
            };
            let want = validate_redirect_uri(uri, mode, options).map_err(|e| e.code());
            let before = last_message();
            // SAFETY: as built.
            let got = unsafe { picket_redirect_validate(p, l, m, o) };
            check_scalar(call, got, (), (), want);
            check_message(got, &before);
        }
        12 => redirect_match(call, n),
        13 => {
            let (p, l, header) = call.input(0);
            let accept_bearer = n & 1 == 1;
            let bits = call.enum_arg(u32::from(accept_bearer), 2 << (n % 30));
            let parsed = parse_authorization(header, HeaderOptions { accept_bearer });
            let want_kind = parsed.as_ref().map(|k| kind_code(k.kind())).ok();
            let want = parsed
                .as_ref()
                .map(|k| &k.as_bytes()[..])
                .map_err(|e| e.code());
            let mut kind = u32::MAX;
            let kind_ptr: *mut u32 = if call.fault == Fault::NullOut {
                call.forced = Some(NULL);
                ptr::null_mut()
            } else {
                &mut kind
            };
            let got = with_buf(call, KEY_LEN, false, want, |call, buf, len, out_len| {
                let p = if call.in_joint_input() {
                    call.joint.as_ptr()
                } else {
                    p
                };
                // SAFETY: as built.
                unsafe { picket_authorization_parse(p, l, bits, kind_ptr, buf, len, out_len) }
            });
            if got == picket_result::Ok {
                assert_eq!(Some(kind), want_kind);
            } else {
                assert_eq!(kind, u32::MAX, "out_kind written on failure");
            }
        }
        14 => codes(call, n),
        15 => registry(call, n),
        _ => {
            // The version: a static NUL-terminated "MAJOR.MINOR.PATCH".
            let v = picket_version();
            assert!(!v.is_null());
            // SAFETY: a non-NULL result is a static NUL-terminated string.
            let v = unsafe { CStr::from_ptr(v) }
                .to_str()
                .expect("ASCII version");
            let parts: Vec<&str> = v.split('.').collect();
            assert_eq!(parts.len(), 3, "{v}");
            assert!(parts.iter().all(|p| p.parse::<u32>().is_ok()), "{v}");
        }
    }
}

impl Call<'_> {
    /// Whether input 0 was moved into the joint buffer (overlap fault).
    fn in_joint_input(&self) -> bool {
        matches!(self.fault, Fault::Overlap(_)) && !self.joint.is_empty()
    }
}

fn redirect_match(call: &mut Call, n: u64) {
    let candidate: &[u8] = call.fields.last().copied().unwrap_or_default();
    let entries: Vec<&[u8]> = call.fields[..call.fields.len().saturating_sub(1)]
        .iter()
        .take(8)
        .copied()
        .collect();
    let (mode, mode_bits) = mode_of(n);
    let (options, option_bits) = redirect_options_of(n >> 1);
    let m = call.enum_arg(mode_bits, 0);
    let mut slices: Vec<picket_slice> = entries
        .iter()
        .map(|e| picket_slice {
            data: e.as_ptr(),
            len: e.len(),
        })
        .collect();
    let mut seen_entries = entries.clone();
    let mut count = slices.len();
    // Storage for a misaligned copy of the slice array.
    let mut bytes: Vec<u8> = Vec::new();
    let mut list = slices.as_ptr();
    let entry = (n >> 8) as usize % slices.len().max(1);
    match call.fault {
        Fault::NullInput(0) if count > 0 => {
            call.forced = Some(NULL);
            list = ptr::null();
        }
        Fault::NullInput(1) if !slices.is_empty() && slices[entry].len > 0 => {
            call.forced = Some(NULL);
            slices[entry].data = ptr::null();
            list = slices.as_ptr();
        }
        Fault::EmptyInput(0) => {
            list = ptr::null();
            count = 0;
            seen_entries.clear();
        }
        Fault::EmptyInput(1) if !slices.is_empty() => {
            slices[entry] = picket_slice {
                data: ptr::null(),
                len: 0,
            };
            seen_entries[entry] = &[];
            list = slices.as_ptr();
        }
        Fault::HugeInput(0) => {
            call.forced = Some(INVALID);
            count = HUGE / std::mem::size_of::<picket_slice>() + 1;
        }
        Fault::HugeInput(1) if !slices.is_empty() => {
            call.forced = Some(INVALID);
            slices[entry].len += HUGE;
            list = slices.as_ptr();
        }
        Fault::Overlap(_) if !slices.is_empty() => {
            // A misaligned array of slices.
            call.forced = Some(INVALID);
            let size = std::mem::size_of_val(&slices[..]);
            bytes.resize(size + 1, 0);
            // SAFETY: `bytes` has `size + 1` bytes; the copy is byte-wise.
            unsafe {
                ptr::copy_nonoverlapping(
                    slices.as_ptr().cast::<u8>(),
                    bytes.as_mut_ptr().add(1),
                    size,
                )
            };
            list = bytes.as_ptr().wrapping_add(1).cast();
        }
        _ => {}
    }
    let (cp, cl, seen_candidate) = call.input_bytes(2, candidate);
    let o = if call.fault == Fault::BadEnum && n & 16 == 16 {
        option_bits | 1 << (3 + n % 29)
    } else {
        option_bits
    };
    let mut matched: u8 = 0x55;
    let out = call.out(&mut matched).cast::<bool>();
    let want = match_redirect_uri(&seen_entries, seen_candidate, mode, options);
    let before = last_message();
    // SAFETY: `list` is NULL, `count` live slices (each live, NULL with 0, or with one
    // fault the callee must refuse before reading), a misaligned pointer the callee must
    // refuse, or a count above PTRDIFF_MAX bytes. `out` is NULL or a live byte.
    let got = unsafe { picket_redirect_match(list, count, cp, cl, m, o, out) };
    check_scalar(call, got, matched, 0x55, Ok(u8::from(want)));
    check_message(got, &before);
}

/// `picket_auth_http_status`, `picket_www_authenticate` and `picket_result_text` for one
/// code (a real one or an arbitrary `u32`).
fn codes(call: &mut Call, n: u64) {
    let all = picket_result::all();
    let code = if n & 1 == 0 {
        all[(n >> 1) as usize % all.len()] as u32
    } else {
        (n >> 1) as u32
    };
    let status = picket_auth_http_status(code);
    let want_status = match code {
        0 => 200,
        502 => 403,
        _ => 401,
    };
    assert_eq!(status, want_status);
    if let Some(www) = AuthError::UnknownKey.www_authenticate() {
        assert_eq!(status == 401, code != 0 && code != 502, "{www}");
    }

    let challenge: &[u8] = if status == 401 {
        b"Basic realm=\"picket\""
    } else {
        b""
    };
    with_buf(
        call,
        challenge.len(),
        false,
        Ok(challenge),
        |_, buf, len, out_len| {
            // SAFETY: as built.
            unsafe { picket_www_authenticate(code, buf, len, out_len) }
        },
    );

    let text = picket_result::from_code(code).map(|r| r.text().as_bytes());
    let needed = text.map_or(0, <[u8]>::len);
    let want = text.ok_or(INVALID);
    // An unknown code is an argument error of its own: no second fault with it.
    let mut sub = Call {
        fault: if text.is_some() {
            call.fault
        } else {
            Fault::None
        },
        size: call.size,
        forced: None,
        fields: Vec::new(),
        joint: Vec::new(),
    };
    with_buf(&mut sub, needed, false, want, |_, buf, len, out_len| {
        // SAFETY: as built.
        unsafe { picket_result_text(code, buf, len, out_len) }
    });
    if let Some(t) = text {
        assert!(!t.is_empty(), "code {code} has no text");
    }
}

/// A registry built through the C ABI and through picket-core with the same operations;
/// every answer compared.
fn registry(call: &mut Call, n: u64) {
    let mut core_builder = RegistryBuilder::new();
    // SAFETY: no arguments.
    let builder = picket_registry_builder_new();
    assert!(!builder.is_null());
    let accept_bearer = n & 1 == 1;
    core_builder.header_options(HeaderOptions { accept_bearer });
    // SAFETY: `builder` is live and used by this thread only.
    let r = unsafe { picket_registry_builder_set_options(builder, u32::from(accept_bearer)) };
    assert_eq!(r, picket_result::Ok);
    // SAFETY: as above; unknown option bits are refused.
    let r = unsafe { picket_registry_builder_set_options(builder, 2) };
    assert_eq!(r, picket_result::InvalidParameter);
    // SAFETY: NULL builder is refused.
    let r = unsafe { picket_registry_builder_set_options(ptr::null_mut(), 0) };
    assert_eq!(r, picket_result::NullParameter);

    let fields = call.fields.clone();
    let mut keys: Vec<ApiKey> = Vec::new();
    for (i, field) in fields.iter().enumerate() {
        let Some((&tag, body)) = field.split_first() else {
            continue;
        };
        let project = u64::from(tag >> 4 & 3);
        let mut nr = Reader::new(body);
        match tag % 4 {
            0 => {
                let (mode, mode_bits) = mode_of(u64::from(tag >> 2));
                let (options, option_bits) = redirect_options_of(u64::from(tag >> 5));
                let want = core_builder
                    .add_project(project, mode, options)
                    .map_err(|e| e.code());
                // SAFETY: `builder` is live.
                let got = unsafe {
                    picket_registry_builder_add_project(builder, project, mode_bits, option_bits)
                };
                assert_eq!(got as u32, want.err().unwrap_or(OK));
                // SAFETY: unknown mode is refused.
                let bad = unsafe { picket_registry_builder_add_project(builder, 99, 0, 0) };
                assert_eq!(bad, picket_result::InvalidParameter);
            }
            1 => {
                let want = core_builder
                    .add_redirect_uri(project, body)
                    .map_err(|e| e.code());
                // SAFETY: `builder` is live; `body` is a live slice.
                let got = unsafe {
                    picket_registry_builder_add_redirect_uri(
                        builder,
                        project,
                        body.as_ptr(),
                        body.len(),
                    )
                };
                assert_eq!(got as u32, want.err().unwrap_or(OK));
            }
            2 => {
                let (kind, kind_bits) = kind_of(u64::from(tag >> 2));
                let key = ApiKey::from_random_bytes(kind, nr.array());
                let expiry = nr.u64();
                let expires_at = (expiry != 0).then_some(expiry);
                let want = core_builder
                    .add_key(key.digest(), project, kind, expires_at)
                    .map_err(|e| e.code());
                let digest = *key.digest().as_bytes();
                // SAFETY: `builder` is live; `digest` has 32 bytes.
                let got = unsafe {
                    picket_registry_builder_add_key(
                        builder,
                        digest.as_ptr(),
                        project,
                        kind_bits,
                        expires_at.unwrap_or(PICKET_NO_EXPIRY),
                    )
                };
                assert_eq!(got as u32, want.err().unwrap_or(OK));
                if i % 3 == 0 {
                    // The same key again: a duplicate found at build time.
                    let want = core_builder
                        .add_key(key.digest(), project, kind, None)
                        .map_err(|e| e.code());
                    // SAFETY: as above.
                    let got = unsafe {
                        picket_registry_builder_add_key(
                            builder,
                            digest.as_ptr(),
                            project,
                            kind_bits,
                            PICKET_NO_EXPIRY,
                        )
                    };
                    assert_eq!(got as u32, want.err().unwrap_or(OK));
                }
                keys.push(key);
            }
            _ => {}
        }
    }

    if n >> 40 & 1 == 1 {
        // No place for the registry: the builder is consumed all the same (LeakSanitizer
        // would report it otherwise).
        // SAFETY: `builder` is live and consumed here.
        let got = unsafe { picket_registry_builder_build(builder, ptr::null_mut()) };
        assert_eq!(got, picket_result::NullParameter);
        return;
    }
    let core_registry = core_builder.build().map_err(|e| e.code());
    let mut registry: *mut picket_registry = ptr::null_mut();
    // SAFETY: `builder` is live and consumed here; `registry` is a live pointer slot.
    let got = unsafe { picket_registry_builder_build(builder, &mut registry) };
    let core_registry = match core_registry {
        Err(code) => {
            assert_eq!(got as u32, code);
            assert!(registry.is_null(), "out_registry written on failure");
            return;
        }
        Ok(r) => {
            assert_eq!(got, picket_result::Ok);
            assert!(!registry.is_null());
            r
        }
    };

    let now = n >> 2;
    let headers: Vec<Vec<u8>> = keys
        .iter()
        .map(|k| {
            use base64::Engine as _;
            let creds = base64::engine::general_purpose::STANDARD
                .encode([&k.as_bytes()[..], b":"].concat());
            format!("Basic {creds}").into_bytes()
        })
        .chain(
            fields
                .iter()
                .filter(|f| f.first() == Some(&b'H'))
                .map(|f| f[1..].to_vec()),
        )
        .collect();
    for (i, header) in headers.iter().enumerate() {
        let (req, req_bits) = requirement_of(n >> (i % 8));
        let want = core_registry
            .authenticate(header, now, req)
            .map(|a| (a.project, kind_code(a.kind)))
            .map_err(|e| e.code());
        let mut project = u64::MAX - 1;
        let mut kind = u32::MAX;
        let before = last_message();
        // SAFETY: `registry` is live; `header` is a live slice; outputs are live.
        let got = unsafe {
            picket_registry_authenticate(
                registry,
                header.as_ptr(),
                header.len(),
                now,
                req_bits,
                &mut project,
                &mut kind,
            )
        };
        check_scalar(
            &Call::plain(),
            got,
            (project, kind),
            (u64::MAX - 1, u32::MAX),
            want,
        );
        check_message(got, &before);
    }
    for (i, key) in keys.iter().enumerate() {
        let uri: &[u8] = fields.get(i).copied().unwrap_or_default();
        let want = core_registry
            .authorize_redirect(key.as_bytes(), uri, now)
            .map_err(|e| e.code());
        let mut project = u64::MAX - 1;
        // SAFETY: `registry` is live; inputs are live slices; the output is live.
        let got = unsafe {
            picket_registry_authorize_redirect(
                registry,
                key.as_bytes().as_ptr(),
                KEY_LEN,
                uri.as_ptr(),
                uri.len(),
                now,
                &mut project,
            )
        };
        check_scalar(&Call::plain(), got, project, u64::MAX - 1, want);
    }
    let mut project = 0u64;
    let mut kind = 0u32;
    // SAFETY: a NULL registry must be refused.
    let got = unsafe {
        picket_registry_authenticate(ptr::null(), ptr::null(), 0, now, 3, &mut project, &mut kind)
    };
    assert_eq!(got, picket_result::NullParameter);
    // SAFETY: `registry` is live and freed once; NULL is a no-op.
    unsafe {
        picket_registry_free(registry);
        picket_registry_free(ptr::null_mut());
        picket_registry_builder_free(ptr::null_mut());
    }
}

impl Call<'_> {
    /// A call without a fault, for checks made outside the fault machinery.
    fn plain() -> Call<'static> {
        Call {
            fault: Fault::None,
            size: 0,
            forced: None,
            fields: Vec::new(),
            joint: Vec::new(),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let op = r.u8();
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
    run(op, &mut call, n);
});
