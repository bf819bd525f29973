//! `RegistryBuilder` / `Registry` against a plain model.
//!
//! Input layout (short input reads as zeros):
//! - byte 0: bit 0 `accept_bearer`; bits 1–2: number of projects (0–3) added, ids
//!   `PROJECT_IDS[..n]`; the 4th id is never added;
//! - byte 1: per project `i`, bit `2i` development mode, bit `2i+1` `loopback_any_port`;
//!   bit 6 `allow_private_use_schemes` for all;
//! - byte 2: number of keys (mod 17); per key 16 random bytes, a byte (bit 0 secret,
//!   bit 1 has an expiry, bits 2–3 project index, bit 4 re-add the previous key's digest,
//!   bit 5 store it with the kind its prefix contradicts)
//!   and a little-endian `u64` expiry;
//! - a little-endian `u64` `now`;
//! - the rest: lines separated by `\n`, each tagged by its first byte `t`: `t % 3 == 0`
//!   an `Authorization` value; `1` a redirect URI for project `(t >> 2) & 3`; `2` a
//!   redirect URI presented to `authorize_redirect`.
//!
//! Properties: building fails exactly for an unknown project (at `add_key` /
//! `add_redirect_uri`) or a duplicate digest (at `build`); `authenticate`, for arbitrary
//! headers and for the real Basic/Bearer headers of every added key and of keys never
//! added, returns exactly what the model says: never a key that was not added, never an
//! expired key (`now >= expires_at`; a key without expiry never expires, even at
//! `now == u64::MAX`), never a key whose stored kind contradicts its prefix
//! (`KindMismatch`, before expiry and requirement), and the project and kind that were
//! added;
//! `authorize_redirect` accepts only a live publishable key whose project's whitelist
//! matches the URI.
#![no_main]

use std::borrow::Cow;
use std::collections::HashMap;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use libfuzzer_sys::fuzz_target;
use picket_core::redact_bytes;
use picket_core::{
    parse_authorization, ApiKey, AuthError, Authenticated, AuthorizeError, BuildError,
    HeaderOptions, KeyKind, Mode, RedirectOptions, RegistryBuilder, Requirement, Whitelist,
};
use picket_fuzz::Reader;

const PROJECT_IDS: [u64; 4] = [0, 1, u64::MAX, 0x8000_0000_0000_0001];
const MAX_KEYS: u8 = 17;

/// What the model holds for one added key.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Model {
    project: u64,
    kind: KeyKind,
    /// `u64::MAX` (from `None` or `Some(u64::MAX)`, the C ABI's `PICKET_NO_EXPIRY`): never
    /// expires, even at `now == u64::MAX`.
    expires_at: u64,
}

impl Model {
    fn expired(&self, now: u64) -> bool {
        self.expires_at != u64::MAX && now >= self.expires_at
    }
}

fn expected_auth(
    model: &HashMap<[u8; 35], Model>,
    key: &ApiKey,
    now: u64,
    req: Requirement,
) -> Result<Authenticated, AuthError> {
    let m = model.get(key.as_bytes()).ok_or(AuthError::UnknownKey)?;
    if m.kind != key.kind() {
        return Err(AuthError::KindMismatch);
    }
    if m.expired(now) {
        return Err(AuthError::Expired);
    }
    if !req.allows(m.kind) {
        let required = if req == Requirement::Secret {
            KeyKind::Secret
        } else {
            KeyKind::Publishable
        };
        return Err(AuthError::WrongKind {
            required,
            presented: m.kind,
        });
    }
    Ok(Authenticated {
        project: m.project,
        kind: m.kind,
    })
}

fn real_headers(key: &ApiKey) -> [Vec<u8>; 3] {
    let with_colon = [&key.as_bytes()[..], b":"].concat();
    [
        format!("Basic {}", STANDARD.encode(with_colon)).into_bytes(),
        format!("basic  {}", STANDARD.encode(key.as_bytes())).into_bytes(),
        [&b"Bearer "[..], key.as_bytes()].concat(),
    ]
}

