//! Proves, by parsing this crate's source, that every exported function goes through the
//! panic boundary, that the header declares exactly the exported functions, and that every
//! `unsafe` block says why it is sound.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use syn::visit::Visit;

const CRATE: &str = env!("CARGO_MANIFEST_DIR");

/// The boundary helpers of `src/boundary.rs`, and the functions allowed to use each.
const BOUNDARIES: &[(&str, Option<&str>)] = &[
    ("ffi_result", None),
    ("ffi_value", None),
    ("ffi_result_keep_message", Some("picket_last_error_message")),
];

fn source_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(Path::new(CRATE).join("src"))
        .expect("src/ exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 5,
        "expected the crate's modules, found {files:?}"
    );
    files
}

/// One function found in the source.
struct Found {
    file: String,
    name: String,
    no_mangle: bool,
    extern_c: bool,
    public: bool,
    /// `None` when the body goes through a boundary correctly; otherwise why not.
    problem: Option<String>,
}

struct Collector {
    file: String,
    found: Vec<Found>,
}

fn is_no_mangle(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        let path = a.path();
        path.is_ident("no_mangle")
            // `#[unsafe(no_mangle)]` (Rust 2024 spelling).
            || (path.is_ident("unsafe")
                && a.meta
                    .require_list()
                    .is_ok_and(|l| l.tokens.to_string().trim() == "no_mangle"))
            || path.is_ident("export_name")
    })
}

fn is_extern_c(sig: &syn::Signature) -> bool {
    match &sig.abi {
        None => false,
        Some(syn::Abi { name: None, .. }) => true,
        Some(syn::Abi { name: Some(n), .. }) => n.value() == "C" || n.value() == "C-unwind",
    }
}

/// Checks that `block` is exactly one expression: `helper("name", ..., || { ... })`.
fn boundary_problem(name: &str, block: &syn::Block) -> Option<String> {
    let [syn::Stmt::Expr(expr, None)] = block.stmts.as_slice() else {
        return Some(format!(
            "the body has {} statements; it must be one boundary call with no `;`",
            block.stmts.len()
        ));
    };
    let syn::Expr::Call(call) = expr else {
        return Some("the body is not a call to a boundary helper".into());
    };
    let syn::Expr::Path(func) = &*call.func else {
        return Some("the body calls something other than a boundary helper".into());
    };
    let Some(helper) = func.path.get_ident().map(|i| i.to_string()) else {
        return Some("the boundary helper must be called by its plain name".into());
    };
    let Some((_, only_for)) = BOUNDARIES.iter().find(|(h, _)| *h == helper) else {
        return Some(format!(
            "the body calls `{helper}`, which is not a boundary helper"
        ));
    };
    if only_for.is_some_and(|f| f != name) {
        return Some(format!("`{helper}` is reserved for {}", only_for.unwrap()));
    }
    match call.args.first() {
        Some(syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Str(s),
            ..
        })) if s.value() == name => {}
        _ => {
            return Some(format!(
                "the first argument of `{helper}` must be the literal \"{name}\""
            ))
        }
    }
    match call.args.last() {
        Some(syn::Expr::Closure(_)) if call.args.len() >= 2 => None,
        _ => Some(format!(
            "the last argument of `{helper}` must be the body's closure"
        )),
    }
}

impl Collector {
    fn record(
        &mut self,
        attrs: &[syn::Attribute],
        vis: &syn::Visibility,
        sig: &syn::Signature,
        block: &syn::Block,
    ) {
        let no_mangle = is_no_mangle(attrs);
        let extern_c = is_extern_c(sig);
        if !no_mangle && !extern_c {
            return;
        }
        let name = sig.ident.to_string();
        self.found.push(Found {
            file: self.file.clone(),
            problem: boundary_problem(&name, block),
            name,
            no_mangle,
            extern_c,
            public: matches!(vis, syn::Visibility::Public(_)),
        });
    }
}

impl<'ast> Visit<'ast> for Collector {
    fn visit_item_fn(&mut self, f: &'ast syn::ItemFn) {
        self.record(&f.attrs, &f.vis, &f.sig, &f.block);
        syn::visit::visit_item_fn(self, f);
    }

    fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
        self.record(&f.attrs, &f.vis, &f.sig, &f.block);
        syn::visit::visit_impl_item_fn(self, f);
    }
}

fn exported() -> Vec<Found> {
    let mut all = Vec::new();
    for path in source_files() {
        let text = fs::read_to_string(&path).unwrap();
        let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let mut c = Collector {
            file: path.file_name().unwrap().to_string_lossy().into_owned(),
            found: Vec::new(),
        };
        c.visit_file(&file);
        all.extend(c.found);
    }
    all
}

