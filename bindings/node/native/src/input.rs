//! JavaScript inputs as bytes: the one place that reads a JS value's memory.
//!
//! Every input the C ABI reads (a header, a key, a URI, a log line) comes from JavaScript
//! as a `string` (passed as its UTF-8 encoding) or a `Uint8Array` (a `Buffer` is one), and
//! is copied into an [`Input`] before picket sees it. The copy costs a few nanoseconds for
//! the short values of the hot path, and it means picket never reads memory that
//! JavaScript owns: a `Uint8Array` over a `SharedArrayBuffer` written by another thread
//! during the call cannot change what picket reads, and a detached buffer is just empty.
//! Values up to [`INLINE`] bytes (every `Authorization` header picket accepts) are copied
//! to the stack; longer ones to the heap.

use std::mem::MaybeUninit;
use std::ptr;

use napi::bindgen_prelude::{JsValue, Unknown};
use napi::{sys, Env, Error, Result, Status};

/// Bytes kept on the stack: more than `PICKET_MAX_HEADER_LEN` (8192), so that a header is
/// never copied twice.
pub(crate) const INLINE: usize = 8200;

/// A copy of one JavaScript input. Create it empty with [`Input::new`] (free: the stack
/// buffer is not initialised), then fill it with [`Input::read`].
pub(crate) struct Input {
    stack: [MaybeUninit<u8>; INLINE],
    heap: Vec<u8>,
    len: usize,
    on_heap: bool,
    /// Whether the value was a string (so that an output derived from it can be one too).
    pub(crate) was_string: bool,
}

impl Input {
    pub(crate) fn new() -> Input {
        Input {
            stack: [MaybeUninit::uninit(); INLINE],
            heap: Vec::new(),
            len: 0,
            on_heap: false,
            was_string: false,
        }
    }

    /// The bytes read.
    pub(crate) fn bytes(&self) -> &[u8] {
        if self.on_heap {
            return &self.heap[..self.len];
        }
        // SAFETY: `read` initialised the first `len` bytes of `stack` (`len` is 0 before
        // any read), and `len <= INLINE`.
        unsafe { std::slice::from_raw_parts(self.stack.as_ptr().cast::<u8>(), self.len) }
    }

    /// Copies `value`, a string or a `Uint8Array`, and returns its bytes. Anything else is
    /// a `TypeError` naming `name`.
    pub(crate) fn read(&mut self, env: &Env, value: &Unknown<'_>, name: &str) -> Result<&[u8]> {
        let (env, value) = (env.raw(), value.raw());
        let mut ty = 0;
        // SAFETY: `env` and `value` come from the current call (napi-rs's own arguments).
        check(unsafe { sys::napi_typeof(env, value, &mut ty) })?;
        if ty == sys::ValueType::napi_string {
            self.was_string = true;
            // SAFETY: as above; `read_string` writes within the buffers it is given.
            unsafe { self.read_string(env, value) }?;
            return Ok(self.bytes());
        }
        if ty == sys::ValueType::napi_object {
            let mut is_typed = false;
            // SAFETY: as above.
            check(unsafe { sys::napi_is_typedarray(env, value, &mut is_typed) })?;
            if is_typed {
                let mut kind = 0;
                let mut len = 0;
                let mut data = ptr::null_mut();
                let mut buffer = ptr::null_mut();
                let mut offset = 0;
                // SAFETY: as above; every output pointer is a local.
                check(unsafe {
                    sys::napi_get_typedarray_info(
                        env,
                        value,
                        &mut kind,
                        &mut len,
                        &mut data,
                        &mut buffer,
                        &mut offset,
                    )
                })?;
                if kind == sys::TypedarrayType::uint8_array {
                    // SAFETY: Node-API gives `data` valid for `len` bytes (a Uint8Array's
                    // length is its byte length) for the duration of this call; NULL only
                    // with `len` 0 (a detached buffer).
                    unsafe { self.copy_from(data.cast::<u8>(), len) };
                    return Ok(self.bytes());
                }
            }
        }
        Err(Error::new(
            Status::InvalidArg,
            format!("`{name}` must be a string, a Buffer or a Uint8Array"),
        ))
    }

    /// # Safety
    /// `env` and `value` are the current call's, and `value` is a string.
    unsafe fn read_string(&mut self, env: sys::napi_env, value: sys::napi_value) -> Result<()> {
        let mut written = 0;
        // SAFETY: `stack` has room for INLINE bytes; Node-API writes at most INLINE - 1
        // bytes and a NUL, and reports how many bytes (without the NUL) it wrote.
        check(unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                self.stack.as_mut_ptr().cast(),
                INLINE,
                &mut written,
            )
        })?;
        if written + 1 < INLINE - 3 {
            // Not truncated: a truncated copy stops at most 3 bytes (one UTF-8 sequence)
            // short of the room.
            self.len = written;
            self.on_heap = false;
            return Ok(());
        }
        let mut needed = 0;
        // SAFETY: a NULL buffer asks for the length only.
        check(unsafe {
            sys::napi_get_value_string_utf8(env, value, ptr::null_mut(), 0, &mut needed)
        })?;
        self.heap = vec![0; needed + 1];
        // SAFETY: `heap` has room for `needed + 1` bytes, the string and its NUL.
        check(unsafe {
            sys::napi_get_value_string_utf8(
                env,
                value,
                self.heap.as_mut_ptr().cast(),
                needed + 1,
                &mut written,
            )
        })?;
        self.len = written;
        self.on_heap = true;
        Ok(())
    }

    /// # Safety
    /// `data` is valid for reads of `len` bytes, or NULL with `len` 0.
    unsafe fn copy_from(&mut self, data: *const u8, len: usize) {
        self.was_string = false;
        if len == 0 || data.is_null() {
            self.len = 0;
            self.on_heap = false;
            return;
        }
        if len <= INLINE {
            // SAFETY: `data` is valid for `len` bytes (the caller's contract), `stack` has
            // room for INLINE >= len bytes, and the two do not overlap (one is ours).
            unsafe { ptr::copy_nonoverlapping(data, self.stack.as_mut_ptr().cast(), len) };
            self.on_heap = false;
        } else {
            // SAFETY: as above.
            self.heap = unsafe { std::slice::from_raw_parts(data, len) }.to_vec();
            self.on_heap = true;
        }
        self.len = len;
    }
}

fn check(status: sys::napi_status) -> Result<()> {
    if status == sys::Status::napi_ok {
        Ok(())
    } else {
        Err(Error::new(
            Status::from(status),
            "Node-API could not read the argument",
        ))
    }
}
