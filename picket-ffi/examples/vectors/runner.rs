//! Runs test-vector files (format: tests/vectors/SCHEMA.md) through the C ABI: only the
//! exported `picket_*` functions are called, with (pointer, length) inputs exactly as a C
//! caller passes them. Shared by the `vectors` example and `tests/vectors.rs`.

use picket::{
    picket_authorization_parse, picket_key_kind, picket_key_parse, picket_key_redacted,
    picket_last_error_message, picket_mode, picket_pkce_verify, picket_redact,
    picket_redirect_match, picket_redirect_validate, picket_registry,
    picket_registry_authorize_redirect, picket_registry_builder_build, picket_registry_builder_new,
    picket_registry_free, picket_result, picket_slice, PICKET_KEY_LEN, PICKET_OPTION_ACCEPT_BEARER,
    PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES, PICKET_OPTION_LOOPBACK_ANY_PORT, PICKET_REDACTED_LEN,
};
use serde_json::Value;

use crate::harness::string;
pub use crate::harness::Tally;

/// Runs every case of one JSON Lines text through the C ABI.
pub fn run_text(name: &str, text: &str, tally: &mut Tally) {
    crate::harness::run_text(name, text, tally, run_case);
}

/// The detailed message of the last failing call on this thread.
fn last_error() -> String {
    let mut buf = vec![0u8; 256];
    let mut len = 0usize;
    loop {
        // SAFETY: `buf` is valid for writes of `buf.len()` bytes and `len` for one usize.
        let r = unsafe { picket_last_error_message(buf.as_mut_ptr(), buf.len(), &mut len) };
        match r {
            picket_result::Ok => {
                return String::from_utf8_lossy(&buf[..len]).into_owned();
            }
            picket_result::BufferTooSmall if len > buf.len() => buf.resize(len, 0),
            other => return format!("<picket_last_error_message returned {other:?}>"),
        }
    }
}

/// `error (message)` for a failed call, as the core's runner prints a core error.
fn error_text() -> String {
    format!("error ({})", last_error())
}

/// The case's options as `PICKET_OPTION_*` bits; an option not in `known` fails the case.
fn options(case: &Value, known: &[(&str, u32)]) -> Result<u32, String> {
    let Some(list) = case.get("options") else {
        return Ok(0);
    };
    let list = list.as_array().ok_or("\"options\" is not a list")?;
    let mut bits = 0;
    for o in list {
        let o = o.as_str().ok_or("an option is not a string")?;
        match known.iter().find(|(name, _)| *name == o) {
            Some((_, bit)) => bits |= bit,
            None => return Err(format!("unknown option {o:?} for this kind")),
        }
    }
    Ok(bits)
}

fn mode(case: &Value) -> Result<u32, String> {
    match string(case, "mode")? {
        "development" => Ok(picket_mode::Development as u32),
        "production" => Ok(picket_mode::Production as u32),
        other => Err(format!("unknown mode {other:?}")),
    }
}

fn kind_name(kind: u32) -> String {
    match kind {
        k if k == picket_key_kind::Publishable as u32 => "publishable".to_string(),
        k if k == picket_key_kind::Secret as u32 => "secret".to_string(),
        k => format!("kind {k}"),
    }
}

const REDIRECT_OPTIONS: &[(&str, u32)] = &[
    (
        "allow_private_use_schemes",
        PICKET_OPTION_ALLOW_PRIVATE_USE_SCHEMES,
    ),
    ("loopback_any_port", PICKET_OPTION_LOOPBACK_ANY_PORT),
];

fn check(expected: &str, got: &str) -> Result<(), String> {
    if expected == got {
        Ok(())
    } else {
        Err(format!("expected {expected}, got {got}"))
    }
}

