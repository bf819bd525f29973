//! `picket_result`: the files generated from the one table of codes (`codegen/src/table.rs`)
//! are fresh, every picket-core error has the code and text of its row, values are explicit
//! and unique, the header agrees, and every code has a static message.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use picket::{picket_result, picket_result_name, picket_result_text};
use picket_codegen::table::CODES;
use picket_core::{
    validate_redirect_uri, AuthError, AuthorizeError, BuildError, DigestError, HeaderError,
    KeyError, KeyKind, Mode, PkceError, RedirectError, RedirectOptions,
};

const CRATE: &str = env!("CARGO_MANIFEST_DIR");

/// One value of every error variant of picket-core that has a code of its own (variants
/// that wrap another error take the inner code and are checked separately).
fn core_variants() -> Vec<(u32, String, String)> {
    let invalid_url = validate_redirect_uri(
        b"https://[::1/cb",
        Mode::Production,
        RedirectOptions::default(),
    )
    .unwrap_err();
    assert!(matches!(invalid_url, RedirectError::InvalidUrl(_)));
    let mut out = Vec::new();
    macro_rules! add {
        ($($e:expr),* $(,)?) => { $( out.push(($e.code(), format!("{:?}", $e), $e.to_string())); )* };
    }
    add!(
        KeyError::Empty,
        KeyError::UnknownPrefix,
        KeyError::WrongLength { found: 0 },
        KeyError::NonHex { position: 0 },
        KeyError::SurroundingWhitespace,
        KeyError::Uppercase { position: 0 },
        DigestError::WrongLength { found: 0 },
        DigestError::InvalidCharacter { position: 0 },
        HeaderError::Missing,
        HeaderError::TooLong,
        HeaderError::ControlCharacter {
            byte: 0,
            position: 0
        },
        HeaderError::NonAscii { position: 0 },
        HeaderError::UnsupportedScheme,
        HeaderError::BearerNotEnabled,
        HeaderError::TabSeparator,
        HeaderError::MissingCredentials,
        HeaderError::InvalidBase64,
        HeaderError::CredentialsTooLong,
        HeaderError::EmptyKey,
        HeaderError::KeyInPassword,
        HeaderError::NonEmptyPassword,
        RedirectError::Empty,
        RedirectError::TooLong,
        RedirectError::NonPrintable { position: 0 },
        RedirectError::UnsafeCharacter {
            character: '<',
            position: 0
        },
        RedirectError::Fragment,
        RedirectError::Wildcard,
        RedirectError::BadPercentEncoding { position: 0 },
        RedirectError::MissingScheme,
        RedirectError::DisallowedScheme,
        RedirectError::MissingAuthority,
        RedirectError::Userinfo,
        RedirectError::EmptyHost,
        RedirectError::InvalidPort,
        invalid_url,
        RedirectError::InsecureScheme,
        RedirectError::LoopbackInProduction,
        RedirectError::SingleLabelHost,
        AuthError::UnknownKey,
        AuthError::Expired,
        AuthError::WrongKind {
            required: KeyKind::Secret,
            presented: KeyKind::Publishable
        },
        AuthError::KindMismatch,
        AuthorizeError::SecretKeyExposed,
        AuthorizeError::UnknownClient,
        AuthorizeError::Expired,
        AuthorizeError::RedirectNotRegistered,
        BuildError::UnknownProject { project: 0 },
        BuildError::DuplicateProject { project: 0 },
        BuildError::DuplicateKey {
            first: 0,
            second: 0
        },
        BuildError::TooManyKeys,
        PkceError::PlainRefused,
        PkceError::UnsupportedMethod,
        PkceError::VerifierLength { found: 0 },
        PkceError::VerifierCharacter { position: 0 },
        PkceError::ChallengeLength { found: 0 },
        PkceError::ChallengeCharacter { position: 0 },
        PkceError::ChallengeNotCanonical,
        PkceError::Mismatch,
    );
    out
}

fn ffi_core_codes() -> BTreeSet<u32> {
    picket_result::all()
        .iter()
        .map(|r| *r as u32)
        .filter(|&c| c >= 100)
        .collect()
}

