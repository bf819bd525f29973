//! Unit tests of `registry`, in a file of their own so that the module stays short.

use super::*;
use crate::key::KeyError;
use crate::redirect::{Mode, RedirectOptions};
use base64::Engine as _;

fn key(i: u32, kind: KeyKind) -> ApiKey {
    let mut bytes = [0u8; 16];
    bytes[..4].copy_from_slice(&i.to_be_bytes());
    ApiKey::from_random_bytes(kind, bytes)
}

fn header(k: &ApiKey) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD.encode(format!("{}:", k.expose()));
    format!("Basic {b64}").into_bytes()
}

#[test]
fn finds_every_key_among_many() {
    let mut b = RegistryBuilder::new();
    b.add_project(1, Mode::Production, RedirectOptions::default())
        .unwrap();
    b.add_project(2, Mode::Production, RedirectOptions::default())
        .unwrap();
    for i in 0..5000 {
        let kind = if i % 2 == 0 {
            KeyKind::Secret
        } else {
            KeyKind::Publishable
        };
        b.add_key(key(i, kind).digest(), 1 + u64::from(i % 2), kind, None)
            .unwrap();
    }
    let reg = b.build().unwrap();
    for i in 0..5000 {
        let kind = if i % 2 == 0 {
            KeyKind::Secret
        } else {
            KeyKind::Publishable
        };
        let auth = reg
            .authenticate(&header(&key(i, kind)), 0, Requirement::Any)
            .unwrap();
        assert_eq!(auth.project, 1 + u64::from(i % 2));
        assert_eq!(auth.kind, kind);
        // Same body, other kind: a different key, never added.
        let other = if kind == KeyKind::Secret {
            KeyKind::Publishable
        } else {
            KeyKind::Secret
        };
        assert_eq!(
            reg.authenticate(&header(&key(i, other)), 0, Requirement::Any),
            Err(AuthError::UnknownKey)
        );
    }
    assert_eq!(
        reg.authenticate(&header(&key(5000, KeyKind::Secret)), 0, Requirement::Any),
        Err(AuthError::UnknownKey)
    );
}

#[test]
fn expiry_and_kind() {
    let old = key(1, KeyKind::Secret);
    let new = key(2, KeyKind::Secret);
    let pk = key(3, KeyKind::Publishable);
    let mut b = RegistryBuilder::new();
    b.add_project(1, Mode::Production, RedirectOptions::default())
        .unwrap();
    b.add_key(old.digest(), 1, KeyKind::Secret, Some(100))
        .unwrap();
    b.add_key(new.digest(), 1, KeyKind::Secret, None).unwrap();
    b.add_key(pk.digest(), 1, KeyKind::Publishable, None)
        .unwrap();
    let reg = b.build().unwrap();
    assert!(reg
        .authenticate(&header(&old), 99, Requirement::Secret)
        .is_ok());
    assert_eq!(
        reg.authenticate(&header(&old), 100, Requirement::Secret),
        Err(AuthError::Expired)
    );
    assert!(reg
        .authenticate(&header(&new), 100, Requirement::Secret)
        .is_ok());
    let err = reg
        .authenticate(&header(&pk), 0, Requirement::Secret)
        .unwrap_err();
    assert_eq!(
        err,
        AuthError::WrongKind {
            required: KeyKind::Secret,
            presented: KeyKind::Publishable
        }
    );
    assert_eq!(err.status(), 403);
    assert_eq!(err.www_authenticate(), None);
    assert_eq!(
        reg.authenticate(&header(&new), 0, Requirement::Publishable)
            .unwrap_err()
            .status(),
        403
    );
}

