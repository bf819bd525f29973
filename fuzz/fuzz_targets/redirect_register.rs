//! `validate_redirect_uri` on arbitrary bytes, in both modes, with and without
//! `allow_private_use_schemes`.
//!
//! Properties of an accepted URI:
//! - only bytes 0x21–0x7E, no `#`, no `*`, no `@` in the authority;
//! - production: scheme `https` (any case); the host, as the URL parser reads it, is not
//!   a name under (or equal to) `localhost`, `localdomain`, `local`, `docker.internal` or
//!   `containers.internal`, nor a name the OS resolvers and default hosts files give the
//!   machine (`ip6-localhost`, `_localdnsstub`, `localhost.my.domain`, …: the list below,
//!   written out again from the systems' files and manuals), nor a name of fewer than
//!   two labels, nor a loopback, unspecified, link-local or broadcast IP address, nor a
//!   name that is such an address once its trailing dots are removed;
//! - development: scheme `http` only with the host written exactly `localhost`,
//!   `127.0.0.1` or `[::1]`; otherwise `https`;
//! - a scheme other than http(s) only with `allow_private_use_schemes`, and it contains `.`;
//! - the URL parser accepts it.
//!
//! Monotonicity: what production accepts development accepts; what is accepted without
//! `allow_private_use_schemes` is accepted with it. Error codes are in 400–499.
#![no_main]

use libfuzzer_sys::fuzz_target;
use picket_core::{validate_redirect_uri, Mode, RedirectOptions};
use std::net::Ipv4Addr;

use url::{Host, Url};

/// The local names of the default hosts files (Debian/Ubuntu/Docker, Fedora/RHEL,
/// openSUSE, Gentoo, FreeBSD, macOS, Solaris, AIX) and of systemd's resolvers.
const HOSTS_FILE_NAMES: [&str; 30] = [
    "localhost4",
    "localhost4.localdomain4",
    "localhost6",
    "localhost6.localdomain6",
    "ip6-localhost",
    "ip6-loopback",
    "ip6-localnet",
    "ip6-mcastprefix",
    "ip6-allnodes",
    "ip6-allrouters",
    "ip6-allhosts",
    "ipv6-localhost",
    "ipv6-loopback",
    "ipv6-localnet",
    "ipv6-mcastprefix",
    "ipv6-allnodes",
    "ipv6-allrouters",
    "ipv6-allhosts",
    "ip4-localhost",
    "ip4-loopback",
    "ip4-allnodes",
    "ip4-allrouters",
    "localhost.my.domain",
    "broadcasthost",
    "loghost",
    "loopback",
    "_localdnsstub",
    "_localdnsproxy",
    "_outbound",
    "_gateway",
];

/// Local together with every name under them.
const LOCAL_ZONES: [&str; 5] = [
    "localhost",
    "localdomain",
    "local",
    "docker.internal",
    "containers.internal",
];

fn v4_local(a: Ipv4Addr) -> bool {
    a.is_loopback() || a.octets()[0] == 0 || a.is_link_local() || a.is_broadcast()
}

fn check_accepted(uri: &[u8], mode: Mode, private: bool) {
    assert!(
        uri.iter().all(|b| (0x21..=0x7e).contains(b)),
        "accepted a byte outside 0x21-0x7E"
    );
    assert!(!uri.contains(&b'#'), "accepted a fragment");
    assert!(!uri.contains(&b'*'), "accepted a wildcard");
    let text = core::str::from_utf8(uri).expect("printable ASCII is UTF-8");
    let (scheme, after) = text.split_once(':').expect("accepted URI has a scheme");
    let authority = after.strip_prefix("//").map(|rest| {
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        &rest[..end]
    });
    if let Some(authority) = authority {
        assert!(!authority.contains('@'), "accepted userinfo");
    }
    let url = Url::parse(text).expect("accepted URI the URL parser refuses");

    let https = scheme.eq_ignore_ascii_case("https");
    let http = scheme.eq_ignore_ascii_case("http");
    if !https && !http {
        assert!(private, "accepted a private-use scheme without the option");
        assert!(
            scheme.contains('.'),
            "accepted a private-use scheme without '.'"
        );
        return;
    }
    let authority = authority.expect("accepted http(s) URI without //authority");
    match mode {
        Mode::Production => {
            assert!(https, "production accepted a scheme other than https");
            match url.host() {
                Some(Host::Domain(d)) => {
                    let d = d.trim_end_matches('.').to_ascii_lowercase();
                    assert!(
                        !LOCAL_ZONES
                            .iter()
                            .any(|z| d == *z || d.ends_with(&format!(".{z}"))),
                        "production accepted a name under a local zone"
                    );
                    assert!(
                        !HOSTS_FILE_NAMES.contains(&d.as_str()),
                        "production accepted a hosts-file local name"
                    );
                    assert!(
                        d.split('.').filter(|l| !l.is_empty()).count() >= 2,
                        "production accepted a single-label name"
                    );
                    if let Ok(Host::Ipv4(a)) = Host::parse(&d) {
                        assert!(
                            !v4_local(a),
                            "production accepted a local address with trailing dots"
                        );
                    }
                }
                Some(Host::Ipv4(a)) => {
                    assert!(!v4_local(a), "production accepted a local IPv4 address");
                }
                Some(Host::Ipv6(a)) => {
                    let first = a.segments()[0];
                    assert!(
                        !a.is_loopback()
                            && !a.is_unspecified()
                            && !(0xfe80..=0xfebf).contains(&first),
                        "production accepted a loopback or link-local IPv6 address"
                    );
                    if let Some(v4) = a.to_ipv4_mapped() {
                        assert!(!v4_local(v4), "production accepted a mapped local address");
                    }
                }
                None => panic!("accepted https URI without a host"),
            }
        }
        Mode::Development => {
            if http {
                let host = if authority.starts_with('[') {
                    &authority[..authority.find(']').map_or(authority.len(), |i| i + 1)]
                } else {
                    &authority[..authority.find(':').unwrap_or(authority.len())]
                };
                assert!(
                    matches!(host, "localhost" | "127.0.0.1" | "[::1]"),
                    "development accepted http for a host not written as a loopback name"
                );
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut accepted = [[false; 2]; 2];
    for (m, mode) in [Mode::Development, Mode::Production]
        .into_iter()
        .enumerate()
    {
        for (p, private) in [false, true].into_iter().enumerate() {
            let options = RedirectOptions {
                allow_private_use_schemes: private,
                loopback_any_port: false,
            };
            match validate_redirect_uri(data, mode, options) {
                Ok(()) => {
                    accepted[m][p] = true;
                    check_accepted(data, mode, private);
                }
                Err(e) => assert!((400..=499).contains(&e.code()), "code {}", e.code()),
            }
            // loopback_any_port is a matching option: registration ignores it.
            let with_any_port = RedirectOptions {
                loopback_any_port: true,
                ..options
            };
            assert_eq!(
                validate_redirect_uri(data, mode, with_any_port),
                validate_redirect_uri(data, mode, options)
            );
        }
    }
    let [development, production] = accepted;
    for (dev, prod) in development.into_iter().zip(production) {
        assert!(!prod || dev, "production accepts, development refuses");
    }
    for row in accepted {
        assert!(!row[0] || row[1], "allow_private_use_schemes refused a URI");
    }
});