#[test]
fn every_core_variant_has_the_code_and_text_of_its_row() {
    let variants = core_variants();
    let mut seen = BTreeSet::new();
    for (code, debug, display) in &variants {
        let row = CODES
            .iter()
            .find(|c| c.value == *code)
            .unwrap_or_else(|| panic!("{debug} (code {code}) has no row in the table"));
        let pattern = row
            .core
            .unwrap_or_else(|| panic!("row {code} names no core variant"));
        let variant = debug.split([' ', '(']).next().unwrap();
        assert!(
            pattern
                .split([' ', '('])
                .next()
                .unwrap()
                .ends_with(&format!("::{variant}")),
            "{debug} has code {code}, which the table gives to {pattern}"
        );
        let r = picket_result::from_code(*code).expect("every row has its picket_result");
        assert!(
            seen.insert(r as u32),
            "{debug}: {r:?} is the code of another variant too"
        );
        if !debug.contains(['{', '(']) {
            // A variant without fields: its message is the row's text, word for word.
            assert_eq!(
                display, row.text,
                "{debug}: Display and the table's text differ"
            );
        }
    }
    // And back: every row with a core variant is the code of one listed above.
    let core: BTreeSet<u32> = variants.iter().map(|(c, _, _)| *c).collect();
    assert_eq!(ffi_core_codes(), core);
    let rows: BTreeSet<u32> = CODES
        .iter()
        .filter(|c| c.core.is_some())
        .map(|c| c.value)
        .collect();
    assert_eq!(rows, core);
}

#[test]
fn wrapping_errors_keep_the_inner_code() {
    let key = KeyError::Uppercase { position: 3 };
    let redirect = RedirectError::Fragment;
    assert_eq!(HeaderError::Key(key).code(), key.code());
    assert_eq!(AuthError::Header(HeaderError::Key(key)).code(), key.code());
    assert_eq!(AuthError::Header(HeaderError::Missing).code(), 300);
    assert_eq!(AuthorizeError::InvalidClientId(key).code(), key.code());
    assert_eq!(
        BuildError::Redirect {
            project: 1,
            error: redirect
        }
        .code(),
        redirect.code()
    );
}

/// The generated files (the FFI enum, the core's `code()`, the Go, Python and C lists) are
/// what the table gives today: a row added or changed without regenerating fails here.
#[test]
fn generated_files_are_fresh() {
    let root = Path::new(CRATE).join("..");
    let files = picket_codegen::outputs().expect("the table is well-formed");
    assert!(files.len() >= 5);
    for file in files {
        let on_disk = fs::read_to_string(root.join(file.path))
            .unwrap_or_else(|e| panic!("{}: {e}", file.path));
        assert!(
            on_disk == file.text,
            "{} is stale: run `cargo run -p picket-codegen`",
            file.path
        );
    }
}

/// `(variant name, value)` of `picket_result` as written in `src/result.rs`.
fn declared_variants() -> Vec<(String, u32)> {
    let text = fs::read_to_string(Path::new(CRATE).join("src/result.rs")).unwrap();
    let file = syn::parse_file(&text).unwrap();
    for item in file.items {
        if let syn::Item::Enum(e) = item {
            if e.ident == "picket_result" {
                return e
                    .variants
                    .iter()
                    .map(|v| {
                        let value = match &v.discriminant {
                            Some((
                                _,
                                syn::Expr::Lit(syn::ExprLit {
                                    lit: syn::Lit::Int(n),
                                    ..
                                }),
                            )) => n.base10_parse().unwrap(),
                            _ => panic!("{}: every value must be an explicit literal", v.ident),
                        };
                        (v.ident.to_string(), value)
                    })
                    .collect();
            }
        }
    }
    panic!("no picket_result in src/result.rs")
}

fn screaming_snake(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

#[test]
fn values_are_explicit_unique_grouped_and_all_listed() {
    let declared = declared_variants();
    let values: Vec<u32> = declared.iter().map(|(_, v)| *v).collect();
    let all: Vec<u32> = picket_result::all().iter().map(|r| *r as u32).collect();
    assert_eq!(
        values, all,
        "picket_result::all() must list every variant in order"
    );
    assert!(values.windows(2).all(|w| w[0] < w[1]), "values must ascend");
    for (name, value) in &declared {
        let area = match value {
            0..=99 => "",
            100..=199 => "Key",
            200..=299 => "Digest",
            300..=399 => "Header",
            400..=499 => "Redirect",
            500..=519 => "Auth",
            520..=539 => "Authorize",
            600..=699 => "Build",
            700..=799 => "Pkce",
            _ => panic!("{name} = {value} is outside every range"),
        };
        assert!(
            name.starts_with(area),
            "{name} = {value} is not in the {area} range"
        );
        if *value >= 100 {
            assert!(
                !name.starts_with("Authorize") || area == "Authorize",
                "{name}"
            );
        }
    }
}

#[test]
fn the_header_has_the_same_values() {
    let header = fs::read_to_string(Path::new(CRATE).join("../include/picket.h")).unwrap();
    let mut in_header = Vec::new();
    for line in header.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("PICKET_RESULT_") {
            let (name, value) = rest.trim_end_matches(',').split_once(" = ").unwrap();
            in_header.push((name.to_string(), value.parse::<u32>().unwrap()));
        }
    }
    let declared: Vec<(String, u32)> = declared_variants()
        .into_iter()
        .map(|(n, v)| (screaming_snake(&n), v))
        .collect();
    assert_eq!(
        in_header, declared,
        "include/picket.h is stale: regenerate it"
    );
}