#[test]
fn prefix_decides_the_kind() {
    // Each key added with the kind its prefix contradicts.
    let pk = key(1, KeyKind::Publishable);
    let sk = key(2, KeyKind::Secret);
    let mut b = RegistryBuilder::new();
    b.add_project(1, Mode::Development, RedirectOptions::default())
        .unwrap();
    b.add_redirect_uri(1, b"http://localhost:3000/cb").unwrap();
    b.add_key(pk.digest(), 1, KeyKind::Secret, None).unwrap();
    b.add_key(sk.digest(), 1, KeyKind::Publishable, Some(5))
        .unwrap();
    let reg = b.build().unwrap();
    for requirement in [
        Requirement::Any,
        Requirement::Secret,
        Requirement::Publishable,
    ] {
        for (k, now) in [(&pk, 0), (&sk, 0), (&sk, 10)] {
            // Before expiry and wrong kind for the endpoint: the row is what is wrong.
            let err = reg.authenticate(&header(k), now, requirement).unwrap_err();
            assert_eq!(err, AuthError::KindMismatch, "{requirement:?} {now}");
            assert_eq!(err.code(), 503);
            assert_eq!(
                (err.status(), err.www_authenticate()),
                (401, Some(WWW_AUTHENTICATE))
            );
            let message = err.to_string();
            assert!(message.contains("prefix") && !message.contains(&k.expose()[3..]));
        }
    }
    assert_eq!(
        reg.authorize_redirect(pk.as_bytes(), b"http://localhost:3000/cb", 0),
        Err(AuthorizeError::UnknownClient)
    );
}

#[test]
fn authorize_redirect_rules() {
    let pk = key(1, KeyKind::Publishable);
    let other_pk = key(2, KeyKind::Publishable);
    let sk = key(3, KeyKind::Secret);
    let expired = key(4, KeyKind::Publishable);
    let mut b = RegistryBuilder::new();
    b.add_project(1, Mode::Development, RedirectOptions::default())
        .unwrap();
    b.add_project(2, Mode::Production, RedirectOptions::default())
        .unwrap();
    b.add_redirect_uri(1, b"http://localhost:3000/callback")
        .unwrap();
    b.add_redirect_uri(2, b"https://app.example.com/cb")
        .unwrap();
    b.add_key(pk.digest(), 1, KeyKind::Publishable, None)
        .unwrap();
    b.add_key(other_pk.digest(), 2, KeyKind::Publishable, None)
        .unwrap();
    b.add_key(sk.digest(), 1, KeyKind::Secret, None).unwrap();
    b.add_key(expired.digest(), 1, KeyKind::Publishable, Some(10))
        .unwrap();
    let reg = b.build().unwrap();
    let uri = b"http://localhost:3000/callback";
    assert_eq!(reg.authorize_redirect(pk.as_bytes(), uri, 0), Ok(1));
    // Another project's key cannot use this project's redirect URI.
    assert_eq!(
        reg.authorize_redirect(other_pk.as_bytes(), uri, 0),
        Err(AuthorizeError::RedirectNotRegistered)
    );
    assert_eq!(
        reg.authorize_redirect(sk.as_bytes(), uri, 0),
        Err(AuthorizeError::SecretKeyExposed)
    );
    assert_eq!(
        reg.authorize_redirect(expired.as_bytes(), uri, 10),
        Err(AuthorizeError::Expired)
    );
    assert_eq!(
        reg.authorize_redirect(key(9, KeyKind::Publishable).as_bytes(), uri, 0),
        Err(AuthorizeError::UnknownClient)
    );
    assert_eq!(
        reg.authorize_redirect(b"pk_x", uri, 0),
        Err(AuthorizeError::InvalidClientId(KeyError::WrongLength {
            found: 1
        }))
    );
}

#[test]
fn build_errors() {
    let mut b = RegistryBuilder::new();
    assert_eq!(
        b.add_redirect_uri(5, b"https://example.com/"),
        Err(BuildError::UnknownProject { project: 5 })
    );
    b.add_project(5, Mode::Production, RedirectOptions::default())
        .unwrap();
    assert_eq!(
        b.add_project(5, Mode::Production, RedirectOptions::default()),
        Err(BuildError::DuplicateProject { project: 5 })
    );
}

#[test]
fn registry_is_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Registry>();
}
