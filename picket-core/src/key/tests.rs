//! Unit tests of `key`, in a file of their own so that the module stays short.

use super::*;

const PK: &str = "pk_d9960d04426c1e9f3941bec7e39c8854";
const SK: &str = "sk_e1f767d29fa6e533f2e5c62342fb9e24";

#[test]
fn parses_both_kinds() {
    assert_eq!(
        ApiKey::parse(PK.as_bytes()).unwrap().kind(),
        KeyKind::Publishable
    );
    assert_eq!(
        ApiKey::parse(SK.as_bytes()).unwrap().kind(),
        KeyKind::Secret
    );
}

#[test]
fn each_rule_has_its_error() {
    let cases: &[(&[u8], KeyError)] = &[
        (b"", KeyError::Empty),
        (
            b" sk_e1f767d29fa6e533f2e5c62342fb9e24",
            KeyError::SurroundingWhitespace,
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9e24\n",
            KeyError::SurroundingWhitespace,
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9e24\r\n",
            KeyError::SurroundingWhitespace,
        ),
        (
            b"SK_e1f767d29fa6e533f2e5c62342fb9e24",
            KeyError::UnknownPrefix,
        ),
        (
            b"rk_e1f767d29fa6e533f2e5c62342fb9e24",
            KeyError::UnknownPrefix,
        ),
        (b"sk", KeyError::UnknownPrefix),
        (b"sk_", KeyError::WrongLength { found: 0 }),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9e2",
            KeyError::WrongLength { found: 31 },
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9e244",
            KeyError::WrongLength { found: 33 },
        ),
        (
            b"sk_g1f767d29fa6e533f2e5c62342fb9e24",
            KeyError::NonHex { position: 3 },
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9e2\0",
            KeyError::NonHex { position: 34 },
        ),
        (
            b"sk_e1f767d29fa6e533f2e5c62342fb9E24",
            KeyError::Uppercase { position: 32 },
        ),
        // A non-hex byte wins over an earlier uppercase one: the alphabet rule comes first.
        (
            b"sk_E1f767d29fa6e533f2e5c62342fb9ez4",
            KeyError::NonHex { position: 33 },
        ),
    ];
    for (input, want) in cases {
        assert_eq!(ApiKey::parse(input).unwrap_err(), *want, "{:?}", input);
    }
}

#[test]
fn secret_never_prints() {
    let sk = ApiKey::parse(SK.as_bytes()).unwrap();
    for shown in [format!("{sk}"), format!("{sk:?}"), format!("{sk:#?}")] {
        assert!(!shown.contains("e1f767d29fa6e533f2e5c62342fb"), "{shown}");
        assert!(shown.contains("sk_…9e24"), "{shown}");
    }
    let pk = ApiKey::parse(PK.as_bytes()).unwrap();
    assert_eq!(pk.to_string(), PK);
}

#[test]
fn error_messages_never_contain_input() {
    let bad = b"sk_e1f767d29fa6e533f2e5c62342fb9E24";
    let msg = ApiKey::parse(bad).unwrap_err().to_string();
    assert!(!msg.contains("e1f767"), "{msg}");
}

#[test]
fn codes_are_distinct() {
    let all = [
        KeyError::Empty,
        KeyError::UnknownPrefix,
        KeyError::WrongLength { found: 0 },
        KeyError::NonHex { position: 0 },
        KeyError::SurroundingWhitespace,
        KeyError::Uppercase { position: 0 },
    ];
    let mut codes: Vec<u32> = all.iter().map(|e| e.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), all.len());
}

#[test]
fn from_random_bytes_round_trips() {
    let key = ApiKey::from_random_bytes(KeyKind::Secret, [0x01; 16]);
    assert_eq!(key.expose(), "sk_01010101010101010101010101010101");
    assert_eq!(ApiKey::parse(key.as_bytes()).unwrap(), key);
}