fuzz_target!(|data: &[u8]| {
    let mut r = Reader::new(data);
    let flags = r.u8();
    let modes = r.u8();
    let n_keys = r.u8() % MAX_KEYS;
    let header_options = HeaderOptions {
        accept_bearer: flags & 1 == 1,
    };
    let n_projects = usize::from(flags >> 1 & 3);

    let mut builder = RegistryBuilder::new();
    builder.header_options(header_options);
    // The model's whitelists, kept by the fuzzer alongside the registry's.
    let mut lists: HashMap<u64, Whitelist> = HashMap::new();
    for (i, &id) in PROJECT_IDS.iter().enumerate().take(n_projects) {
        let mode = if modes >> (2 * i) & 1 == 1 {
            Mode::Development
        } else {
            Mode::Production
        };
        let options = RedirectOptions {
            loopback_any_port: modes >> (2 * i + 1) & 1 == 1,
            allow_private_use_schemes: modes >> 6 & 1 == 1,
        };
        builder.add_project(id, mode, options).unwrap();
        assert_eq!(
            builder.add_project(id, mode, options),
            Err(BuildError::DuplicateProject { project: id })
        );
        lists.insert(id, Whitelist::new(mode, options));
    }

    let mut model: HashMap<[u8; 35], Model> = HashMap::new();
    let mut added: Vec<ApiKey> = Vec::new();
    let mut not_added: Vec<ApiKey> = Vec::new();
    let mut duplicate = false;
    for _ in 0..n_keys {
        let random: [u8; 16] = r.array();
        let shape = r.u8();
        let expiry = r.u64();
        let kind = if shape & 1 == 1 {
            KeyKind::Secret
        } else {
            KeyKind::Publishable
        };
        let expires_at = (shape & 2 == 2).then_some(expiry);
        let project = PROJECT_IDS[usize::from(shape >> 2 & 3)];
        let key = match added.last() {
            Some(prev) if shape & 16 == 16 => prev.clone(),
            _ => ApiKey::from_random_bytes(kind, random),
        };
        // A neighbour that is never added (unless the input adds it itself).
        let mut other = random;
        other[15] ^= 0x80;
        not_added.push(ApiKey::from_random_bytes(kind, other));

        // The kind stored: the key's own, or (bit 5) the other one, a wrong row.
        let stored_kind = match (shape & 32 == 32, key.kind()) {
            (false, own) => own,
            (true, KeyKind::Secret) => KeyKind::Publishable,
            (true, KeyKind::Publishable) => KeyKind::Secret,
        };
        let result = builder.add_key(key.digest(), project, stored_kind, expires_at);
        if !lists.contains_key(&project) {
            assert_eq!(result, Err(BuildError::UnknownProject { project }));
            not_added.push(key);
            continue;
        }
        assert_eq!(result, Ok(()));
        let entry = Model {
            project,
            kind: stored_kind,
            expires_at: expires_at.unwrap_or(u64::MAX),
        };
        duplicate |= model.insert(*key.as_bytes(), entry).is_some();
        added.push(key);
    }
    let now = r.u64();

    let lines: Vec<&[u8]> = r.rest().split(|&b| b == b'\n').collect();
    for line in &lines {
        let Some((&tag, body)) = line.split_first() else {
            continue;
        };
        if tag % 3 == 1 {
            let project = PROJECT_IDS[usize::from(tag >> 2 & 3)];
            let result = builder.add_redirect_uri(project, body);
            match lists.get_mut(&project) {
                None => assert_eq!(result, Err(BuildError::UnknownProject { project })),
                Some(list) => assert_eq!(
                    result.map_err(|e| e.code()),
                    list.register(body).map_err(|e| e.code())
                ),
            }
        }
    }

    let registry = match builder.build() {
        Ok(registry) => {
            assert!(!duplicate, "built with a duplicate digest");
            registry
        }
        Err(BuildError::DuplicateKey { .. }) => {
            assert!(duplicate, "DuplicateKey without a duplicate");
            return;
        }
        Err(e) => panic!("unexpected build error {e:?}"),
    };
    assert_eq!(registry.key_count(), model.len());
    for id in PROJECT_IDS {
        assert_eq!(
            registry.whitelist(id).map(Whitelist::len),
            lists.get(&id).map(Whitelist::len)
        );
    }
    not_added.retain(|k| !model.contains_key(k.as_bytes()));

    let requirements = [
        Requirement::Any,
        Requirement::Publishable,
        Requirement::Secret,
    ];
    let check_header = |header: &[u8], now: u64, requirements: &[Requirement]| {
        for &req in requirements {
            let got = registry.authenticate(header, now, req);
            let want = match parse_authorization(header, header_options) {
                Err(e) => Err(AuthError::Header(e)),
                Ok(key) => expected_auth(&model, &key, now, req),
            };
            assert_eq!(got, want, "authenticate disagrees with the model");
        }
    };
    for line in &lines {
        if line.first().is_some_and(|t| t % 3 == 0) {
            check_header(&line[1..], now, &requirements);
        }
    }
    for key in added.iter().chain(&not_added) {
        for header in real_headers(key) {
            check_header(&header, now, &requirements);
            // Around the expiry: the last valid second and the first expired one.
            if let Some(m) = model.get(key.as_bytes()) {
                check_header(&header, m.expires_at.saturating_sub(1), &[Requirement::Any]);
                check_header(&header, m.expires_at, &[Requirement::Any]);
            }
        }
        for req in requirements {
            assert_eq!(
                registry.authenticate_key(key, now, req),
                expected_auth(&model, key, now, req)
            );
        }
    }

    for line in &lines {
        let Some((&tag, uri)) = line.split_first() else {
            continue;
        };
        if tag % 3 != 2 {
            continue;
        }
        for key in added.iter().chain(&not_added) {
            let got = registry.authorize_redirect(key.as_bytes(), uri, now);
            let want = if key.kind() == KeyKind::Secret {
                Err(AuthorizeError::SecretKeyExposed)
            } else {
                match model.get(key.as_bytes()) {
                    None => Err(AuthorizeError::UnknownClient),
                    // A row that says secret for a pk_ key: no publishable key.
                    Some(m) if m.kind != KeyKind::Publishable => Err(AuthorizeError::UnknownClient),
                    Some(m) if m.expired(now) => Err(AuthorizeError::Expired),
                    Some(m) if lists[&m.project].matches(uri) => Ok(m.project),
                    Some(_) => Err(AuthorizeError::RedirectNotRegistered),
                }
            };
            assert_eq!(got, want, "authorize_redirect disagrees with the model");
        }
        // A client_id that is not a key: exposed when it holds a secret key in a form
        // redaction masks (the rule of `authorize_redirect`), else malformed.
        let got = registry.authorize_redirect(uri, uri, now);
        if matches!(redact_bytes(uri), Cow::Owned(_)) {
            assert_eq!(got, Err(AuthorizeError::SecretKeyExposed));
        } else {
            match ApiKey::parse(uri) {
                Err(e) => assert_eq!(got, Err(AuthorizeError::InvalidClientId(e))),
                Ok(_) => assert!(got.is_err() || model.contains_key(uri)),
            }
        }
    }
});
