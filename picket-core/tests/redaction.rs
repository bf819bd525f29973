//! The redaction property (issues #10.1 and #20), checked with proptest: a secret key, or a
//! fragment of one with `MIN_EXPOSED_DIGITS` or more of its digits, in any form a log line
//! can hold it (picket-test-support's one renderer of forms: letter case, `%XX` and `=XX`
//! escapes, `\/` and `\_`, invisible characters inside it, a base64 credential in either
//! alphabet, padded or not, cut short, wrapped at 76 or 64 columns, itself in base64, and a
//! byte dump of Go, Rust, JSON, Node or a hex tool), in any text, is masked: none of its
//! evidence survives, in the output or in any trivial decoding of it. The same form of a
//! publishable key, and the text around it, stay byte-for-byte unchanged; the output is
//! never longer than the input; redacting twice changes nothing more.

use picket_core::*;
use picket_test_support::forms::{Base64Form, Form, DUMPS, ESCAPES, INVISIBLE};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn redaction_masks_every_recoverable_form(
        secret in any::<[u8; 16]>(),
        form in form(),
        before in "[ -~]{0,30}",
        after in "[ -~]{0,30}",
        twice in any::<bool>(),
    ) {
        // Wrapped lines are found from the start of the credential's run: text before it
        // ends with a character no base64 run takes.
        let before = if form.base64.as_ref().is_some_and(|b| b.wrap.is_some()) {
            format!("{before} ")
        } else {
            before
        };
        let sk = ApiKey::from_random_bytes(KeyKind::Secret, secret);
        let (carried, evidence) = form.render(sk.expose());
        prop_assert!(!evidence.is_empty());
        let mut input = format!("{before}{carried}{after}");
        if twice {
            input = format!("{input}{input}");
        }
        let out = redact(&input).into_owned();
        prop_assert!(out.len() <= input.len());
        prop_assert_eq!(redact(&out).into_owned(), out.clone(), "not idempotent");
        for text in decodings(&out) {
            let text = text.to_ascii_lowercase();
            for e in &evidence {
                prop_assert!(!text.contains(&e.to_ascii_lowercase()), "{:?} survived in {:?} (input {:?})", e, out, input);
            }
        }

        let pk = ApiKey::from_random_bytes(KeyKind::Publishable, secret);
        let (carried, _) = form.render(pk.expose());
        let harmless = format!("{before}{carried}{after}");
        let out = redact(&harmless);
        prop_assert!(matches!(out, std::borrow::Cow::Borrowed(_)), "{:?}", harmless);
        prop_assert_eq!(out, harmless.as_str());
    }
}

fn base64_form() -> impl Strategy<Value = Base64Form> {
    (
        prop_oneof![
            Just(""),
            Just("Basic"),
            Just("basic"),
            Just("BASIC"),
            Just("Authorization: Basic")
        ],
        prop_oneof![
            Just(""),
            Just(" "),
            Just("\t"),
            Just("  "),
            Just("+"),
            Just("%20"),
            Just(" \t ")
        ],
        prop_oneof![
            Just(String::new()),
            "[ -~]{0,8}",
            (0usize..400).prop_map(|n| format!("{}:", "x".repeat(n))),
        ],
        prop_oneof![Just(""), Just(":"), Just(":x"), Just("\n")],
        any::<(bool, bool, bool, bool)>(),
        prop_oneof![Just(None), (MIN_EXPOSED_DIGITS..=32).prop_map(Some)],
        prop_oneof![
            Just(None),
            (prop_oneof![Just(76usize), Just(64)], any::<bool>()).prop_map(Some)
        ],
    )
        .prop_map(
            |(
                scheme,
                separator,
                inner_before,
                inner_after,
                (url_safe, padded, trailing_bits, nested),
                cut,
                wrap,
            )| {
                // A `+` (a base64 character), or no separator after a scheme, joins the
                // scheme to the credential's run: its first line is then not a full line.
                let joined = separator == "+" || (separator.is_empty() && !scheme.is_empty());
                Base64Form {
                    scheme,
                    separator,
                    inner_before,
                    inner_after,
                    url_safe,
                    padded,
                    trailing_bits,
                    cut,
                    nested,
                    wrap: wrap.filter(|_| nested || !joined),
                }
            },
        )
}

