//! The key, digest and redaction functions, one function each.

use std::ptr;

use picket::*;
use picket_core::{redact_bytes, verify_any, ApiKey, KeyDigest, KEY_LEN, REDACTED_LEN};

use super::harness::*;

/// `picket_key_parse`.
pub(crate) fn key_parse(call: &mut Call, _n: u64) {
    let (p, l, seen) = call.input(0);
    let mut kind = u32::MAX;
    let out = call.out(&mut kind);
    let before = last_message();
    // SAFETY: (p, l) is a live slice, NULL, or a huge length that must be refused
    // before any read; `out` is a live u32 or NULL.
    let got = unsafe { picket_key_parse(p, l, out) };
    let want = ApiKey::parse(seen)
        .map(|k| kind_code(k.kind()))
        .map_err(|e| e.code());
    check_scalar(call, got, kind, u32::MAX, want);
    check_message("picket_key_parse", got, &before);
}

/// `picket_key_format`.
pub(crate) fn key_format(call: &mut Call, n: u64) {
    let random = first_32(call.fields.first().copied().unwrap_or_default());
    let mut random16 = [0u8; 16];
    random16.copy_from_slice(&random[..16]);
    let (kind, kind_bits) = kind_of(n);
    let bits = call.enum_arg(kind_bits, 3 + (n >> 1) as u32 % 100);
    let key = ApiKey::from_random_bytes(kind, random16);
    let want = *key.as_bytes();
    let r16 = digest_arg(call, 0, &random);
    with_buf(
        call,
        "picket_key_format",
        KEY_LEN,
        false,
        Ok(&want),
        |_, buf, len, out_len| {
            // SAFETY: `r16` is NULL or 32 readable bytes; the buffer is as built.
            unsafe { picket_key_format(bits, r16, buf, len, out_len) }
        },
    );
}

/// `picket_key_generate`.
pub(crate) fn key_generate(call: &mut Call, n: u64) {
    // A fresh random key: check the form rather than the bytes.
    let (_, kind_bits) = kind_of(n);
    let bits = call.enum_arg(kind_bits, 0);
    let mut out = OutBuf::new(call, KEY_LEN, false);
    let out_len = out.out_len_ptr();
    let before = last_message();
    // SAFETY: the buffer is as built.
    let got = unsafe { picket_key_generate(bits, out.ptr, out.cap, out_len) };
    match call.forced {
        Some(_) => check_buf(call, got, &out, Ok(&[0; KEY_LEN])),
        None if out.cap < KEY_LEN => {
            assert_eq!((got, out.out_len), (picket_result::BufferTooSmall, KEY_LEN))
        }
        None => {
            assert_eq!((got, out.out_len), (picket_result::Ok, KEY_LEN));
            let key = ApiKey::parse(&out.bytes()[..KEY_LEN]).expect("generated key");
            assert_eq!(kind_code(key.kind()), kind_bits);
        }
    }
    check_message("picket_key_generate", got, &before);
}

/// `picket_key_digest`.
pub(crate) fn key_digest(call: &mut Call, _n: u64) {
    let (p, l, seen) = call.input(0);
    let mut digest = [FILL; 32];
    let want = ApiKey::parse(seen)
        .map(|k| *k.digest().as_bytes())
        .map_err(|e| e.code());
    let overlap = matches!(call.fault, Fault::Overlap(_)) && !call.joint.is_empty();
    let out_ptr = if overlap {
        // The 32-byte output starts inside the key.
        call.forced = Some(INVALID);
        call.joint.resize(call.joint.len() + 32, FILL);
        call.joint.as_mut_ptr()
    } else {
        call.out(&mut digest).cast::<u8>()
    };
    let p = if overlap { call.joint.as_ptr() } else { p };
    let before = last_message();
    // SAFETY: `p` is as built; `out_ptr` is NULL or 32 writable bytes.
    let got = unsafe { picket_key_digest(p, l, out_ptr) };
    check_scalar(call, got, digest, [FILL; 32], want);
    check_message("picket_key_digest", got, &before);
}

/// `picket_key_digest_hex`.
pub(crate) fn key_digest_hex(call: &mut Call, _n: u64) {
    let (p, l, seen) = call.input(0);
    let want = ApiKey::parse(seen)
        .map(|k| k.digest().to_hex_bytes())
        .map_err(|e| e.code());
    let want_ref = want.as_ref().map(|b| &b[..]).map_err(|c| *c);
    with_buf(
        call,
        "picket_key_digest_hex",
        64,
        false,
        want_ref,
        |call, buf, len, out_len| {
            let p = call.input_or_joint(p);
            // SAFETY: the key and buffer are as built.
            unsafe { picket_key_digest_hex(p, l, buf, len, out_len) }
        },
    );
}