fn text_of(code: u32, cap: usize) -> (picket_result, Vec<u8>, usize) {
    let mut buf = vec![0xAAu8; cap];
    let mut len = usize::MAX;
    // SAFETY: `buf` is valid for writes of `cap` bytes and `len` for one usize.
    let r = unsafe { picket_result_text(code, buf.as_mut_ptr(), cap, &mut len) };
    (r, buf, len)
}

#[test]
fn every_code_has_a_static_message() {
    let mut texts = BTreeSet::new();
    for &r in picket_result::all() {
        let (got, buf, len) = text_of(r as u32, 512);
        assert_eq!(got, picket_result::Ok, "{r:?}");
        let text = std::str::from_utf8(&buf[..len]).unwrap();
        assert_eq!(text, r.text(), "{r:?}");
        assert!(!text.is_empty(), "{r:?}");
        assert!(
            text.starts_with(|c: char| c.is_ascii_lowercase()),
            "{r:?}: {text:?} must start lowercase"
        );
        assert!(!text.ends_with('.'), "{r:?}: {text:?}");
        assert!(!text.contains('{'), "{r:?}: {text:?} has a placeholder");
        assert!(
            texts.insert(text.to_string()),
            "{r:?}: {text:?} is not unique"
        );
        assert!(
            buf[len..].iter().all(|&b| b == 0xAA),
            "{r:?}: wrote past the text"
        );

        // One byte too small: the size is reported and the buffer untouched.
        let (got, buf, needed) = text_of(r as u32, len - 1);
        assert_eq!(got, picket_result::BufferTooSmall, "{r:?}");
        assert_eq!(needed, len, "{r:?}");
        assert!(buf.iter().all(|&b| b == 0xAA), "{r:?}: buffer touched");
    }
}

#[test]
fn unknown_codes_are_refused() {
    // The first free value after each code (the gap after every area's last code), so
    // that the list follows the table as codes are added.
    let listed: BTreeSet<u32> = CODES.iter().map(|c| c.value).collect();
    let gaps = listed.iter().map(|v| v + 1).filter(|v| !listed.contains(v));
    for code in gaps.chain([99, 199, 299, 1000, u32::MAX]) {
        let (got, buf, len) = text_of(code, 512);
        assert_eq!(got, picket_result::InvalidParameter, "{code}");
        assert_eq!(len, usize::MAX, "{code}: out_len written on failure");
        assert!(buf.iter().all(|&b| b == 0xAA));
    }
}

#[test]
fn size_query_and_null_rules() {
    let mut len = 0usize;
    // SAFETY: (NULL, 0) is the empty buffer; `len` is valid for one usize.
    let r = unsafe {
        picket_result_text(
            picket_result::KeyEmpty as u32,
            std::ptr::null_mut(),
            0,
            &mut len,
        )
    };
    assert_eq!(r, picket_result::BufferTooSmall);
    assert_eq!(len, "api key is empty".len());
    // SAFETY: NULL pointers are never dereferenced.
    let r =
        unsafe { picket_result_text(picket_result::Ok as u32, std::ptr::null_mut(), 5, &mut len) };
    assert_eq!(r, picket_result::NullParameter);
    let mut buf = [0u8; 64];
    // SAFETY: `buf` is valid for writes of 64 bytes; the NULL `out_len` is refused.
    let r = unsafe { picket_result_text(0, buf.as_mut_ptr(), buf.len(), std::ptr::null_mut()) };
    assert_eq!(r, picket_result::NullParameter);
}

/// `picket_result_name`: the table's name, lowercase, for every code (Go's `Code.String()`
/// and Python's `Code` take theirs from the same table); nothing for a value that is no code.
#[test]
fn every_code_has_its_rule_name() {
    for code in CODES {
        let mut buf = [0xAAu8; 80];
        let mut len = usize::MAX;
        // SAFETY: `buf` is valid for writes of 80 bytes and `len` for one usize.
        let r = unsafe { picket_result_name(code.value, buf.as_mut_ptr(), buf.len(), &mut len) };
        assert_eq!(r, picket_result::Ok, "{}", code.name);
        assert_eq!(&buf[..len], code.name.to_ascii_lowercase().as_bytes());
        assert!(len <= 64, "{}: the header promises 64 bytes", code.name);
    }
    let mut len = usize::MAX;
    // SAFETY: a size query: no buffer, `len` valid for one usize.
    let r = unsafe { picket_result_name(416_000, std::ptr::null_mut(), 0, &mut len) };
    assert_eq!((r, len), (picket_result::InvalidParameter, usize::MAX));
}
