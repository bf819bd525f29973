//! The server's own rules ([`RULES`]): their checks and the files rendered from them.

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::render::doc_lines;
use crate::table::{Rule, CODES, RULES, RULE_AREAS};
use crate::{camel, GENERATED};

/// Checks the rules: values ascend, are unique and lie in a rule area (so never in a
/// result code's range); names are lowercase snake_case and differ from every rule's and
/// every picket-core result code's name (a code of the C ABI's own area, 0-99, never
/// reaches an API answer: the server and the middleware answer it as `internal_error`,
/// which is therefore also a rule's name); statuses are 4xx or 5xx; texts start lowercase without a
/// final period or placeholder; docs are sentences.
pub(crate) fn check_rules() -> Result<(), String> {
    let codes: BTreeSet<String> = CODES
        .iter()
        .filter(|c| crate::area_of(c).is_some_and(|a| a.core_enum.is_some()))
        .map(|c| c.name.to_ascii_lowercase())
        .collect();
    let mut names = BTreeSet::new();
    for (i, r) in RULES.iter().enumerate() {
        let at = format!("rule {} ({})", r.value, r.name);
        if i > 0 && RULES[i - 1].value >= r.value {
            return Err(format!("{at}: values must ascend, without repeats"));
        }
        if !RULE_AREAS
            .iter()
            .any(|(first, last, _)| (*first..=*last).contains(&r.value))
        {
            return Err(format!("{at}: outside every rule area"));
        }
        if r.name.is_empty()
            || r.name.starts_with('_')
            || r.name.ends_with('_')
            || !r
                .name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(format!("{at}: the name must be lowercase snake_case"));
        }
        if codes.contains(r.name) {
            return Err(format!("{at}: a picket-core result code has this name"));
        }
        if !names.insert(r.name) {
            return Err(format!("{at}: the name is used twice"));
        }
        if !(400..=599).contains(&r.status) {
            return Err(format!("{at}: the status must be 4xx or 5xx"));
        }
        let t = r.text;
        if !t.starts_with(|c: char| c.is_ascii_lowercase()) || t.ends_with('.') || t.contains('{') {
            return Err(format!(
                "{at}: the text must start lowercase, have no placeholder and no final period"
            ));
        }
        if !r.doc.ends_with('.') {
            return Err(format!("{at}: the doc must be a sentence"));
        }
    }
    Ok(())
}

/// The Go name of a rule: CamelCase with Go's initialisms (`invalid_json` → `InvalidJSON`,
/// `quota_redirect_uris` → `QuotaRedirectURIs`).
///
/// ```
/// let rule = picket_codegen::table::RULES.iter().find(|r| r.name == "invalid_json").unwrap();
/// assert_eq!(picket_codegen::go_rule(rule), "InvalidJSON");
/// ```
pub fn go_rule(rule: &Rule) -> String {
    rule.name
        .split('_')
        .map(|word| match word {
            "json" | "uri" | "url" | "id" | "csrf" | "http" => word.to_ascii_uppercase(),
            "uris" => "URIs".to_string(),
            _ => camel(word),
        })
        .collect()
}

fn quoted(text: &str) -> String {
    format!("{text:?}")
}

/// A Go file of `package`: a `var` block, after the comment `intro`, holding one value per
/// rule of `rules`, named `{prefix}{go_rule}` of type `typ` with the fields named `fields`.
fn go_rule_values<'a>(
    package: &str,
    intro: &str,
    rules: impl Iterator<Item = &'a Rule>,
    (prefix, typ, fields): (&str, &str, [&str; 4]),
) -> String {
    let mut o =
        format!("// Code {GENERATED}.\n// DO NOT EDIT.\n\npackage {package}\n\n{intro}var (\n");
    let [name, code, status, text] = fields;
    for r in rules {
        let g = format!("{prefix}{}", go_rule(r));
        let doc = format!("{g} ({}, HTTP {}): {}", r.value, r.status, r.doc);
        doc_lines(&mut o, "\t// ", &doc);
        writeln!(
            o,
            "\t{g} = {typ}{{{name}: {}, {code}: {}, {status}: {}, {text}: {}}}",
            quoted(r.name),
            r.value,
            r.status,
            quoted(r.text)
        )
        .unwrap();
    }
    o.push_str(")\n");
    o
}

