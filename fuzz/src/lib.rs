//! Helpers shared by picket's fuzz targets: input framing and the small, independent
//! oracles the targets state their properties with.
//!
//! The oracles restate a documented property in the plainest way (a byte loop, a string
//! comparison); they are checks of picket-core, never a second implementation that a
//! server could call.
#![deny(missing_docs)]

pub mod ffi;

/// Length of an API key's text (`pk_`/`sk_` and 32 hex digits).
pub const KEY_TEXT_LEN: usize = 35;

/// The two URI prefixes whose port `loopback_any_port` ignores (RFC 8252 §7.3).
pub const LOOPBACK_PREFIXES: [&[u8]; 2] = [b"http://127.0.0.1", b"http://[::1]"];

/// Whether `b` is a lowercase hexadecimal digit.
pub fn is_lower_hex(b: &u8) -> bool {
    matches!(b, b'0'..=b'9' | b'a'..=b'f')
}

/// Whether `text` is exactly `prefix` followed by 32 lowercase hex digits.
pub fn is_key_text(text: &[u8], prefix: &[u8]) -> bool {
    text.len() == KEY_TEXT_LEN && text.starts_with(prefix) && text[3..].iter().all(is_lower_hex)
}

/// Every secret key (`sk_` and 32 lowercase hex digits) found anywhere in `text`,
/// overlapping occurrences included, in order of position.
pub fn secret_keys(text: &[u8]) -> Vec<&[u8]> {
    text.windows(KEY_TEXT_LEN)
        .filter(|w| is_key_text(w, b"sk_"))
        .collect()
}

/// Whether `needle` occurs in `haystack` (an empty needle always does).
pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// `v` without leading and trailing SP and HTAB.
pub fn trim_sp_htab(v: &[u8]) -> &[u8] {
    let start = v.iter().position(|&b| b != b' ' && b != b'\t');
    let end = v.iter().rposition(|&b| b != b' ' && b != b'\t');
    match (start, end) {
        (Some(s), Some(e)) => &v[s..=e],
        _ => &[],
    }
}

/// Whether `digits` is a port the redirect rules accept: 1 to 5 ASCII digits, value
/// 1 to 65535.
pub fn is_valid_port(digits: &[u8]) -> bool {
    !digits.is_empty()
        && digits.len() <= 5
        && digits.iter().all(u8::is_ascii_digit)
        && digits
            .iter()
            .fold(0u32, |n, d| n * 10 + u32::from(d - b'0'))
            .wrapping_sub(1)
            < 65535
}

/// For `http://127.0.0.1[:port]tail` or `http://[::1][:port]tail` where the port (if any)
/// is valid and `tail` is empty or starts with `/` or `?`: the same bytes without
/// `:port`. `None` for anything else.
pub fn loopback_without_port(uri: &[u8]) -> Option<Vec<u8>> {
    let prefix = LOOPBACK_PREFIXES.iter().find(|p| uri.starts_with(p))?;
    let rest = &uri[prefix.len()..];
    let tail = match rest.strip_prefix(b":") {
        Some(after) => {
            let n = after.iter().take_while(|b| b.is_ascii_digit()).count();
            if !is_valid_port(&after[..n]) {
                return None;
            }
            &after[n..]
        }
        None => rest,
    };
    if !(tail.is_empty() || tail[0] == b'/' || tail[0] == b'?') {
        return None;
    }
    Some([*prefix, tail].concat())
}

/// Whether `message` has a run of `n` or more ASCII hex digits: an error message that
/// echoes a key body would.
pub fn has_hex_run(message: &str, n: usize) -> bool {
    let mut run = 0;
    for b in message.bytes() {
        run = if b.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= n {
            return true;
        }
    }
    false
}

/// A cursor over fuzz input that never fails: reads past the end yield zeros.
#[derive(Debug)]
pub struct Reader<'a> {
    data: &'a [u8],
}

impl<'a> Reader<'a> {
    /// A reader over `data`.
    pub fn new(data: &'a [u8]) -> Reader<'a> {
        Reader { data }
    }

    /// The next `N` bytes, zero-padded at the end of the input.
    pub fn array<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        let n = N.min(self.data.len());
        out[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        out
    }

    /// The next byte (0 at the end of the input).
    pub fn u8(&mut self) -> u8 {
        self.array::<1>()[0]
    }

    /// The next 8 bytes as a little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        u64::from_le_bytes(self.array())
    }

