//! Hostile input: what every entry point that takes bytes is given, in the core's tests and
//! again through the C ABI. The two suites used to keep their own copies, which had drifted
//! apart; this is their union.

/// One mebibyte.
pub const MIB: usize = 1 << 20;

/// Empty input, 1 MiB of `a` and of NUL, invalid UTF-8, every single byte value, and runs
/// of 10,000 and 1 MiB of each URI/credential metacharacter `%@:/[]`. None of them is a
/// key, a digest, a header, a redirect URI or a PKCE value.
///
/// ```
/// let inputs = picket_test_support::hostile::hostile_inputs();
/// assert!(inputs.iter().any(|i| i.is_empty()));
/// assert!(inputs.iter().any(|i| i.len() == picket_test_support::hostile::MIB));
/// ```
pub fn hostile_inputs() -> Vec<Vec<u8>> {
    let mut inputs = vec![
        Vec::new(),
        vec![b'a'; MIB],
        vec![0u8; MIB],
        vec![0xff, 0xfe, 0xc3, 0x28],
    ];
    inputs.extend((0..=255u8).map(|b| vec![b]));
    for c in [b'%', b'@', b':', b'/', b'[', b']'] {
        inputs.push(vec![c; 10_000]);
        inputs.push(vec![c; MIB]);
    }
    inputs
}

/// `input` (its first 1,000 bytes) inside the path of a real URI,
/// `https://example.com/<input>`: whatever the answer, it must be an answer.
///
/// ```
/// let uri = picket_test_support::hostile::in_uri_path(&[b'%'; 5000]);
/// assert_eq!(uri.len(), "https://example.com/".len() + 1000);
/// ```
pub fn in_uri_path(input: &[u8]) -> Vec<u8> {
    let mut uri = b"https://example.com/".to_vec();
    uri.extend_from_slice(&input[..input.len().min(1000)]);
    uri
}
