//! The PKCE, redirect URI, header and result-code functions, one function each.

use std::ptr;

use picket::*;
use picket_core::{
    match_redirect_uri, parse_authorization, validate_redirect_uri, verify_pkce, AuthError,
    HeaderOptions, KEY_LEN,
};

use super::harness::*;

/// `picket_pkce_verify`.
pub(crate) fn pkce_verify(call: &mut Call, _n: u64) {
    let (vp, vl, v) = call.input(0);
    let (cp, cl, c) = call.input(1);
    let (mp, ml, m) = call.input(2);
    let want = verify_pkce(v, c, m).map_err(|e| e.code());
    let before = last_message();
    // SAFETY: as built.
    let got = unsafe { picket_pkce_verify(vp, vl, cp, cl, mp, ml) };
    check_scalar(call, got, (), (), want);
    check_message("picket_pkce_verify", got, &before);
}

/// `picket_redirect_validate`.
pub(crate) fn redirect_validate(call: &mut Call, n: u64) {
    let (p, l, uri) = call.input(0);
    let (mode, mode_bits) = mode_of(n);
    let (options, option_bits) = redirect_options_of(n);
    let bad = if n & 8 == 8 {
        3 + (n >> 4) as u32 % 8
    } else {
        mode_bits
    };
    let bad_options = if n & 8 == 8 {
        option_bits
    } else {
        option_bits | 8
    };
    let m = call.enum_arg(mode_bits, bad);
    let o = if call.fault == Fault::BadEnum {
        bad_options
    } else {
        option_bits
    };
    let want = validate_redirect_uri(uri, mode, options).map_err(|e| e.code());
    let before = last_message();
    // SAFETY: as built.
    let got = unsafe { picket_redirect_validate(p, l, m, o) };
    check_scalar(call, got, (), (), want);
    check_message("picket_redirect_validate", got, &before);
}

/// `picket_authorization_parse`.
pub(crate) fn authorization_parse(call: &mut Call, n: u64) {
    let (p, l, header) = call.input(0);
    let accept_bearer = n & 1 == 1;
    let bits = call.enum_arg(u32::from(accept_bearer), 2 << (n % 30));
    let parsed = parse_authorization(header, HeaderOptions { accept_bearer });
    let want_kind = parsed.as_ref().map(|k| kind_code(k.kind())).ok();
    let want = parsed
        .as_ref()
        .map(|k| &k.as_bytes()[..])
        .map_err(|e| e.code());
    let mut kind = u32::MAX;
    let kind_ptr: *mut u32 = if call.fault == Fault::NullOut {
        call.forced = Some(NULL);
        ptr::null_mut()
    } else {
        &mut kind
    };
    let got = with_buf(
        call,
        "picket_authorization_parse",
        KEY_LEN,
        false,
        want,
        |call, buf, len, out_len| {
            let p = call.input_or_joint(p);
            // SAFETY: as built.
            unsafe { picket_authorization_parse(p, l, bits, kind_ptr, buf, len, out_len) }
        },
    );
    if got == picket_result::Ok {
        assert_eq!(Some(kind), want_kind);
    } else {
        assert_eq!(kind, u32::MAX, "out_kind written on failure");
    }
}