/// `server/internal/rules/rules_gen.go`: one exported value per rule, and `All`.
pub(crate) fn go_server_rules() -> String {
    let mut o = go_rule_values(
        "rules",
        "// The server's rules, one value each.\n",
        RULES.iter(),
        ("", "Rule", ["Name", "Code", "Status", "Text"]),
    );
    o.push_str("\n// All lists every rule in ascending order of code.\nvar All = []Rule{\n");
    for r in RULES {
        writeln!(o, "\t{},", go_rule(r)).unwrap();
    }
    o.push_str("}\n");
    o
}

/// `bindings/go/rules_gen.go`: the rules the Go middleware answers (unexported).
pub(crate) fn go_binding_rules() -> String {
    go_rule_values(
        "picket",
        "// The rules of picket-server's API that this package's middleware answers too, with the\n// codes of the same table as Code's (800-999: never a result of the C ABI).\n",
        RULES.iter().filter(|r| r.middleware),
        ("rule", "apiRule", ["name", "code", "status", "text"]),
    )
}

/// `bindings/python/picket/_api_rules.py`: the rules the Python middleware answers.
pub(crate) fn python_rules() -> String {
    let mut o = format!(
        "\"\"\"The rules of picket-server's API that the middleware answer too, with the codes of the
same table as :class:`picket.Code`'s (800-999: never a result of the C ABI).

{GENERATED}.
\"\"\"

from typing import NamedTuple

__all__ = [\"ApiRule\""
    );
    for r in RULES.iter().filter(|r| r.middleware) {
        write!(o, ", {}", quoted(&r.name.to_ascii_uppercase())).unwrap();
    }
    o.push_str(
        "]


class ApiRule(NamedTuple):
    \"\"\"A rule of the API error object: its ``error``, ``code``, HTTP status and default
    ``message``.\"\"\"

    name: str
    code: int
    status: int
    text: str

",
    );
    for r in RULES.iter().filter(|r| r.middleware) {
        o.push('\n');
        doc_lines(&mut o, "#: ", &r.doc.replace('`', "``"));
        // One argument a line, with the trailing comma that keeps ruff from joining them.
        writeln!(
            o,
            "{} = ApiRule(\n    {},\n    {},\n    {},\n    {},\n)",
            r.name.to_ascii_uppercase(),
            quoted(r.name),
            r.value,
            r.status,
            quoted(r.text)
        )
        .unwrap();
    }
    o
}

/// `server/RULES.md`: the table of rules for the server's users.
pub(crate) fn rules_md() -> String {
    let mut o = String::new();
    writeln!(
        o,
        "# picket-server's own rules\n\n<!-- {GENERATED} -->\n\nEvery error of the JSON API is `{{\"error\": RULE, \"code\": N, \"message\": TEXT}}` (see\n[API.md](API.md#errors)). `error` is either a picket rule, whose code is a picket result\ncode below 800 (the C header `include/picket.h` lists them: `PICKET_RESULT_AUTH_UNKNOWN_KEY`\nis `auth_unknown_key`, 500), or one of the server's own rules below. Codes are never reused.\n"
    )
    .unwrap();
    for (first, last, what) in RULE_AREAS {
        writeln!(
            o,
            "## {first}–{last}: {what}\n\n| code | error | HTTP | meaning |\n| --- | --- | --- | --- |"
        )
        .unwrap();
        for r in RULES.iter().filter(|r| (*first..=*last).contains(&r.value)) {
            writeln!(
                o,
                "| {} | `{}` | {} | {} |",
                r.value,
                r.name,
                r.status,
                r.doc.replace('|', "\\|")
            )
            .unwrap();
        }
        o.push('\n');
    }
    o.truncate(o.trim_end().len());
    o.push('\n');
    o
}
