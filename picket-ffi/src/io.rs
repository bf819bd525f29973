//! Checked conversions between C pointers and Rust values.
//!
//! Every pointer is checked for NULL and every length is bounded here, before a slice is
//! built. Each function that builds a reference from a pointer is `unsafe`: its caller
//! passes on the exported function's own contract (the pointer, when not NULL, is valid for
//! the stated length for the duration of the call).

use std::marker::PhantomData;
use std::mem::{align_of, size_of};
use std::ptr::{self, NonNull};
use std::slice;

use crate::boundary::Failure;
use crate::result::picket_result;

/// Lengths above this cannot describe one object (Rust's and C's `PTRDIFF_MAX`).
const MAX_LEN: usize = isize::MAX as usize;

fn check_len(len: usize, name: &str) -> Result<(), Failure> {
    if len > MAX_LEN {
        return Err(Failure::invalid(format!(
            "the length of `{name}` is {len}, above PTRDIFF_MAX"
        )));
    }
    Ok(())
}

/// Whether two byte ranges share at least one byte.
fn overlaps(a: *const u8, a_len: usize, b: *const u8, b_len: usize) -> bool {
    let (a, b) = (a as usize, b as usize);
    a_len != 0 && b_len != 0 && a < b.saturating_add(b_len) && b < a.saturating_add(a_len)
}

/// An input buffer: `(ptr, len)` as bytes. `(NULL, 0)` is the empty input; NULL with a
/// non-zero length is `PICKET_RESULT_NULL_PARAMETER`; a length above `PTRDIFF_MAX` is
/// `PICKET_RESULT_INVALID_PARAMETER`.
///
/// # Safety
/// When `ptr` is not NULL it must be valid for reads of `len` bytes, which must not be
/// written to, for `'a`.
pub(crate) unsafe fn input<'a>(
    ptr: *const u8,
    len: usize,
    name: &str,
) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        if len == 0 {
            return Ok(&[]);
        }
        return Err(Failure::new(
            picket_result::NullParameter,
            format!("`{name}` is NULL but its length is {len}"),
        ));
    }
    check_len(len, name)?;
    // SAFETY: `ptr` is not NULL (checked above) and `len <= isize::MAX` (checked above);
    // `u8` has alignment 1; the caller guarantees `ptr` is valid for reads of `len`
    // unchanging bytes for `'a`.
    Ok(unsafe { slice::from_raw_parts(ptr, len) })
}

/// A fixed-size input of exactly `N` bytes (a digest, random bytes). NULL is
/// `PICKET_RESULT_NULL_PARAMETER`.
///
/// # Safety
/// When `ptr` is not NULL it must be valid for reads of `N` bytes, which must not be
/// written to, for `'a`.
pub(crate) unsafe fn input_array<'a, const N: usize>(
    ptr: *const u8,
    name: &str,
) -> Result<&'a [u8; N], Failure> {
    if ptr.is_null() {
        return Err(Failure::null(name));
    }
    // SAFETY: `ptr` is not NULL (checked above); `[u8; N]` has alignment 1; the caller
    // guarantees `ptr` is valid for reads of `N` unchanging bytes for `'a`.
    Ok(unsafe { &*ptr.cast::<[u8; N]>() })
}

/// An input array of `count` items of `T`. `(NULL, 0)` is the empty array; NULL with a
/// non-zero count is `PICKET_RESULT_NULL_PARAMETER`; a size above `PTRDIFF_MAX` or a
/// misaligned pointer is `PICKET_RESULT_INVALID_PARAMETER`.
///
/// # Safety
/// When `ptr` is not NULL it must be valid for reads of `count` initialised items of `T`,
/// which must not be written to, for `'a`.
pub(crate) unsafe fn input_items<'a, T>(
    ptr: *const T,
    count: usize,
    name: &str,
) -> Result<&'a [T], Failure> {
    if ptr.is_null() {
        if count == 0 {
            return Ok(&[]);
        }
        return Err(Failure::new(
            picket_result::NullParameter,
            format!("`{name}` is NULL but its count is {count}"),
        ));
    }
    match count.checked_mul(size_of::<T>()) {
        Some(bytes) if bytes <= MAX_LEN => {}
        _ => {
            return Err(Failure::invalid(format!(
                "`{name}` has {count} items, more than PTRDIFF_MAX bytes"
            )))
        }
    }
    if (ptr as usize) % align_of::<T>() != 0 {
        return Err(Failure::invalid(format!(
            "`{name}` is not aligned to {} bytes",
            align_of::<T>()
        )));
    }
    // SAFETY: `ptr` is not NULL and aligned for `T`, and `count * size_of::<T>()` is at
    // most `isize::MAX` (all checked above); the caller guarantees `ptr` is valid for reads
    // of `count` initialised, unchanging items for `'a`.
    Ok(unsafe { slice::from_raw_parts(ptr, count) })
}

