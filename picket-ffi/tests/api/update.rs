//! picket_registry_update: a new registry from an old one and a change to some projects.
#![allow(clippy::undocumented_unsafe_blocks)]

use super::registry::{basic, Fixture};
use super::*;

const NEW_SK: &[u8] = b"sk_c655cd8e9f2329ea6f2778acbce6c369";

/// A builder holding project 2 (production) with one key, `NEW_SK`.
fn project_2_with_a_new_key() -> *mut picket_registry_builder {
    let b = picket_registry_builder_new();
    let (_, new) = digest_of(NEW_SK);
    unsafe {
        assert_eq!(
            picket_registry_builder_add_project(b, 2, picket_mode::Production as u32, 0),
            picket_result::Ok
        );
        assert_eq!(
            picket_registry_builder_add_key(b, new.as_ptr(), 2, 2, PICKET_NO_EXPIRY),
            picket_result::Ok
        );
    }
    b
}

#[test]
fn registry_update_replaces_and_removes_projects() {
    let old = Fixture::new(0);
    let any = picket_requirement::Any as u32;
    let mut new = null_mut();
    // Project 2's keys replaced (SK gone, NEW_SK in); project 1 removed.
    let removed = [1u64];
    let r = unsafe {
        picket_registry_update(
            old.registry,
            project_2_with_a_new_key(),
            removed.as_ptr(),
            removed.len(),
            &mut new,
        )
    };
    assert_eq!(r, picket_result::Ok);
    let updated = Fixture { registry: new };
    assert_eq!(
        updated.authenticate(&basic(NEW_SK), 0, any),
        (picket_result::Ok, 2, 2)
    );
    for gone in [SK_BASIC, PK_BASIC_JS] {
        assert_eq!(
            updated.authenticate(gone, 0, any).0,
            picket_result::AuthUnknownKey
        );
    }
    // The old registry answers as before.
    assert_eq!(
        old.authenticate(SK_BASIC, 0, any),
        (picket_result::Ok, 2, 2)
    );
    assert_eq!(
        old.authenticate(PK_BASIC_JS, 0, any),
        (picket_result::Ok, 1, 1)
    );
    assert_eq!(
        old.authenticate(&basic(NEW_SK), 0, any).0,
        picket_result::AuthUnknownKey
    );
}

#[test]
fn registry_update_errors_consume_the_builder() {
    let old = Fixture::new(0);
    let mut out = null_mut();
    unsafe {
        // A key project 1 keeps (PK), added to project 2: a duplicate.
        let b = project_2_with_a_new_key();
        let (_, pk) = digest_of(PK);
        assert_eq!(
            picket_registry_builder_add_key(b, pk.as_ptr(), 2, 1, PICKET_NO_EXPIRY),
            picket_result::Ok
        );
        assert_eq!(
            picket_registry_update(old.registry, b, null(), 0, &mut out),
            picket_result::BuildDuplicateKey
        );
        assert!(out.is_null());
        // NULL arguments; each call consumes its builder (valgrind and the sanitizers
        // would report a leak otherwise).
        assert_eq!(
            picket_registry_update(null(), project_2_with_a_new_key(), null(), 0, &mut out),
            picket_result::NullParameter
        );
        assert_eq!(
            picket_registry_update(old.registry, null_mut(), null(), 0, &mut out),
            picket_result::NullParameter
        );
        assert_eq!(
            picket_registry_update(
                old.registry,
                project_2_with_a_new_key(),
                null(),
                1,
                &mut out
            ),
            picket_result::NullParameter
        );
        assert_eq!(
            picket_registry_update(
                old.registry,
                project_2_with_a_new_key(),
                null(),
                0,
                null_mut()
            ),
            picket_result::NullParameter
        );
        let misaligned = [0u8; 16];
        assert_eq!(
            picket_registry_update(
                old.registry,
                project_2_with_a_new_key(),
                misaligned.as_ptr().add(1).cast(),
                1,
                &mut out
            ),
            picket_result::InvalidParameter
        );
        assert!(out.is_null());
    }
    // The old registry is still whole.
    assert_eq!(
        old.authenticate(SK_BASIC, 0, picket_requirement::Any as u32),
        (picket_result::Ok, 2, 2)
    );
}
