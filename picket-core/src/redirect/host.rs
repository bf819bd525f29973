//! Which hosts are the user's own machine: the one place of the loopback rules.
//!
//! - **Production** refuses every host that reaches the local machine (or only its
//!   link), however it is spelled: [`is_local`]; and every other single-label name,
//!   which only local resolvers answer: [`is_single_label`].
//! - **Development** allows `http` only for the three hosts of
//!   [`DEVELOPMENT_HTTP_HOSTS`], written exactly so.
//! - **Matching** with `loopback_any_port` (development) ignores the port only for the
//!   loopback IP literals of [`ANY_PORT_HOSTS`].

use std::net::{Ipv4Addr, Ipv6Addr};

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

/// Names that an operating system's resolver or default hosts file maps to the local
/// machine or its link, compared whole, in any case, after trailing dots are removed
/// (names under a suffix of [`LOCAL_SUFFIXES`] are not repeated here):
///
/// - Debian, Ubuntu, Android, WSL and Docker's generated file: `ip6-localhost`,
///   `ip6-loopback` (`::1`), `ip6-localnet`, `ip6-mcastprefix`, `ip6-allnodes`,
///   `ip6-allrouters`, `ip6-allhosts`;
/// - Fedora, RHEL, CentOS (the `setup` package): `localhost4`, `localhost4.localdomain4`,
///   `localhost6`, `localhost6.localdomain6`;
/// - openSUSE and SLES (`netcfg`): `ipv6-localhost`, `ipv6-loopback`, `ipv6-localnet`,
///   `ipv6-mcastprefix`, `ipv6-allnodes`, `ipv6-allrouters`, `ipv6-allhosts`;
/// - Gentoo and older Debian files: `ip4-localhost`, `ip4-loopback`, `ip4-allnodes`,
///   `ip4-allrouters`;
/// - FreeBSD and DragonFly BSD: `localhost.my.domain`;
/// - macOS: `broadcasthost`; Solaris and illumos: `loghost`; AIX and HP-UX: `loopback`;
/// - systemd-resolved (the default resolver of Ubuntu and Fedora) and nss-myhostname
///   synthesise `_localdnsstub` (127.0.0.53), `_localdnsproxy` (127.0.0.54), `_outbound`
///   (the machine's own outbound addresses) and `_gateway` (the default router;
///   `gateway` before systemd 235);
/// - Google Compute Engine: `metadata.google.internal`, which its guest environment writes
///   into every VM's hosts file and its resolver answers, as 169.254.169.254 (link-local).
///
/// None of these is a public host: `my.domain` and `localdomain4` are not public
/// suffixes, and a single label never is.
const LOCAL_NAMES: [&str; 31] = [
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
    "metadata.google.internal",
];

/// Names that are local together with every name under them:
///
/// - `localhost` (RFC 6761 §6.3; browsers, systemd and nss-myhostname resolve
///   `*.localhost` to loopback themselves; Arch's hosts file has only `localhost`);
/// - `localdomain`: the Fedora, RHEL and Alpine files map `localhost.localdomain` to
///   loopback, systemd every name under that, and systemd before 230 (nss-myhostname of
///   Ubuntu 16.04 and RHEL 7) `localdomain` itself and every name under it;
/// - `local` (RFC 6762 multicast DNS): answered on the link by whichever host claims the
///   name; the machine's own `NAME.local` is itself (macOS, Avahi, systemd-resolved), and
///   illumos' default hosts file maps it to 127.0.0.1;
/// - `docker.internal` and `containers.internal`: Docker Desktop writes
///   `kubernetes.docker.internal` (127.0.0.1) and `host.docker.internal` into the
///   workstation's hosts file, Docker and Podman give containers `host.docker.internal`
///   and `host.containers.internal` for the machine that runs them (`.internal` is
///   reserved for private use and never public);
/// - the other tools that run containers or Kubernetes in a VM on the workstation and
///   name the workstation to them: Lima and Colima (`host.lima.internal`), Rancher
///   Desktop (`host.rancher-desktop.internal`), OrbStack (`host.orb.internal`), minikube
///   (`host.minikube.internal`), k3d (`host.k3d.internal`), and Docker for Mac and
///   Windows before 18.03 (`docker.for.mac.host.internal`, `docker.for.win.host.internal`:
///   `host.internal`);
/// - `linux.test`: ChromeOS names the Linux container it runs on the Chromebook
///   `penguin.linux.test` (each container `NAME.linux.test`) and its resolver answers it.
const LOCAL_SUFFIXES: [&str; 12] = [
    "localhost",
    "localdomain",
    "local",
    "docker.internal",
    "containers.internal",
    "lima.internal",
    "rancher-desktop.internal",
    "orb.internal",
    "minikube.internal",
    "k3d.internal",
    "host.internal",
    "linux.test",
];