pub(crate) fn redirect_match(call: &mut Call, n: u64) {
    let candidate: &[u8] = call.fields.last().copied().unwrap_or_default();
    let entries: Vec<&[u8]> = call.fields[..call.fields.len().saturating_sub(1)]
        .iter()
        .take(8)
        .copied()
        .collect();
    let (mode, mode_bits) = mode_of(n);
    let (options, option_bits) = redirect_options_of(n >> 1);
    let m = call.enum_arg(mode_bits, 0);
    let mut slices: Vec<picket_slice> = entries
        .iter()
        .map(|e| picket_slice {
            data: e.as_ptr(),
            len: e.len(),
        })
        .collect();
    let mut seen_entries = entries.clone();
    let mut count = slices.len();
    // Storage for a misaligned copy of the slice array.
    let mut bytes: Vec<u8> = Vec::new();
    let mut list = slices.as_ptr();
    let entry = (n >> 8) as usize % slices.len().max(1);
    match call.fault {
        Fault::NullInput(0) if count > 0 => {
            call.forced = Some(NULL);
            list = ptr::null();
        }
        Fault::NullInput(1) if !slices.is_empty() && slices[entry].len > 0 => {
            call.forced = Some(NULL);
            slices[entry].data = ptr::null();
            list = slices.as_ptr();
        }
        Fault::EmptyInput(0) => {
            list = ptr::null();
            count = 0;
            seen_entries.clear();
        }
        Fault::EmptyInput(1) if !slices.is_empty() => {
            slices[entry] = picket_slice {
                data: ptr::null(),
                len: 0,
            };
            seen_entries[entry] = &[];
            list = slices.as_ptr();
        }
        Fault::HugeInput(0) => {
            call.forced = Some(INVALID);
            count = HUGE / std::mem::size_of::<picket_slice>() + 1;
        }
        Fault::HugeInput(1) if !slices.is_empty() => {
            call.forced = Some(INVALID);
            slices[entry].len += HUGE;
            list = slices.as_ptr();
        }
        Fault::Overlap(_) if !slices.is_empty() => {
            // A misaligned array of slices.
            call.forced = Some(INVALID);
            let size = std::mem::size_of_val(&slices[..]);
            bytes.resize(size + 1, 0);
            // SAFETY: `bytes` has `size + 1` bytes; the copy is byte-wise.
            unsafe {
                ptr::copy_nonoverlapping(
                    slices.as_ptr().cast::<u8>(),
                    bytes.as_mut_ptr().add(1),
                    size,
                )
            };
            list = bytes.as_ptr().wrapping_add(1).cast();
        }
        _ => {}
    }
    let (cp, cl, seen_candidate) = call.input_bytes(2, candidate);
    let o = if call.fault == Fault::BadEnum && n & 16 == 16 {
        option_bits | 1 << (3 + n % 29)
    } else {
        option_bits
    };
    let mut matched: u8 = 0x55;
    let out = call.out(&mut matched).cast::<bool>();
    let want = match_redirect_uri(&seen_entries, seen_candidate, mode, options);
    let before = last_message();
    // SAFETY: `list` is NULL, `count` live slices (each live, NULL with 0, or with one
    // fault the callee must refuse before reading), a misaligned pointer the callee must
    // refuse, or a count above PTRDIFF_MAX bytes. `out` is NULL or a live byte.
    let got = unsafe { picket_redirect_match(list, count, cp, cl, m, o, out) };
    check_scalar(call, got, matched, 0x55, Ok(u8::from(want)));
    check_message("picket_redirect_match", got, &before);
}

/// `picket_auth_http_status`, `picket_www_authenticate`, `picket_result_text` and
/// `picket_result_name` for one
/// code (a real one or an arbitrary `u32`).
pub(crate) fn codes(call: &mut Call, n: u64) {
    let all = picket_result::all();
    let code = if n & 1 == 0 {
        all[(n >> 1) as usize % all.len()] as u32
    } else {
        (n >> 1) as u32
    };
    let status = picket_auth_http_status(code);
    let want_status = match code {
        0 => 200,
        502 => 403,
        _ => 401,
    };
    assert_eq!(status, want_status);
    if let Some(www) = AuthError::UnknownKey.www_authenticate() {
        assert_eq!(status == 401, code != 0 && code != 502, "{www}");
    }

    let challenge: &[u8] = if status == 401 {
        b"Basic realm=\"picket\""
    } else {
        b""
    };
    with_buf(
        call,
        "picket_www_authenticate",
        challenge.len(),
        false,
        Ok(challenge),
        |_, buf, len, out_len| {
            // SAFETY: as built.
            unsafe { picket_www_authenticate(code, buf, len, out_len) }
        },
    );

    let text = picket_result::from_code(code).map(|r| r.text().as_bytes());
    let needed = text.map_or(0, <[u8]>::len);
    let want = text.ok_or(INVALID);
    // An unknown code is an argument error of its own: no second fault with it.
    let mut sub = Call {
        fault: if text.is_some() {
            call.fault
        } else {
            Fault::None
        },
        size: call.size,
        forced: None,
        fields: Vec::new(),
        joint: Vec::new(),
    };
    with_buf(
        &mut sub,
        "picket_result_text",
        needed,
        false,
        want,
        |_, buf, len, out_len| {
            // SAFETY: as built.
            unsafe { picket_result_text(code, buf, len, out_len) }
        },
    );
    if let Some(t) = text {
        assert!(!t.is_empty(), "code {code} has no text");
    }

    // The rule name: the variant's CamelCase name in snake_case.
    let name = picket_result::from_code(code).map(|r| snake_case(&format!("{r:?}")));
    let want = name.as_deref().map(str::as_bytes).ok_or(INVALID);
    let needed = name.as_ref().map_or(0, String::len);
    let mut sub = Call {
        joint: Vec::new(),
        fields: Vec::new(),
        ..sub
    };
    with_buf(
        &mut sub,
        "picket_result_name",
        needed,
        false,
        want,
        |_, buf, len, out_len| {
            // SAFETY: as built.
            unsafe { picket_result_name(code, buf, len, out_len) }
        },
    );
}

/// `AuthUnknownKey` as `auth_unknown_key`.
fn snake_case(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}
