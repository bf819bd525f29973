//! The harness of the `ffi` fuzz target: the faults, the call with its arguments, the
//! output buffer and the checks every call makes (see the module `ffi`).

use std::ptr;
use std::sync::OnceLock;

use picket::*;
use picket_core::{KeyKind, Mode, RedirectOptions, Requirement};
use picket_test_support::returns::{self, Returns};

use crate::secret_keys;

pub(crate) const OK: u32 = picket_result::Ok as u32;
pub(crate) const NULL: u32 = picket_result::NullParameter as u32;
pub(crate) const INVALID: u32 = picket_result::InvalidParameter as u32;
pub(crate) const TOO_SMALL: u32 = picket_result::BufferTooSmall as u32;
pub(crate) const MISMATCH: u32 = picket_result::KeyMismatch as u32;
/// A length above `PTRDIFF_MAX`.
pub(crate) const HUGE: usize = isize::MAX as usize + 1;
/// The byte output buffers are filled with, to see what was written.
pub(crate) const FILL: u8 = 0xa5;
pub(crate) const OUT_LEN_SENTINEL: usize = 0x5eed_5eed;

/// The fault injected into one call.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Fault {
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
    pub(crate) fn pick(selector: u8, size: u8) -> Fault {
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
pub(crate) struct Call<'a> {
    pub(crate) fault: Fault,
    pub(crate) size: usize,
    pub(crate) forced: Option<u32>,
    pub(crate) fields: Vec<&'a [u8]>,
    /// Storage for input 0 followed by room for an overlapping output.
    pub(crate) joint: Vec<u8>,
}

impl<'a> Call<'a> {
    /// Input `i` (the i-th field) as (pointer, length, the bytes the callee must see).
    pub(crate) fn input(&mut self, i: usize) -> (*const u8, usize, &'a [u8]) {
        let data: &'a [u8] = self.fields.get(i).copied().unwrap_or_default();
        self.input_bytes(i, data)
    }