/// Whether the host, as the URL parser reads it, is the local machine or its link:
///
/// - a name of [`LOCAL_NAMES`], or one of [`LOCAL_SUFFIXES`] or a name under it
///   (`.localhost` itself, with an empty first label, counts), in any case, with any
///   number of trailing dots;
/// - a name that, without its trailing dots, is an IPv4 address (`127.0.0.1..`,
///   `2130706433..`): judged as that address;
/// - IPv4: 127.0.0.0/8, 0.0.0.0/8 (Linux and macOS deliver `0.0.0.0` to the local host),
///   169.254.0.0/16 (link-local), 255.255.255.255 (`broadcasthost`), 224.0.0.0/24
///   (link-local multicast, never forwarded: `ip4-allnodes` is 224.0.0.1);
/// - IPv6: `::1`, `::`, fe80::/10 (link-local; macOS gives its loopback interface
///   `fe80::1`), multicast of interface-local or link scope (ffX1::/16, which never leaves
///   the machine, and ffX2::/16, `ip6-allnodes` and its kin; scope 0 is reserved); the
///   IPv4-mapped form (`::ffff:a.b.c.d`) of the IPv4 ranges and the IPv4-compatible form
///   (`::127.x.y.z`) of 127.0.0.0/8, which `Ipv6Addr::is_loopback` misses; an IPv4 address
///   of those ranges inside the NAT64 well-known prefix (`64:ff9b::127.0.0.1`, RFC 6052)
///   or the IPv4-translated form (`::ffff:0:127.0.0.1`, RFC 6145): a translator that
///   forwards them at all delivers them to the local machine.
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
        Host::Ipv6(a) => is_local_v6(a),
    }
}

/// Whether the host is a name of fewer than two labels (`intranet`, `app.`, `.com`): no
/// public DNS name is (ICANN forbids dotless names), so only local resolvers answer it —
/// the machine's own hostname (nss-myhostname: its addresses, or 127.0.0.2; Debian's
/// hosts file: 127.0.1.1; NixOS's: 127.0.0.2), a hosts file, LLMNR or NetBIOS on the
/// link, the search domains — and no public CA may certify it. Judged after
/// [`is_local`], so that a known local name is refused as such.
pub(super) fn is_single_label(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => d.split('.').filter(|label| !label.is_empty()).count() < 2,
        Host::Ipv4(_) | Host::Ipv6(_) => false,
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
    let o = a.octets();
    a.is_loopback()
        || o[0] == 0
        || a.is_link_local()
        || a.is_broadcast()
        || (o[0], o[1], o[2]) == (224, 0, 0)
}

fn is_local_v6(a: &Ipv6Addr) -> bool {
    let first = a.segments()[0];
    a.is_loopback()
        || a.is_unspecified()
        || first & 0xffc0 == 0xfe80
        || (first & 0xff00 == 0xff00 && first & 0x000f <= 2)
        || a.to_ipv4_mapped().is_some_and(is_local_v4)
        || a.to_ipv4().is_some_and(|v4| v4.is_loopback())
        || embedded_v4(a).is_some_and(is_local_v4)
}

