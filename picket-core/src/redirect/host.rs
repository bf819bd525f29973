//! Which hosts are the user's own machine: the one place of the loopback rules.
//!
//! - **Production** refuses every host that reaches the local machine (or only its
//!   link), however it is spelled: [`is_local`].
//! - **Development** allows `http` only for the three hosts of
//!   [`DEVELOPMENT_HTTP_HOSTS`], written exactly so.
//! - **Matching** with `loopback_any_port` (development) ignores the port only for the
//!   loopback IP literals of [`ANY_PORT_HOSTS`].

use std::net::Ipv4Addr;

use url::Host;

/// Hosts for which development allows `http`, compared with the host as written in the
/// URI, byte for byte.
///
/// Only these: a browser treats `localhost` and the loopback IP literals as secure
/// contexts without asking any resolver (W3C Secure Contexts, "let localhost be
/// localhost"), whereas `localhost.localdomain`, `ip6-localhost` and the other names
/// below exist only where a hosts file or nss-myhostname defines them. On a machine
/// without that entry (macOS, Windows, Arch's empty hosts file) the name goes to DNS,
/// through the search domains, and an `http` redirect would carry the authorization code
/// in clear text to whatever answers. `https` to them is allowed in development.
pub(super) const DEVELOPMENT_HTTP_HOSTS: [&str; 3] = ["localhost", "127.0.0.1", "[::1]"];

/// The loopback IP literals among [`DEVELOPMENT_HTTP_HOSTS`]: with `loopback_any_port`,
/// their port may vary (RFC 8252 §7.3). `localhost` stays exact (RFC 8252 §8.3).
pub(super) const ANY_PORT_HOSTS: [&str; 2] = ["127.0.0.1", "[::1]"];

/// Names that the default hosts files of common systems map to the local machine or its
/// link, compared whole, in any case, after trailing dots are removed:
///
/// - Debian, Ubuntu and Docker's generated file: `ip6-localhost`, `ip6-loopback` (`::1`),
///   `ip6-localnet`, `ip6-mcastprefix`, `ip6-allnodes`, `ip6-allrouters`, `ip6-allhosts`;
/// - Fedora, RHEL, CentOS (the `setup` package): `localhost.localdomain`, `localhost4`,
///   `localhost4.localdomain4`, `localhost6`, `localhost6.localdomain6`;
/// - openSUSE and SLES (`netcfg`): `ipv6-localhost`, `ipv6-loopback`, `ipv6-localnet`,
///   `ipv6-mcastprefix`, `ipv6-allnodes`, `ipv6-allrouters`, `ipv6-allhosts`;
/// - Alpine: `localhost.localdomain`; Gentoo and older Debian files: `ip4-localhost`,
///   `ip4-loopback`, `ip4-allnodes`, `ip4-allrouters`;
/// - macOS: `broadcasthost`.
///
/// (`localhost` itself, Arch's only name, is in [`LOCAL_SUFFIXES`]' rule.) None of these
/// is a public host: a single label never is, and `localdomain` is not a public suffix.
const LOCAL_NAMES: [&str; 24] = [
    "localhost.localdomain",
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
    "broadcasthost",
];

/// `localhost` and every name under it (RFC 6761 §6.3; browsers resolve `*.localhost`
/// to loopback themselves), and every name under `localhost.localdomain` (systemd's
/// nss-myhostname resolves them to loopback).
const LOCAL_SUFFIXES: [&str; 2] = ["localhost", "localhost.localdomain"];