    pub(crate) fn input_bytes(&mut self, i: usize, data: &'a [u8]) -> (*const u8, usize, &'a [u8]) {
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
    pub(crate) fn enum_arg(&mut self, valid: u32, invalid: u32) -> u32 {
        if self.fault == Fault::BadEnum {
            self.forced = Some(INVALID);
            invalid
        } else {
            valid
        }
    }

    /// A pointer to a scalar output, NULL under `NullOut`.
    pub(crate) fn out<T>(&mut self, slot: &mut T) -> *mut T {
        if self.fault == Fault::NullOut {
            self.forced = Some(NULL);
            ptr::null_mut()
        } else {
            slot
        }
    }
}

/// An output buffer `(buf, len)` with its `out_len`.
pub(crate) struct OutBuf {
    pub(crate) storage: Vec<u8>,
    pub(crate) ptr: *mut u8,
    pub(crate) cap: usize,
    pub(crate) out_len: usize,
    pub(crate) out_len_ptr: bool,
    /// Whether the buffer lives inside `Call::joint` (overlap fault).
    pub(crate) in_joint: bool,
    /// In-place (`buf == input`): allowed by `picket_redact` only.
    pub(crate) in_place: bool,
}

impl OutBuf {
    /// Builds the buffer for a call whose successful output is `needed` bytes.
    pub(crate) fn new(call: &mut Call, needed: usize, overlap_allowed_in_place: bool) -> OutBuf {
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

    pub(crate) fn out_len_ptr(&mut self) -> *mut usize {
        if self.out_len_ptr {
            &mut self.out_len
        } else {
            ptr::null_mut()
        }
    }

    /// The buffer's bytes after the call (empty for a NULL or joint buffer).
    pub(crate) fn bytes(&self) -> &[u8] {
        &self.storage
    }
}

/// Checks a call's code and buffer against the core's answer: `Ok(bytes)` to write or
/// `Err(code)`. `fixed_len` is the output size when it does not depend on success.
pub(crate) fn check_buf(call: &Call, got: picket_result, out: &OutBuf, want: Result<&[u8], u32>) {
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
pub(crate) fn check_scalar<T: PartialEq + core::fmt::Debug>(
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

pub(crate) fn last_message() -> Vec<u8> {
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
pub(crate) fn has_hex_word(text: &[u8]) -> bool {
    text.split(|b| !b.is_ascii_hexdigit())
        .any(|run| run.len() >= 16 && run.iter().any(u8::is_ascii_alphabetic))
}

/// The codes each function's comment in `include/picket.h` lists (`Returns:`), read once.
fn documented() -> &'static Returns {
    static DOCS: OnceLock<Returns> = OnceLock::new();
    DOCS.get_or_init(|| {
        returns::parse(include_str!("../../../include/picket.h")).unwrap_or_else(|e| panic!("{e}"))
    })
}

/// Asserts that `function`'s comment in the header lists `got` among its returns.
pub(crate) fn listed(function: &str, got: picket_result) {
    let list = documented()
        .functions
        .get(function)
        .unwrap_or_else(|| panic!("{function} has no `Returns:` list in picket.h"));
    assert!(
        list.contains(&(got as u32)),
        "{function} returned {got:?}, which its comment in picket.h does not list"
    );
}

/// The detailed message after a call of `function` that returned `got`, compared with
/// `before`; and `got` is one of the codes `function` documents.
pub(crate) fn check_message(function: &str, got: picket_result, before: &[u8]) {
    listed(function, got);
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

pub(crate) fn kind_code(kind: KeyKind) -> u32 {
    match kind {
        KeyKind::Publishable => picket_key_kind::Publishable as u32,
        KeyKind::Secret => picket_key_kind::Secret as u32,
    }
}

pub(crate) fn kind_of(n: u64) -> (KeyKind, u32) {
    if n & 1 == 0 {
        (KeyKind::Publishable, picket_key_kind::Publishable as u32)
    } else {
        (KeyKind::Secret, picket_key_kind::Secret as u32)
    }
}

pub(crate) fn mode_of(n: u64) -> (Mode, u32) {
    if n & 1 == 0 {
        (Mode::Development, picket_mode::Development as u32)
    } else {
        (Mode::Production, picket_mode::Production as u32)
    }
}

pub(crate) fn redirect_options_of(n: u64) -> (RedirectOptions, u32) {
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

pub(crate) fn requirement_of(n: u64) -> (Requirement, u32) {
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
pub(crate) fn digest_arg(call: &mut Call, i: usize, bytes: &[u8; 32]) -> *const u8 {
    match call.fault {
        Fault::NullInput(j) if j == i => {
            call.forced = Some(NULL);
            ptr::null()
        }
        _ => bytes.as_ptr(),
    }
}

pub(crate) fn first_32(data: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    let n = data.len().min(32);
    out[..n].copy_from_slice(&data[..n]);
    out
}

/// One call of a function with an output buffer: builds the buffer, calls, checks.
pub(crate) fn with_buf(
    call: &mut Call,
    function: &str,
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
    check_message(function, got, &before);
    got
}

impl Call<'_> {
    /// Whether input 0 was moved into the joint buffer (overlap fault).
    pub(crate) fn in_joint_input(&self) -> bool {
        matches!(self.fault, Fault::Overlap(_)) && !self.joint.is_empty()
    }

    /// Input 0's pointer: `p`, or the joint buffer's start when it was moved there.
    pub(crate) fn input_or_joint(&self, p: *const u8) -> *const u8 {
        if self.in_joint_input() {
            self.joint.as_ptr()
        } else {
            p
        }
    }
}

impl Call<'_> {
    /// A call without a fault, for checks made outside the fault machinery.
    pub(crate) fn plain() -> Call<'static> {
        Call {
            fault: Fault::None,
            size: 0,
            forced: None,
            fields: Vec::new(),
            joint: Vec::new(),
        }
    }
}
