//! Runs test-vector files (format: tests/vectors/SCHEMA.md) against picket-core.
//! Shared by the `vectors` example and the integration test.

use picket_core::{
    parse_authorization, redact, validate_redirect_uri, verify_pkce, ApiKey, AuthorizeError,
    HeaderOptions, KeyKind, Mode, RedirectOptions, RegistryBuilder, Whitelist,
};
use serde_json::Value;

use crate::harness::string;
pub use crate::harness::Tally;

/// Runs every case of one JSON Lines text through the core.
pub fn run_text(name: &str, text: &str, tally: &mut Tally) {
    crate::harness::run_text(name, text, tally, run_case);
}

fn options(case: &Value, known: &[&str]) -> Result<Vec<String>, String> {
    let Some(list) = case.get("options") else {
        return Ok(Vec::new());
    };
    let list = list.as_array().ok_or("\"options\" is not a list")?;
    let mut out = Vec::new();
    for o in list {
        let o = o.as_str().ok_or("an option is not a string")?;
        if !known.contains(&o) {
            return Err(format!("unknown option {o:?} for this kind"));
        }
        out.push(o.to_string());
    }
    Ok(out)
}

fn mode(case: &Value) -> Result<Mode, String> {
    match string(case, "mode")? {
        "development" => Ok(Mode::Development),
        "production" => Ok(Mode::Production),
        other => Err(format!("unknown mode {other:?}")),
    }
}

fn redirect_options(opts: &[String]) -> RedirectOptions {
    RedirectOptions {
        allow_private_use_schemes: opts.iter().any(|o| o == "allow_private_use_schemes"),
        loopback_any_port: opts.iter().any(|o| o == "loopback_any_port"),
    }
}

const REDIRECT_OPTIONS: &[&str] = &["allow_private_use_schemes", "loopback_any_port"];

fn check(expected: &str, got: &str) -> Result<(), String> {
    if expected == got {
        Ok(())
    } else {
        Err(format!("expected {expected}, got {got}"))
    }
}

pub fn run_case(case: &Value) -> Result<(), String> {
    let kind = string(case, "kind")?;
    let expect = string(case, "expect")?;
    match kind {
        "key" => {
            options(case, &[])?;
            let got = match ApiKey::parse(string(case, "input")?.as_bytes()) {
                Ok(k) if k.kind() == KeyKind::Publishable => "publishable".to_string(),
                Ok(_) => "secret".to_string(),
                Err(e) => format!("error ({e})"),
            };
            check(expect, got.split(' ').next().unwrap_or(""))
                .map_err(|_| format!("expected {expect}, got {got}"))
        }
        "auth_header" => {
            let opts = options(case, &["accept_bearer"])?;
            let header_options = HeaderOptions {
                accept_bearer: opts.iter().any(|o| o == "accept_bearer"),
            };
            match (
                expect,
                parse_authorization(string(case, "header")?.as_bytes(), header_options),
            ) {
                ("ok", Ok(key)) => {
                    let want = string(case, "key")?;
                    if key.as_bytes() == want.as_bytes() {
                        Ok(())
                    } else {
                        Err(format!(
                            "expected ok with key {want}, got another key ({key})"
                        ))
                    }
                }
                ("error", Err(_)) => Ok(()),
                (_, Ok(key)) => Err(format!("expected {expect}, got ok ({key})")),
                (_, Err(e)) => Err(format!("expected {expect}, got error ({e})")),
            }
        }
        "redirect_register" => {
            let opts = redirect_options(&options(case, REDIRECT_OPTIONS)?);
            let got =
                match validate_redirect_uri(string(case, "uri")?.as_bytes(), mode(case)?, opts) {
                    Ok(()) => "accept".to_string(),
                    Err(e) => format!("reject ({e})"),
                };
            check(expect, got.split(' ').next().unwrap_or(""))
                .map_err(|_| format!("expected {expect}, got {got}"))
        }
        "redirect_match" => {
            let opts = redirect_options(&options(case, REDIRECT_OPTIONS)?);
            let mut list = Whitelist::new(mode(case)?, opts);
            let registered = case["registered"]
                .as_array()
                .ok_or("field \"registered\" is missing or not a list")?;
            for entry in registered {
                let entry = entry.as_str().ok_or("a registered entry is not a string")?;
                // An entry that registration rejects is left out of the whitelist.
                let _ = list.register(entry.as_bytes());
            }
            let matched = list.matches(string(case, "candidate")?.as_bytes());
            check(expect, if matched { "match" } else { "no_match" })
        }
        "pkce" => {
            options(case, &[])?;
            let got = match verify_pkce(
                string(case, "verifier")?.as_bytes(),
                string(case, "challenge")?.as_bytes(),
                string(case, "method")?.as_bytes(),
            ) {
                Ok(()) => "ok".to_string(),
                Err(e) => format!("error ({e})"),
            };
            check(expect, got.split(' ').next().unwrap_or(""))
                .map_err(|_| format!("expected {expect}, got {got}"))
        }
        "redact" => {
            options(case, &[])?;
            let got = redact(string(case, "input")?);
            if got == expect {
                Ok(())
            } else {
                Err(format!("expected {expect:?}, got {got:?}"))
            }
        }
        "client_id" => {
            options(case, &[])?;
            // A registry without keys: a well-formed publishable key is an unknown client.
            let registry = RegistryBuilder::new().build().map_err(|e| e.to_string())?;
            let got = match registry.authorize_redirect(
                string(case, "input")?.as_bytes(),
                b"https://example.com/cb",
                0,
            ) {
                Err(AuthorizeError::SecretKeyExposed) => "exposed".to_string(),
                Err(AuthorizeError::InvalidClientId(e)) => format!("invalid ({e})"),
                Err(AuthorizeError::UnknownClient) => "publishable".to_string(),
                Err(e) => format!("other error ({e})"),
                Ok(project) => format!("ok (project {project})"),
            };
            check(expect, got.split(' ').next().unwrap_or(""))
                .map_err(|_| format!("expected {expect}, got {got}"))
        }
        other => Err(format!("unknown kind {other:?}")),
    }
}
