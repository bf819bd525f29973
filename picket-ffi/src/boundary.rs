//! The panic boundary every exported function goes through, and the thread-local last
//! error message.
//!
//! Every `extern "C"` function of this crate has a body of exactly one expression: a call
//! to [`ffi_result`] or [`ffi_value`] with the function's own name and a closure holding
//! the real body (`tests/boundary.rs` parses the source to prove it). A panic inside the
//! closure is caught here and becomes `PICKET_RESULT_PANIC` (or the function's documented
//! fallback value); it never unwinds into C.

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::result::picket_result;

thread_local! {
    /// The detailed message of the last failing call on this thread.
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Why a call failed: its result code and its detailed message.
#[derive(Debug)]
pub(crate) struct Failure {
    code: picket_result,
    message: Cow<'static, str>,
    /// Whether the message comes from picket-core (kept verbatim) or from the C ABI layer
    /// (prefixed with the function's name).
    from_core: bool,
}

impl Failure {
    /// A failure of the C ABI layer itself (a bad argument, a small buffer).
    pub(crate) fn new(code: picket_result, message: impl Into<Cow<'static, str>>) -> Failure {
        Failure {
            code,
            message: message.into(),
            from_core: false,
        }
    }

    /// A required pointer argument is NULL.
    pub(crate) fn null(param: &str) -> Failure {
        Failure::new(picket_result::NullParameter, format!("`{param}` is NULL"))
    }

    /// An argument is out of range.
    pub(crate) fn invalid(message: impl Into<Cow<'static, str>>) -> Failure {
        Failure::new(picket_result::InvalidParameter, message)
    }

    /// Prefixes the message with `context` (`"context: message"`).
    pub(crate) fn context(self, context: String) -> Failure {
        Failure {
            message: Cow::Owned(format!("{context}: {}", self.message)),
            ..self
        }
    }

    /// The code this failure returns.
    #[cfg(test)]
    pub(crate) fn code(&self) -> picket_result {
        self.code
    }
}

/// A picket-core error: it has a stable code and a message that never contains a secret.
pub(crate) trait CoreError: fmt::Display {
    /// The error's stable numeric code.
    fn core_code(&self) -> u32;
}

macro_rules! core_errors {
    ($($t:ty),* $(,)?) => {
        $(impl CoreError for $t {
            fn core_code(&self) -> u32 {
                self.code()
            }
        })*
    };
}

core_errors!(
    picket_core::KeyError,
    picket_core::DigestError,
    picket_core::HeaderError,
    picket_core::RedirectError,
    picket_core::AuthError,
    picket_core::AuthorizeError,
    picket_core::BuildError,
    picket_core::PkceError,
);

impl<E: CoreError> From<E> for Failure {
    fn from(e: E) -> Failure {
        let code = e.core_code();
        match picket_result::from_code(code) {
            Some(result) => Failure {
                code: result,
                message: Cow::Owned(e.to_string()),
                from_core: true,
            },
            None => Failure {
                code: picket_result::InternalError,
                message: Cow::Owned(format!(
                    "{e} (picket-core code {code} has no picket_result value)"
                )),
                from_core: true,
            },
        }
    }
}

/// Replaces this thread's last error message. Never panics: during thread teardown, when
/// the thread-local is gone, the message is dropped.
fn set_last_error(message: String) {
    let _ = LAST_ERROR.try_with(|slot| {
        if let Ok(mut slot) = slot.try_borrow_mut() {
            *slot = message;
        }
    });
}

/// A copy of this thread's last error message (empty when there is none).
pub(crate) fn last_error_message() -> String {
    LAST_ERROR
        .try_with(|slot| {
            slot.try_borrow()
                .map(|message| message.clone())
                .unwrap_or_default()
        })
        .unwrap_or_default()
}

fn record(name: &'static str, failure: Failure) -> picket_result {
    let message = if failure.from_core {
        failure.message.into_owned()
    } else {
        format!("{name}: {}", failure.message)
    };
    set_last_error(message);
    failure.code
}

/// Drops a caught panic's payload. Its destructor could itself panic, so the drop runs
/// inside a boundary too; only a payload whose destructor panicked is leaked.
fn drop_payload(payload: Box<dyn std::any::Any + Send>) {
    if let Err(nested) = catch_unwind(AssertUnwindSafe(move || drop(payload))) {
        std::mem::forget(nested);
    }
}

fn record_panic(name: &'static str, payload: Box<dyn std::any::Any + Send>) {
    drop_payload(payload);
    set_last_error(format!(
        "{name}: a panic inside picket was caught at the C boundary (a bug: please report it)"
    ));
}

/// The panic boundary of an exported function that returns a `picket_result`.
///
/// `name` is the exported function's name (used in messages); `body` does the work. `Ok`
/// becomes `PICKET_RESULT_OK`; a [`Failure`] sets the thread's last error message and
/// becomes its code; a panic sets the message and becomes `PICKET_RESULT_PANIC`.
pub(crate) fn ffi_result(
    name: &'static str,
    body: impl FnOnce() -> Result<(), Failure>,
) -> picket_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => picket_result::Ok,
        Ok(Err(failure)) => record(name, failure),
        Err(payload) => {
            record_panic(name, payload);
            picket_result::Panic
        }
    }
}

