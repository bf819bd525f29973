//! Unit tests of `redact`, in a file of their own so that the module stays short.

use super::*;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};

const SK: &str = "sk_e1f767d29fa6e533f2e5c62342fb9e24";
const PK: &str = "pk_d9960d04426c1e9f3941bec7e39c8854";

fn b64(s: &str) -> String {
    STANDARD.encode(s)
}

#[test]
fn masks_every_form() {
    let key_colon = b64(&format!("{SK}:"));
    let js = b64(SK);
    let js_nopad = STANDARD_NO_PAD.encode(SK);
    // The JS SDK form with the last character's unused bits set: `…MjQ=` → `…MjR=`.
    let trailing_bits = format!("{}R=", &js[..js.len() - 2]);
    let long = b64(&format!("{}:{SK}", "x".repeat(300)));
    let cases = [
        (format!("key={SK}&x=1"), "key=sk_…9e24&x=1".to_string()),
        (
            format!("{{\"key\":\"{SK}\"}}"),
            "{\"key\":\"sk_…9e24\"}".to_string(),
        ),
        (
            format!("https://h/cb?k={SK}#f"),
            "https://h/cb?k=sk_…9e24#f".to_string(),
        ),
        (format!("{SK}{SK}"), "sk_…9e24sk_…9e24".to_string()),
        (format!("{SK}0"), "sk_…9e240".to_string()),
        (SK.to_uppercase(), "sk_…9e24".to_string()),
        (
            "Sk_E1f767d29fa6e533f2e5c62342fb9E24".into(),
            "sk_…9e24".into(),
        ),
        (
            format!("k={}", SK.replace('_', "%5F")),
            "k=sk_…9e24".to_string(),
        ),
        (
            "k=%73%6B%5F%65%31f767d29fa6e533f2e5c62342fb9e24&".into(),
            "k=sk_…9e24&".into(),
        ),
        (
            format!("Authorization: Basic {key_colon}"),
            "Authorization: Basic [REDACTED sk_…9e24]".to_string(),
        ),
        (
            format!("Basic  {js}"),
            "Basic  [REDACTED sk_…9e24]".to_string(),
        ),
        (
            format!("Basic\t{key_colon}"),
            "Basic\t[REDACTED sk_…9e24]".to_string(),
        ),
        (
            format!("Basic  {js_nopad} x"),
            "Basic  [REDACTED sk_…9e24] x".to_string(),
        ),
        (
            format!("Basic  {trailing_bits}"),
            "Basic  [REDACTED sk_…9e24]".to_string(),
        ),
        (
            format!("/cb?authorization=Basic+{key_colon}&x"),
            "/cb?authorization=[REDACTED sk_…9e24]&x".to_string(),
        ),
        (
            format!("/cb?a=Basic%20{}&x", key_colon.replace('=', "%3D")),
            // `20c2tf…` is itself a base64 run carrying the key: the union is masked.
            "/cb?a=Basic%[REDACTED sk_…9e24]&x".to_string(),
        ),
        (
            format!("{{\"a\":\"Basic {}\"}}", long.replace('/', "\\/")),
            "{\"a\":\"Basic [REDACTED sk_…9e24]\"}".to_string(),
        ),
        (
            format!("Basic {long}"),
            "Basic [REDACTED sk_…9e24]".to_string(),
        ),
        (
            format!("basic {}", b64(&format!("{PK}:{SK}"))),
            "basic [REDACTED sk_…9e24]".to_string(),
        ),
        (
            format!("t={}.", URL_SAFE_NO_PAD.encode(format!("{PK}:{SK}"))),
            "t=[REDACTED sk_…9e24].".to_string(),
        ),
        (
            format!("x%Basic {key_colon}"),
            "x%Basic [REDACTED sk_…9e24]".to_string(),
        ),
        (
            format!("x %{key_colon}"),
            "x %[REDACTED sk_…9e24]".to_string(),
        ),
        (
            format!("Basic {}", b64(&SK.to_uppercase())),
            "Basic [REDACTED sk_…9e24]".to_string(),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(redact(&input), want, "{input}");
        assert!(holds_secret_key(input.as_bytes()), "{input}");
    }
}

#[test]
fn leaves_other_text_alone() {
    for input in [
        PK.to_string(),
        PK.to_uppercase(),
        format!("Basic {}", b64(&format!("{PK}:"))),
        format!("Basic%20{}", b64(&format!("{PK}:")).replace('=', "%3D")),
        // One digit short, or not hex: no live key is recoverable.
        SK[..KEY_LEN - 1].to_string(),
        format!("{}g", &SK[..KEY_LEN - 1]),
        format!("Basic {}", b64(&SK[..KEY_LEN - 1])),
        "sk_…9e24".to_string(),
        "Basic [REDACTED sk_…9e24]".to_string(),
        "Basic".to_string(),
        "basic basic basic %zz %".to_string(),
        String::new(),
    ] {
        assert!(matches!(redact(&input), Cow::Borrowed(_)), "{input}");
        assert!(!holds_secret_key(input.as_bytes()), "{input}");
    }
}

#[test]
fn idempotent() {
    let input = format!("a {SK} b Basic {} c", b64(SK));
    let once = redact(&input).into_owned();
    assert_eq!(redact(&once), once);
    assert!(!once.contains(SK));
}

/// Hostile input, 1 MiB each: near-keys back to back, escapes back to back, one base64
/// run carrying a key at its very end. The work is bounded by design (see the module
/// documentation), so these finish like any other input; the answers are checked.
#[test]
fn hostile_input_is_linear_and_exact() {
    const MIB: usize = 1 << 20;
    let near = format!("{}x", &SK[..KEY_LEN - 1]);
    for unit in [near.as_str(), "sk_", "%73%6b%5f", "%", "\\/", "A", "Basic "] {
        let input = unit.repeat(MIB / unit.len());
        assert!(matches!(redact(&input), Cow::Borrowed(_)), "{unit}");
    }
    // A long run whose carrier of the key is at the end, at every alignment.
    for pad in 0..4 {
        let input = format!("{}{}", "A".repeat(MIB + pad), b64(&format!(":{SK}")));
        let out = redact(&input);
        assert_eq!(out, "[REDACTED sk_…9e24]", "alignment {pad}");
    }
    let many = SK.repeat(MIB / KEY_LEN);
    assert_eq!(redact(&many), "sk_…9e24".repeat(MIB / KEY_LEN));
}
