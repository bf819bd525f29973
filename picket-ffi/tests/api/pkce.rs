//! PKCE: `picket_pkce_verify`.
#![allow(clippy::undocumented_unsafe_blocks)]

use super::*;

#[test]
fn pkce_verify() {
    let v = b"dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
    let c = b"E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
    let verify = |v: &[u8], c: &[u8], m: &[u8]| unsafe {
        picket_pkce_verify(
            v.as_ptr(),
            v.len(),
            c.as_ptr(),
            c.len(),
            m.as_ptr(),
            m.len(),
        )
    };
    assert_eq!(verify(v, c, b"S256"), picket_result::Ok);
    let mut other = *c;
    other[0] = b'F';
    assert_eq!(verify(v, &other, b"S256"), picket_result::PkceMismatch);
    assert_eq!(verify(v, c, b"plain"), picket_result::PkcePlainRefused);
    assert_eq!(
        verify(v, c, b"S256\0"),
        picket_result::PkceUnsupportedMethod
    );
    assert_eq!(
        verify(&v[..42], c, b"S256"),
        picket_result::PkceVerifierLength
    );
    assert_eq!(
        unsafe { picket_pkce_verify(v.as_ptr(), v.len(), c.as_ptr(), c.len(), null(), 0) },
        picket_result::PkceUnsupportedMethod
    );
    assert_eq!(
        unsafe { picket_pkce_verify(null(), 43, c.as_ptr(), c.len(), b"S256".as_ptr(), 4) },
        picket_result::NullParameter
    );
}
