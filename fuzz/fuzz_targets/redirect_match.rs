//! Differential test of `Whitelist::matches` against byte equality.
//!
//! Input: lines separated by `\n`; the last line is the candidate, the others (at most 16)
//! are the entries to register. Every combination of mode and `allow_private_use_schemes`
//! is run. Besides the candidate, each accepted entry is presented as is, without its
//! `:port`, and with other ports (valid and invalid).
//!
//! Properties:
//! - `register` returns what `validate_redirect_uri` returns;
//! - options off: `matches(c)` is true exactly when `c` is byte-equal to an accepted entry,
//!   and `match_redirect_uri` agrees;
//! - `loopback_any_port` in production changes nothing;
//! - `loopback_any_port` in development only adds matches, and only for candidates that
//!   begin with `http://127.0.0.1` or `http://[::1]` and equal an accepted entry once a
//!   valid `:port` is removed from both; every such candidate does match.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_core::{match_redirect_uri, validate_redirect_uri, Mode, RedirectOptions, Whitelist};
use picket_fuzz::loopback_without_port;

const MAX_ENTRIES: usize = 16;

/// `uri` with its loopback `:port` replaced by `port` (`None`: removed).
fn with_port(uri: &[u8], port: Option<&[u8]>) -> Option<Vec<u8>> {
    let portless = loopback_without_port(uri)?;
    let prefix_len = if portless.starts_with(b"http://[::1]") {
        12
    } else {
        16
    };
    let (prefix, tail) = portless.split_at(prefix_len);
    Some(match port {
        Some(p) => [prefix, b":", p, tail].concat(),
        None => portless.clone(),
    })
}

fn run(entries: &[&[u8]], candidate: &[u8], mode: Mode, private: bool) {
    let off = RedirectOptions {
        allow_private_use_schemes: private,
        loopback_any_port: false,
    };
    let on = RedirectOptions {
        loopback_any_port: true,
        ..off
    };
    let mut exact = Whitelist::new(mode, off);
    let mut any_port = Whitelist::new(mode, on);
    let mut accepted: Vec<&[u8]> = Vec::new();
    for &entry in entries {
        let result = exact.register(entry);
        assert_eq!(result, validate_redirect_uri(entry, mode, off));
        assert_eq!(any_port.register(entry), result);
        if result.is_ok() && !accepted.contains(&entry) {
            accepted.push(entry);
        }
    }
    assert_eq!(exact.len(), accepted.len());
    assert_eq!(any_port.len(), accepted.len());
    assert_eq!(exact.is_empty(), accepted.is_empty());

    let mut candidates: Vec<Vec<u8>> = vec![candidate.to_vec()];
    for &entry in &accepted {
        candidates.push(entry.to_vec());
        let ports: [Option<&[u8]>; 7] = [
            None,
            Some(b"1"),
            Some(b"65535"),
            Some(b"00080"),
            Some(b"0"),
            Some(b"65536"),
            Some(b""),
        ];
        candidates.extend(ports.iter().filter_map(|p| with_port(entry, *p)));
    }

    for c in &candidates {
        let want = accepted.contains(&c.as_slice());
        let got = exact.matches(c);
        assert_eq!(got, want, "options off: matches != byte equality");
        assert_eq!(match_redirect_uri(entries, c, mode, off), want);

        let got_any = any_port.matches(c);
        assert_eq!(match_redirect_uri(entries, c, mode, on), got_any);
        let portless = loopback_without_port(c);
        let same_but_port = portless.as_ref().is_some_and(|p| {
            accepted
                .iter()
                .any(|e| loopback_without_port(e).as_ref() == Some(p))
        });
        match mode {
            Mode::Production => assert_eq!(got_any, got, "loopback_any_port in production"),
            Mode::Development => {
                if got_any != got {
                    assert!(got_any, "loopback_any_port removed a match");
                    assert!(
                        same_but_port,
                        "loopback_any_port matched more than a port difference"
                    );
                }
                if same_but_port {
                    assert!(got_any, "loopback_any_port missed a port difference");
                }
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut lines: Vec<&[u8]> = data.split(|&b| b == b'\n').collect();
    let candidate = lines.pop().unwrap_or_default();
    lines.truncate(MAX_ENTRIES);
    for mode in [Mode::Development, Mode::Production] {
        for private in [false, true] {
            run(&lines, candidate, mode, private);
        }
    }
});
