//! A walk through one project: keys issued, requests authenticated as real clients send
//! them, redirect URIs registered and matched in development and production, and the
//! error each bad input gets.
//!
//! ```text
//! cargo run -p picket-core --example tour
//! ```

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use picket_core::*;

fn show(what: &str, result: Result<impl std::fmt::Debug, impl std::fmt::Display>) {
    match result {
        Ok(v) => println!("  ok    {what}: {v:?}"),
        Err(e) => println!("  error {what}: {e}"),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("== Keys: issued from 16 random bytes (a server draws them from its CSPRNG)");
    let pk = ApiKey::from_random_bytes(
        KeyKind::Publishable,
        *b"\xd9\x96\x0d\x04\x42\x6c\x1e\x9f\x39\x41\xbe\xc7\xe3\x9c\x88\x54",
    );
    let sk = ApiKey::from_random_bytes(
        KeyKind::Secret,
        *b"\xe1\xf7\x67\xd2\x9f\xa6\xe5\x33\xf2\xe5\xc6\x23\x42\xfb\x9e\x24",
    );
    println!("  publishable: {pk}");
    println!("  secret:      {sk}   (Display never shows a secret key)");
    println!("  stored digest of the secret key: {}", sk.digest());

    println!("\n== Keys: parse errors name the broken rule");
    for input in [
        "sk_e1f767d29fa6e533f2e5c62342fb9e24\n",
        "sk_E1F767D29FA6E533F2E5C62342FB9E24",
        "sk_e1f767d29fa6e533f2e5c62342fb9e2",
        "ak_e1f767d29fa6e533f2e5c62342fb9e24",
    ] {
        show(
            &format!("{:?}", input.replace(&input[3..30], "…")),
            ApiKey::parse(input.as_bytes()).map(|k| k.kind()),
        );
    }

    println!("\n== A project in development, loaded into a registry");
    let mut builder = RegistryBuilder::new();
    builder.add_project(1, Mode::Development, RedirectOptions::default())?;
    builder.add_redirect_uri(1, b"http://localhost:3000/")?;
    builder.add_redirect_uri(1, b"http://localhost:3000/callback")?;
    builder.add_key(pk.digest(), 1, KeyKind::Publishable, None)?;
    builder.add_key(sk.digest(), 1, KeyKind::Secret, None)?;
    let registry = builder.build()?;
    println!("  {registry:?}");

    println!("\n== Requests, as real clients send them");
    let now = 1_764_000_000;
    let clients = [
        (
            "curl -u KEY: / Go SetBasicAuth / requests",
            format!("Basic {}", STANDARD.encode(format!("{}:", sk.expose()))),
        ),
        (
            "official JS SDK (two spaces, no colon)",
            format!("Basic  {}", STANDARD.encode(sk.expose())),
        ),
        (
            "publishable key, JS SDK",
            format!("Basic  {}", STANDARD.encode(pk.expose())),
        ),
    ];
    for (client, header) in &clients {
        let result = registry.authenticate(header.as_bytes(), now, Requirement::Secret);
        match result {
            Ok(auth) => println!(
                "  200 {client}: project {} with a {} key",
                auth.project, auth.kind
            ),
            Err(e) => println!("  {} {client}: {e}", e.status()),
        }
    }

    println!("\n== Bad requests get 401 with a challenge");
    for header in [
        String::new(),
        format!("Bearer {}", sk.expose()),
        format!(
            "Basic {}",
            STANDARD.encode(format!("{}:{}", pk.expose(), sk.expose()))
        ),
        format!("Basic {}", STANDARD.encode(format!(":{}", sk.expose()))),
        format!("Basic {}", STANDARD.encode(format!("{}\n", sk.expose()))),
        "Basic not*base64".to_string(),
    ] {
        let e = registry
            .authenticate(header.as_bytes(), now, Requirement::Any)
            .unwrap_err();
        println!(
            "  {} {:<44} {e}",
            e.status(),
            redact(&header).chars().take(44).collect::<String>()
        );
        if let Some(challenge) = e.www_authenticate() {
            println!("      WWW-Authenticate: {challenge}");
        }
    }

    println!("\n== Redirect URIs: registration rules by mode");
    for uri in [
        "http://localhost:3000",
        "https://app.example.com/callback",
        "https://127.1/callback",
        "https://app.example.com/cb#frag",
        "https://*.example.com/cb",
        "javascript:alert(1)",
    ] {
        for mode in [Mode::Development, Mode::Production] {
            show(
                &format!("{:<11} {uri}", mode.name()),
                validate_redirect_uri(uri.as_bytes(), mode, RedirectOptions::default()),
            );
        }
    }

    println!("\n== OAuth authorize: client_id and redirect_uri");
    for (client_id, uri) in [
        (pk.expose(), "http://localhost:3000/callback"),
        (pk.expose(), "http://localhost:3000/callback/"),
        (pk.expose(), "http://localhost:3000"),
        (sk.expose(), "http://localhost:3000/callback"),
    ] {
        show(
            &format!("{} -> {uri}", redact(client_id)),
            registry.authorize_redirect(client_id.as_bytes(), uri.as_bytes(), now),
        );
    }

    println!("\n== Logs: secret keys are masked");
    let line = format!(
        "GET /v1/ping?key={} authorization=\"{}\"",
        sk.expose(),
        clients[0].1
    );
    println!("  {}", redact(&line));
    Ok(())
}
