//! Results of the C ABI as JavaScript sees them.
//!
//! A failing call of the C ABI becomes a thrown JavaScript `Error` whose `code` is the
//! picket result code as a decimal string (`"102"`) and whose message is the detailed
//! message the C ABI recorded for it (`picket_last_error_message`), read in the same native
//! call, on the same thread. The JavaScript layer (`src/errors.ts`) turns it into the
//! subclass of `PicketError` of that code. Errors Node-API raises itself (an argument of
//! the wrong type) keep their own codes (`InvalidArg`, ...) and become a `TypeError`.

use napi::Error;

/// A picket failure: its code (the `Error`'s `code` property) and message.
pub(crate) type PicketError = Error<String>;

/// `Ok(())` for `PICKET_RESULT_OK`, else the error of `code` with the message of this
/// thread's last failure.
pub(crate) fn check(code: u32) -> Result<(), PicketError> {
    if code == 0 {
        return Ok(());
    }
    Err(Error::new(code.to_string(), last_error_message()))
}

/// An error of the C ABI's own `code` with a message of this layer (an argument this layer
/// refuses before calling picket, such as a `random16` that is not 16 bytes).
pub(crate) fn refuse(code: u32, message: impl Into<String>) -> PicketError {
    Error::new(code.to_string(), message.into())
}

/// A handle used after it was closed, freed or built: the code `"Closed"`, which the
/// JavaScript layer turns into a `ClosedError`. No call of the C ABI is made.
pub(crate) fn closed_error(message: &str) -> PicketError {
    Error::new("Closed".to_string(), message.to_string())
}

/// `PICKET_RESULT_INVALID_PARAMETER`.
pub(crate) const INVALID_PARAMETER: u32 = 4;

/// This thread's last error message (`picket_last_error_message`); empty when none.
pub(crate) fn last_error_message() -> String {
    let mut buf = [0u8; 256];
    let mut len = 0usize;
    // SAFETY: `buf` is valid for writes of its length and `len` for one `usize`.
    let code = unsafe { picket::picket_last_error_message(buf.as_mut_ptr(), buf.len(), &mut len) };
    if code == picket::picket_result::Ok {
        return String::from_utf8_lossy(&buf[..len]).into_owned();
    }
    if code != picket::picket_result::BufferTooSmall {
        return String::new();
    }
    let mut heap = vec![0u8; len];
    // SAFETY: `heap` is valid for writes of its length and `len` for one `usize`; the call
    // never changes the message, so the size reported still holds.
    let code =
        unsafe { picket::picket_last_error_message(heap.as_mut_ptr(), heap.len(), &mut len) };
    if code != picket::picket_result::Ok {
        return String::new();
    }
    heap.truncate(len);
    String::from_utf8_lossy(&heap).into_owned()
}