fn form() -> impl Strategy<Value = Form> {
    (
        any::<u64>(),
        prop_oneof![2 => Just(None), 1 => (MIN_EXPOSED_DIGITS..32).prop_map(Some)],
        proptest::option::of(base64_form()),
        prop_oneof![Just(0u64), any::<u64>()],
        (
            any::<bool>(),
            0..ESCAPES.len(),
            any::<bool>(),
            any::<bool>(),
        ),
        prop_oneof![
            3 => Just(None),
            1 => (0..INVISIBLE.len(), any::<u64>()).prop_map(|(i, m)| Some((INVISIBLE[i], m))),
        ],
        prop_oneof![3 => Just(None), 1 => (0..DUMPS.len()).prop_map(|i| Some(DUMPS[i]))],
    )
        .prop_map(
            |(
                case_mask,
                digits,
                base64,
                percent_mask,
                (percent_upper, escape, json_slash, markdown),
                invisible,
                dump,
            )| Form {
                case_mask,
                digits,
                base64,
                percent_mask,
                percent_upper,
                escape: ESCAPES[escape],
                json_slash,
                markdown,
                invisible,
                dump,
            },
        )
}

/// `text`, and what trivial decodings of it give: every `%XX`, `=XX`, `\xHH`, `\u00XX`,
/// `\u{XX}` and `\_`, `\/`, `\+`, `\-` escape undone (of an invisible character too) and
/// every invisible format character removed, and either without line breaks.
fn decodings(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let mut byte = [0u8; 1];
        let hex_at = |at: usize, n: usize, out: &mut [u8]| {
            bytes
                .get(at..at + n)
                .is_some_and(|p| hex::decode_to_slice(p, out).is_ok())
        };
        let mut wide = [0u8; 2];
        match (bytes[i], bytes.get(i + 1)) {
            (b'%' | b'=', _) if hex_at(i + 1, 2, &mut byte) => {
                decoded.push(byte[0]);
                i += 3;
            }
            // A lone `\xad` is Python's repr of a soft hyphen.
            (b'\\', Some(b'x')) if hex_at(i + 2, 2, &mut byte) => {
                if byte[0] == 0xAD {
                    decoded.extend_from_slice("\u{ad}".as_bytes());
                } else {
                    decoded.push(byte[0]);
                }
                i += 4;
            }
            (b'\\', Some(b'u')) if bytes.get(i + 2) == Some(&b'{') => {
                let digits: String = text[i + 3..].chars().take_while(|c| *c != '}').collect();
                let c = u32::from_str_radix(&digits, 16)
                    .ok()
                    .and_then(char::from_u32)
                    .unwrap_or('?');
                decoded.extend_from_slice(c.to_string().as_bytes());
                i += 4 + digits.len();
            }
            (b'\\', Some(b'u')) if hex_at(i + 2, 4, &mut wide) => {
                let c = char::from_u32(u32::from(u16::from_be_bytes(wide))).unwrap_or('?');
                decoded.extend_from_slice(c.to_string().as_bytes());
                i += 6;
            }
            (b'\\', Some(p)) if matches!(p, b'_' | b'/' | b'+' | b'-') => {
                decoded.push(*p);
                i += 2;
            }
            _ => {
                decoded.push(bytes[i]);
                i += 1;
            }
        }
    }
    let mut undone = String::from_utf8_lossy(&decoded).into_owned();
    for mark in INVISIBLE {
        undone = undone.replace(mark, "");
    }
    let unwrapped = |t: &str| t.replace(['\r', '\n'], "");
    vec![
        unwrapped(text),
        unwrapped(&undone),
        text.to_string(),
        undone,
    ]
}