/// Whether the host, as the URL parser reads it, is the local machine or its link:
///
/// - a name of [`LOCAL_NAMES`], `localhost`, or a name under one of [`LOCAL_SUFFIXES`]
///   (`.localhost` itself, with an empty first label, counts), in any case, with any
///   number of trailing dots;
/// - a name that, without its trailing dots, is an IPv4 address (`127.0.0.1..`,
///   `2130706433..`): judged as that address;
/// - 127.0.0.0/8 and 0.0.0.0/8 (Linux and macOS deliver `0.0.0.0` to the local host);
///   `::1` and `::`; the IPv4-mapped form (`::ffff:a.b.c.d`) of those IPv4 ranges and
///   the IPv4-compatible form (`::127.x.y.z`) of 127.0.0.0/8, which
///   `Ipv6Addr::is_loopback` misses.
pub(super) fn is_local(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let name = d.trim_end_matches('.');
            if name.len() < d.len() {
                if let Ok(Host::Ipv4(a)) = Host::parse(name) {
                    return is_local_v4(a);
                }
            }
            is_local_name(name)
        }
        Host::Ipv4(a) => is_local_v4(*a),
        Host::Ipv6(a) => {
            a.is_loopback()
                || a.is_unspecified()
                || a.to_ipv4_mapped().is_some_and(is_local_v4)
                || a.to_ipv4().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// Whether `name` (without trailing dots) is a local name, in any case.
fn is_local_name(name: &str) -> bool {
    let under = |suffix: &str| {
        name.len() > suffix.len()
            && name.as_bytes()[name.len() - suffix.len() - 1] == b'.'
            && name[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix)
    };
    LOCAL_SUFFIXES
        .iter()
        .any(|s| name.eq_ignore_ascii_case(s) || under(s))
        || LOCAL_NAMES.iter().any(|n| name.eq_ignore_ascii_case(n))
}

fn is_local_v4(a: Ipv4Addr) -> bool {
    a.is_loopback() || a.octets()[0] == 0
}

/// Whether development allows `http` for `raw_host`, the host as written in the URI.
pub(super) fn allows_development_http(raw_host: &str) -> bool {
    DEVELOPMENT_HTTP_HOSTS.contains(&raw_host)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(host: &str) -> bool {
        is_local(&Host::parse(host).unwrap().borrowed())
    }

    trait Borrowed {
        fn borrowed(&self) -> Host<&str>;
    }
    impl Borrowed for Host<String> {
        fn borrowed(&self) -> Host<&str> {
            match self {
                Host::Domain(d) => Host::Domain(d.as_str()),
                Host::Ipv4(a) => Host::Ipv4(*a),
                Host::Ipv6(a) => Host::Ipv6(*a),
            }
        }
    }

    #[test]
    fn every_local_name_in_any_case_with_trailing_dots() {
        for name in LOCAL_NAMES.iter().chain(&LOCAL_SUFFIXES) {
            for spelling in [
                name.to_string(),
                name.to_uppercase(),
                format!("{name}."),
                format!("{name}..."),
            ] {
                assert!(local(&spelling), "{spelling}");
            }
            // Names under a local name are local only under the suffixes.
            let under = format!("a.b.{name}");
            assert_eq!(local(&under), LOCAL_SUFFIXES.contains(name), "{under}");
        }
    }

    #[test]
    fn names_that_only_contain_a_local_name_are_not_local() {
        for name in [
            "ip6-localhost.example.com",
            "localhost.localdomain.example.com",
            "localhost4.example",
            "my-localhost",
            "xlocalhost",
            "localhostx.com",
            "broadcasthost.net",
            "example.localdomain",
            "ip6-localhosts",
        ] {
            assert!(!local(name), "{name}");
        }
    }

    #[test]
    fn ipv4_with_trailing_dots_is_judged_as_the_address() {
        assert!(local("127.0.0.1.."));
        assert!(local("2130706433.."));
        assert!(local("0x7f.1..."));
        assert!(!local("128.0.0.1.."));
        assert!(!local("8.8.8.8.."));
    }

    #[test]
    fn development_http_hosts_are_exact() {
        for host in DEVELOPMENT_HTTP_HOSTS {
            assert!(allows_development_http(host));
        }
        for host in [
            "LOCALHOST",
            "localhost.",
            "127.1",
            "[0:0:0:0:0:0:0:1]",
            "ip6-localhost",
        ] {
            assert!(!allows_development_http(host), "{host}");
        }
        assert!(ANY_PORT_HOSTS
            .iter()
            .all(|h| DEVELOPMENT_HTTP_HOSTS.contains(h)));
    }
}