/// A required output value: NULL is `PICKET_RESULT_NULL_PARAMETER`. Written once, with an
/// unaligned write (so the caller's pointer needs no particular alignment).
pub(crate) struct Out<'a, T> {
    ptr: NonNull<T>,
    _borrow: PhantomData<&'a mut T>,
}

impl<'a, T> Out<'a, T> {
    /// Checks an output pointer.
    ///
    /// # Safety
    /// When `ptr` is not NULL it must be valid for writes of one `T` for `'a`.
    pub(crate) unsafe fn new(ptr: *mut T, name: &str) -> Result<Out<'a, T>, Failure> {
        match NonNull::new(ptr) {
            Some(ptr) => Ok(Out {
                ptr,
                _borrow: PhantomData,
            }),
            None => Err(Failure::null(name)),
        }
    }

    /// Writes the value.
    pub(crate) fn write(self, value: T) {
        // SAFETY: `Out::new`'s caller guaranteed the pointer is valid for writes of one `T`
        // for `'a`; the write is unaligned, so no alignment is assumed.
        unsafe { self.ptr.as_ptr().write_unaligned(value) }
    }
}

/// A required output of exactly `N` bytes (a digest): NULL is
/// `PICKET_RESULT_NULL_PARAMETER`.
pub(crate) struct OutArray<'a, const N: usize> {
    ptr: NonNull<u8>,
    _borrow: PhantomData<&'a mut [u8; N]>,
}

impl<'a, const N: usize> OutArray<'a, N> {
    /// Checks an output pointer.
    ///
    /// # Safety
    /// When `ptr` is not NULL it must be valid for writes of `N` bytes for `'a`.
    pub(crate) unsafe fn new(ptr: *mut u8, name: &str) -> Result<OutArray<'a, N>, Failure> {
        match NonNull::new(ptr) {
            Some(ptr) => Ok(OutArray {
                ptr,
                _borrow: PhantomData,
            }),
            None => Err(Failure::null(name)),
        }
    }

    /// Refuses an output that overlaps `input` (`PICKET_RESULT_INVALID_PARAMETER`).
    pub(crate) fn disjoint_from(&self, input: &[u8], names: &str) -> Result<(), Failure> {
        if overlaps(self.ptr.as_ptr(), N, input.as_ptr(), input.len()) {
            return Err(Failure::invalid(format!("{names} overlap")));
        }
        Ok(())
    }

    /// Writes the bytes.
    pub(crate) fn write(self, value: &[u8; N]) {
        // SAFETY: `OutArray::new`'s caller guaranteed the pointer is valid for writes of `N`
        // bytes for `'a`; `value` is valid for reads of `N` bytes; `ptr::copy` allows the
        // two to overlap.
        unsafe { ptr::copy(value.as_ptr(), self.ptr.as_ptr(), N) }
    }
}

/// A caller's output buffer `(buf, cap)` and the pointer that receives the number of bytes
/// written (or, on `PICKET_RESULT_BUFFER_TOO_SMALL`, the number needed).
///
/// `out_len` is required. `(NULL, 0)` is an empty buffer (a size query: the call fails
/// with `PICKET_RESULT_BUFFER_TOO_SMALL` and reports the size, unless the output is
/// empty); NULL with a non-zero capacity is `PICKET_RESULT_NULL_PARAMETER`.
pub(crate) struct OutBuf<'a> {
    buf: *mut u8,
    cap: usize,
    name: &'static str,
    out_len: Out<'a, usize>,
}

