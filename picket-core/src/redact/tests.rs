//! Unit tests of `redact`, in a file of their own so that the module stays short.

use super::*;
use ::base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE_NO_PAD};
use ::base64::Engine as _;

const SK: &str = "sk_e1f767d29fa6e533f2e5c62342fb9e24";
const PK: &str = "pk_d9960d04426c1e9f3941bec7e39c8854";

fn b64(s: &str) -> String {
    STANDARD.encode(s)
}

/// `bytes` in hex, back to back.
fn hex_of(bytes: &[u8], upper: bool) -> String {
    bytes
        .iter()
        .map(|b| {
            if upper {
                format!("{b:02X}")
            } else {
                format!("{b:02x}")
            }
        })
        .collect()
}

/// `bytes` as `[b0 b1 …]` with `sep` between the numbers written by `each`.
fn dump(bytes: &[u8], sep: &str, each: impl Fn(u8) -> String) -> String {
    bytes.iter().map(|&b| each(b)).collect::<Vec<_>>().join(sep)
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

/// Issue #20: `sk_` and 20 or more digits expose the key (the rest is cheap to guess
/// online); 19 do not.
#[test]
fn fragments_from_twenty_digits() {
    let cut = |digits: usize| &SK[..3 + digits];
    for digits in MIN_EXPOSED_DIGITS..32 {
        let line = format!("key={} end", cut(digits));
        assert_eq!(redact(&line), "key=sk_…(partial) end", "{digits} digits");
        assert!(holds_secret_key(cut(digits).as_bytes()));
        assert_eq!(
            redact(&cut(digits).to_uppercase()),
            "sk_…(partial)",
            "{digits} digits, upper case"
        );
    }
    let short = cut(MIN_EXPOSED_DIGITS - 1);
    assert!(matches!(redact(short), Cow::Borrowed(_)));
    assert!(!holds_secret_key(short.as_bytes()));
    // A non-hex character after 31 digits: the 31 are a fragment.
    assert_eq!(redact(&format!("{}g", cut(31))), "sk_…(partial)g");
    // A Basic credential cut short: 46 characters decode to `sk_` and 31 digits.
    let token = b64(&format!("{SK}:"));
    for len in [46, 40, 31] {
        let line = format!("Authorization: Basic {}", &token[..len]);
        assert_eq!(
            redact(&line),
            "Authorization: Basic [REDACTED sk_…(partial)]",
            "{len} characters"
        );
    }
    let too_short = format!("Basic {}", &token[..28]);
    assert!(matches!(redact(&too_short), Cow::Borrowed(_)));
}

/// Issue #20: the log encodings that tools write.
#[test]
fn masks_the_encodings_tools_write() {
    let key = SK.as_bytes();
    let header = format!("Basic {}", b64(&format!("{SK}:")));
    let wrapped_lf = {
        let t = b64(&format!("{}:{SK}", "x".repeat(80)));
        format!("{}\n{}\n{}", &t[..76], &t[76..152], &t[152..])
    };
    let wrapped_crlf = wrapped_lf.replace('\n', "\r\n");
    let wrapped_64 = {
        let t = b64(&format!("{}:{SK}", "y".repeat(50)));
        format!("{}\n{}", &t[..64], &t[64..])
    };
    let node_header: Vec<u8> = header.as_bytes()[..50].to_vec();
    let cases = [
        // Go's %v of a []byte, Rust's {:?} of a Vec<u8>, a JSON array.
        (
            format!("k=[{}]", dump(key, " ", |b| b.to_string())),
            "k=[[REDACTED sk_…9e24]]".to_string(),
        ),
        (
            format!("k=[{}, 58]", dump(key, ", ", |b| b.to_string())),
            "k=[[REDACTED sk_…9e24], 58]".to_string(),
        ),
        (
            format!(
                "{{\"type\":\"Buffer\",\"data\":[{}]}}",
                dump(key, ",", |b| b.to_string())
            ),
            "{\"type\":\"Buffer\",\"data\":[[REDACTED sk_…9e24]]}".to_string(),
        ),
        // Node's Buffer, hex dumps, 0x lists, Go's %x.
        (
            format!("<Buffer {}>", dump(key, " ", |b| format!("{b:02x}"))),
            "<Buffer [REDACTED sk_…9e24]>".to_string(),
        ),
        (
            format!("[{}]", dump(key, ", ", |b| format!("{b:#04x}"))),
            "[[REDACTED sk_…9e24]]".to_string(),
        ),
        (
            format!("raw={} ok", hex_of(key, false)),
            "raw=[REDACTED sk_…9e24] ok".to_string(),
        ),
        (
            format!("raw=x{}", hex_of(key, true)),
            "raw=x[REDACTED sk_…9e24]".to_string(),
        ),
        // A Node Buffer of a whole header shows its first 50 bytes: a fragment in base64.
        (
            format!(
                "<Buffer {} ... 4 more bytes>",
                dump(&node_header, " ", |b| format!("{b:02x}"))
            ),
            "<Buffer [REDACTED sk_…(partial)] ... 4 more bytes>".to_string(),
        ),
        // Base64 of base64: a Kubernetes Secret holding an Authorization value.
        (
            format!("authorization: {}", b64(&header)),
            "authorization: [REDACTED sk_…9e24]".to_string(),
        ),
        (
            format!(
                "authorization: {}",
                b64(&format!("Basic {}", &b64(&format!("{SK}:"))[..46]))
            ),
            "authorization: [REDACTED sk_…(partial)]".to_string(),
        ),
        // Base64 wrapped at 76 (LF and CRLF) or 64 columns.
        (
            format!("{wrapped_lf}\nnext"),
            "[REDACTED sk_…9e24]\nnext".to_string(),
        ),
        (
            format!("{wrapped_crlf}\r\n"),
            "[REDACTED sk_…9e24]\r\n".to_string(),
        ),
        (wrapped_64.clone(), "[REDACTED sk_…9e24]".to_string()),
        // RFC 2047 Q-encoding, Markdown's escape.
        (
            format!("Subject: =?utf-8?Q?{}?=", SK.replace('_', "=5F")),
            "Subject: =?utf-8?Q?sk_…9e24?=".to_string(),
        ),
        (
            format!("`{}`", SK.replace('_', "\\_")),
            "`sk_…9e24`".to_string(),
        ),
    ];
    for (input, want) in cases {
        assert_eq!(redact(&input), want, "{input:?}");
        assert!(holds_secret_key(input.as_bytes()), "{input:?}");
    }
    // Invisible characters a paste leaves inside the key, in a bare key and in base64.
    for invisible in [
        "\u{200b}", "\u{200c}", "\u{200d}", "\u{2060}", "\u{feff}", "\u{ad}", "\u{200e}",
    ] {
        let split = format!("{}{invisible}{}", &SK[..10], &SK[10..]);
        assert_eq!(
            redact(&format!("k={split}.")),
            "k=sk_…9e24.",
            "{invisible:?}"
        );
        assert!(holds_secret_key(split.as_bytes()));
        let token = b64(&format!("{SK}:"));
        let split = format!("Basic {}{invisible}{}", &token[..20], &token[20..]);
        assert_eq!(redact(&split), "Basic [REDACTED sk_…9e24]", "{invisible:?}");
    }
}

#[test]
fn leaves_other_text_alone() {
    let pk = PK.as_bytes();
    let pk_header = format!("Basic {}", b64(&format!("{PK}:")));
    for input in [
        PK.to_string(),
        PK.to_uppercase(),
        pk_header.clone(),
        format!("Basic%20{}", b64(&format!("{PK}:")).replace('=', "%3D")),
        // Fewer than 20 digits, or not hex: no key is exposed.
        SK[..3 + MIN_EXPOSED_DIGITS - 1].to_string(),
        format!("sk_{}", "g".repeat(32)),
        format!("Basic {}", &b64(SK)[..28]),
        "sk_…9e24".to_string(),
        "sk_…(partial)".to_string(),
        "Basic [REDACTED sk_…9e24]".to_string(),
        "Basic [REDACTED sk_…(partial)]".to_string(),
        "Basic".to_string(),
        "basic basic basic %zz % =zz \\n \\".to_string(),
        String::new(),
        // A publishable key in every encoding.
        dump(pk, " ", |b| b.to_string()),
        dump(pk, ", ", |b| b.to_string()),
        format!("<Buffer {}>", dump(pk, " ", |b| format!("{b:02x}"))),
        hex_of(pk, false),
        b64(&pk_header),
        PK.replace('_', "=5F"),
        PK.replace('_', "\\_"),
        format!("{}\u{200b}{}", &PK[..9], &PK[9..]),
        // A digest in hex, a UUID, numbers.
        "ac8f7eaf19affd051e4d838c334056dac5df782d7d8caa8855ea1f87c6f665a3".to_string(),
        "[1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25]".to_string(),
    ] {
        assert!(matches!(redact(&input), Cow::Borrowed(_)), "{input}");
        assert!(!holds_secret_key(input.as_bytes()), "{input}");
    }
}

#[test]
fn idempotent() {
    let input = format!("a {SK} b Basic {} c {} d", b64(SK), &SK[..25]);
    let once = redact(&input).into_owned();
    assert_eq!(redact(&once), once);
    assert!(!once.contains(&SK[3..]));
}

/// Hostile input, 1 MiB each: near-keys back to back, escapes back to back, number lists,
/// wrapped lines, one base64 run carrying a key at its very end. The work is bounded by
/// design (see the module documentation), so these finish like any other input (a
/// quadratic step would not); the answers are checked.
#[test]
fn hostile_input_is_linear_and_exact() {
    const MIB: usize = 1 << 20;
    let near = format!("{}x", &SK[..3 + MIN_EXPOSED_DIGITS - 1]);
    let line76 = format!("{}\n", "A".repeat(76));
    for unit in [
        near.as_str(),
        "sk_",
        "%73%6b%5f",
        "%",
        "=5",
        "\\/",
        "\\_",
        "\u{200b}",
        "A",
        "Basic ",
        "115 ",
        "115, ",
        "73 ",
        "0x73, ",
        "7",
        line76.as_str(),
        "\\u0073",
        "\\x73",
        "\\u200b",
        "%E2%80",
        "=E2=80=8B",
        "115,\n    ",
        "73-",
        "0 73-",
        "00000000  73 6b 5f 65\n",
        "0000000 6b73 655f\n",
        "00000000: 736b 5f65  sk_e\n",
        "x 000000 ",
        "\\u{200b}",
        "\\u{",
        "\\xad",
    ] {
        let input = unit.repeat(MIB / unit.len());
        assert!(matches!(redact(&input), Cow::Borrowed(_)), "{unit:?}");
    }
    // A long run whose carrier of the key is at the end, at every alignment.
    for pad in 0..4 {
        let input = format!("{}{}", "A".repeat(MIB + pad), b64(&format!(":{SK}")));
        let out = redact(&input);
        assert_eq!(out, "[REDACTED sk_…9e24]", "alignment {pad}");
    }
    // Base64 of base64 of a megabyte, the key at the end.
    let inner = b64(&format!("{}:{SK}", "x".repeat(MIB / 2)));
    assert_eq!(redact(&b64(&inner)), "[REDACTED sk_…9e24]");
    let many = SK.repeat(MIB / KEY_LEN);
    assert_eq!(redact(&many), "sk_…9e24".repeat(MIB / KEY_LEN));
}

/// A `hexdump -C` dump whose first line follows text with no separator (its offset joined
/// to the text's hex digits) or a prefix holding a hex run and a group of its own: the
/// offset followed by the most bytes is the dump's (found by the fuzz target `redact`: the
/// first line was read as a dump of one four-digit group, `2040`, and the key's first 16
/// bytes were left).
#[test]
fn masks_a_line_dump_after_hex_text() {
    let dump = "00000000  73 6b 5f 65 31 66 37 36  37 64 32 39 66 61 36 65  |sk_e1f767d29fa6e|\n\
                00000010  35 33 33 66 32 65 35 63  36 32 33 34 32 66 62 39  |533f2e5c62342fb9|\n\
                00000020  65 32 34                                          |e24|\n00000023";
    for prefix in [
        "2d9760d",
        "id=d9760d04426c1e9f 2040 ",
        "d9760d04426c1e9f 2040 2d9760d",
    ] {
        let input = format!("{prefix}{dump}");
        let out = redact(&input);
        assert_eq!(
            out,
            format!("{prefix}00000000  [REDACTED sk_…9e24]\n00000023"),
            "{prefix:?}"
        );
    }
    // The fuzz target's input, whose dump holds a key in capitals and mixed case.
    let sk = "Sk_474554202F76312f70696E673F6B6579";
    let hex: Vec<String> = sk.bytes().map(|b| format!("{b:02x}")).collect();
    let line = |k: usize| {
        let bytes = &hex[k * 16..(k * 16 + 16).min(hex.len())];
        format!(
            "{:08x}  {}  |{}|\n",
            k * 16,
            bytes.join(" "),
            &sk[k * 16..(k * 16 + 16).min(sk.len())]
        )
    };
    let input = format!(
        "Pk_d9760d04426c1e9f3941bec7e39c885efd 2040 2d9760d0{}{}{}04426c1e",
        line(0),
        line(1),
        line(2)
    );
    let out = redact(&input);
    assert!(!out.contains("53 6b 5f 34"), "{out}");
    assert!(!out.contains("|Sk_474554202F763|"), "{out}");
}
