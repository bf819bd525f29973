//! Registration rules in both modes, one table.

use super::*;

fn reg(uri: &str, mode: Mode) -> Result<(), RedirectError> {
    validate_redirect_uri(uri.as_bytes(), mode, RedirectOptions::default())
}

#[test]
fn both_modes() {
    use Mode::*;
    type Outcome = Result<(), RedirectError>;
    let cases: &[(&str, Outcome, Outcome)] = &[
        ("https://example.com/callback", Ok(()), Ok(())),
        ("HTTPS://example.com/callback", Ok(()), Ok(())),
        (
            "http://localhost:3000",
            Ok(()),
            Err(RedirectError::InsecureScheme),
        ),
        (
            "http://localhost:3000/",
            Ok(()),
            Err(RedirectError::InsecureScheme),
        ),
        (
            "http://127.0.0.1:8080/cb",
            Ok(()),
            Err(RedirectError::InsecureScheme),
        ),
        (
            "http://[::1]/cb",
            Ok(()),
            Err(RedirectError::InsecureScheme),
        ),
        (
            "http://127.1/cb",
            Err(RedirectError::InsecureScheme),
            Err(RedirectError::InsecureScheme),
        ),
        (
            "http://LOCALHOST/",
            Err(RedirectError::InsecureScheme),
            Err(RedirectError::InsecureScheme),
        ),
        (
            "http://example.com/",
            Err(RedirectError::InsecureScheme),
            Err(RedirectError::InsecureScheme),
        ),
        (
            "https://localhost/cb",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://localhost./cb",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://a.b.localhost/cb",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://127.1/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://2130706433/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://[0:0:0:0:0:0:0:1]/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://[::ffff:127.0.0.1]/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        ("https://localhostx.com/", Ok(()), Ok(())),
        // Found by fuzz/redirect_register: a host of exactly `.localhost`.
        (
            "https://.localhost/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://%2elocalhost/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://.LOCALHOST./",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://localhost../",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://0.0.0.0/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://[::]/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://[::127.0.0.1]/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://[::ffff:0.0.0.0]/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        ("https://128.0.0.1/", Ok(()), Ok(())),
        // Issue #10.4: names the default hosts files map to the local machine.
        (
            "https://localhost.localdomain/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://IP6-LOCALHOST:8443/cb",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://ip6-loopback./",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://localhost6.localdomain6../",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://ipv6-localhost/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://app.localhost.localdomain/",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://127.0.0.1../",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://2130706433../",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        // Issue #20: the names OS resolvers synthesise, the BSDs' hosts files, mDNS.
        (
            "https://_localdnsstub/cb",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://_LocalDnsProxy.:8443/cb",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://localhost.my.domain../cb",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://Mac-Mini.LOCAL/cb",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        (
            "https://[fe80::1]/cb",
            Ok(()),
            Err(RedirectError::LoopbackInProduction),
        ),
        // A single label: only local resolvers answer it.
        (
            "https://intranet/cb",
            Ok(()),
            Err(RedirectError::SingleLabelHost),
        ),
        (
            "https://intranet.:8443/cb",
            Ok(()),
            Err(RedirectError::SingleLabelHost),
        ),
        ("https://intranet.example/cb", Ok(()), Ok(())),
        ("https://ip6-localhost.example.com/", Ok(()), Ok(())),
        ("https://8.8.8.8../", Ok(()), Ok(())),
        (
            "http://localhost.localdomain/",
            Err(RedirectError::InsecureScheme),
            Err(RedirectError::InsecureScheme),
        ),
        (
            "http://ip6-localhost:3000/",
            Err(RedirectError::InsecureScheme),
            Err(RedirectError::InsecureScheme),
        ),
        (
            "https:example.com/x",
            Err(RedirectError::MissingAuthority),
            Err(RedirectError::MissingAuthority),
        ),
        (
            "https://user@example.com/",
            Err(RedirectError::Userinfo),
            Err(RedirectError::Userinfo),
        ),
        (
            "https://example.com/#",
            Err(RedirectError::Fragment),
            Err(RedirectError::Fragment),
        ),
        (
            "https://*.example.com/",
            Err(RedirectError::Wildcard),
            Err(RedirectError::Wildcard),
        ),
        (
            "https://example.com/%zz",
            Err(RedirectError::BadPercentEncoding { position: 20 }),
            Err(RedirectError::BadPercentEncoding { position: 20 }),
        ),
        (
            "https://example.com:0/",
            Err(RedirectError::InvalidPort),
            Err(RedirectError::InvalidPort),
        ),
        (
            "https://example.com:65536/",
            Err(RedirectError::InvalidPort),
            Err(RedirectError::InvalidPort),
        ),
        (
            "https://example.com:/",
            Err(RedirectError::InvalidPort),
            Err(RedirectError::InvalidPort),
        ),
        (
            "https:///cb",
            Err(RedirectError::EmptyHost),
            Err(RedirectError::EmptyHost),
        ),
        (
            "javascript:alert(1)",
            Err(RedirectError::DisallowedScheme),
            Err(RedirectError::DisallowedScheme),
        ),
        (
            "com.example.app:/cb",
            Err(RedirectError::DisallowedScheme),
            Err(RedirectError::DisallowedScheme),
        ),
        (
            "/cb",
            Err(RedirectError::MissingScheme),
            Err(RedirectError::MissingScheme),
        ),
    ];
    for (uri, dev, prod) in cases {
        assert_eq!(reg(uri, Development), *dev, "{uri} in development");
        assert_eq!(reg(uri, Production), *prod, "{uri} in production");
    }
}

#[test]
fn private_use_schemes_with_option() {
    let opts = RedirectOptions {
        allow_private_use_schemes: true,
        ..Default::default()
    };
    for mode in [Mode::Development, Mode::Production] {
        assert_eq!(
            validate_redirect_uri(b"com.example.app:/cb", mode, opts),
            Ok(())
        );
        assert_eq!(
            validate_redirect_uri(b"myapp:/cb", mode, opts),
            Err(RedirectError::DisallowedScheme)
        );
    }
}

#[test]
fn bytes_outside_printable_ascii() {
    for (uri, pos) in [
        ("https://exa mple.com/", 11),
        ("https://b\u{fc}cher.example/", 9),
        ("https://example.com/\n", 20),
    ] {
        assert_eq!(
            reg(uri, Mode::Production),
            Err(RedirectError::NonPrintable { position: pos }),
            "{uri:?}"
        );
    }
}