    /// Everything not read yet.
    pub fn rest(self) -> &'a [u8] {
        self.data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ffi_table_names_each_exported_function() {
        let header = include_str!("../../include/picket.h");
        assert_eq!(
            ffi::OPS.len(),
            17,
            "a saved corpus picks an operation modulo 17"
        );
        for (i, op) in ffi::OPS.iter().enumerate() {
            assert!(
                ffi::OPS[..i].iter().all(|o| o.name != op.name),
                "{} twice",
                op.name
            );
            for name in op.name.split(", ") {
                let name = name.trim_end_matches('*');
                assert!(header.contains(name), "{name} is not in picket.h");
            }
        }
    }

    #[test]
    fn the_ffi_seed_corpus_passes() {
        // What `cargo fuzz run ffi` starts from: every seed must pass every property.
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/seeds/ffi");
        let mut seeds = 0;
        for entry in std::fs::read_dir(dir).expect("fuzz/seeds/ffi exists") {
            ffi::run(&std::fs::read(entry.unwrap().path()).unwrap());
            seeds += 1;
        }
        assert!(seeds >= 100, "only {seeds} seeds");
    }

    #[test]
    fn every_ffi_operation_runs_on_plain_and_faulty_input() {
        // Selector byte 0..17 picks each operation; fault selectors 0 (none) and 4..16
        // (each fault); the fields are a key, a URI and a header.
        let fields: &[u8] =
            b"pk_d9960d04426c1e9f3941bec7e39c8854\nhttps://example.com/cb\nBasic  eA==";
        for op in 0..ffi::OPS.len() as u8 {
            for fault in [0u8, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15] {
                let mut input = vec![op, fault, 40, 1, 0, 0, 0, 0, 0, 0, 0];
                input.extend_from_slice(fields);
                ffi::run(&input);
            }
        }
    }

    #[test]
    fn ports() {
        assert!(is_valid_port(b"1"));
        assert!(is_valid_port(b"65535"));
        assert!(is_valid_port(b"00080"));
        assert!(!is_valid_port(b"0"));
        assert!(!is_valid_port(b"65536"));
        assert!(!is_valid_port(b"99999"));
        assert!(!is_valid_port(b"000080"));
        assert!(!is_valid_port(b""));
    }

    #[test]
    fn loopback_port_removal() {
        let cases: [(&[u8], Option<&[u8]>); 7] = [
            (b"http://127.0.0.1:8080/cb", Some(b"http://127.0.0.1/cb")),
            (b"http://127.0.0.1/cb", Some(b"http://127.0.0.1/cb")),
            (b"http://[::1]:9?x", Some(b"http://[::1]?x")),
            (b"http://[::1]:0/", None),
            (b"http://127.0.0.1:/", None),
            (b"http://127.0.0.10/", None),
            (b"http://localhost:80/", None),
        ];
        for (uri, want) in cases {
            assert_eq!(loopback_without_port(uri).as_deref(), want);
        }
    }

    #[test]
    fn key_scanning() {
        let sk = b"sk_e1f767d29fa6e533f2e5c62342fb9e24";
        let text = [&b"x="[..], sk, b" pk_d9960d04426c1e9f3941bec7e39c8854"].concat();
        assert_eq!(secret_keys(&text), vec![&sk[..]]);
        assert!(secret_keys(b"sk_E1F767D29FA6E533F2E5C62342FB9E24").is_empty());
        assert_eq!(trim_sp_htab(b" \tab c\t "), b"ab c");
        assert_eq!(trim_sp_htab(b" \t "), b"");
        assert!(has_hex_run("found 12345678", 8));
        assert!(!has_hex_run(
            "api key has a non-hex character at position 34",
            8
        ));
    }

    #[test]
    fn reader_pads_with_zeros() {
        let mut r = Reader::new(&[1, 2, 3]);
        assert_eq!(r.u8(), 1);
        assert_eq!(r.u64(), 0x0302);
        assert_eq!(r.u8(), 0);
        assert!(r.rest().is_empty());
    }
}
