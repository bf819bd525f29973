//! Proof that `Registry::authenticate` does no heap allocation, on success and on every
//! failure path.
//!
//! A counting `#[global_allocator]` counts, per thread, every `alloc`, `alloc_zeroed` and
//! `realloc`. Counting per thread keeps the test harness's other threads out of the figure.
//! A control case checks that the counter does see an allocation, so the test can fail.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use picket_core::{
    ApiKey, AuthError, Authenticated, HeaderError, KeyError, KeyKind, Mode, RedirectOptions,
    Registry, RegistryBuilder, Requirement,
};

/// The system allocator, counting the allocations made by the current thread.
struct Counting;

thread_local! {
    // `const` initialisation and no destructor: using it never allocates.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count_one() {
    // `try_with` fails only while the thread is being torn down; nothing is measured then.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every call is forwarded unchanged to `System`, which upholds the `GlobalAlloc`
// contract; the counter is only updated beside it.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: the caller's `layout` obligations are passed on as they are.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count_one();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` and `layout` come from a matching allocation, as the caller promises.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count_one();
        // SAFETY: as the caller promises for `GlobalAlloc::realloc`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// How many allocations `f` makes on this thread, and its result.
fn allocations<T>(f: impl FnOnce() -> T) -> (u64, T) {
    let before = ALLOCATIONS.with(Cell::get);
    let out = std::hint::black_box(f());
    (ALLOCATIONS.with(Cell::get) - before, out)
}

const NOW: u64 = 1_700_000_000;
const PROJECT: u64 = 42;

fn key(kind: KeyKind, byte: u8) -> ApiKey {
    ApiKey::from_random_bytes(kind, [byte; 16])
}

/// `Basic ` + base64(`KEY:`).
fn header(key: &ApiKey) -> Vec<u8> {
    format!("Basic {}", STANDARD.encode(format!("{}:", key.expose()))).into_bytes()
}

struct Fixture {
    registry: Registry,
    secret: ApiKey,
    publishable: ApiKey,
    expired: ApiKey,
    unknown: ApiKey,
}

fn fixture() -> Fixture {
    let secret = key(KeyKind::Secret, 0x11);
    let publishable = key(KeyKind::Publishable, 0x22);
    let expired = key(KeyKind::Secret, 0x33);
    let unknown = key(KeyKind::Secret, 0x44);
    let mut b = RegistryBuilder::new();
    b.add_project(PROJECT, Mode::Production, RedirectOptions::default())
        .unwrap();
    b.add_redirect_uri(PROJECT, b"https://app.example.com/callback")
        .unwrap();
    b.add_key(secret.digest(), PROJECT, KeyKind::Secret, None)
        .unwrap();
    b.add_key(publishable.digest(), PROJECT, KeyKind::Publishable, None)
        .unwrap();
    b.add_key(expired.digest(), PROJECT, KeyKind::Secret, Some(NOW))
        .unwrap();
    // Enough other keys that the lookup's directory has many slots.
    for i in 0..1000u32 {
        let mut bytes = [0x55u8; 16];
        bytes[..4].copy_from_slice(&i.to_be_bytes());
        let k = ApiKey::from_random_bytes(KeyKind::Secret, bytes);
        b.add_key(k.digest(), PROJECT, KeyKind::Secret, None)
            .unwrap();
    }
    Fixture {
        registry: b.build().unwrap(),
        secret,
        publishable,
        expired,
        unknown,
    }
}

#[test]
// Creating an empty `Vec` and then pushing is the allocation this control case is about.
#[allow(clippy::vec_init_then_push)]
fn the_counter_sees_allocations() {
    let (n, v) = allocations(|| {
        let mut v = Vec::new();
        v.push(1u8);
        v
    });
    assert_eq!(v, [1]);
    assert!(
        n >= 1,
        "the counting allocator saw no allocation for a Vec push"
    );
    // Growing a vector is counted too (realloc).
    let (n, v) = allocations(|| {
        let mut v = vec![0u8; 1];
        v.extend_from_slice(&[1; 4096]);
        v
    });
    assert_eq!(v.len(), 4097);
    assert!(n >= 2, "a growth was not counted ({n})");
}

#[test]
fn authenticate_success_allocates_nothing() {
    let f = fixture();
    let want = Authenticated {
        project: PROJECT,
        kind: KeyKind::Secret,
    };
    let curl = header(&f.secret);
    // The JS SDK's form: two spaces, no colon.
    let js = format!("Basic  {}", STANDARD.encode(f.secret.expose())).into_bytes();
    let pk = header(&f.publishable);
    let cases: [(&[u8], Requirement, KeyKind); 4] = [
        (&curl, Requirement::Secret, KeyKind::Secret),
        (&curl, Requirement::Any, KeyKind::Secret),
        (&js, Requirement::Secret, KeyKind::Secret),
        (&pk, Requirement::Publishable, KeyKind::Publishable),
    ];
    for (h, req, kind) in cases {
        let (n, got) = allocations(|| f.registry.authenticate(h, NOW, req));
        assert_eq!(got, Ok(Authenticated { kind, ..want }));
        assert_eq!(n, 0, "authenticate allocated {n} times on success");
    }
    let (n, got) = allocations(|| {
        f.registry
            .authenticate_key(&f.secret, NOW, Requirement::Secret)
    });
    assert_eq!(got, Ok(want));
    assert_eq!(n, 0, "authenticate_key allocated {n} times on success");
}

#[test]
fn authenticate_failures_allocate_nothing() {
    let f = fixture();
    let valid = header(&f.secret);
    let mut bad_base64 = valid.clone();
    let last = bad_base64.len() - 2;
    bad_base64[last] = b'!';
    let long = vec![b'a'; picket_core::MAX_HEADER_LEN + 1];
    let not_a_key = format!("Basic {}", STANDARD.encode("sk_not-a-key:")).into_bytes();
    let pair = format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", f.publishable.expose(), f.secret.expose()))
    )
    .into_bytes();
    let cases: Vec<(&str, Vec<u8>, Requirement, AuthError)> = vec![
        (
            "bad header (malformed base64)",
            bad_base64,
            Requirement::Secret,
            AuthError::Header(HeaderError::InvalidBase64),
        ),
        (
            "unknown key",
            header(&f.unknown),
            Requirement::Secret,
            AuthError::UnknownKey,
        ),
        (
            "expired",
            header(&f.expired),
            Requirement::Secret,
            AuthError::Expired,
        ),
        (
            "wrong kind",
            header(&f.publishable),
            Requirement::Secret,
            AuthError::WrongKind {
                required: KeyKind::Secret,
                presented: KeyKind::Publishable,
            },
        ),
        (
            "missing header",
            Vec::new(),
            Requirement::Any,
            AuthError::Header(HeaderError::Missing),
        ),
        (
            "header too long",
            long,
            Requirement::Any,
            AuthError::Header(HeaderError::TooLong),
        ),
        (
            "control character",
            b"Basic abc\r\n".to_vec(),
            Requirement::Any,
            AuthError::Header(HeaderError::ControlCharacter {
                byte: b'\r',
                position: 9,
            }),
        ),
        (
            "unsupported scheme",
            b"Digest abc".to_vec(),
            Requirement::Any,
            AuthError::Header(HeaderError::UnsupportedScheme),
        ),
        (
            "bearer not enabled",
            b"Bearer sk_x".to_vec(),
            Requirement::Any,
            AuthError::Header(HeaderError::BearerNotEnabled),
        ),
        (
            "malformed key",
            not_a_key,
            Requirement::Any,
            AuthError::Header(HeaderError::Key(KeyError::WrongLength { found: 9 })),
        ),
        (
            "password sent",
            pair,
            Requirement::Any,
            AuthError::Header(HeaderError::NonEmptyPassword),
        ),
    ];
    for (name, h, req, want) in &cases {
        let (n, got) = allocations(|| f.registry.authenticate(h, NOW, *req));
        assert_eq!(got, Err(*want), "{name}");
        assert_eq!(n, 0, "{name}: authenticate allocated {n} times");
    }
    // The same failures after the header, through `authenticate_key`.
    let key_cases = [
        (&f.unknown, AuthError::UnknownKey),
        (&f.expired, AuthError::Expired),
        (
            &f.publishable,
            AuthError::WrongKind {
                required: KeyKind::Secret,
                presented: KeyKind::Publishable,
            },
        ),
    ];
    for (k, want) in key_cases {
        let (n, got) = allocations(|| f.registry.authenticate_key(k, NOW, Requirement::Secret));
        assert_eq!(got, Err(want));
        assert_eq!(n, 0, "authenticate_key allocated {n} times for {want:?}");
    }
}