impl<'a> OutBuf<'a> {
    /// Checks an output buffer and its length pointer.
    ///
    /// # Safety
    /// When `buf` is not NULL it must be valid for writes of `cap` bytes for `'a`; when
    /// `out_len` is not NULL it must be valid for writes of one `size_t` for `'a`.
    pub(crate) unsafe fn new(
        buf: *mut u8,
        cap: usize,
        out_len: *mut usize,
        name: &'static str,
        out_len_name: &str,
    ) -> Result<OutBuf<'a>, Failure> {
        // SAFETY: passed on from this function's caller.
        let out_len = unsafe { Out::new(out_len, out_len_name) }?;
        if buf.is_null() && cap != 0 {
            return Err(Failure::new(
                picket_result::NullParameter,
                format!("`{name}` is NULL but its length is {cap}"),
            ));
        }
        check_len(cap, name)?;
        Ok(OutBuf {
            buf,
            cap,
            name,
            out_len,
        })
    }

    /// Refuses a buffer that overlaps `input` (`PICKET_RESULT_INVALID_PARAMETER`).
    pub(crate) fn disjoint_from(&self, input: &[u8], input_name: &str) -> Result<(), Failure> {
        if overlaps(self.buf, self.cap, input.as_ptr(), input.len()) {
            return Err(Failure::invalid(format!(
                "`{}` overlaps `{input_name}`",
                self.name
            )));
        }
        Ok(())
    }

    /// Refuses a buffer that overlaps `input`, unless both start at the same address (an
    /// in-place transformation, which `write` supports).
    pub(crate) fn disjoint_or_same(&self, input: &[u8], input_name: &str) -> Result<(), Failure> {
        if self.buf.cast_const() == input.as_ptr() {
            return Ok(());
        }
        self.disjoint_from(input, input_name)
    }

    /// Copies `data` into the buffer and reports its length; or, when it does not fit,
    /// reports the length needed and fails with `PICKET_RESULT_BUFFER_TOO_SMALL`, leaving
    /// the buffer untouched. `data` must be disjoint from the buffer or start at its first
    /// byte (then it is already in place and nothing is copied).
    pub(crate) fn write(self, data: &[u8]) -> Result<(), Failure> {
        let n = data.len();
        if n > self.cap {
            self.out_len.write(n);
            return Err(Failure::new(
                picket_result::BufferTooSmall,
                format!("`{}` has {} bytes, {n} are needed", self.name, self.cap),
            ));
        }
        if n != 0 && data.as_ptr() != self.buf.cast_const() {
            // SAFETY: `n <= cap`, `buf` is not NULL (a NULL buffer has `cap == 0 < n`) and
            // `OutBuf::new`'s caller guaranteed it valid for writes of `cap` bytes; `data`
            // is valid for reads of `n` bytes; `ptr::copy` allows the two to overlap.
            unsafe { ptr::copy(data.as_ptr(), self.buf, n) }
        }
        self.out_len.write(n);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlap_rules() {
        let a = [0u8; 16];
        let p = a.as_ptr();
        assert!(overlaps(p, 4, p, 4));
        assert!(overlaps(p, 4, p.wrapping_add(3), 4));
        assert!(!overlaps(p, 4, p.wrapping_add(4), 4));
        assert!(!overlaps(p.wrapping_add(4), 4, p, 4));
        assert!(!overlaps(p, 0, p, 4));
        assert!(!overlaps(p, 4, p, 0));
    }

    #[test]
    fn input_bounds() {
        // SAFETY: NULL pointers are never read.
        unsafe {
            assert_eq!(input(ptr::null(), 0, "x").unwrap(), &[] as &[u8]);
            assert_eq!(
                input(ptr::null(), 1, "x").unwrap_err().code(),
                picket_result::NullParameter
            );
            let byte = 0u8;
            assert_eq!(
                input(&byte, usize::MAX, "x").unwrap_err().code(),
                picket_result::InvalidParameter
            );
            assert_eq!(
                input_items::<u64>(8 as *const u64, usize::MAX / 4, "x")
                    .unwrap_err()
                    .code(),
                picket_result::InvalidParameter
            );
            assert_eq!(
                input_items::<u64>(9 as *const u64, 1, "x")
                    .unwrap_err()
                    .code(),
                picket_result::InvalidParameter
            );
        }
    }
}