/// `picket_digest_from_hex`.
pub(crate) fn digest_from_hex(call: &mut Call, _n: u64) {
    let (p, l, seen) = call.input(0);
    let mut out = [FILL; 32];
    let want = KeyDigest::from_hex(seen)
        .map(|d| *d.as_bytes())
        .map_err(|e| e.code());
    let out_ptr = call.out(&mut out).cast::<u8>();
    let before = last_message();
    // SAFETY: as built; `out_ptr` is NULL or 32 writable bytes.
    let got = unsafe { picket_digest_from_hex(p, l, out_ptr) };
    check_scalar(call, got, out, [FILL; 32], want);
    check_message("picket_digest_from_hex", got, &before);
}

/// `picket_key_verify`.
pub(crate) fn key_verify(call: &mut Call, n: u64) {
    let (p, l, seen) = call.input(0);
    let digest_src = first_32(call.fields.get(1).copied().unwrap_or_default());
    // Half the time, the key's own digest.
    let digest = match ApiKey::parse(seen) {
        Ok(k) if n & 1 == 1 => *k.digest().as_bytes(),
        _ => digest_src,
    };
    let d = digest_arg(call, 1, &digest);
    let want = ApiKey::parse(seen).map_err(|e| e.code()).and_then(|k| {
        if KeyDigest::from_bytes(digest).verify(&k) {
            Ok(())
        } else {
            Err(MISMATCH)
        }
    });
    let before = last_message();
    // SAFETY: as built; `d` is NULL or 32 readable bytes.
    let got = unsafe { picket_key_verify(p, l, d) };
    check_scalar(call, got, (), (), want);
    check_message("picket_key_verify", got, &before);
}

/// `picket_key_verify_any`.
pub(crate) fn key_verify_any(call: &mut Call, n: u64) {
    let (p, l, seen) = call.input(0);
    let raw: &[u8] = call.fields.get(1).copied().unwrap_or_default();
    let mut digests: Vec<u8> = raw[..raw.len() / 32 * 32].to_vec();
    if let (Ok(k), true) = (ApiKey::parse(seen), n & 1 == 1) {
        let at = (n as usize >> 1) % (digests.len() / 32 + 1) * 32;
        digests.splice(at..at, k.digest().as_bytes().iter().copied());
    }
    let mut count = digests.len() / 32;
    let mut dp = digests.as_ptr();
    let mut seen_digests: &[u8] = &digests;
    match call.fault {
        Fault::NullInput(1) if count > 0 => {
            call.forced = Some(NULL);
            dp = ptr::null();
        }
        Fault::EmptyInput(1) => {
            dp = ptr::null();
            count = 0;
            seen_digests = &[];
        }
        Fault::HugeInput(1) => {
            call.forced = Some(INVALID);
            count = if n & 2 == 2 {
                usize::MAX / 16
            } else {
                HUGE / 32 + 1
            };
        }
        _ => {}
    }
    let mut index = usize::MAX;
    let out = call.out(&mut index);
    let stored: Vec<KeyDigest> = seen_digests
        .chunks_exact(32)
        .map(|c| KeyDigest::from_bytes(first_32(c)))
        .collect();
    let want = ApiKey::parse(seen)
        .map_err(|e| e.code())
        .and_then(|k| verify_any(&k, &stored).ok_or(MISMATCH));
    let before = last_message();
    // SAFETY: as built: `dp` holds `count * 32` bytes, or NULL, or a count whose
    // byte size is above PTRDIFF_MAX (refused before any read).
    let got = unsafe { picket_key_verify_any(p, l, dp, count, out) };
    check_scalar(call, got, index, usize::MAX, want);
    check_message("picket_key_verify_any", got, &before);
}

/// `picket_key_redacted`.
pub(crate) fn key_redacted(call: &mut Call, _n: u64) {
    let (p, l, seen) = call.input(0);
    let want = ApiKey::parse(seen)
        .map(|k| *k.redacted().as_bytes())
        .map_err(|e| e.code());
    let want_ref = want.as_ref().map(|b| &b[..]).map_err(|c| *c);
    with_buf(
        call,
        "picket_key_redacted",
        REDACTED_LEN,
        false,
        want_ref,
        |call, buf, len, out_len| {
            let p = call.input_or_joint(p);
            // SAFETY: as built.
            unsafe { picket_key_redacted(p, l, buf, len, out_len) }
        },
    );
}

/// `picket_redact`.
pub(crate) fn redact(call: &mut Call, _n: u64) {
    let (p, l, seen) = call.input(0);
    let want = redact_bytes(seen).into_owned();
    with_buf(
        call,
        "picket_redact",
        want.len(),
        true,
        Ok(&want),
        |call, buf, len, out_len| {
            let p = call.input_or_joint(p);
            // SAFETY: as built; an in-place buffer is `p` itself, which is allowed.
            unsafe { picket_redact(p, l, buf, len, out_len) }
        },
    );
}
