//! The last error message: per thread, replaced by the next failure, never changed by reading it.
#![allow(clippy::undocumented_unsafe_blocks)]

use super::*;
use crate::header::authorization;

#[test]
fn last_error_message_rules() {
    // Per thread: a new thread has none.
    let fresh = std::thread::spawn(last_error).join().unwrap();
    assert_eq!(fresh, "");

    parse(b"sk_e1f767d29fa6e533f2e5c62342fb9E24");
    let message = "api key has an uppercase hex digit at position 32: keys are lowercase";
    assert_eq!(last_error(), message);
    // Successful calls leave it alone.
    assert_eq!(parse(PK).0, picket_result::Ok);
    assert_eq!(last_error(), message);
    // Reading it with a buffer too small reports the size and does not change it.
    let mut small = [SENTINEL; 8];
    let mut len = 0;
    let r = unsafe { picket_last_error_message(small.as_mut_ptr(), small.len(), &mut len) };
    assert_eq!((r, len), (picket_result::BufferTooSmall, message.len()));
    assert_eq!(small, [SENTINEL; 8]);
    let r = unsafe { picket_last_error_message(null_mut(), 0, &mut len) };
    assert_eq!((r, len), (picket_result::BufferTooSmall, message.len()));
    let r = unsafe { picket_last_error_message(null_mut(), 0, null_mut()) };
    assert_eq!(r, picket_result::NullParameter);
    let r = unsafe { picket_last_error_message(null_mut(), 3, &mut len) };
    assert_eq!(r, picket_result::NullParameter);
    assert_eq!(last_error(), message);
    // The next failing call replaces it; messages never show a secret key.
    let secret_header = b"Basic c2tfZTFmNzY3ZDI5ZmE2ZTUzM2YyZTVjNjIzNDJmYjllMjQ6eA==";
    assert_eq!(
        authorization(secret_header, 0).0,
        picket_result::HeaderNonEmptyPassword
    );
    assert_eq!(
        last_error(),
        "the password must be empty: send only the api key, as the username"
    );
    // Other failing calls replace it too, e.g. picket_result_text.
    let (r, _, _) = with_buf(4, |buf, len, out| unsafe {
        picket_result_text(9999, buf, len, out)
    });
    assert_eq!(r, picket_result::InvalidParameter);
    assert_eq!(
        last_error(),
        "picket_result_text: `result` is 9999, which is not a picket_result"
    );
}
