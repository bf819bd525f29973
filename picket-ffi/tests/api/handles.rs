//! Handles carry their type and state (issue 20): a handle of the wrong type, a second
//! free, a use after free or after build are refused with a code before anything is read
//! through them, and every function that takes a handle checks it.

use super::*;

fn builder_with_project() -> *mut picket_registry_builder {
    let b = picket_registry_builder_new();
    assert!(!b.is_null());
    let r = unsafe { picket_registry_builder_add_project(b, 1, 2, 0) };
    assert_eq!(r, picket_result::Ok);
    b
}

fn build(b: *mut picket_registry_builder) -> *mut picket_registry {
    let mut registry = null_mut();
    assert_eq!(
        unsafe { picket_registry_builder_build(b, &mut registry) },
        picket_result::Ok
    );
    registry
}

/// Every function that takes a builder, called with `b`: their codes.
fn builder_calls(b: *mut picket_registry_builder) -> Vec<(&'static str, picket_result)> {
    let digest = [7u8; 32];
    let uri = b"https://app.example/cb";
    unsafe {
        vec![
            ("set_options", picket_registry_builder_set_options(b, 0)),
            (
                "add_project",
                picket_registry_builder_add_project(b, 9, 2, 0),
            ),
            (
                "add_redirect_uri",
                picket_registry_builder_add_redirect_uri(b, 1, uri.as_ptr(), uri.len()),
            ),
            (
                "add_key",
                picket_registry_builder_add_key(b, digest.as_ptr(), 1, 1, PICKET_NO_EXPIRY),
            ),
        ]
    }
}

/// Every function that takes a registry, called with `r`: their codes and whether an
/// output was written.
fn registry_calls(r: *const picket_registry) -> Vec<(&'static str, picket_result, bool)> {
    let (mut project, mut kind) = (u64::MAX, u32::MAX);
    let auth = unsafe {
        picket_registry_authenticate(
            r,
            SK_BASIC.as_ptr(),
            SK_BASIC.len(),
            0,
            3,
            &mut project,
            &mut kind,
        )
    };
    let auth_wrote = project != u64::MAX || kind != u32::MAX;
    let uri = b"https://app.example/cb";
    let mut project = u64::MAX;
    let authorize = unsafe {
        picket_registry_authorize_redirect(
            r,
            PK.as_ptr(),
            PK.len(),
            uri.as_ptr(),
            uri.len(),
            0,
            &mut project,
        )
    };
    vec![
        ("authenticate", auth, auth_wrote),
        ("authorize_redirect", authorize, project != u64::MAX),
    ]
}

#[test]
fn a_registry_where_a_builder_is_expected_and_the_reverse() {
    let b = builder_with_project();
    let other = builder_with_project();
    let r = build(other);
    let as_builder = r.cast::<picket_registry_builder>();
    for (name, code) in builder_calls(as_builder) {
        assert_eq!(code, picket_result::WrongHandle, "{name}");
    }
    assert_eq!(
        last_error(),
        "picket_registry_builder_add_key: `builder` is a picket_registry, not a picket_registry_builder"
    );
    let mut out = null_mut();
    assert_eq!(
        unsafe { picket_registry_builder_build(as_builder, &mut out) },
        picket_result::WrongHandle
    );
    assert!(out.is_null());
    assert_eq!(
        unsafe { picket_registry_builder_free(as_builder) },
        picket_result::WrongHandle
    );
    let as_registry = b.cast::<picket_registry>();
    for (name, code, wrote) in registry_calls(as_registry) {
        assert_eq!(code, picket_result::WrongHandle, "{name}");
        assert!(!wrote, "{name} wrote an output");
    }
    assert!(last_error().contains("`registry` is a picket_registry_builder, not a picket_registry"));
    assert_eq!(
        unsafe { picket_registry_free(as_registry) },
        picket_result::WrongHandle
    );
    // Both are still live and usable after the refusals.
    for (name, code, _) in registry_calls(r) {
        assert_ne!(code, picket_result::WrongHandle, "{name}");
    }
    assert_eq!(
        unsafe { picket_registry_builder_set_options(b, 0) },
        picket_result::Ok
    );
    assert_eq!(unsafe { picket_registry_free(r) }, picket_result::Ok);
    assert_eq!(
        unsafe { picket_registry_builder_free(b) },
        picket_result::Ok
    );
}

#[test]
fn double_free_and_use_after_free_of_a_registry() {
    let r = build(builder_with_project());
    assert_eq!(unsafe { picket_registry_free(r) }, picket_result::Ok);
    assert_eq!(
        unsafe { picket_registry_free(r) },
        picket_result::HandleFreed
    );
    assert!(last_error().starts_with("picket_registry_free: `registry` was freed"));
    for (name, code, wrote) in registry_calls(r) {
        assert_eq!(code, picket_result::HandleFreed, "{name}");
        assert!(!wrote, "{name} wrote an output");
    }
    // A freed registry where a builder is expected: the wrong type, freed.
    let code = unsafe { picket_registry_builder_free(r.cast()) };
    assert_eq!(code, picket_result::WrongHandle);
    assert!(last_error().contains("is a freed picket_registry, not a picket_registry_builder"));
}

#[test]
fn a_builder_after_build_or_free() {
    let b = builder_with_project();
    let r = build(b);
    for (name, code) in builder_calls(b) {
        assert_eq!(code, picket_result::HandleFreed, "{name}");
    }
    let mut out = null_mut();
    assert_eq!(
        unsafe { picket_registry_builder_build(b, &mut out) },
        picket_result::HandleFreed
    );
    assert!(out.is_null());
    assert_eq!(
        unsafe { picket_registry_builder_free(b) },
        picket_result::HandleFreed
    );
    assert_eq!(unsafe { picket_registry_free(r) }, picket_result::Ok);

    let b = builder_with_project();
    assert_eq!(
        unsafe { picket_registry_builder_free(b) },
        picket_result::Ok
    );
    assert_eq!(
        unsafe { picket_registry_builder_free(b) },
        picket_result::HandleFreed
    );
    for (name, code) in builder_calls(b) {
        assert_eq!(code, picket_result::HandleFreed, "{name}");
    }
    // A failed build consumes the builder too.
    let b = builder_with_project();
    let digest = [1u8; 32];
    for _ in 0..2 {
        let r =
            unsafe { picket_registry_builder_add_key(b, digest.as_ptr(), 1, 1, PICKET_NO_EXPIRY) };
        assert_eq!(r, picket_result::Ok);
    }
    let mut out = null_mut();
    assert_eq!(
        unsafe { picket_registry_builder_build(b, &mut out) },
        picket_result::BuildDuplicateKey
    );
    assert_eq!(
        unsafe { picket_registry_builder_free(b) },
        picket_result::HandleFreed
    );
}

#[test]
fn a_value_that_is_no_handle() {
    // A picket-made allocation whose first word is no tag: a live builder's shell read as
    // a registry is covered above; here, memory the caller owns, 8-aligned and readable.
    let fake = [0u64; 8];
    let r = fake.as_ptr().cast::<picket_registry>();
    for (name, code, wrote) in registry_calls(r) {
        assert_eq!(code, picket_result::WrongHandle, "{name}");
        assert!(!wrote);
    }
    assert!(last_error().contains("is not a picket_registry picket made"));
    assert_eq!(
        unsafe { picket_registry_free(r.cast_mut()) },
        picket_result::WrongHandle
    );
    assert_eq!(fake, [0u64; 8], "nothing was written through it");
}