pub fn run_case(case: &Value) -> Result<(), String> {
    let kind = string(case, "kind")?;
    let expect = string(case, "expect")?;
    match kind {
        "key" => {
            options(case, &[])?;
            let input = string(case, "input")?.as_bytes();
            let mut key_kind = 0u32;
            // SAFETY: `input` is valid for reads of its length; `key_kind` for one u32.
            let r = unsafe { picket_key_parse(input.as_ptr(), input.len(), &mut key_kind) };
            let got = match r {
                picket_result::Ok => kind_name(key_kind),
                _ => error_text(),
            };
            check(expect, got.split(' ').next().unwrap_or(""))
                .map_err(|_| format!("expected {expect}, got {got}"))
        }
        "auth_header" => {
            let bits = options(case, &[("accept_bearer", PICKET_OPTION_ACCEPT_BEARER)])?;
            let header = string(case, "header")?.as_bytes();
            let mut key_kind = 0u32;
            let mut key = [0u8; PICKET_KEY_LEN];
            let mut key_len = 0usize;
            // SAFETY: `header` is valid for reads of its length, `key` for writes of
            // PICKET_KEY_LEN bytes, `key_kind` and `key_len` for one value each.
            let r = unsafe {
                picket_authorization_parse(
                    header.as_ptr(),
                    header.len(),
                    bits,
                    &mut key_kind,
                    key.as_mut_ptr(),
                    key.len(),
                    &mut key_len,
                )
            };
            let key = &key[..key_len.min(PICKET_KEY_LEN)];
            match (expect, r) {
                ("ok", picket_result::Ok) => {
                    let want = string(case, "key")?;
                    if key == want.as_bytes() {
                        Ok(())
                    } else {
                        Err(format!(
                            "expected ok with key {want}, got another key ({})",
                            redacted(key)
                        ))
                    }
                }
                ("error", r) if r != picket_result::Ok => Ok(()),
                (_, picket_result::Ok) => {
                    Err(format!("expected {expect}, got ok ({})", redacted(key)))
                }
                (_, _) => Err(format!("expected {expect}, got {}", error_text())),
            }
        }
        "redirect_register" => {
            let bits = options(case, REDIRECT_OPTIONS)?;
            let uri = string(case, "uri")?.as_bytes();
            let mode = mode(case)?;
            // SAFETY: `uri` is valid for reads of its length.
            let r = unsafe { picket_redirect_validate(uri.as_ptr(), uri.len(), mode, bits) };
            let got = match r {
                picket_result::Ok => "accept".to_string(),
                _ => format!("reject ({})", last_error()),
            };
            check(expect, got.split(' ').next().unwrap_or(""))
                .map_err(|_| format!("expected {expect}, got {got}"))
        }
        "redirect_match" => {
            let bits = options(case, REDIRECT_OPTIONS)?;
            let mode = mode(case)?;
            let registered = case["registered"]
                .as_array()
                .ok_or("field \"registered\" is missing or not a list")?;
            let mut entries = Vec::with_capacity(registered.len());
            for entry in registered {
                let entry = entry.as_str().ok_or("a registered entry is not a string")?;
                entries.push(picket_slice {
                    data: entry.as_ptr(),
                    len: entry.len(),
                });
            }
            let candidate = string(case, "candidate")?.as_bytes();
            let mut matched = false;
            // SAFETY: `entries` holds `entries.len()` slices, each pointing into a string
            // of `case` that outlives the call; `candidate` is valid for reads of its
            // length; `matched` for one bool.
            let r = unsafe {
                picket_redirect_match(
                    entries.as_ptr(),
                    entries.len(),
                    candidate.as_ptr(),
                    candidate.len(),
                    mode,
                    bits,
                    &mut matched,
                )
            };
            if r != picket_result::Ok {
                return Err(format!("expected {expect}, got {}", error_text()));
            }
            check(expect, if matched { "match" } else { "no_match" })
        }
        "pkce" => {
            options(case, &[])?;
            let verifier = string(case, "verifier")?.as_bytes();
            let challenge = string(case, "challenge")?.as_bytes();
            let method = string(case, "method")?.as_bytes();
            // SAFETY: the three inputs are valid for reads of their lengths.
            let r = unsafe {
                picket_pkce_verify(
                    verifier.as_ptr(),
                    verifier.len(),
                    challenge.as_ptr(),
                    challenge.len(),
                    method.as_ptr(),
                    method.len(),
                )
            };
            let got = match r {
                picket_result::Ok => "ok".to_string(),
                _ => error_text(),
            };
            check(expect, got.split(' ').next().unwrap_or(""))
                .map_err(|_| format!("expected {expect}, got {got}"))
        }
        "redact" => {
            options(case, &[])?;
            let input = string(case, "input")?.as_bytes();
            // The output is never longer than the input.
            let mut buf = vec![0u8; input.len()];
            let mut len = 0usize;
            // SAFETY: `input` is valid for reads of its length, `buf` for writes of its
            // length, `len` for one usize.
            let r = unsafe {
                picket_redact(
                    input.as_ptr(),
                    input.len(),
                    buf.as_mut_ptr(),
                    buf.len(),
                    &mut len,
                )
            };
            if r != picket_result::Ok {
                return Err(format!("expected {expect:?}, got {}", error_text()));
            }
            let got = String::from_utf8_lossy(&buf[..len.min(buf.len())]);
            if got == expect {
                Ok(())
            } else {
                Err(format!("expected {expect:?}, got {got:?}"))
            }
        }
        "client_id" => {
            options(case, &[])?;
            let input = string(case, "input")?.as_bytes();
            let uri = b"https://example.com/cb";
            let mut registry: *mut picket_registry = std::ptr::null_mut();
            let mut project = 0u64;
            // SAFETY: a new builder is consumed by the build; the registry it yields is
            // used once and freed once; `input` and `uri` are valid for reads of their
            // lengths, `project` for one u64.
            let r = unsafe {
                let built =
                    picket_registry_builder_build(picket_registry_builder_new(), &mut registry);
                if built != picket_result::Ok {
                    return Err(format!("cannot build a registry: {}", error_text()));
                }
                let r = picket_registry_authorize_redirect(
                    registry,
                    input.as_ptr(),
                    input.len(),
                    uri.as_ptr(),
                    uri.len(),
                    0,
                    &mut project,
                );
                picket_registry_free(registry);
                r
            };
            let got = match r {
                picket_result::AuthorizeSecretKeyExposed => "exposed".to_string(),
                picket_result::AuthorizeUnknownClient => "publishable".to_string(),
                r if (100..=199).contains(&(r as u32)) => "invalid".to_string(),
                r => format!("{r:?}"),
            };
            check(expect, &got)
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}

/// A key as the core prints it: publishable in full, secret redacted (`sk_…9e24`, from
/// `picket_key_redacted`).
fn redacted(key: &[u8]) -> String {
    if !key.starts_with(b"sk_") {
        return String::from_utf8_lossy(key).into_owned();
    }
    let mut buf = [0u8; PICKET_REDACTED_LEN];
    let mut len = 0usize;
    // SAFETY: `key` is valid for reads of its length, `buf` for writes of its length and
    // `len` for one usize.
    let r = unsafe {
        picket_key_redacted(
            key.as_ptr(),
            key.len(),
            buf.as_mut_ptr(),
            buf.len(),
            &mut len,
        )
    };
    match r {
        picket_result::Ok => String::from_utf8_lossy(&buf[..len]).into_owned(),
        _ => "a secret key".to_string(),
    }
}