#[test]
fn every_exported_function_goes_through_the_boundary() {
    let found = exported();
    assert!(
        found.len() >= 25,
        "only {} exported functions found",
        found.len()
    );
    let mut problems = Vec::new();
    for f in &found {
        if !(f.no_mangle && f.extern_c && f.public) {
            problems.push(format!(
                "{}: {}: exported functions must be `#[no_mangle] pub extern \"C\"` \
                 (no_mangle={}, extern_c={}, pub={})",
                f.file, f.name, f.no_mangle, f.extern_c, f.public
            ));
        }
        if !f.name.starts_with("picket_") {
            problems.push(format!("{}: {}: not prefixed picket_", f.file, f.name));
        }
        if let Some(p) = &f.problem {
            problems.push(format!("{}: {}: {p}", f.file, f.name));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_scan_rejects_a_function_outside_the_boundary() {
    // A scan that cannot fail proves nothing: feed it bodies that bypass the boundary.
    let bad: &[(&str, &str)] = &[
        ("picket_a", "{ picket_core::redact(\"\"); }"),
        (
            "picket_a",
            "{ let x = 1; ffi_value(\"picket_a\", (), || {}) }",
        ),
        ("picket_a", "{ ffi_value(\"picket_b\", (), || {}) }"),
        (
            "picket_a",
            "{ ffi_result_keep_message(\"picket_a\", || Ok(())) }",
        ),
        ("picket_a", "{ other(\"picket_a\", || Ok(())) }"),
        ("picket_a", "{ ffi_result(\"picket_a\", work) }"),
    ];
    for (name, body) in bad {
        let block: syn::Block = syn::parse_str(body).unwrap();
        assert!(boundary_problem(name, &block).is_some(), "accepted: {body}");
    }
    let good: syn::Block = syn::parse_str("{ ffi_result(\"picket_a\", || Ok(())) }").unwrap();
    assert_eq!(boundary_problem("picket_a", &good), None);
}

/// The exported names, which bindings in other languages depend on: renaming, adding or
/// removing one must be deliberate.
const STABLE_NAMES: &[&str] = &[
    "picket_auth_http_status",
    "picket_authorization_parse",
    "picket_digest_from_hex",
    "picket_key_digest",
    "picket_key_digest_hex",
    "picket_key_format",
    "picket_key_generate",
    "picket_key_parse",
    "picket_key_redacted",
    "picket_key_verify",
    "picket_key_verify_any",
    "picket_last_error_message",
    "picket_pkce_verify",
    "picket_redact",
    "picket_redirect_match",
    "picket_redirect_validate",
    "picket_registry_authenticate",
    "picket_registry_authorize_redirect",
    "picket_registry_builder_add_key",
    "picket_registry_builder_add_project",
    "picket_registry_builder_add_redirect_uri",
    "picket_registry_builder_build",
    "picket_registry_builder_free",
    "picket_registry_builder_new",
    "picket_registry_builder_set_options",
    "picket_registry_free",
    "picket_registry_update",
    "picket_result_name",
    "picket_result_text",
    "picket_version",
    "picket_www_authenticate",
];

#[test]
fn the_exported_names_are_the_stable_ones() {
    let exported: BTreeSet<String> = exported().into_iter().map(|f| f.name).collect();
    let stable: BTreeSet<String> = STABLE_NAMES.iter().map(|s| s.to_string()).collect();
    assert_eq!(exported, stable);
}

/// The function names `include/picket.h` declares.
fn header_functions() -> BTreeSet<String> {
    let header = fs::read_to_string(Path::new(CRATE).join("../include/picket.h")).unwrap();
    let mut names = BTreeSet::new();
    for line in header.lines() {
        // Declarations start at column 0 with a return type; comments start with `/` or ` `.
        if line.starts_with(|c: char| c.is_ascii_alphabetic()) && !line.starts_with("typedef") {
            if let Some(open) = line.find('(') {
                let before = &line[..open];
                let name = before
                    .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .next()
                    .unwrap_or("");
                if name.starts_with("picket_") {
                    names.insert(name.to_string());
                }
            }
        }
    }
    names
}

#[test]
fn the_header_declares_exactly_the_exported_functions() {
    let exported: BTreeSet<String> = exported().into_iter().map(|f| f.name).collect();
    let declared = header_functions();
    let missing: Vec<_> = exported.difference(&declared).collect();
    let extra: Vec<_> = declared.difference(&exported).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "include/picket.h is stale (regenerate it): missing {missing:?}, extra {extra:?}"
    );
}

#[test]
fn every_unsafe_block_has_a_safety_comment() {
    let mut problems = Vec::new();
    let mut blocks = 0;
    for path in source_files()
        .into_iter()
        .chain([Path::new(CRATE).join("examples/vectors/runner.rs")])
    {
        let text = fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if !code.contains("unsafe {") {
                continue;
            }
            blocks += 1;
            // The comment block directly above (possibly above the statement's first line
            // when the block opens a continuation line).
            let mut j = i;
            let mut ok = line.contains("// SAFETY:");
            while !ok && j > 0 {
                j -= 1;
                let above = lines[j].trim_start();
                if above.starts_with("// SAFETY:") {
                    ok = true;
                } else if !(above.starts_with("//") || above.ends_with('(') || above.ends_with('='))
                {
                    break;
                }
            }
            if !ok {
                problems.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    assert!(
        blocks >= 20,
        "only {blocks} unsafe blocks found: is the scan broken?"
    );
    assert!(
        problems.is_empty(),
        "unsafe blocks without a `// SAFETY:` comment:\n{}",
        problems.join("\n")
    );
}