/// The panic boundary of `picket_last_error_message`: like [`ffi_result`], but it never
/// changes the last error message, not even for a caught panic, so that the message being
/// read survives a failed attempt to read it.
pub(crate) fn ffi_result_keep_message(
    name: &'static str,
    body: impl FnOnce() -> Result<(), Failure>,
) -> picket_result {
    let _ = name;
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => picket_result::Ok,
        Ok(Err(failure)) => failure.code,
        Err(payload) => {
            drop_payload(payload);
            picket_result::Panic
        }
    }
}

/// The panic boundary of an exported function that returns a value other than a
/// `picket_result` (a pointer, a status, nothing): a panic sets the thread's last error
/// message and the function returns `on_panic`.
pub(crate) fn ffi_value<T>(name: &'static str, on_panic: T, body: impl FnOnce() -> T) -> T {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(value) => value,
        Err(payload) => {
            record_panic(name, payload);
            on_panic
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn last() -> String {
        last_error_message()
    }

    #[test]
    fn a_panic_becomes_a_code_and_a_message() {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r = ffi_result("picket_test_fn", || panic!("boom"));
        let v = ffi_value("picket_test_value", 7u16, || -> u16 { panic!("boom") });
        let p = ffi_value("picket_test_ptr", std::ptr::null_mut::<u8>(), || {
            panic!("boom")
        });
        std::panic::set_hook(prev);
        assert_eq!(r, picket_result::Panic);
        assert_eq!(v, 7);
        assert!(p.is_null());
        assert!(last().starts_with("picket_test_ptr: a panic"), "{}", last());
    }

    #[test]
    fn failures_set_the_message_and_successes_keep_it() {
        let r = ffi_result("picket_test_fn", || Err(Failure::null("out")));
        assert_eq!(r, picket_result::NullParameter);
        assert_eq!(last(), "picket_test_fn: `out` is NULL");
        assert_eq!(ffi_result("picket_test_fn", || Ok(())), picket_result::Ok);
        assert_eq!(last(), "picket_test_fn: `out` is NULL");
        let core = ffi_result(
            "picket_test_fn",
            || Err(picket_core::KeyError::Empty.into()),
        );
        assert_eq!(core, picket_result::KeyEmpty);
        assert_eq!(last(), "api key is empty");
    }

    #[test]
    fn the_message_is_per_thread() {
        let _ = ffi_result("picket_test_fn", || Err(Failure::invalid("here")));
        let other = std::thread::spawn(last).join().unwrap();
        assert_eq!(other, "");
        assert_eq!(last(), "picket_test_fn: here");
    }
}