/// The IPv4 address inside the NAT64 well-known prefix `64:ff9b::/96` (RFC 6052) or the
/// IPv4-translated prefix `::ffff:0:0/96` (RFC 6145).
fn embedded_v4(a: &Ipv6Addr) -> Option<Ipv4Addr> {
    let s = a.segments();
    let nat64 = s[..6] == [0x64, 0xff9b, 0, 0, 0, 0];
    let translated = s[..6] == [0, 0, 0, 0, 0xffff, 0];
    (nat64 || translated).then(|| {
        let o = a.octets();
        Ipv4Addr::new(o[12], o[13], o[14], o[15])
    })
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
    fn the_names_of_issue_20() {
        for name in [
            "_localdnsstub",
            "_LocalDnsProxy.",
            "localhost.my.domain",
            "LOCALHOST.MY.DOMAIN..",
            "_outbound",
            "_gateway",
            "localdomain",
            "printer.localdomain",
            "mac.local",
            "kubernetes.docker.internal",
            "host.containers.internal",
            "loghost",
            "loopback",
            "METADATA.google.internal.",
            "host.lima.internal",
            "HOST.RANCHER-DESKTOP.INTERNAL.",
            "host.orb.internal",
            "host.minikube.internal",
            "control-plane.minikube.internal",
            "host.k3d.internal",
            "docker.for.mac.host.internal",
            "docker.for.win.host.internal",
            "docker.for.mac.localhost",
            "penguin.linux.test",
        ] {
            assert!(local(name), "{name}");
        }
    }

    #[test]
    fn no_local_name_repeats_a_suffix() {
        for name in LOCAL_NAMES {
            let is_under = |s: &str| name == s || name.ends_with(&format!(".{s}"));
            assert!(!LOCAL_SUFFIXES.iter().any(|s| is_under(s)), "{name}");
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
            "example.mylocaldomain",
            "ip6-localhosts",
            "localhost.my.domain.example",
            "_localdnsstub.example.com",
            "local.example.com",
            "example.internal",
            "docker.internal.example",
            "mylima.internal",
            "host.internal.example.com",
        ] {
            assert!(!local(name), "{name}");
        }
    }

    #[test]
    fn link_local_broadcast_and_link_multicast_addresses_are_local() {
        for host in [
            "169.254.0.1",
            "255.255.255.255",
            "[fe80::1]",
            "[febf::1]",
            "[ff02::1]",
            "[ff12::2]",
            "[::ffff:169.254.1.1]",
            "[64:ff9b::7f00:1]",
            "[64:ff9b::169.254.169.254]",
            "[::ffff:0:127.0.0.1]",
            "[::ffff:0:0.0.0.0]",
            "[ff01::1]",
            "[ff11::1]",
            "[ff00::]",
            "224.0.0.1",
            "224.0.0.251",
        ] {
            assert!(local(host), "{host}");
        }
        for host in [
            "169.253.255.255",
            "255.255.255.254",
            "[fec0::1]",
            "[ff05::1]",
            "[2001:db8::1]",
            "[64:ff9b::8.8.8.8]",
            "[::ffff:0:8.8.8.8]",
            "[ff03::1]",
            "224.0.1.1",
        ] {
            assert!(!local(host), "{host}");
        }
    }

    #[test]
    fn single_labels() {
        let single = |h: &str| is_single_label(&Host::parse(h).unwrap().borrowed());
        for host in [
            "intranet",
            "app.",
            "xn--bcher-kva",
            ".com",
            "a..",
            "mylocalhost",
        ] {
            assert!(single(host), "{host}");
        }
        for host in ["example.com", "a.b.", "1.2.3.4", "[::2]", "my-host.example"] {
            assert!(!single(host), "{host}");
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
